"""``plan.py day`` and ``plan.py demo`` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli

OK = Path(__file__).parent / "data" / "scenarios" / "ok_small"


def test_day_writes_plan_and_summary(tmp_path: Path) -> None:
    """``day`` writes plan.json with the documented keys and prints a summary per team."""
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["day", str(OK), "--out", str(out), "--time-limit", "1"])
    assert result.exit_code == 0, result.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["date"] == "2026-11-24"
    route = plan["routes"][0]
    assert {"team", "distance_m", "duration_s", "stops"} <= set(route)
    assert route["stops"][0]["kind"] == "start" and route["stops"][-1]["kind"] == "end"
    for stop in route["stops"]:
        assert {"kind", "household", "arrive", "depart", "lon", "lat"} <= set(stop)
    assert all({"household", "reason"} <= set(u) for u in plan["unserved"])
    assert "T1" in result.output and "visits" in result.output
    # no names in plan.json
    assert "Lò Thị Mỷ" not in (out / "plan.json").read_text(encoding="utf-8")


def test_refuses_to_overwrite_without_flag(tmp_path: Path) -> None:
    """A non-empty output folder is kept unless --overwrite is given."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("officer's notes", encoding="utf-8")
    result = CliRunner().invoke(cli, ["day", str(OK), "--out", str(out), "--time-limit", "1"])
    assert result.exit_code == 2
    assert "--overwrite" in result.output
    assert (out / "keep.txt").read_text(encoding="utf-8") == "officer's notes"
    assert not (out / "plan.json").exists()
    result = CliRunner().invoke(cli, ["day", str(OK), "--out", str(out), "--time-limit", "1",
                                      "--overwrite"])
    assert result.exit_code == 0, result.output
    assert (out / "plan.json").exists()


def test_date_option_sets_the_plan_date(tmp_path: Path) -> None:
    """``--date`` plans another day than the scenario's."""
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["day", str(OK), "--out", str(out), "--time-limit", "1",
                                      "--date", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "plan.json").read_text(encoding="utf-8"))["date"] == "2026-12-01"


def test_bad_scenario_writes_nothing(tmp_path: Path) -> None:
    """A broken scenario exits 2 and leaves no output folder behind."""
    broken = OK.parent / "broken" / "unknown_condition"
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["day", str(broken), "--out", str(out)])
    assert result.exit_code == 2
    assert not out.exists() or not any(out.iterdir())


def test_help_lists_commands() -> None:
    """``--help`` lists the subcommands with one line each."""
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("check", "day", "demo"):
        assert name in result.output
