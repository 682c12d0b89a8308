"""The outcomes sheet team leaders fill in each evening, and its import.

One row per resident visited, columns ``date, team, household_id,
resident_id, outcome, note`` (CSV UTF-8 or .xlsx). The template is written
in Vietnamese by default (the headers of ``VI_HEADERS``: ``Ngày``, ``Tổ``,
``Mã hộ``, ``Mã người``, ``Kết quả``, ``Ghi chú``…, and the outcomes in the
words of the phone map and the itinerary, ``planner.render.views.OUTCOME_WORDS``)
or in English (the column names and the codes); an import reads both, and the
English sheets written before. ``outcome`` is one of ``enrolled, not_home,
refused, retry_needed, moved, deceased``, or its words in either language
(see ``OUTCOME_ALIASES``). Dates are ``YYYY-MM-DD`` or ``DD/MM/YYYY``.

A row whose outcome is blank means "not visited" and is skipped (a prefilled
sheet comes back with the rows of residents not reached left blank).

An optional column ``kind`` (``Loại``) says what a row is: blank or ``visit``
records a visit; ``correction`` (``sửa``) replaces the outcome already
recorded for that resident and date with the row's (``none``: the visit did
not happen), its ``note`` saying why; the old outcome stays in the audit trail
(``planner.state.db.correct_outcome``) with who made the change and when.

``import_outcomes`` validates every row first. By default it stores the valid
rows (in one transaction) and writes the others, with the reason for each, to
a rejects file beside the sheet (``NAME.rejects.csv``: a sheet of the same
columns plus ``reason``; fix its rows and import it). With
``all_or_nothing`` any bad row refuses the whole file, naming each bad row and
why. A problem of the whole file (no header, a missing column) refuses it
always. A file already imported (same SHA-256) changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import sqlite3
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from planner.atomic import write_atomic
from planner.clock import format_clock
from planner.dates import parse_day
from planner.errors import InputError, Problem, msg, reason_of
from planner.privacy import csv_text, xlsx_text_cell
from planner.render.i18n import LANGS, gettext_for, message_text, where_text
from planner.render.views import OUTCOME_WORDS
from planner.scenario import TableSpec, fold, nfc, read_table
from planner.scenario.values import _Collector
from planner.state import db
from planner.state.schema import OUTCOMES

COLUMNS = ("date", "team", "household_id", "resident_id", "outcome", "note")
READER_COLUMNS = ("name", "village", "planned")
"""Columns a prefilled sheet adds for the officer (the resident's name or
initials, the village, the planned arrival); read back, they are ignored."""
KIND_COLUMN = "kind"
"""The optional column saying whether a row is a ``visit`` or a ``correction``."""
REASON_COLUMN = "reason"
"""The column a rejects file adds (why each row was not imported); ignored on import."""
KINDS = ("visit", "correction")
KIND_ALIASES = {"": "visit", "tham": "visit", "sua": "correction", "dinh chinh": "correction",
                "correct": "correction"}
NO_OUTCOME = "none"
"""A correction's outcome when the visit did not happen: the recorded outcome is removed."""
VI_HEADERS = {
    "date": "Ngày", "team": "Tổ", "household_id": "Mã hộ", "resident_id": "Mã người",
    "outcome": "Kết quả", "note": "Ghi chú", "name": "Họ tên", "village": "Thôn",
    "planned": "Giờ dự kiến", "kind": "Loại", "reason": "Lý do",
}
"""The Vietnamese header of each column, as the Vietnamese sheets write them
(part of the sheet's format, like the codes: an import reads them back)."""
HEADER_ALIASES = {
    "ngay": "date", "ngay tham": "date", "to": "team", "to cong tac": "team", "doi": "team",
    "ma ho": "household_id", "ma nguoi": "resident_id", "ma cong dan": "resident_id",
    "ket qua": "outcome", "ghi chu": "note", "notes": "note", "loai": "kind",
    "ly do": "reason", "ten": "name", "ho va ten": "name", "ban": "village",
    "thon ban": "village", "gio": "planned", "du kien": "planned",
} | {fold(header): column for column, header in VI_HEADERS.items()}
OUTCOME_ALIASES = {
    "da thu nhan": "enrolled", "da cap": "enrolled", "xong": "enrolled",
    "khong o nha": "not_home", "vang nha": "not_home", "vang": "not_home",
    "tu choi": "refused", "lam lai": "retry_needed", "can lam lai": "retry_needed",
    "chuyen di": "moved", "da chuyen di": "moved", "qua doi": "deceased", "da mat": "deceased",
    "not home": "not_home", "retry needed": "retry_needed", "retry": "retry_needed",
    "khong tham": NO_OUTCOME, "xoa": NO_OUTCOME,
}
TABLE = TableSpec(columns=COLUMNS + READER_COLUMNS + (KIND_COLUMN, REASON_COLUMN),
                  required=COLUMNS[:5], aliases=HEADER_ALIASES,
                  row_noun=msg("resident visited"), rows_noun=msg("outcomes"),
                  sheet_noun=msg("outcomes"))


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
    kind: str = "visit"


