"""The day-planning stage is one package with no import cycle: its modules
import each other in the order of the flow (needs → problem → timing →
verify → repair → plan), only at module level, and the shared rules below it
(``planner.rules``, ``planner.priorities``) never import it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "planner"
FLOW = ("needs", "problem", "timing", "verify", "repair", "plan")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> tuple[set[str], list[int]]:
    """The planner modules ``path`` imports, and the lines of imports made
    inside a function or class (not at module level)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("planner"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("planner")}
    nested = [n.lineno for top in tree.body if not isinstance(top, (ast.Import, ast.ImportFrom))
              for n in ast.walk(top) if isinstance(n, (ast.Import, ast.ImportFrom))]
    return found, nested


def _graph() -> nx.DiGraph:
    """Module-level import graph of the planner package."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    G = nx.DiGraph()
    for name, path in files.items():
        G.add_node(name)
        for target in _imports(path)[0]:
            if target in files and target != name:
                G.add_edge(name, target)
    return G


def test_day_package_has_no_import_cycle() -> None:
    """No cycle in the import graph runs through planner.day or the rules
    below it."""
    G = _graph()
    day = {n for n in G if n.startswith("planner.day")} | {"planner.rules",
                                                            "planner.priorities"}
    cycles = [c for c in nx.simple_cycles(G) if day & set(c)]
    assert cycles == []


def test_day_modules_import_in_flow_order_at_module_level() -> None:
    """Each module of planner.day imports only modules before it in the flow,
    and none imports inside a function."""
    for k, name in enumerate(FLOW):
        found, nested = _imports(PACKAGE / "day" / f"{name}.py")
        assert nested == [], f"planner/day/{name}.py imports inside a function: {nested}"
        later = {f"planner.day.{m}" for m in FLOW[k:]}
        assert not found & later, f"planner.day.{name} imports {sorted(found & later)}"


def test_shared_rules_do_not_import_the_day_planner() -> None:
    """``planner.rules`` and ``planner.priorities`` sit below their users."""
    G = _graph()
    for low in ("planner.rules", "planner.priorities"):
        assert not any(n.startswith("planner.day") for n in nx.descendants(G, low)), low


@pytest.mark.parametrize("module", [f"planner.day.{m}" for m in FLOW])
def test_each_module_imports_alone(module: str) -> None:
    """Each module imports first in a fresh interpreter (a cycle would fail
    on whichever module of it is imported first)."""
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
