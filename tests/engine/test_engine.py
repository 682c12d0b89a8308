"""The routing engines: every domain constraint holds whichever engine wins.

Real solves on small generated days (seconds, not minutes); the checker below
is independent of both engines.
"""

from __future__ import annotations

import numpy as np
import pytest

from planner.engine import solve, solve_hybrid, solve_ortools
from planner.engine.pyvrp_engine import (
    ROUNDS_MAX_CLIENTS,
    Budget,
    iteration_budget,
    move_budget,
    portfolio_rounds,
    portfolio_size,
    search_budget,
    solve_portfolio,
    to_pyvrp,
)
from planner.problem import BreakSpec, RoutingProblem, Solution, VehicleSpec

H = 3600


def make_day(n: int = 14, vehicles: int = 2, seed: int = 0, breaks: bool = True,
             multi_windows: bool = True, allowed: bool = True) -> RoutingProblem:
    """A small asymmetric day: node 0 the station, ``n - 1`` visits (s, m)."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 12_000, size=(n, 2))
    dist = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1))
    travel = (dist / 5.0 * rng.uniform(1.0, 1.3, size=(n, n))).astype(np.int64)
    np.fill_diagonal(travel, 0)
    service = rng.integers(900, 2400, size=n)
    service[0] = 0
    windows: list[tuple[tuple[int, int], ...]] = [()]
    for i in range(1, n):
        if multi_windows and i % 4 == 1:
            windows.append(((7 * H, 9 * H), (14 * H, 16 * H)))
        elif i % 3 == 0:
            start = int(rng.integers(7, 13)) * H
            windows.append(((start, start + 2 * H),))
        else:
            windows.append(())
    prize = np.where(np.arange(n) % 5 == 2, -1, rng.integers(20_000, 60_000, n))
    prize[0] = -1
    lunch = (BreakSpec(11 * H, 13 * H, H),) if breaks else ()
    fleet = tuple(VehicleSpec(f"T{k}", 7 * H, 17 * H, 9 * H, lunch) for k in range(vehicles))
    allowed_vehicles: tuple[tuple[int, ...], ...] = ()
    if allowed:
        allowed_vehicles = tuple((i % vehicles,) if i % 6 == 5 else () for i in range(n))
    return RoutingProblem(travel, dist.astype(np.int64), service, tuple(windows), prize,
                          fleet, allowed_vehicles, 1)


def check(problem: RoutingProblem, solution: Solution) -> list[str]:
    """Every constraint of the domain, checked on the returned schedule."""
    bad: list[str] = []
    depots = {v.start_node for v in problem.vehicles} | {v.end_node for v in problem.vehicles}
    seen = [n for r in solution.routes for n in r.nodes]
    if len(seen) != len(set(seen)):
        bad.append("a node is visited twice")
    if set(seen) | set(solution.dropped) | depots != set(range(problem.num_nodes)):
        bad.append("visited + dropped do not cover the nodes")
    for node in solution.dropped:
        if problem.prize[node] < 0:
            bad.append(f"mandatory node {node} dropped")
    for r in solution.routes:
        spec = problem.vehicles[r.vehicle]
        if not r.nodes:
            continue
        if r.start_s < spec.earliest_start_s or r.end_s > spec.latest_end_s:
            bad.append(f"vehicle {r.vehicle}: outside its shift")
        if r.end_s - r.start_s > spec.max_duration_s:
            bad.append(f"vehicle {r.vehicle}: longer than max duration")
        if len(r.breaks) != len(spec.breaks):
            bad.append(f"vehicle {r.vehicle}: {len(r.breaks)} breaks, expected {len(spec.breaks)}")
        for (b_start, b_len), b in zip(r.breaks, sorted(spec.breaks, key=lambda b: b.earliest_s),
                                       strict=False):
            if not b.earliest_s <= b_start <= b.latest_s or b_len != b.duration_s:
                bad.append(f"vehicle {r.vehicle}: break at {b_start} outside its window")
        # Gaps between departures and the next start must hold travel + breaks in them.
        stops = [(spec.start_node, r.start_s, 0)] + [
            (n, s, int(problem.service_s[n])) for n, s in zip(r.nodes, r.service_start_s,
                                                             strict=True)]
        stops.append((spec.end_node, r.end_s, 0))
        for (a, s_a, serv_a), (b, s_b, _) in zip(stops, stops[1:], strict=False):
            leave = s_a + serv_a
            in_gap = sum(d for bs, d in r.breaks if leave <= bs and bs + d <= s_b)
            if s_b - leave < int(problem.travel_s[a, b]) + in_gap:
                bad.append(f"vehicle {r.vehicle}: {a}->{b} too fast")
            for bs, d in r.breaks:
                if bs < s_b + (0 if b == spec.end_node else int(problem.service_s[b])) and \
                        bs + d > s_b and b != spec.end_node:
                    bad.append(f"vehicle {r.vehicle}: break overlaps service at {b}")
        for n, s in zip(r.nodes, r.service_start_s, strict=True):
            if problem.windows[n] and not any(lo <= s <= hi for lo, hi in problem.windows[n]):
                bad.append(f"node {n} served at {s} outside its windows")
            if problem.allowed_vehicles and problem.allowed_vehicles[n] and \
                    r.vehicle not in problem.allowed_vehicles[n]:
                bad.append(f"node {n} served by vehicle {r.vehicle}, not allowed")
    return bad


@pytest.mark.parametrize("kwargs", [
    {}, {"breaks": False}, {"multi_windows": False, "allowed": False, "breaks": False}])
def test_solve_keeps_every_constraint(kwargs: dict) -> None:
    """Breaks, several windows, allowed vehicles, shifts, max duration and
    mandatory visits all hold in the answer of ``solve``, and the engine is named."""
    problem = make_day(seed=1, **kwargs)
    solution = solve(problem, time_limit_s=1.0, seed=1)
    assert check(problem, solution) == []
    assert solution.engine in {"ortools", "pyvrp+ortools"}
    assert len([r for r in solution.routes if r.nodes]) >= 1


def test_solve_repeats_exactly() -> None:
    """Same problem, seed and time limit: the same routes, schedule and engine."""
    problem = make_day(seed=2)
    first = solve(problem, time_limit_s=1.0, seed=4)
    second = solve(problem, time_limit_s=1.0, seed=4)
    assert (first.routes, first.dropped, first.objective, first.engine) == (
        second.routes, second.dropped, second.objective, second.engine)


def test_solve_is_never_worse_than_ortools_alone() -> None:
    """``solve`` returns the lower of the hybrid's and OR-Tools' objectives."""
    problem = make_day(n=18, vehicles=3, seed=3)
    alone = solve_ortools(problem, time_limit_s=1.0, seed=1)
    best = solve(problem, time_limit_s=1.0, seed=1)
    assert best.objective <= alone.objective
    assert best.stats["objectives"]["ortools"] == alone.objective


def test_seeded_routes_that_break_lunch_are_repaired() -> None:
    """Seed routes that leave no room for lunch: OR-Tools repairs them, keeps
    every constraint and says so in ``stats``."""
    problem = make_day(n=10, seed=5, multi_windows=False, allowed=False)
    everything = [list(range(1, problem.num_nodes)), []]
    solution = solve_ortools(problem, time_limit_s=1.0, seed=1, initial_routes=everything)
    assert check(problem, solution) == []
    assert solution.stats.get("seed_repaired") or solution.stats.get("seed_rejected")


def test_hybrid_answer_is_an_ortools_schedule() -> None:
    """The hybrid's answer carries OR-Tools schedules (breaks placed) and PyVRP stats."""
    problem = make_day(seed=6)
    solution = solve_hybrid(problem, time_limit_s=1.0, seed=1)
    assert check(problem, solution) == []
    assert "pyvrp_iterations" in solution.stats
    assert any("breaks left out" in text for text in solution.stats["pyvrp_relaxed"])


