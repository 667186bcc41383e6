"""``python -m pipeline targets``: targets from work-report texts, and the DVC stage building the registry.

One report: ``python -m pipeline targets data/raw/reports/xiangjiang_2024.txt`` prints its targets as CSV
(``--outcomes`` the review outcomes instead, ``--out F.csv`` writes a file). The stage (``--stage``)
parses every report in ``data/raw/reports/`` whatever its name and format (region and year from the
text or a ``FILE.meta.yaml`` sidecar, see ``pipeline.sources.reports``), reads a text saved twice once, lets
the curated ``data/processed/targets.csv`` win where both give a main target, and lists every
disagreement for a person to settle. A report it cannot use stops it with one line naming the file
(so does one whose title and text name different regions, unless its sidecar says which). A main target
outside the plausible range of ``params.yaml`` (``ingest.target_pct_min/max``, as for curated targets) and a
main-target clause that gave no target are review lines, never registry rows.
"""
from __future__ import annotations

import argparse
import hashlib
import math
import sys
from pathlib import Path

import pandas as pd

from pipeline.common.csvsafe import neutralise
from pipeline.common import paths
from pipeline.sources import qualifiers, registry, validate
from pipeline.sources.reports import OUTCOME_COLUMNS, TARGET_COLUMNS, ReportError, identify, normalize, parse_report, read_report
from pipeline.sources.reports.identify import SIDECAR_SUFFIX, check_region, read_sidecar, region_from_text, year_from_text
from pipeline.sources.reports.quantities import visible

REGISTRY_FILE = paths.PROCESSED / "target_registry.csv"
OUTCOMES_FILE = paths.PROCESSED / "report_outcomes.csv"
REVIEW_FILE = paths.PROCESSED / "targets_review.csv"

REGISTRY_COLUMNS = TARGET_COLUMNS + ["origin", "source"]
REVIEW_COLUMNS = [
    "region", "year", "indicator", "issue", "field", "curated", "extracted", "curated_source", "curated_text",
    "sentence", "report",
]
_COMPARED = ("target_pct", "target_high_pct", "qualifier", "relative_to")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", help="a work report: text (UTF-8, GB18030, UTF-16 with BOM), .docx or .html")
    parser.add_argument("--region", help="region slug or Chinese name (default: sidecar, else the text, else empty)")
    parser.add_argument("--year", type=int, help="plan year (default: sidecar, else the text, else empty)")
    parser.add_argument("--out", help="write the CSV here instead of stdout")
    parser.add_argument("--outcomes", action="store_true", help="the review part's outcomes instead of targets")
    parser.add_argument("--stage", action="store_true", help=(
                        "DVC stage: read every report in data/raw/reports, merge the curated targets, write the registry"))


