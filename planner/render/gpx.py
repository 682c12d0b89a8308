"""GPX 1.1 for offline navigation apps (OsmAnd, Organic Maps), one file per route.

- ``wpt``: for a house reached on foot, first the parking point where the
  motorbikes wait (``"01P Đỗ xe NK-0128"``, ``type`` parking), then the stops
  in the field in order, named with their number, time,
  mode and household (or place): ``"01 07:39 Làm tại nhà NK-0128"``,
  ``"02 08:10 Đón người dân NK-0131"``, ``"03 08:40 Điểm thu nhận Nhà văn
  hoá bản Phiêng Lanh"``; ``type`` is the stop kind (visit, pickup, dropoff,
  point) and the description says the rest (village, times, residents or
  passengers, on board, hours and expected attendance, walk, contact);
  ``time`` is the planned arrival, ISO 8601 with the day's date and the
  scenario's UTC offset (``2026-11-24T07:39:00+07:00``; none on a parking
  point: the plan times the arrival at the house, not at the parking);
- ``rte``: the ordered stops, commune office → stops → commune office (pickups
  and drop-offs at the office included), each with its planned ``time``;
- ``trk``: the road track, one segment per leg (rides and walks).

Coordinates are WGS84 (lat, lon) with 5 decimals (about 1 m).

``render_kml``: the same day as KML 2.2 for Google Earth and Maps.me: a
folder of numbered placemarks (name, planned arrival as ``TimeStamp``,
description) and the road track as one line per leg.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from planner.clock import parse_hhmm
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


def planned_time(ctx: DocContext, clock: str, utc_offset_h: float) -> dt.datetime:
    """The clock time ``"HH:MM"`` of the day in ``ctx`` as an aware datetime in
    the scenario's time zone (``utc_offset_h`` hours east of UTC; Vietnam: 7)."""
    zone = dt.timezone(dt.timedelta(hours=utc_offset_h))
    midnight = dt.datetime.combine(dt.date.fromisoformat(ctx.date_iso), dt.time(), zone)
    return midnight + dt.timedelta(seconds=parse_hhmm(clock))


def _waypoint_name(s: StopView, office: str) -> tuple[str, str]:
    """A stop's waypoint name (``"01 07:39 Làm tại nhà NK-0128"``) and what it
    is at (household, place or the office)."""
    what = s.place if s.kind == "point" else office if s.at_office else s.household
    return nfc(f"{s.number:02d} {s.arrive} {s.label} {what}"), what


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
    doc.name = nfc(f"{day.title} · {ctx.date_iso}")
    doc.description = nfc(f"{ctx.commune} · {ctx.date}"
                          + (" · " + ctx.fiction_label if ctx.fiction_label else ""))
    rte = gpxpy.gpx.GPXRoute(name=doc.name)
    office = _("commune office")
    offset_h = scenario.parameters.utc_offset_h
    for s in day.stops:
        when = planned_time(ctx, s.arrive, offset_h)
        if s.kind in SYMBOLS:
            name, what = _waypoint_name(s, office)
            desc = visit_description(s, _)
            if s.park:
                doc.waypoints.append(gpxpy.gpx.GPXWaypoint(
                    latitude=round(s.park_lat or 0.0, 6), longitude=round(s.park_lon or 0.0, 6),
                    name=nfc(f"{s.number:02d}P " + _("Park here") + f" {what}"),
                    description=nfc(_("Park here, then walk {m} m with the kit").format(
                        m=s.walk_m)), symbol="Parking Area", type="parking"))
            if not s.at_office:  # the office is a stop of the route, not a place to find
                doc.waypoints.append(gpxpy.gpx.GPXWaypoint(
                    latitude=round(s.lat, 6), longitude=round(s.lon, 6), name=name,
                    description=desc, symbol=SYMBOLS[s.kind], type=s.kind, time=when))
            rte.points.append(gpxpy.gpx.GPXRoutePoint(
                latitude=round(s.lat, 6), longitude=round(s.lon, 6), name=name,
                description=desc, time=when))
        elif s.kind in ("start", "end"):
            rte.points.append(gpxpy.gpx.GPXRoutePoint(
                latitude=round(s.lat, 6), longitude=round(s.lon, 6),
                name=nfc(f"{s.arrive} {office}"), description=ctx.station, time=when))
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