def test_several_windows_become_one_client_group() -> None:
    """A node with two windows is two PyVRP clients at one location, one group."""
    problem = make_day(seed=0, breaks=False, allowed=False)
    model = to_pyvrp(problem)
    two = [i for i in range(1, problem.num_nodes) if len(problem.windows[i]) == 2]
    assert model.data.num_groups == len(two)
    assert len(model.client_node) == problem.num_nodes - 1 + len(two)


def test_portfolio_repeats_and_keeps_the_best_seed() -> None:
    """Two seeds side by side in two rounds: the same answer twice; each run gets
    its share of the budget; the answer is the best run's."""
    data = to_pyvrp(make_day(seed=7, breaks=False)).data
    first, stats = solve_portfolio(data, time_limit_s=5.0, seed=1, iterations=200, rounds=2)
    second, _ = solve_portfolio(data, time_limit_s=5.0, seed=1, iterations=200, rounds=2)
    assert str(first) == str(second)
    assert stats["seeds"] == [1, 2, 3, 4]
    assert all(run["iterations"] == 100 for run in stats["runs"])
    feasible = [run["cost"] for run in stats["runs"] if run["feasible"]]
    assert min(feasible) == next(run["cost"] for run in stats["runs"]
                                 if run["seed"] == stats["best_seed"])


