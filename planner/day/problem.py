"""The day's routing problem: which needs some team could serve (``prefilter``,
``site_check``, ``shuttle_check``), and the ``RoutingProblem`` arrays with one
``Node`` per routing node (``build_day_problem``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from planner.day.needs import AutoNeed, PointNeed, ShuttleNeed, Unit, VisitNeed
from planner.domain import CollectionPoint, Scenario, Unserved, Window
from planner.matrix import UNREACHABLE, TravelMatrices
from planner.problem import BreakSpec, RoutingProblem, VehicleSpec
from planner.rules import day_limits, windows_text
from planner.scenario import format_clock


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
    sites reachable in the dry season (to explain wet-season closures).
    """
    kept: list[tuple[int, VisitNeed]] = []
    out: list[Unserved] = []
    teams = [t for t in scenario.teams if t.kits > 0]
    limits = [day_limits(scenario, t) for t in teams]
    for k, need in enumerate(needs):
        site = k + 1
        h = need.household
        access = matrices.access[site]
        if not access.reachable:
            out.append(Unserved(h.id, access.reason, access.code))
            continue
        there = int(matrices.travel_s[0, site])
        back = int(matrices.travel_s[site, 0])
        if there >= UNREACHABLE or back >= UNREACHABLE:
            if matrices.season == "wet" and dry_reachable is not None and site in dry_reachable:
                out.append(Unserved(h.id, "unreachable in the wet season: the way there "
                                          "crosses a ford or road that is closed after rain",
                                    "closed_wet"))
            else:
                out.append(Unserved(h.id, "unreachable: no road or path from the commune "
                                          "office reaches it", "no_route"))
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
        if need.windows and all(w.end_s <= earliest_start + there + need.service_s
                                for w in need.windows):
            reason = (f"only home {windows_text(need.windows)}: a team can be there at "
                      f"{format_clock(earliest_start + there)} at the earliest (shift starts "
                      f"{format_clock(earliest_start)}, {ride}), too late for a visit of "
                      f"{need.service_s / 60:.0f} min")
            code = "window_before_shift"
        elif need.windows and all(w.start_s + need.service_s + back > latest_end
                                  for w in need.windows):
            reason = (f"only home {windows_text(need.windows)}, after the shift ends "
                      f"(back by {format_clock(latest_end)})")
            code = "window_after_shift"
        elif need.windows and all(
                w.end_s <= earliest_start + there + need.service_s
                or w.start_s + need.service_s + back > latest_end for w in need.windows):
            reason = (f"only home {windows_text(need.windows)}: none of these hours falls "
                      f"in a shift (a team can be there from "
                      f"{format_clock(earliest_start + there)} and must be back by "
                      f"{format_clock(latest_end)})")
            code = "window_outside_shift"
        elif need.windows and all(w.length_s < need.service_s for w in need.windows):
            reason = (f"only home {windows_text(need.windows)}: too short for a visit of "
                      f"{need.service_s / 60:.0f} min")
            code = "window_too_short"
        else:
            total = there + need.service_s + back
            reason = (f"the round trip takes {total / 3600:.1f} h with the visit, longer than "
                      f"a shift allows ({max(t.max_work_s for t in teams) / 3600:.1f} h, back "
                      f"by {format_clock(latest_end)})")
            code = "shift_too_short"
        out.append(Unserved(h.id, reason, code))
    return kept, out


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
