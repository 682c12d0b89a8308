"""The campaign's lower bound is a bound (issue 23, item 6).

On ``tests/data/scenarios/ok_small`` the days used count the working days
spent waiting for a collection point's notice (the bound counts them). On
random small GENERATED communes (``planner.scenario.generate``, on the demo's
fictional road network), real campaign solves with short limits: the bound
never exceeds the working days used; on tiny ones (2–5 households, home
visits) it never exceeds an exhaustive optimum either: every split of the
households over working days and teams, every order of a route, timed by
the day planner's rule (``planner.day.timing.schedule``). The window bound's
chains and covering relaxation (``planner.campaign.window_bound``) are in
both, and two hand-made bands check that they count what the time alone
does not.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.campaign.bound import lower_bound
from planner.campaign.calendar import Calendar
from planner.campaign.dayloop import fast_solver
from planner.campaign.loop import CampaignOptions, plan_campaign
from planner.campaign.needs import home_service_s, initial_pending, parts
from planner.campaign.workspace import Workspace, build_workspace
from planner.day.problem import team_vehicle
from planner.day.timing import TimedStop, schedule
from planner.domain import Household, Parameters, Resident, Scenario, Station, Team, Village, Window
from planner.matrix import TravelMatrices
from planner.rules import common_windows
from planner.scenario.generate import generate_commune
from planner.speeds import default_season, load_speed_table

ROOT = Path(__file__).resolve().parents[2]
OK_SMALL = ROOT / "tests" / "data" / "scenarios" / "ok_small" / "scenario.yaml"
FAST = CampaignOptions(time_limit_s=0.2, solver=fast_solver)


@pytest.fixture(scope="module")
def roads():
    """The demo's fictional road network and the speed table (loaded once)."""
    from planner.roads.io import load_graph

    return load_graph("demo_commune"), load_speed_table()


def _campaign(scenario, roads):
    G, table = roads
    ws = build_workspace(scenario, G, table)
    result = plan_campaign(ws, initial_pending(scenario), scenario.date, None,
                           Calendar.of(scenario), replace(FAST, seed=scenario.parameters.seed))
    return ws, result


def test_ok_small_days_used_count_the_notice_days(roads) -> None:
    """ok_small: the point opens after its two days of notice, on the third
    working day; the days used are 3 (the idle second day counts), not below
    the bound of 3."""
    from planner.scenario import load_scenario

    scenario, _ = load_scenario(OK_SMALL)
    _ws, result = _campaign(scenario, roads)
    assert not result.not_planned
    assert result.bound.point_days == 3
    assert result.working_days_used == 3
    assert result.bound.days <= result.working_days_used


@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), households=st.integers(5, 12), teams=st.integers(1, 2))
def test_bound_never_exceeds_the_days_used(roads, seed: int, households: int,
                                           teams: int) -> None:
    """A random small generated commune (every mode, narrow windows, duties):
    the campaign plans everyone it can serve, and its lower bound (work,
    points, windows) is at most the working days it used."""
    G, _table = roads
    scenario = generate_commune(G, seed, households=households, villages=2, teams=teams,
                                radius_km=4.0)
    _ws, result = _campaign(scenario, roads)
    assert not result.not_planned and not result.unplanned_residents
    if result.assignment:
        assert result.bound.days <= result.working_days_used


def _stop(ws, scenario, h) -> TimedStop | None:
    """The home visit of ``h`` as the timing rule sees it (None: never fits)."""
    residents = parts(h).home
    service = home_service_s(scenario, residents)
    windows = common_windows(residents)
    starts = tuple((w.start_s, w.end_s - service) for w in windows
                   if w.end_s - service >= w.start_s)
    if windows and not starts:
        return None
    return TimedStop(ws.row(h.lon, h.lat), service, starts)


