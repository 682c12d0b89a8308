"""The OR-Tools routing model for a ``RoutingProblem``.

Arc cost is travel time; each vehicle's span (leave → return) is also charged
so that officers do not wait needlessly; a visit may be dropped at the cost of
its prize. Time windows (several per node), shift bounds, maximum working time
and breaks live in one time dimension.

The search stops at a deterministic amount of work (a solution limit derived
from the time limit, ``SOLUTIONS_PER_SECOND``) so that the same input, seed and
time limit give the same routes; ``time_limit_s`` stays as a wall-clock guard.
"""

from __future__ import annotations

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from planner.problem import RouteSolution, RoutingProblem, Solution

#: Solutions (improving or accepted moves of the guided local search) examined
#: per second of time limit. Measured on the reference machine (2 cores) on the
#: demo day (32 nodes, 3 teams, lunch breaks): about 8 per second alone and
#: about 4 from a seed, so 3 per second leaves a margin and the work limit, not the clock, ends the
#: search; results then repeat exactly. Bigger days are slower per solution; the
#: clock guard may then end the search first (still valid, maybe not repeatable).
SOLUTIONS_PER_SECOND = 3

HORIZON_S = 48 * 3600


#: Penalty for leaving a mandatory node unvisited while repairing seeded routes
#: (large enough that the search always re-inserts it when it can).
MANDATORY_PENALTY = 10**10


def _routing_model(problem: RoutingProblem, soft_mandatory: bool = False):
    """The OR-Tools model; with ``soft_mandatory`` a mandatory node may be left out
    at ``MANDATORY_PENALTY`` (used to repair seeded routes, never in a final answer)."""
    n = problem.num_nodes
    num_vehicles = len(problem.vehicles)
    starts = [v.start_node for v in problem.vehicles]
    ends = [v.end_node for v in problem.vehicles]
    manager = pywrapcp.RoutingIndexManager(n, num_vehicles, starts, ends)
    routing = pywrapcp.RoutingModel(manager)

    travel = problem.legs_s
    service = problem.service_s.astype(np.int64)
    # Node-indexed matrices held on the C++ side: the search never calls back
    # into Python for a transit (a Python callback was most of a short solve).
    time_idx = routing.RegisterTransitMatrix((travel + service[:, None]).tolist())
    cost_idx = routing.RegisterTransitMatrix(travel.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost_idx)
    routing.AddDimension(time_idx, HORIZON_S, HORIZON_S, False, "time")
    time_dim = routing.GetDimensionOrDie("time")

    grouped = {node for nodes, _ in problem.groups for node in nodes}
    for nodes, penalty in problem.groups:
        routing.AddDisjunction([manager.NodeToIndex(int(x)) for x in nodes], int(penalty), 1)
    for node in range(n):
        if node in starts or node in ends:
            continue
        index = manager.NodeToIndex(node)
        windows = problem.windows[node]
        if windows:
            cumul = time_dim.CumulVar(index)
            cumul.SetRange(int(windows[0][0]), int(windows[-1][1]))
            for (_, end_a), (start_b, _) in zip(windows, windows[1:], strict=False):
                if start_b - end_a > 1:
                    cumul.RemoveInterval(int(end_a) + 1, int(start_b) - 1)
        prize = int(problem.prize[node])
        if node in grouped:
            pass
        elif prize >= 0:
            routing.AddDisjunction([index], prize)
        elif soft_mandatory:
            routing.AddDisjunction([index], MANDATORY_PENALTY)
        if problem.allowed_vehicles and problem.allowed_vehicles[node]:
            allowed = sorted(int(v) for v in problem.allowed_vehicles[node])
            if len(allowed) < num_vehicles:
                # SetAllowedVehiclesForIndex's span binding fails in the 9.15 wheels;
                # restricting the vehicle variable is the documented equivalent.
                routing.VehicleVar(index).SetValues([-1] + allowed)

    solver = routing.solver()
    _side_constraints(problem, manager, routing, time_dim)
    node_visit_transit = [0] * routing.Size()
    for index in range(routing.Size()):
        node_visit_transit[index] = int(service[manager.IndexToNode(index)])
    for v, spec in enumerate(problem.vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(spec.earliest_start_s, spec.latest_end_s)
        time_dim.CumulVar(routing.End(v)).SetRange(spec.earliest_start_s, spec.latest_end_s)
        time_dim.SetSpanUpperBoundForVehicle(int(spec.max_duration_s), v)
        time_dim.SetSpanCostCoefficientForVehicle(int(problem.span_cost_per_s), v)
        if spec.breaks:
            intervals = [
                solver.FixedDurationIntervalVar(
                    int(b.earliest_s), int(b.latest_s), int(b.duration_s), False,
                    f"break {spec.name} {k}")
                for k, b in enumerate(spec.breaks)
            ]
            time_dim.SetBreakIntervalsOfVehicle(intervals, v, node_visit_transit)
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.Start(v)))
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))
    return manager, routing, time_dim