@dataclass(frozen=True)
class ImportReport:
    """What an import did: ``status`` is ``imported``, ``already`` (a no-op)
    or ``rejected`` (no valid row: nothing stored). ``new`` rows were stored;
    ``same`` were already recorded identically; ``corrected`` replaced a
    recorded outcome; ``rejected`` rows went to the ``rejects`` file.
    ``moved``: for an export from an earlier plan of its day, what the newer
    plan of that day had changed for its households (plain sentences)."""

    status: str
    file: str
    sha256: str
    new: int = 0
    same: int = 0
    previous: str = ""
    #: when the earlier import of the same bytes happened (ISO time)
    previous_at: str = ""
    corrected: int = 0
    rejected: int = 0
    rejects: str = ""
    moved: tuple[str, ...] = ()
    #: why each rejected row was rejected (file › row › what › fix)
    problems: tuple[Problem, ...] = ()


#: Outcomes after which a resident is closed: no later visit can be recorded.
FINAL_OUTCOMES = ("deceased", "moved")


def parse_date(value: Any) -> dt.date:
    """``YYYY-MM-DD``, ``DD/MM/YYYY`` or a spreadsheet date → ``date``; a day that
    does not exist (2026-02-30) raises a ``ValueError`` saying so."""
    return parse_day(value if isinstance(value, dt.date) else nfc(value), day_first=True)


def headers(columns: tuple[str, ...], lang: str) -> list[str]:
    """The header row of a sheet of ``columns`` in ``lang``: the column names
    in English, ``VI_HEADERS`` in Vietnamese (both read back)."""
    return [VI_HEADERS[c] if lang == "vi" else c for c in columns]


def outcome_words(lang: str) -> list[str]:
    """The outcomes as a sheet in ``lang`` offers them (its drop-down): the
    codes in English, the phone map's and itinerary's words in Vietnamese."""
    _ = gettext_for(lang)
    return [_(word) if lang == "vi" else code for code, word in OUTCOME_WORDS]


@cache
def _word_codes() -> dict[str, str]:
    """Each outcome's words in every language (folded) → its code: a sheet
    written in any language reads back, whatever the catalog's wording."""
    return {fold(gettext_for(lang)(word)): code
            for lang in LANGS for code, word in OUTCOME_WORDS}


def _outcome(value: Any, kind: str = "visit") -> str | None:
    text = nfc(value).lower()
    if text in OUTCOMES or (kind == "correction" and text == NO_OUTCOME):
        return text
    found = _word_codes().get(fold(text)) or OUTCOME_ALIASES.get(fold(text))
    return None if found == NO_OUTCOME and kind != "correction" else found


def _kind(value: Any) -> str | None:
    text = nfc(value).lower()
    return text if text in KINDS else KIND_ALIASES.get(fold(text))


