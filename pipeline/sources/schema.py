"""Table contracts: the raw-file schemas other tools write, and the processed tables stages share.

One place for column lists, allowed codes and units, so validation, ingest and tests agree.
"""
from __future__ import annotations

# Raw indicator files: data/raw/indicators/*.csv, one observation per row, exactly these columns.
RAW_INDICATOR_COLUMNS = ["region", "indicator", "period", "measure", "value", "unit", "vintage", "source", "note"]

# Raw targets: data/raw/targets.csv.
RAW_TARGET_COLUMNS = [
    "region", "year", "indicator", "target_pct", "target_high_pct", "qualifier", "relative_to", "source", "text",
]

# What span a value covers: YTD = January..period; period = the single month or quarter ending at period.
MEASURES = {
    "ytd_growth_pct": "Year-to-date (累计) growth on the previous year's same span, %, comparable basis",
    "ytd_level": "Year-to-date level, in the row's unit",
    "period_growth_pct": "Single-month or single-quarter (当月/当季) growth on a year earlier, %",
    "period_level": "Single-month or single-quarter level, in the row's unit",
}
GROWTH_MEASURES = {"ytd_growth_pct", "period_growth_pct"}
LEVEL_MEASURES = {"ytd_level", "period_level"}
GROWTH_UNIT = "pct"
LEVEL_UNITS = {"cny_100m", "cny_10k", "cny", "usd_100m", "count", "persons_10k"}

VINTAGES = {
    "first": "First release: what a target is judged against.",
    "latest": "Revised history: for learning dynamics, never for scoring a target.",
}

# Processed observations (data/processed/observations.csv), written by the ingest stage.
OBSERVATION_COLUMNS = [
    "region", "indicator", "year", "month", "period", "measure", "vintage", "value", "unit",
    "months_covered", "source", "note", "raw_file", "raw_row",
]
OBSERVATION_KEY = ["region", "indicator", "period", "measure", "vintage"]

# Processed targets (data/processed/targets.csv): raw targets with the qualifier resolved to a code.
TARGET_COLUMNS = [
    "region", "year", "indicator", "target_pct", "target_high_pct", "qualifier", "wording", "relative_to",
    "source", "text",
]
