"""Forecast engine: for a region, a year and an as-of month, each target's outcome, P(met) and required growth.

For every indicator with a target or with YTD figures in the year, the full-year (December YTD)
growth gets a predictive distribution (draws) from the forecasters in ``pipeline/model/forecasters.py``,
using only what was published up to the as-of month. A region with too little history of its own
borrows the within-year dynamics (December minus month-m drift, the state-space fit) of its nearest
ancestor with enough history (xiangjiang -> changsha -> hunan -> china), anchored on its own latest
figure and widened by ``borrow_widen_pp`` (see the backtest for how that number is checked); the
output's ``borrowed_from`` and ``borrowed_share`` say how much of the answer is borrowed.

Files in data-flow order: ``config`` (parameters, columns), ``inputs`` (whose dynamics, the year's profile),
``engine`` (distributions and the output table), ``realtime`` (the forecast as of every month so far),
``stage`` (the command and the DVC stage).

CLI: ``python -m pipeline forecast --as-of YYYY-MM [--indicators F ...] [--targets F] [--region S ...]
[--method NAME|all] [--out F.csv]``. Stage: ``python -m pipeline forecast --stage KEY`` writes
``data/processed/forecast/REGION/AS_OF.csv`` for one ``briefings`` entry of params.yaml.
"""
from pipeline.model.forecast.config import (ANNUAL_CHOICE, COLUMNS, DEFAULT_CHOICE, FORECAST_DIR, GROWTH_INDICATORS,
                                            METHODS, Config)
from pipeline.model.forecast.inputs import dynamics_source, gdp_profile, profile_for
from pipeline.model.forecast.engine import AnnualModel, forecast_region, indicator_draws, method_draws, status_of

__all__ = ["ANNUAL_CHOICE", "COLUMNS", "DEFAULT_CHOICE", "FORECAST_DIR", "GROWTH_INDICATORS", "METHODS", "Config",
           "dynamics_source", "gdp_profile", "profile_for", "AnnualModel", "forecast_region", "indicator_draws",
           "method_draws", "status_of"]
