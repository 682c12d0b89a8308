"""Time and peak memory of the commands on GENERATED 2025-sized merged communes.

Since 1 July 2025 a commune often joins three or more former ones: thousands
of households, dozens of villages, a station an hour's ride from its far
villages. This benchmark writes a GENERATED merged commune
(``planner.scenario.generate.generate_merged_commune``: fictional people,
villages and teams, labelled) on a GENERATED mountain road network
(``mountain_graph``: about 48 × 48 km, labelled; the shared OSM extract is
too small for a commune of this size) for each size asked, then runs the
real commands, each in a fresh process as a user would, and prints for each:
wall time and peak memory (the process's maximum resident set) of

- ``check`` (the scenario and its roads read and validated),
- ``day`` (one day, the default time limit),
- ``campaign`` (every day planned, documents drawn for the first day),
- ``tomorrow`` (from the second working day on, no outcome recorded: the
  first day's visits carried over, so every day changes; the days whose
  notices go out before the next re-plan planned fully, the later ones a
  forecast at the "sweep" fidelity, that day drawn:
  ``planner.state.tomorrow.full_days``), then ``tomorrow`` once more with
  nothing changed (no day planned: ``planner.campaign.daymemo``),

and the campaign's working days against its lower bound. The graph's
travel-time cache is built once before the timings (``planner.roads.cache``).
Usage::

    python -m benchmarks.commune [--sizes 1000,3000,5000] [--time-limit 1] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS_3000 = {"day": 20.0, "campaign": 300.0, "tomorrow": 60.0}
"""The acceptance limits (s) for 3,000 households with 10 teams (issue 28)."""


def scenario_yaml(scenario, roads: str) -> str:
    """A generated scenario as ``scenario.yaml`` text, with its teams' duties."""
    from planner.clock import format_clock

    lines = [f"# {scenario.name}: GENERATED for benchmarks (fictional people, villages, "
             "teams and roads)", f"name: {scenario.name}", "fictional: true",
             f"date: {scenario.date}", f"roads: {roads}", "households: households.csv",
             f"station: {{name: {scenario.station.name}, lon: {scenario.station.lon}, "
             f"lat: {scenario.station.lat}}}", "villages:"]
    lines += [f"  - {{id: {v.id}, name: {v.name}, lon: {v.lon}, lat: {v.lat}}}"
              for v in scenario.villages]
    lines.append("teams:")
    for t in scenario.teams:
        lines.append(f"  - {{id: {t.id}, name: {t.name}, members: [{', '.join(t.members)}], "
                     f"motorbikes: {t.motorbikes}, kits: {t.kits}, "
                     f"shift: \"{format_clock(t.shift.start_s)}-{format_clock(t.shift.end_s)}\", "
                     "lunch: \"11:00-13:30\", lunch_min: 60, max_work_h: 9.5, "
                     f"duties: [{', '.join(t.duties)}]}}")
    p = scenario.parameters
    lines += ["parameters:", f"  seed: {p.seed}", "  return_before_sunset: true",
              f"  utc_offset_h: {p.utc_offset_h}", "campaign:", f"  start: {scenario.date}"]
    return "\n".join(lines) + "\n"


def write_commune(folder: Path, households: int, seed: int, G) -> Path:
    """Write the generated commune of ``households`` households on ``G``
    (``roads.graphml``, ``households.csv``, ``scenario.yaml``) in ``folder``;
    returns the scenario's path."""
    from benchmarks.generated_district import households_csv
    from planner.planfile import write_atomic
    from planner.roads.io import save_graph
    from planner.scenario.generate import generate_merged_commune

    scenario = generate_merged_commune(G, seed, households=households)
    save_graph(G, folder / "roads.graphml")
    write_atomic(folder / "households.csv", households_csv(scenario))
    return write_atomic(folder / "scenario.yaml", scenario_yaml(scenario, "roads.graphml"))


