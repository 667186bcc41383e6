"""Growth arithmetic: the YTD identities, required growth, seasonal profiles, two-year averages."""
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pipeline.model import growth

growth_pct = st.floats(-40.0, 80.0, allow_nan=False)
weight = st.floats(0.05, 10.0, allow_nan=False)


@st.composite
def periods(draw, min_size=1, max_size=12):
    n = draw(st.integers(min_size, max_size))
    g = draw(hnp.arrays(float, n, elements=growth_pct))
    w = draw(hnp.arrays(float, n, elements=weight))
    return g, w


@settings(max_examples=200, deadline=None)
@given(periods())
def test_period_to_ytd_to_period_round_trip(gw):
    g, w = gw
    np.testing.assert_allclose(growth.period_from_ytd_pct(growth.ytd_from_period_pct(g, w), w), g, atol=1e-8)


@settings(max_examples=200, deadline=None)
@given(periods())
def test_ytd_to_period_to_ytd_round_trip(gw):
    ytd, w = gw
    np.testing.assert_allclose(growth.ytd_from_period_pct(growth.period_from_ytd_pct(ytd, w), w), ytd, atol=1e-8)


@settings(max_examples=100, deadline=None)
@given(periods(min_size=3))
def test_ytd_lies_between_smallest_and_largest_period_growth(gw):
    g, w = gw
    ytd = growth.ytd_from_period_pct(g, w)
    assert np.all(ytd >= np.minimum.accumulate(g) - 1e-9)
    assert np.all(ytd <= np.maximum.accumulate(g) + 1e-9)


def test_equal_weights_make_ytd_the_running_mean():
    g = np.array([3.0, 5.0, 10.0, -2.0])
    np.testing.assert_allclose(growth.ytd_from_period_pct(g, np.ones(4)), [3.0, 4.0, 6.0, 4.0])


def test_weights_matter_when_periods_differ():
    # A large December period pulls the annual figure toward December's growth.
    ytd = growth.ytd_from_period_pct([0.0, 10.0], [1.0, 3.0])
    assert ytd[-1] == pytest.approx(7.5)


def test_works_on_draw_matrices():
    g = np.array([[1.0, 2.0, 3.0], [4.0, 4.0, 4.0]])
    ytd = growth.ytd_from_period_pct(g, [1.0, 1.0, 1.0])
    np.testing.assert_allclose(ytd, [[1.0, 1.5, 2.0], [4.0, 4.0, 4.0]])
    np.testing.assert_allclose(growth.period_from_ytd_pct(ytd, [1.0, 1.0, 1.0]), g)


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(float, 12, elements=growth_pct), hnp.arrays(float, 12, elements=weight))
def test_jan_feb_combined_period_gives_the_same_ytd_from_february(monthly_g, monthly_w):
    """Combining January and February into one release changes nothing from February on."""
    ytd_monthly = growth.ytd_from_period_pct(monthly_g, monthly_w)
    jf_growth = (monthly_w[0] * monthly_g[0] + monthly_w[1] * monthly_g[1]) / (monthly_w[0] + monthly_w[1])
    combined_g = np.concatenate([[jf_growth], monthly_g[2:]])
    combined_w = np.concatenate([[monthly_w[0] + monthly_w[1]], monthly_w[2:]])
    np.testing.assert_allclose(growth.ytd_from_period_pct(combined_g, combined_w), ytd_monthly[1:], atol=1e-8)


def test_jan_feb_single_period_growth_uses_the_combined_weight():
    profile = growth.equal_profile(growth.JAN_FEB)
    assert list(profile.index) == list(range(2, 13))
    assert profile.loc[2] == pytest.approx(2 / 12)
    ytd = np.array([6.0, 7.0])  # Jan–Feb 6 %, Jan–Mar 7 %
    g = growth.period_from_ytd_pct(ytd, profile.to_numpy()[:2])
    assert g[0] == pytest.approx(6.0)
    assert g[1] == pytest.approx(9.0)  # (3·1.07 − 2·1.06) − 1


def test_period_end_months():
    assert growth.period_end_months("quarterly") == (3, 6, 9, 12)
    assert growth.period_end_months("monthly", jan_feb_combined=False)[0] == 1
    assert growth.period_end_months("monthly")[0] == 2
    with pytest.raises(ValueError):
        growth.period_end_months("weekly")


def test_required_growth_known_value():
    # Half the year done at 4 %, target 5 %: the second half needs 6 %.
    assert growth.required_growth_pct(4.0, 5.0, 0.5) == pytest.approx(6.0)


@settings(max_examples=200, deadline=None)
@given(growth_pct, st.floats(-10, 20), st.floats(0.0, 0.95))
def test_required_growth_reproduces_the_target_when_achieved(ytd, target, share):
    r = growth.required_growth_pct(ytd, target, share)
    assert growth.annual_from_rest_pct(ytd, share, r) == pytest.approx(target, abs=1e-8)


@settings(max_examples=100, deadline=None)
@given(growth_pct, st.floats(-10, 20), st.floats(0.05, 0.95))
def test_required_growth_above_target_iff_behind(ytd, target, share):
    r = growth.required_growth_pct(ytd, target, share)
    if ytd < target - 1e-9:
        assert r > target
    elif ytd > target + 1e-9:
        assert r < target


def test_required_growth_quarterly_gdp():
    profile = pd.Series([0.22, 0.24, 0.25, 0.29], index=[3, 6, 9, 12])
    s = growth.share_through(profile, 9)
    assert s == pytest.approx(0.71)
    r = growth.required_growth_pct(4.8, 5.0, s)
    assert r == pytest.approx(((1.05 - 0.71 * 1.048) / 0.29 - 1) * 100)
    assert growth.share_through(profile, 2) == 0.0


