"""Routing engines: ``RoutingProblem`` in, ``Solution`` out.

``solve`` is the one entry the planner uses; which engine serves a plan is
recorded in ``Solution.engine`` and so in ``plan.json``:

- ``"pyvrp+ortools"``: PyVRP proposed the routes (on a relaxation, see
  ``planner.engine.pyvrp_engine``), OR-Tools enforced every constraint on them
  (breaks, several windows, allowed vehicles, max duration, shifts), repaired
  what broke, improved them and computed the schedule;
- ``"ortools"``: OR-Tools alone (parallel cheapest insertion + guided local
  search) gave the better answer, or PyVRP could not be used.

The two run side by side, one process each (the reference machine has two
cores), and the answer of lower OR-Tools objective wins; both objectives come
from the same OR-Tools model, so they compare like for like. Every final
answer is an OR-Tools assignment of the full model, so every domain constraint
holds whichever engine won.

Determinism: PyVRP stops at a work budget (``search_budget`` for
``PYVRP_SHARE`` of the limit: ILS iterations up to 100 clients, local-search
move evaluations above) and OR-Tools at a solution limit (the rest of
the limit, ``SOLUTIONS_PER_SECOND``); wall time is only a guard, set to
``GUARD_FACTOR`` times ``time_limit_s`` for each stage so that a busy machine
does not reach it. Ties go to ``"ortools"``. So the same problem, seed and time
limit give the same ``Solution``. ``time_limit_s`` is therefore a *work*
budget calibrated to take about that long on the reference machine (the demo
day at 5 s takes about 3 s there); only a runaway case takes longer, up to the
guards.
"""

from __future__ import annotations

from planner.engine.ortools_engine import solve_ortools, solve_plain, solve_seeded
from planner.engine.parallel import run_beside
from planner.engine.pyvrp_engine import search_budget
from planner.problem import RoutingProblem, Solution

#: Share of the time limit given to PyVRP on the hybrid path; the rest goes to
#: OR-Tools, which repairs and improves PyVRP's routes.
PYVRP_SHARE = 0.5

#: Each stage's wall-clock guard, as a multiple of ``time_limit_s``. The work
#: budgets end the search long before it on the reference machine; the guard
#: only stops runaway cases (a far slower or overloaded machine), where the
#: answer stays valid but may not repeat exactly.
GUARD_FACTOR = 3.0


def solve_hybrid(problem: RoutingProblem, time_limit_s: float = 10.0,
                 seed: int = 1) -> Solution:
    """PyVRP routes (relaxation) → OR-Tools seeded with them (full model)."""
    # imported here: PyVRP is loaded only when the hybrid engine runs
    from planner.engine.pyvrp_engine import log_warnings, routes_of, run_pyvrp, to_pyvrp

    model = to_pyvrp(problem)
    pyvrp_s = time_limit_s * PYVRP_SHARE
    budget = search_budget(model.data.num_clients, pyvrp_s)
    # Work budgets use the share; the wall-clock guard is generous (see
    # GUARD_FACTOR) so that a busy machine does not cut the search short.
    guard_s = GUARD_FACTOR * time_limit_s
    # Not polished (OR-Tools improves the proposal, and a polish's cost grows
    # with the problem): a day's routes are what they were, only sooner.
    run = run_pyvrp(model.data, budget, guard_s, seed)
    result = run.result
    log_warnings(run.warnings)  # to logging, not the terminal
    routes: list[list[int]] = [[] for _ in problem.vehicles]
    for vehicle_type, visits in routes_of(result.best):
        routes[model.vehicle_of_type[vehicle_type]] = [model.client_node[c] for c in visits]
    solution = solve_seeded(problem, time_limit_s - pyvrp_s, seed, routes, guard_s=guard_s)
    seeded = bool(solution.stats.get("seeded"))
    stats = {**solution.stats, "pyvrp_iterations": int(result.num_iterations),
             "pyvrp_budget": budget.amount, "pyvrp_budget_unit": budget.unit,
             "pyvrp_feasible": bool(result.best.is_feasible()),
             "pyvrp_relaxed": list(model.relaxed)}
    if run.moves is not None:
        stats["pyvrp_moves"] = run.moves
    return Solution(solution.routes, solution.dropped, solution.objective,
                    "pyvrp+ortools" if seeded else "ortools", stats)


