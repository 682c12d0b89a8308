"""Download a district's roads with osmnx (online only) and cache them in maps/.

Offline, ``fetch_roads`` fails within a few seconds and says to use
``plan.py roads import`` with a downloaded extract instead.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from planner.errors import RoadsError, msg
from planner.roads.build import prepare_graph
from planner.roads.io import save_graph
from planner.roads.osm import KEEP_TAGS, ROAD_CLASSES, parse_bbox
from planner.roads.validate import check_graph
from planner.speeds import load_speed_table

LOG = logging.getLogger(__name__)

OVERPASS_HOST = "overpass-api.de"


def online(host: str = OVERPASS_HOST, port: int = 443, timeout_s: float = 4.0) -> bool:
    """True when a TCP connection to ``host`` opens within ``timeout_s`` (DNS included)."""
    ok: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout_s):
                ok.append(True)
        except OSError:
            pass

    t = threading.Thread(target=probe, daemon=True)
    t.start()
    t.join(timeout_s + 0.5)
    return bool(ok)


def fetch_roads(query: str, out_path: str | Path, dem_paths: Sequence[str | Path] = (),
                closures: str | Path | None = None, check_online: bool = True,
                ) -> tuple[Any, dict]:
    """Download roads for a place name or ``"W,S,E,N"`` with osmnx and save them.

    The graph gets the same tags, elevations, grades and travel times as an
    import. Raises ``RoadsError`` when offline or when osmnx finds nothing.
    """
    if check_online and not online():
        raise RoadsError(msg("no network: cannot reach {OVERPASS_HOST} to download '{query}' › "
                             "download an OSM extract elsewhere (e.g. a .osm.pbf) and run "
                             "`python plan.py roads import FILE --bbox W,S,E,N --name NAME`",
                             OVERPASS_HOST=OVERPASS_HOST, query=query))
    # imported here: osmnx loads slowly; importing this module stays light
    import osmnx as ox


    ox.settings.useful_tags_way = sorted(set(ox.settings.useful_tags_way) | set(KEEP_TAGS))
    ox.settings.bidirectional_network_types = sorted(
        set(ox.settings.bidirectional_network_types) | {"all"})
    classes = "|".join(sorted(ROAD_CLASSES))
    custom = f'["highway"~"^({classes})$"]["area"!~"yes"]["access"!~"private|no"]'
    try:
        try:
            bbox = parse_bbox(query)
        except ValueError:
            bbox = None
        if bbox is not None:
            G = ox.graph_from_bbox(bbox, custom_filter=custom, simplify=True,
                                   retain_all=False, truncate_by_edge=True)
        else:
            G = ox.graph_from_place(query, custom_filter=custom, simplify=True,
                                    retain_all=False, truncate_by_edge=True)
    except (ValueError, ox._errors.InsufficientResponseError) as exc:  # type: ignore[attr-defined]
        LOG.debug("osmnx found no roads for %r: %r", query, exc)  # the library's words: the log
        raise RoadsError(msg("'{query}' › OpenStreetMap returned no roads for this place › check "
                             "the place name or give a bounding box W,S,E,N",
                             query=query)) from None
    except Exception as exc:  # noqa: BLE001 - network errors come in many types
        LOG.debug("download of %r failed: %r", query, exc)
        raise RoadsError(msg("'{query}' › the download failed (no connection, or the server did "
                             "not answer) › try again later or use `python plan.py roads import "
                             "FILE`", query=query)) from None
    table = load_speed_table()
    G, stats, notes = prepare_graph(G, dem_paths, closures, table)
    check_graph(G, f"'{query}'", table)  # as an import: no road a motorbike may use, …
    G.graph["source"] = f"osmnx download: {query}"
    G.graph["roads_data"] = "openstreetmap"
    save_graph(G, out_path)
    return G, {"stats": stats, "warnings": notes}
