"""The statistics-portal layout (indicators as rows, periods as columns) imports into the tidy schema."""
import pytest

from conftest import SHARED, write
from pipeline.sources.portal import parse_period, read_portal
from pipeline.sources.validate import check_indicator_rows, RawTable

EN = ("\ufeffDatabase：Quarterly \nTime：3Q 2023-4Q 2023 \n"
      "Indicators\t,4Q 2023\t,3Q 2023\t,\n"
      "Indices of Gross Domestic Product (preceding year=100) , Current Quarter\t,105.2\t,104.9\t,\n"
      "Indices of Gross Domestic Product (preceding year=100) , Accumulated\t,105.2\t,105.2\t,\n"
      "Indices of Value-added of the Primary Industry (preceding year=100) , Accumulated\t,104.1\t,104.0\t,\n"
      "Note：1. Growth at comparable prices.\nData Sources：National Bureau of Statistics\n")
ZH = ("数据库：月度数据\n时间：2024年8月-2024年9月\n"
      "指标,2024年9月,2024年8月\n"
      "工业增加值累计增长(%),5.8,5.8\n"
      "社会消费品零售总额累计增长(%),3.3,3.4\n"
      "固定资产投资额累计增长(%),3.4,\n"
      "注：规模以上工业统计范围为年主营业务收入2000万元及以上的工业法人单位。\n"
      "数据来源：国家统计局\n")


@pytest.mark.parametrize("label,period", [("4Q 2023", "2023-12"), ("1Q 2024", "2024-03"), ("2024年9月", "2024-09"),
                                          ("2024年第三季度", "2024-09"), ("2024年第1季度", "2024-03"),
                                          ("Sep 2024", "2024-09"), ("2023", "2023-12"), ("2024年13月", None),
                                          ("Indicators", None)])
def test_parse_period(label, period):
    assert parse_period(label) == period


def test_english_quarterly_layout(tmp_path):
    table, problems = read_portal(write(tmp_path / "en.csv", EN))
    assert problems == []
    got = {(r.period, r.measure): float(r.value) for r in table.rows.itertuples()}
    assert got == {("2023-12", "period_growth_pct"): 5.2, ("2023-09", "period_growth_pct"): 4.9,
                   ("2023-12", "ytd_growth_pct"): 5.2, ("2023-09", "ytd_growth_pct"): 5.2}
    assert table.unmapped == [(6, "Indices of Value-added of the Primary Industry (preceding year=100) , Accumulated")]
    assert set(table.rows.vintage) == {"latest"} and set(table.rows.region) == {"china"}


def test_chinese_monthly_layout_in_gbk(tmp_path):
    table, problems = read_portal(write(tmp_path / "zh.csv", ZH.encode("gbk")), vintage="first", region="china")
    assert problems == []
    rows = table.rows.set_index(["indicator", "period"]).value.astype(float).to_dict()
    assert rows == {("fai", "2024-09"): 3.4, ("industrial_va", "2024-08"): 5.8, ("industrial_va", "2024-09"): 5.8,
                    ("retail_sales", "2024-08"): 3.4, ("retail_sales", "2024-09"): 3.3}
    raw = RawTable("zh.csv", list(table.rows.columns), table.rows.astype(str).to_dict("records"), table.lines)
    assert check_indicator_rows(raw) == []


def test_unknown_period_column_is_reported_with_its_line(tmp_path):
    path = write(tmp_path / "bad.csv", ZH.replace("2024年8月", "上月"))
    table, problems = read_portal(path)
    assert table is None and [str(p) for p in problems] == [
        f"{path}:3:上月: column '上月' is not a period this importer knows"]


def test_text_cell_is_reported(tmp_path):
    path = write(tmp_path / "bad.csv", ZH.replace(",5.8,5.8", ",5.8,n/a"))
    _, problems = read_portal(path)
    assert [str(p) for p in problems] == [f"{path}:4:2024年8月: cell 'n/a' is not a number"]


@pytest.mark.skipif(not (SHARED / "formats").is_dir(), reason="../shared not beside the checkout")
def test_real_portal_exports_match_the_embedded_revised_gdp():
    import pandas as pd
    from pipeline.common.paths import RAW_INDICATORS

    indices, _ = read_portal(SHARED / "formats" / "nbs_quarterly_gdp_indices.csv")
    levels, _ = read_portal(SHARED / "formats" / "nbs_quarterly_gdp_current_prices.csv")
    assert len(indices.rows) == 18 and len(levels.rows) == 18
    embedded = pd.read_csv(RAW_INDICATORS / "china_quarterly_gdp_growth.csv", dtype={"period": str})
    latest = embedded[embedded.vintage == "latest"].set_index(["period", "measure"]).value
    got = indices.rows.astype({"value": float}).set_index(["period", "measure"]).value
    assert (got - latest.reindex(got.index)).abs().max() < 1e-9


