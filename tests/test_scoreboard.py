"""Scoreboard: cells, counts and page from a hand-made set; bad arguments; the page in headless Chromium.

The hand-made set is scored as of December, when the full-year figure is published: P(met) is then 0 or 1
by the target's wording, so every expected value below is read off the rows, not computed by the code.
"""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from pipeline.presentation import scoreboard as sb
from pipeline.__main__ import main
from pipeline.model.forecast import Config

OBS_COLUMNS = ["region", "indicator", "year", "month", "period", "measure", "vintage", "value", "unit",
               "months_covered", "source", "note", "raw_file", "raw_row"]


def _obs(rows):
    out = []
    for region, indicator, period, value in rows:
        year, month = int(period[:4]), int(period[5:])
        out.append(dict(region=region, indicator=indicator, year=year, month=month, period=period,
                        measure="ytd_growth_pct", vintage="first", value=value, unit="pct", months_covered=month,
                        source="hand-made", note="", raw_file="test", raw_row=0))
    return pd.DataFrame(out, columns=OBS_COLUMNS)


def _targets(rows):
    cols = ["region", "year", "indicator", "target_pct", "target_high_pct", "qualifier", "wording", "relative_to",
            "source", "text"]
    return pd.DataFrame([dict(zip(cols, r + ("", "hand-made", ""))) for r in rows], columns=cols).astype(
        {"year": "int64", "target_pct": "float64", "target_high_pct": "float64"})


OBS = _obs([
    ("hunan", "gdp", "2024-12", 5.3),            # target 5.5以上: missed -> 0%
    ("hunan", "industrial_va", "2024-12", 7.0),  # target 6左右: met -> 100%
    ("hunan", "fiscal_revenue", "2024-12", -1.0),  # target 实现正增长: missed -> 0%
    ("hunan", "fai", "2024-12", 2.0),            # no target: a figure only, not counted
    ("changsha", "gdp", "2024-12", 5.1),         # target 5以上: met -> 100%
    ("changsha", "gdp", "2025-03", 9.9),         # after the as-of month: ignored
])
TARGETS = _targets([
    ("hunan", 2024, "gdp", 5.5, float("nan"), "at_least"),
    ("hunan", 2024, "industrial_va", 6.0, float("nan"), "about"),
    ("hunan", 2024, "fiscal_revenue", float("nan"), float("nan"), "positive"),
    ("changsha", 2024, "gdp", 5.0, float("nan"), "at_least"),
    ("xiangjiang", 2024, "retail_sales", 6.0, float("nan"), "at_least"),  # no figure, no record: no data
    ("beijing", 2023, "gdp", 5.0, float("nan"), "at_least"),  # another year: not a row
    ("china", 2024, "income", 5.0, float("nan"), "about"),    # not a main indicator: not a row
])


@pytest.fixture(scope="module")
def board_zh():
    return sb.build(2024, "2024-12", lang="zh", obs=OBS, targets=TARGETS, cfg=Config(n_draws=200))


def test_rows_are_the_regions_with_main_targets_that_year_in_level_order(board_zh):
    assert board_zh.regions == ["hunan", "changsha", "xiangjiang"]


def test_counts_by_status(board_zh):
    assert sb.counts(board_zh) == {"on_track": 2, "at_risk": 0, "off_track": 2, "no_data": 1, "targets": 5,
                                   "regions": 3}


def _cell(page: str, region_name: str, column: int) -> str:
    row = re.search(rf'<tr><td class="region" data-v="{region_name}">.*?</tr>', page).group(0)
    return re.findall(r"<td class=\"cell.*?</td>", row)[column]


def test_page_cells_titles_and_summary(board_zh):
    page = sb.page_html(board_zh)
    assert "<title>2024年各地区主要预期目标完成概率一览(数据截至2024-12)</title>" in page
    assert page.count("<tr><td class=\"region\"") == 3
    # columns: gdp, industrial_va, fai, retail_sales, fiscal_revenue
    gdp = _cell(page, "湖南省", 0)
    assert 'class="cell off_track"' in gdp and '<span class="p">0%</span>' in gdp
    assert 'title="目标: 5.5%以上；最新2024-12累计5.3%；全年预测5.3%"' in gdp
    iva = _cell(page, "湖南省", 1)
    assert 'class="cell on_track"' in iva and ">100%<" in iva and "6%左右" in iva
    assert "实现正增长" in _cell(page, "湖南省", 4)
    fai = _cell(page, "湖南省", 2)  # a figure but no target: grey dash, the figure on hover
    assert 'class="cell none"' in fai and "未设目标" in fai and "2.0%" in fai
    assert 'class="cell no_data"' in _cell(page, "湖南湘江新区", 3)
    assert "9.9" not in page
    assert "共3个地区、5项目标：2项有望完成，0项存在风险，2项难以完成，1项暂无数据。" in page
    assert "http" not in page and "<script src" not in page


