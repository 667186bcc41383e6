"""GDP against its target: the pooled margin regression (record, ambition gap, national signals) and its
Student-t spread, fitted on ordinary years before the forecast year only."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.sources import qualifiers
from pipeline.model.annual.panel import DEFAULTS, FROM_BELOW, Panel, SPREAD_MODELS, last_outcome, level_of, national_change_pp, national_outcome_pct

K_MIN, K_MAX = 0.5, 20.0  # bounds of the estimated shrinkage (pseudo-years)


def _responses(panel: Panel, indicator: str, level: str, mode: str, shock_years=()) -> pd.DataFrame:
    """region, year, anchor_pct, gap_pp, y_pp (outcome - anchor; NaN when the outcome is not known).

    gap_pp, the ambition gap, is the anchor minus the region's own outcome of the year before (as known in
    January: first release). After a shock year it is NaN: a collapsed or rebounding year is not a norm
    that a target is set against. Shock-year responses are NaN too (kept out of the record and the fit).
    """
    a = panel.annual[(panel.annual.indicator == indicator) & (panel.annual.level == level)]
    if mode == "target":
        a = a[a.target_pct.notna() & a.qualifier.isin(FROM_BELOW)]
        anchor = a.target_pct.to_numpy(float)
    else:
        a = a[a.outcome_pct.notna()]
        anchor = np.array([national_outcome_pct(panel, indicator, int(y) - 1) for y in a.year], dtype=float)
    shocks = {int(y) for y in shock_years}
    years = a.year.to_numpy("int64")
    last = np.array([last_outcome(panel, r, indicator, int(y))[0] for r, y in zip(a.region.tolist(), years)],
                    dtype=float)
    after_shock = np.isin(years - 1, list(shocks))
    in_shock = np.isin(years, list(shocks))
    out = pd.DataFrame({"region": a.region.to_numpy(), "year": years, "anchor_pct": anchor,
                        "gap_pp": np.where(after_shock, np.nan, anchor - last),
                        "y_pp": np.where(in_shock, np.nan, a.outcome_pct.to_numpy(float) - anchor)})
    return out[np.isfinite(out.anchor_pct)].reset_index(drop=True)


class _History:
    """A level's response history, for features of any (region, year) from years before it only."""

    def __init__(self, resp: pd.DataFrame, half_life_years: float, shrink_years: float):
        known = resp[resp.y_pp.notna()]
        by_year = known.groupby("year").y_pp.agg(["sum", "count"])
        self.years = by_year.index.to_numpy("int64")
        self.sums = by_year["sum"].to_numpy(float)
        self.counts = by_year["count"].to_numpy(float)
        self.h = float(half_life_years)
        self.k = None if shrink_years == "auto" else float(shrink_years)
        self.by_region = {r: (g.year.to_numpy("int64"), g.y_pp.to_numpy(float), g.anchor_pct.to_numpy(float))
                          for r, g in resp.groupby("region", sort=False)}
        self._k_cache: dict[int, float] = {}

    def shrink_years(self, year: int) -> float:
        """Pseudo-years of the level mean: fixed, or (``auto``) the empirical-Bayes ratio of the within-region to
        the between-region variance of responses before ``year``: the more regions differ for good, the less a
        region's own record is pulled to the level's."""
        if self.k is not None:
            return self.k
        if year not in self._k_cache:
            means, varis, ns = [], [], []
            for yrs, ys, _ in self.by_region.values():
                v = ys[(yrs < year) & np.isfinite(ys)]
                if len(v) >= 2:
                    means.append(v.mean()), varis.append(v.var(ddof=1)), ns.append(len(v))
            k = K_MAX
            if len(means) >= 3:
                ns_arr = np.array(ns, float)
                within = float(np.sum((ns_arr - 1) * np.array(varis)) / np.sum(ns_arr - 1))
                between = float(np.var(means, ddof=1)) - within * float(np.mean(1.0 / ns_arr))
                if between > 0:
                    k = float(np.clip(within / between, K_MIN, K_MAX))
            self._k_cache[year] = k
        return self._k_cache[year]

    def level_lag(self, year: int) -> float:
        hit = self.years == year - 1
        return float(self.sums[hit][0] / self.counts[hit][0]) if hit.any() else math.nan

    def features(self, region: str, year: int, anchor_pct: float) -> dict:
        past = self.years < year
        w = 0.5 ** ((year - 1 - self.years[past]) / self.h)
        level_mean = float(np.sum(w * self.sums[past]) / np.sum(w * self.counts[past])) if past.any() else math.nan
        yrs, ys, anchors = self.by_region.get(region, (np.array([], "int64"), np.array([]), np.array([])))
        own = (yrs < year) & np.isfinite(ys)
        wr = 0.5 ** ((year - 1 - yrs[own]) / self.h)
        k = self.shrink_years(year)
        shrunk = float((np.sum(wr * ys[own]) + k * level_mean) / (np.sum(wr) + k))
        lag = ys[(yrs == year - 1)]
        prev_anchor = anchors[(yrs == year - 1)]
        return {"shrunk_mean_pp": shrunk, "gap_pp": math.nan,
                "lag_pp": float(lag[0]) if len(lag) else math.nan,
                "anchor_change_pp": float(anchor_pct - prev_anchor[0]) if len(prev_anchor) else math.nan,
                "level_lag_pp": self.level_lag(year),
                "n_own_years": int(own.sum()), "shrink_years": k}


