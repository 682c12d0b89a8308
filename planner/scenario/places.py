"""Where things are: the station, the villages and their collection points,
and the road graph the scenario names.

Coordinates are (lon, lat) in decimal degrees. A village given without them
is placed at the road graph's OpenStreetMap place node of the same name.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from planner.atomic import stem_key
from planner.domain import CollectionPoint, Station, Village
from planner.errors import msg
from planner.roads.io import resolve_graph_path
from planner.scenario.values import (
    MAX_ID_LEN,
    MAX_NAME_LEN,
    _check_unknown,
    _clip,
    _Collector,
    _coords,
    _text,
    fold,
    nfc,
)

STATION_FIELDS = {"name", "lon", "lat"}
VILLAGE_FIELDS = {"id", "name", "lon", "lat", "points"}
POINT_FIELDS = {"name", "lon", "lat"}


def _parse_station(raw_station: Any, col: _Collector) -> Station | None:
    """The ``station:`` mapping (name, lon, lat); None when absent or not valid."""
    station = None
    if isinstance(raw_station, dict):
        _check_unknown(raw_station, STATION_FIELDS, "station.", col)
        coords = _coords(raw_station.get("lon"), raw_station.get("lat"), "station.lon/lat", col)
        if coords:
            station = Station(_text(raw_station.get("name") or "Công an xã", "station.name",
                                    col, MAX_NAME_LEN), *coords)
    elif raw_station is not None:
        col.error("station", msg("must be a mapping with name, lon, lat"),
                  msg("e.g. station: {name: Công an xã, lon: 103.2, lat: 21.8}"))
    return station


def _parse_villages(raw: Any, col: _Collector, rejected: set[str] | None = None,
                    ) -> list[Village]:
    """Every valid village of the ``villages:`` list, in order; one without
    coordinates gets NaN lon/lat (placed later by ``_place_villages``).
    ``rejected`` is given the folded id and name of each village left out
    for a problem of its own (reported here), so that its households are not
    reported again as in an "unknown village"."""
    rejected = set() if rejected is None else rejected
    villages: list[Village] = []
    if not isinstance(raw, list) or not raw:
        col.error("villages", msg("must be a non-empty list"),
                  msg("list the villages with id, name, lon, lat"))
        return villages
    seen: set[str] = set()
    names: dict[str, str] = {}
    stems: dict[str, tuple[str, int]] = {}
    for k, item in enumerate(raw, start=1):
        where = f"villages[{k}]"
        if not isinstance(item, dict):
            col.error(where, msg("must be a mapping"), msg("give id, name, lon, lat"))
            continue
        _check_unknown(item, VILLAGE_FIELDS, f"{where}.", col)
        vid = _text(item.get("id"), f"{where}.id", col, MAX_ID_LEN)
        if not vid:
            col.error(f"{where}.id", msg("missing"), msg("give each village a short id"))
            continue
        if vid in seen:
            col.error(f"village {vid}.id", msg("duplicate village id"),
                      msg("give each village its own id"))
        seen.add(vid)
        other = stems.setdefault(stem_key(vid), (vid, k))
        if other[0] != vid:
            col.error(f"village {vid}.id", msg("villages[{k}] '{vid}' and villages[{other}]"
                          " '{other2}' differ only in case or punctuation; households "
                                               "and files would mix them up",
                                               k=k,
                                               vid=_clip(vid),
                                               other=other[1], other2=_clip(other[0])),
                      msg("give one of them a clearly different id"))
        name = _text(item.get("name") or vid, f"village {vid}.name", col, MAX_NAME_LEN)
        if fold(name) in names and names[fold(name)] != vid:
            col.error(f"village {vid}.name", msg("village {names} has the same name "
                                                 "'{name}'",
                                                 names=names[fold(name)],
                                                 name=name),
                      msg("give each village its own name (households name their "
                          "village by id or name)"))
        names.setdefault(fold(name), vid)
        points = _parse_points(item.get("points"), f"village {vid}.points", col)
        if nfc(item.get("lon")) == "" and nfc(item.get("lat")) == "":
            # no coordinates: placed later at the road graph's OSM place node
            villages.append(Village(vid, name, math.nan, math.nan, points))
            continue
        coords = _coords(item.get("lon"), item.get("lat"), f"village {vid}.lon/lat", col)
        if coords:
            villages.append(Village(vid, name, coords[0], coords[1], points))
        else:
            rejected.update((fold(vid), fold(name)))
    return villages


def _parse_points(raw: Any, where: str, col: _Collector) -> tuple[CollectionPoint, ...]:
    """Candidate collection-point places of a village: name, lon, lat each."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        col.error(where, msg("must be a list of places"),
                  msg("e.g. points: [{name: Nhà văn hoá, lon: 103.2, lat: 21.8}]"))
        return ()
    out = []
    seen: dict[str, int] = {}
    for k, item in enumerate(raw, start=1):
        here = f"{where}[{k}]"
        if not isinstance(item, dict):
            col.error(here, msg("must be a mapping"), msg("give name, lon, lat"))
            continue
        _check_unknown(item, POINT_FIELDS, f"{here}.", col)
        name = nfc(item.get("name"))
        if not name:
            col.error(f"{here}.name", msg("missing"), msg("name the place, e.g. Nhà văn hoá bản"))
        elif fold(name) in seen:
            col.error(f"{here}.name", msg("the same place name as {where}[{seen}]",
                                          where=where, seen=seen[fold(name)]),
                      msg("list each place once, or give them different names"))
        else:
            seen[fold(name)] = k
        coords = _coords(item.get("lon"), item.get("lat"), f"{here}.lon/lat", col)
        if name and coords:
            out.append(CollectionPoint(name, coords[0], coords[1]))
    return tuple(out)


