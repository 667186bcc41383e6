"""Stage ``backtest``: rolling-origin, real-time evaluation of the forecasters on the national series.

For every year and as-of month (2-11 for monthly indicators, quarter ends 3, 6, 9 for GDP), each
method sees only the data published for periods up to the as-of month (``data.cut_as_of``) and
learns only from earlier years; its forecast of the December YTD growth is scored against the
published December figure (first release). Metrics by indicator, month and method: RMSE and mean
error of the median, CRPS, coverage of the 50/80/90% intervals, and the Brier score of P(met)
against the step rule (1 if the latest YTD is at or above the threshold, else 0). National targets
are not in the embedded data, so thresholds are last year's outcome and that +-1 pp (with a target
file, each year's target as well).

CLI: ``python -m pipeline backtest [--indicators F ...] [--years Y ...] [--methods M ...] [--out F]``.
"""
from __future__ import annotations

import json
import math
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import data, forecasters as fc, growth
from .forecast import Config, _seed, method_draws, profile_for
from .paths import PARAMS, PROCESSED

OUT = PROCESSED / "backtest.csv"
METRICS = PROCESSED / "backtest_metrics.json"
BY_MONTH = PROCESSED / "backtest_by_month.csv"
RELIABILITY = PROCESSED / "backtest_reliability.csv"
BORROWING = PROCESSED / "backtest_borrowing.csv"
MONTHLY_INDICATORS = ("industrial_va", "retail_sales", "fai", "fiscal_revenue")
THRESHOLD_OFFSETS_PP = (-1.0, 0.0, 1.0)


def crps(draws: np.ndarray, y: float) -> float:
    """Continuous ranked probability score of a sample against an outcome (lower is better)."""
    x = np.sort(np.asarray(draws, dtype=float))
    n = len(x)
    spread = 2.0 / n**2 * np.sum((2 * np.arange(1, n + 1) - n - 1) * x)
    return float(np.mean(np.abs(x - y)) - 0.5 * spread)


def load_params(path: Path = PARAMS) -> dict:
    params = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}) or {}
    return params.get("backtest", {}) or {}


def cases(obs: pd.DataFrame, indicators: list[str], years: list[int], region: str = "china") -> list[tuple]:
    """(indicator, year, as-of month) for which the December outcome exists."""
    out = []
    for ind in indicators:
        hist = fc.history_from_observations(obs, region, ind, vintages=("first", "latest"))
        decembers = set(hist.loc[hist.month == 12, "year"])
        months = (3, 6, 9) if ind == "gdp" else range(2, 12)
        out += [(ind, y, m) for y in years if y in decembers for m in months]
    return out


_SHARED: dict = {}


def _init_worker(obs: pd.DataFrame, targets: pd.DataFrame | None, cfg: Config) -> None:
    """Give each worker process the tables once, instead of pickling them with every case."""
    _SHARED.update(obs=obs, targets=targets, cfg=cfg)


def _evaluate_shared(job: tuple) -> list[dict]:
    region, ind, year, month, methods = job
    return evaluate_case((_SHARED["obs"], _SHARED["targets"], region, ind, year, month, methods, _SHARED["cfg"]))


