"""Announced means committed, for a shuttle too: once a household's village
notice told it its pickup time at home, every later plan picks it up on that
date from that time to ``SHUTTLE_TOLERANCE_S`` later, or says so first: the
terminal warning and the correction notice's shuttle section, with the old
and the new pickup and the residents to tell.

Real solves on the FICTIONAL demo campaign (short time limits): the campaign
is planned once, team T1's outcomes of the first day are recorded, then
``tomorrow`` re-plans from the date of a shuttle already announced; in the
second test every team is absent that day (a person's decisions), so that
shuttle cannot be kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from planner.app.decisions import DecideRequest, decide
from planner.campaign.corrections import new_pickups
from planner.campaign.dayloop import SHUTTLE_TOLERANCE_S
from planner.campaign.decisions import Decision
from planner.campaign.report import tomorrow_text
from planner.clock import parse_clock
from planner.state.record import record_outcomes, write_template
from planner.state.store import run_campaign
from planner.state.tomorrow import run_tomorrow

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo"
LIMIT_S = 0.4
DAY1 = dt.date(2026, 11, 24)
TODAY = dt.date(2026, 12, 31)
NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The demo campaign planned from Tuesday 24 November (deadline 11
    December), T1's outcomes of day 1 recorded; and the first shuttle of
    ``campaign.json`` dated after day 1 (announced before its date)."""
    tmp = tmp_path_factory.mktemp("shuttles")
    scenario = tmp / "scenario"
    scenario.mkdir()
    (scenario / "households.csv").write_bytes((DEMO / "households.csv").read_bytes())
    text = (DEMO / "scenario.yaml").read_text(encoding="utf-8")
    text += "campaign:\n  start: 2026-11-24\n  deadline: 2026-12-11\n"
    (scenario / "scenario.yaml").write_text(text, encoding="utf-8")
    out = tmp / "camp"
    run_campaign(scenario / "scenario.yaml", out, time_limit_s=LIMIT_S, now=NOW)
    data = json.loads((out / "campaign.json").read_text(encoding="utf-8"))
    later = [s for s in data["shuttle_days"] if s["date"] > DAY1.isoformat()]
    assert later, "the demo campaign shuttles a household after its first day"
    shuttle = later[0]
    assert shuttle["announce_by"] < shuttle["date"]
    paths, _ = write_template(out, DAY1, tmp / "day1", overwrite=False)
    rows = list(csv.reader(paths[0].read_text(encoding="utf-8-sig").splitlines()))
    t1 = [r[:4] + ["enrolled", ""] for r in rows[1:] if r[1] == "T1"]
    sheet = tmp / "t1.csv"
    sheet.write_text("\n".join(",".join(r) for r in [rows[0][:6]] + t1) + "\n",
                     encoding="utf-8")
    assert record_outcomes(out, sheet, today=TODAY, now=NOW).new == len(t1)
    return out, data


def _copy(planned: tuple[Path, dict], tmp_path: Path) -> Path:
    """A copy of the planned campaign folder (each test re-plans its own)."""
    out = tmp_path / "camp"
    shutil.copytree(planned[0], out)
    return out


def _announced(data: dict, day: dt.date) -> list[dict]:
    """The shuttles of ``data`` (``campaign.json``) announced before ``day``
    and dated ``day`` or later."""
    return [s for s in data["shuttle_days"] if s["announce_by"] < day.isoformat() <= s["date"]]


def test_campaign_json_lists_each_shuttle_with_its_notice_times(planned) -> None:
    """``campaign.json``'s ``shuttle_days`` has one entry per shuttled
    household and day, with the pickup and back times of the village notice
    (HH:MM, pickup no later than the planned arrival) and its residents."""
    _out, data = planned
    assert data["shuttle_days"]
    for s in data["shuttle_days"]:
        assert parse_clock(s["pickup"]) < parse_clock(s["back"])
        assert s["residents"] and s["village"] and s["team"]
    keys = [(s["date"], s["household"]) for s in data["shuttle_days"]]
    assert len(keys) == len(set(keys))


def test_tomorrow_keeps_each_announced_shuttle_or_says_so_first(planned, tmp_path) -> None:
    """Re-planned from the date of an announced shuttle: each shuttle announced
    before that day is picked up on its date from its announced time to the
    tolerance after it, or it is in ``shuttles_not_kept``, at the top of the
    terminal summary and in the correction notice with its residents."""
    out = _copy(planned, tmp_path)
    day = dt.date.fromisoformat(
        next(s for s in planned[1]["shuttle_days"] if s["date"] > DAY1.isoformat())["date"])
    announced = _announced(planned[1], day)
    assert announced
    run = run_tomorrow(out, day, time_limit_s=LIMIT_S, now=NOW, lang="en")
    pickups = new_pickups(run.result)
    changed = {(c["date"], c["household"]): c for c in run.shuttles_not_kept}
    top = tomorrow_text(run, "en").split("\n\n")[0]
    for s in announced:
        start = parse_clock(s["pickup"])
        if any(d == s["date"] and start <= t <= start + SHUTTLE_TOLERANCE_S
               for d, t, _r in pickups.get(s["household"], [])):
            assert (s["date"], s["household"]) not in changed
            continue
        assert (s["date"], s["household"]) in changed  # not kept: it must be said
        assert f"household {s['household']}" in top and s["pickup"] in top
        notice = (out / f"corrections-{day}.txt").read_text(encoding="utf-8")
        assert s["household"] in notice and all(rid in notice for rid in s["residents"])
    after = json.loads((out / "campaign.json").read_text(encoding="utf-8"))
    assert after["state"]["announced_shuttles_not_kept"] == \
        json.loads(json.dumps(run.shuttles_not_kept))


def test_a_shuttle_no_team_can_make_gets_a_correction_and_a_warning(planned, tmp_path) -> None:
    """Every team absent on an announced shuttle's date: that shuttle is not
    kept, the terminal summary opens with it (household, old pickup, new day
    and pickup), and the correction notice's shuttle section names the
    household, the announced pickup, the new date and pickup, and its residents."""
    out = _copy(planned, tmp_path)
    shuttle = [s for s in planned[1]["shuttle_days"] if s["date"] > DAY1.isoformat()][0]
    day = dt.date.fromisoformat(shuttle["date"])
    for team in ("T1", "T2", "T3"):
        decide(DecideRequest(out, Decision("team_absent", team=team, dates=(day,),
                                           by="Lò Văn Thành", why="funeral"), now=NOW))
    run = run_tomorrow(out, day, time_limit_s=LIMIT_S, now=NOW, lang="en")
    assert not any(d.date == day and d.served for d in run.result.days)
    change = next(c for c in run.shuttles_not_kept if c["household"] == shuttle["household"])
    assert change["date"] == shuttle["date"] and change["pickup"] == shuttle["pickup"]
    new = change["new"]
    assert new is not None and new["date"] > shuttle["date"], "shuttled on a later day"
    top = tomorrow_text(run, "en").split("\n\n")[0]
    assert top.startswith("!!!!") and f"household {shuttle['household']}" in top
    assert f"pickup {shuttle['pickup']} becomes {new['date']}, pickup {new['pickup']}" in top
    notice = (out / f"corrections-{day}.txt").read_text(encoding="utf-8")
    assert "shuttle pickup already announced" in notice
    assert f"household {shuttle['household']}" in notice
    assert f"picked up at home at {shuttle['pickup']}" in notice
    assert f"now: {new['date']}, picked up at home at {new['pickup']}" in notice
    assert all(rid in notice for rid in shuttle["residents"])
