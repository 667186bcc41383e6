"""Backtest charts as static PNG images, so ``dvc plots show`` works offline.

DVC's default plot templates load Vega from a CDN and draw a blank page without network; images need
nothing. The stage ``backtest_plots`` reads the backtest CSVs and writes, into ``data/processed/plots/``:

- ``backtest_rmse_by_month.png``: RMSE of the December forecast by as-of month, one panel per indicator
  (and per regime when the CSV has a ``regime`` column), one line per method;
- ``backtest_reliability.png``: reliability diagram, one panel per regime, one line per method when those
  columns exist (indicators pooled, each bin's points weighted by their count);
- ``backtest_annual_reliability.png``: the annual model's reliability, one panel per level.

Run: ``python -m pipeline.presentation.backtest_plots [--by-month F] [--reliability F] [--annual-reliability F] [--out DIR]``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.sources import registry
from pipeline.common.paths import PROCESSED

OUT_DIR = PROCESSED / "plots"
BY_MONTH = PROCESSED / "backtest_by_month.csv"
RELIABILITY = PROCESSED / "backtest_reliability.csv"
ANNUAL_RELIABILITY = PROCESSED / "backtest_annual_reliability.csv"

METHOD_WORDS = {"carry_forward": "Carry-forward (benchmark)", "empirical_drift": "Empirical drift (the hand rule)",
                "recent_drift": "Recency-weighted drift",
                "state_space": "State-space model", "bridge": "Bridge equation", "default": "Default combination",
                "default_raw": "Default before recalibration",
                "default_before": "Fixed equal-weight combination (before issue 10)"}

REGIME_WORDS = {"all": "All years", "ordinary": "Ordinary years", "shock": "Shock years"}
LEVEL_WORDS = {"province": "Provinces", "prefecture": "Cities (prefecture level)", "nation": "Nation"}
ANNUAL_MONTHS = (0, 3, 6, 9, 12)  # as-of months drawn in the annual reliability chart (0: before any release)


class PlotInputError(ValueError):
    """A CSV without a column the chart needs; the message names the file and the column."""


def _read(path: Path, needed: list[str]) -> pd.DataFrame:
    if not Path(path).exists():
        raise PlotInputError(f"{path}: file not found (run `dvc repro backtest` first)")
    df = pd.read_csv(path)
    for col in needed:
        if col not in df.columns:
            raise PlotInputError(f"{path}:1:{col}: column missing")
    return df


def _words(value, table: dict) -> str:
    return table.get(str(value), str(value))


def _indicator_words(slug: str) -> str:
    try:
        return registry.indicator(slug).name_en
    except KeyError:
        return str(slug)


def _regimes(df: pd.DataFrame) -> list:
    """Regimes in a stable order (all, ordinary, shock, then others); [None] when the column is absent."""
    if "regime" not in df.columns:
        return [None]
    order = {k: i for i, k in enumerate(REGIME_WORDS)}
    return sorted(df.regime.dropna().unique(), key=lambda r: (order.get(str(r), 99), str(r)))


def _method_colours(df: pd.DataFrame) -> dict[str, str]:
    """One colour per method in every panel (the legend is shared), in METHOD_WORDS order."""
    methods = sorted(df.method.unique() if "method" in df.columns else [],
                     key=lambda m: (list(METHOD_WORDS).index(m) if m in METHOD_WORDS else 99, str(m)))
    return {m: f"C{i % 10}" for i, m in enumerate(methods)}


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def rmse_figure(by_month: pd.DataFrame):
    """RMSE by as-of month: a panel per indicator (rows: regimes when present), a line per method."""
    from matplotlib import pyplot as plt

    from pipeline.presentation.plots import use_cjk_font

    use_cjk_font()
    indicators = sorted(by_month.indicator.unique()) if not by_month.empty else []
    regimes = _regimes(by_month)
    colours = _method_colours(by_month)
    ncols, nrows = max(len(indicators), 1), max(len(regimes), 1)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.3 * ncols + 1, 2.8 * nrows + 0.8), squeeze=False,
                             sharex=True)
    if by_month.empty:
        _empty(axes[0][0], "No backtest results")
    for i, regime in enumerate(regimes):
        part = by_month if regime is None else by_month[by_month.regime == regime]
        for j, ind in enumerate(indicators):
            ax = axes[i][j]
            sub = part[part.indicator == ind]
            for method in sub.method.unique():
                line = sub[sub.method == method].sort_values("month")
                ax.plot(line.month, line.rmse, "o-", ms=3, color=colours[method], label=_words(method, METHOD_WORDS))
            name = _indicator_words(ind)
            ax.set_title(name if regime is None else f"{name}, {_words(regime, REGIME_WORDS).lower()}", fontsize=8)
            ax.set_xlabel("Month of the latest release (as-of month)", fontsize=8)
            if j == 0:
                ax.set_ylabel("RMSE of the December forecast (pp)", fontsize=8)
            ax.grid(alpha=0.3)
    seen = {}
    for row in axes:
        for ax in row:
            for h, lab in zip(*ax.get_legend_handles_labels()):
                seen.setdefault(lab, h)
    order = [_words(m, METHOD_WORDS) for m in colours]
    labels = [lab for lab in order if lab in seen]
    handles = [seen[lab] for lab in labels]
    if labels:
        fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 4), fontsize=8, frameon=False)
    fig.suptitle("Forecast error of full-year growth by month, per indicator and method (rolling-origin backtest)",
                 fontsize=10)
    fig.tight_layout(rect=(0, 0.07 if labels else 0, 1, 0.95))
    return fig


def pooled_reliability(rel: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Bins pooled over everything not in ``by`` (e.g. indicators): p_mean and observed weighted by n."""
    key = [c for c in by if c in rel.columns] + ["bin"]
    rel = rel[rel.n > 0].assign(_p=rel.p_mean * rel.n, _o=rel.observed * rel.n)
    g = rel.groupby(key, sort=True)[["_p", "_o", "n"]].sum().reset_index()
    return g.assign(p_mean=g._p / g.n, observed=g._o / g.n).drop(columns=["_p", "_o"])


