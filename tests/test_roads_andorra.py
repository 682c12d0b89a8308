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


def test_xml_and_pbf_differ_only_by_the_ways_the_newer_pbf_adds(shared_data: Path):
    """The two files are different snapshots (the PBF has three ways more, one of
    them a path). Read by the same reader, the graphs differ exactly by that path:
    every other node and edge is identical."""
    from planner.roads.osm import build_graph, read_osm

    def graph_signature(G) -> tuple:
        nodes = sorted((n, round(d["x"], 7), round(d["y"], 7)) for n, d in G.nodes(data=True))
        edges = sorted((u, v, d["osmid"], d["length"], d.get("highway"), bool(d["reversed"]))
                       for u, v, d in G.edges(data=True))
        return nodes, edges

    pbf = build_graph(read_osm(shared_data / "osm" / "andorra-2013.osm.pbf"))
    xml = build_graph(read_osm(shared_data / "osm" / "andorra-2013.osm.gz"))
    extra = {128167681}
    pbf_ways = {d["osmid"] for _u, _v, d in pbf.edges(data=True)}
    xml_ways = {d["osmid"] for _u, _v, d in xml.edges(data=True)}
    assert pbf_ways - xml_ways == extra and xml_ways <= pbf_ways
    pbf.remove_edges_from([(u, v, k) for u, v, k, d in pbf.edges(keys=True, data=True)
                           if d["osmid"] in extra])
    pbf.remove_nodes_from([n for n in list(pbf.nodes) if pbf.degree(n) == 0])
    p_nodes, p_edges = graph_signature(pbf)
    x_nodes, x_edges = graph_signature(xml)
    # where the path leaves a road, the PBF's graph has one node more, splitting that
    # road's edge pair in two; everything else is identical
    assert set(x_nodes) <= set(p_nodes) and len(p_nodes) == len(x_nodes) + 1
    assert len(p_edges) == len(x_edges) + 2
    assert len(set(x_edges) - set(p_edges)) == 2
    length = sum(e[3] for e in p_edges) - sum(e[3] for e in x_edges)
    assert abs(length) < 0.01


def test_roads_info_reports_the_network(andorra, tmp_path: Path):
    """`roads info` prints counts, km by class and surface, elevations, steep share
    and components."""
    from click.testing import CliRunner

    from planner.cli import cli
    from planner.roads.io import save_graph

    G, _ = andorra
    path = save_graph(G, tmp_path / "a.graphml")
    result = CliRunner().invoke(cli, ["roads", "info", str(path)])
    assert result.exit_code == 0, result.output
    for words in ("nodes:", "km by class", "km by surface", "elevation:", "steep edges",
                  "connected components: 1"):
        assert words in result.output
