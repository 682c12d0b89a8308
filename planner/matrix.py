"""Travel matrices between sites, from a road graph with travel times.

Sites (the station, households, collection points, given as ``(lon, lat)``)
are projected onto the nearest *edge* a motorbike may use in the season
(``planner.roads.snap``), not the nearest junction: travel starts at that
point, and the part of the edge to each end node is costed at that edge's
travel time per metre in each direction. Only the drivable network connected
both ways to the station (site 0) counts. A site farther than
``walk_offroad_m`` from every such edge is off-road, reached the last-mile
way: ride to a parking point (the projected point on the nearest drivable
edge, or the junction where a footpath leaving the house meets the road,
whichever makes the shorter walk), then walk (along paths where they exist,
else a straight line × the detour factor at Tobler's off-path speed), and walk
back afterwards.

Shortest paths run with ``scipy.sparse.csgraph.dijkstra`` from the snapped
points only (virtual nodes splitting their edges). Matrices are asymmetric
(uphill differs from downhill) and hold integers: seconds and metres.

For large matrices, ``time_matrix`` first reduces the graph exactly to the
nodes that matter (``reduce_to_terminals``: dead-end branches without a site
are pruned, chains of two-way nodes are joined into single edges) and then
splits the sources across processes (scipy's Dijkstra holds the GIL, so
threads do not help). Sites that cannot be reached from the station get a
reason in plain words (``explain_unreachable``): a ford closed in the wet
season, a closure, one-way or private roads, or no road at all.
"""
from __future__ import annotations

import math
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from planner.roads.info import roads_provenance
from planner.roads.snap import (
    RoadSegments,
    SplitGraph,
    road_segments,
    snap_points,
    split_csr,
)
from planner.speeds import SpeedTable, edge_speed_kph, walk_offpath_kph


@dataclass(frozen=True)
class CsrGraph:
    """A graph as a sparse matrix for one weight, with the edge lengths beside it.

    ``weight[i, j]`` is the cheapest parallel edge's weight; ``length_m[i, j]``
    that same edge's length. ``nodes[i]`` is the graph's node id for row i.
    """

    weight: csr_matrix
    length_m: csr_matrix
    nodes: tuple
    index: dict


def path_lengths(pred: np.ndarray, sources: np.ndarray, length_m: csr_matrix) -> np.ndarray:
    """Length (m) along each shortest-path tree, from predecessor arrays.

    ``pred`` is dijkstra's ``(k, n)`` predecessor matrix for the ``k`` sources.
    Uses pointer jumping: ``O(k · n · log depth)`` with numpy, no Python loop
    over nodes.
    """
    k, n = pred.shape
    rows = np.repeat(np.arange(k), n).reshape(k, n)
    parent = pred.copy()
    has_parent = parent >= 0
    acc = np.zeros((k, n), dtype=np.float64)
    safe_parent = np.where(has_parent, parent, 0)
    cols = np.broadcast_to(np.arange(n), (k, n))
    edge = np.asarray(length_m[safe_parent.ravel(), cols.ravel()]).reshape(k, n)
    acc[has_parent] = edge[has_parent]
    # jump until every pointer reaches its root (the source, which has no parent)
    for _ in range(64):
        active = parent >= 0
        if not active.any():
            break
        safe = np.where(active, parent, 0)
        acc = np.where(active, acc + acc[rows, safe], acc)
        parent = np.where(active, parent[rows, safe], -9999)
    del sources
    return acc


