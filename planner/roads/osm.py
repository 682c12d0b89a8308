"""Read OpenStreetMap files (PBF and XML) into an osmnx-style road graph.

One streaming reader (pyosmium) serves every format: ``.osm.pbf``, ``.osm``,
``.osm.gz`` and ``.osm.bz2``, so the same data give the same graph whatever the
format. Memory stays bounded by the roads kept, not by the file: node
locations go to pyosmium's index (in memory for small files, a sparse file on
disk for large ones), the C++ filters drop everything but ``highway`` ways
(and ``waterway`` ways when fords are inferred) and ``ford``/``place`` nodes,
and Python only sees what it keeps.

The graph (``networkx.MultiDiGraph``, ``crs="epsg:4326"``):

- nodes: junctions and dead ends, ``x`` (lon), ``y`` (lat), ``street_count``,
  ``ford="yes"`` where a ford is tagged on the node;
- edges, in both directions (``reversed`` marks the one against the way's
  drawing direction, ``oneway`` the ways a vehicle may use one way only):
  ``osmid`` (way id), ``highway``, ``length`` (m), ``geometry`` (a shapely
  LineString in the edge's direction, when it has bends), the tags in
  ``KEEP_TAGS`` that are set, and ``ford="yes"`` when the way is a ford or
  passes a ford node (then also ``ford_node="yes"``: the crossing is a point);
- graph attribute ``places``: a JSON list of OSM place nodes
  (``{"name", "names", "place", "lon", "lat", "osmid"}``) for placing villages.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from planner.errors import RoadsError, msg
from planner.geo import segment_lengths_m

log = logging.getLogger(__name__)

#: highway values kept: what motorbikes and people on foot use.
ROAD_CLASSES: frozenset[str] = frozenset({
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
    "secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
    "residential", "living_street", "service", "road", "track", "path", "footway",
    "bridleway", "steps", "pedestrian", "cycleway",
})

#: tags copied onto edges when set.
KEEP_TAGS: tuple[str, ...] = (
    "highway", "name", "ref", "surface", "tracktype", "smoothness", "ford", "access",
    "motorcycle", "motor_vehicle", "foot", "bridge", "tunnel", "sac_scale", "junction",
)

#: place values read as settlements (for villages without coordinates).
PLACE_VALUES: frozenset[str] = frozenset({
    "city", "town", "village", "hamlet", "isolated_dwelling", "locality", "suburb",
    "neighbourhood", "quarter", "farm", "allotments",
})

FORMATS = (".osm.pbf", ".pbf", ".osm", ".osm.gz", ".osm.bz2", ".xml", ".xml.gz", ".xml.bz2")
NO_ACCESS = frozenset({"private", "no"})
ALLOWED = frozenset({"yes", "designated", "permissive", "destination"})
FORD_VALUES = frozenset({"yes", "stepping_stones", "true", "1"})
#: rivers and streams whose shared node with a minor road is read as a ford
#: when fords are inferred (a crossing mapped with neither bridge nor culvert).
FORD_WATERWAYS = frozenset({"stream", "river", "brook", "ditch", "drain"})
MAJOR_ROADS = frozenset({"motorway", "motorway_link", "trunk", "trunk_link", "primary",
                         "primary_link", "secondary", "secondary_link", "tertiary",
                         "tertiary_link"})
#: files larger than this keep node locations on disk, not in memory (bytes).
DISK_INDEX_BYTES = 64 * 1024 * 1024


@dataclass
class Way:
    """A kept OSM way: node ids, their (lon, lat) and the kept tags."""

    osmid: int
    refs: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    tags: dict[str, str]


@dataclass
class OsmRoads:
    """What the reader keeps from a file before the graph is built."""

    ways: list[Way] = field(default_factory=list)
    ford_nodes: set[int] = field(default_factory=set)
    places: list[dict[str, Any]] = field(default_factory=list)
    waterway_refs: list[np.ndarray] = field(default_factory=list)
    bounds: tuple[float, float, float, float] | None = None


def check_format(path: Path) -> None:
    """Raise ``RoadsError`` unless ``path`` exists and has an OSM file suffix."""
    if not path.is_file():
        raise RoadsError(msg("{path} › file not found › give the path of an OSM extract "
                             "(.osm.pbf, .osm, .osm.gz or .osm.bz2)", path=path))
    name = path.name.lower()
    if not name.endswith(FORMATS):
        raise RoadsError(msg("{path} › not an OSM file name ({suffix}) › give an "
                             "OpenStreetMap extract ending in .osm.pbf, .osm, .osm.gz or .osm.bz2",
                             path=path, suffix=path.suffix))


def _way_allowed(tags: Any) -> bool:
    """True for a way worth keeping: a known road class, not an area, not closed to all."""
    highway = tags.get("highway", "")
    if highway not in ROAD_CLASSES:
        return False
    if tags.get("area") == "yes":
        return False
    if tags.get("access") in NO_ACCESS:
        overrides = (tags.get(k) for k in ("foot", "motorcycle", "motor_vehicle", "vehicle"))
        if not any(v in ALLOWED for v in overrides):
            return False
    return True


def read_osm(path: str | Path, infer_fords: bool = False) -> OsmRoads:
    """Stream an OSM file and keep its roads, ford nodes and place nodes.

    Raises ``RoadsError`` for a file pyosmium cannot read (truncated PBF, XML
    that is not OSM) and for a file with no roads at all.
    """
    # imported here: pyosmium loads only when an OSM file is read
    import osmium
    from osmium.filter import KeyFilter

    path = Path(path)
    check_format(path)
    out = OsmRoads()
    way_keys = ("highway", "waterway") if infer_fords else ("highway",)
    with tempfile.TemporaryDirectory(prefix="roads-index-") as tmp:
        if path.stat().st_size > DISK_INDEX_BYTES:
            index = f"sparse_file_array,{os.path.join(tmp, 'locations.idx')}"
        else:
            index = "flex_mem"
        try:
            reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
            box = reader.header().box()
            reader.close()
            if box.valid():
                out.bounds = (box.bottom_left.lon, box.bottom_left.lat,
                              box.top_right.lon, box.top_right.lat)
            processor = (osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
                         .with_locations(index)
                         .with_filter(KeyFilter(*way_keys).enable_for(osmium.osm.WAY))
                         .with_filter(KeyFilter("ford", "place").enable_for(osmium.osm.NODE)))
            for obj in processor:
                if obj.is_node():
                    _keep_node(obj, out)
                else:
                    _keep_way(obj, out)
        except RuntimeError as exc:
            log.debug("reading %s: %r", path, exc)  # the library's words: the debug log only
            raise RoadsError(msg("{path} › cannot be read as OpenStreetMap data (damaged, cut "
                                 "short, or another kind of file) › "
                                 "check that the file is a complete OSM extract (download it "
                                 "again if it was cut short)", path=path)) from None
    if not out.ways:
        raise RoadsError(msg("{path} › no roads, tracks or paths found › give an OSM extract "
                             "that covers the district (with highway=* ways)", path=path))
    return out


def _keep_node(node: Any, out: OsmRoads) -> None:
    tags = node.tags
    if tags.get("ford") in FORD_VALUES:
        out.ford_nodes.add(node.id)
    place = tags.get("place")
    if place in PLACE_VALUES and tags.get("name") and node.location.valid():
        names = sorted({v for k, v in tags if k == "name" or k.startswith("name:")
                        or k in ("alt_name", "old_name", "official_name", "short_name")})
        out.places.append({"osmid": node.id, "name": tags.get("name"), "names": names,
                           "place": place, "lon": round(node.location.lon, 7),
                           "lat": round(node.location.lat, 7)})


def _keep_way(way: Any, out: OsmRoads) -> None:
    tags = way.tags
    waterway = tags.get("waterway")
    if "highway" not in tags:
        if waterway in FORD_WATERWAYS and tags.get("tunnel") is None:
            out.waterway_refs.append(np.fromiter((n.ref for n in way.nodes), dtype=np.int64))
        return
    kept = {k: tags.get(k) for k in KEEP_TAGS if tags.get(k) is not None}
    oneway = tags.get("oneway", "")
    if oneway in ("yes", "true", "1", "-1", "reverse") or (
            tags.get("junction") in ("roundabout", "circular") and oneway != "no"):
        kept["oneway"] = "-1" if oneway in ("-1", "reverse") else "yes"
    if not _way_allowed(tags):
        return
    refs, lon, lat = [], [], []
    for n in way.nodes:
        loc = n.location
        if not loc.valid():  # a node outside the extract: split the way there
            refs.append(n.ref)
            lon.append(math.nan)
            lat.append(math.nan)
            continue
        refs.append(n.ref)
        lon.append(loc.lon)
        lat.append(loc.lat)
    out.ways.append(Way(way.id, np.asarray(refs, dtype=np.int64), np.asarray(lon),
                        np.asarray(lat), kept))


def inside_mask(lon: np.ndarray, lat: np.ndarray, bbox: tuple[float, float, float, float]
                | None, boundary: Any | None) -> np.ndarray:
    """True for points inside the bbox ``(W, S, E, N)`` and/or the shapely boundary."""
    mask = np.isfinite(lon) & np.isfinite(lat)
    if bbox is not None:
        w, s, e, n = bbox
        mask &= (lon >= w) & (lon <= e) & (lat >= s) & (lat <= n)
    if boundary is not None:
        # imported here: shapely (GEOS) loads only where geometry is built
        import shapely

        mask &= shapely.contains_xy(boundary, lon, lat) | shapely.intersects_xy(
            boundary.boundary, lon, lat)
    return mask


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[start, stop)`` index ranges of consecutive True values, at least 2 long."""
    runs, start = [], None
    for i, ok in enumerate(mask):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            if i - start >= 2:
                runs.append((start, i))
            start = None
    if start is not None and len(mask) - start >= 2:
        runs.append((start, len(mask)))
    return runs


