"""Travel matrices between sites, from a road graph with travel times.

Sites (the station and households, given as ``(lon, lat)``) are snapped to the
road graph. A site farther than ``walk_offroad_m`` from a road a motorbike may
use is reached the last-mile way: ride to a parking point on the drivable
network, then walk (along paths where they exist, else a straight line with a
detour factor at Tobler's off-path speed), and walk back afterwards.

Shortest paths run with ``scipy.sparse.csgraph.dijkstra`` from the snapped
nodes only. Matrices are asymmetric (uphill differs from downhill) and hold
integers: seconds and metres.

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
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from planner.speeds import SpeedTable, edge_speed_kph, walk_offpath_kph

EARTH_RADIUS_M = 6_371_008.8


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


def to_csr(G, weight: str, nodes: list | None = None) -> CsrGraph:
    """Compile the edges of ``G`` that have ``weight`` into a ``CsrGraph``.

    Edges without the attribute (forbidden for that profile and season) are
    left out. Among parallel edges the one with the least weight is kept.
    """
    nodes = list(G.nodes) if nodes is None else nodes
    index = {n: i for i, n in enumerate(nodes)}
    rows, cols, w, length = [], [], [], []
    for u, v, data in G.edges(data=True):
        value = data.get(weight)
        if value is None or u == v:
            continue
        rows.append(index[u])
        cols.append(index[v])
        w.append(float(value))
        length.append(float(data.get("length", 0.0)))
    n = len(nodes)
    rows_a = np.asarray(rows, dtype=np.int64)
    cols_a = np.asarray(cols, dtype=np.int64)
    w_a = np.asarray(w, dtype=np.float64)
    len_a = np.asarray(length, dtype=np.float64)
    # keep the cheapest of parallel edges: sort by (row, col, weight), take firsts
    order = np.lexsort((w_a, cols_a, rows_a))
    rows_a, cols_a, w_a, len_a = rows_a[order], cols_a[order], w_a[order], len_a[order]
    if len(rows_a):
        first = np.ones(len(rows_a), dtype=bool)
        first[1:] = (rows_a[1:] != rows_a[:-1]) | (cols_a[1:] != cols_a[:-1])
        rows_a, cols_a, w_a, len_a = rows_a[first], cols_a[first], w_a[first], len_a[first]
    # a zero weight would vanish from a sparse matrix: keep it tiny instead
    w_a = np.maximum(w_a, 1e-6)
    weight_m = csr_matrix((w_a, (rows_a, cols_a)), shape=(n, n))
    length_m = csr_matrix((np.maximum(len_a, 1e-6), (rows_a, cols_a)), shape=(n, n))
    return CsrGraph(weight=weight_m, length_m=length_m, nodes=tuple(nodes), index=index)


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
    import multiprocessing

    ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        blocks = list(pool.map(_dijkstra_block, [(graph, p, targets) for p in parts]))
    return np.vstack(blocks)


def _local_xy(lon: np.ndarray, lat: np.ndarray, lat0: float) -> np.ndarray:
    """Equirectangular metres around latitude ``lat0`` (good to 0.1 % over a district)."""
    k = math.pi / 180.0 * EARTH_RADIUS_M
    return np.column_stack([np.asarray(lon) * k * math.cos(math.radians(lat0)),
                            np.asarray(lat) * k])


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


@dataclass(frozen=True)
class SiteAccess:
    """How a site is reached. ``park_node`` is the graph node where the
    motorbikes wait; ``walk_m`` the one-way walk from there (0 on a road);
    ``walk_in_s``/``walk_out_s`` the walk to and from the site with the kit.
    ``walk_nodes`` is the walking path from the parking point (graph nodes,
    possibly empty for a straight-line walk). ``reason`` is set when unreachable.
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

    @property
    def reachable(self) -> bool:
        return not self.reason


@dataclass(frozen=True)
class TravelMatrices:
    """Asymmetric travel between sites: ``travel_s[i, j]`` and ``distance_m[i, j]``
    (ints; walking included), ``drive_m[i, j]`` the motorbike part alone.
    Unreachable pairs hold ``UNREACHABLE``."""

    travel_s: np.ndarray
    distance_m: np.ndarray
    drive_m: np.ndarray
    access: tuple[SiteAccess, ...]
    profile: str
    season: str


UNREACHABLE = 10**9


def _node_xy(G, nodes) -> tuple[np.ndarray, np.ndarray]:
    lon = np.fromiter((G.nodes[n]["x"] for n in nodes), dtype=np.float64, count=len(nodes))
    lat = np.fromiter((G.nodes[n]["y"] for n in nodes), dtype=np.float64, count=len(nodes))
    return lon, lat


