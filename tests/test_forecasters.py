"""Forecasters on small synthetic histories: known answers, no look-ahead, determinism, p_met semantics."""
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.model import forecasters as F
from pipeline.model import distributions as D
from pipeline.model import growth
from pipeline.sources import qualifiers

N = 2000


def drifting_history(years=range(2005, 2021), drift_per_month=0.2, seed=1, months=range(2, 13)):
    """YTD decelerating by ``drift_per_month`` each month toward a year level: Dec − month m = −0.2 (12 − m)."""
    rng = np.random.default_rng(seed)
    rows = []
    for y in years:
        level = 8.0 + rng.normal(0, 1.0)
        rows += [{"year": y, "month": m, "ytd_growth_pct": level + drift_per_month * (12 - m)} for m in months]
    return pd.DataFrame(rows)


def noisy_constant_history(value=6.0, years=range(2008, 2021), months=range(2, 13), sd=0.05, seed=2):
    rng = np.random.default_rng(seed)
    return pd.DataFrame([{"year": y, "month": m, "ytd_growth_pct": value + rng.normal(0, sd)}
                         for y in years for m in months])


def test_visible_and_latest_point_ignore_the_future():
    h = drifting_history()
    vis = F.visible(h, 2015, 6)
    assert vis["year"].max() == 2015 and vis.loc[vis.year == 2015, "month"].max() == 6
    month, ytd = F.latest_point(h.assign(ytd_growth_pct=h.ytd_growth_pct.where(~((h.year == 2015) & (h.month == 6)))),
                                2015, 6)
    assert month == 5
    with pytest.raises(F.InsufficientData):
        F.latest_point(h, 2025, 6)


def test_drifts_use_only_earlier_years():
    h = drifting_history()
    d = F.drifts_pct(h, 6, 2010)
    assert list(d.index) == list(range(2005, 2010))
    np.testing.assert_allclose(d.to_numpy(), -1.2)
    assert F.drifts_pct(h, 1, 2010).empty


def test_empirical_drift_recovers_a_constant_drift():
    h = drifting_history()
    month, latest = F.latest_point(h, 2020, 5)
    draws = F.empirical_drift(h, 2020, 5, n_draws=N)
    np.testing.assert_allclose(draws, latest - 0.2 * 7, atol=1e-9)
    shrunk = F.empirical_drift(h, 2020, 5, n_draws=N, shrinkage=1.0)
    np.testing.assert_allclose(shrunk, latest, atol=1e-9)
    with pytest.raises(ValueError):
        F.empirical_drift(h, 2020, 5, shrinkage=1.5)


def test_empirical_drift_half_life_weights_recent_years():
    h = drifting_history()
    late = h.year >= 2015
    h.loc[late, "ytd_growth_pct"] -= 0.3 * (h.loc[late, "month"] - 12) / 10  # recent years decelerate faster
    latest = F.latest_point(h, 2020, 2)[1]
    flat = F.empirical_drift(h, 2020, 2, n_draws=N, bandwidth_pp=0.0).mean() - latest
    recent = F.empirical_drift(h, 2020, 2, n_draws=N, half_life_years=1.0, bandwidth_pp=0.0).mean() - latest
    assert recent < flat < -2.0


def test_carry_forward_is_centred_on_the_latest_with_the_past_change_as_spread():
    h = drifting_history()
    latest = F.latest_point(h, 2020, 4)[1]
    raw = F.carry_forward(h, 2020, 4, n_draws=N, bandwidth_pp=0.0)
    assert set(np.round(raw - latest, 9)) == {-1.6, 1.6}
    assert raw.mean() == pytest.approx(latest, abs=0.1)
    smooth = F.carry_forward(h, 2020, 4, n_draws=N)
    assert smooth.mean() == pytest.approx(latest, abs=0.1)
    assert np.sqrt(np.mean((smooth - latest) ** 2)) > 1.6


