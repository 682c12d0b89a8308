"""Sites on road edges: project points onto the nearest edge, split edges at them.

Road graphs are osmnx-style ``MultiDiGraph`` s: every road is drawn in both
directions (a one-way road in one), with an optional ``geometry`` (a shapely
LineString in lon/lat, oriented ``u → v``; a straight line between the nodes
when absent). ``road_segments`` groups the directed edges that run along the
same line into one *segment* ``a–b`` (the two directions of a road, and
parallel copies), measured in a local metric projection (equirectangular
metres around the graph's mean latitude, good to 0.1 % over a district).

``snap_points`` projects points onto the nearest of the chosen segments (a
shapely STRtree): the segment, the fraction along it from ``a`` (by the
geometry's length), the distance in metres and the projected point.
``split_csr`` compiles the directed edges that have a weight into a sparse
matrix for ``scipy.sparse.csgraph``, with one extra (virtual) node per
snapped point: each edge of a segment holding points is replaced by the chain
through them, every piece costed at that edge's weight per metre in its own
direction (uphill and downhill differ). Two points on the same edge are then
joined directly along it; a point on a loop edge (both ends the same node) or
on a one-way edge gets exactly the moves the edge allows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from planner.geo import EARTH_RADIUS_M

#: fractions closer than this to an end of the segment snap to the end node (no
#: zero-length pieces, which a sparse matrix could not hold)
END_EPS = 1e-9


@dataclass(frozen=True)
class RoadSegments:
    """The directed edges of a graph and the segments (lines) they run along.

    Node rows: ``nodes[i]`` is the graph node of row ``i``, ``xy[i]`` its local
    metres. Directed edges (one entry per edge of ``G``, in ``G.edges`` order):
    ``edge_u``/``edge_v`` rows, ``edge_key``, ``edge_data`` (the attribute
    dicts, read live), ``edge_seg`` its segment and ``edge_fwd`` whether it
    runs ``a → b`` along the segment. Segments: end rows ``seg_a``/``seg_b``,
    ``lines`` (shapely LineStrings in local metres, oriented ``a → b``);
    ``members(s)`` the edges of segment ``s`` (``seg_order``/``seg_start``).
    """

    nodes: tuple
    index: dict
    xy: np.ndarray
    lat0: float
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_key: tuple
    edge_data: tuple
    edge_seg: np.ndarray
    edge_fwd: np.ndarray
    seg_a: np.ndarray
    seg_b: np.ndarray
    lines: np.ndarray
    seg_order: np.ndarray
    seg_start: np.ndarray

    def members(self, seg: int) -> np.ndarray:
        """The directed edges (positions) of segment ``seg``."""
        return self.seg_order[self.seg_start[seg]:self.seg_start[seg + 1]]

    def to_xy(self, lon, lat) -> np.ndarray:
        """(lon, lat) in degrees → local metres, shape ``(k, 2)``."""
        k = math.pi / 180.0 * EARTH_RADIUS_M
        lon = np.atleast_1d(np.asarray(lon, dtype=np.float64))
        lat = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        return np.column_stack([lon * k * math.cos(math.radians(self.lat0)), lat * k])

    def to_lonlat(self, xy: np.ndarray) -> np.ndarray:
        """Local metres → (lon, lat) in degrees, shape ``(k, 2)``."""
        k = math.pi / 180.0 * EARTH_RADIUS_M
        xy = np.atleast_2d(np.asarray(xy, dtype=np.float64))
        return np.column_stack([xy[:, 0] / (k * math.cos(math.radians(self.lat0))),
                                xy[:, 1] / k])

    def edge_weights(self, attr: str) -> np.ndarray:
        """``attr`` of every directed edge as floats, ``nan`` where the edge has none
        (a profile that may not use it)."""
        return np.fromiter((float(d[attr]) if d.get(attr) is not None else np.nan
                            for d in self.edge_data), dtype=np.float64,
                           count=len(self.edge_data))

    def edge_lengths(self) -> np.ndarray:
        """``length`` (m) of every directed edge."""
        return np.fromiter((float(d.get("length", 0.0) or 0.0) for d in self.edge_data),
                           dtype=np.float64, count=len(self.edge_data))

    def segments_with(self, edge_mask: np.ndarray) -> np.ndarray:
        """Boolean mask of the segments that hold at least one edge of ``edge_mask``."""
        out = np.zeros(len(self.seg_a), dtype=bool)
        out[self.edge_seg[np.asarray(edge_mask, dtype=bool)]] = True
        return out

    def edge_on(self, seg: int, fraction: float, prefer: np.ndarray | None = None,
                ) -> tuple[tuple, float]:
        """A graph edge ``(u, v, key)`` of segment ``seg`` and the fraction along it
        from ``u``: the first edge running ``a → b`` (among ``prefer`` edges if
        given), else one running back (fraction ``1 − fraction``)."""
        members = self.members(seg)
        if prefer is not None and prefer[members].any():
            members = members[prefer[members]]
        fwd = members[self.edge_fwd[members]]
        e = int(fwd[0]) if len(fwd) else int(members[0])
        f = fraction if self.edge_fwd[e] else 1.0 - fraction
        return (self.nodes[self.edge_u[e]], self.nodes[self.edge_v[e]], self.edge_key[e]), f


def road_segments(G) -> RoadSegments:
    """Group the directed edges of ``G`` into segments (see the module docstring).

    Reads node ``x``, ``y`` (lon, lat) and edge ``geometry`` when present. A
    loop edge of zero length (no geometry) is left out.
    """
    # imported here: shapely (GEOS) loads only where geometry is built
    import shapely

    nodes = list(G.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    lon = np.fromiter((G.nodes[n]["x"] for n in nodes), dtype=np.float64, count=len(nodes))
    lat = np.fromiter((G.nodes[n]["y"] for n in nodes), dtype=np.float64, count=len(nodes))
    lat0 = float(np.mean(lat)) if len(lat) else 0.0
    k = math.pi / 180.0 * EARTH_RADIUS_M
    kx = k * math.cos(math.radians(lat0))
    xy = np.column_stack([lon * kx, lat * k])

    seg_of: dict[tuple, int] = {}
    seg_a: list[int] = []
    seg_b: list[int] = []
    seg_coords: list[np.ndarray | None] = []  # lon/lat vertices; None: straight a–b
    eu, ev, ekey, edata, eseg, efwd = [], [], [], [], [], []
    for u, v, key, data in G.edges(keys=True, data=True):
        iu, iv = index[u], index[v]
        geom = data.get("geometry")
        coords = None
        if geom is not None and hasattr(geom, "coords"):
            coords = np.asarray(geom.coords, dtype=np.float64)[:, :2]
            # the two directions of a road match to ~1 cm (rounded for the key only)
            rounded = np.round(coords, 7)
            shape = rounded.tobytes()
            back = rounded[::-1].tobytes()
            if iu == iv and len(np.unique(rounded, axis=0)) < 2:
                continue
        elif iu == iv:
            continue  # a loop without geometry has no length to stand on
        else:
            shape = back = b""
        fwd = iu < iv or (iu == iv and shape <= back)
        a, b = (iu, iv) if fwd else (iv, iu)
        skey = (a, b, shape if fwd else back)
        s = seg_of.get(skey)
        if s is None:
            s = seg_of[skey] = len(seg_a)
            seg_a.append(a)
            seg_b.append(b)
            seg_coords.append(None if coords is None else (coords if fwd else coords[::-1]))
        eu.append(iu)
        ev.append(iv)
        ekey.append(key)
        edata.append(data)
        eseg.append(s)
        efwd.append(fwd)
    if seg_coords:
        a_arr, b_arr = np.asarray(seg_a), np.asarray(seg_b)
        ends = np.stack([lon[a_arr], lat[a_arr], lon[b_arr], lat[b_arr]], axis=1)
        ends = ends.reshape(-1, 2, 2)
        parts = [ends[i] if c is None else c for i, c in enumerate(seg_coords)]
        counts = np.fromiter((len(c) for c in parts), dtype=np.int64, count=len(parts))
        flat = np.concatenate(parts) * np.array([kx, k])
        lines = shapely.linestrings(flat, indices=np.repeat(np.arange(len(parts)), counts))
    else:
        lines = np.array([], dtype=object)
    edge_seg = np.asarray(eseg, dtype=np.int64)
    seg_order = np.argsort(edge_seg, kind="stable")
    seg_start = np.searchsorted(edge_seg[seg_order], np.arange(len(seg_a) + 1))
    return RoadSegments(
        nodes=tuple(nodes), index=index, xy=xy, lat0=lat0,
        edge_u=np.asarray(eu, dtype=np.int64), edge_v=np.asarray(ev, dtype=np.int64),
        edge_key=tuple(ekey), edge_data=tuple(edata), edge_seg=edge_seg,
        edge_fwd=np.asarray(efwd, dtype=bool), seg_a=np.asarray(seg_a, dtype=np.int64),
        seg_b=np.asarray(seg_b, dtype=np.int64), lines=np.asarray(lines), seg_order=seg_order,
        seg_start=seg_start)


@dataclass(frozen=True)
class Snapped:
    """Points projected onto segments: per point the segment (``-1`` when no
    segment was allowed), the fraction along it from ``a`` (0–1, by geometry
    length), the distance (m) and the projected point (local metres)."""

    seg: np.ndarray
    fraction: np.ndarray
    dist_m: np.ndarray
    point_xy: np.ndarray


def snap_points(segs: RoadSegments, points_xy: np.ndarray, seg_mask: np.ndarray) -> Snapped:
    """Project each point onto the nearest segment among ``seg_mask``.

    Ties (a point at a junction) go to the lowest segment number, so the
    answer is deterministic.
    """
    # imported here: shapely (GEOS) loads only where geometry is built
    import shapely
    from shapely import STRtree

    points_xy = np.atleast_2d(np.asarray(points_xy, dtype=np.float64))
    k = len(points_xy)
    allowed = np.flatnonzero(seg_mask)
    if k == 0 or len(allowed) == 0:
        return Snapped(np.full(k, -1, dtype=np.int64), np.zeros(k), np.full(k, np.inf),
                       points_xy.copy())
    pts = shapely.points(points_xy)
    tree = STRtree(segs.lines[allowed])
    (q, t), _d = tree.query_nearest(pts, return_distance=True, all_matches=True)
    order = np.lexsort((allowed[t], q))
    q, t = q[order], t[order]
    first = np.ones(len(q), dtype=bool)
    first[1:] = q[1:] != q[:-1]
    seg = np.empty(k, dtype=np.int64)
    seg[q[first]] = allowed[t[first]]
    lines = segs.lines[seg]
    fraction = np.clip(shapely.line_locate_point(lines, pts, normalized=True), 0.0, 1.0)
    proj = shapely.line_interpolate_point(lines, fraction, normalized=True)
    point_xy = shapely.get_coordinates(proj)
    dist = np.hypot(*(point_xy - points_xy).T)
    return Snapped(seg=seg, fraction=fraction, dist_m=dist, point_xy=point_xy)


def _compile_csr(rows: np.ndarray, cols: np.ndarray, w: np.ndarray, length: np.ndarray,
             n: int) -> tuple[csr_matrix, csr_matrix]:
    """Sparse weight and length matrices keeping the cheapest of parallel edges."""
    order = np.lexsort((w, cols, rows))
    rows, cols, w, length = rows[order], cols[order], w[order], length[order]
    if len(rows):
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        rows, cols, w, length = rows[first], cols[first], w[first], length[first]
    # a zero weight would vanish from a sparse matrix: keep it tiny instead
    weight = csr_matrix((np.maximum(w, 1e-6), (rows, cols)), shape=(n, n))
    lengths = csr_matrix((np.maximum(length, 1e-6), (rows, cols)), shape=(n, n))
    return weight, lengths


@dataclass(frozen=True)
class SplitGraph:
    """A sparse graph with virtual nodes at snapped points.

    Rows ``0 … n−1`` are the graph's nodes (``RoadSegments.nodes``), rows from
    ``n`` the virtual nodes; ``anchor_rows[i]`` is the row of anchor ``i`` (an
    end node when the point lies at an end of its segment).
    """

    weight: csr_matrix
    length_m: csr_matrix
    anchor_rows: np.ndarray
    n_nodes: int


def split_csr(segs: RoadSegments, weight: np.ndarray, length: np.ndarray,
              anchors: list[tuple[int, float]]) -> SplitGraph:
    """The directed edges with a finite ``weight`` as a sparse graph, split at
    ``anchors`` (``(segment, fraction from a)`` pairs; see the module docstring).

    Each piece of a split edge gets ``weight`` and ``length`` in proportion to
    its share of the segment. Anchors at the same place share a virtual node.
    """
    n = len(segs.nodes)
    usable = np.isfinite(weight) & (segs.edge_u != segs.edge_v)
    loops = np.isfinite(weight) & (segs.edge_u == segs.edge_v)
    anchor_rows = np.empty(len(anchors), dtype=np.int64)
    on_seg: dict[int, list[float]] = {}
    for i, (s, f) in enumerate(anchors):
        if f <= END_EPS:
            anchor_rows[i] = segs.seg_a[s]
        elif f >= 1.0 - END_EPS:
            anchor_rows[i] = segs.seg_b[s]
        else:
            on_seg.setdefault(int(s), []).append(float(f))
    virtual: dict[tuple[int, float], int] = {}
    for s in sorted(on_seg):
        for f in sorted(set(on_seg[s])):
            virtual[(s, f)] = n + len(virtual)
    for i, (s, f) in enumerate(anchors):
        if END_EPS < f < 1.0 - END_EPS:
            anchor_rows[i] = virtual[(int(s), float(f))]
    split = np.zeros(len(segs.seg_a), dtype=bool)
    split[list(on_seg)] = True
    keep = usable & ~split[segs.edge_seg]
    rows = [segs.edge_u[keep]]
    cols = [segs.edge_v[keep]]
    ws = [weight[keep]]
    lens = [length[keep]]
    for e in np.flatnonzero((usable | loops) & split[segs.edge_seg]).tolist():
        s = int(segs.edge_seg[e])
        fr = sorted(set(on_seg[s]))
        chain = [int(segs.seg_a[s])] + [virtual[(s, f)] for f in fr] + [int(segs.seg_b[s])]
        at = np.array([0.0] + fr + [1.0])
        if not segs.edge_fwd[e]:
            chain = chain[::-1]
            at = 1.0 - at[::-1]
        share = np.diff(at)
        rows.append(np.asarray(chain[:-1], dtype=np.int64))
        cols.append(np.asarray(chain[1:], dtype=np.int64))
        ws.append(share * weight[e])
        lens.append(share * length[e])
    total = n + len(virtual)
    w_csr, len_csr = _compile_csr(np.concatenate(rows), np.concatenate(cols),
                                  np.concatenate(ws), np.concatenate(lens), total)
    return SplitGraph(weight=w_csr, length_m=len_csr, anchor_rows=anchor_rows, n_nodes=n)
