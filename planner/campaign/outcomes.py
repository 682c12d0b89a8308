"""The outcomes sheet team leaders fill in each evening, and its import.

One row per resident visited, columns ``date, team, household_id,
resident_id, outcome, note`` (CSV UTF-8 or .xlsx; Vietnamese headers such as
``Ngày``, ``Tổ``, ``Mã hộ``, ``Mã người``, ``Kết quả``, ``Ghi chú`` work too).
``outcome`` is one of ``enrolled, not_home, refused, retry_needed, moved,
deceased`` (or its Vietnamese wording, see ``OUTCOME_ALIASES``). Dates are
``YYYY-MM-DD`` or ``DD/MM/YYYY``.

``import_outcomes`` validates every row first and refuses the whole file,
naming each bad row and why, if any row is bad; otherwise it stores all rows
in one transaction. A file already imported (same SHA-256) changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.campaign.state import OUTCOMES, imported, now_utc, transaction
from planner.errors import InputError, Problem
from planner.scenario import TableSpec, _Collector, fold, nfc, read_table

COLUMNS = ("date", "team", "household_id", "resident_id", "outcome", "note")
HEADER_ALIASES = {
    "ngay": "date", "ngay tham": "date", "to": "team", "to cong tac": "team", "doi": "team",
    "ma ho": "household_id", "ma nguoi": "resident_id", "ma cong dan": "resident_id",
    "ket qua": "outcome", "ghi chu": "note", "notes": "note",
}
OUTCOME_ALIASES = {
    "da thu nhan": "enrolled", "da cap": "enrolled", "xong": "enrolled",
    "khong o nha": "not_home", "vang nha": "not_home", "vang": "not_home",
    "tu choi": "refused", "lam lai": "retry_needed", "can lam lai": "retry_needed",
    "chuyen di": "moved", "da chuyen di": "moved", "qua doi": "deceased", "da mat": "deceased",
    "not home": "not_home", "retry needed": "retry_needed", "retry": "retry_needed",
}
TABLE = TableSpec(columns=COLUMNS, required=COLUMNS[:5], aliases=HEADER_ALIASES,
                  row_noun="resident visited", rows_noun="outcomes", sheet_noun="outcomes")


@dataclass(frozen=True)
class OutcomeRow:
    """One valid row: ``row`` is its spreadsheet row number (header = 1)."""

    row: int
    date: dt.date
    team: str
    household_id: str
    resident_id: str
    outcome: str
    note: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did: ``status`` is ``imported`` or ``already`` (a no-op).
    ``new`` rows were stored; ``same`` were already recorded identically."""

    status: str
    file: str
    sha256: str
    new: int = 0
    same: int = 0
    previous: str = ""


