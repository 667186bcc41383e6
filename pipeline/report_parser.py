"""Work-report text -> typed target rows, by deterministic rules for the language of these reports.

A government work report states its main expected targets (主要预期目标是: ...) once, scatters
dozens of other quantified commitments through the plan part, and reviews last year's outcomes
before that. ``parse_report`` returns all three as plain dicts; nothing here reads files or calls
out, so a new region or year costs only its text file.

Rules, not sentences, decide what a number is:
* a quantity is a number (Arabic, full-width or Chinese) followed by a unit (``UNIT_BASES``);
* a quantity that closes its phrase (``...项目20个,``) is a commitment; one that modifies a noun
  (``10亿元以上投资项目...``) is a threshold unless an action verb or 等 introduces it and nothing
  else in the phrase is counted (``完成1.6万户城乡居民供水设施建设``);
* numbers inside quotation marks are names or slogans (“三类500强”), after 第/每/前 ordinals;
* the review part (回顾, 过去一年) gives outcomes, the glossary (名词解释) nothing.

Offsets index the decoded text (Python ``str`` positions after stripping a UTF-8 BOM): ``start``/``end``
delimit ``sentence``, ``span_start``/``span_end`` the phrase ``quote`` that states the target.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import qualifiers, registry

# --------------------------------------------------------------------------- text

# One character in, one character out, so offsets in the normalised text are offsets in the original.
_FULLWIDTH = {chr(0xFF01 + i): chr(0x21 + i) for i in range(94)}
_FULLWIDTH.update({"\u3000": " ", "\u00a0": " ", "\ufe6a": "%", "\u2013": "-", "\u2212": "-", "\ufe63": "-",
                   "\u2014": "—", "\u2015": "—", "\u301c": "~"})
_TRANSLATE = str.maketrans(_FULLWIDTH)


def decode(raw: bytes) -> str:
    """Report bytes as text: UTF-8 (BOM dropped) or, for older portal downloads, GB18030."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def read_report(path: str | Path) -> str:
    return decode(Path(path).read_bytes())


def normalize(text: str) -> str:
    """Half-width digits, %, parentheses and punctuation; same length as ``text``."""
    return text.translate(_TRANSLATE)


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
        post, post_end = "", b
        for word in _POST_QUALIFIERS:
            if norm.startswith(word, b):
                post, post_end = word, b + len(word)
                break
        out.append(Quantity(a, b, value, high, unit, chinese, post, post_end))
    return out


# --------------------------------------------------------------------------- structure

_L1_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")
_L2_RE = re.compile(r"^\s*(?:\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+是)")
_PLAN_WORDS = re.compile(r"安排|要求|目标|任务|重点工作|工作建议|部署|民生实事")
_NOTES_WORDS = re.compile(r"名词解释|注释|附注|名词说明")
_REVIEW_START = re.compile(r"^\s*(?:过去一年|一年来|回顾过去|(?:19|20)\d\d\s*年工作回顾)")
_PLAN_START = re.compile(r"总体要求|总的要求|主要预期目标|工作安排")


@dataclass
class Line:
    start: int
    end: int
    part: str  # preamble, review, plan, notes
    section: str
    subsection: str
    subsection_end: int  # the lead sentence of a paragraph names its subsection


@dataclass
class Structure:
    lines: list[Line]
    starts: list[int] = field(default_factory=list)

    def line_at(self, pos: int) -> Line:
        return self.lines[bisect.bisect_right(self.starts, pos) - 1]


def _first_sentence(s: str) -> str:
    return re.split(r"[。!?]", s, maxsplit=1)[0].strip()


def _is_bare_heading(s: str) -> bool:
    body = s.strip()
    return 0 < len(body) <= 30 and not re.search(r"[,。:;!?]", body)


