"""Multi-day campaign planning: a rolling horizon of day plans.

Each working day, the households still pending (and allowed that day) go
through the day planner's own parts (``visit_needs``, ``prefilter``,
``build_problem``, an engine, ``build_plan``) with the teams working that day;
the visited drop out and the next day starts. Travel matrices are computed
ONCE for every home-visit household of the scenario (dry and, when needed,
wet season) and sliced per day: shortest paths are never recomputed per day.

The objective, in order: everyone served by the deadline if possible (each day
serves as many as fit: prizes dwarf travel), then the fewest days (days are
filled greedily), then officer hours and travel (the engine's arc and span
costs). Bedridden and long-waiting residents carry larger prizes, and the
day's candidate clusters are seeded from the most urgent households, so they
go earlier; households carried over from an unvisited plan get a bonus.

On large districts only a few candidate clusters per team go to the engine
each day (``candidates_per_team`` households around a seed each), so that a
day solves in about a second whatever the district's size.

The lower bound on days: (total service + for each household the cheapest
way in, i.e. ``max(Σ min arrival, Σ min departure)`` over the station and the
other households) divided by the daily team capacity (shift, capped by the
maximum working time and sunset, less lunch), counted over the actual working
calendar. Units: seconds, metres, dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from planner.campaign.calendar import Calendar
from planner.day.needs import HOME_MODES, VisitNeed, visit_needs
from planner.day.plan import build_plan
from planner.day.problem import build_problem, prefilter
from planner.domain import Household, Plan, Scenario, Team, Unserved
from planner.matrix import UNREACHABLE, TravelMatrices
from planner.problem import RoutingProblem, Solution
from planner.rules import day_limits

#: Prize added to a household that was planned before but not visited.
PRIZE_CARRIED = 150_000
#: Extra prize in a campaign by the household's most urgent condition: more than
#: the visits a long bedside enrolment displaces, so that over a campaign the
#: bedridden go first rather than last (the day planner alone maximises visits).
PRIZE_URGENT = {"bedridden": 2_000_000, "disabled": 1_200_000, "postpartum": 1_000_000,
                "elderly": 0, "able": 0}
#: Households of one prize class are seeded together.
PRIZE_CLASS = 500_000
#: Working days in a row with nothing servable before the planner gives up.
STALL_DAYS = 10

Solver = Callable[[RoutingProblem, float, int], Solution]


@dataclass(frozen=True)
class PendingVisit:
    """A household still to visit: ``household.residents`` holds only the
    residents still pending; not before ``earliest``; ``attempts`` visits made
    already without finishing; ``carried`` when it was planned and not visited."""

    household: Household
    earliest: dt.date | None = None
    attempts: int = 0
    carried: bool = False


@dataclass
class Workspace:
    """Matrices for every home-visit household of a scenario, computed once.

    Site 0 is the station; ``site_of[household id]`` is a household's row.
    ``matrices[season]`` holds ``TravelMatrices`` for the seasons asked for.
    Picklable (no graph inside), so it can be shipped to Dask workers.
    """

    scenario: Scenario
    site_of: dict[str, int]
    matrices: dict[str, TravelMatrices]
    dry_reachable: frozenset[int] = frozenset()

    def season_matrices(self, season: str) -> TravelMatrices:
        return self.matrices[season]


def home_households(scenario: Scenario) -> list[Household]:
    """Households with at least one resident needing a home visit (home/auto)."""
    return [h for h in scenario.households if any(r.mode in HOME_MODES for r in h.residents)]


def build_workspace(scenario: Scenario, G, table=None,
                    seasons: tuple[str, ...] | None = None) -> Workspace:
    """Compute the travel matrices of a whole campaign once.

    ``seasons`` defaults to the scenario's season, plus wet when the calendar
    has wet days.
    """
    from planner.matrix import travel_matrices
    from planner.speeds import load_speed_table

    table = table or load_speed_table()
    params = scenario.parameters
    if seasons is None:
        seasons = (params.season,)
        if scenario.campaign and scenario.campaign.wet_days and "wet" not in seasons:
            seasons += ("wet",)
    households = home_households(scenario)
    sites = [(scenario.station.lon, scenario.station.lat)] + [(h.lon, h.lat) for h in households]
    matrices = {s: travel_matrices(G, sites, s, table, params.walk_offroad_m,
                                   params.walk_limit_m, params.walk_detour_factor)
                for s in dict.fromkeys(seasons)}
    dry_reachable: frozenset[int] = frozenset()
    if "wet" in matrices:
        dry = matrices.get("dry") or travel_matrices(
            G, sites, "dry", table, params.walk_offroad_m, params.walk_limit_m,
            params.walk_detour_factor)
        dry_reachable = frozenset(i for i in range(len(sites))
                                  if dry.travel_s[0, i] < UNREACHABLE and dry.access[i].reachable)
    return Workspace(scenario=scenario, site_of={h.id: k + 1 for k, h in enumerate(households)},
                     matrices=matrices, dry_reachable=dry_reachable)


def star_slice(m: TravelMatrices, sites: list[int]) -> TravelMatrices:
    """Like ``slice_matrices`` but only trips from and to the station (row and
    column 0) are filled, the rest are zeros: what ``prefilter`` reads, cheap
    for thousands of sites (``np.zeros`` pages stay untouched)."""
    idx = np.asarray(sites, dtype=np.int64)
    n = len(idx)
    out = []
    for full in (m.travel_s, m.distance_m, m.drive_m):
        part = np.zeros((n, n), dtype=np.int64)
        part[0, :] = full[0, idx]
        part[:, 0] = full[idx, 0]
        out.append(part)
    return TravelMatrices(travel_s=out[0], distance_m=out[1], drive_m=out[2],
                          access=tuple(m.access[i] for i in sites), profile=m.profile,
                          season=m.season)


def slice_matrices(m: TravelMatrices, sites: list[int]) -> TravelMatrices:
    """The matrices restricted to ``sites`` (global rows), in that order."""
    idx = np.asarray(sites, dtype=np.int64)
    grid = np.ix_(idx, idx)
    return TravelMatrices(travel_s=m.travel_s[grid], distance_m=m.distance_m[grid],
                          drive_m=m.drive_m[grid], access=tuple(m.access[i] for i in sites),
                          profile=m.profile, season=m.season)


@dataclass(frozen=True)
class DayPlan:
    """One planned day: the plan, the day's scenario (its households hold only
    pending residents; render ``plan`` with it), and who was visited by whom."""

    date: dt.date
    season: str
    plan: Plan
    scenario: Scenario
    visited: dict[str, str]
    pending_before: int


def select_candidates(kept: list[tuple[int, VisitNeed]], m: TravelMatrices, teams: int,
                      per_team: int) -> tuple[list[tuple[int, VisitNeed]], int]:
    """Clusters of candidates for one day when there are too many to solve at once.

    For each team: a seed (the most urgent prize class, then the farthest round
    trip from the station) and the ``per_team`` households nearest to it (round
    trip from the seed). Returns the chosen visits (in ``kept`` order) and how
    many were left for later days.
    """
    if len(kept) <= per_team * max(1, teams):
        return kept, 0
    sites = np.array([s for s, _ in kept], dtype=np.int64)
    prize_class = np.array([n.prize // PRIZE_CLASS for _, n in kept], dtype=np.int64)
    round_trip = m.travel_s[0, sites] + m.travel_s[sites, 0]
    order = np.lexsort((-round_trip, -prize_class))
    free = np.ones(len(kept), dtype=bool)
    for _ in range(max(1, teams)):
        seeds = order[free[order]]
        if len(seeds) == 0:
            break
        seed = sites[seeds[0]]
        near = (m.travel_s[seed, sites] + m.travel_s[sites, seed]).astype(np.float64)
        near[~free] = np.inf
        chosen = np.argsort(near, kind="stable")[:per_team]
        free[chosen[np.isfinite(near[chosen])]] = False
    picked = [kv for kv, f in zip(kept, free, strict=True) if not f]
    return picked, int(free.sum())


def default_solver(problem: RoutingProblem, time_limit_s: float, seed: int) -> Solution:
    """The day planner's engine (PyVRP + OR-Tools side by side, two cores)."""
    from planner.engine import solve

    return solve(problem, time_limit_s=time_limit_s, seed=seed)


