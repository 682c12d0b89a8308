"""The campaign's state: one SQLite file (``campaign.db``) in the campaign folder.

Tables (schema version ``SCHEMA_VERSION``, in ``schema_version``):

- ``meta(key, value)``: the scenario's path, the start and the deadline;
- ``households(id, village_id, lon, lat, added_on)`` and
  ``residents(id, household_id, condition, mode, added_on)``: codes only, no
  names or ID numbers (those stay in the scenario's table);
- ``plan_runs(id, kind, from_date, created_at)`` and
  ``planned_visits(date, household_id, team_id, seq, arrive, run_id)``:
  every planning run; re-planning from a date replaces the planned visits
  from that date on;
- ``imports(id, sha256, file_name, rows, imported_at)``: one row per imported
  outcomes file, keyed by the file's SHA-256 (a second import is a no-op);
- ``outcomes(resident_id, date, household_id, team_id, outcome, note,
  recorded_at, import_id)``: keyed by (resident, date), so a visit cannot
  count twice.

The file runs in WAL mode with foreign keys on; every change happens inside
one ``BEGIN IMMEDIATE`` transaction, so a file's outcomes go in all or nothing.
Timestamps are UTC ISO 8601; dates are ``YYYY-MM-DD``.

Before each import the state is copied to ``campaign.db.bak`` (``backup``).
A damaged file (not a database, malformed pages) raises ``DataError`` (exit
3) naming the file and how to recover from that copy.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from planner.domain import Scenario
from planner.errors import DataError, InputError, Problem

SCHEMA_VERSION = 1
DB_NAME = "campaign.db"
BACKUP_SUFFIX = ".bak"
OUTCOMES = ("enrolled", "not_home", "refused", "retry_needed", "moved", "deceased")

_SCHEMA = f"""
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
    outcome TEXT NOT NULL CHECK (outcome IN ({", ".join(f"'{o}'" for o in OUTCOMES)})),
    note TEXT NOT NULL DEFAULT '', recorded_at TEXT NOT NULL,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    PRIMARY KEY (resident_id, date));
CREATE INDEX outcomes_household ON outcomes(household_id);
"""


def now_utc() -> str:
    """The current time, UTC, ISO 8601 to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def connect(path: str | Path) -> sqlite3.Connection:
    """Open a campaign database (WAL, foreign keys on, 10 s busy timeout).

    The connection is in autocommit mode: use ``transaction`` for changes.
    """
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=10.0)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; ``ROLLBACK`` on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def create(path: str | Path, scenario: Scenario, start: dt.date,
           deadline: dt.date | None, roads: str | None = None) -> sqlite3.Connection:
    """Create a new campaign database at ``path`` (which must not exist).
    ``roads``: the road graph the campaign is planned on when it is not the
    one the scenario names (a province district's shared graph), kept as
    ``meta.roads`` for ``record`` and ``tomorrow``."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    conn = connect(path)
    with transaction(conn):
        for statement in _SCHEMA.strip().split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
        conn.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("scenario", str(Path(scenario.source).resolve())),
            ("scenario_name", scenario.name),
            ("start", start.isoformat()),
            ("deadline", deadline.isoformat() if deadline else ""),
            ("roads", str(Path(roads).resolve()) if roads else ""),
            ("created_at", now_utc())])
        sync_households(conn, scenario, start)
    return conn


def backup_path(path: str | Path) -> Path:
    """Where the copy of the state kept before each import lives."""
    path = Path(path)
    return path.with_name(path.name + BACKUP_SUFFIX)


def backup(conn: sqlite3.Connection) -> Path | None:
    """Copy the committed state of the open campaign database to
    ``campaign.db.bak`` (atomically: a temporary file, then a rename). Safe
    inside ``transaction(conn)`` before its first write: the copy is read
    through a second connection (WAL lets it read beside the writer). Returns
    the copy's path (None for a database in memory)."""
    row = next((r for r in conn.execute("PRAGMA database_list") if r[1] == "main"), None)
    if row is None or not row[2]:
        return None
    target = backup_path(row[2])
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    source = sqlite3.connect(str(row[2]), timeout=10.0)
    dest = sqlite3.connect(str(tmp))
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        dest.close()
        source.close()
    os.replace(tmp, target)
    return target


def damaged(path: Path, why: str) -> DataError:
    """The error for a damaged campaign database, with the way to recover."""
    copy = backup_path(path)
    if copy.is_file():
        fix = (f"restore the copy kept before the last import: move {path.name} aside, copy "
               f"{copy.name} to {path.name} (in {path.parent}), then record the last "
               "outcomes file again")
    else:
        fix = ("no copy was kept (one is made before each import): move it aside and "
               "re-create the campaign with `python plan.py campaign SCENARIO --out "
               f"{path.parent}`, then record its outcomes files again")
    return DataError(Problem(str(path), "", f"the campaign database is damaged ({why})", fix))


