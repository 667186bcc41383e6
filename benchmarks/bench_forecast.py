"""Forecast engine benchmarks: one `forecast` call (start-up included) and the whole national backtest.

    .venv/bin/python benchmarks/bench_forecast.py [--repeat 3] [--skip-backtest]

Prints the timings and the backtest's goal metrics; benchmarks/README.md records the last results.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-backtest", action="store_true")
    args = ap.parse_args()
    for region, as_of in [("xiangjiang", "2024-09"), ("china", "2023-06")]:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "pipeline", "forecast", "--as-of", as_of, "--region", region],
                           cwd=ROOT, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        print(f"forecast --region {region} --as-of {as_of} (start-up included): median {sorted(times)[len(times) // 2]:.2f} s")
    if args.skip_backtest:
        return
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "backtest", "--stage"], cwd=ROOT, check=True, capture_output=True)
    print(f"backtest stage (5 indicators, 2005-2023 run, 2010-2023 scored, nested choice, 2 workers): "
          f"{time.perf_counter() - start:.1f} s")
    metrics = json.loads((ROOT / "data" / "processed" / "backtest_metrics.json").read_text())
    for regime in ("ordinary", "shock", "all"):
        m = metrics[regime]
        print(f"{regime}: RMSE ratio mean {m['rmse_ratio_mean']} (by indicator {m['rmse_ratio']}); coverage "
              f"50/80/90 {m['coverage_50']}/{m['coverage_80']}/{m['coverage_90']} (80 before: {m['coverage_80_before']}); "
              f"Brier {m['brier']}, skill vs carry-forward {m['brier_skill_vs_carry_forward']} (real targets "
              f"{m['brier_skill_vs_carry_forward_real_targets']}), vs base rate {m['brier_skill_vs_base_rate']}; "
              f"largest reliability gap (deciles with >= 30 cases) {m['reliability_max_gap_bins_n30']}")

if __name__ == "__main__":
    main()
