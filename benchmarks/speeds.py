"""Speeds learnt from GPS tracks against the table alone, on simulated days.

Usage::

    python -m benchmarks.speeds [--days 24] [--test-days 8] [--seed 7]

The road graph is REAL: the Andorra OpenStreetMap extract and SRTM tiles of
``../shared/data`` (the north-west box of ``benchmarks.campaign_quality``,
imported once into a temporary folder). The travel is SIMULATED, from a hidden
"true" speed model that differs from ``maps/speeds.toml`` (``TRUE_MODEL``,
labelled; fixed before any result was seen):

- dirt, earth and ground roads 35 % slower in the wet season (× 0.65), 15 %
  slower in the dry season (× 0.85);
- gravel and other unpaved surfaces × 0.8 in the wet season;
- climbs steeper than 8 % a further × 0.75 (loaded motorbikes, two up);
- paved roads × 1.1 (the table is cautious on asphalt);
- each day's rider and weather × a log-normal of sd 0.05, each edge × one of sd 0.10.

Each day: a team rides from one random node to 4–6 stops and back along the
table's shortest routes (as the planner routes it), stops 10–40 minutes at
each (the GPS keeps recording, with its jitter), at one or two stops walks
150–300 m off the road and back, lunch of 40 minutes; the phone samples every
1–5 s (drawn per day) with 8 m of noise and loses the signal for 2–3 minutes
once a day. Each day is written as a GPX file and learnt through the whole
``plan.py roads learn`` pipeline (reading, splitting, map matching,
fitting). Half the days are in the wet season.

Reported on the held-out days: the absolute error of the predicted ride time
of each leg between two stops (table alone, and table with the learnt layer
fitted on the first N training days), median and 90th percentile, for N = 1, 2,
4, 8, ... days; and the first N at which the learnt median error is half the
table's.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEASONS = ("dry", "wet")
#: Sampling of a simulated phone: GPS noise (m), seconds between points.
NOISE_M = 8.0
SAMPLE_S = (1, 5)


def true_factor(data: dict, season: str, table: dict) -> float:
    """The hidden model's speed factor of an edge (the module docstring), before
    the day's and the edge's noise."""
    from planner.speeds import is_unpaved, surface_of

    surface = surface_of(data, table)
    factor = 1.0
    if surface in ("dirt", "earth", "ground", "mud"):
        factor *= 0.65 if season == "wet" else 0.85
    elif is_unpaved(data, table):
        factor *= 0.8 if season == "wet" else 1.0
    else:
        factor *= 1.1
    if float(data.get("grade", 0.0) or 0.0) > 0.08:
        factor *= 0.75
    return factor


def _along(coords: np.ndarray, dist_m: np.ndarray) -> np.ndarray:
    """Points at ``dist_m`` along the polyline ``coords`` (x, y in metres)."""
    seg = np.hypot(*np.diff(coords, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    x = np.interp(dist_m, cum, coords[:, 0])
    y = np.interp(dist_m, cum, coords[:, 1])
    return np.column_stack([x, y])


def edge_xy(G, edge, frame) -> np.ndarray:
    """An edge's geometry in the frame's metres, oriented u → v."""
    u, v, _k = edge
    d = G.edges[edge]
    if d.get("geometry") is not None:
        lon, lat = np.asarray(d["geometry"].coords).T
    else:
        lon = np.array([G.nodes[u]["x"], G.nodes[v]["x"]])
        lat = np.array([G.nodes[u]["y"], G.nodes[v]["y"]])
    return np.column_stack(frame.xy(lon, lat))


def simulate_day(G, legs: list, speed_mps, rng: np.random.Generator, frame,
                 sample_s: float = 2.0, noise_m: float = NOISE_M, gap_s: float = 0.0
                 ) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """One day's GPS points: ``legs`` is a list of ``("ride", [edges])``,
    ``("stop", seconds)`` and ``("walk", metres)`` (out from the road at a right
    angle, to the left, to the right for negative metres, and back at 1.1 m/s).
    ``speed_mps(edge)`` gives the true speed.
    Returns (times s, x/y metres with noise, the true ride time of each ride leg);
    ``gap_s`` seconds of points are lost once, in the middle of the day."""
    path_t: list[np.ndarray] = []
    path_xy: list[np.ndarray] = []
    ride_s: list[float] = []
    t = 0.0
    here = None
    heading = np.array([1.0, 0.0])
    for kind, what in legs:
        if kind == "ride":
            start = t
            for edge in what:
                xy = edge_xy(G, edge, frame)
                length = float(G.edges[edge]["length"])
                seg = np.hypot(*np.diff(xy, axis=0).T).sum()
                dur = length / speed_mps(edge)
                ts = np.arange(0.0, dur, 1.0)
                path_t.append(t + ts)
                path_xy.append(_along(xy, ts / dur * seg))
                t += dur
                here = xy[-1]
                heading = (xy[-1] - xy[-2]) / max(1e-9, np.hypot(*(xy[-1] - xy[-2])))
            ride_s.append(t - start)
        elif kind == "stop":
            ts = np.arange(0.0, what, 1.0)
            path_t.append(t + ts)
            path_xy.append(np.repeat(here[None, :], len(ts), axis=0))
            t += what
        else:  # walk out and back, at a right angle to the road
            side = np.array([-heading[1], heading[0]])
            side = side * math.copysign(1.0, what)
            dur = abs(what) / 1.1
            ts = np.arange(0.0, 2 * dur, 1.0)
            out = np.minimum(ts, 2 * dur - ts) * 1.1
            path_t.append(t + ts)
            path_xy.append(here[None, :] + out[:, None] * side[None, :])
            t += 2 * dur
    times = np.concatenate(path_t)
    xy = np.concatenate(path_xy)
    keep = np.zeros(len(times), dtype=bool)
    keep[np.searchsorted(times, np.arange(0.0, times[-1], sample_s))] = True
    if gap_s > 0:
        mid = times[-1] / 2
        keep &= ~((times > mid) & (times < mid + gap_s))
    xy = xy[keep] + rng.normal(0.0, noise_m, size=(keep.sum(), 2))
    return times[keep], xy, ride_s


def write_gpx(path: Path, times: np.ndarray, xy: np.ndarray, frame, start) -> Path:
    """Write points (s from ``start``, a datetime; x/y metres of ``frame``) as a GPX track."""
    import datetime as dt

    import gpxpy.gpx

    gpx = gpxpy.gpx.GPX()
    trk = gpxpy.gpx.GPXTrack(name=path.stem)
    seg = gpxpy.gpx.GPXTrackSegment()
    lon = frame.lon0 + xy[:, 0] / frame.kx
    lat = frame.lat0 + xy[:, 1] / frame.ky
    for t, x, y in zip(times, lon, lat, strict=True):
        seg.points.append(gpxpy.gpx.GPXTrackPoint(float(y), float(x),
                                                  time=start + dt.timedelta(seconds=float(t))))
    trk.segments.append(seg)
    gpx.tracks.append(trk)
    path.write_text(gpx.to_xml())
    return path
