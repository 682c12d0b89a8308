"""The import pipeline: OSM file → clipped road graph → elevations and grades →
closures → travel times → ``maps/NAME.graphml``.

``import_roads`` is what ``plan.py roads import`` runs; it writes one file, and
only at the end (atomically), so a failure leaves nothing behind.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import RoadsError, msg
from planner.roads.closures import apply_closures
from planner.roads.elevation import add_elevations, add_grades, flat, grade_stats
from planner.roads.io import save_graph
from planner.roads.osm import build_graph, read_boundary, read_osm
from planner.roads.validate import check_graph
from planner.speeds import SpeedTable, add_travel_times, load_speed_table


@dataclass
class ImportReport:
    """What an import did: the graph's size and the grade statistics
    (``median_pct``, ``over15_pct``) before and after smoothing."""

    path: Path
    nodes: int
    edges: int
    grades_raw: dict[str, float] = field(default_factory=dict)
    grades_smoothed: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def prepare_graph(G, dem_paths: Sequence[str | Path] = (), closures: str | Path | None = None,
                  table: SpeedTable | None = None, baseline_m: float = 300.0,
                  ) -> tuple[Any, dict[str, dict[str, float]], list[str]]:
    """Elevations and grades (or flat, with a warning), closures, travel times.

    Graph in, graph out; also returns the grade statistics and warnings.
    """

    stats: dict[str, dict[str, float]] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if dem_paths:
            add_elevations(G, dem_paths)
            add_grades(G, baseline_m=baseline_m)
            fwd = [d for _u, _v, d in G.edges(data=True) if not d.get("reversed")]
            stats["raw"] = grade_stats(d["grade_raw"] for d in fwd)
            stats["smoothed"] = grade_stats(d["grade"] for d in fwd)
        else:
            flat(G)
    notes = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    if closures:
        apply_closures(G, closures)
    add_travel_times(G, table or load_speed_table())
    return G, stats, notes


def import_roads(source: str | Path, out_path: str | Path,
                 dem_paths: Sequence[str | Path] = (),
                 bbox: tuple[float, float, float, float] | None = None,
                 boundary: str | Path | None = None, name: str | None = None,
                 closures: str | Path | None = None, infer_fords: bool = False,
                 keep_all: bool = False, table: SpeedTable | None = None,
                 overwrite: bool = True) -> tuple[Any, ImportReport]:
    """Import an OSM extract into ``out_path`` (GraphML) and return ``(G, report)``.

    Raises ``RoadsError`` (exit 3) for unreadable files, an area with no roads,
    DEMs that do not cover the roads and a graph ``check_graph`` refuses (no
    road a motorbike or a walker may use); nothing is written then.
    """

    out_path = Path(out_path)
    if out_path.exists() and not overwrite:
        raise RoadsError(msg("{out_path} › already exists › pass --overwrite to replace it",
                             out_path=out_path))
    shape = read_boundary(boundary) if boundary else None
    roads = read_osm(source, infer_fords=infer_fords)
    G = build_graph(roads, bbox=bbox, boundary=shape, keep_all=keep_all,
                    name=name or out_path.stem, infer_fords=infer_fords)
    G.graph["source"] = Path(source).name
    table = table or load_speed_table()
    G, stats, notes = prepare_graph(G, dem_paths, closures, table)
    check_graph(G, source, table)  # e.g. no road a motorbike may use: refused, nothing saved
    save_graph(G, out_path)
    report = ImportReport(out_path, G.number_of_nodes(), G.number_of_edges(),
                          stats.get("raw", {}), stats.get("smoothed", {}), notes)
    return G, report
