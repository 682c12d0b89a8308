"""The lower bound on a campaign's working days (``lower_bound``).

It is the largest of three bounds, all valid for any plan that follows the
campaign's rules: the **work bound**, the necessary work (home-visit service,
the point slots of the sessions each village needs, the shuttle boardings)
plus the least travel, against the teams' capacity counted on the working
calendar. The travel is bounded two ways, each mixed by a weight λ with the
round trip to each route's farthest site (which inflates a service by
``C / (C − λ·round trip)``): the cheapest arcs into (or out of) every site
entered, and an assignment relaxation of the routes (one successor a site).
Proofs in docs/campaign.md. And the **point bound**, ``notice_days`` plus the
sessions needed by the busiest village (one point a village a day). And the
**window bound**, the days the visits of residents at home only at some
hours need at the teams' hours. Travel is
read on the matrices of the speed table's default season (``Workspace.base``).

**What it bounds, and why it is ≤ the optimum.** The measure is the
campaign's *span*: the working days of the calendar from the start to the last
day on which someone is served (``CampaignResult.working_days_used``), days on
which nothing could be done counted too. Any plan that serves everyone by the
rules has a span of at least ``days``:

- *work*: every visit, point slot and boarding takes its service time on some
  route of some working day, and every site entered costs at least the
  cheapest arc into it (or the assignment relaxation's share); a route of a
  day holds at most that team's capacity of it (``team_capacity_s`` plus the
  matrix's rounding, ``_route_arcs``). So the work is at most the capacity of
  the days up to the span, and the span is at least the first working day on
  which the summed capacity reaches the work (``_days_for``);
- *points*: a village's point opens only after its notice (no point in the
  first ``notice_days`` working days) and at most once a day, so the busiest
  village's last session is on working day ``notice_days + sessions`` or later.
- *windows* (``planner.campaign.window_bound.window_days``): a home visit's
  service lies inside a window of each resident it enrols. Take an hour range ``U`` (or two apart)
  and the home residents at home only inside ``U``: each visit enrolling one
  of them takes its set-up and their services inside a range of ``U``, and
  on a route every such visit but the first of a range is reached inside that
  range too, over at least the cheapest arc into its house. A team makes one
  kit route a day, so a day gives at most ``|range ∩ that team's day|``
  (shift, sunset) plus the first visit's arc, per range and team with a kit
  and the ``home`` duty, and the span is at least the first working day on
  which the days' sum reaches that need. (Households at home
  only 06:00–07:30 are served a few a day, whatever the rest of the work.)
  Sharper, the *chain bound* (ranges up to 3 h): a team's route of a day
  visits such households inside a range one after another (a *chain*), each
  starting no earlier than the travel closed under the triangle rule after
  the previous one ends, from the station at the day's start and back by
  its end; an exact search over orders gives the most visits and the most
  visit time a chain can hold, and the span is at least the first working
  day on which the days' chains reach both the households' number and their
  visit time (and the same for the visits of at least each length).
  Sharper still, the *covering relaxation*: each household lies in some
  chain's set of visits, one set per (team, day, range); when the linear
  programme over the feasible sets cannot cover every household within
  ``D`` days, the span is longer than ``D``.

All hold for every feasible plan, so for the best one. (On
``tests/data/scenarios/ok_small`` the campaign reported 2 days used against a
bound of 3: its point opens on the third working day, after the notice, and
the second day, with nothing to do, was not counted; it is now, and the span
is 3.) ``tests/campaign/test_campaign_bound.py`` checks the bound against the
campaign's span on random small scenarios and against an exhaustive optimum
on tiny ones.
Units: seconds, dates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from planner.campaign.calendar import Calendar
from planner.campaign.needs import (
    PendingVisit,
    home_service_s,
    parts,
    point_room,
    residents_by_mode,
    team_capacity_s,
)
from planner.campaign.window_bound import cheapest_arcs, window_days
from planner.campaign.workspace import Workspace
from planner.domain import CollectionPoint, Parameters, Team, Village
from planner.matrix import UNREACHABLE

#: The weights λ tried by the work bound between the round trip to a route's
#: farthest site (λ = 1) and the cheapest arcs into its sites (λ = 0).
BOUND_LAMBDAS = tuple(k / 20 for k in range(21))


@dataclass(frozen=True)
class LowerBound:
    """A lower bound on the campaign's working days (module docstring).

    ``work_s`` = ``service_s`` + ``travel_s``; ``work_days`` is the least
    number of working days whose summed team capacity reaches ``work_s``
    (``days_exact``: ``work_s`` over the mean daily capacity of those days);
    ``point_days`` is ``notice_days`` plus the sessions of the busiest
    village (0 without points); ``days`` the larger of the two.
    """

    service_s: int
    travel_s: int
    households: int
    residents: dict[str, int]
    sessions: int
    work_days: int
    point_days: int
    days_exact: float
    mean_daily_capacity_s: float
    #: the window bound: working days the home visits of residents at home
    #: only within some hours need, at the teams' hours (0 without windows)
    window_days: int = 0

    @property
    def work_s(self) -> int:
        return self.service_s + self.travel_s

    @property
    def days(self) -> int:
        return max(self.work_days, self.point_days, self.window_days)



def lower_bound(ws: Workspace, pending: list[PendingVisit], calendar: Calendar,
                start: dt.date, notice_days: int = 0) -> LowerBound:
    """The lower bound on days for serving every resident of ``pending``
    (proof in docs/campaign.md, "Lower bound").

    The work bound is the larger of two: the kit work (home visits, points)
    over the teams with a kit, and all the work (shuttles too) over every
    route the teams can run (a splitting team runs two); ``service_s`` and
    ``travel_s`` are those of the larger. Each is the best over
    ``BOUND_LAMBDAS`` of ``_inflated_work`` (both arc directions) and
    ``_assigned_work``. Kept in ``ws.memo``: the same inputs give the same bound.
    """
    base = ws.base
    key = ("lower_bound", id(base), ws.scenario, tuple(pending), calendar, start, notice_days)
    found = ws.memo.get(key)
    if found is None or found[0] is not base:   # (the matrices kept: ids are not reused)
        found = ws.memo[key] = (base, _lower_bound(ws, pending, calendar, start, notice_days))
    return found[1]


def _lower_bound(ws: Workspace, pending: list[PendingVisit], calendar: Calendar,
                 start: dt.date, notice_days: int) -> LowerBound:
    """``lower_bound``, computed."""
    sc = ws.scenario
    p = sc.parameters
    room = point_room(sc)
    m = ws.base.travel_s
    # necessary work: (row, service s, kit work?, round trip s of that row)
    items: list[tuple[int, int, bool, int]] = []
    kit_arrivals: dict[int, int] = {}   # row → distinct arrivals the kit routes need
    all_arrivals: dict[int, int] = {}   # row → distinct arrivals every route needs
    people: dict[str, int] = {}
    autos: list[tuple[int, str]] = []
    service = 0

    def need(table: dict[int, int], row: int, count: int) -> None:
        table[row] = max(table.get(row, 0), count)

    for pv in pending:
        h = pv.household
        pt = parts(h, sc.parameters)
        row = ws.row(h.lon, h.lat)
        if pt.home:
            s = home_service_s(sc, pt.home)
            items.append((row, s, True, _round_trip_s(m, row)))
            service += s
            need(kit_arrivals, row, 1)
            need(all_arrivals, row, 1)
        if pt.shuttle:  # fetched and brought back: the office lies between
            items.append((row, 4 * p.board_s, False, _round_trip_s(m, row)))
            service += 4 * p.board_s
            need(all_arrivals, row, 2)
        for r in pt.point:
            if r.mode == "point":
                people[h.village_id] = people.get(h.village_id, 0) + 1
            else:
                autos.append((row, h.village_id))
    sessions = {v: math.ceil(n / room) for v, n in people.items()}
    for v, n in people.items():
        village = sc.village(v)
        rows = _place_rows(ws, village)
        s = sessions[v] * p.point_setup_s + int(round(p.point_per_person_s * p.point_attendance
                                                      * n))
        items.append((rows[0], s, True, min(_round_trip_s(m, r) for r in rows)))
        service += s
        if len(rows) == 1:  # with several places, which one is entered is open
            need(kit_arrivals, rows[0], sessions[v])
            need(all_arrivals, rows[0], sessions[v])
    per_auto = int(round(p.point_per_person_s * p.point_attendance))
    for row, v in autos:  # at a point of its village, or visited at home
        rt = min([_round_trip_s(m, row)] + [_round_trip_s(m, r)
                                             for r in _place_rows(ws, sc.village(v))])
        items.append((row, per_auto, True, rt))
        service += per_auto
    capacity_max = max((_capacity_max_s(t) for t in sc.teams), default=0)
    slack = _rounding_slack_s(p, capacity_max)
    kit_work = _best_work(ws, [i for i in items if i[2]], kit_arrivals, capacity_max, slack)
    all_work = _best_work(ws, items, all_arrivals, capacity_max, slack)

    arcs = _route_arcs(p, capacity_max)

    def kit_capacity(day: dt.date) -> int:
        return sum(team_capacity_s(sc, t, day) + arcs for t in calendar.teams_on(day)
                   if t.kits > 0)

    def route_capacity(day: dt.date) -> int:
        return sum(_routes_of(t) * (team_capacity_s(sc, t, day) + arcs)
                   for t in calendar.teams_on(day))

    kit_service = sum(s for _row, s, kit, _rt in items if kit)
    cases = [_days_for(calendar, start, w, cap) + (w, s)
             for w, s, cap in ((kit_work, kit_service, kit_capacity),
                               (all_work, service, route_capacity))]
    days, mean, work, service = max(cases, key=lambda c: (c[0], c[2] / c[1] if c[1] else 0.0))
    busiest = max(sessions.values(), default=0)
    return LowerBound(service_s=int(service), travel_s=max(0, int(round(work)) - int(service)),
                      households=len(pending),
                      residents=residents_by_mode(pv.household for pv in pending),
                      sessions=sum(sessions.values()), work_days=days,
                      point_days=notice_days + busiest if busiest else 0,
                      days_exact=work / mean if mean else 0.0, mean_daily_capacity_s=mean,
                      window_days=window_days(ws, pending, calendar, start))


def _round_trip_s(m: np.ndarray, row: int) -> int:
    """Station → ``row`` → station (s); 0 when either way is unreachable."""
    there, back = int(m[0, row]), int(m[row, 0])
    return 0 if there >= UNREACHABLE or back >= UNREACHABLE else there + back


def _place_rows(ws: Workspace, village: Village) -> tuple[int, ...]:
    """The rows of every candidate point place of ``village`` (no duplicates)."""
    places = village.points or (CollectionPoint(village.name, village.lon, village.lat),)
    return tuple(dict.fromkeys(ws.row(c.lon, c.lat) for c in places))


def _capacity_max_s(team: Team) -> int:
    """A team's capacity (s) on its longest possible day (no sunset cut)."""
    return max(0, min(team.shift.end_s - team.shift.start_s, team.max_work_s)
               - (team.lunch_s if team.lunch else 0))


