"""The window bound of the campaign's lower bound (``window_days``; the
argument in ``planner.campaign.bound`` and docs/campaign.md, *Windows*):
households at home only at some hours need visits in those hours, and a
team's route of a day holds only a few of them.

Three arguments, each a bound on the span: the time of the visits against
the teams' time inside the hours (``_window_days_for``); the chains of
visits one route can make inside a range (``_chain_days``: the most visits
and the most visit time, by an exact search over orders on the travel
matrix closed under the triangle rule); and the covering relaxation of
those chains (``_cover_days``: the configuration linear programme of bin
packing, proven infeasible by HiGHS for the spans it rules out).
Units: seconds, dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from planner.campaign.calendar import Calendar
from planner.campaign.needs import PendingVisit
from planner.campaign.workspace import Workspace
from planner.domain import Team
from planner.matrix import UNREACHABLE
from planner.rules import day_limits

#: The window bound tries pairs of hour ranges when there are at most this
#: many single ranges (their number grows with the distinct window hours).
MAX_WINDOW_RANGES = 40
#: The chain bound (``_chain_days``) looks at hour ranges at most this long
#: (s), closes the travel matrix up to this many rows, examines at most
#: ``CHAIN_NODES`` partial chains per search and ``CHAIN_HORIZON`` working days,
#: and rounds a team's day out to ``CHAIN_ROUND_S``.
CHAIN_RANGE_MAX_S = 3 * 3600
CLOSURE_MAX_ROWS = 800
CHAIN_NODES = 200_000
CHAIN_HORIZON = 200
CHAIN_FIT_DAYS = 30
#: The covering relaxation (``_cover_days``) is solved for at most this many
#: households and tries at most ``COVER_MAX_DAYS`` spans past the chain bound.
COVER_MAX_ITEMS = 60
COVER_MAX_DAYS = 12
CHAIN_ROUND_S = 300


def cheapest_arcs(ws: Workspace) -> tuple[np.ndarray, np.ndarray]:
    """The cheapest arc (s) into and out of every row of ``ws.base`` (0 where
    there is none); kept in ``ws.memo``."""
    base = ws.base
    found = ws.memo.get(("cheapest_arcs", id(base)))
    if found is None or found[0] is not base:
        travel = base.travel_s.astype(np.float64)
        travel[travel >= UNREACHABLE] = np.inf
        np.fill_diagonal(travel, np.inf)
        into = travel.min(axis=0)
        out_of = travel.min(axis=1)
        into[~np.isfinite(into)] = 0
        out_of[~np.isfinite(out_of)] = 0
        found = ws.memo[("cheapest_arcs", id(base))] = (base, (into, out_of))
    return found[1]


def window_days(ws: Workspace, pending: list[PendingVisit], calendar: Calendar,
                 start: dt.date) -> int:
    """The window bound (module docstring): the most working days over every
    hour set ``U`` (one range ``[a, b]``, ``a`` a resident's earliest hour at
    home and ``b`` a resident's latest, or two such ranges apart) that the
    visits of the home residents at home only within ``U`` need. A visit
    enrolling such a resident lies inside one of ``U``'s ranges (a visit's
    service lies inside one window of each resident it enrols), takes the
    household's set-up and their services, and in each range all but a
    route's first such visit are reached inside the range, over at least the
    cheapest arc into the house. A team (with a kit and the ``home`` duty: one
    kit route a day) offers a day, per range, ``|range ∩ its day|`` (shift,
    sunset) plus the largest such arc (its first visit's there)."""
    sc = ws.scenario
    p = sc.parameters
    into, _out = cheapest_arcs(ws)
    # per household: (arc s, [(windows as (start, end) ranges, service s)])
    rows: list[tuple[int, list[tuple[tuple[tuple[int, int], ...], int]]]] = []
    for pv in pending:
        h = pv.household
        timed = [(tuple((w.start_s, w.end_s) for w in r.windows), p.service_for(r.condition))
                 for r in h.residents if r.mode == "home" and r.windows]
        if timed:
            rows.append((int(into[ws.row(h.lon, h.lat)]), timed))
    teams = [t for t in sc.teams if t.kits > 0 and "home" in t.duties]
    if not rows or not teams:
        return 0
    los = sorted({w[0] for _a, timed in rows for ws_, _s in timed for w in ws_})
    his = sorted({w[1] for _a, timed in rows for ws_, _s in timed for w in ws_})
    ranges = [(a, b) for a in los for b in his if a < b]
    sets: list[tuple[tuple[int, int], ...]] = [(r,) for r in ranges]
    if len(ranges) <= MAX_WINDOW_RANGES:
        sets += [(r, q) for r in ranges for q in ranges if r[1] < q[0]]
    best = _chain_days(ws, pending, calendar, start, teams, sets)
    for u in sets:
        need, arc_max = 0, 0
        for arc, timed in rows:
            inside = sum(s for windows, s in timed
                         if all(any(a <= lo and hi <= b for a, b in u) for lo, hi in windows))
            if inside:
                need += p.household_setup_s + inside + arc
                arc_max = max(arc_max, arc)
        if need:
            best = max(best, _window_days_for(calendar, start, sc, teams, u, need, arc_max,
                                              best))
    return best


def _closure_s(ws: Workspace) -> np.ndarray | None:
    """The least travel (s) from each row of ``ws.base`` to each other over
    any sequence of sites (the matrix closed under the triangle rule: a route
    from ``i`` to ``j`` through other stops travels at least that long); None
    above ``CLOSURE_MAX_ROWS`` rows (the chain bound is then not computed).
    Kept in ``ws.memo``."""
    base = ws.base
    found = ws.memo.get(("closure", id(base)))
    if found is None or found[0] is not base:
        m = base.travel_s
        if len(m) > CLOSURE_MAX_ROWS:
            found = (base, None)
        else:
            c = np.minimum(m.astype(np.int64), UNREACHABLE)
            for k in range(len(c)):
                np.minimum(c, c[:, k:k + 1] + c[k:k + 1, :], out=c)
            found = (base, c)
        ws.memo[("closure", id(base))] = found
    return found[1]


#: A household of the chain bound: (matrix row, least visit s, windows as (start, end) s).
ChainItem = tuple[int, int, tuple[tuple[int, int], ...]]


def _chain_items(ws: Workspace, pending: list[PendingVisit],
                 u: tuple[tuple[int, int], ...]) -> list[ChainItem]:
    """The households with a home resident at home only inside the ranges
    ``u``, as ``(row, least visit s, windows)``: the first visit enrolling
    such a resident ``r`` lies inside one of ``r``'s windows and enrols every
    pending home resident of the household with the same hours (the day
    planner's rule, ``planner.rules.home_split``: those at home with the
    chosen), so it takes the set-up and their services; the least over
    those residents, and the union of their windows."""
    p = ws.scenario.parameters
    out = []
    for pv in pending:
        h = pv.household
        home = [r for r in h.residents if r.mode == "home" and r.windows]
        only = [r for r in home if all(any(a <= w.start_s and w.end_s <= b for a, b in u)
                                       for w in r.windows)]
        if not only:
            continue
        least = min(sum(p.service_for(q.condition) for q in home if q.windows == r.windows)
                    for r in only)
        windows = tuple(sorted({(w.start_s, w.end_s) for r in only for w in r.windows}))
        out.append((ws.row(h.lon, h.lat), p.household_setup_s + least, windows))
    return out


def _starts(items: list[ChainItem], close: np.ndarray, lo: int, hi: int,
            span: tuple[int, int]) -> list[tuple[int, int, int, list[tuple[int, int]]]]:
    """The ``items`` a route out at ``lo`` and back by ``hi`` can visit inside
    ``span`` alone, as ``(index, row, visit s, [(earliest, latest start)])``:
    within a window and the range, ``close[0, row]`` after ``lo``, ending
    ``close[row, 0]`` before ``hi``."""
    a, b = span
    out = []
    for k, (row, dur, windows) in enumerate(items):
        starts = [(max(w0, a, lo + int(close[0, row])),
                   min(w1, b, hi - int(close[row, 0])) - dur) for w0, w1 in windows]
        starts = [(x, y) for x, y in starts if x <= y]
        if starts:
            out.append((k, row, dur, starts))
    return out


def _longest_chains(items: list[ChainItem],
                    close: np.ndarray, lo: int, hi: int,
                    span: tuple[int, int]) -> tuple[int, int] | None:
    """The most visits, and separately the most visit time (s), that one
    route (out at ``lo`` or later, back by ``hi``) can make to distinct
    ``items`` with their service inside the range ``span``: every visit
    starts at least the closed travel ``close`` after the previous one ends
    (or after ``lo`` from the station) and ends that far before ``hi``
    (a relaxation of the route: lunch and other stops only add time). Exact
    search over orders, earliest starts; None when it would examine more than
    ``CHAIN_NODES`` partial chains (the bound then skips these hours)."""
    a, b = span
    cand = [(row, dur, starts) for _k, row, dur, starts in _starts(items, close, lo, hi, span)]
    if not cand:
        return 0, 0
    n, t = _chain_search(cand, close, max(lo, a), min(b, hi), False), \
        _chain_search(cand, close, max(lo, a), min(b, hi), True)
    return None if n is None or t is None else (n, t)


def _chain_search(cand: list[tuple[int, int, list[tuple[int, int]]]], close: np.ndarray,
                  lo: int, end: int, by_time: bool) -> int | None:
    """``_longest_chains``' search over ``cand`` (row, visit s, allowed starts):
    the most visits, or (``by_time``) the most visit time; None over
    ``CHAIN_NODES`` partial chains. A branch is cut when even visits of the
    shortest length filling the time left could not beat the best."""
    shortest = min(dur for _r, dur, _s in cand)
    order = sorted(range(len(cand)), key=lambda k: (cand[k][1] if not by_time else
                                                    -cand[k][1], k))
    best = [0, 0]   # best value, partial chains examined
    seen: dict[tuple[int, int], int] = {}   # (visited set, last) → earliest free time

    def extend(last: int, free: int, value: int, taken: int) -> bool:
        best[1] += 1
        if best[1] > CHAIN_NODES:
            return False
        best[0] = max(best[0], value)
        room = end - free
        if value + (room if by_time else room // shortest) <= best[0]:
            return True
        row = cand[last][0] if last >= 0 else 0
        for k in order:
            if taken >> k & 1:
                continue
            r, dur, starts = cand[k]
            ready = free if last < 0 else free + int(close[row, r])
            for x, y in starts:
                if max(ready, x) <= y:
                    done, state = max(ready, x) + dur, (taken | 1 << k, k)
                    if seen.get(state, done + 1) <= done:
                        break   # the same visits, ending here, no later: seen
                    seen[state] = done
                    if not extend(k, done, value + (dur if by_time else 1), taken | 1 << k):
                        return False
                    break
        return True

    return best[0] if extend(-1, lo, 0, 0) else None


def _chain_days(ws: Workspace, pending: list[PendingVisit], calendar: Calendar,
                start: dt.date, teams: list[Team],
                sets: list[tuple[tuple[int, int], ...]]) -> int:
    """The chain bound (module docstring, *windows*): for each hour set ``u``
    whose ranges are at most ``CHAIN_RANGE_MAX_S`` long, the households with a
    resident at home only inside ``u`` (``_chain_items``; those no team can
    visit alone are not counted) each need a visit inside a range of ``u``;
    a team's route of a day makes at most ``_longest_chains`` of them per
    range (its day's limits rounded out to ``CHAIN_ROUND_S``), and at most
    that much visit time. The span is at least the first working day on which
    the days' sum of either reaches the need."""
    close = _closure_s(ws)
    if close is None:
        return 0
    sc = ws.scenario
    days = calendar.working_days(start, limit=CHAIN_HORIZON)
    limits: list[list[tuple[int, int]]] = []   # per working day, each team's rounded limits

    def limits_of(k: int) -> list[tuple[int, int]] | None:
        while len(limits) <= k:
            day = next(days, None)
            if day is None:
                return None
            limits.append([_rounded_limits(sc, t, day) for t in calendar.teams_on(day)
                           if t in teams])
        return limits[k]

    first = [lim for k in range(CHAIN_FIT_DAYS) if (day := limits_of(k)) is not None
             for lim in day]
    distinct = sorted(set(first))
    memo: dict = {}
    best = 0
    for u in sets:
        if any(b - a > CHAIN_RANGE_MAX_S for a, b in u):
            continue
        items = _chain_items(ws, pending, u)
        if not items:
            continue

        def chains(lo: int, hi: int, span: tuple[int, int], group: list) -> tuple[int, int] | None:
            key = (id(group), lo, hi, span)
            if key not in memo:
                memo[key] = (group, _longest_chains(group, close, lo, hi, span))
            return memo[key][1]

        # counted: the households some team can visit alone in the first days
        fits = [it for it in items if any(
            (c := _longest_chains([it], close, lo, hi, span)) is not None and c[0] > 0
            for lo, hi in distinct for span in u)]
        # the visits of at least each length: a route holds fewer long ones
        # (each group a new list: its id is unique while ``memo`` holds it)
        known = 0
        for least in sorted({d for _r, d, _w in fits}):
            group = [it for it in fits if it[1] >= least]
            found = _first_day_reaching(limits_of, u, group, chains, len(group),
                                        sum(d for _r, d, _w in group))
            known = max(known, found)
        if known and len(fits) <= COVER_MAX_ITEMS:
            known = _cover_days(limits_of, u, fits, close, known)
        best = max(best, known)
    return best


def _chain_sets(items: list, close: np.ndarray, lo: int, hi: int,
                span: tuple[int, int]) -> set[int] | None:
    """Every set of ``items`` (a bit mask of their indices) that one route
    (out at ``lo``, back by ``hi``) can visit inside ``span``, by the relaxed
    timing of ``_longest_chains`` (a subset of such a set is one too); None
    over ``CHAIN_NODES`` partial chains."""
    a, _b = span
    cand = _starts(items, close, lo, hi, span)
    masks: set[int] = set()
    seen: dict[tuple[int, int], int] = {}
    count = [0]

    def extend(row: int, free: int, taken: int, first: bool) -> bool:
        count[0] += 1
        if count[0] > CHAIN_NODES:
            return False
        masks.add(taken)
        for k, r, dur, starts in cand:
            if taken >> k & 1:
                continue
            ready = free if first else free + int(close[row, r])
            for x, y in starts:
                if max(ready, x) <= y:
                    done, state = max(ready, x) + dur, (taken | 1 << k, k)
                    if seen.get(state, done + 1) <= done:
                        break
                    seen[state] = done
                    if not extend(r, done, taken | 1 << k, False):
                        return False
                    break
        return True

    if not extend(0, max(lo, a), 0, True):
        return None
    masks.discard(0)
    return masks


def _cover_days(limits_of: Callable[[int], list[tuple[int, int]] | None],
                u: tuple[tuple[int, int], ...], items: list, close: np.ndarray,
                known: int) -> int:
    """The chain bound sharpened by a covering relaxation (the configuration
    linear programme of bin packing): in ``days`` working days, every
    household of ``items`` is in some route's set of visits (``_chain_sets``
    per team's limits and range), each (team, day, range) holding one set; no
    fractional choice of sets within the days' routes covers them all ⇒ the
    span is longer. The least ``days`` from ``known`` whose programme is
    feasible (``known`` when a search is over its budget or none is within
    ``COVER_MAX_DAYS`` of it)."""
    # imported here: scipy loads slowly; importing this module stays light
    from scipy.optimize import linprog

    sets: dict[tuple[int, int, tuple[int, int]], set[int] | None] = {}
    for days in range(known, known + COVER_MAX_DAYS):
        slots: dict[tuple[int, int, tuple[int, int]], int] = {}
        for k in range(days):
            day = limits_of(k)
            if day is None:
                return known
            for lo, hi in day:
                for span in u:
                    slots[(lo, hi, span)] = slots.get((lo, hi, span), 0) + 1
        columns: list[tuple[int, int]] = []   # (slot kind index, mask)
        kinds = sorted(slots)
        for j, kind in enumerate(kinds):
            if kind not in sets:
                sets[kind] = _chain_sets(items, close, *kind)
            found = sets[kind]
            if found is None:
                return known
            columns += [(j, m) for m in sorted(found)]
        if not columns:
            return known
        a_ub = np.zeros((len(items) + len(kinds), len(columns)))
        for c, (j, m) in enumerate(columns):
            for i in range(len(items)):
                if m >> i & 1:
                    a_ub[i, c] = -1.0
            a_ub[len(items) + j, c] = 1.0
        b_ub = np.array([-1.0] * len(items) + [float(slots[k]) for k in kinds])
        result = linprog(np.zeros(len(columns)), A_ub=a_ub, b_ub=b_ub, bounds=(0, None),
                         method="highs")
        if result.status == 0:
            return days
        if result.status != 2:   # not proven infeasible: no more from here
            return days
    return known + COVER_MAX_DAYS   # every span before it proven too short


def _first_day_reaching(limits_of: Callable[[int], list[tuple[int, int]] | None],
                        u: tuple[tuple[int, int], ...], group: list, chains: Callable,
                        need_n: int, need_s: int) -> int:
    """The first working day (1-based) on which the routes' chains summed over
    the days (``limits_of(k)``: each team's rounded limits on working day
    ``k``) reach both ``need_n`` visits and ``need_s`` s; 0 when not within the
    days or when a search is over its budget (no bound). (Both are needed:
    each is a bound, so the later day is.)"""
    total_n = total_s = 0
    k = 0
    while (day := limits_of(k)) is not None:
        for lo, hi in day:
            for span in u:
                c = chains(lo, hi, span, group)
                if c is None:
                    return 0
                total_n, total_s = total_n + c[0], total_s + c[1]
        k += 1
        if total_n >= need_n and total_s >= need_s:
            return k
    return 0


def _rounded_limits(sc, team: Team, day: dt.date) -> tuple[int, int]:
    """``day_limits`` of ``team`` on ``day``, the start rounded down and the
    end rounded up to ``CHAIN_ROUND_S`` (more time: still a relaxation; fewer
    distinct searches as sunset moves)."""
    lo, hi = day_limits(sc, team, day)
    return lo - lo % CHAIN_ROUND_S, hi + (-hi) % CHAIN_ROUND_S


def _window_days_for(calendar: Calendar, start: dt.date, sc, teams: list[Team],
                     u: tuple[tuple[int, int], ...], need_s: int, arc_s: int,
                     known: int) -> int:
    """The least working days from ``start`` whose teams' time inside the
    ranges ``u`` (each team working that day, each range: its day's overlap,
    at most its working time, plus ``arc_s`` when they overlap) reaches
    ``need_s``; 0 when it is not more than ``known`` (nothing to learn) or
    never reached (a household that cannot be served is not the bound's to
    count)."""
    ids = {t.id for t in teams}
    total, days, idle = 0, 0, 0
    for day in calendar.working_days(start, limit=5000):
        days += 1
        offered = 0
        for t in calendar.teams_on(day):
            if t.id not in ids:
                continue
            lo, hi = day_limits(sc, t, day)
            for a, b in u:
                overlap = min(b, hi) - max(a, lo)
                if overlap > 0:
                    offered += min(overlap, t.max_work_s) + arc_s
        total += offered
        idle = idle + 1 if offered == 0 else 0
        if total >= need_s:
            return days if days > known else 0
        if idle > 400:
            return 0
    return 0
