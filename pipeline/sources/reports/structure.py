"""Where each line sits: part (preamble, review, plan, notes), numbered section and paragraph lead."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field


_L1_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")
_L2_RE = re.compile(r"^\s*(?:\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+是)")
_PLAN_WORDS = re.compile(r"安排|要求|目标|任务|重点工作|工作建议|部署|民生实事")
_NOTES_WORDS = re.compile(r"名词解释|注释|附注|名词说明")
_REVIEW_START = re.compile(r"^\s*(?:过去一年|一年来|回顾过去|去年,|刚刚过去的(?:19|20)\d\d年|(?:19|20)\d\d\s*年工作回顾)")
_PLAN_START = re.compile(r"总体要求|总的要求|主要预期目标|工作安排")
_PLAN_LEAD = re.compile(r"^\s*(?:今年|综合研判形势)")  # national excerpts: no headings between review and plan


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
            if part in ("preamble", "review") and (_PLAN_START.search(body[:60]) or _PLAN_LEAD.match(body)):
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
