"""The national backtest's honesty rules, on hand-made cases: nested choice, regimes, baselines, Brier skill."""
import numpy as np
import pandas as pd
import pytest

from pipeline.evaluation import backtest, metrics as bm
from pipeline.model import forecasters as fc

PARAMS = {"candidates": {"weights": [{"empirical_drift": 1.0}], "combine_methods": ["quantile"],
                         "spread_scales": [1.0, 0.5]}}


def _cand_table(losses: dict[int, tuple[float, float]]) -> pd.DataFrame:
    a, b = backtest.candidates(PARAMS, "fai")
    rows = []
    for year, (la, lb) in losses.items():
        rows += [dict(indicator="fai", year=year, month=6, candidate=a.label, order=0, crps=la),
                 dict(indicator="fai", year=year, month=6, candidate=b.label, order=1, crps=lb)]
    return pd.DataFrame(rows)


def test_candidates_first_is_the_fallback_and_labels_are_readable():
    a, b = backtest.candidates(PARAMS, "fai")
    assert a.label == "empirical_drift=1|quantile|x1" and b.label == "empirical_drift=1|quantile|x0.5"


def test_nested_choice_never_uses_the_scored_year():
    # 2001-2002 favour A (1 vs 2); 2003 alone favours B so strongly that with 2003 included B would win
    # (mean A = (1+1+10)/3 = 4, B = (2+2+0)/3 = 1.33). Scoring 2003 must still use A; 2004 may use B.
    cand = _cand_table({2001: (1.0, 2.0), 2002: (1.0, 2.0), 2003: (10.0, 0.0), 2004: (1.0, 1.0)})
    a, b = (c.label for c in backtest.candidates(PARAMS, "fai"))
    chosen = backtest.nested_choices(cand, min_years=1).set_index("year").candidate
    assert chosen[2001] == a  # nothing earlier: the fallback fixed in advance
    assert chosen[2002] == a
    assert chosen[2003] == a
    assert chosen[2004] == b
    # what the live forecast uses next: all years, (1+1+10+1)/4 = 3.25 for A against 5/4 for B
    assert backtest.final_choice(cand, PARAMS)["fai"]["spread_scale"] == 0.5


def test_nested_choice_falls_back_until_enough_earlier_years():
    cand = _cand_table({2001: (2.0, 1.0), 2002: (2.0, 1.0), 2003: (2.0, 1.0)})
    a, b = (c.label for c in backtest.candidates(PARAMS, "fai"))
    chosen = backtest.nested_choices(cand, min_years=2).set_index("year").candidate
    assert chosen.tolist() == [a, a, b]


def test_tail_weight_is_chosen_second_for_the_chosen_candidate_on_earlier_years():
    # candidate A beats B without tail weight in every year, so A is chosen first; B with tail 0.5 is the
    # best row of all, but the tail weight is chosen among A's rows only: A with 0.5 wins from 2003 on
    # (2001-2002: A 1.0 vs A+h 1.2; 2003: A 1.0 vs A+h 0.1; means before 2004: 1.0 vs 0.833).
    a, b = backtest.candidates(PARAMS, "fai")
    losses = {2001: (1.0, 1.2, 2.0, 0.0), 2002: (1.0, 1.2, 2.0, 0.0), 2003: (1.0, 0.1, 2.0, 0.0),
              2004: (1.0, 5.0, 2.0, 0.0)}
    rows = []
    for year, (a0, ah, b0, bh) in losses.items():
        for c, h, loss in ((a, 0.0, a0), (a, 0.5, ah), (b, 0.0, b0), (b, 0.5, bh)):
            rows.append(dict(indicator="fai", year=year, month=6, candidate=c.label, order=int(c is b),
                             tail_weight=h, crps=loss))
    chosen = backtest.nested_choices(pd.DataFrame(rows), min_years=1).set_index("year")
    assert (chosen.candidate == a.label).all()
    assert chosen.tail_weight.tolist() == [0.0, 0.0, 0.0, 0.5]  # 2003 scored with 2001-02 only: 1.0 < 1.2
    final = backtest.final_choice(pd.DataFrame(rows), PARAMS)["fai"]
    # all years: A 1.0 vs A+h (1.2 + 1.2 + 0.1 + 5.0) / 4 = 1.875: no tail weight
    assert final["label"] == a.label and final["tail_weight"] == 0.0
    assert backtest.choice_label(a.label, 0.25) == a.label + "|h0.25"
    assert backtest.tail_weights({"candidates": {"tail_weights": [0.5, 0.25]}}) == [0.0, 0.5, 0.25]


