"""Plan a campaign and re-plan it each evening: the jobs behind ``plan.py
campaign`` and ``plan.py tomorrow`` (and the web workspace's same pages).

``plan_campaign(CampaignRequest)`` and ``replan_tomorrow(TomorrowRequest)``
are the jobs: they plan, write the campaign (``campaign.json``, each day's
folder, ``campaign.db``) and draw the days asked for, and return a
``CampaignRun``. ``run_campaign``/``run_tomorrow`` are their planning halves
(no drawing), also used by the province jobs. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from planner.app.outputs import (
    check_out_dir,
    remove_stale_days,
    render_days,
    write_campaign,
)
from planner.app.progress import Progress
from planner.campaign import state
from planner.campaign.calendar import Calendar
from planner.campaign.plan import (
    CampaignOptions,
    CampaignResult,
    DayPlan,
    build_workspace,
    campaign_sites,
    initial_pending,
)
from planner.campaign.plan import (
    plan_campaign as plan_days,
)
from planner.campaign.replan import StateOnDay, pending_on
from planner.clock import format_clock
from planner.domain import CampaignSettings, Scenario
from planner.errors import InputError, Problem
from planner.presence import PresenceModel, PresenceParams, model_for
from planner.render.i18n import N_
from planner.roads.io import load_graph
from planner.scenario import load_scenario

#: ``progress(message, **values)``: told each stage (an English catalog message
#: with ``{name}`` fields, translated by the caller, as ``planner.app.progress.Progress.say``).
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
    #: how many days got their map, itineraries, notices and GPX
    drawn: int = 0

    @property
    def first_day(self) -> DayPlan | None:
        return self.result.days[0] if self.result.days else None


def _settings(scenario: Scenario) -> CampaignSettings:
    return scenario.campaign or CampaignSettings()


def _visits(result: CampaignResult) -> list[tuple[dt.date, str, str, int, str]]:
    """Planned ``(date, household, team, order, arrival HH:MM)``: a household
    with a home visit, a shuttle pickup or an invitation to a collection point
    that day (once a day, at its first stop)."""
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


def presence_model(scenario: Scenario, rows: list) -> PresenceModel:
    """The presence model of ``scenario``'s households fitted to the outcome
    rows (``state.presence_rows``; none before the first day: the prior); it
    proposes another approach after ``campaign.max_attempts`` failed visits."""
    # another approach after as many failed visits as the campaign allows
    params = PresenceParams(max_failed_visits=_settings(scenario).max_attempts)
    return model_for(scenario, rows, params)


def other_approaches(model: PresenceModel, scenario: Scenario, follow_up,
                     ) -> dict[str, list[dict]]:
    """For each household listed for a different approach, what the presence
    model proposes (a visit in its best untried band, a call ahead when a
    number is known, a collection point), best first; nothing for a household
    the model has fewer failed visits for (e.g. refused). Codes and numbers:
    ``kind``, and for ``visit_band`` its ``band``, ``day`` and ``chance``."""
    contact = {h.id: bool(h.contact.strip()) for h in scenario.households}
    out: dict[str, list[dict]] = {}
    for f in follow_up:
        if f.kind != "different_approach" or f.household_id in out \
                or f.household_id not in model.priors:
            continue
        found = model.other_approaches(f.household_id, contact.get(f.household_id, False))
        if found:
            out[f.household_id] = [{k: v for k, v in asdict(a).items() if v is not None}
                                   for a in found]
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
    progress(N_("Reading the scenario…"))
    scenario, warnings = load_scenario(scenario_path)
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
    G = load_graph(scenario.roads)
    progress(N_("Computing travel times between {n} places…"),
             n=len(campaign_sites(scenario)))
    ws = build_workspace(scenario, G)
    calendar = Calendar.of(scenario)
    options = CampaignOptions(time_limit_s=time_limit_s,
                              seed=scenario.parameters.seed if seed is None else seed,
                              on_day=_day_reporter(progress, calendar, start, deadline,
                                                   time_limit_s),
                              presence=presence_model(scenario, []))
    result = plan_days(ws, initial_pending(scenario), start, deadline, calendar, options)
    written = store_campaign(out_dir, result, scenario, start, deadline, warn)
    return CampaignRun(scenario, result, written, warnings)


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


def campaign_scenario(folder: Path, info: dict[str, str]) -> tuple[Scenario, list[Problem]]:
    """The scenario of the campaign in ``folder`` (``info``: its state's meta),
    on the road graph it was planned on: ``meta.roads`` when set (a province
    district's graph, which the commune's own ``roads:`` may not name)."""
    path = Path(info.get("scenario", ""))
    if not info.get("scenario") or not path.exists():
        raise InputError(Problem(str(folder / state.DB_NAME), "meta.scenario",
                                 f"the campaign's scenario {path} is gone",
                                 "put the scenario back at that path"))
    roads = info.get("roads", "")
    if not roads:
        return load_scenario(path)
    if not Path(roads).is_file():
        raise InputError(Problem(str(folder / state.DB_NAME), "meta.roads",
                                 f"the district road graph {roads} this campaign is planned "
                                 "on is gone", "put the graph back at that path"))
    scenario, warnings = load_scenario(path, check_roads=False)
    return replace(scenario, roads=roads), warnings


def default_next_day(conn, calendar: Calendar, start: dt.date) -> dt.date:
    """The working day after the last day with recorded outcomes (else the
    start), from the campaign state open on ``conn``."""
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
    progress(N_("Reading the campaign state and its scenario…"))
    conn = state.open_campaign(folder)
    try:
        info = state.meta(conn)
        scenario, warnings = campaign_scenario(folder, info)
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
        G = load_graph(scenario.roads)
        progress(N_("Computing travel times between {n} places…"),
                 n=len(campaign_sites(scenario)))
        ws = build_workspace(scenario, G)
        model = presence_model(scenario, state.presence_rows(conn))
        options = CampaignOptions(time_limit_s=time_limit_s,
                                  seed=scenario.parameters.seed if seed is None else seed,
                                  on_day=_day_reporter(progress, calendar, day, deadline,
                                                       time_limit_s),
                                  presence=model)
        proposals = other_approaches(model, scenario, st.follow_up)
        announced = announced_points(folder, day)
        result = plan_days(ws, list(st.pending), day, deadline, calendar, options,
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
        remove_stale_days(folder, day, (d.date for d in result.days))
        with state.transaction(conn):
            state.record_plan(conn, "tomorrow", day, _visits(result))
    finally:
        conn.close()
    return CampaignRun(scenario, result, written, warnings, st, joined, day, not_kept,
                       proposals)


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




DRAW_CHOICES = ("all", "first", "none")
"""Which days of a campaign get their map, itineraries, notices and GPX."""


def drawn_days(days: list[DayPlan], draw: str) -> list[DayPlan]:
    """The campaign days whose map, itineraries, notices and GPX are drawn."""
    return {"all": days, "first": days[:1], "none": []}[draw]


@dataclass(frozen=True)
class CampaignRequest:
    """Plan a whole campaign of ``scenario`` into ``out_dir``: ``start`` and
    ``deadline`` (default: the scenario's ``campaign:``), the solver's
    ``time_limit_s`` per day and ``seed`` (default: the scenario's), which
    days to draw (``draw``: all, first, none), the documents' ``lang`` and
    ``redact``, and whether a non-empty ``out_dir`` may be ``overwrite``-n."""

    scenario: Path
    out_dir: Path
    start: dt.date | None = None
    deadline: dt.date | None = None
    time_limit_s: float = 1.0
    seed: int | None = None
    draw: str = "all"
    lang: str = "vi"
    redact: bool = False
    overwrite: bool = False


def plan_campaign(request: CampaignRequest, progress: Progress | None = None,
                  warn: Callable[[str], None] | None = None) -> CampaignRun:
    """The ``campaign`` job for one commune: plan every day to the deadline,
    write the campaign and its state, draw the days ``request.draw`` asks for.
    ``run.drawn`` counts the days drawn; ``run.written`` lists every file."""
    progress = progress or Progress.silent(request.lang)
    check_out_dir(request.out_dir, request.overwrite)
    run = run_campaign(request.scenario, request.out_dir, request.start, request.deadline,
                       request.time_limit_s, request.seed, warn, progress.say)
    drawn = drawn_days(run.result.days, request.draw)
    run.written += render_days(drawn, request.out_dir, lang=request.lang,
                               redact=request.redact, progress=progress, warn=warn)
    run.drawn = len(drawn)
    return run


@dataclass(frozen=True)
class TomorrowRequest:
    """Re-plan the campaign in ``folder`` from ``day`` (default: the working
    day after the last recorded outcomes), with the solver's ``time_limit_s``
    per day and ``seed``; every re-planned day is drawn in ``lang``
    (``redact`` for shareable copies)."""

    folder: Path
    day: dt.date | None = None
    time_limit_s: float = 1.0
    seed: int | None = None
    lang: str = "vi"
    redact: bool = False


def replan_tomorrow(request: TomorrowRequest, progress: Progress | None = None,
                    warn: Callable[[str], None] | None = None) -> CampaignRun:
    """The ``tomorrow`` job: re-plan from what was done, write the campaign,
    draw every re-planned day and remove the files of days no longer planned."""
    progress = progress or Progress.silent(request.lang)
    run = run_tomorrow(request.folder, request.day, request.time_limit_s, request.seed, warn,
                       progress.say)
    run.written += render_days(run.result.days, request.folder, lang=request.lang,
                               redact=request.redact, progress=progress, warn=warn)
    run.drawn = len(run.result.days)
    return run
