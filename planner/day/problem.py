"""The day's routing problem: which needs some team could serve (``prefilter``,
``site_check``, ``shuttle_check``), and the ``RoutingProblem`` arrays with one
``Node`` per routing node (``build_day_problem``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from planner.clock import format_clock
from planner.day.needs import (
    AutoNeed,
    PointNeed,
    PointSlot,
    ShuttleNeed,
    Steer,
    Unit,
    VisitNeed,
    announced_timing,
    no_duty_reason,
)
from planner.domain import CollectionPoint, Parameters, Scenario, Team, Unserved, Window
from planner.matrix import UNREACHABLE, TravelMatrices
from planner.priorities import part_tier, part_waiting_days
from planner.problem import BreakSpec, RoutingProblem, VehicleSpec
from planner.rules import day_limits, windows_text


def _fits(need: VisitNeed, team_start: int, team_end: int, there: int, back: int,
          ) -> bool:
    earliest = team_start + there
    for w in need.windows or (Window(0, 48 * 3600),):
        begin = max(earliest, w.start_s)
        if begin + need.service_s <= w.end_s and begin + need.service_s + back <= team_end:
            return True
    return False


def prefilter(scenario: Scenario, needs: list[VisitNeed], matrices: TravelMatrices,
              dry_reachable: set[int] | None = None,
              ) -> tuple[list[tuple[int, VisitNeed]], list[Unserved]]:
    """Keep the visits some team could make alone; explain the others.

    ``needs[k]`` is site ``k + 1`` in ``matrices``. ``dry_reachable`` lists the
    sites reachable in the speed table's default season (to explain closures
    in another season, e.g. fords closed in the wet season). Only teams with a
    kit and the ``home`` duty make home visits.
    """
    kept: list[tuple[int, VisitNeed]] = []
    out: list[Unserved] = []
    teams = [t for t in scenario.teams if t.kits > 0 and "home" in t.duties]
    kit_elsewhere = any(t.kits > 0 for t in scenario.teams)
    limits = [day_limits(scenario, t) for t in teams]
    for k, need in enumerate(needs):
        site = k + 1
        h = need.household
        unreachable = site_check(scenario, matrices, site, dry_reachable, "home", h.id)
        if unreachable is not None:
            out.append(unreachable)
            continue
        there = int(matrices.travel_s[0, site])
        back = int(matrices.travel_s[site, 0])
        if not teams and kit_elsewhere:
            out.append(Unserved(h.id, no_duty_reason("home"), "no_duty"))
            continue
        if not teams:
            out.append(Unserved(h.id, "no team has an enrolment kit for home visits",
                                "no_kit"))
            continue
        if any(_fits(need, s, e, there, back) and there + need.service_s + back <= t.max_work_s
               for t, (s, e) in zip(teams, limits, strict=True)):
            kept.append((site, need))
            continue
        earliest_start = min(s for s, _ in limits)
        latest_end = max(e for _, e in limits)
        ride = f"{there / 60:.0f} min ride"
        longest = max((w.length_s for w in need.windows), default=0)
        if need.windows and longest < need.service_s:
            reason = (f"only home {windows_text(need.windows)}: at home "
                      f"{'at most ' if len(need.windows) > 1 else ''}{longest / 60:.0f} min, "
                      f"the visit needs {need.service_s / 60:.0f} min")
            code = "window_too_short"
            numbers = {"at_home_s": longest, "needed_s": need.service_s}
        elif need.windows and all(w.end_s <= earliest_start + there + need.service_s
                                  for w in need.windows):
            reason = (f"only home {windows_text(need.windows)}: a team can be there at "
                      f"{format_clock(earliest_start + there)} at the earliest (shift starts "
                      f"{format_clock(earliest_start)}, {ride}), too late for a visit of "
                      f"{need.service_s / 60:.0f} min")
            code = "window_before_shift"
            numbers = {"there_at_s": earliest_start + there, "shift_start_at_s": earliest_start,
                       "ride_s": there, "needed_s": need.service_s}
        elif need.windows and all(w.start_s + need.service_s + back > latest_end
                                  for w in need.windows):
            reason = (f"only home {windows_text(need.windows)}, after the shift ends "
                      f"(back by {format_clock(latest_end)})")
            code = "window_after_shift"
            numbers = {"back_by_at_s": latest_end}
        elif need.windows and all(
                w.end_s <= earliest_start + there + need.service_s
                or w.start_s + need.service_s + back > latest_end for w in need.windows):
            reason = (f"only home {windows_text(need.windows)}: a visit of "
                      f"{need.service_s / 60:.0f} min fits in none of these hours within a "
                      f"shift (a team can be there from {format_clock(earliest_start + there)} "
                      f"and must be back by {format_clock(latest_end)})")
            code = "window_outside_shift"
            numbers = {"there_at_s": earliest_start + there, "back_by_at_s": latest_end,
                       "needed_s": need.service_s}
        else:
            total = there + need.service_s + back
            reason = (f"the round trip takes {total / 3600:.1f} h with the visit, longer than "
                      f"a shift allows ({max(t.max_work_s for t in teams) / 3600:.1f} h, back "
                      f"by {format_clock(latest_end)})")
            code = "shift_too_short"
            numbers = {"round_trip_s": total, "max_work_s": max(t.max_work_s for t in teams),
                       "back_by_at_s": latest_end}
        out.append(Unserved(h.id, reason, code, numbers=_ints(numbers)))
    # each entry names the residents the visit would have enrolled
    enrols = {need.household.id: tuple(r.id for r in need.residents) for need in needs}
    return kept, [u if u.residents else replace(u, residents=enrols.get(u.household, ()))
                  for u in out]


def team_vehicle(scenario: Scenario, team: Team, name: str, capacity: int = 0) -> VehicleSpec:
    """A team's (or unit's) route limits: its day (``day_limits``), its
    maximum working time and its lunch break (s)."""
    start, end = day_limits(scenario, team)
    breaks = ()
    if team.lunch and team.lunch_s > 0:
        breaks = (BreakSpec(team.lunch.start_s, team.lunch.end_s - team.lunch_s,
                            team.lunch_s),)
    return VehicleSpec(name, start, end, team.max_work_s, breaks, capacity=capacity)


#: Prizes (and so the objective) stay below this: int64 holds 9.2e18, and
#: OR-Tools adds travel, span costs and its search penalties on top.
PRIZE_LIMIT = 10**17

#: Days waited beyond this count as this many when weighing a part in its tier.
MAX_WAITING_DAYS = 365

#: One part of a node's prize: (tier, days waited, weight) — a visit, shuttle
#: or ``auto`` household is one part of weight 1 (a shuttle's four stops a
#: quarter each); a collection point holds one part per invited resident,
#: weighted by the expected attendance.
Component = tuple[int, int, float]


def tier_prizes(components: list[list[Component]], tiers: int,
                vehicles: list[VehicleSpec], service_s: list[int],
                chances: list[float | None] | None = None) -> list[int]:
    """Lexicographic prizes, one per entry of ``components`` (``[]``: the
    depot, prize -1).

    A part of tier ``t`` that waited ``d`` days is worth
    ``U_t + U_t * d // (D + 1)`` (``D`` = the most days waited, at most
    ``MAX_WAITING_DAYS``), between ``U_t`` and ``2 U_t``. ``U_t`` exceeds the
    highest possible routing cost (travel plus span of every route) plus the
    most the nodes of lower tiers could be worth together: their whole sum, or
    ``K`` times the largest of them, where ``K`` bounds how many nodes the
    routes could hold at once (each route's working time over the shortest
    service). So one visit of a tier outweighs every visit of lower tiers that
    could take its place, and travel only breaks ties. Should that pass
    ``PRIZE_LIMIT``, ``K`` is halved until it fits (then the priority repair,
    ``planner.day.repair``, still makes the tier rule hold).

    ``chances`` (presence, ``planner.day.chances``): an entry's chance ``p``
    of finding the household at home (None: not weighed by chance). Such a
    part is worth ``U_t + U_t * p * (1 + d / (D + 1)) / 2``, still between
    ``U_t`` and ``2 U_t``: inside its tier it weighs the expected enrolment
    (the chance, then the days waited), across tiers the rule is unchanged.
    """
    cost = 1 + sum(2 * v.max_duration_s for v in vehicles)
    positive = [s for s, c in zip(service_s, components, strict=True) if c and s > 0]
    shortest = max(60, min(positive, default=60))
    capacity = max(1, sum(v.max_duration_s // shortest for v in vehicles))
    days = min(MAX_WAITING_DAYS, max((d for c in components for _, d, _ in c), default=0))
    while True:
        acc = [0] * len(components)
        for t in reversed(range(tiers)):
            unit = cost + min(sum(acc), capacity * max(acc, default=0))
            for k, parts in enumerate(components):
                # with chances, every part on the same scale (a part without
                # one, e.g. a collection point's, counts as certain: its weight
                # is already the expected attendance)
                p = None if chances is None else (1.0 if chances[k] is None else chances[k])
                for tier, d, weight in parts:
                    if tier == t:
                        if p is None:
                            value = unit + unit * min(d, days) // (days + 1)
                        else:
                            value = unit + int(unit * p * (days + 1 + min(d, days))
                                               / (2 * (days + 1)))
                        acc[k] += int(round(weight * value))
        if sum(acc) + cost < PRIZE_LIMIT or capacity == 1:
            break
        capacity //= 2
    return [p if parts else -1 for p, parts in zip(acc, components, strict=True)]


@dataclass(frozen=True)
class Node:
    """What a routing node stands for; ``site`` is its row in the matrices;
    ``tier`` (0 most urgent) and ``waiting_days`` are those of the part it
    serves (``planner.priorities``)."""

    kind: str        # depot, visit, pickup_home, dropoff_office, pickup_office,
    #                  dropoff_home, point, attend
    site: int
    need: object = None
    village: str = ""
    place: CollectionPoint | None = None
    tier: int = 0
    waiting_days: int = 0


def _ints(numbers: dict[str, float]) -> tuple[tuple[str, int], ...]:
    """An unserved entry's ``numbers`` (``Unserved.numbers``): each value rounded."""
    return tuple((name, int(round(value))) for name, value in numbers.items())


