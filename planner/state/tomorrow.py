"""Re-plan a campaign from its recorded state (``plan.py tomorrow``): who is
pending on the day (``planner.campaign.replan``), the presence model fitted to
the outcomes, the collection points already announced, then the rest of the
campaign planned again and stored. ``now`` (UTC) is the time stored as the
plan's; the day to plan comes from the caller or from the recorded outcomes,
never from the clock."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from planner.campaign.calendar import Calendar
from planner.campaign.corrections import (
    announced_households,
    announced_point_days,
    announced_shuttle_days,
    point_changes,
    point_slots,
    shuttle_changes,
    shuttle_slots,
    write_corrections,
)
from planner.campaign.daymemo import read_memo, write_memo
from planner.campaign.folders import (
    NEW,
    DrawMany,
    day_dir,
    recover,
    remove_stale_days,
    stage_dir,
    stage_many,
    swap,
)
from planner.campaign.loop import CampaignOptions, CampaignResult, plan_campaign
from planner.campaign.replan import other_approaches, pending_on, presence_model
from planner.campaign.report import write_campaign_json, write_day_plan
from planner.campaign.workspace import build_workspace, campaign_sites
from planner.domain import Scenario
from planner.errors import InputError, Problem, msg
from planner.render.i18n import N_
from planner.roads.io import load_graph
from planner.speeds import SpeedTable
from planner.state import db
from planner.state.store import (
    CampaignRun,
    ProgressFn,
    campaign_decisions,
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


def check_day(day: dt.date, start: dt.date, deadline: dt.date | None) -> None:
    """``InputError`` (exit 2) when ``day`` lies outside the campaign (from
    ``start`` to ``deadline``: the deadline, or the last day planned when work
    went on after it), naming its dates: planning a day before the start would
    plan days the campaign does not have and empty the real ones."""
    if day >= start and (deadline is None or day <= deadline):
        return
    span = msg("{start} to {deadline}", start=start, deadline=deadline) if deadline \
        else msg("from {start} on", start=start)
    raise InputError(Problem("--date", day.isoformat(),
                             msg("outside the campaign, which runs {span}", span=span),
                             msg("give a day {span}, or leave --date out (the working day after "
                                 "the last recorded outcomes)", span=span)))


def full_days(scenario: Scenario) -> int | None:
    """How many working days a re-plan plans fully: those whose collection
    points and shuttles are announced before the next evening's re-plan
    (``corrections.announce_by``: the first ``campaign.notice_days`` days'
    notices go out tonight, the next day's during the day planned), so
    ``notice_days + 1``; None (every day) when ``notice_days`` is 0 (every
    day's notice then counts as out from tonight's plan)."""
    notice = scenario.campaign.notice_days if scenario.campaign is not None else 2
    return notice + 1 if notice > 0 else None


def announced_days(folder: Path, day: dt.date) -> tuple[list, list]:
    """The collection points and the shuttles of the campaign in ``folder``
    announced when planning ``day`` (``planner.campaign.corrections``)."""
    return announced_point_days(folder, day), announced_shuttle_days(folder, day)


def _plan_ids(folders: list[Path]) -> dict[str, str]:
    """Plan id → day of the ``plan.json`` in each of ``folders`` that has one."""
    out: dict[str, str] = {}
    for folder in folders:
        try:
            data = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("id"):
            out[str(data["id"])] = folder.name.removeprefix(NEW)
    return out


def write_days(folder: Path, result: CampaignResult, day: dt.date, conn: sqlite3.Connection,
               draw: DrawMany | None, warn: Callable[[str], None] | None, *,
               now: dt.datetime, lang: str = "vi", redact: bool = False,
               kept: set[dt.date] | frozenset[dt.date] = frozenset(),
               drawn: set[dt.date] | None = None) -> list[Path]:
    """Each re-planned day's folder built aside then swapped in whole
    (``planner.campaign.folders``), the days no longer planned removed; the
    days in ``kept`` (planned as before: ``planner.campaign.daymemo``) keep
    their folders as they are; ``draw`` draws the re-planned days in
    ``drawn`` (None: all), the others get their plan and notices. The ids of
    the plans the folders held before and hold now are kept in the state
    first (an export from either imports). The plans' reasons and the notices
    in ``lang``, initials only with ``redact``. Returns the paths written."""
    written: list[Path] = []

    def write_plan(d, where: Path) -> list[Path]:
        return write_day_plan(folder, d, lang=lang, warn=warn, redact=redact, folder=where)

    changed = [d for d in result.days if d.date not in kept]
    some = draw if draw is None or drawn is None else \
        (lambda items: draw([(d, where) for d, where in items if d.date in drawn]))
    written += stage_many(folder, changed, write_plan, some)
    days = folder / "days"
    before = sorted(p for p in days.iterdir() if p.is_dir()) if days.is_dir() else []
    staged = [stage_dir(folder, d.date) for d in changed]
    with db.transaction(conn):
        db.remember_plans(conn, {**_plan_ids(before), **_plan_ids(staged)}, now=now)
    for d in changed:
        swap(folder, d.date)
    remove_stale_days(folder, day, (d.date for d in result.days))
    return written


def to_draw(folder: Path, result: CampaignResult, day: dt.date, draw: str,
            kept: set[dt.date]) -> set[dt.date]:
    """The days of ``result`` to draw (``run_tomorrow``'s ``draw``: all, first,
    none); a kept day among them whose folder was not drawn (no ``map.html``:
    a later day of the run before) leaves ``kept``, to be drawn now."""
    dates = {d.date for d in result.days}
    wanted = dates if draw == "all" else ({day} & dates if draw == "first" else set())
    kept -= {d for d in wanted & kept if not (day_dir(folder, d) / "map.html").is_file()}
    return wanted


def run_tomorrow(folder: Path, day: dt.date | None = None, time_limit_s: float = 1.0,
                 seed: int | None = None,
                 warn: Callable[[str], None] | None = None,
                 progress: ProgressFn = silent, *, now: dt.datetime,
                 drawer: Callable[[SpeedTable], DrawMany] | None = None, lang: str = "vi",
                 redact: bool = False, draw: str = "all", forecast: bool = False,
                 ) -> CampaignRun:
    """Re-plan the campaign of ``folder`` from ``day`` on (default: the working
    day after the last recorded outcomes), from its recorded state; ``day``
    outside the campaign's dates is refused (``check_day``).

    Writes each re-planned day's folder as a whole, ``plan.json``, its notices
    and what ``drawer(speed table)([(day, folder), ...])`` draws of the days
    ``draw`` asks for (all; first: ``day`` only, the others drawn when a
    later re-plan starts from them; none) (``write_days``: built aside, then
    swapped in; the campaign's speed table), then refreshes
    ``campaign.json`` and stores the new planned visits from ``day`` on as a
    planning run made at ``now`` (UTC). Households
    added to the scenario since join the state as added on ``day``.
    ``progress`` is told each stage (reading, roads, matrices, each day
    planned).

    The days whose notices go out before the next re-plan (``full_days``:
    the first ``campaign.notice_days`` + 1 working days) are planned fully; with
    ``forecast`` the later ones are a forecast at the cheaper "sweep"
    fidelity (``CampaignOptions.full_days``), planned fully when a later
    re-plan reaches them; without, every day is planned fully. A day whose
    inputs did not change keeps the last run's plan
    (``planner.campaign.daymemo``).

    Collection points already announced keep their date, place and hours,
    shuttles already announced their date and pickup time (within
    ``SHUTTLE_TOLERANCE_S``; ``planner.campaign.corrections``); those that
    cannot are in the run's ``not_kept`` / ``shuttles_not_kept`` and in a
    correction notice (``corrections-DAY.txt``, in ``lang``, initials with
    ``redact``) written first among the files.
    """
    progress(N_("Reading the campaign state and its scenario…"))
    recover(folder)  # a run killed half-way: each day folder wholly old or new
    conn = db.open_campaign(folder)
    try:
        info = db.meta(conn)
        scenario, warnings, table = campaign_scenario(folder, info)
        calendar = Calendar.of(scenario)
        start = dt.date.fromisoformat(info["start"])
        deadline = dt.date.fromisoformat(info["deadline"]) if info.get("deadline") else None
        if scenario.campaign and scenario.campaign.deadline:
            deadline = scenario.campaign.deadline
        if day is not None:
            last = max((d for d, _h, _t in db.planned_visits(conn)), default=None)
            check_day(day, start, max(deadline, last) if deadline and last else deadline)
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
        points, shuttles = announced_days(folder, day)  # their notice is out: committed
        memo = read_memo(folder)
        decisions = campaign_decisions(scenario, conn)
        options = CampaignOptions(time_limit_s=time_limit_s, memo=memo,
                                  full_days=full_days(scenario) if forecast else None,
                                  seed=scenario.parameters.seed if seed is None else seed,
                                  on_day=day_reporter(progress, calendar, day, deadline,
                                                      time_limit_s),
                                  presence=model, point_slots=point_slots(points),
                                  shuttle_slots=shuttle_slots(shuttles),
                                  decisions=decisions)
        proposals = other_approaches(model, scenario, st.follow_up)
        # the whole re-plan's inputs but the announcements (``DayMemo.whole_run``)
        run_key = memo.run_key(ws, [scenario, day, deadline, st.pending, model, decisions,
                                    time_limit_s, options.seed, options.full_days, calendar])
        result = memo.whole_run(run_key, (points, shuttles)) or plan_campaign(
            ws, list(st.pending), day, deadline, calendar, options,
            announced=announced_households(points))
        not_kept = point_changes(points, result, scenario, decisions)
        shuttles_not_kept = shuttle_changes(shuttles, result, decisions, scenario)
        extra = {"state": {
            "planned_from": day.isoformat(),
            "enrolled_residents": len(st.enrolled),
            "joined": joined,
            "announced_points_not_kept": not_kept,
            "announced_shuttles_not_kept": shuttles_not_kept,
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
        kept = memo.kept(folder, list(result.days), (lang, redact))
        drawn = to_draw(folder, result, day, draw, kept)
        written = write_days(folder, result, day, conn, drawer(table) if drawer else None,
                             warn, now=now, lang=lang, redact=redact, kept=kept, drawn=drawn)
        written.append(write_campaign_json(folder, result, scenario, extra))
        notice = write_corrections(folder, day, not_kept + shuttles_not_kept, scenario, lang,
                                   redact)
        if notice is not None:
            written.insert(0, notice)
        with db.transaction(conn):
            db.record_plan(conn, "tomorrow", day, planned_visit_rows(result), now=now)
        memo.keep_run(run_key, announced_days(folder, day), result)
        write_memo(folder, memo, list(result.days), (lang, redact))
    finally:
        conn.close()
    return CampaignRun(scenario, result, written, warnings, st, joined, day, not_kept,
                       proposals, speed_table=table, shuttles_not_kept=shuttles_not_kept,
                       kept=tuple(sorted(kept)))