def shortest_from(graph: CsrGraph, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Times and lengths from each of ``sources`` (row indices) to every node.

    Returns ``(weight, length_m)`` arrays of shape ``(len(sources), n)``; ``inf``
    where unreachable. Lengths follow the minimum-weight paths.
    """
    sources = np.asarray(sources, dtype=np.int64)
    if len(sources) == 0:
        n = graph.weight.shape[0]
        return np.zeros((0, n)), np.zeros((0, n))
    dist, pred = dijkstra(graph.weight, directed=True, indices=sources,
                          return_predecessors=True)
    length = path_lengths(pred, sources, graph.length_m)
    length[~np.isfinite(dist)] = np.inf
    return dist, length


def between_sites(weight: csr_matrix, length_m: csr_matrix, rows: np.ndarray,
                  block: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Times and lengths between the graph rows ``rows`` (``inf`` if no path).

    The graph is first reduced exactly to those rows (``reduce_to_terminals``,
    lengths summed along the same edges), then scipy's Dijkstra runs from
    ``block`` sources at a time; lengths follow the minimum-weight paths.
    Returns ``(times, lengths)``, both ``(len(rows), len(rows))``.
    """
    rows = np.asarray(rows, dtype=np.int64)
    terms = np.unique(rows)
    red, red_len, red_rows = reduce_to_terminals(weight, terms, length_m)
    where = dict(zip(terms.tolist(), red_rows.tolist(), strict=True))
    at = np.array([where[r] for r in rows.tolist()], dtype=np.int64)
    uniq, inverse = np.unique(at, return_inverse=True)
    times = np.empty((len(uniq), len(rows)))
    lengths = np.empty((len(uniq), len(rows)))
    graph = CsrGraph(red, red_len, (), {})
    for a in range(0, len(uniq), block):
        t, d = shortest_from(graph, uniq[a:a + block])
        times[a:a + block] = t[:, at]
        lengths[a:a + block] = d[:, at]
    return times[inverse], lengths[inverse]


def reduce_to_terminals(weight: csr_matrix, terminals: np.ndarray,
                        aux: csr_matrix | None = None,
                        ) -> tuple[csr_matrix, csr_matrix | None, np.ndarray]:
    """An exact smaller graph for shortest paths between ``terminals``.

    Repeatedly removes non-terminal nodes with one neighbour (no shortest path
    between terminals can use them) and replaces each non-terminal node with
    exactly two neighbours ``a``, ``b`` by the edges ``a→b`` and ``b→a`` (sum
    of the two weights, kept only if cheaper than an existing edge). Distances
    between terminals are unchanged. ``aux`` (e.g. lengths) is summed along the
    same edges. Returns ``(weight, aux, terminal_rows)`` where
    ``terminal_rows[i]`` is ``terminals[i]``'s row in the reduced graph.
    """
    n = weight.shape[0]
    coo = weight.tocoo()
    aux_vals = (np.asarray(aux[coo.row, coo.col]).ravel() if aux is not None
                else np.zeros(len(coo.data)))
    out: list[dict[int, tuple[float, float]]] = [{} for _ in range(n)]
    inn: list[dict[int, tuple[float, float]]] = [{} for _ in range(n)]
    for u, v, w, a in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(),
                          aux_vals.tolist(), strict=True):
        if u != v:
            out[u][v] = (w, a)
            inn[v][u] = (w, a)
    keep = np.zeros(n, dtype=bool)
    keep[np.asarray(terminals, dtype=np.int64)] = True
    alive = np.ones(n, dtype=bool)
    stack = [x for x in range(n) if not keep[x] and len(out[x].keys() | inn[x].keys()) <= 2]
    while stack:
        x = stack.pop()
        if not alive[x] or keep[x]:
            continue
        nbrs = out[x].keys() | inn[x].keys()
        if len(nbrs) > 2:
            continue
        if len(nbrs) == 2:
            a, b = tuple(nbrs)
            for p, q in ((a, b), (b, a)):
                if p in inn[x] and q in out[x]:
                    w = inn[x][p][0] + out[x][q][0]
                    if w < out[p].get(q, (math.inf, 0.0))[0]:
                        val = (w, inn[x][p][1] + out[x][q][1])
                        out[p][q] = val
                        inn[q][p] = val
        alive[x] = False
        for y in nbrs:
            out[y].pop(x, None)
            inn[y].pop(x, None)
            if not keep[y] and len(out[y].keys() | inn[y].keys()) <= 2:
                stack.append(y)
        out[x].clear()
        inn[x].clear()
    rows_of = np.cumsum(alive) - 1
    m = int(alive.sum())
    r, c, w_l, a_l = [], [], [], []
    for u in np.flatnonzero(alive).tolist():
        for v, (w, a) in out[u].items():
            r.append(rows_of[u])
            c.append(rows_of[v])
            w_l.append(w)
            a_l.append(a)
    red = csr_matrix((np.asarray(w_l, dtype=np.float64), (r, c)), shape=(m, m))
    red_aux = (csr_matrix((np.asarray(a_l, dtype=np.float64), (r, c)), shape=(m, m))
               if aux is not None else None)
    return red, red_aux, rows_of[np.asarray(terminals, dtype=np.int64)]


