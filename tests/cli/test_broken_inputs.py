"""The corpus of broken inputs, through the real CLI: every case exits 2 (input)
or 3 (roads) with one message naming file › row/field › problem › fix, no
traceback, and writes no output.

Cases are files named after their defect:
- ``tests/data/scenarios/broken/*/`` (YAML, households CSV and XLSX), planned
  with ``plan.py day``; each folder's ``expect.txt`` names the file and field;
- ``tests/data/scenarios/broken_roads/*/``: a scenario whose road graph is broken;
- ``tests/data/outcomes/broken/*``: outcomes sheets, imported with ``plan.py record``;
- ``tests/data/roads/broken/*``: OSM files, imported with ``plan.py roads import``.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli

DATA = Path(__file__).resolve().parents[1] / "data"
ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((DATA / "scenarios" / "broken").iterdir())
ROAD_SCENARIOS = sorted((DATA / "scenarios" / "broken_roads").iterdir())
OUTCOMES = sorted((DATA / "outcomes" / "broken").iterdir())
ROADS = sorted((DATA / "roads" / "broken").iterdir())

# outcomes file -> words the message must hold besides the file name
OUTCOME_WHERE = {
    "conflicting_duplicate.csv": "row 3",
    "date_not_a_date.csv": "row 2, field date",
    "empty_file.csv": "empty",
    "missing_outcome_column.csv": "column 'outcome'",
    "not_utf8.csv": "UTF-8",
    "resident_in_other_household.csv": "row 2, field household_id",
    "unknown_outcome.csv": "row 3, field outcome",
    "unknown_resident.csv": "row 3, field resident_id",
    "unknown_team.csv": "row 2, field team",
    "xlsx_not_a_workbook.xlsx": "Excel",
    "date_before_campaign_start.csv": "row 2, field date › 2026-11-01 is before the campaign",
    "date_years_after_today.csv": "row 2, field date › 2091-11-24 is in the future",
    "date_does_not_exist.csv": "row 2, field date › 2026-02-30 does not exist",
    "date_day_first_does_not_exist.csv": "row 2, field date › 2026-11-31 does not exist",
    "enrolled_after_deceased.csv": "row 3, field outcome › resident R1 is recorded as "
                                   "'deceased'",
    "visit_after_moved.csv": "row 3, field outcome › resident R2 is recorded as 'moved'",
    "header_on_row_2.csv": "row 2 › the header",
    "duplicate_outcome_column.csv": "column 6 'Kết quả'",
}


def test_corpus_size() -> None:
    """At least 40 broken inputs across scenarios, tables, outcomes and roads."""
    assert len(SCENARIOS) + len(ROAD_SCENARIOS) + len(OUTCOMES) + len(ROADS) >= 40
    assert {p.name for p in OUTCOMES} == set(OUTCOME_WHERE)


def _check_message(output: str, file_name: str, where: str) -> None:
    assert "Traceback" not in output
    assert file_name in output
    assert where in output
    assert " › " in output


@pytest.mark.parametrize("case", SCENARIOS + ROAD_SCENARIOS, ids=lambda p: p.name)
def test_broken_scenario_plans_nothing(case: Path, tmp_path: Path) -> None:
    """``day`` on a broken scenario exits 2 (3 for its road graph), names file and
    field, and writes no plan. Lines of ``expect.txt`` after the second that
    start with ``!`` are words the message must not hold (a follow-on problem,
    a fix that cannot work)."""
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["day", str(case), "--out", str(out)])
    lines = (case / "expect.txt").read_text(encoding="utf-8").splitlines()
    file_name, where = lines[:2]
    assert result.exit_code == (3 if case.parent.name == "broken_roads" else 2), result.output
    _check_message(result.output, file_name, where)
    for line in lines[2:]:
        if line.startswith("! "):
            assert line[2:] not in result.output, result.output
    assert not out.exists() or not any(out.iterdir())


@pytest.fixture(scope="module")
def ok_campaign(tmp_path_factory) -> Path:
    """A campaign planned from the small valid scenario."""
    out = tmp_path_factory.mktemp("campaign") / "ok_small"
    result = CliRunner().invoke(cli, ["campaign", str(DATA / "scenarios" / "ok_small"),
                                      "--deadline", "2026-11-27", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _state(folder: Path) -> tuple[int, int]:
    with sqlite3.connect(folder / "campaign.db") as conn:
        return (conn.execute("SELECT count(*) FROM outcomes").fetchone()[0],
                conn.execute("SELECT count(*) FROM imports").fetchone()[0])


@pytest.mark.parametrize("case", OUTCOMES, ids=lambda p: p.name)
def test_broken_outcomes_change_nothing(case: Path, ok_campaign: Path, tmp_path: Path) -> None:
    """``record`` refuses a broken outcomes sheet as a whole: exit 2, the row and
    field named, and the campaign state unchanged."""
    campaign = tmp_path / "campaign"
    shutil.copytree(ok_campaign, campaign)
    before = _state(campaign)
    result = CliRunner().invoke(cli, ["record", str(campaign), str(case), "--today", "2026-12-31"])
    assert result.exit_code == 2, result.output
    _check_message(result.output, case.name, OUTCOME_WHERE[case.name])
    assert _state(campaign) == before == (0, 0)


@pytest.mark.parametrize("case", ROADS, ids=lambda p: p.name)
def test_broken_road_files_leave_no_graph(case: Path, tmp_path: Path) -> None:
    """``roads import`` of a broken OSM file exits 3 with one message and leaves no
    file behind, neither where asked nor in maps/."""
    maps_before = sorted(p.name for p in (ROOT / "maps").iterdir())
    target = tmp_path / "graphs" / "broken.graphml"
    result = CliRunner().invoke(cli, ["roads", "import", str(case), "--out", str(target)])
    assert result.exit_code == 3, result.output
    _check_message(result.output, case.name, "")
    assert not target.exists()
    assert not target.parent.exists() or not any(target.parent.iterdir())
    assert sorted(p.name for p in (ROOT / "maps").iterdir()) == maps_before


def _truncate_half(db: Path) -> None:
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])


def _overwrite_header(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[:16] = b"not sqlite data!"
    db.write_bytes(bytes(data))


def _scramble_pages(db: Path) -> None:
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    for k in range(page, len(data) - page, page):  # every page but the first and last
        data[k:k + page] = bytes(range(256)) * (page // 256)
    db.write_bytes(bytes(data))


def _empty(db: Path) -> None:
    db.write_bytes(b"")


DAMAGES = {"truncated_half": _truncate_half, "header_overwritten": _overwrite_header,
           "pages_scrambled": _scramble_pages, "emptied": _empty}


@pytest.mark.parametrize("command", ["tomorrow", "record"])
@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_damaged_campaign_db_exit_3_names_file_and_recovery(
        damage: str, command: str, ok_campaign: Path, tmp_path: Path) -> None:
    """A damaged campaign.db (a real file, truncated or overwritten) makes
    ``tomorrow`` and ``record`` exit 3 — not "internal error" — naming the file
    and how to recover, and writes nothing."""
    campaign = tmp_path / "campaign"
    shutil.copytree(ok_campaign, campaign)
    with sqlite3.connect(campaign / "campaign.db") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm"):
        (campaign / f"campaign.db{suffix}").unlink(missing_ok=True)
    DAMAGES[damage](campaign / "campaign.db")
    before = sorted(p.relative_to(campaign) for p in campaign.rglob("*"))
    args = [str(campaign)] if command == "tomorrow" else \
        [str(campaign), str(DATA / "outcomes" / "every_kind.csv")]
    result = CliRunner().invoke(cli, [command, *args])
    assert result.exit_code == 3, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    _check_message(result.output, "campaign.db", "damaged")
    assert "re-create the campaign" in result.output  # no copy kept yet: the other way
    after = sorted(p.relative_to(campaign) for p in campaign.rglob("*")
                   if not p.name.startswith("campaign.db-"))
    assert after == before


def test_a_graph_path_that_is_not_a_graph_is_not_called_missing(tmp_path: Path) -> None:
    """Loading a road graph from a path that exists but holds something else (an
    OSM file, a folder) says so (exit 3), not "not found"."""
    from planner.errors import RoadsError
    from planner.roads.io import load_graph

    osm = tmp_path / "commune.osm"
    osm.write_text("<osm version='0.6'></osm>\n", encoding="utf-8")
    for given in (osm, tmp_path):
        with pytest.raises(RoadsError) as err:
            load_graph(str(given))
        assert "exists but is not a road graph" in str(err.value)
        assert "not found" not in str(err.value)
        assert err.value.exit_code == 3


@pytest.mark.parametrize("given, words", [
    ("2026-02-30", "2026-02-30 does not exist: February 2026 has 28 days"),
    ("2026-13-01", "month 13 does not exist"),
    ("30/02/2026", "'30/02/2026' is not a date (write it as YYYY-MM-DD)"),
])
def test_date_option_says_the_day_does_not_exist(given: str, words: str,
                                                 tmp_path: Path) -> None:
    """``day --date`` with a day that does not exist says so (exit 2), instead of
    "does not match the format", and writes nothing."""
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["day", str(DATA / "scenarios" / "ok_small"),
                                      "--date", given, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "--date" in result.output and words in result.output
    assert "does not match the format" not in result.output
    assert not out.exists()
