"""Staffing sweeps and province campaigns on Dask distributed.

Each (scenario, team count, run) is one task running
``planner.campaign.staffing.simulate``. The scenario's ``Workspace`` (the
scenario and its dry and wet matrices, no graph) is computed once by the
client and scattered to every worker (``broadcast=True``), so workers need
neither the road graph nor the scenario files: a real cluster works without a
shared disk (the workers only need this package installed). Every worker
holding a copy is also what lets a sweep survive a worker lost mid-run: the
scheduler re-runs the lost worker's tasks elsewhere (``retries`` covers a task
that fails), and the inputs they need are still on the other workers. When
the scheduler counts a scattered workspace as lost all the same (it was seen
on the killed worker only, e.g. while its replicas were being registered),
it cancels the tasks that need it; the client keeps each workspace until its
job is back, scatters it again and re-submits those tasks (``RESUBMITS``).

Tasks are pure functions of their inputs (random draws keyed by seed, run,
resident and date), so a task run twice, or on another worker, gives the same
result.

``stream_tasks`` streams: workspaces come from a lazy iterator (a province
builds them road area by road area), at most ``window`` scenarios are on the
cluster at a time, and a scenario's workspace is released from the workers as
soon as its last task is back. Memory on the client and the workers stays
bounded by the window, not by the size of the province.

By default a ``LocalCluster`` of worker processes (one thread each) runs on
this machine; ``scheduler="tcp://HOST:PORT"`` uses a running cluster instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from planner.campaign.calendar import Calendar
from planner.campaign.dayloop import fast_solver
from planner.campaign.decisions import scenario_decisions
from planner.campaign.loop import CampaignOptions, plan_campaign
from planner.campaign.needs import initial_pending
from planner.campaign.staffing import RunResult, StaffingParams, simulate
from planner.campaign.workspace import Workspace
from planner.errors import PlannerError, msg

RETRIES = 2
"""Times a failing task is run again (a lost worker's tasks are re-run anyway)."""
RESUBMITS = 3
"""Times a task cancelled with its lost scattered data is scattered and run again."""


@dataclass(frozen=True)
class SweepTask:
    """One simulation: the scenario's key, the team count and the run number."""

    scenario: str
    teams: int
    run: int


def _simulate_task(ws: Workspace, task: SweepTask, params: StaffingParams,
                   start: dt.date | None) -> RunResult:
    return simulate(ws, task.teams, task.run, params, start)


class _ToPlannerLog(logging.Handler):
    """Hands Dask's log records to the planner's log (``planner.dask``: the
    file of ``$PLANNER_LOG``, or nowhere), never to the terminal."""

    def emit(self, record: logging.LogRecord) -> None:
        logging.getLogger("planner.dask").handle(record)


def _dask_logs_to_the_log() -> None:
    """Dask's own loggers (``distributed``: a worker slow to stop, a lost
    connection) write to the planner's log instead of the terminal: their
    stderr handler is replaced, once per process."""
    logger = logging.getLogger("distributed")
    for handler in list(logger.handlers):
        if type(handler) is logging.StreamHandler:  # distributed's own, on stderr
            logger.removeHandler(handler)
    if not any(isinstance(h, _ToPlannerLog) for h in logger.handlers):
        logger.addHandler(_ToPlannerLog())
    logger.propagate = False


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None,
                connect_timeout_s: float = 30.0) -> Iterator[Any]:
    """A ``distributed.Client`` on ``scheduler``, or on a new ``LocalCluster``
    of ``workers`` processes (one thread each; default: the cores, at most 8);
    closed (and the local cluster stopped) on the way out. Dask's own log
    goes to the planner's log, not the terminal."""
    # imported here: Dask loads only when a sweep runs
    from distributed import Client, LocalCluster

    _dask_logs_to_the_log()
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=connect_timeout_s)
        else:
            workers = workers or max(1, min(os.cpu_count() or 1, 8))
            # the workers' own processes print only what stops them
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.CRITICAL)
            client = Client(cluster)
    except OSError as exc:
        if cluster is not None:
            cluster.close()
        raise PlannerError(msg("cannot reach the Dask scheduler {value}: {exc}",
                               value=scheduler or '(local)', exc=exc)
                           ) from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def stream_tasks(client, jobs: Iterable[tuple[str, Any, list[tuple[Callable, tuple]]]],
                 progress: Callable[[int], None] | None = None,
                 window: int | None = None,
                 on_stage: Callable[[str], None] | None = None) -> dict[str, list]:
    """Run each job's tasks on ``client``; returns ``{job key: [results]}``
    (each job's results in the order of its tasks).

    A job is ``(key, data, [(function, extra args), …])``: ``data`` (a
    Workspace) is scattered to every worker once and each task runs
    ``function(data, *extra)``. ``jobs`` is consumed lazily: at most ``window``
    jobs (default: twice the workers' threads, at least 4) are on the cluster
    at a time. ``progress(done)`` is told each finished task;
    ``on_stage("sweep")`` before waiting for results."""
    # imported here: Dask loads only when a sweep runs
    from distributed import as_completed

    if window is None:
        window = max(4, 2 * sum(client.nthreads().values()))
    token = uuid.uuid4().hex[:10]
    ac = as_completed(with_results=True, raise_errors=False)
    shared: dict[str, Any] = {}
    datas: dict[str, Any] = {}
    job_tasks: dict[str, tuple[int, list[tuple[Callable, tuple]]]] = {}
    left: dict[str, int] = {}
    slot: dict[str, tuple[str, int]] = {}
    again: dict[tuple[str, int], int] = {}
    results: dict[str, list] = {}
    done = 0

    def submit(key: str, k: int, suffix: str = "") -> None:
        index, tasks = job_tasks[key]
        fn, extra = tasks[k]
        future = client.submit(fn, shared[key], *extra, pure=False, retries=RETRIES,
                               priority=-index, key=f"{fn.__name__}-{token}-{index}-{k}{suffix}")
        slot[future.key] = (key, k)
        ac.add(future)

    def resubmit(key: str, k: int, why: BaseException) -> None:
        """A task cancelled because the scattered data it needs was lost with
        a worker (the scheduler cannot recompute scattered data): scatter the
        data again and run the task again, up to ``RESUBMITS`` times."""
        n = again[(key, k)] = again.get((key, k), 0) + 1
        if n > RESUBMITS:
            raise PlannerError(msg("a task of {key!r} was lost {value} times with its workers "
                                   "({__name__}): the cluster is unstable",
                                   key=key, value=n - 1, __name__=type(why).__name__)) from None
        if shared[key].status != "finished":
            shared[key] = client.scatter(datas[key], broadcast=True)
        submit(key, k, f"-again{n}")

    def collect(until: int) -> None:
        """Take finished tasks until at most ``until`` jobs are on the cluster."""
        nonlocal done
        if len(left) <= until:
            return
        if on_stage:
            on_stage("sweep")
        for future, result in ac:
            key, k = slot.pop(future.key)
            if future.status == "error":  # failed RETRIES + 1 times: a real error
                raise result
            if future.status != "finished" or isinstance(result, BaseException):
                resubmit(key, k, result)
                continue
            results[key][k] = result
            left[key] -= 1
            if not left[key]:  # every task of this job is back: free its data
                del left[key], shared[key], datas[key], job_tasks[key]
            done += 1
            if progress is not None:
                progress(done)
            if len(left) <= until:
                return

    for index, (key, data, tasks) in enumerate(jobs):
        if key in results:
            raise PlannerError(msg("job {key!r} given twice in one sweep (a bug)", key=key))
        shared[key] = client.scatter(data, broadcast=True)
        datas[key] = data  # kept until the job is back, should its copies be lost
        job_tasks[key] = (index, list(tasks))
        results[key] = [None] * len(tasks)
        left[key] = len(tasks)
        for k in range(len(tasks)):
            submit(key, k)
        if not tasks:
            del left[key], shared[key], datas[key], job_tasks[key]
        del data
        collect(window - 1)
    collect(0)
    return results


