"""Forecast engine: for a region, a year and an as-of month, each target's outcome, P(met) and required growth.

For every indicator with a target or with YTD figures in the year, the full-year (December YTD)
growth gets a predictive distribution (draws) from the forecasters in ``pipeline/forecasters.py``,
using only what was published up to the as-of month. A region with too little history of its own
borrows the within-year dynamics (December minus month-m drift, the state-space fit) of its nearest
ancestor with enough history (xiangjiang -> changsha -> hunan -> china), anchored on its own latest
figure and widened by ``borrow_widen_pp`` (see the backtest for how that number is checked); the
output's ``borrowed_from`` and ``borrowed_share`` say how much of the answer is borrowed.

CLI: ``python -m pipeline forecast --as-of YYYY-MM [--indicators F ...] [--targets F] [--region S ...]
[--method NAME|all] [--out F.csv]``. Stage: ``python -m pipeline forecast --stage KEY`` writes
``data/processed/forecast/REGION/AS_OF.csv`` for one ``briefings`` entry of params.yaml.
"""
from __future__ import annotations

import functools
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import data, forecasters as fc, growth, qualifiers, registry, yamlio
from .paths import PARAMS, PROCESSED

FORECAST_DIR = PROCESSED / "forecast"
DEFAULT_CHOICE = PROCESSED / "default_choice.json"
ANNUAL_CHOICE = PROCESSED / "annual_choice.json"  # the annual backtest's choice per level (backtest_annual stage)
METHODS = ("carry_forward", "empirical_drift", "state_space", "bridge", "default")
GROWTH_INDICATORS = ("gdp", "industrial_va", "fai", "retail_sales", "fiscal_revenue", "income", "trade")
COLUMNS = ["region", "indicator", "year", "as_of", "method", "latest_period", "latest_ytd_pct", "mean_pct",
           "q05_pct", "q10_pct", "q25_pct", "q50_pct", "q75_pct", "q90_pct", "q95_pct", "target_pct",
           "target_high_pct", "qualifier", "wording", "relative_to", "p_met", "p_met_tolerant",
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
    # per indicator {weights, combine_method, spread_scale, tail_weight}: the backtest's choice on all its years (DEFAULT_CHOICE)
    default_choice: dict[str, dict] = field(default_factory=dict)
    recalibration: tuple[float, float] = (0.0, 1.0)  # logistic (a, b) fitted by the backtest on all its years
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
                    "at_risk_p", "spread_scale", "shock_reversion"):
            if key in f:
                setattr(cfg, key, type(getattr(cfg, key))(f[key]))
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
            recal = choice.get("recalibration", {})
            cfg.recalibration = (float(recal.get("a", 0.0)), float(recal.get("b", 1.0)))
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


def dynamics_source(obs: pd.DataFrame, region: str, indicator: str, year: int, month: int,
                    min_years: int) -> tuple[str, pd.DataFrame, int]:
    """The region whose past within-year dynamics are learned from: itself if it has enough years, else an ancestor.

    Returns (slug, its history, its number of past years with both month m and December).
    """
    own_years = 0
    for slug in [region, *registry.ancestors(region)]:
        hist = fc.history_from_observations(obs, slug, indicator)
        n = len(fc.drifts_pct(hist, month, year))
        if slug == region:
            own_years = n
        if n >= min_years:
            return slug, hist, n
    return region, fc.history_from_observations(obs, region, indicator), own_years


