"""``plan.py tomorrow``: re-plan a campaign from its recorded state."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.options import DATE, lang_opt, redact_opt, seed_opt


@click.command()
@click.argument("campaign_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--date", "date", type=DATE, default=None,
              help="The day to plan, YYYY-MM-DD (default: the working day after the last "
                   "recorded outcomes).")
@click.option("--time-limit", type=click.FloatRange(0.1, 600), default=1.0,
              show_default=True, help="Solver time limit per day, in seconds.")
@seed_opt
@lang_opt
@redact_opt
def tomorrow(campaign_dir: Path, date, time_limit: float, seed: int | None, lang: str,
             redact: bool) -> None:
    """Plan the next day of the campaign in CAMPAIGN_DIR from what happened.

    Every resident counts, whatever the mode (home visit, shuttle, collection
    point). The enrolled drop out; not_home and retry_needed come back from their next
    availability, up to the scenario's campaign.max_attempts, then are listed
    for a different approach (as are those who refused); moved and deceased
    are closed; planned households with no outcome carry over; households
    added to the scenario since join in. The rest of the campaign is re-planned
    too, so campaign.json holds the new forecast; collection points already
    announced keep their date.

    \b
    Example:
      python plan.py tomorrow out/campaign --date 2026-11-25
    """
    from planner.campaign.report import tomorrow_text
    from planner.campaign.run import run_tomorrow
    from planner.cli.render import Progress, remove_stale_outputs, render_days

    progress = Progress(lang)
    _ = progress._

    def warn(text: str) -> None:
        click.echo(_("warning: {message}").format(message=text), err=True)

    run = run_tomorrow(campaign_dir, date.date() if date else None, time_limit, seed, warn,
                       progress.say)
    for w in run.warnings:
        warn(str(w))
    render_days(run.result.days, campaign_dir, lang=lang, redact=redact,
                progress=progress, warn=warn, table=run.speed_table)
    if run.day is not None:
        remove_stale_outputs(campaign_dir, run.day)
    click.echo(tomorrow_text(run, lang))
    click.echo("")
    if run.first_day is not None:
        click.echo(_("wrote {folder}/days/{date}/ and {folder}/campaign.json").format(
            folder=campaign_dir, date=run.first_day.date))
    click.echo(_("done in {seconds:.1f} s").format(seconds=progress.elapsed_s()))
