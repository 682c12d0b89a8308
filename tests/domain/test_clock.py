"""One clock module: ``"HH:MM"`` text ↔ integer seconds, round trips and the
behaviour each caller relies on (rounding to the minute, 24:00, 5-minute
notices)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.clock import format_clock, parse_clock, parse_hhmm, round_clock

MINUTES = st.integers(min_value=0, max_value=48 * 60)


@given(MINUTES)
def test_whole_minutes_round_trip(minutes: int) -> None:
    """A whole minute written and read back is the same number of seconds
    (past midnight too: the hours keep counting)."""
    text = format_clock(minutes * 60)
    assert len(text) >= 5 and text[-3] == ":"
    assert parse_hhmm(text) == minutes * 60


@given(st.integers(min_value=0, max_value=24 * 60))
def test_a_written_time_of_the_day_reads_as_a_scenario_clock(minutes: int) -> None:
    """What ``format_clock`` writes within the day, ``parse_clock`` reads."""
    assert parse_clock(format_clock(minutes * 60)) == minutes * 60


@given(st.floats(min_value=0, max_value=48 * 3600, allow_nan=False))
def test_seconds_are_rounded_to_the_nearest_minute(seconds: float) -> None:
    """``format_clock`` shows the nearest minute."""
    shown = parse_hhmm(format_clock(seconds))
    assert abs(shown - seconds) <= 30 and shown % 60 == 0


@given(MINUTES, st.sampled_from([1, 5, 15]))
def test_rounding_to_a_step_brackets_the_time(minutes: int, step: int) -> None:
    """Rounded down and up to ``step`` minutes: multiples of the step, at most
    one step apart, on either side of the time."""
    text = format_clock(minutes * 60)
    down = parse_hhmm(round_clock(text, step, up=False)) // 60
    up = parse_hhmm(round_clock(text, step, up=True)) // 60
    assert down % step == 0 and up % step == 0
    assert down <= minutes <= up and up - down == (step if minutes % step else 0)


def test_each_callers_behaviour() -> None:
    """Scenario input is lenient and stops at 24:00; files may carry seconds;
    notices keep '' as it is; midnight of the next day is 24:00."""
    assert parse_clock("7h30") == parse_clock(" 07:30 ") == 7 * 3600 + 1800
    assert parse_clock("7h") == 7 * 3600
    assert parse_clock(dt.time(6, 45)) == 6 * 3600 + 45 * 60
    assert parse_clock("24:00") == 24 * 3600
    for bad in ("24:30", "7:60", "seven", "25"):
        with pytest.raises(ValueError):
            parse_clock(bad)
    assert parse_hhmm("10:05:59") == 10 * 3600 + 300
    with pytest.raises(ValueError):
        parse_hhmm("1005")
    assert format_clock(24 * 3600) == "24:00" and format_clock(89.9) == "00:01"
    assert round_clock("", 5, up=True) == "" and round_clock("07:02", 5, up=True) == "07:05"
