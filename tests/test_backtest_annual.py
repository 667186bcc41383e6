"""Annual backtest: the choice it informs is made from earlier years only, and scores are split by regime."""
import numpy as np
import pandas as pd
import pytest

from pipeline.model import annual
from pipeline.evaluation import annual_backtest as backtest_annual, scoring
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


@pytest.mark.integration
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


def test_anchored_mode_is_scored_on_national_and_local_series_by_hand():
    from test_annual import _retail_frames

    obs, _ = _retail_frames()  # national retail 10/12 alternating (2020-21 wild), hunan 2023 outcome 6.0
    extra = pd.DataFrame([dict(region="hunan", indicator="retail_sales", year=2024, month=12, period="2024-12",
                               measure="ytd_growth_pct", vintage="first", value=5.0, unit="pct", source="hand-made",
                               note="")])
    record = pd.DataFrame([dict(region="hunan", indicator="retail_sales", year=2024, target_pct=6.0,
                                qualifier="exact", met=False)])
    panel = annual.build_panel(record, pd.concat([obs, extra], ignore_index=True))
    p = {**PARAMS, "shock_years": [2020, 2021, 2022], "seed": 0, "backtest": {"n_draws": 4000}}
    cases = pd.DataFrame(backtest_annual.anchored_cases(panel, range(2015, 2025), p)).set_index(
        ["region", "indicator", "year"])
    # 2015: last year 12.0 (2014 even), outcome 10.0; the changes 2011-2014 are all +-2 pp, so the spread is 2.0
    c = cases.loc[("china", "retail_sales", 2015)]
    assert c.last_outcome_pct == 12.0 and c.outcome_pct == 10.0 and c.spread_pp == pytest.approx(2.0)
    assert abs(c.q50_pct - 12.0) <= 0.1 and c.covered80  # 12 -+ 2 x t(3) 0.9 quantile 1.64: [8.7, 15.3]
    assert np.isnan(c.p_met)  # no target for the national series
    # hunan 2024: anchored on its 2023 outcome 6.0, target 6% missed (5.0): about half the draws reach 6
    h = cases.loc[("hunan", "retail_sales", 2024)]
    assert h.last_outcome_pct == 6.0 and h.target_pct == 6.0
    assert h.met is not None and not h.met
    assert 0.45 < h.p_met < 0.65
    assert ("china", "retail_sales", 2024) not in cases.index  # no 2024 national outcome in the data


def test_anchored_scores_split_by_regime_by_hand():
    cases = pd.DataFrame({"year": [2019, 2020, 2023], "covered80": [True, False, True],
                          "crps_pp": [1.0, 3.0, 2.0], "q10_pct": [0.0, 0.0, 1.0], "q90_pct": [4.0, 4.0, 3.0],
                          "p_met": [np.nan, np.nan, 0.8], "met": [None, None, True]})
    out = backtest_annual.anchored_scores(cases, [2020])
    assert out["ordinary"]["n"] == 2 and out["ordinary"]["coverage80"] == 1.0
    assert out["ordinary"]["crps_pp"] == 1.5 and out["ordinary"]["interval80_pp"] == 3.0
    assert out["ordinary"]["targets"] == 1 and out["ordinary"]["brier"] == pytest.approx(0.04)
    assert out["shock"]["coverage80"] == 0.0 and out["shock"]["targets"] == 0 and "brier" not in out["shock"]
