"""Bad-input suite: each malformed raw file gives one exact PATH:ROW:COLUMN message, and the CLI exits 1."""
import subprocess
import sys

import pytest

from conftest import ROOT, write
from pipeline.validate import validate_paths

HEADER = "region,indicator,period,measure,value,unit,vintage,source,note\n"
OK = "china,industrial_va,2024-03,ytd_growth_pct,6.1,pct,first,NBS release 2024-04-16,\n"
T_HEADER = "region,year,indicator,target_pct,target_high_pct,qualifier,relative_to,source,text\n"

CASES = {
    "empty_file": (b"", "1:-: file is empty: expected a header line region,indicator,period,measure,value,unit,vintage,source,note"),
    "wrong_encoding": ((HEADER + OK).encode() + "china,gdp,2024-03,ytd_growth_pct,5.3,pct,first,国家统计局,\n".encode("gbk"),
                       "3:-: not valid UTF-8 (byte 0xb9); save the file as UTF-8 (a GBK portal export can be converted with `python -m pipeline import-portal`)"),
    "missing_column": (HEADER.replace(",note", "") + OK.rstrip(",\n") + "\n",
                       "1:note: missing column 'note'; the header must be region,indicator,period,measure,value,unit,vintage,source,note"),
    "unexpected_column": (HEADER.rstrip("\n") + ",extra\n" + OK.rstrip("\n") + ",x\n",
                          "1:extra: unexpected column 'extra'; the header must be region,indicator,period,measure,value,unit,vintage,source,note"),
    "unknown_region": (HEADER + OK.replace("china", "hunnan"),
                       "2:region: unknown region 'hunnan' (slugs are listed in pipeline/registries/regions.csv)"),
    "unknown_indicator": (HEADER + OK.replace("industrial_va", "iva"),
                          "2:indicator: unknown indicator 'iva' (slugs are listed in pipeline/registries/indicators.csv)"),
    "unknown_measure": (HEADER + OK.replace("ytd_growth_pct", "yoy"),
                        "2:measure: unknown measure 'yoy'; one of ytd_growth_pct, ytd_level, period_growth_pct, period_level"),
    "text_in_number": (HEADER + OK + OK.replace("2024-03", "2024-04").replace("6.1", "6.1%"),
                       "3:value: value '6.1%' is not a number"),
    "empty_value": (HEADER + OK.replace("6.1", ""),
                    "2:value: value is empty (leave the row out when the figure is missing)"),
    "month_13": (HEADER + OK.replace("2024-03", "2024-13"),
                 "2:period: period '2024-13': month 13 is not a month (01-12)"),
    "bad_period_format": (HEADER + OK.replace("2024-03", "2024年3月"),
                          "2:period: period '2024年3月' is not YYYY-MM (the last month of the span)"),
    "conflicting_duplicate": (HEADER + OK + OK.replace("6.1", "6.3"),
                              "3:value: conflicting duplicate: china/industrial_va/2024-03/ytd_growth_pct/first is 6.3 here but 6.1 at line 2"),
    "falling_ytd_level": (HEADER + "china,retail_sales,2024-03,ytd_level,120000,cny_100m,first,NBS,\n"
                          "china,retail_sales,2024-04,ytd_level,110000,cny_100m,first,NBS,\n",
                          "3:value: year-to-date level falls within 2024: china/retail_sales is 110000 in month 04 after 120000 in month 03 (line 2)"),
    "january_alone": (HEADER + OK.replace("2024-03", "2024-01"),
                      "2:period: industrial_va is not released for January alone since 2013: the first release covers January-February, give it as period 2024-02"),
    "quarterly_off_quarter": (HEADER + "china,gdp,2024-05,ytd_growth_pct,5.0,pct,first,NBS,\n",
                              "2:period: gdp is quarterly: period month must be 03, 06, 09 or 12, not 05"),
    "implausible_growth": (HEADER + OK.replace("6.1", "610"),
                           "2:value: growth 610% is outside the plausible range [-60, 150] (params.yaml ingest)"),
    "growth_unit": (HEADER + OK.replace(",pct,", ",percent,"),
                    "2:unit: unit 'percent' for a growth measure; growth is in 'pct'"),
    "unknown_vintage": (HEADER + OK.replace(",first,", ",final,"),
                        "2:vintage: vintage 'final'; one of first, latest"),
    "missing_source": (HEADER + OK.replace("NBS release 2024-04-16", ""),
                       "2:source: source is empty: every figure cites its publisher and release"),
    "short_row": (HEADER + "china,industrial_va,2024-03,ytd_growth_pct,6.1\n",
                  "2:-: row has 5 fields, the header has 9"),
    "header_only": (HEADER, "2:-: file has a header but no data rows"),
    "target_unknown_qualifier": (T_HEADER + "hunan,2024,gdp,6,,差不多,,湖南省政府工作报告,\n",
                                 "2:qualifier: unknown qualifier '差不多': use one of at_least, exact, about, strive, range, exceed, at_most, above, in_step, positive, unknown or a wording such as 以上, 左右, 区间, 力争, 实现正增长"),
    "target_range_without_high": (T_HEADER + "hunan,2024,gdp,5,,区间,,湖南省政府工作报告,\n",
                                  "2:target_high_pct: a range target needs target_high_pct (the upper end)"),
    "target_relative_without_slug": (T_HEADER + "hunan,2024,income,,,above,,湖南省政府工作报告,\n",
                                     "2:relative_to: qualifier 'above' needs relative_to, an indicator slug (e.g. gdp), not ''"),
    "target_missing_number": (T_HEADER + "hunan,2024,gdp,,,以上,,湖南省政府工作报告,\n",
                              "2:target_pct: target_pct is empty but qualifier 'at_least' needs a number"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_gives_exact_message(tmp_path, name):
    content, expected = CASES[name]
    path = write(tmp_path / f"{name}.csv", content)
    problems, _, _ = validate_paths([path])
    assert [str(p) for p in problems] == [f"{path}:{expected}"]


def test_good_file_is_clean(tmp_path):
    path = write(tmp_path / "ok.csv", HEADER + OK)
    problems, tables, _ = validate_paths([path])
    assert problems == [] and len(tables[0].rows) == 1


def test_duplicate_across_files_names_the_other_file(tmp_path):
    a = write(tmp_path / "a.csv", HEADER + OK)
    b = write(tmp_path / "b.csv", HEADER + OK.replace("6.1", "6.2"))
    problems, _, _ = validate_paths([a, b])
    assert [str(p) for p in problems] == [
        f"{b}:2:value: conflicting duplicate: china/industrial_va/2024-03/ytd_growth_pct/first is 6.2 here but 6.1 at {a}:2"]


def test_identical_duplicate_is_not_a_problem(tmp_path):
    a = write(tmp_path / "a.csv", HEADER + OK)
    b = write(tmp_path / "b.csv", HEADER + OK.replace("NBS release 2024-04-16", "another reprint"))
    assert validate_paths([a, b])[0] == []


def test_line_numbers_count_multiline_quoted_fields(tmp_path):
    text = HEADER + OK.replace(",\n", ',"a note\nover two lines"\n') + OK.replace("2024-03", "2024-04").replace("china", "mars")
    path = write(tmp_path / "multi.csv", text)
    problems, _, _ = validate_paths([path])
    assert [(p.row, p.column) for p in problems] == [(4, "region")]


def test_cli_exit_codes_and_lines(tmp_path):
    bad = write(tmp_path / "bad.csv", HEADER + OK.replace("2024-03", "2024-13"))
    good = write(tmp_path / "good.csv", HEADER + OK)
    run = lambda *p: subprocess.run([sys.executable, "-m", "pipeline", "validate", *map(str, p)], cwd=ROOT,
                                    capture_output=True, text=True)
    r_bad, r_good = run(bad), run(good)
    assert r_bad.returncode == 1
    assert r_bad.stdout.strip() == f"{bad}:2:period: period '2024-13': month 13 is not a month (01-12)"
    assert r_good.returncode == 0


def test_at_least_twelve_distinct_malformed_files():
    assert len({expected.split(":")[2] for _, expected in CASES.values()}) >= 12
