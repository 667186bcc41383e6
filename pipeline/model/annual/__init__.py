"""Annual forecaster: the full-year outcome of a region that has a target but no YTD figure of its own.

Provinces and cities publish their full-year growth once a year, so for most region-years the only
evidence before the year ends is (a) the region's own record against its targets, (b) the target against
last year's outcome and (c) the national monthly/quarterly picture. The model is deliberately small:

    outcome_pct = anchor_pct + predicted margin_pp + spread_pp * t_df

- anchor: the region's target when it has one ("target" mode); otherwise last year's national December
  growth ("national" mode, a fallback so that every region gets a forecast).
- predicted margin: one weighted least-squares regression per (indicator, level, forecast year, as-of
  month), pooled over all regions of the level and estimated on ordinary years before the forecast year
  only, of the margin on ``region_features`` (params; default the two issue 10 names)
    shrunk_mean_pp    the region's recency-weighted mean past margin, shrunk towards the level's mean
                      (``shrink_years`` pseudo-years; ``auto``: empirical Bayes from earlier years);
    gap_pp            the ambition gap: the anchor minus the region's own outcome last year as known in
                      January (first release; the revised figure only where the data have no first release,
                      and then ``last_outcome_kind`` says so). Not used the year after a shock year;
    (lag_pp, anchor_change_pp: last year's margin and the change of the target, the issue-7 features, kept
     as candidates of the backtest's nested choice)
    level_lag_pp      the mean margin of all regions of the level last year (the national mood);
    nat_<ind>_change_pp  as of month m > 0: national YTD growth at the latest month <= m minus the same
                      month last year (GDP quarterly, industrial value added monthly; first releases).
  Year-level features (the last two) enter only once ``min_years_national`` training years exist.
- shock years (``regimes.shock_years``): their outcomes are kept out of the record, the regression and the
  spread; they are still forecast (with the ordinary-year model) and scored apart.
- spread: recency-weighted root mean square of leave-one-year-out residuals (years, not rows, are left
  out, since errors are shared by all regions in a year). ``spread_model: level`` makes it proportional
  to the growth level (residuals divided by max(anchor, ``spread_floor_pct``)): a 1 pp miss meant little at
  12% growth and means a lot at 5%. Drawn as Student-t with df = training years - 1.
- any other indicator (industry, investment, retail, revenue ...) with last year's outcome:
  ``anchored_draws``, last year's outcome moved by the national change so far, with the spread of
  year-on-year changes of December outcomes (local records and the national series; "thin" when few).
- draws are rounded to ``outcome_precision_pp`` because outcomes are published to 0.1 pp and an outcome
  equal to the target counts as met.

Only outcomes of years before the forecast year are used (last year's as first released); national data
only up to the as-of month. Month 0 means "as of January, before any current-year figure".

Files in data-flow order: ``panel`` (parameters, the live choice, the panel of targets and outcomes),
``regression`` (GDP against its target), ``anchored`` (other targets, P(met), the blend with YTD forecasts).

Public API
    load_params(path=PARAMS) -> dict
    live_choice(path) -> {level: settings}      the annual backtest's choice on all its years (annual_choice.json)
    build_panel(record, observations) -> Panel
    annual_draws(panel, region, indicator, year, as_of_month, n_draws=4000, seed=0, *, target_pct=None,
                 qualifier=None, params=None) -> (ndarray, dict)
    p_met(draws, target_pct, qualifier, *, relative_outcome=None, tolerance_pp=0.0, tolerant=False) -> float
    annual_p_met(panel, region, indicator, year, as_of_month, ...) -> (float, ndarray, dict)
    anchored_draws(panel, region, indicator, year, as_of_month, last_pct, ...) -> (ndarray, dict)
    last_outcome(panel, region, indicator, year) -> (float, kind)
    blend(annual_draws, ytd_draws, weight_ytd, *, seed=0, method="mixture") -> ndarray
    precision_weight(annual_draws, ytd_draws) -> float
    forecast_regions(panel, regions, indicator, year, as_of_month, ...) -> DataFrame
"""
from pipeline.model.annual.panel import (DEFAULTS, FROM_BELOW, NATIONAL, REGION_FEATURES, SPREAD_MODELS, Panel,
                                         build_panel, last_outcome, level_of, live_choice, load_params,
                                         national_change_pp, national_outcome_pct)
from pipeline.model.annual.regression import annual_draws
from pipeline.model.annual.anchored import (QUANTILE_COLUMNS, anchored_draws, annual_p_met, blend, change_pairs,
                                            forecast_regions, national_move_pp, p_met, precision_weight)

__all__ = ["DEFAULTS", "FROM_BELOW", "NATIONAL", "REGION_FEATURES", "SPREAD_MODELS", "Panel", "build_panel",
           "last_outcome", "level_of", "live_choice", "load_params", "national_change_pp", "national_outcome_pct",
           "annual_draws", "QUANTILE_COLUMNS", "anchored_draws", "annual_p_met", "blend", "change_pairs",
           "forecast_regions", "national_move_pp", "p_met", "precision_weight"]
