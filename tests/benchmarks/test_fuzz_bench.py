"""benchmarks/fuzz.py runs every target to the end and reports all its failures
by class, not only the first; its table names each target with its examples,
failures and classes."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st

from benchmarks import fuzz


def test_a_target_counts_every_failure_by_class() -> None:
    """A check failing two ways on some inputs: the run goes through all the
    examples, counts each failure and keeps one example per class."""
    seen: list[int] = []

    def check(n: int) -> None:
        seen.append(n)
        if n % 3 == 0:
            raise KeyError(n)
        if n % 2:
            raise ValueError(n)

    fuzz.target("test: two kinds of failure", st.integers(0, 10_000))(check)
    try:
        with pytest.raises(fuzz.UnexpectedFailures) as failed:
            fuzz.TARGETS["test: two kinds of failure"](60)()
    finally:
        fuzz.TARGETS.pop("test: two kinds of failure")
    tally = failed.value.tally
    assert tally.examples == len(seen) >= 30  # hypothesis may stop early on a small space
    expected = sum(1 for n in seen if n % 3 == 0 or n % 2)
    assert tally.failures == expected > 1
    assert len(tally.classes) == 2
    assert all(key.split(" at ")[0] in ("KeyError", "ValueError") for key in tally.classes)


def test_expected_errors_are_no_failures() -> None:
    """The project's own errors (input, roads, stored data) are answers, not failures."""
    assert fuzz.EXPECTED == (fuzz.InputError, fuzz.RoadsError, fuzz.DataError)
    for name in ("province: random bytes", "roads: GraphML random bytes"):
        tally = fuzz.TARGETS[name](15)()
        assert tally.examples >= 10 and tally.failures == 0


def test_the_table_names_targets_examples_failures_and_classes(capsys) -> None:
    """``main`` prints a header with the four columns, a row per target run and
    the total; exit 0 when nothing failed."""
    assert fuzz.main(["--examples", "20", "--only", "GraphML"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["target", "examples", "failures", "classes", "seconds"]
    rows = [line for line in out if line.startswith("roads: GraphML")]
    assert len(rows) == 2 and all(r.split()[-4:-1] == ["10", "0", "0"] for r in rows), rows
    assert out[-1].split()[:4] == ["total", "20", "0", "0"]


def test_the_total_reaches_the_examples_asked_when_a_target_runs_out(capsys) -> None:
    """A target with only three possible inputs stops early; the others are
    topped up so that the total still reaches ``--examples``."""
    fuzz.target("test-topup: three inputs", st.sampled_from([1, 2, 3]))(lambda n: None)
    fuzz.target("test-topup: many inputs", st.integers(0, 10**9))(lambda n: None)
    try:
        assert fuzz.main(["--examples", "100", "--only", "test-topup"]) == 0
    finally:
        fuzz.TARGETS.pop("test-topup: three inputs")
        fuzz.TARGETS.pop("test-topup: many inputs")
    out = capsys.readouterr().out.splitlines()
    total = out[-1].split()
    assert total[0] == "total" and int(total[1]) >= 100, out
