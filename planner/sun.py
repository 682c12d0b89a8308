"""Sunrise and sunset, for the rule that teams are off mountain tracks by dark.

The NOAA solar-position approximation; good to about a minute between the
tropics, which is all a route plan needs.
"""

from __future__ import annotations

import datetime as dt
import math


def sun_times_s(date: dt.date, lon: float, lat: float, utc_offset_h: float,
                ) -> tuple[int, int]:
    """Local (sunrise, sunset) in seconds after midnight at ``(lon, lat)`` on ``date``.

    ``utc_offset_h`` is the local time zone (Vietnam: 7). Polar day or night
    returns ``(0, 86400)`` or ``(43200, 43200)``.
    """
    n = date.timetuple().tm_yday
    gamma = 2 * math.pi / 365 * (n - 1)
    eqtime = 229.18 * (0.000075 + 0.001868 * math.cos(gamma) - 0.032077 * math.sin(gamma)
                       - 0.014615 * math.cos(2 * gamma) - 0.040849 * math.sin(2 * gamma))
    decl = (0.006918 - 0.399912 * math.cos(gamma) + 0.070257 * math.sin(gamma)
            - 0.006758 * math.cos(2 * gamma) + 0.000907 * math.sin(2 * gamma)
            - 0.002697 * math.cos(3 * gamma) + 0.00148 * math.sin(3 * gamma))
    phi = math.radians(lat)
    cos_ha = (math.cos(math.radians(90.833)) / (math.cos(phi) * math.cos(decl))
              - math.tan(phi) * math.tan(decl))
    if cos_ha <= -1:
        return 0, 86400
    if cos_ha >= 1:
        return 43200, 43200
    ha = math.degrees(math.acos(cos_ha))
    sunrise_min = 720 - 4 * (lon + ha) - eqtime + utc_offset_h * 60
    sunset_min = 720 - 4 * (lon - ha) - eqtime + utc_offset_h * 60
    return int(round(sunrise_min * 60)), int(round(sunset_min * 60))
