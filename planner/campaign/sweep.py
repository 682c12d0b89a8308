"""Staffing sweeps on Dask distributed: scenarios × team counts × runs.

Each (scenario, team count, run) is one task running
``planner.campaign.staffing.simulate``. The scenario's ``Workspace`` (the
scenario and its dry and wet matrices, no graph) is computed once by the
client and scattered to every worker, so workers need neither the road graph
nor the scenario files: a real cluster works without a shared disk (the
workers only need this package installed).

By default a ``LocalCluster`` of worker processes (one thread each) runs on
this machine; ``scheduler="tcp://HOST:PORT"`` uses a running cluster instead.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass

from planner.campaign.plan import Workspace
from planner.campaign.staffing import RunResult, StaffingParams, simulate
from planner.errors import PlannerError


@dataclass(frozen=True)
class SweepTask:
    """One simulation: the scenario's key, the team count and the run number."""

    scenario: str
    teams: int
    run: int


def _simulate_task(ws: Workspace, task: SweepTask, params: StaffingParams,
                   start: dt.date | None) -> RunResult:
    return simulate(ws, task.teams, task.run, params, start)


def run_sweep(workspaces: dict[str, Workspace], team_counts: list[int],
              params: StaffingParams, start: dt.date | None = None,
              scheduler: str | None = None, workers: int | None = None,
              progress: Callable[[int, int], None] | None = None,
              connect_timeout_s: float = 30.0) -> list[RunResult]:
    """Run every (scenario, team count, run) on Dask; results in any order.

    ``progress(done, total)`` is called as tasks finish.
    """
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=connect_timeout_s)
        else:
            workers = workers or max(1, min(os.cpu_count() or 1, 8))
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
    except OSError as exc:
        if cluster is not None:
            cluster.close()
        raise PlannerError(f"cannot reach the Dask scheduler {scheduler or '(local)'}: {exc}"
                           ) from None
    try:
        shared = {name: client.scatter(ws, broadcast=True) for name, ws in workspaces.items()}
        tasks = [SweepTask(name, k, run) for name in workspaces for k in
                 sorted(team_counts) for run in range(params.runs)]
        # longest first: fewer teams take more days
        tasks.sort(key=lambda t: (t.teams, t.run))
        futures = [client.submit(_simulate_task, shared[t.scenario], t, params, start,
                                 pure=False, key=f"sim-{abs(hash(t.scenario))}-{t.teams}-{t.run}")
                   for t in tasks]
        results = []
        for done, future in enumerate(as_completed(futures), start=1):
            results.append(future.result())
            if progress is not None:
                progress(done, len(futures))
        return results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
