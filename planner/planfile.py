"""The plan file (``plan.json``) and the plan's readable summary.

The format is documented in ``docs/plan-format.md``: units first, then keys.
Times are local clock times ``"HH:MM"``; durations are seconds (``_s``);
distances metres (``_m``); coordinates ``lon``/``lat`` in WGS84 degrees.
``plan.json`` holds no names, ID numbers or health conditions: only codes.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from planner.atomic import write_atomic
from planner.domain import Plan, Scenario, Stop
from planner.rules import home_residents
from planner.scenario import format_clock

__all__ = ["plan_json", "plan_to_dict", "summary_text", "write_atomic"]

FORMAT = "mountain-id-planner/plan"
VERSION = 2


def _stop_dict(stop: Stop, scenario: Scenario | None) -> dict[str, Any]:
    residents: list[str] = list(stop.passengers)
    village = stop.village or None
    if stop.household and scenario is not None:
        h = next(h for h in scenario.households if h.id == stop.household)
        village = h.village_id
        if stop.kind == "visit":
            residents = [r.id for r in home_residents(h)]
    if stop.kind == "point" and scenario is not None:
        by_id = {h.id: h for h in scenario.households}
        residents = []
        for hid in stop.households:
            at_home = home_residents(by_id[hid])
            residents += [r.id for r in by_id[hid].residents
                          if r.mode == "point" or (r.mode == "auto" and r not in at_home)]
    out: dict[str, Any] = {
        "kind": stop.kind,
        "household": stop.household,
        "village": village,
        "arrive": format_clock(stop.arrive_s),
        "depart": format_clock(stop.depart_s),
        "lon": round(stop.lon, 6),
        "lat": round(stop.lat, 6),
        "travel_s": stop.travel_s,
        "travel_m": stop.travel_m,
        "wait_s": stop.wait_s,
        "service_s": stop.service_s,
        "walk_m": stop.walk_m,
        "park": None if stop.park_lon is None else
        {"lon": round(stop.park_lon, 6), "lat": round(stop.park_lat or 0.0, 6)},
        "approximate": stop.approximate,
        "residents": residents,
    }
    if stop.kind in ("pickup", "dropoff"):
        out["place"] = stop.place
        out["onboard"] = stop.onboard
    elif stop.kind == "point":
        out["place"] = stop.place
        out["opens"] = format_clock(stop.opens_s)
        out["closes"] = format_clock(stop.depart_s)
        out["attendance"] = stop.attendance
        out["households"] = list(stop.households)
    return out


def plan_to_dict(plan: Plan, scenario: Scenario | None = None) -> dict[str, Any]:
    """The plan as the JSON-ready dictionary of ``docs/plan-format.md``."""
    visits = [s for r in plan.routes for s in r.stops if s.kind == "visit"]
    points = [s for r in plan.routes for s in r.stops if s.kind == "point"]
    shuttled = [s for r in plan.routes for s in r.stops
                if s.kind == "pickup" and s.place == "home"]
    approximate = {h.id for h in scenario.households if h.approximate} if scenario else set()
    residents = 0
    if scenario is not None:
        by_id = {h.id: h for h in scenario.households}
        residents = sum(len(home_residents(by_id[s.household])) for s in visits
                        if s.household in by_id)
    return {
        "format": FORMAT,
        "version": VERSION,
        "date": plan.date.isoformat(),
        "scenario": plan.scenario,
        "fictional": plan.fictional,
        "season": plan.season,
        "engine": plan.engine,
        "seed": plan.seed,
        "time_limit_s": plan.time_limit_s,
        "objective": plan.objective,
        "summary": {
            "teams": len(plan.routes),
            "visits": len(visits),
            "residents_visited": residents,
            "shuttles": len(shuttled),
            "residents_shuttled": sum(len(s.passengers) for s in shuttled),
            "collection_points": len({(s.village, s.place) for s in points}),
            "point_attendance": round(sum(s.attendance for s in points), 1),
            "unserved": len(plan.unserved),
            "distance_m": sum(r.distance_m for r in plan.routes),
            "walk_m": 2 * sum(s.walk_m for s in visits),
        },
        "routes": [
            {
                "team": r.team,
                "unit": r.unit or "team",
                "distance_m": r.distance_m,
                "duration_s": r.duration_s,
                "depart": format_clock(r.stops[0].depart_s),
                "return": format_clock(r.stops[-1].arrive_s),
                "stops": [_stop_dict(s, scenario) for s in r.stops],
            }
            for r in plan.routes
        ],
        "unserved": [{"household": u.household, "mode": u.mode, "code": u.code,
                      "reason": u.reason, "approximate": u.household in approximate}
                     for u in plan.unserved],
        "notes": list(plan.notes),
    }


def plan_json(plan: Plan, scenario: Scenario | None = None) -> str:
    """The plan file's text: stable key order, two-space indent, UTF-8, NFC."""
    return json.dumps(plan_to_dict(plan, scenario), ensure_ascii=False, indent=2) + "\n"


