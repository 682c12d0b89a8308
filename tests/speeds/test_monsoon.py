"""A new season is one more table of the speed table, end to end: a scenario
with ``season: monsoon`` and ``speeds:`` naming a copy of maps/speeds.toml with
a ``[seasons.monsoon]`` table is planned on monsoon travel times by ``day``,
``campaign``, ``tomorrow`` and ``staffing`` (real solves on the demo's road
graph, short limits)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from planner.campaign.workspace import campaign_sites
from planner.cli import cli
from planner.matrix import travel_matrices
from planner.roads.io import load_graph
from planner.scenario import load_scenario_and_speeds
from planner.speeds import DEFAULT_TABLE, rain_season, season_of_day

OK_SMALL = Path(__file__).resolve().parent.parent / "data" / "scenarios" / "ok_small"

#: test data: every speed of every profile at half its dry value, nothing closed
MONSOON = """
[seasons.monsoon]
closes = []
motorbike.unpaved_factor = 0.5
motorbike.paved_factor = 0.5
walk.unpaved_factor = 0.5
walk.paved_factor = 0.5
car.unpaved_factor = 0.5
car.paved_factor = 0.5
"""


@pytest.fixture(scope="module")
def monsoon(tmp_path_factory) -> dict:
    """The small scenario in the monsoon, with its own speed table (a copy of
    maps/speeds.toml plus the monsoon), and the matrices of its sites (the
    station, each household, each village's point place) in the monsoon and in
    the dry season."""
    folder = tmp_path_factory.mktemp("monsoon")
    (folder / "speeds.toml").write_text(DEFAULT_TABLE.read_text(encoding="utf-8") + MONSOON,
                                        encoding="utf-8")
    text = (OK_SMALL / "scenario.yaml").read_text(encoding="utf-8")
    assert "season: dry\n" in text
    text = text.replace("season: dry\n", "season: monsoon\nspeeds: speeds.toml\n")
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    (folder / "households.csv").write_bytes((OK_SMALL / "households.csv").read_bytes())
    scenario, _warnings, table = load_scenario_and_speeds(folder / "scenario.yaml")
    G = load_graph(scenario.roads, table=table)
    sites = campaign_sites(scenario)
    p = scenario.parameters

    def matrix(season: str) -> np.ndarray:
        return travel_matrices(G, sites, season, table, p.walk_offroad_m, p.walk_limit_m,
                               p.walk_detour_factor).travel_s

    return {"path": folder / "scenario.yaml", "scenario": scenario, "table": table,
            "row": {c: k for k, c in enumerate(sites)}, "monsoon": matrix("monsoon"),
            "dry": matrix("dry")}


def _legs(routes: list, row: dict) -> list[tuple[int, int, int]]:
    """(from row, to row, travel_s) of every stop reached from another site (a
    lunch break taken at the next site carries the travel there)."""
    out = []
    for route in routes:
        previous = None
        for stop in route["stops"]:
            here = row.get((stop["lon"], stop["lat"]))
            if here is None:
                continue
            if previous is not None and here != previous:
                out.append((previous, here, stop["travel_s"]))
            previous = here
    return out


def _assert_monsoon_legs(routes: list, m: dict) -> None:
    """Every leg's travel time is the monsoon matrix's, and some differ from
    the dry matrix's (the test can tell the seasons apart)."""
    legs = _legs(routes, m["row"])
    assert legs, "no leg was planned"
    assert [t for _a, _b, t in legs] == [int(m["monsoon"][a, b]) for a, b, _t in legs]
    assert any(int(m["dry"][a, b]) != t for a, b, t in legs)


def test_the_monsoon_is_slower_and_the_rule_keeps_it(monsoon):
    """The test table halves every speed; the scenario's season rules every day
    but a rainy one (planned in the table's rain season)."""
    table = monsoon["table"]
    assert monsoon["scenario"].parameters.season == "monsoon"
    reachable = monsoon["dry"] < 10**8
    assert (monsoon["monsoon"][reachable] >= monsoon["dry"][reachable]).all()
    assert (monsoon["monsoon"][reachable] > monsoon["dry"][reachable]).any()
    assert season_of_day(table, "monsoon", False) == "monsoon"
    assert season_of_day(table, "monsoon", True) == rain_season(table) == "wet"
    assert season_of_day(table, "", False) == "dry"


def test_day_plans_the_monsoon_on_monsoon_times(monsoon, tmp_path):
    """``plan.py day``: the plan says monsoon and its legs take the monsoon
    matrix's times."""
    out = tmp_path / "day"
    result = CliRunner().invoke(cli, ["day", str(monsoon["path"]), "--out", str(out),
                                      "--time-limit", "1", "--lang", "en"])
    assert result.exit_code == 0, result.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["season"] == "monsoon"
    _assert_monsoon_legs(plan["routes"], monsoon)


def test_campaign_and_tomorrow_plan_the_monsoon_on_monsoon_times(monsoon, tmp_path):
    """``plan.py campaign`` then ``plan.py tomorrow``: every day planned is in
    the monsoon and its legs take the monsoon matrix's times."""
    out = tmp_path / "campaign"
    result = CliRunner().invoke(cli, ["campaign", str(monsoon["path"]), "--out", str(out),
                                      "--time-limit", "0.5", "--draw", "none", "--lang", "en"])
    assert result.exit_code == 0, result.output
    days = sorted((out / "days").glob("*/plan.json"))
    assert days
    for path in days:
        plan = json.loads(path.read_text(encoding="utf-8"))
        assert plan["season"] == "monsoon", path
        _assert_monsoon_legs(plan["routes"], monsoon)
    first = json.loads(days[0].read_text(encoding="utf-8"))
    result = CliRunner().invoke(cli, ["tomorrow", str(out), "--date", first["date"],
                                      "--time-limit", "0.5", "--lang", "en"])
    assert result.exit_code == 0, result.output
    plan = json.loads((out / "days" / first["date"] / "plan.json").read_text(encoding="utf-8"))
    assert plan["season"] == "monsoon"
    _assert_monsoon_legs(plan["routes"], monsoon)


def test_staffing_simulates_the_monsoon_on_monsoon_times(monsoon, tmp_path, monkeypatch):
    """``plan.py staffing`` with no drawn wet days: its workspace holds the
    monsoon matrix and every simulated day is planned in the monsoon on its
    times (the sweep runs in this process instead of on Dask, so that the days
    can be seen)."""
    from planner.app import staffing as staffing_job
    from planner.campaign import staffing

    seen: dict = {"workspaces": [], "days": []}
    real_plan_campaign = staffing.plan_campaign

    def plan_campaign(*args, **kwargs):
        result = real_plan_campaign(*args, **kwargs)
        seen["days"] += list(result.days)
        return result

    def run_sweep(workspaces, counts, params, start=None, scheduler=None, workers=None,
                  progress=None):
        seen["workspaces"] += list(workspaces.values())
        return [staffing.simulate(ws, k, run, params, start) for ws in workspaces.values()
                for k in counts for run in range(params.runs)]

    monkeypatch.setattr(staffing, "plan_campaign", plan_campaign)
    monkeypatch.setattr(staffing_job, "run_sweep", run_sweep)
    result = CliRunner().invoke(cli, ["staffing", str(monsoon["path"]), "--teams", "1",
                                      "--runs", "1", "--wet-days", "0", "--time-limit", "0.2",
                                      "--max-days", "10", "--out", str(tmp_path / "staffing"),
                                      "--quiet", "--lang", "en"])
    assert result.exit_code == 0, result.output
    (ws,) = seen["workspaces"]
    rows = [ws.row_of[c] for c in monsoon["row"]]
    assert (ws.matrices["monsoon"].travel_s[np.ix_(rows, rows)] == monsoon["monsoon"]).all()
    assert seen["days"]
    for day in seen["days"]:
        assert day.season == "monsoon" and day.plan.season == "monsoon"
        routes = [{"stops": [vars(s) for s in r.stops]} for r in day.plan.routes]
        _assert_monsoon_legs(routes, monsoon)
