"""Hostile inputs (issue 21): special files, hostile YAML, unseen files, previews that agree with the stages,
formula-like text cells and boundary messages. Every mistake is one line naming the file, never a traceback."""
import io
import os
import subprocess
import sys
import zipfile

import pandas as pd
import pytest

from conftest import ROOT, write
from pipeline.common import safeio, yamlio
from pipeline.common.csvsafe import neutralise
from pipeline.sources import check, ingest
from pipeline.sources.validate import DEFAULT_LIMITS, RawDataError, check_indicator_rows, read_raw_csv

HEADER = "region,indicator,period,measure,value,unit,vintage,source,note\n"
OK = "china,industrial_va,2024-03,ytd_growth_pct,6.1,pct,first,NBS release 2024-04-16,\n"
ZH_PORTAL = ("数据库：月度数据\n时间：2024年8月-2024年9月\n指标,2024年9月,2024年8月\n"
             "工业增加值累计增长(%),5.8,5.8\n数据来源：国家统计局\n")


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


# ------------------------------------------------------------------ 1. special files


def test_symlink_out_of_the_repository_is_refused_without_its_contents(tmp_path):
    link = tmp_path / "passwd.csv"
    link.symlink_to("/etc/passwd")
    r = cli("validate", link)
    assert r.returncode == 1 and r.stdout.strip() == (
        f"{link}: is a symbolic link to a file outside the repository; copy the file in instead")
    assert "root:" not in r.stdout + r.stderr


@pytest.mark.parametrize("command", [["validate"], ["import-portal"], ["targets"], ["read-release"],
                                     ["forecast", "--as-of", "2024-09", "--region", "china", "--indicators"]])
def test_fifo_is_refused_in_one_line_and_never_hangs(tmp_path, command):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    r = cli(*command, fifo)
    lines = (r.stdout + r.stderr).strip().splitlines()
    assert r.returncode in (1, 2) and "Traceback" not in r.stderr
    assert any(str(fifo) in ln and "FIFO (named pipe)" in ln for ln in lines), lines


def test_device_and_oversized_file_are_refused(tmp_path, monkeypatch):
    problems = read_raw_csv("/dev/zero", HEADER.strip().split(","))[1]
    assert [str(p) for p in problems] == ["/dev/zero: is a device, not a regular file"]
    big = write(tmp_path / "big.csv", HEADER + OK * 10)
    monkeypatch.setitem(safeio.LIMITS, "text", 100)
    assert [str(p) for p in read_raw_csv(big, HEADER.strip().split(","))[1]] == [
        f"{big}: is 0 KB, more than the 0 KB a text file may be (pipeline/common/safeio.py)"]


def test_symlink_in_data_raw_to_a_file_outside_is_refused(tmp_path):
    outside = write(tmp_path / "x.csv", HEADER + OK)
    inside = ROOT / "data" / "raw" / "indicators" / "zz_hostile_link.csv"
    inside.symlink_to(outside)
    try:
        with pytest.raises(RawDataError) as err:
            ingest.load_raw([inside], [], [], DEFAULT_LIMITS)
    finally:
        inside.unlink()
    assert [str(p) for p in err.value.problems] == [
        "data/raw/indicators/zz_hostile_link.csv: is a symbolic link to a file outside the repository; copy the "
        "file in instead"]


