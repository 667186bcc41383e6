"""Annual forecaster: a small synthetic panel where the right answer is known, no look-ahead, blend, qualifiers."""
import math

import numpy as np
import pandas as pd
import pytest

from pipeline.model import annual
from pipeline.evaluation import annual_backtest as backtest_annual

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


@pytest.mark.integration
def test_backtest_no_look_ahead_and_deterministic(data):
    record, obs, _ = data
    params = {**PARAMS, "backtest": {**backtest_annual.BACKTEST_DEFAULTS, "province_years": [2006, 2015],
                                     "province_months": [0, 6], "prefecture_years": [2006, 2006]}}
    cases, metrics, tables = backtest_annual.run(record, obs, params)
    again, _, _ = backtest_annual.run(record, obs, params)
    pd.testing.assert_frame_equal(cases, again)
    later_obs = obs.copy()
    later_obs.loc[(later_obs.region != "china") & (later_obs.year == 2015), "value"] += 3.0
    moved, _, _ = backtest_annual.run(record, later_obs, params)
    early = cases.year < 2015
    pd.testing.assert_frame_equal(cases[early], moved[early])
    assert metrics["january"]["province"]["all"]["n"] == len(REGIONS) * 10
    assert set(tables["reliability"].columns) >= {"p_mean", "observed", "n"}


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


# --- issue 10: first releases, the ambition gap, shock years, every target from January ------------------------

def _vintage_panel():
    """Two provinces with GDP targets of 8% 2000-2015; 'hubei' 2014 has a first release (7.0) and a revised
    figure (9.0) that differ. A January 2015 forecast must use the first release."""
    obs, rec = [], []
    for y in range(1998, 2016):
        obs.append(dict(region="china", indicator="gdp", year=y, month=12, measure="ytd_growth_pct",
                        vintage="first", value=9.0))
    for r in ("hubei", "hunan"):
        for y in range(2000, 2016):
            value = 8.0 + (0.5 if (y + len(r)) % 2 else -0.5)
            obs.append(dict(region=r, indicator="gdp", year=y, month=12, measure="ytd_growth_pct", vintage="first",
                            value=7.0 if (r, y) == ("hubei", 2014) else value))
            rec.append(dict(region=r, indicator="gdp", year=y, target_pct=8.0, qualifier="at_least",
                            met=(7.0 if (r, y) == ("hubei", 2014) else value) >= 8.0))
    obs.append(dict(region="hubei", indicator="gdp", year=2014, month=12, measure="ytd_growth_pct",
                    vintage="latest", value=9.0))
    return pd.DataFrame(rec).astype({"met": "boolean"}), pd.DataFrame(obs)


def test_january_forecast_uses_last_years_first_release_not_the_revision():
    record, obs = _vintage_panel()
    panel = annual.build_panel(record, obs)
    _, info = annual.annual_draws(panel, "hubei", "gdp", 2015, 0, 500, 0, params=PARAMS)
    assert info["last_outcome_pct"] == 7.0 and info["last_outcome_kind"] == "first release"
    assert info["features"]["gap_pp"] == pytest.approx(1.0)  # target 8 - first release 7 (revised 9 would give -1)
    only_revised = obs[~((obs.region == "hubei") & (obs.year == 2014) & (obs.vintage == "first"))]
    _, info2 = annual.annual_draws(annual.build_panel(record, only_revised), "hubei", "gdp", 2015, 0, 500, 0,
                                   params=PARAMS)
    assert info2["last_outcome_kind"] == "revised" and info2["features"]["gap_pp"] == pytest.approx(-1.0)


def _gap_fixture(seed: int = 3):
    """Targets set at last year's outcome plus a random ambition gap; outcomes persist, so margin = -gap + noise."""
    rng = np.random.default_rng(seed)
    obs, rec = [], []
    for y in range(1998, 2016):
        obs.append(dict(region="china", indicator="gdp", year=y, month=12, measure="ytd_growth_pct",
                        vintage="first", value=9.0))
    for r in REGIONS:
        prev = 9.0
        obs.append(dict(region=r, indicator="gdp", year=1999, month=12, measure="ytd_growth_pct", vintage="first",
                        value=prev))
        for y in range(2000, 2016):
            target = round(prev + rng.uniform(-2, 2), 1)
            outcome = round(prev + rng.normal(0, 0.3), 1)
            obs.append(dict(region=r, indicator="gdp", year=y, month=12, measure="ytd_growth_pct", vintage="first",
                            value=outcome))
            rec.append(dict(region=r, indicator="gdp", year=y, target_pct=target, qualifier="at_least",
                            met=outcome >= target))
            prev = outcome
    return pd.DataFrame(rec).astype({"met": "boolean"}), pd.DataFrame(obs)


