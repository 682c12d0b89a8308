"""The job page's progress bar: a job's percent is its steps done of the
total while it runs, 100 once done, and stays where it was when cancelled or
failed (never a full bar for a job that did not finish)."""

from __future__ import annotations

from pathlib import Path

from planner.web.jobs import Job, JobSpec


def test_percent_follows_the_steps_and_the_end(tmp_path: Path) -> None:
    """No step yet: None (the bar runs without a value); 3 of 8 days: 38 %;
    done: 100 %; cancelled at 3 of 8: still 38 %, and the view says so."""
    job = Job("a1", JobSpec("tomorrow", tmp_path))
    assert job.percent() is None and job.view()["percent"] is None
    job.done, job.total = 3, 8
    assert job.percent() == 38
    job.state = "cancelled"
    assert job.percent() == 38
    view = job.view()
    assert (view["done"], view["total"], view["percent"]) == (3, 8, 38)
    job.state = "done"
    assert job.percent() == 100