def run(args: argparse.Namespace) -> int:
    if args.stage:
        return main()
    if not args.path:
        print("give a report PATH.txt, or --stage", file=sys.stderr)
        return 2
    path = Path(args.path)
    if args.region and args.region not in registry.regions():
        slug = registry.region_by_name(args.region)
        if slug is None:
            print(f"--region: unknown region {args.region!r} (a slug such as hunan or a name such as 湖南省)",
                  file=sys.stderr)
            return 2
        args.region = slug
    try:
        text = read_report(path)
        meta = read_sidecar(path)
        norm = normalize(visible(text)[0])
        if not (args.region or meta.get("region")):
            check_region(path, norm)
        region = args.region or meta.get("region") or region_from_text(norm)
        year = args.year or meta.get("year") or year_from_text(norm)
        missing = [what for what, value in (("region", region), ("year", year)) if not value]
        if missing:  # the stage refuses such a report (identify): so does the preview
            raise ReportError(f"{path}: cannot tell the {' and '.join(missing)} from the text; give "
                              f"{' and '.join('--' + m for m in missing)}, or add {path.name}{SIDECAR_SUFFIX}")
        parsed = parse_report(text, region=region, year=year)
    except ReportError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not parsed.targets and not args.outcomes:
        print(f"{path}: {NO_TARGETS}", file=sys.stderr)
        return 1
    frame = outcomes_frame(parsed.outcomes) if args.outcomes else targets_frame(parsed.targets)
    if not args.outcomes:
        limits = validate.load_limits()
        bad = implausible(frame, limits)
        for _, r in frame[bad].iterrows():
            print(f"{path}: {implausible_message(r, limits)}; left out: {r['quote']}", file=sys.stderr)
        frame = frame[~bad].reset_index(drop=True)
        for r in parsed.unread:
            print(f"{path}: main target not read: «{r['quote']}» names {r['indicator']} and a number, but no target "
                  "came out of it", file=sys.stderr)
    if args.out:
        write_csv(frame, Path(args.out))
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(neutralise(frame).to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return 0


# --------------------------------------------------------------------------- frames (pure)

def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("year", "report_year", "start", "end", "span_start", "span_end"):
        if col in frame:
            frame[col] = frame[col].astype("Int64")
    for col in ("target_pct", "target_high_pct", "outcome_pct", "outcome_high_pct", "value", "value_high",
                "level_cny_100m"):
        if col in frame:
            frame[col] = frame[col].astype("float64")
    for col in ("main", "estimated"):
        if col in frame:
            frame[col] = frame[col].astype(bool)
    return frame


def targets_frame(rows: list[dict]) -> pd.DataFrame:
    return _frame(rows, TARGET_COLUMNS)


def outcomes_frame(rows: list[dict]) -> pd.DataFrame:
    return _frame(rows, OUTCOME_COLUMNS)


NO_TARGETS = "no targets found (no 主要预期目标 paragraph and no quantified commitment in a plan part)"
_GROWTH_MEASURES = ("growth", "decline")


def implausible(frame: pd.DataFrame, limits: dict[str, float]) -> pd.Series:
    """Main targets in % outside ``ingest.target_pct_min/max``: the range curated targets must pass too.

    Checked are the growth targets and every target of a registry indicator; a share such as 空气质量优良天数比率
    90% is a level, not a growth, and is not.
    """
    lo, hi = limits["target_pct_min"], limits["target_pct_max"]
    checked = frame["main"].astype(bool) & (frame["measure"].isin(_GROWTH_MEASURES)
                                            | frame["indicator"].isin(list(registry.indicators())))
    out = pd.Series(False, index=frame.index)
    for col in ("target_pct", "target_high_pct"):
        x = pd.to_numeric(frame[col], errors="coerce")
        out |= checked & x.notna() & ((x < lo) | (x > hi))
    return out


def _out_of_range(row: pd.Series, limits: dict[str, float]) -> tuple[str, float]:
    """The column and value of an implausible target row that lie outside the range."""
    lo, hi = limits["target_pct_min"], limits["target_pct_max"]
    return next((c, row[c]) for c in ("target_pct", "target_high_pct") if not _blank(row[c]) and not lo <= row[c] <= hi)


def implausible_message(row: pd.Series, limits: dict[str, float]) -> str:
    _, x = _out_of_range(row, limits)
    name = row["label"] if _blank(row["indicator"]) else row["indicator"]
    return (f"target {x:.15g}% ({name}) is outside the plausible range [{limits['target_pct_min']:.15g}, "
            f"{limits['target_pct_max']:.15g}] (params.yaml ingest target_pct_min/max)")


def canonical_text(text: str) -> str:
    """The text with full-width forms, invisible characters, line ends and surrounding blanks normalised: equal for
    one report saved twice."""
    return "\n".join(ln.strip() for ln in normalize(visible(text)[0]).split("\n") if ln.strip())


def report_files(report_dir: Path) -> list[Path]:
    """Every entry of ``report_dir`` but sidecars, documentation and hidden files, by name (a folder is an error
    later). Nothing unseen: a README other than Markdown (README.txt) is named on stderr; a sidecar beside no
    report is a ``ReportError``."""
    entries = sorted(p for p in report_dir.iterdir() if not p.name.startswith("."))
    names = {p.name for p in entries}
    out = []
    for p in entries:
        if p.name.lower().endswith(SIDECAR_SUFFIX):
            if p.name[: -len(SIDECAR_SUFFIX)] not in names:
                raise ReportError(f"{p}: sidecar of no file: {p.name[: -len(SIDECAR_SUFFIX)]} is not in {report_dir}")
        elif p.name.lower().startswith("readme") and not p.is_dir():
            if p.suffix.lower() != ".md":
                print(f"{p}: documentation, not read", file=sys.stderr)
        elif p.suffix.lower() != ".md" or p.is_dir():
            out.append(p)
    return out


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or (isinstance(v, str) and not v)


def _same(a, b) -> bool:
    if _blank(a) and _blank(b):
        return True
    if _blank(a) or _blank(b):
        return False
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return str(a) == str(b)


def _curated_code(q) -> str:
    try:
        return qualifiers.normalize(None if _blank(q) else str(q))
    except ValueError:
        return str(q)


def merge_curated(extracted: pd.DataFrame, curated: pd.DataFrame, limits: dict[str, float] | None = None,
                  notes: list[dict] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Registry rows (curated values win on a main target both give) and one review row per disagreement.

    Disagreements: a compared field differs; a curated target the region-year's report lacks; a main
    target the report gives but the curated table, holding that region-year, lacks; a main target outside
    the plausible range (``limits``, params.yaml ``ingest``), which is left out of the registry. ``notes``
    are further review rows (main-target clauses the parser could not read).
    """
    limits = limits or validate.DEFAULT_LIMITS
    review: list[dict] = list(notes)
    bad = implausible(extracted, limits)
    held_back = set()
    for _, row in extracted[bad].iterrows():
        held_back.add((row["region"], row["year"], row["indicator"]))
        field, value = _out_of_range(row, limits)
        review.append({"region": row["region"], "year": row["year"], "indicator": row["indicator"],
                       "issue": "implausible", "field": field, "curated": None, "extracted": value,
                       "curated_source": None, "curated_text": None, "sentence": row["sentence"],
                       "report": row.get("source")})
    reg = extracted[~bad].copy()
    for col in ("indicator", "qualifier", "relative_to", "wording"):
        reg[col] = reg[col].astype(object)  # curated values of another type may replace them
    reg["origin"] = "report"
    reg["source"] = reg.get("source", pd.Series(dtype=object))
    curated = curated.copy()
    curated["year"] = pd.to_numeric(curated["year"], errors="coerce").astype("Int64")
    curated_years = set(zip(curated["region"], curated["year"]))
    curated_keys = set(zip(curated["region"], curated["year"], curated["indicator"]))
    report_years = set(zip(reg["region"], reg["year"]))
    main_idx = {}
    comparable = reg["main"] & reg["indicator"].notna() & ((reg["unit"] == "%") | (reg["measure"] == "relative"))
    for i, row in reg[comparable].iterrows():
        main_idx.setdefault((row["region"], row["year"], row["indicator"]), i)

    added = []
    for c in curated.itertuples(index=False):
        key = (c.region, c.year, c.indicator)
        values = {
            "target_pct": c.target_pct, "target_high_pct": c.target_high_pct,
            "qualifier": _curated_code(c.qualifier), "relative_to": None if _blank(c.relative_to) else c.relative_to,
        }
        base = {"region": c.region, "year": c.year, "indicator": c.indicator, "curated_source": c.source,
                "curated_text": c.text}
        if key in main_idx:
            i = main_idx[key]
            for field in _COMPARED:
                if not _same(values[field], reg.at[i, field]):
                    review.append({**base, "issue": "differs", "field": field, "curated": values[field],
                                   "extracted": reg.at[i, field], "sentence": reg.at[i, "sentence"],
                                   "report": reg.at[i, "source"]})
                reg.at[i, field] = values[field]
            reg.at[i, "origin"] = "curated+report"
            continue
        if (c.region, c.year) in report_years and key not in held_back:
            review.append({**base, "issue": "missing_in_report", "field": "", "curated": values["target_pct"],
                           "extracted": None, "sentence": None, "report": None})
        ind = registry.indicators().get(c.indicator)
        added.append({
            "region": c.region, "year": c.year, "indicator": c.indicator,
            "label": ind.name_zh if ind else c.indicator, "main": True,
            "measure": "relative" if values["qualifier"] in qualifiers.RELATIVE else "growth",
            "value": values["target_pct"], "unit": "%" if not _blank(values["target_pct"]) else "",
            "wording": c.wording, "sentence": c.text, "section": "主要预期目标", "origin": "curated",
            "source": c.source, **values,
        })
    for key, i in sorted(main_idx.items(), key=lambda kv: kv[1]):
        if (key[0], key[1]) in curated_years and key not in curated_keys:
            review.append({"region": key[0], "year": key[1], "indicator": key[2], "issue": "missing_in_curated",
                           "field": "", "curated": None, "extracted": reg.at[i, "target_pct"], "curated_source": None,
                           "curated_text": None, "sentence": reg.at[i, "sentence"], "report": reg.at[i, "source"]})
    if added:
        reg = pd.concat([reg, pd.DataFrame(added)], ignore_index=True)
    reg = reg.reindex(columns=REGISTRY_COLUMNS)
    reg["main"] = reg["main"].astype(bool)
    reg["year"] = reg["year"].astype("Int64")
    reg = reg.assign(_notmain=~reg["main"]).sort_values(
        ["region", "year", "_notmain", "span_start", "indicator", "label"], na_position="last", kind="mergesort"
    ).drop(columns="_notmain").reset_index(drop=True)
    review_frame = pd.DataFrame(review, columns=REVIEW_COLUMNS)
    review_frame["year"] = review_frame["year"].astype("Int64")
    review_frame = review_frame.sort_values(["region", "year", "indicator", "issue", "field"], kind="mergesort")
    return reg, review_frame.reset_index(drop=True)


# --------------------------------------------------------------------------- stage

def parse_reports(report_dir: Path, notes: list[dict] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Targets and outcomes of every report in ``report_dir``, tagged with their file; ``ReportError`` on a bad one.

    A text already read under another name is skipped (said on stderr); two different texts for one region
    and year are an error naming both files. Main-target clauses that gave no target are appended to
    ``notes`` as review rows.
    """
    targets, outcomes = [], []
    by_text: dict[str, Path] = {}
    by_key: dict[tuple[str, int], Path] = {}
    for path in report_files(report_dir):
        text = read_report(path)
        digest = hashlib.sha256(canonical_text(text).encode("utf-8")).hexdigest()
        if digest in by_text:
            print(f"{path}: same text as {by_text[digest].name}, read once", file=sys.stderr)
            continue
        by_text[digest] = path
        who = identify(path, text)
        if (who.region, who.year) in by_key:
            raise ReportError(f"{by_key[who.region, who.year]} and {path}: two different texts for {who.region} "
                              f"{who.year}; keep one (or correct one's region or year in its {SIDECAR_SUFFIX})")
        by_key[who.region, who.year] = path
        parsed = parse_report(text, region=who.region, year=who.year)
        if not parsed.targets:
            raise ReportError(f"{path}: {NO_TARGETS}")
        source = path.relative_to(paths.ROOT).as_posix() if path.is_relative_to(paths.ROOT) else path.as_posix()
        if who.source:
            source = f"{source} ({who.source})"
        for row in parsed.targets:
            row["source"] = source
        if notes is not None:
            notes += [{"region": who.region, "year": who.year, "indicator": r["indicator"], "issue": "unread",
                       "field": "", "curated": None, "extracted": r["quote"], "curated_source": None,
                       "curated_text": None, "sentence": r["sentence"], "report": source} for r in parsed.unread]
        targets += parsed.targets
        outcomes += parsed.outcomes
    tf = _frame(targets, TARGET_COLUMNS + ["source"])
    of = outcomes_frame(outcomes).sort_values(["region", "year", "span_start"], kind="mergesort")
    return tf, of.reset_index(drop=True)


def read_curated(path: Path) -> pd.DataFrame:
    from pipeline.sources.schema import TARGET_COLUMNS as CURATED_COLUMNS
    if not path.exists():
        print(f"{path}: missing, registry holds report targets only", file=sys.stderr)
        return pd.DataFrame(columns=CURATED_COLUMNS)
    frame = pd.read_csv(path, dtype={"region": str, "indicator": str, "qualifier": str, "relative_to": str})
    return frame.reindex(columns=CURATED_COLUMNS)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    neutralise(frame).to_csv(path, index=False, lineterminator="\n")


def main(report_dir: Path | None = None, curated_path: Path | None = None, out_dir: Path | None = None) -> int:
    report_dir = report_dir or paths.RAW_REPORTS
    out_dir = out_dir or paths.PROCESSED
    notes: list[dict] = []
    try:
        extracted, outcomes = parse_reports(report_dir, notes)
    except ReportError as exc:
        print(f"targets: {exc}", file=sys.stderr)
        return 1
    registry_frame, review = merge_curated(extracted, read_curated(curated_path or paths.TARGETS),
                                           validate.load_limits(), notes)
    write_csv(registry_frame, out_dir / REGISTRY_FILE.name)
    write_csv(outcomes, out_dir / OUTCOMES_FILE.name)
    write_csv(review, out_dir / REVIEW_FILE.name)
    print(f"targets: {len(registry_frame)} registry rows ({int(registry_frame['main'].sum())} main), "
          f"{len(outcomes)} outcomes, {len(review)} to review", file=sys.stderr)
    return 0
