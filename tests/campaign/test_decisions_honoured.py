"""Every kind of decision, set on the demo campaign and honoured by `tomorrow`.

Real solves on the FICTIONAL demo campaign (short time limits, to keep CPU
small): the campaign is planned once for the module; one decision of each
kind is stored through the application layer, chosen from that first plan so
that each one changes something; `tomorrow` re-plans from the second day
once; each test then checks one kind: the new plan honours it, or names it in
``not_honoured`` with a true reason.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from test_cli_decide import _scenario  # the demo with a campaign, 24 November to 11 December

from planner.app.decisions import DecideRequest, decide
from planner.campaign.decisions import Decision
from planner.campaign.report import calendar_text
from planner.domain import DECISION_CAUSES
from planner.state.store import run_campaign
from planner.state.tomorrow import run_tomorrow

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo"
LIMIT_S = 0.2
D1, D2 = dt.date(2026, 11, 24), dt.date(2026, 11, 25)
D4 = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC)




def _visits(plan: dict) -> list[tuple[str, str, str]]:
    """``(team, household, village)`` of every home visit of a plan.json, in order."""
    return [(r["team"], s["household"], s.get("village", "")) for r in plan["routes"]
            for s in r["stops"] if s["kind"] == "visit"]


@pytest.fixture(scope="module")
def replanned(tmp_path_factory):
    """The demo campaign planned, one decision of each kind stored, then
    re-planned from day 2: ``(run, chosen decisions by kind, first plan by day)``."""
    base = tmp_path_factory.mktemp("decisions")
    out = base / "camp"
    run_campaign(_scenario(base / "scenario"), out, time_limit_s=LIMIT_S, now=NOW)
    first = {p.name: json.loads((p / "plan.json").read_text(encoding="utf-8"))
             for p in sorted((out / "days").iterdir())}
    today = _visits(first[D2.isoformat()])
    # day 1's visits have no outcome: they are pending again from day 2
    later = [v for day, plan in first.items() if day != D2.isoformat() for v in _visits(plan)]
    t1_today = [h for t, h, _v in today if t == "T1"]
    used = set(t1_today[:2])

    def pick(pool, avoid_team: str | None = None) -> tuple[str, str, str]:
        found = next(v for v in pool if v[1] not in used and v[0] != avoid_team)
        used.add(found[1])
        return found

    lock = pick(later + today, avoid_team="T1")
    must = pick(later)
    gone = pick(later)
    not_on = pick(today)
    not_before = pick(today)
    absent_lock = pick(later)
    busy = {v for _t, h, v in today + later if h in used}
    off = next(v for _t, _h, v in today if v not in busy)
    made = {
        "team_absent": Decision("team_absent", team="T2", dates=(D2,)),
        "team_members": Decision("team_members", team="T3", members=2, dates=(D2,)),
        "must": Decision("must", household=must[1], dates=(D2,)),
        "lock": Decision("lock", household=lock[1], team="T1"),
        "leave_out": Decision("leave_out", household=gone[1], reason="moved_away"),
        "not_on": Decision("not_on", household=not_on[1], dates=(D2,)),
        "not_before": Decision("not_before", household=not_before[1], dates=(D4,)),
        "village_off": Decision("village_off", village=off, dates=(D2,)),
        "order": Decision("order", team="T1", dates=(D2,), order=tuple(reversed(t1_today[:2]))),
        "lock_absent": Decision("lock", household=absent_lock[1], team="T2", dates=(D2,)),
    }
    stored = {k: decide(DecideRequest(out, replace_who(d), now=NOW)).decision
              for k, d in made.items()}
    shutil.rmtree(out / "days" / D1.isoformat(), ignore_errors=True)
    run = run_tomorrow(out, D2, time_limit_s=LIMIT_S, now=NOW, lang="en")
    return run, stored, out


def replace_who(d: Decision) -> Decision:
    """``d`` made by a named person for a stated reason."""
    return Decision(**{**d.__dict__, "by": "Lò Văn Thành", "why": "test"})


def _day(run, day: dt.date):
    return next(d for d in run.result.days if d.date == day)


def _missed(run, day: dt.date, decision: Decision):
    """The not-honoured entries of ``day``'s plan that name ``decision``."""
    return [u for u in _day(run, day).plan.not_honoured
            if dict(u.numbers).get("decision") == decision.id]