def _widen_cases(cover: dict[tuple[int, float], bool]) -> pd.DataFrame:
    return pd.DataFrame([dict(year=y, widen_pp=w, in80=c, crps=0.1, q50_pct=5.0, actual_pct=5.0)
                         for (y, w), c in cover.items()])


def test_widening_rule_and_its_nested_choice_by_hand():
    # one case a year; widening 0 covers in 2001 and 2003 only (2 of 3 = 67%), 0.5 covers every year
    cover = {(y, w): (w == 0.5 or y in (2001, 2003)) for y in (2001, 2002, 2003, 2004, 2020) for w in (0.0, 0.5)}
    cover[2020, 0.5] = False  # a shock year: left out of the rule
    cases = _widen_cases(cover)
    assert backtest.widening_rule(cases[cases.year <= 2001]) == 0.0  # 1 of 1 covered at 0
    assert backtest.widening_rule(cases[cases.year <= 2003]) == 0.5  # 0 covers 2 of 3 < 80%
    assert backtest.widening_rule(cases[cases.year == 2020]) == 0.5  # none reaches 80%: the widest
    chosen = backtest.nested_widening(cases, shock_years=[2020], min_years=2, fallback=9.0)
    # 2001-2002: fewer than 2 earlier ordinary years -> fallback; 2003: 2001-02 -> 0 covers 1 of 2 -> 0.5;
    # 2004: 2001-03 -> 2 of 3 -> 0.5; 2020 and 2021 (the live year): 2001-04 -> 0 covers 2 of 4 -> 0.5
    assert chosen == {2001: 9.0, 2002: 9.0, 2003: 0.5, 2004: 0.5, 2020: 0.5, 2021: 0.5}
    out = backtest.borrowing_summary(cases, chosen, shock_years=[2020])
    # nested cases: 2001-02 at the fallback 9.0 have no row, 2003-04 at 0.5 covered, 2020 at 0.5 not
    assert out["nested"]["ordinary"]["n"] == 2 and out["nested"]["ordinary"]["coverage_80"] == 1.0
    assert out["nested"]["shock"]["coverage_80"] == 0.0


def test_year_configs_carry_each_years_nested_default():
    from pipeline.model.forecast import Config

    a, b = backtest.candidates(PARAMS, "fai")
    choices = pd.DataFrame([dict(indicator="fai", year=2010, candidate=a.label, tail_weight=0.0),
                            dict(indicator="fai", year=2011, candidate=b.label, tail_weight=0.25)])
    cfgs = backtest.year_configs(Config(), PARAMS, choices)
    assert cfgs[2010].choice_for("fai")[2] == 1.0 and cfgs[2010].tail_for("fai") == 0.0
    assert cfgs[2011].choice_for("fai")[2] == 0.5 and cfgs[2011].tail_for("fai") == 0.25


def _bt_rows():
    # 2019 ordinary, 2020 shock; the default covers 2019 (10 in [9, 11]) but not 2020 (0 outside [4, 6])
    base = dict(indicator="fai", month=6, q05_pct=np.nan, q25_pct=np.nan, q75_pct=np.nan, q95_pct=np.nan, crps=1.0)
    return pd.DataFrame([
        dict(base, year=2019, method="default", q10_pct=9.0, q50_pct=10.5, q90_pct=11.0, actual_pct=10.0),
        dict(base, year=2019, method="carry_forward", q10_pct=8.0, q50_pct=11.0, q90_pct=12.0, actual_pct=10.0),
        dict(base, year=2020, method="default", q10_pct=4.0, q50_pct=5.0, q90_pct=6.0, actual_pct=0.0),
        dict(base, year=2020, method="carry_forward", q10_pct=8.0, q50_pct=10.0, q90_pct=12.0, actual_pct=0.0),
    ])


