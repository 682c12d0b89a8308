"""Read the presence model's input from the campaign state.

One read-only query, meant to be called by ``planner/campaign/state.py`` (the
only module that opens the campaign database): it takes the caller's
``sqlite3`` connection, opens none, writes nothing and starts no transaction.

The model needs, per recorded outcome, when the team was at the house. The
state stores outcomes per resident and date (``outcomes``) and the planned
arrival per household and date (``planned_visits.arrive``, ``HH:MM``), so the
clock time of a visit is its planned arrival; an outcome with no planned visit
that day (recorded for an unplanned visit) has no clock time and counts only
as a failed visit, not in a band (see ``planner.presence.fit``).
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from planner.clock import parse_hhmm
from planner.presence import OutcomeRow

_SQL = """
SELECT o.household_id, h.village_id, o.date, p.arrive, o.outcome
FROM outcomes AS o
JOIN households AS h ON h.id = o.household_id
LEFT JOIN planned_visits AS p ON p.date = o.date AND p.household_id = o.household_id
ORDER BY o.date, o.household_id, o.resident_id
"""


def _clock_s(arrive: str | None) -> int | None:
    """``"HH:MM"`` → seconds after midnight; None stays None."""
    return parse_hhmm(arrive) if arrive else None


def presence_rows(conn: sqlite3.Connection) -> list[OutcomeRow]:
    """Every recorded outcome as ``OutcomeRow(household_id, village_id, date,
    clock_s, outcome)`` by date, household, resident; ``clock_s`` is the
    planned arrival that day in seconds after midnight, None without one."""
    return [OutcomeRow(hid, vid, dt.date.fromisoformat(date), _clock_s(arrive), outcome)
            for hid, vid, date, arrive, outcome in conn.execute(_SQL)]
