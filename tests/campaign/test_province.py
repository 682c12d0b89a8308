"""A province (planner/campaign/province.py): the loader, its validation, and the
staffing sweep of a GENERATED 3-commune province on a real Dask cluster that
loses a worker mid-run."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_campaign_sweep import _stop

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "plan.py"
#: tiny communes, few runs, short limits: the sweep takes seconds
SWEEP = ["--teams", "1-2", "--runs", "2", "--time-limit", "0.1", "--seed", "3",
         "--lang", "en", "--quiet"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A GENERATED province: 3 communes of 10 households, 2 road areas (2 + 1)."""
    from benchmarks.generated_province import write_province

    folder = tmp_path_factory.mktemp("province")
    write_province(folder, households=30, commune_households=10, area_communes=2,
                   cell_km=3.0)
    return folder


def test_generated_province_loads_by_road_area(generated: Path) -> None:
    """province.yaml: a list of 3 communes in 2 road areas, each area's graph
    shared by its communes; everything says it is generated; no warning."""
    from planner.campaign.province import is_province, load_province

    assert is_province(generated) and is_province(generated / "province.yaml")
    p = load_province(generated)
    assert p.fictional and "GENERATED" in (generated / "province.yaml").read_text()
    assert [(a.id, [c.id for c in a.communes]) for a in p.areas] == \
        [("A01/roads", ["C001", "C002"]), ("A02/roads", ["C003"])]
    for a in p.areas:
        assert all(c.scenario.roads == a.roads and c.area_roads for c in a.communes)
        assert all(c.scenario.fictional for c in a.communes)
    assert sum(len(c.scenario.households) for c in p.communes) == 30
    assert not p.warnings
    assert not is_province(generated / "A01" / "C001")


def test_generated_layout_has_mountain_communes_and_road_areas() -> None:
    """The generated province's communes hold 250–350 households and its
    road areas 8–15 communes (one area when there are fewer), summing to
    the households asked for; the same seed gives the same layout."""
    from benchmarks.generated_province import province_layout

    for households in (1000, 5000, 20000, 50000):
        layout = province_layout(households)
        sizes = [n for d in layout for n in d]
        assert sum(sizes) == households
        assert all(250 <= n <= 350 for n in sizes), (households, min(sizes), max(sizes))
        assert all(8 <= len(d) <= 15 for d in layout[:-1])
        assert len(layout) == 1 or 1 <= len(layout[-1]) <= 15
        assert province_layout(households) == layout


def test_plain_folder_groups_communes_by_their_graph(generated: Path, tmp_path: Path) -> None:
    """Without province.yaml, commune folders are grouped by the road graph their
    scenario names."""
    from planner.campaign.province import load_province

    folder = tmp_path / "p"
    shutil.copytree(generated, folder)
    (folder / "province.yaml").unlink()
    p = load_province(folder)
    assert [(a.id, [c.id for c in a.communes]) for a in p.areas] == \
        [("A01/roads", ["C001", "C002"]), ("A02/roads", ["C003"])]


def test_province_problems_are_reported_together(generated: Path, tmp_path: Path) -> None:
    """A missing commune file, a duplicate commune id and a commune whose
    scenario does not load: one message naming each file and entry, exit 2,
    no traceback, nothing written."""
    from planner.cli import cli

    folder = tmp_path / "bad"
    shutil.copytree(generated, folder)
    (folder / "A02" / "C003" / "households.csv").write_text(
        "household_id,village,lon,lat\nX1,V1,not-a-number,21.5\n", encoding="utf-8")
    text = (folder / "province.yaml").read_text()
    line = "  - {id: C002, scenario: A01/C002/scenario.yaml, roads: A01/roads.graphml}"
    text = text.replace(line, line + "\n  - {id: C001, scenario: A01/C002/other.yaml}\n"
                        "  - {id: C009, scenario: A01/C009/scenario.yaml}")
    (folder / "province.yaml").write_text(text)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["staffing", "--lang", "en", str(folder), "--out", str(out),
                                      *SWEEP])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "commune id 'C001' is used twice" in result.output
    assert "C009/scenario.yaml not found" in result.output
    assert "communes[3]" in result.output
    assert "households.csv" in result.output and "commune C003" in result.output
    assert not out.exists() or not any(out.iterdir())
    # `check` reports the same problems, and nothing else
    checked = CliRunner().invoke(cli, ["check", "--lang", "en", str(folder)])
    assert checked.exit_code == 2, checked.output
    assert "Traceback" not in checked.output and "hợp lệ" not in checked.output
    assert "commune id 'C001' is used twice" in checked.output
    assert "C009/scenario.yaml not found" in checked.output


