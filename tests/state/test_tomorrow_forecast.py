"""``tomorrow`` with ``forecast`` plans fully only the days whose notices go out
before the next re-plan (``planner.state.tomorrow.full_days``: ``notice_days``
+ 1); the days after them are a forecast at the cheaper "sweep" fidelity; a second re-plan
with the same inputs makes no day plan at all (every day answered by the
memo, even the days whose shuttles the first re-plan announced), and an
outcome recorded since re-plans the days it changes.

A small campaign on the demo's fictional roads: one team whose three-hour
shift holds one bedridden visit a day, eight households at home, one
shuttled; ``notice_days`` 1, so two days are planned fully."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

import planner.campaign.loop as loop
from planner.app.campaign import CampaignRequest, TomorrowRequest, plan_campaign, replan_tomorrow
from planner.campaign.dayloop import sweep_solver
from planner.state.record import record_outcomes

SMALL = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)
LIMIT_S = 0.2
HEADER = ("household_id,village,lon,lat,contact,resident_id,full_name,condition,available,"
          "mode,waiting_days,id_number,notes\n")


def _households() -> str:
    """Eight bedridden residents at home near the centre, and one shuttled."""
    rows = [f"H{k + 1},TT,{103.2120 + 0.0007 * k:.4f},{21.8215 + 0.0004 * k:.4f},,R{k + 1},"
            f"Người {k + 1},bedridden,,home,{10 - k},," for k in range(8)]
    rows.append("H9,TT,103.2160,21.8240,,R9,Người 9,elderly,,shuttle,40,,")
    return HEADER + "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> Path:
    """The campaign planned (nothing drawn): its folder."""
    base = tmp_path_factory.mktemp("forecast")
    shutil.copytree(SMALL, base / "scenario")
    yaml = base / "scenario" / "scenario.yaml"
    text = yaml.read_text(encoding="utf-8").replace('shift: "07:00-17:00"', 'shift: "07:00-10:00"')
    text = text.replace('lunch: "11:00-13:30"', 'lunch: "09:00-10:00"').replace(
        "lunch_min: 60", "lunch_min: 0")
    yaml.write_text(text + "campaign:\n  notice_days: 1\n", encoding="utf-8")
    (base / "scenario" / "households.csv").write_text(_households(), encoding="utf-8")
    out = base / "campaign"
    run = plan_campaign(CampaignRequest(yaml, out, time_limit_s=LIMIT_S, draw="none", now=NOW))
    assert len(run.result.days) >= 5
    return out


@pytest.fixture()
def calls(monkeypatch) -> Counter:
    """Every call of the day planner: (date, forecast?) → count."""
    made: Counter = Counter()
    real = loop.plan_one_day

    def counted(ws, day, teams, offered, season, limit_s, seed, solver, start, scale,
                pending, relocate, *rest):
        made[(day, solver is sweep_solver and not relocate)] += 1
        return real(ws, day, teams, offered, season, limit_s, seed, solver, start, scale,
                    pending, relocate, *rest)

    monkeypatch.setattr(loop, "plan_one_day", counted)
    return made


def _days(folder: Path) -> list[dt.date]:
    return sorted(dt.date.fromisoformat(p.name) for p in (folder / "days").iterdir()
                  if p.is_dir() and not p.name.startswith("."))


def test_later_days_are_a_forecast_and_nothing_is_planned_twice(campaign, calls) -> None:
    """From the second day (the first day's visits carried over): its first
    two days are planned fully, every later one as a forecast; the shuttle's
    pickup goes on a notice. The same re-plan again makes no day plan, keeps
    every day and every plan.json byte for byte, and the shuttle announced
    is kept."""
    day2 = _days(campaign)[1]
    run = replan_tomorrow(TomorrowRequest(campaign, day2, time_limit_s=LIMIT_S, now=NOW,
                                          draw="none", forecast=True))
    dates = [d.date for d in run.result.days]
    assert len(dates) >= 5 and dates[0] == day2
    full = {day for (day, forecast) in calls if not forecast}
    forecast = {day for (day, forecast) in calls if forecast}
    assert full == set(dates[:2]) and forecast == set(dates[2:])
    announced = json.loads((campaign / "campaign.json").read_text(encoding="utf-8"))
    shuttles = [s for s in announced["shuttle_days"] if s["announce_by"] < day2.isoformat()]
    assert shuttles, "the shuttle of one of the first days is announced tonight"
    before = {d: (campaign / "days" / d.isoformat() / "plan.json").read_bytes() for d in dates}
    calls.clear()
    again = replan_tomorrow(TomorrowRequest(campaign, day2, time_limit_s=LIMIT_S, now=NOW,
                                            draw="none", forecast=True))
    assert sum(calls.values()) == 0
    assert again.kept == tuple(dates) and [d.date for d in again.result.days] == dates
    assert again.shuttles_not_kept == [] and again.not_kept == []
    assert {d: (campaign / "days" / d.isoformat() / "plan.json").read_bytes()
            for d in dates} == before


def test_an_outcome_replans_the_days_it_changes(campaign, calls, tmp_path) -> None:
    """The resident visited on the first re-planned day was not at home: the
    re-plan from the next day plans again every day (all the households live
    in the village whose outcomes the presence model now counts), and the
    resident comes back on a later day."""
    state = json.loads((campaign / "campaign.json").read_text(encoding="utf-8"))["state"]
    first = dt.date.fromisoformat(state["planned_from"])
    second = next(d for d in _days(campaign) if d > first)
    plan = json.loads((campaign / "days" / first.isoformat() / "plan.json").read_text("utf-8"))
    visit = next(s for r in plan["routes"] for s in r["stops"] if s["kind"] == "visit")
    resident = visit["residents"][0]
    sheet = tmp_path / "outcomes.csv"
    sheet.write_text("date,team,household_id,resident_id,outcome,note\n"
                     f"{first},T1,{visit['household']},{resident},not_home,\n", encoding="utf-8")
    record_outcomes(campaign, sheet, today=dt.date(2026, 12, 31), now=NOW)
    run = replan_tomorrow(TomorrowRequest(campaign, second, time_limit_s=LIMIT_S, now=NOW,
                                          draw="none", forecast=True))
    assert {day for day, _forecast in calls} == {d.date for d in run.result.days}
    assert run.kept == ()
    assert run.result.assignment[resident][0] > first
