"""Road networks: the jobs behind ``plan.py roads import|fetch|info``.

``import_roads`` reads an OpenStreetMap extract, ``fetch_roads`` downloads a
place (online only), both saving ``maps/NAME.graphml`` with elevations and
travel times; ``roads_info`` describes a saved graph and, with a scenario,
the households it cannot reach in each season. Nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.domain import Unserved
from planner.errors import InputError, Problem, msg, reason_of
from planner.render.i18n import gettext_for, reason_text
from planner.roads import build, fetch
from planner.roads.info import format_summary, summarize
from planner.roads.io import load_graph
from planner.roads.osm import parse_bbox
from planner.roads.places import fold_name
from planner.scenario import load_scenario
from planner.sitecheck import scenario_reach
from planner.speeds import MAPS_DIR, load_speed_table, season_names

OSM_SUFFIXES = (".osm.pbf", ".osm.gz", ".osm.bz2", ".osm", ".pbf", ".xml.gz", ".xml.bz2",
                ".xml")


def graph_name(path: Path) -> str:
    """The graph name an extract gives by default: its file name without the
    OpenStreetMap suffixes (``nam-po.osm.pbf`` → ``nam-po``)."""
    name = path.name
    for suffix in OSM_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def bbox(text: str) -> tuple[float, float, float, float]:
    """``W,S,E,N`` in degrees → the box; a bad one is an input error naming ``--bbox``."""
    try:
        return parse_bbox(text)
    except ValueError as exc:
        raise InputError(Problem("--bbox", text, reason_of(exc),
                                 msg("give W,S,E,N in degrees, "
                                     "e.g. 102.9,21.7,103.3,22.0"))) from None


def graph_path(name: str, out: Path | None, overwrite: bool) -> Path:
    """Where a graph is saved (``out``, else ``maps/NAME.graphml``); refuses to
    replace an existing one unless ``overwrite``."""
    path = out if out is not None else MAPS_DIR / f"{name}.graphml"
    if path.exists() and not overwrite:
        raise InputError(Problem("--name", str(path), msg("exists already"),
                                 msg("add --overwrite to replace it, or choose another --name")))
    return path


@dataclass
class RoadsResult:
    """A saved graph: the graph, its path, grade statistics (``raw`` and
    ``smoothed``: median and share over 15 %) and warnings."""

    graph: Any
    path: Path
    stats: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportRequest:
    """Import the OpenStreetMap extract ``file``: elevation rasters ``dems``,
    a ``bbox`` (W, S, E, N) or ``boundary`` GeoJSON to cut to, the graph's
    ``name`` (default: from the file), ``closures`` GeoJSON, whether to read
    fords from streams and keep every piece, and where to save it."""

    file: Path
    dems: tuple[Path, ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    boundary: Path | None = None
    name: str | None = None
    closures: Path | None = None
    infer_fords: bool = False
    keep_all: bool = False
    out: Path | None = None
    overwrite: bool = False


def import_roads(request: ImportRequest) -> RoadsResult:
    """The ``roads import`` job."""
    name = request.name or graph_name(request.file)
    path = graph_path(name, request.out, request.overwrite)
    G, report = build.import_roads(request.file, path, request.dems, bbox=request.bbox,
                                   boundary=request.boundary, name=name,
                                   closures=request.closures,
                                   infer_fords=request.infer_fords, keep_all=request.keep_all)
    return RoadsResult(G, path, {"raw": report.grades_raw, "smoothed": report.grades_smoothed},
                       list(report.warnings))


@dataclass(frozen=True)
class FetchRequest:
    """Download the roads of ``place`` (a name, or W,S,E,N) with osmnx."""

    place: str
    name: str | None = None
    dems: tuple[Path, ...] = ()
    closures: Path | None = None
    out: Path | None = None
    overwrite: bool = False


def fetch_roads(request: FetchRequest) -> RoadsResult:
    """The ``roads fetch`` job (online only; stops at once without a network)."""
    name = request.name or fold_name(request.place).replace(" ", "-")[:60] or "download"
    path = graph_path(name, request.out, request.overwrite)
    G, info = fetch.fetch_roads(request.place, path, request.dems, request.closures)
    return RoadsResult(G, path, info["stats"], list(info["warnings"]))


@dataclass
class RoadsInfo:
    """A graph's summary as text, and with a scenario: per season, the
    households it cannot reach (rows with ``household``, ``reason``,
    ``approximate``) out of ``households``."""

    summary: str
    households: int = 0
    unreachable: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def roads_info(graph: str, scenario: Path | None = None, speeds: Path | None = None,
               lang: str = "vi") -> RoadsInfo:
    """The ``roads info`` job: describe ``graph`` (a name in maps/ or a path)
    on the speed table ``speeds`` (default maps/speeds.toml); the summary and
    each household's reason in ``lang``."""
    table = load_speed_table(speeds)
    G = load_graph(graph, Path.cwd(), table)
    _ = gettext_for(lang)
    out = RoadsInfo(format_summary(summarize(G, table), _))
    if scenario is not None:
        sc, _warnings = load_scenario(scenario, check_roads=False)
        rows = [dict(r, reason=reason_text(Unserved(r["household"], r["reason"], r["code"]),
                                           (), lang))
                for r in scenario_reach(G, sc, table)]
        out.households = len(sc.households)
        out.unreachable = {season: [r for r in rows if r["season"] == season]
                           for season in season_names(table)}
    return out