KML_NS = "http://www.opengis.net/kml/2.2"


def render_kml(plan: Plan, scenario: Scenario, team: str, *, lang: str = "vi",
               redact: bool = False, geometry: dict[str, RouteGeometry] | None = None,
               ctx: DocContext | None = None) -> str:
    """The day of the route named ``team`` as KML 2.2 text (UTF-8, NFC) for
    Google Earth and Maps.me: the stops in the field as numbered placemarks
    (the GPX waypoint's name and description, the planned arrival as a
    ``TimeStamp`` with the scenario's UTC offset), the parking points (no time), and
    the road track (one line per leg). Same privacy as the GPX (the views)."""
    ctx = ctx or doc_context(plan, scenario, lang, redact)
    geometry = geometry if geometry is not None else route_geometries(plan)
    _ = ctx._
    day: TeamDay = ctx.route(team)
    office = _("commune office")
    offset_h = scenario.parameters.utc_offset_h
    ET.register_namespace("", KML_NS)
    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = ET.SubElement(root, f"{{{KML_NS}}}Document")
    ET.SubElement(doc, f"{{{KML_NS}}}name").text = nfc(f"{day.title} · "
                                                      f"{ctx.date_iso}")
    ET.SubElement(doc, f"{{{KML_NS}}}description").text = nfc(
        f"{ctx.commune} · {ctx.date}" + (" · " + _("FICTIONAL DEMO DATA") if ctx.fictional
                                          else ""))

    def placemark(parent, name: str, text: str, lon: float, lat: float, when: str) -> None:
        mark = ET.SubElement(parent, f"{{{KML_NS}}}Placemark")
        ET.SubElement(mark, f"{{{KML_NS}}}name").text = name
        ET.SubElement(mark, f"{{{KML_NS}}}description").text = text
        if when:
            stamp = ET.SubElement(mark, f"{{{KML_NS}}}TimeStamp")
            ET.SubElement(stamp, f"{{{KML_NS}}}when").text = planned_time(
                ctx, when, offset_h).isoformat()
        point = ET.SubElement(mark, f"{{{KML_NS}}}Point")
        ET.SubElement(point, f"{{{KML_NS}}}coordinates").text = f"{lon:.6f},{lat:.6f}"

    stops = ET.SubElement(doc, f"{{{KML_NS}}}Folder")
    ET.SubElement(stops, f"{{{KML_NS}}}name").text = _("Stops")
    for s in day.stops:
        if s.kind not in SYMBOLS or s.at_office:
            continue
        name, what = _waypoint_name(s, office)
        if s.park:
            placemark(stops, nfc(f"{s.number:02d}P " + _("Park here") + f" {what}"),
                      nfc(_("Park here, then walk {m} m with the kit").format(m=s.walk_m)),
                      s.park_lon or 0.0, s.park_lat or 0.0, "")
        placemark(stops, name, visit_description(s, _), s.lon, s.lat, s.arrive)
    track = ET.SubElement(doc, f"{{{KML_NS}}}Placemark")
    ET.SubElement(track, f"{{{KML_NS}}}name").text = nfc(day.title)
    lines = ET.SubElement(track, f"{{{KML_NS}}}MultiGeometry")
    for leg in geometry[day.route].legs:
        if len(leg.coords) < 2:
            continue
        line = ET.SubElement(lines, f"{{{KML_NS}}}LineString")
        ET.SubElement(line, f"{{{KML_NS}}}coordinates").text = " ".join(
            f"{lon:.6f},{lat:.6f}" for lon, lat in leg.coords)
    ET.indent(root)
    return nfc('<?xml version="1.0" encoding="UTF-8"?>\n'
               + ET.tostring(root, encoding="unicode") + "\n")
