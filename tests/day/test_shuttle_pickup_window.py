"""The day's self-check verifies a shuttle's pickup at home exactly: from its
start to its departure inside a time all its shuttled residents are at home.

For a shuttle already announced, those times are the announced pickup to
``SHUTTLE_TOLERANCE_S`` later (``planner.campaign.dayloop.held_shuttles``),
so a kept announced shuttle picks up inside its window and one picked up
outside it is refused. On the demo day (real solve, the session's plan).
"""

from __future__ import annotations

from dataclasses import replace

from planner.campaign.dayloop import SHUTTLE_TOLERANCE_S, held_shuttles
from planner.day.plan import plan_sites
from planner.day.verify import plan_violations


def _pickup(plan):
    """The first pickup at home of the plan: (household id, its start in s)."""
    stop = next(s for r in plan.routes for s in r.stops
                if s.kind == "pickup" and s.place == "home")
    return stop.household, stop.arrive_s + stop.wait_s


def _with(scenario, households):
    return replace(scenario, households=tuple(households))


def test_a_pickup_inside_the_announced_window_passes(demo_day) -> None:
    """The shuttled household held at a pickup announced at its planned start
    (rounded down to the minute): the plan breaks no rule."""
    scenario, _G, plan, matrices, _p = demo_day
    hid, start = _pickup(plan)
    held = held_shuttles(list(scenario.households), {hid: start - start % 60},
                         scenario.parameters.board_s)
    sc = _with(scenario, held)
    windows = next(h for h in sc.households if h.id == hid).residents
    assert any(r.windows for r in windows if r.mode == "shuttle")
    assert plan_violations(plan, sc, matrices, plan_sites(sc)[1]) == []


def test_a_pickup_before_the_announced_time_is_refused(demo_day) -> None:
    """Announced 10 min after the planned pickup starts: the self-check names
    the household and its pickup outside the window; announced so early that
    the pickup starts more than the tolerance after it: refused too."""
    scenario, _G, plan, matrices, _p = demo_day
    hid, start = _pickup(plan)
    board = scenario.parameters.board_s
    for announced in (start + 600, start - SHUTTLE_TOLERANCE_S - 60):
        sc = _with(scenario, held_shuttles(list(scenario.households), {hid: announced}, board))
        problems = plan_violations(plan, sc, matrices, plan_sites(sc)[1])
        assert any(p.startswith(f"shuttle of {hid}: picked up at home") for p in problems), \
            problems
