"""Where the default's median sits (issue 22, ``backtest.location_choice``): candidate locations of one case and the
shift that moves a distribution's median there while keeping its shape.

Why: the goals ask probabilities, bands and median of one distribution; the chosen default's shape is good for P(met)
but its median is worse than carry-forward's for budget revenue. Moving every draw by one constant keeps the shape
(so the bands keep their width) and puts the median where earlier years' errors say it belongs.

Public API
    LOCATIONS                                                     the candidate names, the fallback (no shift) first
    momentum_median(months, ytd_pct, profile, n_periods=3) -> float      the mean of the last implied periods carried on
    location_value(kind, medians) -> float                            a candidate's location from the methods' medians
    shift_to(draws, location) -> ndarray                                   the draws moved so their median is there
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pipeline.model import growth

# (a) the default's own median, (b) carry-forward's, (c) empirical drift's, (d) within-year momentum, (e) (a)+(b) / 2
LOCATIONS = ("default", "carry_forward", "empirical_drift", "momentum", "halfway")


def momentum_median(months: Sequence[int], ytd_pct: Sequence[float], profile: pd.Series, n_periods: int = 3) -> float:
    """December YTD growth if the rest of the year grows at the mean implied single-period growth of the last
    ``n_periods`` published periods of this year (months and YTD growths in calendar order).

    Why a mean of several: the implied growth of one period amplifies the rounding of the YTD figures by about the
    number of periods so far. A period with a month missing before it spans both (its weight is theirs). NaN without
    any figure; with one period (Jan-Feb) it is that YTD growth.
    """
    m = [int(x) for x in months]
    y = np.asarray(ytd_pct, dtype=float)
    if not m or len(m) != len(y) or not np.all(np.isfinite(y)):
        return math.nan
    if m[-1] >= 12:
        return float(y[-1])
    first = growth.aggregate_profile(profile, m + [12]).to_numpy()[: len(m)]
    if not np.all(first > 0):  # a month the profile has no period for (January when Jan-Feb is one): merged on
        m, y = [x for x, w in zip(m, first) if w > 0], y[first > 0]
        if not m:
            return float(ytd_pct[-1])
    weights = growth.aggregate_profile(profile, m + [12]).to_numpy()[: len(m)]
    implied = growth.period_from_ytd_pct(y, weights)
    rest = float(np.mean(implied[-max(1, int(n_periods)):]))
    share = float(weights.sum() / growth.aggregate_profile(profile, m + [12]).to_numpy().sum())
    return float(growth.annual_from_rest_pct(y[-1], share, rest))


def location_value(kind: str, medians: Mapping[str, float]) -> float:
    """The location ``kind`` (one of LOCATIONS) from the medians by name (``default``, ``carry_forward``,
    ``empirical_drift``, ``momentum``); ``halfway`` is the mean of the default's and carry-forward's. NaN when a
    median it needs is missing (the caller then keeps the default's)."""
    if kind not in LOCATIONS:
        raise ValueError(f"location {kind!r} is not one of {', '.join(LOCATIONS)}")
    get = lambda k: float(medians.get(k, math.nan))  # noqa: E731
    if kind == "halfway":
        return 0.5 * (get("default") + get("carry_forward"))
    return get(kind)


def shift_to(draws, location: float) -> np.ndarray:
    """The draws plus one constant, so that their median is ``location`` (NaN location: unchanged copy).

    Every draw moves by the same amount: ranks, spread, tails and bands' widths stay; P(met) moves with the median.
    """
    x = np.asarray(draws, dtype=float)
    if not math.isfinite(float(location)) or len(x) == 0:
        return x.copy()
    return x + (float(location) - float(np.median(x)))
