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

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import data, forecasters as fc, growth, qualifiers, registry
from .paths import PARAMS, PROCESSED

FORECAST_DIR = PROCESSED / "forecast"
METHODS = ("carry_forward", "empirical_drift", "state_space", "bridge", "default")
GROWTH_INDICATORS = ("gdp", "industrial_va", "fai", "retail_sales", "fiscal_revenue", "income", "trade")
COLUMNS = ["region", "indicator", "year", "as_of", "method", "latest_period", "latest_ytd_pct", "mean_pct",
           "q05_pct", "q10_pct", "q25_pct", "q50_pct", "q75_pct", "q90_pct", "q95_pct", "target_pct",
           "target_high_pct", "qualifier", "wording", "relative_to", "p_met", "p_met_tolerant",
           "required_rest_pct", "share_through_pct", "profile_source", "borrowed_from", "borrowed_share",
           "history_years", "status", "note"]


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
    about_tolerance_pp: float = 0.5
    on_track_p: float = 0.7
    at_risk_p: float = 0.3
    briefings: dict[str, dict] = field(default_factory=dict)  # params.yaml ``briefings``: KEY -> entry

    @property
    def regions(self) -> list[str]:
        """Region slugs of the briefing entries (the forecast command's default)."""
        return sorted({registry.resolve_region(str(e["region"])) for e in self.briefings.values()})

    @classmethod
    def load(cls, path: Path = PARAMS) -> "Config":
        params = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}) or {}
        f = params.get("forecast", {}) or {}
        cfg = cls()
        for key in ("n_draws", "seed", "min_own_years", "borrow_widen_pp", "combine_method", "on_track_p",
                    "at_risk_p"):
            if key in f:
                setattr(cfg, key, type(getattr(cfg, key))(f[key]))
        if "exclude_years" in f:
            cfg.exclude_years = tuple(int(y) for y in f["exclude_years"] or ())
        if "default_weights" in f:
            cfg.default_weights = {k: float(v) for k, v in f["default_weights"].items()}
        cfg.briefings = briefing_entries(params.get("briefings"), path)
        cfg.about_tolerance_pp = float((params.get("targets", {}) or {}).get("about_tolerance_pp", 0.5))
        return cfg


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
    """Quarterly shares of GDP from last year's national levels when published, else equal quarters."""
    levels = obs[(obs.region == "china") & (obs.indicator == "gdp") & (obs.measure == "ytd_level")
                 & (obs.year < year)]
    last = levels.year.max() if not levels.empty else None
    return growth.seasonal_profile(levels if last is None else levels[levels.year == last],
                                   end_months=growth.QUARTERS, fallback=growth.equal_profile(growth.QUARTERS))


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
        return fc.bridge_gdp(hist, indicators, year, month, **kwargs)
    raise ValueError(f"unknown method {method!r}; one of {', '.join(METHODS)}")


class AnnualModel:
    """The annual forecaster (pipeline/annual.py) on the data as of the forecast month, built on first use."""

    def __init__(self, obs: pd.DataFrame, targets: pd.DataFrame, cfg: Config):
        self.obs, self.targets, self.cfg, self._panel, self._params = obs, targets, cfg, None, None

    def draws(self, region: str, indicator: str, year: int, month: int) -> tuple[np.ndarray, dict] | None:
        from . import annual, track_record

        if self._panel is None:
            record = track_record.score(self.targets, track_record.annual_outcomes(self.obs), self.cfg.about_tolerance_pp)
            self._panel, self._params = annual.build_panel(record, self.obs), annual.load_params()
        try:
            return annual.annual_draws(self._panel, region, indicator, year, month, self.cfg.n_draws,
                                       _seed(self.cfg, region, indicator, year, month, "annual"), params=self._params)
        except (ValueError, KeyError):
            return None

    def blend(self, annual_draws: np.ndarray, ytd_draws: np.ndarray, seed: int) -> np.ndarray:
        from . import annual

        p = self._params or annual.load_params()
        return annual.blend(annual_draws, ytd_draws, p.get("blend_weight_ytd", "precision"), seed=seed,
                            method=p.get("blend_method", "mixture"))


