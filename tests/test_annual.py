"""Annual forecaster: a small synthetic panel where the right answer is known, no look-ahead, blend, qualifiers."""
import math

import numpy as np
import pandas as pd
import pytest

from pipeline import annual, backtest_annual

REGIONS = ["hunan", "hubei", "henan", "jiangxi", "anhui", "guangdong", "sichuan", "shandong"]
BASE_PP = {"hunan": -1.0, "hubei": 1.5, "henan": 1.0, "jiangxi": 0.8, "anhui": 1.2, "guangdong": 2.0,
           "sichuan": 0.5, "shandong": 1.0}
YEARS = range(2000, 2016)
PARAMS = {**annual.DEFAULTS, "n_draws": 2000}


def _fixture(seed: int = 1):
    """Targets of 8% every year; margins = region base + 0.8 x national change + noise: hunan about 1 pp short."""
    rng = np.random.default_rng(seed)
    nat = {y: 9.0 + rng.normal(0, 0.5) for y in range(1998, 2016)}
    obs, rec = [], []
    for y, g in nat.items():
        for m in (3, 6, 9, 12):
            value = g if m == 12 else g + rng.normal(0, 0.3)
            obs.append(dict(region="china", indicator="gdp", year=y, month=m, measure="ytd_growth_pct", vintage="first",
                            value=round(value, 2)))
    for r in REGIONS:
        for y in YEARS:
            margin = BASE_PP[r] + 0.8 * (nat[y] - nat[y - 1]) + rng.normal(0, 0.3)
            outcome = round(8.0 + margin, 1)
            obs.append(dict(region=r, indicator="gdp", year=y, month=12, measure="ytd_growth_pct", vintage="latest",
                            value=outcome))
            rec.append(dict(region=r, indicator="gdp", year=y, target_pct=8.0, qualifier="unknown", met=outcome >= 8.0))
    record = pd.DataFrame(rec).astype({"met": "boolean"})
    return record, pd.DataFrame(obs), nat


@pytest.fixture(scope="module")
def data():
    return _fixture()


def test_region_that_always_misses_gets_low_p_met(data):
    record, obs, _ = data
    panel = annual.build_panel(record, obs)
    p_bad, _, info = annual.annual_p_met(panel, "hunan", "gdp", 2015, 0, 2000, 0, params=PARAMS)
    p_good, _, _ = annual.annual_p_met(panel, "guangdong", "gdp", 2015, 0, 2000, 0, params=PARAMS)
    assert info["mode"] == "target" and info["n_train_years"] >= 10
    assert record[record.region == "hunan"].met.mean() < 0.2  # the fixture: hunan nearly always misses
    assert p_bad < 0.2, p_bad
    assert p_good > 0.8, p_good
    assert info["predicted_margin_pp"] < -0.5


def test_national_slowdown_lowers_forecast_as_year_goes_on(data):
    record, obs, nat = data
    obs = obs.copy()
    # 2015: national YTD 3 pp below 2014 at every quarter (the full-year outcome of the regions is untouched)
    sel = (obs.region == "china") & (obs.year == 2015)
    obs.loc[sel, "value"] = obs.loc[sel, "month"].map(
        lambda m: float(obs[(obs.region == "china") & (obs.year == 2014) & (obs.month == m)].value.iloc[0]) - 3.0)
    panel = annual.build_panel(record, obs)
    jan, _ = annual.annual_draws(panel, "hubei", "gdp", 2015, 0, 2000, 0, params=PARAMS)
    sep, info = annual.annual_draws(panel, "hubei", "gdp", 2015, 9, 2000, 0, params=PARAMS)
    assert "nat_gdp_change_pp" in info["features"]
    assert info["coef"]["nat_gdp_change_pp"] > 0.4  # learned from earlier years: margins follow the nation
    assert np.mean(sep) < np.mean(jan) - 1.0