def test_required_growth_nan_once_the_year_is_complete_and_vectorised():
    assert math.isnan(growth.required_growth_pct(5.0, 5.0, 1.0))
    out = growth.required_growth_pct(np.array([4.0, 6.0]), 5.0, np.array([0.5, 0.5]))
    np.testing.assert_allclose(out, [6.0, 4.0])


def _ytd_levels(monthly_shares, years=(2021, 2022), months=range(1, 13), total=1200.0):
    rows = []
    for y in years:
        cum = np.cumsum(monthly_shares) * total
        rows += [{"year": y, "month": m, "value": cum[m - 1]} for m in months]
    return pd.DataFrame(rows)


def test_seasonal_profile_recovers_shares_from_ytd_levels():
    shares = np.linspace(1, 2, 12) / np.linspace(1, 2, 12).sum()
    prof = growth.seasonal_profile(_ytd_levels(shares))
    assert prof.attrs["source"] == "levels"
    np.testing.assert_allclose(prof.to_numpy(), shares)


def test_seasonal_profile_from_period_levels_and_measure_column():
    shares = np.linspace(1, 3, 12) / np.linspace(1, 3, 12).sum()
    levels = pd.DataFrame({"year": 2022, "month": range(1, 13), "value": shares * 500, "measure": "period_level"})
    levels = pd.concat([levels, levels.assign(measure="ytd_growth_pct", value=7.0)])
    prof = growth.seasonal_profile(levels, measure="period_level")
    np.testing.assert_allclose(prof.to_numpy(), shares)


def test_seasonal_profile_with_jan_feb_combined_levels():
    shares = np.full(12, 1 / 12)
    prof = growth.seasonal_profile(_ytd_levels(shares, months=range(2, 13)))
    assert list(prof.index) == list(range(2, 13))
    assert prof.loc[2] == pytest.approx(2 / 12)
    quarters = growth.seasonal_profile(_ytd_levels(shares), end_months=growth.QUARTERS)
    np.testing.assert_allclose(quarters.to_numpy(), [0.25] * 4)


def test_seasonal_profile_uses_only_requested_years():
    early = _ytd_levels(np.full(12, 1 / 12), years=(2020,))
    late_shares = np.r_[np.full(11, 0.05), 0.45]
    late = _ytd_levels(late_shares, years=(2022,))
    prof = growth.seasonal_profile(pd.concat([early, late]), years=[2022])
    np.testing.assert_allclose(prof.to_numpy(), late_shares)


def test_seasonal_profile_falls_back():
    assert growth.seasonal_profile(None).attrs["source"] == "fallback"
    no_december = _ytd_levels(np.full(12, 1 / 12), months=range(1, 12))
    prof = growth.seasonal_profile(no_december)
    assert prof.attrs["source"] == "fallback"
    pd.testing.assert_series_equal(prof, growth.equal_profile(), check_names=False)
    custom = pd.Series([0.2, 0.3, 0.5], index=[4, 8, 12])
    assert growth.seasonal_profile(pd.DataFrame(columns=["year", "month", "value"]), fallback=custom).loc[12] == 0.5


def test_aggregate_profile_keeps_the_total():
    monthly = pd.Series(np.arange(1, 13, dtype=float), index=range(1, 13))
    q = growth.aggregate_profile(monthly, growth.QUARTERS)
    assert q.sum() == pytest.approx(1.0)
    assert q.loc[3] == pytest.approx(6 / 78)
    with pytest.raises(ValueError):
        growth.aggregate_profile(monthly, [3, 6, 9])


def test_two_year_average():
    assert growth.two_year_average_pct(5.0, 5.0) == pytest.approx(5.0)
    # 2021 industry (9.6 % on a 2020 base of 2.8 %) reads as about 6.2 % a year.
    assert growth.two_year_average_pct(9.6, 2.8) == pytest.approx((math.sqrt(1.096 * 1.028) - 1) * 100)
    assert math.isnan(growth.two_year_average_pct(-150.0, 5.0))


@settings(max_examples=100, deadline=None)
@given(growth_pct, growth_pct)
def test_two_year_average_between_the_two_years(a, b):
    avg = growth.two_year_average_pct(a, b)
    assert min(a, b) - 1e-9 <= avg <= max(a, b) + 1e-9


def test_two_year_average_history_matches_same_month_a_year_earlier():
    hist = pd.DataFrame({"year": [2020, 2020, 2021, 2021], "month": [2, 12, 2, 12],
                         "ytd_growth_pct": [-13.5, 2.8, 35.1, 9.6]})
    out = growth.two_year_average_history(hist)
    assert out["two_year_avg_pct"].iloc[:2].isna().all()
    assert out.loc[(out.year == 2021) & (out.month == 2), "two_year_avg_pct"].item() == pytest.approx(
        (math.sqrt(0.865 * 1.351) - 1) * 100)


def test_aggregate_profile_memo_hands_out_copies():
    from pipeline.model import growth

    monthly = pd.Series(1.0 / 12.0, index=pd.Index(range(1, 13), name="month"))
    first = growth.aggregate_profile(monthly, [3, 6, 9, 12])
    first.iloc[0] = 99.0  # a caller changing its copy must not change the next answer
    again = growth.aggregate_profile(monthly, [3, 6, 9, 12])
    assert np.allclose(again.to_numpy(), [0.25, 0.25, 0.25, 0.25])