def fast_solver(problem: RoutingProblem, time_limit_s: float, seed: int) -> Solution:
    """PyVRP routes repaired and improved by OR-Tools, in this process only
    (for sweeps: Dask workers may not start processes of their own)."""
    from planner.engine import solve_hybrid

    return solve_hybrid(problem, time_limit_s=time_limit_s, seed=seed)


def plan_one_day(ws: Workspace, day: dt.date, teams: tuple[Team, ...],
                 today: list[PendingVisit], season: str, time_limit_s: float, seed: int,
                 solver: Solver = default_solver, candidates_per_team: int = 14,
                 service_factor: dict[str, float] | None = None) -> DayPlan:
    """Plan ``day`` for ``teams`` over the households of ``today``.

    ``service_factor`` multiplies a household's service time (Monte Carlo).
    """
    sc = ws.scenario
    day_sc = replace(sc, date=day, teams=teams,
                     households=tuple(p.household for p in today),
                     parameters=replace(sc.parameters, season=season))  # type: ignore[arg-type]
    needs, skipped = visit_needs(day_sc)
    by_id = {p.household.id: p for p in today}
    adjusted = []
    for n in needs:
        p = by_id[n.household.id]
        service = n.service_s
        if service_factor is not None:
            service = max(60, int(round(service * service_factor.get(n.household.id, 1.0))))
        urgent = max((PRIZE_URGENT[r.condition] for r in p.household.residents), default=0)
        adjusted.append(replace(n, service_s=service,
                                prize=n.prize + urgent + (PRIZE_CARRIED if p.carried else 0)))
    m = ws.season_matrices(season)
    idx = [0] + [ws.site_of[n.household.id] for n in adjusted]
    local = star_slice(m, idx)
    dry_reachable = {k for k, g in enumerate(idx) if g in ws.dry_reachable} \
        if season == "wet" else None
    kept_local, unserved = prefilter(day_sc, adjusted, local, dry_reachable)
    kept = [(idx[site], need) for site, need in kept_local]
    kept, later = select_candidates(kept, m, len(teams), candidates_per_team)
    problem = build_problem(day_sc, kept, m)
    solution = solver(problem, time_limit_s, seed)
    plan = build_plan(day_sc, kept, problem, solution, m, [], time_limit_s, seed)
    visited = {s.household: r.team for r in plan.routes for s in r.stops
               if s.kind == "visit" and s.household}
    left = len(today) - len(visited)
    notes = list(plan.notes)
    notes.append(f"Campaign day: {len(visited)} households visited; {left} pending households "
                 "wait for later days (see campaign.json).")
    day_unserved = tuple(u for u in list(skipped) + unserved if u.code != "not_home_visit")
    plan = replace(plan, unserved=day_unserved, notes=tuple(notes))
    return DayPlan(date=day, season=season, plan=plan, scenario=day_sc, visited=visited,
                   pending_before=len(today))


