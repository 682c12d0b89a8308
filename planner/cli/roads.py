"""``plan.py roads``: import, download and inspect road networks; learn speeds."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from planner.app import InputError, PlannerError
from planner.cli.helptext import HelpGroup
from planner.cli.options import lang_opt


def _run(func, *args, **kwargs):
    """Call ``func``; outside the planner's CLI group, map planner errors to exit codes."""
    ctx = click.get_current_context()
    root = ctx.find_root().command
    if type(root).__name__ == "PlannerGroup":
        return func(*args, **kwargs)
    try:
        return func(*args, **kwargs)
    except PlannerError as exc:
        # imported here: the words of the message load the catalogs
        from planner.app.text import error_text

        click.echo(error_text(exc, ctx.params.get("lang", "vi")), err=True)
        raise SystemExit(exc.exit_code) from None


def _bbox(ctx: click.Context, param: click.Parameter, value: str | None):
    if value is None:
        return None
    # imported here: osmnx is heavy and --help must stay instant
    from planner.app.roads import bbox

    try:
        return bbox(value)
    except InputError as exc:
        problem = exc.problems[0]
        raise click.BadParameter(f"'{value}': {problem.what}; {problem.fix}",
                                 param_hint="--bbox") from None


dem_opt = click.option("--dem", "dems", multiple=True,
                       type=click.Path(path_type=Path, dir_okay=False),
                       help="Elevation raster (SRTM .hgt or GeoTIFF); repeat for several tiles. "
                            "Without one the roads are taken as flat (with a warning).")
closures_opt = click.option("--closures", type=click.Path(path_type=Path, dir_okay=False),
                            default=None, help="GeoJSON of closed places (landslides...): "
                                               "points with radius_m, lines, polygons.")
out_opt = click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
                       help="Write the graph here instead of maps/NAME.graphml.")
speeds_opt = click.option("--speeds", type=click.Path(path_type=Path, dir_okay=False),
                          default=None, help="Speed table (default maps/speeds.toml).")
overwrite_opt = click.option("--overwrite", is_flag=True, default=False,
                             help="Replace an existing graph of that name.")


@click.group(cls=HelpGroup)
def roads() -> None:
    """Import, download and inspect road networks (saved as maps/NAME.graphml).

    \b
    Examples:
      python plan.py roads import commune.osm.pbf --dem N21E103.hgt --name nam-po
      python plan.py roads info nam-po --scenario scenarios/nam-po
      python plan.py roads learn tracks/ --season wet --roads nam-po
    """


def _print_report(G, report_path: Path, stats: dict, notes: list[str], lang: str) -> None:
    """What an import or a download saved, in ``lang``; its warnings on stderr."""
    # imported here: the catalogs load only when a report is printed
    from planner.app.text import gettext_for, problem_text

    _ = gettext_for(lang)
    click.echo(_("saved {path}: {nodes} nodes, {edges} edges").format(
        path=report_path, nodes=f"{G.number_of_nodes():,}", edges=f"{G.number_of_edges():,}"))
    raw, smooth = stats.get("raw"), stats.get("smoothed")
    if raw and smooth:
        click.echo(_("grades: median {raw_median} → {median}, steeper than {limit}: "
                     "{raw_over} → {over} of edges (raw DEM → smoothed)").format(
            raw_median=f"{raw['median_pct']:.1f} %", median=f"{smooth['median_pct']:.1f} %",
            limit="15 %", raw_over=f"{raw['over15_pct']:.1f} %",
            over=f"{smooth['over15_pct']:.1f} %"))
    for note in notes:
        click.echo(_("warning: {message}").format(message=problem_text(note, _)), err=True)


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
@lang_opt
def import_cmd(file: Path, dems: tuple[Path, ...], bbox, boundary: Path | None,
               name: str | None, closures: Path | None, infer_fords: bool, keep_all: bool,
               out: Path | None, overwrite: bool, lang: str) -> None:
    """Import an OpenStreetMap extract (.osm.pbf, .osm, .osm.gz, .osm.bz2).

    Keeps roads, tracks, paths, footways and fords; adds elevations and
    smoothed grades from --dem rasters; computes travel times from
    maps/speeds.toml; saves maps/NAME.graphml for scenarios to name.

    \b
    Example:
      python plan.py roads import andorra.osm.pbf --dem N42E001.hgt --dem N41E001.hgt
    """
    # imported here: osmnx and rasterio are heavy and --help must stay instant
    from planner.app.roads import ImportRequest, import_roads

    result = _run(import_roads, ImportRequest(file, dems, bbox, boundary, name, closures,
                                              infer_fords, keep_all, out, overwrite))
    _print_report(result.graph, result.path, result.stats, result.warnings, lang)


