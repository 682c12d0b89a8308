"""A province's campaigns: the job behind ``plan.py campaign PROVINCE``.

Every commune's campaign is one Dask task (``run_province_campaign``); then
each commune's days asked for are drawn on its road area's graph, loaded once
per area (``plan_province_campaign``). Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from planner.app.campaign import (
    CampaignRequest,
    _held_outcomes,
    _settings,
    drawn_days,
    store_campaign,
)
from planner.app.outputs import check_out_dir, render_days
from planner.app.progress import Progress
from planner.app.staffing import province_deadlines
from planner.campaign.province import is_province as is_province  # re-exported for front ends
from planner.campaign.province import load_province, province_workspaces
from planner.campaign.report import campaign_row, province_campaign_csv
from planner.campaign.sweep import campaign_tasks, dask_client, stream_tasks
from planner.domain import Scenario
from planner.errors import InputError, Problem
from planner.planfile import write_atomic
from planner.render.i18n import N_


@dataclass
class ProvinceCampaignRun:
    """What ``run_province_campaign`` did: the province, one row per commune,
    each commune's ``CampaignResult`` (by id), the files written."""

    province: object
    rows: list
    results: dict
    written: list[Path]
    warnings: list = field(default_factory=list)
    #: how many commune days got their map, itineraries, notices and GPX
    drawn: int = 0


def _campaign_seasons(scenario: Scenario) -> tuple[str, ...]:
    """A campaign's seasons (as ``build_workspace`` picks them): the scenario's,
    and wet when its calendar has wet days."""
    seasons = (scenario.parameters.season,)
    if scenario.campaign and scenario.campaign.wet_days:
        seasons += ("wet",)
    return seasons


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
    province = load_province(path)
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
        for _d, c, ws in province_workspaces(province, _campaign_seasons):
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



def plan_province_campaign(request: CampaignRequest, progress: Progress | None = None,
                           warn: Callable[[str], None] | None = None,
                           scheduler: str | None = None, workers: int | None = None,
                           started: Callable[[int, object], None] | None = None,
                           done: Callable[[int], None] | None = None) -> ProvinceCampaignRun:
    """The ``campaign`` job for a province (``request.scenario`` is one):
    every commune's campaign on Dask (``scheduler`` or local ``workers``;
    ``started(total, province)`` then ``done(n)`` as communes come back), then
    the days ``request.draw`` asks for drawn in ``OUT/<commune>/days/``.
    ``run.drawn`` counts the days drawn."""
    progress = progress or Progress.silent(request.lang)
    check_out_dir(request.out_dir, request.overwrite)
    run = run_province_campaign(request.scenario, request.out_dir, request.start,
                                request.deadline, request.time_limit_s, request.seed,
                                scheduler, workers, started, done, warn)
    graphs: dict[str, object] = {}  # one load per road area's graph, as for the planning
    for c in run.province.communes:
        days = drawn_days(run.results[c.id].days, request.draw)
        if days:
            progress.say(N_("Drawing the outputs of commune {commune}…"), commune=c.id)
        run.written += render_days(days, request.out_dir / c.id, lang=request.lang,
                                   redact=request.redact, warn=warn, graphs=graphs)
        run.drawn += len(days)
    return run
