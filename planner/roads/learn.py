"""GPS tracks → observed travel times on the edges of a road graph.

Units: times in seconds (``t_s``, from the track's first point), distances in
metres, speeds in m/s inside this module; coordinates (lon, lat) in WGS84.

The steps, each a function:

1. ``read_track``: a GPX file (gpxpy) → ``Track`` (times and positions), with
   every problem a person can fix named in one ``InputError`` (exit 2): empty,
   one point, no times, times going back, too large (checked before parsing).
2. ``split_track``: the points → riding runs. A point's speed is its
   displacement over a window of ``WINDOW_S`` on each side; a stretch slower
   than ``STOP_MPS`` is a stop (a visit, lunch, waiting), one between that and
   ``WALK_MPS`` is walking (a motorbike does not crawl at walking pace for a
   minute); either counts only when it lasts ``MIN_STILL_S`` (a short slowdown
   at a junction or a ford stays part of the ride). A gap in the recording
   longer than ``GAP_S`` ends a run.
3. ``match_run``: one riding run → the road graph with leuvenmapmatching's
   ``DistanceMatcher`` (a hidden Markov model in the style of Newson and
   Krumm) on the motorbike edges of the season, drawn with their geometry. A
   point farther than ``OFF_EDGE_M`` from every such edge cannot be ridden
   there: the matcher stops, the point and those after it until one is back
   near a road are left out (walking off the road, a path the motorbike may
   not use), and matching starts again.
4. ``along_route``, ``traversed_edges``: every point of the run placed on the
   matched route (its position along it made non-decreasing); each edge
   ridden from its start node to its end node, timed from the moment that
   position passes its start to the moment it passes its end, interpolated
   between the points either side (``edge_seconds``) → ``Observation``.
   The edges' times add up to the ride's, slowing down at junctions included.
   Edges under ``MIN_EDGE_M`` are timed a span at a time (``short_spans``)
   and each gets its share of the span's time.

``learn_observations`` chains them for a list of files.
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from planner.errors import InputError, Problem, msg
from planner.geo import EARTH_RADIUS_M
from planner.roads.match import fast_map, quiet_matching
from planner.speeds import CALIBRATED_PROFILE, SpeedTable, calibration_cell, edge_speed_kph

#: A GPX file larger than this is refused before it is read (a day at one point
#: a second is about 5 MB).
MAX_TRACK_BYTES = 50 * 1024 * 1024
#: Half-width (s) of the window a point's speed is measured over.
WINDOW_S = 15.0
#: Below this speed (m/s, 2.2 km/h) a stretch is a stop; below ``WALK_MPS``
#: (5.4 km/h: walking with the kit is 4–5 km/h) it is walking; above, riding
#: (a motorbike in deep mud may be slower: such a stretch is left out, the
#: walk's off-road distance does not tell it apart).
STOP_MPS = 0.6
WALK_MPS = 1.5
#: A stop or a walk counts only when it lasts this long (s).
MIN_STILL_S = 60.0
#: A gap in the recording longer than this (s) ends a riding run.
GAP_S = 60.0
#: A point farther than this (m) from every motorbike edge is not riding.
OFF_EDGE_M = 50.0
#: The GPS noise the matcher assumes (m, one standard deviation).
GPS_NOISE_M = 12.0
#: Slack (m) at the ends of a run: an edge whose end lies this close past the
#: last matched point still counts as ridden to its end.
END_SLACK_M = 20.0
#: The ends of a run this long (m) are not timed: where a stop or a walk
#: begins, its first seconds stay in the run (``split_track``), hovering
#: within the GPS noise of one place.
END_TRIM_M = 2 * GPS_NOISE_M
#: A track whose every point is farther than this (m) from the graph's box is
#: in another place.
FAR_M = 5_000.0
#: The matcher is given a point only once the track has moved this far (m)
#: from the last point given (and the run's last point): denser points add
#: time, not information.
THIN_M = 25.0
#: Edges shorter than this (m) are not timed alone: the timing of their two
#: ends (the GPS noise over the speed, a second or two) is most of their
#: time. A run of them is timed as one span of at least ``MIN_SPAN_M`` of
#: one cell, with the edges beside it when the run is shorter, and the span's
#: time shared over the short edges in proportion to the table's seconds
#: (``short_spans``). 100 m: of 60, 100 and 150 m tried on the benchmark
#: (docs/benchmarks.md, branch learn4), the closest to what can be learnt.
MIN_EDGE_M = 60.0
MIN_SPAN_M = 100.0
#: An observed speed above this (km/h) is a matching error, not a ride.
MAX_KPH = 130.0


@dataclass(frozen=True)
class Track:
    """One GPX file's points, in time order: ``t_s`` seconds from the first
    point, ``lon``/``lat`` degrees; ``name`` the file, ``digest`` its SHA-1
    (a track learnt once is not learnt again)."""

    name: str
    digest: str
    t_s: np.ndarray
    lon: np.ndarray
    lat: np.ndarray


@dataclass(frozen=True)
class Observation:
    """One edge ridden from end to end: the edge ``(u, v, key)``, its length (m),
    the observed time (s), the speed table's time (s), its calibration cell,
    the track it comes from and, for a short edge, the seconds of the span
    it was timed in."""

    edge: tuple[Any, Any, int]
    length_m: float
    observed_s: float
    table_s: float
    cell: str
    track: str
    #: the seconds of the stretch it was timed over: its own when timed alone
    #: (None), a span's when its time is its share of that span (an edge
    #: under ``MIN_EDGE_M``): the timing noise is that of the span
    span_s: float | None = None

    @property
    def timed_over_s(self) -> float:
        """The seconds of the stretch this time was measured over."""
        return self.observed_s if self.span_s is None else self.span_s


def _problem(path: Path, where: str, what: str, fix: str) -> Problem:
    return Problem(str(path), where, what, fix)


def read_track(path: Path) -> Track:
    """Read one GPX file (every track segment, then routes' points with times).
    Raises ``InputError`` with one problem naming the file."""
    # imported here: gpxpy loads only when tracks are read
    import gpxpy
    import gpxpy.gpx

    fix_gpx = msg("export the day's track again from the phone (OsmAnd: My places › Tracks; "
                  "Organic Maps: Tracks › Export) as GPX")
    if not path.is_file():
        raise InputError(_problem(path, "", msg("file not found"),
                                  msg("give the path of a GPX track or of a folder of them")))
    size = path.stat().st_size
    if size > MAX_TRACK_BYTES:
        raise InputError(_problem(path, "", msg("the file is {mb} MB; a day's track is a few MB",
                                                mb=size // (1024 * 1024)),
                                  msg("give one day's track per file (split the export by day)")))
    data = path.read_bytes()
    try:
        gpx = gpxpy.parse(data.decode("utf-8", errors="replace"))
    except (gpxpy.gpx.GPXException, ValueError) as exc:
        raise InputError(_problem(path, "", msg("not a readable GPX file ({exc})",
                                                exc=str(exc)[:80]), fix_gpx)) from None
    points = [p for trk in gpx.tracks for seg in trk.segments for p in seg.points]
    if not points:
        raise InputError(_problem(path, "", msg("the track has no points"), fix_gpx))
    if len(points) < 2:
        raise InputError(_problem(path, "", msg("the track has only one point"),
                                  msg("record the whole day: the phone must record while "
                                      "riding")))
    if any(p.time is None for p in points):
        k = next(i for i, p in enumerate(points) if p.time is None)
        raise InputError(_problem(path, f"point {k + 1}", msg("a point has no time"),
                                  msg("record with times (a track, not a planned route)")))
    t0 = points[0].time
    t_s = np.array([(p.time - t0).total_seconds() for p in points])
    back = np.flatnonzero(np.diff(t_s) < 0)
    if back.size:
        k = int(back[0]) + 1
        raise InputError(_problem(path, f"point {k + 1}",
                                  msg("the time goes back ({t} s earlier than the point before)",
                                      t=f"{t_s[k - 1] - t_s[k]:.0f}"),
                                  msg("check the phone's clock; give tracks as recorded, "
                                      "not joined by hand")))
    lon = np.array([p.longitude for p in points], dtype=float)
    lat = np.array([p.latitude for p in points], dtype=float)
    return Track(path.name, hashlib.sha1(data).hexdigest(), t_s, lon, lat)


def track_files(paths: list[Path]) -> list[Path]:
    """The GPX files given: files as they are, folders by their ``*.gpx`` (sorted)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.suffix.lower() == ".gpx")
        else:
            out.append(path)
    return out


