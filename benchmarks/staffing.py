"""Staffing sweep on the FICTIONAL demo: teams 1–6, 20 Monte Carlo runs each.

Usage::

    python -m benchmarks.staffing [--runs 20] [--teams 1-6] [--workers 2]

Runs the same path as ``plan.py staffing`` (scenario → matrices once → Dask
LocalCluster of worker processes → ``simulate`` per run → summary) with fixed
seeds, and prints the staffing table, the wall time of each stage, whether the
expected completion never gets later as teams are added, and the machine's
load average (other work on the machine slows the sweep). Target: ≤ 120 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scenarios" / "demo" / "scenario.yaml"


def main() -> None:
    from planner.app.staffing import team_counts as parse_team_counts
    from planner.campaign.calendar import Calendar
    from planner.campaign.chart import staffing_table
    from planner.campaign.staffing import StaffingParams, staffing_teams, summarise
    from planner.campaign.sweep import run_sweep
    from planner.campaign.workspace import build_workspace
    from planner.roads.io import load_graph
    from planner.scenario import load_scenario
    from planner.speeds import load_speed_table

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--teams", default="1-6")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--wet-days", type=float, default=0.3)
    ap.add_argument("--deadline", default="2026-12-11")
    args = ap.parse_args()
    import datetime as dt

    deadline = dt.date.fromisoformat(args.deadline)
    counts = parse_team_counts(args.teams)
    params = StaffingParams(runs=args.runs, wet_day_p=args.wet_days, seed=1)
    t0 = time.perf_counter()
    scenario, _ = load_scenario(DEMO)
    ws = build_workspace(scenario, load_graph(scenario.roads), load_speed_table(),
                         seasons=("dry", "wet"))
    t1 = time.perf_counter()
    results = run_sweep({scenario.name: ws}, counts, params, workers=args.workers)
    t2 = time.perf_counter()
    calendars = {(scenario.name, k): Calendar.of(scenario, staffing_teams(scenario, k))
                 for k in counts}
    rows = summarise(results, calendars, deadline, params.max_days)
    print(f"staffing benchmark · {scenario.name} (FICTIONAL) · teams {args.teams} · "
          f"{args.runs} runs · wet days {args.wet_days:.0%} · not home "
          f"{'presence model' if params.not_home_p is None else f'{params.not_home_p:.0%}'}"
          f" · service CV {params.service_cv} · solver "
          f"{params.time_limit_s} s/day · python {platform.python_version()} · "
          f"{os.cpu_count()} cores")
    print(staffing_table(rows, deadline))
    means = [r.mean_days for r in rows]
    monotone = all(b <= a + 1e-9 for a, b in zip(means, means[1:], strict=False))
    print("")
    print(f"{'stage':<28} {'seconds':>8}")
    print(f"{'scenario, graph, matrices':<28} {t1 - t0:>8.1f}")
    print(f"{'Dask sweep (' + str(len(results)) + ' runs)':<28} {t2 - t1:>8.1f}")
    print(f"{'total':<28} {t2 - t0:>8.1f}   target ≤ 120")
    print(f"expected completion never later with more teams: {'yes' if monotone else 'NO'}")
    print(f"load average during the run: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
