"""How many teams, and by when: the jobs behind ``plan.py staffing``.

``staffing(StaffingRequest)`` sweeps team counts × Monte Carlo runs of one or
more communes on Dask, or of every commune of a province, and writes the
tables and charts. ``team_counts`` reads a ``1-6`` / ``2,4,6`` list. Nothing
here prints; ``started``/``progress`` callbacks tell the caller how far the
sweep is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from planner.app.outputs import check_out_dir
from planner.campaign.calendar import Calendar
from planner.campaign.chart import (
    deadline_hint,
    province_csv,
    province_png,
    runs_csv,
    staffing_csv,
    staffing_html,
    staffing_png,
)
from planner.campaign.province import (
    is_province,
    load_province,
    province_builds,
    province_deadlines,
    province_rows,
    workspace_on_worker,
)
from planner.campaign.staffing import (
    DEFAULT_DEADLINE_WEEKS,
    DeadlineBasis,
    choose_deadline,
    first_day,
    staffing_teams,
    summarise,
)
from planner.campaign.staffing import StaffingParams as StaffingParams  # for front ends
from planner.campaign.sweep import dask_client, run_sweep, stream_tasks, sweep_tasks
from planner.campaign.workspace import build_workspace
from planner.domain import Scenario
from planner.errors import InputError, Problem, msg
from planner.planfile import write_atomic
from planner.render.i18n import DEFAULT_LANG, gettext_for
from planner.roads.io import load_graph
from planner.scenario import load_scenario_and_speeds
from planner.speeds import SpeedTable, campaign_seasons, load_speed_table


def team_counts(text: str) -> list[int]:
    """``"1-6"``, ``"2,4,6"`` or ``"3"`` → sorted team counts (1…50)."""
    counts: set[int] = set()
    try:
        for part in text.split(","):
            part = part.strip()
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-", 1))
                counts.update(range(lo, hi + 1))
            elif part:
                counts.add(int(part))
    except ValueError:
        counts = set()
    if not counts or min(counts) < 1 or max(counts) > 50:
        raise InputError(Problem("--teams", text, msg("is not a list of team counts between 1 "
                                     "and 50"), msg("give a range or a list, e.g. 1-6 or 2,4,6")))
    return sorted(counts)


@dataclass
class StaffingRun:
    """What ``run_staffing`` did: one row per (scenario, team count), every
    run, the files written, whether any scenario is fictional, the deadline
    measured against, where it came from (``DEADLINE_SOURCES``: ``default``
    when none was given) and the first day it counts from."""

    rows: list
    results: list
    written: list[Path]
    fictional: bool
    deadline: dt.date | None
    warnings: list = field(default_factory=list)
    deadline_source: str = "given"
    start: dt.date | None = None

    def deadline_hint(self, _: Callable[[str], str]) -> str:
        """The sentence saying no deadline was given and which was used ('' else)."""
        if self.deadline is None or self.start is None:
            return ""
        return deadline_hint(DeadlineBasis(self.deadline, self.deadline_source, self.start), _)


def run_staffing(scenarios: list[Path], counts: list[int], params, out_dir: Path,
                 deadline: dt.date | None = None, start: dt.date | None = None,
                 scheduler: str | None = None, workers: int | None = None,
                 started: Callable[[int], None] | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 lang: str = DEFAULT_LANG) -> StaffingRun:
    """Staffing sweep: every scenario × team count × run on Dask, then the
    table, ``staffing.csv``, ``runs.csv``, ``staffing.png`` and
    ``staffing.html`` in ``out_dir``. With no ``deadline`` and no scenario
    ``campaign.deadline``, the default of ``choose_deadline`` from the first
    scenario's first day (every output says so). ``started(total)`` is told
    the number of simulations before they start; ``progress(done, total)`` as
    they finish. The chart and the page are in ``lang``."""
    _ = gettext_for(lang)
    workspaces, calendars, warnings = {}, {}, []
    fictional = False
    scenario_deadline, first = None, None
    for path in scenarios:  # each scenario's speed table read once
        scenario, found, table = load_scenario_and_speeds(path)
        warnings += found
        fictional |= scenario.fictional
        key = scenario.name if scenario.name not in workspaces else f"{scenario.name} ({path})"
        scenario = replace(scenario, name=key)
        if scenario_deadline is None and scenario.campaign and scenario.campaign.deadline:
            scenario_deadline = scenario.campaign.deadline
        first = first or first_day(scenario, start)
        seasons = campaign_seasons(table, scenario.parameters.season, params.wet_day_p > 0)
        workspaces[key] = build_workspace(scenario, load_graph(scenario.roads, table=table),
                                          table, seasons=seasons)
        for k in counts:
            calendars[(key, k)] = Calendar.of(scenario, staffing_teams(scenario, k))
    if started is not None:
        started(len(workspaces) * len(counts) * params.runs)
    deadline, source = choose_deadline(deadline, scenario_deadline, first)
    results = run_sweep(workspaces, counts, params, start, scheduler, workers, progress)
    rows = summarise(results, calendars, deadline, params.max_days)
    basis = DeadlineBasis(deadline, source, first)
    png = staffing_png(rows, results, deadline, _, basis)
    written = [write_atomic(out_dir / "staffing.csv", staffing_csv(rows, basis)),
               write_atomic(out_dir / "runs.csv", runs_csv(results)),
               write_atomic(out_dir / "staffing.png", png),
               write_atomic(out_dir / "staffing.html",
                            staffing_html(rows, png, params, deadline, fictional, _, basis,
                                          lang))]
    return StaffingRun(rows, results, written, fictional, deadline, warnings, source, first)


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
    #: commune id → its default deadline, for the communes given none
    defaulted: dict = field(default_factory=dict)

    def deadline_hint(self, _: Callable[[str], str]) -> str:
        """The sentence naming the communes given no deadline and the default
        used for them ('' when every commune had one)."""
        if not self.defaulted:
            return ""
        return _("No deadline given for {communes} (--deadline, deadline: in province.yaml "
                 "or the commune's campaign.deadline): measured against the last day of "
                 "{weeks} weeks from each one's start ({dates}).").format(
            communes=", ".join(self.defaulted), weeks=DEFAULT_DEADLINE_WEEKS,
            dates=", ".join(sorted({d.isoformat() for d in self.defaulted.values()})))


def _seasons_for(params, table: SpeedTable) -> Callable[[Scenario], tuple[str, ...]]:
    """The seasons a staffing sweep needs for a scenario: the rain season too
    when rain is drawn."""
    def seasons(scenario: Scenario) -> tuple[str, ...]:
        return campaign_seasons(table, scenario.parameters.season, params.wet_day_p > 0)
    return seasons


def run_province_staffing(path: Path, counts: list[int], params, out_dir: Path,
                          deadline: dt.date | None = None, start: dt.date | None = None,
                          scheduler: str | None = None, workers: int | None = None,
                          started: Callable[[int, object], None] | None = None,
                          progress: Callable[[int], None] | None = None,
                          on_stage: Callable[[str], None] | None = None,
                          window: int | None = None,
                          lang: str = DEFAULT_LANG) -> ProvinceStaffingRun:
    """Staffing sweep of a province (``planner.campaign.province``): every
    commune × team count × run is a Dask task; the communes' workspaces are
    built on the workers, road area by road area (each area's graph sent to
    every worker once), and streamed (``stream_tasks``). Writes ``province.csv`` (one row
    per commune: teams needed for P(done by the deadline) ≥ 90 %),
    ``province.png``, ``staffing.csv`` and ``runs.csv`` (every commune) in
    ``out_dir``, only once every run is back. ``started(total, province)`` is
    told the number of simulations before they start, ``progress(done)`` as
    they finish, ``on_stage(name)`` each stage as it begins (scenarios, cluster,
    then graphs and sweep interleaved as road areas stream, summary)."""
    if on_stage:
        on_stage("scenarios")
    province = load_province(path)
    table = load_speed_table()  # the province's speed table, read once
    deadlines = province_deadlines(province, deadline)
    defaulted = {}
    for c in province.communes:  # none given: the default from the commune's first day
        if deadlines[c.id] is None:
            deadlines[c.id], _source = choose_deadline(None, None, first_day(c.scenario, start))
            defaulted[c.id] = deadlines[c.id]
    calendars: dict[tuple[str, int], Calendar] = {}

    seasons_of = _seasons_for(params, table)

    def jobs():  # each commune's matrices are computed on a worker
        for _area, c, graph in province_builds(province, table):
            scenario = replace(c.scenario, name=c.id)
            for k in counts:
                calendars[(c.id, k)] = Calendar.of(scenario, staffing_teams(scenario, k))
            yield (c.id, workspace_on_worker(scenario, graph, table, seasons_of(scenario)),
                   sweep_tasks(counts, params, start, c.id))

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
               write_atomic(out_dir / "province.png",
                            province_png(rows, province.fictional, gettext_for(lang))),
               write_atomic(out_dir / "staffing.csv", staffing_csv(staffing_rows)),
               write_atomic(out_dir / "runs.csv", runs_csv(results))]
    return ProvinceStaffingRun(province, rows, staffing_rows, results, written,
                               list(province.warnings), defaulted)



@dataclass(frozen=True)
class StaffingRequest:
    """A staffing sweep: ``scenarios`` (scenario files, or one province),
    the team ``counts`` to try, the Monte Carlo ``params``, the output folder
    (``overwrite`` a non-empty one), ``deadline``/``start`` (default: each
    scenario's ``campaign:``; with no deadline anywhere, ``DEFAULT_DEADLINE_WEEKS``
    weeks from the start, and the outputs say so), a Dask ``scheduler``
    address or local ``workers``, the ``lang`` of the chart and the page."""

    scenarios: tuple[Path, ...]
    counts: tuple[int, ...]
    params: StaffingParams
    out_dir: Path
    deadline: dt.date | None = None
    start: dt.date | None = None
    scheduler: str | None = None
    workers: int | None = None
    overwrite: bool = False
    lang: str = DEFAULT_LANG

    @property
    def province(self) -> bool:
        """Whether the sweep is of a province (its one path is a province)."""
        return any(is_province(p) for p in self.scenarios)


def staffing(request: StaffingRequest, started: Callable | None = None,
             progress: Callable | None = None) -> StaffingRun | ProvinceStaffingRun:
    """The ``staffing`` job. Scenarios: ``started(total)``, ``progress(done,
    total)``; a province: ``started(total, province)``, ``progress(done)``."""
    if request.province and len(request.scenarios) > 1:
        raise InputError(Problem("SCENARIOS", "", msg("a province and other scenarios were given "
                                                      "together"),
                                 msg("give one province (a province.yaml or a folder "
                                     "of communes), or scenario files, not both")))
    check_out_dir(request.out_dir, request.overwrite)
    if request.province:
        return run_province_staffing(request.scenarios[0], list(request.counts),
                                     request.params, request.out_dir, request.deadline,
                                     request.start, request.scheduler, request.workers,
                                     started, progress, lang=request.lang)
    return run_staffing(list(request.scenarios), list(request.counts), request.params,
                        request.out_dir, request.deadline, request.start, request.scheduler,
                        request.workers, started, progress, request.lang)
