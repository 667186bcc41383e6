"""Normalised text and the numbers in it: a quantity is a number (Arabic, full-width or Chinese) plus a unit.

Normalising is one character in, one character out, so offsets in the normalised text are offsets in
the text that was read."""
from __future__ import annotations

import re
from dataclasses import dataclass


# One character in, one character out, so offsets in the normalised text are offsets in the original.
_FULLWIDTH = {chr(0xFF01 + i): chr(0x21 + i) for i in range(94)}
_FULLWIDTH.update({"\u3000": " ", "\u00a0": " ", "\ufe6a": "%", "\u2013": "-", "\u2212": "-", "\ufe63": "-",
                   "\u2014": "—", "\u2015": "—", "\u301c": "~"})
_TRANSLATE = str.maketrans(_FULLWIDTH)


def normalize(text: str) -> str:
    """Half-width digits, %, parentheses and punctuation; same length as ``text``."""
    return text.translate(_TRANSLATE)


# Characters that print as nothing: zero-width space, (non-)joiners, word joiner, byte-order mark inside the text,
# soft hyphen, direction marks and embeddings, invisible operators, variation selectors. A web copy can hide one
# inside a number (5\u200b.5%) or a name (地区生产\u00ad总值); they are read through, never part of a word.
INVISIBLE = re.compile("[\u00ad\u034f\u061c\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
                       "\ufe00-\ufe0f\ufeff]")


def visible(text: str) -> tuple[str, list[int] | None]:
    """``text`` without invisible characters, and where each kept character was (None when nothing was dropped).

    The positions map an offset in the visible text back to ``text``: ``where[i]`` for a start, ``where[i - 1] + 1``
    for an end; one extra entry, ``len(text)``, ends the list.
    """
    dropped = [m.start() for m in INVISIBLE.finditer(text)]
    if not dropped:
        return text, None
    where, kept_from = [], 0
    for i in dropped:  # ranges between the dropped characters: linear, and fast on a long text
        where.extend(range(kept_from, i))
        kept_from = i + 1
    where.extend(range(kept_from, len(text) + 1))
    return INVISIBLE.sub("", text), where


# --------------------------------------------------------------------------- quantities

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_POWERS = {"十": 10, "百": 100, "千": 1000}

_MULTIPLIERS = ("万亿", "千亿", "百亿", "千万", "百万", "十万", "亿", "万", "千", "百")
# Counted or measured things; years, months and days are never targets here.
UNIT_BASES = (
    "个百分点", "百分点", "万千瓦时", "千瓦时", "平方公里", "平方米", "立方米", "吨标准煤", "标准箱", "标箱",
    "人次", "辆次", "架次", "艘次", "场次", "户次", "批次", "公里", "千米", "公顷", "公斤", "千克", "千瓦", "兆瓦", "吉瓦",
    "美元", "欧元", "小时", "分钟", "微克",
    "元", "吨", "斤", "亩", "米", "人", "名", "位", "户", "个", "家", "项", "件", "次", "所", "座", "处", "条", "支",
    "套", "台", "辆", "张", "床", "批", "头", "株", "棵", "场", "栋", "间", "列", "艘", "架", "部", "种", "款",
    "宗", "块", "例", "门", "盏", "根", "篇", "只", "趟", "度", "岁", "天", "倍", "%", "‰",
)
_MONEY = ("元", "美元", "欧元")
# Unit character + next character that make a word, not a measure word (项目, 家庭, 台账 ...).
_STOP_BIGRAMS = frozenset(
    "项目 家庭 家电 家居 家政 家园 家乡 家属 家长 家具 台账 台阶 座谈 所有 所属 所得 所在 处理 处置 处于 条件 条例 "
    "条款 件事 名单 名称 名录 名牌 名片 名优 次年 次数 人民 人口 人员 人才 人工 人社 人大 人均 人力 人文 人居 元素 "
    "个性 个体 个人 个税 户籍 户外 场景 场所 场馆 种植 种业 种子 种养 批准 批发 支持 支撑 支付 支出 支柱 套餐 部门 "
    "部署 部分 部件 门户 门槛 门类 类型 头部 度假 列车 例如 天然 天府 天空 倍增 架构 位置 位于 米粮 张贴 间隔 块链 "
    "根本 根据 只有 只要 款项 宗旨 栋梁".split()
)

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CNUM = r"[零〇一二两三四五六七八九十百千]+"
_UNIT = ("(?:" + "|".join(_MULTIPLIERS) + ")?(?:" + "|".join(re.escape(u) for u in UNIT_BASES) + ")"
         r"(?:/(?:日|天|年|秒|小时|时|立方米|平方米|人))?")  # 30万吨/日
_RANGE_SEP = r"\s*(?:-|—{1,2}|~|至|到)\s*"
_QTY_RE = re.compile(
    rf"(?P<lo>{_NUM}|{_CNUM})(?:\s*(?P<lo_pct>%))?(?:{_RANGE_SEP}(?P<hi>{_NUM}|{_CNUM}))?\s?(?P<unit>{_UNIT})"
)


def chinese_number(s: str) -> float:
    """一百零五 -> 105, 二〇二四 -> 2024; 万 and 亿 stay with the unit (三十万人 = 30 万人)."""
    if not any(ch in _CN_POWERS for ch in s):
        return float("".join(str(_CN_DIGITS[ch]) for ch in s))
    total, digit = 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_POWERS[ch]
            digit = None
    return float(total + (digit or 0))


def _number(s: str) -> float:
    return float(s.replace(",", "")) if s[0].isdigit() else chinese_number(s)


@dataclass
class Quantity:
    start: int  # first character of the number
    end: int  # after the unit
    value: float
    value_high: float | None
    unit: str  # as written ('万人次', '%'), 'pp' for 个百分点
    chinese: bool
    post: str = ""  # 以上, 左右 ... written right after the unit
    post_end: int = 0

    @property
    def is_pct(self) -> bool:
        return self.unit == "%"

    @property
    def is_money(self) -> bool:
        return self.unit.endswith(_MONEY)


_POST_QUALIFIERS = ("以上", "以下", "以内", "左右", "上下", "多", "余")


def find_quantities(norm: str) -> list[Quantity]:
    """Every number-with-unit in normalised text, minus words that only look like one (项目, 第三)."""
    out = []
    for m in _QTY_RE.finditer(norm):
        a, b = m.span()
        prev = norm[a - 1] if a else ""
        if prev and (prev.isascii() and (prev.isalnum() or prev == ".")):
            continue
        if prev in "第每前届":
            continue
        unit = m["unit"]
        nxt = norm[b] if b < len(norm) else ""
        if (unit[-1] + nxt) in _STOP_BIGRAMS:
            continue
        chinese = not m["lo"][0].isdigit()
        if chinese and m["lo"] in ("百", "千"):
            continue
        if unit in ("个百分点", "百分点"):
            unit = "pp"
        if m["lo_pct"] and unit != "%":
            continue
        value = _number(m["lo"])
        high = _number(m["hi"]) if m["hi"] else None
        if prev == "-" and a >= 2 and "\u4e00" <= norm[a - 2] <= "\u9fff":  # 增长-2%: a minus, not a range or list mark
            a, value, high = a - 1, -value, (-high if high is not None else None)
        post, post_end = "", b
        for word in _POST_QUALIFIERS:
            if norm.startswith(word, b):
                post, post_end = word, b + len(word)
                break
        out.append(Quantity(a, b, value, high, unit, chinese, post, post_end))
    return out
