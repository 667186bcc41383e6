"""Stage ``backtest``: rolling-origin, real-time evaluation of the forecasters on the national series.

For every year and as-of month (2-11 for monthly indicators, quarter ends 3, 6, 9 for GDP), each
method sees only the data published for periods up to the as-of month (``data.cut_as_of``) and
learns only from earlier years; its forecast of the December YTD growth is scored against the
December figure (first release where it exists).

The default is not fixed: for each scored year and indicator, the combination (weights, rule,
spread scale) with the lowest mean CRPS over the earlier years' cases is used (``scoring.nested_choice``),
and, when ``backtest.recalibrate`` is on, its P(met) is recalibrated by a logistic map fitted on the
earlier years' default probabilities (applied to the whole distribution, ``forecasters.recalibrate``),
so every headline number is out of sample. ``default_raw`` is then the chosen combination before
recalibration. ``default_before`` is the fixed
equal-weight combination without any calibration (the engine before issue 10). Years before
``first_year`` are run only to give the early scored years something to learn from. The choice on all years up to ``last_year`` is what the
live forecasts use next (``data/processed/default_choice.json``).

Probabilities are scored on thresholds at last year's outcome and +-1 pp, and on the real national
targets (GDP 2005-2026), against three baselines: carry-forward's own distribution, the base rate
(share of earlier years that met the same kind of threshold) and the step rule (latest YTD at or
above the threshold). Every metric is given for ordinary years, shock years (``regimes.shock_years``)
and all years (``backtest_metrics.py``).

Files in data-flow order: ``evaluate`` (one forecast per method, year and month, scored), ``choice`` (the nested
choice of the default), ``borrowing`` (the widening of borrowed forecasts), ``stage`` (command and DVC stage).

CLI: ``python -m pipeline backtest [--indicators F ...] [--years Y ...] [--targets F] [--out F]``.
"""
from pipeline.evaluation.backtest.evaluate import (BASE_METHODS, CHOICE_LOSSES, THRESHOLD_KINDS, Candidate, candidates,
                                               cases, choice_label, choice_loss, evaluate_case, load_params,
                                               load_shock_years, run_cases, tail_weights, thresholds)
from pipeline.evaluation.backtest.choice import final_choice, nested_choices, recalibrations, run_backtest, year_configs
from pipeline.evaluation.backtest.borrowing import (borrowing_backtest, borrowing_cases, borrowing_summary,
                                                    nested_widening, widening_rule)
from pipeline.evaluation.backtest.stage import check_scorable, national_targets

__all__ = ["BASE_METHODS", "CHOICE_LOSSES", "THRESHOLD_KINDS", "Candidate", "candidates", "cases", "choice_label",
           "choice_loss", "evaluate_case", "load_params", "load_shock_years", "run_cases", "tail_weights",
           "thresholds", "final_choice", "nested_choices", "recalibrations", "run_backtest", "year_configs",
           "borrowing_backtest", "borrowing_cases", "borrowing_summary", "nested_widening", "widening_rule",
           "check_scorable", "national_targets"]
