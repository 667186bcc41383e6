"""Region and indicator registries: the one place slugs are defined.

Every stage and parser reads slugs from here; the CSV files beside this module are the source.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from pipeline.common.paths import REGISTRIES


@dataclass(frozen=True)
class Region:
    slug: str
    name_zh: str
    name_en: str
    level: str
    parent: str | None
    admin_code: str | None


@dataclass(frozen=True)
class Indicator:
    slug: str
    name_zh: str
    name_en: str
    frequency: str  # "monthly" or "quarterly"
    published_as: str
    jan_feb_combined_from: int | None  # first year January is only released with February
    level_unit: str
    aliases_zh: tuple[str, ...]


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(REGISTRIES / name, dtype=str, keep_default_na=False)


@lru_cache(maxsize=None)
def regions() -> dict[str, Region]:
    """Named regions (regions.csv) and prefecture cities known only by admin code (cities.csv)."""
    out = {}
    table = pd.concat([_read("regions.csv"), _read("cities.csv")], ignore_index=True)
    for r in table.itertuples(index=False):
        out[r.slug] = Region(r.slug, r.name_zh, r.name_en, r.level, r.parent or None, r.admin_code or None)
    return out


@lru_cache(maxsize=None)
def indicators() -> dict[str, Indicator]:
    out = {}
    for r in _read("indicators.csv").itertuples(index=False):
        out[r.slug] = Indicator(
            r.slug, r.name_zh, r.name_en, r.frequency, r.published_as,
            int(r.jan_feb_combined_from) if r.jan_feb_combined_from else None,
            r.level_unit, tuple(a for a in r.aliases_zh.split("|") if a),
        )
    return out


def region(slug: str) -> Region:
    try:
        return regions()[slug]
    except KeyError:
        raise KeyError(f"unknown region {slug!r} (slugs are listed in pipeline/sources/registries/regions.csv and "
                       "cities.csv)") from None


def indicator(slug: str) -> Indicator:
    try:
        return indicators()[slug]
    except KeyError:
        raise KeyError(f"unknown indicator {slug!r}; known: {', '.join(sorted(indicators()))}") from None


def region_by_code(admin_code: str) -> str | None:
    """Slug of the region with this admin code (430100 -> changsha; unnamed cities are their own code)."""
    return next((r.slug for r in regions().values() if r.admin_code == admin_code), None)


def ancestors(slug: str) -> list[str]:
    """Parent chain of a region, nearest first (xiangjiang -> changsha, hunan, china)."""
    chain, cur = [], region(slug).parent
    while cur:
        chain.append(cur)
        cur = region(cur).parent
    return chain


def indicator_by_alias(name_zh: str) -> str | None:
    """Slug whose Chinese alias is the longest one contained in ``name_zh``, or None."""
    best, best_len = None, 0
    for ind in indicators().values():
        for alias in ind.aliases_zh:
            if alias in name_zh and len(alias) > best_len:
                best, best_len = ind.slug, len(alias)
    return best


_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def _short_name(name_zh: str) -> str:
    for suffix in _SUFFIXES:
        if name_zh.endswith(suffix) and len(name_zh) > len(suffix) + 1:
            return name_zh[: -len(suffix)]
    return name_zh


def region_by_name(name_zh: str) -> str | None:
    """Slug of the region named ``name_zh`` (full name, or without 省/市/自治区; 湖南湘江新区 also as 湘江新区)."""
    name_zh = name_zh.strip()
    for r in regions().values():
        names = {r.name_zh, _short_name(r.name_zh), r.name_zh.removeprefix("湖南")}
        if name_zh in names:
            return r.slug
    return None


class UnknownName(ValueError):
    """A region or indicator name the registry does not know; the message suggests the closest ones."""


def _fold(text: str) -> str:
    return "".join(text.split()).casefold()


# Short forms people write that the suffix rule does not give (内蒙古自治区 -> 内蒙古 by rule, 内蒙 by habit).
_COMMON_SHORT = {"neimenggu": ("内蒙",)}
_LEVEL_WORDS = {"province": " province", "prefecture": " city"}


def _region_names(r: Region) -> set[str]:
    """Every spelling resolve_region accepts for ``r``: slug, names, short forms, 'Hunan Province', admin code."""
    names = {r.slug, r.name_en, r.name_zh, _short_name(r.name_zh), r.name_zh.removeprefix("湖南"),
             *_COMMON_SHORT.get(r.slug, ())}
    if r.level == "district" and r.name_zh.endswith("区") and len(r.name_zh) > 2:
        names.add(r.name_zh[:-1])  # 岳麓区 -> 岳麓
    if r.name_en and r.level in _LEVEL_WORDS:
        names.add(r.name_en + _LEVEL_WORDS[r.level])
    if r.admin_code and r.name_zh:
        names.add(r.admin_code)
    return {_fold(n) for n in names if n}


def _suggest(text: str, choices: dict[str, str], what: str, label=lambda slug: slug, n: int = 5) -> str:
    """'unknown region '湖男'; did you mean: 湖南省 (hunan), 湖北省 (hubei)' without listing every code."""
    import difflib

    key = _fold(text)
    close = difflib.get_close_matches(key, list(choices), n=n * 3, cutoff=0.5)
    close += [c for c in choices if key and len(c) > 1 and (key in c or c in key) and c not in close]
    slugs = list(dict.fromkeys(choices[c] for c in close))[:n]
    hint = f"; did you mean: {', '.join(label(s) for s in slugs)}" if slugs else ""
    return f"unknown {what} {text!r}{hint}"


_NATION_NAMES = ("全国", "中华人民共和国", "国家")


def resolve_region(text: str) -> str:
    """The region slug for what a person types: slug, Chinese name full or short (湖南, 湖南省, 湘江新区), English name.

    Raises UnknownName with the closest named regions; unnamed cities are matched by admin code only.
    """
    key = _fold(str(text))
    by_name: dict[str, str] = {_fold(n): "china" for n in _NATION_NAMES}
    for r in regions().values():
        for n in _region_names(r):
            by_name.setdefault(n, r.slug)
    if key in by_name:
        return by_name[key]
    named = {n: r.slug for r in regions().values() if r.name_zh for n in _region_names(r)}
    raise UnknownName(_suggest(str(text), named, "region",
                               label=lambda s: f"{region(s).name_zh} ({s})"))


def resolve_indicator(text: str) -> str:
    """The indicator slug for a slug in any case (GDP), a Chinese or English name or alias (地区生产总值)."""
    key = _fold(str(text))
    names: dict[str, str] = {}
    for ind in indicators().values():
        for n in (ind.slug, ind.name_zh, ind.name_en, *ind.aliases_zh):
            names.setdefault(_fold(n), ind.slug)
    if key in names:
        return names[key]
    contained = indicator_by_alias(str(text))
    if contained:
        return contained
    raise UnknownName(_suggest(str(text), names, "indicator",
                               label=lambda s: f"{indicator(s).name_zh} ({s})"))
