"""Release texts (NBS, MOF) read as economists receive them: the 24 committed texts against the headline figures
the reference index states, the phrasings one by one, damaged and unreadable files, the command, the ingest merge."""
import subprocess
import sys
import time

import pytest

from conftest import ROOT, write
from pipeline.sources import ingest
from pipeline.common.paths import RAW_RELEASES
from pipeline.sources.releases import ReleaseError, read_release
from pipeline.sources.releases.period import find_periods
from pipeline.sources.schema import RAW_INDICATOR_COLUMNS
from pipeline.sources.validate import DEFAULT_LIMITS, RawDataError, check_indicator_rows, RawTable

# Written by hand from shared/data/releases/INDEX.csv (column headline_figures), one entry per figure of a
# tracked indicator: (indicator, measure, period) -> growth in %. Trade in the 2017-04 release is not in the
# index: read off the text by hand (section 七, 进出口总额).
EXPECTED = {
    "MOF_2015-02_fiscal.txt": {("fiscal_revenue", "ytd_growth_pct", "2015-02"): 3.2},
    "MOF_2019-12_fiscal.txt": {("fiscal_revenue", "ytd_growth_pct", "2019-12"): 3.8},
    "MOF_2025-12_fiscal.txt": {("fiscal_revenue", "ytd_growth_pct", "2025-12"): -1.7},
    "MOF_2026-02_fiscal.txt": {("fiscal_revenue", "ytd_growth_pct", "2026-02"): 0.7},
    "NBS_2017-04_monthly-economy.txt": {
        ("industrial_va", "ytd_growth_pct", "2017-04"): 6.7, ("industrial_va", "period_growth_pct", "2017-04"): 6.5,
        ("fai", "ytd_growth_pct", "2017-04"): 8.9,
        ("retail_sales", "ytd_growth_pct", "2017-04"): 10.2, ("retail_sales", "period_growth_pct", "2017-04"): 10.7,
        ("trade", "ytd_growth_pct", "2017-04"): 20.3, ("trade", "period_growth_pct", "2017-04"): 16.2},
    "NBS_2016-12_industrial.txt": {("industrial_va", "period_growth_pct", "2016-12"): 6.0,
                                   ("industrial_va", "ytd_growth_pct", "2016-12"): 6.0},
    "NBS_2021-12_industrial.txt": {("industrial_va", "period_growth_pct", "2021-12"): 4.3,
                                   ("industrial_va", "ytd_growth_pct", "2021-12"): 9.6},
    "NBS_2024-02_industrial.txt": {("industrial_va", "ytd_growth_pct", "2024-02"): 7.0},
    "NBS_2024-12_industrial.txt": {("industrial_va", "period_growth_pct", "2024-12"): 6.2,
                                   ("industrial_va", "ytd_growth_pct", "2024-12"): 5.8},
    "NBS_2025-02_industrial.txt": {("industrial_va", "ytd_growth_pct", "2025-02"): 5.9},
    "NBS_2018-10_retail.txt": {("retail_sales", "ytd_growth_pct", "2018-10"): 9.2,
                               ("retail_sales", "period_growth_pct", "2018-10"): 8.6},
    "NBS_2022-10_retail.txt": {("retail_sales", "ytd_growth_pct", "2022-10"): 0.6,
                               ("retail_sales", "period_growth_pct", "2022-10"): -0.5},
    "NBS_2023-02_retail.txt": {("retail_sales", "ytd_growth_pct", "2023-02"): 3.5},
    "NBS_2024-02_retail.txt": {("retail_sales", "ytd_growth_pct", "2024-02"): 5.5},
    "NBS_2024-03_retail.txt": {("retail_sales", "ytd_growth_pct", "2024-03"): 4.7,
                               ("retail_sales", "period_growth_pct", "2024-03"): 3.1},
    "NBS_2018-10_fai.txt": {("fai", "ytd_growth_pct", "2018-10"): 5.7},
    "NBS_2020-10_fai.txt": {("fai", "ytd_growth_pct", "2020-10"): 1.8},
    "NBS_2024-10_fai.txt": {("fai", "ytd_growth_pct", "2024-10"): 3.4},
    "NBS_2026-02_fai.txt": {("fai", "ytd_growth_pct", "2026-02"): 1.8},
    "NBS_2023-10_monthly-economy.txt": {("industrial_va", "period_growth_pct", "2023-10"): 4.6,
                                        ("industrial_va", "ytd_growth_pct", "2023-10"): 4.1},
    # the national GDP file keys the first quarter both as the year to date and as the quarter
    "NBS_2024-06_gdp-h1.txt": {("gdp", "ytd_growth_pct", "2024-06"): 5.0, ("gdp", "period_growth_pct", "2024-06"): 4.7},
    "NBS_2021-03_gdp-q1.txt": {("gdp", "ytd_growth_pct", "2021-03"): 18.3, ("gdp", "period_growth_pct", "2021-03"): 18.3},
    "NBS-EN_2019-07_fai.txt": {("fai", "ytd_growth_pct", "2019-07"): 5.7},
    "NBS-EN_2021-10_monthly-economy.txt": {("retail_sales", "period_growth_pct", "2021-10"): 4.9},
}
# Figures the index states that must not become a row: untracked indicators (private FAI, tax revenue,
# expenditure, government funds, real estate, services), same-scope rates, two-year averages, real growth of
# retail before 2019, and the first quarter quoted in the half-year release (possibly revised: not a first release).
NOT_TAKEN = {
    "MOF_2015-02_fiscal.txt": [1.7, 0.8, 10.5, 9.5, -33.7], "MOF_2019-12_fiscal.txt": [1.0, 8.1, 12.0],
    "MOF_2025-12_fiscal.txt": [0.8, 1.0, -7.0], "MOF_2026-02_fiscal.txt": [0.1, 3.6, -16.0],
    "NBS_2017-04_monthly-economy.txt": [6.9, 9.3], "NBS_2021-12_industrial.txt": [6.1, 5.8, 11.9],
    "NBS_2018-10_retail.txt": [5.6], "NBS_2018-10_fai.txt": [8.8], "NBS_2020-10_fai.txt": [-0.7],
    "NBS_2024-10_fai.txt": [-0.3], "NBS_2026-02_fai.txt": [-2.6], "NBS_2024-06_gdp-h1.txt": [5.3],
    "NBS_2021-03_gdp-q1.txt": [5.0, 10.3, 0.6], "NBS-EN_2019-07_fai.txt": [-0.3, 0.43],
    "NBS-EN_2021-10_monthly-economy.txt": [15.1, 3.8],
}
# What the note must say beside the figure (the other scope, the other basis, the two-year average, the basis).
NOTES = {
    ("MOF_2015-02_fiscal.txt", "fiscal_revenue", "ytd_growth_pct"): "同口径增长1.7%",
    ("NBS_2018-10_retail.txt", "retail_sales", "period_growth_pct"): "实际增长5.6%",
    ("NBS_2021-12_industrial.txt", "industrial_va", "ytd_growth_pct"): "两年平均增长6.1%",
    ("NBS_2021-03_gdp-q1.txt", "gdp", "ytd_growth_pct"): "两年平均增长5.0%",
    ("NBS_2024-10_fai.txt", "fai", "ytd_growth_pct"): "按可比口径计算",
    ("NBS_2024-10_fai.txt", "fai", "ytd_level"): "not comparable",
    ("NBS_2026-02_fai.txt", "fai", "ytd_growth_pct"): "按可比口径计算",
    ("NBS_2022-10_retail.txt", "retail_sales", "ytd_growth_pct"): "traditional characters",
    ("NBS_2020-10_fai.txt", "fai", "ytd_growth_pct"): "dropped dashes",
}
# Levels, by hand from the texts (亿元; billion yuan x 10).
LEVELS = {
    ("NBS_2018-10_retail.txt", "retail_sales", "period_level"): 35534,
    ("NBS_2018-10_retail.txt", "retail_sales", "ytd_level"): 309834,
    ("NBS-EN_2019-07_fai.txt", "fai", "ytd_level"): 348892,
    ("NBS-EN_2021-10_monthly-economy.txt", "retail_sales", "period_level"): 40454,
    ("NBS_2021-03_gdp-q1.txt", "gdp", "ytd_level"): 249310,
    ("MOF_2015-02_fiscal.txt", "fiscal_revenue", "ytd_level"): 25717,
    ("NBS_2024-10_fai.txt", "fai", "ytd_level"): 423222,
}


