"""Multi-day campaign planning: every pending resident of every mode gets a day.

Each working day has two steps:

1. **Day assignment** (``offer_day``): which households, and which of their
   pending residents, are offered to the day planner that day;
2. **The day planner** (``planner.day.plan.plan_day``, the same function as
   ``plan.py day``) decides the routes; what it leaves out is carried to the
   next working day.

Travel matrices are computed ONCE for every site of the campaign (the
station, every household, every candidate collection-point place of every
village) and sliced per day through ``Workspace.matrices_for``: shortest paths
are never recomputed per day.

How a household's pending residents are split (``parts``): the residents a home
visit enrols (``planner.rules.home_residents``: home, bedridden auto, and the
shuttle residents at home at the same time); its shuttle residents; its
collection-point residents (mode point, and the other auto residents).

The day assignment, in order:

- **collection points** are scheduled per village, never before the working
  day number ``notice_days`` (0 = the first day planned; the village's notice
  and loudspeaker text are written for that date and handed out at least
  ``notice_days`` working days ahead). A village has at most one point a day
  (the day planner's rule) with at most ``room`` invited (the slot's size), so
  the villages with the most sessions left go first, each day;
- **shuttles** are offered in a fair share a day (their remaining number over
  the days left, plus one) on days with a unit that has a seat, those left
  out before first; a day offering one left out on ``DROPPED_SHUTTLE`` days
  is not overbooked;
- **home visits** fill the rest of the day's budget (the teams' capacity times
  ``OVERBOOK``, in work estimates calibrated on the days already planned,
  ``Assigner.learn``). Households at home only in a narrow band (early
  morning, evening, or a short window, ``band_of``) are spread over the days:
  each day takes its share of each band (remaining in the band over the days
  left), in one group per team (the most urgent and its nearest neighbours of
  the band), before the others; then the most urgent (bedridden first, then
  the longest waiting); a band beyond its share waits for its own days.
  Beyond the budget nothing is offered, so that the day planner does not drop
  a collection point for visits that fit another day.

Above ``CLUSTER_ABOVE`` home visits a team the home visits offered each day
form one cluster per team: a band's group, or a seed (villages
already begun first, then the villages with the most bedridden left, then the
farthest from the station), filled with the open households of the same
villages, nearest first. A day whose teams work less than ``REOFFER_BELOW``
of their capacity is offered more and planned again, once (kept when it
serves more and no fewer narrow-window residents); a day after which less
than ``TAIL_SHARE`` of its capacity would be left is offered everything and
solved again, longer; a day whose search found no routes at all (a busy
machine) is solved again with a longer limit.

The lower bound on days (``lower_bound``) is the larger of two bounds, both
valid for any plan that follows the rules above: the **work bound**, the
necessary work (home-visit service, the point slots of the sessions each
village needs, the shuttle boardings) plus the least travel, against the
teams' capacity counted on the working calendar. The travel is bounded two
ways, each mixed by a weight λ with the round trip to each route's farthest
site (which inflates a service by ``C / (C − λ·round trip)``): the cheapest
arcs into (or out of) every site entered, and an assignment relaxation of
the routes (one successor a site). Proofs in docs/campaign.md. And the
**point bound**, ``notice_days`` plus the sessions needed by the busiest
village (one point a village a day).
Units: seconds, metres, dates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from planner.campaign.calendar import Calendar
from planner.day.plan import plan_day
from planner.domain import (
    CollectionPoint,
    Household,
    Parameters,
    Plan,
    Resident,
    Scenario,
    Team,
    Unserved,
    Village,
)
from planner.errors import PlannerError
from planner.matrix import UNREACHABLE, TravelMatrices
from planner.presence import PresenceModel
from planner.problem import RoutingProblem, Solution
from planner.rules import (
    common_windows,
    day_limits,
    home_residents,
)

#: The day's offer, in estimated work, over the teams' capacity.
OVERBOOK = 1.1
#: A day whose teams work less than this share of their capacity is offered
#: more (the budget times ``REOFFER_BOOST``) and planned again, once.
REOFFER_BELOW = 0.92
REOFFER_BOOST = 1.3
#: More home-visit households than this a team: each day's visits are
#: offered as one cluster per team (``Assigner._clusters``).
CLUSTER_ABOVE = 20
#: A day after which less than this share of its capacity would be left
#: (estimated) is offered everything (the budget times ``TAIL_BOOST``) and
#: solved again with ``RETRY_FACTOR`` times the limit, up to ``TAIL_TRIES``
#: seeds, until nothing is left: no day of its own for a few visits.
TAIL_SHARE = 0.3
TAIL_BOOST = 10.0
TAIL_TRIES = 3
#: A shuttle left out on this many days offered: its days are not overbooked.
DROPPED_SHUTTLE = 2
#: A day whose search found no routes at all is solved again with this many
#: times the time limit (under load, the wall-clock guard may cut a search short).
RETRY_FACTOR = 4
#: Working days in a row with nothing served before the planner gives up.
STALL_DAYS = 10
#: Unserved codes that mean "not today": the resident stays pending.
CAPACITY_CODES = frozenset({"no_capacity", "point_not_opened", "point_full", "closed_wet"})
#: Reasons that do not last: the residents are offered again on a later day
#: (``windows_disjoint``: the day's one visit of the household served others).
RETRY_CODES = CAPACITY_CODES | {"windows_disjoint"}
#: Narrow bands: at home only before ``EARLY_END_S``, only after
#: ``EVENING_START_S``, or for at most ``SHORT_WINDOW_S`` in all.
EARLY_END_S = 10 * 3600
EVENING_START_S = 15 * 3600
SHORT_WINDOW_S = 3 * 3600
#: The weights λ tried by the work bound between the round trip to a route's
#: farthest site (λ = 1) and the cheapest arcs into its sites (λ = 0).
BOUND_LAMBDAS = tuple(k / 20 for k in range(21))
CONDITION_RANK = ("bedridden", "disabled", "postpartum", "elderly", "able")

Solver = Callable[[RoutingProblem, float, int], Solution]


@dataclass(frozen=True)
class PendingVisit:
    """A household still to serve: ``household.residents`` holds only the
    residents still pending (any mode); not before ``earliest``; ``attempts``
    visits made already without finishing; ``carried`` when it was planned
    and no outcome was recorded."""

    household: Household
    earliest: dt.date | None = None
    attempts: int = 0
    carried: bool = False


def candidate_places(scenario: Scenario) -> list[CollectionPoint]:
    """Every place where a village's collection point may open (its
    ``points``, else its centre, as ``planner.day.needs.choose_place``)."""
    return [p for v in scenario.villages
            for p in (v.points or (CollectionPoint(v.name, v.lon, v.lat),))]


def campaign_sites(scenario: Scenario) -> list[tuple[float, float]]:
    """(lon, lat) of every site of a campaign: the station first, every
    household, every candidate collection-point place (no duplicates)."""
    coords = [(scenario.station.lon, scenario.station.lat)]
    coords += [(h.lon, h.lat) for h in scenario.households]
    coords += [(p.lon, p.lat) for p in candidate_places(scenario)]
    return list(dict.fromkeys(coords))


def slice_matrices(m: TravelMatrices, rows: list[int]) -> TravelMatrices:
    """The matrices restricted to ``rows`` (global rows), in that order."""
    idx = np.asarray(rows, dtype=np.int64)
    grid = np.ix_(idx, idx)
    return TravelMatrices(travel_s=m.travel_s[grid], distance_m=m.distance_m[grid],
                          drive_m=m.drive_m[grid], access=tuple(m.access[i] for i in rows),
                          profile=m.profile, season=m.season)


@dataclass
class Workspace:
    """Travel matrices for every site of a campaign, computed once.

    ``row_of[(lon, lat)]`` is a site's row; row 0 the station.
    ``matrices[season]`` holds ``TravelMatrices`` for the seasons computed
    (dry always, wet when asked). Picklable (no graph inside), so it can be
    shipped to Dask workers.

    ``memo`` keeps results that depend only on what their key names (the
    lower bound per scenario, pending visits, calendar, start and notice
    days; its work bound per work items, arrivals, capacity and slack, which
    the team counts of a sweep share; the cheapest arcs of the dry matrix): a
    staffing sweep runs the same campaign many times.
    ``dataclasses.replace`` shares it with the copy, so keys must name all
    their inputs.
    """

    scenario: Scenario
    row_of: dict[tuple[float, float], int]
    matrices: dict[str, TravelMatrices]
    approach_s: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def matrices_for(self, coords: list[tuple[float, float]], season: str) -> TravelMatrices:
        """The ``planner.day.plan.MatricesFor`` of the day planner: a slice."""
        try:
            rows = [self.row_of[c] for c in coords]
        except KeyError as exc:
            raise PlannerError(f"site {exc.args[0]} is not in the campaign's matrices "
                               "(a bug; please report it)") from None
        if season not in self.matrices:
            raise PlannerError(f"no {season}-season matrices in this campaign (a bug)")
        return slice_matrices(self.matrices[season], rows)

    def row(self, lon: float, lat: float) -> int:
        return self.row_of[(lon, lat)]

    def place_approach_s(self, village: Village) -> int:
        """The cheapest way (s) into any candidate point place of ``village``."""
        places = village.points or (CollectionPoint(village.name, village.lon, village.lat),)
        return int(min(self.approach_s[self.row(c.lon, c.lat)] for c in places))


def build_workspace(scenario: Scenario, G, table=None,
                    seasons: tuple[str, ...] | None = None) -> Workspace:
    """Compute the travel matrices of a whole campaign once.

    ``seasons`` defaults to the scenario's season, plus wet when the calendar
    has wet days; dry is always computed (the day planner explains wet-season
    closures with it).
    """
    from planner.matrix import travel_matrices
    from planner.speeds import load_speed_table

    table = table or load_speed_table()
    params = scenario.parameters
    if seasons is None:
        seasons = (params.season,)
        if scenario.campaign and scenario.campaign.wet_days:
            seasons += ("wet",)
    sites = campaign_sites(scenario)
    matrices = {s: travel_matrices(G, sites, s, table, params.walk_offroad_m,
                                   params.walk_limit_m, params.walk_detour_factor)
                for s in dict.fromkeys(("dry",) + tuple(seasons))}
    travel = matrices["dry"].travel_s.astype(np.float64)
    travel[travel >= UNREACHABLE] = np.inf
    np.fill_diagonal(travel, np.inf)
    approach = travel.min(axis=0)
    approach[~np.isfinite(approach)] = 0
    return Workspace(scenario=scenario, row_of={c: k for k, c in enumerate(sites)},
                     matrices=matrices, approach_s=approach.astype(np.int64))


# --- what a household still needs ------------------------------------------------


@dataclass(frozen=True)
class Parts:
    """A household's pending residents by the way they are reached."""

    home: tuple[Resident, ...]
    shuttle: tuple[Resident, ...]
    point: tuple[Resident, ...]


