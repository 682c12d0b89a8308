"""The learnt speed layer: observed edge times → a correction factor per cell.

A cell is road class × surface × grade band × season (``planner.speeds.
calibration_cell``), for the motorbike. What is fitted is the log of the ratio
observed time / table time. One track gives one value per cell it rode: the
log of (its observed seconds in the cell) / (the table's seconds for the same
edges), so that one long day counts as one piece of evidence, not as hundreds
(the edges of one day share the rider, the weather and the traffic).

The model (normal–normal, on log ratios):

- prior: the true log ratio of a cell is ``N(0, s²)``: the table is right on
  average; ``s`` is estimated from the cells (empirical Bayes,
  ``cell_prior_sd``: the mean square of their mean values less the part their
  tracks' noise explains), never below ``PRIOR_SD`` (the table's trust, about
  ±10 %) nor above ``PRIOR_SD_MAX``; ``PRIOR_SD`` while fewer than
  ``MIN_CELLS_FOR_SD`` cells have tracks. A fixed 0.1 held every cell close
  to the table however far all the cells' tracks put it (docs/benchmarks.md);
- each track's value is the true log ratio plus ``N(0, σ²)``; σ is estimated
  from the data, pooled over the cells (the spread between tracks of one cell),
  never below ``NOISE_FLOOR`` (one day's weather and rider);
- posterior of a cell with ``n`` tracks of mean ``ȳ``: precision
  ``1/s² + n/σ²``, mean ``(n ȳ/σ²) / precision``. With both at their
  floors, two tracks move a cell a third of the way to what they show and
  fifty 93 % of the way.

The speed factor written is ``exp(-mean)`` (a speed multiplier, like a
season's factors), with its interval ``exp(-mean ± 2 sd)``. The file keeps
each cell's sufficient statistics (tracks, sum and sum of squares of the
values) and the tracks learnt (their SHA-1), so that learning again adds the
new days to the old and a track given twice counts once.

Edges ridden again and again (the second level, ``fit_edges``). A team rides
the same roads day after day, and a given stretch may be slow every day (a
rutted climb, a market street) whatever its cell says. An edge ridden whole
at least ``MIN_EDGE_TRAVERSALS`` times gets its own factor on top of its
cell's, shrunk towards the cell:

- each traversal's value is ``y = log(observed / table seconds)``; its
  residual from the cell (the season's cell, so both seasons' rides of an
  edge count) is ``y − m_cell`` (the cell's posterior mean above). Taking
  each track's mean residual out first (its "day effect") was tried and made
  the benchmark worse on the same observations (docs/benchmarks.md): that
  mean also holds what the shrunk cells leave out, which is the roads', not
  the day's;
- an edge's effect is ``N(0, τ²)``; a traversal of an edge ridden in ``t``
  seconds is the effect plus ``N(0, σ_e² + (δ/t)²)``: the day and the rider
  (σ_e), and the timing of the edge's two ends (δ seconds whatever its
  length, so a short edge's ratio is the noisier). σ_e and δ are fitted to
  the spread between one edge's traversals (``EdgeSpread``, ``_noise_parts``),
  τ² is the spread of the edges' mean residuals beyond what that noise
  explains (a method-of-moments estimate, kept within ``EDGE_SD_BOUNDS``;
  ``PRIOR_SD`` while fewer than ``MIN_EDGES_FOR_SD`` edges qualify). These
  spreads come from the edges timed alone: an edge under ``learn.MIN_EDGE_M``
  has for each traversal its share of a span's time (``learn.short_spans``),
  the span's ratio, whose spread is not of that form; its ``t`` is the span's
  seconds (the span's ends were timed, not its own);
- an edge with ``n`` traversals of mean residual ``r̄`` has the effect
  ``w r̄``, ``w = τ² / (τ² + (σ_e² + (δ/t)²)/n)``: one ride moves it little,
  ten nearly all the way; its speed factor is ``exp(−w r̄)``, a multiplier on
  the cell's.

What cannot be learnt in advance: the day's own conditions (the weather of
that day, the rider, a herd on the road) are shared by every edge of one
team's day and are new each day; they stay in the error of any prediction.
An edge never ridden whole keeps its cell's factor.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.atomic import write_atomic
from planner.roads.learn import Observation
from planner.speeds import edge_label

#: Smallest prior standard deviation of a cell's log ratio (the table's
#: trust); the prior's spread is estimated from the cells themselves once
#: ``MIN_CELLS_FOR_SD`` cells have tracks (``prior_sd``), within these bounds.
PRIOR_SD = 0.1
PRIOR_SD_MAX = 0.5
MIN_CELLS_FOR_SD = 5
#: Smallest standard deviation of one track's log ratio in a cell.
NOISE_FLOOR = 0.2
#: An edge gets its own factor once ridden whole this many times.
MIN_EDGE_TRAVERSALS = 2
#: The spread of the edges' own effects (log scale) is estimated from the data
#: once this many edges qualify, and kept within these bounds.
MIN_EDGES_FOR_SD = 20
EDGE_SD_BOUNDS = (0.02, 0.3)
#: Smallest standard deviation of one traversal's log ratio around its edge.
EDGE_NOISE_FLOOR = 0.03


@dataclass(frozen=True)
class CellFit:
    """One cell's evidence and posterior: ``tracks`` values with sum ``sum_y``
    and sum of squares ``sum_y2`` (log ratios), ``edges`` and ``km`` ridden;
    ``log_mean``/``log_sd`` the posterior of the log ratio, ``speed_factor``
    ``exp(-log_mean)``."""

    key: str
    tracks: int
    sum_y: float
    sum_y2: float
    edges: int
    km: float
    log_mean: float = 0.0
    log_sd: float = PRIOR_SD

    @property
    def speed_factor(self) -> float:
        return math.exp(-self.log_mean)

    @property
    def interval(self) -> tuple[float, float]:
        """The speed factor's interval (about 95 %)."""
        return (math.exp(-self.log_mean - 2 * self.log_sd),
                math.exp(-self.log_mean + 2 * self.log_sd))


