"""The tool's own calls, kept and scored: an append-only ledger (``ledger/calls.csv``, in git) of every P(met)
the tool gave, and the command that joins it with the outcomes.

A call is what a briefing said about one target at one as-of month: P(met) strict and tolerant, the 10/50/90%
quantiles, the data it rested on and the code that made it. The ledger is never rewritten: a rerun that gives
the same numbers adds nothing; one with new data for the same as-of month adds a new *edition* beside the old
one (``edition`` 2, 3 ...), so what was said when stays checkable, as GDPNow and the NY Fed Nowcast keep theirs.

``label`` says how a call was made: ``live`` (recorded when the briefing was made) or ``recreated_frozen``
(re-created afterwards with the model frozen at ``code_version`` and the data as first released through the
as-of month: the model's first out-of-sample record, made before anything was refit on those years).

CLI: ``python -m pipeline calls [--region R] [--year Y] [--indicator I] [--method M] [--out F]`` lists the ledger
joined with outcomes (``met`` 1/0 once the first release of December is in the data) and prints a summary
line per method on stderr; ``--record`` appends the current briefing entries' calls.
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd

from pipeline.common.csvsafe import neutralise
from pipeline.common.paths import PARAMS, PROCESSED, ROOT
from pipeline.sources import data, qualifiers, registry

LEDGER = ROOT / "ledger" / "calls.csv"
# p_met is the strict reading, p_met_tolerant the tolerant one (the verdict of a 左右 target uses the latter)
COLUMNS = ["label", "made_on", "code_version", "region", "year", "indicator", "as_of", "method", "data_through",
           "target_pct", "target_high_pct", "qualifier", "p_met", "p_met_tolerant", "q10_pct", "q50_pct", "q90_pct",
           "edition", "note"]
KEY = ["label", "region", "year", "indicator", "as_of", "method"]
# What makes a new edition: a change in what the call says or rests on (rounded as the ledger writes it).
SAYS = ["data_through", "target_pct", "qualifier", "p_met", "p_met_tolerant", "q10_pct", "q50_pct", "q90_pct"]
DECIMALS = {"p_met": 3, "p_met_tolerant": 3, "q10_pct": 2, "q50_pct": 2, "q90_pct": 2, "target_pct": 2,
            "target_high_pct": 2}


def code_version(root: Path = ROOT) -> str:
    """The commit the code was at (``+dirty`` when the working tree differs), or ``unknown`` outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short=10", "HEAD"], cwd=root, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "pipeline"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head + ("+dirty" if dirty else "")) if head else "unknown"