def exhaustive_days(ws, scenario, calendar: Calendar) -> tuple[int, list[int]]:
    """The fewest working days from the scenario's date in which the teams can
    make the home visit of every household that fits some route alone (every
    split over days and teams, every order of a route, by
    ``planner.day.timing.schedule`` on the campaign's matrices), and the
    indices of those households."""
    stops = [_stop(ws, scenario, h) for h in scenario.households]
    n = len(stops)
    travel = ws.matrices[default_season(ws.table)].travel_s
    days = list(calendar.working_days(scenario.date, limit=n))
    fits: list[list[int]] = []   # per day: the masks of households one team can serve
    for day in days:
        day_sc = replace(scenario, date=day)
        per_team = []
        for team in calendar.teams_on(day):
            if team.kits == 0 or "home" not in team.duties:
                continue
            vehicle = team_vehicle(day_sc, team, team.id)
            per_team.append([m for m in range(1, 1 << n)
                             if all(stops[i] is not None for i in range(n) if m >> i & 1)
                             and any(schedule([stops[i] for i in order], travel, vehicle)
                                     is not None for order in itertools.permutations(
                                         [i for i in range(n) if m >> i & 1]))])
        fits.append(per_team)
    alone = {i for per_team in fits for masks in per_team for i in range(n) if (1 << i) in masks}
    full = sum(1 << i for i in alone)
    if not full:
        return 0, []
    reach = {0}
    for k, per_team in enumerate(fits):
        coverable = {0}
        for masks in per_team:
            coverable |= {c | m for c in coverable for m in masks if not c & m}
        reach = {r | c for r in reach for c in coverable}
        if full in reach:
            return k + 1, sorted(alone)
    return 0, sorted(alone)


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), households=st.integers(2, 5), teams=st.integers(1, 2))
def test_bound_never_exceeds_an_exhaustive_optimum(roads, seed: int, households: int,
                                                   teams: int) -> None:
    """A tiny generated commune of home visits, most at home only early or in
    the evening: over the households some route can serve, the bound is at
    most the exhaustive optimum; when the campaign serves exactly those, the
    optimum is at most the days it used."""
    G, _table = roads
    scenario = generate_commune(G, seed, households=households, villages=2, teams=teams,
                                modes=(("home", 1.0),), max_residents=2, radius_km=4.0,
                                narrow_share=(0.5, 1.0))
    ws, result = _campaign(scenario, roads)
    best, servable = exhaustive_days(ws, scenario, Calendar.of(scenario))
    pending = [p for k, p in enumerate(initial_pending(scenario)) if k in servable]
    bound = lower_bound(ws, pending, Calendar.of(scenario), scenario.date)
    assert bound.days <= best
    ids = {scenario.households[k].id for k in servable}
    by_resident = {r.id: h.id for h in scenario.households for r in h.residents}
    served = {by_resident[rid] for rid in result.assignment}
    if served == ids:
        assert best <= result.working_days_used


def _early_workspace(conditions: list[tuple[str, ...]]) -> tuple[Workspace, Scenario]:
    """Households at home only 06:00–07:30, one per entry of ``conditions``
    (its residents' conditions), 5 min from each other and from the station;
    one team on 06:00–15:30 with a kit and the ``home`` duty."""
    early = (Window(6 * 3600, 7 * 3600 + 1800),)
    hh = tuple(Household(f"H{k}", "V", 105.0 + 0.001 * k, 21.0,
                         tuple(Resident(f"R{k}-{j}", f"Generated {k}-{j}", c, early)
                               for j, c in enumerate(cs)))
               for k, cs in enumerate(conditions))
    team = Team("T1", "Generated team", ("A", "B"), 2, 1, Window(6 * 3600, 15 * 3600 + 1800),
                Window(11 * 3600, 13 * 3600), 3600, 9 * 3600 + 1800, duties=("home",))
    sc = Scenario("generated", True, dt.date(2027, 4, 12), Station("S", 105.0, 21.0),
                  (Village("V", "Generated village", 105.0, 21.0),), hh, (team,), "none",
                  Parameters(return_before_sunset=False))
    n = len(hh) + 1
    travel = np.full((n, n), 300, dtype=np.int64)
    np.fill_diagonal(travel, 0)
    table = load_speed_table()
    season = default_season(table)
    ws = Workspace(scenario=sc, row_of={(sc.station.lon, sc.station.lat): 0,
                                        **{(h.lon, h.lat): k + 1 for k, h in enumerate(hh)}},
                   matrices={season: TravelMatrices(travel, travel, travel, (), "motorbike",
                                                    season)},
                   table=table, approach_s=np.full(n, 300, dtype=np.int64))
    return ws, sc


def test_window_bound_counts_visits_that_do_not_pack() -> None:
    """Six households at home only 06:00–07:30 whose visit takes 55 min (a
    disabled resident), one early team: the window's time (90 min a day) would
    hold 1.6 of them, but two never fit in it (the first starts at 06:05 at
    the earliest, the second could not end by 07:30), so the chain bound says
    6 days, one a day (the optimum), and the campaign's bound is 6."""
    ws, sc = _early_workspace([("disabled",)] * 6)
    bound = lower_bound(ws, initial_pending(sc), Calendar.of(sc), sc.date)
    assert bound.window_days == 6
    assert bound.days == 6


def test_window_bound_covers_visits_that_pair_badly() -> None:
    """Two 40-min visits (an elderly resident) and three 45-min ones (two able
    residents) in the 06:00–07:30 band of one team, 5 min apart: a day holds
    the two 40-min visits together, or one 45-min visit alone, so the best plan
    takes 4 days. The visits' time (215 min against 80 a day), their count (2
    a day) and the 45-min ones alone (3) each prove only 3; the covering
    relaxation proves 4."""
    ws, sc = _early_workspace([("elderly",)] * 2 + [("able", "able")] * 3)
    bound = lower_bound(ws, initial_pending(sc), Calendar.of(sc), sc.date)
    assert bound.window_days == 4


def test_window_bound_counts_the_early_band() -> None:
    """Twelve households at home only 06:00–07:30 (40-min visits, 5 min apart
    and from the station), one team on 06:00–15:30: two visits a day at most,
    so the window bound is 6 days (the optimum too), though the work fits one."""
    ws, sc = _early_workspace([("elderly",)] * 12)
    bound = lower_bound(ws, initial_pending(sc), Calendar.of(sc), sc.date)
    assert bound.window_days == 6
    assert bound.days == 6 > bound.work_days
