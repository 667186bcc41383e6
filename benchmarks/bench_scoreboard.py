"""Scoreboard benchmark: the page for every province with targets in a year, start-up included.

    .venv/bin/python benchmarks/bench_scoreboard.py [--year 2024 --as-of 2024-09]

2021, 2023 and 2024 have main-indicator targets for all 31 provinces in the embedded data (2013-2017: 27;
Beijing, Tianjin, Shanghai and Chongqing arrive with the 2018-2024 targets). The CLI run includes Python
start-up, the notebook (run in the command's process) and writing the three files; ``build`` alone is the
forecasting part in one process. Wall and CPU time (CPU time is what a loaded machine does not inflate).
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--as-of", default="2024-09")
    args = ap.parse_args()
    from pipeline.sources import data, registry
    from pipeline.presentation import scoreboard as sb

    provinces = [r for r in sb.regions_with_targets(data.load_targets(), args.year)
                 if registry.region(r).level == "province"]
    start, cpu = time.perf_counter(), time.process_time()
    board = sb.build(args.year, args.as_of, provinces, "zh")
    build_s, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    print(f"build() for {len(provinces)} provinces, {sb.counts(board)['targets']} targets: {build_s:.1f} s "
          f"({cpu_s:.1f} s CPU, {cpu_s / max(len(provinces), 1):.2f} s CPU per province)")
    with tempfile.TemporaryDirectory() as out:
        start, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "pipeline", "scoreboard", "--year", str(args.year), "--as-of",
                        args.as_of, "--regions", *provinces, "--out", out], cwd=ROOT, check=True, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_cli = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        print(f"CLI (start-up, notebook, page, metrics) for {len(provinces)} provinces: "
              f"{time.perf_counter() - start:.1f} s ({cpu_cli:.1f} s CPU)")
    print(f"load average after: {', '.join(f'{x:.1f}' for x in __import__('os').getloadavg())} on "
          f"{__import__('os').cpu_count()} cores")


if __name__ == "__main__":
    main()
