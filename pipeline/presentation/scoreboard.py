"""Scoreboard: every region with targets in a year as rows, P(met) of its main targets as coloured cells, one page.

Why the page is written by code rather than by nbconvert: nbconvert's HTML template titles the page after
the notebook file and loads MathJax and require.js from a CDN, while this page must open offline, carry the
scoreboard's own ``<title>`` and sort with a few lines of inline JavaScript. The notebook
(notebooks/scoreboard.ipynb) stays the thin, parameterised record: papermill runs it, it calls ``build`` once
and writes the page and the metrics through ``write_outputs``, so the forecasts are computed once.

CLI: ``python -m pipeline scoreboard --year Y --as-of YYYY-MM [--regions ...] [--lang zh|en] [--out DIR]``;
stage: ``python -m pipeline scoreboard --stage`` (year, as_of and lang from params.yaml ``scoreboard``).
"""
from __future__ import annotations

import html
import json
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from pipeline.sources import data, registry
from pipeline.common import yamlio
from pipeline.model.forecast import AnnualModel, Config, forecast_region
from pipeline.presentation.i18n import LANGS, t
from pipeline.common.paths import PARAMS, ROOT

NOTEBOOK = ROOT / "notebooks" / "scoreboard.ipynb"
REPORTS = ROOT / "reports" / "scoreboard"
MAIN_INDICATORS = ("gdp", "industrial_va", "fai", "retail_sales", "fiscal_revenue")
STATUSES = ("on_track", "at_risk", "off_track", "no_data")
LEVEL_ORDER = {"nation": 0, "province": 1, "prefecture": 2}
# Cell colours: the briefing's status colours (pipeline/presentation/plots.py), repeated here so the page needs no matplotlib.
COLOURS = {"on_track": "#1a9850", "at_risk": "#fdae61", "off_track": "#d73027", "no_data": "#999999"}


class ScoreboardError(ValueError):
    """A user mistake (argument or parameter); the message names it."""


@dataclass
class Scoreboard:
    year: int
    as_of: str
    lang: str
    regions: list[str]
    cells: pd.DataFrame  # one row per region x main indicator with a target or a forecast
    on_track_p: float
    at_risk_p: float
    calls: pd.DataFrame | None = None  # the tool's calls on these targets (evaluation.calls.calls_cut, every region)


def regions_with_targets(targets: pd.DataFrame, year: int) -> list[str]:
    """Regions with a main-indicator target in ``year``: the nation, then provinces, then cities, by admin code."""
    slugs = set(targets.loc[(targets.year == year) & targets.indicator.isin(MAIN_INDICATORS), "region"])

    def key(slug: str):
        r = registry.region(slug)
        return LEVEL_ORDER.get(r.level, 9), r.admin_code or "", slug

    return sorted(slugs, key=key)


def resolve_regions(texts: list[str]) -> list[str]:
    """Slugs for what a person typed (slug, 湖南, 湖南省, Hunan), in the given order, duplicates dropped."""
    slugs = []
    for text in texts:
        try:
            slugs.append(registry.resolve_region(text))
        except (KeyError, ValueError) as exc:
            raise ScoreboardError(f"--regions: {exc.args[0] if exc.args else exc}") from None
    return list(dict.fromkeys(slugs))


def _check_as_of(year: int, as_of: str) -> tuple[int, int]:
    try:
        y, m = data.parse_as_of(as_of)
    except ValueError as exc:
        raise ScoreboardError(f"--as-of: {exc}") from None
    if y != year:
        raise ScoreboardError(f"--as-of {as_of} is not in --year {year}: give a month of {year}")
    return y, m


