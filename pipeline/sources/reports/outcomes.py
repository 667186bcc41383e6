"""Last year's outcomes as a report states them, made comparable: indicator, signed growth, level in 亿元.

A review names its indicators with whatever prefix or suffix the sentence needs (2024年全省地区生产总值,
全疆地区生产总值同比, 地区生产总值预计): they are stripped until a registry alias is left. A decline
(下降2%) is a growth of -2, as 增长-2% is; a level beside the growth (6.36万亿元) stays a level, in
``level_cny_100m`` when it is an amount of yuan.

A figure whose own phrase names nothing (全年增长4.8%, 2024年达到1.3万亿元) is of the indicator named
before it: the parser continues the figure just before (地区生产总值5.3万亿元、全年增长4.8%), and ``carry``
walks back over phrases that name nothing to the nearest one that names something (全省地区生产总值连跨4个
千亿台阶，2024年达到1.3万亿元、增长5.8%), taking its indicator when that name is a registry alias at the
start of the phrase (海洋生产总值 is not GDP).
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.sources.reports.phrases import _aliases, indicator_for

_PREFIXES = re.compile(
    r"^(?:(?:19|20)\d\d\s*年(?:全年)?|去年|上年|全年|一年来|预计|初步核算|经初步核算|初步统计|完成|实现"
    r"|全[\u4e00-\u9fff](?!会)|本[省市区县]|我[省市区县])"
)  # 全X is a scope (全省, 全疆, 全川) except 全社会, which belongs to the name
_SUFFIXES = ("同比", "实际", "预计", "初步核算", "累计", "总量", "比上年", "较上年", "比去年", "实现", "达到", "完成", "分别",
             "增长", "增速", "为", "达")
# Names the registry does not list that reviews use for an indicator (全省经济总量达5.3万亿元、增长4.8%).
_OTHER_NAMES = {"经济总量": "gdp"}
# Words that name no subject: time, scope, basis and estimate words, links and growth verbs.
_BARE_WORD = (r"(?:\s|[,、]|(?:19|20)\d\d\s*年(?:度|全年)?|全年|年内|当年|去年|上年|一年来|预计|初步(?:核算|统计|预计)"
              r"|经初步核算|同比|比上年(?:同期)?|较上年|比去年|较去年|实际|名义|累计|总量|其中|全(?![国面会部体球力])[\u4e00-\u9fff]"
              r"|本[省市区县]|我[省市区县]|按[^,;。、]{1,6}计算|扣除价格因素(?:后)?)")
_BARE = re.compile(_BARE_WORD + "*")
_LINKS = (r"(?:达到|达|为|实现|完成|突破|超过|迈上|增长|增速|增幅|下降|降幅|提高到|提高|提升|增至|约|近|超)")
_SUBJECTLESS = re.compile(f"(?:{_BARE_WORD}|{_LINKS})*")
_PIECE_END = ",;:、。!?"
_NOT_A_NAME_END = "中占的构"  # 地区生产总值中第三产业..., 地区生产总值占全国...: a part, not the whole
# 亿元 per unit written; yuan only (美元 and 欧元 amounts are not CNY)
_TO_100M = {"万亿": 1e4, "千亿": 1e3, "百亿": 1e2, "亿": 1.0, "千万": 1e-1, "百万": 1e-2, "十万": 1e-3, "万": 1e-4,
            "千": 1e-5, "百": 1e-6, "": 1e-8}


def outcome_indicator(label: str) -> str | None:
    """Registry slug of an outcome's label, prefixes (year, scope, 预计) and suffixes (同比, 预计) aside."""
    core = re.sub(r"\([^)]*\)", "", label or "").strip()
    seen = set()
    while core and core not in seen:
        seen.add(core)
        slug = indicator_for(core) or _OTHER_NAMES.get(core)
        if slug:
            return slug
        m = _PREFIXES.match(core)
        if m and m.end() < len(core):
            core = core[m.end():].strip(" ,、")
            continue
        tail = next((s for s in _SUFFIXES if core.endswith(s) and len(core) > len(s)), None)
        if tail:
            core = core[: -len(tail)].strip(" ,、")
    return None


