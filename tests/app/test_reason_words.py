"""A broken rule shown by the Edit page's preview names no code: a stop's
kind, a mode or a duty is said in words (``app.handedit.reason_text``)."""

from __future__ import annotations

from planner.app.handedit import reason_text
from planner.day.edit import Reason
from planner.errors import msg
from planner.render.i18n import gettext_for

DUTY = ("{route}: stop {k} ({kind}) is work of the '{duty}' duty, which this unit does "
        "not have today")


def test_codes_inside_the_days_check_are_said_in_words() -> None:
    """The day's check wrapping a duty problem of a home visit: in
    Vietnamese it says "đến tận nhà" and "tại nhà", not ``visit`` or
    ``home``; in English "home visit"; the route and stop number stay."""
    reason = Reason("rule", "the day's check: {detail}",
                    (("detail", msg(DUTY, route="T1", k=3, kind="visit", duty="home")),))
    vi = reason_text(reason, gettext_for("vi"))
    assert "đến tận nhà" in vi and "'tại nhà'" in vi and "T1" in vi and "3" in vi
    assert "(visit)" not in vi and "'home'" not in vi
    assert "(home visit)" in reason_text(reason, gettext_for("en"))
