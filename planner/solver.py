"""The day planner: a validated scenario and travel matrices in, a ``Plan`` out.

``plan_day`` composes named parts:

1. ``visit_needs``     — which households need a home visit today, and for how long;
2. ``prefilter``       — households no team could serve, with the reason in words;
3. ``build_problem``   — the ``RoutingProblem`` arrays (windows, breaks, prizes);
4. ``planner.engine.solve`` — routes;
5. ``build_plan``      — timed stops (start, visit, break, end) and the unserved list.

Priorities: every visit is optional with a prize far above any travel cost, so
the solver serves as many as fit, and when not all fit it keeps those with the
larger prize: bedridden > disabled > postpartum > elderly > able, plus the
days a resident has waited.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.domain import (
    Household,
    Plan,
    Route,
    Scenario,
    Stop,
    Team,
    Unserved,
    Window,
)
from planner.errors import PlannerError
from planner.matrix import UNREACHABLE, TravelMatrices
from planner.problem import BreakSpec, RoutingProblem, Solution, VehicleSpec
from planner.scenario import format_clock
from planner.sun import sun_times_s

PRIZE_BASE = 1_000_000
PRIZE_CONDITION = {"bedridden": 400_000, "disabled": 300_000, "postpartum": 250_000,
                   "elderly": 200_000, "able": 50_000}
PRIZE_PER_WAITING_DAY = 5_000
HOME_MODES = ("home", "auto")


@dataclass(frozen=True)
class VisitNeed:
    """A household that needs a home visit: its service time (s), the windows
    when all its home-visit residents are in, and its prize."""

    household: Household
    service_s: int
    windows: tuple[Window, ...]
    prize: int


def _intersect(a: tuple[Window, ...], b: tuple[Window, ...]) -> tuple[Window, ...]:
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


def _windows_text(windows: tuple[Window, ...]) -> str:
    return ", ".join(f"{format_clock(w.start_s)}–{format_clock(w.end_s)}" for w in windows)


def visit_needs(scenario: Scenario) -> tuple[list[VisitNeed], list[Unserved]]:
    """Split households into home visits and those not visited at home today."""
    params = scenario.parameters
    needs: list[VisitNeed] = []
    skipped: list[Unserved] = []
    for h in scenario.households:
        home = [r for r in h.residents if r.mode in HOME_MODES]
        if not home:
            modes = sorted({r.mode for r in h.residents})
            skipped.append(Unserved(
                h.id, f"no home visit needed: residents come to the commune office or a "
                      f"collection point (mode {', '.join(modes)})", "not_home_visit"))
            continue
        windows: tuple[Window, ...] = ()
        empty = False
        for r in home:
            if r.windows:
                windows = _intersect(windows, r.windows) if windows else r.windows
                if not windows:
                    empty = True
        if empty:
            skipped.append(Unserved(
                h.id, "residents are never at home at the same time: "
                      + "; ".join(f"{r.id} {_windows_text(r.windows) or 'any time'}"
                                  for r in home), "windows_disjoint"))
            continue
        service = params.household_setup_s + sum(params.service_for(r.condition) for r in home)
        prize = PRIZE_BASE + sum(PRIZE_CONDITION[r.condition] for r in home) \
            + PRIZE_PER_WAITING_DAY * max(r.waiting_days for r in home)
        needs.append(VisitNeed(h, service, windows, prize))
    return needs, skipped


def day_limits(scenario: Scenario, team: Team) -> tuple[int, int]:
    """(earliest departure, latest return) for a team, in clock seconds.

    With ``return_before_sunset`` the team must be back by sunset at the station.
    """
    start, end = team.shift.start_s, team.shift.end_s
    if scenario.parameters.return_before_sunset:
        _, sunset = sun_times_s(scenario.date, scenario.station.lon, scenario.station.lat,
                                scenario.parameters.utc_offset_h)
        end = min(end, sunset)
    return start, max(start, end)


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
            reason = (f"only home {_windows_text(need.windows)}: a team can be there at "
                      f"{format_clock(earliest_start + there)} at the earliest (shift starts "
                      f"{format_clock(earliest_start)}, {ride}), too late for a visit of "
                      f"{need.service_s / 60:.0f} min")
            code = "window_before_shift"
        elif need.windows and all(w.start_s + need.service_s + back > latest_end
                                  for w in need.windows):
            reason = (f"only home {_windows_text(need.windows)}, after the shift ends "
                      f"(back by {format_clock(latest_end)})")
            code = "window_after_shift"
        elif need.windows and all(w.length_s < need.service_s for w in need.windows):
            reason = (f"only home {_windows_text(need.windows)}: too short for a visit of "
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


def build_problem(scenario: Scenario, kept: list[tuple[int, VisitNeed]],
                  matrices: TravelMatrices) -> RoutingProblem:
    """Arrays for the engine: node 0 the station, then the kept visits."""
    sites = [0] + [site for site, _ in kept]
    travel = matrices.travel_s[np.ix_(sites, sites)].astype(np.int64)
    distance = matrices.distance_m[np.ix_(sites, sites)].astype(np.int64)
    service = np.array([0] + [n.service_s for _, n in kept], dtype=np.int64)
    windows: list[tuple[tuple[int, int], ...]] = [()]
    for _, need in kept:
        ws = tuple((w.start_s, w.end_s - need.service_s) for w in need.windows
                   if w.end_s - need.service_s >= w.start_s)
        windows.append(ws)
    prize = np.array([-1] + [n.prize for _, n in kept], dtype=np.int64)
    vehicles = []
    allowed_teams = tuple(i for i, t in enumerate(scenario.teams) if t.kits > 0)
    for team in scenario.teams:
        start, end = day_limits(scenario, team)
        breaks = ()
        if team.lunch and team.lunch_s > 0:
            breaks = (BreakSpec(team.lunch.start_s, team.lunch.end_s - team.lunch_s,
                                team.lunch_s),)
        vehicles.append(VehicleSpec(team.id, start, end, team.max_work_s, breaks))
    allowed = tuple([()] + [allowed_teams for _ in kept])
    return RoutingProblem(travel_s=travel, distance_m=distance, service_s=service,
                          windows=tuple(windows), prize=prize, vehicles=tuple(vehicles),
                          allowed_vehicles=allowed)


def _site_stop(kind, site: int, arrive: int, depart: int, matrices: TravelMatrices,
               scenario: Scenario, household: Household | None, service: int,
               travel_s: int, travel_m: int, wait_s: int = 0) -> Stop:
    access = matrices.access[site]
    walk = household is not None and access.walk_m > 0
    return Stop(
        kind=kind, arrive_s=int(arrive), depart_s=int(depart),
        lon=household.lon if household else scenario.station.lon,
        lat=household.lat if household else scenario.station.lat,
        household=household.id if household else None, service_s=int(service),
        travel_s=int(travel_s), travel_m=int(travel_m),
        walk_m=int(round(access.walk_m)) if walk else 0,
        park_lon=access.park_lon if walk else None, park_lat=access.park_lat if walk else None,
        wait_s=int(wait_s), approximate=bool(household.approximate) if household else False)


def build_plan(scenario: Scenario, kept: list[tuple[int, VisitNeed]], problem: RoutingProblem,
               solution: Solution, matrices: TravelMatrices, unserved: list[Unserved],
               time_limit_s: float, seed: int) -> Plan:
    """Timed stops from the engine's routes; dropped visits become unserved."""
    routes: list[Route] = []
    for rs in solution.routes:
        team = scenario.teams[rs.vehicle]
        stops: list[Stop] = [_site_stop("start", 0, rs.start_s, rs.start_s, matrices,
                                        scenario, None, 0, 0, 0)]
        # OR-Tools may place a break before the route starts or after it ends:
        # then the team is at the station and the break is not part of the route
        breaks = [b for b in rs.breaks if rs.nodes and b[0] < rs.end_s
                  and b[0] + b[1] > rs.start_s]
        prev_node, depart = 0, rs.start_s
        legs = list(zip(rs.nodes, rs.service_start_s, strict=True)) + [(0, rs.end_s)]
        for k, (node, begin) in enumerate(legs):
            last = k == len(legs) - 1
            site = 0 if last else kept[node - 1][0]
            prev_site = 0 if prev_node == 0 else kept[prev_node - 1][0]
            travel = int(problem.travel_s[prev_node, node])
            dist = int(problem.distance_m[prev_node, node])
            household = None if last else kept[node - 1][1].household
            arrive = depart + travel
            in_gap = [b for b in breaks if depart <= b[0] < begin or (last and b[0] >= depart)]
            for b_start, b_dur in in_gap:
                breaks.remove((b_start, b_dur))
                lunch = team.lunch
                latest = lunch.end_s - b_dur if lunch else b_start
                earliest = lunch.start_s if lunch else b_start
                if b_start < arrive:
                    # the engine put the break in the middle of the ride: officers
                    # rather eat before leaving, or on arrival, when the window allows
                    if depart >= earliest:
                        b_start = depart
                    elif arrive <= latest:
                        b_start = arrive
                if b_start >= arrive:  # lunch at the destination, then the visit
                    stops.append(_site_stop("break", site, b_start, b_start + b_dur, matrices,
                                            scenario, household, 0, travel, dist))
                    travel, dist = 0, 0
                    arrive = b_start + b_dur
                else:  # lunch before leaving, or on the way, near the last stop
                    stops.append(_site_stop("break", prev_site, b_start, b_start + b_dur,
                                            matrices, scenario,
                                            None if prev_node == 0 else
                                            kept[prev_node - 1][1].household, 0, 0, 0))
                    arrive += b_dur
            if last:
                stops.append(_site_stop("end", 0, arrive, arrive, matrices, scenario, None, 0,
                                        travel, dist))
                break
            service = int(problem.service_s[node])
            stops.append(_site_stop("visit", site, arrive, begin + service, matrices, scenario,
                                    household, service, travel, dist, wait_s=begin - arrive))
            prev_node, depart = node, begin + service
        distance = sum(s.travel_m for s in stops)
        duration = stops[-1].depart_s - stops[0].arrive_s if rs.nodes else 0
        if not rs.nodes:  # an idle team stays at the station
            stops = [stops[0], _site_stop("end", 0, rs.start_s, rs.start_s, matrices,
                                          scenario, None, 0, 0, 0)]
        routes.append(Route(team=team.id, stops=tuple(stops), distance_m=int(distance),
                            duration_s=int(duration)))
    dropped = [kept[node - 1][1].household.id for node in solution.dropped]
    unserved = list(unserved) + [
        Unserved(hid, "no time left in tomorrow's shifts: the teams are full with "
                      "higher-priority visits", "no_capacity") for hid in dropped]
    order = {h.id: i for i, h in enumerate(scenario.households)}
    unserved.sort(key=lambda u: order.get(u.household, 0))
    notes = []
    if scenario.fictional:
        notes.append("Fictional demo data: every name, person and road is made up.")
    return Plan(date=scenario.date, scenario=scenario.name, fictional=scenario.fictional,
                season=scenario.parameters.season, engine=solution.engine,
                routes=tuple(routes), unserved=tuple(unserved),
                objective=solution.objective, seed=seed, time_limit_s=time_limit_s,
                notes=tuple(notes))


