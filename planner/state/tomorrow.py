"""Re-plan a campaign from its recorded state (``plan.py tomorrow``): who is
pending on the day (``planner.campaign.replan``), the presence model fitted to
the outcomes, the collection points already announced, then the rest of the
campaign planned again and stored. ``now`` (UTC) is the time stored as the
plan's; the day to plan comes from the caller or from the recorded outcomes,
never from the clock."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

from planner.campaign.calendar import Calendar
from planner.campaign.loop import CampaignOptions, plan_campaign
from planner.campaign.replan import other_approaches, pending_on, presence_model
from planner.campaign.report import announced_points, remove_stale_days, write_campaign
from planner.campaign.workspace import build_workspace, campaign_sites
from planner.render.i18n import N_
from planner.roads.io import load_graph
from planner.state import db
from planner.state.store import (
    CampaignRun,
    ProgressFn,
    campaign_scenario,
    day_reporter,
    planned_visit_rows,
    silent,
)


def default_next_day(conn: sqlite3.Connection, calendar: Calendar, start: dt.date) -> dt.date:
    """The working day after the last day with recorded outcomes (else the start)."""
    last = db.last_outcome_date(conn)
    if last is None:
        return start
    return next(calendar.working_days(last + dt.timedelta(days=1), limit=1),
                last + dt.timedelta(days=1))


def run_tomorrow(folder: Path, day: dt.date | None = None, time_limit_s: float = 1.0,
                 seed: int | None = None,
                 warn: Callable[[str], None] | None = None,
                 progress: ProgressFn = silent, *, now: dt.datetime, lang: str = "vi",
                 redact: bool = False) -> CampaignRun:
    """Re-plan the campaign of ``folder`` from ``day`` on (default: the working
    day after the last recorded outcomes), from its recorded state.

    Writes ``days/DAY/plan.json`` (and the later days' plans) and refreshes
    ``campaign.json``; stores the new planned visits from ``day`` on as a
    planning run made at ``now`` (UTC). Households added to the scenario since
    join the state as added on ``day``. ``progress`` is told each stage
    (reading, roads, matrices, each day planned).
    """
    progress(N_("Reading the campaign state and its scenario…"))
    conn = db.open_campaign(folder)
    try:
        info = db.meta(conn)
        scenario, warnings, table = campaign_scenario(folder, info)
        calendar = Calendar.of(scenario)
        start = dt.date.fromisoformat(info["start"])
        deadline = dt.date.fromisoformat(info["deadline"]) if info.get("deadline") else None
        if scenario.campaign and scenario.campaign.deadline:
            deadline = scenario.campaign.deadline
        day = day or default_next_day(conn, calendar, start)
        with db.transaction(conn):
            joined = db.sync_households(conn, scenario, day)
        history = db.outcomes(conn)
        planned = db.planned_visits(conn, before=day)
        st = pending_on(scenario, history, planned, day)
        progress(N_("Reading the road network…"))
        G = load_graph(scenario.roads, table=table)
        progress(N_("Computing travel times between {n} places…"),
                 n=len(campaign_sites(scenario)))
        ws = build_workspace(scenario, G, table)
        model = presence_model(scenario, db.presence_rows(conn))
        options = CampaignOptions(time_limit_s=time_limit_s,
                                  seed=scenario.parameters.seed if seed is None else seed,
                                  on_day=day_reporter(progress, calendar, day, deadline,
                                                      time_limit_s),
                                  presence=model)
        proposals = other_approaches(model, scenario, st.follow_up)
        announced = announced_points(folder, day)
        result = plan_campaign(ws, list(st.pending), day, deadline, calendar, options,
                               announced=announced)
        opened = {(d.date, s["village"]) for d in result.days for s in d.point_sessions}
        not_kept = [{"date": when.isoformat(), "village": village,
                     "households": sorted(hids)}
                    for when, villages in sorted(announced.items())
                    for village, hids in sorted(villages.items())
                    if (when, village) not in opened]
        extra = {"state": {
            "planned_from": day.isoformat(),
            "enrolled_residents": len(st.enrolled),
            "joined": joined,
            "announced_points_not_kept": not_kept,
            "carried_over": list(st.carried),
            "coming_back": [{"household": p.household.id,
                             "residents": [r.id for r in p.household.residents],
                             "earliest": p.earliest.isoformat(), "attempts": p.attempts}
                            for p in st.pending if p.earliest is not None],
            "different_approach": [{"resident": f.resident_id, "household": f.household_id,
                                    "reason": f.reason,
                                    "proposed": proposals.get(f.household_id, [])}
                                   for f in st.follow_up if f.kind == "different_approach"],
            "closed": [{"resident": f.resident_id, "household": f.household_id,
                        "reason": f.reason} for f in st.follow_up if f.kind == "closed"],
        }}
        written = write_campaign(folder, result, scenario, extra, warn=warn, lang=lang,
                                 redact=redact)
        remove_stale_days(folder, day, (d.date for d in result.days))
        with db.transaction(conn):
            db.record_plan(conn, "tomorrow", day, planned_visit_rows(result), now=now)
    finally:
        conn.close()
    return CampaignRun(scenario, result, written, warnings, st, joined, day, not_kept,
                       proposals, speed_table=table)
