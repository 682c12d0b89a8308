"""The day planner: invariants on the demo and on random small scenarios,
reasons for the unserved, and the golden demo plan."""

from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.day.plan import plan_day, plan_sites
from planner.day.verify import plan_violations
from planner.domain import Household, Parameters, Resident, Scenario, Station, Team, Village, Window
from planner.planfile import plan_json
from planner.speeds import add_travel_times, load_speed_table

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden" / "demo_plan.json"


def _site_of(scenario: Scenario) -> dict[str, int]:
    return plan_sites(scenario)[1]


def test_demo_plan_invariants(demo_day) -> None:
    """Every household once; visits in windows and shifts; time moves forward;
    legs equal the travel matrices."""
    scenario, _G, plan, matrices, _problem = demo_day
    assert plan_violations(plan, scenario, matrices, _site_of(scenario)) == []
    assert sum(1 for r in plan.routes for s in r.stops if s.kind == "visit") >= 8


def test_demo_unserved_have_reasons_in_words(demo_day) -> None:
    """Unserved households carry an officer-readable reason, including the walking
    limit, windows outside the shift and lack of time."""
    _scenario, _G, plan, _m, _p = demo_day
    codes = {u.code for u in plan.unserved}
    assert {"walk_limit", "shuttle_walk"} <= codes
    walk = next(u for u in plan.unserved if u.code == "walk_limit")
    limit_km = _scenario.parameters.walk_limit_m / 1000
    assert f"km on foot beyond the walking limit of {limit_km:.1f} km" in walk.reason
    assert all(u.reason for u in plan.unserved)


def test_demo_has_walking_legs(demo_day) -> None:
    """Some demo visits are reached on foot from a parking point."""
    _s, _G, plan, _m, _p = demo_day
    walks = [s for r in plan.routes for s in r.stops if s.kind == "visit" and s.walk_m > 0]
    assert walks
    assert all(s.park_lon is not None for s in walks)


def test_demo_plan_matches_golden(demo_day) -> None:
    """The demo's plan for its fixed seed and time limit is exactly the golden file.

    After an intended change, regenerate with ``UPDATE_GOLDEN=1 python -m pytest
    tests/day/test_solver.py`` and review the diff.
    """
    scenario, _G, plan, _m, _p = demo_day
    text = plan_json(plan, scenario)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_same_inputs_same_plan(demo_day) -> None:
    """Solving the same scenario again with the same seed and time limit gives
    a byte-identical plan.json."""
    scenario, G, plan, _m, _p = demo_day
    again, _, _ = plan_day(scenario, G)
    assert plan_json(again, scenario) == plan_json(plan, scenario)


def test_wet_season_closes_the_ford() -> None:
    """In the wet season the ford is closed and fords have no travel time."""
    table = load_speed_table()
    G = nx.MultiDiGraph(crs="epsg:4326")
    G.add_node(1, x=103.0, y=21.0)
    G.add_node(2, x=103.001, y=21.0)
    G.add_edge(1, 2, length=100.0, highway="track", surface="dirt", ford="yes")
    add_travel_times(G, table)
    data = G.edges[1, 2, 0]
    assert "tt_motorbike_dry" in data
    assert "tt_motorbike_wet" not in data


# --- random small scenarios -------------------------------------------------

LON0, LAT0 = 103.0, 21.0


