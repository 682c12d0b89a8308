"""PyVRP's search above 100 clients: ``pyvrp.solve`` step for step, then a polish
that can only improve.

Small instances (40 clients, well under a second of search each): the step-for-step
property does not depend on the size, and ``search`` takes any data.
"""

from __future__ import annotations

import numpy as np
import pytest
import pyvrp
from pyvrp.stop import MaxIterations

from planner.engine.pyvrp_search import polish, search


def _vrptw(n: int = 40, seed: int = 4) -> pyvrp.ProblemData:
    """A capacitated instance with time windows: ``n`` clients on a 100 × 100 square
    (integer distances), windows 60 to 200 wide in a horizon of 1,000, demands 1
    to 20, capacity 60, service 10."""
    rng = np.random.default_rng(seed)
    xy = rng.integers(0, 101, size=(n + 1, 2))
    xy[0] = (50, 50)
    dist = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1)).astype(np.int64)
    horizon = 1000
    clients = []
    for i in range(1, n + 1):
        early = int(rng.integers(dist[0, i], horizon - 300))
        late = early + int(rng.integers(60, 201))
        clients.append(pyvrp.Client(i, delivery=[int(rng.integers(1, 21))], service_duration=10,
                                    tw_early=early, tw_late=late))
    locations = [pyvrp.Location(int(x), int(y)) for x, y in xy]
    fleet = [pyvrp.VehicleType(n // 2, [60], tw_early=0, tw_late=horizon)]
    return pyvrp.ProblemData(locations, clients, [pyvrp.Depot(0)], fleet, [dist], [dist])


@pytest.fixture(scope="module")
def data() -> pyvrp.ProblemData:
    """The 40-client instance, built once."""
    return _vrptw()


def _day_data() -> pyvrp.ProblemData:
    """A planner day as PyVRP data (``to_pyvrp``): 30 visits, every fifth one
    optional with a prize, every fourth one with two windows (a client group),
    every sixth one allowed to one team only (a travel profile per team)."""
    from planner.engine.pyvrp_engine import to_pyvrp
    from planner.problem import RoutingProblem, VehicleSpec

    h, n = 3600, 31
    rng = np.random.default_rng(2)
    xy = rng.uniform(0, 12_000, size=(n, 2))
    dist = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1)).astype(np.int64)
    travel = dist // 5
    service = np.full(n, 900)
    service[0] = 0
    windows = [() if i % 4 != 1 else ((7 * h, 10 * h), (13 * h, 16 * h)) for i in range(n)]
    prize = np.where(np.arange(n) % 5 == 2, 50_000, -1)
    fleet = tuple(VehicleSpec(f"T{k}", 7 * h, 17 * h, 9 * h, ()) for k in range(3))
    allowed = tuple((i % 3,) if i % 6 == 5 else () for i in range(n))
    return to_pyvrp(RoutingProblem(travel, dist, service, tuple(windows), prize, fleet,
                                   allowed, 1)).data


@pytest.mark.parametrize("which", ["vrptw", "vrptw from a start", "planner day"])
def test_search_is_pyvrp_solve_step_for_step(data: pyvrp.ProblemData, which: str) -> None:
    """Given the same data, seed, start and number of iterations (600: past the
    first update of the penalties, after 500), ``search`` ends on the very
    solution ``pyvrp.solve`` ends on."""
    initial = None
    if which == "planner day":
        data = _day_data()
        assert data.num_groups > 0 and data.num_profiles > 1
    elif which == "vrptw from a start":
        initial = pyvrp.solve(data, MaxIterations(5), seed=9, collect_stats=False).best
    plain = pyvrp.solve(data, MaxIterations(600), seed=3, collect_stats=False,
                        initial_solution=initial)
    ours = search(data, 3, initial, max_iterations=600)
    assert ours.iterations == plain.num_iterations == 600
    assert str(ours.best) == str(plain.best)
    assert ours.moves > 0


def test_search_stops_on_moves_or_time(data: pyvrp.ProblemData) -> None:
    """A move budget ends the search at the first check past it (the same count
    twice, the same solution); a wall-clock limit of zero ends it after one
    iteration (the clock starts at the first check, as PyVRP's ``MaxRuntime``)."""
    first = search(data, 1, max_moves=400_000)
    again = search(data, 1, max_moves=400_000)
    assert first.moves >= 400_000 and first.iterations == again.iterations > 0
    assert str(first.best) == str(again.best)
    fewer = search(data, 1, max_iterations=first.iterations - 1)
    assert fewer.moves < 400_000
    assert search(data, 1, max_runtime_s=0.0).iterations == 1


def test_polish_only_improves_and_repeats() -> None:
    """From the end of a short search on 150 clients the polish returns a
    feasible solution of lower cost (this instance has one within reach of its
    wider neighbourhood), the same one twice; its report's costs are the
    solutions' costs; a polish of its own answer finds nothing more."""
    data = _vrptw(150)
    start = search(data, 2, max_iterations=30).best
    assert start.is_feasible()
    cost = pyvrp.CostEvaluator([0.0], 0.0, 0.0).penalised_cost
    done = polish(data, start, seed=2)
    assert done.solution.is_feasible()
    assert done.cost_before == cost(start) and done.cost_after == cost(done.solution)
    assert done.cost_after < done.cost_before
    assert str(polish(data, start, seed=2).solution) == str(done.solution)
    again = polish(data, done.solution, seed=2)
    assert again.cost_after == done.cost_after and again.rounds == 1


def test_polish_returns_an_infeasible_solution_untouched(data: pyvrp.ProblemData) -> None:
    """An infeasible solution (every client on one route: capacity and windows
    broken) comes back as it is, with no round run; so does any solution once the
    deadline has passed."""
    crammed = pyvrp.Solution(data, [list(range(data.num_clients))])
    assert not crammed.is_feasible()
    done = polish(data, crammed, seed=1)
    assert done.rounds == 0 and done.solution is crammed
    feasible = search(data, 2, max_iterations=30).best
    late = polish(data, feasible, seed=1, deadline=0.0)
    assert late.rounds == 0 and late.solution is feasible


def test_the_portfolio_polishes_only_large_problems_with_time_for_it() -> None:
    """The portfolio polishes above 100 clients when one polish round (estimated
    from the size) fits in 1 % of the limit: 400 clients in 60 s yes, in 10 s
    no; 100 clients never; the estimate grows with the size."""
    from planner.engine.pyvrp_engine import will_polish
    from planner.engine.pyvrp_search import polish_round_s

    assert will_polish(400, 60) and not will_polish(400, 10)
    assert will_polish(200, 60) and not will_polish(100, 600)
    assert polish_round_s(200) < polish_round_s(400) < polish_round_s(1000)
