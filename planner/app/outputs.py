"""How every job writes a day's outputs, in one place.

``write_day``: the plan file is written first, then read back, and the
documents (map, itineraries, notices, GPX) are rendered from what was read,
so that ``plan.py render PLAN.json`` reproduces them byte for byte.
``write_day_plan``: a campaign day that is not drawn gets its ``plan.json``
and its villages' ``notices.pdf`` only. ``day_drawer``: a campaign day's
documents drawn into a folder (a re-plan draws into the day's stage and swaps
the whole folder in: ``planner.campaign.folders``). ``check_out_dir``: no
job writes into a non-empty folder unless told to overwrite, nor starts on a
folder it cannot write. ``draw_days``: many days drawn at once by a pool of
processes (``draw_workers``), the same bytes as one after the other.
``os_error_problem``: an operating-system error met
while writing, as one message for the front end.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import gc
import json
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from planner.app.progress import Progress
from planner.domain import Plan, Scenario
from planner.errors import InputError, Problem, msg
from planner.legs import attach_legs, has_legs
from planner.planfile import plan_from_dict, plan_json, write_atomic
from planner.render import Output, day_outputs, write_output
from planner.render.i18n import N_
from planner.render.views import reason_texts
from planner.roads.io import load_graph
from planner.speeds import SpeedTable, load_speed_table

if TYPE_CHECKING:  # the campaign's day (annotations only: drawing needs no planning stack)
    from planner.campaign.dayloop import DayPlan

Warn = Callable[[str], None]


OUTPUT_SUFFIXES = (".json", ".html", ".pdf", ".gpx", ".kml", ".csv", ".xlsx", ".png", ".db",
                   ".txt")
"""The kinds of file a job writes: a folder of such a name in an output
folder stands where a file is to be written."""


def check_out_dir(out_dir: Path, overwrite: bool) -> None:
    """Before any work, refuse an output folder that cannot be written:
    a file where the folder (or a folder above it) should be, a read-only
    disk or folder, a non-empty folder without ``overwrite`` (``--overwrite``
    on the command line), or, with ``overwrite``, a folder standing where an
    output file is to be written (``plan.json/``). Each as one ``InputError``
    naming the path and a fix that works."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(Problem("--out", str(out_dir), msg("is a file, not a folder"),
                                 msg("give a folder with --out (a new one is created), or move "
                                     "the file away")))
    _check_parents(out_dir)
    if out_dir.is_dir() and any(out_dir.iterdir()) and not overwrite:
        raise InputError(Problem("--out", str(out_dir), msg("is not empty"),
                                 msg("add --overwrite to replace its files, or choose another "
                                     "folder")))
    if out_dir.is_dir() and overwrite:
        # as deep as outputs go: a province's COMMUNE/days/DATE/plan.json
        inside = (p for depth in ("*", "*/*", "*/*/*", "*/*/*/*") for p in out_dir.glob(depth))
        for p in sorted(inside):
            if p.is_dir() and p.suffix.lower() in OUTPUT_SUFFIXES:
                raise InputError(Problem("--out", str(p), msg("is a folder where an output file "
                                                              "of that name is to be written"),
                                         msg("move that folder away (or rename it), or choose "
                                             "another --out folder")))


def _check_parents(out_dir: Path) -> None:
    """The nearest existing folder at or above ``out_dir`` must be a folder
    that this user may write in, on a disk that is not read-only."""
    here = Path(os.path.abspath(out_dir))
    while not here.exists() and here != here.parent:
        here = here.parent
    if not here.is_dir():
        raise InputError(Problem("--out", str(out_dir), msg("{here} is a file, so no folder can "
                                                            "be made below it",
                                                            here=here),
                                 msg("give --out a path whose folders are "
                                     "folders (not files)")))
    read_only = bool(getattr(os, "ST_RDONLY", 0) & os.statvfs(here).f_flag) \
        if hasattr(os, "statvfs") else False
    if read_only or not os.access(here, os.W_OK | os.X_OK):
        what = "is on a read-only disk" if read_only else "is a folder you may not write in"
        raise InputError(Problem("--out", str(out_dir), msg("{here} {what}", here=here, what=what),
                                 msg("choose a folder you can write in with --out (e.g. in your "
                                     "home folder), or make this one writable")))


