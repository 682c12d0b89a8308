"""The day solved tier by tier: urgency by construction.

``solve_by_tier`` runs the engine once per priority tier present in the day
(``planner.priorities``: bedridden, disabled, postpartum, elderly, able by
default), most urgent first. At stage ``k`` the problem holds:

- every node served at the stages before, *mandatory* (prize -1): any team
  allowed to take it, any order, so the solver may reorder and reassign them
  (an ``auto`` household keeps the option, home or point, it was given);
- the nodes of tier ``k``, optional with their prizes (``tier_prizes``:
  inside the tier the days waited and the chance of finding them at home;
  travel only breaks ties);
- nothing of a later tier.

A node's tier is the most urgent of the residents it serves: a shuttle's four
stops and a collection point (with the ``auto`` households that join it)
follow the residents they serve; an ``auto`` household's home and point
options are solved at the same stage. A tier with nothing in it costs no
solve. The first stage that serves something runs the day's engine
(``solve_fn``); each later one runs OR-Tools from the routes so far
(``planner.engine.solve_ortools`` with ``initial_routes``: a search from
scratch rarely finds a first solution that holds every mandatory node), whose
local search inserts the new tier's nodes and may move every node; when it
serves none of them, the day's engine also searches the stage from
scratch (there the mandatory nodes are optional at a prize above all the
rest could gain, so that its first-solution heuristics can start), and of
the answers that keep every mandatory node the one of lower objective (on
the whole day's problem) wins. Each search gets the stage's
limit.

The time limit is split across the stages in proportion to the nodes each
stage's problem may hold: its own tier's and every node of the tiers before
(those are what it may have to keep and move around; how many of them the
stages before served is known only then, and a deterministic split is fixed
before the first solve), so a day whose visits are mostly of one tier spends its limit
there; the stages' limits add up to the day's limit (a stage whose seeded
search serves nothing of its tier runs a second search with the same limit,
below). When a stage's
search cannot serve every mandatory node (its heuristics found no first
solution that holds them all), the routes of the stage before are kept and
that tier's nodes are left to the priority repair (``planner.day.repair``),
which, like the stages' answers, the self-check then proves exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from planner.day.needs import Steer
from planner.day.problem import Node, drop_half_shuttles
from planner.day.repair import objective_of, reorder
from planner.engine import solve_ortools
from planner.problem import RouteSolution, RoutingProblem, Solution

#: An engine: ``(problem, time_limit_s, seed) -> Solution``.
SolveFn = Callable[[RoutingProblem, float, int], Solution]


def node_stages(problem: RoutingProblem, nodes: list[Node]) -> list[int]:
    """The stage (tier) of each node: its own tier, the most urgent of its
    group's (home or point of one ``auto`` household), of its shuttle's four
    stops; -1 for the depot."""
    stage = [nd.tier for nd in nodes]
    stage[0] = -1
    for group, _ in problem.groups:
        tier = min(nodes[k].tier for k in group)
        for k in group:
            stage[k] = tier
    for a, b in problem.pairs:  # a shuttle's trips carry the same residents
        tier = min(stage[a], stage[b])
        stage[a] = stage[b] = tier
    return stage


def stage_limits(sizes: list[int], time_limit_s: float) -> list[float]:
    """Each stage's share of ``time_limit_s`` (s), in proportion to ``sizes``
    (the nodes of each stage's problem)."""
    total = sum(sizes)
    return [time_limit_s * n / total if total else 0.0 for n in sizes]


def subproblem(problem: RoutingProblem, keep: list[int], mandatory: set[int],
               hard: bool = True) -> RoutingProblem:
    """``problem`` restricted to the nodes ``keep`` (sorted, the depot first),
    the ``mandatory`` ones with prize -1 and out of their groups, the others'
    prizes (one tier's) rescaled to ``[C, 2 C]`` in the same order (C: the
    routing cost bound of ``tier_prizes``)."""
    index = {old: new for new, old in enumerate(keep)}
    sel = np.array(keep, dtype=np.intp)
    # the optional nodes are of one tier: their prizes on the scale of that tier
    # alone, between the routing cost bound C and 2 C (as ``tier_prizes`` gives
    # its last tier), so that leaving a mandatory node out (the engine's soft
    # penalty while it repairs a seed) is never worth any of them
    cost = 1 + sum(2 * v.max_duration_s for v in problem.vehicles)
    groups = []
    for group, penalty in problem.groups:
        members = tuple(index[k] for k in group if k in index)
        if members and not mandatory & set(group):
            groups.append((members, int(penalty)))
    values = [int(problem.prize[k]) for k in keep[1:] if k not in mandatory] \
        + [p for _, p in groups]
    top = max([v for v in values if v > 0], default=1)

    def scaled(value: int) -> int:
        return cost + value * cost // top if value > 0 else value

    # not ``hard``: a mandatory node is optional for the search's first
    # solution, at a prize above everything else the routes could gain (the
    # caller refuses an answer that leaves one out)
    must = -1 if hard else 1 + cost * (2 * len(values) + 1)
    prize = np.array([must if k in mandatory else scaled(int(problem.prize[k])) for k in keep],
                     dtype=np.int64)
    prize[0] = problem.prize[0]
    groups = [(members, scaled(p)) for members, p in groups]

    def pairs_of(items):
        return tuple((index[a], index[b], *rest) for a, b, *rest in items
                     if a in index and b in index)

    return replace(
        problem, travel_s=problem.travel_s[np.ix_(sel, sel)],
        distance_m=problem.distance_m[np.ix_(sel, sel)],
        service_s=problem.service_s[sel], windows=tuple(problem.windows[k] for k in keep),
        prize=prize,
        allowed_vehicles=tuple(problem.allowed_vehicles[k] for k in keep)
        if problem.allowed_vehicles else (),
        demand=tuple(problem.demand[k] for k in keep) if problem.demand else (),
        pairs=pairs_of(problem.pairs), min_gap=pairs_of(problem.min_gap),
        max_gap=pairs_of(problem.max_gap), same_active=pairs_of(problem.same_active),
        groups=tuple(groups),
        cluster=tuple(problem.cluster[k] for k in keep) if problem.cluster else (),
        entry_s=tuple(problem.entry_s[k] for k in keep) if problem.entry_s else ())


def _lift(solution: Solution, keep: list[int], num_nodes: int) -> Solution:
    """A subproblem's solution in the full problem's node numbers."""
    routes = tuple(RouteSolution(r.vehicle, tuple(keep[n] for n in r.nodes), r.service_start_s,
                                 r.start_s, r.end_s, r.breaks) for r in solution.routes)
    served = {n for r in routes for n in r.nodes}
    dropped = tuple(n for n in range(1, num_nodes) if n not in served)
    return replace(solution, routes=routes, dropped=dropped)


def _serves_none(found: Solution, keep: list[int], stage: list[int], tier: int,
                 nodes: list[Node], num_nodes: int) -> bool:
    """Whether ``found`` (of the subproblem on ``keep``) serves no node of
    ``tier`` once a shuttle made only one way is dropped."""
    lifted = drop_half_shuttles(_lift(found, keep, num_nodes), nodes)
    return not any(stage[n] == tier for r in lifted.routes for n in r.nodes)


def _empty(problem: RoutingProblem) -> Solution:
    """No route serves anything (before the first stage)."""
    routes = tuple(RouteSolution(v, (), (), spec.earliest_start_s, spec.earliest_start_s)
                   for v, spec in enumerate(problem.vehicles))
    return Solution(routes, tuple(range(1, problem.num_nodes)), 0, "ortools")


def solve_by_tier(problem: RoutingProblem, nodes: list[Node], solve_fn: SolveFn,
                  time_limit_s: float, seed: int) -> Solution:
    """The day's routes, solved stage by stage (the module docstring): each
    stage's served nodes are mandatory in the next. Returns a solution of the
    full ``problem`` (its stats: each stage's tier, nodes, limit and engine)."""
    stage = node_stages(problem, nodes)
    tiers = sorted({t for t in stage if t >= 0})
    if not tiers:
        return solve_fn(problem, time_limit_s, seed)
    served: set[int] = set()
    # sizes are known only as stages go (the mandatory ones are what earlier
    # stages served): each stage's share counts every node that could be
    # mandatory by then, i.e. all nodes of the tiers up to it
    sizes = [sum(1 for s in stage if 0 <= s <= t) for t in tiers]
    limits = stage_limits(sizes, time_limit_s)
    solution = _empty(problem)
    stats: list[dict] = []
    for t, limit in zip(tiers, limits, strict=True):
        keep = [0] + [k for k in range(1, problem.num_nodes) if k in served or stage[k] == t]
        sub = subproblem(problem, keep, served)
        tries = []
        if served:  # from the routes so far: the search inserts this tier's nodes
            index = {old: new for new, old in enumerate(keep)}
            seeds = [[index[n] for n in r.nodes] for r in solution.routes]
            tries.append(solve_ortools(sub, limit, seed, initial_routes=seeds))
        if not served or _serves_none(tries[0], keep, stage, t, nodes, problem.num_nodes):
            tries.append(solve_fn(subproblem(problem, keep, served, hard=False), limit, seed))
        best = None
        for found in tries:
            lifted = drop_half_shuttles(_lift(found, keep, problem.num_nodes), nodes)
            now = {n for r in lifted.routes for n in r.nodes}
            if served <= now and "status" not in found.stats:
                cost = objective_of(problem, nodes, lifted)
                if best is None or cost < best[0]:
                    best = (cost, lifted, now, found.engine)
        stats.append({"tier": t, "nodes": len(keep) - 1, "limit_s": round(limit, 3),
                      "searches": len(tries), "engine": best[3] if best else "",
                      "kept": best is not None})
        if best is not None:
            solution, served = best[1], best[2]
    objective = objective_of(problem, nodes, solution)
    return replace(solution, objective=objective, stats={**solution.stats, "stages": stats})


def keep_orders(problem: RoutingProblem, nodes: list[Node], solution: Solution,
                orders: dict[int, list[int]]) -> tuple[Solution, set[int]]:
    """``solution`` with each route ``v`` of ``orders`` (vehicle → its home
    visit nodes in the order a person fixed) serving those of them it holds
    in that order: first in the places the route gave them (its other stops
    where they were), else as one block where the first of them was; each
    re-timed by the timing rule (``repair.reorder``). Returns the solution
    and the vehicles whose order no schedule could keep (their routes as the
    search left them)."""
    failed: set[int] = set()
    for route in solution.routes:
        wanted = orders.get(route.vehicle)
        if not wanted:
            continue
        seq = list(route.nodes)
        held = [n for n in wanted if n in seq]
        places = [k for k, n in enumerate(seq) if n in held]
        if [seq[k] for k in places] == held:
            continue
        spread = list(seq)
        for k, n in zip(places, held, strict=True):
            spread[k] = n
        rest = [n for n in seq if n not in held]
        block = rest[:places[0]] + held + rest[places[0]:]
        for candidate in (spread, block):
            found = reorder(problem, nodes, solution, route.vehicle, candidate)
            if found is not None:
                solution = found
                break
        else:
            failed.add(route.vehicle)
    return solution, failed


def order_nodes(steer: Steer, nodes: list[Node], units: list) -> dict[int, list[int]]:
    """Vehicle (the whole team's unit) → its home visit nodes in the order
    ``steer.orders`` fixes for its team."""
    visit = {nd.need.household.id: k for k, nd in enumerate(nodes)
             if nd.kind == "visit" and nd.need is not None}
    out: dict[int, list[int]] = {}
    for v, u in enumerate(units):
        if u.kind == "" and u.team.id in steer.orders:
            out[v] = [visit[h] for h in steer.orders[u.team.id][0] if h in visit]
    return out
