"""Load and save road graphs as GraphML, the osmnx way.

Scenarios name a graph (``roads: demo_commune``) that lives at
``maps/NAME.graphml``, or give a path to a ``.graphml`` file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from planner.atomic import atomic_path
from planner.errors import RoadsError, msg
from planner.roads import cache
from planner.roads.validate import check_graph
from planner.speeds import MAPS_DIR, SpeedTable, add_travel_times, load_speed_table, table_key

log = logging.getLogger(__name__)

EDGE_DTYPES = {"grade": float, "grade_abs": float, "length": float}
NODE_DTYPES = {"elevation": float, "x": float, "y": float}


def resolve_graph_path(name: str, base_dir: str | Path | None = None) -> Path:
    """Where the graph called ``name`` lives: a path (absolute or relative to
    ``base_dir``), else ``maps/NAME.graphml``."""
    candidates = []
    raw = Path(name)
    if raw.suffix == ".graphml":
        candidates.append(raw if raw.is_absolute() else Path(base_dir or ".") / raw)
        candidates.append(raw)
    candidates.append(MAPS_DIR / f"{name}.graphml")
    for path in candidates:
        if path.is_file():
            return path
    return candidates[-1] if raw.suffix != ".graphml" else candidates[0]


def load_graph(name: str, base_dir: str | Path | None = None,
               table: SpeedTable | None = None, travel_times: bool = True):
    """Read a road graph with travel times from speed table ``table`` (None:
    ``maps/speeds.toml``); ``travel_times=False`` for drawing only (no speed
    table is read; the graph may carry the ``tt_*`` of any table).

    Travel times are computed once per graph and table and kept in a cache
    beside the graph (``planner.roads.cache``, keyed by the GraphML file's and
    the table's content); a later load with the same file and table reads the
    cache (no osmnx import, no recomputation). A stale or damaged cache is
    rebuilt.

    Raises ``RoadsError`` (exit 3) when the file is missing or not a road graph,
    or fails ``planner.roads.validate.check_graph`` (no coordinates, impossible
    lengths, no edge a motorbike or a walker may use).
    """
    path = resolve_graph_path(name, base_dir)
    given = Path(name) if Path(name).is_absolute() else Path(base_dir or ".") / name
    if not path.is_file() and given.exists():
        raise RoadsError(
            msg("{given} › exists but is not a road graph (GraphML) › give a graph made by "
                "`python plan.py roads import FILE --name NAME` (for an OSM file: import it)",
                given=given))
    if not path.is_file():
        raise RoadsError(
            msg("{path} › road graph not found › run `python plan.py roads import FILE "
                "--name {stem}` or `python plan.py demo` to create it",
                path=path, stem=Path(name).stem))
    table = (table or load_speed_table()) if travel_times else None
    keys = (cache.graph_key(path), table_key(table)) if table is not None else None
    cached = (cache.read_cached(path, *keys) if keys is not None
              else cache.read_any_cached(path, cache.graph_key(path)))
    if cached is not None:
        return cached
    G = _read_graphml(path)
    if table is None:
        return G
    G = add_travel_times(G, table)
    check_graph(G, path, table)
    cache.write_cached(path, *keys, G)
    return G


def _read_graphml(path: Path):
    """The road graph in the GraphML file ``path``, checked
    (``planner.roads.validate.check_graph``), without travel times."""
    # imported here: networkx, osmnx and shapely load slowly; importing this module
    # stays light
    import networkx as nx
    import osmnx as ox
    from shapely.errors import ShapelyError

    try:
        G = ox.load_graphml(path, node_dtypes=NODE_DTYPES, edge_dtypes=EDGE_DTYPES)
    except (nx.NetworkXError, KeyError, ValueError, TypeError, OSError, SyntaxError,
            RecursionError, ShapelyError) as exc:
        log.debug("reading %s: %r", path, exc)  # the library's words: for the debug log only
        where = (f"line {exc.position[0]}" if isinstance(getattr(exc, "position", None), tuple)
                 else "a node or edge attribute (a number, a line or a list)")
        raise RoadsError(msg("{path} › {where} › not a readable road graph (not GraphML, or "
                             "damaged) › re-create it with `python plan.py roads import FILE "
                             "--name NAME`", path=path, where=where)) from None
    if G.number_of_edges() == 0:
        raise RoadsError(msg("{path} › the road graph has no edges › import a larger area",
                             path=path))
    check_graph(G, path)
    return G


def save_graph(G, path: str | Path) -> Path:
    """Write ``G`` as GraphML atomically (a temporary file, then a rename)."""
    # imported here: osmnx loads slowly; importing this module stays light
    import osmnx as ox

    path = Path(path)
    with atomic_path(path) as tmp:
        ox.save_graphml(G, tmp)
    return path