def structure(text: str, norm: str) -> Structure:
    """Part (preamble/review/plan/notes), numbered section and paragraph lead for every line."""
    lines, pos = [], 0
    part, l1, l2 = "preamble", "", ""
    seen_plan = seen_review = False
    for raw_line in norm.split("\n"):
        start, end = pos, pos + len(raw_line)
        pos = end + 1
        body = raw_line.strip()
        orig = text[start:end].strip()
        sub, sub_end = "", start
        if _L1_RE.match(body) or (_is_bare_heading(body) and not _L2_RE.match(body)):
            if _NOTES_WORDS.search(body):
                part = "notes"
            elif "回顾" in body:
                part, seen_review = "review", True
            elif part != "notes" and (_PLAN_WORDS.search(body) or (seen_review and _L1_RE.match(body))):
                part, seen_plan = "plan", True
            if _L1_RE.match(body) or part != "notes":
                l1, l2 = orig, ""
        elif _L2_RE.match(body):
            l2 = _first_sentence(orig)
        else:
            if part == "preamble" and _REVIEW_START.match(body):
                part, seen_review = "review", True
            if part in ("preamble", "review") and _PLAN_START.search(body[:60]):
                part, seen_plan = "plan", True
            lead = re.match(r"\s*([^。!?,:;]{2,20})。", raw_line)
            if lead and not re.search(r"\d", lead.group(1)):
                sub, sub_end = text[start + lead.start(1): start + lead.end(1)].strip(), start + lead.end()
        lines.append(Line(start, end, part, l2 or l1, sub, sub_end))
    if not seen_plan and not seen_review:
        for ln in lines:  # a bare paragraph (a quoted target list) is all plan
            ln.part = "plan"
    st = Structure(lines)
    st.starts = [ln.start for ln in lines]
    return st


# --------------------------------------------------------------------------- phrases

_CLAUSE_BOUNDARY = ",;。:!?\n"
_SENTENCE_BOUNDARY = "。!?\n"
_OPEN_QUOTES, _CLOSE_QUOTES = "“‘《「『", "”’》」』"

_GROWTH_VERBS = ("增长", "提高", "提升", "上涨", "增加", "增速", "涨幅", "增幅")
_DECLINE_VERBS = ("下降", "降低", "减少", "压缩", "缩短", "缩减", "降幅")
_NOUN_MEASURES = ("增速", "涨幅", "增幅", "降幅")
# Words between a label and its number that say how the number binds (kept as ``wording``).
_PRE_QUALIFIERS = tuple(sorted(("不低于", "不少于", "至少", "突破", "超过", "超", "逾", "不超过", "控制在", "约", "大约"),
                               key=len, reverse=True))
_LINK_WORDS = ("稳定在", "保持在", "提高到", "提高至", "提升到", "提升至", "增加到", "增加至", "增至", "降至", "降到",
               "降低到", "降低至", "达到", "达", "为", "在", "到", "再", "累计", "共", "近", "年均")
_BINDING_WORDS = _PRE_QUALIFIERS + _LINK_WORDS
_STRIVE = re.compile(r"力争|争取")
_LEAD_WORDS = ("力争", "争取", "确保", "全年", "年内", "今年", "当年", "同时", "其中", "并且", "以及",
               "努力", "预计", "实现", "进一步", "要", "将", "全省", "全市", "全区", "全县", "全州", "全国")
# Verbs that introduce a counted object (加快90个...项目建设); 等 closes a list (...等20条断头路).
_ACTION_VERBS = (
    "新增", "新建", "新改建", "改扩建", "新开工", "建设", "建成", "完成", "实施", "引进", "培育", "打造", "打通", "加快",
    "推进", "推动", "改造", "开工", "建立", "创建", "争创", "争取", "扶持", "认定", "举办", "开展", "培训", "招引",
    "签约", "提质", "整治", "治理", "修复", "改建", "扩建", "开行", "增加", "发放", "安置", "解决", "开通", "设立",
    "组建", "选派", "推广", "更新", "救助", "资助", "惠及", "覆盖", "新开", "续建", "竣工", "交付", "投用", "建好",
    "创成", "帮扶", "吸纳", "带动", "保障", "实现", "吸引", "聘请", "支持", "提供", "开发", "储备", "培养", "招募",
    "招聘", "布局", "推出", "扩充", "增设", "配备", "引育", "拓展", "托管", "联动", "发展", "为", "等",
)
_CHAIN_WORDS = ("以及", "和", "及", "、")
_VERB_PREFIX_RE = re.compile("|".join(sorted(set(_ACTION_VERBS) - {"等"}, key=len, reverse=True)))
_AFTER_VERBS = re.compile(
    r"(?:增长|下降|增加|减少|提高|降低|同比|比上年|比去年|较上年|占|位居|居(?:全|第|首|前|世)|排(?:名|在|全|第)|连续|、)"
)
# 从202元提高到209元: the first amount is the baseline, not a target.
_FROM_RE = re.compile(r"[从由]")
_TO_RE = re.compile(r"(?:提高|增加|提升|降低|下降|调整|上调|下调|扩大|缩小|增)(?:到|至|为)")
_PAREN_NOTE = re.compile(r"\([^()]{1,8}\)")  # 14.2万台(套)
_TAIL_NOUNS = re.compile(r"^的?(?:水平|目标|任务|规模|左右)")
_LIST_MARK = re.compile(r"\s*(?:\d+[.、)]|\(\d+\)|[一二三四五六七八九十]+、|——|-)\s*")  # use .match


