"""Who has not reported: only days a team worked and that are past. A day
after the deadline is the forecast of a late campaign and is not listed
until someone reports on or after it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from planner.app.workspace import _not_reported

D = dt.date.fromisoformat


def test_days_after_the_deadline_wait_for_a_report() -> None:
    """With the deadline 25/11 and T1 reported on 24/11: T2's 24/11 and both
    teams' 25/11 are listed; 26/11 and 27/11 (after the deadline, nobody
    reported there) are not; once T1 reports on 26/11, T2's 26/11 is listed.
    With no deadline every past planned day counts."""
    planned = [(D(day), "H1", team) for day in ("2026-11-24", "2026-11-25", "2026-11-26",
                                                 "2026-11-27") for team in ("T1", "T2")]
    outcomes = [SimpleNamespace(date=D("2026-11-24"), team_id="T1")]
    assert _not_reported(planned, outcomes, "2026-11-25", D("2026-11-24")) == [
        ("2026-11-24", "T2"), ("2026-11-25", "T1"), ("2026-11-25", "T2")]
    later = outcomes + [SimpleNamespace(date=D("2026-11-26"), team_id="T1")]
    assert ("2026-11-26", "T2") in _not_reported(planned, later, "2026-11-25", D("2026-11-26"))
    assert ("2026-11-27", "T2") not in _not_reported(planned, later, "2026-11-25",
                                                     D("2026-11-26"))
    assert len(_not_reported(planned, [], None, None)) == 8
