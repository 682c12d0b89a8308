"""CPU cost of one simulated staffing run (``planner.campaign.staffing.simulate``).

Generates a commune (``planner.campaign.district.district``: generated
households and roads, not a real place), builds its workspace once, then
simulates one Monte Carlo run per team count in this process and prints, per
team count: working days to completion, CPU seconds for the run and
milliseconds per household-run. The workspace (matrices) is not counted; it is
computed once per scenario in a sweep. Usage::

    python -m benchmarks.sim_speed [--households 330] [--teams 1-6] [--runs 1]
                                   [--time-limit 0.1] [--fidelity full]
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
    from planner.campaign.district import district
    from planner.campaign.plan import build_workspace
    from planner.campaign.staffing import StaffingParams, simulate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=330)
    parser.add_argument("--size-km", type=float, default=8.0)
    parser.add_argument("--teams", default="1-6", help="team counts, e.g. 1-6 or 3")
    parser.add_argument("--runs", type=int, default=1, help="runs per team count")
    parser.add_argument("--time-limit", type=float, default=0.1)
    parser.add_argument("--fidelity", default=None,
                        help="StaffingParams.fidelity, when the planner has that knob")
    args = parser.parse_args(argv)

    sc, G = district(households=args.households, teams=3, communes=1, size_km=args.size_km,
                     home_share=0.7)
    started = time.process_time()
    ws = build_workspace(sc, G)
    ws_cpu = time.process_time() - started
    extra = {"fidelity": args.fidelity} if args.fidelity else {}
    params = StaffingParams(runs=args.runs, time_limit_s=args.time_limit, **extra)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    print(f"generated commune (planner.campaign.district, not a real place): "
          f"{len(sc.households)} households, {args.size_km:g} km, time limit "
          f"{args.time_limit:g} s/day, fidelity {args.fidelity or 'default'}; "
          f"workspace {ws_cpu:.1f} s CPU (once)")
    print(f"{'teams':>5}  {'run':>3}  {'days':>4}  {'officer-days':>12}  {'CPU s':>6}  "
          f"{'wall s':>6}  {'ms/household-run':>16}")
    cpu_all = []
    n = len(sc.households)
    for count in _team_range(args.teams):
        for run in range(args.runs):
            cpu0, wall0 = time.process_time(), time.perf_counter()
            result = simulate(ws, count, run, params)
            cpu = time.process_time() - cpu0
            wall = time.perf_counter() - wall0
            cpu_all.append(cpu)
            days = result.working_days if result.completion else f">{result.working_days}"
            print(f"{count:>5}  {run:>3}  {days:>4}  {result.officer_days:>12}  {cpu:6.2f}  "
                  f"{wall:6.2f}  {1000 * cpu / n:16.2f}")
    mean = statistics.fmean(cpu_all)
    print(f"mean CPU per run {mean:.3f} s = {1000 * mean / n:.2f} ms per household-run "
          f"over {len(cpu_all)} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
