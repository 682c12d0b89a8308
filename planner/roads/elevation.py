"""Elevations from DEM rasters and smoothed grades, graph in, graph out.

``add_elevations(G, dem_paths)`` reads SRTM ``.hgt`` tiles or GeoTIFFs with
rasterio and adds node ``elevation`` (m), interpolated bilinearly; SRTM voids
(−32768, or the raster's nodata) are skipped in the interpolation and a node
that falls in a void is given the mean elevation of its graph neighbours.

Void cells are first filled in the raster itself (GDAL's inverse-distance
fill) and told in a warning naming the file and the number of cells; a
smoothed grade steeper than ``PLAUSIBLE_GRADE`` is clamped to it, with a
warning naming the edges.

``add_grades(G)`` adds per directed edge ``grade`` (rise over run in the
edge's direction; the reverse edge has the opposite sign), ``grade_abs`` and
``grade_raw`` (the unsmoothed osmnx-style value ``(z_v − z_u) / length``).

Why smooth: SRTM cells are about 90 m, so on a 40 m edge the elevation
difference between its two ends is mostly noise. ``grade`` is the slope of a
least-squares line fitted to the elevation profile along the road (sampled
every ``sample_m``) over a window of at least ``baseline_m`` centred on the
edge: an edge shorter than the window borrows road on both sides, following
the same OSM way where it continues, else the straightest continuation, and
stopping at dead ends. Edges longer than the window are fitted over their own
length. ``elevation`` on nodes stays the plain DEM value.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from planner.errors import RoadsError, msg
from planner.geo import EARTH_RADIUS_M

VOID_BELOW_M = -1000.0
#: a cell above this (m) is a void too (some rasters mark voids with 32767).
HIGHEST_M = 9000.0
#: a smoothed grade steeper than this (rise over run) is not a road: DEM
#: artefacts; such grades are clamped to it, with a warning naming the edges.
PLAUSIBLE_GRADE = 0.5
#: voids wider than this (cells) stay voids (then the nodes' neighbours fill in).
FILL_CELLS = 100


def _fill(data: np.ndarray, void: np.ndarray) -> np.ndarray:
    """The raster with its void cells interpolated from the cells around them
    (GDAL's inverse-distance fill, up to ``FILL_CELLS`` away); cells further
    from data than that come back below ``VOID_BELOW_M``."""
    # imported here: rasterio (GDAL) loads only when a DEM is read
    from rasterio.fill import fillnodata

    work = np.where(void, -32768.0, data)
    return fillnodata(work, mask=(~void).astype(np.uint8), max_search_distance=FILL_CELLS,
                      smoothing_iterations=0)


class Dem:
    """One raster held in memory for the window that covers the graph."""

    def __init__(self, path: Path, bounds: tuple[float, float, float, float]):
        # imported here: rasterio (GDAL) loads only when a DEM is read
        import rasterio
        from rasterio.windows import Window, from_bounds

        self.path = path
        try:
            src = rasterio.open(path)
        except rasterio.errors.RasterioIOError:
            raise RoadsError(msg("{path} › not a readable elevation raster (not a format GDAL "
                                 "reads, or damaged) › give an "
                                 "SRTM .hgt tile or a GeoTIFF in lon/lat (EPSG:4326)",
                                 path=path)) from None
        with src:
            if src.crs is not None and src.crs.to_epsg() not in (4326, None):
                raise RoadsError(msg("{path} › the raster is in {crs}, not lon/lat › "
                                     "reproject it to EPSG:4326 (gdalwarp -t_srs EPSG:4326)",
                                     path=path, crs=src.crs))
            self.raster_bounds = tuple(src.bounds)
            w, s, e, n = bounds
            rb = src.bounds
            self.empty = w > rb.right or e < rb.left or s > rb.top or n < rb.bottom
            if self.empty:
                self.data = np.zeros((0, 0), dtype=np.float64)
                self.voids = self.cells = 0
                return
            win = from_bounds(max(w, rb.left), max(s, rb.bottom), min(e, rb.right),
                              min(n, rb.top), src.transform)
            col0 = max(0, math.floor(win.col_off) - 2)
            row0 = max(0, math.floor(win.row_off) - 2)
            col1 = min(src.width, math.ceil(win.col_off + win.width) + 2)
            row1 = min(src.height, math.ceil(win.row_off + win.height) + 2)
            win = Window(col0, row0, col1 - col0, row1 - row0)
            data = src.read(1, window=win).astype(np.float64)
            nodata = src.nodata
            transform = src.window_transform(win)
        void = (data <= VOID_BELOW_M) | (data > HIGHEST_M)
        if nodata is not None and not (isinstance(nodata, float) and math.isnan(nodata)):
            void |= data == nodata
        void |= ~np.isfinite(data)
        #: void cells in the window read (the roads' area): told in a warning
        self.voids = int(void.sum())
        self.cells = int(void.size)
        if void.any() and not void.all():
            data = _fill(data, void)
        data[(data <= VOID_BELOW_M) | ~np.isfinite(data)] = np.nan
        self.data = data
        self.transform = transform

    def sample(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Bilinear elevations (m) and a mask of points this raster covers.

        A point inside the raster whose four cells are all voids gets ``nan``
        but counts as covered.
        """
        lon = np.asarray(lon, dtype=np.float64)
        lat = np.asarray(lat, dtype=np.float64)
        z = np.full(lon.shape, np.nan)
        if self.empty:
            return z, np.zeros(lon.shape, dtype=bool)
        rb = self.raster_bounds
        covered = (lon >= rb[0]) & (lon <= rb[2]) & (lat >= rb[1]) & (lat <= rb[3])
        t = self.transform
        # pixel centres: col = (lon - c)/a - 0.5
        col = (lon - t.c) / t.a - 0.5
        row = (lat - t.f) / t.e - 0.5
        h, w = self.data.shape
        c0 = np.clip(np.floor(col).astype(np.int64), 0, w - 1)
        r0 = np.clip(np.floor(row).astype(np.int64), 0, h - 1)
        c1 = np.clip(c0 + 1, 0, w - 1)
        r1 = np.clip(r0 + 1, 0, h - 1)
        fc = np.clip(col - c0, 0.0, 1.0)
        fr = np.clip(row - r0, 0.0, 1.0)
        vals = np.stack([self.data[r0, c0], self.data[r0, c1], self.data[r1, c0],
                         self.data[r1, c1]])
        wts = np.stack([(1 - fr) * (1 - fc), (1 - fr) * fc, fr * (1 - fc), fr * fc])
        ok = np.isfinite(vals)
        wsum = np.where(ok, wts, 0.0).sum(axis=0)
        zsum = np.where(ok, wts * np.nan_to_num(vals), 0.0).sum(axis=0)
        good = covered & (wsum > 1e-9)
        z[good] = zsum[good] / wsum[good]
        return z, covered


class Elevation:
    """Several rasters; each point takes the first raster that has a value."""

    def __init__(self, paths: Sequence[str | Path], bounds: tuple[float, float, float, float]):
        self.dems = []
        for p in paths:
            path = Path(p)
            if not path.is_file():
                raise RoadsError(msg("{path} › elevation file not found › give SRTM .hgt "
                                     "tiles or GeoTIFFs that cover the area", path=path))
            self.dems.append(Dem(path, bounds))

    def sample(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Elevations (m, ``nan`` in voids) and the covered mask."""
        z = np.full(np.shape(lon), np.nan)
        covered = np.zeros(np.shape(lon), dtype=bool)
        for dem in self.dems:
            zi, ci = dem.sample(lon, lat)
            fill = np.isnan(z) & np.isfinite(zi)
            z[fill] = zi[fill]
            covered |= ci
        return z, covered


def _bounds(G) -> tuple[float, float, float, float]:
    xs = [d["x"] for _, d in G.nodes(data=True)]
    ys = [d["y"] for _, d in G.nodes(data=True)]
    for _u, _v, d in G.edges(data=True):
        geom = d.get("geometry")
        if geom is not None:
            b = geom.bounds
            xs += [b[0], b[2]]
            ys += [b[1], b[3]]
    return min(xs), min(ys), max(xs), max(ys)


def _tile_names(w: float, s: float, e: float, n: float) -> list[str]:
    names = []
    for lat in range(math.floor(s), math.floor(n) + 1):
        for lon in range(math.floor(w), math.floor(e) + 1):
            names.append(f"{'N' if lat >= 0 else 'S'}{abs(lat):02d}"
                         f"{'E' if lon >= 0 else 'W'}{abs(lon):03d}.hgt")
    return names


def add_elevations(G, dem_paths: Sequence[str | Path]):
    """Add node ``elevation`` (m) from the rasters; graph in, graph out.

    Raises ``RoadsError`` naming the missing SRTM tiles when the rasters do not
    cover every node. Nodes in voids take their neighbours' mean elevation.
    """
    nodes = list(G.nodes)
    if not nodes:
        return G
    bounds = _bounds(G)
    elev = Elevation(dem_paths, (bounds[0] - 0.01, bounds[1] - 0.01,
                                 bounds[2] + 0.01, bounds[3] + 0.01))
    lon = np.array([G.nodes[n]["x"] for n in nodes])
    lat = np.array([G.nodes[n]["y"] for n in nodes])
    z, covered = elev.sample(lon, lat)
    if not covered.all():
        miss = ~covered
        w, s, e, n = lon[miss].min(), lat[miss].min(), lon[miss].max(), lat[miss].max()
        names = ", ".join(_tile_names(w, s, e, n))
        raise RoadsError(
            msg("{listing} › the elevation data do not cover "
                "{sum} of {length} road nodes (lon {w:.3f}…{e:.3f}, "
                "lat {s:.3f}…{n:.3f}) › add the SRTM tiles {names} with more --dem options",
                listing=', '.join(str(p) for p in dem_paths), sum=int(miss.sum()),
                length=len(nodes), w=w, e=e, s=s, n=n, names=names))
    for dem in elev.dems:
        if dem.voids:
            warnings.warn(
                f"{dem.path} › {dem.voids:,} void cells ({100 * dem.voids / dem.cells:.1f} % "
                "of the area under the roads) › their elevations are interpolated from the "
                "cells around them, so grades there are approximate; for exact grades use a "
                "void-filled DEM (SRTM v3 or Copernicus GLO-30)", stacklevel=2)
    z = _fill_voids(G, nodes, z)
    for node, value in zip(nodes, z, strict=True):
        G.nodes[node]["elevation"] = round(float(value), 1)
    G.graph["elevation_source"] = ", ".join(Path(p).name for p in dem_paths)
    G.graph["_elevation"] = elev  # used by add_grades, dropped before saving
    return G


def _fill_voids(G, nodes: list, z: np.ndarray) -> np.ndarray:
    """Give nodes in DEM voids the mean of their neighbours, repeatedly."""
    index = {n: i for i, n in enumerate(nodes)}
    for _ in range(100):
        missing = np.flatnonzero(np.isnan(z))
        if not len(missing):
            return z
        changed = False
        for i in missing:
            nb = {index[m] for m in G.successors(nodes[i])} | {
                index[m] for m in G.predecessors(nodes[i])}
            vals = [z[j] for j in nb if np.isfinite(z[j])]
            if vals:
                z[i] = float(np.mean(vals))
                changed = True
        if not changed:
            break
    if np.isnan(z).any():
        raise RoadsError(msg("the elevation data have voids under a whole group of roads › "
                             "use a void-filled DEM (e.g. SRTM v3 or Copernicus GLO-30)"))
    return z


def flat(G, reason: str = "no DEM given"):
    """Set every node's elevation to 0 and every grade to 0, with a warning."""
    warnings.warn(f"{reason}: the road graph is treated as flat (grade 0 everywhere); "
                  "give --dem tiles for slope-aware travel times", stacklevel=2)
    for n in G.nodes:
        G.nodes[n]["elevation"] = 0.0
    for _u, _v, d in G.edges(data=True):
        d["grade"] = d["grade_abs"] = d["grade_raw"] = 0.0
    G.graph["elevation_source"] = "none (flat)"
    return G


def _coords(G, u, v, data: dict) -> np.ndarray:
    geom = data.get("geometry")
    if geom is not None:
        return np.asarray(geom.coords, dtype=np.float64)[:, :2]
    a, b = G.nodes[u], G.nodes[v]
    return np.array([[a["x"], a["y"]], [b["x"], b["y"]]])


def _bearing(xy_from: np.ndarray, xy_to: np.ndarray) -> float:
    dx = (xy_to[0] - xy_from[0]) * math.cos(math.radians(xy_from[1]))
    return math.atan2(xy_to[1] - xy_from[1], dx)


def _batch_coords(G, edges: list) -> tuple[np.ndarray, np.ndarray]:
    """All edges' vertices stacked (lon/lat rows) and the start row of each edge."""
    coords = [_coords(G, u, v, G.edges[u, v, k]) for u, v, k in edges]
    counts = np.array([len(c) for c in coords], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)])
    return (np.vstack(coords) if coords else np.zeros((0, 2))), starts


