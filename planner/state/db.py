"""The campaign database (``campaign.db`` in the campaign folder): opening,
transactions, the copy kept before each import, and every query.

The tables are those of ``planner.state.schema`` (read its docstring). The
file runs in WAL mode with foreign keys on; every change happens inside one
``BEGIN IMMEDIATE`` transaction (``transaction``), so a file's outcomes go in
all or nothing. Opening a database of an older version migrates it, in one
transaction, to ``SCHEMA_VERSION``.

Before each import the state is copied to ``campaign.db.bak`` (``backup``).
A damaged file (not a database, malformed pages) raises ``DataError`` (exit
3) naming the file and how to recover from that copy.

No function here reads the clock: dates (``today``, ``start``) and
timestamps (``now``, UTC) are parameters.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from planner.campaign.decisions import Decision
from planner.campaign.replan import Outcome
from planner.domain import Scenario
from planner.errors import DataError, InputError, Problem, msg, reason_of
from planner.presence import OutcomeRow
from planner.state.schema import SCHEMA_VERSION, MigrationError, migrate, version_of

DB_NAME = "campaign.db"
BACKUP_SUFFIX = ".bak"

#: A planned visit as stored: ``(date, household, team, order in the route,
#: planned arrival in seconds after midnight)``.
PlannedVisit = tuple[dt.date, str, str, int, int]

LOG = logging.getLogger(__name__)


def stamp(now: dt.datetime) -> str:
    """``now`` as stored: UTC, ISO 8601 to the second (a naive ``now`` is
    taken as the machine's local time)."""
    return now.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def connect(path: str | Path) -> sqlite3.Connection:
    """Open a database file (WAL, foreign keys on, 10 s busy timeout), as it is:
    no check, no migration (``open_campaign`` does both).

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
           deadline: dt.date | None, roads: str | None = None, *,
           now: dt.datetime) -> sqlite3.Connection:
    """Create a new campaign database at ``path`` (which must not exist), at
    the current schema version, holding the scenario's households and
    residents (added on ``start``). ``roads``: the road graph the campaign is
    planned on when it is not the one the scenario names (the graph a
    province's commune entry shares), kept as ``meta.roads`` for ``record`` and
    ``tomorrow``. ``now``: the creation time (``meta.created_at``)."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    conn = connect(path)
    with transaction(conn):
        migrate(conn, 0)
        conn.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("scenario", str(Path(scenario.source).resolve())),
            ("scenario_name", scenario.name),
            ("start", start.isoformat()),
            ("deadline", deadline.isoformat() if deadline else ""),
            ("roads", str(Path(roads).resolve()) if roads else ""),
            ("created_at", stamp(now))])
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
        fix = msg("restore the copy kept before the last import: move {name} aside, copy "
                  "{copy} to {name} (in {folder}), then record the last outcomes file again",
                  name=path.name, copy=copy.name, folder=path.parent)
    else:
        fix = msg("no copy was kept (one is made before each import): move it aside and "
                  "re-create the campaign with `python plan.py campaign SCENARIO --out "
                  "{folder}`, then record its outcomes files again", folder=path.parent)
    return DataError(Problem(str(path), "", msg("the campaign database is damaged ({why})",
                                                why=why), fix))


def _writable(path: Path) -> bool:
    """True when the database file and its folder (where SQLite keeps its
    ``-wal`` and ``-shm`` files) may be written: not a read-only disk, and
    this user has write access."""
    for place in (path.parent, path):
        flags = os.statvfs(place).f_flag if hasattr(os, "statvfs") else 0
        if flags & getattr(os, "ST_RDONLY", 0) or not os.access(place, os.W_OK):
            return False
    return True


def _says_read_only(exc: sqlite3.OperationalError) -> bool:
    """True when SQLite's error means "cannot write here", not damage."""
    text = str(exc).lower()
    return any(words in text for words in ("readonly", "read-only", "unable to open",
                                           "access permission"))


