"""Stage ``backtest``: rolling-origin, real-time evaluation of the forecasters on the national series.

For every year and as-of month (2-11 for monthly indicators, quarter ends 3, 6, 9 for GDP), each
method sees only the data published for periods up to the as-of month (``data.cut_as_of``) and
learns only from earlier years; its forecast of the December YTD growth is scored against the
December figure (first release where it exists).

The default is not fixed: for each scored year and indicator, the combination (weights, rule,
spread scale) with the lowest mean CRPS over the earlier years' cases is used (``scoring.nested_choice``),
and, when ``backtest.recalibrate`` is on, its P(met) is recalibrated by a logistic map fitted on the
earlier years' default probabilities (applied to the whole distribution, ``forecasters.recalibrate``),
so every headline number is out of sample. ``default_raw`` is then the chosen combination before
recalibration. ``default_before`` is the fixed
equal-weight combination without any calibration (the engine before issue 10). Years before
``first_year`` are run only to give the early scored years something to learn from. The choice on all years up to ``last_year`` is what the
live forecasts use next (``data/processed/default_choice.json``).

Probabilities are scored on thresholds at last year's outcome and +-1 pp, and on the real national
targets (GDP 2005-2026), against three baselines: carry-forward's own distribution, the base rate
(share of earlier years that met the same kind of threshold) and the step rule (latest YTD at or
above the threshold). Every metric is given for ordinary years, shock years (``regimes.shock_years``)
and all years (``backtest_metrics.py``).

CLI: ``python -m pipeline backtest [--indicators F ...] [--years Y ...] [--targets F] [--out F]``.
"""
from __future__ import annotations

import json
import math
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import data, forecasters as fc, qualifiers, scoring, yamlio
from .backtest_metrics import (MONTHLY_INDICATORS, by_month_table, by_regime_table, headline,
                               long_probabilities, reliability_by_regime)
from .forecast import DEFAULT_CHOICE, Config, _seed, method_draws, profile_for
from .paths import PARAMS, PROCESSED

OUT = PROCESSED / "backtest.csv"
METRICS = PROCESSED / "backtest_metrics.json"
BY_MONTH = PROCESSED / "backtest_by_month.csv"
BY_REGIME = PROCESSED / "backtest_by_regime.csv"
RELIABILITY = PROCESSED / "backtest_reliability.csv"
CHOICES = PROCESSED / "backtest_choices.csv"
BORROWING = PROCESSED / "backtest_borrowing.csv"
BASE_METHODS = ("carry_forward", "empirical_drift", "state_space", "bridge")
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
    row = {f"{k}_pct": v for k, v in fc.summarize(d).items()}
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


def _brier(summary: dict, base: dict, n_thresholds: int) -> float:
    """Mean Brier score of a candidate's P(met) over the case's thresholds (NaN without any)."""
    return scoring.brier([summary[f"p_met_{i}"] for i in range(n_thresholds)],
                         [base[f"met_{i}"] for i in range(n_thresholds)])


CHOICE_LOSSES = ("crps", "brier")


def choice_loss(params: dict) -> str:
    """What the nested choice minimises over earlier years: ``crps`` (the whole distribution; fixed in advance) or
    ``brier`` (P(met) only; for the comparison fixed in advance in benchmarks/README.md)."""
    from .errors import InputError

    loss = params.get("choice_loss", "crps")
    if loss not in CHOICE_LOSSES:
        raise InputError(f"params.yaml: backtest.choice_loss: {loss!r} is not one of {', '.join(CHOICE_LOSSES)}", code=2)
    return loss


_SHARED: dict = {}


def _init_worker(obs: pd.DataFrame, targets: pd.DataFrame | None, cfg: Config, params: dict) -> None:
    """Give each worker process the tables once, instead of pickling them with every case."""
    _SHARED.clear()
    _SHARED.update(obs=obs, targets=targets, cfg=cfg, params=params)


def _evaluate_year(jobs: list[tuple]) -> list[tuple[list[dict], list[dict]]]:
    return [_evaluate_shared(job) for job in jobs]


