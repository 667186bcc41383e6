"""Target parser benchmark: precision/recall on the hand-labelled seed, time to parse 31 reports.

    .venv/bin/python benchmarks/targets_bench.py [--reports DIR] [--repeat N]

The 31 reports are the six provincial 2025 development reports (../shared/data/reports, not in the
repository) repeated in turn, about one province-level year's worth of text. Prints one line per
measurement; benchmarks/README.md records the last results.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
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
from pipeline.sources.reports import parse_report, read_report, score  # noqa: E402

PROVINCES = ("beijing", "guangdong", "henan", "sichuan", "yunnan", "zhejiang")
N_REPORTS = 31


def seed_score() -> None:
    text = read_report(paths.RAW_REPORTS / "xiangjiang_2024.txt")
    with open(ROOT / "tests" / "fixtures" / "xiangjiang_2024_expected.csv", encoding="utf-8", newline="") as fh:
        expected = list(csv.DictReader(fh))
    rows = parse_report(text).targets
    s = score(text, rows, expected)
    main = sum(bool(r["main"]) for r in rows)
    print(f"seed xiangjiang_2024: precision {s.precision:.3f}, recall {s.recall:.3f} "
          f"({s.matched} matched / {s.extracted} extracted / {s.expected} expected; {main} main; "
          f"{len(s.field_errors)} field errors)")
    for quote in s.missed:
        print(f"  missed: {quote}")
    for quote in s.spurious:
        print(f"  spurious: {quote}")


def timing(report_dir: Path, repeat: int) -> None:
    files = [report_dir / f"{p}_2025.txt" for p in PROVINCES]
    missing = [f for f in files if not f.is_file()]
    if missing:
        print(f"timing skipped: {', '.join(map(str, missing))} not found (use --reports DIR)")
        return
    chars = sum(len(read_report(f)) for f in files)
    parse_s, stage_s = [], []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "reports"
        corpus.mkdir()
        for i in range(N_REPORTS):
            src = files[i % len(files)]
            name = f"{PROVINCES[i % len(files)]}_{2025 + i // len(files)}.txt"
            # distinct texts with their own year: the stage reads a text saved twice only once (issue 11)
            (corpus / name).write_bytes(src.read_bytes() + f"\n（副本{i}）\n".encode("utf-8"))
            (corpus / f"{name}.meta.yaml").write_text(f"year: {2025 + i // len(files)}\n", encoding="utf-8")
        for _ in range(repeat):
            start = time.perf_counter()
            for path in sorted(corpus.glob("*.txt")):
                parse_report(read_report(path))
            parse_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            with contextlib.redirect_stderr(io.StringIO()):  # the stage's one-line summary
                targets.main(corpus, Path(tmp) / "no_curated.csv", Path(tmp) / "out")
            stage_s.append(time.perf_counter() - start)
    total_chars = sum(len(read_report(files[i % len(files)])) for i in range(N_REPORTS))
    print(f"parse {N_REPORTS} reports ({total_chars:,} characters; the six are {chars:,}): "
          f"median {statistics.median(parse_s):.2f} s, min {min(parse_s):.2f} s over {repeat} runs (goal < 2 s)")
    print(f"targets stage on them (parse, merge, write 3 CSVs): median {statistics.median(stage_s):.2f} s "
          f"over {repeat} runs")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=Path, default=paths.ROOT.parent / "shared" / "data" / "reports")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    seed_score()
    timing(args.reports, args.repeat)


if __name__ == "__main__":
    main()
