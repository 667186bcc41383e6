"""Read a statistics data-portal export (indicators as rows, periods as columns) into tidy raw rows.

Two layouts. National: indicators as rows. Provincial: regions as rows (header ``地区``/``Region``),
one indicator per file, named in a header line (``指标：地区生产总值指数(上年=100)`` or
``Indicators：...``); region names become slugs through the registry (Chinese or English names).

The portal's layout: a few header lines (``Database：Quarterly``, ``Time：...`` or 数据库/时间), a
table whose first column names the indicator and whose other columns are periods (``4Q 2023``,
``2024年9月``, ``2024年第三季度``, ``Sep 2024``, ``2024``), cells separated by a tab and a comma (or
either alone), and notes below (``Note：``, ``注：``, ``Data Sources：``, ``数据来源：``). Files come
as UTF-8 with a BOM or as GBK. Indicator rows are mapped to slugs by
``pipeline/sources/registries/portal_indicators.csv``; index rows (preceding year = 100) become growth in %.
Rows the map does not know are reported, not guessed.

A ``FILE.meta.yaml`` sidecar beside an export names its region, vintage and source; it is read with a
loader that refuses YAML tags, anchors and aliases (an alias bomb would exhaust memory) and deep nesting
(``pipeline.common.yamlio``), at most 64 KB,
and every problem in it is reported against the sidecar file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.common.csvsafe import neutralise
from pipeline.common import yamlio
from pipeline.common.paths import REGISTRIES
from pipeline.common.safeio import FileRefused
from pipeline.sources.schema import RAW_INDICATOR_COLUMNS, VINTAGES
from pipeline.sources.validate import MAX_SIDECAR_BYTES, Problem, decode_text, number_problem, plain_number, read_file_bytes

SIDECAR_KEYS = ("region", "vintage", "source")

_MONTHS_EN = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_QUARTER_ZH = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_NOTE = re.compile(r"^\s*(Note|注|Data Sources?|数据来源|Source)\s*[：:]", re.I)
_HEADER_FIRST = {"indicators", "indicator", "指标", "地区", "region", "regions"}
_REGION_HEADER = {"地区", "region", "regions"}
_INDICATOR_LINE = re.compile(r"^\s*(指标|Indicators?)\s*[：:]\s*(.+?)\s*$", re.I)


def _region_slug(name: str) -> str | None:
    """Registry slug for a region name as the portal prints it (Chinese, or English like 'Inner Mongolia')."""
    from pipeline.sources import registry

    slug = registry.region_by_name(name)
    if slug:
        return slug
    key = name.strip().lower()
    return next((r.slug for r in registry.regions().values() if r.name_en and r.name_en.lower() == key), None)


def sidecar_path(path: Path | str) -> Path:
    return Path(path).with_name(Path(path).name + ".meta.yaml")


def read_sidecar(path: Path | str) -> tuple[dict, list[Problem]]:
    """The export's sidecar as {region, vintage, source} (region as a slug); {} when there is none.

    Problems name the sidecar file: too large, not UTF-8, empty, malformed YAML, aliases, not a mapping,
    unknown keys, an unknown region or vintage.
    """
    from pipeline.sources import registry

    meta = sidecar_path(path)
    if not meta.exists() and not meta.is_symlink():
        return {}, []
    m = str(meta)
    raw, problems = read_file_bytes(meta, "sidecar")
    if raw is None:
        return {}, problems
    if len(raw) > MAX_SIDECAR_BYTES:
        return {}, [Problem(m, 0, "-", f"sidecar is {len(raw)} bytes, more than the 64 KB a sidecar may have "
                            "(it names region, vintage and source)", "sidecar")]
    text, problems = decode_text(m, raw)
    if text is None:
        return {}, problems
    if not text.strip():
        return {}, [Problem(m, 1, "-", "sidecar is empty: name region, vintage and source (see "
                            "data/raw/portal/README.md), or delete it", "sidecar")]
    try:
        data = yamlio.load(text, m)  # no tags, anchors, aliases or deep nesting
    except FileRefused as exc:
        return {}, [Problem(m, exc.line or 1, "-", exc.reason, "sidecar")]
    if not isinstance(data, dict):
        return {}, [Problem(m, 1, "-", f"sidecar must be a mapping (region: ..., vintage: ..., source: ...), "
                            f"not a {type(data).__name__}", "sidecar")]

    def line_of(key: str) -> int:
        found = re.search(rf"^\s*{re.escape(str(key))}\s*:", text, re.M)
        return text[: found.start()].count("\n") + 1 if found else 1

    out: dict = {}
    for key, value in data.items():
        if key not in SIDECAR_KEYS:
            problems.append(Problem(m, line_of(key), str(key), f"unknown key {str(key)!r}; a sidecar has "
                                    f"{', '.join(SIDECAR_KEYS)}", "sidecar"))
        elif not isinstance(value, str) or not value.strip():
            problems.append(Problem(m, line_of(key), key, f"{key} must be text, not {value!r}", "sidecar"))
        elif key == "region":
            try:
                out[key] = registry.resolve_region(value)
            except registry.UnknownName as exc:
                problems.append(Problem(m, line_of(key), key, str(exc), "sidecar"))
        elif key == "vintage" and value not in VINTAGES:
            problems.append(Problem(m, line_of(key), key, f"vintage {value!r}; one of {', '.join(VINTAGES)}",
                                    "sidecar"))
        else:
            out[key] = value.strip()
    return (out, []) if not problems else ({}, problems)


def unmapped_lines(path: Path | str, table: "PortalTable") -> list[str]:
    """One line per table row the indicator map does not know, by name (skipped, never guessed)."""
    return [f"{path}:{line}:-: skipped row {name!r} (not in pipeline/sources/registries/portal_indicators.csv)"
            for line, name in table.unmapped]


def raw_table(display: str, table: "PortalTable"):
    """The export's rows as a validate.RawTable (text cells), as the ingest stage checks them."""
    from pipeline.sources.validate import RawTable

    rows = [{k: str(v) for k, v in r.items()} for r in table.rows.to_dict("records")]
    return RawTable(display, RAW_INDICATOR_COLUMNS, rows, table.lines)


