"""What is done with predictive draws: combining methods, spread and tails, the shock rule, borrowing a
parent region's dynamics, recalibration, and P(met) under a target's wording.

Public API
    combine(draws_by_name, weights, *, n_draws=None, seed=0, method="mixture") -> ndarray
    rescale(draws, scale) -> ndarray                                                 spread about the median x scale
    heavier_tails(draws, h) -> ndarray                      Tukey-h: centre narrower, tails wider, 80% band kept
    shock_reversion(draws, gap, *, seed=0) -> ndarray                                shift by Uniform(0, 1) x gap
    fit_recalibration(p, met) -> (a, b); recalibrate(draws, a, b) -> ndarray        logistic P(met) recalibration
    pit_value(quantiles, actual) -> float                                  F(actual) from sorted quantiles: the PIT
    fit_pit_map(u, groups, weights, ...) -> ({group: mu}, sigma)             probit-normal calibration map of PITs
    pit_levels(levels, mu, sigma) -> ndarray; pit_recalibrate(draws, mu, sigma) -> ndarray     Q(G^-1(p))
    borrow(parent_draws, local_latest, parent_latest, widen_pp, *, seed=0, own_draws=None, own_years=0,
           credibility_years=5.0) -> tuple[ndarray, float]                          (draws, borrowed share)
    p_met(draws, target, qualifier, relative_draws=None, tolerance=0.0) -> PMet    (strict, tolerant)
    summarize(draws) -> dict[str, float]                                             mean, q05 .. q95
"""
from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from pipeline.sources import qualifiers
from pipeline.model.forecasters import QUANTILES


class PMet(NamedTuple):
    strict: float
    tolerant: float


def combine(draws_by_name: Mapping[str, np.ndarray], weights: Mapping[str, float], *, n_draws: int | None = None,
            seed: int = 0, method: str = "mixture") -> np.ndarray:
    """Weighted combination of forecasters' draws; weights are chosen by the backtest.

    "mixture" (linear pool) takes round(w_k · n) draws from each forecaster: honest when forecasters disagree,
    but wider. "quantile" averages the sorted draws (Vincentization): sharper, keeps the common shape.
    Names with zero weight or missing draws are skipped; weights are renormalised over the rest.
    """
    used = {k: float(w) for k, w in weights.items() if w > 0 and k in draws_by_name}
    if not used:
        raise ValueError("no forecaster with positive weight and draws")
    total = sum(used.values())
    names = sorted(used)
    arrays = {k: np.asarray(draws_by_name[k], dtype=float) for k in names}
    n = n_draws or min(len(a) for a in arrays.values())
    rng = np.random.default_rng(seed)
    if method == "quantile":
        probs = (np.arange(n) + 0.5) / n
        return sum(used[k] / total * quantiles(arrays[k], probs) for k in names)
    if method != "mixture":
        raise ValueError(f"method must be 'mixture' or 'quantile', not {method!r}")
    exact = np.array([used[k] / total * n for k in names])
    counts = np.floor(exact).astype(int)
    counts[np.argsort(counts - exact)[: n - counts.sum()]] += 1
    parts = [rng.choice(arrays[k], size=c, replace=True) for k, c in zip(names, counts)]
    out = np.concatenate(parts)
    rng.shuffle(out)
    return out


def quantiles(x: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """``np.quantile(x, probs)`` bit for bit (its 'linear' method: same indices, same interpolation), from one sort.

    Why: numpy partitions around every requested index, which for the thousand probabilities of a quantile
    average cost a third of the backtest's time; a sort and two lookups give the same numbers. NaN draws are
    left to numpy.
    """
    x = np.asarray(x, dtype=float)
    probs = np.asarray(probs, dtype=float)
    n = x.shape[0]
    if n == 0 or np.isnan(x).any() or probs.min(initial=0.0) < 0 or probs.max(initial=0.0) > 1:
        return np.quantile(x, probs)
    ordered = np.sort(x)
    virtual = (n - 1) * probs
    lo = np.floor(virtual)
    hi = lo + 1
    top = virtual >= n - 1
    lo[top], hi[top] = n - 1, n - 1
    gamma = virtual - lo
    a, b = ordered[lo.astype(np.intp)], ordered[hi.astype(np.intp)]
    diff = b - a
    out = np.add(a, diff * gamma)
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5)
    return out