def test_docx_zip_bomb_is_refused(tmp_path):
    from pipeline.sources.reports import ReportError, read_report

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))
    path = write(tmp_path / "bomb.docx", buf.getvalue())
    with pytest.raises(ReportError, match="refused as a zip bomb$"):
        read_report(path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(safeio.ZIP_MAX_MEMBERS + 1):
            z.writestr(f"m{i}", b"")
    path = write(tmp_path / "many.docx", buf.getvalue())
    with pytest.raises(ReportError, match="archive has 2001 members, more than the 2000 a .docx may have$"):
        read_report(path)


def test_sidecar_that_is_a_fifo_or_links_out(tmp_path):
    from pipeline.sources.portal import read_sidecar

    export = write(tmp_path / "p.csv", ZH_PORTAL)
    side = tmp_path / "p.csv.meta.yaml"
    side.symlink_to("/etc/passwd")
    assert [str(p) for p in read_sidecar(export)[1]] == [
        f"{side}: is a symbolic link to a file outside the repository; copy the file in instead"]
    side.unlink()
    os.mkfifo(side)
    assert [str(p) for p in read_sidecar(export)[1]] == [f"{side}: is a FIFO (named pipe), not a regular file"]


# ------------------------------------------------------------------ 2. YAML


@pytest.mark.parametrize("text, message", [
    ("region: !!python/object/apply:os.system [echo hi]\n", "1: YAML tags (!!python/object/apply:os.system) are not accepted"),
    ("region: !!str hunan\n", "1: YAML tags (!!str) are not accepted"),
    ("a: &x hunan\nregion: *x\n", "1: YAML anchors and aliases (&name, *name) are not accepted"),
    ("source: " + "[" * 25 + "]" * 25 + "\n", "1: YAML nested deeper than 20 levels"),
])
def test_every_sidecar_reader_refuses_tags_aliases_and_depth(tmp_path, text, message):
    from pipeline.sources.portal import read_sidecar as portal_sidecar
    from pipeline.sources.releases.decode import ReleaseError, read_sidecar as release_sidecar
    from pipeline.sources.reports import ReportError, identify

    path = write(tmp_path / "f.txt", "x")
    side = write(tmp_path / "f.txt.meta.yaml", text)
    line, why = message.split(": ", 1)
    assert [str(p) for p in portal_sidecar(path)[1]] == [f"{side}:{line}:-: {why}"]
    with pytest.raises(ReleaseError) as err:
        release_sidecar(path)
    assert str(err.value) == f"{side}:{message}"
    with pytest.raises(ReportError) as err:
        identify(path, "2025年河南省政府工作报告")
    assert str(err.value) == f"{side}:{message}"


@pytest.fixture
def repo_copy(tmp_path):
    """A copy of the repository's code, registries and params.yaml (no data): a stage's first read is params."""
    dest = tmp_path / "repo"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "list"], capture_output=True)
    import shutil
    shutil.copytree(ROOT / "pipeline", dest / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data" / "raw", dest / "data" / "raw")
    shutil.copy(ROOT / "params.yaml", dest / "params.yaml")
    return dest


@pytest.mark.parametrize("edit, message", [
    (("n_draws: 4000", 'n_draws: "many"'), "forecast.n_draws must be a whole number, not 'many'"),
    (("growth_pct_max: 150", "growth_pct_max: .inf"), "ingest.growth_pct_max is not a finite number (.inf and .nan "
                                                      "are not parameters)"),
    (("shock_years: [2020, 2021, 2022]", "shock_years: [2020, 2021"), "malformed YAML"),
    (("regimes:", "regimes: !!python/object:os.system"), "YAML tags (!!python/object:os.system) are not accepted"),
])
@pytest.mark.parametrize("command", [["forecast", "--as-of", "2024-09", "--region", "china"], ["ingest"],
                                     ["validate", "data/raw/targets.csv"]])
def test_broken_params_is_one_line_naming_the_key(repo_copy, edit, message, command):
    params = repo_copy / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace(*edit, 1), encoding="utf-8")
    r = cli(*command, cwd=repo_copy)
    lines = r.stderr.strip().splitlines() + r.stdout.strip().splitlines()
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr[-2000:]
    assert len([ln for ln in lines if "params.yaml" in ln]) == 1 and message in r.stderr + r.stdout, lines


# ------------------------------------------------------------------ 4. nothing unseen


def test_raw_folders_read_upper_case_csv_and_name_everything_else(tmp_path, monkeypatch, capsys):
    ind, rel, rep = tmp_path / "indicators", tmp_path / "releases", tmp_path / "reports"
    for d in (ind, rel, rep):
        d.mkdir()
    write(ind / "A.CSV", HEADER + OK)
    (ind / "sub").mkdir()
    write(ind / "notes.xlsx", "x")
    write(ind / "README.txt", "about")
    write(rel / "gone.txt.meta.yaml", "year: 2021\n")
    files, problems, warnings = ingest.listing(ind, (".csv",))
    assert [p.name for p in files] == ["A.CSV"]
    assert [str(p) for p in problems] == [
        f"{ind / 'notes.xlsx'}: not read: {ind} holds .csv files only (rename it, or move it out of data/raw)",
        f"{ind / 'sub'}: is a folder: {ind} reads only the files directly in it (move its files up, or out of data/raw)"]
    assert warnings == [f"{ind / 'README.txt'}: documentation, not read"]
    assert [str(p) for p in ingest.listing(rel, ingest.RELEASE_SUFFIXES, sidecars=True)[1]] == [
        f"{rel / 'gone.txt.meta.yaml'}: sidecar of no file: gone.txt is not among the files read in {rel}"]
    from pipeline.sources import targets
    write(rep / "README.txt", "about")
    assert targets.report_files(rep) == []
    assert capsys.readouterr().err == f"{rep / 'README.txt'}: documentation, not read\n"
    monkeypatch.setattr(ingest, "RAW_INDICATORS", ind)
    monkeypatch.setattr(ingest, "OBSERVATIONS", tmp_path / "obs.csv")
    assert ingest.main() == 1 and not (tmp_path / "obs.csv").exists()
    assert "notes.xlsx: not read" in capsys.readouterr().err


