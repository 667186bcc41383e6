"""What a forecast run is told: its parameters (params.yaml forecast, the backtest's choice), where it writes,
and the columns it writes."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


from pipeline.sources import registry
from pipeline.common import yamlio
from pipeline.common.paths import PARAMS, PROCESSED


FORECAST_DIR = PROCESSED / "forecast"


DEFAULT_CHOICE = PROCESSED / "default_choice.json"


ANNUAL_CHOICE = PROCESSED / "annual_choice.json"  # the annual backtest's choice per level (backtest_annual stage)


METHODS = ("carry_forward", "empirical_drift", "recent_drift", "state_space", "bridge", "default")


GROWTH_INDICATORS = ("gdp", "industrial_va", "fai", "retail_sales", "fiscal_revenue", "income", "trade")


COLUMNS = ["region", "indicator", "year", "as_of", "method", "latest_period", "latest_ytd_pct", "mean_pct",
           "q05_pct", "q10_pct", "q25_pct", "q50_pct", "q75_pct", "q90_pct", "q95_pct", "target_pct",
           "target_high_pct", "qualifier", "wording", "relative_to", "p_met", "p_met_tolerant",
           "p_met_strict",
           "required_rest_pct", "share_through_pct", "profile_source", "borrowed_from", "borrowed_share",
           "history_years", "status", "no_forecast_reason", "note"]


@dataclass
class Config:
    """Forecast parameters (params.yaml section ``forecast``)."""
    n_draws: int = 4000
    seed: int = 20240101
    min_own_years: int = 5
    borrow_widen_pp: float = 1.0
    exclude_years: tuple[int, ...] = ()
    default_weights: dict[str, float] = field(default_factory=lambda: {"empirical_drift": 1.0})
    combine_method: str = "mixture"
    spread_scale: float = 1.0
    shock_reversion: bool = True
    # recent_drift (issue 22): the drifts it learns from start in recent_first_year, weighted by recency, shock
    # years (regimes.shock_years) left out of its learning
    recent_half_life_years: float = 10.0
    recent_first_year: int = 2005
    shock_years: tuple[int, ...] = ()
    # per indicator {weights, combine_method, spread_scale, tail_weight}: the backtest's choice on all its years (DEFAULT_CHOICE)
    default_choice: dict[str, dict] = field(default_factory=dict)
    # target gravity (issue 22): {pi, w_pp, bunch_width_pp} fitted by the backtest on every year's pairs; empty: none
    gravity: dict = field(default_factory=dict)
    recalibration: tuple[float, float] = (0.0, 1.0)  # logistic (a, b) fitted by the backtest on all its years
    # PIT recalibration (backtest.pit_recalibrate): indicator -> (mu, sigma) fitted by the backtest on every ordinary
    # year; empty: none
    pit_recalibration: dict[str, tuple[float, float]] = field(default_factory=dict)
    # location of the default (backtest.location_choice): indicator -> {kind, bias, bias_pp: {month: pp}} chosen by
    # the backtest on every eligible year; empty: the default keeps its own median
    location: dict[str, dict] = field(default_factory=dict)
    about_tolerance_pp: float = 0.5
    on_track_p: float = 0.7
    at_risk_p: float = 0.3
    briefings: dict[str, dict] = field(default_factory=dict)  # params.yaml ``briefings``: KEY -> entry

    @property
    def regions(self) -> list[str]:
        """Region slugs of the briefing entries (the forecast command's default)."""
        return sorted({registry.resolve_region(str(e["region"])) for e in self.briefings.values()})

    @classmethod
    def load(cls, path: Path = PARAMS, choice_path: Path | None = DEFAULT_CHOICE) -> "Config":
        """Parameters, and the backtest's default choice when ``choice_path`` exists (the backtest passes None)."""
        params = (yamlio.load_file(path) if path.exists() else {}) or {}
        f = params.get("forecast", {}) or {}
        cfg = cls()
        for key in ("n_draws", "seed", "min_own_years", "borrow_widen_pp", "combine_method", "on_track_p",
                    "at_risk_p", "spread_scale", "shock_reversion", "recent_half_life_years", "recent_first_year"):
            if key in f:
                setattr(cfg, key, type(getattr(cfg, key))(f[key]))
        cfg.shock_years = tuple(int(y) for y in ((params.get("regimes", {}) or {}).get("shock_years") or ()))
        if "exclude_years" in f:
            cfg.exclude_years = tuple(int(y) for y in f["exclude_years"] or ())
        if "default_weights" in f:
            cfg.default_weights = {k: float(v) for k, v in f["default_weights"].items()}
        cfg.briefings = briefing_entries(params.get("briefings"), path)
        cfg.about_tolerance_pp = float((params.get("targets", {}) or {}).get("about_tolerance_pp", 0.5))
        if choice_path is not None and Path(choice_path).exists():
            choice = json.loads(Path(choice_path).read_text(encoding="utf-8"))
            cfg.default_choice = choice.get("indicators", {})
            if "borrow_widen_pp" in choice:  # the backtest's rule on the local figures' ordinary years
                cfg.borrow_widen_pp = float(choice["borrow_widen_pp"])
            cfg.gravity = dict(choice.get("gravity", {}) or {})
            recal = choice.get("recalibration", {})
            cfg.recalibration = (float(recal.get("a", 0.0)), float(recal.get("b", 1.0)))
            pit = choice.get("pit_recalibration") or {}
            cfg.pit_recalibration = {ind: (float(mu), float(pit.get("sigma", 1.0)))
                                     for ind, mu in (pit.get("mu") or {}).items()}
            cfg.location = {ind: dict(v) for ind, v in (choice.get("location") or {}).items()}
        return cfg

    def choice_for(self, indicator: str) -> tuple[dict[str, float], str, float]:
        """(weights, combine rule, spread scale) of the default for one indicator: the backtest's choice, else params."""
        c = self.default_choice.get(indicator, {})
        return (dict(c.get("weights", self.default_weights)), str(c.get("combine_method", self.combine_method)),
                float(c.get("spread_scale", self.spread_scale)))

    def tail_for(self, indicator: str) -> float:
        """The Tukey-h tail weight the backtest chose for the default of one indicator (0: none)."""
        return float(self.default_choice.get(indicator, {}).get("tail_weight", 0.0))


def _seed(cfg: Config, *parts) -> int:
    """A stable seed per (region, indicator, year, month, method): reruns give identical draws."""
    text = "|".join(map(str, parts))
    return (cfg.seed + sum((i + 1) * ord(c) for i, c in enumerate(text))) % (2**32)


def briefing_entries(raw, path: Path = PARAMS) -> dict[str, dict]:
    """params.yaml ``briefings``: KEY -> {region, as_of, previous_as_of?, lang?}; KEY must be REGION-AS_OF as written.

    (DVC names the stages of a ``foreach`` by the mapping's keys, so one entry's change reruns that entry only.)
    """
    from pipeline.common.errors import InputError

    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InputError(f"{path}: briefings must be a mapping of REGION-AS_OF: {{region, as_of, ...}}")
    out = {}
    for key, entry in raw.items():
        if not isinstance(entry, dict) or not {"region", "as_of"} <= set(entry):
            raise InputError(f"{path}: briefings.{key} needs region and as_of")
        unknown = set(entry) - {"region", "as_of", "previous_as_of", "lang"}
        if unknown:
            raise InputError(f"{path}: briefings.{key}: unknown field {sorted(unknown)[0]!r}")
        try:
            slug = registry.resolve_region(str(entry["region"]))
        except ValueError as exc:
            raise InputError(f"{path}: briefings.{key}: region: {exc}") from None
        if slug != str(entry["region"]):  # DVC names the output folder reports/REGION/ after what is written here
            raise InputError(f"{path}: briefings.{key}: write the region as its slug {slug!r} (not "
                             f"{entry['region']!r}): the briefing's folder is reports/{slug}/, named from this entry")
        if str(key) != f"{entry['region']}-{entry['as_of']}":
            raise InputError(f"{path}: briefings.{key}: the key must be {entry['region']}-{entry['as_of']}")
        out[str(key)] = dict(entry)
    return out
