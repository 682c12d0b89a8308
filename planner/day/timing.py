"""Route timing: the earliest feasible schedule of a sequence of stops.

One function, ``schedule``, used by the priority repair (``planner.day.repair``)
and by the self-check (``planner.day.verify``), so that what the repair builds
and what the check proves are judged by the same rule.

The rule. A route leaves the station (matrix row 0) no earlier than the
vehicle's ``earliest_start_s``, serves its stops in the given order, and is
back by ``latest_end_s``; each stop's service starts inside one of its
allowed ``starts`` ranges (the latest start is the window's end minus the
service, as in ``RoutingProblem.windows``; a pinned stop has one range of one
instant) after the leg from the previous stop (travel, plus the stop's set-up
``setup_s`` when it opens a place: ``place`` differs from the previous stop's or
is ``-1``, as in ``RoutingProblem.legs_s``); the lunch break (at most one,
``BreakSpec``: starts between ``earliest_s`` and ``latest_s``, lasts
``duration_s``) is taken between two services (before or after a leg, never
during a service), never while passengers are on board (between a shuttle's
pickup and its drop: ``TimedStop.seats``) nor inside a collection point's
opening (between two stops of one place: ``lunch_gaps``), and must be taken
when the route starts before ``earliest_s + duration_s`` and ends after
``latest_s``; leave to return is at most ``max_duration_s``.

The search is exact for the earliest return (a forward pass with two states,
lunch taken or not: arriving earlier is never worse). The departure is then
delayed as far as it leaves that return unchanged (a backward pass), and the
working time is checked on that schedule; when the team works too long
because it waits, the search starts again one second after that latest
departure (some stop then falls in a later window, or the lunch in another
gap, and the team may wait less), until a schedule fits, none is left, or
the team no longer waits. So a route that fits the working time only by
leaving later than the earliest return allows (say a stop served in its
second window rather than waiting for a fixed stop after the first) is
found too: the tests compare the rule with brute force over every departure
and every place of the lunch (``tests/day/test_timing_exhaustive.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from planner.errors import msg
from planner.problem import VehicleSpec

INF = 10**12


@dataclass(frozen=True)
class TimedStop:
    """A stop to schedule: ``site`` is its row in the travel matrix (0 the
    station); ``starts`` the allowed service starts (s, sorted, disjoint;
    empty: any time); ``place``/``setup_s`` the collection-point set-up rule;
    ``seats`` the passengers who board (+) or leave (−) here (a shuttle's
    stop: no lunch while any is on board)."""

    site: int
    service_s: int
    starts: tuple[tuple[int, int], ...] = ()
    place: int = -1
    setup_s: int = 0
    seats: int = 0


@dataclass(frozen=True)
class Schedule:
    """A feasible timing: departure, service starts (one per stop), return,
    and the lunch break ``(start_s, duration_s)`` when one is taken."""

    depart_s: int
    service_start_s: tuple[int, ...]
    return_s: int
    breaks: tuple[tuple[int, int], ...]


def leg_s(travel_s: np.ndarray, a: TimedStop | None, b: TimedStop | None) -> int:
    """Time from the end of service at ``a`` (None: the station) to the start
    of service at ``b`` (None: back at the station), set-up included (s)."""
    site_a = a.site if a is not None else 0
    if b is None:
        return int(travel_s[site_a, 0])
    setup = b.setup_s if b.place < 0 or a is None or a.place != b.place else 0
    return int(travel_s[site_a, b.site]) + setup


def _first_start(ready: int, starts: tuple[tuple[int, int], ...]) -> tuple[int, int] | None:
    """The earliest service start at or after ``ready`` and its range's end."""
    if not starts:
        return ready, INF
    for lo, hi in starts:
        if ready <= hi:
            return max(ready, lo), hi
    return None


# A partial schedule: (time free at the current place, service starts,
# latest starts of their ranges, break (start, gap index) or None)
_State = tuple[int, tuple[int, ...], tuple[int, ...], tuple[int, int] | None]


def lunch_gaps(stops: Sequence[TimedStop]) -> list[bool]:
    """Whether the lunch may be taken in each gap (into each stop, then back
    to the station): not with passengers on board (the ``seats`` of the stops
    before it add up to more than 0), and not between two stops of one
    collection point (its opening is not split)."""
    out, load = [], 0
    for k in range(len(stops) + 1):
        inside = 0 < k < len(stops) and stops[k].place >= 0 \
            and stops[k].place == stops[k - 1].place
        out.append(load <= 0 and not inside)
        if k < len(stops):
            load += stops[k].seats
    return out


