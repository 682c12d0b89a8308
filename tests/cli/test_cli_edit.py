"""``plan.py edit``: hand edits of a campaign day, checked before they are kept.

On the FICTIONAL demo campaign (short time limits, its first day drawn),
planned once and copied for each test. What must hold: an edit that breaks a
household's hours is shown with the reason (exit 0, "not kept"), refused when
confirmed (exit 2, "refused:") and changes no file and no state; an unknown
id exits 2 with one message naming it; a feasible edit with --confirm
rewrites the day's folder whole (plan.json and its documents), stores the
day's planned visits and the decisions that keep it, and survives
`tomorrow` re-planning that day.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_cli_decide import _scenario  # the demo with a campaign, 24 November to 11 December

from planner.app.campaign import CampaignRequest, plan_campaign
from planner.app.edit import EditRequest, _day, _open, preview_edit
from planner.cli import cli
from planner.day.edit import Move, Reorder, Swap, apply_change
from planner.state import db
from planner.state.tomorrow import run_tomorrow

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo"
LIMIT_S = 0.5
NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)


def _visits(plan) -> dict[str, str]:
    """Household → team of each home visit of ``plan``."""
    return {s.household: r.team for r in plan.routes for s in r.stops if s.kind == "visit"}


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> tuple[Path, dict]:
    """The demo campaign (first day drawn), and edits found on it by the day
    layer: ``broken`` (a move that breaks a window: date, household, team),
    ``swap`` (a swap of two teams' visits that holds: date, a, b) and
    ``reorder`` (two visits of a route put the other way round, holding:
    date, team, the pair in its new order)."""
    base = tmp_path_factory.mktemp("edit-cli")
    scenario = _scenario(base / "scenario").parent
    plan_campaign(CampaignRequest(scenario / "scenario.yaml", base / "camp",
                                  time_limit_s=LIMIT_S, draw="first", now=NOW))
    camp = _open(base / "camp")
    found: dict = {}
    for folder in sorted((base / "camp" / "days").glob("????-??-??")):
        day, _drawn = _day(camp, dt.date.fromisoformat(folder.name))
        teams = _visits(day.plan)
        for hid, team in teams.items():
            for other in sorted(set(teams.values()) - {team}):
                if "broken" not in found and any(
                        p.code == "window" for p in apply_change(day, Move(hid, other)).problems):
                    found["broken"] = (folder.name, hid, other)
            for hid2, team2 in teams.items():
                if "swap" not in found and team2 != team and \
                        apply_change(day, Swap(hid, hid2)).holds:
                    found["swap"] = (folder.name, hid, hid2)
        for route in day.plan.routes:
            order = [s.household for s in route.stops if s.kind == "visit"]
            for k in range(len(order) - 1):
                pair = (order[k + 1], order[k])
                if "reorder" not in found and \
                        apply_change(day, Reorder(route.team, pair)).holds:
                    found["reorder"] = (folder.name, route.team, pair)
        if len(found) == 3:
            break
    assert set(found) == {"broken", "swap", "reorder"}, found
    return base / "camp", found


@pytest.fixture()
def campaign(planned, tmp_path: Path) -> tuple[Path, dict]:
    """A fresh copy of the planned campaign."""
    folder, found = planned
    copy = tmp_path / "camp"
    shutil.copytree(folder, copy)
    return copy, found


def _run(*args: str):
    return CliRunner().invoke(cli, ["edit", *args])


def test_a_broken_window_is_shown_then_refused_and_nothing_changes(campaign) -> None:
    """Preview (Vietnamese by default, then English): exit 0, the reason names
    the household, "not kept; add --confirm". With --confirm: exit 2,
    "refused:" and the reason. plan.json and the state's planned visits and
    decisions are as before."""
    folder, found = campaign
    date, hid, team = found["broken"]
    plan_file = folder / "days" / date / "plan.json"
    before = plan_file.read_bytes()
    vi = _run(str(folder), "--date", date, "move", hid, "--to", team)
    assert vi.exit_code == 0, vi.output
    assert hid in vi.output and "chưa giữ; thêm --confirm để giữ" in vi.output
    assert "ngày KHÔNG còn hợp lệ" in vi.output
    en = _run(str(folder), "--date", date, "move", hid, "--to", team, "--lang", "en")
    assert en.exit_code == 0 and "would break its window" in en.output
    assert "not kept; add --confirm to keep" in en.output
    refused = _run(str(folder), "--date", date, "move", hid, "--to", team, "--confirm",
                   "--lang", "en")
    assert refused.exit_code == 2, refused.output
    assert "refused:" in refused.output and hid in refused.output
    assert "Traceback" not in refused.output
    assert plan_file.read_bytes() == before
    conn = db.open_campaign(folder)
    try:
        assert db.active_decisions(conn) == []
    finally:
        conn.close()


def test_an_unknown_id_exits_2_naming_it(campaign) -> None:
    """An unknown household or team: exit 2, one message naming it and a fix,
    in Vietnamese by default (the campaign, "hộ NK-9999", no English words),
    in English with --lang en."""
    folder, found = campaign
    date, hid, _team = found["broken"]
    bad = _run(str(folder), "--date", date, "remove", "NK-9999", "--why", "x")
    assert bad.exit_code == 2 and "› hộ NK-9999 › kịch bản của đợt cấp không có hộ này" \
        in bad.output, bad.output
    assert "household" not in bad.output and "scenario" not in bad.output
    bad = _run(str(folder), "--date", date, "remove", "NK-9999", "--why", "x", "--lang", "en")
    assert bad.exit_code == 2 and "household NK-9999" in bad.output, bad.output
    team = _run(str(folder), "--date", date, "move", hid, "--to", "T9")
    assert team.exit_code == 2 and "tổ T9" in team.output and "T1" in team.output, team.output
    day = _run(str(folder), "--date", "2026-12-25", "remove", hid, "--why", "x", "--lang", "en")
    assert day.exit_code == 2 and "no plan for this day" in day.output


def test_a_feasible_swap_is_kept_and_survives_tomorrow(campaign) -> None:
    """A swap that holds, confirmed: exit 0, "kept"; the day's plan.json has
    the two households on each other's team (its documents rewritten with it
    when the day was drawn, no stage folder left), the state's planned visits
    say so, two lock decisions are stored; swapping them back is then
    refused, naming the lock; `tomorrow` from that day plans them on those
    teams again."""
    folder, found = campaign
    date, a, b = found["swap"]
    day_dir = folder / "days" / date
    old = json.loads((day_dir / "plan.json").read_text(encoding="utf-8"))
    teams = {s["household"]: r["team"] for r in old["routes"] for s in r["stops"]
             if s["kind"] == "visit"}
    kept = _run(str(folder), "--date", date, "swap", a, b, "--confirm", "--lang", "en")
    assert kept.exit_code == 0, kept.output
    assert "the day still holds" in kept.output and "kept:" in kept.output
    new = json.loads((day_dir / "plan.json").read_text(encoding="utf-8"))
    now = {s["household"]: r["team"] for r in new["routes"] for s in r["stops"]
           if s["kind"] == "visit"}
    assert (now[a], now[b]) == (teams[b], teams[a])
    assert new.get("scope") == old.get("scope")
    if (day_dir / "map.html").exists():
        assert (day_dir / f"itinerary-{teams[a]}.pdf").exists()
    assert not list((folder / "days").glob(".new-*")) and not list(
        (folder / "days").glob(".old-*"))
    conn = db.open_campaign(folder)
    try:
        planned = {h: t for h, t, _a in db.planned_on(conn, dt.date.fromisoformat(date))}
        locks = {(d.household, d.team, d.dates) for d in db.active_decisions(conn)
                 if d.kind == "lock"}
    finally:
        conn.close()
    assert (planned[a], planned[b]) == (teams[b], teams[a])
    day = dt.date.fromisoformat(date)
    assert locks == {(a, teams[b], (day,)), (b, teams[a], (day,))}
    back = _run(str(folder), "--date", date, "swap", a, b, "--lang", "en")
    assert back.exit_code == 0 and "does NOT hold" in back.output
    assert f"household {a} is locked to team {teams[b]}" in back.output
    run_tomorrow(folder, day=day, time_limit_s=LIMIT_S, now=NOW)
    again = json.loads((day_dir / "plan.json").read_text(encoding="utf-8"))
    after = {s["household"]: r["team"] for r in again["routes"] for s in r["stops"]
             if s["kind"] == "visit"}
    assert (after.get(a), after.get(b)) == (teams[b], teams[a])


def test_a_forced_removal_is_kept_with_its_reason_and_a_not_on_decision(campaign) -> None:
    """Removing a visit of the first (drawn) day with --confirm --force WHY:
    exit 0, kept; plan.json lists the household once in unserved with code
    removed_by_hand, its reason and the Vietnamese text; its map and
    itineraries are rewritten; the state no longer plans it that day and
    holds a not_on decision for that day with the reason given."""
    folder, _found = campaign
    date = min(p.name for p in (folder / "days").glob("????-??-??"))
    day_dir = folder / "days" / date
    old = json.loads((day_dir / "plan.json").read_text(encoding="utf-8"))
    map_before = (day_dir / "map.html").read_bytes()
    hid = next(s["household"] for r in old["routes"] for s in r["stops"] if s["kind"] == "visit")
    kept = _run(str(folder), "--date", date, "remove", hid, "--why", "ốm nặng", "--confirm",
                "--force", "gia đình xin hoãn")
    assert kept.exit_code == 0, kept.output
    assert "đã giữ" in kept.output
    new = json.loads((day_dir / "plan.json").read_text(encoding="utf-8"))
    assert hid not in {s["household"] for r in new["routes"] for s in r["stops"]
                       if s["kind"] == "visit"}
    entries = [u for u in new["unserved"] if u["household"] == hid]
    assert [(u["code"], u["reason"]) for u in entries] == [
        ("removed_by_hand", "taken off this day by hand: ốm nặng")]
    assert entries[0]["text"].startswith("đã bỏ khỏi ngày này bằng tay")
    assert new["id"] != old["id"]
    assert (day_dir / "map.html").read_bytes() != map_before
    conn = db.open_campaign(folder)
    try:
        planned = {h for h, _t, _a in db.planned_on(conn, dt.date.fromisoformat(date))}
        not_on = [d for d in db.active_decisions(conn) if d.kind == "not_on"]
    finally:
        conn.close()
    assert hid not in planned
    assert [(d.household, d.dates, d.why) for d in not_on] == [
        (hid, (dt.date.fromisoformat(date),), "ốm nặng")]


def test_help_of_edit_and_of_each_action() -> None:
    """`edit --help` lists the actions; `edit F --date D move --help` is the
    help of move (its --to), not of the group."""
    group = CliRunner().invoke(cli, ["edit", "--help"])
    assert group.exit_code == 0
    assert all(a in group.output for a in ("move", "swap", "reorder", "add", "remove"))
    move = CliRunner().invoke(cli, ["edit", "camp", "--date", "2026-11-24", "move", "--help"])
    assert move.exit_code == 0 and "--to-date" in move.output
    assert "Lệnh:" not in move.output and "Commands:" not in move.output  # not the group's


def test_a_kept_reorder_is_an_order_decision_and_a_move_to_another_day_checks_both(
        campaign) -> None:
    """A reorder that holds, confirmed: the route visits the pair in the new
    order and an ``order`` decision for that team and day holds the route's
    whole new order. A move to another day (preview): one verdict per day,
    the day it leaves and the day it goes to, nothing written."""
    folder, found = campaign
    date, team, pair = found["reorder"]
    kept = _run(str(folder), "--date", date, "reorder", team, *pair, "--confirm")
    assert kept.exit_code == 0, kept.output
    plan = json.loads((folder / "days" / date / "plan.json").read_text(encoding="utf-8"))
    route = next(r for r in plan["routes"] if r["team"] == team and r["unit"] == "team")
    visits = [s["household"] for s in route["stops"] if s["kind"] == "visit"]
    assert visits.index(pair[0]) < visits.index(pair[1])
    conn = db.open_campaign(folder)
    try:
        orders = [d for d in db.active_decisions(conn) if d.kind == "order"]
    finally:
        conn.close()
    assert [(d.team, d.dates, d.order) for d in orders] == [
        (team, (dt.date.fromisoformat(date),), tuple(visits))]
    days = sorted(p.name for p in (folder / "days").glob("????-??-??"))
    later = days[days.index(date) + 1]
    before = (folder / "days" / later / "plan.json").read_bytes()
    verdict = preview_edit(EditRequest(folder, dt.date.fromisoformat(date),
                                       Move(pair[0], team), to_date=dt.date.fromisoformat(later)))
    assert verdict.date == date and [v.date for v in verdict.also] == [later]
    assert verdict.holds == (not verdict.problems and not verdict.also[0].problems)
    assert verdict.touched == verdict.also[0].touched == (pair[0],)
    assert (folder / "days" / later / "plan.json").read_bytes() == before
