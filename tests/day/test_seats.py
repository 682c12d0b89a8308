"""More shuttle passengers in a household than a motorbike seats
(``planner.day.needs.shuttle_seats``): the household is visited at home
instead when a team makes home visits and the house has no visit of its own;
else the ``no_seat`` reason says what is true, in both languages. Real
OR-Tools solves on a small paved road."""

from __future__ import annotations

import datetime as dt

import networkx as nx

from planner.day.needs import day_needs, shuttle_seats
from planner.day.plan import plan_day, plan_sites
from planner.day.verify import plan_violations
from planner.domain import (
    DUTIES,
    CollectionPoint,
    Household,
    Parameters,
    Plan,
    Resident,
    Scenario,
    Station,
    Team,
    Village,
    Window,
)
from planner.render.i18n import reason_text
from planner.speeds import add_travel_times, load_speed_table

LON0, LAT0 = 103.0, 21.0
STEP = 0.0045  # ≈ 470 m of longitude at 21° N
H = 3600


def _road(n: int = 8) -> nx.MultiDiGraph:
    """A paved road of ``n`` nodes eastwards from the station."""
    G = nx.MultiDiGraph(crs="epsg:4326")
    for k in range(n):
        G.add_node(k, x=LON0 + k * STEP, y=LAT0, elevation=400.0)
    for k in range(n - 1):
        for a, b in ((k, k + 1), (k + 1, k)):
            G.add_edge(a, b, length=470.0, highway="secondary", surface="asphalt", grade=0.0)
    return add_travel_times(G, load_speed_table())


def _resident(rid: str, mode: str = "shuttle", condition: str = "elderly",
              windows=()) -> Resident:
    return Resident(rid, f"Người {rid}", condition, tuple(windows), mode, 0)


def _household(hid: str, node: int, *residents: Resident) -> Household:
    return Household(hid, "V", LON0 + node * STEP, LAT0, residents)


def _team(tid: str, duties=DUTIES, bikes: int = 2, split: bool = False) -> Team:
    """A team of three with one kit on ``bikes`` motorbikes: the kit takes one
    motorbike, so with two it seats one passenger."""
    return Team(tid, f"Tổ {tid}", ("A", "B", "C"), bikes, 1, Window(7 * H, 17 * H),
                Window(11 * H, 13 * H), H, 10 * H, can_split=split, duties=tuple(duties))


def _scenario(households, teams) -> Scenario:
    village = Village("V", "Bản Thử", LON0 + 3 * STEP, LAT0,
                      (CollectionPoint("Nhà văn hoá", LON0 + 3 * STEP, LAT0),))
    return Scenario("seats", True, dt.date(2026, 11, 24), Station("CA xã", LON0, LAT0),
                    (village,), tuple(households), tuple(teams), "road",
                    Parameters(time_limit_s=1, seed=1, return_before_sunset=False))


def _plan(scenario: Scenario) -> Plan:
    plan, matrices, _ = plan_day(scenario, _road())
    assert plan_violations(plan, scenario, matrices, plan_sites(scenario)[1]) == []
    return plan


def test_two_passengers_one_seat_are_visited_at_home() -> None:
    """Two shuttle residents, motorbikes of one seat, a team on home visits:
    the household is visited at home, both enrolled at that visit, and the
    plan's self-check passes (the visit is the household's part of the day)."""
    h = _household("H1", 3, _resident("R1"), _resident("R2", condition="able"))
    scenario = _scenario([h], [_team("T1")])
    assert shuttle_seats(scenario) == 1
    day = day_needs(scenario)
    assert [n.household.id for n in day.home] == ["H1"] and day.shuttle == []
    plan = _plan(scenario)
    (stop,) = [s for r in plan.routes for s in r.stops if s.kind == "visit"]
    assert stop.household == "H1" and stop.passengers == ("R1", "R2")
    assert plan.unserved == ()


def test_one_passenger_still_rides() -> None:
    """One shuttle resident fits the seat: the shuttle is kept as it was."""
    h = _household("H1", 3, _resident("R1"))
    scenario = _scenario([h], [_team("T1")])
    assert [s.household.id for s in day_needs(scenario).shuttle] == ["H1"]
    plan = _plan(scenario)
    assert {s.kind for r in plan.routes for s in r.stops} >= {"pickup", "dropoff"}


def test_visit_that_cannot_be_made_is_told_as_a_visit() -> None:
    """Two passengers at home together only 30 min, too short for a visit
    enrolling both: the household is told why the visit cannot be made
    (window_too_short, with both residents), not that a seat is missing."""
    at_home = [Window(9 * H, 9 * H + 1800)]
    h = _household("H1", 3, _resident("R1", windows=at_home), _resident("R2", windows=at_home))
    plan = _plan(_scenario([h], [_team("T1")]))
    (u,) = plan.unserved
    assert (u.code, u.mode, u.residents) == ("window_too_short", "home", ("R1", "R2"))


