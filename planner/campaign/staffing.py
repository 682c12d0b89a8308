"""Staffing scenarios: how many teams reach 100 % by the deadline, and what rain does.

For each team count and each Monte Carlo run, the campaign is simulated day by
day (``simulate``): each working day is planned with the day planner's parts
and the fast in-process engine (PyVRP routes repaired and improved by
OR-Tools, ``fast_solver``) under a short time limit (``time_limit_s``, 0.1 s by
default: a sweep trades route quality for speed, honestly so); then outcomes
are drawn:

- service time: each household's service is multiplied by a log-normal
  factor of mean 1 and coefficient of variation ``service_cv``; the day is
  planned knowing it (a simplification: the plan does not overrun);
- not at home: a visited household is not at home with probability
  ``not_home_p``; it comes back ``retry_after_days`` later, up to
  ``max_attempts`` visits, then counts as "different approach";
- rain: each working day is wet with probability ``wet_day_p``; a wet day is
  planned on the wet-season matrix (fords closed, dirt tracks slow).

Random draws are keyed by (seed, run, household, attempt) and (seed, run, day
number), the same for every team count (common random numbers), so team
counts compare like for like. Households no team of the run could serve
(with its drawn service times), and those left after ``STALL_DAYS`` working
days without a visit, count as ``cannot_serve``. Matrices (dry and wet) are computed once per
scenario and shared by every run.

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

from planner.campaign.calendar import Calendar
from planner.campaign.plan import (
    PendingVisit,
    Workspace,
    fast_solver,
    initial_pending,
    never_servable,
    plan_one_day,
)
from planner.domain import CampaignSettings, Scenario, Team

#: Working days in a row without a visit (and nobody waiting for a later
#: retry) after which a run stops: the rest cannot be served under its draws.
STALL_DAYS = 5


@dataclass(frozen=True)
class StaffingParams:
    """Monte Carlo knobs: runs per team count, service-time spread (coefficient
    of variation), not-at-home probability per visit, probability that a
    working day is wet, solver time limit per day (s), most working days
    simulated, seed."""

    runs: int = 20
    service_cv: float = 0.25
    not_home_p: float = 0.15
    wet_day_p: float = 0.2
    time_limit_s: float = 0.1
    max_days: int = 120
    seed: int = 1


@dataclass(frozen=True)
class RunResult:
    """One simulated campaign. ``completion`` is None when it did not finish
    within ``max_days`` working days; ``working_days`` counts the working days
simulated (up to the completion when finished)."""

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


def service_factors(households: list[str], cv: float, seed: int, run: int) -> dict[str, float]:
    """Log-normal factors of mean 1 and coefficient of variation ``cv``."""
    if cv <= 0:
        return {}
    sigma = math.sqrt(math.log(1 + cv * cv))
    out = {}
    for hid in households:
        rng = random.Random(f"{seed}-{run}-svc-{hid}")
        out[hid] = math.exp(rng.gauss(-sigma * sigma / 2, sigma))
    return out


def simulate(ws: Workspace, count: int, run: int, params: StaffingParams,
             start: dt.date | None = None) -> RunResult:
    """Simulate one campaign with ``count`` teams (see the module docstring)."""
    sc = ws.scenario
    settings = sc.campaign or CampaignSettings()
    start = start or settings.start or sc.date
    teams = staffing_teams(sc, count)
    calendar = Calendar.of(sc, teams)
    base = sc.parameters.season
    everyone = initial_pending(sc)
    factors = service_factors(sorted(p.household.id for p in everyone), params.service_cv,
                              params.seed, run)
    servable, cannot = never_servable(ws, everyone, start, base, teams, factors)
    pending: dict[str, PendingVisit] = {p.household.id: p for p in servable}
    idle = stalled = done_days = done_officers = 0
    members = {t.id: len(t.members) for t in teams}
    officer_days = distance = visits = enrolled = other = wet = worked = 0
    completion = None
    for n, day in enumerate(calendar.working_days(start, limit=params.max_days)):
        if not pending:
            break
        on_duty = calendar.teams_on(day)
        officer_days += sum(members[t.id] for t in on_duty)
        worked = n + 1
        today = [p for p in pending.values() if p.earliest is None or p.earliest <= day]
        rainy = base == "wet" or (_uniform(params.seed, run, "wet", n) < params.wet_day_p
                                  and "wet" in ws.matrices)
        wet += int(rainy)
        if not today:
            continue
        result = plan_one_day(ws, day, on_duty, today, "wet" if rainy else "dry",
                              params.time_limit_s, params.seed + n, fast_solver,
                              service_factor=factors)
        distance += sum(r.distance_m for r in result.plan.routes)
        for hid in result.visited:
            visits += 1
            p = pending[hid]
            if _uniform(params.seed, run, "home", hid, p.attempts) < params.not_home_p:
                attempts = p.attempts + 1
                if attempts >= settings.max_attempts:
                    other += 1
                    del pending[hid]
                else:
                    pending[hid] = replace(
                        p, attempts=attempts,
                        earliest=day + dt.timedelta(days=settings.retry_after_days))
            else:
                enrolled += 1
                del pending[hid]
        if result.visited:
            completion, idle = day, 0
            done_days, done_officers = n + 1, officer_days
        elif not any(p.earliest and p.earliest > day for p in pending.values()):
            idle += 1
            if idle >= STALL_DAYS:  # what is left cannot be served under these draws
                stalled = len(pending)
                break
    if pending and not stalled:
        completion = None  # not finished within max_days
    return RunResult(scenario=sc.name, teams=count, run=run, start=start,
                     completion=completion, working_days=done_days if completion else worked,
                     officer_days=done_officers if completion else officer_days,
                     distance_m=distance, visits=visits,
                     enrolled=enrolled, different_approach=other,
                     cannot_serve=len(cannot) + stalled, wet_days=wet)


@dataclass(frozen=True)
class StaffingRow:
    """Summary of one (scenario, team count): completion working days (mean,
    10th/50th/90th percentiles; unfinished runs count as ``max_days``), the
    expected completion date, P(finished by the deadline), mean officer-days
    and km."""

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
            enrolled_pct=100.0 * sum(r.enrolled for r in runs) / total if total else 100.0))
    return rows
