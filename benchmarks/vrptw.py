"""Solomon VRPTW: our engine against plain OR-Tools and PyVRP, side by side.

Usage::

    python -m benchmarks.vrptw --time-limit 10                 # all 56, table + CSV in out/vrptw/
    python -m benchmarks.vrptw --instances R101,RC208 --engines ours,pyvrp
    python -m benchmarks.vrptw solve R101 --time-limit 5 --seed 1   # one JSON object
    python -m benchmarks.vrptw --generate 400 --engines ours,pyvrp --time-limit 60
    python -m benchmarks.vrptw --generate 400 --engines ours,pyvrp --iterations 5000

Results go under ``--out`` (default ``out/vrptw/`` in the repository, which git
ignores): the CSV (one row per instance and engine, ``vrptw_results.csv``, or
``--csv PATH``) and the generated instances (``generated/``, or
``--generated-dir``); nothing is written into the current folder.

``--generate N`` writes four GENERATED instances of N customers in the Solomon
format (``benchmarks/vrptw_generate.py``: R1, C1, RC1, R2 shapes, fixed seeds;
``--families`` picks others, e.g. all six with C2 and RC2)
and runs them; with no best-known solution, gaps are to the shortest distance
found in the same run. The table also shows each engine's wall time in per
cent of the limit (``ours`` should use at least 90 % of it: its work budget
is sized for the limit, see ``planner.engine.pyvrp_engine``).

``--iterations N`` compares the engines on work instead of wall time, which a
busy machine does not disturb: plain PyVRP stops after N ILS iterations and
ours' first process after N in all (its side process, where it has one, does
as many); ``--time-limit`` is then only a guard. Each row notes the CPU
seconds the engine's own process got and the 1-minute load average, so a
table says how busy the machine was.

Engines (each gets the same time limit in wall seconds and the same seed):

- ``ours``: the planner's engine core, ``planner.engine.pyvrp_engine.solve_portfolio``
  (PyVRP; up to 200 customers two seeds in two processes, four rounds, best
  kept, so it uses both cores; above 200 one run with the whole limit; above
  100 each run is ``pyvrp.solve``'s search step for step, leaner, then a polish
  that only improves, see ``planner.engine.pyvrp_search``; deterministic work
  budget — ILS iterations up to 100 customers, local-search move evaluations
  above — with the time limit as a guard).
- ``ortools``: OR-Tools used the plain way: PATH_CHEAPEST_ARC first solution,
  then GUIDED_LOCAL_SEARCH until the time limit; one thread. When
  PATH_CHEAPEST_ARC finds nothing, a second full-length solve starts from
  PARALLEL_CHEAPEST_INSERTION (generous to this peer).
- ``pyvrp``: ``pyvrp.solve`` with default parameters and ``MaxRuntime``; one thread.

Distances follow ``bks_distance_only.csv`` (DIMACS): each Euclidean edge
truncated to one decimal, for cost and for travel time. Engines run one at a
time per instance, never concurrently: a child process an engine leaves behind
(ours' side run, late) is ended before the next engine starts, so each engine
gets the same machine. Every solution is checked independently
(``benchmarks._solomon.check_solution``).

Exit codes: 0 success; 2 bad input (missing file, not an instance, unknown
instance or engine name), with a one-line message on stderr.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import multiprocessing
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks._solomon import (
    InstanceError,
    SolomonInstance,
    check_solution,
    read_bks,
    read_instance,
)
from benchmarks.vrptw_generate import write_instances

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT.parent / "shared" / "data" / "solomon"
#: Where a run writes its CSV and generated instances unless told otherwise
#: (``/out/`` is in .gitignore).
OUT_DIR = ROOT / "out" / "vrptw"
ENGINES = ("ours", "ortools", "pyvrp")


@dataclass(frozen=True)
class Run:
    """One engine's answer on one instance; ``distance10`` is the truncated length ×10."""

    instance: str
    engine: str
    routes: list[list[int]]
    distance10: int
    problems: list[str]
    wall_s: float
    note: str = ""

    @property
    def feasible(self) -> bool:
        return not self.problems

    @property
    def distance(self) -> float:
        return round(self.distance10 / 10, 1)


