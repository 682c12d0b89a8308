"""The routing problem as arrays: what an engine sees, and what it gives back.

The solver never sees a graph or a scenario: only integer matrices and
vectors. Node 0 is the depot (the commune police station); nodes 1..n-1 are
visits. Times are integer seconds after local midnight; durations are seconds;
distances are metres.

A visit's ``windows`` bound the *start* of its service (the caller subtracts the
service time from each window's end, so that the whole visit fits).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class BreakSpec:
    """A break of ``duration_s`` starting between ``earliest_s`` and ``latest_s``."""

    earliest_s: int
    latest_s: int
    duration_s: int


@dataclass(frozen=True)
class VehicleSpec:
    """One route: leaves ``start_node`` no earlier than ``earliest_start_s``,
    reaches ``end_node`` no later than ``latest_end_s``, works at most
    ``max_duration_s`` in all (travel, waiting, service and breaks)."""

    name: str
    earliest_start_s: int
    latest_end_s: int
    max_duration_s: int
    breaks: tuple[BreakSpec, ...] = ()
    start_node: int = 0
    end_node: int = 0
    capacity: int = 0


@dataclass(frozen=True)
class RoutingProblem:
    """Dense, index-based data for one day.

    - ``travel_s[i, j]``: travel time from node i to node j (no service), int.
    - ``distance_m[i, j]``: distance along that trip, int.
    - ``service_s[i]``: time spent at node i, int.
    - ``windows[i]``: allowed service starts for node i, as ``(start_s, end_s)``
      pairs sorted and disjoint; empty means any time.
    - ``prize[i]``: cost of leaving node i unvisited; ``-1`` means it must be visited.
    - ``allowed_vehicles[i]``: vehicle indices that may visit node i (empty: all).

    Optional parts for shuttles and collection points (all empty by default;
    a problem that uses any of them is solved by OR-Tools alone):

    - ``demand[i]``: seats taken (+) or freed (−) at node i; each vehicle's
      load stays within ``0 .. VehicleSpec.capacity``;
    - ``pairs``: ``(pickup, delivery)``: same vehicle, pickup first, both
      visited or neither;
    - ``min_gap`` / ``max_gap``: ``(a, b, s)``: when both are visited, the start
      of service at b is at least / at most s after the start at a (a and b
      may be on different routes);
    - ``same_active``: ``(a, b)``: both visited or neither;
    - ``groups``: ``(nodes, penalty)``: at most one of the nodes is visited;
      leaving them all costs ``penalty`` (their own ``prize`` is then unused);
    - ``cluster[i]`` / ``entry_s[i]``: nodes of one cluster (≥ 0) share a
      place; arriving at node i from anywhere outside its cluster costs
      ``entry_s[i]`` more time (the set-up of a collection point), moving
      inside the cluster costs nothing more.
    """

    travel_s: np.ndarray
    distance_m: np.ndarray
    service_s: np.ndarray
    windows: tuple[tuple[tuple[int, int], ...], ...]
    prize: np.ndarray
    vehicles: tuple[VehicleSpec, ...]
    allowed_vehicles: tuple[tuple[int, ...], ...] = ()
    span_cost_per_s: int = 1
    demand: tuple[int, ...] = ()
    pairs: tuple[tuple[int, int], ...] = ()
    min_gap: tuple[tuple[int, int, int], ...] = ()
    max_gap: tuple[tuple[int, int, int], ...] = ()
    same_active: tuple[tuple[int, int], ...] = ()
    groups: tuple[tuple[tuple[int, ...], int], ...] = ()
    cluster: tuple[int, ...] = ()
    entry_s: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        n = self.travel_s.shape[0]
        if self.travel_s.shape != (n, n) or self.distance_m.shape != (n, n):
            raise ValueError("travel_s and distance_m must be square and of one size")
        if len(self.service_s) != n or len(self.windows) != n or len(self.prize) != n:
            raise ValueError("service_s, windows and prize need one entry per node")
        if self.allowed_vehicles and len(self.allowed_vehicles) != n:
            raise ValueError("allowed_vehicles needs one entry per node, or none at all")
        if not np.issubdtype(self.travel_s.dtype, np.integer):
            raise ValueError("travel_s must hold integers")
        for name in ("demand", "cluster", "entry_s"):
            if getattr(self, name) and len(getattr(self, name)) != n:
                raise ValueError(f"{name} needs one entry per node, or none at all")
        if bool(self.cluster) != bool(self.entry_s):
            raise ValueError("cluster and entry_s go together")

    @property
    def has_extras(self) -> bool:
        """True when shuttle or collection-point parts are used."""
        return bool(self.demand or self.pairs or self.min_gap or self.max_gap
                    or self.same_active or self.groups or self.cluster)

    @cached_property
    def legs_s(self) -> np.ndarray:
        """Time from the end of service at i to the start of service at j:
        travel, plus the set-up when j's cluster is entered (int64 matrix)."""
        travel = self.travel_s.astype(np.int64)
        if not self.cluster:
            return travel
        cluster = np.asarray(self.cluster)
        entry = np.asarray(self.entry_s, dtype=np.int64)
        outside = (cluster[:, None] != cluster[None, :]) | (cluster[None, :] < 0)
        return travel + np.where(outside, entry[None, :], 0)

    def leg_s(self, i: int, j: int) -> int:
        """``legs_s[i, j]``."""
        return int(self.legs_s[i, j])

    @property
    def num_nodes(self) -> int:
        return int(self.travel_s.shape[0])


@dataclass(frozen=True)
class RouteSolution:
    """One vehicle's route: visited nodes in order with their service starts.

    ``breaks`` are ``(start_s, duration_s)`` pairs.
    """

    vehicle: int
    nodes: tuple[int, ...]
    service_start_s: tuple[int, ...]
    start_s: int
    end_s: int
    breaks: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Solution:
    routes: tuple[RouteSolution, ...]
    dropped: tuple[int, ...]
    objective: int
    engine: str
    stats: dict = field(default_factory=dict)
