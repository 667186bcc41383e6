"""What a briefing says, as data: the forecast now, its path month by month, what moved it, how far to trust it.

Everything here is computed from the processed tables with the forecast engine; nothing is worded
(that is ``text``) or drawn (``charts``). The path is real time: for every month of the year so far
the observations are cut at that month (``data.cut_as_of``) and ``forecast.forecast_region`` is run
again, so each point is what the briefing would have said then.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.sources import data, registry
from pipeline.model.forecast import Config, forecast_region, profile_for
from pipeline.model.forecasters import history_from_observations
from pipeline.common.paths import PROCESSED
from pipeline.model.forecast.realtime import comparison_start, read_path, real_time_path, split_months

BACKTEST = PROCESSED / "backtest.csv"
ANNUAL_METRICS = PROCESSED / "backtest_annual_metrics.json"
BACKTEST_COLUMNS = ["indicator", "year", "month", "method", "q10_pct", "q90_pct", "actual_pct"]
TRUST_YEARS = 10  # how many past years of the national backtest the "how far to trust it" line counts
class BriefingInputError(ValueError):
    """A region, month or language the briefing cannot be made for (one line for the user)."""


@dataclass
class Briefing:
    region: str
    year: int
    month: int
    as_of: str
    previous_as_of: str | None
    lang: str
    cfg: Config
    forecast: pd.DataFrame      # default-method rows at as_of, one per indicator
    path: pd.DataFrame          # indicator x month (1..month): P(met), quantiles, as the data stood then
    steps: pd.DataFrame         # indicator x month x part (own, other): change in P(met) in probability points
    arrivals: pd.DataFrame      # the region's figures for periods after previous_as_of (or last month), in order
    observations: pd.DataFrame  # cut at as_of
    targets: pd.DataFrame
    record: pd.DataFrame
    trust: dict = field(default_factory=dict)        # indicator -> backtest coverage at this month of year
    annual_trust: dict = field(default_factory=dict)  # indicator -> the annual model's January record (its mode)
    reliability: dict = field(default_factory=dict)   # indicator -> how often probabilities like this one came true
    target_record: dict = field(default_factory=dict)  # indicator -> the model's record on the national target itself
    set_aside: pd.DataFrame | None = None            # figures of unclear scope, not used
    calls: pd.DataFrame | None = None                # the tool's earlier calls on these targets (evaluation.calls.calls_cut)


def validate_request(region: str, as_of: str, previous_as_of: str | None, lang: str) -> tuple[str, int, int]:
    """Resolve the region (slug or name as people type it) and check the months and language; one-line errors."""
    from pipeline.presentation import i18n

    try:
        slug = registry.resolve_region(region)
    except ValueError as exc:
        raise BriefingInputError(f"--region: {exc}") from None
    try:
        year, month = data.parse_as_of(str(as_of))
    except ValueError as exc:
        raise BriefingInputError(f"--as-of: {exc}") from None
    if previous_as_of:
        try:
            prev = data.parse_as_of(str(previous_as_of))
        except ValueError as exc:
            raise BriefingInputError(f"--previous-as-of: {exc}") from None
        if prev >= (year, month):
            raise BriefingInputError(f"--previous-as-of: {previous_as_of} is not before the as-of month {as_of}")
    if lang not in i18n.LANGS:
        raise BriefingInputError(f"--lang: {lang!r} is not one of {', '.join(i18n.LANGS)}")
    return slug, year, month


def _stage_forecast(path: Path | None, as_of: str) -> pd.DataFrame | None:
    """The forecast stage's output for this entry, when given and it has run."""
    if path is None or not Path(path).exists():
        return None
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    df = df[(df.method == "default") & (df.as_of == as_of)]
    return df.reset_index(drop=True) if not df.empty else None