def _dijkstra_block(args: tuple[csr_matrix, np.ndarray, np.ndarray]) -> np.ndarray:
    graph, sources, targets = args
    out = np.empty((len(sources), len(targets)))
    for a in range(0, len(sources), 64):  # small blocks keep memory at 64 rows × n
        d = dijkstra(graph, directed=True, indices=sources[a:a + 64])
        out[a:a + 64] = d[:, targets]
    return out


def time_matrix(weight: csr_matrix, sources: np.ndarray, targets: np.ndarray,
                workers: int | None = None, reduce: bool = True) -> np.ndarray:
    """Shortest-path weights from each source row to each target row (``inf`` if none).

    Exact. ``reduce`` shrinks the graph to the terminals first
    (``reduce_to_terminals``); ``workers`` processes share the sources (default:
    the number of CPUs, at most 2 per 64 sources). Memory is ``O(64 · n)`` per
    worker plus the result, never ``sources × n``.
    """
    sources = np.asarray(sources, dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    graph = weight
    if reduce:
        terms = np.unique(np.concatenate([sources, targets]))
        graph, _aux, rows = reduce_to_terminals(weight, terms)
        where = dict(zip(terms.tolist(), rows.tolist(), strict=True))
        sources = np.array([where[s] for s in sources.tolist()], dtype=np.int64)
        targets = np.array([where[t] for t in targets.tolist()], dtype=np.int64)
    workers = workers or os.cpu_count() or 1
    workers = max(1, min(workers, math.ceil(len(sources) / 64)))
    if workers == 1:
        return _dijkstra_block((graph, sources, targets))
    parts = np.array_split(sources, workers)
    ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        blocks = list(pool.map(_dijkstra_block, [(graph, p, targets) for p in parts]))
    return np.vstack(blocks)


@dataclass(frozen=True)
class SiteAccess:
    """How a site is reached.

    The motorbike leg starts and ends on road edge ``edge`` (``(u, v, key)`` of
    the graph) at ``edge_fraction`` of its length from ``u``; ``park_lon`` and
    ``park_lat`` are that point (where the motorbikes wait), ``road_m`` the
    straight distance (m) from the site to it. ``park_node`` is the graph node
    of that edge nearest along it (or the node itself when the site parks at a
    junction). ``walk_m`` is the one-way walk from the parking point (0 on a
    road); ``walk_in_s``/``walk_out_s`` the walk to and from the site with the
    kit. ``walk_nodes`` is the walking path from the parking point (graph
    nodes, possibly empty for a straight-line walk). ``reason`` is set when
    unreachable.
    """

    lon: float
    lat: float
    park_node: object | None
    park_lon: float
    park_lat: float
    walk_m: float
    walk_in_s: float
    walk_out_s: float
    walk_nodes: tuple = ()
    reason: str = ""
    code: str = ""
    edge: tuple = ()
    edge_fraction: float = 0.0
    road_m: float = 0.0

    @property
    def reachable(self) -> bool:
        return not self.reason


@dataclass(frozen=True)
class TravelMatrices:
    """Asymmetric travel between sites: ``travel_s[i, j]`` and ``distance_m[i, j]``
    (ints; walking included), ``drive_m[i, j]`` the motorbike part alone.
    Unreachable pairs hold ``UNREACHABLE``. ``roads`` says where the road graph
    comes from (``planner.roads.info.roads_provenance``: ``"openstreetmap"``,
    ``"generated"`` or ``""`` when unknown)."""

    travel_s: np.ndarray
    distance_m: np.ndarray
    drive_m: np.ndarray
    access: tuple[SiteAccess, ...]
    profile: str
    season: str
    roads: str = ""


UNREACHABLE = 10**9


@dataclass(frozen=True)
class _Located:
    """What ``_locate`` found: the accesses, each reachable site's anchor on the
    drivable network (``(segment, fraction)``), and what the matrices reuse."""

    access: list[SiteAccess]
    anchors: list[tuple[int, float] | None]
    segs: RoadSegments
    drive_w: np.ndarray


def site_access(G, sites: list[tuple[float, float]], season: str, table: SpeedTable,
                walk_offroad_m: float, walk_limit_m: float, detour_factor: float,
                profile: str = "motorbike") -> list[SiteAccess]:
    """Find each site's point on the road, parking point and walking leg (see the
    module docstring)."""
    return _locate(G, sites, season, table, walk_offroad_m, walk_limit_m, detour_factor,
                   profile).access


def _locate(G, sites: list[tuple[float, float]], season: str, table: SpeedTable,
            walk_offroad_m: float, walk_limit_m: float, detour_factor: float,
            profile: str) -> _Located:
    """Snap every site to the nearest edge of the drivable network connected both
    ways to the station (site 0), or give it a walking leg from a parking point."""
    # imported here: scipy loads slowly; importing this module stays light
    from scipy.sparse.csgraph import connected_components

    drive_attr, walk_attr = f"tt_{profile}_{season}", f"tt_walk_{season}"
    segs = road_segments(G)
    n, k = len(segs.nodes), len(sites)
    site_xy = (segs.to_xy([s[0] for s in sites], [s[1] for s in sites]) if sites
               else np.zeros((0, 2)))
    drive_w = segs.edge_weights(drive_attr)
    drive_ok = np.isfinite(drive_w)
    lengths = segs.edge_lengths()

    def nowhere(reason: str, code: str) -> _Located:
        return _Located([SiteAccess(s[0], s[1], None, s[0], s[1], 0, 0, 0, (), reason, code)
                         for s in sites], [None] * k, segs, drive_w)

    if not drive_ok.any() or not sites:
        return nowhere(f"no road in the network is open to a {profile} in the {season} "
                       "season", "no_roads")
    # only the drivable part connected both ways to the station counts: an island
    # of tracks beyond a footpath is not a parking place
    link = drive_ok & (segs.edge_u != segs.edge_v)
    _, label = connected_components(
        csr_matrix((np.ones(int(link.sum())), (segs.edge_u[link], segs.edge_v[link])),
                   shape=(n, n)), directed=True, connection="strong")
    drive_segs = segs.segments_with(drive_ok)
    s0 = int(snap_points(segs, site_xy[:1], drive_segs).seg[0])
    size = np.bincount(label)
    a0, b0 = int(segs.seg_a[s0]), int(segs.seg_b[s0])
    home = a0 if size[label[a0]] >= size[label[b0]] else b0
    in_home = label == label[home]
    usable = drive_segs & in_home[segs.seg_a] & in_home[segs.seg_b]
    if not usable.any():
        return nowhere(f"no road a {profile} can use in the {season} season joins it to "
                       "the station", "disconnected")
    node_anchor: dict[int, tuple[int, float]] = {}
    for s in np.flatnonzero(usable).tolist():
        node_anchor.setdefault(int(segs.seg_a[s]), (s, 0.0))
        node_anchor.setdefault(int(segs.seg_b[s]), (s, 1.0))
    drv = snap_points(segs, site_xy, usable)

    def at(i: int, anchor: tuple[int, float], point_xy: np.ndarray, walk_m: float = 0.0,
           walk_in_s: float = 0.0, walk_out_s: float = 0.0, chain: tuple = (),
           reason: str = "", code: str = "") -> SiteAccess:
        edge, fraction = segs.edge_on(anchor[0], anchor[1], drive_ok)
        lon, lat = segs.to_lonlat(point_xy)[0]
        park = edge[0] if fraction <= 0.5 else edge[1]
        return SiteAccess(sites[i][0], sites[i][1], park, float(lon), float(lat),
                          float(walk_m), float(walk_in_s), float(walk_out_s), chain, reason,
                          code, edge, float(fraction),
                          float(np.hypot(*(site_xy[i] - point_xy))))

    access: list[SiteAccess | None] = [None] * k
    anchors: list[tuple[int, float] | None] = [None] * k
    off: list[int] = []
    for i in range(k):
        if drv.dist_m[i] <= walk_offroad_m:
            anchors[i] = (int(drv.seg[i]), float(drv.fraction[i]))
            access[i] = at(i, anchors[i], drv.point_xy[i])
        else:
            off.append(i)
    if off:
        offpath_mps = walk_offpath_kph(table) / 3.6
        walks = _walks(segs, site_xy[off], segs.edge_weights(walk_attr), lengths, in_home,
                       walk_limit_m, detour_factor)
        for i, path in zip(off, walks, strict=True):
            straight_m = float(drv.dist_m[i]) * detour_factor
            if path is not None and path[0] < straight_m:
                walk_m, park, chain, t_in, t_out, offpath_m = path
                anchor = node_anchor[park]
                point = segs.xy[park]
            else:
                walk_m, chain, t_in, t_out, offpath_m = straight_m, (), 0.0, 0.0, straight_m
                anchor = (int(drv.seg[i]), float(drv.fraction[i]))
                point = drv.point_xy[i]
            if walk_m > walk_limit_m:
                access[i] = at(i, anchor, point, walk_m, reason=(
                    f"unreachable: {walk_m / 1000:.1f} km on foot beyond the walking limit "
                    f"of {walk_limit_m / 1000:.1f} km"), code="walk_limit")
                continue
            anchors[i] = anchor
            access[i] = at(i, anchor, point, walk_m, t_in + offpath_m / offpath_mps,
                           t_out + offpath_m / offpath_mps,
                           tuple(segs.nodes[r] for r in chain))
    result = [a for a in access if a is not None]
    result = _explain_cut_off(G, result, segs, site_xy, drive_ok, usable, in_home, home,
                              walk_offroad_m, profile, season, table)
    return _Located(result, anchors, segs, drive_w)


def _walks(segs: RoadSegments, points_xy: np.ndarray, walk_w: np.ndarray,
           lengths: np.ndarray, park_mask: np.ndarray, walk_limit_m: float,
           detour_factor: float) -> list[tuple | None]:
    """The shortest walk from each point to a node of ``park_mask``: straight (× the
    detour factor) to the nearest walkable edge, then along walkable edges.

    Returns per point ``None`` (no path within the limit) or ``(walk_m, park_row,
    chain, walk_in_s, walk_out_s, offpath_m)``: ``chain`` the node rows from the
    parking node towards the house, the times along the path only (the
    off-path part, ``offpath_m``, is timed by the caller).
    """
    walk_ok = np.isfinite(walk_w)
    if not walk_ok.any():
        return [None] * len(points_xy)
    snap = snap_points(segs, points_xy, segs.segments_with(walk_ok))
    anchors = [(int(s), float(f)) for s, f in zip(snap.seg, snap.fraction, strict=True)]
    by_length = split_csr(segs, np.where(walk_ok, lengths, np.nan), lengths, anchors)
    by_time = split_csr(segs, walk_w, lengths, anchors)
    parks = np.flatnonzero(park_mask)
    times = by_time.weight.todok()
    out: list[tuple | None] = []
    rows_all = by_length.anchor_rows.tolist()
    for start in range(0, len(rows_all), 64):  # 64 rows × n at a time bounds memory
        out += _walks_from(by_length, rows_all[start:start + 64], snap.dist_m[start:start + 64],
                           parks, times, walk_limit_m, detour_factor)
    return out


def _walks_from(by_length: SplitGraph, rows: list[int], offroad_m: np.ndarray,
                parks: np.ndarray, times, walk_limit_m: float,
                detour_factor: float) -> list[tuple | None]:
    """``_walks`` for the points at ``rows`` of the cut walking graph."""
    src = np.unique(rows)
    dist, pred = dijkstra(by_length.weight, directed=True, indices=src,
                          return_predecessors=True, limit=walk_limit_m * 1.01)
    where = {int(r): q for q, r in enumerate(src.tolist())}
    out: list[tuple | None] = []
    for j, row in enumerate(rows):
        q = where[row]
        reach = dist[q, parks]
        if not np.isfinite(reach).any():
            out.append(None)
            continue
        m = int(np.argmin(reach))
        park = int(parks[m])
        path = [park]  # park ... house end, walked back to front from the house
        while path[-1] != row and pred[q, path[-1]] >= 0:
            path.append(int(pred[q, path[-1]]))
        t_out = sum(float(times.get((b, a), 0.0) or times.get((a, b), 0.0))
                    for a, b in zip(path, path[1:], strict=False))
        t_in = sum(float(times.get((a, b), 0.0) or times.get((b, a), 0.0))
                   for a, b in zip(path, path[1:], strict=False))
        offpath_m = float(offroad_m[j]) * detour_factor
        chain = tuple(r for r in path if r < by_length.n_nodes)
        out.append((float(reach[m]) + offpath_m, park, chain, t_in, t_out, offpath_m))
    return out


def _explain_cut_off(G, result: list[SiteAccess], segs: RoadSegments, site_xy: np.ndarray,
                     drive_ok: np.ndarray, usable: np.ndarray, in_home: np.ndarray,
                     home: int, walk_offroad_m: float, profile: str, season: str,
                     table: SpeedTable) -> list[SiteAccess]:
    """Sites beyond the walking limit whose own road is cut off from the station: say
    why the road is cut (a ford closed in the wet season, a closure...)."""
    cut = [k for k, a in enumerate(result) if a.code == "walk_limit"]
    if not cut or home < 0:
        return result
    # roads a vehicle could use were it not for fords, closures or restrictions
    drop = {k.format(season=season) for _c, keys, _t in CAUSES for k in keys}
    could = drive_ok.copy()
    for e in np.flatnonzero(~drive_ok).tolist():
        free = {key: val for key, val in segs.edge_data[e].items() if key not in drop}
        could[e] = edge_speed_kph(free, profile, season, table) > 0
    could_segs = segs.segments_with(could)
    if not (could_segs & ~usable).any():
        return result
    snap = snap_points(segs, site_xy[cut], could_segs)
    own: dict[int, object] = {}
    for j, k in enumerate(cut):
        s = int(snap.seg[j])
        if s < 0 or usable[s] or snap.dist_m[j] > walk_offroad_m:
            continue
        ends = [int(x) for x in (segs.seg_a[s], segs.seg_b[s]) if not in_home[x]]
        if ends:
            own[k] = segs.nodes[ends[0]]
    if not own:
        return result
    why = explain_unreachable(G, segs.nodes[home], list(set(own.values())), profile, season,
                              table)
    for k, node in own.items():
        if node in why:
            code, text = why[node]
            a = result[k]
            result[k] = replace(a, reason=f"unreachable: {text}; on foot it is "
                                          f"{a.walk_m / 1000:.1f} km, beyond the walking limit",
                                code=code)
    return result


CAUSES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("ford_closed", ("ford",), "the road there crosses a ford that is closed in the {season} "
                               "season{where}"),
    ("closed", ("closed", "closed_{season}"), "the road there is closed{where}"),
    ("restricted", ("oneway", "access", "motorcycle", "motor_vehicle", "vehicle", "motorcar"),
     "the only roads there are one-way the wrong way or private{where}"),
)


