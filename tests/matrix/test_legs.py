"""Leg geometry attached after solving: every move has its road line, walks
end at the door, parking comes from the matrices' access records."""

from __future__ import annotations

import dataclasses
import math

from planner.legs import attach_legs, has_legs
from planner.planfile import plan_from_dict, plan_to_dict


def test_every_move_has_a_leg_on_the_parking_points(demo_day):
    """Each stop reached from another place has a leg; its ride starts where
    the previous place parks (or is) and ends where this one does; a walk
    ends at the house; a stop at the same place as the one before has none."""
    scenario, G, plan, matrices, _p = demo_day
    assert has_legs(plan)  # plan_day attaches them when it has the road graph
    with_legs = attach_legs(plan, scenario, G, matrices=matrices)
    assert with_legs == plan  # and attaching them again changes nothing
    access = {(a.lon, a.lat): a for a in matrices.access}
    for route in with_legs.routes:
        for prev, stop in zip(route.stops, route.stops[1:], strict=False):
            if (prev.lon, prev.lat) == (stop.lon, stop.lat):
                assert stop.leg == ()
                continue
            assert stop.leg, (route.name, stop.kind, stop.household)
            drive = [leg for leg in stop.leg if leg.kind == "drive"]
            assert all(len(leg.coords) >= 2 for leg in stop.leg)
            if not drive:  # two houses walked to from the same parking point
                assert [leg.kind for leg in stop.leg] == ["walk", "walk"]
                continue
            assert len(drive) == 1
            here = access[(stop.lon, stop.lat)]
            end = drive[0].coords[-1]
            if stop.leg[-1].kind == "walk":
                assert math.dist(stop.leg[-1].coords[-1], (stop.lon, stop.lat)) < 2e-5
                assert math.dist(end, (here.park_lon, here.park_lat)) < 2e-5
            else:
                assert math.dist(end, (stop.lon, stop.lat)) < 2e-5


def test_parking_comes_from_the_matrices(demo_day):
    """Moving a site's parking point in the matrices' access record moves the
    end of the ride to it: the geometry does not re-derive the snapping."""
    scenario, G, plan, matrices, _p = demo_day
    route = next(r for r in plan.routes if any(s.kind == "visit" for s in r.stops))
    stop = next(s for s in route.stops if s.kind == "visit")
    node = next(n for n in G.nodes if G.out_degree(n) > 0)
    moved = tuple(dataclasses.replace(a, park_node=node, park_lon=G.nodes[node]["x"],
                                      park_lat=G.nodes[node]["y"], walk_m=50.0,
                                      walk_nodes=())
                  if (a.lon, a.lat) == (stop.lon, stop.lat) else a for a in matrices.access)
    with_legs = attach_legs(plan, scenario, G, matrices=dataclasses.replace(matrices,
                                                                            access=moved))
    leg = next(s.leg for r in with_legs.routes for s in r.stops
               if s.household == stop.household and s.kind == "visit")
    drive = next(x for x in leg if x.kind == "drive")
    assert math.dist(drive.coords[-1], (G.nodes[node]["x"], G.nodes[node]["y"])) < 2e-5
    assert leg[-1].kind == "walk"


def test_legs_survive_plan_json_and_are_deterministic(demo_day):
    """attach_legs gives the same legs twice; plan.json keeps them exactly,
    and the plan read back has the same id."""
    scenario, G, plan, matrices, _p = demo_day
    a = attach_legs(plan, scenario, G, matrices=matrices)
    b = attach_legs(plan, scenario, G, matrices=matrices)
    assert a == b
    data = plan_to_dict(a, scenario)
    again = plan_from_dict(data)
    assert [s.leg for r in again.routes for s in r.stops] == \
        [s.leg for r in a.routes for s in r.stops]
    assert plan_to_dict(again, scenario) == data