def os_error_problem(exc: OSError, lang: str = "vi") -> Problem:
    """One message for an operating-system error met at the edge (a file or
    folder that cannot be written or read): the path, what is wrong in plain
    words (never the library's text) and a fix that works, in ``lang``."""
    # imported here: the catalogs are read only when an error is told
    from planner.render.i18n import gettext_for

    _ = gettext_for(lang)
    words = {
        errno.EACCES: (N_("permission denied"),
                       N_("choose a folder you can write in (--out), or change this one's "
                          "permissions")),
        errno.EROFS: (N_("the disk is read-only"),
                      N_("choose a folder on a writable disk with --out")),
        errno.ENOSPC: (N_("the disk is full; the file was not written (files are replaced "
                          "whole or not at all)"),
                       N_("free some space on that disk, or choose another with --out, then "
                          "run the command again")),
        errno.EISDIR: (N_("a folder stands where a file is to be written"),
                       N_("move that folder away (or rename it), or choose another --out "
                          "folder")),
        errno.ENOTDIR: (N_("a file stands where a folder is expected"),
                        N_("move that file away (or rename it), or choose another --out "
                           "folder")),
        errno.ENOENT: (N_("no such file or folder"),
                       N_("check the path; a folder on the way may have been removed")),
    }
    words[errno.EPERM] = words[errno.EACCES]
    words[errno.EEXIST] = words[errno.ENOTDIR]  # mkdir: a file stands where the folder goes
    if hasattr(errno, "EDQUOT"):
        words[errno.EDQUOT] = words[errno.ENOSPC]
    what, fix = words.get(exc.errno or 0, (N_("the operating system refused: {reason}"),
                                           N_("check the path and its permissions, then run "
                                              "the command again")))
    path = exc.filename if exc.filename is not None else _("(a file of the output)")
    return Problem(str(path), "", _(what).format(reason=exc.strerror or exc.errno), _(fix))


def scenario_file_for(plan_dir: Path, scenario_path: str | Path) -> str:
    """The scenario's path as written in plan.json: relative to the plan's folder."""
    return Path(os.path.relpath(Path(scenario_path).resolve(), plan_dir.resolve())).as_posix()


class EarlyDrawer(Protocol):
    """A process that draws a day's documents from its plan.json text
    (``planner.app.drawing.Drawer``): the paths written and why PDFs cannot
    be printed, or None (the caller draws them)."""

    def draw(self, text: str, scenario: Scenario, day_dir: Path, lang: str,
             redact: bool) -> tuple[list[Path], str] | None: ...


def write_day(plan: Plan, scenario: Scenario, day_dir: Path, *, lang: str = "vi",
              redact: bool = False, scope: list[str] | None = None,
              warn: Warn | None = None, workers: int | None = 1,
              drawer: EarlyDrawer | None = None) -> list[Path]:
    """Write ``day_dir/plan.json`` (naming the scenario file, and ``scope``: the
    resident ids of a campaign day's scenario) and render every output from
    the plan read back from it (``draw_day_outputs``): by ``drawer`` (a
    process started before the plan, ``planner.app.drawing``), else by
    ``workers`` processes (``draw_outputs``); the same bytes either way.
    ``plan`` must carry its legs (``planner.legs.attach_legs``). Returns the
    paths written."""
    day_dir = Path(day_dir)
    text = plan_json(plan, scenario, scenario_file_for(day_dir, scenario.source)
                     if scenario.source else "", scope, lang=lang,
                     reason_text=reason_texts(scenario, lang))
    written = [write_atomic(day_dir / "plan.json", text)]
    drawn = drawer.draw(text, scenario, day_dir, lang, redact) if drawer is not None else None
    paths, no_pdf = drawn if drawn is not None else \
        draw_day_outputs(text, scenario, day_dir, lang, redact, workers)
    if no_pdf and warn is not None:
        warn(no_pdf)
    return written + paths


def draw_day_outputs(text: str, scenario: Scenario, day_dir: Path, lang: str = "vi",
                     redact: bool = False, workers: int | None = None,
                     ) -> tuple[list[Path], str]:
    """Every document of the plan whose ``plan.json`` text is ``text`` (the
    plan read back, so that ``plan.py render`` gives the same bytes), drawn
    into ``day_dir`` by ``workers`` processes (``draw_outputs``): the paths
    written, and why PDFs cannot be printed on this machine ('' when they can)."""
    again = plan_from_dict(json.loads(text))
    todo, no_pdf = day_outputs(again, scenario, day_dir, lang, redact)
    return draw_outputs(todo, workers), no_pdf


def load_drawing(lang: str, templates: Sequence[str]) -> None:
    """Load what every drawing needs (WeasyPrint, folium, the ``templates``
    compiled for ``lang``), so that drawing processes forked afterwards are
    born with it (``planner.app.drawing``): a first PDF printed and thrown
    away (``planner.render.pdf.warm_up``)."""
    # imported here: the drawing libraries load only in a process about to draw
    from planner.render.mapkit import load_folium
    from planner.render.pdf import environment, pdf_unavailable, warm_up

    if not pdf_unavailable():
        for template in templates:
            environment(lang).get_template(template)
        warm_up(lang)
    load_folium()