def _damage_words(exc: Exception) -> str:
    """What SQLite (or a migration) found wrong, in plain words (its own text
    goes to the debug log)."""
    text = str(exc).lower()
    if isinstance(exc, MigrationError):  # the planner's own words
        return reason_of(exc)
    if "not a database" in text:
        return msg("the file does not start as a database: it was cut or overwritten")
    if "malformed" in text or "corrupt" in text:
        return msg("some of its pages are damaged")
    return msg("SQLite cannot read it")


def read_only(path: Path) -> DataError:
    """The error for a campaign whose folder or database cannot be written:
    the database is intact, nothing needs re-creating."""
    return DataError(Problem(str(path), "", msg("the campaign folder (or its campaign.db) is "
                                 "read-only, so the campaign cannot be updated; the database "
                                                "itself is intact"),
                             msg("make {parent} and {name} writable again (or copy the "
                                 "whole campaign folder to a place you can write in and use the "
                                 "copy), then run the command again",
                                 parent=path.parent, name=path.name)))


def open_campaign(folder: str | Path) -> sqlite3.Connection:
    """Open ``FOLDER/campaign.db``, migrated to ``SCHEMA_VERSION`` when older
    (all steps in one transaction). ``InputError`` when absent, not a campaign
    or made by a newer planner; ``DataError`` (exit 3) when the file is damaged,
    or when it or its folder is read-only (said as such: not damage)."""
    path = Path(folder) / DB_NAME
    if not path.is_file():
        raise InputError(Problem(str(path), "", msg("no campaign database here"),
                                 msg("create the campaign first: python plan.py campaign SCENARIO "
                                     "--out FOLDER")))
    if path.stat().st_size == 0:
        raise damaged(path, msg("the file is empty"))
    if not _writable(path):
        raise read_only(path)
    conn = None
    try:
        conn = connect(path)
        version = version_of(conn)
        check = [r[0] for r in conn.execute("PRAGMA quick_check")]
        if check == ["ok"] and version is not None and 0 < version < SCHEMA_VERSION:
            with transaction(conn):
                migrate(conn, version)
    except (sqlite3.DatabaseError, MigrationError) as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, sqlite3.OperationalError) and _says_read_only(exc):
            raise read_only(path) from None
        LOG.debug("opening %s: %r", path, exc)
        raise damaged(path, _damage_words(exc)) from None
    if check != ["ok"]:
        conn.close()
        raise damaged(path, msg("integrity check: {found}", found='; '.join(check[:3])))
    if not version:
        conn.close()
        raise InputError(Problem(str(path), "", msg("not a campaign database (no schema version)"),
                                 msg("point to the folder made by `plan.py campaign`")))
    if version > SCHEMA_VERSION:
        conn.close()
        raise InputError(Problem(str(path), "user_version",
                                 msg("version {version}, this planner reads versions up to "
                                     "{SCHEMA_VERSION}",
                                     version=version, SCHEMA_VERSION=SCHEMA_VERSION),
                                 msg("use the planner version that created this campaign, or a "
                                     "newer one")))
    return conn


def meta(conn: sqlite3.Connection) -> dict[str, str]:
    """The campaign's ``meta`` table as a dict (scenario, start, deadline, …)."""
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def sync_households(conn: sqlite3.Connection, scenario: Scenario, today: dt.date,
                    ) -> list[str]:
    """Add households and residents of ``scenario`` not yet in the state, as
    added on ``today`` (call inside a transaction). Returns the ids of the
    households added."""
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
                visits: list[PlannedVisit], *, now: dt.datetime) -> int:
    """Store a planning run made at ``now``: replaces planned visits from
    ``from_date`` on with ``visits`` (``PlannedVisit``: arrival in seconds).
    Call inside a transaction. Returns the run id."""
    cur = conn.execute("INSERT INTO plan_runs (kind, from_date, created_at) VALUES (?, ?, ?)",
                       (kind, from_date.isoformat(), stamp(now)))
    run = int(cur.lastrowid or 0)
    conn.execute("DELETE FROM planned_visits WHERE date >= ?", (from_date.isoformat(),))
    conn.executemany("INSERT INTO planned_visits (date, household_id, team_id, seq, arrive_s, "
                     "run_id) VALUES (?, ?, ?, ?, ?, ?)",
                     [(d.isoformat(), h, t, s, int(a), run) for d, h, t, s, a in visits])
    return run