def evaluate_case(args: tuple) -> list[dict]:
    """All methods for one (indicator, year, month)."""
    obs, targets, region, ind, year, month, methods, cfg = args
    full = fc.history_from_observations(obs, region, ind)
    actual = float(full[(full.year == year) & (full.month == 12)].ytd_growth_pct.iloc[0])
    cut = data.cut_as_of(obs, year, month)
    hist = fc.history_from_observations(cut, region, ind)
    cur = hist[(hist.year == year) & (hist.month <= month)]
    if cur.empty:
        return []
    latest = float(cur.sort_values("month").ytd_growth_pct.iloc[-1])
    prev = hist[(hist.year == year - 1) & (hist.month == 12)]
    thresholds = [] if prev.empty else [float(prev.ytd_growth_pct.iloc[0]) + d for d in THRESHOLD_OFFSETS_PP]
    target = data.target_for(targets, region, ind, year) if targets is not None else None
    if target and target["target_pct"] is not None:
        thresholds.append(float(target["target_pct"]))
    draws = {}
    for method in methods:
        if method == "default":
            continue
        if method == "bridge" and ind != "gdp":
            continue
        try:
            draws[method] = method_draws(method, hist, year, month, cfg, _seed(cfg, region, ind, year, month, method),
                                         obs=cut, region=region, profile=profile_for(cut, ind, year))
        except fc.InsufficientData:
            continue
    if "default" in methods:
        usable = {k: v for k, v in draws.items() if cfg.default_weights.get(k, 0) > 0}
        if usable:
            draws["default"] = fc.combine(usable, cfg.default_weights, n_draws=cfg.n_draws,
                                          seed=_seed(cfg, region, ind, year, month, "default"), method=cfg.combine_method)
    rows = []
    latest_month = int(cur.sort_values("month").month.iloc[-1])
    share = growth.share_through(profile_for(cut, ind, year), latest_month)
    for method, d in draws.items():
        s = fc.summarize(d)
        row = dict(region=region, indicator=ind, year=year, as_of=f"{year:04d}-{month:02d}", month=month,
                   method=method, latest_ytd_pct=latest, **{f"{k}_pct": v for k, v in s.items()},
                   target_pct=math.nan, qualifier="", p_met=math.nan, p_met_tolerant=math.nan,
                   required_rest_pct=math.nan, borrowed_from="", actual_pct=actual, crps=crps(d, actual))
        if target and target["target_pct"] is not None:
            p = fc.p_met(d, target["target_pct"], target["qualifier"], tolerance=cfg.about_tolerance_pp)
            row.update(target_pct=target["target_pct"], qualifier=target["qualifier"], p_met=p.strict,
                       p_met_tolerant=p.tolerant,
                       required_rest_pct=float(growth.required_growth_pct(latest, target["target_pct"], share)))
        for i, thr in enumerate(thresholds):
            row[f"threshold_{i}_pct"] = thr
            row[f"p_met_{i}"] = float(np.mean(d >= thr))
        rows.append(row)
    return rows


def run_backtest(obs: pd.DataFrame, indicators: list[str], years: list[int], methods: list[str], cfg: Config,
                 targets: pd.DataFrame | None = None, workers: int | None = None) -> pd.DataFrame:
    jobs = [("china", ind, y, m, methods) for ind, y, m in cases(obs, indicators, years)]
    workers = workers or min(2, os.cpu_count() or 1)
    if workers > 1 and len(jobs) > 20:
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(obs, targets, cfg)) as pool:
            results = list(pool.map(_evaluate_shared, jobs, chunksize=10))
    else:
        _init_worker(obs, targets, cfg)
        results = [_evaluate_shared(j) for j in jobs]
    df = pd.DataFrame([r for rows in results for r in rows])
    return df.sort_values(["indicator", "year", "month", "method"], kind="stable").reset_index(drop=True)


def long_probabilities(bt: pd.DataFrame) -> pd.DataFrame:
    """One row per case, method and threshold: P(met), the step rule's 0/1, and what happened."""
    parts = []
    for i in range(4):
        col = f"p_met_{i}"
        if col not in bt:
            continue
        part = bt[bt[col].notna()][["indicator", "year", "month", "method", "latest_ytd_pct", "actual_pct",
                                     f"threshold_{i}_pct", col]]
        part = part.rename(columns={f"threshold_{i}_pct": "threshold_pct", col: "p_met"})
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=["indicator", "year", "month", "method", "p_met", "step", "met"])
    long = pd.concat(parts, ignore_index=True)
    return long.assign(step=(long.latest_ytd_pct >= long.threshold_pct).astype(float),
                       met=(long.actual_pct >= long.threshold_pct).astype(float))


