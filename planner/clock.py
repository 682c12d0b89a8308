"""Clock times: ``"HH:MM"`` text ↔ integer seconds after local midnight.

One module for every clock time the planner reads or writes:

- ``parse_clock``: a clock time typed by a person in a scenario file
  (``"07:30"``, ``"7h30"``, ``"7h"`` or a ``datetime.time``), at most 24:00;
- ``parse_hhmm``: a clock time the planner wrote itself (``plan.json``, the
  campaign state): ``"HH:MM"`` (a ``":SS"`` part is ignored; hours past 24
  are kept);
- ``format_clock``: seconds → ``"HH:MM"``, rounded to the nearest minute;
  past midnight it keeps counting (``"24:00"``, ``"25:10"``);
- ``round_clock``: an ``"HH:MM"`` rounded to a step of minutes, down or up.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from planner.errors import msg

__all__ = ["format_clock", "parse_clock", "parse_hhmm", "round_clock"]

_LENIENT = re.compile(r"\s*(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?\s*")


def parse_clock(text: Any) -> int:
    """``"07:30"``, ``"7h30"``, ``"7h"`` or a ``datetime.time`` → seconds after
    midnight (``ValueError`` for anything else or past 24:00)."""
    if isinstance(text, dt.time):
        return text.hour * 3600 + text.minute * 60
    m = _LENIENT.fullmatch(str(text))
    if not m:
        raise ValueError(msg("'{text}' is not a clock time", text=text))
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise ValueError(msg("'{text}' is not a clock time", text=text))
    return hour * 3600 + minute * 60


def parse_hhmm(text: str) -> int:
    """``"HH:MM"`` (or ``"HH:MM:SS"``, the seconds ignored) → seconds after
    midnight; ``ValueError`` when it is not one."""
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise ValueError(msg("'{text}' is not a clock time HH:MM", text=text))
    return int(parts[0]) * 3600 + int(parts[1]) * 60


def format_clock(seconds: float) -> str:
    """Seconds after midnight → ``"HH:MM"``, rounded to the nearest minute
    (past midnight the hours keep counting: 86,400 s → ``"24:00"``)."""
    minutes = int(round(seconds / 60.0))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def round_clock(text: str, step_min: int, up: bool) -> str:
    """``"HH:MM"`` rounded to ``step_min`` minutes, down or ``up`` (text that
    is not a clock time, e.g. '', is returned as it is)."""
    if not text or ":" not in text:
        return text
    minutes = parse_hhmm(text) // 60
    minutes = -(-minutes // step_min) * step_min if up else minutes // step_min * step_min
    return format_clock(minutes * 60)
