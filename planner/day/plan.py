"""The day planner: a validated scenario and travel matrices in, a ``Plan`` out.

``plan_day`` composes named parts:

1. ``day_needs``       — home visits, shuttles, collection points and choices, with
   their service times (``planner.day.needs``);
2. ``prefilter``, ``site_check``, ``shuttle_check`` — what no team could serve,
   with the reason in words;
3. ``build_day_problem`` — the ``RoutingProblem`` arrays (windows, breaks,
   lexicographic prizes);
4. ``solve_by_tier`` — routes, solved tier by tier with ``planner.engine.solve``
   (or ``solve_fn``): what earlier tiers got is mandatory at the next stage
   (``planner.day.stages``, which says how the time limit is split);
5. ``drop_lone_points``, ``retime_rides``, ``repair_priorities``,
   ``retime_points``, ``place_shuttles`` — points opened for the invited, for at least the
   minimum slot, or not at all; every route timed by the one rule (lunch
   before or after a ride, never during it); the tier rule made exact (a
   left-out visit placed in any order of a route's stops that fits); routes
   that open points timed tightly (no idle hour before a point opens); a
   shuttle left out placed where it fits as one trip on its own
   (``planner.day.shuttles``, whose check its reason states);
6. ``build_plan``      — timed stops (start, visits, shuttle stops, points,
   break, end) and the unserved list;
7. ``plan_violations`` — the self-check, before anything is written.

Priorities (``docs/priorities.md``): urgency is lexicographic, by
construction. The day is solved tier by tier (``planner.day.stages``); inside
a stage every part of the tier is optional with a prize (within a tier the
days waited and the presence chance; travel only breaks ties); after the
search ``planner.day.repair.repair_priorities`` makes the rule exact: no home
visit is left out for capacity while a route allowed to take it could, in
some order of its stops of the same or a higher tier. The self-check proves
it on every plan with the same exact search (``planner.day.orders``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import replace

from planner.day.chances import DayChances
from planner.day.needs import (
    AutoNeed,
    DayNeeds,
    PointNeed,
    PointSlot,
    Steer,
    Unit,
    VisitNeed,
    away_at_visit,
    day_needs,
    no_duty_reason,
    steered,
    team_units,
)
from planner.day.problem import (
    Node,
    build_day_problem,
    day_shuttles,
    prefilter,
    site_check,
)
from planner.day.repair import drop_lone_points, repair_priorities, retime_points, retime_rides
from planner.day.shuttles import place_shuttles, shuttle_quads, shuttle_reason
from planner.day.stages import keep_orders, order_nodes, solve_by_tier
from planner.day.verify import plan_violations
from planner.domain import Household, Parameters, Plan, Route, Scenario, Stop, Unserved
from planner.engine import solve
from planner.errors import PlannerError
from planner.legs import attach_legs
from planner.matrix import UNREACHABLE, TravelMatrices, travel_matrices
from planner.presence import PresenceModel
from planner.priorities import part_tier, tier_name
from planner.problem import RoutingProblem, Solution
from planner.roads.info import fiction_note
from planner.rules import (
    RouteHolding,
    capacity_reason,
    day_limits,
    home_residents,
    unserved_residents,
    visit_hours,
)
from planner.speeds import LEARNT_NOTE, default_season, load_speed_table, planning_season

#: Travel matrices for sites ``coords`` ((lon, lat), row 0 the station) in a season.
MatricesFor = Callable[[list[tuple[float, float]], str], TravelMatrices]
#: An engine: ``(problem, time_limit_s, seed) -> Solution``.
SolveFn = Callable[[RoutingProblem, float, int], Solution]


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
               units: list | None = None, no_home: Mapping[str, str] | None = None) -> Plan:
    """Timed stops from the engine's routes; dropped visits become unserved.

    ``nodes`` (``planner.day.problem.Node`` per problem node) and ``units`` (one per
    vehicle) describe a problem with every mode; without them the problem's
    nodes are the ``kept`` home visits and each team is one vehicle.
    ``no_home`` gives, for ``auto`` households that cannot be visited at home,
    why not.
    """

    if nodes is None:
        order = scenario.parameters.priorities
        nodes = [Node("depot", 0)] + [Node("visit", site, need,
                                           tier=part_tier(need.residents, order))
                                      for site, need in kept]
    if units is None:
        units = [Unit(t, "", 0, t.kits > 0) for t in scenario.teams]
    routes: list[Route] = []
    for rs in solution.routes:
        unit = units[rs.vehicle]
        routes.append(_route(scenario, unit, rs, nodes, problem, matrices))
    visited = {node for rs in solution.routes for node in rs.nodes}
    dropped = _dropped(scenario, nodes, problem, visited, no_home or {}, unserved, solution,
                       units)
    moved = {(u.household, u.mode) for u in dropped}
    # (the residents a split household leaves for another day stay listed
    # beside its dropped visit)
    unserved = [u for u in unserved if (u.household, u.mode) not in moved
                or u.code == "windows_disjoint"] + dropped
    order = {h.id: i for i, h in enumerate(scenario.households)}
    modes = {"home": 0, "shuttle": 1, "point": 2}
    unserved.sort(key=lambda u: (order.get(u.household, 0), modes.get(u.mode, 3)))
    by_id = {h.id: h for h in scenario.households}
    params = scenario.parameters
    unserved = [replace(u, residents=tuple(r.id for r in unserved_residents(
        by_id[u.household], u.mode, u.code, params, visit_hours(scenario))))
        if u.household in by_id and not u.residents else u for u in unserved]
    unserved = away_at_visit(routes, unserved, by_id)
    notes = []
    if scenario.fictional:
        notes.append(fiction_note(True, matrices.roads))
    return Plan(date=scenario.date, scenario=scenario.name, fictional=scenario.fictional,
                season=scenario.parameters.season, engine=solution.engine,
                routes=tuple(routes), unserved=tuple(unserved),
                objective=solution.objective, seed=seed, time_limit_s=time_limit_s,
                notes=tuple(notes), roads=matrices.roads)


def route_holdings(solution: Solution, nodes: list, units: list, tier: int,
                   ) -> list[RouteHolding]:
    """What each route allowed to take a home visit of ``tier`` holds of the
    same or a higher tier (``planner.rules.capacity_reason``): its unit has the
    kit and the ``home`` duty; its visits by condition, its collection-point
    openings (a point's consecutive nodes, of their most urgent tier) and its
    shuttle stops (kept at their times whatever the tier)."""
    out: list[RouteHolding] = []
    for rs in solution.routes:
        unit = units[rs.vehicle]
        if not (unit.has_kit and unit.does("home")):
            continue
        visits: dict[int, int] = {}
        openings: list[int] = []
        shuttle = 0
        last_place = None
        for n in rs.nodes:
            node = nodes[n]
            if node.kind in ("point", "attend"):
                if last_place is not None and node.village == last_place:
                    openings[-1] = min(openings[-1], node.tier)
                else:
                    openings.append(node.tier)
                last_place = node.village
                continue
            last_place = None
            if node.kind == "visit" and node.tier <= tier:
                visits[node.tier] = visits.get(node.tier, 0) + 1
            elif node.kind in ("pickup_home", "dropoff_office", "pickup_office",
                               "dropoff_home"):
                shuttle += 1
        out.append((unit.name, tuple((k, visits[k]) for k in sorted(visits)),
                    sum(1 for t in openings if t <= tier), shuttle))
    return out


def _capacity_text(scenario: Scenario, holdings: list[RouteHolding], tier: int) -> str:
    """The words for a home visit left out for capacity (``no_capacity``):
    what the self-check proves of it (``planner.day.verify``)."""
    order = scenario.parameters.priorities
    named = [(name, tuple((tier_name(k, order), n) for k, n in visits), points, shuttle)
             for name, visits, points, shuttle in holdings]
    return capacity_reason(tier_name(tier, order), named)


def _dropped(scenario: Scenario, nodes: list, problem: RoutingProblem,
             visited: set[int], no_home: Mapping[str, str],
             unserved: list[Unserved], solution: Solution, units: list) -> list[Unserved]:
    """Unserved entries for what the engine left out (and, for a point left
    closed, in place of the ``point_full`` entries of its village)."""
    out: list[Unserved] = []

    def capacity_text(tier: int) -> str:
        return _capacity_text(scenario, route_holdings(solution, nodes, units, tier), tier)

    village_of = {h.id: h.village_id for h in scenario.households}
    in_group = {n for group, _ in problem.groups for n in group}
    params = scenario.parameters
    for group, _ in problem.groups:
        if not visited & set(group):
            node = nodes[group[0]]
            has_home = any(nodes[k].kind == "visit" for k in group)
            hid = node.need.household.id
            reason = capacity_text(node.tier) if has_home else (
                "its village's collection point is not opened for it tomorrow (a point "
                f"opens for at least {params.point_min_slot_s // 60} min, for the residents "
                "invited to it, where a team has room), and a home visit is not possible: "
                + no_home.get(hid, "no team could make it"))
            out.append(Unserved(hid, reason, "no_capacity"))
    for k, node in enumerate(nodes):
        if k in visited or k in in_group or k == 0:
            continue
        if node.kind == "visit":
            out.append(Unserved(node.need.household.id, capacity_text(node.tier),
                                "no_capacity", residents=tuple(r.id for r in
                                                               node.need.residents)))
        elif node.kind == "pickup_home":  # what ``place_shuttles`` found of every route
            quad = next(q for q in shuttle_quads(nodes) if q[0] == k)
            out.append(shuttle_reason(problem, nodes, solution, quad, node.need.office_s))
        elif node.kind == "point":
            slot = params.point_setup_s + int(problem.service_s[k])
            reason = (f"the collection point at {node.need.place.name} is not opened "
                      f"tomorrow: no team that runs collection points has {slot / 3600:.1f} h "
                      "left for its slot (set-up "
                      f"and {node.need.attendance:.0f} expected) besides its visits of the "
                      "same or a higher priority")
            out += [Unserved(h.id, reason, "point_not_opened", "point")
                    for h in node.need.invited]
            # those its slot could not hold are not told it is full: it does not open
            village = node.need.village.id
            out += [Unserved(u.household, reason, "point_not_opened", "point")
                    for u in unserved if u.code == "point_full"
                    and village_of.get(u.household) == village]
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
                # in the ride: officers rather eat before leaving, or on arrival when
                # the rule allows (before a set-up, it counts as during the ride)
                if depart >= earliest:
                    b_start = depart
                elif arrive <= latest and (not setup or arrive + b_dur + travel + setup <= begin):
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
                # the time there before the break went to the point's set-up
                setup = max(0, setup - (b_start - arrive))
                travel, dist = 0, 0
                arrive = b_start + b_dur
            else:  # lunch before leaving, then the ride (``planner.day.timing``)
                b_start = max(b_start, depart)
                here = stops[-1]
                stops.append(Stop("break", b_start, b_start + b_dur, here.lon, here.lat,
                                  household=here.household if here.kind == "visit" else None))
                arrive = b_start + b_dur + travel
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
                    place="home", passengers=tuple(r.id for r in info.need.residents),
                    **common)
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

    return replace(a, depart_s=b.depart_s, service_s=b.depart_s - a.opens_s,
                   attendance=round(a.attendance + b.attendance, 2),
                   households=a.households + b.households)


def site_coordinates(scenario: Scenario, needs: list[VisitNeed]) -> list[tuple[float, float]]:
    """(lon, lat) of the station then of each visit, in ``needs`` order."""
    return [(scenario.station.lon, scenario.station.lat)] + \
        [(n.household.lon, n.household.lat) for n in needs]


def graph_matrices(G, table, params) -> MatricesFor:
    """A ``MatricesFor`` that computes travel matrices on road graph ``G``."""
    def matrices_for(coords: list[tuple[float, float]], season: str) -> TravelMatrices:
        return travel_matrices(G, coords, season, table, params.walk_offroad_m,
                               params.walk_limit_m, params.walk_detour_factor)
    return matrices_for


def plan_day(scenario: Scenario, G=None, table=None, time_limit_s: float | None = None,
             seed: int | None = None, matrices_for: MatricesFor | None = None,
             solve_fn: SolveFn | None = None,
             point_next_open: Mapping[str, dt.date] | None = None,
             relocate: bool = True,
             presence: PresenceModel | None = None,
             point_slots: Mapping[str, PointSlot] | None = None,
             steer: Steer | None = None,
             ) -> tuple[Plan, TravelMatrices, RoutingProblem]:
    """Plan one day for every team, every mode. Returns the plan, the matrices
    (rows: the station, then ``plan_sites(scenario)``) and the problem.

    Travel matrices come from ``matrices_for(coords, season)`` (rows and
    columns in ``coords`` order, (lon, lat)); by default they are computed on
    road graph ``G`` (a campaign passes one that slices matrices it computed
    once). ``solve_fn(problem, time_limit_s, seed)`` is the engine
    (``planner.engine.solve`` by default). With ``G``, every stop carries the
    road geometry of the leg that reaches it (``planner.legs.attach_legs``).
    ``point_next_open`` (village id →
    date, from a campaign) names the next day a village's point opens in the
    reason given to those a full point cannot take. ``relocate=False`` (a
    staffing sweep's fidelity) skips the priority repair's relocations
    (``planner.day.repair.repair_priorities``); the self-check is the same.

    ``presence`` (a ``planner.presence.PresenceModel``) steers home visits
    to the hours their households are likely at home and weighs them by that
    chance inside their tier (``planner.day.chances``); each home visit then
    carries a ``PresenceNote`` for the itinerary. None: every household is
    assumed at home within its windows.

    ``point_slots`` (village id → ``PointSlot``, from a campaign: the points
    already announced) holds each such point at its announced place and hour.

    ``steer`` (the day's decisions, ``needs.Steer``): musts first, locks, fixed
    orders kept (``stages.keep_orders``); what cannot hold is in ``not_honoured``.
    """

    table = table or load_speed_table()  # given by the command's entry: read once there
    if not scenario.parameters.season:  # a scenario made in code: the table's default season
        scenario = replace(scenario, parameters=replace(
            scenario.parameters, season=planning_season(table, scenario.parameters.season)))
    params = scenario.parameters
    if matrices_for is None:
        if G is None:
            raise ValueError("plan_day needs a road graph G or a matrices_for")
        matrices_for = graph_matrices(G, table, params)
    solve_fn = solve if solve_fn is None else solve_fn
    time_limit_s = params.time_limit_s if time_limit_s is None else time_limit_s
    seed = params.seed if seed is None else seed
    day, site_of, coords = plan_sites(scenario, point_next_open, point_slots)
    matrices = matrices_for(coords, params.season)
    dry_reachable = None  # sites reachable in the default season, to explain closures
    base_season = default_season(table)
    if params.season != base_season:
        dry = matrices_for(coords, base_season)
        dry_reachable = {i for i in range(len(coords))
                         if dry.travel_s[0, i] < UNREACHABLE and dry.access[i].reachable}
    # home visits (and the home option of auto households): sites 1..K in order
    home_needs = list(day.home) + [a.home for a in day.auto if a.home is not None]
    kept, unserved = prefilter(scenario, home_needs, matrices, dry_reachable)
    kept_sites = {need.household.id: site for site, need in kept}
    n_home = len(day.home)
    auto_ids = {a.household.id for a in day.auto}
    no_home = {u.household: u.reason for u in unserved if u.household in auto_ids}
    unserved = [u for u in unserved if u.household not in auto_ids]
    kept_home = [(site, need) for site, need in kept if site <= n_home]
    units = team_units(scenario)
    points = _open_points(scenario, day, site_of, matrices, dry_reachable, units, unserved)
    autos = _auto_choices(scenario, day, site_of, matrices, dry_reachable, units, kept_sites,
                          no_home, kept_home, unserved)
    shuttles = day_shuttles(scenario, day.shuttle, site_of, matrices, dry_reachable, units,
                            unserved)
    chances = DayChances(presence, scenario.date.weekday()) if presence is not None else None
    offered, weights = _preferred_hours(scenario, kept_home, chances)
    problem, nodes = build_day_problem(scenario, offered, autos, shuttles, points, matrices,
                                       units, day.places, weights, point_slots, steer)
    problem, nodes, solution = _solve_day(problem, nodes, solve_fn, time_limit_s, seed, params,
                                          relocate, offered, kept_home)
    failed: set[str] = set()
    if steer and steer.orders:
        solution, stuck = keep_orders(problem, nodes, solution, order_nodes(steer, nodes, units))
        failed = {units[v].team.id for v in stuck}
    plan = build_plan(scenario, kept_home, problem, solution, matrices,
                      day.skipped + unserved, time_limit_s, seed, nodes, units, no_home)
    if steer:
        plan = replace(plan, not_honoured=steered(plan, steer, failed))
        steer = steer.without_orders(failed)
    if problem.num_nodes > 1 and not any(r.nodes for r in solution.routes):
        plan = replace(plan, notes=plan.notes + (
            f"The search found no routes within its time limit ({time_limit_s:g} s of work, "
            "this machine may be busy): plan again with a larger --time-limit.",))
    violations = plan_violations(plan, scenario, matrices, site_of, point_slots, steer)
    if violations:
        raise PlannerError("the plan breaks its own rules (a bug; please report it): "
                           + "; ".join(violations[:5]))
    if chances is not None:
        plan = _presence_notes(plan, scenario, chances)
    plan = replace(plan, notes=plan.notes + (LEARNT_NOTE,)) if "calibration" in table else plan
    if G is not None:  # each leg's road geometry, for the renderers
        plan = attach_legs(plan, scenario, G, table, matrices)
    return plan, matrices, problem


def _open_points(scenario: Scenario, day: DayNeeds, site_of: dict[str, int],
                 matrices: TravelMatrices, dry_reachable: set[int] | None,
                 units: list[Unit], unserved: list[Unserved],
                 ) -> list[tuple[int, PointNeed]]:
    """The collection points the teams can open, as ``(site, need)``; every
    household invited to one they cannot (not reachable, no kit, no team with
    the duty) is appended to ``unserved`` with the reason."""
    points = []
    for need in day.points:
        site = site_of[f"point:{need.village.id}"]
        problem = site_check(scenario, matrices, site, dry_reachable, "point", "")
        if problem is not None:
            unserved += [Unserved(h.id, f"the collection point at {need.place.name}: "
                                  + problem.reason, problem.code, "point")
                         for h in need.invited]
            continue
        if not any(u.has_kit for u in units) and not any(t.kits for t in scenario.teams):
            unserved += [Unserved(h.id, "no team has an enrolment kit to open a collection "
                                  "point", "no_kit", "point") for h in need.invited]
            continue
        if not any(u.does("point") for u in units):
            unserved += [Unserved(h.id, no_duty_reason("point"), "no_duty", "point")
                         for h in need.invited]
            continue
        points.append((site, need))
    return points


def _auto_choices(scenario: Scenario, day: DayNeeds, site_of: dict[str, int],
                  matrices: TravelMatrices, dry_reachable: set[int] | None,
                  units: list[Unit], kept_sites: dict[str, int], no_home: dict[str, str],
                  kept_home: list[tuple[int, VisitNeed]], unserved: list[Unserved],
                  ) -> list[tuple[int | None, int, AutoNeed]]:
    """The auto households left to the search to choose home or point, as
    ``(home site or None, point site, need)``. One whose village point cannot
    be used becomes a home visit (appended to ``kept_home``) or, with no home
    visit either, unserved (appended to ``unserved``; ``no_home``: household
    id → why no home visit)."""
    autos = []
    for need in day.auto:
        village = need.household.village_id
        point_site = site_of[f"point:{village}"]
        home_site = kept_sites.get(need.household.id)
        no_point = not any(u.does("point") for u in units)
        if site_check(scenario, matrices, point_site, dry_reachable, "home", "") is not None \
                or no_point:
            if home_site is None and no_point:
                unserved.append(Unserved(
                    need.household.id, no_duty_reason("point") + ", and a home visit is "
                    "not possible: " + no_home.get(need.household.id, "no team could make it"),
                    "no_duty"))
                continue
            if home_site is None:
                unserved.append(Unserved(need.household.id, "neither a home visit nor the "
                                         "village's collection point can be reached",
                                         "no_route"))
                continue
            kept_home.append((home_site, need.home))
            continue
        autos.append((home_site, point_site, need))
    return autos


def _solve_day(problem: RoutingProblem, nodes: list[Node], solve_fn: SolveFn,
               time_limit_s: float, seed: int, params: Parameters, relocate: bool,
               offered: list[tuple[int, VisitNeed]], kept_home: list[tuple[int, VisitNeed]],
               ) -> tuple[RoutingProblem, list[Node], Solution]:
    """Search, then the repairs: both trips of a shuttle or neither, points
    opened for at least ``params.point_min_slot_s`` or not at all, the tier rule
    made true, then (when the home visits were ``offered`` at their preferred
    hours only) again with any hour of their windows, points timed tightly,
    and the shuttles left out placed where one fits as a trip on its own
    (``planner.day.shuttles``). Returns the problem and nodes the solution is for."""
    solution = solve_by_tier(problem, nodes, solve_fn, time_limit_s, seed)
    solution = drop_lone_points(problem, nodes, solution, params.point_min_slot_s)
    solution = retime_rides(problem, nodes, solution)
    solution = repair_priorities(problem, nodes, solution, relocate)
    if offered is not kept_home:  # then any hour of their windows, where a route has room
        problem, nodes = _full_hours(problem, nodes, kept_home)
        solution = repair_priorities(problem, nodes, solution, relocate)
    solution = retime_points(problem, nodes, solution)
    return problem, nodes, place_shuttles(problem, nodes, solution)


def _preferred_hours(scenario: Scenario, kept_home: list[tuple[int, VisitNeed]],
                     chances: DayChances | None,
                     ) -> tuple[list[tuple[int, VisitNeed]], dict[str, float] | None]:
    """The home visits as first offered to the search (their windows narrowed
    to their good hours, ``DayChances.preferred``) and each one's chance;
    ``(kept_home, None)`` without presence."""
    if chances is None:
        return kept_home, None
    teams = [t for t in scenario.teams if t.kits > 0 and "home" in t.duties]
    if not teams:
        return kept_home, None
    limits = [day_limits(scenario, t) for t in teams]
    lo, hi = min(s for s, _ in limits), max(e for _, e in limits)
    weights: dict[str, float] = {}
    offered: list[tuple[int, VisitNeed]] = []
    narrowed = False
    for site, need in kept_home:
        pref, p = chances.preferred(need.household.id, need.residents, need.windows, lo, hi,
                                    need.service_s)
        weights[need.household.id] = p
        if pref is not None and pref != need.windows:
            narrowed = True
            offered.append((site, replace(need, windows=pref)))
        else:
            offered.append((site, need))
    return (offered if narrowed else kept_home), weights


def _full_hours(problem: RoutingProblem, nodes: list[Node],
                kept_home: list[tuple[int, VisitNeed]]) -> tuple[RoutingProblem, list[Node]]:
    """The problem and nodes with the home visits' own windows back (nodes
    ``1..len(kept_home)`` are those visits, in order)."""
    windows = list(problem.windows)
    nodes = list(nodes)
    for k, (_, need) in enumerate(kept_home, start=1):
        windows[k] = tuple((w.start_s, w.end_s - need.service_s) for w in need.windows
                           if w.end_s - need.service_s >= w.start_s)
        nodes[k] = replace(nodes[k], need=need)
    return replace(problem, windows=tuple(windows)), nodes


def _presence_notes(plan: Plan, scenario: Scenario, chances: DayChances) -> Plan:
    """Each home visit with its ``PresenceNote`` (the chance when the visit
    starts), and each pickup at home (the chance of its passengers being in
    when the motorbike arrives)."""
    by_id = {h.id: h for h in scenario.households}

    def noted(s):
        h = by_id.get(s.household or "")
        if h is None:
            return s
        if s.kind == "visit":
            ids = set(s.passengers)
            people = tuple(r for r in h.residents if r.id in ids) or home_residents(
                h, scenario.parameters)
            at = s.depart_s - s.service_s
        elif s.kind == "pickup" and s.place == "home" and s.passengers:
            ids = set(s.passengers)
            people, at = tuple(r for r in h.residents if r.id in ids), s.arrive_s
        else:
            return s
        return replace(s, presence=chances.note(s.household, people, at,
                                                bool(h.contact.strip())))

    routes = [replace(r, stops=tuple(noted(s) for s in r.stops)) for r in plan.routes]
    return replace(plan, routes=tuple(routes))


def plan_sites(scenario: Scenario, point_next_open: Mapping[str, dt.date] | None = None,
               point_slots: Mapping[str, PointSlot] | None = None):
    """The day's needs, and the matrix rows: ``(needs, site_of, coords)``.

    Rows: 0 the station; then the home visits; then the home option of auto
    households; then other households to shuttle; then one collection-point
    place per village. ``site_of`` maps a household id, or ``point:<village>``,
    to its row.
    """

    day = day_needs(scenario, point_next_open, point_slots)
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
