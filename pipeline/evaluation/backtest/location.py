"""The nested choice of the default's location (``backtest.location_choice``, issue 22): per indicator and year, where
the default's median should sit, chosen by the error of earlier years' medians only, and the default moved there.

Why nested twice: a candidate with a bias term is scored in an earlier year Y' with the bias learned before Y', so the
choice for Y compares what each candidate would have said at the time, not what it says with hindsight.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pipeline.model import distributions as dist
from pipeline.model import location as loc
from pipeline.evaluation.backtest.evaluate import GRID, rescored

KEYS = ["indicator", "year", "month"]


def option_labels(settings: dict) -> list[str]:
    """The options in tie-break order: each location without, then each with the bias term (``kind+bias``)."""
    return [k + ("+bias" if b else "") for b in dict.fromkeys(settings["bias"]) for k in settings["kinds"]]


def location_table(rows: pd.DataFrame, raw: pd.DataFrame, choices: pd.DataFrame, shock_years, min_years: int
                   ) -> pd.DataFrame:
    """Per case: the outcome, the shock gap, whether the case may teach later years (an ordinary year whose default
    was itself chosen, from ``min_years`` earlier years), and each candidate location (``loc_<kind>``)."""
    med = rows[rows.method.isin(["carry_forward", "empirical_drift"])].pivot_table(
        index=KEYS, columns="method", values="q50_pct").reset_index()
    t = raw[KEYS + ["actual_pct", "shock_gap_pp", "q50_pct"] + (["momentum_pct"] if "momentum_pct" in raw else [])]
    t = t.rename(columns={"q50_pct": "default", "momentum_pct": "momentum"}).merge(med, on=KEYS, how="left")
    t = t.merge(choices[["indicator", "year", "learned_from_years"]], on=["indicator", "year"], how="left")
    for col in ("carry_forward", "empirical_drift", "momentum"):
        if col not in t:
            t[col] = math.nan
    for kind in loc.LOCATIONS:
        t[f"loc_{kind}"] = [loc.location_value(kind, r) for r in t[["default", "carry_forward", "empirical_drift",
                                                                     "momentum"]].to_dict("records")]
    t["eligible"] = ~t.year.isin(list(shock_years)) & (t.learned_from_years.fillna(0) >= min_years)
    return t.sort_values(KEYS, kind="stable").reset_index(drop=True)


def nested_bias(t: pd.DataFrame, kind: str, shrink_years: float, before: int | None = None) -> pd.Series:
    """Per case, the bias term of location ``kind``: the sum of (outcome - location) over the eligible cases of the
    same indicator and as-of month in strictly earlier years (or before ``before`` when given), divided by their
    number plus ``shrink_years`` (shrunk to 0: with few years the mean error is mostly noise). 0 without any."""
    err = t.actual_pct - t[f"loc_{kind}"]
    ok = t.eligible & np.isfinite(err)
    out = np.zeros(len(t))
    for i, (ind, year, month) in enumerate(zip(t.indicator, t.year, t.month)):
        limit = year if before is None else before
        past = ok & (t.indicator == ind) & (t.month == month) & (t.year < limit)
        out[i] = float(err[past].sum()) / (int(past.sum()) + shrink_years)
    return pd.Series(out, index=t.index)


def option_values(t: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """Each option's location per case (columns: option labels), bias terms nested in the case's year."""
    out = {}
    for label in option_labels(settings):
        kind, biased = label.removesuffix("+bias"), label.endswith("+bias")
        out[label] = t[f"loc_{kind}"] + (nested_bias(t, kind, settings["shrink_years"]) if biased else 0.0)
    return pd.DataFrame(out, index=t.index)


def _loss(err: pd.DataFrame, how: str) -> pd.DataFrame:
    return err**2 if how == "squared" else err.abs()


def choose(t: pd.DataFrame, values: pd.DataFrame, settings: dict, min_years: int, before: int | None) -> str:
    """The option with the lowest mean loss over the eligible cases before ``before`` (all when None) where every
    option has a location; ``default`` (no shift) with fewer than ``min_years`` such years; ties: the earlier option."""
    past = t.eligible & values.notna().all(axis=1)
    if before is not None:
        past &= t.year < before
    if t[past].year.nunique() < min_years:
        return "default"
    losses = _loss(values[past].sub(t.actual_pct[past], axis=0), settings["loss"]).mean()
    return str(losses.index[int(np.argmin(losses.to_numpy()))])


def nested_locations(t: pd.DataFrame, settings: dict, min_years: int) -> pd.DataFrame:
    """Per indicator and year, the option chosen from strictly earlier years' cases only."""
    out = []
    for ind, g in t.groupby("indicator", sort=True):
        values = option_values(g, settings)
        out += [dict(indicator=ind, year=int(y), location=choose(g, values, settings, min_years, before=int(y)))
                for y in sorted(g.year.unique())]
    return pd.DataFrame(out, columns=["indicator", "year", "location"])


