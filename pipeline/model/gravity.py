"""Target gravity (issue 22): reported outcomes bunch at or just above a government's own target.

Model: an outcome whose unmanaged value would land in [target - w, target) is reported in
[target, target + bunch_width) with probability pi. w and pi come from a bunching estimator (Chetty et al.
2011; Kleven 2016) on the margin (outcome - target, pp) of past target-outcome pairs: a polynomial
counterfactual density of the margin, fitted to binned counts outside a window around 0, gives the excess
mass just above the target and the missing mass below it.

Fixed in advance (not chosen from scores):
- bins of 0.1 pp (outcomes and targets are published to 0.1 pp), fit range [-4, +4) pp;
- bunch_width 0.3 pp (bins 0.0, 0.1, 0.2: the excess the issue's histogram shows at [0, 0.25));
- a round-number term in the counterfactual for margins at multiples of 0.5 pp: targets are whole or half
  percents and outcomes heap at whole and half percents whether managed or not, so heaping at 0 is not
  gravity;
- ordinary years only (shock years are excluded from learning), years before the forecast year only.
Chosen by evidence inside each fit: the polynomial degree (BIC among 1..7 on the bins outside the widest
window, the same bins for every degree), then w by the integration constraint (Kleven 2016): the narrowest
window below 0 whose missing mass reaches the excess mass above. pi = excess / counterfactual mass in
[-w, 0).

Gravity applies to a government's own target only (``kind == "target"``), never to a synthetic threshold
(last year's outcome, +-1 pp): nobody manages a statistic towards a number nobody announced.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.model.annual.panel import FROM_BELOW  # targets judged by "outcome at or above a number"

BIN_PP = 0.1
FIT_RANGE_PP = (-4.0, 4.0)
BUNCH_WIDTH_PP = 0.3
MAX_W_PP = 2.0
DEGREES = tuple(range(1, 8))
ROUND_PP = 0.5
CONVERGE_TOL = 0.05  # missing mass within 5% of the excess counts as converged: the counterfactual is no surer
LEVELS = ("province", "prefecture")  # the city+province panel; national targets are scored, not learned from


@dataclass(frozen=True)
class Gravity:
    """A fitted gravity model; ``pi == 0`` moves nothing (no excess mass, or too few pairs)."""
    pi: float
    w_pp: float
    bunch_width_pp: float
    excess: float = 0.0      # pairs above the counterfactual in [0, bunch_width)
    missing: float = 0.0     # pairs below the counterfactual in [-w, 0)
    degree: int = 0
    n_pairs: int = 0
    converged: bool = False  # the missing mass reached the excess within MAX_W_PP
    years: tuple = ()


NONE = Gravity(0.0, 0.0, BUNCH_WIDTH_PP)


def pairs_from_record(record: pd.DataFrame, level_of, levels=LEVELS, indicator: str = "gdp") -> pd.DataFrame:
    """year, margin_pp, outcome_vintage of the targets judged from below, of the given levels.

    The track record's outcome is already the first release where the data have one (``outcome_vintage``
    says which), so the pairs use it; ``level_of`` maps a region to its level (passed in: no registry here)."""
    r = record[(record.indicator == indicator) & record.margin_pp.notna() & record.qualifier.isin(FROM_BELOW)]
    r = r[r.region.astype(str).map(level_of).isin(levels)]
    return pd.DataFrame({"year": r.year.to_numpy("int64"), "margin_pp": r.margin_pp.to_numpy(float),
                         "outcome_vintage": r.outcome_vintage.to_numpy()})


def bin_counts(margins, lo: float = FIT_RANGE_PP[0], hi: float = FIT_RANGE_PP[1], width: float = BIN_PP):
    """(bin index k, counts): bin k holds margins that round to k * width; k from lo/width to hi/width - 1."""
    k = np.round(np.asarray(margins, dtype=float) / width).astype(np.int64)
    ks = np.arange(int(round(lo / width)), int(round(hi / width)))
    counts = np.array([(k == j).sum() for j in ks], dtype=float)
    return ks, counts


def _design(ks, degree: int, window, round_every: int):
    """Polynomial in the margin (scaled to [-1, 1]), a round-number dummy, a dummy per bin in the window."""
    z = ks / max(abs(ks.min()), abs(ks.max()), 1)
    cols = [z ** i for i in range(degree + 1)] + [(ks % round_every == 0).astype(float)]
    cf = np.column_stack(cols)
    dummies = np.column_stack([(ks == j).astype(float) for j in window]) if len(window) else np.zeros((len(ks), 0))
    return cf, np.hstack([cf, dummies])


def _counterfactual(ks, counts, degree: int, window, round_every: int):
    cf_x, x = _design(ks, degree, window, round_every)
    beta = np.linalg.lstsq(x, counts, rcond=None)[0]
    return cf_x @ beta[:cf_x.shape[1]], float(np.sum((counts - x @ beta) ** 2))


def choose_degree(ks, counts, bunch_bins: int, max_w_bins: int, round_every: int, degrees=DEGREES) -> int:
    """BIC on the bins outside the widest window [-max_w, bunch_width) (the same bins for every degree)."""
    outside = (ks < -max_w_bins) | (ks >= bunch_bins)
    n = int(outside.sum())
    best, best_bic = degrees[0], math.inf
    for d in degrees:
        _, rss = _counterfactual(ks[outside], counts[outside], d, [], round_every)
        bic = n * math.log(max(rss, 1e-12) / n) + (d + 2) * math.log(n)
        if bic < best_bic - 1e-9:
            best, best_bic = d, bic
    return best


def estimate(margins, *, bunch_width_pp: float = BUNCH_WIDTH_PP, max_w_pp: float = MAX_W_PP,
             degree: int | None = None, years=()) -> Gravity:
    """Bunching estimate of (pi, w) from margins (pp). Nothing moves (``NONE``) without excess mass."""
    m = np.asarray(margins, dtype=float)
    m = m[np.isfinite(m)]
    ks, counts = bin_counts(m)
    if counts.sum() < 50:  # too few pairs for a density: no gravity rather than noise
        return Gravity(0.0, 0.0, bunch_width_pp, n_pairs=len(m), years=tuple(years))
    ub, max_w = int(round(bunch_width_pp / BIN_PP)), int(round(max_w_pp / BIN_PP))
    every = int(round(ROUND_PP / BIN_PP))
    deg = degree or choose_degree(ks, counts, ub, max_w, every)
    excess = missing = cf_below = 0.0
    wb, converged = max_w, False
    for wb in range(1, max_w + 1):
        cf, _ = _counterfactual(ks, counts, deg, list(range(-wb, ub)), every)
        above, below = (ks >= 0) & (ks < ub), (ks >= -wb) & (ks < 0)
        excess = float(np.sum(counts[above] - cf[above]))
        missing = float(np.sum(cf[below] - counts[below]))
        cf_below = float(np.sum(cf[below]))
        if excess > 0 and missing >= (1.0 - CONVERGE_TOL) * excess:
            converged = True
            break
    if excess <= 0 or cf_below <= 0:
        return Gravity(0.0, 0.0, bunch_width_pp, excess, missing, deg, len(m), False, tuple(years))
    pi = float(np.clip(excess / cf_below, 0.0, 1.0))
    return Gravity(round(pi, 4), round(wb * BIN_PP, 4), bunch_width_pp, round(excess, 2), round(missing, 2),
                   deg, len(m), converged, tuple(years))


def fit(pairs: pd.DataFrame, before_year: int, shock_years=(), **kwargs) -> Gravity:
    """Gravity from the pairs of ordinary years before ``before_year`` only (nested: a forecast for a year
    never learns from its own or later outcomes; shock years are not the norm a statistic is managed to)."""
    y = pairs.year.to_numpy("int64")
    keep = (y < int(before_year)) & ~np.isin(y, [int(s) for s in shock_years])
    years = tuple(sorted({int(v) for v in y[keep]}))
    return estimate(pairs.margin_pp.to_numpy(float)[keep], years=years, **kwargs)


def fit_by_year(pairs: pd.DataFrame, years, shock_years=(), **kwargs) -> dict[int, Gravity]:
    """The nested fit for each forecast year (what the engines call once per scored year)."""
    return {int(y): fit(pairs, int(y), shock_years, **kwargs) for y in years}


def bootstrap(margins, n_boot: int = 200, seed: int = 0, **kwargs) -> dict:
    """5-95% range of pi and w over pairs resampled with replacement: how sure the estimate is."""
    m = np.asarray(margins, dtype=float)
    rng = np.random.default_rng(seed)
    fits = [estimate(rng.choice(m, len(m)), **kwargs) for _ in range(n_boot)]
    pis, ws = np.array([f.pi for f in fits]), np.array([f.w_pp for f in fits])
    return {"pi_5_95": [round(float(v), 3) for v in np.quantile(pis, [0.05, 0.95])],
            "w_pp_5_95": [round(float(v), 2) for v in np.quantile(ws, [0.05, 0.95])]}


def _window(x, target: float, model: Gravity, strict: bool, precision_pp: float | None):
    """Draws that would be met if managed: [target - w, target), or (target - w, target] for a strict rule
    (half a grid step of slack when the draws are on the publication grid)."""
    eps = float(precision_pp) / 2 if precision_pp else 0.0
    if strict:
        return (x > target - model.w_pp + eps) & (x <= target + eps)
    return (x >= target - model.w_pp - eps) & (x < target - eps)


def active(model: Gravity | None, kind: str) -> bool:
    """Gravity acts on a government's own target only, and only when the fit found some."""
    return model is not None and kind == "target" and model.pi > 0 and model.w_pp > 0


