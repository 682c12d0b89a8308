"""No formula injection: every spreadsheet cell the project writes that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is neutralised
(CSV: a leading ``'``; .xlsx: stored as a string, never a formula), and
``record`` reads it back as the same text.

A real campaign of the small scenario (one resident renamed to a
``=HYPERLINK(…)`` formula), real SQLite state, real CSV and .xlsx files.
"""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from planner.cli import cli
from planner.privacy import FORMULA_STARTS, csv_text, read_cell, safe_cell

SMALL = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
HOSTILE = '=HYPERLINK("http://example.invalid/x","bấm vào đây")'
NOTES = (HOSTILE, "+84 912 345 678", "-chưa xong", "@SUM(A1:A9)",
         "'=đã có dấu nháy", "'bình thường", "-3")


@given(st.text())
def test_safe_cell_reads_back_as_written(text: str) -> None:
    """Any text: ``read_cell(safe_cell(x)) == x``, and what is written never
    starts with a formula character unless it is a plain number."""
    written = safe_cell(text)
    assert read_cell(written) == text
    if written.startswith(FORMULA_STARTS):
        float(written)  # a plain number ("-3", "+1.5") is no formula


def test_csv_text_neutralises_every_formula_cell() -> None:
    """``csv_text``: each dangerous cell gets one leading ``'``; numbers
    (ints, floats, numeric texts) and plain texts are left as they are."""
    text = csv_text(["a", "b", "c"], [[HOSTILE, -2, "-2.5"], ["@x", "\rcr", "bản"]])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ["'" + HOSTILE, "-2", "-2.5"]
    assert rows[2] == ["'@x", "'\rcr", "bản"]


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> tuple[Path, Path]:
    """The small scenario with a resident named ``=HYPERLINK(…)``, its campaign
    planned (nothing drawn): (scenario folder, campaign folder)."""
    root = tmp_path_factory.mktemp("formula")
    scenario = root / "scenario"
    shutil.copytree(SMALL, scenario)
    path = scenario / "households.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("full_name")] = HOSTILE
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = root / "campaign"
    result = CliRunner().invoke(cli, ["campaign", str(scenario), "--out", str(out),
                                      "--deadline", "2026-11-27", "--time-limit", "0.1",
                                      "--draw", "none", "--quiet"])
    assert result.exit_code == 0, result.output
    return scenario, out


def _template(out: Path, stem: str) -> tuple[Path, Path]:
    result = CliRunner().invoke(cli, ["record", str(out), "--template", "--date", "2026-11-24",
                                      "--out", str(out / stem), "--lang", "en"])
    assert result.exit_code == 0, result.output
    return out / f"{stem}.csv", out / f"{stem}.xlsx"


def test_template_cells_are_never_formulas(campaign) -> None:
    """``record --template``: the CSV holds the hostile name as ``'=HYPERLINK…``
    and no cell starting with a formula character; the .xlsx stores it as a
    string cell (type ``s``, text format), not as a formula."""
    from openpyxl import load_workbook

    _scenario, out = campaign
    csv_path, xlsx_path = _template(out, "sheet")
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert "'" + HOSTILE in cells
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    ws = load_workbook(xlsx_path).worksheets[0]
    found = [c for row in ws.iter_rows() for c in row if c.value == HOSTILE]
    assert found and all(c.data_type == "s" and c.number_format == "@" for c in found)
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]


def _notes(out: Path) -> set[str]:
    conn = sqlite3.connect(out / "campaign.db")
    try:
        return {row[0] for row in conn.execute("SELECT note FROM outcomes")}
    finally:
        conn.close()


def test_record_reads_neutralised_cells_back_as_the_same_text(campaign) -> None:
    """A sheet filled in from the template, with notes that start like formulas
    (written by the project's own CSV writer, so neutralised), imports with
    each note stored exactly as typed; the same notes typed in the .xlsx
    (strings) import unchanged too."""
    from openpyxl import load_workbook

    _scenario, out = campaign
    csv_path, xlsx_path = _template(out, "filled")
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        rows = [[read_cell(c) for c in row] for row in csv.reader(fh)]
    header, body = rows[0], rows[1:]
    assert len(body) >= 2
    outcome, note = header.index("outcome"), header.index("note")
    for k, row in enumerate(body):
        row[outcome] = "not_home"
        row[note] = NOTES[k % len(NOTES)]
    csv_path.write_text("\ufeff" + csv_text(header, body), encoding="utf-8")
    result = CliRunner().invoke(cli, ["record", str(out), str(csv_path), "--today",
                                      "2026-12-31"])
    assert result.exit_code == 0, result.output
    typed = {NOTES[k % len(NOTES)] for k in range(len(body))}
    assert _notes(out) == typed

    wb = load_workbook(xlsx_path)
    ws = wb.worksheets[0]
    names = [c.value for c in ws[1]]
    later = list(reversed(NOTES))
    for k, row in enumerate(ws.iter_rows(min_row=2)):
        row[names.index("date")].value = "2026-11-25"
        row[names.index("outcome")].value = "not_home"
        cell = row[names.index("note")]
        cell.value = later[k % len(later)]
        cell.data_type = "s"
    wb.save(xlsx_path)
    result = CliRunner().invoke(cli, ["record", str(out), str(xlsx_path), "--today",
                                      "2026-12-31"])
    assert result.exit_code == 0, result.output
    assert _notes(out) == typed | {later[k % len(later)] for k in range(len(body))}
