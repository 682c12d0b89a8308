"""Staffing scenarios: how many teams reach 100 % by the deadline, and what rain does.

For each team count and each Monte Carlo run, the campaign is simulated day by
day through the campaign planner itself (``plan_campaign``: the same day
assignment and the same ``plan_day`` as ``plan.py campaign``), every resident
of every mode (home visits, shuttles, collection points), with the fast
in-process engine (``fast_solver``) under a short time limit
(``time_limit_s``, 0.1 s by default: a sweep trades route quality for speed,
honestly so); outcomes are drawn as the days go:

- service time: every service time of a working day (home visit, per person
  at a point, at the office) is multiplied by one log-normal factor of mean 1
  and coefficient of variation ``service_cv`` drawn for that day; the day is
  planned knowing it (a simplification: the plan does not overrun);
- not at home: by default sampled from the presence model
  (``planner.presence``, the scenario's prior: the hours given, else the
  default profile of the condition): a household visited at home, or picked
  up for the shuttle, is found at home with the model's chance at the
  planned hour (``planner.day.chances.DayChances.chance``), one draw per
  household and day for all its residents; a resident invited to a
  collection point comes with the planner's ``point_attendance``. The days
  are planned with the same model (visits steered to the likely hours).
  With ``not_home_p`` set, a flat rate instead: every resident served is
  away with that probability. Those away come back ``retry_after_days``
  later, up to ``max_attempts``, then count as "different approach". The
  run reports its visits per enrolment. The simulated outcomes do not
  refit the model (the truth here is the prior itself);
- rain: each working day is wet with probability ``wet_day_p``; a wet day is
  planned on the matrix of the speed table's rain season (``rain_season``:
  fords closed, dirt tracks slow), the other days in the scenario's season
  (``planner.speeds.season_of_day``).

Random draws are keyed by (seed, run, resident, attempt) and (seed, run,
date), the same for every team count (common random numbers), so team counts
compare like for like. Residents the day planner cannot serve for a lasting
reason count as ``cannot_serve``. Matrices (of every season a run may plan
in, ``planner.speeds.campaign_seasons``) are computed once per scenario and
shared by every run.

Deadline: ``--deadline``, else the scenario's ``campaign.deadline``, else the
default ``DEFAULT_DEADLINE_WEEKS`` weeks from the start (``choose_deadline``:
the last day of those weeks); every output says which, and how to give one.

Team counts beyond the scenario's teams add copies of its first team (``X4``,
``X5``, …); fewer take the first teams. Officer-days count every officer of
every team on duty on each working day up to completion.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import statistics
from dataclasses import dataclass, replace

from planner import presence
from planner.campaign.calendar import Calendar
from planner.campaign.dayloop import DayPlan, fast_solver, sweep_solver
from planner.campaign.decisions import scenario_decisions
from planner.campaign.loop import CampaignOptions, plan_campaign, resident_ids
from planner.campaign.needs import initial_pending
from planner.campaign.workspace import Workspace
from planner.day.chances import DayChances
from planner.domain import CampaignSettings, Scenario, Team
from planner.speeds import rain_season, season_of_day


@dataclass(frozen=True)
class StaffingParams:
    """Monte Carlo knobs: runs per team count, service-time spread (coefficient
    of variation), not-at-home probability per visit (None: sampled from the
    presence model, see the module docstring), probability that a working day
    is wet, solver time limit per day (s), most working days simulated, seed."""

    runs: int = 20
    service_cv: float = 0.25
    not_home_p: float | None = None
    wet_day_p: float = 0.2
    time_limit_s: float = 0.1
    max_days: int = 120
    seed: int = 1
    #: ``"full"`` or ``"sweep"`` (``planner.campaign.dayloop.FIDELITIES``: a cheaper
    #: day search for province sweeps; its cost in completion days is in
    #: docs/benchmarks.md). Every result says which was used.
    fidelity: str = "full"


@dataclass(frozen=True)
class RunResult:
    """One simulated campaign. ``completion`` is None when it did not finish
    within ``max_days`` working days; ``working_days`` counts the working days
    simulated (up to the completion when finished). Counts are residents:
    ``visits`` served (enrolled or not), ``enrolled`` (and by how: ``home``,
    ``shuttle``, ``point``), ``different_approach`` and ``cannot_serve``."""

    scenario: str
    teams: int
    run: int
    start: dt.date
    completion: dt.date | None
    working_days: int
    officer_days: int
    distance_m: int
    visits: int
    enrolled: int
    different_approach: int
    cannot_serve: int
    wet_days: int
    home: int = 0
    shuttle: int = 0
    point: int = 0
    fidelity: str = "full"


#: Weeks from the first day to the default deadline, when neither ``--deadline``
#: nor the scenario's ``campaign.deadline`` gives one (docs/campaign.md).
DEFAULT_DEADLINE_WEEKS = 4

#: Where a staffing deadline came from: ``--deadline``, the scenario's
#: ``campaign.deadline`` (or the province's ``deadline:``), or the default.
DEADLINE_SOURCES = ("given", "scenario", "default")


def choose_deadline(given: dt.date | None, scenario: dt.date | None,
                    start: dt.date) -> tuple[dt.date, str]:
    """The deadline a sweep measures against, and its source
    (``DEADLINE_SOURCES``): ``given`` (``--deadline``), else ``scenario``
    (its ``campaign.deadline``), else the default: the last day of the
    ``DEFAULT_DEADLINE_WEEKS`` weeks starting on ``start`` (start + 27 days)."""
    if given is not None:
        return given, "given"
    if scenario is not None:
        return scenario, "scenario"
    return start + dt.timedelta(weeks=DEFAULT_DEADLINE_WEEKS, days=-1), "default"


@dataclass(frozen=True)
class DeadlineBasis:
    """The deadline a sweep measured against, where it came from
    (``DEADLINE_SOURCES``) and the first day the working days count from."""

    deadline: dt.date
    source: str
    start: dt.date


def first_day(scenario: Scenario, start: dt.date | None = None) -> dt.date:
    """A simulated campaign's first day: ``start`` (``--start``), else the
    scenario's ``campaign.start``, else its ``date``."""
    settings = scenario.campaign or CampaignSettings()
    return start or settings.start or scenario.date