def _quote_mask(norm: str) -> bytearray:
    """1 where a character sits inside “...”, 《...》 and the like (reset at each line end)."""
    mask, depth = bytearray(len(norm)), 0
    for i, ch in enumerate(norm):
        if ch == '"':
            depth = 0 if depth else 1
        elif ch in _OPEN_QUOTES:
            depth += 1
        elif ch in _CLOSE_QUOTES:
            depth = max(0, depth - 1)
        elif ch == "\n":
            depth = 0
        elif depth:
            mask[i] = 1
    return mask


def _last_boundary(norm: str, pos: int, chars: str, floor: int = 0) -> int:
    """Index after the last boundary character before ``pos`` (``floor`` at most)."""
    for i in range(pos - 1, floor - 1, -1):
        if norm[i] in chars:
            return i + 1
    return floor


def _next_boundary(norm: str, pos: int, chars: str) -> int:
    for i in range(pos, len(norm)):
        if norm[i] in chars:
            return i
    return len(norm)


def _strip_tail(label: str, words) -> tuple[str, str]:
    """Drop trailing ``words`` repeatedly; returns (label, first word removed nearest the number)."""
    nearest = ""
    changed = True
    while changed and label:
        changed = False
        for w in sorted(words, key=len, reverse=True):
            if label.endswith(w):
                label, changed = label[: -len(w)], True
                nearest = nearest or w
                break
    return label, nearest


def _strip_lead(label: str) -> str:
    marker = _LIST_MARK.match(label)
    label = label[marker.end():] if marker else label
    changed = True
    while changed and label:
        changed = False
        for w in _LEAD_WORDS:
            if label.startswith(w) and len(label) > len(w):
                label, changed = label[len(w):], True
                break
    return label.strip(" ,、")


def _respective_names(label: str) -> list[str]:
    """Subjects of A、B分别增长x%、y%, in order; 城乡居民X names 城镇居民X and 农村居民X."""
    subject = label.replace("分别", "")
    if subject.startswith("城乡") and "、" not in subject:
        return ["城镇" + subject[2:], "农村" + subject[2:]]
    names = [n for n in subject.split("、") if n]
    if len(names) > 1:
        # a shared tail (A、B的比例) belongs to every name
        tail = re.search(r"(?:的|之)?(?:比例|比重|占比|覆盖率|增速|增长率)$", names[-1])
        if tail and not any(n.endswith(tail.group(0)) for n in names[:-1]):
            names = [n + tail.group(0) for n in names[:-1]] + [names[-1]]
    return names


# --------------------------------------------------------------------------- indicators

_SCOPE_PREFIX = re.compile(r"^(?:完成|实现)?(?:全省|全市|全区|全县|全州|全国|全体|新区|本地区|外贸|货物)?")


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    out = {}
    for ind in registry.indicators().values():
        for alias in ind.aliases_zh:
            out.setdefault(alias, ind.slug)
    return out


def indicator_for(label: str, verb: str = "") -> str | None:
    """Registry slug whose alias *is* the label (scope words and brackets aside), or None.

    Exact, not contained: 海洋生产总值 and 农村居民人均可支配收入 are not GDP or resident income.
    """
    core = re.sub(r"\([^)]*\)", "", label).strip()
    core = _SCOPE_PREFIX.sub("", core)
    aliases = _aliases()
    for cand in (core, core + verb, core.removesuffix("增长"), core.removesuffix("增速")):
        if cand in aliases:
            return aliases[cand]
    return None


# --------------------------------------------------------------------------- extraction

