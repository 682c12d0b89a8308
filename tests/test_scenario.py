"""Reading scenarios: CSV and Excel tables, Vietnamese text, clock times."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook

from planner.errors import InputError
from planner.scenario import fold, format_clock, load_scenario, parse_clock, parse_windows

OK = Path(__file__).parent / "data" / "scenarios" / "ok_small"


def _copy_ok(tmp_path: Path, csv_text: str | None = None) -> Path:
    (tmp_path / "scenario.yaml").write_text(
        (OK / "scenario.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "households.csv").write_text(
        csv_text if csv_text is not None else (OK / "households.csv").read_text("utf-8"),
        encoding="utf-8")
    return tmp_path / "scenario.yaml"


def test_ok_small_loads() -> None:
    """The small scenario gives its households with residents grouped per household."""
    scenario, warnings = load_scenario(OK / "scenario.yaml")
    assert [h.id for h in scenario.households] == ["H1", "H2", "H3", "H4", "H5"]
    h2 = scenario.households[1]
    assert [r.id for r in h2.residents] == ["R2", "R3"]
    assert h2.residents[0].windows[0].start_s == 7 * 3600
    assert scenario.households[4].approximate  # no coordinates: at its village
    assert len(warnings) == 1
    assert scenario.teams[0].lunch_s == 3600


def test_village_matched_by_name_without_diacritics() -> None:
    """A household's village may be given by name; 'Huổi Cơ Mông' resolves to HCM."""
    scenario, _ = load_scenario(OK / "scenario.yaml")
    assert scenario.households[2].village_id == "HCM"
    assert fold("Huổi Cơ Mông") == "huoi co mong"
    assert fold("Đường") == "duong"


def test_xlsx_table_equals_csv(tmp_path: Path) -> None:
    """The same households as an Excel .xlsx file give the same scenario."""
    import csv

    rows = list(csv.reader((OK / "households.csv").open(encoding="utf-8")))
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append([float(c) if c.replace(".", "").isdigit() and "." in c else c for c in row])
    wb.save(tmp_path / "households.xlsx")
    yaml_text = (OK / "scenario.yaml").read_text(encoding="utf-8")
    (tmp_path / "scenario.yaml").write_text(
        yaml_text.replace("households.csv", "households.xlsx"), encoding="utf-8")
    from_xlsx, _ = load_scenario(tmp_path / "scenario.yaml")
    from_csv, _ = load_scenario(OK / "scenario.yaml")
    assert from_xlsx.households == from_csv.households


def test_vietnamese_headers_and_values(tmp_path: Path) -> None:
    """Vietnamese column headers and condition words are understood."""
    text = (OK / "households.csv").read_text(encoding="utf-8")
    header, *rest = text.splitlines()
    header = header.replace("household_id", "Mã hộ").replace("full_name", "Họ và tên") \
        .replace("condition", "Tình trạng")
    body = "\n".join(rest).replace(",bedridden,", ",nằm liệt giường,")
    scenario, _ = load_scenario(_copy_ok(tmp_path, header + "\n" + body + "\n"))
    assert scenario.households[0].residents[0].condition == "bedridden"


def test_text_is_normalised_to_nfc(tmp_path: Path) -> None:
    """Names typed in decomposed Unicode (NFD) come out in NFC."""
    text = (OK / "households.csv").read_text(encoding="utf-8")
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    scenario, _ = load_scenario(_copy_ok(tmp_path, nfd))
    name = scenario.households[0].residents[0].full_name
    assert name == "Lò Thị Mỷ"
    assert unicodedata.is_normalized("NFC", name)


def test_utf16_with_bom_is_accepted(tmp_path: Path) -> None:
    """A UTF-16 file with a byte-order mark (Excel's 'Unicode text') reads fine."""
    path = _copy_ok(tmp_path)
    text = (OK / "households.csv").read_text(encoding="utf-8")
    (tmp_path / "households.csv").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    scenario, _ = load_scenario(path)
    assert len(scenario.households) == 5


def test_windows_1258_is_refused_with_the_fix(tmp_path: Path) -> None:
    """A Windows-1258 file is refused with a message saying to save it as UTF-8."""
    path = _copy_ok(tmp_path)
    text = (OK / "households.csv").read_text(encoding="utf-8")
    (tmp_path / "households.csv").write_bytes(text.encode("cp1258", errors="replace"))
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert "UTF-8" in str(err.value)
    assert "households.csv" in str(err.value)


@pytest.mark.parametrize(("text", "seconds"), [("07:30", 27000), ("7h30", 27000), ("7h", 25200),
                                               ("17:05", 61500)])
def test_parse_clock(text: str, seconds: int) -> None:
    """Clock times in the usual Vietnamese and ISO spellings become seconds."""
    assert parse_clock(text) == seconds
    assert format_clock(parse_clock("06:05")) == "06:05"


def test_parse_windows_sorted_and_checked() -> None:
    """Several windows are sorted; overlapping or reversed ones are refused."""
    ws = parse_windows("17:00-19:00; 06:00-08:00")
    assert [(w.start_s, w.end_s) for w in ws] == [(6 * 3600, 8 * 3600), (17 * 3600, 19 * 3600)]
    assert parse_windows("") == ()
    with pytest.raises(ValueError):
        parse_windows("06:00-09:00; 08:00-10:00")
    with pytest.raises(ValueError):
        parse_windows("10:00-09:00")
