"""Stage ``backtest_annual``: rolling-origin backtest of the annual forecaster (pipeline/model/annual/).

Every case is a target forecast with a model estimated on earlier years only, as of a month of its year:
province GDP targets 2003-2024 as of January (month 0, nothing of the year known) and at the quarter ends
(the national data published by then), prefecture targets 2006-2014 as of January. Outcomes and last
year's outcome are first releases wherever the data have them (provinces 2020-2024: press releases,
bulletins or work-report estimates, said per case in ``outcome_kind``); before 2020 the provincial data
hold only the revised yearbook figure, used as a stand-in and marked ``revised``.

Honest by construction: what the backtest informs is chosen for each scored year from the ordinary years
before it: the model (``backtest.candidates``: features and spread model; ``scoring.nested_choice`` on the
January Brier score, one vote per year) and a factor on the spread that would have made earlier years'
80% intervals cover 80% (``calibration_factors``). Every other setting is fixed in params.yaml with its
reason. Every score is given for ordinary years, shock years (``regimes.shock_years``) and all.
Scores: Brier score of P(met) (strict rule) against the base rate (share met in the five years before,
same level), coverage of the 80% interval, CRPS; reliability bins. The few region-years with an own
mid-year YTD figure score ``annual.blend``.
"""
from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.model import annual
from pipeline.model.annual import panel as annual_panel
from pipeline.evaluation import scoring
from pipeline.common.paths import PARAMS, PROCESSED
from pipeline.sources import data

BACKTEST = PROCESSED / "backtest_annual.csv"
METRICS = PROCESSED / "backtest_annual_metrics.json"
RELIABILITY = PROCESSED / "backtest_annual_reliability.csv"
SCORES = PROCESSED / "backtest_annual_scores.csv"
BLEND = PROCESSED / "backtest_annual_blend.csv"
ANCHORED = PROCESSED / "backtest_annual_anchored.csv"  # the anchored mode (non-GDP targets) as of January
# per level, the model and interval factor chosen on all scored years: what the live forecasts use
LIVE_CHOICE = PROCESSED / "annual_choice.json"
TRACK_RECORD = PROCESSED / "track_record.csv"
BACKTEST_DEFAULTS = {
    "indicator": "gdp",
    "n_draws": 1000,
    "province_years": [2003, 2024],
    "prefecture_years": [2006, 2014],
    "province_months": [0, 3, 6, 9, 12],
    "prefecture_months": [0],
    "climatology_years": 5,
    "reliability_bins": 10,
    "headline_since": 2010,
    "candidates": {
        "gap_level": {"region_features": ["shrunk_mean_pp", "gap_pp"], "spread_model": "level"},
        "gap_constant": {"region_features": ["shrunk_mean_pp", "gap_pp"], "spread_model": "constant"},
        "lags_level": {"region_features": ["shrunk_mean_pp", "lag_pp", "anchor_change_pp"], "spread_model": "level"},
        "lags_constant": {"region_features": ["shrunk_mean_pp", "lag_pp", "anchor_change_pp"],
                          "spread_model": "constant"},
    },
    "province_candidates": ["gap_level", "gap_constant", "lags_level", "lags_constant"],
    "prefecture_candidates": ["gap_level", "gap_constant"],
    "fallback_candidate": "gap_level",
    "calibrate_intervals": True,
    "nested_min_years": 3,
    "blend_weights": [0.0, 0.25, 0.5, 0.75, 1.0, "precision"],
    "ytd_drift_years": 10,
    "ytd_widen_pp": 0.5,
}
CASE_COLUMNS = ["level", "region", "year", "regime", "as_of_month", "candidate", "spread_factor", "spread_model", "mode", "target_pct", "qualifier",
                "outcome_pct", "outcome_vintage", "outcome_kind", "last_outcome_pct", "last_outcome_kind", "gap_pp",
                "met", "p_met", "p_base", "mean_pct", "q10_pct", "q50_pct", "q90_pct", "covered80", "crps_pp",
                "spread_pp", "n_train_years"]


FEATURES = {"shrunk_mean_pp", "gap_pp", "lag_pp", "anchor_change_pp"}