def outcomes(conn: sqlite3.Connection) -> list[Outcome]:
    """Every recorded outcome, by date then resident."""
    rows = conn.execute("SELECT resident_id, date, household_id, team_id, outcome, note "
                        "FROM outcomes ORDER BY date, resident_id").fetchall()
    return [Outcome(r[0], dt.date.fromisoformat(r[1]), r[2], r[3], r[4], r[5]) for r in rows]


def resident_rows(conn: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    """Every resident of the campaign ``(resident, household, village, condition)``,
    by village then resident (the workspace's progress by village and tier)."""
    return [tuple(r) for r in conn.execute(
        "SELECT r.id, r.household_id, h.village_id, r.condition FROM residents AS r "
        "JOIN households AS h ON h.id = r.household_id ORDER BY h.village_id, r.id")]


_PRESENCE_SQL = """
SELECT o.household_id, h.village_id, o.date, p.arrive_s, o.outcome
FROM outcomes AS o
JOIN households AS h ON h.id = o.household_id
LEFT JOIN planned_visits AS p ON p.date = o.date AND p.household_id = o.household_id
ORDER BY o.date, o.household_id, o.resident_id
"""


def presence_rows(conn: sqlite3.Connection) -> list[OutcomeRow]:
    """The presence model's input: every recorded outcome as
    ``OutcomeRow(household_id, village_id, date, clock_s, outcome)`` by date,
    household, resident. The clock time of a visit is its planned arrival that
    day (seconds after midnight); an outcome with no planned visit that day
    (recorded for an unplanned visit) has ``clock_s`` None and counts only as
    a failed visit, not in a band (see ``planner.presence.fit``)."""
    return [OutcomeRow(hid, vid, dt.date.fromisoformat(date),
                       None if arrive_s is None else int(arrive_s), outcome)
            for hid, vid, date, arrive_s, outcome in conn.execute(_PRESENCE_SQL)]


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


def planned_on(conn: sqlite3.Connection, day: dt.date) -> list[tuple[str, str, int]]:
    """``(household, team, planned arrival in seconds after midnight)`` planned
    on ``day``, by team and order in the route."""
    return [(h, t, int(a)) for h, t, a in conn.execute(
        "SELECT household_id, team_id, arrive_s FROM planned_visits WHERE date = ? "
        "ORDER BY team_id, seq", (day.isoformat(),))]


def planned_teams(conn: sqlite3.Connection) -> set[str]:
    """Team ids that appear in planned visits."""
    return {r[0] for r in conn.execute("SELECT DISTINCT team_id FROM planned_visits")}


def imported(conn: sqlite3.Connection, sha256: str) -> tuple[str, str] | None:
    """``(file name, imported at)`` when a file with this digest was imported."""
    row = conn.execute("SELECT file_name, imported_at FROM imports WHERE sha256 = ?",
                       (sha256,)).fetchone()
    return (row[0], row[1]) if row else None


def resident_households(conn: sqlite3.Connection) -> dict[str, str]:
    """Resident id → household id, for every resident in the state."""
    return dict(conn.execute("SELECT id, household_id FROM residents"))


def recorded_outcomes(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """``(resident id, date YYYY-MM-DD)`` → outcome, for every recorded outcome."""
    return {(r, d): o for r, d, o in
            conn.execute("SELECT resident_id, date, outcome FROM outcomes")}


def store_import(conn: sqlite3.Connection, sha256: str, file_name: str, rows: int,
                 new: list[tuple[str, dt.date, str, str, str, str]], *,
                 now: dt.datetime) -> int:
    """Store one imported file (``rows`` valid rows, imported at ``now``) and
    its ``new`` outcomes ``(resident, date, household, team, outcome, note)``.
    Call inside a transaction. Returns the import's id."""
    cur = conn.execute("INSERT INTO imports (sha256, file_name, rows, imported_at) "
                       "VALUES (?, ?, ?, ?)", (sha256, file_name, rows, stamp(now)))
    import_id = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT INTO outcomes (resident_id, date, household_id, team_id, outcome, note, "
        "recorded_at, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(rid, day.isoformat(), hid, team, outcome, note, stamp(now), import_id)
         for rid, day, hid, team, outcome, note in new])
    return import_id


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


#: One entry of the audit trail: ``(at, by, why, kind, subject, before, after)``
#: (``before``/``after``: the values as JSON text, ``""`` for none).
AuditRow = tuple[str, str, str, str, str, str, str]


def outcome_subject(resident_id: str, day: dt.date) -> str:
    """The audit trail's name for the outcome of ``resident_id`` on ``day``."""
    return f"resident {resident_id} on {day.isoformat()}"


def recorded_outcome(conn: sqlite3.Connection, resident_id: str, day: dt.date,
                     ) -> dict[str, str] | None:
    """The outcome recorded for ``resident_id`` on ``day`` (``team``,
    ``outcome``, ``note``, ``recorded_at``), or None."""
    row = conn.execute("SELECT team_id, outcome, note, recorded_at FROM outcomes "
                       "WHERE resident_id = ? AND date = ?",
                       (resident_id, day.isoformat())).fetchone()
    if row is None:
        return None
    return {"team": row[0], "outcome": row[1], "note": row[2], "recorded_at": row[3]}


def correct_outcome(conn: sqlite3.Connection, resident_id: str, day: dt.date,
                    outcome: str | None, note: str, team: str | None, *, by: str, why: str,
                    now: dt.datetime, import_id: int | None = None) -> dict[str, str]:
    """Replace the outcome recorded for ``resident_id`` on ``day`` with
    ``outcome`` (None: remove it, the visit did not happen), ``note`` and
    ``team`` (None: keep the recorded team), keeping the old value in the audit
    trail with ``by``, ``why``, ``now`` and the sheet ``import_id`` (None: the
    command line). Call inside a transaction; the outcome must exist (the
    caller checks). Returns the old value."""
    old = recorded_outcome(conn, resident_id, day)
    if old is None:
        raise KeyError((resident_id, day))
    after: dict[str, str] = {}
    if outcome is None:
        conn.execute("DELETE FROM outcomes WHERE resident_id = ? AND date = ?",
                     (resident_id, day.isoformat()))
    else:
        after = {"team": team or old["team"], "outcome": outcome, "note": note,
                 "recorded_at": stamp(now)}
        conn.execute("UPDATE outcomes SET team_id = ?, outcome = ?, note = ?, recorded_at = ? "
                     "WHERE resident_id = ? AND date = ?",
                     (after["team"], outcome, note, after["recorded_at"], resident_id,
                      day.isoformat()))
    conn.execute("INSERT INTO audit (at, by, why, kind, subject, before, after, import_id) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (stamp(now), by, why, "outcome_removed" if outcome is None
                  else "outcome_corrected", outcome_subject(resident_id, day),
                  json.dumps(old, ensure_ascii=False, sort_keys=True),
                  json.dumps(after, ensure_ascii=False, sort_keys=True) if after else "",
                  import_id))
    return old