_MAIN_ANCHOR = re.compile(
    r"(?:主要预期目标|主要目标|预期目标)(?:建议|拟|初步)?(?:确定|安排|设定)?(?:是|为)?\s*:|主要预期目标(?:建议|拟)?(?:是|为)"
)
_MAIN_STOP = re.compile(r"^\s*(?:这|上述|以上|实现上述|实现这|主要考虑|提出|设定|确定|综合考虑)")
_RELATIVE_RE = re.compile(
    r"(?P<subj>[^,;。:、]*?)(?:增长|增速|增幅)?(?:"
    r"(?:与|和|同)(?P<ref>[^,;。:、]{1,14}?)(?P<sync>基本同步|同步)"
    r"|(?P<cmp>略高于|高于|快于|跑赢)(?P<ref2>[^,;。:、]{1,14}?)(?:的)?(?:增长|增速|增幅)?(?=[,;。:、]|$))"
)
_POSITIVE_RE = re.compile(r"(?P<subj>[^,;。:、]*?)(?:实现|保持)正增长")


@dataclass
class Parsed:
    targets: list[dict]
    outcomes: list[dict]
    region: str | None
    year: int | None


def _row_common(text: str, norm: str, st: Structure, span: tuple[int, int], sent_from: int | None = None) -> dict:
    a, b = span
    s0 = _last_boundary(norm, a if sent_from is None else min(a, sent_from), _SENTENCE_BOUNDARY)
    while s0 < a and norm[s0].isspace():
        s0 += 1
    s1 = _next_boundary(norm, b, _SENTENCE_BOUNDARY)
    if s1 < len(norm) and norm[s1] != "\n":
        s1 += 1
    line = st.line_at(a)
    sub = line.subsection if a >= line.subsection_end else ""
    return {
        "section": line.section, "subsection": sub, "sentence": text[s0:s1], "start": s0, "end": s1,
        "span_start": a, "span_end": b, "quote": text[a:b],
    }


