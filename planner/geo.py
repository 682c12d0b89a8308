"""Geodesy on the sphere: great-circle distances between (lon, lat) points.

Coordinates are WGS84 degrees, distances metres. One Earth radius for the
whole planner: the mean radius ``EARTH_RADIUS_M`` (IUGG, 6,371,008.8 m), the
one the road lengths, the snapping and the plans have always used.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["EARTH_RADIUS_M", "haversine_m", "segment_lengths_m"]

#: The Earth's mean radius (m).
EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (m) between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def segment_lengths_m(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Great-circle lengths (m) of the segments of a polyline given as arrays
    of degrees (one length fewer than points)."""
    p = np.radians(lat)
    dp = np.diff(p)
    dl = np.radians(np.diff(lon))
    a = np.sin(dp / 2) ** 2 + np.cos(p[:-1]) * np.cos(p[1:]) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(1.0, a)))
