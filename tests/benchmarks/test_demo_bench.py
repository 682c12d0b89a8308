"""``benchmarks/demo.py``: the bytecode it counts and compiles before timing."""

from __future__ import annotations

import compileall
import os
from pathlib import Path

from benchmarks.demo import stale_bytecode


def test_stale_bytecode_counts_modules_without_current_bytecode(tmp_path: Path) -> None:
    """A module with no bytecode counts as stale, and none once the package
    is compiled (what the benchmark does before its runs); a source newer
    than its bytecode counts again."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    for name in ("__init__.py", "a.py", "sub/__init__.py", "sub/b.py"):
        (package / name).write_text("X = 1\n", encoding="utf-8")
    assert stale_bytecode(package) == 4
    compileall.compile_dir(package, quiet=1)
    assert stale_bytecode(package) == 0
    source = package / "a.py"
    cached = next((package / "__pycache__").glob("a.*.pyc"))
    stamp = cached.stat().st_mtime
    os.utime(source, (stamp + 10, stamp + 10))
    assert stale_bytecode(package) == 1
