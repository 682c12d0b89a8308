"""Where a road graph comes from, and the fiction label the plan derives from it."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from planner.roads.info import fiction_note, roads_provenance

DATA = Path(__file__).resolve().parents[1] / "data" / "roads"


def test_imported_osm_roads_stay_openstreetmap_after_saving(tmp_path: Path):
    """A graph imported from an OSM file says "openstreetmap", also once saved as
    GraphML and loaded back."""
    from planner.roads.build import import_roads
    from planner.roads.io import load_graph

    G, _ = import_roads(DATA / "ok_small.osm", tmp_path / "small.graphml")
    assert roads_provenance(G) == "openstreetmap"
    assert roads_provenance(load_graph(str(tmp_path / "small.graphml"))) == "openstreetmap"


def test_generated_and_unknown_graphs():
    """The demo's generated network says "generated" (its note); an older imported
    graph is recognised by its source file; a bare graph is unknown."""
    from planner.demo import build_graph

    assert roads_provenance(build_graph()) == "generated"
    assert roads_provenance(nx.MultiDiGraph(source="andorra-2013.osm.pbf")) == "openstreetmap"
    assert roads_provenance(nx.MultiDiGraph()) == ""


def test_fiction_note_never_calls_real_roads_made_up():
    """Fictional people on OpenStreetMap roads: the note says the roads are real;
    on generated roads it says they are made up; unknown roads are not called
    either; real data get no note."""
    osm = fiction_note(True, "openstreetmap")
    assert "real OpenStreetMap roads" in osm and "road is made up" not in osm
    assert "road is made up" in fiction_note(True, "generated")
    unknown = fiction_note(True, "")
    assert "road" not in unknown and "made up" in unknown
    assert fiction_note(False, "generated") == ""


def test_a_fictional_plan_on_osm_roads_says_the_roads_are_real(demo_day):
    """The day plan's note follows the graph: the demo scenario planned on its
    network marked as OpenStreetMap says "fictional people on real
    OpenStreetMap roads" (not "demo data"); on its own generated network, that
    every road is made up."""
    from planner.day.plan import plan_day

    scenario, G, plan, _m, _p = demo_day
    assert any("every name, person and road is made up" in n for n in plan.notes)
    H = G.copy()
    H.graph.pop("note", None)
    H.graph["roads_data"] = "openstreetmap"
    osm_plan, matrices, _ = plan_day(scenario, H, time_limit_s=1.0)
    assert matrices.roads == "openstreetmap"
    assert any("Fictional people on real OpenStreetMap roads" in n for n in osm_plan.notes)
    assert not any("road is made up" in n or "demo data" in n for n in osm_plan.notes)
