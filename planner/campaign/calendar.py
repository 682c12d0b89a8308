"""The campaign calendar: working days, holidays and each team's days off.

Dates are ``datetime.date``; weekdays count Monday = 0 … Sunday = 6.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from planner.domain import CampaignSettings, Scenario, Team


@dataclass(frozen=True)
class Calendar:
    """Which days are worked, and by which teams.

    ``teams`` are the scenario's teams in order; a day is a working day when
    its weekday is in ``weekdays``, it is not a holiday, and at least one team
    is not off.
    """

    teams: tuple[Team, ...]
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    holidays: frozenset[dt.date] = frozenset()
    days_off: frozenset[tuple[str, dt.date]] = frozenset()
    wet_days: frozenset[dt.date] = frozenset()

    @classmethod
    def of(cls, scenario: Scenario, teams: tuple[Team, ...] | None = None) -> Calendar:
        """The calendar of ``scenario`` (its ``campaign:`` section, or Mon–Fri)."""
        settings = scenario.campaign or CampaignSettings()
        return cls(teams=teams if teams is not None else scenario.teams,
                   weekdays=settings.weekdays, holidays=frozenset(settings.holidays),
                   days_off=frozenset(settings.days_off), wet_days=frozenset(settings.wet_days))

    def teams_on(self, day: dt.date) -> tuple[Team, ...]:
        """Teams that work on ``day`` (none on a weekend or holiday)."""
        if day.weekday() not in self.weekdays or day in self.holidays:
            return ()
        return tuple(t for t in self.teams if (t.id, day) not in self.days_off)

    def is_working(self, day: dt.date) -> bool:
        return bool(self.teams_on(day))

    def working_days(self, start: dt.date, end: dt.date | None = None,
                     limit: int | None = None) -> Iterator[dt.date]:
        """Working days from ``start`` on: up to ``end`` inclusive, and/or the
        first ``limit`` of them. Stops after ten years without a working day."""
        day, found, idle = start, 0, 0
        while (end is None or day <= end) and (limit is None or found < limit):
            if self.is_working(day):
                found, idle = found + 1, 0
                yield day
            else:
                idle += 1
                if idle > 3660:
                    return
            day += dt.timedelta(days=1)

    def count(self, start: dt.date, end: dt.date) -> int:
        """Working days in ``[start, end]``."""
        return sum(1 for _ in self.working_days(start, end))
