"""A day's outputs change together: `tomorrow` killed at random moments.

A real campaign of the small valid scenario (one team, drawn days: plan,
map, itinerary, notices, GPX), then `python plan.py tomorrow` in a
subprocess killed with SIGKILL after seeded random delays spread over a full
run's duration, 20 times. After each kill (and the recovery every later
command runs first), every day folder must be wholly old (the same files,
byte for byte, as before the run) or wholly new (every file written by this
run, and every map tagged with its plan.json's id), and a phone export from
either imports. Kill moments come from the clock; no assertion does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.app.campaign import CampaignRequest, plan_campaign
from planner.campaign.folders import recover
from planner.state.phone import MAGIC, checksum
from planner.state.record import record_outcomes

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "scenarios" / "ok_small"
NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 31)
KILLS = 20
HOUSEHOLD_OF = {"R1": "H1", "R2": "H2", "R3": "H2", "R4": "H3", "R5": "H4", "R6": "H5"}


def _folders(out: Path) -> dict[str, dict[str, str]]:
    """Day → file name → SHA-256 of each file of each day folder."""
    days = out / "days"
    return {d.name: {f.name: hashlib.sha256(f.read_bytes()).hexdigest()
                     for f in sorted(d.iterdir()) if f.is_file()}
            for d in sorted(days.iterdir()) if d.is_dir() and not d.name.startswith(".")}


def _wholly_new(folder: Path, since_ns: int) -> bool:
    """Every file of ``folder`` written after ``since_ns`` and every map tagged
    with its plan.json's id."""
    files = [f for f in folder.iterdir() if f.is_file()]
    if not files or any(f.stat().st_mtime_ns < since_ns for f in files):
        return False
    plan_id = json.loads((folder / "plan.json").read_text(encoding="utf-8"))["id"]
    return all(plan_id in f.read_text(encoding="utf-8") for f in folder.glob("map*.html"))


def _export(folder: Path, path: Path, note: str) -> Path | None:
    """A phone export of the first resident of ``folder``'s plan (None: none)."""
    plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    scope = plan.get("scope") or []
    if not scope:
        return None
    rid = scope[0]
    body = ("date,team,household_id,resident_id,outcome,note\n"
            f"{folder.name},T1,{HOUSEHOLD_OF[rid]},{rid},not_home,{note}\n")
    path.write_text(f"{MAGIC} plan={plan['id']}; crc32={checksum(plan['id'], body)}\n{body}",
                    encoding="utf-8")
    return path


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
def test_sigkill_of_tomorrow_leaves_each_day_wholly_old_or_new(tmp_path: Path) -> None:
    """20 kills at seeded random moments of `tomorrow`: each day folder wholly old
    or wholly new, and an export from each day folder imports."""
    scenario = tmp_path / "scenario"
    shutil.copytree(SMALL, scenario)
    out = tmp_path / "camp"
    plan_campaign(CampaignRequest(scenario / "scenario.yaml", out,
                                  deadline=dt.date(2026, 11, 27), time_limit_s=0.1,
                                  draw="all", now=NOW))
    command = [sys.executable, "plan.py", "tomorrow", str(out), "--date", "2026-11-24",
               "--time-limit", "0.1"]
    began = time.monotonic()
    (out / ".day-memo.pickle").unlink(missing_ok=True)
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    full_s = time.monotonic() - began
    rng = random.Random(24)
    for k in range(KILLS):
        # every day planned and written again (nothing changed: the day memo
        # would keep every folder as it is, and no kill would meet a write)
        (out / ".day-memo.pickle").unlink(missing_ok=True)
        before = _folders(out)
        since_ns = time.time_ns()
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=rng.uniform(0.2, 1.1 * full_s))
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        recover(out)  # as every later command does first
        after = _folders(out)
        for day, files in after.items():
            old = before.get(day) == files
            new = _wholly_new(out / "days" / day, since_ns)
            assert old or new, f"kill {k}: {day} mixes old and new files: {sorted(files)}"
            export = _export(out / "days" / day, tmp_path / f"phone-{k}-{day}.csv", f"k{k}")
            if export is not None:
                report = record_outcomes(out, export, today=TODAY, now=NOW)
                assert report.status == "imported" and not report.rejected, (k, day)
        assert not list((out / "days").glob(".*")), "recovery leaves no stage behind"
