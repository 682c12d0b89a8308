"""Multi-day planning on the FICTIONAL demo: every resident of every mode gets a
day (home visits, shuttles, collection points), point days after the notice,
the lower bound, priorities, team days off, narrow windows spread over the
days (on a GENERATED commune), and the Monte Carlo staffing simulation.
Real solves (the fast in-process engine, short time limits)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from planner.campaign.calendar import Calendar
from planner.campaign.dayloop import fast_solver
from planner.campaign.loop import CampaignOptions, plan_campaign, resident_ids
from planner.campaign.needs import band_of, initial_pending, parts, point_room
from planner.campaign.staffing import StaffingParams, simulate, summarise
from planner.campaign.workspace import build_workspace
from planner.domain import CampaignSettings
from planner.speeds import load_speed_table

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo" / "scenario.yaml"
FAST = CampaignOptions(time_limit_s=0.2, solver=fast_solver)


@pytest.fixture(scope="module")
def demo():
    """The demo scenario and its campaign workspace (dry and wet matrices, once)."""
    from planner.roads.io import load_graph
    from planner.scenario import load_scenario

    scenario, _ = load_scenario(DEMO)
    return scenario, build_workspace(scenario, load_graph(scenario.roads), load_speed_table(),
                                     seasons=("dry", "wet"))


@pytest.fixture(scope="module")
def planned(demo):
    scenario, ws = demo
    return plan_campaign(ws, initial_pending(scenario), scenario.date,
                         dt.date(2026, 12, 11), Calendar.of(scenario), FAST)


def test_every_resident_of_every_mode_is_planned_once_or_explained(demo, planned) -> None:
    """Each resident (home, shuttle, point, auto) is served on exactly one day, or
    named with a lasting reason: none is left awaiting a collection point."""
    scenario, _ = demo
    everyone = {r.id for h in scenario.households for r in h.residents}
    served = [rid for d in planned.days for rid in d.served]
    assert len(served) == len(set(served))
    explained = {rid for u in planned.cannot_serve for rid in resident_ids(u)}
    assert set(served) | explained == everyone and not set(served) & explained
    assert all(u.reason and u.code for u in planned.cannot_serve)
    assert not planned.not_planned and not planned.unplanned_residents and not planned.late
    hows = {how for _d, _t, how in planned.assignment.values()}
    assert hows == {"home", "shuttle", "point"}
    point_residents = {r.id for h in scenario.households for r in h.residents
                       if r.mode == "point"}
    assert point_residents <= set(served) | explained
    assert len(point_residents & set(served)) > 500


def test_days_used_respect_the_lower_bound_and_the_demo_is_close(demo, planned) -> None:
    """The lower bound is a bound (days ≥ bound), counts the point sessions, and the
    demo is within 15 % of it."""
    scenario, _ = demo
    bound = planned.bound
    assert 0 < bound.days_exact <= bound.work_days <= bound.days <= planned.working_days_used
    people = {}
    for h in scenario.households:
        for r in h.residents:
            if r.mode == "point":
                people[h.village_id] = people.get(h.village_id, 0) + 1
    busiest = max(-(-n // point_room(scenario)) for n in people.values())
    assert bound.point_days == planned.notice_days + busiest
    assert planned.working_days_used <= 1.15 * bound.days


def test_points_open_after_the_notice_and_once_a_village_a_day(planned) -> None:
    """No collection point in the first notice_days working days; at most one
    session a village a day; its invited residents are served there that day."""
    assert planned.notice_days == 2
    for k, d in enumerate(planned.days):
        sessions = d.point_sessions
        if k < planned.notice_days:
            assert not sessions
        villages = [s["village"] for s in sessions]
        assert len(villages) == len(set(villages))
        households = {h.id: h for h in d.scenario.households}
        for s in sessions:
            for hid in s["households"]:
                assert any(d.served.get(r.id, ("", ""))[1] == "point"
                           for r in households[hid].residents)
    assert sum(len(d.point_sessions) for d in planned.days) >= 36


def test_day_plans_hold_only_pending_residents_and_their_teams(demo, planned) -> None:
    """A day's plan serves only residents still pending that day, with that day's teams."""
    seen: set[str] = set()
    for d in planned.days:
        offered = {r.id for h in d.scenario.households for r in h.residents}
        assert set(d.served) <= offered and not seen & offered
        seen |= set(d.served)
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
    """Priority: with one team (many days of work), bedridden residents are served
    earlier on average than elderly ones."""
    from planner.campaign.report import priority_days

    scenario, ws = demo
    one = replace(scenario, teams=scenario.teams[:1])
    result = plan_campaign(replace(ws, scenario=one), initial_pending(one), one.date, None,
                           Calendar.of(one), FAST)
    means = priority_days(result, one)
    assert result.working_days_used >= 10
    assert means["bedridden"] < means["elderly"]


def test_narrow_window_households_are_spread_over_the_first_days() -> None:
    """On a GENERATED commune with 30 % of the households at home only 05:30–07:30,
    every resident is planned, and the early-morning households are spread over
    the days: the first half of the days serves at least 40 % of them, and no
    day holds half of them (a day's teams each visit a chain of two or three
    neighbours at that hour, planner.campaign.bandpack, so a day of two teams
    may hold five of 14)."""
    from benchmarks.generated_district import early_commune

    scenario, G = early_commune(households=45, teams=2, villages=3)
    ws = build_workspace(scenario, G, load_speed_table())
    result = plan_campaign(ws, initial_pending(scenario), scenario.date, None,
                           Calendar.of(scenario), FAST)
    assert not result.not_planned and not result.unplanned_residents
    order = {d.date: k for k, d in enumerate(result.days)}
    early = [r.id for h in scenario.households for r in parts(h).home
             if band_of(parts(h).home) == "early"]
    days = [order[result.assignment[rid][0]] for rid in early if rid in result.assignment]
    assert len(days) >= 0.9 * len(early) and len(result.days) >= 4
    half = -(-len(result.days) // 2)
    assert sum(1 for k in days if k < half) >= 0.4 * len(days)
    assert max(days.count(k) for k in set(days)) < len(days) / 2, sorted(days)


def test_staffing_more_teams_never_finish_later_in_one_run(demo) -> None:
    """With common random numbers, 3 teams finish no later than 1 team; every mode
    is counted (home, shuttle, point)."""
    scenario, ws = demo
    params = StaffingParams(runs=1, time_limit_s=0.1, wet_day_p=0.3, seed=3)
    one = simulate(ws, 1, 0, params)
    three = simulate(ws, 3, 0, params)
    assert one.completion is not None and three.completion is not None
    assert three.completion <= one.completion
    assert three.officer_days > 0 and three.distance_m > 0
    assert three.home > 0 and three.shuttle > 0 and three.point > 400
    assert three.home + three.shuttle + three.point == three.enrolled
    total = sum(len(h.residents) for h in scenario.households)
    assert three.enrolled + three.different_approach + three.cannot_serve == total
    rows = summarise([one, three], {(scenario.name, k): Calendar.of(scenario)
                                    for k in (1, 3)}, dt.date(2026, 12, 11), params.max_days)
    assert [r.teams for r in rows] == [1, 3] and rows[1].mean_days <= rows[0].mean_days


def test_every_route_travels_at_least_the_round_trip_to_its_farthest_site(demo, planned) -> None:
    """The premise of the round-trip part of the bound, on the real day plans:
    a route's travel (matrix seconds) is at least station → its farthest
    stop → station, less the rounding slack; and all the campaign's travel is
    at least the assignment bound over the rows it entered."""
    import numpy as np

    from planner.campaign.bound import _assignment_travel_s, _rounding_slack_s

    scenario, ws = demo
    m = ws.matrices["dry"].travel_s
    slack = _rounding_slack_s(scenario.parameters, 10 * 3600)
    entered: set[int] = set()
    total = 0
    for day in planned.days:
        mw = ws.matrices[day.season].travel_s
        for route in day.plan.routes:
            rows = [ws.row(s.lon, s.lat) for s in route.stops]
            travel = int(sum(mw[a, b] for a, b in zip(rows, rows[1:], strict=False)))
            inner = [r for r in rows if r != 0]
            if not inner:
                continue
            assert rows[0] == 0 and rows[-1] == 0
            farthest = max(int(m[0, r] + m[r, 0]) for r in inner)
            assert travel >= farthest - slack, route.name
            entered.update(inner)
            total += travel
    assert np.isfinite(total) and 0 < _assignment_travel_s(m, sorted(entered)) <= total


def test_assignment_travel_is_a_relaxation_of_the_tours() -> None:
    """On a hand-made matrix (station 0, sites 1–3 on a line), the assignment
    bound is the cheapest set of cycles giving every site one successor (a
    cycle need not pass through the station) less half a second an arc: the
    cycle 1→2→3→1 (1+1+2 = 4 s), below the best tour 0→1→2→3→0 (12 s); a
    lone site needs the station: 0→2→0 (10 s)."""
    import numpy as np

    from planner.campaign.bound import _assignment_travel_s

    m = np.array([[0, 4, 5, 6], [4, 0, 1, 2], [5, 1, 0, 1], [6, 2, 1, 0]], dtype=np.int64)
    assert _assignment_travel_s(m, [1, 2, 3]) == 4 - 1.5
    assert _assignment_travel_s(m, [2]) == 10 - 0.5


def test_households_sharing_a_place_are_entered_once_in_the_bound(demo) -> None:
    """Two households at the same coordinates can be served on one arrival:
    duplicating a household in place adds its service to the bound, but no
    travel."""
    from planner.campaign.bound import lower_bound
    from planner.campaign.needs import home_service_s

    scenario, ws = demo
    home = next(h for h in scenario.households if parts(h).home and not parts(h).shuttle
                and not parts(h).point)
    twin = replace(home, id=home.id + "-twin",
                   residents=tuple(replace(r, id=r.id + "-twin") for r in home.residents))
    calendar = Calendar.of(scenario)
    one = lower_bound(ws, initial_pending(scenario), calendar, scenario.date)
    two = lower_bound(ws, initial_pending(scenario) + [initial_pending(
        replace(scenario, households=(twin,)))[0]], calendar, scenario.date)
    assert two.service_s == one.service_s + home_service_s(scenario, parts(twin).home)
    assert two.work_s >= one.work_s


def test_the_bound_is_kept_per_inputs_and_only_for_them(demo) -> None:
    """``lower_bound`` keeps its answer in the workspace (a sweep runs the same
    campaign many times): equal inputs, also through a copy made with
    ``replace``, give the kept bound; other teams or fewer households give
    their own, equal to a fresh computation."""
    from planner.campaign.bound import _lower_bound, lower_bound
    from planner.campaign.staffing import staffing_teams

    scenario, ws = demo
    calendar = Calendar.of(scenario)
    pending = initial_pending(scenario)
    first = lower_bound(ws, pending, calendar, scenario.date)
    copy = replace(ws, scenario=replace(scenario))
    assert lower_bound(copy, list(pending), Calendar.of(scenario), scenario.date) is first
    more = replace(scenario, teams=staffing_teams(scenario, len(scenario.teams) + 2))
    wider = replace(ws, scenario=more)
    bound = lower_bound(wider, initial_pending(more), Calendar.of(more), more.date)
    assert bound is not first and bound.work_days < first.work_days
    assert bound == _lower_bound(wider, initial_pending(more), Calendar.of(more), more.date, 0)
    fewer = lower_bound(ws, pending[:10], calendar, scenario.date)
    assert fewer == _lower_bound(ws, pending[:10], calendar, scenario.date, 0)
    assert fewer.households == 10


def test_sweep_fidelity_serves_every_mode_and_says_so(demo) -> None:
    """A run at the sweep fidelity (cheaper day search, no relocations in the
    priority repair) still finishes the demo with home visits, shuttles and
    points, every day passing the self-check; its result, summary row and
    CSVs name the fidelity; an unknown fidelity is refused by name."""
    from planner.campaign.chart import runs_csv, staffing_csv

    scenario, ws = demo
    params = StaffingParams(runs=1, time_limit_s=0.1, wet_day_p=0.3, seed=3, fidelity="sweep")
    three = simulate(ws, 3, 0, params)
    assert three.fidelity == "sweep" and three.completion is not None
    assert three.home > 0 and three.shuttle > 0 and three.point > 400
    total = sum(len(h.residents) for h in scenario.households)
    assert three.enrolled + three.different_approach + three.cannot_serve == total
    rows = summarise([three], {(scenario.name, 3): Calendar.of(scenario)},
                     dt.date(2026, 12, 11), params.max_days)
    assert rows[0].fidelity == "sweep"
    assert staffing_csv(rows).splitlines()[0].endswith(",fidelity")
    assert staffing_csv(rows).splitlines()[1].endswith(",sweep")
    assert runs_csv([three]).splitlines()[1].endswith(",sweep")
    with pytest.raises(ValueError, match="fidelity 'quick'"):
        simulate(ws, 1, 0, replace(params, fidelity="quick"))


def test_residents_never_home_together_are_served_on_two_days() -> None:
    """A household whose residents are never at home at the same time (on a
    small real road): the bedridden resident is visited first, the others on a
    later day; two residents to shuttle who are never in together are
    shuttled on two days. No one is left with a lasting reason."""
    from test_reasons import H, _household, _plan, _resident, _road, _scenario, _team

    from planner.domain import Window

    home = _household("H1", 2, _resident("R1", "able", windows=[Window(7 * H, 9 * H)]),
                      _resident("R2", "bedridden", windows=[Window(14 * H, 16 * H)]),
                      _resident("R3", "elderly", windows=[Window(8 * H, 10 * H)]))
    ride = _household("H2", 4, _resident("S1", "able", windows=[Window(8 * H, 10 * H)],
                                         mode="shuttle"),
                      _resident("S2", "able", windows=[Window(13 * H, 15 * H)],
                                mode="shuttle"))
    scenario = _scenario([home, ride], [_team(split=True)])
    _plan(scenario)  # the first day is sound (plan_violations) on its own
    ws = build_workspace(scenario, _road(), load_speed_table())
    result = plan_campaign(ws, initial_pending(scenario), scenario.date, None,
                           Calendar.of(scenario), FAST)
    assert not result.cannot_serve and not result.not_planned
    day = {rid: when for rid, (when, _team_id, _how) in result.assignment.items()}
    assert set(day) == {"R1", "R2", "R3", "S1", "S2"}
    assert day["R2"] < day["R1"] == day["R3"]
    assert day["S1"] != day["S2"]
    assert result.assignment["S1"][2] == result.assignment["S2"][2] == "shuttle"