def team_capacity_s(scenario: Scenario, team: Team, day: dt.date) -> int:
    """Seconds a team can work on ``day``: its shift (capped by sunset and the
    maximum working time) less lunch."""
    start, end = day_limits(replace(scenario, date=day), team)
    return max(0, min(end - start, team.max_work_s) - (team.lunch_s if team.lunch else 0))


@dataclass(frozen=True)
class LowerBound:
    """A lower bound on the campaign's working days.

    ``work_s`` = ``service_s`` + ``travel_s`` (the cheapest way into each
    household); ``days`` is the least number of working days whose summed team
    capacity reaches ``work_s``; ``days_exact`` is ``work_s`` over the mean
    daily capacity of those days.
    """

    service_s: int
    travel_s: int
    households: int
    days: int
    days_exact: float
    mean_daily_capacity_s: float

    @property
    def work_s(self) -> int:
        return self.service_s + self.travel_s


def lower_bound(ws: Workspace, pending: list[PendingVisit], calendar: Calendar,
                start: dt.date, season: str | None = None) -> LowerBound:
    """The lower bound on days for serving ``pending`` (servable ones only)."""
    sc = ws.scenario
    season = season or sc.parameters.season
    day_sc = replace(sc, households=tuple(p.household for p in pending))
    needs, _ = visit_needs(day_sc)
    m = ws.season_matrices(season)
    sites = np.array([0] + [ws.site_of[n.household.id] for n in needs], dtype=np.int64)
    service = sum(n.service_s for n in needs)
    travel = 0
    if len(sites) > 1:
        sub = m.travel_s[np.ix_(sites, sites)].astype(np.float64)
        sub[sub >= UNREACHABLE] = np.inf
        np.fill_diagonal(sub, np.inf)
        min_in = sub[:, 1:].min(axis=0)
        min_out = sub[1:, :].min(axis=1)
        min_in, min_out = min_in[np.isfinite(min_in)], min_out[np.isfinite(min_out)]
        travel = int(max(min_in.sum(), min_out.sum()))
    work = service + travel
    days, capacity_sum = 0, 0
    if work > 0:
        for day in calendar.working_days(start, limit=5000):
            capacity_sum += sum(team_capacity_s(sc, t, day) for t in calendar.teams_on(day))
            days += 1
            if capacity_sum >= work:
                break
    mean = capacity_sum / days if days else 0.0
    return LowerBound(service_s=int(service), travel_s=travel, households=len(needs),
                      days=days, days_exact=work / mean if mean else 0.0,
                      mean_daily_capacity_s=mean)