def load_params(path: Path = PARAMS) -> dict:
    p = annual.load_params(path)
    return {**p, "backtest": {**BACKTEST_DEFAULTS, **(p.get("backtest") or {})}}


def check_params(params: dict) -> list[str]:
    """One line per mistake in the annual/backtest settings, naming the params.yaml key."""
    bt, out = params["backtest"], []
    cands = bt.get("candidates") or {}
    for key in ("province_candidates", "prefecture_candidates"):
        for name in bt.get(key) or []:
            if name not in cands:
                out.append(f"params.yaml: annual.backtest.{key}: unknown candidate {name!r} (not in annual.backtest.candidates)")
    if bt.get("fallback_candidate") not in cands:
        out.append(f"params.yaml: annual.backtest.fallback_candidate: unknown candidate {bt.get('fallback_candidate')!r}")
    for name, spec in [("annual", params), *((f"annual.backtest.candidates.{k}", v) for k, v in cands.items())]:
        if spec.get("spread_model", "level") not in annual.SPREAD_MODELS:
            out.append(f"params.yaml: {name}.spread_model: {spec['spread_model']!r} is not one of "
                       f"{', '.join(annual.SPREAD_MODELS)}")
        bad = set(spec.get("region_features") or []) - FEATURES
        if bad:
            out.append(f"params.yaml: {name}.region_features: unknown {', '.join(sorted(bad))} "
                       f"(known: {', '.join(sorted(FEATURES))})")
    return out


def climatology(panel: annual.Panel, indicator: str, level: str, year: int, n_years: int) -> float:
    """Share of targets met (strict) in the ``n_years`` years before ``year``, all regions of the level."""
    a = panel.annual
    past = a[(a.indicator == indicator) & (a.level == level) & a.met.notna() & (a.year < year)
             & (a.year >= year - n_years)]
    return float(past.met.astype(float).mean()) if len(past) else math.nan


def _case_row(draws: np.ndarray, info: dict, r, p: float, p_base: float, shock_years) -> dict:
    q10, q50, q90 = np.quantile(draws, [0.1, 0.5, 0.9])
    outcome = float(r.outcome_pct)
    gap = info["features"].get("gap_pp", info["anchor_pct"] - info["last_outcome_pct"])
    return {"level": info["level"], "region": info["region"], "year": info["year"],
            "regime": scoring.regime([info["year"]], shock_years)[0], "as_of_month": info["as_of_month"],
            "spread_model": info["spread_model"], "mode": info["mode"], "target_pct": info["target_pct"],
            "qualifier": info["qualifier"], "outcome_pct": outcome, "outcome_vintage": r.outcome_vintage,
            "outcome_kind": getattr(r, "outcome_kind", r.outcome_vintage), "last_outcome_pct": info["last_outcome_pct"],
            "last_outcome_kind": info["last_outcome_kind"], "gap_pp": gap, "met": bool(r.met), "p_met": p,
            "p_base": p_base, "mean_pct": float(np.mean(draws)), "q10_pct": q10, "q50_pct": q50, "q90_pct": q90,
            "covered80": bool(scoring.covered(q10, q90, outcome)), "crps_pp": scoring.crps(draws, outcome),
            "spread_pp": info["spread_pp"], "n_train_years": info["n_train_years"]}


def backtest_cases(panel: annual.Panel, level: str, years, months: list[int], params: dict,
                   candidate: str, spread_factor: float = 1.0) -> list[dict]:
    """One row per (target, as-of month) with a scored outcome, forecast from earlier years only."""
    bt = params["backtest"]
    p = {**params, **bt["candidates"][candidate], "spread_factor": spread_factor}
    a = panel.annual
    cases = a[(a.indicator == bt["indicator"]) & (a.level == level) & a.met.notna() & a.year.isin(list(years))
              & a.qualifier.isin(annual.FROM_BELOW)].sort_values(["year", "region"])
    base = {y: climatology(panel, bt["indicator"], level, y, int(bt["climatology_years"])) for y in years}
    rows = []
    for r in cases.itertuples(index=False):
        for month in months:
            try:
                pm, draws, info = annual.annual_p_met(panel, r.region, bt["indicator"], int(r.year), month,
                                                      int(bt["n_draws"]), int(params["seed"]),
                                                      target_pct=float(r.target_pct), qualifier=str(r.qualifier),
                                                      params=p)
            except ValueError:  # no history before the year: nothing to forecast with
                continue
            rows.append({**_case_row(draws, info, r, pm, base[int(r.year)], params["shock_years"]),
                         "candidate": candidate, "spread_factor": spread_factor})
    return rows


