"""Contract tests on the embedded raw data: it validates, cites its sources, and keeps vintages apart."""
import hashlib

import pandas as pd
import pytest

from conftest import SHARED
from pipeline.sources import ingest
from pipeline.common.paths import RAW, RAW_INDICATORS, RAW_REPORTS, RAW_TARGETS
from pipeline.sources.schema import RAW_INDICATOR_COLUMNS
from pipeline.sources.validate import load_limits, validate_paths

RAW_FILES = sorted(RAW_INDICATORS.glob("*.csv"))


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False).assign(file=p.name) for p in RAW_FILES]
    return pd.concat(frames, ignore_index=True)


def test_embedded_raw_files_are_clean():
    problems, tables, targets = validate_paths([*RAW_FILES, RAW_TARGETS], load_limits())
    assert problems == []
    assert len(tables) == len(RAW_FILES) >= 4 and len(targets) == 1


def test_every_raw_file_has_exactly_the_schema_columns(raw):
    for path in RAW_FILES:
        assert pd.read_csv(path, nrows=0).columns.tolist() == RAW_INDICATOR_COLUMNS


def test_every_row_cites_a_publisher(raw):
    assert (raw.source.str.len() > 10).all()
    national = raw[raw.region == "china"]
    assert national.source.str.contains("NBS|Ministry of Finance").all()


def test_national_monthly_coverage(raw):
    ytd = raw[(raw.region == "china") & (raw.measure == "ytd_growth_pct") & (raw.indicator != "gdp")]
    years = ytd.assign(year=ytd.period.str[:4].astype(int)).groupby("indicator").year.agg(["min", "max"])
    assert years.loc["fai", "min"] == 1994 and years.loc["industrial_va", "min"] == 1998
    assert years.loc["fiscal_revenue", "min"] == 2008 and (years["max"] == 2026).all()
    assert ((ytd.indicator == "industrial_va") & (ytd.period == "2023-12")).sum() == 1
    # 2024-2026: figures read only from secondary copies of the release say so at the start of the note
    provisional = raw[(raw.region == "china") & raw.note.str.startswith("provisional")]
    assert len(provisional) == 11 and (provisional.period >= "2026-03").all()


def test_gdp_keeps_both_vintages_apart(raw):
    gdp = raw[(raw.region == "china") & (raw.indicator == "gdp")]
    by = gdp.groupby(["vintage", "measure"]).size()
    assert by[("first", "ytd_growth_pct")] == by[("first", "period_growth_pct")] == 128 + 10  # 1992Q1-2026Q2
    assert by[("latest", "ytd_growth_pct")] == 9
    first_2023 = gdp[(gdp.period == "2023-12") & (gdp.measure == "ytd_growth_pct")].set_index("vintage").value
    assert first_2023["first"] == "5.2" and first_2023["latest"] == "5.4"


def test_local_figures_are_embedded_with_scope_marked(raw):
    xj = raw[raw.region == "xiangjiang"]
    sep = xj[xj.period == "2024-09"]
    assert set(sep.indicator) == {"gdp", "industrial_va", "fai", "retail_sales", "fiscal_revenue"}
    assert sep.note.str.startswith("scope: 直属区").all()
    assert set(raw.region) >= {"china", "hunan", "changsha", "xiangjiang", "yuelu"}


def test_seed_targets_are_the_six_main_targets():
    targets = pd.read_csv(RAW_TARGETS, dtype=str, keep_default_na=False)
    seed = targets[(targets.region == "xiangjiang") & (targets.year == "2024")].set_index("indicator")
    assert seed.loc["gdp", ["target_pct", "qualifier"]].tolist() == ["7", "at_least"]
    assert seed.loc["fiscal_revenue", "target_pct"] == "6.5"
    assert seed.loc["income", ["qualifier", "relative_to"]].tolist() == ["above", "gdp"]
    assert len(seed) == 6
    assert {"hunan", "changsha", "yuelu"} <= set(targets.region)


@pytest.mark.skipif(not (SHARED / "reports").is_dir(), reason="../shared not beside the checkout")
def test_seed_report_is_byte_identical():
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()
    assert digest(RAW_REPORTS / "xiangjiang_2024.txt") == digest(SHARED / "reports" / "xiangjiang_2024.txt")


def test_committed_report_texts_are_the_listed_ones():
    """Issue 11 commits the provincial 2025 and national 2014-2025 reports (provenance in data/raw/README.md)."""
    expected = {"xiangjiang_2024.txt", "2025年北京市政府工作报告.txt", "2025年河南省人民政府工作报告.txt",
                "广东省2025年政府工作报告（南方日报）.txt", "sichuan_2025.txt", "yunnan_2025.txt", "zhejiang_2025.txt",
                "2024年国务院政府工作报告.txt", "政府工作报告（2025年3月5日）.txt",
                *(f"china_{y}.txt" for y in range(2014, 2024))}
    assert {p.name for p in RAW_REPORTS.glob("*.txt")} == expected


