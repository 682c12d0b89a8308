"""A commune's road data from files the user picks (the workspace's Start
and settings pages): what a road or elevation file must look like before it
is kept (``file_problem``: its name's suffix and its first bytes), and the
import itself (``import_commune_roads``): ``app.roads.import_roads``, the job
behind ``plan.py roads import``, then a check that the roads reach the
commune's villages, so an extract of another place is one clear message
instead of a problem per household.

Nothing here prints; progress goes through ``Progress``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from planner.app.progress import Progress
from planner.app.roads import OSM_SUFFIXES, ImportRequest, import_roads
from planner.app.text import N_
from planner.errors import InputError, Problem, msg

GRAPH_SUFFIXES = (".graphml",)
"""A road graph already imported (used as it is)."""
ROAD_SUFFIXES = OSM_SUFFIXES + GRAPH_SUFFIXES
"""The road files a commune may take."""
DEM_SUFFIXES = (".hgt", ".tif", ".tiff")
"""The elevation rasters a commune may take (SRTM tiles, GeoTIFF)."""
ROADS_MAX_BYTES = 400 * 2**20
"""The largest road file accepted, in bytes (a province's PBF is 50–200 MB)."""
DEM_MAX_BYTES = 200 * 2**20
"""The largest elevation file accepted, in bytes (an SRTM1 tile is 25 MB)."""
HGT_BYTES = (1201 * 1201 * 2, 3601 * 3601 * 2)
"""The sizes of an SRTM3 and an SRTM1 ``.hgt`` tile, in bytes."""
MARGIN_DEG = 0.02
"""How far outside the roads' extent a village still counts as reached, in
degrees (about 2 km)."""


def kind_of(name: str) -> str | None:
    """``roads`` or ``dem`` by the file name's suffix (None: neither)."""
    lower = name.lower()
    if lower.endswith(ROAD_SUFFIXES):
        return "roads"
    return "dem" if lower.endswith(DEM_SUFFIXES) else None


def _looks_like(name: str, head: bytes, size: int) -> bool:
    """Whether the first bytes ``head`` (and the ``size`` in bytes) fit the
    format the name's suffix says."""
    lower = name.lower()
    if lower.endswith((".gz",)):
        return head[:2] == b"\x1f\x8b"
    if lower.endswith((".bz2",)):
        return head[:3] == b"BZh"
    if lower.endswith(".pbf"):
        return b"OSMHeader" in head[:32]
    if lower.endswith((".osm", ".xml", ".graphml")):
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return text.startswith((b"<?xml", b"<osm", b"<graphml"))
    if lower.endswith(".hgt"):
        return size in HGT_BYTES
    return head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


def file_problem(name: str, kind: str, head: bytes, size: int, max_bytes: int | None = None
                 ) -> Problem | None:
    """Why the uploaded file ``name`` cannot be the commune's ``kind`` (``roads``
    or ``dem``) file, from its first bytes ``head`` and ``size`` in bytes
    (None: it may be); ``max_bytes``: the largest size (default
    ``ROADS_MAX_BYTES`` or ``DEM_MAX_BYTES``). The name must already be a
    plain file name."""
    if kind_of(name) != kind:
        what = msg("not an OpenStreetMap extract (.osm.pbf, .osm, .osm.gz, .xml) or a .graphml "
                   "road graph") if kind == "roads" else \
            msg("not an elevation file (an SRTM .hgt tile or a GeoTIFF .tif)")
        return Problem(name, "", what, msg("choose a file of that kind"))
    limit = max_bytes or (ROADS_MAX_BYTES if kind == "roads" else DEM_MAX_BYTES)
    if size > limit:
        return Problem(name, "", msg("larger than {n} MB", n=max(1, round(limit / 2**20))),
                       msg("take an extract of the commune's area only (extract.bbbike.org "
                           "cuts one to a box drawn on its map)"))
    if not _looks_like(name, head, size):
        if name.lower().endswith(".hgt"):
            return Problem(name, "", msg("not an SRTM tile: a .hgt tile holds 1201×1201 or "
                                         "3601×3601 heights"),
                           msg("download the tile again (e.g. from earthexplorer.usgs.gov)"))
        return Problem(name, "", msg("its content is not what its name says (damaged, or "
                                     "another kind of file renamed)"),
                       msg("download the file again and choose it as it came"))
    return None


def _extent(G) -> tuple[float, float, float, float]:
    """The roads' extent (W, S, E, N) in degrees."""
    xs = [float(d["x"]) for _n, d in G.nodes(data=True)]
    ys = [float(d["y"]) for _n, d in G.nodes(data=True)]
    return min(xs), min(ys), max(xs), max(ys)


def check_covers(G, places: Iterable[tuple[float, float]], source: str) -> None:
    """``InputError`` when none of ``places`` ((lon, lat) in degrees: the
    villages and the station) lies within the roads' extent (plus
    ``MARGIN_DEG``): the file is of another place. Places without
    coordinates are not counted."""
    known = [(lon, lat) for lon, lat in places if math.isfinite(lon) and math.isfinite(lat)]
    if not known or G.number_of_nodes() == 0:
        return
    w, s, e, n = _extent(G)
    if any(w - MARGIN_DEG <= lon <= e + MARGIN_DEG and s - MARGIN_DEG <= lat <= n + MARGIN_DEG
           for lon, lat in known):
        return
    lons, lats = [p[0] for p in known], [p[1] for p in known]
    raise InputError(Problem(
        source, "",
        msg("the roads of this file cover lon {w:.3f}–{e:.3f}, lat {s:.3f}–{n:.3f}, but the "
            "commune's villages lie at lon {lon0:.3f}–{lon1:.3f}, lat {lat0:.3f}–{lat1:.3f}: "
            "it is a map of another place", w=w, e=e, s=s, n=n, lon0=min(lons), lon1=max(lons),
            lat0=min(lats), lat1=max(lats)),
        msg("choose an OpenStreetMap extract that covers the commune, or check the "
            "households' longitude and latitude")))


def import_commune_roads(roads_file: Path, dems: tuple[Path, ...], out: Path,
                         places: Iterable[tuple[float, float]],
                         progress: Progress | None = None) -> list[str]:
    """Import the OpenStreetMap extract ``roads_file`` with the elevation
    rasters ``dems`` into the graph ``out`` (the job behind ``plan.py roads
    import``), then check that it reaches ``places`` (``check_covers``; the
    graph is deleted when it does not). Returns the import's warnings.
    ``RoadsError`` for a file that cannot be read or a DEM of another area."""
    progress = progress or Progress.silent()
    size_mb = roads_file.stat().st_size / 2**20
    progress.say(N_("Importing the roads of {file} ({mb:.1f} MB; once, it may take a "
                    "minute)…"), file=roads_file.name, mb=size_mb)
    if dems:
        progress.say(N_("Slopes from {files}."), files=", ".join(p.name for p in dems))
    result = import_roads(ImportRequest(roads_file, tuple(dems), out=out, overwrite=True))
    progress.say(N_("{nodes} road junctions read; checking that they reach the villages…"),
                 nodes=result.graph.number_of_nodes())
    try:
        check_covers(result.graph, places, roads_file.name)
    except InputError:
        out.unlink(missing_ok=True)
        raise
    return [str(w) for w in result.warnings]
