"""PyVRP as a route generator: a ``RoutingProblem`` relaxation and a seed portfolio.

PyVRP 0.14 expresses most of a day directly: asymmetric integer matrices,
windows on the service start, optional visits with prizes, shift bounds and a
maximum route duration. Two things are translated:

- *several windows per node* become one PyVRP client per window at the same
  location, all in one mutually exclusive client group (required when the
  visit is mandatory);
- *allowed vehicles* become one routing profile per vehicle in which a
  forbidden node is reachable only after ``FORBIDDEN_TRAVEL_S`` of travel, so
  visiting it there always breaks a window or the shift.

What PyVRP cannot express is relaxed, not ignored: *breaks* are left out, and
each vehicle's maximum duration is shortened by its breaks' total length. The
routes PyVRP returns are therefore only a proposal; ``planner.engine.solve``
hands them to the OR-Tools model, which enforces every constraint (breaks
included) and computes the schedule.

Determinism: PyVRP repeats itself exactly for a fixed seed and a fixed number
of iterations. The stop is an iteration budget derived from the time limit and
the problem size (``iteration_budget``); wall time is only a guard. Where the
budget ends every run, the same input, seed and time limit give the same
routes. ``planner.engine.solve`` sets its guards at three times the limit, so
on the reference machine the budget always ends the search there. The Solomon
harness (``benchmarks/vrptw.py``) instead holds ``solve_portfolio`` to the
time limit itself, for a fair race against the peers; on a busy machine the
guard then ends some runs, and those answers are valid but may not repeat (the
harness notes each run's iterations against the budget).
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyvrp
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from planner.engine.parallel import can_fork_children, mp_context
from planner.problem import RoutingProblem

#: PyVRP's warnings go here (``planner.app.logs`` decides where they end up),
#: never to the terminal directly.
LOG = logging.getLogger(__name__)

#: ILS iterations per second of time limit for up to 100 clients. Measured on
#: the reference machine (2-core AMD EPYC) with both cores busy: about
#: 930–1,550 iterations per second on the Solomon R1/RC1 instances, 750–1,400 on
#: R2/RC2, 1,300–2,500 on C1/C2, and 1,200–1,500 on the demo day (35 clients,
#: several windows, lunch breaks relaxed).
ITERATIONS_PER_S = 1100

#: Problems above this many clients get a budget shrunk by ``(BUDGET_CLIENTS /
#: clients) ** BUDGET_EXPONENT``: an ILS iteration of PyVRP changes a few clients
#: and searches granular neighbourhoods, so its cost grows far more slowly than
#: the number of clients. Measured on the reference machine (2 cores, one other
#: load) on generated 400-customer instances (``benchmarks/vrptw_generate.py``),
#: one run warm-started: 770–1,160 iterations per second, against 930–2,500 for
#: up to 100 clients. The old shrink in proportion (exponent 1) stopped such
#: runs after 16–29 s of a 60 s limit.
BUDGET_CLIENTS = 100
BUDGET_EXPONENT = 0.1

#: Seeds run side by side by ``solve_portfolio`` (one process each). Fixed, not
#: taken from the machine's core count, so that results do not depend on it.
PORTFOLIO_SIZE = 2

#: Rounds of the portfolio: each later round restarts every seed from the best
#: solution so far (see ``solve_portfolio``).
PORTFOLIO_ROUNDS = 4

#: Wall seconds set aside for starting the portfolio's child processes.
PROCESS_OVERHEAD_S = 0.25

#: Travel time into a node a vehicle is not allowed to visit, in seconds.
FORBIDDEN_TRAVEL_S = 10**7


def iteration_budget(num_clients: int, time_limit_s: float) -> int:
    """ILS iterations to run for ``num_clients`` within ``time_limit_s`` seconds.

    ``ITERATIONS_PER_S * time_limit_s``, scaled down by ``(BUDGET_CLIENTS /
    num_clients) ** BUDGET_EXPONENT`` above ``BUDGET_CLIENTS`` clients (an
    iteration costs a little more on bigger problems; 0.87 at 400 clients).
    Smaller problems get no bonus: their iterations are not reliably faster
    (windows and duration costs dominate), and their budget is unchanged.
    """
    factor = min(1.0, BUDGET_CLIENTS / max(1, num_clients)) ** BUDGET_EXPONENT
    return max(1, int(time_limit_s * ITERATIONS_PER_S * factor))


@dataclass(frozen=True)
class PyvrpModel:
    """A ``RoutingProblem`` as PyVRP data, with the way back to node numbers.

    ``client_node[c]`` is the ``RoutingProblem`` node of PyVRP client ``c``;
    ``vehicle_of_type[t]`` the ``RoutingProblem`` vehicle of vehicle type ``t``.
    """

    data: pyvrp.ProblemData
    client_node: tuple[int, ...]
    vehicle_of_type: tuple[int, ...]
    relaxed: tuple[str, ...]


def to_pyvrp(problem: RoutingProblem) -> PyvrpModel:
    """Translate ``problem`` into PyVRP data (see the module docstring for what is relaxed).

    Costs match the OR-Tools model: travel time per arc (``unit_distance_cost``
    on a "distance" matrix that holds travel seconds) plus ``span_cost_per_s``
    per second of route duration, plus the prize of each unvisited node.
    """
    n = problem.num_nodes
    depot_nodes = sorted({v.start_node for v in problem.vehicles}
                         | {v.end_node for v in problem.vehicles})
    depot_index = {node: k for k, node in enumerate(depot_nodes)}
    # Locations: depots first (PyVRP convention), then the other nodes.
    order = depot_nodes + [i for i in range(n) if i not in depot_index]
    loc_of_node = {node: k for k, node in enumerate(order)}
    locations = [pyvrp.Location(0, 0, name=str(node)) for node in order]
    perm = np.array(order)
    travel = np.ascontiguousarray(problem.travel_s.astype(np.int64)[np.ix_(perm, perm)])
    depots = [pyvrp.Depot(loc_of_node[node], name=str(node)) for node in depot_nodes]

    clients: list[pyvrp.Client] = []
    groups: list[pyvrp.ClientGroup] = []
    client_node: list[int] = []
    for node in order[len(depot_nodes):]:
        prize = int(problem.prize[node])
        required = prize < 0
        windows = problem.windows[node] or ((0, np.iinfo(np.int64).max),)
        service = int(problem.service_s[node])
        if len(windows) == 1:
            (early, late), = windows
            clients.append(pyvrp.Client(
                loc_of_node[node], service_duration=service, tw_early=int(early),
                tw_late=int(late), prize=max(prize, 0), required=required, name=str(node)))
            client_node.append(node)
            continue
        group = len(groups)
        members = []
        for early, late in windows:
            members.append(len(clients))
            clients.append(pyvrp.Client(
                loc_of_node[node], service_duration=service, tw_early=int(early),
                tw_late=int(late), prize=max(prize, 0), required=False, group=group,
                name=str(node)))
            client_node.append(node)
        groups.append(pyvrp.ClientGroup(members, required=required, name=str(node)))

    restricted = bool(problem.allowed_vehicles) and any(problem.allowed_vehicles)
    durations = [travel]
    vehicle_types = []
    relaxed = []
    for v, spec in enumerate(problem.vehicles):
        profile = 0
        if restricted:
            profile = len(durations) if v > 0 else 0
            matrix = travel.copy()
            for node, allowed in enumerate(problem.allowed_vehicles):
                if allowed and v not in allowed:
                    matrix[:, loc_of_node[node]] = FORBIDDEN_TRAVEL_S
                    matrix[loc_of_node[node], loc_of_node[node]] = 0
            if v == 0:
                durations[0] = matrix
            else:
                durations.append(matrix)
        break_s = sum(int(b.duration_s) for b in spec.breaks)
        if spec.breaks:
            relaxed.append(f"vehicle {spec.name}: breaks left out, max duration shortened "
                           f"by {break_s} s")
        vehicle_types.append(pyvrp.VehicleType(
            1, start_depot=depot_index[spec.start_node], end_depot=depot_index[spec.end_node],
            tw_early=int(spec.earliest_start_s), tw_late=int(spec.latest_end_s),
            shift_duration=max(0, int(spec.max_duration_s) - break_s),
            unit_distance_cost=1, unit_duration_cost=int(problem.span_cost_per_s),
            profile=profile, name=spec.name))
    distances = [travel] * len(durations)
    data = pyvrp.ProblemData(locations, clients, depots, vehicle_types, distances, durations,
                             groups=groups)
    return PyvrpModel(data=data, client_node=tuple(client_node),
                      vehicle_of_type=tuple(range(len(problem.vehicles))),
                      relaxed=tuple(relaxed))


def routes_of(solution: pyvrp.Solution) -> list[tuple[int, list[int]]]:
    """``(vehicle type, [client indices in visit order])`` for each non-empty route."""
    out = []
    for route in solution.routes():
        visits = [a.idx for a in route.schedule() if a.type == pyvrp.ActivityType.CLIENT]
        out.append((int(route.vehicle_type()), visits))
    return out


Run = tuple[pyvrp.Solution, int, int, tuple[str, ...]]


def run_pyvrp(data: pyvrp.ProblemData, stop, seed: int,
              initial: pyvrp.Solution | None = None) -> tuple[pyvrp.Result, tuple[str, ...]]:
    """``pyvrp.solve`` with its warnings caught: ``(result, warning texts)``.

    Each text is ``"Category: message"`` on one line, each once, in order. The
    caller logs them (``log_warnings``), in the parent process, so that no
    library warning (e.g. ``PenaltyBoundWarning``) reaches the terminal.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = pyvrp.solve(data, stop, seed=seed, collect_stats=False,
                             initial_solution=initial)
    texts = tuple(dict.fromkeys(f"{w.category.__name__}: {' '.join(str(w.message).split())}"
                                for w in caught))
    return result, texts


