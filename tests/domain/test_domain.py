"""The domain model's own checks."""

from __future__ import annotations

import dataclasses

import pytest

from planner.domain import Parameters, Window
from planner.errors import InputError, Problem


def test_window_rejects_end_before_start() -> None:
    """A window must start before it ends."""
    with pytest.raises(ValueError):
        Window(10, 5)
    w = Window(3600, 7200)
    assert w.length_s == 3600 and w.contains(3600, 7200) and not w.contains(0, 7200)


def test_dataclasses_are_frozen() -> None:
    """Domain objects cannot be changed after they are made."""
    w = Window(0, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        w.start_s = 2  # type: ignore[misc]


def test_service_time_by_condition() -> None:
    """Bedridden residents take longest, able ones shortest."""
    p = Parameters()
    assert p.service_for("bedridden") > p.service_for("elderly") > p.service_for("able")


def test_problem_message_shape() -> None:
    """A problem reads file › where › what › fix; an input error exits 2."""
    p = Problem("households.csv", "row 3, field lon", "not a number", "give a number")
    assert str(p) == "households.csv › row 3, field lon › not a number › give a number"
    assert InputError([p]).exit_code == 2
