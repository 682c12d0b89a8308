"""Multi-day campaign planning: every pending resident of every mode gets a day.

``plan_campaign`` is the loop over the working days. Each day has two steps:

1. **Day assignment** (``planner.campaign.assign.Assigner.offer``): which
   households, and which of their pending residents, are offered that day;
2. **The day planner** (``planner.campaign.dayloop.plan_one_day``, through
   ``plan_day``, the same function as ``plan.py day``) decides the routes;
   what it leaves out is carried to the next working day.

A day whose teams work less than ``REOFFER_BELOW`` of their capacity is
offered more and planned again, once (kept when it serves more and no fewer
narrow-window residents); a day after which less than ``TAIL_SHARE`` of its
capacity would be left is offered everything and solved again, longer; a day
whose search found no routes at all (a busy machine) is solved again with a
longer limit. The campaign is measured against its lower bound
(``planner.campaign.bound.lower_bound``). Each day is planned in the season
the speed table's rule gives it (``planner.speeds.season_of_day``: the
scenario's season, the rain season on the calendar's wet days).
Units: seconds, metres, dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from planner.campaign.assign import Assigner
from planner.campaign.bound import LowerBound, lower_bound
from planner.campaign.calendar import Calendar
from planner.campaign.dayloop import (
    FIDELITIES,
    DayPlan,
    Solver,
    busy_share,
    day_scenario,
    default_solver,
    narrow_served,
    plan_one_day,
    sweep_solver,
)
from planner.campaign.daymemo import DayMemo
from planner.campaign.decisions import (
    Decision,
    Decisions,
    not_honoured_entries,
    steer_of,
    steered_offer,
)
from planner.campaign.needs import PendingVisit, copy_with, parts, team_capacity_s
from planner.campaign.workspace import Workspace
from planner.domain import Household, Resident, Team, Unserved
from planner.presence import PresenceModel
from planner.speeds import DEFAULT_SEASON, default_season, season_of_day

#: A day whose teams work less than this share of their capacity is offered
#: more (the budget times ``REOFFER_BOOST``) and planned again, once.
REOFFER_BELOW = 0.92
REOFFER_BOOST = 1.3
#: A day after which less than this share of its capacity would be left
#: (estimated) is offered everything (the budget times ``TAIL_BOOST``) and
#: solved again with ``RETRY_FACTOR`` times the limit, up to ``TAIL_TRIES``
#: seeds, until nothing is left: no day of its own for a few visits.
TAIL_SHARE = 0.3
TAIL_BOOST = 10.0
TAIL_TRIES = 3
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


@dataclass(frozen=True)
class CampaignResult:
    """A planned campaign: its days, when and by whom each resident is served
    (``assignment``: resident id → (date, team, how)), who cannot be served
    and why, who is left unplanned, and the lower bound it is measured against.
    ``base_season`` is the speed table's default season (a day planned in
    another season is marked in the calendar)."""

    start: dt.date
    deadline: dt.date | None
    days: tuple[DayPlan, ...]
    assignment: dict[str, tuple[dt.date, str, str]]
    cannot_serve: tuple[Unserved, ...]
    not_planned: tuple[Unserved, ...]
    pending: tuple[PendingVisit, ...]
    bound: LowerBound
    notice_days: int = 0
    base_season: str = DEFAULT_SEASON
    #: the working calendar the days were planned on (None: the days planned
    #: are taken as the working days, as before calendars were kept)
    calendar: Calendar | None = None
    #: households a person left out (decision ``leave_out``): id → reason code;
    #: not pending, not planned, counted apart
    left_out: dict[str, str] = field(default_factory=dict)
    #: decisions no planned day could honour (a must-visit on a day its team
    #: or every team is absent): ``(date, unserved-like entry)`` as in
    #: ``Plan.not_honoured``; those of planned days are in their plans too
    not_honoured: tuple[tuple[dt.date, Unserved], ...] = ()

    @property
    def completion(self) -> dt.date | None:
        """The last day on which someone is served (None when nothing is planned)."""
        worked = [d.date for d in self.days if d.served]
        return max(worked) if worked else None

    @property
    def working_days_used(self) -> int:
        """Working days of the calendar from the start to the completion,
        served or not: a working day with nothing offered (waiting for a
        collection point's notice) is not in ``days`` but counts, as the lower
        bound counts it (``planner.campaign.bound``)."""
        done = self.completion
        if done is None:
            return 0
        if self.calendar is not None:
            return self.calendar.count(self.start, done)
        return sum(1 for d in self.days if d.date <= done)

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
    #: the collection points already announced, held at their place and hour:
    #: date → village id → ``(place name, opens_s, closes_s)`` (``plan_day``'s
    #: ``point_slots``)
    point_slots: Mapping[dt.date, Mapping[str, tuple[str, int, int]]] | None = None
    #: the shuttles already announced to their households, picked up at that
    #: time: date → household id → pickup at home (s after midnight,
    #: ``plan_one_day``'s ``shuttle_slots``)
    shuttle_slots: Mapping[dt.date, Mapping[str, int]] | None = None
    #: the decisions a person made (``planner.campaign.decisions``), honoured
    #: every day: who may be offered, which teams work with how many, who
    #: must be visited, locked to a team, in a fixed order
    decisions: Decisions = field(default_factory=Decisions)
    #: the day plans of the last run, answering the calls of the day planner
    #: whose inputs did not change (``planner.campaign.daymemo``); None: every
    #: day solved
    memo: DayMemo | None = None
    #: how many working days, from the first one planned, are planned as
    #: ``fidelity`` and ``solver`` ask; the days after them are a forecast,
    #: planned at the "sweep" fidelity (``sweep_solver``, the priority repair
    #: without relocations: every mode, window, shift and decision still
    #: held, the same self-check): ``tomorrow``'s later days, planned again
    #: fully when a re-plan reaches them. None: every day as ``fidelity``
    full_days: int | None = None


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
    keep their date, even within the notice period. A day's season is
    ``options.season_of(day)``, else the speed table's rule
    (``planner.speeds.season_of_day``: the rain season on the calendar's wet
    days, the scenario's season otherwise).
    """
    options = options or CampaignOptions()
    if options.fidelity not in FIDELITIES:
        raise ValueError(f"fidelity {options.fidelity!r}: use one of {', '.join(FIDELITIES)}")
    gone = options.decisions.left_out()
    left_out = {p.household.id: gone[p.household.id].reason or "other" for p in pending
                if p.household.id in gone}
    pending = [p for p in pending if p.household.id not in left_out]
    settings = ws.scenario.campaign
    if notice_days is None:
        notice_days = settings.notice_days if settings is not None else 2
    # announced points may open within the notice period: the bound then
    # counts the busiest village's sessions only
    bound_notice = 0 if announced else notice_days
    bound = lower_bound(ws, pending, calendar, start, bound_notice)
    assigner = _new_assigner(ws, pending, notice_days, bound, announced)
    assigner.fixed_shuttles = {d: frozenset(slots)
                               for d, slots in (options.shuttle_slots or {}).items()}
    run = _Run(ws, calendar, start, options, pending, assigner)
    run.plan_days()
    if run.cannot:  # the bound counts the residents that can be served
        bound = lower_bound(ws, _servable(pending, run.cannot), calendar, start, bound_notice)
    return CampaignResult(start=start, deadline=deadline, days=tuple(run.days),
                          assignment=run.assignment, cannot_serve=tuple(run.cannot),
                          not_planned=tuple(run.not_planned()), pending=tuple(pending),
                          bound=bound, notice_days=notice_days,
                          base_season=default_season(ws.table), calendar=calendar,
                          left_out=left_out, not_honoured=tuple(run.not_honoured))


def _new_assigner(ws: Workspace, pending: list[PendingVisit], notice_days: int,
                  bound: LowerBound,
                  announced: dict[dt.date, dict[str, frozenset[str]]] | None) -> Assigner:
    """The day assignment for ``pending``: the days left estimated from the
    bound, the villages' home-visit households counted."""
    assigner = Assigner(ws, notice_days, lambda n: bound.days - n, dict(announced or {}))
    assigner.bands_bind = 0 < bound.window_days and bound.work_days <= bound.window_days \
        and bound.point_days <= bound.window_days
    for p in pending:
        if parts(p.household, ws.scenario.parameters).home:
            v = p.household.village_id
            assigner.village_size[v] = assigner.village_size.get(v, 0) + 1
    return assigner


def _servable(pending: list[PendingVisit], cannot: list[Unserved]) -> list[PendingVisit]:
    """``pending`` without the residents that cannot be served (``cannot``)."""
    gone = {rid for u in cannot for rid in resident_ids(u)}
    servable = [replace(p, household=replace(p.household, residents=tuple(
        r for r in p.household.residents if r.id not in gone))) for p in pending]
    return [p for p in servable if p.household.residents]


class _Run:
    """The campaign loop's state: who is still pending (``remaining``), the
    days planned, who is served when (``assignment``), who cannot be served,
    and the last reason given for each household."""

    def __init__(self, ws: Workspace, calendar: Calendar, start: dt.date,
                 options: CampaignOptions, pending: list[PendingVisit],
                 assigner: Assigner) -> None:
        self.ws, self.calendar, self.start, self.options = ws, calendar, start, options
        self.assigner = assigner
        self.relocate = options.fidelity == "full"
        base = ws.scenario.parameters.season
        self.season_of = options.season_of or (
            lambda d: season_of_day(ws.table, base, d in calendar.wet_days))
        self.remaining = {p.household.id: p for p in pending if p.household.residents}
        self.original = {r.id: r for p in pending for r in p.household.residents}
        self.original_household = {p.household.id: p.household for p in pending}
        self.days: list[DayPlan] = []
        self.assignment: dict[str, tuple[dt.date, str, str]] = {}
        self.cannot: list[Unserved] = []
        self.last_reasons: dict[str, Unserved] = {}
        self.not_honoured: list[tuple[dt.date, Unserved]] = []
        #: the pending households the decisions let be offered on the day planned
        self.allowed: list[PendingVisit] = list(self.remaining.values())

    def plan_days(self) -> None:
        """Plan working day after working day until no one is left, the
        ``max_days`` are used or ``STALL_DAYS`` in a row served no one; the
        trailing days that served no one are dropped."""
        idle = 0
        for n, day in enumerate(self.calendar.working_days(self.start,
                                                           limit=self.options.max_days)):
            if not self.remaining:
                break
            decisions = self.options.decisions
            self.allowed = [p for p in self.remaining.values()
                            if decisions.may_offer(p.household, day) is None]
            today = [p for p in self.allowed if p.earliest is None or p.earliest <= day]
            teams = decisions.teams_on(self.calendar.teams_on(day), day)
            cannot = self._conflicts(day) if decisions else []
            offered = self.assigner.offer(n, today, teams, day) if today and teams else []
            offered = steered_offer(decisions, day, teams, self.allowed, offered)
            if cannot:
                self.not_honoured += [(day, e) for e in not_honoured_entries(cannot)]
            if not offered:
                idle += 1
                if idle >= STALL_DAYS:
                    break
                continue
            offered, result = self._plan_day(n, day, teams, today, offered)
            if cannot:
                result = replace(result, plan=replace(result.plan, not_honoured=(
                    not_honoured_entries(cannot) + result.plan.not_honoured)))
            self.days.append(result)
            self._record(result, offered, everyone=len(teams) == len(self.calendar.teams))
            if self.options.on_day is not None:
                self.options.on_day(result)
            idle = 0 if result.served else idle + 1
            if idle >= STALL_DAYS:
                break
        while self.days and not self.days[-1].served:
            self.days.pop()

    def _conflicts(self, day: dt.date) -> list[tuple[Decision, str]]:
        """The decisions for ``day`` about pending households (or teams) that
        no plan of the day can honour (``Decisions.conflicts_on``), and each
        visit required that day that another decision keeps off it
        (``kept_off``)."""
        decisions = self.options.decisions
        out = [(d, c) for d, c in decisions.conflicts_on(day, self.calendar.teams_on(day))
               if not d.household or d.household in self.remaining]
        for hid, d in sorted(decisions.mandatory_on(day).items()):
            p = self.remaining.get(hid)
            if p is not None and decisions.may_offer(p.household, day) is not None:
                out.append((d, "kept_off"))
        return out

    def _plan_day(self, n: int, day: dt.date, teams: tuple[Team, ...],
                  today: list[PendingVisit], offered: list[Household],
                  ) -> tuple[list[Household], DayPlan]:
        """Working day ``n``: planned over ``offered``, once more longer when the
        search found no routes, then offered more when the teams had time
        left, then offered everything when only a little would be left."""
        o = self.options
        scale = o.service_scale(n) if o.service_scale else 1.0

        forecast = o.full_days is not None and n >= o.full_days
        solver, relocate = (sweep_solver, False) if forecast else (o.solver, self.relocate)

        def plan(households: list[Household], limit_s: float, seed: int) -> DayPlan:
            households = steered_offer(o.decisions, day, teams, self.allowed, households)
            season, steer = self.season_of(day), steer_of(o.decisions, day, households)
            points, shuttles = (o.point_slots or {}).get(day), (o.shuttle_slots or {}).get(day)

            def solve() -> DayPlan:
                return plan_one_day(self.ws, day, teams, households, season, limit_s, seed,
                                    solver, self.start, scale, len(self.remaining),
                                    relocate, o.presence, points, steer, shuttles)

            if o.memo is None:
                return solve()
            inputs = day_scenario(self.ws, day, teams, households, season, self.start, scale)
            # a forecast day is answered by the full plan of the same inputs too
            engines = [(o.solver, self.relocate)] + ([(solver, relocate)] if forecast else [])
            call = o.memo.call(self.ws, inputs, o.presence,
                               [[limit_s, seed - o.seed - n, o.seed, how, moves, steer]
                                for how, moves in engines], points, shuttles)
            return o.memo.plan(call, day, len(self.remaining), solve)

        result = plan(offered, o.time_limit_s, o.seed + n)
        if not result.served and not any(r.stops[1:-1] for r in result.plan.routes):
            # the search found no routes in its time (a busy machine): once more, longer
            result = plan(offered, RETRY_FACTOR * o.time_limit_s, o.seed + n)
        self.assigner.learn(result)
        offered, result = self._reoffer(n, day, teams, today, offered, result, plan)
        return self._tail(n, day, teams, today, offered, result, plan)

    def _reoffer(self, n: int, day: dt.date, teams: tuple[Team, ...],
                 today: list[PendingVisit], offered: list[Household], result: DayPlan,
                 plan: Callable[[list[Household], float, int], DayPlan],
                 ) -> tuple[list[Household], DayPlan]:
        """The teams had time left: offer more (once) and plan the day again;
        kept when it serves more, and no fewer narrow-window residents."""
        if busy_share(result, teams, self.ws.scenario) >= REOFFER_BELOW or \
                sum(len(p.household.residents) for p in today) \
                <= sum(len(h.residents) for h in offered):
            return offered, result
        more = self.assigner.offer(n, today, teams, day, boost=REOFFER_BOOST)
        if len(more) > len(offered):
            again = plan(more, self.options.time_limit_s, self.options.seed + n)
            if len(again.served) > len(result.served) \
                    and narrow_served(again) >= narrow_served(result):
                offered, result = more, again
                self.assigner.learn(result)
        return offered, result

    def _tail(self, n: int, day: dt.date, teams: tuple[Team, ...],
              today: list[PendingVisit], offered: list[Household], result: DayPlan,
              plan: Callable[[list[Household], float, int], DayPlan],
              ) -> tuple[list[Household], DayPlan]:
        """A little would be left for a day of its own: offer everything and
        search longer; keep the day that leaves the fewest."""
        left = [_left_after(p.household, result.served) for p in today]
        left = [h for h in left if h.residents]
        capacity = sum(team_capacity_s(self.ws.scenario, t, day) for t in teams)
        if not left or self.assigner.estimate_s(left) > TAIL_SHARE * capacity:
            return offered, result
        everything = self.assigner.offer(n, today, teams, day, boost=TAIL_BOOST)
        if sum(len(h.residents) for h in everything) < sum(len(h.residents) for h in offered):
            return offered, result
        o = self.options
        for attempt in range(TAIL_TRIES):
            again = plan(everything, RETRY_FACTOR * o.time_limit_s, o.seed + n + 1000 * attempt)
            if len(again.served) > len(result.served):
                offered, result = everything, again
                self.assigner.learn(result)
            if len(result.served) >= sum(len(h.residents) for h in everything):
                break
        return offered, result

    def _record(self, result: DayPlan, offered: list[Household], everyone: bool) -> None:
        """What the day did: lasting reasons (on a day with every team on
        duty) make residents ``cannot``; the served leave ``remaining``; those
        served but absent after all (``options.absent``) come back."""
        by_id = {h.id: h for h in offered}
        for u in result.plan.unserved:
            h = by_id.get(u.household)
            if h is None:
                continue
            concerned = [r for r in _residents_of(u, h) if r.id not in result.served]
            if not concerned:
                continue
            tagged = replace(u, residents=tuple(r.id for r in concerned))
            self.last_reasons[u.household] = tagged
            if u.code not in RETRY_CODES and any(
                    r.windows != self.original[r.id].windows for r in h.residents):
                # offered at one end of the day only (``Assigner._steer_edges``):
                # offered whole from now on, not given up
                self.assigner.whole.add(u.household)
            elif u.code not in RETRY_CODES and everyone:
                self.cannot.append(tagged)
                _drop(self.remaining, u.household, {r.id for r in concerned})
        for rid, (route, how) in result.served.items():
            self.assignment[rid] = (result.date, route.split("-")[0], how)
        back = self.options.absent(result) if self.options.absent is not None else {}
        for h in offered:
            _drop(self.remaining, h.id, {r.id for r in h.residents if r.id in result.served})
            again = [(self.original[r.id], when) for r in h.residents
                     if (when := back.get(r.id)) is not None]
            for r, _when in again:
                self.assignment.pop(r.id, None)
            if again:
                _return(self.remaining, h.id, self.original_household[h.id],
                        tuple(r for r, _ in again), max(when for _, when in again))

    def not_planned(self) -> list[Unserved]:
        """The households still pending, each with its last reason (or the
        teams being full) and its residents' ids."""
        out = []
        for hid, p in self.remaining.items():
            ids = tuple(r.id for r in p.household.residents)
            reason = self.last_reasons.get(hid)
            text = reason.reason if reason else \
                f"not planned within {self.options.max_days} working days: the teams are full"
            out.append(Unserved(hid, text, reason.code if reason else "no_capacity",
                                reason.mode if reason else "home", ids,
                                reason.numbers if reason else ()))
        return out


def _left_after(h: Household, served: dict[str, tuple[str, str]]) -> Household:
    """``h`` with only its residents not in ``served``."""
    left = tuple(r for r in h.residents if r.id not in served)
    return h if len(left) == len(h.residents) else copy_with(h, residents=left)


def _drop(remaining: dict[str, PendingVisit], hid: str, ids: set[str]) -> None:
    """Remove residents ``ids`` from household ``hid``'s pending ones."""
    p = remaining.get(hid)
    if p is None or not ids:
        return
    left = tuple(r for r in p.household.residents if r.id not in ids)
    if left:
        remaining[hid] = copy_with(p, household=copy_with(p.household, residents=left))
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

