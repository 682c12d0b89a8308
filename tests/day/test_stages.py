"""The day solved tier by tier (``planner.day.stages``): one solve per tier
present, most urgent first, earlier tiers' visits mandatory later, the time
limit split by the nodes each stage may hold."""

from __future__ import annotations

from test_priorities import LAT0, LON0, STEP, _road, _scenario, _team
from test_reasons import _household, _point_households, _resident
from test_reasons import _road as _paved
from test_reasons import _scenario as _small
from test_reasons import _team as _small_team

from planner.day.plan import plan_day
from planner.day.stages import stage_limits
from planner.domain import Household, Resident
from planner.engine import solve


def test_stage_limits_add_up_to_the_day_limit() -> None:
    """Each stage's share is proportional to its size and the shares add up
    to the day's limit; no nodes, no time."""
    limits = stage_limits([2, 6], 4.0)
    assert limits == [1.0, 3.0]
    assert stage_limits([], 5.0) == []
    assert stage_limits([0], 5.0) == [0.0]


def test_one_solve_per_tier_present_and_earlier_tiers_kept() -> None:
    """A day with bedridden and able households only (no disabled, postpartum
    or elderly): the day's engine runs once, for the first tier (later tiers
    start from its routes); empty tiers cost no solve; the bedridden
    households the first stage served are still served at the end, with
    able ones in what room is left."""
    households = [Household(f"B{k}", "V", LON0 + (2 + 3 * k) * STEP, LAT0,
                            (Resident(f"RB{k}", "Người", "bedridden"),)) for k in range(3)]
    households += [Household(f"A{k}", "V", LON0 + (3 + 3 * k) * STEP, LAT0,
                             (Resident(f"RA{k}", "Người", "able"),)) for k in range(6)]
    scenario = _scenario(households, [_team("T1", max_work_h=5)])
    calls: list[tuple[int, float]] = []
    first: list[int] = []

    def counting(problem, limit_s, seed):
        calls.append((problem.num_nodes, limit_s))
        found = solve(problem, limit_s, seed)
        first.append(sum(len(r.nodes) for r in found.routes))
        return found

    plan, _, problem = plan_day(scenario, _road(), time_limit_s=1.0, seed=1, solve_fn=counting)
    assert len(calls) == 1  # the first stage only: the able stage starts from its routes
    assert calls[0][0] == 1 + 3  # the depot and the bedridden visits
    served = {s.household for r in plan.routes for s in r.stops if s.kind == "visit"}
    bedridden = {f"B{k}" for k in range(3)}
    assert len(served & bedridden) == first[0] >= 1
    assert served - bedridden  # an able household in the room left
    left = {u.household for u in plan.unserved if u.code == "no_capacity"}
    assert left and all(u.reason.startswith("no capacity left for this priority (")
                        for u in plan.unserved if u.code == "no_capacity")


def test_shuttles_go_to_the_officer_split_off_for_them() -> None:
    """A team that splits (points and shuttles) and two disabled residents to
    shuttle, with ten able ones invited to the village's point: the shuttles
    (an earlier tier than the point) go to the officer split off for them,
    who makes both, each trip right after the enrolment; the team with the
    kit shuttles nobody and opens the point (before, a stage could give the
    team the shuttles while the officer stayed idle, and its hours for the
    point were gone)."""
    shuttled = [_household(f"S{k}", 5 + 2 * k, _resident(f"RS{k}", "disabled", mode="shuttle"))
                for k in range(2)]
    team = _small_team(split=True, duties=("point", "shuttle"), bikes=3, lunch=True,
                       max_work_h=6)
    scenario = _small([*shuttled, *_point_households(10)], [team])
    plan, _m, _p = plan_day(scenario, _paved())
    by_unit = {r.unit: r for r in plan.routes}
    kinds = {unit: [s.kind for s in r.stops] for unit, r in by_unit.items()}
    assert "pickup" not in kinds[""] and "point" in kinds[""]
    assert kinds["shuttle"].count("pickup") == 4 and kinds["shuttle"].count("dropoff") == 4
    office = scenario.parameters.office_service_s
    stops = by_unit["shuttle"].stops
    for drop, pick in zip(stops, stops[1:], strict=False):
        if drop.kind == "dropoff" and drop.place == "office" and pick.kind == "pickup":
            assert pick.depart_s - pick.service_s - drop.depart_s == office