def test_english_page_has_english_words():
    board = sb.build(2024, "2024-12", regions=["Hunan"], lang="en", obs=OBS, targets=TARGETS,
                     cfg=Config(n_draws=200))
    page = sb.page_html(board)
    assert board.regions == ["hunan"]
    assert "<title>2024 targets of every region: will they be met? (data to 2024-12)</title>" in page
    assert "at least 5.5%" in page and "about 6%" in page and "positive growth" in page
    assert not re.search(r"[\u4e00-\u9fff]", page)


def test_empty_selection_says_so():
    board = sb.build(2022, "2022-06", lang="en", obs=OBS, targets=TARGETS, cfg=Config(n_draws=200))
    page = sb.page_html(board)
    assert board.regions == [] and "<tbody></tbody>" in page
    assert "No region has a target for these indicators in 2022: the scoreboard is empty." in page


@pytest.mark.parametrize("row,lang,expected", [
    ({"qualifier": "range", "target_pct": 5.0, "target_high_pct": 5.5}, "zh", "5%-5.5%"),
    ({"qualifier": "exact", "target_pct": 6.5, "target_high_pct": None}, "en", "6.5%"),
    ({"qualifier": "above", "target_pct": None, "target_high_pct": None}, "en", "faster than GDP growth"),
    ({"qualifier": "", "target_pct": None, "target_high_pct": None}, "zh", ""),
])
def test_target_words(row, lang, expected):
    assert sb.target_words(row, lang) == expected


def test_numbers_as_people_write_them():
    assert sb.pct1(-0.04) == "0.0" and sb.pct1(5.25) == "5.2" and sb.pct1(-1.26) == "-1.3"
    assert sb.percent(0.724) == "72%" and sb.percent(0.725) == "73%" and sb.percent(1.0) == "100%"


def test_regions_as_yaml_text():
    assert sb.parse_regions("[hunan, 长沙市]") == ["hunan", "长沙市"]
    assert sb.parse_regions("hunan") == ["hunan"] and sb.parse_regions("[]") == [] and sb.parse_regions(None) == []
    with pytest.raises(sb.ScoreboardError, match="YAML list"):
        sb.parse_regions("{a: 1}")


