"""leuvenmapmatching, made fast and the same in every process.

Used by ``planner.roads.learn`` (``road_map``, ``match_run``): plane distance
functions doing the library's arithmetic without numpy on scalars
(``_point_to_segment``, ``_segment_to_segment``), an empty map that uses them
(``fast_map``), and a matching class that neither formats its debug text nor
hashes its states by a salted string (``quiet_matching``). Coordinates are
metres in a local plane (the matcher's (y, x)).
"""

from __future__ import annotations

import math


def _project(s1, s2, p) -> tuple[tuple[float, float], float]:
    """``p`` projected on the segment s1–s2: (the point, its fraction along)."""
    dx, dy = s2[0] - s1[0], s2[1] - s1[1]
    if abs(dx) <= 1e-8 and abs(dy) <= 1e-8:
        return s1, 0.0
    t = max(0.0, min(1.0, ((p[0] - s1[0]) * dx + (p[1] - s1[1]) * dy) / (dx * dx + dy * dy)))
    return (s1[0] + t * dx, s1[1] + t * dy), t


def _point_to_segment(p, s1, s2, delta: float = 0.0):
    """leuvenmapmatching's ``distance_point_to_segment`` (plane), without numpy
    on scalars; ``delta`` is always 0 in the matcher used here."""
    q, t = _project(s1, s2, p)
    return math.hypot(q[0] - p[0], q[1] - p[1]), q, t


def _segment_to_segment(f1, f2, t1, t2):
    """leuvenmapmatching's ``distance_segment_to_segment`` (plane), the same
    arithmetic without numpy on scalars (its ``allclose``/``isclose`` with
    ``rtol=0`` are ``abs(x) <= 1e-8``): (distance, point on f, point on t,
    fraction on f, fraction on t)."""
    x1, y1 = f1
    x2, y2 = f2
    x3, y3 = t1
    x4, y4 = t2
    n = (y4 - y3) * (x2 - x1) - (x4 - x3) * (y2 - y1)
    if abs(n) <= 1e-8:
        n = 0.0001  # parallel: the library's stand-in for a point far away
    u_f = ((x4 - x3) * (y1 - y3) - (y4 - y3) * (x1 - x3)) / n
    u_t = ((x2 - x1) * (y1 - y3) - (y2 - y1) * (x1 - x3)) / n
    xi, yi = x1 + u_f * (x2 - x1), y1 + u_f * (y2 - y1)
    changed_t = not 0 <= u_t <= 1
    changed_f = not 0 <= u_f <= 1
    u_t, u_f = min(1, max(0, u_t)), min(1, max(0, u_f))
    if not changed_t and not changed_f:
        return 0, (xi, yi), (xi, yi), u_f, u_t
    xf, yf = x1 + u_f * (x2 - x1), y1 + u_f * (y2 - y1)
    xt, yt = x3 + u_t * (x4 - x3), y3 + u_t * (y4 - y3)
    if changed_t and changed_f:
        if (xf - xi) ** 2 + (yf - yi) ** 2 > (xt - xi) ** 2 + (yt - yi) ** 2:
            changed_t = False
        else:
            changed_f = False
    if changed_t:
        pt = (xt, yt)
        pf, u_f = _project(f1, f2, pt)
    else:
        pf = (xf, yf)
        pt, u_t = _project(t1, t2, pf)
    return math.hypot(pf[0] - pt[0], pf[1] - pt[1]), pf, pt, u_f, u_t


def fast_map():
    """An empty leuvenmapmatching ``InMemMap`` in a plane (y, x metres) whose
    distance functions are ``_point_to_segment`` and ``_segment_to_segment``:
    the library's own on scalars call numpy's ``isclose`` for every pair of
    segments, a third of the matcher's time (cProfile, docs/benchmarks.md)."""
    # imported here: the matcher loads only when tracks are learnt
    from leuvenmapmatching.map.inmem import InMemMap

    mm = InMemMap("roads", use_latlon=False, use_rtree=False, index_edges=True)
    mm.distance = lambda p1, p2: math.hypot(p1[0] - p2[0], p1[1] - p2[1])
    mm.distance_point_to_segment = _point_to_segment
    mm.distance_segment_to_segment = _segment_to_segment
    return mm


def quiet_matching():
    """leuvenmapmatching's ``DistanceMatching`` without its text, with a hash
    that is the same in every process. The text: the matcher formats every
    state it makes for its debug log (``logger.debug(str(m))``, evaluated even
    when that log is off), 15 % of its time. The hash: the library hashes a
    state by its name as a string, and Python salts string hashes per process
    (``PYTHONHASHSEED``); a state's predecessors are kept in a set, and where
    two of them are equally likely the one met first in the set wins, so the
    matched route changed from one run to the next. A state's ``key`` is a
    tuple of integers (the map's labels, the observation's index), whose hash
    is not salted: sets iterate in the same order in every run, and every tie
    falls the same way. The matching itself is the library's."""
    # imported here: the matcher loads only when tracks are learnt
    from leuvenmapmatching.matcher.distance import DistanceMatching

    class QuietMatching(DistanceMatching):
        def __hash__(self) -> int:
            return hash(self.key)

        def __str__(self, label_width=None) -> str:
            return ""

        @staticmethod
        def repr_static(fields, label_width=None) -> str:
            return ""

        @staticmethod
        def repr_header(label_width=None, stop="") -> str:
            return ""

    return QuietMatching
