"""Plan a campaign and re-plan it each evening: the jobs behind ``plan.py
campaign`` and ``plan.py tomorrow`` (and the web workspace's same pages).

``plan_campaign(CampaignRequest)`` plans every day to the deadline, writes the
campaign and creates its state (``planner.state.store``), then draws the days
asked for; ``replan_tomorrow(TomorrowRequest)`` re-plans from the recorded
state (``planner.state.tomorrow``) and draws the day it plans. Both
return a ``CampaignRun``. The clock is read here, and only here, when the
request leaves ``now`` to the job. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from planner.app.learn import learn_campaign_tracks
from planner.app.outputs import check_out_dir, draw_days, render_days
from planner.app.progress import Progress
from planner.campaign.dayloop import DayPlan
from planner.campaign.daymemo import write_memo
from planner.campaign.folders import DrawMany
from planner.errors import N_
from planner.speeds import SpeedTable
from planner.state.store import CampaignRun, run_campaign
from planner.state.tomorrow import run_tomorrow

__all__ = ["CampaignRequest", "CampaignRun", "TomorrowRequest", "drawn_days", "plan_campaign",
           "replan_tomorrow"]

def drawn_days(days: list[DayPlan], draw: str) -> list[DayPlan]:
    """The campaign days whose map, itineraries, notices and GPX are drawn."""
    return {"all": days, "first": days[:1], "none": []}[draw]


def utc_now() -> dt.datetime:
    """The time now, UTC, to the second (when a job's request gives none)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class CampaignRequest:
    """Plan a whole campaign of ``scenario`` into ``out_dir``: ``start`` and
    ``deadline`` (default: the scenario's ``campaign:``), the solver's
    ``time_limit_s`` per day and ``seed`` (default: the scenario's), which
    days to draw (``draw``: all, first, none), the documents' ``lang`` and
    ``redact``, whether a non-empty ``out_dir`` may be overwritten, and the
    time the state is made at (``now``, UTC; default: the clock)."""

    scenario: Path
    out_dir: Path
    start: dt.date | None = None
    deadline: dt.date | None = None
    time_limit_s: float = 1.0
    seed: int | None = None
    draw: str = "all"
    lang: str = "vi"
    redact: bool = False
    overwrite: bool = False
    now: dt.datetime | None = None


def plan_campaign(request: CampaignRequest, progress: Progress | None = None,
                  warn: Callable[[str], None] | None = None) -> CampaignRun:
    """The ``campaign`` job for one commune: plan every day to the deadline,
    write the campaign and its state, draw the days ``request.draw`` asks for.
    ``run.drawn`` counts the days drawn; ``run.written`` lists every file."""
    progress = progress or Progress.silent(request.lang)
    check_out_dir(request.out_dir, request.overwrite)
    run = run_campaign(request.scenario, request.out_dir, request.start, request.deadline,
                       request.time_limit_s, request.seed, warn, progress.say,
                       now=request.now or utc_now(), lang=request.lang,
                       redact=request.redact)
    drawn = drawn_days(run.result.days, request.draw)
    run.written += render_days(drawn, request.out_dir, lang=request.lang,
                               redact=request.redact, progress=progress, warn=warn,
                               table=run.speed_table)
    run.drawn = len(drawn)
    if drawn and run.memo is not None:  # the drawn days' plan.json now carry their legs
        write_memo(request.out_dir, run.memo, list(run.result.days),
                   (request.lang, request.redact))
    return run


@dataclass(frozen=True)
class TomorrowRequest:
    """Re-plan the campaign in ``folder`` from ``day`` (default: the working
    day after the last recorded outcomes), with the solver's ``time_limit_s``
    per day and ``seed``; the re-planned days ``draw`` asks for (first: the
    day planned, the others get their plan and notices and are drawn when a
    re-plan starts from them; all; none) are drawn in ``lang`` (``redact``
    for shareable copies); ``now``: when (UTC; default: the clock)."""

    folder: Path
    day: dt.date | None = None
    time_limit_s: float = 1.0
    seed: int | None = None
    lang: str = "vi"
    redact: bool = False
    now: dt.datetime | None = None
    #: the day's GPS tracks (GPX files or folders), learnt before re-planning,
    #: ridden in ``tracks_season`` (default: the scenario's season)
    tracks: tuple[Path, ...] = ()
    tracks_season: str | None = None
    draw: str = "first"
    #: True: the days after those whose notices go out before the next
    #: re-plan are a forecast at the cheaper "sweep" fidelity
    #: (``state.tomorrow.full_days``); False (the default): every day planned
    #: fully. Measured (docs/benchmarks.md, "Merged communes, fourth pass"):
    #: 7-13 % less CPU, a forecast completion 4-5 working days later
    forecast: bool = False


def learn_day_tracks(request: TomorrowRequest, progress: Progress) -> None:
    """Learn the speeds of the campaign's road graph from ``request.tracks``
    into the layer beside the campaign's speed table (``app.learn``)."""
    done = learn_campaign_tracks(request.folder, request.tracks, request.tracks_season,
                                 request.now)
    progress.say(N_("Learnt speeds from {tracks} tracks ({edges} road edges ridden); "
                    "re-planning with them…"), tracks=len(done.tracks), edges=done.observed)


def replan_tomorrow(request: TomorrowRequest, progress: Progress | None = None,
                    warn: Callable[[str], None] | None = None) -> CampaignRun:
    """The ``tomorrow`` job: re-plan from what was done, draw the re-planned
    days ``request.draw`` asks for (in parallel processes:
    ``planner.app.outputs.draw_days``; a day of 10 teams takes seconds), each
    day's folder built aside and swapped in whole (removing the folders of
    days no longer planned), then write the campaign. A day whose inputs did
    not change keeps its plan and its folder (``run.kept``;
    ``planner.campaign.daymemo``)."""
    progress = progress or Progress.silent(request.lang)
    if request.tracks:
        learn_day_tracks(request, progress)

    def drawer(table: SpeedTable) -> DrawMany:
        def draw(items):
            return draw_days(items, lang=request.lang, redact=request.redact,
                             progress=progress, warn=warn, table=table)
        return draw

    run = run_tomorrow(request.folder, request.day, request.time_limit_s, request.seed, warn,
                       progress.say, now=request.now or utc_now(), drawer=drawer,
                       lang=request.lang, redact=request.redact, draw=request.draw,
                       forecast=request.forecast)
    run.drawn = len([d for d in run.result.days if d.date not in run.kept and (
        request.draw == "all" or (request.draw == "first" and d.date == run.day))])
    return run
