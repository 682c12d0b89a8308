"""Independent checks of a day plan against its scenario and travel matrices.

``plan_violations`` recomputes what must hold and lists every breach in words;
an empty list means the plan is sound. The planner runs it on every plan it
writes, and the tests run it on random scenarios.

What must hold:
- every part of a household (its home visit, its shuttle, its invitation to a
  collection point, and the residents left for another day when some are
  never at home with the others) appears exactly once: in a route or in
  ``unserved``;
- each visit's service (from the service start to departure) lies inside a
  window when all its home-visit residents are in, and each resident the
  visit enrols (its stop's ``passengers``, ``residents`` in ``plan.json``) is
  at home during the whole service (exact, to the second);
- each route leaves no earlier than its team's shift start and returns no
  later than the shift end (and sunset, when asked);
- times along a route never go backwards;
- each leg takes the travel time of the matrices (and at least that long
  between departure and arrival);
- the working day (leave to return) is at most the team's maximum;
- a team that works takes its lunch break inside the lunch window;
- shuttles: each shuttled household is picked up at home, dropped at the
  office, picked up there after its enrolment time and dropped at home, the
  same day, each trip on one unit, within the ride-time limit; the passengers
  on board never exceed the unit's seats; a unit without the kit enrols
  nobody;
- duties (``Team.duties``, ``Unit.does``): a unit makes home visits only with
  the ``home`` duty, runs collection points only with the ``point`` duty and
  carries passengers only with the ``shuttle`` duty;
- collection points open after their set-up time, and each point is open
  for at least the minimum slot (``point_min_slot_s``, set-up included, when
  it is no longer than the longest slot);
- each route's times follow the one timing rule
  (``planner.day.timing.timing_problems``, the rule ``schedule`` builds with):
  the lunch break before or after a ride, never during it;
- priorities (``priority_violations``), exactly: for each household whose
  home visit is left out as ``no_capacity``, and each route of a unit that was
  allowed to take it (with the kit and the ``home`` duty: a team whose duty
  today is the point, or the officer split off to shuttle, could not have
  taken it instead, so it is not compared), *no order* of that route's stops
  of the same or a higher tier (``planner.priorities``; a collection point's
  tier is the most urgent of the parts it serves; its shuttle stops pinned at
  their planned service starts) plus that visit is accepted by the timing
  rule (windows, shift and sunset, working time, lunch, walks, duties):
  ``planner.day.orders.fitting_order``, an exact search over orders. The same
  holds for each collection point left closed (``point_not_opened``), with
  its slot as the stop, against the routes of units with the ``point`` duty.
  An announced point (``point_slots``) is what the routing problem makes it:
  of tier 0 when left closed (timed as announced: ``announced_timing``), and
  on a route kept and pinned at its planned opening (``_pin_announced``),
  never moved to other hours to make room.
  Not checked: ``auto`` households whose only option left is a point, and
  shuttles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from planner.clock import format_clock
from planner.day.needs import (
    DayNeeds,
    PointSlot,
    ShuttleNeed,
    Steer,
    VisitNeed,
    announced_timing,
    day_needs,
    team_units,
)
from planner.day.orders import bound_fits, fitting_order
from planner.day.problem import team_vehicle
from planner.day.timing import Schedule, TimedStop, timing_problems
from planner.domain import Parameters, Plan, Resident, Route, Scenario, Stop, Team
from planner.errors import N_, msg
from planner.matrix import TravelMatrices
from planner.priorities import part_tier
from planner.rules import day_limits, windows_text


def _part(u) -> tuple[str, str]:
    """The household part an unserved entry stands for: the residents left for
    another day (``windows_disjoint``) are a part of their own, beside the
    visit or pickup that serves the others."""
    if u.code != "windows_disjoint":
        return (u.household, u.mode)
    return (u.household, f"{u.mode} later {','.join(u.residents)}")


def plan_violations(plan: Plan, scenario: Scenario, matrices: TravelMatrices,
                    site_of: dict[str, int],
                    point_slots: Mapping[str, PointSlot] | None = None,
                    steer: Steer | None = None) -> list[str]:
    """Every way ``plan`` breaks the rules above; ``site_of`` maps a household
    id (or ``point:<village>``) to its row in ``matrices`` (the station is row 0);
    ``point_slots``: the points announced (``plan_day``'s), held at their hour;
    ``steer``: a person's decisions for the day (locks kept, orders kept,
    ``must`` parts of tier 0: ``steer_violations``)."""

    problems: list[str] = []
    params = scenario.parameters
    day = day_needs(scenario, point_slots=point_slots)
    problems += _part_violations(plan, scenario, day)
    needs = {n.household.id: n for n in day.home}
    needs.update({a.household.id: a.home for a in day.auto if a.home is not None})
    shuttles = {s.household.id: s for s in day.shuttle}
    route_problems, trips = _route_violations(plan, scenario, matrices, site_of, needs, shuttles)
    problems += route_problems
    for hid, events in trips.items():
        problems += _shuttle_violations(hid, events, shuttles.get(hid), params.board_s)
    problems += _timing_violations(plan, scenario, matrices, site_of, day, needs)
    problems += priority_violations(plan, scenario, matrices, site_of, day, point_slots, steer)
    if steer:
        problems += steer_violations(plan, scenario, steer)
    return problems


def _timing_violations(plan: Plan, scenario: Scenario, matrices: TravelMatrices,
                       site_of: dict[str, int], day: DayNeeds,
                       needs: dict[str, VisitNeed]) -> list[str]:
    """Each route's times judged by the one timing rule
    (``planner.day.timing.timing_problems``, the rule ``schedule`` builds
    with): lunch before or after a ride, never during it; windows, shift,
    working time."""
    problems: list[str] = []
    units = {u.name: u for u in team_units(scenario)}
    auto_ids = {a.household.id for a in day.auto}
    tiers = _stop_tiers(scenario, day)
    for route in plan.routes:
        unit = units.get(route.name)
        if unit is None or len(route.stops) < 2:
            continue
        try:
            stops = [s for s, _ in timed_route(route, scenario, site_of, needs, tiers,
                                               auto_ids)]
        except KeyError:
            continue  # a stop the day does not need: reported by the route's checks
        if not stops:
            continue
        vehicle = team_vehicle(scenario, unit.team, unit.name, unit.capacity)
        problems += [msg("{route}: {problem} (the timing rule)", route=route.name, problem=p)
                     for p in timing_problems(
            stops, matrices.travel_s, vehicle, route_schedule(route))]
    return problems


def route_schedule(route: Route) -> Schedule:
    """A planned route's times as a ``Schedule`` over the stops of
    ``timed_route`` (visits, points, shuttle stops): departure, each service
    start, return and lunch break."""
    starts: list[int] = []
    for stop in route.stops:
        if stop.kind == "point":
            starts.append(stop.opens_s)
        elif stop.kind in ("visit", "pickup", "dropoff"):
            starts.append(stop.arrive_s + stop.wait_s)
    breaks = tuple((s.arrive_s, s.depart_s - s.arrive_s) for s in route.stops
                   if s.kind == "break")
    return Schedule(route.stops[0].depart_s, tuple(starts), route.stops[-1].arrive_s, breaks)


def _part_violations(plan: Plan, scenario: Scenario, day: DayNeeds) -> list[str]:
    """Every part of a household (``_part``) expected from the day's needs
    that is not exactly once in a route or in ``unserved``; households of the
    scenario in no part, and households in the plan not in the scenario."""
    problems: list[str] = []
    expected = Counter([(n.household.id, "home") for n in day.home]
                       + [(a.household.id, "home") for a in day.auto]
                       + [(s.household.id, "shuttle") for s in day.shuttle]
                       + [(h.id, "point") for p in day.points for h in p.invited]
                       + [_part(u) for u in day.skipped])
    auto_ids = {a.household.id for a in day.auto}
    seen = Counter([_part(u) for u in plan.unserved])
    for r in plan.routes:
        for s in r.stops:
            if s.kind == "visit":
                seen[(s.household, "home")] += 1
            elif s.kind == "pickup" and s.place == "home":
                seen[(s.household, "shuttle")] += 1
            elif s.kind == "point":
                for hid in s.households:
                    seen[(hid, "home" if hid in auto_ids else "point")] += 1
    for part in sorted(set(expected) | set(seen)):
        if seen[part] != 1 or expected[part] != 1:
            problems.append(msg("household {id} ({mode}) appears {n} times (must be once)",
                                id=part[0], mode=part[1], n=seen[part]))
    known = {h.id for h in scenario.households}
    missing = known - {hid for hid, _ in expected}
    if missing:
        problems.append(msg("households in no part of the plan: {ids}",
                            ids=str(sorted(missing)[:5])))
    extra = {hid for hid, _ in seen} - known
    if extra:
        problems.append(msg("unknown households in the plan: {ids}", ids=str(sorted(extra))))
    return problems


def _route_violations(plan: Plan, scenario: Scenario, matrices: TravelMatrices,
                      site_of: dict[str, int], needs: dict[str, VisitNeed],
                      shuttles: dict[str, ShuttleNeed],
                      ) -> tuple[list[str], dict[str, list[tuple[str, str, int, int, str]]]]:
    """Every breach along each route (shift, working time, legs, times,
    kit, duties, visits' service and windows, points' set-up and slots, seats,
    lunch break), and each shuttled household's trips as ``(kind, place,
    service start s, departure s, unit name)`` for ``_shuttle_violations``.
    ``needs``/``shuttles``: the home-visit and shuttle needs by household id."""
    problems: list[str] = []
    params = scenario.parameters
    teams = {t.id: t for t in scenario.teams}
    units = {u.name: u for u in team_units(scenario)}
    trips: dict[str, list[tuple[str, str, int, int, str]]] = {}
    people = {r.id: r for h in scenario.households for r in h.residents}
    for route in plan.routes:
        team = teams[route.team]
        unit = units.get(route.name)
        name = route.name
        if unit is None:
            problems.append(msg("{route}: no such team or unit", route=name))
            continue
        earliest, latest = day_limits(scenario, team)
        stops = route.stops
        if stops[0].kind != "start" or stops[-1].kind != "end":
            problems.append(msg("{route}: a route must begin with start and finish with end",
                                route=name))
            continue
        if stops[0].depart_s < earliest:
            problems.append(msg("{route}: leaves {leaves}, before the shift starts {starts}",
                                route=name, leaves=format_clock(stops[0].depart_s),
                                starts=format_clock(earliest)))
        if stops[-1].arrive_s > latest:
            problems.append(msg("{route}: returns {back}, after {latest}", route=name,
                                back=format_clock(stops[-1].arrive_s),
                                latest=format_clock(latest)))
        if stops[-1].arrive_s - stops[0].depart_s > team.max_work_s:
            problems.append(msg("{route}: works longer than {seconds} s", route=name,
                                seconds=team.max_work_s))
        where = 0
        depart = stops[0].depart_s
        breaks = 0
        onboard = 0
        for k, stop in enumerate(stops[1:], start=1):
            if stop.arrive_s > stop.depart_s:
                problems.append(msg("{route} stop {k}: departs before it arrives", route=name,
                                    k=k))
            target = _target(stop, where, site_of)
            if stop.kind == "break":
                breaks += 1
                lunch = team.lunch
                if lunch is None or not lunch.contains(stop.arrive_s, stop.depart_s) or \
                        stop.depart_s - stop.arrive_s != team.lunch_s:
                    problems.append(msg("{route}: break {begin}–{end} outside the lunch "
                                        "window", route=name, begin=format_clock(stop.arrive_s),
                                        end=format_clock(stop.depart_s)))
            if stop.travel_s or target != where:
                leg = int(matrices.travel_s[where, target])
                if stop.travel_s != leg:
                    problems.append(msg("{route} stop {k}: leg takes {travel} s, the matrix "
                                        "says {leg} s", route=name, k=k, travel=stop.travel_s,
                                        leg=leg))
                if stop.arrive_s - depart < leg:
                    problems.append(msg("{route} stop {k}: arrives {seconds} s after "
                                        "leaving, faster than the {leg} s leg", route=name, k=k,
                                        seconds=stop.arrive_s - depart, leg=leg))
                where = target
            if stop.arrive_s < depart:
                problems.append(msg("{route} stop {k}: time goes backwards", route=name, k=k))
            if stop.arrive_s < stops[k - 1].arrive_s:
                problems.append(msg("{route} stop {k}: time goes backwards", route=name, k=k))
            if stop.kind in ("visit", "point") and not unit.has_kit:
                problems.append(msg("{route}: enrols at stop {k} without a kit", route=name,
                                    k=k))
            duty = {"visit": "home", "point": "point", "pickup": "shuttle",
                    "dropoff": "shuttle"}.get(stop.kind)
            if duty is not None and not unit.does(duty):
                problems.append(msg("{route}: stop {k} ({kind}) is work of the '{duty}' duty, "
                                    "which this unit does not have today", route=name, k=k,
                                    kind=stop.kind, duty=duty))
            if stop.kind == "visit":
                problems += _visit_violations(name, stop, needs)
                problems += _enrolled_violations(name, stop, people)
            if stop.kind == "point":
                if stop.opens_s < stop.arrive_s + params.point_setup_s and stop.travel_s:
                    problems.append(msg("{route}: the point at {place} opens {opens}, before "
                                        "its set-up ends", route=name, place=stop.place,
                                        opens=format_clock(stop.opens_s)))
                if not stop.households or stop.attendance <= 0:
                    problems.append(msg("{route}: the point at {place} has nobody invited",
                                        route=name, place=stop.place))
            if stop.kind in ("pickup", "dropoff"):
                n = len(stop.passengers)
                onboard += n if stop.kind == "pickup" else -n
                if stop.onboard != onboard:
                    problems.append(msg("{route} stop {k}: says {said} on board, counted "
                                        "{counted}", route=name, k=k, said=stop.onboard,
                                        counted=onboard))
                if onboard > unit.capacity or onboard < 0:
                    problems.append(msg("{route} stop {k}: {n} passengers on {seats} seats",
                                        route=name, k=k, n=onboard, seats=unit.capacity))
                trips.setdefault(stop.household or "", []).append(
                    (stop.kind, stop.place, stop.arrive_s + stop.wait_s, stop.depart_s, name))
                need = shuttles.get(stop.household or "")
                if need is not None and tuple(r.id for r in need.residents) != stop.passengers:
                    problems.append(msg("{route} stop {k}: passengers of {household} differ",
                                        route=name, k=k, household=stop.household))
            # a break is taken where the team is (before the ride) or on arrival
            # (after it), never during a ride: the next leg starts when it ends
            depart = stop.depart_s
        problems += _route_end_violations(name, stops, team, params, breaks, onboard)
    return problems, trips


def _visit_violations(name: str, stop: Stop, needs: dict[str, VisitNeed]) -> list[str]:
    """A home visit of unit ``name`` must be one the day needs (``needs``: by
    household id), get its service time (s) and lie inside one of its windows."""
    problems: list[str] = []
    need = needs.get(stop.household or "")
    begin = stop.arrive_s + stop.wait_s
    if need is None:
        problems.append(msg("{route}: visits {household}, which needs no home visit",
                            route=name, household=stop.household))
    else:
        if stop.passengers != tuple(r.id for r in need.residents):
            problems.append(msg("{route}: the visit to {household} enrols {enrolled}, the "
                                "day's visit enrols {expected}", route=name,
                                household=stop.household, enrolled=list(stop.passengers),
                                expected=[r.id for r in need.residents]))
        if stop.depart_s - begin != need.service_s:
            problems.append(msg("{route}: {household} gets {seconds} s, needs {needed} s",
                                route=name, household=stop.household,
                                seconds=stop.depart_s - begin, needed=need.service_s))
        if need.windows and not any(w.contains(begin, stop.depart_s)
                                    for w in need.windows):
            problems.append(msg("{route}: {household} visited {begin}–{end}, outside its "
                                "availability", route=name, household=stop.household,
                                begin=format_clock(begin), end=format_clock(stop.depart_s)))
    return problems


def _enrolled_violations(name: str, stop: Stop, people: dict[str, Resident]) -> list[str]:
    """Each resident a home visit of unit ``name`` enrols (``stop.passengers``)
    lives in the house and is at home during the whole service, from its start
    to the departure (exact, in seconds); the visit enrols someone."""
    begin = stop.arrive_s + stop.wait_s
    if not stop.passengers:
        return [msg("{route}: the visit to {household} enrols nobody", route=name,
                    household=stop.household)]
    problems: list[str] = []
    for rid in stop.passengers:
        r = people.get(rid)
        if r is None or not rid.strip() or stop.household is None:
            problems.append(msg("{route}: the visit to {household} enrols {resident}, who is "
                                "not in the scenario", route=name, household=stop.household,
                                resident=rid))
        elif r.windows and not any(w.contains(begin, stop.depart_s) for w in r.windows):
            problems.append(msg("{route}: {resident} is enrolled at {household} {begin}–{end}, "
                                "but is at home only {windows}", route=name, resident=rid,
                                household=stop.household, begin=format_clock(begin),
                                end=format_clock(stop.depart_s),
                                windows=windows_text(r.windows)))
    return problems


def _route_end_violations(name: str, stops: tuple[Stop, ...], team: Team, params: Parameters,
                          breaks: int, onboard: int) -> list[str]:
    """Checks of a whole route of unit ``name`` after its stops were walked:
    nobody left on board (``onboard`` at the end), each point open for the
    minimum slot, one lunch break at most and one when the route spans the
    lunch window (``breaks``: the route's breaks)."""
    problems: list[str] = []
    if onboard:
        problems.append(msg("{route}: returns with {n} passengers on board", route=name,
                            n=onboard))
    for place, slot in _point_slots(stops, params.point_setup_s):
        if slot < min(params.point_min_slot_s, params.point_max_slot_s):
            problems.append(msg("{route}: the point at {place} is open {minutes} min with its "
                                "set-up, less than the minimum slot of {least} min", route=name,
                                place=place, minutes=slot // 60,
                                least=params.point_min_slot_s // 60))
    works = sum(1 for s in stops if s.kind not in ("start", "end", "break"))
    lunch = team.lunch
    if breaks > 1:
        problems.append(msg("{route}: {n} lunch breaks (at most 1)", route=name, n=breaks))
    elif works and lunch is not None and team.lunch_s > 0 and breaks == 0 \
            and stops[0].depart_s < lunch.start_s + team.lunch_s \
            and stops[-1].arrive_s > lunch.end_s - team.lunch_s:
        problems.append(msg("{route}: no lunch break although the route spans the lunch "
                            "window", route=name))
    return problems


def _point_slots(stops, setup_s: int) -> list[tuple[str, int]]:
    """Each opening of a collection point on a route and its length (s, set-up
    included): consecutive point stops at one place, a lunch break between
    them allowed, make one opening."""
    slots: list[tuple[str, int]] = []
    last = None
    for stop in stops:
        if stop.kind == "break" and last is not None:
            continue
        if stop.kind == "point" and last is not None and last.village == stop.village \
                and not stop.travel_s:
            slots[-1] = (stop.place, slots[-1][1] + stop.depart_s - stop.opens_s)
        elif stop.kind == "point":
            slots.append((stop.place, stop.depart_s - stop.opens_s + setup_s))
        last = stop if stop.kind == "point" else None
    return slots


def _starts(need: VisitNeed) -> tuple[tuple[int, int], ...]:
    """Allowed service starts of a home visit (as in the routing problem)."""
    return tuple((w.start_s, w.end_s - need.service_s) for w in need.windows
                 if w.end_s - need.service_s >= w.start_s)


def _stop_tiers(scenario: Scenario, day: DayNeeds, steer: Steer | None = None,
                ) -> dict[tuple[str, str], int]:
    """The tier of each household part a stop can serve: ``(household, "home")``
    for a home visit or an ``auto`` household at a point, ``(household,
    "point")`` for an invited one; a part with a resident of a ``must``
    household of ``steer`` is of tier 0 (as in the routing problem)."""
    order = scenario.parameters.priorities
    first = steer.must_residents(scenario) if steer else frozenset()

    def tier(residents) -> int:
        return 0 if any(r.id in first for r in residents) else part_tier(residents, order)

    tiers = {(n.household.id, "home"): tier(n.residents) for n in day.home}
    tiers.update({(a.household.id, "home"): tier(a.residents) for a in day.auto})
    for p in day.points:
        ids = {r.id for r in p.residents}
        for h in p.invited:
            tiers[(h.id, "point")] = tier([r for r in h.residents if r.id in ids])
    return tiers


def timed_route(route: Route, scenario: Scenario, site_of: dict[str, int],
                 needs: dict[str, VisitNeed], tiers: dict[tuple[str, str], int],
                 auto_ids: set[str]) -> list[tuple[TimedStop, int | None]]:
    """A route's visits, points and shuttle stops as ``TimedStop`` with their
    tier (None: a shuttle stop, pinned at its planned service start; the stops
    of one opening of a collection point share the most urgent tier among
    them)."""
    params = scenario.parameters
    village_index = {v.id: k for k, v in enumerate(scenario.villages)}
    out: list[tuple[TimedStop, int | None]] = []
    for stop in route.stops:
        if stop.kind == "visit" and stop.household in needs:
            need = needs[stop.household]
            out.append((TimedStop(site_of[stop.household], need.service_s, _starts(need)),
                        tiers[(stop.household, "home")]))
        elif stop.kind == "point":
            tier = min(tiers[(h, "home" if h in auto_ids else "point")]
                       for h in stop.households)
            out.append((TimedStop(site_of[f"point:{stop.village}"],
                                  stop.depart_s - stop.opens_s, (),
                                  village_index[stop.village], params.point_setup_s), tier))
        elif stop.kind in ("pickup", "dropoff"):
            begin = stop.arrive_s + stop.wait_s
            site = 0 if stop.place == "office" else site_of[stop.household or ""]
            seats = len(stop.passengers) * (1 if stop.kind == "pickup" else -1)
            out.append((TimedStop(site, stop.depart_s - begin, ((begin, begin),), seats=seats),
                        None))
    # consecutive stops of one collection point are one opening: they take the
    # most urgent tier among them and are kept or removed together
    k = 0
    while k < len(out):
        j = k
        while j + 1 < len(out) and out[k][0].place >= 0 and out[j + 1][0].place == out[k][0].place:
            j += 1
        if j > k:
            tier = min(t for _, t in out[k:j + 1] if t is not None)
            out[k:j + 1] = [(s, tier) for s, _ in out[k:j + 1]]
        k = j + 1
    return out


def priority_violations(plan: Plan, scenario: Scenario, matrices: TravelMatrices,
                        site_of: dict[str, int], day: DayNeeds | None = None,
                        point_slots: Mapping[str, PointSlot] | None = None,
                        steer: Steer | None = None) -> list[str]:
    """Every home visit left out for capacity, and every collection point
    left closed, that some route allowed to take it (a unit with the ``home``
    duty for a visit, the ``point`` duty for a point, and of the team a
    decision locks the household to: the routing problem's
    ``allowed_vehicles``) could take once its stops of lower tiers are
    removed (the statement in the module docstring)."""
    day = day_needs(scenario) if day is None else day
    steer = steer or Steer()
    order = scenario.parameters.priorities
    needs = {n.household.id: n for n in day.home}
    needs.update({a.household.id: a.home for a in day.auto if a.home is not None})
    auto_ids = {a.household.id for a in day.auto}
    tiers = _stop_tiers(scenario, day, steer)
    units = {u.name: u for u in team_units(scenario)}
    village_index = {v.id: k for k, v in enumerate(scenario.villages)}
    targets: list[tuple[str, int, TimedStop, str, str | None]] = []
    for u in plan.unserved:
        if u.code == "no_capacity" and u.mode == "home" and u.household in needs:
            need = needs[u.household]
            if need.windows and not _starts(need):
                continue  # no window holds the visit: no route could take it
            targets.append((msg("visit {household} (left out for capacity)",
                                household=u.household),
                            tiers[(u.household, "home")],
                            TimedStop(site_of[u.household], need.service_s, _starts(need)),
                            "home", _lock(steer, u.household, "home", units.values())))
    closed = {u.household for u in plan.unserved if u.code == "point_not_opened"}
    for p in day.points:
        if closed & {h.id for h in p.invited}:
            slot = (point_slots or {}).get(p.village.id)  # announced: only at its hour
            targets.append((msg("open the point at {place} (left closed)", place=p.place.name),
                            0 if slot is not None else part_tier(p.residents, order),
                            TimedStop(site_of[f"point:{p.village.id}"],
                                      p.service_s if slot is None
                                      else max(p.service_s, slot[2] - slot[1]),
                                      () if slot is None else ((slot[1], slot[1]),),
                                      village_index[p.village.id],
                                      scenario.parameters.point_setup_s), "point", None))
    if not targets:
        return []
    routes = []
    for route in plan.routes:
        unit = units.get(route.name)
        if unit is None or not unit.has_kit:
            continue
        routes.append((route, unit, team_vehicle(scenario, unit.team, unit.name, unit.capacity),
                       timed_route(route, scenario, site_of, needs, tiers, auto_ids)))
    problems = []
    announced = {village_index[v] for v in point_slots or {} if v in village_index}
    timing = {village_index[p.village.id]: announced_timing(point_slots[p.village.id],
                                                           p.service_s)
              for p in day.points if p.village.id in (point_slots or {})}
    targets = [(what, tier, replace(target, service_s=timing[target.place][0],
                                    starts=timing[target.place][1]), duty, locked)
               if duty == "point" and target.place in timing
               else (what, tier, target, duty, locked)
               for what, tier, target, duty, locked in targets]  # as the problem holds it
    # step 1 of the exact search for every target of a tier on a route at
    # once: a target it refuses has no order (``orders.bound_fits``)
    passes: dict[tuple[int, int], np.ndarray] = {}
    for k, (what, tier, target, duty, locked) in enumerate(targets):
        for r, (route, unit, vehicle, stops) in enumerate(routes):
            if not unit.does(duty) or (locked is not None and unit.team.id != locked):
                continue  # this unit was not allowed to take it: not "instead"
            kept = [s for s, t in _pin_announced(route, stops, announced)
                    if t is None or t <= tier]
            if (r, tier) not in passes:
                passes[(r, tier)] = bound_fits(kept, [t[2] for t in targets], matrices.travel_s,
                                               vehicle)
            if not passes[(r, tier)][k]:
                continue
            order = fitting_order(kept + [target], matrices.travel_s, vehicle)
            if order is not None:
                problems.append(msg("{route} could {what} in place of its stops of lower "
                                    "priority (in the order {order} of its kept stops and this "
                                    "one)", route=route.name, what=what,
                                    order=str([k + 1 for k in order])))
    return problems


def _pin_announced(route: Route, stops: list[tuple[TimedStop, int | None]],
                   announced: set[int]) -> list[tuple[TimedStop, int | None]]:
    """``stops`` (``timed_route``'s of ``route``) with each stop of an announced
    collection point (its village's index in ``announced``) pinned at its
    planned opening and always kept (tier None, as a shuttle stop): the
    routing problem holds it at its announced hour, first of every tier."""
    if not announced:
        return stops
    opens = iter([s.opens_s for s in route.stops if s.kind == "point"])
    out = []
    for stop, tier in stops:
        if stop.place >= 0:  # only a collection point's stops have a place
            start = next(opens)
            if stop.place in announced:
                stop, tier = replace(stop, starts=((start, start),)), None
        out.append((stop, tier))
    return out


def _lock(steer: Steer, household: str | None, duty: str, units) -> str | None:
    """The team a decision locks ``household`` to, when some unit of that
    team has ``duty`` (else the lock cannot hold and any unit may serve
    it, as ``build_day_problem`` allows); None: not locked."""
    lock = steer.teams.get(household) if household else None
    if lock is None or not any(u.team.id == lock[0] and u.does(duty) for u in units):
        return None
    return lock[0]


def steer_violations(plan: Plan, scenario: Scenario, steer: Steer) -> list[str]:
    """Every stop serving a household locked to a team on another team's
    route, and every team order (``steer.orders``) its route does not keep:
    the ordered households it visits must come in the order given."""
    problems: list[str] = []
    units = team_units(scenario)
    for route in plan.routes:
        for k, stop in enumerate(route.stops):
            if stop.kind not in ("visit", "pickup") or not stop.household:
                continue
            duty = "home" if stop.kind == "visit" else "shuttle"
            locked = _lock(steer, stop.household, duty, units)
            if locked is not None and locked != route.team:
                problems.append(msg("{route} stop {k}: household {household} is locked to "
                                    "team {team}", route=route.name, k=k,
                                    household=stop.household, team=locked))
    for team, (order, _decision) in steer.orders.items():
        seen = [s.household for r in plan.routes if r.team == team for s in r.stops
                if s.kind == "visit" and s.household in order]
        wanted = [h for h in order if h in seen]
        if seen != wanted:
            problems.append(msg("team {team} visits {seen}, not in the order fixed {wanted}",
                                team=team, seen=str(seen), wanted=str(wanted)))
    return problems


def _target(stop, where: int, site_of: dict[str, int]) -> int:
    """The matrix row where ``stop`` takes place."""
    if stop.kind == "break" and not stop.travel_s:
        return where  # a break on the way, where the team last stopped
    if stop.place == "office" or stop.kind in ("start", "end"):
        return 0
    if stop.village and stop.kind in ("point", "break"):
        return site_of[f"point:{stop.village}"]
    if stop.household is not None:
        return site_of[stop.household]
    return 0


def _shuttle_violations(hid: str, events: list, need, board_s: int) -> list[str]:
    """One shuttled household's four stops, in order, with gaps and ride times;
    the pickup at home (from its start to its departure) inside one of the
    times all its residents are at home (``need.windows``: for a shuttle
    already announced, its announced pickup and the tolerance after it)."""
    if need is None:
        return [msg("shuttle stops for {household}, which has nobody to shuttle",
                    household=hid)]
    by = {(kind, place): (begin, end, unit) for kind, place, begin, end, unit in events}
    order = [("pickup", "home"), ("dropoff", "office"), ("pickup", "office"),
             ("dropoff", "home")]
    if len(events) != 4 or set(by) != set(order):
        return [msg("shuttle of {household}: needs pickup at home, drop at the office, pickup "
                    "there and drop at home, once each; has {stops}", household=hid,
                    stops=str(sorted(by)))]
    pu, do, pr, dr = (by[key] for key in order)
    out = []
    if not pu[1] <= do[0] <= do[1] <= pr[0] <= pr[1] <= dr[0]:
        out.append(msg("shuttle of {household}: stops out of order", household=hid))
    if pu[2] != do[2] or pr[2] != dr[2]:
        out.append(msg("shuttle of {household}: a trip changes motorbike unit on the way",
                       household=hid))
    if need.windows and not any(w.contains(pu[0], pu[1]) for w in need.windows):
        out.append(msg("shuttle of {household}: picked up at home {begin}–{end}, outside "
                       "{windows}", household=hid, begin=format_clock(pu[0]),
                       end=format_clock(pu[1]), windows=windows_text(need.windows)))
    if pr[0] - do[1] < need.office_s:
        out.append(msg("shuttle of {household}: {minutes} min at the office, the enrolment "
                       "needs {needed} min", household=hid, minutes=(pr[0] - do[1]) // 60,
                       needed=need.office_s // 60))
    for a, b, said in ((pu, do, N_("shuttle of {household}: rides {minutes} min to the "
                                   "office, limit {limit} min")),
                       (pr, dr, N_("shuttle of {household}: rides {minutes} min home, limit "
                                   "{limit} min"))):
        ride = b[0] - a[1]
        if ride > need.max_ride_s:
            out.append(msg(said, household=hid, minutes=ride // 60,
                           limit=need.max_ride_s // 60))
    return out
