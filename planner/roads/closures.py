"""Closures: blocked places (a landslide, a washed-out bridge) read from GeoJSON.

A closures file is a GeoJSON FeatureCollection of:

- Points, with ``radius_m`` in the properties (default 50 m): every edge that
  passes within that distance is closed;
- LineStrings (a line drawn across the road where it is cut) and Polygons
  (the slide's area): every edge whose line crosses or touches them is closed.

Optional properties: ``name`` (shown as the reason, e.g. "Sạt lở km 12"),
``season`` (a season of the speed table, e.g. dry or wet: closed in that season
only; default every season).

``apply_closures(G, path)`` marks the edges, graph in, graph out: it sets
``closed="yes"`` (or ``closed_<season>="yes"``) and ``closure`` (the name) on
both directions of each closed edge. ``planner.speeds`` then gives them no
travel time.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from planner.errors import InputError, Problem, msg
from planner.geo import EARTH_RADIUS_M
from planner.speeds import season_names

DEFAULT_RADIUS_M = 50.0


def _json_where(exc: Exception) -> str:
    """Where a JSON file could not be read, in words (never the library's text)."""
    if isinstance(exc, json.JSONDecodeError):
        return f"line {exc.lineno}, column {exc.colno}"
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return getattr(exc, "strerror", None) or ""


def read_closures(path: str | Path) -> list[dict[str, Any]]:
    """The closures in a GeoJSON file: ``{"geometry", "name", "season", "radius_m"}``.

    Raises ``InputError`` listing every bad feature together.
    """
    # imported here: shapely (GEOS) loads only where geometry is built
    from shapely.errors import ShapelyError
    from shapely.geometry import shape

    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(Problem(str(path), "", msg("file not found"),
                                 msg("give a GeoJSON of closed places"))) from None
    except (OSError, ValueError) as exc:
        raise InputError(Problem(str(path), _json_where(exc), msg("not valid GeoJSON"),
                                 msg("save the closures as GeoJSON "
                                     "(e.g. from geojson.io)"))) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise InputError(Problem(str(path), "", msg("not a GeoJSON FeatureCollection"),
                                 msg("put the closures in a FeatureCollection")))
    problems: list[Problem] = []
    out: list[dict[str, Any]] = []
    seasons = season_names()
    for k, feat in enumerate(features):
        where = f"feature {k + 1}"
        props = feat.get("properties") if isinstance(feat, dict) else None
        props = props if isinstance(props, dict) else {}
        try:
            geom = shape(feat["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError, ShapelyError):
            problems.append(Problem(str(path), where, msg("no valid geometry"),
                                    msg("give a Point, LineString or Polygon")))
            continue
        season = props.get("season")
        if season not in (None, "", *seasons):
            problems.append(Problem(str(path), f"{where}, season", msg("unknown season '{season}'",
                                                                       season=season),
                                    msg("use one of {listing} or leave it out",
                                        listing=', '.join(seasons))))
            continue
        try:
            radius = float(props.get("radius_m", DEFAULT_RADIUS_M))
        except (TypeError, ValueError):
            problems.append(Problem(str(path), f"{where}, radius_m", msg("not a number"),
                                    msg("give the radius in metres, e.g. 50")))
            continue
        out.append({"geometry": geom, "name": str(props.get("name") or f"closure {k + 1}"),
                    "season": season or None, "radius_m": radius})
    if problems:
        raise InputError(problems)
    return out


def apply_closures(G, closures: str | Path | list[dict[str, Any]]):
    """Close the edges that the closures touch (see the module docstring).

    Returns ``G``; ``G.graph["closures"]`` counts the closed edges per closure.
    """
    # imported here: shapely (GEOS) loads only where geometry is built
    from shapely import STRtree
    from shapely.geometry import LineString

    items = read_closures(closures) if isinstance(closures, str | Path) else closures
    if not items:
        return G
    edges = list(G.edges(keys=True, data=True))
    lines = []
    for u, v, _k, d in edges:
        geom = d.get("geometry")
        if geom is None:
            a, b = G.nodes[u], G.nodes[v]
            geom = LineString([(a["x"], a["y"]), (b["x"], b["y"])])
        lines.append(geom)
    tree = STRtree(lines)
    counts: dict[str, int] = {}
    for item in items:
        geom = item["geometry"]
        if geom.geom_type in ("Point", "MultiPoint"):
            lat = geom.centroid.y
            deg = item["radius_m"] / (math.pi / 180 * EARTH_RADIUS_M)
            # a circle in metres is an ellipse in degrees: scale lon by 1/cos(lat)
            from shapely import affinity

            geom = affinity.scale(geom.buffer(deg, 32), 1 / max(0.01, math.cos(
                math.radians(lat))), 1.0)
        hits = tree.query(geom, predicate="intersects")
        attr = f"closed_{item['season']}" if item["season"] else "closed"
        for i in hits:
            u, v, k, d = edges[int(i)]
            for a, b in ((u, v), (v, u)):
                for data in (G.get_edge_data(a, b) or {}).values():
                    if data.get("osmid") == d.get("osmid"):
                        data[attr] = "yes"
                        data["closure"] = item["name"]
        counts[item["name"]] = len(hits)
    G.graph["closures"] = json.dumps(counts, ensure_ascii=False)
    return G