def metrics_table(bt: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    err = bt.q50_pct - bt.actual_pct
    g = bt.assign(err=err, sq=err**2,
                  in50=(bt.actual_pct >= bt.q25_pct) & (bt.actual_pct <= bt.q75_pct),
                  in80=(bt.actual_pct >= bt.q10_pct) & (bt.actual_pct <= bt.q90_pct),
                  in90=(bt.actual_pct >= bt.q05_pct) & (bt.actual_pct <= bt.q95_pct)).groupby(by)
    out = pd.DataFrame({"n": g.size(), "rmse": np.sqrt(g.sq.mean()), "mean_error": g.err.mean(),
                        "crps": g.crps.mean(), "coverage_50": g.in50.mean(), "coverage_80": g.in80.mean(),
                        "coverage_90": g.in90.mean()})
    probs = long_probabilities(bt)
    if not probs.empty:
        pg = probs.assign(b=(probs.p_met - probs.met) ** 2, b_step=(probs.step - probs.met) ** 2).groupby(by)
        out["brier"] = pg.b.mean()
        out["brier_step"] = pg.b_step.mean()
        out["brier_skill_vs_step"] = 1 - out.brier / out.brier_step
    return out.reset_index().round(4)


def summary(bt: pd.DataFrame, default: str = "default") -> dict:
    """The issue's goals, measured: RMSE ratio to carry-forward, coverage, Brier skill."""
    monthly = bt[bt.indicator.isin(MONTHLY_INDICATORS)]
    by_ind = metrics_table(monthly, ["indicator", "method"]).set_index(["indicator", "method"])
    out: dict = {"cases": int(bt[["indicator", "year", "month"]].drop_duplicates().shape[0])}
    ratios = {}
    for ind in MONTHLY_INDICATORS:
        if (ind, default) in by_ind.index and (ind, "carry_forward") in by_ind.index:
            ratios[ind] = round(float(by_ind.loc[(ind, default), "rmse"] / by_ind.loc[(ind, "carry_forward"), "rmse"]), 4)
    out["rmse_ratio_to_carry_forward"] = ratios
    if ratios:
        out["rmse_ratio_mean"] = round(float(np.mean(list(ratios.values()))), 4)
    overall = metrics_table(bt, ["method"]).set_index("method")
    for method in overall.index:
        out[method] = {k: (None if pd.isna(v) else float(v)) for k, v in overall.loc[method].items()}
    return out


def reliability(bt: pd.DataFrame, method: str = "default", bins: int = 10) -> pd.DataFrame:
    probs = long_probabilities(bt[bt.method == method])
    if probs.empty:
        return pd.DataFrame(columns=["bin", "p_mean", "observed", "n"])
    idx = np.clip((probs.p_met * bins).astype(int), 0, bins - 1)
    g = probs.assign(bin=idx).groupby("bin")
    return pd.DataFrame({"p_mean": g.p_met.mean(), "observed": g.met.mean(), "n": g.size()}).reset_index().round(4)


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
                       indicators: tuple[str, ...] = (*MONTHLY_INDICATORS, "gdp")) -> pd.DataFrame:
    """How wide borrowed forecasts must be: the sparse regions' own YTD points scored against their December.

    Each case is forecast as the engine does for a region without enough history of its own (the
    nearest ancestor's dynamics anchored on the local figure), once per widening in ``widen_grid``.
    """
    from .forecast import indicator_draws

    rows = []
    for region, ind, year, month, actual in borrowing_cases(obs, list(indicators)):
        cut = data.cut_as_of(obs, year, month)
        for widen in widen_grid:
            c = Config(**{**cfg.__dict__, "borrow_widen_pp": float(widen)})
            draws, info = indicator_draws(cut, region, ind, year, month, c, ["default"])
            d = draws.get("default")
            if d is None:
                continue
            q10, q50, q90 = np.quantile(d, [0.1, 0.5, 0.9])
            rows.append(dict(region=region, indicator=ind, year=year, month=month, widen_pp=float(widen),
                             borrowed_from=info["borrowed_from"], latest_ytd_pct=info["latest_ytd_pct"],
                             q10_pct=q10, q50_pct=q50, q90_pct=q90, actual_pct=actual, crps=crps(d, actual),
                             in80=bool(q10 <= actual <= q90)))
    return pd.DataFrame(rows)


