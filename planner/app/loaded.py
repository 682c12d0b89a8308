"""A campaign's scenario, speed table, road graph and travel matrices, read
once and kept in memory while the campaign's files are unchanged: the
workspace's Edit page previews one hand action after another on the same
campaign, and each preview needs them (``app.edit``).

What is kept depends on the campaign state's meta (the scenario's path, the
graph it was planned on), every file beside the scenario (the households
list, ``scenario.yaml``), the road graph's file and the files beside the
speed table (the table and its learnt layer). The check compares those on
disk (size, modification time) *before* reading any of them, so a kept
campaign answers without parsing its list again. Holds no names in logs;
nothing is written.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from planner.campaign.workspace import Workspace, build_workspace
from planner.domain import Scenario
from planner.roads.io import load_graph
from planner.state import db
from planner.state.store import campaign_scenario

KEEP = 4
"""Campaigns kept at once (the most recently used)."""


def files_signature(paths: Iterable[Path]) -> tuple:
    """What ``paths`` are on disk: for a folder, each file in it (name, size,
    modification time in ns); for a file, its size and time; ``None`` when
    missing. Equal signatures: nothing changed."""
    out: list[tuple] = []
    for path in paths:
        path = Path(path)
        try:
            if path.is_dir():
                out.append((str(path), tuple(sorted(
                    (p.name, p.stat().st_size, p.stat().st_mtime_ns)
                    for p in path.iterdir() if p.is_file()))))
            else:
                st = path.stat()
                out.append((str(path), st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((str(path), None))
    return tuple(out)


def campaign_meta(folder: Path) -> dict[str, str]:
    """The campaign state's meta (scenario path, roads, …) of ``folder``."""
    conn = db.open_campaign(Path(folder))
    try:
        return dict(db.meta(conn))
    finally:
        conn.close()


@dataclass(frozen=True)
class Loaded:
    """One campaign as read: ``scenario`` (on the graph it was planned on),
    its speed ``table``, the road ``graph`` (travel times from ``table``)
    and ``matrices`` (the travel matrices of every site, int seconds and
    metres, as the campaign planner computes them). ``depends``: the paths
    whose signature keeps it valid."""

    scenario: Scenario
    table: dict
    graph: object
    matrices: Workspace
    depends: tuple[Path, ...]


_KEPT: dict[Path, tuple[tuple, Loaded]] = {}
_LOCK = threading.Lock()


def _depends(info: dict[str, str], roads: str | Path | None, table_path: str | None
             ) -> tuple[Path, ...]:
    scenario = Path(info.get("scenario", ""))
    out = [scenario.parent]
    if roads:
        out.append(Path(roads))
    if table_path:
        out.append(Path(table_path).parent)
    return tuple(out)


def _signature(info: dict[str, str], depends: tuple[Path, ...]) -> tuple:
    return (info.get("scenario", ""), info.get("roads", ""), files_signature(depends))


def loaded_campaign(folder: Path, info: dict[str, str] | None = None) -> Loaded:
    """The campaign in ``folder`` read (``info``: its meta, read when not
    given), from memory when nothing it depends on changed since it was
    last read. ``InputError`` when its scenario or graph is gone."""
    folder = Path(folder).resolve()
    info = campaign_meta(folder) if info is None else info
    with _LOCK:
        kept = _KEPT.get(folder)
    if kept is not None and kept[0] == _signature(info, kept[1].depends):
        return kept[1]
    scenario, _warnings, table = campaign_scenario(folder, info)
    depends = _depends(info, scenario.roads, table.get("table_path"))
    signature = _signature(info, depends)  # before reading: a change meanwhile reloads
    graph = load_graph(scenario.roads, table=table)
    loaded = Loaded(scenario, table, graph, build_workspace(scenario, graph, table), depends)
    with _LOCK:
        _KEPT.pop(folder, None)
        _KEPT[folder] = (signature, loaded)
        while len(_KEPT) > KEEP:
            _KEPT.pop(next(iter(_KEPT)))
    return loaded
