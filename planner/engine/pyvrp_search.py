"""PyVRP's search for large problems: ``pyvrp.solve`` step for step, leaner, then a polish.

``search`` runs the very iterated local search of ``pyvrp.solve`` (default
parameters, same random stream, same late-acceptance rule, same penalty
manager): given the same data, seed and number of iterations it ends on the
same solution (a test checks it). Only the work around each step is less.
PyVRP's loop spends about 130 µs of Python per iteration on 400 clients
(6–7 % of an iteration; measured with ``time.process_time`` on the reference
machine): a fresh ``CostEvaluator`` every iteration, three or four penalised
costs of solutions whose cost it already knew. Here the evaluator is rebuilt
only when the penalty manager may have changed it (every
``solutions_between_updates`` registrations), each solution's penalised cost
is kept until the evaluator changes, and a feasible candidate's penalised cost
is its cost (1.7 µs instead of 7.9). So in the same wall time this search runs
more iterations of the same trajectory; since the best solution of a
trajectory only improves with iterations, more iterations are never worse.

``polish`` then improves the best solution without a random step: exhaustive
local searches with every client as a neighbour of every other, up to
``POLISH_NEIGHBOURS`` (PyVRP's search looks at the 50 nearest), and four more
operators (``Relocate3``, ``Swap31``, ``Swap32``, ``Swap33``), with PyVRP's
maximum penalties, to a fixed point; a round's result is kept only if it is
feasible and costs less. It takes 0.1–0.4 CPU seconds on 400 clients and found
0.00–0.58 % there after 10,000 iterations (docs/benchmarks.md). It cannot make
the answer worse.

The iteration-budget path of ``planner.engine.pyvrp_engine`` (up to 100
clients, the demo day) keeps calling ``pyvrp.solve`` itself.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import pyvrp
from pyvrp.search import (
    OPERATORS,
    LocalSearch,
    NeighbourhoodParams,
    PerturbationManager,
    PerturbationParams,
    Relocate3,
    Swap31,
    Swap32,
    Swap33,
    compute_neighbours,
)

#: Operators the polish adds to PyVRP's default ones.
POLISH_EXTRA_OPERATORS = (Relocate3, Swap31, Swap32, Swap33)

#: Neighbours of each client in the polish's local search: every other client
#: up to this many (PyVRP's search uses 50). All of them on 400 clients; capped
#: so that a round stays cheap on bigger problems (one round takes about 0.15
#: CPU seconds with 400 neighbours on 400 clients, 1.4 s with 1,000 on 1,000).
POLISH_NEIGHBOURS = 400

#: CPU seconds of one polish round per (client, neighbour) pair, rounded up from
#: the reference machine (0.15 s for 400 × 400 pairs, 1.4 s for 1,000 × 1,000).
POLISH_S_PER_PAIR = 1.5e-6

#: At most this many exhaustive local searches in one polish (each one that
#: improves starts another); in practice it ends after one to three.
POLISH_MAX_ROUNDS = 10


@dataclass(frozen=True)
class SearchRun:
    """One ``search``: its best solution, ILS iterations and local-search move
    evaluations done (the first local search, from a random solution, included)."""

    best: pyvrp.Solution
    iterations: int
    moves: int


@dataclass(frozen=True)
class Polish:
    """What ``polish`` did: the solution it returns, the exhaustive searches run,
    the cost before and after (``CostEvaluator`` without penalties)."""

    solution: pyvrp.Solution
    rounds: int
    cost_before: int
    cost_after: int


def _local_search(data: pyvrp.ProblemData, seed: int
                  ) -> tuple[LocalSearch, pyvrp.RandomNumberGenerator, pyvrp.SolveParams]:
    """PyVRP's default local search and its random stream, built as ``pyvrp.solve``
    builds them."""
    params = pyvrp.SolveParams()
    rng = pyvrp.RandomNumberGenerator(seed=seed)
    neighbours = compute_neighbours(data, params.neighbourhood)
    search_ls = LocalSearch(data, rng, neighbours, PerturbationManager(params.perturbation))
    for op in params.operators:
        if op.supports(data):
            search_ls.add_operator(op(data))
    return search_ls, rng, params


def search(data: pyvrp.ProblemData, seed: int, initial: pyvrp.Solution | None = None,
           max_iterations: int | None = None, max_moves: int | None = None,
           max_runtime_s: float = math.inf) -> SearchRun:
    """``pyvrp.solve(data, stop, seed, initial_solution=initial)`` step for step,
    where ``stop`` ends the search before an iteration once ``max_iterations``
    iterations are done, or ``max_moves`` move evaluations, or ``max_runtime_s``
    wall seconds have passed since the first check (as ``MaxRuntime``).

    The moves are summed over every local search of the run (the first one, from
    a random solution, included). PyVRP's warnings are raised as ``pyvrp.solve``
    raises them (its penalty manager is the one used).
    """
    ls, rng, params = _local_search(data, seed)
    pm = pyvrp.PenaltyManager(params.penalty.midpoint_penalties(data), params.penalty)
    moves = 0
    init = initial
    if init is None:
        random = pyvrp.Solution.make_random(data, rng)
        init = ls(random, pm.max_cost_evaluator(), exhaustive=True)
        moves += ls.statistics.num_moves
    ils = params.ils
    between = params.penalty.solutions_between_updates
    length = ils.history_length
    # The late-acceptance history (PyVRP's RingBuffer), with each entry's
    # penalised cost and the evaluator version it was computed with.
    hist: list[pyvrp.Solution | None] = [None] * length
    hist_cost = [0] * length
    hist_version = [-1] * length
    idx = 0
    evaluator, version, registered = pm.cost_evaluator(), 0, 0
    best = curr = init
    best_cost = evaluator.cost(best)
    curr_cost, curr_version = 0, -1
    init_cost, init_version = 0, -1
    iterations = no_improvement = 0
    started: float | None = None
    while True:
        if max_iterations is not None and iterations >= max_iterations:
            break
        if max_moves is not None and moves >= max_moves:
            break
        now = time.perf_counter()
        if started is None:
            started = now
        elif now - started > max_runtime_s:
            break
        iterations += 1
        if no_improvement == ils.num_iters_no_improvement:
            hist = [None] * length
            idx = 0
            curr, curr_version, no_improvement = best, -1, 0
        if registered and registered % between == 0 and version != registered // between:
            evaluator, version = pm.cost_evaluator(), registered // between
        cand = ls(curr, evaluator, exhaustive=False)
        moves += ls.statistics.num_moves
        pm.register(cand)
        registered += 1
        no_improvement += 1
        cand_objective = evaluator.cost(cand)
        if cand_objective < best_cost:
            best, best_cost, no_improvement = cand, cand_objective, 0
            if ils.exhaustive_on_best:
                cand = ls(cand, evaluator, exhaustive=True)
                moves += ls.statistics.num_moves
                cand_objective = evaluator.cost(cand)
                if cand.is_feasible():
                    best, best_cost = cand, cand_objective
        # A feasible solution's penalised cost is its cost (no penalty), which
        # PyVRP computes five times faster.
        cand_cost = (cand_objective if cand.is_feasible()
                     else evaluator.penalised_cost(cand))
        if curr_version != version:
            curr_cost, curr_version = evaluator.penalised_cost(curr), version
        slot = idx % length
        late = hist[slot]
        if late is None:
            if init_version != version:
                init_cost, init_version = evaluator.penalised_cost(init), version
            late_cost = init_cost
        else:
            if hist_version[slot] != version:
                hist_cost[slot], hist_version[slot] = evaluator.penalised_cost(late), version
            late_cost = hist_cost[slot]
        if cand_cost < late_cost or cand_cost < curr_cost:
            curr, curr_cost, curr_version = cand, cand_cost, version
        if curr_cost < late_cost or late is None:
            hist[slot], hist_cost[slot], hist_version[slot] = curr, curr_cost, version
        idx += 1
    return SearchRun(best=best, iterations=iterations, moves=moves)


def polish_round_s(num_clients: int) -> float:
    """Estimated seconds of one ``polish`` round on ``num_clients`` clients:
    ``POLISH_S_PER_PAIR`` per (client, neighbour) pair."""
    return POLISH_S_PER_PAIR * num_clients * min(POLISH_NEIGHBOURS, max(1, num_clients))


def polish(data: pyvrp.ProblemData, solution: pyvrp.Solution, seed: int,
           deadline: float = math.inf) -> Polish:
    """Improve ``solution`` by exhaustive local searches over the full neighbourhood (up to
    ``POLISH_NEIGHBOURS``) with PyVRP's operators and ``POLISH_EXTRA_OPERATORS``, to a
    fixed point (at most ``POLISH_MAX_ROUNDS``; no round starts after ``deadline``, a
    ``time.perf_counter`` value). Deterministic for a given solution and seed. An
    infeasible ``solution`` is returned as it is; a round's result replaces it only if
    feasible and of lower cost."""
    plain = pyvrp.CostEvaluator([0.0] * data.num_load_dimensions, 0.0, 0.0)
    before = int(plain.penalised_cost(solution))
    if not solution.is_feasible() or data.num_clients < 2:
        return Polish(solution, 0, before, before)
    params = pyvrp.PenaltyParams()
    strict = pyvrp.PenaltyManager(params.midpoint_penalties(data), params).max_cost_evaluator()
    count = max(1, min(POLISH_NEIGHBOURS, data.num_locations - 1))
    neighbours = compute_neighbours(data, NeighbourhoodParams(num_neighbours=count))
    ls = LocalSearch(data, pyvrp.RandomNumberGenerator(seed=seed), neighbours,
                     PerturbationManager(PerturbationParams(0, 0)))
    for op in (*OPERATORS, *POLISH_EXTRA_OPERATORS):
        if op.supports(data):
            ls.add_operator(op(data))
    best, cost, rounds = solution, strict.cost(solution), 0
    while rounds < POLISH_MAX_ROUNDS and time.perf_counter() < deadline:
        rounds += 1
        found = ls(best, strict, exhaustive=True)
        found_cost = strict.cost(found)
        if not found.is_feasible() or found_cost >= cost:
            break
        best, cost = found, found_cost
    return Polish(best, rounds, before, int(plain.penalised_cost(best)))
