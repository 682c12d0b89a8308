"""Time matrix benchmark: 2,000 × 2,000 shortest-path times on a ≥100k-edge road graph.

The graph is generated (fixed seed), not real: a 220 × 220 grid of junctions
about 150 m apart, jittered; a random spanning tree of it plus 10 % of the
remaining links, so that it has the dead ends and long chains of a mountain
network; both directions of every link, with travel times from the project's
speed table (road classes and surfaces drawn at random, grades from a smooth
synthetic terrain, so uphill and downhill differ). That is 48,400 nodes and
about 106,000 directed edges, the size quoted in docs/DESIGN.md.

Compared:
- ``planner.matrix.time_matrix``: exact graph reduction + scipy Dijkstra split
  over the CPUs (processes);
- scipy Dijkstra on the full graph, one process (timed on 200 sources, scaled);
- networkx ``single_source_dijkstra_path_length`` on the MultiDiGraph (timed
  on a few sources, scaled to 2,000).

Run: ``python benchmarks/matrix.py [--sources 2000] [--side 220] [--seed 7]``.
The last line compares the answers with networkx on 100 random pairs.
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

from planner.matrix import reduce_to_terminals, time_matrix, to_csr  # noqa: E402
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
    csr = to_csr(G, attr)
    build_s = time.perf_counter() - t0
    rng = np.random.default_rng(args.seed)
    k = args.sources
    sites = rng.choice(len(csr.nodes), size=k, replace=False)

    t = time.perf_counter()
    red, _aux, _rows = reduce_to_terminals(csr.weight, np.unique(sites))
    reduce_s = time.perf_counter() - t

    t = time.perf_counter()
    matrix = time_matrix(csr.weight, sites, sites)
    fast_s = time.perf_counter() - t

    sample = min(200, k)
    t = time.perf_counter()
    dijkstra(csr.weight, directed=True, indices=sites[:sample])
    scipy_s = (time.perf_counter() - t) * k / sample

    nx_k = max(1, args.nx_sources)
    t = time.perf_counter()
    for s in sites[:nx_k].tolist():
        nx.single_source_dijkstra_path_length(G, csr.nodes[s], weight=attr)
    nx_per_source = (time.perf_counter() - t) / nx_k
    nx_s = nx_per_source * k

    # 100 random pairs checked against networkx's bidirectional Dijkstra
    pairs = rng.integers(0, k, size=(100, 2))
    worst = 0.0
    for i, j in pairs.tolist():
        s, d = csr.nodes[int(sites[i])], csr.nodes[int(sites[j])]
        try:
            want = nx.bidirectional_dijkstra(G, s, d, weight=attr)[0]
        except nx.NetworkXNoPath:
            want = math.inf
        got = float(matrix[i, j])
        if math.isinf(want) or math.isinf(got):
            diff = 0.0 if math.isinf(want) and math.isinf(got) else math.inf
        else:
            diff = abs(want - got)
        worst = max(worst, diff)

    cpus = os.cpu_count()
    print(f"graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} directed edges "
          f"(generated road-like grid, seed {args.seed}; built in {build_s:.1f} s)")
    print(f"reduced exactly to {red.shape[0]:,} nodes, {red.nnz:,} edges for {k} sites "
          f"({reduce_s:.2f} s)")
    print(f"{'method':<46} {'time (s)':>10} {'ms/source':>10} {'speed-up':>9}")
    rows = [(f"networkx, one source at a time (x{k}, from {nx_k})", nx_s),
            (f"scipy Dijkstra, full graph, 1 process (from {sample})", scipy_s),
            (f"time_matrix: reduce + {cpus} processes", fast_s)]
    for label, secs in rows:
        print(f"{label:<46} {secs:>10.2f} {secs / k * 1000:>10.2f} {nx_s / secs:>8.1f}x")
    ok = worst <= 1e-6
    print(f"{k}x{k} matrix in {fast_s:.2f} s ({'within' if fast_s <= 10 else 'OVER'} 10 s), "
          f"{nx_s / fast_s:.0f}x networkx; 100 random pairs vs networkx: max |diff| = "
          f"{worst:.2e} s ({'equal to 1e-6' if ok else 'DIFFERENT'})")


if __name__ == "__main__":
    main()