class _Extractor:
    def __init__(self, text: str):
        self.text = text
        self.norm = normalize(text)
        self.st = structure(text, self.norm)
        self.qmask = _quote_mask(self.norm)
        self.quantities = [q for q in find_quantities(self.norm) if not self.qmask[q.start]]
        self.main_span = self._main_span()
        self._groups: dict[int, tuple[list[str], str, str]] = {}
        self._list_head: dict[int, int] = {}
        self._measures: dict[int, str] = {}
        self._pre_clause = -1  # clause holding the last counted object (建设15个A和7个B)
        self._pre_verb = ""
        self._last_kept = -1

    # -- the main-targets paragraph
    def _main_span(self) -> tuple[int, int] | None:
        """From the 主要预期目标 anchor through the sentences (or list lines) that state targets."""
        norm, st = self.norm, self.st
        anchors = [m for m in _MAIN_ANCHOR.finditer(norm) if st.line_at(m.start()).part == "plan"]
        anchors = anchors or list(_MAIN_ANCHOR.finditer(norm))
        if not anchors:
            return None
        a = anchors[0].end()
        pos, end = a, a
        one_per_line = not norm[a:_next_boundary(norm, a, "\n")].strip(" :")
        while pos < len(norm):
            s_end = _next_boundary(norm, pos, "。!?\n")
            sentence = norm[pos:s_end]
            if sentence.strip(" :"):
                if end > a and (_MAIN_STOP.match(sentence) or _L1_RE.match(sentence) or _L2_RE.match(sentence)):
                    break
                if not self._carries_target(pos, s_end):
                    break
                end = s_end
            elif end > a and s_end < len(norm) and norm[s_end] == "\n":
                blank_line = norm[pos - 1] == "\n"
                if not one_per_line or blank_line:
                    break  # the paragraph ends; a list of one target per line ends at a blank line
            pos = s_end + 1
        return (a, end) if end > a else None

    def _carries_target(self, a: int, b: int) -> bool:
        return self._has_quantity(a, b) or bool(re.search(r"同步|高于|快于|正增长", self.norm[a:b]))

    def _has_quantity(self, a: int, b: int) -> bool:
        return any(a <= q.start < b for q in self.quantities)

    # -- one quantity in context
    def _item_start(self, idx: int, quantities: list[Quantity]) -> int:
        q = quantities[idx]
        start = _last_boundary(self.norm, q.start, _CLAUSE_BOUNDARY)
        for prev in reversed(quantities[:idx]):
            if prev.post_end <= start:
                break
            if self._is_listed(prev):
                start = max(start, self._after_listed(prev))
                break
        return start

    def _is_listed(self, q: Quantity) -> bool:
        """Quantity closed by 、 or a verb: the next item starts after it."""
        note = _PAREN_NOTE.match(self.norm, q.post_end)
        rest_at = note.end() if note else q.post_end
        return bool(_AFTER_VERBS.match(self.norm, rest_at))

    def _after_listed(self, q: Quantity) -> int:
        note = _PAREN_NOTE.match(self.norm, q.post_end)
        end = note.end() if note else q.post_end
        return end + 1 if self.norm.startswith("、", end) else end

    def _position(self, q: Quantity) -> str:
        """'post' when the quantity closes its phrase, else 'pre' (it modifies the noun after it)."""
        if q.is_pct or q.unit == "pp":
            return "post"
        rest = self.norm[q.post_end:q.post_end + 4]
        if not rest or rest[0] in _CLAUSE_BOUNDARY + "、)" or rest[0].isspace():
            return "post"
        if _AFTER_VERBS.match(rest) or _TAIL_NOUNS.match(rest):
            return "post"
        return "pre"

    def _describe(self, idx: int, quantities: list[Quantity], labels: dict[int, str]) -> dict | None:
        norm, q = self.norm, quantities[idx]
        item_start = self._item_start(idx, quantities)
        chained = False
        head = norm[item_start:q.start].rstrip()
        position = self._position(q)
        clause_end = _next_boundary(norm, q.post_end, ",;。:!?\n")
        if position == "pre":
            if q.unit == "%" or q.is_money or q.chinese:
                return None
            if q.post in ("以上", "以下", "以内") and any(q.post_end <= o.start < clause_end for o in quantities):
                return None  # a threshold: the phrase counts something else (10亿元以上投资项目20个)
            bare = head
            for w in ("约", "近", "超", "逾", "共", "累计", "再"):
                bare = bare.removesuffix(w)
            clause_start = _last_boundary(norm, q.start, _CLAUSE_BOUNDARY)
            chained = bare.endswith(_CHAIN_WORDS) and bool(self._pre_verb) and self._pre_clause == clause_start
            verb_before = next((v for v in _ACTION_VERBS if bare.endswith(v)), None)
            if not (verb_before or chained):
                return None
            self._pre_clause = clause_start
            if verb_before and verb_before != "等":
                self._pre_verb = verb_before
        elif q.chinese and q.value < 2 and not q.post:
            return None
        if _FROM_RE.search(head) and _TO_RE.search(norm, q.post_end, clause_end):
            return None

        marker = _LIST_MARK.match(norm, item_start, q.start)
        span_start = marker.end() if marker else item_start
        span_end = q.post_end
        label_from = None
        label, _ = _strip_tail(head, _BINDING_WORDS)
        label, verb = _strip_tail(label, _GROWTH_VERBS + _DECLINE_VERBS)
        measure = "level"
        if verb:
            measure = "decline" if verb in _DECLINE_VERBS else "growth"
            if verb in _NOUN_MEASURES:
                label += verb  # 涨幅, 增速 belong to the name (居民消费价格涨幅)
            label, _ = _strip_tail(label, _BINDING_WORDS)
            if q.unit not in ("%", "pp") and verb not in ("增长", "增加", "下降", "减少"):
                measure = "level"
        label = "" if label in ("力争", "争取", "努力争取") else _strip_lead(label)  # 增长6.5%左右、力争7%
        prev_i = self._last_kept  # thresholds and skipped numbers in between do not count
        continues = prev_i >= 0 and quantities[prev_i].post_end <= item_start \
            and not _PAREN_NOTE.sub("", norm[quantities[prev_i].post_end:item_start]).strip("、, ")
        group = self._groups.get(prev_i) if continues else None
        respective = "分别" in label or (group is not None and not label)
        if "分别" in label:
            names = _respective_names(label)
            label = names[0] if names else label.replace("分别", "")
            self._groups[idx] = (names[1:], measure, verb)
        elif group is not None and not label:
            names, measure, verb = group
            label = names[0] if names else labels[prev_i]
            self._groups[idx] = (names[1:], measure, verb)
        if position == "pre":
            noun_end = next((o.start for o in quantities if q.post_end <= o.start < clause_end), clause_end)
            noun, _ = _strip_tail(norm[q.post_end:noun_end], _CHAIN_WORDS + ("超", "约", "近"))
            if chained:
                label, span_start = self._pre_verb, q.start  # 建设15个A和7个B: B is also 建设
            label = (label + noun).strip()
            span_end = q.post_end + len(noun.rstrip())
        elif not label and continues:
            label = labels[prev_i]  # 6.36万亿元、增长5.1%: the growth is of the same thing
            measure = measure if verb else self._measures.get(prev_i, measure)
        if continues and norm[item_start - 1] == "、" and not respective:
            self._list_head[idx] = self._list_head.get(prev_i, prev_i)
            lead = _VERB_PREFIX_RE.match(labels[self._list_head[idx]])
            if lead and label and not _VERB_PREFIX_RE.match(label):
                label = lead.group(0) + label  # 新增A 5座、B 2.6万个: B is also 新增
        if not label or label in _ACTION_VERBS:
            prev, label_from = self._previous_clause(item_start)
            if prev:
                label = f"{label}({prev})" if label else prev  # the object was named a clause earlier
        labels[idx] = label
        self._measures[idx] = measure
        self._last_kept = idx

        qual, wording = self._qualifier(q, head, item_start)
        return {
            "label": label, "measure": measure, "qualifier": qual, "wording": wording,
            "verb": verb, "item_start": item_start, "label_from": label_from,
            "span": (span_start, span_end),
        }

    def _previous_clause(self, item_start: int) -> tuple[str, int]:
        """The clause before ``item_start`` (possibly the previous sentence) and where it starts."""
        end = item_start - 1
        while end > 0 and self.norm[end - 1] in _CLAUSE_BOUNDARY + " ":
            end -= 1
        start = _last_boundary(self.norm, end, _CLAUSE_BOUNDARY)
        return _strip_lead(self.norm[start:end].strip())[-24:], start

    def _qualifier(self, q: Quantity, head: str, item_start: int) -> tuple[str, str]:
        """(code, wording): a range, else the word after the unit, else the one before the number, else 力争."""
        if q.value_high is not None:
            return "range", "区间"
        if q.post:
            return qualifiers.normalize(q.post), q.post
        bare = head.rstrip()
        for w in ("达到", "达", "在", "为"):
            bare = bare.removesuffix(w)
        for w in _PRE_QUALIFIERS:
            if head.endswith(w) or bare.endswith(w):
                return qualifiers.normalize(w), w
        clause_start = _last_boundary(self.norm, item_start, _CLAUSE_BOUNDARY)
        m = _STRIVE.search(self.norm, clause_start, q.start)  # 力争 reaches over its clause's 、-list only
        if m:
            return qualifiers.normalize(m.group(0)), m.group(0)
        return "exact", ""

    def _base_row(self, q: Quantity, d: dict) -> dict:
        pct = q.unit == "%"
        label = d["label"]
        if d["verb"] and label + d["verb"] in _aliases():
            label += d["verb"]  # 经济增长5.5%: the verb is part of the name
        indicator = indicator_for(label, d["verb"])
        if indicator:
            label = re.sub(r"^(?:完成|实现)", "", label)
        row = {
            "indicator": indicator, "label": label, "measure": d["measure"],
            "target_pct": q.value if pct else None, "target_high_pct": q.value_high if pct else None,
            "value": q.value, "value_high": q.value_high, "unit": q.unit,
            "qualifier": d["qualifier"], "wording": d["wording"], "relative_to": None,
        }
        row.update(_row_common(self.text, self.norm, self.st, d["span"], d["label_from"]))
        return row

    # -- relative targets (居民收入增长高于经济增速)
    def _relatives(self, a: int, b: int, taken: list[tuple[int, int]]) -> list[dict]:
        rows = []
        pos = a
        norm = self.norm
        while pos < b:
            c_end = min(_next_boundary(norm, pos, ",;。:!?\n、"), b)
            clause = norm[pos:c_end]
            marker = _LIST_MARK.match(clause)
            if marker:
                pos, clause = pos + marker.end(), clause[marker.end():]
            if clause and not any(s <= pos < e for s, e in taken) and not re.search(r"\d", clause) \
                    and not self.qmask[pos]:
                row = self._relative(clause, pos)
                if row:
                    rows.append(row)
            pos = c_end + 1
        return rows

    def _relative(self, clause: str, pos: int) -> dict | None:
        m = _POSITIVE_RE.search(clause)
        if m and m.group("subj").strip():
            subj = _strip_lead(m.group("subj").strip())
            return self._relative_row(subj, "positive", "正增长", None, pos, pos + m.end())
        m = _RELATIVE_RE.search(clause)
        if not m:
            return None
        subj = _strip_lead(m.group("subj").strip())
        subj, _ = _strip_tail(subj, ("增长", "增速", "增幅"))
        if not subj:
            return None
        ref = (m.group("ref") or m.group("ref2") or "").strip()
        ref_slug = indicator_for(ref) or indicator_for(ref, "增长")
        if ref_slug is None:
            ref_core, _ = _strip_tail(ref, ("增长", "增速", "的"))
            ref_slug = indicator_for(ref_core, "增长") or indicator_for(ref_core)
        if m.group("sync"):
            code, wording = "in_step", m.group("sync")
        else:
            code, wording = "above", m.group("cmp")
        return self._relative_row(subj, code, wording, ref_slug or ref, pos, pos + m.end())

    def _relative_row(self, subj, code, wording, ref, a, b) -> dict:
        row = {
            "indicator": indicator_for(subj), "label": subj, "measure": "relative", "target_pct": None,
            "target_high_pct": None, "value": None, "value_high": None, "unit": "", "qualifier": code,
            "wording": wording, "relative_to": ref,
        }
        row.update(_row_common(self.text, self.norm, self.st, (a, b)))
        return row

    # -- the three outputs
    def extract(self) -> tuple[list[dict], list[dict]]:
        targets, outcomes = [], []
        quantities = self.quantities
        labels: dict[int, str] = {}
        main = self.main_span
        taken: list[tuple[int, int]] = []
        for i, q in enumerate(quantities):
            part = self.st.line_at(q.start).part
            in_main = bool(main and main[0] <= q.start < main[1])
            if part not in ("plan", "review") and not in_main:
                continue
            d = self._describe(i, quantities, labels)
            if d is None:
                continue
            row = self._base_row(q, d)
            taken.append(d["span"])
            if in_main:
                row.update(main=True, section="主要预期目标", subsection="")
                targets.append(row)
            elif part == "plan":
                row["main"] = False
                targets.append(row)
            else:
                sent_start = _last_boundary(self.norm, d["item_start"], _SENTENCE_BOUNDARY)
                row["estimated"] = "预计" in self.norm[sent_start:q.start]
                outcomes.append(row)
        if main:
            for row in self._relatives(main[0], main[1], taken):
                row.update(main=True, section="主要预期目标", subsection="")
                targets.append(row)
        for ln in self.st.lines:
            if ln.part == "plan" and not (main and main[0] <= ln.start < main[1]) and re.search(
                    r"同步|高于|快于|正增长", self.norm[ln.start:ln.end]):
                for row in self._relatives(ln.start, ln.end, taken):
                    if not (main and main[0] <= row["span_start"] < main[1]) and row["relative_to"] in _aliases().values():
                        row["main"] = False
                        targets.append(row)
        targets.sort(key=lambda r: (r["span_start"], r["span_end"]))
        return targets, outcomes


