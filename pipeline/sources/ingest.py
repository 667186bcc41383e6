"""Stage ``ingest``: validate everything in data/raw and write typed tidy tables to data/processed.

Reads data/raw/indicators/*.csv (the raw schema), data/raw/portal/*.csv (portal exports, with an
optional FILE.meta.yaml sidecar), data/raw/releases/*.txt|*.html (NBS and MOF release texts as published,
read by ``pipeline.sources.releases``), data/raw/targets.csv (curated targets) and data/raw/targets/*.csv
(further targets in the same schema, e.g. yearbook extracts). Writes nothing when any check fails:
every problem is printed as PATH:ROW:COLUMN and the stage exits 1. Never writes to data/raw. Two files
giving one key (region, indicator, period, measure, vintage) two values is such a problem, naming both;
portal rows the indicator map does not know, and release sentences with a figure the reader could not
place, are listed on stderr and skipped; a release that cannot be read at all is a problem.

Outputs: observations.csv (one row per region, indicator, period, measure and vintage),
targets.csv (qualifier resolved to its code, wording kept) and ingest_summary.json (row counts,
a DVC metric).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pandas as pd

from pipeline.common.csvsafe import neutralise
from pipeline.sources import qualifiers, registry
from pipeline.sources.portal import raw_table, read_portal, read_sidecar, unmapped_lines
from pipeline.common.paths import (CLOSED_YEARS, OBSERVATIONS, PROCESSED, RAW_INDICATORS, RAW_PORTAL, RAW_RELEASES, RAW_TARGETS, RAW_TARGETS_DIR,
                    ROOT, TARGETS)
from pipeline.sources.releases import ReleaseError, read_release
from pipeline.sources.schema import OBSERVATION_COLUMNS, OBSERVATION_KEY, RAW_INDICATOR_COLUMNS, RAW_TARGET_COLUMNS, TARGET_COLUMNS
from pipeline.sources.validate import (Problem, RawDataError, RawTable, check_indicator_rows, check_indicator_tables,
                       check_target_rows, load_limits, read_raw_csv)

SUMMARY = PROCESSED / "ingest_summary.json"

def _display(path: Path) -> str:
    try:
        return str(Path(os.path.abspath(path)).relative_to(ROOT))  # a link is named as it is, not by its target
    except ValueError:
        return str(path)


def portal_table(path: Path, display: str | None = None) -> tuple[RawTable | None, list[Problem]]:
    """A portal export as a RawTable, with region, vintage and source from its sidecar when present.

    Rows the indicator map does not know are listed by name on stderr (skipped, not guessed).
    """
    meta, problems = read_sidecar(path)
    if problems:
        return None, problems
    table, problems = read_portal(path, region=meta.get("region", "china"), vintage=meta.get("vintage", "latest"),
                                  source=meta.get("source"))
    if table is None:
        return None, problems
    shown = display or _display(path)
    for line in unmapped_lines(shown, table):
        print(line, file=sys.stderr)
    return raw_table(shown, table), problems


RELEASE_SUFFIXES = (".txt", ".html", ".htm")
SIDECAR = ".meta.yaml"


def is_documentation(path: Path) -> bool:
    """README.* and Markdown files are documentation: never data."""
    return path.name.lower().startswith("readme") or path.suffix.lower() == ".md"


def listing(folder: Path, suffixes: tuple[str, ...], sidecars: bool = False) -> tuple[list[Path], list[Problem], list[str]]:
    """The files of ``folder`` the stage reads (suffix in ``suffixes``, any case: .CSV is .csv), and one line for
    everything else so nothing goes unseen: a sub-folder, a file of another kind, a sidecar beside no file are
    problems; documentation other than Markdown (README.txt) is a warning. Hidden files (.gitkeep) are skipped."""
    if not folder.is_dir():
        return [], [], []
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    files = [p for p in entries if p.suffix.lower() in suffixes and not p.name.lower().endswith(SIDECAR)
             and not is_documentation(p)]
    problems, warnings, names = [], [], {p.name for p in files}
    for p in entries:
        if p in files or (p.suffix.lower() == ".md" and not p.is_dir()):
            continue
        shown = _display(p)
        if p.is_dir() and not p.is_symlink():
            problems.append(Problem(shown, 0, "-", f"is a folder: {_display(folder)} reads only the files directly in "
                                    "it (move its files up, or out of data/raw)", "unseen"))
        elif sidecars and p.name.lower().endswith(SIDECAR):
            if p.name[: -len(SIDECAR)] not in names:
                problems.append(Problem(shown, 0, "-", f"sidecar of no file: {p.name[: -len(SIDECAR)]} is not among "
                                        f"the files read in {_display(folder)}", "unseen"))
        elif is_documentation(p):
            warnings.append(f"{shown}: documentation, not read")
        else:
            problems.append(Problem(shown, 0, "-", f"not read: {_display(folder)} holds {' or '.join(suffixes)} "
                                    "files only (rename it, or move it out of data/raw)", "unseen"))
    return files, problems, warnings


def release_paths(folder: Path | None = None) -> list[Path]:
    """The release texts in data/raw/releases (sidecars and the README are not releases)."""
    return listing(RAW_RELEASES if folder is None else folder, RELEASE_SUFFIXES, sidecars=True)[0]


RAW_ENTRIES = {"indicators", "portal", "releases", "reports", "targets", "targets.csv"}


def raw_inputs() -> tuple[dict[str, list[Path]], list[Problem], list[str]]:
    """Every raw file the ingest stage reads, by kind, with the problems and warnings of ``listing``; an entry of
    data/raw itself that no stage reads is a problem too (data/raw/reports is the targets stage's)."""
    found, problems, warnings = {}, [], []
    for kind, folder, suffixes, sidecars in (("indicators", RAW_INDICATORS, (".csv",), False),
                                             ("portal", RAW_PORTAL, (".csv",), True),
                                             ("releases", RAW_RELEASES, RELEASE_SUFFIXES, True),
                                             ("targets", RAW_TARGETS_DIR, (".csv",), False)):
        found[kind], p, w = listing(folder, suffixes, sidecars)
        problems, warnings = problems + p, warnings + w
    found["targets"] = [p for p in [RAW_TARGETS] if p.exists() or p.is_symlink()] + found["targets"]
    raw = RAW_TARGETS.parent
    for p in sorted(raw.iterdir()) if raw.is_dir() else []:
        if not p.name.startswith(".") and p.name not in RAW_ENTRIES and not is_documentation(p):
            problems.append(Problem(_display(p), 0, "-", "not read: data/raw holds indicators/, portal/, releases/, "
                                    "reports/, targets/ and targets.csv", "unseen"))
    return found, problems, warnings


def release_table(path: Path) -> tuple[RawTable | None, list[Problem]]:
    """A release text as a RawTable (rows keyed by the line each figure is on); unplaced sentences on stderr."""
    shown = _display(path)
    try:
        rows, unplaced = read_release(path, display=shown)
    except ReleaseError as exc:
        return None, [Problem(shown, 0, "-", exc.reason, "release")]
    for item in unplaced:
        print(f"{shown}:{item.line}:-: unplaced, not read: {item.reason}: {item.sentence[:100]}", file=sys.stderr)
    return RawTable(shown, RAW_INDICATOR_COLUMNS, [{c: str(r[c]) for c in RAW_INDICATOR_COLUMNS} for r in rows],
                    [int(r["line"]) for r in rows]), []


def load_raw(indicator_paths: list[Path], portal_paths: list[Path], target_paths: list[Path],
             limits: dict[str, float], releases: list[Path] = ()) -> tuple[list[RawTable], list[RawTable]]:
    """Read and check every raw file; RawDataError with all problems when anything is wrong.

    Releases are merged after the indicator files and portal exports, key by key like them: a key they
    give with another value is a conflicting duplicate naming both files.
    """
    problems: list[Problem] = []
    tables: list[RawTable] = []
    for path in indicator_paths:
        table, found = read_raw_csv(path, RAW_INDICATOR_COLUMNS)
        if table:
            table.path = _display(path)
        problems += [Problem(_display(path), p.row, p.column, p.message, p.check) for p in found]
        if table:
            tables.append(table)
    for path in portal_paths:
        table, found = portal_table(path)
        problems += found
        if table:
            tables.append(table)
    for path in releases:
        table, found = release_table(path)
        problems += found
        if table:
            tables.append(table)
    for table in tables:
        problems += check_indicator_rows(table, limits)
    problems += check_indicator_tables(tables)
    targets, seen = [], {}
    for path in target_paths:
        table, found = read_raw_csv(path, RAW_TARGET_COLUMNS)
        problems += [Problem(_display(path), p.row, p.column, p.message, p.check) for p in found]
        if table:
            table.path = _display(path)
            problems += check_target_rows(table, seen, limits)
            targets.append(table)
    if problems:
        raise RawDataError(problems)
    return tables, targets


def months_covered(indicator: str, measure: str, year: int, month: int) -> int:
    """How many months a value spans: YTD = 1..month; single periods are a month, a quarter, or Jan-Feb."""
    ind = registry.indicator(indicator)
    if measure.startswith("ytd_"):
        return month
    if ind.frequency == "quarterly":
        return 3
    if month == 2 and ind.jan_feb_combined_from and year >= ind.jan_feb_combined_from:
        return 2
    return 1


CLOSING_SERIES = ("gdp", "industrial_va", "retail_sales", "fai", "fiscal_revenue")


def closed_years(obs: pd.DataFrame) -> pd.DataFrame:
    """Observations of the years up to the last one whose December is in the data for every national series of
    ``CLOSING_SERIES`` (first release): a new month changes this table only when it closes a year."""
    dec = obs[(obs.region == "china") & (obs.month == 12) & (obs.measure == "ytd_growth_pct") & (obs.vintage == "first")]
    last = min((dec[dec.indicator == i].year.max() for i in CLOSING_SERIES), default=None)
    if last is None or pd.isna(last):
        return obs.iloc[0:0]
    return obs[obs.year <= int(last)].reset_index(drop=True)


def build_observations(tables: list[RawTable]) -> pd.DataFrame:
    """Typed, de-duplicated observations (identical duplicates keep the first file's row), sorted by key."""
    records = []
    for table in tables:
        for row, line in zip(table.rows, table.lines):
            year, month = int(row["period"][:4]), int(row["period"][5:7])
            records.append(dict(row, value=float(row["value"]), year=year, month=month,
                                months_covered=months_covered(row["indicator"], row["measure"], year, month),
                                raw_file=table.path, raw_row=line))
    obs = pd.DataFrame.from_records(records, columns=OBSERVATION_COLUMNS)
    obs = obs.drop_duplicates(subset=OBSERVATION_KEY, keep="first")
    obs = obs.sort_values(OBSERVATION_KEY, kind="stable").reset_index(drop=True)
    return obs.astype({"year": "int64", "month": "int64", "months_covered": "int64", "raw_row": "int64",
                       "value": "float64"})


def build_targets(tables: list[RawTable]) -> pd.DataFrame:
    """Targets with the qualifier as a code and its wording kept beside it."""
    records = []
    for row in (row for table in tables for row in table.rows):
        code = qualifiers.normalize(row["qualifier"])
        wording = row["qualifier"] if row["qualifier"] not in qualifiers.CODES else qualifiers.DEFAULT_WORDING[code]
        records.append(dict(row, qualifier=code, wording=wording, year=int(row["year"]),
                            target_pct=float(row["target_pct"]) if row["target_pct"] else float("nan"),
                            target_high_pct=float(row["target_high_pct"]) if row["target_high_pct"] else float("nan")))
    out = pd.DataFrame.from_records(records, columns=TARGET_COLUMNS)
    return out.sort_values(["region", "year", "indicator"], kind="stable").reset_index(drop=True)


def summarize(obs: pd.DataFrame, targets: pd.DataFrame) -> dict:
    """Row counts worth watching from month to month (a DVC metric)."""
    return {
        "observations": int(len(obs)),
        "targets": int(len(targets)),
        "regions_with_observations": int(obs.region.nunique()),
        "by_indicator": {i: int(n) for i, n in obs.groupby("indicator").size().items()},
        "by_vintage": {v: int(n) for v, n in obs.groupby("vintage").size().items()},
        "seed_regions": {r: int(n) for r, n in obs.groupby("region").size().items()
                         if r in {"china", "hunan", "changsha", "xiangjiang", "yuelu"}},
    }


def write_csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    neutralise(df).to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def main() -> int:
    found, unseen, warnings = raw_inputs()
    for line in warnings:
        print(line, file=sys.stderr)
    try:
        if unseen:
            raise RawDataError(unseen)
        tables, targets = load_raw(found["indicators"], found["portal"], found["targets"], load_limits(),
                                   found["releases"])
    except RawDataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"ingest: {len(exc.problems)} problem(s) in data/raw; nothing written", file=sys.stderr)
        return 1
    obs, tgt = build_observations(tables), build_targets(targets)
    write_csv(obs, OBSERVATIONS)
    # without the row numbers: a month added inside a file must not change the closed years' table
    write_csv(closed_years(obs).drop(columns=["raw_row"]), CLOSED_YEARS)
    write_csv(tgt, TARGETS)
    SUMMARY.write_text(json.dumps(summarize(obs, tgt), indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                       encoding="utf-8")
    print(f"ingest: {len(obs)} observations from {len(tables)} file(s), {len(tgt)} targets")
    return 0


def add_arguments(parser) -> None:
    """The stage takes no arguments: inputs and outputs are fixed so DVC can track them."""


def run(args) -> int:
    return main()
