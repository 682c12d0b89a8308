"""The campaign database's schema: numbered migrations, applied in order.

The version of a database is ``PRAGMA user_version``: the number of the last
migration applied to it. ``MIGRATIONS[k]`` takes a database at version ``k``
to version ``k + 1``; a new database runs them all from 0, an older one the
ones it lacks (``migrate``, inside the caller's transaction). Migrations are
history: never edit one that has shipped; add the next one to change the
schema (a new table, a new column), and the version follows.

The first version (written by the planner before this package) kept its
version in a table ``schema_version`` (one row, 1) and left ``user_version``
at 0; ``version_of`` reads it as version 1.

Tables at the current version (``SCHEMA_VERSION`` = 4):

- ``meta(key, value)``: the scenario's path and name, the start, the deadline,
  the road graph (when not the scenario's own), ``created_at``;
- ``households(id, village_id, lon, lat, added_on)`` and
  ``residents(id, household_id, condition, mode, added_on)``: codes only, no
  names or ID numbers (those stay in the scenario's table);
- ``plan_runs(id, kind, from_date, created_at)`` and
  ``planned_visits(date, household_id, team_id, seq, arrive_s, run_id)``:
  every planning run; re-planning from a date replaces the planned visits from
  that date on; ``arrive_s`` is the planned arrival in seconds after midnight;
- ``imports(id, sha256, file_name, rows, imported_at)``: one row per imported
  outcomes file, keyed by the file's SHA-256 (a second import is a no-op);
- ``outcomes(resident_id, date, household_id, team_id, outcome, note,
  recorded_at, import_id)``: keyed by (resident, date), so a visit cannot
  count twice; a correction replaces the row (its old value goes to ``audit``);
- ``audit(id, at, by, why, kind, subject, before, after, import_id)``: every
  change a person made to what is recorded, never deleted: ``kind`` says what
  (``outcome_corrected``, ``outcome_removed``; decisions will add theirs),
  ``subject`` what it touched (``resident R on YYYY-MM-DD``), ``before`` and
  ``after`` the values as JSON text (``""``: none), ``import_id`` the sheet
  that carried it (NULL: the command line);
- ``day_plans(plan_id, date, seen_at)``: the id of every plan a day's folder
  held (``plan.json``'s ``id``), so that an export from a phone map drawn from
  an earlier plan of a day is still known after a re-plan replaced it;
- ``decisions(id, kind, payload, by, at, why, active)``: every decision a
  person made (``planner.campaign.decisions``): ``payload`` the kind's fields
  as JSON text, ``at`` UTC; retiring one sets ``active`` to 0 and keeps the
  row (the audit trail says who retired it, when and why).

Dates are ``YYYY-MM-DD`` text; timestamps (``created_at``, ``imported_at``,
``recorded_at``) UTC ISO 8601 to the second; clock times integer seconds
after midnight.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from planner.clock import parse_clock

#: The outcome codes an ``outcomes`` row may hold (the CHECK of migration 1).
OUTCOMES = ("enrolled", "not_home", "refused", "retry_needed", "moved", "deceased")


@dataclass(frozen=True)
class Migration:
    """One step: ``apply(conn)`` takes the database from version ``version - 1``
    to ``version``; ``summary`` says what changes, for a person reading the list."""

    version: int
    summary: str
    apply: Callable[[sqlite3.Connection], None]


class MigrationError(ValueError):
    """A row the migration cannot convert (the database is damaged)."""


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    """A migration that runs ``sql``'s statements one by one (not
    ``executescript``, which would commit the caller's transaction)."""
    def apply(conn: sqlite3.Connection) -> None:
        for statement in sql.strip().split(";"):
            if statement.strip():
                conn.execute(statement)
    return apply


_V1 = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES (1);
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
    outcome TEXT NOT NULL CHECK (outcome IN ('enrolled', 'not_home', 'refused',
                                             'retry_needed', 'moved', 'deceased')),
    note TEXT NOT NULL DEFAULT '', recorded_at TEXT NOT NULL,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    PRIMARY KEY (resident_id, date));