def site_coordinates(scenario: Scenario, needs: list[VisitNeed]) -> list[tuple[float, float]]:
    """(lon, lat) of the station then of each visit, in ``needs`` order."""
    return [(scenario.station.lon, scenario.station.lat)] + \
        [(n.household.lon, n.household.lat) for n in needs]


def plan_day(scenario: Scenario, G, table=None, time_limit_s: float | None = None,
             seed: int | None = None) -> tuple[Plan, TravelMatrices, RoutingProblem]:
    """Plan one day for every team. Returns the plan, the matrices and the problem."""
    from planner.engine import solve
    from planner.matrix import travel_matrices
    from planner.speeds import load_speed_table
    from planner.verify import plan_violations

    params = scenario.parameters
    table = table or load_speed_table()
    time_limit_s = params.time_limit_s if time_limit_s is None else time_limit_s
    seed = params.seed if seed is None else seed
    needs, skipped = visit_needs(scenario)
    sites = site_coordinates(scenario, needs)
    matrices = travel_matrices(G, sites, params.season, table, params.walk_offroad_m,
                               params.walk_limit_m, params.walk_detour_factor)
    dry_reachable = None
    if params.season == "wet":
        dry = travel_matrices(G, sites, "dry", table, params.walk_offroad_m,
                              params.walk_limit_m, params.walk_detour_factor)
        dry_reachable = {i for i in range(len(sites))
                         if dry.travel_s[0, i] < UNREACHABLE and dry.access[i].reachable}
    kept, unreachable = prefilter(scenario, needs, matrices, dry_reachable)
    problem = build_problem(scenario, kept, matrices)
    solution = solve(problem, time_limit_s=time_limit_s, seed=seed)
    plan = build_plan(scenario, kept, problem, solution, matrices, skipped + unreachable,
                      time_limit_s, seed)
    site_of = {n.household.id: k + 1 for k, n in enumerate(needs)}
    violations = plan_violations(plan, scenario, matrices, site_of)
    if violations:
        raise PlannerError("the plan breaks its own rules (a bug; please report it): "
                           + "; ".join(violations[:5]))
    return plan, matrices, problem
