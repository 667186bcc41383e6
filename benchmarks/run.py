"""Run the project's benchmark scripts one after another (``make bench``), each as its own process.

    .venv/bin/python benchmarks/run.py [NAME ...] [--list]

Without NAME it runs every ``benchmarks/*.py`` but itself, in name order; a NAME is a script's file name
with or without ``.py`` (``bench_forecast``, ``targets_bench.py``). A script that is absent or fails is
reported and the others still run; the exit status is 1 when any failed or was absent. Each script's
output is printed as it comes, under a header with its command; the last line sums up the wall times.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def scripts(names: list[str]) -> list[tuple[str, Path | None]]:
    """(name, path) in run order; path is None when a named script does not exist."""
    if not names:
        return [(p.name, p) for p in sorted(HERE.glob("*.py")) if p.name != Path(__file__).name and
                not p.name.startswith("_")]
    out = []
    for name in names:
        path = HERE / (name if name.endswith(".py") else f"{name}.py")
        out.append((path.name, path if path.is_file() else None))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="benchmark scripts to run (default: all)")
    ap.add_argument("--list", action="store_true", help="only list the scripts that would run")
    args = ap.parse_args(argv)
    plan = scripts(args.names)
    if args.list:
        for name, path in plan:
            print(name if path else f"{name} (absent)")
        return 0
    results = []
    for name, path in plan:
        if path is None:
            print(f"== {name}: absent, skipped", flush=True)
            results.append((name, "absent", 0.0))
            continue
        cmd = [sys.executable, str(path.relative_to(ROOT))]
        print(f"== {name}: {' '.join(cmd)}", flush=True)
        start = time.perf_counter()
        code = subprocess.run(cmd, cwd=ROOT).returncode
        seconds = time.perf_counter() - start
        results.append((name, "ok" if code == 0 else f"failed (exit {code})", seconds))
        print(f"== {name}: {results[-1][1]} in {seconds:.1f} s", flush=True)
    print("summary: " + "; ".join(f"{n} {status} {s:.1f} s" for n, status, s in results))
    return 0 if all(status == "ok" for _, status, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