def nested_cases(panel: annual.Panel, level: str, years: range, months: list[int], params: dict):
    """January cases under every candidate model, and the headline cases: for each year, the candidate with the
    lowest mean January Brier score over the ordinary years before it (``annual.fallback_candidate`` until
    ``nested_min_years`` such years exist). Shock years do not vote: the choice is about ordinary years."""
    bt = params["backtest"]
    names = bt[f"{level}_candidates"]
    frames = [pd.DataFrame(backtest_cases(panel, level, years, [0], params, c), columns=CASE_COLUMNS)
              for c in names]
    allc = pd.concat(frames, ignore_index=True)
    jan = allc[allc.regime == scoring.ORDINARY]
    # one vote per year (the mean Brier of its cases), so a year with many targets does not outweigh the others
    losses = (jan.assign(loss=(jan.p_met - jan.met.astype(float)) ** 2)
              .groupby(["year", "candidate"], sort=False).loss.mean().reset_index()
              .rename(columns={"candidate": "option"}))
    choice = {}
    # each scored year, and the year after the last: what the live forecasts use (the choice on all years)
    for year in [*years, max(years) + 1]:  # scoring.nested_choice on the ordinary years before each year
        past = losses[losses.year < year]
        probe = pd.DataFrame({"year": [year], "option": [names[0]], "loss": [np.nan]})
        choice[year] = scoring.nested_choice(pd.concat([past, probe], ignore_index=True),
                                             min_years=int(bt["nested_min_years"]),
                                             fallback=bt["fallback_candidate"])[year]
    chosen = allc[np.array([c == choice[int(y)] for c, y in zip(allc.candidate, allc.year)], dtype=bool)]
    factors = calibration_factors(chosen, [*years, max(years) + 1], bt)
    if bt["calibrate_intervals"]:  # January again, each year with its nested interval factor
        recal = [pd.DataFrame(backtest_cases(panel, level, [y], [0], params, choice[y], factors[y]), columns=CASE_COLUMNS)
                 for y in years if factors[y] != 1.0]
        keep = chosen[np.array([factors[int(y)] == 1.0 for y in chosen.year], dtype=bool)]
        chosen = pd.concat([keep, *recal], ignore_index=True)
    later = [m for m in months if m != 0]
    if later:  # later months only under the candidate chosen for the year (the choice is made as of January)
        groups: dict = {}
        for y in years:
            groups.setdefault((choice[y], factors[y] if bt["calibrate_intervals"] else 1.0), []).append(y)
        more = [pd.DataFrame(backtest_cases(panel, level, ys, later, params, c, f), columns=CASE_COLUMNS)
                for (c, f), ys in groups.items()]
        chosen = pd.concat([chosen, *more], ignore_index=True)
    if 0 not in months:
        chosen = chosen[chosen.as_of_month != 0]
    chosen = chosen.sort_values(["year", "region", "as_of_month"], kind="stable").reset_index(drop=True)
    return chosen, allc, choice, factors


def calibration_factors(cases: pd.DataFrame, years, bt: dict) -> dict:
    """For each year, the factor on the spread that would have made the 80% intervals of the ordinary January
    cases of earlier years cover 80%: the 80th percentile of |outcome - median| / half-width (1.0 until
    ``nested_min_years`` such years exist). Computed before the year, so the headline stays out of sample."""
    jan = cases[(cases.regime == scoring.ORDINARY) & (cases.as_of_month == 0)]
    half = (jan.q90_pct - jan.q10_pct) / 2
    u = ((jan.outcome_pct - jan.q50_pct).abs() / half.where(half > 0)).to_numpy(dtype=float, na_value=np.nan)
    out = {}
    for year in years:
        past = (jan.year < year).to_numpy() & np.isfinite(u)
        enough = jan.year[past].nunique() >= int(bt["nested_min_years"])
        out[year] = round(float(np.quantile(u[past], 0.8)), 2) if enough else 1.0
    return out