def site_check(scenario: Scenario, matrices: TravelMatrices, site: int,
               dry_reachable: set[int] | None, mode: str, household: str
               ) -> Unserved | None:
    """Why a site cannot be reached from the station at all (None: it can)."""
    access = matrices.access[site]
    if not access.reachable:
        numbers = ({"walk_m": access.walk_m, "walk_limit_m": scenario.parameters.walk_limit_m}
                   if access.code == "walk_limit" else {})
        return Unserved(household, access.reason, access.code, mode, numbers=_ints(numbers))
    if matrices.travel_s[0, site] >= UNREACHABLE or matrices.travel_s[site, 0] >= UNREACHABLE:
        if dry_reachable is not None and site in dry_reachable:
            return Unserved(household, f"unreachable in the {matrices.season} season: the way "
                                       "there crosses a ford or road that is closed in this "
                                       "season", "closed_wet", mode)
        return Unserved(household, "unreachable: no road or path from the commune office "
                                   "reaches it", "no_route", mode)
    return None


def shuttle_check(scenario: Scenario, need: ShuttleNeed, site: int, matrices: TravelMatrices,
                  units: list[Unit]) -> Unserved | None:
    """Why no unit could make this shuttle alone (None: one could)."""

    params = scenario.parameters
    h = need.household.id
    walk = matrices.access[site].walk_m
    if walk > params.shuttle_walk_max_m:
        return Unserved(h, f"the house is {walk:.0f} m on foot from where a motorbike can "
                           f"stop, too far for a passenger (limit "
                           f"{params.shuttle_walk_max_m:.0f} m); visit at home instead",
                        "shuttle_walk", "shuttle",
                        numbers=_ints({"walk_m": walk, "walk_limit_m": params.shuttle_walk_max_m}))
    there, back = int(matrices.travel_s[0, site]), int(matrices.travel_s[site, 0])
    if back > need.max_ride_s:
        return Unserved(h, f"the ride to the office takes {back / 60:.0f} min, more than the "
                           f"{need.max_ride_s / 60:.0f} min allowed for this passenger",
                        "ride_too_long", "shuttle",
                        numbers=_ints({"ride_s": back, "max_ride_s": need.max_ride_s}))
    seats = max((u.capacity for u in units), default=0)
    if len(need.residents) > seats:
        # ``day_needs`` makes it a home visit when a team visits and the house has no visit
        home_teams = sum(1 for t in scenario.teams if t.kits > 0 and "home" in t.duties)
        why = ("the household's one home visit of the day does not enrol them (they are not "
               "at home long enough together with the residents it enrols)" if home_teams
               else "no team makes home visits tomorrow to enrol them at home")
        return Unserved(h, f"{len(need.residents)} passengers, but a motorbike unit seats at "
                           f"most {seats}, and {why}", "no_seat", "shuttle",
                        numbers=_ints({"passengers": len(need.residents), "seats": seats,
                                       "home_teams": home_teams}))
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


