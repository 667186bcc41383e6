"""Read a statistics data-portal export (indicators as rows, periods as columns) into tidy raw rows.

Two layouts. National: indicators as rows. Provincial: regions as rows (header ``地区``/``Region``),
one indicator per file, named in a header line (``指标：地区生产总值指数(上年=100)`` or
``Indicators：...``); region names become slugs through the registry (Chinese or English names).

The portal's layout: a few header lines (``Database：Quarterly``, ``Time：...`` or 数据库/时间), a
table whose first column names the indicator and whose other columns are periods (``4Q 2023``,
``2024年9月``, ``2024年第三季度``, ``Sep 2024``, ``2024``), cells separated by a tab and a comma (or
either alone), and notes below (``Note：``, ``注：``, ``Data Sources：``, ``数据来源：``). Files come
as UTF-8 with a BOM or as GBK. Indicator rows are mapped to slugs by
``pipeline/registries/portal_indicators.csv``; index rows (preceding year = 100) become growth in %.
Rows the map does not know are reported, not guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..paths import REGISTRIES
from ..schema import RAW_INDICATOR_COLUMNS
from ..validate import Problem

_MONTHS_EN = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_QUARTER_ZH = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_NOTE = re.compile(r"^\s*(Note|注|Data Sources?|数据来源|Source)\s*[：:]", re.I)
_HEADER_FIRST = {"indicators", "indicator", "指标", "地区", "region", "regions"}
_REGION_HEADER = {"地区", "region", "regions"}
_INDICATOR_LINE = re.compile(r"^\s*(指标|Indicators?)\s*[：:]\s*(.+?)\s*$", re.I)


def _region_slug(name: str) -> str | None:
    """Registry slug for a region name as the portal prints it (Chinese, or English like 'Inner Mongolia')."""
    from .. import registry

    slug = registry.region_by_name(name)
    if slug:
        return slug
    key = name.strip().lower()
    return next((r.slug for r in registry.regions().values() if r.name_en and r.name_en.lower() == key), None)


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
    text = decode(Path(path).read_bytes())
    lines = text.splitlines()
    header_idx = next((i for i, ln in enumerate(lines) if _cells(ln) and _cells(ln)[0].lower() in _HEADER_FIRST), None)
    if header_idx is None:
        return None, [Problem(p, 1, "-", "no table header found (a line starting with Indicators or 指标)",
                              "portal-header")]
    labels = _cells(lines[header_idx])[1:]
    periods = [parse_period(lb) for lb in labels]
    problems = [Problem(p, header_idx + 1, lb, f"column {lb!r} is not a period this importer knows", "portal-period")
                for lb, per in zip(labels, periods) if per is None]
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
        try:
            value = round(float(cell) + offset, 6)
        except ValueError:
            problems.append(Problem(p, line, label, f"cell {cell!r} is not a number", "numeric-value"))
            continue
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
                              f"indicator {name!r} is not in pipeline/registries/portal_indicators.csv",
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
    parser.add_argument("--region", default="china", help="region slug of the export (default china)")
    parser.add_argument("--vintage", default="latest", choices=["first", "latest"],
                        help="'latest' for a portal export of history; 'first' for a new month's release")
    parser.add_argument("--source", help="publisher and release to cite (default: the portal and file name)")
    parser.add_argument("--out", type=Path, help="write the tidy CSV here instead of stdout")


def run(args) -> int:
    import sys

    table, problems = read_portal(args.path, region=args.region, vintage=args.vintage, source=args.source)
    for problem in problems:
        print(problem, file=sys.stderr)
    if table is None or problems:
        return 1
    for line, name in table.unmapped:
        print(f"{args.path}:{line}:-: skipped row {name!r} (not in pipeline/registries/portal_indicators.csv)",
              file=sys.stderr)
    if args.out:
        table.rows.to_csv(args.out, index=False, lineterminator="\n")
    else:
        table.rows.to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0
