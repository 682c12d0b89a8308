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


def common_windows(residents) -> tuple[Window, ...] | None:
    """When all ``residents`` are at home: ``()`` any time, None never."""
    windows: tuple[Window, ...] = ()
    for r in residents:
        if r.windows:
            windows = _intersect(windows, r.windows) if windows else r.windows
            if not windows:
                return None
    return windows


def home_need(h: Household, home: tuple, params) -> tuple[VisitNeed | None, Unserved | None]:
    """The home visit enrolling ``home`` residents of ``h``, or why there is none."""
    windows = common_windows(home)
    if windows is None:
        return None, Unserved(
            h.id, "residents are never at home at the same time: "
                  + "; ".join(f"{r.id} {_windows_text(r.windows) or 'any time'}"
                              for r in home), "windows_disjoint")
    service = params.household_setup_s + sum(params.service_for(r.condition) for r in home)
    prize = PRIZE_BASE + sum(PRIZE_CONDITION[r.condition] for r in home) \
        + PRIZE_PER_WAITING_DAY * max(r.waiting_days for r in home)
    return VisitNeed(h, service, windows, prize), None


def visit_needs(scenario: Scenario) -> tuple[list[VisitNeed], list[Unserved]]:
    """Split households into home visits and those not visited at home today
    (``home`` and ``auto`` residents count as home visits; the campaign uses
    this; the day planner uses ``planner.modes.day_needs``)."""
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
        need, problem = home_need(h, tuple(home), params)
        if need is not None:
            needs.append(need)
        else:
            skipped.append(problem)
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
        elif need.windows and all(
                w.end_s <= earliest_start + there + need.service_s
                or w.start_s + need.service_s + back > latest_end for w in need.windows):
            reason = (f"only home {_windows_text(need.windows)}: none of these hours falls "
                      f"in a shift (a team can be there from "
                      f"{format_clock(earliest_start + there)} and must be back by "
                      f"{format_clock(latest_end)})")
            code = "window_outside_shift"
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
               time_limit_s: float, seed: int, nodes: list | None = None,
               units: list | None = None) -> Plan:
    """Timed stops from the engine's routes; dropped visits become unserved.

    ``nodes`` (``planner.modes.Node`` per problem node) and ``units`` (one per
    vehicle) describe a problem with every mode; without them the problem's
    nodes are the ``kept`` home visits and each team is one vehicle.
    """
    from planner.modes import Node, Unit

    if nodes is None:
        nodes = [Node("depot", 0)] + [Node("visit", site, need) for site, need in kept]
    if units is None:
        units = [Unit(t, "", 0, t.kits > 0) for t in scenario.teams]
    routes: list[Route] = []
    for rs in solution.routes:
        unit = units[rs.vehicle]
        routes.append(_route(scenario, unit, rs, nodes, problem, matrices))
    visited = {node for rs in solution.routes for node in rs.nodes}
    unserved = list(unserved) + _dropped(nodes, problem, visited)
    order = {h.id: i for i, h in enumerate(scenario.households)}
    modes = {"home": 0, "shuttle": 1, "point": 2}
    unserved.sort(key=lambda u: (order.get(u.household, 0), modes.get(u.mode, 3)))
    notes = []
    if scenario.fictional:
        notes.append("Fictional demo data: every name, person and road is made up.")
    return Plan(date=scenario.date, scenario=scenario.name, fictional=scenario.fictional,
                season=scenario.parameters.season, engine=solution.engine,
                routes=tuple(routes), unserved=tuple(unserved),
                objective=solution.objective, seed=seed, time_limit_s=time_limit_s,
                notes=tuple(notes))


