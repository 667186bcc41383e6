"""Precision and recall of extracted rows against a hand-labelled list (tests and benchmark)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Score:
    precision: float
    recall: float
    matched: int
    extracted: int
    expected: int
    missed: list[str]  # expected quotes without a matching row
    spurious: list[str]  # extracted quotes matching nothing expected
    field_errors: list[str]  # matched rows whose section, indicator, measure, main or relative_to differ


def _same_number(expected: str, got) -> bool:
    if expected in ("", None):
        return got is None or got != got
    return got is not None and got == got and abs(float(expected) - float(got)) < 1e-9


def score(text: str, rows: list[dict], expected: list[dict]) -> Score:
    """Precision and recall of ``rows`` against hand-labelled ``expected`` rows (dicts of strings).

    An expected row is located by its ``quote`` (unique in ``text``); a row matches it when its span
    overlaps the quote and number, unit and qualifier agree.
    """
    used, missed, field_errors = set(), [], []
    for e in expected:
        at = text.find(e["quote"])
        if at < 0 or text.find(e["quote"], at + 1) >= 0:
            raise ValueError(f"expected quote {e['quote']!r} must occur exactly once in the text")
        lo, hi = at, at + len(e["quote"])
        hit = next((i for i, r in enumerate(rows) if i not in used and r["span_start"] < hi and lo < r["span_end"]
                    and _same_number(e["value"], r["value"]) and (r["unit"] or "") == e["unit"]
                    and r["qualifier"] == e["qualifier"]), None)
        if hit is None:
            missed.append(e["quote"])
            continue
        used.add(hit)
        r = rows[hit]
        got = {"section": r["section"], "subsection": r["subsection"], "indicator": r["indicator"] or "",
               "measure": r["measure"], "main": str(bool(r["main"])), "relative_to": r["relative_to"] or ""}
        wrong = [f"{k}={got[k]!r} (expected {e[k]!r})" for k in got if k in e and got[k] != e[k]]
        if wrong:
            field_errors.append(f"{e['quote']}: " + ", ".join(wrong))
    spurious = [r["quote"] for i, r in enumerate(rows) if i not in used]
    n = len(used)
    return Score(n / len(rows) if rows else 0.0, n / len(expected) if expected else 0.0, n, len(rows),
                 len(expected), missed, spurious, field_errors)
