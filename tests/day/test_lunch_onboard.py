"""Lunch never with a passenger on board, nor inside a collection point's
opening (``planner.day.timing.lunch_gaps``), in the scheduler, the verifier's
half of the rule and the planned day."""

from __future__ import annotations

import numpy as np
from test_seats import _household, _resident, _road, _scenario

from planner.day.orders import fitting_order
from planner.day.plan import plan_day, plan_sites
from planner.day.timing import Schedule, TimedStop, lunch_gaps, schedule, timing_problems
from planner.day.verify import plan_violations
from planner.domain import Plan, Team, Window
from planner.problem import BreakSpec, VehicleSpec

H = 3600


def test_lunch_gaps() -> None:
    """No lunch after a pickup until the drop, nor between two stops of one
    collection point; anywhere else it may be taken."""
    stops = [TimedStop(1, 5, seats=1), TimedStop(2, 5, seats=-1), TimedStop(3, 5, place=4),
             TimedStop(3, 5, place=4), TimedStop(5, 5)]
    assert lunch_gaps(stops) == [True, False, True, False, True, True]


def test_a_lunch_that_could_only_fall_on_the_ride_makes_the_route_refused() -> None:
    """Pickup pinned at 10:00 (5 min), the drop 40 min away, lunch to start
    exactly at 10:05: before, it would ride with the passenger on board;
    the scheduler refuses the route, the order search finds none with the
    pickup first, and the verifier flags the times with the lunch on the ride."""
    travel = np.array([[0, 600, 600], [600, 0, 2400], [600, 2400, 0]], dtype=np.int64)
    stops = [TimedStop(1, 300, ((10 * H, 10 * H),), seats=1), TimedStop(2, 300, seats=-1)]
    vehicle = VehicleSpec("T", 7 * H, 17 * H, 10 * H,
                          (BreakSpec(10 * H + 300, 10 * H + 300, 1800),))
    assert schedule(stops, travel, vehicle) is None
    # the order search may only put the drop first (no one on board then)
    assert fitting_order(stops, travel, vehicle) in (None, [1, 0])
    on_board = Schedule(10 * H - 600, (10 * H, 10 * H + 300 + 1800 + 2400),
                        10 * H + 300 + 1800 + 2400 + 300 + 600, ((10 * H + 300, 1800),))
    assert any("passengers on board" in p for p in timing_problems(stops, travel, vehicle,
                                                                   on_board))
    # without the passenger the same times follow the rule
    free = [TimedStop(1, 300, ((10 * H, 10 * H),)), TimedStop(2, 300)]
    assert timing_problems(free, travel, vehicle, on_board) == []


def _lunch_inside(plan: Plan) -> list[str]:
    """Every break of ``plan`` taken with a passenger on board or between two
    stops of one collection point's opening (an independent reading of the
    plan's stops)."""
    found = []
    for route in plan.routes:
        onboard = 0
        stops = route.stops
        for k, stop in enumerate(stops):
            if stop.kind in ("pickup", "dropoff"):
                onboard = stop.onboard
            if stop.kind != "break":
                continue
            if onboard > 0:
                found.append(f"{route.name}: lunch with {onboard} on board")
            before, after = stops[k - 1], stops[k + 1]
            if before.kind == after.kind == "point" and before.place == after.place \
                    and not after.travel_s:
                found.append(f"{route.name}: lunch inside the point at {before.place}")
    return found


def test_planned_days_never_lunch_on_a_ride_or_at_an_open_point() -> None:
    """A day with a 20-min lunch (shorter than the ride limits, so the ride
    limit alone would not forbid a lunch on board), four shuttles and a
    collection point, on one team that shuttles, visits and opens points:
    the plan passes its self-check and no break falls on a ride with a
    passenger or inside the point's opening."""
    team = Team("T1", "Tổ 1", ("A", "B", "C"), 3, 1, Window(7 * H, 17 * H),
                Window(10 * H + 1800, 12 * H), 1200, 10 * H, duties=("home", "shuttle", "point"))
    households = [_household(f"S{k}", 2 + k, _resident(f"RS{k}",
                                                         windows=[Window(9 * H, 13 * H)]))
                  for k in range(4)]
    households += [_household(f"P{k}", 3, _resident(f"RP{k}", "point")) for k in range(6)]
    households.append(_household("B", 5, _resident("RB", "home", "bedridden")))
    scenario = _scenario(households, [team])
    plan, matrices, _ = plan_day(scenario, _road())
    assert plan_violations(plan, scenario, matrices, plan_sites(scenario)[1]) == []
    assert any(s.kind == "break" for r in plan.routes for s in r.stops)
    assert any(s.kind == "pickup" for r in plan.routes for s in r.stops)
    assert _lunch_inside(plan) == []


def test_a_shuttle_whose_only_lunch_is_on_board_is_not_made() -> None:
    """The passenger is home only 10:00–10:05, the team's 20-min lunch must
    start at 10:05: the only lunch is with her on board (the rule before this
    one made the trip so, lunch at her house after the pickup). The shuttle
    is left out, with the shuttle's reason, and no lunch is on a ride."""
    team = Team("T1", "Tổ 1", ("A", "B", "C"), 2, 1, Window(7 * H, 17 * H),
                Window(10 * H + 300, 10 * H + 1500), 1200, 10 * H, duties=("home", "shuttle"))
    scenario = _scenario([_household("S", 6, _resident("RS", windows=[
        Window(10 * H, 10 * H + 300)]))], [team])
    plan, matrices, _ = plan_day(scenario, _road())
    assert plan_violations(plan, scenario, matrices, plan_sites(scenario)[1]) == []
    assert _lunch_inside(plan) == []
    (u,) = plan.unserved
    assert (u.code, u.mode) == ("no_capacity", "shuttle")
    assert "no room for this shuttle" in u.reason