def site_access(G, sites: list[tuple[float, float]], season: str, table: SpeedTable,
                walk_offroad_m: float, walk_limit_m: float, detour_factor: float,
                profile: str = "motorbike") -> list[SiteAccess]:
    """Find each site's parking point and walking leg (see the module docstring)."""
    drive_attr, walk_attr = f"tt_{profile}_{season}", f"tt_walk_{season}"
    nodes = list(G.nodes)
    lon, lat = _node_xy(G, nodes)
    lat0 = float(np.mean(lat)) if len(lat) else 0.0
    xy = _local_xy(lon, lat, lat0)
    drivable = np.zeros(len(nodes), dtype=bool)
    walkable = np.zeros(len(nodes), dtype=bool)
    index = {n: i for i, n in enumerate(nodes)}
    for u, v, data in G.edges(data=True):
        if drive_attr in data:
            drivable[index[u]] = drivable[index[v]] = True
        if walk_attr in data:
            walkable[index[u]] = walkable[index[v]] = True
    # only the drivable part connected both ways to the first site (the station)
    # counts: an island of tracks beyond a footpath is not a parking place
    drive_graph = to_csr(G, drive_attr, nodes)
    drivable_all = drivable.copy()
    home = -1
    if sites and drivable.any():
        from scipy.sparse.csgraph import connected_components

        _, label = connected_components(drive_graph.weight, directed=True, connection="strong")
        cand = np.flatnonzero(drivable)
        xy0 = _local_xy(np.array([sites[0][0]]), np.array([sites[0][1]]),
                        float(np.mean(lat)))[0]
        home = cand[int(np.argmin(np.hypot(*(xy[cand] - xy0).T)))]
        drivable &= label == label[home]
    site_lon = np.array([s[0] for s in sites])
    site_lat = np.array([s[1] for s in sites])
    site_xy = _local_xy(site_lon, site_lat, lat0)
    offpath_mps = walk_offpath_kph(table) / 3.6

    drive_ids = np.flatnonzero(drivable)
    walk_ids = np.flatnonzero(walkable)
    if len(drive_ids) == 0:
        reason = f"no road in the network is open to a {profile} in the {season} season"
        return [SiteAccess(s[0], s[1], None, s[0], s[1], 0, 0, 0, (), reason, "no_roads")
                for s in sites]
    drive_tree = cKDTree(xy[drive_ids])
    d_drive, i_drive = drive_tree.query(site_xy)
    if len(walk_ids):
        walk_tree = cKDTree(xy[walk_ids])
        d_walk, i_walk = walk_tree.query(site_xy)
    else:
        d_walk = np.full(len(sites), np.inf)
        i_walk = np.zeros(len(sites), dtype=np.int64)

    needs_walk = [k for k in range(len(sites)) if d_drive[k] > walk_offroad_m]
    walk_graph = to_csr(G, walk_attr, nodes) if needs_walk and len(walk_ids) else None
    walk_len_graph = None
    if walk_graph is not None:
        # choose walking routes by length (the walking limit is a distance)
        walk_len_graph = CsrGraph(walk_graph.length_m, walk_graph.length_m,
                                  walk_graph.nodes, walk_graph.index)
    result: list[SiteAccess] = []
    snap_sources = {k: int(walk_ids[i_walk[k]]) for k in needs_walk} if len(walk_ids) else {}
    dist_rows: dict[int, np.ndarray] = {}
    pred_rows: dict[int, np.ndarray] = {}
    if walk_len_graph is not None and snap_sources:
        uniq = sorted(set(snap_sources.values()))
        dist, pred = dijkstra(walk_len_graph.weight, directed=True, indices=uniq,
                              return_predecessors=True, limit=walk_limit_m * 1.01)
        for r, src in enumerate(uniq):
            dist_rows[src] = dist[r]
            pred_rows[src] = pred[r]

    for k, (s_lon, s_lat) in enumerate(sites):
        if d_drive[k] <= walk_offroad_m:
            node = nodes[drive_ids[i_drive[k]]]
            result.append(SiteAccess(s_lon, s_lat, node, float(lon[index[node]]),
                                     float(lat[index[node]]), 0.0, 0.0, 0.0))
            continue
        # candidate 1: straight across country to the nearest drivable node
        best = (float(d_drive[k]) * detour_factor, int(drive_ids[i_drive[k]]), ())
        # candidate 2: to the nearest path node, then along paths to a drivable node
        if k in snap_sources and snap_sources[k] in dist_rows:
            src = snap_sources[k]
            dist = dist_rows[src]
            reach = dist[drive_ids]
            if np.isfinite(reach).any():
                j = int(np.argmin(reach))
                total = float(reach[j]) + float(d_walk[k]) * detour_factor
                if total < best[0]:
                    park = int(drive_ids[j])
                    chain = [park]
                    pred = pred_rows[src]
                    while chain[-1] != src and pred[chain[-1]] >= 0:
                        chain.append(int(pred[chain[-1]]))
                    best = (total, park, tuple(chain))  # park ... snap node
        walk_m, park, chain = best
        park_node = nodes[park]
        if walk_m > walk_limit_m:
            result.append(SiteAccess(
                s_lon, s_lat, park_node, float(lon[park]), float(lat[park]), walk_m, 0, 0,
                (), f"unreachable: {walk_m / 1000:.1f} km on foot beyond the walking limit "
                    f"of {walk_limit_m / 1000:.1f} km", "walk_limit"))
            continue
        walk_in, walk_out = _walk_times(G, [nodes[i] for i in chain], walk_attr)
        off_m = (walk_m - _chain_length(G, [nodes[i] for i in chain])) if chain else walk_m
        walk_in += off_m / offpath_mps
        walk_out += off_m / offpath_mps
        result.append(SiteAccess(s_lon, s_lat, park_node, float(lon[park]), float(lat[park]),
                                 walk_m, walk_in, walk_out, tuple(nodes[i] for i in chain)))
    return _explain_cut_off(G, result, nodes, xy, site_xy, drivable_all, drivable, home,
                            walk_offroad_m, profile, season, table)


