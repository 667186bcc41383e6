"""What a briefing says, in the reader's language: verdicts, tables, notes, sources and method.

Every word comes from the catalogue (``pipeline/presentation/i18n/{zh,en}.yaml``, keys ``briefing.*``); numbers go
through ``fmt``. Functions take a ``model.Briefing`` and return Markdown or HTML strings.
"""
from __future__ import annotations

import html
import math
import re

import pandas as pd

from pipeline.presentation import i18n
from pipeline.sources import registry
from pipeline.presentation.briefing import fmt
from pipeline.presentation.briefing.model import PROVISIONAL, Briefing, indicator_path, provisional

from pipeline.presentation.briefing.words import (COMMA, SEP, STOP, indicator_name, region_name,  # noqa: F401
                                                 short_indicator, t, target_wording, title)


def _has_target(r) -> bool:
    return isinstance(r.qualifier, str) and bool(r.qualifier)


def has_targets(b: Briefing) -> bool:
    return any(_has_target(r) for r in b.forecast.itertuples())


def no_targets_md(b: Briefing) -> str:
    """Said in the sections about P(met) when the year's targets are not in the data."""
    return t(b, "briefing.no_targets", region=region_name(b.region, b.lang), year=b.year)


def stale_period(b: Briefing, r) -> str | None:
    """The latest period of a series that stopped short of the as-of month this year (monthly: the as-of month;
    quarterly: the last quarter end by then), else None: the page flags it wherever the series is shown."""
    if not isinstance(r.latest_period, str) or len(r.latest_period) < 7:
        return None
    y, m = int(r.latest_period[:4]), int(r.latest_period[5:7])
    freq = registry.indicator(r.indicator).frequency
    expected = b.month if freq == "monthly" else (b.month // 3) * 3 if freq == "quarterly" else 12
    if freq == "monthly" and expected == 1:  # January is released with February
        return None
    return r.latest_period if y == b.year and expected and m < expected else None


def _final(r) -> bool:
    return isinstance(r.latest_period, str) and r.latest_period.endswith("-12")


def verdict(b: Briefing, r) -> str:
    """One sentence per target: where the year is heading, the chance of meeting the target, what is needed."""
    lang, ind = b.lang, short_indicator(r.indicator, b)
    wording = target_wording(r, lang)
    if fmt.missing(r.q50_pct):
        aside = b.set_aside is not None and (b.set_aside.indicator == f"{r.indicator}_unclear").any()
        reason = getattr(r, "no_forecast_reason", "")
        key = f"no_data_{reason}" if isinstance(reason, str) and reason else "no_data"
        return t(b, f"briefing.verdict.{key}", indicator=ind, last=b.year - 1) + (
            SEP[lang] + t(b, "briefing.verdict.set_aside") if aside else "") + STOP[lang]
    if _final(r):
        if not _has_target(r):
            return (t(b, "briefing.verdict.final_no_target", indicator=ind, latest=fmt.pct(r.latest_ytd_pct))
                    + _provisional(b, r) + STOP[lang])
        met = "met" if (r.p_met or 0) >= 0.5 else "missed"
        return t(b, f"briefing.verdict.final_{met}", indicator=ind, latest=fmt.pct(r.latest_ytd_pct),
                 wording=wording) + _provisional(b, r) + STOP[lang]
    if not _has_target(r):
        return t(b, "briefing.verdict.no_target", indicator=ind, median=fmt.pct(r.q50_pct)) + _provisional(b, r) + STOP[lang]
    key = "annual" if fmt.missing(r.latest_ytd_pct) else "forecast"
    if key == "annual" and "annual:last_outcome" in str(r.borrowed_from):
        key = "annual_last_outcome"
    text = t(b, f"briefing.verdict.{key}", indicator=ind, median=fmt.pct(r.q50_pct), wording=wording,
             p=fmt.prob(r.p_met))
    if r.qualifier in ("above", "in_step"):
        rel = b.forecast[b.forecast.indicator == r.relative_to]
        if not rel.empty and not fmt.missing(rel.q50_pct.iloc[0]):
            text += SEP[lang] + t(b, "briefing.verdict.relative", rel=short_indicator(r.relative_to, b),
                                  median=fmt.pct(rel.q50_pct.iloc[0]))
    if r.qualifier == "about" and not fmt.missing(getattr(r, "p_met_strict", math.nan)):
        text += t(b, "briefing.verdict.strict", p=fmt.prob(r.p_met_strict),
                  tol=fmt.target_number(b.cfg.about_tolerance_pp))
    if not fmt.missing(r.required_rest_pct):
        text += SEP[lang] + t(b, "briefing.verdict.required", req=fmt.pct(r.required_rest_pct))
    if stale_period(b, r):
        text += t(b, "briefing.verdict.stale", period=fmt.span_text(r.latest_period, lang))
    return text + _provisional(b, r) + STOP[lang]


def _provisional(b: Briefing, r) -> str:
    """'; the latest figure (Jan-Aug 2026) is provisional ...' when it is, else ''."""
    if not provisional(b, r.indicator, r.latest_period):
        return ""
    return SEP[b.lang] + t(b, "briefing.verdict.provisional", period=fmt.span_text(r.latest_period, b.lang))


def verdicts(b: Briefing) -> str:
    """Markdown list: one verdict and the month's move per target."""
    lines = []
    for _, r in b.forecast.iterrows():
        moved = moved_sentence(b, r.indicator) if _has_target(r) and not _final(r) else ""
        lines.append(f"- **{indicator_name(r.indicator, b)}**{t(b, 'briefing.colon')}{verdict(b, r)}"
                     + (f"{'' if b.lang == 'zh' else ' '}{moved}" if moved else ""))
    return "\n".join(lines) if lines else t(b, "briefing.nothing")


def _own_values(b: Briefing, indicator: str, month: int) -> str:
    own = b.arrivals[(b.arrivals.indicator == indicator) & (b.arrivals.month == month)]
    if own.empty:
        return ""
    return COMMA[b.lang].join(fmt.pct(v) for v in own.value)


def cause_text(b: Briefing, indicator: str, month: int, part: str) -> str:
    """Words for one part of a month's step: the region's own figures (named) or everything else."""
    period = f"{b.year:04d}-{month:02d}"
    if part == "own":
        values = _own_values(b, indicator, month)
        if values:
            return t(b, "briefing.cause.own", span=fmt.span_text(period, b.lang), values=values)
        return t(b, "briefing.cause.own_other", span=fmt.span_text(period, b.lang))
    if part == "other":
        return t(b, "briefing.cause.other", span=fmt.span_text(period, b.lang))
    return t(b, "briefing.cause.all", span=fmt.span_text(period, b.lang))


def moved_sentence(b: Briefing, indicator: str) -> str:
    """What moved P(met) most since the previous month (the last step of the real-time path)."""
    path = indicator_path(b, indicator)
    if len(path) < 2 or fmt.missing(path.p_met.iloc[-1]) or fmt.missing(path.p_met.iloc[-2]):
        return ""
    p0, p1 = path.p_met.iloc[-2], path.p_met.iloc[-1]
    steps = b.steps[(b.steps.indicator == indicator) & (b.steps.month == b.month)].dropna(subset=["delta_p"])
    if fmt.prob(p0) == fmt.prob(p1) or steps.empty:
        return t(b, "briefing.moved.unchanged", p=fmt.prob(p1)) + STOP[b.lang]
    top = steps.loc[steps.delta_p.abs().idxmax()]
    return t(b, f"briefing.moved.{'up' if p1 > p0 else 'down'}", delta=fmt.points(p1 - p0, b.lang), p0=fmt.prob(p0), p1=fmt.prob(p1),
             cause=cause_text(b, indicator, b.month, top.part)) + STOP[b.lang]


# --- tables -----------------------------------------------------------------------------------------

def _left(styler):
    """Left-aligned cells and headers (words read better left-aligned; the default right-aligns everything)."""
    return styler.set_properties(**{"text-align": "left"}).set_table_styles(
        [{"selector": "th", "props": [("text-align", "left")]}])


def _table(df: pd.DataFrame, uuid: str, colours: list[str] | None = None, colour_col: str | None = None) -> str:
    """A plain HTML table with deterministic ids (no index)."""
    styler = _left(df.style.hide(axis="index").set_uuid(uuid))
    if colours is not None and colour_col in df.columns:
        styler = styler.apply(lambda col: [f"background-color: {c}; color: white" if c else "" for c in colours],
                              subset=[colour_col])
    return styler.to_html()


def headline(b: Briefing) -> pd.DataFrame:
    """One row per indicator: target wording, latest YTD, growth needed, forecast, P(met), status."""
    rows = []
    for _, r in b.forecast.iterrows():
        band = (fmt.DASH if fmt.missing(r.q10_pct) or _final(r)
                else f"{fmt.number(r.q10_pct)} ~ {fmt.number(r.q90_pct)}")
        status = r.status if isinstance(r.status, str) and r.status else ""
        rows.append({
            t(b, "briefing.col.indicator"): indicator_name(r.indicator, b),
            t(b, "briefing.col.target"): target_wording(r, b.lang),
            t(b, "briefing.col.latest"): fmt.pct(r.latest_ytd_pct) + (
                t(b, "briefing.col.provisional_mark") if provisional(b, r.indicator, r.latest_period) else ""),
            t(b, "briefing.col.period"): fmt.span_text(r.latest_period, b.lang) + (
                t(b, "briefing.col.stale_mark") if stale_period(b, r) else ""),
            t(b, "briefing.col.required"): fmt.pct(r.required_rest_pct),
            t(b, "briefing.col.median"): fmt.pct(r.q50_pct),
            t(b, "briefing.col.band"): band,
            t(b, "briefing.col.p_met"): fmt.prob(r.p_met) + (
                t(b, "briefing.col.strict_aside", p=fmt.prob(r.p_met_strict))
                if r.qualifier == "about" and not fmt.missing(getattr(r, "p_met_strict", math.nan)) else ""),
            t(b, "briefing.col.status"): t(b, f"status.{status}") if status else fmt.DASH,
            "_status": status,
        })
    return pd.DataFrame(rows)


def headline_html(b: Briefing) -> str:
    from pipeline.presentation.plots import STATUS_COLOURS

    table = headline(b)
    if table.empty:
        return f"<p>{html.escape(t(b, 'briefing.nothing'))}</p>"
    colours = [STATUS_COLOURS.get(s, "") for s in table.pop("_status")]
    mark = t(b, "briefing.col.provisional_mark")
    note = (f'<p class="footnote"><small>{html.escape(t(b, "briefing.provisional_note", mark=mark.strip()))}</small></p>'
            if table[t(b, "briefing.col.latest")].str.endswith(mark).any() else "")
    return _table(table, "headline", colours, t(b, "briefing.col.status")) + note


def path_table_html(b: Briefing) -> str:
    """P(met) as of every month so far, one row per target (real time)."""
    rows = []
    for _, r in b.forecast.iterrows():
        if not _has_target(r):
            continue
        path = indicator_path(b, r.indicator)
        row = {t(b, "briefing.col.indicator"): indicator_name(r.indicator, b)}
        for p in path.itertuples():
            row[fmt.month_name(p.month, b.lang)] = fmt.prob(p.p_met)
        rows.append(row)
    if not rows:
        return f"<p>{html.escape(no_targets_md(b))}</p>"
    return _table(pd.DataFrame(rows).fillna(fmt.DASH), "path")


def changes_table(b: Briefing) -> pd.DataFrame:
    """Change in P(met) since the previous briefing, split by the releases that arrived in between (adds up)."""
    prev_month = _previous_month(b)
    rows = []
    for _, r in b.forecast.iterrows():
        if not _has_target(r):
            continue
        path = indicator_path(b, r.indicator).set_index("month")
        p_prev = path.p_met.get(prev_month) if prev_month else None
        steps = b.steps[(b.steps.indicator == r.indicator) & (b.steps.month > (prev_month or 0))]
        name = indicator_name(r.indicator, b)
        if p_prev is None or fmt.missing(p_prev) or fmt.missing(r.p_met):
            what = (t(b, "briefing.changes.new_now", p=fmt.prob(r.p_met)) if not fmt.missing(r.p_met)
                    else t(b, "briefing.changes.not_comparable"))
            rows.append({"ind": name, "what": what, "delta": fmt.DASH})
            continue
        rows.append({"ind": name, "what": t(b, "briefing.changes.before", p=fmt.prob(p_prev)), "delta": ""})
        for s in steps.itertuples():
            rows.append({"ind": "", "what": cause_text(b, r.indicator, s.month, s.part),
                         "delta": fmt.points(s.delta_p, b.lang, places=1)})
        rows.append({"ind": "", "what": t(b, "briefing.changes.now", p=fmt.prob(r.p_met)),
                     "delta": fmt.points(r.p_met - p_prev, b.lang, places=1)})
    df = pd.DataFrame(rows, columns=["ind", "what", "delta"])
    return df.rename(columns={"ind": t(b, "briefing.col.indicator"), "what": t(b, "briefing.col.cause"),
                              "delta": t(b, "briefing.col.delta")})


def _previous_month(b: Briefing) -> int | None:
    """The month of this year the comparison starts from: previous_as_of, else last month (None in January)."""
    if b.previous_as_of:
        y, m = int(b.previous_as_of[:4]), int(b.previous_as_of[5:7])
        return m if y == b.year else None
    return b.month - 1 if b.month > 1 else None


def changes_intro(b: Briefing) -> str:
    if not has_targets(b):
        return no_targets_md(b)
    prev = b.previous_as_of or (f"{b.year:04d}-{b.month - 1:02d}" if b.month > 1 else None)
    if prev is None:
        return t(b, "briefing.changes.january")
    if int(prev[:4]) != b.year:
        return t(b, "briefing.changes.other_year", prev=fmt.as_of_text(prev, b.lang))
    return t(b, "briefing.changes.intro", prev=fmt.as_of_text(prev, b.lang))


def arrivals_md(b: Briefing) -> str:
    """The region's figures that arrived since the previous briefing, in order, first release or revision."""
    if b.arrivals.empty:
        return t(b, "briefing.changes.no_arrivals")
    lines = []
    for r in b.arrivals.itertuples():
        kind = "revision" if r.revision else ("first" if r.vintage == "first" else "latest")
        name = indicator_name(r.indicator, b)
        lines.append("- " + t(b, f"briefing.arrival.{kind}", indicator=name, span=fmt.span_text(r.period, b.lang),
                              value=fmt.pct(r.value)))
    return "\n".join(lines)


def changes_html(b: Briefing) -> str:
    df = changes_table(b)
    return _table(df, "changes") if not df.empty else ""


# --- trust, record, notes, sources, method -----------------------------------------------------------

def trust_md(b: Briefing) -> str:
    lines = []
    for _, r in b.forecast.iterrows():
        if not _has_target(r) or _final(r) or fmt.missing(r.q50_pct):  # no forecast: the notes say why
            continue
        name = short_indicator(r.indicator, b)
        tr = b.trust.get(r.indicator)
        if not tr:
            key = "annual" if fmt.missing(r.latest_ytd_pct) else "none"
            at = b.annual_trust.get(r.indicator) or {}
            if at.get("record") and at.get("mode") == "last_outcome":
                rec = at["record"]
                lines.append("- " + t(b, "briefing.trust.annual_anchored_record", indicator=name, n=rec["n"],
                                      cov=fmt.prob(rec["coverage80"]), targets=rec["targets"]) + STOP[b.lang])
                continue
            if at.get("record"):
                rec = at["record"]
                lines.append("- " + t(b, "briefing.trust.annual_record", indicator=name, n=rec["n"],
                                      level=t(b, f"briefing.level.{at['mode']}"), cov=fmt.prob(rec["coverage80"]),
                                      skill=fmt.prob(rec["skill"])) + STOP[b.lang])
                continue
            if at.get("mode") == "last_outcome":
                key = "annual_anchored"
            lines.append("- " + t(b, f"briefing.trust.{key}", indicator=name) + STOP[b.lang])
            continue
        text = t(b, "briefing.trust.record", n=tr["n"], k=tr["covered"], first=tr["first_year"], last=tr["last_year"],
                 month=fmt.month_name(tr["month"], b.lang), indicator=name)
        rel = b.reliability.get(r.indicator)
        if rel:
            text += SEP[b.lang] + t(b, "briefing.trust.reliability", p=fmt.prob(rel["p_mean"]),
                                    observed=fmt.prob(rel["observed"]), n=rel["n"], first=rel["first_year"],
                                    last=rel["last_year"])
        rec = b.target_record.get(r.indicator)
        if rec:
            text += SEP[b.lang] + t(b, "briefing.trust.target_record", p=fmt.prob(rec["p_mean"]), met=rec["met"],
                                    n=rec["n"], first=rec["first_year"], last=rec["last_year"],
                                    indicator=short_indicator(r.indicator, b))
        if b.region != "china":
            text += SEP[b.lang] + t(b, "briefing.trust.national_only", region=region_name(b.region, b.lang))
        lines.append("- " + text + STOP[b.lang])
    return "\n".join(lines) or no_targets_md(b)


def record_md(b: Briefing) -> str:
    """The region's record against its targets: which years it covers and where it stops."""
    rec = b.record[b.record.met.notna()] if not b.record.empty else b.record
    lines = []
    inds = [i for i in b.forecast.indicator if i in set(rec.indicator)] or sorted(set(rec.indicator))
    for ind in inds:
        r = rec[rec.indicator == ind]
        if r.empty:
            continue
        years = sorted(r.year.astype(int))
        met = int(r.met.astype(bool).sum())
        missed = sorted(r.loc[~r.met.astype(bool), "year"].astype(int))
        text = t(b, "briefing.record.line", region=region_name(b.region, b.lang), indicator=short_indicator(ind, b),
                 first=years[0], last=years[-1], n=len(years), met=met)
        if missed:
            text += SEP[b.lang] + t(b, "briefing.record.missed", years=("、" if b.lang == "zh" else ", ").join(map(str, missed)))
        span = years[-1] - years[0] + 1
        if span > len(years):
            text += SEP[b.lang] + t(b, "briefing.record.gaps", n=span - len(years))
        if years[-1] < b.year - 1:
            text += SEP[b.lang] + t(b, "briefing.record.stops", last=years[-1], next=years[-1] + 1)
        lines.append("- " + text + STOP[b.lang])
    return "\n".join(lines) or t(b, "briefing.record.none", region=region_name(b.region, b.lang))


def borrowing_text(b: Briefing, borrowed_from: str, share) -> str:
    parts = []
    for part in borrowed_from.split("+"):
        if part == "annual:last_outcome":
            parts.append(t(b, "briefing.notes.annual_last_outcome"))
        elif part.startswith("annual:"):
            level = part.split(":", 1)[1]
            parts.append(t(b, "briefing.notes.annual", level=t(b, f"briefing.level.{level}")
                           if level in ("province", "prefecture") else level))
        else:
            source = t(b, "briefing.notes.national") if part == "china" else region_name(part, b.lang)
            parts.append(t(b, "briefing.notes.borrowed", source=source,
                           widen=fmt.target_number(b.cfg.borrow_widen_pp)))
    text = SEP[b.lang].join(parts)
    if not fmt.missing(share):
        text += t(b, "briefing.notes.share", share=fmt.prob(share))
    return text + STOP[b.lang]


def notes_md(b: Briefing) -> str:
    """Why a value is a dash, what is borrowed, which figures are set aside and why."""
    lines = []
    for _, r in b.forecast.iterrows():
        name = indicator_name(r.indicator, b)
        if isinstance(r.borrowed_from, str) and r.borrowed_from:
            lines.append(f"- {name}{t(b, 'briefing.colon')}{borrowing_text(b, r.borrowed_from, r.borrowed_share)}")
        if fmt.missing(r.q50_pct):
            reason = getattr(r, "no_forecast_reason", "")
            key = f"no_forecast_{reason}" if isinstance(reason, str) and reason else "no_forecast"
            lines.append(f"- {name}{t(b, 'briefing.colon')}{t(b, 'briefing.notes.' + key, last=b.year - 1)}")
        if _has_target(r) and fmt.missing(r.latest_ytd_pct) and not fmt.missing(r.q50_pct):
            lines.append(f"- {name}{t(b, 'briefing.colon')}{t(b, 'briefing.notes.no_own_figure')}")
    for r in (b.set_aside.itertuples() if b.set_aside is not None else []):
        target_ind = r.indicator.removesuffix("_unclear")
        lines.append("- " + t(b, "briefing.notes.unclear_scope", name=indicator_name(r.indicator, b),
                              span=fmt.span_text(r.period, b.lang), value=fmt.pct(r.value),
                              target=indicator_name(target_ind, b) if target_ind in registry.indicators()
                              else target_ind))
    shown = b.observations[(b.observations.region == b.region) & (b.observations.year == b.year)]
    if shown.note.astype(str).str.contains("直属区").any():
        lines.append("- " + t(b, "briefing.notes.direct_area", region=region_name(b.region, b.lang)))
    lines.append("- " + t(b, "briefing.notes.dash"))
    return "\n".join(lines)


_URL = re.compile(r"https?://[^\s,;)]+")
_GITHUB = re.compile(r"GitHub\s+([\w.-]+/[\w.-]+)", re.IGNORECASE)
_LOCAL = re.compile(r"^(\S+?)\s+(?:statistics bureau or government|government or statistics bureau)")
_REPORT = re.compile(r"^(\S+?)\s*(\d{4})年(?:政府)?工作报告")


def publisher(source: str, lang: str) -> str:
    """The publisher of a row's source, in the reader's language (registry names for regions)."""
    s = str(source or "")
    if s.startswith(("NBS", "National Bureau of Statistics")):
        return t(lang, "briefing.publisher.nbs")
    if s.startswith("Ministry of Finance"):
        return t(lang, "briefing.publisher.mof")
    m = _LOCAL.match(s)
    if m:
        return t(lang, "briefing.publisher.local", region=_name_of(m.group(1), lang))
    m = _REPORT.match(s)
    if m:
        return t(lang, "briefing.publisher.report", region=_name_of(m.group(1), lang), year=m.group(2))
    if s.startswith("city government work report"):
        return t(lang, "briefing.publisher.city_compiled")
    return t(lang, "briefing.publisher.other")


def _name_of(text: str, lang: str) -> str:
    try:
        return region_name(registry.resolve_region(text.rstrip(",，").removesuffix("管理委员会")), lang)
    except ValueError:
        return text if lang == "zh" else t(lang, "briefing.publisher.a_local_government")


def page(source: str) -> str:
    """The page a figure was read from (a URL), or the compiled copy's repository as a URL; '' if none."""
    s = str(source or "")
    m = _URL.search(s)
    if m:
        return m.group(0)
    m = _GITHUB.search(s)
    return f"https://github.com/{m.group(1)}" if m else ""


def sources(b: Briefing) -> pd.DataFrame:
    """Every figure and target the briefing shows, with its publisher and page."""
    obs = b.observations
    shown = obs[(obs.region == b.region) & (obs.year == b.year) & (obs.measure == "ytd_growth_pct")]
    shown = shown.sort_values(["indicator", "period", "vintage"], kind="stable")
    rows = []
    tg = b.targets[(b.targets.region == b.region) & (b.targets.year == b.year)].sort_values("indicator", kind="stable")
    for r in tg.itertuples():
        rows.append({"kind": t(b, "briefing.kind.target"), "ind": indicator_name(r.indicator, b),
                     "period": str(r.year), "value": target_wording(r._asdict(), b.lang), "vintage": fmt.DASH,
                     "publisher": publisher(r.source, b.lang), "page": page(r.source)})
    for r in shown.itertuples():
        rows.append({"kind": t(b, "briefing.kind.figure"), "ind": indicator_name(r.indicator, b),
                     "period": fmt.span_text(r.period, b.lang), "value": fmt.pct(r.value),
                     "vintage": t(b, f"vintage.{r.vintage}") + (t(b, "briefing.col.provisional_mark") if
                                                                str(r.note).startswith(PROVISIONAL) else ""),
                     "publisher": publisher(r.source, b.lang),
                     "page": page(r.source)})
    df = pd.DataFrame(rows, columns=["kind", "ind", "period", "value", "vintage", "publisher", "page"])
    return df.rename(columns={c: t(b, f"briefing.col.src_{c}") for c in df.columns})


def sources_html(b: Briefing) -> str:
    df = sources(b)
    if df.empty:
        return f"<p>{html.escape(t(b, 'briefing.nothing'))}</p>"
    page_col = t(b, "briefing.col.src_page")
    df[page_col] = [f'<a href="{html.escape(u, quote=True)}">{html.escape(u)}</a>' if u else fmt.DASH
                    for u in df[page_col]]
    return _left(df.style.hide(axis="index").set_uuid("sources").format(escape=None)).to_html()


def method_md(b: Briefing) -> str:
    paras = i18n.catalogue(b.lang)["briefing"]["method"]
    return "\n".join(f"- {str(p).format(tol=fmt.target_number(b.cfg.about_tolerance_pp), on=fmt.prob(b.cfg.on_track_p), at=fmt.prob(b.cfg.at_risk_p))}"
                     for _, p in sorted(paras.items()))


def section(b: Briefing, key: str) -> str:
    return f"## {t(b, f'briefing.section.{key}')}"