def test_check_a_province(generated: Path) -> None:
    """`plan.py check PROVINCE`: a line per commune and the province's totals,
    in Vietnamese by default and in English."""
    from planner.cli import cli

    vi = CliRunner().invoke(cli, ["check", str(generated)])
    assert vi.exit_code == 0, vi.output
    assert "hợp lệ: tỉnh" in vi.output and "2 vùng bản đồ, 3 xã; " in vi.output
    assert "huyện" not in vi.output
    assert "30 hộ" in vi.output
    en = CliRunner().invoke(cli, ["check", str(generated), "--lang", "en"])
    assert en.exit_code == 0, en.output
    lines = en.output.splitlines()
    assert [line.split(":")[0].strip() for line in lines[:3]] == [
        "A01/roads · C001", "A01/roads · C002", "A02/roads · C003"]
    assert "2 road areas, 3 communes; " in lines[-1] and "30 households" in lines[-1]


# --- a real cluster on loopback -----------------------------------------------------


def _wait_file(path: Path, timeout_s: float) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if path.is_file() and path.stat().st_size:
            return
        time.sleep(0.1)
    raise TimeoutError(f"{path} did not appear")


def _tables(out: Path) -> dict[str, list[list[str]]]:
    return {name: list(csv.reader((out / name).open(encoding="utf-8")))
            for name in ("province.csv", "staffing.csv", "runs.csv")}


