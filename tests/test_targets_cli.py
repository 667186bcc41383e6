"""``python -m pipeline targets``: the one-report CLI and the DVC stage (merge with curated targets)."""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from pipeline import __main__ as cli
from pipeline.sources import targets
from pipeline.sources.reports import TARGET_COLUMNS

REQUIRED = ["region", "year", "indicator", "label", "target_pct", "target_high_pct", "value", "unit", "qualifier",
            "relative_to", "section", "sentence", "start", "end"]

REPORT = (
    "2025年和记AG工作报告\n"
    "一、2024年工作回顾\n"
    "过去一年，预计全区地区生产总值增长6.1%左右，规模工业增加值增长8.2%。\n"
    "二、2025年工作安排\n"
    "主要预期目标是：地区生产总值增长6.5%左右，固定资产投资增长5%，居民收入增长与经济增长同步。\n"
    "(一)坚持产业强区。提升项目支撑力。新增高新技术企业500家以上，新建农村道路60公里。\n"
)
CURATED_COLUMNS = ["region", "year", "indicator", "target_pct", "target_high_pct", "qualifier", "wording",
                   "relative_to", "source", "text"]


def run_cli(argv: list[str], capsys) -> tuple[int, str]:
    code = cli.main(["targets", *argv])
    return code, capsys.readouterr().out