def arrivals(obs_all: pd.DataFrame, region: str, year: int, after: tuple[int, int], upto: tuple[int, int]) -> pd.DataFrame:
    """The region's YTD figures for periods in (after, upto], in order of arrival, each marked first release or revision."""
    o = obs_all[(obs_all.region == region) & (obs_all.measure == "ytd_growth_pct")]
    idx = o.year * 12 + o.month
    o = o[(idx > after[0] * 12 + after[1]) & (idx <= upto[0] * 12 + upto[1])]
    firsts = set(zip(obs_all.loc[obs_all.vintage == "first", "region"], obs_all.loc[obs_all.vintage == "first", "indicator"],
                     obs_all.loc[obs_all.vintage == "first", "period"]))
    o = o.assign(revision=[(r.vintage != "first" and (r.region, r.indicator, r.period) in firsts)
                           for r in o.itertuples()],
                 _rank=o.vintage.map({"first": 0}).fillna(1))
    o = o.sort_values(["year", "month", "_rank", "indicator"], kind="stable")
    return o.drop(columns="_rank").reset_index(drop=True)


def backtest_trust(indicator: str, month: int, year: int, path: Path = BACKTEST, years: int = TRUST_YEARS) -> dict | None:
    """How often the national backtest's 80% band covered the outcome at this month of year, in the last years before.

    Reads only indicator, year, month, method, q10_pct, q90_pct, actual_pct (other columns may change).
    """
    if not path.exists():
        return None
    try:
        bt = pd.read_csv(path, usecols=lambda c: c in BACKTEST_COLUMNS)
    except (ValueError, pd.errors.ParserError):
        return None
    if set(BACKTEST_COLUMNS) - set(bt.columns):
        return None
    bt = bt[(bt.indicator == indicator) & (bt.method == "default") & (bt.month == month) & (bt.year < year)]
    bt = bt.dropna(subset=["q10_pct", "q90_pct", "actual_pct"]).sort_values("year").drop_duplicates("year", keep="last")
    bt = bt.tail(years)
    if bt.empty:
        return None
    covered = int(((bt.q10_pct <= bt.actual_pct) & (bt.actual_pct <= bt.q90_pct)).sum())
    return {"covered": covered, "n": len(bt), "first_year": int(bt.year.min()), "last_year": int(bt.year.max()),
            "month": month}


RELIABILITY_MIN_CASES = 30  # a decile with fewer earlier cases says too little to be quoted


_PROBABILITIES: dict = {}  # (file, its size and time, year, shock years) -> the table: read once per briefing


def _earlier_ordinary_probabilities(path: Path, year: int, shock_years=None) -> pd.DataFrame | None:
    """The national backtest's default P(met) and outcome per case and threshold, ordinary years before ``year``
    (the record a briefing of ``year`` may quote); None without a readable backtest table. Callers only filter it."""
    from pipeline.evaluation.backtest import load_shock_years

    if not path.exists():
        return None
    shocks = tuple(load_shock_years() if shock_years is None else shock_years)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, int(year), shocks)
    if key not in _PROBABILITIES:
        _PROBABILITIES.clear()
        _PROBABILITIES[key] = _read_earlier_ordinary_probabilities(path, year, shocks)
    return _PROBABILITIES[key]


def _read_earlier_ordinary_probabilities(path: Path, year: int, shocks: tuple) -> pd.DataFrame | None:
    from pipeline.evaluation.metrics import long_probabilities
    from pipeline.evaluation.scoring import ORDINARY, regime

    try:
        bt = pd.read_csv(path)
    except (ValueError, pd.errors.ParserError):
        return None
    if not {"method", "year", "indicator", "month"} <= set(bt.columns):
        return None
    bt = bt[(bt.method == "default") & (bt.year < year)]
    long = long_probabilities(bt[regime(bt.year, list(shocks)) == ORDINARY])
    return long[(long.method == "default") & long.p_met.notna() & long.met.notna()]


