"""Pickup and delivery with time windows (PDPTW) on OR-Tools, over plain arrays.

The shuttle mode (issue 7) is a paired pickup (at the house) and delivery (at
the commune office) on one motorbike, with seat capacity and, for frail
passengers, a maximum ride time. This module is the engine piece only: arrays
in, routes out; it knows nothing about scenarios or road graphs.

Units: every number reaching the solver is an integer. ``travel_s`` and the
windows and service times share one time unit (seconds in the planner; the
benchmark scales instance units by a fixed factor); ``distance`` is in metres
(or the benchmark's scaled units) and is what the objective minimises, after a
fixed cost per used vehicle so that fewer routes are preferred first.

Model (``routing.AddPickupAndDelivery`` plus the usual companions):

- each pair (pickup, delivery) is on the same vehicle and the pickup comes
  first (``AddPickupAndDelivery``, ``VehicleVar`` equality, precedence on the
  time cumul);
- capacity: a ``load`` dimension with the demand vector (+ at a pickup, − at a
  delivery), never negative and never above the vehicle capacity;
- time: a ``time`` dimension whose transit is service at the origin plus
  travel; waiting is allowed (slack); each node's cumul (start of service) lies
  in its window; starts and ends of routes lie in the depot window;
- ride time: for a pair with a limit, start of service at the delivery minus
  the end of service at the pickup is at most the limit (a solver constraint
  on the two cumul variables);
- objective: ``vehicle_fixed_cost`` per used vehicle plus total distance.

Search: two searches run side by side on two cores through
``parallel.run_beside``; the better answer (fewer routes, then shorter) is
kept. Each starts with VROOM (pyvroom: shipments = paired pickup and delivery
with windows, capacity and the same fixed vehicle cost; costs from
``distance``, times from ``travel_s``): repeated runs, the first in the
problem's node order, the next in random node orders (VROOM's heuristics break
ties by position), every other run with one vehicle fewer than the best answer
so far (route reduction); the best answer that the OR-Tools model accepts
(``ReadAssignmentFromRoutes``) seeds OR-Tools' guided local search
(``SolveFromAssignmentWithParameters``), which polishes it for the rest of the
time. VROOM may use ``VROOM_SHARE`` of the time limit. Without pyvroom, or
when VROOM's answer breaks a rule it cannot see (ride-time limits), OR-Tools
builds its own first solution (parallel cheapest insertion in one search, local
cheapest insertion in the other) and searches from there. Stopping: by default
the wall-clock ``time_limit_s`` alone (VROOM and OR-Tools together), so two
runs of the same problem need not give the same answer; ``seed`` decides which
configuration runs in which process and seeds the random node orders. Passing
``solution_limit`` adds a deterministic stop (at most
``VROOM_RUNS_WITH_SOLUTION_LIMIT`` VROOM runs, then the OR-Tools search ends
after that many improving solutions); the time limit then only guards, and the
answer repeats whenever the limits are reached before the clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from planner.engine.parallel import run_beside

#: Search configurations: (constructor, OR-Tools first solution strategy,
#: metaheuristic). Constructor "VROOM": repeated VROOM runs in random node
#: orders, the best answer seeds OR-Tools; "VROOM_REDUCE": the same, with every
#: other run given one vehicle fewer than the best answer so far (route
#: reduction); anything else: no VROOM. The first solution strategy is used
#: only when there is no seed (pyvroom missing, or VROOM's routes infeasible in
#: the OR-Tools model, e.g. a ride-time limit VROOM ignores).
SEARCHES: tuple[tuple[str, str, str], ...] = (
    ("VROOM_REDUCE", "PARALLEL_CHEAPEST_INSERTION", "GUIDED_LOCAL_SEARCH"),
    ("VROOM_REDUCE", "LOCAL_CHEAPEST_INSERTION", "GUIDED_LOCAL_SEARCH"),
)
#: Share of the time limit VROOM may use before OR-Tools takes over.
VROOM_SHARE = 0.7
#: With a ``solution_limit`` (a deterministic stop), VROOM runs at most this often.
VROOM_RUNS_WITH_SOLUTION_LIMIT = 2
#: VROOM keeps costs in 32-bit unsigned integers on its interface.
_VROOM_MAX = 2**32 - 1


@dataclass(frozen=True)
class PdpProblem:
    """A PDPTW instance as dense integer arrays; node ``depot`` is the depot.

    - ``travel_s[i][j]``: travel time from node i to node j (time unit, int ≥ 0);
    - ``distance[i][j]``: travel distance (m or benchmark units, int ≥ 0);
    - ``service_s[i]``: service time at node i (time unit);
    - ``window_s[i] = (open, close)``: start of service at i must lie within;
      the depot's window bounds the start and the end of every route;
    - ``demand[i]``: seats taken (+) at a pickup, freed (−) at its delivery, 0
      elsewhere;
    - ``pairs``: (pickup node, delivery node); each node in at most one pair;
    - ``max_ride_s``: optional per pair (same order as ``pairs``; ``None`` = no
      limit): start of service at the delivery − end of service at the pickup;
    - ``vehicle_fixed_cost``: added once per used vehicle, in distance units;
      large enough, it makes the objective hierarchical (routes, then distance).
    """

    travel_s: np.ndarray
    distance: np.ndarray
    service_s: np.ndarray
    window_s: np.ndarray
    demand: np.ndarray
    pairs: tuple[tuple[int, int], ...]
    num_vehicles: int
    capacity: int
    depot: int = 0
    max_ride_s: tuple[int | None, ...] | None = None
    vehicle_fixed_cost: int = 0

    def __post_init__(self) -> None:
        problems = []
        n = len(self.service_s)
        for name in ("travel_s", "distance"):
            shape = np.shape(getattr(self, name))
            if shape != (n, n):
                problems.append(f"{name} has shape {shape}, expected ({n}, {n})")
        if np.shape(self.window_s) != (n, 2):
            problems.append(f"window_s has shape {np.shape(self.window_s)}, expected ({n}, 2)")
        if len(self.demand) != n:
            problems.append(f"demand has {len(self.demand)} entries, expected {n}")
        seen: set[int] = set()
        for k, (p, d) in enumerate(self.pairs):
            if p in seen or d in seen or p == d or self.depot in (p, d):
                problems.append(f"pair {k} ({p}, {d}) repeats a node or uses the depot")
            seen.update((p, d))
        if self.max_ride_s is not None and len(self.max_ride_s) != len(self.pairs):
            problems.append(f"max_ride_s has {len(self.max_ride_s)} entries, "
                            f"expected one per pair ({len(self.pairs)})")
        if self.num_vehicles < 1 or self.capacity < 0:
            problems.append("need at least one vehicle and a capacity ≥ 0")
        if problems:
            raise ValueError("invalid PdpProblem: " + "; ".join(problems))


@dataclass(frozen=True)
class PdpSolution:
    """Routes as node lists without the depot; ``distance`` in the problem's units.

    ``routes`` is empty when no feasible solution was found (``found`` False).
    ``search`` names the configuration whose answer was kept; ``runs`` holds
    per configuration: routes count, distance, wall seconds.
    """

    routes: list[list[int]]
    distance: int
    found: bool
    search: str = ""
    wall_s: float = 0.0
    runs: list[dict] = field(default_factory=list)


def _vroom_routes(problem: PdpProblem, num_vehicles: int, timeout_s: float,
                  order: np.ndarray | None = None) -> list[list[int]] | None:
    """One VROOM solve (pyvroom, exploration level 5, one thread) with
    ``num_vehicles`` vehicles; the routes (node lists) when it places every
    node, else ``None`` (also when pyvroom is not installed or the numbers do
    not fit its 32-bit interface). ``order``: a permutation of the nodes (depot
    first) in which the matrix rows and the requests are handed to VROOM; its
    heuristics break ties by position, so another order gives another answer.
    VROOM does not know ride-time limits; the caller checks its routes."""
    try:
        import vroom
    except ImportError:
        return None
    import datetime as dt

    n = len(problem.service_s)
    order = np.arange(n) if order is None else np.asarray(order)
    where = np.empty(n, dtype=np.int64)
    where[order] = np.arange(n)  # node -> row in the matrices given to VROOM
    dist = np.asarray(problem.distance, dtype=np.int64)[np.ix_(order, order)]
    travel = np.asarray(problem.travel_s, dtype=np.int64)[np.ix_(order, order)]
    windows = np.asarray(problem.window_s, dtype=np.int64)
    if min(dist.min(initial=0), travel.min(initial=0), windows.min()) < 0 or max(
            dist.max(initial=0), travel.max(initial=0), windows.max()) > _VROOM_MAX:
        return None
    depot = problem.depot
    inp = vroom.Input()
    inp.set_durations_matrix(profile="car", matrix_input=travel.astype(np.uint32))
    inp.set_costs_matrix(profile="car", matrix_input=dist.astype(np.uint32))
    fixed = min(int(problem.vehicle_fixed_cost), _VROOM_MAX // 4)
    depot_tw = vroom.TimeWindow(int(windows[depot, 0]), int(windows[depot, 1]))
    for v in range(num_vehicles):
        inp.add_vehicle(vroom.Vehicle(v + 1, start=int(where[depot]), end=int(where[depot]),
                                      capacity=[int(problem.capacity)], time_window=depot_tw,
                                      costs=vroom.VehicleCosts(fixed=fixed)))

    def window(node: int) -> list[vroom.TimeWindow]:
        return [vroom.TimeWindow(int(windows[node, 0]), int(windows[node, 1]))]

    def step(node: int) -> vroom.ShipmentStep:
        return vroom.ShipmentStep(node, location=int(where[node]),
                                  default_service=int(problem.service_s[node]),
                                  time_windows=window(node))

    rank = {int(node): k for k, node in enumerate(order)}
    paired: set[int] = set()
    for p, d in sorted(problem.pairs, key=lambda pair: rank[pair[0]]):
        paired.update((p, d))
        inp.add_shipment(step(p), step(d), amount=vroom.Amount([int(problem.demand[p])]))
    for node in order:
        node = int(node)
        if node != depot and node not in paired:
            inp.add_job(vroom.Job(node, location=int(where[node]),
                                  default_service=int(problem.service_s[node]),
                                  time_windows=window(node)))
    try:
        answer = inp.solve(exploration_level=5, nb_threads=1,
                           timeout=dt.timedelta(seconds=max(0.01, timeout_s))).to_dict()
    except Exception:  # noqa: BLE001 - any VROOM failure just means "no seed"
        return None
    if answer.get("unassigned"):
        return None
    routes = [[int(st["id"]) for st in r["steps"] if st["type"] in ("pickup", "delivery", "job")]
              for r in answer.get("routes", [])]
    routes = [r for r in routes if r]
    if sum(len(r) for r in routes) != n - 1:
        return None
    return routes


def _route_cost(problem: PdpProblem, routes: list[list[int]]) -> tuple[int, int]:
    """(routes, distance) of a route set: the comparison key of VROOM answers."""
    dist = problem.distance
    total = 0
    for r in routes:
        path = [problem.depot, *r, problem.depot]
        total += sum(int(dist[a, b]) for a, b in zip(path, path[1:], strict=False))
    return len(routes), total


def _vroom_seed(problem: PdpProblem, mode: str, budget_s: float, rng_seed: int,
                accept: Callable[[list[list[int]]], bool],
                max_runs: int | None = None) -> tuple[list[list[int]] | None, int]:
    """Routes to start OR-Tools from (see ``SEARCHES``), within ``budget_s`` seconds.

    Repeated VROOM runs: the first in the problem's own node order, the next
    ones in random orders (``rng_seed``); in ``VROOM_REDUCE`` mode every other
    run has one vehicle fewer than the best answer so far. The best answer
    (fewer routes, then shorter) that ``accept`` passes is kept; when the first
    answer is rejected (e.g. a ride-time limit VROOM cannot see) VROOM stops.
    Returns the routes (``None`` without an accepted answer) and the run count.
    """
    if not problem.pairs or budget_s <= 0:
        return None, 0
    try:
        import vroom  # noqa: F401
    except ImportError:
        return None, 0
    deadline = time.monotonic() + budget_s
    rng = np.random.default_rng(rng_seed)
    n = len(problem.service_s)
    depot = problem.depot
    best: list[list[int]] | None = None
    best_key: tuple[int, int] | None = None
    run = 0
    while max_runs is None or run < max_runs:
        left = deadline - time.monotonic()
        if left <= 0.05:
            break
        if run == 0:
            order = None
        else:
            others = np.array([i for i in range(n) if i != depot])
            order = np.concatenate([[depot], rng.permutation(others)])
        vehicles = problem.num_vehicles
        if mode == "VROOM_REDUCE" and best is not None and run % 2 == 1:
            vehicles = len(best) - 1
        run += 1
        if vehicles < 1:
            continue
        routes = _vroom_routes(problem, vehicles, left, order)
        if routes is None:
            if best is None and vehicles == problem.num_vehicles and run == 1:
                break
            continue
        key = _route_cost(problem, routes)
        if best_key is not None and key >= best_key:
            continue
        if not accept(routes):
            if best is None:
                break
            continue
        best, best_key = routes, key
    return best, run


def _solve_one(problem: PdpProblem, time_limit_s: float, search: tuple[str, str, str],
               solution_limit: int | None, rng_seed: int = 0,
               ) -> tuple[list[list[int]], int, bool, float, dict]:
    """One search (optional VROOM seed, then OR-Tools).

    Returns ``(routes, distance, found, wall_s, info)``; ``info`` holds the
    VROOM run count and, with a seed, its routes count and distance.

    VROOM may use ``VROOM_SHARE`` of ``time_limit_s``; OR-Tools gets the rest
    (measured from the start of this call, model building included)."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    start = time.monotonic()
    n = len(problem.service_s)
    manager = pywrapcp.RoutingIndexManager(n, problem.num_vehicles, problem.depot)
    routing = pywrapcp.RoutingModel(manager)
    solver = routing.solver()

    dist = np.asarray(problem.distance, dtype=np.int64)
    service = np.asarray(problem.service_s, dtype=np.int64)
    transit = np.asarray(problem.travel_s, dtype=np.int64) + service[:, None]
    windows = np.asarray(problem.window_s, dtype=np.int64)

    cost = routing.RegisterTransitMatrix(dist.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost)
    if problem.vehicle_fixed_cost:
        routing.SetFixedCostOfAllVehicles(int(problem.vehicle_fixed_cost))

    load = routing.RegisterUnaryTransitVector([int(q) for q in problem.demand])
    routing.AddDimensionWithVehicleCapacity(load, 0, [int(problem.capacity)] * problem.num_vehicles,
                                            True, "load")
    horizon = int(windows[problem.depot, 1])
    routing.AddDimension(routing.RegisterTransitMatrix(transit.tolist()), horizon, horizon,
                         False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    for node in range(n):
        if node != problem.depot:
            time_dim.CumulVar(manager.NodeToIndex(node)).SetRange(
                int(windows[node, 0]), int(windows[node, 1]))
    for v in range(problem.num_vehicles):
        for index in (routing.Start(v), routing.End(v)):
            time_dim.CumulVar(index).SetRange(int(windows[problem.depot, 0]), horizon)

    for k, (p, d) in enumerate(problem.pairs):
        pi, di = manager.NodeToIndex(p), manager.NodeToIndex(d)
        routing.AddPickupAndDelivery(pi, di)
        solver.Add(routing.VehicleVar(pi) == routing.VehicleVar(di))
        solver.Add(time_dim.CumulVar(pi) <= time_dim.CumulVar(di))
        limit = problem.max_ride_s[k] if problem.max_ride_s is not None else None
        if limit is not None:
            solver.Add(time_dim.CumulVar(di) - time_dim.CumulVar(pi)
                       <= int(limit) + int(service[p]))

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, search[1])
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, search[2])
    if solution_limit is not None:
        params.solution_limit = int(solution_limit)

    def to_indices(routes: list[list[int]]) -> list[list[int]]:
        return [[manager.NodeToIndex(node) for node in r] for r in routes]

    seed_routes, vroom_runs = None, 0
    if search[0].startswith("VROOM"):
        params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
        routing.CloseModelWithParameters(params)
        seed_routes, vroom_runs = _vroom_seed(
            problem, search[0], VROOM_SHARE * time_limit_s - (time.monotonic() - start),
            rng_seed=rng_seed,
            accept=lambda r: routing.ReadAssignmentFromRoutes(to_indices(r), True) is not None,
            max_runs=None if solution_limit is None else VROOM_RUNS_WITH_SOLUTION_LIMIT)
    left_s = time_limit_s - (time.monotonic() - start)
    params.time_limit.FromMilliseconds(max(1, int(left_s * 1000)))
    info = {"vroom_runs": vroom_runs}
    if seed_routes is not None:
        info["seed_routes"], info["seed_distance"] = _route_cost(problem, seed_routes)
    initial = None
    if seed_routes is not None:
        initial = routing.ReadAssignmentFromRoutes(to_indices(seed_routes), True)
    if initial is not None:
        assignment = routing.SolveFromAssignmentWithParameters(initial, params)
        if assignment is None:
            assignment = initial
    else:
        assignment = routing.SolveWithParameters(params)
    if assignment is None:
        return [], 0, False, time.monotonic() - start, info
    routes = []
    total = 0
    for v in range(problem.num_vehicles):
        index = assignment.Value(routing.NextVar(routing.Start(v)))
        route = []
        prev = problem.depot
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            route.append(node)
            total += int(dist[prev, node])
            prev = node
            index = assignment.Value(routing.NextVar(index))
        if route:
            total += int(dist[prev, problem.depot])
            routes.append(route)
    return routes, total, True, time.monotonic() - start, info


