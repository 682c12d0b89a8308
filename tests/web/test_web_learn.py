"""The Speeds page in-process (TestClient): a campaign's learnt layer is shown
(nothing yet, then per cell), GPX tracks posted in a .zip are learnt into the
layer beside the campaign's speed table, bad files and bad tracks are refused
with their reason and change nothing, every POST needs the CSRF token, and
the reset deletes the layer."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from benchmarks.speeds import simulate_day, write_gpx
from planner.app.campaign import CampaignRequest, plan_campaign
from planner.roads.io import load_graph
from planner.roads.learn import Frame
from planner.speeds import DEFAULT_TABLE, calibration_path, load_speed_table
from planner.web.app import create_app

SMALL = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)
BASE = "http://127.0.0.1"


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> dict:
    """A workspace with the small scenario's one-day campaign ``c`` (its own
    copies of the demo graph and the speed table, so the layer and caches
    stay in the temporary folder, nothing drawn) and a GPX track of a ride of
    about 2 km near the station at 60 % of the table's speed."""
    base = tmp_path_factory.mktemp("web_learn")
    scen = base / "scenario"
    shutil.copytree(SMALL, scen)
    shutil.copy(DEFAULT_TABLE.parent / "demo_commune.graphml", scen / "roads.graphml")
    shutil.copy(DEFAULT_TABLE, scen / "speeds.toml")
    text = (scen / "scenario.yaml").read_text(encoding="utf-8")
    (scen / "scenario.yaml").write_text(
        text.replace("roads: demo_commune", "roads: roads.graphml\nspeeds: speeds.toml"),
        encoding="utf-8")
    ws = base / "ws"
    plan_campaign(CampaignRequest(scen / "scenario.yaml", ws / "c", deadline=dt.date(2026, 11, 24),
                                  time_limit_s=0.2, draw="none", now=NOW))
    G = load_graph(str(scen / "roads.graphml"), scen, load_speed_table(scen / "speeds.toml"))
    attr = "tt_motorbike_dry"
    H = G.edge_subgraph([e for e in G.edges(keys=True) if attr in G.edges[e]])
    start = sorted(max(nx.strongly_connected_components(H), key=len))[0]
    dist = nx.single_source_dijkstra_path_length(H, start, weight="length")
    path = nx.shortest_path(H, start, min((n for n, d in dist.items() if d >= 2000),
                                          key=lambda n: dist[n]), weight="length")
    edges = [(a, b, min(H[a][b], key=lambda k, a=a, b=b: H[a][b][k]["length"]))
             for a, b in zip(path[:-1], path[1:], strict=True)]
    frame = Frame(float(G.nodes[start]["x"]), float(G.nodes[start]["y"]))
    times, xy, _ = simulate_day(
        G, [("ride", edges)], lambda e: 0.6 * G.edges[e]["length"] / G.edges[e][attr],
        np.random.default_rng(3), frame, sample_s=2.0, noise_m=5.0)
    gpx = write_gpx(base / "ride.gpx", times, xy, frame,
                    dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.UTC))
    return {"ws": ws, "layer": calibration_path(scen / "speeds.toml"), "gpx": gpx.read_bytes()}


def _client(ws: Path) -> TestClient:
    return TestClient(create_app(ws, time_limit_s=0.2, today=dt.date(2026, 12, 31)),
                      base_url=BASE)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page carries a CSRF token"
    return found.group(1)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


ONE_POINT = (b'<?xml version="1.0"?><gpx version="1.1" creator="t"><trk><trkseg>'
             b'<trkpt lat="21.82" lon="103.2"><time>2026-11-24T07:00:00Z</time></trkpt>'
             b'</trkseg></trk></gpx>')


def test_bad_files_and_tracks_are_refused_and_change_nothing(setup):
    """Without the CSRF token: 403. A text file, a file over the size limit
    and a .zip holding no GPX are refused by name with their reason (400);
    a one-point track is refused by the application layer with its problem
    (400). After all of them there is no learnt layer and no saved upload."""
    client = _client(setup["ws"])
    page = client.get("/c/c/learn")
    assert page.status_code == 200 and 'id="none"' in page.text
    assert 'href="/c/c/learn"' in page.text  # the campaign's menu links the page
    token = _csrf(page.text)
    gpx = ("ride.gpx", setup["gpx"], "application/gpx+xml")
    assert client.post("/c/c/learn", files=[("files", gpx)]).status_code == 403
    refused = client.post("/c/c/learn", data={"csrf": token}, files=[
        ("files", ("notes.txt", b"hello", "text/plain")),
        ("files", ("big.gpx", b"0" * (10 * 2**20 + 1), "application/gpx+xml")),
        ("files", ("export.zip", _zip({"readme.txt": b"x"}), "application/zip"))])
    assert refused.status_code == 400 and 'id="refused"' in refused.text
    for name in ("notes.txt", "big.gpx", "export.zip"):
        assert name in refused.text
    bad = client.post("/c/c/learn", data={"csrf": token, "season": "dry"},
                      files=[("files", ("one.gpx", ONE_POINT, "application/gpx+xml"))])
    assert bad.status_code == 400 and 'id="problems"' in bad.text and "one.gpx" in bad.text
    assert not setup["layer"].exists()
    assert not any((setup["ws"] / "c" / "tracks").glob("*/*"))


def test_tracks_are_learnt_shown_and_reset(setup):
    """A .zip holding the ride (in a folder, as a tracker app exports it) is
    learnt: the layer appears beside the campaign's speed table, the page
    lists its cells against the table's ×1.00 with a factor below 1; the
    reset deletes the layer and the page says plans use the table alone."""
    client = _client(setup["ws"])
    token = _csrf(client.get("/c/c/learn").text)
    done = client.post("/c/c/learn", data={"csrf": token, "season": "dry"}, files=[
        ("files", ("tracks.zip", _zip({"Tracks/ride.gpx": setup["gpx"]}), "application/zip"))])
    assert done.status_code == 200 and 'id="learnt"' in done.text, done.text
    assert setup["layer"].exists()
    factors = [float(f.replace(",", ".")) for f in re.findall(r"<td>× ([0-9,]+) \(", done.text)]
    assert factors and min(factors) < 0.95 and "× 1,00" in done.text  # Vietnamese: 1,00
    assert client.post("/c/c/learn/reset", data={}).status_code == 403
    reset = client.post("/c/c/learn/reset", data={"csrf": token})
    assert reset.status_code == 200 and 'id="reset"' in reset.text and 'id="none"' in reset.text
    assert not setup["layer"].exists()
