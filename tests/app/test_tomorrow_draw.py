"""``tomorrow`` draws the day it plans (``TomorrowRequest.draw``, default
"first"): the later re-planned days get their plan and notices, not their
maps, itineraries and GPX (drawing every day of a merged commune's campaign
took most of a re-plan: ``docs/benchmarks.md``); a day to be drawn whose
folder holds no drawing is drawn even when its plan is kept."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from planner.app.campaign import CampaignRequest, TomorrowRequest, plan_campaign, replan_tomorrow

SMALL = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)
DAY1, DAY2 = dt.date(2026, 11, 24), dt.date(2026, 11, 26)
LIMIT_S = 0.2


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> Path:
    """The small scenario planned as a campaign of two working days, no day
    drawn: its folder."""
    base = tmp_path_factory.mktemp("tomorrow_draw")
    shutil.copytree(SMALL, base / "scenario")
    out = base / "campaign"
    run = plan_campaign(CampaignRequest(base / "scenario" / "scenario.yaml", out,
                                        deadline=dt.date(2026, 11, 27), time_limit_s=LIMIT_S,
                                        draw="none", now=NOW))
    assert [d.date for d in run.result.days] == [DAY1, DAY2]
    return out


def _drawn(out: Path, day: dt.date) -> set[str]:
    """The drawn documents in ``day``'s folder."""
    folder = out / "days" / day.isoformat()
    return {p.name for p in folder.iterdir()
            if p.name == "map.html" or p.name.startswith(("itinerary-", "route-", "map-"))}


def test_tomorrow_draws_the_day_it_plans_only(campaign) -> None:
    """From day 1: day 1 gets its map, an itinerary and a GPX per team; day 2
    its plan.json only (and notices), no drawing; ``run.drawn`` says 1."""
    run = replan_tomorrow(TomorrowRequest(campaign, DAY1, time_limit_s=LIMIT_S, now=NOW))
    assert run.drawn == 1
    drawn = _drawn(campaign, DAY1)
    assert "map.html" in drawn and any(n.startswith("itinerary-") for n in drawn)
    assert any(n.startswith("route-") and n.endswith(".gpx") for n in drawn)
    assert (campaign / "days" / DAY2.isoformat() / "plan.json").is_file()
    assert _drawn(campaign, DAY2) == set()


def test_a_kept_day_without_its_drawing_is_drawn(campaign) -> None:
    """Day 1's drawing removed, nothing else changed: the re-plan keeps both
    plans (no solve) but draws day 1 again (its folder swapped in whole);
    day 2 stays undrawn and kept."""
    replan_tomorrow(TomorrowRequest(campaign, DAY1, time_limit_s=LIMIT_S, now=NOW))
    for name in _drawn(campaign, DAY1):
        (campaign / "days" / DAY1.isoformat() / name).unlink()
    run = replan_tomorrow(TomorrowRequest(campaign, DAY1, time_limit_s=LIMIT_S, now=NOW))
    assert run.kept == (DAY2,) and run.drawn == 1
    assert "map.html" in _drawn(campaign, DAY1)
    assert _drawn(campaign, DAY2) == set()
