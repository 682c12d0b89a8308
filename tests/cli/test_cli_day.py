"""``plan.py day`` and ``plan.py demo`` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli

OK = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"


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
    assert "T1" in result.stdout and "hộ làm tại nhà" in result.stdout  # Vietnamese by default
    assert "visits" not in result.stdout and "wrote" not in result.stdout
    assert "đã ghi" in result.stdout
    # every stop reached from another place carries its leg's road geometry (a
    # visit right after a lunch taken at its door was reached by the lunch stop)
    for stop in route["stops"][1:]:
        if stop["kind"] in ("visit", "end", "break") and stop["travel_m"] > 0:
            assert stop["leg"] and all(len(leg["coords"]) >= 2 for leg in stop["leg"])
    assert len(plan["id"]) == 16
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


def test_day_in_english_with_plurals_and_progress(tmp_path: Path) -> None:
    """``--lang en``: the summary is English with singular and plural right
    ("1 visit" / "2 visits"); progress lines for each stage go to stderr."""
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["day", str(OK), "--out", str(out), "--time-limit", "1",
                                      "--lang", "en"])
    assert result.exit_code == 0, result.output
    summary = [line for line in result.stdout.splitlines() if line.startswith("T1 ")][0]
    visits = sum(1 for r in json.loads((out / "plan.json").read_text(encoding="utf-8"))["routes"]
                 for s in r["stops"] if s["kind"] == "visit")
    assert f"{visits} visit{'s' if visits != 1 else ''}," in summary
    for stage in ("Reading the scenario", "Reading the road network", "Computing travel times",
                  "Solving the routes (time limit 1 s)", "Drawing the map"):
        assert stage in result.stderr, stage
    assert "Reading" not in result.stdout


def test_plural_forms() -> None:
    """English chooses singular or plural by the count; Vietnamese has one form."""
    from planner.render.i18n import ngettext_for

    en, vi = ngettext_for("en"), ngettext_for("vi")
    assert en("{n} visit", "{n} visits", 1).format(n=1) == "1 visit"
    assert en("{n} visit", "{n} visits", 2).format(n=2) == "2 visits"
    assert vi("{n} visit", "{n} visits", 1).format(n=1) == "1 hộ làm tại nhà"
    assert vi("{n} visit", "{n} visits", 5).format(n=5) == "5 hộ làm tại nhà"


def test_render_reproduces_the_day_byte_for_byte(tmp_path: Path) -> None:
    """``plan.py render PLAN.json`` writes the same map, itineraries, notices
    and GPX, byte for byte, from plan.json and the scenario it names; with
    ``--lang en`` the documents change language."""
    out, again, english = tmp_path / "out", tmp_path / "again", tmp_path / "en"
    result = CliRunner().invoke(cli, ["day", str(OK), "--out", str(out), "--time-limit", "1"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["render", str(out / "plan.json"), "--out", str(again)])
    assert result.exit_code == 0, result.output
    made = sorted(p.name for p in out.iterdir() if p.name != "plan.json")
    assert {"map.html", "map-T1.html", "route-T1.gpx"} <= set(made)
    assert sorted(p.name for p in again.iterdir()) == made
    for name in made:
        assert (again / name).read_bytes() == (out / name).read_bytes(), name
    result = CliRunner().invoke(cli, ["render", str(out / "plan.json"), "--out", str(english),
                                      "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert 'lang="en"' in (english / "map.html").read_text(encoding="utf-8")


def test_render_refuses_a_plan_without_legs_or_scenario(tmp_path: Path) -> None:
    """A plan.json without leg geometry, or whose scenario cannot be found,
    is refused with exit 2 and a message naming the file and the fix."""
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["day", str(OK), "--out", str(out), "--time-limit", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    for route in data["routes"]:
        for stop in route["stops"]:
            stop.pop("leg", None)
    bare = tmp_path / "bare" / "plan.json"
    bare.parent.mkdir()
    bare.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(bare), "--scenario", str(OK),
                                      "--out", str(tmp_path / "r1"), "--lang", "en"])
    assert result.exit_code == 2
    assert "no road geometry" in result.output and "plan the day again" in result.output
    assert str(bare) in result.output
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    del data["scenario_file"]
    bare.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(bare), "--out", str(tmp_path / "r2")])
    assert result.exit_code == 2 and "--scenario" in result.output
    assert "Traceback" not in result.output
    (tmp_path / "junk.json").write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(tmp_path / "junk.json")])
    assert result.exit_code == 2 and "junk.json" in result.output