def test_budget_counts_iterations_up_to_100_clients_then_moves() -> None:
    """Up to 100 clients the budget is 1,100 ILS iterations a second (the demo's,
    unchanged); above, it counts local-search move evaluations, in proportion to
    the time, at a rate per second that falls slowly with the size (a 400-client
    problem gets 66 % of the 100-client rate per second, not a quarter)."""
    assert iteration_budget(10) == 2 * iteration_budget(5) == 11_000
    assert search_budget(35, 10) == search_budget(100, 10) == Budget(iterations=11_000)
    big = search_budget(101, 10)
    assert big.unit == "moves" and big.iterations is None
    assert abs(move_budget(400, 60) - 2 * move_budget(400, 30)) <= 1
    sizes = [101, 150, 200, 400, 800, 1600]
    rates = [move_budget(n, 60) / 60 for n in sizes]
    assert rates == sorted(rates, reverse=True) and len(set(rates)) == len(rates)
    assert 0.6 < move_budget(400, 60) / move_budget(100, 60) < 0.7
    assert Budget(moves=10).share(3) == Budget(moves=3)
    assert Budget(iterations=10).share(20) == Budget(iterations=1)
    with pytest.raises(ValueError):
        Budget()
    with pytest.raises(ValueError):
        Budget(iterations=1, moves=1)


def test_portfolio_restarts_in_rounds_only_up_to_200_clients() -> None:
    """Two seeds in four rounds (restarts from the best) up to 200 clients; above,
    one run of one round, with the whole limit and no side run."""
    assert ROUNDS_MAX_CLIENTS == 200
    assert portfolio_rounds(35) == portfolio_rounds(200) == 4
    assert portfolio_rounds(201) == portfolio_rounds(400) == 1
    assert portfolio_size(35) == portfolio_size(200) == 2
    assert portfolio_size(201) == portfolio_size(400) == 1


