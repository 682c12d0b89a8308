"""Campaign quality: working days used against the lower bound, on three scenarios.

Usage::

    python -m benchmarks.campaign_quality [--time-limit 1.0] [--district-households 600]

Plans a whole campaign (``plan_campaign``: the day assignment, then
``plan_day`` for every day, every mode) on:

1. the FICTIONAL demo commune (``scenarios/demo``);
2. the GENERATED district of ``benchmarks.generated_district.district`` (a size
   that runs in a few minutes);
3. a GENERATED commune where 30 % of the households are at home only early
   in the morning (05:30–07:30; ``benchmarks.generated_district.early_commune``,
   fixed seed).

Prints a table: households, residents by mode, residents served and those
that cannot be served, working days used, the lower bound (the larger of the
work bound and the collection-point bound, docs/campaign.md), the ratio, and
on which working days the narrow-window households are served. Target: ratio
≤ 1.15 on each. Fixed seeds; the day engine is the campaign's
(``default_solver``, as ``plan.py campaign``; ``--fast``: the in-process one of
the staffing sweeps) with ``--time-limit`` seconds of work a day.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scenarios" / "demo" / "scenario.yaml"


def measure(name: str, scenario, G, time_limit_s: float, fast: bool = False) -> dict:
    """Plan the campaign of ``scenario`` on ``G``; the row of the table."""
    from planner.campaign.calendar import Calendar
    from planner.campaign.dayloop import default_solver, fast_solver
    from planner.campaign.loop import CampaignOptions, plan_campaign, resident_ids
    from planner.campaign.needs import band_of, initial_pending, parts, residents_by_mode
    from planner.campaign.workspace import build_workspace
    from planner.speeds import load_speed_table

    t0 = time.perf_counter()
    ws = build_workspace(scenario, G, load_speed_table())
    t1 = time.perf_counter()
    pending = initial_pending(scenario)
    result = plan_campaign(ws, pending, scenario.date, None, Calendar.of(scenario),
                           CampaignOptions(time_limit_s=time_limit_s,
                                           solver=fast_solver if fast else default_solver))
    t2 = time.perf_counter()
    narrow = {r.id for p in pending for r in parts(p.household).home
              if band_of(parts(p.household).home) != "open"}
    order = {d.date: k + 1 for k, d in enumerate(result.days)}
    narrow_days = sorted(order[result.assignment[rid][0]] for rid in narrow
                         if rid in result.assignment)
    per_day = {k: narrow_days.count(k) for k in range(1, result.working_days_used + 1)}
    bound = result.bound
    return {"scenario": name, "households": len(pending),
            "modes": residents_by_mode(p.household for p in pending),
            "served": len(result.assignment),
            "cannot": sum(len(resident_ids(u)) for u in result.cannot_serve),
            "unplanned": len(result.unplanned_residents)
            + sum(len(resident_ids(u)) for u in result.not_planned),
            "days": result.working_days_used, "bound": bound.days,
            "work_days": bound.work_days, "point_days": bound.point_days,
            "exact": bound.days_exact,
            "ratio": result.working_days_used / bound.days if bound.days else float("nan"),
            "narrow_per_day": per_day, "matrices_s": t1 - t0, "plan_s": t2 - t1}


def main() -> None:
    from benchmarks.generated_district import district, early_commune
    from planner.roads.io import load_graph
    from planner.scenario import load_scenario

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=1.0)
    ap.add_argument("--district-households", type=int, default=600)
    ap.add_argument("--district-teams", type=int, default=4)
    ap.add_argument("--only", choices=("demo", "district", "early"), default=None)
    ap.add_argument("--fast", action="store_true",
                    help="the in-process engine of staffing sweeps instead of the day engine")
    args = ap.parse_args()
    rows = []
    if args.only in (None, "demo"):
        demo, _ = load_scenario(DEMO)
        rows.append(measure("demo (fictional)", demo, load_graph(demo.roads), args.time_limit,
                            args.fast))
    if args.only in (None, "district"):
        sc, G = district(households=args.district_households, teams=args.district_teams,
                         communes=4, size_km=16.0)
        rows.append(measure("district (generated)", sc, G, args.time_limit, args.fast))
    if args.only in (None, "early"):
        sc, G = early_commune()
        rows.append(measure("commune 30 % early (generated)", sc, G, args.time_limit, args.fast))
    engine = "fast_solver" if args.fast else "the day engine (two searches)"
    print(f"campaign quality · {engine} {args.time_limit:g} s/day · python "
          f"{platform.python_version()} · {os.cpu_count()} cores · load "
          f"{os.getloadavg()[0]:.1f}")
    head = (f"{'scenario':<31} {'hh':>5} {'home':>5} {'shut':>5} {'point':>5} {'auto':>5} "
            f"{'served':>6} {'cannot':>6} {'left':>5} {'days':>5} {'bound':>5} "
            f"{'(work':>6} {'point)':>6} {'ratio':>6}")
    print(head)
    print("-" * len(head))
    for r in rows:
        m = r["modes"]
        print(f"{r['scenario']:<31} {r['households']:>5} {m['home']:>5} {m['shuttle']:>5} "
              f"{m['point']:>5} {m['auto']:>5} {r['served']:>6} {r['cannot']:>6} "
              f"{r['unplanned']:>5} {r['days']:>5} {r['bound']:>5} {r['work_days']:>6} "
              f"{r['point_days']:>6} {r['ratio']:>6.2f}")
    print("")
    print("narrow-window residents (early, evening, short) served per working day:")
    for r in rows:
        cells = " ".join(f"d{k}:{n}" for k, n in r["narrow_per_day"].items())
        print(f"  {r['scenario']:<31} {cells}")
    print("")
    print(f"{'scenario':<31} {'matrices s':>10} {'campaign s':>10}")
    for r in rows:
        print(f"{r['scenario']:<31} {r['matrices_s']:>10.1f} {r['plan_s']:>10.1f}")
    print("target: ratio ≤ 1.15 on each scenario")


if __name__ == "__main__":
    main()
