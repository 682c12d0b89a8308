"""One geodesy helper: great-circle distances with one Earth radius."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from planner.geo import EARTH_RADIUS_M, haversine_m, segment_lengths_m

LON = st.floats(min_value=100.0, max_value=110.0)
LAT = st.floats(min_value=8.0, max_value=24.0)


def test_one_degree_of_latitude_is_the_mean_radius_arc() -> None:
    """A degree along a meridian is π/180 of the mean radius (6,371,008.8 m)."""
    assert EARTH_RADIUS_M == 6_371_008.8
    assert math.isclose(haversine_m(104.0, 21.0, 104.0, 22.0), math.pi / 180 * EARTH_RADIUS_M)


@given(LON, LAT, LON, LAT)
def test_distance_is_symmetric_and_polylines_agree(lon1: float, lat1: float, lon2: float,
                                                   lat2: float) -> None:
    """The distance does not depend on the direction, and a two-point
    polyline's segment length is the same distance."""
    d = haversine_m(lon1, lat1, lon2, lat2)
    assert d >= 0 and math.isclose(d, haversine_m(lon2, lat2, lon1, lat1), abs_tol=1e-6)
    (seg,) = segment_lengths_m(np.array([lon1, lon2]), np.array([lat1, lat2]))
    assert math.isclose(seg, d, rel_tol=1e-9, abs_tol=1e-6)