def test_build_observations_types_and_jan_feb_span():
    tables, targets = ingest.load_raw(RAW_FILES, [], [RAW_TARGETS], load_limits())
    obs = ingest.build_observations(tables)
    assert obs.duplicated(["region", "indicator", "period", "measure", "vintage"]).sum() == 0
    assert obs.value.dtype == "float64" and obs.year.dtype == "int64"
    iva = obs[(obs.region == "china") & (obs.indicator == "industrial_va")]
    ytd = iva.measure == "ytd_growth_pct"
    assert (iva[ytd].months_covered == iva[ytd].month).all()
    assert (iva[~ytd].months_covered <= 2).all()  # single months (January-February together since 2013)
    gdp_q = obs[(obs.indicator == "gdp") & (obs.measure == "period_growth_pct")]
    assert (gdp_q.months_covered == 3).all()
    assert ingest.months_covered("industrial_va", "period_growth_pct", 2024, 2) == 2
    assert ingest.months_covered("industrial_va", "period_growth_pct", 2005, 2) == 1
    tgt = ingest.build_targets(targets)
    assert tgt.loc[(tgt.region == "hunan") & (tgt.indicator == "gdp"), "wording"].item() == "左右"


def test_ingest_never_writes_to_raw(tmp_path, monkeypatch):
    before = {p: p.stat().st_mtime_ns for p in RAW.rglob("*") if p.is_file()}
    monkeypatch.setattr(ingest, "OBSERVATIONS", tmp_path / "obs.csv")
    monkeypatch.setattr(ingest, "TARGETS", tmp_path / "targets.csv")
    monkeypatch.setattr(ingest, "SUMMARY", tmp_path / "summary.json")
    assert ingest.main() == 0
    assert {p: p.stat().st_mtime_ns for p in RAW.rglob("*") if p.is_file()} == before
    assert (tmp_path / "obs.csv").stat().st_size > 0


def test_ingest_refuses_bad_raw_data_and_writes_nothing(tmp_path, monkeypatch, capsys):
    bad_dir = tmp_path / "indicators"
    bad_dir.mkdir()
    (bad_dir / "bad.csv").write_text(",".join(RAW_INDICATOR_COLUMNS) + "\nchina,gdp,2024-13,ytd_growth_pct,5,pct,first,NBS,\n",
                                     encoding="utf-8")
    monkeypatch.setattr(ingest, "RAW_INDICATORS", bad_dir)
    monkeypatch.setattr(ingest, "OBSERVATIONS", tmp_path / "obs.csv")
    assert ingest.main() == 1
    assert not (tmp_path / "obs.csv").exists()
    assert "bad.csv:2:period: period '2024-13': month 13 is not a month" in capsys.readouterr().err


def test_yearbook_extracts_are_embedded_with_their_row_counts(raw):
    from pipeline.common.paths import RAW_TARGETS_DIR

    prov = raw[raw.file == "province_annual_2000_2024.csv"]
    growth = prov[prov.measure == "ytd_growth_pct"]
    assert len(growth[growth.vintage == "latest"]) == 31 * 20 and len(growth[growth.vintage == "first"]) == 27
    assert growth.period.str.endswith("-12").all()
    hunan_2014 = growth[(growth.region == "hunan") & (growth.period == "2014-12")]
    assert hunan_2014.value.tolist() == ["9.5"]
    city = raw[raw.file == "city_gdp_growth_2003_2014.csv"]
    assert len(city) == 3497 and city.region.nunique() == 333 and "changsha" in set(city.region)
    prov_targets = pd.read_csv(RAW_TARGETS_DIR / "province_gdp_targets_1998_2017.csv", dtype=str)
    assert len(prov_targets) == 540 and prov_targets.region.nunique() == 27
    assert prov_targets.set_index(["region", "year"]).loc[("hunan", "2014"), "target_pct"] == "10.0"
    assert set(prov_targets.qualifier) == {"at_least", "unknown"}
    city_targets = pd.read_csv(RAW_TARGETS_DIR / "city_gdp_targets_2003_2014.csv", dtype=str)
    assert len(city_targets) == 2575


def test_issue10_annual_panel_files(raw):
    """Row counts of the re-keyed provincial panel and the Guangdong/Changsha records; secondary rows say so."""
    from pipeline.common.paths import RAW_TARGETS_DIR

    counts = raw.groupby("file").size()
    assert counts["province_gdp_growth_2020_2023_news.csv"] == 102  # 16 + 27 + 28 + 31 province-years
    assert counts["guangdong_outcomes_2020_2023.csv"] == 15  # 17 stated outcomes - 1 正增长 - 2022 GDP (differs)
    assert counts["local_hunan_changsha_yuelu_2013_2024_points.csv"] == 41
    news = raw[raw.file == "province_gdp_growth_2020_2023_news.csv"]
    assert news.source.str.contains("SECONDARY").all() and news.note.str.startswith("vintage: ").all()
    assert (news.vintage == "first").all()
    gd22 = news[(news.region == "guangdong") & (news.period == "2022-12")]
    assert gd22.value.tolist() == ["1.9"] and "stated 2 (左右)" in gd22.note.iloc[0]
    targets = {p.name: pd.read_csv(p, dtype=str, keep_default_na=False) for p in RAW_TARGETS_DIR.glob("*.csv")}
    t = targets["province_gdp_targets_2018_2024_news.csv"]
    assert len(t) == 151  # 156 listed - 湖南 2024 (targets.csv) - 广东 2021-2024 (keyed from the reports)
    # the source file holds 14/18/16/31/15/31/31 rows (../shared/README.md says 19 for 2019; the file has 18)
    assert t.groupby("year").size().to_dict() == {"2018": 14, "2019": 18, "2020": 16, "2021": 30, "2022": 14,
                                                   "2023": 30, "2024": 29}
    assert t.source.str.contains("SECONDARY").all()
    assert len(targets["guangdong_targets_2021_2024.csv"]) == 24
    assert len(targets["local_hunan_changsha_yuelu_targets_2021_2024.csv"]) == 9
