"""Sentences, clauses and the figures in them.

A sentence ends at ``。`` (or ``. `` in English); a line ending in ``;`` or ``:`` goes on into the next (the
lists under ``分季度看:``). A clause is a stretch between ``,`` and ``;`` outside brackets (``34,889.2`` is a
number, not two clauses). A clause's *head* is the subject it names before its predicate (``全国固定资产投资
(不含农户)`` in ``全国固定资产投资(不含农户)547567亿元``); an empty head, an adverbial one (``按可比价格计算``,
``考虑...影响``) or one that only describes the rate (``增速``) keeps the sentence's subject.

Figures: a growth rate is a number with ``%``/``percent`` or ``倍`` right after a growth verb (``增长``, ``下降``,
``up by``, ``a decrease of``); its lead (the clause before it) says what it is: year on year (``同比``, ``比上年``,
or nothing), month on month (``环比``, ``比上月``), against another base (``比2019年同期``), a two-year
average, the same-scope (``同口径``) rate, nominal or real. A level is a number with a money unit right after
the head (``社会消费品零售总额35534亿元``, ``reached RMB 4,045.4 billion``). Figures in brackets are asides
(``(扣除价格因素实际增长5.6%)``): read as notes, never as the figure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

_CJK = re.compile(r"[\u3400-\u9fff]")
_NUMBER = r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
GROWTH_RE = re.compile(_NUMBER + r"\s*(%|percent(?!age)(?!\s*points?\b)|倍)", re.I)
LEVEL_RE = re.compile(r"(?:RMB\s*|人民币\s*)?" + _NUMBER +
                      r"\s*(万亿元|亿元|万元|trillion\s+yuan|billion\s+yuan|(?<=\d)\s*trillion|(?<=\d)\s*billion)"
                      r"(?:\s+(?:yuan|RMB))?", re.I)
_PLUS = re.compile(r"(?:增长|上涨|上升|增加|增|growth\s+of|increase\s+of|rise\s+of|up\s+by|up|increased\s+by|"
                   r"increased|grew\s+by|grew|rose\s+by|rose|went\s+up\s+by|went\s+up|was\s+up\s+by|was\s+up)\s*(?:了)?\s*$",
                   re.I)
_MINUS = re.compile(r"(?:下降|下跌|减少|降低|decrease\s+of|decline\s+of|drop\s+of|fall\s+of|down\s+by|down|"
                    r"decreased\s+by|decreased|declined\s+by|declined|fell\s+by|fell|dropped\s+by|dropped|"
                    r"went\s+down\s+by|went\s+down|was\s+down\s+by|was\s+down)\s*(?:了)?\s*$", re.I)
_RATE_IS = re.compile(r"(?:增速|增幅)(?:为|是)\s*$")
_DROP_IS = re.compile(r"(?:降幅)(?:为|是)\s*$")
_MOM = re.compile(r"环比|比上月|较上月|month[- ]on[- ]month", re.I)
_YOY_EN = re.compile(r"year[- ]on[- ]year", re.I)
_AVG2 = re.compile(r"两年平均|平均增长|average\s+two[- ]?year|two[- ]?year\s+average|average\s+growth", re.I)
_SAME_SCOPE = re.compile(r"同口径")
_OTHER_BASE = re.compile(r"(?<![同环可对相])(?:比|较)(?!上年|去年|上年同期|去年同期|重)[^,;增下]{1,14}?(?=增长|下降|上涨|增加|减少|回升|回落|提高|加快)"
                         r"|(?:compared\s+with|over)\s+(?:the\s+same\s+period\s+(?:of|in)\s+)?(?:19|20)\d\d", re.I)
_NOMINAL = re.compile(r"名义|\bnominal", re.I)
_REAL = re.compile(r"实际|扣除价格因素|\breal\b|in\s+real\s+terms", re.I)
_SEVERAL = re.compile(r"分别|respectively", re.I)
_PROJECTED = re.compile(r"预计|预测|目标|力争|计划|expected\s+to|forecast|target", re.I)
_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.、](?!\d)|[一二三四五六七八九十]+、|\(\d{1,2}\)|\([一二三四五六七八九十]+\))\s*")
# Where a Chinese predicate starts (增加值 is a name, not 增加); English verbs.
_PREDICATE_ZH = re.compile(r"\d|同比|环比|比|较|增长|下降|增加(?!值)|减少|上涨|下跌|为|达到|实现|扣除|按|分别|回落|提高|占|持平|"
                           r"加快|回升|收窄|扩大")
_PREDICATE_EN = re.compile(r"\d|\ban?\s+(?:year[- ]on[- ]year\s+)?(?:increase|decrease|growth|decline|drop|rise|fall)\b|\b(?:reached|was|were|is|are|increased|decreased|went|grew|rose|fell|declined|dropped|"
                           r"up|down|stood|remained|registered|amounted|totaled|totalled|recorded|saw|kept|maintained|"
                           r"continued|hit|accounted|with)\b", re.I)
_ADVERBIAL = re.compile(r"^(?:按|考虑|扣除|剔除|从|据|初步核算|分.{1,10}看|分.{1,8}分|如|受|以下|下同|若|在|总的来看|需要说明|"
                        r"为便于|主要是|主要受|其中$|此外|另外|同时|截至|in\s+terms?\s+of|specifically|in\s+addition|"
                        r"meanwhile|of\s+which$|among\s+which$)", re.I)
_RATE_WORDS = re.compile(r"^(?:增速|增幅|降幅|涨幅|增长速度|两年平均|平均|同口径|名义|实际|(?:and\s+)?(?:the\s+)?(?:growth\s+rate|pace\s+of\s+(?:decline|"
                         r"growth)))$", re.I)
_LEVEL_LEAD = re.compile(r"^(?:为|达到|达|实现|共|累计|总计|合计|reached|was|stood\s+at|amounted\s+to|totaled|"
                         r"totalled|hit|of)?\s*$", re.I)


@dataclass
class Sentence:
    line: int  # 1-based line of the text it starts on
    text: str

    @property
    def english(self) -> bool:
        return not _CJK.search(self.text)


@dataclass
class Clause:
    start: int
    text: str
    masked: str  # brackets' content blanked, same length: what figures are read from
    asides: list[str] = field(default_factory=list)  # the bracketed parts


@dataclass
class Growth:
    value: Decimal
    printed: str
    start: int  # offset in the clause
    end: int
    lead: str  # the clause before the figure
    trail: str  # the sentence after the figure, up to the next figure (English qualifiers come after)
    sign: int  # +1, -1, 0 (a percentage that is not a growth rate)

    @property
    def mom(self) -> bool:
        if _MOM.search(self.lead):
            return True
        if _CJK.search(self.lead):  # Chinese puts the qualifier before the figure; what follows is another clause
            return False
        after = _MOM.search(self.trail)  # English puts it after: "increased 0.43 percent, month-on-month"
        return bool(after and not _YOY_EN.search(self.trail[:after.start()]))

    @property
    def two_year_average(self) -> bool:
        return bool(_AVG2.search(self.lead))

    @property
    def same_scope(self) -> bool:
        return bool(_SAME_SCOPE.search(self.lead))

    @property
    def other_base(self) -> str:
        m = _OTHER_BASE.search(self.lead)
        return m.group(0) if m else ""

    @property
    def projected(self) -> bool:
        """预计全年增长5%左右, a target: not a published figure."""
        return bool(_PROJECTED.search(self.lead) or re.match(r"\s*左右", self.trail))

    @property
    def several(self) -> bool:
        return bool(_SEVERAL.search(self.lead))

    @property
    def basis(self) -> str:
        near = self.lead[-8:] if not _CJK.search(self.lead) else self.lead[-6:]
        if _NOMINAL.search(near) or _NOMINAL.search(self.trail[:20]):
            return "nominal"
        if _REAL.search(near) or re.match(r"\s*in\s+real\s+terms", self.trail, re.I):
            return "real"
        return ""


@dataclass
class Level:
    value: Decimal
    printed: str
    unit_text: str
    start: int
    end: int


# --------------------------------------------------------------------------- sentences

def _split_line(text: str) -> list[str]:
    if _CJK.search(text):
        parts = re.split(r"(?<=。)|(?<=[%\u3400-\u9fff)])\.(?=[\u3400-\u9fff\s])", text)
    else:
        parts = re.split(r"(?<=[a-z%)\]])\.(?=\s+[A-Z]|\s*$)", text)
    return [p for p in parts if p.strip()]


def split_sentences(lines: list[str]) -> list[Sentence]:
    """Sentences with the line each starts on; a line ending in ; or : continues into the next one."""
    out: list[Sentence] = []
    carry: Sentence | None = None
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        pieces = _split_line(text)
        if carry is not None and pieces:
            pieces[0] = carry.text + pieces[0]
            first_line = carry.line
            carry = None
        else:
            first_line = number
        for i, piece in enumerate(pieces):
            sentence = Sentence(first_line if i == 0 else number, piece.strip())
            if i == len(pieces) - 1 and piece.rstrip().endswith((";", ":", "；", "：")):
                carry = sentence
            else:
                out.append(sentence)
    if carry is not None:
        out.append(carry)
    return out


# --------------------------------------------------------------------------- clauses

def _mask(text: str) -> tuple[str, list[str]]:
    """Bracketed content blanked (same length), and the bracketed parts; (不含农户) stays (it is part of a name)."""
    out, asides, depth, start = list(text), [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([":
            if depth == 0:
                start = i
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
            if depth == 0:
                inner = text[start + 1:i]
                if re.search(r"\d", inner):
                    asides.append(inner)
                    out[start + 1:i] = "□" * (i - start - 1)
    return "".join(out), asides


def split_clauses(sentence: str) -> list[Clause]:
    """Clauses between , and ; outside brackets, never inside a number (34,889.2)."""
    clauses, depth, start = [], 0, 0
    for i, ch in enumerate(sentence):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ",;，；。:" and not (
                ch == "," and 0 < i < len(sentence) - 1 and sentence[i - 1].isdigit() and sentence[i + 1].isdigit()):
            clauses.append((start, sentence[start:i]))
            start = i + 1
    clauses.append((start, sentence[start:]))
    out = []
    for begin, text in clauses:
        if text.strip():
            masked, asides = _mask(text)
            out.append(Clause(begin, text, masked, asides))
    return out


def head_of(text: str, periods: list[tuple[int, int]]) -> tuple[str, int]:
    """The subject a clause names and the offset where its predicate starts; periods at its start are skipped."""
    pos = 0
    m = _LIST_MARK.match(text)
    if m:
        pos = m.end()
    starts = dict(periods)
    moved = True
    while moved:
        moved = False
        while pos < len(text) and text[pos] in " ,，、":
            pos += 1
        for start, end in starts.items():
            if start >= pos and re.fullmatch(r"(?:in|for|during)?\s*", text[pos:start], re.I) and end > pos:
                pos, moved = end, True
                break
    rest = text[pos:]
    pred = (_PREDICATE_ZH if _CJK.search(rest) else _PREDICATE_EN).search(rest)
    cut = pred.start() if pred else len(rest)
    return rest[:cut].strip(" ,"), pos + cut


def head_kind(head: str) -> str:
    """'empty' (keeps the subject), 'adverbial' (keeps it), 'rate' (增速: keeps it) or 'name'."""
    if not head.strip(" ,、?□") or re.fullmatch(r"[\s\W\d]*", head):
        return "empty"
    if _ADVERBIAL.search(head.strip()):
        return "adverbial"
    if _RATE_WORDS.search(head.strip()):
        return "rate"
    return "name"


# --------------------------------------------------------------------------- figures

def _decimal(printed: str) -> Decimal:
    return Decimal(printed.replace(",", ""))


def growth_figures(clause: Clause, following: str = "") -> list[Growth]:
    """Every number with % / percent / 倍 in the clause (outside brackets), with its sign (0: not a growth rate)."""
    out = []
    text = clause.masked
    matches = list(GROWTH_RE.finditer(text))
    for i, m in enumerate(matches):
        lead = text[:m.start()]
        nxt = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        trail = (text[m.end():nxt] + ("" if i + 1 < len(matches) else following))[:80]
        if _PLUS.search(lead) or _RATE_IS.search(lead):
            sign = 1
        elif _MINUS.search(lead) or _DROP_IS.search(lead):
            sign = -1
        else:
            sign = 0
        value = _decimal(m.group(1))
        if m.group(2) == "倍":  # 增长2.2倍: up 220%
            value = (value * 100).normalize()
        out.append(Growth(value, m.group(0), m.start(), m.end(), lead, trail, sign))
    return out


def level_figure(clause: Clause, head_end: int) -> Level | None:
    """The subject's level: a money amount right after the head (or after 为/达到/reached ...)."""
    for m in LEVEL_RE.finditer(clause.masked):
        if m.start() >= head_end - 0 and _LEVEL_LEAD.match(clause.masked[head_end:m.start()].strip()):
            unit = re.sub(r"\s+", " ", m.group(2).lower().strip())
            if unit in ("billion", "trillion"):
                unit += " yuan"
            return Level(_decimal(m.group(1)), m.group(0).strip(), unit, m.start(), m.end())
    return None


def aside_growth(aside: str) -> list[tuple[str, Decimal, str]]:
    """Growth rates in a bracketed aside: (basis, signed value, wording), e.g. ('real', 5.6, '扣除价格因素实际增长5.6%')."""
    out = []
    for m in GROWTH_RE.finditer(aside):
        lead = aside[:m.start()]
        sign = 1 if _PLUS.search(lead) else -1 if _MINUS.search(lead) else 0
        if not sign:
            continue
        basis = "nominal" if _NOMINAL.search(lead[-10:]) else "real" if _REAL.search(lead) else ""
        start = max(lead.rfind(","), lead.rfind(";"), lead.rfind("，")) + 1
        out.append((basis, sign * _decimal(m.group(1)), aside[start:m.end()].strip()))
    return out