def day_shuttles(scenario: Scenario, needs: list[ShuttleNeed], site_of: dict[str, int],
                 matrices: TravelMatrices, dry_reachable: set[int] | None, units: list[Unit],
                 unserved: list[Unserved]) -> list[tuple[int, ShuttleNeed]]:
    """The shuttles of ``needs`` a unit could make, as ``(site, need)``
    (``site_of``: household id → matrix row); the others are appended to
    ``unserved`` with the reason (``site_check``, ``no_duty``, ``shuttle_check``)."""
    shuttles = []
    shuttle_units = [u for u in units if u.kind == "shuttle" or "shuttle" in u.team.duties]
    for need in needs:
        site = site_of[need.household.id]
        problem = site_check(scenario, matrices, site, dry_reachable, "shuttle",
                             need.household.id)
        if problem is None and not shuttle_units:
            problem = Unserved(need.household.id, no_duty_reason("shuttle"), "no_duty",
                               "shuttle")
        problem = problem or shuttle_check(scenario, need, site, matrices, shuttle_units)
        if problem is not None:
            unserved.append(problem)
            continue
        shuttles.append((site, need))
    return shuttles


def steered_tier(scenario: Scenario, steer: Steer) -> Callable[..., tuple[int, int]]:
    """``tier_of(residents) -> (tier, days waited)`` of a part: a part with a
    resident of a ``must`` household of ``steer`` is of tier 0 and has waited
    the longest (``MAX_WAITING_DAYS``); any other as ``planner.priorities``."""
    first = steer.must_residents(scenario)
    order = scenario.parameters.priorities

    def tier_of(residents) -> tuple[int, int]:
        if first and any(r.id in first for r in residents):
            return 0, MAX_WAITING_DAYS
        return part_tier(residents, order), part_waiting_days(residents)

    return tier_of


