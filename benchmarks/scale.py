"""How a province staffing sweep grows: a GENERATED province at 1k–50k households.

Usage::

    python -m benchmarks.scale [--sizes 1000,5000,20000,50000] [--runs 10]
        [--teams 1-6] [--workers 2] [--time-limit 0.1] [--fidelity sweep|full] [--keep DIR]

For each size, writes a GENERATED province (``benchmarks.generated_province.
write_province``: fictional communes of ~300 households in road areas of ~12
communes, each road area on its own generated road grid) and runs the same path as
``plan.py staffing PROVINCE --scheduler`` (``run_province_staffing``: scenarios →
per road area, its graph loaded by the client and sent once to every worker →
per commune, its matrices built on a worker → a streamed Dask sweep → summary
and outputs) on a ``LocalCluster`` of ``--workers`` processes (one thread each)
started here for each size. Prints per
stage the client's wall time and the peak memory (RSS, sampled every 0.2 s with
psutil: the client process, and the sum of its child processes, i.e. the Dask
workers), the workers' compute time per kind of task (from the scheduler:
building workspaces = matrices, simulations), the CPU time of the client and
of the workers, then the growth exponent: the least-squares slope of
log(time) against log(households), overall (everything but generating) and
for the sweep stage. Stages stream: the client loads and sends a road area's
graph ("graphs") while the workers build matrices and sweep the communes
already sent; "matrices" is client time spent on matrices (none since they
are built on the workers: kept in the table to show it) and "sweep" client
time spent waiting for results; each stage's peak is the largest sample taken
while the client was in that stage.
Also prints the mean worker-seconds per simulated campaign (sweep wall time ×
workers ÷ tasks), the number a cluster plan needs (docs/scale.md).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import tempfile
import threading
import time
from pathlib import Path

STAGES = ("generate", "scenarios", "cluster", "graphs", "matrices", "sweep", "summary")


class Meter:
    """Wall time and peak RSS (client, workers) per stage, sampled in a thread."""

    def __init__(self, interval_s: float = 0.2) -> None:
        import psutil

        self.proc = psutil.Process()
        self.stage = "generate"
        self.since = time.perf_counter()
        self.seconds = dict.fromkeys(STAGES, 0.0)
        self.client = dict.fromkeys(STAGES, 0)
        self.workers = dict.fromkeys(STAGES, 0)
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        client = self.proc.memory_info().rss
        workers = 0
        for child in self.proc.children(recursive=True):
            try:
                workers += child.memory_info().rss
            except psutil.Error:
                pass
        with self._lock:
            s = self.stage
            self.client[s] = max(self.client[s], client)
            self.workers[s] = max(self.workers[s], workers)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._sample()

    def __call__(self, stage: str) -> None:
        """Enter ``stage`` (the ``on_stage`` callback)."""
        self._sample()
        now = time.perf_counter()
        with self._lock:
            self.seconds[self.stage] += now - self.since
            self.stage, self.since = stage, now

    def stop(self) -> None:
        self("summary")  # closes the running stage; the summary stage is already closed
        self._stop.set()
        self._thread.join()


def _compute_seconds(dask_scheduler) -> dict[str, tuple[float, int]]:
    """On the scheduler: task prefix → (compute seconds summed over its
    finished tasks, how many tasks reached memory)."""
    return {name: (tp.all_durations.get("compute", 0.0), tp.state_counts.get("memory", 0))
            for name, tp in dask_scheduler.task_prefixes.items()}


def worker_seconds(client) -> tuple[tuple[float, int], tuple[float, int]]:
    """(seconds, tasks) of the workers' compute on workspaces (matrices) and
    on simulations, as the scheduler counted them."""
    by_prefix = client.run_on_scheduler(_compute_seconds)

    def total(word: str) -> tuple[float, int]:
        got = [v for k, v in by_prefix.items() if k.startswith(word)]
        return sum(g[0] for g in got), sum(g[1] for g in got)

    return total("workspace_task"), total("simulate_task")


def cpu_seconds(proc) -> tuple[float, float]:
    """CPU seconds (user + system) of the process ``proc`` and of its live
    children (the Dask workers)."""
    import psutil

    own = proc.cpu_times()
    kids = 0.0
    for child in proc.children(recursive=True):
        try:
            t = child.cpu_times()
            kids += t.user + t.system
        except psutil.Error:
            pass
    return own.user + own.system, kids


def slope(xs: list[float], ys: list[float]) -> float | None:
    """Least-squares slope of log(ys) against log(xs); None with fewer than 2 points."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx else None


