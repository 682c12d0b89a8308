"""Campaign days drawn by a pool of processes (``planner.app.outputs.draw_days``)
are the same files, byte for byte, as the days drawn one after the other."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.app.outputs import draw_workers, render_days
from planner.state.store import run_campaign

SMALL = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def two_days(tmp_path_factory):
    """The small scenario's campaign (two working days with visits), planned once."""
    out = tmp_path_factory.mktemp("parallel") / "campaign"
    run = run_campaign(SMALL / "scenario.yaml", out, deadline=dt.date(2026, 11, 27),
                       time_limit_s=0.2, now=NOW)
    assert len(run.result.days) == 2
    return run


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_parallel_drawing_writes_the_same_bytes(two_days, tmp_path):
    """Two processes draw the same files with the same bytes as one process,
    and return the same paths in the same order (relative to their folder)."""
    serial = render_days(two_days.result.days, tmp_path / "serial", workers=1,
                         table=two_days.speed_table)
    parallel = render_days(two_days.result.days, tmp_path / "parallel", workers=2,
                           table=two_days.speed_table)
    assert [p.relative_to(tmp_path / "serial") for p in serial] == \
        [p.relative_to(tmp_path / "parallel") for p in parallel]
    one, two = _files(tmp_path / "serial"), _files(tmp_path / "parallel")
    assert len({name.split("/")[1] for name in one}) == 2  # both days drawn
    assert any(name.endswith(".pdf") for name in one)
    assert one == two


def test_workers_count(monkeypatch):
    """The pool has at most one process per day, at least one; the
    environment variable or the caller sets it, else the number of cores."""
    monkeypatch.delenv("PLANNER_DRAW_WORKERS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert draw_workers(3) == 3 and draw_workers(20) == 8 and draw_workers(0) == 1
    assert draw_workers(5, workers=1) == 1
    monkeypatch.setenv("PLANNER_DRAW_WORKERS", "2")
    assert draw_workers(5) == 2