def reliability_at(p_met: float, year: int, path: Path = BACKTEST, shock_years=None,
                   min_cases: int = RELIABILITY_MIN_CASES) -> dict | None:
    """How often the national backtest's default P(met) in the same tenth as ``p_met`` came true, in the ordinary
    years before ``year`` (every threshold and indicator pooled). None when fewer than ``min_cases`` such cases.

    The reader's check on a probability: in ordinary years the middle probabilities have come true less often
    than stated (benchmarks/README.md), and the briefing says so next to each one.
    """
    if p_met is None or not math.isfinite(float(p_met)):
        return None
    long = _earlier_ordinary_probabilities(path, year, shock_years)
    if long is None:
        return None
    tenth = min(int(float(p_met) * 10), 9)
    same = long[(long.p_met * 10).astype(int).clip(upper=9) == tenth]
    if len(same) < min_cases:
        return None
    return {"p_mean": float(same.p_met.mean()), "observed": float(same.met.mean()), "n": int(len(same)),
            "first_year": int(same.year.min()), "last_year": int(same.year.max())}


TARGET_RECORD_MIN_YEARS = 5  # fewer earlier years with the same target at this month say too little to be quoted


def target_record_at(indicator: str, month: int, year: int, path: Path = BACKTEST, shock_years=None,
                     min_years: int = TARGET_RECORD_MIN_YEARS) -> dict | None:
    """The national backtest's record on the real target of ``indicator`` at ``month``, ordinary years before ``year``:
    the default's mean P(met) and how many of those targets were met (as the figure reads: at or above the number).

    Why beside the pooled reliability: that pools thresholds at last year's growth +-1 pp, which in the slowing 2010s
    were seldom reached, so it reads "too optimistic"; on the national GDP target itself the model has been cautious.
    The reader should see both. None when fewer than ``min_years`` such years.
    """
    long = _earlier_ordinary_probabilities(path, year, shock_years)
    if long is None:
        return None
    long = long[(long.indicator == indicator) & (long.month == month) & (long.kind == "target")]
    long = long.sort_values("year").drop_duplicates("year", keep="last")
    if len(long) < min_years:
        return None
    return {"p_mean": float(long.p_met.mean()), "met": int(long.met.astype(bool).sum()), "n": int(len(long)),
            "first_year": int(long.year.min()), "last_year": int(long.year.max())}


def annual_record(level: str, path: Path = ANNUAL_METRICS) -> dict | None:
    """The annual model's January record for a level (province, prefecture): ordinary years since 2010.

    What a forecast made without any figure of the region's own can be trusted on: the annual backtest
    (``backtest_annual``) scores exactly that forecast, for GDP targets, against first releases.
    """
    import json

    try:
        rec = json.loads(path.read_text(encoding="utf-8"))["january"][level]["ordinary_since_2010"]
        return {"coverage80": float(rec["coverage80"]), "n": int(rec["n"]), "skill": float(rec["brier_skill"])}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def anchored_record(path: Path = ANNUAL_METRICS) -> dict | None:
    """The anchored mode's January record (targets other than GDP): ordinary years, national and local series.

    Scored by the annual backtest (``anchored_january``): 80% coverage over every outcome with the one before
    it, and how many of those cases had a target to judge P(met) on (few: the note says the probability is rough).
    """
    import json

    try:
        rec = json.loads(path.read_text(encoding="utf-8"))["anchored_january"]["ordinary"]
        return {"coverage80": float(rec["coverage80"]), "n": int(rec["n"]), "targets": int(rec["targets"])}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def build(region: str, as_of: str, previous_as_of: str | None = None, lang: str = "zh",
          forecast_csv: str | Path | None = None, observations_csv: str | Path | None = None,
          calls_csv: str | Path | None = None) -> Briefing:
    """Everything the briefing shows; ``forecast_csv`` is the forecast stage's output for this entry, if any, and
    ``observations_csv`` the entry's cut of the observations (the stage passes both; None: the whole table) and
    ``calls_csv`` the entry's cut of the ledger (stage ``calls_cut``; None: read from ``ledger/calls.csv``)."""
    from pipeline.model.track_record import current_record

    region, year, month = validate_request(region, as_of, previous_as_of, lang)
    cfg = Config.load()
    obs_all = data.read_observations(Path(observations_csv)) if observations_csv else data.load_observations()
    obs = data.cut_as_of(obs_all, year, month)
    targets = data.load_targets()
    prev = comparison_start(year, month, previous_as_of)
    stored = read_path(forecast_csv)
    if stored is None:
        path, steps = real_time_path(obs_all, targets, region, year, month, cfg,
                                     split_months(year, month, previous_as_of))
    else:
        path, steps = stored
    forecast = _stage_forecast(forecast_csv, as_of)
    if forecast is None:
        forecast = forecast_region(obs, targets, region, year, month, cfg, ["default"])
    record = current_record()
    b = Briefing(region, year, month, as_of, previous_as_of, lang, cfg, forecast.reset_index(drop=True), path, steps,
                 arrivals(obs_all, region, year, prev, (year, month)), obs, targets,
                 # outcomes known at the as-of month: those of earlier years (a year's outcome comes out in January)
                 record[(record.region == region) & (record.year < year)])
    for _, r in b.forecast.iterrows():
        latest = int(r.latest_period[5:7]) if isinstance(r.latest_period, str) and r.latest_period else None
        if latest and latest < 12:
            b.trust[r.indicator] = backtest_trust(r.indicator, latest, year)
            b.reliability[r.indicator] = reliability_at(r.p_met, year) if "p_met" in r else None
            b.target_record[r.indicator] = target_record_at(r.indicator, latest, year)
        source = str(r.borrowed_from) if isinstance(r.borrowed_from, str) else ""
        if not latest and source.startswith("annual:"):
            mode = source.split(":", 1)[1]
            record_ = (anchored_record() if mode == "last_outcome" else
                       annual_record(mode) if r.indicator == "gdp" and mode in ("province", "prefecture") else None)
            b.annual_trust[r.indicator] = {"mode": mode, "record": record_}
    set_aside = obs[(obs.region == region) & (obs.year == year) & obs.indicator.str.endswith("_unclear")]
    b.set_aside = set_aside.reset_index(drop=True)
    b.calls = earlier_calls(b, calls_csv)
    return b


