"""A collection point already announced is held at its place and hour.

``plan_day(point_slots={village: (place, opens_s, closes_s)})`` on the small
valid scenario (one team; Bản Trung Tâm has a point resident): the point
opens at the announced minute and stays open to the announced close at
least; a slot no team can reach (before the shift starts) leaves the point
closed, its households unserved, rather than opened at another hour.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.clock import format_clock
from planner.day.plan import plan_day
from planner.roads.io import load_graph
from planner.scenario import load_scenario_and_speeds

OK = Path(__file__).resolve().parent.parent / "data" / "scenarios" / "ok_small"
H = 3600


@pytest.fixture(scope="module")
def small():
    """The small scenario, its road graph and speed table."""
    scenario, _, table = load_scenario_and_speeds(OK / "scenario.yaml")
    return scenario, load_graph(scenario.roads, table=table), table


def _points(plan, village: str) -> list:
    return [s for r in plan.routes for s in r.stops if s.kind == "point" and s.village == village]


def test_the_point_opens_at_the_announced_hour(small) -> None:
    """Slot 09:40–10:50 at the village centre: the point opens there at a time
    that reads 09:40 and closes at one that reads 10:50 or later."""
    scenario, G, table = small
    slot = ("Bản Trung Tâm", 9 * H + 40 * 60, 10 * H + 50 * 60)
    plan, _, _ = plan_day(scenario, G, table=table, time_limit_s=0.5, seed=1,
                          point_slots={"TT": slot})
    stops = _points(plan, "TT")
    assert stops, [u.reason for u in plan.unserved]
    assert stops[0].place == slot[0]
    assert format_clock(stops[0].opens_s) == "09:40"  # read to the minute, as announced
    assert format_clock(max(s.depart_s for s in stops)) >= "10:50"


def test_a_slot_no_team_can_reach_leaves_the_point_closed(small) -> None:
    """Slot 05:00–06:00, before the shift (07:00): no point opens in the village,
    at that hour or another, and its invited household is unserved."""
    scenario, G, table = small
    plan, _, _ = plan_day(scenario, G, table=table, time_limit_s=0.5, seed=1,
                          point_slots={"TT": ("Bản Trung Tâm", 5 * H, 6 * H)})
    assert _points(plan, "TT") == []
    assert "H5" in {u.household for u in plan.unserved}
