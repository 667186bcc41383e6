"""Periods as releases write them, and the year they belong to.

``1—10月份``, ``1-10月份``, ``1~2月份``, ``1-2月累计``, ``1-2月`` -> year to date; ``10月份`` -> a single month;
``一季度`` (year to date and the single quarter), ``二季度`` ... (a single quarter), ``上半年``, ``前三季度``, ``全年``,
``2024年,`` -> year to date; English ``the first seven months of 2019``, ``In October``, ``the first half``.
A period right after 比/较/与/同/than/from is what a figure is compared with, never the period it is for.
``12月份`` in a text whose dashes were dropped (``110月份``) may be ``1—2月份``: marked ambiguous.

The year: the text's own (``2018年1-10月份``, a title or table title ``2022年10月份...主要数据``), else the
release's date line (``2017-05-15``, ``(2023年11月15日)``: a month at or after the date's month is of the
year before), else what the caller gives (``--year``, a sidecar).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
           "十一": 11, "十二": 12}
_EN_NUM = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
           "eleven": 11, "twelve": 12}
_EN_MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                          "september", "october", "november", "december"], start=1)}
_DASH = r"\s*[—\-~–至到]{1,2}\s*"
_YEAR = r"(?:(?P<year>(?:19|20)\d\d)\s*年\s*)?"
_ZH = re.compile(
    _YEAR + r"(?:"
    rf"(?P<ytd>1{_DASH}(?P<ytd_m>1[0-2]|[2-9])\s*月(?:份)?(?:累计)?)"
    r"|(?P<first3>前三季度|1\s*[—\-~]\s*3\s*季度)"
    r"|(?P<half>上半年)"
    r"|(?P<quarter>(?:第)?(?P<q>[一二三四1-4])\s*季度)"
    r"|(?P<month>(?P<m>1[0-2]|0?[1-9])\s*月(?:份)?(?![日末初底中上下旬号]|\d))"
    r"|(?P<full>全年)"
    r")"
    r"|(?P<bare>(?P<bare_year>(?:19|20)\d\d)\s*年(?=\s*[,:]|\s*$|以来))")
_EN = re.compile(
    r"(?P<en_ytd>(?:the\s+)?first\s+(?P<en_n>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})\s+"
    r"months(?:\s+of\s+(?:(?P<en_ytd_year>(?:19|20)\d\d)|the\s+year|this\s+year))?)"
    r"|(?P<en_q1>(?:the\s+)?first\s+quarter(?:\s+of\s+(?P<en_q1_year>(?:19|20)\d\d))?)"
    r"|(?P<en_half>(?:the\s+)?first\s+half(?:\s+(?:of\s+)?(?:the\s+year|(?P<en_half_year>(?:19|20)\d\d)))?)"
    r"|(?P<en_first3>(?:the\s+)?first\s+three\s+quarters(?:\s+of\s+(?P<en_first3_year>(?:19|20)\d\d))?)"
    r"|(?P<en_month>\b(?P<en_mname>January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b(?:\s+(?P<en_month_year>(?:19|20)\d\d))?)",
    re.I)
# What makes a period a comparison base: 比/较/与/同 just before it (增速比1-9月份回升), than/from ... in English.
_BASE_ZH = re.compile(r"(?:比|较|与|同|和|于|相比)\s*$")
_BASE_EN = re.compile(r"(?:than|from|over|compared\s+with|compared\s+to|as\s+in|that\s+in|that\s+of)\s*(?:that\s+in\s+|"
                      r"those\s+in\s+|the\s+same\s+period\s+of\s+)?(?:the\s+)?$", re.I)
_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:(-|/|\.)(\d{1,2})\2(\d{1,2})(?!\d)|\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日)")


@dataclass(frozen=True)
class Period:
    """A span a figure can be for: ``kind`` is ytd, month or quarter; ``month`` the span's last month."""
    kind: str
    month: int
    year: int | None  # written in the text; None: the release's year
    start: int
    end: int
    text: str
    base: bool = False  # a comparison base (比1-9月份), not the figure's own period
    ambiguous: str = ""  # why the span cannot be told (12月份 in a text with dropped dashes)


def _kind_month(m: re.Match) -> tuple[str, int, int | None]:
    g = m.groupdict()
    if g.get("ytd"):
        return "ytd", int(g["ytd_m"]), None
    if g.get("first3"):
        return "ytd", 9, None
    if g.get("half"):
        return "ytd", 6, None
    if g.get("quarter"):
        q = g["q"]
        return "quarter", 3 * (int(q) if q.isdigit() else _CN_NUM[q]), None
    if g.get("month"):
        return "month", int(g["m"]), None
    if g.get("full"):
        return "ytd", 12, None
    if g.get("bare"):
        return "ytd", 12, int(g["bare_year"])
    if g.get("en_ytd"):
        n = g["en_n"].lower()
        return "ytd", int(n) if n.isdigit() else _EN_NUM[n], int(g["en_ytd_year"]) if g.get("en_ytd_year") else None
    if g.get("en_q1"):
        return "quarter", 3, int(g["en_q1_year"]) if g.get("en_q1_year") else None
    if g.get("en_half"):
        return "ytd", 6, int(g["en_half_year"]) if g.get("en_half_year") else None
    if g.get("en_first3"):
        return "ytd", 9, int(g["en_first3_year"]) if g.get("en_first3_year") else None
    return "month", _EN_MONTHS[g["en_mname"].lower()], int(g["en_month_year"]) if g.get("en_month_year") else None


def find_periods(text: str, dashes_dropped: bool = False) -> list[Period]:
    """Every period written in ``text`` (a clause or sentence), in order, comparison bases marked."""
    out = []
    for pattern in (_ZH, _EN):
        for m in pattern.finditer(text):
            if m.group(0).strip() == "" or (pattern is _EN and m.group("en_mname") and m.group("en_mname").lower()
                                            == "may" and not m.group("en_mname")[0].isupper()):
                continue
            kind, month, year = _kind_month(m)
            if year is None and m.groupdict().get("year"):
                year = int(m.group("year"))
            if not 1 <= month <= 12 or (kind == "ytd" and month == 1):
                continue
            before = text[:m.start()]
            base = bool((_BASE_ZH if pattern is _ZH else _BASE_EN).search(before))
            ambiguous = ""
            if dashes_dropped and kind == "month" and month == 12 and not before.rstrip().endswith(("—", "-", "~")):
                ambiguous = "'12月份' in a text whose dashes were dropped (110月份 for 1—10月份) may be 1—2月份"
            out.append(Period(kind, month, year, m.start(), m.end(), m.group(0), base, ambiguous))
    return sorted(out, key=lambda p: p.start)


def publication_date(head_lines: list[str]) -> tuple[int, int, int] | None:
    """The release's date from its first lines (``2017-05-15 10:13``, ``(2023年11月15日)``, ``时间: 2020-11-20``)."""
    for line in head_lines:
        m = _DATE.search(line)
        if m:
            y, mo, d = int(m.group(1)), int(m.group(3) or m.group(5)), int(m.group(4) or m.group(6))
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return y, mo, d
    return None


def year_from_date(date: tuple[int, int, int], month: int) -> int:
    """Data for ``month`` published on ``date``: the same year when the month is before the date's month."""
    return date[0] if month < date[1] else date[0] - 1