def build(year: int, as_of: str, regions: list[str] | None = None, lang: str = "zh",
          obs: pd.DataFrame | None = None, targets: pd.DataFrame | None = None, cfg: Config | None = None,
          calls_csv: str | Path | None = None) -> Scoreboard:
    """Forecast every region's main targets (default method) as the data stood at ``as_of``."""
    if lang not in LANGS:
        raise ScoreboardError(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}")
    year = int(year)
    _, month = _check_as_of(year, as_of)
    cfg = cfg or Config.load()
    obs = data.load_observations(as_of=(year, month)) if obs is None else data.cut_as_of(obs, year, month)
    targets = data.load_targets() if targets is None else targets
    regions = resolve_regions(regions) if regions else regions_with_targets(targets, year)
    annual_model = AnnualModel(obs, targets, cfg)  # one panel for all regions (same obs, targets, cfg)
    frames = [forecast_region(obs, targets, r, year, month, cfg, ["default"], annual_model) for r in regions]
    cells = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["region", "indicator"])
    cells = cells[cells.indicator.isin(MAIN_INDICATORS)].reset_index(drop=True)
    from pipeline.presentation.briefing.model import provisional_keys

    marked = provisional_keys(obs)
    cells["provisional"] = [(r, i, p) in marked for r, i, p in
                            zip(cells.region, cells.indicator, cells.get("latest_period", pd.Series(dtype=str)))]
    from pipeline.evaluation import calls as ledger

    earlier = (pd.read_csv(calls_csv, dtype=str, keep_default_na=False) if calls_csv
               else ledger.calls_cut(ledger.read_ledger(), [], year, as_of))
    return Scoreboard(year, as_of, lang, regions, cells, cfg.on_track_p, cfg.at_risk_p, earlier)


def _call_p(r) -> float | None:
    """A ledger call's P(met) in the reading the cells show (tolerant for 左右)."""
    for c in ("p_met_tolerant", "p_met"):
        v = pd.to_numeric(r.get(c), errors="coerce")
        if not pd.isna(v):
            return float(v)
    return None