def read(name):
    return read_release(RAW_RELEASES / name)


def test_the_24_texts_are_committed_byte_identical():
    shared = ROOT.parent / "shared" / "data" / "releases"
    names = sorted(p.name for p in RAW_RELEASES.glob("*.txt"))
    assert names == sorted(EXPECTED) and len(names) == 24
    if shared.is_dir():
        for name in names:
            assert (RAW_RELEASES / name).read_bytes() == (shared / name).read_bytes(), name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_text_gives_its_headline_figures_and_nothing_else(name):
    rows, unplaced = read(name)
    assert unplaced == []
    growth = {(r["indicator"], r["measure"], r["period"]): float(r["value"]) for r in rows if r["unit"] == "pct"}
    assert growth == EXPECTED[name]
    for value in NOT_TAKEN.get(name, []):
        assert value not in growth.values(), value
    for r in rows:
        assert r["region"] == "china" and r["vintage"] == "first" and name in r["source"]
        assert ("财政部 (MOF)" if name.startswith("MOF") else "国家统计局 (NBS)") in r["source"]
    table = RawTable(name, RAW_INDICATOR_COLUMNS, [{c: r[c] for c in RAW_INDICATOR_COLUMNS} for r in rows],
                     [r["line"] for r in rows])
    assert check_indicator_rows(table) == []


