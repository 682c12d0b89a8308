"""Route lines read from the plan, and the base map drawn from the road graph.

The routes' geometry is attached to the plan after solving
(``planner.legs.attach_legs``: each stop's ``leg``); here it is only read, so
renderers never run a shortest path. The base map (roads by class, fords,
rivers) is drawn from the scenario's GraphML file.

Reads per edge: ``highway``, ``ford``, ``osmid``, optional ``geometry`` (a
shapely LineString, as osmnx loads it). Coordinates are ``(lon, lat)``
throughout; rounded to ``DECIMALS`` places (about 1 m).
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from planner.domain import Leg, LegKind, Plan, Scenario
from planner.errors import InputError, Problem, msg
from planner.legs import dedupe, edge_coords
from planner.roads.io import load_graph, resolve_graph_path

DECIMALS = 5
Coord = tuple[float, float]

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
class RouteGeometry:
    """A route's day as lines: the legs in travel order. ``route`` is the
    route's name (``T1``, ``T1-shuttle``)."""

    route: str
    legs: tuple[Leg, ...]
    noroad: tuple[tuple[tuple[Coord, ...], int], ...] = ()
    """Pieces of the rides that run where the road graph has no road (a
    house set back from the road, reached straight across open ground): each
    ``(line, metres)``, drawn as a walk and labelled (``split_noroad``)."""

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


def route_geometries(plan: Plan) -> dict[str, RouteGeometry]:
    """Each route's legs in travel order, keyed by route name (``T1``,
    ``T1-shuttle``), read from the stops' ``leg`` (``planner.legs.attach_legs``).

    Raises ``InputError`` when the plan carries no geometry (a plan file
    written before geometry was attached): re-plan it.
    """
    if not any(s.leg for r in plan.routes for s in r.stops):

        raise InputError(Problem("plan", "routes[].stops[].leg", msg("the plan carries no road "
                                     "geometry for its legs"), msg("plan the day again with this "
                                     "version of the planner (it attaches the legs)")))
    return {r.name: RouteGeometry(r.name, tuple(leg for s in r.stops for leg in s.leg))
            for r in plan.routes}


#: Road graphs read for drawing, by (graph name, file's mtime): the last two
#: (the web workspace's threads share them: ``_GRAPHS_LOCK``).
_GRAPHS: dict[tuple[str, int], object] = {}
_GRAPHS_LOCK = threading.Lock()


def _graph_key(scenario: Scenario) -> tuple[str, int]:
    """The scenario's road graph's cache key: its name and its file's mtime (ns)."""
    path = resolve_graph_path(scenario.roads)
    return str(scenario.roads), path.stat().st_mtime_ns if path.is_file() else 0


def _keep(key: tuple[str, int], G) -> None:
    """Keep ``G`` under ``key``, and at most one other graph."""
    with _GRAPHS_LOCK:
        _GRAPHS.pop(key, None)
        _GRAPHS[key] = G
        while len(_GRAPHS) > 2:
            del _GRAPHS[next(iter(_GRAPHS))]


def road_graph(scenario: Scenario):
    """The scenario's road graph, read from its GraphML file (for the base map
    only: renderers never route on it). Cached while the file is unchanged."""
    key = _graph_key(scenario)
    G = _GRAPHS.get(key)
    if G is None:
        G = load_graph(str(scenario.roads), travel_times=False)  # drawn only
        _keep(key, G)
    return G


def share_road_graph(scenario: Scenario, G) -> None:
    """Draw on ``G``, the scenario's road graph as a job already read it (with
    travel times from any speed table: the roads drawn are the same), instead
    of reading the file again."""
    _keep(_graph_key(scenario), G)


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
    # imported here: shapely (GEOS) loads only where geometry is built
    from shapely.geometry import LineString, MultiLineString
    from shapely.geometry import box as shp_box
    from shapely.ops import linemerge

    area = shp_box(*box)
    tol = tolerance_m / 111_320.0
    by_class: dict[str, list[LineString]] = {"main": [], "minor": [], "track": [], "path": []}
    fords: list[tuple[Coord, ...]] = []
    edges = _edge_lines(G)
    for (line, cls, ford), inside in zip(edges.lines, edges.intersects(area), strict=True):
        if not inside:
            continue
        if ford:
            fords.append(tuple(_round(c) for c in line.coords))
        by_class[cls].append(line)
    roads: dict[str, list[tuple[Coord, ...]]] = {}
    for cls, lines in by_class.items():
        if not lines:
            continue
        merged = linemerge(MultiLineString(lines)).simplify(tol, preserve_topology=False)
        parts = list(merged.geoms) if hasattr(merged, "geoms") else [merged]
        roads[cls] = [tuple(dedupe(_round(c) for c in p.coords)) for p in parts
                      if not p.is_empty]
    return BaseMap(roads=roads, fords=fords, water=water_lines(scenario, box, tol))


