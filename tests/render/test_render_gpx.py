"""GPX 1.1 for OsmAnd and Organic Maps: waypoints in visit order, a route, a road track."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import gpxpy
import pytest

from planner.day.plan import plan_day
from planner.legs import attach_legs, path_coords
from planner.render import FIELD_KINDS
from planner.render.geometry import distance_to_lines_m
from planner.render.gpx import render_gpx
from planner.render.views import point_sessions
from planner.roads.io import load_graph
from planner.scenario import load_scenario

SMALL = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"


def test_gpx_parses_and_follows_the_roads(demo_day):
    """Each route's GPX parses with gpxpy; its visit waypoints are the visits
    in order, and all waypoints are numbered in route order; the route runs
    office → stops → office; at least 90 % of the track points lie within 30 m
    of a road of the graph; a house reached on foot has a parking waypoint
    just before it, where the plan parks."""
    scenario, G, plan, _m, _p = demo_day
    plan = attach_legs(plan, scenario, G)
    roads = [path_coords(G, [u, v], "length") for u, v in G.edges()]
    for route in plan.routes:
        visits = [s for s in route.stops if s.kind == "visit"]
        field = [s for s in point_sessions(route.stops) if s.kind in FIELD_KINDS]
        if not field:
            continue
        text = render_gpx(plan, scenario, route.name)
        assert 'version="1.1"' in text
        doc = gpxpy.parse(text)
        at_visits = [w for w in doc.waypoints if w.type == "visit"]
        assert [w.name.split()[-1] for w in at_visits] == [s.household for s in visits]
        parking = [w for w in doc.waypoints if w.type == "parking"]
        walked = [s for s in field if s.walk_m and s.park_lon is not None]
        assert len(parking) == len(walked)
        for w, s in zip(parking, walked, strict=True):
            assert abs(w.latitude - s.park_lat) < 1e-5 and abs(w.longitude - s.park_lon) < 1e-5
            assert str(s.walk_m) in w.description
        numbers = [int(w.name.split()[0]) for w in doc.waypoints if w.type != "parking"]
        assert numbers == sorted(numbers) and set(numbers) <= set(range(1, len(field) + 1))
        for w, s in zip(at_visits, visits, strict=True):
            assert abs(w.latitude - s.lat) < 1e-5 and abs(w.longitude - s.lon) < 1e-5
            assert w.description
        assert len(doc.routes) == 1
        assert len(doc.routes[0].points) == len(field) + 2
        points = [(p.longitude, p.latitude) for t in doc.tracks for seg in t.segments
                  for p in seg.points]
        assert len(points) > 2 * len(visits)
        near = [d <= 30.0 for d in distance_to_lines_m(points, roads)]
        assert sum(near) / len(near) >= 0.9, (route.team, sum(near) / len(near))


def test_redacted_gpx(demo_day):
    """--redact: waypoint texts hold initials, not names."""
    scenario, G, plan, _m, _p = demo_day
    route = next(r for r in plan.routes if any(s.kind == "visit" for s in r.stops))
    text = render_gpx(attach_legs(plan, scenario, G), scenario, route.name, redact=True)
    for h in scenario.households:
        for r in h.residents:
            assert r.full_name not in text


@pytest.fixture(scope="module")
def small_day():
    """The small valid scenario planned once (legs attached)."""
    scenario, _ = load_scenario(SMALL)
    G = load_graph(scenario.roads)
    plan, _, _ = plan_day(scenario, G, time_limit_s=0.5)
    return scenario, attach_legs(plan, scenario, G)


def test_gpx_waypoints_carry_planned_times(small_day):
    """Every stop waypoint and route point has ``<time>``: the stop's planned
    arrival on the plan's date in the scenario's UTC offset (+07:00), i.e. the
    same instant in UTC; a parking waypoint has none."""
    scenario, plan = small_day
    zone = dt.timezone(dt.timedelta(hours=scenario.parameters.utc_offset_h))
    for route in plan.routes:
        field = [s for s in point_sessions(route.stops) if s.kind in FIELD_KINDS]
        if not field:
            continue
        text = render_gpx(plan, scenario, route.name)
        assert "+07:00</time>" in text
        doc = gpxpy.parse(text)
        stops = [w for w in doc.waypoints if w.type != "parking"]
        assert len(stops) == len(field)
        for w, s in zip(stops, field, strict=True):
            expected = dt.datetime.combine(plan.date, dt.time(), zone) + dt.timedelta(
                minutes=round(s.arrive_s / 60))
            assert w.time == expected and w.time.utcoffset() == dt.timedelta(hours=7)
            assert w.time.astimezone(dt.UTC) == expected.astimezone(dt.UTC)
        assert all(w.time is None for w in doc.waypoints if w.type == "parking")
        points = doc.routes[0].points
        assert all(p.time is not None for p in points)
        assert [p.time for p in points] == sorted(p.time for p in points)


def test_kml_holds_the_same_stops_and_track(small_day):
    """``route-<route>.kml`` parses as KML 2.2: one placemark per GPX waypoint
    with the same name and the planned arrival as ``TimeStamp/when``, and the
    track's lines hold the GPX track's points."""
    import xml.etree.ElementTree as ET

    from planner.render.gpx import KML_NS, render_kml

    scenario, plan = small_day
    ns = {"k": KML_NS}
    route = next(r for r in plan.routes if any(s.kind in FIELD_KINDS for s in r.stops))
    gpx = gpxpy.parse(render_gpx(plan, scenario, route.name))
    root = ET.fromstring(render_kml(plan, scenario, route.name).encode("utf-8"))
    marks = root.findall("k:Document/k:Folder/k:Placemark", ns)
    assert [m.findtext("k:name", namespaces=ns) for m in marks] == [w.name for w in
                                                                     gpx.waypoints]
    for m, w in zip(marks, gpx.waypoints, strict=True):
        when = m.findtext("k:TimeStamp/k:when", namespaces=ns)
        assert (dt.datetime.fromisoformat(when) if when else None) == w.time
        lon, lat = map(float, m.findtext("k:Point/k:coordinates", namespaces=ns).split(","))
        assert abs(lon - w.longitude) < 1e-5 and abs(lat - w.latitude) < 1e-5
    lines = root.findall("k:Document/k:Placemark/k:MultiGeometry/k:LineString", ns)
    assert len(lines) == sum(len(t.segments) for t in gpx.tracks)