@pytest.mark.parametrize("key", sorted(NOTES))
def test_notes_keep_what_is_beside_the_figure(key):
    name, indicator, measure = key
    rows, _ = read(name)
    note = next(r["note"] for r in rows if (r["indicator"], r["measure"]) == (indicator, measure))
    assert NOTES[key] in note


@pytest.mark.parametrize("key", sorted(LEVELS))
def test_levels_are_read_with_their_unit(key):
    name, indicator, measure = key
    rows, _ = read(name)
    row = next(r for r in rows if (r["indicator"], r["measure"]) == (indicator, measure))
    assert (float(row["value"]), row["unit"]) == (LEVELS[key], "cny_100m")


def test_each_text_is_read_quickly():
    for name in EXPECTED:
        start = time.perf_counter()
        read(name)
        assert time.perf_counter() - start < 0.5, name


# --------------------------------------------------------------------------- periods

@pytest.mark.parametrize("text,kind,month,year", [
    ("1—10月份,", "ytd", 10, None), ("1-10月份,", "ytd", 10, None), ("1~2月份,", "ytd", 2, None),
    ("1-2月累计,", "ytd", 2, None), ("1-2月,", "ytd", 2, None), ("一季度", "quarter", 3, None),
    ("二季度", "quarter", 6, None), ("上半年", "ytd", 6, None), ("前三季度", "ytd", 9, None), ("全年", "ytd", 12, None),
    ("2024年,规模以上", "ytd", 12, 2024), ("10月份,", "month", 10, None), ("2018年1-10月份,", "ytd", 10, 2018),
    ("In the first seven months of 2019,", "ytd", 7, 2019), ("In October,", "month", 10, None),
    ("In the first ten months of the year,", "ytd", 10, None), ("2016年全年,", "ytd", 12, 2016),
])
def test_periods_as_releases_write_them(text, kind, month, year):
    (p,) = find_periods(text)
    assert (p.kind, p.month, p.year, p.base) == (kind, month, year, False)


@pytest.mark.parametrize("text", ["增速比1-9月份回升0.3个百分点", "较11月份回落0.2个百分点", "比2020年四季度环比增长0.6%",
                                  "0.1 percentage point lower than that in the first six months"])
def test_a_period_compared_with_is_a_base(text):
    assert [p.base for p in find_periods(text)] == [True]