def run(args: list[str], cwd: Path) -> tuple[float, float, int, float]:
    """``python plan.py ARGS`` in a fresh process: (wall s, peak resident MB,
    exit code, CPU s: user + system of it and its children); its output is
    dropped unless it fails."""
    started = time.perf_counter()
    print(f"  {dt.datetime.now(dt.UTC):%H:%M:%S} plan.py {args[0]} (load "
          f"{os.getloadavg()[0]:.1f})…", file=sys.stderr, flush=True)
    proc = subprocess.Popen([sys.executable, str(ROOT / "plan.py"), *args], cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read() if proc.stderr else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    print(f"    {wall:.1f} s wall, {usage.ru_maxrss / 1024.0:.0f} MB peak, CPU "
          f"{cpu:.1f} s", file=sys.stderr, flush=True)
    if proc.returncode:
        print(f"  plan.py {' '.join(args[:2])} … exit {proc.returncode}: "
              f"{stderr.decode(errors='replace')[-600:]}", file=sys.stderr)
    return wall, usage.ru_maxrss / 1024.0, proc.returncode, cpu


def second_working_day(campaign_dir: Path) -> str | None:
    """The date of the campaign's second planned day (``campaign.json``)."""
    days = sorted(p.name for p in (campaign_dir / "days").iterdir() if p.is_dir())
    return days[1] if len(days) > 1 else None


def bench_size(households: int, seed: int, limit_s: float, G, folder: Path,
               steps: tuple[str, ...] = ("check", "day", "campaign")) -> dict:
    """Every timing of one size (module docstring); only ``check`` and ``day``
    unless ``steps`` holds ``campaign`` (which the two ``tomorrow`` follow)."""
    scenario = write_commune(folder, households, seed, G)
    run(["check", str(scenario)], folder)  # builds the graph's travel-time cache
    rows: dict = {"households": households}
    rows["check"] = run(["check", str(scenario)], folder)
    if "day" in steps:
        rows["day"] = run(["day", str(scenario), "--out", str(folder / "day")], folder)
    camp = folder / "campaign"
    if "campaign" not in steps:
        return rows
    rows["campaign"] = run(["campaign", str(scenario), "--out", str(camp), "--draw", "first",
                            "--time-limit", f"{limit_s:g}"], folder)
    data = json.loads((camp / "campaign.json").read_text(encoding="utf-8")) \
        if (camp / "campaign.json").is_file() else {}
    rows["days"] = data.get("working_days_used")
    rows["bound"] = (data.get("lower_bound") or {}).get("days")
    second = second_working_day(camp) if camp.is_dir() else None
    if second:
        rows["tomorrow"] = run(["tomorrow", str(camp), "--date", second, "--time-limit",
                                f"{limit_s:g}"], folder)
        rows["tomorrow_same"] = run(["tomorrow", str(camp), "--date", second,
                                     "--time-limit", f"{limit_s:g}"], folder)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,3000,5000")
    parser.add_argument("--time-limit", type=float, default=1.0,
                        help="the campaign's and tomorrow's solver limit per day (s)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--steps", default="check,day,campaign",
                        help="which commands to time (campaign brings both tomorrow runs)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the communes and outputs here (default: a temporary folder)")
    args = parser.parse_args(argv)
    from planner.scenario.generate import merged_sizes, mountain_graph

    load_before = os.getloadavg()
    started = time.perf_counter()
    G = mountain_graph(seed=args.seed)
    graph_s = time.perf_counter() - started
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
            folder = base / f"commune-{size}"
            folder.mkdir(parents=True, exist_ok=True)
            results.append(bench_size(size, args.seed, args.time_limit, G, folder,
                                      tuple(args.steps.split(","))))
            print(f"({size} households done at {dt.datetime.now(dt.UTC):%H:%M} UTC, load "
                  f"{os.getloadavg()[0]:.1f})", file=sys.stderr)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; load average before {load_before[0]:.1f}, after "
          f"{os.getloadavg()[0]:.1f}")
    print(f"GENERATED mountain graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} "
          f"directed edges, about 48 × 48 km ({graph_s:.1f} s to build); solver limit "
          f"{args.time_limit:g} s a day (campaign, tomorrow), the scenario's for day")
    steps = ("check", "day", "campaign", "tomorrow", "tomorrow_same")
    print(f"{'households':>10} {'vill':>4} {'teams':>5} " + " ".join(
        f"{s + ' s wall/cpu':>21} {'MB':>5}" for s in steps)
        + f" {'days':>4} {'bound':>5} {'ratio':>5}")
    for r in results:
        villages, teams = merged_sizes(r["households"])
        cells = []
        for s in steps:
            wall, mb, code, cpu = r.get(s, (float("nan"), float("nan"), 0, float("nan")))
            cells.append(f"{f'{wall:.1f} / {cpu:.1f}':>21} {mb:5.0f}" if not code
                         else f"{'FAILED':>21} {'':>5}")
        ratio = r["days"] / r["bound"] if r.get("days") and r.get("bound") else float("nan")
        print(f"{r['households']:>10} {villages:>4} {teams:>5} " + " ".join(cells)
              + f" {r.get('days') or '-':>4} {r.get('bound') or '-':>5} {ratio:5.2f}")
    print("wall/cpu: wall time and CPU time (user + system, with child processes) in s; "
          "tomorrow: re-planned from the second working day (every day planned again: the "
          "notice days fully, the later ones a forecast; that day drawn); "
          "tomorrow_same: the same again, nothing changed (no day planned). Targets for 3,000 "
          "households: " + ", ".join(f"{k} ≤ {v:g} s" for k, v in TARGETS_3000.items())
          + ", peak ≤ 2048 MB, days ≤ 1.15 × bound.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
