"""Record what happened: the jobs behind ``plan.py record`` (import a day's
outcomes sheet or phone export, write a blank or prefilled sheet).

``record(RecordRequest)`` imports a file (a phone export is checked first);
``outcomes_template(TemplateRequest)`` writes the sheet. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from planner.app.campaign import campaign_scenario
from planner.campaign import state
from planner.campaign.outcomes import (
    ImportReport,
    import_outcomes,
    template_csv,
    template_rows,
    template_xlsx,
)
from planner.campaign.phone import outcomes_sheet
from planner.errors import InputError, Problem
from planner.planfile import write_atomic
from planner.render.views import person_name


def record_outcomes(folder: Path, sheet: Path) -> ImportReport:
    """Import an outcomes sheet into the campaign of ``folder`` (all or nothing)."""
    conn = state.open_campaign(folder)
    try:
        teams = _teams(conn, folder)
        return import_outcomes(conn, sheet, teams)
    finally:
        conn.close()


def _teams(conn, folder: Path) -> set[str]:
    """Team ids of the campaign's scenario, plus those already in planned visits.
    Households and residents added to the scenario since are added to the state."""
    teams = state.planned_teams(conn)
    info = state.meta(conn)
    if info.get("scenario") and Path(info["scenario"]).exists():
        scenario, _ = campaign_scenario(folder, info)
        teams |= {t.id for t in scenario.teams}
        with state.transaction(conn):
            state.sync_households(conn, scenario, dt.date.today())
    return teams


def write_template(folder: Path | None, day: dt.date | None, out_stem: Path | None,
                   overwrite: bool, redact: bool = False) -> tuple[list[Path], int]:
    """Write the outcomes sheet (CSV and .xlsx): blank, or with ``folder`` and
    ``day`` prefilled with every resident planned that day, whatever the mode
    (home visit, shuttle, collection point), from the campaign's last plan.
    Prefilled rows carry the resident's name (initials with ``redact``), the
    village and the planned arrival. Returns the paths and the number of
    prefilled rows."""
    rows: list[list[str]] = []
    if folder is not None and day is not None:
        conn = state.open_campaign(folder)
        try:
            planned = state.planned_on(conn, day)
            scenario, _ = campaign_scenario(folder, state.meta(conn))
        finally:
            conn.close()
        villages = {v.id: v.name for v in scenario.villages}
        readers = {r.id: (person_name(r.full_name, redact), villages.get(h.village_id, ""))
                   for h in scenario.households for r in h.residents}
        rows = template_rows(planned, day, planned_residents(folder, day), readers)
    if out_stem is None:
        base = folder if folder is not None else Path(".")
        out_stem = base / (f"outcomes-{day}" if day else "outcomes")
    paths = [out_stem.with_suffix(".csv"), out_stem.with_suffix(".xlsx")]
    existing = [p for p in paths if p.exists()]
    if existing and not overwrite:
        raise InputError(Problem(str(existing[0]), "", "exists already",
                                 "add --overwrite to replace it, or give another --out"))
    write_atomic(paths[0], "\ufeff" + template_csv(rows))
    write_atomic(paths[1], template_xlsx(rows))
    return paths, len(rows)


def planned_residents(folder: Path, day: dt.date) -> dict[str, list[str]]:
    """Household → the residents planned on ``day`` (any mode), from that day's
    ``days/DAY/plan.json`` (kept when later days are re-planned) and the
    campaign's scenario, and from ``campaign.json``."""

    try:
        plan = json.loads((folder / "days" / day.isoformat() / "plan.json")
                          .read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    conn = state.open_campaign(folder)
    try:
        info = state.meta(conn)
    finally:
        conn.close()
    household_of: dict[str, str] = {}
    if info.get("scenario") and Path(info["scenario"]).exists():
        scenario, _ = campaign_scenario(folder, info)
        household_of = {r.id: h.id for h in scenario.households for r in h.residents}
    out: dict[str, list[str]] = {}
    for route in plan.get("routes") or []:
        for stop in route.get("stops") or []:
            for rid in stop.get("residents") or []:
                hid = household_of.get(rid, stop.get("household") or "")
                if hid and rid not in out.setdefault(hid, []):
                    out[hid].append(rid)
    # plan.json lists no residents for an auto household at a point: the
    # campaign's own record of that day (when it still holds the day) adds them
    try:
        data = json.loads((folder / "campaign.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    for h in data.get("households") or []:
        for r in h.get("residents") or []:
            if r.get("date") == day.isoformat() and r["resident"] not in \
                    out.setdefault(h["household"], []):
                out[h["household"]].append(r["resident"])
    return {hid: rids for hid, rids in out.items() if rids}



@dataclass(frozen=True)
class RecordRequest:
    """Import the outcomes file ``sheet`` (CSV, .xlsx or a phone map's export)
    into the campaign in ``folder``."""

    folder: Path
    sheet: Path


def record(request: RecordRequest) -> ImportReport:
    """The ``record`` job: a phone export is checked first (changed on the
    way, or from a plan that is not one of this campaign's days: refused),
    then every row is imported, all or nothing."""
    with outcomes_sheet(request.folder, request.sheet) as sheet:
        return record_outcomes(request.folder, sheet)


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