@pytest.mark.parametrize("text", ["4月末,全国商品房待售面积", "从2015年1月1日起", "(2023年11月15日)"])
def test_dates_and_points_in_time_are_not_periods(text):
    assert find_periods(text) == []


# --------------------------------------------------------------------------- phrasings

def rows_of(tmp_path, text, name="r.txt", **kw):
    rows, unplaced = read_release(write(tmp_path / name, text), **kw)
    return {(r["indicator"], r["measure"], r["period"]): r["value"] for r in rows}, rows, unplaced


def test_a_figure_for_another_period_in_the_sentence_is_never_taken(tmp_path):
    got, _, unplaced = rows_of(tmp_path, (
        "2018年1—9月份,全国固定资产投资(不含农户)同比增长5.4%,增速比1-8月份回升0.1个百分点,1—8月份为下降0.3%。"
        "其中,民间固定资产投资增长8.7%,降幅收窄1.3个百分点。"))
    assert got == {("fai", "ytd_growth_pct", "2018-09"): "5.4"} and unplaced == []


def test_nominal_is_the_retail_series_and_real_goes_to_the_note(tmp_path):
    got, rows, _ = rows_of(tmp_path, "2018年10月份,社会消费品零售总额35534亿元,同比名义增长8.6%(扣除价格因素实际增长5.6%)。")
    assert got[("retail_sales", "period_growth_pct", "2018-10")] == "8.6"
    assert "扣除价格因素实际增长5.6%" in rows[0]["note"]


def test_real_growth_alone_is_not_taken_for_a_nominal_series(tmp_path):
    got, _, unplaced = rows_of(tmp_path, "2018年10月份,社会消费品零售总额35534亿元,同比实际增长5.6%。")
    assert ("retail_sales", "period_growth_pct", "2018-10") not in got
    assert [u.reason.split(" (")[0] for u in unplaced] == ["only 同比实际增长5.6%"]


def test_real_growth_is_the_industry_series_at_comparable_prices(tmp_path):
    got, _, _ = rows_of(tmp_path, "2024年1—2月份,全国规模以上工业增加值按可比价格计算同比增长7.0%。")
    assert got == {("industrial_va", "ytd_growth_pct", "2024-02"): "7.0"}


@pytest.mark.parametrize("phrase,value", [("同比下降2.6%", "-2.6"), ("下降0.5%", "-0.5"), ("增长2.2倍", "220"),
                                          ("比上年同期增长3.2%", "3.2"), ("增长1.1倍", "110")])
def test_declines_and_multiples(tmp_path, phrase, value):
    got, _, _ = rows_of(tmp_path, f"2024年1—2月份,社会消费品零售总额81307亿元,{phrase}。")
    assert got[("retail_sales", "ytd_growth_pct", "2024-02")] == value


def test_comparable_basis_is_noted(tmp_path):
    _, rows, _ = rows_of(tmp_path, "2026年1—2月份,全国固定资产投资(不含农户)52721亿元,同比增长1.8%(按可比口径计算,详见附注7)。")
    assert all("按可比口径计算" in r["note"] for r in rows) and len(rows) == 2


def test_a_two_year_average_is_not_the_year_on_year_figure(tmp_path):
    got, rows, _ = rows_of(tmp_path, "2021年1—2月份,规模以上工业增加值同比实际增长35.1%,比2019年同期增长16.9%,两年平均增长8.1%。")
    assert got == {("industrial_va", "ytd_growth_pct", "2021-02"): "35.1"}
    assert "两年平均增长8.1%" in rows[0]["note"]


def test_mof_same_scope_rate_beside_the_headline(tmp_path):
    got, rows, _ = rows_of(tmp_path, "2015年1-2月财政收支情况\n1-2月累计,全国一般公共预算收入25717亿元,比上年同期增长3.2%;"
                                     "考虑部分政府性基金转列一般公共预算影响,同口径增长1.7%。其中,中央一般公共预算收入11575亿元,下降1.7%。")
    assert got[("fiscal_revenue", "ytd_growth_pct", "2015-02")] == "3.2"
    assert "同口径增长1.7%" in next(r["note"] for r in rows if r["measure"] == "ytd_growth_pct")


