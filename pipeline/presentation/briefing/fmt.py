"""Numbers and dates as people write them: growth to one decimal, probabilities as whole percents.

One place decides rounding (half away from zero, as in published tables), that ``-0.0`` prints as
``0.0``, and that a missing value is a dash (the reason goes in a note, never ``nan``).
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from pipeline.presentation import i18n

DASH = "–"


def missing(x) -> bool:
    """None, NaN, pandas NA or an empty string."""
    if x is None or (isinstance(x, str) and not x.strip()):
        return True
    if isinstance(x, str):
        return x.strip().lower() in ("nan", "none", "<na>")
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def _round(x: float, places: int) -> Decimal:
    q = Decimal(1).scaleb(-places)
    d = Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP)
    return abs(d) if d == 0 else d  # no -0.0


def number(x, places: int = 1) -> str:
    """5.2, 0.0 (never -0.0), a dash when missing."""
    return DASH if missing(x) else f"{_round(x, places):.{places}f}"


def pct(x, places: int = 1) -> str:
    """Growth in percent: '5.2%'."""
    return DASH if missing(x) else number(x, places) + "%"


def target_number(x) -> str:
    """A target as written in the report: 7, 6.5, 5.5 (no trailing zeros)."""
    return DASH if missing(x) else format(_round(x, 2).normalize(), "f")


def prob(p) -> str:
    """A probability as a whole percent: '2%', '<1%' and '>99%' near the ends, never a false 0% or 100%."""
    if missing(p):
        return DASH
    p = float(p)
    if 0 < p < 0.005:
        return "<1%"
    if 0.995 < p < 1:
        return ">99%"
    return f"{int(_round(100 * p, 0))}%"


def points(delta, lang: str, places: int = 0) -> str:
    """A change in probability in percentage points, signed: '+3 pp' / '+3个百分点' (0 places by default)."""
    if missing(delta):
        return DASH
    n = _round(100 * float(delta), places)
    sign = "+" if n > 0 else "−" if n < 0 else ""
    return i18n.t("number.points", lang, n=f"{sign}{abs(n):.{places}f}")


def month_name(month: int, lang: str) -> str:
    return i18n.t(f"month.m{int(month)}", lang)


def as_of_text(as_of: str, lang: str) -> str:
    """'2024-06' -> '2024年6月' / 'June 2024'."""
    year, month = int(as_of[:4]), int(as_of[5:7])
    return i18n.t("number.year_month", lang, year=year, month=month, month_name=month_name(month, lang))


def span_text(period: str, lang: str) -> str:
    """A year-to-date span: '2024-06' -> '2024年1-6月' / 'Jan-Jun 2024' ('2024-01' is January alone)."""
    if missing(period):
        return DASH
    year, month = int(period[:4]), int(period[5:7])
    if month == 1:
        return as_of_text(period, lang)
    return i18n.t("number.span", lang, year=year, month=month, month_name=i18n.t(f"month.short{month}", lang))
