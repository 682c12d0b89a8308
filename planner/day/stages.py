"""The day solved tier by tier: urgency by construction.

``solve_by_tier`` runs the engine once per priority tier present in the day
(``planner.priorities``: bedridden, disabled, postpartum, elderly, able by
default), most urgent first. At stage ``k`` the problem holds:

- every node served at the stages before, *mandatory* (prize -1): any team
  allowed to take it, any order, so the solver may reorder and reassign them
  (an ``auto`` household keeps the option, home or point, it was given);
- the nodes of tier ``k``, optional with their prizes (``tier_prizes``:
  inside the tier the days waited and the chance of finding them at home;
  travel only breaks ties);
- nothing of a later tier.

A node's tier is the most urgent of the residents it serves: a shuttle's four
stops and a collection point (with the ``auto`` households that join it)
follow the residents they serve; an ``auto`` household's home and point
options are solved at the same stage. A tier with nothing in it costs no
solve. The first stage that serves something runs the day's engine
(``solve_fn``); each later one runs OR-Tools from the routes so far
(``planner.engine.solve_ortools`` with ``initial_routes``: a search from
scratch rarely finds a first solution that holds every mandatory node), whose
local search inserts the new tier's nodes and may move every node; when it
serves none of them, the day's engine also searches the stage from
scratch (there the mandatory nodes are optional at a prize above all the
rest could gain, so that its first-solution heuristics can start), and of
the answers that keep every mandatory node the one of lower objective (on
the whole day's problem) wins. Each search gets the stage's
limit.

Officers split off a team for shuttles (vehicles that may take nothing but
shuttle stops) are planned apart, before the teams at each stage
(``_officers``): a shuttle of the stage's tier goes to such an officer when
one can make it (each shuttle on its own, between the trips the officer
already makes, timed by the one rule), and only the shuttles no officer can
make are left to the teams' search, which never sees the officers' routes.
Else a team with the kit took a shuttle at its tier's stage while its
officer stayed idle, and the hours later tiers' points needed were gone (the
demo day: T3 shuttling, two points instead of three); OR-Tools' insertion
heuristics seldom place a shuttle's two trips, with the enrolment's time
between them, in a route that holds nothing else, so the officers' routes
are built, not searched.

The time limit is split across the stages in proportion to the nodes each
stage's problem may hold: its own tier's and every node of the tiers before
(those are what it may have to keep and move around; how many of them the
stages before served is known only then, and a deterministic split is fixed
before the first solve), so a day whose visits are mostly of one tier spends its limit
there; the stages' limits add up to the day's limit (a stage whose seeded
search serves nothing of its tier runs a second search with the same limit,
below). When a stage's
search cannot serve every mandatory node (its heuristics found no first
solution that holds them all), the routes of the stage before are kept and
that tier's nodes are left to the priority repair (``planner.day.repair``),
which, like the stages' answers, the self-check then proves exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from planner.day.needs import Steer
from planner.day.problem import Node, drop_half_shuttles
from planner.day.repair import objective_of, reorder
from planner.day.timing import INF, Schedule, TimedStop, schedule
from planner.engine import solve_ortools
from planner.problem import RouteSolution, RoutingProblem, Solution

#: An engine: ``(problem, time_limit_s, seed) -> Solution``.
SolveFn = Callable[[RoutingProblem, float, int], Solution]


def node_stages(problem: RoutingProblem, nodes: list[Node]) -> list[int]:
    """The stage (tier) of each node: its own tier, the most urgent of its
    group's (home or point of one ``auto`` household), of its shuttle's four
    stops; -1 for the depot."""
    stage = [nd.tier for nd in nodes]
    stage[0] = -1
    for group, _ in problem.groups:
        tier = min(nodes[k].tier for k in group)
        for k in group:
            stage[k] = tier
    for a, b in problem.pairs:  # a shuttle's trips carry the same residents
        tier = min(stage[a], stage[b])
        stage[a] = stage[b] = tier
    return stage


def stage_limits(sizes: list[int], time_limit_s: float) -> list[float]:
    """Each stage's share of ``time_limit_s`` (s), in proportion to ``sizes``
    (the nodes of each stage's problem)."""
    total = sum(sizes)
    return [time_limit_s * n / total if total else 0.0 for n in sizes]


def subproblem(problem: RoutingProblem, keep: list[int], mandatory: set[int],
               hard: bool = True) -> RoutingProblem:
    """``problem`` restricted to the nodes ``keep`` (sorted, the depot first),
    the ``mandatory`` ones with prize -1 and out of their groups, the others'
    prizes (one tier's) rescaled to ``[C, 2 C]`` in the same order (C: the
    routing cost bound of ``tier_prizes``)."""
    index = {old: new for new, old in enumerate(keep)}
    sel = np.array(keep, dtype=np.intp)
    # the optional nodes are of one tier: their prizes on the scale of that tier
    # alone, between the routing cost bound C and 2 C (as ``tier_prizes`` gives
    # its last tier), so that leaving a mandatory node out (the engine's soft
    # penalty while it repairs a seed) is never worth any of them
    cost = 1 + sum(2 * v.max_duration_s for v in problem.vehicles)
    groups = []
    for group, penalty in problem.groups:
        members = tuple(index[k] for k in group if k in index)
        if members and not mandatory & set(group):
            groups.append((members, int(penalty)))
    values = [int(problem.prize[k]) for k in keep[1:] if k not in mandatory] \
        + [p for _, p in groups]
    top = max([v for v in values if v > 0], default=1)

    def scaled(value: int) -> int:
        return cost + value * cost // top if value > 0 else value

    # not ``hard``: a mandatory node is optional for the search's first
    # solution, at a prize above everything else the routes could gain (the
    # caller refuses an answer that leaves one out)
    must = -1 if hard else 1 + cost * (2 * len(values) + 1)
    prize = np.array([must if k in mandatory else scaled(int(problem.prize[k])) for k in keep],
                     dtype=np.int64)
    prize[0] = problem.prize[0]
    groups = [(members, scaled(p)) for members, p in groups]

    def pairs_of(items):
        return tuple((index[a], index[b], *rest) for a, b, *rest in items
                     if a in index and b in index)

    return replace(
        problem, travel_s=problem.travel_s[np.ix_(sel, sel)],
        distance_m=problem.distance_m[np.ix_(sel, sel)],
        service_s=problem.service_s[sel], windows=tuple(problem.windows[k] for k in keep),
        prize=prize,
        allowed_vehicles=tuple(problem.allowed_vehicles[k] for k in keep)
        if problem.allowed_vehicles else (),
        demand=tuple(problem.demand[k] for k in keep) if problem.demand else (),
        pairs=pairs_of(problem.pairs), min_gap=pairs_of(problem.min_gap),
        max_gap=pairs_of(problem.max_gap), same_active=pairs_of(problem.same_active),
        groups=tuple(groups),
        cluster=tuple(problem.cluster[k] for k in keep) if problem.cluster else (),
        entry_s=tuple(problem.entry_s[k] for k in keep) if problem.entry_s else ())


def _lift(solution: Solution, keep: list[int], num_nodes: int) -> Solution:
    """A subproblem's solution in the full problem's node numbers."""
    routes = tuple(RouteSolution(r.vehicle, tuple(keep[n] for n in r.nodes), r.service_start_s,
                                 r.start_s, r.end_s, r.breaks) for r in solution.routes)
    served = {n for r in routes for n in r.nodes}
    dropped = tuple(n for n in range(1, num_nodes) if n not in served)
    return replace(solution, routes=routes, dropped=dropped)


def _serves_none(found: Solution, keep: list[int], stage: list[int], tier: int,
                 nodes: list[Node], num_nodes: int) -> bool:
    """Whether ``found`` (of the subproblem on ``keep``) serves no node of
    ``tier`` once a shuttle made only one way is dropped."""
    lifted = drop_half_shuttles(_lift(found, keep, num_nodes), nodes)
    return not any(stage[n] == tier for r in lifted.routes for n in r.nodes)


SHUTTLE_STOPS = ("pickup_home", "dropoff_office", "pickup_office", "dropoff_home")


def shuttle_only_vehicles(problem: RoutingProblem, nodes: list[Node]) -> set[int]:
    """The vehicles that may take nothing but shuttle stops (an officer split
    off a team to shuttle)."""
    allowed = problem.allowed_vehicles
    if not allowed:
        return set()
    others = {v for k in range(1, problem.num_nodes) if nodes[k].kind not in SHUTTLE_STOPS
              for v in allowed[k]}
    shuttles = {v for k in range(1, problem.num_nodes) if nodes[k].kind in SHUTTLE_STOPS
                for v in allowed[k]}
    return shuttles - others


def _narrowed(problem: RoutingProblem, vehicles: set[int]) -> RoutingProblem:
    """``problem`` with every node allowed only on ``vehicles`` (a node none
    of them may take keeps its own list: the caller leaves it out)."""
    allowed = tuple(tuple(v for v in a if v in vehicles) or a
                    for a in problem.allowed_vehicles)
    return replace(problem, allowed_vehicles=allowed)


def _merge(problem: RoutingProblem, solution: Solution, mine: set[int],
           other: Solution) -> Solution:
    """``solution``'s routes, those of the vehicles ``mine`` taken from ``other``."""
    routes = tuple(other.routes[v] if v in mine else r
                   for v, r in enumerate(solution.routes))
    served = {n for r in routes for n in r.nodes}
    return replace(solution, routes=routes,
                   dropped=tuple(n for n in range(1, problem.num_nodes) if n not in served))


def _shuttles_of(problem: RoutingProblem, nodes: list[Node], keep: set[int],
                 ) -> list[tuple[int, int, int, int]]:
    """The shuttles whose four stops are all in ``keep``, as (pickup at home,
    drop at the office, pickup there, drop at home), most valuable first (the
    sum of their prizes: tier, days waited), then in node order."""
    stops: dict[int, dict[str, int]] = {}
    for k in sorted(keep):
        if nodes[k].kind in SHUTTLE_STOPS:
            stops.setdefault(id(nodes[k].need), {})[nodes[k].kind] = k
    out = [tuple(four[kind] for kind in SHUTTLE_STOPS) for four in stops.values()
           if len(four) == 4]
    return sorted(out, key=lambda q: (-sum(int(problem.prize[n]) for n in q), q))


def _trip_times(problem: RoutingProblem, q: tuple[int, int, int, int], ready_s: int,
                gaps: dict[tuple[int, int], int], rides: dict[tuple[int, int], int],
                ) -> tuple[int, tuple[int, int, int, int], int] | None:
    """One shuttle made on its own by an officer free at the station from
    ``ready_s``: (departure, the four service starts, back at the station),
    or None when the passenger's hours or the longest ride forbid it.
    Nobody waits at home: the officer leaves so as to arrive at the
    pickup's first allowed start."""
    pu, do, pr, dr = q
    t, serve = problem.travel_s, problem.service_s
    arrive = ready_s + int(t[0, pu])
    starts = problem.windows[pu] or ((arrive, arrive),)
    begin = next((max(arrive, lo) for lo, hi in starts if max(arrive, lo) <= hi), None)
    if begin is None:
        return None
    drop = begin + int(serve[pu]) + int(t[pu, do])
    back_at = max(drop + int(serve[do]) + int(t[do, pr]), drop + gaps.get((do, pr), 0))
    home = back_at + int(serve[pr]) + int(t[pr, dr])
    if drop - begin > rides.get((pu, do), INF) or home - back_at > rides.get((pr, dr), INF):
        return None
    return begin - int(t[0, pu]), (begin, drop, back_at, home), home + int(serve[dr]) \
        + int(t[dr, 0])


def _officer_timing(problem: RoutingProblem, v: int, trips: list[tuple]) -> Schedule | None:
    """Officer ``v``'s trips ((departure, shuttle, starts, back), in time
    order) timed by the one rule (``planner.day.timing.schedule``: each stop
    pinned at its start, the lunch break between two services, the shift and
    the working time); None: they do not fit."""
    stops = [TimedStop(n, int(problem.service_s[n]), ((t, t),),
                       seats=int(problem.demand[n]) if problem.demand else 0)
             for trip in trips for n, t in zip(trip[1], trip[2], strict=True)]
    return schedule(stops, problem.travel_s, problem.vehicles[v])


def _officer_route(problem: RoutingProblem, v: int, trips: list[tuple]) -> RouteSolution:
    """Officer ``v``'s route from its ``trips`` (``_officer_timing``)."""
    spec = problem.vehicles[v]
    timed = _officer_timing(problem, v, trips) if trips else None
    if timed is None:
        return RouteSolution(v, (), (), spec.earliest_start_s, spec.earliest_start_s)
    return RouteSolution(v, tuple(n for trip in trips for n in trip[1]),
                         timed.service_start_s, timed.depart_s, timed.return_s, timed.breaks)


def _officers(problem: RoutingProblem, nodes: list[Node], stage: list[int], tier: int,
              only: set[int], solution: Solution) -> tuple[Solution, dict]:
    """The shuttle-only officers' routes with the shuttles of ``tier`` they
    can add, each made on its own (home, office, the enrolment, home, back
    to the station), between the trips they already make, at the earliest
    time that fits; the lunch break at the station (``_officer_route``). A
    deterministic construction: the officers share no stop with the teams,
    and OR-Tools' insertion heuristics rarely place a shuttle's two trips
    with the enrolment's time between them when nothing else is in the
    route. Returns ``solution`` with those routes and the stage's stats."""
    new = {k for k in range(1, problem.num_nodes) if stage[k] == tier
           and nodes[k].kind in SHUTTLE_STOPS and only & set(problem.allowed_vehicles[k])}
    if not new:
        return solution, {}
    gaps = {(a, b): g for a, b, g in problem.min_gap}
    rides = {(a, b): g for a, b, g in problem.max_gap}
    trips: dict[int, list[tuple]] = {}
    for v in only:  # the trips each officer makes: (departure, shuttle, starts, back)
        r = solution.routes[v]
        made = []
        for q in _shuttles_of(problem, nodes, set(r.nodes)):
            times = tuple(r.service_start_s[r.nodes.index(n)] for n in q)
            made.append((times[0] - int(problem.travel_s[0, q[0]]), q, times,
                         times[3] + int(problem.service_s[q[3]]) + int(problem.travel_s[q[3], 0])))
        trips[v] = sorted(made)
    placed = 0
    for q in _shuttles_of(problem, nodes, new):
        best = None
        for v in sorted(only & set(problem.allowed_vehicles[q[0]])):
            found = _place_trip(problem, v, q, trips[v], gaps, rides)
            if found is not None and (best is None or found[0][3] < best[1][0][3]):
                best = (v, found)
        if best is not None:
            v, (trip, at) = best
            trips[v].insert(at, trip)
            placed += 1
    if not placed:
        return solution, {"shuttles": 0}
    routes = {v: _officer_route(problem, v, trips[v]) for v in only}
    return _merge(problem, solution, only, replace(solution, routes=tuple(
        routes.get(v, r) for v, r in enumerate(solution.routes)))), {"shuttles": placed}


def _place_trip(problem: RoutingProblem, v: int, q: tuple[int, int, int, int],
                trips: list[tuple], gaps: dict, rides: dict) -> tuple[tuple, int] | None:
    """The earliest time officer ``v`` can make shuttle ``q`` between its
    ``trips`` (or after them), leaving the station when free, else after the
    lunch hour (the break's earliest start and duration): (the trip, its
    position); None: nowhere the route still fits (``_officer_timing``)."""
    spec = problem.vehicles[v]
    seats = problem.demand[q[0]] if problem.demand else 0
    if seats > spec.capacity:
        return None
    lunch = spec.breaks[0] if spec.breaks else None
    free = [spec.earliest_start_s] + [t[3] for t in trips]
    for at, ready in enumerate(free):
        tries = [ready] + ([lunch.earliest_s + lunch.duration_s]
                           if lunch and ready < lunch.earliest_s + lunch.duration_s else [])
        for start in tries:
            made = _trip_times(problem, q, start, gaps, rides)
            if made is None or (at < len(trips) and made[2] > trips[at][0]):
                continue
            trip = (made[0], q, made[1], made[2])
            if _officer_timing(problem, v, trips[:at] + [trip] + trips[at:]) is not None:
                return trip, at
    return None


def _search_stage(problem: RoutingProblem, pass_problem: RoutingProblem, nodes: list[Node],
                  stage: list[int], tier: int, keep: list[int], served: set[int],
                  solution: Solution, limit: float, solve_fn: SolveFn, seed: int,
                  ) -> tuple[tuple[Solution, set[int], str] | None, int]:
    """One stage's searches on ``pass_problem`` (``problem`` with its allowed
    vehicles narrowed) restricted to ``keep``, the ``served`` nodes mandatory:
    from ``solution``'s routes, and from scratch with the day's engine when
    there are none or that serves nothing of ``tier``. Returns the best answer
    that keeps every mandatory node (its solution of the full ``problem``, the
    nodes it serves, its engine; None: none does) and how many searches ran."""
    sub = subproblem(pass_problem, keep, served)
    tries = []
    if served:  # from the routes so far: the search inserts this tier's nodes
        index = {old: new for new, old in enumerate(keep)}
        seeds = [[index[n] for n in r.nodes if n in index] for r in solution.routes]
        tries.append(solve_ortools(sub, limit, seed, initial_routes=seeds))
    if not served or _serves_none(tries[0], keep, stage, tier, nodes, problem.num_nodes):
        tries.append(solve_fn(subproblem(pass_problem, keep, served, hard=False), limit, seed))
    best = None
    for found in tries:
        lifted = drop_half_shuttles(_lift(found, keep, problem.num_nodes), nodes)
        now = {n for r in lifted.routes for n in r.nodes}
        if served <= now and "status" not in found.stats:
            cost = objective_of(problem, nodes, lifted)
            if best is None or cost < best[0]:
                best = (cost, lifted, now, found.engine)
    return (best[1:] if best else None), len(tries)


def _empty(problem: RoutingProblem) -> Solution:
    """No route serves anything (before the first stage)."""
    routes = tuple(RouteSolution(v, (), (), spec.earliest_start_s, spec.earliest_start_s)
                   for v, spec in enumerate(problem.vehicles))
    return Solution(routes, tuple(range(1, problem.num_nodes)), 0, "ortools")


def solve_by_tier(problem: RoutingProblem, nodes: list[Node], solve_fn: SolveFn,
                  time_limit_s: float, seed: int) -> Solution:
    """The day's routes, solved stage by stage (the module docstring): each
    stage's served nodes are mandatory in the next. Returns a solution of the
    full ``problem`` (its stats: each stage's tier, nodes, limit and engine)."""
    stage = node_stages(problem, nodes)
    tiers = sorted({t for t in stage if t >= 0})
    if not tiers:
        return solve_fn(problem, time_limit_s, seed)
    served: set[int] = set()
    # sizes are known only as stages go (the mandatory ones are what earlier
    # stages served): each stage's share counts every node that could be
    # mandatory by then, i.e. all nodes of the tiers up to it
    sizes = [sum(1 for s in stage if 0 <= s <= t) for t in tiers]
    limits = stage_limits(sizes, time_limit_s)
    solution = _empty(problem)
    stats: list[dict] = []
    only = shuttle_only_vehicles(problem, nodes)
    teams = set(range(len(problem.vehicles))) - only
    for t, limit in zip(tiers, limits, strict=True):
        # the officers split off for shuttles first, in their own search: a
        # shuttle a team with the kit makes takes the hours later tiers' visits
        # and points need (and the search seldom moves it off again)
        solution, officer_stats = _officers(problem, nodes, stage, t, only, solution) \
            if only else (solution, {})
        held = {n for v in only for n in solution.routes[v].nodes}
        team_problem = _narrowed(problem, teams) if only else problem
        keep = [0] + [k for k in range(1, problem.num_nodes) if k not in held
                      and (k in served or stage[k] == t)
                      and (not only or teams & set(problem.allowed_vehicles[k]))]
        limit_s = limit
        best, searches = _search_stage(problem, team_problem, nodes, stage, t, keep,
                                       served - held, solution, limit_s, solve_fn, seed)
        stats.append({"tier": t, "nodes": len(keep) - 1, "limit_s": round(limit_s, 3),
                      "searches": searches, "engine": best[2] if best else "",
                      "kept": best is not None,
                      **({"officers": officer_stats} if officer_stats else {})})
        if best is not None:
            solution = _merge(problem, best[0], only, solution) if only else best[0]
        served = {n for r in solution.routes for n in r.nodes}
    objective = objective_of(problem, nodes, solution)
    return replace(solution, objective=objective, stats={**solution.stats, "stages": stats})


def keep_orders(problem: RoutingProblem, nodes: list[Node], solution: Solution,
                orders: dict[int, list[int]]) -> tuple[Solution, set[int]]:
    """``solution`` with each route ``v`` of ``orders`` (vehicle → its home
    visit nodes in the order a person fixed) serving those of them it holds
    in that order: first in the places the route gave them (its other stops
    where they were), else as one block where the first of them was; each
    re-timed by the timing rule (``repair.reorder``). Returns the solution
    and the vehicles whose order no schedule could keep (their routes as the
    search left them)."""
    failed: set[int] = set()
    for route in solution.routes:
        wanted = orders.get(route.vehicle)
        if not wanted:
            continue
        seq = list(route.nodes)
        held = [n for n in wanted if n in seq]
        places = [k for k, n in enumerate(seq) if n in held]
        if [seq[k] for k in places] == held:
            continue
        spread = list(seq)
        for k, n in zip(places, held, strict=True):
            spread[k] = n
        rest = [n for n in seq if n not in held]
        block = rest[:places[0]] + held + rest[places[0]:]
        for candidate in (spread, block):
            found = reorder(problem, nodes, solution, route.vehicle, candidate)
            if found is not None:
                solution = found
                break
        else:
            failed.add(route.vehicle)
    return solution, failed


def order_nodes(steer: Steer, nodes: list[Node], units: list) -> dict[int, list[int]]:
    """Vehicle (the whole team's unit) → its home visit nodes in the order
    ``steer.orders`` fixes for its team."""
    visit = {nd.need.household.id: k for k, nd in enumerate(nodes)
             if nd.kind == "visit" and nd.need is not None}
    out: dict[int, list[int]] = {}
    for v, u in enumerate(units):
        if u.kind == "" and u.team.id in steer.orders:
            out[v] = [visit[h] for h in steer.orders[u.team.id][0] if h in visit]
    return out
