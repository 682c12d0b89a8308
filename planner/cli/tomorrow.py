"""``plan.py tomorrow``: re-plan a campaign from its recorded state."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.helptext import HelpCommand
from planner.cli.options import (
    DATE,
    CampaignDir,
    FiniteRange,
    day_of,
    lang_opt,
    progress_for,
    redact_opt,
    seed_opt,
    warner,
)


@click.command(cls=HelpCommand)
@click.argument("campaign_dir", type=CampaignDir())
@click.option("--date", "date", type=DATE, default=None,
              help="The day to plan, YYYY-MM-DD, within the campaign (default: the "
                   "working day after the last recorded outcomes).")
@click.option("--time-limit", type=FiniteRange(0.1, 600), default=1.0,
              show_default=True, help="Solver time limit per day, in seconds.")
@click.option("--tracks", "tracks", multiple=True, type=click.Path(path_type=Path),
              help="The day's GPS tracks (a GPX file or a folder of them; repeat): their "
                   "speeds are learnt (as `roads learn`) before re-planning.")
@click.option("--tracks-season", default=None,
              help="The season the tracks were ridden in (default: the scenario's).")
@click.option("--draw", type=click.Choice(["first", "all", "none"]), default="first",
              show_default=True,
              help="Which re-planned days get their map, itineraries and GPX: the day "
                   "planned (the others get their plan and notices, and are drawn when "
                   "`tomorrow` plans from them), all, or none.")
@seed_opt
@lang_opt
@redact_opt
def tomorrow(campaign_dir: Path, date, time_limit: float, tracks: tuple[Path, ...],
             tracks_season: str | None, draw: str, seed: int | None, lang: str,
             redact: bool) -> None:
    """Plan the next day of the campaign in CAMPAIGN_DIR from what happened.

    Every resident counts, whatever the mode (home visit, shuttle, collection
    point). The enrolled drop out; not_home and retry_needed come back from their next
    availability, up to the scenario's campaign.max_attempts, then are listed
    for a different approach (as are those who refused); moved and deceased
    are closed; planned households with no outcome carry over; households
    added to the scenario since join in. The rest of the campaign is re-planned
    too, so campaign.json holds the new forecast. Collection points already
    announced (their notice day has passed) keep their date, place and hours;
    one that cannot is printed first, between lines of !!, with its old and
    new hours, and CAMPAIGN_DIR/corrections-DATE.txt is the correction notice
    naming the residents to tell. Each day's folder is built aside and swapped
    in whole, so a run cut short leaves every day wholly old or wholly new.
    A --date outside the campaign's dates is refused.

    \b
    Example:
      python plan.py tomorrow out/campaign --date 2026-11-25
      python plan.py tomorrow out/campaign --tracks tracks/2026-11-24/
    """
    # imported here: the planning stack is heavy and --help must stay instant
    from planner.app.campaign import TomorrowRequest, replan_tomorrow
    from planner.app.text import tomorrow_text

    progress = progress_for(lang)
    _ = progress._
    warn = warner(_)
    run = replan_tomorrow(TomorrowRequest(campaign_dir, day_of(date), time_limit, seed, lang,
                                          redact, tracks=tracks, tracks_season=tracks_season,
                                          draw=draw),
                          progress, warn)
    for w in run.warnings:
        warn(w)
    click.echo(tomorrow_text(run, lang))
    click.echo("")
    if run.first_day is not None:
        click.echo(_("wrote {folder}/days/{date}/ and {folder}/campaign.json").format(
            folder=campaign_dir, date=run.first_day.date))
    click.echo(_("done in {seconds:.1f} s").format(
            seconds=progress.number(progress.elapsed_s())))
