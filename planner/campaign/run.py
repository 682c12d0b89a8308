"""The campaign commands' work, for the CLI and the tests: plan a campaign,
record outcomes, re-plan tomorrow. Each returns what it did; printing is the
caller's business."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from planner.campaign import state
from planner.campaign.calendar import Calendar
from planner.campaign.outcomes import ImportReport, import_outcomes
from planner.campaign.plan import (
    CampaignOptions,
    CampaignResult,
    DayPlan,
    build_workspace,
    initial_pending,
    plan_campaign,
)
from planner.campaign.replan import StateOnDay, pending_on
from planner.campaign.report import write_campaign
from planner.domain import CampaignSettings, Scenario
from planner.errors import InputError, Problem


@dataclass
class CampaignRun:
    """What ``run_campaign``/``run_tomorrow`` did."""

    scenario: Scenario
    result: CampaignResult
    written: list[Path]
    warnings: list = field(default_factory=list)
    state: StateOnDay | None = None
    joined: list[str] = field(default_factory=list)
    day: dt.date | None = None

    @property
    def first_day(self) -> DayPlan | None:
        return self.result.days[0] if self.result.days else None


def _settings(scenario: Scenario) -> CampaignSettings:
    return scenario.campaign or CampaignSettings()


def _visits(result: CampaignResult) -> list[tuple[dt.date, str, str, int, str]]:
    from planner.scenario import format_clock

    rows = []
    for d in result.days:
        for r in d.plan.routes:
            seq = 0
            for s in r.stops:
                if s.kind == "visit" and s.household:
                    seq += 1
                    rows.append((d.date, s.household, r.team, seq, format_clock(s.arrive_s)))
    return rows


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists():
            p.unlink()


def run_campaign(scenario_path: Path, out_dir: Path, start: dt.date | None = None,
                 deadline: dt.date | None = None, time_limit_s: float = 1.0,
                 seed: int | None = None) -> CampaignRun:
    """Plan a whole campaign and create its state in ``out_dir/campaign.db``.

    Refuses to replace a campaign database that already holds outcomes.
    """
    from planner.roads.io import load_graph
    from planner.scenario import load_scenario

    scenario, warnings = load_scenario(scenario_path)
    settings = _settings(scenario)
    start = start or settings.start or scenario.date
    deadline = deadline or settings.deadline
    if deadline is not None and deadline < start:
        raise InputError(Problem("--deadline", "", f"the deadline {deadline} is before the "
                                 f"start {start}", "give a later deadline or an earlier --start"))
    db_path = out_dir / state.DB_NAME
    if db_path.exists():
        conn = state.connect(db_path)
        try:
            n = conn.execute("SELECT count(*) FROM outcomes").fetchone()[0]
        except sqlite3.DatabaseError:
            n = 0
        conn.close()
        if n:
            raise InputError(Problem(str(db_path), "", f"this campaign already holds {n} "
                                     "recorded outcomes",
                                     "re-plan it with `python plan.py tomorrow "
                                     f"{out_dir}`, or write the new campaign to another folder"))
    G = load_graph(scenario.roads)
    ws = build_workspace(scenario, G)
    options = CampaignOptions(time_limit_s=time_limit_s,
                              seed=scenario.parameters.seed if seed is None else seed)
    result = plan_campaign(ws, initial_pending(scenario), start, deadline,
                           Calendar.of(scenario), options)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = write_campaign(out_dir, result, scenario)
    _remove_db(db_path)
    conn = state.create(db_path, scenario, start, deadline)
    with state.transaction(conn):
        state.record_plan(conn, "campaign", start, _visits(result))
    conn.close()
    written.append(db_path)
    return CampaignRun(scenario, result, written, warnings)


def record_outcomes(folder: Path, sheet: Path) -> ImportReport:
    """Import an outcomes sheet into the campaign of ``folder`` (all or nothing)."""
    from planner.scenario import load_scenario

    conn = state.open_campaign(folder)
    try:
        teams = _teams(conn, load_scenario)
        return import_outcomes(conn, sheet, teams)
    finally:
        conn.close()


def _teams(conn: sqlite3.Connection, load_scenario) -> set[str]:
    """Team ids of the campaign's scenario, plus those already in planned visits.
    Households and residents added to the scenario since are added to the state."""
    teams = {r[0] for r in conn.execute("SELECT DISTINCT team_id FROM planned_visits")}
    path = state.meta(conn).get("scenario", "")
    if path and Path(path).exists():
        scenario, _ = load_scenario(path)
        teams |= {t.id for t in scenario.teams}
        with state.transaction(conn):
            state.sync_households(conn, scenario, dt.date.today())
    return teams


def default_next_day(conn: sqlite3.Connection, calendar: Calendar, start: dt.date) -> dt.date:
    """The working day after the last day with recorded outcomes (else the start)."""
    row = conn.execute("SELECT max(date) FROM outcomes").fetchone()
    if not row or not row[0]:
        return start
    last = dt.date.fromisoformat(row[0])
    return next(calendar.working_days(last + dt.timedelta(days=1), limit=1),
                last + dt.timedelta(days=1))


def run_tomorrow(folder: Path, day: dt.date | None = None, time_limit_s: float = 1.0,
                 seed: int | None = None) -> CampaignRun:
    """Re-plan the campaign of ``folder`` from ``day`` on, from its recorded state.

    Writes ``days/DAY/plan.json`` (and the later days' plans) and refreshes
    ``campaign.json``; stores the new planned visits from ``day`` on.
    """
    from planner.roads.io import load_graph
    from planner.scenario import load_scenario

    conn = state.open_campaign(folder)
    try:
        info = state.meta(conn)
        scenario_path = Path(info["scenario"])
        if not scenario_path.exists():
            raise InputError(Problem(str(folder / state.DB_NAME), "meta.scenario",
                                     f"the campaign's scenario {scenario_path} is gone",
                                     "put the scenario back at that path"))
        scenario, warnings = load_scenario(scenario_path)
        calendar = Calendar.of(scenario)
        start = dt.date.fromisoformat(info["start"])
        deadline = dt.date.fromisoformat(info["deadline"]) if info.get("deadline") else None
        if scenario.campaign and scenario.campaign.deadline:
            deadline = scenario.campaign.deadline
        day = day or default_next_day(conn, calendar, start)
        with state.transaction(conn):
            joined = state.sync_households(conn, scenario, day)
        history = state.outcomes(conn)
        planned = state.planned_visits(conn, before=day)
        st = pending_on(scenario, history, planned, day, _settings(scenario))
        G = load_graph(scenario.roads)
        ws = build_workspace(scenario, G)
        options = CampaignOptions(time_limit_s=time_limit_s,
                                  seed=scenario.parameters.seed if seed is None else seed)
        result = plan_campaign(ws, list(st.pending), day, deadline, calendar, options)
        extra = {"state": {
            "planned_from": day.isoformat(),
            "enrolled_residents": len(st.enrolled),
            "joined": joined,
            "carried_over": list(st.carried),
            "coming_back": [{"household": p.household.id,
                             "residents": [r.id for r in p.household.residents],
                             "earliest": p.earliest.isoformat(), "attempts": p.attempts}
                            for p in st.pending if p.earliest is not None],
            "different_approach": [{"resident": f.resident_id, "household": f.household_id,
                                    "reason": f.reason} for f in st.follow_up
                                   if f.kind == "different_approach"],
            "closed": [{"resident": f.resident_id, "household": f.household_id,
                        "reason": f.reason} for f in st.follow_up if f.kind == "closed"],
        }}
        written = write_campaign(folder, result, scenario, extra)
        new_dates = {d.date for d in result.days}
        days_dir = folder / "days"
        if days_dir.is_dir():
            for sub in days_dir.iterdir():
                try:
                    when = dt.date.fromisoformat(sub.name)
                except ValueError:
                    continue
                stale = sub / "plan.json"
                if when >= day and when not in new_dates and stale.is_file():
                    stale.unlink()
        with state.transaction(conn):
            state.record_plan(conn, "tomorrow", day, _visits(result))
    finally:
        conn.close()
    return CampaignRun(scenario, result, written, warnings, st, joined, day)