def test_ambition_gap_lowers_p_met_hand_example():
    record, obs = _gap_fixture()
    panel = annual.build_panel(record, obs)
    last = float(obs[(obs.region == "hubei") & (obs.year == 2014)].value.iloc[0])
    # hand example: a target 2 pp above last year's outcome (gap +2) against one 2 pp below (gap -2)
    p_hi, _, i_hi = annual.annual_p_met(panel, "hubei", "gdp", 2015, 0, 2000, 0, target_pct=last + 2.0,
                                        qualifier="at_least", params=PARAMS)
    p_lo, _, i_lo = annual.annual_p_met(panel, "hubei", "gdp", 2015, 0, 2000, 0, target_pct=last - 2.0,
                                        qualifier="at_least", params=PARAMS)
    assert i_hi["features"]["gap_pp"] == pytest.approx(2.0) and i_lo["features"]["gap_pp"] == pytest.approx(-2.0)
    assert i_hi["coef"]["gap_pp"] < -0.7  # learned: each pp of ambition is about a pp of margin lost
    assert p_hi < 0.1 < 0.9 < p_lo


def test_shock_years_are_kept_out_of_the_fit_and_the_gap():
    record, obs = _gap_fixture()
    shocked = obs.copy()
    shocked.loc[(shocked.region != "china") & (shocked.year == 2012), "value"] -= 6.0  # a collapse in 2012
    rec = record.copy()
    rec.loc[rec.year == 2012, "met"] = False
    params = {**PARAMS, "shock_years": [2012]}
    _, info = annual.annual_draws(annual.build_panel(rec, shocked), "hubei", "gdp", 2013, 0, 500, 0, params=params)
    assert "gap_pp" not in info["features"]  # the year after a shock: no ambition gap
    _, a = annual.annual_draws(annual.build_panel(rec, shocked), "hubei", "gdp", 2014, 0, 500, 0,
                               target_pct=9.0, qualifier="at_least", params=params)
    _, b = annual.annual_draws(annual.build_panel(record, obs), "hubei", "gdp", 2014, 0, 500, 0,
                               target_pct=9.0, qualifier="at_least", params=params)
    assert a["coef"]["gap_pp"] == pytest.approx(b["coef"]["gap_pp"])  # the shock year's margins are not fitted
    assert a["n_train_years"] == b["n_train_years"]


def test_spread_follows_the_growth_level():
    record, obs = _gap_fixture()
    panel = annual.build_panel(record, obs)
    level = {**PARAMS, "spread_model": "level", "spread_floor_pct": 3.0}
    _, hi = annual.annual_draws(panel, "hubei", "gdp", 2015, 0, 500, 0, target_pct=12.0, qualifier="at_least",
                                params=level)
    _, lo = annual.annual_draws(panel, "hubei", "gdp", 2015, 0, 500, 0, target_pct=6.0, qualifier="at_least",
                                params=level)
    _, floor = annual.annual_draws(panel, "hubei", "gdp", 2015, 0, 500, 0, target_pct=1.0, qualifier="at_least",
                                   params=level)
    assert hi["spread_pp"] == pytest.approx(2 * lo["spread_pp"])  # proportional to the level: 12% vs 6%
    assert floor["spread_pp"] == pytest.approx(lo["spread_pp"] / 2)  # 1% is floored at 3%
    with pytest.raises(ValueError, match="spread_model"):
        annual.annual_draws(panel, "hubei", "gdp", 2015, 0, 500, 0, params={**PARAMS, "spread_model": "wide"})


def _retail_frames():
    """National retail December growth alternating 10/12 (changes of exactly +-2 pp), a wild 2020-2021, and
    hunan's own 2023 outcome 6.0 with a 2024 target of 6% (bare number)."""
    rows = []
    for y in range(2010, 2024):
        value = {2020: -3.9, 2021: 12.5}.get(y, 10.0 if y % 2 else 12.0)
        rows.append(dict(region="china", indicator="retail_sales", year=y, month=12, period=f"{y}-12",
                         measure="ytd_growth_pct", vintage="first", value=value))
    rows.append(dict(region="hunan", indicator="retail_sales", year=2023, month=12, period="2023-12",
                     measure="ytd_growth_pct", vintage="first", value=6.0))
    obs = pd.DataFrame(rows).assign(unit="pct", source="hand-made", note="")
    targets = pd.DataFrame([dict(region="hunan", year=2024, indicator="retail_sales", target_pct=6.0,
                                 target_high_pct=None, qualifier="exact", wording="", relative_to=None,
                                 source="hand-made", text="社会消费品零售总额增长6%")])
    return obs, targets


def test_anchored_spread_is_the_rms_of_ordinary_year_changes():
    obs, _ = _retail_frames()
    panel = annual.build_panel(pd.DataFrame(columns=["region", "indicator", "year", "target_pct", "qualifier", "met"]),
                               obs)
    draws, info = annual.anchored_draws(panel, "hunan", "retail_sales", 2024, 0, 6.0, 4000, 0,
                                        params={**PARAMS, "shock_years": [2020, 2021, 2022]})
    # pairs 2011-2019 (9 changes of +-2 pp); 2020-2023 involve a shock year and are left out
    assert info["spread_pp"] == pytest.approx(2.0)
    assert info["n_national_pairs"] == 9 and info["n_local_pairs"] == 0 and info["thin"]
    assert info["anchor_pct"] == 6.0 and info["national_move_pp"] == 0.0
    assert abs(np.median(draws) - 6.0) <= 0.1