def case_locations(t: pd.DataFrame, chosen: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """Per case, the location its year's option gives (NaN: keep the default's median: no option value, or a shock
    gap, since the other locations do not know the shock rule)."""
    parts = []
    for ind, g in t.groupby("indicator", sort=True):
        values = option_values(g, settings)
        pick = g.year.map(chosen[chosen.indicator == ind].set_index("year").location).fillna("default")
        where = [values.at[i, p] if p in values else math.nan for i, p in zip(g.index, pick)]
        parts.append(g[KEYS].assign(location=pick.to_numpy(), location_pct=where))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=KEYS + ["location", "location_pct"])
    shock = out.merge(t[KEYS + ["shock_gap_pp"]], on=KEYS).shock_gap_pp.notna().to_numpy()
    out.loc[shock | (out.location == "default").to_numpy(), "location_pct"] = math.nan
    return out


def relocated_rows(default: pd.DataFrame, picked: pd.DataFrame, where: pd.DataFrame, gravity: dict | None,
                   n_draws: int) -> pd.DataFrame:
    """The nested default moved to each case's location: ``n_draws`` draws read off the chosen quantile grid (as the
    PIT rows are), shifted so their median is the location, scored as the candidates are (target gravity on real
    GDP targets afterwards). Cases without a location keep their row as it was."""
    grids = picked.set_index(KEYS).grid
    at = where.set_index(KEYS)
    levels = (np.arange(n_draws) + 0.5) / n_draws
    rows = []
    for r in default.to_dict("records"):
        key = (r["indicator"], r["year"], r["month"])
        target = float(at.location_pct.get(key, math.nan))
        r = {**r, "location": str(at.location.get(key, "default")), "location_shift_pp": 0.0}
        if math.isfinite(target):
            grid = np.asarray(grids.loc[key], dtype=float)
            new = dist.quantiles_at(grid, GRID, levels)
            moved = loc.shift_to(new, target)
            r.update(rescored(r, moved, (gravity or {}).get(int(r["year"]))))
            r["location_shift_pp"] = float(moved[0] - new[0])
        rows.append(r)
    return pd.DataFrame(rows)


def final_location(t: pd.DataFrame, settings: dict, min_years: int) -> dict:
    """The choice on every eligible year, for the live forecasts: per indicator the option, and for a biased one
    the bias term per as-of month (learned from every eligible year; a month not seen: 0)."""
    out = {}
    for ind, g in t.groupby("indicator", sort=True):
        label = choose(g, option_values(g, settings), settings, min_years, before=None)
        kind = label.removesuffix("+bias")
        entry = {"kind": kind, "bias": label.endswith("+bias"), "momentum_periods": settings["momentum_periods"],
                 "years": sorted(int(y) for y in g[g.eligible].year.unique())}
        if entry["bias"]:
            months = sorted(int(m) for m in g.month.unique())
            probe = pd.DataFrame({"indicator": ind, "year": 10**6, "month": months})
            bias = nested_bias(pd.concat([g, probe.assign(eligible=False, actual_pct=math.nan,
                                                          **{f"loc_{kind}": math.nan})], ignore_index=True),
                               kind, settings["shrink_years"]).iloc[len(g):]
            entry["bias_pp"] = {str(m): round(float(b), 4) for m, b in zip(months, bias)}
        out[ind] = entry
    return out
