"""Briefings: executed with papermill for two regions and both languages; the HTML is checked, not eyeballed."""
import json
import re
import warnings

import nbformat
import pytest

from conftest import ROOT
from pipeline import briefing

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = {}
    for region, as_of, prev, lang in [("xiangjiang", "2024-09", None, "zh"), ("xiangjiang", "2024-09", None, "en"),
                                      ("china", "2023-11", "2023-08", "en")]:
        folder = tmp_path_factory.mktemp(f"{region}_{lang}")
        briefing.render(region, as_of, prev, lang, folder, progress=lambda _: None)
        out[(region, lang)] = folder
    return out


def _html(folder):
    return (folder / "briefing.html").read_text(encoding="utf-8")


def test_headline_table_has_the_embedded_numbers(rendered):
    html = _html(rendered[("xiangjiang", "zh")])
    table = html[html.index('id="T_headline"'):]
    table = table[: table.index("</table>")]
    for expected in ["地区生产总值", "7%以上", "5.2%", "2024-09", "规模以上工业增加值", "9.5%", "8%", "高于经济增速"]:
        assert expected in table, expected
    en = _html(rendered[("xiangjiang", "en")])
    assert "Gross domestic product" in en and "faster than GDP growth" in en


def test_no_code_and_no_errors_or_warnings_in_the_html(rendered):
    for folder in rendered.values():
        html = _html(folder)
        assert "from pipeline" not in html and "br.build" not in html
        assert "Traceback" not in html and "Warning" not in html


def test_every_chart_is_present_and_not_empty(rendered):
    folder = rendered[("xiangjiang", "zh")]
    headline = json.loads((folder / "headline.json").read_text(encoding="utf-8"))
    with_forecast = [k for k, v in headline["indicators"].items() if v["q50_pct"] is not None]
    images = re.findall(r'<img[^>]*src="data:image/png;base64,([^"]+)"', _html(folder))
    assert len(images) == len(with_forecast) == 5
    assert all(len(img) > 10_000 for img in images)


def test_what_changed_section_lists_new_releases(rendered):
    html = _html(rendered[("china", "en")])
    assert "New releases since 2023-08" in html and "2023-11: 4.3%" in html


def test_notebook_output_has_no_volatile_metadata(rendered):
    nb = nbformat.read(rendered[("china", "en")] / "briefing.ipynb", as_version=4)
    assert "papermill" not in nb.metadata
    assert all("execution" not in c.metadata and "papermill" not in c.metadata for c in nb.cells)


def test_rerun_is_byte_identical(rendered, tmp_path):
    briefing.render("china", "2023-11", "2023-08", "en", tmp_path, progress=lambda _: None)
    for name in ["briefing.ipynb", "briefing.html", "headline.json"]:
        assert (tmp_path / name).read_bytes() == (rendered[("china", "en")] / name).read_bytes(), name


def test_failing_cell_fails_with_its_error_and_keeps_the_partial_notebook(tmp_path):
    with pytest.raises(briefing.BriefingError, match="unknown region 'atlantis'") as exc:
        briefing.render("atlantis", "2024-09", None, "zh", tmp_path, progress=lambda _: None)
    assert "partial notebook kept" in str(exc.value) and (tmp_path / "briefing.ipynb").exists()


def test_cjk_font_resolves_without_fallback_warning(tmp_path):
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    from pipeline.plots import use_cjk_font

    name = use_cjk_font()
    path = font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
    assert "NotoSansCJK" in path
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, ax = plt.subplots()
        ax.set_title("湖南湘江新区 规模工业增加值 累计增速")
        fig.savefig(tmp_path / "t.png")
        plt.close(fig)


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_are_committed_clean_with_a_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert any("parameters" in c.metadata.get("tags", []) for c in code)


def test_briefing_shows_the_regions_record(tmp_path):
    briefing.render("hunan", "2024-06", None, "en", tmp_path, progress=lambda _: None)
    html = _html(tmp_path)
    assert re.search(r"Hunan met its gdp target in \d+ of \d+ years since 2000; missed in [0-9, ]*2014", html)
    assert "target and outcome" in html
