"""Renderers: a plan (with its scenario and road graph) → files to use offline.

``render_all`` writes, next to ``plan.json``:

- ``map.html`` — the offline map of every team (``map-<team>.html`` per team
  with ``per_team``);
- ``itinerary-<route>.pdf`` — the printable A4 itinerary of each route;
- ``notices.pdf`` — one page per village with a visit, a collection point or a
  shuttle pickup, for its head, then invitation slips for the households;
- ``route-<route>.gpx`` — GPX 1.1 for OsmAnd / Organic Maps (planned times);
- ``route-<route>.kml`` — the same day as KML for Google Earth / Maps.me.

``<route>`` is the route's name: the team id for a whole team (``T1``), and
``T1-shuttle`` for the officer of team T1 who shuttles residents that day.

Renderers are pure functions of (plan, scenario) → text/bytes: they never
download, never re-solve and never run a shortest path (the plan carries each
leg's geometry, ``planner.legs.attach_legs``; the base map is read from the
scenario's road graph file). Outputs are deterministic: the same plan and
scenario give byte-identical files. See ``docs/outputs.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from planner.atomic import safe_stem, write_atomic
from planner.domain import Plan, Scenario

FIELD_KINDS = ("visit", "pickup", "dropoff", "point")
"""A route with a stop of one of these kinds gets an itinerary and a GPX."""

OUTPUT_PATTERNS = ("map.html", "map-*.html", "itinerary-*.pdf", "route-*.gpx", "route-*.kml",
                   "notices.pdf")
"""The files ``render_all`` writes (beside a plan.json)."""


def _safe(team_id: str) -> str:
    """A team id (or route name) usable in a file name."""
    return safe_stem(team_id, "team")


@dataclass(frozen=True)
class Output:
    """One file of a day's outputs: its ``path`` and ``draw()``, which gives
    its text or bytes (None: no such file today, e.g. no notices); ``cost``
    its rough drawing time relative to the others (0: next to nothing; a
    pool draws the costly ones first, so that none is left alone at the end)."""

    path: Path
    draw: Callable[[], str | bytes | None]
    cost: int = 0


def day_outputs(plan: Plan, scenario: Scenario, out_dir: str | Path, lang: str = "vi",
                redact: bool = False, per_team: bool = True) -> tuple[list[Output], str]:
    """Every output of ``plan`` in ``out_dir`` as ``Output``s, in the order
    ``render_all`` writes them, and why PDFs cannot be printed on this machine
    ('' when they can; then no PDF is among them). What the outputs share (the
    documents' context, the routes' geometry, the road graph, the renderers'
    libraries) is made here, once, so that drawing them in forked processes
    (``planner.app.outputs``) repeats none of it."""
    # imported here: importing planner.render.i18n or .views must not load every
    # renderer's library (folium, WeasyPrint, gpxpy)
    from planner.render.geometry import prepare_drawing, road_graph, route_geometries
    from planner.render.gpx import render_gpx, render_kml
    from planner.render.itinerary import render_itinerary
    from planner.render.map_html import plan_fingerprint, render_map
    from planner.render.mapkit import load_folium
    from planner.render.notices import render_notices
    from planner.render.pdf import environment, pdf_unavailable
    from planner.render.views import doc_context

    out = Path(out_dir)
    ctx = doc_context(plan, scenario, lang, redact)
    geometry = route_geometries(plan)
    prepare_drawing(road_graph(scenario))  # read and indexed once, before any drawing
    load_folium()
    opts = {"lang": lang, "redact": redact, "geometry": geometry, "ctx": ctx}
    plan_id = plan_fingerprint(plan, scenario)
    todo = [Output(out / "map.html", partial(render_map, plan, scenario, plan_id=plan_id,
                                             **opts), 1)]
    if per_team:
        todo += [Output(out / f"map-{_safe(team)}.html", partial(
            render_map, plan, scenario, teams=(team,), plan_id=plan_id, **opts), 1)
            for team in dict.fromkeys(r.team for r in plan.routes)]
    no_pdf = pdf_unavailable()
    for route in plan.routes:
        if not any(s.kind in FIELD_KINDS for s in route.stops):
            continue
        name = _safe(route.name)
        if not no_pdf:
            todo.append(Output(out / f"itinerary-{name}.pdf", partial(
                render_itinerary, plan, scenario, route.name, **opts), 2))
        todo.append(Output(out / f"route-{name}.gpx", partial(
            render_gpx, plan, scenario, route.name, **opts)))
        todo.append(Output(out / f"route-{name}.kml", partial(
            render_kml, plan, scenario, route.name, **opts)))
    if not no_pdf:
        for template in ("itinerary.html", "notices.html"):  # compiled once, here
            environment(lang).get_template(template)
        todo.append(Output(out / "notices.pdf", partial(
            render_notices, plan, scenario, lang=lang, redact=redact, ctx=ctx), 3))
    return todo, no_pdf


def write_output(output: Output) -> Path | None:
    """Draw ``output`` and write it atomically; its path, or None when it has
    nothing to write."""
    data = output.draw()
    return None if data is None else write_atomic(output.path, data)


def render_all(plan: Plan, scenario: Scenario, out_dir: str | Path, lang: str = "vi",
               redact: bool = False, per_team: bool = True,
               warn: Callable[[str], None] | None = None) -> list[Path]:
    """Write every output of ``plan`` into ``out_dir`` (atomically), one after
    the other in this process; return the paths.

    ``lang`` is "vi" (default) or "en"; ``redact`` writes shareable copies with
    household codes and initials only (no names, ID numbers, conditions, phone
    numbers or notes); ``per_team`` adds one map per team (``map-T1.html``). When this machine
    cannot print PDFs, the other outputs are still written and ``warn`` is told why.
    (``planner.app.outputs.draw_outputs`` writes the same files in parallel.)
    """
    todo, no_pdf = day_outputs(plan, scenario, out_dir, lang, redact, per_team)
    if no_pdf and warn is not None:
        warn(no_pdf)
    return [p for p in map(write_output, todo) if p is not None]
