"""Figures people read are written the way their language writes numbers:
a decimal comma (and a dot between thousands) in Vietnamese, Python's form in
English."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.app.progress import Progress
from planner.domain import Unserved
from planner.render.i18n import (
    LocalNumber,
    decimal_text,
    number_values,
    reason_text,
    short_date,
)


@pytest.mark.parametrize(("spec", "value", "vi", "en"), [
    (".1f", 35.64, "35,6", "35.6"),
    (".2f", 0.5, "0,50", "0.50"),
    (",", 12345, "12.345", "12,345"),
    (",.1f", 1234.56, "1.234,6", "1,234.6"),
    (".0f", 12.3, "12", "12"),
    ("5.1f", 3.21, "  3,2", "  3.2"),
    ("", 7, "7", "7"),
])
def test_local_number_formats_with_the_language_marks(spec, value, vi, en):
    """A format spec gives the same digits in both languages; only the marks differ."""
    assert format(LocalNumber(value, "vi"), spec) == vi
    assert format(LocalNumber(value, "en"), spec) == en


def test_messages_keep_their_format_specs():
    """A catalog message's ``{km:.1f}`` works on a wrapped figure unchanged."""
    text = "{km:.1f} km, {h:.1f} h".format(km=LocalNumber(35.64, "vi"), h=LocalNumber(9.25, "vi"))
    assert text == "35,6 km, 9,2 h"
    assert decimal_text(4.0, 1, "vi") == "4,0" and decimal_text(4.0, 1, "en") == "4.0"


def test_reason_figures_in_vietnamese_use_a_decimal_comma():
    """A reason's kilometres and hours read 4,6 km in Vietnamese and 4.6 km in English."""
    values = number_values((("walk_m", 4620), ("ride_s", 5400)), "vi")
    assert values["walk_km"] == "4,6" and values["ride_h"] == "1,5" and values["walk"] == "4620"
    assert number_values((("walk_m", 4620),), "en")["walk_km"] == "4.6"
    u = Unserved("H1", "the house is 4.6 km on foot from the nearest road, beyond the walking "
                       "limit of 4.0 km", "walk_limit", "home",
                 numbers=(("walk_m", 4620), ("walk_limit_m", 4000)))
    vi = reason_text(u, (), "vi")
    assert "4,6 km" in vi and "4.6" not in vi, vi


def test_progress_lines_in_vietnamese_use_a_decimal_comma():
    """The elapsed time before each progress line reads ``[  0,0 s]`` in Vietnamese."""
    lines: list[str] = []
    Progress("vi", echo=lines.append).say("Reading the scenario…")
    Progress("en", echo=lines.append).say("Reading the scenario…")
    assert lines[0].startswith("[  0,0 s] ") and lines[1].startswith("[  0.0 s] "), lines


def test_dates_are_written_as_the_language_writes_them():
    """A date in a line of text reads dd/mm/yyyy in Vietnamese and ISO in
    English, in the progress lines too (a date value given to ``say``)."""
    day = dt.date(2026, 3, 5)
    assert short_date(day, "vi") == "05/03/2026" and short_date(day, "en") == "2026-03-05"
    lines: list[str] = []
    for lang in ("vi", "en"):
        Progress(lang, echo=lines.append).say("Drawing the outputs of {date}…", date=day)
    assert lines[0].endswith("Đang vẽ tài liệu của ngày 05/03/2026…"), lines
    assert lines[1].endswith("Drawing the outputs of 2026-03-05…"), lines
