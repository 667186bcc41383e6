"""Scores of the national backtest by regime: the tables and headline numbers of ``pipeline/evaluation/backtest/``.

Kept apart from the runner so that what is measured can be read (and tested) on its own. Every
table is long and tidy, with a ``regime`` column (all, ordinary, shock): a figure that mixes the
calm years with 2020-2022 hides two failures in one average.

Methods in the tables: the forecasters, ``default`` (the nested choice), ``default_before`` (the
fixed equal-weight combination without calibration, as the engine was before issue 10) and, for
probabilities only, ``base_rate`` and ``step``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.evaluation import scoring

MONTHLY_INDICATORS = ("industrial_va", "retail_sales", "fai", "fiscal_revenue")
REGIMES = (scoring.ALL, scoring.ORDINARY, scoring.SHOCK)
MIN_BIN_CASES = 30


def regime_frames(frame: pd.DataFrame, shock_years) -> list[tuple[str, pd.DataFrame]]:
    reg = scoring.regime(frame["year"], shock_years)
    return [(scoring.ALL, frame), (scoring.ORDINARY, frame[reg == scoring.ORDINARY]),
            (scoring.SHOCK, frame[reg == scoring.SHOCK])]


def long_probabilities(bt: pd.DataFrame) -> pd.DataFrame:
    """One row per case, threshold and method: P(met) and what happened; base rate and step rule as methods."""
    parts = []
    for i in range(8):
        if f"p_met_{i}" not in bt:
            break
        part = bt[bt[f"p_met_{i}"].notna()]
        parts.append(pd.DataFrame({"indicator": part.indicator, "year": part.year, "month": part.month,
                                   "method": part.method, "kind": part[f"threshold_{i}_kind"],
                                   "p_met": part[f"p_met_{i}"], "met": part[f"met_{i}"],
                                   "base_rate": part[f"base_rate_{i}"], "step": part[f"step_{i}"]}))
    if not parts:
        return pd.DataFrame(columns=["indicator", "year", "month", "method", "kind", "p_met", "met"])
    long = pd.concat(parts, ignore_index=True)
    keys = ["indicator", "year", "month", "kind"]
    cases = long.drop_duplicates(keys)
    extra = [cases.assign(method="base_rate", p_met=cases.base_rate).dropna(subset=["p_met"]),
             cases.assign(method="step", p_met=cases.step)]
    return pd.concat([long, *extra], ignore_index=True)[["indicator", "year", "month", "method", "kind", "p_met",
                                                         "met"]]


def brier_skill(long: pd.DataFrame, method: str, reference: str = "carry_forward") -> float:
    """Brier skill of ``method`` over ``reference`` on the cases both have."""
    keys = ["indicator", "year", "month", "kind"]
    a, b = long[long.method == method], long[long.method == reference]
    both = a.merge(b, on=keys, suffixes=("", "_ref"))
    if both.empty:
        return float("nan")
    return scoring.skill(scoring.brier(both.p_met, both.met), scoring.brier(both.p_met_ref, both.met))


def metrics_table(bt: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """RMSE and mean error of the median, CRPS, coverage of the 50/80/90% bands (pp; shares)."""
    if bt.empty:
        return pd.DataFrame(columns=[*by, "n"])
    err = bt.q50_pct - bt.actual_pct
    g = bt.assign(err=err, sq=err**2, in50=scoring.covered(bt.q25_pct, bt.q75_pct, bt.actual_pct),
                  in80=scoring.covered(bt.q10_pct, bt.q90_pct, bt.actual_pct),
                  in90=scoring.covered(bt.q05_pct, bt.q95_pct, bt.actual_pct)).groupby(by)
    return pd.DataFrame({"n": g.size(), "rmse": np.sqrt(g.sq.mean()), "mean_error": g.err.mean(),
                         "crps": g.crps.mean(), "coverage_50": g.in50.mean(), "coverage_80": g.in80.mean(),
                         "coverage_90": g.in90.mean()}).reset_index()


def by_month_table(bt: pd.DataFrame, shock_years) -> pd.DataFrame:
    """Point and interval scores by regime, indicator, as-of month and method (plots: RMSE by month)."""
    parts = [metrics_table(sub, ["indicator", "month", "method"]).assign(regime=r)
             for r, sub in regime_frames(bt, shock_years)]
    out = pd.concat(parts, ignore_index=True)
    cols = ["regime", "indicator", "month", "method"]
    return out[cols + [c for c in out.columns if c not in cols]].round(4)


def by_regime_table(bt: pd.DataFrame, shock_years) -> pd.DataFrame:
    """Every score by regime, indicator (and 'monthly', the four monthly indicators together) and method."""
    rows = []
    for r, sub in regime_frames(bt, shock_years):
        monthly = sub[sub.indicator.isin(MONTHLY_INDICATORS)]
        t = pd.concat([metrics_table(sub, ["indicator", "method"]),
                       metrics_table(monthly, ["method"]).assign(indicator="monthly")], ignore_index=True)
        cf = t[t.method == "carry_forward"].set_index("indicator").rmse
        t["rmse_ratio_to_carry_forward"] = t.rmse / t.indicator.map(cf)
        long = long_probabilities(sub)
        for ind in [*sorted(sub.indicator.unique()), "monthly", "all"]:
            lg = long if ind == "all" else long[long.indicator.isin(MONTHLY_INDICATORS if ind == "monthly" else [ind])]
            for m in sorted(lg.method.unique()):
                x = lg[lg.method == m]
                rows.append(dict(regime=r, indicator=ind, method=m, brier=scoring.brier(x.p_met, x.met),
                                 brier_n=len(x), brier_skill_vs_carry_forward=brier_skill(lg, m),
                                 brier_skill_vs_base_rate=brier_skill(lg, m, "base_rate")))
        rows += t.assign(regime=r).to_dict("records")
    out = pd.DataFrame(rows).groupby(["regime", "indicator", "method"], sort=False).first().reset_index()
    order = {k: i for i, k in enumerate(REGIMES)}
    out = out.sort_values(["regime", "indicator", "method"], key=lambda s: s.map(order) if s.name == "regime" else s,
                          kind="stable")
    return out.reset_index(drop=True).round(4)


def reliability_by_regime(bt: pd.DataFrame, shock_years, methods=("default", "carry_forward")) -> pd.DataFrame:
    """Decile reliability of P(met) by regime and method (plots: the reliability diagram)."""
    parts = []
    for r, sub in regime_frames(bt, shock_years):
        long = long_probabilities(sub)
        for m in methods:
            x = long[long.method == m]
            if not x.empty:
                parts.append(scoring.reliability_table(x.p_met, x.met).assign(regime=r, method=m))
    out = pd.concat(parts, ignore_index=True)
    return out[["regime", "method", "bin", "p_mean", "observed", "n", "gap"]].round(4)


def common_cases(frame: pd.DataFrame, methods: list[str]) -> pd.DataFrame:
    """The rows of ``methods`` on the cases (indicator, year, month) that every one of them forecast: a ratio of
    two methods' errors compares like with like (the default has no forecast where the state space lacks
    three earlier years, while carry-forward is scored there)."""
    keys = ["indicator", "year", "month"]
    part = frame[frame.method.isin(methods)]
    have = part.groupby(keys).method.nunique()
    full = have[have == len(set(methods))].index
    return part.set_index(keys).loc[lambda d: d.index.isin(full)].reset_index()


def rmse_ratios(monthly: pd.DataFrame, method: str, reference: str) -> dict[str, float]:
    """RMSE of ``method`` over ``reference`` per monthly indicator, on their common cases."""
    both = common_cases(monthly, [method, reference])
    t = metrics_table(both, ["indicator", "method"]).set_index(["indicator", "method"]) if not both.empty else None
    if t is None:
        return {}
    return {ind: float(t.loc[(ind, method), "rmse"] / t.loc[(ind, reference), "rmse"])
            for ind in MONTHLY_INDICATORS if (ind, method) in t.index and (ind, reference) in t.index}


def _r(x) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), 4)


def headline(bt: pd.DataFrame, shock_years) -> dict:
    """The issue's goals, measured by regime: a handful of numbers for ``dvc metrics show``.

    RMSE ratios (on the cases both methods forecast) and coverage are over the four monthly indicators; Brier skill
    (also on common cases) against carry-forward, the base rate and empirical drift (the hand rule); probabilities over every threshold
    (last year's outcome +-1 pp for all five indicators, and the real GDP targets).
    """
    out: dict = {}
    for r, sub in regime_frames(bt, shock_years):
        monthly = sub[sub.indicator.isin(MONTHLY_INDICATORS)]
        ratios = rmse_ratios(monthly, "default", "carry_forward")  # on common cases (issue 22)
        ratios_drift = rmse_ratios(monthly, "default", "empirical_drift")
        overall = metrics_table(monthly, ["method"]).set_index("method")
        long = long_probabilities(sub)
        d = long[long.method == "default"]
        rel = scoring.reliability_table(d.p_met, d.met) if not d.empty else pd.DataFrame(columns=["n", "gap"])
        big = rel[rel.n >= MIN_BIN_CASES]
        real = long[long.kind == "target"]
        out[r] = {
            "cases": int(sub[["indicator", "year", "month"]].drop_duplicates().shape[0]),
            "rmse_ratio_mean": _r(np.mean(list(ratios.values()))) if ratios else None,
            "rmse_ratio_max": _r(max(ratios.values())) if ratios else None,
            "rmse_ratio": {k: _r(v) for k, v in ratios.items()},
            "rmse_ratio_to_empirical_drift_mean": _r(np.mean(list(ratios_drift.values()))) if ratios_drift else None,
            **{f"coverage_{k}": _r(overall.loc["default", f"coverage_{k}"]) for k in (50, 80, 90)
               if "default" in overall.index},
            "coverage_80_before": _r(overall.loc["default_before", "coverage_80"])
            if "default_before" in overall.index else None,
            "crps": _r(overall.loc["default", "crps"]) if "default" in overall.index else None,
            "brier": _r(scoring.brier(d.p_met, d.met)),
            "brier_skill_vs_carry_forward": _r(brier_skill(long, "default")),
            "brier_skill_vs_base_rate": _r(brier_skill(long, "default", "base_rate")),
            # the economist's hand rule: latest YTD plus the usual drift to December
            "brier_skill_vs_empirical_drift": _r(brier_skill(long, "default", "empirical_drift")),
            "brier_skill_vs_carry_forward_real_targets": _r(brier_skill(real, "default")),
            "reliability_max_gap_bins_n30": _r(big.gap.abs().max()) if not big.empty else None,
        }
    return out
