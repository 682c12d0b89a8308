"""Shortest-path matrices: exact graph reduction, the multi-process time matrix, and
travel matrices with last-mile walking and reasons for unreachable sites."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from planner.matrix import UNREACHABLE, reduce_to_terminals, time_matrix, travel_matrices
from planner.speeds import add_travel_times, load_speed_table


def random_road_graph(n: int, seed: int) -> csr_matrix:
    """A sparse directed graph: a random tree plus extra links, asymmetric weights,
    some one-way links."""
    rng = np.random.default_rng(seed)
    rows, cols = [], []
    for v in range(1, n):
        rows.append(int(rng.integers(0, v)))
        cols.append(v)
    for _ in range(n // 5):
        a, b = rng.integers(0, n, 2)
        if a != b:
            rows.append(int(a))
            cols.append(int(b))
    r = np.array(rows + cols)
    c = np.array(cols + rows)
    w = rng.uniform(1, 100, len(r))
    keep = rng.random(len(r)) > 0.05  # a few one-way links
    return csr_matrix((w[keep], (r[keep], c[keep])), shape=(n, n))


@pytest.mark.parametrize("seed", range(5))
def test_reduction_keeps_every_distance_between_terminals(seed: int):
    """Pruning dead ends and joining chains changes no distance between terminals."""
    g = random_road_graph(400, seed)
    rng = np.random.default_rng(seed)
    terms = np.unique(rng.choice(400, 40, replace=False))
    red, _aux, rows = reduce_to_terminals(g, terms)
    full = dijkstra(g, indices=terms)[:, terms]
    small = dijkstra(red, indices=rows)[:, rows]
    assert red.shape[0] < 400
    np.testing.assert_allclose(small, full, rtol=1e-12)


def test_time_matrix_in_two_processes_equals_plain_dijkstra():
    """The parallel, reduced time matrix equals scipy's Dijkstra on the full graph."""
    g = random_road_graph(3000, 11)
    rng = np.random.default_rng(3)
    src = rng.choice(3000, 150, replace=False)
    dst = rng.choice(3000, 90, replace=False)
    got = time_matrix(g, src, dst, workers=2)
    want = dijkstra(g, indices=src)[:, dst]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def line_graph(ford: bool = False) -> nx.MultiDiGraph:
    """A valley road 0–1–2 (gravel, uphill eastwards), a track 2–3 (a ford when asked)
    and a footpath 3–4 north to a house far from any road."""
    G = nx.MultiDiGraph(crs="epsg:4326")
    pts = {0: (103.00, 21.50), 1: (103.01, 21.50), 2: (103.02, 21.50), 3: (103.03, 21.50),
           4: (103.03, 21.51)}
    for n, (x, y) in pts.items():
        G.add_node(n, x=x, y=y)
    links = [(0, 1, "unclassified", {}), (1, 2, "unclassified", {}),
             (2, 3, "track", {"ford": "yes"} if ford else {}), (3, 4, "path", {})]
    for u, v, hw, extra in links:
        length = 1000.0 if v != 4 else 1100.0
        G.add_edge(u, v, highway=hw, surface="gravel", length=length, grade=0.1, **extra)
        G.add_edge(v, u, highway=hw, surface="gravel", length=length, grade=-0.1, **extra)
    return add_travel_times(G, load_speed_table())


def test_matrices_are_asymmetric_with_zero_diagonal():
    """Uphill and downhill differ: travel_s[i, j] != travel_s[j, i]; the diagonal is 0."""
    G = line_graph()
    tm = travel_matrices(G, [(103.0, 21.5), (103.03, 21.5)], "dry", load_speed_table())
    assert tm.travel_s[0, 1] > tm.travel_s[1, 0] > 0
    assert (np.diag(tm.travel_s) == 0).all()


def test_last_mile_walk_is_counted_both_ways_and_parks_on_the_road():
    """A house 1.1 km up a footpath: park at the track's end, walk in and out."""
    G = line_graph()
    table = load_speed_table()
    tm = travel_matrices(G, [(103.0, 21.5), (103.03, 21.51)], "dry", table,
                         walk_offroad_m=150, walk_limit_m=3000)
    a = tm.access[1]
    assert a.reachable and a.park_node == 3 and a.walk_m == pytest.approx(1100.0)
    ride = tm.drive_m[0, 1]
    assert ride == 3000
    assert tm.travel_s[0, 1] > a.walk_in_s > 0 and tm.travel_s[1, 0] > a.walk_out_s > 0
    short = travel_matrices(G, [(103.0, 21.5), (103.03, 21.51)], "dry", table,
                            walk_offroad_m=150, walk_limit_m=500)
    assert not short.access[1].reachable and short.access[1].code == "walk_limit"


def test_a_closed_ford_makes_the_site_behind_it_unreachable_with_that_reason():
    """In the wet season the ford closes: the house behind it is unserved, and the
    reason names the ford; in the dry season it is reachable."""
    G = line_graph(ford=True)
    table = load_speed_table()
    sites = [(103.0, 21.5), (103.03, 21.5)]
    dry = travel_matrices(G, sites, "dry", table, walk_limit_m=500)
    wet = travel_matrices(G, sites, "wet", table, walk_limit_m=500)
    assert dry.access[1].reachable and dry.travel_s[0, 1] < UNREACHABLE
    assert not wet.access[1].reachable
    assert wet.access[1].code == "ford_closed" and "ford" in wet.access[1].reason
