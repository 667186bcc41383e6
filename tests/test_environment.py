"""The environment is declared once: pyproject lists, constraints pins, environment.yml mirrors both."""
import configparser
import re
import tomllib

import yaml

from conftest import ROOT

norm = lambda name: re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    return {norm(a): b for a, b in (ln.split("==") for ln in lines if "==" in ln)}


def _declared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["dependencies"] + project["optional-dependencies"]["dev"]


def test_every_declared_dependency_is_pinned():
    pins = _pins()
    assert [d for d in _declared() if norm(d) not in pins] == []


def test_environment_yml_installs_the_same_set():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "python=3.11" in env["dependencies"]
    assert "-c constraints.txt" in pip and "-e ." in pip
    listed = {norm(a): b for a, b in (x.split("==") for x in pip if "==" in x)}
    pins = _pins()
    assert listed == {norm(d): pins[norm(d)] for d in _declared()}


def test_dvc_never_phones_home():
    config = configparser.ConfigParser()
    config.read(ROOT / ".dvc" / "config")
    assert config["core"]["analytics"] == "false"
    assert config["core"]["check_update"] == "false"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme and "make repro" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
