"""The day solved tier by tier (``planner.day.stages``): one solve per tier
present, most urgent first, earlier tiers' visits mandatory later, the time
limit split by the nodes each stage may hold."""

from __future__ import annotations

from test_priorities import LAT0, LON0, STEP, _road, _scenario, _team

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