def _seg_lengths_m(xy: np.ndarray) -> np.ndarray:
    lat = np.radians((xy[1:, 1] + xy[:-1, 1]) / 2)
    k = math.pi / 180 * EARTH_RADIUS_M
    return np.hypot(np.diff(xy[:, 0]) * np.cos(lat), np.diff(xy[:, 1])) * k


class _Profiles:
    """Elevation profiles of every edge (lon/lat, chainage m, elevation m), computed
    in one vectorised pass: vertices densified to ``sample_m``, one DEM lookup."""

    def __init__(self, G, elev: Elevation, sample_m: float):
        self.sample_m = sample_m
        self.cache: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        edges = list(G.edges(keys=True))
        xy, starts = _batch_coords(G, edges)
        if not len(edges):
            return
        seg = _seg_lengths_m(xy)
        # segments that join two edges are not segments: drop them
        inner = np.ones(len(seg), dtype=bool)
        inner[starts[1:-1] - 1] = False
        seg_idx = np.flatnonzero(inner)
        reps = np.maximum(1, np.ceil(seg[seg_idx] / sample_m)).astype(np.int64)
        # new points: each edge's first vertex, then reps points per segment
        j = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
        t = ((j + 1) / np.repeat(reps, reps))[:, None]
        a = np.repeat(seg_idx, reps)
        dense = xy[a] + t * (xy[a + 1] - xy[a])
        step = np.repeat(seg[seg_idx] / reps, reps)
        # where each edge's points go: its first vertex, then its segments' points
        edge_of_seg = np.searchsorted(starts, seg_idx, side="right") - 1
        pts_per_edge = np.bincount(edge_of_seg, weights=reps, minlength=len(edges)).astype(
            np.int64) + 1
        out_start = np.concatenate([[0], np.cumsum(pts_per_edge)])
        total = int(out_start[-1])
        all_xy = np.empty((total, 2))
        all_step = np.zeros(total)
        first_rows = out_start[:-1]
        all_xy[first_rows] = xy[starts[:-1]]
        mask = np.ones(total, dtype=bool)
        mask[first_rows] = False
        all_xy[mask] = dense
        all_step[mask] = step
        z, _c = elev.sample(all_xy[:, 0], all_xy[:, 1])
        for e, (u, v, k) in enumerate(edges):
            lo, hi = int(out_start[e]), int(out_start[e + 1])
            sx = np.cumsum(all_step[lo:hi])
            ze = z[lo:hi]
            if np.isnan(ze).any():
                ok = np.isfinite(ze)
                if ok.any():
                    ze = np.interp(sx, sx[ok], ze[ok])
                else:
                    ze = np.interp(sx, [0.0, max(float(sx[-1]), 1.0)],
                                   [G.nodes[u]["elevation"], G.nodes[v]["elevation"]])
            length = float(G.edges[u, v, k].get("length", sx[-1]) or sx[-1])
            if sx[-1] > 0:
                sx = sx * (length / sx[-1])  # agree with the edge's length attribute
            self.cache[(u, v, k)] = (all_xy[lo:hi], sx, ze)

    def get(self, u, v, k) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lon/lat, chainage m, elevation m) along the edge in its direction."""
        return self.cache[(u, v, k)]


def _continue(G, profiles: _Profiles, prev, node, edge_key: tuple, need_m: float,
              ) -> tuple[np.ndarray, np.ndarray]:
    """Profile points beyond ``node`` going away from ``prev`` for ``need_m`` metres.

    Returns chainages (m, counted from ``node``) and elevations.
    """
    s_out: list[np.ndarray] = []
    z_out: list[np.ndarray] = []
    offset = 0.0
    osmid = G.edges[edge_key].get("osmid")
    xy_prev = profiles.get(*edge_key)[0]
    came_bearing = _bearing(xy_prev[-2], xy_prev[-1]) if len(xy_prev) > 1 else 0.0
    visited = {edge_key[0], node}
    cur = node
    for _ in range(50):
        if offset >= need_m:
            break
        best = None
        for _, w, k, d in G.out_edges(cur, keys=True, data=True):
            if w in visited or w == prev:
                continue
            xy = profiles.get(cur, w, k)[0]
            turn = abs((_bearing(xy[0], xy[1]) - came_bearing + math.pi) % (2 * math.pi)
                       - math.pi)
            rank = (0 if d.get("osmid") == osmid else 1, turn)
            if best is None or rank < best[0]:
                best = (rank, (cur, w, k))
        if best is None:
            break
        key = best[1]
        xy, s, z = profiles.get(*key)
        take = s <= need_m - offset + profiles.sample_m
        s_out.append(offset + s[take][1:])
        z_out.append(z[take][1:])
        offset += float(s[-1])
        came_bearing = _bearing(xy[-2], xy[-1]) if len(xy) > 1 else came_bearing
        osmid = G.edges[key].get("osmid")
        prev, cur = cur, key[1]
        visited.add(cur)
    if not s_out:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(s_out), np.concatenate(z_out)


def _fit_slope(s: np.ndarray, z: np.ndarray) -> float:
    if len(s) < 2 or float(np.ptp(s)) <= 0:
        return 0.0
    sc = s - s.mean()
    return float((sc * (z - z.mean())).sum() / (sc * sc).sum())


def add_grades(G, baseline_m: float = 300.0, sample_m: float = 30.0,
               max_grade: float = 1.0):
    """Add ``grade``, ``grade_abs`` and ``grade_raw`` to every edge (see the module doc).

    Needs node ``elevation`` from ``add_elevations`` (which leaves the rasters
    on the graph for the profiles). Graph in, graph out.
    """
    elev: Elevation | None = G.graph.pop("_elevation", None)
    done: dict[tuple, float] = {}
    profiles = _Profiles(G, elev, sample_m) if elev is not None else None
    steep: list[str] = []
    for u, v, k, data in G.edges(keys=True, data=True):
        length = float(data.get("length", 0.0) or 0.0)
        zu, zv = float(G.nodes[u]["elevation"]), float(G.nodes[v]["elevation"])
        raw = (zv - zu) / length if length > 0 else 0.0
        data["grade_raw"] = round(float(np.clip(raw, -max_grade, max_grade)), 4)
        twin = (v, u, data.get("osmid"), round(length, 1))
        if (u, v, data.get("osmid"), round(length, 1)) in done:
            grade = done[(u, v, data.get("osmid"), round(length, 1))]
        elif twin in done:
            grade = -done[twin]
        elif profiles is None or length <= 0:
            grade = raw
        else:
            _xy, s, z = profiles.get(u, v, k)
            if length < baseline_m:
                need = (baseline_m - length) / 2
                s_f, z_f = _continue(G, profiles, u, v, (u, v, k), need)
                s_b, z_b = _reverse_side(G, profiles, u, v, k, need)
                s = np.concatenate([-s_b[::-1], s, length + s_f])
                z = np.concatenate([z_b[::-1], z, z_f])
                lo, hi = length / 2 - baseline_m / 2, length / 2 + baseline_m / 2
                keep = (s >= lo - 1e-6) & (s <= hi + 1e-6)
                s, z = s[keep], z[keep]
            grade = _fit_slope(s, z)
        if abs(grade) > PLAUSIBLE_GRADE and not str(data.get("reversed")) == "True":
            steep.append(f"{u}→{v} (way {data.get('osmid')}, {abs(grade) * 100:.0f} %)")
        grade = float(np.clip(grade, -min(max_grade, PLAUSIBLE_GRADE),
                              min(max_grade, PLAUSIBLE_GRADE)))
        done[(u, v, data.get("osmid"), round(length, 1))] = grade
        data["grade"] = round(grade, 4)
        data["grade_abs"] = round(abs(grade), 4)
    if steep:
        names = ", ".join(steep[:3]) + (f" and {len(steep) - 3} more" if len(steep) > 3 else "")
        warnings.warn(
            f"{G.graph.get('elevation_source') or 'the elevation data'} › edge {names} › "
            f"grades steeper than {PLAUSIBLE_GRADE * 100:.0f} % are no road (DEM artefacts: "
            f"voids or spikes), clamped to {PLAUSIBLE_GRADE * 100:.0f} %; check the DEM "
            "there or use a void-filled one (SRTM v3 or Copernicus GLO-30)", stacklevel=2)
    return G


def _reverse_side(G, profiles: _Profiles, u, v, k, need: float,
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Profile points behind ``u`` (before the edge starts), chainage counted from ``u``."""
    back = [(a, b, kk) for a, b, kk, d in G.out_edges(v, keys=True, data=True)
            if b == u and d.get("osmid") == G.edges[u, v, k].get("osmid")]
    if not back:
        back = [(a, b, kk) for a, b, kk in G.out_edges(v, keys=True) if b == u]
    if not back:
        return np.zeros(0), np.zeros(0)
    return _continue(G, profiles, v, u, back[0], need)


