"""Independent checks of a day plan against its scenario and travel matrices.

``plan_violations`` recomputes what must hold and lists every breach in words;
an empty list means the plan is sound. The planner runs it on every plan it
writes, and the tests run it on random scenarios.

What must hold:
- every household appears exactly once: in one route, or in ``unserved``;
- each visit's service (from the service start to departure) lies inside a
  window when all its home-visit residents are in;
- each route leaves no earlier than its team's shift start and returns no
  later than the shift end (and sunset, when asked);
- times along a route never go backwards;
- each leg takes the travel time of the matrices (and at least that long
  between departure and arrival);
- the working day (leave to return) is at most the team's maximum;
- a team that works takes its lunch break inside the lunch window.
"""

from __future__ import annotations

from collections import Counter

from planner.domain import Plan, Scenario
from planner.matrix import TravelMatrices
from planner.scenario import format_clock


def plan_violations(plan: Plan, scenario: Scenario, matrices: TravelMatrices,
                    site_of: dict[str, int]) -> list[str]:
    """Every way ``plan`` breaks the rules above; ``site_of`` maps a household
    id to its row in ``matrices`` (the station is row 0)."""
    from planner.solver import day_limits, visit_needs

    problems: list[str] = []
    seen = Counter([s.household for r in plan.routes for s in r.stops if s.kind == "visit"]
                   + [u.household for u in plan.unserved])
    for h in scenario.households:
        if seen[h.id] != 1:
            problems.append(f"household {h.id} appears {seen[h.id]} times (must be once)")
    extra = set(seen) - {h.id for h in scenario.households}
    if extra:
        problems.append(f"unknown households in the plan: {sorted(extra)}")
    needs = {n.household.id: n for n in visit_needs(scenario)[0]}
    teams = {t.id: t for t in scenario.teams}
    for route in plan.routes:
        team = teams[route.team]
        earliest, latest = day_limits(scenario, team)
        stops = route.stops
        if stops[0].kind != "start" or stops[-1].kind != "end":
            problems.append(f"{route.team}: a route must begin with start and finish with end")
            continue
        if stops[0].depart_s < earliest:
            problems.append(f"{route.team}: leaves {format_clock(stops[0].depart_s)}, before "
                            f"the shift starts {format_clock(earliest)}")
        if stops[-1].arrive_s > latest:
            problems.append(f"{route.team}: returns {format_clock(stops[-1].arrive_s)}, after "
                            f"{format_clock(latest)}")
        if stops[-1].arrive_s - stops[0].depart_s > team.max_work_s:
            problems.append(f"{route.team}: works longer than {team.max_work_s} s")
        where = 0
        depart = stops[0].depart_s
        breaks = 0
        for k, stop in enumerate(stops[1:], start=1):
            if stop.arrive_s > stop.depart_s:
                problems.append(f"{route.team} stop {k}: departs before it arrives")
            if stop.household is not None:
                target = site_of[stop.household]
            elif stop.kind == "break" and not stop.travel_s:
                target = where  # a break on the way, where the team last stopped
            else:
                target = 0
            if stop.kind == "break":
                breaks += 1
                lunch = team.lunch
                if lunch is None or not lunch.contains(stop.arrive_s, stop.depart_s) or \
                        stop.depart_s - stop.arrive_s != team.lunch_s:
                    problems.append(f"{route.team}: break {format_clock(stop.arrive_s)}–"
                                    f"{format_clock(stop.depart_s)} outside the lunch window")
            if stop.travel_s or target != where:
                expected = int(matrices.travel_s[where, target])
                if stop.travel_s != expected:
                    problems.append(f"{route.team} stop {k}: leg takes {stop.travel_s} s, the "
                                    f"matrix says {expected} s")
                if stop.arrive_s - depart < expected:
                    problems.append(f"{route.team} stop {k}: arrives {stop.arrive_s - depart} s "
                                    f"after leaving, faster than the {expected} s leg")
                where = target
            if stop.arrive_s < depart and not (stop.kind == "break" and not stop.travel_s):
                problems.append(f"{route.team} stop {k}: time goes backwards")
            if stop.arrive_s < stops[k - 1].arrive_s:
                problems.append(f"{route.team} stop {k}: time goes backwards")
            if stop.kind == "visit":
                need = needs.get(stop.household or "")
                begin = stop.arrive_s + stop.wait_s
                if need is None:
                    problems.append(f"{route.team}: visits {stop.household}, which needs no "
                                    "home visit")
                else:
                    if stop.depart_s - begin != need.service_s:
                        problems.append(f"{route.team}: {stop.household} gets "
                                        f"{stop.depart_s - begin} s, needs {need.service_s} s")
                    if need.windows and not any(w.contains(begin, stop.depart_s)
                                                for w in need.windows):
                        problems.append(
                            f"{route.team}: {stop.household} visited {format_clock(begin)}–"
                            f"{format_clock(stop.depart_s)}, outside its availability")
            if stop.kind == "break" and not stop.travel_s:
                # a break where the team is, or on the way: the next leg may start
                # before the break ends only if the break was taken mid-ride
                depart = depart + (stop.depart_s - stop.arrive_s)
            else:
                depart = stop.depart_s
        visits = sum(1 for s in stops if s.kind == "visit")
        lunch = team.lunch
        if breaks > 1:
            problems.append(f"{route.team}: {breaks} lunch breaks (at most 1)")
        elif visits and lunch is not None and team.lunch_s > 0 and breaks == 0 \
                and stops[0].depart_s < lunch.start_s + team.lunch_s \
                and stops[-1].arrive_s > lunch.end_s - team.lunch_s:
            problems.append(f"{route.team}: no lunch break although the route spans "
                            "the lunch window")
    return problems
