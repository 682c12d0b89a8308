"""Notices for village heads: a page per visited village, with a loudspeaker text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from planner.render.notices import notices, render_notices
from planner.render.views import doc_context


def test_one_notice_per_visited_village(demo_day):
    """Every village with a visit gets one notice listing its visits in time
    order, and the loudspeaker text names the village and the first time (a
    village with only a collection point or a pickup gets one too)."""
    scenario, _G, plan, _m, _p = demo_day
    by_id = {h.id: h for h in scenario.households}
    visited = {by_id[s.household].village_id for r in plan.routes for s in r.stops
               if s.kind == "visit"}
    items = notices(plan, scenario, doc_context(plan, scenario))
    assert {n.village for n in items} >= {scenario.village(v).name for v in visited}
    assert len({n.village for n in items}) == len(items)
    for n in items:
        assert n.visits or n.points or n.shuttles
        assert [v.arrive for v in n.visits] == sorted(v.arrive for v in n.visits)
        assert n.village in n.speaker
        if n.visits:
            assert n.visits[0].arrive in n.speaker


def test_notices_pdf(demo_day, tmp_path: Path):
    """The PDF has one page per notice, in Vietnamese ("Thông báo", "Kính gửi:
    Trưởng bản"), then the invitation slips, and never shows conditions or ID
    numbers."""
    scenario, G, plan, _m, _p = demo_day
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not found (apt-get install poppler-utils)")
    pdf = tmp_path / "notices.pdf"
    pdf.write_bytes(render_notices(plan, scenario))
    text = subprocess.run([tool, str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    heads = [p for p in pages if "Kính gửi" in p]  # then come the invitation slips
    assert len(heads) == len(notices(plan, scenario, doc_context(plan, scenario)))
    assert all("Thông báo" in p and "Trưởng bản" in p for p in heads)
    flat = " ".join(text.split())
    for condition in ("nằm liệt giường", "khuyết tật", "người cao tuổi"):
        assert condition not in flat
    for h in scenario.households:
        for r in h.residents:
            assert r.id_number not in flat


def test_redacted_notices(demo_day):
    """--redact: the notices use initials, never full names."""
    scenario, _G, plan, _m, _p = demo_day
    items = notices(plan, scenario, doc_context(plan, scenario, redact=True))
    text = " ".join(n.speaker + " ".join(x for v in n.visits for x in v.names) for n in items)
    for h in scenario.households:
        for r in h.residents:
            assert r.full_name not in text


def test_notice_times_are_rounded_to_five_minutes(demo_day):
    """Starts are rounded down and ends up to 5 minutes, so that nobody is
    told a time later than the team's; every time on the demo's notices is a
    multiple of 5 minutes."""
    from planner.legs import attach_legs
    from planner.render.notices import early, late

    assert (early("07:27"), late("07:33"), early("07:25"), late("07:35")) == \
        ("07:25", "07:35", "07:25", "07:35")
    assert late("23:58") == "24:00" and early("") == "" and late("") == ""
    scenario, G, plan, _m, _p = demo_day
    plan = attach_legs(plan, scenario, G)
    items = notices(plan, scenario, doc_context(plan, scenario))
    times = [t for n in items for v in n.visits for t in (v.arrive, v.depart)]
    times += [t for n in items for p in n.points for t in (p.opens, p.closes)]
    times += [t for n in items for s in n.shuttles for t in (s.pickup, s.back) if t]
    assert times and all(int(t[-2:]) % 5 == 0 for t in times)
