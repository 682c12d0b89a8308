"""Each stop's leg geometry: the roads and paths a route follows, attached after solving.

The solver never sees geometry (it gets matrices). Once a plan is solved,
``attach_legs`` gives every stop the way to it from the previous place
(``Stop.leg``), so that renderers are pure functions of (plan, scenario) and
never run a shortest path themselves:

- the walk back from the previous house to its parking point (when it was
  reached on foot), along the same footpaths the travel matrices used;
- the ride between the two parking points: the fastest path on ``G`` by the
  season's ``tt_motorbike_<season>`` weight (s);
- the walk from this stop's parking point to the door.

Parking points and walking paths come from the matrices' access records
(``TravelMatrices.access``, matched by the site's (lon, lat)) when given, so
the geometry follows whatever snapping the matrices used; sites the matrices
do not hold are snapped here with ``planner.matrix.site_access`` and the
scenario's parameters.

Reads per edge: ``tt_motorbike_<season>``, ``tt_walk_<season>``, optional
``geometry`` (a shapely LineString, as osmnx loads it). Coordinates are
``(lon, lat)``, rounded to ``DECIMALS`` places (about 1 m).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import replace

from planner.domain import Leg, Plan, Route, Scenario
from planner.speeds import load_speed_table

DECIMALS = 5
Coord = tuple[float, float]


def _round(c: Coord) -> Coord:
    return (round(c[0], DECIMALS), round(c[1], DECIMALS))


def dedupe(coords: Iterable[Coord]) -> tuple[Coord, ...]:
    out: list[Coord] = []
    for c in coords:
        if not out or out[-1] != c:
            out.append(c)
    return tuple(out)


def edge_coords(G, u, v, data: dict) -> list[Coord]:
    """The edge's shape from ``u`` to ``v`` (its ``geometry`` when it has one)."""
    a = (float(G.nodes[u]["x"]), float(G.nodes[u]["y"]))
    b = (float(G.nodes[v]["x"]), float(G.nodes[v]["y"]))
    geom = data.get("geometry")
    if geom is None or not hasattr(geom, "coords"):
        return [a, b]
    coords = [(float(x), float(y)) for x, y in geom.coords]
    if math.dist(coords[0], a) > math.dist(coords[-1], a):
        coords.reverse()
    return coords


def _best_edge(G, u, v, attr: str) -> dict:
    edges = G.get_edge_data(u, v, default={})
    usable = [d for d in edges.values() if attr in d]
    return min(usable, key=lambda d: d[attr]) if usable else next(iter(edges.values()), {})


def path_coords(G, nodes: Sequence, attr: str) -> list[Coord]:
    """The shape of a node path, edge by edge (the fastest parallel edge by ``attr``)."""
    out: list[Coord] = []
    if len(nodes) == 1:
        n = nodes[0]
        return [(float(G.nodes[n]["x"]), float(G.nodes[n]["y"]))]
    for u, v in zip(nodes, nodes[1:], strict=False):
        part = edge_coords(G, u, v, _best_edge(G, u, v, attr))
        out.extend(part if not out else part[1:])
    return out


def fastest_path(G, source, target, attr: str) -> list:
    """Nodes of the fastest path by ``attr`` (edges without it are closed);
    ``[source]`` when they are the same node, ``[]`` when there is no path."""
    # imported here: networkx loads slowly; importing this module stays light
    import networkx as nx

    if source == target:
        return [source]

    def weight(u, v, edges: dict) -> float | None:
        times = [d[attr] for d in edges.values() if attr in d]
        return min(times) if times else None

    try:
        return nx.bidirectional_dijkstra(G, source, target, weight=weight)[1]
    except nx.NetworkXNoPath:
        return []


