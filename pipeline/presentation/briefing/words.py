"""The briefing's words: strings from the catalogue in the reader's language, names of regions and indicators
(national names for the nation), and a target's wording. Everything a sentence is built from."""
from __future__ import annotations

from pipeline.presentation import i18n
from pipeline.sources import registry
from pipeline.presentation.briefing import fmt
from pipeline.presentation.briefing.model import Briefing

SEP = {"zh": "；", "en": "; "}
STOP = {"zh": "。", "en": "."}
COMMA = {"zh": "，", "en": ", "}


def _national(b_or_lang) -> bool:
    """A briefing of the nation itself: it says 全国 and 国内生产总值, not 本地区 and 地区生产总值."""
    return not isinstance(b_or_lang, str) and registry.region(b_or_lang.region).level == "nation"


def t(b_or_lang, key: str, **values) -> str:
    lang = b_or_lang if isinstance(b_or_lang, str) else b_or_lang.lang
    text = i18n.t(key, lang, **values)
    if _national(b_or_lang):  # the nation's own figures are the national ones: 本地区 -> 全国
        for local, national in i18n.catalogue(lang)["briefing"]["national"]["words"]:
            text = text.replace(local, national)
    return text


def region_name(slug: str, lang: str) -> str:
    r = registry.region(slug)
    return (r.name_zh if lang == "zh" else r.name_en) or r.name_zh or r.name_en or slug


def indicator_name(slug: str, b_or_lang) -> str:
    """The indicator's name; given a briefing of the nation, its national name (国内生产总值)."""
    lang = b_or_lang if isinstance(b_or_lang, str) else b_or_lang.lang
    names = i18n.catalogue(lang)["briefing"]["national"]["names"]
    if _national(b_or_lang) and slug in names:
        return names[slug]
    ind = registry.indicator(slug)
    return ind.name_zh if lang == "zh" else ind.name_en


def short_indicator(slug: str, b_or_lang) -> str:
    """A short name for sentences and chart titles (GDP, 规上工业增加值); national names for the nation."""
    lang = b_or_lang if isinstance(b_or_lang, str) else b_or_lang.lang
    if _national(b_or_lang) and slug in i18n.catalogue(lang)["briefing"]["national"]["names"]:
        return indicator_name(slug, b_or_lang)
    return t(lang, f"briefing.short.{slug}") if slug in i18n.catalogue(lang)["briefing"]["short"] else \
        indicator_name(slug, lang)


def title(b: Briefing) -> str:
    return t(b, "briefing.title", region=region_name(b.region, b.lang), year=b.year,
             as_of=fmt.as_of_text(b.as_of, b.lang))


def target_wording(row, lang: str) -> str:
    """7%以上, 6%左右, 5%-5.5%, 高于经济增速 ... in the reader's language; a dash when there is no target."""
    q = row.get("qualifier")
    if not isinstance(q, str) or not q:
        return fmt.DASH
    low, high = row.get("target_pct"), row.get("target_high_pct")
    rel = row.get("relative_to")
    if q in ("above", "in_step"):
        rel_name = t(lang, "briefing.wording.economy") if rel == "gdp" or not isinstance(rel, str) or not rel \
            else short_indicator(rel, lang)
        return t(lang, f"briefing.wording.{q}", rel=rel_name)
    if q == "positive":
        return t(lang, "briefing.wording.positive")
    if fmt.missing(low):
        return fmt.DASH
    if q == "range" and not fmt.missing(high):
        return t(lang, "briefing.wording.range", low=fmt.target_number(low), high=fmt.target_number(high))
    key = q if q in ("at_least", "about", "strive", "exceed", "at_most") else "exact"
    return t(lang, f"briefing.wording.{key}", x=fmt.target_number(low))
