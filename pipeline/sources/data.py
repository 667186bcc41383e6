"""Loading the processed tables for analysis: observations as of a month, and targets.

Stages and notebooks read through here, so the as-of cut (no look-ahead), the adding of user files
to the embedded data (key by key, never replacing what the file does not give) and the merge of
curated and parsed targets live in one place. A series' vintage rule (first release preferred) is
``forecasters.history_from_observations``.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.sources import ingest, qualifiers
from pipeline.common.paths import OBSERVATIONS, PROCESSED, RAW_INDICATORS, RAW_PORTAL, RAW_TARGETS, RAW_TARGETS_DIR, TARGETS
from pipeline.sources.schema import OBSERVATION_KEY, RAW_TARGET_COLUMNS, TARGET_COLUMNS
from pipeline.sources.validate import (Problem, RawDataError, RawTable, check_target_rows, decode_text, load_limits, read_file_bytes,
                       read_raw_csv)

TARGET_REGISTRY = PROCESSED / "target_registry.csv"
TARGET_KEY = ["region", "year", "indicator"]



def period_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def parse_as_of(text: str) -> tuple[int, int]:
    """'2024-09' -> (2024, 9); ValueError with the expected form otherwise."""
    try:
        year, month = int(text[:4]), int(text[5:7])
        if len(text) != 7 or text[4] != "-" or not 1 <= month <= 12:
            raise ValueError
    except ValueError:
        raise ValueError(f"as-of {text!r} is not YYYY-MM") from None
    return year, month


def read_observations(path: Path) -> pd.DataFrame:
    """An observations table the pipeline wrote (``observations.csv`` or an entry's cut)."""
    return pd.read_csv(path, keep_default_na=False, na_values={"value": [""]})


def embedded_observations() -> pd.DataFrame:
    """The ingest stage's table; rebuilt in memory from data/raw when the stage has not run."""
    if OBSERVATIONS.exists():
        return pd.read_csv(OBSERVATIONS, keep_default_na=False, na_values={"value": [""]})
    found, unseen, _ = ingest.raw_inputs()
    if unseen:
        raise RawDataError(unseen)
    tables, _ = ingest.load_raw(found["indicators"], found["portal"], [], load_limits(), found["releases"])
    return ingest.build_observations(tables)


def observations_from_files(paths: list[Path]) -> pd.DataFrame:
    """User files in the raw schema, validated exactly like data/raw (RawDataError lists every problem)."""
    tables, _ = ingest.load_raw([Path(p) for p in paths], [], [], load_limits())
    return ingest.build_observations(tables)


def add_observations(base: pd.DataFrame, new: pd.DataFrame, prefer_file: bool = False) -> pd.DataFrame:
    """``base`` plus the rows of ``new``, key by key (region, indicator, period, measure, vintage).

    A key ``new`` gives with the same value changes nothing; with a different value it is a conflict:
    RawDataError naming the file, row and both values, unless ``prefer_file`` (then the file's value wins).
    Keys ``new`` does not give are kept: a file with one month never loses the history.
    """
    if new.empty:
        return base
    old = base.set_index(OBSERVATION_KEY)
    old = old[~old.index.duplicated(keep="first")]
    keys = pd.MultiIndex.from_frame(new[OBSERVATION_KEY])
    known = keys.isin(old.index)
    old_values = old.value.reindex(keys).to_numpy()
    differs = known & ~np.isclose(new.value.to_numpy(dtype=float), old_values.astype(float), rtol=0, atol=1e-9)
    if differs.any() and not prefer_file:
        problems = []
        for i in np.flatnonzero(differs):
            row, was = new.iloc[i], old.loc[tuple(new.iloc[i][OBSERVATION_KEY])]
            problems.append(Problem(str(row.raw_file), int(row.raw_row), "value",
                                    f"{'/'.join(map(str, row[OBSERVATION_KEY]))} is {row.value:g} in this file but "
                                    f"{was.value:g} in the embedded data ({was.raw_file}:{int(was.raw_row)}); pass "
                                    "--prefer-file to use the file's value", "embedded-conflict"))
        raise RawDataError(problems)
    replace = old.index.isin(keys[differs]) if differs.any() else np.zeros(len(old), dtype=bool)
    out = pd.concat([old[~replace].reset_index(), new[~known | differs].reindex(columns=base.columns)],
                    ignore_index=True)[base.columns]
    out = out.astype(base.dtypes.to_dict())
    return out.sort_values(OBSERVATION_KEY, kind="stable").reset_index(drop=True)


def cut_as_of(obs: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    """Only what was published for periods up to the as-of month (no look-ahead)."""
    return obs[obs.year * 12 + obs.month - 1 <= period_index(year, month)].reset_index(drop=True)


def closed_year_observations() -> pd.DataFrame:
    """The ingest stage's closed-years table when it has run, else the same from the observations in memory."""
    from pipeline.common.paths import CLOSED_YEARS

    if CLOSED_YEARS.exists():
        return pd.read_csv(CLOSED_YEARS, keep_default_na=False, na_values={"value": [""]})
    return ingest.closed_years(embedded_observations()).drop(columns=["raw_row"], errors="ignore")


def load_observations(indicator_paths: list[Path] | None = None, as_of: tuple[int, int] | None = None,
                      prefer_file: bool = False) -> pd.DataFrame:
    """The embedded observations plus the user's files (``add_observations``), cut at ``as_of``."""
    obs = embedded_observations()
    if indicator_paths:
        obs = add_observations(obs, observations_from_files(indicator_paths), prefer_file)
    return cut_as_of(obs, *as_of) if as_of else obs


def registry_main_targets(path: Path = TARGET_REGISTRY) -> pd.DataFrame:
    """Main growth targets the report parser found (targets stage), in the processed targets layout."""
    if not path.exists():
        return pd.DataFrame(columns=TARGET_COLUMNS)
    reg = pd.read_csv(path, keep_default_na=False, na_values={"target_pct": [""], "target_high_pct": [""]})
    reg = reg[(reg.main.astype(str) == "True") & (reg.indicator != "") & (reg.origin == "report")
              & (reg.target_pct.notna() | reg.qualifier.isin(sorted(qualifiers.NO_NUMBER)))]
    out = reg.assign(year=reg.year.astype("int64"), text=reg.quote if "quote" in reg else "",
                     source=reg.source if "source" in reg else "work report")
    return out.reindex(columns=TARGET_COLUMNS)


def _default_targets() -> pd.DataFrame:
    """The curated targets, plus the main targets the report parser found for region-years and indicators the
    curated table does not have (curated rows win, as in the targets stage)."""
    if TARGETS.exists():
        t = pd.read_csv(TARGETS, keep_default_na=False, na_values={"target_pct": [""], "target_high_pct": [""]})
        t = t.astype({"year": "int64", "target_pct": "float64", "target_high_pct": "float64"})
        extra = registry_main_targets()
        if not extra.empty:
            known = set(zip(t.region, t.year, t.indicator))
            extra = extra[[k not in known for k in zip(extra.region, extra.year, extra.indicator)]]
            t = pd.concat([t, extra.astype(t.dtypes.to_dict())], ignore_index=True)
        return t
    found, unseen, _ = ingest.raw_inputs()
    if unseen:
        raise RawDataError(unseen)
    _, tables = ingest.load_raw([], [], found["targets"], load_limits())
    return ingest.build_targets(tables)


OUTPUT_MARKERS = {"label", "main", "quote"}  # columns only the `targets` command's output has


def _targets_output_table(path: str, text: str) -> RawTable:
    """The `targets` command's output as raw-schema rows: its main targets with an indicator slug, first per key."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows, lines, seen, start = [], [], set(), 2
    for rec in reader:
        rec = {k: (v or "").strip() for k, v in rec.items() if k is not None}
        number_needed = rec.get("qualifier", "") not in qualifiers.NO_NUMBER
        if (rec.get("main", "True") == "True" and rec.get("indicator") and not (number_needed and not rec.get("target_pct"))
                and (rec.get("region"), rec.get("year"), rec["indicator"]) not in seen):
            seen.add((rec.get("region"), rec.get("year"), rec["indicator"]))
            rows.append({"region": rec.get("region", ""), "year": rec.get("year", "").removesuffix(".0"),
                         "indicator": rec["indicator"], "target_pct": rec.get("target_pct", ""),
                         "target_high_pct": rec.get("target_high_pct", ""), "qualifier": rec.get("qualifier", ""),
                         "relative_to": rec.get("relative_to", ""),
                         "source": rec.get("source") or f"targets command output ({Path(path).name})",
                         "text": rec.get("quote") or rec.get("sentence", "")})
            lines.append(start)
        start = reader.line_num + 1
    return RawTable(path, RAW_TARGET_COLUMNS, rows, lines)


def targets_from_file(path: Path | str) -> pd.DataFrame:
    """A user targets file, validated: the raw target schema, or the `targets` command's own output (mapped)."""
    p = str(path)
    raw, problems = read_file_bytes(path)
    text = None
    if raw is not None:
        text, problems = decode_text(p, raw)
    if text is None:
        raise RawDataError(problems)
    header = {h.strip() for h in text.split("\n", 1)[0].split(",")}
    if OUTPUT_MARKERS <= header:
        table = _targets_output_table(p, text)
        if not table.rows:
            raise RawDataError([Problem(p, 0, "-", "no main target with an indicator slug in this targets output",
                                        "empty-file")])
    else:
        table, problems = read_raw_csv(path, RAW_TARGET_COLUMNS)
        if table is None or problems:
            raise RawDataError(problems)
    problems = check_target_rows(table, {}, load_limits())
    if problems:
        raise RawDataError(problems)
    return ingest.build_targets([table])


def load_targets(path: Path | None = None) -> pd.DataFrame:
    """Targets in the processed layout: the default ones, with those of ``path`` added and overriding by
    (region, year, indicator). ``path`` is the raw target schema (qualifier code or wording) or the
    `targets` command's output."""
    base = _default_targets()
    if path is None:
        return base
    new = targets_from_file(path)
    keep = ~pd.MultiIndex.from_frame(base[TARGET_KEY]).isin(pd.MultiIndex.from_frame(new[TARGET_KEY]))
    out = pd.concat([base[keep], new.reindex(columns=base.columns).astype(base.dtypes.to_dict())], ignore_index=True)
    return out.sort_values(TARGET_KEY, kind="stable").reset_index(drop=True)


def target_for(targets: pd.DataFrame, region: str, indicator: str, year: int) -> dict | None:
    hit = targets[(targets.region == region) & (targets.indicator == indicator) & (targets.year == year)]
    if hit.empty:
        return None
    row = hit.iloc[0].to_dict()
    row["qualifier"] = qualifiers.normalize(row["qualifier"])
    for key in ("target_pct", "target_high_pct"):
        row[key] = None if pd.isna(row[key]) else float(row[key])
    return row