def test_month_on_month_rates_are_never_taken(tmp_path):
    got, _, _ = rows_of(tmp_path, "2018年1-10月份,全国固定资产投资(不含农户)同比增长5.7%。从环比速度看,10月份固定资产投资(不含农户)"
                                  "增长0.44%。\nIn July, the investment in fixed assets (excluding rural households) increased "
                                  "0.43 percent, month-on-month.")
    assert got == {("fai", "ytd_growth_pct", "2018-10"): "5.7"}


@pytest.mark.parametrize("sentence,value", [
    ("In the first seven months of 2019, the investment in fixed assets (excluding rural households) reached "
     "34,889.2 billion yuan, up 5.7 percent year-on-year.", "5.7"),
    ("In the first seven months of 2019, the investment in fixed assets (excluding rural households) reached "
     "34,889.2 billion yuan, a year-on-year decrease of 0.3percent, while the growth rate decreased by 0.3 percent "
     "point from the first six months.", "-0.3"),
])
def test_english_releases(tmp_path, sentence, value):
    got, _, _ = rows_of(tmp_path, sentence)
    assert got == {("fai", "ytd_growth_pct", "2019-07"): value, ("fai", "ytd_level", "2019-07"): "348892"}


def test_gdp_quarters_keyed_like_the_national_file(tmp_path):
    got, _, _ = rows_of(tmp_path, "初步核算,2023年全年国内生产总值1260582亿元,按不变价格计算,比上年增长5.2%。分季度看,"
                                  "一季度国内生产总值同比增长4.5%,二季度增长6.3%,三季度增长4.9%,四季度增长5.2%。")
    assert got == {("gdp", "ytd_growth_pct", "2023-12"): "5.2", ("gdp", "period_growth_pct", "2023-12"): "5.2",
                   ("gdp", "ytd_level", "2023-12"): "1260582"}


def test_a_projection_is_not_a_figure(tmp_path):
    got, _, _ = rows_of(tmp_path, "2024年1—10月份,社会消费品零售总额同比增长3.5%。预计全年社会消费品零售总额增长4%左右。")
    assert got == {("retail_sales", "ytd_growth_pct", "2024-10"): "3.5"}


def test_a_figure_with_no_indicator_named_is_unplaced_not_guessed(tmp_path):
    got, _, unplaced = rows_of(tmp_path, "2019年前三季度,国内生产总值697798亿元,同比增长6.2%。\n分季度看,一季度同比增长6.4%,"
                                         "二季度增长6.2%,三季度增长6.0%。")
    assert got == {("gdp", "ytd_growth_pct", "2019-09"): "6.2", ("gdp", "ytd_level", "2019-09"): "697798"}
    assert [(u.line, u.reason) for u in unplaced] == [(2, "no indicator named: 6.4%, 6.2%, 6.0%")]


def test_another_subject_sharing_the_name_is_not_the_indicator(tmp_path):
    got, _, _ = rows_of(tmp_path, "2024年1—10月份,全国固定资产投资(不含农户)423222亿元,同比增长3.4%,其中,民间固定资产投资212775亿元,"
                                  "下降0.3%。除汽车以外的消费品零售额74194亿元,增长5.2%。")
    assert got == {("fai", "ytd_growth_pct", "2024-10"): "3.4", ("fai", "ytd_level", "2024-10"): "423222"}


# --------------------------------------------------------------------------- damage

def test_traditional_characters_with_pinyin_are_read(tmp_path):
    got, rows, _ = rows_of(tmp_path, "2022年10月份,社會消費品零售總額40271億元,同比下降0.5%。\n"
                                     "1—10月份,社會(huì)消費(fèi)品零售總額360575億元,同比增長(zhǎng)0.6%。")
    assert got[("retail_sales", "period_growth_pct", "2022-10")] == "-0.5"
    assert got[("retail_sales", "ytd_growth_pct", "2022-10")] == "0.6"
    assert "pinyin" in rows[0]["note"]


