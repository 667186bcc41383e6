"""Annual backtest: the choice it informs is made from earlier years only, and scores are split by regime."""
import numpy as np
import pandas as pd
import pytest

from pipeline import annual, backtest_annual, scoring
from test_annual import PARAMS, REGIONS, _fixture, _gap_fixture


def test_regime_scores_split_ordinary_and_shock_by_hand():
    cases = pd.DataFrame({"year": [2019, 2019, 2020, 2023], "met": [True, False, False, True],
                          "p_met": [0.8, 0.4, 0.5, 1.0], "p_base": [0.5, 0.5, 0.5, 0.5],
                          "covered80": [True, True, False, True], "q10_pct": [5.0] * 4, "q90_pct": [7.0] * 4,
                          "crps_pp": [0.2, 0.4, 1.0, 0.1]})
    out = backtest_annual.regime_scores(cases, [2020, 2021, 2022], since=2010)
    assert out["ordinary"]["n"] == 3 and out["shock"]["n"] == 1 and out["all"]["n"] == 4
    # ordinary: ((0.2)^2 + (0.4)^2 + 0^2) / 3 = 0.0667; base rate 0.25 each; skill 1 - 0.0667 / 0.25 = 0.7333
    assert out["ordinary"]["brier"] == pytest.approx(0.0667, abs=1e-4)
    assert out["ordinary"]["brier_skill"] == pytest.approx(0.7333, abs=1e-4)
    assert out["shock"]["brier"] == pytest.approx(0.25) and out["shock"]["coverage80"] == 0.0
    assert out["ordinary_since_2010"]["n"] == 3
    assert out["all"]["crps_pp"] == pytest.approx(0.425)


@pytest.fixture(scope="module")
def bt():
    record, obs = _gap_fixture()
    params = {**PARAMS, "shock_years": [],
              "backtest": {**backtest_annual.BACKTEST_DEFAULTS, "province_years": [2003, 2015],
                           "province_months": [0], "prefecture_years": [2006, 2006], "nested_min_years": 3}}
    panel = annual.build_panel(record, obs)
    return record, obs, params, panel


def test_nested_choice_uses_only_earlier_years(bt):
    record, obs, params, panel = bt
    chosen, every, choice, factors = backtest_annual.nested_cases(panel, "province", range(2003, 2016), [0], params)
    jan = every[every.as_of_month == 0]
    years = sorted(jan.year.unique())
    for year in years:
        past = jan[jan.year < year]
        if past.year.nunique() < 3:
            assert choice[year] == "gap_level"  # the fixed fallback until three earlier years exist
        else:  # recomputed here: the candidate with the lowest mean of yearly mean Brier over earlier years only
            sq = past.assign(b=(past.p_met - past.met.astype(float)) ** 2)
            mean = sq.groupby(["candidate", "year"]).b.mean().groupby("candidate").mean()
            best = [c for c in params["backtest"]["province_candidates"] if mean[c] <= mean.min() + 1e-12]
            assert choice[year] == best[0]  # ties go to the candidate listed first
        assert set(chosen[chosen.year == year].candidate) == {choice[year]}
    assert set(jan.candidate) == set(params["backtest"]["province_candidates"])
    # moving the last year's outcomes changes no earlier choice
    moved = obs.copy()
    moved.loc[(moved.region != "china") & (moved.year == 2015), "value"] += 4.0
    _, _, choice2, factors2 = backtest_annual.nested_cases(annual.build_panel(record, moved), "province", range(2003, 2016),
                                                 [0], params)
    assert {y: c for y, c in choice2.items() if y <= 2015} == {y: c for y, c in choice.items() if y <= 2015}
    assert {y: f for y, f in factors2.items() if y <= 2015} == {y: f for y, f in factors.items() if y <= 2015}
    assert 2016 in choice and 2016 not in set(chosen.year)  # the year after: chosen for the live forecasts, not scored
    assert factors[2003] == factors[2005] == 1.0  # no calibration before three earlier years


def test_calibration_factor_by_hand():
    # earlier ordinary January cases with half-widths 1 and |outcome - median| 0.5, 1.0, 2.0, 0.0, 1.5
    cases = pd.DataFrame({"year": [2001, 2001, 2002, 2003, 2003], "regime": "ordinary", "as_of_month": 0,
                          "q10_pct": 4.0, "q50_pct": 5.0, "q90_pct": 6.0, "outcome_pct": [5.5, 6.0, 7.0, 5.0, 3.5]})
    f = backtest_annual.calibration_factors(cases, [2003, 2004], {"nested_min_years": 3})
    # 2004: u = 0.5, 1, 2, 0, 1.5 -> 80th percentile (linear) = 1.6; 2003 has only two earlier years -> 1.0
    assert f == {2003: 1.0, 2004: 1.6}


def test_backtest_run_reports_by_regime_and_is_deterministic(bt):
    record, obs, params, _ = bt
    p = {**params, "shock_years": [2012]}
    cases, metrics, tables = backtest_annual.run(record, obs, p)
    again, _, _ = backtest_annual.run(record, obs, p)
    pd.testing.assert_frame_equal(cases, again)
    prov = metrics["january"]["province"]
    assert prov["shock"]["n"] == len(REGIONS) and prov["all"]["n"] == prov["ordinary"]["n"] + prov["shock"]["n"]
    assert set(cases.regime) == {scoring.ORDINARY, scoring.SHOCK}
    assert set(tables["scores"].regime) >= {"ordinary", "shock", "all", "ordinary_since_2010"}
    assert {"outcome_kind", "last_outcome_kind", "gap_pp", "candidate", "spread_model"} <= set(cases.columns)

    # what the live forecasts use: the choice for the year after the last scored one, made on all of them
    _, _, choice, factors = backtest_annual.nested_cases(annual.build_panel(record, obs), "province", range(2003, 2016),
                                                         [0], p)
    live = tables["live_choice"]["province"]
    spec = p["backtest"]["candidates"][choice[2016]]
    assert live == {"candidate": choice[2016], **spec, "spread_factor": factors[2016],
                    "learned_from_years": [2003, 2015]}


def test_params_mistakes_are_one_line_each():
    params = backtest_annual.load_params()
    assert backtest_annual.check_params(params) == []
    bad = {**params, "spread_model": "wide",
           "backtest": {**params["backtest"], "province_candidates": ["gap_level", "nope"]}}
    assert backtest_annual.check_params(bad) == [
        "params.yaml: annual.backtest.province_candidates: unknown candidate 'nope' (not in annual.backtest.candidates)",
        "params.yaml: annual.spread_model: 'wide' is not one of level, constant"]