def rescale(draws, scale: float) -> np.ndarray:
    """Draws moved towards (scale < 1) or away from (> 1) their median: the spread constant the backtest chooses.

    The forecasters' spreads come from every past year alike, crises included, so in ordinary years they are
    too wide; one multiplicative constant, chosen on earlier years' scores only, corrects that.
    """
    x = np.asarray(draws, dtype=float)
    med = float(np.median(x))
    return med + float(scale) * (x - med)


_Z80 = 1.2815515655446004  # standard normal 90th percentile: the 80% band's edge


@functools.lru_cache(maxsize=64)
def tail_factors(n: int, h: float) -> np.ndarray:
    """Per-rank factors of ``heavier_tails`` for ``n`` sorted draws: exp(h (z^2 - z80^2) / 2), z the normal score.

    Tukey's h transform normalised at the 80% band's edges: below them (|z| < 1.28) draws move towards the
    median, beyond them away from it; the draws' order is kept. Cached (read-only): the backtest asks for the
    same few (n, h) tens of thousands of times.
    """
    from scipy.special import ndtri

    z = ndtri((np.arange(n) + 0.5) / n)
    out = np.exp(float(h) * (z * z - _Z80 * _Z80) / 2.0)
    out.flags.writeable = False
    return out


def heavier_tails(draws, h: float) -> np.ndarray:
    """Draws with a narrower centre and wider tails (``h`` > 0), their median and 80% band unchanged.

    A spread constant cannot fix bands that are right at 80% but too wide at 50%: ordinary years' outcomes
    are more peaked about the median than the forecasters say. ``h`` (0 = unchanged) is chosen by the
    backtest on earlier years only, after the weights, rule and spread scale.
    """
    x = np.asarray(draws, dtype=float)
    if float(h) == 0.0 or len(x) < 2:
        return x.copy()
    order = np.argsort(x, kind="stable")
    med = float(np.median(x))
    out = np.empty_like(x)
    out[order] = med + (x[order] - med) * tail_factors(len(x), h)
    return out


def shock_reversion(draws, gap: float, *, seed: int = 0) -> np.ndarray:
    """Shock-year draws: the model's draws shifted back towards last year's outcome by a Uniform(0, 1) share of ``gap``.

    In a shock the December outcome has lain between the shocked path and a full return to last year's
    growth (recovery, base effects); how much comes back is unknown, hence uniform. Fixed in advance, not fitted.
    """
    x = np.asarray(draws, dtype=float)
    return x + np.random.default_rng(seed).uniform(0.0, 1.0, len(x)) * float(gap)


def _logit(p):
    p = np.clip(np.asarray(p, dtype=float), 1e-3, 1 - 1e-3)
    return np.log(p / (1 - p))


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def fit_recalibration(p, met, *, iterations: int = 50) -> tuple[float, float]:
    """(a, b) of the logistic recalibration logit(p') = a + b logit(p), by maximum likelihood on past pairs.

    Past probabilities and 0/1 outcomes (Newton's method with a tiny ridge for separable data); b is kept
    in [0.2, 5] so the map stays increasing and tame. (0, 1) is no change.
    """
    x, y = _logit(p), np.asarray(met, dtype=float)
    if len(x) < 2 or y.min() == y.max():
        return 0.0, 1.0
    design = np.column_stack([np.ones(len(x)), x])
    beta = np.array([0.0, 1.0])
    for _ in range(iterations):
        mu = _sigmoid(design @ beta)
        w = np.clip(mu * (1 - mu), 1e-9, None)
        step = np.linalg.solve(design.T @ (design * w[:, None]) + 1e-6 * np.eye(2), design.T @ (y - mu))
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return float(beta[0]), float(np.clip(beta[1], 0.2, 5.0))