def gdp_profile(obs: pd.DataFrame, year: int) -> pd.Series:
    """Quarterly shares of GDP from the latest national levels public in ``year``, else equal quarters.

    Public in ``year``: last year's first release, or revised (``latest``) levels of two or more years
    before, since NBS publishes a year's final verification (最终核实) late in the following year. Revised
    levels of last year are not used: they came out after the forecast.
    """
    levels = obs[(obs.region == "china") & (obs.indicator == "gdp") & (obs.measure == "ytd_level")]
    public = levels[((levels.vintage == "first") & (levels.year == year - 1))
                    | ((levels.vintage == "latest") & (levels.year <= year - 2))]
    full = public.groupby("year").month.nunique()
    complete = [int(y) for y, n in full.items() if n == len(growth.QUARTERS)]
    if not complete:
        return growth.seasonal_profile(None, end_months=growth.QUARTERS, fallback=growth.equal_profile(growth.QUARTERS))
    last = max(complete)
    rows = public[public.year == last]
    rows = rows.sort_values("vintage").drop_duplicates(["year", "month"])  # first before latest
    return growth.seasonal_profile(rows, end_months=growth.QUARTERS, fallback=growth.equal_profile(growth.QUARTERS))


def profile_for(obs: pd.DataFrame, indicator: str, year: int) -> pd.Series:
    ind = registry.indicator(indicator)
    if indicator == "gdp":
        return gdp_profile(obs, year)
    if ind.frequency == "quarterly":
        return growth.equal_profile(growth.QUARTERS)
    return growth.equal_profile(growth.JAN_FEB)


def method_draws(method: str, hist: pd.DataFrame, year: int, month: int, cfg: Config, seed: int,
                 obs: pd.DataFrame | None = None, region: str | None = None, profile: pd.Series | None = None) -> np.ndarray:
    """Draws of one method on a history (own or borrowed-and-anchored)."""
    kwargs = dict(n_draws=cfg.n_draws, seed=seed, exclude_years=cfg.exclude_years)
    if method == "carry_forward":
        return fc.carry_forward(hist, year, month, **kwargs)
    if method == "empirical_drift":
        return fc.empirical_drift(hist, year, month, **kwargs)
    if method == "state_space":
        return fc.state_space(hist, year, month, profile=profile, **kwargs)
    if method == "bridge":
        indicators = {i: fc.history_from_observations(obs, region, i) for i in ("industrial_va", "retail_sales", "fai")}
        indicators = {i: h for i, h in indicators.items() if not h.empty}
        # each indicator forecast with the profile of its own forecast (profile_for), so that both share one
        # state-space fit per year (state_space_params is memoised on the profile)
        monthly = functools.partial(fc.state_space, profile=growth.equal_profile(growth.JAN_FEB))
        return fc.bridge_gdp(hist, indicators, year, month, indicator_forecaster=monthly, **kwargs)
    raise ValueError(f"unknown method {method!r}; one of {', '.join(METHODS)}")


