"""``plan.py tomorrow``: re-plan a campaign from its recorded state."""

from __future__ import annotations

import time
from pathlib import Path

import click

from planner.cli.options import lang_opt, redact_opt, seed_opt


@click.command()
@click.argument("campaign_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--date", "date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
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

    The enrolled drop out; not_home and retry_needed come back from their next
    availability, up to the scenario's campaign.max_attempts, then are listed
    for a different approach (as are those who refused); moved and deceased
    are closed; planned households with no outcome carry over; households
    added to the scenario since join in. The rest of the campaign is re-planned
    too, so campaign.json holds the new forecast.

    \b
    Example:
      python plan.py tomorrow out/campaign --date 2026-11-25
    """
    from planner.campaign.report import calendar_text
    from planner.campaign.run import run_tomorrow
    from planner.planfile import summary_text

    started = time.perf_counter()
    run = run_tomorrow(campaign_dir, date.date() if date else None, time_limit, seed)
    for w in run.warnings:
        click.echo(f"warning: {w}", err=True)
    from planner.cli.render import Progress, remove_stale_outputs, render_days

    render_days(run.result.days, campaign_dir, lang=lang, redact=redact,
                progress=Progress(lang), warn=lambda m: click.echo(f"warning: {m}", err=True))
    if run.day is not None:
        remove_stale_outputs(campaign_dir, run.day)
    st = run.state
    assert st is not None and run.day is not None
    first = run.first_day
    if first is None:
        click.echo(f"Nothing left to plan from {run.day}.")
    else:
        if first.date != run.day:
            click.echo(f"{run.day} is not a working day (or nobody is due); the next "
                       f"planned day is {first.date}.")
        click.echo(summary_text(first.plan, first.scenario, lang=lang))
    click.echo("")
    click.echo(f"State on {run.day}: {len(st.enrolled)} residents enrolled; "
               f"{len(st.pending)} households pending")
    coming = [p for p in st.pending if p.earliest is not None]
    if coming:
        click.echo("Coming back (not at home / retry needed):")
        for p in coming:
            click.echo(f"  {p.household.id}: from {p.earliest}, attempt {p.attempts + 1}")
    if st.carried:
        click.echo(f"Carried over (planned, no outcome recorded): {', '.join(st.carried)}")
    if run.joined:
        click.echo(f"Joined (added to the scenario): {', '.join(run.joined)}")
    for kind, title in (("different_approach", "For a different approach"),
                        ("closed", "Closed")):
        items = [f for f in st.follow_up if f.kind == kind]
        if items:
            click.echo(f"{title}:")
            for f in items:
                click.echo(f"  {f.household_id} {f.resident_id}: {f.reason}")
    click.echo("")
    click.echo(calendar_text(run.result, run.scenario))
    click.echo("")
    if first is not None:
        click.echo(f"wrote {campaign_dir}/days/{first.date}/plan.json and "
                   f"{campaign_dir}/campaign.json")
    click.echo(f"done in {time.perf_counter() - started:.1f} s")
