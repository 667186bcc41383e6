"""Named checks on raw files; every problem names the file, the line and the column.

``python -m pipeline validate PATH...`` (pipeline/sources/check.py) runs them on any raw file (indicator or target schema,
told apart by the header) and exits 1 with one ``PATH:ROW:COLUMN: message`` line per problem.
The ingest stage runs the same checks and refuses to write anything when a problem is found.
ROW is the 1-based line number in the file (1 is the header); COLUMN is ``-`` for whole-row or
whole-file problems. A file that cannot be read at all (missing, a directory, a dangling link) is
``PATH: message``. Numbers must be written as releases print them (see ``plain_number``), periods in
ASCII digits from 1949 to a year ahead; the plausible ranges come from params.yaml ``ingest``.
"""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path


from pipeline.sources import qualifiers, registry
from pipeline.common import safeio, yamlio
from pipeline.common.paths import PARAMS
from pipeline.sources.schema import (GROWTH_MEASURES, GROWTH_UNIT, LEVEL_MEASURES, LEVEL_UNITS, MEASURES, RAW_INDICATOR_COLUMNS,
                     RAW_TARGET_COLUMNS, VINTAGES)

DEFAULT_LIMITS = {
    "growth_pct_min": -60.0, "growth_pct_max": 150.0,
    "target_pct_min": -20.0, "target_pct_max": 80.0,
    "level_max_cny_100m": 1.0e7, "level_max_cny_10k": 1.0e11, "level_max_cny": 1.0e15,
    "level_max_usd_100m": 2.0e6, "level_max_count": 1.0e10, "level_max_persons_10k": 2.0e5,
}
FIRST_YEAR = 1949  # no statistics of the People's Republic before it
_PERIOD = re.compile(r"^([0-9]{4})-([0-9]{2})$")
# A number as statistics are written: digits 0-9, an optional sign and decimal point. Python's float()
# also takes 6_1, 1e308, inf, nan and full-width digits, which no release prints: those are typos.
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
MAX_SIDECAR_BYTES = safeio.LIMITS["sidecar"]


@dataclass(frozen=True)
class Problem:
    path: str
    row: int
    column: str
    message: str
    check: str

    def __str__(self) -> str:
        if self.row == 0:  # a whole-file problem (missing, a directory ...): no row to name
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.row}:{self.column}: {self.message}"