def _explain_cut_off(G, result: list[SiteAccess], nodes: list, xy: np.ndarray,
                     site_xy: np.ndarray, drivable_all: np.ndarray, drivable: np.ndarray,
                     home: int, walk_offroad_m: float, profile: str, season: str,
                     table: SpeedTable) -> list[SiteAccess]:
    """Sites beyond the walking limit whose own road is cut off from the station: say
    why the road is cut (a ford closed in the wet season, a closure...)."""
    cut = [k for k, a in enumerate(result) if a.code == "walk_limit"]
    if not cut or home < 0:
        return result
    # roads a vehicle could use were it not for fords, closures or restrictions
    drop = {k.format(season=season) for _c, keys, _t in CAUSES for k in keys}
    index = {n: i for i, n in enumerate(nodes)}
    could = drivable_all.copy()
    for u, v, data in G.edges(data=True):
        if not (could[index[u]] and could[index[v]]):
            free = {k: val for k, val in data.items() if k not in drop}
            if edge_speed_kph(free, profile, season, table) > 0:
                could[index[u]] = could[index[v]] = True
    extra = np.flatnonzero(could & ~drivable)
    if not len(extra):
        return result
    d, i = cKDTree(xy[extra]).query(site_xy[cut])
    own = {k: nodes[int(extra[j])] for k, dist, j in zip(cut, d, i, strict=True)
           if dist <= walk_offroad_m}
    if not own:
        return result
    why = explain_unreachable(G, nodes[home], list(set(own.values())), profile, season, table)
    for k, node in own.items():
        if node in why:
            code, text = why[node]
            a = result[k]
            result[k] = replace(a, reason=f"unreachable: {text}; on foot it is "
                                          f"{a.walk_m / 1000:.1f} km, beyond the walking limit",
                                code=code)
    return result


def _edge_min(G, u, v, attr: str) -> dict:
    best = None
    for data in G.get_edge_data(u, v, default={}).values():
        if attr in data and (best is None or data[attr] < best[attr]):
            best = data
    return best or {}


def _chain_length(G, chain: list) -> float:
    return sum(float(_edge_min(G, a, b, "length").get("length", 0.0))
               for a, b in zip(chain, chain[1:], strict=False))


def _walk_times(G, chain: list, attr: str) -> tuple[float, float]:
    """Seconds along ``chain`` (park → house) and back (house → park)."""
    t_in = sum(float(_edge_min(G, a, b, attr).get(attr, 0.0))
               for a, b in zip(chain, chain[1:], strict=False))
    back = list(reversed(chain))
    t_out = sum(float(_edge_min(G, a, b, attr).get(attr, 0.0))
                for a, b in zip(back, back[1:], strict=False))
    return t_in, t_out


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
                    walk_offroad_m: float = 150.0, walk_limit_m: float = 3000.0,
                    detour_factor: float = 1.3, profile: str = "motorbike") -> TravelMatrices:
    """Asymmetric time and distance matrices between ``sites`` (site 0 first).

    ``travel_s[i, j]`` = walk back from i to its parking point + ride between
    the parking points + walk from there to j. Pairs with no route, and sites
    that are unreachable, hold ``UNREACHABLE``.
    """
    access = site_access(G, sites, season, table, walk_offroad_m, walk_limit_m,
                         detour_factor, profile)
    n = len(sites)
    attr = f"tt_{profile}_{season}"
    graph = to_csr(G, attr)
    park_rows = sorted({graph.index[a.park_node] for a in access
                        if a.reachable and a.park_node is not None})
    times, lengths = shortest_from(graph, np.array(park_rows, dtype=np.int64))
    row_of = {r: k for k, r in enumerate(park_rows)}
    travel = np.full((n, n), float(UNREACHABLE))
    dist = np.full((n, n), float(UNREACHABLE))
    drive = np.full((n, n), float(UNREACHABLE))
    ok = [i for i, a in enumerate(access) if a.reachable and a.park_node is not None]
    if ok:
        p = np.array([graph.index[access[i].park_node] for i in ok])
        rows = np.array([row_of[graph.index[access[i].park_node]] for i in ok])
        t = times[np.ix_(rows, p)]
        d = lengths[np.ix_(rows, p)]
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
                          profile=profile, season=season)
