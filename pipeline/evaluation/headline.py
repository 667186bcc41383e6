"""Stage ``metrics``: the few numbers a reviewer scans, one row of ``dvc metrics show``.

Each stage keeps its full summary (``backtest_metrics.json``, ``backtest_annual_metrics.json`` ...) as an
ordinary output; this stage reads them and writes ``data/processed/metrics.json`` with a dozen named
figures, so ``dvc metrics show`` and ``dvc metrics diff`` print a table a person can read (issue 19).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from pipeline.common.paths import PROCESSED

INPUTS = {
    "ingest": PROCESSED / "ingest_summary.json",
    "track_record": PROCESSED / "track_record_summary.json",
    "backtest": PROCESSED / "backtest_metrics.json",
    "annual": PROCESSED / "backtest_annual_metrics.json",
}
OUT = PROCESSED / "metrics.json"


def _get(d: dict, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def headline(ingest: dict, record: dict, backtest: dict, annual: dict) -> dict:
    """Named figures (ordinary years unless the name says otherwise); None where a summary lacks one."""
    return {
        "observations": _get(ingest, "observations"),
        "targets": _get(ingest, "targets"),
        "targets_met_rate_since_2014": _get(record, "met_rate_since_2014"),
        "national_cases": _get(backtest, "ordinary", "cases"),
        "national_coverage_80": _get(backtest, "ordinary", "coverage_80"),
        "national_coverage_50": _get(backtest, "ordinary", "coverage_50"),
        "national_rmse_ratio_to_carry_forward": _get(backtest, "ordinary", "rmse_ratio_mean"),
        "national_brier_skill_vs_carry_forward": _get(backtest, "ordinary", "brier_skill_vs_carry_forward"),
        "national_brier_skill_vs_empirical_drift": _get(backtest, "ordinary", "brier_skill_vs_empirical_drift"),
        "national_brier_skill_real_targets": _get(backtest, "ordinary", "brier_skill_vs_carry_forward_real_targets"),
        "national_coverage_80_since_2024": _get(backtest, "goals", "recent", "coverage_80"),
        "national_coverage_80_shock_years": _get(backtest, "shock", "coverage_80"),
        "provinces_january_brier_skill": _get(annual, "january", "province", "ordinary_since_2010", "brier_skill"),
        "provinces_january_coverage_80": _get(annual, "january", "province", "ordinary_since_2010", "coverage80"),
    }


def main() -> int:
    loaded = {}
    for name, path in INPUTS.items():
        try:
            loaded[name] = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"metrics: {path}: {exc}", file=sys.stderr)
            return 1
    figures = headline(loaded["ingest"], loaded["track_record"], loaded["backtest"], loaded["annual"])
    OUT.write_text(json.dumps(figures, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    print(f"metrics: {sum(v is not None for v in figures.values())} headline figures in {OUT.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
