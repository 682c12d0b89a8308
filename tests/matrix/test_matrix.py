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


def straight_graph(edges: list[tuple[int, int, str, dict]], pts: dict[int, tuple[float, float]],
                   grade: float = 0.06) -> nx.MultiDiGraph:
    """Roads as straight lines between ``pts`` ((lon, lat)); ``edges`` are
    ``(u, v, highway, extra)``, drawn both ways unless ``extra`` says ``oneway``;
    uphill ``u → v`` by ``grade``; a ``geometry`` in ``extra`` is used as given."""
    from planner.geo import haversine_m

    G = nx.MultiDiGraph(crs="epsg:4326")
    for n, (x, y) in pts.items():
        G.add_node(n, x=x, y=y)
    for u, v, hw, extra in edges:
        extra = dict(extra)
        oneway = bool(extra.pop("oneway", False))
        geom = extra.pop("geometry", None)
        length = extra.pop("length", None) or haversine_m(*pts[u], *pts[v])
        attrs = dict(highway=hw, surface="asphalt", length=length, **extra)
        fwd = dict(attrs, grade=grade, oneway=oneway, reversed=False)
        if geom is not None:
            fwd["geometry"] = geom
        G.add_edge(u, v, **fwd)
        if not oneway:
            bwd = dict(attrs, grade=-grade, oneway=False, reversed=True)
            if geom is not None:
                bwd["geometry"] = geom.reverse()
            G.add_edge(v, u, **bwd)
    return add_travel_times(G, load_speed_table())


def tt(G, u, v, attr: str = "tt_motorbike_dry") -> float:
    return min(d[attr] for d in G.get_edge_data(u, v).values() if attr in d)


def test_a_site_beside_a_road_starts_on_that_edge_and_pays_its_share_each_way():
    """A house 10 m from a 2 km road, a quarter of the way along: no walk, the ride
    starts at the projected point, and costs a quarter of the edge's time each way
    (uphill out, downhill back)."""
    G = straight_graph([(0, 1, "secondary", {})], {0: (103.00, 21.50), 1: (103.02, 21.50)})
    house = (103.005, 21.50009)  # ~10 m north of the road
    tm = travel_matrices(G, [(103.0, 21.5), house], "dry", load_speed_table(),
                         walk_offroad_m=30)
    a = tm.access[1]
    assert a.walk_m == 0 and a.reachable
    assert a.edge[:2] in ((0, 1), (1, 0)) and 9 < a.road_m < 11
    along = a.edge_fraction if a.edge[0] == 0 else 1 - a.edge_fraction
    assert along == pytest.approx(0.25, abs=1e-6)
    assert (a.park_lon, a.park_lat) == pytest.approx((103.005, 21.50), abs=1e-7)
    assert tm.travel_s[0, 1] == round(0.25 * tt(G, 0, 1))
    assert tm.travel_s[1, 0] == round(0.25 * tt(G, 1, 0))
    assert tm.travel_s[0, 1] > tm.travel_s[1, 0]
    assert tm.drive_m[0, 1] == round(0.25 * G[0][1][0]["length"])


def test_two_sites_on_one_edge_ride_directly_between_them():
    """Sites at 30 % and 70 % of one edge: the ride between them is 40 % of the edge
    in each direction, not a detour through an end node."""
    G = straight_graph([(0, 1, "secondary", {})], {0: (103.00, 21.50), 1: (103.02, 21.50)})
    sites = [(103.0, 21.5), (103.006, 21.5), (103.014, 21.5)]
    tm = travel_matrices(G, sites, "dry", load_speed_table(), walk_offroad_m=30)
    assert tm.travel_s[1, 2] == round(0.4 * tt(G, 0, 1))
    assert tm.travel_s[2, 1] == round(0.4 * tt(G, 1, 0))
    assert tm.drive_m[1, 2] == tm.drive_m[2, 1] == round(0.4 * G[0][1][0]["length"])


