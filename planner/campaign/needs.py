"""What a household still needs: its pending residents, split by the way
they are reached, and the work estimates the day assignment and the lower
bound read.

How a household's pending residents are split (``parts``): the residents a home
visit enrols (``planner.rules.home_residents``: who is in while it lasts, of
home, bedridden auto, and the shuttle and point residents in with them); its
other shuttle residents; its other collection-point residents (mode point,
and the other auto residents). Pending is per resident: those a visit leaves
for another visit stay pending, the household's others are not held back.
Units: seconds, dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.campaign.workspace import Workspace
from planner.domain import Household, Parameters, Resident, Scenario, Team
from planner.matrix import UNREACHABLE
from planner.rules import common_windows, day_limits, has_own_visit, home_residents

#: Narrow bands: at home only before ``EARLY_END_S``, only after
#: ``EVENING_START_S``, only at those two ends of the day, or for at most
#: ``SHORT_WINDOW_S`` in all.
EARLY_END_S = 10 * 3600
EVENING_START_S = 15 * 3600
SHORT_WINDOW_S = 3 * 3600
CONDITION_RANK = ("bedridden", "disabled", "postpartum", "elderly", "able")


@dataclass(frozen=True)
class PendingVisit:
    """A household still to serve: ``household.residents`` holds only the
    residents still pending (any mode); not before ``earliest``; ``attempts``
    visits made already without finishing; ``carried`` when it was planned
    and no outcome was recorded."""

    household: Household
    earliest: dt.date | None = None
    attempts: int = 0
    carried: bool = False



@dataclass(frozen=True)
class Parts:
    """A household's pending residents by the way they are reached."""

    home: tuple[Resident, ...]
    shuttle: tuple[Resident, ...]
    point: tuple[Resident, ...]


def parts(h: Household, params: Parameters | None = None) -> Parts:
    """Split ``h``'s residents as the day planner will reach them (module
    docstring), with ``params``' service times (default ``Parameters()``)."""
    visit = has_own_visit(h)
    home = home_residents(h, params) if visit else ()
    ids = {r.id for r in home}
    shuttle = tuple(r for r in h.residents if r.mode == "shuttle" and r.id not in ids)
    point = tuple(r for r in h.residents if r.mode in ("point", "auto") and r.id not in ids)
    return Parts(home, shuttle, point)


def band_of(residents: tuple[Resident, ...]) -> str:
    """``early``, ``evening``, ``edges``, ``short`` or ``open``: when these
    residents are at home together (``edges``: early and in the evening, never
    in the working day between; ``open``: any time, or long windows)."""
    windows = common_windows(residents)
    if not windows:
        return "open"
    if all(w.end_s <= EARLY_END_S for w in windows):
        return "early"
    if all(w.start_s >= EVENING_START_S for w in windows):
        return "evening"
    if all(w.end_s <= EARLY_END_S or w.start_s >= EVENING_START_S for w in windows):
        return "edges"
    if sum(w.length_s for w in windows) <= SHORT_WINDOW_S:
        return "short"
    return "open"


def urgency(residents: tuple[Resident, ...]) -> tuple[int, int]:
    """Sort key: most urgent condition first, then the longest waiting."""
    worst = min((CONDITION_RANK.index(r.condition) for r in residents), default=4)
    return worst, -max((r.waiting_days for r in residents), default=0)


def point_room(scenario: Scenario) -> int:
    """How many residents one collection-point slot takes (as the day planner)."""
    p = scenario.parameters
    return max(1, int((p.point_max_slot_s - p.point_setup_s)
                      // max(1.0, p.point_per_person_s * p.point_attendance)))


def home_service_s(scenario: Scenario, residents: tuple[Resident, ...]) -> int:
    p = scenario.parameters
    return p.household_setup_s + sum(p.service_for(r.condition) for r in residents)


def shuttle_work_s(ws: Workspace, h: Household) -> int:
    """A shuttle's unit time: there and back twice, four boardings."""
    m = ws.base.travel_s
    row = ws.row(h.lon, h.lat)
    trip = int(min(UNREACHABLE, m[0, row])) + int(min(UNREACHABLE, m[row, 0]))
    return 2 * trip + 4 * ws.scenario.parameters.board_s


def session_s(scenario: Scenario, people: int) -> int:
    """A collection point's slot for ``people`` invited (set-up included)."""
    p = scenario.parameters
    return p.point_setup_s + int(round(p.point_per_person_s * p.point_attendance * people))


def copy_with(obj, **changes):
    """``dataclasses.replace(obj, **changes)`` without calling ``__init__``: for
    the frozen dataclasses without ``__post_init__`` copied day after day
    (``Household``, ``Resident``, ``PendingVisit``), equal to what ``replace``
    returns, at a fraction of its cost."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    new.__dict__.update(changes)
    return new



def team_capacity_s(scenario: Scenario, team: Team, day: dt.date) -> int:
    """Seconds a team can work on ``day``: its shift (capped by sunset and the
    maximum working time) less lunch."""
    start, end = day_limits(scenario, team, day)
    return max(0, min(end - start, team.max_work_s) - (team.lunch_s if team.lunch else 0))



def residents_by_mode(households) -> dict[str, int]:
    """Residents per mode (home, shuttle, point, auto) of ``households``."""
    out = {"home": 0, "shuttle": 0, "point": 0, "auto": 0}
    for h in households:
        for r in h.residents:
            out[r.mode] += 1
    return out



def initial_pending(scenario: Scenario) -> list[PendingVisit]:
    """Every household of a scenario with all its residents, every mode."""
    return [PendingVisit(h) for h in scenario.households if h.residents]
