"""Is the station on the road graph at all? A check before any planning.

``scenario_reach`` lists, per season, the households no team can reach.

A commune station placed far outside the area a road graph covers (a typo in
its coordinates, or the graph of another road area) would otherwise make every
household "unreachable" and blame each of them. ``station_problem`` measures
the straight-line distance (m) from the station to the nearest road of the
graph — to the chords between the end nodes of its edges, read directly from
the GraphML file without building the graph — and names the station when
that distance is beyond walking range.

``site_problems`` does the same for every other site of a scenario (villages,
collection points, households): a village or collection point far beyond
walking range of every road (typed coordinates, or the graph of another area)
is an error (a household there a warning: it is left unserved); a site beyond
the walking limit, outside the area the graph covers (a graph cut short), or
by a piece of road not connected to the station's is a warning, the sites
named.
"""

from __future__ import annotations

import functools
import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from planner.domain import Scenario
from planner.errors import msg
from planner.geo import EARTH_RADIUS_M
from planner.matrix import travel_matrices
from planner.speeds import SpeedTable, season_names

_NS = "{http://graphml.graphdrawing.org/xmlns}"
#: a site farther than this (m) from every road cannot be walked to: its
#: coordinates are wrong, or the road graph is of another area.
FAR_FROM_ROADS_M = 20_000.0
#: how many sites a message names before "and N more".
NAMED_SITES = 4


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
                lon, lat = float(values["x"]), float(values["y"])
            except (KeyError, TypeError, ValueError):
                lon = lat = math.nan
            if -180 <= lon <= 180 and -90 <= lat <= 90:  # else no road node (nan too)
                xy[elem.get("id", "")] = [lon, lat]
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
    area = msg(" (it covers lon {w:.3f}–{e:.3f}, lat {s:.3f}–{n:.3f})", w=extent[0],
               s=extent[1], e=extent[2], n=extent[3]) if extent else ""
    what = msg("the station lies {km:.1f} km from the nearest road of the road graph "
               "{graph}{area}, beyond the walking limit of {limit_km:.1f} km, so no household "
               "could be reached from it", km=distance_m / 1000, graph=Path(graph_path).name,
               area=area, limit_km=limit_m / 1000)
    fix = msg("check station.lon/lat (swapped, or a typo?), or use a road graph that covers "
              "the commune: python plan.py roads import FILE --name NAME")
    return what, fix


@dataclass(frozen=True)
class Site:
    """A place of the scenario that must be reached: ``label`` for people
    (``village TT``), ``where`` the file's field or row, (lon, lat) in degrees;
    ``household`` marks the households table's sites."""

    label: str
    where: str
    lon: float
    lat: float
    household: bool = False


@dataclass(frozen=True)
class SiteProblem:
    """One finding of ``site_problems``: ``severity`` error or warning, the
    ``where`` of its first site, ``what`` (the sites named) and the ``fix``."""

    severity: str
    where: str
    what: str
    fix: str
    household: bool = False


def _nearest(graph_path: str | Path, sites: Sequence[Site], station: tuple[float, float]
             ) -> tuple[np.ndarray, np.ndarray, int, np.ndarray] | None:
    """Per site: metres to the nearest road chord and the connected piece of the
    nearest road node; the station's piece; the lon/lat of the nodes on edges."""
    # imported here: scipy loads slowly; the scenario reader imports this module
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    found = _segments_of(graph_path)
    if found is None:
        return None
    coords, ends = found
    used = np.unique(ends)  # nodes on no edge are no road (a file cut after its nodes)
    if not len(used):
        return None
    coords = coords[used]
    ends = np.searchsorted(used, ends)
    n = len(coords)
    adj = coo_matrix((np.ones(len(ends)), (ends[:, 0], ends[:, 1])), shape=(n, n))
    _count, piece = connected_components(adj, directed=False)
    lat0 = float(np.median(coords[:, 1]))
    k = np.array([math.radians(1.0) * EARTH_RADIUS_M * math.cos(math.radians(lat0)),
                  math.radians(1.0) * EARTH_RADIUS_M])
    tree = cKDTree(coords * k)
    pts = np.array([(s.lon, s.lat) for s in sites] + [station], dtype=float).reshape(-1, 2)
    node_m, idx = tree.query(pts * k)
    dist = np.asarray(node_m, dtype=float)[:-1].copy()
    for i, s in enumerate(sites):  # the exact chord distance only where it matters
        if not s.household and dist[i] > 0:
            exact = distance_to_roads_m(s.lon, s.lat, graph_path)
            dist[i] = min(dist[i], exact if exact is not None else dist[i])
    return dist, piece[idx[:-1]], int(piece[idx[-1]]), coords