def test_every_metric_is_split_by_regime():
    out = bm.headline(_bt_rows(), shock_years=[2020])
    assert out["ordinary"]["coverage_80"] == 1.0
    assert out["shock"]["coverage_80"] == 0.0
    assert out["all"]["coverage_80"] == 0.5
    # RMSE of the median: ordinary 0.5 vs 1.0; shock 5 vs 10; all sqrt((0.25+25)/2) vs sqrt((1+100)/2)
    assert out["ordinary"]["rmse_ratio"]["fai"] == pytest.approx(0.5)
    assert out["shock"]["rmse_ratio"]["fai"] == pytest.approx(0.5)
    assert out["all"]["rmse_ratio"]["fai"] == pytest.approx(np.sqrt(25.25 / 101), abs=1e-4)
    assert out["ordinary"]["cases"] == 1 and out["shock"]["cases"] == 1


def test_carry_forward_probability_by_hand():
    # past Dec-minus-June changes +1, +2, +3; latest June YTD 5.0. Carry-forward draws 5 +- {1, 2, 3} with
    # random sign, so {2, 3, 4, 6, 7, 8} equally likely: P(outcome >= 6.5) = 2/6.
    rows = []
    for year, change in zip((2001, 2002, 2003), (1.0, 2.0, 3.0)):
        rows += [dict(year=year, month=6, ytd_growth_pct=10.0), dict(year=year, month=12, ytd_growth_pct=10.0 + change)]
    rows.append(dict(year=2004, month=6, ytd_growth_pct=5.0))
    draws = fc.carry_forward(pd.DataFrame(rows), 2004, 6, n_draws=60000, seed=1, bandwidth_pp=0.0)
    assert np.mean(draws >= 6.5) == pytest.approx(1 / 3, abs=0.01)
    assert set(np.round(np.unique(draws), 6)) == {2.0, 3.0, 4.0, 6.0, 7.0, 8.0}


def test_brier_skill_against_carry_forward_by_hand():
    # default p = 0.8, 0.3; carry-forward 0.6, 0.5; outcomes met, not met.
    # Brier 0.065 against 0.205: skill 1 - 0.065/0.205 = 0.6829. A case carry-forward lacks is left out.
    long = pd.DataFrame([
        dict(indicator="fai", year=2019, month=6, kind="last_year", method="default", p_met=0.8, met=1.0),
        dict(indicator="fai", year=2019, month=7, kind="last_year", method="default", p_met=0.3, met=0.0),
        dict(indicator="fai", year=2019, month=8, kind="last_year", method="default", p_met=0.0, met=1.0),
        dict(indicator="fai", year=2019, month=6, kind="last_year", method="carry_forward", p_met=0.6, met=1.0),
        dict(indicator="fai", year=2019, month=7, kind="last_year", method="carry_forward", p_met=0.5, met=0.0),
    ])
    assert bm.brier_skill(long, "default") == pytest.approx(1 - 0.065 / 0.205, abs=1e-9)


def test_thresholds_and_base_rates_by_hand():
    hist = pd.DataFrame({"year": [2001, 2002, 2003, 2004, 2005], "month": [12, 12, 12, 12, 6],
                         "ytd_growth_pct": [5.0, 6.0, 5.5, 7.0, 6.0]})
    targets = pd.DataFrame({"region": ["china"] * 3, "indicator": ["gdp"] * 3, "year": [2002, 2004, 2005],
                            "target_pct": [5.5, 7.5, 7.0], "target_high_pct": [np.nan] * 3,
                            "qualifier": ["about", "at_least", "about"]})
    thr = backtest.thresholds(hist, targets, "china", "gdp", 2005)
    assert [t["kind"] for t in thr] == ["last_year-1pp", "last_year", "last_year+1pp", "target"]
    assert [t["threshold"] for t in thr] == [6.0, 7.0, 8.0, 7.0]
    # changes: 2002 +1, 2003 -0.5, 2004 +1.5. At least -1: 3 of 3; at least 0: 2 of 3; at least +1: 2 of 3
    assert [t["base_rate"] for t in thr[:3]] == pytest.approx([1.0, 2 / 3, 2 / 3])
    # targets: 2002 met (6 >= 5.5), 2004 missed (7 < 7.5)
    assert thr[3]["base_rate"] == pytest.approx(0.5)