def test_a_site_on_a_one_way_road_is_entered_and_left_only_forwards():
    """A one-way road 0 → 1 and a two-way road back 1 → 2 → 0: a house halfway along
    the one-way road is reached from 0 forwards and left towards 1, then round."""
    pts = {0: (103.00, 21.50), 1: (103.02, 21.50), 2: (103.01, 21.51)}
    G = straight_graph([(0, 1, "secondary", {"oneway": True}), (1, 2, "secondary", {}),
                        (2, 0, "secondary", {})], pts, grade=0.0)
    tm = travel_matrices(G, [(103.0, 21.5), (103.01, 21.5)], "dry", load_speed_table(),
                         walk_offroad_m=30)
    half = 0.5 * tt(G, 0, 1)
    assert tm.travel_s[0, 1] == round(half)
    assert tm.travel_s[1, 0] == round(half + tt(G, 1, 2) + tt(G, 2, 0))


def test_a_site_on_a_loop_road_is_reached_round_the_nearer_way():
    """A loop track leaving and rejoining node 1 (both ends the same node): a house by
    the loop, a third of the way round, is reached through the shorter side."""
    from shapely.geometry import LineString

    pts = {0: (103.00, 21.50), 1: (103.01, 21.50)}
    loop = LineString([(103.01, 21.50), (103.02, 21.50), (103.02, 21.51), (103.01, 21.51),
                       (103.01, 21.50)])
    from planner.geo import haversine_m

    loop_m = sum(haversine_m(*a, *b) for a, b in zip(loop.coords, loop.coords[1:],
                                                     strict=False))
    G = straight_graph([(0, 1, "secondary", {}),
                        (1, 1, "secondary", {"geometry": loop, "length": loop_m})],
                       pts, grade=0.0)
    house = (103.02, 21.5033)  # on the loop's east side, about a third of the way round
    tm = travel_matrices(G, [(103.0, 21.5), house], "dry", load_speed_table(),
                         walk_offroad_m=30)
    a = tm.access[1]
    assert a.walk_m == 0 and a.edge[:2] == (1, 1)
    share = min(a.edge_fraction, 1 - a.edge_fraction)
    assert 0.3 < share < 0.36
    loop_tt = min(d["tt_motorbike_dry"] for d in G.get_edge_data(1, 1).values())
    assert tm.travel_s[0, 1] == pytest.approx(tt(G, 0, 1) + share * loop_tt, abs=1)


def test_a_house_off_the_road_parks_at_the_foot_of_the_perpendicular():
    """A house 300 m north of the middle of a 2 km road with no path: the team parks
    on the road below the house (not at a junction 1 km away) and walks 300 m ×
    the detour factor straight across."""
    G = straight_graph([(0, 1, "secondary", {})], {0: (103.00, 21.50), 1: (103.02, 21.50)})
    house = (103.01, 21.50 + 300 / 111_195)
    tm = travel_matrices(G, [(103.0, 21.5), house], "dry", load_speed_table(),
                         walk_offroad_m=30, detour_factor=1.3)
    a = tm.access[1]
    assert a.walk_m == pytest.approx(300 * 1.3, rel=0.01)
    assert (a.park_lon, a.park_lat) == pytest.approx((103.01, 21.50), abs=1e-6)
    assert a.walk_nodes == ()
    assert tm.drive_m[0, 1] == round(0.5 * G[0][1][0]["length"])


