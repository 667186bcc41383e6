"""Helpers for the explore and backtest notebooks: what data exist, series against targets, comparisons.

Everything reads the processed tables through ``pipeline.data``, so each call takes a fraction of a second.
"""
from __future__ import annotations

import json

import pandas as pd

from . import data, growth, registry
from .forecasters import history_from_observations
from .paths import PROCESSED


def _slugs(region: str | None = None, indicator: str | None = None) -> tuple[str | None, str | None]:
    """Names as people type them (湖南, GDP, 地区生产总值) to slugs; registry.UnknownName suggests the closest."""
    return (registry.resolve_region(region) if region is not None else None,
            registry.resolve_indicator(indicator) if indicator is not None else None)


def coverage(obs: pd.DataFrame | None = None, named_only: bool = True) -> pd.DataFrame:
    """Per region, indicator, measure and vintage: number of figures and the first and last period."""
    obs = data.load_observations() if obs is None else obs
    if named_only:
        obs = obs[~obs.region.str.fullmatch(r"\d{6}")]
    g = obs.groupby(["region", "indicator", "measure", "vintage"])
    return pd.DataFrame({"n": g.size(), "first": g.period.min(), "last": g.period.max()}).reset_index()


def ytd_paths(region: str, indicator: str, years: list[int] | None = None, obs: pd.DataFrame | None = None) -> pd.DataFrame:
    """YTD growth by month (rows) and year (columns), first release preferred, with two-year averages alongside."""
    region, indicator = _slugs(region, indicator)
    obs = data.load_observations() if obs is None else obs
    s = history_from_observations(obs, region, indicator)
    if years:
        s = s[s.year.isin(years)]
    return s.pivot(index="month", columns="year", values="ytd_growth_pct")


def plot_paths(ax, region: str, indicator: str, years: list[int], obs: pd.DataFrame | None = None,
               targets: pd.DataFrame | None = None, lang: str = "en"):
    """YTD paths of several years on one axis, each year's target as a dashed line in the same colour."""
    from .plots import use_cjk_font

    use_cjk_font()
    region, indicator = _slugs(region, indicator)
    targets = data.load_targets() if targets is None else targets
    paths = ytd_paths(region, indicator, years, obs)
    for i, year in enumerate(paths.columns):
        colour = f"C{i % 10}"
        col = paths[year].dropna()
        ax.plot(col.index, col.values, "o-", color=colour, label=str(year))
        t = data.target_for(targets, region, indicator, int(year))
        if t and t["target_pct"] is not None:
            ax.axhline(t["target_pct"], ls="--", color=colour, lw=1)
    name = registry.region(region)
    ind = registry.indicator(indicator)
    ax.set_title(f"{name.name_zh or region} {ind.name_zh}" if lang == "zh" else f"{name.name_en or region}: {ind.name_en}")
    ax.set_xlabel("month")
    ax.set_ylabel("YTD growth (%)")
    ax.set_xticks(range(1, 13))
    ax.grid(alpha=0.3)
    if len(paths.columns):
        ax.legend(fontsize=7, ncol=2)
    return ax


def annual_outcomes(regions: list[str], indicator: str = "gdp", obs: pd.DataFrame | None = None) -> pd.DataFrame:
    """December YTD growth (first release preferred) by year (rows) and region (columns)."""
    regions = [_slugs(r)[0] for r in regions]
    indicator = _slugs(indicator=indicator)[1]
    obs = data.load_observations() if obs is None else obs
    cols = {}
    for r in regions:
        s = history_from_observations(obs, r, indicator)
        cols[r] = s[s.month == 12].set_index("year").ytd_growth_pct
    return pd.DataFrame(cols).sort_index()


def two_year_average(region: str, indicator: str, obs: pd.DataFrame | None = None) -> pd.DataFrame:
    """YTD growth with the two-year average (两年平均增速) that reads through base effects."""
    region, indicator = _slugs(region, indicator)
    obs = data.load_observations() if obs is None else obs
    s = history_from_observations(obs, region, indicator)
    return growth.two_year_average_history(s)


def backtest_tables() -> dict[str, pd.DataFrame | dict]:
    """The backtest stages' outputs (run `make repro` first)."""
    out: dict = {}
    for name in ["backtest_by_month", "backtest_reliability", "backtest_annual_reliability"]:
        path = PROCESSED / f"{name}.csv"
        if path.exists():
            out[name] = pd.read_csv(path)
    for name in ["backtest_metrics", "backtest_annual_metrics"]:
        path = PROCESSED / f"{name}.json"
        if path.exists():
            out[name] = json.loads(path.read_text(encoding="utf-8"))
    return out


def rmse_ratio_by_month(by_month: pd.DataFrame, method: str = "default") -> pd.DataFrame:
    """RMSE of ``method`` over carry-forward's, by indicator (rows) and as-of month (columns)."""
    piv = by_month.pivot_table(index=["indicator", "month"], columns="method", values="rmse")
    ratio = (piv[method] / piv["carry_forward"]).rename("ratio").reset_index()
    return ratio.pivot(index="indicator", columns="month", values="ratio").round(3)


__all__ = ["coverage", "ytd_paths", "plot_paths", "annual_outcomes", "two_year_average", "backtest_tables",
           "rmse_ratio_by_month"]