def _try_hybrid(problem: RoutingProblem, time_limit_s: float,
                seed: int) -> tuple[Solution | None, str]:
    """``solve_hybrid``, or ``(None, reason)`` if PyVRP cannot take this problem."""
    try:
        return solve_hybrid(problem, time_limit_s=time_limit_s, seed=seed), ""
    except Exception as exc:  # noqa: BLE001 - any PyVRP trouble falls back to OR-Tools
        return None, f"{exc.__class__.__name__}: {exc}"


def solve(problem: RoutingProblem, time_limit_s: float = 10.0, seed: int = 1) -> Solution:
    """Solve ``problem`` within about ``time_limit_s`` wall seconds with ``seed``.

    Runs ``solve_ortools`` in a child process and ``solve_hybrid`` here (one
    after the other where no child process can be started), and
    returns the answer with the lower objective (ties: OR-Tools alone). If the
    hybrid fails for any reason, the OR-Tools answer is returned. ``stats``
    holds both objectives.
    """
    visits = problem.num_nodes - len({v.start_node for v in problem.vehicles}
                                     | {v.end_node for v in problem.vehicles})
    if visits <= 0 or not problem.vehicles:
        return solve_ortools(problem, time_limit_s=time_limit_s, seed=seed)
    if problem.has_extras:
        return solve_extras(problem, time_limit_s, seed)
    (hybrid, hybrid_error), plain = run_beside(
        solve_plain, (problem, time_limit_s, seed, GUARD_FACTOR * time_limit_s),
        _try_hybrid, (problem, time_limit_s, seed))
    plain_failed = "status" in plain.stats  # no assignment at all
    candidates = {"ortools": None if plain_failed else plain.objective}
    if hybrid is not None:
        candidates["hybrid"] = hybrid.objective
    if hybrid is None or (not plain_failed and plain.objective <= hybrid.objective):
        best = plain
    else:
        best = hybrid
    stats = {**best.stats, "objectives": candidates}
    if hybrid_error:
        stats["hybrid_error"] = hybrid_error
    return Solution(best.routes, best.dropped, best.objective, best.engine, stats)


#: First-solution strategies of the two OR-Tools searches run side by side on
#: problems with shuttles or collection points (PyVRP has no paired pickup and
#: delivery, so the hybrid cannot take them). Parallel cheapest insertion took
#: over a minute on the demo day with lunch breaks; these take under a second.
EXTRAS_SEARCHES = ("LOCAL_CHEAPEST_INSERTION", "LOCAL_CHEAPEST_COST_INSERTION")


def solve_extras(problem: RoutingProblem, time_limit_s: float, seed: int) -> Solution:
    """Two OR-Tools searches side by side, differing in their first solution;
    the lower objective wins (ties: the first). Same determinism as ``solve``."""
    guard_s = GUARD_FACTOR * time_limit_s
    here, side = run_beside(solve_plain, (problem, time_limit_s, seed, guard_s,
                                          EXTRAS_SEARCHES[1]),
                            solve_plain, (problem, time_limit_s, seed, guard_s,
                                          EXTRAS_SEARCHES[0]))
    pairs = list(zip((here, side), EXTRAS_SEARCHES, strict=True))
    found = [(s, name) for s, name in pairs if "status" not in s.stats]
    objectives = {name: (None if "status" in s.stats else s.objective) for s, name in pairs}
    best, name = min(found, key=lambda c: c[0].objective) if found else (here, "")
    return Solution(best.routes, best.dropped, best.objective, "ortools",
                    {**best.stats, "objectives": objectives, "first_solution": name})


__all__ = ["solve", "solve_extras", "solve_hybrid", "solve_ortools"]
