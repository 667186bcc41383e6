"""Stage ``backtest_annual``: rolling-origin backtest of the annual forecaster (pipeline/annual.py).

Every case is forecast with a model estimated on earlier years only, as of a month of its year: province
GDP targets 2003-2017 as of January (month 0, nothing of the year known) and as of every month 1-12 (the
national YTD data published by then), prefecture targets 2006-2014 as of January (city targets in the data
stop in 2012, so 2013-2014 have no cases). Scores: Brier score of P(met) (strict rule, outcome as in the
track record), Brier skill over climatology (share met in the five years before, same level), reliability
bins and the coverage of the 80% interval of the outcome.

Also written: "recent years" (after the last target year: 2018-2019 revised and 2024 first-release
provincial outcomes, where targets are missing, so only the outcome interval of the national-mode forecast
can be scored) and the few cases where a region has its own mid-year YTD figure, to score ``annual.blend``.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from . import annual
from .paths import OBSERVATIONS, PARAMS, PROCESSED

BACKTEST = PROCESSED / "backtest_annual.csv"
METRICS = PROCESSED / "backtest_annual_metrics.json"
RELIABILITY = PROCESSED / "backtest_annual_reliability.csv"
TRACK_RECORD = PROCESSED / "track_record.csv"
BACKTEST_DEFAULTS = {
    "indicator": "gdp",
    "province_years": [2003, 2017],
    "prefecture_years": [2006, 2014],
    "province_months": list(range(13)),
    "prefecture_months": [0],
    "climatology_years": 5,
    "reliability_bins": 10,
    "recent_years": [2018, 2019, 2024],
    "blend_weights": [0.0, 0.25, 0.5, 0.75, 1.0, "precision"],
    "ytd_drift_years": 10,
    "ytd_widen_pp": 0.5,
}
CASE_COLUMNS = ["sample", "level", "region", "year", "as_of_month", "mode", "target_pct", "qualifier", "outcome_pct",
                "met", "p_met", "p_climatology", "mean_pct", "q10_pct", "q50_pct", "q90_pct", "covered80",
                "spread_pp", "n_train_years"]


def load_params(path: Path = PARAMS) -> dict:
    p = annual.load_params(path)
    return {**p, "backtest": {**BACKTEST_DEFAULTS, **(p.get("backtest") or {})}}


def climatology(panel: annual.Panel, indicator: str, level: str, year: int, n_years: int) -> float:
    """Share of targets met (strict) in the ``n_years`` years before ``year``, all regions of the level."""
    a = panel.annual
    past = a[(a.indicator == indicator) & (a.level == level) & a.met.notna() & (a.year < year)
             & (a.year >= year - n_years)]
    return float(past.met.astype(float).mean()) if len(past) else math.nan


def _case_row(sample: str, draws: np.ndarray, info: dict, outcome: float, met, p: float, p_clim: float) -> dict:
    q10, q50, q90 = np.quantile(draws, [0.1, 0.5, 0.9])
    return {"sample": sample, "level": info["level"], "region": info["region"], "year": info["year"],
            "as_of_month": info["as_of_month"], "mode": info["mode"], "target_pct": info["target_pct"],
            "qualifier": info["qualifier"] if info["target_pct"] is not None else "", "outcome_pct": outcome,
            "met": met, "p_met": p, "p_climatology": p_clim, "mean_pct": float(np.mean(draws)), "q10_pct": q10,
            "q50_pct": q50, "q90_pct": q90, "covered80": bool(q10 <= outcome <= q90), "spread_pp": info["spread_pp"],
            "n_train_years": info["n_train_years"]}


def backtest_cases(panel: annual.Panel, level: str, years: range, months: list[int], params: dict) -> list[dict]:
    """One row per (target, as-of month) with a scored outcome, forecast from earlier years only."""
    bt = params["backtest"]
    a = panel.annual
    cases = a[(a.indicator == bt["indicator"]) & (a.level == level) & a.met.notna() & a.year.isin(years)
              & a.qualifier.isin(annual.FROM_BELOW)].sort_values(["year", "region"])
    clim = {y: climatology(panel, bt["indicator"], level, y, int(bt["climatology_years"])) for y in years}
    rows = []
    for r in cases.itertuples(index=False):
        for month in months:
            pm, draws, info = annual.annual_p_met(panel, r.region, bt["indicator"], int(r.year), month,
                                                  int(params["n_draws"]), int(params["seed"]), params=params)
            rows.append(_case_row("backtest", draws, info, float(r.outcome_pct), bool(r.met), pm, clim[int(r.year)]))
    return rows


def recent_cases(panel: annual.Panel, params: dict) -> list[dict]:
    """Provincial outcomes after the last target year: national-mode outcome forecasts (no target to judge)."""
    bt = params["backtest"]
    a = panel.annual
    national = panel.national
    rows = []
    for year in bt["recent_years"]:
        have = a[(a.indicator == bt["indicator"]) & (a.level == "province") & (a.year == year) & a.outcome_pct.notna()]
        nat_months = sorted(set(national[(national.indicator == "gdp") & (national.year == year)].month)
                            | set(national[(national.indicator == "industrial_va") & (national.year == year)].month))
        months = [0] + [m for m in bt["province_months"] if m > 0 and nat_months and m >= min(nat_months)]
        for r in have.sort_values("region").itertuples(index=False):
            for month in months:
                draws, info = annual.annual_draws(panel, r.region, bt["indicator"], year, month,
                                                  int(params["n_draws"]), int(params["seed"]),
                                                  anchor="national", params=params)
                rows.append(_case_row(f"recent_{r.outcome_vintage}", draws, info, float(r.outcome_pct), None,
                                      math.nan, math.nan))
    return rows


def group_scores(cases: pd.DataFrame) -> dict:
    """n, Brier of P(met), of climatology, skill, 80% coverage, mean P and observed rate."""
    judged = cases[cases.met.notna() & cases.p_met.notna()]
    out = {"n": int(len(cases)), "coverage80": round(float(cases.covered80.mean()), 4) if len(cases) else None,
           "mean_interval80_pp": round(float((cases.q90_pct - cases.q10_pct).mean()), 4) if len(cases) else None}
    if len(judged):
        met = judged.met.astype(float).to_numpy()
        brier = float(np.mean((judged.p_met.to_numpy(float) - met) ** 2))
        brier_clim = float(np.mean((judged.p_climatology.to_numpy(float) - met) ** 2))
        out.update(n_judged=int(len(judged)), brier=round(brier, 4), brier_climatology=round(brier_clim, 4),
                   brier_skill=round(1 - brier / brier_clim, 4) if brier_clim > 0 else None,
                   mean_p_met=round(float(judged.p_met.mean()), 4), met_rate=round(float(met.mean()), 4))
    return out


def reliability(cases: pd.DataFrame, n_bins: int) -> pd.DataFrame:
    """Observed share met by bin of P(met), per level and as-of month."""
    judged = cases[(cases["sample"] == "backtest") & cases.met.notna()].copy()
    judged["bin"] = np.minimum((judged.p_met * n_bins).astype(int), n_bins - 1)
    g = judged.groupby(["level", "as_of_month", "bin"]).agg(n=("met", "size"), p_mean=("p_met", "mean"),
                                                            observed=("met", lambda s: s.astype(float).mean()))
    g = g.reset_index()
    g.insert(3, "bin_low", g.bin / n_bins)
    g.insert(4, "bin_high", (g.bin + 1) / n_bins)
    return g.drop(columns="bin").round(4)


# --- blend: the few region-years with an own mid-year YTD figure, a target and an outcome --------------------

def ytd_draws(panel: annual.Panel, own_ytd_pct: float, year: int, month: int, n_draws: int, seed: int,
              drift_years: int, widen_pp: float) -> np.ndarray:
    """A simple YTD forecast: own YTD plus a past national GDP drift (December minus the same quarter, first
    releases of the ``drift_years`` years before) plus Normal(0, widen_pp) for the region's own drift."""
    look = annual._national_lookup(panel)
    quarter = max(m for m in (3, 6, 9, 12) if m <= max(month, 3))
    drifts = np.array([look[("gdp", y, 12)] - look[("gdp", y, quarter)] for y in range(year - drift_years, year)
                       if ("gdp", y, 12) in look and ("gdp", y, quarter) in look])
    rng = np.random.default_rng(seed)
    return own_ytd_pct + rng.choice(drifts, n_draws) + widen_pp * rng.standard_normal(n_draws)


