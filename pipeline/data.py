"""Loading the processed tables for analysis: observations as of a month, and targets.

Stages and notebooks read through here, so the as-of cut (no look-ahead), the series-by-series
override by user files and the merge of curated and parsed targets live in one place. A series'
vintage rule (first release preferred) is ``forecasters.history_from_observations``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import ingest, qualifiers
from .paths import OBSERVATIONS, PROCESSED, RAW_INDICATORS, RAW_PORTAL, RAW_TARGETS, RAW_TARGETS_DIR, TARGETS
from .schema import OBSERVATION_KEY, TARGET_COLUMNS

TARGET_REGISTRY = PROCESSED / "target_registry.csv"
from .validate import load_limits

SERIES_KEY = ["region", "indicator", "measure"]


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


def embedded_observations() -> pd.DataFrame:
    """The ingest stage's table; rebuilt in memory from data/raw when the stage has not run."""
    if OBSERVATIONS.exists():
        return pd.read_csv(OBSERVATIONS, keep_default_na=False, na_values={"value": [""]})
    tables, _ = ingest.load_raw(sorted(RAW_INDICATORS.glob("*.csv")), sorted(RAW_PORTAL.glob("*.csv")), [],
                                load_limits())
    return ingest.build_observations(tables)


def observations_from_files(paths: list[Path]) -> pd.DataFrame:
    """User files in the raw schema, validated exactly like data/raw (RawDataError lists every problem)."""
    tables, _ = ingest.load_raw([Path(p) for p in paths], [], [], load_limits())
    return ingest.build_observations(tables)


def override_series(base: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Replace whole series (region x indicator x measure) of ``base`` by those in ``new``; keep the rest."""
    if new.empty:
        return base
    replaced = base.set_index(SERIES_KEY).index.isin(new.set_index(SERIES_KEY).index)
    out = pd.concat([base[~replaced], new[base.columns]], ignore_index=True)
    return out.sort_values(OBSERVATION_KEY, kind="stable").reset_index(drop=True)


def cut_as_of(obs: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    """Only what was published for periods up to the as-of month (no look-ahead)."""
    return obs[obs.year * 12 + obs.month - 1 <= period_index(year, month)].reset_index(drop=True)


def load_observations(indicator_paths: list[Path] | None = None, as_of: tuple[int, int] | None = None) -> pd.DataFrame:
    obs = embedded_observations()
    if indicator_paths:
        obs = override_series(obs, observations_from_files(indicator_paths))
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


def load_targets(path: Path | None = None) -> pd.DataFrame:
    """Targets in the processed layout; ``path`` is a raw-schema file whose qualifier may be the wording.

    By default the curated targets, plus the main targets the report parser found for region-years and
    indicators the curated table does not have (curated rows win, as in the targets stage).
    """
    if path is None:
        if TARGETS.exists():
            t = pd.read_csv(TARGETS, keep_default_na=False, na_values={"target_pct": [""], "target_high_pct": [""]})
            t = t.astype({"year": "int64", "target_pct": "float64", "target_high_pct": "float64"})
            extra = registry_main_targets()
            if not extra.empty:
                known = set(zip(t.region, t.year, t.indicator))
                extra = extra[[k not in known for k in zip(extra.region, extra.year, extra.indicator)]]
                t = pd.concat([t, extra.astype(t.dtypes.to_dict())], ignore_index=True)
            return t
        paths = [p for p in [RAW_TARGETS] if p.exists()] + sorted(RAW_TARGETS_DIR.glob("*.csv"))
    else:
        paths = [Path(path)]
    _, tables = ingest.load_raw([], [], paths, load_limits())
    return ingest.build_targets(tables)


def target_for(targets: pd.DataFrame, region: str, indicator: str, year: int) -> dict | None:
    hit = targets[(targets.region == region) & (targets.indicator == indicator) & (targets.year == year)]
    if hit.empty:
        return None
    row = hit.iloc[0].to_dict()
    row["qualifier"] = qualifiers.normalize(row["qualifier"])
    for key in ("target_pct", "target_high_pct"):
        row[key] = None if pd.isna(row[key]) else float(row[key])
    return row


