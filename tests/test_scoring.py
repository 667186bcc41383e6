"""The scores behind every published number, against values worked out by hand."""
import numpy as np
import pandas as pd
import pytest

from pipeline.evaluation import scoring


def test_crps_of_a_point_forecast_is_the_absolute_error():
    assert scoring.crps(np.array([2.0]), 5.0) == pytest.approx(3.0)


def test_crps_of_two_draws():
    # draws {0, 2}, y = 1: E|X-y| = 1, E|X-X'| = (0+2+2+0)/4 = 1, so CRPS = 1 - 0.5 = 0.5
    assert scoring.crps(np.array([2.0, 0.0]), 1.0) == pytest.approx(0.5)
    # y = 3: E|X-y| = (3+1)/2 = 2, so CRPS = 2 - 0.5 = 1.5
    assert scoring.crps(np.array([0.0, 2.0]), 3.0) == pytest.approx(1.5)


def test_coverage_is_closed_interval():
    assert scoring.covered([1, 1, 1], [2, 2, 2], [1, 2.5, 2]).tolist() == [True, False, True]


def test_brier_and_skill():
    assert scoring.brier([0.8, 0.3], [1, 0]) == pytest.approx((0.04 + 0.09) / 2)
    assert scoring.skill(0.15, 0.25) == pytest.approx(0.4)
    assert np.isnan(scoring.skill(0.1, 0.0))


def test_reliability_bins():
    t = scoring.reliability_table([0.05, 0.15, 0.12, 1.0, 0.95], [0, 1, 0, 1, 0], bins=10)
    assert t.bin.tolist() == [0, 1, 9]
    assert t.n.tolist() == [1, 2, 2]
    assert t.p_mean.tolist() == pytest.approx([0.05, 0.135, 0.975])
    assert t.observed.tolist() == pytest.approx([0.0, 0.5, 0.5])


def test_regime_split():
    df = pd.DataFrame({"year": [2019, 2020, 2021, 2023], "x": [1.0, 10.0, 20.0, 3.0]})
    out = scoring.by_regime(df, [2020, 2021, 2022], lambda d: d.x.mean())
    assert out == {"all": 8.5, "ordinary": 2.0, "shock": 15.0}


def test_nested_choice_uses_only_earlier_years():
    losses = pd.DataFrame({
        "year":   [2010, 2010, 2011, 2011, 2012, 2012],
        "option": ["a", "b", "a", "b", "a", "b"],
        "loss":   [1.0, 2.0, 5.0, 1.0, 0.0, 9.0],
    })
    chosen = scoring.nested_choice(losses, fallback="a")
    # 2010: no past -> fallback; 2011: 2010 only -> a (1 < 2); 2012: mean a = 3, b = 1.5 -> b.
    # 2012's own losses (a is far better) must not matter.
    assert chosen == {2010: "a", 2011: "a", 2012: "b"}


def test_nested_choice_min_years_and_ties():
    losses = pd.DataFrame({"year": [2000, 2000, 2001, 2001, 2002, 2002],
                           "option": ["x", "y"] * 3, "loss": [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]})
    assert scoring.nested_choice(losses, min_years=2, fallback="y") == {2000: "y", 2001: "y", 2002: "x"}