def _side_constraints(problem: RoutingProblem, manager, routing, time_dim) -> None:
    """Seats, pickup-and-delivery pairs, gaps and same-active links."""
    solver = routing.solver()
    if problem.demand:
        demand = [int(q) for q in problem.demand]
        load = routing.RegisterUnaryTransitVector(demand)
        routing.AddDimensionWithVehicleCapacity(
            load, 0, [int(v.capacity) for v in problem.vehicles], True, "seats")
    index = manager.NodeToIndex
    for p, d in problem.pairs:
        pi, di = index(int(p)), index(int(d))
        routing.AddPickupAndDelivery(pi, di)
        solver.Add(routing.VehicleVar(pi) == routing.VehicleVar(di))
        solver.Add(time_dim.CumulVar(pi) <= time_dim.CumulVar(di))
    for a, b in problem.same_active:
        solver.Add(routing.ActiveVar(index(int(a))) == routing.ActiveVar(index(int(b))))
    # Gaps bind only when both nodes are visited: an unvisited node's time is
    # free, so a bound on it is always satisfiable; the pairs and same-active
    # links used by the planner keep gapped nodes visited together.
    for a, b, gap in problem.min_gap:
        solver.Add(time_dim.CumulVar(index(int(b))) - time_dim.CumulVar(index(int(a)))
                   >= int(gap))
    for a, b, gap in problem.max_gap:
        solver.Add(time_dim.CumulVar(index(int(b))) - time_dim.CumulVar(index(int(a)))
                   <= int(gap))


def search_parameters(time_limit_s: float, seed: int, guard_s: float | None = None,
                      first: str = "PARALLEL_CHEAPEST_INSERTION",
                      solutions: int | None = None):
    """``first`` (default parallel cheapest insertion), then guided local search,
    with a work limit.

    The work limit is ``SOLUTIONS_PER_SECOND * time_limit_s`` solutions (at
    least 10), or ``solutions`` when given (a staffing sweep's cheaper search);
    the wall-clock guard is ``guard_s`` seconds (default ``time_limit_s``).
    """
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, first)
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    guard_s = time_limit_s if guard_s is None else guard_s
    params.time_limit.FromMilliseconds(max(1, int(guard_s * 1000)))
    params.solution_limit = max(10, int(time_limit_s * SOLUTIONS_PER_SECOND)) + seed % 7 \
        if solutions is None else max(1, int(solutions))
    # No LP/MIP scheduling inside the local-search filters: with lunch breaks
    # OR-Tools otherwise solves a CP-SAT model per route per move, ~90 % of a
    # short solve. The constraint propagation (windows, breaks, spans) still
    # makes every answer feasible. On the 86 days of three simulated campaigns
    # (benchmarks/sim_speed.py's commune) the routes and objectives stayed the
    # same, 9x faster; only where the slack of a route sits could move.
    params.disable_scheduling_beware_this_may_degrade_performance = True
    return params


def extract(problem: RoutingProblem, manager, routing, time_dim, assignment,
            engine: str) -> Solution:
    """Read routes, service starts and breaks out of an OR-Tools assignment."""
    routes = []
    visited: set[int] = set()
    breaks_by_vehicle: dict[int, list[tuple[int, int]]] = {}
    intervals = assignment.IntervalVarContainer()
    for k in range(intervals.Size()):
        element = intervals.Element(k)
        var = element.Var()
        name = var.Name()
        if not name.startswith("break ") or not element.PerformedValue():
            continue
        for v, spec in enumerate(problem.vehicles):
            if name.startswith(f"break {spec.name} "):
                breaks_by_vehicle.setdefault(v, []).append(
                    (int(element.StartValue()), int(element.DurationValue())))
    for v in range(len(problem.vehicles)):
        index = routing.Start(v)
        start_s = assignment.Value(time_dim.CumulVar(index))
        nodes, starts = [], []
        index = assignment.Value(routing.NextVar(index))
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            nodes.append(node)
            starts.append(int(assignment.Value(time_dim.CumulVar(index))))
            visited.add(node)
            index = assignment.Value(routing.NextVar(index))
        end_s = assignment.Value(time_dim.CumulVar(index))
        routes.append(RouteSolution(
            vehicle=v, nodes=tuple(nodes), service_start_s=tuple(starts),
            start_s=int(start_s), end_s=int(end_s),
            breaks=tuple(sorted(breaks_by_vehicle.get(v, [])))))
    depots = {s.start_node for s in problem.vehicles} | {s.end_node for s in problem.vehicles}
    dropped = tuple(i for i in range(problem.num_nodes) if i not in visited and i not in depots)
    return Solution(routes=tuple(routes), dropped=dropped,
                    objective=int(assignment.ObjectiveValue()), engine=engine)


