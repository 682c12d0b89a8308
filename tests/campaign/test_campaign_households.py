"""A campaign with households as they live (issue 23, item 4): pending is
per resident, so a resident a visit leaves for another visit is offered
again, alone, and the others are served first. Real solves on a small real
road (``tests/day/test_reasons.py``'s helpers), the fast engine."""

from __future__ import annotations

from test_reasons import H, _household, _plan, _resident, _road, _scenario, _team

from planner.campaign.calendar import Calendar
from planner.campaign.dayloop import fast_solver
from planner.campaign.loop import CampaignOptions, plan_campaign
from planner.campaign.needs import initial_pending, parts
from planner.campaign.workspace import build_workspace
from planner.domain import Window
from planner.speeds import load_speed_table


def test_bedridden_first_then_the_resident_home_90_min_alone() -> None:
    """A bedridden resident at home 06:00–18:00 and an able one at home only
    06:00–07:30 and 17:00–19:00 (a visit to both needs 100 min, they are in
    together 90 min at most): the bedridden one is visited on the first day,
    the able one on a later day, alone; nobody is left unplanned."""
    h = _household("H1", 3, _resident("R1", "bedridden", [Window(6 * H, 18 * H)]),
                   _resident("R2", "able", [Window(6 * H, 7 * H + 1800),
                                            Window(17 * H, 19 * H)]))
    scenario = _scenario([h], [_team(shift=(6 * H, 18 * H))])
    assert [r.id for r in parts(h, scenario.parameters).home] == ["R1"]
    _plan(scenario)  # the first day is sound on its own (plan_violations)
    ws = build_workspace(scenario, _road(), load_speed_table())
    result = plan_campaign(ws, initial_pending(scenario), scenario.date, None,
                           Calendar.of(scenario), CampaignOptions(time_limit_s=0.2,
                                                                  solver=fast_solver))
    assert not result.cannot_serve and not result.not_planned
    day = {rid: when for rid, (when, _team_id, _how) in result.assignment.items()}
    assert set(day) == {"R1", "R2"}
    assert day["R1"] == scenario.date < day["R2"]
    assert result.assignment["R1"][2] == result.assignment["R2"][2] == "home"