def test_no_look_ahead(data):
    record, obs, _ = data
    base = annual.build_panel(record, obs)
    later = obs.copy()
    later.loc[(later.region == "hubei") & (later.year >= 2012), "value"] -= 5.0  # later outcomes change
    later.loc[(later.region == "china") & (later.year == 2010) & (later.month == 9), "value"] += 4.0  # later month
    rec = record.copy()
    rec.loc[(rec.region == "hubei") & (rec.year >= 2012), "met"] = False
    changed = annual.build_panel(rec, later)
    for region in ("hubei", "hunan"):
        for month in (0, 6):
            a, ia = annual.annual_draws(base, region, "gdp", 2010, month, 2000, 3, params=PARAMS)
            b, ib = annual.annual_draws(changed, region, "gdp", 2010, month, 2000, 3, params=PARAMS)
            np.testing.assert_array_equal(a, b)
            assert ia["coef"] == ib["coef"]
    a, _ = annual.annual_draws(base, "hubei", "gdp", 2013, 0, 2000, 3, params=PARAMS)
    b, _ = annual.annual_draws(changed, "hubei", "gdp", 2013, 0, 2000, 3, params=PARAMS)
    assert not np.array_equal(a, b)  # the change is visible once the changed year is in the past


def test_backtest_no_look_ahead_and_deterministic(data):
    record, obs, _ = data
    params = {**PARAMS, "backtest": {**backtest_annual.BACKTEST_DEFAULTS, "province_years": [2006, 2015],
                                     "province_months": [0, 6], "prefecture_years": [2006, 2006],
                                     "recent_years": []}}
    cases, metrics, rel = backtest_annual.run(record, obs, params)
    again, _, _ = backtest_annual.run(record, obs, params)
    pd.testing.assert_frame_equal(cases, again)
    later_obs = obs.copy()
    later_obs.loc[(later_obs.region != "china") & (later_obs.year == 2015), "value"] += 3.0
    moved, _, _ = backtest_annual.run(record, later_obs, params)
    early = cases.year < 2015
    pd.testing.assert_frame_equal(cases[early].drop(columns=["outcome_pct", "covered80"]),
                                  moved[early].drop(columns=["outcome_pct", "covered80"]))
    assert metrics["by_level_month"]["province_m00"]["n"] == len(REGIONS) * 10
    assert set(rel.columns) >= {"p_mean", "observed", "n"}


def test_blend_weights_zero_and_one_give_components():
    a = np.random.default_rng(0).normal(5, 1, 1000)
    y = np.random.default_rng(1).normal(7, 0.2, 1000)
    np.testing.assert_array_equal(annual.blend(a, y, 0.0), a)
    np.testing.assert_array_equal(annual.blend(a, y, 1.0), y)
    half = annual.blend(a, y, 0.5, seed=2)
    assert len(half) == 1000 and abs(np.mean(half) - 6.0) < 0.15
    assert np.std(annual.blend(a, y, 0.5, method="average")) < np.std(half)
    w = annual.precision_weight(a, y)
    assert 0.9 < w < 1.0  # the sharper YTD forecast dominates
    with pytest.raises(ValueError):
        annual.blend(a, y, 1.5)


def test_p_met_honors_qualifier():
    draws = np.array([5.9, 6.0, 6.0, 6.1])
    assert annual.p_met(draws, 6.0, "at_least") == 0.75
    assert annual.p_met(draws, 6.0, "exceed") == 0.25          # 突破: strictly above
    assert annual.p_met(draws, 6.0, "about", tolerance_pp=0.5, tolerant=True) == 1.0
    assert annual.p_met(draws, 6.0, "at_most") == 0.75
    assert annual.p_met(draws, None, "positive") == 1.0
    assert math.isnan(annual.p_met(draws, None, "above"))
    assert annual.p_met(draws, None, "above", relative_outcome=6.0) == 0.25


def test_national_mode_without_target(data):
    record, obs, nat = data
    panel = annual.build_panel(record, obs)
    draws, info = annual.annual_draws(panel, "hubei", "gdp", 2015, 0, 2000, 0, anchor="national", params=PARAMS)
    assert info["mode"] == "national" and info["target_pct"] is None
    assert info["anchor_pct"] == pytest.approx(round(nat[2014], 2))
    assert np.all(np.isclose(draws * 10, np.round(draws * 10)))  # rounded to 0.1 pp like published outcomes