def test_no_home_team_tells_no_seat_truly() -> None:
    """No team makes home visits: ``no_seat``, saying so, in both languages
    with the same figures."""
    h = _household("H1", 3, _resident("R1"), _resident("R2"))
    scenario = _scenario([h], [_team("T1", duties=("point", "shuttle"))])
    (u,) = _plan(scenario).unserved
    assert u.code == "no_seat" and dict(u.numbers) == {"passengers": 2, "seats": 1,
                                                        "home_teams": 0}
    assert u.reason.endswith("and no team makes home visits tomorrow to enrol them at home")
    vi = reason_text(u, (), "vi")
    assert vi.startswith("cần đón 2 người, nhưng một tổ xe máy chỉ chở được nhiều nhất 1 người")
    assert "không tổ nào làm thủ tục tại nhà" in vi


def test_visited_house_tells_no_seat_truly() -> None:
    """A house visited for its bedridden resident (in 09:00–10:20, just the
    80 min of her visit) whose two shuttle residents are in 09:00–09:30 and
    from 16:00: in for part of the visit, not long enough to be enrolled at
    it, there is no second visit, and a motorbike seats one: ``no_seat`` says
    the house's one visit does not enrol them."""
    visit = [Window(9 * H, 9 * H + 4800)]
    evening = [Window(9 * H, 9 * H + 1800), Window(16 * H, 20 * H)]
    h = _household("H1", 3, _resident("R0", "home", "bedridden", visit),
                   _resident("R1", windows=evening), _resident("R2", windows=evening))
    scenario = _scenario([h], [_team("T1")])
    plan = _plan(scenario)
    (stop,) = [s for r in plan.routes for s in r.stops if s.kind == "visit"]
    assert stop.passengers == ("R0",)
    (u,) = plan.unserved
    assert u.code == "no_seat" and dict(u.numbers)["home_teams"] == 1
    assert "the household's one home visit of the day does not enrol them" in u.reason
    assert "lượt làm tại nhà duy nhất trong ngày của hộ không làm thủ tục" in \
        reason_text(u, evening, "vi")


def test_unseated_passengers_and_an_auto_resident_get_one_visit() -> None:
    """The case a random test drew: a team of one on one motorbike (the kit
    takes it: no seat), a household with a ``shuttle`` resident and an
    ``auto`` one. The passenger gets a home visit, and the ``auto`` resident
    is enrolled at that same visit: one visit, not a second one for her (the
    plan's self-check once refused the plan for it). The residents keep the
    modes the list gives them."""
    h = _household("H1", 3, _resident("R1", condition="disabled"),
                   _resident("R2", "auto", "disabled"))
    alone = Team("T1", "Tổ T1", ("A",), 1, 1, Window(6 * H, 10 * H), None, 0, 3 * H,
                 duties=tuple(DUTIES))
    scenario = _scenario([h], [alone])
    assert shuttle_seats(scenario) == 0
    day = day_needs(scenario)
    assert day.auto == [] and day.shuttle == []
    (need,) = day.home
    assert [(r.id, r.mode) for r in need.residents] == [("R1", "shuttle"), ("R2", "auto")]
    plan = _plan(scenario)
    (stop,) = [s for r in plan.routes for s in r.stops if s.kind == "visit"]
    assert stop.passengers == ("R1", "R2")


def test_day_needs_never_plan_a_household_twice() -> None:
    """Exhaustive over households of one to three residents, every mode and
    two conditions (bedridden or not), each resident in all day or only in
    the morning, with seats for none, one or two passengers: every resident
    is in at most one of the day's needs, a household gets at most one home
    visit (its own or an ``auto`` household's home alternative), and an
    unseated group of passengers never leaves a shuttle behind."""
    import itertools

    kinds = [(m, c, w) for m in ("home", "auto", "shuttle", "point")
             for c in ("bedridden", "elderly") for w in ((), (Window(7 * H, 11 * H),))
             if not (m == "shuttle" and c == "bedridden")]
    teams = {0: Team("T1", "Tổ T1", ("A",), 1, 1, Window(7 * H, 17 * H), None, 0, 10 * H,
                     duties=tuple(DUTIES)),
             1: _team("T1"), 2: _team("T1", bikes=3)}
    checked = 0
    for seats, team in teams.items():
        for size in (1, 2, 3):
            for combo in itertools.product(kinds, repeat=size):
                residents = [_resident(f"R{k}", m, c, w) for k, (m, c, w) in enumerate(combo)]
                scenario = _scenario([_household("H1", 3, *residents)], [team])
                assert shuttle_seats(scenario) == seats
                day = day_needs(scenario)
                groups = [n.residents for n in day.home] + [s.residents for s in day.shuttle] \
                    + [a.residents for a in day.auto] + [p.residents for p in day.points]
                ids = [r.id for g in groups for r in g]
                assert len(ids) == len(set(ids)), (seats, combo)
                assert len(day.home) + len(day.auto) <= 1, (seats, combo)
                assert all(len(s.residents) <= seats for s in day.shuttle), (seats, combo)
                checked += 1
    assert checked == 3 * sum(len(kinds) ** n for n in (1, 2, 3))
