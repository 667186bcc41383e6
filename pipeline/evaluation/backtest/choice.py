"""The nested choice: each year's default from earlier years' scores only, the optional recalibration, and the
choice on all years that the live forecasts use."""
from __future__ import annotations


import numpy as np
import pandas as pd

from pipeline.model import distributions as dist
from pipeline.evaluation import scoring
from pipeline.evaluation.metrics import long_probabilities
from pipeline.model.forecast import Config
from pipeline.evaluation.backtest.evaluate import (GRID, _summary_row, candidates, choice_label, choice_loss,
                                                   location_settings, rescored, row_thresholds, run_cases)
from pipeline.evaluation.backtest import location as bl


def _combination(label: str) -> str:
    """A candidate's weights and combination rule: its label without the spread scale."""
    return label.rsplit("|", 1)[0]


def nested_choices(cand: pd.DataFrame, min_years: int, loss: str = "crps", spread_loss: str | None = None) -> pd.DataFrame:
    """Per indicator and year, from strictly earlier years' cases only, in steps:

    1. the candidate with the lowest mean ``loss`` (without tail weight);
    2. with ``spread_loss`` given, the spread scale of that candidate's combination with the lowest mean
       ``spread_loss`` (why: a choice by the Brier score of P(met) alone picks too narrow a spread, so the 80%
       bands stop covering 80%; CRPS judges the whole distribution);
    3. the tail weight with the lowest mean ``spread_loss`` (else ``loss``) for that candidate.

    The median, hence the RMSE, is the first step's combination's.
    """
    if "tail_weight" not in cand:
        cand = cand.assign(tail_weight=0.0)
    shape_loss = spread_loss or loss
    out = []
    for ind, g in cand.sort_values(["order", "tail_weight", "year", "month"], kind="stable").groupby("indicator",
                                                                                                   sort=True):
        plain = g[g.tail_weight == 0.0]
        fallback = plain.loc[plain.order == plain.order.min(), "candidate"].iloc[0]
        chosen = scoring.nested_choice(plain, option_col="candidate", loss_col=loss, min_years=min_years,
                                       fallback=fallback)
        if spread_loss:
            combos = plain.candidate.map(_combination)
            scaled = {}
            for combo in dict.fromkeys(_combination(c) for c in chosen.values()):
                scaled[combo] = scoring.nested_choice(plain[combos == combo], option_col="candidate",
                                                      loss_col=spread_loss, min_years=min_years, fallback=None)
            chosen = {y: scaled[_combination(c)].get(y) or c for y, c in chosen.items()}
        tails_of = {c: scoring.nested_choice(g[g.candidate == c], option_col="tail_weight", loss_col=shape_loss,
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
        out[int(year)] = (0.0, 1.0) if past.year.nunique() < min_years else dist.fit_recalibration(past.p_met, past.met)
    return out


def _recalibrated_rows(case_info: pd.DataFrame, picked: pd.DataFrame, coefs: dict) -> pd.DataFrame:
    """The nested default: the chosen candidate's quantiles, recalibrated with the year's coefficients."""
    keys = ["indicator", "year", "month"]
    rows = []
    for r in case_info.merge(picked[keys + ["candidate", "tail_weight", "grid"]], on=keys).to_dict("records"):
        a, b = coefs[int(r["year"])]
        thr = row_thresholds(r)
        d = dist.recalibrate(r.pop("grid").astype(float), a, b)
        choice = choice_label(r.pop("candidate"), r.pop("tail_weight"))
        rows.append({**r, "method": "default", "choice": choice, "recal_a": a, "recal_b": b,
                     **_summary_row(d, r["actual_pct"], thr)})
    return pd.DataFrame(rows)


ADJUSTMENTS = ("recalibrate", "pit_recalibrate", "location_choice")  # of the chosen default: at most one on


def check_adjustments(params: dict) -> None:
    """One line naming the switches when more than one adjustment of the chosen default is on: each rebuilds the
    default's rows from the chosen grid, so two would not compose."""
    on = [k for k in ADJUSTMENTS if params.get(k)]
    if len(on) > 1:
        from pipeline.common.errors import InputError

        raise InputError(f"params.yaml: {' and '.join('backtest.' + k for k in on)} are on together: pick one", code=2)


PIT_DEFAULTS = {"shrink_years": 3.0, "shift": True, "scale": True}


def pit_settings(params: dict) -> dict | None:
    """``backtest.pit_recalibration`` over its defaults when ``backtest.pit_recalibrate`` is on, else None."""
    check_adjustments(params)
    if not bool(params.get("pit_recalibrate", False)):
        return None
    given = params.get("pit_recalibration", {}) or {}
    return {"shrink_years": float(given.get("shrink_years", PIT_DEFAULTS["shrink_years"])),
            "shift": bool(given.get("shift", PIT_DEFAULTS["shift"])),
            "scale": bool(given.get("scale", PIT_DEFAULTS["scale"]))}


def pit_table(picked: pd.DataFrame, actual: pd.DataFrame) -> pd.DataFrame:
    """Per case, the PIT of the December outcome under the nested default as issued (its quantile grid), and how
    many earlier years its choice learned from."""
    keys = ["indicator", "year", "month"]
    m = picked[keys + ["grid", "learned_from_years"]].merge(actual[keys + ["actual_pct"]], on=keys)
    return m.assign(u=[dist.pit_value(g, a, GRID) for g, a in zip(m.grid, m.actual_pct)]).drop(columns="grid")


def fit_pit(pits: pd.DataFrame, shock_years, min_years: int, settings: dict, before: int | None = None
            ) -> tuple[dict, float]:
    """The PIT map ({indicator: mu}, sigma) from ordinary years (before ``before`` only, when given) whose default
    was itself chosen (``min_years`` earlier years); each indicator-year weighs 1 whatever its number of as-of months
    (they share one December outcome, so their PITs are correlated). Too few such years: the identity ({}, 1)."""
    past = pits[~pits.year.isin(list(shock_years)) & (pits.learned_from_years >= min_years)]
    if before is not None:
        past = past[past.year < before]
    if past.year.nunique() < min_years:
        return {}, 1.0
    weights = 1.0 / past.groupby(["indicator", "year"]).u.transform("size")
    return dist.fit_pit_map(past.u, past.indicator, weights, shrink_years=settings["shrink_years"],
                            shift=settings["shift"], scale=settings["scale"])


def _pit_rows(raw: pd.DataFrame, picked: pd.DataFrame, maps: dict, gravity: dict | None, n_draws: int) -> pd.DataFrame:
    """The nested default after each year's PIT map: ``n_draws`` draws at the levels (i + 0.5) / n read off the
    chosen grid at G^-1 of them (as many as the candidates had, so that their summaries read the same way), scored
    as the candidates are (target gravity on P(met) of real GDP targets afterwards, as before). Identity maps keep
    the row as it was."""
    keys = ["indicator", "year", "month"]
    grids = picked.set_index(keys).grid
    levels = (np.arange(n_draws) + 0.5) / n_draws
    rows = []
    for r in raw.to_dict("records"):
        shifts, sigma = maps[int(r["year"])]
        mu = float(shifts.get(r["indicator"], 0.0))
        r = {**r, "method": "default", "pit_mu": mu, "pit_sigma": sigma}
        if (mu, sigma) != (0.0, 1.0):
            grid = np.asarray(grids.loc[(r["indicator"], r["year"], r["month"])], dtype=float)
            new = dist.quantiles_at(grid, GRID, dist.pit_levels(levels, mu, sigma))
            r.update(rescored(r, new, (gravity or {}).get(int(r["year"]))))
        rows.append(r)
    return pd.DataFrame(rows)


def final_choice(cand: pd.DataFrame, params: dict) -> dict:
    """The choice on all backtest years: what the live forecast of the next year uses (same two steps)."""
    if "tail_weight" not in cand:
        cand = cand.assign(tail_weight=0.0)
    loss = choice_loss(params)
    spread_loss = choice_loss(params, "spread_loss") if params.get("spread_loss") else None
    shape_loss = spread_loss or loss
    out = {}
    for ind, g in cand.groupby("indicator", sort=True):
        plain = g[g.tail_weight == 0.0]
        mean = plain.groupby(["order", "candidate"])[list(dict.fromkeys([loss, shape_loss]))].mean().reset_index()
        best = mean.sort_values([loss, "order"], kind="stable").iloc[0]
        if spread_loss:
            same = mean[mean.candidate.map(_combination) == _combination(best.candidate)]
            best = same.sort_values([spread_loss, "order"], kind="stable").iloc[0]
        scores = list(dict.fromkeys(["crps", shape_loss]))  # mean_crps is reported whichever loss chose
        tails = g[g.candidate == best.candidate].groupby("tail_weight")[scores].mean().reset_index()
        tail = tails.sort_values([shape_loss, "tail_weight"], kind="stable").iloc[0]
        c = next(c for c in candidates(params, ind) if c.label == best.candidate)
        out[ind] = {**c.as_dict(), "tail_weight": float(tail.tail_weight),
                    "label": choice_label(c.label, float(tail.tail_weight)), "mean_crps": round(float(tail.crps), 4),
                    "years": [int(g.year.min()), int(g.year.max())]}
    return out


def run_backtest(obs: pd.DataFrame, indicators: list[str], years: list[int], cfg: Config, params: dict,
                 targets: pd.DataFrame | None = None, workers: int | None = None,
                 gravity: dict | None = None, shock_years=()) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(per-forecast table with the nested default, nested choices per year, choice for the next year).

    ``gravity``: year -> the target-gravity model fitted on earlier years' pairs (none: no gravity). ``shock_years``
    are left out of the PIT maps' learning (``backtest.pit_recalibrate``)."""
    learn_from = min(int(params.get("learn_first_year", min(years))), min(years))
    all_years = sorted(set(range(learn_from, min(years))) | set(years))
    rows, cand = run_cases(obs, indicators, all_years, cfg, params, targets, workers, gravity)
    if rows.empty:
        return rows, pd.DataFrame(), {}
    spread_loss = choice_loss(params, "spread_loss") if params.get("spread_loss") else None
    choices = nested_choices(cand, int(params.get("min_learn_years", 3)), choice_loss(params), spread_loss)
    picked = cand.merge(choices, on=["indicator", "year", "candidate", "tail_weight"])
    keys = ["indicator", "year", "month"]
    case_cols = [c for c in rows.columns if c not in picked.columns or c in keys]
    case_info = rows.drop_duplicates(keys)[case_cols].drop(columns=["method", "choice"])
    raw = case_info.merge(picked.drop(columns=["order", "learned_from_years", "grid", "brier"]), on=keys)
    raw["candidate"] = [choice_label(c, h) for c, h in zip(raw.candidate, raw.tail_weight)]
    raw = raw.drop(columns="tail_weight").rename(columns={"candidate": "choice"}).assign(method="default_raw")
    min_years = int(params.get("min_learn_years", 3))
    recalibrate = bool(params.get("recalibrate", False))
    pit = pit_settings(params)  # and no two adjustments of the default at once (check_adjustments)
    where = None
    if params.get("location_choice"):
        settings = location_settings(params)
    if pit is not None:
        pits = pit_table(picked, case_info)
        maps = {int(y): fit_pit(pits, shock_years, min_years, pit, before=int(y)) for y in raw.year.unique()}
        default = _pit_rows(raw, picked, maps, gravity, cfg.n_draws)
        coefs = {int(y): (0.0, 1.0) for y in raw.year.unique()}
    elif recalibrate:
        coefs = recalibrations(raw, min_years)
        default = _recalibrated_rows(case_info, picked, coefs)
    else:
        coefs = {int(y): (0.0, 1.0) for y in raw.year.unique()}
        default, raw = raw.assign(method="default"), raw.iloc[0:0]
        if params.get("location_choice"):  # the default moved to the location chosen from earlier years
            table = bl.location_table(rows, default, choices, shock_years, min_years)
            chosen = bl.nested_locations(table, settings, min_years)
            where = bl.case_locations(table, chosen, settings)
            default = bl.relocated_rows(default, picked, where, gravity, cfg.n_draws)
            choices = choices.merge(chosen, on=["indicator", "year"], how="left")
    choices = choices.assign(recal_a=choices.year.map(lambda y: coefs[int(y)][0]),
                             recal_b=choices.year.map(lambda y: coefs[int(y)][1]))
    if pit is not None:
        choices = choices.assign(pit_mu=[float(maps[int(y)][0].get(i, 0.0)) for i, y in zip(choices.indicator,
                                                                                             choices.year)],
                                 pit_sigma=[maps[int(y)][1] for y in choices.year])
    bt = pd.concat([rows, raw, default], ignore_index=True)
    bt = bt[bt.year.isin(years)]
    bt = bt.sort_values(["indicator", "year", "month", "method"], kind="stable").reset_index(drop=True)
    a, b = 0.0, 1.0
    if recalibrate:
        long = long_probabilities(raw)
        long = long[long.method == "default_raw"]
        a, b = dist.fit_recalibration(long.p_met, long.met)
    choice = {"indicators": final_choice(cand, params), "recalibration": {"a": round(a, 4), "b": round(b, 4)}}
    if where is not None:  # the location on every eligible year, for the live forecasts (Config.location)
        choice["location"] = bl.final_location(table, settings, min_years)
    if pit is not None:  # the map on every ordinary year, for the live forecasts (engine: Config.pit_recalibration)
        shifts, sigma = fit_pit(pits, shock_years, min_years, pit)
        choice["pit_recalibration"] = {"sigma": round(sigma, 4), "mu": {k: round(v, 4) for k, v in shifts.items()},
                                       "years": sorted(int(y) for y in pits[~pits.year.isin(list(shock_years)) & (
                                           pits.learned_from_years >= min_years)].year.unique())}
    return bt, choices, choice


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
