"""Targets and outcomes of one report text, by deterministic rules (see the package docstring)."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from pipeline.sources import qualifiers
from pipeline.sources.reports import outcomes as outcomes_mod
from pipeline.sources.reports.identify import region_from_text, year_from_text
from pipeline.sources.reports.phrases import (
    _ACTION_VERBS, _AFTER_VERBS, _BINDING_WORDS, _CHAIN_WORDS, _CLAUSE_BOUNDARY, _DECLINE_VERBS, _FROM_RE,
    _GROWTH_VERBS, _LIST_MARK, _NOUN_MEASURES, _PAREN_NOTE, _PRE_QUALIFIERS, _SENTENCE_BOUNDARY, _STRIVE,
    _TAIL_NOUNS, _TO_RE, _VERB_PREFIX_RE, _aliases, _last_boundary, _next_boundary, _quote_mask,
    _respective_names, _strip_lead, _strip_tail, indicator_for,
)
from pipeline.sources.reports.quantities import Quantity, find_quantities, normalize, visible
from pipeline.sources.reports.structure import _L1_RE, _L2_RE, Structure, structure


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
_BASE_WORDS = ("比上年", "比去年", "较上年", "较去年", "同比", "比上年同期")
_ECONOMY = {"经济发展": "gdp", "经济": "gdp"}  # 居民收入增长和经济发展同步 (2014, 2015 national reports)
_POSITIVE_RE = re.compile(r"(?P<subj>[^,;。:、]*?)(?:实现|保持)正增长")


@dataclass
class Parsed:
    targets: list[dict]
    outcomes: list[dict]
    region: str | None
    year: int | None
    unread: list[dict] = field(default_factory=list)  # main-target clauses that gave no target (see _Extractor.unread)


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
        self._starts = [q.start for q in self.quantities]
        self.main_anchor = self._main_anchor()
        self.main_span = self._main_span()
        self._groups: dict[int, tuple[list[str], str, str]] = {}
        self._list_head: dict[int, int] = {}
        self._measures: dict[int, str] = {}
        self._pre_clause = -1  # clause holding the last counted object (建设15个A和7个B)
        self._pre_verb = ""
        self._last_kept = -1

    # -- the main-targets paragraph
    def _main_anchor(self) -> int | None:
        """Where the 主要预期目标 paragraph starts (after its colon or 是), the plan part's first if any."""
        anchors = [m for m in _MAIN_ANCHOR.finditer(self.norm) if self.st.line_at(m.start()).part == "plan"]
        anchors = anchors or list(_MAIN_ANCHOR.finditer(self.norm))
        return anchors[0].end() if anchors else None

    def _main_span(self, targets_only: bool = True) -> tuple[int, int] | None:
        """From the 主要预期目标 anchor through the sentences (or list lines) that state targets.

        ``targets_only=False``: through the whole paragraph (or list), sentences without a readable target too.
        """
        norm, a = self.norm, self.main_anchor
        if a is None:
            return None
        pos, end = a, a
        one_per_line = not norm[a:_next_boundary(norm, a, "\n")].strip(" :")
        while pos < len(norm):
            s_end = _next_boundary(norm, pos, "。!?\n")
            sentence = norm[pos:s_end]
            if sentence.strip(" :"):
                if end > a and (_MAIN_STOP.match(sentence) or _L1_RE.match(sentence) or _L2_RE.match(sentence)):
                    break
                if targets_only and not self._carries_target(pos, s_end):
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
        return self._first_start(a, b) is not None

    def _first_start(self, a: int, b: int) -> int | None:
        """Start of the first quantity in [a, b): a bisection, so a long report stays linear."""
        i = bisect.bisect_left(self._starts, a)
        return self._starts[i] if i < len(self._starts) and self._starts[i] < b else None

    # -- one quantity in context
    def _item_start(self, idx: int, quantities: list[Quantity]) -> int:
        q = quantities[idx]
        start = _last_boundary(self.norm, q.start, _CLAUSE_BOUNDARY)
        for j in range(idx - 1, -1, -1):
            prev = quantities[j]
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
            if q.post in ("以上", "以下", "以内") and self._first_start(q.post_end, clause_end) is not None:
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
        prev_i = self._last_kept  # thresholds and skipped numbers in between do not count
        continues = prev_i >= 0 and quantities[prev_i].post_end <= item_start \
            and not _PAREN_NOTE.sub("", norm[quantities[prev_i].post_end:item_start]).strip("、, ")
        # 达到5.53万亿元、稳居全国前十强、增长4.8%: the verb has no subject of its own, the growth is of the 5.53万亿元
        predicate_only = continues and norm[item_start - 1] == "、" and label.rstrip().endswith(("、", ","))
        label = "" if label in ("力争", "争取", "努力争取") else _strip_lead(label)  # 增长6.5%左右、力争7%
        if label in _BASE_WORDS or outcomes_mod.is_bare(label) or predicate_only:
            label = ""  # 56.9万亿元,比上年增长7.7%; 5.3万亿元、全年增长4.8%: the growth is of the thing just named
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
            noun_end = self._first_start(q.post_end, clause_end) or clause_end
            noun, _ = _strip_tail(norm[q.post_end:noun_end], _CHAIN_WORDS + ("超", "约", "近"))
            if chained:
                label, span_start = self._pre_verb, q.start  # 建设15个A和7个B: B is also 建设
            label = (label + noun).strip()
            span_end = q.post_end + len(noun.rstrip())
        elif not label and continues:
            label = labels[prev_i]  # 6.36万亿元、增长5.1%: the growth is of the same thing
            if not verb and (q.unit in ("%", "pp")) == (quantities[prev_i].unit in ("%", "pp")):
                measure = self._measures.get(prev_i, measure)  # 增长5%、总量突破5万亿元: a level all the same
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
    def _relatives(self, a: int, b: int, taken: bytearray) -> list[dict]:
        rows = []
        pos = a
        norm = self.norm
        while pos < b:
            c_end = min(_next_boundary(norm, pos, ",;。:!?\n、"), b)
            clause = norm[pos:c_end]
            marker = _LIST_MARK.match(clause)
            if marker:
                pos, clause = pos + marker.end(), clause[marker.end():]
            if clause and not taken[pos] and not re.search(r"\d", clause) \
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
            ref_slug = indicator_for(ref_core, "增长") or indicator_for(ref_core) or _ECONOMY.get(ref_core)
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

    # -- main targets that gave no row
    def unread(self, targets: list[dict]) -> list[dict]:
        """Clauses of the main-targets paragraph that name an indicator and a number but gave it no target.

        A main target must never vanish silently (a number broken by a stray character, a typo such as
        5·5%): each such clause is returned, for a person to read.
        """
        span = self._main_span(targets_only=False)
        if span is None:
            return []
        norm, out = self.norm, []
        pos = span[0]
        while pos < span[1]:
            c_end = min(_next_boundary(norm, pos, ",;。:!?\n、"), span[1])
            clause = norm[pos:c_end]
            marker = _LIST_MARK.match(clause)
            body = _strip_lead(clause[marker.end():] if marker else clause)
            slug, name = outcomes_mod.name_at_start(body)
            if slug and re.search(r"[0-9%]", clause) and not any(
                    r["indicator"] == slug and r["span_start"] < c_end and pos < r["span_end"] for r in targets):
                a = pos + max(clause.find(body), 0)
                row = {"indicator": slug, "label": name}
                row.update(_row_common(self.text, norm, self.st, (a, c_end)))
                out.append(row)
            pos = c_end + 1
        return out

    # -- the three outputs
    def extract(self) -> tuple[list[dict], list[dict]]:
        targets, outcomes = [], []
        quantities = self.quantities
        labels: dict[int, str] = {}
        main = self.main_span
        taken = bytearray(len(self.norm))  # 1 inside the phrase of a quantity already kept
        for i, q in enumerate(quantities):
            part = self.st.line_at(q.start).part
            in_main = bool(main and main[0] <= q.start < main[1])
            if part not in ("plan", "review") and not in_main:
                continue
            d = self._describe(i, quantities, labels)
            if d is None:
                continue
            row = self._base_row(q, d)
            taken[d["span"][0]:d["span"][1]] = b"\x01" * (d["span"][1] - d["span"][0])
            if in_main:
                row.update(main=True, section="主要预期目标", subsection="")
                targets.append(row)
            elif part == "plan":
                row["main"] = False
                targets.append(row)
            else:
                sent_start = _last_boundary(self.norm, d["item_start"], _SENTENCE_BOUNDARY)
                row["estimated"] = "预计" in self.norm[sent_start:q.start]
                row["_number_start"] = q.start  # for outcomes_mod.carry; dropped by parse_report
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


