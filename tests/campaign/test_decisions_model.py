"""The decision model: validation against a scenario and what each kind does
to a day (pure functions, the demo scenario, no solve)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.campaign.decisions import KINDS, Decision, Decisions, check_decision, reason_counts
from planner.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
D1, D2, D3 = dt.date(2026, 11, 24), dt.date(2026, 11, 25), dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def scenario():
    """The bundled demo scenario."""
    sc, _ = load_scenario(ROOT / "scenarios" / "demo" / "scenario.yaml")
    return sc


def test_valid_decision_of_every_kind_has_no_problem(scenario) -> None:
    """One well-formed decision of each kind checks clean against the demo."""
    h = scenario.households
    t = scenario.teams[0]
    made = [
        Decision("lock", household=h[0].id, team=t.id),
        Decision("must", household=h[1].id, dates=(D2,)),
        Decision("not_before", household=h[2].id, dates=(D3,)),
        Decision("not_on", household=h[3].id, dates=(D1, D2)),
        Decision("leave_out", household=h[4].id, reason="moved_away"),
        Decision("team_absent", team=t.id, dates=(D2,)),
        Decision("team_members", team=t.id, members=1, dates=(D2,)),
        Decision("village_off", village=scenario.villages[0].id, dates=(D2,)),
        Decision("order", team=t.id, dates=(D2,), order=(h[5].id, h[6].id)),
    ]
    assert sorted(d.kind for d in made) == sorted(KINDS)
    for d in made:
        assert check_decision(d, scenario) == [], d
        back = Decision.from_payload(d.kind, d.payload())
        assert back == d


def test_bad_decisions_name_the_field_and_close_ids(scenario) -> None:
    """Unknown ids, missing fields, foreign fields, bad counts are each named,
    with close matches for a mistyped id."""
    hid = scenario.households[0].id
    problems = check_decision(Decision("must", household=hid[:-1] + "x"), scenario)
    wheres = {p.where for p in problems}
    assert {"household", "dates"} <= wheres
    assert any("close:" in p.what for p in problems if p.where == "household")
    assert check_decision(Decision("leave_out", household=hid, reason="gone"), scenario)
    team = scenario.teams[0]
    too_many = Decision("team_members", team=team.id, members=len(team.members) + 1,
                        dates=(D1,))
    assert [p.where for p in check_decision(too_many, scenario)] == ["members"]
    assert [p.where for p in check_decision(Decision("lock", household=hid), scenario)] \
        == ["team"]
    assert [p.where for p in check_decision(Decision("team_absent", team=team.id,
                                                     household=hid, dates=(D1,)),
                                            scenario)] == ["household"]
    assert check_decision(Decision("flood"), scenario)[0].where == "kind"


def test_what_each_kind_does_to_a_day(scenario) -> None:
    """Offering, teams, mandatory visits, locks and orders follow the decisions
    on their dates only."""
    h0, h1, h2, h3, h4 = scenario.households[:5]
    t0, t1 = scenario.teams[:2]
    ds = Decisions((
        Decision("lock", household=h0.id, team=t1.id),
        Decision("lock", household=h1.id, dates=(D2,)),
        Decision("not_before", household=h2.id, dates=(D3,)),
        Decision("not_on", household=h3.id, dates=(D2,)),
        Decision("leave_out", household=h4.id, reason="refuses"),
        Decision("team_absent", team=t0.id, dates=(D2,)),
        Decision("team_members", team=t1.id, members=1, dates=(D3,)),
        Decision("must", household=h2.id, dates=(D3,)),
        Decision("order", team=t1.id, dates=(D3,), order=(h3.id, h2.id)),
    ))
    assert ds.may_offer(h1, D1) is not None and ds.may_offer(h1, D2) is None
    assert ds.may_offer(h2, D2) is not None and ds.may_offer(h2, D3) is None
    assert ds.may_offer(h3, D2) is not None and ds.may_offer(h3, D1) is None
    assert ds.may_offer(h4, D1).kind == "leave_out"
    assert [t.id for t in ds.teams_on(scenario.teams, D2)] == \
        [t.id for t in scenario.teams if t.id != t0.id]
    small = ds.team_on(t1, D3)
    assert len(small.members) == 1 and small.motorbikes == 1 and not small.can_split
    assert ds.team_on(t1, D2) == t1
    assert set(ds.mandatory_on(D2)) == {h1.id}
    assert set(ds.mandatory_on(D3)) == {h2.id, h3.id}
    assert ds.locked_on(D1) == {h0.id: (t1.id, ds.of("lock")[0])}
    assert {h: t for h, (t, _d) in ds.locked_on(D3).items()} == \
        {h0.id: t1.id, h3.id: t1.id, h2.id: t1.id}
    assert list(ds.orders_on(D3)) == [t1.id]
    assert reason_counts(ds) == {"refuses": 1}
    village = scenario.villages[0]
    off = Decisions((Decision("village_off", village=village.id, dates=(D1,)),))
    inside = next(h for h in scenario.households if h.village_id == village.id)
    assert off.may_offer(inside, D1).kind == "village_off" and off.may_offer(inside, D2) is None
    locked_absent = Decisions((Decision("lock", household=h0.id, team=t0.id, dates=(D2,)),
                               Decision("lock", household=h1.id, team=t0.id),
                               Decision("team_absent", team=t0.id, dates=(D2,))))
    assert [(d.household, r) for d, r in locked_absent.conflicts_on(D2, scenario.teams)] \
        == [(h0.id, "team_absent")]
    assert locked_absent.conflicts_on(D1, scenario.teams) == []
