"""``python -m pipeline read-release FILE...``: the rows a release text gives, as CSV in the raw indicator schema.

Rows go to stdout (one header for all files); on stderr, one line per sentence with a figure that could not
be placed (``PATH:LINE: unplaced: why: sentence``) and one line per file that cannot be read at all
(``PATH: why``). A file whose rows fail the ingest stage's checks (``PATH:LINE:COLUMN: why``) gives no rows: the
preview shows what the stage accepts. Exit 0 when every file was read, 1 when one could not be, 2 for a bad argument.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from pipeline.common.csvsafe import neutralise_rows
from pipeline.sources.releases.decode import ReleaseError
from pipeline.sources.releases.read import COLUMNS, read_release
from pipeline.sources.schema import RAW_INDICATOR_COLUMNS
from pipeline.sources.validate import RawTable, check_indicator_rows, check_indicator_tables, load_limits


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="FILE",
                        help="release texts as published (.txt in any common encoding, or .html)")
    parser.add_argument("--year", help="the release's year, for a text that names none (else FILE.meta.yaml "
                                       "'year:')")


def _year(text: str | None) -> int | None:
    from pipeline.common.errors import InputError

    if text is None:
        return None
    if not text.isascii() or not text.isdigit() or not 1949 <= int(text) <= 2100:
        raise InputError(f"--year: {text!r} is not a year such as 2024", code=2)
    return int(text)


def run(args) -> int:
    from pipeline.common.errors import InputError

    if not args.paths:
        raise InputError("give at least one release file (python -m pipeline read-release FILE...)", code=2)
    year = _year(args.year)
    writer = csv.DictWriter(sys.stdout, COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    status, tables = 0, []
    limits = load_limits()
    for path in args.paths:
        try:
            rows, unplaced = read_release(path, year=year, display=str(path))
        except ReleaseError as exc:
            print(str(exc), file=sys.stderr)
            status = 1
            continue
        # the ingest stage's checks of the rows (plausible range, registry, conflicts between the files given)
        table = RawTable(str(path), RAW_INDICATOR_COLUMNS, [{c: str(r[c]) for c in RAW_INDICATOR_COLUMNS} for r in rows],
                         [int(r["line"]) for r in rows])
        problems = check_indicator_rows(table, limits) + check_indicator_tables(tables + [table])
        tables.append(table)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            status = 1
            continue
        writer.writerows(neutralise_rows(rows))
        sys.stdout.flush()
        for item in unplaced:
            print(f"{path}:{item.line}: unplaced: {item.reason}: {item.sentence[:120]}", file=sys.stderr)
    return status
