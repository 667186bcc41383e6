"""Monthly briefing: what an official reads in two minutes, in one language.

Data flow: ``model`` (the forecast now, its real-time path month by month, what moved it, the
backtest record) -> ``text`` (verdicts, tables, notes and sources worded from ``pipeline/presentation/i18n``,
numbers via ``fmt``) and ``charts`` -> the thin notebook ``notebooks/briefing.ipynb`` -> ``runner``
(papermill, strip, HTML, ``headline.json``; the CLI and the DVC stage).

Names are resolved lazily so the forecast stage, which imports ``model`` for the real-time path,
does not load (or depend on) the wording and running code.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "Briefing": "model", "BriefingInputError": "model", "build": "model", "validate_request": "model",
    "BriefingError": "runner", "add_arguments": "runner", "headline_metrics": "runner", "render": "runner",
    "run": "runner",
    "stage": "runner", "strip_volatile": "runner", "write_headline": "runner",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
