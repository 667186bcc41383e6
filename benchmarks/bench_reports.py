"""Reports as published (issue 11): parsing stays linear, and the targets stage over real folders.

    .venv/bin/python benchmarks/bench_reports.py [--mb 50] [--repeat 3]

1. A report of about ``--mb`` MB (UTF-8), built in a temporary folder from the committed provincial
   reports repeated, is read and parsed (goal: 50 MB in under 30 s); 1/8, 1/4 and 1/2 of it show whether
   the time grows linearly.
2. The ``targets`` stage (read, identify, parse, merge, write) on every report in ``data/raw/reports``,
   and on 31 distinct reports (the six provincial ones, each copy made distinct by one added line and
   given its own year by a sidecar), median of ``--repeat`` runs.
Prints one line per measurement; benchmarks/README.md records the last results.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.common import paths
from pipeline.sources import targets
from pipeline.sources.reports import identify, parse_report, read_report  # noqa: E402

N_REPORTS = 31


def provincial_reports() -> list[Path]:
    """The committed reports of a province (not the national excerpts or the seed), by name."""
    out = []
    for path in targets.report_files(paths.RAW_REPORTS):
        who = identify(path, read_report(path))
        if who.region not in ("china", "xiangjiang"):
            out.append(path)
    return out


def big_report(folder: Path, megabytes: float, sources: list[Path]) -> Path:
    """One file of about ``megabytes`` MB: the sources' texts in turn, under the first one's title."""
    texts = [p.read_bytes() for p in sources]
    target = int(megabytes * 1e6)
    chunks, size, i = [], 0, 0
    while size < target:
        chunks.append(texts[i % len(texts)])
        size += len(chunks[-1]) + 1
        i += 1
    path = folder / f"big_{megabytes:g}MB.txt"
    path.write_bytes(b"\n".join(chunks))
    return path


def time_parse(path: Path) -> tuple[float, float, int, int, int]:
    """Wall and CPU seconds (CPU says more on a shared machine), characters, targets, outcomes."""
    start, cpu = time.perf_counter(), time.process_time()
    text = read_report(path)
    parsed = parse_report(text)
    return (time.perf_counter() - start, time.process_time() - cpu, len(text), len(parsed.targets),
            len(parsed.outcomes))


def time_stage(report_dir: Path, out: Path, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        with contextlib.redirect_stderr(io.StringIO()):
            code = targets.main(report_dir, out / "no_curated.csv", out / "out")
        runs.append(time.perf_counter() - start)
        if code:
            raise SystemExit(f"targets stage failed on {report_dir}")
    return statistics.median(runs)


def distinct_copies(folder: Path, sources: list[Path], n: int) -> Path:
    """``n`` reports: the sources in turn, each made distinct by one line and given its own year."""
    folder.mkdir()
    for i in range(n):
        src = sources[i % len(sources)]
        name = f"{i:02d}_{src.name}"
        (folder / name).write_bytes(src.read_bytes() + f"\n（副本{i}）\n".encode("utf-8"))
        (folder / f"{name}.meta.yaml").write_text(f"year: {2025 + i // len(sources)}\n", encoding="utf-8")
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=50.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sources = provincial_reports()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for share in (1 / 8, 1 / 4, 1 / 2, 1):
            path = big_report(tmp, args.mb * share, sources)
            seconds, cpu, chars, n_targets, n_outcomes = time_parse(path)
            print(f"parse one {path.stat().st_size / 1e6:.1f} MB report ({chars:,} characters, {n_targets:,} targets, "
                  f"{n_outcomes:,} outcomes): {seconds:.1f} s wall, {cpu:.1f} s CPU" + (" (goal < 30 s)" if share == 1 else ""))
            path.unlink()
        committed = targets.report_files(paths.RAW_REPORTS)
        seconds = time_stage(paths.RAW_REPORTS, tmp / "a", args.repeat)
        print(f"targets stage on data/raw/reports ({len(committed)} reports): median {seconds:.2f} s "
              f"over {args.repeat} runs")
        folder = distinct_copies(tmp / "copies", sources, N_REPORTS)
        chars = sum(len(read_report(p)) for p in targets.report_files(folder))
        seconds = time_stage(folder, tmp / "b", args.repeat)
        print(f"targets stage on {N_REPORTS} distinct provincial reports ({chars:,} characters): median "
              f"{seconds:.2f} s over {args.repeat} runs")


if __name__ == "__main__":
    main()