def infer_ford_nodes(roads: OsmRoads) -> set[int]:
    """Nodes a minor road shares with a stream or river: crossings mapped with
    neither a bridge nor a culvert, read as fords."""
    if not roads.waterway_refs:
        return set()
    water = np.unique(np.concatenate(roads.waterway_refs))
    fords: set[int] = set()
    for way in roads.ways:
        t = way.tags
        if t.get("highway") in MAJOR_ROADS or t.get("bridge") or t.get("tunnel"):
            continue
        shared = way.refs[np.isin(way.refs, water)]
        fords.update(int(r) for r in shared)
    return fords


def build_graph(roads: OsmRoads, bbox: tuple[float, float, float, float] | None = None,
                boundary: Any | None = None, keep_all: bool = False,
                name: str = "roads", infer_fords: bool = False):
    """Compile kept ways into an osmnx-style ``MultiDiGraph`` (see the module doc).

    Ways are clipped to ``bbox``/``boundary`` at their nodes (parts outside are
    dropped, a way leaving and re-entering becomes two pieces), split at
    junctions, and drawn in both directions. Unless ``keep_all``, only the
    largest weakly connected component is kept (osmnx's default).
    Raises ``RoadsError`` when nothing is left.
    """
    # imported here: networkx loads slowly; importing this module stays light; shapely (GEOS) loads
    # only where geometry is built
    import networkx as nx
    from shapely.geometry import LineString

    fords = set(roads.ford_nodes)
    if infer_fords:
        fords |= infer_ford_nodes(roads)
    pieces: list[tuple[Way, np.ndarray, np.ndarray, np.ndarray]] = []
    for way in roads.ways:
        mask = inside_mask(way.lon, way.lat, bbox, boundary)
        for a, b in _runs(mask):
            refs = way.refs[a:b]
            if way.tags.get("oneway") == "-1":
                pieces.append((way, refs[::-1], way.lon[a:b][::-1], way.lat[a:b][::-1]))
            else:
                pieces.append((way, refs, way.lon[a:b], way.lat[a:b]))
    if not pieces:
        raise RoadsError(msg("no roads, tracks or paths inside the area › check --bbox W,S,E,N "
                             "(lon, lat) or --boundary; the file's data may lie elsewhere"))
    all_refs = np.concatenate([p[1] for p in pieces])
    uniq, counts = np.unique(all_refs, return_counts=True)
    junction = set(uniq[counts >= 2].tolist())
    for _w, refs, _x, _y in pieces:
        junction.add(int(refs[0]))
        junction.add(int(refs[-1]))

    G = nx.MultiDiGraph(crs="epsg:4326", name=name)
    for way, refs, lon, lat in pieces:
        seg = segment_lengths_m(lon, lat)
        cut = [i for i, r in enumerate(refs.tolist()) if r in junction]
        for i, j in zip(cut, cut[1:], strict=False):
            u, v = int(refs[i]), int(refs[j])
            for n, k in ((u, i), (v, j)):
                if n not in G:
                    G.add_node(n, x=float(lon[k]), y=float(lat[k]))
                    if n in fords:
                        G.nodes[n]["ford"] = "yes"
            attrs: dict[str, Any] = dict(way.tags)
            attrs.pop("oneway", None)
            attrs["osmid"] = way.osmid
            attrs["length"] = round(float(seg[i:j].sum()), 3)
            if "ford" not in attrs and any(int(r) in fords for r in refs[i:j + 1]):
                attrs["ford"] = "yes"
                attrs["ford_node"] = "yes"
            oneway = "oneway" in way.tags
            geom = None
            if j - i > 1:
                geom = LineString(np.column_stack([lon[i:j + 1], lat[i:j + 1]]))
            fwd = dict(attrs, oneway=oneway, reversed=False)
            bwd = dict(attrs, oneway=oneway, reversed=True)
            if geom is not None:
                fwd["geometry"] = geom
                bwd["geometry"] = geom.reverse()
            G.add_edge(u, v, **fwd)
            G.add_edge(v, u, **bwd)
    if not keep_all and G.number_of_nodes():
        largest = max(nx.weakly_connected_components(G), key=len)
        G = G.subgraph(largest).copy()
    for n in G.nodes:
        G.nodes[n]["street_count"] = len(set(G.successors(n)) | set(G.predecessors(n)))
    places = [p for p in roads.places
              if inside_mask(np.array([p["lon"]]), np.array([p["lat"]]), bbox, boundary)[0]]
    G.graph["places"] = json.dumps(places, ensure_ascii=False)
    G.graph["roads_data"] = "openstreetmap"  # see planner.roads.info.roads_provenance
    if G.number_of_edges() == 0:
        raise RoadsError(msg("no roads, tracks or paths inside the area › check --bbox W,S,E,N "
                             "(lon, lat) or --boundary"))
    return G


