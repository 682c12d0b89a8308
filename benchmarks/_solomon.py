"""Solomon VRPTW instances: reading, distances, and an independent checker.

Units follow the benchmark's DIMACS convention: every Euclidean edge is
truncated to one decimal, and that truncated length is both the edge's cost and
its travel time. To keep everything integer, this module works in *tenths*:
``dist10[i, j] = floor(10 * euclid(i, j))``, and windows, service times and
travel times are multiplied by 10 as well. A distance in instance units is
``sum(dist10) / 10``.

Node 0 is the depot; customer ``k`` is row ``k`` of the file (its ``CUST NO.``).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np


class InstanceError(ValueError):
    """A file that is missing or is not a Solomon instance; the message is one line."""


@dataclass(frozen=True)
class SolomonInstance:
    """One Solomon instance, times and distances in tenths of instance units.

    - ``dist10[i, j]``: truncated Euclidean length ×10 (int), also travel time ×10.
    - ``demand[i]``, ``capacity``: load units; ``num_vehicles``: fleet size.
    - ``ready10[i]``, ``due10[i]``: earliest/latest service start ×10 (depot: horizon).
    - ``service10[i]``: service time ×10.
    """

    name: str
    num_vehicles: int
    capacity: int
    coords: np.ndarray
    demand: np.ndarray
    ready10: np.ndarray
    due10: np.ndarray
    service10: np.ndarray
    dist10: np.ndarray

    @property
    def num_customers(self) -> int:
        return int(len(self.demand) - 1)


def truncated_distances10(coords: np.ndarray) -> np.ndarray:
    """``floor(10 * euclid)`` between all pairs of integer ``coords``, as int64.

    Uses ``isqrt(100 * (dx² + dy²))`` so that no float rounding can move an edge
    across a truncation boundary.
    """
    xy = coords.astype(np.int64)
    n = len(xy)
    out = np.zeros((n, n), dtype=np.int64)
    for i in range(n):
        dx = xy[:, 0] - xy[i, 0]
        dy = xy[:, 1] - xy[i, 1]
        sq = 100 * (dx * dx + dy * dy)
        out[i] = [math.isqrt(int(s)) for s in sq]
    return out


def read_instance(path: str | Path) -> SolomonInstance:
    """Read a Solomon ``.txt`` instance; raise ``InstanceError`` with one line if bad."""
    path = Path(path)
    if not path.is_file():
        raise InstanceError(f"{path}: no such file (expected a Solomon instance, e.g. R101.txt)")
    try:
        text = path.read_text(encoding="utf-8", errors="strict")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstanceError(f"{path}: cannot read as text ({exc.__class__.__name__})") from None
    lines = [line.strip() for line in text.splitlines()]
    upper = [line.upper() for line in lines]
    try:
        v_at = upper.index("VEHICLE")
        c_at = upper.index("CUSTOMER")
    except ValueError:
        raise InstanceError(
            f"{path}: not a Solomon instance (no VEHICLE and CUSTOMER sections)") from None
    fleet = [line for line in lines[v_at + 1:c_at] if line and line[0].isdigit()]
    try:
        num_vehicles, capacity = (int(x) for x in fleet[0].split()[:2])
    except (IndexError, ValueError):
        raise InstanceError(
            f"{path}: VEHICLE section lacks 'NUMBER CAPACITY' integers") from None
    rows: list[list[float]] = []
    for k, line in enumerate(lines[c_at + 1:], start=c_at + 2):
        if not line or not (line[0].isdigit() or line[0] == "-"):
            continue
        parts = line.split()
        if len(parts) != 7:
            raise InstanceError(f"{path}: line {k}: expected 7 numbers, found {len(parts)}")
        try:
            rows.append([float(x) for x in parts])
        except ValueError:
            raise InstanceError(f"{path}: line {k}: not a number in {line!r}") from None
    if len(rows) < 2:
        raise InstanceError(f"{path}: fewer than two nodes (depot and a customer) in CUSTOMER")
    data = np.array(rows)
    if not np.array_equal(data[:, 0], np.arange(len(rows))):
        raise InstanceError(f"{path}: CUST NO. must run 0, 1, 2, ... in order")
    if np.any(data[:, 1:] != np.round(data[:, 1:])):
        raise InstanceError(f"{path}: coordinates and times must be integers")
    if num_vehicles < 1 or capacity < 1:
        raise InstanceError(f"{path}: NUMBER and CAPACITY must be positive")
    ints = data.astype(np.int64)
    if np.any(ints[:, 4] > ints[:, 5]):
        bad = int(np.argmax(ints[:, 4] > ints[:, 5]))
        raise InstanceError(f"{path}: customer {bad}: READY TIME after DUE DATE")
    return SolomonInstance(
        name=path.stem.upper(), num_vehicles=num_vehicles, capacity=capacity,
        coords=ints[:, 1:3], demand=ints[:, 3], ready10=10 * ints[:, 4],
        due10=10 * ints[:, 5], service10=10 * ints[:, 6],
        dist10=truncated_distances10(ints[:, 1:3]))


def read_bks(path: str | Path) -> dict[str, tuple[int, float]]:
    """``bks_distance_only.csv`` as ``{instance: (vehicles, distance)}``."""
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["instance"].upper(): (int(row["vehicles"]), float(row["distance"]))
                for row in csv.DictReader(handle)}


def check_solution(inst: SolomonInstance, routes: list[list[int]]) -> tuple[int, list[str]]:
    """Independently check ``routes`` (customer numbers, depot excluded).

    Solomon semantics: leave the depot at its ready time; arrive, wait until the
    customer's ready time, serve; arriving after the due date is infeasible;
    each route returns to the depot by the depot's due date; each route's load is
    at most the capacity; every customer is visited exactly once; at most
    ``num_vehicles`` routes.

    Returns ``(distance10, problems)``; the solution is feasible iff ``problems``
    is empty. ``distance10`` is the total truncated length ×10.
    """
    problems: list[str] = []
    n = inst.num_customers
    seen = [0] * (n + 1)
    total10 = 0
    used = [r for r in routes if r]
    if len(used) > inst.num_vehicles:
        problems.append(f"{len(used)} routes but only {inst.num_vehicles} vehicles")
    for r, route in enumerate(used):
        load = 0
        t = int(inst.ready10[0])
        prev = 0
        for c in route:
            if not 1 <= c <= n:
                problems.append(f"route {r}: {c} is not a customer")
                continue
            seen[c] += 1
            load += int(inst.demand[c])
            total10 += int(inst.dist10[prev, c])
            t = max(t + int(inst.dist10[prev, c]), int(inst.ready10[c]))
            if t > inst.due10[c]:
                problems.append(f"route {r}: customer {c} served at {t / 10} after due "
                                f"{inst.due10[c] / 10}")
            t += int(inst.service10[c])
            prev = c
        total10 += int(inst.dist10[prev, 0])
        t += int(inst.dist10[prev, 0])
        if t > inst.due10[0]:
            problems.append(f"route {r}: back at depot at {t / 10} after {inst.due10[0] / 10}")
        if load > inst.capacity:
            problems.append(f"route {r}: load {load} above capacity {inst.capacity}")
    missing = [c for c in range(1, n + 1) if seen[c] == 0]
    twice = [c for c in range(1, n + 1) if seen[c] > 1]
    if missing:
        problems.append(f"customers not visited: {missing[:10]}")
    if twice:
        problems.append(f"customers visited more than once: {twice[:10]}")
    return total10, problems
