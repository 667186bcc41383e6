"""PIT recalibration (quantile mapping) of the default: the map, the resampled draws, and that each year's map
learns from earlier ordinary years only. Expected values come from the normal distribution by hand, not from the
code under test."""
import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from pipeline.model import distributions as dist
from pipeline.evaluation.backtest.choice import fit_pit, pit_settings

SETTINGS = {"shrink_years": 0.0, "shift": True, "scale": True}


def _normal_draws(mean, sd, n=4000):
    return mean + sd * norm.ppf((np.arange(n) + 0.5) / n)


def test_uniform_pits_give_the_identity():
    u = (np.arange(400) + 0.5) / 400  # exactly uniform PITs, two indicators
    mus, sigma = dist.fit_pit_map(np.r_[u, u], ["a"] * 400 + ["b"] * 400, shrink_years=3.0)
    assert abs(mus["a"]) < 0.01 and abs(mus["b"]) < 0.01
    assert sigma == pytest.approx(1.0, abs=0.03)
    x = np.random.default_rng(1).normal(size=500)
    assert np.array_equal(dist.pit_recalibrate(x, 0.0, 1.0), x)


def test_biased_overconfident_forecaster_is_corrected():
    # truth N(0, 1); the forecaster says N(0.3, 0.7): z = Phi^-1(PIT) = (y - 0.3) / 0.7 ~ N(-3/7, 1/0.7)
    rng = np.random.default_rng(7)
    y = rng.normal(size=3000)
    u = norm.cdf((y - 0.3) / 0.7)
    mus, sigma = dist.fit_pit_map(u, ["x"] * len(u), shrink_years=0.0)
    assert mus["x"] == pytest.approx(-3 / 7, abs=0.08)  # over-prediction: PITs piled low, mu < 0
    assert sigma == pytest.approx(1 / 0.7, abs=0.08)
    raw = _normal_draws(0.3, 0.7)
    new = dist.pit_recalibrate(raw, mus["x"], sigma)
    # the recalibrated distribution is about N(0, 1): its quantiles, its median below the raw one
    for p, z in ((0.05, -1.6449), (0.1, -1.2816), (0.5, 0.0), (0.9, 1.2816), (0.95, 1.6449)):
        assert np.quantile(new, p) == pytest.approx(z, abs=0.15)
    assert np.median(new) < np.median(raw)
    # held-out outcomes: 80% coverage near nominal after, far below before (N(0,1) in 0.3 +- 0.897: 60.9%)
    held = np.random.default_rng(8).normal(size=4000)

    def cover(d):
        lo, hi = np.quantile(d, [0.1, 0.9])
        return float(np.mean((held >= lo) & (held <= hi)))

    assert cover(raw) == pytest.approx(0.609, abs=0.03)
    assert abs(cover(new) - 0.8) < 0.03


def test_shrinkage_pulls_towards_the_identity():
    u = norm.cdf(np.full(6, 1.0))  # six years, each z = 1: mean 1, spread about it 0
    mus, sigma = dist.fit_pit_map(u, ["x"] * 6, shrink_years=3.0)
    assert mus["x"] == pytest.approx(6 / 9)  # 6 years against 3 pseudo-years at 0
    # sigma^2: (6 * (1 - 2/3)^2 + 3) / 9
    assert sigma == pytest.approx(np.sqrt((6 * (1 / 3) ** 2 + 3) / 9))


def test_draws_keep_their_ranks_and_quantiles_stay_monotone():
    x = np.random.default_rng(3).gamma(2.0, size=800)
    for mu, sigma in ((0.8, 0.6), (-0.5, 2.5), (0.0, 3.0)):
        y = dist.pit_recalibrate(x, mu, sigma)
        assert np.all(np.diff(y[np.argsort(x, kind="stable")]) >= 0)  # each draw keeps its rank (ties at most)
        assert len(np.unique(y)) > 0.98 * len(y)
    grid = np.sort(x)[::4]
    levels = (np.arange(len(grid)) + 0.5) / len(grid)
    q = dist.quantiles_at(grid, levels, np.linspace(1e-6, 1 - 1e-6, 999))
    assert np.all(np.diff(q) >= 0)
    # beyond the grid's end levels the quantiles go on past its extremes instead of piling up at them
    assert q[0] < grid[0] and q[-1] > grid[-1]


def test_each_indicator_year_weighs_one():
    # year 1: ten months at z = +1; year 2: one month at z = -1; equal year weights give mean 0
    u = norm.cdf(np.r_[np.full(10, 1.0), -1.0])
    pits = pd.DataFrame({"indicator": "x", "year": [1] * 10 + [2], "month": list(range(2, 12)) + [2], "u": u,
                         "learned_from_years": 5})
    mus, sigma = fit_pit(pits, shock_years=(), min_years=2, settings=SETTINGS)
    assert mus["x"] == pytest.approx(0.0, abs=1e-9)
    assert sigma == pytest.approx(1.0)


def _pits(years, z, indicator="x", learned=5):
    return pd.DataFrame({"indicator": indicator, "year": years, "month": 6, "u": norm.cdf(z), "learned_from_years": learned})


def test_a_years_map_uses_earlier_ordinary_years_only():
    base = _pits([2010, 2011, 2012, 2013], [0.5, 0.5, 0.5, 0.5])
    poisoned = pd.concat([base, _pits([2014, 2015], [3.0, -3.0]),  # the scored year and later
                          _pits([2011], [-3.0]).assign(year=2020),  # a shock year
                          _pits([2012], [-3.0], learned=1)],  # a year whose default was not yet chosen
                         ignore_index=True)
    clean = fit_pit(base, (2020,), 3, SETTINGS, before=2014)
    assert fit_pit(poisoned, (2020, 2021, 2022), 3, SETTINGS, before=2014) == clean
    assert clean[0]["x"] == pytest.approx(0.5)
    # too few earlier years: the identity
    assert fit_pit(poisoned, (2020,), 3, SETTINGS, before=2012) == ({}, 1.0)


def test_settings_off_by_default_and_not_with_the_logistic_map():
    from pipeline.common.errors import InputError

    assert pit_settings({}) is None
    assert pit_settings({"pit_recalibrate": True})["shrink_years"] == 3.0
    with pytest.raises(InputError):
        pit_settings({"pit_recalibrate": True, "recalibrate": True})


def test_live_config_reads_the_map(tmp_path):
    from pipeline.model.forecast import Config

    choice = tmp_path / "choice.json"
    choice.write_text(json.dumps({"indicators": {}, "pit_recalibration": {"sigma": 1.2, "mu": {"gdp": -0.1}}}))
    cfg = Config.load(choice_path=choice)
    assert cfg.pit_recalibration == {"gdp": (-0.1, 1.2)}
    choice.write_text(json.dumps({"indicators": {}}))
    assert Config.load(choice_path=choice).pit_recalibration == {}


def test_two_adjustments_of_the_default_are_one_line_naming_both():
    from pipeline.common.errors import InputError
    from pipeline.evaluation.backtest.choice import check_adjustments

    check_adjustments({"recalibrate": True, "pit_recalibrate": False})
    with pytest.raises(InputError, match=r"backtest.pit_recalibrate and backtest.location_choice are on together"):
        check_adjustments({"pit_recalibrate": True, "location_choice": True})