CREATE INDEX outcomes_household ON outcomes(household_id)
"""

_V2_TABLE = """
CREATE TABLE planned_visits_v2 (
    date TEXT NOT NULL, household_id TEXT NOT NULL REFERENCES households(id),
    team_id TEXT NOT NULL, seq INTEGER NOT NULL,
    arrive_s INTEGER NOT NULL CHECK (arrive_s >= 0),
    run_id INTEGER NOT NULL REFERENCES plan_runs(id),
    PRIMARY KEY (date, household_id))
"""


def _arrive_in_seconds(conn: sqlite3.Connection) -> None:
    """Version 2: ``planned_visits.arrive`` (``"HH:MM"`` text) becomes
    ``arrive_s`` (integer seconds after midnight), every row converted; the
    version moves from the ``schema_version`` table to ``user_version``."""
    conn.execute(_V2_TABLE)
    rows = conn.execute("SELECT date, household_id, team_id, seq, arrive, run_id "
                        "FROM planned_visits").fetchall()
    converted = []
    for date, hid, team, seq, arrive, run in rows:
        try:
            converted.append((date, hid, team, seq, parse_clock(arrive), run))
        except ValueError:
            raise MigrationError(f"planned visit of {hid} on {date}: arrival "
                                 f"{arrive!r} is not a clock time HH:MM") from None
    conn.executemany("INSERT INTO planned_visits_v2 VALUES (?, ?, ?, ?, ?, ?)", converted)
    conn.execute("DROP TABLE planned_visits")
    conn.execute("ALTER TABLE planned_visits_v2 RENAME TO planned_visits")
    conn.execute("DROP TABLE schema_version")


_V3 = """
CREATE TABLE audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, by TEXT NOT NULL, why TEXT NOT NULL,
    kind TEXT NOT NULL, subject TEXT NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL,
    import_id INTEGER REFERENCES imports(id));
CREATE INDEX audit_subject ON audit(subject);
CREATE TABLE day_plans (
    plan_id TEXT PRIMARY KEY, date TEXT NOT NULL, seen_at TEXT NOT NULL)
"""

_V4 = """
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('lock', 'must', 'not_before', 'not_on', 'leave_out',
                                       'team_absent', 'team_members', 'village_off', 'order')),
    payload TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL, why TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)));
CREATE INDEX decisions_active ON decisions(active)
"""

#: Every migration, in order: ``MIGRATIONS[k].version == k + 1``.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "the first schema: meta, households, residents, plan runs, planned visits "
                 "(arrival as HH:MM text), imports, outcomes", _script(_V1)),
    Migration(2, "planned arrivals in integer seconds (arrive_s); the version in "
                 "PRAGMA user_version", _arrive_in_seconds),
    Migration(3, "an audit trail of corrections (who, when, why, before, after) and the "
                 "ids of every plan a day's folder held", _script(_V3)),
    Migration(4, "decisions a person made (locks, must-visits, days off, absent teams, "
                 "fixed orders, households left out), retired but never deleted",
              _script(_V4)),
)

#: The version this planner writes and reads.
SCHEMA_VERSION = MIGRATIONS[-1].version


def version_of(conn: sqlite3.Connection) -> int | None:
    """The schema version of the open database: ``user_version``, or 1 for a
    database of the first version (its ``schema_version`` table says 1), 0 for
    an empty one; None when it holds tables but is no campaign database."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version:
        return version
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return 0
    if "schema_version" not in tables:
        return None
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    return 1 if row is not None and row[0] == 1 else None


def migrate(conn: sqlite3.Connection, version: int) -> int:
    """Apply the migrations after ``version`` in order and set ``user_version``
    (call inside a transaction: all of them or none). Returns how many ran."""
    pending = MIGRATIONS[version:]
    for step in pending:
        step.apply(conn)
        conn.execute(f"PRAGMA user_version = {int(step.version)}")
    return len(pending)
