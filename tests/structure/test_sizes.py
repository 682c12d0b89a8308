"""A house a newcomer can live in: no module of ``planner/`` over 700 lines,
no function over 120 lines (the renderers' templates are not functions), and
no season named in code outside the speed table's own module: a season is
data (``maps/speeds.toml``)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "planner"
MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 120
SEASON_LITERAL = re.compile(r"""["'](dry|wet)["']""")


def test_no_module_over_700_lines() -> None:
    """Every module of planner/ holds at most 700 lines."""
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_no_function_over_120_lines() -> None:
    """Every function or method of planner/ spans at most 120 lines."""
    long = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = n
    assert long == {}


def test_no_season_literal_outside_the_speed_table() -> None:
    """No "dry"/"wet" string in planner/ outside planner/speeds.py."""
    found = [f"{p.relative_to(ROOT)}:{k}: {line.strip()}"
             for p in PACKAGE.rglob("*.py") if p != PACKAGE / "speeds.py"
             for k, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if SEASON_LITERAL.search(line)]
    assert found == []