def p_window(draws, target: float, strict: bool, model: Gravity, precision_pp: float | None = None) -> float:
    """Share of draws just short of the target, inside the gravity window."""
    x = np.asarray(draws, dtype=float)
    return float(np.mean(_window(x, float(target), model, strict, precision_pp))) if len(x) else math.nan


def p_met_with_gravity(p_below_window: float, p_met: float, model: Gravity | None) -> float:
    """P(met) once a share pi of the probability just below the target is reported at or above it."""
    if model is None or not (math.isfinite(p_below_window) and math.isfinite(p_met)):
        return p_met
    return float(min(1.0, p_met + model.pi * p_below_window))


def p_met(draws, threshold: float, strict: bool, model: Gravity | None, kind: str = "target",
          precision_pp: float | None = None) -> float:
    """P(met) of draws against a threshold, with gravity when the threshold is a real target (``kind``)."""
    x = np.asarray(draws, dtype=float)
    base = float(np.mean(x > threshold if strict else x >= threshold))
    if not active(model, kind):
        return base
    return p_met_with_gravity(p_window(x, threshold, strict, model, precision_pp), base, model)


def apply(draws, target: float, strict: bool, model: Gravity | None, seed: int, kind: str = "target",
          precision_pp: float | None = None) -> np.ndarray:
    """Draws with gravity: each draw in the window moves, with probability pi, to a uniform place in
    [target, target + bunch_width) ((target, target + bunch_width] for a strict rule; on the publication grid
    when ``precision_pp`` is given). Deterministic given ``seed``; a synthetic threshold moves nothing."""
    x = np.array(draws, dtype=float, copy=True)
    if not active(model, kind):
        return x
    rng = np.random.default_rng(seed)
    inside = _window(x, float(target), model, strict, precision_pp)
    move = inside & (rng.random(len(x)) < model.pi)
    n = int(move.sum())
    if precision_pp:
        steps = int(round(model.bunch_width_pp / precision_pp))
        k = rng.integers(1 if strict else 0, steps + (1 if strict else 0), n)
        x[move] = np.round(target + k * precision_pp, 10)
    else:
        u = rng.random(n)
        x[move] = target + model.bunch_width_pp * ((1.0 - u) if strict else u)
    return x


