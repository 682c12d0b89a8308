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
from pathlib import Path

from planner.atomic import safe_stem
from planner.domain import Plan, Scenario

FIELD_KINDS = ("visit", "pickup", "dropoff", "point")
"""A route with a stop of one of these kinds gets an itinerary and a GPX."""

OUTPUT_PATTERNS = ("map.html", "map-*.html", "itinerary-*.pdf", "route-*.gpx", "route-*.kml",
                   "notices.pdf")
"""The files ``render_all`` writes (beside a plan.json)."""


def _safe(team_id: str) -> str:
    """A team id (or route name) usable in a file name."""
    return safe_stem(team_id, "team")


def render_all(plan: Plan, scenario: Scenario, out_dir: str | Path, lang: str = "vi",
               redact: bool = False, per_team: bool = True,
               warn: Callable[[str], None] | None = None) -> list[Path]:
    """Write every output of ``plan`` into ``out_dir`` (atomically); return the paths.

    ``lang`` is "vi" (default) or "en"; ``redact`` writes shareable copies with
    household codes and initials only (no names, ID numbers, conditions, phone
    numbers or notes); ``per_team`` adds one map per team (``map-T1.html``). When this machine
    cannot print PDFs, the other outputs are still written and ``warn`` is told why.
    """
    # imported here: importing planner.render.i18n or .views must not load every
    # renderer's library (folium, WeasyPrint, gpxpy)
    from planner.planfile import write_atomic
    from planner.render.geometry import route_geometries
    from planner.render.gpx import render_gpx, render_kml
    from planner.render.itinerary import render_itinerary
    from planner.render.map_html import render_map
    from planner.render.notices import render_notices
    from planner.render.pdf import pdf_unavailable
    from planner.render.views import doc_context

    out = Path(out_dir)
    ctx = doc_context(plan, scenario, lang, redact)
    geometry = route_geometries(plan)
    written = [write_atomic(out / "map.html", render_map(
        plan, scenario, lang=lang, redact=redact, geometry=geometry))]
    if per_team:
        for team in dict.fromkeys(r.team for r in plan.routes):
            written.append(write_atomic(out / f"map-{_safe(team)}.html", render_map(
                plan, scenario, lang=lang, redact=redact, teams=(team,),
                geometry=geometry)))
    no_pdf = pdf_unavailable()
    if no_pdf and warn is not None:
        warn(no_pdf)
    for route in plan.routes:
        if not any(s.kind in FIELD_KINDS for s in route.stops):
            continue
        name = _safe(route.name)
        if not no_pdf:
            written.append(write_atomic(out / f"itinerary-{name}.pdf", render_itinerary(
                plan, scenario, route.name, lang=lang, redact=redact, geometry=geometry,
                ctx=ctx)))
        written.append(write_atomic(out / f"route-{name}.gpx", render_gpx(
            plan, scenario, route.name, lang=lang, redact=redact, geometry=geometry,
            ctx=ctx)))
        written.append(write_atomic(out / f"route-{name}.kml", render_kml(
            plan, scenario, route.name, lang=lang, redact=redact, geometry=geometry,
            ctx=ctx)))
    notices = None if no_pdf else render_notices(plan, scenario, lang=lang, redact=redact,
                                                 ctx=ctx)
    if notices is not None:
        written.append(write_atomic(out / "notices.pdf", notices))
    return written
