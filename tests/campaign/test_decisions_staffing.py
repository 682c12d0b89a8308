"""Staffing and a fresh campaign honour a scenario's decisions file: households
left out are not simulated, an absent team works no route, a must-visit on a
day no team works is named. Real solves on a small generated road."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from test_day_presence import DAY, _hh, _road, _scenario

from planner.campaign.calendar import Calendar
from planner.campaign.decisions import scenario_decisions
from planner.campaign.loop import CampaignOptions, plan_campaign
from planner.campaign.needs import initial_pending
from planner.campaign.staffing import StaffingParams, simulate
from planner.campaign.workspace import build_workspace
from planner.domain import DECISION_CAUSES
from planner.speeds import load_speed_table


def _commune(tmp_path: Path, decisions: str):
    """Twelve households, two teams, and a decisions file holding ``decisions``."""
    path = tmp_path / "decisions.yaml"
    path.write_text("decisions:\n" + decisions, encoding="utf-8")
    households = [_hh(f"H{k:02d}", 1 + k % 10, condition="able") for k in range(12)]
    return replace(_scenario(households, teams=2), decisions=str(path))


def test_staffing_leaves_out_who_a_person_left_out(tmp_path: Path) -> None:
    """Two households left out: a simulation with everyone at home enrols the
    other ten, and only them."""
    sc = _commune(tmp_path, "  - {kind: leave_out, household: H00, reason: moved_away}\n"
                            "  - {kind: leave_out, household: H01, reason: refuses}\n")
    ws = build_workspace(sc, _road(), load_speed_table())
    r = simulate(ws, 2, 0, StaffingParams(runs=1, time_limit_s=0.1, not_home_p=0.0))
    assert r.visits == r.enrolled == 10 and r.completion is not None


def test_campaign_keeps_absent_teams_off_and_names_what_cannot_hold(tmp_path: Path) -> None:
    """T1 absent on the first day: no T1 route that day. Both teams absent on
    the second day: no plan that day, and the must-visit set for it is named
    as not honoured (no team works); the household (kept off the first day)
    is served later."""
    day2 = DAY + dt.timedelta(days=1)
    sc = _commune(tmp_path,
                  f"  - {{kind: team_absent, team: T1, dates: [{DAY}, {day2}]}}\n"
                  f"  - {{kind: team_absent, team: T2, dates: [{day2}]}}\n"
                  f"  - {{kind: not_on, household: H05, dates: [{DAY}]}}\n"
                  f"  - {{kind: must, household: H05, dates: [{day2}], id: 4}}\n")
    ws = build_workspace(sc, _road(), load_speed_table())
    options = CampaignOptions(time_limit_s=0.1, decisions=scenario_decisions(sc))
    result = plan_campaign(ws, initial_pending(sc), DAY, None, Calendar.of(sc), options)
    first = next(d for d in result.days if d.date == DAY)
    assert {r.team for r in first.plan.routes} == {"T2"}
    assert all(d.date != day2 for d in result.days)
    assert [(day, dict(u.numbers)) for day, u in result.not_honoured] == [
        (day2, {"decision": 4, "cause": DECISION_CAUSES.index("no_team")})]
    assert "R-H05" in result.assignment and result.assignment["R-H05"][0] > day2
