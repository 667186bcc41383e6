"""The tool's earlier calls on a briefing's targets (from ``ledger/calls.csv`` through the ``calls_cut`` stage) and,
when the ledger already holds a different call for this very month, the revision notice: what changed.

``b.calls`` is the cut (``pipeline.evaluation.calls.calls_cut``): ``kind`` ``earlier`` (as of earlier months) and
``same`` (this month's earlier editions that differ from the page's call).
"""
from __future__ import annotations



import pandas as pd

from pipeline.presentation.briefing import fmt
from pipeline.presentation.briefing.model import Briefing
from pipeline.presentation.briefing.words import SEP, STOP, indicator_name, region_name, short_indicator, t


def _p(r) -> float:
    """The verdict's reading (tolerant for 左右), as the page shows it."""
    tol = pd.to_numeric(r.get("p_met_tolerant"), errors="coerce")
    return float(tol) if not fmt.missing(tol) else float(pd.to_numeric(r.get("p_met"), errors="coerce"))


def _targeted(b: Briefing) -> list[str]:
    return [r.indicator for r in b.forecast.itertuples() if isinstance(r.qualifier, str) and r.qualifier]


def revision_md(b: Briefing) -> str:
    """'**本期为修订版**：GDP完成目标的概率较上一版由68%变为67%（...）。' or '' when this is the month's first edition."""
    if b.calls is None or b.calls.empty:
        return ""
    same = b.calls[b.calls.kind == "same"]
    parts = []
    for r in b.forecast.itertuples():
        prev = same[same.indicator == r.indicator]
        if prev.empty or fmt.missing(r.p_met):
            continue
        p = prev.iloc[-1]
        m0, m1 = fmt.pct(pd.to_numeric(p.q50_pct, errors="coerce")), fmt.pct(r.q50_pct)
        p0, p1 = fmt.prob(_p(p)), fmt.prob(r.p_met)
        # as shown, never "from 43% to 43%": a change below the shown precision is named as such
        key = {(True, True): "revised_item", (True, False): "revised_item_same_median",
               (False, True): "revised_item_same_p", (False, False): "revised_item_same_both"}[(p0 != p1, m0 != m1)]
        parts.append(t(b, f"briefing.calls.{key}", indicator=short_indicator(r.indicator, b),
                       p0=p0, p1=p1, m0=m0, m1=m1))
    if not parts:
        return ""
    return f"**{t(b, 'briefing.calls.revision')}**{t(b, 'briefing.colon')}{SEP[b.lang].join(parts)}{STOP[b.lang]}"


def earlier_table(b: Briefing) -> pd.DataFrame:
    """One row per earlier call on a target of the page: as of, chance met, median, data through, how it was made."""
    cols = ["indicator", "as_of", "p", "median", "through", "label"]
    calls = b.calls if b.calls is not None else pd.DataFrame(columns=["kind", "indicator"])
    rows = []
    for ind in _targeted(b):
        for r in calls[(calls.kind == "earlier") & (calls.indicator == ind)].to_dict("records"):
            rows.append({"indicator": indicator_name(ind, b), "as_of": fmt.as_of_text(str(r["as_of"]), b.lang),
                         "p": fmt.prob(_p(r)), "median": fmt.pct(pd.to_numeric(r["q50_pct"], errors="coerce")),
                         "through": fmt.span_text(str(r["data_through"]), b.lang) if r["data_through"] else fmt.DASH,
                         "label": t(b, f"briefing.calls.label_{r['label']}")})
    df = pd.DataFrame(rows, columns=cols)
    return df.rename(columns={c: t(b, f"briefing.calls.col_{c}") for c in cols})


def earlier_md(b: Briefing) -> str:
    """The sub-heading and the sentence above the table (or instead of it)."""
    head = f"### {t(b, 'briefing.calls.title')}\n\n"
    if earlier_table(b).empty:
        return head + t(b, "briefing.calls.none", region=region_name(b.region, b.lang), year=b.year)
    return head + t(b, "briefing.calls.intro", year=b.year)


def earlier_html(b: Briefing) -> str:
    from pipeline.presentation.briefing.text import _table

    df = earlier_table(b)
    return "" if df.empty else _table(df, "calls")



