"""Priorities that hold: tiers are lexicographic (``planner.priorities``), the
day planner never leaves out a visit of a higher tier so that lower tiers fit
(``planner.day.repair``), and the self-check proves it
(``planner.day.verify.priority_violations``)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.day.needs import day_needs, team_units
from planner.day.plan import plan_day, plan_sites
from planner.day.problem import team_vehicle, tier_prizes
from planner.day.timing import schedule
from planner.day.verify import plan_violations, priority_violations, timed_route
from planner.domain import (
    DUTIES,
    Household,
    Parameters,
    Resident,
    Scenario,
    Station,
    Team,
    Village,
    Window,
)
from planner.engine import solve
from planner.errors import InputError
from planner.priorities import DEFAULT_PRIORITIES, check_priorities, part_tier, priority_key
from planner.problem import VehicleSpec
from planner.scenario import load_scenario
from planner.speeds import add_travel_times, load_speed_table

LON0, LAT0 = 103.0, 21.0
STEP = 0.0045  # ≈ 470 m
H = 3600
#: Bedridden visits take twice as long as the others.
LONG_BEDRIDDEN = (("bedridden", 100 * 60), ("disabled", 50 * 60), ("elderly", 50 * 60),
                  ("postpartum", 50 * 60), ("able", 50 * 60))


def _road(n: int = 24) -> nx.MultiDiGraph:
    """A gravel road of ``n`` nodes eastwards from the station (≈ 470 m apart)."""
    G = nx.MultiDiGraph(crs="epsg:4326")
    for k in range(n):
        G.add_node(k, x=LON0 + k * STEP, y=LAT0, elevation=400.0 + 15 * k)
    for k in range(n - 1):
        for a, b, g in ((k, k + 1, 15 / 470), (k + 1, k, -15 / 470)):
            G.add_edge(a, b, length=470.0, highway="unclassified", surface="gravel", grade=g)
    return add_travel_times(G, load_speed_table())


def _team(tid: str, start_h: float = 7, max_work_h: float = 8) -> Team:
    return Team(tid, f"Tổ {tid}", ("A", "B", "C"), 2, 1, Window(int(start_h * H), 17 * H),
                Window(11 * H, 13 * H), H, int(max_work_h * H))


def _scenario(households, teams, priorities=DEFAULT_PRIORITIES) -> Scenario:
    return Scenario("priorities", True, dt.date(2026, 11, 24), Station("CA xã", LON0, LAT0),
                    (Village("V", "Bản Thử", LON0 + 5 * STEP, LAT0),), tuple(households),
                    tuple(teams), "road",
                    Parameters(service_s=LONG_BEDRIDDEN, time_limit_s=2, seed=1,
                               return_before_sunset=False, priorities=priorities))


def _long_bedridden_day(n_bedridden: int, seed: int = 7) -> Scenario:
    """``n_bedridden`` bedridden households (two of them home only 07:00–10:00)
    among 30 elderly and able ones with short visits, spread along 11 km;
    one of the bedridden is home only 45 min (shorter than the visit)."""
    rng = random.Random(seed)
    households = []
    for k in range(n_bedridden):
        windows = (Window(7 * H, 10 * H),) if k < 2 else ()
        households.append(Household(f"B{k:02d}", "V", LON0 + rng.uniform(1, 23) * STEP, LAT0,
                                    (Resident(f"RB{k}", f"Người B{k}", "bedridden", windows,
                                              waiting_days=rng.randint(0, 20)),)))
    households.append(Household("B-short", "V", LON0 + 3 * STEP, LAT0,
                                (Resident("RBS", "Người BS", "bedridden",
                                          (Window(9 * H, 9 * H + 2700),)),)))
    for k in range(30):
        condition = "elderly" if k % 2 else "able"
        households.append(Household(f"S{k:02d}", "V", LON0 + rng.uniform(1, 23) * STEP, LAT0,
                                    (Resident(f"RS{k}", f"Người S{k}", condition, (),
                                              waiting_days=rng.randint(0, 60)),)))
    return _scenario(households, [_team("T1"), _team("T2", 7.5)])


def _served(plan) -> set[str]:
    return {s.household for r in plan.routes for s in r.stops if s.kind == "visit"}


def test_long_bedridden_visits_all_served_before_short_ones() -> None:
    """Bedridden visits take twice as long, the teams cannot visit everyone:
    every bedridden household a team can reach in its window is served, and
    the one whose window is shorter than the visit is told so."""
    scenario = _long_bedridden_day(6)
    G = _road()
    plan, matrices, _ = plan_day(scenario, G)
    assert plan_violations(plan, scenario, matrices, plan_sites(scenario)[1]) == []
    served = _served(plan)
    assert {f"B{k:02d}" for k in range(6)} <= served
    short = next(u for u in plan.unserved if u.household == "B-short")
    assert short.code == "window_too_short"
    assert "at home 45 min, the visit needs 105 min" in short.reason
    left = [u for u in plan.unserved if u.code == "no_capacity"]
    assert left, "the scenario must leave some households out for capacity"
    assert all(u.household.startswith("S") for u in left)


def test_too_many_bedridden_none_of_lower_tiers_served_in_their_place() -> None:
    """Twelve long bedridden visits, more than the teams can make: those left
    out lost their place to nobody of a lower tier (the self-check proves
    it), and the teams spend their day on bedridden visits."""
    scenario = _long_bedridden_day(12)
    plan, matrices, _ = plan_day(scenario, _road())
    assert priority_violations(plan, scenario, matrices, plan_sites(scenario)[1]) == []
    left = [u.household for u in plan.unserved if u.code == "no_capacity"]
    assert any(h.startswith("B") for h in left)
    # 8 h hold three 105-min visits, the lunch hour and the rides, not four:
    # each team makes three, and a short visit only in the hour left over
    bedridden = [h for h in _served(plan) if h.startswith("B")]
    assert len(bedridden) == 6
    for route in plan.routes:
        short = [s for s in route.stops if s.kind == "visit" and s.household.startswith("S")]
        assert len(short) <= 1
    for u in plan.unserved:
        if u.code == "no_capacity" and u.household.startswith("B"):
            assert u.reason.startswith("no capacity left for this priority (bedridden)")


def _poor_engine(problem, time_limit_s, seed):
    """The real engine's answer with most of its visits then taken out: a
    search that stopped far too early."""
    solution = solve(problem, time_limit_s, seed)
    routes = []
    for r in solution.routes:
        keep = [(n, t) for k, (n, t) in enumerate(zip(r.nodes, r.service_start_s, strict=True))
                if k % 3 == 0]
        routes.append(replace(r, nodes=tuple(n for n, _ in keep),
                              service_start_s=tuple(t for _, t in keep)))
    visited = {n for r in routes for n in r.nodes}
    return replace(solution, routes=tuple(routes),
                   dropped=tuple(n for n in range(1, problem.num_nodes) if n not in visited))


def test_repair_makes_the_rule_hold_after_a_poor_search() -> None:
    """From an answer that lost two thirds of its visits, the repair puts the
    bedridden back first: all six are served, the self-check passes, and the
    days are filled again with short visits where they fit."""
    scenario = _long_bedridden_day(6)
    plan, matrices, _ = plan_day(scenario, _road(), solve_fn=_poor_engine)
    assert plan_violations(plan, scenario, matrices, plan_sites(scenario)[1]) == []
    served = _served(plan)
    assert {f"B{k:02d}" for k in range(6)} <= served
    assert len(served) >= 8


def test_self_check_finds_a_visit_that_lost_its_place() -> None:
    """Planned with the tiers upside down (able first), the plan serves able
    residents while bedridden ones are left out; checked against the default
    order, the self-check names a route that could have taken them."""
    upside_down = tuple(reversed(DEFAULT_PRIORITIES))
    scenario = replace(_long_bedridden_day(12), parameters=replace(
        _long_bedridden_day(12).parameters, priorities=upside_down))
    plan, matrices, _ = plan_day(scenario, _road())
    assert any(h.startswith("S") for h in _served(plan))
    default = _long_bedridden_day(12)
    found = priority_violations(plan, default, matrices, plan_sites(default)[1])
    assert found and "left out for capacity" in found[0]


def test_a_team_on_point_duty_is_not_one_that_could_have_taken_a_visit() -> None:
    """Twelve long bedridden visits, one team on home visits and one whose
    duty today is the collection point: the point opens for able residents
    while bedridden visits are left out, and the tier rule holds, because the
    point team could not have taken them instead. Checked as if that team
    had every duty, the same plan breaks the rule (the check can fail)."""
    base = _long_bedridden_day(12)
    invited = tuple(Household(f"P{k}", "V", LON0 + 5 * STEP, LAT0,
                              (Resident(f"RP{k}", f"Người P{k}", "able", (), "point"),))
                    for k in range(10))
    point_team = replace(_team("T2", 7.5), duties=("point",))
    scenario = replace(base, households=base.households + invited,
                       teams=(_team("T1"), point_team))
    plan, matrices, _ = plan_day(scenario, _road())
    site_of = plan_sites(scenario)[1]
    assert plan_violations(plan, scenario, matrices, site_of) == []
    kinds = {r.team: {s.kind for s in r.stops} for r in plan.routes}
    assert "point" in kinds["T2"] and "visit" not in kinds["T2"]
    left = [u.household for u in plan.unserved if u.code == "no_capacity"]
    assert any(h.startswith("B") for h in left)
    every_duty = replace(scenario, teams=(_team("T1"), replace(point_team, duties=DUTIES)))
    found = priority_violations(plan, every_duty, matrices, site_of)
    assert found and all(f.startswith("T2 could visit") for f in found)


def test_self_check_names_work_outside_a_units_duties() -> None:
    """A route that makes home visits for a team whose only duty is the
    point breaks the plan's rules."""
    scenario = _long_bedridden_day(6)
    plan, matrices, _ = plan_day(scenario, _road())
    point_only = replace(scenario, teams=(replace(scenario.teams[0], duties=("point",)),
                                          scenario.teams[1]))
    found = plan_violations(plan, point_only, matrices, plan_sites(scenario)[1])
    assert any("work of the 'home' duty" in f for f in found)


