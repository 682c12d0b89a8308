"""Long jobs of the workspace, off the request thread: plan a campaign,
re-plan tomorrow, staffing.

Each job runs the application layer's function in a child process (spawned,
not forked: the server has threads) so that it can be cancelled for real
(the process is ended; the campaign's state keeps its own guarantees: a job
cut short leaves every day wholly old or wholly new). The child's
``Progress`` lines come back through a queue; the page polls ``Job.view()``.
One job per campaign at a time: ``Jobs.start`` refuses a second one while
the first runs.
"""

from __future__ import annotations

import multiprocessing as mp
import queue as queue_mod
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.app.progress import Progress
from planner.app.text import gettext_for

KINDS = ("campaign", "tomorrow", "staffing", "commune", "roads")
"""The jobs a page can start."""


@dataclass(frozen=True)
class JobSpec:
    """What to run: ``kind`` (one of ``KINDS``), the campaign ``folder``, the
    ``lang`` of progress and result, the solver's ``time_limit_s`` per day and
    the job's own ``options`` (``scenario`` for a new campaign, ``teams`` for
    staffing, ``request`` (an ``app.commune.CommuneRequest``) for a new
    commune whose roads are imported, ``change`` (an
    ``app.commune_settings.RoadsChange``) for new roads of a commune; for
    both, ``folder`` is the scenario folder)."""

    kind: str
    folder: Path
    lang: str = "vi"
    time_limit_s: float = 1.0
    options: dict[str, Any] = field(default_factory=dict)


def _run_campaign(spec: JobSpec, progress: Progress) -> str:
    # imported here: the planning stack loads in the job's process, not the server's
    from planner.app.campaign import CampaignRequest, plan_campaign
    from planner.app.text import calendar_text

    run = plan_campaign(CampaignRequest(Path(spec.options["scenario"]), spec.folder,
                                        time_limit_s=spec.time_limit_s, draw="first",
                                        lang=spec.lang), progress)
    return calendar_text(run.result, run.scenario, spec.lang)


def _run_tomorrow(spec: JobSpec, progress: Progress) -> str:
    # imported here: the planning stack loads in the job's process, not the server's
    from planner.app.campaign import TomorrowRequest, replan_tomorrow
    from planner.app.text import tomorrow_text

    run = replan_tomorrow(TomorrowRequest(spec.folder, time_limit_s=spec.time_limit_s,
                                          lang=spec.lang), progress)
    return tomorrow_text(run, spec.lang)


def _run_staffing(spec: JobSpec, progress: Progress) -> str:
    # imported here: Dask and the planning stack load in the job's process, not the server's
    from planner.app.staffing import StaffingParams, StaffingRequest, staffing
    from planner.app.text import gettext_for, staffing_table

    _ = gettext_for(spec.lang)
    teams = int(spec.options["teams"])
    params = StaffingParams(runs=int(spec.options.get("runs", 4)),
                            time_limit_s=min(spec.time_limit_s, 0.2), fidelity="sweep")
    request = StaffingRequest((Path(spec.options["scenario"]),), (teams, teams + 1), params,
                              spec.folder / "staffing", workers=1, overwrite=True,
                              lang=spec.lang)

    def told(done: int, total: int | None = None) -> None:
        if total:
            progress.step(done, total)
        progress.echo(progress.stamp() + _("{done} of {total} simulated "
                                                              "campaigns").format(
            done=done, total=total if total is not None else "?"))

    run = staffing(request, lambda total, *_rest: told(0, total), told)
    return staffing_table(run.rows, run.deadline, _, spec.lang)


def _run_commune(spec: JobSpec, progress: Progress) -> str:
    # imported here: the roads import loads in the job's process, not the server's
    from planner.app.commune import create_commune
    from planner.app.text import gettext_for

    _ = gettext_for(spec.lang)
    result = create_commune(spec.options["request"], progress)
    problems = len(result.report.problems)
    return _("{n} problems: fix them in the file, then check again.").format(n=problems) \
        if problems else _("No problem: the scenario can be planned.")


def _run_roads(spec: JobSpec, progress: Progress) -> str:
    # imported here: the roads import loads in the job's process, not the server's
    from planner.app.commune_settings import replace_roads
    from planner.app.text import gettext_for

    _ = gettext_for(spec.lang)
    report = replace_roads(spec.options["change"], progress)
    return _("{n} problems: fix them in the file, then check again.").format(
        n=len(report.problems)) if report.problems else \
        _("No problem: the scenario can be planned.")


RUNNERS = {"campaign": _run_campaign, "tomorrow": _run_tomorrow, "staffing": _run_staffing,
           "commune": _run_commune, "roads": _run_roads}


