"""Issue 22, target gravity: does moving mass from just below a target to just above it (pipeline/model/gravity)
improve P(met) out of sample? ``python -m pipeline.evaluation.gravity_study`` prints the numbers as JSON.

Every gravity model is fitted on the city+province pairs of ordinary years before the case's year
(``gravity.fit_by_year``). Cases:
- the annual model's province January cases (``backtest_annual.csv``): each case's draws are drawn again with the
  candidate and spread factor the backtest chose for it (the check ``max_abs_p_diff`` says they are the same
  draws), then P(met) plain, with gravity added on top (``gravity.p_met``) and with gravity that keeps the
  draws' mean (``gravity.unmanaged`` first: the regression learned its margins from reported outcomes);
- the national GDP targets of ``backtest.csv`` (threshold_3, kind ``target``): P(window) from the quantile
  columns (``gravity.p_window_from_quantiles``), P(met) + pi * P(window).
"""
from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd

from pipeline.evaluation import annual_backtest, scoring
from pipeline.model import annual, gravity
from pipeline.common.paths import PROCESSED
from pipeline.sources import data

QUANTILES = {"q05_pct": 0.05, "q10_pct": 0.10, "q25_pct": 0.25, "q50_pct": 0.50, "q75_pct": 0.75, "q90_pct": 0.90,
             "q95_pct": 0.95}
NATIONAL_METHODS = ("default", "carry_forward", "empirical_drift", "state_space", "bridge", "default_before")


def estimates(pairs: pd.DataFrame, shock_years, n_boot: int = 200) -> dict:
    """The gravity estimate on all ordinary years, by outcome vintage, and with other bunch widths."""
    o = pairs[~pairs.year.isin(list(shock_years))]
    out = {}
    for name, sel in [("all_vintages", o), ("first_release", o[o.outcome_vintage == "first"]),
                      ("first_release_incl_shock_years", pairs[pairs.outcome_vintage == "first"]),
                      ("revised", o[o.outcome_vintage != "first"])]:
        g = gravity.estimate(sel.margin_pp)
        out[name] = {"pi": g.pi, "w_pp": g.w_pp, "excess_pairs": g.excess, "missing_pairs": g.missing,
                     "degree": g.degree, "n_pairs": g.n_pairs, "converged": g.converged,
                     **(gravity.bootstrap(sel.margin_pp.to_numpy(float), n_boot) if g.n_pairs >= 50 else {})}
    for bw in (0.2, 0.4):
        g = gravity.estimate(o.margin_pp, bunch_width_pp=bw)
        out[f"all_vintages_bunch_width_{bw}"] = {"pi": g.pi, "w_pp": g.w_pp, "excess_pairs": g.excess}
    return out


def annual_cases(record: pd.DataFrame, observations: pd.DataFrame, cases: pd.DataFrame, params: dict,
                 fits: dict) -> pd.DataFrame:
    """Province January cases with P(met) plain, with gravity on top and with mean-keeping gravity."""
    bt = params["backtest"]
    panel = annual.build_panel(record, observations)
    jan = cases[(cases.level == "province") & (cases.as_of_month == 0)]
    prec = float(params["outcome_precision_pp"])
    rows = []
    for r in jan.itertuples(index=False):
        p = {**params, **bt["candidates"][r.candidate], "spread_factor": float(r.spread_factor)}
        pm, draws, info = annual.annual_p_met(panel, r.region, bt["indicator"], int(r.year), 0, int(bt["n_draws"]),
                                              int(params["seed"]), target_pct=float(r.target_pct),
                                              qualifier=str(r.qualifier), params=p)
        model, tg = fits[int(r.year)], float(r.target_pct)
        strict = r.qualifier == "exceed"
        kept = gravity.unmanaged(draws, tg, strict, model, precision_pp=prec)
        rows.append({"year": int(r.year), "regime": r.regime, "outcome_kind": r.outcome_kind, "met": float(r.met),
                     "p_csv": float(r.p_met), "p_plain": pm,
                     "p_window": gravity.p_window(draws, tg, strict, model, prec),
                     "p_gravity": gravity.p_met(draws, tg, strict, model, precision_pp=prec),
                     "p_gravity_mean_kept": gravity.p_met(kept, tg, strict, model, precision_pp=prec)})
    return pd.DataFrame(rows)


