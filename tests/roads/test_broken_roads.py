"""Broken road data through the real CLI: one case per defect, each refused by
``check`` and by ``day`` with exit 3 (roads) and one message naming the file,
the element, the problem and a fix; no traceback, no plan written.

Each case is the demo's road graph (``maps/demo_commune.graphml``) with one
defect put in, under a copy of the ``ok_small`` scenario that names it
(``roads: roads.graphml``); the case's name is its defect.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli

ROOT = Path(__file__).resolve().parents[2]
OK = ROOT / "tests" / "data" / "scenarios" / "ok_small"
GRAPH = (ROOT / "maps" / "demo_commune.graphml").read_text(encoding="utf-8")


def _key(name: str) -> str:
    """The GraphML key id of the edge or node attribute ``name``."""
    return re.search(rf'<key id="(d\d+)" for="(?:node|edge)" attr.name="{name}"', GRAPH)[1]


def _node_without_coordinates(text: str) -> str:
    x, y = _key("x"), _key("y")
    return re.sub(rf'(<node id="1003">\s*)<data key="{x}">[^<]*</data>\s*'
                  rf'<data key="{y}">[^<]*</data>', r"\1", text, count=1)


def _negative_edge_length(text: str) -> str:
    return re.sub(rf'(<data key="{_key("length")}">)([^<]*)', r"\1-\2", text, count=2)


def _zero_edge_length(text: str) -> str:
    return re.sub(rf'(<data key="{_key("length")}">)[^<]*', r"\g<1>0", text, count=2)


def _no_motorbike_road(text: str) -> str:
    return re.sub(rf'(<data key="{_key("highway")}">)[^<]*', r"\1footway", text)


def _cut_mid_way(text: str) -> str:
    edges = [m.start() for m in re.finditer("<edge ", text)]
    return text[: edges[len(edges) // 5]] + "</graph></graphml>\n"


def _grade_not_a_number(text: str) -> str:
    return re.sub(rf'(<data key="{_key("grade")}">)[^<]*', r"\1nan", text, count=1)


def _with_geometry(text: str, wkt: str) -> str:
    """The first edge given the geometry ``wkt`` (a key added for it)."""
    text = text.replace("<graph ", '<key id="dgeom" for="edge" attr.name="geometry" '
                        'attr.type="string" />\n  <graph ', 1)
    return text.replace("</edge>", f'<data key="dgeom">{wkt}</data></edge>', 1)


def _edge_geometry_empty(text: str) -> str:
    return _with_geometry(text, "LINESTRING EMPTY")


def _edge_geometry_unreadable(text: str) -> str:
    return _with_geometry(text, "LINESTRING (103.15")


#: defect → (how to make it, words the message must hold)
CASES: dict[str, tuple[Callable[[str], str], str]] = {
    "node_without_coordinates": (_node_without_coordinates,
                                 "node 1003 › has no usable coordinates"),
    "negative_edge_length": (_negative_edge_length, "(length -"),
    "zero_edge_length": (_zero_edge_length, "(length 0 m, the straight line between its ends"),
    "no_motorbike_road": (_no_motorbike_road, "no edge a motorbike may use in season dry"),
    "cut_mid_way": (_cut_mid_way, "lie on no road: the file looks cut short"),
    "grade_not_a_number": (_grade_not_a_number, "has a grade that is not a number"),
    "edge_geometry_empty": (_edge_geometry_empty, "has a geometry that is not a line"),
    "edge_geometry_unreadable": (_edge_geometry_unreadable,
                                 "a node or edge attribute (a number, a line or a list) › "
                                 "not a readable road graph"),
}


def _scenario(tmp_path: Path, graph_text: str) -> Path:
    folder = tmp_path / "scenario"
    shutil.copytree(OK, folder)
    yaml = (folder / "scenario.yaml").read_text(encoding="utf-8")
    (folder / "scenario.yaml").write_text(
        yaml.replace("roads: demo_commune", "roads: roads.graphml"), encoding="utf-8")
    (folder / "roads.graphml").write_text(graph_text, encoding="utf-8")
    return folder


def test_every_case_puts_its_defect_in() -> None:
    """Each case changes the graph (a regular expression that matched nothing
    would test the sound graph)."""
    for name, (make, _words) in CASES.items():
        assert make(GRAPH) != GRAPH, name


@pytest.mark.parametrize("defect", sorted(CASES))
def test_broken_graph_is_refused_by_check_and_day(defect: str, tmp_path: Path) -> None:
    """``check`` and ``day`` exit 3 with one message: the graph file, the element,
    the problem, a fix (a command that re-creates the graph); ``day`` writes nothing."""
    make, words = CASES[defect]
    folder = _scenario(tmp_path, make(GRAPH))
    out = tmp_path / "out"
    for args in (["check", str(folder)], ["day", str(folder), "--out", str(out)]):
        result = CliRunner().invoke(cli, args + ["--lang", "en"])
        assert result.exit_code == 3, (args[0], result.output)
        assert "Traceback" not in result.output and "internal error" not in result.output
        errors = [line for line in result.output.splitlines() if " › " in line
                  and "roads.graphml" in line]
        assert len(errors) == 1, result.output
        assert words in errors[0], errors[0]
        assert errors[0].count(" › ") >= 3 and "python plan.py" in errors[0], errors[0]
    assert not out.exists() or not any(out.iterdir())


def test_sound_graph_copy_still_plans(tmp_path: Path) -> None:
    """The same scenario on an unchanged copy of the graph passes ``check``
    (the cases fail for their defect, not for the copy)."""
    folder = _scenario(tmp_path, GRAPH)
    result = CliRunner().invoke(cli, ["check", str(folder)])
    assert result.exit_code == 0, result.output


def test_import_of_an_area_without_motorbike_roads_is_refused(tmp_path: Path) -> None:
    """``roads import`` of an extract whose only ways are footpaths exits 3 naming
    the extract and the motorbike, and saves no graph."""
    text = (ROOT / "tests" / "data" / "roads" / "ok_small.osm").read_text(encoding="utf-8")
    source = tmp_path / "footpaths_only.osm"
    source.write_text(re.sub(r'k="highway" v="[^"]*"', 'k="highway" v="footway"', text),
                      encoding="utf-8")
    target = tmp_path / "graphs" / "footpaths.graphml"
    result = CliRunner().invoke(cli, ["roads", "import", "--lang", "en", str(source), "--out",
                                      str(target)])
    assert result.exit_code == 3, result.output
    assert "footpaths_only.osm" in result.output
    assert "no edge a motorbike may use" in result.output
    assert not target.exists()


def test_closures_whose_features_are_not_objects_are_refused(tmp_path: Path) -> None:
    """A closures GeoJSON whose features are a number and a string: exit 2 from
    ``roads import``, each feature named, no Python words in the message."""
    closures = tmp_path / "closures.geojson"
    closures.write_text('{"type": "FeatureCollection", "features": [1, "x"]}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["roads", "import", "--lang", "en",
                                      str(ROOT / "tests" / "data" / "roads"
                                                            / "ok_small.osm"),
                                      "--closures", str(closures),
                                      "--out", str(tmp_path / "g.graphml")])
    assert result.exit_code == 2, result.output
    assert "closures.geojson › feature 1 › no valid geometry" in result.output
    assert "feature 2" in result.output and "object" not in result.output
    assert not (tmp_path / "g.graphml").exists()


def test_boundary_whose_polygon_is_broken_is_refused(tmp_path: Path) -> None:
    """A boundary GeoJSON whose only polygon has text for coordinates: exit 3
    naming the file and the missing polygon (not a crash)."""
    boundary = tmp_path / "boundary.geojson"
    boundary.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                        '"geometry": {"type": "Polygon", "coordinates": "x"}}]}',
                        encoding="utf-8")
    result = CliRunner().invoke(cli, ["roads", "import", "--lang", "en",
                                      str(ROOT / "tests" / "data" / "roads"
                                                            / "ok_small.osm"),
                                      "--boundary", str(boundary),
                                      "--out", str(tmp_path / "g.graphml")])
    assert result.exit_code == 3, result.output
    assert "boundary.geojson › no polygon in the GeoJSON" in result.output


def test_a_stray_node_is_not_a_cut_file(tmp_path: Path) -> None:
    """One node on no edge among 599 (a generated graph may hold one) loads: only
    more than 1 % of such nodes means a file cut short."""
    # imported here: the graph is loaded directly, without the CLI
    from planner.roads.io import load_graph

    x, y = _key("x"), _key("y")
    stray = (f'<node id="9999"><data key="{x}">103.2</data><data key="{y}">21.8</data>'
             "</node>\n")
    path = tmp_path / "stray.graphml"
    path.write_text(GRAPH.replace("<edge ", stray + "<edge ", 1), encoding="utf-8")
    G = load_graph(str(path))
    assert G.degree(9999) == 0 and G.number_of_nodes() == 600
