"""Target gravity (issue 22): the bunching estimator recovers a hand-built bunching, the fit is nested, a
synthetic threshold moves nothing, and the application is deterministic."""
import math

import numpy as np
import pandas as pd
import pytest

from pipeline.model import gravity

BINS = np.arange(-40, 40)  # 0.1 pp bins from -4.0 to 3.9


def smooth_counts() -> np.ndarray:
    """A smooth hump of margins (peak at +0.5 pp), counts per 0.1 pp bin; no bunching."""
    return np.round(300 * np.exp(-((BINS / 10 - 0.5) / 2.0) ** 2 / 2)).astype(int)


def bunched_margins(pi: float = 0.3, w_bins: int = 10) -> tuple[np.ndarray, int]:
    """Move round(pi * count) out of each bin in [-w, 0) into bins 0.0, 0.1, 0.2 (equal thirds)."""
    c = smooth_counts()
    moved = 0
    for k in range(-w_bins, 0):
        m = int(round(pi * c[k + 40]))
        c[k + 40] -= m
        moved += m
    for j, k in enumerate((0, 1, 2)):
        c[k + 40] += moved // 3 + (1 if j < moved % 3 else 0)
    return np.repeat(BINS / 10, c), moved


def test_recovers_hand_built_bunching():
    margins, moved = bunched_margins(pi=0.3, w_bins=10)
    assert moved == 778  # hand count of the construction above
    g = gravity.estimate(margins)
    assert g.pi == pytest.approx(0.30, abs=0.04)
    assert g.w_pp == pytest.approx(1.0, abs=0.2)
    assert g.excess == pytest.approx(778, rel=0.05)
    assert g.converged


def test_no_bunching_no_gravity():
    g = gravity.estimate(np.repeat(BINS / 10, smooth_counts()))
    assert g.pi < 0.02


def test_round_number_heaping_is_not_gravity():
    c = smooth_counts()
    c[BINS % 5 == 0] = np.round(c[BINS % 5 == 0] * 1.4).astype(int)  # heaps at every half percent, 0 included
    assert gravity.estimate(np.repeat(BINS / 10, c)).pi < 0.03


def test_too_few_pairs_move_nothing():
    g = gravity.estimate([0.0, 0.1, 0.2, -0.5] * 10)
    assert g.pi == 0.0 and not gravity.active(g, "target")


def test_nested_fit_ignores_later_and_shock_years():
    early, _ = bunched_margins(pi=0.3)
    flat = np.repeat(BINS / 10, smooth_counts())
    pairs = pd.DataFrame({"year": np.r_[np.full(len(early), 2005), np.full(len(flat), 2010),
                                        np.full(len(flat), 2020)],
                          "margin_pp": np.r_[early, flat, flat + 0.0]})
    before = gravity.fit(pairs, 2010, shock_years=[2020])
    assert before.years == (2005,)
    assert before.pi == pytest.approx(0.30, abs=0.04)
    # changing the 2010 outcomes (the forecast year and after) changes nothing
    changed = pairs.assign(margin_pp=np.where(pairs.year >= 2010, pairs.margin_pp - 1.0, pairs.margin_pp))
    assert gravity.fit(changed, 2010, shock_years=[2020]) == before
    # shock years are not learned from, even before the forecast year
    after = gravity.fit(pairs, 2021, shock_years=[2020])
    assert after.years == (2005, 2010)
    assert gravity.fit_by_year(pairs, [2010, 2021], [2020]) == {2010: before, 2021: after}


MODEL = gravity.Gravity(pi=0.25, w_pp=1.0, bunch_width_pp=0.3)


def test_synthetic_threshold_moves_nothing():
    draws = np.round(np.linspace(3.0, 7.0, 401), 10)
    for kind in ("last_year", "last_year-1pp", "last_year+1pp"):
        assert np.array_equal(gravity.apply(draws, 5.0, False, MODEL, seed=1, kind=kind), draws)
        assert gravity.p_met(draws, 5.0, False, MODEL, kind=kind) == np.mean(draws >= 5.0)
    assert gravity.p_met(draws, 5.0, False, None) == np.mean(draws >= 5.0)


def test_p_met_with_gravity_by_hand():
    assert gravity.p_met_with_gravity(0.2, 0.5, MODEL) == pytest.approx(0.55)
    assert gravity.p_met_with_gravity(0.8, 0.9, MODEL) == 1.0
    # draws 4.0, 4.1, ..., 5.9 (20 on the grid): 10 met (>= 5.0), 10 in [4.0, 5.0): 0.5 + 0.25 * 0.5
    draws = np.round(np.arange(40, 60) / 10, 10)
    assert gravity.p_window(draws, 5.0, False, MODEL, precision_pp=0.1) == 0.5
    assert gravity.p_met(draws, 5.0, False, MODEL, precision_pp=0.1) == pytest.approx(0.625)
    # strict rule (must exceed): 5.0 is in the window, 4.0 is not; 9 met
    assert gravity.p_window(draws, 5.0, True, MODEL, precision_pp=0.1) == 0.5
    assert gravity.p_met(draws, 5.0, True, MODEL, precision_pp=0.1) == pytest.approx(0.45 + 0.125)


