"""A job's progress in steps: a message with ``n`` (or ``done``) and
``total`` is a step told to ``on_step`` (the web page's progress bar); other
messages are not; ``fraction`` follows."""

from __future__ import annotations

from planner.app.progress import Progress
from planner.render.i18n import N_


def test_a_day_counted_message_is_a_step() -> None:
    """``Day 2/5`` tells (2, 5) and the fraction 0.4; a message without a
    total tells no step; ``step`` tells one directly."""
    steps: list[tuple[int, int]] = []
    lines: list[str] = []
    progress = Progress("en", echo=lines.append, on_step=lambda d, t: steps.append((d, t)))
    assert progress.fraction() is None
    progress.say(N_("Reading the scenario…"))
    progress.say(N_("Computing travel times between {n} places…"), n=40)
    assert steps == [] and len(lines) == 2
    progress.say(N_("Day {n}/{total}: {date} planned, {served} served (solver limit {limit:g} s "
                    "a day)"), n=2, total=5, date="2026-11-25", served=7, limit=1.0)
    assert steps == [(2, 5)] and progress.fraction() == 0.4
    progress.step(5, 5)
    assert steps[-1] == (5, 5) and progress.fraction() == 1.0
    assert "Day 2/5" in lines[-1]
