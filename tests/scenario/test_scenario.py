"""Reading scenarios: CSV and Excel tables, Vietnamese text, clock times."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook

from planner.clock import format_clock, parse_clock
from planner.errors import InputError
from planner.scenario import fold, load_scenario, parse_windows

OK = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"


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


def test_station_distance_to_the_road_graph() -> None:
    """The station of ok_small is on the demo's roads; 1° east of it is ~93 km away;
    a point 2 km off the graph's edge passes a 3 km limit and fails a 1 km one."""
    from planner.roads.io import resolve_graph_path
    from planner.sitecheck import distance_to_roads_m, graph_extent, station_problem

    graph = resolve_graph_path("demo_commune")
    scenario, _ = load_scenario(OK / "scenario.yaml")
    st = scenario.station
    assert distance_to_roads_m(st.lon, st.lat, graph) < 200
    assert 90_000 < distance_to_roads_m(st.lon + 1.0, st.lat, graph) < 96_000
    lon_min, lat_min, lon_max, lat_max = graph_extent(graph)
    east_lon = lon_max + 2000 / 103_000  # ≈ 2 km east of the easternmost node
    d = distance_to_roads_m(east_lon, (lat_min + lat_max) / 2, graph)
    assert 1000 < d < 3000
    assert station_problem(east_lon, (lat_min + lat_max) / 2, graph, 3000) is None
    what, fix = station_problem(east_lon, (lat_min + lat_max) / 2, graph, 1000)
    assert "km from the nearest road" in what and "station.lon/lat" in fix


def test_station_far_from_roads_is_one_problem_not_every_household(tmp_path: Path) -> None:
    """A station 90 km off the road graph is one error naming the station, and no
    household is blamed for it."""
    path = _copy_ok(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("lon: 103.207956",
                                                             "lon: 104.207956"),
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert [p.where for p in err.value.problems] == ["station.lon/lat"]
    assert load_scenario(path, check_roads=False)[0].station.lon == pytest.approx(104.207956)


def test_duplicate_keys_are_found_at_any_depth_with_both_lines(tmp_path: Path) -> None:
    """Keys given twice at the top, in a team and in parameters are each reported
    with both line numbers, in one pass; a YAML merge key is not a duplicate."""
    text = (OK / "scenario.yaml").read_text(encoding="utf-8")
    text = text.replace("  seed: 1\n", "  seed: 1\n  seed: 2\n")
    text = text.replace("    kits: 1\n", "    kits: 1\n    kits: 2\n")
    text += "name: again\n"
    path = _copy_ok(tmp_path)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    wheres = sorted(p.where for p in err.value.problems)
    assert wheres == ["line 21, field kits", "line 29, field seed", "line 30, field name"]
    assert "first on line 2" in str(err.value)
    merged = (OK / "scenario.yaml").read_text(encoding="utf-8").replace(
        "parameters:\n  time_limit_s: 1\n  seed: 1\n",
        "parameters:\n  <<: {time_limit_s: 1, seed: 3}\n  seed: 1\n")
    path.write_text(merged, encoding="utf-8")
    assert load_scenario(path)[0].parameters.seed == 1


def test_a_day_that_does_not_exist_is_named_in_every_date_field(tmp_path: Path) -> None:
    """date, campaign.start/deadline, holidays and days_off each say which day does
    not exist; they are all reported together."""
    text = (OK / "scenario.yaml").read_text(encoding="utf-8").replace(
        "date: 2026-11-24", "date: 2026-02-29")
    text += ("campaign:\n  start: 2026-11-31\n  deadline: 2026-13-01\n"
             "  holidays: [2026-06-31]\n  days_off: {T1: [2026-09-31..2026-10-02]}\n")
    path = _copy_ok(tmp_path)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    found = {p.where: p.what for p in err.value.problems}
    assert found["date"] == "2026-02-29 does not exist: February 2026 has 28 days"
    assert found["campaign.start"] == "2026-11-31 does not exist: November 2026 has 30 days"
    assert found["campaign.deadline"].startswith("month 13 does not exist")
    assert "June 2026 has 30 days" in found["campaign.holidays[1]"]
    assert "September 2026 has 30 days" in found["campaign.days_off.T1[1]"]