def log_warnings(texts: Iterable[str]) -> None:
    """Send PyVRP's warning ``texts`` to this module's logger (level WARNING)."""
    for text in texts:
        LOG.warning("PyVRP: %s", text)


def _solve_one(data: pyvrp.ProblemData, iterations: int, time_limit_s: float, seed: int,
               initial: pyvrp.Solution | None = None) -> Run:
    """One ILS run, from ``initial`` if given: ``(best solution, iterations done, its
    cost, the library's warnings)``.

    The cost is taken here, beside the data, with zero penalties (so an
    infeasible answer's cost is not comparable; callers rank feasibility first).
    PyVRP's warnings (e.g. ``PenaltyBoundWarning``) are caught here, in whichever
    process runs, and returned as ``"Category: message"`` texts (each once), so
    that the caller logs them instead of a child process printing them on the
    terminal.
    """
    stop = MultipleCriteria([MaxIterations(iterations), MaxRuntime(max(0.05, time_limit_s))])
    result, texts = run_pyvrp(data, stop, seed, initial)
    evaluator = pyvrp.CostEvaluator([0.0] * data.num_load_dimensions, 0.0, 0.0)
    return (result.best, int(result.num_iterations), int(evaluator.penalised_cost(result.best)),
            texts)


def _best(results: list[Run]) -> int:
    """Index of the feasible result of least cost (ties: the lower index)."""
    return min(range(len(results)),
               key=lambda k: (0 if results[k][0].is_feasible() else 1, results[k][2], k))


