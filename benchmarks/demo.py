"""Wall time of ``python plan.py demo`` on this machine (target: median ≤ 4 s).

Runs the real command in a fresh process, as a user would, ``--runs`` times,
and prints a table with the machine's load (1-minute load average) before
each run, and its CPU time (user + system: what the run costs, whatever
the load). Each run's wall time is split by the command's progress lines
(on stderr, as they arrive): ``start`` until the job's first message (the
interpreter, the command line and the job's imports), ``plan`` from there to
the drawing message (scenario, road graph, matrices, search), ``draw`` the
rest (the documents, and the process's exit). The drawing libraries load in a
process forked at the command's start, beside the planning
(``planner.app.drawing``): their CPU is in ``cpu s``, their time in no
column unless they are still loading when the plan is ready (a busy
machine). The first run may build the
road graph's travel-time cache
(``planner.roads.cache``); ``--cold`` removes it before every run.

The package's bytecode (``__pycache__``) is compiled first, as ``pip
install`` does and as a user's first run leaves it: without it every run
compiles the ~100 modules of the planner it imports from source (≈ 0.3 s of
CPU on this machine), which is what happens where ``PYTHONDONTWRITEBYTECODE``
is set (the project's agent sessions set it). ``--no-compile`` leaves the
checkout as it is; the header says how many of the package's modules had no
current bytecode before the runs. Usage::

    python -m benchmarks.demo [--runs 5] [--cold] [--no-compile]
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 4.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true",
                        help="remove the demo graph's travel-time caches before every run")
    parser.add_argument("--no-compile", action="store_true",
                        help="do not compile the package's bytecode first")
    args = parser.parse_args(argv)
    stale = stale_bytecode(ROOT / "planner")
    if not args.no_compile:
        compileall.compile_dir(ROOT / "planner", quiet=1)
    rows = []
    for run in range(1, args.runs + 1):
        if args.cold:
            for cache in (ROOT / "maps").glob(".demo_commune.tt-*.cache"):
                cache.unlink()
        load = os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            proc = subprocess.Popen([sys.executable, str(ROOT / "plan.py"), "demo", "--out",
                                     str(Path(tmp) / "demo")], cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            stamps, lines = [], []  # when each progress line ("[  1.2 s] ...") arrived
            for line in proc.stderr or ():
                lines.append(line)
                if line.startswith("["):
                    stamps.append(time.perf_counter() - started)
            stderr = "".join(lines)
            _pid, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            wall = time.perf_counter() - started
            cpu = usage.ru_utime + usage.ru_stime
            files = sorted(p.name for p in (Path(tmp) / "demo").iterdir()) \
                if (Path(tmp) / "demo").is_dir() else []
        if proc.returncode != 0:
            print(stderr, file=sys.stderr)
            return proc.returncode
        # start: to the job's first message (interpreter, CLI and job imports);
        # plan: reading, road graph, matrices, search; draw: from the drawing message
        start, draw_at = (stamps[0], stamps[-1]) if stamps else (0.0, 0.0)
        rows.append((run, wall, cpu, len(files), load, start, draw_at - start, wall - draw_at))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; bytecode: {stale} of the package's modules without "
          f"it before the runs, " + ("left so" if args.no_compile else "compiled"))
    print(f"{'run':>4}  {'wall s':>7}  {'cpu s':>6}  {'files':>5}  {'load':>5}  "
          f"{'start s':>7}  {'plan s':>6}  {'draw s':>6}")
    for run, wall, cpu, files, load, start, plan, draw in rows:
        print(f"{run:>4}  {wall:7.2f}  {cpu:6.2f}  {files:>5}  {load:5.2f}  "
              f"{start:7.2f}  {plan:6.2f}  {draw:6.2f}")
    walls = [r[1] for r in rows]
    verdict = "ok" if statistics.median(walls) <= TARGET_S else "TOO SLOW"
    cpu = statistics.median(r[2] for r in rows)
    print(f"median {statistics.median(walls):.2f} s (cpu {cpu:.2f}"
          f" s: user + system of the process and its children), max {max(walls):.2f} s, "
          f"target median ≤ {TARGET_S:.0f} s: {verdict}")
    return 0 if verdict == "ok" else 1


def stale_bytecode(package: Path) -> int:
    """How many modules of ``package`` have no current bytecode (no
    ``__pycache__`` file, or one older than the source): each is compiled
    from source by every run that imports it, when bytecode is not written."""
    stale = 0
    for source in package.rglob("*.py"):
        cached = Path(importlib.util.cache_from_source(str(source)))
        if not cached.is_file() or cached.stat().st_mtime < source.stat().st_mtime:
            stale += 1
    return stale


if __name__ == "__main__":
    raise SystemExit(main())