def borrowing_summary(cases_: pd.DataFrame) -> dict:
    if cases_.empty:
        return {}
    g = cases_.groupby("widen_pp")
    return {f"widen_{w:g}pp": {"n": int(len(x)), "coverage_80": round(float(x.in80.mean()), 4),
                               "crps": round(float(x.crps.mean()), 4),
                               "rmse": round(float(np.sqrt(((x.q50_pct - x.actual_pct) ** 2).mean())), 4)}
            for w, x in g}


def main() -> int:
    cfg = Config.load()
    params = load_params()
    obs = data.load_observations()
    years = list(range(int(params.get("first_year", 2010)), int(params.get("last_year", 2023)) + 1))
    indicators = list(params.get("indicators", [*MONTHLY_INDICATORS, "gdp"]))
    methods = list(params.get("methods", ["carry_forward", "empirical_drift", "state_space", "bridge", "default"]))
    cfg.n_draws = int(params.get("n_draws", 1000))
    bt = run_backtest(obs, indicators, years, methods, cfg)
    PROCESSED.mkdir(parents=True, exist_ok=True)
    bt.round(4).to_csv(OUT, index=False, lineterminator="\n", float_format="%.4f")
    metrics_table(bt, ["indicator", "month", "method"]).to_csv(BY_MONTH, index=False, lineterminator="\n")
    reliability(bt).to_csv(RELIABILITY, index=False, lineterminator="\n")
    borrowed = borrowing_backtest(obs, cfg, [float(w) for w in params.get("borrow_widen_grid", [0.0, 0.5, 1.0, 1.5, 2.0])])
    metrics = summary(bt)
    metrics["borrowing"] = borrowing_summary(borrowed)
    borrowed.round(4).to_csv(BORROWING, index=False, lineterminator="\n", float_format="%.4f")
    METRICS.write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"backtest: {len(bt)} forecasts; metrics in {METRICS.relative_to(PROCESSED.parent.parent)}")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--indicators", nargs="+", type=Path, help="raw-schema files replacing embedded series")
    parser.add_argument("--years", nargs="+", type=int, help="years to backtest (default 2010-2023)")
    parser.add_argument("--methods", nargs="+", default=["carry_forward", "empirical_drift", "state_space", "bridge",
                                                          "default"])
    parser.add_argument("--series", nargs="+", default=[*MONTHLY_INDICATORS, "gdp"], help="indicator slugs")
    parser.add_argument("--targets", type=Path, help="targets (raw schema) to score P(met) against, where known")
    parser.add_argument("--out", type=Path, help="write the per-forecast CSV here instead of stdout")
    parser.add_argument("--stage", action="store_true", help="run the DVC stage with params.yaml")


def run(args) -> int:
    if args.stage:
        return main()
    from .validate import RawDataError

    cfg = Config.load()
    cfg.n_draws = int(load_params().get("n_draws", 1000))
    try:
        obs = data.load_observations(args.indicators)
    except RawDataError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
    years = args.years or list(range(2010, 2024))
    targets = data.load_targets(args.targets) if args.targets else None
    bt = run_backtest(obs, args.series, years, args.methods, cfg, targets)
    if bt.empty:
        print("backtest: no case has both an as-of figure and a December outcome", file=sys.stderr)
        return 1
    if args.out:
        bt.round(4).to_csv(args.out, index=False, lineterminator="\n", float_format="%.4f")
    else:
        bt.round(4).to_csv(sys.stdout, index=False, lineterminator="\n", float_format="%.4f")
    table = metrics_table(bt, ["indicator", "method"])
    print(table.to_string(index=False), file=sys.stderr)
    print(json.dumps(summary(bt), indent=1)[:2000], file=sys.stderr)
    return 0
