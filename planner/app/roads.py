"""Road networks: the jobs behind ``plan.py roads import|fetch|info``.

``learn_speeds`` learns the motorbike speeds from GPS tracks into the layer
beside the speed table (docs/roads.md, *Speeds learnt from tracks*).
``import_roads`` reads an OpenStreetMap extract, ``fetch_roads`` downloads a
place (online only), both saving ``maps/NAME.graphml`` with elevations and
travel times; ``roads_info`` describes a saved graph and, with a scenario,
the households it cannot reach in each season. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.domain import Unserved
from planner.errors import InputError, Problem, msg, reason_of
from planner.render.i18n import gettext_for, reason_text
from planner.roads import build, fetch
from planner.roads.info import format_summary, summarize
from planner.roads.io import load_graph
from planner.roads.learn import check_place, read_track, track_files, track_observations
from planner.roads.learn_model import (
    CellFit,
    add_edge_evidence,
    add_evidence,
    cells_of,
    edges_of,
    fit,
    fit_edges,
    write_layer,
)
from planner.roads.osm import parse_bbox
from planner.roads.places import fold_name
from planner.scenario import load_scenario
from planner.sitecheck import scenario_reach
from planner.speeds import (
    DEFAULT_TABLE,
    MAPS_DIR,
    calibration_path,
    default_season,
    load_speed_table,
    season_names,
)

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
    learnt: list[dict[str, Any]] = field(default_factory=list)
    learnt_path: str = ""


def roads_info(graph: str, scenario: Path | None = None, speeds: Path | None = None,
               lang: str = "vi") -> RoadsInfo:
    """The ``roads info`` job: describe ``graph`` (a name in maps/ or a path)
    on the speed table ``speeds`` (default maps/speeds.toml); the summary and
    each household's reason in ``lang``."""
    table = load_speed_table(speeds)
    G = load_graph(graph, Path.cwd(), table)
    _ = gettext_for(lang)
    out = RoadsInfo(format_summary(summarize(G, table), _), learnt=learnt_rows(table),
                    learnt_path=(table.get("calibration") or {}).get("path", ""))
    if scenario is not None:
        sc, _warnings = load_scenario(scenario, check_roads=False)
        rows = [dict(r, reason=reason_text(Unserved(r["household"], r["reason"], r["code"]),
                                           (), lang))
                for r in scenario_reach(G, sc, table)]
        out.households = len(sc.households)
        out.unreachable = {season: [r for r in rows if r["season"] == season]
                           for season in season_names(table)}
    return out


@dataclass(frozen=True)
class LearnRequest:
    """Learn speeds from GPS tracks: GPX files or folders of them (``tracks``),
    ridden in ``season`` (default: the table's default season) on the road
    graph ``roads`` (a name in maps/ or a path; default: the only graph in
    maps/), correcting the speed table ``speeds`` (default maps/speeds.toml);
    ``now``: when (UTC; default: the clock); ``reset``: delete the learnt
    layer instead."""

    tracks: tuple[Path, ...] = ()
    season: str | None = None
    roads: str | None = None
    speeds: Path | None = None
    now: dt.datetime | None = None
    reset: bool = False


@dataclass
class LearnResult:
    """What a learning run did: the layer's ``path`` (None after a reset),
    the ``tracks`` learnt, those ``skipped`` (learnt before), the edges
    ``observed`` (``own_edges`` of them with their own factor), and every
    cell's fit (``planner.roads.learn_model.CellFit``)."""

    path: Path | None
    tracks: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    observed: int = 0
    cells: dict[str, Any] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)
    #: edges ridden often enough to have their own factor
    own_edges: int = 0


def default_roads() -> str:
    """The only road graph in maps/, else an input error asking for --roads."""
    graphs = sorted(MAPS_DIR.glob("*.graphml"))
    if len(graphs) != 1:
        raise InputError(Problem("--roads", "", msg("{n} road graphs in maps/", n=len(graphs)),
                                 msg("name the graph the tracks were ridden on with --roads "
                                     "NAME")))
    return graphs[0].stem


def learn_speeds(request: LearnRequest) -> LearnResult:
    """The ``roads learn`` job: every track read and checked first (one
    ``InputError`` with every problem, and nothing written), then matched,
    fitted with what was learnt before, and the layer written beside the
    speed table (``planner.speeds.calibration_path``)."""
    table_path = request.speeds or DEFAULT_TABLE
    layer = calibration_path(table_path)
    if request.reset:
        layer.unlink(missing_ok=True)
        return LearnResult(None)
    table = load_speed_table(table_path)
    previous = table.pop("calibration", None)
    season = request.season or default_season(table)
    if season not in season_names(table):
        raise InputError(Problem("--season", season, msg("no season '{season}' in the speed "
                                                         "table", season=season),
                                 msg("use one of {listing}",
                                     listing=", ".join(season_names(table)))))
    files = track_files(list(request.tracks))
    if not files:
        raise InputError(Problem(", ".join(map(str, request.tracks)) or "TRACKS", "",
                                 msg("no GPX file given"),
                                 msg("give GPX files or a folder of them")))
    G = load_graph(request.roads or default_roads(), Path.cwd(), table)
    tracks, problems = [], []
    for path in files:
        try:
            track = read_track(path)
            check_place(track, G, path)
            tracks.append(track)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    learnt = list((previous or {}).get("tracks_learnt", []))
    sources = list((previous or {}).get("track_files", []))
    out = LearnResult(layer)
    observations = []
    for track in tracks:
        if track.digest in learnt:
            out.skipped.append(track.name)
            continue
        observations += track_observations(track, G, season, table)
        learnt.append(track.digest)
        sources.append(track.name)
        out.tracks.append(track.name)
    out.observed = len(observations)
    out.cells = fit(add_evidence(cells_of(previous), observations))
    edges = add_edge_evidence(edges_of(previous), observations)
    out.own_edges = len(fit_edges(edges, out.cells))
    when = (request.now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    write_layer(layer, out.cells, learnt, sources, when, edges)
    out.rows = [_row(c) for _key, c in sorted(out.cells.items())]
    return out


def _row(c: CellFit) -> dict[str, Any]:
    highway, surface, grade, season = c.key.split("|")
    return {"highway": highway, "surface": surface, "grade": grade, "season": season,
            "tracks": c.tracks, "edges": c.edges, "km": c.km, "factor": c.speed_factor,
            "interval": c.interval}


def learnt_rows(table: dict[str, Any]) -> list[dict[str, Any]]:
    """The learnt layer of a loaded table, one row per cell: the cell's parts,
    tracks, edges, km, speed factor and its interval (empty without a layer)."""
    return [{"highway": c["highway"], "surface": c["surface"], "grade": c["grade"],
             "season": c["season"], "tracks": int(c["tracks"]), "edges": int(c["edges"]),
             "km": float(c["km"]), "factor": float(c["speed_factor"]),
             "interval": tuple(c.get("interval", (c["speed_factor"], c["speed_factor"])))}
            for c in (table.get("calibration") or {}).get("cell", [])]
