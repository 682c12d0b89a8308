"""The travel-time cache of road graphs (``planner.roads.cache``): travel times
are computed once per graph and speed table, read back on the next load, and
recomputed when the table or the graph changes; a damaged cache is rebuilt
with a log line, never a crash.

Each test copies the demo's graph into its own ``tmp_path`` and keeps its
caches beside it (no ``PLANNER_GRAPH_CACHE_DIR``), so tests may run in
parallel processes.
"""

from __future__ import annotations

import copy
import logging
import shutil
from pathlib import Path

import pytest

import planner.roads.io as roads_io
from planner.roads import cache
from planner.speeds import load_speed_table, table_key

ROOT = Path(__file__).resolve().parents[2]
DEMO_GRAPH = ROOT / "maps" / "demo_commune.graphml"


@pytest.fixture
def graph(tmp_path, monkeypatch) -> Path:
    """A copy of the demo graph in ``tmp_path``; caches beside it; calls of
    ``add_travel_times`` counted in ``roads_io.calls``."""
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    path = tmp_path / "roads.graphml"
    shutil.copyfile(DEMO_GRAPH, path)
    calls: list[int] = []
    real = roads_io.add_travel_times

    def counted(G, table):
        calls.append(1)
        return real(G, table)

    monkeypatch.setattr(roads_io, "add_travel_times", counted)
    monkeypatch.setattr(roads_io, "calls", calls, raising=False)
    return path


def _times(G) -> dict:
    """Every edge's travel-time attributes, keyed by (u, v, key)."""
    return {(u, v, k): {a: x for a, x in d.items() if a.startswith("tt_")}
            for u, v, k, d in G.edges(keys=True, data=True)}


def test_second_load_reads_the_cache(graph):
    """The first load computes travel times and writes one cache beside the
    graph; the second computes nothing and returns the same travel times."""
    table = load_speed_table()
    first = roads_io.load_graph(str(graph), table=table)
    assert len(roads_io.calls) == 1
    caches = list(graph.parent.glob(".roads.tt-*.cache"))
    assert caches == [cache.cache_path(graph, table_key(table))]
    second = roads_io.load_graph(str(graph), table=table)
    assert len(roads_io.calls) == 1
    assert _times(second) == _times(first) and _times(first)


def test_changed_table_misses(graph):
    """A table with other content (a slower motorbike on tracks) has another
    key: its travel times are computed, differ, and get their own cache; a
    table with the same content (a copy) hits."""
    table = load_speed_table()
    base = roads_io.load_graph(str(graph), table=table)
    slower = copy.deepcopy(table)
    slower["motorbike"]["highway"]["track"] = 7.0
    assert table_key(slower) != table_key(table)
    assert table_key(copy.deepcopy(table)) == table_key(table)
    changed = roads_io.load_graph(str(graph), table=slower)
    assert len(roads_io.calls) == 2
    assert _times(changed) != _times(base)
    roads_io.load_graph(str(graph), table=copy.deepcopy(table))
    assert len(roads_io.calls) == 2
    assert len(list(graph.parent.glob(".roads.tt-*.cache"))) == 2


def test_changed_graph_makes_the_cache_stale(graph):
    """A graph file whose bytes change (an edge 10 m longer) is read again: the
    old cache is ignored and replaced, and the travel times follow the file."""
    table = load_speed_table()
    before = roads_io.load_graph(str(graph), table=table)
    text = graph.read_text(encoding="utf-8")
    key = text.split('attr.name="length"')[0].rsplit('<key id="', 1)[1].split('"')[0]
    head, sep, tail = text.partition(f'<data key="{key}">')
    number, _, rest = tail.partition("<")
    graph.write_text(f"{head}{sep}{float(number) + 10.0}<{rest}", encoding="utf-8")
    after = roads_io.load_graph(str(graph), table=table)
    assert len(roads_io.calls) == 2
    assert _times(after) != _times(before)
    roads_io.load_graph(str(graph), table=table)
    assert len(roads_io.calls) == 2


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_damaged_cache_is_rebuilt(graph, caplog, damage):
    """A cache cut short, overwritten or emptied is reported in the log and
    rebuilt: the load returns the right travel times and the next load hits."""
    table = load_speed_table()
    good = roads_io.load_graph(str(graph), table=table)
    path = cache.cache_path(graph, table_key(table))
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 2], "garbage": b"\x00\xff" * 99,
                      "empty": b""}[damage])
    with caplog.at_level(logging.WARNING, logger="planner.roads.cache"):
        again = roads_io.load_graph(str(graph), table=table)
    assert "damaged" in caplog.text and "rebuilt" in caplog.text
    assert _times(again) == _times(good)
    assert len(roads_io.calls) == 2
    roads_io.load_graph(str(graph), table=table)
    assert len(roads_io.calls) == 2


def test_drawing_reads_any_cache(graph, monkeypatch):
    """A load for drawing only (``travel_times=False``) uses a cache of any
    table instead of reading the GraphML again, and returns the same roads."""
    loaded = roads_io.load_graph(str(graph), table=load_speed_table())

    def no_read(path):
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(roads_io, "_read_graphml", no_read)
    drawn = roads_io.load_graph(str(graph), travel_times=False)
    assert sorted(drawn.edges(keys=True)) == sorted(loaded.edges(keys=True))
