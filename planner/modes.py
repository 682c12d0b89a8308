"""Three ways to reach a resident: at home, by shuttle, at a collection point.

A resident's ``mode`` says how (``docs/scenario-format.md``):

- ``home``: the team brings the kit to the house (``planner.solver``);
- ``shuttle``: a motorbike fetches the resident to the commune office, the
  office enrols them, and a motorbike brings them home the same day. Each trip
  is a paired pickup and delivery (house → office, office → house) on one
  motorbike unit, with seats and a maximum ride time; the two trips may be made
  by different units; the return leaves the office only after the enrolment;
- ``point``: the resident comes to the village's collection point when a team
  opens it: the team stays for a slot of set-up plus time per person ×
  expected attendance;
- ``auto``: the planner chooses between a home visit and the village's point.

How a household's residents are grouped: home residents and ``auto``
residents of a household that gets a home visit anyway are enrolled in that
visit; ``auto`` residents of a household with ``point`` residents come to the
point with them (a bedridden resident is always enrolled at home); the others
are the planner's choice. A household that gets a home visit anyway has its
``shuttle`` residents enrolled at that visit too, when they are at home at the
same time (``home_residents``). One collection-point place is used per village and
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
motorbike who only shuttles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from planner.domain import (
    FRAIL_CONDITIONS,
    CollectionPoint,
    Household,
    Resident,
    Scenario,
    Team,
    Unserved,
    Village,
    Window,
)
from planner.matrix import UNREACHABLE, TravelMatrices
from planner.problem import BreakSpec, RoutingProblem, VehicleSpec

#: Prize of one expected attendee at a collection point (before waiting days):
#: a home visit to a vulnerable resident (``solver.PRIZE_BASE`` and more, about
#: 1.2–1.4 million) is worth about as much as twelve or thirteen people
#: expected at a point, so points do not crowd out the residents who have no
#: other way.
PRIZE_POINT_PERSON = 100_000


@dataclass(frozen=True)
class Unit:
    """One route of the day: a whole team, or the officer it split off."""

    team: Team
    kind: str            # "" (whole team, with the kit when it has one) or "shuttle"
    capacity: int        # passenger seats
    has_kit: bool

    @property
    def name(self) -> str:
        return f"{self.team.id}-{self.kind}" if self.kind else self.team.id


def team_units(scenario: Scenario) -> list[Unit]:
    """The routes of the day, team by team (a splitting team gives two)."""
    seats = scenario.parameters.seats_per_motorbike
    units = []
    for team in scenario.teams:
        officers, bikes, kit = len(team.members), team.motorbikes, team.kits > 0
        split = team.can_split and officers >= 2 and bikes >= 2 and kit
        if split:
            officers, bikes = officers - 1, bikes - 1
        riders = min(officers, bikes)
        capacity = max(0, riders - (1 if kit else 0)) * seats
        units.append(Unit(team, "", capacity, kit))
        if split:
            units.append(Unit(team, "shuttle", seats, False))
    return units


@dataclass(frozen=True)
class ShuttleNeed:
    """Residents of one household to fetch to the office and bring back."""

    household: Household
    residents: tuple[Resident, ...]
    windows: tuple[Window, ...]    # when they are at home to be picked up
    prize: int
    max_ride_s: int
    office_s: int                  # their enrolment at the office, all together


@dataclass(frozen=True)
class PointNeed:
    """A village's collection point and the ``point`` residents invited to it."""

    village: Village
    place: CollectionPoint
    invited: tuple[Household, ...]
    residents: tuple[Resident, ...]
    service_s: int                 # after the set-up
    attendance: float
    prize: int


@dataclass(frozen=True)
class AutoNeed:
    """An ``auto`` household: a home visit (``home``, None if impossible) or
    its village's collection point."""

    household: Household
    residents: tuple[Resident, ...]
    home: object                   # solver.VisitNeed | None
    service_s: int                 # at the point
    attendance: float
    prize: int


