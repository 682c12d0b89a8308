"""The field loop with presence chances: a household found away in the morning
is re-planned by ``tomorrow`` at an hour it is more likely home, and its
itinerary says why. Real SQLite, real solves on the FICTIONAL demo, a real PDF
read back with pdftotext."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from test_campaign_state import DAY1, DAY2, LIMIT_S, _scenario

from planner import presence as pr
from planner.campaign.run import record_outcomes, run_campaign, run_tomorrow
from planner.cli.render import render_days

HOUSEHOLD, RESIDENT = "NK-0208", "R00316"  # bedridden, no hours given: any band will do


def _visit(plan, household):
    for r in plan.routes:
        for s in r.stops:
            if s.kind == "visit" and s.household == household:
                return r, s
    return None, None


@pytest.fixture(scope="module")
def replanned(tmp_path_factory):
    base = tmp_path_factory.mktemp("presence-campaign")
    text = _scenario(base / "scenario").read_text(encoding="utf-8")
    # come back the next day (the default), so that tomorrow can plan it again
    text = text.replace("  retry_after_days: 2\n", "  retry_after_days: 1\n")
    scenario = base / "scenario" / "scenario.yaml"
    scenario.write_text(text, encoding="utf-8")
    out = base / "out"
    first = run_campaign(scenario, out, time_limit_s=LIMIT_S)
    day1 = first.result.days[0]
    team, stop = _visit(day1.plan, HOUSEHOLD)
    assert stop is not None, "the demo's first day visits NK-0208"
    away_band = pr.band_of(stop.depart_s - stop.service_s)
    sheet = base / "day1.csv"
    sheet.write_text("date,team,household_id,resident_id,outcome,note\n"
                     f"{DAY1},{team.team},{HOUSEHOLD},{RESIDENT},not_home,\n", encoding="utf-8")
    record_outcomes(out, sheet)
    run = run_tomorrow(out, DAY2, time_limit_s=LIMIT_S)
    return out, scenario, run, away_band


def test_tomorrow_moves_a_household_found_away_to_a_likelier_hour(replanned):
    """Planned again, NK-0208's visit starts in another band than the one it
    was found away in, with a higher chance, and the note says so."""
    out, _scenario_path, run, away = replanned
    planned = [(d, *_visit(d.plan, HOUSEHOLD)) for d in run.result.days]
    planned = [(d, r, s) for d, r, s in planned if s is not None]
    assert planned, "NK-0208 is planned again"
    day, _route, stop = planned[0]
    note = stop.presence
    assert note is not None
    assert note.band != away.id
    assert pr.band_of(stop.depart_s - stop.service_s).id == note.band
    assert note.instead_band == away.id and note.away_instead == 1
    assert note.chance > note.instead_chance
    assert note.failed_visits == 1
    # the day's plan.json keeps the note for the renderers
    data = json.loads((out / "days" / day.date.isoformat() / "plan.json").read_text("utf-8"))
    stops = [s for r in data["routes"] for s in r["stops"] if s.get("household") == HOUSEHOLD]
    assert stops[0]["presence"]["instead_band"] == away.id


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_the_itinerary_says_why_in_vietnamese_and_english(replanned, tmp_path: Path):
    """The team's itinerary of that day (as ``plan.py tomorrow`` draws it)
    shows the chance and why this hour rather than the one it was found away."""
    _out, _scenario_path, run, away = replanned
    day = next(d for d in run.result.days if _visit(d.plan, HOUSEHOLD)[1] is not None)
    route, stop = _visit(day.plan, HOUSEHOLD)
    band = pr.band_of(stop.presence.band)
    for lang in ("vi", "en"):
        written = render_days([day], tmp_path / lang, lang=lang)
        pdf = next(p for p in written if p.name == f"itinerary-{route.name}.pdf")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        flat = " ".join(text.split())
        if lang == "vi":
            assert f"{band.vi} (" in flat
            assert f"thay vì {away.vi}" in flat and f"1 lần vắng nhà {away.vi}" in flat
            assert "thường có nhà:" in flat
        else:
            assert f"{band.en} (" in flat
            assert f"rather than {away.en}" in flat and "nobody home once" in flat
            assert "usually home:" in flat