def cdf_from_quantiles(value: float, probs, quantiles) -> float:
    """P(X < value) from a few quantiles, linear between them and extended linearly past the ends (clipped)."""
    p, q = np.asarray(probs, dtype=float), np.asarray(quantiles, dtype=float)
    order = np.argsort(q)
    p, q = p[order], q[order]
    if value <= q[0] or value >= q[-1]:
        i = (0, 1) if value <= q[0] else (-2, -1)
        slope = (p[i[1]] - p[i[0]]) / (q[i[1]] - q[i[0]]) if q[i[1]] > q[i[0]] else 0.0
        return float(np.clip(p[i[0]] + slope * (value - q[i[0]]), 0.0, 1.0))
    return float(np.interp(value, q, p))


def p_window_from_quantiles(target: float, model: Gravity, probs, quantiles) -> float:
    """P(target - w <= X < target) from quantile columns (the national backtest keeps no draws)."""
    return max(0.0, cdf_from_quantiles(target, probs, quantiles)
               - cdf_from_quantiles(target - model.w_pp, probs, quantiles))


def unmanaged(draws, target: float, strict: bool, model: Gravity | None, kind: str = "target",
              precision_pp: float | None = None, iterations: int = 4, seed: int = 0) -> np.ndarray:
    """Draws moved down so that their mean after gravity is the mean they had: for a model whose margins were
    learned from reported (already managed) outcomes, gravity should reshape the mass, not add to the mean.
    On the publication grid the shift (less than a step) is made by rounding with a seeded uniform jitter, so
    that it holds on average instead of moving every draw by 0 or by a whole step."""
    x = np.asarray(draws, dtype=float)
    if not active(model, kind):
        return x.copy()
    jitter = (np.random.default_rng(seed).random(len(x)) - 0.5) * (precision_pp or 0.0)

    def shifted(s: float) -> np.ndarray:
        y = x - s + jitter
        return np.round(np.round(y / precision_pp) * precision_pp, 10) if precision_pp else y

    half_step = (precision_pp or 0.0) / 2 * (1 if strict else -1)  # the moved draws' mean on the grid
    shift, mid = 0.0, float(target) + model.bunch_width_pp / 2 + half_step
    for _ in range(iterations):
        y = shifted(shift)
        shift = model.pi * float(np.mean(_window(y, float(target), model, strict, precision_pp) * (mid - y)))
    return shifted(shift)
