"""Backtest images: grouping by indicator, method and regime, pooled reliability, and an offline `dvc plots show`.

The CSVs here are hand-made with the columns the backtest writes (``regime`` included or not).
"""
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from PIL import Image

from conftest import ROOT
from pipeline.presentation import backtest_plots as bp


def _by_month(with_regime: bool) -> pd.DataFrame:
    rows = []
    for regime in (["all", "shock"] if with_regime else [None]):
        for ind in ["gdp", "fai"]:
            for method in ["carry_forward", "default"]:
                for month in [3, 6, 9]:
                    row = dict(indicator=ind, month=month, method=method, n=10, rmse=12 - month / 3)
                    if regime:
                        row["regime"] = regime
                    rows.append(row)
    return pd.DataFrame(rows)


def _titles_and_lines(fig):
    return [(ax.get_title(), len(ax.get_lines())) for ax in fig.axes]


def test_rmse_panels_per_regime_and_indicator_lines_per_method():
    fig = bp.rmse_figure(_by_month(with_regime=True))
    # indicators sorted (fai, gdp) across, regimes (all, shock) down; two methods each
    assert _titles_and_lines(fig) == [
        ("Fixed-asset investment excluding rural households, all years", 2), ("Gross domestic product (real growth), all years", 2),
        ("Fixed-asset investment excluding rural households, shock years", 2), ("Gross domestic product (real growth), shock years", 2)]
    assert fig.axes[0].get_xlabel() == "Month of the latest release (as-of month)"
    assert fig.axes[0].get_ylabel() == "RMSE of the December forecast (pp)"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Carry-forward (benchmark)", "Default combination"]


def test_a_method_has_one_colour_in_every_panel_even_where_another_is_missing():
    df = _by_month(with_regime=False)
    df = pd.concat([df, df[(df.indicator == "gdp") & (df.method == "default")].assign(method="bridge")])
    fig = bp.rmse_figure(df)
    colour = {ax.get_title(): {line.get_label(): line.get_color() for line in ax.get_lines()} for ax in fig.axes}
    fai, gdp = colour["Fixed-asset investment excluding rural households"], colour["Gross domestic product (real growth)"]
    assert set(gdp) == {"Carry-forward (benchmark)", "Bridge equation", "Default combination"}
    assert fai["Default combination"] == gdp["Default combination"] != gdp["Bridge equation"]


def test_rmse_without_regime_column_has_one_row_of_panels():
    fig = bp.rmse_figure(_by_month(with_regime=False))
    assert [t for t, _ in _titles_and_lines(fig)] == ["Fixed-asset investment excluding rural households", "Gross domestic product (real growth)"]


def test_reliability_pools_indicators_weighted_by_count():
    rel = pd.DataFrame([
        dict(regime="ordinary", indicator="gdp", method="default", bin=1, p_mean=0.1, observed=0.0, n=10),
        dict(regime="ordinary", indicator="fai", method="default", bin=1, p_mean=0.2, observed=1.0, n=30),
        dict(regime="shock", indicator="gdp", method="default", bin=1, p_mean=0.15, observed=0.5, n=4),
    ])
    pooled = bp.pooled_reliability(rel, ["regime", "method"])
    ordinary = pooled[pooled.regime == "ordinary"].iloc[0]
    assert ordinary.n == 40
    assert ordinary.p_mean == pytest.approx((0.1 * 10 + 0.2 * 30) / 40)  # 0.175
    assert ordinary.observed == pytest.approx(30 / 40)
    fig = bp.reliability_figure(rel)
    # one panel per regime; the diagonal plus one line per method
    assert _titles_and_lines(fig) == [("Ordinary years", 2), ("Shock years", 2)]
    assert fig.axes[0].get_xlabel() == "Forecast probability that the target is met"


def _write_csvs(tmp_path: Path) -> dict:
    paths = {"by_month": tmp_path / "by_month.csv", "reliability": tmp_path / "rel.csv",
             "annual_reliability": tmp_path / "annual.csv"}
    _by_month(True).to_csv(paths["by_month"], index=False)
    pd.DataFrame([dict(bin=b, p_mean=b / 10 + 0.05, observed=b / 10, n=20) for b in range(10)]).to_csv(
        paths["reliability"], index=False)
    pd.DataFrame([dict(level=lv, as_of_month=m, bin_low=b / 10, bin_high=b / 10 + 0.1, n=5, p_mean=b / 10 + 0.05,
                       observed=b / 10) for lv in ["province", "prefecture"] for m in [0, 6] for b in range(10)]
                 ).to_csv(paths["annual_reliability"], index=False)
    return paths


@pytest.mark.integration
def test_images_are_drawn_and_identical_on_rerun(tmp_path):
    paths = _write_csvs(tmp_path)
    first = bp.write_all(paths["by_month"], paths["reliability"], paths["annual_reliability"], tmp_path / "a")
    second = bp.write_all(paths["by_month"], paths["reliability"], paths["annual_reliability"], tmp_path / "b")
    assert [p.name for p in first] == ["backtest_rmse_by_month.png", "backtest_reliability.png",
                                       "backtest_annual_reliability.png"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()
        img = Image.open(io.BytesIO(a.read_bytes())).convert("RGB")
        assert len(img.getcolors(maxcolors=1 << 20)) > 20  # lines, text and grid, not a blank canvas


def test_missing_column_is_one_line_naming_file_and_column(tmp_path, capsys):
    paths = _write_csvs(tmp_path)
    pd.DataFrame({"indicator": ["gdp"], "month": [3], "method": ["default"]}).to_csv(paths["by_month"], index=False)
    code = bp.main(["--by-month", str(paths["by_month"]), "--reliability", str(paths["reliability"]),
                    "--annual-reliability", str(paths["annual_reliability"]), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and err.strip() == f"backtest_plots: {paths['by_month']}:1:rmse: column missing"


def test_every_declared_plot_is_an_image():
    """CSV plots would make `dvc plots show` load Vega from a CDN; images need no network."""
    spec = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))
    declared = [next(iter(p)) if isinstance(p, dict) else p
                for stage in spec["stages"].values() for p in (stage.get("do", stage).get("plots") or [])]
    declared += [next(iter(p)) if isinstance(p, dict) else p for p in spec.get("plots") or []]
    assert declared and all(Path(p).suffix in {".png", ".svg", ".jpg"} for p in declared), declared


@pytest.mark.integration
def test_dvc_plots_show_loads_nothing_from_the_network(tmp_path):
    paths = _write_csvs(tmp_path)
    repo = tmp_path / "repo"
    bp.write_all(paths["by_month"], paths["reliability"], paths["annual_reliability"], repo / "plots")
    (repo / "dvc.yaml").write_text("plots:\n" + "".join(f"  - plots/{p.name}\n" for p in sorted(
        (repo / "plots").iterdir())), encoding="utf-8")
    env = dict(os.environ, DVC_NO_ANALYTICS="1", DVC_IGNORE_UPDATES="1")
    dvc = str(Path(sys.executable).parent / "dvc")
    subprocess.run([dvc, "init", "--no-scm", "-q"], cwd=repo, env=env, check=True)
    run = subprocess.run([dvc, "plots", "show", "-o", "out"], cwd=repo, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    page = (repo / "out" / "index.html").read_text(encoding="utf-8")
    assert page.count("<img") == 3
    assert "http://" not in page and "https://" not in page
