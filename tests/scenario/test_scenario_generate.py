"""The generator of commune scenarios (``planner.scenario.generate``) on the
demo's fictional road network: seeded, labelled generated, 20–40 % narrow
early-morning/evening households, teams with duties."""

from __future__ import annotations

import pytest

from planner.scenario.generate import EARLY, EVENING, generate_commune


@pytest.fixture(scope="module")
def graph():
    """The demo's fictional road network (loaded once)."""
    from planner.roads.io import load_graph

    return load_graph("demo_commune")


def test_same_seed_same_commune_other_seed_another(graph) -> None:
    """A seed gives the same scenario every time; another seed another one."""
    a = generate_commune(graph, 3, households=40)
    assert a == generate_commune(graph, 3, households=40)
    assert a != generate_commune(graph, 4, households=40)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_everything_says_it_is_generated(graph, seed: int) -> None:
    """fictional is true, the source is "generated", and every village, resident,
    team and officer is named "Generated …"."""
    sc = generate_commune(graph, seed, households=30)
    assert sc.fictional and sc.source == "generated" and "GENERATED" in sc.name
    assert all(v.name.startswith("Generated village") for v in sc.villages)
    assert all(r.full_name.startswith("Generated resident")
               for h in sc.households for r in h.residents)
    assert all(t.name.startswith("Generated team") and all(m.startswith("Generated officer")
                                                           for m in t.members)
               for t in sc.teams)


@pytest.mark.parametrize("seed", [5, 6, 7, 8])
def test_narrow_households_teams_and_modes(graph, seed: int) -> None:
    """Between 20 % and 40 % of the households are narrow (every resident at home
    only 06:00–07:30 and/or 17:00–19:00, visited at home); teams have an early
    and a late shift and duties; several modes occur; every household lies on a
    village of the scenario."""
    sc = generate_commune(graph, seed, households=100, teams=3)
    narrow = [h for h in sc.households
              if all(r.windows and set(r.windows) <= {EARLY, EVENING} for r in h.residents)]
    assert 0.2 <= len(narrow) / len(sc.households) <= 0.4
    assert all(r.mode == "home" for h in narrow for r in h.residents)
    shifts = {t.shift.start_s for t in sc.teams}
    assert EARLY.start_s in shifts and any(t.shift.end_s >= EVENING.end_s for t in sc.teams)
    assert sc.teams[0].duties == ("home", "shuttle", "point")
    assert {r.mode for h in sc.households for r in h.residents} >= {"home", "point"}
    villages = {v.id for v in sc.villages}
    assert all(h.village_id in villages for h in sc.households)
