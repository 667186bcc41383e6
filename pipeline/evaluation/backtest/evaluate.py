"""One backtest case: a method's forecast as of (year, month) on the data published by then, its summary,
and P(met) on the thresholds (last year's outcome and +-1 pp, the real targets); the candidates of the default."""
from __future__ import annotations

import math
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.sources import data, qualifiers
from pipeline.model import forecasters as fc
from pipeline.model import distributions as dist
from pipeline.model import gravity as gv
from pipeline.model import location as loc
from pipeline.evaluation import scoring
from pipeline.common import yamlio
from pipeline.model.forecast import Config, method_draws, profile_for
from pipeline.model.forecast.config import _seed
from pipeline.common.paths import PARAMS


BASE_METHODS = ("carry_forward", "empirical_drift", "recent_drift", "state_space", "bridge")


THRESHOLD_OFFSETS_PP = (-1.0, 0.0, 1.0)


THRESHOLD_KINDS = ("last_year-1pp", "last_year", "last_year+1pp")


# Each candidate's distribution is kept as 200 quantiles, enough to recalibrate the chosen one afterwards
GRID = (np.arange(200) + 0.5) / 200


def load_params(path: Path = PARAMS) -> dict:
    params = (yamlio.load_file(path) if path.exists() else {}) or {}
    return params.get("backtest", {}) or {}


def load_shock_years(path: Path = PARAMS) -> list[int]:
    params = (yamlio.load_file(path) if path.exists() else {}) or {}
    return [int(y) for y in (params.get("regimes", {}) or {}).get("shock_years", [])]


@dataclass(frozen=True)
class Candidate:
    """One way to form the default: method weights, combination rule, spread scale (and, second, a tail weight)."""
    weights: tuple[tuple[str, float], ...]
    combine_method: str
    spread_scale: float

    @property
    def label(self) -> str:
        w = "+".join(f"{k}={v:g}" for k, v in self.weights)
        return f"{w}|{self.combine_method}|x{self.spread_scale:g}"

    def as_dict(self) -> dict:
        return {"weights": dict(self.weights), "combine_method": self.combine_method,
                "spread_scale": self.spread_scale}


def tail_weights(params: dict) -> list[float]:
    """The Tukey-h weights tried second, for the candidate chosen first; 0 (none) is the fallback."""
    grid = (params.get("candidates", {}) or {}).get("tail_weights", [0.0]) or [0.0]
    return list(dict.fromkeys([0.0, *(float(h) for h in grid)]))


def choice_label(candidate: str, tail_weight: float) -> str:
    """The candidate's label, with ``|h<weight>`` when a tail weight is applied."""
    return candidate if not tail_weight else f"{candidate}|h{tail_weight:g}"


def candidates(params: dict, indicator: str) -> list[Candidate]:
    """The options the nested selection chooses from; the first is the fallback fixed in advance."""
    grid = params.get("candidates", {}) or {}
    weight_sets = list(grid.get("weights", [{"empirical_drift": 0.5, "state_space": 0.5}]))
    if indicator == "gdp":
        weight_sets += list(grid.get("gdp_extra_weights", []))
    rules = list(grid.get("combine_methods", ["quantile"]))
    scales = [float(s) for s in grid.get("spread_scales", [1.0])]
    out = []
    for w in weight_sets:
        weights = tuple(sorted((str(k), float(v)) for k, v in w.items() if float(v) > 0))
        for rule in (rules if len(weights) > 1 else rules[:1]):
            out += [Candidate(weights, rule, s) for s in scales]
    return list(dict.fromkeys(out))


def cases(obs: pd.DataFrame, indicators: list[str], years: list[int], region: str = "china") -> list[tuple]:
    """(indicator, year, as-of month) for which the December outcome exists."""
    out = []
    for ind in indicators:
        hist = fc.history_from_observations(obs, region, ind, vintages=("first", "latest"))
        decembers = set(hist.loc[hist.month == 12, "year"])
        months = (3, 6, 9) if ind == "gdp" else range(2, 12)
        out += [(ind, y, m) for y in years if y in decembers for m in months]
    return out


