"""`python -m pipeline html`: an executed notebook as a page that reads on a machine without CJK fonts, offline."""
import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import nbformat
import pytest

from conftest import ROOT
from pipeline.presentation import notebook_html

TABLE = "<table><thead><tr><th>指标</th><th>目标</th></tr></thead><tbody><tr><td>地区生产总值</td><td>5%左右</td></tr></tbody></table>"


def _notebook() -> nbformat.NotebookNode:
    """An executed notebook as explore leaves one: code, a markdown heading, a table of Chinese cells."""
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("ex.coverage()")
    code.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": "## 一、结论"}),
                    nbformat.v4.new_output("execute_result", data={"text/html": TABLE, "text/plain": "table"},
                                           execution_count=1)]
    nb.cells = [code]
    return nb


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "html", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_page_embeds_the_chinese_it_shows_and_fetches_nothing():
    page = notebook_html.page(_notebook())
    assert "@font-face" in page and "地区生产总值" in page and "指标" in page
    assert "https://cdn" not in page and 'src="http' not in page
    assert "coverage" not in page  # code hidden by default (shown, it is split into highlighted spans)
    assert "coverage" in notebook_html.page(_notebook(), with_code=True)


@pytest.mark.integration
@pytest.mark.parametrize("name,content,message", [
    ("explore.html", None, "not a notebook (.ipynb)"),
    ("missing.ipynb", None, "no such notebook"),
    ("broken.ipynb", "{not json", "not a readable notebook"),
])
def test_a_wrong_file_gets_one_line_naming_it(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    run = _cli(str(path))
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [f"html: {path}: {run.stderr.split(': ', 2)[2].strip()}"]
    assert message in run.stderr


@pytest.mark.integration
def test_the_command_writes_the_page_beside_the_notebook(tmp_path):
    nb_path = tmp_path / "explore.ipynb"
    nbformat.write(_notebook(), nb_path)
    run = _cli(str(nb_path))
    assert run.returncode == 0, run.stderr
    assert "地区生产总值" in (tmp_path / "explore.html").read_text(encoding="utf-8")
    assert _cli(str(nb_path), "--out", str(tmp_path / "x.txt")).returncode != 0


def _fonts_without_cjk(tmp_path: Path) -> dict[str, str]:
    """A fontconfig that knows one Latin font (matplotlib's DejaVu Sans): a machine without CJK fonts."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "DejaVuSans.ttf").write_bytes((Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf").read_bytes())
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>{fonts}</dir>'
                    f'<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>', encoding="utf-8")
    return dict(os.environ, FONTCONFIG_FILE=str(conf))


@pytest.mark.integration
def test_chinese_reads_in_chromium_without_cjk_fonts(tmp_path):
    """The page's heading and table cells are drawn with the embedded face: six CJK characters at 32 px are
    192 px wide (Noto Sans CJK is full-width); the control, the system's sans-serif, has no such glyphs here."""
    from test_scoreboard import _chromium

    exe = _chromium()
    probe = ("<script>document.fonts.ready.then(function(){var c=document.createElement('canvas').getContext('2d');"
             "var w=function(f){c.font=f;return c.measureText('地区生产总值').width;};"
             "var th=getComputedStyle(document.querySelector('th')).fontFamily;"
             "document.body.setAttribute('data-check',JSON.stringify({page:w('32px \"Briefing CJK\"'),"
             "system:w('32px sans-serif'),th:th}));});</script></body>")
    page = tmp_path / "page.html"
    page.write_text(notebook_html.page(_notebook()).replace("</body>", probe), encoding="utf-8")
    run = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}",
                          "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120, env=_fonts_without_cjk(tmp_path))
    assert run.returncode == 0, run.stderr[-2000:]
    check = json.loads(run.stdout.split("data-check=\"")[1].split('"')[0].replace("&quot;", '"'))
    assert check["page"] == pytest.approx(192, abs=0.5), check
    assert check["system"] != pytest.approx(192, abs=0.5), check  # the machine really has no CJK font
    assert "Briefing CJK" in check["th"]
