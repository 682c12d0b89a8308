"""Plan a campaign and create its state: ``plan.py campaign`` for a commune
(``run_campaign``) or a province (``run_province_campaign``), and what the
state's other commands share (``CampaignRun``, ``campaign_scenario``, the
planned visits of a result as stored). Each returns what it did; printing is
the caller's business. ``now`` (UTC) is the time stored as the plan's."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from planner.campaign.calendar import Calendar
from planner.campaign.dayloop import DayPlan
from planner.campaign.daymemo import DayMemo, write_memo
from planner.campaign.decisions import Decisions, scenario_decisions
from planner.campaign.loop import CampaignOptions, CampaignResult, plan_campaign
from planner.campaign.needs import initial_pending
from planner.campaign.province import (
    load_province,
    province_builds,
    province_deadlines,
    workspace_on_worker,
)
from planner.campaign.replan import StateOnDay, presence_model
from planner.campaign.report import campaign_row, province_campaign_csv, write_campaign
from planner.campaign.sweep import campaign_tasks, dask_client, stream_tasks
from planner.campaign.workspace import build_workspace, campaign_sites
from planner.domain import CampaignSettings, Scenario
from planner.errors import InputError, Problem, msg
from planner.planfile import write_atomic
from planner.render.i18n import N_
from planner.roads.io import load_graph
from planner.scenario import load_scenario_and_speeds
from planner.speeds import SpeedTable, load_speed_table
from planner.state import db
from planner.state.db import PlannedVisit

#: ``progress(message, **values)``: told each stage (an English catalog message
#: with ``{name}`` fields, translated by the caller, as ``planner.app.progress.Progress.say``).
ProgressFn = Callable[..., None]


def silent(message: str, **values) -> None:
    """The default progress callback: print nothing."""


def day_reporter(progress: ProgressFn, calendar: Calendar, start: dt.date,
                  deadline: dt.date | None, time_limit_s: float) -> Callable[[DayPlan], None]:
    """``CampaignOptions.on_day``: one progress line per planned day, numbered
    among the working days from ``start``, out of those to the deadline
    (``Day 3/8: 2026-11-26 …``)."""
    total = (sum(1 for _ in calendar.working_days(start, deadline))
             if deadline is not None else 0)

    def on_day(day: DayPlan) -> None:
        count = sum(1 for _ in calendar.working_days(start, day.date))
        values = {"n": count, "date": day.date, "served": len(day.served),
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
    points announced before the re-planned day that the new plan could not
    keep at their date, place and hours, each with its ``new`` session or None:
    ``planner.campaign.corrections.point_changes``; ``shuttles_not_kept``:
    the same for shuttles announced to households, ``shuttle_changes``)."""

    scenario: Scenario
    result: CampaignResult
    written: list[Path]
    warnings: list = field(default_factory=list)
    state: StateOnDay | None = None
    joined: list[str] = field(default_factory=list)
    day: dt.date | None = None
    not_kept: list[dict] = field(default_factory=list)
    #: household id → the approaches the presence model proposes for those
    #: listed for a different approach (codes and numbers: ``kind``, and for
    #: ``visit_band`` its ``band``, ``day`` and ``chance``; best first)
    proposals: dict[str, list[dict]] = field(default_factory=dict)
    #: how many days got their map, itineraries, notices and GPX (by the job)
    drawn: int = 0
    #: the speed table the campaign was planned with (render its days with it)
    speed_table: SpeedTable = field(default_factory=dict, repr=False)
    #: the shuttles announced to households that the new plan does not keep
    shuttles_not_kept: list[dict] = field(default_factory=list)
    #: the days a re-plan kept as they were (their inputs did not change: no
    #: solve, their folders untouched; ``planner.campaign.daymemo``)
    kept: tuple[dt.date, ...] = ()
    #: the run's memo of day plans (``planner.campaign.daymemo``): a job that
    #: draws days after the run writes it again (``write_memo``), so that it
    #: names the files as drawn
    memo: DayMemo | None = field(default=None, repr=False)

    @property
    def first_day(self) -> DayPlan | None:
        return self.result.days[0] if self.result.days else None


def planned_visit_rows(result: CampaignResult) -> list[PlannedVisit]:
    """Planned ``(date, household, team, order, arrival in seconds after
    midnight)``: a household with a home visit, a shuttle pickup or an
    invitation to a collection point that day (once a day, at its first stop)."""
    return day_visit_rows(result.days)


def day_visit_rows(days: Iterable[DayPlan]) -> list[PlannedVisit]:
    """``planned_visit_rows`` of the planned ``days``."""
    rows: list[PlannedVisit] = []
    seen: set[tuple[dt.date, str]] = set()
    for d in days:
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
                        rows.append((d.date, hid, r.team, seq, int(s.arrive_s)))
    return rows


