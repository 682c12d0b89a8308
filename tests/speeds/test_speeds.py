"""The travel-time model of planner.speeds and maps/speeds.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.errors import InputError
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


MONSOON = """
[seasons.monsoon]
# test data: a third season, heavier than wet: dirt at a quarter, mud closed
closes = ["ford", "surface=mud"]
motorbike.unpaved_factor = 0.25
motorbike.paved_factor = 0.8
walk.unpaved_factor = 0.6
car.unpaved_factor = 0.25
"""


def _monsoon_table(tmp_path):
    from planner.speeds import DEFAULT_TABLE

    path = tmp_path / "speeds.toml"
    path.write_text(DEFAULT_TABLE.read_text(encoding="utf-8") + MONSOON, encoding="utf-8")
    return load_speed_table(path)


def test_the_seasons_are_the_tables_of_the_speed_table():
    """The bundled table defines dry (the default) and wet; wet closes fords."""
    from planner.speeds import default_season, season_names

    assert season_names(TABLE) == ("dry", "wet")
    assert default_season(TABLE) == "dry"
    assert TABLE["seasons"]["wet"]["closes"] == ["ford"]


def test_a_season_is_one_table(tmp_path):
    """Adding [seasons.monsoon] to a copy of the speed table is all it takes: edges
    get tt_*_monsoon, its factors and closures apply, a scenario may name it and
    a small day is planned with it (a real solve on the demo's road graph)."""
    from dataclasses import replace

    from planner.day.plan import plan_day
    from planner.roads.io import load_graph
    from planner.scenario import load_scenario
    from planner.speeds import season_names

    table = _monsoon_table(tmp_path)
    assert season_names(table) == ("dry", "wet", "monsoon")
    dirt = edge(highway="track", surface="dirt")
    assert edge_speed_kph(dirt, "motorbike", "monsoon", table) == pytest.approx(
        edge_speed_kph(dirt, "motorbike", "dry", table) * 0.25)
    assert edge_speed_kph(edge(highway="track", surface="mud"), "walk", "monsoon", table) == 0
    assert edge_speed_kph(edge(highway="track", surface="mud"), "walk", "wet", table) > 0
    assert edge_speed_kph(edge(highway="track", ford="yes"), "motorbike", "monsoon", table) == 0

    small = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
    text = (small / "scenario.yaml").read_text(encoding="utf-8")
    (tmp_path / "scenario.yaml").write_text(text.replace("season: dry", "season: monsoon"),
                                            encoding="utf-8")
    (tmp_path / "households.csv").write_bytes((small / "households.csv").read_bytes())
    with pytest.raises(InputError, match="dry, wet") as err:  # the bundled table has none
        load_scenario(tmp_path / "scenario.yaml")
    assert "unknown season 'monsoon'" in str(err.value)
    scenario, _ = load_scenario(tmp_path / "scenario.yaml", speed_table=table)
    assert scenario.parameters.season == "monsoon"
    G = load_graph(scenario.roads, table=table)
    assert any("tt_motorbike_monsoon" in d for _u, _v, d in G.edges(data=True))
    plan, matrices, _problem = plan_day(scenario, G, table=table, time_limit_s=1)
    assert plan.season == "monsoon" and matrices.season == "monsoon"
    visited = {s.household for r in plan.routes for s in r.stops if s.household}
    assert visited  # the small day is served in the monsoon too
    dry, dry_m, _ = plan_day(replace(scenario, parameters=replace(scenario.parameters,
                                                                  season="dry")),
                             G, table=table, time_limit_s=1)
    assert matrices.travel_s[0, 1:].sum() > dry_m.travel_s[0, 1:].sum()


@pytest.mark.parametrize("tables, where", [
    ("[seasons.wet]\nclosed = [\"ford\"]\n", "[seasons.wet] closed"),
    ("[seasons.wet]\nmotorbike.unpaved_factor = 0\n", "motorbike.unpaved_factor"),
    ("[seasons.wet]\ncloses = \"ford\"\n", "[seasons.wet] closes"),
    ("[seasons.Wet]\n", "[seasons.Wet]"),
    ("default_season = \"monsoon\"\n[seasons.dry]\n", "default_season"),
    ("[motorbike.wet]\nunpaved_factor = 0.4\n[seasons.dry]\n", "[motorbike.wet]"),
])
def test_broken_season_tables_name_the_table(tmp_path, tables: str, where: str):
    """A season table with a wrong key, factor or closure list, or a default season
    that is not defined, is an input error naming the table and key."""
    base = "[motorbike]\ndefault_kph = 25.0\n[walk]\nflat_kph = 5.0\n"
    path = tmp_path / "speeds.toml"
    # top-level keys must come before the first table
    top, _, rest = tables.partition("[")
    path.write_text(top + base + ("[" + rest if rest else ""), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_speed_table(path)
    assert where in str(err.value) and "speeds.toml" in str(err.value)


def test_wet_days_need_a_wet_season(tmp_path):
    """A campaign's wet_days are planned with the season named wet: a speed table
    without one is refused for such a scenario, naming campaign.wet_days."""
    from planner.scenario import load_scenario

    table = load_speed_table()
    dry_only = {**table, "seasons": {"dry": table["seasons"]["dry"]}}
    small = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
    text = (small / "scenario.yaml").read_text(encoding="utf-8")
    (tmp_path / "scenario.yaml").write_text(text + "campaign:\n  wet_days: [2026-11-25]\n",
                                            encoding="utf-8")
    (tmp_path / "households.csv").write_bytes((small / "households.csv").read_bytes())
    assert load_scenario(tmp_path / "scenario.yaml")[0].campaign.wet_days
    with pytest.raises(InputError) as err:
        load_scenario(tmp_path / "scenario.yaml", speed_table=dry_only)
    assert [p.where for p in err.value.problems] == ["campaign.wet_days"]


@pytest.mark.parametrize("text", ["ford_m = 1.0\nford_m = 2.0\n[motorbike]\n[walk]\n",
                                  "[motorbike]\n[walk]\n[seasons.dry]\n[seasons.dry]\n"])
def test_a_key_given_twice_in_the_speed_table_is_named(tmp_path, text: str):
    """A key or table given twice is named as such, with its line."""
    path = tmp_path / "speeds.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_speed_table(path)
    assert "given twice" in str(err.value) and "at line" in str(err.value)