def test_long_probabilities_adds_base_rate_and_step_once_per_case():
    bt = pd.DataFrame([dict(indicator="fai", year=2019, month=6, method=m, p_met_0=p, threshold_0_kind="last_year",
                            met_0=1.0, base_rate_0=0.25, step_0=0.0) for m, p in (("default", 0.7), ("carry_forward", 0.4))])
    long = bm.long_probabilities(bt)
    assert sorted(long.method) == ["base_rate", "carry_forward", "default", "step"]
    assert long.set_index("method").p_met.to_dict() == {"default": 0.7, "carry_forward": 0.4, "base_rate": 0.25,
                                                        "step": 0.0}


def test_recalibration_of_a_year_is_fitted_on_earlier_years_only():
    # 2001: p = 0.5 came true 1 in 4, p = 0.8 3 in 4 (hand fit: a = -ln 3, b = 2 ln 3 / ln 4);
    # 2002 came true every time, which would move the fit if it were used for 2002 itself.
    rows = [dict(year=2001, month=m, p_met_0=p, met_0=o) for m, (p, o) in
            enumerate(zip([0.5] * 4 + [0.8] * 4, [1, 0, 0, 0, 1, 1, 1, 0]), start=2)]
    rows += [dict(year=2002, month=m, p_met_0=0.5, met_0=1.0) for m in range(2, 10)]
    raw = pd.DataFrame(rows).assign(indicator="fai", method="default_raw", threshold_0_kind="last_year",
                                    base_rate_0=0.5, step_0=0.0)
    coefs = backtest.recalibrations(raw, min_years=1)
    assert coefs[2001] == (0.0, 1.0)
    assert coefs[2002][0] == pytest.approx(-np.log(3), abs=1e-4)
    assert coefs[2002][1] == pytest.approx(2 * np.log(3) / np.log(4), abs=1e-4)


def test_live_forecast_takes_the_backtest_choice_else_the_fixed_fallback(tmp_path):
    import json

    from pipeline.model.forecast import Config

    path = tmp_path / "default_choice.json"
    path.write_text(json.dumps({"indicators": {"fai": {"weights": {"state_space": 1.0}, "combine_method": "mixture",
                                                       "spread_scale": 0.4}},
                                "recalibration": {"a": 0.0, "b": 1.0}}), encoding="utf-8")
    params = tmp_path / "params.yaml"
    params.write_text("forecast:\n  default_weights: {empirical_drift: 1.0}\n  combine_method: quantile\n", encoding="utf-8")
    cfg = Config.load(params, choice_path=path)
    assert cfg.choice_for("fai") == ({"state_space": 1.0}, "mixture", 0.4)
    assert cfg.choice_for("gdp") == ({"empirical_drift": 1.0}, "quantile", 1.0)
    assert Config.load(params, choice_path=None).choice_for("fai") == ({"empirical_drift": 1.0}, "quantile", 1.0)
    assert cfg.tail_for("fai") == 0.0  # no tail weight in the file: none
    path.write_text(json.dumps({"indicators": {"fai": {"weights": {"state_space": 1.0}, "combine_method": "mixture",
                                                       "spread_scale": 0.4, "tail_weight": 0.25}}}), encoding="utf-8")
    assert Config.load(params, choice_path=path).tail_for("fai") == 0.25
    assert Config.load(params, choice_path=path).borrow_widen_pp == 1.0  # the class default: no choice in the file
    path.write_text(json.dumps({"indicators": {}, "borrow_widen_pp": 1.5}), encoding="utf-8")
    assert Config.load(params, choice_path=path).borrow_widen_pp == 1.5


