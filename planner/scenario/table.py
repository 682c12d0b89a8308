"""Reading a table (CSV or Excel ``.xlsx``) into numbered rows of named cells.

A ``TableSpec`` names the columns a table may have, the required ones and the
header aliases an office spreadsheet may use (compared folded, without
diacritics); the households table is the default. Row numbers count the
header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import msg
from planner.privacy import read_cell
from planner.scenario.reading import check_input_file, read_text
from planner.scenario.values import _clip, _Collector, _suggest, fold, nfc

LOG = logging.getLogger(__name__)

COLUMNS = ("household_id", "village", "lon", "lat", "contact", "resident_id", "full_name",
           "condition", "available", "mode", "waiting_days", "id_number", "notes")
REQUIRED_COLUMNS = ("household_id", "village", "resident_id", "full_name", "condition")

# Vietnamese headers an office spreadsheet may use, compared without diacritics.
COLUMN_ALIASES = {
    "ma ho": "household_id", "thon ban": "village", "ban": "village", "thon": "village",
    "kinh do": "lon", "vi do": "lat", "dien thoai": "contact", "lien he": "contact",
    "ma nguoi": "resident_id", "ma cong dan": "resident_id", "ho va ten": "full_name",
    "ho ten": "full_name", "tinh trang": "condition", "gio o nha": "available",
    "thoi gian o nha": "available", "hinh thuc": "mode", "so ngay cho": "waiting_days",
    "so dinh danh": "id_number", "so cccd": "id_number", "ghi chu": "notes",
}


@dataclass(frozen=True)
class TableSpec:
    """The columns a table may have: canonical names, required ones, header
    aliases (compared folded, without diacritics), and what one row is."""

    columns: tuple[str, ...] = COLUMNS
    required: tuple[str, ...] = REQUIRED_COLUMNS
    aliases: Any = field(default_factory=lambda: COLUMN_ALIASES)
    row_noun: str = msg("resident who needs enrolment")
    rows_noun: str = msg("residents")
    sheet_noun: str = msg("households")


HOUSEHOLDS_TABLE = TableSpec()


def _canonical_columns(header: list[str], col: _Collector,
                       spec: TableSpec = HOUSEHOLDS_TABLE,
                       below: list[Any] | None = None) -> list[str | None]:
    """The canonical column name of each header cell (None for a blank, unknown
    or repeated one, reported), and a problem for each required column missing.
    ``below``: the row under the header, to recognise a merged header cell.
    A header naming no known column at all is reported once, without quoting
    it: the file is then probably not this table at all."""
    names: list[str | None] = []
    first: dict[str, tuple[int, str]] = {}
    if any(nfc(c) for c in header) and not any(_known(nfc(c), spec) for c in header):
        col.error("row 1", msg("no cell of the first row names a column of the {sheet_noun} "
                               "table: this does not look like "
                               "the {sheet_noun} table",
                               sheet_noun=spec.sheet_noun),
                  msg("check that the path names the right file; "
                      "its first row must name the columns: {listing}",
                      listing=', '.join(spec.columns)))
        return [None] * len(header)
    for k, raw in enumerate(header, start=1):
        name = nfc(raw)
        if not name:
            names.append(None)
            continue
        canonical = _known(name, spec)
        if canonical is not None and canonical in first:
            at, given = first[canonical]
            col.error(f"header, column {k} '{_clip(name)}'",
                      msg("a second {canonical} column (column {at} '{given}' is one "
                          "already); only one of them would be read",
                          canonical=canonical,
                          at=at, given=_clip(given)), msg("keep one column per field: "
                                                          "delete or rename the other"))
            names.append(None)
        elif canonical is not None:
            first[canonical] = (k, name)
            names.append(canonical)
        else:
            _unknown_column(header, k, below, col, spec)
            names.append(None)
    for required in spec.required:
        if required not in names:
            col.error("header", msg("column '{required}' is missing", required=required),
                      msg("add a column named {required}; columns: {listing}",
                          required=required, listing=', '.join(spec.columns)))
    return names


def _known(name: str, spec: TableSpec) -> str | None:
    """The canonical column a header cell names (None when it names none)."""
    key = name.lower().strip()
    return key if key in spec.columns else spec.aliases.get(fold(name))


def _merged_span(header: list[str], k: int, below: list[Any] | None) -> int:
    """The last column a header cell ``k`` (1-based) spans as a merged cell: the
    blank header cells after it with something under them in ``below``; ``k``
    when it spans none."""
    span = k
    while span < len(header) and not nfc(header[span]):
        span += 1
    if below is None or not any(nfc(c) for c in below[k:span]):
        return k
    return span


def _unknown_column(header: list[str], k: int, below: list[Any] | None, col: _Collector,
                    spec: TableSpec) -> None:
    """Report header cell ``k`` (1-based), which names no column. A cell
    followed by blank header cells is a merged cell over several columns:
    the fix is to name each column (with the names the row below gives), not
    to delete it."""
    name = nfc(header[k - 1])
    span = _merged_span(header, k, below)
    where = f"header, column {k} '{_clip(name)}'"
    if span > k:
        under = [_known(nfc(c), spec) for c in (below or [])[k - 1:span]]
        named = [msg("column {n} {name}", n=k + i, name=u) for i, u in enumerate(under) if u]
        col.error(where, msg("one header cell over columns {k}–{span} (a merged cell?); those "
                             "columns have no names of their own", k=k, span=span),
                  msg("unmerge it and give each column its own name: {named}; the header "
                      "must be one row", named=named) if named else
                  msg("unmerge it and give each column its own name (columns: {listing}); "
                      "the header must be one row", listing=', '.join(spec.columns)))
        return
    close = _suggest(name.lower().strip(), spec.columns)
    if close.startswith("did you mean"):
        col.error(where, msg("unknown column"), close)
    else:
        col.error(where, msg("unknown column"), msg("rename it to the column it holds (columns: "
                      "{listing}), or delete the column if the planner does not "
                                                    "need it", listing=', '.join(spec.columns)))


def read_table(path: Path, col: _Collector, spec: TableSpec = HOUSEHOLDS_TABLE,
               base: Path | None = None) -> list[tuple[int, dict[str, Any]]] | None:
    """Rows of a CSV or .xlsx table as ``(row number, {column: value})``.

    Row numbers count the header as row 1, as a spreadsheet shows them.
    ``spec`` names the columns (default: the households table). The file is
    checked before it is opened (``check_input_file``; ``base``: the
    scenario's folder, which a symbolic link may not leave).
    """
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        if not check_input_file(path, col, base):
            return None
        return _read_xlsx(path, col, spec)
    text = read_text(path, col, base)
    if text is None:
        return None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        rows = list(reader)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            col.error(f"line {reader.line_num}", msg("a cell is longer than "
                                                     "{field_size_limit:,} characters",
                                                     field_size_limit=csv.field_size_limit()),
                      msg("shorten that cell: a cell holds a code, a name or a short note"))
        else:
            LOG.debug("CSV %s: %r", path, exc)
            col.error(f"line {reader.line_num}", msg("not a valid CSV (a quote or a separator "
                          "out of place)"), msg("check the quotes on that line"))
        return None
    # a cell the project neutralised for spreadsheets ('=…) reads back as written
    return _rows_with_header([[read_cell(c) for c in r] for r in rows], col, spec)


def _rows_with_header(rows: list[list[Any]], col: _Collector,
                      spec: TableSpec = HOUSEHOLDS_TABLE):
    """``(row number, {column: value})`` for each non-blank row below the header
    (row 1); None when the header is missing, lower down, or lacks a required column."""
    rows = [list(r) for r in rows]
    names = _canonical_columns([nfc(c) for c in rows[0]], _Collector(col.file), spec) \
        if rows else []
    if rows and any(required not in names for required in spec.required):
        for number, row in enumerate(rows[1:10], start=2):
            found = _canonical_columns([nfc(c) for c in row], _Collector(col.file), spec)
            if all(required in found for required in spec.required):
                above = msg("row 1") if number == 2 else msg("rows 1–{last}", last=number - 1)
                col.error(f"row {number}", msg("the header (the column names) is on row {number}, "
                                               "not row 1: a title or blank {above} above it",
                                               number=number, above=above),
                          msg("delete {above} so that the column names are on row 1", above=above))
                return None
    if not rows or not any(nfc(c) for c in rows[0]):
        col.error("row 1", msg("the header row is missing"),
                  msg("the first row must name the columns: {listing}",
                      listing=', '.join(spec.columns)))
        return None
    below = rows[1] if len(rows) > 1 else None
    names = _canonical_columns([nfc(c) for c in rows[0]], col, spec, below)
    if any(required not in names for required in spec.required):
        return None  # row checks would only repeat the missing column
    if any(nfc(c) and _known(nfc(c), spec) is None and _merged_span(rows[0], k, below) > k
           for k, c in enumerate(rows[0], start=1)):
        return None  # the row under a merged header cell is more header, not a resident
    result = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(nfc(c) for c in row):
            continue
        if len(row) > len(names) and any(nfc(c) for c in row[len(names):]):
            col.error(f"row {number}", msg("{length} cells but the header has {length2}",
                                           length=len(row), length2=len(names)),
                      msg("remove the extra cells or add a header for them"))
        values = {name: row[i] if i < len(row) else None
                  for i, name in enumerate(names) if name}
        result.append((number, values))
    if not result:
        col.error("", msg("the table has a header but no {rows_noun}", rows_noun=spec.rows_noun),
                  msg("add one row per {row_noun}", row_noun=spec.row_noun))
    return result


def _read_xlsx(path: Path, col: _Collector, spec: TableSpec = HOUSEHOLDS_TABLE):
    """The rows of the first sheet of an ``.xlsx`` file, as ``_rows_with_header``."""
    # imported here: openpyxl loads only for an .xlsx file
    from openpyxl import load_workbook  # heavy (0.3 s): loaded only for an Excel table

    if not path.is_file():
        col.error("", msg("file not found"),
                  msg("check the path; paths in the YAML are relative to it"))
        return None
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        LOG.debug("xlsx %s: %r", path, exc)
        col.error("", msg("not a readable Excel .xlsx file"),
                  msg("save it again from Excel as .xlsx, or export CSV UTF-8"))
        return None
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    if not rows:
        col.error("", msg("the first sheet is empty"),
                  msg("put the {sheet_noun} on the first sheet",
                      sheet_noun=spec.sheet_noun))
        return None
    return _rows_with_header(rows, col, spec)


def header_columns(header: list[Any], spec: TableSpec = HOUSEHOLDS_TABLE) -> list[str | None]:
    """The canonical column each cell of ``header`` names (None: blank or
    unknown), without reporting anything: for a writer that edits a table in place."""
    return [_known(nfc(c), spec) if nfc(c) else None for c in header]


def table_rows(path: Path, spec: TableSpec = HOUSEHOLDS_TABLE
               ) -> list[tuple[int, dict[str, Any]]]:
    """``read_table``'s rows of ``path`` with its problems left out (a table
    that cannot be read gives no rows): for showing or copying a table whose
    problems are reported elsewhere."""
    return read_table(path, _Collector(path.name), spec) or []


def table_text(path: Path) -> str | None:
    """The text of a CSV table as ``read_table`` decodes it (UTF-8 with or
    without BOM, UTF-16 with a BOM); None when it cannot be read."""
    return read_text(path, _Collector(path.name))