def test_priorities_order_is_the_scenarios() -> None:
    """``priorities`` changes who goes first: with elderly first, the elderly
    visit is made and the bedridden one waits."""
    households = [Household("B", "V", LON0 + 4 * STEP, LAT0,
                            (Resident("RB", "Người B", "bedridden"),)),
                  Household("E", "V", LON0 + 4 * STEP, LAT0,
                            (Resident("RE", "Người E", "elderly"),))]
    team = Team("T1", "Tổ 1", ("A",), 1, 1, Window(7 * H, 17 * H), max_work_s=int(2 * H))
    for order, first in ((DEFAULT_PRIORITIES, "B"),
                         (("elderly", "bedridden", "disabled", "postpartum", "able"), "E")):
        scenario = _scenario(households, [team], order)
        plan, matrices, _ = plan_day(scenario, _road(8))
        assert _served(plan) == {first}
        assert plan_violations(plan, scenario, matrices, plan_sites(scenario)[1]) == []


def test_tier_prizes_are_lexicographic_and_bounded() -> None:
    """One part of a tier is worth more than all parts of lower tiers that the
    routes could hold together, plus any routing cost; waiting days order a
    tier; hundreds of nodes stay far from int64 overflow."""
    vehicles = [VehicleSpec("T1", 7 * H, 17 * H, 10 * H), VehicleSpec("T2", 7 * H, 17 * H, 10 * H)]
    comps = [[]] + [[(t, d, 1.0)] for t in range(5) for d in (0, 30) for _ in range(60)]
    prizes = tier_prizes(comps, 5, vehicles, [0] + [1200] * (len(comps) - 1))
    assert prizes[0] == -1
    cost = 2 * 2 * 10 * H
    capacity = 2 * (10 * H // 1200)
    for t in range(4):
        lowest_of_t = min(p for p, c in zip(prizes, comps, strict=True) if c and c[0][0] == t)
        lower = sorted((p for p, c in zip(prizes, comps, strict=True) if c and c[0][0] > t),
                       reverse=True)
        assert lowest_of_t > cost + sum(lower[:capacity])
    waited = [p for p, c in zip(prizes, comps, strict=True) if c and c[0][:2] == (2, 30)]
    fresh = [p for p, c in zip(prizes, comps, strict=True) if c and c[0][:2] == (2, 0)]
    assert min(waited) > max(fresh)
    assert sum(p for p in prizes if p > 0) < 10**17


def test_priority_helpers() -> None:
    """A part's tier is its most urgent resident's; the key sorts by tier,
    then by days waited; an order must list every condition once."""
    old = Resident("R1", "A", "elderly", waiting_days=40)
    bed = Resident("R2", "B", "bedridden", waiting_days=2)
    assert part_tier((old, bed)) == 0
    assert priority_key((old,)) == (3, -40)
    assert sorted([(old,), (bed,)], key=priority_key) == [(bed,), (old,)]
    assert check_priorities(DEFAULT_PRIORITIES) == []
    problems = check_priorities(["bedridden", "bedridden", "elderly", "sick"])
    assert any("sick" in p for p in problems) and any("more than once" in p for p in problems)
    assert any("missing" in p for p in problems)


def test_scenario_reads_priorities(tmp_path: Path) -> None:
    """``priorities:`` in the scenario sets the order; a wrong list is one
    clear error naming the field and the fix."""
    demo = Path(__file__).resolve().parents[2] / "scenarios" / "demo"
    yaml = (demo / "scenario.yaml").read_text(encoding="utf-8")
    (tmp_path / "households.csv").write_text(
        (demo / "households.csv").read_text(encoding="utf-8"), encoding="utf-8")
    ok = yaml + "priorities: [disabled, bedridden, postpartum, elderly, able]\n"
    (tmp_path / "scenario.yaml").write_text(ok, encoding="utf-8")
    scenario, _ = load_scenario(tmp_path / "scenario.yaml", check_roads=False)
    assert scenario.parameters.priorities[:2] == ("disabled", "bedridden")
    (tmp_path / "scenario.yaml").write_text(yaml + "priorities: [bedridden, able]\n",
                                            encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(tmp_path / "scenario.yaml", check_roads=False)
    text = str(err.value.problems)
    assert "priorities" in text and "missing: disabled, elderly, postpartum" in text


# --- the tier rule on random scenarios -------------------------------------

#: Duties a random team may have (``DUTIES`` the most often).
RANDOM_DUTIES = [DUTIES] * 3 + [("home",), ("point",), ("shuttle",), ("home", "shuttle"),
                                ("shuttle", "point"), ("home", "point")]


@st.composite
def crowded_days(draw):
    """More households than one or two short days can hold, random conditions,
    modes and windows, teams with random duties, on a road with slopes."""
    rng = random.Random(draw(st.integers(0, 10_000)))
    households = []
    for k in range(draw(st.integers(4, 12))):
        residents = []
        for m in range(draw(st.integers(1, 2))):
            condition = draw(st.sampled_from(DEFAULT_PRIORITIES))
            windows: tuple[Window, ...] = ()
            if draw(st.integers(0, 2)) == 0:
                start = draw(st.integers(6 * 60, 15 * 60)) * 60
                windows = (Window(start, start + draw(st.integers(60, 300)) * 60),)
            mode = draw(st.sampled_from(["home"] * 5 + ["auto", "point", "shuttle"]))
            if mode == "shuttle" and condition == "bedridden":
                mode = "home"
            residents.append(Resident(f"R{k}-{m}", f"Người {k} {m}", condition, windows, mode,
                                      draw(st.integers(0, 30))))
        households.append(Household(f"H{k:02d}", "V", LON0 + rng.uniform(0.5, 15) * STEP,
                                    LAT0, tuple(residents)))
    teams = [Team(f"T{t}", f"Tổ {t}", ("A", "B", "C"), 2, 1,
                  Window(draw(st.integers(6, 8)) * H, 17 * H),
                  Window(11 * H, 13 * H) if draw(st.booleans()) else None,
                  H, draw(st.integers(2, 6)) * H, can_split=draw(st.booleans()),
                  duties=draw(st.sampled_from(RANDOM_DUTIES)))
             for t in range(draw(st.integers(1, 2)))]
    teams = [replace(t, lunch_s=H if t.lunch else 0) for t in teams]
    return replace(_scenario(households, teams),
                   parameters=replace(_scenario(households, teams).parameters,
                                      time_limit_s=0.3))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_days())
def test_random_crowded_days_keep_the_tier_rule(scenario) -> None:
    """On random crowded days the self-check proves the tier rule: no home
    visit left out for capacity could take the place of a lower tier's stops
    on a route allowed to take it (by the teams' duties), and no unit works
    outside its duties.
    And the timing rule the proof rests on accepts every route of the plan
    (it agrees with the engine)."""
    G = _road(18)
    plan, matrices, _ = plan_day(scenario, G, time_limit_s=0.3, seed=1)
    site_of = plan_sites(scenario)[1]
    assert priority_violations(plan, scenario, matrices, site_of) == []
    assert plan_violations(plan, scenario, matrices, site_of) == []
    assert all(stop.wait_s >= 0 for r in plan.routes for stop in r.stops)
    day = day_needs(scenario)
    needs = {n.household.id: n for n in day.home}
    needs.update({a.household.id: a.home for a in day.auto if a.home is not None})
    auto_ids = {a.household.id for a in day.auto}
    tiers = {**{(h, "home"): 0 for h in set(needs) | auto_ids},
             **{(h.id, "point"): 0 for p in day.points for h in p.invited}}
    units = {u.name: u for u in team_units(scenario)}
    for route in plan.routes:
        unit = units[route.name]
        stops = [s for s, _ in timed_route(route, scenario, site_of, needs, tiers, auto_ids)]
        if stops:
            vehicle = team_vehicle(scenario, unit.team, unit.name, unit.capacity)
            assert schedule(stops, matrices.travel_s, vehicle) is not None, route.name


# --- real mountain roads the planner was not tuned on ----------------------

@pytest.fixture(scope="module")
def andorra_graph(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """The Andorra OpenStreetMap extract with SRTM elevation, imported once."""
    from planner.roads.build import import_roads
    from planner.roads.io import load_graph

    out = tmp_path_factory.mktemp("maps") / "andorra.graphml"
    import_roads(shared_data / "osm" / "andorra-2013.osm.pbf", out,
                 [shared_data / "dem" / "N42E001.hgt", shared_data / "dem" / "N41E001.hgt"])
    return load_graph(str(out))


def test_real_mountain_roads_106_households_36_bedridden(andorra_graph) -> None:
    """The issue's trial, on real Pyrenees roads: 106 households, 36
    bedridden, 2 teams that cannot visit everyone. The teams spend their day
    on bedridden visits; nobody of a lower tier is served where a bedridden
    visit would fit (the self-check); no elderly or able resident is served
    while bedridden ones wait; every bedridden household left out is told
    the true reason."""
    G = andorra_graph
    rng = random.Random(3)
    near = [n for n, d in G.nodes(data=True)
            if abs(d["x"] - 1.52) < 0.08 and abs(d["y"] - 42.52) < 0.06]
    office = min(G.nodes, key=lambda n: (G.nodes[n]["x"] - 1.52) ** 2
                 + (G.nodes[n]["y"] - 42.507) ** 2)
    households = []
    for k in range(106):
        node = rng.choice(near)
        condition = "bedridden" if k < 36 else rng.choice(
            ["elderly", "elderly", "able", "disabled", "postpartum", "able"])
        windows: tuple[Window, ...] = ()
        if rng.random() < 0.25:
            start = rng.choice([7, 8, 13, 14]) * H
            windows = (Window(start, start + rng.choice([2, 3, 4]) * H),)
        households.append(Household(
            f"H{k:03d}", "V", G.nodes[node]["x"] + rng.uniform(-5e-4, 5e-4),
            G.nodes[node]["y"] + rng.uniform(-5e-4, 5e-4),
            (Resident(f"R{k}", f"Người {k}", condition, windows, "home", rng.randint(0, 30)),)))
    rng.shuffle(households)
    teams = tuple(Team(f"T{t}", f"Tổ {t}", ("A", "B", "C"), 2, 1, Window(7 * H, 17 * H),
                       Window(11 * H, 13 * H), H, int(9.5 * H)) for t in (1, 2))
    x, y = G.nodes[office]["x"], G.nodes[office]["y"]
    scenario = Scenario("andorra", True, dt.date(2026, 11, 24), Station("Công an", x, y),
                        (Village("V", "Bản", x, y),), tuple(households), teams, "andorra",
                        Parameters(time_limit_s=2, seed=1))
    plan, matrices, _ = plan_day(scenario, G)
    assert plan_violations(plan, scenario, matrices, plan_sites(scenario)[1]) == []
    condition = {h.id: h.residents[0].condition for h in households}
    served = [condition[h] for h in _served(plan)]
    assert served.count("bedridden") >= 8
    assert not {"elderly", "able"} & set(served)
    for u in plan.unserved:
        if condition[u.household] == "bedridden":
            assert u.code != "no_capacity" or u.reason.startswith(
                "no capacity left for this priority (bedridden)")