def build_day_problem(scenario: Scenario, kept_home: list[tuple[int, object]],
                      autos: list[tuple[int | None, int, AutoNeed]],
                      shuttles: list[tuple[int, ShuttleNeed]],
                      points: list[tuple[int, PointNeed]], matrices: TravelMatrices,
                      units: list[Unit], places: dict[str, CollectionPoint],
                      chances: dict[str, float] | None = None,
                      slots: Mapping[str, PointSlot] | None = None, steer: Steer | None = None,
                      ) -> tuple[RoutingProblem, list[Node]]:
    """The routing problem of a day with every mode; ``autos`` holds
    ``(home site or None, point site, need)``.

    Allowed vehicles by node kind (``Unit.does``): home visits and the home
    option of ``auto`` households only on units with the ``home`` duty; point
    and attend nodes only on units with the ``point`` duty; shuttle stops only
    on units with the ``shuttle`` duty (the officer split off included); only
    needs some unit has the duty for.

    A shuttle's two trips are two independent pairs (``same_active`` left
    OR-Tools unable to insert them: it adds one pair at a time);
    ``drop_half_shuttles`` removes a trip whose other half is missing.

    ``chances`` (household id → chance at home) weighs visits in their tier; ``slots``
    (village id → announced ``PointSlot``): its point first (tier 0), ``announced_timing``.
    ``steer``: a person's decisions (``steered_tier``; a locked household
    only on its team's units with the duty, when one has it).
    """
    params = scenario.parameters
    steer = steer or Steer()
    tier_of = steered_tier(scenario, steer)

    nodes: list[Node] = [Node("depot", 0)]
    service: list[int] = [0]
    windows: list[tuple[tuple[int, int], ...]] = [()]
    components: list[list[Component]] = [[]]
    demand: list[int] = [0]
    cluster: list[int] = [-1]
    entry: list[int] = [0]
    pairs, min_gap, max_gap, groups = [], [], [], []
    duty_units = {duty: tuple(k for k, u in enumerate(units) if u.does(duty))
                  for duty in ("home", "shuttle", "point")}
    allowed: list[tuple[int, ...]] = [()]
    village_cluster = {v.id: k for k, v in enumerate(scenario.villages)}

    def parts(residents, weight: float = 1.0) -> list[Component]:
        return [(*tier_of(residents), weight)]

    def add(node: Node, service_s: int, wins=(), value: list[Component] | None = None,
            seats=0, duty="", clus=-1, entry_s=0, announced: object = None) -> int:
        residents = getattr(node.need, "residents", ())
        tier, waited = (0, MAX_WAITING_DAYS) if announced else tier_of(residents)
        value = [(0, MAX_WAITING_DAYS, w) for *_, w in value or []] if announced else value
        nodes.append(replace(node, tier=tier, waiting_days=waited))
        if announced:  # timed as announced: opens and closes at the hours told
            service_s, wins = announced_timing(announced, node.need.service_s)
        service.append(int(service_s))
        windows.append(tuple(wins))
        components.append(value or [])
        demand.append(int(seats))
        cluster.append(clus)
        entry.append(int(entry_s))
        hid = getattr(getattr(node.need, "household", None), "id", None)
        allowed.append(tuple(k for k in duty_units[duty] if steer.allows(hid, units[k].team.id))
                       or duty_units[duty])
        if not allowed[-1]:  # () would let every unit take it
            raise ValueError(f"no unit has the {duty} duty for node {node.kind}")
        return len(nodes) - 1

    def home_windows(need, service_s: int) -> tuple[tuple[int, int], ...]:
        return tuple((w.start_s, w.end_s - service_s) for w in need.windows
                     if w.end_s - service_s >= w.start_s)

    for site, need in kept_home:
        add(Node("visit", site, need), need.service_s, home_windows(need, need.service_s),
            parts(need.residents), duty="home")
    rate = params.point_attendance
    for site, need in points:
        slot = (slots or {}).get(need.village.id)
        add(Node("point", site, need, need.village.id, need.place),
            need.service_s if slot is None else max(need.service_s, slot[2] - slot[1]),
            () if slot is None else ((slot[1], slot[1]),),
            [c for r in need.residents for c in parts((r,), rate)], duty="point",
            clus=village_cluster[need.village.id], entry_s=params.point_setup_s, announced=slot)
    group_parts: list[list[Component]] = []
    invited_today = {need.village.id for _, need in points}
    slot_min_s = min(params.point_min_slot_s, params.point_max_slot_s) - params.point_setup_s
    for home_site, point_site, need in autos:
        village = need.household.village_id
        # an auto household that only a point can serve, in a village whose
        # point invites nobody today, opens it for the minimum slot
        service_s = need.service_s if village in invited_today or home_site is not None \
            else max(need.service_s, slot_min_s)
        a = add(Node("attend", point_site, need, village, places[village]), service_s,
                (), None, duty="point", clus=village_cluster[village],
                entry_s=params.point_setup_s)
        group_parts.append(parts(need.residents))
        if home_site is None:
            groups.append(((a,), 0))
            continue
        home = need.home
        hn = add(Node("visit", home_site, home), home.service_s,
                 home_windows(home, home.service_s), None, duty="home")
        groups.append(((hn, a), 0))
    _add_shuttles(shuttles, params, add, parts, home_windows, pairs, min_gap, max_gap)
    sites = [nd.site for nd in nodes]
    travel = matrices.travel_s[np.ix_(sites, sites)].astype(np.int64)
    distance = matrices.distance_m[np.ix_(sites, sites)].astype(np.int64)
    vehicles = [team_vehicle(scenario, u.team, u.name, u.capacity) for u in units]
    prize, groups = _prizes(nodes, service, components, groups, group_parts, vehicles,
                            params.priorities, chances)
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