def level_cny_100m(value: float | None, unit: str) -> float | None:
    """An amount of yuan in 亿元 (6.36万亿元 -> 63600); None for anything else."""
    if value is None or value != value or not unit.endswith("元") or unit.endswith(("美元", "欧元")):
        return None
    factor = _TO_100M.get(unit[:-1])
    return None if factor is None else round(value * factor, 6)


def finish(row: dict) -> dict:
    """An outcome row in its final form: indicator, signed growth, level in 亿元."""
    row["indicator"] = row.get("indicator") or outcome_indicator(row["label"])
    if row["measure"] == "decline":
        for col in ("value", "value_high", "outcome_pct", "outcome_high_pct"):
            if row.get(col) is not None:
                row[col] = -row[col]
        if row["unit"] in ("%", "pp"):
            row["measure"] = "growth"
    row["level_cny_100m"] = level_cny_100m(row["value"], row["unit"]) if row["measure"] == "level" else None
    return row


def is_bare(label: str) -> bool:
    """True when ``label`` names nothing: only time, scope, basis or estimate words (全年, 2024年, 同比, 预计全省)."""
    return bool(_BARE.fullmatch(label or ""))


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], re.Pattern]:
    """Every indicator name and a pattern matching one (longest first) at the start of a phrase."""
    names = {**_aliases(), **_OTHER_NAMES}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return names, re.compile(f"(?:{alternatives})(?![{_NOT_A_NAME_END}])")


def name_at_start(core: str) -> tuple[str | None, str]:
    """(slug, name as written) when ``core`` starts with an indicator's name, else (None, '')."""
    names, pattern = _names()
    m = pattern.match(core)
    return (names[m.group()], m.group()) if m else (None, "")


def _piece_start(norm: str, floor: int, end: int) -> int:
    """Start of the phrase that ends at ``end``: after the last clause mark or 、 before it, ``floor`` at most."""
    return max(floor, *(norm.rfind(c, floor, end) + 1 for c in _PIECE_END))


def _subject(piece: str) -> str:
    """The phrase without its leading words that name nothing (全省, 2024年, 预计, 达到, 增长 ...)."""
    piece = piece.strip()
    return piece[_SUBJECTLESS.match(piece).end():]


def named_before(norm: str, pos: int) -> tuple[str | None, str]:
    """Indicator named by the nearest phrase before ``pos`` (same paragraph) that names anything.

    Phrases that name nothing (全年增长, 2024年达到1.3万亿元) are passed over; the first that names something
    decides: its leading name's slug and the name, or (None, '') when it names no registry indicator.
    """
    floor = norm.rfind("\n", 0, pos) + 1
    end = pos
    while end > floor:
        start = _piece_start(norm, floor, end)
        core = _subject(norm[start:end])
        end = start - 1  # the next phrase ends at the mark before this one
        if not core or core[0].isdigit():
            continue  # 全年增长, 2024年达到1.3万亿元: names nothing
        slug, name = name_at_start(core)
        if slug is None and core.startswith("增加值") and end > floor:
            # 规模以上工业企业达7.6万家、增加值增长3%: the value added of the enterprises just named
            before = _subject(norm[_piece_start(norm, floor, end):end])
            if "企业" in before:
                name = before[:before.index("企业")] + "增加值"
                slug = indicator_for(name)
        return (slug, name) if slug else (None, "")
    return None, ""


def carry(rows: list[dict], norm: str) -> None:
    """Give each outcome without an indicator the one named just before it when its own phrase names nothing."""
    for row in rows:
        at = row.get("_number_start")
        if row["indicator"] or at is None:
            continue
        slug, name = named_before(norm, at)
        if slug:
            row["indicator"], row["label"] = slug, name
