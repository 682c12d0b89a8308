"""Sunset times for the return-before-dark rule."""

from __future__ import annotations

import datetime as dt

from planner.sun import sun_times_s


def test_hanoi_midsummer_and_midwinter() -> None:
    """Hà Nội: sunset about 18:41 on 21 June and about 17:18 on 1 December (±5 min)."""
    _, summer = sun_times_s(dt.date(2026, 6, 21), 105.85, 21.03, 7)
    _, winter = sun_times_s(dt.date(2026, 12, 1), 105.85, 21.03, 7)
    assert abs(summer - (18 * 3600 + 41 * 60)) < 300
    assert abs(winter - (17 * 3600 + 18 * 60)) < 300