def indicator_draws(obs: pd.DataFrame, region: str, indicator: str, year: int, month: int, cfg: Config,
                    methods: list[str], annual_model: AnnualModel | None = None) -> tuple[dict[str, np.ndarray], dict]:
    """Draws by method for one region-indicator, and what they rest on (latest point, borrowing).

    Without a figure of its own in the year, the default comes from the annual model (the region's record
    against its targets and the national picture); with figures but too little history of its own, the
    borrowed YTD forecast is blended with the annual model where one exists.
    """
    own = fc.history_from_observations(obs, region, indicator)
    cur = own[(own.year == year) & (own.month <= month)]
    info: dict = {"latest_month": None, "latest_ytd_pct": math.nan, "borrowed_from": "", "borrowed_share": 0.0,
                  "history_years": 0, "note": ""}
    if cur.empty:
        info["note"] = "no figure of its own published in the year yet"
        annual = annual_model.draws(region, indicator, year, month) if annual_model and "default" in methods else None
        if annual is None:
            return {}, info
        draws, a_info = annual
        info.update(borrowed_from=f"annual:{a_info['level']}", borrowed_share=1.0,
                    note=f"no figure of its own in {year} yet: default from the annual model ({a_info['mode']} "
                         f"anchor {a_info['anchor_pct']:g}%, {a_info['n_train_years']} training years)")
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
    if "default" in methods:
        base_methods = sorted(set(base_methods) | {m for m, w in cfg.default_weights.items() if w > 0})
    for method in base_methods:
        if method == "bridge" and (indicator != "gdp" or src != region):
            continue
        try:
            draws = method_draws(method, hist, year, month, cfg, _seed(cfg, region, indicator, year, month, method),
                                 obs=obs, region=region, profile=profile)
        except fc.InsufficientData as exc:
            notes.append(f"{method}: {exc}")
            continue
        if src != region and info["latest_month"] != 12:
            rng = np.random.default_rng(_seed(cfg, region, indicator, year, month, method, "widen"))
            draws = draws + cfg.borrow_widen_pp * rng.standard_normal(len(draws))
        out[method] = draws
    if "default" in methods:
        usable = {k: v for k, v in out.items() if cfg.default_weights.get(k, 0) > 0}
        if usable:
            out["default"] = fc.combine(usable, cfg.default_weights, n_draws=cfg.n_draws,
                                        seed=_seed(cfg, region, indicator, year, month, "default"),
                                        method=cfg.combine_method)
        elif out:
            fallback = "empirical_drift" if "empirical_drift" in out else sorted(out)[0]
            out["default"] = out[fallback]
            notes.append(f"default fell back to {fallback}")
        if "default" in out and src != region and annual_model is not None and info["latest_month"] != 12:
            annual = annual_model.draws(region, indicator, year, month)
            if annual is not None:
                out["default"] = annual_model.blend(annual[0], out["default"],
                                                    _seed(cfg, region, indicator, year, month, "blend"))
                info["borrowed_from"] = f"{src}+annual:{annual[1]['level']}"
                notes.append("default blends the borrowed YTD forecast with the annual model")
    info["note"] = "; ".join(notes)
    return out, info


def status_of(p: float, cfg: Config) -> str:
    if p is None or math.isnan(p):
        return "no_data"
    return "on_track" if p >= cfg.on_track_p else "at_risk" if p >= cfg.at_risk_p else "off_track"


