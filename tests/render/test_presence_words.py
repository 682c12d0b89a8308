"""The presence model's words come from the gettext catalog, in Vietnamese and
English; the model, the domain and plan.json carry codes and numbers only."""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from pathlib import Path

import pytest

from planner import presence
from planner.domain import PresenceNote
from planner.planfile import plan_from_dict
from planner.render import presence_text as words
from planner.render.i18n import translations

ROOT = Path(__file__).resolve().parent.parent.parent

NOTE = PresenceNote(band="evening", chance=0.81, weekday=2, instead_band="morning",
                    instead_chance=0.38, away_instead=2, failed_visits=3,
                    approaches=("visit_band", "call", "point"), try_band="noon",
                    try_day="weekend", try_chance=0.66, call_ahead=True)


@pytest.mark.parametrize(("lang", "expected"), [
    ("vi", ("thường có nhà: 80 %",
            "buổi tối (80 %) thay vì buổi sáng (40 %): 2 lần vắng nhà buổi sáng",
            "3 lần vắng nhà — đề xuất: đến vào buổi trưa (cuối tuần, khả năng có nhà 65 %); "
            "gọi điện trước để hẹn giờ; mời đến điểm thu nhận tại bản",
            "gọi điện trước khi đến")),
    ("en", ("usually home: 80 %",
            "evening (80 %) rather than morning (40 %): nobody home 2 times in the morning",
            "nobody home 3 times — proposed: visit in the midday (weekend, chance of finding "
            "them home 65 %); call ahead to agree on a time; invite them to a collection "
            "point in the village",
            "call ahead before coming")),
])
def test_note_lines_are_worded_by_the_catalog(lang: str, expected: tuple[str, ...]) -> None:
    """Every line of a presence note, in each language, from codes and numbers."""
    assert words.note_lines(NOTE, lang) == expected


def test_every_band_and_kind_of_day_has_a_vietnamese_word() -> None:
    """The catalog translates every band and kind of day the model knows."""
    vi = translations("vi")
    assert set(words.BAND_NAMES) == set(presence.BAND_IDS)
    assert set(words.DAY_NAMES) == set(presence.DAY_KINDS)
    for message in (*words.BAND_NAMES.values(), *words.DAY_NAMES.values()):
        assert vi.gettext(message) != message, message
    assert words.band_name("early", "vi") == "sáng sớm"
    assert words.band_name("early", "en") == "early morning"
    assert words.approach_text(presence.Approach("visit_band"), "en") == \
        "visit at another time of day"


def test_the_model_and_the_note_hold_no_words() -> None:
    """No Vietnamese letter in the presence model's module; no text field in
    the note or an approach; plan.json's presence holds codes and numbers."""
    source = (ROOT / "planner" / "presence.py").read_text(encoding="utf-8")
    accented = {c for c in source if ord(c) > 127 and unicodedata.name(c, "").startswith("LATIN")}
    assert accented == set()
    for cls in (PresenceNote, presence.Approach, presence.Band):
        names = {f.name for f in dataclasses.fields(cls)}
        assert not names & {"vi", "en", "approach_texts", "text"}, cls
    golden = json.loads((ROOT / "tests" / "data" / "golden" / "demo_plan.json")
                        .read_text(encoding="utf-8"))
    stop = next(s for r in golden["routes"] for s in r["stops"] if s["kind"] == "visit")
    stop["presence"] = {"band": "evening", "chance": 0.81, "approaches": [
        {"kind": "visit_band", "band": "noon", "day": "weekend", "chance": 0.66},
        {"kind": "point"}]}
    note = next(s.presence for r in plan_from_dict(golden).routes for s in r.stops
                if s.presence is not None)
    assert (note.try_band, note.try_day, note.try_chance) == ("noon", "weekend", 0.66)


def test_model_for_is_the_prior_fitted_to_the_outcomes() -> None:
    """``model_for`` builds the same model as the priors fitted by hand."""
    from planner.scenario import load_scenario

    scenario, _ = load_scenario(ROOT / "tests" / "data" / "scenarios" / "ok_small")
    built = presence.model_for(scenario)
    by_hand = presence.fit(presence.scenario_priors(
        h for h in scenario.households if h.residents), [])
    assert built == by_hand