@dataclass(frozen=True)
class CampaignResult:
    """A planned campaign: its days, who is served when and by whom, who cannot be
    served and why, and the lower bound it is measured against."""

    start: dt.date
    deadline: dt.date | None
    days: tuple[DayPlan, ...]
    assignment: dict[str, tuple[dt.date, str]]
    cannot_serve: tuple[Unserved, ...]
    not_planned: tuple[Unserved, ...]
    pending: tuple[PendingVisit, ...]
    bound: LowerBound

    @property
    def completion(self) -> dt.date | None:
        """The last day with a visit (None when nothing is planned)."""
        worked = [d.date for d in self.days if d.visited]
        return max(worked) if worked else None

    @property
    def working_days_used(self) -> int:
        """Working days from the start to the completion, visits or not."""
        done = self.completion
        return sum(1 for d in self.days if done is not None and d.date <= done)

    @property
    def late(self) -> list[str]:
        """Households planned after the deadline."""
        if self.deadline is None:
            return []
        return [h for h, (d, _) in self.assignment.items() if d > self.deadline]


def never_servable(ws: Workspace, pending: list[PendingVisit], start: dt.date,
                   season: str, teams: tuple[Team, ...] | None = None,
                   service_factor: dict[str, float] | None = None,
                   ) -> tuple[list[PendingVisit], list[Unserved]]:
    """Split off households no team could ever serve (on the start day, with
    ``teams``, default all; service times scaled by ``service_factor``)."""
    sc = ws.scenario
    day_sc = replace(sc, date=start, households=tuple(p.household for p in pending),
                     teams=sc.teams if teams is None else teams,
                     parameters=replace(sc.parameters, season=season))  # type: ignore[arg-type]
    needs, skipped = visit_needs(day_sc)
    if service_factor is not None:
        needs = [replace(n, service_s=max(60, int(round(
            n.service_s * service_factor.get(n.household.id, 1.0))))) for n in needs]
    m = ws.season_matrices(season)
    idx = [0] + [ws.site_of[n.household.id] for n in needs]
    dry_reachable = {k for k, g in enumerate(idx) if g in ws.dry_reachable} \
        if season == "wet" else None
    kept, unserved = prefilter(day_sc, needs, star_slice(m, idx), dry_reachable)
    ok = {n.household.id for _, n in kept}
    bad = [u for u in list(skipped) + unserved if u.code != "not_home_visit"]
    return [p for p in pending if p.household.id in ok], bad


