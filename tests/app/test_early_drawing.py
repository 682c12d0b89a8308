"""A drawing process started before the plan (``planner.app.drawing``) draws
the same files, byte for byte and in the same order, as the documents drawn
one after the other in one process (``render_all``); an error of its drawing
is raised in the parent; a drawing process that is gone or absent leaves the
drawing to the parent; and one the parent never asks to draw is ended."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from planner.app import drawing
from planner.app.day import DayRequest, RenderRequest, plan_day, render_plan
from planner.planfile import read_plan
from planner.render import geometry, render_all
from planner.scenario import load_scenario

SMALL = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"


@pytest.fixture()
def forkable(monkeypatch):
    """A drawing process is started even when an earlier test of this
    process left a thread behind (the check is about the web's threads)."""
    monkeypatch.setattr(drawing.threading, "active_count", lambda: 1)
    monkeypatch.delenv(drawing.WORKERS_ENV, raising=False)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "plan.json"}


def test_early_drawing_gives_the_serial_bytes(forkable, tmp_path, monkeypatch):
    """The ``day`` job with a drawing process started before it writes the
    same documents (names, order, bytes) as drawn serially from its
    plan.json on the graph read again; the process is collected at the end;
    the ``render`` job with one draws them again, the same bytes."""
    out = tmp_path / "early"
    with drawing.start_drawer("vi") as drawer:
        assert drawer.running
        pid = drawer.pid
        result = plan_day(DayRequest(SMALL / "scenario.yaml", out, time_limit_s=0.2),
                          drawer=drawer)
        assert not drawer.running  # it drew, answered and was collected
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    plan, _raw = read_plan(out / "plan.json")
    scenario, _ = load_scenario(SMALL / "scenario.yaml")
    monkeypatch.setattr(geometry, "_GRAPHS", {})  # the day job's graph forgotten
    serial = render_all(plan, scenario, tmp_path / "serial")
    assert [p.name for p in result.written] == ["plan.json"] + [p.name for p in serial]
    assert all(p.parent == out for p in result.written)
    one, two = _files(tmp_path / "serial"), _files(out)
    assert any(n.endswith(".pdf") for n in one) and any(n.endswith(".html") for n in one)
    assert one == two
    with drawing.start_drawer("vi") as drawer:  # ``plan.py render`` draws by one too
        again = render_plan(RenderRequest(out / "plan.json", out_dir=tmp_path / "again"),
                            drawer=drawer)
        assert not drawer.running
    assert [p.name for p in again] == [p.name for p in serial]
    assert _files(tmp_path / "again") == one


def test_an_error_of_the_drawing_is_raised_in_the_parent(forkable, tmp_path):
    """A plan.json text the drawing process cannot read: its error (the
    JSON decoder's) is raised by ``draw`` in the parent."""
    scenario, _ = load_scenario(SMALL / "scenario.yaml")
    with drawing.start_drawer("en") as drawer, pytest.raises(json.JSONDecodeError):
        drawer.draw("{not json", scenario, tmp_path, "en", False)


def test_a_lost_drawing_process_leaves_the_drawing_to_the_parent(forkable, tmp_path):
    """A drawing process killed before the plan is ready answers nothing:
    ``draw`` returns None (the caller draws) and the process is collected."""
    scenario, _ = load_scenario(SMALL / "scenario.yaml")
    with drawing.start_drawer("vi") as drawer:
        pid = drawer.pid
        os.kill(pid, signal.SIGKILL)
        assert drawer.draw("{}", scenario, tmp_path, "vi", False) is None
        assert not drawer.running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert list(tmp_path.iterdir()) == []


def test_no_drawing_process_when_told_one_worker(monkeypatch, tmp_path):
    """``PLANNER_DRAW_WORKERS=1`` (draw in this process): no process is
    started, and ``draw`` leaves the drawing to the caller."""
    monkeypatch.setenv(drawing.WORKERS_ENV, "1")
    scenario, _ = load_scenario(SMALL / "scenario.yaml")
    with drawing.start_drawer("vi") as drawer:
        assert not drawer.running
        drawer.prepare(scenario)  # nothing to tell
        assert drawer.draw("{}", scenario, tmp_path, "vi", False) is None


def test_a_drawing_process_never_asked_is_ended(forkable):
    """Leaving the drawer without a drawing (the job failed before its
    plan) ends the process at once, while it may still be loading its
    libraries, and collects it."""
    with drawing.start_drawer("vi") as drawer:
        pid = drawer.pid
        assert drawer.running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
