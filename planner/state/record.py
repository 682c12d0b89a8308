"""Record what happened: import an outcomes sheet (or the phone map's export)
into a campaign's state, and write the sheet to fill in for a day. Each
returns what it did; printing is the caller's business. ``today`` bounds the
dates a visit may have; ``now`` (UTC) is stored as the import's time."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

from planner.errors import InputError, Problem
from planner.planfile import write_atomic
from planner.render.views import person_name
from planner.state import db
from planner.state.phone import outcomes_sheet
from planner.state.sheet import (
    ImportReport,
    import_outcomes,
    template_csv,
    template_rows,
    template_xlsx,
)
from planner.state.store import campaign_scenario


def record_outcomes(folder: Path, sheet: Path, *, today: dt.date,
                    now: dt.datetime) -> ImportReport:
    """Import an outcomes sheet (CSV, .xlsx, or the phone map's export, checked
    first: see ``planner.state.phone``) into the campaign of ``folder``, all or
    nothing. Visits must be dated from the campaign's start to ``today``;
    households added to the scenario since join the state as added ``today``;
    ``now`` (UTC) is stored as the import's time. The report names ``sheet``."""
    with outcomes_sheet(folder, sheet) as readable:  # a phone export is checked first
        conn = db.open_campaign(folder)
        try:
            teams = _teams(conn, folder, today)
            report = import_outcomes(conn, readable, teams, today=today, now=now)
        finally:
            conn.close()
    return replace(report, file=str(sheet))


def _teams(conn: sqlite3.Connection, folder: Path, today: dt.date) -> set[str]:
    """Team ids of the campaign's scenario, plus those already in planned visits.
    Households and residents added to the scenario since are added to the state
    (as added ``today``)."""
    teams = db.planned_teams(conn)
    info = db.meta(conn)
    if info.get("scenario") and Path(info["scenario"]).exists():
        scenario, _, _ = campaign_scenario(folder, info)
        teams |= {t.id for t in scenario.teams}
        with db.transaction(conn):
            db.sync_households(conn, scenario, today)
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
        conn = db.open_campaign(folder)
        try:
            planned = db.planned_on(conn, day)
            scenario, _, _ = campaign_scenario(folder, db.meta(conn))
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
    conn = db.open_campaign(folder)
    try:
        info = db.meta(conn)
    finally:
        conn.close()
    household_of: dict[str, str] = {}
    if info.get("scenario") and Path(info["scenario"]).exists():
        scenario, _, _ = campaign_scenario(folder, info)
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