def test_december_known_gives_a_point_mass():
    h = drifting_history()
    dec = F.latest_point(h, 2018, 12)[1]
    for name, f in F.FORECASTERS.items():
        np.testing.assert_array_equal(f(h, 2018, 12, n_draws=50), np.full(50, dec))


def test_too_little_history_raises():
    h = drifting_history(years=range(2018, 2021))
    with pytest.raises(F.InsufficientData):
        F.empirical_drift(h, 2020, 5, min_years=3)
    with pytest.raises(F.InsufficientData):
        F.carry_forward(h, 2019, 5)
    with pytest.raises(F.InsufficientData):
        F.state_space(h, 2020, 5, min_years=3)


@pytest.mark.parametrize("name", sorted(F.FORECASTERS))
def test_no_look_ahead(name):
    h = drifting_history()
    future = (h.year > 2016) | ((h.year == 2016) & (h.month > 7))
    changed = h.copy()
    changed.loc[future, "ytd_growth_pct"] = changed.loc[future, "ytd_growth_pct"] * 3 + 10
    f = F.FORECASTERS[name]
    np.testing.assert_array_equal(f(h, 2016, 7, n_draws=500, seed=3), f(changed, 2016, 7, n_draws=500, seed=3))


@pytest.mark.parametrize("name", sorted(F.FORECASTERS))
def test_determinism(name):
    h = drifting_history()
    f = F.FORECASTERS[name]
    a, b = f(h, 2016, 7, n_draws=300, seed=5), f(h, 2016, 7, n_draws=300, seed=5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, f(h, 2016, 7, n_draws=300, seed=6))
    assert a.shape == (300,)


def test_state_space_on_a_constant_series_stays_near_the_constant():
    h = noisy_constant_history(6.0)
    draws = F.state_space(h, 2020, 6, n_draws=N)
    assert abs(draws.mean() - 6.0) < 0.3
    assert draws.std() < 1.0


def test_state_space_accepts_a_jan_feb_profile_with_january_releases():
    h = noisy_constant_history(6.0, months=range(1, 13))
    draws = F.state_space(h, 2020, 6, n_draws=N, profile=growth.equal_profile(growth.JAN_FEB))
    assert np.isfinite(draws).all() and abs(draws.mean() - 6.0) < 0.3


def test_state_space_on_quarterly_history():
    h = noisy_constant_history(5.0, months=(3, 6, 9, 12), sd=0.1)
    draws = F.state_space(h, 2020, 7, n_draws=N)
    assert abs(np.median(draws) - 5.0) < 0.3


def test_state_space_follows_a_step_up_in_single_month_growth():
    """Months running at 9 % after 5 % pull December above the latest YTD (carry-forward would not).

    The parameters are estimated on earlier years only, so those years must show that the level moves
    (a random walk of monthly growth), as real series do.
    """
    rng = np.random.default_rng(0)
    rows = []
    for y in range(2006, 2021):
        walk = 5.0 + np.cumsum(rng.normal(0, 0.6, 12))
        monthly = walk + rng.normal(0, 0.3, 12) if y < 2020 else np.r_[np.full(4, 5.0), np.full(8, 9.0)]
        ytd = np.cumsum(monthly) / np.arange(1, 13)
        rows += [{"year": y, "month": m, "ytd_growth_pct": ytd[m - 1]} for m in range(2, 13)]
    h = pd.DataFrame(rows)
    latest = F.latest_point(h, 2020, 8)[1]
    december = F.latest_point(h, 2020, 12)[1]
    assert december - latest > 0.6
    median = np.median(F.state_space(h, 2020, 8, n_draws=N))
    assert latest + 0.15 < median < december + 0.5


def _bridge_fixture():
    iva = drifting_history(seed=4)
    gdp = iva[iva.month.isin([3, 6, 9, 12])].assign(ytd_growth_pct=lambda d: 1.0 + 0.5 * d.ytd_growth_pct)
    return gdp, iva