def main() -> None:
    from benchmarks.generated_province import write_province
    from planner.app.staffing import run_province_staffing
    from planner.app.staffing import team_counts as parse_team_counts
    from planner.campaign.chart import province_totals
    from planner.campaign.staffing import StaffingParams
    from planner.campaign.sweep import dask_client

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000,20000,50000",
                    help="households of each province, comma-separated")
    ap.add_argument("--runs", type=int, default=10, help="Monte Carlo runs per team count")
    ap.add_argument("--teams", default="1-6", help="team counts (6 levels by default)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--time-limit", type=float, default=0.1)
    ap.add_argument("--wet-days", type=float, default=0.2)
    ap.add_argument("--fidelity", choices=("full", "sweep"), default="sweep",
                    help="the simulated days' planning (plan.py staffing --fidelity); sweep: "
                         "the cheaper day search, calibrated in docs/benchmarks.md")
    ap.add_argument("--keep", type=Path, default=None,
                    help="keep the generated provinces and outputs in this folder")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    counts = parse_team_counts(args.teams)
    params = StaffingParams(runs=args.runs, wet_day_p=args.wet_days,
                            time_limit_s=args.time_limit, seed=1, fidelity=args.fidelity)
    print(f"scale benchmark · GENERATED provinces (fictional) · sizes {sizes} · teams "
          f"{args.teams} × {args.runs} runs per commune · solver {args.time_limit} s/day · "
          f"wet days {args.wet_days:.0%} · fidelity {args.fidelity} · not at home: presence "
          f"model · LocalCluster {args.workers} workers · python "
          f"{platform.python_version()} · {os.cpu_count()} cores")
    base = args.keep or Path(tempfile.mkdtemp(prefix="scale-"))
    measured = []
    for n in sizes:
        folder = base / f"province-{n}"
        meter = Meter()
        t0 = time.perf_counter()
        write_province(folder, households=n)
        meter("cluster")
        cpu0 = cpu_seconds(meter.proc)
        with dask_client(workers=args.workers) as client:  # a LocalCluster
            meter("scenarios")
            run = run_province_staffing(folder, counts, params, base / f"out-{n}",
                                        scheduler=client.scheduler.address, on_stage=meter)
            meter.stop()
            wall = time.perf_counter() - t0
            (ws_s, ws_n), (sim_s, sim_n) = worker_seconds(client)
            cpu1 = cpu_seconds(meter.proc)
        tasks = len(run.results)
        totals = province_totals(run.rows)
        areas = len(run.province.areas)
        print("")
        print(f"{n} households · {totals['communes']} communes in {areas} road areas · "
              f"{tasks} simulated campaigns · teams needed {totals['teams']} · officer-days "
              f"{totals['officer_days']:.0f} · communes short {totals['short']}")
        print(f"  {'stage':<10} {'seconds':>8} {'client MB':>10} {'workers MB':>11}")
        for s in STAGES:
            print(f"  {s:<10} {meter.seconds[s]:>8.1f} {meter.client[s] / 2**20:>10.0f} "
                  f"{meter.workers[s] / 2**20:>11.0f}")
        peak = max(meter.client[s] + meter.workers[s] for s in STAGES)
        print(f"  {'total':<10} {wall:>8.1f}   peak client + workers {peak / 2**20:.0f} MB")
        print(f"  client time on matrices {meter.seconds['matrices']:.1f} s "
              f"({meter.seconds['matrices'] / wall:.0%} of the total); workers' compute "
              f"(wall on the workers, from the scheduler): "
              f"matrices {ws_s:.1f} s ({ws_n} workspaces, {ws_s / max(ws_n, 1):.2f} s each), "
              f"simulations {sim_s:.1f} s ({sim_n} tasks, {sim_s / max(sim_n, 1):.2f} s each)")
        print(f"  CPU seconds from the cluster's start: client {cpu1[0] - cpu0[0]:.1f}, "
              f"workers {cpu1[1]:.1f}")
        per_task = meter.seconds["sweep"] * args.workers / tasks if tasks else 0.0
        print(f"  worker-seconds per simulated campaign (sweep wall × workers ÷ tasks): "
              f"{per_task:.2f}")
        measured.append((n, wall - meter.seconds["generate"],
                         meter.seconds["sweep"] + meter.seconds["matrices"], per_task, tasks))
    print("")
    xs = [m[0] for m in measured]
    overall = slope(xs, [m[1] for m in measured])
    sweep = slope(xs, [m[2] for m in measured])
    print(f"growth exponent (slope of log time vs log households, {len(xs)} sizes): "
          f"overall (without generating) {'n/a' if overall is None else f'{overall:.2f}'}, "
          f"sweep (matrices + sweep stages) {'n/a' if sweep is None else f'{sweep:.2f}'}"
          f"   target ≤ 1.2")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if args.keep is None:
        import shutil

        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
