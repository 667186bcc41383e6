"""Evaluation: how good the model has been, scored out of sample.

``scoring`` (Brier, CRPS, coverage, regimes), ``backtest`` (rolling-origin backtest of the national
monthly series with the nested choice of the default), ``metrics`` (its headline and tables),
``annual_backtest`` (the annual model's backtest). Imports sources and model only.
"""
