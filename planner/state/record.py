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

from planner.campaign.folders import recover
from planner.errors import InputError, Problem, msg
from planner.planfile import write_atomic
from planner.render.views import person_name
from planner.scenario import nfc, read_table
from planner.scenario.values import _Collector
from planner.state import db
from planner.state.phone import campaign_plan_ids, outcomes_sheet, plan_of, shift_rows
from planner.state.schema import OUTCOMES
from planner.state.sheet import (
    FINAL_OUTCOMES,
    NO_OUTCOME,
    TABLE,
    ImportReport,
    import_outcomes,
    parse_date,
    rejects_path,
    template_csv,
    template_rows,
    template_xlsx,
)
from planner.state.store import campaign_scenario


def record_outcomes(folder: Path, sheet: Path, *, today: dt.date, now: dt.datetime,
                    all_or_nothing: bool = False, by: str = "", lang: str = "vi",
                    ) -> ImportReport:
    """Import an outcomes sheet (CSV, .xlsx, or the phone map's export, checked
    first: see ``planner.state.phone``) into the campaign of ``folder``: its
    valid rows, the others written to a rejects file beside ``sheet`` (all or
    nothing with ``all_or_nothing``). Visits must be dated from the campaign's
    start to ``today``; households added to the scenario since join the state
    as added ``today``; ``now`` (UTC) is stored as the import's time and ``by``
    (who imports) with each correction. The report names ``sheet``; for an
    export from an earlier plan of its day, it says what the newer plan moved.
    The rejects file speaks ``lang``."""
    recover(folder)  # a re-plan killed half-way: each day folder wholly old or new
    conn = db.open_campaign(folder)
    try:
        earlier = db.known_plans(conn)
    finally:
        conn.close()
    with outcomes_sheet(folder, sheet, earlier) as readable:  # a phone export is checked first
        conn = db.open_campaign(folder)
        try:
            teams = _teams(conn, folder, today)
            report = import_outcomes(conn, readable, teams, today=today, now=now,
                                     all_or_nothing=all_or_nothing,
                                     rejects=rejects_path(Path(sheet)), by=by, lang=lang)
            moved = _moved(conn, folder, sheet, readable) if report.status == "imported" else ()
        finally:
            conn.close()
    problems = report.problems if readable == Path(sheet) \
        else tuple(shift_rows(p, Path(sheet)) for p in report.problems)  # a phone export's rows
    return replace(report, file=str(sheet), moved=moved, problems=problems)


def _moved(conn: sqlite3.Connection, folder: Path, sheet: Path, readable: Path,
           ) -> tuple[str, ...]:
    """For a phone export drawn from a plan its day's folder no longer holds:
    each household of the export whose visit the newer plan of that day moved
    to another team or left out (plain sentences); else ()."""
    plan = plan_of(sheet)
    if plan is None or plan in campaign_plan_ids(folder):
        return ()
    col = _Collector(str(readable))
    rows = read_table(readable, col, TABLE) or []
    out: list[str] = []
    newer: dict[str, dict[str, str]] = {}
    for _number, row in rows:
        try:
            day = parse_date(row.get("date"))
        except ValueError:
            continue
        if day.isoformat() not in newer:
            newer[day.isoformat()] = {h: t for h, t, _a in db.planned_on(conn, day)}
        hid, team = nfc(row.get("household_id")), nfc(row.get("team"))
        now_team = newer[day.isoformat()].get(hid)
        line = (msg("{day}: household {hid} is not in the newer plan of that day",
                    day=day, hid=hid)
                if now_team is None else
                msg("{day}: household {hid} was moved from team {team} to team {now_team}",
                    day=day, hid=hid, team=team, now_team=now_team)
                if now_team != team else "")
        if line and line not in out:
            out.append(line)
    return tuple(out)


def correct_outcome(folder: Path, resident_id: str, day: dt.date, outcome: str, *, why: str,
                    by: str, now: dt.datetime) -> tuple[dict[str, str], str]:
    """Replace the outcome recorded for ``resident_id`` on ``day`` with
    ``outcome`` (``none``: the visit did not happen), keeping the old one in
    the audit trail with ``by``, ``why`` and ``now`` (UTC). ``InputError``
    naming the fix when there is nothing to correct, the outcome is unknown,
    ``why`` is empty, or a deceased/moved would precede a recorded visit.
    Returns the old value and the subject as the audit trail names it."""
    where = f"{resident_id} on {day}"
    if outcome not in OUTCOMES + (NO_OUTCOME,):
        raise InputError(Problem("--outcome", where, msg("unknown outcome '{outcome}'",
                                                         outcome=outcome),
                                 msg("use one of: {listing} or {NO_OUTCOME} (the "
                                     "visit did not happen)",
                                     listing=', '.join(OUTCOMES), NO_OUTCOME=NO_OUTCOME)))
    if not why.strip():
        raise InputError(Problem("--why", where, msg("a correction without a reason"),
                                 msg("say why the recorded outcome was wrong (kept in the audit "
                                     "trail): --why \"...\"")))
    conn = db.open_campaign(folder)
    try:
        with db.transaction(conn):
            old = db.recorded_outcome(conn, resident_id, day)
            if old is None:
                raise InputError(Problem(str(folder / db.DB_NAME), where,
                                         msg("no outcome is recorded for this resident on this "
                                             "day, so there is nothing to correct"),
                                         msg("check the resident's code and the date, or record "
                                             "the visit with an outcomes sheet")))
            later = [d for (r, d) in db.recorded_outcomes(conn)
                     if r == resident_id and d > day.isoformat()]
            if outcome in FINAL_OUTCOMES and later:
                raise InputError(Problem("--outcome", where, msg("visits are recorded after "
                                                                 "{day} ({listing}), so the "
                                             "resident cannot be '{outcome}' on {day}",
                                                                 day=day,
                                                                 listing=', '.join(sorted(later)),
                                                                 outcome=outcome),
                                         msg("correct those later visits first")))
            db.backup(conn)
            db.correct_outcome(conn, resident_id, day,
                               None if outcome == NO_OUTCOME else outcome, why.strip(), None,
                               by=by or "?", why=why.strip(), now=now)
    finally:
        conn.close()
    return old, db.outcome_subject(resident_id, day)


def audit(folder: Path) -> list[db.AuditRow]:
    """The campaign's audit trail, oldest first (``db.audit_trail``)."""
    conn = db.open_campaign(folder)
    try:
        return db.audit_trail(conn)
    finally:
        conn.close()


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
                   overwrite: bool, redact: bool = False, lang: str = "vi",
                   ) -> tuple[list[Path], int]:
    """Write the outcomes sheet (CSV and .xlsx): blank, or with ``folder`` and
    ``day`` prefilled with every resident planned that day, whatever the mode
    (home visit, shuttle, collection point), from the campaign's last plan.
    Prefilled rows carry the resident's name (initials with ``redact``), the
    village and the planned arrival. Headers, the outcomes' drop-down and the
    help sheet are in ``lang`` (an import reads either language). Returns the
    paths and the number of prefilled rows."""
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
        raise InputError(Problem(str(existing[0]), "", msg("exists already"),
                                 msg("add --overwrite to replace it, or give another --out")))
    write_atomic(paths[0], "\ufeff" + template_csv(rows, lang))
    write_atomic(paths[1], template_xlsx(rows, lang))
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
