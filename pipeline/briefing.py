"""Monthly briefing: what the briefing notebook shows, and how it is run, cleaned and converted.

The notebook (notebooks/briefing.ipynb) stays thin: it calls ``build`` and then the table, chart
and notes functions here. ``render`` runs it with papermill into ``reports/<region>/<as_of>/``,
strips volatile metadata so unchanged inputs give byte-identical files, writes code-free HTML and
a small ``headline.json`` (a DVC metric, so ``dvc metrics diff`` shows month-to-month change).
"""
from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import data, registry
from .forecasters import history_from_observations
from .forecast import FORECAST_DIR, Config, profile_for, run_forecast
from .paths import ROOT

NOTEBOOK = ROOT / "notebooks" / "briefing.ipynb"
REPORTS = ROOT / "reports"

TEXT = {
    "en": {"indicator": "Indicator", "target": "Target", "latest": "Latest YTD", "period": "Period",
           "required": "Needed in the rest of the year", "median": "Forecast (median)", "band": "80% band",
           "p_met": "P(met)", "p_tol": "P(met), tolerant (about)", "status": "Status",
           "on_track": "on track", "at_risk": "at risk", "off_track": "off track", "no_data": "no data",
           "above_gdp": "faster than GDP growth", "positive": "positive growth", "prev_median": "Median before",
           "median_now": "Median now", "prev_p": "P(met) before", "p_now": "P(met) now",
           "new": "New releases since", "none": "none"},
    "zh": {"indicator": "指标", "target": "目标", "latest": "最新累计增速", "period": "截至",
           "required": "其余月份所需增速", "median": "预测中位数", "band": "80%区间",
           "p_met": "完成概率", "p_tol": "完成概率(左右容差)", "status": "判断",
           "on_track": "有望完成", "at_risk": "存在风险", "off_track": "难以完成", "no_data": "无数据",
           "above_gdp": "高于经济增速", "positive": "实现正增长", "prev_median": "上期中位数",
           "median_now": "本期中位数", "prev_p": "上期完成概率", "p_now": "本期完成概率",
           "new": "新发布数据", "none": "无"},
}


@dataclass
class Briefing:
    region: str
    year: int
    as_of: str
    previous_as_of: str | None
    lang: str
    forecast: pd.DataFrame  # default-method rows, one per indicator
    previous: pd.DataFrame | None
    observations: pd.DataFrame  # cut at as_of
    targets: pd.DataFrame
    record: pd.DataFrame | None


def _forecast(region: str, as_of: str, cfg: Config) -> pd.DataFrame:
    """The forecast stage's output when it is for this as-of month, else computed now."""
    path = FORECAST_DIR / f"{region}.csv"
    if path.exists():
        df = pd.read_csv(path, keep_default_na=False, na_values=[""])
        df = df[(df.method == "default") & (df.as_of == as_of)]
        if not df.empty:
            return df.reset_index(drop=True)
    return run_forecast(as_of, [region], ["default"], cfg=cfg)


def build(region: str, as_of: str, previous_as_of: str | None = None, lang: str = "zh") -> Briefing:
    registry.region(region)
    if lang not in TEXT:
        raise ValueError(f"lang must be one of {', '.join(TEXT)}, not {lang!r}")
    year, month = data.parse_as_of(as_of)
    cfg = Config.load()
    obs = data.load_observations(as_of=(year, month))
    previous = None
    if previous_as_of:
        py, pm = data.parse_as_of(previous_as_of)
        if (py, pm) >= (year, month):
            raise ValueError(f"previous_as_of {previous_as_of} is not before as_of {as_of}")
        previous = run_forecast(previous_as_of, [region], ["default"], cfg=cfg)
    from .track_record import current_record

    record = current_record()
    record = record[record.region == region]
    return Briefing(region, year, as_of, previous_as_of, lang, _forecast(region, as_of, cfg), previous, obs,
                    data.load_targets(), record)


