"""Entry points: the backtest command and the DVC stage (load, run the cases and the choices, save)."""
from __future__ import annotations

import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from pipeline.sources import data
from pipeline.evaluation.goals import goals
from pipeline.evaluation.metrics import MONTHLY_INDICATORS, by_month_table, by_regime_table, headline, reliability_by_regime
from pipeline.model.forecast import DEFAULT_CHOICE, Config
from pipeline.common.paths import PROCESSED
from pipeline.evaluation.backtest.borrowing import borrowing_backtest, borrowing_cases, borrowing_summary, nested_widening
from pipeline.evaluation.backtest.evaluate import load_params, cases, load_shock_years
from pipeline.evaluation.backtest.choice import run_backtest, year_configs


OUT = PROCESSED / "backtest.csv"


METRICS = PROCESSED / "backtest_metrics.json"


BY_MONTH = PROCESSED / "backtest_by_month.csv"


BY_REGIME = PROCESSED / "backtest_by_regime.csv"


RELIABILITY = PROCESSED / "backtest_reliability.csv"


CHOICES = PROCESSED / "backtest_choices.csv"


BORROWING = PROCESSED / "backtest_borrowing.csv"


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.4f")


def national_targets() -> pd.DataFrame:
    """The curated national targets (China GDP 2005-2026): what real-target P(met) is scored on."""
    t = data.load_targets()
    return t[t.region == "china"].reset_index(drop=True)


def check_scorable(obs: pd.DataFrame, indicators: list[str], years: list[int]) -> None:
    """Fail in one line, before a minute of work, when no year asked for has a national December outcome."""
    from pipeline.common.errors import InputError

    if not years:
        raise InputError("params.yaml: backtest.first_year is after backtest.last_year: no year to score")
    if cases(obs, indicators, years):
        return
    national = obs[obs.region == "china"]
    last = f"{int(national.year.max())}" if not national.empty else "nowhere"
    raise InputError(f"params.yaml: backtest.first_year..last_year {years[0]}-{years[-1]}: no year with a national "
                     f"December outcome to score (the national figures in the data end in {last})")


def last_scored_year(obs: pd.DataFrame, indicators: list[str], last_year) -> int:
    """``backtest.last_year``: a year, or ``latest``: the last year whose December first release is in the data for
    every backtested indicator (so each new December is scored without editing params)."""
    if str(last_year) != "latest":
        return int(last_year)
    dec = obs[(obs.region == "china") & (obs.month == 12) & (obs.measure == "ytd_growth_pct") & (obs.vintage == "first")]
    years = [dec[dec.indicator == i].year.max() for i in indicators]
    return int(min(years)) if years and not any(pd.isna(y) for y in years) else 0


def gravity_models(params: dict, shock_years, years: list[int]) -> tuple[dict, object]:
    """Per scored year, target gravity fitted on the provincial and city GDP pairs of earlier ordinary years
    (pipeline/model/gravity.py), and the fit on every year for the live forecasts; none when params say off."""
    from pipeline.model import gravity as gv
    from pipeline.model.annual.panel import level_of

    if not bool(params.get("target_gravity", False)):
        return {}, None
    record = pd.read_csv(PROCESSED / "track_record.csv", dtype={"region": str})
    pairs = gv.pairs_from_record(record, level_of)
    learn_from = min(int(params.get("learn_first_year", min(years))), min(years))
    fits = gv.fit_by_year(pairs, range(learn_from, max(years) + 1), shock_years)
    return fits, gv.fit(pairs, max(years) + 1, shock_years)