def recalibrate(draws, a: float, b: float) -> np.ndarray:
    """Sorted draws whose P(draw >= t) is sigmoid(a + b logit(P(input >= t))) for every threshold t.

    The recalibration the backtest fits on earlier years' P(met) (``fit_recalibration``), applied to the whole
    distribution rather than to one probability, so bands and P(met) stay one distribution.
    """
    x = np.sort(np.asarray(draws, dtype=float))
    if a == 0.0 and b == 1.0:
        return x
    alpha = (np.arange(len(x)) + 0.5) / len(x)
    raw_level = 1.0 - _sigmoid((_logit(1.0 - alpha) - a) / b)
    return np.quantile(x, raw_level)


def pit_value(quantiles, actual: float, levels=None) -> float:
    """F(actual): the probability integral transform of an outcome under sorted quantiles at ``levels``
    (default (i + 0.5) / n). Outside the quantiles' range it is the first or last level (clipped, not 0 or 1),
    so that one outcome far out cannot dominate a fit on the probit scale."""
    q = np.asarray(quantiles, dtype=float)
    lv = (np.arange(len(q)) + 0.5) / len(q) if levels is None else np.asarray(levels, dtype=float)
    return float(np.interp(float(actual), q, lv))


def fit_pit_map(u, groups, weights=None, *, shrink_years: float = 3.0, shift: bool = True,
                scale: bool = True) -> tuple[dict, float]:
    """({group: mu}, sigma) of the calibration map G(u) = Phi((Phi^-1(u) - mu_group) / sigma) of past PITs ``u``.

    Why probit-normal: a calibrated forecaster's PITs are uniform, so z = Phi^-1(u) is standard normal; a biased one
    shifts z (mu: over-prediction gives PITs piled low, mu < 0), an over-confident one spreads it (sigma > 1). Two
    numbers per map, so a few years suffice. ``weights`` (e.g. 1 / months of the year, so that each correlated year
    counts once) are in years: mu per group is shrunk towards 0 and sigma^2 (pooled over the groups, about each
    group's mu) towards 1 by ``shrink_years`` pseudo-years at the identity. sigma is kept in [0.5, 3].
    """
    from scipy.special import ndtri

    z = ndtri(np.clip(np.asarray(u, dtype=float), 1e-4, 1 - 1e-4))
    g = np.asarray(groups)
    w = np.ones(len(z)) if weights is None else np.asarray(weights, dtype=float)
    mus, centred = {}, np.zeros(len(z))
    for key in dict.fromkeys(g.tolist()):
        m = g == key
        total = float(w[m].sum())
        mean = float(np.sum(w[m] * z[m]) / total) if total > 0 else 0.0
        mus[key] = total / (total + shrink_years) * mean if shift and total > 0 else 0.0
        centred[m] = z[m] - mus[key]
    total = float(w.sum())
    if not scale or total <= 0:
        return mus, 1.0
    var = (float(np.sum(w * centred ** 2)) + shrink_years) / (total + shrink_years)
    return mus, float(np.clip(math.sqrt(var), 0.5, 3.0))


def pit_levels(levels, mu: float, sigma: float) -> np.ndarray:
    """G^-1(p) = Phi(mu + sigma Phi^-1(p)): the old distribution's levels that the recalibrated one puts at ``levels``."""
    from scipy.special import ndtr, ndtri

    return ndtr(float(mu) + float(sigma) * ndtri(np.asarray(levels, dtype=float)))