def parts(h: Household) -> Parts:
    """Split ``h``'s residents as the day planner will reach them (module docstring)."""
    visit = any(r.mode == "home" or (r.mode == "auto" and r.condition == "bedridden")
                for r in h.residents)
    home = home_residents(h) if visit else ()
    ids = {r.id for r in home}
    shuttle = tuple(r for r in h.residents if r.mode == "shuttle" and r.id not in ids)
    point = tuple(r for r in h.residents if r.mode in ("point", "auto") and r.id not in ids)
    return Parts(home, shuttle, point)


def band_of(residents: tuple[Resident, ...]) -> str:
    """``early``, ``evening``, ``short`` or ``open``: when these residents are
    at home together (``open``: any time, or long windows)."""
    windows = common_windows(residents)
    if not windows:
        return "open"
    if all(w.end_s <= EARLY_END_S for w in windows):
        return "early"
    if all(w.start_s >= EVENING_START_S for w in windows):
        return "evening"
    if sum(w.length_s for w in windows) <= SHORT_WINDOW_S:
        return "short"
    return "open"


def _urgency(residents: tuple[Resident, ...]) -> tuple[int, int]:
    """Sort key: most urgent condition first, then the longest waiting."""
    worst = min((CONDITION_RANK.index(r.condition) for r in residents), default=4)
    return worst, -max((r.waiting_days for r in residents), default=0)


