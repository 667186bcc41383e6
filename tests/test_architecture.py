"""The tree shows the flow of the data: sources -> model -> evaluation -> presentation, imports downward only,
no circle of imports, no module past 500 lines (issue 18)."""
import ast
from pathlib import Path

from conftest import ROOT

LAYERS = {"sources": 1, "model": 2, "evaluation": 3, "presentation": 4}
FOUNDATION = {"pipeline", "pipeline.common"}  # below every layer, with the modules of pipeline.common


def modules(root: Path) -> dict[str, Path]:
    out = {}
    for py in (root / "pipeline").rglob("*.py"):
        parts = py.relative_to(root).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = py
    return out


def imports_of(name: str, path: Path) -> set[str]:
    """Every pipeline module ``path`` imports, at the top or inside functions (relative imports resolved)."""
    pkg = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "pipeline"}
        elif isinstance(node, ast.ImportFrom):
            base = pkg[:len(pkg) - node.level + 1] if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            if mod.split(".")[0] == "pipeline":
                found.add(mod)
                found |= {f"{mod}.{a.name}" for a in node.names}
    return found


def layer(name: str) -> int | None:
    if name in FOUNDATION or name.startswith("pipeline.common."):
        return 0
    parts = name.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def graph(root: Path) -> dict[str, set[str]]:
    mods = modules(root)
    return {name: {m for m in imports_of(name, path) if m in mods and m != name} for name, path in mods.items()}


def upward_imports(root: Path) -> list[str]:
    bad = []
    for name, deps in graph(root).items():
        if name == "pipeline.__main__" or layer(name) is None:
            continue
        bad += [f"{name} -> {d}" for d in sorted(deps) if layer(d) is not None and layer(d) > layer(name)]
    return bad


def cycles(root: Path) -> list[list[str]]:
    """Import circles between modules (a package and its own __init__ re-exports are not a circle)."""
    g = graph(root)
    g = {n: {d for d in deps if not n.startswith(d + ".")} for n, deps in g.items()}
    found, state = [], {}

    def visit(n, stack):
        state[n] = 1
        stack.append(n)
        for d in sorted(g.get(n, ())):
            if state.get(d) == 1:
                found.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d, stack)
        stack.pop()
        state[n] = 2

    for n in sorted(g):
        if n not in state:
            visit(n, [])
    return found


def test_every_module_belongs_to_a_layer_or_the_foundation():
    stray = [n for n in modules(ROOT) if n != "pipeline.__main__" and layer(n) is None]
    assert stray == []


def test_layers_import_downward_only():
    assert upward_imports(ROOT) == []


def test_no_circle_of_imports():
    assert cycles(ROOT) == []


def test_no_module_past_500_lines():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "pipeline").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}


def test_the_checks_can_fail(tmp_path):
    """An engine module importing a page, and two modules importing each other, are caught."""
    pkg = tmp_path / "pipeline"
    for sub in ("model", "presentation"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "model" / "engine.py").write_text("def f():\n    from pipeline.presentation import page\n")
    (pkg / "presentation" / "page.py").write_text("from pipeline.model import engine\n")
    assert upward_imports(tmp_path) == ["pipeline.model.engine -> pipeline.presentation",
                                        "pipeline.model.engine -> pipeline.presentation.page"]
    assert cycles(tmp_path) != []
