"""Wall time of ``python plan.py demo`` on this machine (target: ≤ 30 s).

Runs the real command in a fresh process, as a user would, ``--runs`` times,
and prints a table. Usage::

    python -m benchmarks.demo [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 30.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    rows = []
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            proc = subprocess.run([sys.executable, str(ROOT / "plan.py"), "demo", "--out",
                                   str(Path(tmp) / "demo")], cwd=ROOT, capture_output=True,
                                  text=True, check=False)
            wall = time.perf_counter() - started
            files = sorted(p.name for p in (Path(tmp) / "demo").iterdir()) \
                if (Path(tmp) / "demo").is_dir() else []
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        rows.append((run, wall, len(files)))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    print(f"{'run':>4}  {'wall s':>7}  {'files':>5}")
    for run, wall, files in rows:
        print(f"{run:>4}  {wall:7.1f}  {files:>5}")
    walls = [r[1] for r in rows]
    verdict = "ok" if max(walls) <= TARGET_S else "TOO SLOW"
    print(f"median {statistics.median(walls):.1f} s, max {max(walls):.1f} s, "
          f"target ≤ {TARGET_S:.0f} s: {verdict}")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())
