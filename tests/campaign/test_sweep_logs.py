"""Dask's own log lines (a worker slow to stop, a lost connection) go to the
planner's log file, never to the terminal of ``plan.py staffing``."""

from __future__ import annotations

import logging
from pathlib import Path

from planner.app.logs import capture_warnings
from planner.campaign.sweep import dask_client


def _double(x: int) -> int:
    return 2 * x


def test_dask_warnings_go_to_the_log_not_the_terminal(tmp_path: Path, capfd) -> None:
    """With a real one-worker local cluster: a warning of Dask's nanny (as
    "Worker process still alive after 4.0 seconds, killing", seen on a busy
    machine) is written to $PLANNER_LOG's file and nothing of Dask reaches
    stderr or stdout; the cluster still computes."""
    log = tmp_path / "planner.log"
    capture_warnings(str(log))
    try:
        with dask_client(workers=1) as client:
            logging.getLogger("distributed.nanny").warning(
                "Worker process still alive after 4.0 seconds, killing")
            assert client.submit(_double, 21).result() == 42
    finally:
        capture_warnings("")
    out, err = capfd.readouterr()
    assert "still alive" not in err + out and "distributed" not in err + out
    assert "distributed.nanny: Worker process still alive" in log.read_text(encoding="utf-8")