def group_scores(cases: pd.DataFrame) -> dict:
    """n, Brier of P(met) and of the base rate, skill, 80% coverage and width, CRPS, mean P and observed rate."""
    if not len(cases):
        return {"n": 0}
    met = cases.met.astype(float).to_numpy()
    b, b0 = scoring.brier(cases.p_met, met), scoring.brier(cases.p_base, met)
    return {"n": int(len(cases)), "brier": round(b, 4), "brier_base_rate": round(b0, 4),
            "brier_skill": round(scoring.skill(b, b0), 4), "coverage80": round(float(cases.covered80.mean()), 4),
            "interval80_pp": round(float((cases.q90_pct - cases.q10_pct).mean()), 4),
            "crps_pp": round(float(cases.crps_pp.mean()), 4), "mean_p_met": round(float(cases.p_met.mean()), 4),
            "met_rate": round(float(met.mean()), 4)}


def regime_scores(cases: pd.DataFrame, shock_years, since: int) -> dict:
    """Scores for ordinary years, ordinary years since ``since`` (the issue's goal), shock years and all."""
    out = scoring.by_regime(cases, shock_years, group_scores)
    reg = scoring.regime(cases.year, shock_years)
    out[f"ordinary_since_{since}"] = group_scores(cases[(reg == scoring.ORDINARY) & (cases.year >= since)])
    return out


def score_table(cases: pd.DataFrame, shock_years, since: int) -> pd.DataFrame:
    """The detailed table (a plot in dvc.yaml): one row per level, as-of month and regime."""
    rows = []
    for (level, month), g in cases.groupby(["level", "as_of_month"]):
        for name, sc in regime_scores(g, shock_years, since).items():
            rows.append({"level": level, "as_of_month": int(month), "regime": name, **sc})
    return pd.DataFrame(rows)


def reliability(cases: pd.DataFrame, n_bins: int) -> pd.DataFrame:
    """Observed share met by bin of P(met), per level and as-of month (scoring.reliability_table)."""
    out = []
    for (level, month), g in cases.groupby(["level", "as_of_month"]):
        t = scoring.reliability_table(g.p_met, g.met.astype(float), n_bins)
        out.append(t.assign(level=level, as_of_month=int(month), bin_low=t.bin / n_bins, bin_high=(t.bin + 1) / n_bins))
    cols = ["level", "as_of_month", "bin_low", "bin_high", "n", "p_mean", "observed", "gap"]
    return pd.concat(out, ignore_index=True)[cols].round(4) if out else pd.DataFrame(columns=cols)


# --- blend: the few region-years with an own mid-year YTD figure, a target and an outcome --------------------

def ytd_draws(panel: annual.Panel, own_ytd_pct: float, year: int, month: int, n_draws: int, seed: int,
              drift_years: int, widen_pp: float) -> np.ndarray:
    """A simple YTD forecast: own YTD plus a past national GDP drift (December minus the same quarter, first
    releases of the ``drift_years`` years before) plus Normal(0, widen_pp) for the region's own drift."""
    look = annual_panel._national_lookup(panel)
    quarter = max(m for m in (3, 6, 9, 12) if m <= max(month, 3))
    drifts = np.array([look[("gdp", y, 12)] - look[("gdp", y, quarter)] for y in range(year - drift_years, year)
                       if ("gdp", y, 12) in look and ("gdp", y, quarter) in look])
    rng = np.random.default_rng(seed)
    return own_ytd_pct + rng.choice(drifts, n_draws) + widen_pp * rng.standard_normal(n_draws)


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
        try:
            pm_a, d_a, info = annual.annual_p_met(panel, key[0], key[1], key[2], int(r.month), int(bt["n_draws"]),
                                                  int(params["seed"]), params=params)
        except ValueError:
            continue
        d_y = ytd_draws(panel, float(r.value), key[2], int(r.month), int(bt["n_draws"]), int(params["seed"]) + 1,
                        int(bt["ytd_drift_years"]), float(bt["ytd_widen_pp"]))
        for w in bt["blend_weights"]:
            d = annual.blend(d_a, d_y, w, seed=int(params["seed"]), method=params["blend_method"])
            pm = annual.p_met(d, info["target_pct"], info["qualifier"])
            rows.append({"region": key[0], "year": key[2], "as_of_month": int(r.month), "own_ytd_pct": float(r.value),
                         "weight_ytd": str(w),
                         "weight_used": round(annual.precision_weight(d_a, d_y) if w == "precision" else float(w), 4),
                         "outcome_pct": float(row.outcome_pct), "met": bool(row.met), "p_met": round(pm, 4),
                         "brier": round(scoring.brier([pm], [float(bool(row.met))]), 4),
                         "crps_pp": round(scoring.crps(d, float(row.outcome_pct)), 4)})
    return rows