def test_bridge_recovers_the_relation_before_any_gdp_release():
    gdp, iva = _bridge_fixture()
    draws = F.bridge_gdp(gdp, {"industrial_va": iva}, 2020, 2, indicator_draws={"industrial_va": np.full(N, 10.0)},
                         n_draws=N)
    np.testing.assert_allclose(draws, 6.0, atol=1e-6)


def test_bridge_moves_current_gdp_by_the_indicators_expected_change():
    gdp, iva = _bridge_fixture()
    gdp = gdp.copy()
    gdp.loc[(gdp.year == 2020) & (gdp.month == 6), "ytd_growth_pct"] += 0.4  # this year's GDP runs above the bridge
    iva_dec = F.empirical_drift(iva, 2020, 8, n_draws=N, seed=1)
    draws = F.bridge_gdp(gdp, {"industrial_va": iva}, 2020, 8, indicator_draws={"industrial_va": iva_dec}, n_draws=N)
    np.testing.assert_allclose(draws, 1.0 + 0.5 * iva_dec + 0.4, atol=1e-6)
    default = F.bridge_gdp(gdp, {"industrial_va": iva}, 2020, 8, n_draws=300, indicator_forecaster=F.empirical_drift)
    np.testing.assert_allclose(default, 1.0 + 0.5 * iva_dec[0] + 0.4, atol=1e-6)


def test_bridge_no_look_ahead_and_insufficient_data():
    gdp, iva = _bridge_fixture()
    later = lambda d: (d.year > 2016) | ((d.year == 2016) & (d.month > 7))  # noqa: E731
    gdp2 = gdp.assign(ytd_growth_pct=gdp.ytd_growth_pct.where(~later(gdp), 99.0))
    iva2 = iva.assign(ytd_growth_pct=iva.ytd_growth_pct.where(~later(iva), -99.0))
    a = F.bridge_gdp(gdp, {"industrial_va": iva}, 2016, 7, n_draws=300, seed=2)
    b = F.bridge_gdp(gdp2, {"industrial_va": iva2}, 2016, 7, n_draws=300, seed=2)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(F.InsufficientData):
        F.bridge_gdp(gdp, {"industrial_va": iva}, 2008, 7, n_draws=100)


def test_combine_mixture_and_quantile():
    draws = {"a": np.zeros(1000), "b": np.full(1000, 10.0), "c": np.full(1000, 99.0)}
    mixed = D.combine(draws, {"a": 0.25, "b": 0.75, "c": 0.0}, seed=1)
    assert len(mixed) == 1000 and np.mean(mixed == 10.0) == pytest.approx(0.75) and 99.0 not in mixed
    np.testing.assert_array_equal(mixed, D.combine(draws, {"a": 0.25, "b": 0.75}, seed=1))
    pooled = D.combine(draws, {"a": 1.0, "b": 3.0}, method="quantile")
    np.testing.assert_allclose(pooled, 7.5)
    np.testing.assert_array_equal(np.sort(D.combine(draws, {"b": 1.0})), draws["b"])
    with pytest.raises(ValueError):
        D.combine(draws, {"z": 1.0})


def test_borrow_shifts_the_parent_to_the_local_level_and_widens():
    parent = np.random.default_rng(0).normal(6.0, 1.0, 20000)
    draws, share = D.borrow(parent, local_latest=8.0, parent_latest=5.5, widen_pp=1.0, seed=1)
    assert share == 1.0
    assert draws.mean() == pytest.approx(8.5, abs=0.05)
    assert draws.std() == pytest.approx(math.sqrt(2.0), abs=0.05)
    own = np.full(20000, 3.0)
    mixed, share = D.borrow(parent, 8.0, 5.5, 1.0, own_draws=own, own_years=5, credibility_years=5.0)
    assert share == pytest.approx(0.5)
    assert np.mean(mixed == 3.0) == pytest.approx(0.5)