def _routes_of(team: Team) -> int:
    """Routes a team runs a day: two when it splits off a shuttle officer
    (as ``planner.day.needs.team_units``), else one."""
    split = team.can_split and len(team.members) >= 2 and team.motorbikes >= 2 and team.kits > 0
    return 2 if split else 1


def _route_arcs(p: Parameters, capacity_s: int) -> int:
    """The most arcs a route of ``capacity_s`` can have: every arc but the
    last ends at a stop of at least the shortest stop time (a household's
    set-up, a boarding, a point's set-up); 0 when a stop may take no time."""
    shortest = min(p.household_setup_s, p.board_s, p.point_setup_s)
    return 0 if shortest <= 0 else math.ceil(capacity_s / shortest) + 2


def _rounding_slack_s(p: Parameters, capacity_s: int) -> int:
    """Seconds the rounded matrix may lose on a route against the round trip
    to its farthest site (half a second an arc, ``_route_arcs``); the whole
    capacity (the round trip is then unused) when a stop may take no time."""
    arcs = _route_arcs(p, capacity_s)
    return 1 + math.ceil(0.5 * arcs) if arcs else capacity_s


def _best_work(ws: Workspace, items: list[tuple[int, int, bool, int]],
               arrivals: dict[int, int], capacity_s: int, slack_s: int) -> float:
    """The largest work over ``BOUND_LAMBDAS`` of ``_inflated_work`` (both arc
    directions) and of ``_assigned_work``. Kept in ``ws.memo`` (the team
    counts of a sweep share it: it depends only on its arguments)."""
    if not items:
        return 0.0
    base = ws.base
    key = ("best_work", id(base), tuple(items), tuple(arrivals.items()), capacity_s, slack_s)
    found = ws.memo.get(key)
    if found is None or found[0] is not base:   # (the matrices kept: ids are not reused)
        found = ws.memo[key] = (base, _best_work_of(ws, items, arrivals, capacity_s, slack_s))
    return found[1]


