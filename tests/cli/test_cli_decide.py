"""``plan.py decide`` through the real CLI, and ``plan.py day`` reading a
scenario's decisions file.

The campaign state is made without planning (``db.create`` on a copy of the
FICTIONAL demo scenario): ``decide`` only needs the scenario and the state.
The day is a real solve of the demo with a short time limit.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.campaign.decisions import read_decisions
from planner.cli import cli
from planner.scenario import load_scenario
from planner.state import db

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo"
NOW = dt.datetime(2026, 11, 23, 18, 0, tzinfo=dt.UTC)


def _scenario(folder: Path, extra: str = "") -> Path:
    """A copy of the demo scenario (campaign 24 November to 11 December) in
    ``folder``, with ``extra`` YAML appended."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "households.csv").write_bytes((DEMO / "households.csv").read_bytes())
    text = (DEMO / "scenario.yaml").read_text(encoding="utf-8")
    text += "campaign:\n  start: 2026-11-24\n  deadline: 2026-12-11\n" + extra
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    return folder / "scenario.yaml"


@pytest.fixture()
def campaign(tmp_path: Path) -> Path:
    """A campaign folder whose state holds the demo scenario (nothing planned)."""
    scenario, _ = load_scenario(_scenario(tmp_path / "scenario"))
    out = tmp_path / "camp"
    out.mkdir()
    db.create(out / db.DB_NAME, scenario, dt.date(2026, 11, 24), dt.date(2026, 12, 11),
              now=NOW).close()
    return out


def _homes() -> list[str]:
    """Household ids of the demo visited at home with no hours at home given."""
    with open(DEMO / "households.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return list(dict.fromkeys(r["household_id"] for r in rows
                              if r["mode"] == "home" and not r["available"]))


def test_decide_keeps_lists_retires_and_exports(campaign: Path, tmp_path: Path) -> None:
    """Each command answers in Vietnamese by default; list shows who and why;
    retire keeps the row; the export reads back as the same decisions."""
    run = CliRunner().invoke
    home = _homes()[0]
    r = run(cli, ["decide", str(campaign), "team-absent", "T2", "2026-11-25", "--by", "Lan",
                  "--why", "đám tang"])
    assert r.exit_code == 0, r.output
    assert "đã ghi quyết định 1" in r.output and "tiếp theo" in r.output
    r = run(cli, ["decide", str(campaign), "leave-out", home, "--reason", "refuses"])
    assert r.exit_code == 0, r.output
    r = run(cli, ["decide", str(campaign), "order", "T1", "--date", "2026-11-26",
                  *_homes()[1:3]])
    assert r.exit_code == 0, r.output
    r = run(cli, ["decide", str(campaign), "list"])
    assert r.exit_code == 0 and "đám tang" in r.output and "Lan" in r.output
    assert r.output.count("\n") == 3
    r = run(cli, ["decide", str(campaign), "retire", "1", "--why", "về sớm"])
    assert r.exit_code == 0, r.output
    r = run(cli, ["decide", str(campaign), "list", "--all"])
    assert "đã thôi áp dụng" in r.output
    out = tmp_path / "decisions.yaml"
    r = run(cli, ["decide", str(campaign), "--export", str(out)])
    assert r.exit_code == 0, r.output
    scenario, _ = load_scenario(tmp_path / "scenario" / "scenario.yaml")
    back = read_decisions(out, scenario)
    assert [(d.kind, d.id) for d in back] == [("leave_out", 2), ("order", 3)]
    assert back[1].order == tuple(_homes()[1:3]) and back[0].reason == "refuses"
    r = run(cli, ["decide", str(campaign), "--export", str(out)])
    assert r.exit_code == 2 and "--overwrite" in r.output