def pyvrp_data(inst: SolomonInstance):
    """The instance as ``pyvrp.ProblemData`` (tenths; capacity as one load dimension)."""
    import pyvrp

    n = len(inst.demand)
    locations = [pyvrp.Location(int(x), int(y), name=str(i))
                 for i, (x, y) in enumerate(inst.coords)]
    depots = [pyvrp.Depot(0, tw_early=int(inst.ready10[0]), tw_late=int(inst.due10[0]))]
    clients = [pyvrp.Client(i, delivery=[int(inst.demand[i])],
                            service_duration=int(inst.service10[i]),
                            tw_early=int(inst.ready10[i]), tw_late=int(inst.due10[i]),
                            name=str(i))
               for i in range(1, n)]
    fleet = [pyvrp.VehicleType(inst.num_vehicles, [inst.capacity],
                               tw_early=int(inst.ready10[0]), tw_late=int(inst.due10[0]))]
    return pyvrp.ProblemData(locations, clients, depots, fleet, [inst.dist10], [inst.dist10])


def _pyvrp_routes(solution) -> list[list[int]]:
    """Customer numbers per route of a PyVRP solution built by ``pyvrp_data``."""
    from planner.engine.pyvrp_engine import routes_of

    return [[c + 1 for c in visits] for _, visits in routes_of(solution)]


def solve_ours(inst: SolomonInstance, time_limit_s: float, seed: int,
               iterations: int | None = None) -> tuple[list[list[int]], str]:
    """The planner's engine core: ``solve_portfolio`` (its default seeds, rounds
    and budget for the instance's size; ``iterations`` ILS iterations per process
    instead of the budget if given, the time limit then only a guard).

    Also returns a note with each run's iterations (and move evaluations, on a
    move budget) against its share of the budget: a run below its share was
    stopped by the wall-clock guard, so it may not repeat.
    """
    from planner.engine.pyvrp_engine import solve_portfolio

    solution, stats = solve_portfolio(pyvrp_data(inst), time_limit_s=time_limit_s, seed=seed,
                                      iterations=iterations)
    runs = stats["runs"]
    note = (f"{stats['rounds']} round(s); iterations "
            + "/".join(str(r["iterations"]) for r in runs))
    if stats["budget_unit"] == "moves":
        note += "; Mmoves " + "/".join(f"{r['moves'] / 1e6:.0f}" for r in runs) + \
            f" of {stats['per_run_budget'] / 1e6:.0f} each"
    else:
        note += f" of {stats['per_run_budget']} each"
    if "polish" in stats:
        gain = stats["polish"]["cost_before"] - stats["polish"]["cost_after"]
        note += f"; polish gain {gain / 10:g}"
    return _pyvrp_routes(solution), note + f"; best seed {stats['best_seed']}"


def solve_pyvrp(inst: SolomonInstance, time_limit_s: float, seed: int,
                iterations: int | None = None) -> tuple[list[list[int]], str]:
    """PyVRP with default parameters, one thread, stopped by wall time (or after
    ``iterations`` ILS iterations if given, wall time then a guard); the note
    gives its iterations."""
    import pyvrp
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    stop = MaxRuntime(time_limit_s)
    if iterations is not None:
        stop = MultipleCriteria([MaxIterations(iterations), stop])
    result = pyvrp.solve(pyvrp_data(inst), stop, seed=seed, collect_stats=False)
    return _pyvrp_routes(result.best), f"iterations {result.num_iterations}"


