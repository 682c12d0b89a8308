"""Rules shared by the day planner, the campaign and the documents: when
residents are at home together, whom a home visit enrols, and a team's working
day. Imports only the domain model (no solver, no graph)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from planner.clock import format_clock
from planner.domain import Household, Parameters, Resident, Scenario, Team, Window
from planner.priorities import priority_key
from planner.sun import sun_times_s


def intersect_windows(a: tuple[Window, ...], b: tuple[Window, ...]) -> tuple[Window, ...]:
    """Intersection of two sets of windows; ``()`` means 'any time'."""
    if not a:
        return b
    if not b:
        return a
    out = []
    for wa in a:
        for wb in b:
            lo, hi = max(wa.start_s, wb.start_s), min(wa.end_s, wb.end_s)
            if lo < hi:
                out.append(Window(lo, hi))
    return tuple(sorted(out, key=lambda w: w.start_s))


def windows_text(windows: tuple[Window, ...]) -> str:
    return ", ".join(f"{format_clock(w.start_s)}–{format_clock(w.end_s)}" for w in windows)


def common_windows(residents) -> tuple[Window, ...] | None:
    """When all ``residents`` are at home: ``()`` any time, None never."""
    windows: tuple[Window, ...] = ()
    for r in residents:
        if r.windows:
            windows = intersect_windows(windows, r.windows) if windows else r.windows
            if not windows:
                return None
    return windows


def visited_first(residents) -> tuple[tuple[Resident, ...], tuple[Resident, ...]]:
    """``(together, later)``: when ``residents`` are not all at home at the same
    time, one visit enrols the most urgent of them (bedridden, disabled,
    postpartum, elderly, able; then the longest waiting; then table order) and
    every other, in that order, at home at the same time as those chosen; the
    others are for another visit. Both in table order; ``later`` is empty when
    they are all at home together."""
    residents = tuple(residents)
    if common_windows(residents) is not None:
        return residents, ()
    chosen: list[Resident] = []
    for r in sorted(residents, key=lambda r: priority_key((r,))):
        if common_windows((*chosen, r)) is not None:
            chosen.append(r)
    ids = {r.id for r in chosen}
    return (tuple(r for r in residents if r.id in ids),
            tuple(r for r in residents if r.id not in ids))


def visit_service_s(residents, params: Parameters) -> int:
    """Seconds at the house for a visit enrolling ``residents``: the set-up,
    then each resident's service time by condition."""
    return params.household_setup_s + sum(params.service_for(r.condition) for r in residents)


def together_s(residents, hours: Window | None = None) -> int | None:
    """The longest stretch (s) all ``residents`` are at home together, within
    ``hours`` when given (the day's working hours, ``visit_hours``): None for
    any time (no hours given anywhere), 0 when never together."""
    windows = common_windows(residents)
    if windows is None:
        return 0
    if hours is None:
        return max(w.length_s for w in windows) if windows else None
    if not windows:
        return hours.length_s
    return max((min(w.end_s, hours.end_s) - max(w.start_s, hours.start_s) for w in windows
                if w.start_s < hours.end_s and hours.start_s < w.end_s), default=0)


def visit_fits(residents, params: Parameters, hours: Window | None = None) -> bool:
    """True when ``residents`` are at home together (within ``hours``, when
    given) long enough for one visit enrolling all of them
    (``visit_service_s``): a visit enrols only who is in."""
    longest = together_s(residents, hours)
    return longest is None or longest >= visit_service_s(residents, params)


def visit_hours(scenario: Scenario) -> Window | None:
    """The hours any home visit of the day can fall in: from the earliest
    shift start to the latest return (``day_limits``: shift, sunset) of the
    teams with a kit and the ``home`` duty (None: no such team)."""
    limits = [day_limits(scenario, t) for t in scenario.teams
              if t.kits > 0 and "home" in t.duties]
    if not limits:
        return None
    return Window(min(lo for lo, _ in limits), max(hi for _, hi in limits))


def _join(chosen: list[Resident], candidates, params: Parameters,
          hours: Window | None) -> list[Resident]:
    """``chosen`` and, most urgent first (``params.priorities``, then the
    longest waiting, then table order), each candidate still fitting one
    visit with those chosen (``visit_fits``)."""
    for r in sorted(candidates, key=lambda r: priority_key((r,), params.priorities)):
        if visit_fits((*chosen, r), params, hours):
            chosen.append(r)
    return chosen


