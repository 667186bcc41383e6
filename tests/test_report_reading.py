"""Reports as they are published: any name, any common encoding, .docx and .html, region and year from the text.

Every expected value is written by hand from the fixture texts below; every refusal is checked for its
exact one-line message.
"""
from __future__ import annotations

import re
import codecs
import csv
import os
from pathlib import Path

import pandas as pd
import pytest

from pipeline.common import paths
from pipeline.sources import targets
from pipeline.sources.reports import ReportError, identify, parse_report, read_report
from pipeline.sources.reports.outcomes import level_cny_100m, outcome_indicator

HENAN = (
    "2025年河南省政府工作报告\n"
    "——2025年1月18日在河南省第十四届人民代表大会第三次会议上\n"
    "一、2024年工作回顾\n"
    "过去一年，全省地区生产总值增长5.1%。\n"
    "二、2025年工作安排\n"
    "主要预期目标是：地区生产总值增长5.5%左右，固定资产投资增长6%。\n"
)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def main_targets(text: str) -> list[tuple]:
    return [(r["indicator"], r["target_pct"], r["qualifier"]) for r in parse_report(text).targets if r["main"]]


# --------------------------------------------------------------------------- encodings and line endings

@pytest.mark.parametrize("encoded", [
    HENAN.encode("utf-8"),
    codecs.BOM_UTF8 + HENAN.encode("utf-8"),
    HENAN.encode("gb18030"),
    HENAN.encode("utf-16"),  # with its byte-order mark
    codecs.BOM_UTF16_BE + HENAN.encode("utf-16-be"),
    HENAN.replace("\n", "\r\n").encode("gb18030"),
    HENAN.replace("\n", "\r").encode("utf-8"),  # CR-only, as old Mac editors save
], ids=["utf8", "utf8-bom", "gb18030", "utf16-le-bom", "utf16-be-bom", "gb18030-crlf", "cr-only"])
def test_every_common_encoding_and_line_ending_reads_the_same_text(tmp_path, encoded):
    path = write(tmp_path / "2025年河南省政府工作报告.txt", encoded)
    assert read_report(path) == HENAN
    assert main_targets(read_report(path)) == [("gdp", 5.5, "about"), ("fai", 6.0, "exact")]


def test_cr_only_lines_keep_their_structure(tmp_path):
    path = write(tmp_path / "r.txt", HENAN.replace("\n", "\r").encode("utf-8"))
    parsed = parse_report(read_report(path))
    assert [(o["indicator"], o["outcome_pct"], o["year"]) for o in parsed.outcomes] == [("gdp", 5.1, 2024)]
    assert (parsed.region, parsed.year) == ("henan", 2025)


@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b" \n\r\n\t", "empty file"),
    (HENAN.encode("utf-16-le"), "not a text file (binary, or UTF-16 without a byte-order mark; save it as UTF-8)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file (binary, or UTF-16 without a byte-order mark; "
                                              "save it as UTF-8)"),
    (bytes(range(0x80, 0x100)) * 4, "not readable as text in UTF-8 or GB18030 (binary, or another encoding; "
                                    "save it as UTF-8)"),
    (codecs.BOM_UTF16_LE + "主要".encode("utf-16-le")[:-1], "starts with a UTF-16 byte-order mark but is not "
                                                             "valid UTF-16 (truncated or binary)"),
], ids=["empty", "blank", "utf16-no-bom", "png", "undecodable", "truncated-utf16"])
def test_unreadable_files_get_one_line_naming_the_file(tmp_path, data, message):
    path = write(tmp_path / "report.txt", data)
    with pytest.raises(ReportError) as err:
        read_report(path)
    assert str(err.value) == f"{path}: {message}"


def test_missing_directory_dangling_link_and_pdf(tmp_path):
    cases = {tmp_path / "nope.txt": "no such file", tmp_path: "is a directory, not a report file",
             write(tmp_path / "r.pdf", b"%PDF-1.7"): ".pdf is not read; save the report as .txt, .docx or .html"}
    link = tmp_path / "link.txt"
    os.symlink(tmp_path / "gone.txt", link)
    cases[link] = "dangling symbolic link"
    for path, message in cases.items():
        with pytest.raises(ReportError) as err:
            read_report(path)
        assert str(err.value) == f"{path}: {message}"


