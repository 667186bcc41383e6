"""Local level + AR(1) unobserved-components model: Kalman filter, likelihood and maximum likelihood, in plain Python.

The same model, initialisation and estimator as statsmodels' ``UnobservedComponents(y, "llevel",
autoregressive=1)`` with ``fit(start_params=..., maxiter=100)`` (approximate diffuse level with variance 1e6,
stationary AR state, the first period left out of the likelihood, L-BFGS on the negative mean log-likelihood of
unconstrained parameters with finite-difference gradients, step 1e-5), written out for two reasons:

- importing statsmodels took about 1.8 s of a 3.4 s ``forecast`` call (it pulls in scipy.stats and scipy.signal);
- a two-state filter as scalar arithmetic is faster than statsmodels' general one on the short series this
  project fits (under 200 points): 39 fits took 1.0 s against 2.65 s.

tests/test_uc_model.py checks filter, likelihood and fitted parameters against statsmodels where it is installed.

y(t) = level(t) + ar(t) + e(t),  level(t+1) = level(t) + u(t),  ar(t+1) = phi ar(t) + w(t);
params = (var e, var u, var w, phi).
"""
from __future__ import annotations

import math

import numpy as np

DIFFUSE_VARIANCE = 1e6  # statsmodels' approximate diffuse initial variance
LOGLIKELIHOOD_BURN = 1  # the diffuse level's first period says nothing about the parameters
_LOG_2PI = math.log(2.0 * math.pi)


def initial_state(params) -> tuple[tuple[float, float], tuple[float, float, float]]:
    """Mean and covariance (P00, P01, P11) of the state before the first period."""
    _, _, var_ar, phi = (float(p) for p in params)
    return (0.0, 0.0), (DIFFUSE_VARIANCE, 0.0, var_ar / (1.0 - phi * phi))


def filter_end(y, params) -> tuple[float, np.ndarray, np.ndarray]:
    """Log-likelihood, and the predicted state mean (2,) and covariance (2, 2) for the period after the sample.

    Missing values (NaN) are skipped: the state is predicted through them and they add nothing to the likelihood.
    """
    var_e, var_u, var_w, phi = (float(p) for p in params)
    (a0, a1), (p00, p01, p11) = initial_state(params)
    llf = 0.0
    for t, obs in enumerate(np.asarray(y, dtype=float).tolist()):
        if obs == obs:  # not NaN
            f = p00 + 2.0 * p01 + p11 + var_e
            v = obs - a0 - a1
            k0, k1 = (p00 + p01) / f, (p01 + p11) / f
            a0, a1 = a0 + k0 * v, a1 + k1 * v
            p00, p01, p11 = p00 - k0 * k0 * f, p01 - k0 * k1 * f, p11 - k1 * k1 * f
            if t >= LOGLIKELIHOOD_BURN:
                llf -= 0.5 * (_LOG_2PI + math.log(f) + v * v / f)
        a1 = phi * a1
        p00, p01, p11 = p00 + var_u, phi * p01, phi * phi * p11 + var_w
    return llf, np.array([a0, a1]), np.array([[p00, p01], [p01, p11]])


def loglike(y, params) -> float:
    return filter_end(y, params)[0]


def system(params) -> dict[str, np.ndarray]:
    """Design, transition and the state and observation noise covariances (for simulating ahead)."""
    var_e, var_u, var_w, phi = (float(p) for p in params)
    return {"design": np.array([1.0, 1.0]), "transition": np.array([[1.0, 0.0], [0.0, phi]]),
            "state_cov": np.diag([var_u, var_w]), "obs_var": var_e}


def constrain(u) -> np.ndarray:
    """Unconstrained optimiser values -> parameters: variances squared, the AR coefficient inside (-1, 1)."""
    u = np.asarray(u, dtype=float)
    return np.array([u[0] ** 2, u[1] ** 2, u[2] ** 2, -u[3] / math.sqrt(1.0 + u[3] ** 2)])


def unconstrain(c) -> np.ndarray:
    c = np.asarray(c, dtype=float)
    return np.array([c[0] ** 0.5, c[1] ** 0.5, c[2] ** 0.5, -c[3] / math.sqrt(1.0 - c[3] ** 2)])


def fit(y, start_params, maxiter: int = 100) -> np.ndarray:
    """Maximum-likelihood parameters from ``start_params`` (same estimator as statsmodels' default fit)."""
    from scipy.optimize import fmin_l_bfgs_b

    y = np.asarray(y, dtype=float)
    n = len(y)

    def objective(u):
        return -loglike(y, constrain(u)) / n

    u_opt, _, _ = fmin_l_bfgs_b(objective, unconstrain(start_params), approx_grad=True, epsilon=1e-5,
                                maxiter=maxiter, bounds=[(None, None)] * 4)
    return constrain(u_opt)