def open_campaign(folder: str | Path) -> sqlite3.Connection:
    """Open ``FOLDER/campaign.db``; ``InputError`` when absent, not a campaign or
    of another version; ``DataError`` (exit 3) when the file is damaged."""
    path = Path(folder) / DB_NAME
    if not path.is_file():
        raise InputError(Problem(str(path), "", "no campaign database here",
                                 "create the campaign first: python plan.py campaign SCENARIO "
                                 "--out FOLDER"))
    if path.stat().st_size == 0:
        raise damaged(path, "the file is empty")
    conn = None
    try:
        conn = connect(path)
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        check = [r[0] for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, sqlite3.OperationalError) and "no such table" in str(exc):
            raise InputError(Problem(str(path), "", f"not a campaign database ({exc})",
                                     "point to the folder made by `plan.py campaign`")) from None
        raise damaged(path, str(exc)) from None
    if check != ["ok"]:
        conn.close()
        raise damaged(path, f"integrity check: {'; '.join(check[:3])}")
    if row is None or row[0] != SCHEMA_VERSION:
        conn.close()
        raise InputError(Problem(str(path), "schema_version",
                                 f"version {row[0] if row else 'missing'}, this planner reads "
                                 f"version {SCHEMA_VERSION}",
                                 "use the planner version that created this campaign"))
    return conn


def meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def sync_households(conn: sqlite3.Connection, scenario: Scenario, today: dt.date,
                    ) -> list[str]:
    """Add households and residents of ``scenario`` not yet in the state (call
    inside a transaction). Returns the ids of the households added."""
    known = {r[0] for r in conn.execute("SELECT id FROM households")}
    known_res = {r[0] for r in conn.execute("SELECT id FROM residents")}
    added = []
    for h in scenario.households:
        if h.id not in known:
            conn.execute("INSERT INTO households VALUES (?, ?, ?, ?, ?)",
                         (h.id, h.village_id, h.lon, h.lat, today.isoformat()))
            added.append(h.id)
        for r in h.residents:
            if r.id not in known_res:
                conn.execute("INSERT INTO residents VALUES (?, ?, ?, ?, ?)",
                             (r.id, h.id, r.condition, r.mode, today.isoformat()))
    return added


def record_plan(conn: sqlite3.Connection, kind: str, from_date: dt.date,
                visits: list[tuple[dt.date, str, str, int, str]]) -> int:
    """Store a planning run: replaces planned visits from ``from_date`` on with
    ``visits`` = ``(date, household, team, seq, arrive HH:MM)``. Call inside a
    transaction. Returns the run id."""
    cur = conn.execute("INSERT INTO plan_runs (kind, from_date, created_at) VALUES (?, ?, ?)",
                       (kind, from_date.isoformat(), now_utc()))
    run = int(cur.lastrowid or 0)
    conn.execute("DELETE FROM planned_visits WHERE date >= ?", (from_date.isoformat(),))
    conn.executemany("INSERT INTO planned_visits VALUES (?, ?, ?, ?, ?, ?)",
                     [(d.isoformat(), h, t, s, a, run) for d, h, t, s, a in visits])
    return run


@dataclass(frozen=True)
class Outcome:
    """One recorded outcome of a visit to a resident."""

    resident_id: str
    date: dt.date
    household_id: str
    team_id: str
    outcome: str
    note: str = ""


def outcomes(conn: sqlite3.Connection) -> list[Outcome]:
    """Every recorded outcome, by date then resident."""
    rows = conn.execute("SELECT resident_id, date, household_id, team_id, outcome, note "
                        "FROM outcomes ORDER BY date, resident_id").fetchall()
    return [Outcome(r[0], dt.date.fromisoformat(r[1]), r[2], r[3], r[4], r[5]) for r in rows]


def presence_rows(conn: sqlite3.Connection) -> list:
    """The presence model's input: every outcome with its household's village
    and the planned arrival that day (``planner.campaign.presence_state``)."""
    from planner.campaign.presence_state import presence_rows as rows

    return rows(conn)


def planned_visits(conn: sqlite3.Connection, before: dt.date | None = None,
                   ) -> list[tuple[dt.date, str, str]]:
    """Planned visits ``(date, household, team)``, those before ``before`` only if given."""
    sql = "SELECT date, household_id, team_id FROM planned_visits"
    args: tuple = ()
    if before is not None:
        sql += " WHERE date < ?"
        args = (before.isoformat(),)
    return [(dt.date.fromisoformat(d), h, t) for d, h, t in conn.execute(sql + " ORDER BY date",
                                                                          args)]


def imported(conn: sqlite3.Connection, sha256: str) -> tuple[str, str] | None:
    """``(file name, imported at)`` when a file with this digest was imported."""
    row = conn.execute("SELECT file_name, imported_at FROM imports WHERE sha256 = ?",
                       (sha256,)).fetchone()
    return (row[0], row[1]) if row else None


def outcome_count(conn: sqlite3.Connection) -> int:
    """How many outcomes are recorded (0 when the file has no outcomes table)."""
    try:
        return int(conn.execute("SELECT count(*) FROM outcomes").fetchone()[0])
    except sqlite3.DatabaseError:
        return 0


def last_outcome_date(conn: sqlite3.Connection) -> dt.date | None:
    """The latest date with a recorded outcome (None: none yet)."""
    row = conn.execute("SELECT max(date) FROM outcomes").fetchone()
    return dt.date.fromisoformat(row[0]) if row and row[0] else None


def planned_on(conn: sqlite3.Connection, day: dt.date) -> list[tuple[str, str, str]]:
    """``(household, team, planned arrival)`` planned on ``day``, by team and
    order in the route."""
    return [(h, t, a) for h, t, a in conn.execute(
        "SELECT household_id, team_id, arrive FROM planned_visits WHERE date = ? "
        "ORDER BY team_id, seq", (day.isoformat(),))]


def planned_teams(conn: sqlite3.Connection) -> set[str]:
    """Team ids that appear in planned visits."""
    return {r[0] for r in conn.execute("SELECT DISTINCT team_id FROM planned_visits")}
