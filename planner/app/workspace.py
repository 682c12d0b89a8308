"""What the web workspace shows, read from a campaign's files and state: the
campaigns and scenarios of a workspace folder, a campaign's progress (enrolled
by village and tier, working days left, the calendar, who has not reported),
one day's plan with each resident's tier, a scenario's problems.

Read-only: nothing here plans or writes. The clock is read here when the
caller gives no ``today``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.app.day import check
from planner.app.loaded import loaded_campaign
from planner.domain import Unserved
from planner.errors import InputError, Problem
from planner.render.views import reason_texts
from planner.state import db

CAMPAIGN_FILE = "campaign.json"
SCENARIO_FILE = "scenario.yaml"


def campaigns_in(workspace: Path) -> list[Path]:
    """The campaign folders directly inside ``workspace`` (each holds a
    ``campaign.db``), by name."""
    return sorted(p for p in workspace.iterdir() if p.is_dir() and (p / db.DB_NAME).is_file())


def scenarios_in(workspace: Path) -> list[Path]:
    """The scenario folders directly inside ``workspace`` (each holds a
    ``scenario.yaml``; not hidden: a commune being created is ``.NAME.partial``), by name."""
    return sorted(p for p in workspace.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and (p / SCENARIO_FILE).is_file())


def day_folders(folder: Path) -> list[dt.date]:
    """The planned days of the campaign in ``folder`` that have a plan.json, in order."""
    days = folder / "days"
    if not days.is_dir():
        return []
    out = []
    for p in sorted(days.iterdir()):
        try:
            day = dt.date.fromisoformat(p.name)
        except ValueError:
            continue
        if (p / "plan.json").is_file():
            out.append(day)
    return out


@dataclass
class Tally:
    """Residents of one village and tier (condition): how many, how many enrolled."""

    village: str
    tier: str
    residents: int = 0
    enrolled: int = 0


@dataclass
class CampaignStatus:
    """A campaign's progress as the workspace shows it. ``days_left``: working
    days planned after ``today``; ``calendar``: campaign.json's days (date,
    weekday, residents served by mode per team); ``not_reported``: (date,
    team) planned before ``today`` with no outcome recorded (days after the
    deadline only once someone reported on or after them)."""

    folder: Path
    name: str
    scenario: Path
    fictional: bool
    start: str
    deadline: str | None
    forecast: str | None
    finished_by_deadline: bool | None
    days_left: int
    tallies: list[Tally]
    calendar: list[dict[str, Any]]
    not_reported: list[tuple[str, str]]
    outcomes: int
    last_outcome: str | None
    cannot_serve: list[dict[str, Any]] = field(default_factory=list)

    @property
    def residents(self) -> int:
        """Every resident of the campaign."""
        return sum(t.residents for t in self.tallies)

    @property
    def enrolled(self) -> int:
        """Residents with an ``enrolled`` outcome."""
        return sum(t.enrolled for t in self.tallies)


def _campaign_json(folder: Path) -> dict[str, Any]:
    path = folder / CAMPAIGN_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(Problem(str(path), "", "the campaign file is missing or unreadable",
                                 "plan the campaign again (Start page)")) from None


def _not_reported(planned: list[tuple[dt.date, str, str]], outcomes: list[Any],
                  deadline: str | None, last: dt.date | None) -> list[tuple[str, str]]:
    """(date, team) of the ``planned`` visits (all before today) with no
    outcome of that team that day. A day after the ``deadline`` is the
    forecast of a late campaign, not a day worked, until someone reports on
    or after it (the ``last`` outcome's day)."""
    reported = {(o.date, o.team_id) for o in outcomes}
    end = max(filter(None, (deadline, last.isoformat() if last else None)), default=None)
    return sorted({(d.isoformat(), team) for d, _h, team in planned
                   if (d, team) not in reported and (end is None or d.isoformat() <= end)})


def campaign_status(folder: Path, today: dt.date | None = None) -> CampaignStatus:
    """The progress of the campaign in ``folder`` on ``today`` (default: the
    computer's date)."""
    today = today or dt.date.today()
    data = _campaign_json(folder)
    conn = db.open_campaign(folder)
    try:
        info = db.meta(conn)
        rows = db.resident_rows(conn)
        outcomes = db.outcomes(conn)
        planned = db.planned_visits(conn, before=today)
    finally:
        conn.close()
    enrolled = {o.resident_id for o in outcomes if o.outcome == "enrolled"}
    tallies: dict[tuple[str, str], Tally] = {}
    for resident, _household, village, condition in rows:
        t = tallies.setdefault((village, condition), Tally(village, condition))
        t.residents += 1
        t.enrolled += resident in enrolled
    last = max((o.date for o in outcomes), default=None)
    not_reported = _not_reported(planned, outcomes, data.get("deadline"), last)
    calendar = list(data.get("days", []))
    left = sum(1 for d in calendar if d.get("date", "") > today.isoformat())
    return CampaignStatus(
        folder=folder, name=str(data.get("scenario", info.get("scenario_name", ""))),
        scenario=Path(info.get("scenario", "")), fictional=bool(data.get("fictional")),
        start=str(data.get("start", "")), deadline=data.get("deadline"),
        forecast=data.get("forecast_completion"),
        finished_by_deadline=data.get("finished_by_deadline"), days_left=left,
        tallies=sorted(tallies.values(), key=lambda t: (t.village, t.tier)),
        calendar=calendar, not_reported=not_reported, outcomes=len(outcomes),
        last_outcome=last.isoformat() if last else None,
        cannot_serve=list(data.get("cannot_serve", [])))


def cannot_serve_texts(status: CampaignStatus, lang: str) -> list[str]:
    """Why each of ``status.cannot_serve`` cannot be served, in ``lang`` (the
    words ``plan.py campaign`` prints, from the entry's code and numbers);
    campaign.json's English reason when the campaign's scenario cannot be
    read any more."""
    entries = status.cannot_serve
    if not entries:
        return []
    try:
        said = reason_texts(loaded_campaign(status.folder).scenario, lang)
    except InputError:
        return [str(e.get("reason", "")) for e in entries]
    return [said(Unserved(str(e.get("household", "")), str(e.get("reason", "")),
                          str(e.get("code", "")), str(e.get("mode", "home")),
                          tuple(e.get("residents", ())),
                          tuple((k, int(v)) for k, v in (e.get("numbers") or {}).items())))
            for e in entries]


@dataclass
class DayView:
    """One planned day: its ``plan`` (plan.json as written) and each resident's
    tier (``tiers``: resident id → condition)."""

    date: dt.date
    plan: dict[str, Any]
    tiers: dict[str, str]


def day_view(folder: Path, day: dt.date) -> DayView:
    """The plan of ``day`` in the campaign in ``folder`` with the residents' tiers."""
    path = folder / "days" / day.isoformat() / "plan.json"
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(Problem(str(path), "", "no plan for this day",
                                 "plan tomorrow first (Tomorrow page)")) from None
    conn = db.open_campaign(folder)
    try:
        tiers = {r: condition for r, _h, _v, condition in db.resident_rows(conn)}
    finally:
        conn.close()
    return DayView(day, plan, tiers)


@dataclass
class CheckReport:
    """A scenario checked: ``problems`` (errors, each with file, row/field,
    what is wrong and the fix) and ``warnings``; valid when no problem."""

    path: Path
    problems: list[Problem]
    warnings: list[Problem]

    @property
    def valid(self) -> bool:
        """Whether the scenario can be planned."""
        return not self.problems


_CHECKED: dict[Path, tuple[tuple, CheckReport]] = {}


def _signature(path: Path) -> tuple:
    """What a check's result depends on, as seen on disk: the files beside
    the scenario (name, size, modification time)."""
    try:
        return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns)
                            for p in path.parent.iterdir() if p.is_file()))
    except OSError:
        return ()


def check_report(path: Path) -> CheckReport:
    """Every problem of the scenario at ``path`` (``app.day.check``), as a list
    instead of an error; kept until a file beside the scenario changes."""
    signature = _signature(path)
    kept = _CHECKED.get(path)
    if kept is not None and kept[0] == signature and signature:
        return kept[1]
    report = _check_report(path)
    _CHECKED[path] = (signature, report)
    return report


def _check_report(path: Path) -> CheckReport:
    try:
        result = check(path)
    except InputError as exc:
        problems = list(getattr(exc, "problems", []) or [Problem(str(path), "", str(exc), "")])
        return CheckReport(path, [p for p in problems if p.severity == "error"],
                           [p for p in problems if p.severity != "error"])
    return CheckReport(path, [], list(result.warnings))
