"""The annual model's inputs: parameters, the live choice of the annual backtest, and the panel of targets,
records and outcomes (first releases as known in January, national figures as of the month)."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.sources import registry
from pipeline.common import yamlio
from pipeline.common.paths import PARAMS


NATIONAL = "china"


# Qualifiers judged by "outcome at or above a number": margin = outcome - target is their natural scale.
FROM_BELOW = {"at_least", "exact", "about", "strive", "range", "exceed", "unknown"}


# Fixed in advance (issue 10 names the signals, not chosen by scores): the region's record and the ambition gap.
REGION_FEATURES = ("shrunk_mean_pp", "gap_pp")


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


def _national_lookup(panel: Panel) -> dict:
    if "national" not in panel.cache:
        n = panel.national
        panel.cache["national"] = {(i, int(y), int(m)): float(v) for i, y, m, v in
                                   zip(n.indicator.tolist(), n.year.tolist(), n.month.tolist(),
                                       n.ytd_growth_pct.tolist())}
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
