"""Decisions in the campaign state: stored with who, when and why; checked
against the scenario and the state before they are kept; retired but never
deleted, with the audit trail naming both steps (real SQLite, the small test
scenario, no solve)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from planner.app.decisions import DecideRequest, RetireRequest, decide, list_decisions, retire
from planner.campaign.decisions import Decision
from planner.errors import InputError
from planner.scenario import load_scenario
from planner.state import db
from planner.state.schema import SCHEMA_VERSION

SMALL = Path(__file__).resolve().parent.parent / "data" / "scenarios" / "ok_small"
NOW = dt.datetime(2026, 11, 24, 18, 30, tzinfo=dt.UTC)
START, DEADLINE = dt.date(2026, 11, 24), dt.date(2026, 11, 27)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """A campaign folder whose state holds the small scenario (nothing planned)."""
    scenario, _ = load_scenario(SMALL / "scenario.yaml")
    db.create(tmp_path / db.DB_NAME, scenario, START, DEADLINE, now=NOW).close()
    return tmp_path


def test_decide_stores_lists_and_retires_with_an_audit_trail(folder: Path) -> None:
    """A decision is kept with its id, who, when and why; retiring it keeps the
    row inactive; the audit trail shows it added then retired."""
    made = decide(DecideRequest(folder, Decision("team_absent", team="T1",
                                                 dates=(dt.date(2026, 11, 25),),
                                                 by="Lan", why="đám tang"), now=NOW))
    d = made.decision
    assert d.id is not None and d.by == "Lan" and d.at == NOW and d.why == "đám tang"
    assert list_decisions(folder) == [d]
    later = NOW + dt.timedelta(hours=1)
    retire(RetireRequest(folder, d.id, why="về sớm", by="Hùng", now=later))
    assert list_decisions(folder) == []
    assert list_decisions(folder, retired=True) == [d]
    conn = db.open_campaign(folder)
    try:
        trail = db.audit_trail(conn, d.subject())
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT active FROM decisions WHERE id = ?",
                            (d.id,)).fetchone()[0] == 0
    finally:
        conn.close()
    assert [(r[1], r[3]) for r in trail] == [("Lan", "decision_added"),
                                             ("Hùng", "decision_retired")]
    assert '"team": "T1"' in trail[1][5] and trail[1][6] == ""
    with pytest.raises(InputError, match="already retired"):
        retire(RetireRequest(folder, d.id, why="again", now=later))


def test_decide_refuses_with_every_problem_named(folder: Path) -> None:
    """A decision with a mistyped household and no date is refused naming both
    fields (and the close id); a date before the start, a weekend visit day and
    an exact duplicate are refused against the state; nothing is stored."""
    with pytest.raises(InputError) as bad:
        decide(DecideRequest(folder, Decision("must", household="H9x"), now=NOW))
    text = str(bad.value)
    assert "household" in text and "dates" in text
    with pytest.raises(InputError, match="before the campaign's start"):
        decide(DecideRequest(folder, Decision("not_on", household="H1",
                                              dates=(dt.date(2026, 11, 20),)), now=NOW))
    with pytest.raises(InputError, match="not a working day"):
        decide(DecideRequest(folder, Decision("must", household="H1",
                                              dates=(dt.date(2026, 11, 28),)), now=NOW))
    assert list_decisions(folder) == []
    ok = Decision("leave_out", household="H2", reason="moved_away", by="Lan", why="chuyển")
    decide(DecideRequest(folder, ok, now=NOW))
    with pytest.raises(InputError, match="already active"):
        decide(DecideRequest(folder, ok, now=NOW))
    with pytest.raises(InputError, match="no decision has this id"):
        retire(RetireRequest(folder, 99, why="x", now=NOW))


def test_a_version_3_state_migrates_to_hold_decisions(folder: Path) -> None:
    """A state made before decisions existed (version 3, no ``decisions``
    table) opens at the current version and takes a decision."""
    conn = sqlite3.connect(folder / db.DB_NAME)
    conn.execute("DROP TABLE decisions")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    decide(DecideRequest(folder, Decision("lock", household="H3", team="T1"), now=NOW))
    assert [d.kind for d in list_decisions(folder)] == ["lock"]
