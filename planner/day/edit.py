"""Hand edits of a day's plan, checked before they are kept.

A team leader moves a home visit to another team, swaps two visits, puts a
team's visits in another order, adds a household the plan left out or takes
one off the day. ``apply_change`` makes the change on the plan's routes,
re-times every changed route with the one timing rule
(``planner.day.timing.schedule``, the rule the verifier proves), rebuilds its
stops, and checks the whole day with the day's verifier
(``planner.day.verify.plan_violations``: windows, shift, lunch, sunset, the
tier rule with its exact search over orders, duties, walks). The answer is an
``EditVerdict``: whether the day still holds, every problem in words (a
``Reason``: a gettext message id and its values, so each front end says it in
its language), what the change costs per changed route (km, minutes, the
return time, before and after), and, when an edited route no longer fits,
which of its visits would have to go for it to fit (the least urgent first):
nothing is dropped silently.

What a change may touch: home visits (stops of kind ``visit``). Collection
points and shuttle stops stay at their planned hours (pinned: a point's hours
are on a notice; a shuttle time was told to a household); a route is re-timed
around them. A move to another day is a ``Remove`` here and an ``Add`` there
(the application layer checks both). The verifier's problems that the plan
had before the change are not the change's (``EditVerdict.problems`` lists
only new ones). Units: seconds, metres, clock seconds after midnight.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from planner.clock import format_clock
from planner.day.needs import PointSlot, Steer, VisitNeed, team_units
from planner.day.plan import MatricesFor, plan_sites
from planner.day.problem import team_vehicle
from planner.day.timing import Schedule, TimedStop, leg_s, schedule
from planner.day.verify import _stop_tiers, plan_violations
from planner.domain import Plan, Route, Scenario, Stop, Unserved
from planner.errors import N_, Msg
from planner.matrix import TravelMatrices
from planner.problem import VehicleSpec
from planner.rules import home_residents

#: The unserved code of a visit taken off a day by hand (``Remove``).
REMOVED = "removed_by_hand"

_WORK = ("visit", "point", "pickup", "dropoff")
#: How much later than its planned minute a pinned stop may start (s): the
#: rounding of the times in ``plan.json``.
PIN_SLACK_S = 59


@dataclass(frozen=True)
class Move:
    """Move the home visit of ``household`` to ``team``'s route (the same
    day), at ``position`` (1-based among the route's stops) or, None, where
    it costs the least time."""

    household: str
    team: str
    position: int | None = None


@dataclass(frozen=True)
class Swap:
    """Exchange the places of two home visits (one route or two)."""

    first: str
    second: str


@dataclass(frozen=True)
class Reorder:
    """Put the visits ``households`` of ``team``'s route in this order, in the
    places they hold now (the route's other stops stay where they are)."""

    team: str
    households: tuple[str, ...]


@dataclass(frozen=True)
class Add:
    """Visit ``household`` (not visited this day) with ``team``, at
    ``position`` (1-based among the route's stops) or, None, where it costs
    the least time."""

    household: str
    team: str
    position: int | None = None


@dataclass(frozen=True)
class Remove:
    """Take the home visit of ``household`` off the day, because ``why``."""

    household: str
    why: str


Change = Move | Swap | Reorder | Add | Remove


@dataclass(frozen=True)
class Reason:
    """One problem in words: ``msgid`` (English, marked for gettext) with
    ``{name}`` fields filled from ``values``; ``code`` names its kind
    (``unknown_household``, ``window``, ``late``, ``working_time``,
    ``timing``, ``rule``, ...)."""

    code: str
    msgid: str
    values: tuple[tuple[str, str], ...] = ()

    def words(self, gettext: Callable[[str], str] = str) -> str:
        """The reason in the language of ``gettext`` (default: English); a
        value that is a ``Msg`` (the day's check) in that language too."""
        return gettext(self.msgid).format(**{k: _said(v, gettext) for k, v in self.values})


def _said(value: str, gettext: Callable[[str], str]) -> str:
    """``value`` in the language of ``gettext``: a ``Msg`` translated and filled
    (its ``Msg`` values too), any other text as it is."""
    if not isinstance(value, Msg):
        return value
    if not value.values:
        return gettext(value.msgid)
    try:
        return gettext(value.msgid).format(**{k: _said(v, gettext) if isinstance(v, Msg) else v
                                              for k, v in value.values.items()})
    except (KeyError, IndexError, ValueError):  # a translation with other placeholders
        return str(value)


def _reason(code: str, msgid: str, **values: object) -> Reason:
    return Reason(code, msgid, tuple((k, v if isinstance(v, Msg) else str(v))
                                     for k, v in values.items()))


@dataclass(frozen=True)
class RouteCost:
    """A changed route before and after the change: distance (m), leave to
    return (s) and the return (clock s); ``None`` after: the route cannot be
    timed."""

    route: str
    before_m: int
    before_s: int
    before_return_s: int
    after_m: int | None
    after_s: int | None
    after_return_s: int | None


@dataclass(frozen=True)
class EditVerdict:
    """What a change does to a day. ``holds``: no new problem; ``problems``:
    each one in words; ``costs``: per changed route; ``would_drop``: per
    route that no longer fits, the visits (household ids, least urgent first)
    whose removal makes it fit (empty when none does); ``plan``: the day with
    the change (every changed route re-timed; None when one cannot be timed);
    ``touched``: the households the change moves, adds or removes; ``date``:
    the day (ISO); ``also``: the verdict of the other day a move goes to."""

    holds: bool
    problems: tuple[Reason, ...]
    costs: tuple[RouteCost, ...]
    plan: Plan | None
    would_drop: tuple[tuple[str, tuple[str, ...]], ...] = ()
    touched: tuple[str, ...] = ()
    date: str = ""
    also: tuple[EditVerdict, ...] = ()


@dataclass(frozen=True)
class EditDay:
    """A day's plan with what checking it needs: its scenario (the day's
    households and residents, teams, season), travel matrices over
    ``plan_sites`` (row 0 the station), ``site_of`` (household id or
    ``point:<village>`` → row), the points held at their planned place and
    hours, the home-visit needs by household id, the verifier's problems of
    the plan as it is (``baseline``: not the change's) and the decisions a
    person made for the day (``steer``: locks, orders, musts)."""

    plan: Plan
    scenario: Scenario
    matrices: TravelMatrices
    site_of: dict[str, int]
    point_slots: Mapping[str, PointSlot]
    needs: dict[str, VisitNeed]
    baseline: frozenset[str]
    steer: Steer | None = None


def plan_point_slots(plan: Plan) -> dict[str, PointSlot]:
    """Village id → ``(place, opens_s, closes_s)`` of each collection point
    the plan opens (a session interrupted by lunch is one slot)."""
    out: dict[str, PointSlot] = {}
    for route in plan.routes:
        for s in route.stops:
            if s.kind != "point":
                continue
            seen = out.get(s.village)
            out[s.village] = (s.place, s.opens_s, s.depart_s) if seen is None else \
                (seen[0], min(seen[1], s.opens_s), max(seen[2], s.depart_s))
    return out


def edit_day(plan: Plan, scenario: Scenario, matrices_for: MatricesFor,
             steer: Steer | None = None) -> EditDay:
    """The ``EditDay`` of ``plan`` and its day's ``scenario`` (season, teams
    and households of that day), matrices from ``matrices_for(coords, season)``
    (the campaign's workspace, so the numbers are the plan's), the day's
    decisions ``steer`` (checked as the verifier checks a planned day)."""
    slots = plan_point_slots(plan)
    day, site_of, coords = plan_sites(scenario, point_slots=slots)
    matrices = matrices_for(coords, plan.season)
    needs = {n.household.id: n for n in day.home}
    needs.update({a.household.id: a.home for a in day.auto if a.home is not None})
    baseline = frozenset(plan_violations(plan, scenario, matrices, site_of, slots, steer))
    return EditDay(plan, scenario, matrices, site_of, slots, needs, baseline, steer)


class _Work:
    """The routes' work stops (visits, points, shuttle stops) by route name,
    and the unserved entries, while a change is made."""

    def __init__(self, day: EditDay):
        self.day = day
        self.routes = {r.name: [s for s in r.stops if s.kind in _WORK] for r in day.plan.routes}
        self.unserved = list(day.plan.unserved)
        self.changed: list[str] = []
        self.problems: list[Reason] = []

    def where(self, household: str) -> tuple[str, int] | None:
        """(route name, index) of the home visit of ``household``, or None."""
        for name, stops in self.routes.items():
            for k, s in enumerate(stops):
                if s.kind == "visit" and s.household == household:
                    return name, k
        return None

    def route_of(self, team: str) -> str | None:
        """The route of ``team`` (or of the unit named so) that may visit homes."""
        units = {u.name: u for u in team_units(self.day.scenario)}
        for name in (team, *(n for n in self.routes if n.split("-")[0] == team)):
            if name in self.routes and name in units and units[name].does("home") \
                    and units[name].has_kit:
                return name
        return None

    def touch(self, name: str) -> None:
        if name not in self.changed:
            self.changed.append(name)

    def visited(self, household: str) -> tuple[str, int] | None:
        """``where``, with a problem when ``household`` has no visit this day."""
        found = self.where(household)
        if found is None:
            known = {h.id for h in self.day.scenario.households}
            if household in known:
                self.problems.append(_reason(
                    "not_visited", N_("{household} has no home visit on this day: add it "
                                      "to a team instead"), household=household))
            else:
                self.problems.append(_reason(
                    "unknown_household", N_("{household} is not in this day's plan"),
                    household=household))
        return found

    def target(self, team: str) -> str | None:
        """``route_of``, with a problem when ``team`` has no such route."""
        name = self.route_of(team)
        if name is None:
            self.problems.append(_reason(
                "unknown_team", N_("team {team} makes no home visits on this day (absent, "
                                   "unknown, or without a kit or the home duty)"), team=team))
        return name


def visit_stop(day: EditDay, household: str) -> Stop:
    """A home-visit stop of ``household`` (not yet timed), walk and parking
    from the matrices' access of its site."""
    need = day.needs[household]
    h = need.household
    access = day.matrices.access[day.site_of[household]]
    walk = access.walk_m > 0
    return Stop("visit", 0, 0, h.lon, h.lat, household=h.id,
                passengers=tuple(r.id for r in need.residents),  # whom the visit enrols
                service_s=need.service_s, approximate=h.approximate,
                place="home", walk_m=int(round(access.walk_m)) if walk else 0,
                park_lon=access.park_lon if walk else None,
                park_lat=access.park_lat if walk else None)


def timed_stops(day: EditDay, stops: Sequence[Stop]) -> list[TimedStop]:
    """``stops`` (work stops) as ``TimedStop``: a visit inside its windows;
    a collection point and a shuttle stop pinned at their planned start (a
    plan read from ``plan.json`` has its times to the minute: the start may
    be up to ``PIN_SLACK_S`` later than the minute shown, never earlier)."""
    village_index = {v.id: k for k, v in enumerate(day.scenario.villages)}
    out = []
    for s in stops:
        if s.kind == "visit":
            need = day.needs[s.household or ""]
            starts = tuple((w.start_s, w.end_s - need.service_s) for w in need.windows
                           if w.end_s - need.service_s >= w.start_s)
            out.append(TimedStop(day.site_of[s.household or ""], need.service_s, starts))
        elif s.kind == "point":
            out.append(TimedStop(day.site_of[f"point:{s.village}"], s.depart_s - s.opens_s,
                                 ((s.opens_s, s.opens_s + PIN_SLACK_S),), village_index[s.village],
                                 day.scenario.parameters.point_setup_s))
        else:
            begin = s.arrive_s + s.wait_s
            site = 0 if s.place == "office" else day.site_of[s.household or ""]
            out.append(TimedStop(site, s.depart_s - begin, ((begin, begin + PIN_SLACK_S),)))
    return out


def vehicle_of(day: EditDay, name: str) -> VehicleSpec:
    """The route limits of the unit named ``name``."""
    unit = next(u for u in team_units(day.scenario) if u.name == name)
    return team_vehicle(day.scenario, unit.team, unit.name, unit.capacity)


def _fit(day: EditDay, name: str, stops: Sequence[Stop]) -> Schedule | None:
    return schedule(timed_stops(day, stops), day.matrices.travel_s, vehicle_of(day, name))


def _insert(work: _Work, name: str, stop: Stop, position: int | None) -> None:
    """Put ``stop`` into route ``name`` at ``position`` (1-based), or where
    the route returns earliest among the places that fit (else where it
    returns earliest ignoring the rest: the check then says why not)."""
    stops = work.routes[name]
    if position is not None:
        stops.insert(max(0, min(len(stops), position - 1)), stop)
        return
    best: tuple[tuple[int, int], int] | None = None
    travel = work.day.matrices.travel_s
    timed = timed_stops(work.day, stops + [stop])
    for k in range(len(stops) + 1):
        trial = stops[:k] + [stop] + stops[k:]
        found = _fit(work.day, name, trial)
        order = timed[:k] + [timed[-1]] + timed[k:]
        ride = sum(leg_s(travel, a, b) for a, b in zip([None, *order], [*order, None],
                                                       strict=True))
        key = (0, found.return_s) if found is not None else (1, ride)
        if best is None or key < best[0]:
            best = (key, k)
    stops.insert(best[1] if best else 0, stop)


def _apply(work: _Work, change: Change) -> tuple[str, ...]:
    """Make ``change`` on ``work``; the households it moves, adds or removes."""
    if isinstance(change, Move):
        found, name = work.visited(change.household), work.target(change.team)
        if found is None or name is None:
            return (change.household,)
        stop = work.routes[found[0]].pop(found[1])
        work.touch(found[0])
        work.touch(name)
        _insert(work, name, stop, change.position)
        return (change.household,)
    if isinstance(change, Swap):
        a, b = work.visited(change.first), work.visited(change.second)
        if a is None or b is None:
            return (change.first, change.second)
        ra, rb = work.routes[a[0]], work.routes[b[0]]
        ra[a[1]], rb[b[1]] = rb[b[1]], ra[a[1]]
        work.touch(a[0])
        work.touch(b[0])
        return (change.first, change.second)
    if isinstance(change, Reorder):
        return _reorder(work, change)
    if isinstance(change, Add):
        return _add(work, change)
    found = work.visited(change.household)
    if found is not None:
        stop = work.routes[found[0]].pop(found[1])
        work.touch(found[0])
        h = work.day.needs[stop.household or ""].household
        work.unserved.append(Unserved(
            h.id, f"taken off this day by hand: {change.why}", REMOVED, "home",
            tuple(r.id for r in home_residents(h))))
    return (change.household,)


def _reorder(work: _Work, change: Reorder) -> tuple[str, ...]:
    name = work.target(change.team)
    if name is None:
        return change.households
    stops = work.routes[name]
    slots = [k for k, s in enumerate(stops) if s.kind == "visit"
             and s.household in change.households]
    missing = [h for h in change.households
               if h not in {stops[k].household for k in slots}]
    for h in missing:
        work.problems.append(_reason("not_on_route", N_("{household} is not visited by "
                                                        "{team} on this day"),
                                     household=h, team=change.team))
    if len(set(change.households)) != len(change.households):
        work.problems.append(_reason("repeated", N_("a household is named twice in the new "
                                                    "order of {team}"), team=change.team))
    if missing or len(set(change.households)) != len(change.households):
        return change.households
    by_id = {stops[k].household: stops[k] for k in slots}
    for k, h in zip(slots, change.households, strict=True):
        stops[k] = by_id[h]
    work.touch(name)
    return change.households


def _add(work: _Work, change: Add) -> tuple[str, ...]:
    hid = change.household
    name = work.target(change.team)
    if work.where(hid) is not None:
        work.problems.append(_reason("already_visited", N_("{household} is already visited "
                                                           "on this day: move it instead"),
                                     household=hid))
        return (hid,)
    if hid not in work.day.needs:
        known = {h.id for h in work.day.scenario.households}
        work.problems.append(
            _reason("no_home_need", N_("{household} needs no home visit on this day"),
                    household=hid) if hid in known else
            _reason("unknown_household", N_("{household} is not in this day's plan"),
                    household=hid))
        return (hid,)
    if name is None:
        return (hid,)
    work.unserved = [u for u in work.unserved if not (
        u.household == hid and u.mode == "home" and u.code != "windows_disjoint")]
    work.touch(name)
    _insert(work, name, visit_stop(work.day, hid), change.position)
    return (hid,)


def _break_stop(day: EditDay, b_start: int, b_dur: int, here: Stop, there: Stop | None,
                travel: int, dist: int, at_destination: bool) -> Stop:
    """The lunch break as a stop: on arrival at ``there`` (None: back at the
    station), after the ride (``at_destination``), or where the team is
    (``here``) before it, as ``planner.day.plan`` places it."""
    station = day.scenario.station
    if not at_destination:
        return Stop("break", b_start, b_start + b_dur, here.lon, here.lat,
                    household=here.household if here.kind == "visit" else None)
    if there is None:
        return Stop("break", b_start, b_start + b_dur, station.lon, station.lat,
                    travel_s=travel, travel_m=dist)
    office = there.kind in ("pickup", "dropoff") and there.place == "office"
    return Stop("break", b_start, b_start + b_dur, there.lon, there.lat, travel_s=travel,
                travel_m=dist,
                household=there.household if there.kind in ("visit", "pickup", "dropoff")
                and not office else None,
                place="office" if office else (there.place if there.kind == "point" else ""),
                village=there.village if there.kind == "point" else "")


def timed_route(day: EditDay, route: Route, stops: Sequence[Stop], timed: Schedule) -> Route:
    """``route`` with its work ``stops`` at the times ``timed`` (``schedule``'s
    over ``timed_stops(day, stops)``): start, each stop reached after its leg
    (travel and distance from the matrices, the point's set-up), the lunch
    break where the schedule takes it, the return. Road geometry is not
    attached (``planner.legs.attach_legs`` does)."""
    tstops = timed_stops(day, stops)
    m = day.matrices
    station = day.scenario.station
    out: list[Stop] = [Stop("start", timed.depart_s, timed.depart_s, station.lon, station.lat)]
    breaks = list(timed.breaks)
    free, prev, prev_t = timed.depart_s, 0, None
    begins = [*timed.service_start_s, timed.return_s]
    for k, begin in enumerate(begins):
        last = k == len(stops)
        stop = None if last else stops[k]
        ts = None if last else tstops[k]
        site = 0 if ts is None else ts.site
        travel, dist = int(m.travel_s[prev, site]), int(m.distance_m[prev, site])
        setup = 0 if ts is None else leg_s(m.travel_s, prev_t, ts) - travel
        arrive = free + travel
        gap = [b for b in breaks if free <= b[0] < begin or (last and b[0] >= free)]
        for b_start, b_dur in gap[:1]:
            breaks.remove((b_start, b_dur))
            here = out[-1]
            if b_start >= arrive:  # lunch on arrival, then the work there
                out.append(_break_stop(day, b_start, b_dur, here, stop, travel, dist, True))
                setup = max(0, setup - (b_start - arrive))
                travel, dist, arrive = 0, 0, b_start + b_dur
            else:  # lunch before leaving, then the ride
                b_start = max(b_start, free)
                out.append(_break_stop(day, b_start, b_dur, here, stop, 0, 0, False))
                arrive = b_start + b_dur + travel
        if stop is None or ts is None:
            out.append(Stop("end", arrive, arrive, station.lon, station.lat, travel_s=travel,
                            travel_m=dist))
            break
        common = dict(arrive_s=arrive, depart_s=begin + ts.service_s, travel_s=travel,
                      travel_m=dist, leg=())
        if stop.kind == "point":
            new = replace(stop, wait_s=begin - arrive - setup, opens_s=begin,
                          service_s=ts.service_s, **common)
            previous = out[-1]
            if previous.kind == "point" and previous.place == new.place and not travel \
                    and not setup:
                out[-1] = replace(previous, depart_s=new.depart_s,
                                  service_s=new.depart_s - previous.opens_s,
                                  attendance=round(previous.attendance + new.attendance, 2),
                                  households=previous.households + new.households)
            else:
                out.append(new)
        else:
            out.append(replace(stop, wait_s=begin - arrive, service_s=ts.service_s, **common))
        free, prev, prev_t = begin + ts.service_s, site, ts
    if not stops:
        start = vehicle_of(day, route.name).earliest_start_s
        out = [Stop("start", start, start, station.lon, station.lat),
               Stop("end", start, start, station.lon, station.lat)]
    duration = out[-1].depart_s - out[0].arrive_s if stops else 0
    return replace(route, stops=tuple(out), distance_m=sum(s.travel_m for s in out),
                   duration_s=duration)


def why_not(day: EditDay, name: str, stops: Sequence[Stop]) -> Reason:
    """Why route ``name`` serving ``stops`` in this order cannot be timed:
    leaving at the shift's start with no lunch (the earliest any schedule can
    be anywhere), the first stop reached after its hours close, else the
    return after the latest end (shift or sunset), else the working time,
    else the lunch break with the hours and fixed stops together."""
    tstops = timed_stops(day, stops)
    vehicle = vehicle_of(day, name)
    travel = day.matrices.travel_s
    time, prev = vehicle.earliest_start_s, None
    for stop, ts in zip(stops, tstops, strict=True):
        ready = time + leg_s(travel, prev, ts)
        start = next((max(ready, lo) for lo, hi in ts.starts if ready <= hi), None) \
            if ts.starts else ready
        if start is None:
            if stop.kind == "visit":
                need = day.needs[stop.household or ""]
                hours = ", ".join(f"{format_clock(w.start_s)}–{format_clock(w.end_s)}"
                                  for w in need.windows)
                return _reason("window", N_(
                    "{route}: {household} is home only {hours} and the visit takes {minutes} "
                    "min, but in this order the team can be there at {arrive} at the "
                    "earliest: the visit would break its window"), route=name,
                    household=stop.household, hours=hours, minutes=need.service_s // 60,
                    arrive=format_clock(ready))
            what = stop.place if stop.kind == "point" else stop.household
            return _reason("fixed_stop", N_(
                "{route}: in this order the team reaches {what} at {arrive} at the earliest, "
                "after its fixed time {fixed} (announced point or shuttle)"), route=name,
                what=what, arrive=format_clock(ready), fixed=format_clock(ts.starts[0][0]))
        time, prev = start + ts.service_s, ts
    back = time + leg_s(travel, prev, None)
    if back > vehicle.latest_end_s:
        return _reason("late", N_("{route}: the team would be back at {back} at the "
                                  "earliest, after its latest return {latest} (end of the "
                                  "shift or sunset)"), route=name, back=format_clock(back),
                       latest=format_clock(vehicle.latest_end_s))
    if back - vehicle.earliest_start_s > vehicle.max_duration_s:
        return _reason("working_time", N_("{route}: the day would last over {hours} h, its "
                                          "longest working day"), route=name,
                       hours=f"{vehicle.max_duration_s / 3600:g}")
    return _reason("timing", N_("{route}: no timing of this order fits the lunch break with "
                                "the hours at home, the fixed stops and the shift"), route=name)


def would_drop(day: EditDay, name: str, stops: Sequence[Stop],
               keep: Sequence[str]) -> tuple[str, ...]:
    """The visits of route ``name`` (household ids) whose removal lets
    ``stops`` be timed: the least urgent first (highest tier, then latest in
    the route) until it fits, then each put back, most urgent first, when it
    still fits. ``keep``: households not to drop (those the change placed).
    Empty when removing them all does not help."""
    order = day.scenario.parameters.priorities
    tiers = _stop_tiers(day.scenario, _day_of(day))
    candidates = [k for k, s in enumerate(stops) if s.kind == "visit" and s.household not in keep]
    candidates.sort(key=lambda k: (-tiers.get((stops[k].household or "", "home"), len(order)),
                                   -k))
    dropped: list[int] = []
    for k in candidates:
        dropped.append(k)
        if _fit(day, name, [s for j, s in enumerate(stops) if j not in dropped]) is not None:
            break
    else:
        return ()
    for k in sorted(dropped, key=lambda k: (tiers.get((stops[k].household or "", "home"),
                                                       len(order)), k)):
        trial = [j for j in dropped if j != k]
        if _fit(day, name, [s for j, s in enumerate(stops) if j not in trial]) is not None:
            dropped = trial
    return tuple(stops[k].household or "" for k in sorted(dropped))


def _day_of(day: EditDay):
    """The day's needs (``planner.day.needs.DayNeeds``) with the points held."""
    return plan_sites(day.scenario, point_slots=day.point_slots)[0]


def apply_change(day: EditDay, change: Change) -> EditVerdict:
    """Make ``change`` on ``day``'s plan and check it (module docstring)."""
    work = _Work(day)
    touched = _apply(work, change)
    if work.problems:  # ids or teams the change cannot use: nothing changed
        return EditVerdict(False, tuple(work.problems), (), None, (), touched,
                           day.plan.date.isoformat())
    routes = {r.name: r for r in day.plan.routes}
    new: dict[str, Route] = {}
    problems: list[Reason] = []
    drops: list[tuple[str, tuple[str, ...]]] = []
    for name in work.changed:
        stops = work.routes[name]
        timed = _fit(day, name, stops)
        if timed is None:
            problems.append(why_not(day, name, stops))
            placed = touched if isinstance(change, Move | Add) else ()
            drops.append((name, would_drop(day, name, stops, placed)))
        else:
            new[name] = timed_route(day, routes[name], stops, timed)
    costs = tuple(RouteCost(
        name, routes[name].distance_m, routes[name].duration_s, routes[name].stops[-1].arrive_s,
        new[name].distance_m if name in new else None,
        new[name].duration_s if name in new else None,
        new[name].stops[-1].arrive_s if name in new else None) for name in work.changed)
    plan = None
    if not problems:
        plan = replace(day.plan, routes=tuple(new.get(r.name, r) for r in day.plan.routes),
                       unserved=tuple(work.unserved))
        for text in plan_violations(plan, day.scenario, day.matrices, day.site_of,
                                    day.point_slots, day.steer):
            if text not in day.baseline:
                problems.append(_reason("rule", N_("the day's check: {detail}"), detail=text))
    return EditVerdict(not problems, tuple(problems), costs, plan, tuple(drops), touched,
                       day.plan.date.isoformat())
