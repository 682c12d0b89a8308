"""The open home visits offered by shift, team by team, beside the bands'
chains (``planner.campaign.teamfit``, ``Assigner._by_shift``; issue 23 item 7).

Pure checks of ``fit_by_shift`` on hand-made team days (no matrix, no
solve), then the day assignment on the hand-made commune of
``test_assign_bands`` (5 min between every two sites, no solve).
"""

from __future__ import annotations

from dataclasses import replace

from test_assign_bands import DAY, EARLY, EARLY_TEAM, LATE_TEAM, _offer, _workspace

from planner.campaign.assign import Assigner
from planner.campaign.needs import team_capacity_s
from planner.campaign.teamfit import STEP_S, Need, TeamDay, fit_by_shift
from planner.domain import Window

H = 3600
MORNING = ((7 * H, 11 * H),)


def _days() -> list[TeamDay]:
    """An early team (06:00–15:30, its 06:00–07:30 held by a chain) and a late
    one (09:30–19:00), 8 h of work each left."""
    early = TeamDay("T1", 6 * H, 15 * H + 1800, 8 * H)
    early.left_s -= early.block(6 * H, 7 * H + 1800)
    return [early, TeamDay("T2", 9 * H + 1800, 19 * H, 8 * H)]


def test_block_takes_whole_buckets_inside() -> None:
    """Blocking 06:00–07:30 of a day from 06:00 takes its six 15-min buckets
    (5,400 s) and nothing else; the room of 07:00–11:00 is then 07:30–11:00."""
    day = TeamDay("T1", 6 * H, 15 * H + 1800, 8 * H)
    assert day.block(6 * H, 7 * H + 1800) == 5400
    assert day.room(7 * H, 11 * H) == 3 * H + 1800
    assert sum(day.free) == 9 * H + 1800 - 5400
    assert STEP_S == 900


def test_window_household_goes_where_its_hours_are_free() -> None:
    """Two households at home only 07:00–11:00, each a 115-min visit 10 min
    from the station: the early team (chain until 07:30) has 210 min inside
    those hours, room for one; the late team reaches the house at 09:40 and
    must be done by 11:00 (80 min), room for none. One is offered, the other
    waits for another day, whatever the capacity left."""
    need = Need(125 * 60, 115 * 60, MORNING, 600, 600)
    days = _days()
    assert fit_by_shift(["A", "B"], {"A": need, "B": need}, days) == ["A"]
    assert days[0].room(7 * H, 11 * H) == (210 - 115) * 60
    assert days[1].left_s == 8 * H


def test_any_hour_household_goes_to_the_team_with_most_left() -> None:
    """A household at home at any hour takes capacity from the team with the
    most left (the late team here: the early one lost its chain's 90 min),
    and one whose work exceeds every team's capacity left is not offered."""
    days = _days()
    small = Need(60 * 60, 50 * 60, (), 600, 600)
    huge = Need(9 * H, 8 * H, (), 600, 600)
    assert fit_by_shift(["A", "B"], {"A": small, "B": huge}, days) == ["A"]
    assert days[1].left_s == 7 * H
    assert days[0].left_s == 8 * H - 5400


def test_offer_by_shift_fills_the_late_team() -> None:
    """Two households at home only 06:00–07:30 (the early team's chain) and
    30 open ones, ten days left: offered by shift, the day holds the chain
    and open visits for both teams' days (more than the pace by count would
    give, a tenth of the open work times ``PACE``), but no more than the
    teams' capacity."""
    ws = _workspace([(EARLY,)] * 2 + [()] * 30, (EARLY_TEAM, LATE_TEAM))
    offered = _offer(ws, left=10, packed=True)
    assigner = Assigner(ws, 2, lambda n: 10)
    sc = ws.scenario
    chosen = sum(assigner.facts(h).home_work for h in offered.values()
                 if not h.residents[0].windows)
    work = sum(assigner.facts(h).home_work for h in sc.households[2:])
    capacity = sum(team_capacity_s(sc, t, DAY) for t in sc.teams)
    assert "H0" in offered and "H1" in offered
    assert 0.5 * capacity < chosen <= capacity
    assert chosen > 1.2 * work / 10


def test_offer_by_shift_keeps_the_morning_for_the_early_team() -> None:
    """With the early team's chain (06:00–07:30) and eight bedridden
    households at home only 07:00–11:00 (80-min visits: 5 min of set-up and
    75 of service, 5 min from the station), the day is offered only those
    the teams can be at in those hours: two for the early team (160 of its
    210 min in 07:30–11:00), one for the late one (09:35–11:00), not all
    eight for the tier rule to drop the chain."""
    windows = [(EARLY,)] * 2 + [(Window(7 * H, 11 * H),)] * 8
    ws = _workspace(windows, (EARLY_TEAM, LATE_TEAM), condition="bedridden")
    offered = _offer(ws, left=10, packed=True)
    morning = [hid for hid, h in offered.items() if h.residents[0].windows
               and h.residents[0].windows[0].start_s == 7 * H]
    assert "H0" in offered or "H1" in offered
    assert len(morning) == 3


def test_points_and_shuttles_are_charged_to_the_teams_with_the_duty() -> None:
    """The day's collection points' work is taken from the capacity of the
    teams that run points, the shuttles' from those that shuttle, and a team
    with neither keeps its whole day for home visits."""
    early = replace(EARLY_TEAM, duties=("home", "shuttle", "point"))
    late = replace(LATE_TEAM, duties=("home", "point"))
    ws = _workspace([()] * 2, (early, late))
    assigner = Assigner(ws, 2, lambda n: 5)
    days = assigner._team_days((early, late), DAY, 3600, 1800, 1.0)
    full = [team_capacity_s(ws.scenario, t, DAY) for t in (early, late)]
    assert [d.left_s for d in days] == [full[0] - 1800 - 1800, full[1] - 1800]
    alone = replace(LATE_TEAM, duties=("home",))
    days = assigner._team_days((early, alone), DAY, 3600, 1800, 1.0)
    assert days[1].left_s == team_capacity_s(ws.scenario, alone, DAY)
