"""The generator of 2025-sized merged communes (``generate_merged_commune``)
and of generated mountain road networks (``mountain_graph``), at a small
size: the sizes a merged commune gets, its labels (generated people, roads
said to be generated), the station off-centre, teams running points or
shuttles, the same seed giving the same commune."""

from __future__ import annotations

import pytest

from planner.geo import haversine_m
from planner.scenario.generate import (
    MERGED_LABEL,
    MOUNTAIN_NOTE,
    generate_merged_commune,
    merged_sizes,
    mountain_graph,
)


@pytest.fixture(scope="module")
def graph():
    """A generated mountain network of 9 × 9 km (a 16 × 16 grid of junctions)."""
    return mountain_graph(size_km=9.0, step_km=0.6, seed=3)


def test_merged_sizes_are_those_of_a_2025_commune():
    """2,000–4,000 households get 30–60 villages and 8–12 teams (10 for
    3,000); smaller and larger communes stay within those ranges."""
    for households in (500, 2000, 3000, 4000, 9000):
        villages, teams = merged_sizes(households)
        assert 30 <= villages <= 60 and 8 <= teams <= 12
    assert merged_sizes(3000)[1] == 10
    assert merged_sizes(2000)[0] < merged_sizes(4000)[0]


def test_mountain_graph_is_labelled_and_hilly(graph):
    """The network says it is generated, every edge has motorbike travel
    times or none (a footpath), grades are those of mountain roads, and it has
    paved, gravel, dirt and foot roads."""
    assert graph.graph["note"] == MOUNTAIN_NOTE and "GENERATED" in MOUNTAIN_NOTE
    kinds = {d["highway"] for _u, _v, d in graph.edges(data=True)}
    assert kinds == {"secondary", "unclassified", "track", "path"}
    grades = [abs(d["grade"]) for _u, _v, d in graph.edges(data=True)]
    assert 0.05 < max(grades) < 1.0
    assert any(k.startswith("tt_motorbike") for _u, _v, d in graph.edges(data=True) for k in d)


def test_merged_commune_sizes_and_labels(graph):
    """600 households in 30 villages with 8 teams; the name starts with the
    label, the people are generated, the station is off-centre, some teams
    besides the first run points or shuttles; the same seed gives the same
    commune."""
    sc = generate_merged_commune(graph, 5, households=600)
    assert len(sc.households) == 600 and len(sc.villages) == 30 and len(sc.teams) == 8
    assert sc.name.startswith(MERGED_LABEL) and "GENERATED" in sc.name
    assert sc.fictional and sc.source == "generated"
    assert all(r.full_name.startswith("Generated resident") for h in sc.households
               for r in h.residents)
    assert {h.village_id for h in sc.households} == {v.id for v in sc.villages}
    xs = sorted(d["x"] for _n, d in graph.nodes(data=True))
    ys = sorted(d["y"] for _n, d in graph.nodes(data=True))
    middle = (xs[len(xs) // 2], ys[len(ys) // 2])
    assert haversine_m(sc.station.lon, sc.station.lat, *middle) > 1500.0
    assert any(set(t.duties) & {"point", "shuttle"} for t in sc.teams[1:])
    assert sc == generate_merged_commune(graph, 5, households=600)
