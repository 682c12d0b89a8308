"""Is the station on the road graph at all? A check before any planning.

``scenario_reach`` lists, per season, the households no team can reach.

A commune station placed far outside the area a road graph covers (a typo in
its coordinates, or the graph of another district) would otherwise make every
household "unreachable" and blame each of them. ``station_problem`` measures
the straight-line distance (m) from the station to the nearest road of the
graph — to the chords between the end nodes of its edges, read directly from
the GraphML file without building the graph — and names the station when
that distance is beyond walking range.
"""

from __future__ import annotations

import functools
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np

from planner.domain import Scenario
from planner.geo import EARTH_RADIUS_M
from planner.matrix import travel_matrices
from planner.speeds import SpeedTable, season_names

_NS = "{http://graphml.graphdrawing.org/xmlns}"


@functools.lru_cache(maxsize=8)
def _road_segments(path: str, mtime_ns: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(node lon/lat ``(n, 2)``, edge end indices ``(m, 2)``) of a GraphML road
    graph; None when the file holds no node coordinates."""
    keys: dict[str, str] = {}
    xy: dict[str, list[float]] = {}
    edges: list[tuple[str, str]] = []
    for _event, elem in ET.iterparse(path, events=("end",)):
        tag = elem.tag.removeprefix(_NS)
        if tag == "key" and elem.get("for") == "node" and elem.get("attr.name") in ("x", "y"):
            keys[elem.get("id", "")] = elem.get("attr.name", "")
        elif tag == "node":
            values = {keys[d.get("key", "")]: d.text for d in elem
                      if d.tag.removeprefix(_NS) == "data" and d.get("key") in keys}
            try:
                xy[elem.get("id", "")] = [float(values["x"]), float(values["y"])]
            except (KeyError, TypeError, ValueError):
                pass
            elem.clear()
        elif tag == "edge":
            edges.append((elem.get("source", ""), elem.get("target", "")))
            elem.clear()
    if not xy:
        return None
    ids = {node: k for k, node in enumerate(xy)}
    coords = np.array(list(xy.values()), dtype=float)
    ends = np.array([(ids[u], ids[v]) for u, v in edges if u in ids and v in ids],
                    dtype=np.int64).reshape(-1, 2)
    return coords, ends


def _segments_of(graph_path: str | Path) -> tuple[np.ndarray, np.ndarray] | None:
    """``_road_segments`` of the file as it is now; None when it cannot be read
    as GraphML with node coordinates (loading the graph later says why)."""
    path = Path(graph_path)
    try:
        return _road_segments(str(path.resolve()), path.stat().st_mtime_ns)
    except (ET.ParseError, OSError, ValueError):
        return None


def distance_to_roads_m(lon: float, lat: float, graph_path: str | Path) -> float | None:
    """Straight-line metres from (lon, lat) to the nearest edge chord (or node) of
    the GraphML road graph at ``graph_path``; None when the file cannot be read
    as GraphML with node coordinates."""
    found = _segments_of(graph_path)
    if found is None:
        return None
    coords, ends = found
    # local equirectangular metres around the point: good to well under 1 % at
    # the tens of km that matter here
    kx = math.radians(1.0) * EARTH_RADIUS_M * math.cos(math.radians(lat))
    ky = math.radians(1.0) * EARTH_RADIUS_M
    pts = np.column_stack(((coords[:, 0] - lon) * kx, (coords[:, 1] - lat) * ky))
    best = float(np.min(np.hypot(pts[:, 0], pts[:, 1])))
    if len(ends):
        a, b = pts[ends[:, 0]], pts[ends[:, 1]]
        ab = b - a
        denom = np.einsum("ij,ij->i", ab, ab)
        t = np.where(denom > 0, np.einsum("ij,ij->i", -a, ab) / np.where(denom > 0, denom, 1),
                     0.0).clip(0.0, 1.0)
        nearest = a + ab * t[:, None]
        best = min(best, float(np.min(np.hypot(nearest[:, 0], nearest[:, 1]))))
    return best


def graph_extent(graph_path: str | Path) -> tuple[float, float, float, float] | None:
    """(lon min, lat min, lon max, lat max) of the graph's nodes, or None."""
    found = _segments_of(graph_path)
    if found is None:
        return None
    coords = found[0]
    return (float(coords[:, 0].min()), float(coords[:, 1].min()),
            float(coords[:, 0].max()), float(coords[:, 1].max()))


def station_problem(lon: float, lat: float, graph_path: str | Path, limit_m: float,
                    ) -> tuple[str, str] | None:
    """``(what, fix)`` when the station at (lon, lat) is more than ``limit_m``
    (the walking limit, m) from every road of the graph; None otherwise."""
    distance_m = distance_to_roads_m(lon, lat, graph_path)
    if distance_m is None or distance_m <= limit_m:
        return None
    extent = graph_extent(graph_path)
    area = (f" (it covers lon {extent[0]:.3f}–{extent[2]:.3f}, lat {extent[1]:.3f}–"
            f"{extent[3]:.3f})") if extent else ""
    what = (f"the station lies {distance_m / 1000:.1f} km from the nearest road of the road "
            f"graph {Path(graph_path).name}{area}, beyond the walking limit of "
            f"{limit_m / 1000:.1f} km, so no household could be reached from it")
    fix = ("check station.lon/lat (swapped, or a typo?), or use a road graph that covers "
           "the commune: python plan.py roads import FILE --name NAME")
    return what, fix


def scenario_reach(G, scenario: Scenario, table: SpeedTable) -> list[dict[str, Any]]:
    """For each season, the scenario's households that cannot be served, and why.

    Travel matrices per season of ``table`` (``planner.matrix.travel_matrices``).
    Returns rows ``{"season", "household", "code", "reason", "approximate"}``.
    """
    p = scenario.parameters
    sites = [(scenario.station.lon, scenario.station.lat)] + [
        (h.lon, h.lat) for h in scenario.households]
    rows = []
    for season in season_names(table):
        tm = travel_matrices(G, sites, season, table, p.walk_offroad_m, p.walk_limit_m,
                             p.walk_detour_factor)
        if not tm.access[0].reachable:
            rows.append({"season": season, "household": "(station)", "code": tm.access[0].code,
                         "reason": tm.access[0].reason, "approximate": False})
            continue
        for h, a in zip(scenario.households, tm.access[1:], strict=True):
            if not a.reachable:
                rows.append({"season": season, "household": h.id, "code": a.code,
                             "reason": a.reason, "approximate": h.approximate})
    return rows