#: The outputs that the drawing processes of ``draw_outputs`` draw (set before
#: they are forked, which is how they see it: a closure cannot be pickled).
_OUTPUTS: list[Output] = []


def _draw_output(index: int) -> Path | None:
    """In a drawing process: output ``index`` of ``_OUTPUTS`` drawn and written."""
    return write_output(_OUTPUTS[index])


def draw_outputs(todo: Sequence[Output], workers: int | None = 1) -> list[Path]:
    """Draw and write every output of ``todo``: in this process, one after the
    other, or by ``draw_workers(len(todo), workers)`` forked processes (the
    costly ones first), when this process may fork (it runs one thread). The
    same bytes either way; the paths written, in ``todo``'s order."""
    n = draw_workers(sum(o.cost > 0 for o in todo), workers)
    if n == 1 or _pool_context().get_start_method() != "fork":
        return [p for p in map(write_output, todo) if p is not None]
    _OUTPUTS[:] = todo
    order = sorted(range(len(todo)), key=lambda i: -todo[i].cost)  # stable
    try:
        with _frozen_heap(), ProcessPoolExecutor(n, mp_context=_pool_context(),
                                                 initializer=drawing_process_start,
                                                 initargs=(os.getpid(),)) as pool:
            futures = {i: pool.submit(_draw_output, i) for i in order}
            paths = [futures[i].result() for i in range(len(todo))]
    finally:
        _OUTPUTS.clear()
    return [p for p in paths if p is not None]


def scenario_in_scope(scenario: Scenario, scope: Iterable[str] | None,
                      day: dt.date | None = None) -> Scenario:
    """``scenario`` holding only the residents in ``scope`` (and the households
    with one of them); all of it when ``scope`` is None. ``day`` sets the date."""
    if day is not None:
        scenario = replace(scenario, date=day)
    if scope is None:
        return scenario
    keep = set(scope)
    households = []
    for h in scenario.households:
        residents = tuple(r for r in h.residents if r.id in keep)
        if residents:
            households.append(replace(h, residents=residents))
    return replace(scenario, households=tuple(households))


def day_drawer(*, lang: str = "vi", redact: bool = False, progress: Progress | None = None,
               warn: Warn | None = None, graphs: dict[str, object] | None = None,
               table: SpeedTable | None = None,
               workers: int | None = 1) -> Callable[[DayPlan, Path], list[Path]]:
    """``draw(day, folder)``: every output of a campaign day written in
    ``folder`` (its day folder, or the stage a re-plan swaps in:
    ``planner.campaign.folders``). Attaches the legs on the scenario's road
    graph (travel times from the speed table ``table``, the campaign's; None:
    the bundled one, read once) when the day's plan has none, and rewrites its
    plan.json with them. ``graphs`` (path → loaded graph) may be shared
    between calls; only the last graph loaded is kept in it. A day's
    documents are drawn by ``workers`` processes (``draw_outputs``)."""
    graphs = {} if graphs is None else graphs
    tables: list[SpeedTable] = [table] if table is not None else []

    def draw(d: DayPlan, folder: Path) -> list[Path]:
        if progress is not None:
            progress.say(N_("Drawing the outputs of {date}…"), date=d.date)
        plan = d.plan
        if not has_legs(plan) and any(len(r.stops) > 1 for r in plan.routes):
            if not tables:  # not given by the caller: read once for every day
                tables.append(load_speed_table())
            if d.scenario.roads not in graphs:  # (``graphs`` may come loaded by a caller)
                graphs.clear()  # one graph in memory at a time (a province's road areas)
                graphs[d.scenario.roads] = load_graph(d.scenario.roads, table=tables[0])
            plan = attach_legs(plan, d.scenario, graphs[d.scenario.roads], tables[0])
        scope = [r.id for h in d.scenario.households for r in h.residents]
        return write_day(plan, d.scenario, folder, lang=lang, redact=redact, scope=scope,
                         warn=warn, workers=workers)

    return draw


#: The environment variable that sets how many processes draw a campaign's
#: days (``draw_workers``); 1 draws them one after the other.
WORKERS_ENV = "PLANNER_DRAW_WORKERS"
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def draw_workers(n_days: int, workers: int | None = None) -> int:
    """How many processes draw ``n_days`` days: ``workers`` (None: the
    ``PLANNER_DRAW_WORKERS`` environment variable, else ``os.cpu_count()``),
    at most one per day, at least 1 (1: drawn in this process, serially)."""
    if workers is None:
        given = os.environ.get(WORKERS_ENV, "").strip()
        workers = int(given) if given.isdigit() else (os.cpu_count() or 1)
    return max(1, min(workers, n_days))


