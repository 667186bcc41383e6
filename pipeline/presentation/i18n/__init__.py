"""User-facing strings: one catalogue per language (``zh.yaml``, ``en.yaml``), looked up by dotted key.

Briefings, the scoreboard and CLI messages read every sentence a person sees from here, so a
Chinese page is entirely Chinese and an English page entirely English. Keys are grouped by the
product part that uses them (``briefing.*``, ``scoreboard.*``, ``status.*``, ``vintage.*`` ...).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pipeline.common import yamlio


LANGS = ("zh", "en")
_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return yamlio.load_file(_DIR / f"{lang}.yaml", kind="yaml") or {}


def t(key: str, lang: str, **values) -> str:
    """The string at ``key`` (e.g. ``status.on_track``) in ``lang``, formatted with ``values``.

    A missing key raises KeyError naming the key and language: a gap in a catalogue is a bug, not a
    reason to show the other language.
    """
    node = catalogue(lang)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"no string {key!r} in the {lang} catalogue (pipeline/presentation/i18n/{lang}.yaml)")
        node = node[part]
    return str(node).format(**values) if values else str(node)