def test_levels_keep_every_digit(tmp_path):
    text = EN.replace("105.2\t,104.9", "1294271.7\t,937047.0").replace(
        "Indices of Gross Domestic Product (preceding year=100) , Current Quarter",
        "Gross Domestic Product, Accumulated (100 million yuan)")
    table, problems = read_portal(write(tmp_path / "levels.csv", text))
    assert problems == []
    levels = table.rows[table.rows.measure == "ytd_level"].set_index("period").value
    assert levels["2023-12"] == "1294271.7" and levels["2023-09"] == "937047"


PROVINCIAL_ZH = ("数据库：分省年度数据\n指标：地区生产总值指数(上年=100)\n时间：最近2年\n"
                 "地区,2023年,2022年\n北京市,105.2,100.7\n内蒙古自治区,107.3,104.2\n陕西省,104.3,104.3\n"
                 "火星,101,102\n注：2022年数据为最终核实数。\n数据来源：国家统计局\n")
PROVINCIAL_EN = ("Database：Annual by Province\nIndicators：Gross Regional Product Index(preceding year=100)\n"
                 "Region\t,2023\t,2022\t,\nShanxi\t,105.0\t,104.4\t,\nInner Mongolia\t,107.3\t,104.2\t,\n"
                 "Data Sources：National Bureau of Statistics\n")


def test_provincial_layout_regions_as_rows_in_gbk(tmp_path):
    table, problems = read_portal(write(tmp_path / "prov.csv", PROVINCIAL_ZH.encode("gbk")))
    assert problems == []
    got = table.rows.set_index(["region", "period"]).value.astype(float).round(6).to_dict()
    assert got == {("beijing", "2022-12"): 0.7, ("beijing", "2023-12"): 5.2, ("neimenggu", "2022-12"): 4.2,
                   ("neimenggu", "2023-12"): 7.3, ("shaanxi", "2022-12"): 4.3, ("shaanxi", "2023-12"): 4.3}
    assert set(table.rows.measure) == {"ytd_growth_pct"} and table.unmapped == [(8, "火星")]


def test_provincial_layout_in_english(tmp_path):
    table, problems = read_portal(write(tmp_path / "prov_en.csv", PROVINCIAL_EN))
    assert problems == []
    assert sorted(set(table.rows.region)) == ["neimenggu", "shanxi"]


def test_provincial_layout_needs_its_indicator_line(tmp_path):
    path = write(tmp_path / "noind.csv", PROVINCIAL_ZH.replace("指标：地区生产总值指数(上年=100)\n", ""))
    table, problems = read_portal(path)
    assert table is None and [str(p) for p in problems] == [
        f"{path}:3:-: regions as rows but no indicator line (指标：... or Indicators：...) above the table"]


# --- issue 11 section 4: merged or repeated headers, unknown rows, sidecars --------------------------------------

def test_merged_header_rows_are_refused_not_read_as_december(tmp_path):
    path = write(tmp_path / "merged.csv", ZH.replace("指标,2024年9月,2024年8月\n", "指标,2024年,\n,9月,8月\n"))
    table, problems = read_portal(path)
    assert table is None and [str(p) for p in problems] == [
        f"{path}:4:-: a second header row under the header on line 3 (merged header cells): export with one header "
        "row of full periods such as 2024年9月",
        f"{path}:5:-: row has 2 values but the header names 1 period(s) (a merged or shifted header?)",
        f"{path}:6:-: row has 2 values but the header names 1 period(s) (a merged or shifted header?)"]


def test_repeated_header_row_is_refused(tmp_path):
    path = write(tmp_path / "twice.csv", ZH.replace("固定资产", "指标,2024年9月,2024年8月\n固定资产"))
    table, problems = read_portal(path)
    assert table is None and [str(p) for p in problems] == [
        f"{path}:6:-: the header row is repeated here (first on line 3): one table per file"]


def test_repeated_period_column_is_refused(tmp_path):
    path = write(tmp_path / "dup.csv", ZH.replace("2024年8月", "2024年9月"))
    table, problems = read_portal(path)
    assert table is None and [str(p) for p in problems] == [
        f"{path}:3:2024年9月: column '2024年9月' gives period 2024-09 again (as column '2024年9月'): a merged or "
        "repeated header; export one column per period"]


def test_python_only_number_in_a_cell(tmp_path):
    path = write(tmp_path / "inf.csv", ZH.replace(",5.8,5.8", ",5.8,inf"))
    _, problems = read_portal(path)
    assert [str(p) for p in problems] == [
        f"{path}:4:2024年8月: cell 'inf' is not written as a plain number (digits 0-9 with an optional sign and "
        "decimal point; no _, exponent, inf or nan)"]