def _evaluate_shared(job: tuple) -> tuple[list[dict], list[dict]]:
    region, ind, year, month = job
    histories = _SHARED.setdefault("histories", {})
    if (region, ind) not in histories:
        histories[region, ind] = fc.history_from_observations(_SHARED["obs"], region, ind)
    return evaluate_case(_SHARED["obs"], _SHARED["targets"], region, ind, year, month, _SHARED["cfg"],
                         _SHARED["params"], full=histories[region, ind])


def evaluate_case(obs: pd.DataFrame, targets: pd.DataFrame | None, region: str, ind: str, year: int, month: int,
                  cfg: Config, params: dict, full: pd.DataFrame | None = None) -> tuple[list[dict], list[dict]]:
    """One (indicator, year, month): rows of the base methods and the fixed default, and every candidate's scores.

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
            combined = fc.combine({k: draws[k] for k, _ in c.weights}, dict(c.weights), n_draws=cfg.n_draws,
                                  seed=seed, method=c.combine_method)
            combos[key] = (combined, np.sort(combined), float(np.median(combined)))
        combined, ordered, med = combos[key]
        if i == 0:  # the fallback before any calibration: what the engine did before issue 10
            d = fc.rescale(combined, c.spread_scale)
            rows.append(dict(base, method="default_before", choice=c.label, **_summary_row(d, actual, thr)))
        if gap is None:  # rescaling about the median keeps the order: no sort per spread scale
            d = med + float(c.spread_scale) * (ordered - med)
        else:
            d = np.sort(fc.rescale(combined, c.spread_scale) + shock_noise[: len(combined)] * gap)
        # the tail transform keeps the order too: every row of the matrix stays sorted
        tailed = np.stack([d if h == 0.0 else fc.heavier_tails(d, h) for h in tails])
        grids = _sorted_quantiles_rows(tailed, GRID).astype(np.float32)
        for h, g, summary in zip(tails, grids, _sorted_summary_rows(tailed, actual, thr)):
            cand_rows.append(dict(indicator=ind, year=year, month=month, candidate=c.label, order=i, tail_weight=h,
                                  grid=g, brier=_brier(summary, base, len(thr)), **summary))
    return rows, cand_rows


def run_cases(obs: pd.DataFrame, indicators: list[str], years: list[int], cfg: Config, params: dict,
              targets: pd.DataFrame | None = None, workers: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Base-method rows and candidate scores for every case (two worker processes on the project machine)."""
    jobs = [("china", ind, y, m) for ind, y, m in cases(obs, indicators, years)]
    obs = obs[obs.region == "china"].reset_index(drop=True)  # every case is national: smaller tables to cut
    workers = workers or min(2, os.cpu_count() or 1)
    if workers > 1 and len(jobs) > 20:
        # one task per year: its state-space fits (one per indicator) are then made once, in one process, and
        # the GDP bridge reuses the monthly indicators' fits of the same year
        by_year = [[j for j in jobs if j[2] == y] for y in sorted({j[2] for j in jobs}, reverse=True)]
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(obs, targets, cfg, params)) as pool:
            done = {job: result for year_jobs, results in zip(by_year, pool.map(_evaluate_year, by_year))
                    for job, result in zip(year_jobs, results)}
        results = [done[job] for job in jobs]
    else:
        _init_worker(obs, targets, cfg, params)
        results = [_evaluate_shared(j) for j in jobs]
    rows = pd.DataFrame([r for rs, _ in results for r in rs])
    cand = pd.DataFrame([r for _, cs in results for r in cs])
    return rows, cand