class AnnualModel:
    """The annual forecaster (pipeline/annual.py) on the data as of the forecast month, built on first use.

    GDP gets the margin regression on the target panel (record, ambition gap, national signal); any other
    target, or GDP where no regression can be fitted, is anchored on last year's outcome: the region's own
    December figure (first release), else the one this year's work report states (``report_outcomes.csv``
    of the targets stage). So every target with last year's outcome has a P(met) from January.
    """

    def __init__(self, obs: pd.DataFrame, targets: pd.DataFrame, cfg: Config,
                 report_outcomes: pd.DataFrame | None = None):
        self.obs, self.targets, self.cfg, self._panel, self._params = obs, targets, cfg, None, None
        self.report_outcomes = report_outcomes
        # why ``draws`` gave nothing, by (region, indicator, year): the reader is told, not just shown a dash
        self.why_none: dict[tuple[str, str, int], str] = {}

    def _ready(self) -> None:
        from . import annual, track_record

        if self._panel is None:
            record = track_record.score(self.targets, track_record.annual_outcomes(self.obs), self.cfg.about_tolerance_pp)
            self._panel, self._params = annual.build_panel(record, self.obs), annual.load_params()
            self._level_params = annual.live_choice(ANNUAL_CHOICE)
            if self.report_outcomes is None:
                path = PROCESSED / "report_outcomes.csv"  # the targets stage's output (dvc.yaml dep)
                self.report_outcomes = (pd.read_csv(path, dtype={"region": str}) if path.exists()
                                        else pd.DataFrame(columns=["region", "year", "report_year", "indicator",
                                                                   "outcome_pct", "measure", "estimated"]))

    def last_outcome(self, region: str, indicator: str, year: int) -> tuple[float, str]:
        """Last year's outcome as known in January: own first release, else the year's report's statement."""
        from . import annual

        self._ready()
        pct, kind = annual.last_outcome(self._panel, region, indicator, year)
        if math.isfinite(pct):
            return pct, kind
        ro = self.report_outcomes
        if ro is None or ro.empty:
            return math.nan, ""
        hit = ro[(ro.region.astype(str) == region) & (ro.indicator == indicator) & (ro.year.astype(int) == year - 1)
                 & (ro.report_year.astype(int) == year) & pd.to_numeric(ro.outcome_pct, errors="coerce").notna()]
        if "measure" in hit:
            hit = hit[hit.measure.isin(["growth", "ytd_growth_pct"])]
        if hit.empty:
            return math.nan, ""
        est = str(hit.estimated.iloc[0]).lower() in {"true", "1", "yes"} if "estimated" in hit else False
        return float(hit.outcome_pct.iloc[0]), f"stated in the {year} work report" + (" (预计)" if est else "")

    def draws(self, region: str, indicator: str, year: int, month: int) -> tuple[np.ndarray, dict] | None:
        from . import annual

        self._ready()
        seed = _seed(self.cfg, region, indicator, year, month, "annual")
        if indicator == "gdp":
            # the model and interval factor the annual backtest chose for the region's level, on all its years
            params = {**self._params, **self._level_params.get(annual.level_of(region), {})}
            try:
                return annual.annual_draws(self._panel, region, indicator, year, month, self.cfg.n_draws, seed,
                                           params=params)
            except (ValueError, KeyError):
                pass
        last, kind = self.last_outcome(region, indicator, year)
        if not math.isfinite(last):
            self.why_none[region, indicator, year] = "no_last_outcome"
            return None
        try:
            return annual.anchored_draws(self._panel, region, indicator, year, month, last, self.cfg.n_draws, seed,
                                         last_kind=kind, params=self._params)
        except (ValueError, KeyError):
            self.why_none[region, indicator, year] = "no_history"
            return None

    def blend(self, annual_draws: np.ndarray, ytd_draws: np.ndarray, seed: int) -> tuple[np.ndarray, float]:
        """(blended draws, the YTD forecast's share)."""
        from . import annual

        p = self._params or annual.load_params()
        w = p.get("blend_weight_ytd", "precision")
        share = annual.precision_weight(annual_draws, ytd_draws) if w == "precision" else float(w)
        return annual.blend(annual_draws, ytd_draws, share, seed=seed, method=p.get("blend_method", "mixture")), share

    @staticmethod
    def note(year: int, a_info: dict) -> str:
        """What the annual model's default rests on, in one clause for the output's note."""
        if a_info["mode"] == "last_outcome":
            return (f"no figure of its own in {year} yet: default anchored on the {year - 1} outcome "
                    f"{a_info['last_outcome_pct']:g}% ({a_info['last_outcome_kind']}), national move "
                    f"{a_info['national_move_pp']:+.1f} pp; {a_info['basis']}")
        gap = a_info["features"].get("gap_pp")
        return (f"no figure of its own in {year} yet: default from the annual model ({a_info['mode']} anchor "
                f"{a_info['anchor_pct']:g}%" + (f", ambition gap {gap:+.1f} pp" if gap is not None else "")
                + f", {a_info['n_train_years']} training years, spread {a_info['spread_pp']:.1f} pp)")


