"""Presentation: pages and pictures for people: ``i18n`` (every reader-facing string, one catalogue per
language), ``plots`` (charts), ``briefing`` (the monthly briefing), ``scoreboard``, ``explore`` and
``backtest_plots`` (the images `dvc plots show` opens). Imports every layer below; nothing imports it.
"""