@pytest.mark.parametrize("argv,needle", [
    (["--year", "2024", "--as-of", "2024-13"], "--as-of: as-of '2024-13' is not YYYY-MM"),
    (["--year", "2024", "--as-of", "2025-03"], "--as-of 2025-03 is not in --year 2024"),
    (["--year", "2024", "--as-of", "2024-09", "--lang", "fr"], "--lang must be one of zh, en, not 'fr'"),
    (["--year", "2024", "--as-of", "2024-09", "--regions", "atlantis"], "--regions:"),
    (["--as-of", "2024-09"], "give --year and --as-of"),
])
def test_user_mistakes_get_one_line_and_exit_2(capsys, tmp_path, argv, needle):
    assert main(["scoreboard", *argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_missing_stage_params_are_named(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("scoreboard: {year: 2024}\n", encoding="utf-8")
    with pytest.raises(sb.ScoreboardError, match=r"params.yaml: scoreboard.as_of is missing"):
        sb.stage_params(params)


@pytest.mark.integration
def test_cli_runs_the_notebook_and_writes_page_notebook_and_metrics(tmp_path):
    """Two named regions on the embedded data: exactly their two rows, a stripped notebook, the metric."""
    assert main(["scoreboard", "--year", "2024", "--as-of", "2024-09", "--regions", "湖南", "changsha",
                 "--lang", "en", "--out", str(tmp_path)]) == 0
    page = (tmp_path / "scoreboard.html").read_text(encoding="utf-8")
    assert page.count('<tr><td class="region"') == 2 and "Hunan" in page and "Changsha" in page
    nb = json.loads((tmp_path / "scoreboard.ipynb").read_text(encoding="utf-8"))
    assert "papermill" not in nb["metadata"]
    assert all(c.get("execution_count") is None for c in nb["cells"] if c["cell_type"] == "code")
    m = json.loads((tmp_path / "scoreboard_metrics.json").read_text(encoding="utf-8"))
    assert m["regions"] == 2 and m["year"] == 2024 and m["as_of"] == "2024-09"
    assert m["targets"] == m["on_track"] + m["at_risk"] + m["off_track"] + m["no_data"] > 0


# --- headless Chromium ----------------------------------------------------------------------------------

def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: CI must install it (.ci/run does when it is missing)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it and runs this test")
    return exe


def _headless(exe: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-dev-shm-usage", f"--user-data-dir={args[0]}", *args[1:]],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.integration
def test_page_renders_in_headless_chromium(tmp_path, board_zh):
    exe = _chromium()
    page = tmp_path / "scoreboard.html"
    sb.write_outputs(board_zh, page, None)
    profile = str(tmp_path / "profile")
    dom = _headless(exe, profile, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    body = dom.stdout.split('<table id="board">')[1].split("<tbody>")[1].split("</tbody>")[0]  # the board itself
    assert body.count("<tr>") == 3
    assert "湖南省" in dom.stdout and "长沙市" in dom.stdout
    shot = tmp_path / "shot.png"
    run = _headless(exe, profile, f"--screenshot={shot}", "--window-size=1100,700", "--hide-scrollbars",
                    page.as_uri())
    assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
    from PIL import Image

    import numpy as np

    img = Image.open(shot).convert("RGB")
    px = np.asarray(img).reshape(-1, 3).astype(int)
    non_white = float((px.min(axis=1) < 235).mean())
    assert non_white > 0.02, f"screenshot nearly blank ({non_white:.1%} non-white)"
    assert len(np.unique(px, axis=0)) > 50
    # the coloured cells are drawn: two green and two red table cells (~100 x 50 px each), far more than the
    # summary's small swatches (~35 x 28 px each)
    green = int((np.abs(px - [0x1a, 0x98, 0x50]).max(axis=1) < 8).sum())
    red = int((np.abs(px - [0xd7, 0x30, 0x27]).max(axis=1) < 8).sum())
    assert green > 5000 and red > 5000, (green, red)


# --- the annual model's training data, built once per board ---------------------------------------------

@pytest.mark.integration
def test_annual_training_data_is_built_once_and_gives_the_uncached_results(monkeypatch):
    """The board shares one annual panel across regions, so a level's training table (``annual.regression._model_data``)
    is built once, not once per province; the cells must equal those of a fresh panel per province."""
    from pipeline.model.annual import regression
    from pipeline.sources import data
    from pipeline.model.forecast import AnnualModel, forecast_region

    # the processed tables when `make repro` has run, else the same built in memory from data/raw
    calls = []
    real = regression._responses
    monkeypatch.setattr(regression, "_responses", lambda *a, **k: calls.append(a[1:4]) or real(*a, **k))
    provinces = ["hebei", "shanxi", "liaoning", "jiangsu", "hunan"]  # no 2024 figure of their own as of January
    cfg = Config(n_draws=500)
    board = sb.build(2024, "2024-01", provinces, "en", cfg=cfg)
    assert calls == [("gdp", "province", "target")]  # one table for five provinces
    obs, targets = data.load_observations(as_of=(2024, 1)), data.load_targets()
    calls.clear()
    fresh = pd.concat([forecast_region(obs, targets, r, 2024, 1, cfg, ["default"], AnnualModel(obs, targets, cfg))
                       for r in provinces], ignore_index=True)
    assert len(calls) == len(provinces)  # without sharing: one table per province
    fresh = fresh[fresh.indicator.isin(sb.MAIN_INDICATORS)].reset_index(drop=True)
    gdp = board.cells[board.cells.indicator == "gdp"]
    assert sorted(gdp.region) == sorted(provinces) and gdp.p_met.between(0.01, 0.99).all()  # real forecasts
    pd.testing.assert_frame_equal(board.cells.drop(columns="provisional"), fresh)  # the board adds only the mark


@pytest.mark.integration
@pytest.mark.parametrize("column,clicks,expected", [
    # GDP: 长沙市 100%, 湖南省 0%, 湖南湘江新区 no GDP target (empty: always last); two clicks sort descending
    (1, 2, ["长沙市", "湖南省", "湖南湘江新区"]),
    # names in code-point order: 湖南湘 (U+6E56 U+5357 U+6E58) < 湖南省 (U+7701) < 长 (U+957F)
    (0, 1, ["湖南湘江新区", "湖南省", "长沙市"]),
])
def test_clicking_a_column_heading_sorts_the_rows_in_headless_chromium(tmp_path, board_zh, column, clicks, expected):
    exe = _chromium()
    page = tmp_path / "scoreboard.html"
    click = f"var th = document.querySelectorAll('#board th')[{column}];" + " th.click();" * clicks
    page.write_text(sb.page_html(board_zh).replace("</body>", f"<script>{click}</script></body>"), encoding="utf-8")
    dom = _headless(exe, str(tmp_path / "profile"), "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    body = dom.stdout.split('<table id="board">')[1].split("<tbody>")[1].split("</tbody>")[0]  # the board itself
    assert re.findall(r'<td class="region" data-v="([^"]+)"', body) == expected
