"""``plan.py roads``: import, download and inspect road networks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from planner.errors import PlannerError

OSM_SUFFIXES = (".osm.pbf", ".osm.gz", ".osm.bz2", ".osm", ".pbf", ".xml.gz", ".xml.bz2",
                ".xml")


def _stem(path: Path) -> str:
    name = path.name
    for suffix in OSM_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def _run(func, *args, **kwargs):
    """Call ``func``; outside the planner's CLI group, map planner errors to exit codes."""
    ctx = click.get_current_context()
    root = ctx.find_root().command
    if type(root).__name__ == "PlannerGroup":
        return func(*args, **kwargs)
    try:
        return func(*args, **kwargs)
    except PlannerError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(exc.exit_code) from None


def _out_path(name: str, out: Path | None, overwrite: bool) -> Path:
    from planner.speeds import MAPS_DIR

    path = out if out is not None else MAPS_DIR / f"{name}.graphml"
    if path.exists() and not overwrite:
        raise click.BadParameter(f"{path} exists; add --overwrite to replace it, or choose "
                                 "another --name", param_hint="--name")
    return path


def _bbox(ctx: click.Context, param: click.Parameter, value: str | None):
    from planner.roads.osm import parse_bbox

    if value is None:
        return None
    try:
        return parse_bbox(value)
    except ValueError as exc:
        raise click.BadParameter(f"'{value}': {exc}", param_hint="--bbox") from None


dem_opt = click.option("--dem", "dems", multiple=True,
                       type=click.Path(path_type=Path, dir_okay=False),
                       help="Elevation raster (SRTM .hgt or GeoTIFF); repeat for several tiles. "
                            "Without one the roads are taken as flat (with a warning).")
closures_opt = click.option("--closures", type=click.Path(path_type=Path, dir_okay=False),
                            default=None, help="GeoJSON of closed places (landslides...): "
                                               "points with radius_m, lines, polygons.")
out_opt = click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
                       help="Write the graph here instead of maps/NAME.graphml.")
overwrite_opt = click.option("--overwrite", is_flag=True, default=False,
                             help="Replace an existing graph of that name.")


@click.group()
def roads() -> None:
    """Import, download and inspect road networks (saved as maps/NAME.graphml).

    \b
    Examples:
      python plan.py roads import district.osm.pbf --dem N21E103.hgt --name nam-po
      python plan.py roads info nam-po --scenario scenarios/nam-po
    """


def _print_report(G, report_path: Path, stats: dict, notes: list[str]) -> None:
    click.echo(f"saved {report_path}: {G.number_of_nodes():,} nodes, "
               f"{G.number_of_edges():,} edges")
    raw, smooth = stats.get("raw"), stats.get("smoothed")
    if raw and smooth:
        click.echo(f"grades: median {raw['median_pct']:.1f} % → {smooth['median_pct']:.1f} %, "
                   f"steeper than 15 %: {raw['over15_pct']:.1f} % → "
                   f"{smooth['over15_pct']:.1f} % of edges (raw DEM → smoothed)")
    for note in notes:
        click.echo(f"warning: {note}", err=True)


@roads.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@dem_opt
@click.option("--bbox", callback=_bbox, default=None, metavar="W,S,E,N",
              help="Keep only roads inside this box (lon, lat degrees).")
@click.option("--boundary", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Keep only roads inside the polygon(s) of this GeoJSON.")
@click.option("--name", default=None, help="Graph name (default: the file's name).")
@closures_opt
@click.option("--infer-fords", is_flag=True, default=False,
              help="Read nodes a minor road shares with a stream as fords.")
@click.option("--keep-all", is_flag=True, default=False,
              help="Keep every connected piece, not only the largest.")
@out_opt
@overwrite_opt
def import_cmd(file: Path, dems: tuple[Path, ...], bbox, boundary: Path | None,
               name: str | None, closures: Path | None, infer_fords: bool, keep_all: bool,
               out: Path | None, overwrite: bool) -> None:
    """Import an OpenStreetMap extract (.osm.pbf, .osm, .osm.gz, .osm.bz2).

    Keeps roads, tracks, paths, footways and fords; adds elevations and
    smoothed grades from --dem rasters; computes travel times from
    maps/speeds.toml; saves maps/NAME.graphml for scenarios to name.

    \b
    Example:
      python plan.py roads import andorra.osm.pbf --dem N42E001.hgt --dem N41E001.hgt
    """
    from planner.roads.build import import_roads

    name = name or _stem(file)
    path = _out_path(name, out, overwrite)
    G, report = _run(import_roads, file, path, dems, bbox=bbox, boundary=boundary, name=name,
                     closures=closures, infer_fords=infer_fords, keep_all=keep_all)
    stats = {"raw": report.grades_raw, "smoothed": report.grades_smoothed}
    _print_report(G, path, stats, report.warnings)


@roads.command("fetch")
@click.argument("place")
@click.option("--name", default=None, help="Graph name (default: from the place).")
@dem_opt
@closures_opt
@out_opt
@overwrite_opt
def fetch_cmd(place: str, name: str | None, dems: tuple[Path, ...], closures: Path | None,
              out: Path | None, overwrite: bool) -> None:
    """Download the roads of PLACE (a name, or W,S,E,N) with osmnx; online only.

    The result is cached as maps/NAME.graphml so later runs work offline.
    Without a network it stops at once: use `roads import` with an extract.
    """
    from planner.roads.fetch import fetch_roads
    from planner.roads.places import fold_name

    name = name or fold_name(place).replace(" ", "-")[:60] or "download"
    path = _out_path(name, out, overwrite)
    G, info = _run(fetch_roads, place, path, dems, closures)
    _print_report(G, path, info["stats"], info["warnings"])


@roads.command("info")
@click.argument("graph")
@click.option("--scenario", type=click.Path(path_type=Path), default=None,
              help="Also list the scenario's households that cannot be reached, and why.")
@click.option("--speeds", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Speed table (default maps/speeds.toml).")
def info_cmd(graph: str, scenario: Path | None, speeds: Path | None) -> None:
    """Describe GRAPH (a name in maps/ or a .graphml path).

    Prints nodes, edges, km by road class and surface, the elevation range,
    the share of steep edges, connected components, and with --scenario the
    households that cannot be reached in the dry and wet seasons, and why.
    """
    from planner.roads.info import format_summary, summarize
    from planner.roads.io import load_graph
    from planner.sitecheck import scenario_reach
    from planner.speeds import load_speed_table, season_names

    def work() -> None:
        table = load_speed_table(speeds)
        G = load_graph(graph, Path.cwd(), table)
        click.echo(format_summary(summarize(G, table)))
        if scenario is not None:
            from planner.scenario import load_scenario

            sc, _warnings = load_scenario(scenario, check_roads=False)
            rows = scenario_reach(G, sc, table)
            n = len(sc.households)
            for season in season_names(table):
                cut = [r for r in rows if r["season"] == season]
                click.echo(f"{season} season: {n - len(cut)} of {n} households reachable")
                for r in cut:
                    approx = " (approximate location)" if r["approximate"] else ""
                    click.echo(f"  {r['household']}{approx}: {r['reason']}")
        sys.stdout.flush()

    _run(work)
