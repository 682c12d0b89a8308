"""``tomorrow --tracks``: the day's GPS tracks are learnt before the re-plan
(the learnt layer is written beside the campaign's speed table and the
re-planned day's itinerary says its times come from learnt speeds); a bad
track stops the job with one message and changes neither the campaign's
state nor the learnt layer."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from benchmarks.speeds import simulate_day, write_gpx
from planner.app.campaign import CampaignRequest, TomorrowRequest, plan_campaign, replan_tomorrow
from planner.errors import InputError
from planner.render.i18n import gettext_for
from planner.roads.io import load_graph
from planner.roads.learn import Frame
from planner.speeds import DEFAULT_TABLE, LEARNT_NOTE, calibration_path, load_speed_table

SMALL = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
DEMO_GRAPH = DEFAULT_TABLE.parent / "demo_commune.graphml"
NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 24)
LIMIT_S = 0.2


def own_roads_scenario(base: Path) -> Path:
    """The small scenario copied into ``base/scenario`` with its own copies of
    the demo's road graph and of the speed table (so every cache and the
    learnt layer stay in the temporary folder)."""
    scen = base / "scenario"
    shutil.copytree(SMALL, scen)
    shutil.copy(DEMO_GRAPH, scen / "roads.graphml")
    shutil.copy(DEFAULT_TABLE, scen / "speeds.toml")
    yaml = (scen / "scenario.yaml").read_text(encoding="utf-8")
    (scen / "scenario.yaml").write_text(
        yaml.replace("roads: demo_commune", "roads: roads.graphml\nspeeds: speeds.toml"),
        encoding="utf-8")
    return scen


def slow_ride_gpx(scen: Path, path: Path, min_m: float, seed: int) -> Path:
    """A GPX track written to ``path``: a ride of at least ``min_m`` metres from
    a node of the scenario's road graph at 60 % of the table's dry speed, a
    point every 2 s with 5 m of noise (``benchmarks.speeds.simulate_day``)."""
    G = load_graph(str(scen / "roads.graphml"), scen, load_speed_table(scen / "speeds.toml"))
    attr = "tt_motorbike_dry"
    H = G.edge_subgraph([e for e in G.edges(keys=True) if attr in G.edges[e]])
    start = sorted(max(nx.strongly_connected_components(H), key=len))[0]
    dist = nx.single_source_dijkstra_path_length(H, start, weight="length")
    far = min((n for n, d in dist.items() if d >= min_m), key=lambda n: dist[n])
    nodes = nx.shortest_path(H, start, far, weight="length")
    edges = [(a, b, min(H[a][b], key=lambda k, a=a, b=b: H[a][b][k]["length"]))
             for a, b in zip(nodes[:-1], nodes[1:], strict=True)]
    frame = Frame(float(G.nodes[start]["x"]), float(G.nodes[start]["y"]))
    times, xy, _ = simulate_day(
        G, [("ride", edges)], lambda e: 0.6 * G.edges[e]["length"] / G.edges[e][attr],
        np.random.default_rng(seed), frame, sample_s=2.0, noise_m=5.0)
    return write_gpx(path, times, xy, frame, dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.UTC))


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> dict:
    """The small scenario with its own copies of the demo's road graph and of
    the speed table (so every cache and the learnt layer stay in the
    temporary folder), planned as a one-day campaign, nothing drawn; and a
    GPX track of a 3–4 km ride near the station at 60 % of the table's
    speed, a point every 2 s with 5 m of noise."""
    base = tmp_path_factory.mktemp("tomorrow_tracks")
    scen = own_roads_scenario(base)
    out = base / "campaign"
    plan_campaign(CampaignRequest(scen / "scenario.yaml", out, deadline=DAY,
                                  time_limit_s=LIMIT_S, draw="none", now=NOW))
    gpx = slow_ride_gpx(scen, base / "day.gpx", min_m=3000, seed=2)
    return {"out": out, "layer": calibration_path(scen / "speeds.toml"), "gpx": gpx}


def _state(out: Path, layer: Path) -> dict[str, bytes]:
    """Every file of the campaign folder and the learnt layer, by path."""
    files = {str(p): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    files["layer"] = layer.read_bytes() if layer.exists() else b""
    return files


def test_bad_tracks_change_neither_state_nor_layer(campaign, tmp_path):
    """A track of one point and one whose time goes back: one ``InputError``
    naming each file, and the campaign's files and the learnt layer are
    byte for byte as before (nothing re-planned, nothing learnt)."""
    one = tmp_path / "one.gpx"
    one.write_text('<?xml version="1.0"?><gpx version="1.1" creator="t"><trk><trkseg>'
                   '<trkpt lat="21.82" lon="103.2"><time>2026-11-24T07:00:00Z</time></trkpt>'
                   '</trkseg></trk></gpx>')
    back = tmp_path / "back.gpx"
    back.write_text('<?xml version="1.0"?><gpx version="1.1" creator="t"><trk><trkseg>'
                    '<trkpt lat="21.82" lon="103.2"><time>2026-11-24T07:00:10Z</time></trkpt>'
                    '<trkpt lat="21.821" lon="103.2"><time>2026-11-24T07:00:00Z</time></trkpt>'
                    '</trkseg></trk></gpx>')
    before = _state(campaign["out"], campaign["layer"])
    with pytest.raises(InputError) as err:
        replan_tomorrow(TomorrowRequest(campaign["out"], DAY, time_limit_s=LIMIT_S, now=NOW,
                                        tracks=(one, back), tracks_season="dry"))
    assert [Path(p.file).name for p in err.value.problems] == ["one.gpx", "back.gpx"]
    assert _state(campaign["out"], campaign["layer"]) == before


def test_tracks_are_learnt_before_the_replan(campaign):
    """A ride at 60 % of the table's speed: the learnt layer appears beside
    the campaign's speed table with a cell slower than the table, the
    re-planned days' plans note that their times use learnt speeds, and the
    first day's printed itinerary says so in Vietnamese."""
    run = replan_tomorrow(TomorrowRequest(campaign["out"], DAY, time_limit_s=LIMIT_S, now=NOW,
                                          tracks=(campaign["gpx"],), tracks_season="dry"))
    layer = load_speed_table(campaign["layer"].with_name("speeds.toml"))["calibration"]
    assert min(layer["factors"].values()) < 0.95
    assert run.result.days[0].date == DAY  # (slower roads may need a second day)
    assert all(LEARNT_NOTE in d.plan.notes for d in run.result.days)
    folder = campaign["out"] / "days" / DAY.isoformat()
    pdfs = sorted(folder.rglob("*.pdf"))
    itinerary = next(p for p in pdfs if "T1" in p.name)
    text = subprocess.run([shutil.which("pdftotext") or "pdftotext", str(itinerary), "-"],
                          check=True, capture_output=True, text=True).stdout
    words = gettext_for("vi")(LEARNT_NOTE)
    assert words != LEARNT_NOTE
    assert " ".join(words.split()[:6]) in " ".join(text.split())