def _check_row(number: int, row: dict[str, Any], col: _Collector, residents: dict[str, str],
               teams: set[str], start: dt.date | None, today: dt.date) -> OutcomeRow | None:
    """One row's fields checked (problems to ``col``): the row, or None when bad."""
    where = f"row {number}"
    bad = False
    kind = _kind(row.get(KIND_COLUMN))
    if kind is None:
        col.error(f"{where}, field kind", msg("unknown kind '{get}'",
                                              get=nfc(row.get(KIND_COLUMN))),
                  msg("leave it blank for a visit, or write correction to replace a recorded "
                      "outcome"))
        kind, bad = "visit", True
    try:
        day = parse_date(row.get("date"))
    except ValueError as exc:
        col.error(f"{where}, field date",
                  reason_of(exc) if nfc(row.get("date")) else msg("missing"),
                  msg("write the visit's date as YYYY-MM-DD or DD/MM/YYYY, a day that exists"))
        day, bad = dt.date.min, True
    else:
        if start is not None and day < start:
            col.error(f"{where}, field date", msg("{day} is before the campaign's start "
                                                  "({start})",
                                                  day=day,
                                                  start=start),
                      msg("check the date (the year?); visits before the "
                          "campaign cannot be recorded in it"))
            bad = True
        elif day > today:
            col.error(f"{where}, field date", msg("{day} is in the future (today is {today})",
                                                  day=day, today=today),
                      msg("check the date (the year?): record a visit once it has happened"))
            bad = True
    team = nfc(row.get("team"))
    if team not in teams:
        col.error(f"{where}, field team", msg("unknown team '{team}'",
                                              team=team) if team else msg("missing"),
                  msg("use a team id of the scenario: {listing}", listing=', '.join(sorted(teams))))
        bad = True
    rid = nfc(row.get("resident_id"))
    hid = nfc(row.get("household_id"))
    if rid not in residents:
        col.error(f"{where}, field resident_id",
                  msg("unknown resident '{rid}'", rid=rid) if rid else msg("missing"),
                  msg("copy the resident's code from the day's plan or the households table"))
        bad = True
    elif hid != residents[rid]:
        col.error(f"{where}, field household_id",
                  msg("resident {rid} lives in household {residents}, not '{hid}'",
                      rid=rid, residents=residents[rid], hid=hid),
                  msg("write {residents}, or check the resident's code", residents=residents[rid]))
        bad = True
    outcome = _outcome(row.get("outcome"), kind)
    if outcome is None:
        raw = nfc(row.get("outcome"))
        extra = msg(" or {no} (the visit did not happen)", no=NO_OUTCOME) \
            if kind == "correction" else ""
        col.error(f"{where}, field outcome",
                  msg("unknown outcome '{raw}'", raw=raw) if raw else msg("missing"),
                  msg("use one of: {listing}{extra} (or in Vietnamese: {words})",
                      listing=', '.join(OUTCOMES), extra=extra,
                      words=', '.join(outcome_words("vi"))))
        bad = True
    note = nfc(row.get("note"))
    if kind == "correction" and not note:
        col.error(f"{where}, field note", msg("a correction without a reason"),
                  msg("say in the note why the recorded outcome was wrong (it is kept in the "
                      "audit trail)"))
        bad = True
    if bad:
        return None
    return OutcomeRow(number, day, team, hid, rid, outcome, note, kind)  # type: ignore[arg-type]