@dataclass
class CampaignOptions:
    """Knobs of ``plan_campaign``: per-day time limit (s), seed, engine, the day
    cap on candidates, the most working days to plan, and Monte Carlo hooks."""

    time_limit_s: float = 1.0
    seed: int = 1
    solver: Solver = default_solver
    candidates_per_team: int = 14
    max_days: int = 400
    season_of: Callable[[dt.date], str] | None = None
    on_day: Callable[[DayPlan], None] | None = None
    extra: dict = field(default_factory=dict)


def plan_campaign(ws: Workspace, pending: list[PendingVisit], start: dt.date,
                  deadline: dt.date | None, calendar: Calendar,
                  options: CampaignOptions | None = None) -> CampaignResult:
    """Give every servable pending household a day and a team, day by day.

    Households no team could serve are returned in ``cannot_serve`` with the
    reason; those still unplanned after ``max_days`` working days (or after
    ``STALL_DAYS`` working days in a row without a visit) in ``not_planned``.
    """
    options = options or CampaignOptions()
    sc = ws.scenario
    base_season = sc.parameters.season
    season_of = options.season_of or (
        lambda d: "wet" if base_season == "wet" or d in calendar.wet_days else "dry")
    servable, cannot = never_servable(ws, pending, start, base_season)
    bound = lower_bound(ws, servable, calendar, start, base_season)
    remaining = {p.household.id: p for p in servable}
    days: list[DayPlan] = []
    assignment: dict[str, tuple[dt.date, str]] = {}
    idle = 0
    last_reasons: dict[str, Unserved] = {}
    for n, day in enumerate(calendar.working_days(start, limit=options.max_days)):
        if not remaining:
            break
        today = [p for p in remaining.values() if p.earliest is None or p.earliest <= day]
        if not today:
            continue
        teams = calendar.teams_on(day)
        result = plan_one_day(ws, day, teams, today, season_of(day), options.time_limit_s,
                              options.seed + n, options.solver, options.candidates_per_team)
        days.append(result)
        for u in result.plan.unserved:
            last_reasons[u.household] = u
        for hid, team in result.visited.items():
            assignment[hid] = (day, team)
            remaining.pop(hid, None)
        if options.on_day is not None:
            options.on_day(result)
        idle = 0 if result.visited else idle + 1
        if idle >= STALL_DAYS:
            break
    while days and not days[-1].visited:
        days.pop()
    not_planned = tuple(
        last_reasons.get(hid) or Unserved(
            hid, f"not planned within {options.max_days} working days: the teams are full",
            "no_capacity")
        for hid in remaining)
    return CampaignResult(start=start, deadline=deadline, days=tuple(days),
                          assignment=assignment, cannot_serve=tuple(cannot),
                          not_planned=not_planned, pending=tuple(pending), bound=bound)


def initial_pending(scenario: Scenario) -> list[PendingVisit]:
    """Every home-visit household of a scenario, with its home-visit residents."""
    return [PendingVisit(replace(h, residents=tuple(r for r in h.residents
                                                    if r.mode in HOME_MODES)))
            for h in home_households(scenario)]