def earlier_calls(b: Briefing, calls_csv: str | Path | None = None) -> pd.DataFrame:
    """The stage's cut of the ledger, or (a run by hand) the same cut made from ``ledger/calls.csv`` now."""
    from pipeline.evaluation import calls

    if calls_csv is not None:
        return pd.read_csv(calls_csv, dtype=str, keep_default_na=False)
    f = b.forecast.assign(region=b.region, year=b.year, as_of=b.as_of, method="default")
    f["latest_period"] = f.latest_period.fillna("").astype(str) if "latest_period" in f else ""
    today = calls.calls_from_forecast(f, label="live", made_on="", version="")
    return calls.calls_cut(calls.read_ledger(), [], b.year, b.as_of, b.region, today)


PROVISIONAL = "provisional:"  # a raw row's note opening so: read from secondary copies, not the publisher's own page


def provisional_keys(obs: pd.DataFrame) -> set[tuple[str, str, str]]:
    """(region, indicator, period) of the YTD growth figures whose raw row is marked provisional (its ``note``
    starts with ``provisional:``): every page that shows one says so."""
    if obs.empty or "note" not in obs:
        return set()
    o = obs[(obs.measure == "ytd_growth_pct") & obs.note.astype(str).str.startswith(PROVISIONAL)]
    return set(zip(o.region, o.indicator, o.period))


def provisional(b: Briefing, indicator: str, period) -> bool:
    """Whether the briefing region's YTD figure for ``period`` is provisional."""
    return isinstance(period, str) and (b.region, indicator, period) in provisional_keys(b.observations)


def ytd_path(b: Briefing, indicator: str) -> pd.DataFrame:
    """The region's published YTD growth in the briefing year (first release preferred)."""
    s = history_from_observations(b.observations, b.region, indicator)
    return s[s.year == b.year]


def cumulative_shares(b: Briefing, indicator: str) -> pd.Series:
    """Cumulative share of last year's total through each published period end (months, or quarters for GDP)."""
    profile = profile_for(b.observations, indicator, b.year)
    ends = [int(m) for m in profile.index]
    return pd.Series([float(profile[profile.index <= m].sum() / profile.sum()) for m in ends], index=ends)


def indicator_path(b: Briefing, indicator: str) -> pd.DataFrame:
    return b.path[b.path.indicator == indicator].sort_values("month").reset_index(drop=True)