def _legs(stops: Sequence[TimedStop], travel_s: np.ndarray) -> list[int]:
    """``leg_s`` into each stop, then back to the station (one more entry)."""
    path: list[TimedStop | None] = [None, *stops, None]
    return [leg_s(travel_s, a, b) for a, b in zip(path, path[1:], strict=False)]


def _forward(stops: Sequence[TimedStop], legs: Sequence[int], vehicle: VehicleSpec,
             depart_s: int) -> tuple[int, _State] | None:
    """The earliest return when leaving at ``depart_s``: ``(return, state)``."""
    lunch = vehicle.breaks[0] if vehicle.breaks else None
    no_break: _State | None = (depart_s, (), (), None)
    lunched: _State | None = None
    last = len(stops)
    may_lunch = lunch_gaps(stops) if lunch is not None else []
    for gap, leg in enumerate(legs):
        options: list[tuple[int, _State]] = []   # ready times after the leg, lunch taken
        if lunched is not None:
            options.append((lunched[0] + leg, lunched))
        if lunch is not None and no_break is not None and may_lunch[gap]:
            free = no_break[0]
            begin = max(free, lunch.earliest_s)   # lunch before the leg
            if begin <= lunch.latest_s:
                options.append((begin + lunch.duration_s + leg,
                                (free, no_break[1], no_break[2], (begin, gap))))
            begin = max(free + leg, lunch.earliest_s)   # lunch after it
            if begin <= lunch.latest_s:
                options.append((begin + lunch.duration_s,
                                (free, no_break[1], no_break[2], (begin, gap))))
        if gap == last:
            ends = []
            if no_break is not None:
                end = no_break[0] + leg
                if lunch is None or end <= lunch.latest_s \
                        or depart_s >= lunch.earliest_s + lunch.duration_s:
                    ends.append((end, no_break))
            if options:
                ends.append(min(options, key=lambda o: o[0]))
            ends = [e for e in ends if e[0] <= vehicle.latest_end_s]
            return min(ends, key=lambda e: e[0]) if ends else None
        stop = stops[gap]
        next_plain = None
        if no_break is not None:
            first = _first_start(no_break[0] + leg, stop.starts)
            if first is not None:
                next_plain = (first[0] + stop.service_s, no_break[1] + (first[0],),
                              no_break[2] + (first[1],), None)
        next_lunched = None
        if options:
            # the earliest ready time: a later one cannot start sooner, and
            # when it finds no start, none does (``_first_start`` is monotone)
            ready, state = min(options, key=lambda o: o[0])
            first = _first_start(ready, stop.starts)
            if first is not None:
                next_lunched = (first[0] + stop.service_s, state[1] + (first[0],),
                                state[2] + (first[1],), state[3])
        no_break, lunched = next_plain, next_lunched
        if no_break is None and lunched is None:
            return None
    return None  # pragma: no cover - the loop returns at the station


def _latest_departure(stops: Sequence[TimedStop], legs: Sequence[int],
                      vehicle: VehicleSpec, end_s: int, state: _State) -> int:
    """The latest departure that still returns by ``end_s`` with the same
    windows and the lunch in the same gap."""
    lunch = vehicle.breaks[0] if vehicle.breaks else None
    gap = state[3][1] if state[3] is not None else -1
    latest = end_s
    for k in range(len(stops), -1, -1):
        leg = legs[k]
        if gap == k and lunch is not None:
            free = min(lunch.latest_s, latest - lunch.duration_s - leg)
        else:
            free = latest - leg
        if k == 0:
            return free
        latest = min(state[2][k - 1], free - stops[k - 1].service_s)
    return latest  # pragma: no cover