def _model_data(panel: Panel, indicator: str, level: str, mode: str, params: dict):
    """(history, feature table of every known region-year): cached, it does not depend on the forecast year."""
    shocks = tuple(sorted(int(y) for y in params.get("shock_years") or ()))
    key = ("data", indicator, level, mode, params["half_life_years"], params["shrink_years"], shocks)
    if key not in panel.cache:
        resp = _responses(panel, indicator, level, mode, shocks)
        hist = _History(resp, params["half_life_years"], params["shrink_years"])
        # plain lists: iterating the Arrow-backed columns cost a third of a second per call
        rows = [hist.features(r, int(y), a)
                for r, y, a in zip(resp.region.tolist(), resp.year.tolist(), resp.anchor_pct.tolist())]
        feats = pd.DataFrame(rows, index=resp.index).drop(columns="gap_pp")
        table = pd.concat([resp, feats], axis=1)
        table = table[table.y_pp.notna()].reset_index(drop=True)
        table.attrs["years"] = np.unique(table.year.to_numpy())  # for counting training years fast
        panel.cache[key] = (hist, table)
    return panel.cache[key]


@dataclass(frozen=True)
class Fit:
    features: tuple[str, ...]
    coef: np.ndarray          # intercept first, original units
    spread_pp: float
    df: float
    n_rows: int
    n_years: int
    region_sq: dict = field(default_factory=dict)  # region -> (sum of w * LOYO residual^2, sum of w)
    resid_pp: np.ndarray = field(default_factory=lambda: np.zeros(0))  # LOYO residuals, for the bootstrap
    resid_p: np.ndarray = field(default_factory=lambda: np.zeros(0))   # their recency weights, summing to 1
    spread_ratio: float = math.nan  # recency-weighted RMS of LOYO residual / scale (spread_model "level")


def spread_scale_pct(anchor_pct, floor_pct: float):
    """The growth level a spread is proportional to under ``spread_model: level``: the anchor, at least the floor.

    A 1 pp miss meant little at 12% growth and means a lot at 5%; the floor keeps a 0-2% anchor from claiming
    near-certainty."""
    return np.maximum(np.asarray(anchor_pct, dtype=float), float(floor_pct))


def _wls(x: np.ndarray, y: np.ndarray, w: np.ndarray, ridge: float) -> np.ndarray:
    """Weighted least squares with a small ridge on standardized features; coefficients in original units."""
    if x.shape[1] == 0:
        return np.array([np.sum(w * y) / np.sum(w)])
    mu = np.sum(w[:, None] * x, axis=0) / np.sum(w)
    sd = np.sqrt(np.sum(w[:, None] * (x - mu) ** 2, axis=0) / np.sum(w))
    sd = np.where(sd > 1e-9, sd, 1.0)
    z = (x - mu) / sd
    sw = np.sqrt(w)
    a = np.column_stack([sw, sw[:, None] * z])
    lam = math.sqrt(ridge * np.sum(w))
    a = np.vstack([a, np.column_stack([np.zeros(x.shape[1]), lam * np.eye(x.shape[1])])])
    b = np.concatenate([sw * y, np.zeros(x.shape[1])])
    beta = np.linalg.lstsq(a, b, rcond=None)[0]
    slopes = beta[1:] / sd
    # rounded far below any published digit: LAPACK's result differs in the last bits between CPU kernels
    return np.round(np.concatenate([[beta[0] - np.sum(slopes * mu)], slopes]), 10)


def _predict(coef: np.ndarray, x: np.ndarray) -> np.ndarray:
    return coef[0] + x @ coef[1:]


