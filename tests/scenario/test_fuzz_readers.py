"""The scenario and households readers answer any input with a scenario or one
InputError: a short run of the fuzzers in benchmarks/fuzz.py (the long run,
20,000 examples, is ``python -m benchmarks.fuzz``)."""

from __future__ import annotations

import pytest

from benchmarks.fuzz import TARGETS


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_reader_never_raises_unexpected(name: str) -> None:
    """No input makes the reader raise anything but InputError."""
    TARGETS[name](40)()