def _met(x, threshold: float, strict_greater: bool):
    return (np.asarray(x) > threshold) if strict_greater else (np.asarray(x) >= threshold)


def thresholds(hist: pd.DataFrame, targets: pd.DataFrame | None, region: str, ind: str, year: int) -> list[dict]:
    """The thresholds P(met) is scored on in ``year``, each with the base rate of earlier years.

    Synthetic: last year's outcome +-1 pp; base rate: the share of earlier years whose December growth
    was at least the year before's plus the same offset. Real: the year's target; base rate: the share
    of earlier targets met (strict reading of the qualifier).
    """
    dec = hist[hist.month == 12].set_index("year").ytd_growth_pct
    out = []
    if year - 1 in dec.index:
        past = [(dec[y], dec[y - 1]) for y in dec.index if y < year and y - 1 in dec.index]
        for kind, off in zip(THRESHOLD_KINDS, THRESHOLD_OFFSETS_PP):
            rate = float(np.mean([o >= p + off for o, p in past])) if past else math.nan
            out.append(dict(kind=kind, threshold=float(dec[year - 1]) + off, strict=False, base_rate=rate))
    if targets is not None:
        tgt = data.target_for(targets, region, ind, year)
        if tgt and tgt["target_pct"] is not None:
            thr, strict = qualifiers.threshold(tgt["target_pct"], tgt["qualifier"])
            if thr is not None:
                past_t = targets[(targets.region == region) & (targets.indicator == ind) & (targets.year < year)]
                met = []
                for _, t in past_t.iterrows():
                    if t.year in dec.index and not pd.isna(t.target_pct):
                        p_thr, p_strict = qualifiers.threshold(float(t.target_pct), qualifiers.normalize(t.qualifier))
                        if p_thr is not None:
                            met.append(bool(_met(dec[t.year], p_thr, p_strict)))
                out.append(dict(kind="target", threshold=float(thr), strict=bool(strict),
                                base_rate=float(np.mean(met)) if met else math.nan))
    return out


def _summary_row(d: np.ndarray, actual: float, thr: list[dict]) -> dict:
    row = {f"{k}_pct": v for k, v in dist.summarize(d).items()}
    row["crps"] = scoring.crps(d, actual)
    for i, t in enumerate(thr):
        row[f"p_met_{i}"] = float(np.mean(_met(d, t["threshold"], t["strict"])))
    return row