def grade_stats(grades: Iterable[float]) -> dict[str, float]:
    """Median |grade| (%) and the shares (%) of grades steeper than 8 % and 15 %."""
    g = np.abs(np.asarray(list(grades), dtype=np.float64)) * 100
    if not len(g):
        return {"median_pct": 0.0, "over8_pct": 0.0, "over15_pct": 0.0, "n": 0}
    return {"median_pct": float(np.median(g)), "over8_pct": float((g > 8).mean() * 100),
            "over15_pct": float((g > 15).mean() * 100), "n": int(len(g))}


def segment_grades(G) -> list[float]:
    """Unsmoothed grades of every OSM segment (consecutive vertices) from the DEM,
    one direction per edge pair: what a plain DEM lookup gives, for comparison.
    Needs the rasters that ``add_elevations`` leaves on the graph."""
    elev: Any = G.graph.get("_elevation")
    if elev is None:
        return []
    edges = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if not d.get("reversed")]
    xy, starts = _batch_coords(G, edges)
    z, _c = elev.sample(xy[:, 0], xy[:, 1])
    d = _seg_lengths_m(xy)
    inner = np.ones(len(d), dtype=bool)
    inner[starts[1:-1] - 1] = False
    ok = inner & (d > 0)
    return (np.diff(z)[ok] / d[ok]).tolist()
