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


def test_score_is_the_derivative_of_the_likelihood():
    y = _series()
    for params in ([0.16, 0.003, 0.64, 0.6], [0.0, 0.2, 0.5, -0.4], [0.3, 0.0, 0.6, 0.9]):
        llf, score = uc.loglike_score(y, params)
        assert llf == uc.loglike(y, params)  # the same arithmetic, the same number
        for i in range(4):
            def at(x):
                return uc.loglike(y, [x if j == i else p for j, p in enumerate(params)])

            p = params[i]
            h = 1e-3 * abs(p) if p else 1e-6
            if i < 3 and p == 0.0:  # one-sided (second order) at a zero variance
                numeric = (-3 * at(0.0) + 4 * at(h) - at(2 * h)) / (2 * h)
            else:
                numeric = (at(p + h) - at(p - h)) / (2 * h)
            assert score[i] == pytest.approx(numeric, rel=1e-5, abs=1e-4)


def test_fit_sets_a_variance_the_data_do_not_want_to_exactly_zero_and_stops_where_the_gradient_vanishes():
    # level + AR(1) and no irregular: L-BFGS alone leaves var e at about 1e-9, wherever it happens to stop
    rng = np.random.default_rng(12)
    n = 150
    ar = np.zeros(n)
    for t in range(1, n):
        ar[t] = 0.7 * ar[t - 1] + rng.normal(0, 0.8)
    y = 10 + np.cumsum(rng.normal(0, 0.3, n)) + ar
    fitted = uc.fit(y, [0.5, 0.05, 0.5, 0.5])
    _, score = uc.loglike_score(y, fitted)
    assert fitted[0] == 0.0 and score[0] < -1.0  # the likelihood falls as var e leaves zero
    assert all(abs(g) < 1e-6 for g in score[1:]) and fitted[1] > 1e-3
    for nearby in ([1e-9, 1.0001, 0.9999, 1.0], [1e-6, 0.999, 1.0, 1.0001], [0.0, 1.0, 1.001, 0.999]):
        start = [nearby[0]] + [v * m for v, m in zip(fitted[1:], nearby[1:])]
        again = uc.polish(y, start)
        assert again[0] == 0.0 and np.allclose(again, fitted, rtol=1e-9, atol=0)


def test_with_no_ar_noise_the_ar_coefficient_is_returned_as_zero():
    # var w = 0: the AR state is always zero, phi changes nothing and is reported as 0, not where L-BFGS left it
    rng = np.random.default_rng(5)
    y = 8 + np.cumsum(rng.normal(0, 0.2, 120)) + rng.normal(0, 0.5, 120)
    fitted = uc.fit(y, [0.2, 0.02, 0.1, 0.7])
    assert fitted[2] == 0.0 and fitted[3] == 0.0
    assert uc.loglike(y, fitted) == uc.loglike(y, [fitted[0], fitted[1], 0.0, 0.5])


def _rounded(params):
    return tuple(float(f"{v:.4g}") for v in params)  # as forecasters.state_space_params rounds


@pytest.fixture(scope="module")
def pipeline_series():
    """The series and start values the state-space forecaster fits on the national data (the embedded
    observations), captured from ``forecasters.state_space_params``: four indicators, three years."""
    from pipeline.model import forecasters as F
    from pipeline.sources import data

    obs = data.embedded_observations()
    captured = []

    def capture(y, start, maxiter=100):
        captured.append((np.asarray(y, dtype=float), [float(s) for s in start], maxiter))
        return np.asarray(start, dtype=float)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(F.uc_model, "fit", capture)
        mp.setattr(F, "_PARAMS_CACHE", {})
        for indicator in ("industrial_va", "retail_sales", "fai", "fiscal_revenue"):
            history = F.history_from_observations(obs, "china", indicator)
            for year in (2012, 2018, 2024):
                F.state_space_params(history, year)
    assert len(captured) == 12
    return captured


@pytest.mark.integration
def test_rounded_fits_of_real_series_do_not_move_with_the_start(pipeline_series):
    # Issue 21: on another CPU (another BLAS kernel in scipy's L-BFGS-B) the rounded fits moved. Starting the
    # optimiser a millionth away, or from its own answer, is the same kind of disturbance.
    moved = []
    for k, (y, start, maxiter) in enumerate(pipeline_series):
        fitted = uc.fit(y, start, maxiter)
        base = _rounded(fitted)
        starts = {"+1e-6": [s * (1 + 1e-6 * sign) for s, sign in zip(start, (1, -1, 1, -1))],
                  "-1e-6": [s * (1 - 1e-6 * sign) for s, sign in zip(start, (1, -1, 1, -1))],
                  "own answer": [max(v, 1e-8) if i < 3 else v for i, v in enumerate(fitted)]}
        for label, other in starts.items():
            again = _rounded(uc.fit(y, other, maxiter))
            if again != base:
                moved.append((k, label, base, again))
    assert not moved, f"{len({m[0] for m in moved})} of {len(pipeline_series)} rounded fits moved: {moved}"
