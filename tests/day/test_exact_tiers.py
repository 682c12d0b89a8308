"""Acceptance of the tier rule by construction: on random crowded days the
exact self-check finds no counter-example, and the plan's own ``verify`` and
an independent re-check of its times (written here, not ``planner.day.timing``)
agree."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from test_priorities import _road, crowded_days

from planner.day.needs import day_needs
from planner.day.plan import plan_day, plan_sites
from planner.day.verify import plan_violations, priority_violations


def _independent_times(plan, scenario, matrices, site_of) -> list[str]:
    """Each route re-walked from its stops alone: every ride takes at least
    the matrix's time, the lunch break lies wholly before a ride (the team
    leaves when it ends) or wholly after it (it starts once the team has
    arrived), never inside it; each home visit inside a window of its need;
    the route inside the team's shift."""
    needs = {n.household.id: n for n in day_needs(scenario).home}
    teams = {t.id: t for t in scenario.teams}
    out: list[str] = []
    for route in plan.routes:
        team = teams[route.team]
        stops = route.stops
        if stops[0].depart_s < team.shift.start_s or stops[-1].arrive_s > team.shift.end_s:
            out.append(f"{route.name}: outside its shift")
        free, where, lunch = stops[0].depart_s, 0, None
        for stop in stops[1:]:
            if stop.kind == "break":
                if stop.arrive_s < free:
                    out.append(f"{route.name}: lunch starts before the team is free")
                lunch = stop
                if not stop.travel_s:
                    continue  # taken where the team is: the ride starts after it
            if stop.place == "office" or stop.kind == "end":
                site = 0
            elif stop.village and stop.kind in ("point", "break"):
                site = site_of[f"point:{stop.village}"]
            else:
                site = site_of[stop.household]
            ride = int(matrices.travel_s[where, site])
            leave = free
            if lunch is not None and lunch.travel_s == 0 and lunch.arrive_s >= free:
                leave = lunch.depart_s  # lunch before the ride
            if stop.arrive_s - leave < ride:
                out.append(f"{route.name}: reaches a stop {stop.arrive_s - leave} s after "
                           f"leaving, the ride takes {ride} s")
            lunch = None
            where = site
            if stop.kind == "break":  # lunch on arrival, then the work there
                free = stop.depart_s
                continue
            begin = stop.arrive_s + stop.wait_s
            if stop.kind == "visit" and stop.household in needs:
                need = needs[stop.household]
                if need.windows and not any(w.start_s <= begin and stop.depart_s <= w.end_s
                                            for w in need.windows):
                    out.append(f"{route.name}: {stop.household} outside its windows")
            free = stop.depart_s
    return out


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_days())
def test_random_crowded_days_exact_rule_and_timing_agree(scenario) -> None:
    """Real solves (1 s limit) of random crowded days: no household left out
    for capacity fits any order of an allowed route's stops of its tier or
    higher (exact search), the plan's own check passes, and the independent
    re-walk of the times agrees with it."""
    scenario = replace(scenario, parameters=replace(scenario.parameters, time_limit_s=1))
    plan, matrices, _ = plan_day(scenario, _road(18), time_limit_s=1, seed=3)
    site_of = plan_sites(scenario)[1]
    assert priority_violations(plan, scenario, matrices, site_of) == []
    own = plan_violations(plan, scenario, matrices, site_of)
    assert own == []
    assert _independent_times(plan, scenario, matrices, site_of) == own
