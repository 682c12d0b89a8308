"""The day planner with presence chances (``planner.day.chances``): visits go to
the hours a household is likely at home, inside their priority tier, with a
fallback to any hour of their windows; the itinerary's note says the chance and
why. Real OR-Tools solves on a small generated road."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from planner import presence as pr
from planner.day.chances import MATERIAL, DayChances
from planner.day.plan import plan_day
from planner.day.problem import team_vehicle, tier_prizes
from planner.domain import (
    Household,
    Parameters,
    Resident,
    Scenario,
    Station,
    Team,
    Village,
    Window,
)
from planner.speeds import add_travel_times, load_speed_table

LON0, LAT0 = 103.0, 21.0
STEP = 0.0045  # ≈ 470 m
H = 3600
DAY = dt.date(2026, 11, 26)  # a Thursday


def _road(n: int = 12) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(crs="epsg:4326")
    for k in range(n):
        G.add_node(k, x=LON0 + k * STEP, y=LAT0, elevation=400.0)
    for k in range(n - 1):
        for a, b in ((k, k + 1), (k + 1, k)):
            G.add_edge(a, b, length=470.0, highway="unclassified", surface="gravel", grade=0.0)
    return add_travel_times(G, load_speed_table())


def _hh(hid: str, k: int, condition: str = "elderly", windows=(), contact: str = "") -> Household:
    return Household(hid, "V", LON0 + k * STEP, LAT0 + 0.0004,
                     (Resident(f"R-{hid}", f"Người {hid}", condition, tuple(windows), "home"),),
                     contact=contact)


def _scenario(households, shift=(7 * H, 17 * H), teams: int = 1) -> Scenario:
    team = [Team(f"T{t + 1}", f"Tổ {t + 1}", ("A", "B", "C"), 2, 1, Window(*shift),
                 Window(11 * H + 1800, 12 * H + 1800), H, 9 * H) for t in range(teams)]
    return Scenario("presence day", True, DAY, Station("CA xã", LON0, LAT0),
                    (Village("V", "Bản Thử", LON0 + 5 * STEP, LAT0),), tuple(households),
                    tuple(team), "road",
                    Parameters(time_limit_s=1, seed=1, return_before_sunset=False))


def _rows(hid: str, clocks_outcomes) -> list[pr.OutcomeRow]:
    """Outcomes of ``hid`` on the weekdays before ``DAY``."""
    out = []
    for k, (clock_s, outcome) in enumerate(clocks_outcomes):
        out.append(pr.OutcomeRow(hid, "V", DAY - dt.timedelta(days=7 * (k + 1)), clock_s,
                                 outcome))
    return out


def _visits(plan):
    return {s.household: s for r in plan.routes for s in r.stops if s.kind == "visit"}


def test_a_household_found_away_in_the_morning_is_visited_at_another_hour():
    """Two households close to the station: the first, found away twice in the
    morning, is the one a team would reach at 07:30–10:00. Without presence it
    is visited in the morning; with the learnt model, at a better band, and
    the note names the morning, its lower chance and the two failed visits."""
    households = [_hh("A", 1, contact="0912 345 678"), _hh("B", 2), _hh("C", 3)]
    sc = _scenario(households, shift=(8 * H, 17 * H))
    G = _road()
    rows = _rows("A", [(9 * H + 1800, "not_home"), (10 * H, "not_home")])
    model = pr.fit(pr.scenario_priors(sc.households), rows)
    morning = pr.band_of("morning")
    plain, _, _ = plan_day(sc, G)
    assert morning.contains(_visits(plain)["A"].depart_s - _visits(plain)["A"].service_s)
    plan, _, _ = plan_day(sc, G, presence=model)
    a = _visits(plan)["A"]
    start = a.depart_s - a.service_s
    assert not morning.contains(start)
    note = a.presence
    assert note is not None and note.band != "morning"
    assert note.instead_band == "morning" and note.away_instead == 2
    assert note.chance > note.instead_chance + MATERIAL
    assert note.failed_visits == 2 and note.call_ahead  # a number is known, two failures
    assert note.approaches == ()  # fewer than three failed visits
    # the others keep a note with their chance and no "instead"
    assert _visits(plan)["B"].presence.instead_band is None


def test_visits_stay_inside_the_residents_windows_and_fall_back_when_good_hours_are_full():
    """The good hours are a preference, not a rule: a household whose only
    good band is taken by more urgent visits is still visited at another hour
    of its windows when the route has room, never outside its windows."""
    # A is away in the morning (noon is its best band) but the team works
    # 08:00–11:00 only: its good hours are out of reach, so it is visited
    # in the morning anyway, with its (low) chance on the note.
    households = [_hh("A", 2), _hh("B", 4, windows=(Window(9 * H, 10 * H),))]
    sc = _scenario(households, shift=(8 * H, 11 * H))
    rows = _rows("A", [(9 * H, "not_home"), (10 * H, "not_home"), (9 * H + 1800, "not_home")])
    model = pr.fit(pr.scenario_priors(sc.households), rows)
    plan, _, _ = plan_day(sc, _road(), presence=model)
    visits = _visits(plan)
    assert set(visits) == {"A", "B"}
    b = visits["B"]
    assert 9 * H <= b.depart_s - b.service_s and b.depart_s <= 10 * H
    assert visits["A"].presence.chance < 0.5
    # three failed visits: another approach is proposed
    assert visits["A"].presence.failed_visits == 3
    assert "point" in visits["A"].presence.approaches


def test_the_chance_inside_given_windows_is_that_of_the_hours_given():
    """A 07:30 visit to someone who said 07:00–11:00 is inside the hours
    given: its chance is ``window_in``, not the average of the 05:00–08:00
    band (which lies mostly outside them)."""
    h = _hh("W", 1, windows=(Window(7 * H, 11 * H),))
    sc = _scenario([h])
    model = pr.fit(pr.scenario_priors(sc.households), [])
    chances = DayChances(model, DAY.weekday())
    assert chances.chance("W", h.residents, 7 * H + 1800) == pytest.approx(
        pr.PresenceParams().window_in)
    assert model.chance("W", 7 * H + 1800, DAY.weekday()) < 0.5


def test_tier_prizes_with_chances_stay_lexicographic_and_prefer_the_likelier():
    """Inside a tier the likelier visit is worth more; any visit of a tier is
    worth more than every visit of lower tiers that could take its place,
    whatever its chance."""
    team = Team("T1", "Tổ 1", ("A",), 1, 1, Window(7 * H, 17 * H))
    sc = _scenario([])
    vehicles = [team_vehicle(sc, team, "T1")]
    components = [[], [(0, 0, 1.0)], [(0, 0, 1.0)], [(1, 30, 1.0)], [(1, 30, 1.0)]]
    chances = [None, 0.05, 0.9, 0.95, 0.95]
    prize = tier_prizes(components, 2, vehicles, [0, 1800] * 2 + [1800], chances)
    assert prize[2] > prize[1]
    assert prize[1] > prize[3] + prize[4]
    plain = tier_prizes(components, 2, vehicles, [0, 1800] * 2 + [1800])
    assert plain[1] == plain[2]


def test_the_phone_map_popup_shows_the_chance_and_why():
    """The visit's popup on the phone map carries the note's lines, escaped."""
    from planner.render.map_html import stop_popup
    from planner.render.views import doc_context

    households = [_hh("A", 1), _hh("B", 2)]
    sc = _scenario(households, shift=(8 * H, 17 * H))
    rows = _rows("A", [(9 * H + 1800, "not_home"), (10 * H, "not_home")])
    model = pr.fit(pr.scenario_priors(sc.households), rows)
    plan, _, _ = plan_day(sc, _road(), presence=model)
    for lang, words in (("vi", "thay vì buổi sáng"), ("en", "rather than morning")):
        ctx = doc_context(plan, sc, lang)
        team = ctx.teams[0]
        view = next(s for s in team.stops if s.kind == "visit" and s.household == "A")
        html = stop_popup(view, team, ctx._)
        assert words in html and ("thường có nhà" in html or "usually home" in html)


def test_a_pickup_at_home_carries_the_chance_of_finding_its_passenger():
    """A resident to shuttle, found away twice: the shuttle's pickup at home
    carries the note (the chance when the motorbike arrives, the failed
    visits, call ahead: a number is known), and the shuttle unit's stop shows it."""
    from dataclasses import replace

    from planner.render.map_html import stop_popup
    from planner.render.views import doc_context

    rider = Household("S", "V", LON0 + 2 * STEP, LAT0 + 0.0004,
                      (Resident("R-S", "Người S", "able", (), "shuttle"),),
                      contact="0912 345 678")
    sc = _scenario([_hh("A", 3), rider], shift=(8 * H, 17 * H))
    sc = replace(sc, teams=tuple(replace(t, can_split=True) for t in sc.teams))
    rows = _rows("S", [(9 * H, "not_home"), (14 * H, "not_home")])
    model = pr.fit(pr.scenario_priors(sc.households), rows)
    plan, _, _ = plan_day(sc, _road(), presence=model)
    (pickup,) = [s for r in plan.routes for s in r.stops
                 if s.kind == "pickup" and s.place == "home" and s.household == "S"]
    note = pickup.presence
    assert note is not None and 0 < note.chance < 1
    assert note.failed_visits == 2 and note.call_ahead
    for lang, words in (("vi", "gọi điện trước"), ("en", "call")):
        ctx = doc_context(plan, sc, lang)
        (view,) = [s for t in ctx.teams for s in t.stops
                   if s.kind == "pickup" and s.household == "S" and s.presence]
        assert any(words in line.lower() for line in view.presence), view.presence
        team = next(t for t in ctx.teams if view in t.stops)
        assert any(words in line.lower() for line in [stop_popup(view, team, ctx._).lower()])
