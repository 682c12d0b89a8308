"""``plan.py day``/``demo``: the garbage collector's settings while a day is
planned, given back afterwards."""

from __future__ import annotations

import gc

import pytest

from planner.cli.day import GC_THRESHOLD, _fewer_collections


def test_the_collector_is_given_back_after_the_day() -> None:
    """Inside, the collector runs with ``GC_THRESHOLD``; after (even when the
    job fails), the thresholds are the caller's again and nothing it froze
    stays frozen: a test process that calls the command keeps its collector."""
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    with _fewer_collections():
        assert gc.get_threshold() == GC_THRESHOLD
        gc.freeze()
        assert gc.get_freeze_count() > frozen
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), _fewer_collections():
        gc.freeze()
        raise RuntimeError("the job failed")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
