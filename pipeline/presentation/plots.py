"""Charts for briefings and notebooks, with Chinese glyphs from the bundled Noto Sans CJK font.

``use_cjk_font()`` registers the font shipped by the ``cvttf-notosanscjk-regular`` dependency, so a
fresh machine renders 湖南湘江新区 without system fonts or fallback warnings.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.ticker import MaxNLocator

STATUS_COLOURS = {"on_track": "#1a9850", "at_risk": "#fdae61", "off_track": "#d73027", "no_data": "#999999"}


@lru_cache(maxsize=None)
def cjk_font_path() -> Path:
    spec = importlib.util.find_spec("cvttf_NotoSansCJK_Regular")
    if spec is None or spec.origin is None:
        raise RuntimeError("the CJK font package cvttf-notosanscjk-regular is not installed (make venv installs it)")
    return Path(spec.origin).parent / "NotoSansCJKtc-Regular.otf"


@lru_cache(maxsize=None)
def use_cjk_font() -> str:
    """Register the bundled CJK font and make it the default family; returns its name."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    plt.rcParams["font.family"] = [name, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.hashsalt"] = "target-tracker"
    return name


def _ok(x) -> bool:
    return x is not None and not pd.isna(x)


def required_path(latest_month: int, latest_ytd_pct: float, required_rest_pct: float,
                  shares: pd.Series) -> pd.Series:
    """YTD growth path from the latest release to December if the rest of the year grows at the required rate.

    ``shares`` is the cumulative share of last year's annual total carried by months 1..k (k = 1..12).
    """
    s_m = float(shares.loc[latest_month])
    months = [k for k in shares.index if k >= latest_month]
    path = [((s_m * (1 + latest_ytd_pct / 100) + (float(shares.loc[k]) - s_m) * (1 + required_rest_pct / 100))
             / float(shares.loc[k]) - 1) * 100 for k in months]
    return pd.Series(path, index=months)


def target_chart(ax, path: pd.DataFrame, forecast: dict, *, title: str, labels: dict,
                 shares: pd.Series | None = None, tolerance_pp: float = 0.5, relative_pct: float | None = None,
                 last_label: str | None = None):
    """YTD path so far, the forecast fan to December (80% and 50%), the target (and its band), the required path.

    Without a published figure in the year, the forecast (the annual model's distribution) is drawn at December.
    ``last_label`` is written beside the last published point (a series not updated since, a provisional figure).
    ``labels`` holds the reader's-language words (keys as in ``briefing.chart`` of the catalogue).
    """
    if not path.empty:
        ax.plot(path.month, path.ytd_growth_pct, "o-", color="#2166ac", label=labels["published"], zorder=3)
    latest_month = None if path.empty else int(path.month.max())
    q = {k: forecast.get(k) for k in ("q10_pct", "q25_pct", "q50_pct", "q75_pct", "q90_pct")}
    if all(_ok(v) for v in q.values()):
        if latest_month is not None and latest_month < 12:
            last = float(path.loc[path.month == latest_month, "ytd_growth_pct"].iloc[0])
            months = np.array([latest_month, 12])
            ax.fill_between(months, [last, q["q10_pct"]], [last, q["q90_pct"]], color="#92c5de", alpha=0.45,
                            label=labels["band80"], lw=0)
            ax.fill_between(months, [last, q["q25_pct"]], [last, q["q75_pct"]], color="#4393c3", alpha=0.45,
                            label=labels["band50"], lw=0)
            ax.plot(months, [last, q["q50_pct"]], "--", color="#2166ac", label=labels["median"])
        elif latest_month is None:
            ax.errorbar([12], [q["q50_pct"]], yerr=[[q["q50_pct"] - q["q10_pct"]], [q["q90_pct"] - q["q50_pct"]]],
                        fmt="D", color="#2166ac", ecolor="#92c5de", elinewidth=8, capsize=0, label=labels["annual"])
            ax.errorbar([12], [q["q50_pct"]], yerr=[[q["q50_pct"] - q["q25_pct"]], [q["q75_pct"] - q["q50_pct"]]],
                        fmt="D", color="#2166ac", ecolor="#4393c3", elinewidth=8, capsize=0)
    target, high, qual = forecast.get("target_pct"), forecast.get("target_high_pct"), forecast.get("qualifier")
    if _ok(target):
        ax.axhline(float(target), color="#b2182b", lw=1.2, label=labels["target"])
        if qual == "range" and _ok(high):
            ax.axhspan(float(target), float(high), color="#f4a582", alpha=0.35, lw=0, label=labels["target_band"])
        elif qual == "about":
            ax.axhspan(float(target) - tolerance_pp, float(target), color="#f4a582", alpha=0.35, lw=0,
                       label=labels["tolerance"])
    elif _ok(relative_pct):
        ax.axhline(float(relative_pct), color="#b2182b", lw=1.2, ls="-.", label=labels["relative"])
    req = forecast.get("required_rest_pct")
    if (latest_month is not None and latest_month < 12 and shares is not None and _ok(req)
            and latest_month in shares.index):
        last = float(path.loc[path.month == latest_month, "ytd_growth_pct"].iloc[0])
        rp = required_path(latest_month, last, float(req), shares)
        ax.plot(rp.index, rp.values, ":", color="#b2182b", lw=1.6, label=labels["required"])
    if last_label and latest_month is not None:
        last = float(path.loc[path.month == latest_month, "ytd_growth_pct"].iloc[0])
        ax.annotate(last_label, (latest_month, last), xytext=(0, 10), textcoords="offset points", ha="center",
                    va="bottom", fontsize=8, color="#b35806", zorder=4,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#b35806", "lw": 0.6, "alpha": 0.9})
    _month_axis(ax, labels["month"], labels["ytd"], title)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, loc="best")
    return ax