def indicator_draws(obs: pd.DataFrame, region: str, indicator: str, year: int, month: int, cfg: Config,
                    methods: list[str], annual_model: AnnualModel | None = None,
                    memo: dict | None = None) -> tuple[dict[str, np.ndarray], dict]:
    """Draws by method for one region-indicator, and what they rest on (latest point, borrowing).

    Without a figure of its own in the year, the default comes from the annual model (the region's record
    against its targets and the national picture); with figures but too little history of its own, the
    borrowed YTD forecast is blended with the annual model where one exists. ``memo`` keeps each method's
    draws (before any widening) for callers that forecast the same case under several settings.
    """
    own = fc.history_from_observations(obs, region, indicator)
    cur = own[(own.year == year) & (own.month <= month)]
    info: dict = {"latest_month": None, "latest_ytd_pct": math.nan, "borrowed_from": "", "borrowed_share": 0.0,
                  "history_years": 0, "note": "", "no_forecast_reason": ""}
    if cur.empty:
        info["note"] = "no figure of its own published in the year yet"
        annual = annual_model.draws(region, indicator, year, month) if annual_model and "default" in methods else None
        if annual is None:
            reason = annual_model.why_none.get((region, indicator, year), "") if annual_model else ""
            info["no_forecast_reason"] = reason
            info["note"] += {"no_last_outcome": f"; annual model: no {year - 1} outcome in the data to anchor on",
                             "no_history": f"; annual model: too few past year-on-year changes of {indicator} in the"
                                           " data to learn a spread from"}.get(reason, "")
            return {}, info
        draws, a_info = annual
        source = "last_outcome" if a_info["mode"] == "last_outcome" else a_info["level"]
        info.update(borrowed_from=f"annual:{source}", borrowed_share=1.0, note=AnnualModel.note(year, a_info))
        return {"default": draws}, info
    latest = cur.sort_values("month").iloc[-1]
    info.update(latest_month=int(latest.month), latest_ytd_pct=float(latest.ytd_growth_pct))
    src, src_hist, n_years = dynamics_source(obs, region, indicator, year, int(latest.month), cfg.min_own_years)
    info["history_years"] = n_years
    if src != region:
        hist = pd.concat([src_hist[src_hist.year < year], cur], ignore_index=True)
        info.update(borrowed_from=src, borrowed_share=1.0)
    else:
        hist = own
    profile = profile_for(obs, indicator, year)
    out, notes = {}, []
    base_methods = [m for m in methods if m != "default"]
    weights, combine_method, spread_scale = cfg.choice_for(indicator)
    if "default" in methods:
        base_methods = sorted(set(base_methods) | {m for m, w in weights.items() if w > 0})
    for method in base_methods:
        if method == "bridge" and (indicator != "gdp" or src != region):
            continue
        key = (region, indicator, year, month, method)
        try:
            if memo is not None and key in memo:
                draws = memo[key]
            else:
                draws = method_draws(method, hist, year, month, cfg, _seed(cfg, region, indicator, year, month, method),
                                     obs=obs, region=region, profile=profile)
                if memo is not None:
                    memo[key] = draws
        except fc.InsufficientData as exc:
            notes.append(f"{method}: {exc}")
            continue
        if src != region and info["latest_month"] != 12:
            rng = np.random.default_rng(_seed(cfg, region, indicator, year, month, method, "widen"))
            draws = draws + cfg.borrow_widen_pp * rng.standard_normal(len(draws))
        out[method] = draws
    if "default" in methods:
        usable = {k: v for k, v in out.items() if weights.get(k, 0) > 0}
        if usable:
            out["default"] = fc.rescale(fc.combine(usable, weights, n_draws=cfg.n_draws,
                                                   seed=_seed(cfg, region, indicator, year, month, "default"),
                                                   method=combine_method), spread_scale)
            gap = (fc.shock_gap(own, year, month, exclude_years=cfg.exclude_years)
                   if cfg.shock_reversion and src == region else None)
            if gap is not None:
                out["default"] = fc.shock_reversion(out["default"], gap,
                                                    seed=_seed(cfg, region, indicator, year, month, "shock"))
                notes.append(f"shock year: default shifted back towards last December by up to {gap:+.1f} pp")
            if cfg.tail_for(indicator):
                out["default"] = fc.heavier_tails(out["default"], cfg.tail_for(indicator))
            if src == region and cfg.recalibration != (0.0, 1.0):
                out["default"] = fc.recalibrate(out["default"], *cfg.recalibration)
        elif out:
            fallback = "empirical_drift" if "empirical_drift" in out else sorted(out)[0]
            out["default"] = out[fallback]
            notes.append(f"default fell back to {fallback}")
        if "default" in out and src != region and annual_model is not None and info["latest_month"] != 12:
            annual = annual_model.draws(region, indicator, year, month)
            if annual is not None:
                out["default"], share = annual_model.blend(annual[0], out["default"],
                                                           _seed(cfg, region, indicator, year, month, "blend"))
                source = "last_outcome" if annual[1]["mode"] == "last_outcome" else annual[1]["level"]
                info["borrowed_from"] = f"{src}+annual:{source}"
                notes.append(f"default blends {share:.0%} the YTD forecast on dynamics borrowed from {src} with "
                             f"{1 - share:.0%} the annual model ({annual[1]['mode']})")
    info["note"] = "; ".join(notes)
    return out, info