def test_p_met_thresholds_and_tolerance():
    x = np.array([4.0, 4.8, 5.0, 5.2, 6.0])
    assert D.p_met(x, 5.0, "at_least") == (0.6, 0.6)
    assert D.p_met(x, 5.0, "以上") == (0.6, 0.6)
    assert D.p_met(x, 5.0, "about", tolerance=0.3) == (0.6, 0.8)
    assert D.p_met(x, 5.0, "exceed") == (0.4, 0.6)
    assert D.p_met(x, 5.0, "at_most", tolerance=0.3) == (0.6, 0.8)
    assert D.p_met(x - 5.0, None, "positive") == (0.4, 0.4)
    assert all(math.isnan(p) for p in D.p_met(x, None, "at_least"))
    with pytest.raises(ValueError):
        D.p_met(x, 5.0, "no such wording")


def test_p_met_relative_targets_compare_draw_by_draw():
    gdp = np.random.default_rng(0).normal(5.0, 1.0, 1000)
    income = gdp + np.where(np.arange(1000) < 300, 0.5, -0.1)  # faster than GDP in 30 % of the draws
    strict, tolerant = D.p_met(income, None, "above", relative_draws=gdp, tolerance=0.2)
    assert strict == pytest.approx(0.3) and tolerant == 1.0
    assert D.p_met(gdp, None, "above", relative_draws=gdp).strict == 0.0
    assert D.p_met(gdp, None, "in_step", relative_draws=gdp).strict == 1.0
    assert D.p_met(gdp, None, "above", relative_draws=4.0).strict == pytest.approx(np.mean(gdp > 4.0))
    assert all(math.isnan(p) for p in D.p_met(gdp, None, "above"))
    with pytest.raises(ValueError):
        D.p_met(gdp, None, "above", relative_draws=gdp[:10])


@settings(max_examples=300, deadline=None)
@given(st.floats(-5, 15), st.floats(-5, 15), st.sampled_from(qualifiers.CODES), st.floats(0, 1), st.floats(-5, 15))
def test_p_met_on_one_draw_agrees_with_qualifiers_met(outcome, target, code, tol, relative):
    p = D.p_met(np.array([outcome]), target, code, relative_draws=np.array([relative]), tolerance=tol)
    for prob, tolerant in zip(p, (False, True)):
        expected = qualifiers.met(outcome, target, code, relative_outcome=relative, tolerance=tol, tolerant=tolerant)
        assert prob == float(expected)


def test_summarize():
    s = D.summarize(np.arange(101, dtype=float))
    assert list(s) == ["mean", "q05", "q10", "q25", "q50", "q75", "q90", "q95"]
    assert s["mean"] == 50.0 and s["q05"] == 5.0 and s["q95"] == 95.0


def test_history_from_observations_prefers_first_release():
    base = {"region": "hunan", "indicator": "fai", "measure": "ytd_growth_pct", "unit": "pct"}
    obs = pd.DataFrame([
        {**base, "year": 2020, "month": 12, "vintage": "first", "value": 7.6},
        {**base, "year": 2020, "month": 12, "vintage": "latest", "value": 7.4},
        {**base, "year": 2020, "month": 11, "vintage": "latest", "value": 7.0},
        {**base, "year": 2020, "month": 11, "measure": "ytd_level", "vintage": "first", "value": 3e4},
        {**base, "region": "china", "year": 2020, "month": 12, "vintage": "first", "value": 2.9},
    ])
    h = F.history_from_observations(obs, "hunan", "fai")
    assert h.to_dict("list") == {"year": [2020, 2020], "month": [11, 12], "ytd_growth_pct": [7.0, 7.6]}


def test_rescale_moves_draws_about_the_median():
    # median of {1, 2, 3, 10} is 2.5; half the distance to it: 1.75, 2.25, 2.75, 6.25
    assert D.rescale(np.array([1.0, 2.0, 3.0, 10.0]), 0.5).tolist() == [1.75, 2.25, 2.75, 6.25]


