"""The default's location (backtest.location_choice): candidate locations, the shift, the nested choice and its bias."""
import math

import numpy as np
import pandas as pd
import pytest

from pipeline.common.errors import InputError
from pipeline.evaluation.backtest import location as bl
from pipeline.evaluation.backtest.evaluate import location_settings
from pipeline.model import growth
from pipeline.model import location as loc
from pipeline.model.forecast import Config
from pipeline.model.forecast.engine import relocate

SETTINGS = location_settings({})


def test_momentum_median_by_hand():
    # equal months, Jan-Feb one period: weights 2/12, 1/12, 1/12; YTD 6, 6, 7 -> periods 6, 6, 10 (4 x 1.07 - 3 x 1.06)
    p = growth.equal_profile(growth.JAN_FEB)
    # the mean of the three, 7.333..., for the 8/12 of the year left: 1/3 x 1.07 + 2/3 x 1.07333 - 1
    assert loc.momentum_median([2, 3, 4], [6.0, 6.0, 7.0], p) == pytest.approx(7.2222, abs=1e-4)
    # the last period only: 1/3 x 1.07 + 2/3 x 1.10 - 1
    assert loc.momentum_median([2, 3, 4], [6.0, 6.0, 7.0], p, n_periods=1) == pytest.approx(9.0, abs=1e-9)
    # one period: its YTD; a separate January (no period of its own in the profile) is merged into Jan-Feb
    assert loc.momentum_median([2], [5.5], p) == pytest.approx(5.5)
    assert loc.momentum_median([1, 2, 3, 4], [9.0, 6.0, 6.0, 7.0], p) == pytest.approx(7.2222, abs=1e-4)
    assert math.isnan(loc.momentum_median([], [], p))


def test_location_value_and_shift():
    med = {"default": 5.0, "carry_forward": 6.0, "empirical_drift": 4.5, "momentum": 7.0}
    assert loc.location_value("halfway", med) == 5.5
    assert loc.location_value("empirical_drift", med) == 4.5
    assert math.isnan(loc.location_value("carry_forward", {"default": 5.0}))
    with pytest.raises(ValueError):
        loc.location_value("mean", med)
    x = np.array([1.0, 2.0, 4.0, 8.0, 9.0])
    moved = loc.shift_to(x, 10.0)
    assert np.median(moved) == 10.0 and np.allclose(moved - x, 6.0)
    assert np.array_equal(loc.shift_to(x, math.nan), x)


def test_location_settings_validated():
    assert SETTINGS["kinds"][0] == "default" and SETTINGS["bias"] == [False, True]
    assert bl.option_labels(SETTINGS)[:2] == ["default", "carry_forward"]
    assert bl.option_labels(SETTINGS)[5] == "default+bias"
    with pytest.raises(InputError):
        location_settings({"location": {"kinds": ["median"]}})
    with pytest.raises(InputError):
        location_settings({"location": {"loss": "crps"}})


def _table(errors_by_year: dict[int, tuple[float, float]], month: int = 3) -> pd.DataFrame:
    """One indicator, one month: per year the errors (outcome - location) of the default and of carry-forward."""
    rows = []
    for y, (e_def, e_cf) in errors_by_year.items():
        rows.append(dict(indicator="x", year=y, month=month, actual_pct=10.0, shock_gap_pp=math.nan, eligible=True,
                         loc_default=10.0 - e_def, loc_carry_forward=10.0 - e_cf, loc_empirical_drift=math.nan,
                         loc_momentum=math.nan, loc_halfway=10.0 - (e_def + e_cf) / 2))
    return pd.DataFrame(rows)


def test_nested_bias_by_hand():
    t = _table({2010: (1.0, 0.0), 2011: (2.0, 0.0), 2012: (3.0, 0.0), 2013: (0.0, 0.0)})
    b = bl.nested_bias(t, "default", shrink_years=3.0)
    # 2010: nothing before; 2011: 1 / (1 + 3); 2012: 3 / (2 + 3); 2013: 6 / (3 + 3)
    assert list(b) == pytest.approx([0.0, 0.25, 0.6, 1.0])
    # a year not eligible (a shock year) teaches nothing; another month neither
    t.loc[t.year == 2011, "eligible"] = False
    assert bl.nested_bias(t, "default", 3.0).iloc[3] == pytest.approx(4 / 5)
    t2 = pd.concat([t, t.assign(month=4, actual_pct=50.0)], ignore_index=True)
    assert bl.nested_bias(t2, "default", 3.0).iloc[3] == pytest.approx(4 / 5)