# --------------------------------------------------------------------------- region and year

_TITLE_RE = re.compile(r"((?:19|20)\d\d)\s*年\s*(\S{2,14}?)(?:人民)?政府工作报告")
_PLAN_YEAR_RE = re.compile(r"((?:19|20)\d\d)\s*年[^。\n]{0,12}?工作(?:的)?(?:总体要求|总的要求|安排|目标任务|重点任务)")
_REVIEW_YEAR_RE = re.compile(r"((?:19|20)\d\d)\s*年\s*工作回顾")
_DELEGATE_RE = re.compile(r"我代表(\S{2,12}?)人民政府")


def year_from_text(norm: str) -> int | None:
    """The plan year: the title's, else the year whose work is being planned, else the reviewed year + 1."""
    m = _TITLE_RE.search(norm[:400])
    if m:
        return int(m.group(1))
    m = _PLAN_YEAR_RE.search(norm)
    if m:
        return int(m.group(1))
    m = _REVIEW_YEAR_RE.search(norm)
    return int(m.group(1)) + 1 if m else None


def region_from_text(norm: str) -> str | None:
    for pattern in (_TITLE_RE, _DELEGATE_RE):
        m = pattern.search(norm[:600])
        if m:
            name = m.group(m.lastindex)
            slug = registry.region_by_name(name) or registry.region_by_name(name.removesuffix("人民"))
            if slug:
                return slug
    return None