# ------------------------------------------------------------------ 5. previews agree with the stages


def test_validate_reads_a_gbk_portal_export_like_ingest(tmp_path):
    path = write(tmp_path / "zh.csv", ZH_PORTAL.encode("gbk"))
    problems, tables, _ = check.validate_paths([path])
    assert problems == [] and len(tables[0].rows) == 2
    table, found = ingest.portal_table(path)
    assert found == [] and check_indicator_rows(table, DEFAULT_LIMITS) == []


def test_import_portal_refuses_rows_ingest_refuses(tmp_path):
    path = write(tmp_path / "zh.csv", ZH_PORTAL.replace("5.8,5.8", "5.8,250").encode("gbk"))
    r = cli("import-portal", path)
    assert r.returncode == 1 and r.stdout == ""
    assert "growth 250% is outside the plausible range [-60, 150]" in r.stderr


def test_read_release_refuses_rows_ingest_refuses(tmp_path):
    text = (ROOT / "data/raw/releases/NBS_2024-03_retail.txt").read_text(encoding="utf-8")
    import re
    bad = write(tmp_path / "r.txt", re.sub(r"增长4\.7%", "增长470%", text, count=1))
    r = cli("read-release", bad)
    assert r.returncode == 1 and "is outside the plausible range" in r.stderr
    assert r.stdout.strip().count("\n") == 0  # the header only


def test_targets_file_refuses_a_report_the_stage_refuses(tmp_path):
    path = write(tmp_path / "r.txt", "主要预期目标是：地区生产总值增长5.5%左右。\n")
    r = cli("targets", path)
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1
    assert "cannot tell the region and year from the text" in r.stderr


# ------------------------------------------------------------------ 6. formula cells and boundary messages


def test_formula_like_text_cells_are_neutralised_and_numbers_kept():
    frame = pd.DataFrame({"source": ["=HYPERLINK(\"x\")", "+1 call", "-cmd", "@SUM(A1)", "NBS"],
                          "value": [-2.6, 1.0, -0.5, 2.0, 3.0], "text": ["-2.6", "a", "b", "c", "d"]})
    out = neutralise(frame).to_csv(index=False)
    assert out.splitlines()[1:] == ["\"'=HYPERLINK(\"\"x\"\")\",-2.6,-2.6", "'+1 call,1.0,a", "'-cmd,-0.5,b",
                                    "'@SUM(A1),2.0,c", "NBS,3.0,d"]


def test_read_release_and_targets_outputs_neutralise(tmp_path):
    path = write(tmp_path / "r.txt", "2025年湖南省政府工作报告\n=HYPERLINK 主要预期目标是：地区生产总值增长5.5%左右。\n")
    r = cli("targets", path, "--region", "hunan", "--year", "2025")
    assert r.returncode == 0
    frame = pd.read_csv(io.StringIO(r.stdout))
    assert all(not str(v).startswith(("=", "+", "@")) for col in frame.select_dtypes(object) for v in frame[col])


def test_range_message_at_the_boundary_never_contradicts_itself(tmp_path):
    inside = write(tmp_path / "a.csv", HEADER + OK.replace("6.1", "150"))
    assert check.validate_paths([inside])[0] == []
    outside = write(tmp_path / "b.csv", HEADER + OK.replace("6.1", "150.0000001"))
    assert [p.message for p in check.validate_paths([outside])[0]] == [
        "growth 150.0000001% is outside the plausible range [-60, 150] (params.yaml ingest)"]


@pytest.mark.parametrize("key, value, message", [
    ("pit_recalibrate", "yes please", "backtest.pit_recalibrate must be true or false, not 'yes please'"),
    ("location_choice", 1, "backtest.location_choice must be true or false, not 1"),
])
def test_the_issue_22_switches_are_typed(key, value, message):
    with pytest.raises(yamlio.FileRefused) as exc:
        yamlio.check_params({"backtest": {key: value}})
    assert message in str(exc.value)
