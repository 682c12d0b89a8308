"""The campaign commands' planning work that keeps no state, for the CLI, the
state layer and the tests: staffing sweeps (a commune, a province), the
presence model a re-plan uses, the collection points already announced. Each
returns what it did; printing is the caller's business. Planning a campaign,
recording outcomes and re-planning tomorrow keep the campaign's state and
live in ``planner.state``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from planner.campaign.calendar import Calendar
from planner.campaign.plan import build_workspace
from planner.domain import CampaignSettings, Scenario
from planner.errors import InputError, Problem


def _settings(scenario: Scenario) -> CampaignSettings:
    return scenario.campaign or CampaignSettings()


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
    from planner.scenario import load_scenario

    workspaces, calendars, warnings = {}, {}, []
    fictional = False
    for path in scenarios:
        scenario, found = load_scenario(path)
        warnings += found
        fictional |= scenario.fictional
        key = scenario.name if scenario.name not in workspaces else f"{scenario.name} ({path})"
        scenario = replace(scenario, name=key)
        if deadline is None and scenario.campaign and scenario.campaign.deadline:
            deadline = scenario.campaign.deadline
        seasons = ("dry", "wet") if params.wet_day_p > 0 or scenario.parameters.season == "wet" \
            else ("dry",)
        workspaces[key] = build_workspace(scenario, load_graph(scenario.roads), seasons=seasons)
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


def _seasons_for(params) -> Callable[[Scenario], tuple[str, ...]]:
    """The seasons a staffing sweep needs for a scenario: wet too when rain is drawn."""
    def seasons(scenario: Scenario) -> tuple[str, ...]:
        return ("dry", "wet") if params.wet_day_p > 0 or scenario.parameters.season == "wet" \
            else ("dry",)
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
    deadlines = province_deadlines(province, deadline)
    missing = [c for c in province.communes if deadlines[c.id] is None]
    if missing:
        raise InputError([Problem(str(c.path), f"commune {c.id}, campaign.deadline",
                                  "no deadline: the teams needed are those finishing by it",
                                  "give --deadline, a deadline: in province.yaml, or the "
                                  "commune's campaign.deadline") for c in missing])
    calendars: dict[tuple[str, int], Calendar] = {}

    def jobs():
        for _d, c, ws in province_workspaces(province, _seasons_for(params), on_stage):
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
