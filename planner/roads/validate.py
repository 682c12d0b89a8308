"""Checks on a road graph before anything is planned on it, graph in, problems out.

A GraphML file can be well-formed XML and still not be a road graph the
planner can use: a node without coordinates, nodes on no edge (a file cut
short after its nodes), an edge with a negative, missing
or impossible length, a grade that is not a number, or no edge at all that a
motorbike (or a person on foot) may use in some season of the speed table.
Each of these used to crash a later stage or give silently wrong times; here
each becomes one ``RoadsError`` (exit 3) naming the file, the element, the
problem and a fix.

``graph_problem(G, path)`` reads node ``x``/``y`` (degrees), edge ``length``
(m) and ``grade`` (rise over run); ``profile_problem(G, path, table)`` reads
the ``tt_<profile>_<season>`` (s) that ``planner.speeds.add_travel_times``
adds.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from planner.errors import Msg, RoadsError, msg
from planner.geo import EARTH_RADIUS_M
from planner.speeds import SpeedTable, season_names

#: profiles a day's plan cannot do without: teams ride, and walk the last metres.
NEEDED_PROFILES: tuple[str, ...] = ("motorbike", "walk")
#: an edge may be this much shorter than the straight line between its end
#: nodes (m) before its length is called impossible (rounding, coordinates
#: stored with 6 decimals: about 0.1 m).
LENGTH_SLACK_M = 1.0
#: nodes on no edge up to this share of all nodes are strays; more: a cut file.
STRAY_SHARE = 0.01
#: how many offending elements a message names before "and N more".
NAMED = 3
REIMPORT = msg("re-create the graph with `python plan.py roads import FILE --name NAME` "
               "(or `python plan.py demo --regenerate` for the demo's)")


def _number(value: Any) -> float | None:
    """``value`` as a finite float, or None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _named(items: list[str], more: int = 0) -> Msg:
    """The first ``NAMED`` items, then "and N more" (``more`` not listed in
    ``items``), translatable (an item that is a ``Msg`` is translated too)."""
    rest = max(0, len(items) - NAMED) + more
    if rest:
        return msg("{head} and {rest} more", head=list(items[:NAMED]), rest=rest)
    return msg("{head}", head=list(items[:NAMED]))


def _node_problem(G, path: Path) -> Msg | None:
    bad = []
    for node, data in G.nodes(data=True):
        x, y = _number(data.get("x")), _number(data.get("y"))
        if x is None or y is None or not (-180 <= x <= 180 and -90 <= y <= 90):
            bad.append(str(node))
    if not bad:
        return None
    return msg("{path} › node {nodes} › has no usable coordinates (x = lon, y = lat in "
               "degrees) › {fix}", path=str(path), nodes=_named(bad), fix=REIMPORT)


def _is_line(geom: Any) -> bool:
    """True for a shapely LineString of two or more points with finite coordinates."""
    if getattr(geom, "geom_type", "") != "LineString" or geom.is_empty:
        return False
    xy = np.asarray(geom.coords, dtype=float)
    return len(xy) >= 2 and bool(np.isfinite(xy).all())


