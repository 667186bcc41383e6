"""Annual forecaster: the full-year outcome of a region that has a target but no YTD figure of its own.

Provinces and cities publish their full-year growth once a year, so for most region-years the only
evidence before the year ends is (a) the region's own record against its targets, (b) the target against
last year's outcome and (c) the national monthly/quarterly picture. The model is deliberately small:

    outcome_pct = anchor_pct + predicted margin_pp + spread_pp * t_df

- anchor: the region's target when it has one ("target" mode); otherwise last year's national December
  growth ("national" mode, a fallback so that every region gets a forecast).
- predicted margin: one weighted least-squares regression per (indicator, level, forecast year, as-of
  month), pooled over all regions of the level and estimated on ordinary years before the forecast year
  only, of the margin on ``region_features`` (params; default the two issue 10 names)
    shrunk_mean_pp    the region's recency-weighted mean past margin, shrunk towards the level's mean
                      (``shrink_years`` pseudo-years; ``auto``: empirical Bayes from earlier years);
    gap_pp            the ambition gap: the anchor minus the region's own outcome last year as known in
                      January (first release; the revised figure only where the data have no first release,
                      and then ``last_outcome_kind`` says so). Not used the year after a shock year;
    (lag_pp, anchor_change_pp: last year's margin and the change of the target, the issue-7 features, kept
     as candidates of the backtest's nested choice)
    level_lag_pp      the mean margin of all regions of the level last year (the national mood);
    nat_<ind>_change_pp  as of month m > 0: national YTD growth at the latest month <= m minus the same
                      month last year (GDP quarterly, industrial value added monthly; first releases).
  Year-level features (the last two) enter only once ``min_years_national`` training years exist.
- shock years (``regimes.shock_years``): their outcomes are kept out of the record, the regression and the
  spread; they are still forecast (with the ordinary-year model) and scored apart.
- spread: recency-weighted root mean square of leave-one-year-out residuals (years, not rows, are left
  out, since errors are shared by all regions in a year). ``spread_model: level`` makes it proportional
  to the growth level (residuals divided by max(anchor, ``spread_floor_pct``)): a 1 pp miss meant little at
  12% growth and means a lot at 5%. Drawn as Student-t with df = training years - 1.
- any other indicator (industry, investment, retail, revenue ...) with last year's outcome:
  ``anchored_draws``, last year's outcome moved by the national change so far, with the spread of
  year-on-year changes of December outcomes (local records and the national series; "thin" when few).
- draws are rounded to ``outcome_precision_pp`` because outcomes are published to 0.1 pp and an outcome
  equal to the target counts as met.

Only outcomes of years before the forecast year are used (last year's as first released); national data
only up to the as-of month. Month 0 means "as of January, before any current-year figure".

Public API
    load_params(path=PARAMS) -> dict
    live_choice(path) -> {level: settings}      the annual backtest's choice on all its years (annual_choice.json)
    build_panel(record, observations) -> Panel
    annual_draws(panel, region, indicator, year, as_of_month, n_draws=4000, seed=0, *, target_pct=None,
                 qualifier=None, params=None) -> (ndarray, dict)
    p_met(draws, target_pct, qualifier, *, relative_outcome=None, tolerance_pp=0.0, tolerant=False) -> float
    annual_p_met(panel, region, indicator, year, as_of_month, ...) -> (float, ndarray, dict)
    anchored_draws(panel, region, indicator, year, as_of_month, last_pct, ...) -> (ndarray, dict)
    last_outcome(panel, region, indicator, year) -> (float, kind)
    blend(annual_draws, ytd_draws, weight_ytd, *, seed=0, method="mixture") -> ndarray
    precision_weight(annual_draws, ytd_draws) -> float
    forecast_regions(panel, regions, indicator, year, as_of_month, ...) -> DataFrame
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import qualifiers, registry, yamlio
from .paths import PARAMS

NATIONAL = "china"
# Qualifiers judged by "outcome at or above a number": margin = outcome - target is their natural scale.
FROM_BELOW = {"at_least", "exact", "about", "strive", "range", "exceed", "unknown"}
# Fixed in advance (issue 10 names the signals, not chosen by scores): the region's record and the ambition gap.
REGION_FEATURES = ("shrunk_mean_pp", "gap_pp")
K_MIN, K_MAX = 0.5, 20.0  # bounds of the estimated shrinkage (pseudo-years)
DEFAULTS = {
    "n_draws": 4000,
    "seed": 0,
    "half_life_years": 5.0,
    "shrink_years": "auto",
    "min_years_national": 5,
    "national_signals": ["gdp", "industrial_va"],
    "outcome_precision_pp": 0.1,
    "ridge": 0.001,
    "region_spread": True,
    "residuals": "student_t",
    "spread_shrink_years": 3.0,
    "blend_weight_ytd": "precision",
    "blend_method": "mixture",
    "spread_model": "level",
    "spread_floor_pct": 3.0,
    "shock_years": [],
    "thin_pairs": 8,
    "spread_factor": 1.0,
    "region_features": list(REGION_FEATURES),
}
SPREAD_MODELS = ("level", "constant")


def load_params(path: Path = PARAMS) -> dict:
    """The ``annual:`` section of params.yaml over DEFAULTS, plus ``regimes.shock_years`` (one list for all)."""
    params = (yamlio.load_file(path) if Path(path).exists() else {}) or {}
    shocks = list((params.get("regimes") or {}).get("shock_years") or [])
    return {**DEFAULTS, "shock_years": shocks, **(params.get("annual") or {})}


@dataclass
class Panel:
    """Annual region-years (targets, outcomes, met) and national YTD series; fitted models are cached here."""
    annual: pd.DataFrame    # region, level, indicator, year, target_pct, qualifier, outcome_pct, outcome_vintage,
    #                         outcome_kind (press release, bulletin, work-report estimate, revised ...), met
    national: pd.DataFrame  # indicator, year, month, ytd_growth_pct (first release preferred)
    cache: dict = field(default_factory=dict, repr=False, compare=False)


def level_of(slug: str) -> str:
    try:
        return registry.region(slug).level
    except KeyError:
        return "unknown"


LIVE_KEYS = ("region_features", "spread_model", "spread_factor")


def live_choice(path: Path) -> dict[str, dict]:
    """Per level, the settings the annual backtest chose on all its years (``annual_choice.json``), so that the
    forecasts are the model whose record the briefing cites; empty when the backtest has not run (params apply)."""
    path = Path(path)
    if not path.exists():
        return {}
    choice = json.loads(path.read_text(encoding="utf-8"))
    return {level: {k: c[k] for k in LIVE_KEYS if k in c} for level, c in choice.items()}


def build_panel(record: pd.DataFrame, observations: pd.DataFrame) -> Panel:
    """Panel from the track record (targets, strict met) and observations (all annual outcomes, national YTD).

    Outcomes: December YTD growth, first release preferred, as in the track record; region-years without a
    target are kept (they still teach the national-mode model and the shrunk means). A revised figure is
    used only where no first release is in the data (``outcome_vintage`` says which; ``outcome_kind`` says
    which kind of first announcement, from a note starting ``vintage: ...``).
    """
    obs = observations[observations.measure == "ytd_growth_pct"].copy()
    note = obs["note"].fillna("").astype(str) if "note" in obs else pd.Series("", index=obs.index)
    kind = note.str.extract(r"^vintage: ([^;]+)", expand=False)
    obs["outcome_kind"] = kind.fillna(obs.vintage.map({"first": "first release", "latest": "revised"})).fillna("")
    obs["region"] = obs.region.astype(str)
    rank = obs.vintage.map({"first": 0, "latest": 1}).fillna(2)
    obs = obs.assign(_rank=rank).sort_values(["region", "indicator", "year", "month", "_rank"], kind="stable")
    obs = obs.drop_duplicates(["region", "indicator", "year", "month"], keep="first")
    dec = obs[(obs.month == 12) & (obs.region != NATIONAL)]
    outcomes = dec[["region", "indicator", "year", "value", "vintage", "outcome_kind"]].rename(
        columns={"value": "outcome_pct", "vintage": "outcome_vintage"})
    rec = record.assign(region=record.region.astype(str))
    rec = rec[["region", "indicator", "year", "target_pct", "qualifier", "met"]]
    annual = rec.merge(outcomes, on=["region", "indicator", "year"], how="outer")
    annual = annual[annual.region != NATIONAL]
    annual = annual.assign(level=annual.region.map(level_of), year=annual.year.astype("int64"),
                           target_pct=annual.target_pct.astype("float64"),
                           outcome_pct=annual.outcome_pct.astype("float64"),
                           met=annual.met.astype("boolean"))
    annual = annual.sort_values(["indicator", "region", "year"], kind="stable").reset_index(drop=True)
    nat = obs[obs.region == NATIONAL][["indicator", "year", "month", "value"]].rename(
        columns={"value": "ytd_growth_pct"})
    nat = nat.astype({"year": "int64", "month": "int64", "ytd_growth_pct": "float64"})
    return Panel(annual=annual, national=nat.sort_values(["indicator", "year", "month"]).reset_index(drop=True))


# --- national picture -------------------------------------------------------------------------------------

def _national_lookup(panel: Panel) -> dict:
    if "national" not in panel.cache:
        n = panel.national
        panel.cache["national"] = {(i, int(y), int(m)): float(v) for i, y, m, v in
                                   zip(n.indicator, n.year, n.month, n.ytd_growth_pct)}
    return panel.cache["national"]


def national_change_pp(panel: Panel, indicator: str, year: int, as_of_month: int) -> float:
    """National YTD growth at the latest month <= as-of in ``year`` minus the same month a year before; NaN if none."""
    look = _national_lookup(panel)
    for month in range(min(as_of_month, 12), 0, -1):
        cur = look.get((indicator, year, month))
        if cur is not None:
            prev = look.get((indicator, year - 1, month))
            return cur - prev if prev is not None else math.nan
    return math.nan


def national_outcome_pct(panel: Panel, indicator: str, year: int) -> float:
    return _national_lookup(panel).get((indicator, year, 12), math.nan)


# --- responses and features -------------------------------------------------------------------------------

def last_outcome(panel: Panel, region: str, indicator: str, year: int) -> tuple[float, str]:
    """(last year's outcome as known in January of ``year``, its kind): the first release, the revised figure
    only where the data have no first release (then the kind says 'revised'); (NaN, '') when unknown."""
    look = _outcome_lookup(panel)
    return look.get((region, indicator, year - 1), (math.nan, ""))


def _outcome_lookup(panel: Panel) -> dict:
    if "outcomes" not in panel.cache:
        a = panel.annual[panel.annual.outcome_pct.notna()]
        kinds = a.outcome_kind if "outcome_kind" in a else a.outcome_vintage
        panel.cache["outcomes"] = {(r, i, int(y)): (float(v), str(k)) for r, i, y, v, k in
                                   zip(a.region, a.indicator, a.year, a.outcome_pct, kinds)}
    return panel.cache["outcomes"]


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
    last = np.array([last_outcome(panel, r, indicator, int(y))[0] for r, y in zip(a.region, years)], dtype=float)
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
        rows = [hist.features(r, int(y), a) for r, y, a in zip(resp.region, resp.year, resp.anchor_pct)]
        feats = pd.DataFrame(rows, index=resp.index).drop(columns="gap_pp")
        table = pd.concat([resp, feats], axis=1)
        table = table[table.y_pp.notna()].reset_index(drop=True)
        table.attrs["years"] = np.unique(table.year.to_numpy())  # for counting training years fast
        panel.cache[key] = (hist, table)
    return panel.cache[key]


# --- the regression ---------------------------------------------------------------------------------------

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
    return np.concatenate([[beta[0] - np.sum(slopes * mu)], slopes])


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


# --- forecasts --------------------------------------------------------------------------------------------

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


# --- any indicator with last year's outcome: the outcome-anchored forecast ---------------------------------

def national_move_pp(panel: Panel, indicator: str, year: int, as_of_month: int) -> float:
    """National YTD growth at the latest month <= as-of in ``year`` minus national December growth of the year
    before (0 when nothing of the year is published: in January the anchor is not moved)."""
    look = _national_lookup(panel)
    last = look.get((indicator, year - 1, 12))
    for month in range(min(as_of_month, 12), 0, -1):
        cur = look.get((indicator, year, month))
        if cur is not None and last is not None:
            return cur - last
    return 0.0


def change_pairs(panel: Panel, indicator: str, year: int, shock_years=()) -> pd.DataFrame:
    """Year-on-year changes of December outcomes before ``year``: region, year, change_pp, local (bool).

    Both years of a pair must be ordinary (a shock and its rebound are not the ordinary spread); national
    pairs come from the national December series."""
    shocks = {int(y) for y in shock_years}
    a = panel.annual[(panel.annual.indicator == indicator) & panel.annual.outcome_pct.notna()]
    frames = [a[["region", "year", "outcome_pct"]]]
    n = panel.national[(panel.national.indicator == indicator) & (panel.national.month == 12)]
    frames.append(pd.DataFrame({"region": NATIONAL, "year": n.year, "outcome_pct": n.ytd_growth_pct}))
    s = pd.concat(frames, ignore_index=True).drop_duplicates(["region", "year"])
    prev = s.assign(year=s.year + 1).rename(columns={"outcome_pct": "prev_pct"})
    pairs = s.merge(prev, on=["region", "year"])
    keep = (pairs.year < year) & ~pairs.year.isin(shocks) & ~(pairs.year - 1).isin(shocks)
    pairs = pairs[keep]
    return pd.DataFrame({"region": pairs.region.to_numpy(), "year": pairs.year.to_numpy("int64"),
                         "change_pp": (pairs.outcome_pct - pairs.prev_pct).to_numpy(float),
                         "local": (pairs.region != NATIONAL).to_numpy()})


def anchored_draws(panel: Panel, region: str, indicator: str, year: int, as_of_month: int, last_pct: float,
                   n_draws: int = 4000, seed: int = 0, *, last_kind: str = "", params: dict | None = None
                   ) -> tuple[np.ndarray, dict]:
    """Draws of the full-year outcome anchored on last year's outcome, moved by the national change so far.

    For targets without a target panel to learn margins from (industry, investment, retail, revenue ...):
    outcome = last year's outcome + (national YTD now - national December last year) + spread * t. The spread
    is the recency-weighted root mean square of year-on-year changes of December outcomes before the year,
    local records (every region with the indicator) and the national series pooled; ``info['thin']`` says so
    when fewer than ``thin_pairs`` local pairs exist, so the forecast notes can show it.
    """
    p = {**DEFAULTS, **(params or {})}
    if not math.isfinite(last_pct):
        raise ValueError(f"no outcome of {region} {indicator} for {year - 1} to anchor on")
    move = national_move_pp(panel, indicator, year, as_of_month)
    pairs = change_pairs(panel, indicator, year, p.get("shock_years") or ())
    if len(pairs) < 3:
        raise ValueError(f"fewer than 3 year-on-year changes of {indicator} before {year}: no spread to learn")
    w = 0.5 ** ((year - 1 - pairs.year.to_numpy(float)) / float(p["half_life_years"]))
    spread = float(np.sqrt(np.sum(w * pairs.change_pp.to_numpy() ** 2) / np.sum(w)))
    n_local, n_nat = int(pairs.local.sum()), int((~pairs.local).sum())
    df = float(max(3, len(pairs) - 1))
    rng = np.random.default_rng(seed)
    draws = last_pct + move + spread * rng.standard_t(df, n_draws)
    prec = float(p["outcome_precision_pp"] or 0)
    if prec > 0:
        draws = np.round(np.round(draws / prec) * prec, 10)
    thin = n_local < int(p["thin_pairs"])
    local_regions = sorted(set(pairs.region[pairs.local]))
    basis = (f"spread {spread:.1f} pp from {n_local} local year-on-year changes ({', '.join(local_regions) or 'none'})"
             f" and {n_nat} national ones" + ("; thin: few local records, the spread is mostly national" if thin
                                                else ""))
    info = {"region": region, "level": level_of(region), "indicator": indicator, "year": year,
            "as_of_month": as_of_month, "mode": "last_outcome", "anchor_pct": float(last_pct),
            "last_outcome_pct": float(last_pct), "last_outcome_kind": last_kind, "national_move_pp": move,
            "predicted_margin_pp": move, "spread_pp": spread, "df": df, "n_local_pairs": n_local,
            "n_national_pairs": n_nat, "thin": thin, "basis": basis, "n_train_years": int(pairs.year.nunique())}
    return draws, info


def p_met(draws, target_pct: float | None, qualifier: str, *, relative_outcome=None, tolerance_pp: float = 0.0,
          tolerant: bool = False) -> float:
    """Share of draws meeting the target under the qualifier's rule (pipeline/qualifiers); NaN if not judgeable.

    ``relative_outcome`` (number or draws of the same length) is what an above/in_step target is judged against.
    """
    from .forecasters import p_met as p_met_both

    p = p_met_both(draws, target_pct, qualifier, relative_draws=relative_outcome, tolerance=tolerance_pp)
    return p.tolerant if tolerant else p.strict


def annual_p_met(panel: Panel, region: str, indicator: str, year: int, as_of_month: int, n_draws: int = 4000,
                 seed: int = 0, *, target_pct: float | None = None, qualifier: str | None = None,
                 tolerance_pp: float = 0.0, tolerant: bool = False, params: dict | None = None):
    """(P(met), draws, info) for a region-year with a target; P is NaN without one."""
    draws, info = annual_draws(panel, region, indicator, year, as_of_month, n_draws, seed, target_pct=target_pct,
                               qualifier=qualifier, params=params)
    if info["target_pct"] is None:
        return math.nan, draws, info
    p = p_met(draws, info["target_pct"], info["qualifier"], tolerance_pp=tolerance_pp, tolerant=tolerant)
    return p, draws, info


# --- blending with a YTD forecast -------------------------------------------------------------------------

def precision_weight(annual_draws, ytd_draws) -> float:
    """Weight of the YTD component by inverse variance: var(annual) / (var(annual) + var(ytd)).

    The default of ``blend_weight_ytd``: no region in the data has enough own YTD points with targets and
    outcomes to estimate a weight (the backtest scores the few there are), so the weight follows each
    component's own uncertainty: a mid-year YTD figure is usually far sharper than the annual model.
    """
    va, vy = float(np.var(annual_draws)), float(np.var(ytd_draws))
    return 1.0 if va + vy == 0 else va / (va + vy)


def blend(annual_draws, ytd_draws, weight_ytd: float | str = "precision", *, seed: int = 0,
          method: str = "mixture") -> np.ndarray:
    """Draws of a region with few own YTD points: ``weight_ytd`` of the YTD forecast, the rest the annual one.

    ``method="mixture"`` (default) takes round(w * n) draws from the YTD component and the rest from the annual
    one: it never claims more certainty than either (both miss the same national shock, so they are not
    independent). ``"average"`` pairs shuffled draws, w * ytd + (1 - w) * annual: sharper, right only when the
    components' errors are independent. Weight 0 returns the annual draws, 1 the YTD draws; n = len(annual).
    """
    a, y = np.asarray(annual_draws, dtype=float), np.asarray(ytd_draws, dtype=float)
    w = precision_weight(a, y) if weight_ytd == "precision" else float(weight_ytd)
    if not 0.0 <= w <= 1.0:
        raise ValueError(f"weight_ytd must be in [0, 1] or 'precision', got {weight_ytd!r}")
    n = len(a)
    if w == 0.0:
        return a.copy()
    if w == 1.0:
        return y.copy() if len(y) == n else np.random.default_rng(seed).choice(y, n, replace=len(y) < n)
    rng = np.random.default_rng(seed)
    if method == "average":
        ys = rng.choice(y, n, replace=len(y) < n)
        return w * ys + (1.0 - w) * rng.permutation(a)
    if method != "mixture":
        raise ValueError(f"unknown blend method {method!r}: mixture or average")
    k = int(round(w * n))
    part_y = rng.choice(y, k, replace=len(y) < k)
    part_a = rng.choice(a, n - k, replace=False)
    return rng.permutation(np.concatenate([part_y, part_a]))


# --- many regions at once ---------------------------------------------------------------------------------

QUANTILE_COLUMNS = {"q10": 0.10, "q50": 0.50, "q90": 0.90}


def forecast_regions(panel: Panel, regions: list[str], indicator: str, year: int, as_of_month: int,
                     params: dict | None = None) -> pd.DataFrame:
    """One summary row per region: mode, target, mean and 80% interval of the outcome, P(met) (strict)."""
    p = {**DEFAULTS, **(params or {})}
    rows = []
    for region in regions:
        pm, draws, info = annual_p_met(panel, region, indicator, year, as_of_month, int(p["n_draws"]),
                                       int(p["seed"]), params=p)
        q = np.quantile(draws, list(QUANTILE_COLUMNS.values()))
        rows.append({"region": region, "year": year, "as_of_month": as_of_month, "mode": info["mode"],
                     "target_pct": info["target_pct"], "qualifier": info["qualifier"] if info["target_pct"] else None,
                     "mean_pct": float(np.mean(draws)), **dict(zip(QUANTILE_COLUMNS, map(float, q))), "p_met": pm})
    return pd.DataFrame(rows)