def _add_shuttles(shuttles: list[tuple[int, ShuttleNeed]], params: Parameters,
                  add: Callable[..., int], parts: Callable[..., list[Component]],
                  home_windows: Callable[..., tuple[tuple[int, int], ...]],
                  pairs: list[tuple[int, int]], min_gap: list[tuple[int, int, int]],
                  max_gap: list[tuple[int, int, int]]) -> None:
    """Add the four stops of each shuttle (``add`` of ``build_day_problem``):
    pick up at home, drop off at the office, pick up there after the
    enrolment, drop off at home; each trip a pickup-delivery pair (appended to
    ``pairs``), the enrolment's time between the trips (``min_gap``, s) and
    the longest ride (``max_gap``, s)."""
    board = params.board_s
    for site, need in shuttles:
        n = len(need.residents)
        # the four stops share the prize: leaving the shuttle out costs it once
        quarter = parts(need.residents, 0.25)
        pu = add(Node("pickup_home", site, need), board, home_windows(need, board), quarter, n,
                 "shuttle")
        do = add(Node("dropoff_office", 0, need), board, (), quarter, -n, "shuttle")
        pr = add(Node("pickup_office", 0, need), board, (), quarter, n, "shuttle")
        dr = add(Node("dropoff_home", site, need), board, (), quarter, -n, "shuttle")
        pairs += [(pu, do), (pr, dr)]
        min_gap.append((do, pr, board + need.office_s))
        max_gap += [(pu, do, board + need.max_ride_s), (pr, dr, board + need.max_ride_s)]