def crps(draws: np.ndarray, outcome: float) -> float:
    """Continuous ranked probability score of a sample (lower is better), in pp."""
    x = np.sort(np.asarray(draws, dtype=float))
    n = len(x)
    spread = np.sum(x * (2 * np.arange(1, n + 1) - n - 1)) / n ** 2
    return float(np.mean(np.abs(x - outcome)) - spread)


def blend_cases(panel: annual.Panel, observations: pd.DataFrame, params: dict) -> list[dict]:
    bt = params["backtest"]
    obs = observations[(observations.measure == "ytd_growth_pct") & (observations.indicator == bt["indicator"])
                       & (observations.month < 12) & (observations.region.astype(str) != annual.NATIONAL)]
    obs = obs.assign(_r=obs.vintage.map({"first": 0, "latest": 1})).sort_values(["region", "year", "month", "_r"])
    obs = obs.drop_duplicates(["region", "year", "month"])
    a = panel.annual.set_index(["region", "indicator", "year"])
    rows = []
    for r in obs.itertuples(index=False):
        key = (str(r.region), bt["indicator"], int(r.year))
        if key not in a.index or pd.isna(a.loc[key, "met"]) or pd.isna(a.loc[key, "target_pct"]):
            continue
        row = a.loc[key]
        pm_a, d_a, info = annual.annual_p_met(panel, key[0], key[1], key[2], int(r.month), int(params["n_draws"]),
                                              int(params["seed"]), params=params)
        d_y = ytd_draws(panel, float(r.value), key[2], int(r.month), int(params["n_draws"]), int(params["seed"]) + 1,
                        int(bt["ytd_drift_years"]), float(bt["ytd_widen_pp"]))
        for w in bt["blend_weights"]:
            d = annual.blend(d_a, d_y, w, seed=int(params["seed"]), method=params["blend_method"])
            pm = annual.p_met(d, info["target_pct"], info["qualifier"])
            rows.append({"region": key[0], "year": key[2], "as_of_month": int(r.month), "own_ytd_pct": float(r.value),
                         "weight_ytd": w if isinstance(w, str) else float(w),
                         "weight_used": round(annual.precision_weight(d_a, d_y) if w == "precision" else float(w), 4),
                         "outcome_pct": float(row.outcome_pct), "met": bool(row.met), "p_met": round(pm, 4),
                         "brier": round((pm - float(bool(row.met))) ** 2, 4),
                         "crps_pp": round(crps(d, float(row.outcome_pct)), 4)})
    return rows


