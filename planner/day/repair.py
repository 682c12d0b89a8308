"""Make the priority rule hold by construction, after the search.

The prizes (``planner.day.problem.tier_prizes``) make a heuristic search
prefer urgent visits, but a search stops where it stops. ``repair_priorities``
then makes the rule true of the answer: for each home visit or collection
point left out (most urgent tier first, then the longest-waiting), it tries
every route that may take it (the problem's ``allowed_vehicles``: units
with the kit and the ``home`` duty for a visit, the ``point`` duty for a
point; ``planner.day.problem.build_day_problem``), and only those, with
that route's stops of lower tiers removed (the other stops kept
in order, shuttle stops pinned at their planned times), inserts the visit at
the cheapest position where the route still fits (``planner.day.timing``:
windows, shift and sunset, working time, lunch) or, when no position does,
in any order of those stops that fits (``planner.day.orders.fitting_order``,
exact: the same search the self-check runs), then puts back the removed
stops, most urgent first, where they still fit (in that route, else in
another as it stands; every placement only on a route whose unit has the
stop's duty, ``_Routes.insert``); the rest are left out. It repeats until
nothing left out can be placed. When no route can take a left-out home
visit that way, it tries one relocation: a stop of the same tier or a
higher one moves from one route to another (each with its lower-tier
stops moved out of the way), which frees the room the visit needs
(``_relocate``). Each placement serves one more part of some tier and only
drops parts of lower tiers, so the loop ends.

``retime_rides`` first gives every route the times of that rule where the
engine's break falls during a ride (OR-Tools' breaks only avoid services).

``retime_points`` then times each route that opens a collection point by
the same timing rule, so the point team does not wait before opening.

``drop_lone_points`` first removes collection-point openings that break the
point rule: a village's point is opened for its invited residents or not at
all, and for at least the minimum slot.

A collection point's consecutive nodes in a route (the invited, and the
``auto`` households that join them) move as one block; its tier is the most
urgent of its nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from planner.day.orders import fitting_order
from planner.day.problem import Node, without_nodes
from planner.day.timing import Schedule, TimedStop, may_fit, schedule, stop_legs, timing_problems
from planner.problem import RouteSolution, RoutingProblem, Solution, VehicleSpec

SHUTTLE_KINDS = ("pickup_home", "dropoff_office", "pickup_office", "dropoff_home")


_LEGS: list = []
"""The last problem's ``[travel_s, cluster, entry_s, legs, legs as lists]``:
a day's stages build several ``_Routes`` on one matrix."""


def _held_legs(problem: RoutingProblem) -> list:
    """``_LEGS`` for ``problem``: its ``stop_legs`` (index 3) and the same as
    lists (index 4, None until asked), built once per travel matrix (the same
    array object, never written to: the problem is frozen) and places."""
    p = problem
    if not (_LEGS and _LEGS[0] is p.travel_s and list(_LEGS[1]) == list(p.cluster)
            and list(_LEGS[2]) == list(p.entry_s)):
        _LEGS[:] = [p.travel_s, list(p.cluster), list(p.entry_s),
                    stop_legs(p.travel_s, p.cluster, p.entry_s), None]
    return _LEGS


@dataclass(frozen=True)
class _Screen:
    """``_Routes.screen``'s answer for one route and tier, per node: ``place``,
    it may fit with the route's lower tiers moved out (False: ``_place``
    cannot put it there); ``move``, it may fit once one kept block also
    leaves (False: no relocation through this route serves it)."""

    place: np.ndarray
    move: np.ndarray
    #: per node, the bound minus the most work (s) the route may take
    over: np.ndarray
    #: kept block (its nodes) → per node, how much that block's leaving may
    #: lower the bound (s): no relocation of that block serves a node whose
    #: ``over`` is above it
    drops: dict[tuple[int, ...], np.ndarray]

    def frees(self, block: tuple[int, ...], c: int) -> bool:
        """Whether moving ``block`` out may make room for node ``c``."""
        return bool(self.over[c] <= self.drops[block][c])


