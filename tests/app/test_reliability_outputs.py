"""Outputs are written atomically: a run killed at any moment leaves no output
that looks complete but is not (temporary files are hidden ``.NAME.*.tmp``)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OK = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
TRIALS = 8


def _complete(path: Path) -> bool:
    data = path.read_bytes()
    if path.suffix == ".json":
        json.loads(data)
        return True
    if path.suffix == ".pdf":
        return data.startswith(b"%PDF") and b"%%EOF" in data[-64:]
    if path.suffix == ".html":
        return data.rstrip().endswith(b"</html>")
    if path.suffix == ".gpx":
        return data.rstrip().endswith(b"</gpx>")
    if path.suffix == ".kml":
        return data.rstrip().endswith(b"</kml>")
    return False


def _run(out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "plan.py"), "day", str(OK), "--out",
                             str(out), "--time-limit", "0.5", "--overwrite"], cwd=ROOT,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def test_killed_day_leaves_only_complete_files(tmp_path: Path) -> None:
    """``day`` killed with SIGKILL at random moments: every visible file in the
    output folder is complete; only hidden temporary files may be partial."""
    started = time.perf_counter()
    assert _run(tmp_path / "full").wait(timeout=300) == 0
    span = time.perf_counter() - started
    assert {p.suffix for p in (tmp_path / "full").iterdir()} >= {".json", ".pdf", ".html",
                                                                  ".gpx"}
    rng = random.Random(7)
    for trial in range(TRIALS):
        out = tmp_path / f"trial-{trial}"
        proc = _run(out)
        time.sleep(rng.uniform(0.3, 1.0) * span)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        if not out.exists():
            continue
        for path in out.iterdir():
            if path.name.startswith(".") and path.name.endswith(".tmp"):
                continue
            assert _complete(path), (trial, path.name)
    # no worker process outlives its killed parent
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        left = subprocess.run(["pgrep", "-f", str(tmp_path / "trial-")], capture_output=True,
                              text=True, check=False).stdout.split()
        if not left:
            break
        time.sleep(0.5)
    assert not left, f"orphaned processes: {left}"
