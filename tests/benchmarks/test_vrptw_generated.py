"""Generated VRPTW instances (Solomon format) and the harness's run on them.

Real solves only, with short limits; timings belong in ``benchmarks/``.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import vrptw
from benchmarks._solomon import check_solution, read_instance
from benchmarks.vrptw_generate import DEFAULT_FAMILIES, FAMILIES, write_instances


def test_generated_instances_are_solomon_files_that_repeat(tmp_path: Path) -> None:
    """Each family gives one file the project's Solomon reader reads, labelled
    GENERATED, with the asked number of customers; the same seed writes the
    same bytes, another seed other customers."""
    first = write_instances(tmp_path / "a", customers=400, seed=1)
    again = write_instances(tmp_path / "b", customers=400, seed=1)
    other = write_instances(tmp_path / "c", customers=400, seed=2)
    assert [p.stem for p in first] == [f"{f}_400_{1 + i}"
                                       for i, (f, _, _) in enumerate(DEFAULT_FAMILIES)]
    for a, b in zip(first, again, strict=True):
        assert a.read_bytes() == b.read_bytes()
        assert "GENERATED" in a.read_text(encoding="utf-8").splitlines()[0]
        inst = read_instance(a)
        assert inst.num_customers == 400 and inst.name == a.stem.upper()
    assert first[0].read_bytes() != other[0].read_bytes()


def test_every_generated_customer_fits_a_route_of_its_own(tmp_path: Path) -> None:
    """Every customer can be served alone (depot → customer → depot on time,
    within capacity), so every generated instance has a feasible solution."""
    for path in write_instances(tmp_path, customers=120, seed=5):
        inst = read_instance(path)
        for c in range(1, inst.num_customers + 1):
            _, problems = check_solution(inst, [[c]])
            assert [p for p in problems if "not visited" not in p] == [], (path.stem, c)


def test_run_on_generated_instances_prints_time_used_and_gap_to_best(
        tmp_path: Path, capsys) -> None:
    """``--generate``: the harness writes and runs the generated instances; with
    no best-known solution the reference is the best distance of the run (the
    better engine has gap 0.00), and each engine's time in per cent of the limit
    is shown."""
    code = vrptw.main(["--generate", "30", "--generated-dir", str(tmp_path / "gen"),
                       "--instances", "GR1_30_1", "--engines", "ours,pyvrp",
                       "--time-limit", "0.5", "--csv", str(tmp_path / "out.csv")])
    out = capsys.readouterr().out
    assert code == 0 and "GENERATED instances" in out
    assert "ours time %" in out and "pyvrp time %" in out
    row = next(line for line in out.splitlines() if line.startswith("| GR1_30_1 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1].endswith("*")
    ours_gap, pyvrp_gap = float(cells[4]), float(cells[8])
    assert min(ours_gap, pyvrp_gap) == 0.0 and max(ours_gap, pyvrp_gap) >= 0.0
    assert all(float(cells[k]) > 0 for k in (5, 9))


def test_families_pick_instances_with_the_seeds_of_the_full_list(tmp_path: Path,
                                                                  capsys) -> None:
    """``families`` selects files by name; each keeps the seed of its place in
    ``FAMILIES`` (so GR1_N_1 is the same file in every selection); all six are
    type 1 and 2 of R, C, RC; an unknown family is one line and exit code 2."""
    assert sorted(kind + str(t) for _, kind, t in FAMILIES) == [
        "C1", "C2", "R1", "R2", "RC1", "RC2"]
    six = write_instances(tmp_path / "six", customers=40, seed=1,
                          families=[f for f, _, _ in FAMILIES])
    assert [p.stem for p in six] == ["GR1_40_1", "GC1_40_2", "GRC1_40_3", "GR2_40_4",
                                     "GC2_40_5", "GRC2_40_6"]
    two = write_instances(tmp_path / "two", customers=40, seed=1, families=["GRC2", "GR1"])
    assert [p.stem for p in two] == ["GR1_40_1", "GRC2_40_6"]
    assert two[1].read_bytes() == six[5].read_bytes()
    code = vrptw.main(["--generate", "40", "--families", "GR1,GX9",
                       "--generated-dir", str(tmp_path / "bad")])
    err = capsys.readouterr().err
    assert code == 2 and "GX9" in err and len(err.strip().splitlines()) == 1


def test_same_iterations_above_200_customers_ours_is_plain_pyvrp_polished(
        tmp_path: Path, capsys) -> None:
    """``--iterations`` compares the engines on work, not wall time: above 200
    customers ours is one run, ``pyvrp.solve``'s search step for step with no side
    run, then polished, so after the same iterations ours is no longer than plain
    PyVRP (the note says what the polish gained); each row notes the
    CPU seconds its process got and the load average, as does the header; the
    OR-Tools peer, which counts no iterations, is refused (one line, exit 2)."""
    code = vrptw.main(["--generate", "201", "--generated-dir", str(tmp_path / "gen"),
                       "--instances", "GR1_201_1", "--engines", "ours,pyvrp",
                       "--iterations", "20", "--time-limit", "60",
                       "--csv", str(tmp_path / "out.csv")])
    out = capsys.readouterr().out
    assert code == 0 and "20 iterations" in out and "load average" in out
    lines = {e: next(line for line in out.splitlines() if line.startswith(f"GR1_201_1 {e}"))
             for e in ("ours", "pyvrp")}
    assert "1 round(s); iterations 20 of 20 each; polish gain " in lines["ours"]
    assert "iterations 20;" in lines["pyvrp"]
    assert all("cpu " in line and "load " in line for line in lines.values())
    row = next(line for line in out.splitlines() if line.startswith("| GR1_201_1 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert float(cells[2]) <= float(cells[6]) and float(cells[4]) == 0.0
    code = vrptw.main(["--generate", "20", "--generated-dir", str(tmp_path / "small"),
                       "--engines", "ours,ortools", "--iterations", "20"])
    err = capsys.readouterr().err
    assert code == 2 and "--iterations" in err and len(err.strip().splitlines()) == 1


def test_results_go_under_the_out_folder_not_the_current_one(tmp_path: Path,
                                                             monkeypatch) -> None:
    """Without ``--csv`` and ``--generated-dir`` a run writes its CSV and the
    generated instances under ``--out`` (created if missing), nothing into the
    folder it is started from."""
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    out = tmp_path / "results" / "vrptw"
    code = vrptw.main(["--generate", "12", "--families", "GR1", "--engines", "pyvrp",
                       "--time-limit", "0.2", "--out", str(out)])
    assert code == 0
    assert list(here.iterdir()) == []
    assert (out / "generated" / "GR1_12_1.txt").is_file()
    rows = (out / "vrptw_results.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("instance,engine") and rows[1].startswith("GR1_12_1,pyvrp,")
