"""`dvc metrics show` reads one small file of named figures (issue 19 item 9)."""
import yaml

from conftest import ROOT
from pipeline.evaluation.headline import headline


def test_headline_picks_the_named_figures_and_says_none_for_a_missing_one():
    figures = headline({"observations": 10, "targets": 3}, {"met_rate_since_2014": 0.4},
                       {"ordinary": {"cases": 549, "coverage_80": 0.798, "coverage_50": 0.514, "rmse_ratio_mean": 0.89,
                                     "brier_skill_vs_carry_forward": 0.09,
                                     "brier_skill_vs_carry_forward_real_targets": -0.06},
                        "shock": {"coverage_80": 0.54}},
                       {})
    assert figures["national_coverage_80"] == 0.798 and figures["national_cases"] == 549
    assert figures["national_coverage_80_shock_years"] == 0.54 and figures["observations"] == 10
    assert figures["provinces_january_brier_skill"] is None
    assert len(figures) <= 15


def test_only_the_headline_file_is_a_dvc_metric():
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    metrics = [m for s in stages.values() for m in s.get("do", s).get("metrics", [])]
    assert [next(iter(m)) if isinstance(m, dict) else m for m in metrics] == ["data/processed/metrics.json"]
