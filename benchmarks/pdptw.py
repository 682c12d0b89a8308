"""Li & Lim PDPTW: the planner's pickup-and-delivery engine against the best known.

Usage::

    python -m benchmarks.pdptw --time-limit 30 --csv /tmp/pdptw.csv   # all 56
    python -m benchmarks.pdptw --instances lc101,lr201 --time-limit 5

Engine: ``benchmarks.pdp.solve_pdp`` (two searches side by side on two
cores, best kept: each runs VROOM (pyvroom) repeatedly in random node orders,
with route-reduction attempts, and polishes its best answer with OR-Tools'
guided local search; fixed cost per vehicle so fewer routes come first). Each
instance gets ``--time-limit`` wall seconds per search, VROOM included. The
engine never reads ``bks_solutions/`` and has no per-instance settings.

Distance convention: plain Euclidean distance in double precision, no rounding
or truncation, summed per route; this is the convention of ``bks.csv`` (the
SINTEF tables): summing the best-known routes in ``bks_solutions/`` this way
reproduces the table's distance (``--verify-bks`` prints the check for every
instance). Speed is 1, so travel time equals distance. OR-Tools needs integers:
the model uses distance × 1000 rounded for the cost and × 1000 rounded *up*
for travel time (windows and service × 1000 exactly), so a schedule feasible
in the model is feasible with exact times. Reported distances and the
feasibility check use exact floating-point Euclidean values.

PyVRP 0.14 cannot run these instances: its ``Client`` has ``delivery`` and
``pickup`` amounts moved between the depot and the client (simultaneous or
mixed pickup and delivery), but no paired client-to-client requests with the
same-route and precedence constraints a PDPTW needs, so it is not in the table.

Exit codes: 0 success; 2 bad input (missing file, not an instance, unknown
instance name), with a one-line message on stderr.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.pdp import PdpProblem, solve_pdp

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT.parent / "shared" / "data" / "lilim"
SCALE = 1000
#: Fixed cost per used vehicle in scaled distance units (far above any route set).
VEHICLE_COST = 10_000 * SCALE
EPS = 1e-6


class InstanceError(ValueError):
    """The file is missing or is not a Li & Lim instance."""


@dataclass(frozen=True)
class LiLimInstance:
    """A Li & Lim instance in its own units (coordinates, time = distance)."""

    name: str
    num_vehicles: int
    capacity: int
    coords: np.ndarray        # (n, 2) float
    demand: np.ndarray        # (n,) int
    ready: np.ndarray         # (n,) int
    due: np.ndarray           # (n,) int
    service: np.ndarray       # (n,) int
    pairs: tuple[tuple[int, int], ...]

    @property
    def dist(self) -> np.ndarray:
        """Exact Euclidean distances (n × n floats)."""
        diff = self.coords[:, None, :] - self.coords[None, :, :]
        return np.sqrt((diff ** 2).sum(axis=2))


def read_instance(path: Path) -> LiLimInstance:
    """Parse a Li & Lim ``txt`` file; raise ``InstanceError`` naming the file and line."""
    try:
        lines = [ln.split() for ln in Path(path).read_text().splitlines() if ln.strip()]
    except OSError as exc:
        raise InstanceError(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise InstanceError(f"{path}: not a Li & Lim instance (not text)") from exc
    try:
        if len(lines) < 3 or len(lines[0]) != 3:
            raise ValueError("first line must be 'vehicles capacity speed'")
        vehicles, capacity = int(lines[0][0]), int(lines[0][1])
        rows = []
        for k, parts in enumerate(lines[1:], start=2):
            if len(parts) != 9:
                raise ValueError(f"line {k} has {len(parts)} fields, expected 9")
            rows.append([float(x) for x in parts])
    except ValueError as exc:
        raise InstanceError(f"{path}: not a Li & Lim instance ({exc})") from exc
    table = np.array(rows)
    n = len(table)
    if not np.array_equal(table[:, 0], np.arange(n)):
        raise InstanceError(f"{path}: node ids must run 0..{n - 1} in order")
    pairs = []
    for i in range(1, n):
        if table[i, 3] > 0:
            d = int(table[i, 8])
            if not (0 < d < n) or int(table[d, 7]) != i or table[d, 3] != -table[i, 3]:
                raise InstanceError(f"{path}: pickup {i} names delivery {d}, which does not "
                                    "name it back with the opposite demand")
            pairs.append((i, d))
    return LiLimInstance(name=Path(path).stem, num_vehicles=vehicles, capacity=capacity,
                         coords=table[:, 1:3], demand=table[:, 3].astype(int),
                         ready=table[:, 4].astype(int), due=table[:, 5].astype(int),
                         service=table[:, 6].astype(int), pairs=tuple(pairs))


def to_problem(inst: LiLimInstance) -> PdpProblem:
    """The instance scaled by ``SCALE`` into integers (time rounded up, cost rounded)."""
    d = inst.dist * SCALE
    return PdpProblem(
        travel_s=np.ceil(d - 1e-9).astype(np.int64),
        distance=np.rint(d).astype(np.int64),
        service_s=inst.service.astype(np.int64) * SCALE,
        window_s=np.stack([inst.ready, inst.due], axis=1).astype(np.int64) * SCALE,
        demand=inst.demand.astype(np.int64),
        pairs=inst.pairs,
        num_vehicles=inst.num_vehicles,
        capacity=inst.capacity,
        vehicle_fixed_cost=VEHICLE_COST,
    )


def route_distance(inst: LiLimInstance, routes: list[list[int]]) -> float:
    """Exact Euclidean length of ``routes`` (each from and back to the depot 0)."""
    dist = inst.dist
    total = 0.0
    for route in routes:
        path = [0, *route, 0]
        total += sum(float(dist[a, b]) for a, b in zip(path, path[1:], strict=False))
    return total


def check_solution(inst: LiLimInstance, routes: list[list[int]]) -> list[str]:
    """Every violated rule, in words; empty when the solution is feasible.

    Checks: every non-depot node exactly once; each pair on one route with the
    pickup first; load within [0, capacity] after every stop; service starts
    within each window (waiting allowed when early); the return to the depot by
    its due time; no more routes than vehicles. Exact float times, tolerance 1e-6.
    """
    problems = []
    n = len(inst.demand)
    dist = inst.dist
    where: dict[int, tuple[int, int]] = {}
    for r, route in enumerate(routes):
        for pos, node in enumerate(route):
            if not (0 < node < n):
                problems.append(f"route {r}: node {node} is not a customer")
            elif node in where:
                problems.append(f"node {node} visited twice")
            else:
                where[node] = (r, pos)
    missing = sorted(set(range(1, n)) - set(where))
    if missing:
        problems.append(f"{len(missing)} nodes not visited, e.g. {missing[:5]}")
    if len([r for r in routes if r]) > inst.num_vehicles:
        problems.append(f"{len(routes)} routes but only {inst.num_vehicles} vehicles")
    for p, d in inst.pairs:
        if p in where and d in where:
            if where[p][0] != where[d][0]:
                problems.append(f"pair ({p}, {d}) split across routes")
            elif where[p][1] > where[d][1]:
                problems.append(f"pair ({p}, {d}): delivery before pickup")
    for r, route in enumerate(routes):
        t = float(inst.ready[0])
        load = 0
        prev = 0
        for node in route:
            if not (0 < node < n):
                continue
            t = max(t + float(dist[prev, node]), float(inst.ready[node]))
            if t > inst.due[node] + EPS:
                problems.append(f"route {r}: node {node} served at {t:.3f} > due {inst.due[node]}")
            load += int(inst.demand[node])
            if load < 0 or load > inst.capacity:
                problems.append(f"route {r}: load {load} after node {node} outside "
                                f"[0, {inst.capacity}]")
            t += float(inst.service[node])
            prev = node
        t += float(dist[prev, 0])
        if t > inst.due[0] + EPS:
            problems.append(f"route {r}: back at depot at {t:.3f} > {inst.due[0]}")
    return problems


def read_bks(path: Path) -> dict[str, tuple[int, float, str]]:
    """``bks.csv``: instance → (vehicles, distance, solution file relative to lilim/)."""
    with open(path, newline="") as fh:
        return {row["instance"]: (int(row["vehicles"]), float(row["distance"]),
                                  row["solution_file"])
                for row in csv.DictReader(fh)}


def read_bks_routes(path: Path) -> list[list[int]]:
    """Routes from a ``bks_solutions`` file (``Route k : a b c`` lines)."""
    routes = []
    for line in Path(path).read_text().splitlines():
        if line.startswith("Route") and ":" in line:
            routes.append([int(x) for x in line.split(":", 1)[1].split()])
    return routes


def resolve_instance(name_or_path: str, data_dir: Path = DATA_DIR) -> Path:
    """A file path as given, else ``data_dir/txt/<name>.txt``; ``InstanceError`` if absent."""
    path = Path(name_or_path)
    if path.suffix == ".txt" or path.exists():
        if not path.is_file():
            raise InstanceError(f"{path}: no such instance file")
        return path
    path = data_dir / "txt" / f"{name_or_path.lower()}.txt"
    if not path.is_file():
        raise InstanceError(f"unknown instance '{name_or_path}': {path} does not exist")
    return path


@dataclass(frozen=True)
class Run:
    """Our answer on one instance; ``distance`` exact Euclidean."""

    instance: str
    routes: list[list[int]]
    distance: float
    problems: list[str]
    wall_s: float
    note: str = ""

    @property
    def feasible(self) -> bool:
        return bool(self.routes) and not self.problems


def run_instance(inst: LiLimInstance, time_limit_s: float, seed: int) -> Run:
    """Solve one instance with ``solve_pdp`` and check the answer independently."""
    start = time.monotonic()
    solution = solve_pdp(to_problem(inst), time_limit_s=time_limit_s, seed=seed)
    wall = time.monotonic() - start
    problems = check_solution(inst, solution.routes) if solution.found else ["no solution found"]
    note = "; ".join(
        f"{r['search']}: {r['routes']} routes {r['distance'] / SCALE:.1f}"
        + (f" (VROOM {r.get('vroom_runs', 0)} runs, seed {r['seed_routes']} routes "
           f"{r['seed_distance'] / SCALE:.1f})" if "seed_routes" in r else "")
        for r in solution.runs)
    return Run(inst.name, solution.routes, route_distance(inst, solution.routes),
               problems, wall, note)


def gap_pct(distance: float, bks: float | None) -> float | None:
    """Distance gap to the best known in per cent (None without a reference)."""
    return None if not bks else 100.0 * (distance - bks) / bks


def _fmt(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def format_table(runs: list[Run], bks: dict[str, tuple[int, float, str]]) -> str:
    """A Markdown table: instance, BKS vehicles/distance, ours, gap, feasible, wall; mean row."""
    head = ["instance", "BKS veh", "BKS dist", "routes", "dist", "gap %", "feasible", "wall s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    gaps, extra, walls = [], [], []
    for r in runs:
        ref = bks.get(r.instance)
        gap = gap_pct(r.distance, ref[1] if ref else None) if r.feasible else None
        if gap is not None:
            gaps.append(gap)
        if ref and r.feasible:
            extra.append(len(r.routes) - ref[0])
        walls.append(r.wall_s)
        lines.append("| " + " | ".join([
            r.instance, str(ref[0]) if ref else "", f"{ref[1]:.2f}" if ref else "",
            str(len(r.routes)), f"{r.distance:.2f}", _fmt(gap),
            "yes" if r.feasible else "NO", f"{r.wall_s:.1f}"]) + " |")
    if runs:
        lines.append("| " + " | ".join([
            f"mean ({len(runs)})", "", "",
            f"+{np.mean(extra):.2f} vs BKS" if extra else "", "",
            _fmt(float(np.mean(gaps)) if gaps else None),
            f"{sum(r.feasible for r in runs)}/{len(runs)}", f"{np.mean(walls):.1f}"]) + " |")
    return "\n".join(lines)


def summary(runs: list[Run], bks: dict[str, tuple[int, float, str]]) -> str:
    """One paragraph: mean and worst gap, route counts against the best known."""
    rows = [(r, bks[r.instance]) for r in runs if r.feasible and r.instance in bks]
    if not rows:
        return "no feasible solutions with a best-known reference"
    gaps = [(gap_pct(r.distance, ref[1]) or 0.0, r.instance) for r, ref in rows]
    more = sum(len(r.routes) > ref[0] for r, ref in rows)
    same = sum(len(r.routes) == ref[0] for r, ref in rows)
    fewer = sum(len(r.routes) < ref[0] for r, ref in rows)
    worst = max(gaps)
    return (f"{len(runs)} instances, {len(rows)} feasible; mean gap "
            f"{np.mean([g for g, _ in gaps]):.2f} %, worst {worst[0]:.2f} % ({worst[1]}); "
            f"routes: {sum(len(r.routes) for r, _ in rows)} ours vs "
            f"{sum(ref[0] for _, ref in rows)} BKS "
            f"(more on {more}, equal on {same}, fewer on {fewer}); "
            "gaps are distance only, so an instance with more routes than the BKS "
            "can show a negative gap")


def write_csv(path: Path, runs: list[Run], bks: dict[str, tuple[int, float, str]]) -> None:
    """One row per instance, distances in instance units, gap in per cent."""
    with open(path, "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["instance", "bks_vehicles", "bks_distance", "routes", "distance",
                      "gap_pct", "feasible", "wall_s", "note"])
        for r in runs:
            ref = bks.get(r.instance)
            gap = gap_pct(r.distance, ref[1] if ref else None)
            out.writerow([r.instance, ref[0] if ref else "", ref[1] if ref else "",
                          len(r.routes), f"{r.distance:.4f}", _fmt(gap, 3), int(r.feasible),
                          f"{r.wall_s:.2f}", r.note])


def verify_bks(names: list[str], bks: dict[str, tuple[int, float, str]]) -> int:
    """Print, per instance, the best-known routes' distance under our convention."""
    worst = 0.0
    for name in names:
        if name not in bks:
            continue
        inst = read_instance(resolve_instance(name))
        routes = read_bks_routes(DATA_DIR / bks[name][2])
        ours = route_distance(inst, routes)
        problems = check_solution(inst, routes)
        worst = max(worst, abs(ours - bks[name][1]))
        print(f"{name:7s} table {bks[name][1]:10.4f} ours {ours:10.4f} "
              f"routes {len(routes):2d}/{bks[name][0]:2d} "
              f"{'feasible' if not problems else 'INFEASIBLE: ' + problems[0]}")
    print(f"largest |difference| {worst:.4f}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; see the module docstring."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.pdptw",
        description="Li & Lim PDPTW: benchmarks.pdp against bks.csv.")
    parser.add_argument("--instances", default="",
                        help="comma-separated names or .txt paths (default: all in txt/)")
    parser.add_argument("--time-limit", type=float, default=30.0,
                        help="wall seconds per search per instance (default 30)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--csv", type=Path, default=None, help="also write one CSV row each")
    parser.add_argument("--verify-bks", action="store_true",
                        help="only recompute the best-known routes' distances and check them")
    args = parser.parse_args(argv)
    try:
        if args.instances:
            paths = [resolve_instance(s.strip()) for s in args.instances.split(",") if s.strip()]
        else:
            paths = sorted((DATA_DIR / "txt").glob("*.txt"))
            if not paths:
                raise InstanceError(f"no instances in {DATA_DIR / 'txt'}")
        instances = [read_instance(p) for p in paths]
        bks_path = DATA_DIR / "bks.csv"
        bks = read_bks(bks_path) if bks_path.is_file() else {}
    except InstanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.verify_bks:
        return verify_bks([i.name for i in instances], bks)
    print(f"# {dt.datetime.now(dt.UTC).isoformat(timespec='seconds')} · {platform.node()} · "
          f"{platform.processor() or platform.machine()} · time limit {args.time_limit:g} s "
          f"per search, seed {args.seed}")
    print("# PyVRP 0.14 is not run: it has no paired pickup-and-delivery requests.",
          flush=True)
    runs = []
    for inst in instances:
        r = run_instance(inst, args.time_limit, args.seed)
        runs.append(r)
        ref = bks.get(inst.name)
        gap = gap_pct(r.distance, ref[1] if ref else None)
        status = "feasible" if r.feasible else "INFEASIBLE: " + "; ".join(r.problems[:3])
        print(f"{inst.name:7s} routes {len(r.routes):2d} (bks {ref[0] if ref else '?'}) "
              f"dist {r.distance:9.2f} gap {_fmt(gap):>6s} % wall {r.wall_s:5.1f} s "
              f"{status} [{r.note}]", flush=True)
        if args.csv:
            write_csv(args.csv, runs, bks)
    print()
    print(format_table(runs, bks))
    print()
    print(summary(runs, bks))
    if args.csv:
        print(f"\nCSV: {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