def work_cap(vehicle: VehicleSpec) -> int:
    """The most seconds of legs and services ``may_fit`` accepts for
    ``vehicle`` (-1: none): ``may_fit`` is monotone in the work, so this is
    found by bisection of ``may_fit`` itself."""
    if not may_fit(0, vehicle):
        return -1
    lo, hi = 0, 7 * 86_400  # may_fit(lo) holds; a week of work fits no day
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if may_fit(mid, vehicle):
            lo = mid
        else:
            hi = mid
    return lo


@dataclass(frozen=True)
class _Block:
    nodes: tuple[int, ...]
    tier: int
    waiting_days: int
    pinned: bool


class _Routes:
    """The routes being repaired, with what the timing rule needs."""

    def __init__(self, problem: RoutingProblem, nodes: list[Node], solution: Solution):
        self.problem = problem
        self.nodes = nodes
        self.seq = {r.vehicle: list(r.nodes) for r in solution.routes}
        self.pinned = {n: t for r in solution.routes for n, t in
                       zip(r.nodes, r.service_start_s, strict=True)
                       if nodes[n].kind in SHUTTLE_KINDS}
        self.changed: set[int] = set()
        #: (node, vehicle, route) tried without success: a route that has not
        #: changed since cannot take that node now either
        self.failed: set[tuple[int, int, tuple[int, ...]]] = set()
        #: (node, every route) for which no relocation was found
        self.failed_relocation: set[tuple] = set()
        #: ``_new_home``'s answers for the routes as they are in ``homes_now``
        self.homes: dict[tuple, tuple | None] = {}
        self.homes_now: tuple | None = None
        self._stops: dict[int, TimedStop] = {}
        #: (vehicle, sequence) → its schedule (or None): a route is timed once
        self._timed: dict[tuple[int, tuple[int, ...]], Schedule | None] = {}
        self._service: list[int] = [int(s) for s in problem.service_s]
        #: (vehicle, sequence, block) → ``insert``'s answer
        self._inserted: dict[tuple, list[int] | None] = {}
        #: (vehicle, sequence, tier) → ``screen``'s answer
        self._screens: dict[tuple, _Screen] = {}
        #: (vehicle, set of stops) no order of which fits: the exact search's
        #: "no" does not depend on the order it is given the stops in
        self._no_order: set[tuple[int, frozenset[int]]] = set()
        self._service_arr = np.asarray(problem.service_s, dtype=np.int64)
        self._caps = [work_cap(spec) for spec in problem.vehicles]
        n = problem.num_nodes
        #: ``_may_take[v][n]``: route ``v``'s unit may take node ``n`` (its duties)
        self._may_take = np.ones((len(problem.vehicles), n), dtype=bool)
        if problem.allowed_vehicles:
            for node, allowed in enumerate(problem.allowed_vehicles):
                if allowed:
                    self._may_take[:, node] = False
                    self._may_take[list(allowed), node] = True

    @cached_property
    def _legs(self) -> np.ndarray:
        """``stop_legs`` of the problem (s), built when first needed: a day of
        thousands of nodes re-timed without inserting anything never builds
        its square of legs."""
        return _held_legs(self.problem)[3]

    @cached_property
    def _leg_rows(self) -> list[list[int]]:
        """``_legs`` as Python lists (``insert`` reads single cells)."""
        held = _held_legs(self.problem)
        if held[4] is None:
            held[4] = held[3].tolist()
        return held[4]

    def stop(self, n: int) -> TimedStop:
        found = self._stops.get(n)
        if found is not None:
            return found
        p = self.problem
        starts = ((self.pinned[n], self.pinned[n]),) if n in self.pinned else p.windows[n]
        place = p.cluster[n] if p.cluster else -1
        setup = p.entry_s[n] if p.entry_s else 0
        found = TimedStop(n, int(p.service_s[n]), tuple(starts), int(place), int(setup),
                          int(p.demand[n]) if p.demand else 0)
        self._stops[n] = found
        return found

    def legs(self, seq: list[int]) -> int:
        """Legs of the route station → ``seq`` → station (s, set-ups included),
        as ``planner.day.timing.leg_s`` adds them."""
        path = np.array([0, *seq, 0], dtype=np.intp)
        return int(self._legs[path[:-1], path[1:]].sum())

    def timing(self, v: int, seq: list[int]) -> Schedule | None:
        key = (v, tuple(seq))
        if key in self._timed:
            return self._timed[key]
        timed = schedule([self.stop(n) for n in seq], self.problem.travel_s,
                         self.problem.vehicles[v])
        self._timed[key] = timed
        return timed

    def cost(self, seq: list[int], timed: Schedule) -> int:
        """The engine's cost of a route: legs plus span (s)."""
        return self.legs(seq) + self.problem.span_cost_per_s * (timed.return_s - timed.depart_s)

    def blocks(self, v: int) -> list[_Block]:
        out: list[_Block] = []
        p = self.problem
        for n in self.seq[v]:
            place = p.cluster[n] if p.cluster else -1
            node = self.nodes[n]
            last = out[-1] if out else None
            if place >= 0 and last is not None and p.cluster[last.nodes[-1]] == place:
                out[-1] = _Block(last.nodes + (n,), min(last.tier, node.tier),
                                 max(last.waiting_days, node.waiting_days), False)
            else:
                out.append(_Block((n,), node.tier, node.waiting_days, n in self.pinned))
        return out

    def allowed(self, *block: int) -> list[int]:
        """The routes that may take every node of ``block`` (the problem's
        ``allowed_vehicles``: a unit's duties), in vehicle order."""
        p = self.problem
        every = sorted(self.seq)
        if not p.allowed_vehicles:
            return every
        return [v for v in every
                if all(not p.allowed_vehicles[n] or v in p.allowed_vehicles[n] for n in block)]

    def insert(self, v: int, seq: list[int], block: tuple[int, ...]) -> list[int] | None:
        """``seq`` with ``block`` at its cheapest feasible position between
        blocks (None: nowhere, or route ``v`` may not take every node of
        ``block``: ``allowed``; every placement of the repair goes through
        here, so no unit gets work of a duty it does not have today).

        A position whose legs and services alone cannot fit the vehicle's day
        (``planner.day.timing.may_fit``, which ``schedule`` would check first
        too) is not timed; answers are kept per (vehicle, sequence, block)."""
        key = (v, tuple(seq), block)
        if key in self._inserted:
            found = self._inserted[key]
            return list(found) if found is not None else None
        p = self.problem
        if v not in self.allowed(*block):  # a unit without the duty never takes it
            self._inserted[key] = None
            return None
        legs, service = self._leg_rows, self._service
        vehicle = p.vehicles[v]
        path = [0, *seq, 0]
        base = sum(legs[a][b] for a, b in zip(path, path[1:], strict=False))
        inner = sum(legs[a][b] for a, b in zip(block, block[1:], strict=False))
        work = base + inner + sum(service[n] for n in seq) + sum(service[n] for n in block)
        head, tail = block[0], block[-1]
        best: tuple[int, list[int]] | None = None
        for k in range(len(seq) + 1):
            if 0 < k < len(seq) and p.cluster and p.cluster[seq[k]] >= 0 \
                    and p.cluster[seq[k]] == p.cluster[seq[k - 1]]:
                continue  # inside a collection point's block
            before, after = path[k], path[k + 1]
            delta = legs[before][head] + legs[tail][after] - legs[before][after]
            if not may_fit(work + delta, vehicle):
                continue
            trial = seq[:k] + list(block) + seq[k:]
            timed = self.timing(v, trial)
            if timed is not None:
                cost = base + inner + delta \
                    + p.span_cost_per_s * (timed.return_s - timed.depart_s)
                if best is None or cost < best[0]:
                    best = (cost, trial)
        self._inserted[key] = best[1] if best else None
        return list(best[1]) if best else None

    def screen(self, v: int, tier: int) -> _Screen:
        """Which left-out nodes route ``v`` could possibly take with its
        stops of tiers below ``tier`` moved out (``_split``), by the bound
        ``planner.day.orders`` tries first: the kept stops ``K`` plus node
        ``c`` need at least their services, each one's shortest leg in from
        ``K`` + ``c`` + the station, and the shortest leg home
        (``stop_legs``), within the most work ``may_fit`` allows
        (``work_cap``). Every order ``insert`` or ``reorder`` could find has
        at least those legs, so a node the screen refuses is one ``_place``
        would refuse on ``v``. For ``_relocate``: removing one kept block
        ``X`` (not pinned) lowers that bound by at most the services of
        ``X`` and their legs in (the others' shortest legs in and home only
        grow), so a node whose bound minus the largest such drop is over
        the cap fits no relocation through ``v`` either. Vectorised over every
        node; kept per (route, its sequence, tier)."""
        key = (v, tuple(self.seq[v]), tier)
        found = self._screens.get(key)
        if found is not None:
            return found
        keep, _moved = _split(self, v, tier)
        legs, service = self._legs, self._service_arr
        base = np.array([n for b in keep for n in b.nodes], dtype=np.intp)
        if len(base):
            sources = np.concatenate(([0], base))
            into_base = legs[np.ix_(sources, base)]
            into_base[np.arange(1, len(base) + 1), np.arange(len(base))] = np.iinfo(np.int64).max
            least_in = into_base.min(axis=0)  # each kept stop's shortest leg in from K + station
            # [c, j]: kept stop j's shortest leg in once c is there too
            with_c = np.minimum(legs[:, base], least_in[None, :])
            bound = int(service[base].sum()) + with_c.sum(axis=1) + service \
                + legs[sources, :].min(axis=0) + np.minimum(legs[base, 0].min(), legs[:, 0])
            position = {int(n): k for k, n in enumerate(base)}
            drops = {b.nodes: service[list(b.nodes)].sum()
                     + with_c[:, [position[n] for n in b.nodes]].sum(axis=1)
                     for b in keep if not b.pinned}
        else:
            bound = service + legs[0, :] + legs[:, 0]
            drops = {}
        over = bound - self._caps[v]
        place = (over <= 0) & self._may_take[v]
        move = (over <= np.max(list(drops.values()), axis=0)) & self._may_take[v] if drops \
            else np.zeros(len(bound), dtype=bool)
        found = self._screens[key] = _Screen(place, move, over, drops)
        return found

    def reorder(self, v: int, seq: list[int]) -> list[int] | None:
        """An order of ``seq`` that route ``v`` can time, whatever the order
        it had (``planner.day.orders.fitting_order``, exact; a collection
        point's block stays together); None: no order fits. The search is
        exact, so its "no" holds for the set of stops in any order: kept per
        (route, set of stops) and not searched again."""
        key = (v, frozenset(seq))
        if key in self._no_order:
            return None
        order = fitting_order([self.stop(n) for n in seq], self.problem.travel_s,
                              self.problem.vehicles[v])
        if order is None:
            self._no_order.add(key)
            return None
        return [seq[k] for k in order]

    def served(self) -> set[int]:
        return {n for seq in self.seq.values() for n in seq}

    def solution(self, old: Solution) -> Solution:
        """The repaired routes; unchanged routes keep the engine's times."""
        routes = []
        for r in old.routes:
            if r.vehicle not in self.changed:
                routes.append(r)
                continue
            seq = self.seq[r.vehicle]
            spec = self.problem.vehicles[r.vehicle]
            timed = self.timing(r.vehicle, seq) if seq else \
                Schedule(spec.earliest_start_s, (), spec.earliest_start_s, ())
            if timed is None:  # pragma: no cover - every accepted route was timed
                raise AssertionError(f"repaired route {spec.name} does not fit")
            routes.append(RouteSolution(r.vehicle, tuple(seq), timed.service_start_s,
                                        timed.depart_s, timed.return_s, timed.breaks))
        served = self.served()
        depots = {0} | {s.start_node for s in self.problem.vehicles} \
            | {s.end_node for s in self.problem.vehicles}
        dropped = tuple(n for n in range(self.problem.num_nodes)
                        if n not in served and n not in depots)
        return replace(old, routes=tuple(routes), dropped=dropped,
                       objective=self.objective(routes, served))

    def objective(self, routes: list[RouteSolution], served: set[int]) -> int:
        """The engine's objective of these routes: costs plus what is left out."""
        p = self.problem
        total = 0
        for r in routes:
            if r.nodes:
                total += self.legs(list(r.nodes)) + p.span_cost_per_s * (r.end_s - r.start_s)
        grouped = {n for g, _ in p.groups for n in g}
        total += sum(int(p.prize[n]) for n in range(1, p.num_nodes)
                     if n not in served and n not in grouped and p.prize[n] > 0)
        total += sum(penalty for g, penalty in p.groups if not served & set(g))
        return int(total)


