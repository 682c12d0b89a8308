"""The web workspace's speed on the demo campaign (target: median ≤ 200 ms per
main page, jobs excluded), and the time from "plan tomorrow" to the map.

Plans the demo campaign once (the first day drawn, as the Start page does),
serves the workspace with uvicorn on a free loopback port, then over real
HTTP: each main page ``--runs`` times (median and 90th percentile), and
``--replans`` times the Tomorrow page's "plan tomorrow" (POST with the CSRF
token, the job polled every 0.2 s as the page does every 1 s, then the
Tomorrow page with its map data); and the Edit page's preview of a move,
the first (the campaign's road graph and matrices read) and the later ones
(kept in memory by ``app.loaded``). Usage::

    python -m benchmarks.workspace [--runs 20] [--replans 1] [--time-limit 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from planner.app.campaign import CampaignRequest, plan_campaign
from planner.app.day import DEMO_SCENARIO
from planner.web.app import create_app

TARGET_S = 0.200
PAGES = ("/", "/c/demo/tomorrow", "/c/demo/edit", "/c/demo/handout", "/c/demo/outcomes",
         "/c/demo/campaign", "/c/demo/check", "/c/demo/basemap.json")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(workspace: Path, time_limit_s: float) -> tuple[uvicorn.Server, str]:
    app = create_app(workspace, time_limit_s=time_limit_s)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def _replan(client: httpx.Client) -> float:
    """Seconds from pressing "plan tomorrow" to the Tomorrow page with the map."""
    html = client.get("/c/demo/tomorrow").text
    token = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    started = time.perf_counter()
    response = client.post("/c/demo/tomorrow", data={"csrf": token})
    job = response.headers["location"].rsplit("/", 1)[1]
    while True:
        state = client.get(f"/jobs/{job}/state").json()
        if state["state"] != "running":
            break
        time.sleep(0.2)
    if state["state"] != "done":
        raise SystemExit(f"the job ended {state['state']}: {state['result']}")
    page = client.get("/c/demo/tomorrow").text
    assert 'id="day-data"' in page
    return time.perf_counter() - started


def _previews(client: httpx.Client, workspace: Path, runs: int) -> tuple[float, list[float]]:
    """Seconds of the Edit page's preview of a move (the first day's first
    home visit to another team; nothing written): the first (the campaign's
    graph and matrices read) and ``runs`` more (kept in memory)."""
    day = sorted(p.name for p in (workspace / "demo" / "days").iterdir())[0]
    plan = json.loads((workspace / "demo" / "days" / day / "plan.json").read_text("utf-8"))
    teams = sorted({r["team"] for r in plan["routes"]})
    team, household = next((r["team"], s["household"]) for r in plan["routes"]
                           for s in r["stops"] if s["kind"] == "visit")
    other = next(t for t in teams if t != team)
    html = client.get(f"/c/demo/edit?day={day}&household={household}").text
    token = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    form = {"csrf": token, "day": day, "action": "move", "household": household,
            "team": other, "to_date": day}
    times = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        client.post("/c/demo/edit/preview", data=form).raise_for_status()
        times.append(time.perf_counter() - t0)
    return times[0], sorted(times[1:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--replans", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=1.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp)
        started = time.perf_counter()
        plan_campaign(CampaignRequest(DEMO_SCENARIO, workspace / "demo",
                                      time_limit_s=args.time_limit, draw="first"))
        setup_s = time.perf_counter() - started
        server, base = _serve(workspace, args.time_limit)
        rows = []
        with httpx.Client(base_url=base, follow_redirects=False, timeout=600) as client:
            client.get("/")  # the session cookie
            for path in PAGES:
                first = time.perf_counter()
                client.get(path).raise_for_status()
                first_s = time.perf_counter() - first
                times = []
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    client.get(path).raise_for_status()
                    times.append(time.perf_counter() - t0)
                times.sort()
                rows.append((path, first_s, statistics.median(times),
                             times[int(0.9 * (len(times) - 1))]))
            preview_first, previews = _previews(client, workspace, max(3, args.runs // 4))
            replans = [_replan(client) for _ in range(args.replans)]
        server.should_exit = True
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}")
    print(f"demo campaign planned in {setup_s:.1f} s (not counted); {args.runs} requests "
          f"per page after the first")
    print(f"{'page':<22} {'first ms':>9} {'median ms':>10} {'p90 ms':>7}")
    for path, first_s, median_s, p90_s in rows:
        print(f"{path:<22} {1000 * first_s:9.0f} {1000 * median_s:10.1f} {1000 * p90_s:7.1f}")
    worst = max(r[2] for r in rows)
    verdict = "ok" if worst <= TARGET_S else "TOO SLOW"
    print(f"worst median {1000 * worst:.1f} ms, target ≤ {1000 * TARGET_S:.0f} ms: {verdict}")
    print(f"Edit preview of a move: first {1000 * preview_first:.0f} ms (graph and matrices "
          f"read), then median {1000 * statistics.median(previews):.0f} ms of {len(previews)} "
          "(kept in memory)")
    print("plan tomorrow → map (s): " + ", ".join(f"{s:.1f}" for s in replans)
          + f" (solver limit {args.time_limit:g} s per day, every re-planned day drawn)")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())
