"""A release as rows of the raw indicator schema, and the sentences it could not place.

Walks the sentences in order, carrying within a sentence the subject (the indicator last named) and the
period (the last one written that is not a comparison base), and collects every figure of a tracked
indicator: year-on-year growth on the series' basis (real for GDP and industry, nominal otherwise; the
other basis goes to the note), levels with their unit. Two-year averages, same-scope (同口径) rates,
growth against another base (比2019年同期) and month-on-month rates are notes or nothing, never the figure;
projections and targets (预计, 目标, 左右) are not figures.

The release's period is the latest one its figures are for (``1—10月份`` and ``10月份`` in an October
release); figures quoted for earlier periods (``1—9月份``, the first quarter in a half-year release, which
may be revised) are left out. A figure of a tracked indicator that cannot be placed (no period, an
ambiguous one, damage next to it, only the other basis printed, two different values) is returned in
``unplaced`` with its line and why. ``ReleaseError``: the file cannot be read, no release is recognised,
or nothing could be read from it (one line naming the file).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pipeline.sources.releases import names
from pipeline.sources.releases.decode import ReleaseError, read_sidecar, read_text
from pipeline.sources.releases.period import Period, find_periods, publication_date, year_from_date
from pipeline.sources.releases.repair import repair
from pipeline.sources.releases.sentences import (Clause, Growth, Sentence, aside_growth, growth_figures, head_kind, head_of, level_figure,
                        split_clauses, split_sentences)

COLUMNS = ["region", "indicator", "period", "measure", "value", "unit", "vintage", "source", "note"]
_QUARTERLY = {"gdp", "income"}
_REAL_ADVERBIAL = re.compile(r"按(?:可比|不变)价格?计算|at\s+comparable\s+prices|at\s+constant\s+prices", re.I)
_COMPARABLE = re.compile(r"按可比口径计算|可比口径|comparable\s+basis", re.I)
_MOM_SENTENCE = re.compile(r"从环比(?:速度)?看|month[- ]on[- ]month\s+basis", re.I)
_DAMAGE = {"pinyin": "pinyin in brackets dropped", "traditional": "traditional characters read as simplified",
           "placeholders": "?? placeholders dropped", "dashes_dropped": "dropped dashes restored (e.g. 110月份 = 1—10月份)",
           "year_glued": "dropped 年 restored (e.g. 201810月份 = 2018年10月份)"}


@dataclass(frozen=True)
class Unplaced:
    """A sentence with a figure of a tracked indicator that was not read, and why."""
    line: int
    reason: str
    sentence: str

    def __str__(self) -> str:
        text = self.sentence if len(self.sentence) <= 100 else self.sentence[:97] + "..."
        return f"{self.line}: {self.reason}: {text}"


@dataclass
class _Figure:
    slug: str
    period: Period
    kind: str  # growth or level
    value: Decimal
    unit: str
    line: int
    sentence: int  # index of the sentence
    clause: str
    notes: list[str] = field(default_factory=list)
    alt: bool = False  # the other basis (real for a nominal series ...): a note unless nothing else is printed


@dataclass
class _Note:
    slug: str
    period: Period | None
    sentence: int
    text: str


@dataclass
class _Walk:
    dashes_dropped: bool
    figures: list[_Figure] = field(default_factory=list)
    notes: list[_Note] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    named: set[str] = field(default_factory=set)  # tracked indicators the text names


def _fmt(value: Decimal) -> str:
    """As printed (6.0 stays 6.0); converted values (倍, billion yuan) come normalised (220, 348892)."""
    return format(value, "f")


def _walk_sentence(walk: _Walk, index: int, sentence: Sentence) -> None:
    text = sentence.text
    periods = find_periods(text, walk.dashes_dropped)
    subject: str | None = None  # a slug, "other", or None (nothing named yet)
    context: Period | None = None
    mom = real = False
    for clause in split_clauses(text):
        end = clause.start + len(clause.text)
        mine = [p for p in periods if clause.start <= p.start < end]
        own = [(p.start - clause.start, p.end - clause.start) for p in mine if not p.base]
        head, head_end = head_of(clause.text, own)
        kind = head_kind(head)
        if kind == "name":
            slug = names.indicator_for(head)
            subject = slug or "other"
            if slug:
                walk.named.add(slug)
        mom = mom or bool(_MOM_SENTENCE.search(clause.text))
        real = real or bool(_REAL_ADVERBIAL.search(clause.text))
        rest = text[end:]
        growths = growth_figures(clause, rest)
        level = level_figure(clause, head_end) if kind == "name" and subject not in (None, "other") else None

        def context_at(offset: int) -> Period | None:
            found = context
            for p in mine:
                if not p.base and p.start - clause.start <= offset:
                    found = p
            return found

        if subject not in (None, "other") and "?" in clause.masked and re.search(r"\d", clause.masked):
            _unplace(walk, sentence, "damaged text ('?') in a clause with a figure")
            growths, level = [], None
        for g in growths:
            _growth(walk, index, sentence, clause, subject, context_at(g.start), g, mom, real)
        if level is not None:
            _level(walk, index, sentence, clause, subject, context_at(level.start), level)
        if subject not in (None, "other"):
            where = context_at(len(clause.text))
            for _, _, wording in (a for aside in clause.asides for a in aside_growth(aside)):
                walk.notes.append(_Note(subject, where, index, wording))
            if _COMPARABLE.search(clause.text):
                walk.notes.append(_Note(subject, where, index, "按可比口径计算 (growth on a comparable basis; the "
                                        "level is not comparable with the previous year's)"))
        for p in mine:
            if not p.base:
                context = p


def _unplace(walk: _Walk, sentence: Sentence, reason: str, figure: str = "") -> None:
    """One entry per sentence and reason; the figures it concerns are listed after the reason."""
    for i, u in enumerate(walk.unplaced):
        if u.line == sentence.line and u.sentence == sentence.text and u.reason.split(": ")[0] == reason:
            if figure and figure not in u.reason.split(": ", 1)[-1].split(", "):
                walk.unplaced[i] = Unplaced(u.line, f"{u.reason}, {figure}" if ": " in u.reason else
                                            f"{reason}: {figure}", u.sentence)
            return
    walk.unplaced.append(Unplaced(sentence.line, f"{reason}: {figure}" if figure else reason, sentence.text))


def _growth(walk: _Walk, index: int, sentence: Sentence, clause: Clause, subject: str | None, period: Period | None,
            g: Growth, mom: bool, real: bool) -> None:
    if subject == "other" or g.projected:
        return
    yoy = g.sign != 0 and not (mom or g.mom or g.two_year_average or g.other_base or g.same_scope)
    if subject is None:
        if yoy and period is not None:
            _unplace(walk, sentence, "no indicator named", g.printed)
        return
    wording = clause.text[:g.end].strip(" ,")
    if g.sign == 0:
        _unplace(walk, sentence, "not written as a growth rate", g.printed)
        return
    if mom or g.mom:
        return
    if g.two_year_average or g.other_base or g.same_scope:
        walk.notes.append(_Note(subject, period, index, wording))
        return
    if g.several:
        _unplace(walk, sentence, "several figures given together ('分别')", g.printed)
        return
    if period is None:
        _unplace(walk, sentence, "no period", g.printed)
        return
    if period.ambiguous:
        _unplace(walk, sentence, period.ambiguous)
        return
    basis = g.basis or ("real" if real else "")
    series = "real" if subject in names.REAL else "nominal"
    figure = _Figure(subject, period, "growth", g.sign * g.value, "pct", sentence.line, index, clause.text)
    if basis and basis != series:
        figure.alt = True
        figure.notes.append(f"{wording} ({basis}; the series is {series})")
    elif basis == "nominal" and subject not in names.REAL:
        figure.notes.append(f"nominal growth ({wording})")
    walk.figures.append(figure)


def _level(walk: _Walk, index: int, sentence: Sentence, clause: Clause, subject: str, period: Period | None,
           level) -> None:
    unit, factor = names.LEVEL_UNITS.get(level.unit_text, (None, None))
    if unit is None:
        _unplace(walk, sentence, "level with a unit not known", level.printed)
    elif period is None:
        _unplace(walk, sentence, "no period", level.printed)
    elif period.ambiguous:
        _unplace(walk, sentence, period.ambiguous)
    else:
        value = level.value if factor == 1 else (level.value * factor).normalize()
        figure = _Figure(subject, period, "level", value, unit, sentence.line, index, clause.text)
        if factor != 1:
            figure.notes.append(f"printed as {level.printed}")
        walk.figures.append(figure)


def _measures(slug: str, period: Period, kind: str) -> list[str] | str:
    """The raw-schema measures a figure gives, or why it gives none."""
    suffix = "growth_pct" if kind == "growth" else "level"
    if period.kind == "ytd" or (period.kind == "month" and period.month == 1):
        return [f"ytd_{suffix}"]
    if period.kind == "month":
        return [f"period_{suffix}"]
    if slug in _QUARTERLY:  # a quarter: the first is also the year to date (how the GDP series is keyed)
        return [f"ytd_{suffix}", f"period_{suffix}"] if period.month == 3 else [f"period_{suffix}"]
    if period.month == 3:
        return [f"ytd_{suffix}"]
    return "a single quarter of a monthly series (no such measure)"


def _year(lines: list[str], walk: _Walk, given: int | None) -> int | None:
    """The release's year: the caller's (--year, sidecar), else the text's, else its date line's."""
    if given:
        return given
    explicit = [(p.year, p.month) for ln in lines for p in find_periods(ln, walk.dashes_dropped)
                if p.year and not p.base]
    if explicit:
        return max(explicit)[0]
    head = [ln for ln in lines if ln.strip()][:6]
    date = publication_date(head)
    months = [f.period.month for f in walk.figures]
    if date and months:
        return year_from_date(date, max(months))
    return None


def _title(lines: list[str]) -> tuple[str, str, int]:
    """(title, date, line of the title or 0) from the first lines: a heading has no sentence end and no comma."""
    numbered = [(n, ln.strip()) for n, ln in enumerate(lines, start=1) if ln.strip()][:6]
    title, title_line = "", 0
    if numbered and not re.search(r"[。,]", numbered[0][1]) and len(numbered[0][1]) <= 90:
        title_line, title = numbered[0]
    title = re.sub(r"^\[[^\]]*\]", "", title)
    title = re.split(r"\s*(?:(?:19|20)\d\d-\d{1,2}-\d{1,2}|发布时间|时间:|来源)", title)[0].strip()
    if not title:
        title = next((ln.strip() for ln in lines if re.search(r"主要数据\s*$", ln.strip())), "")
    date = publication_date([ln for _, ln in numbered])
    return title, (f"{date[0]}-{date[1]:02d}-{date[2]:02d}" if date else ""), title_line


def _source(lines: list[str], slugs: set[str], display: str, extra: str | None, english: bool) -> str:
    title, date, _ = _title(lines)
    publisher = names.PUBLISHERS["mof" if slugs & names.MOF_SLUGS or "财政收支" in title else "nbs"]
    parts = [f"{publisher} release" + (" (English)" if english else "")]
    if title:
        parts.append(f"'{title}'")
    if date:
        parts.append(date)
    out = ", ".join(parts) + f"; text {display}"
    return out + (f"; {extra}" if extra else "")


def read_release(path: str | Path, *, year: int | None = None, display: str | None = None
                 ) -> tuple[list[dict], list[Unplaced]]:
    """Rows (raw schema, plus ``line``: where the figure is) and the sentences not placed; ReleaseError if unreadable.

    ``year``: the release's year when the text names none (else a ``FILE.meta.yaml`` sidecar's ``year:``).
    ``display``: how the file is named in ``source`` (default: its name).
    """
    display = display or Path(path).name
    text = read_text(path)
    meta = read_sidecar(path)
    repaired = repair(text)
    lines = repaired.lines
    walk = _Walk(repaired.dashes_dropped)
    sentences = split_sentences(lines)
    for index, sentence in enumerate(sentences):
        _walk_sentence(walk, index, sentence)
    if not walk.named:
        raise ReleaseError(path, "no release recognised: no sentence names a tracked indicator ("
                           + ", ".join(names.tracked_names()) + ")")
    release_year = _year(lines, walk, year or meta.get("year"))
    if release_year is None and walk.figures:
        raise ReleaseError(path, "the text names no year (no title, date line or year in a sentence); give it with "
                           f"--year, or a sidecar {Path(path).name}.meta.yaml with 'year: YYYY'")
    english = all(s.english for s in sentences)
    source = _source(lines, {f.slug for f in walk.figures}, display, meta.get("source"), english)
    rows = _rows(walk, release_year, source, repaired.damage, _title(lines)[2])
    if not rows:
        first = f" (first: line {walk.unplaced[0]})" if walk.unplaced else ""
        raise ReleaseError(path, f"nothing read: no figure of a tracked indicator could be placed{first}")
    return rows, walk.unplaced


def _rows(walk: _Walk, release_year: int | None, source: str, damage: set[str], title_line: int) -> list[dict]:
    def when(p: Period) -> tuple[int, int]:
        return (p.year or release_year, p.month)

    placed = [f for f in walk.figures if not f.alt]
    if not placed:
        for f in walk.figures:
            walk.unplaced.append(Unplaced(f.line, f"only {f.notes[0]} is printed", f.clause))
        return []
    latest = max(when(f.period) for f in placed)
    groups: dict[tuple[str, str], list[_Figure]] = {}
    for f in placed:
        if when(f.period) != latest:
            continue  # a figure quoted for an earlier period: not this release's
        measures = _measures(f.slug, f.period, f.kind)
        if isinstance(measures, str):
            walk.unplaced.append(Unplaced(f.line, measures, f.clause))
            continue
        for measure in measures:
            groups.setdefault((f.slug, measure), []).append(f)
    for f in walk.figures:  # only the other basis printed (retail's real growth alone): not the series' figure
        if f.alt and when(f.period) == latest and not isinstance(_measures(f.slug, f.period, f.kind), str):
            if not any((f.slug, m) in groups for m in _measures(f.slug, f.period, f.kind)):
                walk.unplaced.append(Unplaced(f.line, f"only {f.notes[0]} is printed", f.clause))
    repaired = "; ".join(_DAMAGE[d] for d in sorted(damage) if d in _DAMAGE)
    rows = []
    for (slug, measure), figures in groups.items():
        values = {f.value for f in figures}
        if len(values) > 1:
            said = ", ".join(f"{_fmt(f.value)} (line {f.line})" for f in figures)
            walk.unplaced.append(Unplaced(figures[0].line, f"{slug} {measure} is given different values: {said}; "
                                          "not read", figures[0].clause))
            continue
        main = next((f for f in figures if f.line != title_line), figures[0])
        sentences = {f.sentence for f in figures}
        notes = [n for f in figures for n in f.notes]
        notes += [n for x in walk.figures if x.alt and x.slug == slug and x.sentence in sentences
                  and when(x.period) == latest and main.kind == "growth" for n in x.notes]
        notes += [n.text for n in walk.notes if n.slug == slug and n.sentence in sentences
                  and (n.period is None or when(n.period) == latest)
                  and (main.kind == "growth" or "可比口径" in n.text)]
        notes = list(dict.fromkeys(notes))
        if repaired:
            notes.append(f"text repaired: {repaired}")
        notes.append(f"line {main.line}: {main.clause.strip()[:80]}")
        rows.append({"region": "china", "indicator": slug, "period": f"{latest[0]}-{latest[1]:02d}",
                     "measure": measure, "value": _fmt(main.value), "unit": main.unit, "vintage": "first",
                     "source": source, "note": "; ".join(notes), "line": main.line})
    rows.sort(key=lambda r: (r["line"], r["indicator"], r["measure"]))
    return rows
