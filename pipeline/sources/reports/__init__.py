"""Work reports -> typed target rows, by deterministic rules for the language of these reports.

Modules in data-flow order: ``read`` (file bytes -> text: encodings, .docx, .html), ``identify``
(region and year from the text or a ``FILE.meta.yaml`` sidecar), ``quantities`` (normalised text and
numbers with units), ``structure`` (parts and sections), ``phrases`` (labels, indicator slugs),
``parse`` (targets and outcomes of one text), ``outcomes`` (last year's outcomes as signed growth or
levels), ``score`` (against a hand-labelled list).

A government work report states its main expected targets (主要预期目标是: ...) once, scatters
dozens of other quantified commitments through the plan part, and reviews last year's outcomes
before that. ``parse_report`` returns all three as plain dicts and reads no file, so a new region or
year costs only its text; with them, the main-target clauses it could not read (``Parsed.unread``), so a
main target never vanishes silently. Invisible characters (zero-width space, soft hyphen ...) are read
through.

Rules, not sentences, decide what a number is:
* a quantity is a number (Arabic, full-width or Chinese) followed by a unit (``UNIT_BASES``);
* a quantity that closes its phrase (``...项目20个,``) is a commitment; one that modifies a noun
  (``10亿元以上投资项目...``) is a threshold unless an action verb or 等 introduces it and nothing
  else in the phrase is counted (``完成1.6万户城乡居民供水设施建设``);
* numbers inside quotation marks are names or slogans (“三类500强”), after 第/每/前 ordinals;
* the review part (回顾, 过去一年) gives outcomes, the glossary (名词解释) nothing.

Offsets index the text ``read_report`` returns (BOM dropped, line endings ``\\n``): ``start``/``end``
delimit ``sentence``, ``span_start``/``span_end`` the phrase ``quote`` that states the target.
"""
from pipeline.sources.reports.identify import Identity, identify, read_sidecar, region_from_text, year_from_text
from pipeline.sources.reports.parse import OUTCOME_COLUMNS, TARGET_COLUMNS, Parsed, parse_report
from pipeline.sources.reports.phrases import indicator_for
from pipeline.sources.reports.quantities import chinese_number, find_quantities, normalize
from pipeline.sources.reports.read import ReportError, decode, read_report
from pipeline.sources.reports.score import Score, score

__all__ = [
    "OUTCOME_COLUMNS", "TARGET_COLUMNS", "Identity", "Parsed", "ReportError", "Score", "chinese_number", "decode",
    "find_quantities", "identify", "indicator_for", "normalize", "parse_report", "read_report", "read_sidecar",
    "region_from_text", "score", "year_from_text",
]