@dataclass
class DayNeeds:
    home: list = field(default_factory=list)          # solver.VisitNeed
    auto: list[AutoNeed] = field(default_factory=list)
    shuttle: list[ShuttleNeed] = field(default_factory=list)
    points: list[PointNeed] = field(default_factory=list)
    places: dict[str, CollectionPoint] = field(default_factory=dict)
    skipped: list[Unserved] = field(default_factory=list)


def _distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (m)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(min(1.0, a)))


def choose_place(village: Village, households: list[Household]) -> CollectionPoint:
    """The candidate place nearest on average to ``households`` (the village
    centre when the scenario lists none)."""
    candidates = village.points or (CollectionPoint(village.name, village.lon, village.lat),)
    return min(candidates, key=lambda c: sum(_distance_m(c.lon, c.lat, h.lon, h.lat)
                                             for h in households))


def _resident_prize(r: Resident) -> int:
    """An invited resident's prize: the waiting days weigh as much, relative to
    the base, as they do for a home visit."""
    from planner.solver import PRIZE_BASE, PRIZE_PER_WAITING_DAY

    return PRIZE_POINT_PERSON + PRIZE_PER_WAITING_DAY * r.waiting_days \
        * PRIZE_POINT_PERSON // PRIZE_BASE


def home_residents(h: Household) -> tuple[Resident, ...]:
    """The residents a home visit to ``h`` enrols, in table order: its ``home``
    residents; its ``auto`` residents (unless the household has ``point``
    residents, whom they join, and they are not bedridden); and, when the
    team comes with the kit anyway, its ``shuttle`` residents, if they are at
    home at the same time as the others (else they are still shuttled)."""
    from planner.solver import common_windows

    to_point = any(r.mode == "point" for r in h.residents)
    base = [r for r in h.residents if r.mode == "home" or (
        r.mode == "auto" and (not to_point or r.condition == "bedridden"))]
    visit = any(r.mode == "home" or (r.mode == "auto" and r.condition == "bedridden")
                for r in h.residents)
    shuttle = [r for r in h.residents if r.mode == "shuttle"]
    if visit and shuttle and common_windows(base + shuttle) is not None:
        chosen = {r.id for r in base + shuttle}
        return tuple(r for r in h.residents if r.id in chosen)
    return tuple(base)


