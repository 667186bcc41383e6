"""What a forecast learns from besides the region's own YTD figures: whose within-year dynamics, and the
seasonal profile of the year (the share of the year's total carried by each month)."""
from __future__ import annotations


import pandas as pd

from pipeline.sources import registry
from pipeline.model import forecasters as fc, growth


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
