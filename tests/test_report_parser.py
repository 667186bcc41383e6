"""The target parser: the seed benchmark, the six development reports' main targets, and one test per rule."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.common import paths
from pipeline.sources.reports import (
    chinese_number, decode, find_quantities, indicator_for, normalize, parse_report, read_report, score,
)

FIXTURES = Path(__file__).parent / "fixtures"
SEED = paths.RAW_REPORTS / "xiangjiang_2024.txt"
SHARED_REPORTS = paths.ROOT.parent / "shared" / "data" / "reports"


def targets(text: str, **kw) -> list[dict]:
    return parse_report(text, **kw).targets


def key(row: dict) -> tuple:
    """What a main target says, in one comparable tuple."""
    number = row["target_pct"] if row["unit"] == "%" else row["value"]
    return (row["indicator"] or row["label"], number, row["unit"], row["qualifier"], row["relative_to"])


# --------------------------------------------------------------------------- the seed, hand-labelled

@pytest.fixture(scope="module")
def seed_text() -> str:
    return read_report(SEED)


@pytest.fixture(scope="module")
def seed_rows(seed_text) -> list[dict]:
    return targets(seed_text)


def test_seed_precision_and_recall(seed_text, seed_rows):
    with open(FIXTURES / "xiangjiang_2024_expected.csv", encoding="utf-8", newline="") as fh:
        expected = list(csv.DictReader(fh))
    assert sum(e["main"] == "True" for e in expected) == 6 and len(expected) >= 66
    s = score(seed_text, seed_rows, expected)
    print(f"\nseed xiangjiang_2024: precision {s.precision:.3f} recall {s.recall:.3f} "
          f"({s.matched} matched, {s.extracted} extracted, {s.expected} expected)")
    assert s.precision >= 0.95, s.spurious
    assert s.recall >= 0.95, s.missed
    assert len(s.field_errors) <= 0.05 * s.matched, s.field_errors


def test_seed_main_targets_are_exactly_the_six(seed_rows):
    main = [key(r) for r in seed_rows if r["main"]]
    assert main == [
        ("gdp", 7.0, "%", "at_least", None),
        ("fiscal_revenue", 6.5, "%", "exact", None),
        ("industrial_va", 8.0, "%", "exact", None),
        ("fai", 6.0, "%", "exact", None),
        ("retail_sales", 7.0, "%", "exact", None),
        ("income", None, "", "above", "gdp"),
    ]


def test_seed_year_from_noisy_text_and_preamble_facts_ignored(seed_text, seed_rows):
    parsed = parse_report(seed_text)
    assert parsed.year == 2024 and parsed.region is None
    assert not any("高质量指标" in r["label"] or "改革成果" in r["label"] for r in seed_rows)
    assert parse_report(seed_text, region="xiangjiang", year=2024).targets[0]["region"] == "xiangjiang"


def test_every_row_cites_its_sentence_by_offsets(seed_text, seed_rows):
    for r in seed_rows:
        assert seed_text[r["start"]:r["end"]] == r["sentence"]
        assert seed_text[r["span_start"]:r["span_end"]] == r["quote"]
        assert r["start"] <= r["span_start"] < r["span_end"] <= r["end"]


# --------------------------------------------------------------------------- six provincial 2025 reports

# The main-target paragraphs only, quoted from the 2025 work reports (full texts stay in ../shared).
PROVINCES = {
    "beijing": (
        "今年经济社会发展主要预期目标是：地区生产总值增长5%左右、努力争取更好结果，一般公共预算收入增长4%左右，"
        "城镇调查失业率控制在5%以内，居民消费价格涨幅2%左右，居民收入增长与经济增长同步，生态环境质量、能源、"
        "水资源等指标达到国家要求。",
        [("gdp", 5.0, "%", "about", None), ("fiscal_revenue", 4.0, "%", "about", None),
         ("城镇调查失业率", 5.0, "%", "at_most", None), ("居民消费价格涨幅", 2.0, "%", "about", None),
         ("income", None, "", "in_step", "gdp")],
    ),
    "guangdong": (
        "根据省委十三届六次全会暨省委经济工作会议部署，今年经济社会发展的主要预期目标是：地区生产总值增长5%左右；"
        "固定资产投资提质提效，社会消费品零售总额增长5%左右，进出口总额稳量提质；规模以上工业增加值增长6%左右；"
        "地方一般公共预算收入增长3%；居民人均可支配收入增长与经济增长同步，居民消费价格涨幅2%左右；"
        "城镇调查失业率5.5%左右，城镇新增就业110万人以上；粮食产量1285万吨；空气质量优良天数比率和地表水水质"
        "优良率均完成国家下达任务。",
        [("gdp", 5.0, "%", "about", None), ("retail_sales", 5.0, "%", "about", None),
         ("industrial_va", 6.0, "%", "about", None), ("fiscal_revenue", 3.0, "%", "exact", None),
         ("income", None, "", "in_step", "gdp"), ("居民消费价格涨幅", 2.0, "%", "about", None),
         ("城镇调查失业率", 5.5, "%", "about", None), ("城镇新增就业", 110.0, "万人", "at_least", None),
         ("粮食产量", 1285.0, "万吨", "exact", None)],
    ),
    "henan": (
        "主要预期目标是:经济增长5.5%左右，规上工业增加值增长7%左右，固定资产投资增长7%左右，社会消费品零售总额"
        "增长6%左右，进出口稳中提质，一般公共预算收入增长4%左右，城镇调查失业率5.5%左右，城镇新增就业110万人以上，"
        "居民消费价格涨幅2%左右，居民收入增长与经济增长同步，粮食产量1300亿斤以上，单位生产总值能耗完成“十四五”"
        "考核目标。",
        [("gdp", 5.5, "%", "about", None), ("industrial_va", 7.0, "%", "about", None),
         ("fai", 7.0, "%", "about", None), ("retail_sales", 6.0, "%", "about", None),
         ("fiscal_revenue", 4.0, "%", "about", None), ("城镇调查失业率", 5.5, "%", "about", None),
         ("城镇新增就业", 110.0, "万人", "at_least", None), ("居民消费价格涨幅", 2.0, "%", "about", None),
         ("income", None, "", "in_step", "gdp"), ("粮食产量", 1300.0, "亿斤", "at_least", None)],
    ),
    "sichuan": (
        "今年发展主要预期目标是：地区生产总值增长5.5%以上；城镇新增就业85万人，城镇调查失业率5.5%左右；居民消费"
        "价格涨幅2%左右；地方一般公共预算收入增长2%，居民收入增长和经济增长基本同步；粮食产量725亿斤以上；完成国家"
        "下达的节能减排和环境保护等任务。",
        [("gdp", 5.5, "%", "at_least", None), ("城镇新增就业", 85.0, "万人", "exact", None),
         ("城镇调查失业率", 5.5, "%", "about", None), ("居民消费价格涨幅", 2.0, "%", "about", None),
         ("fiscal_revenue", 2.0, "%", "exact", None), ("income", None, "", "in_step", "gdp"),
         ("粮食产量", 725.0, "亿斤", "at_least", None)],
    ),
    "yunnan": (
        "经济社会发展的主要预期目标建议为：地区生产总值增长5%左右，产业投资增长7%左右，地方一般公共预算收入增长2%，"
        "城镇调查失业率5.5%以内，城镇新增就业50万人以上，居民人均可支配收入增长快于经济增长，粮食总产量稳定在1955万吨"
        "以上，单位地区生产总值能耗降低完成国家下达目标。确保完成“3815”战略发展目标“三年上台阶”的任务。",
        [("gdp", 5.0, "%", "about", None), ("产业投资", 7.0, "%", "about", None),
         ("fiscal_revenue", 2.0, "%", "exact", None), ("城镇调查失业率", 5.5, "%", "at_most", None),
         ("城镇新增就业", 50.0, "万人", "at_least", None), ("income", None, "", "above", "gdp"),
         ("粮食总产量", 1955.0, "万吨", "at_least", None)],
    ),
    "zhejiang": (
        "主要预期目标为：生产总值增长5.5%左右，城镇调查失业率控制在5%以内，居民消费价格涨幅2%左右，居民可支配收入与"
        "经济增长基本同步。",
        [("gdp", 5.5, "%", "about", None), ("城镇调查失业率", 5.0, "%", "at_most", None),
         ("居民消费价格涨幅", 2.0, "%", "about", None), ("income", None, "", "in_step", "gdp")],
    ),
}


@pytest.mark.parametrize("province", sorted(PROVINCES))
def test_province_main_targets(province):
    paragraph, expected = PROVINCES[province]
    rows = targets(paragraph)
    assert [key(r) for r in rows if r["main"]] == expected
    assert all(r["main"] for r in rows)


@pytest.mark.skipif(not SHARED_REPORTS.is_dir(), reason="development reports not beside the checkout")
@pytest.mark.parametrize("province", sorted(PROVINCES))
def test_province_main_targets_in_full_report(province):
    """Same targets when the paragraph sits in the whole report (review part and glossary around it)."""
    parsed = parse_report(read_report(SHARED_REPORTS / f"{province}_2025.txt"))
    assert [key(r) for r in parsed.targets if r["main"]] == PROVINCES[province][1]
    assert (parsed.region, parsed.year) == (province, 2025)
    gdp = [o for o in parsed.outcomes if o["indicator"] == "gdp" and o["unit"] == "%"]
    assert all(o["year"] == 2024 for o in gdp)


# --------------------------------------------------------------------------- one rule at a time

def one(text: str) -> dict:
    rows = targets(text)
    assert len(rows) == 1, [r["quote"] for r in rows]
    return rows[0]


def test_full_width_digits_and_percent_keep_offsets():
    text = "主要预期目标是：地区生产总值增长７．５％以上，城镇新增就业１．２万人。"
    rows = targets(text)
    assert [key(r) for r in rows] == [("gdp", 7.5, "%", "at_least", None), ("城镇新增就业", 1.2, "万人", "exact", None)]
    assert text[rows[0]["span_start"]:rows[0]["span_end"]] == "地区生产总值增长７．５％以上"
    assert len(normalize(text)) == len(text)


@pytest.mark.parametrize("written", ["5%-5.5%", "5-5.5%", "5—5.5%", "5%—5.5%", "5%～5.5%", "5%至5.5%", "５－５．５％"])
def test_percent_ranges(written):
    r = one(f"主要预期目标是：地区生产总值增长{written}。")
    assert (r["target_pct"], r["target_high_pct"], r["qualifier"]) == (5.0, 5.5, "range")


def test_stretch_target_and_strive_reach():
    rows = targets("主要预期目标是：地区生产总值增长6.5%左右、力争7%，规模以上工业增加值增长7%。")
    assert [key(r) for r in rows] == [("gdp", 6.5, "%", "about", None), ("gdp", 7.0, "%", "strive", None),
                                      ("industrial_va", 7.0, "%", "exact", None)]
    assert rows[1]["measure"] == "growth"


def test_compound_units():
    r = one("细颗粒物(PM2.5)年均浓度控制在30微克/立方米以内。")
    assert (r["value"], r["unit"], r["qualifier"]) == (30.0, "微克/立方米", "at_most")
    assert one("新增改造污水处理能力30万吨/日。")["unit"] == "万吨/日"


def test_percentage_points_are_a_change_not_a_percent():
    r = one("力争工业投资占比提高5个百分点。")
    assert (r["value"], r["unit"], r["target_pct"], r["measure"], r["qualifier"]) == (5.0, "pp", None, "growth", "strive")
    r = one("社会物流总费用与生产总值的比率再下降0.3个百分点。")
    assert (r["value"], r["unit"], r["measure"]) == (0.3, "pp", "decline")


def test_chinese_numerals_in_counts():
    assert [chinese_number(s) for s in ("十二", "二十", "一百零五", "两千", "二〇二四")] == [12, 20, 105, 2000, 2024]
    rows = targets("新建中小学校十二所、幼儿园五所以上。")
    assert [(r["label"], r["value"], r["unit"], r["qualifier"]) for r in rows] == [
        ("新建中小学校", 12.0, "所", "exact"), ("新建幼儿园", 5.0, "所", "at_least")]


def test_chinese_numerals_naming_things_are_not_counts():
    assert targets("我们要重点抓好八个方面工作。建立产业发展、基础设施、民生保障三个项目库。") == []
    assert targets("按照省委十一届六次、七次全会要求，开展十亿项目引培行动，新建一批高端人才公寓。") == []


def test_threshold_inside_phrase_is_not_a_target():
    rows = targets("力争全年引进10亿元以上投资项目20个、50亿元以上投资项目4个。")
    assert [(r["value"], r["unit"], r["qualifier"]) for r in rows] == [(20.0, "个", "strive"), (4.0, "个", "strive")]
    assert rows[0]["label"] == "引进10亿元以上投资项目" and rows[1]["label"] == "引进50亿元以上投资项目"
    r = one("村集体经济年收入百万元以上行政村增至36个。")
    assert (r["value"], r["unit"]) == (36.0, "个")


def test_count_before_noun_needs_an_action_verb():
    assert one("完成1.6万户城乡居民供水设施建设。")["value"] == 1.6
    assert one("打通黄桥大道南延线、青山路等20条断头路。")["value"] == 20
    assert targets("放大200亿元产业引导基金效应，拥有8个万亿元级产业集群。") == []


def test_quoted_names_ordinals_and_years_are_not_targets():
    text = "对接“三类500强”企业，实现第二批审批事项改革，每10万人配置设备，2025年是收官之年，梳理12345热线工单。"
    assert targets(text) == []


@pytest.mark.parametrize("phrase, code, wording", [
    ("有效发明专利拥有量突破3.3万件", "exceed", "突破"),
    ("年度计划投资超2000亿元", "exceed", "超"),
    ("城镇调查失业率控制在5.5%以内", "at_most", "以内"),
    ("技术合同成交额不低于200亿元", "at_least", "不低于"),
    ("力争空气质量优良率达到88%", "strive", "力争"),
    ("力争空气质量优良率88%以上", "at_least", "以上"),
    ("居民消费价格涨幅3%左右", "about", "左右"),
    ("新增城镇就业2.4万人", "exact", ""),
])
def test_qualifiers(phrase, code, wording):
    r = one(phrase + "。")
    assert (r["qualifier"], r["wording"]) == (code, wording)


@pytest.mark.parametrize("clause, code", [
    ("居民收入增长高于经济增速", "above"), ("居民人均可支配收入增长快于经济增长", "above"),
    ("居民收入增长与经济增长同步", "in_step"), ("居民可支配收入与经济增长基本同步", "in_step"),
])
def test_targets_relative_to_growth(clause, code):
    r = targets(f"主要预期目标是：地区生产总值增长6%，{clause}。")[1]
    assert (r["indicator"], r["qualifier"], r["relative_to"], r["target_pct"], r["measure"]) == (
        "income", code, "gdp", None, "relative")


def test_positive_growth_target():
    r = targets("主要预期目标是：地区生产总值增长6%，进出口总额实现正增长。")[1]
    assert (r["indicator"], r["qualifier"]) == ("trade", "positive")


def test_indicator_aliases_match_whole_names_only():
    assert indicator_for("地区生产总值") == "gdp" and indicator_for("全省地区生产总值") == "gdp"
    assert indicator_for("海洋生产总值") is None and indicator_for("人均地区生产总值") is None
    assert indicator_for("农村居民人均可支配收入") is None
    assert indicator_for("规上工业增加值") == "industrial_va"


def test_growth_decline_and_level_percentages():
    rows = targets("实现利用外资总额增长10%，审批时限再压缩20%，空气质量优良率88%以上。")
    assert [(r["measure"], r["target_pct"]) for r in rows] == [("growth", 10.0), ("decline", 20.0), ("level", 88.0)]


def test_enumeration_shares_the_verb_and_respectively_splits_subjects():
    rows = targets("新增人行天桥5座以上、停车泊位2.6万个、充电桩400个。")
    assert [r["label"] for r in rows] == ["新增人行天桥", "新增停车泊位", "新增充电桩"]
    rows = targets("服务贸易、数字贸易、跨境电商出口分别增长6%、8%、20%。")
    assert [(r["label"], r["target_pct"], r["measure"]) for r in rows] == [
        ("服务贸易", 6.0, "growth"), ("数字贸易", 8.0, "growth"), ("跨境电商出口", 20.0, "growth")]


def test_baseline_of_a_raise_is_not_a_target():
    rows = targets("孤儿基本生活保障最低标准从每人每月2295元提高到2375元。")
    assert [r["value"] for r in rows] == [2375.0]


def test_target_split_across_sentences():
    r = one("加快培育高新技术企业。全年新增500家以上。")
    assert "高新技术企业" in r["label"] and r["qualifier"] == "at_least"
    assert r["sentence"] == "加快培育高新技术企业。全年新增500家以上。"
    rows = targets("主要预期目标是：\n1.地区生产总值增长6%左右；\n2.城镇新增就业5万人以上。\n3.居民收入与经济增长同步。\n")
    assert [key(r) for r in rows] == [("gdp", 6.0, "%", "about", None), ("城镇新增就业", 5.0, "万人", "at_least", None),
                                      ("income", None, "", "in_step", "gdp")]
    assert all(r["main"] for r in rows)


def test_sections_and_subsections():
    text = ("二、2025年工作安排\n主要预期目标是：地区生产总值增长6%。\n（一）坚持产业强区，健全产业体系。总述。\n"
            "提升重大项目支撑力。实施科技攻关项目100个。\n")
    rows = targets(text)
    assert [(r["section"], r["subsection"]) for r in rows] == [
        ("主要预期目标", ""), ("（一）坚持产业强区，健全产业体系", "提升重大项目支撑力")]


def test_review_outcomes_and_glossary():
    text = ("一、2024年工作回顾\n过去一年，预计全省地区生产总值增长6%左右，规模以上工业增加值增长7.1%，"
            "全年生产总值6.36万亿元、增长5.1%。\n二、2025年工作安排\n主要预期目标是：地区生产总值增长5.5%左右。\n"
            "名词解释\n1.“两重”：新增100个项目。\n")
    parsed = parse_report(text, year=2025)
    assert [key(r) for r in parsed.targets] == [("gdp", 5.5, "%", "about", None)]
    outcomes = [(o["indicator"], o["value"], o["unit"], o["qualifier"], o["estimated"], o["year"]) for o in parsed.outcomes]
    assert outcomes == [
        ("gdp", 6.0, "%", "about", True, 2024), ("industrial_va", 7.1, "%", "exact", True, 2024),
        ("gdp", 6.36, "万亿元", "exact", True, 2024), ("gdp", 5.1, "%", "exact", True, 2024),
    ]
    assert parsed.outcomes[0]["outcome_pct"] == 6.0 and parsed.outcomes[0]["report_year"] == 2025


def test_region_and_year_from_title():
    parsed = parse_report("2025年河南省政府工作报告\n主要预期目标是：经济增长5.5%左右。")
    assert (parsed.region, parsed.year) == ("henan", 2025)
    assert parse_report("地区生产总值增长5%。").year is None


def test_decoding_utf8_bom_and_gb18030():
    text = "主要预期目标是：地区生产总值增长6%。"
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode(text.encode("gb18030")) == text


def test_words_that_contain_a_unit_are_not_quantities():
    assert find_quantities(normalize("开展十亿项目引培行动，5G基站，2024年")) == []


# --------------------------------------------------------------------------- the committed reports, any name

@pytest.fixture(scope="module")
def committed():
    from pipeline.sources import targets as stage
    return stage.parse_reports(paths.RAW_REPORTS)


# China's GDP targets as the reports state them (2020 set none); read by hand from the texts.
CHINA_GDP = {2014: (7.5, None, "about"), 2015: (7.0, None, "about"), 2016: (6.5, 7.0, "range"),
             2017: (6.5, None, "about"), 2018: (6.5, None, "about"), 2019: (6.0, 6.5, "range"),
             2021: (6.0, None, "at_least"), 2022: (5.5, None, "about"), 2023: (5.0, None, "about"),
             2024: (5.0, None, "about"), 2025: (5.0, None, "about")}


def test_national_reports_give_china_gdp_targets(committed):
    reg, _ = committed
    gdp = reg[(reg["region"] == "china") & reg["main"] & (reg["indicator"] == "gdp")]
    got = {int(r.year): (r.target_pct, None if r.target_high_pct != r.target_high_pct else r.target_high_pct,
                         r.qualifier) for r in gdp.itertuples()}
    assert got == CHINA_GDP
    assert sorted(set(reg.loc[reg["region"] == "china", "year"].astype(int))) == list(range(2014, 2026))


def test_national_review_outcomes_continue_the_named_indicator(committed):
    _, outcomes = committed
    gdp = outcomes[(outcomes["region"] == "china") & (outcomes["indicator"] == "gdp") & (outcomes["measure"] == "growth")]
    assert dict(zip(gdp["year"].astype(int), gdp["outcome_pct"])) == {
        2013: 7.7, 2014: 7.4, 2015: 6.9, 2016: 6.7, 2017: 6.9, 2018: 6.6, 2019: 6.1, 2021: 8.1, 2022: 3.0, 2023: 5.2}


def test_committed_provincial_reports_state_the_first_released_2024_gdp(committed):
    """The 2024 GDP growth each 2025 report states first (what the forecasts read) is the first release."""
    _, outcomes = committed
    with open(paths.RAW_INDICATORS / "province_annual_2000_2024.csv", encoding="utf-8", newline="") as fh:
        first = {r["region"]: float(r["value"]) for r in csv.DictReader(fh) if (r["indicator"], r["period"],
                 r["measure"], r["vintage"]) == ("gdp", "2024-12", "ytd_growth_pct", "first")}
    gdp = outcomes[(outcomes["indicator"] == "gdp") & (outcomes["measure"] == "growth") & (outcomes["year"] == 2024)
                   & (outcomes["region"] != "china")]
    stated = gdp.groupby("region", sort=True)["outcome_pct"].first().to_dict()
    assert stated == {"beijing": 5.2, "henan": 5.1, "sichuan": 5.7, "yunnan": 3.3, "zhejiang": 5.5}  # guangdong: none
    assert stated == {region: first[region] for region in stated}


def test_committed_reports_are_byte_identical_to_the_reference_copies():
    if not SHARED_REPORTS.is_dir():
        pytest.skip("reference reports not available")
    shared = {p.read_bytes() for p in [*SHARED_REPORTS.glob("*.txt"), *SHARED_REPORTS.glob("national/*.txt")]}
    ours = [p for p in paths.RAW_REPORTS.iterdir() if not p.name.endswith(".meta.yaml")]
    assert len(ours) == 19 and all(p.read_bytes() in shared for p in ours)
