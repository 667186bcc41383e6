"""End to end: a copy of the repository reproduces with `dvc repro`, the same hashes as the
committed dvc.lock, and a second `dvc repro` changes nothing."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

pytestmark = pytest.mark.integration


def _tracked_files() -> list[str]:
    # -z: paths verbatim (without it git quotes non-ASCII names such as 2025年河南省...txt and they are skipped)
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return [f for f in out.split("\0") if f and (ROOT / f).is_file()]


def _outs(lock: dict) -> dict[str, str]:
    return {o["path"]: o["md5"] for stage in lock["stages"].values() for o in stage.get("outs", [])}


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("clone") / "repo"
    for rel in _tracked_files():
        if rel.startswith("data/processed/") or rel == "dvc.lock":
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, dest / rel)
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    return dest


def _dvc(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               DVC_NO_ANALYTICS="1", DVC_IGNORE_UPDATES="1", MPLBACKEND="Agg", PYTHONHASHSEED="0")
    return subprocess.run([str(Path(sys.executable).parent / "dvc"), *args], cwd=repo, env=env,
                          capture_output=True, text=True)


def test_repro_from_clean_state_matches_committed_lock_and_is_then_a_noop(repo_copy):
    first = _dvc(repo_copy, "repro")
    assert first.returncode == 0, first.stdout + first.stderr
    lock = yaml.safe_load((repo_copy / "dvc.lock").read_text())
    assert (repo_copy / "data" / "processed" / "observations.csv").stat().st_size > 0
    committed = ROOT / "dvc.lock"
    if committed.exists():
        assert _outs(lock) == _outs(yaml.safe_load(committed.read_text())), "outputs differ from the committed dvc.lock"
    lock_text = (repo_copy / "dvc.lock").read_text()
    second = _dvc(repo_copy, "repro")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Data and pipelines are up to date" in second.stdout
    assert (repo_copy / "dvc.lock").read_text() == lock_text
    status = _dvc(repo_copy, "status")
    assert "up to date" in status.stdout
    raw_before = {p: p.read_bytes() for p in (ROOT / "data" / "raw").rglob("*") if p.is_file()}
    assert {p.relative_to(ROOT): b for p, b in raw_before.items()} == {
        p.relative_to(repo_copy): p.read_bytes() for p in (repo_copy / "data" / "raw").rglob("*") if p.is_file()}
