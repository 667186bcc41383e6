"""The real-time path of a forecast: P(met) and quantiles as of every month of the year on the data as they
stood then, and each month's change split between the region's own new figures and everything else.

Engine work (the briefing only draws it): the ``forecast@KEY`` stage writes it beside the entry's forecast
(``AS_OF.path.csv``, ``AS_OF.steps.csv``) and the briefing reads it back.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from pipeline.sources import data
from pipeline.model.forecast.config import Config
from pipeline.model.forecast.engine import forecast_region, round_frame

PATH_COLUMNS = ["p_met", "p_met_tolerant", "q10_pct", "q50_pct", "q90_pct", "latest_period", "latest_ytd_pct"]


def _own_rows(obs_all: pd.DataFrame, region: str, year: int, month: int) -> pd.DataFrame:
    return obs_all[(obs_all.region == region) & (obs_all.year == year) & (obs_all.month == month)]


def real_time_path(obs_all: pd.DataFrame, targets: pd.DataFrame, region: str, year: int, month: int,
                   cfg: Config, split_months: set[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """P(met) and quantiles as of every month 1..month on the data as they stood then, and the month-to-month steps.

    A step from month m-1 to m is split in two parts that add up: ``own`` (the region's own figures for
    month m added to the data of m-1) and ``other`` (everything else published for m: national and other
    regions' figures that the borrowed dynamics and the annual model use). Only months in ``split_months``
    are split; elsewhere the whole step is ``all``.
    """
    frames = {}
    for m in range(1, month + 1):
        cut = data.cut_as_of(obs_all, year, m)  # rounded as the forecast table is: the path ends at its figure
        frames[m] = round_frame(forecast_region(cut, targets, region, year, m, cfg, ["default"])).set_index("indicator")
    path = pd.concat([f[PATH_COLUMNS].assign(month=m) for m, f in frames.items()]).reset_index()
    path = path[["indicator", "month", *PATH_COLUMNS]]
    steps = []
    for m in range(2, month + 1):
        before, after = frames[m - 1], frames[m]
        own = _own_rows(obs_all, region, year, m)
        mid = None
        if m in split_months and not own.empty:
            cut = pd.concat([data.cut_as_of(obs_all, year, m - 1), own], ignore_index=True)
            mid = round_frame(forecast_region(cut, targets, region, year, m, cfg, ["default"])).set_index("indicator")
        for ind in after.index:
            p1 = after.at[ind, "p_met"]
            p0 = before.at[ind, "p_met"] if ind in before.index else math.nan
            if mid is not None and ind in mid.index:
                pm = mid.at[ind, "p_met"]
                steps += [dict(indicator=ind, month=m, part="own", delta_p=pm - p0),
                          dict(indicator=ind, month=m, part="other", delta_p=p1 - pm)]
            else:  # nothing of the region's own arrived in a split month: all of it is other figures
                part = "other" if m in split_months and own.empty else "all"
                steps.append(dict(indicator=ind, month=m, part=part, delta_p=p1 - p0))
    return path, pd.DataFrame(steps, columns=["indicator", "month", "part", "delta_p"])


def comparison_start(year: int, month: int, previous_as_of: str | None) -> tuple[int, int]:
    """The month the "what changed" section compares with: previous_as_of, else the month before."""
    if previous_as_of:
        return data.parse_as_of(previous_as_of)
    return (year, month - 1) if month > 1 else (year - 1, 12)


def split_months(year: int, month: int, previous_as_of: str | None) -> set[int]:
    """Months whose step is split into own and other figures: those after the comparison month, and this month."""
    prev = comparison_start(year, month, previous_as_of)
    return {m for m in range(1, month + 1) if (year, m) > prev} | {month}


def path_files(forecast_csv: Path) -> tuple[Path, Path]:
    """Where the forecast stage keeps the real-time path and its steps next to the entry's forecast."""
    forecast_csv = Path(forecast_csv)
    return (forecast_csv.with_name(forecast_csv.stem + ".path.csv"),
            forecast_csv.with_name(forecast_csv.stem + ".steps.csv"))


def write_path(path: pd.DataFrame, steps: pd.DataFrame, forecast_csv: Path) -> None:
    p, s = path_files(forecast_csv)
    p.parent.mkdir(parents=True, exist_ok=True)
    path.to_csv(p, index=False, lineterminator="\n", float_format="%.6f")
    steps.to_csv(s, index=False, lineterminator="\n", float_format="%.6f")


def read_path(forecast_csv: Path | None) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    if forecast_csv is None:
        return None
    p, s = path_files(forecast_csv)
    if not (p.exists() and s.exists()):
        return None
    path = pd.read_csv(p, keep_default_na=False, na_values=[""])
    path["latest_period"] = path.latest_period.fillna("").astype(str)
    return path, pd.read_csv(s, keep_default_na=False, na_values=[""])
