"""Only the entry points read the clock.

Every module of ``planner/`` outside ``planner/cli/`` and ``planner/app/``
takes today's date and the current time as parameters (``today``, ``now``),
so that a plan or an import gives the same answer whatever the machine's date
and tests can give any date. The check reads each module's syntax tree and
resolves import aliases (``import datetime as dt``, ``from datetime import
date``), so ``dt.date.today()``, ``date.today()``, ``datetime.now(UTC)``, and
a reference without a call (``default_factory=dt.date.today``) are all found.
"""

from __future__ import annotations

import ast
from pathlib import Path

PLANNER = Path(__file__).resolve().parent.parent.parent / "planner"
#: The packages that may read the clock: the front ends' entry points.
ENTRY = ("cli", "app")
#: What reads the clock (fully qualified).
CLOCK_READS = frozenset({"datetime.date.today", "datetime.datetime.today",
                         "datetime.datetime.now", "datetime.datetime.utcnow"})


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local name → what it is bound to by an import (``dt`` → ``datetime``,
    ``date`` → ``datetime.date``)."""
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                out[a.asname or a.name.split(".")[0]] = a.name if a.asname else \
                    a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                out[a.asname or a.name] = f"{node.module}.{a.name}"
    return out


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def clock_reads(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """``(line, expression)`` of every clock read in ``source``."""
    tree = ast.parse(source, filename)
    aliases = _aliases(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        dotted = _dotted(node)
        if dotted is None:
            continue
        head, _, rest = dotted.partition(".")
        resolved = aliases.get(head, head) + (f".{rest}" if rest else "")
        if resolved in CLOCK_READS:
            found.append((node.lineno, dotted))
    return sorted(found)


def test_the_check_finds_every_form_of_clock_read() -> None:
    """The checker itself: each way of reading the date or time is found (so the
    test below can fail), and a date built from numbers or parsed is not."""
    source = (
        "import datetime as dt\n"
        "import datetime\n"
        "from datetime import date, datetime as DT\n"
        "from dataclasses import field\n"
        "a = dt.date.today()\n"
        "b = dt.datetime.now(dt.UTC)\n"
        "c = date.today()\n"
        "d = DT.utcnow()\n"
        "e = datetime.datetime.today()\n"
        "f = field(default_factory=dt.date.today)\n"
        "g = dt.date(2026, 11, 24)\n"
        "h = date.fromisoformat('2026-11-24')\n"
    )
    assert [line for line, _ in clock_reads(source)] == [5, 6, 7, 8, 9, 10]


def test_no_module_below_the_entry_points_reads_the_clock() -> None:
    """No module of planner/ outside planner/cli and planner/app calls (or
    refers to) date.today, datetime.now, datetime.utcnow or datetime.today."""
    offenders = []
    for path in sorted(PLANNER.rglob("*.py")):
        parts = path.relative_to(PLANNER).parts
        if parts[0] in ENTRY:
            continue
        for line, expr in clock_reads(path.read_text(encoding="utf-8"), str(path)):
            offenders.append(f"{path.relative_to(PLANNER.parent)}:{line}: {expr}")
    assert not offenders, ("the clock is read below the entry points (take `today`/`now` "
                           "as a parameter instead):\n" + "\n".join(offenders))
