"""Never lose an officer's work: ``plan.py record`` killed at random moments,
and two ``record`` processes at once on one campaign (real processes, a real
SQLite file)."""

from __future__ import annotations

import csv
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo"
TRIALS = 20


@pytest.fixture(scope="module")
def demo_campaign(tmp_path_factory) -> Path:
    """The demo's campaign state, planned once for this module."""
    out = tmp_path_factory.mktemp("campaign") / "demo"
    result = CliRunner().invoke(cli, ["campaign", str(DEMO), "--deadline", "2026-12-11",
                                      "--out", str(out), "--time-limit", "0.5"])
    assert result.exit_code == 0, result.output
    return out


def _outcome_files(folder: Path) -> tuple[Path, Path, int, int]:
    """Two outcome sheets for disjoint halves of the demo's residents."""
    with open(DEMO / "households.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    kinds = ["enrolled", "not_home", "refused", "retry_needed", "moved", "deceased"]
    paths = []
    halves = (rows[::2], rows[1::2])
    for k, half in enumerate(halves):
        path = folder / f"outcomes-{k}.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["date", "team", "household_id", "resident_id", "outcome", "note"])
            for i, r in enumerate(half):
                w.writerow(["2026-11-24", "T1", r["household_id"], r["resident_id"],
                            kinds[i % len(kinds)], f"ghi chú {i}"])
        paths.append(path)
    return paths[0], paths[1], len(halves[0]), len(halves[1])


def _record(campaign: Path, sheet: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "plan.py"), "record", str(campaign),
                             str(sheet), "--today", "2026-12-31"], cwd=ROOT,
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _state(campaign: Path) -> tuple[str, int, int]:
    with sqlite3.connect(campaign / "campaign.db", timeout=30) as conn:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        outcomes = conn.execute("SELECT count(*) FROM outcomes").fetchone()[0]
        imports = conn.execute("SELECT count(*) FROM imports").fetchone()[0]
    return check, outcomes, imports


def test_sigkill_during_import_loses_nothing(demo_campaign: Path, tmp_path: Path) -> None:
    """Killed with SIGKILL at random moments, an import leaves a sound database
    holding none or all of the file's outcomes; importing again completes it."""
    sheet, _, rows, _ = _outcome_files(tmp_path)
    # how long one import takes here, to spread the kills over its whole life
    campaign = tmp_path / "timing"
    shutil.copytree(demo_campaign, campaign)
    started = time.perf_counter()
    proc = _record(campaign, sheet)
    assert proc.wait(timeout=120) == 0, proc.stderr.read() if proc.stderr else ""
    span = time.perf_counter() - started
    rng = random.Random(20261124)
    seen = set()
    for trial in range(TRIALS):
        campaign = tmp_path / f"trial-{trial}"
        shutil.copytree(demo_campaign, campaign)
        proc = _record(campaign, sheet)
        time.sleep(rng.uniform(0.05, 1.1) * span)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        check, outcomes, imports = _state(campaign)
        assert check == "ok"
        assert (outcomes, imports) in ((0, 0), (rows, 1)), (trial, outcomes, imports)
        seen.add(outcomes)
        again = _record(campaign, sheet)
        assert again.wait(timeout=120) == 0
        assert _state(campaign) == ("ok", rows, 1)
    assert seen  # at least one trial ran


def test_two_imports_at_once_keep_both(demo_campaign: Path, tmp_path: Path) -> None:
    """Two ``record`` processes on one campaign at the same time, with different
    files, leave both files' outcomes in the state."""
    first, second, rows_a, rows_b = _outcome_files(tmp_path)
    campaign = tmp_path / "campaign"
    shutil.copytree(demo_campaign, campaign)
    procs = [_record(campaign, first), _record(campaign, second)]
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read() if proc.stderr else ""
    assert _state(campaign) == ("ok", rows_a + rows_b, 2)