def status_of(p: float, cfg: Config) -> str:
    if p is None or math.isnan(p):
        return "no_data"
    return "on_track" if p >= cfg.on_track_p else "at_risk" if p >= cfg.at_risk_p else "off_track"


def forecast_region(obs: pd.DataFrame, targets: pd.DataFrame, region: str, year: int, month: int,
                    cfg: Config, methods: list[str], annual_model: AnnualModel | None = None) -> pd.DataFrame:
    """One row per indicator (and method) for a region-year as of a month; ``obs`` must already be cut.

    ``annual_model`` (built on the same obs, targets and cfg) may be shared across regions: the scoreboard
    builds its panel once instead of once per region.
    """
    registry.region(region)
    in_year = obs[(obs.region == region) & (obs.year == year) & (obs.measure == "ytd_growth_pct")]
    tgt = targets[(targets.region == region) & (targets.year == year)]
    indicators = sorted((set(in_year.indicator) | set(tgt.indicator)) & set(GROWTH_INDICATORS),
                        key=lambda i: (i != "gdp", i))
    draws_by_ind, rows = {}, []
    annual_model = annual_model or AnnualModel(obs, targets, cfg)
    for ind in indicators:
        draws, info = indicator_draws(obs, region, ind, year, month, cfg, methods, annual_model)
        draws_by_ind[ind] = (draws, info)
    for ind in indicators:
        draws, info = draws_by_ind[ind]
        target = data.target_for(targets, region, ind, year)
        profile = profile_for(obs, ind, year)
        share = growth.share_through(profile, info["latest_month"]) if info["latest_month"] else math.nan
        for method in methods:
            if method == "bridge" and ind != "gdp":
                continue
            d = draws.get(method)
            row = dict(region=region, indicator=ind, year=year, as_of=f"{year:04d}-{month:02d}", method=method,
                       latest_period=(f"{year:04d}-{info['latest_month']:02d}" if info["latest_month"] else ""),
                       latest_ytd_pct=info["latest_ytd_pct"], borrowed_from=info["borrowed_from"],
                       borrowed_share=info["borrowed_share"] if d is not None else math.nan,
                       history_years=info["history_years"], share_through_pct=round(100 * share, 4),
                       profile_source=profile.attrs.get("source", ""), note=info["note"],
                       no_forecast_reason=info.get("no_forecast_reason", "") if d is None else "")
            row.update({f"{k}_pct": v for k, v in fc.summarize(d).items()} if d is not None else {})
            p = fc.PMet(math.nan, math.nan)
            required = math.nan
            if target is not None:
                row.update(target_pct=target["target_pct"], target_high_pct=target["target_high_pct"],
                           qualifier=target["qualifier"], wording=target["wording"],
                           relative_to=target["relative_to"] or "")
                relative = None
                if target["qualifier"] in qualifiers.RELATIVE:
                    rel = draws_by_ind.get(target["relative_to"], ({}, {}))[0].get(method)
                    relative = rel
                if d is not None:
                    p = fc.p_met(d, target["target_pct"], target["qualifier"], relative_draws=relative,
                                 tolerance=cfg.about_tolerance_pp)
                thr = target["target_pct"]
                if target["qualifier"] in qualifiers.RELATIVE and relative is not None:
                    thr = float(np.median(relative))
                elif target["qualifier"] == "positive":
                    thr = 0.0
                if thr is not None and info["latest_month"] and not math.isnan(share) and share < 1:
                    required = float(growth.required_growth_pct(info["latest_ytd_pct"], thr, share))
            row.update(p_met=p.strict, p_met_tolerant=p.tolerant, required_rest_pct=required,
                       status=status_of(p.strict, cfg) if target is not None else "")
            rows.append(row)
    out = pd.DataFrame(rows).reindex(columns=COLUMNS)
    return out