def _best_work_of(ws: Workspace, items: list[tuple[int, int, bool, int]],
                  arrivals: dict[int, int], capacity_s: int, slack_s: int) -> float:
    """``_best_work``, computed."""
    m = ws.base.travel_s
    rows = sorted({i[0] for i in items} | set(arrivals))
    into, out_of = cheapest_arcs(ws)
    to_station = [int(m[r, 0]) for r in rows if r != 0 and m[r, 0] < UNREACHABLE]
    from_station = [int(m[0, r]) for r in rows if r != 0 and m[0, r] < UNREACHABLE]
    cycles = _assignment_travel_s(m, [r for r in arrivals if r != 0]) \
        if slack_s < capacity_s else 0.0
    columns = _WorkItems(items, arrivals)
    best = 0.0
    for lam in BOUND_LAMBDAS:
        for arcs, end in ((into, min(to_station, default=0)),
                          (out_of, min(from_station, default=0))):
            best = max(best, _inflated_work(items, arrivals, arcs, end, lam, capacity_s,
                                            slack_s, columns))
        best = max(best, _assigned_work(items, cycles, lam, capacity_s, slack_s, columns))
    return best


class _WorkItems:
    """The work items and arrivals of ``_best_work`` as numpy columns (computed
    once for every λ): services, round trips, and per arrival row its count and
    the least round trip of its items."""

    def __init__(self, items: list[tuple[int, int, bool, int]],
                 arrivals: dict[int, int]) -> None:
        self.service = np.array([s for _row, s, _kit, _rt in items], dtype=np.float64)
        self.trip = np.array([rt for _row, _s, _kit, rt in items], dtype=np.int64)
        trips: dict[int, int] = {}
        for row, _s, _kit, rt in items:
            trips[row] = min(trips.get(row, rt), rt)
        self.rows = np.array(list(arrivals), dtype=np.int64)
        self.count = np.array(list(arrivals.values()), dtype=np.float64)
        self.row_trip = np.array([trips.get(row, 0) for row in arrivals], dtype=np.int64)


