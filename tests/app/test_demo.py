"""The bundled demo: generated deterministically, and realistic enough."""

from __future__ import annotations

from pathlib import Path

from planner.demo import GRAPH_NAME, generate
from planner.domain import DUTIES

ROOT = Path(__file__).resolve().parents[2]


def test_regenerating_gives_identical_files(tmp_path: Path) -> None:
    """Regenerating the demo writes byte-identical scenario, households, roads and water."""
    written = generate(tmp_path / "scenario", tmp_path / "maps")
    committed = {
        "scenario.yaml": ROOT / "scenarios" / "demo" / "scenario.yaml",
        "households.csv": ROOT / "scenarios" / "demo" / "households.csv",
        f"{GRAPH_NAME}.graphml": ROOT / "maps" / f"{GRAPH_NAME}.graphml",
        f"{GRAPH_NAME}.water.geojson": ROOT / "maps" / f"{GRAPH_NAME}.water.geojson",
    }
    assert sorted(p.name for p in written) == sorted(committed)
    for path in written:
        assert path.read_bytes() == committed[path.name].read_bytes(), path.name


def test_demo_is_labelled_fictional_and_realistic(demo_day) -> None:
    """The demo says it is fictional and spans the terrain, villages, households,
    residents and road types the issue asks for."""
    scenario, G, plan, _m, _p = demo_day
    assert scenario.fictional and plan.fictional
    # the name says so in Vietnamese, and what is made up (the English
    # "fictional" comes from the plan's and the documents' labels)
    assert "hư cấu" in scenario.name and "do máy tạo ra" in scenario.name
    elevations = [d["elevation"] for _, d in G.nodes(data=True)]
    assert min(elevations) < 400 and max(elevations) > 1600
    assert 8 <= len(scenario.villages) <= 12
    assert 300 <= len(scenario.households) <= 600
    home = [r for h in scenario.households for r in h.residents if r.mode == "home"]
    assert 30 <= len(home) <= 60
    assert len(scenario.teams) == 3
    # one team runs the collection points (and shuttles), the others do everything
    assert [t.duties for t in scenario.teams] == [DUTIES, DUTIES, ("shuttle", "point")]
    highways = {d["highway"] for _, _, d in G.edges(data=True)}
    assert {"secondary", "unclassified", "track", "path"} <= highways
    assert any(d.get("ford") == "yes" for _, _, d in G.edges(data=True))
    assert any(r.windows and r.windows[0].start_s < 7 * 3600 for r in home)
    assert any(r.windows and r.windows[-1].end_s > 18 * 3600 for r in home)
