"""The engine: one predictive distribution per indicator and method, and the table a forecast run returns
(December outcome, P(met) under the target's wording, growth the rest of the year needs, status)."""
from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd

from pipeline.sources import data, qualifiers, registry
from pipeline.model import forecasters as fc, growth
from pipeline.model import distributions as dist
from pipeline.model import gravity as gv
from pipeline.model import location as loc
from pipeline.common.paths import PROCESSED
from pipeline.model.forecast.config import COLUMNS, ANNUAL_CHOICE, Config, GROWTH_INDICATORS, METHODS, _seed
from pipeline.model.forecast.inputs import dynamics_source, profile_for


def method_draws(method: str, hist: pd.DataFrame, year: int, month: int, cfg: Config, seed: int,
                 obs: pd.DataFrame | None = None, region: str | None = None, profile: pd.Series | None = None) -> np.ndarray:
    """Draws of one method on a history (own or borrowed-and-anchored)."""
    kwargs = dict(n_draws=cfg.n_draws, seed=seed, exclude_years=cfg.exclude_years)
    if method == "carry_forward":
        return fc.carry_forward(hist, year, month, **kwargs)
    if method == "empirical_drift":
        return fc.empirical_drift(hist, year, month, **kwargs)
    if method == "recent_drift":
        return fc.recent_drift(hist, year, month, n_draws=cfg.n_draws, seed=seed,
                               exclude_years=tuple(sorted({*cfg.exclude_years, *cfg.shock_years})),
                               half_life_years=cfg.recent_half_life_years, first_year=cfg.recent_first_year)
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
    """The annual forecaster (pipeline/model/annual/) on the data as of the forecast month, built on first use.

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
        from pipeline.model import annual, track_record

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
        from pipeline.model import annual

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
        from pipeline.model import annual

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
        from pipeline.model import annual

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
        # empirical drift too: the fallback when the chosen methods lack history (recent drift needs 3 years from 2005)
        base_methods = sorted(set(base_methods) | {m for m, w in weights.items() if w > 0} | {"empirical_drift"})
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
            out["default"] = dist.rescale(dist.combine(usable, weights, n_draws=cfg.n_draws,
                                                   seed=_seed(cfg, region, indicator, year, month, "default"),
                                                   method=combine_method), spread_scale)
            gap = (fc.shock_gap(own, year, month, exclude_years=cfg.exclude_years)
                   if cfg.shock_reversion and src == region else None)
            if gap is not None:
                out["default"] = dist.shock_reversion(out["default"], gap,
                                                    seed=_seed(cfg, region, indicator, year, month, "shock"))
                notes.append(f"shock year: default shifted back towards last December by up to {gap:+.1f} pp")
            if cfg.tail_for(indicator):
                out["default"] = dist.heavier_tails(out["default"], cfg.tail_for(indicator))
            if src == region and cfg.recalibration != (0.0, 1.0):
                out["default"] = dist.recalibrate(out["default"], *cfg.recalibration)
            if src == region and indicator in cfg.pit_recalibration:
                out["default"] = dist.pit_recalibrate(out["default"], *cfg.pit_recalibration[indicator])
            if src == region and gap is None and indicator in cfg.location:
                out["default"], note = relocate(out["default"], cfg.location[indicator], out, cur, hist, year, month,
                                                cfg, region, indicator, profile)
                notes += [note] if note else []
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


def relocate(default: np.ndarray, spec: dict, draws: dict, cur: pd.DataFrame, hist: pd.DataFrame, year: int,
             month: int, cfg: Config, region: str, indicator: str, profile: pd.Series) -> tuple[np.ndarray, str]:
    """The default moved (every draw by one constant) to the location the backtest chose for the indicator
    (``default_choice.json`` ``location``), plus its bias term at the latest published month; why: see
    ``pipeline/model/location.py``. Carry-forward's draws are made here when no caller asked for them."""
    kind = str(spec.get("kind", "default"))
    if kind == "default" and not spec.get("bias"):
        return default, ""
    medians = {"default": float(np.median(default))}
    needs = {"carry_forward": kind in ("carry_forward", "halfway"), "empirical_drift": kind == "empirical_drift"}
    for method, needed in needs.items():
        d = draws.get(method)
        if d is None and needed:
            try:
                d = method_draws(method, hist, year, month, cfg, _seed(cfg, region, indicator, year, month, method))
            except fc.InsufficientData:
                d = None
        if d is not None:
            medians[method] = float(np.median(d))
    ordered = cur.sort_values("month")
    medians["momentum"] = loc.momentum_median(ordered.month.tolist(), ordered.ytd_growth_pct.tolist(), profile,
                                              int(spec.get("momentum_periods", 3)))
    target = loc.location_value(kind, medians)
    if spec.get("bias"):
        target += float((spec.get("bias_pp") or {}).get(str(int(ordered.month.iloc[-1])), 0.0))
    if not math.isfinite(target):
        return default, ""
    moved = loc.shift_to(default, target)
    return moved, f"default moved to the {kind} location{' with its bias term' if spec.get('bias') else ''} " \
                  f"({float(np.median(moved)) - medians['default']:+.2f} pp)"