def test_sorted_quantiles_interpolate_like_numpy_linear():
    from pipeline.evaluation.backtest.evaluate import _sorted_quantiles

    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    # hand-computed: position p * (n - 1) = 0.4, 2.0, 3.6, 4.0
    assert np.allclose(_sorted_quantiles(x, np.array([0.1, 0.5, 0.9, 1.0])), [0.4, 2.0, 3.6, 4.0])


def test_sorted_summary_row_counts_ties_by_the_qualifier():
    from pipeline.evaluation.backtest.evaluate import _sorted_summary_row

    x = np.array([1.0, 2.0, 2.0, 3.0])
    row = _sorted_summary_row(x, 2.0, [dict(threshold=2.0, strict=False), dict(threshold=2.0, strict=True)])
    assert row["p_met_0"] == 0.75  # at or above 2: three of four
    assert row["p_met_1"] == 0.25  # above 2: one of four
    assert row["mean_pct"] == 2.0 and row["q50_pct"] == 2.0
    # CRPS by hand: E|X - 2| = 2/4 = 0.5; |X - X'| over the 16 ordered pairs sums to 12, half the mean 0.375
    assert abs(row["crps"] - (0.5 - 0.375)) < 1e-12


def test_sorted_summary_rows_equal_the_one_row_version_on_each_row():
    from pipeline.evaluation.backtest.evaluate import _sorted_quantiles, _sorted_quantiles_rows, _sorted_summary_row, _sorted_summary_rows

    rows = np.sort(np.random.default_rng(3).normal(5.0, 1.0, (3, 400)), axis=1)
    thr = [dict(threshold=5.0, strict=False), dict(threshold=rows[1, 200], strict=True)]
    many = _sorted_summary_rows(rows, 5.3, thr)
    for r in range(3):
        one = _sorted_summary_row(rows[r], 5.3, thr)
        assert many[r].keys() == one.keys()
        assert all(abs(many[r][k] - one[k]) < 1e-12 for k in one)
        assert np.allclose(_sorted_quantiles_rows(rows, np.array([0.1, 0.5]))[r], _sorted_quantiles(rows[r], np.array([0.1, 0.5])))


def test_the_nested_choice_minimises_the_loss_params_name():
    # candidate A has the lower CRPS every year, B the lower Brier score: the loss decides, earlier years only
    a, b = backtest.candidates(PARAMS, "fai")
    rows = []
    for year in (2001, 2002, 2003):
        rows += [dict(indicator="fai", year=year, month=6, candidate=a.label, order=0, crps=1.0, brier=0.30),
                 dict(indicator="fai", year=year, month=6, candidate=b.label, order=1, crps=2.0, brier=0.10)]
    cand = pd.DataFrame(rows)
    by_crps = backtest.nested_choices(cand, min_years=1).set_index("year").candidate
    by_brier = backtest.nested_choices(cand, min_years=1, loss="brier").set_index("year").candidate
    assert by_crps.tolist() == [a.label, a.label, a.label]
    assert by_brier.tolist() == [a.label, b.label, b.label]  # 2001 has no earlier year: the fallback
    assert backtest.final_choice(cand, {**PARAMS, "choice_loss": "brier"})["fai"]["label"] == b.label
    assert backtest.final_choice(cand, PARAMS)["fai"]["label"] == a.label  # crps unless params say otherwise


def test_a_candidate_brier_score_is_the_mean_over_the_case_thresholds():
    summary = {"p_met_0": 0.9, "p_met_1": 0.2}
    base = {"met_0": 1.0, "met_1": 1.0}
    assert backtest.evaluate._brier(summary, base, 2) == pytest.approx((0.01 + 0.64) / 2)
    assert np.isnan(backtest.evaluate._brier({}, {}, 0))


def test_an_unknown_choice_loss_is_one_line_naming_the_setting():
    from pipeline.common.errors import InputError

    with pytest.raises(InputError, match=r"backtest.choice_loss: 'rmse' is not one of crps, brier"):
        backtest.choice_loss({"choice_loss": "rmse"})


