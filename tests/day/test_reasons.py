"""Every reason code of the day planner (``planner/day``): each test builds the
situation on a small real road (or, for the matrix-level codes, hand-made
travel matrices), plans the day with a real OR-Tools solve, and asserts the
code and its wording."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import networkx as nx
import numpy as np

from planner.day.needs import Steer
from planner.day.plan import plan_day, plan_sites
from planner.day.verify import plan_violations
from planner.domain import (
    DECISION_CAUSES,
    DUTIES,
    CollectionPoint,
    Household,
    Parameters,
    Plan,
    Resident,
    Scenario,
    Station,
    Team,
    Unserved,
    Village,
    Window,
)
from planner.matrix import UNREACHABLE, SiteAccess, TravelMatrices
from planner.speeds import add_travel_times, load_speed_table

LON0, LAT0 = 103.0, 21.0
STEP = 0.0045  # ≈ 470 m of longitude at 21° N
H = 3600


def _road(n: int = 12) -> nx.MultiDiGraph:
    """A paved road of ``n`` nodes eastwards from the station."""
    G = nx.MultiDiGraph(crs="epsg:4326")
    for k in range(n):
        G.add_node(k, x=LON0 + k * STEP, y=LAT0, elevation=400.0)
    for k in range(n - 1):
        for a, b in ((k, k + 1), (k + 1, k)):
            G.add_edge(a, b, length=470.0, highway="secondary", surface="asphalt", grade=0.0)
    return add_travel_times(G, load_speed_table())


def _resident(rid: str, condition: str = "elderly", windows=(), mode: str = "home",
              waiting: int = 0) -> Resident:
    return Resident(rid, f"Người {rid}", condition, tuple(windows), mode, waiting)


def _household(hid: str, node: float, *residents: Resident, north_m: float = 0.0) -> Household:
    return Household(hid, "V", LON0 + node * STEP, LAT0 + north_m / 111_000, residents)


def _team(tid: str = "T1", shift=(7 * H, 17 * H), kits: int = 1, max_work_h: float = 10,
          lunch: bool = False, members=("A", "B", "C"), bikes: int = 2,
          split: bool = False, duties=DUTIES) -> Team:
    return Team(tid, f"Tổ {tid}", members, bikes, kits, Window(*shift),
                Window(11 * H, 13 * H) if lunch else None, H if lunch else 0,
                int(max_work_h * H), can_split=split, duties=tuple(duties))


def _scenario(households, teams=None, **params) -> Scenario:
    village = Village("V", "Bản Thử", LON0 + 3 * STEP, LAT0,
                      (CollectionPoint("Nhà văn hoá bản Thử", LON0 + 3 * STEP, LAT0),))
    defaults = dict(time_limit_s=1, seed=1, return_before_sunset=False)
    return Scenario("reasons", True, dt.date(2026, 11, 24), Station("CA xã", LON0, LAT0),
                    (village,), tuple(households), tuple(teams or [_team()]), "road",
                    Parameters(**{**defaults, **params}))


def _plan(scenario: Scenario, G=None, **kwargs) -> Plan:
    plan, matrices, _ = plan_day(scenario, G if G is not None else _road(), **kwargs)
    assert plan_violations(plan, scenario, matrices, plan_sites(scenario)[1]) == []
    return plan


def _reason(plan: Plan, household: str, mode: str = "home") -> Unserved:
    (found,) = [u for u in plan.unserved if u.household == household and u.mode == mode]
    return found


def _enrolled(plan: Plan, kind: str = "visit") -> set[str]:
    """Households with a stop of ``kind`` in the plan."""
    return {s.household for r in plan.routes for s in r.stops if s.kind == kind}


def test_windows_disjoint_home() -> None:
    """Two residents of one household never in at the same time: the day's
    visit enrols the first (same priority: table order), the other is told
    to wait for another visit, named with their hours (and the first is
    visited without them)."""
    h = _household("H1", 2, _resident("R1", windows=[Window(8 * H, 9 * H)]),
                   _resident("R2", windows=[Window(14 * H, 15 * H)]))
    plan = _plan(_scenario([h]))
    assert "H1" in _enrolled(plan)
    u = _reason(plan, "H1")
    assert u.code == "windows_disjoint"
    assert u.reason == ("never at home together with the residents today's visit enrols: "
                        "one visit per household a day, so left for another visit")
    assert u.residents == ("R2",)
    # what the itinerary and the map list: the one left, in Vietnamese
    from planner.render.views import doc_context

    scenario = _scenario([h])
    (view,) = doc_context(plan, scenario, "vi").unserved
    assert [p.id for p in view.residents] == ["R2"]
    assert view.reason == ("không ở nhà cùng lúc đủ lâu với những người được phục vụ trong "
                           "lượt thăm hoặc lượt đón duy nhất trong ngày của hộ: để lần sau")
    from planner.render.summary import summary_text

    assert "  H1 (tại nhà, R2): không ở nhà cùng lúc" in summary_text(plan, scenario, lang="vi")


def test_windows_disjoint_home_visits_the_bedridden_first() -> None:
    """The bedridden resident, last in the table, is the one visited today;
    the able residents at home with them come along, the one who is not waits."""
    h = _household("H1", 2, _resident("R1", "able", windows=[Window(7 * H, 9 * H)]),
                   _resident("R2", "able", windows=[Window(13 * H, 17 * H)]),
                   _resident("R3", "bedridden", windows=[Window(14 * H, 16 * H)]))
    plan = _plan(_scenario([h]))
    (stop,) = [s for r in plan.routes for s in r.stops if s.kind == "visit"]
    assert 14 * H <= stop.depart_s - stop.service_s and stop.depart_s <= 16 * H
    u = _reason(plan, "H1")
    assert u.code == "windows_disjoint"
    assert u.reason == ("never at home together with the residents today's visit enrols: "
                        "one visit per household a day, so left for another visit")
    assert stop.passengers == ("R2", "R3")


def test_windows_disjoint_shuttle() -> None:
    """Two residents to shuttle never at home together: today's pickup takes
    the first, the other is shuttled another day."""
    h = _household("H1", 2, _resident("R1", windows=[Window(8 * H, 9 * H)], mode="shuttle"),
                   _resident("R2", windows=[Window(14 * H, 15 * H)], mode="shuttle"))
    plan = _plan(_scenario([h], [_team(split=True)]))
    assert "H1" in _enrolled(plan, "pickup")
    u = _reason(plan, "H1", "shuttle")
    assert u.code == "windows_disjoint"
    assert u.reason == ("one pickup per household a day, for R1 (08:00–09:00) (the most "
                        "urgent and those at home with them): R2 (14:00–15:00) never at home "
                        "at the same time; shuttle them another day")


def _point_households(n: int) -> list[Household]:
    return [_household(f"P{k}", 3, _resident(f"RP{k}", "able", mode="point")) for k in range(n)]


def test_point_full_names_the_point_and_the_next_day() -> None:
    """More invited than the longest slot holds: 'full' names the point and
    says the next day it opens, when the campaign knows it."""
    sc = _scenario(_point_households(6), point_setup_s=20 * 60, point_per_person_s=10 * 60,
                   point_attendance=1.0, point_max_slot_s=H)
    plan = _plan(sc)
    full = [u for u in plan.unserved if u.code == "point_full"]
    assert len(full) == 2  # 4 fit in 40 min after the set-up
    assert all(u.mode == "point" for u in full)
    assert ("the collection point at Nhà văn hoá bản Thử is full tomorrow: its 1.0 h slot "
            "holds 4 people; it is not yet planned for another day") == full[0].reason
    later = _plan(sc, point_next_open={"V": dt.date(2026, 11, 26)})
    assert "it opens next on 2026-11-26" in _reason(later, full[0].household, "point").reason


def test_point_not_opened_when_the_day_is_full_with_higher_priorities() -> None:
    """A bedridden visit fills the only team's day: the point of able
    residents is not opened, and the reason says how long its slot would be."""
    bed = _household("H1", 8, _resident("R1", "bedridden"))
    sc = _scenario([bed, *_point_households(3)], [_team(max_work_h=1.8)], point_max_slot_s=H,
                   point_per_person_s=15 * 60, point_attendance=1.0,
                   service_s=(("bedridden", 75 * 60), ("disabled", 3000), ("elderly", 2100),
                              ("postpartum", 2100), ("able", 1200)))
    plan = _plan(sc)
    assert any(s.household == "H1" for r in plan.routes for s in r.stops)
    u = _reason(plan, "P0", "point")
    assert u.code == "point_not_opened"
    assert ("the collection point at Nhà văn hoá bản Thử is not opened tomorrow: no team "
            "that runs collection points has 1.0 h left for its slot") in u.reason
    assert "besides its visits of the same or a higher priority" in u.reason
    # the 1-h slot holds 2 of the 3 invited; the third is not told "full"
    # by a point that does not open
    assert [x.code for x in plan.unserved if x.mode == "point"] == ["point_not_opened"] * 3


def test_point_slot_is_at_least_the_minimum() -> None:
    """One invited resident: the point opens for the whole minimum slot (1 h
    with its set-up), never for a few minutes."""
    plan = _plan(_scenario(_point_households(1)))
    (point,) = [s for r in plan.routes for s in r.stops if s.kind == "point"]
    assert point.depart_s - point.opens_s + 20 * 60 == H


def _matrices_for(unreachable_in: tuple[str, ...], n_extra_access=None):
    """Hand-made matrices: 10 min between any two sites, except to and from
    site 1 in the seasons listed (``UNREACHABLE``)."""
    def matrices_for(coords, season):
        n = len(coords)
        travel = np.full((n, n), 600, dtype=np.int64)
        np.fill_diagonal(travel, 0)
        if season in unreachable_in:
            travel[1, :] = travel[:, 1] = UNREACHABLE
            travel[1, 1] = 0
        access = tuple(SiteAccess(lon, lat, k, lon, lat, 0.0, 0.0, 0.0) for k, (lon, lat)
                       in enumerate(coords))
        return TravelMatrices(travel, travel * 10, travel * 10, access, "motorbike", season)
    return matrices_for


def test_closed_wet() -> None:
    """Reachable in the dry season only: closed in the wet season."""
    sc = _scenario([_household("H1", 2, _resident("R1"))], season="wet")
    plan, _m, _p = plan_day(sc, matrices_for=_matrices_for(("wet",)))
    u = _reason(plan, "H1")
    assert u.code == "closed_wet"
    assert "unreachable in the wet season" in u.reason and "closed in this season" in u.reason


def test_no_route() -> None:
    """No road or path in any season."""
    sc = _scenario([_household("H1", 2, _resident("R1"))])
    plan, _m, _p = plan_day(sc, matrices_for=_matrices_for(("dry", "wet")))
    u = _reason(plan, "H1")
    assert u.code == "no_route"
    assert "no road or path from the commune office reaches it" in u.reason


def test_no_kit_home_and_point() -> None:
    """No team carries a kit: neither home visits nor points."""
    sc = _scenario([_household("H1", 2, _resident("R1")), *_point_households(1)],
                   [_team(kits=0)])
    plan = _plan(sc)
    assert _reason(plan, "H1").code == "no_kit"
    assert "no team has an enrolment kit" in _reason(plan, "H1").reason
    assert _reason(plan, "P0", "point").code == "no_kit"


def test_no_duty_point_home_and_shuttle() -> None:
    """The only team's duties leave out collection points: the invited are
    told no team is assigned to points; a point-only team leaves home visits
    and shuttles out with the same kind of reason, and does neither."""
    sc = _scenario([_household("H1", 2, _resident("R1")), *_point_households(2)],
                   [_team(duties=("home", "shuttle"))])
    plan = _plan(sc)
    assert any(s.household == "H1" for r in plan.routes for s in r.stops)
    u = _reason(plan, "P0", "point")
    assert u.code == "no_duty"
    assert u.reason.startswith("no team is assigned to collection points tomorrow")
    assert [x.code for x in plan.unserved if x.mode == "point"] == ["no_duty"] * 2
    sc = _scenario([_household("H1", 2, _resident("R1")),
                    _household("S1", 3, _resident("RS", "able", mode="shuttle")),
                    *_point_households(2)], [_team(duties=("point",))])
    plan = _plan(sc)
    home, shuttle = _reason(plan, "H1"), _reason(plan, "S1", "shuttle")
    assert (home.code, shuttle.code) == ("no_duty", "no_duty")
    assert home.reason.startswith("no team is assigned to home visits tomorrow")
    assert shuttle.reason.startswith("no team is assigned to shuttles to the commune office")
    kinds = {s.kind for r in plan.routes for s in r.stops}
    assert "point" in kinds and not kinds & {"visit", "pickup", "dropoff"}


def test_no_duty_auto_household_with_no_home_option() -> None:
    """An ``auto`` household that cannot be visited at home, with no team on
    collection points: both halves of the reason are given."""
    auto = _household("A1", 3, _resident("RA", "elderly", [Window(9 * H, 9 * H + 1800)],
                                          mode="auto"))
    u = _reason(_plan(_scenario([auto], [_team(duties=("home",))])), "A1")
    assert u.code == "no_duty"
    assert u.reason == (
        "no team is assigned to collection points tomorrow (the teams' duties in the "
        "scenario leave out 'point'), and a home visit is not possible: only home "
        "09:00–09:30: at home 30 min, the visit needs 40 min")


def test_window_too_short_says_how_long() -> None:
    """At home 60 min, the bedridden visit needs 80 min (75 + 5 set-up)."""
    h = _household("H1", 2, _resident("R1", "bedridden", [Window(9 * H, 10 * H)]))
    u = _reason(_plan(_scenario([h])), "H1")
    assert u.code == "window_too_short"
    assert u.reason == "only home 09:00–10:00: at home 60 min, the visit needs 80 min"


def test_window_before_shift() -> None:
    """Home only before the team can get there."""
    h = _household("H1", 4, _resident("R1", windows=[Window(5 * H, 7 * H + 1800)]))
    u = _reason(_plan(_scenario([h])), "H1")
    assert u.code == "window_before_shift"
    assert "a team can be there at 07:0" in u.reason and "too late for a visit of 40 min" \
        in u.reason


def test_window_after_shift() -> None:
    """Home only after the team must be back."""
    h = _household("H1", 2, _resident("R1", windows=[Window(18 * H, 20 * H)]))
    u = _reason(_plan(_scenario([h])), "H1")
    assert u.code == "window_after_shift"
    assert u.reason == "only home 18:00–20:00, after the shift ends (back by 17:00)"


def test_window_outside_shift() -> None:
    """Home early morning and evening, the shift in between."""
    h = _household("H1", 2, _resident("R1", windows=[Window(6 * H, 7 * H + 1800),
                                                      Window(17 * H + 1800, 20 * H)]))
    u = _reason(_plan(_scenario([h], [_team(shift=(8 * H, 17 * H))])), "H1")
    assert u.code == "window_outside_shift"
    assert "fits in none of these hours within a shift" in u.reason


def test_shift_too_short() -> None:
    """The round trip with the visit is longer than a working day."""
    h = _household("H1", 10, _resident("R1", "bedridden"))
    u = _reason(_plan(_scenario([h], [_team(max_work_h=1.2)])), "H1")
    assert u.code == "shift_too_short"
    assert "longer than a shift allows (1.2 h" in u.reason


def test_shuttle_walk() -> None:
    """The house is farther on foot than a passenger may walk."""
    h = _household("H1", 2, _resident("R1", mode="shuttle"), north_m=500)
    u = _reason(_plan(_scenario([h])), "H1", "shuttle")
    assert u.code == "shuttle_walk"
    assert "too far for a passenger (limit 300 m)" in u.reason


def test_ride_too_long() -> None:
    """The ride to the office is longer than the passenger may ride."""
    h = _household("H1", 10, _resident("R1", mode="shuttle"))
    u = _reason(_plan(_scenario([h], max_ride_s=120, max_ride_frail_s=120)), "H1", "shuttle")
    assert u.code == "ride_too_long"
    assert "more than the 2 min allowed for this passenger" in u.reason


def test_no_seat() -> None:
    """Two passengers, one seat per motorbike, and no team makes home visits
    (which would enrol them at home instead): the reason says both."""
    h = _household("H1", 2, _resident("R1", mode="shuttle"), _resident("R2", mode="shuttle"))
    u = _reason(_plan(_scenario([h], [_team(duties=("point", "shuttle"))])), "H1", "shuttle")
    assert u.code == "no_seat"
    assert u.reason == ("2 passengers, but a motorbike unit seats at most 1, and no team makes "
                        "home visits tomorrow to enrol them at home")


def test_no_office_time() -> None:
    """Home only in the last half hour of the shift: no round trip with the
    enrolment at the office fits."""
    h = _household("H1", 2, _resident("R1", windows=[Window(16 * H + 1800, 17 * H)],
                                      mode="shuttle"))
    u = _reason(_plan(_scenario([h])), "H1", "shuttle")
    assert u.code == "no_office_time"
    assert "does not fit in any shift" in u.reason


def test_no_capacity_home_says_the_priority() -> None:
    """Three bedridden visits, room for two: the one left out is told that
    the day is full with visits of the same priority."""
    hs = [_household(f"H{k}", 2 + k, _resident(f"R{k}", "bedridden")) for k in range(3)]
    plan = _plan(_scenario(hs, [_team(max_work_h=3)]))
    left = [u for u in plan.unserved if u.code == "no_capacity"]
    assert len(left) == 1
    assert left[0].reason == ("no capacity left for this priority (bedridden): team T1's day "
                              "holds 2 bedridden home visits; no order of them with this "
                              "visit fits that day (hours at home, shift, lunch, sunset)")


def test_no_capacity_auto_household() -> None:
    """An ``auto`` household whose home visit finds no room says the same."""
    hs = [_household(f"H{k}", 2 + k, _resident(f"R{k}", "bedridden")) for k in range(2)]
    auto = _household("A1", 4, _resident("RA", "elderly", mode="auto"))
    plan = _plan(_scenario([*hs, auto], [_team(max_work_h=3)]))
    u = _reason(plan, "A1")
    assert u.code == "no_capacity"
    assert u.reason.startswith("no capacity left for this priority (elderly)")
    assert "team T1's day holds 2 bedridden home visits" in u.reason


def test_auto_household_with_no_home_option_gets_a_point_of_the_minimum_slot() -> None:
    """An ``auto`` household home only 30 min (too short for a visit), alone
    in its village: a team with room opens the village's point for it, for
    the minimum slot (set-up included), never for a few minutes."""
    auto = _household("A1", 3, _resident("RA", "elderly", [Window(9 * H, 9 * H + 1800)],
                                          mode="auto"))
    scenario = _scenario([auto])
    plan = _plan(scenario)
    assert plan.unserved == ()
    (point,) = [s for r in plan.routes for s in r.stops if s.kind == "point"]
    assert point.households == ("A1",)
    params = scenario.parameters
    assert point.depart_s - point.opens_s + params.point_setup_s >= params.point_min_slot_s


def test_no_capacity_shuttle() -> None:
    """More shuttles than one motorbike can make in a short day."""
    hs = [_household(f"H{k}", 6 + k, _resident(f"R{k}", "able", mode="shuttle"))
          for k in range(5)]
    plan = _plan(_scenario(hs, [_team(max_work_h=1.5, members=("A", "B"), bikes=2)]))
    left = [u for u in plan.unserved if u.mode == "shuttle"]
    assert left and all(u.code == "no_capacity" for u in left)
    assert left[0].reason.startswith("no room for this shuttle tomorrow: made as one trip on "
                                     "its own")


def test_away_at_visit() -> None:
    """A shuttle resident of a house the team visits at home, out in the
    fields during the whole visit and too far from a road for a pickup (the
    demo's NK-0072): the reason says she is away during that visit and why
    her shuttle fails, not "visit at home instead"."""
    h = _household("H1", 2, _resident("R1", "bedridden", [Window(8 * H, 10 * H + 1800)]),
                   _resident("R2", windows=[Window(5 * H + 1800, 7 * H)], mode="shuttle"),
                   north_m=500)
    plan = _plan(_scenario([h]))
    assert "H1" in _enrolled(plan)
    u = _reason(plan, "H1", "shuttle")
    assert u.code == "away_at_visit"
    assert u.residents == ("R2",)
    begin, end = dict(u.numbers)["visit_at_s"], dict(u.numbers)["visit_end_at_s"]
    assert 8 * H <= begin and end <= 10 * H + 1800
    assert u.reason.startswith("not at home during today's visit to the house (")
    assert "served another way" in u.reason and "visit at home instead" not in u.reason


def test_walk_limit() -> None:
    """A house beyond the walking limit from the nearest road."""
    h = _household("H1", 2, _resident("R1"), north_m=4000)
    u = _reason(_plan(_scenario([h], walk_limit_m=2000)), "H1")
    assert u.code == "walk_limit"
    assert "beyond the walking limit of 2.0 km" in u.reason


def test_a_must_visit_that_cannot_fit_is_named_with_its_decision() -> None:
    """A household a person said must be visited today, at home only after the
    shift: its unserved entry keeps the day planner's reason, and the plan
    names the decision (its id, cause ``not_fitted``) as not honoured."""
    h = _household("H1", 3, _resident("R1", windows=[Window(18 * H, 19 * H)]))
    plan = _plan(_scenario([h, _household("H2", 2, _resident("R2"))]),
                 steer=Steer(must={"H1": 7}))
    assert [u.code for u in plan.unserved] == ["window_after_shift"]
    [u] = plan.not_honoured
    assert u.code == "decision_not_honoured" and u.household == "H1" and u.mode == "must"
    assert dict(u.numbers) == {"decision": 7, "cause": DECISION_CAUSES.index("not_fitted")}
    assert "decision 7" in u.reason and "after the shift" in u.reason


TESTED_CODES = {"windows_disjoint", "point_full", "point_not_opened",
                "closed_wet", "no_route", "no_kit", "window_too_short", "window_before_shift",
                "window_after_shift", "window_outside_shift", "shift_too_short",
                "shuttle_walk", "ride_too_long", "no_seat", "no_office_time", "no_capacity",
                "no_duty", "decision_not_honoured", "away_at_visit"}


def _codes_written_in_planner_day() -> set[str]:
    """Every literal reason code in planner/day: the third argument (or
    ``code=``) of ``Unserved(...)``, and every ``code = "..."``."""
    codes: set[str] = set()
    day = Path(__file__).resolve().parents[2] / "planner" / "day"
    for path in day.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Unserved":
                args = list(node.args[2:3]) + [k.value for k in node.keywords if k.arg == "code"]
                codes |= {a.value for a in args if isinstance(a, ast.Constant)}
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                    and any(getattr(t, "id", "") == "code" for t in node.targets):
                codes.add(node.value.value)
    return codes


def test_every_code_of_the_day_planner_has_a_test() -> None:
    """The codes the day planner writes are exactly those tested here, and
    each is asserted by a test of this file."""
    assert _codes_written_in_planner_day() == TESTED_CODES
    here = Path(__file__).read_text(encoding="utf-8")
    for code in TESTED_CODES:
        assert f'code == "{code}"' in here, code


def test_a_split_household_whose_visit_is_dropped_keeps_both_reasons() -> None:
    """The day is full with bedridden visits: the split household's visit is
    dropped for capacity, and the resident it left for another day is still
    listed (the plan keeps every part exactly once)."""
    h = _household("H9", 3, _resident("R1", "able", windows=[Window(8 * H, 9 * H)]),
                   _resident("R2", "able", windows=[Window(14 * H, 15 * H)]))
    bedridden = [_household(f"B{k}", 1 + k, _resident(f"RB{k}", "bedridden"))
                 for k in range(3)]
    plan = _plan(_scenario([*bedridden, h], [_team(shift=(7 * H, 10 * H), max_work_h=3)]))
    codes = sorted(u.code for u in plan.unserved if u.household == "H9")
    assert codes == ["no_capacity", "windows_disjoint"]