def drop_lone_points(problem: RoutingProblem, nodes: list[Node], solution: Solution,
                     min_slot_s: int) -> Solution:
    """``solution`` without collection-point openings that hold only ``auto``
    households while the village's invited residents are not served there, or
    that last less than ``min_slot_s`` (set-up included). Removing stops keeps
    every remaining time valid (legs only get shorter; the team waits instead)."""
    if not problem.cluster:
        return solution
    routes = _Routes(problem, nodes, solution)
    served = routes.served()
    invited = {nodes[n].village for n in served if nodes[n].kind == "point"}
    has_point = {nd.village for nd in nodes if nd.kind == "point"}
    lone: set[int] = set()
    for v in routes.seq:
        for block in routes.blocks(v):
            if {nodes[n].kind for n in block.nodes} <= {"attend"}:
                village = nodes[block.nodes[0]].village
                slot = problem.entry_s[block.nodes[0]] \
                    + sum(int(problem.service_s[n]) for n in block.nodes)
                if (village in has_point and village not in invited) or slot < min_slot_s:
                    lone.update(block.nodes)
    return without_nodes(solution, lone)


def retime_points(problem: RoutingProblem, nodes: list[Node], solution: Solution) -> Solution:
    """``solution`` with each route that opens a collection point re-timed by
    the timing rule (``planner.day.timing.schedule``: the earliest return,
    the departure as late as it allows), when that is no longer than the
    engine's day. The engine's times of a route's nodes are only feasible, not
    tight: a point team could wait an hour at its first point before opening
    it, and the notices would tell the village a later hour. A route's
    shuttle stops keep the engine's times (pinned: their other trips and the
    passengers' enrolment gaps are on other routes)."""
    routes = _Routes(problem, nodes, solution)
    for r in solution.routes:
        kinds = {nodes[n].kind for n in r.nodes}
        if not kinds & {"point", "attend"}:
            continue
        timed = routes.timing(r.vehicle, list(r.nodes))
        if timed is not None and timed.return_s - timed.depart_s <= r.end_s - r.start_s \
                and (timed.depart_s, tuple(timed.service_start_s)) \
                != (r.start_s, tuple(r.service_start_s)):
            routes.changed.add(r.vehicle)
    return routes.solution(solution) if routes.changed else solution


