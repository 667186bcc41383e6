"""Targets without the regression: last year's outcome moved by the national change so far; P(met) under the
wording; the blend with a YTD forecast once the region's own figures arrive; a table for many regions."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pipeline.model.annual.panel import DEFAULTS, NATIONAL, Panel, _national_lookup, level_of
from pipeline.model.annual.regression import annual_draws


def national_move_pp(panel: Panel, indicator: str, year: int, as_of_month: int) -> float:
    """National YTD growth at the latest month <= as-of in ``year`` minus national December growth of the year
    before (0 when nothing of the year is published: in January the anchor is not moved)."""
    look = _national_lookup(panel)
    last = look.get((indicator, year - 1, 12))
    for month in range(min(as_of_month, 12), 0, -1):
        cur = look.get((indicator, year, month))
        if cur is not None and last is not None:
            return cur - last
    return 0.0


def change_pairs(panel: Panel, indicator: str, year: int, shock_years=()) -> pd.DataFrame:
    """Year-on-year changes of December outcomes before ``year``: region, year, change_pp, local (bool).

    Both years of a pair must be ordinary (a shock and its rebound are not the ordinary spread); national
    pairs come from the national December series."""
    shocks = {int(y) for y in shock_years}
    a = panel.annual[(panel.annual.indicator == indicator) & panel.annual.outcome_pct.notna()]
    frames = [a[["region", "year", "outcome_pct"]]]
    n = panel.national[(panel.national.indicator == indicator) & (panel.national.month == 12)]
    frames.append(pd.DataFrame({"region": NATIONAL, "year": n.year, "outcome_pct": n.ytd_growth_pct}))
    s = pd.concat(frames, ignore_index=True).drop_duplicates(["region", "year"])
    prev = s.assign(year=s.year + 1).rename(columns={"outcome_pct": "prev_pct"})
    pairs = s.merge(prev, on=["region", "year"])
    keep = (pairs.year < year) & ~pairs.year.isin(shocks) & ~(pairs.year - 1).isin(shocks)
    pairs = pairs[keep]
    return pd.DataFrame({"region": pairs.region.to_numpy(), "year": pairs.year.to_numpy("int64"),
                         "change_pp": (pairs.outcome_pct - pairs.prev_pct).to_numpy(float),
                         "local": (pairs.region != NATIONAL).to_numpy()})


def anchored_draws(panel: Panel, region: str, indicator: str, year: int, as_of_month: int, last_pct: float,
                   n_draws: int = 4000, seed: int = 0, *, last_kind: str = "", params: dict | None = None
                   ) -> tuple[np.ndarray, dict]:
    """Draws of the full-year outcome anchored on last year's outcome, moved by the national change so far.

    For targets without a target panel to learn margins from (industry, investment, retail, revenue ...):
    outcome = last year's outcome + (national YTD now - national December last year) + spread * t. The spread
    is the recency-weighted root mean square of year-on-year changes of December outcomes before the year,
    local records (every region with the indicator) and the national series pooled; ``info['thin']`` says so
    when fewer than ``thin_pairs`` local pairs exist, so the forecast notes can show it.
    """
    p = {**DEFAULTS, **(params or {})}
    if not math.isfinite(last_pct):
        raise ValueError(f"no outcome of {region} {indicator} for {year - 1} to anchor on")
    move = national_move_pp(panel, indicator, year, as_of_month)
    pairs = change_pairs(panel, indicator, year, p.get("shock_years") or ())
    if len(pairs) < 3:
        raise ValueError(f"fewer than 3 year-on-year changes of {indicator} before {year}: no spread to learn")
    w = 0.5 ** ((year - 1 - pairs.year.to_numpy(float)) / float(p["half_life_years"]))
    spread = float(np.sqrt(np.sum(w * pairs.change_pp.to_numpy() ** 2) / np.sum(w)))
    n_local, n_nat = int(pairs.local.sum()), int((~pairs.local).sum())
    df = float(max(3, len(pairs) - 1))
    rng = np.random.default_rng(seed)
    draws = last_pct + move + spread * rng.standard_t(df, n_draws)
    prec = float(p["outcome_precision_pp"] or 0)
    if prec > 0:
        draws = np.round(np.round(draws / prec) * prec, 10)
    thin = n_local < int(p["thin_pairs"])
    local_regions = sorted(set(pairs.region[pairs.local]))
    basis = (f"spread {spread:.1f} pp from {n_local} local year-on-year changes ({', '.join(local_regions) or 'none'})"
             f" and {n_nat} national ones" + ("; thin: few local records, the spread is mostly national" if thin
                                                else ""))
    info = {"region": region, "level": level_of(region), "indicator": indicator, "year": year,
            "as_of_month": as_of_month, "mode": "last_outcome", "anchor_pct": float(last_pct),
            "last_outcome_pct": float(last_pct), "last_outcome_kind": last_kind, "national_move_pp": move,
            "predicted_margin_pp": move, "spread_pp": spread, "df": df, "n_local_pairs": n_local,
            "n_national_pairs": n_nat, "thin": thin, "basis": basis, "n_train_years": int(pairs.year.nunique())}
    return draws, info


def p_met(draws, target_pct: float | None, qualifier: str, *, relative_outcome=None, tolerance_pp: float = 0.0,
          tolerant: bool = False) -> float:
    """Share of draws meeting the target under the qualifier's rule (pipeline/qualifiers); NaN if not judgeable.

    ``relative_outcome`` (number or draws of the same length) is what an above/in_step target is judged against.
    """
    from pipeline.model.distributions import p_met as p_met_both

    p = p_met_both(draws, target_pct, qualifier, relative_draws=relative_outcome, tolerance=tolerance_pp)
    return p.tolerant if tolerant else p.strict


def annual_p_met(panel: Panel, region: str, indicator: str, year: int, as_of_month: int, n_draws: int = 4000,
                 seed: int = 0, *, target_pct: float | None = None, qualifier: str | None = None,
                 tolerance_pp: float = 0.0, tolerant: bool = False, params: dict | None = None):
    """(P(met), draws, info) for a region-year with a target; P is NaN without one."""
    draws, info = annual_draws(panel, region, indicator, year, as_of_month, n_draws, seed, target_pct=target_pct,
                               qualifier=qualifier, params=params)
    if info["target_pct"] is None:
        return math.nan, draws, info
    p = p_met(draws, info["target_pct"], info["qualifier"], tolerance_pp=tolerance_pp, tolerant=tolerant)
    return p, draws, info


def precision_weight(annual_draws, ytd_draws) -> float:
    """Weight of the YTD component by inverse variance: var(annual) / (var(annual) + var(ytd)).

    The default of ``blend_weight_ytd``: no region in the data has enough own YTD points with targets and
    outcomes to estimate a weight (the backtest scores the few there are), so the weight follows each
    component's own uncertainty: a mid-year YTD figure is usually far sharper than the annual model.
    """
    va, vy = float(np.var(annual_draws)), float(np.var(ytd_draws))
    return 1.0 if va + vy == 0 else va / (va + vy)


def blend(annual_draws, ytd_draws, weight_ytd: float | str = "precision", *, seed: int = 0,
          method: str = "mixture") -> np.ndarray:
    """Draws of a region with few own YTD points: ``weight_ytd`` of the YTD forecast, the rest the annual one.

    ``method="mixture"`` (default) takes round(w * n) draws from the YTD component and the rest from the annual
    one: it never claims more certainty than either (both miss the same national shock, so they are not
    independent). ``"average"`` pairs shuffled draws, w * ytd + (1 - w) * annual: sharper, right only when the
    components' errors are independent. Weight 0 returns the annual draws, 1 the YTD draws; n = len(annual).
    """
    a, y = np.asarray(annual_draws, dtype=float), np.asarray(ytd_draws, dtype=float)
    w = precision_weight(a, y) if weight_ytd == "precision" else float(weight_ytd)
    if not 0.0 <= w <= 1.0:
        raise ValueError(f"weight_ytd must be in [0, 1] or 'precision', got {weight_ytd!r}")
    n = len(a)
    if w == 0.0:
        return a.copy()
    if w == 1.0:
        return y.copy() if len(y) == n else np.random.default_rng(seed).choice(y, n, replace=len(y) < n)
    rng = np.random.default_rng(seed)
    if method == "average":
        ys = rng.choice(y, n, replace=len(y) < n)
        return w * ys + (1.0 - w) * rng.permutation(a)
    if method != "mixture":
        raise ValueError(f"unknown blend method {method!r}: mixture or average")
    k = int(round(w * n))
    part_y = rng.choice(y, k, replace=len(y) < k)
    part_a = rng.choice(a, n - k, replace=False)
    return rng.permutation(np.concatenate([part_y, part_a]))


QUANTILE_COLUMNS = {"q10": 0.10, "q50": 0.50, "q90": 0.90}


def forecast_regions(panel: Panel, regions: list[str], indicator: str, year: int, as_of_month: int,
                     params: dict | None = None) -> pd.DataFrame:
    """One summary row per region: mode, target, mean and 80% interval of the outcome, P(met) (strict)."""
    p = {**DEFAULTS, **(params or {})}
    rows = []
    for region in regions:
        pm, draws, info = annual_p_met(panel, region, indicator, year, as_of_month, int(p["n_draws"]),
                                       int(p["seed"]), params=p)
        q = np.quantile(draws, list(QUANTILE_COLUMNS.values()))
        rows.append({"region": region, "year": year, "as_of_month": as_of_month, "mode": info["mode"],
                     "target_pct": info["target_pct"], "qualifier": info["qualifier"] if info["target_pct"] else None,
                     "mean_pct": float(np.mean(draws)), **dict(zip(QUANTILE_COLUMNS, map(float, q))), "p_met": pm})
    return pd.DataFrame(rows)
