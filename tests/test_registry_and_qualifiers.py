import math

import pytest

from pipeline.sources import qualifiers, registry

PROVINCES = ("beijing tianjin hebei shanxi neimenggu liaoning jilin heilongjiang shanghai jiangsu zhejiang anhui "
             "fujian jiangxi shandong henan hubei hunan guangdong guangxi hainan chongqing sichuan guizhou yunnan "
             "xizang shaanxi gansu qinghai ningxia xinjiang").split()


def test_seed_regions_and_provinces_are_registered():
    regions = registry.regions()
    for slug in ["china", "hunan", "changsha", "xiangjiang", "yuelu", *PROVINCES]:
        assert slug in regions
    assert regions["shanxi"].name_zh == "山西省" and regions["shaanxi"].name_zh == "陕西省"
    assert registry.ancestors("xiangjiang") == ["changsha", "hunan", "china"]
    assert sum(r.level == "province" for r in regions.values()) == 31


def test_every_parent_is_a_registered_region():
    regions = registry.regions()
    assert all(r.parent is None or r.parent in regions for r in regions.values())


def test_indicator_registry_covers_the_contract():
    inds = registry.indicators()
    for slug in ["gdp", "industrial_va", "fai", "retail_sales", "fiscal_revenue", "income"]:
        assert inds[slug].name_zh and inds[slug].frequency in {"monthly", "quarterly"}
    assert inds["gdp"].frequency == "quarterly"
    assert inds["industrial_va"].jan_feb_combined_from == 2013


@pytest.mark.parametrize("name,slug", [("规模以上工业增加值", "industrial_va"), ("规模工业增加值", "industrial_va"),
                                       ("地区生产总值(不变价,累计)", "gdp"), ("社会消费品零售总额", "retail_sales"),
                                       ("地方一般公共预算收入", "fiscal_revenue"), ("全体居民人均可支配收入", "income"),
                                       ("耕地面积", None)])
def test_indicator_by_alias(name, slug):
    assert registry.indicator_by_alias(name) == slug


@pytest.mark.parametrize("name,slug", [("湖南省", "hunan"), ("湖南", "hunan"), ("长沙市", "changsha"),
                                       ("湘江新区", "xiangjiang"), ("陕西", "shaanxi"), ("新疆", "xinjiang"),
                                       ("火星", None)])
def test_region_by_name(name, slug):
    assert registry.region_by_name(name) == slug


def test_unknown_slug_error_lists_known_ones():
    with pytest.raises(KeyError, match="unknown region 'mars'"):
        registry.region("mars")


@pytest.mark.parametrize("wording,code", [("以上", "at_least"), ("不低于", "at_least"), ("左右", "about"),
                                          ("区间", "range"), ("力争", "strive"), ("实现正增长", "positive"),
                                          ("", "exact"), ("高于经济增速", "above"), ("at_most", "at_most")])
def test_normalize(wording, code):
    assert qualifiers.normalize(wording) == code


def test_normalize_rejects_unknown():
    with pytest.raises(ValueError, match="unknown qualifier"):
        qualifiers.normalize("差不多")


@pytest.mark.parametrize("outcome,target,code,strict,tolerant", [
    (7.0, 7.0, "at_least", True, True), (6.9, 7.0, "at_least", False, False),
    (5.6, 6.0, "about", False, True), (5.4, 6.0, "about", False, False),
    (6.0, 6.0, "exact", True, True), (5.2, 5.0, "range", True, True), (4.9, 5.0, "range", False, False),
    (3.0, 3.0, "exceed", False, True), (3.2, 3.0, "at_most", False, True), (2.9, 3.0, "at_most", True, True),
    (0.1, None, "positive", True, True), (0.0, None, "positive", False, False),
])
def test_met_rules(outcome, target, code, strict, tolerant):
    assert qualifiers.met(outcome, target, code, tolerance=0.5) is strict
    assert qualifiers.met(outcome, target, code, tolerance=0.5, tolerant=True) is tolerant


def test_relative_targets_compare_with_the_other_outcome():
    assert qualifiers.met(5.5, None, "above", relative_outcome=5.0) is True
    assert qualifiers.met(5.0, None, "above", relative_outcome=5.0) is False
    assert qualifiers.met(5.0, None, "in_step", relative_outcome=5.0) is True
    assert qualifiers.met(5.0, None, "above", relative_outcome=None) is None
    assert qualifiers.met(math.nan, 5.0, "at_least") is None


@pytest.mark.parametrize("text, slug", [
    ("湖南", "hunan"), ("湖南省", "hunan"), ("Hunan", "hunan"), ("长沙", "changsha"), ("长沙市", "changsha"),
    ("湘江新区", "xiangjiang"), ("湖南湘江新区", "xiangjiang"), ("岳麓区", "yuelu"), ("新疆", "xinjiang"),
    ("新疆维吾尔自治区", "xinjiang"), ("广西", "guangxi"), ("内蒙古", "neimenggu"), ("430100", "changsha"),
    ("全国", "china"), (" 北京 ", "beijing"),
])
def test_resolve_region_accepts_what_people_type(text, slug):
    assert registry.resolve_region(text) == slug


def test_unknown_region_suggests_closest_names_only():
    with pytest.raises(registry.UnknownName) as err:
        registry.resolve_region("湖男")
    assert str(err.value) == "unknown region '湖男'; did you mean: 湖南省 (hunan), 湖北省 (hubei)"


