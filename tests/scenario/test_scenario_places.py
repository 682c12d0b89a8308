"""Villages without coordinates are placed at the road graph's OpenStreetMap
place node, and their households without coordinates are flagged approximate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.errors import InputError
from planner.roads.build import import_roads
from planner.scenario import load_scenario

OSM = Path(__file__).resolve().parents[1] / "data" / "roads" / "ok_small.osm"
YAML = """name: place test (fictional)
date: 2026-11-24
roads: small.graphml
households: households.csv
station: {{name: CA, lon: 103.0, lat: 21.5}}
villages:
  - {{id: NB, name: {village}}}
teams:
  - {{id: T1, members: [A], shift: "07:00-17:00"}}
"""
CSV = ("household_id,village,lon,lat,resident_id,full_name,condition\n"
       "H1,NB,,,R1,Lò Thị A,bedridden\n")


@pytest.fixture(scope="module")
def graph_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("places")
    import_roads(OSM, folder / "small.graphml")
    return folder


def _scenario(folder: Path, village: str) -> Path:
    (folder / "scenario.yaml").write_text(YAML.format(village=village), encoding="utf-8")
    (folder / "households.csv").write_text(CSV, encoding="utf-8")
    return folder / "scenario.yaml"


def test_village_placed_at_osm_place_ignoring_case_and_diacritics(graph_dir: Path) -> None:
    """'nà bủng' matches the place node 'Bản Nà Bủng'; the household sits there,
    flagged approximate, with a warning that says so."""
    scenario, warnings = load_scenario(_scenario(graph_dir, "nà bủng"))
    village = scenario.villages[0]
    assert (round(village.lon, 3), round(village.lat, 3)) == (103.025, 21.511)
    h = scenario.households[0]
    assert (h.lon, h.lat) == (village.lon, village.lat) and h.approximate
    assert any("OpenStreetMap place" in str(w) for w in warnings)


def test_plan_marks_the_household_approximate(graph_dir: Path) -> None:
    """The day's plan.json marks the visit to that household as approximate."""
    _scenario(graph_dir, "Nà Bủng")
    out = graph_dir / "out"
    result = CliRunner().invoke(cli, ["day", str(graph_dir), "--out", str(out),
                                      "--time-limit", "0.5", "--overwrite"])
    assert result.exit_code == 0, result.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    visits = [s for r in plan["routes"] for s in r["stops"] if s["kind"] == "visit"]
    assert visits and all(s["approximate"] for s in visits)


def test_unknown_place_is_an_input_error(graph_dir: Path) -> None:
    """A village with no coordinates and no matching place node is refused with
    the village named and the fix."""
    with pytest.raises(InputError) as err:
        load_scenario(_scenario(graph_dir, "Bản Không Có"))
    assert "village NB.lon/lat" in str(err.value)
    assert "give the village's lon and lat" in str(err.value)
