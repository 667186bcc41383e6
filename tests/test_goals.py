"""Issue 22's goals are measured on the cases every compared method forecast (hand-made rows)."""
import pandas as pd
import pytest

from pipeline.evaluation.goals import goals


def _row(method, ind, year, month, q50, p, met, actual=5.0):
    return dict(indicator=ind, year=year, month=month, method=method, q05_pct=q50 - 3, q10_pct=q50 - 2,
                q25_pct=q50 - 1, q50_pct=q50, q75_pct=q50 + 1, q90_pct=q50 + 2, q95_pct=q50 + 3, crps=1.0,
                actual_pct=actual, p_met_0=p, met_0=met, threshold_0_kind="last_year", base_rate_0=0.5, step_0=0.0)


def test_a_case_only_one_method_forecast_is_left_out_of_every_figure():
    rows = [_row("default", "fai", 2012, 6, 5.0, 0.8, 1.0), _row("carry_forward", "fai", 2012, 6, 6.0, 0.5, 1.0),
            _row("empirical_drift", "fai", 2012, 6, 7.0, 0.6, 1.0),
            # 2013: carry-forward alone (badly): must not count for it
            _row("carry_forward", "fai", 2013, 6, 15.0, 0.0, 1.0),
            # 2021 is a shock year: out of the ordinary figures
            _row("default", "fai", 2021, 6, 5.0, 0.0, 1.0), _row("carry_forward", "fai", 2021, 6, 5.0, 1.0, 1.0),
            _row("empirical_drift", "fai", 2021, 6, 5.0, 1.0, 1.0)]
    g = goals(pd.DataFrame(rows), shock_years=[2020, 2021, 2022], recent=(2024,))["ordinary"]
    assert g["cases"] == 1
    # Brier by hand: default (0.2)^2 = 0.04, carry-forward 0.25, drift 0.16
    assert g["brier"] == pytest.approx(0.04)
    assert g["brier_skill_vs_carry_forward"] == pytest.approx(1 - 0.04 / 0.25, abs=1e-4)
    assert g["brier_skill_vs_empirical_drift"] == pytest.approx(1 - 0.04 / 0.16, abs=1e-4)
    assert g["rmse_ratio_to_carry_forward"]["fai"] == pytest.approx(0.0)  # default's median is the outcome
    assert g["mean_p_minus_hit_rate"]["fai"] == pytest.approx(-0.2)
    assert g["coverage_80"] == 1.0


def test_recent_years_are_reported_apart_only_when_scored():
    rows = [_row(m, "gdp", y, 6, 5.0, 0.5, 1.0) for m in ("default", "carry_forward", "empirical_drift")
            for y in (2023, 2024)]
    g = goals(pd.DataFrame(rows), shock_years=[], recent=(2024, 2025))
    assert g["ordinary"]["cases"] == 2 and g["recent"]["cases"] == 1 and g["recent"]["years"] == [2024, 2025]
    assert "recent" not in goals(pd.DataFrame(rows), shock_years=[], recent=(2030,))
