"""A shuttle the search leaves out (``planner.day.shuttles``): placed where it
fits as one trip on its own, else its ``no_capacity`` reason states what is
true, checked here by an independent count of every position. Real
OR-Tools solves (or an engine that serves nothing) on a small paved road."""

from __future__ import annotations

import datetime as dt

from test_seats import LAT0, LON0, STEP, H, _road  # the same small paved road

from planner.day.plan import plan_day, plan_sites
from planner.day.verify import plan_violations
from planner.domain import (
    CollectionPoint,
    Household,
    Parameters,
    Plan,
    Resident,
    Scenario,
    Station,
    Team,
    Village,
    Window,
)
from planner.problem import RouteSolution, RoutingProblem, Solution
from planner.render.i18n import reason_text


def _household(hid: str, node: int, condition: str, mode: str) -> Household:
    return Household(hid, "V", LON0 + node * STEP, LAT0,
                     (Resident(f"R{hid}", f"Người {hid}", condition, (), mode, 0),))


def _scenario(households, end_s: int) -> Scenario:
    """One team (home visits and shuttles, one kit, two motorbikes: one seat),
    no lunch, shift 07:00 to ``end_s``."""
    team = Team("T1", "Tổ 1", ("A", "B", "C"), 2, 1, Window(7 * H, end_s), None, 0,
                end_s - 7 * H, duties=("home", "shuttle"))
    village = Village("V", "Bản Thử", LON0 + 3 * STEP, LAT0,
                      (CollectionPoint("Nhà văn hoá", LON0 + 3 * STEP, LAT0),))
    return Scenario("room", True, dt.date(2026, 11, 24), Station("CA xã", LON0, LAT0),
                    (village,), tuple(households), (team,), "road",
                    Parameters(time_limit_s=1, seed=1, return_before_sunset=False))


def _nothing(problem: RoutingProblem, _limit: float, _seed: int) -> Solution:
    """An engine that serves nothing (every route empty)."""
    routes = tuple(RouteSolution(v, (), (), s.earliest_start_s, s.earliest_start_s)
                   for v, s in enumerate(problem.vehicles))
    return Solution(routes, tuple(range(1, problem.num_nodes)), 0, "ortools")


def test_a_shuttle_the_search_left_out_is_placed_where_it_fits() -> None:
    """The engine serves nothing; the day has room: the shuttle is made as
    one trip (pickup at home, office, pickup there, home) and the plan passes
    its self-check (``plan_day`` raises otherwise)."""
    scenario = _scenario([_household("S", 5, "elderly", "shuttle")], 17 * H)
    plan, _, _ = plan_day(scenario, _road(), solve_fn=_nothing)
    (route,) = plan.routes
    kinds = [(s.kind, s.place) for s in route.stops if s.kind in ("pickup", "dropoff")]
    assert kinds == [("pickup", "home"), ("dropoff", "office"), ("pickup", "office"),
                     ("dropoff", "home")]
    assert plan.unserved == ()


def _work_with_trip(plan: Plan, scenario: Scenario, matrices, k: int) -> int:
    """Independent count: seconds from leaving to return of T1's route with
    the shuttle's trip (home, office, the enrolment, home) as stops ``k``..
    ``k+3``, every stop without windows and no lunch (so the earliest
    timing is the sum of the legs and services)."""
    params = scenario.parameters
    site_of = plan_sites(scenario)[1]
    (route,) = plan.routes
    visits = [(site_of[s.household], s.service_s) for s in route.stops if s.kind == "visit"]
    board = params.board_s
    home = site_of["S"]
    trip = [(home, board), (0, board + params.office_service_s), (0, board), (home, board)]
    path = [(0, 0)] + visits[:k] + trip + visits[k:] + [(0, 0)]
    travel = sum(int(matrices.travel_s[a, b]) for (a, _), (b, _) in zip(path, path[1:],
                                                                         strict=False))
    return travel + sum(service for _, service in path)


def test_a_shuttle_left_out_for_room_says_what_is_true() -> None:
    """Three bedridden visits (80 min each) fill a 4 h 15 min day; the elderly
    shuttle comes after them: it is left out, and its reason's claim holds by
    an independent count (at every position of the route the trip makes the
    day longer than the shift), with the route's holdings, in both languages."""
    households = [_household(f"B{k}", k, "bedridden", "home") for k in (1, 2, 3)] \
        + [_household("S", 6, "elderly", "shuttle")]
    scenario = _scenario(households, 11 * H + 15 * 60)
    plan, matrices, _ = plan_day(scenario, _road(9))
    assert plan_violations(plan, scenario, matrices, plan_sites(scenario)[1]) == []
    (route,) = plan.routes
    assert sum(s.kind == "visit" for s in route.stops) == 3
    (u,) = plan.unserved
    assert (u.code, u.mode, u.residents) == ("no_capacity", "shuttle", ("RS",))
    numbers = dict(u.numbers)
    assert (numbers["units"], numbers["visits"], numbers["points"], numbers["shuttles"]) \
        == (1, 3, 0, 0)
    assert u.reason.startswith("no room for this shuttle tomorrow: made as one trip on its own")
    shift_s = 4 * H + 15 * 60
    assert all(_work_with_trip(plan, scenario, matrices, k) > shift_s for k in range(4))
    vi = reason_text(u, (), "vi")
    assert vi.startswith("ngày mai không còn chỗ cho chuyến đưa đón này")
    assert "1 lộ trình, tổng cộng có 3 lượt làm tại nhà" in vi