def reorder(problem: RoutingProblem, nodes: list[Node], solution: Solution, vehicle: int,
            seq: list[int]) -> Solution | None:
    """``solution`` with route ``vehicle`` serving ``seq`` (the same nodes in
    another order), timed by the timing rule; None when no schedule of that
    order fits (windows, shift, lunch, working time)."""
    routes = _Routes(problem, nodes, solution)
    if routes.timing(vehicle, seq) is None:
        return None
    routes.seq[vehicle] = list(seq)
    routes.changed.add(vehicle)
    return routes.solution(solution)


def objective_of(problem: RoutingProblem, nodes: list[Node], solution: Solution) -> int:
    """The engine's objective of ``solution`` on ``problem``: legs and spans of
    its routes plus the prizes of what is left out."""
    routes = _Routes(problem, nodes, solution)
    return routes.objective(list(solution.routes), routes.served())


def retime_rides(problem: RoutingProblem, nodes: list[Node], solution: Solution) -> Solution:
    """``solution`` with every route timed by the one rule
    (``planner.day.timing``): the engine may place the lunch break during a
    ride (its breaks only avoid services); such a route gets the rule's
    schedule of the same stops, and when no schedule of them exists, its least
    urgent stops (not a shuttle's, which are pinned) leave it one by one
    until one does (the priority repair may put them back elsewhere)."""
    routes = _Routes(problem, nodes, solution)
    for r in solution.routes:
        if not r.nodes:
            continue
        seq = list(r.nodes)
        stops = [routes.stop(n) for n in seq]
        breaks = tuple(b for b in r.breaks if b[0] < r.end_s and b[0] + b[1] > r.start_s)
        engine = Schedule(r.start_s, r.service_start_s, r.end_s, breaks)
        if not timing_problems(stops, problem.travel_s, problem.vehicles[r.vehicle], engine):
            continue
        routes.changed.add(r.vehicle)
        while routes.timing(r.vehicle, seq) is None:
            movable = [b for b in routes.blocks(r.vehicle) if not b.pinned]
            if not movable:
                break
            worst = max(movable, key=lambda b: (b.tier, -b.waiting_days, b.nodes))
            seq = [n for n in seq if n not in worst.nodes]
            routes.seq[r.vehicle] = seq
        if routes.timing(r.vehicle, seq) is None:  # only pinned stops left, and they
            routes.seq[r.vehicle] = list(r.nodes)  # do not fit: the self-check says so
            routes.changed.discard(r.vehicle)
    return routes.solution(solution) if routes.changed else solution