class _EdgeLines:
    """Every road of a graph once (each undirected edge, by its first
    direction in the graph's order) as ``(line, class, is a ford)``, lon/lat."""

    def __init__(self, G) -> None:
        # imported here: shapely (GEOS) loads only where geometry is built
        from shapely.geometry import LineString

        seen: set[tuple] = set()
        self.lines: list[tuple[object, str, bool]] = []
        for u, v, data in G.edges(data=True):
            key = (frozenset((u, v)), str(data.get("osmid")))
            if key in seen:
                continue
            seen.add(key)
            self.lines.append((LineString(edge_coords(G, u, v, data)),
                               ROAD_CLASSES.get(_tag(data, "highway"), "path"),
                               _tag(data, "ford") in {"yes", "true", "1", "stepping_stones"}))

    def intersects(self, area) -> list[bool]:
        """Whether each line meets ``area`` (a shapely geometry)."""
        # imported here: shapely (GEOS) loads only where geometry is built
        import shapely

        return shapely.intersects([line for line, _c, _f in self.lines], area).tolist()


_EDGES: dict[int, tuple[object, _EdgeLines]] = {}


def _edge_lines(G) -> _EdgeLines:
    """``_EdgeLines`` of ``G``, kept for the last graph asked (every map and
    itinerary of a day draws on the same graph; a forked drawing process
    inherits it)."""
    held = _EDGES.get(id(G))
    if held is None or held[0] is not G:
        held = (G, _EdgeLines(G))
        _EDGES.clear()
        _EDGES[id(G)] = held
    return held[1]


def prepare_drawing(G) -> None:
    """Build once what every map and itinerary drawn on ``G`` uses: its roads
    as lines (``base_map``) and its nearest-road index (``split_noroad``)."""
    _edge_lines(G)
    _road_index(G)


def water_path(scenario: Scenario) -> Path:
    """``maps/NAME.water.geojson`` beside the scenario's road graph."""
    roads = Path(scenario.roads)
    return roads.with_name(roads.name.removesuffix(".graphml") + ".water.geojson")


def water_lines(scenario: Scenario, box: tuple[float, float, float, float],
                tol: float) -> list[tuple[str, tuple[Coord, ...]]]:
    """(name, line) of each river or stream in the water GeoJSON, clipped to ``box``."""
    # imported here: shapely (GEOS) loads only where geometry is built
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
    # imported here: shapely (GEOS) loads only where geometry is built
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


NOROAD_M = 25.0
"""A ride's end farther than this (m) from every road of the graph is off the
road: the piece from it to the nearest road is drawn as a walk, labelled."""


class _RoadIndex:
    """Every edge of a road graph as a line in local metres, for nearest-road look-ups."""

    def __init__(self, G) -> None:
        # imported here: shapely (GEOS) loads only where geometry is built
        from shapely.geometry import LineString
        from shapely.strtree import STRtree

        ys = [float(d["y"]) for _n, d in G.nodes(data=True)] or [0.0]
        self.proj = LocalProjection(sum(ys) / len(ys))
        seen: set[tuple] = set()
        lines = []
        for u, v, data in G.edges(data=True):
            key = (frozenset((u, v)), str(data.get("osmid")))
            if key in seen:
                continue
            seen.add(key)
            coords = edge_coords(G, u, v, data)
            if len(coords) > 1:
                lines.append(LineString([self.proj.xy(c) for c in coords]))
        self.lines = lines
        self.tree = STRtree(lines) if lines else None

    def nearest(self, c: Coord) -> tuple[Coord, float]:
        """The nearest point on a road to ``c`` (lon, lat) and its distance (m)."""
        # imported here: shapely (GEOS) loads only where geometry is built
        from shapely.geometry import Point
        from shapely.ops import nearest_points

        if self.tree is None:
            return c, 0.0
        pt = Point(self.proj.xy(c))
        line = self.lines[int(self.tree.nearest(pt))]
        on = nearest_points(line, pt)[0]
        return (on.x / self.proj.kx, on.y / self.proj.ky), float(line.distance(pt))


_INDEX: dict[int, tuple[object, _RoadIndex]] = {}


def _road_index(G) -> _RoadIndex:
    held = _INDEX.get(id(G))
    if held is None or held[0] is not G:
        _INDEX.clear()
        held = (G, _RoadIndex(G))
        _INDEX[id(G)] = held
    return held[1]  # type: ignore[return-value]


def split_noroad(geometry: dict[str, RouteGeometry], G,
                 min_m: float = NOROAD_M) -> dict[str, RouteGeometry]:
    """``geometry`` with each ride's ends that lie off the roads of ``G``
    (farther than ``min_m`` m from every edge) cut off at the nearest road
    point: the ride keeps the part on the road, ``noroad`` gets the piece
    from the road to the end (with its length in m). Idempotent."""
    index = _road_index(G)
    out: dict[str, RouteGeometry] = {}
    for name, g in geometry.items():
        legs: list[Leg] = []
        pieces = list(g.noroad)
        for leg in g.legs:
            coords = list(leg.coords)
            if leg.kind != "drive" or len(coords) < 2:
                legs.append(leg)
                continue
            for end in (0, -1):
                road, metres = index.nearest(coords[end])
                if metres <= min_m:
                    continue
                road = _round(road)
                piece = (coords[end], road) if end == 0 else (road, coords[end])
                pieces.append((piece, int(round(metres))))
                if end == 0:
                    coords[0] = road
                else:
                    coords[-1] = road
            legs.append(replace(leg, coords=dedupe(coords)))
        out[name] = replace(g, legs=tuple(legs), noroad=tuple(pieces))
    return out
