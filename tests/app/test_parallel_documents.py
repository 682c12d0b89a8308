"""A day's documents drawn by a pool of forked processes
(``planner.app.outputs.draw_outputs``) are the same files, byte for byte and
in the same order, as drawn one after the other (``render_all``), and the
documents drawn on the planning's road graph (``share_road_graph``) are the
same as those drawn on the graph read again from its file."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from planner.app import outputs
from planner.app.day import DayRequest, plan_day
from planner.app.outputs import draw_outputs
from planner.planfile import read_plan
from planner.render import day_outputs, geometry, render_all
from planner.scenario import load_scenario

SMALL = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"


@pytest.fixture(scope="module")
def small_day(tmp_path_factory):
    """The small scenario's day planned by the ``day`` job (a short search),
    its documents drawn in parallel on the planning's graph."""
    out = tmp_path_factory.mktemp("day") / "out"
    result = plan_day(DayRequest(SMALL / "scenario.yaml", out, time_limit_s=0.2))
    return out, result


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "plan.json"}


def test_parallel_documents_are_the_serial_bytes(small_day, tmp_path, monkeypatch):
    """Two drawing processes write the same files with the same bytes as one,
    return the same paths in the same order, and match the files the ``day``
    job wrote; the serial drawing reads the road graph from its file."""
    out, result = small_day
    plan, _raw = read_plan(out / "plan.json")
    scenario, _ = load_scenario(SMALL / "scenario.yaml")
    todo, no_pdf = day_outputs(plan, scenario, tmp_path / "parallel")
    assert no_pdf == "" and sum(o.cost > 0 for o in todo) >= 2
    pools = []

    def pool(*args, **kwargs):
        pools.append(args)
        return ProcessPoolExecutor(*args, **kwargs)

    monkeypatch.setattr(outputs, "ProcessPoolExecutor", pool)
    # forked even when an earlier test of this process left a thread behind
    monkeypatch.setattr(outputs, "_pool_context", lambda: multiprocessing.get_context("fork"))
    parallel = draw_outputs(todo, workers=2)
    assert pools == [(2,)]  # drawn by two processes indeed
    monkeypatch.setattr(geometry, "_GRAPHS", {})  # the day job's graph forgotten
    serial = render_all(plan, scenario, tmp_path / "serial")
    assert [p.name for p in parallel] == [p.name for p in serial]
    assert [p.name for p in result.written[1:]] == [p.name for p in serial]
    one, two = _files(tmp_path / "serial"), _files(tmp_path / "parallel")
    assert any(name.endswith(".pdf") for name in one) and any(n.endswith(".html") for n in one)
    assert one == two == _files(out)