def _named(sites: list[Site], detail: dict[str, str] | None = None) -> str:
    detail = detail or {}
    names = [msg("{label} ({detail})", label=s.label, detail=detail[s.label])
             if s.label in detail else s.label for s in sites[:NAMED_SITES]]
    more = len(sites) - NAMED_SITES
    if more > 0:
        return msg("{names} and {more} more", names=names, more=more)
    return msg("{names}", names=names)


def _away(sites: Sequence[Site], idx: list[int], dist: np.ndarray, digits: int) -> str:
    """The sites ``idx`` named with their distance (km) to the nearest road."""
    return _named([sites[i] for i in idx],
                  {sites[i].label: f"{dist[i] / 1000:.{digits}f} km" for i in idx})


def site_problems(station: tuple[float, float], sites: Sequence[Site],
                  graph_path: str | Path, limit_m: float) -> list[SiteProblem]:
    """What is wrong with where ``sites`` lie on the road graph at ``graph_path``
    (``limit_m``: the walking limit, m; ``station``: its lon/lat): sites beyond
    ``FAR_FROM_ROADS_M`` of every road (an error; for households a warning:
    they are left unserved), beyond ``limit_m`` (a warning), outside the
    graph's extent by more than ``limit_m`` (a warning: a graph cut short), or
    by roads not connected to the station's (a warning). Households'
    distances are to the nearest road node. Empty when the graph cannot be
    read (loading it says why)."""
    sites = [s for s in sites if isinstance(s.lon, (int, float)) and isinstance(s.lat, (int, float))
             and -180 <= s.lon <= 180 and -90 <= s.lat <= 90]  # (others are reported as such)
    if not sites or not all(math.isfinite(v) for v in station):
        return []
    found = _nearest(graph_path, sites, station)
    if found is None:
        return []
    dist, piece, home, coords = found
    name = Path(graph_path).name
    out: list[SiteProblem] = []
    for household in (False, True):
        idx = [i for i, s in enumerate(sites) if s.household == household]
        far = [i for i in idx if dist[i] > FAR_FROM_ROADS_M]
        if far:
            out.append(SiteProblem(  # a household is left unserved, a place refused
                "warning" if household else "error", sites[far[0]].where,
                msg("{away} "
                    "from the nearest road of {name}: no one can walk there",
                    away=_away(sites, far, dist, 0), name=name),
                msg("check the lon/lat (swapped, or a typo?), or use a road graph that covers "
                    "them: python plan.py roads import FILE --name NAME"), household))
        beyond = [i for i in idx if limit_m < dist[i] <= FAR_FROM_ROADS_M]
        if beyond:
            out.append(SiteProblem(
                "warning", sites[beyond[0]].where,
                msg("{away} "
                    "from the nearest road of {name}, beyond the walking limit of "
                    "{value:.1f} km: they cannot be served",
                    away=_away(sites, beyond, dist, 1), name=name, value=limit_m / 1000),
                msg("check their lon/lat, or import a road graph with the tracks that lead there"),
                household))
        w, s_, e, n = (coords[:, 0].min(), coords[:, 1].min(), coords[:, 0].max(),
                       coords[:, 1].max())
        margin_lat = limit_m / (math.radians(1.0) * EARTH_RADIUS_M)
        margin_lon = margin_lat / max(math.cos(math.radians((s_ + n) / 2)), 0.01)
        outside = [i for i in idx if dist[i] <= FAR_FROM_ROADS_M and not (
            w - margin_lon <= sites[i].lon <= e + margin_lon
            and s_ - margin_lat <= sites[i].lat <= n + margin_lat)]
        if outside:
            out.append(SiteProblem(
                "warning", sites[outside[0]].where,
                msg("{named} lie outside the area the road graph "
                    "{name} covers (lon {w:.3f}–{e:.3f}, lat {s_:.3f}–{n:.3f}): the graph may "
                    "be cut short",
                    named=_named([sites[i] for i in outside]),
                    name=name,
                    w=w, e=e, s_=s_, n=n),
                                   msg("re-import the roads of the whole commune: python plan.py "
                                       "roads import FILE --name NAME"), household))
        apart = [i for i in idx if dist[i] <= limit_m and piece[i] != home]
        if apart:
            out.append(SiteProblem(
                "warning", sites[apart[0]].where,
                msg("{named} lie by roads of {name} that are not "
                    "connected to the station's roads: no team can ride there",
                    named=_named([sites[i] for i in apart]), name=name),
                msg("check their lon/lat, or import the roads that join them (a larger area)"),
                household))
    return out


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
