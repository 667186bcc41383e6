import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("DVC_NO_ANALYTICS", "1")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture
def root() -> Path:
    return ROOT


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- one `dvc repro` of a copy of the repository per session --------------------------------------------------
#
# The copy is reproduced once, in the background from the session's first test on, while the tests that do not
# need it run; the tests that read it (their fixtures include one of REPRO_FIXTURES) are moved to the end of the run.
# Every page test reads the briefings the repro rendered; pages the repro does not produce (no entry of
# params.yaml `briefings` with the same region, as-of month, previous month and language) are rendered once per
# session by `extra_briefing`, which refuses a page the repro renders.

REPRO_FIXTURES = ("repo_copy", "first_repro", "repro_briefing")


def tracked_files() -> list[str]:
    # -z: paths verbatim (without it git quotes non-ASCII names such as 2025年河南省...txt and they are skipped)
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return [f for f in out.split("\0") if f and (ROOT / f).is_file()]


def dvc_env() -> dict[str, str]:
    return dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                DVC_NO_ANALYTICS="1", DVC_IGNORE_UPDATES="1", MPLBACKEND="Agg", PYTHONHASHSEED="0")


def dvc_command(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "dvc"), *args]


def dvc(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(dvc_command(*args), cwd=repo, env=dvc_env(), capture_output=True, text=True)


def _copy_repository(dest: Path) -> Path:
    """The tracked and untracked-but-not-ignored files, without data/processed/ and dvc.lock: a clean state."""
    for rel in tracked_files():
        if rel.startswith("data/processed/") or rel == "dvc.lock":
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, dest / rel)
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    return dest


class _Repro:
    """The copy and its `dvc repro` (in a process group of its own): `start()` returns at once, `result()` waits."""

    def __init__(self, tmp_path_factory):
        self._factory, self._base, self._repo = tmp_path_factory, None, None
        self.args, self.proc, self._result = dvc_command("repro"), None, None

    @property
    def repo(self) -> Path:
        if self._repo is None:
            self._base = self._factory.mktemp("clone")
            self._repo = _copy_repository(self._base / "repo")
        return self._repo

    def start(self) -> None:
        if self.proc is None:
            repo = self.repo
            with open(self._base / "repro.stdout", "wb") as out, open(self._base / "repro.stderr", "wb") as err:
                self.proc = subprocess.Popen(self.args, cwd=repo, env=dvc_env(), stdout=out, stderr=err,
                                             stdin=subprocess.DEVNULL, start_new_session=True)

    def result(self) -> subprocess.CompletedProcess:
        if self._result is None:
            self.start()
            code = self.proc.wait()
            self._result = subprocess.CompletedProcess(
                self.args, code, (self._base / "repro.stdout").read_text(errors="replace"),
                (self._base / "repro.stderr").read_text(errors="replace"))
        return self._result

    def stop(self) -> None:
        """An interrupted or failed-fast session does not leave dvc running."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _needs_repro(item) -> bool:
    return any(name in getattr(item, "fixturenames", ()) for name in REPRO_FIXTURES)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """Tests that read the reproduced copy run last, so that the repro overlaps with every other test."""
    items[:] = [item for item in items if not _needs_repro(item)] + [item for item in items if _needs_repro(item)]


@pytest.fixture(scope="session", autouse=True)
def _repro(request, tmp_path_factory):
    """The session's repro, started with the session's first test when a selected test reads the copy."""
    repro = _Repro(tmp_path_factory)
    if any(_needs_repro(item) for item in request.session.items):
        repro.start()
    yield repro
    repro.stop()


@pytest.fixture(scope="session")
def repo_copy(_repro) -> Path:
    """The copy of the repository that `dvc repro` runs in (data/processed/ and dvc.lock left out)."""
    return _repro.repo


@pytest.fixture(scope="session")
def first_repro(_repro) -> subprocess.CompletedProcess:
    """The session's one `dvc repro` of the copy, from a clean state (waits for it)."""
    return _repro.result()


def _briefing_key(region: str, as_of: str, previous_as_of: str | None, lang: str) -> tuple:
    from pipeline.presentation.briefing import model

    slug, _, _ = model.validate_request(region, as_of, previous_as_of, lang)
    return slug, as_of, previous_as_of or None, lang


def _repro_briefings() -> dict[tuple, tuple[str, str]]:
    """(region slug, as-of, previous as-of, lang) -> (region as written, as-of) of each params.yaml briefing."""
    from pipeline.presentation.briefing import runner

    out = {}
    for spec in runner.entries(ROOT / "params.yaml").values():
        key = _briefing_key(str(spec["region"]), str(spec["as_of"]), spec.get("previous_as_of"),
                            spec.get("lang", "zh"))
        out[key] = (str(spec["region"]), str(spec["as_of"]))
    return out


@pytest.fixture(scope="session")
def repro_briefing(_repro, repo_copy):
    """folder(region, as_of, previous_as_of, lang): the folder of a briefing the session's repro rendered (the
    first call waits for the repro, so that a fixture can render other pages before)."""
    known = _repro_briefings()

    def folder(region: str, as_of: str, previous_as_of: str | None = None, lang: str = "zh") -> Path:
        key = _briefing_key(region, as_of, previous_as_of, lang)
        if key not in known:
            raise LookupError(f"no params.yaml briefing renders {key}: use extra_briefing")
        repro = _repro.result()
        assert repro.returncode == 0, repro.stdout + repro.stderr
        written, month = known[key]
        return repo_copy / "reports" / written / month

    return folder


@pytest.fixture(scope="session")
def extra_briefing(tmp_path_factory):
    """folder(region, as_of, previous_as_of, lang): a briefing the repro does not render, rendered once per session
    by this checkout (in this process, as `python -m pipeline briefing` does)."""
    from pipeline.presentation import briefing

    known, done = _repro_briefings(), {}

    def folder(region: str, as_of: str, previous_as_of: str | None = None, lang: str = "zh") -> Path:
        key = _briefing_key(region, as_of, previous_as_of, lang)
        if key in known:
            raise LookupError(f"the repro renders {key}: read it with repro_briefing")
        if key not in done:
            out = tmp_path_factory.mktemp(f"{key[0]}_{as_of}_{lang}")
            briefing.render(region, as_of, previous_as_of, lang, out, progress=lambda _: None)
            done[key] = out
        return done[key]

    return folder
