"""The forecast CLI contract, qualifier semantics end to end, borrowing, and no look-ahead."""
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, write
from pipeline.sources import data
from pipeline.model import forecast, growth

HEADER = "region,indicator,period,measure,value,unit,vintage,source,note\n"
CONTRACT = ["region", "indicator", "year", "as_of", "method", "latest_ytd_pct", "mean_pct", "q05_pct", "q10_pct",
            "q25_pct", "q50_pct", "q75_pct", "q90_pct", "q95_pct", "target_pct", "qualifier", "p_met",
            "p_met_tolerant", "required_rest_pct", "borrowed_from"]


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pipeline", "forecast", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def cfg():
    c = forecast.Config.load()
    c.n_draws = 800
    return c


@pytest.fixture(scope="module")
def obs():
    return data.load_observations()


def national_file(tmp_path, year=2027, months=(2, 3, 4, 5, 6), values=(6.0, 6.1, 6.2, 6.3, 6.4)):
    """A made-up national release for a year without embedded national monthly data, added by --indicators."""
    rows = [f"china,industrial_va,{year}-{m:02d},ytd_growth_pct,{v},pct,first,test fixture,\n"
            for m, v in zip(months, values)]
    embedded = pd.read_csv(ROOT / "data/raw/indicators/china_monthly_ytd_growth.csv", dtype=str, keep_default_na=False)
    iva = embedded[embedded.indicator == "industrial_va"]
    text = HEADER + iva.to_csv(index=False, header=False, lineterminator="\n") + "".join(rows)
    return write(tmp_path / "iva.csv", text)


@pytest.mark.integration
def test_cli_columns_and_one_row_per_indicator(tmp_path):
    out = tmp_path / "f.csv"
    r = cli("--as-of", "2024-09", "--region", "xiangjiang", "--out", out)
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out)
    assert all(c in df.columns for c in CONTRACT)
    assert not df.duplicated(["region", "indicator", "year", "method"]).any()
    gdp = df.set_index("indicator").loc["gdp"]
    assert (gdp.latest_ytd_pct, gdp.target_pct, gdp.qualifier) == (5.2, 7.0, "at_least")
    assert gdp.borrowed_from == "china"
    assert 0 <= gdp.p_met <= 1 and gdp.q05_pct <= gdp.q50_pct <= gdp.q95_pct
    assert "income" in set(df.indicator)


@pytest.mark.integration
def test_method_all_gives_a_row_per_method(tmp_path):
    out = tmp_path / "f.csv"
    assert cli("--as-of", "2024-09", "--region", "xiangjiang", "--method", "all", "--out", out).returncode == 0
    df = pd.read_csv(out)
    assert set(df[df.indicator == "industrial_va"].method) == {"carry_forward", "empirical_drift", "recent_drift", "state_space", "default"}
    assert set(df[df.indicator == "gdp"].method) >= {"carry_forward", "bridge", "default"}


def test_indicators_add_a_year_and_rows_exist_without_targets(tmp_path):
    path = national_file(tmp_path)
    out = tmp_path / "f.csv"
    r = cli("--as-of", "2027-06", "--region", "china", "--indicators", path, "--method", "carry_forward", "--out", out)
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out)
    row = df.set_index("indicator").loc["industrial_va"]
    assert row.latest_ytd_pct == 6.4 and np.isnan(row.target_pct) and row.q50_pct == pytest.approx(6.4, abs=0.3)


@pytest.mark.integration
def test_no_look_ahead(tmp_path):
    before = national_file(tmp_path, months=(2, 3, 4, 5, 6, 7, 8), values=(6.0, 6.1, 6.2, 6.3, 6.4, 1.0, 1.0))
    other = national_file(tmp_path / "b", months=(2, 3, 4, 5, 6, 7, 8), values=(6.0, 6.1, 6.2, 6.3, 6.4, 9.0, 9.5))
    outs = []
    for i, path in enumerate([before, other]):
        out = tmp_path / f"f{i}.csv"
        assert cli("--as-of", "2027-06", "--region", "china", "--indicators", path, "--out", out).returncode == 0
        outs.append(pd.read_csv(out))
    pd.testing.assert_frame_equal(outs[0], outs[1])


@pytest.mark.integration
def test_targets_file_takes_the_wording(tmp_path):
    path = national_file(tmp_path)
    targets = write(tmp_path / "t.csv", "region,year,indicator,target_pct,target_high_pct,qualifier,relative_to,source,text\n"
                    "china,2027,industrial_va,6,,左右,,test,\n")
    out = tmp_path / "f.csv"
    r = cli("--as-of", "2027-06", "--region", "china", "--indicators", path, "--targets", targets, "--out", out)
    assert r.returncode == 0, r.stderr
    row = pd.read_csv(out).set_index("indicator").loc["industrial_va"]
    assert row.qualifier == "about" and row.p_met_tolerant >= row.p_met