def forecast_region(obs: pd.DataFrame, targets: pd.DataFrame, region: str, year: int, month: int,
                    cfg: Config, methods: list[str]) -> pd.DataFrame:
    """One row per indicator (and method) for a region-year as of a month; ``obs`` must already be cut."""
    registry.region(region)
    in_year = obs[(obs.region == region) & (obs.year == year) & (obs.measure == "ytd_growth_pct")]
    tgt = targets[(targets.region == region) & (targets.year == year)]
    indicators = sorted((set(in_year.indicator) | set(tgt.indicator)) & set(GROWTH_INDICATORS),
                        key=lambda i: (i != "gdp", i))
    draws_by_ind, rows = {}, []
    annual_model = AnnualModel(obs, targets, cfg)
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
                       profile_source=profile.attrs.get("source", ""), note=info["note"])
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


def run_forecast(as_of: str, regions: list[str], methods: list[str], indicator_paths: list[Path] | None = None,
                 targets_path: Path | None = None, cfg: Config | None = None) -> pd.DataFrame:
    cfg = cfg or Config.load()
    year, month = data.parse_as_of(as_of)
    obs = data.load_observations(indicator_paths, as_of=(year, month))
    targets = data.load_targets(targets_path)
    frames = [forecast_region(obs, targets, r, year, month, cfg, methods) for r in regions]
    return round_frame(pd.concat(frames, ignore_index=True)) if frames else pd.DataFrame(columns=COLUMNS)


def write_csv(df: pd.DataFrame, path: Path | None) -> None:
    if path is None:
        df.to_csv(sys.stdout, index=False, lineterminator="\n", float_format="%.4f")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(path, index=False, lineterminator="\n", float_format="%.4f")


def briefing_entries(raw, path: Path = PARAMS) -> dict[str, dict]:
    """params.yaml ``briefings``: KEY -> {region, as_of, previous_as_of?, lang?}; KEY must be REGION-AS_OF as written.

    (DVC names the stages of a ``foreach`` by the mapping's keys, so one entry's change reruns that entry only.)
    """
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: briefings must be a mapping of REGION-AS_OF: {{region, as_of, ...}}")
    out = {}
    for key, entry in raw.items():
        if not isinstance(entry, dict) or not {"region", "as_of"} <= set(entry):
            raise ValueError(f"{path}: briefings.{key} needs region and as_of")
        unknown = set(entry) - {"region", "as_of", "previous_as_of", "lang"}
        if unknown:
            raise ValueError(f"{path}: briefings.{key}: unknown field {sorted(unknown)[0]!r}")
        if str(key) != f"{entry['region']}-{entry['as_of']}":
            raise ValueError(f"{path}: briefings.{key}: the key must be {entry['region']}-{entry['as_of']}")
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
                        help="raw-schema files whose series replace the embedded ones (series by series)")
    parser.add_argument("--targets", type=Path, help="targets file (raw schema; qualifier may be the wording)")
    parser.add_argument("--region", nargs="+", help="region slugs (default: every region with a briefings entry in params.yaml)")
    parser.add_argument("--method", default="default", help=f"one of {', '.join(METHODS)}, or all")
    parser.add_argument("--out", type=Path, help="write CSV here instead of stdout")
    parser.add_argument("--stage", metavar="KEY", help="run the DVC stage for one briefings entry of params.yaml")


def run(args) -> int:
    from .validate import RawDataError

    if args.stage:
        return stage(args.stage)
    if not args.as_of:
        print("forecast: --as-of YYYY-MM is required", file=sys.stderr)
        return 2
    methods = list(METHODS) if args.method == "all" else [args.method]
    if any(m not in METHODS for m in methods):
        print(f"forecast: unknown method {args.method!r}; one of {', '.join(METHODS)}, all", file=sys.stderr)
        return 2
    cfg = Config.load()
    try:
        data.parse_as_of(args.as_of)
        regions = args.region or sorted(cfg.regions) or ["china"]
        for r in regions:
            registry.region(r)
        df = run_forecast(args.as_of, regions, methods, args.indicators, args.targets, cfg)
    except RawDataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except (KeyError, ValueError) as exc:
        print(f"forecast: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    write_csv(df, args.out)
    return 0
