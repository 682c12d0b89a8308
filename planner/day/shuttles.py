"""Shuttles the search left out: placed where one fits, else told truly why.

A shuttle is four stops (pick up at home, drop at the office, pick up there
after the enrolment, drop at home; ``planner.day.problem._add_shuttles``).
After the search and the repairs, ``place_shuttles`` tries each shuttle left
out (most valuable first: the sum of its stops' prizes) as *one trip on its
own*: its four stops one after the other on one unit allowed to make it (the
problem's ``allowed_vehicles``: the ``shuttle`` duty, a decision's lock),
between any two stops of that unit's route as it stands (not inside a
collection point's opening), the route's other shuttle stops kept at their
planned times. A position fits when the one timing rule
(``planner.day.timing.schedule``: the pickup inside the hours at home,
shift and sunset, working time, lunch before or after a ride) times the
route, with the enrolment's time at the office between the two trips, and
then each ride is within the passenger's limit and the passengers on board
never exceed the unit's seats. The cheapest fitting position wins; the loop
repeats until no left-out shuttle fits.

What is left out is then true of it (``shuttle_reason``): made as one trip
on its own, it fits between no two stops of the routes of the units allowed
to make it; the reason names what those routes hold (home visits,
collection-point openings, other shuttles) and the trip's length. It does
not claim that no other plan of the day could take it (two trips on two
units, or the routes' stops in another order).
"""

from __future__ import annotations

from dataclasses import replace

from planner.day.problem import Node
from planner.day.repair import objective_of
from planner.day.timing import Schedule, TimedStop, schedule
from planner.domain import Unserved
from planner.problem import RouteSolution, RoutingProblem, Solution

SHUTTLE_KINDS = ("pickup_home", "dropoff_office", "pickup_office", "dropoff_home")

#: A shuttle's four nodes: (pick up at home, drop at the office, pick up
#: there, drop at home).
Quad = tuple[int, int, int, int]


def shuttle_quads(nodes: list[Node]) -> list[Quad]:
    """Every shuttle of the problem as its four nodes, in node order."""
    found: dict[int, dict[str, int]] = {}
    for k, node in enumerate(nodes):
        if node.kind in SHUTTLE_KINDS:
            found.setdefault(id(node.need), {})[node.kind] = k
    return [tuple(four[kind] for kind in SHUTTLE_KINDS) for four in found.values()
            if len(four) == 4]


def _stop(problem: RoutingProblem, n: int, pinned: dict[int, int],
          service_s: int | None = None) -> TimedStop:
    """Node ``n`` as the timing rule sees it (a planned shuttle stop pinned
    at its service start)."""
    starts = ((pinned[n], pinned[n]),) if n in pinned else problem.windows[n]
    place = int(problem.cluster[n]) if problem.cluster else -1
    setup = int(problem.entry_s[n]) if problem.entry_s else 0
    service = int(problem.service_s[n]) if service_s is None else service_s
    seats = int(problem.demand[n]) if problem.demand else 0
    return TimedStop(n, service, tuple(starts), place, setup, seats)


def _gap(gaps: tuple[tuple[int, int, int], ...], a: int, b: int, default: int) -> int:
    return next((g for x, y, g in gaps if (x, y) == (a, b)), default)


def fit_trip(problem: RoutingProblem, route: RouteSolution, quad: Quad,
             ) -> tuple[int, tuple[int, ...], Schedule] | None:
    """The cheapest position of shuttle ``quad`` as one trip on its own in
    ``route`` (the module docstring): ``(cost, nodes, schedule)``, cost the
    route's time from leaving to return plus its legs (s); None: no position
    fits."""
    v = route.vehicle
    pu, do, pr, dr = quad
    if problem.allowed_vehicles and not all(
            v in problem.allowed_vehicles[n] for n in quad if problem.allowed_vehicles[n]):
        return None
    vehicle = problem.vehicles[v]
    seats = problem.demand[pu] if problem.demand else 0
    paired = {n for pair in problem.pairs for n in pair}
    pinned = {n: t for n, t in zip(route.nodes, route.service_start_s, strict=True)
              if n in paired}
    # the unit waits at the office through the enrolment: the drop's stop lasts
    # until the pickup there may start
    wait = _gap(problem.min_gap, do, pr, int(problem.service_s[do]))
    trip = [_stop(problem, pu, {}), _stop(problem, do, {}, max(wait, int(problem.service_s[do]))),
            _stop(problem, pr, {}), _stop(problem, dr, {})]
    stops = [_stop(problem, n, pinned) for n in route.nodes]
    ride_out = _gap(problem.max_gap, pu, do, 10**9)
    ride_back = _gap(problem.max_gap, pr, dr, 10**9)
    legs = problem.legs_s
    load = 0
    best = None
    seq = list(route.nodes)
    path = [0, *seq, 0]
    for k in range(len(seq) + 1):
        if k > 0:
            load += problem.demand[seq[k - 1]] if problem.demand else 0
        if 0 < k < len(seq) and problem.cluster and problem.cluster[seq[k]] >= 0 \
                and problem.cluster[seq[k]] == problem.cluster[seq[k - 1]]:
            continue  # inside a collection point's opening
        if load + seats > vehicle.capacity:
            continue
        timed = schedule(stops[:k] + trip + stops[k:], problem.travel_s, vehicle)
        if timed is None:
            continue
        s_pu, s_do, s_pr, s_dr = timed.service_start_s[k:k + 4]
        if s_do - s_pu > ride_out or s_dr - s_pr > ride_back:
            continue
        nodes = tuple(seq[:k]) + quad + tuple(seq[k:])
        travel = sum(int(legs[a, b]) for a, b in zip([0, *nodes], [*nodes, 0], strict=True)) \
            - sum(int(legs[a, b]) for a, b in zip(path, path[1:], strict=False))
        cost = timed.return_s - timed.depart_s + travel
        if best is None or cost < best[0]:
            best = (cost, nodes, timed)
    return best


