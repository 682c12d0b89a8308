"""The roads under a campaign's routes, for the workspace's map: the same
base map the phone map draws (``render.geometry.base_map``: roads by class,
simplified, from the campaign's own road graph), around the station and
every household, so the team leader sees the routes on the roads with no
tiles and no network.

Kept in memory until a file beside the scenario or the graph changes (the
graph is read once; later requests answer from memory, checked on the
files' sizes and times before the scenario is parsed again). Holds no names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.app.loaded import campaign_meta, files_signature
from planner.render.geometry import base_map, bbox, road_graph
from planner.state.store import campaign_scenario

#: Roads this far around the station and the households are drawn, metres.
MARGIN_M = 1500.0
#: Lines are simplified to this many metres (the phone map uses 4 m; the
#: workspace's overview map is seen from further out and must load fast).
TOLERANCE_M = 12.0

_KEPT: dict[Path, tuple[tuple, tuple[Path, ...], dict[str, Any]]] = {}


def _signature(info: dict[str, str], depends: tuple[Path, ...]) -> tuple:
    """What the base map depends on, as seen on disk: the state's scenario
    and graph, the files beside the scenario and the road graph's file."""
    return (info.get("scenario", ""), info.get("roads", ""), files_signature(depends))


def campaign_base_map(folder: Path) -> dict[str, Any]:
    """``{"roads": {class: [[[lat, lon], …], …]}, "fords": […], "water": […]}``
    of the campaign in ``folder`` (classes ``main``, ``minor``, ``track``,
    ``path``; points as Leaflet wants them, latitude first). ``InputError``
    when the campaign's scenario is gone."""
    folder = Path(folder)
    info = campaign_meta(folder)
    kept = _KEPT.get(folder)
    if kept is not None and kept[0] == _signature(info, kept[1]):
        return kept[2]  # unchanged: the scenario's list is not parsed again
    scenario, _warnings, _table = campaign_scenario(folder, info)
    depends = (Path(info.get("scenario", "")).parent, Path(scenario.roads))
    signature = _signature(info, depends)
    points = [(scenario.station.lon, scenario.station.lat)]
    points += [(h.lon, h.lat) for h in scenario.households
               if h.lon is not None and h.lat is not None]
    base = base_map(road_graph(scenario), scenario, bbox(points, margin_m=MARGIN_M),
                    tolerance_m=TOLERANCE_M)

    def leaflet(line) -> list[list[float]]:
        return [[lat, lon] for lon, lat in line]

    data = {"roads": {cls: [leaflet(line) for line in lines]
                      for cls, lines in base.roads.items()},
            "fords": [leaflet(line) for line in base.fords],
            "water": [leaflet(line) for _kind, line in base.water]}
    _KEPT[folder] = (signature, depends, data)
    return data