@roads.command("fetch")
@click.argument("place")
@click.option("--name", default=None, help="Graph name (default: from the place).")
@dem_opt
@closures_opt
@out_opt
@overwrite_opt
@lang_opt
def fetch_cmd(place: str, name: str | None, dems: tuple[Path, ...], closures: Path | None,
              out: Path | None, overwrite: bool, lang: str) -> None:
    """Download the roads of PLACE (a name, or W,S,E,N) with osmnx; online only.

    The result is cached as maps/NAME.graphml so later runs work offline.
    Without a network it stops at once: use `roads import` with an extract.
    """
    # imported here: osmnx is heavy and --help must stay instant
    from planner.app.roads import FetchRequest, fetch_roads

    result = _run(fetch_roads, FetchRequest(place, name, dems, closures, out, overwrite))
    _print_report(result.graph, result.path, result.stats, result.warnings, lang)


@roads.command("info")
@click.argument("graph")
@click.option("--scenario", type=click.Path(path_type=Path), default=None,
              help="Also list the scenario's households that cannot be reached, and why.")
@speeds_opt
@lang_opt
def info_cmd(graph: str, scenario: Path | None, speeds: Path | None, lang: str) -> None:
    """Describe GRAPH (a name in maps/ or a .graphml path).

    Prints nodes, edges, km by road class and surface, the elevation range,
    the share of steep edges, connected components, and with --scenario the
    households that cannot be reached in the dry and wet seasons, and why.
    With a learnt speed layer beside the table (`roads learn`), its cells:
    the table's speed (× 1.00) against the learnt factor, and the tracks,
    edges and km observed in each.
    """
    # imported here: osmnx is heavy and --help must stay instant
    from planner.app.lang import gettext_for
    from planner.app.roads import roads_info

    _ = gettext_for(lang)
    info = _run(roads_info, graph, scenario, speeds, lang)
    click.echo(info.summary)
    for season, cut in info.unreachable.items():
        n = info.households
        click.echo(_("{season} season: {reached} of {n} households reachable").format(
            season=_(season), reached=n - len(cut), n=n))
        for r in cut:
            approx = _(" (approximate location)") if r["approximate"] else ""
            click.echo(f"  {r['household']}{approx}: {r['reason']}")
    if info.learnt:
        _print_learnt(info.learnt, info.learnt_path, lang)
    sys.stdout.flush()


def _print_learnt(rows: list[dict], path: str, lang: str) -> None:
    """The learnt layer's cells as a table, in ``lang``."""
    # imported here: the catalogs load only when a report is printed
    from planner.app.text import gettext_for

    _ = gettext_for(lang)
    click.echo(_("speeds learnt from GPS tracks ({path}); the table's speed is × 1.00:")
               .format(path=path))
    cell, tracks, edges = _("road class · surface · grade · season"), _("tracks"), _("edges")
    factor = _("speed ×")
    click.echo(f"  {cell:<44} {tracks:>6} {edges:>6} {'km':>7}  {factor} (95 %)")
    for r in rows:
        cell = " · ".join((r["highway"], r["surface"], _(r["grade"]), _(r["season"])))
        lo, hi = r["interval"]
        click.echo(f"  {cell:<44} {r['tracks']:>6} {r['edges']:>6} {r['km']:>7.1f}  "
                   f"{r['factor']:.2f} ({lo:.2f}–{hi:.2f})")


@roads.command("learn")
@click.argument("tracks", nargs=-1, type=click.Path(path_type=Path))
@click.option("--season", default=None,
              help="The season the tracks were ridden in (default: the table's default).")
@click.option("--roads", "roads_name", default=None,
              help="The road graph they were ridden on (default: the only one in maps/).")
@speeds_opt
@click.option("--reset", is_flag=True, default=False,
              help="Delete the learnt layer: back to the speed table alone.")
@lang_opt
def learn_cmd(tracks: tuple[Path, ...], season: str | None, roads_name: str | None,
              speeds: Path | None, reset: bool, lang: str) -> None:
    """Learn motorbike speeds from the teams' GPS tracks (GPX files or folders).

    Matches each track to the road graph, leaves out stops and walking, and
    fits a correction per road class, surface, grade band and season, shrunk
    towards the speed table (a few tracks move it a little, many a lot). The
    result is written beside the table (maps/speeds.learnt.toml) and used by
    every command from then on; a track learnt before is skipped. A bad track
    stops the run before anything is written. docs/roads.md says more.

    \b
    Examples:
      python plan.py roads learn tracks/2026-11-24/ --season wet
      python plan.py roads learn --reset
    """
    # imported here: osmnx and the matcher are heavy and --help must stay instant
    from planner.app.roads import LearnRequest, learn_speeds
    from planner.app.text import gettext_for

    _ = gettext_for(lang)
    result = _run(learn_speeds, LearnRequest(tracks, season, roads_name, speeds, reset=reset))
    if result.path is None:
        click.echo(_("the learnt speeds are deleted: plans use the speed table alone"))
        return
    click.echo(_("learnt {n} tracks, {edges} road edges ridden; {skipped} learnt before "
                 "(skipped)").format(n=len(result.tracks), edges=result.observed,
                                     skipped=len(result.skipped)))
    click.echo(_("{edges} road edges ridden at least twice have a factor of their own")
               .format(edges=result.own_edges))
    _print_learnt(result.rows, str(result.path), lang)