def test_choice_by_hand_and_fallback():
    settings = {**SETTINGS, "kinds": ["default", "carry_forward"], "bias": [False]}
    t = _table({2010: (2.0, 1.0), 2011: (-2.0, 1.0), 2012: (2.0, -1.0), 2013: (0.0, 0.0), 2014: (0.0, 0.0)})
    chosen = bl.nested_locations(t, settings, min_years=3).set_index("year").location
    # until three earlier years: no shift; then carry-forward (mean squared error 1 against 4)
    assert list(chosen) == ["default", "default", "default", "carry_forward", "carry_forward"]
    # the default better by squared error, carry-forward by absolute error:
    # squared: 1 against 6.25 / 3; absolute: 1 against 2.5 / 3
    t = _table({2010: (1.0, 0.0), 2011: (1.0, 0.0), 2012: (1.0, 2.5), 2013: (0.0, 0.0)})
    assert bl.choose(t, bl.option_values(t, settings), settings, 3, before=2013) == "default"
    assert bl.choose(t, bl.option_values(t, settings), {**settings, "loss": "absolute"}, 3, 2013) == "carry_forward"
    # ties go to the earlier option (the default)
    t = _table({2010: (1.0, -1.0), 2011: (1.0, 1.0), 2012: (1.0, 1.0)})
    assert bl.choose(t, bl.option_values(t, settings), settings, 3, before=None) == "default"


def _random_table(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for ind in ("a", "b"):
        for y in range(2006, 2020):
            for m in (3, 6, 9):
                actual = rng.normal(8, 2)
                rows.append(dict(indicator=ind, year=y, month=m, actual_pct=actual, shock_gap_pp=math.nan,
                                 eligible=y != 2012, **{f"loc_{k}": actual + rng.normal(rng.normal(0, 1), 1)
                                                        for k in loc.LOCATIONS}))
    return pd.DataFrame(rows)


def test_nested_choice_ignores_the_year_itself_and_later_years():
    """Change the outcomes of year Y and after: the choices (and locations, bias terms included) up to Y stay."""
    t = _random_table(1)
    base = bl.nested_locations(t, SETTINGS, 3)
    base_loc = bl.case_locations(t, base, SETTINGS)
    for year in (2011, 2015, 2019):
        later = t.year >= year
        moved = t.copy()
        moved.loc[later, "actual_pct"] += 7.0  # every location now far too low: a bias term would win
        again = bl.nested_locations(moved, SETTINGS, 3)
        upto = base.year <= year
        assert again[upto].equals(base[upto]), year
        where = bl.case_locations(moved, again, SETTINGS)
        keep = (where.year <= year).to_numpy()
        pd.testing.assert_frame_equal(where[keep], base_loc[keep])
    # and the change is seen the year after (the test can tell)
    moved = t.copy()
    moved.loc[t.year >= 2010, "actual_pct"] += 7.0
    assert (bl.nested_locations(moved, SETTINGS, 3).location != base.location).any()


def test_case_locations_leave_shock_cases_and_the_default_unshifted():
    t = _random_table(2)
    chosen = bl.nested_locations(t, SETTINGS, 3).assign(location="carry_forward")
    t.loc[(t.year == 2015) & (t.month == 3), "shock_gap_pp"] = 4.0
    where = bl.case_locations(t, chosen, SETTINGS)
    shock = (where.year == 2015) & (where.month == 3)
    assert where[shock].location_pct.isna().all()
    assert np.allclose(where[~shock].location_pct, t[~shock.to_numpy()].loc_carry_forward)
    assert bl.case_locations(t, chosen.assign(location="default"), SETTINGS).location_pct.isna().all()


def test_final_location_bias_from_every_eligible_year():
    t = _table({2010: (1.0, 0.0), 2011: (2.0, 0.0), 2012: (3.0, 0.0), 2013: (2.0, 0.0)})
    settings = {**SETTINGS, "kinds": ["default"], "bias": [True]}
    out = bl.final_location(t, settings, 3)["x"]
    assert out["kind"] == "default" and out["bias"] and out["years"] == [2010, 2011, 2012, 2013]
    assert out["bias_pp"] == {"3": pytest.approx(8 / 7, abs=1e-4)}


def test_engine_moves_the_default_to_the_chosen_location():
    cfg = Config()
    default = np.linspace(4.0, 8.0, 101)  # median 6
    cf = np.linspace(6.0, 10.0, 101)      # median 8
    cur = pd.DataFrame({"year": 2025, "month": [2, 3, 4], "ytd_growth_pct": [6.0, 6.0, 7.0]})
    prof = growth.equal_profile(growth.JAN_FEB)
    args = (cur, cur, 2025, 4, cfg, "china", "x", prof)
    moved, note = relocate(default, {"kind": "halfway", "bias": False}, {"carry_forward": cf}, *args)
    assert np.median(moved) == pytest.approx(7.0) and np.allclose(np.diff(moved), np.diff(default))
    assert "halfway" in note
    moved, _ = relocate(default, {"kind": "momentum", "bias": True, "bias_pp": {"4": -0.5, "3": 9.0}}, {}, *args)
    assert np.median(moved) == pytest.approx(7.2222 - 0.5, abs=1e-4)
    same, note = relocate(default, {"kind": "default", "bias": False}, {}, *args)
    assert same is default and note == ""
