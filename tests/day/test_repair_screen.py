"""The priority repair's screen (``planner.day.repair._Routes.screen``) only
skips what could not fit: on random crowded days, repaired from a search that
served no one (so the repair builds every route), the plan is the same with
the screen as with every candidate tried on every route (without relocations,
a third of the candidates of these days are screened out); and ``work_cap``
is the largest work ``may_fit`` accepts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_priorities import _road, crowded_days

import planner.day.repair as repair
from planner.day.plan import plan_day, plan_sites
from planner.day.timing import may_fit
from planner.day.verify import priority_violations
from planner.problem import BreakSpec, RouteSolution, Solution, VehicleSpec


def _nothing_served(problem, time_limit_s, seed) -> Solution:
    """A search that stopped at once: every route empty, every node left out."""
    routes = tuple(RouteSolution(v, (), (), spec.earliest_start_s, spec.earliest_start_s)
                   for v, spec in enumerate(problem.vehicles))
    return Solution(routes, tuple(range(1, problem.num_nodes)), 0, "none")


def _open_screen(self, v: int, tier: int) -> repair._Screen:
    """A screen that lets every node through (only the duties still count)."""
    every = self._may_take[v].copy()
    nothing = np.zeros(len(every), dtype=np.int64)
    return repair._Screen(every, every, nothing - 10**12, defaultdict(lambda: nothing))


@st.composite
def fuller_days(draw):
    """``crowded_days`` with every household three times (new ids, the
    copies further along the road): more than the teams can take, so that
    most of the households left out fail the screen."""
    scenario = draw(crowded_days())
    households = tuple(
        replace(h, id=f"{h.id}-{k}", lon=h.lon + 0.004 * k,
                residents=tuple(replace(r, id=f"{r.id}-{k}") for r in h.residents))
        for k in range(3) for h in scenario.households)
    return replace(scenario, households=households)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fuller_days(), st.booleans())
def test_the_screen_changes_no_repaired_plan(scenario, relocate: bool) -> None:
    """Random crowded days repaired from empty routes (with relocations or,
    as a staffing sweep plans, without): the plan with the screen equals the
    plan with every candidate tried on every route, and it keeps the exact
    tier rule (the self-check's ``priority_violations``)."""
    G = _road(18)
    screened, matrices, _ = plan_day(scenario, G, time_limit_s=0.1, seed=3,
                                     solve_fn=_nothing_served, relocate=relocate)
    real = repair._Routes.screen
    repair._Routes.screen = _open_screen
    try:
        tried_all, _, _ = plan_day(scenario, G, time_limit_s=0.1, seed=3,
                                   solve_fn=_nothing_served, relocate=relocate)
    finally:
        repair._Routes.screen = real
    assert screened == tried_all
    assert priority_violations(screened, scenario, matrices, plan_sites(scenario)[1]) == []


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 12), st.integers(13, 20), st.integers(1, 12), st.booleans(),
       st.integers(9, 13), st.integers(0, 120))
def test_work_cap_is_the_largest_work_may_fit_accepts(start_h, end_h, most_h, lunch,
                                                      lunch_h, lunch_min) -> None:
    """For random shifts, working times and lunches: ``may_fit(work_cap)``
    holds and ``may_fit(work_cap + 1)`` does not (-1 when nothing fits)."""
    breaks = (BreakSpec(lunch_h * 3600, lunch_h * 3600 + 5400, lunch_min * 60),) \
        if lunch else ()
    vehicle = VehicleSpec(name="T", earliest_start_s=start_h * 3600,
                          latest_end_s=end_h * 3600, max_duration_s=most_h * 3600,
                          breaks=breaks)
    cap = repair.work_cap(vehicle)
    assert cap == -1 or may_fit(cap, vehicle)
    assert not may_fit(cap + 1, vehicle)
