"""The OSM reader and the `roads import` command, on small files in tests/data/roads."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from planner.errors import RoadsError
from planner.roads.osm import build_graph, parse_bbox, read_osm

DATA = Path(__file__).resolve().parents[1] / "data" / "roads"
OK_SMALL = DATA / "ok_small.osm"


def convert(src: Path, dst: Path) -> Path:
    """Write ``src`` in the format ``dst``'s name says (pyosmium's writer)."""
    import osmium

    writer = osmium.SimpleWriter(str(dst), overwrite=True)
    for obj in osmium.FileProcessor(str(src)):
        writer.add(obj)
    writer.close()
    return dst


def graph_signature(G) -> tuple:
    """Nodes with coordinates and edges with their tags, for comparing graphs."""
    nodes = sorted((n, round(d["x"], 7), round(d["y"], 7)) for n, d in G.nodes(data=True))
    edges = sorted((u, v, d["osmid"], d["length"], d.get("highway"), d.get("ford"),
                    bool(d["reversed"])) for u, v, d in G.edges(data=True))
    return nodes, edges


def test_keeps_roads_tracks_paths_and_drops_the_rest():
    """Roads, tracks and paths are kept; buildings, areas, construction and
    private ways are not."""
    G = build_graph(read_osm(OK_SMALL), keep_all=True)
    ways = {d["osmid"] for _u, _v, d in G.edges(data=True)}
    assert ways == {101, 102, 103, 104, 105, 106}


def test_every_edge_exists_in_both_directions_with_length_in_metres():
    """Each road is drawn both ways with the same length (m); lengths are great-circle."""
    G = build_graph(read_osm(OK_SMALL))
    for u, v, d in G.edges(data=True):
        twins = [e for e in G.get_edge_data(v, u).values() if e["osmid"] == d["osmid"]]
        assert twins and twins[0]["length"] == d["length"]
        assert twins[0]["reversed"] != d["reversed"]
    # way 101 is split at node 2 (where the one-way road starts): 0.01° of longitude
    d = next(d for u, v, d in G.edges(1, data=True) if v == 2)
    expected = 111_195.0 * math.cos(math.radians(21.5)) * 0.01
    assert d["length"] == pytest.approx(expected, rel=1e-3)


def test_ford_node_is_carried_to_its_edge():
    """A ford tagged on a node marks the edge through it (both directions) as a ford."""
    G = build_graph(read_osm(OK_SMALL))
    fords = {(d["osmid"], d["reversed"]) for _u, _v, d in G.edges(data=True)
             if d.get("ford") == "yes"}
    assert fords == {(102, False), (102, True)}


def test_oneway_marks_the_reverse_edge():
    """A one-way road has its reverse edge flagged (oneway and reversed) for vehicles."""
    G = build_graph(read_osm(OK_SMALL))
    edges = [d for _u, _v, d in G.edges(data=True) if d["osmid"] == 105]
    assert {(d["oneway"], d["reversed"]) for d in edges} == {(True, False), (True, True)}


def test_place_nodes_are_stored_with_the_graph():
    """Village place nodes are kept for placing households without coordinates."""
    from planner.roads.places import place_villages

    G = build_graph(read_osm(OK_SMALL))
    found = place_villages(G, ["na bung", "Bản Nà Bủng", "NÀ BỦNG", "Huổi Só"])
    assert found["na bung"] == pytest.approx((103.025, 21.511))
    assert found["Bản Nà Bủng"] == found["NÀ BỦNG"] == found["na bung"]
    assert found["Huổi Só"] is None


def test_bbox_clips_ways_at_their_nodes():
    """Clipping keeps only the parts of ways inside the box."""
    G = build_graph(read_osm(OK_SMALL), bbox=(102.99, 21.49, 103.015, 21.52), keep_all=True)
    xs = [d["x"] for _n, d in G.nodes(data=True)]
    assert max(xs) <= 103.015
    assert {d["osmid"] for _u, _v, d in G.edges(data=True)} <= {101, 105, 106}


def test_pbf_and_xml_of_the_same_data_give_the_same_graph(tmp_path: Path):
    """One reader for all formats: .osm, .osm.gz, .osm.bz2 and .osm.pbf of the same
    data give identical graphs."""
    ref = graph_signature(build_graph(read_osm(OK_SMALL)))
    for name in ("small.osm.pbf", "small.osm.gz", "small.osm.bz2"):
        path = convert(OK_SMALL, tmp_path / name)
        assert graph_signature(build_graph(read_osm(path))) == ref, name


def test_parse_bbox_rejects_swapped_or_short_boxes():
    """A bbox is W,S,E,N with W < E and S < N."""
    assert parse_bbox("103,21.4,103.2,21.6") == (103, 21.4, 103.2, 21.6)
    for bad in ("103,21.4,103.2", "21.4,103,21.6,103.2x", "103.2,21.4,103,21.6"):
        with pytest.raises(ValueError):
            parse_bbox(bad)


BROKEN = {
    "truncated.osm.pbf": "cannot be read",
    "not_osm.osm": "cannot be read",
    "no_roads.osm": "no roads",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_osm_files_give_one_message_and_exit_3(name: str, tmp_path: Path):
    """A truncated PBF, XML that is not OSM and a file without roads: exit code 3,
    one clear message, no traceback, and nothing left in the output folder."""
    from planner.cli import cli

    out = tmp_path / "maps" / "x.graphml"
    result = CliRunner().invoke(cli, ["roads", "import", "--lang", "en", str(DATA / name), "--out",
                                      str(out)])
    assert result.exit_code == 3, result.output
    assert BROKEN[name] in result.output
    assert "Traceback" not in result.output
    assert not out.parent.exists() or not any(out.parent.iterdir())


def test_bbox_with_no_roads_exits_3(tmp_path: Path):
    """A bounding box that holds no road: exit 3 and no file."""
    from planner.cli import cli

    out = tmp_path / "x.graphml"
    result = CliRunner().invoke(cli, ["roads", "import", "--lang", "en", str(OK_SMALL), "--bbox",
                                      "104,22,104.1,22.1", "--out", str(out)])
    assert result.exit_code == 3
    assert "no roads" in result.output
    assert list(tmp_path.iterdir()) == []


def make_dem(path: Path, bounds: tuple[float, float, float, float], void: bool = False,
             rise_per_deg_lat: float = 20_000.0) -> Path:
    """A GeoTIFF DEM rising to the north (m per degree of latitude), optionally with voids."""
    import rasterio
    from rasterio.transform import from_bounds

    w, s, e, n = bounds
    rows, cols = 120, 160
    lat = np.linspace(n, s, rows)[:, None] * np.ones((1, cols))
    z = (500 + (lat - s) * rise_per_deg_lat).astype(np.int16)
    if void:
        z[40:42, 50:52] = -32768
    with rasterio.open(path, "w", driver="GTiff", width=cols, height=rows, count=1,
                       dtype="int16", crs="EPSG:4326", nodata=-32768,
                       transform=from_bounds(w, s, e, n, cols, rows)) as dst:
        dst.write(z, 1)
    return path


def test_dem_that_does_not_cover_the_area_exits_3(tmp_path: Path):
    """Elevation data elsewhere: exit 3 naming the missing SRTM tile, and no file."""
    from planner.cli import cli

    dem = make_dem(tmp_path / "elsewhere.tif", (105.0, 20.0, 105.1, 20.1))
    out = tmp_path / "maps" / "x.graphml"
    result = CliRunner().invoke(cli, ["roads", "import", "--lang", "en", str(OK_SMALL), "--dem",
                                      str(dem),
                                      "--out", str(out)])
    assert result.exit_code == 3
    assert "do not cover" in result.output and "N21E103.hgt" in result.output
    assert not out.exists() and not (out.parent.exists() and any(out.parent.iterdir()))


def test_import_writes_a_graph_that_loads_with_travel_times(tmp_path: Path):
    """`roads import` saves GraphML that load_graph reads back with tt_* on every edge
    a motorbike may use, and refuses to overwrite without --overwrite."""
    from planner.cli import cli
    from planner.roads.io import load_graph

    dem = make_dem(tmp_path / "dem.tif", (102.98, 21.48, 103.05, 21.53), void=True)
    out = tmp_path / "small.graphml"
    args = ["roads", "import", str(OK_SMALL), "--dem", str(dem), "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    G = load_graph(str(out))
    assert all("elevation" in d for _n, d in G.nodes(data=True))
    assert all("tt_walk_dry" in d for _u, _v, d in G.edges(data=True))
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 2 and "--overwrite" in again.output


def test_import_without_dem_warns_and_is_flat(tmp_path: Path):
    """No DEM: the graph is flat (grade 0) and the command says so."""
    from planner.cli import cli
    from planner.roads.io import load_graph

    out = tmp_path / "flat.graphml"
    result = CliRunner().invoke(cli, ["roads", "import", "--lang", "en", str(OK_SMALL), "--out",
                                      str(out)])
    assert result.exit_code == 0
    assert "flat" in result.output
    G = load_graph(str(out))
    assert {d["grade"] for _u, _v, d in G.edges(data=True)} == {0.0}


def test_fetch_offline_fails_fast(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Without a network, `roads fetch` stops at once and points to `roads import`."""
    import planner.roads.fetch as fetch

    monkeypatch.setattr(fetch, "online", lambda *a, **k: False)
    with pytest.raises(RoadsError, match="roads import"):
        fetch.fetch_roads("Nậm Pồ, Điện Biên", tmp_path / "x.graphml")
    assert not (tmp_path / "x.graphml").exists()