def _fit(table: pd.DataFrame, features: tuple[str, ...], year: int, params: dict) -> Fit | None:
    """Pooled fit on years before ``year``; spread from leave-one-year-out residuals. None with < 2 years."""
    train = table[(table.year < year)].dropna(subset=list(features))
    years = np.sort(train.year.unique())
    if len(years) < 2:
        return None
    x, y = train[list(features)].to_numpy(float), train.y_pp.to_numpy(float)
    t = train.year.to_numpy("int64")
    w = 0.5 ** ((year - 1 - t) / float(params["half_life_years"]))
    coef = _wls(x, y, w, float(params["ridge"]))
    resid = np.empty_like(y)
    for s in years:
        out = t == s
        resid[out] = y[out] - _predict(_wls(x[~out], y[~out], w[~out], float(params["ridge"])), x[out])
    spread = float(np.sqrt(np.sum(w * resid ** 2) / np.sum(w)))
    scale = spread_scale_pct(train.anchor_pct.to_numpy(float), float(params["spread_floor_pct"]))
    ratio = float(np.sqrt(np.sum(w * (resid / scale) ** 2) / np.sum(w)))
    sq = pd.DataFrame({"region": train.region.to_numpy(), "wr2": w * resid ** 2, "w": w}).groupby("region").sum()
    region_sq = {r: (float(a), float(b)) for r, a, b in zip(sq.index, sq.wr2, sq.w)}
    return Fit(tuple(features), coef, spread, float(max(3, len(years) - 1)), len(y), len(years), region_sq,
               resid, w / np.sum(w), ratio)


def region_spread_pp(fit: Fit, region: str, shrink_years: float) -> float:
    """The level's spread, moved towards the region's own past residuals (``shrink_years`` pseudo-years of the
    level's): cities and provinces differ a lot in how erratic their outcomes are."""
    wr2, w = fit.region_sq.get(region, (0.0, 0.0))
    return float(math.sqrt((wr2 + shrink_years * fit.spread_pp ** 2) / (w + shrink_years)))


def _year_features(table: pd.DataFrame, panel: Panel, indicator_signals: list[str], as_of_month: int) -> pd.DataFrame:
    """Add the national change columns for the as-of month to every training row."""
    cols = {}
    for ind in indicator_signals:
        by_year = {int(y): national_change_pp(panel, ind, int(y), as_of_month) for y in table.year.unique()}
        cols[f"nat_{ind}_change_pp"] = table.year.map(by_year).astype(float)
    return table.assign(**cols) if cols else table


def _fitted(panel: Panel, indicator: str, level: str, mode: str, year: int, as_of_month: int,
            features: tuple[str, ...], params: dict) -> Fit | None:
    key = ("fit", indicator, level, mode, year, as_of_month, features, params["half_life_years"],
           params["shrink_years"], params["ridge"], params["spread_floor_pct"],
           tuple(sorted(int(y) for y in params.get("shock_years") or ())))
    if key not in panel.cache:
        _, table = _model_data(panel, indicator, level, mode, params)
        nat = [f.removeprefix("nat_").removesuffix("_change_pp") for f in features if f.startswith("nat_")]
        panel.cache[key] = _fit(_year_features(table, panel, nat, as_of_month), features, year, params)
    return panel.cache[key]


def _target_row(panel: Panel, region: str, indicator: str, year: int) -> tuple[float | None, str | None]:
    if "targets" not in panel.cache:  # a dict: the backtest asks thousands of times
        a = panel.annual[panel.annual.target_pct.notna()]
        look: dict = {}
        for r, i, y, t, q in zip(a.region, a.indicator, a.year, a.target_pct, a.qualifier):
            look.setdefault((r, i, int(y)), (float(t), qualifiers.normalize(str(q))))
        panel.cache["targets"] = look
    return panel.cache["targets"].get((region, indicator, year), (None, None))


