"""Generated VRPTW instances in the Solomon text format (GENERATED, not published ones).

The extended Solomon family (Gehring and Homberger, 200 to 1,000 customers)
is kept outside the project. This module makes instances of the same shape
from a fixed seed, so ``benchmarks/vrptw.py`` can race the engines on 400
customers and anyone can regenerate the very same files:

- ``R``: customers uniform on a 200 × 200 square, depot in the middle;
- ``C``: customers in 20 Gaussian clusters (σ = 6);
- ``RC``: half of each.

Type 1 has a short horizon (460; C: 1,400) and capacity 200, so routes hold
about ten customers; type 2 a long horizon (2,000; C: 4,000) and capacity 1,000. Windows are
placed so that every customer can be reached from the depot and the depot
reached again in time (each instance is feasible with one route per
customer); their widths are drawn per customer (type 1: 10 to 60; type 2: 60
to 400). Service time 10 (C: 90, as in Solomon's C family). Demands 1 to 40.
All numbers are integers, as the reader (``benchmarks._solomon``) requires.
Every file's name line says ``GENERATED`` with its family and seed.

Usage::

    python -m benchmarks.vrptw_generate OUT_DIR [--customers 400] [--seed 1]
        [--families GR1,GC1,GRC1,GR2,GC2,GRC2]
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

#: Every family this module can write (name, spatial kind, type), in the order
#: that gives instance ``i`` the seed ``seed + i``.
FAMILIES: tuple[tuple[str, str, int], ...] = (
    ("GR1", "R", 1), ("GC1", "C", 1), ("GRC1", "RC", 1), ("GR2", "R", 2),
    ("GC2", "C", 2), ("GRC2", "RC", 2))

#: The four families written by default, one instance each.
DEFAULT_FAMILIES: tuple[tuple[str, str, int], ...] = FAMILIES[:4]

SIDE = 200          # grid side, instance units
CLUSTERS = 20
CLUSTER_SIGMA = 6.0
HORIZON = {1: 460, 2: 2000}
#: Horizon of the clustered family, whose visits last 90 (Solomon's C1 uses 1,236 on
#: a 100-unit square).
HORIZON_C = {1: 1400, 2: 4000}
CAPACITY = {1: 200, 2: 1000}
WIDTH = {1: (10, 60), 2: (60, 400)}


def _coords(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` integer customer coordinates of spatial ``kind`` (R, C or RC) on the grid."""
    uniform = rng.integers(0, SIDE + 1, size=(n, 2))
    if kind == "R":
        return uniform
    centres = rng.uniform(0.15 * SIDE, 0.85 * SIDE, size=(CLUSTERS, 2))
    which = rng.integers(0, CLUSTERS, size=n)
    clustered = np.clip(np.rint(centres[which] + rng.normal(0, CLUSTER_SIGMA, (n, 2))),
                        0, SIDE).astype(np.int64)
    if kind == "C":
        return clustered
    half = rng.random(n) < 0.5
    return np.where(half[:, None], clustered, uniform)


def generate(kind: str, kind_type: int, customers: int, seed: int) -> list[list[int]]:
    """Rows ``[no, x, y, demand, ready, due, service]``, depot first (all integers).

    Must hold: for every customer, ``ready <= due``, ``due >= t0`` and
    ``due + service + t0 <= horizon`` where ``t0`` is the depot's distance
    rounded up (so a route depot → customer → depot is on time).
    """
    rng = np.random.default_rng(seed)
    horizon = (HORIZON_C if kind == "C" else HORIZON)[kind_type]
    service = 90 if kind == "C" else 10
    depot = (SIDE // 2, SIDE // 2)
    xy = _coords(kind, customers, rng)
    rows = [[0, depot[0], depot[1], 0, 0, horizon, 0]]
    low_w, high_w = WIDTH[kind_type]
    for k, (x, y) in enumerate(xy, start=1):
        t0 = math.ceil(math.hypot(int(x) - depot[0], int(y) - depot[1]))
        latest = horizon - service - t0          # the last feasible service start
        centre = int(rng.integers(t0, latest + 1))
        half = int(rng.integers(low_w, high_w + 1)) // 2
        ready, due = max(0, centre - half), min(latest, centre + half)
        ready = min(ready, due)
        demand = int(rng.integers(1, 41))
        rows.append([k, int(x), int(y), demand, ready, due, service])
    return rows


def to_text(name: str, rows: list[list[int]], vehicles: int, capacity: int,
            label: str) -> str:
    """The Solomon text layout (name line, VEHICLE, CUSTOMER with 7 columns)."""
    lines = [f"{name}  {label}", "", "VEHICLE", "NUMBER     CAPACITY",
             f"  {vehicles:<10d} {capacity}", "", "CUSTOMER",
             "CUST NO.   XCOORD.   YCOORD.    DEMAND   READY TIME   DUE DATE   SERVICE TIME",
             " "]
    lines += ["".join(f"{v:>10d}" for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def write_instances(out_dir: Path, customers: int = 400, seed: int = 1,
                    families: Sequence[str] = ()) -> list[Path]:
    """Write one file per family into ``out_dir``; return the paths.

    ``families`` are names from ``FAMILIES`` (default: ``DEFAULT_FAMILIES``).
    Instance ``i`` of ``FAMILIES`` uses seed ``seed + i`` whichever families are
    asked for, so ``GR1_400_1`` is the same file in every selection; the fleet
    is a quarter of the customers (never the binding limit on these families).
    """
    wanted = set(families or (f for f, _, _ in DEFAULT_FAMILIES))
    unknown = sorted(wanted - {f for f, _, _ in FAMILIES})
    if unknown:
        raise ValueError(f"unknown famil{'ies' if len(unknown) > 1 else 'y'} "
                         f"{', '.join(unknown)}; choose from "
                         f"{', '.join(f for f, _, _ in FAMILIES)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (family, kind, kind_type) in enumerate(FAMILIES):
        if family not in wanted:
            continue
        name = f"{family}_{customers}_{seed + i}"
        rows = generate(kind, kind_type, customers, seed + i)
        label = f"GENERATED by benchmarks/vrptw_generate.py ({kind}{kind_type}, seed {seed + i})"
        path = out_dir / f"{name}.txt"
        path.write_text(to_text(name, rows, max(25, customers // 4), CAPACITY[kind_type],
                                label), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.vrptw_generate OUT_DIR``: write the generated instances."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.vrptw_generate",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--customers", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--families", default="",
                        help="comma-separated subset of "
                             f"{','.join(f for f, _, _ in FAMILIES)} (default: the first four)")
    args = parser.parse_args(argv)
    if args.customers < 1:
        print("error: --customers must be at least 1", file=sys.stderr)
        return 2
    families = [f.strip().upper() for f in args.families.split(",") if f.strip()]
    try:
        paths = write_instances(args.out_dir, args.customers, args.seed, families)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