def round_frame(df: pd.DataFrame) -> pd.DataFrame:
    num = df.select_dtypes("number").columns
    return df.assign(**{c: df[c].round(4) for c in num})


def missing_data_message(obs: pd.DataFrame, region: str, year: int, month: int) -> str:
    """Why a region has nothing to forecast as of a month: which series and months are missing (``obs`` is cut)."""
    name = registry.region(region).name_zh or region
    own = obs[(obs.region == region) & (obs.measure == "ytd_growth_pct")]
    last = own.sort_values(["year", "month"]).groupby("indicator").period.last()
    latest = ", ".join(f"{i} {p}" for i, p in last.items()) or "none at all"
    return (f"no data for {region} ({name}) as of {year:04d}-{month:02d}: no year-to-date growth figure for "
            f"{year:04d}-01..{year:04d}-{month:02d} of any of {', '.join(GROWTH_INDICATORS)} and no target for {year} "
            f"(latest figures up to the as-of month: {latest}); add them with --indicators/--targets, or run "
            "`make repro` after adding them to data/raw/")


def run_forecast(as_of: str, regions: list[str], methods: list[str], indicator_paths: list[Path] | None = None,
                 targets_path: Path | None = None, cfg: Config | None = None, prefer_file: bool = False) -> pd.DataFrame:
    """Forecasts for the regions; InputError naming each region (and the missing series) that has nothing to forecast."""
    from .errors import InputError

    cfg = cfg or Config.load()
    year, month = data.parse_as_of(as_of)
    obs = data.load_observations(indicator_paths, as_of=(year, month), prefer_file=prefer_file)
    targets = data.load_targets(targets_path)
    frames = [forecast_region(obs, targets, r, year, month, cfg, methods) for r in regions]
    empty = [missing_data_message(obs, r, year, month) for r, f in zip(regions, frames) if f.empty]
    if empty:
        raise InputError(empty)
    return round_frame(pd.concat(frames, ignore_index=True)) if frames else pd.DataFrame(columns=COLUMNS)


def write_csv(df: pd.DataFrame, path: Path | None) -> None:
    """The forecast table as CSV on stdout or in ``path`` (its folder created)."""
    if path is None:
        df.to_csv(sys.stdout, index=False, lineterminator="\n", float_format="%.4f")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(path, index=False, lineterminator="\n", float_format="%.4f")


def briefing_entries(raw, path: Path = PARAMS) -> dict[str, dict]:
    """params.yaml ``briefings``: KEY -> {region, as_of, previous_as_of?, lang?}; KEY must be REGION-AS_OF as written.

    (DVC names the stages of a ``foreach`` by the mapping's keys, so one entry's change reruns that entry only.)
    """
    from .errors import InputError

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
        if str(key) != f"{entry['region']}-{entry['as_of']}":
            raise InputError(f"{path}: briefings.{key}: the key must be {entry['region']}-{entry['as_of']}")
        out[str(key)] = dict(entry)
    return out