def _chords_m(G, edges: list[tuple]) -> np.ndarray:
    """Great-circle metres between the end nodes of each ``(u, v)`` of ``edges``."""
    if not edges:
        return np.zeros(0)
    xy = np.array([(G.nodes[u]["x"], G.nodes[u]["y"], G.nodes[v]["x"], G.nodes[v]["y"])
                   for u, v in edges], dtype=float)
    lon1, lat1, lon2, lat2 = np.radians(xy).T
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _edge_problem(G, path: Path) -> Msg | None:
    bad: list[str] = []
    why = ""
    measured: list[tuple] = []
    lengths: list[float] = []
    for u, v, data in G.edges(data=True):
        length = _number(data.get("length"))
        grade = data.get("grade")
        if length is None or length < 0:
            what = f"length {data.get('length', 'missing')!s:.20}"
        elif grade is not None and _number(grade) is None:
            what = f"grade {grade!s:.20}"
        elif "geometry" in data and not _is_line(data["geometry"]):
            what = f"geometry {str(data['geometry'])[:30]}"
        else:
            measured.append((u, v))
            lengths.append(length)
            continue
        bad.append(f"{u}→{v} ({what})")
        why = why or what.split(" ")[0]
    chords = _chords_m(G, measured)
    short = np.flatnonzero(np.asarray(lengths) < chords * 0.99 - LENGTH_SLACK_M)
    for i in short[:NAMED + 1].tolist():
        (u, v), length = measured[i], lengths[i]
        edge, metres, chord = f"{u}→{v}", f"{length:g}", f"{chords[i]:.0f}"
        bad.append(msg("{edge} (length {length} m, the straight line between its ends "
                       "{chord} m)", edge=edge, length=metres, chord=chord))
        why = why or "length"
    if not bad:
        return None
    problem = {"grade": msg("has a grade that is not a number"),
               "geometry": msg("has a geometry that is not a line (a LineString of two points "
                               "or more)")}.get(why, msg("has a length (m) that is missing, "
                                                         "negative or shorter than the straight "
                                                         "line between its end nodes"))
    more = len(short) - min(len(short), NAMED + 1)
    return msg("{path} › edge {edges} › {problem} › {fix}", path=str(path),
               edges=_named(bad, more), problem=problem, fix=REIMPORT)


def _cut_problem(G, path: Path) -> Msg | None:
    """Nodes on no edge: a graph written by ``roads import`` (or osmnx) has none
    (a generated one a stray or two, up to ``STRAY_SHARE``), a GraphML file cut
    short after its nodes (still well-formed once closed) has many, and would be
    planned on the part of the network that is left."""
    alone = [str(n) for n in G.nodes if G.degree(n) == 0]
    if len(alone) <= max(1, G.number_of_nodes() * STRAY_SHARE):
        return None  # a stray node or two is harmless (generated graphs may hold one)
    return msg("{path} › {n} of {total} nodes ({nodes}) › lie on no road: the file looks "
               "cut short or damaged (a graph made by `roads import` has no such node) › {fix}",
               path=str(path), n=len(alone), total=G.number_of_nodes(), nodes=_named(alone),
               fix=REIMPORT)


def graph_problem(G, path: str | Path) -> Msg | None:
    """One message (file › element › problem › fix) for the first kind of
    damage found in ``G`` (nodes, nodes on no edge, then edges), or None for a
    sound graph."""
    path = Path(path)
    return _node_problem(G, path) or _cut_problem(G, path) or _edge_problem(G, path)


def profile_problem(G, path: str | Path, table: SpeedTable,
                    profiles: tuple[str, ...] = NEEDED_PROFILES) -> Msg | None:
    """The message for a profile of ``profiles`` that no edge of ``G`` allows in
    some season of ``table`` (after ``add_travel_times``), or None."""
    for profile in profiles:
        if profile not in table:
            continue
        for season in season_names(table):
            attr = f"tt_{profile}_{season}"
            if any(attr in d for _u, _v, d in G.edges(data=True)):
                continue
            kinds = sorted({str(d.get("highway", "?")) for _u, _v, d in G.edges(data=True)})
            return msg("{path} › every edge (highway={kinds}) › no edge a {profile} may use "
                       "in season {season} › import an area with roads a {profile} may take "
                       "(tracks or larger for a motorbike, paths for walking): python plan.py "
                       "roads import FILE --name NAME; or check the speed table's closures "
                       "for that season", path=str(Path(path)), kinds=_named(kinds),
                       profile=profile, season=season)
    return None


def check_graph(G, path: str | Path, table: SpeedTable | None = None) -> None:
    """Raise ``RoadsError`` for a damaged graph (``graph_problem``) and, with
    ``table`` and travel times added, for a profile no edge allows."""
    problem = graph_problem(G, path)
    if problem is None and table is not None:
        problem = profile_problem(G, path, table)
    if problem is not None:
        raise RoadsError(problem)
