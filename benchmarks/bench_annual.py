"""Annual forecaster benchmarks: backtest metrics, and track record + forecasts of all 31 provinces (goal < 5 s).

    .venv/bin/python benchmarks/bench_annual.py [--year 2017] [--month 0] [--repeat 3]

Reads data/processed (run `dvc repro` first). Prints the backtest metrics (the same computation as the
``backtest_annual`` stage, in memory: nothing is written) and the wall time of: reading observations and
targets, scoring the track record, building the annual panel and forecasting all 31 provinces.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.model import annual, track_record
from pipeline.evaluation import annual_backtest as backtest_annual
from pipeline.sources import registry
from pipeline.common.paths import OBSERVATIONS, TARGETS  # noqa: E402


def provinces() -> list[str]:
    return sorted(r.slug for r in registry.regions().values() if r.level == "province")


def track_record_and_forecasts(year: int, month: int, params: dict) -> tuple[float, pd.DataFrame]:
    """Wall time (s) from the CSV files to 31 provincial forecasts, nothing cached."""
    start = time.perf_counter()
    obs = pd.read_csv(OBSERVATIONS, dtype={"region": str}, keep_default_na=False, na_values={"value": [""]})
    targets = pd.read_csv(TARGETS, dtype={"region": str}, keep_default_na=False,
                          na_values={"target_pct": [""], "target_high_pct": [""]})
    record = track_record.score(targets, track_record.annual_outcomes(obs),
                                float(track_record.load_params().get("about_tolerance_pp", 0.5)))
    panel = annual.build_panel(record, obs)
    table = annual.forecast_regions(panel, provinces(), "gdp", year, month, params)
    return time.perf_counter() - start, table


def print_metrics(metrics: dict) -> None:
    cols = ["n", "brier", "brier_climatology", "brier_skill", "coverage80", "mean_interval80_pp", "mean_p_met",
            "met_rate"]
    print("January (as of month 0):")
    print(pd.DataFrame(metrics["january"]).T.reindex(columns=cols).to_string())
    print("\nBy level and as-of month:")
    print(pd.DataFrame(metrics["by_level_month"]).T.reindex(columns=cols).to_string())
    rec = metrics["recent_years"]
    print("\nRecent years: province targets after the last target year:",
          rec["province_targets_after_last_target_year"], "judgeable:", rec["province_targets_judgeable"],
          "outcomes by year:", rec["province_outcomes_by_year"])
    print(pd.DataFrame(rec["outcome_interval_national_mode"]).T.to_string())
    if "blend" in metrics:
        print(f"\nBlend cases (own mid-year YTD + target + outcome): {metrics['blend']['cases']}")
        print(pd.DataFrame(metrics["blend"]["by_weight"]).T.to_string())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", type=int, default=2017)
    ap.add_argument("--month", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    params = backtest_annual.load_params()

    start = time.perf_counter()
    record = pd.read_csv(backtest_annual.TRACK_RECORD, dtype={"region": str, "met": "boolean"})
    obs = pd.read_csv(OBSERVATIONS, dtype={"region": str}, keep_default_na=False, na_values={"value": [""]})
    cases, metrics, _ = backtest_annual.run(record, obs, params)
    print(f"backtest: {len(cases)} cases in {time.perf_counter() - start:.2f} s\n")
    print_metrics(metrics)

    print(f"\nTrack record + annual forecasts, 31 provinces, {args.year} as of month {args.month}:")
    times = []
    for _ in range(args.repeat):
        seconds, table = track_record_and_forecasts(args.year, args.month, params)
        times.append(seconds)
    print(f"  {len(table)} provinces ({(table['mode'] == 'target').sum()} with a target); "
          f"wall time min {min(times):.2f} s, max {max(times):.2f} s over {args.repeat} runs (goal < 5 s)")
    print(table.round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