def national_cases(backtest: pd.DataFrame, fits: dict) -> pd.DataFrame:
    """National GDP target rows with P(met) + pi * P(target - w <= X < target) from the quantiles."""
    t = backtest[(backtest.indicator == "gdp") & (backtest.threshold_3_kind == "target") & backtest.met_3.notna()
                 & backtest.method.isin(NATIONAL_METHODS)]
    rows = []
    for r in t.itertuples(index=False):
        model = fits[int(r.year)]
        qs = [getattr(r, c) for c in QUANTILES]
        pw = gravity.p_window_from_quantiles(float(r.threshold_3_pct), model, list(QUANTILES.values()), qs)
        rows.append({"method": r.method, "year": int(r.year), "month": int(r.month), "met": float(r.met_3),
                     "p_plain": float(r.p_met_3), "p_window": pw,
                     "p_gravity": gravity.p_met_with_gravity(pw, float(r.p_met_3), model)})
    return pd.DataFrame(rows)


def _scores(g: pd.DataFrame, cols) -> dict:
    out = {"n": int(len(g))}
    if len(g):
        out.update({f"brier_{c.removeprefix('p_')}": round(scoring.brier(g[c], g.met), 4) for c in cols})
        out.update(mean_p_plain=round(float(g.p_plain.mean()), 3), met_rate=round(float(g.met.mean()), 3))
    return out


def annual_scores(c: pd.DataFrame, shock_years, since: int = 2010) -> dict:
    cols = ("p_plain", "p_gravity", "p_gravity_mean_kept")
    ordinary = c[~c.year.isin(list(shock_years))]
    first = ordinary.outcome_kind != "revised"
    groups = {f"ordinary_since_{since}": ordinary[ordinary.year >= since],
              f"ordinary_since_{since}_first_release": ordinary[(ordinary.year >= since) & first],
              f"ordinary_since_{since}_revised": ordinary[(ordinary.year >= since) & ~first],
              "ordinary_all_years": ordinary, "2024": c[c.year == 2024], "2025": c[c.year == 2025],
              "shock_years": c[c.year.isin(list(shock_years))]}
    out = {k: _scores(g, cols) for k, g in groups.items()}
    out["max_abs_p_diff_vs_backtest_csv"] = round(float((c.p_plain - c.p_csv).abs().max()), 6)
    return out


def national_scores(c: pd.DataFrame, shock_years) -> dict:
    ordinary = c[~c.year.isin(list(shock_years)) & (c.year >= 2010)]
    out = {}
    for m, g in ordinary.groupby("method"):
        out[m] = {"ordinary_2010_2025": _scores(g[g.year <= 2025], ("p_plain", "p_gravity")),
                  "2024_2025": _scores(g[g.year.isin([2024, 2025])], ("p_plain", "p_gravity"))}
    return out


def main() -> int:
    params = annual_backtest.load_params()
    shocks = [int(y) for y in params["shock_years"]]
    record = pd.read_csv(PROCESSED / "track_record.csv", dtype={"region": str, "met": "boolean",
                                                                "met_tolerant": "boolean"})
    pairs = gravity.pairs_from_record(record, annual.level_of)
    cases = pd.read_csv(PROCESSED / "backtest_annual.csv", dtype={"region": str})
    national = pd.read_csv(PROCESSED / "backtest.csv")
    years = sorted(set(cases.year.astype(int)) | set(national.year.astype(int)))
    fits = gravity.fit_by_year(pairs, years, shocks)
    ac = annual_cases(record, data.closed_year_observations(), cases, params, fits)
    out = {"estimates_all_ordinary_years": estimates(pairs, shocks),
           "nested_fits": {str(y): {"pi": f.pi, "w_pp": f.w_pp, "n_pairs": f.n_pairs} for y, f in fits.items()
                           if y >= 2005},
           "annual_province_january": annual_scores(ac, shocks),
           "national_gdp_target": national_scores(national_cases(national, fits), shocks)}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
