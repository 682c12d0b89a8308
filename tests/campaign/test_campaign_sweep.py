"""The staffing sweep through a real Dask scheduler and worker on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo" / "scenario.yaml"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, timeout_s: float) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def test_sweep_runs_on_a_real_scheduler_and_worker(tmp_path: Path) -> None:
    """`dask scheduler` + `dask worker` (1 process, 1 thread) on 127.0.0.1 run a tiny sweep:
    every (team count, run) comes back once, and the processes are always stopped."""
    from planner.campaign.staffing import StaffingParams
    from planner.campaign.sweep import run_sweep
    from planner.campaign.workspace import build_workspace
    from planner.roads.io import load_graph
    from planner.scenario import load_scenario
    from planner.speeds import load_speed_table

    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    procs: list[subprocess.Popen] = []
    try:
        procs.append(subprocess.Popen(
            dask + ["--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "scheduler.log", "wb")))
        _wait_port(port, 30)
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", f"tcp://127.0.0.1:{port}",
             "--nworkers", "1", "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard",
             "--death-timeout", "60"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "worker.log", "wb")))
        scenario, _ = load_scenario(DEMO)
        ws = build_workspace(scenario, load_graph(scenario.roads), load_speed_table(),
                             seasons=("dry", "wet"))
        params = StaffingParams(runs=1, time_limit_s=0.1, seed=2)
        done = []
        results = run_sweep({"demo": ws}, [2, 3], params,
                            scheduler=f"tcp://127.0.0.1:{port}",
                            progress=lambda k, n: done.append((k, n)), connect_timeout_s=30)
        assert sorted((r.teams, r.run) for r in results) == [(2, 0), (3, 0)]
        assert all(r.completion is not None and r.visits > 0 for r in results)
        assert done[-1] == (2, 2)
    finally:
        for proc in reversed(procs):
            _stop(proc)
    assert all(p.poll() is not None for p in procs)
    if any(p.returncode not in (0, -15, 143) for p in procs):
        pytest.fail("a dask process failed: " + (tmp_path / "worker.log").read_text()[-2000:])