def parse_date(value: Any) -> dt.date:
    """``YYYY-MM-DD``, ``DD/MM/YYYY`` or a spreadsheet date → ``date``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = nfc(value)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date")


def _outcome(value: Any) -> str | None:
    text = nfc(value).lower()
    if text in OUTCOMES:
        return text
    return OUTCOME_ALIASES.get(fold(text))


def validate_rows(rows: list[tuple[int, dict[str, Any]]], col: _Collector,
                  residents: dict[str, str], teams: set[str],
                  recorded: dict[tuple[str, str], str]) -> list[OutcomeRow]:
    """Check every row; problems go to ``col``. ``residents`` maps resident id →
    household id; ``recorded`` maps (resident, date ISO) → outcome already stored."""
    valid: list[OutcomeRow] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for number, row in rows:
        where = f"row {number}"
        bad = False
        try:
            day = parse_date(row.get("date"))
        except ValueError as exc:
            col.error(f"{where}, field date", str(exc) if nfc(row.get("date")) else "missing",
                      "write the visit's date as YYYY-MM-DD or DD/MM/YYYY")
            day, bad = dt.date.min, True
        team = nfc(row.get("team"))
        if team not in teams:
            col.error(f"{where}, field team", f"unknown team '{team}'" if team else "missing",
                      f"use a team id of the scenario: {', '.join(sorted(teams))}")
            bad = True
        rid = nfc(row.get("resident_id"))
        hid = nfc(row.get("household_id"))
        if rid not in residents:
            col.error(f"{where}, field resident_id",
                      f"unknown resident '{rid}'" if rid else "missing",
                      "copy the resident's code from the day's plan or the households table")
            bad = True
        elif hid != residents[rid]:
            col.error(f"{where}, field household_id",
                      f"resident {rid} lives in household {residents[rid]}, not '{hid}'",
                      f"write {residents[rid]}, or check the resident's code")
            bad = True
        outcome = _outcome(row.get("outcome"))
        if outcome is None:
            raw = nfc(row.get("outcome"))
            col.error(f"{where}, field outcome", f"unknown outcome '{raw}'" if raw else "missing",
                      f"use one of: {', '.join(OUTCOMES)}")
            bad = True
        if bad:
            continue
        key = (rid, day)
        if key in seen:
            col.error(f"{where}", f"resident {rid} already has a row for {day} (row {seen[key]})",
                      "keep one row per resident and day")
            continue
        seen[key] = number
        before = recorded.get((rid, day.isoformat()))
        if before is not None and before != outcome:
            col.error(f"{where}, field outcome",
                      f"resident {rid} on {day} is already recorded as '{before}'",
                      "an outcome cannot be changed by a new file; fix this row to match, "
                      "or record the next visit on its own date")
            continue
        valid.append(OutcomeRow(number, day, team, hid, rid, outcome,  # type: ignore[arg-type]
                                nfc(row.get("note"))))
    return valid


def import_outcomes(conn: sqlite3.Connection, path: str | Path, teams: set[str],
                    ) -> ImportReport:
    """Import an outcomes sheet into the campaign state, all or nothing.

    Raises ``InputError`` listing every bad row (nothing is stored then).
    Importing a file with the same content again stores nothing.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(str(path), "", f"cannot be read ({exc.strerror})",
                                 "check the path")) from None
    digest = hashlib.sha256(data).hexdigest()
    with transaction(conn):
        previous = imported(conn, digest)
        if previous is not None:
            return ImportReport("already", str(path), digest,
                                previous=f"{previous[0]} at {previous[1]}")
        col = _Collector(str(path))
        rows = read_table(path, col, TABLE)
        residents = dict(conn.execute("SELECT id, household_id FROM residents"))
        recorded = {(r, d): o for r, d, o in
                    conn.execute("SELECT resident_id, date, outcome FROM outcomes")}
        valid = validate_rows(rows or [], col, residents, teams, recorded)
        errors = [p for p in col.problems if p.severity == "error"]
        if errors:
            raise InputError(errors)
        cur = conn.execute("INSERT INTO imports (sha256, file_name, rows, imported_at) "
                           "VALUES (?, ?, ?, ?)", (digest, path.name, len(valid), now_utc()))
        import_id = cur.lastrowid
        stamp = now_utc()
        new = [v for v in valid if (v.resident_id, v.date.isoformat()) not in recorded]
        conn.executemany(
            "INSERT INTO outcomes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(v.resident_id, v.date.isoformat(), v.household_id, v.team, v.outcome, v.note,
              stamp, import_id) for v in new])
    return ImportReport("imported", str(path), digest, new=len(new), same=len(valid) - len(new))


def template_rows(planned: list[tuple[str, str]], day: dt.date,
                  residents: dict[str, list[str]]) -> list[list[str]]:
    """Rows prefilled from ``planned`` = ``(household, team)`` on ``day``
    (outcome left blank): one per resident of each household planned that
    day, whatever the mode (``residents``: household → resident ids planned)."""
    return [[day.isoformat(), team, hid, rid, "", ""]
            for hid, team in planned for rid in residents.get(hid, [])]


def template_csv(rows: list[list[str]] | None = None) -> str:
    """The sheet as CSV text (UTF-8; Excel opens it with the BOM the writer adds)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows or [])
    return buf.getvalue()


def template_xlsx(rows: list[list[str]] | None = None) -> bytes:
    """The sheet as an .xlsx workbook, with a drop-down list on ``outcome``."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "outcomes"
    ws.append(list(COLUMNS))
    for row in rows or []:
        ws.append(row)
    check = DataValidation(type="list", formula1='"' + ",".join(OUTCOMES) + '"',
                           allow_blank=True)
    ws.add_data_validation(check)
    check.add(f"E2:E{max(500, len(rows or []) + 100)}")
    for letter, width in zip("ABCDEF", (12, 8, 14, 14, 14, 40), strict=True):
        ws.column_dimensions[letter].width = width
    help_ws = wb.create_sheet("help")
    for line in (
        "One row per resident visited. Columns: date (YYYY-MM-DD), team (team id), "
        "household_id, resident_id, outcome, note.",
        "outcome: enrolled, not_home, refused, retry_needed (e.g. fingerprints failed), "
        "moved, deceased.",
        "Import: python plan.py record CAMPAIGN_DIR THIS_FILE.xlsx",
    ):
        help_ws.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
