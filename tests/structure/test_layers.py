"""The planner's layers, lowest first, and the rules every module keeps:

- a module imports only from its own layer or lower ones, at module level or
  inside a function (an upward import is a layering error whatever its place);
- no import cycle anywhere in ``planner/``;
- imports stand at the top of the file; a function imports inside itself
  only a heavy or optional library, or a project module for start-up speed
  (the command line: ``plan.py --help`` stays instant) or to keep a heavy
  library out of a light module, and says why in an ``# imported here:``
  comment;
- every command-line module imports, from the project, only ``planner.app``
  (the application layer), ``planner.cli`` itself and ``planner.web`` (the
  other front end, which ``plan.py serve`` starts);
- the web workspace imports, from the project, only ``planner.app`` and
  ``planner.web`` itself.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "planner"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("planner.domain", "planner.errors"),
    ("planner.clock", "planner.geo", "planner.dates", "planner.atomic", "planner.sun",
     "planner.privacy"),
    ("planner.speeds",),
    ("planner.roads",),
    ("planner.matrix", "planner.legs", "planner.problem", "planner.engine"),
    ("planner.sitecheck", "planner.priorities", "planner.scenario"),
    ("planner.rules",),
    ("planner.presence",),
    ("planner.day",),
    ("planner.planfile",),
    ("planner.render",),
    ("planner.campaign",),
    ("planner.state",),
    ("planner.demo", "planner.app"),
    ("planner.cli", "planner.web"),
)
"""Each layer's modules (a name covers its package), lowest first."""


def module_name(path: Path) -> str:
    """``planner/day/plan.py`` → ``planner.day.plan`` (a package's ``__init__`` → the package)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int | None:
    """The index of ``module``'s layer in ``LAYERS`` (None: not declared)."""
    for k, names in enumerate(LAYERS):
        if any(module == n or module.startswith(n + ".") for n in names):
            return k
    return None


def project_imports(tree: ast.Module, module: str) -> list[tuple[str, int, bool]]:
    """``(imported module, line, inside a function or class)`` for every
    import of a ``planner`` module in ``tree`` (relative imports resolved)."""
    found = []
    nested = {id(n) for top in tree.body if not isinstance(top, (ast.Import, ast.ImportFrom))
              for n in ast.walk(top) if isinstance(n, (ast.Import, ast.ImportFrom))}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = module.split(".")[: -node.level] if not module.endswith("__init__") \
                    else module.split(".")
                base = ".".join([*pkg, base] if base else pkg)
            if base.startswith("planner"):
                for alias in node.names:
                    found.append((f"{base}.{alias.name}", node.lineno, id(node) in nested))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("planner"):
                    found.append((alias.name, node.lineno, id(node) in nested))
    return found


def _rel(path: Path) -> str:
    """``path`` relative to the repository when inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(target: str, modules: dict[str, Path]) -> str:
    """The module ``target`` names: itself, or its parent when it names an
    attribute (``planner.day.plan.plan_day`` → ``planner.day.plan``)."""
    while target not in modules and "." in target:
        target = target.rsplit(".", 1)[0]
    return target


def upward_imports(modules: dict[str, Path]) -> list[str]:
    """Every import from a lower layer to a higher one, and every module in no layer."""
    problems = []
    for name, path in modules.items():
        own = layer_of(name)
        if own is None:
            problems.append(f"{name}: in no layer of LAYERS")
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target, line, _nested in project_imports(tree, name):
            target = _resolve(target, modules)
            theirs = layer_of(target)
            if theirs is not None and theirs > own:
                problems.append(f"{_rel(path)}:{line}: {name} (layer {own}) "
                                f"imports {target} (layer {theirs})")
    return problems


def test_every_module_is_in_a_layer_and_imports_only_downwards() -> None:
    """No module imports a higher layer, at module level or in a function."""
    assert upward_imports(_modules()) == []


def test_an_upward_import_is_caught(tmp_path: Path) -> None:
    """The check fails on an upward import added on purpose: the domain
    importing the day planner inside a function."""
    modules = _modules()
    bad = tmp_path / "domain.py"
    bad.write_text(modules["planner.domain"].read_text(encoding="utf-8")
                   + "\n\ndef _oops():\n    from planner.day.plan import plan_day\n",
                   encoding="utf-8")
    modules["planner.domain"] = bad
    found = upward_imports(modules)
    assert any("planner.domain (layer 0) imports planner.day.plan" in p for p in found)


def test_no_import_cycle() -> None:
    """The import graph of ``planner/`` (every import, wherever it stands) has no cycle."""
    modules = _modules()
    G = nx.DiGraph()
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target, _line, _nested in project_imports(tree, name):
            target = _resolve(target, modules)
            if target != name and target in modules and not name.startswith(target + "."):
                G.add_edge(name, target)
    assert list(nx.simple_cycles(G)) == []


def _direct_imports(fn: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """The imports a function makes itself (not those of functions inside it)."""
    found: list[ast.Import | ast.ImportFrom] = []
    for child in ast.iter_child_nodes(fn):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            found.append(child)
        found += _direct_imports(child)
    return found


def test_imports_inside_functions_say_why() -> None:
    """Imports stand at the top of the module. A function imports inside
    itself only a heavy or optional library, or a project module for
    start-up speed (the command line: ``plan.py --help`` stays instant) or to
    keep a heavy library out of a light module, and says why in an
    ``# imported here:`` comment; never a module of the standard library."""
    problems = []
    for _name, path in _modules().items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for fn in ast.walk(ast.parse(text)):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            inner = _direct_imports(fn)
            if not inner:
                continue
            first = min(n.lineno for n in inner)
            if not any("# imported here:" in line for line in lines[fn.lineno - 1: first]):
                problems.append(f"{_rel(path)}:{first}: {fn.name} imports inside a function "
                                "without saying why")
            for n in inner:
                module = (n.module if isinstance(n, ast.ImportFrom) else n.names[0].name) or ""
                if not getattr(n, "level", 0) and module.split(".")[0] in sys.stdlib_module_names:
                    problems.append(f"{_rel(path)}:{n.lineno}: {fn.name} imports the standard "
                                    f"library's {module} inside a function")
    assert problems == []


@pytest.mark.parametrize("path", sorted((PACKAGE / "cli").glob("*.py")),
                         ids=lambda p: p.name)
def test_the_command_line_calls_only_the_application_layer(path: Path) -> None:
    """A command-line module imports from the project only ``planner.app``,
    ``planner.cli`` and ``planner.web`` (``serve``): nothing a command does
    lives only in the CLI."""
    name = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    other = sorted({t for t, _l, _n in project_imports(tree, name)
                    if not t.startswith(("planner.app", "planner.cli", "planner.web"))})
    assert other == []


@pytest.mark.parametrize("path", sorted((PACKAGE / "web").glob("*.py")),
                         ids=lambda p: p.name)
def test_the_web_workspace_calls_only_the_application_layer(path: Path) -> None:
    """A web workspace module imports from the project only ``planner.app``
    and ``planner.web``: no planning logic in the web code."""
    name = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    other = sorted({t for t, _l, _n in project_imports(tree, name)
                    if not t.startswith(("planner.app", "planner.web"))})
    assert other == []