def _dropped(nodes: list, problem: RoutingProblem, visited: set[int]) -> list[Unserved]:
    """Unserved entries for what the engine left out."""
    out: list[Unserved] = []
    in_group = {n for group, _ in problem.groups for n in group}
    for group, _ in problem.groups:
        if not visited & set(group):
            need = nodes[group[0]].need
            out.append(Unserved(need.household.id, "no time left in tomorrow's shifts for a "
                                "home visit or a collection point: the teams are full with "
                                "higher-priority work", "no_capacity"))
    for k, node in enumerate(nodes):
        if k in visited or k in in_group or k == 0:
            continue
        if node.kind == "visit":
            out.append(Unserved(node.need.household.id, "no time left in tomorrow's shifts: "
                                "the teams are full with higher-priority visits",
                                "no_capacity"))
        elif node.kind == "pickup_home":
            out.append(Unserved(node.need.household.id, "the search found no room for this "
                                "shuttle to the office in tomorrow's routes (the teams are "
                                "full; a longer --time-limit may find some)", "no_capacity",
                                "shuttle"))
        elif node.kind == "point":
            place = node.need.place.name
            for h in node.need.invited:
                out.append(Unserved(h.id, f"the collection point at {place} is not opened "
                                    "tomorrow: the teams are full with higher-priority work",
                                    "point_not_opened", "point"))
    return out


def _route(scenario: Scenario, unit, rs, nodes: list, problem: RoutingProblem,
           matrices: TravelMatrices) -> Route:
    """One route's timed stops (start, visits, shuttle stops, points, lunch, end)."""
    team = unit.team
    station = scenario.station
    stops: list[Stop] = [Stop("start", rs.start_s, rs.start_s, station.lon, station.lat)]
    # OR-Tools may place a break before the route starts or after it ends:
    # then the team is at the station and the break is not part of the route
    breaks = [b for b in rs.breaks if rs.nodes and b[0] < rs.end_s
              and b[0] + b[1] > rs.start_s]
    prev_node, depart, onboard = 0, rs.start_s, 0
    legs = list(zip(rs.nodes, rs.service_start_s, strict=True)) + [(0, rs.end_s)]
    for k, (node, begin) in enumerate(legs):
        last = k == len(legs) - 1
        info = nodes[node]
        travel = int(problem.travel_s[prev_node, node])
        setup = problem.leg_s(prev_node, node) - travel if not last else 0
        dist = int(problem.distance_m[prev_node, node])
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
            if b_start >= arrive:  # lunch at the destination, then the work there
                lon, lat = _node_lonlat(scenario, info, last)
                at_office = last or info.kind in ("dropoff_office", "pickup_office")
                stops.append(Stop(
                    "break", b_start, b_start + b_dur, lon, lat, travel_s=travel, travel_m=dist,
                    household=None if at_office or info.place is not None
                    else info.need.household.id,
                    place="office" if at_office and not last else
                    (info.place.name if info.place is not None else ""),
                    village=info.village if info.place is not None else ""))
                travel, dist = 0, 0
                arrive = b_start + b_dur
            else:  # lunch before leaving, or on the way, near the last stop
                here = stops[-1]
                stops.append(Stop("break", b_start, b_start + b_dur, here.lon, here.lat,
                                  household=here.household if here.kind == "visit" else None))
                arrive += b_dur
        if last:
            stops.append(Stop("end", arrive, arrive, station.lon, station.lat,
                              travel_s=travel, travel_m=dist))
            break
        service = int(problem.service_s[node])
        stop = _node_stop(scenario, info, arrive, begin, service, setup, travel, dist,
                          matrices, onboard)
        if stop.kind in ("pickup", "dropoff"):
            onboard = stop.onboard
        previous = stops[-1]
        if stop.kind == "point" and previous.kind == "point" and previous.place == stop.place \
                and not travel and not setup:
            stops[-1] = _merge_points(previous, stop)
        else:
            stops.append(stop)
        prev_node, depart = node, begin + service
    distance = sum(s.travel_m for s in stops)
    duration = stops[-1].depart_s - stops[0].arrive_s if rs.nodes else 0
    if not rs.nodes:  # an idle unit stays at the station
        stops = [stops[0], Stop("end", rs.start_s, rs.start_s, station.lon, station.lat)]
    return Route(team=team.id, stops=tuple(stops), distance_m=int(distance),
                 duration_s=int(duration), unit=unit.kind)


def _node_lonlat(scenario: Scenario, info, last: bool) -> tuple[float, float]:
    if last or info.kind in ("depot", "dropoff_office", "pickup_office"):
        return scenario.station.lon, scenario.station.lat
    if info.place is not None:
        return info.place.lon, info.place.lat
    return info.need.household.lon, info.need.household.lat