@pytest.mark.parametrize("text, slug", [("GDP", "gdp"), ("地区生产总值", "gdp"), ("社零", "retail_sales"),
                                        ("规上工业增加值", "industrial_va")])
def test_resolve_indicator(text, slug):
    assert registry.resolve_indicator(text) == slug


def test_unknown_indicator_suggests_slug():
    with pytest.raises(registry.UnknownName, match=r"unknown indicator 'gdpp'; did you mean: 地区生产总值 \(gdp\)"):
        registry.resolve_indicator("gdpp")


# --- issue 11 section 3: every province in its short and full form; the track-record CLI --------------------------

@pytest.mark.parametrize("text, slug", [
    ("北京", "beijing"), ("北京市", "beijing"), ("内蒙", "neimenggu"), ("内蒙古自治区", "neimenggu"),
    ("Inner Mongolia", "neimenggu"), ("广西壮族自治区", "guangxi"), ("宁夏", "ningxia"), ("宁夏回族自治区", "ningxia"),
    ("西藏", "xizang"), ("西藏自治区", "xizang"), ("Tibet", "xizang"), ("新疆", "xinjiang"), ("陕西", "shaanxi"),
    ("山西", "shanxi"), ("黑龙江", "heilongjiang"), ("重庆", "chongqing"), ("岳麓", "yuelu"), ("中国", "china"),
    ("hunan province", "hunan"), ("湖南省 ", "hunan"),
])
def test_resolve_region_short_and_full_forms(text, slug):
    assert registry.resolve_region(text) == slug


def _registry_rows():
    import csv

    from pipeline.common.paths import REGISTRIES

    with open(REGISTRIES / "regions.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("row", _registry_rows(), ids=lambda r: r["slug"])
def test_every_registered_region_resolves_by_full_and_short_name(row):
    full = row["name_zh"]
    short = full
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if full.endswith(suffix):
            short = full[: -len(suffix)]
            break
    assert [registry.resolve_region(n) for n in (full, short, row["slug"], row["name_en"])] == [row["slug"]] * 4


def test_hong_kong_is_not_guessed():
    with pytest.raises(registry.UnknownName, match=r"^unknown region '香港'$"):
        registry.resolve_region("香港")


def track_record_cli(*args):
    import subprocess
    import sys

    from conftest import ROOT

    return subprocess.run([sys.executable, "-m", "pipeline", "track-record", *args], cwd=ROOT, capture_output=True,
                          text=True)


@pytest.mark.integration
def test_track_record_takes_chinese_names_and_indicator_names():
    import io

    import pandas as pd

    r = track_record_cli("--region", "湖南", "--indicator", "GDP")
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(io.StringIO(r.stdout))
    assert set(df.region) == {"hunan"} and set(df.indicator) == {"gdp"}
    row = df.set_index("year").loc[2017]
    assert (row.target_pct, row.outcome_pct) == (8.0, 8.0)


@pytest.mark.integration
def test_track_record_mistakes_are_one_line():
    r = track_record_cli("--region", "湖男")
    assert (r.returncode, r.stdout, r.stderr) == (
        2, "", "track-record: --region: unknown region '湖男'; did you mean: 湖南省 (hunan), 湖北省 (hubei)\n")
    r = track_record_cli("--region", "hunan", "--indicator", "gdpp")
    assert (r.returncode, r.stderr) == (2, "track-record: --indicator: unknown indicator 'gdpp'; did you mean: "
                                           "地区生产总值 (gdp)\n")
    r = track_record_cli("--region", "青海", "--indicator", "固定资产投资")  # 西藏 has a 2026 FAI target
    assert (r.returncode, r.stdout, r.stderr) == (
        1, "", "track-record: no target of qinghai/fai in the data (targets are in data/raw/targets.csv, "
               "data/raw/targets/ and the reports in data/raw/reports/)\n")


def test_explore_helpers_take_names_as_people_type_them():
    from pipeline.presentation import explore

    by_name = explore.ytd_paths("湖南", "地区生产总值")
    assert by_name.equals(explore.ytd_paths("hunan", "gdp")) and by_name.loc[12, 2017] == 8.0
    with pytest.raises(registry.UnknownName, match=r"^unknown region '湖男'; did you mean: 湖南省 \(hunan\)"):
        explore.ytd_paths("湖男", "gdp")


@pytest.mark.integration
def test_backtest_series_take_names_and_an_unknown_one_is_one_line():
    import subprocess
    import sys

    from conftest import ROOT

    r = subprocess.run([sys.executable, "-m", "pipeline", "backtest", "--series", "GPD", "--years", "2019"],
                       cwd=ROOT, capture_output=True, text=True)
    assert (r.returncode, r.stdout, r.stderr) == (
        2, "", "backtest: --series: unknown indicator 'GPD'; did you mean: 地区生产总值 (gdp)\n")


def test_a_verdict_reads_about_tolerantly_and_everything_else_strictly():
    from pipeline.sources import qualifiers

    assert qualifiers.verdict_probability("about", 0.17, 0.86) == 0.86
    for code in ("at_least", "exact", "range", "strive", "exceed", "above", "in_step", "positive"):
        assert qualifiers.verdict_probability(code, 0.17, 0.86) == 0.17
