"""The day assignment keeps the narrow bands' hours for the households that
need them (issue 23, item 7; ``planner.campaign.assign``).

On a hand-made commune (a travel matrix of 5 min between every two sites, no
road graph, no solve: the assignment alone): the bands' pack offers a day
the chains that fill a team's band (``planner.campaign.bandpack``), and its
number of days is the least; a household whose residents are never in
together is offered first. For households the pack gave up on
(``unpacked``): a household at home early and in
the evening (band ``edges``) is offered at the end of the day whose band has
room, never both, and whole when the campaign loop says so; a narrow band's
share takes no more of the day's budget than the teams' hours inside the
band; and with narrow bands pending, the open visits are paced over the days
left instead of filling the day. All when the bands set the campaign's
length (``bands_bind``, as the campaign loop sets it from the lower bound);
else the offer is as before.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from planner.campaign.assign import OVERBOOK, PACE, Assigner
from planner.campaign.bandpack import Item, pack
from planner.campaign.needs import PendingVisit, initial_pending, team_capacity_s
from planner.campaign.workspace import Workspace
from planner.domain import Household, Parameters, Resident, Scenario, Station, Team, Village, Window
from planner.matrix import TravelMatrices
from planner.speeds import default_season, load_speed_table

EARLY = Window(6 * 3600, 7 * 3600 + 1800)
EVENING = Window(17 * 3600, 19 * 3600)
DAY = dt.date(2027, 4, 12)


def _team(tid: str, start_s: int, end_s: int) -> Team:
    """A generated team of three with a kit and the ``home`` duty on ``start_s``–``end_s``."""
    return Team(tid, "Generated team", ("A", "B", "C"), 2, 1, Window(start_s, end_s),
                Window(11 * 3600, 13 * 3600), 3600, 9 * 3600 + 1800, duties=("home",))


EARLY_TEAM = _team("T1", 6 * 3600, 15 * 3600 + 1800)
LATE_TEAM = _team("T2", 9 * 3600 + 1800, 19 * 3600)


def _workspace(windows: list[tuple[Window, ...]], teams: tuple[Team, ...],
               condition: str = "elderly") -> Workspace:
    """One one-resident household per entry of ``windows`` (its hours at home,
    ``()`` all day), 5 min from each other and from the station; no sunset."""
    hh = tuple(Household(f"H{k}", "V", 105.0 + 0.001 * k, 21.0,
                         (Resident(f"R{k}", f"Generated {k}", condition, w),))
               for k, w in enumerate(windows))
    sc = Scenario("generated", True, DAY, Station("S", 105.0, 21.0),
                  (Village("V", "Generated village", 105.0, 21.0),), hh, teams, "none",
                  Parameters(return_before_sunset=False))
    n = len(hh) + 1
    travel = np.full((n, n), 300, dtype=np.int64)
    np.fill_diagonal(travel, 0)
    table = load_speed_table()
    season = default_season(table)
    return Workspace(scenario=sc, row_of={(sc.station.lon, sc.station.lat): 0,
                                          **{(h.lon, h.lat): k + 1 for k, h in enumerate(hh)}},
                     matrices={season: TravelMatrices(travel, travel, travel, (), "motorbike",
                                                      season)},
                     table=table, approach_s=np.full(n, 300, dtype=np.int64))


def _offer(ws: Workspace, left: int = 5, whole: frozenset[str] = frozenset(),
           pending: list[PendingVisit] | None = None, packed: bool = False,
           ) -> dict[str, Household]:
    """The households offered on the first working day (id → household
    offered); without ``packed``, every household is one the bands' pack
    gave up on (``Assigner.unpacked``: offered as before the pack)."""
    assigner = Assigner(ws, 2, lambda n: left - n, bands_bind=True)
    assigner.whole |= whole
    if not packed:
        assigner.unpacked |= {h.id for h in ws.scenario.households}
    pending = pending if pending is not None else initial_pending(ws.scenario)
    return {h.id: h for h in assigner.offer(0, pending, ws.scenario.teams, DAY)}


def test_edges_household_is_offered_at_the_end_with_room() -> None:
    """Three households at home only 06:00–07:30 and one at home then and
    17:00–19:00, an early team and a late one: the early band is taken, so the
    fourth is offered in the evening only (its resident, same id, at home
    17:00–19:00 for that day); the others as they are."""
    ws = _workspace([(EARLY,)] * 3 + [(EARLY, EVENING)], (EARLY_TEAM, LATE_TEAM))
    offered = _offer(ws)
    assert offered["H3"].residents[0].id == "R3"
    assert offered["H3"].residents[0].windows == (EVENING,)
    assert all(offered[f"H{k}"] is ws.scenario.households[k] for k in range(3))


def test_edges_household_goes_where_a_team_can_be() -> None:
    """Only the early team works: the household at home early and in the
    evening is offered in the morning (no team is out at 17:00), even with
    the early band busy."""
    ws = _workspace([(EARLY,)] * 3 + [(EARLY, EVENING)], (EARLY_TEAM,))
    assert _offer(ws)["H3"].residents[0].windows == (EARLY,)


def test_edges_household_offered_whole_when_the_loop_says_so() -> None:
    """A household the campaign loop marked ``whole`` (the day planner found
    no time for it at the end it was offered at) is offered with both windows."""
    ws = _workspace([(EARLY,)] * 3 + [(EARLY, EVENING)], (EARLY_TEAM, LATE_TEAM))
    offered = _offer(ws, whole=frozenset({"H3"}))
    assert offered["H3"] is ws.scenario.households[3]


def test_band_share_counts_only_the_band_hours() -> None:
    """Six households at home only 06:00–07:30 (40-min visits) and one early
    team: their share (all six, two a team at least, the rest paced over one
    day left) is counted in the budget for the band's 90 min, not for their
    six visits, so the day is filled with the open households too (as many
    as the budget takes, counted at their work)."""
    windows = [(EARLY,)] * 6 + [()] * 30
    ws = _workspace(windows, (EARLY_TEAM,))
    offered = _offer(ws, left=1)
    assert all(f"H{k}" in offered for k in range(6))
    assigner = Assigner(ws, 2, lambda n: 1)
    sc = ws.scenario
    open_work = sum(assigner.facts(h).home_work for h in offered.values()
                    if not h.residents[0].windows)
    budget = OVERBOOK * team_capacity_s(sc, EARLY_TEAM, DAY)
    # the band counts for 90 min: the open visits take the rest of the budget
    one = assigner.facts(sc.households[6]).home_work
    assert budget - 90 * 60 - one < open_work <= budget - 90 * 60


def test_open_visits_are_paced_while_bands_wait() -> None:
    """Two households at home only 06:00–07:30 and 30 open ones, ten days
    left: the day is offered the band's households and open visits for about
    a tenth of their work (``PACE`` times it at most), not a full day of them."""
    windows = [(EARLY,)] * 2 + [()] * 30
    ws = _workspace(windows, (EARLY_TEAM, LATE_TEAM))
    offered = _offer(ws, left=10)
    assigner = Assigner(ws, 2, lambda n: 10)
    sc = ws.scenario
    work = [assigner.facts(h).home_work for h in sc.households[2:]]
    chosen = sum(assigner.facts(h).home_work for h in offered.values()
                 if not h.residents[0].windows)
    assert "H0" in offered and "H1" in offered
    assert max(work) <= chosen <= PACE * sum(work) / 10
    capacity = sum(team_capacity_s(sc, t, DAY) for t in sc.teams)
    assert chosen < 0.5 * capacity


def test_offer_as_before_when_bands_do_not_set_the_length() -> None:
    """When the lower bound's window part is not its largest (``bands_bind``
    false, as on the demo campaign), the household at home early and in the
    evening is offered whole (the offer as before this change)."""
    ws = _workspace([(EARLY,)] * 3 + [(EARLY, EVENING)], (EARLY_TEAM, LATE_TEAM))
    assigner = Assigner(ws, 2, lambda n: 5 - n)
    offered = {h.id: h for h in assigner.offer(0, initial_pending(ws.scenario),
                                               ws.scenario.teams, DAY)}
    assert offered["H3"] is ws.scenario.households[3]


def test_pack_offers_a_chain_that_fills_the_band() -> None:
    """One early team; at home only 06:00–07:30: a disabled resident (a
    55-min visit) and two elderly ones (40 min each), 5 min apart. The band
    holds the disabled visit alone or the two elderly ones, never all three:
    the day is offered one of those chains (the most urgent: the disabled
    one) and the others wait for their day, instead of all three and the
    tier rule leaving the two short visits out."""
    ws = _workspace([(EARLY,)] * 3, (EARLY_TEAM,))
    sc = ws.scenario
    hh = list(sc.households)
    hh[0] = Household("H0", "V", hh[0].lon, hh[0].lat,
                      (Resident("R0", "Generated 0", "disabled", (EARLY,)),))
    ws.scenario = Scenario(sc.name, True, DAY, sc.station, sc.villages, tuple(hh), sc.teams,
                           "none", sc.parameters)
    offered = _offer(ws, packed=True)
    assert set(offered) == {"H0"}
    offered = _offer(ws, packed=True, pending=initial_pending(ws.scenario)[1:])
    assert set(offered) == {"H1", "H2"}


def test_pack_takes_the_fewest_days() -> None:
    """Visits of 55, 40, 40, 25 and 25 min in a band of 90 min, 5 min apart
    and from the station: at most 85 min of them a day, so three days at
    least, and three do (55 + 25, 40 + 40, 25); today's chain holds the
    most urgent household."""
    travel = np.full((6, 6), 300, dtype=np.int64)
    np.fill_diagonal(travel, 0)
    band = (("early", ((EARLY.start_s, EARLY.end_s),)),)
    items = [Item(f"H{k}", k + 1, minutes * 60, band, rank)
             for k, (minutes, rank) in enumerate([(55, 1), (40, 2), (40, 3), (25, 4), (25, 4)])]
    days, today = pack(travel, items, [("T1", "early", 6 * 3600, 15 * 3600)])
    assert days == 3
    assert today[0][0] == "T1" and "H0" in today[0][2]


def test_household_in_two_visits_is_offered_first() -> None:
    """Bands pending and 30 open households, ten days left: a household whose
    two residents are never at home together long enough for one visit
    (07:00–11:00 and 13:00–17:30) needs visits on two days, and is offered
    on the first, whatever its tier."""
    windows = [(EARLY,)] * 2 + [()] * 30
    ws = _workspace(windows, (EARLY_TEAM, LATE_TEAM), condition="bedridden")
    sc = ws.scenario
    split = Household("H31", "V", sc.households[31].lon, sc.households[31].lat,
                      (Resident("R31", "Generated 31", "able", (Window(7 * 3600, 11 * 3600),)),
                       Resident("R32", "Generated 32", "able",
                                (Window(13 * 3600, 17 * 3600 + 1800),))))
    ws.scenario = Scenario(sc.name, True, DAY, sc.station, sc.villages,
                           sc.households[:31] + (split,), sc.teams, "none", sc.parameters)
    assert "H31" in _offer(ws, left=10, packed=True)
