"""GPX 1.1 for OsmAnd and Organic Maps: waypoints in visit order, a route, a road track."""

from __future__ import annotations

import gpxpy

from planner.legs import attach_legs, path_coords
from planner.render import FIELD_KINDS
from planner.render.geometry import distance_to_lines_m
from planner.render.gpx import render_gpx
from planner.render.views import point_sessions


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