def audit_trail(conn: sqlite3.Connection, subject: str | None = None) -> list[AuditRow]:
    """The audit trail, oldest first (only ``subject``'s when given)."""
    sql = "SELECT at, by, why, kind, subject, before, after FROM audit"
    args: tuple = ()
    if subject is not None:
        sql += " WHERE subject = ?"
        args = (subject,)
    return [tuple(r) for r in conn.execute(sql + " ORDER BY id", args)]  # type: ignore[misc]


def remember_plans(conn: sqlite3.Connection, plans: dict[str, str], *,
                   now: dt.datetime) -> None:
    """Keep the ids of plans a day's folder held (plan id → day ``YYYY-MM-DD``),
    first seen at ``now``; ids already known are left as they are."""
    conn.executemany("INSERT OR IGNORE INTO day_plans (plan_id, date, seen_at) VALUES (?, ?, ?)",
                     [(pid, day, stamp(now)) for pid, day in sorted(plans.items())])


def known_plans(conn: sqlite3.Connection) -> dict[str, str]:
    """Plan id → day of every plan a day's folder of this campaign held."""
    return dict(conn.execute("SELECT plan_id, date FROM day_plans"))


def replace_day_visits(conn: sqlite3.Connection, day: dt.date,
                       visits: list[PlannedVisit]) -> None:
    """Replace the planned visits of ``day`` alone with ``visits`` (a hand
    edit of that day's plan), kept under the latest planning run. Call inside a
    transaction."""
    run = conn.execute("SELECT MAX(id) FROM plan_runs").fetchone()[0]
    if run is None:
        raise ValueError("no planning run to keep the edited visits under")
    conn.execute("DELETE FROM planned_visits WHERE date = ?", (day.isoformat(),))
    conn.executemany("INSERT INTO planned_visits (date, household_id, team_id, seq, arrive_s, "
                     "run_id) VALUES (?, ?, ?, ?, ?, ?)",
                     [(d.isoformat(), h, t, s, int(a), run) for d, h, t, s, a in visits])


