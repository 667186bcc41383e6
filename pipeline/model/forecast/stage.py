"""Entry points: the forecast command and the DVC stage forecast@KEY (load, forecast, save)."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from pipeline.common.csvsafe import neutralise
from pipeline.sources import data, registry
from pipeline.model.forecast import realtime
from pipeline.common.paths import CUTS
from pipeline.model.forecast.config import COLUMNS, Config, FORECAST_DIR, METHODS
from pipeline.model.forecast.engine import forecast_region, missing_data_message, round_frame


def run_forecast(as_of: str, regions: list[str], methods: list[str], indicator_paths: list[Path] | None = None,
                 targets_path: Path | None = None, cfg: Config | None = None, prefer_file: bool = False,
                 observations: pd.DataFrame | None = None) -> pd.DataFrame:
    """Forecasts for the regions; InputError naming each region (and the missing series) that has nothing to forecast."""
    from pipeline.common.errors import InputError

    cfg = cfg or Config.load()
    year, month = data.parse_as_of(as_of)
    obs = (data.cut_as_of(observations, year, month) if observations is not None
           else data.load_observations(indicator_paths, as_of=(year, month), prefer_file=prefer_file))
    targets = data.load_targets(targets_path)
    frames = [forecast_region(obs, targets, r, year, month, cfg, methods) for r in regions]
    empty = [missing_data_message(obs, r, year, month) for r, f in zip(regions, frames) if f.empty]
    if empty:
        raise InputError(empty)
    return round_frame(pd.concat(frames, ignore_index=True)) if frames else pd.DataFrame(columns=COLUMNS)


def write_csv(df: pd.DataFrame, path: Path | None) -> None:
    """The forecast table as CSV on stdout or in ``path`` (its folder created)."""
    if path is None:
        neutralise(df).to_csv(sys.stdout, index=False, lineterminator="\n", float_format="%.4f")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        neutralise(df).to_csv(path, index=False, lineterminator="\n", float_format="%.4f")


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
    out = FORECAST_DIR / str(spec["region"]) / f"{spec['as_of']}.csv"
    obs = data.read_observations(CUTS / f"{key}.csv")  # the entry's cut: later months do not rerun this stage
    df = run_forecast(str(spec["as_of"]), [slug], list(METHODS), cfg=cfg, observations=obs)
    write_csv(df, out)
    # The real-time path the briefing draws: the default forecast as of every month of the year so far.
    year, month = data.parse_as_of(str(spec["as_of"]))
    path, steps = realtime.real_time_path(
        obs, data.load_targets(), slug, year, month, cfg,
        realtime.split_months(year, month, spec.get("previous_as_of")))
    realtime.write_path(path, steps, out)
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
    from pipeline.common.errors import InputError

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