@pytest.mark.integration
def test_bad_input_file_is_reported_with_path_row_column(tmp_path):
    bad = write(tmp_path / "bad.csv", HEADER + "china,industrial_va,2025-13,ytd_growth_pct,6,pct,first,x,\n")
    r = cli("--as-of", "2025-06", "--indicators", bad)
    assert r.returncode == 1 and f"{bad}:2:period:" in r.stderr


@pytest.mark.integration
def test_bad_as_of_and_unknown_region():
    assert cli("--as-of", "2024-13").returncode == 2
    r = cli("--as-of", "2024-09", "--region", "atlantis")
    assert r.returncode == 2 and "unknown region 'atlantis'" in r.stderr


def test_relative_target_uses_gdp_draws(obs, cfg):
    targets = pd.DataFrame([
        dict(region="china", year=2023, indicator="gdp", target_pct=5.0, target_high_pct=np.nan, qualifier="about",
             wording="左右", relative_to="", source="t", text=""),
        dict(region="china", year=2023, indicator="industrial_va", target_pct=np.nan, target_high_pct=np.nan,
             qualifier="above", wording="高于", relative_to="gdp", source="t", text="")])
    cut = data.cut_as_of(obs, 2023, 9)
    df = forecast.forecast_region(cut, targets, "china", 2023, 9, cfg, ["empirical_drift"]).set_index("indicator")
    gdp, iva = df.loc["gdp"], df.loc["industrial_va"]
    assert gdp.p_met_tolerant >= gdp.p_met
    assert iva.qualifier == "above" and 0 <= iva.p_met <= 1
    assert iva.required_rest_pct == pytest.approx(
        growth.required_growth_pct(iva.latest_ytd_pct, gdp.q50_pct, iva.share_through_pct / 100), abs=0.05)


def test_region_without_figures_falls_back_to_the_annual_model(obs, cfg):
    targets = data.load_targets()
    cut = data.cut_as_of(obs, 2024, 9)
    df = forecast.forecast_region(cut, targets, "changsha", 2024, 9, cfg, ["default"]).set_index("indicator")
    gdp = df.loc["gdp"]
    assert gdp.borrowed_from == "annual:prefecture" and 0 < gdp.p_met < 1 and np.isnan(gdp.latest_ytd_pct)


@pytest.mark.integration
def test_reruns_are_identical(obs, cfg):
    targets = data.load_targets()
    cut = data.cut_as_of(obs, 2024, 9)
    a = forecast.forecast_region(cut, targets, "xiangjiang", 2024, 9, cfg, ["default"])
    b = forecast.forecast_region(cut, targets, "xiangjiang", 2024, 9, cfg, ["default"])
    pd.testing.assert_frame_equal(a, b)


def test_main_targets_found_by_the_parser_are_used(tmp_path):
    cols = ["region", "year", "indicator", "label", "target_pct", "target_high_pct", "value", "value_high", "unit",
            "qualifier", "relative_to", "section", "sentence", "start", "end", "main", "measure", "wording",
            "subsection", "span_start", "span_end", "quote", "origin", "source"]
    rows = [dict(region="hunan", year=2025, indicator="gdp", target_pct=5.5, qualifier="about", wording="左右",
                 main=True, origin="report", quote="地区生产总值增长5.5%左右", source="report text"),
            dict(region="hunan", year=2025, indicator="", target_pct=np.nan, qualifier="at_least", main=False,
                 origin="report", quote="新增城镇就业70万人"),
            dict(region="hunan", year=2024, indicator="gdp", target_pct=6.0, qualifier="about", main=True,
                 origin="curated", quote="")]
    path = tmp_path / "registry.csv"
    pd.DataFrame(rows).reindex(columns=cols).to_csv(path, index=False)
    got = data.registry_main_targets(path)
    assert got[["region", "year", "indicator", "target_pct", "qualifier"]].values.tolist() == [
        ["hunan", 2025, "gdp", 5.5, "about"]]


@pytest.mark.integration
def test_any_registered_region_gets_an_answer_without_monthly_data(tmp_path):
    out = tmp_path / "f.csv"
    r = cli("--as-of", "2015-06", "--region", "guangdong", "--out", out)
    assert r.returncode == 0, r.stderr
    row = pd.read_csv(out).set_index("indicator").loc["gdp"]
    assert row.borrowed_from == "annual:province" and 0 < row.p_met < 1 and row.target_pct == 7.5


def test_add_keeps_what_the_file_does_not_give(obs):
    new = obs[(obs.region == "china") & (obs.indicator == "industrial_va") & (obs.period == "2023-09")
              & (obs.measure == "ytd_growth_pct")].copy()
    base = obs.drop(new.index)
    merged = data.add_observations(base, new)
    pd.testing.assert_frame_equal(merged, obs.reset_index(drop=True))


