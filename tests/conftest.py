"""Shared fixtures: the reference data folder and the bundled demo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the repository.

    Skips the test when it is absent (a fresh machine outside the team's CI),
    but fails when ``REQUIRE_SHARED_DATA=1`` (CI), so that nothing silently skips.
    """
    if not SHARED_DATA.is_dir():
        message = f"reference data not found at {SHARED_DATA} (see ../shared/data/README.md)"
        if os.environ.get("REQUIRE_SHARED_DATA") == "1":
            pytest.fail(message + " and REQUIRE_SHARED_DATA=1")
        pytest.skip(message)
    return SHARED_DATA


DEMO_SCENARIO = ROOT / "scenarios" / "demo" / "scenario.yaml"


@pytest.fixture(scope="session")
def demo_day():
    """The bundled demo planned once per test session with its own settings:
    ``(scenario, graph, plan, matrices, problem)``."""
    from planner.day.plan import plan_day
    from planner.roads.io import load_graph
    from planner.scenario import load_scenario

    scenario, _ = load_scenario(DEMO_SCENARIO)
    G = load_graph(scenario.roads)
    plan, matrices, problem = plan_day(scenario, G)
    return scenario, G, plan, matrices, problem
