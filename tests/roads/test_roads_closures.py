"""Closures from GeoJSON, village places and graph grades (planner.roads)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.errors import InputError
from planner.roads.closures import apply_closures, read_closures
from planner.roads.osm import build_graph, read_osm
from planner.roads.places import find_place, fold_name
from planner.speeds import add_travel_times, load_speed_table

DATA = Path(__file__).resolve().parents[1] / "data" / "roads"


def test_a_landslide_point_closes_the_track_it_lies_on_in_both_directions():
    """A point with radius_m closes the edges within that distance, both directions,
    and names the closure."""
    G = build_graph(read_osm(DATA / "ok_small.osm"))
    apply_closures(G, DATA / "closures.geojson")
    closed = {(d["osmid"], d["reversed"]) for _u, _v, d in G.edges(data=True)
              if d.get("closed") == "yes"}
    assert closed == {(103, False), (103, True)}
    add_travel_times(G, load_speed_table())
    for _u, _v, d in G.edges(data=True):
        if d["osmid"] == 103:
            assert "tt_walk_dry" not in d and d["closure"] == "Sạt lở (landslide)"


def test_seasonal_closure_and_bad_features(tmp_path: Path):
    """A line across a road with season=wet closes it in the wet season only; a feature
    with an unknown season is reported with its number."""
    good = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"season": "wet"},
         "geometry": {"type": "LineString", "coordinates": [[103.005, 21.49], [103.005, 21.51]]}}]}
    path = tmp_path / "c.geojson"
    path.write_text(json.dumps(good))
    G = build_graph(read_osm(DATA / "ok_small.osm"))
    apply_closures(G, path)
    assert {d["osmid"] for _u, _v, d in G.edges(data=True) if d.get("closed_wet")} == {101, 106}
    bad = dict(good, features=[dict(good["features"][0], properties={"season": "monsoon"})])
    path.write_text(json.dumps(bad))
    with pytest.raises(InputError, match="feature 1"):
        read_closures(path)


def test_village_names_match_without_case_diacritics_or_prefix():
    """'Nà Bủng', 'ban na bung' and 'BẢN NÀ BỦNG' find the same place; đ matches d."""
    places = [{"name": "Bản Nà Bủng", "names": ["Bản Nà Bủng"], "place": "village",
               "lon": 1.0, "lat": 2.0},
              {"name": "Đề Pua", "names": ["Đề Pua"], "place": "hamlet", "lon": 3.0, "lat": 4.0}]
    for name in ("Nà Bủng", "ban na bung", "BẢN NÀ BỦNG"):
        assert find_place(name, places)["lon"] == 1.0
    assert find_place("de pua", places)["lat"] == 4.0
    assert find_place("Huổi Só", places) is None
    assert fold_name("Thôn  Đề-Pua") == "de pua"
