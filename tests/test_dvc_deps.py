"""Every stage declares every pipeline file it runs: the modules its command imports, directly or inside functions,
followed through the package (a stage whose code changed must rerun; a reviewer's `dvc repro` depends on it)."""
import ast
import re
from pathlib import Path

import yaml

from conftest import ROOT

from pipeline.__main__ import COMMANDS

# `python -m pipeline COMMAND` runs pipeline/__main__.py, which imports the command's module
COMMAND_MODULES = {name: module for name, (module, _) in COMMANDS.items()}


def module_file(root: Path, name: str) -> Path | None:
    path = root / (name.replace(".", "/") + ".py")
    if path.exists():
        return path
    package = root / name.replace(".", "/") / "__init__.py"
    return package if package.exists() else None


def imported_files(root: Path, path: Path, top: str = "pipeline") -> set[Path]:
    """Files of package ``top`` that ``path`` imports anywhere in its body (every package __init__ on the way)."""
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts[:-1]) if rel.name == "__init__" else list(rel.parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.split(".")[0] == top}
        elif isinstance(node, ast.ImportFrom):
            base = parts[:len(parts) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            if module.split(".")[0] == top:
                names |= {module} | {f"{module}.{a.name}" for a in node.names}
    names |= lazy_exports(path, rel, top)
    files = set()
    for name in names:
        pieces = name.split(".")
        files |= {f for i in range(1, len(pieces) + 1) if (f := module_file(root, ".".join(pieces[:i])))}
    return files


def lazy_exports(path: Path, rel: Path, top: str) -> set[str]:
    """A package ``__init__`` that resolves names lazily (``_EXPORTS = {name: submodule}`` and importlib) imports
    those submodules as surely as an import statement would: a stage running it depends on them."""
    if rel.name != "__init__":
        return set()
    package = ".".join(rel.parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "_EXPORTS" for t in node.targets)
                and isinstance(node.value, ast.Dict) and package.split(".")[0] == top):
            return {f"{package}.{v.value}" for v in node.value.values if isinstance(v, ast.Constant)}
    return set()


def notebook_imports(root: Path, notebook: Path) -> set[Path]:
    """The pipeline files a notebook's code cells import (a stage running the notebook runs them)."""
    import json

    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    files = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "pipeline":
            for name in [node.module] + [f"{node.module}.{a.name}" for a in node.names]:
                pieces = name.split(".")
                files |= {f for i in range(1, len(pieces) + 1) if (f := module_file(root, ".".join(pieces[:i])))}
    return files


def closure(root: Path, start: Path) -> set[Path]:
    seen, todo = set(), [start]
    while todo:
        f = todo.pop()
        if f not in seen:
            seen.add(f)
            todo += list(imported_files(root, f) - seen)
    return seen


def stage_entry_files(root: Path, cmd: str) -> list[Path]:
    m = re.match(r"python -m (\S+)(?: (\S+))?", cmd)
    assert m, cmd
    if m.group(1) == "pipeline":
        return [module_file(root, COMMAND_MODULES[m.group(2)]), root / "pipeline" / "__main__.py"]
    return [module_file(root, m.group(1))]


def undeclared(root: Path, stage: dict) -> list[str]:
    deps = [str(d) for d in stage.get("deps", [])]
    files = set()
    entries = stage_entry_files(root, stage["cmd"])
    for nb in deps:  # a notebook the stage runs: what its cells import
        if nb.endswith(".ipynb") and (root / nb).exists():
            entries += sorted(notebook_imports(root, root / nb))
    for entry in entries:
        files |= closure(root, entry)
    rel = sorted(str(f.relative_to(root)) for f in files)
    return [f for f in rel if not any(f == d or f.startswith(d.rstrip("/") + "/") for d in deps)]


def test_every_stage_declares_the_pipeline_files_it_imports():
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    missing = {name: undeclared(ROOT, s.get("do", s)) for name, s in stages.items()}
    assert {k: v for k, v in missing.items() if v} == {}


def test_the_check_follows_relative_imports_inside_functions(tmp_path):
    pkg = tmp_path / "pipeline"
    (pkg / "sub").mkdir(parents=True)
    for f in ("__init__.py", "sub/__init__.py", "helper.py", "deep.py"):
        (pkg / f).write_text("")
    (pkg / "stage.py").write_text("def main():\n    from .sub import leaf\n    from . import helper\n")
    (pkg / "sub" / "leaf.py").write_text("from ..deep import x\n")
    stage = {"cmd": "python -m pipeline.stage", "deps": ["pipeline/stage.py", "pipeline/sub"]}
    assert undeclared(tmp_path, stage) == ["pipeline/__init__.py", "pipeline/deep.py", "pipeline/helper.py"]
