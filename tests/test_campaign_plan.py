"""Multi-day planning on the FICTIONAL demo: coverage, reasons, the lower bound,
priorities, team days off, and the Monte Carlo staffing simulation."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from planner.campaign.calendar import Calendar
from planner.campaign.plan import (
    CampaignOptions,
    build_workspace,
    fast_solver,
    initial_pending,
    plan_campaign,
)
from planner.campaign.staffing import StaffingParams, simulate, summarise
from planner.domain import CampaignSettings

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scenarios" / "demo" / "scenario.yaml"
FAST = CampaignOptions(time_limit_s=0.2, solver=fast_solver)


@pytest.fixture(scope="module")
def demo():
    """The demo scenario and its campaign workspace (dry and wet matrices, once)."""
    from planner.roads.io import load_graph
    from planner.scenario import load_scenario

    scenario, _ = load_scenario(DEMO)
    return scenario, build_workspace(scenario, load_graph(scenario.roads),
                                     seasons=("dry", "wet"))


@pytest.fixture(scope="module")
def planned(demo):
    scenario, ws = demo
    return plan_campaign(ws, initial_pending(scenario), scenario.date,
                         dt.date(2026, 12, 11), Calendar.of(scenario), FAST)


def test_every_home_visit_is_planned_once_or_explained(demo, planned) -> None:
    """Each home-visit household is on exactly one day with one team, or named with a reason."""
    scenario, _ = demo
    home = {p.household.id for p in initial_pending(scenario)}
    visited = [h for d in planned.days for h in d.visited]
    assert len(visited) == len(set(visited))
    explained = {u.household for u in planned.cannot_serve + planned.not_planned}
    assert set(visited) | explained == home and not set(visited) & explained
    assert all(u.reason and u.code for u in planned.cannot_serve)
    assert not planned.late and not planned.not_planned


def test_days_used_respect_the_lower_bound_and_the_demo_is_close(planned) -> None:
    """The lower bound is a bound (days ≥ bound) and the demo is within 15 % of it."""
    bound = planned.bound
    assert 0 < bound.days_exact <= bound.days <= planned.working_days_used
    assert planned.working_days_used <= 1.15 * bound.days


def test_day_plans_hold_only_pending_residents_and_their_teams(demo, planned) -> None:
    """A day's plan visits only households pending that day, with that day's teams."""
    seen: set[str] = set()
    for d in planned.days:
        assert not seen & set(d.visited)
        seen |= set(d.visited)
        assert {r.team for r in d.plan.routes} == {t.id for t in d.scenario.teams}


def test_a_team_day_off_removes_its_route(demo) -> None:
    """With T1 off on the first day, T1 has no route that day but works the next."""
    scenario, ws = demo
    first = scenario.date
    off = replace(scenario, campaign=CampaignSettings(days_off=(("T1", first),)))
    ws_off = replace(ws, scenario=off)
    result = plan_campaign(ws_off, initial_pending(off), first, None, Calendar.of(off), FAST)
    assert "T1" not in {r.team for r in result.days[0].plan.routes}
    assert any(team == "T1" for d in result.days[1:] for team in d.visited.values())


def test_bedridden_go_earlier_when_capacity_is_short(demo) -> None:
    """Priority: with one team (several days of work), households with a bedridden
    resident are planned earlier on average than those with an elderly one."""
    from planner.campaign.report import priority_days

    scenario, ws = demo
    one = replace(scenario, teams=scenario.teams[:1])
    result = plan_campaign(replace(ws, scenario=one), initial_pending(one), one.date, None,
                           Calendar.of(one), FAST)
    means = priority_days(result, one)
    assert result.working_days_used >= 3
    assert means["bedridden"] < means["elderly"]


def test_staffing_more_teams_never_finish_later_in_one_run(demo) -> None:
    """With common random numbers, 3 teams finish no later than 1 team, and enrol the same
    households except those left for a different approach."""
    scenario, ws = demo
    params = StaffingParams(runs=1, time_limit_s=0.1, wet_day_p=0.3, seed=3)
    one = simulate(ws, 1, 0, params)
    three = simulate(ws, 3, 0, params)
    assert one.completion is not None and three.completion is not None
    assert three.completion <= one.completion
    assert three.officer_days > 0 and three.distance_m > 0
    rows = summarise([one, three], {(scenario.name, k): Calendar.of(scenario)
                                    for k in (1, 3)}, dt.date(2026, 12, 11), params.max_days)
    assert [r.teams for r in rows] == [1, 3] and rows[1].mean_days <= rows[0].mean_days