def solve_ortools_plain(inst: SolomonInstance, time_limit_s: float, seed: int,
                        iterations: int | None = None) -> list[list[int]]:
    """OR-Tools the plain way: PATH_CHEAPEST_ARC, then guided local search, one thread.

    On tight instances (R1, RC1) PATH_CHEAPEST_ARC often finds no first solution
    at all within the limit; then the solve is repeated with
    PARALLEL_CHEAPEST_INSERTION and a fresh full time limit (so this peer may
    take up to twice the limit; its ``wall_s`` shows it). OR-Tools' routing
    search takes no seed and counts no ILS iterations; ``seed`` and
    ``iterations`` are accepted for symmetry (``main_run`` refuses
    ``--iterations`` with this engine).
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    del seed, iterations
    n = len(inst.demand)
    manager = pywrapcp.RoutingIndexManager(n, inst.num_vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    dist = inst.dist10.tolist()
    service = inst.service10.tolist()
    demand = inst.demand.tolist()

    def cost_cb(i: int, j: int) -> int:
        return dist[manager.IndexToNode(i)][manager.IndexToNode(j)]

    def time_cb(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return service[a] + dist[a][b]

    def demand_cb(i: int) -> int:
        return demand[manager.IndexToNode(i)]

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(cost_cb))
    horizon = int(inst.due10[0])
    routing.AddDimension(routing.RegisterTransitCallback(time_cb), horizon, horizon, False,
                         "time")
    time_dim = routing.GetDimensionOrDie("time")
    routing.AddDimensionWithVehicleCapacity(
        routing.RegisterUnaryTransitCallback(demand_cb), 0,
        [inst.capacity] * inst.num_vehicles, True, "load")
    for node in range(1, n):
        time_dim.CumulVar(manager.NodeToIndex(node)).SetRange(
            int(inst.ready10[node]), int(inst.due10[node]))
    for v in range(inst.num_vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(int(inst.ready10[0]), horizon)
        time_dim.CumulVar(routing.End(v)).SetRange(int(inst.ready10[0]), horizon)
    strategies = routing_enums_pb2.FirstSolutionStrategy
    assignment = None
    for first in (strategies.PATH_CHEAPEST_ARC, strategies.PARALLEL_CHEAPEST_INSERTION):
        params = pywrapcp.DefaultRoutingSearchParameters()
        params.first_solution_strategy = first
        params.local_search_metaheuristic = (
            routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
        params.time_limit.FromMilliseconds(int(time_limit_s * 1000))
        assignment = routing.SolveWithParameters(params)
        if assignment is not None:
            break
    if assignment is None:
        return []
    routes = []
    for v in range(inst.num_vehicles):
        index = assignment.Value(routing.NextVar(routing.Start(v)))
        route = []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = assignment.Value(routing.NextVar(index))
        if route:
            routes.append(route)
    return routes


Answer = list[list[int]] | tuple[list[list[int]], str]
SOLVERS: dict[str, Callable[[SolomonInstance, float, int, int | None], Answer]] = {
    "ours": solve_ours, "ortools": solve_ortools_plain, "pyvrp": solve_pyvrp}

#: Wall seconds a child process an engine left behind gets to end on its own
#: before ``end_children`` terminates it.
CHILD_GRACE_S = 2.0


def end_children(grace_s: float = CHILD_GRACE_S) -> int:
    """End every child process of this one (ours' side run left behind, late):
    wait up to ``grace_s`` wall seconds, then terminate; returns how many had to
    be terminated. Called after each engine, so the next one gets the machine."""
    deadline = time.perf_counter() + grace_s
    ended = 0
    for child in multiprocessing.active_children():
        child.join(max(0.0, deadline - time.perf_counter()))
        if child.is_alive():
            child.terminate()
            child.join()
            ended += 1
    return ended


def run_engine(inst: SolomonInstance, engine: str, time_limit_s: float, seed: int,
               iterations: int | None = None) -> Run:
    """Solve ``inst`` with ``engine`` and check the answer independently.

    The note ends with the CPU seconds this process got during the solve (not
    its children's) and the 1-minute load average after it."""
    start, cpu = time.perf_counter(), time.process_time()
    answer = SOLVERS[engine](inst, time_limit_s, seed, iterations)
    wall_s = time.perf_counter() - start
    cpu_s = time.process_time() - cpu
    terminated = end_children()
    routes, note = answer if isinstance(answer, tuple) else (answer, "")
    note = "; ".join(part for part in (
        note, f"cpu {cpu_s:.1f} s", f"load {os.getloadavg()[0]:.1f}",
        f"{terminated} child process(es) terminated" if terminated else "") if part)
    routes = [r for r in routes if r]
    distance10, problems = check_solution(inst, routes)
    if not routes:
        problems = ["no solution found", *problems]
    return Run(inst.name, engine, routes, distance10, problems, wall_s, note)


def resolve_instance(name_or_path: str, data_dir: Path = DATA_DIR) -> Path:
    """A file path as given, or ``data_dir/NAME.txt`` for a bare instance name."""
    path = Path(name_or_path)
    if path.suffix or path.parent != Path("."):
        return path
    return data_dir / f"{name_or_path.upper()}.txt"


def gap_pct(distance: float, bks: float | None) -> float | None:
    """Gap of ``distance`` above ``bks`` in per cent, or None without a BKS."""
    if bks is None or bks <= 0:
        return None
    return 100.0 * (distance - bks) / bks


def _fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def reference(name: str, by_engine: dict[str, Run],
              bks: dict[str, tuple[int, float]]) -> tuple[float | None, str]:
    """The distance gaps are measured against, and what it is.

    The best-known solution's distance when ``bks`` has the instance; else (a
    generated instance) the shortest feasible distance any engine found in this
    run, marked ``*`` (so the best engine of the run has gap 0).
    """
    if name in bks:
        return bks[name][1], ""
    found = [r.distance for r in by_engine.values() if r.feasible]
    return (min(found), "*") if found else (None, "")


def format_table(runs: dict[str, dict[str, Run]], bks: dict[str, tuple[int, float]],
                 engines: Sequence[str], time_limit_s: float | None = None) -> str:
    """A Markdown table: instance, reference distance (BKS, or ``*`` the best of the
    run), then distance, routes, gap and (given ``time_limit_s``) the wall time
    used in per cent of the limit, per engine; mean and worst rows."""
    head = ["instance", "BKS"]
    for e in engines:
        head += [f"{e} dist", f"{e} routes", f"{e} gap %"]
        if time_limit_s:
            head.append(f"{e} time %")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    gaps: dict[str, list[float]] = {e: [] for e in engines}
    used: dict[str, list[float]] = {e: [] for e in engines}
    for name, by_engine in runs.items():
        ref, mark_ref = reference(name, by_engine, bks)
        row = [name, _fmt(ref, 1) + mark_ref]
        for e in engines:
            r = by_engine[e]
            gap = gap_pct(r.distance, ref) if r.feasible else None
            if gap is not None:
                gaps[e].append(gap)
            mark = "" if r.feasible else " INFEASIBLE"
            row += [f"{r.distance:.1f}{mark}", str(len(r.routes)), _fmt(gap)]
            if time_limit_s:
                used[e].append(100.0 * r.wall_s / time_limit_s)
                row.append(f"{used[e][-1]:.0f}")
        lines.append("| " + " | ".join(row) + " |")
    for label, agg in (("mean", np.mean), ("worst", np.max)):
        row = [f"**{label}**", ""]
        for e in engines:
            row += ["", "", _fmt(float(agg(gaps[e])) if gaps[e] else None)]
            if time_limit_s:
                worst_time = np.min if label == "worst" else agg
                row.append(_fmt(float(worst_time(used[e])) if used[e] else None, 0))
        lines.append("| " + " | ".join(row) + " |")
    feasible = {e: sum(by[e].feasible for by in runs.values()) for e in engines}
    lines.append("")
    if any(name not in bks for name in runs):
        lines.append("* no best-known solution (a generated instance): gaps are to the "
                     "shortest feasible distance found in this run; the worst time % is "
                     "the lowest share of the limit used")
    lines.append("feasible: " + ", ".join(f"{e} {feasible[e]}/{len(runs)}" for e in engines))
    return "\n".join(lines)


def write_csv(path: Path, runs: dict[str, dict[str, Run]],
              bks: dict[str, tuple[int, float]], engines: Sequence[str]) -> None:
    """One row per (instance, engine): distances in instance units, gap in per cent."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["instance", "engine", "bks_distance", "distance", "routes", "gap_pct",
                      "feasible", "wall_s", "problems", "note"])
        for name, by_engine in runs.items():
            ref, _ = reference(name, by_engine, bks)
            for e in engines:
                r = by_engine[e]
                gap = gap_pct(r.distance, ref)
                out.writerow([name, e, "" if ref is None else ref, f"{r.distance:.1f}",
                              len(r.routes), _fmt(gap, 3), int(r.feasible), f"{r.wall_s:.2f}",
                              "; ".join(r.problems), r.note])


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def main_run(argv: Sequence[str]) -> int:
    """``python -m benchmarks.vrptw [--instances ...] [--engines ...]``: the side-by-side table."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.vrptw",
        description="Solomon VRPTW: our engine vs plain OR-Tools vs PyVRP "
                    "(subcommand 'solve INSTANCE' prints one JSON solution).")
    parser.add_argument("--time-limit", type=float, default=10.0,
                        help="wall seconds per engine and instance (default 10)")
    parser.add_argument("--iterations", type=int, default=None, metavar="N",
                        help="compare on work, not wall time: PyVRP engines stop after N ILS "
                             "iterations per process, --time-limit is only a guard "
                             "(engines ours and pyvrp only)")
    parser.add_argument("--seed", type=int, default=1, help="seed for every engine (default 1)")
    parser.add_argument("--instances", default="",
                        help="comma-separated names (e.g. R101,C201); default: all in --data")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help=f"comma-separated subset of {','.join(ENGINES)}")
    parser.add_argument("--data", type=Path, default=DATA_DIR,
                        help="folder with *.txt and bks_distance_only.csv")
    parser.add_argument("--out", type=Path, default=OUT_DIR,
                        help="folder for the CSV and the generated instances "
                             f"(default {OUT_DIR.relative_to(ROOT)}/ in the repository, "
                             "ignored by git)")
    parser.add_argument("--csv", type=Path, default=None,
                        help="where to write one row per instance and engine "
                             "(default OUT/vrptw_results.csv)")
    parser.add_argument("--generate", type=int, default=0, metavar="CUSTOMERS",
                        help="instead of --data: generate one instance of each family of "
                             "benchmarks/vrptw_generate.py with this many customers (into "
                             "--generated-dir) and run those")
    parser.add_argument("--generated-dir", type=Path, default=None,
                        help="folder for the generated instances (default OUT/generated)")
    parser.add_argument("--generator-seed", type=int, default=1,
                        help="seed of the first generated instance (default 1)")
    parser.add_argument("--families", default="",
                        help="with --generate: comma-separated generated families, e.g. "
                             "GR1,GC1,GRC1,GR2,GC2,GRC2 (default GR1,GC1,GRC1,GR2)")
    args = parser.parse_args(argv)
    args.csv = args.csv or args.out / "vrptw_results.csv"
    args.generated_dir = args.generated_dir or args.out / "generated"
    if args.generate:
        if args.generate < 1:
            raise InstanceError("--generate must be a positive number of customers")
        try:
            paths = write_instances(args.generated_dir, args.generate, args.generator_seed,
                                    [f.upper() for f in _split(args.families)])
        except ValueError as exc:
            raise InstanceError(f"--families: {exc}") from None
        print(f"# GENERATED instances (benchmarks/vrptw_generate.py, {args.generate} "
              f"customers, first seed {args.generator_seed}): "
              + ", ".join(p.stem for p in paths), flush=True)
        args.data = args.generated_dir
        args.instances = args.instances or ",".join(p.stem for p in paths)
    engines = _split(args.engines)
    unknown = [e for e in engines if e not in ENGINES]
    if unknown or not engines:
        raise InstanceError(f"unknown engine(s) {unknown or engines}; choose from {ENGINES}")
    if not args.data.is_dir():
        raise InstanceError(f"{args.data}: no such folder (see ../shared/data/README.md)")
    if args.time_limit <= 0:
        raise InstanceError("--time-limit must be positive")
    if args.iterations is not None and (args.iterations < 1 or "ortools" in engines):
        raise InstanceError("--iterations takes a positive number and the engines ours and "
                            "pyvrp only (OR-Tools counts no ILS iterations)")
    names = [n.upper() for n in _split(args.instances)] or sorted(
        p.stem.upper() for p in args.data.glob("*.txt"))
    paths = [resolve_instance(n, args.data) for n in names]
    instances = [read_instance(p) for p in paths]  # all bad input reported before any work
    bks_path = args.data / "bks_distance_only.csv"
    bks = read_bks(bks_path) if bks_path.is_file() else {}
    print(f"# {dt.datetime.now().isoformat(timespec='seconds')} · {platform.node()} · "
          f"{platform.processor() or platform.machine()} · python {platform.python_version()}"
          f" · time limit {args.time_limit:g} s"
          + (f" (a guard) · {args.iterations} iterations" if args.iterations else "")
          + f" · seed {args.seed} · load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    runs: dict[str, dict[str, Run]] = {}
    for inst in instances:
        runs[inst.name] = {}
        for e in engines:
            r = run_engine(inst, e, args.time_limit, args.seed, args.iterations)
            runs[inst.name][e] = r
            ref = bks.get(inst.name)
            gap = gap_pct(r.distance, ref[1] if ref else None)
            status = "ok" if r.feasible else "INFEASIBLE: " + "; ".join(r.problems)
            print(f"{inst.name:6s} {e:8s} {r.distance:9.1f} routes {len(r.routes):2d} "
                  f"gap {_fmt(gap):>6s} % wall {r.wall_s:5.1f} s {status} {r.note}", flush=True)
    print()
    print(format_table(runs, bks, engines, args.time_limit))
    print("load average at the end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    args.csv.parent.mkdir(parents=True, exist_ok=True)
    write_csv(args.csv, runs, bks, engines)
    print(f"\nCSV: {args.csv}")
    return 0


def main_solve(argv: Sequence[str]) -> int:
    """``python -m benchmarks.vrptw solve INSTANCE``: one JSON solution on stdout."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.vrptw solve",
        description="Solve one Solomon instance and print "
                    '{"routes": [[customer numbers]], "distance": d, "engine": name}.')
    parser.add_argument("instance", help="a Solomon .txt file, or a name such as R101")
    parser.add_argument("--time-limit", type=float, default=10.0, help="wall seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", choices=ENGINES, default="ours")
    parser.add_argument("--data", type=Path, default=DATA_DIR,
                        help="folder in which a bare instance name is looked up")
    args = parser.parse_args(argv)
    if args.time_limit <= 0:
        raise InstanceError("--time-limit must be positive")
    inst = read_instance(resolve_instance(args.instance, args.data))
    r = run_engine(inst, args.engine, args.time_limit, args.seed)
    names = {"ours": "planner (pyvrp portfolio)", "ortools": "ortools plain (PCA+GLS)",
             "pyvrp": "pyvrp"}
    print(json.dumps({"routes": r.routes, "distance": r.distance, "engine": names[args.engine]}))
    return 0 if r.feasible else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; bad input gives one line on stderr and exit code 2."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "solve":
            return main_solve(argv[1:])
        return main_run(argv)
    except InstanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