def _place_villages(villages: list[Village], graph_path: Path | None,
                    col: _Collector) -> list[Village]:
    """Give villages without coordinates those of the road graph's OSM place
    node of the same name (ignoring case, diacritics and a leading bản/thôn)."""
    missing = [v for v in villages if math.isnan(v.lon)]
    if not missing:
        return villages
    found: dict[str, tuple[float, float] | None] = {}
    if graph_path is not None and graph_path.is_file():
        # imported here: osmnx loads slowly; importing this module stays light
        import osmnx as ox  # heavy: loaded only when a village has no coordinates

        # imported here: placing villages loads numpy; planner.scenario stays light
        from planner.roads.places import place_villages

        try:
            found = place_villages(ox.load_graphml(graph_path), [v.name for v in missing])
        except (ValueError, KeyError, OSError, SyntaxError):
            found = {}
    out = []
    for v in villages:
        if not math.isnan(v.lon):
            out.append(v)
            continue
        where = found.get(v.name)
        if where is None:
            col.error(f"village {v.id}.lon/lat",
                      msg("no coordinates, and the road graph has no OpenStreetMap place named "
                          "'{name}'", name=v.name), msg("give the village's lon and lat"))
            continue
        col.warn(f"village {v.id}.lon/lat", msg("placed at the OpenStreetMap place '{name}' "
                     "({where:.5f}, {where2:.5f}); households without coordinates there are "
                                                "approximate",
                                                name=v.name,
                                                where=where[0],
                                                where2=where[1]),
                 msg("give the village's lon and lat if the place is wrong"))
        out.append(Village(v.id, v.name, where[0], where[1], v.points))
    return out


def _resolve(base: Path, value: str) -> Path:
    """``value`` as a path, relative to ``base`` unless absolute."""
    path = Path(value)
    return path if path.is_absolute() else base / path


def _roads_problem(roads: str, base: Path, col: _Collector) -> bool:
    """Report a ``roads:`` value naming no road graph; True when one was reported."""
    if resolve_graph_path(roads, base).is_file():
        return False
    given = _resolve(base, roads)
    if given.is_dir():
        col.error("roads", msg("'{roads}' is a folder, not a road graph", roads=roads),
                  msg("give the graph's name in maps/ (roads: NAME) or the path of its .graphml "
                      "file"))
    elif given.exists() and given.name.lower().endswith((".osm", ".pbf", ".osm.xml", ".bz2")):
        col.error("roads", msg("'{roads}' exists but is an OpenStreetMap file, not a road graph "
                               "(GraphML)",
                               roads=roads),
                  msg("import it first: python plan.py roads import {roads} --name "
                      "NAME, then write roads: NAME", roads=roads))
    elif given.exists():
        table = given.suffix.lower() in (".csv", ".txt", ".xlsx", ".xlsm")
        col.error("roads", msg("'{roads}' exists but is a '{value}' file, "
                      "not a road graph (GraphML)", roads=roads, value=given.suffix or given.name),
                  msg("that looks like a table: name it under households:, and under roads: "
                      "the name of a graph in maps/ or the path of a .graphml file; make one "
                      "from an OpenStreetMap extract (.osm, .pbf) with `python plan.py roads "
                      "import FILE --name NAME`") if table else
                  msg("under roads: give the name of a graph in maps/ or the path of a .graphml "
                      "file; make one from an OpenStreetMap extract (.osm, .pbf) with `python "
                      "plan.py roads import FILE --name NAME`"))
    else:
        col.error("roads", msg("road graph '{roads}' not found (looked in maps/ and beside the "
                               "scenario)",
                               roads=roads),
                  msg("import one with `python plan.py roads import FILE --name NAME`"))
    return True
