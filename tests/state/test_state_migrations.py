"""The campaign database's schema migrations (``planner/state/schema.py``).

The fixture is a ``campaign.db`` of the first schema, as the planner wrote it
before ``planner/state/`` existed: its CREATE statements are copied here as
they were (version in a ``schema_version`` table, planned arrivals as
``HH:MM`` text), filled with a few rows of the small test scenario. Opening it
must migrate it to the current version with every row kept.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from planner.errors import DataError, InputError
from planner.presence import OutcomeRow
from planner.state import db
from planner.state.record import record_outcomes
from planner.state.schema import MIGRATIONS, SCHEMA_VERSION

SMALL = Path(__file__).resolve().parent.parent / "data" / "scenarios" / "ok_small"
NOW = dt.datetime(2026, 11, 26, 18, 30, tzinfo=dt.UTC)

#: The first schema, copied from planner/campaign/state.py as it was (version 1).
OLD_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE households (
    id TEXT PRIMARY KEY, village_id TEXT NOT NULL, lon REAL NOT NULL, lat REAL NOT NULL,
    added_on TEXT NOT NULL);
CREATE TABLE residents (
    id TEXT PRIMARY KEY, household_id TEXT NOT NULL REFERENCES households(id),
    condition TEXT NOT NULL, mode TEXT NOT NULL, added_on TEXT NOT NULL);
CREATE TABLE plan_runs (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('campaign', 'tomorrow')),
    from_date TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE planned_visits (
    date TEXT NOT NULL, household_id TEXT NOT NULL REFERENCES households(id),
    team_id TEXT NOT NULL, seq INTEGER NOT NULL, arrive TEXT NOT NULL,
    run_id INTEGER NOT NULL REFERENCES plan_runs(id),
    PRIMARY KEY (date, household_id));
CREATE TABLE imports (
    id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, file_name TEXT NOT NULL,
    rows INTEGER NOT NULL, imported_at TEXT NOT NULL);
CREATE TABLE outcomes (
    resident_id TEXT NOT NULL REFERENCES residents(id), date TEXT NOT NULL,
    household_id TEXT NOT NULL REFERENCES households(id), team_id TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('enrolled', 'not_home', 'refused', 'retry_needed', 'moved', 'deceased')),
    note TEXT NOT NULL DEFAULT '', recorded_at TEXT NOT NULL,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    PRIMARY KEY (resident_id, date));
CREATE INDEX outcomes_household ON outcomes(household_id);
"""  # noqa: E501  (copied as it was)

HOUSEHOLDS = [("H1", "TT", 103.2135, 21.8231, "2026-11-24"),
              ("H2", "TT", 103.2089, 21.8190, "2026-11-24"),
              ("H3", "HCM", 103.1950, 21.8475, "2026-11-24")]
RESIDENTS = [("R1", "H1", "bedridden", "home", "2026-11-24"),
             ("R2", "H2", "elderly", "home", "2026-11-24"),
             ("R3", "H2", "able", "home", "2026-11-24"),
             ("R4", "H3", "disabled", "home", "2026-11-24")]
PLAN_RUNS = [(1, "campaign", "2026-11-24", "2026-11-23T17:00:00+00:00"),
             (2, "tomorrow", "2026-11-25", "2026-11-24T18:10:00+00:00")]
#: (date, household, team, seq, arrive HH:MM, run) and the seconds it must become
PLANNED = [(("2026-11-24", "H1", "T1", 1, "07:35", 1), 7 * 3600 + 35 * 60),
           (("2026-11-24", "H2", "T1", 2, "09:05", 1), 9 * 3600 + 5 * 60),
           (("2026-11-25", "H3", "T1", 1, "14:00", 2), 14 * 3600),
           (("2026-11-26", "H1", "T1", 1, "16:59", 2), 16 * 3600 + 59 * 60)]
IMPORTS = [(1, "ab" * 32, "outcomes-2026-11-24.csv", 3, "2026-11-24T19:00:00+00:00")]
OUTCOMES = [("R1", "2026-11-24", "H1", "T1", "not_home", "", "2026-11-24T19:00:00+00:00", 1),
            ("R2", "2026-11-24", "H2", "T1", "enrolled", "", "2026-11-24T19:00:00+00:00", 1),
            ("R3", "2026-11-24", "H2", "T1", "refused", "đi nương",
             "2026-11-24T19:00:00+00:00", 1)]


def _old_campaign(folder: Path, planned: list[tuple] | None = None) -> Path:
    """A campaign folder holding a ``campaign.db`` of the first schema (version 1)."""
    folder.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(folder / db.DB_NAME)
    conn.executescript(OLD_SCHEMA)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("INSERT INTO schema_version VALUES (1)")
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("scenario", str((SMALL / "scenario.yaml").resolve())), ("scenario_name", "ok_small"),
        ("start", "2026-11-24"), ("deadline", "2026-11-27"), ("roads", ""),
        ("created_at", "2026-11-23T17:00:00+00:00")])
    conn.executemany("INSERT INTO households VALUES (?, ?, ?, ?, ?)", HOUSEHOLDS)
    conn.executemany("INSERT INTO residents VALUES (?, ?, ?, ?, ?)", RESIDENTS)
    conn.executemany("INSERT INTO plan_runs VALUES (?, ?, ?, ?)", PLAN_RUNS)
    conn.executemany("INSERT INTO planned_visits VALUES (?, ?, ?, ?, ?, ?)",
                     planned if planned is not None else [row for row, _s in PLANNED])
    conn.executemany("INSERT INTO imports VALUES (?, ?, ?, ?, ?)", IMPORTS)
    conn.executemany("INSERT INTO outcomes VALUES (?, ?, ?, ?, ?, ?, ?, ?)", OUTCOMES)
    conn.commit()
    conn.close()
    return folder


