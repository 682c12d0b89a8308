"""The pickup-and-delivery engine (benchmarks.pdp) and the Li & Lim checker."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from benchmarks.pdp import PdpProblem, PdpSolution, solve_pdp
from benchmarks.pdptw import (
    LiLimInstance,
    check_solution,
    main,
    read_instance,
    route_distance,
    to_problem,
)

SCALE = 100  # tiny problems: coordinates × 100 as integer distance and time


def tiny_problem(points: list[tuple[float, float]], pairs: list[tuple[int, int]], *,
                 capacity: int = 2, num_vehicles: int = 2,
                 max_ride_s: tuple[int | None, ...] | None = None,
                 windows: list[tuple[int, int]] | None = None) -> PdpProblem:
    """Points in the plane (node 0 the depot), Euclidean × SCALE, one seat per pair."""
    xy = np.array(points, dtype=float)
    d = np.rint(np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2)) * SCALE).astype(np.int64)
    n = len(points)
    demand = np.zeros(n, dtype=np.int64)
    for p, q in pairs:
        demand[p], demand[q] = 1, -1
    win = np.array(windows if windows else [(0, 100_000)] * n, dtype=np.int64)
    return PdpProblem(travel_s=d, distance=d, service_s=np.zeros(n, dtype=np.int64),
                      window_s=win, demand=demand, pairs=tuple(pairs),
                      num_vehicles=num_vehicles, capacity=capacity,
                      max_ride_s=max_ride_s, vehicle_fixed_cost=1_000_000)


def solve(problem: PdpProblem) -> PdpSolution:
    """Short solve: a solution limit ends it early, one second guards."""
    solution = solve_pdp(problem, time_limit_s=1.0, seed=0, solution_limit=200)
    assert solution.found
    return solution


def position(solution: PdpSolution) -> dict[int, tuple[int, int]]:
    """node → (route number, position in the route)."""
    return {node: (r, k) for r, route in enumerate(solution.routes)
            for k, node in enumerate(route)}


def ride_path_s(problem: PdpProblem, route: list[int], p: int, d: int) -> int:
    """Travel plus service from leaving pickup ``p`` to reaching delivery ``d`` on ``route``
    (a lower bound of the ride time whatever the waiting)."""
    i, j = route.index(p), route.index(d)
    legs = route[i:j + 1]
    travel = sum(int(problem.travel_s[a, b]) for a, b in zip(legs, legs[1:], strict=False))
    return travel + sum(int(problem.service_s[x]) for x in legs[1:-1])


def test_pairs_share_a_route_and_pickup_comes_first() -> None:
    """Every node is served once; each pair's pickup and delivery are on one route,
    pickup before delivery, even where the deliveries lie nearer the depot."""
    points = [(0, 0), (10, 0), (2, 0), (0, 10), (0, 2), (-10, 0), (-2, 0)]
    pairs = [(1, 2), (3, 4), (5, 6)]
    problem = tiny_problem(points, pairs, num_vehicles=3)
    solution = solve(problem)
    where = position(solution)
    assert sorted(where) == list(range(1, len(points)))
    for p, d in pairs:
        assert where[p][0] == where[d][0]
        assert where[p][1] < where[d][1]


def test_capacity_one_seat_is_never_exceeded() -> None:
    """With one seat per motorbike, no route ever carries two passengers at once,
    although carrying both would be shorter."""
    points = [(0, 0), (10, 0), (10.5, 0), (20, 0), (20, 0.5)]
    pairs = [(1, 3), (2, 4)]
    problem = tiny_problem(points, pairs, capacity=1, num_vehicles=2)
    solution = solve(problem)
    for route in solution.routes:
        load = np.cumsum([int(problem.demand[x]) for x in route])
        assert load.max() <= 1 and load.min() >= 0
    unlimited = solve(tiny_problem(points, pairs, capacity=2, num_vehicles=2))
    assert unlimited.distance < solution.distance  # the seat limit binds here


def test_max_ride_time_is_respected() -> None:
    """A ride-time limit on pair A (equal to its direct trip) stops the solver from
    picking up B on the way, which it does without the limit."""
    points = [(0, 0), (10, 0), (11, 0.5), (20, 0), (20, 1)]
    pairs = [(1, 3), (2, 4)]           # A = (1, 3), B = (2, 4)
    direct = int(np.rint(10 * SCALE))
    free_problem = tiny_problem(points, pairs, num_vehicles=2)
    free = solve(free_problem)
    free_route = next(r for r in free.routes if 1 in r)
    assert ride_path_s(free_problem, free_route, 1, 3) > direct
    limited_problem = tiny_problem(points, pairs, num_vehicles=2, max_ride_s=(direct, None))
    limited = solve(limited_problem)
    route = next(r for r in limited.routes if 1 in r)
    assert ride_path_s(limited_problem, route, 1, 3) <= direct


def hand_instance() -> LiLimInstance:
    """Depot and two pairs on a line, capacity 10, wide windows except node 4."""
    coords = np.array([(0, 0), (1, 0), (2, 0), (3, 0), (4, 0)], dtype=float)
    return LiLimInstance(name="hand", num_vehicles=2, capacity=10, coords=coords,
                         demand=np.array([0, 10, -10, 10, -10]),
                         ready=np.array([0, 0, 0, 0, 0]), due=np.array([100, 100, 100, 100, 7]),
                         service=np.array([0, 1, 1, 1, 1]), pairs=((1, 2), (3, 4)))


def test_checker_accepts_good_and_rejects_broken_solutions() -> None:
    """The independent checker passes a valid solution and names each broken rule:
    delivery before pickup, a split pair, load above capacity, a missed window,
    a node left out."""
    inst = hand_instance()
    assert check_solution(inst, [[1, 2, 3, 4]]) == []
    assert math.isclose(route_distance(inst, [[1, 2, 3, 4]]), 8.0)
    assert any("delivery before pickup" in p for p in check_solution(inst, [[2, 1, 3, 4]]))
    assert any("split" in p for p in check_solution(inst, [[1, 4], [3, 2]]))
    assert any("load" in p for p in check_solution(inst, [[1, 3, 2, 4]]))
    late = LiLimInstance(**{**inst.__dict__, "due": np.array([100, 100, 100, 100, 6])})
    assert any("due" in p for p in check_solution(late, [[1, 2, 3, 4]]))
    assert any("not visited" in p for p in check_solution(inst, [[1, 2]]))


def test_problem_rejects_bad_arrays() -> None:
    """A matrix of the wrong shape or a pair using the depot is refused with every
    problem named at once."""
    good = tiny_problem([(0, 0), (1, 0), (2, 0)], [(1, 2)])
    with pytest.raises(ValueError, match="travel_s.*pair 0"):
        PdpProblem(**{**good.__dict__, "travel_s": np.zeros((2, 2), dtype=np.int64),
                      "pairs": ((0, 2),)})


def test_benchmark_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A missing file or a file that is not an instance: exit code 2, one line on stderr."""
    assert main(["--instances", str(tmp_path / "missing.txt")]) == 2
    not_instance = tmp_path / "notes.txt"
    not_instance.write_text("hello world\n")
    assert main(["--instances", str(not_instance)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("error:") for line in err)


def test_lc101_feasible_at_two_seconds(shared_data: Path) -> None:
    """The real Li & Lim lc101 (53 pairs) solved at a 2 s limit passes the
    independent checker: every pair on one route, pickup first, capacity, windows."""
    inst = read_instance(shared_data / "lilim" / "txt" / "lc101.txt")
    solution = solve_pdp(to_problem(inst), time_limit_s=2.0, seed=0)
    assert solution.found
    assert check_solution(inst, solution.routes) == []


def test_vroom_answer_in_a_shuffled_order_maps_back_to_our_nodes() -> None:
    """VROOM gets the matrix and the requests in a shuffled node order; its routes
    come back in our node numbers: every node once, pairs together, pickup first,
    and the one-vehicle answer (fixed cost) is preferred."""
    pytest.importorskip("vroom")
    from benchmarks.pdp import _vroom_routes

    points = [(0, 0), (10, 0), (2, 0), (0, 10), (0, 2), (-10, 0), (-2, 0)]
    pairs = [(1, 2), (3, 4), (5, 6)]
    problem = tiny_problem(points, pairs, capacity=3, num_vehicles=3)
    for order in (None, np.array([0, 6, 3, 5, 1, 4, 2])):
        routes = _vroom_routes(problem, problem.num_vehicles, 5.0, order)
        assert routes is not None
        where = {node: (r, k) for r, route in enumerate(routes) for k, node in enumerate(route)}
        assert sorted(where) == list(range(1, len(points)))
        for p, d in pairs:
            assert where[p][0] == where[d][0] and where[p][1] < where[d][1]
        assert len(routes) == 1


def test_vroom_seed_stops_when_its_answer_is_rejected() -> None:
    """When the OR-Tools model rejects VROOM's first answer (a rule VROOM cannot
    see, such as a ride-time limit), no seed is returned and VROOM is not rerun."""
    pytest.importorskip("vroom")
    from benchmarks.pdp import _vroom_seed

    problem = tiny_problem([(0, 0), (1, 0), (2, 0)], [(1, 2)])
    routes, runs = _vroom_seed(problem, "VROOM_REDUCE", 5.0, rng_seed=0,
                               accept=lambda r: False)
    assert routes is None and runs == 1
    routes, runs = _vroom_seed(problem, "VROOM_REDUCE", 5.0, rng_seed=0,
                               accept=lambda r: True, max_runs=2)
    assert routes == [[1, 2]] and runs == 2


def test_without_pyvroom_the_or_tools_search_alone_solves(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """pyvroom missing (import fails): both searches fall back to OR-Tools' own
    first solution and still return a valid answer."""
    import sys

    monkeypatch.setitem(sys.modules, "vroom", None)
    points = [(0, 0), (10, 0), (2, 0), (0, 10), (0, 2)]
    pairs = [(1, 2), (3, 4)]
    solution = solve(tiny_problem(points, pairs))
    assert all("seed_routes" not in run and run["vroom_runs"] == 0 for run in solution.runs)
    where = position(solution)
    assert sorted(where) == [1, 2, 3, 4]
    for p, d in pairs:
        assert where[p][0] == where[d][0] and where[p][1] < where[d][1]
