"""``check`` reports the scenario's sites that the road graph cannot reach:
villages, collection points and households far beyond walking range of every
road (an error, exit 2), beyond the walking limit or outside the area the
graph covers, or by roads not joined to the station's (warnings naming them).

Each case is a copy of ``ok_small`` (on the demo's graph) with one site moved.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli
from planner.sitecheck import Site, site_problems

ROOT = Path(__file__).resolve().parents[2]
OK = ROOT / "tests" / "data" / "scenarios" / "ok_small"
GRAPH = ROOT / "maps" / "demo_commune.graphml"
HCM = "{id: HCM, name: Huổi Cơ Mông, lon: 103.195262, lat: 21.847131}"


def _scenario(tmp_path: Path, village_hcm: str, graph: str | None = None) -> Path:
    folder = tmp_path / "scenario"
    shutil.copytree(OK, folder)
    yaml = (folder / "scenario.yaml").read_text(encoding="utf-8").replace(HCM, village_hcm)
    if graph is not None:
        (folder / "roads.graphml").write_text(graph, encoding="utf-8")
        yaml = yaml.replace("roads: demo_commune", "roads: roads.graphml")
    (folder / "scenario.yaml").write_text(yaml, encoding="utf-8")
    return folder


def test_collection_point_280_km_away_is_refused(tmp_path: Path) -> None:
    """A collection point about 280 km north of every road: exit 2, the message
    names the point, its village's field and the distance, and a fix."""
    far = ("{id: HCM, name: Huổi Cơ Mông, lon: 103.195262, lat: 21.847131, points: "
           "[{name: Nhà văn hoá, lon: 103.195262, lat: 24.367131}]}")
    result = CliRunner().invoke(cli, ["check", "--lang", "en", str(_scenario(tmp_path, far))])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    line = next(x for x in result.output.splitlines() if "collection point" in x)
    assert "villages[HCM].points" in line and "scenario.yaml" in line
    assert "collection point Nhà văn hoá of village HCM (277 km)" in line
    assert "check the lon/lat" in line


def test_village_beyond_walking_limit_is_warned(tmp_path: Path) -> None:
    """A village about 5 km from the nearest road (walking limit 3 km) passes with
    a warning naming it and its distance."""
    far = "{id: HCM, name: Huổi Cơ Mông, lon: 103.195262, lat: 21.937131}"
    result = CliRunner().invoke(cli, ["check", "--lang", "en", str(_scenario(tmp_path, far))])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "village HCM" in x)
    assert "villages[HCM].lon/lat" in line and "beyond the walking limit of 3.0 km" in line
    assert "lie outside the area the road graph" in result.output


def test_village_by_a_road_not_joined_to_the_station_is_warned(tmp_path: Path) -> None:
    """A village beside a piece of road that no road joins to the station's:
    a warning naming it (no team could ride there)."""
    text = GRAPH.read_text(encoding="utf-8")
    x = re.search(r'<key id="(d\d+)" for="node" attr.name="x"', text)[1]
    y = re.search(r'<key id="(d\d+)" for="node" attr.name="y"', text)[1]
    length = re.search(r'<key id="(d\d+)" for="edge" attr.name="length"', text)[1]
    highway = re.search(r'<key id="(d\d+)" for="edge" attr.name="highway"', text)[1]
    piece = "".join(
        f'<node id="{n}"><data key="{x}">{lon}</data><data key="{y}">21.86</data></node>\n'
        for n, lon in (("9001", "103.290"), ("9002", "103.300")))
    piece += "".join(
        f'<edge source="{u}" target="{v}"><data key="{length}">1035.0</data>'
        f'<data key="{highway}">track</data></edge>\n' for u, v in (("9001", "9002"),
                                                                    ("9002", "9001")))
    graph = text.replace("</graph>", piece + "</graph>")
    village = "{id: HCM, name: Huổi Cơ Mông, lon: 103.295, lat: 21.8605}"
    result = CliRunner().invoke(cli, ["check", "--lang", "en", str(_scenario(tmp_path, village,
                                                                             graph))])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "not connected" in x)
    assert "village HCM" in line and "roads.graphml" in line


def test_sites_by_the_roads_raise_nothing() -> None:
    """The ok_small villages and a household beside a road give no problem."""
    sites = [Site("village TT", "villages[TT].lon/lat", 103.210856, 21.821809),
             Site("village HCM", "villages[HCM].lon/lat", 103.195262, 21.847131),
             Site("household H1", "household H1", 103.2135, 21.8231, household=True)]
    assert site_problems((103.207956, 21.823442), sites, GRAPH, 3000.0) == []


def test_household_far_from_every_road_is_warned_not_refused(tmp_path: Path) -> None:
    """A household about 280 km from every road: the day can still be planned
    (it is left unserved), so ``check`` passes with a warning naming it in the
    households table."""
    folder = _scenario(tmp_path, HCM)
    table = folder / "households.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(
        "H4,HCM,103.1981,21.8442", "H4,HCM,103.1981,24.3442"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--lang", "en", str(folder)])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "from the nearest road" in x)
    assert "households.csv" in line and "household H4 (27" in line


def test_sites_without_usable_coordinates_are_left_to_their_own_checks() -> None:
    """Sites whose lon/lat are not numbers in range (reported by the scenario's
    own checks) give no problem here and no crash."""
    sites = [Site("village A", "villages[A].lon/lat", float("nan"), 21.8),
             Site("village B", "villages[B].lon/lat", 503.2, 21.8),
             Site("household H", "household H", None, None, household=True)]  # type: ignore
    assert site_problems((103.207956, 21.823442), sites, GRAPH, 3000.0) == []
