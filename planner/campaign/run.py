"""The campaign commands' work, for the CLI and the tests: plan a campaign,
record outcomes, re-plan tomorrow. Each returns what it did; printing is the
caller's business."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from planner.campaign import state
from planner.campaign.calendar import Calendar
from planner.campaign.dayloop import DayPlan
from planner.campaign.loop import CampaignOptions, CampaignResult, plan_campaign
from planner.campaign.needs import initial_pending
from planner.campaign.outcomes import ImportReport, import_outcomes
from planner.campaign.replan import StateOnDay, pending_on
from planner.campaign.report import write_campaign
from planner.campaign.workspace import build_workspace
from planner.domain import CampaignSettings, Scenario
from planner.errors import InputError, Problem
from planner.render.i18n import N_
from planner.scenario import load_scenario_and_speeds
from planner.speeds import SpeedTable, campaign_seasons, load_speed_table

#: ``progress(message, **values)``: told each stage (an English catalog message
#: with ``{name}`` fields, translated by the caller, as ``planner.cli.render.Progress.say``).
ProgressFn = Callable[..., None]


def _silent(message: str, **values) -> None:
    """The default progress callback: print nothing."""


def _day_reporter(progress: ProgressFn, calendar: Calendar, start: dt.date,
                  deadline: dt.date | None, time_limit_s: float) -> Callable[[DayPlan], None]:
    """``CampaignOptions.on_day``: one progress line per planned day, numbered
    among the working days from ``start``, out of those to the deadline
    (``Day 3/8: 2026-11-26 …``)."""
    total = (sum(1 for _ in calendar.working_days(start, deadline))
             if deadline is not None else 0)

    def on_day(day: DayPlan) -> None:
        count = sum(1 for _ in calendar.working_days(start, day.date))
        values = {"n": count, "date": day.date.isoformat(), "served": len(day.served),
                  "limit": time_limit_s}
        if total and count <= total:
            progress(N_("Day {n}/{total}: {date} planned, {served} served (solver limit "
                        "{limit:g} s a day)"), total=total, **values)
        else:
            progress(N_("Day {n}: {date} planned, {served} served (solver limit {limit:g} s "
                        "a day)"), **values)

    return on_day


@dataclass
class CampaignRun:
    """What ``run_campaign``/``run_tomorrow`` did (``not_kept``: collection
    points announced before the re-planned day that the new plan could not open
    on their date)."""

    scenario: Scenario
    result: CampaignResult
    written: list[Path]
    warnings: list = field(default_factory=list)
    state: StateOnDay | None = None
    joined: list[str] = field(default_factory=list)
    day: dt.date | None = None
    not_kept: list[dict] = field(default_factory=list)
    #: household id → the approaches the presence model proposes for those
    #: listed for a different approach (``{"kind", "vi", "en"}``, best first)
    proposals: dict[str, list[dict]] = field(default_factory=dict)
    #: the speed table the campaign was planned with (render its days with it)
    speed_table: SpeedTable = field(default_factory=dict, repr=False)

    @property
    def first_day(self) -> DayPlan | None:
        return self.result.days[0] if self.result.days else None


def _settings(scenario: Scenario) -> CampaignSettings:
    return scenario.campaign or CampaignSettings()


def _visits(result: CampaignResult) -> list[tuple[dt.date, str, str, int, str]]:
    """Planned ``(date, household, team, order, arrival HH:MM)``: a household
    with a home visit, a shuttle pickup or an invitation to a collection point
    that day (once a day, at its first stop)."""
    from planner.scenario import format_clock

    rows, seen = [], set()
    for d in result.days:
        for r in d.plan.routes:
            seq = 0
            for s in r.stops:
                if s.kind == "visit" or (s.kind == "pickup" and s.place == "home"):
                    households = (s.household,) if s.household else ()
                elif s.kind == "point":
                    households = s.households
                else:
                    continue
                seq += 1
                for hid in households:
                    if (d.date, hid) not in seen:
                        seen.add((d.date, hid))
                        rows.append((d.date, hid, r.team, seq, format_clock(s.arrive_s)))
    return rows


def presence_model(scenario: Scenario, rows: list):
    """The presence model of ``scenario``'s households fitted to the outcome
    rows (``state.presence_rows``; none before the first day: the prior); it
    proposes another approach after ``campaign.max_attempts`` failed visits."""
    from planner import presence

    # another approach after as many failed visits as the campaign allows
    params = presence.PresenceParams(max_failed_visits=_settings(scenario).max_attempts)
    return presence.fit(presence.scenario_priors((h for h in scenario.households
                                                  if h.residents), params), rows, params)


def other_approaches(model, scenario: Scenario, follow_up) -> dict[str, list[dict]]:
    """For each household listed for a different approach, what the presence
    model proposes (a visit in its best untried band, a call ahead when a
    number is known, a collection point), best first; nothing for a household
    the model has fewer failed visits for (e.g. refused)."""
    contact = {h.id: bool(h.contact.strip()) for h in scenario.households}
    out: dict[str, list[dict]] = {}
    for f in follow_up:
        if f.kind != "different_approach" or f.household_id in out \
                or f.household_id not in model.priors:
            continue
        found = model.other_approaches(f.household_id, contact.get(f.household_id, False))
        if found:
            out[f.household_id] = [{"kind": a.kind, "vi": a.vi, "en": a.en} for a in found]
    return out


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists():
            p.unlink()


def run_campaign(scenario_path: Path, out_dir: Path, start: dt.date | None = None,
                 deadline: dt.date | None = None, time_limit_s: float = 1.0,
                 seed: int | None = None,
                 warn: Callable[[str], None] | None = None,
                 progress: ProgressFn = _silent) -> CampaignRun:
    """Plan a whole campaign and create its state in ``out_dir/campaign.db``.

    Refuses to replace a campaign database that already holds outcomes.
    ``progress`` is told each stage (reading, roads, matrices, each day planned).
    """
    from planner.campaign.workspace import campaign_sites
    from planner.roads.io import load_graph

    progress(N_("Reading the scenario…"))
    scenario, warnings, table = load_scenario_and_speeds(scenario_path)
    settings = _settings(scenario)
    start = start or settings.start or scenario.date
    deadline = deadline or settings.deadline
    if deadline is not None and deadline < start:
        raise InputError(Problem("--deadline", "", f"the deadline {deadline} is before the "
                                 f"start {start}", "give a later deadline or an earlier --start"))
    held = _held_outcomes(out_dir)
    if held:
        raise InputError(held)
    progress(N_("Reading the road network…"))
    G = load_graph(scenario.roads, table=table)
    progress(N_("Computing travel times between {n} places…"),
             n=len(campaign_sites(scenario)))
    ws = build_workspace(scenario, G, table)
    calendar = Calendar.of(scenario)
    options = CampaignOptions(time_limit_s=time_limit_s,
                              seed=scenario.parameters.seed if seed is None else seed,
                              on_day=_day_reporter(progress, calendar, start, deadline,
                                                   time_limit_s),
                              presence=presence_model(scenario, []))
    result = plan_campaign(ws, initial_pending(scenario), start, deadline, calendar, options)
    written = store_campaign(out_dir, result, scenario, start, deadline, warn)
    return CampaignRun(scenario, result, written, warnings, speed_table=table)


def _held_outcomes(out_dir: Path) -> Problem | None:
    """The problem when ``out_dir`` holds a campaign with recorded outcomes
    (a new plan must not replace it)."""
    db_path = out_dir / state.DB_NAME
    if not db_path.exists():
        return None
    conn = state.connect(db_path)
    try:
        n = state.outcome_count(conn)
    finally:
        conn.close()
    if not n:
        return None
    return Problem(str(db_path), "", f"this campaign already holds {n} recorded outcomes",
                   f"re-plan it with `python plan.py tomorrow {out_dir}`, or write the new "
                   "campaign to another folder")


def store_campaign(out_dir: Path, result: CampaignResult, scenario: Scenario, start: dt.date,
                   deadline: dt.date | None,
                   warn: Callable[[str], None] | None = None,
                   roads: str | None = None) -> list[Path]:
    """Write a planned campaign in ``out_dir``: ``campaign.json``, each day's
    ``plan.json`` and a new ``campaign.db`` (its state, for record/tomorrow;
    ``roads``: a graph other than the scenario's own, see ``state.create``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = write_campaign(out_dir, result, scenario, warn=warn)
    db_path = out_dir / state.DB_NAME
    _remove_db(db_path)
    conn = state.create(db_path, scenario, start, deadline, roads)
    with state.transaction(conn):
        state.record_plan(conn, "campaign", start, _visits(result))
    conn.close()
    written.append(db_path)
    return written


def record_outcomes(folder: Path, sheet: Path) -> ImportReport:
    """Import an outcomes sheet into the campaign of ``folder`` (all or nothing)."""
    conn = state.open_campaign(folder)
    try:
        teams = _teams(conn, folder)
        return import_outcomes(conn, sheet, teams)
    finally:
        conn.close()


def campaign_scenario(folder: Path, info: dict[str, str],
                      ) -> tuple[Scenario, list[Problem], SpeedTable]:
    """The scenario of the campaign in ``folder`` (``info``: its state's meta),
    on the road graph it was planned on: ``meta.roads`` when set (a province
    district's graph, which the commune's own ``roads:`` may not name); its
    warnings; its speed table."""
    path = Path(info.get("scenario", ""))
    if not info.get("scenario") or not path.exists():
        raise InputError(Problem(str(folder / state.DB_NAME), "meta.scenario",
                                 f"the campaign's scenario {path} is gone",
                                 "put the scenario back at that path"))
    roads = info.get("roads", "")
    if not roads:
        return load_scenario_and_speeds(path)
    if not Path(roads).is_file():
        raise InputError(Problem(str(folder / state.DB_NAME), "meta.roads",
                                 f"the district road graph {roads} this campaign is planned "
                                 "on is gone", "put the graph back at that path"))
    scenario, warnings, table = load_scenario_and_speeds(path, check_roads=False)
    return replace(scenario, roads=roads), warnings, table


def _teams(conn: sqlite3.Connection, folder: Path) -> set[str]:
    """Team ids of the campaign's scenario, plus those already in planned visits.
    Households and residents added to the scenario since are added to the state."""
    teams = state.planned_teams(conn)
    info = state.meta(conn)
    if info.get("scenario") and Path(info["scenario"]).exists():
        scenario, _, _ = campaign_scenario(folder, info)
        teams |= {t.id for t in scenario.teams}
        with state.transaction(conn):
            state.sync_households(conn, scenario, dt.date.today())
    return teams


def default_next_day(conn: sqlite3.Connection, calendar: Calendar, start: dt.date) -> dt.date:
    """The working day after the last day with recorded outcomes (else the start)."""
    last = state.last_outcome_date(conn)
    if last is None:
        return start
    return next(calendar.working_days(last + dt.timedelta(days=1), limit=1),
                last + dt.timedelta(days=1))


def run_tomorrow(folder: Path, day: dt.date | None = None, time_limit_s: float = 1.0,
                 seed: int | None = None,
                 warn: Callable[[str], None] | None = None,
                 progress: ProgressFn = _silent) -> CampaignRun:
    """Re-plan the campaign of ``folder`` from ``day`` on, from its recorded state.

    Writes ``days/DAY/plan.json`` (and the later days' plans) and refreshes
    ``campaign.json``; stores the new planned visits from ``day`` on.
    ``progress`` is told each stage (reading, roads, matrices, each day planned).
    """
    from planner.campaign.workspace import campaign_sites
    from planner.roads.io import load_graph

    progress(N_("Reading the campaign state and its scenario…"))
    conn = state.open_campaign(folder)
    try:
        info = state.meta(conn)
        scenario, warnings, table = campaign_scenario(folder, info)
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
        progress(N_("Reading the road network…"))
        G = load_graph(scenario.roads, table=table)
        progress(N_("Computing travel times between {n} places…"),
                 n=len(campaign_sites(scenario)))
        ws = build_workspace(scenario, G, table)
        model = presence_model(scenario, state.presence_rows(conn))
        options = CampaignOptions(time_limit_s=time_limit_s,
                                  seed=scenario.parameters.seed if seed is None else seed,
                                  on_day=_day_reporter(progress, calendar, day, deadline,
                                                       time_limit_s),
                                  presence=model)
        proposals = other_approaches(model, scenario, st.follow_up)
        announced = announced_points(folder, day)
        result = plan_campaign(ws, list(st.pending), day, deadline, calendar, options,
                               announced=announced)
        opened = {(d.date, s["village"]) for d in result.days for s in d.point_sessions}
        not_kept = [{"date": when.isoformat(), "village": village,
                     "households": sorted(hids)}
                    for when, villages in sorted(announced.items())
                    for village, hids in sorted(villages.items())
                    if (when, village) not in opened]
        extra = {"state": {
            "planned_from": day.isoformat(),
            "enrolled_residents": len(st.enrolled),
            "joined": joined,
            "announced_points_not_kept": not_kept,
            "carried_over": list(st.carried),
            "coming_back": [{"household": p.household.id,
                             "residents": [r.id for r in p.household.residents],
                             "earliest": p.earliest.isoformat(), "attempts": p.attempts}
                            for p in st.pending if p.earliest is not None],
            "different_approach": [{"resident": f.resident_id, "household": f.household_id,
                                    "reason": f.reason,
                                    "proposed": proposals.get(f.household_id, [])}
                                   for f in st.follow_up if f.kind == "different_approach"],
            "closed": [{"resident": f.resident_id, "household": f.household_id,
                        "reason": f.reason} for f in st.follow_up if f.kind == "closed"],
        }}
        written = write_campaign(folder, result, scenario, extra, warn=warn)
        new_dates = {d.date for d in result.days}
        days_dir = folder / "days"
        if days_dir.is_dir():
            for sub in days_dir.iterdir():
                try:
                    when = dt.date.fromisoformat(sub.name)
                except ValueError:
                    continue
                if when >= day and when not in new_dates:
                    for stale in (sub / "plan.json", sub / "notices.pdf"):
                        if stale.is_file():
                            stale.unlink()
        with state.transaction(conn):
            state.record_plan(conn, "tomorrow", day, _visits(result))
    finally:
        conn.close()
    return CampaignRun(scenario, result, written, warnings, st, joined, day, not_kept,
                       proposals, speed_table=table)


def announced_points(folder: Path, day: dt.date) -> dict[dt.date, dict[str, frozenset[str]]]:
    """Collection points of the campaign in ``folder`` already announced when
    planning ``day`` (their notice went out before ``day``) and not yet held:
    date → village → invited households (from the last ``campaign.json``)."""
    path = folder / "campaign.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[dt.date, dict[str, frozenset[str]]] = {}
    for p in data.get("point_days") or []:
        try:
            when = dt.date.fromisoformat(p["date"])
            notice = dt.date.fromisoformat(p["announce_by"])
        except (KeyError, TypeError, ValueError):
            continue
        if when >= day and notice < day:
            out.setdefault(when, {})[p["village"]] = frozenset(p.get("households") or ())
    return out


def write_template(folder: Path | None, day: dt.date | None, out_stem: Path | None,
                   overwrite: bool, redact: bool = False) -> tuple[list[Path], int]:
    """Write the outcomes sheet (CSV and .xlsx): blank, or with ``folder`` and
    ``day`` prefilled with every resident planned that day, whatever the mode
    (home visit, shuttle, collection point), from the campaign's last plan.
    Prefilled rows carry the resident's name (initials with ``redact``), the
    village and the planned arrival. Returns the paths and the number of
    prefilled rows."""
    from planner.campaign.outcomes import template_csv, template_rows, template_xlsx
    from planner.planfile import write_atomic
    from planner.render.views import person_name

    rows: list[list[str]] = []
    if folder is not None and day is not None:
        conn = state.open_campaign(folder)
        try:
            planned = state.planned_on(conn, day)
            scenario, _, _ = campaign_scenario(folder, state.meta(conn))
        finally:
            conn.close()
        villages = {v.id: v.name for v in scenario.villages}
        readers = {r.id: (person_name(r.full_name, redact), villages.get(h.village_id, ""))
                   for h in scenario.households for r in h.residents}
        rows = template_rows(planned, day, planned_residents(folder, day), readers)
    if out_stem is None:
        base = folder if folder is not None else Path(".")
        out_stem = base / (f"outcomes-{day}" if day else "outcomes")
    paths = [out_stem.with_suffix(".csv"), out_stem.with_suffix(".xlsx")]
    existing = [p for p in paths if p.exists()]
    if existing and not overwrite:
        raise InputError(Problem(str(existing[0]), "", "exists already",
                                 "add --overwrite to replace it, or give another --out"))
    write_atomic(paths[0], "\ufeff" + template_csv(rows))
    write_atomic(paths[1], template_xlsx(rows))
    return paths, len(rows)


def planned_residents(folder: Path, day: dt.date) -> dict[str, list[str]]:
    """Household → the residents planned on ``day`` (any mode), from that day's
    ``days/DAY/plan.json`` (kept when later days are re-planned) and the
    campaign's scenario, and from ``campaign.json``."""

    try:
        plan = json.loads((folder / "days" / day.isoformat() / "plan.json")
                          .read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    conn = state.open_campaign(folder)
    try:
        info = state.meta(conn)
    finally:
        conn.close()
    household_of: dict[str, str] = {}
    if info.get("scenario") and Path(info["scenario"]).exists():
        scenario, _, _ = campaign_scenario(folder, info)
        household_of = {r.id: h.id for h in scenario.households for r in h.residents}
    out: dict[str, list[str]] = {}
    for route in plan.get("routes") or []:
        for stop in route.get("stops") or []:
            for rid in stop.get("residents") or []:
                hid = household_of.get(rid, stop.get("household") or "")
                if hid and rid not in out.setdefault(hid, []):
                    out[hid].append(rid)
    # plan.json lists no residents for an auto household at a point: the
    # campaign's own record of that day (when it still holds the day) adds them
    try:
        data = json.loads((folder / "campaign.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    for h in data.get("households") or []:
        for r in h.get("residents") or []:
            if r.get("date") == day.isoformat() and r["resident"] not in \
                    out.setdefault(h["household"], []):
                out[h["household"]].append(r["resident"])
    return {hid: rids for hid, rids in out.items() if rids}


@dataclass
class StaffingRun:
    """What ``run_staffing`` did: one row per (scenario, team count), every
    run, the files written, and whether any scenario is fictional."""

    rows: list
    results: list
    written: list[Path]
    fictional: bool
    deadline: dt.date | None
    warnings: list = field(default_factory=list)


def run_staffing(scenarios: list[Path], counts: list[int], params, out_dir: Path,
                 deadline: dt.date | None = None, start: dt.date | None = None,
                 scheduler: str | None = None, workers: int | None = None,
                 started: Callable[[int], None] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> StaffingRun:
    """Staffing sweep: every scenario × team count × run on Dask, then the
    table, ``staffing.csv``, ``runs.csv``, ``staffing.png`` and
    ``staffing.html`` in ``out_dir``. ``started(total)`` is told the number of
    simulations before they start; ``progress(done, total)`` as they finish."""
    from dataclasses import replace

    from planner.campaign.chart import (
        runs_csv,
        staffing_csv,
        staffing_html,
        staffing_png,
    )
    from planner.campaign.staffing import staffing_teams, summarise
    from planner.campaign.sweep import run_sweep
    from planner.planfile import write_atomic
    from planner.roads.io import load_graph

    workspaces, calendars, warnings = {}, {}, []
    fictional = False
    for path in scenarios:  # each scenario's speed table read once
        scenario, found, table = load_scenario_and_speeds(path)
        warnings += found
        fictional |= scenario.fictional
        key = scenario.name if scenario.name not in workspaces else f"{scenario.name} ({path})"
        scenario = replace(scenario, name=key)
        if deadline is None and scenario.campaign and scenario.campaign.deadline:
            deadline = scenario.campaign.deadline
        seasons = campaign_seasons(table, scenario.parameters.season, params.wet_day_p > 0)
        workspaces[key] = build_workspace(scenario, load_graph(scenario.roads, table=table),
                                          table, seasons=seasons)
        for k in counts:
            calendars[(key, k)] = Calendar.of(scenario, staffing_teams(scenario, k))
    if started is not None:
        started(len(workspaces) * len(counts) * params.runs)
    results = run_sweep(workspaces, counts, params, start, scheduler, workers, progress)
    rows = summarise(results, calendars, deadline, params.max_days)
    png = staffing_png(rows, results, deadline)
    written = [write_atomic(out_dir / "staffing.csv", staffing_csv(rows)),
               write_atomic(out_dir / "runs.csv", runs_csv(results)),
               write_atomic(out_dir / "staffing.png", png),
               write_atomic(out_dir / "staffing.html",
                            staffing_html(rows, png, params, deadline, fictional))]
    return StaffingRun(rows, results, written, fictional, deadline, warnings)


@dataclass
class ProvinceStaffingRun:
    """What ``run_province_staffing`` did: the province, one row per commune
    (``ProvinceRow``), the staffing rows of every commune × team count, every
    run, the files written."""

    province: object
    rows: list
    staffing_rows: list
    results: list
    written: list[Path]
    warnings: list = field(default_factory=list)


def _seasons_for(params, table: SpeedTable) -> Callable[[Scenario], tuple[str, ...]]:
    """The seasons a staffing sweep needs for a scenario: the rain season too
    when rain is drawn."""
    def seasons(scenario: Scenario) -> tuple[str, ...]:
        return campaign_seasons(table, scenario.parameters.season, params.wet_day_p > 0)
    return seasons


def province_deadlines(province, deadline: dt.date | None) -> dict[str, dt.date | None]:
    """Each commune's deadline: ``deadline`` (--deadline), else the province's
    ``deadline:``, else the commune's ``campaign.deadline``."""
    return {c.id: deadline or province.deadline
            or (c.scenario.campaign.deadline if c.scenario.campaign else None)
            for c in province.communes}


def run_province_staffing(path: Path, counts: list[int], params, out_dir: Path,
                          deadline: dt.date | None = None, start: dt.date | None = None,
                          scheduler: str | None = None, workers: int | None = None,
                          started: Callable[[int, object], None] | None = None,
                          progress: Callable[[int], None] | None = None,
                          on_stage: Callable[[str], None] | None = None,
                          window: int | None = None) -> ProvinceStaffingRun:
    """Staffing sweep of a province (``planner.campaign.province``): every
    commune × team count × run is a Dask task; the communes' workspaces are
    built district by district (one road graph in memory at a time) and
    streamed to the cluster (``stream_tasks``). Writes ``province.csv`` (one row
    per commune: teams needed for P(done by the deadline) ≥ 90 %),
    ``province.png``, ``staffing.csv`` and ``runs.csv`` (every commune) in
    ``out_dir``, only once every run is back. ``started(total, province)`` is
    told the number of simulations before they start, ``progress(done)`` as
    they finish, ``on_stage(name)`` each stage as it begins (scenarios, cluster,
    then graphs, matrices and sweep interleaved as districts stream, summary)."""
    from dataclasses import replace

    from planner.campaign.chart import province_csv, province_png, runs_csv, staffing_csv
    from planner.campaign.province import load_province, province_rows, province_workspaces
    from planner.campaign.staffing import staffing_teams, summarise
    from planner.campaign.sweep import dask_client, stream_tasks, sweep_tasks
    from planner.planfile import write_atomic

    if on_stage:
        on_stage("scenarios")
    province = load_province(path)
    table = load_speed_table()  # the province's speed table, read once
    deadlines = province_deadlines(province, deadline)
    missing = [c for c in province.communes if deadlines[c.id] is None]
    if missing:
        raise InputError([Problem(str(c.path), f"commune {c.id}, campaign.deadline",
                                  "no deadline: the teams needed are those finishing by it",
                                  "give --deadline, a deadline: in province.yaml, or the "
                                  "commune's campaign.deadline") for c in missing])
    calendars: dict[tuple[str, int], Calendar] = {}

    def jobs():
        for _d, c, ws in province_workspaces(province, _seasons_for(params, table), table,
                                                 on_stage):
            ws = replace(ws, scenario=replace(ws.scenario, name=c.id))
            for k in counts:
                calendars[(c.id, k)] = Calendar.of(ws.scenario,
                                                   staffing_teams(ws.scenario, k))
            yield c.id, ws, sweep_tasks(counts, params, start, c.id)
            del ws

    if on_stage:
        on_stage("cluster")
    with dask_client(scheduler, workers) as client:
        if started is not None:
            started(len(province.communes) * len(counts) * params.runs, province)
        out = stream_tasks(client, jobs(), progress, window, on_stage)
    if on_stage:
        on_stage("summary")
    results = [r for c in province.communes for r in out[c.id]]
    by_commune = {c.id: summarise(out[c.id], calendars, deadlines[c.id], params.max_days)
                  for c in province.communes}
    rows = province_rows(province, by_commune, deadlines)
    staffing_rows = [r for c in province.communes for r in by_commune[c.id]]
    written = [write_atomic(out_dir / "province.csv", province_csv(rows)),
               write_atomic(out_dir / "province.png", province_png(rows, province.fictional)),
               write_atomic(out_dir / "staffing.csv", staffing_csv(staffing_rows)),
               write_atomic(out_dir / "runs.csv", runs_csv(results))]
    return ProvinceStaffingRun(province, rows, staffing_rows, results, written,
                               list(province.warnings))


@dataclass
class ProvinceCampaignRun:
    """What ``run_province_campaign`` did: the province, one row per commune,
    each commune's ``CampaignResult`` (by id), the files written."""

    province: object
    rows: list
    results: dict
    written: list[Path]
    warnings: list = field(default_factory=list)


def run_province_campaign(path: Path, out_dir: Path, start: dt.date | None = None,
                          deadline: dt.date | None = None, time_limit_s: float = 1.0,
                          seed: int | None = None, scheduler: str | None = None,
                          workers: int | None = None,
                          started: Callable[[int, object], None] | None = None,
                          progress: Callable[[int], None] | None = None,
                          warn: Callable[[str], None] | None = None) -> ProvinceCampaignRun:
    """Plan every commune's campaign of a province, one Dask task per commune
    (workspaces built district by district and streamed as in
    ``run_province_staffing``). Once every commune is back, writes each one's
    campaign in ``out_dir/<commune id>/`` (as ``plan.py campaign``:
    campaign.json, days/DATE/plan.json, campaign.db) and ``out_dir/province.csv``
    (one row per commune). Refuses, before planning anything, to replace a
    commune campaign that already holds recorded outcomes."""
    from planner.campaign.province import load_province, province_workspaces
    from planner.campaign.report import campaign_row, province_campaign_csv
    from planner.campaign.sweep import campaign_tasks, dask_client, stream_tasks
    from planner.planfile import write_atomic

    province = load_province(path)
    table = load_speed_table()  # the province's speed table, read once
    deadlines = province_deadlines(province, deadline)
    held = [p for p in (_held_outcomes(out_dir / c.id) for c in province.communes) if p]
    starts = {}
    for c in province.communes:
        starts[c.id] = start or _settings(c.scenario).start or c.scenario.date
        if deadlines[c.id] is not None and deadlines[c.id] < starts[c.id]:
            held.append(Problem(str(c.path), f"commune {c.id}", f"the deadline "
                                f"{deadlines[c.id]} is before the start {starts[c.id]}",
                                "give a later deadline or an earlier --start"))
    if held:
        raise InputError(held)

    def jobs():
        for _d, c, ws in province_workspaces(province, None, table):
            s = c.scenario.parameters.seed if seed is None else seed
            yield c.id, ws, campaign_tasks(starts[c.id], deadlines[c.id], time_limit_s, s)
            del ws

    with dask_client(scheduler, workers) as client:
        if started is not None:
            started(len(province.communes), province)
        out = stream_tasks(client, jobs(), progress)
    results = {c.id: out[c.id][0] for c in province.communes}
    rows, written = [], []
    for d in province.districts:
        for c in d.communes:
            rows.append(campaign_row(d.id, c.id, c.scenario, results[c.id]))
            written += store_campaign(out_dir / c.id, results[c.id], c.scenario, starts[c.id],
                                      deadlines[c.id], warn,
                                      c.scenario.roads if c.district_roads else None)
    written.append(write_atomic(out_dir / "province.csv", province_campaign_csv(rows)))
    return ProvinceCampaignRun(province, rows, results, written, list(province.warnings))
