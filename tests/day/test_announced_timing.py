"""An announced collection point is timed as announced, to the second
(``planner.day.needs.announced_timing``): for any announced opening and
close (whole minutes, as ``campaign.json`` keeps them) and any work the
invited need, every start it allows reads as the announced opening, the
close it gives reads as the announced close or later, the opening is never
shorter than the work, and a plan that closed when its work was done (the
one that announced it) can be timed again exactly.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.clock import format_clock
from planner.day.needs import announced_timing


@settings(max_examples=100, deadline=None, derandomize=True)
@given(opens_min=st.integers(6 * 60, 16 * 60), length_min=st.integers(30, 180),
       original_s=st.integers(-29, 29), extra_s=st.integers(-600, 600))
def test_every_allowed_start_reads_as_announced(opens_min: int, length_min: int,
                                                original_s: int, extra_s: int) -> None:
    """Both ends of the window read as announced, and when the plan that
    announced the point opened at ``opens + original_s`` and worked ``length
    + extra_s``, closing within 29 s of the announced close (else that is the
    need of a re-plan), the window holds that opening with that work."""
    opens_s, closes_s = opens_min * 60, (opens_min + length_min) * 60
    need_s = length_min * 60 + extra_s
    service_s, ((first, last),) = announced_timing(("place", opens_s, closes_s), need_s)
    assert service_s >= need_s and first <= last
    for start in (first, last):
        assert format_clock(start) == format_clock(opens_s)
        assert format_clock(start + service_s) >= format_clock(closes_s)
    start = opens_s + original_s
    if abs(start + need_s - closes_s) <= 29:  # as the plan announced it (its close read so)
        assert service_s == need_s and first <= start <= last
