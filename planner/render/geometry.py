"""Route geometry that follows the roads, and the base map drawn from the graph.

Attached after solving (the solver never sees it): for each route, the ride
between consecutive stops is the fastest path on ``G`` between their parking
nodes by the season's ``tt_motorbike_<season>`` weight (s); the walk from the
parking point to a house follows the same footpaths the travel matrices used
(``planner.matrix.site_access``), then a straight line to the door.

Reads per edge: ``tt_motorbike_<season>``, ``highway``, ``ford``, optional
``geometry`` (a shapely LineString, as osmnx loads it). Coordinates are
``(lon, lat)`` throughout; rounded to ``DECIMALS`` places (about 1 m).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from planner.domain import Plan, Scenario

DECIMALS = 5
Coord = tuple[float, float]
LegKind = Literal["drive", "walk"]

ROAD_CLASSES: dict[str, str] = {
    "motorway": "main", "trunk": "main", "primary": "main", "secondary": "main",
    "tertiary": "main", "motorway_link": "main", "trunk_link": "main",
    "primary_link": "main", "secondary_link": "main", "tertiary_link": "main",
    "unclassified": "minor", "residential": "minor", "living_street": "minor",
    "service": "minor", "road": "minor",
    "track": "track",
}
"""``highway`` → the map's road class; anything else is drawn as a path."""


@dataclass(frozen=True)
class Leg:
    """A piece of a route: a ride (``drive``) or a walk with the kit (``walk``).
    ``onboard`` counts the shuttle passengers riding on a ride (0: none)."""

    kind: LegKind
    coords: tuple[Coord, ...]
    onboard: int = 0


@dataclass(frozen=True)
class RouteGeometry:
    """A route's day as lines: the legs in travel order. ``route`` is the
    route's name (``T1``, ``T1-shuttle``)."""

    route: str
    legs: tuple[Leg, ...]

    def lines(self, kind: LegKind, carrying: bool | None = None) -> list[tuple[Coord, ...]]:
        """The legs of one kind, each as a (lon, lat) line of two points or more;
        with ``carrying`` only rides with (True) or without (False) passengers."""
        return [leg.coords for leg in self.legs if leg.kind == kind and len(leg.coords) > 1
                and (carrying is None or (leg.onboard > 0) == carrying)]

    def track(self) -> list[Coord]:
        """All legs joined into one line (consecutive duplicates removed)."""
        out: list[Coord] = []
        for leg in self.legs:
            for c in leg.coords:
                if not out or out[-1] != c:
                    out.append(c)
        return out


def _round(c: Coord) -> Coord:
    return (round(c[0], DECIMALS), round(c[1], DECIMALS))


def _tag(data: dict, key: str) -> str:
    value = data.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text.strip("[]").split(",")[0].strip(" '\"")
    return text


def _edge_coords(G, u, v, data: dict) -> list[Coord]:
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
        part = _edge_coords(G, u, v, _best_edge(G, u, v, attr))
        out.extend(part if not out else part[1:])
    return out


def fastest_path(G, source, target, attr: str) -> list:
    """Nodes of the fastest path by ``attr`` (edges without it are closed);
    ``[source]`` when they are the same node, ``[]`` when there is no path."""
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


def route_geometries(plan: Plan, scenario: Scenario, G, table=None) -> dict[str, RouteGeometry]:
    """Each route's legs, following the roads, keyed by route name (``T1``,
    ``T1-shuttle``; for a whole team the name is the team id).

    Parking points and walking paths come from ``planner.matrix.site_access``
    with the scenario's parameters, so they match the plan's travel matrices.
    """
    from planner.matrix import site_access
    from planner.speeds import load_speed_table

    params = scenario.parameters
    table = table or load_speed_table()
    drive_attr, walk_attr = f"tt_motorbike_{plan.season}", f"tt_walk_{plan.season}"
    station = (scenario.station.lon, scenario.station.lat)
    sites: list[Coord] = [station]
    for route in plan.routes:
        for s in route.stops:
            if (s.lon, s.lat) not in sites:
                sites.append((s.lon, s.lat))
    access = dict(zip(sites, site_access(G, sites, plan.season, table, params.walk_offroad_m,
                                         params.walk_limit_m, params.walk_detour_factor),
                      strict=True))

    def walk_in(site: Coord) -> list[Coord]:
        """Parking point → house along the access path, then straight to the door."""
        a = access[site]
        chain = list(a.walk_nodes) if a.walk_nodes else [a.park_node]
        return path_coords(G, chain, walk_attr) + [site]

    out: dict[str, RouteGeometry] = {}
    for route in plan.routes:
        places: list[Coord] = []
        aboard: list[int] = []  # passengers riding when leaving each place
        for s in route.stops:
            if not places or places[-1] != (s.lon, s.lat):
                places.append((s.lon, s.lat))
                aboard.append(0)
            if s.kind in ("pickup", "dropoff"):
                aboard[-1] = s.onboard
        legs: list[Leg] = []
        for (a, b), onboard in zip(zip(places, places[1:], strict=False), aboard, strict=False):
            acc_a, acc_b = access[a], access[b]
            walks_a = acc_a.walk_m > 0 and a != station
            walks_b = acc_b.walk_m > 0 and b != station
            if walks_a:
                legs.append(Leg("walk", tuple(_round(c) for c in reversed(walk_in(a)))))
            nodes = fastest_path(G, acc_a.park_node, acc_b.park_node, drive_attr) \
                if acc_a.park_node is not None and acc_b.park_node is not None else []
            ride = path_coords(G, nodes, drive_attr) if nodes else []
            if not ride:  # no path on the graph (should not happen in a plan): a straight line
                ride = [(acc_a.park_lon, acc_a.park_lat), (acc_b.park_lon, acc_b.park_lat)]
            if not walks_a:
                ride = [a] + ride
            if not walks_b:
                ride = ride + [b]
            legs.append(Leg("drive", tuple(_dedupe(_round(c) for c in ride)), onboard))
            if walks_b:
                legs.append(Leg("walk", tuple(_round(c) for c in walk_in(b))))
        out[route.name] = RouteGeometry(route.name, tuple(legs))
    return out