def _grid_graph(rng: random.Random, step: float = 0.004) -> nx.MultiDiGraph:
    """A 5×5 road grid (``step`` degrees apart, 0.004 ≈ 450 m) with mixed classes,
    slopes and a path."""
    G = nx.MultiDiGraph(crs="epsg:4326")
    length = step / 0.004 * 450.0
    for i in range(5):
        for j in range(5):
            G.add_node(i * 5 + j, x=LON0 + i * step, y=LAT0 + j * step,
                       elevation=300 + 40 * i + rng.uniform(0, 60))
    classes = [("secondary", "asphalt"), ("unclassified", "gravel"), ("track", "dirt"),
               ("path", "ground")]
    for i in range(5):
        for j in range(5):
            for di, dj in ((1, 0), (0, 1)):
                if i + di < 5 and j + dj < 5:
                    u, v = i * 5 + j, (i + di) * 5 + j + dj
                    hw, sf = classes[0] if j == 0 else rng.choice(classes[:3]) \
                        if i < 4 else classes[3]
                    rise = G.nodes[v]["elevation"] - G.nodes[u]["elevation"]
                    for a, b, g in ((u, v, rise / length), (v, u, -rise / length)):
                        G.add_edge(a, b, length=length, highway=hw, surface=sf, grade=g)
    return add_travel_times(G, load_speed_table())


@st.composite
def small_scenarios(draw):
    seed = draw(st.integers(0, 10_000))
    rng = random.Random(seed)
    # short legs (a village) or long ones (a district: rides that cross lunch)
    step = draw(st.sampled_from([0.004, 0.004, 0.03]))
    n_households = draw(st.integers(1, 8))
    n_teams = draw(st.integers(1, 2))
    households = []
    for k in range(n_households):
        residents = []
        for m in range(draw(st.integers(1, 2))):
            cond = draw(st.sampled_from(["bedridden", "disabled", "elderly", "postpartum",
                                         "able"]))
            windows: tuple[Window, ...] = ()
            if draw(st.booleans()):
                start = draw(st.integers(5 * 60, 17 * 60)) * 60
                windows = (Window(start, start + draw(st.integers(30, 300)) * 60),)
            mode = draw(st.sampled_from(["home", "home", "home", "point", "shuttle", "auto"]))
            if mode == "shuttle" and cond == "bedridden":
                mode = "home"
            residents.append(Resident(f"R{k}-{m}", f"Người {k} {m}", cond, windows, mode,
                                      draw(st.integers(0, 60))))
        households.append(Household(
            f"H{k}", "V1", LON0 + rng.uniform(-0.003, 5 * step),
            LAT0 + rng.uniform(-0.003, 5 * step),
            tuple(residents)))
    teams = []
    for t in range(n_teams):
        start = draw(st.integers(6, 8)) * 3600
        end = start + draw(st.integers(4, 10)) * 3600
        lunch = Window(11 * 3600, 13 * 3600) if draw(st.booleans()) and start < 11 * 3600 \
            and end > 13 * 3600 else None
        split = draw(st.booleans())
        teams.append(Team(f"T{t}", f"Tổ {t}", ("A", "B", "C") if split else ("A",),
                          draw(st.integers(1, 3)), draw(st.integers(0, 1)), Window(start, end),
                          lunch, 3600 if lunch else 0, draw(st.integers(3, 10)) * 3600,
                          can_split=split))
    scenario = Scenario(
        name="random", fictional=True, date=dt.date(2026, 11, 24),
        station=Station("CA xã", LON0 + 0.001, LAT0 + 0.0005),
        villages=(Village("V1", "Bản Một", LON0, LAT0),), households=tuple(households),
        teams=tuple(teams), roads="grid",
        parameters=Parameters(season=draw(st.sampled_from(["dry", "wet"])),
                              time_limit_s=0.3, seed=1))
    return scenario, _grid_graph(rng, step)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_scenarios())
def test_random_scenarios_keep_every_rule(case) -> None:
    """On random small scenarios every household appears exactly once, visits sit
    inside windows and shifts, time never goes backwards, legs match the matrices,
    and lunch breaks sit in their windows."""
    scenario, G = case
    plan, matrices, _ = plan_day(scenario, G, time_limit_s=0.3, seed=1)
    assert plan_violations(plan, scenario, matrices, _site_of(scenario)) == []
    for route in plan.routes:
        for a, b in zip(route.stops, route.stops[1:], strict=False):
            assert a.depart_s <= b.arrive_s