def test_province_sweep_survives_a_killed_worker(generated: Path, tmp_path: Path) -> None:
    """`dask scheduler` and two `dask worker` processes on 127.0.0.1; the
    3-commune sweep runs through --scheduler; one worker is SIGKILLed while it
    runs a simulation, after the first results are back; the sweep finishes on
    the other worker and its tables equal those of a local run with the same
    seed. The processes are always stopped."""
    from distributed import Client

    def sim_keys(dask_scheduler) -> dict[str, list[str]]:
        """On the scheduler (pickled by value: a local function): every
        simulation task it holds → the worker processing it."""
        return {str(ts.key): [ts.processing_on.address] if ts.processing_on else []
                for ts in dask_scheduler.tasks.values()
                if str(ts.key).startswith("_simulate_task")}

    dask = Path(sys.executable).parent / "dask"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    info = tmp_path / "scheduler.json"
    procs: list[subprocess.Popen] = []
    workers: dict[str, subprocess.Popen] = {}
    out_cluster, out_local = tmp_path / "cluster", tmp_path / "local"
    try:
        procs.append(subprocess.Popen(
            [str(dask), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(info)], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "scheduler.log", "wb")))
        _wait_file(info, 60)
        address = json.loads(info.read_text())["address"]
        for name in ("w1", "w2"):
            workers[name] = subprocess.Popen(
                [str(dask), "worker", address, "--no-nanny", "--nthreads", "1", "--name", name,
                 "--host", "127.0.0.1", "--no-dashboard", "--death-timeout", "60"],
                cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                stderr=open(tmp_path / f"{name}.log", "wb"))
            procs.append(workers[name])
        with Client(address, timeout=60) as monitor:
            monitor.wait_for_workers(2, timeout=60)
            names = {w["name"]: addr for addr, w in monitor.scheduler_info()["workers"].items()}
            victim = names["w2"]
            run = subprocess.Popen(
                [sys.executable, str(PLAN), "staffing", str(generated), "--scheduler", address,
                 "--out", str(out_cluster), *SWEEP], cwd=tmp_path, env=env,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            procs.append(run)
            seen: set[str] = set()
            killed_while = None
            end = time.monotonic() + 240
            while run.poll() is None and time.monotonic() < end:
                held = monitor.run_on_scheduler(sim_keys)
                seen |= set(held)
                finished = seen - set(held)
                running = [k for k, on in held.items() if victim in on]
                if finished and running:
                    workers["w2"].send_signal(signal.SIGKILL)
                    killed_while = running[0]
                    break
                time.sleep(0.05)
            assert killed_while is not None, "the sweep ended before a worker could be killed"
            stdout, stderr = run.communicate(timeout=240)
            assert run.returncode == 0, stderr.decode()[-3000:]
            assert workers["w2"].wait(timeout=10) == -signal.SIGKILL
            assert list(monitor.scheduler_info()["workers"]) == [names["w1"]]
        assert "Traceback" not in stderr.decode()
        text = stdout.decode()
        assert "C001" in text and "C003" in text and "Total: 3 communes" in text
        local = subprocess.run(
            [sys.executable, str(PLAN), "staffing", str(generated), "--workers", "2",
             "--out", str(out_local), *SWEEP], cwd=tmp_path, env=env, capture_output=True,
            timeout=240)
        assert local.returncode == 0, local.stderr.decode()[-3000:]
    finally:
        for proc in reversed(procs):
            _stop(proc)
    assert all(p.poll() is not None for p in procs)
    cluster, here = _tables(out_cluster), _tables(out_local)
    assert cluster == here
    assert len(cluster["province.csv"]) == 1 + 3
    assert len(cluster["runs.csv"]) == 1 + 3 * 2 * 2
    assert (out_cluster / "province.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_province_campaign_plans_every_commune(generated: Path, tmp_path: Path) -> None:
    """`plan.py campaign PROVINCE`: one Dask task per commune; each commune's
    campaign (campaign.json, day plans, campaign.db) in OUT/<id>/, the map,
    itineraries and GPX of its first day (only), and one province.csv row per
    commune that agrees with it."""
    from planner.cli import cli
    from planner.state import db as state

    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["campaign", str(generated), "--out", str(out),
                                      "--workers", "1", "--time-limit", "0.1", "--lang", "en",
                                      "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Total: 3 communes, 30 households" in result.output
    rows = list(csv.DictReader((out / "province.csv").open(encoding="utf-8")))
    assert [r["commune"] for r in rows] == ["C001", "C002", "C003"]
    assert [r["road_area"] for r in rows] == ["A01/roads", "A01/roads", "A02/roads"]
    for r in rows:
        data = json.loads((out / r["commune"] / "campaign.json").read_text(encoding="utf-8"))
        assert r["completion"] == data["forecast_completion"]
        s = data["summary"]
        assert int(r["unserved"]) == s["cannot_serve"] + s["not_planned"]
        assert int(r["planned"]) == s["planned"]
        assert int(r["planned"]) + int(r["unserved"]) == int(r["residents"])
        assert int(r["officer_days"]) == 3 * 2 * int(r["working_days_used"])
        days = sorted((out / r["commune"] / "days").glob("*/plan.json"))
        assert days
        first = days[0].parent
        assert (first / "map.html").is_file()
        # a team with work that day (an idle one gets its map, no itinerary)
        teams = {route["team"] for route in json.loads(days[0].read_text("utf-8"))["routes"]
                 if len(route["stops"]) > 2}
        assert teams
        for team in teams:
            assert (first / f"itinerary-{team}.pdf").read_bytes()[:5] == b"%PDF-"
            assert (first / f"route-{team}.gpx").is_file()
        for later in days[1:]:
            # (a collection point's notices.pdf is written with the campaign: it goes out ahead)
            drawn = [*later.parent.glob("itinerary-*"), *later.parent.glob("*.html")]
            assert not drawn
        conn = state.open_campaign(out / r["commune"])
        try:
            assert state.meta(conn)["scenario"].endswith(f"{r['commune']}/scenario.yaml")
        finally:
            conn.close()


def test_commune_campaign_of_a_province_keeps_its_area_graph(generated: Path,
                                                            tmp_path: Path) -> None:
    """A commune planned on the `roads:` of its province.yaml entry whose own
    scenario names a graph that does not exist: `record --template` and
    `tomorrow` in OUT/<id>/ still work, on the graph the campaign was planned on."""
    from planner.cli import cli
    from planner.state import db as state

    folder = tmp_path / "prov"
    shutil.copytree(generated, folder)
    own = folder / "A01" / "C001" / "scenario.yaml"
    own.write_text(own.read_text(encoding="utf-8").replace("roads: ../roads.graphml",
                                                           "roads: nowhere.graphml"),
                   encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["campaign", str(folder), "--out", str(out), "--workers",
                                      "1", "--time-limit", "0.1", "--quiet", "--draw", "none"])
    assert result.exit_code == 0, result.output
    commune = out / "C001"
    conn = state.open_campaign(commune)
    try:
        assert state.meta(conn)["roads"] == str((folder / "A01" / "roads.graphml").resolve())
    finally:
        conn.close()
    first = sorted(p.name for p in (commune / "days").iterdir())[0]
    sheet = CliRunner().invoke(cli, ["record", str(commune), "--template", "--date", first])
    assert sheet.exit_code == 0, sheet.output
    after = CliRunner().invoke(cli, ["tomorrow", str(commune), "--time-limit", "0.1",
                                     "--lang", "en"])
    assert after.exit_code == 0, after.output
    assert "nowhere.graphml" not in after.output
    assert list((commune / "days").glob("*/itinerary-*.pdf"))