@pytest.fixture
def report(tmp_path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def test_cli_prints_targets_csv(report, capsys):
    code, out = run_cli([str(report), "--region", "xiangjiang"], capsys)  # the text names no region (issue 21 item 5)
    frame = pd.read_csv(io.StringIO(out), dtype={"region": str})
    assert code == 0 and set(REQUIRED) <= set(frame.columns) and list(frame.columns) == TARGET_COLUMNS
    assert frame["year"].unique().tolist() == [2025] and set(frame["region"]) == {"xiangjiang"}
    main = frame[frame["main"]]
    assert main["indicator"].fillna("").tolist() == ["gdp", "fai", "income"]
    assert main["target_pct"].tolist()[:2] == [6.5, 5.0]
    other = frame[~frame["main"]]
    assert other[["value", "unit", "qualifier"]].values.tolist() == [[500.0, "家", "at_least"], [60.0, "公里", "exact"]]
    assert set(other["section"]) == {"(一)坚持产业强区"}
    for r in frame.itertuples():
        assert REPORT[r.start:r.end] == r.sentence


def test_cli_region_year_options_out_file_and_outcomes(report, tmp_path, capsys):
    out_file = tmp_path / "t.csv"
    code, out = run_cli([str(report), "--region", "xiangjiang", "--year", "2025", "--out", str(out_file)], capsys)
    assert code == 0 and out == ""
    frame = pd.read_csv(out_file)
    assert set(frame["region"]) == {"xiangjiang"}
    code, out = run_cli([str(report), "--outcomes", "--region", "xiangjiang"], capsys)
    outcomes = pd.read_csv(io.StringIO(out))
    assert outcomes[["indicator", "year", "outcome_pct", "qualifier", "estimated"]].values.tolist() == [
        ["gdp", 2024, 6.1, "about", True], ["industrial_va", 2024, 8.2, "exact", True]]


def test_cli_outcomes_carry_the_indicator_to_the_growth_after_it(tmp_path, capsys):
    path = tmp_path / "2025年湖南省政府工作报告.txt"
    path.write_text("2025年湖南省政府工作报告\n一、2024年工作回顾\n过去一年，预计全省地区生产总值5.3万亿元、全年增长4.8%，"
                    "规模工业增加值增长7.2%。\n二、2025年工作安排\n主要预期目标是：地区生产总值增长5.5%左右。\n",
                    encoding="utf-8")
    code, out = run_cli([str(path), "--outcomes"], capsys)
    frame = pd.read_csv(io.StringIO(out))
    assert code == 0
    assert frame[["region", "year", "indicator", "measure", "value", "estimated"]].values.tolist() == [
        ["hunan", 2024, "gdp", "level", 5.3, True], ["hunan", 2024, "gdp", "growth", 4.8, True],
        ["hunan", 2024, "industrial_va", "growth", 7.2, True]]


def test_cli_rejects_missing_file_and_unknown_region(report, capsys):
    assert run_cli(["no/such/file.txt"], capsys)[0] == 2
    assert run_cli([str(report), "--region", "atlantis"], capsys)[0] == 2


# --------------------------------------------------------------------------- the stage

def curated(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=CURATED_COLUMNS)


@pytest.fixture
def stage_dirs(tmp_path) -> tuple[Path, Path, Path]:
    reports, out = tmp_path / "reports", tmp_path / "processed"
    reports.mkdir()
    (reports / "xiangjiang_2025.txt").write_text(REPORT, encoding="utf-8")
    (reports / "xiangjiang_2025.txt.meta.yaml").write_text("region: xiangjiang\n", encoding="utf-8")  # not in the text
    (reports / "README.md").write_text("主要预期目标是：地区生产总值增长9%。", encoding="utf-8")  # not a report
    curated_path = tmp_path / "targets.csv"
    curated([
        {"region": "xiangjiang", "year": 2025, "indicator": "gdp", "target_pct": 6.0, "qualifier": "about",
         "wording": "左右", "source": "hand", "text": "地区生产总值增长6%左右"},
        {"region": "xiangjiang", "year": 2025, "indicator": "fai", "target_pct": 5.0, "qualifier": "exact",
         "source": "hand", "text": "固定资产投资增长5%"},
        {"region": "xiangjiang", "year": 2025, "indicator": "retail_sales", "target_pct": 7.0, "qualifier": "exact",
         "source": "hand", "text": "社会消费品零售总额增长7%"},
        {"region": "changsha", "year": 2024, "indicator": "gdp", "target_pct": 6.0, "qualifier": "以上",
         "source": "hand", "text": "地区生产总值增长6%以上"},
    ]).to_csv(curated_path, index=False)
    return reports, curated_path, out


def test_stage_merges_curated_and_lists_disagreements(stage_dirs):
    reports, curated_path, out = stage_dirs
    assert targets.main(reports, curated_path, out) == 0
    reg = pd.read_csv(out / "target_registry.csv")
    review = pd.read_csv(out / "targets_review.csv")
    outcomes = pd.read_csv(out / "report_outcomes.csv")
    assert reg["main"].dtype == bool and set(reg["region"]) == {"xiangjiang", "changsha"}

    gdp = reg[(reg["region"] == "xiangjiang") & (reg["indicator"] == "gdp")].iloc[0]
    assert (gdp["target_pct"], gdp["origin"]) == (6.0, "curated+report")  # curated wins over 6.5
    assert reg.loc[(reg["region"] == "changsha"), ["qualifier", "origin"]].values.tolist() == [["at_least", "curated"]]
    assert not reg.loc[reg["region"] == "xiangjiang", "main"].all()  # other commitments kept, flagged False

    issues = review[["indicator", "issue", "field"]].fillna("").values.tolist()
    assert issues == [["gdp", "differs", "target_pct"], ["income", "missing_in_curated", ""],
                      ["retail_sales", "missing_in_report", ""]]
    assert review.loc[0, ["curated", "extracted"]].astype(float).tolist() == [6.0, 6.5]
    assert outcomes["region"].unique().tolist() == ["xiangjiang"] and outcomes["year"].unique().tolist() == [2024]


def test_stage_output_is_deterministic_and_sorted(stage_dirs, tmp_path):
    reports, curated_path, out = stage_dirs
    targets.main(reports, curated_path, out)
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    targets.main(reports, curated_path, tmp_path / "again")
    assert first == {p.name: p.read_bytes() for p in (tmp_path / "again").iterdir()}
    reg = pd.read_csv(out / "target_registry.csv")
    assert reg["region"].tolist() == sorted(reg["region"])


def test_stage_without_curated_file_keeps_report_targets(stage_dirs, tmp_path):
    reports, _, out = stage_dirs
    assert targets.main(reports, tmp_path / "missing.csv", out) == 0
    reg = pd.read_csv(out / "target_registry.csv")
    assert set(reg["origin"]) == {"report"} and reg["main"].sum() == 3
    assert pd.read_csv(out / "targets_review.csv").empty


def test_report_files_are_every_file_but_sidecars_readmes_and_hidden_ones(tmp_path):
    for name in ("b.docx", "2025年湖南省政府工作报告.txt", "a.txt", "a.txt.meta.yaml", "README.md", ".gitkeep", "c"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    assert [p.name for p in targets.report_files(tmp_path)] == ["2025年湖南省政府工作报告.txt", "a.txt", "b.docx", "c", "sub"]


def test_cli_reads_region_from_text_or_sidecar_and_names_bad_files(tmp_path, capsys):
    path = tmp_path / "2025年河南省人民政府工作报告.txt"
    path.write_bytes("2025年河南省政府工作报告\n主要预期目标是：地区生产总值增长5.5%左右。\n".encode("gb18030"))
    code, out = run_cli([str(path)], capsys)
    frame = pd.read_csv(io.StringIO(out))
    assert code == 0 and frame[["region", "year", "indicator", "target_pct"]].values.tolist() == [
        ["henan", 2025, "gdp", 5.5]]
    code, out = run_cli([str(path), "--region", "湖南省"], capsys)
    assert pd.read_csv(io.StringIO(out))["region"].tolist() == ["hunan"]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert cli.main(["targets", str(empty)]) == 2
    assert capsys.readouterr().err == f"{empty}: empty file\n"
    assert cli.main(["targets", str(path), "--region", "湖南x"]) == 2
    assert capsys.readouterr().err == ("--region: unknown region '湖南x' (a slug such as hunan or a name such as "
                                       "湖南省)\n")


# --------------------------------------------------------------------------- hostile inputs (issue #21, item 3)

IMPLAUSIBLE = (
    "2025年湖南省政府工作报告\n"
    "主要预期目标是：地区生产总值增长550%左右，固定资产投资增长6%，社会消费品零售总额增长-25%，城镇调查失业率5.5%左右，"
    "空气质量优良天数比率达到90%。\n"
)


def test_cli_refuses_a_report_naming_two_regions_unless_told_which(tmp_path, capsys):
    path = tmp_path / "report.txt"
    path.write_text("2025年湖南省政府工作报告\n现在，我代表湖北省人民政府，向大会报告工作。\n"
                    "主要预期目标是：地区生产总值增长5.5%左右。\n", encoding="utf-8")
    assert cli.main(["targets", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"{path}: the title «2025年湖南省政府工作报告» names 湖南省 (hunan) but the delegate line «我代表湖北省人民» "
        "names 湖北省 (hubei); add report.txt.meta.yaml with region: to say which\n")
    code, out = run_cli([str(path), "--region", "湖北"], capsys)
    assert code == 0 and pd.read_csv(io.StringIO(out))["region"].tolist() == ["hubei"]


def test_cli_leaves_out_an_implausible_target_and_says_so(tmp_path, capsys):
    path = tmp_path / "report.txt"
    path.write_text(IMPLAUSIBLE, encoding="utf-8")
    assert cli.main(["targets", str(path)]) == 0
    captured = capsys.readouterr()
    frame = pd.read_csv(io.StringIO(captured.out))
    assert frame[["indicator", "label", "target_pct"]].fillna("").values.tolist() == [
        ["fai", "固定资产投资", 6.0], ["", "城镇调查失业率", 5.5], ["", "空气质量优良天数比率", 90.0]]  # 90% is a share
    assert captured.err.splitlines() == [
        f"{path}: target 550% (gdp) is outside the plausible range [-20, 80] (params.yaml ingest "
        "target_pct_min/max); left out: 地区生产总值增长550%左右",
        f"{path}: target -25% (retail_sales) is outside the plausible range [-20, 80] (params.yaml ingest "
        "target_pct_min/max); left out: 社会消费品零售总额增长-25%"]


def test_stage_lists_an_implausible_target_for_review_not_in_the_registry(tmp_path):
    reports, out = tmp_path / "reports", tmp_path / "processed"
    reports.mkdir()
    (reports / "hunan.txt").write_text(IMPLAUSIBLE, encoding="utf-8")
    curated_path = tmp_path / "targets.csv"
    curated([{"region": "hunan", "year": 2025, "indicator": "gdp", "target_pct": 5.5, "qualifier": "about",
              "wording": "左右", "source": "hand", "text": "地区生产总值增长5.5%左右"},
             {"region": "hunan", "year": 2025, "indicator": "fai", "target_pct": 6.0, "qualifier": "exact",
              "source": "hand", "text": "固定资产投资增长6%"}]).to_csv(curated_path, index=False)
    assert targets.main(reports, curated_path, out) == 0
    reg = pd.read_csv(out / "target_registry.csv")
    main = reg[reg["main"] & reg["indicator"].notna()]
    assert main[["indicator", "target_pct", "origin"]].values.tolist() == [
        ["fai", 6.0, "curated+report"], ["gdp", 5.5, "curated"]]
    assert (reg["target_pct"].dropna().abs() < 100).all()
    review = pd.read_csv(out / "targets_review.csv")
    assert review[["indicator", "issue", "field", "extracted"]].values.tolist() == [
        ["gdp", "implausible", "target_pct", 550.0], ["retail_sales", "implausible", "target_pct", -25.0]]
