"""Reading dates typed by people, with reasons a person understands.

``parse_day`` reads ``YYYY-MM-DD`` (and, where asked, ``DD/MM/YYYY``); when
the text has the shape of a date but names a day that does not exist
(``2026-02-30``, month 13), the ``ValueError`` says so — "February 2026 has
28 days" — instead of "not a date" or "does not match the format".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from planner.errors import msg

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")


def missing_day_reason(year: int, month: int, day: int) -> str | None:
    """Why year-month-day is not a real day (None when it is one)."""
    if not 1 <= month <= 12:
        return msg("month {month} does not exist (months are 1 to 12)", month=month)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return msg("{year:04d}-{month:02d}-{day:02d} does not exist: {month_name} {year} has "
                   "{last} days", year=year, month=month, day=day, month_name=MONTHS_EN[month - 1],
                   last=last)
    return None


def parse_day(value: Any, day_first: bool = False) -> dt.date:
    """A date from ``YYYY-MM-DD`` text, a ``date`` or a ``datetime``.

    With ``day_first``, ``DD/MM/YYYY`` (also with ``-`` or ``.``) is read too.
    Raises ``ValueError`` whose text says what is wrong: a day that does not
    exist is named as such.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = "" if value is None else str(value).strip()
    m = _ISO.fullmatch(text)
    if m:
        year, month, day = (int(g) for g in m.groups())
    else:
        m = _DMY.fullmatch(text) if day_first else None
        if not m:
            forms = msg("YYYY-MM-DD or DD/MM/YYYY") if day_first else "YYYY-MM-DD"
            raise ValueError(msg("'{text}' is not a date (write it as {forms})", text=text,
                                 forms=forms))
        day, month, year = (int(g) for g in m.groups())
    reason = missing_day_reason(year, month, day)
    if reason:
        raise ValueError(reason)
    return dt.date(year, month, day)