def _prizes(nodes: list[Node], service: list[int], components: list[list[Component]],
            groups: list[tuple[tuple[int, ...], int]], group_parts: list[list[Component]],
            vehicles: list[VehicleSpec], order: tuple[str, ...], chances: dict[str, float] | None,
            ) -> tuple[list[int], list[tuple[tuple[int, ...], int]]]:
    """Each node's prize for being served and each group's (``tier_prizes``);
    a group member's own prize is 0: its group's counts. ``order``: the
    conditions, most urgent first (one tier each); ``chances`` weighs home
    visits inside their tier."""
    # the groups' penalties are weighed with the nodes (their members' own
    # prizes are unused): one list of components per node, then per group
    weights = None
    if chances:
        weights = [chances.get(nd.need.household.id) if nd.kind == "visit" else None
                   for nd in nodes] + [None] * len(groups)
    values = tier_prizes(components + group_parts, len(order), vehicles,
                         service + [nodes[g[-1]].need.service_s for g, _ in groups], weights)
    prize = [0 if any(k in g for g, _ in groups) else p
             for k, p in enumerate(values[:len(nodes)])]
    groups = [(g, values[len(nodes) + k]) for k, (g, _) in enumerate(groups)]
    return prize, groups


def drop_half_shuttles(solution, nodes: list[Node]):
    """``solution`` without shuttle trips whose other trip is missing: both
    trips of a shuttle are made, or neither. Removing stops keeps every
    remaining time valid (legs only get shorter; the unit waits instead)."""

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
    return without_nodes(solution, orphans)


def without_nodes(solution, removed: set[int]):
    """``solution`` with the ``removed`` nodes taken out of its routes (the
    others keep their service starts) and listed as dropped."""
    if not removed:
        return solution
    routes = []
    for r in solution.routes:
        keep = [(n, t) for n, t in zip(r.nodes, r.service_start_s, strict=True)
                if n not in removed]
        routes.append(replace(r, nodes=tuple(n for n, _ in keep),
                              service_start_s=tuple(t for _, t in keep)))
    return replace(solution, routes=tuple(routes),
                   dropped=tuple(sorted(set(solution.dropped) | removed)))
