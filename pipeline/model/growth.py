"""Growth arithmetic: year-to-date (累计) against single-period (当月/当季) growth, required growth, base effects.

Pure numpy/pandas, no I/O. Forecasters and briefings build on these identities.

Conventions
- Growth is in percent, as published (5.0 means 5 %).
- Periods are named by their end month. Monthly series: ``MONTHLY`` (1..12), or ``JAN_FEB`` (2..12) from 2013 on,
  when January is only released together with February; quarterly GDP and income: ``QUARTERS`` (3, 6, 9, 12).
- A *profile* is a pandas Series of last year's shares of the annual total, indexed by period end month,
  summing to 1. ``seasonal_profile`` builds one from levels; ``equal_profile`` is the fallback.
- Growth and weight arrays are aligned in time order along the last axis, so every function also takes a
  matrix of simulated draws (draws x periods).

The identity. With w_i the level of period i last year, this year's level is w_i (1 + g_i), hence

    ytd_m = sum_{i<=m} w_i (1 + g_i) / sum_{i<=m} w_i - 1.

Published growth is on a comparable basis (last year's base is revised, firms enter and leave the 规模以上
universe), so the identity holds only approximately for published numbers: single-period growth recovered
from published YTD growth is an estimate, and published YTD growth stays the primary fact.

Public API
    ytd_from_period_pct(period_pct, weights) -> ndarray
    period_from_ytd_pct(ytd_pct, weights) -> ndarray
    period_end_months(frequency="monthly", jan_feb_combined=True) -> tuple[int, ...]
    equal_profile(end_months=JAN_FEB) -> Series
    aggregate_profile(profile, end_months) -> Series
    seasonal_profile(levels, *, measure="ytd_level", years=None, end_months=None, fallback=None) -> Series
    share_through(profile, month) -> float
    required_growth_pct(ytd_pct, target_pct, share) -> float | ndarray
    annual_from_rest_pct(ytd_pct, share, rest_pct) -> float | ndarray
    two_year_average_pct(growth_pct, prev_growth_pct) -> float | ndarray
    two_year_average_history(history) -> DataFrame
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

MONTHLY: tuple[int, ...] = tuple(range(1, 13))
JAN_FEB: tuple[int, ...] = tuple(range(2, 13))
QUARTERS: tuple[int, ...] = (3, 6, 9, 12)


def ytd_from_period_pct(period_pct, weights) -> np.ndarray:
    """YTD growth after each period from single-period growths and last year's period weights.

    ``weights`` need not sum to one (only ratios of cumulative sums matter); a Jan–Feb combined first
    release is simply one period whose weight is January's plus February's.
    """
    g = np.asarray(period_pct, dtype=float) / 100.0
    w = np.asarray(weights, dtype=float)
    return (np.cumsum(w * (1.0 + g), axis=-1) / np.cumsum(w, axis=-1) - 1.0) * 100.0


def period_from_ytd_pct(ytd_pct, weights) -> np.ndarray:
    """Single-period growths implied by consecutive YTD growths (inverse of ``ytd_from_period_pct``).

    g_m = (W_m (1 + ytd_m) - W_{m-1} (1 + ytd_{m-1})) / w_m - 1, with W the cumulative weight. Rounding of
    published YTD figures is amplified by W_m / w_m (about 12x in December with equal weights).
    """
    y = np.asarray(ytd_pct, dtype=float) / 100.0
    w = np.asarray(weights, dtype=float)
    cum_w = np.cumsum(w, axis=-1)
    cum_level = cum_w * (1.0 + y)
    prev = np.concatenate([np.zeros_like(cum_level[..., :1]), cum_level[..., :-1]], axis=-1)
    return ((cum_level - prev) / w - 1.0) * 100.0


def period_end_months(frequency: str = "monthly", jan_feb_combined: bool = True) -> tuple[int, ...]:
    """End months of the published periods: quarters, months, or months with Jan–Feb as one period."""
    if frequency == "quarterly":
        return QUARTERS
    if frequency != "monthly":
        raise ValueError(f"frequency must be 'monthly' or 'quarterly', not {frequency!r}")
    return JAN_FEB if jan_feb_combined else MONTHLY


def equal_profile(end_months: Sequence[int] = JAN_FEB) -> pd.Series:
    """Flat seasonality: every calendar month carries 1/12 of the year.

    Meaning: YTD growth is then the plain average of monthly growths (a Jan–Feb period counts twice, a
    quarter three times). It is the fallback when no levels exist; real profiles are back-loaded (December
    and Q4 are the largest periods for industry, investment and GDP), so with equal shares the required
    growth for the rest of the year is slightly overstated early in the year and the implied single-period
    growths are rough.
    """
    monthly = pd.Series(1.0 / 12.0, index=pd.Index(MONTHLY, name="month"))
    return aggregate_profile(monthly, end_months)


_AGGREGATED: dict = {}


def aggregate_profile(profile: pd.Series, end_months: Sequence[int]) -> pd.Series:
    """Regroup a profile into coarser periods ending at ``end_months`` (e.g. monthly to Jan–Feb or quarters).

    Each new period takes the shares of the old periods ending after the previous end month, up to its own.
    """
    ends = tuple(sorted(int(m) for m in end_months))
    if ends[-1] != 12:
        raise ValueError("the last period must end in December")
    key = (tuple(profile.index.tolist()), tuple(profile.to_numpy(dtype=float).tolist()), ends)
    shares = _AGGREGATED.get(key)
    if shares is None:  # memoised: the state-space model asks for the same regrouping for every year of every case
        cum = profile.sort_index().cumsum() / profile.sum()
        through = [_last_at_or_before(cum, m, 0.0) for m in ends]
        shares = np.diff(np.concatenate([[0.0], through]))
        if len(_AGGREGATED) > 1024:
            _AGGREGATED.clear()
        _AGGREGATED[key] = shares
    return pd.Series(shares.copy(), index=pd.Index(list(ends), name="month"))


def seasonal_profile(levels: pd.DataFrame | None, *, measure: str = "ytd_level", years: Iterable[int] | None = None,
                     end_months: Sequence[int] | None = None, fallback: pd.Series | None = None) -> pd.Series:
    """Shares of the annual total by period, from levels when they exist, else ``fallback``.

    ``levels`` has columns year, month, value (and optionally measure, then rows of ``measure`` are used);
    ``measure`` is "ytd_level" (累计值, cumulative) or "period_level" (当月值). Cumulative shares
    ytd_level(m) / ytd_level(Dec) are averaged over ``years`` (default all with a December value), so a year
    missing some months still counts. For the identities pass last year only; averaging several years
    gives a steadier shape.

    Levels are often missing for local governments: the usual substitute is the parent's or the national
    profile (an approximation: local seasonality differs, e.g. a province's investment is more back-loaded),
    and ``fallback`` (default ``equal_profile``) when none exist. The result's ``attrs["source"]`` says
    which was used ("levels" or "fallback").
    """
    ends = tuple(end_months) if end_months is not None else None
    if fallback is None:
        fallback = equal_profile(ends or JAN_FEB)
    out = fallback.copy()
    out.attrs["source"] = "fallback"
    if levels is None or levels.empty:
        return out
    df = levels
    if "measure" in df.columns:
        df = df[df["measure"] == measure]
    df = df[["year", "month", "value"]].dropna().astype({"year": int, "month": int, "value": float})
    if years is not None:
        df = df[df["year"].isin(list(years))]
    if measure == "period_level":
        df = df.sort_values(["year", "month"]).assign(value=lambda d: d.groupby("year")["value"].cumsum())
    elif measure != "ytd_level":
        raise ValueError(f"measure must be 'ytd_level' or 'period_level', not {measure!r}")
    wide = df.pivot_table(index="year", columns="month", values="value", aggfunc="last")
    if 12 not in wide.columns:
        return out
    wide = wide[wide[12] > 0]
    if wide.empty:
        return out
    cum_share = wide.div(wide[12], axis=0).mean(axis=0).sort_index()
    cum_share = cum_share.clip(upper=1.0).cummax()
    ends = ends or tuple(int(m) for m in cum_share.index)
    through = [_last_at_or_before(cum_share, m, np.nan) for m in ends]
    if np.isnan(through).any():
        return out
    shares = np.diff(np.concatenate([[0.0], through]))
    result = pd.Series(shares, index=pd.Index(ends, name="month"))
    result.attrs["source"] = "levels"
    return result


def share_through(profile: pd.Series, month: int) -> float:
    """Share of the annual total carried by periods ending at or before ``month`` (s_m)."""
    return float(profile[profile.index <= month].sum() / profile.sum())


def required_growth_pct(ytd_pct, target_pct, share):
    """Growth the rest of the year needs for the full year to reach ``target_pct``.

    r = ((1 + T) - s (1 + ytd)) / (1 - s) - 1, with s the share of last year's total already covered
    (``share_through``); works for months and for quarters (s of Q1, H1, Q1–Q3). NaN when s >= 1.
    """
    s = np.asarray(share, dtype=float)
    y = np.asarray(ytd_pct, dtype=float) / 100.0
    t = np.asarray(target_pct, dtype=float) / 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(s < 1.0, ((1.0 + t) - s * (1.0 + y)) / (1.0 - s) - 1.0, np.nan)
    return _scalar_or_array(r * 100.0)


def annual_from_rest_pct(ytd_pct, share, rest_pct):
    """Full-year growth when the periods covering ``share`` grew ``ytd_pct`` and the rest grows ``rest_pct``."""
    s = np.asarray(share, dtype=float)
    done = 1.0 + np.asarray(ytd_pct, dtype=float) / 100.0
    rest = 1.0 + np.asarray(rest_pct, dtype=float) / 100.0
    return _scalar_or_array((s * done + (1.0 - s) * rest - 1.0) * 100.0)


def two_year_average_pct(growth_pct, prev_growth_pct):
    """两年平均增速: sqrt((1 + g_t)(1 + g_{t-1})) - 1, which reads through one-off base effects (2020–2021).

    NaN when the two-year product is negative.
    """
    prod = (1.0 + np.asarray(growth_pct, dtype=float) / 100.0) * (
        1.0 + np.asarray(prev_growth_pct, dtype=float) / 100.0)
    with np.errstate(invalid="ignore"):
        out = np.where(prod >= 0.0, np.sqrt(np.where(prod >= 0.0, prod, np.nan)) - 1.0, np.nan)
    return _scalar_or_array(out * 100.0)


def two_year_average_history(history: pd.DataFrame) -> pd.DataFrame:
    """``history`` (year, month, ytd_growth_pct) with ``two_year_avg_pct`` against the same month a year earlier."""
    prev = history[["year", "month", "ytd_growth_pct"]].assign(year=lambda d: d["year"] + 1)
    merged = history.merge(prev, on=["year", "month"], how="left", suffixes=("", "_prev"))
    merged["two_year_avg_pct"] = two_year_average_pct(merged["ytd_growth_pct"], merged["ytd_growth_pct_prev"])
    return merged.drop(columns="ytd_growth_pct_prev")


def _last_at_or_before(cumulative: pd.Series, month: int, default: float) -> float:
    at_or_before = cumulative[cumulative.index <= month]
    return float(at_or_before.iloc[-1]) if len(at_or_before) else default


def _scalar_or_array(x: np.ndarray):
    return float(x) if np.ndim(x) == 0 else x
