"""Re-create the calls the tool would have made in 2024 and 2025, with the model frozen as it is (run by hand, once).

Issue 19: before anything is refit on 2024-2025 data, record what the model as it stood would have said at
every as-of month 2-12 of those years, on the data as first released through each month: the model's first
out-of-sample record. Each call goes into ``ledger/calls.csv`` with label ``recreated_frozen`` and the commit
the model was frozen at; the default and the two baselines (carry-forward, and empirical drift: "latest YTD
plus the usual drift to December", the economist's hand rule) are recorded for the national series; for the
provinces and Hunan's cities the default (the annual model until their own figures arrive).

    .venv/bin/python scripts/record_frozen_calls.py [--years 2024 2025] [--months 2 12]

Only new editions are appended (a second run adds nothing).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from pipeline.evaluation import calls  # noqa: E402
from pipeline.model.forecast import AnnualModel, Config, forecast_region  # noqa: E402
from pipeline.sources import data, registry  # noqa: E402

NATIONAL_METHODS = ["default", "carry_forward", "empirical_drift"]


def only_first_releases(obs: pd.DataFrame) -> pd.DataFrame:
    """What was public then: first releases; revised figures only for periods that have no first release."""
    first = obs[obs.vintage == "first"]
    keys = set(zip(first.region, first.indicator, first.period, first.measure))
    unrevised = pd.Series([k not in keys for k in zip(obs.region, obs.indicator, obs.period, obs.measure)],
                          index=obs.index)
    rest = obs[(obs.vintage != "first") & unrevised]
    return pd.concat([first, rest], ignore_index=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, nargs="+", default=[2024, 2025])
    ap.add_argument("--months", type=int, nargs=2, default=[2, 12])
    ap.add_argument("--choice", type=Path, default=Path("ledger/frozen-47f3772/default_choice.json"),
                    help="the backtest's default choice the model is frozen with (before 2024-2025 entered it)")
    ap.add_argument("--frozen-at", default="47f3772", help="the commit whose model and choices are frozen")
    ap.add_argument("--ledger", type=Path, default=None,
                    help="write to this file instead of ledger/calls.csv (e.g. to compare with a refit model)")
    args = ap.parse_args()
    cfg = Config.load(choice_path=args.choice)
    obs_all = only_first_releases(data.load_observations())
    targets = data.load_targets()
    version = args.frozen_at
    made_on = dt.date.today().isoformat()
    note = (f"re-created at {calls.code_version()} with the model frozen at {args.frozen_at} (default choice "
            f"{args.choice.as_posix()}); data as first released through the as-of month")
    total = 0
    for year in args.years:
        regions = sorted(set(targets[targets.year == year].region) & ({"china", "hunan", "changsha"} | {
            r.slug for r in registry.regions().values() if r.level == "province"}))
        for month in range(args.months[0], args.months[1] + 1):
            t0 = time.time()
            obs = data.cut_as_of(obs_all, year, month)
            model = AnnualModel(obs, targets, cfg)
            rows = []
            for region in regions:
                methods = NATIONAL_METHODS if region == "china" else ["default"]
                f = forecast_region(obs, targets, region, year, month, cfg, methods, model)
                rows += calls.calls_from_forecast(f, label="recreated_frozen", made_on=made_on, version=version,
                                                  note=note)
            added = calls.append(rows, args.ledger) if args.ledger else calls.append(rows)
            total += added
            print(f"{year}-{month:02d}: {len(regions)} regions, {added} calls recorded ({time.time() - t0:.1f} s)")
    print(f"{total} calls in {args.ledger or calls.LEDGER}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