def test_heavier_tails_by_hand_on_four_draws():
    # n = 4: normal scores of (i + 0.5) / 4 are -+1.15035 and -+0.31864; with h = 0.5 the factors are
    # exp(0.25 (z^2 - 1.28155^2)) = 0.92333 (outer) and 0.68031 (inner), applied about the median 2.5
    out = D.heavier_tails(np.array([10.0, 1.0, 3.0, 2.0]), 0.5)
    assert out == pytest.approx([9.42498, 1.11500, 2.84015, 2.15985], abs=1e-4)
    assert D.heavier_tails(np.array([10.0, 1.0, 3.0, 2.0]), 0.0).tolist() == [10.0, 1.0, 3.0, 2.0]


def test_heavier_tails_keep_the_median_and_the_80pct_band_and_narrow_the_50pct_band():
    x = np.random.default_rng(0).standard_normal(200_001)
    y = D.heavier_tails(x, 0.5)
    assert (np.argsort(y, kind="stable") == np.argsort(x, kind="stable")).all()  # order kept
    assert np.median(y) == pytest.approx(np.median(x), abs=1e-9)
    assert np.quantile(y, [0.1, 0.9]) == pytest.approx(np.quantile(x, [0.1, 0.9]), abs=0.01)
    # the quartile 0.6745 times exp(0.25 (0.6745^2 - 1.2816^2)) = 0.5012
    assert np.quantile(y, 0.75) == pytest.approx(0.5012, abs=0.01)
    assert np.quantile(y, 0.99) > np.quantile(x, 0.99) + 0.5  # 2.326 -> 2.326 exp(0.25 (5.41 - 1.64)) = 5.97


def _jump_history(current_feb: float) -> pd.DataFrame:
    # Februaries 6 years running sit 1, 0, -1, 2, 0.5 pp from the previous December (8.0 each year)
    rows = [dict(year=2000, month=12, ytd_growth_pct=8.0)]
    for year, jump in zip(range(2001, 2006), (1.0, 0.0, -1.0, 2.0, 0.5)):
        rows += [dict(year=year, month=2, ytd_growth_pct=8.0 + jump), dict(year=year, month=12, ytd_growth_pct=8.0)]
    rows.append(dict(year=2006, month=2, ytd_growth_pct=current_feb))
    return pd.DataFrame(rows)


def test_shock_gap_only_outside_the_historical_range_of_jumps():
    # past jumps span [-1, 2]: a February at 9.5 (+1.5) is ordinary; at 0.0 (-8) it is a shock, gap 8 back up
    assert F.shock_gap(_jump_history(9.5), 2006, 2) is None
    assert F.shock_gap(_jump_history(0.0), 2006, 2) == pytest.approx(8.0)
    assert F.shock_gap(_jump_history(0.0), 2006, 2, min_years=6) is None  # five earlier years are too few


def test_shock_reversion_spreads_draws_between_path_and_last_year():
    out = D.shock_reversion(np.zeros(20000), 8.0, seed=3)
    assert out.min() >= 0.0 and out.max() <= 8.0
    assert np.quantile(out, 0.5) == pytest.approx(4.0, abs=0.15)  # Uniform(0, 8): median 4


def test_gdp_profile_uses_only_levels_public_in_the_year():
    from pipeline.model.forecast import gdp_profile

    def levels(year, vintage):
        return [dict(region="china", indicator="gdp", measure="ytd_level", year=year, month=m, vintage=vintage,
                     value=v) for m, v in zip((3, 6, 9, 12), (10.0, 30.0, 60.0, 100.0))]

    # revised levels of last year came out after the forecast: equal quarters
    obs = pd.DataFrame(levels(2022, "latest"))
    assert gdp_profile(obs, 2023).attrs["source"] == "fallback"
    # revised levels of two years before, or last year's first release, were public
    assert gdp_profile(obs, 2024).round(4).tolist() == [0.1, 0.2, 0.3, 0.4]
    first = pd.DataFrame(levels(2022, "first"))
    assert gdp_profile(first, 2023).round(4).tolist() == [0.1, 0.2, 0.3, 0.4]