def graph_places(G) -> list[dict[str, Any]]:
    """The OSM place nodes stored with a graph (empty when there are none)."""
    raw = G.graph.get("places")
    if not raw:
        return []
    if isinstance(raw, list):
        return raw
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return []
    return value if isinstance(value, list) else []


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``"W,S,E,N"`` in degrees → a tuple; ``ValueError`` with a plain message."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise ValueError(msg("give four numbers W,S,E,N (lon, lat, lon, lat)"))
    w, s, e, n = (float(p) for p in parts)
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise ValueError(msg("need W < E within −180…180 and S < N within −90…90 "
                             "(lon, lat order)"))
    return w, s, e, n


def read_boundary(path: str | Path) -> Any:
    """The union of the polygons in a GeoJSON file, as one shapely geometry."""
    # imported here: shapely (GEOS) loads only where geometry is built
    from shapely.errors import ShapelyError
    from shapely.geometry import shape
    from shapely.ops import unary_union

    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.debug("reading %s: %r", path, exc)  # the library's words: the debug log only
        raise RoadsError(msg("{path} › not a readable GeoJSON file (not UTF-8 JSON) › give a "
                             "GeoJSON polygon of the district", path=path)) from None
    geoms = []
    for f in _features(data):
        try:
            geoms.append(shape(f["geometry"]))
        except (KeyError, TypeError, ValueError, AttributeError, ShapelyError):
            continue  # not a geometry: no polygon from it
    polys = [g for g in geoms if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        raise RoadsError(msg("{path} › no polygon in the GeoJSON › give the district boundary "
                             "as a Polygon or MultiPolygon", path=path))
    return unary_union(polys)


def _features(data: Any) -> Iterable[dict]:
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        return data.get("features") or []
    if isinstance(data, dict) and data.get("type") == "Feature":
        return [data]
    if isinstance(data, dict) and "type" in data:
        return [{"type": "Feature", "geometry": data, "properties": {}}]
    return []