def _node_stop(scenario: Scenario, info, arrive: int, begin: int, service: int, setup: int,
               travel: int, dist: int, matrices: TravelMatrices, onboard: int) -> Stop:
    """The stop for one problem node, reached at ``arrive``, serving from ``begin``."""
    access = matrices.access[info.site]
    walk = access.walk_m > 0 and info.site != 0
    common = dict(travel_s=int(travel), travel_m=int(dist),
                  walk_m=int(round(access.walk_m)) if walk else 0,
                  park_lon=access.park_lon if walk else None,
                  park_lat=access.park_lat if walk else None)
    if info.kind == "visit":
        h = info.need.household
        return Stop("visit", arrive, begin + service, h.lon, h.lat, household=h.id,
                    service_s=service, wait_s=begin - arrive, approximate=h.approximate,
                    place="home", **common)
    if info.kind in ("point", "attend"):
        need = info.need
        place = info.place
        households = tuple(h.id for h in need.invited) if info.kind == "point" \
            else (need.household.id,)
        return Stop("point", arrive, begin + service, place.lon, place.lat, service_s=service,
                    wait_s=begin - arrive - setup, place=place.name, village=info.village,
                    opens_s=begin, attendance=round(float(need.attendance), 2),
                    households=households, **common)
    need = info.need
    h = need.household
    passengers = tuple(r.id for r in need.residents)
    n = len(passengers)
    kind, place = {"pickup_home": ("pickup", "home"), "dropoff_office": ("dropoff", "office"),
                   "pickup_office": ("pickup", "office"),
                   "dropoff_home": ("dropoff", "home")}[info.kind]
    at_home = place == "home"
    lon, lat = (h.lon, h.lat) if at_home else (scenario.station.lon, scenario.station.lat)
    if not at_home:
        common.update(walk_m=0, park_lon=None, park_lat=None)
    return Stop(kind, arrive, begin + service, lon, lat, household=h.id, service_s=service,
                wait_s=begin - arrive, approximate=h.approximate and at_home, place=place,
                passengers=passengers, onboard=onboard + (n if kind == "pickup" else -n),
                **common)


def _merge_points(a: Stop, b: Stop) -> Stop:
    """Two consecutive nodes of one collection point make one stop."""
    from dataclasses import replace

    return replace(a, depart_s=b.depart_s, service_s=b.depart_s - a.opens_s,
                   attendance=round(a.attendance + b.attendance, 2),
                   households=a.households + b.households)


def site_coordinates(scenario: Scenario, needs: list[VisitNeed]) -> list[tuple[float, float]]:
    """(lon, lat) of the station then of each visit, in ``needs`` order."""
    return [(scenario.station.lon, scenario.station.lat)] + \
        [(n.household.lon, n.household.lat) for n in needs]