def _seq_sum(values: np.ndarray) -> float:
    """The sum of ``values`` added left to right, as ``sum()`` adds floats (the
    same result to the last bit, unlike numpy's pairwise ``sum``)."""
    return float(np.add.accumulate(values)[-1]) if len(values) else 0.0


def _factors(trip: np.ndarray, lam: float, capacity_s: int, slack_s: int,
             end_s: float) -> np.ndarray:
    """``C / (C − λ·max(0, round trip − slack) − end_s)`` per round trip, 1 where the
    room is not positive (the scalar ``factor`` of ``_assigned_work`` and
    ``_inflated_work``, the same operations in the same order)."""
    room = capacity_s - lam * np.maximum(0, trip - slack_s).astype(np.float64)
    if end_s is not None:
        room = room - end_s
    out = np.ones(len(trip), dtype=np.float64)
    ok = room > 0
    out[ok] = capacity_s / room[ok]
    return out


def _assignment_travel_s(m: np.ndarray, rows: list[int]) -> float:
    """A lower bound (s) on the travel of any set of routes from the station
    (row 0) that together enter every row of ``rows``: the cheapest
    assignment of one successor to every row and to ``len(rows)`` copies of
    the station (a copy may follow itself: a route not used; a cycle need not
    pass through the station: a relaxation), less half a second an arc for
    the matrix's rounding. The routes' own rounding (half a
    second an arc) is in ``route_slack_s``."""
    # imported here: scipy loads slowly; importing this module stays light
    from scipy.optimize import linear_sum_assignment

    rows = sorted(set(rows))
    n = len(rows)
    if n == 0:
        return 0.0
    big = float(UNREACHABLE)
    sub = np.minimum(m[np.ix_(rows, rows)].astype(np.float64), big)
    np.fill_diagonal(sub, big)
    cost = np.zeros((2 * n, 2 * n))
    cost[:n, :n] = sub
    cost[:n, n:] = np.minimum(m[rows, 0].astype(np.float64), big)[:, None]
    cost[n:, :n] = np.minimum(m[0, rows].astype(np.float64), big)[None, :]
    r, c = linear_sum_assignment(cost)
    total = float(cost[r, c].sum())
    if total >= big:  # some row cannot be entered or left: no bound from here
        return 0.0
    return max(0.0, total - 0.5 * n)


