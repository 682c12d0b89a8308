"""One campaign day: its scenario, the day planner's run over it, the engines
a campaign may use, and who the day served.

**The day planner** (``planner.day.plan.plan_day``, the same function as
``plan.py day``) decides a campaign day's routes over the households the day
assignment offered (``planner.campaign.assign``); what it leaves out is
carried to the next working day. Units: seconds, dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from planner.campaign.needs import band_of, copy_with, parts, team_capacity_s
from planner.campaign.workspace import Workspace
from planner.day.needs import ANNOUNCED_MINUTE_S, PointSlot, Steer
from planner.day.plan import plan_day
from planner.domain import DECISION_CAUSES, Household, Plan, Scenario, Team, Unserved, Window
from planner.engine import EXTRAS_SEARCHES, GUARD_FACTOR, solve, solve_hybrid, solve_plain
from planner.errors import PlannerError, reason_of
from planner.presence import PresenceModel
from planner.problem import RoutingProblem, Solution
from planner.rules import home_residents, invited_to_point, visit_hours

Solver = Callable[[RoutingProblem, float, int], Solution]

#: How long after the announced pickup time (s) a shuttle may still reach a
#: household: the residents wait at the door from the time on their notice.
SHUTTLE_TOLERANCE_S = 15 * 60


def held_shuttles(households: list[Household], slots: Mapping[str, int] | None,
                  board_s: int) -> list[Household]:
    """``households`` with the shuttle residents of each household in
    ``slots`` (household id → announced pickup at home, s after midnight) at
    home only from that pickup to ``SHUTTLE_TOLERANCE_S`` later plus the
    boarding ``board_s``: the day planner's window on its pickup node, which
    its self-check then checks (``planner.day.verify``)."""
    if not slots:
        return households
    out = []
    for h in households:
        pickup = slots.get(h.id)
        if pickup is not None:
            window = (Window(pickup, pickup + SHUTTLE_TOLERANCE_S + board_s),)
            h = replace(h, residents=tuple(replace(r, windows=window) if r.mode == "shuttle"
                                           else r for r in h.residents))
        out.append(h)
    return out


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
    #: the announced collection points (village id) and shuttles (household
    #: id) the day could not hold: its self-check refused the plan made with
    #: them, and the day was planned without them (the check's words)
    dropped: tuple[tuple[str, str], ...] = ()

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
    visit enrols its stop's residents (``passengers``: who is in while it
    lasts, of any mode); a shuttle its passengers; a collection
    point its invited households' point and auto residents (autos not visited
    at home that day)."""
    by_id = {h.id: h for h in scenario.households}
    hours = visit_hours(scenario)
    home = {s.household for r in plan.routes for s in r.stops
            if s.kind == "visit" and s.household}
    out: dict[str, tuple[str, str]] = {}
    for route in plan.routes:
        for s in route.stops:
            if s.kind == "visit" and s.household in by_id:
                for rid in s.passengers or tuple(r.id for r in home_residents(
                        by_id[s.household], scenario.parameters, hours)):
                    out[rid] = (route.name, "home")
            elif s.kind == "pickup" and s.place == "home":
                for rid in s.passengers:
                    out.setdefault(rid, (route.name, "shuttle"))
            elif s.kind == "point":
                for hid in s.households:
                    h = by_id.get(hid)
                    if h is None:
                        continue
                    invited = invited_to_point(h, scenario.parameters, hours)
                    for res in h.residents:
                        if res in invited or (res.mode == "auto" and hid not in home):
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
    offered = tuple(copy_with(h, residents=tuple(copy_with(r, waiting_days=r.waiting_days + waited)
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
                 relocate: bool = True, presence: PresenceModel | None = None,
                 point_slots: Mapping[str, PointSlot | tuple[str, int, int, str]] | None = None,
                 steer: Steer | None = None,
                 shuttle_slots: Mapping[str, int] | None = None) -> DayPlan:
    """Plan ``day`` for ``teams`` through ``plan_day`` over the ``offered``
    households (each with the residents offered that day); ``relocate`` as
    ``plan_day``'s; ``presence`` (a ``planner.presence.PresenceModel``) steers
    visits to the likely hours; ``point_slots`` (village id → announced slot:
    ``(place, opens_s, closes_s)``, or with the route that held it when
    announced as a fourth item, ``hinted_solver``) holds the points already
    announced at their place and hour; ``steer`` the decisions a person made
    for the day (``planner.day.needs.Steer``); ``shuttle_slots`` (household
    id → announced pickup at home, s) holds the shuttles already announced at
    their time (``held_shuttles``).

    When the day's self-check refuses the plan (a ``PlannerError`` of its own
    type, a bug path) with announced points or shuttles held, only those the
    check names are dropped and the day planned again (each in
    ``DayPlan.dropped`` with the check's words; all of them when it names
    none); then, with a person's decisions, the day without them, those it
    does not honour named (``unkept``)."""
    slots = {v: tuple(s[:3]) for v, s in (point_slots or {}).items()}
    hints = {v: str(s[3]) for v, s in (point_slots or {}).items() if len(s) > 3 and s[3]}
    held_ids = dict(shuttle_slots or {})
    dropped: list[tuple[str, str]] = []
    steering = steer
    while True:
        held = held_shuttles(offered, held_ids, ws.scenario.parameters.board_s)
        day_sc = day_scenario(ws, day, teams, held, season, start or day, service_scale)
        engine = hinted_solver(solver or default_solver, ws.scenario, slots, hints) \
            if hints and slots else solver
        try:
            plan, _, _ = plan_day(day_sc, table=ws.table, time_limit_s=time_limit_s, seed=seed,
                                  matrices_for=ws.matrices_for, solve_fn=engine,
                                  relocate=relocate, presence=presence,
                                  point_slots=slots or None, steer=steering)
            break
        except PlannerError as exc:
            if type(exc) is not PlannerError:
                raise  # not the self-check's
            if slots or held_ids:
                named = _named(str(exc), ws.scenario, slots, held_ids)
                for key in named or [*slots, *held_ids]:
                    dropped.append((key, reason_of(exc)))
                    slots.pop(key, None)
                    held_ids.pop(key, None)
                continue
            if not steering:
                raise  # nothing left to drop
            steering = None
    if steer and steering is None:
        plan = replace(plan, not_honoured=unkept(plan, steer))
    served = served_residents(plan, day_sc)
    return DayPlan(date=day, season=season, plan=plan, scenario=day_sc, served=served,
                   pending_before=pending_before, dropped=tuple(dropped))


def _named(text: str, scenario: Scenario, slots: Mapping[str, tuple],
           shuttles: Mapping[str, int]) -> list[str]:
    """The announced points (village ids of ``slots``) and shuttles (household
    ids of ``shuttles``) the self-check's ``text`` names: a point by its place
    or village name, a shuttle by its household."""
    villages = {v.id: v.name for v in scenario.villages}
    out = [v for v, slot in slots.items()
           if (slot[0] and f"at {slot[0]} " in text) or (villages.get(v) and villages[v] in text)]
    return out + [h for h in shuttles if f"shuttle of {h}" in text]


def hinted_solver(solver: Solver, scenario: Scenario, slots: Mapping[str, tuple],
                  hints: Mapping[str, str]) -> Solver:
    """``solver`` whose search may open each announced collection point only
    on the route that held it when it was announced (``hints``: village id →
    route name), when that route works today; the routes then left to the
    search are those the announced plan held, where every announced point
    fitted (without it, a search of a few seconds may give two points of the
    same hours to one team and leave one closed). Only the search is
    narrowed: the priority repair and the self-check see every route, so a
    point the hint leaves out is still opened by any team that can.

    The day problem's node of an announced point is the one of that village
    (``RoutingProblem.cluster``: the village's index) whose one window of
    starts ends in the announced minute (``announced_timing``)."""
    index = {v.id: k for k, v in enumerate(scenario.villages)}
    wanted = {index[v]: (slots[v][1], route) for v, route in hints.items()
              if v in index and v in slots}

    def run(problem: RoutingProblem, time_limit_s: float, seed: int) -> Solution:
        if not problem.cluster or not problem.allowed_vehicles:
            return solver(problem, time_limit_s, seed)
        allowed = list(problem.allowed_vehicles)
        names = [spec.name for spec in problem.vehicles]
        for n in range(1, problem.num_nodes):
            hint = wanted.get(problem.cluster[n])
            starts = problem.windows[n]
            if hint is None or len(starts) != 1 or starts[0][1] != hint[0] + ANNOUNCED_MINUTE_S:
                continue
            mine = tuple(v for v in allowed[n] or range(len(names)) if names[v] == hint[1])
            allowed[n] = mine or allowed[n]
        return solver(replace(problem, allowed_vehicles=tuple(allowed)), time_limit_s, seed)

    return run


def unkept(plan: Plan, steer: Steer) -> tuple[Unserved, ...]:
    """The decisions of ``steer`` that ``plan``, made without them (the day's
    self-check refused the plan made with them), does not honour, as
    ``Plan.not_honoured`` entries: a ``must`` household not served (cause
    ``not_fitted``), a household locked to a team served by another
    (``not_fitted``), a team order not kept (``order_infeasible``)."""
    teams_of: dict[str, set[str]] = {}
    visits: dict[str, list[str]] = {}
    for r in plan.routes:
        for s in r.stops:
            for hid in ((s.household,) if s.household else ()) + tuple(s.households):
                teams_of.setdefault(hid, set()).add(r.team)
            if s.kind == "visit" and s.household:
                visits.setdefault(r.team, []).append(s.household)
    residents = {u.household: u.residents for u in plan.unserved}
    why = "the day's self-check refused the plan made with it; the day is planned without it"

    def entry(hid: str, did: int, text: str, kind: str, cause: str) -> Unserved:
        return Unserved(hid, f"decision {did}: {text} ({why})", "decision_not_honoured", kind,
                        residents.get(hid, ()) if hid else (),
                        (("decision", did), ("cause", DECISION_CAUSES.index(cause))))

    out = [entry(hid, did, "the visit required today is not made", "must", "not_fitted")
           for hid, did in steer.must.items() if hid not in teams_of]
    out += [entry(hid, did, f"served by {', '.join(sorted(teams_of[hid] - {team}))}, not by "
                  f"team {team}", "lock", "not_fitted")
            for hid, (team, did) in steer.teams.items() if teams_of.get(hid, set()) - {team}]
    for team, (order, did) in steer.orders.items():
        made = [h for h in visits.get(team, []) if h in order]
        if made != list(order):
            out.append(entry("", did, f"team {team} does not visit {', '.join(order)} in that "
                             "order", "order", "order_infeasible"))
    return tuple(out)


def default_solver(problem: RoutingProblem, time_limit_s: float, seed: int) -> Solution:
    """The day planner's engine (two searches side by side, two cores)."""

    return solve(problem, time_limit_s=time_limit_s, seed=seed)


def fast_solver(problem: RoutingProblem, time_limit_s: float, seed: int) -> Solution:
    """One search in this process only (for sweeps: Dask workers may not start
    processes of their own): PyVRP routes improved by OR-Tools for home
    visits; OR-Tools from local cheapest insertion with shuttles or points."""

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

    return solve_plain(problem, time_limit_s, seed, time_limit_s, EXTRAS_SEARCHES[0],
                       SWEEP_SOLUTIONS)



def narrow_served(day: DayPlan) -> int:
    """Residents served at home on ``day`` whose household is at home only in
    a narrow band (``band_of``)."""
    return sum(1 for h in day.scenario.households
               if (home := parts(h, day.scenario.parameters).home) and band_of(home) != "open"
               for r in home if r.id in day.served)


def busy_share(day: DayPlan, teams: tuple[Team, ...], scenario: Scenario) -> float:
    """The teams' working time (routes less lunch) over their capacity that day."""
    capacity = sum(team_capacity_s(scenario, t, day.date) for t in teams)
    real = sum(r.duration_s - sum(s.depart_s - s.arrive_s for s in r.stops if s.kind == "break")
               for r in day.plan.routes if r.unit == "")
    return real / capacity if capacity else 1.0