def _remove_db(path: Path) -> None:
    """Delete a campaign database and its WAL files, where they exist."""
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists():
            p.unlink()


def run_campaign(scenario_path: Path, out_dir: Path, start: dt.date | None = None,
                 deadline: dt.date | None = None, time_limit_s: float = 1.0,
                 seed: int | None = None,
                 warn: Callable[[str], None] | None = None,
                 progress: ProgressFn = silent, *, now: dt.datetime, lang: str = "vi",
                 redact: bool = False) -> CampaignRun:
    """Plan a whole campaign and create its state in ``out_dir/campaign.db``
    (made at ``now``, UTC); the days' notices in ``lang`` (initials only with
    ``redact``).

    Refuses to replace a campaign database that already holds outcomes.
    ``progress`` is told each stage (reading, roads, matrices, each day planned).
    """
    progress(N_("Reading the scenario…"))
    scenario, warnings, table = load_scenario_and_speeds(scenario_path)
    settings = scenario.campaign or CampaignSettings()
    start = start or settings.start or scenario.date
    deadline = deadline or settings.deadline
    if deadline is not None and deadline < start:
        raise InputError(Problem("--deadline", "", msg("the deadline {deadline} is before the "
                                                       "start {start}",
                                                       deadline=deadline,
                                                       start=start),
                                 msg("give a later deadline or an earlier --start")))
    held = held_outcomes(out_dir)
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
                              on_day=day_reporter(progress, calendar, start, deadline,
                                                  time_limit_s),
                              presence=presence_model(scenario, []),
                              decisions=campaign_decisions(scenario), memo=DayMemo())
    result = plan_campaign(ws, initial_pending(scenario), start, deadline, calendar, options)
    written = store_campaign(out_dir, result, scenario, start, deadline, warn, now=now,
                             lang=lang, redact=redact)
    write_memo(out_dir, options.memo, list(result.days), (lang, redact))
    return CampaignRun(scenario, result, written, warnings, speed_table=table,
                       memo=options.memo)


def held_outcomes(out_dir: Path) -> Problem | None:
    """The problem when ``out_dir`` holds a campaign with recorded outcomes
    (a new plan must not replace it)."""
    db_path = out_dir / db.DB_NAME
    if not db_path.exists():
        return None
    conn = db.connect(db_path)
    try:
        n = db.outcome_count(conn)
        kept = len(db.active_decisions(conn)) if not n else 0
    except sqlite3.DatabaseError:
        kept = 0
    finally:
        conn.close()
    if kept:
        return Problem(str(db_path), "", f"this campaign holds {kept} decisions made by hand, "
                       "which a new plan would lose",
                       f"re-plan it with `python plan.py tomorrow {out_dir}` (decisions kept), "
                       f"or keep them first: `python plan.py decide {out_dir} --export "
                       "decisions.yaml` and name that file in the scenario (decisions:)")
    if not n:
        return None
    return Problem(str(db_path), "", msg("this campaign already holds {n} recorded outcomes", n=n),
                   msg("re-plan it with `python plan.py tomorrow {out_dir}`, or write the new "
                       "campaign to another folder", out_dir=out_dir))