def staffing_teams(scenario: Scenario, count: int) -> tuple[Team, ...]:
    """The first ``count`` teams, padded with copies of the first team."""
    teams = list(scenario.teams[:count])
    for k in range(len(teams), count):
        teams.append(replace(scenario.teams[0], id=f"X{k + 1}",
                             name=f"Extra team {k + 1} (copy of {scenario.teams[0].id})"))
    return tuple(teams)


def _uniform(*key: object) -> float:
    """A uniform draw in [0, 1) fixed by ``key`` (order-independent, portable)."""
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def service_factor(cv: float, *key: object) -> float:
    """A log-normal factor of mean 1 and coefficient of variation ``cv``, fixed by ``key``."""
    if cv <= 0:
        return 1.0
    sigma = math.sqrt(math.log(1 + cv * cv))
    rng = random.Random(repr(key))
    return math.exp(rng.gauss(-sigma * sigma / 2, sigma))


def simulate(ws: Workspace, count: int, run: int, params: StaffingParams,
             start: dt.date | None = None) -> RunResult:
    """Simulate one campaign with ``count`` teams (see the module docstring)."""
    decisions = scenario_decisions(ws.scenario)  # checked against the scenario's own teams
    sc = replace(ws.scenario, teams=staffing_teams(ws.scenario, count))
    ws = replace(ws, scenario=sc)
    settings = sc.campaign or CampaignSettings()
    start = first_day(sc, start)
    calendar = Calendar.of(sc)
    base = sc.parameters.season
    attempts: dict[str, int] = {}
    counts = {"visits": 0, "home": 0, "shuttle": 0, "point": 0, "other": 0}

    rain = rain_season(ws.table)

    def season_of(day: dt.date) -> str:
        rainy = rain is not None and rain in ws.matrices \
            and _uniform(params.seed, run, rain, day.isoformat()) < params.wet_day_p
        return season_of_day(ws.table, base, rainy)

    model = None
    if params.not_home_p is None:

        model = presence.model_for(sc)
    attendance = sc.parameters.point_attendance
    # built once per run: a day's scenario holds a subset of these households
    # and residents, and only the residents served that day are looked up
    by_id = {h.id: h for h in sc.households}
    household_of = {r.id: h.id for h in sc.households for r in h.residents}

    def away_p(day: DayPlan) -> dict[str, float]:
        """Resident id → the chance they are not enrolled at their stop today."""

        if model is None:
            return {rid: float(params.not_home_p or 0.0) for rid in day.served}
        chances = DayChances(model, day.date.weekday())
        when: dict[str, int] = {}
        for r in day.plan.routes:
            for stop in r.stops:
                if stop.kind == "visit" and stop.household:
                    when.setdefault(stop.household, stop.depart_s - stop.service_s)
                elif stop.kind == "pickup" and stop.place == "home" and stop.household:
                    when.setdefault(stop.household, stop.arrive_s)
        out: dict[str, float] = {}
        for rid, (_route, how) in day.served.items():
            hid = household_of.get(rid, "")
            if how == "point" or hid not in when or not chances.knows(hid):
                out[rid] = 1.0 - attendance
                continue
            # all the residents of the stop at home or none: one chance per household
            people = [x for x in by_id[hid].residents if day.served.get(x.id, ("", ""))[1]
                      == how]
            out[rid] = 1.0 - chances.chance(hid, people, when[hid])
        return out

    def absent(day: DayPlan) -> dict[str, dt.date | None]:
        back: dict[str, dt.date | None] = {}
        p_away = away_p(day)
        for rid, (_route, how) in day.served.items():
            counts["visits"] += 1
            tried = attempts.get(rid, 0)
            # one draw per household and day at home (the residents are in or
            # out together); per resident at a collection point
            key = (household_of.get(rid, rid), day.date.isoformat()) if how != "point" \
                else (rid, tried)
            if _uniform(params.seed, run, "home", *key) < p_away[rid]:
                attempts[rid] = tried + 1
                if attempts[rid] >= settings.max_attempts:
                    counts["other"] += 1
                    back[rid] = None
                else:
                    back[rid] = day.date + dt.timedelta(days=settings.retry_after_days)
            else:
                counts[how] += 1
        return back

    options = CampaignOptions(
        time_limit_s=params.time_limit_s, seed=params.seed,
        solver=sweep_solver if params.fidelity == "sweep" else fast_solver,
        fidelity=params.fidelity,
        max_days=params.max_days, season_of=season_of, absent=absent,
        service_scale=lambda n: service_factor(params.service_cv, params.seed, run, "svc", n),
        presence=model, decisions=decisions)
    result = plan_campaign(ws, initial_pending(sc), start, None, calendar, options)
    done = result.completion
    finished = done is not None and not result.not_planned
    days = [d for d in calendar.working_days(start, done)] if done else []
    members = {t.id: len(t.members) for t in sc.teams}
    officer_days = sum(members[t.id] for d in days for t in calendar.teams_on(d))
    return RunResult(
        scenario=sc.name, teams=count, run=run, start=start,
        completion=done if finished else None,
        working_days=len(days) if finished else params.max_days,
        officer_days=officer_days,
        distance_m=sum(r.distance_m for d in result.days for r in d.plan.routes),
        visits=counts["visits"],
        enrolled=counts["home"] + counts["shuttle"] + counts["point"],
        different_approach=counts["other"],
        cannot_serve=sum(len(resident_ids(u)) for u in result.cannot_serve + result.not_planned),
        wet_days=sum(1 for d in result.days if d.season == rain),
        home=counts["home"], shuttle=counts["shuttle"], point=counts["point"],
        fidelity=params.fidelity)