def calls_html(board: Scoreboard) -> str:
    """The revision notice (a cell differs from the call already recorded for this month) and the earlier calls."""
    lang, calls = board.lang, board.calls
    if calls is None or calls.empty:
        return f"<h2>{_esc(t('scoreboard.calls_title', lang))}</h2><p>{_esc(t('scoreboard.calls_none', lang, year=board.year, as_of=board.as_of))}</p>"
    calls = calls[calls.region.isin(board.regions) & calls.indicator.isin(MAIN_INDICATORS)]
    cells = {(r["region"], r["indicator"]): r for r in board.cells.to_dict("records")}
    changed = []
    for r in calls[calls.kind == "same"].to_dict("records"):
        cell, p0 = cells.get((r["region"], r["indicator"])), _call_p(r)
        p1 = _num(cell.get("p_met")) if cell else None
        if p0 is not None and p1 is not None and percent(p0) != percent(p1):
            changed.append(t("scoreboard.revision_item", lang, region=region_label(r["region"], lang),
                             indicator=indicator_label(r["indicator"], lang), p0=percent(p0), p1=percent(p1)))
    sep = "；" if lang == "zh" else "; "
    out = f"<p><strong>{_esc(t('scoreboard.revision', lang))}</strong> {_esc(sep.join(changed))}</p>" if changed else ""
    out += f"<h2>{_esc(t('scoreboard.calls_title', lang))}</h2>"
    earlier = calls[calls.kind == "earlier"]
    if earlier.empty:
        return out + f"<p>{_esc(t('scoreboard.calls_none', lang, year=board.year, as_of=board.as_of))}</p>"
    rows = []
    for (region, ind), g in earlier.groupby(["region", "indicator"], sort=False):
        said = ", ".join(f"{a} {percent(_call_p(r))}" + (f" ({t('scoreboard.recreated', lang)})"
                         if r["label"] == "recreated_frozen" else "")
                         for a, r in zip(g.as_of, g.to_dict("records")) if _call_p(r) is not None)
        rows.append(f"<tr><td>{_esc(region_label(region, lang))}</td><td>{_esc(indicator_label(ind, lang))}</td>"
                    f"<td>{_esc(said)}</td></tr>")
    return (out + f"<p>{_esc(t('scoreboard.calls_intro', lang))}</p><table class=\"calls\"><thead><tr>"
            f"<th>{_esc(t('scoreboard.region', lang))}</th><th></th><th>{_esc(t('scoreboard.calls_col', lang))}</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


# --- numbers and words ----------------------------------------------------------------------------

def _num(x) -> float | None:
    if x is None or isinstance(x, str):
        return None
    return None if pd.isna(x) else float(x)


def pct1(x: float) -> str:
    """Growth to one decimal, never '-0.0'."""
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text


def percent(p: float) -> str:
    """A probability as whole percents (0.724 -> '72%')."""
    return f"{int(math.floor(100 * p + 0.5))}%"


def _g(x: float) -> str:
    return f"{x:g}"


def target_words(row, lang: str) -> str:
    """The target as people write it (6%左右 / about 6%), from its number and qualifier code; '' without one."""
    q = row.get("qualifier")
    if not isinstance(q, str) or not q:
        return ""
    low, high = _num(row.get("target_pct")), _num(row.get("target_high_pct"))
    if q in ("above", "positive", "in_step"):
        return t(f"scoreboard.target_words.{q}", lang)
    if low is None:
        return ""
    if q == "range" and high is not None:
        return t("scoreboard.target_words.range", lang, low=_g(low), high=_g(high))
    key = q if q in ("at_least", "about", "strive", "exceed", "at_most") else "bare"
    return t(f"scoreboard.target_words.{key}", lang, value=_g(low))


def region_label(slug: str, lang: str) -> str:
    r = registry.region(slug)
    return (r.name_zh if lang == "zh" else r.name_en) or r.name_zh or slug


def indicator_label(slug: str, lang: str) -> str:
    ind = registry.indicator(slug)
    return ind.name_zh if lang == "zh" else ind.name_en


def cell_status(row) -> str:
    """on_track / at_risk / off_track for a target with a P(met); no_data for a target without; '' without a target."""
    if not isinstance(row.get("qualifier"), str) or not row.get("qualifier"):
        return ""
    return row["status"] if _num(row.get("p_met")) is not None and row.get("status") in STATUSES else "no_data"


def counts(board: Scoreboard) -> dict[str, int]:
    """How many targets are on track, at risk, off track, without data (the summary and the DVC metric)."""
    statuses = [cell_status(r) for _, r in board.cells.iterrows()]
    out = {s: statuses.count(s) for s in STATUSES}
    out["targets"] = sum(out.values())
    out["regions"] = len(board.regions)
    return out


def metrics(board: Scoreboard) -> dict:
    return {"year": board.year, "as_of": board.as_of, **counts(board)}


# --- the page -------------------------------------------------------------------------------------

STYLE = """
body{font-family:"Noto Sans CJK SC","Noto Sans CJK TC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}table{border-collapse:collapse;margin:0.8em 0}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:center;vertical-align:top}
#board th{cursor:pointer;background:#f0f0f0}#board td.region{text-align:left;font-weight:bold}
td.cell .p{font-size:1.15em;font-weight:bold}td.cell .sub{font-size:0.75em;display:block}
td.on_track,td.off_track,td.no_data{color:#fff}td.at_risk{color:#222}td.none{color:#999}
.summary td.swatch{width:1.2em}.notes{font-size:0.85em;color:#444;max-width:60em}
"""

# Clicking a heading sorts the rows by that column's data-v (numbers numerically, empty cells last).
SORT_JS = """
document.querySelectorAll('#board th').forEach(function(th, col){
  th.addEventListener('click', function(){
    var body = document.querySelector('#board tbody'), rows = Array.from(body.rows);
    var up = th.dataset.dir !== 'asc'; th.dataset.dir = up ? 'asc' : 'desc';
    function v(r){ var x = r.cells[col].dataset.v; return x === '' ? null : (isNaN(x) ? x : parseFloat(x)); }
    rows.sort(function(a, b){ var x = v(a), y = v(b);
      if (x === null) return 1; if (y === null) return -1;
      return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1); });
    rows.forEach(function(r){ body.appendChild(r); });
  });
});
"""


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def cell_html(row, lang: str) -> str:
    """One <td>: P(met) coloured by status, the target wording and latest figure below and on hover."""
    if row is None:
        return '<td class="cell none" data-v="">&ndash;</td>'
    status = cell_status(row)
    words = target_words(row, lang)
    lines, sub = [], []
    if words:
        lines.append(f"{t('scoreboard.target', lang)}: {words}")
        sub.append(words)
    else:
        lines.append(t("scoreboard.no_target", lang))
    latest, period = _num(row.get("latest_ytd_pct")), row.get("latest_period")
    if latest is not None and isinstance(period, str) and period:
        text = t("scoreboard.cell_latest", lang, value=pct1(latest), period=period)
        if bool(row.get("provisional", False)):
            text += t("briefing.col.provisional_mark", lang)
        lines.append(text)
        sub.append(text)
    else:  # said in the cell, not only on hover: a P(met) without a figure of the year rests on the annual model
        lines.append(t("scoreboard.no_figure", lang))
        sub.append(t("scoreboard.no_figure", lang))
    median = _num(row.get("q50_pct"))
    if median is not None:
        lines.append(t("scoreboard.cell_median", lang, value=pct1(median)))
    p = _num(row.get("p_met"))
    shown = percent(p) if p is not None and status else "&ndash;"
    title = _esc(("；" if lang == "zh" else "; ").join(lines))
    below = "".join(f'<span class="sub">{_esc(s)}</span>' for s in sub)
    value = f"{p:.4f}" if p is not None and status else ""
    css = status or "none"
    return f'<td class="cell {css}" title="{title}" data-v="{value}"><span class="p">{shown}</span>{below}</td>'


def summary_html(board: Scoreboard) -> str:
    c = counts(board)
    lang = board.lang
    if c["targets"] == 0:
        return f"<p>{_esc(t('scoreboard.summary_none', lang, year=board.year))}</p>"
    sentence = t("scoreboard.summary", lang, **c)
    rows = "".join(f'<tr><td class="swatch" style="background:{COLOURS[s]}"></td><td>{_esc(t(f"status.{s}", lang))}'
                   f"</td><td>{c[s]}</td></tr>" for s in STATUSES)
    return (f"<p>{_esc(sentence)}</p><table class=\"summary\"><thead><tr><th></th><th></th>"
            f"<th>{_esc(t('scoreboard.count', lang))}</th></tr></thead><tbody>{rows}</tbody></table>")


def table_html(board: Scoreboard) -> str:
    """The sortable table: one row per region, one column per main indicator."""
    lang = board.lang
    by_key = {(r["region"], r["indicator"]): r for r in board.cells.to_dict("records")}
    head = "".join(f"<th>{_esc(indicator_label(i, lang))}</th>" for i in MAIN_INDICATORS)
    body = []
    for slug in board.regions:
        name = region_label(slug, lang)
        cells = "".join(cell_html(by_key.get((slug, i)), lang) for i in MAIN_INDICATORS)
        body.append(f'<tr><td class="region" data-v="{_esc(name)}">{_esc(name)}</td>{cells}</tr>')
    return (f'<table id="board"><thead><tr><th>{_esc(t("scoreboard.region", lang))}</th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def title(board: Scoreboard) -> str:
    return t("scoreboard.title", board.lang, year=board.year, as_of=board.as_of)


def body_html(board: Scoreboard) -> str:
    """Heading, summary, table and notes (what the notebook displays and the page wraps)."""
    lang = board.lang
    notes = [t("scoreboard.sort_hint", lang),
             t("scoreboard.note_p", lang, on_track=_g(round(100 * board.on_track_p)),
               at_risk=_g(round(100 * board.at_risk_p))),
             t("scoreboard.note_basis", lang, as_of=board.as_of)]
    if "provisional" in board.cells and board.cells.provisional.astype(bool).any():
        notes.append(t("briefing.provisional_note", lang))
    notes_html = "".join(f"<li>{_esc(n)}</li>" for n in notes)
    return (f"<h1>{_esc(title(board))}</h1>{summary_html(board)}{table_html(board)}{calls_html(board)}"
            f'<div class="notes"><h2>{_esc(t("scoreboard.notes_title", lang))}</h2><ul>{notes_html}</ul></div>')


def page_html(board: Scoreboard) -> str:
    """The whole page: no external resource, one language, its own <title>."""
    lang_attr = "zh-CN" if board.lang == "zh" else "en"
    colours = "".join(f"td.{s}{{background:{c}}}" for s, c in COLOURS.items())
    return (f'<!DOCTYPE html>\n<html lang="{lang_attr}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_esc(title(board))}</title><style>{STYLE}{colours}</style></head>\n<body>{body_html(board)}"
            f"<script>{SORT_JS}</script></body></html>\n")


def write_outputs(board: Scoreboard, html_path: str | Path | None, metrics_path: str | Path | None) -> None:
    if html_path:
        from pipeline.presentation.briefing.fonts import embed_cjk_font

        Path(html_path).write_text(embed_cjk_font(page_html(board)), encoding="utf-8")
    if metrics_path:
        Path(metrics_path).write_text(json.dumps(metrics(board), indent=2, sort_keys=True) + "\n", encoding="utf-8")


# --- running the notebook -------------------------------------------------------------------------

def render(year: int, as_of: str, regions: list[str] | None = None, lang: str = "zh", out_dir: Path | None = None,
           progress=print, calls_csv: Path | None = None) -> Path:
    """Execute the scoreboard notebook into ``out_dir``: scoreboard.ipynb, scoreboard.html, scoreboard_metrics.json."""
    year = int(year)
    _check_as_of(year, as_of)
    if lang not in LANGS:
        raise ScoreboardError(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}")
    regions = resolve_regions(regions) if regions else []
    from pipeline.presentation.briefing.runner import notebook_tools, strip_volatile

    nbformat, pm = notebook_tools()  # after the checks: a mistyped argument is answered without loading papermill
    from pipeline.presentation.briefing import inprocess

    out_dir = Path(out_dir) if out_dir else REPORTS / str(year) / as_of
    out_dir.mkdir(parents=True, exist_ok=True)
    nb_path = out_dir / "scoreboard.ipynb"
    progress(f"[1/2] executing the scoreboard notebook for {year} as of {as_of} ({lang})")
    try:
        pm.execute_notebook(str(NOTEBOOK), str(nb_path), parameters=dict(
            year=year, as_of=as_of, regions=yaml.safe_dump(regions, default_flow_style=True).strip(),
            lang=lang, html_path="scoreboard.html", metrics_path="scoreboard_metrics.json",
            checkout=os.path.relpath(ROOT, out_dir.resolve()),
            calls_csv=os.path.relpath(Path(calls_csv).resolve(), ROOT) if calls_csv else None),
            kernel_name="python3", engine_name=inprocess.NAME, progress_bar=False, cwd=str(out_dir))
    except pm.PapermillExecutionError as exc:
        if exc.ename == "ScoreboardError":
            raise ScoreboardError(exc.evalue) from None
        raise ScoreboardError(f"scoreboard for {year} as of {as_of} failed in cell {exc.exec_count}: "
                              f"{exc.ename}: {exc.evalue} (partial notebook kept at {nb_path})") from None
    nb = nbformat.read(nb_path, as_version=4)
    strip_volatile(nb)
    nbformat.write(nb, nb_path)
    progress(f"[2/2] wrote {out_dir}")
    return out_dir


def parse_regions(value) -> list[str]:
    """Regions as a list, or as YAML text (papermill -p regions '[hunan, 湖南]'); '' or None means all."""
    if value is None or isinstance(value, list):
        return list(value or [])
    parsed = yamlio.load(value, "regions") if isinstance(value, str) else value
    if parsed is None:
        return []
    if isinstance(parsed, (str, int)):
        return [str(parsed)]
    if not isinstance(parsed, list):
        raise ScoreboardError(f"regions: give a YAML list such as [hunan, changsha], not {value!r}")
    return [str(x) for x in parsed]


def stage_params(path: Path = PARAMS) -> dict:
    params = yamlio.load_file(path) or {}
    spec = params.get("scoreboard") or {}
    missing = [k for k in ("year", "as_of") if k not in spec]
    if missing:
        raise ScoreboardError(f"params.yaml: scoreboard.{missing[0]} is missing")
    return {"year": int(spec["year"]), "as_of": str(spec["as_of"]), "lang": str(spec.get("lang", "zh"))}


def add_arguments(parser) -> None:
    parser.add_argument("--stage", action="store_true", help="run the DVC stage (year, as_of, lang from params.yaml)")
    parser.add_argument("--year", type=int)
    parser.add_argument("--as-of", help="YYYY-MM, a month of --year")
    parser.add_argument("--regions", nargs="+", help="region slugs or names (default: every region with targets)")
    parser.add_argument("--lang", default="zh", help="zh or en")
    parser.add_argument("--out", type=Path, help="output folder (default reports/scoreboard/YEAR/AS_OF)")


def run(args) -> int:
    try:
        if args.stage:
            spec = stage_params()
            from pipeline.common.paths import PROCESSED

            render(spec["year"], spec["as_of"], None, spec["lang"], calls_csv=PROCESSED / "ledger" / "scoreboard.csv")
            return 0
        if args.year is None or not args.as_of:
            print("scoreboard: give --year and --as-of (or --stage)", file=sys.stderr)
            return 2
        render(args.year, args.as_of, args.regions, args.lang, args.out)
    except ScoreboardError as exc:
        print(f"scoreboard: {exc}", file=sys.stderr)
        return 2
    return 0