def validate_rows(rows: list[tuple[int, dict[str, Any]]], col: _Collector,
                  residents: dict[str, str], teams: set[str],
                  recorded: dict[tuple[str, str], str], start: dt.date | None,
                  today: dt.date) -> list[OutcomeRow]:
    """Check every row; problems go to ``col``. ``residents`` maps resident id →
    household id; ``recorded`` maps (resident, date ISO) → outcome already stored.

    A visit's date must lie between the campaign's ``start`` (when known) and
    ``today``; nothing can follow a resident's ``deceased`` or ``moved``,
    neither in the file nor after one already recorded (once corrections of
    the same file are applied). A visit row must agree with an outcome already
    recorded; a correction row needs one to replace, and a reason.
    """
    valid: list[OutcomeRow] = []
    seen: dict[tuple[str, dt.date], int] = {}
    after = dict(recorded)
    for number, row in rows:
        if not nfc(row.get("outcome")):
            continue  # no outcome: the resident was not visited (a prefilled row left blank)
        v = _check_row(number, row, col, residents, teams, start, today)
        if v is None:
            continue
        where, rid, day = f"row {number}", v.resident_id, v.date
        key = (rid, day)
        if key in seen:
            col.error(f"{where}", msg("resident {rid} already has a row for {day} (row {seen})",
                                      rid=rid, day=day, seen=seen[key]),
                      msg("keep one row per resident and day"))
            continue
        seen[key] = number
        before = recorded.get((rid, day.isoformat()))
        if v.kind == "visit" and before is not None and before != v.outcome:
            col.error(f"{where}, field outcome",
                      msg("resident {rid} on {day} is already recorded as '{before}'",
                          rid=rid, day=day, before=before),
                      msg("if the recorded outcome is wrong, write correction in this row's kind "
                          "column and why in its note (or use `plan.py record CAMPAIGN --correct "
                          "{rid} --date {day} --outcome {outcome} --why ...`); otherwise fix "
                          "this row to match", rid=rid, day=day, outcome=v.outcome))
            continue
        if v.kind == "correction":
            if before is None:
                col.error(f"{where}, field kind",
                          msg("nothing to correct: no outcome is recorded for resident {rid} "
                              "on {day}",
                              rid=rid, day=day), msg("leave kind blank to record the visit"))
                continue
            later = sorted(d for (r, d) in recorded if r == rid and d > day.isoformat())
            if v.outcome in FINAL_OUTCOMES and later:
                col.error(f"{where}, field outcome",
                          msg("resident {rid} has visits recorded after {day} ({listing}), "
                              "so they cannot be '{outcome}' on {day}",
                              rid=rid, day=day, listing=', '.join(later), outcome=v.outcome),
                          msg("correct those later visits first, or check the date"))
                continue
            if v.outcome == NO_OUTCOME:
                after.pop((rid, day.isoformat()), None)
            else:
                after[(rid, day.isoformat())] = v.outcome
        valid.append(v)
    return _drop_after_final(valid, after, col)


def _drop_after_final(valid: list[OutcomeRow], recorded: dict[tuple[str, str], str],
                      col: _Collector) -> list[OutcomeRow]:
    """``valid`` without the rows that follow their resident's deceased or moved
    (recorded before, or in the same file); each of those is a problem in ``col``."""
    finals: dict[str, list[tuple[dt.date, str, str]]] = {}
    for (rid, day), outcome in recorded.items():
        if outcome in FINAL_OUTCOMES:
            finals.setdefault(rid, []).append((dt.date.fromisoformat(day), outcome, ""))
    for v in valid:
        if v.outcome in FINAL_OUTCOMES and v.kind == "visit":
            finals.setdefault(v.resident_id, []).append((v.date, v.outcome, msg(" (row {row})",
                                                                                row=v.row)))
    kept = []
    for v in valid:
        earlier = [f for f in finals.get(v.resident_id, ()) if f[0] < v.date]
        if not earlier:
            kept.append(v)
            continue
        day, outcome, on_row = min(earlier)
        col.error(f"row {v.row}, field outcome",
                  msg("resident {resident_id} is recorded as '{outcome}' on {day}{on_row}, so "
                      "no visit can follow on {date}",
                      resident_id=v.resident_id,
                      outcome=outcome, day=day, on_row=on_row, date=v.date),
                  msg("delete this row, or correct the '{outcome}' row if it was a mistake",
                      outcome=outcome))
    return kept


def rejects_path(path: Path) -> Path:
    """Where the rows of ``path`` that were not imported go: ``NAME.rejects.csv``."""
    return path.with_name(f"{path.stem}.rejects.csv")


def _row_of(problem: Problem) -> int | None:
    """The sheet row a problem names (``row N…``), None for the whole file."""
    m = re.match(r"row (\d+)\b", problem.where)
    return int(m.group(1)) if m else None