class RawDataError(ValueError):
    """Raised by loaders when raw files fail their checks; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


@dataclass
class RawTable:
    """A raw CSV read as text: rows are dicts of strings, ``lines`` the 1-based line each row starts on."""
    path: str
    columns: list[str]
    rows: list[dict[str, str]]
    lines: list[int]


def load_limits(params_path: Path = PARAMS) -> dict[str, float]:
    """Plausible-growth limits from params.yaml (section ``ingest``), defaults when absent."""
    limits = dict(DEFAULT_LIMITS)
    if params_path.exists():
        section = (yamlio.load_file(params_path) or {}).get("ingest", {}) or {}
        limits.update({k: float(v) for k, v in section.items() if k in DEFAULT_LIMITS})
    return limits


def read_file_bytes(path: Path | str, kind: str = "text") -> tuple[bytes | None, list[Problem]]:
    """The file's bytes through ``pipeline.common.safeio``, or the one problem that stops it being read (missing, a directory,
    a dangling link, a link out of the repository, a FIFO or device, more than the size a ``kind`` may be)."""
    p, f = str(path), Path(path)
    if f.is_symlink() and not f.exists():
        return None, [Problem(p, 0, "-", f"dangling symbolic link (its target {str(f.readlink())!r} does not exist)",
                              "exists")]
    if not f.exists():
        return None, [Problem(p, 0, "-", "no such file", "exists")]
    if f.is_dir():
        return None, [Problem(p, 0, "-", "is a directory, not a file", "exists")]
    try:
        return safeio.read_bytes(f, kind), []
    except safeio.FileRefused as exc:
        return None, [Problem(p, 0, "-", exc.reason, "exists")]


def decode_text(p: str, data: bytes, hint: str = "") -> tuple[str | None, list[Problem]]:
    """UTF-8 text (BOM allowed); UTF-16, binary and truncated files each get their own message."""
    def fail(row: int, message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(p, row, "-", message, "encoding")]

    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return fail(1, "file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8")
    if b"\x00" in data:
        even, odd = data[0::2].count(0), data[1::2].count(0)
        if max(even, odd) > 0.3 * (len(data) / 2) and min(even, odd) == 0:
            return fail(1, "file looks like UTF-16 without a byte-order mark (every other byte is 0); save it as UTF-8")
        at = data.index(b"\x00")
        return fail(data[:at].count(b"\n") + 1, f"binary file (a NUL byte at offset {at}), not CSV text")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if exc.end == len(data) and exc.reason == "unexpected end of data":
            return fail(line, "file ends in the middle of a UTF-8 character: it was cut off (copy or download it again)")
        return fail(line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8{hint}")


def read_raw_csv(path: Path | str, expected: list[str]) -> tuple[RawTable | None, list[Problem]]:
    """Read a raw CSV as text, checking the file, its encoding, emptiness, quoting, header and field counts."""
    p = str(path)
    data, problems = read_file_bytes(path)
    if data is None:
        return None, problems
    if not data.strip():
        return None, [Problem(p, 1, "-", "file is empty: expected a header line " + ",".join(expected), "empty-file")]
    text, problems = decode_text(p, data, " (a GBK portal export can be converted with `python -m pipeline "
                                          "import-portal`)")
    if text is None:
        return None, problems
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        return None, [Problem(p, 1, "-", f"unreadable CSV header: {exc}", "csv-syntax")]
    header = [h.strip() for h in header]
    problems = []
    for col in expected:
        if col not in header:
            problems.append(Problem(p, 1, col, f"missing column {col!r}; the header must be {','.join(expected)}",
                                    "header"))
    for col in header:
        if col not in expected:
            problems.append(Problem(p, 1, col or "-", f"unexpected column {col!r}; the header must be "
                                    f"{','.join(expected)}", "header"))
    if not problems and header != expected:
        problems.append(Problem(p, 1, "-", f"columns out of order; the header must be {','.join(expected)}", "header"))
    if problems:
        return None, problems
    rows, lines, start = [], [], reader.line_num + 1
    try:
        for fields in reader:
            if fields and any(f.strip() for f in fields):
                if len(fields) != len(header):
                    problems.append(Problem(p, start, "-", f"row has {len(fields)} fields, the header has "
                                            f"{len(header)}", "field-count"))
                else:
                    rows.append(dict(zip(header, (f.strip() for f in fields))))
                    lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            problems.append(Problem(p, start, "-", 'a quote (") opens a field on this row and is never closed, so '
                                    "every following row would be read into it", "csv-syntax"))
        else:
            problems.append(Problem(p, start, "-", f"CSV syntax error: {exc}", "csv-syntax"))
    if not rows and not problems:
        problems.append(Problem(p, 2, "-", "file has a header but no data rows", "empty-file"))
    return RawTable(p, header, rows, lines), problems


def plain_number(text: str) -> float | None:
    """A plainly written finite number, else None (see _PLAIN_NUMBER)."""
    if not _PLAIN_NUMBER.match(text):
        return None
    x = float(text)
    return x if math.isfinite(x) else None


def number_problem(name: str, text: str) -> str:
    """Why ``text`` is not a number: Python-only spellings get their own message."""
    try:
        float(text)
    except ValueError:
        return f"{name} {text!r} is not a number"
    return (f"{name} {text!r} is not written as a plain number (digits 0-9 with an optional sign and decimal "
            "point; no _, exponent, inf or nan)")


def period_problem(text: str, today: date | None = None) -> str | None:
    """Why ``text`` is not a usable YYYY-MM period (format, non-ASCII digits, month, before 1949, future)."""
    m = _PERIOD.match(text)
    if not m:
        if any(c.isdigit() and not c.isascii() for c in text):
            return f"period {text!r} has non-ASCII (e.g. full-width) digits; write YYYY-MM with 0-9"
        return f"period {text!r} is not YYYY-MM (the last month of the span)"
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return f"period {text!r}: month {month} is not a month (01-12)"
    if year < FIRST_YEAR:
        return f"period {text!r} is before {FIRST_YEAR}"
    today = today or date.today()
    if year * 12 + month > today.year * 12 + today.month + 12:
        return f"period {text!r} is more than a year after today"
    return None


def check_indicator_rows(table: RawTable, limits: dict[str, float] | None = None) -> list[Problem]:
    """Row-by-row checks of the indicator schema (registry slugs, period, value, unit, vintage, source)."""
    limits = limits or DEFAULT_LIMITS
    regions, indicators = registry.regions(), registry.indicators()
    out: list[Problem] = []
    for row, line in zip(table.rows, table.lines):
        def bad(column: str, message: str, check: str, line: int = line) -> None:
            out.append(Problem(table.path, line, column, message, check))

        if row["region"] not in regions:
            bad("region", f"unknown region {row['region']!r} (slugs are listed in pipeline/sources/registries/regions.csv)",
                "known-region")
        ind = indicators.get(row["indicator"])
        if ind is None:
            bad("indicator", f"unknown indicator {row['indicator']!r} (slugs are listed in "
                "pipeline/sources/registries/indicators.csv)", "known-indicator")
        if row["measure"] not in MEASURES:
            bad("measure", f"unknown measure {row['measure']!r}; one of {', '.join(MEASURES)}", "known-measure")
        year = month = None
        why = period_problem(row["period"])
        if why:
            bad("period", why, "period-format")
        else:
            year, month = int(row["period"][:4]), int(row["period"][5:7])
        value = plain_number(row["value"])
        if row["value"] == "":
            bad("value", "value is empty (leave the row out when the figure is missing)", "numeric-value")
        elif value is None:
            bad("value", number_problem("value", row["value"]), "numeric-value")
        if row["measure"] in GROWTH_MEASURES and row["unit"] != GROWTH_UNIT:
            bad("unit", f"unit {row['unit']!r} for a growth measure; growth is in '{GROWTH_UNIT}'", "unit")
        if row["measure"] in LEVEL_MEASURES and row["unit"] not in LEVEL_UNITS:
            bad("unit", f"unit {row['unit']!r} for a level; one of {', '.join(sorted(LEVEL_UNITS))}", "unit")
        if row["vintage"] not in VINTAGES:
            bad("vintage", f"vintage {row['vintage']!r}; one of {', '.join(VINTAGES)}", "vintage")
        if not row["source"]:
            bad("source", "source is empty: every figure cites its publisher and release", "provenance")
        if ind is not None and month is not None:
            if ind.frequency == "annual" and month != 12:
                bad("period", f"{ind.slug} is annual: period month must be 12, not {month:02d}", "annual-period")
            if ind.frequency == "quarterly" and month % 3:
                bad("period", f"{ind.slug} is quarterly: period month must be 03, 06, 09 or 12, not {month:02d}",
                    "quarter-end")
            if (ind.frequency == "monthly" and month == 1 and ind.jan_feb_combined_from
                    and year >= ind.jan_feb_combined_from):
                bad("period", f"{ind.slug} is not released for January alone since {ind.jan_feb_combined_from}: "
                    f"the first release covers January-February, give it as period {year}-02", "jan-feb-combined")
        if value is not None and row["measure"] in GROWTH_MEASURES:
            if not limits["growth_pct_min"] <= value <= limits["growth_pct_max"]:
                bad("value", f"growth {value:.15g}% is outside the plausible range "
                    f"[{limits['growth_pct_min']:.15g}, {limits['growth_pct_max']:.15g}] (params.yaml ingest)",
                    "plausible-growth")
        if value is not None and row["measure"] in LEVEL_MEASURES:
            top = limits.get(f"level_max_{row['unit']}")
            if value < 0:
                bad("value", f"level {value:.15g} is negative", "plausible-level")
            elif top is not None and value > top:
                bad("value", f"level {value:.12g} {row['unit']} is above the plausible maximum {top:.12g} "
                    f"(params.yaml ingest level_max_{row['unit']})", "plausible-level")
    return out


def _decimals(text: str) -> int:
    text = text.strip()
    return len(text.split(".", 1)[1]) if "." in text else 0


def same_figure(a: str, b: str, measure: str) -> bool:
    """Do two printed values state the same figure? Growth must match exactly; a level printed to fewer digits
    (a release's 40454亿元 beside a table's 40453.9) agrees when it is the other rounded to its precision."""
    x, y = plain_number(a), plain_number(b)
    if x == y:
        return True
    if measure not in LEVEL_MEASURES or x is None or y is None:
        return False
    return abs(x - y) <= 0.5 * 10.0 ** -min(_decimals(a), _decimals(b)) + 1e-9 * max(abs(x), abs(y))


def check_indicator_tables(tables: list[RawTable]) -> list[Problem]:
    """Checks across rows and files: conflicting duplicates and year-to-date levels that fall."""
    out: list[Problem] = []
    seen: dict[tuple, tuple[str, int, float]] = {}
    levels: dict[tuple, list[tuple[int, float, str, int]]] = {}
    for table in tables:
        for row, line in zip(table.rows, table.lines):
            value = plain_number(row["value"])
            m = _PERIOD.match(row["period"])
            if value is None or not m:
                continue
            key = (row["region"], row["indicator"], row["period"], row["measure"], row["vintage"])
            if key in seen and not same_figure(seen[key][3], row["value"], row["measure"]):
                other_path, other_line, other_value, _ = seen[key]
                where = f"line {other_line}" if other_path == table.path else f"{other_path}:{other_line}"
                out.append(Problem(table.path, line, "value", f"conflicting duplicate: {'/'.join(key)} is "
                                   f"{value:.15g} here but {other_value:.15g} at {where}", "conflicting-duplicate"))
            seen.setdefault(key, (table.path, line, value, row["value"]))
            if row["measure"] == "ytd_level":
                year_key = (row["region"], row["indicator"], row["vintage"], row["unit"], int(m.group(1)))
                levels.setdefault(year_key, []).append((int(m.group(2)), value, table.path, line))
    for (region, ind, _, _, year), points in levels.items():
        points.sort()
        for (m0, v0, _, l0), (m1, v1, p1, l1) in zip(points, points[1:]):
            if m1 > m0 and v1 < v0:
                out.append(Problem(p1, l1, "value", f"year-to-date level falls within {year}: {region}/{ind} is "
                                   f"{v1:.15g} in month {m1:02d} after {v0:.15g} in month {m0:02d} (line {l0})",
                                   "ytd-level-monotone"))
    return out


def check_target_rows(table: RawTable, seen: dict[tuple, tuple[str, int]] | None = None,
                      limits: dict[str, float] | None = None) -> list[Problem]:
    """Well-formed targets: known slugs, a year, a qualifier with the numbers its meaning needs.

    ``seen`` carries (region, year, indicator) -> (file, line) across files, so a target given twice is found.
    """
    limits = limits or DEFAULT_LIMITS
    regions, indicators = registry.regions(), registry.indicators()
    out: list[Problem] = []
    seen = {} if seen is None else seen
    for row, line in zip(table.rows, table.lines):
        def bad(column: str, message: str, check: str = "target-form", line: int = line) -> None:
            out.append(Problem(table.path, line, column, message, check))

        if row["region"] not in regions:
            bad("region", f"unknown region {row['region']!r} (see pipeline/sources/registries/regions.csv)", "known-region")
        if row["indicator"] not in indicators:
            bad("indicator", f"unknown indicator {row['indicator']!r} (see pipeline/sources/registries/indicators.csv)",
                "known-indicator")
        if not re.fullmatch(r"\d{4}", row["year"]) or not 1950 <= int(row["year"]) <= 2100:
            bad("year", f"year {row['year']!r} is not a four-digit year")
        try:
            code = qualifiers.normalize(row["qualifier"])
        except ValueError as exc:
            bad("qualifier", str(exc), "known-qualifier")
            code = None
        low, high = plain_number(row["target_pct"]), plain_number(row["target_high_pct"])
        if row["target_pct"] and low is None:
            bad("target_pct", number_problem("target_pct", row["target_pct"]))
        if row["target_high_pct"] and high is None:
            bad("target_high_pct", number_problem("target_high_pct", row["target_high_pct"]))
        lo_lim, hi_lim = limits["target_pct_min"], limits["target_pct_max"]
        for column, x in (("target_pct", low), ("target_high_pct", high)):
            if x is not None and not lo_lim <= x <= hi_lim:
                bad(column, f"target {x:.15g}% is outside the plausible range [{lo_lim:.15g}, {hi_lim:.15g}] "
                    "(params.yaml ingest target_pct_min/max)", "plausible-target")
        if code is not None:
            if code not in qualifiers.NO_NUMBER and not row["target_pct"]:
                bad("target_pct", f"target_pct is empty but qualifier {code!r} needs a number")
            if code == "range":
                if not row["target_high_pct"]:
                    bad("target_high_pct", "a range target needs target_high_pct (the upper end)")
                elif low is not None and high is not None and high <= low:
                    bad("target_high_pct", f"upper end {high:.15g} is not above the lower end {low:.15g}")
            elif row["target_high_pct"]:
                bad("target_high_pct", f"target_high_pct is only for range targets, not {code!r}")
            if code in qualifiers.RELATIVE:
                if row["relative_to"] not in indicators:
                    bad("relative_to", f"qualifier {code!r} needs relative_to, an indicator slug "
                        f"(e.g. gdp), not {row['relative_to']!r}")
            elif row["relative_to"]:
                bad("relative_to", f"relative_to is only for relative targets (above, in_step), not {code!r}")
        if not row["source"]:
            bad("source", "source is empty: every target cites the report it comes from", "provenance")
        key = (row["region"], row["year"], row["indicator"])
        if key in seen:
            other_path, other_line = seen[key]
            where = f"line {other_line}" if other_path == table.path else f"{other_path}:{other_line}"
            bad("indicator", f"duplicate target for {'/'.join(key)} (first at {where})", "conflicting-duplicate")
        seen.setdefault(key, (table.path, line))
    return out


def sniff_kind(path: Path | str) -> str:
    """'targets' when the header is the target schema, else 'indicators'."""
    data, problems = read_file_bytes(path)
    if data is None:  # read_raw_csv names the problem
        return "indicators"
    first = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    return "targets" if "target_pct" in first else "indicators"


def validate_paths(paths: list[Path | str], limits: dict[str, float] | None = None, portal=None
                   ) -> tuple[list[Problem], list[RawTable], list[RawTable]]:
    """All checks on the given files: (problems, indicator tables, target tables).

    ``portal``: (is_portal_export, read_portal_table) from the ingest layer, so that a statistics-portal export is
    read as ingest reads it (this module cannot import ingest, which imports it): ``pipeline.sources.check``.
    """
    problems: list[Problem] = []
    ind_tables, target_tables = [], []
    seen_targets: dict[tuple, tuple[str, int]] = {}
    for path in paths:
        if portal is not None and portal[0](path):
            table, found = portal[1](Path(path))
            problems += found
            if table:
                problems += check_indicator_rows(table, limits)
                ind_tables.append(table)
        elif sniff_kind(path) == "targets":
            table, found = read_raw_csv(path, RAW_TARGET_COLUMNS)
            problems += found
            if table:
                problems += check_target_rows(table, seen_targets, limits)
                target_tables.append(table)
        else:
            table, found = read_raw_csv(path, RAW_INDICATOR_COLUMNS)
            problems += found
            if table:
                problems += check_indicator_rows(table, limits)
                ind_tables.append(table)
    problems += check_indicator_tables(ind_tables)
    return problems, ind_tables, target_tables