MEDIAN_AXIS_MIN_SPAN_PP = 2.0


def odds_chart(ax, path: pd.DataFrame, *, title: str, labels: dict):
    """P(met) as of each month so far (real time), in percent, and the full-year median then (right axis)."""
    p = path.dropna(subset=["p_met"])
    ax.plot(p.month, 100 * p.p_met, "o-", color="#762a83", label=labels["p_met"])
    q = path.dropna(subset=["q50_pct"])
    if not q.empty:
        ax2 = ax.twinx()
        ax2.plot(q.month, q.q50_pct, "s--", color="#7f7f7f", ms=3, lw=1, label=labels["median_axis"])
        ax2.set_ylabel(labels["median_axis"], color="#7f7f7f")
        ax2.tick_params(axis="y", colors="#7f7f7f")
        ax2.set_xlim(0.5, 12.5)
        # at least MEDIAN_AXIS_MIN_SPAN_PP tall: a 0.1 pp move of a rounded median must not look like a jump
        lo, hi = float(q.q50_pct.min()), float(q.q50_pct.max())
        if hi - lo < MEDIAN_AXIS_MIN_SPAN_PP:
            mid = (lo + hi) / 2
            ax2.set_ylim(mid - MEDIAN_AXIS_MIN_SPAN_PP / 2, mid + MEDIAN_AXIS_MIN_SPAN_PP / 2)
    for m, v in zip(p.month, p.p_met):
        ax.annotate(f"{round(100 * v):d}", (m, 100 * v), textcoords="offset points", xytext=(0, 5), ha="center",
                    fontsize=7)
    ax.set_ylim(-5, 110)
    _month_axis(ax, labels["as_of_month"], labels["p_met"], title)
    return ax


def _month_axis(ax, xlabel: str, ylabel: str, title: str) -> None:
    """Months 1-12 along the bottom, the labels and title, a light grid: both charts of a target share it."""
    ax.set_xlim(0.5, 12.5)
    ax.set_xticks(range(1, 13))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)


def record_chart(ax, record: pd.DataFrame, *, title: str, labels: dict):
    """Target against outcome by year; misses marked."""
    lab = labels
    r = record.sort_values("year")
    ax.step(r.year, r.target_pct, where="mid", color="#b2182b", label=lab["target"])
    ax.plot(r.year, r.outcome_pct, "o-", color="#2166ac", label=lab["outcome"])
    missed = r[r.met.fillna(True) == False]  # noqa: E712
    ax.plot(missed.year, missed.outcome_pct, "x", color="#d73027", ms=10, mew=2, label=lab["missed"])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(lab["year"])
    ax.set_ylabel(lab["growth"])
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    return ax


def reliability_chart(ax, p: np.ndarray, outcome: np.ndarray, *, bins: int = 10, title: str = "Reliability"):
    """Forecast probability against observed frequency, with the count per bin."""
    p, outcome = np.asarray(p, float), np.asarray(outcome, float)
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    xs, ys, ns = [], [], []
    for b in range(bins):
        sel = idx == b
        if sel.any():
            xs.append(p[sel].mean())
            ys.append(outcome[sel].mean())
            ns.append(int(sel.sum()))
    ax.plot([0, 1], [0, 1], color="#999999", lw=1)
    ax.scatter(xs, ys, s=[10 + 2 * n for n in ns], color="#2166ac")
    ax.set_xlabel("P(met) forecast")
    ax.set_ylabel("observed frequency")
    ax.set_title(title)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    return ax