def with_gravity(p: dist.PMet, draws: np.ndarray, target: dict, cfg: Config) -> dist.PMet:
    """P(met) of a GDP target judged from below, with target gravity (issue 22): a share pi of the outcomes that
    would land within w pp below the target are reported at or above it, so each reading gains pi times the
    probability between target - w and its own threshold. The annual model learns from reported margins, which
    already carry gravity, so its forecasts are left alone (the nested study found it counted twice there)."""
    from pipeline.model.annual.panel import FROM_BELOW

    g = cfg.gravity
    if not g or target["qualifier"] not in FROM_BELOW or target["target_pct"] is None:
        return p
    model = gv.Gravity(float(g["pi"]), float(g["w_pp"]), float(g["bunch_width_pp"]))
    t = float(target["target_pct"])
    strict = qualifiers.threshold(t, target["qualifier"])[1]
    x = np.asarray(draws, dtype=float)
    lo = t - model.w_pp
    strict_share = gv.p_window(x, t, bool(strict), model)
    tolerant_threshold = t - cfg.about_tolerance_pp if target["qualifier"] in qualifiers.READ_TOLERANTLY else t
    tolerant_share = float(np.mean((x >= lo) & (x < tolerant_threshold))) if tolerant_threshold > lo else 0.0
    return dist.PMet(gv.p_met_with_gravity(strict_share, p.strict, model),
                     gv.p_met_with_gravity(tolerant_share, p.tolerant, model))


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
            row.update({f"{k}_pct": v for k, v in dist.summarize(d).items()} if d is not None else {})
            p = dist.PMet(math.nan, math.nan)
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
                    p = dist.p_met(d, target["target_pct"], target["qualifier"], relative_draws=relative,
                                 tolerance=cfg.about_tolerance_pp)
                    if method == "default" and ind == "gdp" and not info["borrowed_from"].startswith("annual"):
                        p = with_gravity(p, d, target, cfg)
                thr = target["target_pct"]
                if target["qualifier"] in qualifiers.RELATIVE and relative is not None:
                    thr = float(np.median(relative))
                elif target["qualifier"] == "positive":
                    thr = 0.0
                if thr is not None and info["latest_month"] and not math.isnan(share) and share < 1:
                    required = float(growth.required_growth_pct(info["latest_ytd_pct"], thr, share))
            # p_met is the verdict's reading (tolerant for 左右, qualifiers.READ_TOLERANTLY); both readings are kept
            p_verdict = qualifiers.verdict_probability(row.get("qualifier", ""), p.strict, p.tolerant)
            row.update(p_met=p_verdict, p_met_strict=p.strict, p_met_tolerant=p.tolerant, required_rest_pct=required,
                       status=status_of(p_verdict, cfg) if target is not None else "")
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