@pytest.mark.parametrize("seed", range(3))
def test_matrix_equals_networkx_on_the_graph_split_at_the_snapped_points(seed: int):
    """On a jittered grid of two-way roads with grades, random houses near the roads:
    every house is snapped to its nearest edge (checked against every edge), and the
    matrix equals networkx's Dijkstra on the graph with each edge cut at its houses."""
    import shapely

    rng = np.random.default_rng(seed)
    side = 8
    pts = {i * side + j: (103.0 + j * 0.004 + rng.uniform(-0.001, 0.001),
                          21.5 + i * 0.004 + rng.uniform(-0.001, 0.001))
           for i in range(side) for j in range(side)}
    links = [(a, a + 1) for a in pts if a % side < side - 1] + \
            [(a, a + side) for a in pts if a + side in pts]
    links = [lk for lk in links if rng.random() < 0.8]
    G = nx.MultiDiGraph(crs="epsg:4326")
    for n, (x, y) in pts.items():
        G.add_node(n, x=x, y=y)
    from planner.geo import haversine_m

    for u, v in links:
        length = haversine_m(*pts[u], *pts[v])
        g = float(rng.uniform(-0.12, 0.12))
        G.add_edge(u, v, highway="track", surface="gravel", length=length, grade=g)
        G.add_edge(v, u, highway="track", surface="gravel", length=length, grade=-g)
    add_travel_times(G, load_speed_table())
    G = G.subgraph(max(nx.strongly_connected_components(G), key=len)).copy()
    nodes = list(G.nodes)
    sites = [(G.nodes[nodes[0]]["x"], G.nodes[nodes[0]]["y"])]
    for _ in range(25):
        u, v, _k = list(G.edges(keys=True))[int(rng.integers(G.number_of_edges()))]
        f = rng.uniform(0, 1)
        x = G.nodes[u]["x"] + f * (G.nodes[v]["x"] - G.nodes[u]["x"])
        y = G.nodes[u]["y"] + f * (G.nodes[v]["y"] - G.nodes[u]["y"])
        sites.append((x + rng.uniform(-1e-4, 1e-4), y + rng.uniform(-1e-4, 1e-4)))
    tm = travel_matrices(G, sites, "dry", load_speed_table(), walk_offroad_m=30)
    # the snapped edge is the nearest one (local metres, as the planner measures)
    k = np.pi / 180 * 6_371_008.8
    lat0 = np.mean([d["y"] for _n, d in G.nodes(data=True)])
    kx = k * np.cos(np.radians(lat0))
    lines = {(u, v): shapely.LineString([(G.nodes[u]["x"] * kx, G.nodes[u]["y"] * k),
                                         (G.nodes[v]["x"] * kx, G.nodes[v]["y"] * k)])
             for u, v in G.edges()}
    for (x, y), a in zip(sites, tm.access, strict=True):
        p = shapely.Point(x * kx, y * k)
        best = min(line.distance(p) for line in lines.values())
        assert a.walk_m == 0 and a.road_m == pytest.approx(best, abs=1e-6)
        assert lines[a.edge[:2]].distance(p) == pytest.approx(best, abs=1e-6)
    # networkx on the graph cut at the houses, built here independently
    H = G.copy()
    cuts: dict[tuple, list[tuple[float, object]]] = {}
    for i, a in enumerate(tm.access):
        u, v, _k = a.edge
        f = a.edge_fraction
        if f <= 1e-9 or f >= 1 - 1e-9:
            H.add_edge(("site", i), u if f <= 1e-9 else v, tt_motorbike_dry=0.0)
            H.add_edge(u if f <= 1e-9 else v, ("site", i), tt_motorbike_dry=0.0)
            continue
        key = (u, v) if u < v else (v, u)
        cuts.setdefault(key, []).append((f if u < v else 1 - f, ("site", i)))
    for (u, v), marks in cuts.items():
        marks.sort(key=lambda m: m[0])
        for a, b in ((u, v), (v, u)):
            w = tt(G, a, b)
            H.remove_edges_from([(a, b, kk) for kk in list(H[a][b])])
            seq = marks if a == u else [(1 - f, s) for f, s in reversed(marks)]
            chain = [(0.0, a)] + seq + [(1.0, b)]
            for (f1, p1), (f2, p2) in zip(chain, chain[1:], strict=False):
                H.add_edge(p1, p2, tt_motorbike_dry=(f2 - f1) * w)
    for i in range(len(sites)):
        dist = nx.single_source_dijkstra_path_length(H, ("site", i), weight="tt_motorbike_dry")
        for j in range(len(sites)):
            assert abs(tm.travel_s[i, j] - dist[("site", j)]) <= 0.5 + 1e-6, (i, j)


def test_a_house_beside_a_footpath_walks_along_it_from_where_it_meets_the_road():
    """A house 50 m beside the middle of a 1.1 km footpath: the team parks where the
    path leaves the track, walks half the path (uphill in, downhill out) and 50 m
    × the detour factor across; shorter than straight across from the road."""
    G = line_graph()
    table = load_speed_table()
    lat = 21.50 + 0.005
    house = (103.03 + 50 / (111_195 * np.cos(np.radians(lat))), lat)
    tm = travel_matrices(G, [(103.0, 21.5), house], "dry", table, walk_offroad_m=30,
                         detour_factor=1.3)
    a = tm.access[1]
    half = 0.5 * G[3][4][0]["length"]
    assert a.park_node == 3 and a.walk_nodes == (3,)
    assert (a.park_lon, a.park_lat) == pytest.approx((103.03, 21.50), abs=1e-9)
    assert a.walk_m == pytest.approx(half + 50 * 1.3, rel=0.02)
    assert a.walk_in_s > a.walk_out_s > 0
