"""Briefing benchmarks: one briefing (start-up to HTML) and a full `dvc repro` from a clean state.

    .venv/bin/python benchmarks/bench_briefing.py [--skip-full]

The full run copies the repository to a temporary folder (the working tree is not touched).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_foundation import copy_repo  # noqa: E402


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-full", action="store_true")
    args = ap.parse_args()
    # The DVC stage (the forecast stage has already computed the real-time path): needs `dvc repro` first.
    # Wall and CPU time (user + system of the command and anything it starts), with the load average beside.
    for key in ("xiangjiang-2024-09", "hunan-2024-06", "china-2023-12", "hunan-2024-09"):
        start, cpu = time.perf_counter(), _children_cpu()
        proc = subprocess.run([sys.executable, "-m", "pipeline", "briefing", "--stage", key], cwd=ROOT,
                              capture_output=True, text=True)
        status = "" if proc.returncode == 0 else f" (failed: {proc.stderr.strip().splitlines()[-1]})"
        print(f"one briefing, stage {key} (start-up, notebook, HTML, headline): {time.perf_counter() - start:.1f} s "
              f"wall, {_children_cpu() - cpu:.1f} s CPU, load average {_load()}{status}")
    # The command from scratch: the path (every month of the year, recomputed) is computed in the notebook.
    out = ROOT / "reports" / "_bench"
    for region, as_of, lang in [("xiangjiang", "2024-09", "zh"), ("china", "2023-11", "en")]:
        start, cpu = time.perf_counter(), _children_cpu()
        subprocess.run([sys.executable, "-m", "pipeline", "briefing", "--region", region, "--as-of", as_of,
                        "--lang", lang, "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
        print(f"one briefing from the command ({region}, {lang}; path computed): {time.perf_counter() - start:.1f} s "
              f"wall, {_children_cpu() - cpu:.1f} s CPU, load average {_load()}")
    shutil.rmtree(out, ignore_errors=True)
    if args.skip_full:
        return
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", DVC_NO_ANALYTICS="1", MPLBACKEND="Agg")
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        copy_repo(repo)
        (repo / "dvc.lock").unlink(missing_ok=True)
        start = time.perf_counter()
        subprocess.run([str(bin_dir / "dvc"), "repro"], cwd=repo, env=env, check=True, capture_output=True)
        print(f"full dvc repro from a clean state (all stages): {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        subprocess.run([str(bin_dir / "dvc"), "repro"], cwd=repo, env=env, check=True, capture_output=True)
        print(f"no-op dvc repro after it: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