def has_own_visit(h: Household) -> bool:
    """``h`` needs a home visit of its own: a ``home`` resident, or a
    bedridden ``auto`` one (always enrolled at home)."""
    return any(r.mode == "home" or (r.mode == "auto" and r.condition == "bedridden")
               for r in h.residents)


def home_split(h: Household, params: Parameters | None = None, hours: Window | None = None,
               ) -> tuple[tuple[Resident, ...], tuple[Resident, ...]]:
    """``(visit, later)``: the residents a home visit to ``h`` enrols, in table
    order, and those of its home residents it leaves for another visit.

    A visit enrols who is in while it lasts: the household's ``home``
    residents and its ``auto`` ones (unless the household has ``point``
    residents, whom they join, and they are not bedridden), most urgent first
    (``params.priorities``, then the longest waiting), each one only if all
    those chosen are at home together long enough for the visit enrolling
    them (``visit_fits``, with ``params``' service times, default
    ``Parameters()``, within ``hours``, the day's ``visit_hours``, when
    given); the others are ``later``, left for another visit, and hold
    nobody back. When the team comes with the kit anyway, the
    household's other residents (``shuttle``, ``point``, the ``auto`` ones
    joining a point) are enrolled at that visit too, most urgent first, when
    they fit in the same way (else they keep their own way). When no home
    resident fits even alone, the old rule stands (``visited_first``) and the
    day planner says why that visit cannot be made."""
    params = params or Parameters()
    to_point = any(r.mode == "point" for r in h.residents)
    base = [r for r in h.residents if r.mode == "home" or (
        r.mode == "auto" and (not to_point or r.condition == "bedridden"))]
    chosen = _join([], base, params, hours)
    if not chosen:
        together, later = visited_first(base)
        chosen = list(together)
    ids = {r.id for r in chosen}
    later = tuple(r for r in base if r.id not in ids)
    visit = has_own_visit(h)
    if visit and visit_fits(chosen, params, hours):
        others = [r for r in h.residents if r.id not in ids and r not in base]
        ids |= {r.id for r in _join(list(chosen), others, params, hours)}
    return tuple(r for r in h.residents if r.id in ids), later


def entry_windows(u, h: Household | None) -> tuple[Window, ...]:
    """The hours at home an unserved entry ``u`` of household ``h`` speaks of:
    those of the residents it names (a resident left out of a visit has their
    own), else of every home-visit resident of ``h``; empty: any time."""
    if h is None:
        return ()
    named = [r for r in h.residents if r.id in set(u.residents)] if u.residents else []
    return common_windows(named or home_residents(h)) or ()


def home_residents(h: Household, params: Parameters | None = None,
                   hours: Window | None = None) -> tuple[Resident, ...]:
    """The residents a home visit to ``h`` enrols (``home_split``)."""
    return home_split(h, params, hours)[0]


def invited_to_point(h: Household, params: Parameters | None = None,
                     hours: Window | None = None) -> tuple[Resident, ...]:
    """The ``point`` residents of ``h`` invited to their village's point: all
    of them, but those a home visit to ``h`` enrols instead (``home_split``:
    they are in while the team is at the door)."""
    visit = has_own_visit(h)
    ids = {r.id for r in home_residents(h, params, hours)} if visit else set()
    return tuple(r for r in h.residents if r.mode == "point" and r.id not in ids)


def left_for_another_day(h: Household, mode: str, params: Parameters | None = None,
                         hours: Window | None = None) -> tuple[Resident, ...]:
    """The residents of ``h`` whom the day's one visit (``mode`` "home") or
    one pickup ("shuttle") cannot take, not being at home long enough with
    those it serves (the ``windows_disjoint`` entry of a plan)."""
    visit, later = home_split(h, params, hours)
    if mode == "home":
        return later
    ids = {r.id for r in visit}
    return visited_first(r for r in h.residents if r.mode == "shuttle" and r.id not in ids)[1]