def test_dropped_dashes_are_restored_and_an_ambiguous_12_refused(tmp_path):
    got, _, unplaced = rows_of(tmp_path, "2020110月份规模以上工业增加值增长6.9%\n12月份,规模以上工业增加值同比增长7.3%。"
                                         "110月份,规模以上工业增加值同比增长6.9%,增速比19月份提高0.2个百分点。")
    assert got == {("industrial_va", "ytd_growth_pct", "2020-10"): "6.9"}
    assert len(unplaced) == 1 and "12月份" in unplaced[0].reason and unplaced[0].line == 2


def test_placeholders_are_dropped_but_a_question_mark_in_a_figure_is_refused(tmp_path):
    got, _, unplaced = rows_of(tmp_path, "??2024年1—2月份,社会消费品零售总额81307亿元,同比增长5.5%。???\n"
                                         "  ?    ?\n2024年3月份,社会消费品零售总额同比增长?.1%。")
    assert got == {("retail_sales", "ytd_growth_pct", "2024-02"): "5.5", ("retail_sales", "ytd_level", "2024-02"): "81307"}
    assert [u.line for u in unplaced] == [3] and "damaged" in unplaced[0].reason


@pytest.mark.parametrize("content,why", [
    (b"", "empty file"), (b"   \n", "empty file"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
    ("今天天气很好。".encode(), "no release recognised"),
    ("1—2月份,社会消费品零售总额81307亿元,同比增长5.5%。".encode(), "names no year"),
    ("2024年3月份,社会消费品零售总额同比增长?.1%。".encode(), "nothing read"),
])
def test_a_text_that_cannot_be_read_is_one_line_naming_the_file(tmp_path, content, why):
    path = write(tmp_path / "bad.txt", content)
    with pytest.raises(ReleaseError) as info:
        read_release(path)
    assert str(info.value).startswith(f"{path}: ") and why in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16"])
def test_any_common_encoding(tmp_path, encoding):
    text = "2024年1—2月份社会消费品零售总额增长5.5%\r\n1—2月份,社会消费品零售总额81307亿元,同比增长5.5%。\r\n"
    got, _, _ = rows_of(tmp_path, text.encode(encoding))
    assert got[("retail_sales", "ytd_growth_pct", "2024-02")] == "5.5"


def test_a_saved_web_page(tmp_path):
    page = ("<html><head><title>2024年3月份社会消费品零售总额增长3.1%</title><script>var x=1;</script></head><body>"
            "<div class='nav'>首页</div><p>3月份,社会消费品零售总额39020亿元,同比增长3.1%。</p>"
            "<p>1—3月份,社会消费品零售总额120327亿元,同比增长4.7%。</p></body></html>")
    got, rows, _ = rows_of(tmp_path, page.encode("gbk").replace(b"<head>", b"<head><meta charset='gbk'>"), "r.html")
    assert got[("retail_sales", "ytd_growth_pct", "2024-03")] == "4.7"
    assert got[("retail_sales", "period_growth_pct", "2024-03")] == "3.1"


def test_a_sidecar_gives_the_year_a_text_does_not_name(tmp_path):
    path = write(tmp_path / "q.txt", "初步核算,上半年国内生产总值616836亿元,按不变价格计算,同比增长5.0%。")
    write(tmp_path / "q.txt.meta.yaml", "year: 2024\nsource: copy at a news page\n")
    rows, _ = read_release(path)
    assert {(r["measure"], r["period"], r["value"]) for r in rows} == {("ytd_growth_pct", "2024-06", "5.0"),
                                                                        ("ytd_level", "2024-06", "616836")}
    assert rows[0]["source"].endswith("copy at a news page")
    write(tmp_path / "q.txt.meta.yaml", "region: hunan\n")
    with pytest.raises(ReleaseError, match="unknown key 'region'"):
        read_release(path)


# --------------------------------------------------------------------------- command

def cli(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", "read-release", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_cli_prints_rows_in_the_raw_schema(tmp_path):
    done = cli(RAW_RELEASES / "NBS_2024-03_retail.txt", RAW_RELEASES / "NBS_2021-03_gdp-q1.txt")
    assert done.returncode == 0 and done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == ",".join(RAW_INDICATOR_COLUMNS)
    assert sum(",retail_sales,2024-03," in ln for ln in lines) == 4 and sum(",gdp,2021-03," in ln for ln in lines) == 4


def test_cli_unreadable_file_one_line_and_nonzero(tmp_path):
    bad = write(tmp_path / "empty.txt", b"")
    done = cli(bad, RAW_RELEASES / "NBS_2018-10_fai.txt", tmp_path / "missing.txt")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [f"{bad}: empty file: expected the text of a release",
                                        f"{tmp_path / 'missing.txt'}: no such file"]
    assert ",fai,2018-10,ytd_growth_pct,5.7," in done.stdout


def test_cli_lists_unplaced_sentences_on_stderr(tmp_path):
    path = write(tmp_path / "r.txt", "2019年前三季度,国内生产总值697798亿元,同比增长6.2%。\n分季度看,一季度同比增长6.4%。")
    done = cli(path)
    assert done.returncode == 0
    assert done.stderr.splitlines() == [f"{path}:2: unplaced: no indicator named: 6.4%: 分季度看,一季度同比增长6.4%。"]


@pytest.mark.parametrize("args", [["--year", "twenty"], []])
def test_cli_bad_argument_exit_2(args):
    done = cli(*args)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr


# --------------------------------------------------------------------------- ingest

RETAIL = "3月份,社会消费品零售总额39020亿元,同比增长3.1%。\n1—3月份,社会消费品零售总额120327亿元,同比增长4.7%。\n2024年3月份社会消费品零售总额主要数据\n"
HEADER = ",".join(RAW_INDICATOR_COLUMNS) + "\n"


def test_ingest_merges_release_rows_key_by_key(tmp_path):
    csv = write(tmp_path / "ind.csv", HEADER + "china,retail_sales,2024-03,ytd_growth_pct,4.7,pct,first,NBS,\n")
    release = write(tmp_path / "r.txt", RETAIL)
    tables, _ = ingest.load_raw([csv], [], [], DEFAULT_LIMITS, [release])
    obs = ingest.build_observations(tables)
    assert len(obs) == 4 and obs.set_index("measure").loc["ytd_growth_pct", "raw_file"] == str(csv)


def test_ingest_conflict_between_a_release_and_an_indicator_file_names_both(tmp_path):
    csv = write(tmp_path / "ind.csv", HEADER + "china,retail_sales,2024-03,ytd_growth_pct,4.8,pct,first,NBS,\n")
    release = write(tmp_path / "r.txt", RETAIL)
    with pytest.raises(RawDataError) as info:
        ingest.load_raw([csv], [], [], DEFAULT_LIMITS, [release])
    (problem,) = info.value.problems
    assert str(problem) == (f"{release}:2:value: conflicting duplicate: china/retail_sales/2024-03/ytd_growth_pct/first "
                            f"is 4.7 here but 4.8 at {csv}:2")


def test_ingest_refuses_an_unreadable_release_in_one_line(tmp_path):
    bad = write(tmp_path / "bad.txt", "今天天气很好。")
    with pytest.raises(RawDataError) as info:
        ingest.load_raw([], [], [], DEFAULT_LIMITS, [bad])
    assert [str(p) for p in info.value.problems] == [
        f"{bad}: no release recognised: no sentence names a tracked indicator (规模以上工业增加值, 固定资产投资(不含农户), "
        "社会消费品零售总额, 国内生产总值, 全国一般公共预算收入, 进出口总额)"]


def test_the_committed_releases_agree_with_the_national_series():
    tables, _ = ingest.load_raw(sorted((ROOT / "data/raw/indicators").glob("*.csv")), [], [], DEFAULT_LIMITS,
                                ingest.release_paths())
    obs = ingest.build_observations(tables)
    from_releases = obs[obs.raw_file.str.startswith("data/raw/releases/")]
    assert len(from_releases) > 0
    assert {p.name for p in ingest.release_paths()} == set(EXPECTED)