def stage(key: str) -> int:
    """DVC stage ``forecast@KEY``: one ``briefings`` entry -> data/processed/forecast/REGION/AS_OF.csv (all methods),
    and AS_OF.path.csv / AS_OF.steps.csv (the default as of every month so far, and each month's change split)."""
    try:
        cfg = Config.load()
        spec = cfg.briefings.get(key)
        if spec is None:
            raise ValueError(f"no entry {key!r} under briefings in params.yaml")
        slug = registry.resolve_region(str(spec["region"]))
        data.parse_as_of(str(spec["as_of"]))
    except ValueError as exc:
        print(f"forecast: {exc}", file=sys.stderr)
        return 2
    from .briefing import model as briefing_model

    out = FORECAST_DIR / str(spec["region"]) / f"{spec['as_of']}.csv"
    df = run_forecast(str(spec["as_of"]), [slug], list(METHODS), cfg=cfg)
    write_csv(df, out)
    # The real-time path the briefing draws: the default forecast as of every month of the year so far.
    year, month = data.parse_as_of(str(spec["as_of"]))
    path, steps = briefing_model.real_time_path(
        data.load_observations(), data.load_targets(), slug, year, month, cfg,
        briefing_model.split_months(year, month, spec.get("previous_as_of")))
    briefing_model.write_path(path, steps, out)
    print(f"forecast: {key}: {df.indicator.nunique()} indicators, path of {month} months")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--as-of", help="YYYY-MM: only data published for periods up to this month are used")
    parser.add_argument("--indicators", nargs="+", type=Path,
                        help="raw-schema files whose observations are added to the embedded ones, key by key "
                             "(region, indicator, period, measure, vintage); a different value for a key is an error")
    parser.add_argument("--prefer-file", action="store_true",
                        help="where --indicators gives a key a different value than the embedded data, use the file's")
    parser.add_argument("--targets", type=Path,
                        help="targets added to the embedded ones, overriding by (region, year, indicator): the raw "
                             "target schema (qualifier as code or wording) or the `targets` command's output")
    parser.add_argument("--region", nargs="+",
                        help="regions as slugs or names (hunan, 湖南, 湖南省; default: every region with a briefings entry in params.yaml)")
    parser.add_argument("--method", default="default", help=f"one of {', '.join(METHODS)}, or all")
    parser.add_argument("--out", type=Path, help="write CSV here instead of stdout")
    parser.add_argument("--stage", metavar="KEY", help="run the DVC stage for one briefings entry of params.yaml")


def run(args) -> int:
    """The CLI: argument mistakes exit 2 with one line, data mistakes (bad files, no data) exit 1."""
    from .errors import InputError

    if args.stage:
        return stage(args.stage)
    if not args.as_of:
        raise InputError("--as-of YYYY-MM is required", code=2)
    methods = list(METHODS) if args.method == "all" else [args.method]
    if any(m not in METHODS for m in methods):
        raise InputError(f"--method: unknown method {args.method!r}; one of {', '.join(METHODS)}, all", code=2)
    cfg = Config.load()
    try:
        data.parse_as_of(args.as_of)
    except ValueError as exc:
        raise InputError(f"--as-of: {exc}", code=2) from None
    try:
        regions = [registry.resolve_region(r) for r in args.region] if args.region else sorted(cfg.regions) or ["china"]
    except registry.UnknownName as exc:
        raise InputError(f"--region: {exc}", code=2) from None
    regions = list(dict.fromkeys(regions))
    df = run_forecast(args.as_of, regions, methods, args.indicators, args.targets, cfg, prefer_file=args.prefer_file)
    write_csv(df, args.out)
    return 0