def repair_priorities(problem: RoutingProblem, nodes: list[Node],
                      solution: Solution, relocate: bool = True) -> Solution:
    """``solution`` with the tier rule made true (see the module docstring).

    Without ``relocate`` (a staffing sweep's cheaper fidelity) only
    ``_place`` runs: the rule the self-check proves still holds (no left-out
    visit fits a route with its lower tiers removed), but visits that would
    fit only by moving a stop of the same tier to another team stay out."""
    routes = _Routes(problem, nodes, solution)
    group_of = {n: g for g, _ in problem.groups for n in g}
    limit = 4 * problem.num_nodes + 10
    for _ in range(limit):
        served = routes.served()
        candidates = sorted(
            (n for n, nd in enumerate(nodes)
             if nd.kind in ("visit", "point") and n not in served
             and not served & set(group_of.get(n, ()))),
            key=lambda n: (nodes[n].tier, -nodes[n].waiting_days, n))
        if not any(_place(routes, c) or (relocate and _relocate(routes, c))
                   for c in _screened(routes, candidates, relocate)):
            break
    return routes.solution(solution) if routes.changed else solution


def _screened(routes: _Routes, candidates: list[int], relocate: bool) -> list[int]:
    """``candidates`` (in their order) without those no route's screen lets
    through (``_Routes.screen``): neither ``_place`` nor ``_relocate`` could
    serve them now, so trying them changes nothing. A day of thousands of
    households left out tries only the few that may fit."""
    if not candidates:
        return []
    nodes = routes.nodes
    out = np.zeros(routes.problem.num_nodes, dtype=bool)
    visit = np.zeros(routes.problem.num_nodes, dtype=bool)
    visit[[c for c in candidates if nodes[c].kind == "visit"]] = True
    for tier in sorted({nodes[c].tier for c in candidates}):
        here = np.zeros(routes.problem.num_nodes, dtype=bool)
        here[[c for c in candidates if nodes[c].tier == tier]] = True
        for v in routes.seq:
            found = routes.screen(v, tier)
            ok = found.place | (found.move & visit) if relocate else found.place
            out |= ok & here
    return [c for c in candidates if out[c]]


