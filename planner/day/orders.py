"""Exact search over the orders of a route's stops: does *any* order fit?

``fitting_order(stops, travel_s, vehicle)`` answers whether some order of
``stops`` is accepted by the one timing rule (``planner.day.timing.schedule``:
windows, set-up, shift and sunset, lunch before or after a ride, working
time), and returns such an order. Consecutive stops of one collection point
(``TimedStop.place`` ≥ 0) stay together: an opening is not split.

How (exact, cheap for the ≤ ~15 stops of a team's day):

1. A bound: services plus, for each stop, its shortest leg in, plus the
   shortest leg home, must fit the day (``timing.may_fit``); else None.
2. A dynamic programme over (stops served, last stop), from each departure
   ``schedule`` tries (the shift's start; the end of the earliest lunch),
   keeping for each the earliest time the team is free with lunch not yet
   taken and with lunch taken. This is ``schedule``'s forward pass
   (``timing._forward``) over every order at once: arriving earlier is never
   worse for windows, shift and lunch, so keeping the earliest of each state
   loses no order. Each state also carries an optimistic bound on the
   working time (the latest departure the windows of any of its paths allow,
   against its earliest return). A state that no order could complete
   (the stops left need at least their services and shortest legs in, and
   the shortest way home: past a window, the shift or the working time) is
   dropped as soon as it is made (``_alive``; the days a team cannot take
   one more visit, the repair's and the self-check's usual question, end
   early). When no full set is reached in time within that bound, no order
   fits: None.
3. Otherwise the working-time limit decides, which depends on how late the
   team can leave (a path-dependent quantity the DP does not keep): a
   depth-first search over orders, pruned by the same forward pass, by a
   bound on the working time (latest possible departure of the prefix
   against its earliest return) and by remembering failed states, times
   each complete order with ``schedule`` itself. When the working time
   cannot bind (it is at least the shift), a state is (stops served, last
   stop, earliest free times), and the answer is exactly "some order passes
   ``schedule``". When it can, a state also holds the latest departure the
   prefix's windows allow and the free times from ``schedule``'s later
   departure: how late the team really leaves depends on the waits and the
   lunch along the prefix too, so two prefixes with one state could in
   principle differ (``tests/day/test_orders.py`` compares the search with
   brute force over all orders on random small days, working time binding
   or not).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from planner.day.timing import INF, TimedStop, _first_start, may_fit, schedule
from planner.problem import VehicleSpec

#: (free with lunch not taken, free with lunch taken); None: not reachable
_Times = tuple[int | None, int | None]


class _Orders:
    """The data of one search: legs between stops, places, the lunch."""

    def __init__(self, stops: Sequence[TimedStop], travel_s: np.ndarray, vehicle: VehicleSpec):
        self.stops = list(stops)
        self.travel_s = travel_s
        self.vehicle = vehicle
        self.lunch = vehicle.breaks[0] if vehicle.breaks else None
        n = len(self.stops)
        self.n = n
        #: leg[i][j]: from stop i (n: the station) to stop j (n: the station),
        #: ``timing.leg_s`` of each pair, built at once from the travel matrix
        self.leg = _legs(self.stops, travel_s)
        self.place_members: dict[int, int] = {}
        for k, s in enumerate(self.stops):
            if s.place >= 0:
                self.place_members[s.place] = self.place_members.get(s.place, 0) | (1 << k)
        self.full = (1 << n) - 1

    def allowed(self, mask: int, last: int, j: int) -> bool:
        """Whether stop ``j`` may follow ``last`` after ``mask``: an opening of a
        collection point is finished before the team leaves it, and not re-entered."""
        if mask >> j & 1:
            return False
        if last >= 0:
            p = self.stops[last].place
            if p >= 0 and mask & self.place_members[p] != self.place_members[p]:
                return self.stops[j].place == p
        q = self.stops[j].place
        if q >= 0 and mask & self.place_members[q] and (last < 0 or self.stops[last].place != q):
            return False
        return True

    def may_lunch(self, mask: int, last: int, j: int) -> bool:
        """Whether the lunch may be taken on the way from ``last`` to stop ``j``
        after the stops of ``mask`` (``timing.lunch_gaps``: nobody on board,
        not inside a point's opening)."""
        load = sum(self.stops[k].seats for k in range(self.n) if mask >> k & 1)
        inside = last >= 0 and self.stops[last].place >= 0 \
            and self.stops[last].place == self.stops[j].place
        return load <= 0 and not inside

    def step(self, times: _Times, last: int, j: int, mask: int = 0) -> _Times:
        """``timing._forward``'s step from ``last`` (-1: the station) to stop
        ``j``, the stops of ``mask`` served."""
        leg = self.leg[last if last >= 0 else self.n][j]
        nb, lu = times
        ready = self._lunch_options(nb, lu, leg, self.may_lunch(mask, last, j))
        stop = self.stops[j]
        plain = None
        if nb is not None:
            first = _first_start(nb + leg, stop.starts)
            if first is not None:
                plain = first[0] + stop.service_s
        lunched = None
        if ready is not None:
            first = _first_start(ready, stop.starts)
            if first is not None:
                lunched = first[0] + stop.service_s
        return plain, lunched

    def _lunch_options(self, nb: int | None, lu: int | None, leg: int,
                       here: bool = True) -> int | None:
        """The earliest ready time after a leg with lunch taken (before, after
        the leg, or earlier on the route)."""
        options = []
        if lu is not None:
            options.append(lu + leg)
        lunch = self.lunch
        if lunch is not None and nb is not None and here:
            begin = max(nb, lunch.earliest_s)
            if begin <= lunch.latest_s:
                options.append(begin + lunch.duration_s + leg)
            begin = max(nb + leg, lunch.earliest_s)
            if begin <= lunch.latest_s:
                options.append(begin + lunch.duration_s)
        return min(options) if options else None

    def back(self, times: _Times, last: int, depart: int) -> int | None:
        """The earliest return to the station from ``last`` (None: none by the
        shift's end), as ``timing._forward`` ends a route."""
        leg = self.leg[last if last >= 0 else self.n][self.n]
        nb, lu = times
        lunch = self.lunch
        ends = []
        if nb is not None:
            end = nb + leg
            if lunch is None or end <= lunch.latest_s \
                    or depart >= lunch.earliest_s + lunch.duration_s:
                ends.append(end)
        ready = self._lunch_options(nb, lu, leg, sum(s.seats for s in self.stops) <= 0)
        if ready is not None:
            ends.append(ready)
        ends = [e for e in ends if e <= self.vehicle.latest_end_s]
        return min(ends) if ends else None

    def departures(self) -> list[int]:
        """The departures ``timing.schedule`` tries."""
        v, lunch = self.vehicle, self.lunch
        starts = [v.earliest_start_s]
        if lunch is not None and lunch.earliest_s + lunch.duration_s > v.earliest_start_s:
            starts.append(lunch.earliest_s + lunch.duration_s)
        return starts

    def lower_bound_fits(self) -> bool:
        """Step 1 of the module docstring."""
        n = self.n
        if n == 0:
            return True
        work = sum(s.service_s for s in self.stops)
        work += sum(min(self.leg[i][j] for i in range(n + 1) if i != j) for j in range(n))
        work += min(self.leg[i][n] for i in range(n))
        return may_fit(work, self.vehicle)

    def dp_reaches(self) -> bool:
        """Step 2: some order meets windows, shift and lunch from some
        departure, and passes a bound on the working time: each state also
        keeps the latest departure its windows allow (legs and services only,
        the most of any path) and those legs and services (the least): the
        return no earlier than the DP's, the departure no later than that, an
        optimistic pair, so a state that fails the working time with it fails
        on every path."""
        v = self.vehicle
        alive = self._alive()
        for depart in self.departures():
            # (mask, last) -> (free, lunch not taken; free, lunch taken;
            #                  latest departure; elapsed legs and services)
            layer: dict[tuple[int, int], tuple] = {(0, -1): (depart, None, INF, 0)}
            for _ in range(self.n):
                nxt: dict[tuple[int, int], tuple] = {}
                for (mask, last), (nb0, lu0, dub, elapsed) in layer.items():
                    for j in range(self.n):
                        if not self.allowed(mask, last, j):
                            continue
                        nb, lu = self.step((nb0, lu0), last, j, mask)
                        if nb is None and lu is None:
                            continue
                        at = elapsed + self.leg[last if last >= 0 else self.n][j]
                        ends = [hi for _, hi in self.stops[j].starts]
                        d = min(dub, max(ends) - at) if ends else dub
                        e = at + self.stops[j].service_s
                        key = (mask | 1 << j, j)
                        old = nxt.get(key)
                        if old is not None:
                            nb, lu = _min(nb, old[0]), _min(lu, old[1])
                            d, e = max(d, old[2]), min(e, old[3])
                        nxt[key] = (nb, lu, d, e)
                layer = {key: state for key, state in nxt.items() if alive(key[0], state)}
                if not layer:
                    break
            for (_, last), (nb, lu, dub, _e) in layer.items():
                back = self.back((nb, lu), last, depart)
                if back is not None and back - min(dub, v.latest_end_s) <= v.max_duration_s:
                    return True
        return False

    def _alive(self):
        """A test of a DP state ``(mask, (free, free, latest departure, _))``
        that only fails when no order completes it: the stops not yet served
        each need at least their service and their shortest leg in, and the
        way home at least the shortest of their legs to the station; so the
        earliest free time plus that must fit each one's last window, the
        shift's end and (from the latest departure) the working time."""
        n, leg, v = self.n, self.leg, self.vehicle
        min_in = [min(leg[i][j] for i in range(n + 1) if i != j) for j in range(n)]
        last_in = [max(hi for _, hi in s.starts) - min_in[j] if s.starts else INF
                   for j, s in enumerate(self.stops)]
        memo: dict[int, tuple[int, int]] = {}

        def bounds(mask: int) -> tuple[int, int]:
            # (latest free time every window of the rest allows, least work left)
            found = memo.get(mask)
            if found is None:
                rest = [j for j in range(n) if not mask >> j & 1]
                work = sum(self.stops[j].service_s + min_in[j] for j in rest)
                work += min(leg[j][n] for j in rest) if rest else 0
                found = memo[mask] = (min((last_in[j] for j in rest), default=INF), work)
            return found

        def alive(mask: int, state: tuple) -> bool:
            nb, lu, dub = state[0], state[1], state[2]
            free = nb if lu is None or (nb is not None and nb < lu) else lu
            latest, work = bounds(mask)
            if not work:  # every stop served: the DP's own end decides
                return True
            return free <= latest and free + work <= v.latest_end_s \
                and free + work - min(dub, v.latest_end_s) <= v.max_duration_s

        return alive

    def search(self) -> list[int] | None:
        """Step 3: an order ``schedule`` accepts, by depth-first search."""
        v = self.vehicle
        failed: set[tuple] = set()
        start = v.earliest_start_s
        binding = v.max_duration_s < v.latest_end_s - v.earliest_start_s

        def latest_depart(order: list[int]) -> int:
            # no departure later than this meets every window of the prefix
            # (legs and services only, no waiting or lunch)
            latest, elapsed, prev = INF, 0, self.n
            for j in order:
                elapsed += self.leg[prev][j]
                ends = [hi for _, hi in self.stops[j].starts]
                if ends:
                    latest = min(latest, max(ends) - elapsed)
                elapsed += self.stops[j].service_s
                prev = j
            return latest

        def rest_bound(mask: int, last: int) -> int:
            rest = [j for j in range(self.n) if not mask >> j & 1]
            if not rest:
                return self.leg[last][self.n]
            sources = rest + [last]
            total = sum(self.stops[j].service_s + min(self.leg[i][j] for i in sources if i != j)
                        for j in rest)
            return total + min(self.leg[i][self.n] for i in rest)

        def dfs(order: list[int], mask: int, times: _Times,
                later: _Times) -> list[int] | None:
            last = order[-1] if order else -1
            if mask == self.full:
                return order if schedule([self.stops[j] for j in order], self.travel_s,
                                         v) is not None else None
            dub = latest_depart(order)
            # when the working time cannot bind, an order's fate after this
            # prefix depends on (served, last, times) only; else also on how
            # late the team can leave (``dub``) and on the times from the
            # later departure ``schedule`` tries (``later``)
            key = (mask, last, times) if not binding else (mask, last, times, later, dub)
            if key in failed:
                return None
            if binding and order:
                free = min(t for t in times if t is not None)
                here = last if last >= 0 else self.n
                if free + rest_bound(mask, here) - min(dub, v.latest_end_s) > v.max_duration_s:
                    return None
            steps = []
            for j in range(self.n):
                if self.allowed(mask, last, j):
                    nxt = self.step(times, last, j, mask)
                    if nxt != (None, None):
                        after = self.step(later, last, j, mask) if binding else (None, None)
                        steps.append((min(t for t in nxt if t is not None), j, nxt, after))
            for _, j, nxt, after in sorted(steps):
                found = dfs(order + [j], mask | 1 << j, nxt, after)
                if found is not None:
                    return found
            failed.add(key)
            return None

        departures = self.departures()
        second = (departures[-1], None) if len(departures) > 1 else (None, None)
        return dfs([], 0, (start, None), second)


def _legs(stops: list[TimedStop], travel_s: np.ndarray) -> list[list[int]]:
    """``leg_s`` from each of ``stops`` and the station (last row) to each of
    them and the station (last column): travel, plus the set-up of a stop
    entered from the station or from another place (or when it has none)."""
    n = len(stops)
    sites = np.array([s.site for s in stops] + [0], dtype=np.intp)
    legs = np.asarray(travel_s[np.ix_(sites, sites)], dtype=np.int64)
    place = np.array([s.place for s in stops], dtype=np.int64)
    setup = np.array([s.setup_s for s in stops], dtype=np.int64)
    enters = (place[:, None] != place[None, :]) | (place[None, :] < 0)
    legs[:n, :n] += np.where(enters, setup[None, :], 0)
    legs[n, :n] += setup
    return legs.tolist()


def bound_fits(kept: Sequence[TimedStop], targets: Sequence[TimedStop], travel_s: np.ndarray,
               vehicle: VehicleSpec) -> np.ndarray:
    """For each of ``targets``, whether ``kept`` plus that one stop pass step 1
    of the module docstring (``_Orders.lower_bound_fits``: the same legs,
    set-ups and ``may_fit``), vectorised over the targets: a target refused
    here is one ``fitting_order(kept + [target])`` answers None for, so a
    caller asking that question of many targets asks it only of the others."""
    if not targets:
        return np.zeros(0, dtype=bool)
    travel = np.asarray(travel_s, dtype=np.int64)
    t_site = np.array([s.site for s in targets], dtype=np.intp)
    t_place = np.array([s.place for s in targets], dtype=np.int64)
    t_setup = np.array([s.setup_s for s in targets], dtype=np.int64)
    work = np.array([s.service_s for s in targets], dtype=np.int64)
    into_t = travel[0, t_site] + t_setup  # from the station
    home = travel[t_site, 0]
    if kept:
        legs = np.asarray(_legs(list(kept), travel_s), dtype=np.int64)
        n = len(kept)
        k_site = np.array([s.site for s in kept], dtype=np.intp)
        k_place = np.array([s.place for s in kept], dtype=np.int64)
        k_setup = np.array([s.setup_s for s in kept], dtype=np.int64)
        own = legs[:, :n].copy()
        own[np.arange(n), np.arange(n)] = np.iinfo(np.int64).max
        least_in = own.min(axis=0)  # each kept stop's shortest leg in, without the target
        enters_k = (t_place[:, None] != k_place[None, :]) | (k_place[None, :] < 0)
        from_t = travel[np.ix_(t_site, k_site)] + np.where(enters_k, k_setup[None, :], 0)
        enters_t = (k_place[:, None] != t_place[None, :]) | (t_place[None, :] < 0)
        to_t = travel[np.ix_(k_site, t_site)] + np.where(enters_t, t_setup[None, :], 0)
        work += sum(s.service_s for s in kept) + np.minimum(from_t, least_in[None, :]).sum(axis=1)
        into_t = np.minimum(into_t, to_t.min(axis=0))
        home = np.minimum(home, legs[:n, n].min())
    work += into_t + home
    return np.array([may_fit(int(w), vehicle) for w in work], dtype=bool)


def _min(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def fitting_order(stops: Sequence[TimedStop], travel_s: np.ndarray,
                  vehicle: VehicleSpec) -> list[int] | None:
    """An order of ``stops`` (indices into it) that ``timing.schedule``
    accepts, or None when no order does (exact; see the module docstring)."""
    if not stops:
        return [] if schedule([], travel_s, vehicle) is not None else None
    orders = _Orders(stops, travel_s, vehicle)
    if not orders.lower_bound_fits() or not orders.dp_reaches():
        return None
    return orders.search()