def test_a_stage_asked_for_years_without_outcomes_says_so_in_one_line():
    from pipeline.common.errors import InputError

    obs = pd.DataFrame([dict(region="china", indicator="fai", year=y, month=m, period=f"{y}-{m:02d}",
                             measure="ytd_growth_pct", vintage="first", value=5.0)
                        for y in (2022, 2023) for m in (2, 12)])
    backtest.check_scorable(obs, ["fai"], [2023])  # 2023 has its December: nothing to say
    with pytest.raises(InputError, match=r"backtest.first_year..last_year 2024-2026: no year with a national "
                                         r"December outcome to score \(the national figures in the data end in 2023\)"):
        backtest.check_scorable(obs, ["fai"], [2024, 2025, 2026])
    with pytest.raises(InputError, match="first_year is after backtest.last_year"):
        backtest.check_scorable(obs, ["fai"], [])


def test_rmse_ratios_compare_the_cases_both_methods_forecast():
    """Issue 22: the default has no forecast for 2011 (too few earlier years for the state space) while
    carry-forward is scored there, and badly: the ratio must leave 2011 out, not count it for one side only."""
    base = dict(indicator="fai", month=6, q05_pct=np.nan, q25_pct=np.nan, q75_pct=np.nan, q95_pct=np.nan, crps=1.0,
                q10_pct=0.0, q90_pct=20.0)
    bt = pd.DataFrame([
        dict(base, year=2011, method="carry_forward", q50_pct=20.0, actual_pct=10.0),  # error 10, default absent
        dict(base, year=2012, method="carry_forward", q50_pct=12.0, actual_pct=10.0),  # error 2
        dict(base, year=2012, method="default", q50_pct=11.0, actual_pct=10.0),        # error 1
        dict(base, year=2012, method="empirical_drift", q50_pct=14.0, actual_pct=10.0),  # error 4
    ])
    out = bm.headline(bt, shock_years=[2020])["ordinary"]
    assert out["rmse_ratio"]["fai"] == pytest.approx(0.5)  # 1 / 2 on 2012; with 2011 in it would be 1 / sqrt(52)
    assert out["rmse_ratio_to_empirical_drift_mean"] == pytest.approx(0.25)
    assert len(bm.common_cases(bt, ["default", "carry_forward"])) == 2


def test_with_a_spread_loss_the_combination_is_chosen_by_brier_and_its_scale_by_crps():
    # two scales of one combination (x1, x0.5) and one other combination (state space, x1): the Brier score
    # prefers the narrow x0.5, CRPS its wider twin; the other combination is worse on both
    params = {"candidates": {"weights": [{"empirical_drift": 1.0}, {"state_space": 1.0}],
                             "combine_methods": ["quantile"], "spread_scales": [1.0, 0.5]},
              "choice_loss": "brier", "spread_loss": "crps"}
    wide, narrow, ss_wide, ss_narrow = backtest.candidates(params, "fai")
    loss = {wide.label: (1.0, 0.20), narrow.label: (1.5, 0.10), ss_wide.label: (3.0, 0.40), ss_narrow.label: (3.0, 0.40)}
    rows = [dict(indicator="fai", year=y, month=6, candidate=c, order=i, crps=loss[c][0], brier=loss[c][1])
            for y in (2001, 2002, 2003) for i, c in enumerate(loss)]
    cand = pd.DataFrame(rows)
    two_step = backtest.nested_choices(cand, min_years=1, loss="brier", spread_loss="crps").set_index("year").candidate
    brier_only = backtest.nested_choices(cand, min_years=1, loss="brier").set_index("year").candidate
    assert brier_only.tolist() == [wide.label, narrow.label, narrow.label]  # 2001: the fallback
    assert two_step.tolist() == [wide.label, wide.label, wide.label]
    assert backtest.final_choice(cand, params)["fai"]["label"] == wide.label
    assert backtest.final_choice(cand, {**params, "spread_loss": None})["fai"]["label"] == narrow.label
