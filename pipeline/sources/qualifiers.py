"""What a target's wording means for "met": the one documented place.

A target is never a bare number: 7%以上, 6%左右, 5-5.5%, 高于经济增速 and 实现正增长 are judged
differently. Raw files may give either the code or the Chinese wording; ``normalize`` maps both
to a code. ``met`` applies the rule to an outcome.

| code         | wording (examples)              | met (strict)                        | met (tolerant)                        |
|--------------|---------------------------------|-------------------------------------|---------------------------------------|
| at_least     | 以上, 不低于, 不少于, 至少        | outcome >= target                   | same                                  |
| exact        | bare number (增长6.5%)           | outcome >= target                   | same                                  |
| about        | 左右                            | outcome >= target                   | outcome >= target - tolerance         |
| strive       | 力争                            | outcome >= target                   | same                                  |
| range        | 区间, 5%-5.5%                   | outcome >= target (the low end)     | same                                  |
| exceed       | 突破, 超过                       | outcome > target                    | outcome >= target                     |
| at_most      | 以内, 不超过, 控制在              | outcome <= target                   | outcome <= target + tolerance         |
| above        | 高于/快于 relative_to (经济增速)  | outcome > outcome of relative_to    | outcome >= outcome of relative_to - tolerance |
| in_step      | 同步 relative_to                 | outcome >= outcome of relative_to   | outcome >= outcome of relative_to - tolerance |
| positive     | 实现正增长                       | outcome > 0                         | same                                  |
| unknown      | wording lost (yearbook codes)    | outcome >= target (assumed)         | same                                  |

The tolerance (percentage points) comes from params.yaml (``targets.about_tolerance_pp``).

Verdicts read a target as governments do: a 左右 (about) target is judged on the tolerant reading (an
outcome up to the tolerance below it counts as met), with the strict reading shown beside it; every other
wording on its strict reading (``READ_TOLERANTLY``, ``verdict_probability``).
"""
from __future__ import annotations

import math

CODES = ("at_least", "exact", "about", "strive", "range", "exceed", "at_most", "above", "in_step", "positive", "unknown")
RELATIVE = {"above", "in_step"}
NO_NUMBER = {"above", "in_step", "positive"}

_WORDING = {
    "以上": "at_least", "不低于": "at_least", "不少于": "at_least", "至少": "at_least",
    "左右": "about", "力争": "strive", "区间": "range", "range": "range",
    "突破": "exceed", "超过": "exceed", "以内": "at_most", "不超过": "at_most", "控制在": "at_most",
    "高于": "above", "快于": "above", "高于经济增速": "above", "快于经济增速": "above",
    "同步": "in_step", "与经济增长同步": "in_step", "基本同步": "in_step",
    "实现正增长": "positive", "正增长": "positive",
    "": "exact", "bare": "exact",
    # further wordings met in work reports (pipeline/report_parser.py)
    "以下": "at_most", "上下": "about", "约": "about", "大约": "about", "超": "exceed", "逾": "exceed",
    "多": "exceed", "余": "exceed", "争取": "strive", "略高于": "above", "跑赢": "above",
}


# Wordings whose verdict (status, the probability a page leads with) follows the tolerant reading.
READ_TOLERANTLY = {"about"}


def verdict_probability(code: str, strict: float, tolerant: float) -> float:
    """The probability a verdict uses: the tolerant one for 左右, the strict one otherwise."""
    return tolerant if code in READ_TOLERANTLY else strict


# The wording shown for a code when a raw file gave the code itself.
DEFAULT_WORDING = {"at_least": "以上", "exact": "", "about": "左右", "strive": "力争", "range": "区间",
                   "exceed": "突破", "at_most": "以内", "above": "高于", "in_step": "同步",
                   "positive": "实现正增长", "unknown": "未知"}


def normalize(qualifier: str | None) -> str:
    """Code for a qualifier given as a code or as its Chinese wording; ValueError when unknown."""
    q = (qualifier or "").strip()
    if q in CODES:
        return q
    if q in _WORDING:
        return _WORDING[q]
    raise ValueError(
        f"unknown qualifier {qualifier!r}: use one of {', '.join(CODES)} or a wording such as 以上, 左右, 区间, 力争, 实现正增长"
    )


def met(outcome: float, target: float | None, code: str, *, relative_outcome: float | None = None,
        tolerance: float = 0.0, tolerant: bool = False) -> bool | None:
    """Whether ``outcome`` meets the target under ``code``; None when it cannot be judged (missing input)."""
    if outcome is None or (isinstance(outcome, float) and math.isnan(outcome)):
        return None
    tol = tolerance if tolerant else 0.0
    if code == "positive":
        return outcome > 0
    if code in RELATIVE:
        if relative_outcome is None or math.isnan(relative_outcome):
            return None
        if tolerant:
            return outcome >= relative_outcome - tolerance
        return outcome > relative_outcome if code == "above" else outcome >= relative_outcome
    if target is None or math.isnan(target):
        return None
    if code == "at_most":
        return outcome <= target + tol
    if code == "exceed":
        return outcome >= target if tolerant else outcome > target
    if code == "about":
        return outcome >= target - tol
    if code in CODES:
        return outcome >= target
    raise ValueError(f"unknown qualifier code {code!r}")


def threshold(target: float | None, code: str, *, relative_outcome: float | None = None,
              tolerance: float = 0.0, tolerant: bool = False) -> tuple[float | None, bool]:
    """The outcome threshold and whether it must be exceeded strictly (for probabilities).

    Returns (threshold, strict_greater); at_most targets are not thresholds from below and return (None, False).
    """
    tol = tolerance if tolerant else 0.0
    if code == "positive":
        return 0.0, True
    if code in RELATIVE:
        if relative_outcome is None:
            return None, False
        if tolerant:
            return relative_outcome - tolerance, False
        return relative_outcome, code == "above"
    if code == "at_most" or target is None:
        return None, False
    if code == "exceed":
        return target, not tolerant
    if code == "about":
        return target - tol, False
    return target, False
