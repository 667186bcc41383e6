"""The local level + AR(1) model in plain Python: the filter by hand on small cases, then filter, likelihood and
fitted parameters against statsmodels' UnobservedComponents (the reference, installed with the dev extras)."""
import math

import numpy as np
import pytest

from pipeline.model import uc_model as uc

LOG_2PI = math.log(2 * math.pi)
D = 1e6  # the approximate diffuse variance


def test_local_level_without_noise_in_the_level_is_the_running_mean():
    # var_e 1, var_u 0, var_w 0, phi 0: the AR state is always 0 and the level is a constant seen with unit noise.
    # With prior variance D the level's variance after k observations is D / (k D + 1) and its mean the shrunk mean.
    y = [2.0, 2.0, 2.0]
    llf, mean, cov = uc.filter_end(y, [1.0, 0.0, 0.0, 0.0])
    f1 = D / (D + 1) + 1          # second observation: prediction variance + noise
    f2 = D / (2 * D + 1) + 1      # third
    v1, v2 = 2.0 / (D + 1), 2.0 / (2 * D + 1)  # innovations: 2 minus the shrunk mean 2 k D / (k D + 1)
    assert llf == pytest.approx(-0.5 * (2 * LOG_2PI + math.log(f1) + v1 ** 2 / f1 + math.log(f2) + v2 ** 2 / f2),
                                rel=1e-9)  # the filter's D - D^2/(D+1) cancels about six digits, as statsmodels' does
    assert mean[0] == pytest.approx(2.0 * 3 * D / (3 * D + 1), rel=1e-9) and mean[1] == 0.0
    assert cov[0, 0] == pytest.approx(D / (3 * D + 1), rel=1e-9)


def test_missing_values_only_move_the_state_forward():
    # var_u 0.5 per period on the level; the AR state starts at its stationary variance 0.75 / (1 - 0.25) = 1
    llf, mean, cov = uc.filter_end([np.nan, np.nan], [1.0, 0.5, 0.75, 0.5])
    assert llf == 0.0 and list(mean) == [0.0, 0.0]
    assert cov[0, 0] == pytest.approx(D + 1.0) and cov[1, 1] == pytest.approx(1.0) and cov[0, 1] == 0.0


def test_the_first_period_is_left_out_of_the_likelihood():
    one = uc.loglike([5.0], [1.0, 0.1, 0.2, 0.5])
    assert one == 0.0
    two = uc.loglike([5.0, 5.0], [1.0, 0.1, 0.2, 0.5])
    assert two < 0.0


def test_constrain_and_unconstrain_are_inverse_and_keep_the_ar_coefficient_inside_one():
    c = np.array([0.3, 0.0, 2.5, -0.8])
    assert np.allclose(uc.constrain(uc.unconstrain(c)), c)
    assert abs(uc.constrain([1.0, 1.0, 1.0, 1e6])[3]) < 1.0
    assert uc.constrain([-2.0, 0.0, 3.0, 0.0])[:3].tolist() == [4.0, 0.0, 9.0]


def _series(seed=3, years=12):
    """Monthly single-period growth with a slow level, an AR(1) and noise; January missing as published."""
    rng = np.random.default_rng(seed)
    n = years * 12
    level = 12 - np.cumsum(np.abs(rng.normal(0, 0.05, n)))
    ar = np.zeros(n)
    for t in range(1, n):
        ar[t] = 0.6 * ar[t - 1] + rng.normal(0, 0.8)
    y = level + ar + rng.normal(0, 0.4, n)
    y[::12] = np.nan
    return y


def test_filter_and_likelihood_match_statsmodels():
    structural = pytest.importorskip("statsmodels.tsa.statespace.structural")
    y = _series()
    params = np.array([0.16, 0.003, 0.64, 0.6])
    res = structural.UnobservedComponents(y, "llevel", autoregressive=1).filter(params)
    llf, mean, cov = uc.filter_end(y, params)
    assert llf == pytest.approx(res.llf, rel=1e-10)
    assert np.allclose(mean, res.predicted_state[:, -1], rtol=1e-10, atol=1e-12)
    assert np.allclose(cov, res.predicted_state_cov[:, :, -1], rtol=1e-10, atol=1e-12)


def test_fit_matches_statsmodels_on_the_identified_parameters():
    structural = pytest.importorskip("statsmodels.tsa.statespace.structural")
    import warnings

    y = _series(seed=7)
    var = float(np.nanvar(y))
    start = [0.05 * var, 0.01 * var, 0.2 * var, 0.7]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = np.asarray(structural.UnobservedComponents(y, "llevel", autoregressive=1)
                         .fit(start_params=start, disp=False, maxiter=100).params)
    mine = uc.fit(y, start)
    # the likelihood at both optima agrees (flat directions may leave a near-zero variance at 1e-9 or 1e-12)
    assert uc.loglike(y, mine) == pytest.approx(uc.loglike(y, ref), abs=1e-6)
    big = ref > 1e-3
    assert np.allclose(mine[big], ref[big], rtol=1e-3)