def _fmt(value, column: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if column in DECIMALS:
        return f"{float(value):.{DECIMALS[column]}f}"
    return str(value)


def calls_from_forecast(forecast: pd.DataFrame, *, label: str, made_on: str, version: str,
                        note: str = "") -> list[dict]:
    """Ledger rows (as text) from forecast rows with a target and a P(met)."""
    rows = []
    for r in forecast.itertuples(index=False):
        if not isinstance(r.p_met, float) or math.isnan(r.p_met):
            continue
        strict = getattr(r, "p_met_strict", math.nan)  # p_met is the verdict's reading (tolerant for 左右)
        strict = r.p_met if not isinstance(strict, float) or math.isnan(strict) else strict
        row = dict(label=label, made_on=made_on, code_version=version, region=r.region, year=int(r.year),
                   indicator=r.indicator, as_of=r.as_of, method=r.method, data_through=r.latest_period or "",
                   target_pct=r.target_pct, target_high_pct=r.target_high_pct, qualifier=r.qualifier,
                   p_met=strict, p_met_tolerant=r.p_met_tolerant, q10_pct=r.q10_pct, q50_pct=r.q50_pct,
                   q90_pct=r.q90_pct, edition="", note=note)
        rows.append({c: _fmt(row[c], c) for c in COLUMNS})
    return rows


def read_ledger(path: Path = LEDGER) -> pd.DataFrame:
    """The ledger as text columns (empty with the right columns when there is none yet)."""
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(df.columns) != COLUMNS:
        raise ValueError(f"{path}: columns must be {','.join(COLUMNS)}")
    return df


def new_editions(ledger: pd.DataFrame, rows: list[dict]) -> list[dict]:
    """The rows that say something the ledger's latest edition of the same call does not, numbered."""
    latest = {}
    for r in ledger.to_dict("records"):
        k = tuple(str(r[c]) for c in KEY)
        if k not in latest or int(r["edition"]) > int(latest[k]["edition"]):
            latest[k] = r
    out = []
    for r in rows:
        k = tuple(str(r[c]) for c in KEY)
        old = latest.get(k)
        if old is not None and all(str(old[c]) == str(r[c]) for c in SAYS):
            continue
        r = dict(r, edition=str(int(old["edition"]) + 1 if old is not None else 1))
        latest[k] = r
        out.append(r)
    return out


def append(rows: list[dict], path: Path = LEDGER) -> int:
    """Append the new editions among ``rows``; existing lines are never touched. Returns how many were added."""
    fresh = new_editions(read_ledger(path), rows)
    if not fresh:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    exists = path.exists() and path.stat().st_size > 0
    with path.open("a", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        if not exists:
            w.writeheader()
        w.writerows(fresh)
    return len(fresh)


def outcomes(obs: pd.DataFrame) -> pd.DataFrame:
    """Each region-indicator-year's December YTD growth as first released (revised only where no first release)."""
    dec = obs[(obs.measure == "ytd_growth_pct") & (obs.month == 12)]
    dec = dec.assign(_rank=dec.vintage.map({"first": 0}).fillna(1)).sort_values("_rank", kind="stable")
    dec = dec.drop_duplicates(["region", "indicator", "year"])
    return dec[["region", "indicator", "year", "value", "vintage"]].rename(
        columns={"value": "outcome_pct", "vintage": "outcome_vintage"})


def score(ledger: pd.DataFrame, obs: pd.DataFrame, tolerance_pp: float) -> pd.DataFrame:
    """The ledger joined with outcomes: met (strict and, for 左右, tolerant) as 1/0 and each call's Brier score."""
    df = ledger.copy()
    if df.empty:
        return df.assign(outcome_pct=[], met=[], met_tolerant=[], brier=[], brier_tolerant=[])
    df["year"] = df.year.astype(int)
    for c in ["target_pct", "p_met", "p_met_tolerant", "q10_pct", "q50_pct", "q90_pct"]:
        df[c] = pd.to_numeric(df[c], errors="coerce")
    out = outcomes(obs)
    df = df.merge(out, on=["region", "indicator", "year"], how="left")
    gdp = out[out.indicator == "gdp"].set_index(["region", "year"]).outcome_pct
    met, met_tol = [], []
    for r in df.itertuples():
        rel = gdp.get((r.region, r.year), math.nan)
        code = qualifiers.normalize(r.qualifier)
        m = qualifiers.met(r.outcome_pct, r.target_pct, code, relative_outcome=rel)
        mt = qualifiers.met(r.outcome_pct, r.target_pct, code, relative_outcome=rel, tolerance=tolerance_pp,
                            tolerant=True)
        met.append(math.nan if m is None else float(m))
        met_tol.append(math.nan if mt is None else float(mt))
    df["met"], df["met_tolerant"] = met, met_tol
    df["brier"] = (df.p_met - df.met) ** 2
    df["brier_tolerant"] = (df.p_met_tolerant - df.met_tolerant) ** 2
    return df


def summary(scored: pd.DataFrame) -> pd.DataFrame:
    """Per label and method: calls, calls with a known outcome, mean P(met), hit rate and mean Brier."""
    known = scored[scored.met.notna()] if "met" in scored else scored
    rows = []
    for (label, method), g in known.groupby(["label", "method"], sort=True):
        n = int(((scored.label == label) & (scored.method == method)).sum())
        rows.append(dict(label=label, method=method, calls=n, scored=len(g),
            mean_p_met=g.p_met.mean(), hit_rate=g.met.mean(), brier=g.brier.mean(),
            brier_tolerant=g.brier_tolerant.mean()))
    return pd.DataFrame(rows)


def briefing_calls(cfg, made_on: str, version: str) -> list[dict]:
    """The default-method calls of every ``briefings`` entry whose forecast stage has run."""
    from pipeline.model.forecast.config import FORECAST_DIR

    rows = []
    for spec in cfg.briefings.values():
        path = FORECAST_DIR / str(spec["region"]) / f"{spec['as_of']}.csv"
        if not path.exists():
            continue
        f = pd.read_csv(path, keep_default_na=False, na_values=[""])
        f["latest_period"] = f.latest_period.fillna("").astype(str)
        f["region"] = registry.resolve_region(str(spec["region"]))
        rows += calls_from_forecast(f[f.method == "default"], label="live", made_on=made_on, version=version)
    return rows


# --- earlier calls on a page's targets (stage calls_cut) -------------------------------------------------------

CUT = PROCESSED / "ledger"
# What a page shows of an earlier call: no made_on or edition, so recording today's calls changes no cut.
CUT_COLUMNS = ["kind", "region", "indicator", "as_of", "label", "data_through", "qualifier", "target_pct", "p_met",
               "p_met_tolerant", "q50_pct"]


def _latest(rows: list[dict], key: list[str]) -> list[dict]:
    """The highest edition per key; a pending call (edition '') is newer than any recorded one."""
    best = {}
    for r in rows:
        k, e = tuple(str(r[c]) for c in key), int(r["edition"]) if str(r["edition"]) else 10**9
        if k not in best or e >= best[k][0]:
            best[k] = (e, r)
    return [r for _, r in best.values()]


def calls_cut(ledger: pd.DataFrame, pending: list[dict], year: int, as_of: str, region: str | None = None,
              today: list[dict] | None = None) -> pd.DataFrame:
    """The earlier calls a page on ``region``'s (None: every region's) ``year`` targets as of ``as_of`` shows.

    ``kind`` ``earlier``: the latest edition of each default call made as of an earlier month (per label: a
    re-created call and a live one are both kept). ``kind`` ``same``: live calls for this very month that differ
    from ``today`` (the page's own calls, as ``calls_from_forecast`` writes them): the page is a revision of those
    (with ``today`` None, every live call of the month: the scoreboard compares its own numbers).
    ``pending`` are the calls ``calls --record`` would add (the briefing entries' forecasts): counted as recorded
    already, so recording them leaves the cut byte-identical and nothing downstream reruns.
    """
    rows = [r for r in ledger.to_dict("records") + list(pending)
            if str(r["year"]) == str(year) and r["method"] == "default" and (region is None or r["region"] == region)
            and str(r["as_of"]) <= as_of]
    said = {(r["region"], r["indicator"]): tuple(str(r[c]) for c in SAYS) for r in (today or [])}
    same = [r for r in rows if str(r["as_of"]) == as_of and r["label"] == "live"
            and (today is None or said.get((r["region"], r["indicator"]), ()) != tuple(str(r[c]) for c in SAYS))]
    key = ["label", "region", "indicator", "as_of"]
    out = ([dict(r, kind="earlier") for r in _latest([r for r in rows if str(r["as_of"]) < as_of], key)]
           + [dict(r, kind="same") for r in _latest(same, key)])
    df = pd.DataFrame(out, columns=CUT_COLUMNS + ["edition"]).reindex(columns=CUT_COLUMNS).drop_duplicates()
    return df.sort_values(["region", "indicator", "as_of", "label", "kind"], kind="stable").reset_index(drop=True)


def _forecast_calls(path: Path, region: str) -> list[dict]:
    if not path.exists():
        return []
    f = pd.read_csv(path, keep_default_na=False, na_values=[""])
    f["latest_period"] = f.latest_period.fillna("").astype(str)
    f["region"] = region
    return calls_from_forecast(f[f.method == "default"], label="live", made_on="", version="")


def _entry_cut(key: str, cfg, ledger: pd.DataFrame, pending: list[dict]) -> pd.DataFrame:
    """The cut of briefings entry KEY (its region, year and month; today = its forecast) or of KEY ``scoreboard``
    (every region, params.yaml ``scoreboard`` year and month)."""
    from pipeline.common.errors import InputError
    from pipeline.model.forecast.config import FORECAST_DIR

    if key == "scoreboard":  # the page compares its own numbers with the same month's calls
        from pipeline.common import yamlio

        sb = (yamlio.load_file(PARAMS) or {}).get("scoreboard") or {}
        if not {"year", "as_of"} <= set(sb):
            raise InputError(f"{PARAMS.name}: scoreboard needs year and as_of")
        return calls_cut(ledger, pending, int(sb["year"]), str(sb["as_of"]))
    spec = cfg.briefings.get(key)
    if spec is None:
        raise InputError(f"{PARAMS.name}: no briefings entry {key!r}")
    region, as_of = registry.resolve_region(str(spec["region"])), str(spec["as_of"])
    today = _forecast_calls(FORECAST_DIR / region / f"{as_of}.csv", region)
    return calls_cut(ledger, pending, int(as_of[:4]), as_of, region, today)


def write_cuts(keys: list[str] | None = None, ledger_path: Path = LEDGER, out_dir: Path = CUT) -> list[Path]:
    """Stage ``calls_cut``: ``out_dir/KEY.csv`` for each key (None: every briefings entry and ``scoreboard``, and
    the cuts of removed entries are deleted, since the stage's output is the folder). One process for all pages
    (issue 18); a cut whose calls did not change keeps its bytes, so DVC reruns no page that reads it."""
    from pipeline.common.errors import InputError
    from pipeline.model.forecast.config import Config

    cfg = Config.load()
    pending = briefing_calls(cfg, "", "")
    for r in pending:
        r["edition"] = ""
    try:
        ledger = read_ledger(ledger_path)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    every = keys is None
    keys = sorted(cfg.briefings) + ["scoreboard"] if every else list(keys)
    cuts = {key: _entry_cut(key, cfg, ledger, pending) for key in keys}
    out_dir.mkdir(parents=True, exist_ok=True)
    if every:
        for stale in set(p.stem for p in out_dir.glob("*.csv")) - set(keys):
            (out_dir / f"{stale}.csv").unlink()
    paths = []
    for key, cut in cuts.items():
        paths.append(out_dir / f"{key}.csv")
        cut.to_csv(paths[-1], index=False, lineterminator="\n")
    return paths


def add_arguments(parser) -> None:
    parser.add_argument("--region", help="a region as slug or name (湖南, hunan); default: all")
    parser.add_argument("--year", type=int, help="only calls on this year's targets")
    parser.add_argument("--indicator", help="only this indicator (slug or name)")
    parser.add_argument("--method", help="only this method (default, carry_forward, empirical_drift)")
    parser.add_argument("--label", help="only this label (live, recreated_frozen)")
    parser.add_argument("--out", type=Path, help="write the CSV here instead of standard output")
    parser.add_argument("--record", action="store_true",
                        help="append the calls of the current briefing entries to ledger/calls.csv (new editions only)")
    parser.add_argument("--ledger", type=Path, default=None,
                        help="the ledger to read (and with --record, append to); default ledger/calls.csv")
    parser.add_argument("--cut", metavar="KEY", help="write data/processed/ledger/KEY.csv: the earlier calls the page of "
                        "briefings entry KEY (or 'scoreboard') shows; KEY 'all': every page's (the DVC stage calls_cut)")


def run(args) -> int:
    from pipeline.model.forecast.config import Config

    ledger_path = args.ledger or LEDGER
    if args.cut:
        from pipeline.common.errors import InputError

        try:
            paths = write_cuts(None if args.cut == "all" else [args.cut], ledger_path)
        except InputError as exc:
            print(f"calls: {exc}", file=sys.stderr)
            return 2
        for path in paths:
            print(f"calls: wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", file=sys.stderr)
        return 0
    if args.record:
        cfg = Config.load()
        added = append(briefing_calls(cfg, dt.date.today().isoformat(), code_version()), ledger_path)
        print(f"calls: {added} new calls or editions recorded in {ledger_path}", file=sys.stderr)
        return 0
    try:
        region = registry.resolve_region(args.region) if args.region else None
        indicator = registry.resolve_indicator(args.indicator) if args.indicator else None
    except ValueError as exc:
        print(f"calls: {exc}", file=sys.stderr)
        return 2
    try:
        ledger = read_ledger(ledger_path)
    except ValueError as exc:
        print(f"calls: {exc}", file=sys.stderr)
        return 1
    for col, val in (("region", region), ("year", args.year), ("indicator", indicator), ("method", args.method),
                     ("label", args.label)):
        if val is not None:
            ledger = ledger[ledger[col].astype(str) == str(val)]
    cfg = Config.load()
    scored = score(ledger, data.load_observations(), cfg.about_tolerance_pp)
    cols = ["label", "region", "year", "indicator", "as_of", "method", "edition", "data_through", "target_pct",
            "qualifier", "p_met", "p_met_tolerant", "q50_pct", "outcome_pct", "met", "met_tolerant", "brier",
            "brier_tolerant", "code_version", "made_on"]
    text = neutralise(scored.reindex(columns=cols)).to_csv(index=False, lineterminator="\n", float_format="%.4g")
    if args.out:
        if not str(args.out.resolve()).startswith(str(ROOT)) and args.out.exists():
            print(f"calls: --out {args.out}: will not overwrite a file outside the repository", file=sys.stderr)
            return 2
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    for r in summary(scored).itertuples():
        print(f"calls: {r.label} {r.method}: {r.scored} of {r.calls} calls scored, mean P(met) {r.mean_p_met:.2f}, "
              f"met {r.hit_rate:.0%}, Brier {r.brier:.3f} (tolerant reading {r.brier_tolerant:.3f})", file=sys.stderr)
    if scored.empty:
        print("calls: no calls match", file=sys.stderr)
    return 0
