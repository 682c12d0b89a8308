"""When the day's self-check refuses a day planned with a person's decisions,
the campaign day is planned again without them and the decisions that plan
does not honour are named (``Plan.not_honoured``), rather than the whole
``tomorrow`` stopping.

No decision is known to make the self-check refuse a day, so the refusal is
injected: ``plan_day`` raises the self-check's ``PlannerError`` whenever it
is given decisions, and plans for real (OR-Tools, a small generated road)
otherwise. An error of another kind still stops the day.
"""

from __future__ import annotations

import pytest
from test_day_presence import DAY, _hh, _road, _scenario

import planner.campaign.dayloop as dayloop
from planner.campaign.workspace import build_workspace
from planner.day.needs import Steer
from planner.domain import DECISION_CAUSES
from planner.errors import PlannerError
from planner.speeds import load_speed_table


@pytest.fixture(scope="module")
def ws():
    """Six households on a small road, two teams."""
    sc = _scenario([_hh(f"H{k:02d}", 1 + k, condition="able") for k in range(6)], teams=2)
    return build_workspace(sc, _road(), load_speed_table())


def _refuse_with_decisions(monkeypatch, error: type[Exception] = PlannerError) -> list:
    """``plan_day`` refusing every day planned with decisions; the calls made."""
    real = dayloop.plan_day
    calls: list = []

    def plan_day(*args, steer=None, **kwargs):
        calls.append(steer)
        if steer:
            raise error("the plan breaks its own rules (a bug; please report it): injected")
        return real(*args, steer=steer, **kwargs)

    monkeypatch.setattr(dayloop, "plan_day", plan_day)
    return calls


def _plan(ws, steer: Steer):
    sc = ws.scenario
    return dayloop.plan_one_day(ws, DAY, sc.teams, list(sc.households), "dry", 0.3, 1,
                                steer=steer)


def test_a_refused_day_is_planned_without_the_decisions_and_names_them(ws, monkeypatch) -> None:
    """A lock of H00 to a team that does not work (T9) and a must-visit of
    H01: the day is planned without them; H00, served by another team, is
    named as a lock not honoured (cause not_fitted, its decision id), and
    the must-visit is named exactly when H01 is left unserved."""
    calls = _refuse_with_decisions(monkeypatch)
    day = _plan(ws, Steer(must={"H01": 12}, teams={"H00": ("T9", 11)}))
    assert calls[0] and calls[-1] is None
    plan = day.plan
    teams_of = {s.household: r.team for r in plan.routes for s in r.stops if s.household}
    assert teams_of.get("H00") in ("T1", "T2"), "H00 is served by a team that works"
    named = {(u.household, u.mode): dict(u.numbers) for u in plan.not_honoured}
    assert named[("H00", "lock")] == {"decision": 11,
                                      "cause": DECISION_CAUSES.index("not_fitted")}
    assert (("H01", "must") in named) == ("H01" not in teams_of)
    assert all(u.code == "decision_not_honoured" for u in plan.not_honoured)


def test_an_order_the_plan_does_not_keep_is_named(ws, monkeypatch) -> None:
    """An order for T1 (H05 then H04) dropped with the decisions: it is named
    (cause order_infeasible) unless T1 happens to visit exactly those two in
    that order."""
    _refuse_with_decisions(monkeypatch)
    day = _plan(ws, Steer(orders={"T1": (("H05", "H04"), 21)}))
    visits = [s.household for r in day.plan.routes if r.team == "T1" for s in r.stops
              if s.kind == "visit" and s.household in ("H04", "H05")]
    named = [dict(u.numbers) for u in day.plan.not_honoured if u.mode == "order"]
    if visits == ["H05", "H04"]:
        assert named == []
    else:
        assert named == [{"decision": 21, "cause": DECISION_CAUSES.index("order_infeasible")}]


def test_another_error_still_stops_the_day(ws, monkeypatch) -> None:
    """An error that is not the self-check's own (a subclass of
    ``PlannerError``) is raised, not planned around."""

    class Other(PlannerError):
        pass

    _refuse_with_decisions(monkeypatch, Other)
    with pytest.raises(Other):
        _plan(ws, Steer(must={"H01": 12}))
