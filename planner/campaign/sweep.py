"""Staffing sweeps and province campaigns on Dask distributed.

Each (scenario, team count, run) is one task running
``planner.campaign.staffing.simulate``. A job's data (a ``Workspace``: the
scenario and its dry and wet matrices, no graph) reaches the workers one of
two ways:

- given as a value: the client scattered it to every worker
  (``broadcast=True``), so workers need neither the road graph nor the
  scenario files; or
- given as ``OnWorker(fn, args, shared)``: it is *computed on a worker* by a
  task ``fn(shared value, *args)`` (``build_workspace`` from the road area's
  graph), and the job's tasks depend on that task's future: the workspace
  stays on the workers (Dask moves it from worker to worker), never through
  the client. The ``Shared`` value (a road area's graph) is loaded by the
  client and scattered to every worker once per road area, not per commune,
  while jobs that name it are on the cluster (or may still come: areas come
  one after the other). A real cluster still needs no shared disk.

Either way a worker lost mid-run is survivable: the scheduler re-runs the
lost worker's tasks elsewhere (``retries`` covers a task that fails), a lost
workspace future is recomputed by Dask from the graph, and scattered inputs
are still on the other workers. When the scheduler counts scattered data as
lost all the same (it was seen on the killed worker only, e.g. while its
replicas were being registered), it cancels the tasks that need it; the
client then scatters it again (reloading a graph), rebuilds the workspace and
re-submits those tasks (``RESUBMITS``).

Tasks are pure functions of their inputs (random draws keyed by seed, run,
resident and date), so a task run twice, or on another worker, gives the same
result.

``stream_tasks`` streams: jobs come from a lazy iterator (a province yields
them road area by road area), at most ``window`` jobs are on the cluster at a
time, and a job's data is released from the workers as soon as its last task
is back (a graph once no job on the cluster or still to come needs it).
Memory on the client and the workers stays bounded by the window, not by the
size of the province.

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
class Shared:
    """A value every worker gets one copy of, e.g. a road area's graph: ``key``
    names it (jobs naming the same key share one copy); ``load()`` gives the
    value on the client (called once per key while it is needed, again only if
    the cluster loses every copy)."""

    key: str
    load: Callable[[], Any]


@dataclass(frozen=True)
class OnWorker:
    """A job's data computed on a worker: ``fn(shared value, *args)``. The
    result stays on the workers; the job's tasks take it as their first
    argument."""

    fn: Callable
    args: tuple
    shared: Shared


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


class _Stream:
    """The state of one ``stream_tasks`` run: the jobs on the cluster, their
    data futures, the shared values (graphs) they use, the results so far."""

    def __init__(self, client, ac, progress: Callable[[int], None] | None,
                 on_stage: Callable[[str], None] | None) -> None:
        self.client, self.ac, self.progress, self.on_stage = client, ac, progress, on_stage
        self.token = uuid.uuid4().hex[:10]
        self.data: dict[str, Any] = {}  # job key → its data's future
        self.source: dict[str, Any] = {}  # job key → its data, or its OnWorker
        self.job_tasks: dict[str, tuple[int, list[tuple[Callable, tuple]]]] = {}
        self.left: dict[str, int] = {}
        self.slot: dict[str, tuple[str, int]] = {}
        self.again: dict[tuple[str, int], int] = {}
        self.results: dict[str, list] = {}
        self.shared: dict[str, Any] = {}  # Shared key → its future on every worker
        self.users: dict[str, int] = {}  # Shared key → jobs on the cluster using it
        self.last_shared: str | None = None  # the key jobs now come with
        self.done = 0

    def share(self, shared: Shared) -> Any:
        """The future of ``shared``'s value on every worker: loaded and
        scattered once (``broadcast``), or again when the cluster lost it."""
        future = self.shared.get(shared.key)
        if future is None or future.status != "finished":
            if self.on_stage:
                self.on_stage("graphs")
            value = shared.load()
            future = self.shared[shared.key] = self.client.scatter(value, broadcast=True,
                                                                   hash=False)
            del value
        return future

    def place(self, key: str, suffix: str = "") -> None:
        """Put job ``key``'s data on the cluster: scatter a value, or submit
        the ``OnWorker`` task that builds it on a worker."""
        source = self.source[key]
        if isinstance(source, OnWorker):
            index = self.job_tasks[key][0]
            self.data[key] = self.client.submit(
                source.fn, self.share(source.shared), *source.args, pure=False,
                retries=RETRIES, priority=-index,
                key=f"{source.fn.__name__}-{self.token}-{index}{suffix}")
        else:
            self.data[key] = self.client.scatter(source, broadcast=True)

    def submit(self, key: str, k: int, suffix: str = "") -> None:
        index, tasks = self.job_tasks[key]
        fn, extra = tasks[k]
        future = self.client.submit(fn, self.data[key], *extra, pure=False, retries=RETRIES,
                                    priority=-index,
                                    key=f"{fn.__name__}-{self.token}-{index}-{k}{suffix}")
        self.slot[future.key] = (key, k)
        self.ac.add(future)

    def add(self, key: str, data: Any, tasks: list[tuple[Callable, tuple]]) -> None:
        """Job ``key`` on the cluster: its data placed, every task submitted."""
        if key in self.results:
            raise PlannerError(msg("job {key!r} given twice in one sweep (a bug)", key=key))
        if isinstance(data, OnWorker):
            if data.shared.key != self.last_shared:  # a new road area: free the idle ones
                self.last_shared = data.shared.key
                for name in [n for n, u in self.users.items() if not u]:
                    self.release_shared(name)
            self.users[data.shared.key] = self.users.get(data.shared.key, 0) + 1
        self.source[key] = data  # kept until the job is back, should its copies be lost
        self.job_tasks[key] = (len(self.results), list(tasks))
        self.results[key] = [None] * len(tasks)
        self.left[key] = len(tasks)
        self.place(key)
        for k in range(len(tasks)):
            self.submit(key, k)
        if not tasks:
            self.finish(key)

    def release_shared(self, name: str) -> None:
        del self.users[name]
        self.shared.pop(name, None)

    def finish(self, key: str) -> None:
        """Every task of job ``key`` is back: free its data (and its graph,
        unless jobs of the same road area are on the cluster or may come)."""
        source = self.source.pop(key)
        del self.left[key], self.data[key], self.job_tasks[key]
        if isinstance(source, OnWorker):
            name = source.shared.key
            self.users[name] -= 1
            if not self.users[name] and name != self.last_shared:
                self.release_shared(name)

    def resubmit(self, key: str, k: int, why: BaseException) -> None:
        """A task cancelled because data it needs was lost with a worker
        (the scheduler cannot recompute scattered data): place the data again
        (scatter it, or rebuild it from a re-scattered graph) and run the task
        again, up to ``RESUBMITS`` times."""
        n = self.again[(key, k)] = self.again.get((key, k), 0) + 1
        if n > RESUBMITS:
            raise PlannerError(msg("a task of {key!r} was lost {value} times with its workers "
                                   "({__name__}): the cluster is unstable",
                                   key=key, value=n - 1, __name__=type(why).__name__)) from None
        if self.data[key].status not in ("finished", "pending"):  # not already placed again
            self.place(key, f"-again{n}-{k}")
        self.submit(key, k, f"-again{n}")

    def collect(self, until: int) -> None:
        """Take finished tasks until at most ``until`` jobs are on the cluster."""
        if len(self.left) <= until:
            return
        if self.on_stage:
            self.on_stage("sweep")
        for future, result in self.ac:
            key, k = self.slot.pop(future.key)
            if future.status == "error":  # failed RETRIES + 1 times: a real error
                raise result
            if future.status != "finished" or isinstance(result, BaseException):
                self.resubmit(key, k, result)
                continue
            self.results[key][k] = result
            self.left[key] -= 1
            if not self.left[key]:
                self.finish(key)
            self.done += 1
            if self.progress is not None:
                self.progress(self.done)
            if len(self.left) <= until:
                return


def stream_tasks(client, jobs: Iterable[tuple[str, Any, list[tuple[Callable, tuple]]]],
                 progress: Callable[[int], None] | None = None,
                 window: int | None = None,
                 on_stage: Callable[[str], None] | None = None) -> dict[str, list]:
    """Run each job's tasks on ``client``; returns ``{job key: [results]}``
    (each job's results in the order of its tasks).

    A job is ``(key, data, [(function, extra args), …])`` and each task runs
    ``function(data, *extra)`` on a worker. ``data`` is a value (a Workspace)
    scattered to every worker once, or an ``OnWorker`` computed by a task on a
    worker (its ``Shared`` graph scattered once while jobs naming it come;
    jobs sharing a graph should come one after the other). ``jobs`` is
    consumed lazily: at most ``window`` jobs (default: twice the workers'
    threads, at least 4) are on the cluster at a time. ``progress(done)`` is
    told each finished task; ``on_stage("graphs")`` before a graph is loaded
    and sent, ``on_stage("sweep")`` before waiting for results."""
    # imported here: Dask loads only when a sweep runs
    from distributed import as_completed

    if window is None:
        window = max(4, 2 * sum(client.nthreads().values()))
    stream = _Stream(client, as_completed(with_results=True, raise_errors=False), progress,
                     on_stage)
    for key, data, tasks in jobs:
        stream.add(key, data, tasks)
        del data
        stream.collect(window - 1)
    stream.collect(0)
    return stream.results


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
