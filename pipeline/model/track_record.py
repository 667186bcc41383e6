"""Stage ``track_record``: how often, and by how much, each region has met its targets.

For every region, indicator and year with a target: the outcome (December YTD growth, first
release where the data have it, else the revised figure, and which one was used), the margin in
percentage points, and met under the strict and the tolerant reading of the wording
(pipeline/sources/qualifiers.py). Base rates by region and by period follow from it.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.common.csvsafe import neutralise
from pipeline.sources import qualifiers, registry
from pipeline.common import yamlio
from pipeline.common.paths import OBSERVATIONS, PARAMS, PROCESSED, TARGETS

TRACK_RECORD = PROCESSED / "track_record.csv"
BASE_RATES = PROCESSED / "track_record_base_rates.csv"
SUMMARY = PROCESSED / "track_record_summary.json"
COLUMNS = ["region", "year", "indicator", "target_pct", "target_high_pct", "qualifier", "wording", "relative_to",
           "outcome_pct", "outcome_vintage", "relative_outcome_pct", "margin_pp", "met", "met_tolerant",
           "target_source", "outcome_source"]
PERIOD_SPLIT_YEAR = 2014  # targets were met about three times in four before, about half the time since


def load_params(path: Path = PARAMS) -> dict:
    params = yamlio.load_file(path) if path.exists() else {}
    return (params or {}).get("targets", {}) or {}


def annual_outcomes(obs: pd.DataFrame) -> pd.DataFrame:
    """December YTD growth per region, indicator and year; the first release preferred over the revised."""
    dec = obs[(obs.measure == "ytd_growth_pct") & (obs.month == 12)]
    dec = dec.assign(_rank=dec.vintage.map({"first": 0, "latest": 1}))
    dec = dec.sort_values(["region", "indicator", "year", "_rank"], kind="stable")
    dec = dec.drop_duplicates(["region", "indicator", "year"], keep="first")
    return dec[["region", "indicator", "year", "value", "vintage", "source"]].rename(
        columns={"value": "outcome_pct", "vintage": "outcome_vintage", "source": "outcome_source"})


def score(targets: pd.DataFrame, outcomes: pd.DataFrame, tolerance_pp: float) -> pd.DataFrame:
    """One row per target with its outcome, margin and met (None where the outcome is not in the data)."""
    t = targets.rename(columns={"source": "target_source"}).merge(
        outcomes, on=["region", "indicator", "year"], how="left")
    rel = outcomes.rename(columns={"indicator": "relative_to", "outcome_pct": "relative_outcome_pct"})
    t = t.merge(rel[["region", "relative_to", "year", "relative_outcome_pct"]],
                on=["region", "relative_to", "year"], how="left")
    met, met_tol, margin = [], [], []
    for r in t.itertuples(index=False):
        target = None if pd.isna(r.target_pct) else float(r.target_pct)
        relative = None if pd.isna(r.relative_outcome_pct) else float(r.relative_outcome_pct)
        outcome = float(r.outcome_pct) if not pd.isna(r.outcome_pct) else float("nan")
        met.append(qualifiers.met(outcome, target, r.qualifier, relative_outcome=relative, tolerance=tolerance_pp))
        met_tol.append(qualifiers.met(outcome, target, r.qualifier, relative_outcome=relative,
                                      tolerance=tolerance_pp, tolerant=True))
        if r.qualifier in qualifiers.RELATIVE:
            margin.append(outcome - relative if relative is not None else np.nan)
        elif r.qualifier == "positive":
            margin.append(outcome)
        else:
            margin.append(outcome - target if target is not None else np.nan)
    t = t.assign(met=pd.array(met, dtype="boolean"), met_tolerant=pd.array(met_tol, dtype="boolean"),
                 margin_pp=np.round(margin, 4))
    return t[COLUMNS].sort_values(["region", "indicator", "year"], kind="stable").reset_index(drop=True)


def base_rates(record: pd.DataFrame) -> pd.DataFrame:
    """Share of targets met, by region and indicator, overall and before/since PERIOD_SPLIT_YEAR."""
    judged = record[record.met.notna()].assign(
        period=lambda d: np.where(d.year < PERIOD_SPLIT_YEAR, f"before_{PERIOD_SPLIT_YEAR}", f"since_{PERIOD_SPLIT_YEAR}"),
        level=lambda d: d.region.map(lambda s: registry.region(s).level))
    rows = []
    for keys, frame in [(("region", "indicator"), judged), (("level", "indicator", "period"), judged)]:
        for key, g in frame.groupby(list(keys)):
            rows.append(dict(zip(keys, key), n=len(g), met_rate=round(float(g.met.astype(float).mean()), 4),
                             met_tolerant_rate=round(float(g.met_tolerant.astype(float).mean()), 4),
                             mean_margin_pp=round(float(g.margin_pp.mean()), 4), first_year=int(g.year.min()),
                             last_year=int(g.year.max())))
    cols = ["region", "level", "indicator", "period", "n", "met_rate", "met_tolerant_rate", "mean_margin_pp",
            "first_year", "last_year"]
    return pd.DataFrame(rows).reindex(columns=cols)


def summary(record: pd.DataFrame) -> dict:
    judged = record[record.met.notna()]
    out = {"targets": int(len(record)), "judged": int(len(judged))}
    for name, part in [("before", judged[judged.year < PERIOD_SPLIT_YEAR]), ("since", judged[judged.year >= PERIOD_SPLIT_YEAR])]:
        out[f"met_rate_{name}_{PERIOD_SPLIT_YEAR}"] = round(float(part.met.astype(float).mean()), 4) if len(part) else None
        out[f"judged_{name}_{PERIOD_SPLIT_YEAR}"] = int(len(part))
    return out


def record_sentence(record: pd.DataFrame, region: str, indicator: str = "gdp", lang: str = "en") -> str:
    """One sentence on a region's record, e.g. '湖南 met its GDP target in 12 of 18 years since 2000; missed in ...'."""
    r = record[(record.region == region) & (record.indicator == indicator) & record.met.notna()]
    reg, ind = registry.region(region), registry.indicator(indicator)
    if r.empty:
        return (f"{reg.name_zh or region}没有可评估的{ind.name_zh}目标记录。" if lang == "zh"
                else f"No {indicator} target of {reg.name_en or region} can be scored with the data here.")
    met = int(r.met.sum())
    missed = r.loc[~r.met.astype(bool), "year"].astype(int).tolist()
    first = int(r.year.min())
    if lang == "zh":
        text = f"{reg.name_zh or region}自{first}年以来{len(r)}年中有{met}年完成{ind.name_zh}目标"
        return text + (f",未完成的年份:{'、'.join(map(str, missed))}。" if missed else "。")
    text = f"{reg.name_en or region} met its {indicator} target in {met} of {len(r)} years since {first}"
    return text + (f"; missed in {', '.join(map(str, missed))}." if missed else ".")


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    neutralise(df).to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def load_record() -> pd.DataFrame:
    return pd.read_csv(TRACK_RECORD, dtype={"met": "boolean", "met_tolerant": "boolean"})