def _rows(conn: sqlite3.Connection, table: str) -> list[tuple]:
    return conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()


def _columns(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Each table's columns (name, type, not null, default, primary key), and
    its foreign keys: the schema as SQLite sees it, whatever the CREATE text."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: [r[1:] for r in conn.execute(f"PRAGMA table_info({t})")]
            + [r[2:5] for r in conn.execute(f"PRAGMA foreign_key_list({t})")]
            for t in tables}


def test_migrations_are_numbered_in_order() -> None:
    """Migration k takes a database to version k, from 1 up to SCHEMA_VERSION."""
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert SCHEMA_VERSION == len(MIGRATIONS) >= 2


def test_old_database_opens_migrated_with_its_data_kept(tmp_path: Path) -> None:
    """A database of the first schema opens: version SCHEMA_VERSION in
    user_version, the old version table gone, every row of every table kept,
    each planned arrival HH:MM now integer seconds; the presence model's rows
    carry those seconds; opening it again changes nothing."""
    folder = _old_campaign(tmp_path / "old")
    conn = db.open_campaign(folder)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master "
                                             "WHERE type = 'table'")}
        assert "schema_version" not in tables
        assert _rows(conn, "households") == sorted(HOUSEHOLDS)
        assert _rows(conn, "residents") == sorted(RESIDENTS)
        assert _rows(conn, "plan_runs") == PLAN_RUNS
        assert _rows(conn, "imports") == IMPORTS
        assert _rows(conn, "outcomes") == sorted(OUTCOMES)
        assert dict(_rows(conn, "meta"))["start"] == "2026-11-24"
        assert conn.execute("SELECT date, household_id, team_id, seq, arrive_s, run_id "
                            "FROM planned_visits ORDER BY 1, 2").fetchall() == \
            [(*row[:4], seconds, row[5]) for row, seconds in PLANNED]
        assert db.planned_on(conn, dt.date(2026, 11, 24)) == [("H1", "T1", 7 * 3600 + 2100),
                                                              ("H2", "T1", 9 * 3600 + 300)]
        assert db.presence_rows(conn)[0] == OutcomeRow("H1", "TT", dt.date(2026, 11, 24),
                                                       7 * 3600 + 2100, "not_home")
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        migrated = _columns(conn)
    finally:
        conn.close()
    again = db.open_campaign(folder)
    try:
        assert _columns(again) == migrated
        assert len(_rows(again, "planned_visits")) == len(PLANNED)
    finally:
        again.close()


def test_migrated_database_has_the_schema_of_a_new_one(tmp_path: Path) -> None:
    """The columns, keys and foreign keys of a migrated database are those of a
    database created now (migrations from 0): one schema whatever the path."""
    from planner.scenario import load_scenario

    folder = _old_campaign(tmp_path / "old")
    old = db.open_campaign(folder)
    scenario, _ = load_scenario(SMALL / "scenario.yaml")
    new = db.create(tmp_path / "new.db", scenario, dt.date(2026, 11, 24), None, now=NOW)
    try:
        assert _columns(old) == _columns(new)
        assert new.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        old.close()
        new.close()


def test_migrated_campaign_records_new_outcomes(tmp_path: Path) -> None:
    """``record`` on a campaign of the first schema: it is migrated, the new
    outcomes go in beside the old ones, dated up to the ``today`` given."""
    folder = _old_campaign(tmp_path / "old")
    sheet = tmp_path / "day3.csv"
    sheet.write_text("date,team,household_id,resident_id,outcome,note\n"
                     "2026-11-26,T1,H1,R1,enrolled,\n", encoding="utf-8")
    report = record_outcomes(folder, sheet, today=dt.date(2026, 11, 26), now=NOW)
    assert (report.status, report.new, report.file) == ("imported", 1, str(sheet))
    conn = db.open_campaign(folder)
    try:
        assert len(db.outcomes(conn)) == len(OUTCOMES) + 1
        assert db.imported(conn, report.sha256) == ("day3.csv", "2026-11-26T18:30:00+00:00")
    finally:
        conn.close()


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    """An old row the migration cannot convert (an arrival that is no clock
    time) stops with DataError (exit 3) naming the row, and the file is left
    at the first version with all its rows (the migration is one transaction)."""
    bad = [row for row, _s in PLANNED[:2]] + [("2026-11-25", "H3", "T1", 1, "2 pm", 2)]
    folder = _old_campaign(tmp_path / "old", planned=bad)
    with pytest.raises(DataError, match="H3 on 2026-11-25.*'2 pm'"):
        db.open_campaign(folder)
    conn = sqlite3.connect(folder / db.DB_NAME)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
        assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == 1
        assert sorted(_rows(conn, "planned_visits")) == sorted(bad)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master "
                                             "WHERE type = 'table'")}
        assert tables == {"schema_version", "meta", "households", "residents", "plan_runs",
                          "planned_visits", "imports", "outcomes"}
    finally:
        conn.close()


def test_newer_or_foreign_database_is_refused(tmp_path: Path) -> None:
    """A database of a newer version than this planner knows, and an SQLite file
    that is no campaign, are refused with InputError (exit 2), unchanged."""
    newer = _old_campaign(tmp_path / "newer")
    db.open_campaign(newer).close()
    with sqlite3.connect(newer / db.DB_NAME) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(InputError, match=f"version {SCHEMA_VERSION + 1}"):
        db.open_campaign(newer)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    with sqlite3.connect(foreign / db.DB_NAME) as conn:
        conn.execute("CREATE TABLE things (x INTEGER)")
    conn.close()
    with pytest.raises(InputError, match="not a campaign database"):
        db.open_campaign(foreign)
    with sqlite3.connect(foreign / db.DB_NAME) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    conn.close()
