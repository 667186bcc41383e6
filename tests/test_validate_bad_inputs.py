"""Bad-input suite: each malformed raw file gives one exact PATH:ROW:COLUMN message, and the CLI exits 1."""
import subprocess
import sys

import pytest

from conftest import ROOT, write
from pipeline.sources.validate import validate_paths

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
                       "2:region: unknown region 'hunnan' (slugs are listed in pipeline/sources/registries/regions.csv)"),
    "unknown_indicator": (HEADER + OK.replace("industrial_va", "iva"),
                          "2:indicator: unknown indicator 'iva' (slugs are listed in pipeline/sources/registries/indicators.csv)"),
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
    # issue 11 section 4: CSV mistakes
    "unclosed_quote": (HEADER + OK.replace(",\n", ',"a note\n') + OK.replace("2024-03", "2024-04")
                       + OK.replace("2024-03", "2024-05"),
                       '2:-: a quote (") opens a field on this row and is never closed, so every following row would be read into it'),
    "underscore_number": (HEADER + OK.replace("6.1", "6_1"),
                          "2:value: value '6_1' is not written as a plain number (digits 0-9 with an optional sign and decimal point; no _, exponent, inf or nan)"),
    "exponent_number": (HEADER + OK.replace("6.1", "1e308"),
                        "2:value: value '1e308' is not written as a plain number (digits 0-9 with an optional sign and decimal point; no _, exponent, inf or nan)"),
    "inf_value": (HEADER + OK.replace("6.1", "inf"),
                  "2:value: value 'inf' is not written as a plain number (digits 0-9 with an optional sign and decimal point; no _, exponent, inf or nan)"),
    "nan_value": (HEADER + OK.replace("6.1", "nan"),
                  "2:value: value 'nan' is not written as a plain number (digits 0-9 with an optional sign and decimal point; no _, exponent, inf or nan)"),
    "fullwidth_digit_value": (HEADER + OK.replace("6.1", "６.1"),
                              "2:value: value '６.1' is not written as a plain number (digits 0-9 with an optional sign and decimal point; no _, exponent, inf or nan)"),
    "fullwidth_period": (HEADER + OK.replace("2024-03", "２０２４-03"),
                         "2:period: period '２０２４-03' has non-ASCII (e.g. full-width) digits; write YYYY-MM with 0-9"),
    "arabic_indic_period": (HEADER + OK.replace("2024-03", "٢٠٢٤-٠٣"),
                            "2:period: period '٢٠٢٤-٠٣' has non-ASCII (e.g. full-width) digits; write YYYY-MM with 0-9"),
    "period_before_1949": (HEADER + OK.replace("2024-03", "1948-12"),
                           "2:period: period '1948-12' is before 1949"),
    "period_far_future": (HEADER + OK.replace("2024-03", "2999-03"),
                          "2:period: period '2999-03' is more than a year after today"),
    "implausible_level": (HEADER + "china,retail_sales,2024-03,ytd_level,120000000,cny_100m,first,NBS,\n",
                          "2:value: level 120000000 cny_100m is above the plausible maximum 10000000 (params.yaml ingest level_max_cny_100m)"),
    "implausible_target": (T_HEADER + "hunan,2024,gdp,85,,以上,,湖南省政府工作报告,\n",
                           "2:target_pct: target 85% is outside the plausible range [-20, 80] (params.yaml ingest target_pct_min/max)"),
    "implausible_target_high": (T_HEADER + "hunan,2024,gdp,5,95,区间,,湖南省政府工作报告,\n",
                                "2:target_high_pct: target 95% is outside the plausible range [-20, 80] (params.yaml ingest target_pct_min/max)"),
    "target_high_below_low": (T_HEADER + "hunan,2024,gdp,6,5,区间,,湖南省政府工作报告,\n",
                              "2:target_high_pct: upper end 5 is not above the lower end 6"),
    "target_python_number": (T_HEADER + "hunan,2024,gdp,6_5,,以上,,湖南省政府工作报告,\n",
                             "2:target_pct: target_pct '6_5' is not written as a plain number (digits 0-9 with an optional sign and decimal point; no _, exponent, inf or nan)"),
    # issue 11 section 4: files that are not UTF-8 CSV text
    "binary_file": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                    "3:-: binary file (a NUL byte at offset 8), not CSV text"),
    "utf16_with_bom": ((HEADER + OK).encode("utf-16"),
                       "1:-: file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8"),
    "utf16_without_bom": ((HEADER + OK).encode("utf-16-le"),
                          "1:-: file looks like UTF-16 without a byte-order mark (every other byte is 0); save it as UTF-8"),
    "truncated_utf8": ((HEADER + "china,industrial_va,2024-03,ytd_growth_pct,6.1,pct,first,国家统计局").encode()[:-1],
                       "2:-: file ends in the middle of a UTF-8 character: it was cut off (copy or download it again)"),
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


