"""Routing engines: ``RoutingProblem`` in, ``Solution`` out.

``solve`` is the one entry the planner uses; which engine serves a plan is
recorded in ``Solution.engine`` and so in ``plan.json``.
"""

from __future__ import annotations

from planner.engine.ortools_engine import solve_ortools
from planner.problem import RoutingProblem, Solution


def solve(problem: RoutingProblem, time_limit_s: float = 10.0, seed: int = 1) -> Solution:
    """Solve ``problem`` within ``time_limit_s`` (wall seconds) with ``seed``."""
    return solve_ortools(problem, time_limit_s=time_limit_s, seed=seed)


__all__ = ["solve", "solve_ortools"]
