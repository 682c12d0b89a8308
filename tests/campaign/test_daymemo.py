"""``tomorrow`` re-plans only the days whose inputs changed
(``planner.campaign.daymemo``): a day offered the same households by the same
teams keeps its plan (no call of the day planner) and its folder (plan.json
byte-identical, not rewritten); a day whose inputs changed is planned again;
a memo that cannot be read only means every day is planned again."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections import Counter
from pathlib import Path

import pytest

import planner.campaign.loop as loop
from planner.app.campaign import CampaignRequest, TomorrowRequest, plan_campaign, replan_tomorrow
from planner.campaign.daymemo import MEMO_NAME, DayMemo, canon, read_memo

SMALL = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)
DAY1, DAY2 = dt.date(2026, 11, 24), dt.date(2026, 11, 26)
LIMIT_S = 0.2


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> tuple[Path, Path]:
    """The small scenario (a copy) planned as a campaign of two working days,
    every day drawn: (campaign folder, scenario folder)."""
    base = tmp_path_factory.mktemp("daymemo")
    shutil.copytree(SMALL, base / "scenario")
    out = base / "campaign"
    run = plan_campaign(CampaignRequest(base / "scenario" / "scenario.yaml", out,
                                        deadline=dt.date(2026, 11, 27), time_limit_s=LIMIT_S,
                                        now=NOW))
    assert [d.date for d in run.result.days] == [DAY1, DAY2]
    return out, base / "scenario"


def test_tomorrow_keeps_the_days_that_did_not_change(campaign, monkeypatch):
    """A household of day 1 gets another note: day 1 is planned again; day 2,
    offered the same as before, is not (no call of the day planner), keeps
    its plan.json byte for byte (the file is not even rewritten) and counts
    as kept. With nothing changed at all, no day is planned again."""
    out, scenario = campaign
    calls: Counter = Counter()
    real = loop.plan_one_day

    def counted(ws, day, *args, **kwargs):
        calls[day] += 1
        return real(ws, day, *args, **kwargs)

    monkeypatch.setattr(loop, "plan_one_day", counted)
    plan2 = out / "days" / DAY2.isoformat() / "plan.json"
    before, stamp = plan2.read_bytes(), plan2.stat().st_mtime_ns
    csv = scenario / "households.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("vân tay mờ", "vân tay rất mờ"),
                   encoding="utf-8")
    run = replan_tomorrow(TomorrowRequest(out, DAY1, time_limit_s=LIMIT_S, now=NOW))
    assert [d.date for d in run.result.days] == [DAY1, DAY2]
    assert calls[DAY1] >= 1 and calls[DAY2] == 0
    assert run.kept == (DAY2,) and run.drawn == 1
    assert plan2.read_bytes() == before and plan2.stat().st_mtime_ns == stamp
    calls.clear()
    again = replan_tomorrow(TomorrowRequest(out, DAY1, time_limit_s=LIMIT_S, now=NOW))
    assert sum(calls.values()) == 0 and again.kept == (DAY1, DAY2)


def test_unreadable_memo_is_empty(tmp_path, caplog):
    """A damaged memo reads as an empty one (every day planned again), with a
    log line; a missing one is empty without a word."""
    assert read_memo(tmp_path).old == {}
    (tmp_path / MEMO_NAME).write_bytes(b"\x80\x05not a pickle")
    with caplog.at_level(logging.WARNING, logger="planner.campaign.daymemo"):
        memo = read_memo(tmp_path)
    assert memo.old == {} and "unreadable" in caplog.text


def test_canonical_form_ignores_order():
    """The key's canonical form is the same for sets and mappings in any order,
    and tells floats and dates apart from their neighbours."""
    assert canon({"b": 1, "a": {2, 1}}) == canon({"a": {1, 2}, "b": 1})
    assert canon(0.1) != canon(0.10000000000000002)
    assert canon(dt.date(2026, 1, 2)) != canon(dt.date(2026, 1, 3))
    assert DayMemo().kept(Path("."), [], ("vi", False)) == set()
