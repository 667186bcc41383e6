"""Where things live, relative to the repository root (one place, so stages and tests agree)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # pipeline/common/paths.py -> the repository
RAW = ROOT / "data" / "raw"
RAW_INDICATORS = RAW / "indicators"
RAW_PORTAL = RAW / "portal"
RAW_REPORTS = RAW / "reports"
RAW_RELEASES = RAW / "releases"  # NBS/MOF release texts as published (.txt, .html)
RAW_TARGETS = RAW / "targets.csv"
RAW_TARGETS_DIR = RAW / "targets"  # further target files (yearbook extracts), same schema
PROCESSED = ROOT / "data" / "processed"
OBSERVATIONS = PROCESSED / "observations.csv"
# the observations of closed years only (every national series has its December): what the backtests learn from,
# so a month that closes no year leaves them as they are
CLOSED_YEARS = PROCESSED / "observations_closed_years.csv"
# one briefing entry's observations, cut at its as-of month: a month after it leaves the entry's stages alone
CUTS = PROCESSED / "cuts"
TARGETS = PROCESSED / "targets.csv"
PARAMS = ROOT / "params.yaml"
REGISTRIES = ROOT / "pipeline" / "sources" / "registries"
