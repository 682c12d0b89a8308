"""The outcomes sheet in both languages: ``record --template`` writes
Vietnamese headers, drop-down and help by default and English ones with
``--lang en``; ``record`` reads either back, and the English sheets people
already have (codes or English words); the rejects file speaks the language
of the command line.

One small campaign (tests/data/scenarios/ok_small, 0.1 s a day, nothing
drawn) is planned once; each test records into its own copy.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from planner.cli import cli
from planner.render.views import OUTCOME_WORDS
from planner.state import db
from planner.state.sheet import COLUMNS, OUTCOME_ALIASES, VI_HEADERS, outcome_words

SMALL = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
DAY = "2026-11-24"
TODAY = "2026-12-31"


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> Path:
    """The campaign of ok_small, planned once for the module."""
    out = tmp_path_factory.mktemp("sheet") / "campaign"
    result = CliRunner().invoke(cli, ["campaign", str(SMALL), "--out", str(out), "--deadline",
                                      "2026-11-27", "--time-limit", "0.1", "--draw", "none",
                                      "--quiet"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture()
def campaign(planned: Path, tmp_path: Path) -> Path:
    """A copy of the planned campaign for one test."""
    out = tmp_path / "campaign"
    shutil.copytree(planned, out)
    return out


def _recorded(folder: Path) -> dict[str, str]:
    conn = db.open_campaign(folder)
    try:
        return {o.resident_id: o.outcome for o in db.outcomes(conn)}
    finally:
        conn.close()


def _template(folder: Path, stem: Path, *lang: str) -> None:
    result = CliRunner().invoke(cli, ["record", str(folder), "--template", "--date", DAY,
                                      "--out", str(stem), *lang])
    assert result.exit_code == 0, result.output


def _fill(path: Path, words: list[str]) -> dict[str, int]:
    """Fill the outcome column of the .xlsx at ``path`` with ``words`` in
    turn; returns each resident's row index into ``words``."""
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    chosen = {}
    for k, row in enumerate(ws.iter_rows(min_row=2), start=0):
        row[4].value = words[k % len(words)]
        chosen[row[3].value] = k % len(words)
    wb.save(path)
    return chosen


def test_vietnamese_template_is_filled_and_recorded(campaign: Path, tmp_path: Path) -> None:
    """By default the sheet's headers are Vietnamese (``VI_HEADERS``), its
    drop-down offers the phone's and itinerary's Vietnamese words, its help is
    Vietnamese; filled in with those words it records each as its code."""
    stem = tmp_path / "vi"
    _template(campaign, stem)
    header = next(csv.reader(stem.with_suffix(".csv").read_text(encoding="utf-8-sig")
                             .splitlines()))
    assert header == [VI_HEADERS[c] for c in COLUMNS + ("name", "village", "planned")]
    wb = load_workbook(stem.with_suffix(".xlsx"))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]][:6] == [VI_HEADERS[c] for c in COLUMNS]
    words = outcome_words("vi")
    assert "đã thu nhận" in words and not set(words) & {"enrolled", "not_home", "refused"}
    assert ws.data_validations.dataValidation[0].formula1 == '"' + ",".join(words) + '"'
    assert "Mỗi người dân được thăm một hàng" in wb.worksheets[1]["A1"].value
    chosen = _fill(stem.with_suffix(".xlsx"), words)
    result = CliRunner().invoke(cli, ["record", str(campaign), str(stem.with_suffix(".xlsx")),
                                      "--today", TODAY])
    assert result.exit_code == 0, result.output
    codes = [code for code, _word in OUTCOME_WORDS]
    assert _recorded(campaign) == {rid: codes[k] for rid, k in chosen.items()}


def test_english_template_is_filled_and_recorded(campaign: Path, tmp_path: Path) -> None:
    """With ``--lang en`` the headers are the column names and the drop-down
    the codes; filled in with the codes it records them."""
    stem = tmp_path / "en"
    _template(campaign, stem, "--lang", "en")
    ws = load_workbook(stem.with_suffix(".xlsx")).worksheets[0]
    assert [c.value for c in ws[1]][:6] == list(COLUMNS)
    codes = outcome_words("en")
    assert codes == ["enrolled", "not_home", "refused", "retry_needed", "moved", "deceased"]
    chosen = _fill(stem.with_suffix(".xlsx"), codes)
    result = CliRunner().invoke(cli, ["record", str(campaign), str(stem.with_suffix(".xlsx")),
                                      "--today", TODAY, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert _recorded(campaign) == {rid: codes[k] for rid, k in chosen.items()}


def test_an_old_english_sheet_still_records(campaign: Path, tmp_path: Path) -> None:
    """A sheet written before the Vietnamese default (English headers, English
    words such as "not home") records as it did; a bad row goes to the rejects
    file with Vietnamese headers and reasons by default."""
    stem = tmp_path / "probe"
    _template(campaign, stem, "--lang", "en")
    rows = list(csv.reader(stem.with_suffix(".csv").read_text(encoding="utf-8-sig")
                           .splitlines()))[1:]
    assert rows
    old = tmp_path / "old.csv"
    lines = ["date,team,household_id,resident_id,outcome,note"]
    lines += [",".join(r[:4] + ["not home", ""]) for r in rows]
    lines.append(f"{DAY},T1,H1,NOBODY,not home,")
    old.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert OUTCOME_ALIASES["not home"] == "not_home"
    result = CliRunner().invoke(cli, ["record", str(campaign), str(old), "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert set(_recorded(campaign).values()) == {"not_home"}
    assert len(_recorded(campaign)) == len(rows)
    rejects = list(csv.reader((tmp_path / "old.rejects.csv").read_text(encoding="utf-8-sig")
                              .splitlines()))
    assert rejects[0] == [VI_HEADERS[c] for c in COLUMNS + ("kind", "reason")]
    assert "cách sửa" in rejects[1][-1] and "fix" not in rejects[1][-1]