# --------------------------------------------------------------------------- entry point

def _to_original(rows: list[dict], text: str, where: list[int]) -> None:
    """Offsets of rows found in the visible text, moved back to ``text`` (which has invisible characters)."""
    for row in rows:
        for a, b in (("start", "end"), ("span_start", "span_end")):
            row[a], row[b] = where[row[a]], (where[row[b] - 1] + 1 if row[b] else 0)
        row["sentence"], row["quote"] = text[row["start"]:row["end"]], text[row["span_start"]:row["span_end"]]


def parse_report(text: str, region: str | None = None, year: int | None = None) -> Parsed:
    """Targets (main flagged) and review outcomes of one report; region/year from the text when not given.

    Invisible characters (zero-width space, soft hyphen ...) are read through; offsets still index ``text``.
    """
    shown, where = visible(text)
    ex = _Extractor(shown)
    targets, outcomes = ex.extract()
    unread = ex.unread(targets)
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
        outcomes_mod.finish(row)
    outcomes_mod.carry(outcomes, ex.norm)
    for row in outcomes:
        row.pop("_number_start", None)
    for row in unread:
        row["region"], row["year"] = region, year
    if where is not None:
        _to_original(targets + outcomes + unread, text, where)
    return Parsed(targets, outcomes, region, year, unread)


TARGET_COLUMNS = [
    "region", "year", "indicator", "label", "target_pct", "target_high_pct", "value", "value_high", "unit",
    "qualifier", "relative_to", "section", "sentence", "start", "end",
    "main", "measure", "wording", "subsection", "span_start", "span_end", "quote",
]
OUTCOME_COLUMNS = [
    "region", "year", "report_year", "indicator", "label", "outcome_pct", "outcome_high_pct", "value", "value_high",
    "unit", "level_cny_100m", "qualifier", "estimated", "measure", "wording", "section", "sentence", "start", "end",
    "span_start", "span_end", "quote",
]
