"""Bad GPS tracks given to ``plan.py roads learn``: one clear message each
(Vietnamese by default), exit code 2, and the learnt layer left untouched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.speeds import write_gpx
from planner.cli import cli
from planner.roads.io import save_graph
from planner.roads.learn import Frame
from planner.speeds import DEFAULT_TABLE

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" '
          'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>')
FOOTER = "</trkseg></trk></gpx>"


def _gpx(points: list[tuple[float, float, str]]) -> str:
    return HEADER + "".join(f'<trkpt lat="{lat}" lon="{lon}"><time>{t}</time></trkpt>'
                            for lon, lat, t in points) + FOOTER


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A copy of the speed table, the test grid saved as GraphML, and a learnt
    layer made from one good track."""
    import numpy as np
    from test_learn_tracks import LAT0, LON0, START, grid_graph, route

    from benchmarks.speeds import simulate_day
    from planner.speeds import load_speed_table

    base = tmp_path_factory.mktemp("learn")
    speeds = base / "speeds.toml"
    shutil.copy(DEFAULT_TABLE, speeds)
    table = load_speed_table(speeds)
    G = grid_graph(table)
    G.graph["crs"] = "epsg:4326"
    graph = save_graph(G, base / "grid.graphml")
    frame = Frame(LON0, LAT0)
    times, xy, _ = simulate_day(G, [("ride", route(0, 10, 20, 21))],
                                lambda e: 5.0, np.random.default_rng(1), frame, noise_m=4.0)
    good = write_gpx(base / "good.gpx", times, xy, frame, START)
    args = ["roads", "learn", "--speeds", str(speeds), "--roads", str(graph)]
    result = CliRunner().invoke(cli, [*args, str(good)])
    assert result.exit_code == 0, result.output
    layer = base / "speeds.learnt.toml"
    assert layer.is_file()
    return base, args, layer


def _big(path: Path) -> None:
    with open(path, "wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.truncate(200 * 1024 * 1024)


BAD = {
    "empty": (lambda p: p.write_text(HEADER + FOOTER), "không có điểm nào"),
    "one_point": (lambda p: p.write_text(_gpx([(103.0, 22.0, "2026-11-02T07:00:00Z")])),
                  "chỉ có một điểm"),
    "time_goes_back": (lambda p: p.write_text(_gpx([(103.0, 22.0, "2026-11-02T07:00:10Z"),
                                                   (103.001, 22.0, "2026-11-02T07:00:00Z")])),
                       "thời gian lùi lại"),
    "another_country": (lambda p: p.write_text(_gpx([(2.35, 48.85, "2026-11-02T07:00:00Z"),
                                                    (2.351, 48.85, "2026-11-02T07:00:05Z")])),
                        "cách mạng lưới đường"),
    "too_large": (_big, "MB"),
    "not_gpx": (lambda p: p.write_text("hello"), "không đọc được"),
}


@pytest.mark.parametrize("defect", sorted(BAD))
def test_a_bad_track_gets_one_message_and_changes_nothing(setup, tmp_path, defect):
    """Each defect: exit 2, one message naming the file (in Vietnamese), no
    traceback, and the learnt layer byte for byte as before, also when a
    good track is given with it."""
    base, args, layer = setup
    before = layer.read_bytes()
    make, words = BAD[defect]
    bad = tmp_path / f"{defect}.gpx"
    make(bad)
    result = CliRunner().invoke(cli, [*args, str(base / "good.gpx"), str(bad)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert bad.name in result.output and words in result.output, result.output
    assert layer.read_bytes() == before


def test_a_track_learnt_twice_counts_once_and_reset_deletes(setup, tmp_path):
    """Learning the same track again skips it (the layer's cells keep their
    counts); roads info shows the layer's cells (prior × 1.00 against the
    learnt factor, tracks per cell); --reset deletes the layer, and roads info
    then shows no learnt speeds."""
    base, args, layer = setup
    copy = tmp_path / "layer.toml"
    shutil.copy(layer, copy)
    result = CliRunner().invoke(cli, [*args, "--lang", "en", str(base / "good.gpx")])
    assert result.exit_code == 0, result.output
    assert "1 learnt before" in result.output
    assert [ln for ln in layer.read_text().splitlines() if ln.startswith("tracks =")] == \
        [ln for ln in copy.read_text().splitlines() if ln.startswith("tracks =")]
    info = ["roads", "info", args[5], "--speeds", args[3], "--lang", "en"]
    shown = CliRunner().invoke(cli, info)
    assert shown.exit_code == 0, shown.output
    assert "the table's speed is × 1.00" in shown.output
    assert any(ln.split()[:7] == ["track", "·", "dirt", "·", "flat", "·", "dry"]
               and ln.split()[7] == "1" for ln in shown.output.splitlines()), shown.output
    result = CliRunner().invoke(cli, [*args, "--reset", "--lang", "en"])
    assert result.exit_code == 0 and not layer.exists()
    assert "learnt" not in CliRunner().invoke(cli, info).output
    shutil.copy(copy, layer)