def _sorted_quantiles(x: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """``np.quantile(x, probs)`` (linear interpolation) for an already sorted ``x``, without another sort."""
    return _sorted_quantiles_rows(np.asarray(x)[None, :], probs)[0]


_SUMMARY_PROBS = np.array(list(fc.QUANTILES.values()))


def _sorted_summary_row(x: np.ndarray, actual: float, thr: list[dict]) -> dict:
    """``_summary_row`` for sorted draws: what the candidate loop needs, with one sort per combination.

    Equal to ``_summary_row`` on the same draws up to the last bit of interpolated quantiles and sums.
    """
    return _sorted_summary_rows(np.asarray(x)[None, :], actual, thr)[0]


def _sorted_quantiles_rows(x: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """``np.quantile(row, probs)`` (linear interpolation) for each row of a matrix of sorted rows."""
    pos = np.asarray(probs, dtype=float) * (x.shape[1] - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, x.shape[1] - 1)
    return x[:, lo] + (x[:, hi] - x[:, lo]) * (pos - lo)


def _sorted_summary_rows(x: np.ndarray, actual: float, thr: list[dict]) -> list[dict]:
    """Mean, quantiles, CRPS and P(met) of each row of a matrix of sorted draws (a candidate's tail weights);
    P(met) counts the draws above (strict) or at or above each threshold."""
    n = x.shape[1]
    means = x.mean(axis=1)
    quants = _sorted_quantiles_rows(x, _SUMMARY_PROBS)
    spread = 2.0 / n**2 * np.sum((2 * np.arange(1, n + 1) - n - 1) * x, axis=1)
    crps = np.mean(np.abs(x - actual), axis=1) - 0.5 * spread
    counts = [(x > t["threshold"]).sum(axis=1) if t["strict"] else (x >= t["threshold"]).sum(axis=1) for t in thr]
    return [{"mean_pct": float(means[r]), **{f"{k}_pct": float(v) for k, v in zip(fc.QUANTILES, quants[r])},
             "crps": float(crps[r]), **{f"p_met_{i}": float(c[r] / n) for i, c in enumerate(counts)}}
            for r in range(x.shape[0])]


def _with_gravity(summaries: list[dict], x: np.ndarray, thr: list[dict], model: gv.Gravity | None) -> list[dict]:
    """Each row's P(met) of a real target plus pi times its share of draws in the gravity window below it."""
    for i, t in enumerate(thr):
        if not gv.active(model, t.get("kind", "")):
            continue
        for summary, row in zip(summaries, x):
            share = gv.p_window(row, t["threshold"], t["strict"], model)
            summary[f"p_met_{i}"] = gv.p_met_with_gravity(share, summary[f"p_met_{i}"], model)
    return summaries


def row_thresholds(r: dict) -> list[dict]:
    """A case row's thresholds back as ``thresholds`` gave them (its ``threshold_I_pct``, ``_strict``, ``_kind``)."""
    out, i = [], 0
    while f"threshold_{i}_pct" in r:
        if not pd.isna(r[f"threshold_{i}_pct"]):
            out.append(dict(threshold=r[f"threshold_{i}_pct"], strict=bool(r[f"threshold_{i}_strict"]),
                            kind=r.get(f"threshold_{i}_kind", "")))
        i += 1
    return out


def rescored(r: dict, x: np.ndarray, model: gv.Gravity | None) -> dict:
    """The summary of a case row for new sorted draws ``x``, scored as the candidates are (target gravity on the
    P(met) of real targets): what an adjustment of the chosen default (PIT map, location) writes over the row."""
    thr, m = row_thresholds(r), np.asarray(x, dtype=float)[None, :]
    return _with_gravity(_sorted_summary_rows(m, r["actual_pct"], thr), m, thr, model)[0]


def _brier(summary: dict, base: dict, n_thresholds: int) -> float:
    """Mean Brier score of a candidate's P(met) over the case's thresholds (NaN without any)."""
    return scoring.brier([summary[f"p_met_{i}"] for i in range(n_thresholds)],
                         [base[f"met_{i}"] for i in range(n_thresholds)])


CHOICE_LOSSES = ("crps", "brier")


def choice_loss(params: dict, key: str = "choice_loss") -> str:
    """What the nested choice minimises over earlier years: ``crps`` (the whole distribution; fixed in advance) or
    ``brier`` (P(met) only; for the comparison fixed in advance in benchmarks/README.md)."""
    from pipeline.common.errors import InputError

    loss = params.get(key, "crps")
    if loss not in CHOICE_LOSSES:
        raise InputError(f"params.yaml: backtest.{key}: {loss!r} is not one of {', '.join(CHOICE_LOSSES)}", code=2)
    return loss


LOCATION_DEFAULTS = {"kinds": list(loc.LOCATIONS), "bias": [False, True], "loss": "squared", "shrink_years": 3.0,
                     "momentum_periods": 3}


def location_settings(params: dict) -> dict:
    """``backtest.location`` over its defaults (the candidates fixed before the first run, benchmarks/README.md)."""
    from pipeline.common.errors import InputError

    given = params.get("location", {}) or {}
    out = {**LOCATION_DEFAULTS, **given}
    out["kinds"] = [str(k) for k in out["kinds"]]
    bad = [k for k in out["kinds"] if k not in loc.LOCATIONS]
    if bad or not out["kinds"] or out["loss"] not in ("squared", "absolute"):
        raise InputError(f"params.yaml: backtest.location: kinds among {', '.join(loc.LOCATIONS)}, loss squared or "
                         f"absolute (got {given!r})", code=2)
    out["bias"] = [bool(b) for b in out["bias"]]
    out["shrink_years"], out["momentum_periods"] = float(out["shrink_years"]), int(out["momentum_periods"])
    return out


_SHARED: dict = {}


def _init_worker(obs: pd.DataFrame, targets: pd.DataFrame | None, cfg: Config, params: dict,
                 gravity: dict | None = None) -> None:
    """Give each worker process the tables once, instead of pickling them with every case."""
    _SHARED.clear()
    _SHARED.update(obs=obs, targets=targets, cfg=cfg, params=params, gravity=gravity or {})


def _evaluate_year(jobs: list[tuple]) -> list[tuple[list[dict], list[dict]]]:
    return [_evaluate_shared(job) for job in jobs]


def _evaluate_shared(job: tuple) -> tuple[list[dict], list[dict]]:
    region, ind, year, month = job
    histories = _SHARED.setdefault("histories", {})
    if (region, ind) not in histories:
        histories[region, ind] = fc.history_from_observations(_SHARED["obs"], region, ind)
    return evaluate_case(_SHARED["obs"], _SHARED["targets"], region, ind, year, month, _SHARED["cfg"],
                         _SHARED["params"], full=histories[region, ind], gravity=_SHARED["gravity"].get(year))


def evaluate_case(obs: pd.DataFrame, targets: pd.DataFrame | None, region: str, ind: str, year: int, month: int,
                  cfg: Config, params: dict, full: pd.DataFrame | None = None,
                  gravity: gv.Gravity | None = None) -> tuple[list[dict], list[dict]]:
    """One (indicator, year, month): rows of the base methods and the fixed default, and every candidate's scores.

    ``gravity`` (fitted on the provincial and city pairs of earlier years) raises the candidates' P(met) of a real
    target by the share of outcomes just short of it that get reported at or above it; the baselines keep theirs.

    ``full`` is the series' whole history when the caller has it. The as-of history is that history cut at the
    as-of month: the same as the history of the cut observations, because the cut is by period, not vintage.
    """
    if full is None:
        full = fc.history_from_observations(obs, region, ind)
    actual = float(full[(full.year == year) & (full.month == 12)].ytd_growth_pct.iloc[0])
    cut = data.cut_as_of(obs, year, month)
    hist = full[full.year * 12 + full.month - 1 <= data.period_index(year, month)].reset_index(drop=True)
    cur = hist[(hist.year == year) & (hist.month <= month)]
    if cur.empty:
        return [], []
    latest = float(cur.sort_values("month").ytd_growth_pct.iloc[-1])
    thr = thresholds(hist, targets, region, ind, year)
    profile = profile_for(cut, ind, year)
    draws = {}
    for method in BASE_METHODS:
        if method == "bridge" and ind != "gdp":
            continue
        try:
            draws[method] = method_draws(method, hist, year, month, cfg, _seed(cfg, region, ind, year, month, method),
                                         obs=cut, region=region, profile=profile)
        except fc.InsufficientData:
            continue
    gap = fc.shock_gap(hist, year, month, exclude_years=cfg.exclude_years) if cfg.shock_reversion else None
    base = dict(region=region, indicator=ind, year=year, as_of=f"{year:04d}-{month:02d}", month=month,
                latest_ytd_pct=latest, actual_pct=actual, shock_gap_pp=math.nan if gap is None else gap,
                **{f"threshold_{i}_pct": t["threshold"] for i, t in enumerate(thr)},
                **{f"threshold_{i}_kind": t["kind"] for i, t in enumerate(thr)},
                **{f"base_rate_{i}": t["base_rate"] for i, t in enumerate(thr)},
                **{f"threshold_{i}_strict": t["strict"] for i, t in enumerate(thr)},
                **{f"step_{i}": float(_met(latest, t["threshold"], t["strict"])) for i, t in enumerate(thr)},
                **{f"met_{i}": float(_met(actual, t["threshold"], t["strict"])) for i, t in enumerate(thr)})
    if params.get("location_choice"):  # the momentum location (backtest.location_choice), only when it is on
        ordered_cur = cur.sort_values("month")
        base["momentum_pct"] = loc.momentum_median(ordered_cur.month.tolist(), ordered_cur.ytd_growth_pct.tolist(),
                                                   profile, location_settings(params)["momentum_periods"])
    rows = [dict(base, method=m, choice="", **_summary_row(d, actual, thr)) for m, d in draws.items()]
    cand_rows = []
    seed = _seed(cfg, region, ind, year, month, "default")
    shock_noise = np.random.default_rng(_seed(cfg, region, ind, year, month, "shock")).uniform(0, 1, cfg.n_draws)
    combos: dict = {}
    tails = tail_weights(params)
    for i, c in enumerate(candidates(params, ind)):
        if any(k not in draws for k, _ in c.weights):
            continue
        key = (c.weights, c.combine_method)
        if key not in combos:
            combined = dist.combine({k: draws[k] for k, _ in c.weights}, dict(c.weights), n_draws=cfg.n_draws,
                                  seed=seed, method=c.combine_method)
            combos[key] = (combined, np.sort(combined), float(np.median(combined)))
        combined, ordered, med = combos[key]
        if i == 0:  # the fallback before any calibration: what the engine did before issue 10
            d = dist.rescale(combined, c.spread_scale)
            rows.append(dict(base, method="default_before", choice=c.label, **_summary_row(d, actual, thr)))
        if gap is None:  # rescaling about the median keeps the order: no sort per spread scale
            d = med + float(c.spread_scale) * (ordered - med)
        else:
            d = np.sort(dist.rescale(combined, c.spread_scale) + shock_noise[: len(combined)] * gap)
        # the tail transform keeps the order too: every row of the matrix stays sorted
        tailed = np.stack([d if h == 0.0 else dist.heavier_tails(d, h) for h in tails])
        grids = _sorted_quantiles_rows(tailed, GRID).astype(np.float32)
        for h, g, summary in zip(tails, grids, _with_gravity(_sorted_summary_rows(tailed, actual, thr), tailed, thr,
                                                             gravity)):
            cand_rows.append(dict(indicator=ind, year=year, month=month, candidate=c.label, order=i, tail_weight=h,
                                  grid=g, brier=_brier(summary, base, len(thr)), **summary))
    return rows, cand_rows


def run_cases(obs: pd.DataFrame, indicators: list[str], years: list[int], cfg: Config, params: dict,
              targets: pd.DataFrame | None = None, workers: int | None = None,
              gravity: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Base-method rows and candidate scores for every case (two worker processes on the project machine)."""
    jobs = [("china", ind, y, m) for ind, y, m in cases(obs, indicators, years)]
    obs = obs[obs.region == "china"].reset_index(drop=True)  # every case is national: smaller tables to cut
    workers = workers or min(2, os.cpu_count() or 1)
    if workers > 1 and len(jobs) > 20:
        # one task per year: its state-space fits (one per indicator) are then made once, in one process, and
        # the GDP bridge reuses the monthly indicators' fits of the same year
        by_year = [[j for j in jobs if j[2] == y] for y in sorted({j[2] for j in jobs}, reverse=True)]
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(obs, targets, cfg, params, gravity)) as pool:
            done = {job: result for year_jobs, results in zip(by_year, pool.map(_evaluate_year, by_year))
                    for job, result in zip(year_jobs, results)}
        results = [done[job] for job in jobs]
    else:
        _init_worker(obs, targets, cfg, params, gravity)
        results = [_evaluate_shared(j) for j in jobs]
    rows = pd.DataFrame([r for rs, _ in results for r in rs])
    cand = pd.DataFrame([r for _, cs in results for r in cs])
    return rows, cand