def point_room(scenario: Scenario) -> int:
    """How many residents one collection-point slot takes (as the day planner)."""
    p = scenario.parameters
    return max(1, int((p.point_max_slot_s - p.point_setup_s)
                      // max(1.0, p.point_per_person_s * p.point_attendance)))


def home_service_s(scenario: Scenario, residents: tuple[Resident, ...]) -> int:
    p = scenario.parameters
    return p.household_setup_s + sum(p.service_for(r.condition) for r in residents)


def shuttle_work_s(ws: Workspace, h: Household) -> int:
    """A shuttle's unit time: there and back twice, four boardings."""
    m = ws.matrices["dry"].travel_s
    row = ws.row(h.lon, h.lat)
    trip = int(min(UNREACHABLE, m[0, row])) + int(min(UNREACHABLE, m[row, 0]))
    return 2 * trip + 4 * ws.scenario.parameters.board_s


def session_s(scenario: Scenario, people: int) -> int:
    """A collection point's slot for ``people`` invited (set-up included)."""
    p = scenario.parameters
    return p.point_setup_s + int(round(p.point_per_person_s * p.point_attendance * people))


def _with(obj, **changes):
    """``dataclasses.replace(obj, **changes)`` without calling ``__init__``: for
    the frozen dataclasses without ``__post_init__`` copied day after day
    (``Household``, ``Resident``, ``PendingVisit``), equal to what ``replace``
    returns, at a fraction of its cost."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    new.__dict__.update(changes)
    return new


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the day assignment reads of a household with a given set of pending
    residents, computed once (``Assigner.facts``): its ``parts``, the band of
    its home residents (``band_of``, ``open`` without any), the urgency of
    each part (``_urgency``), the work estimates of its home visit and of its
    shuttle (0 without), its matrix row (-1 when it has none) and whether any
    of its residents is bedridden."""

    parts: Parts
    band: str
    home_urgency: tuple[int, int]
    shuttle_urgency: tuple[int, int]
    point_urgency: tuple[int, int]
    home_work: int
    shuttle_work: int
    row: int
    bedridden: bool


# --- one day ---------------------------------------------------------------------


@dataclass(frozen=True)
class DayPlan:
    """One planned day: the plan, the day's scenario (its households hold only
    the residents offered that day; render ``plan`` with it), who was served
    (resident id → ``(route name, how)``, how = home, shuttle or point), and
    the households offered."""

    date: dt.date
    season: str
    plan: Plan
    scenario: Scenario
    served: dict[str, tuple[str, str]]
    pending_before: int

    @property
    def visited(self) -> dict[str, str]:
        """Household id → the team that served some of its residents."""
        res = {r.id: h.id for h in self.scenario.households for r in h.residents}
        out: dict[str, str] = {}
        for rid, (route, _how) in self.served.items():
            out.setdefault(res[rid], route.split("-")[0] if route else route)
        return out

    @property
    def point_sessions(self) -> list[dict]:
        """The collection points opened that day: village, place, team, opens,
        closes (clock s), invited households."""
        out: dict[tuple[str, str], dict] = {}
        for r in self.plan.routes:
            for s in r.stops:
                if s.kind != "point":
                    continue
                key = (s.village, r.team)
                if key in out:  # one session interrupted by lunch
                    seen = out[key]
                    seen["opens_s"] = min(seen["opens_s"], s.opens_s)
                    seen["closes_s"] = max(seen["closes_s"], s.depart_s)
                    seen["households"] += [h for h in s.households
                                           if h not in seen["households"]]
                    continue
                out[key] = {"village": s.village, "place": s.place, "team": r.team,
                            "opens_s": s.opens_s, "closes_s": s.depart_s,
                            "households": list(s.households)}
        return list(out.values())


def served_residents(plan: Plan, scenario: Scenario) -> dict[str, tuple[str, str]]:
    """Resident id → ``(route name, how)`` for everyone ``plan`` enrols: a home
    visit enrols ``home_residents``; a shuttle its passengers; a collection
    point its invited households' point and auto residents (autos not visited
    at home that day)."""
    by_id = {h.id: h for h in scenario.households}
    home = {s.household for r in plan.routes for s in r.stops
            if s.kind == "visit" and s.household}
    out: dict[str, tuple[str, str]] = {}
    for route in plan.routes:
        for s in route.stops:
            if s.kind == "visit" and s.household in by_id:
                for res in home_residents(by_id[s.household]):
                    out[res.id] = (route.name, "home")
            elif s.kind == "pickup" and s.place == "home":
                for rid in s.passengers:
                    out.setdefault(rid, (route.name, "shuttle"))
            elif s.kind == "point":
                for hid in s.households:
                    h = by_id.get(hid)
                    if h is None:
                        continue
                    for res in h.residents:
                        if res.mode == "point" or (res.mode == "auto" and hid not in home):
                            out.setdefault(res.id, (route.name, "point"))
    return out


def day_scenario(ws: Workspace, day: dt.date, teams: tuple[Team, ...],
                 households: list[Household], season: str, start: dt.date,
                 service_scale: float = 1.0) -> Scenario:
    """The scenario of one campaign day: its date, teams on duty, the
    households offered (with the residents offered), the season, and each
    resident's waiting days grown by the calendar days since ``start``.
    ``service_scale`` multiplies every service time (Monte Carlo)."""
    sc = ws.scenario
    waited = max(0, (day - start).days)
    offered = tuple(_with(h, residents=tuple(_with(r, waiting_days=r.waiting_days + waited)
                                              for r in h.residents)) for h in households)
    params = replace(sc.parameters, season=season)  # type: ignore[arg-type]
    if service_scale != 1.0:
        def scale(s: int) -> int:
            return max(60, int(round(s * service_scale)))
        params = replace(params, service_s=tuple((c, scale(s)) for c, s in params.service_s),
                         point_per_person_s=scale(params.point_per_person_s),
                         office_service_s=scale(params.office_service_s))
    return replace(sc, date=day, teams=teams, households=offered, parameters=params)


def plan_one_day(ws: Workspace, day: dt.date, teams: tuple[Team, ...],
                 offered: list[Household], season: str, time_limit_s: float, seed: int,
                 solver: Solver | None = None, start: dt.date | None = None,
                 service_scale: float = 1.0, pending_before: int = 0,
                 relocate: bool = True, presence: PresenceModel | None = None) -> DayPlan:
    """Plan ``day`` for ``teams`` through ``plan_day`` over the ``offered``
    households (each with the residents offered that day); ``relocate`` as
    ``plan_day``'s; ``presence`` (a ``planner.presence.PresenceModel``) steers
    visits to the likely hours."""
    day_sc = day_scenario(ws, day, teams, offered, season, start or day, service_scale)
    # the default speed table, as plan_day would read it each day (for its
    # default season): read once per workspace
    from planner.speeds import load_speed_table

    table = ws.memo.get("default_speed_table")
    if table is None:
        table = ws.memo["default_speed_table"] = load_speed_table()
    plan, _, _ = plan_day(day_sc, table=table, time_limit_s=time_limit_s, seed=seed,
                          matrices_for=ws.matrices_for, solve_fn=solver, relocate=relocate,
                          presence=presence)
    served = served_residents(plan, day_sc)
    return DayPlan(date=day, season=season, plan=plan, scenario=day_sc, served=served,
                   pending_before=pending_before)


def default_solver(problem: RoutingProblem, time_limit_s: float, seed: int) -> Solution:
    """The day planner's engine (two searches side by side, two cores)."""
    from planner.engine import solve

    return solve(problem, time_limit_s=time_limit_s, seed=seed)


def fast_solver(problem: RoutingProblem, time_limit_s: float, seed: int) -> Solution:
    """One search in this process only (for sweeps: Dask workers may not start
    processes of their own): PyVRP routes improved by OR-Tools for home
    visits; OR-Tools from local cheapest insertion with shuttles or points."""
    from planner.engine import EXTRAS_SEARCHES, GUARD_FACTOR, solve_hybrid, solve_plain

    if problem.has_extras:  # a work limit; the wall-clock guard as generous as solve's
        return solve_plain(problem, time_limit_s, seed, GUARD_FACTOR * time_limit_s,
                           EXTRAS_SEARCHES[0])
    return solve_hybrid(problem, time_limit_s=time_limit_s, seed=seed)


#: How faithfully a simulated campaign plans its days (``CampaignOptions.fidelity``,
#: ``planner.campaign.staffing.StaffingParams.fidelity``). ``"full"``: as
#: ``plan.py campaign`` (``fast_solver``, the whole priority repair).
#: ``"sweep"``: ``sweep_solver`` (first solution and a short local search of
#: ``SWEEP_SOLUTIONS`` solutions, wall-clock guard the time limit itself) and
#: the priority repair without relocations. Both keep every mode (home
#: visits, shuttles, collection points), the priority tiers, windows, shifts,
#: lunch, sunset and the self-check of every day; what the cheaper search
#: costs in completion days is measured in docs/benchmarks.md ("Staffing
#: fidelity").
FIDELITIES = ("full", "sweep")

#: Solutions the sweep fidelity's search examines per day (first solution included).
SWEEP_SOLUTIONS = 3


def sweep_solver(problem: RoutingProblem, time_limit_s: float, seed: int) -> Solution:
    """The sweep fidelity's engine: one OR-Tools search in this process, local
    cheapest insertion then guided local search, stopped after
    ``SWEEP_SOLUTIONS`` solutions or ``time_limit_s`` of wall time."""
    from planner.engine import EXTRAS_SEARCHES, solve_plain

    return solve_plain(problem, time_limit_s, seed, time_limit_s, EXTRAS_SEARCHES[0],
                       SWEEP_SOLUTIONS)


# --- the day assignment ----------------------------------------------------------


def team_capacity_s(scenario: Scenario, team: Team, day: dt.date) -> int:
    """Seconds a team can work on ``day``: its shift (capped by sunset and the
    maximum working time) less lunch."""
    start, end = day_limits(scenario, team, day)
    return max(0, min(end - start, team.max_work_s) - (team.lunch_s if team.lunch else 0))


@dataclass
class Assigner:
    """The day assignment's view of what is left (see the module docstring).

    ``first_point_day``: the index of the first working day on which a
    collection point may open; ``days_left`` estimates the working days left
    for spreading (the lower bound's days less the days planned).
    """

    ws: Workspace
    first_point_day: int
    days_left: Callable[[int], int]
    fixed: dict[dt.date, dict[str, frozenset[str]]] = field(default_factory=dict)
    #: real work over estimated work on the days planned so far (``learn``)
    calibration: float = 1.0
    #: home-visit households per village at the start
    village_size: dict[str, int] = field(default_factory=dict)
    #: household id → days its shuttle was offered and left out (``learn``)
    dropped: dict[str, int] = field(default_factory=dict)
    #: ``facts`` computed: (household id, ids of its resident objects) → (its
    #: residents, kept alive so that their ids are not reused, and the facts);
    #: and id of a household object → (that household, kept alive, its facts)
    _facts: dict = field(default_factory=dict, repr=False)
    _facts_of_object: dict = field(default_factory=dict, repr=False)
    #: ``learn``'s: (household id, resident ids) → (parts, home work, shuttle work)
    _served_facts: dict = field(default_factory=dict, repr=False)

    def facts(self, h: Household) -> _Facts:
        """``h``'s ``_Facts`` for its residents (these very objects: the urgency
        reads their waiting days), computed once per campaign."""
        known = self._facts_of_object.get(id(h))
        if known is not None and known[0] is h:
            return known[1]
        key = (h.id, *map(id, h.residents))
        found = self._facts.get(key)
        if found is None:
            pt = parts(h)
            row = self.ws.row_of.get((h.lon, h.lat), -1)
            found = self._facts[key] = (h.residents, _Facts(
                parts=pt, band=band_of(pt.home) if pt.home else "open",
                home_urgency=_urgency(pt.home), shuttle_urgency=_urgency(pt.shuttle),
                point_urgency=_urgency(pt.point),
                home_work=self._home_work(h, pt.home) if pt.home else 0,
                shuttle_work=shuttle_work_s(self.ws, h) if pt.shuttle else 0,
                row=row, bedridden=any(r.condition == "bedridden" for r in h.residents)))
        self._facts_of_object[id(h)] = (h, found[1])
        return found[1]

    def _served_facts_of(self, h: Household) -> tuple[Parts, int, int]:
        """``learn``'s view of a household of a planned day (its residents are
        copies, with the day's waiting days): its parts and work estimates,
        which depend only on which residents (ids) it holds."""
        key = (h.id, *(r.id for r in h.residents))
        found = self._served_facts.get(key)
        if found is None:
            pt = parts(h)
            found = self._served_facts[key] = (
                pt, self._home_work(h, pt.home) if pt.home else 0,
                shuttle_work_s(self.ws, h) if pt.shuttle else 0)
        return found

    def learn(self, day: DayPlan) -> None:
        """Compare the day's real work (routes less lunch) with the estimates
        of what it served; later budgets use the running ratio."""
        sc = self.ws.scenario
        estimated = 0.0
        for h in day.scenario.households:
            pt, home_work, shuttle_work = self._served_facts_of(h)
            if pt.shuttle and not any(r.id in day.served for r in pt.shuttle):
                self.dropped[h.id] = self.dropped.get(h.id, 0) + 1
            if pt.home and any(r.id in day.served for r in pt.home):
                estimated += home_work
            if pt.shuttle and any(r.id in day.served for r in pt.shuttle):
                estimated += shuttle_work
        for session in day.point_sessions:
            people = sum(1 for h in day.scenario.households if h.id in session["households"]
                         for r in h.residents if day.served.get(r.id, ("", ""))[1] == "point")
            estimated += session_s(sc, people) \
                + self.ws.place_approach_s(sc.village(session["village"]))
        real = sum(r.duration_s - sum(s.depart_s - s.arrive_s for s in r.stops
                                      if s.kind == "break") for r in day.plan.routes)
        if estimated > 0 and real > 0:
            self.calibration = 0.5 * self.calibration + 0.5 * max(0.5, min(3.0, real / estimated))

    def estimate_s(self, households: list[Household]) -> float:
        """Estimated work (s, calibrated) to serve ``households``: their home
        visits and shuttles, and one session a village for their point residents."""
        sc = self.ws.scenario
        total = 0.0
        people: dict[str, int] = {}
        for h in households:
            f = self.facts(h)
            pt = f.parts
            if pt.home:
                total += f.home_work
            if pt.shuttle:
                total += f.shuttle_work
            if pt.point:
                people[h.village_id] = people.get(h.village_id, 0) + len(pt.point)
        for v, k in people.items():
            total += session_s(sc, k) + self.ws.place_approach_s(sc.village(v))
        return total * self.calibration

    def _fixed_later(self, day: dt.date) -> set[str]:
        return {hid for d, villages in self.fixed.items() if d > day
                for hids in villages.values() for hid in hids}

    def _home_work(self, h: Household, residents: tuple[Resident, ...]) -> int:
        return home_service_s(self.ws.scenario, residents) \
            + int(1.5 * self.ws.approach_s[self.ws.row(h.lon, h.lat)])

    def offer(self, n: int, pending: list[PendingVisit], teams: tuple[Team, ...],
              day: dt.date, boost: float = 1.0) -> list[Household]:
        """The households (with the residents offered) for working day ``n``."""
        sc = self.ws.scenario
        capacity = sum(team_capacity_s(sc, t, day) for t in teams)
        budget = boost * OVERBOOK * capacity / self.calibration
        left = max(1, self.days_left(n))
        chosen: dict[str, list[Resident]] = {}
        by_id = {p.household.id: p.household for p in pending}
        known = self._facts_of_object
        facts = {}
        for hid, h in by_id.items():   # (``facts``, its first lookup inlined)
            found = known.get(id(h))
            facts[hid] = found[1] if found is not None and found[0] is h else self.facts(h)
        split = {hid: f.parts for hid, f in facts.items()}
        used = 0.0
        # 1. collection points: one session a village, the busiest villages
        # first; a session already announced keeps its date and invited
        kit = any(t.kits for t in teams)
        announced = self.fixed.get(day, {}) if kit else {}
        if announced:  # a promise to the villages: the day is not overbooked
            budget = min(budget, capacity / self.calibration)
        for v, hids in announced.items():
            invited = [hid for hid in sorted(hids & set(split)) if split[hid].point]
            for hid in invited:
                chosen.setdefault(hid, []).extend(split[hid].point)
            if invited:
                used += session_s(sc, sum(len(split[h].point) for h in invited)) \
                    + self.ws.place_approach_s(sc.village(v))
        later = self._fixed_later(day)
        if n >= self.first_point_day and kit:
            room = point_room(sc)
            villages: dict[str, list[Household]] = {}
            for hid, pt in split.items():
                v = by_id[hid].village_id
                if pt.point and hid not in later and v not in announced:
                    villages.setdefault(v, []).append(by_id[hid])
            def people(v: str) -> int:
                return sum(len(split[h.id].point) for h in villages[v])
            order = sorted(villages, key=lambda v: (-math.ceil(people(v) / room), -people(v), v))
            for k, v in enumerate(order):
                households = sorted(villages[v], key=lambda h: (facts[h.id].point_urgency,
                                                                h.id))
                invited, count = [], 0
                for h in households:
                    size = len(split[h.id].point)
                    if count + size <= room:
                        invited.append(h)
                        count += size
                if not invited:
                    continue
                trip = self.ws.place_approach_s(sc.village(v))
                cost = session_s(sc, count) + trip
                if k > 0 and used + cost > budget:
                    break
                used += cost
                for h in invited:
                    chosen.setdefault(h.id, []).extend(split[h.id].point)
        # 2. shuttles: a fair share a day
        seats = sc.parameters.seats_per_motorbike > 0 and any(t.motorbikes > 1 for t in teams)
        shuttles = sorted((hid for hid, pt in split.items() if pt.shuttle),
                          key=lambda hid: (-self.dropped.get(hid, 0),
                                           facts[hid].shuttle_urgency, hid))
        if seats and shuttles:
            share = math.ceil(len(shuttles) / left) + 1
            if any(self.dropped.get(hid, 0) >= DROPPED_SHUTTLE for hid in shuttles[:share]):
                # a shuttle the teams left out again and again: no overbooking
                budget = min(budget, capacity / self.calibration)
            for hid in shuttles[:share]:
                used += facts[hid].shuttle_work
                chosen.setdefault(hid, []).extend(split[hid].shuttle)
        # 3. home visits: each narrow band's share first, then the most urgent
        home = [hid for hid, pt in split.items() if pt.home]
        if home and any(t.kits for t in teams):
            for hid in self._home_choice(home, facts, by_id, budget - used, left, len(teams)):
                chosen.setdefault(hid, []).extend(split[hid].home)
        out = []
        for p in pending:
            if p.household.id in chosen:
                ids = {r.id for r in chosen[p.household.id]}
                residents = tuple(r for r in p.household.residents if r.id in ids)
                out.append(p.household if len(residents) == len(p.household.residents)
                           else _with(p.household, residents=residents))
        return out

    def _home_choice(self, home: list[str], facts: dict[str, _Facts],
                     by_id: dict[str, Household], budget: float, left: int,
                     teams: int) -> list[str]:
        """Home visits within ``budget`` s: narrow bands' shares first."""
        work = {hid: facts[hid].home_work for hid in home}
        bands: dict[str, list[str]] = {}
        for hid in home:
            bands.setdefault(facts[hid].band, []).append(hid)
        for members in bands.values():
            members.sort(key=lambda hid: (facts[hid].home_urgency, hid))
        if sum(work.values()) <= budget:
            return sorted(home)
        groups = [g for b, m in bands.items() if b != "open"
                  for g in self._band_groups(m, by_id, math.ceil(len(m) / left), teams)]
        first = [hid for g in groups for hid in g]
        owed = set(first)
        # then the open households by urgency; a narrow band beyond its share last
        rest = sorted((hid for hid in home if hid not in owed),
                      key=lambda hid: (facts[hid].band != "open",
                                       facts[hid].home_urgency, hid))
        if len(home) <= CLUSTER_ABOVE * max(1, teams):  # a small commune: by priority
            picked, used = [], 0.0
            for hid in first + rest:
                if used + work[hid] > budget and picked:
                    if hid in first:
                        continue
                    break
                picked.append(hid)
                used += work[hid]
            return picked
        # clusters take the open households near their seeds; a narrow band
        # beyond its share waits for its own days
        rest = [hid for hid in rest if facts[hid].band == "open"]
        return self._clusters(groups, rest, work, facts, by_id, budget, teams)

    def _band_groups(self, members: list[str], by_id: dict[str, Household], owed: int,
                     teams: int) -> list[list[str]]:
        """``owed`` households of one narrow band (``members``, most urgent
        first) in one group per team: the most urgent left, then those nearest
        to it (round trip), so that a team can chain them in the band's hours."""
        m = self.ws.matrices["dry"].travel_s
        rows = {hid: self.ws.row(by_id[hid].lon, by_id[hid].lat) for hid in members}
        free = list(members)
        per_team = math.ceil(owed / max(1, teams))
        groups: list[list[str]] = []
        count = 0
        while free and count < owed:
            seed = free.pop(0)
            group = sorted(free, key=lambda h: int(m[rows[seed], rows[h]])
                           + int(m[rows[h], rows[seed]]))[:min(per_team, owed - count) - 1]
            groups.append([seed] + group)
            count += len(group) + 1
            free = [h for h in free if h not in group]
        return groups

    def _clusters(self, groups: list[list[str]], rest: list[str], work: dict[str, int],
                  facts: dict[str, _Facts], by_id: dict[str, Household], budget: float,
                  teams: int) -> list[str]:
        """One cluster per team, within the team's share of ``budget``: a narrow
        band's group (``groups``) first, or a seed (villages already begun, to
        finish them and leave no scattered remnants; the villages with the
        most bedridden left; the farthest from the station first, the near
        ones being cheap to reach at the end); then the open households of
        the same villages, nearest first, then the nearest others."""
        m = self.ws.matrices["dry"].travel_s
        first = [hid for g in groups for hid in g]
        ids = first + rest
        index = {hid: k for k, hid in enumerate(ids)}
        rows = np.array([facts[h].row for h in ids], dtype=np.int64)
        village = [by_id[h].village_id for h in ids]
        code_of = {v: k for k, v in enumerate(dict.fromkeys(village))}
        codes = np.array([code_of[v] for v in village], dtype=np.int64)
        free = np.ones(len(ids), dtype=bool)
        share = budget / max(1, teams)
        left: dict[str, int] = {}
        frail: dict[str, int] = {}
        for h, v in zip(ids, village, strict=True):
            left[v] = left.get(v, 0) + 1
            frail[v] = frail.get(v, 0) + facts[h].bedridden
        begun = np.array([left[v] < self.village_size.get(v, left[v]) for v in village])
        bedridden = np.array([frail[v] for v in village], dtype=np.float64)
        far = (m[0, rows] + m[rows, 0]).astype(np.float64)
        owed = np.zeros(len(ids), dtype=bool)
        owed[:len(first)] = True
        seed_order = np.lexsort((-far, -bedridden, ~begun))
        seed_order = seed_order[~owed[seed_order]]
        picked: list[str] = []
        for t in range(max(1, teams)):
            if t < len(groups):
                anchor = [index[h] for h in groups[t]]
            else:
                seeds = seed_order[free[seed_order]]
                if len(seeds) == 0:
                    break
                anchor = [int(seeds[0])]
            used = 0.0
            for k in anchor:
                free[k] = False
                used += work[ids[k]]
                picked.append(ids[k])
            here = np.zeros(len(code_of), dtype=bool)
            here[codes[anchor]] = True
            near = np.min([(m[rows[k], rows] + m[rows, rows[k]]).astype(np.float64)
                           for k in anchor], axis=0)
            near += np.where(here[codes], 0.0, 1e7)
            near[~free | owed] = np.inf
            order = np.argsort(near, kind="stable")
            finite = np.isfinite(near[order])
            reach = int(np.argmin(finite)) if not finite.all() else len(order)
            for k in order[:reach].tolist():
                if used + work[ids[k]] > share and used > 0:
                    if used >= share:
                        break
                    continue
                free[k] = False
                used += work[ids[k]]
                picked.append(ids[k])
        # groups beyond the teams still go today (the day planner places them)
        picked += [ids[k] for k in range(len(first)) if free[k]]
        return picked


def narrow_served(day: DayPlan) -> int:
    """Residents served at home on ``day`` whose household is at home only in
    a narrow band (``band_of``)."""
    return sum(1 for h in day.scenario.households
               if (home := parts(h).home) and band_of(home) != "open"
               for r in home if r.id in day.served)


def busy_share(day: DayPlan, teams: tuple[Team, ...], scenario: Scenario) -> float:
    """The teams' working time (routes less lunch) over their capacity that day."""
    capacity = sum(team_capacity_s(scenario, t, day.date) for t in teams)
    real = sum(r.duration_s - sum(s.depart_s - s.arrive_s for s in r.stops if s.kind == "break")
               for r in day.plan.routes if r.unit == "")
    return real / capacity if capacity else 1.0


# --- the lower bound -------------------------------------------------------------


@dataclass(frozen=True)
class LowerBound:
    """A lower bound on the campaign's working days (module docstring).

    ``work_s`` = ``service_s`` + ``travel_s``; ``work_days`` is the least
    number of working days whose summed team capacity reaches ``work_s``
    (``days_exact``: ``work_s`` over the mean daily capacity of those days);
    ``point_days`` is ``notice_days`` plus the sessions of the busiest
    village (0 without points); ``days`` the larger of the two.
    """

    service_s: int
    travel_s: int
    households: int
    residents: dict[str, int]
    sessions: int
    work_days: int
    point_days: int
    days_exact: float
    mean_daily_capacity_s: float

    @property
    def work_s(self) -> int:
        return self.service_s + self.travel_s

    @property
    def days(self) -> int:
        return max(self.work_days, self.point_days)


def residents_by_mode(households) -> dict[str, int]:
    """Residents per mode (home, shuttle, point, auto) of ``households``."""
    out = {"home": 0, "shuttle": 0, "point": 0, "auto": 0}
    for h in households:
        for r in h.residents:
            out[r.mode] += 1
    return out


def lower_bound(ws: Workspace, pending: list[PendingVisit], calendar: Calendar,
                start: dt.date, notice_days: int = 0) -> LowerBound:
    """The lower bound on days for serving every resident of ``pending``
    (proof in docs/campaign.md, "Lower bound").

    The work bound is the larger of two: the kit work (home visits, points)
    over the teams with a kit, and all the work (shuttles too) over every
    route the teams can run (a splitting team runs two); ``service_s`` and
    ``travel_s`` are those of the larger. Each is the best over
    ``BOUND_LAMBDAS`` of ``_inflated_work`` (both arc directions) and
    ``_assigned_work``. Kept in ``ws.memo``: the same inputs give the same bound.
    """
    dry = ws.matrices["dry"]
    key = ("lower_bound", id(dry), ws.scenario, tuple(pending), calendar, start, notice_days)
    found = ws.memo.get(key)
    if found is None or found[0] is not dry:   # (the matrices kept: ids are not reused)
        found = ws.memo[key] = (dry, _lower_bound(ws, pending, calendar, start, notice_days))
    return found[1]


def _lower_bound(ws: Workspace, pending: list[PendingVisit], calendar: Calendar,
                 start: dt.date, notice_days: int) -> LowerBound:
    """``lower_bound``, computed."""
    sc = ws.scenario
    p = sc.parameters
    room = point_room(sc)
    m = ws.matrices["dry"].travel_s
    # necessary work: (row, service s, kit work?, round trip s of that row)
    items: list[tuple[int, int, bool, int]] = []
    kit_arrivals: dict[int, int] = {}   # row → distinct arrivals the kit routes need
    all_arrivals: dict[int, int] = {}   # row → distinct arrivals every route needs
    people: dict[str, int] = {}
    autos: list[tuple[int, str]] = []
    service = 0

    def need(table: dict[int, int], row: int, count: int) -> None:
        table[row] = max(table.get(row, 0), count)

    for pv in pending:
        h = pv.household
        pt = parts(h)
        row = ws.row(h.lon, h.lat)
        if pt.home:
            s = home_service_s(sc, pt.home)
            items.append((row, s, True, _round_trip_s(m, row)))
            service += s
            need(kit_arrivals, row, 1)
            need(all_arrivals, row, 1)
        if pt.shuttle:  # fetched and brought back: the office lies between
            items.append((row, 4 * p.board_s, False, _round_trip_s(m, row)))
            service += 4 * p.board_s
            need(all_arrivals, row, 2)
        for r in pt.point:
            if r.mode == "point":
                people[h.village_id] = people.get(h.village_id, 0) + 1
            else:
                autos.append((row, h.village_id))
    sessions = {v: math.ceil(n / room) for v, n in people.items()}
    for v, n in people.items():
        village = sc.village(v)
        rows = _place_rows(ws, village)
        s = sessions[v] * p.point_setup_s + int(round(p.point_per_person_s * p.point_attendance
                                                      * n))
        items.append((rows[0], s, True, min(_round_trip_s(m, r) for r in rows)))
        service += s
        if len(rows) == 1:  # with several places, which one is entered is open
            need(kit_arrivals, rows[0], sessions[v])
            need(all_arrivals, rows[0], sessions[v])
    per_auto = int(round(p.point_per_person_s * p.point_attendance))
    for row, v in autos:  # at a point of its village, or visited at home
        rt = min([_round_trip_s(m, row)] + [_round_trip_s(m, r)
                                             for r in _place_rows(ws, sc.village(v))])
        items.append((row, per_auto, True, rt))
        service += per_auto
    capacity_max = max((_capacity_max_s(t) for t in sc.teams), default=0)
    slack = _rounding_slack_s(p, capacity_max)
    kit_work = _best_work(ws, [i for i in items if i[2]], kit_arrivals, capacity_max, slack)
    all_work = _best_work(ws, items, all_arrivals, capacity_max, slack)

    arcs = _route_arcs(p, capacity_max)

    def kit_capacity(day: dt.date) -> int:
        return sum(team_capacity_s(sc, t, day) + arcs for t in calendar.teams_on(day)
                   if t.kits > 0)

    def route_capacity(day: dt.date) -> int:
        return sum(_routes_of(t) * (team_capacity_s(sc, t, day) + arcs)
                   for t in calendar.teams_on(day))

    kit_service = sum(s for _row, s, kit, _rt in items if kit)
    cases = [_days_for(calendar, start, w, cap) + (w, s)
             for w, s, cap in ((kit_work, kit_service, kit_capacity),
                               (all_work, service, route_capacity))]
    days, mean, work, service = max(cases, key=lambda c: (c[0], c[2] / c[1] if c[1] else 0.0))
    busiest = max(sessions.values(), default=0)
    return LowerBound(service_s=int(service), travel_s=max(0, int(round(work)) - int(service)),
                      households=len(pending),
                      residents=residents_by_mode(pv.household for pv in pending),
                      sessions=sum(sessions.values()), work_days=days,
                      point_days=notice_days + busiest if busiest else 0,
                      days_exact=work / mean if mean else 0.0, mean_daily_capacity_s=mean)


def _round_trip_s(m: np.ndarray, row: int) -> int:
    """Station → ``row`` → station (s); 0 when either way is unreachable."""
    there, back = int(m[0, row]), int(m[row, 0])
    return 0 if there >= UNREACHABLE or back >= UNREACHABLE else there + back


def _place_rows(ws: Workspace, village: Village) -> tuple[int, ...]:
    """The rows of every candidate point place of ``village`` (no duplicates)."""
    places = village.points or (CollectionPoint(village.name, village.lon, village.lat),)
    return tuple(dict.fromkeys(ws.row(c.lon, c.lat) for c in places))


def _capacity_max_s(team: Team) -> int:
    """A team's capacity (s) on its longest possible day (no sunset cut)."""
    return max(0, min(team.shift.end_s - team.shift.start_s, team.max_work_s)
               - (team.lunch_s if team.lunch else 0))


def _routes_of(team: Team) -> int:
    """Routes a team runs a day: two when it splits off a shuttle officer
    (as ``planner.day.needs.team_units``), else one."""
    split = team.can_split and len(team.members) >= 2 and team.motorbikes >= 2 and team.kits > 0
    return 2 if split else 1


def _route_arcs(p: Parameters, capacity_s: int) -> int:
    """The most arcs a route of ``capacity_s`` can have: every arc but the
    last ends at a stop of at least the shortest stop time (a household's
    set-up, a boarding, a point's set-up); 0 when a stop may take no time."""
    shortest = min(p.household_setup_s, p.board_s, p.point_setup_s)
    return 0 if shortest <= 0 else math.ceil(capacity_s / shortest) + 2


def _rounding_slack_s(p: Parameters, capacity_s: int) -> int:
    """Seconds the rounded matrix may lose on a route against the round trip
    to its farthest site (half a second an arc, ``_route_arcs``); the whole
    capacity (the round trip is then unused) when a stop may take no time."""
    arcs = _route_arcs(p, capacity_s)
    return 1 + math.ceil(0.5 * arcs) if arcs else capacity_s


def _best_work(ws: Workspace, items: list[tuple[int, int, bool, int]],
               arrivals: dict[int, int], capacity_s: int, slack_s: int) -> float:
    """The largest work over ``BOUND_LAMBDAS`` of ``_inflated_work`` (both arc
    directions) and of ``_assigned_work``. Kept in ``ws.memo`` (the team
    counts of a sweep share it: it depends only on its arguments)."""
    if not items:
        return 0.0
    dry = ws.matrices["dry"]
    key = ("best_work", id(dry), tuple(items), tuple(arrivals.items()), capacity_s, slack_s)
    found = ws.memo.get(key)
    if found is None or found[0] is not dry:   # (the matrices kept: ids are not reused)
        found = ws.memo[key] = (dry, _best_work_of(ws, items, arrivals, capacity_s, slack_s))
    return found[1]


def _cheapest_arcs(ws: Workspace) -> tuple[np.ndarray, np.ndarray]:
    """The cheapest arc (s) into and out of every row of the dry matrix (0
    where there is none); kept in ``ws.memo``."""
    dry = ws.matrices["dry"]
    found = ws.memo.get(("cheapest_arcs", id(dry)))
    if found is None or found[0] is not dry:
        travel = dry.travel_s.astype(np.float64)
        travel[travel >= UNREACHABLE] = np.inf
        np.fill_diagonal(travel, np.inf)
        into = travel.min(axis=0)
        out_of = travel.min(axis=1)
        into[~np.isfinite(into)] = 0
        out_of[~np.isfinite(out_of)] = 0
        found = ws.memo[("cheapest_arcs", id(dry))] = (dry, (into, out_of))
    return found[1]


def _best_work_of(ws: Workspace, items: list[tuple[int, int, bool, int]],
                  arrivals: dict[int, int], capacity_s: int, slack_s: int) -> float:
    """``_best_work``, computed."""
    m = ws.matrices["dry"].travel_s
    rows = sorted({i[0] for i in items} | set(arrivals))
    into, out_of = _cheapest_arcs(ws)
    to_station = [int(m[r, 0]) for r in rows if r != 0 and m[r, 0] < UNREACHABLE]
    from_station = [int(m[0, r]) for r in rows if r != 0 and m[0, r] < UNREACHABLE]
    cycles = _assignment_travel_s(m, [r for r in arrivals if r != 0]) \
        if slack_s < capacity_s else 0.0
    columns = _WorkItems(items, arrivals)
    best = 0.0
    for lam in BOUND_LAMBDAS:
        for arcs, end in ((into, min(to_station, default=0)),
                          (out_of, min(from_station, default=0))):
            best = max(best, _inflated_work(items, arrivals, arcs, end, lam, capacity_s,
                                            slack_s, columns))
        best = max(best, _assigned_work(items, cycles, lam, capacity_s, slack_s, columns))
    return best


class _WorkItems:
    """The work items and arrivals of ``_best_work`` as numpy columns (computed
    once for every λ): services, round trips, and per arrival row its count and
    the least round trip of its items."""

    def __init__(self, items: list[tuple[int, int, bool, int]],
                 arrivals: dict[int, int]) -> None:
        self.service = np.array([s for _row, s, _kit, _rt in items], dtype=np.float64)
        self.trip = np.array([rt for _row, _s, _kit, rt in items], dtype=np.int64)
        trips: dict[int, int] = {}
        for row, _s, _kit, rt in items:
            trips[row] = min(trips.get(row, rt), rt)
        self.rows = np.array(list(arrivals), dtype=np.int64)
        self.count = np.array(list(arrivals.values()), dtype=np.float64)
        self.row_trip = np.array([trips.get(row, 0) for row in arrivals], dtype=np.int64)


def _seq_sum(values: np.ndarray) -> float:
    """The sum of ``values`` added left to right, as ``sum()`` adds floats (the
    same result to the last bit, unlike numpy's pairwise ``sum``)."""
    return float(np.add.accumulate(values)[-1]) if len(values) else 0.0


def _factors(trip: np.ndarray, lam: float, capacity_s: int, slack_s: int,
             end_s: float) -> np.ndarray:
    """``C / (C − λ·max(0, round trip − slack) − end_s)`` per round trip, 1 where the
    room is not positive (the scalar ``factor`` of ``_assigned_work`` and
    ``_inflated_work``, the same operations in the same order)."""
    room = capacity_s - lam * np.maximum(0, trip - slack_s).astype(np.float64)
    if end_s is not None:
        room = room - end_s
    out = np.ones(len(trip), dtype=np.float64)
    ok = room > 0
    out[ok] = capacity_s / room[ok]
    return out


def _assignment_travel_s(m: np.ndarray, rows: list[int]) -> float:
    """A lower bound (s) on the travel of any set of routes from the station
    (row 0) that together enter every row of ``rows``: the cheapest
    assignment of one successor to every row and to ``len(rows)`` copies of
    the station (a copy may follow itself: a route not used; a cycle need not
    pass through the station: a relaxation), less half a second an arc for
    the matrix's rounding. The routes' own rounding (half a
    second an arc) is in ``route_slack_s``."""
    from scipy.optimize import linear_sum_assignment

    rows = sorted(set(rows))
    n = len(rows)
    if n == 0:
        return 0.0
    big = float(UNREACHABLE)
    sub = np.minimum(m[np.ix_(rows, rows)].astype(np.float64), big)
    np.fill_diagonal(sub, big)
    cost = np.zeros((2 * n, 2 * n))
    cost[:n, :n] = sub
    cost[:n, n:] = np.minimum(m[rows, 0].astype(np.float64), big)[:, None]
    cost[n:, :n] = np.minimum(m[0, rows].astype(np.float64), big)[None, :]
    r, c = linear_sum_assignment(cost)
    total = float(cost[r, c].sum())
    if total >= big:  # some row cannot be entered or left: no bound from here
        return 0.0
    return max(0.0, total - 0.5 * n)


def _assigned_work(items: list[tuple[int, int, bool, int]], cycles_s: float, lam: float,
                   capacity_s: int, slack_s: int, columns: _WorkItems | None = None) -> float:
    """Σ over the services of ``s × C / (C − λ·(round trip − slack))``, plus
    ``(1 − λ)`` times the assignment's travel ``cycles_s`` (docs/campaign.md).
    ``columns``: ``items`` as ``_WorkItems`` (computed when not given)."""
    c = columns or _WorkItems(items, {})
    return _seq_sum(c.service * _factors(c.trip, lam, capacity_s, slack_s, None)) \
        + (1 - lam) * cycles_s


def _inflated_work(items: list[tuple[int, int, bool, int]], arrivals: dict[int, int],
                   arcs: np.ndarray, end_s: int, lam: float, capacity_s: int,
                   slack_s: int, columns: _WorkItems | None = None) -> float:
    """Σ over the work of ``w × C / (C − λ·(round trip − slack) − (1 − λ)·end)``:
    ``w`` a service, or ``(1 − λ)`` times the cheapest arcs into (or out of)
    a row times its arrivals; ``C`` the largest team capacity; ``end`` the
    cheapest arc closing (or opening) a route. No route can hold more than its
    capacity of it (docs/campaign.md). ``columns``: ``items`` and ``arrivals``
    as ``_WorkItems`` (computed when not given)."""
    c = columns or _WorkItems(items, arrivals)
    end = (1 - lam) * end_s
    total = _seq_sum(c.service * _factors(c.trip, lam, capacity_s, slack_s, end))
    if len(c.rows):
        total += _seq_sum((1 - lam) * c.count * arcs[c.rows].astype(np.float64)
                          * _factors(c.row_trip, lam, capacity_s, slack_s, end))
    return total


def _days_for(calendar: Calendar, start: dt.date, work: float,
              capacity: Callable[[dt.date], int]) -> tuple[int, float]:
    """The least working days from ``start`` whose summed ``capacity``
    reaches ``work``, and their mean daily capacity."""
    days, total = 0, 0
    if work > 0:
        for day in calendar.working_days(start, limit=5000):
            total += capacity(day)
            days += 1
            if total >= work:
                break
    return days, (total / days if days else 0.0)


# --- the campaign ----------------------------------------------------------------


@dataclass(frozen=True)
class CampaignResult:
    """A planned campaign: its days, when and by whom each resident is served
    (``assignment``: resident id → (date, team, how)), who cannot be served
    and why, who is left unplanned, and the lower bound it is measured against."""

    start: dt.date
    deadline: dt.date | None
    days: tuple[DayPlan, ...]
    assignment: dict[str, tuple[dt.date, str, str]]
    cannot_serve: tuple[Unserved, ...]
    not_planned: tuple[Unserved, ...]
    pending: tuple[PendingVisit, ...]
    bound: LowerBound
    notice_days: int = 0

    @property
    def completion(self) -> dt.date | None:
        """The last day on which someone is served (None when nothing is planned)."""
        worked = [d.date for d in self.days if d.served]
        return max(worked) if worked else None

    @property
    def working_days_used(self) -> int:
        """Working days from the start to the completion, served or not."""
        done = self.completion
        return sum(1 for d in self.days if done is not None and d.date <= done)

    @property
    def late(self) -> list[str]:
        """Residents planned after the deadline."""
        if self.deadline is None:
            return []
        return [rid for rid, (d, _t, _h) in self.assignment.items() if d > self.deadline]

    @property
    def unplanned_residents(self) -> list[str]:
        """Residents neither served nor explained (should be empty)."""
        done = set(self.assignment) | {rid for u in self.cannot_serve + self.not_planned
                                       for rid in resident_ids(u)}
        return [r.id for p in self.pending for r in p.household.residents if r.id not in done]


def resident_ids(u: Unserved) -> tuple[str, ...]:
    """Resident ids an ``Unserved`` of the campaign stands for."""
    return u.residents


def _residents_of(u: Unserved, offered: Household) -> tuple[Resident, ...]:
    """The residents of ``offered`` that an unserved entry of the day planner concerns."""
    ids = set(u.residents)
    return tuple(r for r in offered.residents if r.id in ids)


@dataclass
class CampaignOptions:
    """Knobs of ``plan_campaign``: per-day time limit (s), seed, engine, the
    most working days to plan, the season of a day, a callback per planned
    day, and the Monte Carlo hooks: ``service_scale(n)`` multiplies the
    service times of working day ``n``; ``absent(day)`` names the residents
    served that day who were not enrolled after all (not at home, did not
    come), each with the date from which they come back (None: not again)."""

    time_limit_s: float = 1.0
    seed: int = 1
    solver: Solver = default_solver
    max_days: int = 400
    season_of: Callable[[dt.date], str] | None = None
    on_day: Callable[[DayPlan], None] | None = None
    service_scale: Callable[[int], float] | None = None
    absent: Callable[[DayPlan], dict[str, dt.date | None]] | None = None
    #: ``"full"``: every day planned as ``plan.py campaign`` plans it;
    #: ``"sweep"``: the priority repair without relocations (``plan_day``'s
    #: ``relocate=False``). Pair it with ``sweep_solver`` (see ``FIDELITIES``).
    fidelity: str = "full"
    #: a ``planner.presence.PresenceModel`` for ``plan_day`` (None: everyone
    #: assumed at home within their windows)
    presence: PresenceModel | None = None


def plan_campaign(ws: Workspace, pending: list[PendingVisit], start: dt.date,
                  deadline: dt.date | None, calendar: Calendar,
                  options: CampaignOptions | None = None,
                  notice_days: int | None = None,
                  announced: dict[dt.date, dict[str, frozenset[str]]] | None = None,
                  ) -> CampaignResult:
    """Give every pending resident a day and a team, day by day.

    Residents the day planner cannot serve for a lasting reason (unreachable,
    windows outside every shift, …, on a day with every team on duty) are
    returned in ``cannot_serve`` with the reason; those still unplanned after
    ``max_days`` working days (or ``STALL_DAYS`` working days in a row
    without anyone served) in ``not_planned``. ``notice_days`` defaults to the
    scenario's ``campaign.notice_days``. ``announced`` holds the collection
    points already announced (date → village → invited households): they
    keep their date, even within the notice period.
    """
    options = options or CampaignOptions()
    if options.fidelity not in FIDELITIES:
        raise ValueError(f"fidelity {options.fidelity!r}: use one of {', '.join(FIDELITIES)}")
    relocate = options.fidelity == "full"
    sc = ws.scenario
    settings = sc.campaign
    if notice_days is None:
        notice_days = settings.notice_days if settings is not None else 2
    base_season = sc.parameters.season
    season_of = options.season_of or (
        lambda d: "wet" if base_season == "wet" or d in calendar.wet_days else "dry")
    # announced points may open within the notice period: the bound then
    # counts the busiest village's sessions only
    bound = lower_bound(ws, pending, calendar, start, 0 if announced else notice_days)
    assigner = Assigner(ws, notice_days, lambda n: bound.days - n, dict(announced or {}))
    for p in pending:
        if parts(p.household).home:
            v = p.household.village_id
            assigner.village_size[v] = assigner.village_size.get(v, 0) + 1
    remaining = {p.household.id: p for p in pending if p.household.residents}
    original = {r.id: r for p in pending for r in p.household.residents}
    original_household = {p.household.id: p.household for p in pending}
    days: list[DayPlan] = []
    assignment: dict[str, tuple[dt.date, str, str]] = {}
    cannot: list[Unserved] = []
    last_reasons: dict[str, Unserved] = {}
    idle = 0
    for n, day in enumerate(calendar.working_days(start, limit=options.max_days)):
        if not remaining:
            break
        today = [p for p in remaining.values() if p.earliest is None or p.earliest <= day]
        teams = calendar.teams_on(day)
        offered = assigner.offer(n, today, teams, day) if today else []
        if not offered:
            idle += 1
            if idle >= STALL_DAYS:
                break
            continue
        scale = options.service_scale(n) if options.service_scale else 1.0
        result = plan_one_day(ws, day, teams, offered, season_of(day), options.time_limit_s,
                              options.seed + n, options.solver, start, scale, len(remaining),
                              relocate, options.presence)
        if not result.served and not any(r.stops[1:-1] for r in result.plan.routes):
            # the search found no routes in its time (a busy machine): once more, longer
            result = plan_one_day(ws, day, teams, offered, season_of(day),
                                  RETRY_FACTOR * options.time_limit_s, options.seed + n,
                                  options.solver, start, scale, len(remaining),
                                  relocate, options.presence)
        assigner.learn(result)
        if busy_share(result, teams, sc) < REOFFER_BELOW and \
                sum(len(p.household.residents) for p in today) \
                > sum(len(h.residents) for h in offered):
            # the teams had time left: offer more (once) and plan the day again
            more = assigner.offer(n, today, teams, day, boost=REOFFER_BOOST)
            if len(more) > len(offered):
                again = plan_one_day(ws, day, teams, more, season_of(day),
                                     options.time_limit_s, options.seed + n, options.solver,
                                     start, scale, len(remaining),
                                     relocate, options.presence)
                # kept when it serves more, and no fewer narrow-window residents
                if len(again.served) > len(result.served) \
                        and narrow_served(again) >= narrow_served(result):
                    offered, result = more, again
                    assigner.learn(result)
        left = [_left_after(p.household, result.served) for p in today]
        left = [h for h in left if h.residents]
        capacity = sum(team_capacity_s(sc, t, day) for t in teams)
        if left and assigner.estimate_s(left) <= TAIL_SHARE * capacity:
            # a little would be left for a day of its own: offer everything
            # and search longer; keep the day that leaves the fewest
            everything = assigner.offer(n, today, teams, day, boost=TAIL_BOOST)
            if sum(len(h.residents) for h in everything) \
                    >= sum(len(h.residents) for h in offered):
                for attempt in range(TAIL_TRIES):
                    again = plan_one_day(ws, day, teams, everything, season_of(day),
                                         RETRY_FACTOR * options.time_limit_s,
                                         options.seed + n + 1000 * attempt, options.solver,
                                         start, scale, len(remaining),
                                         relocate, options.presence)
                    if len(again.served) > len(result.served):
                        offered, result = everything, again
                        assigner.learn(result)
                    if len(result.served) >= sum(len(h.residents) for h in everything):
                        break
        days.append(result)
        everyone = len(teams) == len(calendar.teams)
        by_id = {h.id: h for h in offered}
        for u in result.plan.unserved:
            h = by_id.get(u.household)
            if h is None:
                continue
            concerned = [r for r in _residents_of(u, h) if r.id not in result.served]
            if not concerned:
                continue
            tagged = replace(u, residents=tuple(r.id for r in concerned))
            last_reasons[u.household] = tagged
            if u.code not in RETRY_CODES and everyone:
                cannot.append(tagged)
                _drop(remaining, u.household, {r.id for r in concerned})
        for rid, (route, how) in result.served.items():
            assignment[rid] = (day, route.split("-")[0], how)
        back = options.absent(result) if options.absent is not None else {}
        for h in offered:
            _drop(remaining, h.id, {r.id for r in h.residents if r.id in result.served})
            again = [(original[r.id], when) for r in h.residents
                     if (when := back.get(r.id)) is not None]
            for r, _when in again:
                assignment.pop(r.id, None)
            if again:
                _return(remaining, h.id, original_household[h.id],
                        tuple(r for r, _ in again), max(when for _, when in again))
        if options.on_day is not None:
            options.on_day(result)
        idle = 0 if result.served else idle + 1
        if idle >= STALL_DAYS:
            break
    while days and not days[-1].served:
        days.pop()
    not_planned = []
    for hid, p in remaining.items():
        ids = tuple(r.id for r in p.household.residents)
        reason = last_reasons.get(hid)
        text = reason.reason if reason else \
            f"not planned within {options.max_days} working days: the teams are full"
        not_planned.append(Unserved(hid, text,
                                    reason.code if reason else "no_capacity",
                                    reason.mode if reason else "home", ids))
    if cannot:  # the bound counts the residents that can be served
        gone = {rid for u in cannot for rid in resident_ids(u)}
        servable = [replace(p, household=replace(p.household, residents=tuple(
            r for r in p.household.residents if r.id not in gone))) for p in pending]
        bound = lower_bound(ws, [p for p in servable if p.household.residents], calendar,
                            start, 0 if announced else notice_days)
    return CampaignResult(start=start, deadline=deadline, days=tuple(days),
                          assignment=assignment, cannot_serve=tuple(cannot),
                          not_planned=tuple(not_planned), pending=tuple(pending), bound=bound,
                          notice_days=notice_days)


def _left_after(h: Household, served: dict[str, tuple[str, str]]) -> Household:
    """``h`` with only its residents not in ``served``."""
    left = tuple(r for r in h.residents if r.id not in served)
    return h if len(left) == len(h.residents) else _with(h, residents=left)


def _drop(remaining: dict[str, PendingVisit], hid: str, ids: set[str]) -> None:
    """Remove residents ``ids`` from household ``hid``'s pending ones."""
    p = remaining.get(hid)
    if p is None or not ids:
        return
    left = tuple(r for r in p.household.residents if r.id not in ids)
    if left:
        remaining[hid] = _with(p, household=_with(p.household, residents=left))
    else:
        del remaining[hid]


def _return(remaining: dict[str, PendingVisit], hid: str, h: Household,
            residents: tuple[Resident, ...], earliest: dt.date) -> None:
    """Put ``residents`` of household ``hid`` back, not before ``earliest``."""
    p = remaining.get(hid)
    if p is None:
        remaining[hid] = PendingVisit(replace(h, residents=residents), earliest,
                                      attempts=1)
        return
    remaining[hid] = replace(p, household=replace(p.household,
                                                  residents=p.household.residents + residents),
                             earliest=max(earliest, p.earliest or earliest),
                             attempts=p.attempts + 1)


def initial_pending(scenario: Scenario) -> list[PendingVisit]:
    """Every household of a scenario with all its residents, every mode."""
    return [PendingVisit(h) for h in scenario.households if h.residents]