def test_unknown_rows_are_listed_by_name(tmp_path):
    from pipeline.sources.portal import unmapped_lines

    path = write(tmp_path / "extra.csv", ZH.replace("固定资产", "房地产开发投资累计增长(%),-10.1,-10.2\n固定资产"))
    table, problems = read_portal(path)
    assert problems == []
    assert unmapped_lines(path, table) == [
        f"{path}:6:-: skipped row '房地产开发投资累计增长(%)' (not in pipeline/sources/registries/portal_indicators.csv)"]


def test_missing_empty_and_utf16_exports(tmp_path):
    empty = write(tmp_path / "empty.csv", b"")
    utf16 = write(tmp_path / "u16.csv", ZH.encode("utf-16"))
    got = [str(p) for path in (tmp_path / "none.csv", empty, utf16) for p in read_portal(path)[1]]
    assert got == [f"{tmp_path / 'none.csv'}: no such file",
                   f"{empty}:1:-: file is empty: expected a portal export",
                   f"{utf16}:1:-: file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8"]


SIDECARS = {
    "empty": (b"", "1:-: sidecar is empty: name region, vintage and source (see data/raw/portal/README.md), or delete it"),
    "not_mapping": ("- hunan\n- first\n", "1:-: sidecar must be a mapping (region: ..., vintage: ..., source: ...), not a list"),
    "not_utf8": ("region: hunan\nsource: 湖南省统计局\n".encode("gbk"),
                 "2:-: not valid UTF-8 (byte 0xba); save the file as UTF-8"),
    "malformed": ("region: hunan\nsource: [unclosed\n", "3:-: malformed YAML: did not find expected ',' or ']'"),
    "alias_bomb": ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                   "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
                   "1:-: YAML anchors and aliases (&name, *name) are not accepted"),
    "alias_only": ("region: *r\n", "1:-: YAML anchors and aliases (&name, *name) are not accepted"),
    "too_large": ("source: " + "x" * 70000 + "\n",
                  "is 68 KB, more than the 64 KB a sidecar file may be (pipeline/common/safeio.py)"),
    "unknown_key": ("region: hunan\nregoin: hunan\n", "2:regoin: unknown key 'regoin'; a sidecar has region, vintage, source"),
    "unknown_region": ("vintage: first\nregion: 湖男\n",
                       "2:region: unknown region '湖男'; did you mean: 湖南省 (hunan), 湖北省 (hubei)"),
    "bad_vintage": ("vintage: final\n", "1:vintage: vintage 'final'; one of first, latest"),
    "not_text": ("region: [hunan]\n", "1:region: region must be text, not ['hunan']"),
}


@pytest.mark.parametrize("name", sorted(SIDECARS))
def test_sidecar_problems_name_the_sidecar(tmp_path, name):
    from pipeline.sources.portal import read_sidecar

    content, expected = SIDECARS[name]
    export = write(tmp_path / "export.csv", ZH)
    meta = write(tmp_path / "export.csv.meta.yaml", content)
    got, problems = read_sidecar(export)
    sep = ": " if name == "too_large" else ":"
    assert got == {} and [str(p) for p in problems] == [f"{meta}{sep}{expected}"]


def test_sidecar_takes_region_names(tmp_path):
    from pipeline.sources.portal import read_sidecar

    export = write(tmp_path / "export.csv", ZH)
    write(tmp_path / "export.csv.meta.yaml", "region: 湖南\nvintage: first\nsource: 湖南省统计局 2024年9月\n")
    assert read_sidecar(export) == ({"region": "hunan", "vintage": "first", "source": "湖南省统计局 2024年9月"}, [])


def test_import_portal_cli_reports_the_sidecar_and_exits_1(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    export = write(tmp_path / "export.csv", ZH)
    meta = write(tmp_path / "export.csv.meta.yaml", "vintage: final\n")
    r = subprocess.run([sys.executable, "-m", "pipeline", "import-portal", str(export)], cwd=ROOT,
                       capture_output=True, text=True)
    assert (r.returncode, r.stdout, r.stderr) == (1, "", f"{meta}:1:vintage: vintage 'final'; one of first, latest\n")


def test_unwritable_out_is_one_line_with_the_error_type(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    export = write(tmp_path / "export.csv", ZH)
    folder = tmp_path / "out.csv"
    folder.mkdir()
    r = subprocess.run([sys.executable, "-m", "pipeline", "import-portal", str(export), "--out", str(folder)],
                       cwd=ROOT, capture_output=True, text=True)
    assert (r.returncode, r.stderr) == (1, f"import-portal: {folder}: IsADirectoryError: Is a directory\n")
