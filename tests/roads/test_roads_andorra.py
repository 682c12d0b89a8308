"""Acceptance on real data: the Andorra OSM extract and SRTM tiles in ../shared/data.

The imported graph is cached once per test session in a temporary folder
(never in the repository's maps/).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from planner.speeds import is_unpaved, load_speed_table

PROFILES = ("motorbike", "walk", "car")


@pytest.fixture(scope="module")
def andorra(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """(graph loaded back from GraphML, import report) for the Andorra PBF with both tiles."""
    from planner.roads.build import import_roads
    from planner.roads.io import load_graph

    out = tmp_path_factory.mktemp("maps") / "andorra.graphml"
    _G, report = import_roads(shared_data / "osm" / "andorra-2013.osm.pbf", out,
                              [shared_data / "dem" / "N42E001.hgt",
                               shared_data / "dem" / "N41E001.hgt"])
    return load_graph(str(out)), report


def test_every_node_has_an_elevation_within_the_pyrenees(andorra):
    """Every node has an SRTM elevation between 800 m and 3,000 m."""
    G, _ = andorra
    elev = np.array([d["elevation"] for _n, d in G.nodes(data=True)])
    assert len(elev) == G.number_of_nodes() > 1500
    assert 800 < elev.min() and elev.max() < 3000


def test_smoothing_lowers_the_share_of_steep_edges(andorra):
    """Smoothed grades have a lower median and fewer edges steeper than 15 % than the
    raw per-edge DEM difference."""
    _G, report = andorra
    assert report.grades_smoothed["median_pct"] < report.grades_raw["median_pct"]
    assert report.grades_smoothed["over15_pct"] < report.grades_raw["over15_pct"]


def test_uphill_is_slower_than_downhill_on_steep_edges(andorra):
    """On every edge steeper than 8 %, motorbike and walking times uphill exceed downhill."""
    G, _ = andorra
    checked = 0
    for u, v, d in G.edges(data=True):
        if d["grade"] <= 0.08 or d["reversed"]:
            continue
        back = [e for e in G.get_edge_data(v, u).values() if e["osmid"] == d["osmid"]][0]
        for attr in ("tt_motorbike_dry", "tt_walk_dry", "tt_walk_wet", "tt_motorbike_wet"):
            if attr in d and attr in back:  # (a one-way road has no ride back)
                assert d[attr] > back[attr], (u, v, attr)
                checked += 1
    assert checked > 100


def test_wet_is_never_faster_and_slower_on_unpaved(andorra):
    """tt_*_wet ≥ tt_*_dry on every edge (a missing wet time is a closure), and strictly
    greater on unpaved edges."""
    G, _ = andorra
    table = load_speed_table()
    unpaved = 0
    for _u, _v, d in G.edges(data=True):
        for p in PROFILES:
            dry, wet = d.get(f"tt_{p}_dry"), d.get(f"tt_{p}_wet")
            if dry is None:
                assert wet is None
                continue
            if wet is None:
                continue
            assert wet >= dry
            if is_unpaved(d, table) and d["length"] > 0:
                assert wet > dry
                unpaved += 1
    assert unpaved > 1000


def test_a_closed_ford_cuts_off_the_sites_behind_it_in_the_wet_season(andorra):
    """Tagging the only road into a valley as a ford: in the dry season the site behind
    it is reachable, in the wet season it is unserved with the ford as the reason."""
    from planner.matrix import travel_matrices
    from planner.speeds import add_travel_times

    G, _ = andorra
    G = G.copy()
    table = load_speed_table()
    drive = nx.Graph((u, v) for u, v, d in G.edges(data=True) if "tt_motorbike_dry" in d)
    # a bridge of the drivable network with a sizeable part behind it
    best = None
    for a, b in nx.bridges(drive):
        drive.remove_edge(a, b)
        side = nx.node_connected_component(drive, b)
        drive.add_edge(a, b)
        if 5 <= len(side) < drive.number_of_nodes() / 3 and (best is None
                                                               or len(side) > len(best[2])):
            best = (a, b, side)
    assert best is not None
    a, b, side = best
    for x, y in ((a, b), (b, a)):
        for data in G.get_edge_data(x, y).values():
            data["ford"] = "yes"
    add_travel_times(G, table)
    far = max(side, key=lambda n: nx.shortest_path_length(drive, b, n))
    station = next(n for n in drive.nodes if n not in side and n != a)
    sites = [(G.nodes[station]["x"], G.nodes[station]["y"]),
             (G.nodes[far]["x"], G.nodes[far]["y"])]
    dry = travel_matrices(G, sites, "dry", table, walk_limit_m=0.0)
    wet = travel_matrices(G, sites, "wet", table, walk_limit_m=0.0)
    assert dry.access[1].reachable and dry.travel_s[0, 1] < 10**9
    assert not wet.access[1].reachable
    assert wet.access[1].code == "ford_closed", wet.access[1]
    assert "ford" in wet.access[1].reason and "wet" in wet.access[1].reason


def _signature(G) -> tuple:
    """Every node and edge of ``G`` with all its attributes (geometry as coordinates)."""
    def value(v):
        return tuple(v.coords) if hasattr(v, "coords") else v

    nodes = sorted((n, tuple(sorted((k, value(v)) for k, v in d.items())))
                   for n, d in G.nodes(data=True))
    edges = sorted((u, v, tuple(sorted((k, repr(value(x))) for k, x in d.items())))
                   for u, v, d in G.edges(data=True))
    graph = {k: v for k, v in G.graph.items()}
    return nodes, edges, graph


def test_graphs_from_the_shared_osm_gz_and_osm_pbf_are_identical(shared_data: Path):
    """The shared ``.osm.gz`` was written from the ``.osm.pbf`` (same nodes, ways and
    relations): read by the one reader, the two give identical graphs, every node
    and edge with every attribute (tags, lengths, geometries, fords, places)."""
    from planner.roads.osm import build_graph, read_osm

    pbf = build_graph(read_osm(shared_data / "osm" / "andorra-2013.osm.pbf"))
    xml = build_graph(read_osm(shared_data / "osm" / "andorra-2013.osm.gz"))
    assert pbf.number_of_nodes() > 2000 and pbf.number_of_edges() > 5000
    p_nodes, p_edges, p_graph = _signature(pbf)
    x_nodes, x_edges, x_graph = _signature(xml)
    assert len(p_nodes) == len(x_nodes) and len(p_edges) == len(x_edges)
    assert p_nodes == x_nodes
    assert p_edges == x_edges
    assert p_graph == x_graph


def test_roads_info_reports_the_network(andorra, tmp_path: Path):
    """`roads info` prints counts, km by class and surface, elevations, steep share
    and components."""
    from click.testing import CliRunner

    from planner.cli import cli
    from planner.roads.io import save_graph

    G, _ = andorra
    path = save_graph(G, tmp_path / "a.graphml")
    result = CliRunner().invoke(cli, ["roads", "info", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    for words in ("nodes:", "km by class", "km by surface", "elevation:", "steep edges",
                  "connected components: 1"):
        assert words in result.output


CENTRE = (1.5218, 42.5063)  # Andorra la Vella


def _drive_core(G, attr: str = "tt_motorbike_dry"):
    """The station (the drivable node nearest the centre of Andorra la Vella) and the
    drivable edges connected both ways to it, as ``(u, v, key, data)``."""
    drive = nx.DiGraph((u, v) for u, v, d in G.edges(data=True) if attr in d and u != v)
    core = max(nx.strongly_connected_components(drive), key=len)
    station = min(core, key=lambda n: (G.nodes[n]["x"] - CENTRE[0]) ** 2
                  + (G.nodes[n]["y"] - CENTRE[1]) ** 2)
    edges = [(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)
             if attr in d and u in core and v in core]
    return station, edges


def _cheapest(attr: str):
    """A networkx weight: the cheapest parallel edge having ``attr``; ``None`` (no
    edge) when none has it (networkx would count a missing attribute as 1)."""
    return lambda _u, _v, parallel: min((d[attr] for d in parallel.values() if attr in d),
                                        default=None)


def _metric(G):
    """(lon, lat) → local metres, as the planner measures (equirectangular)."""
    from planner.roads.snap import EARTH_RADIUS_M

    lat0 = float(np.mean([d["y"] for _n, d in G.nodes(data=True)]))
    k = np.pi / 180 * EARTH_RADIUS_M
    kx = k * np.cos(np.radians(lat0))
    return lambda lon, lat: (lon * kx, lat * k), lambda x, y: (x / kx, y / k)


def _line(G, u, v, d, to_xy):
    from shapely.geometry import LineString

    coords = (list(d["geometry"].coords) if "geometry" in d
              else [(G.nodes[u]["x"], G.nodes[u]["y"]), (G.nodes[v]["x"], G.nodes[v]["y"])])
    return LineString([to_xy(x, y) for x, y in coords])


def test_every_site_within_30_m_of_a_road_rides_from_that_road(andorra):
    """200 sites placed 0–30 m from random motorbike roads: none gets a walking leg;
    each is snapped to its nearest such road (checked against every edge), the
    parking point lies on it, and the ride from the station is the ride to one of
    that edge's ends plus the share of the edge, in that direction."""
    from shapely.geometry import Point

    from planner.matrix import travel_matrices

    G, _ = andorra
    table = load_speed_table()
    station, edges = _drive_core(G)
    to_xy, to_ll = _metric(G)
    rng = np.random.default_rng(14)
    lines = [_line(G, u, v, d, to_xy) for u, v, _k, d in edges]
    sites = [(G.nodes[station]["x"], G.nodes[station]["y"])]
    for e in rng.choice(len(edges), 200).tolist():
        p = lines[e].interpolate(rng.uniform(0, 1), normalized=True)
        r, ang = rng.uniform(0, 28), rng.uniform(0, 2 * np.pi)
        sites.append(to_ll(p.x + r * np.cos(ang), p.y + r * np.sin(ang)))
    tm = travel_matrices(G, sites, "dry", table, walk_offroad_m=30.0)
    dist = nx.single_source_dijkstra_path_length(G, station, weight=_cheapest("tt_motorbike_dry"))
    by_key = {(u, v, k): (d, line) for (u, v, k, d), line in zip(edges, lines, strict=True)}
    for i, ((lon, lat), a) in enumerate(zip(sites, tm.access, strict=True)):
        site = Point(*to_xy(lon, lat))
        nearest = min(line.distance(site) for line in lines)
        assert a.reachable and a.walk_m == 0 and a.walk_nodes == (), (i, a)
        assert a.road_m <= 30.0 and a.road_m == pytest.approx(nearest, abs=0.01), i
        data, line = by_key[a.edge]
        assert line.distance(site) == pytest.approx(nearest, abs=0.01)
        assert line.distance(Point(*to_xy(a.park_lon, a.park_lat))) < 0.01
        if i == 0:
            continue
        u, v, _k = a.edge
        f = a.edge_fraction
        ways = [dist[u] + f * data["tt_motorbike_dry"]]
        back = [d for d in G.get_edge_data(v, u, default={}).values()
                if d.get("osmid") == data.get("osmid") and "tt_motorbike_dry" in d
                and d.get("length") == data.get("length")]
        if back:
            ways.append(dist[v] + (1 - f) * min(d["tt_motorbike_dry"] for d in back))
        assert abs(tm.travel_s[0, i] - min(ways)) <= 1, (i, a, ways)