def _access_records(plan: Plan, scenario: Scenario, G, table, matrices) -> dict:
    """(lon, lat) → the site's access record, for the station and every stop."""
    station = (scenario.station.lon, scenario.station.lat)
    sites: list[Coord] = [station]
    for route in plan.routes:
        for s in route.stops:
            if (s.lon, s.lat) not in sites:
                sites.append((s.lon, s.lat))
    access: dict = {}
    if matrices is not None:
        for a in matrices.access:
            access.setdefault((a.lon, a.lat), a)
    missing = [c for c in sites if c not in access]
    if missing:
        # imported here: the matrices load scipy; renderers import this module without it
        from planner.matrix import site_access

        params = scenario.parameters
        found = site_access(G, missing, plan.season, table or load_speed_table(),
                            params.walk_offroad_m, params.walk_limit_m,
                            params.walk_detour_factor)
        access.update(zip(missing, found, strict=True))
    return access


def route_legs(route: Route, station: Coord, access: dict, G, season: str) -> Route:
    """``route`` with each stop's ``leg`` set (see the module docstring)."""
    drive_attr, walk_attr = f"tt_motorbike_{season}", f"tt_walk_{season}"

    def walk_in(site: Coord) -> list[Coord]:
        """Parking point → house along the access path, then straight to the door."""
        a = access[site]
        chain = list(a.walk_nodes) if a.walk_nodes else [a.park_node]
        return [(a.park_lon, a.park_lat)] + path_coords(G, chain, walk_attr) + [site]

    stops = list(route.stops)
    prev: Coord | None = None
    onboard = 0  # passengers riding when leaving the previous place
    for k, s in enumerate(stops):
        here = (s.lon, s.lat)
        if prev is None or prev == here:
            if s.kind in ("pickup", "dropoff"):
                onboard = s.onboard
            prev = here
            stops[k] = replace(s, leg=())
            continue
        acc_a, acc_b = access[prev], access[here]
        walks_a = acc_a.walk_m > 0 and prev != station
        walks_b = acc_b.walk_m > 0 and here != station
        legs: list[Leg] = []
        if walks_a:
            legs.append(Leg("walk", dedupe(_round(c) for c in reversed(walk_in(prev)))))
        nodes = fastest_path(G, acc_a.park_node, acc_b.park_node, drive_attr) \
            if acc_a.park_node is not None and acc_b.park_node is not None else []
        ride = path_coords(G, nodes, drive_attr) if nodes else []
        if not ride:  # no path on the graph (not in a verified plan): a straight line
            ride = [(acc_a.park_lon, acc_a.park_lat), (acc_b.park_lon, acc_b.park_lat)]
        # the ride runs between the sites' points on their roads: the parking
        # point on the snapped edge (or the house itself when it is on the road)
        ride = [prev if not walks_a else (acc_a.park_lon, acc_a.park_lat)] + ride
        ride = ride + [here if not walks_b else (acc_b.park_lon, acc_b.park_lat)]
        line = dedupe(_round(c) for c in ride)
        if len(line) > 1:  # both houses walked to from one parking point: no ride
            legs.append(Leg("drive", line, onboard))
        if walks_b:
            legs.append(Leg("walk", dedupe(_round(c) for c in walk_in(here))))
        stops[k] = replace(s, leg=tuple(legs))
        onboard = s.onboard if s.kind in ("pickup", "dropoff") else 0
        prev = here
    return replace(route, stops=tuple(stops))


def attach_legs(plan: Plan, scenario: Scenario, G, table=None, matrices=None) -> Plan:
    """``plan`` with every stop's ``leg`` (the way to it from the previous place).

    ``G`` is the road graph the plan was solved on (travel-time attributes
    added); ``table`` the speed table (default: ``maps/speeds.toml``), used
    only to snap sites the ``matrices`` (``planner.matrix.TravelMatrices`` of
    the plan) do not hold. Deterministic: the same plan and graph give the
    same legs.
    """
    access = _access_records(plan, scenario, G, table, matrices)
    station = (scenario.station.lon, scenario.station.lat)
    return replace(plan, routes=tuple(route_legs(r, station, access, G, plan.season)
                                      for r in plan.routes))


def has_legs(plan: Plan) -> bool:
    """True when the plan's geometry is attached (some stop has a leg)."""
    return any(s.leg for r in plan.routes for s in r.stops)
