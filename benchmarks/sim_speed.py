"""CPU cost of one simulated staffing run (``planner.campaign.staffing.simulate``).

Generates a commune (``benchmarks.generated_district.district``: generated
households and roads, not a real place), builds its workspace once, then
simulates one Monte Carlo run per team count in this process and prints, per
team count: working days to completion, CPU seconds for the run and
milliseconds per household-run. The workspace (matrices) is not counted; it is
computed once per scenario in a sweep. ``--scenario`` takes a scenario file
instead (e.g. the demo); ``--fidelity full,sweep`` runs both on the same seeds
and ends with a calibration table (mean working days and officer-days per team
count, sweep against full). Usage::

    python -m benchmarks.sim_speed [--households 330 | --scenario FILE] [--teams 1-6]
                                   [--runs 1] [--time-limit 0.1] [--fidelity full,sweep]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time


def _team_range(text: str) -> list[int]:
    lo, _, hi = text.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def main(argv: list[str] | None = None) -> int:
    from benchmarks.generated_district import district
    from planner.campaign.staffing import StaffingParams, simulate
    from planner.campaign.workspace import build_workspace
    from planner.speeds import load_speed_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=330)
    parser.add_argument("--size-km", type=float, default=8.0)
    parser.add_argument("--teams", default="1-6", help="team counts, e.g. 1-6 or 3")
    parser.add_argument("--runs", type=int, default=1, help="runs per team count")
    parser.add_argument("--time-limit", type=float, default=0.1)
    parser.add_argument("--fidelity", default="full",
                        help="StaffingParams.fidelity, or several: full,sweep")
    parser.add_argument("--scenario", default=None, help="a scenario file instead")
    parser.add_argument("--dry-only", action="store_true",
                        help="dry-season matrices only (no wet days), as the issue's first "
                             "measurement; by default dry and wet, as plan.py staffing")
    args = parser.parse_args(argv)

    if args.scenario:
        from planner.roads.io import load_graph
        from planner.scenario import load_scenario

        sc, _ = load_scenario(args.scenario)
        G = load_graph(sc.roads)
        what = f"scenario {args.scenario} ({'fictional' if sc.fictional else 'real'})"
    else:
        sc, G = district(households=args.households, teams=3, communes=1,
                         size_km=args.size_km, home_share=0.7)
        what = (f"generated commune (benchmarks.generated_district, not a real place), "
                f"{args.size_km:g} km")
    started = time.process_time()
    ws = build_workspace(sc, G, load_speed_table(),
                         seasons=("dry",) if args.dry_only else ("dry", "wet"))
    ws_cpu = time.process_time() - started
    fidelities = args.fidelity.split(",")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    print(f"{what}: {len(sc.households)} households, time limit {args.time_limit:g} s/day, "
          f"seasons {'dry only' if args.dry_only else 'dry and wet'}; "
          f"workspace {ws_cpu:.1f} s CPU (once, not counted)")
    print(f"{'fidelity':>8}  {'teams':>5}  {'run':>3}  {'days':>4}  {'officer-days':>12}  "
          f"{'CPU s':>6}  {'wall s':>6}  {'ms/household-run':>16}")
    cpu_all: dict[str, list[float]] = {f: [] for f in fidelities}
    days_of: dict[tuple[str, int], list[tuple[int, int]]] = {}
    n = len(sc.households)
    for fidelity in fidelities:
        params = StaffingParams(runs=args.runs, time_limit_s=args.time_limit,
                                fidelity=fidelity)
        for count in _team_range(args.teams):
            for run in range(args.runs):
                cpu0, wall0 = time.process_time(), time.perf_counter()
                result = simulate(ws, count, run, params)
                cpu = time.process_time() - cpu0
                wall = time.perf_counter() - wall0
                cpu_all[fidelity].append(cpu)
                days_of.setdefault((fidelity, count), []).append(
                    (result.working_days, result.officer_days))
                days = result.working_days if result.completion else f">{result.working_days}"
                print(f"{fidelity:>8}  {count:>5}  {run:>3}  {days:>4}  "
                      f"{result.officer_days:>12}  {cpu:6.2f}  {wall:6.2f}  "
                      f"{1000 * cpu / n:16.2f}")
    for fidelity, cpus in cpu_all.items():
        mean = statistics.fmean(cpus)
        print(f"{fidelity}: mean CPU per run {mean:.3f} s = {1000 * mean / n:.2f} ms per "
              f"household-run over {len(cpus)} runs")
    if len(fidelities) > 1:
        base = fidelities[0]
        print(f"calibration (mean over {args.runs} run(s), same seeds; unfinished runs count "
              "as max_days):")
        head = "  ".join(f"{f + ' days':>10}  {f + ' off-d':>11}" for f in fidelities)
        print(f"{'teams':>5}  {head}  {'days vs ' + base:>14}")
        for count in _team_range(args.teams):
            cells, means = [], {}
            for f in fidelities:
                runs = days_of[(f, count)]
                means[f] = statistics.fmean(d for d, _ in runs)
                cells.append(f"{means[f]:>10.1f}  {statistics.fmean(o for _, o in runs):>11.1f}")
            other = fidelities[-1]
            change = 100 * (means[other] - means[base]) / means[base] if means[base] else 0.0
            print(f"{count:>5}  {'  '.join(cells)}  {change:>+13.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