def quantiles_at(sorted_x, levels, new_levels) -> np.ndarray:
    """Quantiles at ``new_levels`` of a distribution given by sorted values at ``levels``: linear between them,
    beyond the end levels linear on the probit scale with the slope from the end to the 5% (95%) point, so a
    wider recalibrated distribution gets tails instead of a pile of draws at the old extremes."""
    from scipy.special import ndtri

    x, lv, new = (np.asarray(a, dtype=float) for a in (sorted_x, levels, new_levels))
    out = np.interp(new, lv, x)
    n = len(x)
    if n < 2:
        return out
    k = max(1, n // 20)
    for end, inner, beyond in ((0, k, new < lv[0]), (n - 1, n - 1 - k, new > lv[-1])):
        if beyond.any():
            dz = ndtri(lv[inner]) - ndtri(lv[end])
            slope = (x[inner] - x[end]) / dz if dz else 0.0
            out[beyond] = x[end] + slope * (ndtri(np.clip(new[beyond], 1e-16, 1 - 1e-16)) - ndtri(lv[end]))
    return out


def pit_recalibrate(draws, mu: float, sigma: float) -> np.ndarray:
    """Draws whose CDF is G(F(x)), G the map of ``fit_pit_map``: the quantile function Q(G^-1(p)).

    One distribution keeps P(met), the bands and the median coherent (a logistic map of P(met) alone cannot). Each
    draw keeps its rank (draw-by-draw comparisons with other draws keep their dependence). (0, 1) is no change.
    """
    x = np.asarray(draws, dtype=float)
    if (float(mu), float(sigma)) == (0.0, 1.0) or len(x) < 2:
        return x.copy()
    order = np.argsort(x, kind="stable")
    levels = (np.arange(len(x)) + 0.5) / len(x)
    out = np.empty_like(x)
    out[order] = quantiles_at(x[order], levels, pit_levels(levels, mu, sigma))
    return out


def borrow(parent_draws, local_latest: float, parent_latest: float, widen_pp: float, *, seed: int = 0,
           own_draws=None, own_years: int = 0, credibility_years: float = 5.0) -> tuple[np.ndarray, float]:
    """Forecast for a region with little history of its own, from its parent's (or the nation's) forecast.

    The parent's expected change to December, parent_draws − parent_latest (both at the same as-of month),
    is added to the local latest YTD and widened by Normal(0, ``widen_pp``) noise for local idiosyncrasy.
    If the region has ``own_years`` years of its own drift history and ``own_draws`` from its own forecaster,
    the two are mixed with the credibility weight own_years / (own_years + credibility_years).

    Returns (draws, borrowed share): the share of draws that come from the parent (1.0 without own draws),
    for reports to say how much of a forecast is not the region's own evidence.
    """
    parent = np.asarray(parent_draws, dtype=float)
    rng = np.random.default_rng(seed)
    shifted = local_latest + (parent - parent_latest) + widen_pp * rng.standard_normal(len(parent))
    if own_draws is None or own_years <= 0:
        return shifted, 1.0
    borrowed_share = credibility_years / (own_years + credibility_years)
    mixed = combine({"parent": shifted, "own": np.asarray(own_draws, dtype=float)},
                    {"parent": borrowed_share, "own": 1.0 - borrowed_share},
                    n_draws=len(parent), seed=int(rng.integers(0, 2**32)))
    return mixed, borrowed_share


def p_met(draws, target: float | None, qualifier: str, relative_draws=None, tolerance: float = 0.0) -> PMet:
    """Probability the target is met, strictly and with the qualifier's tolerance (see ``qualifiers``).

    ``relative_draws`` are the outcome a relative target (above/in_step, e.g. income vs GDP) is judged against:
    draws of the same length compared draw by draw (keep them from the same seed/joint simulation where
    possible), or a number when already known. NaN when the target cannot be judged (missing number).
    """
    code = qualifiers.normalize(qualifier)
    x = np.asarray(draws, dtype=float)
    if code in qualifiers.RELATIVE:
        if relative_draws is None:
            return PMet(math.nan, math.nan)
        rel = np.asarray(relative_draws, dtype=float)
        if rel.ndim and rel.shape != x.shape:
            raise ValueError("relative_draws must be a number or have the same shape as draws")
        strict = x > rel if code == "above" else x >= rel
        return PMet(float(np.mean(strict)), float(np.mean(x >= rel - tolerance)))
    if code != "positive" and (target is None or math.isnan(target)):
        return PMet(math.nan, math.nan)
    if code == "at_most":
        return PMet(float(np.mean(x <= target)), float(np.mean(x <= target + tolerance)))
    out = []
    for tolerant in (False, True):
        thr, strict_greater = qualifiers.threshold(target, code, tolerance=tolerance, tolerant=tolerant)
        out.append(float(np.mean(x > thr if strict_greater else x >= thr)))
    return PMet(*out)


def summarize(draws) -> dict[str, float]:
    """Mean and the 5–95 % quantiles of a predictive distribution (pct)."""
    x = np.asarray(draws, dtype=float)
    qs = np.quantile(x, list(QUANTILES.values()))
    return {"mean": float(x.mean()), **{k: float(v) for k, v in zip(QUANTILES, qs)}}
