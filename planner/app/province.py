"""A province's campaigns: the job behind ``plan.py campaign PROVINCE``.

Every commune's campaign is one Dask task, each commune's state created
(``planner.state.store.run_province_campaign``); then each commune's days
asked for are drawn on its road area's graph, loaded once per area. Nothing
here prints.
"""

from __future__ import annotations

from collections.abc import Callable

from planner.app.campaign import CampaignRequest, drawn_days, utc_now
from planner.app.outputs import check_out_dir, render_days
from planner.app.progress import Progress
from planner.campaign.province import is_province as is_province  # re-exported for front ends
from planner.render.i18n import N_
from planner.state.store import ProvinceCampaignRun, run_province_campaign


def plan_province_campaign(request: CampaignRequest, progress: Progress | None = None,
                           warn: Callable[[str], None] | None = None,
                           scheduler: str | None = None, workers: int | None = None,
                           started: Callable[[int, object], None] | None = None,
                           done: Callable[[int], None] | None = None) -> ProvinceCampaignRun:
    """The ``campaign`` job for a province (``request.scenario`` is one):
    every commune's campaign on Dask (``scheduler`` or local ``workers``;
    ``started(total, province)`` then ``done(n)`` as communes come back), then
    the days ``request.draw`` asks for drawn in ``OUT/<commune>/days/``.
    ``run.drawn`` counts the days drawn."""
    progress = progress or Progress.silent(request.lang)
    check_out_dir(request.out_dir, request.overwrite)
    run = run_province_campaign(request.scenario, request.out_dir, request.start,
                                request.deadline, request.time_limit_s, request.seed,
                                scheduler, workers, started, done, warn,
                                now=request.now or utc_now(), lang=request.lang,
                                redact=request.redact)
    graphs: dict[str, object] = {}  # one load per road area's graph, as for the planning
    for c in run.province.communes:
        days = drawn_days(run.results[c.id].days, request.draw)
        if days:
            progress.say(N_("Drawing the outputs of commune {commune}…"), commune=c.id)
        run.written += render_days(days, request.out_dir / c.id, lang=request.lang,
                                   redact=request.redact, warn=warn, graphs=graphs)
        run.drawn += len(days)
    return run