def anchored_cases(panel: annual.Panel, years: range, params: dict) -> list[dict]:
    """The anchored mode as of January (every target but GDP), scored where an outcome and the one before exist.

    Series: the national December outcomes of the monthly indicators and every region's own non-GDP records.
    Each forecast is last year's outcome plus the spread learned from year-on-year changes before the year
    (``annual.anchored_draws``, nothing of the year published); a case with a target also gets P(met).
    """
    bt = params["backtest"]
    n_draws, seed = int(bt["n_draws"]), int(params["seed"])
    series = [(annual.NATIONAL, ind, y, annual.national_outcome_pct(panel, ind, y - 1), "national first release",
               annual.national_outcome_pct(panel, ind, y), None)
              for ind in sorted(set(panel.national.indicator) - {"gdp"}) for y in years]
    local = panel.annual[(panel.annual.indicator != "gdp") & panel.annual.outcome_pct.notna()]
    for r in local.itertuples():
        if int(r.year) in years:
            last, kind = annual.last_outcome(panel, r.region, r.indicator, int(r.year))
            series.append((r.region, r.indicator, int(r.year), last, kind, float(r.outcome_pct), r))
    rows = []
    for region, ind, year, last, kind, outcome, r in series:
        if not (math.isfinite(last) and math.isfinite(outcome)):
            continue
        try:
            d, info = annual.anchored_draws(panel, region, ind, year, 0, last, n_draws, seed, last_kind=kind,
                                            params=params)
        except ValueError:  # too few year-on-year changes before the year
            continue
        q10, q50, q90 = np.quantile(d, [0.1, 0.5, 0.9])
        target = None if r is None or pd.isna(r.target_pct) else float(r.target_pct)
        rows.append({"region": region, "indicator": ind, "year": year, "last_outcome_pct": last,
                     "last_outcome_kind": kind, "outcome_pct": outcome, "q10_pct": q10, "q50_pct": q50,
                     "q90_pct": q90, "covered80": bool(q10 <= outcome <= q90), "crps_pp": scoring.crps(d, outcome),
                     "spread_pp": info["spread_pp"], "n_local_pairs": info["n_local_pairs"],
                     "n_national_pairs": info["n_national_pairs"], "target_pct": target,
                     "qualifier": None if target is None else r.qualifier,
                     "p_met": math.nan if target is None else annual.p_met(d, target, r.qualifier),
                     "met": None if target is None or pd.isna(r.met) else bool(r.met)})
    return rows


def anchored_scores(cases: pd.DataFrame, shock_years) -> dict:
    """Coverage and CRPS of the anchored mode by regime of the scored year; Brier where a target was judged."""
    def metric(g: pd.DataFrame) -> dict:
        t = g[g.met.notna() & g.p_met.notna()]
        out = {"n": int(len(g)), "coverage80": round(float(g.covered80.mean()), 4) if len(g) else None,
               "crps_pp": round(float(g.crps_pp.mean()), 4) if len(g) else None,
               "interval80_pp": round(float((g.q90_pct - g.q10_pct).mean()), 4) if len(g) else None,
               "targets": int(len(t))}
        if len(t):
            out.update(brier=round(scoring.brier(t.p_met, t.met.astype(float)), 4),
                       mean_p_met=round(float(t.p_met.mean()), 4), met_rate=round(float(t.met.astype(float).mean()), 4))
        return out
    return scoring.by_regime(cases, shock_years, metric)


# --- stage ------------------------------------------------------------------------------------------------