def _place(routes: _Routes, c: int) -> bool:
    """Serve left-out visit or point ``c`` in some route, moving stops of
    lower tiers out of its way and back where they fit; True when placed."""
    tier = routes.nodes[c].tier
    for v in routes.allowed(c):
        if not routes.screen(v, tier).place[c]:
            continue  # no order of its kept stops and ``c`` can fit (the bound)
        tried = (c, v, tuple(routes.seq[v]))
        if tried in routes.failed:
            continue
        blocks = routes.blocks(v)
        keep = [b for b in blocks if b.pinned or b.tier <= tier]
        moved = [b for b in blocks if not (b.pinned or b.tier <= tier)]
        base = [n for b in keep for n in b.nodes]
        new = routes.insert(v, base, (c,)) or routes.reorder(v, base + [c])
        if new is None:
            routes.failed.add(tried)
            continue
        routes.seq[v] = new
        routes.changed.add(v)
        _put_back(routes, moved, v)
        return True
    return False


def _split(routes: _Routes, v: int, tier: int) -> tuple[list[_Block], list[_Block]]:
    """Route ``v``'s blocks as (kept: pinned or of ``tier`` and above, moved: the rest)."""
    blocks = routes.blocks(v)
    keep = [b for b in blocks if b.pinned or b.tier <= tier]
    return keep, [b for b in blocks if not (b.pinned or b.tier <= tier)]