@dataclass
class PortalTable:
    rows: pd.DataFrame  # tidy raw-schema rows
    lines: list[int]  # the line of the export each row comes from
    unmapped: list[tuple[int, str]]  # (line, indicator name) rows the map does not know


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def parse_period(label: str) -> str | None:
    """Portal column label -> ``YYYY-MM`` (last month of the span), or None when not a period."""
    s = label.strip()
    if m := re.fullmatch(r"([1-4])Q\s*(\d{4})", s):
        return f"{m.group(2)}-{int(m.group(1)) * 3:02d}"
    if m := re.fullmatch(r"(\d{4})\s*年\s*第?\s*([一二三四1-4])\s*季度", s):
        return f"{m.group(1)}-{_QUARTER_ZH[m.group(2)] * 3:02d}"
    if m := re.fullmatch(r"(\d{4})\s*年\s*(\d{1,2})\s*月(份)?", s):
        month = int(m.group(2))
        return f"{m.group(1)}-{month:02d}" if 1 <= month <= 12 else None
    if m := re.fullmatch(r"([A-Za-z]{3})[a-z]*\.?\s+(\d{4})", s):
        month = _MONTHS_EN.get(m.group(1).lower())
        return f"{m.group(2)}-{month:02d}" if month else None
    if m := re.fullmatch(r"(\d{4})\s*年?", s):
        return f"{m.group(1)}-12"
    return None


def _cells(line: str) -> list[str]:
    if "\t," in line:
        parts = line.split("\t,")
    elif "\t" in line:
        parts = line.split("\t")
    else:
        parts = line.split(",")
    parts = [p.strip() for p in parts]
    while parts and parts[-1] in {"", ","}:
        parts.pop()
    return parts