@dataclass(frozen=True)
class _DrawJob:
    """What a drawing process needs besides the day and its folder (plain
    values: sent to the process)."""

    lang: str
    redact: bool
    table: SpeedTable | None


def _draw_in_worker(job: _DrawJob, day: DayPlan, folder: Path) -> tuple[list[Path], list[str]]:
    """One day drawn in a pool process: the paths written and the warnings
    given (the parent passes them on, in the days' order)."""
    warnings: list[str] = []
    draw = day_drawer(lang=job.lang, redact=job.redact, warn=warnings.append, table=job.table)
    return draw(day, folder), warnings


def drawing_process_start(parent_pid: int) -> None:
    """In a drawing process, first: die with the parent (Linux
    ``PR_SET_PDEATHSIG``), so that a job killed half-way leaves no process
    still writing into a day's stage after the next run's recovery
    (``planner.campaign.folders.recover``); gone at once when the parent
    already is. Then the collector's thresholds of a drawing."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own checks remain
        pass
    if os.getppid() != parent_pid:
        os._exit(1)
    # a drawing lives a few seconds and makes many short-lived objects (layout
    # boxes): the collector runs less often (about 10 % of the CPU of drawing)
    gc.set_threshold(*DRAW_GC_THRESHOLD)


#: The garbage collector's thresholds in a drawing process (``drawing_process_start``).
DRAW_GC_THRESHOLD = (50_000, 20, 20)


def _pool_context() -> multiprocessing.context.BaseContext:
    """Fork (the modules and the road graph's cache already loaded: fast) when
    this process runs one thread; else spawn (forking a threaded process,
    the web workspace's, may copy a lock held by another thread)."""
    fork_ok = "fork" in multiprocessing.get_all_start_methods() \
        and threading.active_count() == 1
    return multiprocessing.get_context("fork" if fork_ok else "spawn")


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """While forked processes run: this process's objects moved out of the
    garbage collector's reach (``gc.freeze``), so that a collection in a
    forked process does not touch, and so copy, every page it shares with
    this one (about 1 s of CPU for the demo day's two drawing processes)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def draw_days(items: Sequence[tuple[DayPlan, Path]], *, lang: str = "vi",
              redact: bool = False, progress: Progress | None = None,
              warn: Warn | None = None, table: SpeedTable | None = None,
              workers: int | None = None, graphs: dict[str, object] | None = None,
              ) -> list[Path]:
    """Every output of each ``(day, folder)`` of ``items`` written into its
    folder (``day_drawer``'s), by ``draw_workers(len(items), workers)``
    processes; one process draws in this one, one day after the other (one
    day alone: its documents by ``workers`` processes, ``draw_outputs``). The
    files are the same bytes either way (each day is drawn by the same
    function from the same plan). Progress and warnings are given in the
    days' order; the paths are returned in that order. ``graphs`` as
    ``day_drawer``'s (in this process; a pool process reads the graph's cache,
    ``planner.roads.cache``)."""
    n = draw_workers(len(items), workers)
    if n == 1:  # one day: its documents drawn in parallel instead (unless told 1 worker)
        draw = day_drawer(lang=lang, redact=redact, progress=progress, warn=warn, table=table,
                          graphs=graphs, workers=workers if len(items) == 1 else 1)
        return [p for d, folder in items for p in draw(d, folder)]
    job = _DrawJob(lang, redact, table)
    written: list[Path] = []
    with _frozen_heap(), ProcessPoolExecutor(n, mp_context=_pool_context(),
                                             initializer=drawing_process_start,
                                             initargs=(os.getpid(),)) as pool:
        futures = [pool.submit(_draw_in_worker, job, d, folder) for d, folder in items]
        for (d, _folder), future in zip(items, futures, strict=True):
            if progress is not None:
                progress.say(N_("Drawing the outputs of {date}…"), date=d.date)
            paths, warnings = future.result()
            for text in warnings:
                if warn is not None:
                    warn(text)
            written += paths
    return written


def render_days(days: Iterable[DayPlan], out_dir: Path, *, lang: str = "vi",
                redact: bool = False, progress: Progress | None = None,
                warn: Warn | None = None, graphs: dict[str, object] | None = None,
                table: SpeedTable | None = None, workers: int | None = None) -> list[Path]:
    """Every output of each campaign day in ``out_dir/days/YYYY-MM-DD/``
    (``draw_days``: in parallel processes, written in place: for a new
    campaign's folders; a re-plan swaps whole days in, ``planner.state.tomorrow``)."""
    return draw_days([(d, out_dir / "days" / d.date.isoformat()) for d in days], lang=lang,
                     redact=redact, progress=progress, warn=warn, table=table,
                     workers=workers, graphs=graphs)