def unserved_residents(h: Household, mode: str, code: str, params: Parameters | None = None,
                       hours: Window | None = None) -> tuple[Resident, ...]:
    """The residents of ``h`` that a day plan's unserved entry (``mode``,
    ``code``) stands for, in table order: those left for another day for
    ``windows_disjoint``; else those the day planner reaches that way (a home
    visit's residents, or, with no home visit, those invited to the point)."""
    if code == "windows_disjoint":  # those left for another day, not those served first
        return left_for_another_day(h, mode, params, hours)
    visit = has_own_visit(h)
    home = home_residents(h, params, hours) if visit else ()
    ids = {r.id for r in home}
    if mode == "shuttle":
        return tuple(r for r in h.residents if r.mode == "shuttle" and r.id not in ids)
    point = tuple(r for r in h.residents if r.mode in ("point", "auto") and r.id not in ids)
    return point if mode == "point" else (home or point)


def day_limits(scenario: Scenario, team: Team,
               date: dt.date | None = None) -> tuple[int, int]:
    """(earliest departure, latest return) for a team, in clock seconds, on
    ``date`` (default the scenario's).

    With ``return_before_sunset`` the team must be back by sunset at the station.
    """
    start, end = team.shift.start_s, team.shift.end_s
    if scenario.parameters.return_before_sunset:
        _, sunset = sun_times_s(date or scenario.date, scenario.station.lon,
                                scenario.station.lat, scenario.parameters.utc_offset_h)
        end = min(end, sunset)
    return start, max(start, end)


#: What a route allowed to take a left-out home visit holds of the same or a
#: higher tier: (team or unit name, home visits by condition in tier order,
#: collection-point openings, shuttle stops at fixed times).
RouteHolding = tuple[str, tuple[tuple[str, int], ...], int, int]


def _same(message: str) -> str:
    return message


def capacity_reason(tier: str, holdings: list[RouteHolding],
                    _: Callable[[str], str] = _same,
                    label: Callable[[str], str] = _same) -> str:
    """Why a home visit of priority ``tier`` (a condition) is left out for
    capacity (``no_capacity``), stating only what the plan holds: for each
    route allowed to take it (``holdings``: a team on other duties is not
    named), the visits of the same or a higher priority it makes, its
    collection points and shuttle stops when it has any, and that no order of
    them with this visit fits (what the self-check proves,
    ``planner.day.verify.priority_violations``). ``_`` translates (English by
    default); ``label`` names a condition in that language."""
    days = []
    for name, visits, points, shuttle_stops in holdings:
        held = ", ".join(f"{n} {label(c)}" for c, n in visits)
        if held:
            text = _("team {team}'s day holds {visits} home visits").format(team=name,
                                                                             visits=held)
        else:
            text = _("team {team}'s day holds no home visit of this priority or a higher "
                     "one").format(team=name)
        if points:
            text += _(", {n} collection-point openings").format(n=points)
        if shuttle_stops:
            text += _(", {n} shuttle stops at fixed times").format(n=shuttle_stops)
        days.append(text)
    if len(days) == 1:
        tail = _("no order of them with this visit fits that day (hours at home, shift, "
                 "lunch, sunset)")
    else:
        tail = _("no order of them with this visit fits any of these days (hours at home, "
                 "shift, lunch, sunset)")
    return _("no capacity left for this priority ({tier}): {days}; {tail}").format(
        tier=label(tier), days="; ".join(days), tail=tail)


_CAPACITY = re.compile(r"^no capacity left for this priority \((\w+)\): (.*); no order of "
                       r"them with this visit fits (?:that day|any of these days) \(hours at "
                       r"home, shift, lunch, sunset\)(?: \[.*\])?$")
_HOLDS = re.compile(r"^team (.+?)'s day holds (?:(.+?) home visits|no home visit of this "
                    r"priority or a higher one)(?:, (\d+) collection-point openings)?"
                    r"(?:, (\d+) shuttle stops at fixed times)?$")


def parse_capacity_reason(reason: str) -> tuple[str, list[RouteHolding]] | None:
    """``(tier, holdings)`` of an English ``capacity_reason`` (None: another
    text), so that a document can say it in its own language."""
    found = _CAPACITY.match(reason)
    if found is None:
        return None
    holdings: list[RouteHolding] = []
    for part in found.group(2).split("; "):
        held = _HOLDS.match(part)
        if held is None:
            return None
        visits = tuple((c, int(n)) for n, c in (v.split(" ", 1) for v in
                                                 (held.group(2) or "").split(", ") if v))
        holdings.append((held.group(1), visits, int(held.group(3) or 0),
                         int(held.group(4) or 0)))
    return found.group(1), holdings
