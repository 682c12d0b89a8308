"""The re-planning rules: from the recorded outcomes to who is pending on a day.

For each resident, whatever their mode (home visit, shuttle, collection
point, auto), by their outcomes:

- ``enrolled``: done; drops out;
- ``moved``, ``deceased``: closed; drops out and is listed as closed;
- ``refused``: not planned again; listed for a different approach (village
  head, family, a collection point);
- ``not_home`` (for a point or shuttle resident: did not come, or was not at
  home for the pickup), ``retry_needed``: back at the next availability, i.e. from
  ``retry_after_days`` calendar days after the last visit (the solver then
  respects the resident's hours at home), until ``max_attempts`` visits have
  been made; after that, listed for a different approach.

A household is pending while any of its residents is; a day's plan serves
only those residents. A household planned on an earlier day with no
outcome recorded for any resident on that day carries over, with a priority
bonus. Households added to the scenario since join in.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace

from planner.campaign.needs import PendingVisit
from planner.campaign.state import Outcome
from planner.domain import CampaignSettings, Scenario

RETRY = ("not_home", "retry_needed")
CLOSED = ("moved", "deceased")


@dataclass(frozen=True)
class FollowUp:
    """A resident who is not planned again, and why (``kind``: ``different_approach``
    or ``closed``)."""

    resident_id: str
    household_id: str
    kind: str
    reason: str


@dataclass(frozen=True)
class StateOnDay:
    """Who is pending on a day, and who is not and why."""

    pending: tuple[PendingVisit, ...]
    enrolled: tuple[str, ...]
    follow_up: tuple[FollowUp, ...]
    carried: tuple[str, ...]


def pending_on(scenario: Scenario, history: list[Outcome],
               planned: list[tuple[dt.date, str, str]], day: dt.date,
               settings: CampaignSettings | None = None) -> StateOnDay:
    """Apply the rules above to ``history`` (all outcomes) for planning ``day``.

    ``planned`` lists ``(date, household, team)`` planned before ``day``.
    """
    settings = settings or scenario.campaign or CampaignSettings()
    by_resident: dict[str, list[Outcome]] = defaultdict(list)
    visited_on: set[tuple[str, dt.date]] = set()
    for o in history:
        if o.date < day:
            by_resident[o.resident_id].append(o)
            visited_on.add((o.household_id, o.date))
    pending: list[PendingVisit] = []
    enrolled: list[str] = []
    follow: list[FollowUp] = []
    carried: list[str] = []
    last_planned: dict[str, dt.date] = {}
    for d, hid, _team in planned:
        if d < day:
            last_planned[hid] = max(d, last_planned.get(hid, d))
    for h in scenario.households:
        residents = []
        earliest: dt.date | None = None
        attempts = 0
        for r in h.residents:
            seen = sorted(by_resident.get(r.id, []), key=lambda o: o.date)
            kinds = [o.outcome for o in seen]
            if "enrolled" in kinds:
                enrolled.append(r.id)
                continue
            closed = [o for o in seen if o.outcome in CLOSED]
            if closed:
                follow.append(FollowUp(r.id, h.id, "closed",
                                       f"{closed[-1].outcome} ({closed[-1].date})"
                                       + (f": {closed[-1].note}" if closed[-1].note else "")))
                continue
            refused = [o for o in seen if o.outcome == "refused"]
            if refused:
                follow.append(FollowUp(r.id, h.id, "different_approach",
                                       f"refused on {refused[-1].date}"
                                       + (f": {refused[-1].note}" if refused[-1].note else "")))
                continue
            tries = [o for o in seen if o.outcome in RETRY]
            if len(tries) >= settings.max_attempts:
                what = ", ".join(f"{o.outcome} {o.date}" for o in tries)
                follow.append(FollowUp(r.id, h.id, "different_approach",
                                       f"{len(tries)} visits without enrolment ({what})"))
                continue
            if tries:
                back = tries[-1].date + dt.timedelta(days=settings.retry_after_days)
                earliest = back if earliest is None else min(earliest, back)
                attempts = max(attempts, len(tries))
            residents.append(r)
        if not residents:
            continue
        last = last_planned.get(h.id)
        was_carried = last is not None and (h.id, last) not in visited_on \
            and not any((h.id, d) in visited_on for d in _days_between(last, day))
        if was_carried:
            carried.append(h.id)
        pending.append(PendingVisit(replace(h, residents=tuple(residents)),
                                    earliest=earliest, attempts=attempts, carried=was_carried))
    return StateOnDay(tuple(pending), tuple(enrolled), tuple(follow), tuple(carried))


def _days_between(first: dt.date, day: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=k) for k in range((day - first).days)]