@pytest.mark.parametrize(("args", "words"), [
    (["must", "NK-006", "--date", "2026-11-25"], ["household", "NK-006", "close:"]),
    (["team-absent", "T9", "2026-11-25"], ["team", "T9", "T1, T2, T3"]),
    (["must", "NK-0060", "--date", "2026-11-28"], ["not a working day", "2026-11-30"]),
    (["not-on", "NK-0060", "2026-11-20"], ["before the campaign's start"]),
    (["village-off", "XX", "2026-11-25"], ["village", "XX"]),
    (["retire", "7", "--why", "x"], ["no decision has this id"]),
    (["must", "NK-0060", "--date", "2026-13-40"], ["--date", "month 13"]),
])
def test_bad_ids_and_dates_exit_2_with_one_clear_message(campaign: Path, args: list[str],
                                                          words: list[str]) -> None:
    """A bad id or date exits 2 with one message naming it (close ids listed),
    no traceback, and nothing stored (read in English: ``--lang en``)."""
    r = CliRunner().invoke(cli, ["decide", str(campaign), *args, "--lang", "en"])
    assert r.exit_code == 2, r.output
    assert all(w in r.output for w in words), r.output
    assert "Traceback" not in r.output
    conn = db.open_campaign(campaign)
    try:
        assert db.decisions(conn, active_only=False) == []
    finally:
        conn.close()


def test_a_bad_decision_is_refused_in_vietnamese_by_default(campaign: Path) -> None:
    """With no --lang, a mistyped household is refused in Vietnamese: the
    command, the id, the close ids and the fix, no English word of the
    message (household, scenario, close, give)."""
    r = CliRunner().invoke(cli, ["decide", str(campaign), "must", "NK-006", "--date",
                                 "2026-11-25"])
    assert r.exit_code == 2, r.output
    assert "plan.py decide › kịch bản không có hộ 'NK-006' (gần giống: " in r.output, r.output
    assert "hãy ghi mã một hộ trong kịch bản" in r.output
    assert not any(w in r.output for w in ("household", "scenario", "close", "give")), r.output


def test_day_honours_the_scenario_decisions_file(tmp_path: Path) -> None:
    """``plan.py day`` of a scenario naming a decisions file: the absent team
    has no route, the household left out is nowhere in the plan, the locked
    one only on its team, the must-visit visited or named as not honoured."""
    gone, must, locked = _homes()[:3]
    folder = tmp_path / "scenario"
    path = _scenario(folder, "decisions: decisions.yaml\n")
    (folder / "decisions.yaml").write_text(
        "decisions:\n"
        "  - {kind: team_absent, team: T2, dates: [2026-11-24], by: Lan, why: đám tang}\n"
        f"  - {{kind: leave_out, household: {gone}, reason: moved_away}}\n"
        f"  - {{kind: must, household: {must}, dates: [2026-11-24], id: 5}}\n"
        f"  - {{kind: lock, household: {locked}, team: T3}}\n", encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["day", str(path), "--out", str(out), "--time-limit", "0.5",
                                 "--lang", "en"])
    assert r.exit_code == 0, r.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert {route["team"] for route in plan["routes"]} <= {"T1", "T3"}
    stops = [s for route in plan["routes"] for s in route["stops"]]
    assert gone not in {s.get("household") for s in stops}
    assert gone not in {u["household"] for u in plan["unserved"]}
    assert all(route["team"] == "T3" for route in plan["routes"] for s in route["stops"]
               if s.get("household") == locked)
    visited = must in {s.get("household") for s in stops}
    named = [e for e in plan.get("not_honoured", []) if e["numbers"]["decision"] == 5]
    assert visited != bool(named)
    if named:
        assert "DECISION NOT HONOURED" in r.output


def test_day_refuses_a_bad_decisions_file(tmp_path: Path) -> None:
    """A decisions file naming an unknown team is refused (exit 2) naming the
    file, the entry and the field."""
    folder = tmp_path / "scenario"
    path = _scenario(folder, "decisions: decisions.yaml\n")
    (folder / "decisions.yaml").write_text(
        "decisions:\n  - {kind: team_absent, team: T7, dates: [2026-11-24]}\n",
        encoding="utf-8")
    r = CliRunner().invoke(cli, ["day", str(path), "--out", str(tmp_path / "out")])
    assert r.exit_code == 2, r.output
    assert "decisions.yaml" in r.output and "quyết định 1, cột team" in r.output, r.output
    assert "kịch bản không có tổ công tác 'T7'" in r.output and "hãy dùng một trong: T1, T2, T3" \
        in r.output
