"""An unserved entry names its residents in ``Unserved.residents`` (plan.json
``unserved[].residents``), never in its reason; a version-2 plan.json, whose
reasons could end with ``" [R1, R2]"``, is still read and rendered."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from test_reasons import H, _household, _plan, _reason, _resident, _road, _scenario

from planner.campaign.calendar import Calendar
from planner.campaign.loop import CampaignOptions, plan_campaign
from planner.campaign.needs import initial_pending
from planner.campaign.report import campaign_dict
from planner.campaign.workspace import build_workspace
from planner.cli import cli
from planner.domain import Window
from planner.planfile import VERSION, plan_from_dict, plan_json
from planner.render.presence_text import note_lines
from planner.speeds import load_speed_table

OK = Path(__file__).resolve().parent.parent / "data" / "scenarios" / "ok_small"


def _split_household():
    """R1 at home 08–09, R2 at home 14–15: one visit a day takes R1 only."""
    return _household("H1", 2, _resident("R1", windows=[Window(8 * H, 9 * H)]),
                      _resident("R2", windows=[Window(14 * H, 15 * H)]))


def test_a_split_household_lists_the_resident_left_for_another_day() -> None:
    """The day planner's entry for a split household names R2 in ``residents``
    and not in its reason; plan.json writes the list and reads it back."""
    scenario = _scenario([_split_household()])
    plan = _plan(scenario)
    u = _reason(plan, "H1")
    assert (u.code, u.residents) == ("windows_disjoint", ("R2",))
    assert not u.reason.endswith("]")
    data = json.loads(plan_json(plan, scenario))
    assert data["version"] == VERSION == 4
    (entry,) = data["unserved"]
    assert entry["residents"] == ["R2"] and entry["reason"] == u.reason
    assert plan_from_dict(data).unserved == plan.unserved


def test_the_campaign_carries_residents_without_a_suffix() -> None:
    """In a campaign the split household's R2 is served another day, and a
    household beyond the walking limit cannot be served: its entry lists its
    residents, its reason has no bracketed suffix, and campaign.json writes
    both."""
    far = _household("H2", 5, _resident("R3"), _resident("R4"), north_m=6000)
    scenario = _scenario([_split_household(), far])
    ws = build_workspace(scenario, _road(), load_speed_table(), seasons=("dry",))
    result = plan_campaign(ws, initial_pending(scenario), scenario.date, None,
                           Calendar.of(scenario), CampaignOptions(time_limit_s=0.5))
    served = {rid for d in result.days for rid in d.served}
    assert {"R1", "R2"} <= served
    (cannot,) = result.cannot_serve
    assert (cannot.household, cannot.residents) == ("H2", ("R3", "R4"))
    assert " [" not in cannot.reason
    data = campaign_dict(result, scenario)
    (entry,) = data["cannot_serve"]
    assert entry["residents"] == ["R3", "R4"] and entry["reason"] == cannot.reason
    statuses = {r["resident"]: r for h in data["households"] for r in h["residents"]}
    assert statuses["R3"]["status"] == "cannot_serve"
    assert statuses["R3"]["reason"] == cannot.reason


def _as_version_2(data: dict) -> dict:
    """``data`` as format version 2 wrote it: the residents (when any) at the
    end of the reason, presence approaches in words."""
    old = json.loads(json.dumps(data))
    old["version"] = 2
    for u in old["unserved"]:
        ids = u.pop("residents")
        if ids:
            u["reason"] += f" [{', '.join(ids)}]"
    visit = next(s for r in old["routes"] for s in r["stops"] if s["kind"] == "visit")
    visit["presence"] = {
        "band": "morning", "chance": 0.4, "weekday": 1, "instead_band": None,
        "instead_chance": None, "away_instead": 0, "failed_visits": 3,
        "approaches": [
            {"kind": "visit_band", "vi": "đến vào buổi tối (ngày thường, khả năng có nhà 80 %)",
             "en": "visit in the evening (weekday, chance of finding them home 80 %)"},
            {"kind": "point", "vi": "mời đến điểm thu nhận tại bản",
             "en": "invite them to a collection point in the village"}],
        "call_ahead": False}
    return old


def test_a_version_2_plan_is_read_and_rendered(tmp_path: Path) -> None:
    """A version-2 plan.json reads as the same plan (residents from the
    reason's suffix, the approach's numbers from its words) and ``plan.py
    render`` draws it."""
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["day", str(OK), "--out", str(out), "--time-limit", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    data["unserved"].append({"household": "X", "mode": "point", "code": "point_full",
                             "reason": "the collection point is full", "residents": ["R9", "R8"],
                             "approximate": False})
    old = _as_version_2(data)
    assert old["unserved"][-1]["reason"] == "the collection point is full [R9, R8]"
    plan = plan_from_dict(old)
    new = plan_from_dict(data)
    assert plan.unserved == new.unserved
    assert plan.unserved[-1].residents == ("R9", "R8")
    note = next(s.presence for r in plan.routes for s in r.stops if s.kind == "visit")
    assert (note.approaches, note.try_band, note.try_day, note.try_chance) == (
        ("visit_band", "point"), "evening", "weekday", 0.8)
    assert note_lines(note, "en")[-1] == (
        "nobody home 3 times — proposed: visit in the evening (weekday, chance of finding "
        "them home 80 %); invite them to a collection point in the village")
    assert note_lines(note, "vi")[-1] == (
        "3 lần vắng nhà — đề xuất: đến vào buổi tối (ngày thường, khả năng có nhà 80 %); "
        "mời đến điểm thu nhận tại bản")
    old["unserved"].pop()  # a household the scenario knows, for the documents
    v2 = out / "plan-v2.json"
    v2.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(v2), "--out", str(tmp_path / "again")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "again" / "map.html").is_file()
