"""Time matrix benchmark: 2,000 × 2,000 shortest-path times on a ≥100k-edge road graph.

The graph is generated (fixed seed), not real: a 220 × 220 grid of junctions
about 150 m apart, jittered; a random spanning tree of it plus 10 % of the
remaining links, so that it has the dead ends and long chains of a mountain
network; both directions of every link, with travel times from the project's
speed table (road classes and surfaces drawn at random, grades from a smooth
synthetic terrain, so uphill and downhill differ). That is 48,400 nodes and
about 106,000 directed edges, the size quoted in docs/DESIGN.md.

The sites are 2,000 points beside random roads (up to 25 m off), snapped as the
planner snaps households: projected onto the nearest edge
(``planner.roads.snap``), each edge cut at its sites into pieces costed in
proportion (``split_csr``). Snapping and cutting are timed with the matrix.

Compared:
- ``planner.matrix.time_matrix``: exact graph reduction + scipy Dijkstra split
  over the CPUs (processes);
- scipy Dijkstra on the full (cut) graph, one process (timed on 200 sources,
  scaled);
- networkx ``single_source_dijkstra_path_length`` on the MultiDiGraph cut at the
  same snapped points by networkx itself (timed on a few sources, scaled to
  2,000).

Run: ``python benchmarks/matrix.py [--sources 2000] [--side 220] [--seed 7]
[--nx-sources 10]``. The last line compares the answers with networkx on 100
random site pairs.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.matrix import reduce_to_terminals, time_matrix  # noqa: E402
from planner.roads.snap import road_segments, snap_points, split_csr  # noqa: E402
from planner.speeds import add_travel_times, load_speed_table  # noqa: E402

CLASSES = (("secondary", "asphalt", 0.05), ("unclassified", "gravel", 0.25),
           ("track", "dirt", 0.45), ("track", "rock", 0.10), ("residential", "concrete", 0.15))


def road_graph(side: int, seed: int):
    """The generated road-like MultiDiGraph (see the module docstring)."""
    import networkx as nx
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import minimum_spanning_tree

    rng = np.random.default_rng(seed)
    n = side * side
    ids = np.arange(n).reshape(side, side)
    r = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    c = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    tree = minimum_spanning_tree(csr_matrix((rng.uniform(1, 2, len(r)), (r, c)),
                                            shape=(n, n))).tocoo()
    in_tree = set(zip(np.minimum(tree.row, tree.col).tolist(),
                      np.maximum(tree.row, tree.col).tolist(), strict=True))
    keep = np.array([(a, b) in in_tree for a, b in zip(r.tolist(), c.tolist(), strict=True)])
    keep |= rng.random(len(r)) < 0.10
    r, c = r[keep], c[keep]
    step_deg = 150 / 111_320
    gx, gy = np.meshgrid(np.arange(side), np.arange(side))
    lon = 103.0 + (gx.ravel() + rng.uniform(-0.3, 0.3, n)) * step_deg
    lat = 21.5 + (gy.ravel() + rng.uniform(-0.3, 0.3, n)) * step_deg
    elev = (800 + 400 * np.sin(gx.ravel() / 17.0) * np.cos(gy.ravel() / 23.0)
            + 3 * gx.ravel())
    G = nx.MultiDiGraph(crs="epsg:4326", name="generated benchmark network")
    for i in range(n):
        G.add_node(i, x=float(lon[i]), y=float(lat[i]), elevation=float(elev[i]))
    probs = np.array([p for *_x, p in CLASSES])
    kinds = rng.choice(len(CLASSES), size=len(r), p=probs / probs.sum())
    for a, b, k in zip(r.tolist(), c.tolist(), kinds.tolist(), strict=True):
        dx = (lon[a] - lon[b]) * 111_320 * math.cos(math.radians(lat[a]))
        dy = (lat[a] - lat[b]) * 111_320
        length = max(1.0, math.hypot(dx, dy) * rng.uniform(1.0, 1.4))
        grade = (elev[b] - elev[a]) / length
        highway, surface, _p = CLASSES[k]
        for u, v, g, rev in ((a, b, grade, False), (b, a, -grade, True)):
            G.add_edge(u, v, highway=highway, surface=surface, length=length,
                       grade=g, reversed=rev, oneway=False)
    return G


def random_sites(G, k: int, rng: np.random.Generator, max_off_m: float = 25.0,
                 ) -> list[tuple[float, float]]:
    """``k`` (lon, lat) points beside random edges: a random point of the edge moved
    up to ``max_off_m`` in a random direction (as houses stand beside a road)."""
    edges = list(G.edges())
    out = []
    for e in rng.choice(len(edges), size=k).tolist():
        u, v = edges[e]
        f = rng.uniform(0, 1)
        x = G.nodes[u]["x"] + f * (G.nodes[v]["x"] - G.nodes[u]["x"])
        y = G.nodes[u]["y"] + f * (G.nodes[v]["y"] - G.nodes[u]["y"])
        r, ang = rng.uniform(0, max_off_m), rng.uniform(0, 2 * math.pi)
        out.append((x + r * math.cos(ang) / (111_320 * math.cos(math.radians(y))),
                    y + r * math.sin(ang) / 111_320))
    return out


def split_networkx(G, segs, snapped, attr: str):
    """A copy of ``G`` with each site as a node ``("site", i)`` cutting its edge,
    built with networkx from the snapped (segment, fraction) alone: the check
    that ``split_csr`` costs the pieces right."""
    H = G.copy()
    cuts: dict[tuple, list[tuple[float, object]]] = {}
    for i, (s, f) in enumerate(zip(snapped.seg.tolist(), snapped.fraction.tolist(),
                                   strict=True)):
        a, b = segs.nodes[segs.seg_a[s]], segs.nodes[segs.seg_b[s]]
        if f <= 1e-9 or f >= 1 - 1e-9:  # at an end: the site is that node
            end = a if f <= 1e-9 else b
            H.add_edge(("site", i), end, **{attr: 0.0})
            H.add_edge(end, ("site", i), **{attr: 0.0})
        else:
            cuts.setdefault((a, b), []).append((f, ("site", i)))
    for (a, b), marks in cuts.items():
        marks.sort(key=lambda m: m[0])
        for x, y, seq in ((a, b, marks), (b, a, [(1 - f, n) for f, n in reversed(marks)])):
            if not H.has_edge(x, y):
                continue
            w = min(d[attr] for d in H[x][y].values())
            H.remove_edges_from([(x, y, kk) for kk in list(H[x][y])])
            chain = [(0.0, x)] + seq + [(1.0, y)]
            for (f1, p1), (f2, p2) in zip(chain, chain[1:], strict=False):
                if p1 != p2:
                    H.add_edge(p1, p2, **{attr: (f2 - f1) * w})
    return H


def main() -> None:
    import networkx as nx
    from scipy.sparse.csgraph import dijkstra

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=int, default=2000)
    ap.add_argument("--side", type=int, default=220)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--nx-sources", type=int, default=10)
    args = ap.parse_args()

    t0 = time.perf_counter()
    G = road_graph(args.side, args.seed)
    add_travel_times(G, load_speed_table(), profiles=("motorbike",), seasons=("dry",))
    attr = "tt_motorbike_dry"
    build_s = time.perf_counter() - t0
    rng = np.random.default_rng(args.seed)
    k = args.sources
    points = random_sites(G, k, rng)

    # the planner's way: snap to the nearest edge, cut the edges at the sites
    t = time.perf_counter()
    segs = road_segments(G)
    weight = segs.edge_weights(attr)
    snapped = snap_points(segs, segs.to_xy([p[0] for p in points], [p[1] for p in points]),
                          segs.segments_with(np.isfinite(weight)))
    split = split_csr(segs, weight, segs.edge_lengths(),
                      list(zip(snapped.seg.tolist(), snapped.fraction.tolist(), strict=True)))
    sites = split.anchor_rows
    snap_s = time.perf_counter() - t

    t = time.perf_counter()
    red, _aux, _rows = reduce_to_terminals(split.weight, np.unique(sites))
    reduce_s = time.perf_counter() - t

    t = time.perf_counter()
    matrix = time_matrix(split.weight, sites, sites)
    fast_s = time.perf_counter() - t + snap_s

    sample = min(200, k)
    t = time.perf_counter()
    dijkstra(split.weight, directed=True, indices=sites[:sample])
    scipy_s = (time.perf_counter() - t) * k / sample + snap_s

    H = split_networkx(G, segs, snapped, attr)
    nx_k = max(1, args.nx_sources)
    t = time.perf_counter()
    for i in range(nx_k):
        nx.single_source_dijkstra_path_length(H, ("site", i), weight=attr)
    nx_per_source = (time.perf_counter() - t) / nx_k
    nx_s = nx_per_source * k

    # 100 random pairs checked against networkx's bidirectional Dijkstra on H
    pairs = rng.integers(0, k, size=(100, 2))
    worst = 0.0
    for i, j in pairs.tolist():
        try:
            want = nx.bidirectional_dijkstra(H, ("site", i), ("site", j), weight=attr)[0]
        except nx.NetworkXNoPath:
            want = math.inf
        got = float(matrix[i, j])
        if math.isinf(want) or math.isinf(got):
            diff = 0.0 if math.isinf(want) and math.isinf(got) else math.inf
        else:
            diff = abs(want - got)
        worst = max(worst, diff)
    virtual = int((sites >= split.n_nodes).sum())
    off_m = np.percentile(snapped.dist_m, [50, 100])

    cpus = os.cpu_count()
    print(f"graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} directed edges "
          f"(generated road-like grid, seed {args.seed}; built in {build_s:.1f} s)")
    print(f"{k} sites beside random roads (median {off_m[0]:.1f} m, max {off_m[1]:.1f} m off), "
          f"snapped to the nearest edge: {virtual} cut an edge, {k - virtual} at a node; "
          f"snap + cut {snap_s:.2f} s")
    print(f"reduced exactly to {red.shape[0]:,} nodes, {red.nnz:,} edges for {k} sites "
          f"({reduce_s:.2f} s)")
    print(f"{'method':<58} {'time (s)':>10} {'ms/source':>10} {'speed-up':>9}")
    rows = [(f"networkx, one source at a time (x{k}, from {nx_k})", nx_s),
            (f"snap + scipy Dijkstra, full graph, 1 process (from {sample})", scipy_s),
            (f"snap + time_matrix: reduce + {cpus} processes", fast_s)]
    for label, secs in rows:
        print(f"{label:<58} {secs:>10.2f} {secs / k * 1000:>10.2f} {nx_s / secs:>8.1f}x")
    ok = worst <= 1e-6
    within = "within" if fast_s <= 10 else "OVER"
    print(f"{k}x{k} matrix (snapping included) in {fast_s:.2f} s ({within} 10 s), "
          f"{nx_s / fast_s:.0f}x networkx; 100 random pairs vs networkx: max |diff| = "
          f"{worst:.2e} s ({'equal to 1e-6' if ok else 'DIFFERENT'})")


if __name__ == "__main__":
    main()
