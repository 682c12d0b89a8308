"""The reason of a home visit left out for capacity states only what is true,
in English and Vietnamese: its tier, what each team allowed to take it holds,
no team on other duties, no shuttles on a day without any."""

from __future__ import annotations

from test_reasons import _household, _plan, _resident, _scenario, _team

from planner.render.i18n import reason_text


def _overflow_day():
    """Four bedridden households for one home team with a short day, and a
    second team on point duty only (idle: nobody is invited to a point)."""
    hs = [_household(f"H{k}", 2 + k, _resident(f"R{k}", "bedridden")) for k in range(4)]
    teams = [_team("T1", max_work_h=3), _team("T2", duties=("point",))]
    return _plan(_scenario(hs, teams))


def test_capacity_reason_names_the_tier_and_the_routes_in_english() -> None:
    """The households left out are told their tier and what T1's day holds,
    nothing about T2 (on point duty), nothing about shuttles (none today),
    never "every team"."""
    plan = _overflow_day()
    left = [u for u in plan.unserved if u.code == "no_capacity"]
    assert left
    served = sum(1 for r in plan.routes for s in r.stops if s.kind == "visit")
    for u in left:
        assert u.reason.startswith("no capacity left for this priority (bedridden): ")
        assert f"team T1's day holds {served} bedridden home visits" in u.reason
        assert "T2" not in u.reason and "shuttle" not in u.reason
        assert "every team" not in u.reason
        assert reason_text(u, (), "en") == u.reason


def test_capacity_reason_in_vietnamese_names_the_tier_and_the_team() -> None:
    """The Vietnamese reason names the tier (nằm liệt giường), team T1 and
    how many visits its day holds, and not the team on other duties."""
    plan = _overflow_day()
    served = sum(1 for r in plan.routes for s in r.stops if s.kind == "visit")
    u = next(u for u in plan.unserved if u.code == "no_capacity")
    text = reason_text(u, (), "vi")
    assert text.startswith("hết chỗ cho mức ưu tiên này (nằm liệt giường): ")
    assert f"tổ T1 đã có lượt làm tại nhà cho {served} nằm liệt giường" in text
    assert "T2" not in text and "đưa đón" not in text
    assert "mọi tổ" not in text.lower()