def _assigned_work(items: list[tuple[int, int, bool, int]], cycles_s: float, lam: float,
                   capacity_s: int, slack_s: int, columns: _WorkItems | None = None) -> float:
    """Σ over the services of ``s × C / (C − λ·(round trip − slack))``, plus
    ``(1 − λ)`` times the assignment's travel ``cycles_s`` (docs/campaign.md).
    ``columns``: ``items`` as ``_WorkItems`` (computed when not given)."""
    c = columns or _WorkItems(items, {})
    return _seq_sum(c.service * _factors(c.trip, lam, capacity_s, slack_s, None)) \
        + (1 - lam) * cycles_s


def _inflated_work(items: list[tuple[int, int, bool, int]], arrivals: dict[int, int],
                   arcs: np.ndarray, end_s: int, lam: float, capacity_s: int,
                   slack_s: int, columns: _WorkItems | None = None) -> float:
    """Σ over the work of ``w × C / (C − λ·(round trip − slack) − (1 − λ)·end)``:
    ``w`` a service, or ``(1 − λ)`` times the cheapest arcs into (or out of)
    a row times its arrivals; ``C`` the largest team capacity; ``end`` the
    cheapest arc closing (or opening) a route. No route can hold more than its
    capacity of it (docs/campaign.md). ``columns``: ``items`` and ``arrivals``
    as ``_WorkItems`` (computed when not given)."""
    c = columns or _WorkItems(items, arrivals)
    end = (1 - lam) * end_s
    total = _seq_sum(c.service * _factors(c.trip, lam, capacity_s, slack_s, end))
    if len(c.rows):
        total += _seq_sum((1 - lam) * c.count * arcs[c.rows].astype(np.float64)
                          * _factors(c.row_trip, lam, capacity_s, slack_s, end))
    return total


def _days_for(calendar: Calendar, start: dt.date, work: float,
              capacity: Callable[[dt.date], int]) -> tuple[int, float]:
    """The least working days from ``start`` whose summed ``capacity``
    reaches ``work``, and their mean daily capacity."""
    days, total = 0, 0
    if work > 0:
        for day in calendar.working_days(start, limit=5000):
            total += capacity(day)
            days += 1
            if total >= work:
                break
    return days, (total / days if days else 0.0)