def place_shuttles(problem: RoutingProblem, nodes: list[Node], solution: Solution,
                   ) -> Solution:
    """``solution`` with every left-out shuttle that fits as one trip on its
    own placed (the module docstring); the others stay left out."""
    if not problem.pairs:
        return solution
    routes = list(solution.routes)
    served = {n for r in routes for n in r.nodes}
    left = [q for q in shuttle_quads(nodes) if not served & set(q)]
    left.sort(key=lambda q: (-sum(int(problem.prize[n]) for n in q), q))
    placed, changed = True, False
    while left and placed:
        placed = False
        for quad in list(left):
            fits = [(found, r.vehicle) for r in routes
                    if (found := fit_trip(problem, r, quad)) is not None]
            if not fits:
                continue
            (_, seq, timed), v = min(fits, key=lambda f: (f[0][0], f[1]))
            routes[v] = RouteSolution(v, seq, timed.service_start_s, timed.depart_s,
                                      timed.return_s, timed.breaks)
            left.remove(quad)
            placed = changed = True
    if not changed:
        return solution
    now = {n for r in routes for n in r.nodes}
    placed_solution = replace(solution, routes=tuple(routes),
                              dropped=tuple(n for n in solution.dropped if n not in now))
    return replace(placed_solution, objective=objective_of(problem, nodes, placed_solution))


def shuttle_reason(problem: RoutingProblem, nodes: list[Node], solution: Solution,
                   quad: Quad, office_s: int) -> Unserved:
    """Why shuttle ``quad`` is left out (``no_capacity``, mode ``shuttle``):
    the check ``place_shuttles`` ran on every route allowed to make it, and
    what those routes hold (``numbers``: ``units``, their ``visits``,
    ``points`` (openings) and ``shuttles``; the trip alone, ``trip_s``; the
    enrolment, ``office_s``)."""
    pu, do, pr, dr = quad
    allowed = set(problem.allowed_vehicles[pu]) if problem.allowed_vehicles \
        and problem.allowed_vehicles[pu] else set(range(len(problem.vehicles)))
    visits = points = shuttles = units = 0
    for r in solution.routes:
        if r.vehicle not in allowed:
            continue
        units += 1
        last_place = -1
        for n in r.nodes:
            kind = nodes[n].kind
            visits += kind == "visit"
            shuttles += kind == "pickup_home"
            place = problem.cluster[n] if problem.cluster else -1
            points += kind in ("point", "attend") and place != last_place
            last_place = place if kind in ("point", "attend") else -1
    t, board = problem.travel_s, int(problem.service_s[pu])
    trip = 2 * (int(t[0, pu]) + int(t[pu, 0])) + 4 * board + office_s
    words = (f"no room for this shuttle tomorrow: made as one trip on its own ({trip // 60} "
             f"min, with {office_s // 60} min of enrolment at the office), it fits between no "
             f"two stops of any route allowed to make it ({units} in all, together holding "
             f"{visits} home visits, {points} collection points and {shuttles} other shuttles), "
             "within the hours at home, the ride limit, the seats, the shift, lunch and sunset")
    need = nodes[pu].need
    return Unserved(need.household.id, words, "no_capacity", "shuttle",
                    tuple(r.id for r in need.residents),
                    (("units", units), ("visits", visits), ("points", points),
                     ("shuttles", shuttles), ("trip_s", trip), ("office_s", office_s)))