def test_recalibrate_moves_every_exceedance_probability_by_the_logistic_map():
    # a = ln(1/3), b = 1: a 50% chance becomes sigmoid(ln(1/3)) = 1/4; a = 0, b = 1 leaves the draws alone
    draws = np.arange(1000, dtype=float)
    out = D.recalibrate(draws, math.log(1 / 3), 1.0)
    assert np.mean(out >= 499.5) == pytest.approx(0.25, abs=0.002)
    assert D.recalibrate(draws[::-1], 0.0, 1.0).tolist() == draws.tolist()


def test_fit_recalibration_by_hand():
    # p = 0.5 came true 1 in 4, p = 0.8 came true 3 in 4: a + b·0 = logit(1/4), a + b·ln 4 = logit(3/4),
    # so a = -ln 3 = -1.0986 and b = 2 ln 3 / ln 4 = 1.5850 (the saturated fit)
    p = [0.5] * 4 + [0.8] * 4
    met = [1, 0, 0, 0, 1, 1, 1, 0]
    a, b = D.fit_recalibration(p, met)
    assert a == pytest.approx(-math.log(3), abs=1e-4)
    assert b == pytest.approx(2 * math.log(3) / math.log(4), abs=1e-4)
    assert D.fit_recalibration([0.3, 0.6], [1, 1]) == (0.0, 1.0)  # nothing to learn from one outcome


def test_year_by_month_keeps_the_last_row_of_a_repeated_period():
    from pipeline.model.forecasters import year_by_month

    h = pd.DataFrame({"year": [2020, 2020, 2021, 2020], "month": [3, 12, 3, 3], "ytd_growth_pct": [1.0, 2.0, 3.0, 4.0]})
    wide = year_by_month(h)
    assert list(wide.index) == [2020, 2021] and list(wide.columns) == [3, 12]
    assert wide.loc[2020, 3] == 4.0 and wide.loc[2020, 12] == 2.0 and wide.loc[2021, 3] == 3.0
    assert np.isnan(wide.loc[2021, 12])


def test_history_prefers_the_first_release_and_skips_other_series():
    from pipeline.model.forecasters import history_from_observations

    obs = pd.DataFrame({
        "region": ["china", "china", "china", "hunan", "china"],
        "indicator": ["fai", "fai", "fai", "fai", "gdp"],
        "year": [2021, 2021, 2020, 2021, 2021], "month": [6, 6, 12, 6, 6],
        "measure": ["ytd_growth_pct"] * 5,
        "vintage": ["latest", "first", "latest", "first", "first"],
        "value": [9.0, 12.6, 2.9, 5.0, 12.7]})
    h = history_from_observations(obs, "china", "fai")
    assert h.to_dict("list") == {"year": [2020, 2021], "month": [12, 6], "ytd_growth_pct": [2.9, 12.6]}


def test_recent_drift_learns_only_from_first_year_on_and_not_from_excluded_years():
    # every year drifts -1 pp from June to December, except 2008 and 2015 (+5 pp): with those two left out
    # (one before first_year, one excluded as a shock year) every draw is latest - 1 exactly
    rows = []
    for y in range(2000, 2021):
        for m in range(2, 13):
            rows.append(dict(year=y, month=m, ytd_growth_pct=8.0 - (m - 6) / 6 * (1.0 if y not in (2008, 2015) else -5.0)))
    h = pd.DataFrame(rows)
    h = h[~((h.year == 2020) & (h.month > 6))]
    draws = F.recent_drift(h, 2020, 6, n_draws=500, first_year=2010, exclude_years=(2015,), half_life_years=10.0)
    np.testing.assert_allclose(draws, 8.0 - 1.0, atol=0.6)  # the kernel adds at most a little noise: all -1 drifts
    assert abs(float(np.mean(draws)) - 7.0) < 0.05
    with_shock = F.recent_drift(h, 2020, 6, n_draws=500, first_year=2010, half_life_years=10.0)
    assert float(np.mean(with_shock)) > 7.2  # 2015's +5 drift is in the sample when not excluded
    with pytest.raises(F.InsufficientData):
        F.recent_drift(h, 2020, 6, first_year=2019)  # one past year from 2019 on: too few
