"""The explore, backtest and scoreboard notebooks run end to end on the processed tables (papermill, fresh kernel).

Every chart must have its Chinese glyphs: a "Glyph ... missing" warning in any output fails the test.
"""
import re

import papermill as pm
import pytest

from conftest import ROOT
from pipeline.presentation import explore as ex

GLYPH = re.compile(r"Glyph \d+ .*missing from")


def _texts(nb) -> list[str]:
    """Every text a code cell printed, warned or displayed as text."""
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
            text = o.get("text", "") or o.get("data", {}).get("text/plain", "")
            out.append("".join(text) if isinstance(text, list) else text)
    return out


def glyph_warnings(nb) -> list[str]:
    return [t for t in _texts(nb) if GLYPH.search(t)]


def _run(tmp_path, name, params):
    if not (ROOT / "data" / "processed" / "backtest_metrics.json").exists():
        pytest.skip("run `make repro` first: the notebooks read the processed tables")
    out = tmp_path / f"{name}.ipynb"
    return pm.execute_notebook(str(ROOT / "notebooks" / f"{name}.ipynb"), str(out), parameters=params,
                               kernel_name="python3", progress_bar=False, cwd=str(ROOT))


@pytest.mark.integration
@pytest.mark.parametrize("name,params,images", [
    ("explore", {"region": "changsha", "indicator": "gdp", "years": [2013, 2015]}, 2),
    # lists as YAML text (papermill -p), names as people type them, Chinese titles
    ("explore", {"region": "长沙", "indicator": "地区生产总值", "years": "[2013, 2015]", "compare": "[china, 湖南]",
                 "lang": "zh"}, 2),
    ("explore", {"lang": "en", "compare": "[china, hunan]"}, 2),
    ("backtest", {"method": "default"}, 1),
])
def test_notebook_runs_without_glyph_warnings(tmp_path, name, params, images):
    nb = _run(tmp_path, name, params)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= images
    assert glyph_warnings(nb) == []
    from pipeline.presentation.notebook_html import page

    html = page(nb)  # `python -m pipeline html`: offline, its Chinese in an embedded font
    assert "https://cdn" not in html and ("@font-face" in html) == bool(re.search("[\u4e00-\u9fff]", html))


@pytest.mark.integration
def test_explore_empty_selection_says_so(tmp_path):
    nb = _run(tmp_path, "explore", {"region": "湖南", "indicator": "gdp", "years": "[1990]", "compare": "[]",
                                    "lang": "zh"})
    texts = "\n".join(_texts(nb))
    assert "湖南省地区生产总值在所选年份(1990)没有数据，图略。" in texts
    assert "未选择任何比较地区(compare为空)。" in texts
    assert glyph_warnings(nb) == []


def test_glyph_check_catches_the_warning():
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    cell = new_code_cell("plot()", outputs=[new_output("stream", name="stderr", text=(
        "UserWarning: Glyph 28246 (\\N{CJK UNIFIED IDEOGRAPH-6E56}) missing from font(s) DejaVu Sans.\n"))])
    assert len(glyph_warnings(new_notebook(cells=[cell]))) == 1


@pytest.mark.parametrize("value,cast,expected", [
    ("[2023, 2024]", int, [2023, 2024]), ([2023, "2024"], int, [2023, 2024]), ("2024", int, [2024]),
    ("[china, 湖南]", str, ["china", "湖南"]), ("", str, []), ("[]", str, []), (None, int, []),
])
def test_list_parameters_as_yaml(value, cast, expected):
    assert ex.as_list(value, cast) == expected


def test_list_parameter_mistake_is_named():
    with pytest.raises(ValueError, match=r"expected a list of int such as \[2023, 2024\], not \['x'\]"):
        ex.as_list("[x]", int)