def test_missing_file_directory_and_dangling_link(tmp_path):
    missing = tmp_path / "missing.csv"
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "gone.csv")
    problems, _, _ = validate_paths([missing, folder, link])
    assert [str(p) for p in problems] == [
        f"{missing}: no such file",
        f"{folder}: is a directory, not a file",
        f"{link}: dangling symbolic link (its target '{tmp_path / 'gone.csv'}' does not exist)"]


def test_directory_named_like_a_csv_among_raw_indicators(tmp_path):
    from pipeline.sources import ingest
    from pipeline.sources.validate import DEFAULT_LIMITS, RawDataError

    good = write(tmp_path / "a.csv", HEADER + OK)
    folder = tmp_path / "b.csv"
    folder.mkdir()
    with pytest.raises(RawDataError) as err:
        ingest.load_raw([good, folder], [], [], DEFAULT_LIMITS)
    assert [str(p) for p in err.value.problems] == [f"{folder}: is a directory, not a file"]


def test_cli_missing_file_is_one_line_and_exit_1(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pipeline", "validate", str(tmp_path / "nope.csv")], cwd=ROOT,
                       capture_output=True, text=True)
    assert (r.returncode, r.stdout, r.stderr) == (1, f"{tmp_path / 'nope.csv'}: no such file\n", "")


def test_duplicate_across_files_names_the_other_file(tmp_path):
    a = write(tmp_path / "a.csv", HEADER + OK)
    b = write(tmp_path / "b.csv", HEADER + OK.replace("6.1", "6.2"))
    problems, _, _ = validate_paths([a, b])
    assert [str(p) for p in problems] == [
        f"{b}:2:value: conflicting duplicate: china/industrial_va/2024-03/ytd_growth_pct/first is 6.2 here but 6.1 at {a}:2"]


def test_ingest_refuses_two_raw_files_giving_one_key_two_values(tmp_path):
    from pipeline.sources import ingest
    from pipeline.sources.validate import DEFAULT_LIMITS, RawDataError

    a = write(tmp_path / "a.csv", HEADER + OK)
    b = write(tmp_path / "b.csv", HEADER + OK.replace("2024-03", "2024-04") + OK.replace("6.1", "6.2"))
    with pytest.raises(RawDataError) as err:
        ingest.load_raw([a, b], [], [], DEFAULT_LIMITS)
    assert [str(p) for p in err.value.problems] == [
        f"{b}:3:value: conflicting duplicate: china/industrial_va/2024-03/ytd_growth_pct/first is 6.2 here but 6.1 at {a}:2"]


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


def test_a_level_printed_to_fewer_digits_is_the_same_figure_but_growth_must_match():
    """A release's 40454亿元 states the table's 40453.9 rounded; 40455 does not; growth 6 and 6.1 differ."""
    from pipeline.sources.validate import same_figure

    assert same_figure("40454", "40453.9", "period_level")
    assert same_figure("309834", "309833.6", "ytd_level")
    assert not same_figure("40455", "40453.9", "period_level")
    assert not same_figure("40453.8", "40453.9", "period_level")
    assert not same_figure("6", "6.1", "ytd_growth_pct")
    assert same_figure("6", "6.0", "ytd_growth_pct")
