"""The travel-time model of planner.speeds and maps/speeds.toml."""

from __future__ import annotations

import pytest

from planner.speeds import add_travel_times, edge_speed_kph, load_speed_table, tobler_kph

TABLE = load_speed_table()


def edge(**tags) -> dict:
    """A 500 m edge with the given tags."""
    return {"length": 500.0, **tags}


def test_tobler_gives_5_kph_on_the_flat_and_less_uphill():
    """Tobler: 5.0 km/h on the flat (as configured), slower at +10 %, fastest near −5 %."""
    assert tobler_kph(0.0) == pytest.approx(5.0)
    assert tobler_kph(0.10) < tobler_kph(-0.10) < tobler_kph(-0.05)


@pytest.mark.parametrize("profile", ["motorbike", "walk", "car"])
@pytest.mark.parametrize("grade", [0.09, 0.15, 0.3])
def test_uphill_is_slower_than_downhill(profile: str, grade: float):
    """For grades above 8 %, every profile is slower uphill than downhill."""
    up = edge_speed_kph(edge(highway="track", surface="gravel", grade=grade), profile, "dry",
                        TABLE)
    down = edge_speed_kph(edge(highway="track", surface="gravel", grade=-grade), profile,
                          "dry", TABLE)
    assert 0 < up < down


@pytest.mark.parametrize("surface", ["dirt", "gravel", "ground", "mud", "asphalt"])
def test_wet_season_never_faster_and_slower_on_unpaved(surface: str):
    """Wet speeds ≤ dry speeds; strictly lower for motorbikes on unpaved surfaces."""
    for profile in ("motorbike", "walk", "car"):
        data = edge(highway="unclassified", surface=surface, grade=0.05)
        assert edge_speed_kph(data, profile, "wet", TABLE) <= edge_speed_kph(
            data, profile, "dry", TABLE)
    if surface != "asphalt":
        data = edge(highway="unclassified", surface=surface)
        assert edge_speed_kph(data, "motorbike", "wet", TABLE) < edge_speed_kph(
            data, "motorbike", "dry", TABLE)


def test_fords_close_in_the_wet_season_and_slow_the_crossing_in_the_dry():
    """A ford closes in the wet season. In the dry, a way tagged ford is slow over its
    whole length; a ford node slows only ford_m metres of its edge."""
    way_ford = edge(highway="track", surface="dirt", ford="yes")
    node_ford = edge(highway="track", surface="dirt", ford="yes", ford_node="yes")
    plain = edge(highway="track", surface="dirt")
    for ford in (way_ford, node_ford):
        assert edge_speed_kph(ford, "motorbike", "wet", TABLE) == 0.0
        assert edge_speed_kph(ford, "walk", "wet", TABLE) == 0.0
    dry, normal = (edge_speed_kph(node_ford, "motorbike", "dry", TABLE),
                   edge_speed_kph(plain, "motorbike", "dry", TABLE))
    assert TABLE["motorbike"]["ford_kph"] < dry < normal
    assert edge_speed_kph(way_ford, "motorbike", "dry", TABLE) == TABLE["motorbike"]["ford_kph"]


def test_closures_oneway_and_access():
    """closed=yes closes every season, closed_wet only the wet; vehicles may not ride
    against a one-way road but walkers may; access=private forbids vehicles."""
    road = {"highway": "residential", "surface": "asphalt"}
    assert edge_speed_kph(edge(**road, closed="yes"), "walk", "dry", TABLE) == 0
    wet_only = edge(**road, closed_wet="yes")
    assert edge_speed_kph(wet_only, "motorbike", "wet", TABLE) == 0
    assert edge_speed_kph(wet_only, "motorbike", "dry", TABLE) > 0
    against = edge(**road, oneway="True", reversed="True")
    assert edge_speed_kph(against, "motorbike", "dry", TABLE) == 0
    assert edge_speed_kph(against, "walk", "dry", TABLE) > 0
    assert edge_speed_kph(edge(**road, access="private"), "motorbike", "dry", TABLE) == 0
    assert edge_speed_kph(edge(**road, access="private", motorcycle="yes"), "motorbike",
                          "dry", TABLE) > 0


def test_add_travel_times_names_attributes_per_profile_and_season():
    """Every usable edge gets tt_<profile>_<season> in seconds = length / speed."""
    import networkx as nx

    G = nx.MultiDiGraph()
    G.add_edge(1, 2, **edge(highway="path"))
    add_travel_times(G, TABLE)
    data = G.edges[1, 2, 0]
    assert "tt_motorbike_dry" not in data  # motorbikes do not use paths
    assert data["tt_walk_dry"] == pytest.approx(
        500 / (edge_speed_kph(data, "walk", "dry", TABLE) / 3.6))