def _headed(problem: Problem, lang: str) -> Problem:
    """``problem`` naming its column as the Vietnamese sheet (the default
    template) heads it: ``Kết quả``, not the code ``outcome``."""
    head, sep, column = problem.where.partition(", field ")
    if lang != "vi" or not sep or column not in VI_HEADERS:
        return problem
    return replace(problem, where=f"{head}{sep}{VI_HEADERS[column]}")


def _cell(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, dt.date) else nfc(value)


def write_rejects(target: Path, rows: list[tuple[int, dict[str, Any]]],
                  errors: list[Problem], lang: str = "vi") -> int:
    """Write the rows named by ``errors`` to ``target`` (a sheet of the usual
    columns, ``kind``, and ``reason``: each problem and its fix, in ``lang``,
    under headers in ``lang``). Returns how many rows it holds."""
    _ = gettext_for(lang)
    reasons: dict[int, list[str]] = {}
    for p in errors:
        number = _row_of(p)
        if number is not None:
            field_ = p.where.partition(", field ")[2]
            named = (VI_HEADERS.get(field_, where_text(field_, _)) if lang == "vi" else field_)
            reasons.setdefault(number, []).append(
                (f"{named}: " if field_ else "")
                + _("{what} (fix: {fix})").format(what=message_text(p.what, _),
                                                  fix=message_text(p.fix, _)))
    text = csv_text(headers(COLUMNS + (KIND_COLUMN, REASON_COLUMN), lang), (
        [_cell(row.get(c)) for c in COLUMNS + (KIND_COLUMN,)] + ["; ".join(reasons[number])]
        for number, row in rows if number in reasons))
    write_atomic(target, "\ufeff" + text)
    return len(reasons)