def _variant_graph(G, nodes: list, index: dict, profile: str, season: str,
                   table: SpeedTable, drop: tuple[str, ...]) -> tuple[csr_matrix, list]:
    """Travel times with the tags in ``drop`` ignored; and the edges per matrix cell."""
    rows, cols, w, cells = [], [], [], []
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        d2 = {k: val for k, val in data.items() if k not in drop}
        speed = edge_speed_kph(d2, profile, season, table)
        if speed <= 0:
            continue
        rows.append(index[u])
        cols.append(index[v])
        w.append(max(1e-6, float(data.get("length", 0.0)) / (speed / 3.6)))
        cells.append(data)
    n = len(nodes)
    order = np.lexsort((np.asarray(w), np.asarray(cols), np.asarray(rows)))
    r, c, ww = (np.asarray(rows)[order], np.asarray(cols)[order], np.asarray(w)[order])
    first = np.ones(len(r), dtype=bool)
    first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    cell_data = {(int(a), int(b)): cells[int(i)] for a, b, i, f in
                 zip(r, c, order, first, strict=True) if f}
    return csr_matrix((ww[first], (r[first], c[first])), shape=(n, n)), cell_data


def explain_unreachable(G, station_node, site_nodes: list, profile: str, season: str,
                        table: SpeedTable) -> dict:
    """Why each of ``site_nodes`` cannot be reached from ``station_node`` and back.

    Returns ``{node: (code, reason)}`` for the nodes that are cut off. Each
    cause is tried alone (fords, closures, one-way/private roads); the first
    that, once ignored, connects the site names the reason, with the place
    (road name and lon/lat) of the ford or closure on the way.
    """
    nodes = list(G.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    base, _cells = _variant_graph(G, nodes, index, profile, season, table, ())
    s = index[station_node]
    there = dijkstra(base, directed=True, indices=[s])[0]
    back = dijkstra(base.T.tocsr(), directed=True, indices=[s])[0]
    cut = [n for n in site_nodes if not (np.isfinite(there[index[n]])
                                         and np.isfinite(back[index[n]]))]
    result: dict = {}
    for code, keys, text in CAUSES:
        if not cut:
            break
        drop = tuple(k.format(season=season) for k in keys)
        graph, cells = _variant_graph(G, nodes, index, profile, season, table, drop)
        d_to, pred_to = dijkstra(graph, directed=True, indices=[s], return_predecessors=True)
        d_back, pred_back = dijkstra(graph.T.tocsr(), directed=True, indices=[s],
                                     return_predecessors=True)
        for n in list(cut):
            i = index[n]
            if not (np.isfinite(d_to[0, i]) and np.isfinite(d_back[0, i])):
                continue
            blocked = _blocked_on_path(G, nodes, cells, pred_to[0], s, i, profile, season,
                                       table, reverse=False)
            blocked += _blocked_on_path(G, nodes, cells, pred_back[0], s, i, profile, season,
                                        table, reverse=True)
            where = ""
            if blocked:
                data, lon, lat = blocked[0]
                label = data.get("closure") or data.get("name") or f"way {data.get('osmid')}"
                where = f" ({label} at {lon:.5f}, {lat:.5f})"
            result[n] = (code, text.format(season=season, where=where))
            cut.remove(n)
    for n in cut:
        result[n] = ("disconnected", f"no road a {profile} can use in the {season} season "
                                     "joins it to the station")
    return result


def _blocked_on_path(G, nodes: list, cells: dict, pred: np.ndarray, s: int, t: int,
                     profile: str, season: str, table: SpeedTable, reverse: bool) -> list:
    """Edges on the tree path between ``s`` and ``t`` that the real model forbids."""
    out = []
    cur = t
    for _ in range(len(nodes)):
        p = int(pred[cur])
        if p < 0:
            break
        a, b = (cur, p) if reverse else (p, cur)
        data = cells.get((a, b))
        if data is not None and edge_speed_kph(data, profile, season, table) <= 0:
            ua, ub = G.nodes[nodes[a]], G.nodes[nodes[b]]
            out.append((data, (ua["x"] + ub["x"]) / 2, (ua["y"] + ub["y"]) / 2))
        cur = p
        if cur == s:
            break
    return out


def travel_matrices(G, sites: list[tuple[float, float]], season: str, table: SpeedTable,
                    walk_offroad_m: float = 30.0, walk_limit_m: float = 3000.0,
                    detour_factor: float = 1.3, profile: str = "motorbike") -> TravelMatrices:
    """Asymmetric time and distance matrices between ``sites`` (site 0 first).

    ``travel_s[i, j]`` = walk back from i to its parking point + ride between
    the parking points + walk from there to j. Pairs with no route, and sites
    that are unreachable, hold ``UNREACHABLE``.
    """
    found = _locate(G, sites, season, table, walk_offroad_m, walk_limit_m, detour_factor,
                    profile)
    access = found.access
    n = len(sites)
    ok = [i for i, a in enumerate(access) if a.reachable and found.anchors[i] is not None]
    graph = split_csr(found.segs, found.drive_w, found.segs.edge_lengths(),
                      [found.anchors[i] for i in ok])
    times, lengths = between_sites(graph.weight, graph.length_m, graph.anchor_rows)
    travel = np.full((n, n), float(UNREACHABLE))
    dist = np.full((n, n), float(UNREACHABLE))
    drive = np.full((n, n), float(UNREACHABLE))
    ok = [i for i, a in enumerate(access) if a.reachable and a.park_node is not None]
    if ok:
        t, d = times, lengths
        w_out = np.array([access[i].walk_out_s for i in ok])
        w_in = np.array([access[i].walk_in_s for i in ok])
        w_m = np.array([access[i].walk_m for i in ok])
        tt = w_out[:, None] + t + w_in[None, :]
        dd = w_m[:, None] + d + w_m[None, :]
        finite = np.isfinite(t)
        sub_t = np.where(finite, np.rint(tt), UNREACHABLE)
        sub_d = np.where(finite, np.rint(dd), UNREACHABLE)
        sub_dr = np.where(finite, np.rint(d), UNREACHABLE)
        travel[np.ix_(ok, ok)] = sub_t
        dist[np.ix_(ok, ok)] = sub_d
        drive[np.ix_(ok, ok)] = sub_dr
    np.fill_diagonal(travel, 0)
    np.fill_diagonal(dist, 0)
    np.fill_diagonal(drive, 0)
    if n > 1 and access[0].reachable and access[0].park_node is not None:
        cut = [i for i in range(1, n) if access[i].reachable and access[i].park_node is not None
               and (travel[0, i] >= UNREACHABLE or travel[i, 0] >= UNREACHABLE)]
        if cut:
            why = explain_unreachable(G, access[0].park_node,
                                      list({access[i].park_node for i in cut}), profile,
                                      season, table)
            access = list(access)
            for i in cut:
                code, reason = why.get(access[i].park_node, ("disconnected", "no road"))
                access[i] = replace(access[i], reason=f"unreachable: {reason}", code=code)
    return TravelMatrices(travel_s=travel.astype(np.int64), distance_m=dist.astype(np.int64),
                          drive_m=drive.astype(np.int64), access=tuple(access),
                          profile=profile, season=season, roads=roads_provenance(G))