def _put_back(routes: _Routes, moved: list[_Block], v: int) -> None:
    """Re-insert ``moved`` blocks, most urgent first, where they still fit
    (route ``v`` first when it may take them, else another that may); the
    rest stay out. A block moved out of another route (``_relocate``) may be
    work that route ``v``'s unit has no duty for."""
    for b in sorted(moved, key=lambda b: (b.tier, -b.waiting_days, b.nodes)):
        allowed = routes.allowed(*b.nodes)
        for w in [w for w in allowed if w == v] + [w for w in allowed if w != v]:
            trial = routes.insert(w, routes.seq[w], b.nodes)
            if trial is not None:
                routes.seq[w] = trial
                routes.changed.add(w)
                break


def _relocate(routes: _Routes, c: int) -> bool:
    """Serve left-out home visit ``c`` by moving one stop of its tier or a
    higher one from route ``v`` to another route ``w`` (both with their
    lower-tier stops moved out of the way and back where they fit): the case
    ``_place`` misses, where two urgent visits fit only on swapped teams.
    True when placed."""
    if routes.nodes[c].kind != "visit":
        return False
    state = (c, tuple((v, tuple(seq)) for v, seq in sorted(routes.seq.items())))
    if state in routes.failed_relocation:
        return False
    tier = routes.nodes[c].tier
    for v in routes.allowed(c):
        screen = routes.screen(v, tier)
        if not screen.move[c]:
            continue  # no kept block's leaving makes room for ``c`` (the bound)
        keep, moved = _split(routes, v, tier)
        for x in keep:
            if x.pinned or not screen.frees(x.nodes, c):
                continue
            home = _new_home(routes, state[1], v, x, tier)
            if home is None:
                continue  # no other route takes ``x``, whatever ``c``
            base = [n for b in keep if b is not x for n in b.nodes]
            new_v = routes.insert(v, base, (c,))
            if new_v is None:
                continue
            w, new_w, w_moved = home
            routes.seq[v], routes.seq[w] = new_v, new_w
            routes.changed.update((v, w))
            _put_back(routes, moved + w_moved, v)
            return True
    routes.failed_relocation.add(state)
    return False


def _new_home(routes: _Routes, now: tuple, v: int, x: _Block,
              tier: int) -> tuple[int, list[int], list[_Block]] | None:
    """The first route ``w`` (not ``v``) that takes block ``x`` among its
    stops of ``tier`` and above, as ``(w, its new sequence, its blocks moved
    out)``; None: none. It does not depend on the visit being relocated for,
    so it is asked before that visit's own insertion and kept while the
    routes stay as they are (``now``)."""
    if routes.homes_now != now:
        routes.homes.clear()
        routes.homes_now = now
    key = (v, x.nodes, tier)
    if key in routes.homes:
        return routes.homes[key]
    found = None
    for w in routes.allowed(*x.nodes):
        if w == v or (len(x.nodes) == 1 and not routes.screen(w, tier).place[x.nodes[0]]):
            continue  # (the bound: ``x`` cannot fit ``w``'s kept stops)
        w_keep, w_moved = _split(routes, w, tier)
        new_w = routes.insert(w, [n for b in w_keep for n in b.nodes], x.nodes)
        if new_w is not None:
            found = (w, new_w, w_moved)
            break
    routes.homes[key] = found
    return found