def import_outcomes(conn: sqlite3.Connection, path: str | Path, teams: set[str], *,
                    today: dt.date, now: dt.datetime, all_or_nothing: bool = False,
                    rejects: Path | None = None, by: str = "", lang: str = "vi",
                    ) -> ImportReport:
    """Import an outcomes sheet into the campaign state.

    Every row is checked first. Bad rows go to the ``rejects`` file (default:
    ``rejects_path(path)``) with their reasons and the others are stored; with
    ``all_or_nothing``, or for a problem of the whole file, ``InputError``
    lists every problem and nothing is stored. Importing a file with the same
    content again stores nothing. Visits must be dated from the campaign's
    start to ``today``; ``now`` (UTC) is stored as the import's time, and
    with ``by`` (who imports) on each correction the file carries. The
    rejects file speaks ``lang`` (its headers and reasons). Before
    storing, the state is copied to ``campaign.db.bak`` (``db.backup``).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(str(path), "", msg("cannot be read ({strerror})",
                                                    strerror=exc.strerror),
                                 msg("check the path"))) from None
    digest = hashlib.sha256(data).hexdigest()
    with db.transaction(conn):
        previous = db.imported(conn, digest)
        if previous is not None:
            return ImportReport("already", str(path), digest,
                                previous=previous[0], previous_at=previous[1])
        col = _Collector(str(path))
        rows = read_table(path, col, TABLE)
        recorded = db.recorded_outcomes(conn)
        start_text = db.meta(conn).get("start", "")
        start = dt.date.fromisoformat(start_text) if start_text else None
        valid = validate_rows(rows or [], col, db.resident_households(conn), teams, recorded,
                              start, today)
        errors = [_headed(p, lang) for p in col.problems if p.severity == "error"]
        numbers = {n for n, _row in rows or []}
        if errors and (all_or_nothing or any(_row_of(p) not in numbers for p in errors)):
            raise InputError(errors)  # a whole-file problem (or a row no table holds)
        report = ImportReport("imported", str(path), digest)
        if errors:
            target = rejects or rejects_path(path)
            report = replace(report, rejected=write_rejects(target, rows or [], errors, lang),
                             rejects=str(target), problems=tuple(errors))
        if not valid:
            return replace(report, status="rejected")
        db.backup(conn)
        new = [v for v in valid if v.kind == "visit"
               and (v.resident_id, v.date.isoformat()) not in recorded]
        fixes = [v for v in valid if v.kind == "correction"
                 and recorded[(v.resident_id, v.date.isoformat())] != v.outcome]
        import_id = db.store_import(
            conn, digest, path.name, len(valid),
            [(v.resident_id, v.date, v.household_id, v.team, v.outcome, v.note)
             for v in new], now=now)
        for v in fixes:
            db.correct_outcome(conn, v.resident_id, v.date,
                               None if v.outcome == NO_OUTCOME else v.outcome, v.note, v.team,
                               by=by or "?", why=v.note, now=now, import_id=import_id)
    return replace(report, new=len(new), corrected=len(fixes),
                   same=len(valid) - len(new) - len(fixes))


def template_rows(planned: list[tuple[str, str, int]], day: dt.date,
                  residents: dict[str, list[str]],
                  readers: dict[str, tuple[str, str]] | None = None) -> list[list[str]]:
    """Rows prefilled from ``planned`` = ``(household, team, planned arrival in
    seconds after midnight)`` on ``day`` (outcome left blank): one per resident
    of each household planned that day, whatever the mode (``residents``:
    household → resident ids planned). With ``readers`` (resident id → (name
    or initials, village name)) each row also carries the name, the village
    and the planned arrival as HH:MM (``READER_COLUMNS``)."""
    rows = []
    for hid, team, arrive_s in planned:
        for rid in residents.get(hid, []):
            extra = (list(readers.get(rid, ("", ""))) + [format_clock(arrive_s)]
                     if readers is not None else [])
            rows.append([day.isoformat(), team, hid, rid, "", ""] + extra)
    return rows


def template_csv(rows: list[list[str]] | None = None, lang: str = "vi") -> str:
    """The sheet as CSV text (UTF-8; Excel opens it with the BOM the writer
    adds), its headers in ``lang``; a cell that a spreadsheet would run as a
    formula is neutralised (``planner.privacy.csv_text``) and reads back as
    the same text."""
    wide = any(len(r) > len(COLUMNS) for r in rows or [])
    return csv_text(headers(COLUMNS + READER_COLUMNS if wide else COLUMNS, lang), rows or [])


def template_xlsx(rows: list[list[str]] | None = None, lang: str = "vi") -> bytes:
    """The sheet as an .xlsx workbook in ``lang`` (headers, the drop-down list
    of outcomes, the help sheet); every text is stored as a string, never as a
    formula (``planner.privacy.xlsx_text_cell``)."""
    # imported here: openpyxl loads only for an .xlsx file
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    _ = gettext_for(lang)
    wb = Workbook()
    ws = wb.active
    ws.title = _("outcomes")
    wide = any(len(r) > len(COLUMNS) for r in rows or [])
    ws.append(headers(COLUMNS + READER_COLUMNS if wide else COLUMNS, lang))
    for number, row in enumerate(rows or [], start=2):
        for column, value in enumerate(row, start=1):
            xlsx_text_cell(ws.cell(row=number, column=column), value)
    words = outcome_words(lang)
    check = DataValidation(type="list", formula1='"' + ",".join(words) + '"',
                           allow_blank=True)
    ws.add_data_validation(check)
    check.add(f"E2:E{max(500, len(rows or []) + 100)}")
    for letter, width in zip("ABCDEFGHI", (12, 8, 14, 14, 14, 40, 24, 18, 8), strict=True):
        ws.column_dimensions[letter].width = width
    help_ws = wb.create_sheet(_("help"))
    names = dict(zip(COLUMNS + READER_COLUMNS, headers(COLUMNS + READER_COLUMNS, lang),
                     strict=True))
    for line in (
        _("One row per resident visited. Columns: {date} (YYYY-MM-DD), {team} (team id), "
          "{household_id}, {resident_id}, {outcome}, {note} ({name}, {village} and {planned}, "
          "when present, are for reading and are ignored on import).").format(**names),
        _("A row whose outcome is left blank means the resident was not visited."),
        _("{outcome}: {words} ({retry}: e.g. fingerprints failed).").format(
            outcome=names["outcome"], words=", ".join(words), retry=words[3]),
        _("Import: {command}").format(command="python plan.py record CAMPAIGN_DIR "
                                              "THIS_FILE.xlsx"),
    ):
        help_ws.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