def track_values(observations: Iterable[Observation]) -> dict[str, list[tuple[float, int, float]]]:
    """Per cell, one value per track: (log of observed / table seconds, edges, km)."""
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for ob in observations:
        s = sums[(ob.cell, ob.track)]
        s[0] += ob.observed_s
        s[1] += ob.table_s
        s[2] += 1
        s[3] += ob.length_m / 1000
    out: dict[str, list[tuple[float, int, float]]] = defaultdict(list)
    for (cell, _track), (obs_s, table_s, n, km) in sums.items():
        out[cell].append((math.log(obs_s / table_s), int(n), km))
    return dict(out)


def add_evidence(previous: dict[str, CellFit], observations: Iterable[Observation]
                 ) -> dict[str, CellFit]:
    """The cells' sufficient statistics with the new observations added."""
    cells = dict(previous)
    for key, values in track_values(observations).items():
        old = cells.get(key, CellFit(key, 0, 0.0, 0.0, 0, 0.0))
        cells[key] = CellFit(key, old.tracks + len(values),
                             old.sum_y + sum(v[0] for v in values),
                             old.sum_y2 + sum(v[0] ** 2 for v in values),
                             old.edges + sum(v[1] for v in values),
                             old.km + sum(v[2] for v in values))
    return cells


def noise_sd(cells: Iterable[CellFit]) -> float:
    """σ: the pooled spread of one track's value within a cell, at least ``NOISE_FLOOR``."""
    ss = df = 0.0
    for c in cells:
        if c.tracks >= 2:
            ss += max(0.0, c.sum_y2 - c.sum_y ** 2 / c.tracks)
            df += c.tracks - 1
    return max(NOISE_FLOOR, math.sqrt(ss / df)) if df else NOISE_FLOOR


