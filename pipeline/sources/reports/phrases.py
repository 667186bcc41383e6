"""Phrase helpers shared by the extractor: boundaries, binding words, labels, and label -> indicator slug."""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.sources import registry


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


_QUOTE_EVENT = re.compile("[\"\n" + _OPEN_QUOTES + _CLOSE_QUOTES + "]")


def _quote_mask(norm: str) -> bytearray:
    """1 where a character sits inside “...”, 《...》 and the like (reset at each line end).

    Walks the quote marks and line ends only (a regex finds them), so a 50 MB report costs little.
    """
    mask, depth, last = bytearray(len(norm)), 0, 0
    for m in _QUOTE_EVENT.finditer(norm):
        i, ch = m.start(), m.group()
        if depth and i > last:
            mask[last:i] = b"\x01" * (i - last)
        if ch == '"':
            depth = 0 if depth else 1
        elif ch in _OPEN_QUOTES:
            depth += 1
        elif ch in _CLOSE_QUOTES:
            depth = max(0, depth - 1)
        else:
            depth = 0
        last = i + 1
    if depth and last < len(norm):
        mask[last:] = b"\x01" * (len(norm) - last)
    return mask


_WINDOW = 256  # boundary searches look this far at a time, so a text without punctuation stays linear


def _last_boundary(norm: str, pos: int, chars: str, floor: int = 0) -> int:
    """Index after the last boundary character before ``pos`` (``floor`` at most)."""
    hi = pos
    while hi > floor:
        lo = max(floor, hi - _WINDOW)
        found = max(norm.rfind(c, lo, hi) for c in chars)
        if found >= 0:
            return found + 1
        hi = lo
    return floor


def _next_boundary(norm: str, pos: int, chars: str) -> int:
    lo, n = pos, len(norm)
    while lo < n:
        hi = min(n, lo + _WINDOW)
        found = [i for i in (norm.find(c, lo, hi) for c in chars) if i >= 0]
        if found:
            return min(found)
        lo = hi
    return n


@lru_cache(maxsize=None)
def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


def _strip_tail(label: str, words) -> tuple[str, str]:
    """Drop trailing ``words`` repeatedly; returns (label, first word removed nearest the number)."""
    nearest = ""
    changed = True
    ordered = _longest_first(tuple(words))
    while changed and label:
        changed = False
        if not label.endswith(ordered):  # one C-level test for the common case: nothing left to strip
            break
        for w in ordered:
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
