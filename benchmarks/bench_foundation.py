"""Foundation benchmarks: fresh install, `dvc repro` from a clean state, no-op `dvc repro`.

    .venv/bin/python benchmarks/bench_foundation.py [--install]

Runs in a temporary copy of the repository (the working tree is not touched). Prints one line per
measurement; benchmarks/README.md records the last results.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def copy_repo(dest: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for rel in files:
        if (ROOT / rel).is_file() and not rel.startswith("data/processed/"):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--install", action="store_true", help="also time a fresh virtualenv install (about a minute)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", DVC_NO_ANALYTICS="1", MPLBACKEND="Agg")
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        copy_repo(repo)
        if args.install:
            t = timed(["make", "venv", "PYTHON=" + sys.executable], repo, dict(os.environ))
            print(f"fresh install (make venv): {t:.1f} s")
        full, noop = [], []
        for _ in range(args.repeat):
            shutil.rmtree(repo / "data" / "processed", ignore_errors=True)
            (repo / "data" / "processed").mkdir()
            (repo / "dvc.lock").unlink(missing_ok=True)
            full.append(timed([str(BIN / "dvc"), "repro"], repo, env))
            noop.append(timed([str(BIN / "dvc"), "repro"], repo, env))
        print(f"dvc repro from a clean state: median {sorted(full)[len(full) // 2]:.2f} s over {len(full)} runs")
        print(f"no-op dvc repro: median {sorted(noop)[len(noop) // 2]:.2f} s over {len(noop)} runs")


if __name__ == "__main__":
    main()