def cell_prior_sd(cells: Iterable[CellFit], sigma: float) -> float:
    """The prior's spread of the cells' log ratios around the table (empirical
    Bayes, method of moments): the mean square of the cells' mean values less
    the part their tracks' noise explains (``sigma²/n``), kept within
    ``PRIOR_SD``–``PRIOR_SD_MAX``; ``PRIOR_SD`` while fewer than
    ``MIN_CELLS_FOR_SD`` cells have tracks."""
    seen = [c for c in cells if c.tracks > 0]
    if len(seen) < MIN_CELLS_FOR_SD:
        return PRIOR_SD
    var = sum((c.sum_y / c.tracks) ** 2 - sigma ** 2 / c.tracks for c in seen) / len(seen)
    return min(PRIOR_SD_MAX, max(PRIOR_SD, math.sqrt(max(var, 0.0))))


def fit(cells: dict[str, CellFit], prior_sd: float | None = None) -> dict[str, CellFit]:
    """The posterior of every cell (module docstring); ``prior_sd``: the
    prior's spread, estimated from the cells when None (``cell_prior_sd``)."""
    sigma = noise_sd(cells.values())
    prior_sd = cell_prior_sd(cells.values(), sigma) if prior_sd is None else prior_sd
    out = {}
    for key, c in cells.items():
        precision = 1 / prior_sd ** 2 + c.tracks / sigma ** 2
        mean = (c.sum_y / sigma ** 2) / precision
        out[key] = CellFit(c.key, c.tracks, c.sum_y, c.sum_y2, c.edges, c.km,
                           mean, 1 / math.sqrt(precision))
    return out


@dataclass(frozen=True)
class EdgeStats:
    """One edge's traversals in one cell (so one season): the edge's label
    (``planner.speeds.edge_label``), the cell, the number of traversals and
    the sum and sum of squares of their log ratios."""

    edge: str
    cell: str
    traversals: int
    sum_y: float
    sum_y2: float
    #: the seconds its traversals were timed over, summed (its own observed
    #: seconds; a span's for an edge under ``learn.MIN_EDGE_M``, whose time is
    #: its share of the span's; inf when unknown: a layer written before they
    #: were kept)
    seconds: float = 0.0
    #: how many of its traversals are shares of a span's time (an edge under
    #: ``learn.MIN_EDGE_M``)
    shared: int = 0


@dataclass(frozen=True)
class EdgeFit:
    """An edge's own effect: ``traversals`` in all, ``log_mean``/``log_sd``
    the posterior of its log ratio beyond its cell's; ``speed_factor``
    ``exp(-log_mean)``, a multiplier on the cell's factor."""

    edge: str
    traversals: int
    log_mean: float
    log_sd: float

    @property
    def speed_factor(self) -> float:
        return math.exp(-self.log_mean)


def add_edge_evidence(previous: dict[tuple[str, str], EdgeStats],
                      observations: Iterable[Observation]) -> dict[tuple[str, str], EdgeStats]:
    """The edges' statistics, by (edge label, cell), with the new observations
    added (each traversal's log ratio as observed: see the module docstring
    for why no day effect is taken out)."""
    out = dict(previous)
    for ob in observations:
        label = edge_label(*ob.edge)
        y = math.log(ob.observed_s / ob.table_s)
        old = out.get((label, ob.cell), EdgeStats(label, ob.cell, 0, 0.0, 0.0))
        out[(label, ob.cell)] = EdgeStats(label, ob.cell, old.traversals + 1, old.sum_y + y,
                                          old.sum_y2 + y * y, old.seconds + ob.timed_over_s,
                                          old.shared + (ob.timed_over_s != ob.observed_s))
    return out


@dataclass(frozen=True)
class EdgeSpread:
    """The edges' level's spreads, on the log scale: one traversal's noise
    around its edge is ``N(0, noise_sd² + (timing_s / t)²)`` for an edge
    ridden in ``t`` seconds (the day and rider, plus the timing of its ends,
    a few seconds whatever the edge's length: a short edge's ratio is the
    noisier); ``edge_sd`` the spread of the edges' own effects (τ)."""

    noise_sd: float
    timing_s: float
    edge_sd: float

    def mean_var(self, n: int, seconds: float) -> float:
        """The variance of the mean of ``n`` traversals of an edge ridden in
        ``seconds`` each (log scale)."""
        return (self.noise_sd ** 2 + (self.timing_s / seconds) ** 2) / n