def run(record: pd.DataFrame, observations: pd.DataFrame, params: dict):
    """(cases, metrics, detailed tables) for the given inputs: pure, for the stage and the tests."""
    bt = params["backtest"]
    shocks = params["shock_years"]
    since = int(bt["headline_since"])
    panel = annual.build_panel(record, observations)
    p0, p1 = bt["province_years"]
    if str(p1) == "latest":  # the last year with a provincial outcome in the record: each new year is scored
        known = record[(record.region.map(annual.level_of) == "province") & record.outcome_pct.notna()]
        p1 = int(known.year.max())
    c0, c1 = bt["prefecture_years"]
    chosen, every, choices, live = [], [], {}, {}
    for level, years, months in [("province", range(p0, p1 + 1), bt["province_months"]),
                                 ("prefecture", range(c0, c1 + 1), bt["prefecture_months"])]:
        c, allc, choice, factors = nested_cases(panel, level, years, months, params)
        chosen.append(c), every.append(allc)
        choices[level] = {str(y): f"{choice[y]} x{factors[y]:g}" for y in sorted(choice) if y in set(c.year)}
        nxt = max(years) + 1
        live[level] = {"candidate": choice[nxt], **bt["candidates"][choice[nxt]],
                       "spread_factor": factors[nxt] if bt["calibrate_intervals"] else 1.0,
                       "learned_from_years": [min(years), max(years)]}
    cases = pd.concat(chosen, ignore_index=True)
    every = pd.concat(every, ignore_index=True)
    jan = cases[cases.as_of_month == 0]
    metrics: dict = {"january": {lvl: regime_scores(g, shocks, since) for lvl, g in jan.groupby("level")},
                     "nested_choice": choices,
                     "january_each_candidate_ordinary_since": {
                         f"{lvl}_{c}": regime_scores(g, shocks, since)[f"ordinary_since_{since}"]
                         for (lvl, c), g in every.groupby(["level", "candidate"])},
                     "outcome_vintage_of_cases": {lvl: {k: int(n) for k, n in g.outcome_kind.value_counts().sort_index().items()}
                                                  for lvl, g in jan.groupby("level")}}
    anchored = pd.DataFrame(anchored_cases(panel, range(p0, p1 + 1), params))
    if len(anchored):
        metrics["anchored_january"] = anchored_scores(anchored, shocks)
    blends = pd.DataFrame(blend_cases(panel, observations, params))
    if len(blends):
        metrics["blend"] = {"cases": int(blends.groupby(["region", "year", "as_of_month"]).ngroups),
                            "brier_by_weight": {w: round(float(g.brier.mean()), 4)
                                                for w, g in blends.groupby("weight_ytd")}}
    out = cases.sort_values(["level", "year", "region", "as_of_month"], kind="stable").reset_index(drop=True)
    floats = out.select_dtypes("float").columns
    out[floats] = out[floats].round(4)
    tables = {"scores": score_table(cases, shocks, since), "reliability": reliability(cases, int(bt["reliability_bins"])),
              "blend": blends, "anchored": anchored, "live_choice": live}
    return out, metrics, tables


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def main() -> int:
    start = time.perf_counter()
    params = load_params()
    problems = check_params(params)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    record = pd.read_csv(TRACK_RECORD, dtype={"region": str, "met": "boolean", "met_tolerant": "boolean"})
    observations = data.closed_year_observations()  # closed years: a month that closes no year changes nothing here
    cases, metrics, tables = run(record, observations, params)
    _write_csv(cases, BACKTEST)
    _write_csv(tables["scores"], SCORES)
    _write_csv(tables["reliability"], RELIABILITY)
    _write_csv(tables["blend"], BLEND)
    _write_csv(tables["anchored"], ANCHORED)
    METRICS.write_text(json.dumps(metrics, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    LIVE_CHOICE.write_text(json.dumps(tables["live_choice"], indent=2, sort_keys=True) + "\n", encoding="utf-8")
    since = f"ordinary_since_{params['backtest']['headline_since']}"
    prov = metrics["january"].get("province", {}).get(since, {})
    print(f"backtest_annual: {len(cases)} cases in {time.perf_counter() - start:.1f} s; provinces as of January, "
          f"{since}: Brier skill {prov.get('brier_skill')}, 80% coverage {prov.get('coverage80')} (n={prov.get('n')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