# --------------------------------------------------------------------------- .docx and .html

def test_docx_paragraphs_and_tables_in_order(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("2025年河南省政府工作报告", level=1)
    document.add_paragraph("二、2025年工作安排")
    document.add_paragraph("主要预期目标是：地区生产总值增长5.5%左右，固定资产投资增长6%。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "指标", "目标"
    document.add_paragraph("（一）新建农村道路60公里。")
    path = tmp_path / "河南报告.docx"
    document.save(path)
    assert read_report(path) == ("2025年河南省政府工作报告\n二、2025年工作安排\n"
                                 "主要预期目标是：地区生产总值增长5.5%左右，固定资产投资增长6%。\n指标\t目标\n"
                                 "（一）新建农村道路60公里。")
    assert main_targets(read_report(path)) == [("gdp", 5.5, "about"), ("fai", 6.0, "exact")]


def test_a_docx_that_is_not_one(tmp_path):
    path = write(tmp_path / "report.docx", HENAN)
    with pytest.raises(ReportError) as err:
        read_report(path)
    assert str(err.value) == f"{path}: not a readable .docx file (BadZipFile)"


PAGE = """<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>2025年河南省政府工作报告_河南省人民政府门户网站</title><script>var x = "地区生产总值增长9%";</script>
<style>.a{color:red}</style></head><body>
<div class="top"><ul><li><a href="/">首页</a></li><li>政务公开</li><li>新闻中心</li></ul></div>
<div class="main"><div class="crumb">当前位置：首页 &gt; 政务公开</div>
<div id="zoom" class="article"><p>一、2024年工作回顾</p><p>过去一年，全省地区生产总值增长5.1%。</p>
<p>二、2025年工作安排</p><p>主要预期目标是：地区生产总值增长5.5%左右，<br>固定资产投资增长6%。</p></div></div>
<div class="footer">河南省人民政府办公厅主办 版权所有 联系我们 网站地图</div>
</body></html>"""


def test_html_main_text_only_with_the_page_title(tmp_path):
    path = write(tmp_path / "index.html", PAGE.encode("gb18030"))
    assert read_report(path) == ("2025年河南省政府工作报告_河南省人民政府门户网站\n一、2024年工作回顾\n"
                                 "过去一年，全省地区生产总值增长5.1%。\n二、2025年工作安排\n"
                                 "主要预期目标是：地区生产总值增长5.5%左右，\n固定资产投资增长6%。")
    parsed = parse_report(read_report(path))
    assert (parsed.region, parsed.year) == ("henan", 2025)
    assert [(r["indicator"], r["target_pct"]) for r in parsed.targets if r["main"]] == [("gdp", 5.5), ("fai", 6.0)]


# --------------------------------------------------------------------------- region and year

@pytest.mark.parametrize("head, region, year", [
    ("2025年河南省政府工作报告\n", "henan", 2025),
    ("2024年湖南湘江新区和记AG工作报告\n", "xiangjiang", 2024),  # the scrape's token instead of 政府
    ("各位代表：\n现在，我代表四川省人民政府，向大会报告工作。\n2025年工作安排\n", "sichuan", 2025),
    ("——2025年1月18日在云南省第十四届人民代表大会第三次会议上\n我代表省人民政府，向大会报告工作。\n", "yunnan", 2025),
    ("政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n", "china", 2024),
    ("各位代表：\n现在，我代表国务院，向大会报告政府工作。\n一、2019年工作回顾\n", "china", 2020),
])
def test_region_and_year_from_the_text(tmp_path, head, region, year):
    path = write(tmp_path / "any name.txt", head + "主要预期目标是：地区生产总值增长5%。\n")
    who = identify(path, read_report(path))
    assert (who.region, who.year, who.source) == (region, year, "")


def test_sidecar_overrides_the_text(tmp_path):
    path = write(tmp_path / "r.txt", HENAN)
    write(tmp_path / "r.txt.meta.yaml", "region: 湖南省\nyear: 2024\nsource: 湖南日报 2024-01-22\n")
    who = identify(path, read_report(path))
    assert (who.region, who.year, who.source) == ("hunan", 2024, "湖南日报 2024-01-22")


def test_neither_text_nor_sidecar_settles_it(tmp_path):
    path = write(tmp_path / "notes.txt", "主要预期目标是：地区生产总值增长9%。\n")
    with pytest.raises(ReportError) as err:
        identify(path, read_report(path))
    assert str(err.value) == (
        f"{path}: cannot tell the region and year from the text (no title such as 2025年河南省政府工作报告, "
        "我代表X人民政府 or dated ——2025年1月18日在... line); add notes.txt.meta.yaml with region:, year:")
    write(tmp_path / "notes.txt.meta.yaml", "region: henan\n")
    with pytest.raises(ReportError) as err:
        identify(path, read_report(path))
    assert str(err.value).endswith("cannot tell the year from the text (no title such as 2025年河南省政府工作报告, "
                                   "我代表X人民政府 or dated ——2025年1月18日在... line); "
                                   "add notes.txt.meta.yaml with year:")


@pytest.mark.parametrize("sidecar, message", [
    ("", "empty sidecar; give region, year and/or source"),
    ("- henan\n", "must be a mapping of region, year, source"),
    ("region: henan\nvintage: first\n", "unknown key 'vintage'; allowed: region, year, source"),
    ("region: 河南x\n", "region '河南x' is not a known slug or Chinese name"),
    ("year: '2025'\n", "year '2025' is not a year such as 2025"),
    ("year: 1800\n", "year 1800 is not a year such as 2025"),
    ("a: &x [1, 2]\nb: *x\n", "YAML anchors and aliases (&name, *name) are not accepted"),
    ("region: [henan\n", "malformed YAML: did not find expected ',' or ']'"),
], ids=["empty", "list", "unknown-key", "unknown-region", "year-string", "year-range", "alias", "malformed"])
def test_bad_sidecars_are_named(tmp_path, sidecar, message):
    path = write(tmp_path / "r.txt", HENAN)
    side = write(tmp_path / "r.txt.meta.yaml", sidecar)
    with pytest.raises(ReportError) as err:
        identify(path, read_report(path))
    assert re.sub(r"^(.*?\.meta\.yaml):\d+:", r"\1:", str(err.value)) == f"{side}: {message}"


def test_sidecar_not_utf8_and_too_large(tmp_path):
    path = write(tmp_path / "r.txt", HENAN)
    side = write(tmp_path / "r.txt.meta.yaml", "region: 河南省\n".encode("gb18030"))
    with pytest.raises(ReportError, match="^" + str(side) + ": not UTF-8$"):
        identify(path, HENAN)
    write(side, "# " + "x" * 70_000 + "\nregion: henan\n")
    with pytest.raises(ReportError) as err:
        identify(path, HENAN)
    assert str(err.value) == f"{side}: is 68 KB, more than the 64 KB a sidecar file may be (pipeline/common/safeio.py)"


# --------------------------------------------------------------------------- the stage over a folder

def run_stage(reports: Path, tmp_path: Path, capsys) -> tuple[int, str]:
    code = targets.main(reports, tmp_path / "no_curated.csv", tmp_path / "out")
    return code, capsys.readouterr().err


def test_same_report_under_two_names_is_read_once(tmp_path, capsys):
    reports = tmp_path / "reports"
    write(reports / "2025年河南省政府工作报告.txt", HENAN)
    write(reports / "henan_2025_copy.txt", HENAN.replace("\n", "\r\n").encode("gb18030"))
    code, err = run_stage(reports, tmp_path, capsys)
    assert code == 0
    assert f"{reports / 'henan_2025_copy.txt'}: same text as 2025年河南省政府工作报告.txt, read once" in err
    reg = pd.read_csv(tmp_path / "out" / "target_registry.csv")
    assert reg[["region", "year", "indicator", "target_pct"]].values.tolist() == [
        ["henan", 2025, "gdp", 5.5], ["henan", 2025, "fai", 6.0]]
    assert reg["source"].str.endswith("2025年河南省政府工作报告.txt").all()


def test_two_different_texts_for_one_region_and_year(tmp_path, capsys):
    reports = tmp_path / "reports"
    first = write(reports / "a.txt", HENAN)
    second = write(reports / "b.txt", HENAN.replace("5.5%左右", "6%左右"))
    code, err = run_stage(reports, tmp_path, capsys)
    assert code == 1
    assert err.strip().splitlines() == [
        f"targets: {first} and {second}: two different texts for henan 2025; keep one "
        "(or correct one's region or year in its .meta.yaml)"]


def test_report_without_targets_stops_the_stage(tmp_path, capsys):
    reports = tmp_path / "reports"
    path = write(reports / "2025年河南省政府工作报告.txt", "2025年河南省政府工作报告\n各位代表：\n")
    code, err = run_stage(reports, tmp_path, capsys)
    assert code == 1
    assert err.strip().splitlines() == [
        f"targets: {path}: no targets found (no 主要预期目标 paragraph and no quantified commitment in a plan part)"]


def test_stage_reads_docx_html_and_sidecars_and_skips_readme(tmp_path, capsys):
    docx = pytest.importorskip("docx")
    reports = tmp_path / "reports"
    write(reports / "index.html", PAGE.encode("gb18030"))
    document = docx.Document()
    document.add_paragraph("2024年河南省政府工作报告")
    document.add_paragraph("主要预期目标是：地区生产总值增长6%左右。")
    document.save(reports / "河南2024.docx")
    write(reports / "seed.txt", "2024年和记AG工作的总体要求是：坚持稳中求进。主要预期目标是：地区生产总值增长7%以上。\n")
    write(reports / "seed.txt.meta.yaml", "region: 湘江新区\nyear: 2024\n")
    write(reports / "README.md", "where these reports came from\n")
    code, _ = run_stage(reports, tmp_path, capsys)
    assert code == 0
    reg = pd.read_csv(tmp_path / "out" / "target_registry.csv")
    got = reg[reg["main"]][["region", "year", "indicator", "target_pct", "qualifier"]].values.tolist()
    assert got == [["henan", 2024, "gdp", 6.0, "about"], ["henan", 2025, "gdp", 5.5, "about"],
                   ["henan", 2025, "fai", 6.0, "exact"], ["xiangjiang", 2024, "gdp", 7.0, "at_least"]]


# --------------------------------------------------------------------------- last year's outcomes

OUTCOMES = (
    "一、2024年工作回顾\n"
    "2024年全省地区生产总值增长5.1%。全疆地区生产总值同比增长6.1%。地区生产总值预计增长5.8%。"
    "全省地区生产总值达到6.36万亿元、增长5.2%。规模以上工业增加值下降2%。社会消费品零售总额增长-2%。\n"
    "二、2025年工作安排\n"
    "主要预期目标是：地区生产总值增长5.5%左右。\n"
)


def test_outcome_labels_map_whatever_the_prefix_or_suffix():
    rows = parse_report(OUTCOMES, region="xinjiang", year=2025).outcomes
    got = [(o["indicator"], o["measure"], o["outcome_pct"], o["value"], o["unit"], o["level_cny_100m"]) for o in rows]
    assert got == [
        ("gdp", "growth", 5.1, 5.1, "%", None),
        ("gdp", "growth", 6.1, 6.1, "%", None),
        ("gdp", "growth", 5.8, 5.8, "%", None),
        ("gdp", "level", None, 6.36, "万亿元", 63600.0),
        ("gdp", "growth", 5.2, 5.2, "%", None),
        ("industrial_va", "growth", -2.0, -2.0, "%", None),
        ("retail_sales", "growth", -2.0, -2.0, "%", None),
    ]
    assert [o["estimated"] for o in rows] == [False, False, True, False, False, False, False]
    assert {o["year"] for o in rows} == {2024}


@pytest.mark.parametrize("label, slug", [
    ("全省地区生产总值", "gdp"), ("2024年全省地区生产总值", "gdp"), ("全疆地区生产总值同比", "gdp"),
    ("地区生产总值预计", "gdp"), ("全社会固定资产投资", "fai_total"), ("全川规上工业增加值", "industrial_va"),
    ("海洋生产总值", None), ("农村居民人均可支配收入", None),
])
def test_outcome_indicator(label, slug):
    assert outcome_indicator(label) == slug


def review(sentence: str) -> str:
    """A report whose review part is ``sentence``."""
    return (f"2025年湖南省政府工作报告\n一、2024年工作回顾\n{sentence}。\n二、2025年工作安排\n"
            "主要预期目标是：地区生产总值增长5%左右。\n")


# Review sentences as reports word them (the source in each comment); expected rows read by hand:
# (indicator, measure, value with its sign, unit, estimated).
CARRIED = [
    # 2026 Hunan report: the growth follows a predicate that names nothing of its own
    pytest.param("全省地区生产总值达到5.53万亿元、稳居全国前十强、增长4.8%",
                 [("gdp", "level", 5.53, "万亿元", False), ("gdp", "growth", 4.8, "%", False)],
                 id="hunan-2026-predicate"),
    # 2025 Gansu report: the name is two phrases back
    pytest.param("“十四五”以来，全省地区生产总值连跨4个千亿台阶，2024年达到1.3万亿元、增长5.8%",
                 [("gdp", "level", 1.3, "万亿元", False), ("gdp", "growth", 5.8, "%", False)],
                 id="gansu-2025-two-phrases-back"),
    # the 2025 Hunan report's wording (issue): 全年 names nothing; 预计 keeps both preliminary
    pytest.param("预计全省地区生产总值5.3万亿元、全年增长4.8%",
                 [("gdp", "level", 5.3, "万亿元", True), ("gdp", "growth", 4.8, "%", True)],
                 id="hunan-2025-quannian-estimated"),
    pytest.param("地区生产总值迈上5万亿元台阶，全年增长4.8%", [("gdp", "growth", 4.8, "%", False)],
                 id="quannian-after-level-clause"),
    pytest.param("地区生产总值5.3万亿元、全年下降2%",
                 [("gdp", "level", 5.3, "万亿元", False), ("gdp", "growth", -2.0, "%", False)],
                 id="quannian-decline"),
    pytest.param("全省地区生产总值53231亿元，按不变价格计算，比上年增长4.8%",
                 [("gdp", "level", 53231.0, "亿元", False), ("gdp", "growth", 4.8, "%", False)],
                 id="constant-prices"),
    # 2026 Sichuan and Ningxia reports
    pytest.param("实现地区生产总值67665亿元，增长5.5%",
                 [("gdp", "level", 67665.0, "亿元", False), ("gdp", "growth", 5.5, "%", False)],
                 id="sichuan-2026-shixian"),
    pytest.param("全年实现地区生产总值5696亿元，增长5.3%",
                 [("gdp", "level", 5696.0, "亿元", False), ("gdp", "growth", 5.3, "%", False)],
                 id="ningxia-2026"),
    # 2025 Tianjin, Guangxi and Xinjiang reports
    pytest.param("统筹实现多重预期目标。全市地区生产总值预计增长5.1％左右", [("gdp", "growth", 5.1, "%", True)],
                 id="tianjin-2025-estimated"),
    pytest.param("初步预计，全区地区生产总值增长4.2%左右", [("gdp", "growth", 4.2, "%", True)],
                 id="guangxi-2025-estimated"),
    pytest.param("全疆地区生产总值同比增长6.1%", [("gdp", "growth", 6.1, "%", False)], id="xinjiang-2025-tongbi"),
    # 2025 Sichuan report (shared copy) and 2019 national report: 经济总量, 总量 are the GDP level
    pytest.param("全省地区生产总值增长5.7%，高于全国0.7个百分点，经济总量达到64697亿元",
                 [("gdp", "growth", 5.7, "%", False), (None, "level", 0.7, "pp", False),
                  ("gdp", "level", 64697.0, "亿元", False)],
                 id="sichuan-2025-jingji-zongliang"),
    pytest.param("国内生产总值增长6.6%，总量突破90万亿元",
                 [("gdp", "growth", 6.6, "%", False), ("gdp", "level", 90.0, "万亿元", False)],
                 id="china-2019-zongliang"),
    # 2026 Guangdong report: the value added of the enterprises just named
    pytest.param("规模以上工业企业达7.6万家、增加值增长3%",
                 [(None, "level", 7.6, "万家", False), ("industrial_va", "growth", 3.0, "%", False)],
                 id="guangdong-2026-value-added"),
    # 2026 Fujian report: a decline is a negative growth
    pytest.param("固定资产投资下降3.3%", [("fai", "growth", -3.3, "%", False)], id="fujian-2026-decline"),
    # what names something else, or nothing at all, gets no indicator
    pytest.param("全省海洋生产总值突破2万亿元、全年增长6%",
                 [(None, "level", 2.0, "万亿元", False), (None, "growth", 6.0, "%", False)],
                 id="ocean-gdp-is-not-gdp"),
    pytest.param("经济运行持续向好。全年增长4.8%", [(None, "growth", 4.8, "%", False)], id="nothing-named"),
]


@pytest.mark.parametrize("sentence, expected", CARRIED)
def test_every_stated_outcome_gets_the_indicator_named_before_it(sentence, expected):
    text = review(sentence)
    rows = parse_report(text).outcomes
    assert [(r["indicator"], r["measure"], r["value"], r["unit"], r["estimated"]) for r in rows] == expected
    for r in rows:
        assert text[r["span_start"]:r["span_end"]] == r["quote"] and r["year"] == 2024


def first_release_quotes() -> list[tuple[str, str, float]]:
    """(region, quote, growth) of every 2024 GDP first release the raw data take from a 2025 work report."""
    out = []
    with open(paths.RAW_INDICATORS / "province_annual_2000_2024.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if (r["indicator"], r["period"], r["vintage"]) == ("gdp", "2024-12", "first") and "«" in r["note"]:
                quote = r["note"].split("«")[1].split("»")[0]
                out.append((r["region"], quote.split("。")[-1].strip(), float(r["value"])))
    return out


def test_the_2025_reports_gdp_sentences_give_the_first_release():
    """Each sentence the raw data quote from a 2025 provincial report reads as that province's 2024 GDP growth."""
    cases = first_release_quotes()
    assert len(cases) >= 25
    wrong = []
    for region, quote, growth in cases:
        gdp = [r for r in parse_report(review(quote)).outcomes if r["indicator"] == "gdp" and r["measure"] == "growth"]
        if not gdp or gdp[0]["outcome_pct"] != growth:
            wrong.append((region, quote, gdp[0]["outcome_pct"] if gdp else None))
    assert wrong == []


def test_levels_in_100m_yuan():
    assert [level_cny_100m(6.36, "万亿元"), level_cny_100m(4500.0, "亿元"), level_cny_100m(52000.0, "万元"),
            level_cny_100m(12.0, "亿美元"), level_cny_100m(3.0, "万人")] == [63600.0, 4500.0, 5.2, None, None]


def test_a_folder_among_the_reports_is_an_error(tmp_path, capsys):
    reports = tmp_path / "reports"
    write(reports / "2025年河南省政府工作报告.txt", HENAN)
    (reports / "2024.txt").mkdir()
    code, err = run_stage(reports, tmp_path, capsys)
    assert (code, err.strip()) == (1, f"targets: {reports / '2024.txt'}: is a directory, not a report file")


# --------------------------------------------------------------------------- hostile inputs (issue #21, item 3)

HUNAN_TITLE_HENAN_TEXT = HENAN.replace("2025年河南省政府工作报告", "2025年湖南省政府工作报告")


def test_a_title_and_a_date_line_naming_two_regions_stop_the_stage_until_a_sidecar_says_which(tmp_path, capsys):
    reports = tmp_path / "reports"
    path = write(reports / "a.txt", HUNAN_TITLE_HENAN_TEXT)
    code, err = run_stage(reports, tmp_path, capsys)
    assert (code, err.strip()) == (1, (
        f"targets: {path}: the title «2025年湖南省政府工作报告» names 湖南省 (hunan) but the date line "
        "«在河南省第十四届人民代表大会» names 河南省 (henan); add a.txt.meta.yaml with region: to say which"))
    write(reports / "a.txt.meta.yaml", "region: 河南\n")
    code, _ = run_stage(reports, tmp_path, capsys)
    reg = pd.read_csv(tmp_path / "out" / "target_registry.csv")
    assert code == 0 and set(reg["region"]) == {"henan"}


@pytest.mark.parametrize("body, message", [
    ("现在，我代表湖北省人民政府，向大会报告工作。\n",
     "the title «2025年湖南省政府工作报告» names 湖南省 (hunan) but the delegate line «我代表湖北省人民» names 湖北省 "
     "(hubei)"),
    ("一、2024年工作回顾\n过去一年，湖北全省地区生产总值增长5.8%，湖北经济稳中向好。\n",
     "the title «2025年湖南省政府工作报告» names 湖南省 (hunan) but the text names 湖北省 (hubei) 2 times, 湖南省 1"),
], ids=["delegate-line", "mentions-in-the-text"])
def test_a_report_under_another_regions_title_is_named(tmp_path, body, message):
    path = write(tmp_path / "r.txt", "2025年湖南省政府工作报告\n" + body + "二、2025年工作安排\n主要预期目标是：地区生产总值增长6%。\n")
    with pytest.raises(ReportError) as err:
        identify(path, read_report(path))
    assert str(err.value) == f"{path}: {message}; add r.txt.meta.yaml with region: to say which"


def test_regions_named_together_are_no_conflict(tmp_path):
    """A city's report names its province and districts; a province's its cities; China's report any province."""
    text = ("2025年长沙市政府工作报告\n——2025年1月在长沙市第十六届人民代表大会第四次会议上\n一、2024年工作回顾\n"
            "湖南湘江新区、岳麓区领跑，湖南全省支持长沙。北京、上海、广东各一次。\n二、2025年工作安排\n"
            "主要预期目标是：地区生产总值增长5.5%。\n")
    assert identify(write(tmp_path / "c.txt", text), text).region == "changsha"


@pytest.mark.parametrize("mark", ["\u200b", "\ufeff", "\u2060", "\u00ad"], ids=["ZWSP", "BOM", "WJ", "SHY"])
def test_invisible_characters_inside_numbers_and_names_are_read_through(mark):
    text = (f"2025年湖南省政府工作报告\n主要预期目标是：地区生产总值增长5{mark}.5%左右，固定资产投资增长{mark}6%，"
            f"一般公共预算收入增{mark}长4%，社会消费品零售总额增长6.{mark}5%。\n")
    rows = [r for r in parse_report(text).targets if r["main"]]
    assert [(r["indicator"], r["target_pct"], r["qualifier"]) for r in rows] == [
        ("gdp", 5.5, "about"), ("fai", 6.0, "exact"), ("fiscal_revenue", 4.0, "exact"), ("retail_sales", 6.5, "exact")]
    for r in rows:  # offsets still index the text as read, invisible characters and all
        assert text[r["span_start"]:r["span_end"]] == r["quote"] and text[r["start"]:r["end"]] == r["sentence"]
    assert rows[0]["quote"] == f"地区生产总值增长5{mark}.5%左右"


def test_a_copy_differing_only_by_invisible_characters_is_read_once(tmp_path, capsys):
    reports = tmp_path / "reports"
    write(reports / "a.txt", HENAN)
    write(reports / "b.txt", HENAN.replace("5.5%", "5\u200b.5%").replace("河南省", "河\u2060南省"))
    code, err = run_stage(reports, tmp_path, capsys)
    assert code == 0 and f"{reports / 'b.txt'}: same text as a.txt, read once" in err


def test_a_main_target_that_cannot_be_read_is_a_review_line(tmp_path, capsys):
    text = HENAN.replace("地区生产总值增长5.5%左右", "地区生产总值增长5·5%左右")
    parsed = parse_report(text)
    assert not any(r["indicator"] == "gdp" for r in parsed.targets)
    assert [(r["indicator"], r["quote"]) for r in parsed.unread] == [("gdp", "地区生产总值增长5·5%左右")]
    reports = tmp_path / "reports"
    write(reports / "henan.txt", text)
    code, _ = run_stage(reports, tmp_path, capsys)
    review = pd.read_csv(tmp_path / "out" / "targets_review.csv")
    assert code == 0
    assert review[["region", "year", "indicator", "issue", "extracted"]].values.tolist() == [
        ["henan", 2025, "gdp", "unread", "地区生产总值增长5·5%左右"]]