def _noise_parts(within: list[tuple[float, float, float]]) -> tuple[float, float]:
    """(noise sd, timing s) from the edges' spread between traversals:
    ``within`` holds, per edge ridden twice or more, (degrees of freedom,
    unbiased variance of its log ratios, 1 / its mean seconds²). A weighted
    least-squares line variance = noise² + timing² / seconds², each part
    kept ≥ 0 (noise ≥ ``EDGE_NOISE_FLOOR``)."""
    df = sum(w for w, _v, _x in within)
    if not df:
        return NOISE_FLOOR, 0.0
    xm = sum(w * x for w, _v, x in within) / df
    vm = sum(w * v for w, v, _x in within) / df
    sxx = sum(w * (x - xm) ** 2 for w, _v, x in within)
    slope = sum(w * (x - xm) * (v - vm) for w, v, x in within) / sxx if sxx > 0 else 0.0
    slope = max(0.0, slope)
    floor2 = EDGE_NOISE_FLOOR ** 2
    base = vm - slope * xm
    if base < floor2:  # refit the slope through the floor
        base = floor2
        sx2 = sum(w * x * x for w, _v, x in within)
        slope = max(0.0, sum(w * x * (v - base) for w, v, x in within) / sx2) if sx2 else 0.0
    return math.sqrt(base), math.sqrt(slope)


def edge_spreads(stats: Iterable[EdgeStats], cells: dict[str, CellFit]
                 ) -> tuple[dict[str, tuple[int, float, float]], EdgeSpread]:
    """Per edge (traversals, mean residual from its cells, mean seconds a
    traversal was timed over); the spreads of the edges' level
    (``EdgeSpread``: the module docstring), from the edges with no shared
    traversal."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    within = []
    for st in stats:
        m = cells[st.cell].log_mean if st.cell in cells else 0.0
        sums[st.edge][0] += st.traversals
        sums[st.edge][1] += st.sum_y - st.traversals * m
        sums[st.edge][2] += st.seconds
        sums[st.edge][3] += st.shared
        if st.traversals >= 2 and not st.shared:
            var = max(0.0, st.sum_y2 - st.sum_y ** 2 / st.traversals) / (st.traversals - 1)
            within.append((st.traversals - 1.0, var,
                           (st.traversals / st.seconds) ** 2 if st.seconds > 0 else 0.0))
    edges = {e: (int(n), r / n, t / n if t > 0 else math.inf)
             for e, (n, r, t, _sh) in sums.items() if n > 0}
    noise, timing = _noise_parts(within)
    spread = EdgeSpread(noise, timing, PRIOR_SD)
    seen = [edges[e] for e, (n, _r, _t, sh) in sums.items()
            if n >= MIN_EDGE_TRAVERSALS and not sh]
    if len(seen) < MIN_EDGES_FOR_SD:
        return edges, spread
    var = sum(r * r - spread.mean_var(n, t) for n, r, t in seen) / len(seen)
    lo, hi = EDGE_SD_BOUNDS
    return edges, EdgeSpread(noise, timing, min(hi, max(lo, math.sqrt(max(var, 0.0)))))


def fit_edges(stats: dict[tuple[str, str], EdgeStats], cells: dict[str, CellFit]
              ) -> dict[str, EdgeFit]:
    """The own effect of every edge ridden whole at least ``MIN_EDGE_TRAVERSALS``
    times, shrunk towards its cell (``cells``: fitted, ``fit``) by how
    precise its mean is: ``w = τ² / (τ² + var)``, var the variance of its
    traversals' mean (``EdgeSpread.mean_var``)."""
    edges, spread = edge_spreads(stats.values(), cells)
    tau2 = spread.edge_sd ** 2
    out = {}
    for edge, (n, r, t) in edges.items():
        if n < MIN_EDGE_TRAVERSALS:
            continue
        var = spread.mean_var(n, t)
        w = tau2 / (tau2 + var)
        out[edge] = EdgeFit(edge, n, w * r, math.sqrt(w * var))
    return out


