"""Record what happened: the jobs behind ``plan.py record`` (import a day's
outcomes sheet or phone export; write a blank or prefilled sheet).

``record(RecordRequest)`` imports a file into the campaign's state
(``planner.state.record``: a phone export is checked first, then every row;
the valid rows are stored, the others written to a rejects file, or all or
nothing); ``correct(CorrectRequest)`` replaces one recorded outcome, keeping
the old one in the audit trail (``audit`` lists it);
``outcomes_template(TemplateRequest)`` writes the sheet.
The clock is read here when the request leaves ``today``/``now`` to the job.
Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass
from pathlib import Path

from planner.app.campaign import utc_now
from planner.errors import InputError
from planner.scenario.reading import input_file_problems
from planner.state.db import AuditRow
from planner.state.record import audit, correct_outcome, record_outcomes, write_template
from planner.state.sheet import ImportReport


def who() -> str:
    """Who is working, for the audit trail: the computer's user name."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "?"


@dataclass(frozen=True)
class RecordRequest:
    """Import the outcomes file ``sheet`` (CSV, .xlsx or a phone map's export)
    into the campaign in ``folder``. No visit may be dated after ``today``
    (default: the computer's date); ``now`` (UTC) stamps the import; the
    rejects file speaks ``lang``."""

    folder: Path
    sheet: Path
    today: dt.date | None = None
    now: dt.datetime | None = None
    all_or_nothing: bool = False
    by: str = ""
    lang: str = "vi"


def record(request: RecordRequest) -> ImportReport:
    """The ``record`` job: what was imported (new, same, corrected, rejected to
    the rejects file, or already imported); ``by`` (default: the computer's
    user) is kept with each correction the file carries. The sheet is looked at
    before it is opened: a FIFO, a device or a file over the size limit is
    refused (``InputError``), never read."""
    problems = input_file_problems(request.sheet)
    if problems:
        raise InputError(problems)
    return record_outcomes(request.folder, request.sheet,
                           today=request.today or dt.date.today(),
                           now=request.now or utc_now(),
                           all_or_nothing=request.all_or_nothing, by=request.by or who(),
                           lang=request.lang)


@dataclass(frozen=True)
class CorrectRequest:
    """Replace the outcome recorded for ``resident`` on ``day`` in the campaign
    in ``folder`` with ``outcome`` (``none``: the visit did not happen),
    because ``why``; ``by``: who (default: the computer's user); ``now``: when
    (UTC; default: the clock)."""

    folder: Path
    resident: str
    day: dt.date
    outcome: str
    why: str
    by: str = ""
    now: dt.datetime | None = None


@dataclass(frozen=True)
class CorrectResult:
    """What a correction replaced: the old value (team, outcome, note,
    recorded_at) and the subject as the audit trail names it."""

    old: dict[str, str]
    subject: str


def correct(request: CorrectRequest) -> CorrectResult:
    """The ``record --correct`` job."""
    old, subject = correct_outcome(request.folder, request.resident, request.day,
                                   request.outcome, why=request.why,
                                   by=request.by or who(), now=request.now or utc_now())
    return CorrectResult(old, subject)


def audit_trail(folder: Path) -> list[AuditRow]:
    """The ``record --audit`` job: every change a person made, oldest first
    ``(at, by, why, kind, subject, before, after)``."""
    return audit(folder)


@dataclass(frozen=True)
class TemplateRequest:
    """An outcomes sheet: blank, or with ``folder`` and ``day`` prefilled with
    every resident planned that day; written as ``out_stem`` .csv and .xlsx
    (default: ``outcomes`` or ``FOLDER/outcomes-DAY``); ``redact``: initials
    instead of names; ``lang``: the language of its headers, outcomes and
    help (an import reads either)."""

    folder: Path | None = None
    day: dt.date | None = None
    out_stem: Path | None = None
    overwrite: bool = False
    redact: bool = False
    lang: str = "vi"


def outcomes_template(request: TemplateRequest) -> tuple[list[Path], int]:
    """The ``record --template`` job: the paths written and the rows prefilled."""
    return write_template(request.folder, request.day, request.out_stem, request.overwrite,
                          request.redact, request.lang)
