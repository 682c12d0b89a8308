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
from dataclasses import asdict, dataclass, replace

from planner.campaign.needs import PendingVisit
from planner.domain import CampaignSettings, Scenario
from planner.errors import msg
from planner.presence import PresenceModel, PresenceParams, model_for

RETRY = ("not_home", "retry_needed")
CLOSED = ("moved", "deceased")
OUTCOME_CODES = {
    "not_home": msg("not_home"), "retry_needed": msg("retry_needed"), "moved": msg("moved"),
    "deceased": msg("deceased")}
"""The outcome codes of the follow-up lists, as messages: the code in English
(as ``plan.py record`` writes it), its words in another language."""


@dataclass(frozen=True)
class Outcome:
    """One recorded outcome of a visit to a resident (as ``planner.state.db``
    reads it from the campaign's state)."""

    resident_id: str
    date: dt.date
    household_id: str
    team_id: str
    outcome: str
    note: str = ""


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
                last = closed[-1]
                follow.append(FollowUp(r.id, h.id, "closed",
                                       msg("{outcome} ({date}): {note}",
                                           outcome=OUTCOME_CODES[last.outcome],
                                           date=last.date, note=last.note) if last.note else
                                       msg("{outcome} ({date})",
                                           outcome=OUTCOME_CODES[last.outcome],
                                           date=last.date)))
                continue
            refused = [o for o in seen if o.outcome == "refused"]
            if refused:
                last = refused[-1]
                follow.append(FollowUp(r.id, h.id, "different_approach",
                                       msg("refused on {date}: {note}", date=last.date,
                                           note=last.note) if last.note else
                                       msg("refused on {date}", date=last.date)))
                continue
            tries = [o for o in seen if o.outcome in RETRY]
            if len(tries) >= settings.max_attempts:
                what = [msg("{outcome} {date}", outcome=OUTCOME_CODES[o.outcome], date=o.date)
                        for o in tries]
                follow.append(FollowUp(r.id, h.id, "different_approach",
                                       msg("{n} visits without enrolment ({what})",
                                           n=len(tries), what=what)))
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


def presence_model(scenario: Scenario, rows: list) -> PresenceModel:
    """The presence model of ``scenario``'s households fitted to the outcome
    rows (``state.presence_rows``; none before the first day: the prior); it
    proposes another approach after ``campaign.max_attempts`` failed visits."""
    # another approach after as many failed visits as the campaign allows
    settings = scenario.campaign or CampaignSettings()
    params = PresenceParams(max_failed_visits=settings.max_attempts)
    return model_for(scenario, rows, params)


def other_approaches(model: PresenceModel, scenario: Scenario, follow_up,
                     ) -> dict[str, list[dict]]:
    """For each household listed for a different approach, what the presence
    model proposes (a visit in its best untried band, a call ahead when a
    number is known, a collection point), best first; nothing for a household
    the model has fewer failed visits for (e.g. refused). Codes and numbers:
    ``kind``, and for ``visit_band`` its ``band``, ``day`` and ``chance``."""
    contact = {h.id: bool(h.contact.strip()) for h in scenario.households}
    out: dict[str, list[dict]] = {}
    for f in follow_up:
        if f.kind != "different_approach" or f.household_id in out \
                or f.household_id not in model.priors:
            continue
        found = model.other_approaches(f.household_id, contact.get(f.household_id, False))
        if found:
            out[f.household_id] = [{k: v for k, v in asdict(a).items() if v is not None}
                                   for a in found]
    return out