def edges_of(calibration: dict[str, Any] | None) -> dict[tuple[str, str], EdgeStats]:
    """The edges' statistics stored in a loaded layer."""
    out = {}
    for e in (calibration or {}).get("edge", []):
        out[(e["edge"], e["cell"])] = EdgeStats(e["edge"], e["cell"], int(e["traversals"]),
                                                float(e["sum_log_ratio"]),
                                                float(e["sum_log_ratio_sq"]),
                                                float(e.get("sum_observed_s", math.inf)),
                                                int(e.get("shared", 0)))
    return out


def cells_of(calibration: dict[str, Any] | None) -> dict[str, CellFit]:
    """The cells' statistics stored in a loaded layer (``planner.speeds.load_calibration``)."""
    out = {}
    for c in (calibration or {}).get("cell", []):
        key = "|".join((c["highway"], c["surface"], c["grade"], c["season"]))
        out[key] = CellFit(key, int(c["tracks"]), float(c["sum_log_ratio"]),
                           float(c["sum_log_ratio_sq"]), int(c["edges"]), float(c["km"]))
    return out


def _q(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_layer(path: Path, cells: dict[str, CellFit], learnt: list[str],
                sources: list[str], when: str,
                edges: dict[tuple[str, str], EdgeStats] | None = None) -> Path:
    """Write the layer as TOML, atomically: a header saying what it is and how
    to reset it, the tracks learnt (SHA-1), ``edge``: one line per edge and
    cell ridden, with the edge's own factor (1 below ``MIN_EDGE_TRAVERSALS``),
    then one ``[[cell]]`` per cell (TOML: top-level keys before the tables)."""
    sigma = noise_sd(cells.values())
    edges = edges or {}
    own = fit_edges(edges, cells)
    lines = ["# Speeds learnt from the teams' GPS tracks by `python plan.py roads learn`.",
             "# A correction to the motorbike speeds of the table beside this file, per",
             "# road class, surface, grade band and season: speed × speed_factor.",
             "# To go back to the table alone, delete this file (docs/roads.md).",
             f"profile = {_q('motorbike')}",
             f"updated = {_q(when)}",
             f"prior_sd = {cell_prior_sd(cells.values(), sigma):.4f}",
             f"noise_sd = {sigma:.4f}",
             "tracks_learnt = [" + ", ".join(_q(d) for d in learnt) + "]",
             "track_files = [" + ", ".join(_q(s) for s in sources) + "]", ""]
    if edges:
        _, spread = edge_spreads(edges.values(), cells)
        lines += ["# Edges ridden whole: their traversals by cell and, from "
                  f"{MIN_EDGE_TRAVERSALS} traversals on, their own",
                  "# factor on top of the cell's (shrunk towards 1).",
                  f"edge_noise_sd = {spread.noise_sd:.4f}",
                  f"edge_timing_s = {spread.timing_s:.4f}",
                  f"edge_sd = {spread.edge_sd:.4f}", "edge = ["]
        for key in sorted(edges):
            st = edges[key]
            factor = own[st.edge].speed_factor if st.edge in own else 1.0
            lines.append(f"  {{edge = {_q(st.edge)}, cell = {_q(st.cell)}, "
                         f"speed_factor = {factor:.4f}, traversals = {st.traversals}, "
                         f"sum_log_ratio = {st.sum_y!r}, sum_log_ratio_sq = {st.sum_y2!r}, "
                         f"sum_observed_s = {st.seconds!r}, shared = {st.shared}}},")
        lines += ["]", ""]
    for key in sorted(cells):
        c = cells[key]
        highway, surface, band, season = key.split("|")
        lo, hi = c.interval
        lines += ["[[cell]]", f"highway = {_q(highway)}", f"surface = {_q(surface)}",
                  f"grade = {_q(band)}", f"season = {_q(season)}",
                  f"speed_factor = {c.speed_factor:.4f}",
                  f"interval = [{lo:.4f}, {hi:.4f}]",
                  f"log_sd = {c.log_sd:.4f}",
                  f"tracks = {c.tracks}", f"edges = {c.edges}", f"km = {c.km:.3f}",
                  f"sum_log_ratio = {c.sum_y!r}", f"sum_log_ratio_sq = {c.sum_y2!r}", ""]
    return write_atomic(path, "\n".join(lines))