def _header_problems(p: str, lines: list[str], header_idx: int) -> list[Problem]:
    """A header spread over two rows (a year merged over its months) or repeated further down is refused:
    read as one row it would put the September column under December."""
    out = []
    below = _cells(lines[header_idx + 1]) if header_idx + 1 < len(lines) else []
    if below and not below[0] and any(below[1:]):
        out.append(Problem(p, header_idx + 2, "-", f"a second header row under the header on line {header_idx + 1} "
                           "(merged header cells): export with one header row of full periods such as 2024年9月",
                           "portal-header"))
    n_labels = len(_cells(lines[header_idx])) - 1
    for line, cells in _body(lines, header_idx):
        if cells[0].lower() in _HEADER_FIRST:
            out.append(Problem(p, line, "-", f"the header row is repeated here (first on line {header_idx + 1}): "
                               "one table per file", "portal-header"))
        elif len(cells) - 1 > n_labels:
            out.append(Problem(p, line, "-", f"row has {len(cells) - 1} values but the header names {n_labels} "
                               "period(s) (a merged or shifted header?)", "portal-header"))
    return out


def _body(lines: list[str], header_idx: int):
    """(1-based line, cells) of each table row below the header, up to the notes."""
    for i in range(header_idx + 1, len(lines)):
        if _NOTE.match(lines[i]):
            return
        cells = _cells(lines[i])
        if cells and cells[0]:
            yield i + 1, cells


def _indicator_map() -> list[tuple[re.Pattern, str, str, str, float]]:
    table = pd.read_csv(REGISTRIES / "portal_indicators.csv", dtype=str, keep_default_na=False)
    return [(re.compile(r.pattern), r.indicator, r.measure, r.unit, float(r.offset)) for r in table.itertuples()]


def read_portal(path: Path | str, *, region: str = "china", vintage: str = "latest",
                source: str | None = None) -> tuple[PortalTable | None, list[Problem]]:
    """Parse one export into raw-schema rows; problems name the file, the line and the column."""
    p = str(path)
    raw, problems = read_file_bytes(path)
    if raw is None:
        return None, problems
    if not raw.strip():
        return None, [Problem(p, 1, "-", "file is empty: expected a portal export", "empty-file")]
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in raw:
        return None, decode_text(p, raw)[1]
    try:
        text = decode(raw)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(p, line, "-", f"neither UTF-8 nor GBK (byte 0x{raw[exc.start]:02x}); save the export "
                              "as UTF-8", "encoding")]
    lines = text.splitlines()
    header_idx = next((i for i, ln in enumerate(lines) if _cells(ln) and _cells(ln)[0].lower() in _HEADER_FIRST), None)
    if header_idx is None:
        return None, [Problem(p, 1, "-", "no table header found (a line starting with Indicators or 指标)",
                              "portal-header")]
    problems = _header_problems(p, lines, header_idx)
    if problems:
        return None, problems
    labels = _cells(lines[header_idx])[1:]
    periods = [parse_period(lb) for lb in labels]
    problems = [Problem(p, header_idx + 1, lb, f"column {lb!r} is not a period this importer knows", "portal-period")
                for lb, per in zip(labels, periods) if per is None]
    first: dict[str, str] = {}
    for lb, per in zip(labels, periods):
        if per is not None and per in first:
            problems.append(Problem(p, header_idx + 1, lb, f"column {lb!r} gives period {per} again (as column "
                                    f"{first[per]!r}): a merged or repeated header; export one column per period",
                                    "portal-header"))
        first.setdefault(per, lb)
    if problems:
        return None, problems
    mapping = _indicator_map()
    source = source or f"NBS data portal export ({Path(path).name})"
    records, unmapped = [], []
    if _cells(lines[header_idx])[0].lower() in _REGION_HEADER:
        return _read_regions_as_rows(p, lines, header_idx, labels, periods, mapping, vintage, source)
    for line, cells in _body(lines, header_idx):
        name = re.sub(r"\s+", " ", cells[0]).strip()
        hit = next((m for m in mapping if m[0].search(name)), None)
        if hit is None:
            unmapped.append((line, name))
            continue
        _, indicator, measure, unit, offset = hit
        _row_values(p, line, cells, labels, periods, offset, records, problems,
                    dict(region=region, indicator=indicator, measure=measure, unit=unit, vintage=vintage,
                         source=source, note=f"portal row: {name}"))
    return _table(records, ["indicator", "measure", "period"], unmapped), problems


