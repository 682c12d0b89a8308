"""The learnt speed layer: observed edge times → a correction factor per cell.

A cell is road class × surface × grade band × season (``planner.speeds.
calibration_cell``), for the motorbike. What is fitted is the log of the ratio
observed time / table time. One track gives one value per cell it rode: the
log of (its observed seconds in the cell) / (the table's seconds for the same
edges), so that one long day counts as one piece of evidence, not as hundreds
(the edges of one day share the rider, the weather and the traffic).

The model (normal–normal, on log ratios):

- prior: the true log ratio of a cell is ``N(0, PRIOR_SD²)``: the table is
  right on average and rarely off by more than about ±10 % (``PRIOR_SD``);
- each track's value is the true log ratio plus ``N(0, σ²)``; σ is estimated
  from the data, pooled over the cells (the spread between tracks of one cell),
  never below ``NOISE_FLOOR`` (one day's weather and rider);
- posterior of a cell with ``n`` tracks of mean ``ȳ``: precision
  ``1/PRIOR_SD² + n/σ²``, mean ``(n ȳ/σ²) / precision``. With the floors,
  two tracks move a cell a third of the way to what they show and fifty
  93 % of the way.

The speed factor written is ``exp(-mean)`` (a speed multiplier, like a
season's factors), with its interval ``exp(-mean ± 2 sd)``. The file keeps
each cell's sufficient statistics (tracks, sum and sum of squares of the
values) and the tracks learnt (their SHA-1), so that learning again adds the
new days to the old and a track given twice counts once.
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

#: Prior standard deviation of a cell's log ratio (the table's trust).
PRIOR_SD = 0.1
#: Smallest standard deviation of one track's log ratio in a cell.
NOISE_FLOOR = 0.2


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


def fit(cells: dict[str, CellFit], prior_sd: float = PRIOR_SD) -> dict[str, CellFit]:
    """The posterior of every cell (module docstring)."""
    sigma = noise_sd(cells.values())
    out = {}
    for key, c in cells.items():
        precision = 1 / prior_sd ** 2 + c.tracks / sigma ** 2
        mean = (c.sum_y / sigma ** 2) / precision
        out[key] = CellFit(c.key, c.tracks, c.sum_y, c.sum_y2, c.edges, c.km,
                           mean, 1 / math.sqrt(precision))
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
                sources: list[str], when: str) -> Path:
    """Write the layer as TOML, atomically: a header saying what it is and how
    to reset it, the tracks learnt (SHA-1), then one ``[[cell]]`` per cell."""
    sigma = noise_sd(cells.values())
    lines = ["# Speeds learnt from the teams' GPS tracks by `python plan.py roads learn`.",
             "# A correction to the motorbike speeds of the table beside this file, per",
             "# road class, surface, grade band and season: speed × speed_factor.",
             "# To go back to the table alone, delete this file (docs/roads.md).",
             f"profile = {_q('motorbike')}",
             f"updated = {_q(when)}",
             f"prior_sd = {PRIOR_SD}",
             f"noise_sd = {sigma:.4f}",
             "tracks_learnt = [" + ", ".join(_q(d) for d in learnt) + "]",
             "track_files = [" + ", ".join(_q(s) for s in sources) + "]", ""]
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