class Frame:
    """A local plane around (``lon0``, ``lat0``): x east, y north, metres
    (equirectangular; good to a few metres over a commune)."""

    def __init__(self, lon0: float, lat0: float):
        self.lon0, self.lat0 = lon0, lat0
        self.kx = math.radians(1.0) * EARTH_RADIUS_M * math.cos(math.radians(lat0))
        self.ky = math.radians(1.0) * EARTH_RADIUS_M

    def xy(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """Degrees → metres."""
        return ((np.asarray(lon, dtype=float) - self.lon0) * self.kx,
                (np.asarray(lat, dtype=float) - self.lat0) * self.ky)


def check_place(track: Track, G, path: Path) -> None:
    """Raise ``InputError`` when no point of ``track`` lies within ``FAR_M`` of
    the road graph's box (a track of another place, or the wrong --roads)."""
    xs = np.array([d["x"] for _n, d in G.nodes(data=True)], dtype=float)
    ys = np.array([d["y"] for _n, d in G.nodes(data=True)], dtype=float)
    frame = Frame(float(xs.mean()), float(ys.mean()))
    gx, gy = frame.xy(xs, ys)
    tx, ty = frame.xy(track.lon, track.lat)
    dx = np.maximum(0.0, np.maximum(gx.min() - tx, tx - gx.max()))
    dy = np.maximum(0.0, np.maximum(gy.min() - ty, ty - gy.max()))
    nearest_m = float(np.hypot(dx, dy).min())
    if nearest_m > FAR_M:
        raise InputError(_problem(path, "", msg("the track is {km} km from the road graph {name}",
                                                km=f"{nearest_m / 1000:,.0f}",
                                                name=G.graph.get("name", "")),
                                  msg("give the tracks of this commune, or name its road graph "
                                      "with --roads")))


def point_speeds(t_s: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each point's speed (m/s): displacement between the points ``WINDOW_S``
    before and after it (the track's ends clip the window)."""
    lo = np.searchsorted(t_s, t_s - WINDOW_S, side="left")
    hi = np.searchsorted(t_s, t_s + WINDOW_S, side="right") - 1
    dt = t_s[hi] - t_s[lo]
    dist = np.hypot(x[hi] - x[lo], y[hi] - y[lo])
    return np.where(dt > 0, dist / np.where(dt > 0, dt, 1.0), 0.0)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end exclusive) of each run of True in ``mask``."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def split_track(t_s: np.ndarray, x: np.ndarray, y: np.ndarray) -> list[tuple[int, int]]:
    """The riding runs of a track, as (first point, end exclusive): stops and
    walks of at least ``MIN_STILL_S`` and gaps over ``GAP_S`` removed. The
    first and last point of a stop stay with the rides beside it (the moment
    the ride ended and started again)."""
    speed = point_speeds(t_s, x, y)
    riding = np.ones(len(t_s), dtype=bool)
    for a, b in _runs(speed < WALK_MPS):
        if t_s[b - 1] - t_s[a] >= MIN_STILL_S:
            riding[a + 1:b - 1] = False
    out: list[tuple[int, int]] = []
    for a, b in _runs(riding):
        cuts = [a, *(np.flatnonzero(np.diff(t_s[a:b]) > GAP_S) + a + 1), b]
        out += [(int(p), int(q)) for p, q in zip(cuts[:-1], cuts[1:], strict=True) if q - p >= 2]
    return out


def thinned(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Indices of the points a run gives the matcher: the first, each one
    ``THIN_M`` from the last kept, and the last."""
    keep = [0]
    for i in range(1, len(x) - 1):
        if math.hypot(x[i] - x[keep[-1]], y[i] - y[keep[-1]]) >= THIN_M:
            keep.append(i)
    if len(x) > 1:
        keep.append(len(x) - 1)
    return np.array(keep, dtype=int)


@dataclass
class RoadMap:
    """The motorbike edges of one season near a track, as straight segments
    for the matcher: ``segments[(a, b)] = (edge, offset_m, length_m)`` where
    ``a``/``b`` are the matcher's node labels."""

    frame: Frame
    matcher_map: Any
    segments: dict[tuple[Any, Any], tuple[tuple[Any, Any, int], float, float]]


def road_map(G, season: str, frame: Frame, box: tuple[float, float, float, float]) -> RoadMap:
    """The edges of ``G`` a motorbike may ride in ``season`` (an edge time
    ``tt_motorbike_<season>``) with a point inside ``box`` (x0, y0, x1, y1 m),
    for leuvenmapmatching. Each edge's geometry is kept: its inner vertices
    become matcher nodes of that edge only."""
    logging.getLogger("be.kuleuven.cs.dtai.mapmatching").setLevel(logging.ERROR)
    mm = fast_map()
    segments: dict = {}
    attr = f"tt_{CALIBRATED_PROFILE}_{season}"
    node_ids = {n: i for i, n in enumerate(G.nodes)}
    next_id = len(node_ids)
    x0, y0, x1, y1 = box
    for u, v, k, d in G.edges(keys=True, data=True):
        if attr not in d:
            continue
        geom = d.get("geometry")
        if geom is not None:
            lon, lat = np.asarray(geom.coords).T
        else:
            lon = np.array([G.nodes[u]["x"], G.nodes[v]["x"]])
            lat = np.array([G.nodes[u]["y"], G.nodes[v]["y"]])
        x, y = frame.xy(lon, lat)
        if x.max() < x0 or x.min() > x1 or y.max() < y0 or y.min() > y1:
            continue
        # the matcher sorts its labels: integers only (graph nodes first, then
        # each edge's inner vertices)
        labels = [node_ids[u], *range(next_id, next_id + len(x) - 2), node_ids[v]]
        next_id += len(x) - 2
        for label, px, py in zip(labels, x, y, strict=True):
            mm.add_node(label, (float(py), float(px)))
        step = np.hypot(np.diff(x), np.diff(y))
        scale = float(d["length"]) / step.sum() if step.sum() > 0 else 1.0
        offset = 0.0
        for i, seg_m in enumerate(step * scale):
            if labels[i] == labels[i + 1]:
                continue
            mm.add_edge(labels[i], labels[i + 1])
            segments[(labels[i], labels[i + 1])] = ((u, v, k), offset, float(seg_m))
            offset += float(seg_m)
    return RoadMap(frame, mm, segments)


def match_run(rmap: RoadMap, t_s: np.ndarray, x: np.ndarray, y: np.ndarray
              ) -> list[tuple[list[tuple[Any, Any]], np.ndarray]]:
    """Match one riding run. Returns its matched pieces: (the route as matcher
    segments in order, the matched points as rows of (route index, fraction
    of that segment, time s)). A point off every road (``OFF_EDGE_M``) ends a
    piece."""
    # imported here: the matcher loads only when tracks are learnt
    from leuvenmapmatching.matcher.distance import DistanceMatcher

    pieces = []
    start = 0
    n = len(t_s)
    while start < n - 1:
        matcher = DistanceMatcher(rmap.matcher_map, matching=quiet_matching(),
                                  max_dist=OFF_EDGE_M,
                                  max_dist_init=OFF_EDGE_M, obs_noise=GPS_NOISE_M,
                                  obs_noise_ne=2 * GPS_NOISE_M, non_emitting_states=True,
                                  max_lattice_width=8, dist_noise=GPS_NOISE_M,
                                  avoid_goingback=True, restrained_ne=True)
        obs = [(float(y[i]), float(x[i])) for i in range(start, n)]
        matcher.match(obs)
        best = matcher.lattice_best or []
        pieces += _pieces(rmap, best, t_s[start:])
        done = max((m.obs for m in best), default=-1) + 1
        start += max(done, 1)
    return pieces


#: A match this close (m) to the start of a segment it then leaves backwards
#: is the matcher hesitating at a junction, not a ride into that segment.
SNAP_M = 20.0


def _pieces(rmap: RoadMap, best: list, t_s: np.ndarray) -> list:
    """The routes and the points' positions along them from the matcher's best
    path. The matcher may flip between the two directions of one road (both
    are segments at the same place) or step into a segment at a junction and
    back: a flip is read as the direction ridden, a step back is dropped. Where
    the path still breaks, a new piece starts."""
    pieces = []
    route: list[tuple[Any, Any]] = []
    marks: list[tuple[int, float, float]] = []  # (route index, fraction, time)
    for m in best:
        seg = (m.edge_m.l1, m.edge_m.l2)
        if seg[1] is None or seg not in rmap.segments:
            continue
        ti = float(m.edge_m.ti)
        if route and seg == route[-1][::-1]:
            seg, ti = route[-1], 1.0 - ti
        if not route or seg != route[-1]:
            while (route and seg[0] != route[-1][1] and seg[0] == route[-1][0]
                   and all(f * rmap.segments[route[-1]][2] < SNAP_M
                           for i, f, _t in marks if i == len(route) - 1)):
                route.pop()
                marks = [mk for mk in marks if mk[0] < len(route)]
            if route and seg[0] != route[-1][1]:
                pieces.append(_positions(rmap, route, marks))
                route, marks = [], []
            route.append(seg)
        if m.is_emitting():
            marks.append((len(route) - 1, ti, float(t_s[m.obs])))
    pieces.append(_positions(rmap, route, marks))
    return [p for p in pieces if p is not None]


def _positions(rmap: RoadMap, route: list[tuple[Any, Any]],
               marks: list[tuple[int, float, float]]):
    """(route, marks as an array of (route index, fraction, time)), or None
    with fewer than two matched points."""
    if len(marks) < 2:
        return None
    return route, np.array(marks, dtype=float)


def along_route(rmap: RoadMap, route: list[tuple[Any, Any]], marks: np.ndarray,
                t_s: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every point of the run between the first and last matched point, placed
    on the matched route: its position along it (m, made non-decreasing by
    ``isotonic``) and its time (s). A point is projected on the route's
    segments between those of the matched points before and after it (the
    matcher saw only the thinned points)."""
    lengths = np.array([rmap.segments[s][2] for s in route])
    start = np.concatenate([[0.0], np.cumsum(lengths)])
    coords = rmap.matcher_map.graph
    p1 = np.array([coords[a][0][::-1] for a, _b in route], dtype=float)  # (x, y)
    p2 = np.array([coords[b][0][::-1] for _a, b in route], dtype=float)
    mi, mt = marks[:, 0].astype(int), marks[:, 2]
    sel = np.flatnonzero((t_s >= mt[0]) & (t_s <= mt[-1]))
    pos = np.empty(len(sel))
    for n, j in enumerate(sel):
        k = min(int(np.searchsorted(mt, t_s[j], side="right")) - 1, len(mt) - 2)
        idx = np.arange(mi[k], mi[k + 1] + 1)
        d = p2[idx] - p1[idx]
        rel = np.array([x[j], y[j]]) - p1[idx]
        f = np.clip((rel * d).sum(axis=1) / np.maximum((d * d).sum(axis=1), 1e-9), 0.0, 1.0)
        gap = np.hypot(*(rel - f[:, None] * d).T)
        best = int(np.argmin(gap))
        pos[n] = start[idx[best]] + f[best] * lengths[idx[best]]
    return isotonic(pos), t_s[sel]


def isotonic(values: np.ndarray) -> np.ndarray:
    """The non-decreasing sequence closest to ``values`` in least squares (pool
    adjacent violators). GPS noise moves a point back and forth along the road;
    a running maximum would keep every forward error and so make slow stretches
    look faster than they are."""
    blocks: list[list[float]] = []  # [mean, count]
    for v in values:
        blocks.append([float(v), 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, n2 = blocks.pop()
            m1, n1 = blocks[-1]
            blocks[-1] = [(m1 * n1 + m2 * n2) / (n1 + n2), n1 + n2]
    return np.repeat([b[0] for b in blocks], [int(b[1]) for b in blocks])


def ridden_edges(rmap: RoadMap, route: list[tuple[Any, Any]], pos_m: np.ndarray
                 ) -> list[tuple[tuple[Any, Any, int], float, float]]:
    """The edges ridden whole along a matched route, in order: (edge, its
    start and end along the route, m). An edge counts when its segments
    follow each other from its first to its last and both its ends lie within
    the matched points (``END_SLACK_M``)."""
    out = []
    along = 0.0
    k = 0
    while k < len(route):
        edge, offset, _ = rmap.segments[route[k]]
        j, total = k, 0.0
        while j < len(route) and rmap.segments[route[j]][0] == edge:
            total += rmap.segments[route[j]][2]
            j += 1
        whole = offset == 0.0 and abs(rmap.segments[route[j - 1]][1]
                                      + rmap.segments[route[j - 1]][2] - total) < 0.5
        start_m, end_m = along, along + total
        if whole and start_m >= pos_m[0] - END_SLACK_M and end_m <= pos_m[-1] + END_SLACK_M:
            out.append((edge, start_m, end_m))
        along = end_m
        k = j
    return out


def short_spans(ridden: list[tuple[Any, float, float]], kinds: list[Any],
                span_m: float | None = None) -> list[tuple[int, int, range]]:
    """The spans that time the short edges of ``ridden`` (``ridden_edges``;
    ``kinds[i]``: edge i's kind, its calibration cell; None: in no span, e.g.
    a ford): (first, end exclusive) of each span in ``ridden`` and the short
    edges it times. A span holds edges of one kind only (its time is shared
    in proportion to the table's, which holds when they are as far off the
    table as each other). A run of consecutive edges under ``MIN_EDGE_M`` is
    cut into spans of at least ``span_m`` (default ``MIN_SPAN_M``), each
    timing its own edges; a run shorter than that is timed with the edges
    beside it along the route (the shorter neighbour first) until the span is
    long enough, and not at all when the ride has no more."""
    span_m = MIN_SPAN_M if span_m is None else span_m
    n = len(ridden)

    def joined(i: int, j: int) -> bool:  # edge j follows edge i without a gap
        return 0 <= i and j < n and kinds[i] is not None and kinds[i] == kinds[j] and abs(
            ridden[i][2] - ridden[j][1]) < 0.5

    def short(i: int) -> bool:
        return kinds[i] is not None and ridden[i][2] - ridden[i][1] < MIN_EDGE_M

    spans = []
    i = 0
    while i < n:
        if not short(i):
            i += 1
            continue
        j = i + 1
        while j < n and short(j) and joined(j - 1, j):
            j += 1
        groups, first = [], i
        for k in range(i, j):
            if ridden[k][2] - ridden[first][1] >= span_m:
                groups.append((first, k + 1))
                first = k + 1
        if first < j:  # the rest joins the last group, or is the whole run
            groups = [*groups[:-1], (groups[-1][0], j)] if groups else [(i, j)]
        for a, b in groups:
            lo, hi = a, b
            while ridden[hi - 1][2] - ridden[lo][1] < span_m:
                sides = [(ridden[lo - 1][2] - ridden[lo - 1][1], lo - 1)] if joined(lo - 1, lo) \
                    else []
                sides += [(ridden[hi][2] - ridden[hi][1], hi)] if joined(hi - 1, hi) else []
                if not sides:
                    break
                _m, k = min(sides)
                lo, hi = min(lo, k), max(hi, k + 1)
            if ridden[hi - 1][2] - ridden[lo][1] >= span_m:
                spans.append((lo, hi, range(a, b)))
        i = j
    return spans


def traversed_edges(rmap: RoadMap, route: list[tuple[Any, Any]], pos_m: np.ndarray,
                    t_s: np.ndarray, weight=None, kind=None
                    ) -> list[tuple[tuple[Any, Any, int], float, float, float]]:
    """The edges ridden whole along a matched route (``ridden_edges``):
    (edge, length m, time s, seconds of the stretch it was timed over).
    An edge of at least ``MIN_EDGE_M`` is timed alone (``edge_seconds``); the
    shorter ones a span at a time (``short_spans``), the span's time shared
    over its edges in proportion to ``weight(edge)`` (the table's seconds;
    default: its length; ``kind(edge)``: its kind, None for an edge in no
    span; default: one kind for all), so each short
    edge gets its share and the span's seconds (its timing noise is that of
    the span). Timing uses the run without its ends' last ``END_TRIM_M``: a
    stop or a walk is found by the speed over a window of ``WINDOW_S`` each
    side, so the run keeps up to that many seconds of it, hovering where the
    ride ended or began."""
    if len(pos_m) < 2:
        return []
    lo = int(np.searchsorted(pos_m, pos_m[0] + END_TRIM_M, side="right")) - 1
    hi = int(np.searchsorted(pos_m, pos_m[-1] - END_TRIM_M, side="left"))
    ride_m, ride_s = pos_m[lo:hi + 1], t_s[lo:hi + 1]
    if len(ride_m) < 2:
        return []
    ridden = ridden_edges(rmap, route, pos_m)
    weights = [(b - a) if weight is None else weight(e) for e, a, b in ridden]
    out: list[tuple[float, tuple[tuple[Any, Any, int], float, float, float]]] = []
    for edge, start_m, end_m in ridden:
        if end_m - start_m >= MIN_EDGE_M:
            seconds = edge_seconds(ride_m, ride_s, start_m, end_m)
            if seconds is not None:
                out.append((start_m, (edge, end_m - start_m, seconds, seconds)))
    kinds = [0 if kind is None else kind(e) for e, _a, _b in ridden]
    for first, end, shorts in short_spans(ridden, kinds):
        if ridden[first][1] < ride_m[0] or ridden[end - 1][2] > ride_m[-1]:
            continue  # a span is timed whole, never scaled from a part
        seconds = edge_seconds(ride_m, ride_s, ridden[first][1], ridden[end - 1][2])
        if seconds is None:
            continue
        total = sum(weights[first:end])
        for k in shorts:
            edge, start_m, end_m = ridden[k]
            out.append((start_m, (edge, end_m - start_m, seconds * weights[k] / total, seconds)))
    return [item for _at, item in sorted(out, key=lambda o: o[0])]


def edge_seconds(pos_m: np.ndarray, t_s: np.ndarray, start_m: float, end_m: float
                 ) -> float | None:
    """The time (s) to ride an edge from ``start_m`` to ``end_m`` along the
    route: from the moment the position (``pos_m``, non-decreasing) passes its
    start to the moment it passes its end, each interpolated between the
    points either side (points at one position: their mean time). Where the
    run begins or ends inside the edge (``END_SLACK_M``), the part covered,
    scaled to the whole. None when the points cover less than half of it.

    Timing the edge by the speed of its inner points only (20 m from each
    end, the earlier way) kept every point whose noise put it inside and
    dropped those it put outside, so a short edge looked slower than it was
    (+5 % at 100–150 m, +7 % at 60–100 m on the benchmark's tracks, with
    twice the spread of this way: docs/benchmarks.md)."""
    first, last = max(start_m, float(pos_m[0])), min(end_m, float(pos_m[-1]))
    if last - first < 0.5 * (end_m - start_m):
        return None
    at, group = np.unique(pos_m, return_inverse=True)
    when = np.bincount(group, weights=t_s) / np.bincount(group)
    if len(at) < 2:
        return None
    seconds = float(np.interp(last, at, when) - np.interp(first, at, when))
    return seconds * (end_m - start_m) / (last - first) if seconds > 0 else None


def track_observations(track: Track, G, season: str, prior: SpeedTable) -> list[Observation]:
    """Every edge ``track`` rode whole in ``season``, with its observed time and
    the prior table's time; edges under ``MIN_EDGE_M`` with their share of a
    span of their cell's edges (``traversed_edges``). Fords and impossible
    speeds (over ``MAX_KPH``) are left out; a ford is in no span."""
    frame = Frame(float(track.lon.mean()), float(track.lat.mean()))
    x, y = frame.xy(track.lon, track.lat)
    pad = OFF_EDGE_M + 200.0
    rmap = road_map(G, season, frame, (x.min() - pad, y.min() - pad, x.max() + pad,
                                       y.max() + pad))
    known: dict[tuple[Any, Any, int], tuple[float, str | None]] = {}

    def table_of(edge) -> tuple[float, str | None]:
        """The table's seconds and the cell of an edge (cell None: a ford, or
        no speed: not learnt)."""
        if edge not in known:
            data = G.edges[edge]
            kph = edge_speed_kph(data, CALIBRATED_PROFILE, season, prior)
            cell = calibration_cell(data, season, prior) if kph > 0 else None
            known[edge] = (float(data["length"]) / (kph / 3.6) if kph > 0 else 0.0, cell)
        return known[edge]

    out: list[Observation] = []
    for a, b in split_track(track.t_s, x, y):
        keep = thinned(x[a:b], y[a:b]) + a
        for route, marks in match_run(rmap, track.t_s[keep], x[keep], y[keep]):
            pos_m, t_s = along_route(rmap, route, marks, track.t_s[a:b], x[a:b], y[a:b])
            for edge, length_m, seconds, span_s in traversed_edges(
                    rmap, route, pos_m, t_s, lambda e: table_of(e)[0], lambda e: table_of(e)[1]):
                prior_s, cell = table_of(edge)
                if cell is None or seconds <= 0 or length_m / seconds * 3.6 > MAX_KPH:
                    continue
                out.append(Observation(edge, length_m, seconds, prior_s, cell, track.digest,
                                       span_s))
    return out
