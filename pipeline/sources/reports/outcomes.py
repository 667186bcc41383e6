"""Last year's outcomes as a report states them, made comparable: indicator, signed growth, level in 亿元.

A review names its indicators with whatever prefix or suffix the sentence needs (2024年全省地区生产总值,
全疆地区生产总值同比, 地区生产总值预计): they are stripped until a registry alias is left. A decline
(下降2%) is a growth of -2, as 增长-2% is; a level beside the growth (6.36万亿元) stays a level, in
``level_cny_100m`` when it is an amount of yuan.
"""
from __future__ import annotations

import re

from pipeline.sources.reports.phrases import indicator_for

_PREFIXES = re.compile(
    r"^(?:(?:19|20)\d\d\s*年(?:全年)?|去年|上年|全年|一年来|预计|初步核算|经初步核算|初步统计|完成|实现"
    r"|全[\u4e00-\u9fff](?!会)|本[省市区县]|我[省市区县])"
)  # 全X is a scope (全省, 全疆, 全川) except 全社会, which belongs to the name
_SUFFIXES = ("同比", "实际", "预计", "初步核算", "累计", "总量", "比上年", "较上年", "比去年", "实现", "达到", "完成", "分别",
             "增长", "增速", "为", "达")
# 亿元 per unit written; yuan only (美元 and 欧元 amounts are not CNY)
_TO_100M = {"万亿": 1e4, "千亿": 1e3, "百亿": 1e2, "亿": 1.0, "千万": 1e-1, "百万": 1e-2, "十万": 1e-3, "万": 1e-4,
            "千": 1e-5, "百": 1e-6, "": 1e-8}


def outcome_indicator(label: str) -> str | None:
    """Registry slug of an outcome's label, prefixes (year, scope, 预计) and suffixes (同比, 预计) aside."""
    core = re.sub(r"\([^)]*\)", "", label or "").strip()
    seen = set()
    while core and core not in seen:
        seen.add(core)
        slug = indicator_for(core)
        if slug:
            return slug
        m = _PREFIXES.match(core)
        if m and m.end() < len(core):
            core = core[m.end():].strip(" ,、")
            continue
        tail = next((s for s in _SUFFIXES if core.endswith(s) and len(core) > len(s)), None)
        if tail:
            core = core[: -len(tail)].strip(" ,、")
    return None


def level_cny_100m(value: float | None, unit: str) -> float | None:
    """An amount of yuan in 亿元 (6.36万亿元 -> 63600); None for anything else."""
    if value is None or value != value or not unit.endswith("元") or unit.endswith(("美元", "欧元")):
        return None
    factor = _TO_100M.get(unit[:-1])
    return None if factor is None else round(value * factor, 6)


def finish(row: dict) -> dict:
    """An outcome row in its final form: indicator, signed growth, level in 亿元."""
    row["indicator"] = row.get("indicator") or outcome_indicator(row["label"])
    if row["measure"] == "decline":
        for col in ("value", "value_high", "outcome_pct", "outcome_high_pct"):
            if row.get(col) is not None:
                row[col] = -row[col]
        if row["unit"] in ("%", "pp"):
            row["measure"] = "growth"
    row["level_cny_100m"] = level_cny_100m(row["value"], row["unit"]) if row["measure"] == "level" else None
    return row
