"""Shared fixtures: the reference data folder and the bundled demo."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent

# tests mirror the package (tests/day/, tests/campaign/, …) and share small
# helpers by importing each other's modules (``from test_reasons import _road``):
# every folder of tests is importable whichever folder pytest collects first
sys.path[:0] = [str(d) for d in sorted(TESTS.iterdir())
                if d.is_dir() and any(d.glob("test_*.py")) and str(d) not in sys.path]
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session", autouse=True)
def graph_cache_dir(tmp_path_factory) -> Path:
    """Road-graph caches (``planner.roads.cache``) of this session go in a
    temporary folder, never in the repository's ``maps/``."""
    folder = tmp_path_factory.mktemp("graph-cache")
    os.environ["PLANNER_GRAPH_CACHE_DIR"] = str(folder)
    return folder


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