def test_team_absent_has_no_route(replanned) -> None:
    """Team T2 absent on day 2: no route of T2 that day, and it works later."""
    run, _stored, _out = replanned
    assert all(r.team != "T2" for r in _day(run, D2).plan.routes)
    assert any(r.team == "T2" for d in run.result.days if d.date > D2 for r in d.plan.routes)


def test_team_members_works_with_fewer(replanned) -> None:
    """Team T3 with 2 officers on day 2: the day's scenario has it with 2."""
    run, _stored, _out = replanned
    t3 = next(t for t in _day(run, D2).scenario.teams if t.id == "T3")
    assert len(t3.members) == 2 and t3.motorbikes <= 2


def test_must_is_visited_or_named(replanned) -> None:
    """A household due later must be visited on day 2, or named as not honoured
    with the day planner's reason."""
    run, stored, _out = replanned
    d = stored["must"]
    visited = d.household in _day(run, D2).visited
    missed = _missed(run, D2, d)
    assert visited != bool(missed)
    if missed:
        assert dict(missed[0].numbers)["cause"] == DECISION_CAUSES.index("not_fitted")


def test_lock_to_a_team_holds_every_day(replanned) -> None:
    """A household locked to T1 is visited by T1 whenever it is visited."""
    run, stored, _out = replanned
    hid = stored["lock"].household
    teams = {d.visited[hid] for d in run.result.days if hid in d.visited}
    assert teams <= {"T1"}


def test_leave_out_is_not_pending_and_counted(replanned) -> None:
    """A household left out is in no plan, not pending, and counted apart."""
    run, stored, out = replanned
    hid = stored["leave_out"].household
    assert all(hid not in d.visited for d in run.result.days)
    assert hid not in {p.household.id for p in run.result.pending}
    data = json.loads((out / "campaign.json").read_text(encoding="utf-8"))
    assert data["left_out"]["by_reason"] == {"moved_away": 1}
    assert "Left out by decision: 1 household (moved away 1)" in \
        calendar_text(run.result, run.scenario, "en")


def test_not_on_and_not_before_keep_the_household_off(replanned) -> None:
    """A household not to be visited on day 2 is not; one not before day 4 is
    not visited before it."""
    run, stored, _out = replanned
    assert stored["not_on"].household not in _day(run, D2).visited
    hid = stored["not_before"].household
    assert all(hid not in d.visited for d in run.result.days if d.date < D4)


def test_village_off_has_no_visit_nor_point(replanned) -> None:
    """No visit and no collection point in the village on its day off."""
    run, stored, _out = replanned
    village = stored["village_off"].village
    day = _day(run, D2)
    homes = {h.id: h.village_id for h in run.scenario.households}
    assert all(homes[h] != village for h in day.visited)
    assert all(s["village"] != village for s in day.point_sessions)


def test_order_is_kept_or_named(replanned) -> None:
    """T1's two households in the order fixed on day 2, or the order named as
    not honoured (and each household it leaves out named too)."""
    run, stored, _out = replanned
    d = stored["order"]
    day = _day(run, D2)
    seen = [s.household for r in day.plan.routes if r.team == "T1" for s in r.stops
            if s.kind == "visit" and s.household in d.order]
    missed = _missed(run, D2, d)
    if not any(dict(u.numbers)["cause"] == DECISION_CAUSES.index("order_infeasible")
               for u in missed):
        assert seen == [h for h in d.order if h in seen]
    for hid in d.order:
        assert hid in seen or any(u.household == hid for u in missed)


def test_lock_to_an_absent_team_is_named(replanned) -> None:
    """A household locked to T2 on day 2, when T2 is absent, is named as not
    honoured because its team does not work, in plan.json and the summary."""
    run, stored, out = replanned
    d = stored["lock_absent"]
    missed = _missed(run, D2, d)
    assert [dict(u.numbers)["cause"] for u in missed] == [DECISION_CAUSES.index("team_absent")]
    assert d.household not in _day(run, D2).visited
    plan = json.loads((out / "days" / D2.isoformat() / "plan.json").read_text(encoding="utf-8"))
    named = [e for e in plan["not_honoured"] if e["numbers"]["decision"] == d.id]
    assert named and named[0]["code"] == "decision_not_honoured" and named[0]["text"]
    assert "DECISION NOT HONOURED" in calendar_text(run.result, run.scenario, "en")