def test_non_gdp_target_gets_p_met_in_january():
    from pipeline.model import forecast

    obs, targets = _retail_frames()
    cfg = forecast.Config(n_draws=2000)
    df = forecast.forecast_region(obs, targets, "hunan", 2024, 1, cfg, ["default"])
    row = df.set_index("indicator").loc["retail_sales"]
    # centred on last year's 6.0 with a symmetric spread: about half the draws reach 6%
    assert 0.45 < row.p_met < 0.65
    assert row.borrowed_from == "annual:last_outcome" and row.borrowed_share == 1.0
    assert "anchored on the 2023 outcome 6%" in row.note and "thin" in row.note


def test_a_target_without_an_estimate_says_why():
    """No P(met) is shown as a dash with its reason: no outcome of last year to start from, or no history of
    the indicator to learn a spread from (the output names which)."""
    from pipeline.model import forecast

    obs, targets = _retail_frames()
    extra = pd.DataFrame([
        # fiscal revenue: a target, national history, but no hunan outcome for 2023 anywhere
        dict(region="hunan", year=2024, indicator="fiscal_revenue", target_pct=5.0, target_high_pct=None,
             qualifier="exact", wording="", relative_to=None, source="hand-made", text="一般公共预算收入增长5%"),
        # trade: hunan's 2023 outcome exists, but no other year of trade anywhere: nothing to learn a spread from
        dict(region="hunan", year=2024, indicator="trade", target_pct=3.0, target_high_pct=None,
             qualifier="exact", wording="", relative_to=None, source="hand-made", text="进出口增长3%")])
    rows = [dict(region="china", indicator="fiscal_revenue", year=y, month=12, period=f"{y}-12",
                 measure="ytd_growth_pct", vintage="first", value=5.0 + (y % 3)) for y in range(2010, 2024)]
    rows.append(dict(region="hunan", indicator="trade", year=2023, month=12, period="2023-12",
                     measure="ytd_growth_pct", vintage="first", value=2.0))
    obs = pd.concat([obs, pd.DataFrame(rows).assign(unit="pct", source="hand-made", note="")], ignore_index=True)
    df = forecast.forecast_region(obs, pd.concat([targets, extra], ignore_index=True), "hunan", 2024, 1,
                                  forecast.Config(n_draws=500), ["default"]).set_index("indicator")
    assert df.loc["fiscal_revenue", "no_forecast_reason"] == "no_last_outcome"
    assert "no 2023 outcome in the data to anchor on" in df.loc["fiscal_revenue", "note"]
    assert df.loc["trade", "no_forecast_reason"] == "no_history"
    assert np.isnan(df.loc["trade", "p_met"]) and np.isnan(df.loc["fiscal_revenue", "p_met"])
    assert df.loc["retail_sales", "no_forecast_reason"] == ""  # estimated: no reason to give


def test_annual_model_takes_the_backtests_choice_for_the_regions_level(monkeypatch, tmp_path):
    """GDP forecasts use the model and interval factor the annual backtest chose for the level on all its years
    (``annual_choice.json``), so the record a briefing cites is the record of the model it shows."""
    import json

    from pipeline.model import forecast

    path = tmp_path / "annual_choice.json"
    path.write_text(json.dumps({"province": {"candidate": "gap_constant", "region_features": ["shrunk_mean_pp"],
                                             "spread_model": "constant", "spread_factor": 0.86,
                                             "learned_from_years": [2003, 2024]}}), encoding="utf-8")
    assert annual.live_choice(path) == {"province": {"region_features": ["shrunk_mean_pp"], "spread_model": "constant",
                                                     "spread_factor": 0.86}}
    assert annual.live_choice(tmp_path / "missing.json") == {}
    monkeypatch.setattr(forecast.engine, "ANNUAL_CHOICE", path)  # where the engine reads it
    seen = {}

    def fake_draws(panel, region, indicator, year, month, n_draws, seed, params):
        seen[region] = params
        return np.zeros(3), {}

    monkeypatch.setattr(annual, "annual_draws", fake_draws)
    obs, targets = _retail_frames()
    model = forecast.AnnualModel(obs, targets, forecast.Config(n_draws=100))
    model.draws("hunan", "gdp", 2024, 1)
    model.draws("changsha", "gdp", 2024, 1)
    assert seen["hunan"]["spread_model"] == "constant" and seen["hunan"]["spread_factor"] == 0.86
    assert seen["hunan"]["region_features"] == ["shrunk_mean_pp"] and "candidate" not in seen["hunan"]
    # a prefecture has no entry in this file: the params.yaml settings apply
    assert seen["changsha"]["spread_factor"] == 1.0 and seen["changsha"]["spread_model"] == "level"