def png(fig) -> bytes:
    """A figure as PNG bytes without volatile metadata; the figure is closed."""
    import io

    from matplotlib import pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def title(b: Briefing) -> str:
    """The briefing's heading (Markdown)."""
    if b.lang == "zh":
        return f"# {region_name(b)} {b.year}年主要预期目标完成情况简报(数据截至{b.as_of})"
    return f"# {region_name(b)}: will the {b.year} targets be met? (data to {b.as_of})"


def table_html(df: pd.DataFrame, uuid: str) -> str:
    return df.style.hide(axis="index").set_uuid(uuid).to_html()


def image_html(fig) -> str:
    """A figure as an inline PNG <img> with its title as alt text (readable in JupyterLab and in the HTML)."""
    import base64
    import html

    alt = html.escape(fig.axes[0].get_title() if fig.axes else "chart", quote=True)
    return f'<img src="data:image/png;base64,{base64.b64encode(png(fig)).decode()}" alt="{alt}"/>'


def chart_html(b: Briefing) -> list[str]:
    """One <img> per target chart."""
    return [image_html(fig) for fig in target_figures(b)]


def write_headline(b: Briefing, path: str | Path | None) -> None:
    if path:
        Path(path).write_text(json.dumps(headline_metrics(b), indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                              encoding="utf-8")


def region_name(b: Briefing) -> str:
    r = registry.region(b.region)
    return (r.name_zh if b.lang == "zh" else r.name_en) or b.region


def indicator_name(slug: str, lang: str) -> str:
    ind = registry.indicator(slug)
    return ind.name_zh if lang == "zh" else ind.name_en


def _num(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) or pd.isna(x) else float(x)


def target_wording(row, lang: str) -> str:
    """7%以上, 6%左右, 5%-5.5%, 高于经济增速 ... from the target's number and qualifier code."""
    t = TEXT[lang]
    q, low, high = row["qualifier"], _num(row["target_pct"]), _num(row.get("target_high_pct"))
    if not isinstance(q, str) or not q:
        return ""
    if q == "above":
        return t["above_gdp"]
    if q == "positive":
        return t["positive"]
    if low is None:
        return ""
    suffix = {"at_least": "以上", "about": "左右", "strive": "(力争)", "exceed": "(突破)", "at_most": "以内",
              "unknown": ""}.get(q, "")
    if q == "range" and high is not None:
        return f"{low:g}%-{high:g}%"
    return f"{low:g}%{suffix}"


def headline(b: Briefing) -> pd.DataFrame:
    """One row per indicator: target wording, latest YTD, growth needed, forecast, P(met), status."""
    t = TEXT[b.lang]
    rows = []
    for _, r in b.forecast.iterrows():
        band = (f"{r.q10_pct:.1f} ~ {r.q90_pct:.1f}" if _num(r.q10_pct) is not None else "")
        rows.append({
            t["indicator"]: indicator_name(r.indicator, b.lang),
            t["target"]: target_wording(r, b.lang),
            t["latest"]: "" if _num(r.latest_ytd_pct) is None else f"{r.latest_ytd_pct:.1f}%",
            t["period"]: r.latest_period if isinstance(r.latest_period, str) else "",
            t["required"]: "" if _num(r.required_rest_pct) is None else f"{r.required_rest_pct:.1f}%",
            t["median"]: "" if _num(r.q50_pct) is None else f"{r.q50_pct:.1f}%",
            t["band"]: band,
            t["p_met"]: "" if _num(r.p_met) is None else f"{r.p_met:.0%}",
            t["p_tol"]: ("" if _num(r.p_met_tolerant) is None or r.qualifier != "about"
                         else f"{r.p_met_tolerant:.0%}"),
            t["status"]: t.get(r.status, "") if isinstance(r.status, str) else "",
            "_status": r.status if isinstance(r.status, str) else "",
        })
    table = pd.DataFrame(rows)
    keep = [c for c in table.columns if c in (t["indicator"], "_status") or (table[c] != "").any()]
    return table[keep]


def headline_html(b: Briefing) -> str:
    """The headline table as HTML with the status cell coloured (deterministic ids)."""
    from .plots import STATUS_COLOURS

    table = headline(b)
    status_col = TEXT[b.lang]["status"]
    colours = table.pop("_status").map(lambda s: STATUS_COLOURS.get(s, ""))
    styler = table.style.hide(axis="index").set_uuid("headline")
    if status_col in table.columns:
        styler = styler.apply(lambda col: [f"background-color: {c}; color: white" if c else "" for c in colours],
                              subset=[status_col])
    return styler.to_html()


def ytd_path(b: Briefing, indicator: str) -> pd.DataFrame:
    """The region's published YTD growth in the briefing year (first release preferred)."""
    s = history_from_observations(b.observations, b.region, indicator)
    return s[s.year == b.year]


def target_figures(b: Briefing):
    """One matplotlib figure per target (or forecast) with something to show: a published figure or a forecast."""
    from matplotlib import pyplot as plt

    from .plots import target_chart, use_cjk_font

    use_cjk_font()
    figs = []
    for _, r in b.forecast.iterrows():
        if _num(r.q50_pct) is None and ytd_path(b, r.indicator).empty:
            continue
        fig, ax = plt.subplots(figsize=(6.4, 3.6))
        title = f"{region_name(b)} {indicator_name(r.indicator, b.lang)} {b.year}"
        wording = target_wording(r, b.lang)
        target_chart(ax, ytd_path(b, r.indicator), r.to_dict(), title=f"{title} ({wording})" if wording else title,
                     lang=b.lang, shares=_cumulative_shares(b, r.indicator))
        fig.tight_layout()
        figs.append(fig)
    return figs


def _cumulative_shares(b: Briefing, indicator: str) -> pd.Series:
    """Cumulative share of last year's total through each published period end (months, or quarters for GDP)."""
    profile = profile_for(b.observations, indicator, b.year)
    ends = [int(m) for m in profile.index]
    return pd.Series([float(profile[profile.index <= m].sum() / profile.sum()) for m in ends], index=ends)


def changes(b: Briefing) -> pd.DataFrame | None:
    """Forecast and P(met) now against ``previous_as_of``, with the releases published in between."""
    if b.previous is None:
        return None
    t = TEXT[b.lang]
    prev = b.previous.set_index("indicator")
    py, pm = data.parse_as_of(b.previous_as_of)
    new = b.observations[(b.observations.region == b.region) & (b.observations.measure == "ytd_growth_pct")
                         & (b.observations.year * 12 + b.observations.month > py * 12 + pm)]
    rows = []
    for _, r in b.forecast.iterrows():
        p = prev.loc[r.indicator] if r.indicator in prev.index else None
        releases = new[new.indicator == r.indicator].sort_values("period")
        rows.append({
            t["indicator"]: indicator_name(r.indicator, b.lang),
            t["prev_median"]: "" if p is None or _num(p.q50_pct) is None else f"{p.q50_pct:.1f}%",
            t["median_now"]: "" if _num(r.q50_pct) is None else f"{r.q50_pct:.1f}%",
            t["prev_p"]: "" if p is None or _num(p.p_met) is None else f"{p.p_met:.0%}",
            t["p_now"]: "" if _num(r.p_met) is None else f"{r.p_met:.0%}",
            f"{t['new']} {b.previous_as_of}": ", ".join(f"{x.period}: {x.value:g}%" for x in releases.itertuples())
                                               or t["none"],
        })
    return pd.DataFrame(rows)


def sources(b: Briefing) -> pd.DataFrame:
    """Every figure the briefing shows, with its publisher and release (or page)."""
    obs = b.observations
    shown = obs[(obs.region == b.region) & (obs.year == b.year) & (obs.measure == "ytd_growth_pct")]
    figs = shown[["indicator", "period", "value", "vintage", "source", "note"]].assign(kind="figure")
    tg = b.targets[(b.targets.region == b.region) & (b.targets.year == b.year)]
    tg = tg.assign(period=tg.year.astype(str), value=tg.target_pct, vintage="", note=tg.text, kind="target")
    out = pd.concat([figs, tg[["indicator", "period", "value", "vintage", "source", "note", "kind"]]], ignore_index=True)
    out = out.sort_values(["kind", "indicator", "period"], kind="stable").reset_index(drop=True)
    out["indicator"] = out.indicator.map(lambda i: indicator_name(i, b.lang))
    if b.lang == "zh":
        out = out.assign(kind=out.kind.map({"figure": "数据", "target": "目标"})).rename(columns={
            "indicator": "指标", "period": "时期", "value": "数值", "vintage": "版本", "source": "来源",
            "note": "说明", "kind": "类别"})
    return out


def method_notes(b: Briefing) -> str:
    """Plain-language notes on method, borrowing and caveats (Markdown)."""
    cfg = Config.load()
    weights = ", ".join(f"{k} {v:g}" for k, v in sorted(cfg.default_weights.items()))
    lines = []
    for _, r in b.forecast.iterrows():
        if isinstance(r.borrowed_from, str) and r.borrowed_from:
            lines.append(f"- {indicator_name(r.indicator, b.lang)}: {borrowing_text(r.borrowed_from, r.borrowed_share, b.lang, cfg)}")
        if _num(r.q50_pct) is None:
            lines.append(f"- {indicator_name(r.indicator, b.lang)}: "
                         + ("年内尚未公布本地区数据,暂无预测。" if b.lang == "zh" else
                            f"{r.note or 'no figure of its own published in the year yet'}."))
    if b.lang == "zh":
        head = [f"- 预测方法:默认组合({weights}),回测依据见 benchmarks/README.md。",
                "- 目标按初次发布数据评判;修订数据仅用于学习年内走势。",
                "- 同比增速含基数效应:上年同期偏弱会抬高本年增速,2020-2022年尤甚,可参考两年平均增速。",
                "- 其余月份所需增速按等权月度(GDP按上年全国季度结构)近似计算。"]
    else:
        head = [f"- Method: the default combination ({weights}), chosen by the backtest (benchmarks/README.md).",
                "- Targets are judged on the first release; revised figures only teach the within-year dynamics.",
                "- Year-on-year growth carries last year's base: a weak stretch last year lifts this year's growth "
                "(strongly so in 2020-2022); two-year average growth reads through it.",
                "- Growth needed in the rest of the year assumes equal monthly weights (GDP: last year's national "
                "quarterly shares), an approximation where the region's own levels are not published."]
    return "\n".join(head + lines)


def borrowing_text(borrowed_from: str, share, lang: str, cfg: Config) -> str:
    """Say in words what a forecast borrows: 'china' (dynamics), 'annual:province' (the annual model), or both."""
    parts = []
    for part in borrowed_from.split("+"):
        if part.startswith("annual:"):
            level = part.split(":", 1)[1]
            level_zh = {"province": "省级", "prefecture": "地市级"}.get(level, level)
            parts.append(f"结合年度模型({level_zh}地区的历史目标完成记录与全国走势)" if lang == "zh" else
                         f"combined with the annual model (the record of {level}-level regions against their targets "
                         "and the national picture)")
        else:
            src = registry.region(part)
            parts.append(f"年内走势借用{src.name_zh}的历史规律,并加宽±{cfg.borrow_widen_pp:g}个百分点不确定性"
                         if lang == "zh" else
                         f"within-year dynamics borrowed from {src.name_en}, widened by {cfg.borrow_widen_pp:g} pp "
                         "for local noise")
    share_num = _num(share)
    tail = "" if share_num is None else (f"(借用比例{share_num:.0%})" if lang == "zh" else f" ({share_num:.0%} borrowed)")
    return ("; ".join(parts) if lang == "en" else ";".join(parts)) + tail + ("。" if lang == "zh" else ".")


def record_figure(b: Briefing, indicator: str = "gdp"):
    from matplotlib import pyplot as plt

    from .plots import record_chart, use_cjk_font

    if b.record is None:
        return None
    r = b.record[(b.record.indicator == indicator) & b.record.outcome_pct.notna()]
    if len(r) < 2:
        return None
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    title = (f"{region_name(b)} {indicator_name(indicator, b.lang)}:目标与实际" if b.lang == "zh"
             else f"{region_name(b)} {indicator}: target and outcome")
    record_chart(ax, r, title=title, lang=b.lang)
    fig.tight_layout()
    return fig


def record_sentence(b: Briefing, indicator: str = "gdp") -> str:
    from .track_record import record_sentence as sentence

    if b.record is None:
        return ""
    return sentence(b.record, b.region, indicator, lang=b.lang)


def headline_metrics(b: Briefing) -> dict:
    """Small, stable JSON of the headline numbers (a DVC metric)."""
    out = {}
    for _, r in b.forecast.iterrows():
        out[r.indicator] = {k: (None if _num(r[c]) is None else round(float(r[c]), 4))
                            for k, c in [("latest_ytd_pct", "latest_ytd_pct"), ("q50_pct", "q50_pct"),
                                         ("p_met", "p_met"), ("required_rest_pct", "required_rest_pct")]}
    return {"region": b.region, "as_of": b.as_of, "indicators": out}


# --- running the notebook -------------------------------------------------------------------------

VOLATILE_NB_METADATA = ("papermill", "widgets")
VOLATILE_CELL_METADATA = ("papermill", "execution", "collapsed", "scrolled")


def strip_volatile(nb) -> None:
    """Remove timestamps, durations and kernel details so reruns are byte-identical."""
    for key in VOLATILE_NB_METADATA:
        nb.metadata.pop(key, None)
    nb.metadata.get("language_info", {}).pop("version", None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.execution_count = None
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = None
        cell.pop("id", None)
    nb.nbformat_minor = 4


class BriefingError(RuntimeError):
    """A cell failed; the message carries the cell's error, the partial notebook is kept."""


def render(region: str, as_of: str, previous_as_of: str | None = None, lang: str = "zh",
           out_dir: Path | None = None, progress=print) -> Path:
    """Execute the briefing notebook, then write briefing.ipynb, briefing.html and headline.json."""
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    out_dir = Path(out_dir) if out_dir else REPORTS / region / as_of
    out_dir.mkdir(parents=True, exist_ok=True)
    nb_path, html_path, json_path = out_dir / "briefing.ipynb", out_dir / "briefing.html", out_dir / "headline.json"
    progress(f"[1/4] executing {NOTEBOOK.relative_to(ROOT)} for {region} as of {as_of} ({lang})")
    try:
        pm.execute_notebook(str(NOTEBOOK), str(nb_path), parameters=dict(
            region=region, as_of=as_of, previous_as_of=previous_as_of, lang=lang, headline_path=json_path.name),
            kernel_name="python3", progress_bar=False, cwd=str(out_dir))
    except pm.PapermillExecutionError as exc:
        raise BriefingError(f"briefing for {region} as of {as_of} failed in cell {exc.exec_count}: "
                            f"{exc.ename}: {exc.evalue} (partial notebook kept at {nb_path})") from None
    progress("[2/4] stripping volatile metadata")
    nb = nbformat.read(nb_path, as_version=4)
    strip_volatile(nb)
    nbformat.write(nb, nb_path)
    progress("[3/4] converting to HTML without code")
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    html_path.write_text(body, encoding="utf-8")
    progress(f"[4/4] wrote {nb_path.parent}")
    return out_dir


def stage(region: str) -> int:
    """DVC stage: as-of month, previous month and language from params.yaml (forecast.regions)."""
    spec = Config.load().regions.get(region)
    if spec is None:
        print(f"briefing: region {region!r} has no entry under forecast.regions in params.yaml", file=sys.stderr)
        return 2
    try:
        render(region, str(spec["as_of"]), spec.get("previous_as_of"), spec.get("lang", "zh"))
    except BriefingError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--stage", metavar="REGION", help="run the DVC stage for one region from params.yaml")
    parser.add_argument("--region")
    parser.add_argument("--as-of", help="YYYY-MM")
    parser.add_argument("--previous-as-of", help="YYYY-MM, for the 'what changed' section")
    parser.add_argument("--lang", choices=sorted(TEXT), default="zh")
    parser.add_argument("--out", type=Path, help="output folder (default reports/REGION/AS_OF)")


def run(args) -> int:
    if args.stage:
        return stage(args.stage)
    if not args.region or not args.as_of:
        print("briefing: give --region and --as-of (or --stage REGION)", file=sys.stderr)
        return 2
    try:
        render(args.region, args.as_of, args.previous_as_of, args.lang, args.out)
    except BriefingError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