def annual_draws(panel: Panel, region: str, indicator: str, year: int, as_of_month: int, n_draws: int = 4000,
                 seed: int = 0, *, target_pct: float | None = None, qualifier: str | None = None,
                 anchor: str = "auto", params: dict | None = None) -> tuple[np.ndarray, dict]:
    """Draws of the full-year outcome (pct) of ``region`` in ``year`` as of ``as_of_month`` (0 = January, before
    any current-year figure), and an info dict (mode, anchor, features, fit size, predicted margin, spread).

    The target comes from the panel unless given. ``anchor="auto"`` anchors on the target when there is one
    (judged from below) and on last year's national growth otherwise; ``"national"`` forces the latter.
    """
    p = {**DEFAULTS, **(params or {})}
    level = level_of(region)
    if target_pct is None and anchor != "national":
        target_pct, found_q = _target_row(panel, region, indicator, year)
        qualifier = qualifier or found_q
    if target_pct is not None and not math.isfinite(target_pct):
        target_pct = None
    code = qualifiers.normalize(qualifier) if qualifier else "unknown"
    mode = "target" if target_pct is not None and code in FROM_BELOW and anchor != "national" else "national"
    anchor_pct = target_pct if mode == "target" else national_outcome_pct(panel, indicator, year - 1)
    if not math.isfinite(anchor_pct):
        raise ValueError(f"no anchor for {region} {indicator} {year}: no target and no national outcome for {year - 1}")
    if p["spread_model"] not in SPREAD_MODELS:
        raise ValueError(f"annual.spread_model must be one of {', '.join(SPREAD_MODELS)}, not {p['spread_model']!r}")
    hist, table = _model_data(panel, indicator, level, mode, p)
    feats = hist.features(region, year, anchor_pct)
    last_pct, last_kind = last_outcome(panel, region, indicator, year)
    if (year - 1) not in {int(y) for y in p.get("shock_years") or ()}:
        feats["gap_pp"] = float(anchor_pct - last_pct)
    avail = [f for f in p["region_features"] if math.isfinite(feats[f])]
    n_years = int(np.sum(table.attrs["years"] < year))
    year_level = []
    if n_years >= int(p["min_years_national"]):
        year_level = ["level_lag_pp"] if math.isfinite(feats["level_lag_pp"]) else []
        for ind in (p["national_signals"] if as_of_month > 0 else []):
            value = national_change_pp(panel, ind, year, as_of_month)
            if math.isfinite(value):
                feats[f"nat_{ind}_change_pp"] = value
                year_level.append(f"nat_{ind}_change_pp")
    features = tuple(avail + year_level)
    fit = _fitted(panel, indicator, level, mode, year, as_of_month, features, p) if avail else None
    rng = np.random.default_rng(seed)
    if fit is not None:
        margin = float(_predict(fit.coef, np.array([feats[f] for f in features], dtype=float)))
        spread, df = fit.spread_pp, fit.df
        if p["spread_model"] == "level":
            spread = fit.spread_ratio * float(spread_scale_pct(anchor_pct, p["spread_floor_pct"]))
        if p["region_spread"]:
            spread = region_spread_pp(fit, region, float(p["spread_shrink_years"])) * spread / fit.spread_pp
        if p["residuals"] == "bootstrap":
            scale = spread / fit.spread_pp if fit.spread_pp else 1.0
            noise = rng.choice(fit.resid_pp, n_draws, p=fit.resid_p) * scale
        else:
            noise = spread * rng.standard_t(df, n_draws)
    else:  # too little history to fit: the shrunk mean and the level's spread, heavy-tailed
        past = table[table.year < year]
        if not math.isfinite(feats["shrunk_mean_pp"]) or len(past) < 2:
            raise ValueError(f"no {level} history before {year} for an annual forecast of {indicator}")
        margin, spread, df = feats["shrunk_mean_pp"], float(past.y_pp.std()), 3.0
        noise = spread * rng.standard_t(df, n_draws)
    factor = float(p.get("spread_factor", 1.0))  # the backtest's nested interval calibration (1 = none)
    spread, noise = spread * factor, noise * factor
    draws = anchor_pct + margin + noise
    prec = float(p["outcome_precision_pp"] or 0)
    if prec > 0:
        draws = np.round(np.round(draws / prec) * prec, 10)
    info = {"region": region, "level": level, "indicator": indicator, "year": year, "as_of_month": as_of_month,
            "mode": mode, "anchor_pct": float(anchor_pct), "target_pct": target_pct, "qualifier": code,
            "last_outcome_pct": last_pct, "last_outcome_kind": last_kind, "spread_model": p["spread_model"],
            "predicted_margin_pp": margin, "spread_pp": spread, "df": df,
            "features": {f: feats[f] for f in features}, "n_own_years": feats["n_own_years"],
            "shrink_years": feats["shrink_years"],
            "n_train_rows": fit.n_rows if fit else 0, "n_train_years": fit.n_years if fit else 0,
            "coef": dict(zip(("intercept",) + features, map(float, fit.coef))) if fit else {}}
    return draws, info