def _attempt(stops: Sequence[TimedStop], legs: Sequence[int], vehicle: VehicleSpec,
             earliest_s: int) -> Schedule | None:
    """The earliest schedule leaving no earlier than ``earliest_s``, the
    departure then delayed as far as the return allows; when that works too
    long because the team waits (for a window, or for the lunch window), a
    later departure, one second past the latest of that schedule, is tried:
    it serves some stop in a later window (or lunches in another gap), and
    may wait less. Returns only grow with the departure, so the first
    schedule that fits has the earliest return; a schedule without waits
    cannot be shortened by leaving later."""
    lunch = vehicle.breaks[0] if vehicle.breaks else None
    busy = sum(legs) + sum(stop.service_s for stop in stops)
    start = earliest_s
    while True:
        first = _forward(stops, legs, vehicle, start)
        if first is None:
            return None
        end, state = first
        depart = max(start, _latest_departure(stops, legs, vehicle, end, state))
        again = _forward(stops, legs, vehicle, depart) if depart > start else first
        if again is None:  # pragma: no cover - a later start on the same path fits
            again, depart = first, start
        end, state = again
        breaks = ((state[3][0], lunch.duration_s),) if state[3] is not None and lunch else ()
        if end - depart <= vehicle.max_duration_s:
            return Schedule(depart, state[1], end, breaks)
        if end - depart <= busy + sum(d for _, d in breaks):
            return None  # no wait to save
        start = depart + 1


def stop_legs(travel_s: np.ndarray, place: Sequence[int] = (),
              setup_s: Sequence[int] = ()) -> np.ndarray:
    """``legs[a, b]`` = ``leg_s`` between sites a and b (int64): travel, plus b's
    set-up unless a and b share a place; ``legs[0, b]`` from the station (the
    set-up always), ``legs[a, 0]`` back to it (travel only). ``place`` and
    ``setup_s`` are per site (empty: no places)."""
    legs = np.asarray(travel_s, dtype=np.int64).copy()
    if len(place):
        where = np.asarray(place, dtype=np.int64)
        setup = np.asarray(setup_s, dtype=np.int64)
        outside = (where[:, None] != where[None, :]) | (where[None, :] < 0)
        legs += np.where(outside, setup[None, :], 0)
        legs[0, :] = np.asarray(travel_s, dtype=np.int64)[0, :] + setup
    legs[:, 0] = np.asarray(travel_s, dtype=np.int64)[:, 0]
    return legs


def may_fit(work_s: int, vehicle: VehicleSpec) -> bool:
    """False when no schedule can exist for a route of ``work_s`` seconds of
    legs and services (``stop_legs`` along it plus every service), whatever
    its order and windows: a necessary condition of ``schedule``, cheap enough
    to try first. Waiting only adds time, so the route must fit, from the
    shift's start, with lunch (return by ``latest_end_s``, leave to return
    with the lunch at most ``max_duration_s``) or without it (back by the end
    of the lunch window, or leaving after the earliest lunch)."""
    start, end, most = vehicle.earliest_start_s, vehicle.latest_end_s, vehicle.max_duration_s
    lunch = vehicle.breaks[0] if vehicle.breaks else None
    if lunch is None:
        return start + work_s <= end and work_s <= most
    d = lunch.duration_s
    with_lunch = start + work_s + d <= end and work_s + d <= most
    early = start + work_s <= min(lunch.latest_s, end) and work_s <= most
    late = max(start, lunch.earliest_s + d) + work_s <= end and work_s <= most
    return with_lunch or early or late


def _cannot_fit(stops: Sequence[TimedStop], legs: Sequence[int], vehicle: VehicleSpec) -> bool:
    """True when ``schedule`` must find nothing, by two bounds that hold for
    every schedule it could find (it only ever adds time to them): leaving at
    the shift's start with no lunch, each service starts no earlier than this
    pass says, and the route returns no earlier (so a window missed or a late
    return rules it out); and ``may_fit`` of its legs and services."""
    time = vehicle.earliest_start_s
    for stop, leg in zip(stops, legs, strict=False):
        first = _first_start(time + leg, stop.starts)
        if first is None:
            return True
        time = first[0] + stop.service_s
    work = sum(legs) + sum(stop.service_s for stop in stops)
    return time + legs[-1] > vehicle.latest_end_s or not may_fit(work, vehicle)


def schedule(stops: Sequence[TimedStop], travel_s: np.ndarray,
             vehicle: VehicleSpec) -> Schedule | None:
    """The earliest feasible schedule of ``stops`` in this order for
    ``vehicle`` (departure delayed as far as the return allows), or None.

    Two starts are tried: the shift's, and (when the lunch window opens after
    it) the end of the earliest lunch, so that a route may also start after
    lunch and need none; the earlier return wins, then the later departure.
    """
    legs = _legs(stops, travel_s)
    if _cannot_fit(stops, legs, vehicle):
        return None
    return _search(stops, legs, vehicle)