def day_needs(scenario: Scenario) -> DayNeeds:
    """Sort every resident into a home visit, a shuttle, a point, or a choice."""
    from planner.solver import (
        PRIZE_BASE,
        PRIZE_CONDITION,
        PRIZE_PER_WAITING_DAY,
        common_windows,
        home_need,
    )

    params = scenario.parameters
    out = DayNeeds()
    invited: dict[str, list[tuple[Household, tuple[Resident, ...]]]] = {}
    auto_by_village: dict[str, list[tuple[Household, tuple[Resident, ...]]]] = {}
    for h in scenario.households:
        home = [r for r in h.residents if r.mode == "home"]
        auto = [r for r in h.residents if r.mode == "auto"]
        shuttle = [r for r in h.residents if r.mode == "shuttle"]
        point = [r for r in h.residents if r.mode == "point"]
        if point:
            point += [r for r in auto if r.condition != "bedridden"]
            auto = [r for r in auto if r.condition == "bedridden"]
        if home or any(r.condition == "bedridden" for r in auto):
            at_home = home_residents(h)
            shuttle = [r for r in shuttle if r not in at_home]
            need, problem = home_need(h, at_home, params)
            if need is not None:
                out.home.append(need)
            else:
                out.skipped.append(problem)
        elif auto:
            auto_by_village.setdefault(h.village_id, []).append((h, tuple(auto)))
        if point:
            invited.setdefault(h.village_id, []).append((h, tuple(point)))
        if shuttle:
            windows = common_windows(shuttle)
            if windows is None:
                out.skipped.append(Unserved(
                    h.id, "the residents to shuttle are never at home at the same time",
                    "windows_disjoint", "shuttle"))
            else:
                frail = any(r.condition in FRAIL_CONDITIONS for r in shuttle)
                prize = PRIZE_BASE + sum(PRIZE_CONDITION[r.condition] for r in shuttle) \
                    + PRIZE_PER_WAITING_DAY * max(r.waiting_days for r in shuttle)
                out.shuttle.append(ShuttleNeed(
                    h, tuple(shuttle), windows, prize,
                    params.max_ride_frail_s if frail else params.max_ride_s,
                    params.office_service_s * len(shuttle)))
    rate = params.point_attendance
    for village in scenario.villages:
        people = invited.get(village.id, [])
        autos = auto_by_village.get(village.id, [])
        if not people and not autos:
            continue
        place = choose_place(village, [h for h, _ in people + autos])
        out.places[village.id] = place
        for h, residents in autos:
            home, _ = home_need(h, residents, params)
            prize = PRIZE_BASE + sum(PRIZE_CONDITION[r.condition] for r in residents) \
                + PRIZE_PER_WAITING_DAY * max(r.waiting_days for r in residents)
            out.auto.append(AutoNeed(h, residents, home,
                                     int(round(params.point_per_person_s * rate
                                               * len(residents))),
                                     rate * len(residents), prize))
        if not people:
            continue
        # the longest-waiting first, while the slot has room
        people.sort(key=lambda p: -max(r.waiting_days for r in p[1]))
        room = int((params.point_max_slot_s - params.point_setup_s)
                   // max(1.0, params.point_per_person_s * rate))
        chosen: list[tuple[Household, tuple[Resident, ...]]] = []
        count = 0
        for h, residents in people:
            if count + len(residents) <= room:
                chosen.append((h, residents))
                count += len(residents)
            else:
                out.skipped.append(Unserved(
                    h.id, f"the collection point's slot is full ({room} people fit in "
                          f"{params.point_max_slot_s / 3600:.1f} h); invite them another day",
                    "point_full", "point"))
        if not chosen:
            continue
        residents_all = tuple(r for _, rs in chosen for r in rs)
        attendance = rate * len(residents_all)
        out.points.append(PointNeed(
            village, place, tuple(h for h, _ in chosen), residents_all,
            int(round(params.point_per_person_s * attendance)), attendance,
            int(round(rate * sum(_resident_prize(r) for r in residents_all)))))
    return out


@dataclass(frozen=True)
class Node:
    """What a routing node stands for; ``site`` is its row in the matrices."""

    kind: str        # depot, visit, pickup_home, dropoff_office, pickup_office,
    #                  dropoff_home, point, attend
    site: int
    need: object = None
    village: str = ""
    place: CollectionPoint | None = None


def site_check(scenario: Scenario, matrices: TravelMatrices, site: int,
               dry_reachable: set[int] | None, mode: str, household: str
               ) -> Unserved | None:
    """Why a site cannot be reached from the station at all (None: it can)."""
    access = matrices.access[site]
    if not access.reachable:
        return Unserved(household, access.reason, access.code, mode)
    if matrices.travel_s[0, site] >= UNREACHABLE or matrices.travel_s[site, 0] >= UNREACHABLE:
        if matrices.season == "wet" and dry_reachable is not None and site in dry_reachable:
            return Unserved(household, "unreachable in the wet season: the way there crosses "
                                       "a ford or road that is closed after rain",
                            "closed_wet", mode)
        return Unserved(household, "unreachable: no road or path from the commune office "
                                   "reaches it", "no_route", mode)
    return None


def shuttle_check(scenario: Scenario, need: ShuttleNeed, site: int, matrices: TravelMatrices,
                  units: list[Unit]) -> Unserved | None:
    """Why no unit could make this shuttle alone (None: one could)."""
    from planner.solver import day_limits

    params = scenario.parameters
    h = need.household.id
    walk = matrices.access[site].walk_m
    if walk > params.shuttle_walk_max_m:
        return Unserved(h, f"the house is {walk:.0f} m on foot from where a motorbike can "
                           f"stop, too far for a passenger (limit "
                           f"{params.shuttle_walk_max_m:.0f} m); visit at home instead",
                        "shuttle_walk", "shuttle")
    there, back = int(matrices.travel_s[0, site]), int(matrices.travel_s[site, 0])
    if back > need.max_ride_s:
        return Unserved(h, f"the ride to the office takes {back / 60:.0f} min, more than the "
                           f"{need.max_ride_s / 60:.0f} min allowed for this passenger",
                        "ride_too_long", "shuttle")
    seats = max((u.capacity for u in units), default=0)
    if len(need.residents) > seats:
        return Unserved(h, f"{len(need.residents)} passengers, but a motorbike unit has at "
                           f"most {seats} seats", "no_seat", "shuttle")
    board = params.board_s
    for u in units:
        if u.capacity < len(need.residents):
            continue
        start, end = day_limits(scenario, u.team)
        pickup = start + there
        for w in need.windows or (Window(0, 48 * 3600),):
            begin = max(pickup, w.start_s)
            home_again = begin + 4 * board + back + need.office_s + there
            if begin + board <= w.end_s and home_again + back <= end \
                    and home_again + back - start <= u.team.max_work_s:
                return None
    return Unserved(h, "a round trip to the office with the enrolment does not fit in any "
                       "shift", "no_office_time", "shuttle")


def build_day_problem(scenario: Scenario, kept_home: list[tuple[int, object]],
                      autos: list[tuple[int | None, int, AutoNeed]],
                      shuttles: list[tuple[int, ShuttleNeed]],
                      points: list[tuple[int, PointNeed]], matrices: TravelMatrices,
                      units: list[Unit], places: dict[str, CollectionPoint],
                      ) -> tuple[RoutingProblem, list[Node]]:
    """The routing problem of a day with every mode; ``autos`` holds
    ``(home site or None, point site, need)``.

    A shuttle's two trips are two independent pairs for the solver (tying them
    with ``same_active`` left OR-Tools unable to insert them: its heuristics
    add one pair at a time); ``drop_half_shuttles`` removes a trip whose other
    half is missing from the answer.
    """
    params = scenario.parameters
    from planner.solver import day_limits

    nodes: list[Node] = [Node("depot", 0)]
    service: list[int] = [0]
    windows: list[tuple[tuple[int, int], ...]] = [()]
    prize: list[int] = [-1]
    demand: list[int] = [0]
    cluster: list[int] = [-1]
    entry: list[int] = [0]
    pairs, min_gap, max_gap, groups = [], [], [], []
    kit_units = tuple(k for k, u in enumerate(units) if u.has_kit)
    allowed: list[tuple[int, ...]] = [()]
    village_cluster = {v.id: k for k, v in enumerate(scenario.villages)}

    def add(node: Node, service_s: int, wins=(), value=0, seats=0, kit=False, clus=-1,
            entry_s=0) -> int:
        nodes.append(node)
        service.append(int(service_s))
        windows.append(tuple(wins))
        prize.append(int(value))
        demand.append(int(seats))
        cluster.append(clus)
        entry.append(int(entry_s))
        allowed.append(kit_units if kit else ())
        return len(nodes) - 1

    def home_windows(need, service_s: int) -> tuple[tuple[int, int], ...]:
        return tuple((w.start_s, w.end_s - service_s) for w in need.windows
                     if w.end_s - service_s >= w.start_s)

    for site, need in kept_home:
        add(Node("visit", site, need), need.service_s, home_windows(need, need.service_s),
            need.prize, kit=True)
    for site, need in points:
        add(Node("point", site, need, need.village.id, need.place), need.service_s, (), need.prize,
            kit=True, clus=village_cluster[need.village.id], entry_s=params.point_setup_s)
    for home_site, point_site, need in autos:
        village = need.household.village_id
        a = add(Node("attend", point_site, need, village, places[village]), need.service_s,
                (), 0, kit=True, clus=village_cluster[village], entry_s=params.point_setup_s)
        if home_site is None:
            groups.append(((a,), need.prize))
            continue
        home = need.home
        hn = add(Node("visit", home_site, home), home.service_s,
                 home_windows(home, home.service_s), 0, kit=True)
        groups.append(((hn, a), need.prize))
    board = params.board_s
    for site, need in shuttles:
        n = len(need.residents)
        # the four stops share the prize: leaving the shuttle out costs it once
        quarter = need.prize // 4
        pu = add(Node("pickup_home", site, need), board, home_windows(need, board), quarter, n)
        do = add(Node("dropoff_office", 0, need), board, (), quarter, -n)
        pr = add(Node("pickup_office", 0, need), board, (), quarter, n)
        dr = add(Node("dropoff_home", site, need), board, (), quarter, -n)
        pairs += [(pu, do), (pr, dr)]
        min_gap.append((do, pr, board + need.office_s))
        max_gap += [(pu, do, board + need.max_ride_s), (pr, dr, board + need.max_ride_s)]
    sites = [nd.site for nd in nodes]
    travel = matrices.travel_s[np.ix_(sites, sites)].astype(np.int64)
    distance = matrices.distance_m[np.ix_(sites, sites)].astype(np.int64)
    vehicles = []
    for u in units:
        start, end = day_limits(scenario, u.team)
        breaks = ()
        if u.team.lunch and u.team.lunch_s > 0:
            breaks = (BreakSpec(u.team.lunch.start_s, u.team.lunch.end_s - u.team.lunch_s,
                                u.team.lunch_s),)
        vehicles.append(VehicleSpec(u.name, start, end, u.team.max_work_s, breaks,
                                    capacity=u.capacity))
    has_shuttles = bool(shuttles)
    problem = RoutingProblem(
        travel_s=travel, distance_m=distance, service_s=np.array(service, dtype=np.int64),
        windows=tuple(windows), prize=np.array(prize, dtype=np.int64),
        vehicles=tuple(vehicles), allowed_vehicles=tuple(allowed),
        demand=tuple(demand) if has_shuttles else (), pairs=tuple(pairs),
        min_gap=tuple(min_gap), max_gap=tuple(max_gap),
        groups=tuple(groups),
        cluster=tuple(cluster) if (points or autos) else (),
        entry_s=tuple(entry) if (points or autos) else ())
    return problem, nodes


def drop_half_shuttles(solution, nodes: list[Node]):
    """``solution`` without shuttle trips whose other trip is missing: both
    trips of a shuttle are made, or neither. Removing stops keeps every
    remaining time valid (legs only get shorter; the unit waits instead)."""
    from dataclasses import replace

    trips: dict[int, list[int]] = {}
    for k, node in enumerate(nodes):
        if node.kind in ("pickup_home", "dropoff_office", "pickup_office", "dropoff_home"):
            trips.setdefault(id(node.need), []).append(k)
    visited = {n for r in solution.routes for n in r.nodes}
    orphans: set[int] = set()
    for members in trips.values():
        done = [k for k in members if k in visited]
        if done and len(done) != len(members):
            orphans.update(done)
    if not orphans:
        return solution
    routes = []
    for r in solution.routes:
        keep = [(n, t) for n, t in zip(r.nodes, r.service_start_s, strict=True)
                if n not in orphans]
        routes.append(replace(r, nodes=tuple(n for n, _ in keep),
                              service_start_s=tuple(t for _, t in keep)))
    return replace(solution, routes=tuple(routes),
                   dropped=tuple(sorted(set(solution.dropped) | orphans)))