def _key(run: tuple[list[list[int]], int, bool, float, dict]) -> tuple[int, int, int]:
    """Sort key: found first, then fewer routes, then shorter distance."""
    routes, distance, found = run[:3]
    return (0 if found else 1, len(routes), distance)


def solve_pdp(problem: PdpProblem, time_limit_s: float, seed: int = 0,
              solution_limit: int | None = None) -> PdpSolution:
    """Solve ``problem`` with two searches side by side; keep the better answer.

    ``time_limit_s`` is the wall-clock limit of each search, VROOM seeding
    included (they run at the same time, so the call takes about that long
    plus model building). ``seed``: taken modulo 2 it decides which
    configuration runs in this process; it also seeds the random node orders of
    the VROOM runs (OR-Tools' routing search itself takes no seed).
    ``solution_limit``: see the module docstring. ``runs`` in the answer holds,
    per search, also ``vroom_runs`` and (when VROOM gave the start)
    ``seed_routes`` and ``seed_distance``.
    """
    start = time.monotonic()
    here_search = SEARCHES[seed % 2]
    side_search = SEARCHES[(seed + 1) % 2]
    here, side = run_beside(
        _solve_one, (problem, time_limit_s, side_search, solution_limit, 2 * seed + 1),
        _solve_one, (problem, time_limit_s, here_search, solution_limit, 2 * seed))
    candidates = [(here, here_search), (side, side_search)]
    runs = [{"search": "+".join(s), "routes": len(r[0]), "distance": r[1], "found": r[2],
             "wall_s": round(r[3], 2), **r[4]} for r, s in candidates]
    best, best_search = min(candidates, key=lambda c: _key(c[0]))
    return PdpSolution(routes=best[0], distance=best[1], found=best[2],
                       search="+".join(best_search), wall_s=time.monotonic() - start,
                       runs=runs)
