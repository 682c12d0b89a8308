"""Record what happened: the jobs behind ``plan.py record`` (import a day's
outcomes sheet or phone export; write a blank or prefilled sheet).

``record(RecordRequest)`` imports a file into the campaign's state
(``planner.state.record``: a phone export is checked first, then every row,
all or nothing); ``outcomes_template(TemplateRequest)`` writes the sheet.
The clock is read here when the request leaves ``today``/``now`` to the job.
Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from planner.app.campaign import utc_now
from planner.errors import InputError
from planner.scenario.reading import input_file_problems
from planner.state.record import record_outcomes, write_template
from planner.state.sheet import ImportReport


@dataclass(frozen=True)
class RecordRequest:
    """Import the outcomes file ``sheet`` (CSV, .xlsx or a phone map's export)
    into the campaign in ``folder``. No visit may be dated after ``today``
    (default: the computer's date); ``now`` (UTC) stamps the import."""

    folder: Path
    sheet: Path
    today: dt.date | None = None
    now: dt.datetime | None = None


def record(request: RecordRequest) -> ImportReport:
    """The ``record`` job: what was imported (new, same, or already imported).
    The sheet is looked at before it is opened: a FIFO, a device or a file
    over the size limit is refused (``InputError``), never read."""
    problems = input_file_problems(request.sheet)
    if problems:
        raise InputError(problems)
    return record_outcomes(request.folder, request.sheet,
                           today=request.today or dt.date.today(),
                           now=request.now or utc_now())


@dataclass(frozen=True)
class TemplateRequest:
    """An outcomes sheet: blank, or with ``folder`` and ``day`` prefilled with
    every resident planned that day; written as ``out_stem`` .csv and .xlsx
    (default: ``outcomes`` or ``FOLDER/outcomes-DAY``); ``redact``: initials
    instead of names."""

    folder: Path | None = None
    day: dt.date | None = None
    out_stem: Path | None = None
    overwrite: bool = False
    redact: bool = False


def outcomes_template(request: TemplateRequest) -> tuple[list[Path], int]:
    """The ``record --template`` job: the paths written and the rows prefilled."""
    return write_template(request.folder, request.day, request.out_stem, request.overwrite,
                          request.redact)
