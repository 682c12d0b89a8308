"""A province staffing sweep computes each commune's matrices on the Dask
workers (planner/campaign/sweep.py ``OnWorker``, planner/campaign/province.py
``province_builds``): each road area's graph is sent to the workers once, and
the outputs equal those of the client-side path (the client computing every
workspace and scattering it)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

COUNTS = [1, 2]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """A GENERATED province: 2 road areas × 2 communes of 3 households."""
    from benchmarks.generated_province import write_province

    folder = tmp_path_factory.mktemp("tiny-province")
    write_province(folder, households=12, commune_households=3, area_communes=2,
                   cell_km=2.0)
    return folder


@pytest.fixture(scope="module")
def client():
    """One local Dask worker process (one thread) for every test here."""
    from planner.campaign.sweep import dask_client

    with dask_client(workers=1) as c:
        yield c


def _client_side_csv(province_path: Path, client, params) -> str:
    """province.csv as the sweep made it before: the client loads each area's
    graph, computes every commune's workspace and scatters it."""
    from planner.campaign.calendar import Calendar
    from planner.campaign.chart import province_csv
    from planner.campaign.province import (
        load_province,
        province_deadlines,
        province_rows,
        province_workspaces,
    )
    from planner.campaign.staffing import staffing_teams, summarise
    from planner.campaign.sweep import stream_tasks, sweep_tasks
    from planner.speeds import campaign_seasons, load_speed_table

    province = load_province(province_path)
    table = load_speed_table()
    deadlines = province_deadlines(province, None)
    calendars = {}

    def seasons(scenario):
        return campaign_seasons(table, scenario.parameters.season, params.wet_day_p > 0)

    def jobs():
        for _area, c, ws in province_workspaces(province, seasons, table):
            ws = replace(ws, scenario=replace(ws.scenario, name=c.id))
            for k in COUNTS:
                calendars[(c.id, k)] = Calendar.of(ws.scenario, staffing_teams(ws.scenario, k))
            yield c.id, ws, sweep_tasks(COUNTS, params, None, c.id)

    out = stream_tasks(client, jobs())
    by_commune = {c.id: summarise(out[c.id], calendars, deadlines[c.id], params.max_days)
                  for c in province.communes}
    return province_csv(province_rows(province, by_commune, deadlines))


def _count_loads_and_scatters(monkeypatch: pytest.MonkeyPatch
                              ) -> tuple[list[str], list[tuple[str, bool]]]:
    """Record every road graph the province code loads (its name) and every
    value the client scatters (its type, broadcast or not), failing at once if
    a workspace is scattered; undone by ``monkeypatch.undo()``."""
    import distributed

    import planner.campaign.province as province_mod
    from planner.campaign.workspace import Workspace

    loads: list[str] = []
    scattered: list[tuple[str, bool]] = []
    real_load, real_scatter = province_mod.load_graph, distributed.Client.scatter

    def counting_load(name, *args, **kwargs):
        loads.append(str(name))
        return real_load(name, *args, **kwargs)

    def counting_scatter(self, data, *args, **kwargs):
        scattered.append((type(data).__name__, bool(kwargs.get("broadcast"))))
        assert not isinstance(data, Workspace), "a workspace went through the client"
        return real_scatter(self, data, *args, **kwargs)

    monkeypatch.setattr(province_mod, "load_graph", counting_load)
    monkeypatch.setattr(distributed.Client, "scatter", counting_scatter)
    return loads, scattered


def test_matrices_on_workers_give_the_client_side_tables_and_send_each_graph_once(
        tiny: Path, client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`run_province_staffing` on the cluster (runs 1, 0.05 s per day, 1 worker):
    province.csv is byte for byte the client-side path's; each of the 2 road
    areas' graphs is loaded once and scattered once (broadcast), and nothing
    else is scattered (no workspace passes through the client)."""

    from planner.app.staffing import run_province_staffing
    from planner.campaign.staffing import StaffingParams

    params = StaffingParams(runs=1, time_limit_s=0.05, seed=4)
    loads, scattered = _count_loads_and_scatters(monkeypatch)
    stages: list[str] = []
    run = run_province_staffing(tiny, COUNTS, params, tmp_path / "out",
                                scheduler=client.scheduler.address, on_stage=stages.append)
    monkeypatch.undo()

    areas = run.province.areas
    assert [len(a.communes) for a in areas] == [2, 2]
    assert sorted(loads) == sorted(a.roads for a in areas)  # one load per road area
    assert scattered == [("MultiDiGraph", True)] * 2  # one broadcast per road area
    assert "matrices" not in stages and stages.count("graphs") == 2
    assert len(run.results) == 4 * len(COUNTS)
    worker_csv = (tmp_path / "out" / "province.csv").read_text(encoding="utf-8")
    assert worker_csv == _client_side_csv(tiny, client, params)
    assert worker_csv.count("\n") == 1 + 4


def test_province_campaign_builds_workspaces_on_the_workers(
        tiny: Path, client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`campaign PROVINCE` (``run_province_campaign``, 0.05 s a day, 1 worker)
    builds each commune's matrices on the workers: each road area's graph is
    loaded and broadcast once, no workspace passes through the client, and
    every commune's campaign equals the one planned from the client-side
    workspace (``province_workspaces``, the path used before): the same days,
    assignments and households left out."""
    import datetime as dt

    from planner.campaign.province import load_province, province_deadlines, province_workspaces
    from planner.campaign.sweep import campaign_tasks
    from planner.speeds import load_speed_table
    from planner.state.store import run_province_campaign

    start = dt.date(2027, 3, 1)
    loads, scattered = _count_loads_and_scatters(monkeypatch)
    run = run_province_campaign(tiny, tmp_path / "out", start=start, time_limit_s=0.05,
                                seed=3, scheduler=client.scheduler.address,
                                now=dt.datetime(2027, 2, 28, 12, tzinfo=dt.UTC))
    monkeypatch.undo()

    areas = run.province.areas
    assert sorted(loads) == sorted(a.roads for a in areas)  # one load per road area
    assert scattered == [("MultiDiGraph", True)] * len(areas)
    table = load_speed_table()
    province = load_province(tiny)
    deadlines = province_deadlines(province, None)
    for _area, c, ws in province_workspaces(province, None, table):
        (task, args), = campaign_tasks(start, deadlines[c.id], 0.05, 3)
        before, now = task(ws, *args), run.results[c.id]
        assert now.assignment, c.id  # something was planned
        assert (now.assignment, now.days, now.cannot_serve, now.not_planned) == \
            (before.assignment, before.days, before.cannot_serve, before.not_planned), c.id
