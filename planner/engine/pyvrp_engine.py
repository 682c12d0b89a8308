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

Determinism: PyVRP repeats itself exactly for a fixed seed and a fixed amount
of work. The stop is a work budget derived from the time limit and the
problem size (``search_budget``); wall time is only a guard. Up to
``BUDGET_CLIENTS`` (100) clients the budget counts ILS iterations (1,100 per
second of limit; the demo day's rule, unchanged). Above, an iteration costs
more the bigger the problem, and three times more on some shapes than on
others, so the budget counts local-search move evaluations instead (30
million per second at 100 clients, falling as ``(100 / clients) ** 0.3``: 19.8
million at 400); in iterations that budget grows with the problem by itself,
and it is sized so that a large search takes its whole limit on the reference
machine. Where the budget ends every run, the same input, seed and time limit
give the same routes. ``planner.engine.solve`` sets its guards at three times
the limit, so on the reference machine the budget ends the search there at
every size. The Solomon harness (``benchmarks/vrptw.py``) instead holds
``solve_portfolio`` to the time limit itself, for a fair race against the
peers: there a small problem still ends on its budget and repeats, while a
large one (above 100 clients, whose budget is set above the measured rates,
see ``MOVES_PER_S``) normally ends on the limit, so it uses the whole
limit and its answer is valid but need not repeat (the harness notes each
run's iterations and moves against its share). Above ``ROUNDS_MAX_CLIENTS``
(200) clients the portfolio is one run of one round with the whole limit and
no side run competing for the machine (``LARGE_PORTFOLIO_SIZE``).

Above ``BUDGET_CLIENTS`` a run is ``pyvrp_search.search`` (``pyvrp.solve``'s
search step for step, with less work around each step, so more iterations of
the same trajectory in the same time), and the portfolio's answer is then
polished by ``pyvrp_search.polish`` (exhaustive local searches over the full
neighbourhood with more operators, kept only if they improve) in the last
``POLISH_SHARE`` of the limit. So given the same iterations the answer is the
unpolished one's or better: a one-run portfolio's is plain PyVRP's or better,
and the rounds up to 200 clients run exactly as before the polish existed.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass

import numpy as np
import pyvrp
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from planner.engine.parallel import can_fork_children, mp_context
from planner.engine.pyvrp_search import polish, polish_round_s, search
from planner.problem import RoutingProblem

#: PyVRP's warnings go here (``planner.app.logs`` decides where they end up),
#: never to the terminal directly.
LOG = logging.getLogger(__name__)

#: ILS iterations per second of time limit for up to ``BUDGET_CLIENTS`` clients.
#: Measured on the reference machine (2-core AMD EPYC) with both cores busy:
#: about 930–1,550 iterations per second on the Solomon R1/RC1 instances,
#: 750–1,400 on R2/RC2, 1,300–2,500 on C1/C2, and 1,200–1,500 on the demo day
#: (35 clients, several windows, lunch breaks relaxed).
ITERATIONS_PER_S = 1100

#: Up to this many clients the budget counts ILS iterations (``ITERATIONS_PER_S``,
#: the demo day's rule); above, it counts local-search move evaluations
#: (``MOVES_PER_S``), because an iteration's cost grows with the problem and
#: differs twofold between instance shapes of one size: on generated
#: 400-customer instances (``benchmarks/vrptw_generate.py``) 346–695 iterations
#: per CPU second, against 1,040–1,570 on Solomon's 100. A move evaluation
#: costs about the same everywhere (11.6–14.8 million per CPU second on those
#: 400-customer instances), so a move budget takes about the same time on every
#: shape.
BUDGET_CLIENTS = 100

#: Local-search move evaluations per second of time limit, for ``BUDGET_CLIENTS``
#: clients; above, the rate falls as ``(BUDGET_CLIENTS / clients) **
#: MOVES_EXPONENT`` (bigger routes and neighbourhoods leave the caches). Measured
#: per CPU second of one PyVRP 0.14.1 process (``time.process_time``) on the
#: reference machine, 12 s runs: 17.7–19.7 million on Solomon R101, C101, RC201
#: (100 clients), 16.1–18.1 on generated 200-client R1, C1, R2, 11.6–14.8 on
#: generated 400-client R1, C1, RC1, R2, with a load average of 11 on the two
#: cores; 25–27 and 14–15 million in shorter runs at a load of 4. The budget is
#: set above those rates (29.9 million at 101 clients, 24.4 at 200, 19.8 at 400)
#: so that in the benchmark, held to its limit, the wall clock rather than the
#: budget ends a large search (at least 90 % of the limit used), while in
#: ``planner.engine.solve`` (guard at three times the limit) the budget still
#: ends it, a little past its share at worst.
MOVES_PER_S = 30_000_000
MOVES_EXPONENT = 0.3

#: The portfolio restarts every seed from the best so far (``PORTFOLIO_ROUNDS``)
#: up to this many clients. Above, one round (of one run, see
#: ``LARGE_PORTFOLIO_SIZE``). On 400 clients a round of a quarter of the limit
#: ends while the search still improves steadily, and each restart throws away the search's current
#: solution, its acceptance history and its penalties: with four rounds the
#: portfolio trailed one plain PyVRP run on four generated 400-customer
#: instances (mean gap 0.21 % against 0.08 %; one round: 0.10 % against 0.08 %).
#: On 200 clients one round was not better (0.03 % against 0.00 %; four rounds
#: 0.07 % against 0.10 % and 0.20 % against 0.07 % in two runs; all in
#: docs/benchmarks.md, on a machine too busy for the second process).
ROUNDS_MAX_CLIENTS = 200

#: Seeds run side by side by ``solve_portfolio`` (one process each) up to
#: ``ROUNDS_MAX_CLIENTS`` clients. Fixed, not taken from the machine's core
#: count, so that results do not depend on it.
PORTFOLIO_SIZE = 2

#: Above ``ROUNDS_MAX_CLIENTS`` clients the portfolio is one run:
#: ``pyvrp.solve``'s search step for step (then polished) with the whole limit
#: and the whole machine, no side run. There a run is still improving when its
#: limit ends, so depth beats a second seed: an independent side run wins only
#: by chance and costs the first run CPU (on a busy machine, Linux gives the
#: session's share to both processes; on a quiet one, the shared caches and
#: memory). Measured with the side run (at the lowest priority) on four
#: generated 400-customer instances, 60 s: mean gap 0.10 % against plain PyVRP's
#: 0.04 % on a quiet machine, its first run 7.5 % fewer iterations in total
#: (35,137 against 49,912 on one instance); 0.10 % against 0.08 % on a busy one,
#: every side run left out, late (docs/benchmarks.md). One run is plain PyVRP's
#: search with the same random stream: given the same iterations it ends on the
#: same solution before the polish, so it is never behind it.
LARGE_PORTFOLIO_SIZE = 1

#: Rounds of the portfolio: each later round restarts every seed from the best
#: solution so far (see ``solve_portfolio``).
PORTFOLIO_ROUNDS = 4

#: Niceness of the side runs (child processes) of a one-round portfolio (one
#: asked for with ``size``; the default above ``ROUNDS_MAX_CLIENTS`` clients has
#: none): the lowest priority. On an idle second core they run at full speed; on a machine
#: whose cores other users' work keeps busy (Linux shares the CPU between
#: sessions first, so the portfolio's processes split one session's share) a
#: side run at normal priority would halve the CPU of the first run, the one
#: that is ``pyvrp.solve`` step for step. Measured on the reference machine
#: at a load average of 12: 4,142 iterations for that run in 60 s against 7,662
#: for plain PyVRP alone on the same instance (generated R1, 400 customers).
SIDE_NICE = 19

#: Share of ``solve_portfolio``'s wall-clock limit kept for
#: ``pyvrp_search.polish`` above ``BUDGET_CLIENTS`` clients: the rounds stop at
#: the rest. The polish takes 0.1–0.4 CPU seconds on 400 clients, under 1 % of a
#: 60 s limit.
POLISH_SHARE = 0.01

#: Wall seconds set aside for starting the portfolio's child processes.
PROCESS_OVERHEAD_S = 0.25

#: Travel time into a node a vehicle is not allowed to visit, in seconds.
FORBIDDEN_TRAVEL_S = 10**7


def iteration_budget(time_limit_s: float) -> int:
    """ILS iterations for ``time_limit_s`` seconds on up to ``BUDGET_CLIENTS`` clients.

    ``ITERATIONS_PER_S * time_limit_s`` (at least one). Smaller problems get
    no bonus: their iterations are not reliably faster (windows and duration
    costs dominate), and the demo day's budget stays what it always was.
    """
    return max(1, int(time_limit_s * ITERATIONS_PER_S))


def move_budget(num_clients: int, time_limit_s: float) -> int:
    """Local-search move evaluations for ``num_clients`` in ``time_limit_s`` seconds.

    ``MOVES_PER_S * time_limit_s * (BUDGET_CLIENTS / num_clients) **
    MOVES_EXPONENT`` (at least one). In iterations the budget grows with the
    problem by itself: each iteration of a bigger problem evaluates more moves.
    """
    rate = MOVES_PER_S * (BUDGET_CLIENTS / max(BUDGET_CLIENTS, num_clients)) ** MOVES_EXPONENT
    return max(1, int(time_limit_s * rate))


@dataclass(frozen=True)
class Budget:
    """The work that ends a PyVRP search, whatever the wall clock.

    Exactly one of ``iterations`` (ILS iterations) and ``moves`` (local-search
    move evaluations, summed over every local search of the run, the first
    one from a random solution included) is set. Both counts are deterministic
    for a given data, seed and start, so a run that ends on its budget repeats.
    """

    iterations: int | None = None
    moves: int | None = None

    def __post_init__(self) -> None:
        if (self.iterations is None) == (self.moves is None):
            raise ValueError("a Budget counts either iterations or moves")

    def share(self, parts: int) -> Budget:
        """This budget divided into ``parts`` equal shares (each at least one)."""
        if self.iterations is not None:
            return Budget(iterations=max(1, self.iterations // parts))
        assert self.moves is not None
        return Budget(moves=max(1, self.moves // parts))

    @property
    def amount(self) -> int:
        """The number counted (iterations or moves)."""
        return self.iterations if self.iterations is not None else int(self.moves or 0)

    @property
    def unit(self) -> str:
        """``"iterations"`` or ``"moves"``."""
        return "iterations" if self.iterations is not None else "moves"


def search_budget(num_clients: int, time_limit_s: float) -> Budget:
    """The budget for ``num_clients`` in ``time_limit_s`` seconds: ILS iterations up
    to ``BUDGET_CLIENTS`` clients (``iteration_budget``), move evaluations above
    (``move_budget``)."""
    if num_clients <= BUDGET_CLIENTS:
        return Budget(iterations=iteration_budget(time_limit_s))
    return Budget(moves=move_budget(num_clients, time_limit_s))


def will_polish(num_clients: int, time_limit_s: float) -> bool:
    """Whether ``solve_portfolio`` polishes its answer: above ``BUDGET_CLIENTS``
    clients, when a polish round (``pyvrp_search.polish_round_s``) fits in
    ``POLISH_SHARE`` of the limit (on 400 clients from a limit of about 24 s). Decided on
    the size and the limit alone, so a budget-ended portfolio still repeats."""
    return (num_clients > BUDGET_CLIENTS
            and polish_round_s(num_clients) <= POLISH_SHARE * time_limit_s)


def portfolio_rounds(num_clients: int) -> int:
    """Rounds of ``solve_portfolio`` for ``num_clients``: ``PORTFOLIO_ROUNDS`` up to
    ``ROUNDS_MAX_CLIENTS``, one above."""
    return PORTFOLIO_ROUNDS if num_clients <= ROUNDS_MAX_CLIENTS else 1


def portfolio_size(num_clients: int) -> int:
    """Seeds run side by side by ``solve_portfolio`` for ``num_clients``:
    ``PORTFOLIO_SIZE`` up to ``ROUNDS_MAX_CLIENTS``, ``LARGE_PORTFOLIO_SIZE`` (one
    run, the whole limit) above."""
    return PORTFOLIO_SIZE if num_clients <= ROUNDS_MAX_CLIENTS else LARGE_PORTFOLIO_SIZE


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


#: One run: (best solution, iterations done, its cost, warning texts, moves done or None).
Run = tuple[pyvrp.Solution, int, int, tuple[str, ...], int | None]


@dataclass(frozen=True)
class PyvrpRun:
    """One ``run_pyvrp``: PyVRP's result, the library's warnings as ``"Category:
    message"`` texts (each once, in order), and the move evaluations done (None
    on the ``pyvrp.solve`` path)."""

    result: pyvrp.Result
    warnings: tuple[str, ...]
    moves: int | None


def run_pyvrp(data: pyvrp.ProblemData, budget: Budget, guard_s: float, seed: int,
              initial: pyvrp.Solution | None = None) -> PyvrpRun:
    """PyVRP's search until ``budget`` is spent or ``guard_s`` wall seconds pass.

    Up to ``BUDGET_CLIENTS`` clients on an iteration budget (the demo day) this
    is ``pyvrp.solve`` itself. Above, it is ``pyvrp_search.search``, the same
    search step for step with less work around each step, stopped by the budget
    (iterations or moves) or the guard: the same answer as ``pyvrp.solve`` given
    the same iterations, sooner. Not polished (``solve_portfolio`` polishes its
    own answer). The caller logs the warnings (``log_warnings``), in the parent
    process, so that no library warning (e.g. ``PenaltyBoundWarning``) reaches
    the terminal.
    """
    moves_done = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if budget.iterations is not None and data.num_clients <= BUDGET_CLIENTS:
            stop = MultipleCriteria([MaxIterations(budget.iterations),
                                     MaxRuntime(max(0.05, guard_s))])
            result = pyvrp.solve(data, stop, seed=seed, collect_stats=False,
                                 initial_solution=initial)
        else:
            start = time.perf_counter()
            run = search(data, seed, initial, max_iterations=budget.iterations,
                         max_moves=budget.moves, max_runtime_s=max(0.05, guard_s))
            result = pyvrp.Result(run.best, pyvrp.Statistics(collect_stats=False),
                                  run.iterations, time.perf_counter() - start)
            moves_done = run.moves
    texts = tuple(dict.fromkeys(f"{w.category.__name__}: {' '.join(str(w.message).split())}"
                                for w in caught))
    return PyvrpRun(result, texts, moves_done)


def log_warnings(texts: Iterable[str]) -> None:
    """Send PyVRP's warning ``texts`` to this module's logger (level WARNING)."""
    for text in texts:
        LOG.warning("PyVRP: %s", text)


def _solve_one(data: pyvrp.ProblemData, budget: Budget, time_limit_s: float, seed: int,
               initial: pyvrp.Solution | None = None) -> Run:
    """One ILS run, from ``initial`` if given, not polished (``solve_portfolio``
    polishes its answer): ``(best solution, iterations done, its cost, the
    library's warnings, move evaluations done or None)``.

    The cost is taken here, beside the data, with zero penalties (so an
    infeasible answer's cost is not comparable; callers rank feasibility first).
    PyVRP's warnings (e.g. ``PenaltyBoundWarning``) are caught here, in whichever
    process runs, and returned as ``"Category: message"`` texts (each once), so
    that the caller logs them instead of a child process printing them on the
    terminal.
    """
    run = run_pyvrp(data, budget, time_limit_s, seed, initial)
    best = run.result.best
    evaluator = pyvrp.CostEvaluator([0.0] * data.num_load_dimensions, 0.0, 0.0)
    return (best, int(run.result.num_iterations), int(evaluator.penalised_cost(best)),
            run.warnings, run.moves)


def _lower_priority() -> None:
    """In a side-run worker: raise its niceness by ``SIDE_NICE`` (lowest priority)."""
    os.nice(SIDE_NICE)


def _run_round(pool: ProcessPoolExecutor | None, data: pyvrp.ProblemData, budget: Budget,
               guard_s: float, seeds: list[int], initial: pyvrp.Solution | None,
               deadline: float | None) -> list[tuple[int, Run]]:
    """One round of the portfolio: ``(seed, run)`` for each of ``seeds``, the first
    here, the others in ``pool`` (or here, one after the other, without a pool).

    Given a ``deadline`` (``time.perf_counter`` seconds; one-round portfolios,
    whose side runs have the lowest priority), a side run not back by
    ``deadline + PROCESS_OVERHEAD_S`` is left out: on a busy machine it may get
    so little CPU that it would notice its own guard only seconds late.
    """
    if pool is None:
        return [(s, _solve_one(data, budget, guard_s, s, initial)) for s in seeds]
    futures = [(s, pool.submit(_solve_one, data, budget, guard_s, s, initial))
               for s in seeds[1:]]
    done = [(seeds[0], _solve_one(data, budget, guard_s, seeds[0], initial))]
    for s, future in futures:
        wait_s = None
        if deadline is not None:
            wait_s = max(0.0, deadline + PROCESS_OVERHEAD_S - time.perf_counter())
        try:
            done.append((s, future.result(timeout=wait_s)))
        except FuturesTimeout:
            LOG.debug("portfolio: side run of seed %d left out (late)", s)
    return done


def _best(results: list[Run]) -> int:
    """Index of the feasible result of least cost (ties: the lower index)."""
    return min(range(len(results)),
               key=lambda k: (0 if results[k][0].is_feasible() else 1, results[k][2], k))


def solve_portfolio(data: pyvrp.ProblemData, time_limit_s: float, seed: int = 1,
                    iterations: int | None = None, size: int | None = None,
                    rounds: int | None = None,
                    budget: Budget | None = None) -> tuple[pyvrp.Solution, dict]:
    """PyVRP on ``size`` seeds side by side, in ``rounds`` rounds; keep the best.

    The work budget is ``budget``, else ``iterations`` ILS iterations, else
    ``search_budget`` for the data's clients and ``time_limit_s``; ``size`` and
    ``rounds`` default to ``portfolio_size`` and ``portfolio_rounds`` (two seeds in
    four rounds up to ``ROUNDS_MAX_CLIENTS`` clients; above, one run of one round with
    the whole limit). Each round gives every run its share of the budget, and every run
    of a later round starts from the best solution of the round before, with a fresh
    seed. So the answer has the depth of one long run and the choice of the best of
    several. Each round also stops at its share of ``time_limit_s`` wall seconds (a
    guard). Where ``will_polish`` (above ``BUDGET_CLIENTS`` clients, limit long enough)
    the rounds end ``POLISH_SHARE`` of the limit early and the best is polished
    (``pyvrp_search.polish``, only improvements kept) in that time. The best is the
    feasible solution of least cost; ties go to the lower seed, so the choice is
    deterministic. One run is in this process, the others in child processes (one core
    each on a 2-core machine); where child processes are unavailable the runs go one
    after the other (each with the round's guard). With one round, the run of ``seed``
    is ``pyvrp.solve``'s search with that seed, stopped by the budget or the guard, and
    the side runs have the lowest priority (``SIDE_NICE``), so that on a busy machine
    they do not slow it down; a side run not back soon after the limit is left out (see
    ``_run_round``).

    Returns ``(solution, stats)``; stats hold each run's seed, cost, iterations
    (and moves, above ``BUDGET_CLIENTS`` clients), the budget, PyVRP's warnings
    (each once; also logged to this module's logger), and where ``will_polish``
    the polish of the answer (``"polish"``: rounds,
    cost before and after; the runs' costs are before it).
    """
    if budget is None:
        budget = (Budget(iterations=iterations) if iterations is not None
                  else search_budget(data.num_clients, time_limit_s))
    if rounds is None:
        rounds = portfolio_rounds(data.num_clients)
    if size is None:
        size = portfolio_size(data.num_clients)
    size, rounds = max(1, size), max(1, rounds)
    parallel = size > 1 and can_fork_children()
    # Starting a process and shipping the data costs about 0.2 s; keep the
    # whole call within the limit.
    deadline = time.perf_counter() + max(
        0.05 * rounds, time_limit_s - (PROCESS_OVERHEAD_S if parallel else 0.0))
    polishing = will_polish(data.num_clients, time_limit_s)
    end = deadline
    if polishing:
        deadline -= POLISH_SHARE * time_limit_s
    per_round = budget.share(rounds)
    best: pyvrp.Solution | None = None
    runs: list[dict] = []
    said: dict[str, None] = {}  # the library's warnings, in order, each once
    # One round: the side runs only take a free core (see SIDE_NICE); with
    # rounds, every round waits for all its runs, so they share alike.
    pool = (ProcessPoolExecutor(size - 1, mp_context=mp_context(),
                                initializer=_lower_priority if rounds == 1 else None)
            if parallel else None)
    try:
        for r in range(rounds):
            seeds = [seed + r * size + k for k in range(size)]
            guard_s = max(0.05, (deadline - time.perf_counter()) / (rounds - r))
            done = _run_round(pool, data, per_round, guard_s, seeds, best,
                              deadline if rounds == 1 else None)
            seeds, results = [s for s, _ in done], [result for _, result in done]
            k = _best(results)
            best = results[k][0]
            for s, (sol, it, cost, _, moves) in zip(seeds, results, strict=True):
                run = {"round": r, "seed": s, "feasible": sol.is_feasible(), "cost": cost,
                       "iterations": it}
                if moves is not None:
                    run["moves"] = moves
                runs.append(run)
            said.update(dict.fromkeys(text for result in results for text in result[3]))
            best_seed = seeds[k]
    finally:
        if pool is not None:
            # A side run left behind (late, see _run_round) ends on its own guard.
            pool.shutdown(wait=False, cancel_futures=True)
    assert best is not None
    log_warnings(said)
    stats = {"seeds": sorted({run["seed"] for run in runs}), "budget": budget.amount,
             "budget_unit": budget.unit, "per_run_budget": per_round.amount,
             "rounds": rounds, "runs": runs, "best_seed": best_seed, "warnings": list(said)}
    if polishing:
        done = polish(data, best, seed, deadline=end)
        best = done.solution
        stats["polish"] = {"rounds": done.rounds, "cost_before": done.cost_before,
                           "cost_after": done.cost_after}
    return best, stats