def nested_choices(cand: pd.DataFrame, min_years: int, loss: str = "crps") -> pd.DataFrame:
    """Per indicator and year, from strictly earlier years' cases: first the candidate with the lowest mean loss
    (CRPS unless said; without tail weight), then the tail weight with the lowest mean loss for that candidate.

    Two steps, so that the tail weight only reshapes the chosen distribution: the median, hence the RMSE, is
    the first step's.
    """
    if "tail_weight" not in cand:
        cand = cand.assign(tail_weight=0.0)
    out = []
    for ind, g in cand.sort_values(["order", "tail_weight", "year", "month"], kind="stable").groupby("indicator",
                                                                                                   sort=True):
        plain = g[g.tail_weight == 0.0]
        fallback = plain.loc[plain.order == plain.order.min(), "candidate"].iloc[0]
        chosen = scoring.nested_choice(plain, option_col="candidate", loss_col=loss, min_years=min_years,
                                       fallback=fallback)
        tails_of = {c: scoring.nested_choice(g[g.candidate == c], option_col="tail_weight", loss_col=loss,
                                             min_years=min_years, fallback=0.0)
                    for c in dict.fromkeys(chosen.values())}
        out += [dict(indicator=ind, year=y, candidate=c, tail_weight=float(tails_of[c].get(y, 0.0)),
                     learned_from_years=int(g[g.year < y].year.nunique()))
                for y, c in chosen.items()]
    return pd.DataFrame(out)


def recalibrations(default_raw: pd.DataFrame, min_years: int) -> dict[int, tuple[float, float]]:
    """Per year, the logistic recalibration of P(met) fitted on the earlier years' default probabilities only.

    Every threshold of every indicator is pooled (too few cases per indicator); a year with fewer than
    ``min_years`` earlier years gets none, (0, 1).
    """
    long = long_probabilities(default_raw)
    long = long[long.method == "default_raw"]
    out = {}
    for year in sorted(default_raw.year.unique()):
        past = long[long.year < year]
        out[int(year)] = (0.0, 1.0) if past.year.nunique() < min_years else fc.fit_recalibration(past.p_met, past.met)
    return out


def _recalibrated_rows(case_info: pd.DataFrame, picked: pd.DataFrame, coefs: dict) -> pd.DataFrame:
    """The nested default: the chosen candidate's quantiles, recalibrated with the year's coefficients."""
    keys = ["indicator", "year", "month"]
    rows = []
    for r in case_info.merge(picked[keys + ["candidate", "tail_weight", "grid"]], on=keys).to_dict("records"):
        a, b = coefs[int(r["year"])]
        thr = [dict(threshold=r[f"threshold_{i}_pct"], strict=bool(r[f"threshold_{i}_strict"]))
               for i in range(8) if f"threshold_{i}_pct" in r and not pd.isna(r[f"threshold_{i}_pct"])]
        d = fc.recalibrate(r.pop("grid").astype(float), a, b)
        choice = choice_label(r.pop("candidate"), r.pop("tail_weight"))
        rows.append({**r, "method": "default", "choice": choice, "recal_a": a, "recal_b": b,
                     **_summary_row(d, r["actual_pct"], thr)})
    return pd.DataFrame(rows)


def final_choice(cand: pd.DataFrame, params: dict) -> dict:
    """The choice on all backtest years: what the live forecast of the next year uses (same two steps)."""
    if "tail_weight" not in cand:
        cand = cand.assign(tail_weight=0.0)
    loss = choice_loss(params)
    out = {}
    for ind, g in cand.groupby("indicator", sort=True):
        plain = g[g.tail_weight == 0.0]
        mean = plain.groupby(["order", "candidate"])[loss].mean().reset_index()
        best = mean.sort_values([loss, "order"], kind="stable").iloc[0]
        scores = list(dict.fromkeys(["crps", loss]))  # mean_crps is reported whichever loss chose
        tails = g[g.candidate == best.candidate].groupby("tail_weight")[scores].mean().reset_index()
        tail = tails.sort_values([loss, "tail_weight"], kind="stable").iloc[0]
        c = next(c for c in candidates(params, ind) if c.label == best.candidate)
        out[ind] = {**c.as_dict(), "tail_weight": float(tail.tail_weight),
                    "label": choice_label(c.label, float(tail.tail_weight)), "mean_crps": round(float(tail.crps), 4),
                    "years": [int(g.year.min()), int(g.year.max())]}
    return out


