"""Scores shared by the backtests: one definition of CRPS, coverage, Brier, reliability, regimes and nested choice.

A probability is only as good as its record, so the record is computed the same way everywhere:
every metric can be split into ordinary and shock years (``regime``), and every setting a backtest
informs is chosen with ``nested_choice``: for each scored year, only from the years before it.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

ORDINARY, SHOCK, ALL = "ordinary", "shock", "all"


def crps(draws: np.ndarray, y: float) -> float:
    """Continuous ranked probability score of a sample against an outcome (pp; lower is better).

    The sample estimator E|X - y| - E|X - X'| / 2, computed on sorted draws in O(n log n).
    """
    x = np.sort(np.asarray(draws, dtype=float))
    n = len(x)
    spread = 2.0 / n**2 * np.sum((2 * np.arange(1, n + 1) - n - 1) * x)
    return float(np.mean(np.abs(x - y)) - 0.5 * spread)


def covered(lo, hi, y) -> np.ndarray:
    """Whether each outcome lies in its closed interval [lo, hi]."""
    lo, hi, y = (np.asarray(a, dtype=float) for a in (lo, hi, y))
    return (y >= lo) & (y <= hi)


def brier(p, outcome) -> float:
    """Mean squared error of probabilities against 0/1 outcomes."""
    p, o = np.asarray(p, dtype=float), np.asarray(outcome, dtype=float)
    return float(np.mean((p - o) ** 2)) if len(p) else float("nan")


def skill(score: float, reference: float) -> float:
    """1 - score / reference: 0 is no better than the reference, 1 is perfect, negative is worse."""
    if reference is None or not np.isfinite(reference) or reference == 0:
        return float("nan")
    return float(1 - score / reference)


def reliability_table(p, outcome, bins: int = 10) -> pd.DataFrame:
    """Cases binned by forecast probability (deciles by default): mean forecast, observed frequency, count.

    A forecast of exactly 1.0 falls in the top bin.
    """
    p, o = np.asarray(p, dtype=float), np.asarray(outcome, dtype=float)
    idx = np.clip(np.floor(p * bins).astype(int), 0, bins - 1)
    df = pd.DataFrame({"bin": idx, "p": p, "o": o}).groupby("bin")
    out = pd.DataFrame({"p_mean": df.p.mean(), "observed": df.o.mean(), "n": df.size()}).reset_index()
    return out.assign(gap=(out.observed - out.p_mean))


def regime(years: Iterable[int], shock_years: Iterable[int]) -> np.ndarray:
    """'shock' for the listed shock years (2020-2022 in params), else 'ordinary'."""
    shocks = {int(y) for y in shock_years}
    return np.array([SHOCK if int(y) in shocks else ORDINARY for y in years], dtype=object)


def by_regime(frame: pd.DataFrame, shock_years: Iterable[int], metric, year_col: str = "year") -> dict:
    """``metric(sub_frame) -> dict`` for ordinary years, shock years and all years."""
    reg = regime(frame[year_col], shock_years)
    return {ALL: metric(frame), ORDINARY: metric(frame[reg == ORDINARY]), SHOCK: metric(frame[reg == SHOCK])}


def nested_choice(losses: pd.DataFrame, option_col: str = "option", loss_col: str = "loss",
                  year_col: str = "year", min_years: int = 1, fallback=None) -> dict[int, object]:
    """For each year, the option with the lowest mean loss over strictly earlier years.

    ``losses`` has one row per (year, option[, case]). A year with fewer than ``min_years`` earlier
    years gets ``fallback`` (a setting fixed in advance). Ties go to the option listed first.
    """
    order = list(dict.fromkeys(losses[option_col]))
    years = sorted(set(int(y) for y in losses[year_col]))
    out: dict[int, object] = {}
    for year in years:
        past = losses[losses[year_col] < year]
        if past[year_col].nunique() < min_years:
            out[year] = fallback
            continue
        mean = past.groupby(option_col, sort=False)[loss_col].mean()
        best = min(order, key=lambda o: (mean.get(o, np.inf), order.index(o)))
        out[year] = best
    return out
