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


LABELS = {
    "en": {"ytd": "Year-to-date growth (%)", "month": "Month", "target": "Target", "required": "Required path",
           "band": "80% forecast band", "median": "Forecast median", "published": "Published YTD",
           "outcome": "Outcome", "missed": "Missed", "year": "Year", "growth": "Growth (%)"},
    "zh": {"ytd": "累计增速(%)", "month": "月份", "target": "目标", "required": "达标所需路径",
           "band": "80%预测区间", "median": "预测中位数", "published": "已公布累计增速",
           "outcome": "实际", "missed": "未完成", "year": "年份", "growth": "增速(%)"},
}


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


def target_chart(ax, path: pd.DataFrame, forecast: dict, *, title: str, lang: str = "en",
                 shares: pd.Series | None = None):
    """YTD path so far, the forecast band to December, the target line and the required path."""
    lab = LABELS[lang]
    if not path.empty:
        ax.plot(path.month, path.ytd_growth_pct, "o-", color="#2166ac", label=lab["published"])
    target = forecast.get("target_pct")
    latest_month = None if path.empty else int(path.month.max())
    if forecast.get("q10_pct") is not None and not pd.isna(forecast.get("q10_pct")) and latest_month is not None:
        last = float(path.loc[path.month == latest_month, "ytd_growth_pct"].iloc[0])
        months = np.array([latest_month, 12])
        ax.fill_between(months, [last, forecast["q10_pct"]], [last, forecast["q90_pct"]], color="#92c5de", alpha=0.5,
                        label=lab["band"])
        ax.plot(months, [last, forecast["q50_pct"]], "--", color="#2166ac", label=lab["median"])
        if (target is not None and not pd.isna(target) and shares is not None
                and forecast.get("required_rest_pct") is not None and not pd.isna(forecast.get("required_rest_pct"))
                and latest_month < 12):
            req = required_path(latest_month, last, float(forecast["required_rest_pct"]), shares)
            ax.plot(req.index, req.values, ":", color="#b2182b", label=lab["required"])
    if target is not None and not pd.isna(target):
        ax.axhline(float(target), color="#b2182b", lw=1.2, label=f"{lab['target']} {float(target):g}%")
    ax.set_xlim(0.5, 12.5)
    ax.set_xticks(range(1, 13))
    ax.set_xlabel(lab["month"])
    ax.set_ylabel(lab["ytd"])
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, loc="best")
    return ax


def record_chart(ax, record: pd.DataFrame, *, title: str, lang: str = "en"):
    """Target against outcome by year; misses marked."""
    lab = LABELS[lang]
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