def _dedupe(coords: Iterable[Coord]) -> list[Coord]:
    out: list[Coord] = []
    for c in coords:
        if not out or out[-1] != c:
            out.append(c)
    return out


def bbox(points: Iterable[Coord], margin_m: float = 0.0) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) around ``points``, widened by ``margin_m``."""
    pts = list(points)
    lons = [p[0] for p in pts]
    lats = [p[1] for p in pts]
    lat0 = (min(lats) + max(lats)) / 2
    dlat = margin_m / 111_320.0
    dlon = margin_m / (111_320.0 * max(0.1, math.cos(math.radians(lat0))))
    return min(lons) - dlon, min(lats) - dlat, max(lons) + dlon, max(lats) + dlat


@dataclass(frozen=True)
class BaseMap:
    """What the map draws under the routes: road lines by class
    (``main``, ``minor``, ``track``, ``path``), fords, and water lines."""

    roads: dict[str, list[tuple[Coord, ...]]]
    fords: list[tuple[Coord, ...]]
    water: list[tuple[str, tuple[Coord, ...]]]


def base_map(G, scenario: Scenario, box: tuple[float, float, float, float],
             tolerance_m: float = 4.0) -> BaseMap:
    """Roads of ``G`` inside ``box`` (each undirected edge once), merged into
    lines per class and simplified by ``tolerance_m``; plus the rivers of
    ``<graph>.water.geojson`` beside the graph file when it exists."""
    from shapely.geometry import LineString, MultiLineString
    from shapely.geometry import box as shp_box
    from shapely.ops import linemerge

    area = shp_box(*box)
    tol = tolerance_m / 111_320.0
    seen: set[tuple] = set()
    by_class: dict[str, list[LineString]] = {"main": [], "minor": [], "track": [], "path": []}
    fords: list[tuple[Coord, ...]] = []
    for u, v, data in G.edges(data=True):
        key = (frozenset((u, v)), str(data.get("osmid")))
        if key in seen:
            continue
        seen.add(key)
        line = LineString(_edge_coords(G, u, v, data))
        if not line.intersects(area):
            continue
        if _tag(data, "ford") in {"yes", "true", "1", "stepping_stones"}:
            fords.append(tuple(_round(c) for c in line.coords))
        by_class[ROAD_CLASSES.get(_tag(data, "highway"), "path")].append(line)
    roads: dict[str, list[tuple[Coord, ...]]] = {}
    for cls, lines in by_class.items():
        if not lines:
            continue
        merged = linemerge(MultiLineString(lines)).simplify(tol, preserve_topology=False)
        parts = list(merged.geoms) if hasattr(merged, "geoms") else [merged]
        roads[cls] = [tuple(_dedupe(_round(c) for c in p.coords)) for p in parts
                      if not p.is_empty]
    return BaseMap(roads=roads, fords=fords, water=water_lines(scenario, box, tol))


def water_path(scenario: Scenario) -> Path:
    """``maps/NAME.water.geojson`` beside the scenario's road graph."""
    roads = Path(scenario.roads)
    return roads.with_name(roads.name.removesuffix(".graphml") + ".water.geojson")


def water_lines(scenario: Scenario, box: tuple[float, float, float, float],
                tol: float) -> list[tuple[str, tuple[Coord, ...]]]:
    """(name, line) of each river or stream in the water GeoJSON, clipped to ``box``."""
    from shapely.geometry import box as shp_box
    from shapely.geometry import shape

    path = water_path(scenario)
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    area = shp_box(*box)
    out: list[tuple[str, tuple[Coord, ...]]] = []
    for feature in data.get("features", []):
        geom = shape(feature["geometry"]).intersection(area).simplify(tol)
        name = str((feature.get("properties") or {}).get("name") or "")
        parts = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
        for p in parts:
            if p.geom_type == "LineString" and not p.is_empty:
                out.append((name, tuple(_round(c) for c in p.coords)))
    return out


class LocalProjection:
    """Equirectangular metres around a latitude: good to a few metres over a commune."""

    def __init__(self, lat0: float) -> None:
        self.kx = 111_320.0 * math.cos(math.radians(lat0))
        self.ky = 110_574.0

    def xy(self, c: Coord) -> tuple[float, float]:
        return c[0] * self.kx, c[1] * self.ky


def distance_to_lines_m(points: Sequence[Coord], lines: Iterable[Sequence[Coord]]) -> list[float]:
    """Each point's distance (m) to the nearest of ``lines`` (local projection)."""
    from shapely.geometry import LineString, Point
    from shapely.strtree import STRtree

    lines = [tuple(line) for line in lines if len(line) > 1]
    if not points or not lines:
        return [math.inf] * len(points)
    proj = LocalProjection(sum(p[1] for p in points) / len(points))
    geoms = [LineString([proj.xy(c) for c in line]) for line in lines]
    tree = STRtree(geoms)
    out = []
    for p in points:
        pt = Point(proj.xy(p))
        nearest = tree.nearest(pt)
        out.append(float(geoms[int(nearest)].distance(pt)))
    return out
