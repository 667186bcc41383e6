"""The national model's goals (issue 22), measured on the cases every compared method forecast.

A score of two methods over different case sets compares different questions (the default had no fiscal
forecast for 2011 while carry-forward was scored there), so every figure here is on the intersection of
the default, carry-forward and empirical drift (the economist's hand rule: latest YTD plus the usual drift
to December), in ordinary years; the latest years are reported apart as the out-of-sample check.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.evaluation import scoring
from pipeline.evaluation.metrics import (MONTHLY_INDICATORS, _r, common_cases, long_probabilities, metrics_table,
                                         rmse_ratios)

BASELINES = ("carry_forward", "empirical_drift")


def _brier(long: pd.DataFrame, method: str) -> float:
    x = long[long.method == method]
    return scoring.brier(x.p_met, x.met) if len(x) else float("nan")


def _block(frame: pd.DataFrame, method: str) -> dict:
    """Every goal's figure on one set of common cases."""
    long = long_probabilities(frame)
    long = long[long.method.isin([method, *BASELINES])]
    real = long[long.kind == "target"]
    own = long[long.method == method]
    calib = {ind: _r(g.p_met.mean() - g.met.mean()) for ind, g in own.groupby("indicator")}
    rel = scoring.reliability_table(own.p_met, own.met) if len(own) else pd.DataFrame(columns=["n", "gap"])
    ratios = {ind: _r(v) for ind, v in
              rmse_ratios(frame[frame.indicator.isin(MONTHLY_INDICATORS)], method, "carry_forward").items()}
    cov = metrics_table(frame[frame.method == method], ["method"])
    b = {m: _brier(long, m) for m in (method, *BASELINES)}
    br = {m: _brier(real, m) for m in (method, *BASELINES)}
    return {
        "cases": int(frame[["indicator", "year", "month"]].drop_duplicates().shape[0]),
        "probabilities": int(len(own)),
        "brier": _r(b[method]),
        "brier_skill_vs_carry_forward": _r(scoring.skill(b[method], b["carry_forward"])),
        "brier_skill_vs_empirical_drift": _r(scoring.skill(b[method], b["empirical_drift"])),
        "real_targets_n": int(len(real[real.method == method])),
        "real_targets_brier": {m: _r(v) for m, v in br.items()},
        "mean_p_minus_hit_rate": calib,
        "reliability_max_gap": _r(rel.gap.abs().max()) if len(rel) else None,
        "coverage_80": _r(cov.coverage_80.iloc[0]) if len(cov) else None,
        "coverage_50": _r(cov.coverage_50.iloc[0]) if len(cov) else None,
        "rmse_ratio_to_carry_forward": ratios,
        "rmse_ratio_mean": _r(np.mean(list(ratios.values()))) if ratios else None,
    }


def goals(bt: pd.DataFrame, shock_years, method: str = "default", since: int = 2010,
          recent: tuple[int, ...] = (2024, 2025)) -> dict:
    """Ordinary years since ``since``, and the ``recent`` years apart, on the cases all three methods forecast."""
    ordinary = bt[(bt.year >= since) & ~bt.year.isin(list(shock_years))]
    both = common_cases(ordinary, [method, *BASELINES])
    out = {"ordinary": _block(both, method)}
    latest = both[both.year.isin(list(recent))]
    if not latest.empty:
        out["recent"] = {**_block(latest, method), "years": [int(y) for y in recent]}
    return out
