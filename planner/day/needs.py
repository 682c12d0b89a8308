"""What the day asks for: home visits, shuttles, collection points and
choices, each with its service time, windows and prize.
Three ways to reach a resident: at home, by shuttle, at a collection point.

A resident's ``mode`` says how (``docs/scenario-format.md``):

- ``home``: the team brings the kit to the house (``planner.day.plan``);
- ``shuttle``: a motorbike fetches the resident to the commune office, the
  office enrols them, and a motorbike brings them home the same day. Each trip
  is a paired pickup and delivery (house → office, office → house) on one
  motorbike unit, with seats and a maximum ride time; the two trips may be made
  by different units; the return leaves the office only after the enrolment;
- ``point``: the resident comes to the village's collection point when a team
  opens it: the team stays for a slot of set-up plus time per person ×
  expected attendance;
- ``auto``: the planner chooses between a home visit and the village's point.

How a household's residents are grouped (``planner.rules.home_split``): a
home visit enrols who is in while it lasts. Its ``home`` residents (and the
``auto`` ones, unless they join the household's ``point`` residents; a
bedridden resident is always enrolled at home) are taken most urgent first,
each only when all those chosen are at home together long enough for the
visit with them; a resident left out gets their own ``windows_disjoint``
entry naming them and is left for another visit, and holds nobody back. A
household that gets a home visit anyway has its ``shuttle`` and ``point``
residents enrolled at that visit too when they fit in the same way (and is
then neither shuttled nor invited to the point). A household whose passengers
outnumber the seats of every motorbike unit that shuttles today
(``shuttle_seats``) gets a home visit for them instead, when a team makes
home visits and the house has no visit of its own (else ``no_seat`` says
why). One collection-point place is used per village and
day: of the village's candidate places (``points:`` in the scenario, else the
village centre), the one nearest on average to the households invited.

The routing model (``RoutingProblem``, solved by OR-Tools alone): home
visits as before; a shuttle is four nodes (pickup at home, drop at the office,
pickup at the office, drop at home) in two pickup-and-delivery pairs, with
seats as capacity, ride-time limits as gaps and the office enrolment as a
minimum gap (a trip whose other half the solver left out is removed after the
search: both trips or neither); a collection point is a cluster of nodes at one
place (the invited ``point`` residents as one node, each ``auto`` household as
one more), entering the cluster costs the set-up time; an ``auto`` household's
home visit and its point node are alternatives of one disjunction, so the
solver picks the cheaper way or neither.

Team units: a team carries its kit on one motorbike, which then takes no
passenger; its other motorbikes take ``seats_per_motorbike`` passengers each
(as many motorbikes as officers can ride). A team with ``can_split`` becomes
two units for the day: the team with the kit, and one officer on one
motorbike who only shuttles. A team's ``duties`` (``home``, ``shuttle``,
``point``) say which of these it does today (``Unit.does``): a team whose
duty is the point takes neither home visits nor passengers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from planner.clock import format_clock
from planner.domain import (
    DECISION_CAUSES,
    FRAIL_CONDITIONS,
    CollectionPoint,
    Household,
    Parameters,
    Plan,
    Resident,
    Route,
    Scenario,
    Team,
    Unserved,
    Village,
    Window,
)
from planner.geo import haversine_m
from planner.priorities import priority_key
from planner.rules import (
    common_windows,
    has_own_visit,
    home_split,
    together_s,
    visit_hours,
    visit_service_s,
    visited_first,
    windows_text,
)

#: The prizes below are the campaign's own weighted prizes (``VisitNeed.prize``,
#: once read by the campaign planner). The day planner does not use them: its
#: prizes are lexicographic by priority tier (``planner.day.problem.tier_prizes``).
PRIZE_BASE = 1_000_000


PRIZE_CONDITION = {"bedridden": 400_000, "disabled": 300_000, "postpartum": 250_000,
                   "elderly": 200_000, "able": 50_000}


PRIZE_PER_WAITING_DAY = 5_000




@dataclass(frozen=True)
class VisitNeed:
    """A household that needs a home visit: its service time (s), the windows
    when all its home-visit residents are in, the campaign's weighted prize,
    and the residents the visit enrols (their conditions give its tier)."""

    household: Household
    service_s: int
    windows: tuple[Window, ...]
    prize: int
    residents: tuple[Resident, ...] = ()


def another_day(h: Household, first: tuple[Resident, ...], later: tuple[Resident, ...],
                mode: str) -> Unserved:
    """Why ``later`` shuttle residents of ``h`` wait for another day: never at
    home at the same time as ``first``, whom today's one pickup of the
    household serves (``planner.rules.visited_first``)."""
    def who(residents) -> str:
        return ", ".join(f"{r.id} ({windows_text(r.windows) or 'any time'})" for r in residents)

    trip, verb = ("visit", "visit") if mode == "home" else ("pickup", "shuttle")
    return Unserved(h.id, f"one {trip} per household a day, for {who(first)} (the most "
                          f"urgent and those at home with them): {who(later)} never at home "
                          f"at the same time; {verb} them another day",
                    "windows_disjoint", mode, tuple(r.id for r in later))


def left_for_later(h: Household, visit: tuple[Resident, ...], later: tuple[Resident, ...],
                   params: Parameters, hours: Window | None = None) -> list[Unserved]:
    """One entry per resident of ``later``: why today's home visit to ``h``
    (enrolling ``visit``) does not enrol them: they are not at home together
    with ``visit`` long enough for the visit with them
    (``planner.rules.visit_fits``). Each names the resident (its ``residents``)
    and the figures (``together_s``: the longest time they are in with the
    others; ``needed_s``: the visit with them; ``alone_s``/``alone_needed_s``
    when even a visit to them alone does not fit the hours); the others are
    visited without them, and they are left for another visit. ``hours``:
    the day's working hours (``planner.rules.visit_hours``), named when even
    a visit to them alone does not fit in them."""
    out = []
    for r in later:
        together = together_s((*visit, r)) or 0
        needed = visit_service_s((*visit, r), params)
        alone = together_s((r,), hours)
        alone_needed = visit_service_s((r,), params)
        alone_fails = alone is not None and alone < alone_needed
        numbers: tuple[tuple[str, int], ...] = ()
        if together or alone_fails:  # i18n's numbered templates: both languages, same figures
            numbers = (("together_s", together), ("needed_s", needed))
            text = (f"at home together with the residents the day's visit enrols at most "
                    f"{together // 60} min, the visit with them needs {needed // 60} min")
        else:
            text = "never at home together with the residents today's visit enrols"
        if alone_fails:
            numbers += (("alone_s", alone), ("alone_needed_s", alone_needed))
            text += (f"; alone at home within the teams' hours at most {alone // 60} min, a "
                     f"visit for them alone needs {alone_needed // 60} min")
        out.append(Unserved(
            h.id, f"{text}: one visit per household a day, so left for another visit",
            "windows_disjoint", "home", (r.id,), numbers))
    return out


def away_at_visit(routes: Iterable[Route], unserved: list[Unserved],
                  households: Mapping[str, Household]) -> list[Unserved]:
    """``unserved`` with the true reason for the shuttle or point residents of
    a household the team visits at home that day but not served their own
    way, when none of them is at home at any moment of the visit: their code
    becomes ``away_at_visit``, with the visit's hours (``visit_at_s``,
    ``visit_end_at_s``) and why their own way failed (a resident in for part
    of the visit keeps the entry of their own way)."""
    visits = {s.household: s for r in routes for s in r.stops if s.kind == "visit"}
    out = []
    for u in unserved:
        stop = visits.get(u.household)
        h = households.get(u.household)
        begin = stop.depart_s - stop.service_s if stop is not None else 0
        if stop is None or h is None or u.mode not in ("shuttle", "point") \
                or u.code == "windows_disjoint" or set(u.residents) & set(stop.passengers) \
                or any(not r.windows or any(w.start_s < stop.depart_s and begin < w.end_s
                                            for w in r.windows)
                       for r in h.residents if r.id in u.residents):
            out.append(u)
            continue
        # the words of i18n's numbered template, so both languages say the same figures
        out.append(Unserved(
            u.household, f"not at home during today's visit to the house "
                         f"({format_clock(begin)}–{format_clock(stop.depart_s)}), and not "
                         f"served another way today: visit at home another day, in their "
                         f"hours", "away_at_visit", u.mode, u.residents,
            (("visit_at_s", begin), ("visit_end_at_s", stop.depart_s))))
    return out


def home_need(h: Household, home: tuple, params) -> tuple[VisitNeed | None, Unserved | None]:
    """The home visit enrolling ``home`` residents of ``h``, or why there is none."""
    windows = common_windows(home)
    if windows is None:
        return None, Unserved(
            h.id, "residents are never at home at the same time: "
                  + "; ".join(f"{r.id} {windows_text(r.windows) or 'any time'}"
                              for r in home), "windows_disjoint")
    service = visit_service_s(home, params)
    prize = PRIZE_BASE + sum(PRIZE_CONDITION[r.condition] for r in home) \
        + PRIZE_PER_WAITING_DAY * max(r.waiting_days for r in home)
    return VisitNeed(h, service, windows, prize, tuple(home)), None


@dataclass(frozen=True)
class Unit:
    """One route of the day: a whole team, or the officer it split off.

    ``capacity`` counts passenger seats (0 when the unit makes no shuttles);
    ``has_kit``: the unit carries the kit (the team has one and a ``home`` or
    ``point`` duty)."""

    team: Team
    kind: str            # "" (whole team, with the kit when it has one) or "shuttle"
    capacity: int        # passenger seats
    has_kit: bool

    @property
    def name(self) -> str:
        return f"{self.team.id}-{self.kind}" if self.kind else self.team.id

    def does(self, duty: str) -> bool:
        """True when this unit may do ``duty`` (``home``, ``shuttle`` or
        ``point``) today: the officer split off only shuttles; a whole team
        does its ``Team.duties``, enrolling (``home``, ``point``) only with
        the kit."""
        if self.kind == "shuttle":
            return duty == "shuttle"
        if duty in ("home", "point") and not self.has_kit:
            return False
        if duty == "shuttle" and self.capacity <= 0:
            return False
        return duty in self.team.duties


def team_units(scenario: Scenario) -> list[Unit]:
    """The routes of the day, team by team (a splitting team gives two).

    A team carries its kit only when it has one and a ``home`` or ``point``
    duty; it splits only when it also has the ``shuttle`` duty (the officer
    split off only shuttles); a team without the ``shuttle`` duty takes no
    passengers (capacity 0).
    """
    seats = scenario.parameters.seats_per_motorbike
    units = []
    for team in scenario.teams:
        officers, bikes = len(team.members), team.motorbikes
        kit = team.kits > 0 and bool({"home", "point"} & set(team.duties))
        shuttles = "shuttle" in team.duties
        split = team.can_split and shuttles and officers >= 2 and bikes >= 2 and kit
        if split:
            officers, bikes = officers - 1, bikes - 1
        riders = min(officers, bikes)
        capacity = max(0, riders - (1 if kit else 0)) * seats if shuttles else 0
        units.append(Unit(team, "", capacity, kit))
        if split:
            units.append(Unit(team, "shuttle", seats, False))
    return units


@dataclass(frozen=True)
class Steer:
    """What a person decided for the day (``planner.campaign.decisions``
    makes it from the decisions; empty: the solver's plan alone).

    ``must``: household id → the id of the decision that requires its visit
    today (0 from a file without ids): its parts count as the most urgent tier
    and, inside it, as waiting longest, so every stage and the priority repair
    serve them first (the plan names any left out, ``Plan.not_honoured``).
    ``teams``: household id → ``(team id, decision id)``: only that team's
    units may serve it. ``orders``: team id → ``(household ids, decision
    id)``: that team's home visits of those households in that order."""

    must: Mapping[str, int] = field(default_factory=dict)
    teams: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    orders: Mapping[str, tuple[tuple[str, ...], int]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.must or self.teams or self.orders)

    def must_residents(self, scenario: Scenario) -> frozenset[str]:
        """The ids of the residents of the ``must`` households of ``scenario``."""
        return frozenset(r.id for h in scenario.households if h.id in self.must
                         for r in h.residents)

    def allows(self, household: str | None, team: str) -> bool:
        """True when ``team`` may serve ``household`` (no lock, or its lock)."""
        lock = self.teams.get(household) if household else None
        return lock is None or lock[0] == team

    def without_orders(self, teams: set[str]) -> Steer:
        """The same decisions without the orders of ``teams``."""
        return replace(self, orders={t: o for t, o in self.orders.items() if t not in teams})


def steered(plan: Plan, steer: Steer, failed: set[str]) -> tuple[Unserved, ...]:
    """The decisions of ``steer`` this plan does not honour, as unserved-like
    entries (``Plan.not_honoured``): each ``must`` household left out (cause
    ``not_fitted``, with the plan's reason), each team order not kept
    (``order_infeasible``)."""
    out = []
    served = {s.household for r in plan.routes for s in r.stops if s.household} \
        | {h for r in plan.routes for s in r.stops for h in s.households}
    for u in plan.unserved:
        if u.household in steer.must and u.household not in served:
            did = steer.must[u.household]
            kind = next((k for k, (o, d) in steer.orders.items() if d == did and
                         u.household in o), None)
            out.append(Unserved(u.household, f"decision {did}: the visit required today is "
                                f"not made: {u.reason}", "decision_not_honoured",
                                "order" if kind else "must", u.residents,
                                (("decision", did),
                                 ("cause", DECISION_CAUSES.index("not_fitted")))))
    for team in sorted(failed):
        order, did = steer.orders[team]
        out.append(Unserved("", f"decision {did}: team {team} cannot visit "
                            f"{', '.join(order)} in that order within the hours at home, the "
                            "shift and the lunch break; the plan keeps its own order",
                            "decision_not_honoured", "order", (),
                            (("decision", did),
                             ("cause", DECISION_CAUSES.index("order_infeasible")))))
    return tuple(out)


DUTY_WORDS = {"home": "home visits", "shuttle": "shuttles to the commune office",
              "point": "collection points"}


def no_duty_reason(duty: str) -> str:
    """Why a part is not served when no unit has ``duty`` today (``no_duty``)."""
    return (f"no team is assigned to {DUTY_WORDS[duty]} tomorrow (the teams' duties in "
            f"the scenario leave out '{duty}')")


@dataclass(frozen=True)
class ShuttleNeed:
    """Residents of one household to fetch to the office and bring back."""

    household: Household
    residents: tuple[Resident, ...]
    windows: tuple[Window, ...]    # when they are at home to be picked up
    max_ride_s: int
    office_s: int                  # their enrolment at the office, all together


@dataclass(frozen=True)
class PointNeed:
    """A village's collection point and the ``point`` residents invited to it."""

    village: Village
    place: CollectionPoint
    invited: tuple[Household, ...]
    residents: tuple[Resident, ...]
    service_s: int                 # after the set-up: at least the minimum slot
    attendance: float


@dataclass(frozen=True)
class AutoNeed:
    """An ``auto`` household: a home visit (``home``, None if impossible) or
    its village's collection point."""

    household: Household
    residents: tuple[Resident, ...]
    home: VisitNeed | None
    service_s: int                 # at the point
    attendance: float


@dataclass
class DayNeeds:
    home: list[VisitNeed] = field(default_factory=list)
    auto: list[AutoNeed] = field(default_factory=list)
    shuttle: list[ShuttleNeed] = field(default_factory=list)
    points: list[PointNeed] = field(default_factory=list)
    places: dict[str, CollectionPoint] = field(default_factory=dict)
    skipped: list[Unserved] = field(default_factory=list)


#: A collection point already announced for the day: ``(place name, opens_s,
#: closes_s)``, clock times in seconds after midnight (``plan_day``'s
#: ``point_slots``, village id → slot: the point opens there at that hour).
PointSlot = tuple[str, int, int]

#: How far from a time of a ``PointSlot`` (s, before or after) the point may
#: open or close and still read as announced: ``planner.clock.format_clock``
#: rounds to the nearest minute, ``campaign.json`` keeps the hours to the
#: minute, and two points a team holds back to back were timed to the second.
ANNOUNCED_MINUTE_S = 29


def announced_timing(slot: PointSlot, need_s: int) -> tuple[int, tuple[tuple[int, int]]]:
    """An announced point's opening after its set-up (s) and its allowed
    starts (s after midnight), for a point whose invited need ``need_s``:
    it opens at a time that reads as the slot's opening and closes at one
    that reads as its close or later (each within ``ANNOUNCED_MINUTE_S``),
    for at least ``need_s``, as short as that allows (the plan that
    announced it closed when its work was done, and a re-plan can time it
    again to the second)."""
    _place, opens_s, closes_s = slot[:3]
    m = ANNOUNCED_MINUTE_S
    service_s = max(int(need_s), closes_s - opens_s - 2 * m)
    return service_s, ((max(opens_s - m, closes_s - m - service_s), opens_s + m),)


def slot_place(village: Village, slot: PointSlot | None) -> CollectionPoint | None:
    """The candidate place of ``village`` an announced ``slot`` names (None:
    no slot, or no place of that name)."""
    if slot is None:
        return None
    candidates = village.points or (CollectionPoint(village.name, village.lon, village.lat),)
    return next((c for c in candidates if c.name == slot[0]), None)


def choose_place(village: Village, households: list[Household]) -> CollectionPoint:
    """The candidate place nearest on average to ``households`` (the village
    centre when the scenario lists none)."""
    candidates = village.points or (CollectionPoint(village.name, village.lon, village.lat),)
    return min(candidates, key=lambda c: sum(haversine_m(c.lon, c.lat, h.lon, h.lat)
                                             for h in households))


def day_needs(scenario: Scenario,
              point_next_open: Mapping[str, dt.date] | None = None,
              point_slots: Mapping[str, PointSlot] | None = None) -> DayNeeds:
    """Sort every resident into a home visit, a shuttle, a point, or a choice.

    ``point_next_open`` (village id → date) names, in the reason given to the
    households a full point cannot take, the next day that village's point opens.
    ``point_slots`` (village id → announced slot): the point is held at the
    place announced.
    """

    params = scenario.parameters
    hours = visit_hours(scenario)
    seats, visiting = shuttle_seats(scenario), hours is not None
    out = DayNeeds()
    invited: dict[str, list[tuple[Household, tuple[Resident, ...]]]] = {}
    auto_by_village: dict[str, list[tuple[Household, tuple[Resident, ...]]]] = {}
    for h in scenario.households:
        as_given, h = h, seated_or_visited(h, seats, visiting)
        home = [r for r in h.residents if r.mode == "home"]
        auto = [r for r in h.residents if r.mode == "auto"]
        shuttle = [r for r in h.residents if r.mode == "shuttle"]
        point = [r for r in h.residents if r.mode == "point"]
        if point:
            point += [r for r in auto if r.condition != "bedridden"]
            auto = [r for r in auto if r.condition == "bedridden"]
        visited = bool(home or any(r.condition == "bedridden" for r in auto))
        if visited:
            at_home, later = home_split(h, params, hours)
            ids = {r.id for r in at_home}
            shuttle = [r for r in shuttle if r.id not in ids]
            point = [r for r in point if r.id not in ids]
            need, problem = home_need(h, at_home, params)
            if need is not None:
                given = {r.id: r for r in as_given.residents}  # their own modes kept
                out.home.append(replace(need, household=as_given, residents=tuple(
                    given[r.id] for r in need.residents)))
            else:
                out.skipped.append(problem)
            out.skipped.extend(left_for_later(h, at_home, later, params, hours))
        elif auto:
            auto_by_village.setdefault(h.village_id, []).append((h, tuple(auto)))
        if point:
            invited.setdefault(h.village_id, []).append((h, tuple(point)))
        if shuttle:
            shuttle, later = visited_first(shuttle)
            if later:
                out.skipped.append(another_day(h, shuttle, later, "shuttle"))
            windows = common_windows(shuttle)
            if windows is not None:
                frail = any(r.condition in FRAIL_CONDITIONS for r in shuttle)
                out.shuttle.append(ShuttleNeed(
                    h, tuple(shuttle), windows,
                    params.max_ride_frail_s if frail else params.max_ride_s,
                    params.office_service_s * len(shuttle)))
    rate = params.point_attendance
    for village in scenario.villages:
        people = invited.get(village.id, [])
        autos = auto_by_village.get(village.id, [])
        if not people and not autos:
            continue
        place = slot_place(village, (point_slots or {}).get(village.id)) \
            or choose_place(village, [h for h, _ in people + autos])
        out.places[village.id] = place
        for h, residents in autos:
            home, _ = home_need(h, residents, params)
            out.auto.append(AutoNeed(h, residents, home,
                                     int(round(params.point_per_person_s * rate
                                               * len(residents))),
                                     rate * len(residents)))
        if not people:
            continue
        # the most urgent and longest-waiting first, while the slot has room
        people.sort(key=lambda p: priority_key(p[1], params.priorities))
        room = point_room(params)
        chosen: list[tuple[Household, tuple[Resident, ...]]] = []
        count = 0
        for h, residents in people:
            if count + len(residents) <= room:
                chosen.append((h, residents))
                count += len(residents)
            else:
                out.skipped.append(Unserved(
                    h.id, point_full_reason(place, room, params,
                                            (point_next_open or {}).get(village.id)),
                    "point_full", "point"))
        if not chosen:
            continue
        residents_all = tuple(r for _, rs in chosen for r in rs)
        attendance = rate * len(residents_all)
        out.points.append(PointNeed(
            village, place, tuple(h for h, _ in chosen), residents_all,
            point_service_s(params, attendance), attendance))
    return out


def seated_or_visited(h: Household, seats: int | None, visiting: bool) -> Household:
    """``h``, or, when its shuttle passengers (those at home together,
    ``visited_first``) outnumber ``seats`` (``shuttle_seats``), a team makes
    home visits today (``visiting``) and the house has no visit of its own,
    ``h`` with those residents to be visited at home (mode ``home``): the
    visit is then grouped as every home visit is (``home_split``: its ``auto``
    residents and the others join it when they are in), so the household gets
    one visit, never a second one for its ``auto`` residents."""
    shuttle = [r for r in h.residents if r.mode == "shuttle"]
    if seats is None or not visiting or not shuttle or has_own_visit(h):
        return h
    if len(visited_first(shuttle)[0]) <= seats:
        return h
    return replace(h, residents=tuple(replace(r, mode="home") if r.mode == "shuttle" else r
                                      for r in h.residents))


def shuttle_seats(scenario: Scenario) -> int | None:
    """The most passengers one motorbike unit that makes shuttles today seats
    (``team_units``; None: no unit makes shuttles). A household whose
    passengers outnumber it gets a home visit instead, when a team makes home
    visits and does not visit the house anyway (``day_needs``); else the day
    planner says why (``no_seat``)."""
    units = [u for u in team_units(scenario) if u.kind == "shuttle" or "shuttle" in u.team.duties]
    return max((u.capacity for u in units), default=0) if units else None


def point_room(params: Parameters) -> int:
    """How many invited residents the longest slot holds (set-up, then
    ``point_per_person_s`` per expected person)."""
    per_person = max(1.0, params.point_per_person_s * params.point_attendance)
    return max(0, int((params.point_max_slot_s - params.point_setup_s) // per_person))


def point_service_s(params: Parameters, attendance: float) -> int:
    """A point's opening after its set-up (s): ``point_per_person_s`` per
    expected person, and at least the minimum slot (``point_min_slot_s``,
    set-up included; never more than the longest slot)."""
    slot_min = min(params.point_min_slot_s, params.point_max_slot_s)
    return max(int(round(params.point_per_person_s * attendance)),
               slot_min - params.point_setup_s, 0)


def point_full_reason(place: CollectionPoint, room: int, params: Parameters,
                      next_open: dt.date | None) -> str:
    """Why an invited household is not invited tomorrow: the point's slot is
    full; names the point and the next day it opens (when the campaign knows)."""
    then = (f"it opens next on {next_open.isoformat()}" if next_open is not None
            else "it is not yet planned for another day")
    return (f"the collection point at {place.name} is full tomorrow: its "
            f"{params.point_max_slot_s / 3600:.1f} h slot holds {room} people; {then}")
