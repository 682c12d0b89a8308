"""A GENERATED district (≥ 3,000 households, 8 teams): plan its whole campaign.

Usage::

    python -m benchmarks.district [--households 3000] [--teams 8] [--time-limit 0.2]

Builds the generated district (``benchmarks.generated_district``: fictional
communes on a generated road graph), computes the travel matrices once, and
plans the campaign day by day (the day assignment, then ``plan_day`` with
every mode) with the fast in-process engine (``fast_solver``) under a short
per-day limit; on a district the home visits offered each day form one
cluster per team. Prints the
timings of each stage, the days used against the lower bound, and the load
average. Target: the whole campaign in ≤ 120 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import time


def main() -> None:
    from benchmarks.generated_district import district
    from planner.campaign.calendar import Calendar
    from planner.campaign.dayloop import fast_solver
    from planner.campaign.loop import CampaignOptions, plan_campaign, resident_ids
    from planner.campaign.needs import initial_pending, residents_by_mode
    from planner.campaign.report import gap_pct
    from planner.campaign.workspace import build_workspace
    from planner.speeds import load_speed_table

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=3000)
    ap.add_argument("--teams", type=int, default=8)
    ap.add_argument("--time-limit", type=float, default=0.2)
    args = ap.parse_args()
    t0 = time.perf_counter()
    scenario, G = district(households=args.households, teams=args.teams, home_share=0.7)
    t1 = time.perf_counter()
    ws = build_workspace(scenario, G, load_speed_table())
    t2 = time.perf_counter()
    options = CampaignOptions(time_limit_s=args.time_limit, seed=1, solver=fast_solver,
                              max_days=80)
    result = plan_campaign(ws, initial_pending(scenario), scenario.date, None,
                           Calendar.of(scenario), options)
    t3 = time.perf_counter()
    served = len(result.assignment)
    modes = residents_by_mode(p.household for p in result.pending)
    gap = gap_pct(result)
    print(f"district benchmark · GENERATED district · {len(scenario.households)} households "
          f"(residents: {', '.join(f'{n} {m}' for m, n in modes.items())}) · {args.teams} teams · "
          f"{G.number_of_nodes()} road nodes · solver {args.time_limit} s/day · "
          f"python {platform.python_version()} · "
          f"{os.cpu_count()} cores")
    print(f"{'stage':<30} {'seconds':>8}")
    print(f"{'generate district + graph':<30} {t1 - t0:>8.1f}")
    print(f"{'travel matrices (once)':<30} {t2 - t1:>8.1f}")
    print(f"{'plan ' + str(len(result.days)) + ' working days':<30} {t3 - t2:>8.1f}")
    print(f"{'total':<30} {t3 - t0:>8.1f}   target ≤ 120")
    print(f"working days used {result.working_days_used} · lower bound {result.bound.days} "
          f"({result.bound.days_exact:.1f} days of work) · gap "
          f"{gap:.0f} %" if gap is not None else "gap n/a")
    cannot = sum(len(resident_ids(u)) for u in result.cannot_serve)
    left = sum(len(resident_ids(u)) for u in result.not_planned)
    print(f"residents served {served} · cannot serve {cannot} · not planned {left} · "
          f"mean served/day {served / max(1, len(result.days)):.1f}")
    print(f"load average during the run: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
