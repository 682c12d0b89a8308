"""GPX 1.1 for offline navigation apps (OsmAnd, Organic Maps), one file per team.

- ``wpt``: the visits in order, named ``"01 07:39 NK-0128"`` with a
  description (village, planned arrival–leave, residents, walk, contact);
- ``rte``: the ordered stops, commune office → visits → commune office;
- ``trk``: the road track, one segment per leg (rides and walks).

Coordinates are WGS84 (lat, lon) with 5 decimals (about 1 m).
"""

from __future__ import annotations

from planner.domain import Plan, Scenario
from planner.render.geometry import RouteGeometry, route_geometries
from planner.render.i18n import nfc
from planner.render.views import DocContext, StopView, TeamDay, doc_context


def visit_description(s: StopView, _) -> str:
    """A waypoint's description: one line per fact, plain text."""
    lines = [f"{s.village} · {s.arrive}–{s.depart}"]
    for p in s.residents:
        lines.append(p.name + (f" ({p.condition})" if p.condition else ""))
    if s.walk_m:
        lines.append(_("Walk from the parking point") + f": {s.walk_m} m")
    if s.approximate:
        lines.append(_("Approximate location"))
    if s.contact:
        lines.append(_("Contact") + f": {s.contact}")
    return nfc("\n".join(lines))


def render_gpx(plan: Plan, scenario: Scenario, G, team: str, *, lang: str = "vi",
               redact: bool = False, geometry: dict[str, RouteGeometry] | None = None,
               ctx: DocContext | None = None) -> str:
    """The team's day as GPX 1.1 text (UTF-8, NFC)."""
    import gpxpy.gpx

    ctx = ctx or doc_context(plan, scenario, lang, redact)
    geometry = geometry if geometry is not None else route_geometries(plan, scenario, G)
    _ = ctx._
    day: TeamDay = next(t for t in ctx.teams if t.team == team)
    doc = gpxpy.gpx.GPX()
    doc.creator = "mountain-id-planner"
    doc.name = nfc(f"{day.team} {day.name} · {ctx.date_iso}")
    doc.description = nfc(f"{ctx.commune} · {ctx.date}"
                          + (" · " + _("FICTIONAL DEMO DATA") if ctx.fictional else ""))
    rte = gpxpy.gpx.GPXRoute(name=doc.name)
    office = _("commune office")
    for s in day.stops:
        if s.kind == "visit":
            name = nfc(f"{s.number:02d} {s.arrive} {s.household}")
            desc = visit_description(s, _)
            doc.waypoints.append(gpxpy.gpx.GPXWaypoint(
                latitude=round(s.lat, 6), longitude=round(s.lon, 6), name=name,
                description=desc, symbol="Flag, Blue", type="visit"))
            rte.points.append(gpxpy.gpx.GPXRoutePoint(
                latitude=round(s.lat, 6), longitude=round(s.lon, 6), name=name,
                description=desc))
        elif s.kind in ("start", "end"):
            rte.points.append(gpxpy.gpx.GPXRoutePoint(
                latitude=round(s.lat, 6), longitude=round(s.lon, 6),
                name=nfc(f"{s.arrive} {office}"), description=ctx.station))
    doc.routes.append(rte)
    trk = gpxpy.gpx.GPXTrack(name=doc.name)
    for leg in geometry[team].legs:
        if len(leg.coords) < 2:
            continue
        seg = gpxpy.gpx.GPXTrackSegment()
        seg.points = [gpxpy.gpx.GPXTrackPoint(latitude=lat, longitude=lon)
                      for lon, lat in leg.coords]
        trk.segments.append(seg)
    doc.tracks.append(trk)
    return nfc(doc.to_xml(version="1.1"))