def solve_portfolio(data: pyvrp.ProblemData, time_limit_s: float, seed: int = 1,
                    iterations: int | None = None, size: int = PORTFOLIO_SIZE,
                    rounds: int = PORTFOLIO_ROUNDS) -> tuple[pyvrp.Solution, dict]:
    """PyVRP on ``size`` seeds side by side, in ``rounds`` rounds; keep the best.

    Each round gives every run ``iterations / rounds`` iterations (default
    budget: ``iteration_budget``), and every run of a later round starts from
    the best solution of the round before, with a fresh seed. So the answer has
    the depth of one long run and the choice of the best of several. Each round
    also stops at its share of ``time_limit_s`` wall seconds (a guard). The best
    is the feasible solution of least cost; ties go to the lower seed, so the
    choice is deterministic. One run is in this process, the others in child
    processes (one core each on a 2-core machine); where child processes are
    unavailable the runs go one after the other (each with the round's guard).

    Returns ``(solution, stats)``; stats hold each run's seed, cost, iterations,
    and PyVRP's warnings (each once; also logged to this module's logger).
    """
    if iterations is None:
        iterations = iteration_budget(data.num_clients, time_limit_s)
    size, rounds = max(1, size), max(1, rounds)
    parallel = size > 1 and can_fork_children()
    # Starting a process and shipping the data costs about 0.2 s; keep the
    # whole call within the limit.
    deadline = time.perf_counter() + max(
        0.05 * rounds, time_limit_s - (PROCESS_OVERHEAD_S if parallel else 0.0))
    per_round = max(1, iterations // rounds)
    best: pyvrp.Solution | None = None
    runs: list[dict] = []
    said: dict[str, None] = {}  # the library's warnings, in order, each once
    pool = ProcessPoolExecutor(size - 1, mp_context=mp_context()) if parallel else None
    try:
        for r in range(rounds):
            seeds = [seed + r * size + k for k in range(size)]
            guard_s = max(0.05, (deadline - time.perf_counter()) / (rounds - r))
            if pool is not None:
                futures = [pool.submit(_solve_one, data, per_round, guard_s, s, best)
                           for s in seeds[1:]]
                results = [_solve_one(data, per_round, guard_s, seeds[0], best)]
                results.extend(f.result() for f in futures)
            else:
                results = [_solve_one(data, per_round, guard_s, s, best) for s in seeds]
            k = _best(results)
            best = results[k][0]
            runs.extend({"round": r, "seed": s, "feasible": sol.is_feasible(), "cost": cost,
                         "iterations": it}
                        for s, (sol, it, cost, _) in zip(seeds, results, strict=True))
            said.update(dict.fromkeys(text for *_, texts in results for text in texts))
            best_seed = seeds[k]
    finally:
        if pool is not None:
            pool.shutdown()
    assert best is not None
    log_warnings(said)
    stats = {"seeds": sorted({run["seed"] for run in runs}), "iterations_budget": iterations,
             "rounds": rounds, "runs": runs, "best_seed": best_seed, "warnings": list(said)}
    return best, stats
