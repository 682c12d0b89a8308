"""One timing rule for the scheduler and the self-check: lunch is taken
before or after a ride, never during it (``planner.day.timing``)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from test_priorities import LAT0, LON0, STEP, _road, _scenario, _team

from planner.day.plan import plan_day, plan_sites
from planner.day.timing import Schedule, TimedStop, schedule, timing_problems
from planner.day.verify import plan_violations
from planner.domain import Household, Resident, Village, Window
from planner.problem import BreakSpec, VehicleSpec

H = 3600


def _far_houses_day():
    """Two elderly households 11 km apart on a gravel road: one near the
    station at home until 11:20, one at the far end at home only 12:20–13:30;
    the lunch window (11:00–13:00, 1 h) falls between the two visits."""
    near = Household("NEAR", "V", LON0 + 1 * STEP, LAT0,
                     (Resident("R1", "Người 1", "elderly", (Window(10 * H, 11 * H + 1200),)),))
    far = Household("FAR", "V", LON0 + 23 * STEP, LAT0,
                    (Resident("R2", "Người 2", "elderly",
                              (Window(12 * H + 1200, 13 * H + 1800),)),))
    return _scenario([near, far], [_team("T1", 9)])


def test_schedule_never_lunches_during_a_ride_and_the_rule_refuses_it() -> None:
    """Two far stops (a 40 min ride) around the lunch window: the schedule
    takes lunch before or after the ride; times with the break in the middle
    of the ride (the next stop reached only ride + lunch after leaving, the
    break starting after the team left) break the rule."""
    travel = np.array([[0, 600, 3000], [600, 0, 2400], [3000, 2400, 0]], dtype=np.int64)
    vehicle = VehicleSpec("T1", 9 * H, 17 * H, 8 * H, (BreakSpec(11 * H + 1800, 11 * H + 1800, H),))
    stops = [TimedStop(1, 3000, ((10 * H, 10 * H + 1200),)), TimedStop(2, 3000)]
    timed = schedule(stops, travel, vehicle)
    assert timed is not None
    assert timing_problems(stops, travel, vehicle, timed) == []
    (b_start, b_dur), = timed.breaks
    free = timed.service_start_s[0] + 3000
    before = b_start >= free and b_start + b_dur + 2400 <= timed.service_start_s[1]
    after = b_start >= free + 2400 and b_start + b_dur <= timed.service_start_s[1]
    assert before or after
    # leave the first house at 11:10, lunch 11:30–12:30 on the way, arrive 12:50
    leave = 11 * H + 600
    mid_ride = Schedule(9 * H + 2400, (10 * H + 600, leave + 2400 + H), 13 * H + 3000 + 3000,
                        ((11 * H + 1800, H),))
    problems = timing_problems(stops, travel, vehicle, mid_ride)
    assert any("during the ride" in p for p in problems)


def test_planner_never_plans_lunch_mid_ride_and_verify_refuses_it() -> None:
    """The planner serves both far houses with lunch before or after the ride
    between them (its own self-check passes); the same plan with the break
    moved into the middle of that ride, every other time unchanged, is
    refused by the self-check."""
    scenario = _far_houses_day()
    G = _road(24)
    plan, matrices, _ = plan_day(scenario, G, time_limit_s=1, seed=1)
    site_of = plan_sites(scenario)[1]
    assert plan_violations(plan, scenario, matrices, site_of) == []
    route = plan.routes[0]
    kinds = [s.kind for s in route.stops]
    assert kinds.count("visit") == 2 and kinds.count("break") == 1
    k = kinds.index("break")
    brk = route.stops[k]
    prev_visit = max(i for i in range(k) if route.stops[i].kind == "visit")
    nxt = min(i for i in range(k + 1, len(kinds)) if route.stops[i].kind in ("visit", "end"))
    leaves = route.stops[prev_visit].depart_s
    reached = route.stops[nxt].arrive_s
    ride = route.stops[nxt].travel_s or brk.travel_s
    assert brk.arrive_s >= leaves
    if brk.travel_s == 0 and nxt == k + 1:  # lunch before the ride
        assert reached - brk.depart_s >= ride
    # the same team, lunch moved into the ride: it starts after the team left
    # and the next house is reached as before
    ride_s = route.stops[nxt].travel_s
    if ride_s == 0:  # lunch was at the far house: take it on the way instead
        ride_s = brk.travel_s
    start = leaves + ride_s // 2
    moved = [s for s in route.stops if s.kind != "break"]
    j = next(i for i, s in enumerate(moved) if s.depart_s > leaves)
    far = moved[j]
    moved[j] = replace(far, travel_s=ride_s, travel_m=far.travel_m or brk.travel_m,
                       arrive_s=leaves + ride_s + scenario.teams[0].lunch_s,
                       wait_s=max(0, far.depart_s - far.service_s
                                  - (leaves + ride_s + scenario.teams[0].lunch_s)))
    here = route.stops[prev_visit]
    moved.insert(j, replace(brk, arrive_s=start, depart_s=start + scenario.teams[0].lunch_s,
                            travel_s=0, travel_m=0, lon=here.lon, lat=here.lat,
                            household=here.household))
    bad = replace(plan, routes=(replace(route, stops=tuple(moved)),))
    problems = plan_violations(bad, scenario, matrices, site_of)
    assert problems, "a lunch taken mid-ride passed the self-check"
    assert any("during the ride" in p or "faster than" in p for p in problems)


def test_engine_times_with_lunch_mid_ride_are_retimed_by_the_rule() -> None:
    """An engine answer whose lunch falls during the 40 min ride between two
    far houses (OR-Tools' breaks only avoid services) is given the rule's
    times by ``retime_rides``: the same stops, the lunch before or after the
    ride, times the rule accepts."""
    from planner.day.problem import Node
    from planner.day.repair import retime_rides
    from planner.problem import RouteSolution, RoutingProblem, Solution

    travel = np.array([[0, 600, 3000], [600, 0, 2400], [3000, 2400, 0]], dtype=np.int64)
    vehicle = VehicleSpec("T1", 9 * H, 17 * H, 8 * H, (BreakSpec(11 * H, 12 * H, H),))
    problem = RoutingProblem(travel_s=travel, distance_m=travel * 5,
                             service_s=np.array([0, 3000, 3000], dtype=np.int64),
                             windows=((), ((10 * H, 10 * H + 1200),), ()),
                             prize=np.array([-1, 10, 10], dtype=np.int64), vehicles=(vehicle,))
    nodes = [Node("depot", 0), Node("visit", 1), Node("visit", 2)]
    # leave the first house at 11:10, lunch 11:20-12:20 during the ride, arrive 12:50
    leave = 10 * H + 600 + 3000
    engine = Solution((RouteSolution(0, (1, 2), (10 * H + 600, leave + 2400 + H),
                                     9 * H + 3000, leave + 2400 + H + 3000 + 3000,
                                     ((leave + 600, H),)),), (), 0, "ortools")
    stops = [TimedStop(1, 3000, ((10 * H, 10 * H + 1200),)), TimedStop(2, 3000)]
    r = engine.routes[0]
    assert timing_problems(stops, travel, vehicle,
                           Schedule(r.start_s, r.service_start_s, r.end_s, r.breaks))
    fixed = retime_rides(problem, nodes, engine).routes[0]
    assert fixed.nodes == (1, 2)
    assert timing_problems(stops, travel, vehicle, Schedule(
        fixed.start_s, fixed.service_start_s, fixed.end_s, fixed.breaks)) == []


def test_lunch_before_a_ride_into_a_point_stays_before_it() -> None:
    """The rule's lunch before a ride into a collection point (the team free
    at 10:45, lunch window 11:00–12:15 for 1 h, the point 30 min away with
    its 20 min set-up: after the ride and set-up the lunch could no longer
    start) stays before the ride in the plan: it was moved to the arrival,
    before the set-up, where the rule counts it as taken during the ride into
    the point, and the self-check refused the plan (issue 28, a merged
    commune's re-plan)."""
    far = 30
    near = Household("NEAR", "V", LON0 + 1 * STEP, LAT0,
                     (Resident("R1", "Người 1", "elderly", (Window(7 * H, 10 * H + 2700),)),))
    invited = tuple(Household(f"P{k}", "W", LON0 + far * STEP, LAT0,
                              (Resident(f"RP{k}", f"Người P{k}", "able", (), mode="point"),))
                    for k in range(3))
    scenario = _scenario([near, *invited],
                         [replace(_team("T1", 7), lunch=Window(11 * H, 12 * H + 900))])
    scenario = replace(scenario, villages=scenario.villages
                       + (Village("W", "Bản Xa", LON0 + far * STEP, LAT0),))
    slot = {"W": ("Bản Xa", 12 * H + 50 * 60, 14 * H)}   # announced: opens 12:50
    plan, matrices, _ = plan_day(scenario, _road(far + 2), time_limit_s=0.5, seed=1,
                                 point_slots=slot)
    site_of = plan_sites(scenario, point_slots=slot)[1]
    assert plan_violations(plan, scenario, matrices, site_of, slot) == []
    kinds = [s.kind for s in plan.routes[0].stops]
    assert kinds[:4] == ["start", "visit", "break", "point"], kinds
    visit, brk, point = plan.routes[0].stops[1:4]
    setup = scenario.parameters.point_setup_s
    # the case: free before the lunch window, the point reached inside it,
    # its set-up done only after the lunch's latest start (12:15 - 1 h)
    assert visit.depart_s < 11 * H
    assert visit.depart_s + point.travel_s <= 11 * H + 900 < visit.depart_s + point.travel_s + setup
    assert brk.travel_s == 0 and brk.arrive_s >= visit.depart_s   # eaten before leaving
    assert brk.depart_s + point.travel_s + setup <= point.opens_s
