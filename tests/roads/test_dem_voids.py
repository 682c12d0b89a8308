"""DEM voids and spikes at import: warned and made harmless, the file and the
edges named.

The roads are the tiny hand-made commune ``tests/data/roads/ok_small.osm``;
the DEM is a GeoTIFF written here: a smooth slope (about 10 % rising to the
east), then the same with a block of void cells (SRTM's −32768, declared as
nodata) or of spikes (cells of 0 m, not declared) under the roads.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from planner.roads.build import import_roads
from planner.roads.elevation import PLAUSIBLE_GRADE

ROOT = Path(__file__).resolve().parents[2]
OSM = ROOT / "tests" / "data" / "roads" / "ok_small.osm"
W, N, CELL = 102.98, 21.53, 1 / 1200  # 3 arc-seconds, as SRTM
ROWS, COLS = 72, 96
#: the block of bad cells: under the road from node 1 to node 3 (lat 21.500)
BLOCK = (slice(34, 38), slice(20, 40))


def _dem(path: Path, bad: float | None) -> Path:
    # imported here: rasterio (GDAL) writes the test's rasters
    import rasterio
    from rasterio.transform import from_origin

    cols = np.arange(COLS) * CELL * 111_000 * np.cos(np.radians(21.5))
    z = np.tile(500.0 + 0.1 * cols, (ROWS, 1))
    if bad is not None:
        z[BLOCK] = bad
    with rasterio.open(path, "w", driver="GTiff", width=COLS, height=ROWS, count=1,
                       dtype="float32", crs="EPSG:4326", nodata=-32768.0,
                       transform=from_origin(W, N, CELL, CELL)) as dst:
        dst.write(z.astype("float32"), 1)
    return path


def _grades(G) -> dict[tuple, float]:
    return {(u, v, k): d["grade"] for u, v, k, d in G.edges(keys=True, data=True)}


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict[tuple, float]:
    """Grades on the DEM with no bad cells."""
    folder = tmp_path_factory.mktemp("clean")
    G, report = import_roads(OSM, folder / "g.graphml", [_dem(folder / "dem.tif", None)])
    assert not [w for w in report.warnings if "void" in w]
    return _grades(G)


def test_voids_are_filled_and_named(clean: dict[tuple, float], tmp_path: Path) -> None:
    """A void block under a road: the import warns naming the DEM file and the
    number of void cells, and the grades stay within 2 points of the clean DEM's."""
    dem = _dem(tmp_path / "voids.tif", -32768.0)
    G, report = import_roads(OSM, tmp_path / "g.graphml", [dem])
    told = [w for w in report.warnings if "void cells" in w]
    assert len(told) == 1 and str(dem) in told[0] and "80 void cells" in told[0], told
    grades = _grades(G)
    assert max(abs(grades[e] - clean[e]) for e in clean) < 0.02


def test_spikes_are_clamped_and_the_edges_named(tmp_path: Path) -> None:
    """Cells of 0 m in a 500 m slope (an undeclared void): no grade beyond the
    plausible limit, and a warning naming the DEM and the OSM way of an edge."""
    dem = _dem(tmp_path / "spikes.tif", 0.0)
    G, report = import_roads(OSM, tmp_path / "g.graphml", [dem])
    assert max(abs(d["grade"]) for _u, _v, d in G.edges(data=True)) <= PLAUSIBLE_GRADE
    told = [w for w in report.warnings if "clamped" in w]
    assert len(told) == 1 and "spikes.tif" in told[0] and "(way 10" in told[0], told