def _row_values(p: str, line: int, cells: list[str], labels: list[str], periods: list[str], offset: float,
                records: list[dict], problems: list[Problem], fields: dict) -> None:
    """Append one table row's cells as tidy records (blank or '--' cells are missing, text cells a problem)."""
    for j, (label, period) in enumerate(zip(labels, periods), start=1):
        cell = cells[j] if j < len(cells) else ""
        if cell in {"", "--", "…", "..."}:
            continue
        number = plain_number(cell)
        if number is None:
            problems.append(Problem(p, line, label, number_problem("cell", cell), "numeric-value"))
            continue
        value = round(number + offset, 6)
        records.append(dict(fields, period=period, value=f"{value:.12g}", line=line))


def _table(records: list[dict], order: list[str], unmapped: list[tuple[int, str]]) -> PortalTable:
    rows = pd.DataFrame(records, columns=RAW_INDICATOR_COLUMNS + ["line"])
    rows = rows.sort_values(order, kind="stable").reset_index(drop=True)
    return PortalTable(rows[RAW_INDICATOR_COLUMNS], rows["line"].astype(int).tolist(), unmapped)


def _read_regions_as_rows(p, lines, header_idx, labels, periods, mapping, vintage, source):
    """Provincial layout: the file's one indicator from its header line, one row per region."""
    name = next((m.group(2) for ln in lines[:header_idx] if (m := _INDICATOR_LINE.match(ln))), None)
    if name is None:
        return None, [Problem(p, header_idx + 1, "-", "regions as rows but no indicator line (指标：... or "
                              "Indicators：...) above the table", "portal-header")]
    name = re.sub(r"\s+", " ", name)
    hit = next((m for m in mapping if m[0].search(name)), None)
    if hit is None:
        return None, [Problem(p, 1 + next(i for i, ln in enumerate(lines) if _INDICATOR_LINE.match(ln)), "-",
                              f"indicator {name!r} is not in pipeline/sources/registries/portal_indicators.csv",
                              "portal-indicator")]
    _, indicator, measure, unit, offset = hit
    records, problems, unmapped = [], [], []
    for line, cells in _body(lines, header_idx):
        region = _region_slug(cells[0])
        if region is None:
            unmapped.append((line, cells[0]))
            continue
        _row_values(p, line, cells, labels, periods, offset, records, problems,
                    dict(region=region, indicator=indicator, measure=measure, unit=unit, vintage=vintage,
                         source=source, note=f"portal row: {cells[0]}; indicator: {name}"))
    return _table(records, ["region", "indicator", "measure", "period"], unmapped), problems


def add_arguments(parser) -> None:
    parser.add_argument("path", type=Path, help="portal export (CSV-like; UTF-8 with BOM or GBK)")
    parser.add_argument("--region", help="region of the export, slug or name (default: the sidecar's, else china)")
    parser.add_argument("--vintage", choices=["first", "latest"],
                        help="'latest' for a portal export of history; 'first' for a new month's release "
                             "(default: the sidecar's, else latest)")
    parser.add_argument("--source", help="publisher and release to cite (default: the sidecar's, else the portal "
                                         "and file name)")
    parser.add_argument("--out", type=Path, help="write the tidy CSV here instead of stdout")


def run(args) -> int:
    """Print the tidy rows; problems (in the export or its sidecar) one per line on stderr, exit 1."""
    import sys

    from pipeline.sources import registry
    from pipeline.common.errors import InputError

    meta, problems = read_sidecar(args.path)
    if args.region:
        try:
            meta["region"] = registry.resolve_region(args.region)
        except registry.UnknownName as exc:
            raise InputError(f"--region: {exc}", code=2) from None
    table = None
    if not problems:
        table, problems = read_portal(args.path, region=meta.get("region", "china"),
                                      vintage=args.vintage or meta.get("vintage", "latest"),
                                      source=args.source or meta.get("source"))
    if table is not None and not problems:  # the ingest stage's checks of the rows: shown here, refused there
        from pipeline.sources.validate import check_indicator_rows, check_indicator_tables, load_limits

        raw = raw_table(str(args.path), table)
        problems = check_indicator_rows(raw, load_limits()) + check_indicator_tables([raw])
    for problem in problems:
        print(problem, file=sys.stderr)
    if table is None or problems:
        return 1
    for line in unmapped_lines(args.path, table):
        print(line, file=sys.stderr)
    if args.out:
        neutralise(table.rows).to_csv(args.out, index=False, lineterminator="\n")
    else:
        neutralise(table.rows).to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0