def test_side_runs_of_a_one_round_portfolio_get_the_lowest_priority() -> None:
    """A worker started with the one-round portfolio's initializer runs at the
    niceness of this process plus ``SIDE_NICE`` (capped at 19, the lowest)."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    from planner.engine.parallel import mp_context
    from planner.engine.pyvrp_engine import SIDE_NICE, _lower_priority

    with ProcessPoolExecutor(1, mp_context=mp_context(), initializer=_lower_priority) as pool:
        assert pool.submit(os.nice, 0).result() == min(19, os.nice(0) + SIDE_NICE)


def _big_day_data():
    """A 130-node day without breaks as PyVRP data: more than 100 clients, so
    the default budget counts moves."""
    return to_pyvrp(make_day(n=130, vehicles=4, seed=3, breaks=False, allowed=False)).data


def test_move_budget_run_repeats_and_ends_on_its_budget() -> None:
    """On a move budget (here far below the 30 s guard) the portfolio gives the
    same answer twice; every run counted at least its share of moves (and no
    more than its share plus what one local search evaluates) and ran the same
    iterations both times."""
    data = _big_day_data()
    assert data.num_clients > 100
    budget = Budget(moves=3_000_000)
    first, stats = solve_portfolio(data, time_limit_s=30.0, seed=1, budget=budget, rounds=2)
    second, again = solve_portfolio(data, time_limit_s=30.0, seed=1, budget=budget, rounds=2)
    assert str(first) == str(second)
    assert stats["budget_unit"] == "moves" and stats["per_run_budget"] == 1_500_000
    assert [r["iterations"] for r in stats["runs"]] == [r["iterations"] for r in again["runs"]]
    for run in stats["runs"]:
        assert 1_500_000 <= run["moves"] < 1_500_000 + 1_000_000


def test_one_round_on_a_move_budget_is_plain_pyvrp_step_for_step_then_polished() -> None:
    """With one round, the run of the first seed is ``pyvrp.solve``'s search with
    that seed, then polished: stopped after the same number of iterations, plain
    PyVRP's best, polished, is the portfolio's answer, and it costs no more than
    plain PyVRP's (so the portfolio is never behind plain PyVRP given the same
    work)."""
    import pyvrp
    from pyvrp.stop import MaxIterations

    from planner.engine.pyvrp_search import polish

    data = _big_day_data()
    best, stats = solve_portfolio(data, time_limit_s=30.0, seed=5, size=1, rounds=1,
                                  budget=Budget(moves=2_000_000))
    (run,) = stats["runs"]
    assert run["iterations"] > 10
    plain = pyvrp.solve(data, MaxIterations(run["iterations"]), seed=5, collect_stats=False)
    polished = polish(data, plain.best, seed=5)
    assert str(polished.solution) == str(best)
    assert run["cost"] == polished.cost_before >= polished.cost_after
    assert stats["polish"] == {"rounds": polished.rounds, "cost_before": polished.cost_before,
                               "cost_after": polished.cost_after}


def _struggling_data():
    """Two clients that must be served within 10 s of the start, 100 s away:
    no feasible solution, so PyVRP's penalty reaches its bound and it warns."""
    import pyvrp

    locations = [pyvrp.Location(0, 0) for _ in range(3)]
    d = np.array([[0, 100, 100], [100, 0, 100], [100, 100, 0]])
    clients = [pyvrp.Client(k, tw_early=0, tw_late=10) for k in (1, 2)]
    return pyvrp.ProblemData(locations, clients, [pyvrp.Depot(0)], [pyvrp.VehicleType(1)],
                             [d], [d])


def test_pyvrp_warnings_go_to_the_log_not_the_terminal(capfd, caplog) -> None:
    """PyVRP's PenaltyBoundWarning, raised in this process and in the portfolio's
    child process, reaches neither stdout nor stderr: it is returned in the
    stats (once) and logged at WARNING by ``planner.engine.pyvrp_engine``."""
    import logging

    caplog.set_level(logging.WARNING, logger="planner.engine.pyvrp_engine")
    _, stats = solve_portfolio(_struggling_data(), time_limit_s=20.0, seed=1,
                               iterations=6000, rounds=1)
    out, err = capfd.readouterr()
    assert "Warning" not in out + err and "penalty" not in (out + err).lower()
    assert len(stats["warnings"]) == 1 and stats["warnings"][0].startswith(
        "PenaltyBoundWarning: A penalty parameter has reached its maximum value.")
    logged = [r.getMessage() for r in caplog.records
              if r.name == "planner.engine.pyvrp_engine"]
    assert logged == ["PyVRP: " + stats["warnings"][0]]


def _solve_small(problem: RoutingProblem) -> Solution:
    return solve(problem, time_limit_s=0.5, seed=1)


def test_solve_inside_a_daemonic_worker_gives_the_same_answer() -> None:
    """Inside a pool worker (no child processes allowed) the two engines run one
    after the other, with the same budgets, so the answer is the same."""
    import multiprocessing

    problem = make_day(n=10, seed=8)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        inside = pool.apply(_solve_small, (problem,))
    here = _solve_small(problem)
    assert check(problem, inside) == []
    assert (inside.routes, inside.objective, inside.engine) == (
        here.routes, here.objective, here.engine)
