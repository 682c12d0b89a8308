"""The Solomon harness: reader, independent checker, JSON solve, bad input.

Real solves only, with short limits; timings belong in ``benchmarks/``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import vrptw
from benchmarks._solomon import InstanceError, check_solution, read_bks, read_instance

ROOT = Path(__file__).resolve().parents[2]


def _bks_routes(sol_path: Path) -> list[list[int]]:
    return [[int(x) for x in line.split(":", 1)[1].split()]
            for line in sol_path.read_text().splitlines() if line.startswith("Route")]


def test_reader_reads_r101(shared_data: Path) -> None:
    """R101: 100 customers, 25 vehicles of capacity 200, times ×10, depot due 230."""
    inst = read_instance(shared_data / "solomon" / "R101.txt")
    assert (inst.name, inst.num_customers, inst.num_vehicles, inst.capacity) == (
        "R101", 100, 25, 200)
    assert inst.due10[0] == 2300 and inst.service10[1] == 100
    assert (inst.dist10.diagonal() == 0).all() and (inst.dist10 == inst.dist10.T).all()


@pytest.mark.parametrize("name", ["R101", "C201", "RC208"])
def test_best_known_routes_check_out_at_the_bks_distance(shared_data: Path, name: str) -> None:
    """The published best-known routes are feasible under our checker and sum,
    with each edge truncated to one decimal, to exactly bks_distance_only.csv."""
    inst = read_instance(shared_data / "solomon" / f"{name}.txt")
    routes = _bks_routes(shared_data / "solomon" / "vrplib" / f"{name}.sol")
    distance10, problems = check_solution(inst, routes)
    bks = read_bks(shared_data / "solomon" / "bks_distance_only.csv")
    assert problems == []
    assert distance10 / 10 == pytest.approx(bks[name][1], abs=1e-9)


def test_checker_reports_each_kind_of_violation(shared_data: Path) -> None:
    """Missing and repeated customers, late service and excess load are all caught."""
    inst = read_instance(shared_data / "solomon" / "R101.txt")
    good = _bks_routes(shared_data / "solomon" / "vrplib" / "R101.sol")
    _, problems = check_solution(inst, good[1:])
    assert any("not visited" in p for p in problems)
    _, problems = check_solution(inst, good + [good[0][:1]])
    assert any("more than once" in p for p in problems)
    _, problems = check_solution(inst, [list(reversed(r)) for r in good])
    assert any("after due" in p for p in problems)
    _, problems = check_solution(inst, [[c for r in good for c in r]])
    assert any("above capacity" in p for p in problems)


def test_solve_prints_one_checkable_json_object(shared_data: Path, capsys) -> None:
    """``solve INSTANCE`` prints routes (customer numbers), distance and engine,
    and the routes check out at the printed distance."""
    code = vrptw.main(["solve", str(shared_data / "solomon" / "C101.txt"),
                       "--time-limit", "1", "--seed", "3"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and set(out) == {"routes", "distance", "engine"}
    distance10, problems = check_solution(
        read_instance(shared_data / "solomon" / "C101.txt"), out["routes"])
    assert problems == [] and out["distance"] == distance10 / 10


def test_run_prints_table_with_mean_and_writes_csv(shared_data: Path, tmp_path: Path,
                                                   capsys) -> None:
    """The side-by-side run prints a mean row and writes one CSV row per engine."""
    csv_path = tmp_path / "out.csv"
    code = vrptw.main(["--instances", "C201", "--engines", "ours,pyvrp",
                       "--time-limit", "0.5", "--csv", str(csv_path)])
    out = capsys.readouterr().out
    assert code == 0 and "| **mean** |" in out and "feasible: ours 1/1, pyvrp 1/1" in out
    assert len(csv_path.read_text().splitlines()) == 3


def test_missing_file_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    """A missing instance: one line on stderr naming the file, exit code 2."""
    code = vrptw.main(["solve", str(tmp_path / "nope.txt"), "--time-limit", "1"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "nope.txt" in err


@pytest.mark.parametrize("content, words", [
    ("hello world\n", "not a Solomon instance"),
    ("R1\nVEHICLE\nNUMBER CAPACITY\n 25 200\nCUSTOMER\n 0 1 2 3\n", "expected 7 numbers"),
    ("R1\nVEHICLE\nNUMBER CAPACITY\n 25 200\nCUSTOMER\n"
     " 0 35 35 0 0 230 0\n 1 41 49 10 171 161 10\n", "READY TIME after DUE DATE"),
])
def test_not_an_instance_is_one_line_and_exit_2(tmp_path: Path, capsys, content: str,
                                                words: str) -> None:
    """Files with a defect get one line saying what is wrong, exit code 2."""
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(InstanceError, match=words):
        read_instance(path)
    assert vrptw.main(["solve", str(path)]) == 2
    assert words in capsys.readouterr().err


def test_bad_input_reaches_the_shell_without_traceback(tmp_path: Path) -> None:
    """Through ``python -m``: no traceback, exit code 2, for a file and an engine name."""
    for args in (["solve", str(tmp_path / "missing.txt")],
                 ["--engines", "vroom", "--data", str(tmp_path)]):
        proc = subprocess.run([sys.executable, "-m", "benchmarks.vrptw", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert proc.stderr.startswith("error: ")


def test_a_child_process_left_behind_is_ended_before_the_next_engine() -> None:
    """``end_children`` lets a child that ends within the grace time end on its
    own (not counted) and terminates one that would outlive it (counted), so
    no leftover process of one engine runs while the next one is timed."""
    import multiprocessing
    import time

    from planner.engine.parallel import mp_context

    quick = mp_context().Process(target=time.sleep, args=(0.01,))
    stuck = mp_context().Process(target=time.sleep, args=(60,))
    quick.start()
    stuck.start()
    assert vrptw.end_children(grace_s=3.0) >= 1  # more if an earlier test left one
    assert multiprocessing.active_children() == []
    assert quick.exitcode == 0 and stuck.exitcode == -15  # SIGTERM