def _repair(routing, routes: list[list[int]]):
    """The longest feasible partial assignment along ``routes`` (index lists per vehicle).

    Nodes are taken in route order and kept only if the routes so far stay
    feasible; the nodes left out stay inactive (the model must be soft). Returns
    the assignment, or None when even empty routes are infeasible.
    """
    kept: list[list[int]] = [[] for _ in routes]
    best = routing.ReadAssignmentFromRoutes(kept, True)
    if best is None:
        return None
    for v, route in enumerate(routes):
        for index in route:
            kept[v].append(index)
            trial = routing.ReadAssignmentFromRoutes(kept, True)
            if trial is None:
                kept[v].pop()
            else:
                best = trial
    return routing.ReadAssignmentFromRoutes(kept, True) or best


def solve_ortools(problem: RoutingProblem, time_limit_s: float = 10.0, seed: int = 1,
                  initial_routes: list[list[int]] | None = None) -> Solution:
    """Solve with OR-Tools; ``initial_routes`` (node lists per vehicle) seed the search.

    Seeded routes that break a constraint the seed's source could not see
    (e.g. a lunch break) are repaired: visits are kept in route order while the
    routes stay feasible, the rest start unassigned and the search re-inserts
    them. If a mandatory visit still ends up unassigned, the seed is dropped and
    the problem solved from scratch. ``stats`` says what happened.
    """
    if initial_routes is None:
        return solve_plain(problem, time_limit_s, seed)
    return solve_seeded(problem, time_limit_s, seed, initial_routes)


def solve_seeded(problem: RoutingProblem, time_limit_s: float, seed: int,
                 initial_routes: list[list[int]], guard_s: float | None = None) -> Solution:
    """``solve_ortools`` from ``initial_routes``, with a separate wall-clock guard."""
    manager, routing, time_dim = _routing_model(problem, soft_mandatory=True)
    params = search_parameters(time_limit_s, seed, guard_s)
    routing.CloseModelWithParameters(params)
    index_routes = [[manager.NodeToIndex(int(n)) for n in r] for r in initial_routes]
    index_routes += [[] for _ in range(len(problem.vehicles) - len(index_routes))]
    initial = routing.ReadAssignmentFromRoutes(index_routes, True)
    repaired = initial is None
    if repaired:
        initial = _repair(routing, index_routes)
    assignment = (routing.SolveFromAssignmentWithParameters(initial, params)
                  if initial is not None else None)
    if assignment is not None:
        solution = extract(problem, manager, routing, time_dim, assignment, "ortools")
        mandatory = {i for i in range(problem.num_nodes) if problem.prize[i] < 0}
        if not mandatory & set(solution.dropped):
            stats = {"seeded": True, "seed_repaired": repaired}
            return Solution(solution.routes, solution.dropped, solution.objective,
                            solution.engine, stats)
    solution = solve_plain(problem, time_limit_s, seed, guard_s)
    return Solution(solution.routes, solution.dropped, solution.objective, solution.engine,
                    {**solution.stats, "seeded": False, "seed_rejected": True})


def solve_plain(problem: RoutingProblem, time_limit_s: float, seed: int,
                guard_s: float | None = None,
                first: str = "PARALLEL_CHEAPEST_INSERTION",
                solutions: int | None = None) -> Solution:
    """``first`` (default parallel cheapest insertion) + guided local search, no seed.

    Work limit from ``time_limit_s`` (or ``solutions``, see
    ``search_parameters``), wall-clock guard ``guard_s`` (default ``time_limit_s``).
    """
    manager, routing, time_dim = _routing_model(problem)
    params = search_parameters(time_limit_s, seed, guard_s, first, solutions)
    assignment = routing.SolveWithParameters(params)
    if assignment is None:
        # Every visit is optional unless its prize is -1; no assignment means
        # the vehicles themselves cannot run (e.g. a shift shorter than zero).
        return Solution(routes=tuple(
            RouteSolution(v, (), (), spec.earliest_start_s, spec.earliest_start_s)
            for v, spec in enumerate(problem.vehicles)),
            dropped=tuple(range(1, problem.num_nodes)), objective=0,
            engine="ortools", stats={"status": int(routing.status())})
    return extract(problem, manager, routing, time_dim, assignment, "ortools")