# --------------------------------------------------------------------------- entry point

def parse_report(text: str, region: str | None = None, year: int | None = None) -> Parsed:
    """Targets (main flagged) and review outcomes of one report; region/year from the text when not given."""
    ex = _Extractor(text)
    targets, outcomes = ex.extract()
    region = region or region_from_text(ex.norm)
    year = year or year_from_text(ex.norm)
    for row in targets:
        row["region"], row["year"] = region, year
    for row in outcomes:
        row["region"], row["report_year"] = region, year
        row["year"] = year - 1 if year else None
        row["outcome_pct"] = row.pop("target_pct")
        row["outcome_high_pct"] = row.pop("target_high_pct")
        row.pop("relative_to", None)
        row.pop("main", None)
    return Parsed(targets, outcomes, region, year)


TARGET_COLUMNS = [
    "region", "year", "indicator", "label", "target_pct", "target_high_pct", "value", "value_high", "unit",
    "qualifier", "relative_to", "section", "sentence", "start", "end",
    "main", "measure", "wording", "subsection", "span_start", "span_end", "quote",
]
OUTCOME_COLUMNS = [
    "region", "year", "report_year", "indicator", "label", "outcome_pct", "outcome_high_pct", "value", "value_high",
    "unit", "qualifier", "estimated", "measure", "wording", "section", "sentence", "start", "end",
    "span_start", "span_end", "quote",
]


