"""The briefing's figures, drawn with ``pipeline.presentation.plots`` in the reader's language, as inline PNG.

One figure per target: the year-to-date path with the forecast fan, target (band) and required path
on the left, and P(met) as of every month so far on the right; and the region's record.
"""
from __future__ import annotations

import base64
import html
import io

from pipeline.presentation import i18n
from pipeline.presentation.briefing import text
from pipeline.presentation.briefing.model import Briefing, cumulative_shares, indicator_path, provisional, ytd_path


def labels(lang: str) -> dict:
    return dict(i18n.catalogue(lang)["briefing"]["chart"])


def png(fig) -> bytes:
    """A figure as PNG bytes without volatile metadata; the figure is closed."""
    from matplotlib import pyplot as plt

    buf = io.BytesIO()
    # tight_layout() leaves a placeholder layout engine behind, and savefig then lays the whole figure out once
    # more before drawing it (a third pass over every text); the layout is final here, so drop the engine.
    fig.set_layout_engine(None)
    fig.savefig(buf, format="png", dpi=96, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def image_html(fig, alt: str) -> str:
    """A figure as an inline PNG <img> with alt text (readable in JupyterLab and in the HTML)."""
    return (f'<img src="data:image/png;base64,{base64.b64encode(png(fig)).decode()}" '
            f'alt="{html.escape(alt, quote=True)}"/>')


def last_label(b: Briefing, r) -> str | None:
    """What the chart writes at the last published point: the series stopped short of the as-of month
    ("最新数据截至2026年1-5月"), and/or the figure is provisional; None when neither."""
    parts = []
    if text.stale_period(b, r):
        parts.append(i18n.t("briefing.chart.stale", b.lang, period=text.fmt.span_text(r.latest_period, b.lang)))
    if provisional(b, r.indicator, r.latest_period):
        parts.append(i18n.t("briefing.chart.provisional", b.lang))
    return text.COMMA[b.lang].join(parts) or None


def target_figures(b: Briefing) -> list[tuple[object, str]]:
    """(figure, title) per indicator with something to show: a published figure or a forecast."""
    from matplotlib import pyplot as plt

    from pipeline.presentation.plots import odds_chart, target_chart, use_cjk_font

    use_cjk_font()
    lab = labels(b.lang)
    out = []
    for _, r in b.forecast.iterrows():
        path = ytd_path(b, r.indicator)
        if text.fmt.missing(r.q50_pct) and path.empty:
            continue
        region, ind = text.region_name(b.region, b.lang), text.short_indicator(r.indicator, b)
        has_target = isinstance(r.qualifier, str) and bool(r.qualifier)
        title = (i18n.t("briefing.chart.title", b.lang, region=region, indicator=ind, wording=text.target_wording(r, b.lang))
                 if has_target else i18n.t("briefing.chart.title_no_target", b.lang, region=region, indicator=ind))
        relative = None
        if r.qualifier in ("above", "in_step"):
            rel = b.forecast[b.forecast.indicator == r.relative_to]
            relative = rel.q50_pct.iloc[0] if not rel.empty else None
        if has_target:
            fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [1.6, 1]})
            odds_chart(ax2, indicator_path(b, r.indicator), title=lab["odds_title"], labels=lab)
        else:
            fig, ax = plt.subplots(figsize=(6.4, 3.6))
        target_chart(ax, path, r.to_dict(), title=title, labels=lab, shares=cumulative_shares(b, r.indicator),
                     tolerance_pp=b.cfg.about_tolerance_pp, relative_pct=relative, last_label=last_label(b, r))
        fig.tight_layout()
        out.append((fig, title))
    return out


def chart_html(b: Briefing) -> list[str]:
    return [image_html(fig, title) for fig, title in target_figures(b)]


def record_html(b: Briefing, indicator: str = "gdp") -> str:
    """The region's targets and outcomes by year, when it has at least two scored years."""
    from matplotlib import pyplot as plt

    from pipeline.presentation.plots import record_chart, use_cjk_font

    r = b.record[(b.record.indicator == indicator) & b.record.outcome_pct.notna()] if not b.record.empty else b.record
    if len(r) < 2:
        return ""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    title = i18n.t("briefing.chart.record_title", b.lang, region=text.region_name(b.region, b.lang),
                   indicator=text.short_indicator(indicator, b))
    record_chart(ax, r, title=title, labels=labels(b.lang))
    fig.tight_layout()
    return image_html(fig, title)
