"""Local level + AR(1) unobserved-components model: Kalman filter, likelihood and maximum likelihood, in plain Python.

The same model, initialisation and estimator as statsmodels' ``UnobservedComponents(y, "llevel",
autoregressive=1)`` with ``fit(start_params=..., maxiter=100)`` (approximate diffuse level with variance 1e6,
stationary AR state, the first period left out of the likelihood, L-BFGS on the negative mean log-likelihood of
unconstrained parameters with finite-difference gradients, step 1e-5), then carried on to the optimum itself
(``polish``), written out for two reasons:

- importing statsmodels took about 1.8 s of a 3.4 s ``forecast`` call (it pulls in scipy.stats and scipy.signal);
- a two-state filter as scalar arithmetic is faster than statsmodels' general one on the short series this
  project fits (under 200 points): 39 fits took 1.0 s against 2.65 s.

The estimate is a function of the data, not of the machine: L-BFGS alone stops loosely, along a path that depends
on the CPU's BLAS kernel, so ``fit`` finishes with Newton's method on the exact gradient in plain floats, with
variances that belong at zero set to exactly zero (issue 21).

tests/test_uc_model.py checks filter, likelihood and fitted parameters against statsmodels where it is installed,
the gradient against finite differences, and that the rounded fits of real series do not move with the start.

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


def loglike_score(y, params) -> tuple[float, tuple[float, float, float, float]]:
    """Log-likelihood (the same arithmetic as ``filter_end``, so the same number) and its exact derivatives with
    respect to (var e, var u, var w, phi): the filter differentiated step by step alongside itself.

    The derivatives of the state mean (a0, a1) and covariance (P00, P01, P11) are carried per parameter:
    e var e, u var u, w var w, p phi.
    """
    var_e, var_u, var_w, phi = (float(p) for p in params)
    phi2 = phi * phi
    a0 = a1 = p01 = 0.0
    p00, p11 = DIFFUSE_VARIANCE, var_w / (1.0 - phi2)
    a0e = a1e = p00e = p01e = p11e = a0u = a1u = p00u = p01u = p11u = 0.0
    a0w = a1w = p00w = p01w = a0p = a1p = p00p = p01p = 0.0
    p11w, p11p = 1.0 / (1.0 - phi2), 2.0 * phi * var_w / ((1.0 - phi2) * (1.0 - phi2))
    llf = se = su = sw = sp = 0.0
    for t, obs in enumerate(np.asarray(y, dtype=float).tolist()):
        if obs == obs:  # not NaN
            f = p00 + 2.0 * p01 + p11 + var_e
            v = obs - a0 - a1
            k0, k1 = (p00 + p01) / f, (p01 + p11) / f
            fe, fu = p00e + 2.0 * p01e + p11e + 1.0, p00u + 2.0 * p01u + p11u
            fw, fp = p00w + 2.0 * p01w + p11w, p00p + 2.0 * p01p + p11p
            ve, vu, vw, vp = -a0e - a1e, -a0u - a1u, -a0w - a1w, -a0p - a1p
            vf = v / f
            if t >= LOGLIKELIHOOD_BURN:
                llf -= 0.5 * (_LOG_2PI + math.log(f) + v * v / f)
                c = 0.5 * (1.0 / f - vf * vf)  # d llf = -c df - (v / f) dv
                se -= c * fe + vf * ve
                su -= c * fu + vf * vu
                sw -= c * fw + vf * vw
                sp -= c * fp + vf * vp
            # a + k v with k = m / f, m = (P00 + P01, P01 + P11): d = (dm - k df) v / f + k dv
            m0e, m1e, m0u, m1u = p00e + p01e, p01e + p11e, p00u + p01u, p01u + p11u
            m0w, m1w, m0p, m1p = p00w + p01w, p01w + p11w, p00p + p01p, p01p + p11p
            a0e += (m0e - k0 * fe) * vf + k0 * ve
            a1e += (m1e - k1 * fe) * vf + k1 * ve
            a0u += (m0u - k0 * fu) * vf + k0 * vu
            a1u += (m1u - k1 * fu) * vf + k1 * vu
            a0w += (m0w - k0 * fw) * vf + k0 * vw
            a1w += (m1w - k1 * fw) * vf + k1 * vw
            a0p += (m0p - k0 * fp) * vf + k0 * vp
            a1p += (m1p - k1 * fp) * vf + k1 * vp
            # P - m m' / f: d = dP - k dm' - dm k' + k k' df
            p00e, p01e, p11e = (p00e - 2.0 * k0 * m0e + k0 * k0 * fe, p01e - k1 * m0e - k0 * m1e + k0 * k1 * fe,
                                p11e - 2.0 * k1 * m1e + k1 * k1 * fe)
            p00u, p01u, p11u = (p00u - 2.0 * k0 * m0u + k0 * k0 * fu, p01u - k1 * m0u - k0 * m1u + k0 * k1 * fu,
                                p11u - 2.0 * k1 * m1u + k1 * k1 * fu)
            p00w, p01w, p11w = (p00w - 2.0 * k0 * m0w + k0 * k0 * fw, p01w - k1 * m0w - k0 * m1w + k0 * k1 * fw,
                                p11w - 2.0 * k1 * m1w + k1 * k1 * fw)
            p00p, p01p, p11p = (p00p - 2.0 * k0 * m0p + k0 * k0 * fp, p01p - k1 * m0p - k0 * m1p + k0 * k1 * fp,
                                p11p - 2.0 * k1 * m1p + k1 * k1 * fp)
            a0, a1 = a0 + k0 * v, a1 + k1 * v
            p00, p01, p11 = p00 - k0 * k0 * f, p01 - k0 * k1 * f, p11 - k1 * k1 * f
        a1e, a1u, a1w, a1p = phi * a1e, phi * a1u, phi * a1w, phi * a1p + a1
        p01e, p01u, p01w, p01p = phi * p01e, phi * p01u, phi * p01w, phi * p01p + p01
        p11e, p11u, p11w, p11p = phi2 * p11e, phi2 * p11u, phi2 * p11w + 1.0, phi2 * p11p + 2.0 * phi * p11
        p00u += 1.0
        a1 = phi * a1
        p00, p01, p11 = p00 + var_u, phi * p01, phi2 * p11 + var_w
    return llf, (se, su, sw, sp)


def fit(y, start_params, maxiter: int = 100) -> np.ndarray:
    """Maximum-likelihood parameters: statsmodels' default fit from ``start_params``, then ``polish``.

    The first stage alone is not a function of the data only: L-BFGS stops loosely (relative change 2e-9) and
    scipy's L-BFGS-B does its vector arithmetic in the bundled OpenBLAS, whose kernel depends on the CPU, so the
    point where it stops moved in the fourth significant digit between CPUs, and variances that should be zero
    stopped anywhere between 1e-13 and 1e-5 (issue 21: 66 of 88 rounded fits of the backtest differed between
    the Haswell and SkylakeX kernels). ``polish`` goes on to the optimum itself.
    """
    from scipy.optimize import fmin_l_bfgs_b

    y = np.asarray(y, dtype=float)
    n = len(y)

    def objective(u):
        return -loglike(y, constrain(u)) / n

    u_opt, _, _ = fmin_l_bfgs_b(objective, unconstrain(start_params), approx_grad=True, epsilon=1e-5,
                                maxiter=maxiter, bounds=[(None, None)] * 4)
    return polish(y, constrain(u_opt))


SNAP_RELATIVE = 1e-3  # variances below this share of the total are tried at zero
NEWTON_MAXITER = 20
NEWTON_DECREMENT = 1e-15  # g' H^-1 g of the log-likelihood: the last step changed it by less than this


def polish(y, params) -> np.ndarray:
    """The optimum near ``params``, to rounding error: Newton's method with the exact gradient (``loglike_score``)
    in plain Python floats (no BLAS), the variances bounded below by zero.

    A variance below ``SNAP_RELATIVE`` of the total is set to exactly zero when the likelihood still falls as it
    goes up from zero there (the boundary is then the optimum in that direction); Newton steps are projected onto
    variances >= 0, a variance at zero stays there while the gradient points below zero, and is freed when it
    points up. The Hessian is forward differences of the exact gradient, only the step depends on it, so the
    point returned is where the gradient vanishes (or points outwards at zero variances) whichever nearby point
    the first stage stopped at. With no AR noise (var w = 0) the AR coefficient has no effect on the likelihood
    or the forecasts and is returned as 0. If Newton does not converge within ``NEWTON_MAXITER`` steps (not seen on
    this project's series), the better of ``params`` and the point reached is returned.
    """
    y = np.asarray(y, dtype=float)
    start = [float(p) for p in params]
    theta, scale = list(start), start[0] + start[1] + start[2]
    for i in sorted(range(3), key=lambda j: theta[j]):
        if 0.0 < theta[i] < SNAP_RELATIVE * scale:
            trial = theta[:i] + [0.0] + theta[i + 1:]
            trial_llf, trial_grad = _evaluate(y, trial)
            if trial_llf > -math.inf and trial_grad[i] <= 0.0:
                theta = trial
    llf, grad = _evaluate(y, theta)
    hess, hess_free = None, None
    for _ in range(NEWTON_MAXITER):
        # free: positive variances, zero ones the likelihood wants up, and phi when there is AR noise
        free = [i for i in range(3) if theta[i] > 0.0 or grad[i] > 0.0]
        free += [3] if 2 in free else []
        if free != hess_free:
            hess, hess_free = _hessian(y, theta, grad, free, scale), free
        direction, ridge = _newton_direction(hess, [grad[i] for i in free])
        decrement = sum(grad[i] * d for i, d in zip(free, direction))
        step = 1.0
        while True:  # halve the step until the likelihood does not fall (beyond rounding)
            new = list(theta)
            for i, d in zip(free, direction):
                new[i] = max(theta[i] + step * d, 0.0) if i < 3 else theta[i] + step * d
            new_llf, new_grad = _evaluate(y, new) if abs(new[3]) < 1.0 else (-math.inf, grad)
            if new_llf >= llf - 1e-12 * abs(llf) or step < 1e-6:
                break
            step *= 0.5
        if new_llf == -math.inf:
            theta = theta if llf > _evaluate(y, start)[0] else start
            break
        theta, llf, grad = new, new_llf, new_grad
        if ridge or step < 1.0:
            hess_free = None  # not yet where Newton's method converges: a fresh Hessian next time
        elif decrement < NEWTON_DECREMENT:
            break
    else:  # no convergence (stage one stopped far from an optimum): the better of the two points
        theta = theta if llf > _evaluate(y, start)[0] else start
    return np.array(theta[:3] + [0.0 if theta[2] == 0.0 else theta[3]])


def _evaluate(y, theta) -> tuple[float, tuple[float, float, float, float]]:
    try:
        llf, grad = loglike_score(y, theta)
    except (ZeroDivisionError, ValueError):  # a zero or negative prediction variance
        return -math.inf, (0.0, 0.0, 0.0, 0.0)
    return (llf, grad) if math.isfinite(llf) else (-math.inf, (0.0, 0.0, 0.0, 0.0))


def _hessian(y, theta, grad, free, scale) -> list[list[float]]:
    """Minus the Hessian of the log-likelihood on the ``free`` parameters: forward differences of the gradient."""
    cols = []
    for j in free:
        h = 1e-6 * (abs(theta[j]) + (scale if j < 3 else 1.0))
        if j == 3 and abs(theta[3] + h) >= 1.0:
            h = -h
        shifted = _evaluate(y, theta[:j] + [theta[j] + h] + theta[j + 1:])[1]
        cols.append([-(shifted[i] - grad[i]) / h for i in free])
    n = len(free)
    return [[0.5 * (cols[j][i] + cols[i][j]) for j in range(n)] for i in range(n)]


def _newton_direction(hess, grad) -> tuple[list[float], bool]:
    """hess^-1 grad by Cholesky, a growing ridge added while hess is not positive definite (Levenberg); no step
    when even a ridge of 1e30 times the diagonal does not help (a Hessian that is not finite)."""
    n = len(grad)
    ridge, top = 0.0, max([abs(hess[i][i]) for i in range(n)] + [1e-300])
    for _ in range(22):
        x = _cholesky_solve([[hess[i][j] + (ridge if i == j else 0.0) for j in range(n)] for i in range(n)], grad)
        if x is not None:
            return x, ridge > 0.0
        ridge = 1e-10 * top if ridge == 0.0 else ridge * 100.0
    return [0.0] * n, True


def _cholesky_solve(a, b) -> list[float] | None:
    """Solve a x = b for a small symmetric positive definite ``a`` in plain floats; None if not positive definite."""
    n = len(b)
    low = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            s = a[i][j] - math.fsum(low[i][k] * low[j][k] for k in range(j))
            if i == j:
                if not s > 0.0:
                    return None
                low[i][i] = math.sqrt(s)
            else:
                low[i][j] = s / low[j][j]
    z = [0.0] * n
    for i in range(n):
        z[i] = (b[i] - math.fsum(low[i][k] * z[k] for k in range(i))) / low[i][i]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (z[i] - math.fsum(low[k][i] * x[k] for k in range(i + 1, n))) / low[i][i]
    return x
