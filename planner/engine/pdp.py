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

Search: two differently configured searches (parallel cheapest insertion and
local cheapest insertion first solutions, both followed by guided local
search) run side by side on two cores through ``parallel.run_beside``; the
better answer (fewer routes, then shorter) is kept. Stopping: by default the
wall-clock ``time_limit_s`` alone, so two runs of the same problem need not
give the same answer (OR-Tools' routing search has no seed; ``seed`` only
decides which configuration runs in which process and is recorded). Passing
``solution_limit`` adds a deterministic stop (the search ends after that many
improving solutions); the time limit then only guards, and the answer repeats
whenever the limit is reached before the clock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from planner.engine.parallel import run_beside

#: Search configurations: (first solution strategy name, metaheuristic name).
SEARCHES: tuple[tuple[str, str], ...] = (
    ("PARALLEL_CHEAPEST_INSERTION", "GUIDED_LOCAL_SEARCH"),
    ("LOCAL_CHEAPEST_INSERTION", "GUIDED_LOCAL_SEARCH"),
)


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


def _solve_one(problem: PdpProblem, time_limit_s: float, search: tuple[str, str],
               solution_limit: int | None) -> tuple[list[list[int]], int, bool, float]:
    """One OR-Tools search; returns ``(routes, distance, found, wall_s)``."""
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
        routing_enums_pb2.FirstSolutionStrategy, search[0])
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, search[1])
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    if solution_limit is not None:
        params.solution_limit = int(solution_limit)
    assignment = routing.SolveWithParameters(params)
    if assignment is None:
        return [], 0, False, time.monotonic() - start
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
    return routes, total, True, time.monotonic() - start


def _key(run: tuple[list[list[int]], int, bool, float]) -> tuple[int, int, int]:
    """Sort key: found first, then fewer routes, then shorter distance."""
    routes, distance, found, _ = run
    return (0 if found else 1, len(routes), distance)


def solve_pdp(problem: PdpProblem, time_limit_s: float, seed: int = 0,
              solution_limit: int | None = None) -> PdpSolution:
    """Solve ``problem`` with two searches side by side; keep the better answer.

    ``time_limit_s`` is the wall-clock limit of each search (they run at the same
    time, so the call takes about that long plus model building). ``seed``
    (0 or 1, taken modulo 2) decides which configuration runs in this process;
    OR-Tools' routing search itself takes no seed. ``solution_limit``: see the
    module docstring.
    """
    start = time.monotonic()
    here_search = SEARCHES[seed % 2]
    side_search = SEARCHES[(seed + 1) % 2]
    here, side = run_beside(_solve_one, (problem, time_limit_s, side_search, solution_limit),
                            _solve_one, (problem, time_limit_s, here_search, solution_limit))
    candidates = [(here, here_search), (side, side_search)]
    runs = [{"search": "+".join(s), "routes": len(r[0]), "distance": r[1], "found": r[2],
             "wall_s": round(r[3], 2)} for r, s in candidates]
    best, best_search = min(candidates, key=lambda c: _key(c[0]))
    return PdpSolution(routes=best[0], distance=best[1], found=best[2],
                       search="+".join(best_search), wall_s=time.monotonic() - start,
                       runs=runs)
