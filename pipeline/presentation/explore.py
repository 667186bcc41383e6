"""Helpers for the explore and backtest notebooks: what data exist, series against targets, comparisons.

Everything reads the processed tables through ``pipeline.sources.data``, so each call takes a fraction of a second.
Notebook parameters may arrive from papermill as text (``-p years '[2023, 2024]'``): ``as_list`` reads them
as YAML. ``use_cjk_font`` must run before the first figure: matplotlib fixes a title's font when the axes
are made, so a font set later leaves Chinese titles as boxes.
"""
from __future__ import annotations

import json

import pandas as pd
from pipeline.common import yamlio

from pipeline.sources import data, registry
from pipeline.model import growth
from pipeline.model.forecasters import history_from_observations
from pipeline.common.paths import PROCESSED
from pipeline.presentation.plots import use_cjk_font

EMPTY = {
    "zh": "{region}{indicator}在所选年份({years})没有数据，图略。",
    "en": "{region} has no {indicator} figures in the years selected ({years}): no chart.",
}
NO_OUTCOMES = {"zh": "所选地区没有{indicator}的全年数据。", "en": "The regions selected have no full-year {indicator} figures."}
NO_REGIONS = {"zh": "未选择任何比较地区(compare为空)。", "en": "No region selected to compare (compare is empty)."}


def as_list(value, cast=str) -> list:
    """A list parameter given as a list or as YAML text ('[2023, 2024]', 'hunan'); None or '' gives []."""
    if isinstance(value, str):
        value = yamlio.load(value, "list parameter") if value.strip() else None
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        value = [value]
    try:
        return [cast(v) for v in value]
    except (TypeError, ValueError):
        raise ValueError(f"expected a list of {cast.__name__} such as [2023, 2024], not {value!r}") from None


def names(region: str, indicator: str, lang: str) -> tuple[str, str]:
    r, ind = registry.region(region), registry.indicator(indicator)
    return ((r.name_zh or region, ind.name_zh) if lang == "zh" else (r.name_en or region, ind.name_en))


def empty_note(region: str, indicator: str, years: list[int], lang: str = "en") -> str:
    """The sentence shown instead of a chart when the selection has no figure."""
    region_name, indicator_name = names(region, indicator, lang)
    return EMPTY[lang].format(region=region_name, indicator=indicator_name,
                              years=", ".join(map(str, years)) or "-")


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
    """YTD paths of several years on one axis, each year's target as a dashed line in the same colour.

    The CJK font is named on the title and labels too: ``ax`` may have been made before ``use_cjk_font``.
    """
    cjk = {"fontfamily": [use_cjk_font(), "DejaVu Sans"]}
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
    region_name, indicator_name = names(region, indicator, lang)
    ax.set_title(f"{region_name} {indicator_name}" if lang == "zh" else f"{region_name}: {indicator_name}", **cjk)
    ax.set_xlabel("月份" if lang == "zh" else "Month", **cjk)
    ax.set_ylabel("累计增速(%)" if lang == "zh" else "Year-to-date growth (%)", **cjk)
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


__all__ = ["as_list", "names", "empty_note", "use_cjk_font", "EMPTY", "NO_OUTCOMES", "NO_REGIONS", "coverage", "ytd_paths", "plot_paths", "annual_outcomes", "two_year_average", "backtest_tables",
           "rmse_ratio_by_month"]
