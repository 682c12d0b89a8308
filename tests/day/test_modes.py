"""Three ways to reach a resident: shuttles, collection points and the planner's
choice, on the demo and on small hand-made roads (real OR-Tools solves)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pytest

from planner.day.needs import day_needs, team_units
from planner.day.plan import plan_day, plan_sites
from planner.day.verify import plan_violations, priority_violations
from planner.domain import (
    CollectionPoint,
    Household,
    Parameters,
    Resident,
    Scenario,
    Station,
    Team,
    Village,
    Window,
)
from planner.errors import InputError
from planner.planfile import plan_to_dict
from planner.scenario import load_scenario
from planner.speeds import add_travel_times, load_speed_table


def _stops(plan, kind: str):
    return [(r, s) for r in plan.routes for s in r.stops if s.kind == kind]


def test_demo_modes_and_the_tier_rule(demo_day) -> None:
    """The demo day uses every mode: home visits by the commune teams, both
    trips of a shuttle, and collection points opened by the district team,
    whose duty today is the points (and shuttles), each open at least the
    minimum slot. Home visits of higher tiers are left out for capacity while
    points serve able residents, yet the tier rule holds: the point team
    could not have taken those visits (``Team.duties``), and no team on home
    visits could either."""
    scenario, _G, plan, matrices, _p = demo_day
    site_of = plan_sites(scenario)[1]
    assert plan_violations(plan, scenario, matrices, site_of) == []
    assert priority_violations(plan, scenario, matrices, site_of) == []
    duties = {t.id: t.duties for t in scenario.teams}
    visits = _stops(plan, "visit")
    assert visits and all("home" in duties[r.team] and not r.unit for r, _ in visits)
    assert _stops(plan, "pickup") and _stops(plan, "dropoff")
    assert all("shuttle" in duties[r.team] for r, _ in _stops(plan, "pickup"))
    points = _stops(plan, "point")
    assert points and all("point" in duties[r.team] for r, _ in points)
    params = scenario.parameters
    openings: list[list] = []
    for route in plan.routes:
        last = None
        for stop in route.stops:
            if stop.kind == "break" and last is not None:
                continue
            if stop.kind != "point":
                last = None
                continue
            assert stop.place and stop.village and stop.households
            assert stop.arrive_s <= stop.opens_s < stop.depart_s
            if last is not None and last.village == stop.village and not stop.travel_s:
                openings[-1].append(stop)
            else:
                openings.append([stop])
            last = stop
    # the point team's day is timed tightly: no stop waits a negative time,
    # and each point opens as soon as it is set up (``retime_points``)
    assert all(stop.wait_s >= 0 for r in plan.routes for stop in r.stops)
    assert all(stop.wait_s == 0 for _r, stop in points)
    villages = {o[0].village for o in openings}
    assert len(villages) >= 2, "the demo should open points in some villages"
    for o in openings:
        open_s = sum(s.depart_s - s.opens_s for s in o) + params.point_setup_s
        assert open_s >= params.point_min_slot_s
    codes = {u.code for u in plan.unserved}
    assert "no_capacity" in codes and "point_not_opened" in codes


def test_demo_shuttles_round_trip_same_day(demo_day) -> None:
    """Every shuttled resident is picked up at home, dropped at the office,
    enrolled there, picked up and brought home the same day; each trip on one
    unit; ride times within the limit; seats never exceeded."""
    scenario, _G, plan, _m, _p = demo_day
    params = scenario.parameters
    day = day_needs(scenario)
    unserved = {u.household for u in plan.unserved if u.mode == "shuttle"}
    shuttled = [n for n in day.shuttle if n.household.id not in unserved]
    assert shuttled, "the demo should shuttle some residents"
    for need in shuttled:
        hid = need.household.id
        events = {}
        for route in plan.routes:
            for stop in route.stops:
                if stop.kind in ("pickup", "dropoff") and stop.household == hid:
                    assert (stop.kind, stop.place) not in events
                    events[(stop.kind, stop.place)] = (route.name, stop)
        assert set(events) == {("pickup", "home"), ("dropoff", "office"),
                               ("pickup", "office"), ("dropoff", "home")}, hid
        (u1, pu), (u2, do) = events[("pickup", "home")], events[("dropoff", "office")]
        (u3, pr), (u4, dr) = events[("pickup", "office")], events[("dropoff", "home")]
        assert u1 == u2 and u3 == u4, "each trip stays on one motorbike unit"
        assert pu.passengers == do.passengers == pr.passengers == dr.passengers \
            == tuple(r.id for r in need.residents)
        assert pu.depart_s <= do.arrive_s + do.wait_s
        # enrolled at the office between the drop and the pickup
        assert pr.arrive_s + pr.wait_s - do.depart_s >= params.office_service_s * \
            len(need.residents)
        assert pr.depart_s <= dr.arrive_s + dr.wait_s
        limit = need.max_ride_s
        assert do.arrive_s + do.wait_s - pu.depart_s <= limit
        assert dr.arrive_s + dr.wait_s - pr.depart_s <= limit
        assert dr.depart_s < 24 * 3600
        assert scenario.date == plan.date
    seats = {u.name: u.capacity for u in team_units(scenario)}
    for route in plan.routes:
        onboard = 0
        for stop in route.stops:
            if stop.kind == "pickup":
                onboard += len(stop.passengers)
            elif stop.kind == "dropoff":
                onboard -= len(stop.passengers)
            assert 0 <= onboard <= seats[route.name]
            if stop.kind in ("visit", "point"):
                assert route.unit != "shuttle", "the shuttle officer has no kit"
        assert onboard == 0


def test_team_units_seats_and_kit() -> None:
    """The kit's motorbike takes no passenger; a split team gives a one-seat
    shuttle officer; no more riders than officers."""
    def team(members: int, bikes: int, kits: int, split: bool) -> Team:
        return Team("T", "T", tuple(f"O{k}" for k in range(members)), bikes, kits,
                    Window(7 * 3600, 17 * 3600), can_split=split)

    def scen(*teams: Team) -> Scenario:
        return Scenario("s", True, dt.date(2026, 11, 24), Station("S", 103.0, 21.0), (), (),
                        teams, "x")

    assert [(u.kind, u.capacity, u.has_kit) for u in team_units(scen(team(3, 2, 1, False)))] \
        == [("", 1, True)]
    assert [(u.kind, u.capacity, u.has_kit) for u in team_units(scen(team(3, 3, 1, True)))] \
        == [("", 1, True), ("shuttle", 1, False)]
    assert [(u.kind, u.capacity) for u in team_units(scen(team(1, 3, 0, False)))] == [("", 1)]
    assert [(u.kind, u.capacity) for u in team_units(scen(team(3, 1, 1, False)))] == [("", 0)]


# --- collection point or home visits: the planner's choice -----------------

LON0, LAT0 = 103.0, 21.0
STEP = 0.0045  # ≈ 470 m of longitude at 21° N


def _road(n: int) -> nx.MultiDiGraph:
    """A paved road of ``n`` nodes eastwards from the station."""
    G = nx.MultiDiGraph(crs="epsg:4326")
    for k in range(n):
        G.add_node(k, x=LON0 + k * STEP, y=LAT0, elevation=400.0)
    for k in range(n - 1):
        for a, b in ((k, k + 1), (k + 1, k)):
            G.add_edge(a, b, length=470.0, highway="secondary", surface="asphalt", grade=0.0)
    return add_travel_times(G, load_speed_table())


def _choice_scenario(house_nodes: list[int], point_node: int, setup_min: float,
                     per_person_min: float, able_min: float) -> Scenario:
    households = tuple(
        Household(f"H{k:02d}", "V", LON0 + node * STEP, LAT0,
                  (Resident(f"R{k:02d}", f"Người {k}", "able", (), "auto"),))
        for k, node in enumerate(house_nodes))
    village = Village("V", "Bản Thử", LON0 + point_node * STEP, LAT0,
                      (CollectionPoint("Nhà văn hoá", LON0 + point_node * STEP, LAT0),))
    service = (("bedridden", 4500), ("disabled", 3000), ("elderly", 2100),
               ("postpartum", 2100), ("able", int(able_min * 60)))
    params = Parameters(service_s=service, household_setup_s=120, time_limit_s=2, seed=1,
                        point_setup_s=int(setup_min * 60),
                        point_per_person_s=int(per_person_min * 60), point_attendance=0.8,
                        return_before_sunset=False)
    team = Team("T1", "Tổ 1", ("A", "B", "C"), 2, 1, Window(7 * 3600, 17 * 3600),
                max_work_s=10 * 3600)
    return Scenario("choice", True, dt.date(2026, 11, 24), Station("CA xã", LON0, LAT0),
                    (village,), households, (team,), "road", params)


def _solve(scenario: Scenario, G):
    plan, matrices, _ = plan_day(scenario, G, time_limit_s=5, seed=1)
    assert plan_violations(plan, scenario, matrices, plan_sites(scenario)[1]) == []
    return plan


def test_point_opened_when_clearly_cheaper() -> None:
    """15 households strung along 7 km of road, a village hall in the middle:
    one 75-minute point beats 15 home visits of 22 minutes plus the rides."""
    G = _road(40)
    scenario = _choice_scenario(list(range(12, 42, 2))[:15], 26, setup_min=15,
                                per_person_min=5, able_min=20)
    plan = _solve(scenario, G)
    points = _stops(plan, "point")
    assert len({s.place for _, s in points}) == 1
    invited = {h for _, s in points for h in s.households}
    assert invited == {h.id for h in scenario.households}
    assert not _stops(plan, "visit")
    assert not plan.unserved


def test_homes_visited_when_the_point_is_clearly_dearer() -> None:
    """15 households next to the station, the only possible hall 15 km away,
    a long set-up and slow enrolment there: the team visits the homes."""
    G = _road(40)
    houses = [0, 0, 1, 1, 1, 2, 2, 2, 1, 0, 1, 2, 0, 1, 2]
    scenario = _choice_scenario(houses, 33, setup_min=60, per_person_min=30, able_min=10)
    plan = _solve(scenario, G)
    assert not _stops(plan, "point")
    visited = {s.household for _, s in _stops(plan, "visit")}
    assert visited == {h.id for h in scenario.households}


def test_scenario_reads_points_split_and_parameters(tmp_path: Path) -> None:
    """Candidate places, can_split and the mode parameters are read; a
    bedridden shuttle passenger is refused with the fix."""
    demo = Path(__file__).resolve().parents[2] / "scenarios" / "demo"
    scenario, _ = load_scenario(demo / "scenario.yaml")
    pl = scenario.village("PL")
    assert [p.name for p in pl.points][0] == "Nhà văn hoá bản Phiêng Lanh"
    assert any(t.can_split for t in scenario.teams)
    assert scenario.parameters.office_service_s == 20 * 60
    assert scenario.parameters.point_attendance == pytest.approx(0.8)
    text = (demo / "households.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("condition")] = "bedridden"
    row[header.index("mode")] = "shuttle"
    (tmp_path / "households.csv").write_text("\n".join([lines[0], ",".join(row)]) + "\n",
                                             encoding="utf-8")
    yaml = (demo / "scenario.yaml").read_text(encoding="utf-8")
    yaml = yaml.replace("roads: demo_commune", f"roads: {demo.parent.parent}/maps/"
                        "demo_commune.graphml")
    (tmp_path / "scenario.yaml").write_text(yaml, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(tmp_path / "scenario.yaml", check_roads=False)
    assert "bedridden resident cannot ride a motorbike" in str(err.value.problems)


def test_windows_on_both_sides_of_the_shift_get_their_own_reason() -> None:
    """Home only early morning and evening, the shift in between: the reason says
    none of the hours falls in a shift (not that the shift is too short)."""
    G = _road(5)
    resident = Resident("R1", "Người 1", "elderly",
                        (Window(6 * 3600, 7 * 3600 + 1800), Window(17 * 3600 + 1800, 20 * 3600)),
                        "home")
    scenario = Scenario(
        "windows", True, dt.date(2026, 11, 24), Station("CA xã", LON0, LAT0),
        (Village("V", "Bản Thử", LON0, LAT0),),
        (Household("H1", "V", LON0 + 2 * STEP, LAT0, (resident,)),),
        (Team("T1", "Tổ 1", ("A",), 1, 1, Window(8 * 3600, 17 * 3600)),), "road",
        Parameters(time_limit_s=1, return_before_sunset=False))
    plan = _solve(scenario, G)
    (unserved,) = plan.unserved
    assert unserved.code == "window_outside_shift"
    assert "06:00–07:30, 17:30–20:00" in unserved.reason
    assert "fits in none of these hours within a shift" in unserved.reason


def test_shuttle_resident_enrolled_at_a_home_visit_the_team_makes_anyway() -> None:
    """A household with a bedridden resident (home) and an elderly one (shuttle):
    the team brings the kit anyway and enrols both there; when the elderly
    resident is never home while the other is, the shuttle stays."""
    G = _road(8)
    bed = Resident("R1", "Người 1", "bedridden", (Window(8 * 3600, 12 * 3600),), "home")
    old = Resident("R2", "Người 2", "elderly", (), "shuttle")
    away = Resident("R2", "Người 2", "elderly", (Window(13 * 3600, 16 * 3600),), "shuttle")

    def scenario(second: Resident) -> Scenario:
        return Scenario(
            "together", True, dt.date(2026, 11, 24), Station("CA xã", LON0, LAT0),
            (Village("V", "Bản Thử", LON0, LAT0),),
            (Household("H1", "V", LON0 + 3 * STEP, LAT0, (bed, second)),),
            (Team("T1", "Tổ 1", ("A", "B", "C"), 2, 1, Window(7 * 3600, 17 * 3600)),),
            "road", Parameters(time_limit_s=1, return_before_sunset=False))

    plan = _solve(scenario(old), G)
    assert [s.household for _, s in _stops(plan, "visit")] == ["H1"]
    assert not _stops(plan, "pickup")
    assert plan_to_dict(plan, scenario(old))["routes"][0]["stops"][1]["residents"] == \
        ["R1", "R2"]
    plan = _solve(scenario(away), G)
    assert [s.household for _, s in _stops(plan, "visit")] == ["H1"]
    assert [s.passengers for _, s in _stops(plan, "pickup")] == [("R2",), ("R2",)]


def test_no_point_opened_for_a_few_minutes() -> None:
    """Two ``auto`` households beside the village hall, with a 1-hour minimum
    slot: the hall is not opened for their few minutes; they are visited at
    home instead (a point opens for its slot or not at all)."""
    G = _road(12)
    scenario = _choice_scenario([5, 5], 5, setup_min=5, per_person_min=3, able_min=20)
    plan = _solve(scenario, G)
    assert not _stops(plan, "point")
    assert {s.household for _, s in _stops(plan, "visit")} == {"H00", "H01"}


def test_point_opened_for_the_invited_or_not_at_all() -> None:
    """A village with invited ``point`` residents and ``auto`` households:
    if the hall opens, it opens for the invited (the ``auto`` households only
    join them), for at least the minimum slot."""
    G = _road(40)
    base = _choice_scenario(list(range(12, 42, 2))[:10], 26, setup_min=15, per_person_min=5,
                            able_min=20)
    invited = tuple(Household(f"P{k}", "V", LON0 + 26 * STEP, LAT0,
                              (Resident(f"RP{k}", f"Người P{k}", "able", (), "point"),))
                    for k in range(6))
    scenario = replace(base, households=base.households + invited)
    plan = _solve(scenario, G)
    points = _stops(plan, "point")
    assert points
    households = {h for _, s in points for h in s.households}
    assert {h.id for h in invited} <= households
    for _, stop in points:
        assert stop.depart_s - stop.opens_s + 15 * 60 >= 60 * 60
