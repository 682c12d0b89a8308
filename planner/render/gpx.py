"""GPX 1.1 for offline navigation apps (OsmAnd, Organic Maps), one file per route.

- ``wpt``: for a house reached on foot, first the parking point where the
  motorbikes wait (``"01P Đỗ xe NK-0128"``, ``type`` parking), then the stops
  in the field in order, named with their number, time,
  mode and household (or place): ``"01 07:39 Làm tại nhà NK-0128"``,
  ``"02 08:10 Đón người dân NK-0131"``, ``"03 08:40 Điểm thu nhận Nhà văn
  hoá bản Phiêng Lanh"``; ``type`` is the stop kind (visit, pickup, dropoff,
  point) and the description says the rest (village, times, residents or
  passengers, on board, hours and expected attendance, walk, contact);
- ``rte``: the ordered stops, commune office → stops → commune office (pickups
  and drop-offs at the office included);
- ``trk``: the road track, one segment per leg (rides and walks).

Coordinates are WGS84 (lat, lon) with 5 decimals (about 1 m).
"""

from __future__ import annotations

from planner.domain import Plan, Scenario
from planner.render.geometry import RouteGeometry, route_geometries
from planner.render.i18n import nfc
from planner.render.views import DocContext, StopView, TeamDay, doc_context

SYMBOLS = {"visit": "Flag, Blue", "pickup": "Flag, Green", "dropoff": "Flag, Red",
           "point": "Flag, Yellow"}
"""The waypoint symbol of each stop kind (Garmin names; OsmAnd shows a flag)."""


def visit_description(s: StopView, _) -> str:
    """A waypoint's description: one line per fact, plain text."""
    lines = [f"{s.label} · {s.where}" if s.where and s.kind != "point" else s.label]
    if s.kind == "point":
        lines.append(f"{s.place} · {s.village}")
        lines.append(_("Open") + f" {s.opens}–{s.depart} · " + _("arrive") + f" {s.arrive}")
        lines.append(_("Expected attendance") + f": {s.people} · "
                     + _("Invited households") + f": {len(s.households)}")
    else:
        lines.append(" · ".join(x for x in (s.village, f"{s.arrive}–{s.depart}") if x))
    for p in s.residents:
        lines.append(p.name + (f" ({p.condition})" if p.condition else ""))
    if s.kind in ("pickup", "dropoff"):
        lines.append(_("On board when leaving") + f": {s.onboard}")
    if s.back:
        lines.append(_("Expected back home") + f": {s.back}")
    if s.walk_m:
        lines.append(_("Walk from the parking point") + f": {s.walk_m} m")
    if s.approximate:
        lines.append(_("Approximate location"))
    if s.contact:
        lines.append(_("Contact") + f": {s.contact}")
    return nfc("\n".join(lines))


def render_gpx(plan: Plan, scenario: Scenario, team: str, *, lang: str = "vi",
               redact: bool = False, geometry: dict[str, RouteGeometry] | None = None,
               ctx: DocContext | None = None) -> str:
    """The day of the route named ``team`` (``T1``, ``T1-shuttle``) as GPX 1.1
    text (UTF-8, NFC)."""
    # imported here: gpxpy loads only when a GPX file is written
    import gpxpy.gpx

    ctx = ctx or doc_context(plan, scenario, lang, redact)
    geometry = geometry if geometry is not None else route_geometries(plan)
    _ = ctx._
    day: TeamDay = ctx.route(team)
    doc = gpxpy.gpx.GPX()
    doc.creator = "mountain-id-planner"
    doc.name = nfc(f"{day.route} {day.name} · {ctx.date_iso}")
    doc.description = nfc(f"{ctx.commune} · {ctx.date}"
                          + (" · " + ctx.fiction_label if ctx.fiction_label else ""))
    rte = gpxpy.gpx.GPXRoute(name=doc.name)
    office = _("commune office")
    for s in day.stops:
        if s.kind in SYMBOLS:
            what = s.place if s.kind == "point" else office if s.at_office else s.household
            name = nfc(f"{s.number:02d} {s.arrive} {s.label} {what}")
            desc = visit_description(s, _)
            if s.park:
                doc.waypoints.append(gpxpy.gpx.GPXWaypoint(
                    latitude=round(s.park_lat or 0.0, 6), longitude=round(s.park_lon or 0.0, 6),
                    name=nfc(f"{s.number:02d}P {_('Park here')} {what}"),
                    description=nfc(_("Park here, then walk {m} m with the kit").format(
                        m=s.walk_m)), symbol="Parking Area", type="parking"))
            if not s.at_office:  # the office is a stop of the route, not a place to find
                doc.waypoints.append(gpxpy.gpx.GPXWaypoint(
                    latitude=round(s.lat, 6), longitude=round(s.lon, 6), name=name,
                    description=desc, symbol=SYMBOLS[s.kind], type=s.kind))
            rte.points.append(gpxpy.gpx.GPXRoutePoint(
                latitude=round(s.lat, 6), longitude=round(s.lon, 6), name=name,
                description=desc))
        elif s.kind in ("start", "end"):
            rte.points.append(gpxpy.gpx.GPXRoutePoint(
                latitude=round(s.lat, 6), longitude=round(s.lon, 6),
                name=nfc(f"{s.arrive} {office}"), description=ctx.station))
    doc.routes.append(rte)
    trk = gpxpy.gpx.GPXTrack(name=doc.name)
    for leg in geometry[day.route].legs:
        if len(leg.coords) < 2:
            continue
        seg = gpxpy.gpx.GPXTrackSegment()
        seg.points = [gpxpy.gpx.GPXTrackPoint(latitude=lat, longitude=lon)
                      for lon, lat in leg.coords]
        trk.segments.append(seg)
    doc.tracks.append(trk)
    return nfc(doc.to_xml(version="1.1"))
