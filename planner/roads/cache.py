"""Road graphs with their travel times, cached beside the GraphML file.

Reading a GraphML file (osmnx, pandas, shapely) and computing every edge's
``tt_<profile>_<season>`` (s) for a speed table is the slow part of loading a
graph. ``planner.roads.io.load_graph`` does it once per graph and speed
table and keeps the result in a cache file beside the graph:
``maps/.NAME.tt-<table key>.cache``. The file starts with one header line
(``planner-graph-cache 1 <graph key> <table key>``) and then holds the
loaded graph (a pickle). The graph key is the SHA-256 of the GraphML file's
bytes and the osmnx version; the table key is ``planner.speeds.table_key``
(the table's content and the code that turns it into travel times). So:

- a cache whose header does not name the graph's and table's current keys is
  stale: ignored, then replaced by a fresh one;
- a cache that cannot be read (truncated, damaged) is rebuilt, with a log
  line, never a crash;
- a folder where the cache cannot be written (read-only) just means no cache:
  a log line, and the graph is used as loaded.

Caches are written atomically (``planner.atomic``), so processes planning in
parallel never read a half-written one. The environment variable
``PLANNER_GRAPH_CACHE_DIR`` puts every cache in that folder instead (tests
use a temporary folder; a read-only ``maps/`` may use one).

A cache file is a pickle: it is as trusted as the folder it sits in (the
graph's own folder, written by this program). Do not copy cache files from
elsewhere; delete them at any time, they are rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from importlib import metadata
from pathlib import Path
from typing import Any

from planner.atomic import atomic_path

log = logging.getLogger(__name__)

CACHE_ENV = "PLANNER_GRAPH_CACHE_DIR"
MAGIC = b"planner-graph-cache 1"
_HEADER_MAX = 256  # bytes: the header line is far shorter


def graph_key(path: Path) -> str:
    """The content key of the GraphML file at ``path`` (hex SHA-256 of its bytes
    and of the osmnx version that reads it)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    try:
        digest.update(metadata.version("osmnx").encode())
    except metadata.PackageNotFoundError:  # no osmnx: no graph is read without it anyway
        pass
    return digest.hexdigest()


def _folder(graph_path: Path) -> tuple[Path, str]:
    """Where the caches of ``graph_path`` live and the prefix of their names."""
    given = os.environ.get(CACHE_ENV)
    if given:  # one folder for graphs of many folders: tell equal names apart
        where = hashlib.sha256(str(graph_path.resolve()).encode()).hexdigest()[:8]
        return Path(given), f".{graph_path.stem}.{where}"
    return graph_path.parent, f".{graph_path.stem}"


def cache_path(graph_path: Path, table_key: str) -> Path:
    """The cache file of the graph at ``graph_path`` with travel times from the
    table whose key is ``table_key``."""
    folder, prefix = _folder(graph_path)
    return folder / f"{prefix}.tt-{table_key[:16]}.cache"


def _header(graph_key_: str, table_key: str) -> bytes:
    return b" ".join((MAGIC, graph_key_.encode(), table_key.encode())) + b"\n"


def _read(cache: Path, want: bytes | None, graph_key_: str) -> Any | None:
    """The graph in ``cache`` when its header is ``want`` (or, ``want`` None,
    names graph ``graph_key_`` with any table); None when absent or stale; a
    damaged file is reported in the log and read as absent."""
    try:
        with open(cache, "rb") as fh:
            header = fh.readline(_HEADER_MAX)
            fresh = (header == want if want is not None
                     else header.startswith(MAGIC + b" " + graph_key_.encode() + b" "))
            if not fresh:
                if header.startswith(MAGIC + b" "):
                    log.debug("graph cache %s is stale: rebuilt", cache)
                else:
                    log.warning("graph cache %s is damaged (no header): rebuilt", cache)
                return None
            return pickle.load(fh)
    except FileNotFoundError:
        return None
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
            IndexError, ValueError, TypeError, MemoryError) as exc:
        log.warning("graph cache %s is damaged (%s): rebuilt", cache, type(exc).__name__)
        return None


def read_cached(graph_path: Path, graph_key_: str, table_key: str) -> Any | None:
    """The cached graph of ``graph_path`` with travel times from table
    ``table_key``, or None (absent, stale or damaged: the caller rebuilds it)."""
    return _read(cache_path(graph_path, table_key), _header(graph_key_, table_key), graph_key_)


def read_any_cached(graph_path: Path, graph_key_: str) -> Any | None:
    """A cached graph of ``graph_path`` with travel times from any table (for
    drawing: the roads are the same), or None."""
    folder, prefix = _folder(graph_path)
    for cache in sorted(folder.glob(f"{prefix}.tt-*.cache")):
        G = _read(cache, None, graph_key_)
        if G is not None:
            return G
    return None


def write_cached(graph_path: Path, graph_key_: str, table_key: str, G: Any) -> Path | None:
    """Write ``G`` as the cache of ``graph_path`` for table ``table_key``
    (atomically). Returns the cache's path, or None when it cannot be written
    (logged: planning goes on without a cache)."""
    cache = cache_path(graph_path, table_key)
    try:
        with atomic_path(cache) as tmp, open(tmp, "wb") as fh:
            fh.write(_header(graph_key_, table_key))
            pickle.dump(G, fh, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as exc:
        log.warning("graph cache %s not written (%s): travel times are recomputed "
                    "next time", cache, exc.strerror or type(exc).__name__)
        return None
    return cache