@dataclass(frozen=True)
class StaffingRow:
    """Summary of one (scenario, team count): completion working days (mean,
    10th/50th/90th percentiles; unfinished runs count as ``max_days``), the
    expected completion date, P(finished by the deadline), mean officer-days
    and km, visits per enrolment (residents served over residents enrolled,
    every run together), and the fidelity the runs were simulated at."""

    scenario: str
    teams: int
    runs: int
    finished: int
    mean_days: float
    p10_days: int
    p50_days: int
    p90_days: int
    expected_date: dt.date | None
    p90_date: dt.date | None
    p_by_deadline: float | None
    officer_days: float
    km: float
    enrolled_pct: float
    visits_per_enrolment: float = 0.0
    fidelity: str = "full"


def _quantile(values: list[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def summarise(results: list[RunResult], calendars: dict[tuple[str, int], Calendar],
              deadline: dt.date | None, max_days: int) -> list[StaffingRow]:
    """One row per (scenario, team count), in input order."""
    groups: dict[tuple[str, int], list[RunResult]] = {}
    for r in sorted(results, key=lambda r: (r.scenario, r.teams, r.run)):
        groups.setdefault((r.scenario, r.teams), []).append(r)
    rows = []
    for (name, count), runs in groups.items():
        days = [r.working_days if r.completion else max_days for r in runs]
        cal = calendars[(name, count)]
        start = runs[0].start

        def nth(k: float, cal: Calendar = cal, start: dt.date = start) -> dt.date | None:
            found = list(cal.working_days(start, limit=max(1, math.ceil(k))))
            return found[-1] if found else None

        mean_days = statistics.fmean(days)
        by_deadline = None
        if deadline is not None:
            by_deadline = sum(1 for r in runs if r.completion and r.completion <= deadline) \
                / len(runs)
        total = sum(r.enrolled + r.different_approach for r in runs)
        rows.append(StaffingRow(
            scenario=name, teams=count, runs=len(runs),
            finished=sum(1 for r in runs if r.completion), mean_days=mean_days,
            p10_days=_quantile(days, 0.1), p50_days=_quantile(days, 0.5),
            p90_days=_quantile(days, 0.9), expected_date=nth(mean_days),
            p90_date=nth(_quantile(days, 0.9)), p_by_deadline=by_deadline,
            officer_days=statistics.fmean(r.officer_days for r in runs),
            km=statistics.fmean(r.distance_m for r in runs) / 1000.0,
            enrolled_pct=100.0 * sum(r.enrolled for r in runs) / total if total else 100.0,
            visits_per_enrolment=(sum(r.visits for r in runs) / sum(r.enrolled for r in runs)
                                  if sum(r.enrolled for r in runs) else 0.0),
            fidelity="+".join(sorted({r.fidelity for r in runs}))))
    return rows