def _search(stops: Sequence[TimedStop], legs: Sequence[int],
            vehicle: VehicleSpec) -> Schedule | None:
    """``schedule`` without the quick bounds of ``_cannot_fit``, on the
    route's ``_legs``."""
    starts = [vehicle.earliest_start_s]
    lunch = vehicle.breaks[0] if vehicle.breaks else None
    if lunch is not None and lunch.earliest_s + lunch.duration_s > vehicle.earliest_start_s:
        starts.append(lunch.earliest_s + lunch.duration_s)
    found = [s for s in (_attempt(stops, legs, vehicle, t) for t in starts) if s is not None]
    return min(found, key=lambda s: (s.return_s, -s.depart_s)) if found else None


def timing_problems(stops: Sequence[TimedStop], travel_s: np.ndarray, vehicle: VehicleSpec,
                    timed: Schedule) -> list[str]:
    """Every way the times ``timed`` of a route serving ``stops`` in this order
    break the rule of this module (empty: they follow it): the self-check's
    half of the one rule that ``schedule`` builds with.

    The lunch break lies between two services and either before the ride of
    its gap (it starts once the team is free, the ride starts when it ends)
    or after it (it starts once the team has arrived); never during a ride,
    never with passengers on board, never inside a point's opening
    (``lunch_gaps``).
    """
    problems: list[str] = []
    legs = _legs(stops, travel_s)
    lunch = vehicle.breaks[0] if vehicle.breaks else None
    if timed.depart_s < vehicle.earliest_start_s:
        problems.append(msg("leaves before the shift starts"))
    if len(timed.service_start_s) != len(stops):
        return problems + [msg("not one service start per stop")]
    breaks = list(timed.breaks)
    if len(breaks) > 1:
        problems.append(msg("more than one lunch break"))
    if breaks and lunch is not None:
        b_start, b_dur = breaks[0]
        if not lunch.earliest_s <= b_start <= lunch.latest_s or b_dur != lunch.duration_s:
            problems.append(msg("the lunch break is outside its window"))
    elif breaks:
        problems.append(msg("a break on a day without lunch"))
    free = timed.depart_s
    ends = list(timed.service_start_s) + [timed.return_s]
    may_lunch = lunch_gaps(stops)
    for gap, (leg, begin) in enumerate(zip(legs, ends, strict=True)):
        in_gap = [b for b in breaks if free <= b[0] < begin or (gap == len(stops)
                                                                 and b[0] >= free)]
        if in_gap:
            b_start, b_dur = in_gap[0]
            breaks.remove(in_gap[0])
            before = b_start + b_dur + leg <= begin
            after = b_start >= free + leg and b_start + b_dur <= begin
            if not (before or after):
                problems.append(msg("the lunch break at {start} s is taken during the ride "
                                    "into stop {stop} (or overlaps its service)",
                                    start=b_start, stop=gap + 1))
            if not may_lunch[gap]:
                problems.append(msg("the lunch break at {start} s is taken with passengers on "
                                    "board or inside a collection point's opening (before "
                                    "stop {stop})", start=b_start, stop=gap + 1))
        elif free + leg > begin:
            problems.append(msg("stop {stop} reached {after} s after leaving the last, "
                                "faster than its {leg} s leg", stop=gap + 1, after=begin - free,
                                leg=leg))
        if gap < len(stops):
            stop = stops[gap]
            if stop.starts and not any(lo <= begin <= hi for lo, hi in stop.starts):
                problems.append(msg("stop {stop} starts at {begin} s, outside its windows",
                                    stop=gap + 1, begin=begin))
            free = begin + stop.service_s
    if breaks:
        problems.append(msg("the lunch break at {start} s is not between two services",
                            start=breaks[0][0]))
    if timed.return_s > vehicle.latest_end_s:
        problems.append(msg("returns after the shift ends"))
    if timed.return_s - timed.depart_s > vehicle.max_duration_s:
        problems.append(msg("works longer than its maximum"))
    if lunch is not None and stops and not timed.breaks \
            and timed.depart_s < lunch.earliest_s + lunch.duration_s \
            and timed.return_s > lunch.latest_s:
        problems.append(msg("no lunch break although the route spans the lunch window"))
    return problems