def test_houses_0_20_150_and_600_m_from_a_road_walk_only_when_off_it(andorra):
    """Houses 0, 20, 150 and 600 m from a primary or secondary road, straight out
    from its middle where no other road or path is nearer: with the default
    settings the first two ride to their door, the others park on the road below
    them and walk straight × the detour factor (within 15 %)."""
    from shapely.geometry import LineString, Point

    from planner.domain import Parameters
    from planner.matrix import travel_matrices

    G, _ = andorra
    table = load_speed_table()
    params = Parameters()
    station, edges = _drive_core(G)
    to_xy, to_ll = _metric(G)
    every = [_line(G, u, v, d, to_xy) for u, v, d in G.edges(data=True)]
    offsets = (0.0, 20.0, 150.0, 600.0)
    found = None
    for u, v, _k, d in sorted(edges, key=lambda e: -e[3]["length"]):
        if d.get("highway") not in ("primary", "secondary") or d["length"] < 300:
            continue
        line = _line(G, u, v, d, to_xy)
        mid = line.interpolate(0.5, normalized=True)
        ahead = line.interpolate(0.5 + 5 / line.length, normalized=True)
        tx, ty = ahead.x - mid.x, ahead.y - mid.y
        norm = np.hypot(tx, ty)
        for side in (1, -1):
            nx_, ny_ = -ty / norm * side, tx / norm * side
            houses = [Point(mid.x + r * nx_, mid.y + r * ny_) for r in offsets]
            if all(min(g.distance(h) for g in every) >= line.distance(h) - 0.01
                   and abs(line.distance(h) - r) < 1.0 for h, r in zip(houses, offsets,
                                                                      strict=True)):
                found = (line, houses)
                break
        if found:
            break
    assert found is not None, "no road with open country on one side"
    line, houses = found
    sites = [(G.nodes[station]["x"], G.nodes[station]["y"])] + [to_ll(h.x, h.y)
                                                                   for h in houses]
    tm = travel_matrices(G, sites, "dry", table, params.walk_offroad_m, params.walk_limit_m,
                         params.walk_detour_factor)
    assert params.walk_offroad_m == 30.0
    for r, a in zip(offsets, tm.access[1:], strict=True):
        assert a.reachable, a
        if r <= params.walk_offroad_m:
            assert a.walk_m == 0, (r, a)
        else:
            assert a.walk_m == pytest.approx(r * params.walk_detour_factor, rel=0.15), (r, a)
            assert a.walk_in_s > 0 and a.walk_out_s > 0
        # every house parks on the road below it, not at a junction
        assert line.distance(Point(*to_xy(a.park_lon, a.park_lat))) < 0.01
        assert LineString([to_xy(a.park_lon, a.park_lat), to_xy(a.lon, a.lat)]).length \
            == pytest.approx(r, abs=1.0)
    walks = [int(tm.travel_s[0, i]) for i in range(1, 5)]
    assert walks[0] <= walks[1] < walks[2] < walks[3]