# --------------------------------------------------------------------------- scoring against a hand-labelled list

@dataclass
class Score:
    precision: float
    recall: float
    matched: int
    extracted: int
    expected: int
    missed: list[str]  # expected quotes without a matching row
    spurious: list[str]  # extracted quotes matching nothing expected
    field_errors: list[str]  # matched rows whose section, indicator, measure, main or relative_to differ


def _same_number(expected: str, got) -> bool:
    if expected in ("", None):
        return got is None or got != got
    return got is not None and got == got and abs(float(expected) - float(got)) < 1e-9


def score(text: str, rows: list[dict], expected: list[dict]) -> Score:
    """Precision and recall of ``rows`` against hand-labelled ``expected`` rows (dicts of strings).

    An expected row is located by its ``quote`` (unique in ``text``); a row matches it when its span
    overlaps the quote and number, unit and qualifier agree.
    """
    used, missed, field_errors = set(), [], []
    for e in expected:
        at = text.find(e["quote"])
        if at < 0 or text.find(e["quote"], at + 1) >= 0:
            raise ValueError(f"expected quote {e['quote']!r} must occur exactly once in the text")
        lo, hi = at, at + len(e["quote"])
        hit = next((i for i, r in enumerate(rows) if i not in used and r["span_start"] < hi and lo < r["span_end"]
                    and _same_number(e["value"], r["value"]) and (r["unit"] or "") == e["unit"]
                    and r["qualifier"] == e["qualifier"]), None)
        if hit is None:
            missed.append(e["quote"])
            continue
        used.add(hit)
        r = rows[hit]
        got = {"section": r["section"], "subsection": r["subsection"], "indicator": r["indicator"] or "",
               "measure": r["measure"], "main": str(bool(r["main"])), "relative_to": r["relative_to"] or ""}
        wrong = [f"{k}={got[k]!r} (expected {e[k]!r})" for k in got if k in e and got[k] != e[k]]
        if wrong:
            field_errors.append(f"{e['quote']}: " + ", ".join(wrong))
    spurious = [r["quote"] for i, r in enumerate(rows) if i not in used]
    n = len(used)
    return Score(n / len(rows) if rows else 0.0, n / len(expected) if expected else 0.0, n, len(rows),
                 len(expected), missed, spurious, field_errors)
