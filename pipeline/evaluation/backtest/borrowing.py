"""Borrowed dynamics: how wide the noise on a parent region's forecast must be for the local figures to fall
inside its 80% bands (chosen on earlier ordinary years)."""
from __future__ import annotations


import numpy as np
import pandas as pd

from pipeline.sources import data
from pipeline.model import forecasters as fc
from pipeline.evaluation import scoring
from pipeline.evaluation.metrics import MONTHLY_INDICATORS
from pipeline.model.forecast import Config


def borrowing_cases(obs: pd.DataFrame, indicators: list[str]) -> list[tuple[str, str, int, int, float]]:
    """Local (non-national) figures with a December outcome in the same year: (region, indicator, year, month, actual)."""
    out = []
    local = obs[(obs.region != "china") & ~obs.region.str.fullmatch(r"\d{6}") & obs.indicator.isin(indicators)]
    for (region, ind), _ in local.groupby(["region", "indicator"]):
        hist = fc.history_from_observations(obs, region, ind)
        for year, g in hist.groupby("year"):
            dec = g[g.month == 12]
            if dec.empty:
                continue
            out += [(region, ind, int(year), int(m), float(dec.ytd_growth_pct.iloc[0])) for m in g.month if m < 12]
    return sorted(out)


def borrowing_backtest(obs: pd.DataFrame, cfg: Config, widen_grid: list[float],
                       indicators: tuple[str, ...] = (*MONTHLY_INDICATORS, "gdp"),
                       configs: dict[int, Config] | None = None,
                       cases_: list[tuple] | None = None) -> pd.DataFrame:
    """How wide borrowed forecasts must be: the sparse regions' own YTD points scored against their December.

    Each case is forecast as the engine does for a region without enough history of its own (the
    nearest ancestor's dynamics anchored on the local figure), once per widening in ``widen_grid``, with
    the default the national backtest chose for that year from earlier years (``configs``; else ``cfg``).
    """
    from pipeline.model.forecast import indicator_draws

    rows = []
    for region, ind, year, month, actual in (cases_ if cases_ is not None else borrowing_cases(obs, list(indicators))):
        cut = data.cut_as_of(obs, year, month)
        base = (configs or {}).get(year, cfg)
        memo: dict = {}  # the methods' draws do not depend on the widening: computed once per case
        for widen in widen_grid:
            c = Config(**{**base.__dict__, "borrow_widen_pp": float(widen)})
            draws, info = indicator_draws(cut, region, ind, year, month, c, ["default"], memo=memo)
            d = draws.get("default")
            if d is None:
                continue
            q10, q50, q90 = np.quantile(d, [0.1, 0.5, 0.9])
            rows.append(dict(region=region, indicator=ind, year=year, month=month, widen_pp=float(widen),
                             borrowed_from=info["borrowed_from"], latest_ytd_pct=info["latest_ytd_pct"],
                             q10_pct=q10, q50_pct=q50, q90_pct=q90, actual_pct=actual,
                             crps=scoring.crps(d, actual), in80=bool(q10 <= actual <= q90)))
    return pd.DataFrame(rows)


def widening_rule(cases_: pd.DataFrame) -> float | None:
    """The smallest widening whose 80% intervals cover at least 80% of the cases (the largest if none does)."""
    if cases_.empty:
        return None
    cov = cases_.groupby("widen_pp").in80.mean().sort_index()
    ok = cov[cov >= 0.8]
    return float(ok.index[0] if len(ok) else cov.index[-1])


def nested_widening(cases_: pd.DataFrame, shock_years, min_years: int, fallback: float) -> dict[int, float]:
    """For each year with cases, and the year after the last: ``widening_rule`` on earlier ordinary years' cases
    (``fallback``, fixed in advance, until ``min_years`` such years exist)."""
    if cases_.empty:
        return {}
    ordinary = cases_[scoring.regime(cases_.year, shock_years) == scoring.ORDINARY]
    out = {}
    for year in [*sorted(int(y) for y in cases_.year.unique()), int(cases_.year.max()) + 1]:
        past = ordinary[ordinary.year < year]
        out[year] = widening_rule(past) if past.year.nunique() >= min_years else float(fallback)
    return out


def borrowing_summary(cases_: pd.DataFrame, chosen: dict[int, float] | None = None, shock_years=()) -> dict:
    """Coverage and CRPS per widening on all cases, and of the nested widening by regime."""
    if cases_.empty:
        return {}
    g = cases_.groupby("widen_pp")
    out = {f"widen_{w:g}pp": {"n": int(len(x)), "coverage_80": round(float(x.in80.mean()), 4),
                              "crps": round(float(x.crps.mean()), 4),
                              "rmse": round(float(np.sqrt(((x.q50_pct - x.actual_pct) ** 2).mean())), 4)}
           for w, x in g}
    if chosen:
        nested = cases_[cases_.widen_pp == cases_.year.map(chosen)]
        out["nested"] = scoring.by_regime(nested, shock_years, lambda x: {
            "n": int(len(x)), "coverage_80": round(float(x.in80.mean()), 4) if len(x) else None,
            "crps": round(float(x.crps.mean()), 4) if len(x) else None})
    return out