def store_campaign(out_dir: Path, result: CampaignResult, scenario: Scenario, start: dt.date,
                   deadline: dt.date | None,
                   warn: Callable[[str], None] | None = None,
                   roads: str | None = None, *, now: dt.datetime, lang: str = "vi",
                   redact: bool = False) -> list[Path]:
    """Write a planned campaign in ``out_dir``: ``campaign.json``, each day's
    ``plan.json`` and a new ``campaign.db`` (its state, for record/tomorrow,
    made at ``now``; ``roads``: a graph other than the scenario's own, see
    ``db.create``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = write_campaign(out_dir, result, scenario, warn=warn, lang=lang, redact=redact)
    db_path = out_dir / db.DB_NAME
    _remove_db(db_path)
    conn = db.create(db_path, scenario, start, deadline, roads, now=now)
    with db.transaction(conn):
        db.record_plan(conn, "campaign", start, planned_visit_rows(result), now=now)
    conn.close()
    written.append(db_path)
    return written


def campaign_decisions(scenario: Scenario, conn: sqlite3.Connection | None = None,
                       ) -> Decisions:
    """The decisions every plan of a campaign honours: those of the file the
    scenario names (``decisions:``), then the active ones of its state
    (``conn``, when given)."""
    items = scenario_decisions(scenario).items
    if conn is not None:
        items += tuple(db.active_decisions(conn))
    return Decisions(items)


def campaign_scenario(folder: Path, info: dict[str, str],
                      ) -> tuple[Scenario, list[Problem], SpeedTable]:
    """The scenario of the campaign in ``folder`` (``info``: its state's meta),
    on the road graph it was planned on: ``meta.roads`` when set (the graph of
    its road area in a province, which the commune's own ``roads:`` may not name); its
    warnings; its speed table."""
    path = Path(info.get("scenario", ""))
    if not info.get("scenario") or not path.exists():
        raise InputError(Problem(str(folder / db.DB_NAME), "meta.scenario",
                                 msg("the campaign's scenario {path} is gone", path=path),
                                 msg("put the scenario back at that path")))
    roads = info.get("roads", "")
    if not roads:
        return load_scenario_and_speeds(path)
    if not Path(roads).is_file():
        raise InputError(Problem(str(folder / db.DB_NAME), "meta.roads",
                                 msg("the road graph {roads} this campaign was planned on is "
                                     "gone",
                                     roads=roads), msg("put the graph back at that path")))
    scenario, warnings, table = load_scenario_and_speeds(path, check_roads=False)
    return replace(scenario, roads=roads), warnings, table


@dataclass
class ProvinceCampaignRun:
    """What ``run_province_campaign`` did: the province, one row per commune,
    each commune's ``CampaignResult`` (by id), the files written."""

    province: object
    rows: list
    results: dict
    written: list[Path]
    warnings: list = field(default_factory=list)
    #: how many commune days got their map, itineraries, notices and GPX (by the job)
    drawn: int = 0


def run_province_campaign(path: Path, out_dir: Path, start: dt.date | None = None,
                          deadline: dt.date | None = None, time_limit_s: float = 1.0,
                          seed: int | None = None, scheduler: str | None = None,
                          workers: int | None = None,
                          started: Callable[[int, object], None] | None = None,
                          progress: Callable[[int], None] | None = None,
                          warn: Callable[[str], None] | None = None, *,
                          now: dt.datetime, lang: str = "vi",
                          redact: bool = False) -> ProvinceCampaignRun:
    """Plan every commune's campaign of a province, one Dask task per commune
    (each commune's workspace built on a worker from its road area's graph,
    sent to the workers once per area, and streamed as in
    ``run_province_staffing``). Once every commune is back, writes each one's
    campaign in ``out_dir/<commune id>/`` (as ``plan.py campaign``:
    campaign.json, days/DATE/plan.json, campaign.db) and ``out_dir/province.csv``
    (one row per commune). Refuses, before planning anything, to replace a
    commune campaign that already holds recorded outcomes. ``now`` (UTC): the
    time stored as each commune's plan's."""
    province = load_province(path)
    table = load_speed_table()  # the province's speed table, read once
    deadlines = province_deadlines(province, deadline)
    held = [p for p in (held_outcomes(out_dir / c.id) for c in province.communes) if p]
    starts = {}
    for c in province.communes:
        starts[c.id] = start or (c.scenario.campaign or CampaignSettings()).start \
            or c.scenario.date
        if deadlines[c.id] is not None and deadlines[c.id] < starts[c.id]:
            held.append(Problem(str(c.path), f"commune {c.id}", msg("the deadline "
                                    "{deadlines} is before the start {starts}",
                                                                    deadlines=deadlines[c.id],
                                                                    starts=starts[c.id]),
                                msg("give a later deadline or an earlier --start")))
    if held:
        raise InputError(held)

    def jobs():  # each commune's matrices built on a worker from its area's graph
        for _area, c, graph in province_builds(province, table):
            s = c.scenario.parameters.seed if seed is None else seed
            yield c.id, workspace_on_worker(c.scenario, graph, table), \
                campaign_tasks(starts[c.id], deadlines[c.id], time_limit_s, s)

    with dask_client(scheduler, workers) as client:
        if started is not None:
            started(len(province.communes), province)
        out = stream_tasks(client, jobs(), progress)
    results = {c.id: out[c.id][0] for c in province.communes}
    rows, written = [], []
    for area in province.areas:
        for c in area.communes:
            rows.append(campaign_row(area.id, c.id, c.scenario, results[c.id]))
            written += store_campaign(out_dir / c.id, results[c.id], c.scenario, starts[c.id],
                                      deadlines[c.id], warn,
                                      c.scenario.roads if c.area_roads else None,
                                      now=now, lang=lang, redact=redact)
    written.append(write_atomic(out_dir / "province.csv", province_campaign_csv(rows)))
    return ProvinceCampaignRun(province, rows, results, written, list(province.warnings))