# --- stage ------------------------------------------------------------------------------------------------

def run(record: pd.DataFrame, observations: pd.DataFrame, params: dict):
    """(cases, metrics, reliability table) for the given inputs: pure, for the stage and the tests."""
    bt = params["backtest"]
    panel = annual.build_panel(record, observations)
    p0, p1 = bt["province_years"]
    c0, c1 = bt["prefecture_years"]
    rows = (backtest_cases(panel, "province", range(p0, p1 + 1), bt["province_months"], params)
            + backtest_cases(panel, "prefecture", range(c0, c1 + 1), bt["prefecture_months"], params)
            + recent_cases(panel, params))
    cases = pd.DataFrame(rows, columns=CASE_COLUMNS)
    cases["met"] = cases.met.astype("boolean")
    back = cases[cases["sample"] == "backtest"]
    metrics: dict = {"by_level_month": {}, "january": {}}
    for (level, month), g in back.groupby(["level", "as_of_month"]):
        metrics["by_level_month"][f"{level}_m{month:02d}"] = group_scores(g)
    jan = back[back.as_of_month == 0]
    metrics["january"]["all"] = group_scores(jan)
    for level, g in jan.groupby("level"):
        metrics["january"][level] = group_scores(g)
        for name, part in [("before_2014", g[g.year < 2014]), ("since_2014", g[g.year >= 2014])]:
            if len(part):
                metrics["january"][f"{level}_{name}"] = group_scores(part)
    metrics["years_with_cases"] = {lvl: sorted(map(int, g.year.unique())) for lvl, g in back.groupby("level")}
    recent = cases[cases["sample"] != "backtest"]
    a = panel.annual
    later = a[(a.indicator == bt["indicator"]) & (a.level == "province") & (a.year > p1)]
    metrics["recent_years"] = {
        "province_targets_after_last_target_year": int(later.target_pct.notna().sum()),
        "province_targets_judgeable": int(later.met.notna().sum()),
        "province_outcomes_by_year": {str(y): int(n) for y, n in
                                      later[later.outcome_pct.notna()].groupby("year").size().items()},
        "outcome_interval_national_mode": {f"{s}_{y}_m{m:02d}": group_scores(g) for (s, y, m), g in
                                           recent.groupby(["sample", "year", "as_of_month"]) if m in (0, 3, 6, 9, 12)},
    }
    blends = pd.DataFrame(blend_cases(panel, observations, params))
    if len(blends):
        metrics["blend"] = {"cases": int(blends.groupby(["region", "year", "as_of_month"]).ngroups),
                            "by_weight": {str(w): {"brier": round(float(g.brier.mean()), 4),
                                                   "crps_pp": round(float(g.crps_pp.mean()), 4),
                                                   "mean_weight_used": round(float(g.weight_used.mean()), 4)}
                                          for w, g in blends.groupby(blends.weight_ytd.astype(str))},
                            "rows": blends.to_dict(orient="records")}
    rel = reliability(cases, int(bt["reliability_bins"]))
    out = cases.sort_values(["sample", "level", "year", "region", "as_of_month"], kind="stable").reset_index(drop=True)
    floats = out.select_dtypes("float").columns
    out[floats] = out[floats].round(4)
    return out, metrics, rel


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def main() -> int:
    params = load_params()
    record = pd.read_csv(TRACK_RECORD, dtype={"region": str, "met": "boolean", "met_tolerant": "boolean"})
    observations = pd.read_csv(OBSERVATIONS, dtype={"region": str}, keep_default_na=False, na_values={"value": [""]})
    cases, metrics, rel = run(record, observations, params)
    _write_csv(cases, BACKTEST)
    _write_csv(rel, RELIABILITY)
    METRICS.write_text(json.dumps(metrics, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    jan = metrics["january"]
    print(f"backtest_annual: {len(cases)} cases; January Brier skill "
          + ", ".join(f"{k} {v.get('brier_skill')}" for k, v in jan.items() if k in ("province", "prefecture", "all")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
