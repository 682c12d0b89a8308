"""The campaign kept in memory for the Edit page's previews
(``planner.app.loaded``): read once, answered from memory while nothing it
depends on changed, read again when the households list changes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from planner.app.loaded import loaded_campaign
from planner.scenario import load_scenario
from planner.state import db

SMALL = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def _campaign(tmp_path: Path) -> tuple[Path, Path]:
    """A campaign state (no day planned) over a copy of the small scenario."""
    scenario = tmp_path / "scenario"
    shutil.copytree(SMALL, scenario)
    loaded, _ = load_scenario(scenario / "scenario.yaml")
    folder = tmp_path / "camp"
    folder.mkdir()
    db.create(folder / db.DB_NAME, loaded, dt.date(2026, 11, 24), None, now=NOW).close()
    return folder, scenario


def _touch(path: Path) -> None:
    """``path`` seen as changed (its modification time one second later)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_kept_while_unchanged_and_read_again_after_a_change(tmp_path: Path) -> None:
    """Two reads of an unchanged campaign give the same graph and matrices
    (one object each: nothing read twice), with a travel matrix over every
    site (zero diagonal); after the households list is touched the campaign
    is read again (a new graph object), and kept again; the speed table's
    folder (where its learnt layer goes) is among what it depends on."""
    folder, scenario = _campaign(tmp_path)
    first = loaded_campaign(folder)
    again = loaded_campaign(folder)
    assert again is first
    travel = first.matrices.base.travel_s
    assert travel.shape[0] == len(first.matrices.row_of) > 1
    assert all(travel[k, k] == 0 for k in range(travel.shape[0]))

    _touch(scenario / "households.csv")
    second = loaded_campaign(folder)
    assert second is not first and second.graph is not first.graph
    assert loaded_campaign(folder) is second

    table = Path(second.table["table_path"])
    assert table.parent in second.depends