def current_record() -> pd.DataFrame:
    """The stage's table when it has run, else computed from the processed (or raw) data in memory."""
    if TRACK_RECORD.exists():
        return load_record()
    from pipeline.sources import data

    return score(data.load_targets(), annual_outcomes(data.load_observations()),
                 float(load_params().get("about_tolerance_pp", 0.5)))


def main() -> int:
    obs = pd.read_csv(OBSERVATIONS)
    targets = pd.read_csv(TARGETS, keep_default_na=False, na_values={"target_pct": [""], "target_high_pct": [""]})
    record = score(targets, annual_outcomes(obs), float(load_params().get("about_tolerance_pp", 0.5)))
    _write_csv(record, TRACK_RECORD)
    _write_csv(base_rates(record), BASE_RATES)
    SUMMARY.write_text(json.dumps(summary(record), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"track_record: {len(record)} targets, {int(record.met.notna().sum())} scored")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--region", help="region as a slug or name: hunan, 湖南, 湖南省 (omit with --stage)")
    parser.add_argument("--indicator", help="indicator as a slug or name: gdp, GDP, 地区生产总值 (default: all)")
    parser.add_argument("--stage", action="store_true", help="run the DVC stage: write the processed tables")


def run(args) -> int:
    """The CLI: names are resolved to slugs (unknown ones get suggestions, exit 2); an empty record is exit 1."""
    from pipeline.common.errors import InputError

    if args.stage:
        return main()
    if not args.region:
        raise InputError("give --region (a slug or name such as hunan or 湖南), or --stage", code=2)
    try:
        region = registry.resolve_region(args.region)
    except registry.UnknownName as exc:
        raise InputError(f"--region: {exc}", code=2) from None
    try:
        indicator = registry.resolve_indicator(args.indicator) if args.indicator else None
    except registry.UnknownName as exc:
        raise InputError(f"--indicator: {exc}", code=2) from None
    record = current_record()
    out = record[record.region == region]
    if indicator:
        out = out[out.indicator == indicator]
    if out.empty:
        what = f"{region}/{indicator}" if indicator else region
        raise InputError(f"no target of {what} in the data (targets are in data/raw/targets.csv, "
                         "data/raw/targets/ and the reports in data/raw/reports/)")
    neutralise(out).to_csv(sys.stdout, index=False, lineterminator="\n", float_format="%.10g")
    return 0