def sweep_tasks(team_counts: list[int], params: StaffingParams, start: dt.date | None,
                key: str) -> list[tuple[Callable, tuple]]:
    """The tasks of one scenario: every team count × run, fewest teams first
    (they take the most days)."""
    return [(_simulate_task, (SweepTask(key, k, run), params, start))
            for k in sorted(team_counts) for run in range(params.runs)]


def _campaign_task(ws: Workspace, start: dt.date, deadline: dt.date | None,
                   time_limit_s: float, seed: int):
    """Plan one commune's whole campaign (``plan_campaign`` with the in-process
    ``fast_solver``: a Dask worker may not start processes of its own),
    honouring the decisions file the commune's scenario names."""

    options = CampaignOptions(time_limit_s=time_limit_s, seed=seed, solver=fast_solver,
                              decisions=scenario_decisions(ws.scenario))
    return plan_campaign(ws, initial_pending(ws.scenario), start, deadline,
                         Calendar.of(ws.scenario), options)


def campaign_tasks(start: dt.date, deadline: dt.date | None, time_limit_s: float,
                   seed: int) -> list[tuple[Callable, tuple]]:
    """The one task of a commune's campaign."""
    return [(_campaign_task, (start, deadline, time_limit_s, seed))]


def run_sweep(workspaces: dict[str, Workspace], team_counts: list[int],
              params: StaffingParams, start: dt.date | None = None,
              scheduler: str | None = None, workers: int | None = None,
              progress: Callable[[int, int], None] | None = None,
              connect_timeout_s: float = 30.0) -> list[RunResult]:
    """Run every (scenario, team count, run) on Dask; results in any order.

    ``progress(done, total)`` is called as tasks finish.
    """
    total = len(workspaces) * len(team_counts) * params.runs
    jobs = ((name, ws, sweep_tasks(team_counts, params, start, name))
            for name, ws in workspaces.items())
    with dask_client(scheduler, workers, connect_timeout_s) as client:
        out = stream_tasks(client, jobs,
                           None if progress is None else lambda done: progress(done, total))
    return [r for rs in out.values() for r in rs]