def _decision(row: tuple) -> Decision:
    """A ``decisions`` row ``(id, kind, payload, by, at, why)`` as a Decision."""
    did, kind, payload, by, at, why = row
    return Decision.from_payload(kind, json.loads(payload), by=by,
                                 at=dt.datetime.fromisoformat(at), why=why, id=int(did))


def add_decision(conn: sqlite3.Connection, decision: Decision, *, now: dt.datetime) -> Decision:
    """Store ``decision`` (active), made by ``decision.by`` at ``decision.at``
    (default: ``now``), and write an audit row ``decision_added``. Call inside
    a transaction; the caller has checked it. Returns it with its new id."""
    at = decision.at or now
    cur = conn.execute("INSERT INTO decisions (kind, payload, by, at, why, active) "
                       "VALUES (?, ?, ?, ?, ?, 1)",
                       (decision.kind, json.dumps(decision.payload(), ensure_ascii=False,
                                                  sort_keys=True),
                        decision.by, stamp(at), decision.why))
    stored = Decision.from_payload(decision.kind, decision.payload(), by=decision.by,
                                   at=dt.datetime.fromisoformat(stamp(at)), why=decision.why,
                                   id=int(cur.lastrowid or 0))
    conn.execute("INSERT INTO audit (at, by, why, kind, subject, before, after) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (stamp(now), decision.by, decision.why, "decision_added", stored.subject(), "",
                  json.dumps({"kind": stored.kind, **stored.payload()}, ensure_ascii=False,
                             sort_keys=True)))
    return stored


def decisions(conn: sqlite3.Connection, active_only: bool = True) -> list[Decision]:
    """The stored decisions, oldest first: the active ones (all, retired
    included, with ``active_only`` False)."""
    sql = "SELECT id, kind, payload, by, at, why FROM decisions"
    if active_only:
        sql += " WHERE active = 1"
    return [_decision(r) for r in conn.execute(sql + " ORDER BY id")]


def active_decisions(conn: sqlite3.Connection) -> list[Decision]:
    """The decisions every plan honours now, oldest first."""
    return decisions(conn, active_only=True)


def decision_active(conn: sqlite3.Connection, decision_id: int) -> bool | None:
    """True/False: whether decision ``decision_id`` is active; None: no such id."""
    row = conn.execute("SELECT active FROM decisions WHERE id = ?", (decision_id,)).fetchone()
    return None if row is None else bool(row[0])


def retire_decision(conn: sqlite3.Connection, decision_id: int, *, by: str, why: str,
                    now: dt.datetime) -> Decision:
    """Retire decision ``decision_id``: the row stays with ``active`` 0, and an
    audit row ``decision_retired`` says who (``by``), when (``now``) and why.
    Call inside a transaction. ``KeyError`` when no active decision has that id."""
    row = conn.execute("SELECT id, kind, payload, by, at, why FROM decisions "
                       "WHERE id = ? AND active = 1", (decision_id,)).fetchone()
    if row is None:
        raise KeyError(decision_id)
    old = _decision(row)
    conn.execute("UPDATE decisions SET active = 0 WHERE id = ?", (decision_id,))
    conn.execute("INSERT INTO audit (at, by, why, kind, subject, before, after) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (stamp(now), by, why, "decision_retired", old.subject(),
                  json.dumps({"kind": old.kind, **old.payload()}, ensure_ascii=False,
                             sort_keys=True), ""))
    return old