def test_add_same_value_is_silent_and_different_value_is_a_conflict(obs):
    from pipeline.sources.validate import RawDataError

    row = obs[(obs.region == "china") & (obs.indicator == "industrial_va") & (obs.period == "2023-09")
              & (obs.vintage == "first") & (obs.measure == "ytd_growth_pct")].assign(raw_file="new.csv", raw_row=2)
    assert len(data.add_observations(obs, row)) == len(obs)
    with pytest.raises(RawDataError) as err:
        data.add_observations(obs, row.assign(value=9.9))
    assert [str(p) for p in err.value.problems] == [
        "new.csv:2:value: china/industrial_va/2023-09/ytd_growth_pct/first is 9.9 in this file but 4 in the embedded "
        "data (data/raw/indicators/china_monthly_ytd_growth.csv:795); pass --prefer-file to use the file's value"]
    preferred = data.add_observations(obs, row.assign(value=9.9), prefer_file=True)
    hit = preferred[(preferred.region == "china") & (preferred.indicator == "industrial_va")
                    & (preferred.period == "2023-09") & (preferred.vintage == "first")
                    & (preferred.measure == "ytd_growth_pct")]
    assert len(preferred) == len(obs) and hit.value.tolist() == [9.9] and hit.raw_file.tolist() == ["new.csv"]