def main() -> int:
    cfg = Config.load(choice_path=None)
    params = load_params()
    shock_years = load_shock_years()
    obs = data.closed_year_observations()  # closed years only: a month that closes no year does not rerun this
    indicators = list(params.get("indicators", [*MONTHLY_INDICATORS, "gdp"]))
    last = last_scored_year(obs, indicators, params.get("last_year", "latest"))
    years = list(range(int(params.get("first_year", 2010)), last + 1))
    cfg.n_draws = int(params.get("n_draws", 1000))
    widen_grid = [float(w) for w in params.get("borrow_widen_grid", [0.0, 0.5, 1.0, 1.5, 2.0])]
    check_scorable(obs, indicators, years)
    fits, live_gravity = gravity_models(params, shock_years, years)
    bt, choices, choice = run_backtest(obs, indicators, years, cfg, params, national_targets(), gravity=fits,
                                       shock_years=shock_years)
    if live_gravity is not None:
        choice["gravity"] = {"pi": round(live_gravity.pi, 4), "w_pp": round(live_gravity.w_pp, 4),
                             "bunch_width_pp": live_gravity.bunch_width_pp, "n_pairs": int(live_gravity.n_pairs)}
    # the borrowing cases after the national ones (each year's borrowed forecast uses that year's nested default),
    # in a process of their own while this one writes the national tables
    configs = year_configs(cfg, params, choices)
    local = borrowing_cases(obs, [*MONTHLY_INDICATORS, "gdp"])
    with ProcessPoolExecutor(1) as side:
        borrowing = side.submit(borrowing_backtest, obs, cfg, widen_grid, (*MONTHLY_INDICATORS, "gdp"), configs, local)
        PROCESSED.mkdir(parents=True, exist_ok=True)
        _write_csv(bt.round(4), OUT)
        _write_csv(choices, CHOICES)
        _write_csv(by_month_table(bt, shock_years), BY_MONTH)
        _write_csv(by_regime_table(bt, shock_years), BY_REGIME)
        _write_csv(reliability_by_regime(bt, shock_years), RELIABILITY)
        metrics = headline(bt, shock_years)
        # issue 22's goals on the cases default, carry-forward and the hand rule all forecast; the years from
        # recent_from on apart (the years none of the model's settings had seen when they were first fixed)
        recent = tuple(range(int(params.get("recent_from", 2024)), last + 1))
        metrics["goals"] = goals(bt, shock_years, since=int(params.get("first_year", 2010)), recent=recent)
        borrowed = borrowing.result()
    borrowed = borrowed.sort_values(["region", "indicator", "year", "month", "widen_pp"], kind="stable")
    widen = nested_widening(borrowed, shock_years, int(params.get("min_learn_years", 3)),
                            float(params.get("borrow_widen_fallback_pp", 0.5)))
    if widen:
        choice["borrow_widen_pp"] = widen[max(widen)]
    metrics["borrowing"] = borrowing_summary(borrowed, widen, shock_years)
    _write_csv(borrowed.round(4), BORROWING)
    METRICS.write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    DEFAULT_CHOICE.write_text(json.dumps(choice, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"backtest: {len(bt)} forecasts; metrics in {METRICS.relative_to(PROCESSED.parent.parent)}")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--indicators", nargs="+", type=Path, help="raw-schema files replacing embedded series")
    parser.add_argument("--years", nargs="+", type=int, help="years to backtest (default 2010-2023)")
    parser.add_argument("--series", nargs="+", default=[*MONTHLY_INDICATORS, "gdp"],
                        help="indicators: slugs or names (gdp, GDP, 社会消费品零售总额)")
    parser.add_argument("--targets", type=Path, help="targets (raw schema) to score P(met) against "
                                                     "(default: the embedded national targets)")
    parser.add_argument("--out", type=Path, help="write the per-forecast CSV here instead of stdout")
    parser.add_argument("--stage", action="store_true", help="run the DVC stage with params.yaml")


def run(args) -> int:
    if args.stage:
        return main()
    from pipeline.sources.validate import RawDataError

    cfg = Config.load(choice_path=None)
    params = load_params()
    cfg.n_draws = int(params.get("n_draws", 1000))
    try:
        obs = data.load_observations(args.indicators)
        targets = data.load_targets(args.targets) if args.targets else national_targets()
    except RawDataError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
    from pipeline.sources import registry
    from pipeline.common.errors import InputError

    series = []
    for name in args.series:  # slugs or names as people write them: GDP, 社会消费品零售总额
        try:
            series.append(registry.resolve_indicator(name))
        except registry.UnknownName as exc:
            raise InputError(f"--series: {exc}", code=2) from None
    years = args.years or list(range(2010, 2024))
    bt, _, _ = run_backtest(obs, list(dict.fromkeys(series)), years, cfg, params, targets,
                             shock_years=load_shock_years())
    if bt.empty:
        print("backtest: no case has both an as-of figure and a December outcome", file=sys.stderr)
        return 1
    _write_csv(bt.round(4), args.out or sys.stdout)
    print(json.dumps(headline(bt, load_shock_years()), indent=1)[:3000], file=sys.stderr)
    return 0