def run_backtest(obs: pd.DataFrame, indicators: list[str], years: list[int], cfg: Config, params: dict,
                 targets: pd.DataFrame | None = None, workers: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(per-forecast table with the nested default, nested choices per year, choice for the next year)."""
    learn_from = min(int(params.get("learn_first_year", min(years))), min(years))
    all_years = sorted(set(range(learn_from, min(years))) | set(years))
    rows, cand = run_cases(obs, indicators, all_years, cfg, params, targets, workers)
    if rows.empty:
        return rows, pd.DataFrame(), {}
    choices = nested_choices(cand, int(params.get("min_learn_years", 3)), choice_loss(params))
    picked = cand.merge(choices, on=["indicator", "year", "candidate", "tail_weight"])
    keys = ["indicator", "year", "month"]
    case_cols = [c for c in rows.columns if c not in picked.columns or c in keys]
    case_info = rows.drop_duplicates(keys)[case_cols].drop(columns=["method", "choice"])
    raw = case_info.merge(picked.drop(columns=["order", "learned_from_years", "grid", "brier"]), on=keys)
    raw["candidate"] = [choice_label(c, h) for c, h in zip(raw.candidate, raw.tail_weight)]
    raw = raw.drop(columns="tail_weight").rename(columns={"candidate": "choice"}).assign(method="default_raw")
    min_years = int(params.get("min_learn_years", 3))
    recalibrate = bool(params.get("recalibrate", False))
    if recalibrate:
        coefs = recalibrations(raw, min_years)
        default = _recalibrated_rows(case_info, picked, coefs)
    else:
        coefs = {int(y): (0.0, 1.0) for y in raw.year.unique()}
        default, raw = raw.assign(method="default"), raw.iloc[0:0]
    choices = choices.assign(recal_a=choices.year.map(lambda y: coefs[int(y)][0]),
                             recal_b=choices.year.map(lambda y: coefs[int(y)][1]))
    bt = pd.concat([rows, raw, default], ignore_index=True)
    bt = bt[bt.year.isin(years)]
    bt = bt.sort_values(["indicator", "year", "month", "method"], kind="stable").reset_index(drop=True)
    a, b = 0.0, 1.0
    if recalibrate:
        long = long_probabilities(raw)
        long = long[long.method == "default_raw"]
        a, b = fc.fit_recalibration(long.p_met, long.met)
    choice = {"indicators": final_choice(cand, params), "recalibration": {"a": round(a, 4), "b": round(b, 4)}}
    return bt, choices, choice


def borrowing_cases(obs: pd.DataFrame, indicators: list[str]) -> list[tuple[str, str, int, int, float]]:
    """Local (non-national) figures with a December outcome in the same year: (region, indicator, year, month, actual)."""
    out = []
    local = obs[(obs.region != "china") & ~obs.region.str.fullmatch(r"\d{6}") & obs.indicator.isin(indicators)]
    for (region, ind), _ in local.groupby(["region", "indicator"]):
        hist = fc.history_from_observations(obs, region, ind)
        for year, g in hist.groupby("year"):
            dec = g[g.month == 12]
            if dec.empty:
                continue
            out += [(region, ind, int(year), int(m), float(dec.ytd_growth_pct.iloc[0])) for m in g.month if m < 12]
    return sorted(out)


def borrowing_backtest(obs: pd.DataFrame, cfg: Config, widen_grid: list[float],
                       indicators: tuple[str, ...] = (*MONTHLY_INDICATORS, "gdp"),
                       configs: dict[int, Config] | None = None,
                       cases_: list[tuple] | None = None) -> pd.DataFrame:
    """How wide borrowed forecasts must be: the sparse regions' own YTD points scored against their December.

    Each case is forecast as the engine does for a region without enough history of its own (the
    nearest ancestor's dynamics anchored on the local figure), once per widening in ``widen_grid``, with
    the default the national backtest chose for that year from earlier years (``configs``; else ``cfg``).
    """
    from .forecast import indicator_draws

    rows = []
    for region, ind, year, month, actual in (cases_ if cases_ is not None else borrowing_cases(obs, list(indicators))):
        cut = data.cut_as_of(obs, year, month)
        base = (configs or {}).get(year, cfg)
        memo: dict = {}  # the methods' draws do not depend on the widening: computed once per case
        for widen in widen_grid:
            c = Config(**{**base.__dict__, "borrow_widen_pp": float(widen)})
            draws, info = indicator_draws(cut, region, ind, year, month, c, ["default"], memo=memo)
            d = draws.get("default")
            if d is None:
                continue
            q10, q50, q90 = np.quantile(d, [0.1, 0.5, 0.9])
            rows.append(dict(region=region, indicator=ind, year=year, month=month, widen_pp=float(widen),
                             borrowed_from=info["borrowed_from"], latest_ytd_pct=info["latest_ytd_pct"],
                             q10_pct=q10, q50_pct=q50, q90_pct=q90, actual_pct=actual,
                             crps=scoring.crps(d, actual), in80=bool(q10 <= actual <= q90)))
    return pd.DataFrame(rows)


def year_configs(cfg: Config, params: dict, choices: pd.DataFrame) -> dict[int, Config]:
    """For each year, the engine's configuration with the default chosen for that year from earlier years only."""
    out = {}
    for year, g in choices.groupby("year"):
        chosen = {}
        for r in g.itertuples():
            c = next((c for c in candidates(params, r.indicator) if c.label == r.candidate), None)
            if c is not None:
                chosen[r.indicator] = {**c.as_dict(), "tail_weight": float(getattr(r, "tail_weight", 0.0))}
        out[int(year)] = Config(**{**cfg.__dict__, "default_choice": chosen})
    return out


def widening_rule(cases_: pd.DataFrame) -> float | None:
    """The smallest widening whose 80% intervals cover at least 80% of the cases (the largest if none does)."""
    if cases_.empty:
        return None
    cov = cases_.groupby("widen_pp").in80.mean().sort_index()
    ok = cov[cov >= 0.8]
    return float(ok.index[0] if len(ok) else cov.index[-1])


def nested_widening(cases_: pd.DataFrame, shock_years, min_years: int, fallback: float) -> dict[int, float]:
    """For each year with cases, and the year after the last: ``widening_rule`` on earlier ordinary years' cases
    (``fallback``, fixed in advance, until ``min_years`` such years exist)."""
    if cases_.empty:
        return {}
    ordinary = cases_[scoring.regime(cases_.year, shock_years) == scoring.ORDINARY]
    out = {}
    for year in [*sorted(int(y) for y in cases_.year.unique()), int(cases_.year.max()) + 1]:
        past = ordinary[ordinary.year < year]
        out[year] = widening_rule(past) if past.year.nunique() >= min_years else float(fallback)
    return out


def borrowing_summary(cases_: pd.DataFrame, chosen: dict[int, float] | None = None, shock_years=()) -> dict:
    """Coverage and CRPS per widening on all cases, and of the nested widening by regime."""
    if cases_.empty:
        return {}
    g = cases_.groupby("widen_pp")
    out = {f"widen_{w:g}pp": {"n": int(len(x)), "coverage_80": round(float(x.in80.mean()), 4),
                              "crps": round(float(x.crps.mean()), 4),
                              "rmse": round(float(np.sqrt(((x.q50_pct - x.actual_pct) ** 2).mean())), 4)}
           for w, x in g}
    if chosen:
        nested = cases_[cases_.widen_pp == cases_.year.map(chosen)]
        out["nested"] = scoring.by_regime(nested, shock_years, lambda x: {
            "n": int(len(x)), "coverage_80": round(float(x.in80.mean()), 4) if len(x) else None,
            "crps": round(float(x.crps.mean()), 4) if len(x) else None})
    return out


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.4f")


def national_targets() -> pd.DataFrame:
    """The curated national targets (China GDP 2005-2026): what real-target P(met) is scored on."""
    t = data.load_targets()
    return t[t.region == "china"].reset_index(drop=True)


def check_scorable(obs: pd.DataFrame, indicators: list[str], years: list[int]) -> None:
    """Fail in one line, before a minute of work, when no year asked for has a national December outcome."""
    from .errors import InputError

    if not years:
        raise InputError("params.yaml: backtest.first_year is after backtest.last_year: no year to score")
    if cases(obs, indicators, years):
        return
    national = obs[obs.region == "china"]
    last = f"{int(national.year.max())}" if not national.empty else "nowhere"
    raise InputError(f"params.yaml: backtest.first_year..last_year {years[0]}-{years[-1]}: no year with a national "
                     f"December outcome to score (the national figures in the data end in {last})")


def main() -> int:
    cfg = Config.load(choice_path=None)
    params = load_params()
    shock_years = load_shock_years()
    obs = data.load_observations()
    years = list(range(int(params.get("first_year", 2010)), int(params.get("last_year", 2023)) + 1))
    indicators = list(params.get("indicators", [*MONTHLY_INDICATORS, "gdp"]))
    cfg.n_draws = int(params.get("n_draws", 1000))
    widen_grid = [float(w) for w in params.get("borrow_widen_grid", [0.0, 0.5, 1.0, 1.5, 2.0])]
    check_scorable(obs, indicators, years)
    bt, choices, choice = run_backtest(obs, indicators, years, cfg, params, national_targets())
    # the borrowing cases after the national ones (each year's borrowed forecast uses that year's nested default),
    # in a process of their own while this one writes the national tables
    configs = year_configs(cfg, params, choices)
    local = borrowing_cases(obs, [*MONTHLY_INDICATORS, "gdp"])
    with ProcessPoolExecutor(1) as side:
        borrowing = side.submit(borrowing_backtest, obs, cfg, widen_grid, (*MONTHLY_INDICATORS, "gdp"), configs, local)
        PROCESSED.mkdir(parents=True, exist_ok=True)
        _write_csv(bt.round(4), OUT)
        _write_csv(choices, CHOICES)
        _write_csv(by_month_table(bt, shock_years), BY_MONTH)
        _write_csv(by_regime_table(bt, shock_years), BY_REGIME)
        _write_csv(reliability_by_regime(bt, shock_years), RELIABILITY)
        metrics = headline(bt, shock_years)
        borrowed = borrowing.result()
    borrowed = borrowed.sort_values(["region", "indicator", "year", "month", "widen_pp"], kind="stable")
    widen = nested_widening(borrowed, shock_years, int(params.get("min_learn_years", 3)),
                            float(params.get("borrow_widen_fallback_pp", 0.5)))
    if widen:
        choice["borrow_widen_pp"] = widen[max(widen)]
    metrics["borrowing"] = borrowing_summary(borrowed, widen, shock_years)
    _write_csv(borrowed.round(4), BORROWING)
    METRICS.write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    DEFAULT_CHOICE.write_text(json.dumps(choice, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"backtest: {len(bt)} forecasts; metrics in {METRICS.relative_to(PROCESSED.parent.parent)}")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--indicators", nargs="+", type=Path, help="raw-schema files replacing embedded series")
    parser.add_argument("--years", nargs="+", type=int, help="years to backtest (default 2010-2023)")
    parser.add_argument("--series", nargs="+", default=[*MONTHLY_INDICATORS, "gdp"],
                        help="indicators: slugs or names (gdp, GDP, 社会消费品零售总额)")
    parser.add_argument("--targets", type=Path, help="targets (raw schema) to score P(met) against "
                                                     "(default: the embedded national targets)")
    parser.add_argument("--out", type=Path, help="write the per-forecast CSV here instead of stdout")
    parser.add_argument("--stage", action="store_true", help="run the DVC stage with params.yaml")


def run(args) -> int:
    if args.stage:
        return main()
    from .validate import RawDataError

    cfg = Config.load(choice_path=None)
    params = load_params()
    cfg.n_draws = int(params.get("n_draws", 1000))
    try:
        obs = data.load_observations(args.indicators)
        targets = data.load_targets(args.targets) if args.targets else national_targets()
    except RawDataError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
    from . import registry
    from .errors import InputError

    series = []
    for name in args.series:  # slugs or names as people write them: GDP, 社会消费品零售总额
        try:
            series.append(registry.resolve_indicator(name))
        except registry.UnknownName as exc:
            raise InputError(f"--series: {exc}", code=2) from None
    years = args.years or list(range(2010, 2024))
    bt, _, _ = run_backtest(obs, list(dict.fromkeys(series)), years, cfg, params, targets)
    if bt.empty:
        print("backtest: no case has both an as-of figure and a December outcome", file=sys.stderr)
        return 1
    _write_csv(bt.round(4), args.out or sys.stdout)
    print(json.dumps(headline(bt, load_shock_years()), indent=1)[:3000], file=sys.stderr)
    return 0