@pytest.fixture(scope="module")
def clone_without_september(tmp_path_factory):
    """A copy of the project whose national monthly file lacks 2023-09, and that month alone as a release file.

    No data/processed in the copy: the forecast runs as before `make repro`.
    """
    import shutil

    root = tmp_path_factory.mktemp("clone")
    shutil.copytree(ROOT / "pipeline", root / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    shutil.copy(ROOT / "params.yaml", root / "params.yaml")
    path = root / "data/raw/indicators/china_monthly_ytd_growth.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    september = [ln for ln in lines if ln.startswith("china,") and ",2023-09," in ln]
    assert len(september) == 4  # fai, fiscal_revenue, industrial_va and retail_sales
    path.write_text("".join(ln for ln in lines if ln not in september), encoding="utf-8")
    release = write(root / "release_2023_09.csv", HEADER + "".join(september))
    return root, release


@pytest.mark.integration
def test_one_month_release_changes_the_forecast_without_losing_history(tmp_path, clone_without_september):
    root, release = clone_without_september
    outs = {}
    for name, extra in [("without", []), ("with", ["--indicators", release])]:
        out = tmp_path / f"{name}.csv"
        r = cli("--as-of", "2023-09", "--region", "china", "--method", "empirical_drift", *extra, "--out", out, cwd=root)
        assert r.returncode == 0, r.stderr
        outs[name] = pd.read_csv(out).set_index("indicator")
    full = tmp_path / "full.csv"
    assert cli("--as-of", "2023-09", "--region", "china", "--method", "empirical_drift", "--out", full).returncode == 0
    full = pd.read_csv(full).set_index("indicator")
    without, with_file = outs["without"].loc["industrial_va"], outs["with"].loc["industrial_va"]
    assert (without.latest_period, with_file.latest_period, with_file.latest_ytd_pct) == ("2023-08", "2023-09", 4.0)
    assert with_file.mean_pct != without.mean_pct
    assert with_file.history_years == full.loc["industrial_va"].history_years >= 10  # history kept
    # the clone has no data/processed, so targets parsed from reports (China's income target) are absent there:
    # compare the indicators both have
    pd.testing.assert_frame_equal(outs["with"], full.loc[outs["with"].index], check_dtype=False)


@pytest.mark.integration
def test_conflicting_release_exits_1_with_both_values_unless_prefer_file(tmp_path):
    path = write(tmp_path / "new.csv", HEADER + "china,industrial_va,2023-09,ytd_growth_pct,4.5,pct,first,test,\n")
    r = cli("--as-of", "2023-09", "--region", "china", "--indicators", path)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == (f"{path}:2:value: china/industrial_va/2023-09/ytd_growth_pct/first is 4.5 in this file but 4 "
                        "in the embedded data (data/raw/indicators/china_monthly_ytd_growth.csv:795); pass "
                        "--prefer-file to use the file's value\n")
    out = tmp_path / "f.csv"
    r = cli("--as-of", "2023-09", "--region", "china", "--indicators", path, "--prefer-file", "--out", out)
    assert r.returncode == 0, r.stderr
    assert pd.read_csv(out).set_index("indicator").loc["industrial_va"].latest_ytd_pct == 4.5


def test_targets_file_adds_and_overrides_by_key(tmp_path):
    path = write(tmp_path / "t.csv", "region,year,indicator,target_pct,target_high_pct,qualifier,relative_to,source,text\n"
                 "china,2023,gdp,9,,以上,,test,\n")
    base, added = data.load_targets(), data.load_targets(path)
    assert len(added) == len(base) + (0 if ((base.region == "china") & (base.year == 2023) & (base.indicator == "gdp")).any() else 1)
    hit = added[(added.region == "china") & (added.year == 2023) & (added.indicator == "gdp")]
    assert hit[["target_pct", "qualifier"]].values.tolist() == [[9.0, "at_least"]]
    key = ["region", "year", "indicator"]
    others = lambda t: (t[~((t.region == "china") & (t.year == 2023) & (t.indicator == "gdp"))]
                        .sort_values(key, kind="stable").reset_index(drop=True))
    pd.testing.assert_frame_equal(others(added), others(base))


@pytest.mark.integration
def test_targets_command_output_is_accepted(tmp_path):
    report = ROOT / "data/raw/reports/xiangjiang_2024.txt"
    extracted = tmp_path / "extracted.csv"
    r = subprocess.run([sys.executable, "-m", "pipeline", "targets", str(report), "--region", "xiangjiang",
                        "--year", "2025", "--out", str(extracted)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "f.csv"
    r = cli("--as-of", "2025-03", "--region", "xiangjiang", "--targets", extracted, "--out", out)
    assert r.returncode == 0, r.stderr
    gdp = pd.read_csv(out).set_index("indicator").loc["gdp"]
    assert (gdp.year, gdp.target_pct, gdp.qualifier) == (2025, 7.0, "at_least")  # 地区生产总值增长7%以上


def test_no_data_for_the_region_and_month_is_a_sentence_and_exit_1():
    r = cli("--as-of", "2026-03", "--region", "青海")  # no 2026 report in the data (shared/README: 青海 missing)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr == ("forecast: no data for qinghai (青海省) as of 2026-03: no year-to-date growth figure for "
                        "2026-01..2026-03 of any of gdp, industrial_va, fai, retail_sales, fiscal_revenue, income, "
                        "trade and no target for 2026 (latest figures up to the as-of month: gdp 2025-12, income "
                        "2025-12, income_rural 2025-12, income_urban 2025-12, industrial_va 2025-12, retail_sales "
                        "2025-12); add them "
                        "with --indicators/--targets, or run `make repro` after adding them to data/raw/\n")


@pytest.mark.integration
def test_region_and_method_mistakes_are_one_line():
    r = cli("--as-of", "2024-09", "--region", "湖男")
    assert (r.returncode, r.stderr) == (2, "forecast: --region: unknown region '湖男'; did you mean: 湖南省 (hunan), "
                                           "湖北省 (hubei)\n")
    r = cli("--as-of", "2024-9", "--region", "hunan")
    assert (r.returncode, r.stderr) == (2, "forecast: --as-of: as-of '2024-9' is not YYYY-MM\n")
    r = cli("--as-of", "2024-09", "--indicators", "/nonexistent/new.csv")
    assert (r.returncode, r.stderr) == (1, "/nonexistent/new.csv: no such file\n")


@pytest.mark.integration
def test_chinese_region_names_are_accepted(tmp_path):
    out = tmp_path / "f.csv"
    r = cli("--as-of", "2024-09", "--region", "湘江新区", "--out", out)
    assert r.returncode == 0, r.stderr
    assert set(pd.read_csv(out).region) == {"xiangjiang"}


def test_an_about_target_is_judged_on_the_tolerant_reading_with_the_strict_one_kept():
    """China 2024, GDP 5%左右, as of September (4.8% through Q3): strict P small, tolerant large; status tolerant."""
    obs, targets = data.load_observations(as_of=(2024, 9)), data.load_targets()
    cfg = forecast.Config.load()
    r = forecast.forecast_region(obs, targets, "china", 2024, 9, cfg, ["default"]).set_index("indicator").loc["gdp"]
    assert r.qualifier == "about"
    assert r.p_met == r.p_met_tolerant and r.p_met_strict < r.p_met
    assert r.status == forecast.status_of(r.p_met_tolerant, cfg)


def test_a_briefing_entry_with_a_region_name_is_refused_naming_its_slug(tmp_path):
    """DVC names the output folder after the entry as written: 湖南 would write reports/湖南/ beside reports/hunan/."""
    from pipeline.common.errors import InputError
    from pipeline.model.forecast.config import briefing_entries

    assert briefing_entries({"hunan-2024-06": {"region": "hunan", "as_of": "2024-06"}})["hunan-2024-06"]["region"] == "hunan"
    with pytest.raises(InputError, match="write the region as its slug 'hunan'"):
        briefing_entries({"湖南-2024-06": {"region": "湖南", "as_of": "2024-06"}})
    with pytest.raises(InputError, match="region: unknown region"):
        briefing_entries({"atlantis-2024-06": {"region": "atlantis", "as_of": "2024-06"}})