def child(spec: JobSpec, out: Any) -> None:
    """The job's process: run it, telling each progress line, then the result
    text (``done``) or the error's message (``error``)."""
    progress = Progress(spec.lang, tick_s=1.0, echo=lambda text: out.put(("say", text)),
                        on_step=lambda done, total: out.put(("step", (done, total))))
    try:
        text = RUNNERS[spec.kind](spec, progress)
    except Exception as exc:  # noqa: BLE001 - told to the page, one message, no traceback
        # imported here: the planning stack loads in the job's process, not the server's
        from planner.app import PlannerError
        from planner.app.web_words import web_error_text

        said = web_error_text(exc, spec.lang) if isinstance(exc, PlannerError) else str(exc)
        out.put(("error", said or type(exc).__name__))
        return
    out.put(("done", text))


@dataclass
class Job:
    """One running or finished job: its id, spec, progress lines, the steps
    ``done`` of ``total`` (days planned, campaigns simulated: the progress
    bar), state (``running``, ``done``, ``error``, ``cancelled``) and result text."""

    id: str
    spec: JobSpec
    lines: list[str] = field(default_factory=list)
    state: str = "running"
    result: str = ""
    started: float = field(default_factory=time.monotonic)
    process: Any = None
    done: int = 0
    total: int = 0

    def percent(self) -> int | None:
        """The steps done in percent, 0…100 (100 once the job is done; None:
        no step told yet)."""
        if self.state == "done":
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else None

    def view(self) -> dict[str, Any]:
        """What the page polls: state, the steps done of the total and in
        percent, the progress lines, the result text."""
        return {"id": self.id, "kind": self.spec.kind, "state": self.state,
                "done": self.done, "total": self.total, "percent": self.percent(),
                "lines": list(self.lines[-40:]), "result": self.result,
                "elapsed_s": round(time.monotonic() - self.started, 1)}


class Busy(Exception):
    """A job already runs on this campaign."""

    def __init__(self, job: Job) -> None:
        super().__init__(job.id)
        self.job = job


class Jobs:
    """The server's jobs, one running per campaign folder (a lock guards the table)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._context = mp.get_context("spawn")

    def get(self, job_id: str) -> Job | None:
        """The job with ``job_id`` (None: unknown)."""
        with self._lock:
            return self._jobs.get(job_id)

    def running(self, folder: Path) -> Job | None:
        """The job running on ``folder`` now (None: none)."""
        with self._lock:
            return next((j for j in self._jobs.values()
                         if j.spec.folder == folder and j.state == "running"), None)

    def last(self, folder: Path, kind: str) -> Job | None:
        """The latest job of ``kind`` on ``folder``."""
        with self._lock:
            found = [j for j in self._jobs.values() if j.spec.folder == folder
                     and j.spec.kind == kind]
        return max(found, key=lambda j: j.started) if found else None

    def start(self, spec: JobSpec) -> Job:
        """Start ``spec`` in its own process; ``Busy`` when the campaign has a
        running job."""
        out = self._context.Queue()
        with self._lock:
            for other in self._jobs.values():
                if other.spec.folder == spec.folder and other.state == "running":
                    raise Busy(other)
            job = Job(secrets.token_hex(8), spec)
            # not a daemon: the staffing job starts Dask's worker processes (the
            # server ends its jobs itself when it stops: ``shutdown``)
            job.process = self._context.Process(target=child, args=(spec, out))
            self._jobs[job.id] = job
        job.process.start()
        threading.Thread(target=self._watch, args=(job, out), daemon=True).start()
        return job

    def _watch(self, job: Job, out: Any) -> None:
        while True:
            try:
                kind, text = out.get(timeout=0.2)
            except queue_mod.Empty:
                if not job.process.is_alive():
                    with self._lock:
                        if job.state == "running":
                            job.state = "error"
                            job.result = gettext_for(job.spec.lang)(
                                "The job's process stopped before the end: start it "
                                "again.")
                    return
                continue
            with self._lock:
                if kind == "say":
                    job.lines.append(text)
                    continue
                if kind == "step":
                    job.done, job.total = text
                    continue
                if job.state == "running":
                    job.state, job.result = kind, text
            job.process.join(timeout=5)
            return

    def cancel(self, job_id: str) -> Job | None:
        """End the job's process (its campaign stays as before the job)."""
        job = self.get(job_id)
        if job is None or job.state != "running":
            return job
        with self._lock:
            job.state, job.result = "cancelled", ""
        job.process.terminate()
        job.process.join(timeout=10)
        return job

    def wait(self, job_id: str, timeout_s: float = 600.0) -> Job | None:
        """Wait for the job to end (tests, benchmarks)."""
        deadline = time.monotonic() + timeout_s
        job = self.get(job_id)
        while job is not None and job.state == "running" and time.monotonic() < deadline:
            time.sleep(0.1)
        return job

    def shutdown(self) -> None:
        """End every running job (the server stops)."""
        with self._lock:
            running = [j for j in self._jobs.values() if j.state == "running"]
        for job in running:
            self.cancel(job.id)