def plan_day(scenario: Scenario, G, table=None, time_limit_s: float | None = None,
             seed: int | None = None) -> tuple[Plan, TravelMatrices, RoutingProblem]:
    """Plan one day for every team, every mode. Returns the plan, the matrices
    (rows: the station, then ``plan_sites(scenario)``) and the problem."""
    from planner.engine import solve
    from planner.matrix import travel_matrices
    from planner.modes import (
        build_day_problem,
        drop_half_shuttles,
        shuttle_check,
        site_check,
        team_units,
    )
    from planner.speeds import load_speed_table
    from planner.verify import plan_violations

    params = scenario.parameters
    table = table or load_speed_table()
    time_limit_s = params.time_limit_s if time_limit_s is None else time_limit_s
    seed = params.seed if seed is None else seed
    day, site_of, coords = plan_sites(scenario)
    matrices = travel_matrices(G, coords, params.season, table, params.walk_offroad_m,
                               params.walk_limit_m, params.walk_detour_factor)
    dry_reachable = None
    if params.season == "wet":
        dry = travel_matrices(G, coords, "dry", table, params.walk_offroad_m,
                              params.walk_limit_m, params.walk_detour_factor)
        dry_reachable = {i for i in range(len(coords))
                         if dry.travel_s[0, i] < UNREACHABLE and dry.access[i].reachable}
    # home visits (and the home option of auto households): sites 1..K in order
    home_needs = list(day.home) + [a.home for a in day.auto if a.home is not None]
    kept, unserved = prefilter(scenario, home_needs, matrices, dry_reachable)
    kept_sites = {need.household.id: site for site, need in kept}
    n_home = len(day.home)
    auto_ids = {a.household.id for a in day.auto}
    unserved = [u for u in unserved if u.household not in auto_ids]
    kept_home = [(site, need) for site, need in kept if site <= n_home]
    units = team_units(scenario)
    points, autos, shuttles = [], [], []
    open_villages: set[str] = set()
    for need in day.points:
        site = site_of[f"point:{need.village.id}"]
        problem = site_check(scenario, matrices, site, dry_reachable, "point", "")
        if problem is not None:
            unserved += [Unserved(h.id, f"the collection point at {need.place.name}: "
                                  + problem.reason, problem.code, "point")
                         for h in need.invited]
            continue
        if not any(u.has_kit for u in units):
            unserved += [Unserved(h.id, "no team has an enrolment kit to open a collection "
                                  "point", "no_kit", "point") for h in need.invited]
            continue
        points.append((site, need))
        open_villages.add(need.village.id)
    for need in day.auto:
        village = need.household.village_id
        point_site = site_of[f"point:{village}"]
        home_site = kept_sites.get(need.household.id)
        if site_check(scenario, matrices, point_site, dry_reachable, "home", "") is not None \
                or not any(u.has_kit for u in units):
            if home_site is None:
                unserved.append(Unserved(need.household.id, "neither a home visit nor the "
                                         "village's collection point can be reached",
                                         "no_route"))
                continue
            kept_home.append((home_site, need.home))
            continue
        autos.append((home_site, point_site, need))
    for need in day.shuttle:
        site = site_of[need.household.id]
        problem = site_check(scenario, matrices, site, dry_reachable, "shuttle",
                             need.household.id) \
            or shuttle_check(scenario, need, site, matrices, units)
        if problem is not None:
            unserved.append(problem)
            continue
        shuttles.append((site, need))
    problem, nodes = build_day_problem(scenario, kept_home, autos, shuttles, points, matrices,
                                       units, day.places)
    solution = drop_half_shuttles(solve(problem, time_limit_s=time_limit_s, seed=seed), nodes)
    plan = build_plan(scenario, kept_home, problem, solution, matrices,
                      day.skipped + unserved, time_limit_s, seed, nodes, units)
    if problem.num_nodes > 1 and not any(r.nodes for r in solution.routes):
        from dataclasses import replace

        plan = replace(plan, notes=plan.notes + (
            f"The search found no routes within its time limit ({time_limit_s:g} s of work, "
            "this machine may be busy): plan again with a larger --time-limit.",))
    violations = plan_violations(plan, scenario, matrices, site_of)
    if violations:
        raise PlannerError("the plan breaks its own rules (a bug; please report it): "
                           + "; ".join(violations[:5]))
    return plan, matrices, problem


def plan_sites(scenario: Scenario):
    """The day's needs, and the matrix rows: ``(needs, site_of, coords)``.

    Rows: 0 the station; then the home visits; then the home option of auto
    households; then other households to shuttle; then one collection-point
    place per village. ``site_of`` maps a household id, or ``point:<village>``,
    to its row.
    """
    from planner.modes import day_needs

    day = day_needs(scenario)
    coords = [(scenario.station.lon, scenario.station.lat)]
    site_of: dict[str, int] = {}
    for need in list(day.home) + [a.home for a in day.auto if a.home is not None]:
        site_of[need.household.id] = len(coords)
        coords.append((need.household.lon, need.household.lat))
    for need in day.shuttle:
        if need.household.id not in site_of:
            site_of[need.household.id] = len(coords)
            coords.append((need.household.lon, need.household.lat))
    for village_id, place in day.places.items():
        site_of[f"point:{village_id}"] = len(coords)
        coords.append((place.lon, place.lat))
    return day, site_of, coords