def _reliability_panel(ax, lines: list[tuple[str, pd.DataFrame]], title: str) -> None:
    ax.plot([0, 1], [0, 1], color="#999999", lw=1, label="Perfect reliability")
    for label, df, colour in lines:
        df = df.sort_values("p_mean")
        ax.plot(df.p_mean, df.observed, "o-", ms=3, color=colour, label=label)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("Forecast probability that the target is met", fontsize=8)
    ax.set_ylabel("Share of cases where it was met", fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")


def reliability_figure(rel: pd.DataFrame):
    """Reliability of P(met): a panel per regime, a line per method (indicators pooled)."""
    from matplotlib import pyplot as plt

    from pipeline.presentation.plots import use_cjk_font

    use_cjk_font()
    if "bin" not in rel.columns:
        rel = rel.assign(bin=np.floor(rel.p_mean * 10).clip(0, 9).astype(int))
    regimes = _regimes(rel)
    colours = _method_colours(rel)
    fig, axes = plt.subplots(1, len(regimes), figsize=(max(4.2 * len(regimes), 6.4), 4.4), squeeze=False)
    for ax, regime in zip(axes[0], regimes):
        part = rel if regime is None else rel[rel.regime == regime]
        pooled = pooled_reliability(part, ["method"])
        if pooled.empty:
            _empty(ax, "No cases")
            continue
        if "method" in pooled.columns:
            lines = [(_words(m, METHOD_WORDS), pooled[pooled.method == m], colours[m])
                     for m in colours if m in set(pooled.method)]
        else:
            lines = [("P(met) forecasts", pooled, "C0")]
        _reliability_panel(ax, lines, _words(regime, REGIME_WORDS) if regime is not None else "All years")
    fig.suptitle("Is P(met) reliable? Forecast probability against how often targets were met", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def annual_reliability_figure(rel: pd.DataFrame):
    """The annual model's reliability: a panel per level, a line per as-of month."""
    from matplotlib import pyplot as plt

    from pipeline.presentation.plots import use_cjk_font

    use_cjk_font()
    levels = sorted(rel.level.unique()) if not rel.empty else [None]
    fig, axes = plt.subplots(1, len(levels), figsize=(4.2 * len(levels), 4.2), squeeze=False)
    for ax, level in zip(axes[0], levels):
        part = rel[rel.level == level] if level is not None else rel
        months = [m for m in ANNUAL_MONTHS if m in set(part.as_of_month)] or sorted(set(part.as_of_month))
        lines = [(("Before any release" if m == 0 else f"As of month {m}"), part[part.as_of_month == m], f"C{i % 10}")
                 for i, m in enumerate(months)]
        if not lines:
            _empty(ax, "No cases")
            continue
        _reliability_panel(ax, lines, _words(level, LEVEL_WORDS))
    fig.suptitle("Annual model: forecast probability against how often targets were met", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def save(fig, path: Path) -> Path:
    """PNG without volatile metadata (same inputs, same bytes); the figure is closed."""
    from matplotlib import pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=96, metadata={"Software": None})
    plt.close(fig)
    return path


def write_all(by_month: Path = BY_MONTH, reliability: Path = RELIABILITY,
              annual_reliability: Path = ANNUAL_RELIABILITY, out_dir: Path = OUT_DIR) -> list[Path]:
    bm = _read(by_month, ["indicator", "month", "method", "rmse"])
    rel = _read(reliability, ["p_mean", "observed", "n"])
    ann = _read(annual_reliability, ["level", "as_of_month", "p_mean", "observed", "n"])
    return [save(rmse_figure(bm), Path(out_dir) / "backtest_rmse_by_month.png"),
            save(reliability_figure(rel), Path(out_dir) / "backtest_reliability.png"),
            save(annual_reliability_figure(ann), Path(out_dir) / "backtest_annual_reliability.png")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.presentation.backtest_plots", description=__doc__.splitlines()[0])
    ap.add_argument("--by-month", type=Path, default=BY_MONTH)
    ap.add_argument("--reliability", type=Path, default=RELIABILITY)
    ap.add_argument("--annual-reliability", type=Path, default=ANNUAL_RELIABILITY)
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    args = ap.parse_args(argv)
    try:
        paths = write_all(args.by_month, args.reliability, args.annual_reliability, args.out)
    except PlotInputError as exc:
        print(f"backtest_plots: {exc}", file=sys.stderr)
        return 2
    print(f"backtest_plots: wrote {len(paths)} images to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