def summary_text(plan: Plan, scenario: Scenario, max_unserved: int = 12) -> str:
    """A readable summary: per team its stops, km, hours, departure and return;
    then the unserved, grouped by reason."""
    lines = []
    if plan.fictional:
        lines.append("FICTIONAL DEMO DATA — every name, person and road is made up.")
    lines.append(f"Plan for {plan.date.isoformat()} · {plan.scenario} · season {plan.season} "
                 f"· engine {plan.engine}")
    lines += [f"Note: {note}" for note in plan.notes if not note.startswith("Fictional")]
    teams = {t.id: t for t in scenario.teams}
    for r in plan.routes:
        visits = [s for s in r.stops if s.kind == "visit"]
        walk_km = 2 * sum(s.walk_m for s in visits) / 1000
        lines.append("")
        others = Counter(s.kind for s in r.stops if s.kind in ("pickup", "dropoff", "point"))
        extra_kinds = "".join(f", {n} {kind}s" for kind, n in sorted(others.items()))
        unit = " (shuttle officer)" if r.unit == "shuttle" else ""
        lines.append(
            f"{r.name} {teams[r.team].name}{unit}: {len(visits)} visits{extra_kinds}, "
            f"{r.distance_m / 1000:.1f} km ({walk_km:.1f} km on foot), "
            f"{r.duration_s / 3600:.1f} h, depart {format_clock(r.stops[0].depart_s)}, "
            f"return {format_clock(r.stops[-1].arrive_s)}")
        n = 0
        for s in r.stops:
            if s.kind == "visit":
                n += 1
                extra = f", walk {s.walk_m} m" if s.walk_m else ""
                extra += ", approx. location" if s.approximate else ""
                lines.append(f"  {n:>2}. {format_clock(s.arrive_s)}–{format_clock(s.depart_s)} "
                             f"{s.household} ({s.service_s // 60} min{extra})")
            elif s.kind in ("pickup", "dropoff"):
                n += 1
                where = "at home" if s.place == "home" else "at the office"
                lines.append(f"  {n:>2}. {format_clock(s.arrive_s)}–{format_clock(s.depart_s)} "
                             f"{s.kind} {len(s.passengers)} of {s.household} {where} "
                             f"({s.onboard} on board after)")
            elif s.kind == "point":
                n += 1
                lines.append(f"  {n:>2}. {format_clock(s.arrive_s)}–{format_clock(s.depart_s)} "
                             f"collection point at {s.place}, open "
                             f"{format_clock(s.opens_s)}–{format_clock(s.depart_s)}, "
                             f"{s.attendance:.1f} expected from {len(s.households)} households")
            elif s.kind == "break":
                lines.append(f"      {format_clock(s.arrive_s)}–{format_clock(s.depart_s)} "
                             "lunch break")
    lines.append("")
    visiting = [u for u in plan.unserved if u.code != "not_home_visit"]
    other = len(plan.unserved) - len(visiting)
    lines.append(f"Unserved: {len(visiting)}")
    counts = Counter(u.code for u in visiting)
    for u in visiting[:max_unserved]:
        lines.append(f"  {u.household} ({u.mode}): {u.reason}")
    if len(visiting) > max_unserved:
        more = ", ".join(f"{c} {code}" for code, c in counts.most_common())
        lines.append(f"  … {len(visiting) - max_unserved} more (all: {more}); see plan.json")
    if other:
        lines.append(f"Households with no home visit needed (they come to the office or a "
                     f"collection point): {other}")
    return "\n".join(lines)
