"""Decisions a team leader makes: the jobs behind ``plan.py decide``.

``decide(DecideRequest)`` checks a decision against the campaign's scenario
and state, then stores it (``planner.state.db.add_decision``; every later
plan honours it); ``list_decisions(folder)`` lists them;
``retire(RetireRequest)`` retires one (the row stays, the audit trail says who,
when and why). The model and what each kind does: ``planner.campaign.decisions``.
The clock is read here, and only here, when the request gives no ``now``.
Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

from planner.app.campaign import utc_now
from planner.app.outcomes import who
from planner.campaign.calendar import Calendar
from planner.campaign.decisions import (
    Decision,
    check_decision,
    close_matches,
    export_decisions,
)
from planner.domain import Scenario
from planner.errors import InputError, Problem, msg
from planner.state import db
from planner.state.store import campaign_scenario

__all__ = ["DecideRequest", "DecideResult", "Decision", "ExportRequest", "RetireRequest",
           "decide", "decision_problems", "export", "list_decisions", "retire"]

#: Kinds whose dates are days a visit is made on (each must be a working day).
_VISIT_DAYS = ("lock", "must", "order")
#: What a decision's problems name as their source: the command it was given to.
COMMAND = "plan.py decide"


@dataclass(frozen=True)
class DecideRequest:
    """Store ``decision`` (its ``id`` unset) in the campaign in ``folder``;
    ``decision.by`` empty: the computer's user; ``decision.at`` unset and
    ``now`` None: the clock (UTC)."""

    folder: Path
    decision: Decision
    now: dt.datetime | None = None


@dataclass(frozen=True)
class DecideResult:
    """The decision as stored (with its id, who and when) and the warnings
    (``Problem`` with severity ``warning``: kept, but worth a look)."""

    decision: Decision
    warnings: tuple[Problem, ...] = ()


def state_problems(decision: Decision, conn: sqlite3.Connection, scenario: Scenario,
                   source: str) -> list[Problem]:
    """What is wrong with ``decision`` given the campaign's state: a date
    before the campaign's start, a visit day (``lock``/``must``/``order``)
    that is no working day, the same decision already active (errors); a
    date after the deadline (a warning)."""
    info = db.meta(conn)
    start = dt.date.fromisoformat(info["start"])
    deadline = scenario.campaign.deadline if scenario.campaign else None
    if deadline is None and info.get("deadline"):
        deadline = dt.date.fromisoformat(info["deadline"])
    calendar = Calendar.of(scenario)
    out: list[Problem] = []
    for day in decision.dates:
        if day < start and decision.kind != "not_before":
            out.append(Problem(source, "dates",
                               msg("{day} is before the campaign's start ({start})", day=day,
                                   start=start),
                               msg("give a date from {start} on", start=start)))
        elif decision.kind in _VISIT_DAYS and not calendar.is_working(day):
            near = list(calendar.working_days(max(day, start), limit=1))
            hint = msg(" (next working day: {day})", day=near[0]) if near else ""
            out.append(Problem(source, "dates",
                               msg("{day} is not a working day of the campaign{hint}", day=day,
                                   hint=hint),
                               msg("give a working day")))
        elif deadline is not None and day > deadline:
            out.append(Problem(source, "dates",
                               msg("{day} is after the deadline ({deadline})", day=day,
                                   deadline=deadline),
                               msg("it is kept, and honoured if the campaign runs that late"),
                               severity="warning"))
    for old in db.active_decisions(conn):
        if old.kind == decision.kind and old.payload() == decision.payload():
            out.append(Problem(source, "",
                               msg("the same decision is already active (id {id})", id=old.id),
                               msg("keep it, or retire it first: plan.py decide FOLDER retire "
                                   "{id}", id=old.id)))
    return out


def _problems(conn: sqlite3.Connection, folder: Path, decision: Decision) -> list[Problem]:
    """Every problem of ``decision`` (``check_decision`` against the scenario,
    then against the state), errors and warnings."""
    scenario, _warnings, _table = campaign_scenario(folder, db.meta(conn))
    problems = check_decision(decision, scenario, source=COMMAND)
    if not problems:
        problems = state_problems(decision, conn, scenario, COMMAND)
    # the decision is the command's: its messages name the fields, no row to point at
    return [replace(p, where="") for p in problems]


def decision_problems(request: DecideRequest) -> list[Problem]:
    """What ``decide`` would say of ``request.decision`` (errors and
    warnings), nothing stored: the preview before a person confirms."""
    conn = db.open_campaign(request.folder)
    try:
        return _problems(conn, Path(request.folder), request.decision)
    finally:
        conn.close()


def decide(request: DecideRequest) -> DecideResult:
    """The ``decide`` job: ``InputError`` (exit 2) with every problem of the
    decision (``check_decision`` against the scenario, then against the
    state); else it is stored, with an audit row, and returned with its id."""
    conn = db.open_campaign(request.folder)
    try:
        decision = request.decision
        problems = _problems(conn, Path(request.folder), decision)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise InputError(errors)
        now = request.now or utc_now()
        decision = replace(decision, by=decision.by or who(), at=decision.at or now, id=None)
        with db.transaction(conn):
            stored = db.add_decision(conn, decision, now=now)
    finally:
        conn.close()
    return DecideResult(stored, tuple(p for p in problems if p.severity != "error"))


def list_decisions(folder: Path, retired: bool = False) -> list[Decision]:
    """The ``decide list`` job: the active decisions, oldest first (every one,
    retired included, with ``retired``)."""
    conn = db.open_campaign(folder)
    try:
        return db.decisions(conn, active_only=not retired)
    finally:
        conn.close()


@dataclass(frozen=True)
class RetireRequest:
    """Retire decision ``decision_id`` of the campaign in ``folder``, by ``by``
    (default: the computer's user), because ``why``, at ``now`` (default: the
    clock, UTC)."""

    folder: Path
    decision_id: int
    why: str
    by: str = ""
    now: dt.datetime | None = None


def retire(request: RetireRequest) -> Decision:
    """The ``decide retire`` job: the decision retired (its row kept, inactive;
    the audit trail names who, when and why). ``InputError`` when ``why`` is
    empty or no active decision has that id (naming the active ones)."""
    where = f"decision {request.decision_id}"
    if not request.why.strip():
        raise InputError(Problem("--why", where, msg("retiring a decision without a reason"),
                                 msg("say why it no longer holds (kept in the audit trail): "
                                     "--why \"...\"")))
    conn = db.open_campaign(request.folder)
    try:
        with db.transaction(conn):
            state = db.decision_active(conn, request.decision_id)
            if not state:
                active = [str(d.id) for d in db.active_decisions(conn)]
                close = close_matches(str(request.decision_id), active)
                what = msg("already retired{close}", close=close) if state is False else \
                    msg("no decision has this id{close}", close=close)
                raise InputError(Problem(
                    str(Path(request.folder) / db.DB_NAME), where, what,
                    msg("active decisions: {ids}", ids=active) if active
                    else msg("no decision is active")))
            return db.retire_decision(conn, request.decision_id, by=request.by or who(),
                                      why=request.why.strip(), now=request.now or utc_now())
    finally:
        conn.close()


@dataclass(frozen=True)
class ExportRequest:
    """Write the active decisions of the campaign in ``folder`` to ``path``
    (a decisions file a scenario can name: ``decisions: FILE``); an existing
    file is replaced only with ``overwrite``."""

    folder: Path
    path: Path
    overwrite: bool = False


def export(request: ExportRequest) -> tuple[Path, int]:
    """The ``decide --export`` job: the file written and how many decisions
    it holds. ``InputError`` when the file exists and ``overwrite`` is not set."""
    if request.path.exists() and not request.overwrite:
        raise InputError(Problem(str(request.path), "", msg("the file exists"),
                                 msg("give another file name, or add --overwrite")))
    items = list_decisions(request.folder)
    return export_decisions(items, request.path), len(items)