def test_apply_is_deterministic_and_moves_into_the_bunch():
    draws = np.full(2000, 4.5)
    a = gravity.apply(draws, 5.0, False, MODEL, seed=7, precision_pp=0.1)
    b = gravity.apply(draws, 5.0, False, MODEL, seed=7, precision_pp=0.1)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, gravity.apply(draws, 5.0, False, MODEL, seed=8, precision_pp=0.1))
    moved = a[a != 4.5]
    assert set(np.unique(moved)) <= {5.0, 5.1, 5.2}
    assert len(moved) / len(draws) == pytest.approx(0.25, abs=0.03)
    far = gravity.apply(np.full(100, 3.9), 5.0, False, MODEL, seed=7, precision_pp=0.1)
    assert np.all(far == 3.9)  # outside [4.0, 5.0): untouched
    strict = gravity.apply(draws, 5.0, True, MODEL, seed=7, precision_pp=0.1)
    assert set(np.unique(strict[strict != 4.5])) <= {5.1, 5.2, 5.3}


def test_unmanaged_keeps_the_mean():
    rng = np.random.default_rng(0)
    draws = np.round(5.0 + rng.standard_normal(20000), 1)
    kept = gravity.unmanaged(draws, 5.0, False, MODEL, precision_pp=0.1)
    after = gravity.apply(kept, 5.0, False, MODEL, seed=3, precision_pp=0.1)
    assert after.mean() == pytest.approx(draws.mean(), abs=0.01)
    assert kept.mean() < draws.mean() - 0.03


def test_cdf_from_quantiles_by_hand():
    probs, qs = [0.1, 0.5, 0.9], [1.0, 2.0, 3.0]
    assert gravity.cdf_from_quantiles(1.5, probs, qs) == pytest.approx(0.3)
    assert gravity.cdf_from_quantiles(0.5, probs, qs) == pytest.approx(0.0)   # 0.1 - 0.4 * 0.5, clipped
    assert gravity.cdf_from_quantiles(3.1, probs, qs) == pytest.approx(0.94)
    assert gravity.p_window_from_quantiles(2.0, MODEL, probs, qs) == pytest.approx(0.4)
    assert math.isclose(gravity.p_window_from_quantiles(2.0, gravity.NONE, probs, qs), 0.0)


def test_national_cases_add_pi_times_window_for_targets_only():
    from pipeline.evaluation import gravity_study

    q = dict(zip(gravity_study.QUANTILES, [3.0, 3.5, 4.0, 5.0, 6.0, 6.5, 7.0]))
    row = {"indicator": "gdp", "year": 2024, "month": 6, "threshold_3_kind": "target", "threshold_3_pct": 5.0,
           "met_3": 1.0, "p_met_3": 0.5, "method": "default", **q}
    frame = pd.DataFrame([row, {**row, "threshold_3_kind": "last_year"}])
    out = gravity_study.national_cases(frame, {2024: MODEL})
    assert len(out) == 1
    # P(4.0 <= X < 5.0) = 0.50 - 0.25 from the quantiles; 0.5 + 0.25 * 0.25
    assert out.p_window[0] == pytest.approx(0.25)
    assert out.p_gravity[0] == pytest.approx(0.5625)


def test_the_engine_adds_gravity_to_both_readings_of_a_gdp_target_by_hand():
    from pipeline.model import distributions as dist
    from pipeline.model.forecast.config import Config
    from pipeline.model.forecast.engine import with_gravity

    draws = np.array([3.0, 4.2, 4.6, 4.9, 5.0, 5.5, 6.0, 7.0, 8.0, 9.0])
    cfg = Config(gravity={"pi": 0.5, "w_pp": 1.0, "bunch_width_pp": 0.3}, about_tolerance_pp=0.5)
    about = {"target_pct": 5.0, "qualifier": "about"}
    p = dist.p_met(draws, 5.0, "about", tolerance=0.5)
    assert (p.strict, p.tolerant) == (0.6, 0.8)
    g = with_gravity(p, draws, about, cfg)
    # window [4, 5): 4.2, 4.6, 4.9 (3 of 10) -> strict 0.6 + 0.5 * 0.3; tolerant: [4, 4.5): 4.2 -> 0.8 + 0.5 * 0.1
    assert g.strict == pytest.approx(0.75) and g.tolerant == pytest.approx(0.85)
    assert with_gravity(p, draws, about, Config()) == p  # no fitted gravity: unchanged
    below = {"target_pct": 5.0, "qualifier": "at_most"}
    assert with_gravity(p, draws, below, cfg) == p  # a ceiling is not managed upwards
