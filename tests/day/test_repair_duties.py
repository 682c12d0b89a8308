"""The priority repair (``planner.day.repair``) gives a unit only work of the
duties it has today: a collection point moved out of a route to make room
never lands on a team without the ``point`` duty (the bug of the generated
commune of seed 505 in ``benchmarks/campaign_quality.py``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
from test_reasons import LAT0, LON0, STEP, H, _road  # a paved road east of the station

from planner.day.plan import plan_day, plan_sites
from planner.day.repair import _Routes
from planner.day.verify import plan_violations
from planner.domain import (
    CollectionPoint,
    Household,
    Parameters,
    Resident,
    Scenario,
    Station,
    Team,
    Village,
    Window,
)
from planner.engine import solve
from planner.problem import RouteSolution, Solution


def _scenario() -> Scenario:
    """The smallest day showing the bug: two 100-min bedridden visits, ``C``
    (home only 07:00–09:30) and ``X`` (any time), and a village point for
    three able residents (about an hour). T1 (home visits only, 07:00 on,
    3 h of work) can make C, or X, not both; T2 (home visits and the point,
    09:00 on, 2.5 h) cannot reach C in its window and can make X or the
    point, not both. The best day: T1 visits C, T2 visits X, the point waits."""
    village = Village("V", "Bản Thử", LON0 + 8 * STEP, LAT0,
                      (CollectionPoint("Nhà văn hoá", LON0 + 8 * STEP, LAT0),))
    households = (
        Household("C", "V", LON0 + 4 * STEP, LAT0,
                  (Resident("RC", "Người C", "bedridden", (Window(7 * H, 9 * H + 1800),)),)),
        Household("X", "V", LON0 + 6 * STEP, LAT0, (Resident("RX", "Người X", "bedridden"),)),
    ) + tuple(Household(f"P{k}", "V", LON0 + 8 * STEP, LAT0,
                        (Resident(f"RP{k}", f"Người P{k}", "able", (), "point"),))
              for k in range(3))
    service = (("bedridden", 100 * 60), ("disabled", 50 * 60), ("elderly", 35 * 60),
               ("postpartum", 35 * 60), ("able", 20 * 60))
    params = Parameters(service_s=service, time_limit_s=1, seed=1,
                        return_before_sunset=False)
    t1 = Team("T1", "Tổ 1", ("A", "B", "C"), 2, 1, Window(7 * H, 17 * H),
              max_work_s=3 * H, duties=("home",))
    t2 = Team("T2", "Tổ 2", ("D", "E", "F"), 2, 1, Window(9 * H, 17 * H),
              max_work_s=int(2.5 * H), duties=("home", "point"))
    return Scenario("repair-duties", True, dt.date(2026, 11, 24), Station("CA xã", LON0, LAT0),
                    (village,), households, (t1, t2), "road", params)


def _search_that_missed_c(problem, time_limit_s, seed):
    """The real engine on the day with C's visit worth nothing (a search that
    stopped before finding it): T1 visits X, T2 opens the point, C is out.
    The repair then serves C by moving X to T2, which moves the point out."""
    prize = problem.prize.copy()
    prize[1] = 0  # node 1: the first home visit, C
    return solve(replace(problem, prize=np.asarray(prize)), time_limit_s, seed)


def test_a_point_moved_out_of_the_way_stays_on_a_unit_with_the_point_duty() -> None:
    """After the repair relocates X from T1 to T2 to make room for C, no
    point lands on T1, which has room for it but only the ``home`` duty: C
    and X are visited, T1 makes home visits only, and the plan passes its
    self-check (plan_day raised on it before the fix, when the day was solved
    in one search and the point was on T2 before the relocation; solved tier
    by tier, the point comes after it, and ``_Routes.insert`` is checked
    directly below)."""
    scenario = _scenario()
    plan, matrices, problem = plan_day(scenario, _road(), time_limit_s=1, seed=1,
                                       solve_fn=_search_that_missed_c)
    assert plan_violations(plan, scenario, matrices, plan_sites(scenario)[1]) == []
    kinds = {r.team: [(s.kind, s.household) for s in r.stops
                      if s.kind in ("visit", "point")] for r in plan.routes}
    assert kinds["T1"] == [("visit", "C")]
    assert ("visit", "X") in kinds["T2"]
    assert all(kind != "point" for r in plan.routes if r.team != "T2"
               for kind, _ in kinds[r.team])


def test_the_missed_search_is_what_the_repair_starts_from() -> None:
    """The scenario does exercise the relocation: the engine's answer for the
    first tier (bedridden: C and X) has T1 visiting X and C left out; the plan
    ends with C on T1 and X moved to T2 (the day solved tier by tier: the
    point comes in a later stage, so T2's point is what the relocation must
    not hand to T1)."""
    scenario = _scenario()
    captured = []

    def engine(problem, time_limit_s, seed):
        captured.append(_search_that_missed_c(problem, time_limit_s, seed))
        return captured[-1]

    plan, _, _problem = plan_day(scenario, _road(), time_limit_s=1, seed=1, solve_fn=engine)
    routes = {r.vehicle: r.nodes for r in captured[0].routes}
    assert routes[0] == (2,) and not routes[1]  # T1: X (node 2); T2 idle
    assert 1 in captured[0].dropped  # C
    visits = {r.team: [s.household for s in r.stops if s.kind == "visit"] for r in plan.routes}
    assert visits["T1"] == ["C"] and "X" in visits["T2"]


def test_insert_refuses_a_route_whose_unit_lacks_the_duty() -> None:
    """Every placement of the repair goes through ``_Routes.insert``: into
    T1's empty day (room enough, only the ``home`` duty) the point's nodes
    are refused, and so is the whole block; into T2's (``point`` duty) they
    fit; X's visit fits both."""
    scenario = _scenario()
    _plan, _, problem = plan_day(scenario, _road(), time_limit_s=1, seed=1)
    empty = Solution(tuple(RouteSolution(v, (), (), 0, 0) for v in range(2)), (), 0, "none")
    routes = _Routes(problem, [], empty)  # insert reads only the problem
    point = tuple(n for n in range(3, problem.num_nodes))
    assert routes.allowed(*point) == [1]
    assert routes.insert(0, [], point) is None
    assert routes.insert(0, [], point[:1]) is None
    assert routes.insert(1, [], point) is not None
    assert routes.insert(0, [], (2,)) is not None and routes.insert(1, [], (2,)) is not None
