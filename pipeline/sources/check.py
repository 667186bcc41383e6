"""``python -m pipeline validate PATH...``: the ingest stage's checks on any raw file, so a file it calls clean is
one the stage reads (issue 21 item 5).

Each file is read as the stage reads its kind: an indicator or target CSV (told apart by the header, see
``validate.sniff_kind``), or a statistics-portal export (UTF-8 or GBK, with its ``FILE.meta.yaml``; what
``import-portal`` converts), whose rows get the indicator checks of the stage. One ``PATH:ROW:COLUMN: message``
line per problem, exit 1.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.common.paths import RAW_PORTAL
from pipeline.sources import ingest, portal, validate
from pipeline.sources.validate import Problem, RawTable, load_limits, read_file_bytes

_PORTAL_FIRST = ("database", "数据库", "indicators", "indicator", "指标", "地区", "region：", "time")


def is_portal_export(path: Path | str) -> bool:
    """A file in data/raw/portal, or one whose first line is a portal header (Database：..., 数据库：..., 指标 ...)
    rather than the raw schema's; decoded as UTF-8 or GBK, like the portal reader."""
    p = Path(path)
    if p.parent.resolve() == RAW_PORTAL.resolve():
        return True
    data, _ = read_file_bytes(p)
    if not data or b"\x00" in data:
        return False
    try:
        first = next((ln for ln in portal.decode(data[:4096]).splitlines() if ln.strip()), "")
    except UnicodeDecodeError:
        try:
            first = next((ln for ln in portal.decode(data[:4095]).splitlines() if ln.strip()), "")
        except UnicodeDecodeError:
            return False
    head = first.strip().lower()
    return not head.startswith("region,") and head.startswith(_PORTAL_FIRST)


def validate_paths(paths: list[Path | str], limits: dict[str, float] | None = None
                   ) -> tuple[list[Problem], list[RawTable], list[RawTable]]:
    """All the stage's checks on the given files, portal exports read as ingest reads them."""
    return validate.validate_paths(paths, limits or load_limits(),
                                   portal=(is_portal_export, lambda p: ingest.portal_table(p, display=str(p))))


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, help="raw indicator or target CSV files, or portal exports")


def run(args) -> int:
    problems, _, _ = validate_paths(args.paths, load_limits())
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"{len(args.paths)} file(s) clean")
    return 0
