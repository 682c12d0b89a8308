"""``plan.py campaign``: plan a whole campaign, day by day, to the deadline."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.options import (
    DATE,
    lang_opt,
    out_opt,
    overwrite_opt,
    prepare_out_dir,
    redact_opt,
    scenario_arg,
    seed_opt,
)

day_opt = click.option("--start", "start", type=DATE,
                       default=None, help="First day of the campaign, YYYY-MM-DD (default: "
                                          "campaign.start, else the scenario's date).")
deadline_opt = click.option("--deadline", "deadline",
                            type=DATE, default=None,
                            help="Last day by which everyone should be served, YYYY-MM-DD "
                                 "(default: campaign.deadline in the scenario).")
day_limit_opt = click.option("--time-limit", type=click.FloatRange(0.1, 600), default=1.0,
                             show_default=True, help="Solver time limit per day, in seconds.")


@click.command()
@scenario_arg
@day_opt
@deadline_opt
@out_opt
@day_limit_opt
@seed_opt
@overwrite_opt
@lang_opt
@redact_opt
def campaign(scenario: Path, start, deadline, out_dir: Path | None, time_limit: float,
             seed: int | None, overwrite: bool, lang: str, redact: bool) -> None:
    """Give every resident of SCENARIO a day and a team, to the deadline.

    Every mode: home visits, shuttles to the commune office, collection
    points (a village's point day is announced at least campaign.notice_days
    working days ahead, default 2; its notice and loudspeaker text are in
    OUT/days/DATE/notices.pdf). Working days, holidays and team days off come
    from the scenario's optional `campaign:` section (default Monday–Friday).
    Writes OUT/campaign.json (the date, team and way of every resident, the
    collection-point days, the daily workload, the forecast
    completion date, the lower bound on days and the gap to it),
    OUT/days/YYYY-MM-DD/ for each day (plan.json and, as `day` writes them,
    the map, itineraries, notices and GPX), and the campaign's state
    OUT/campaign.db for `record` and `tomorrow`. Prints a calendar.

    \b
    Example:
      python plan.py campaign scenarios/demo/scenario.yaml --deadline 2026-12-11 \\
          --out out/campaign
    """
    from planner.campaign.report import calendar_text
    from planner.campaign.run import run_campaign
    from planner.cli.render import Progress, render_days
    from planner.render.i18n import ngettext_for

    out_dir = out_dir or Path("out") / "campaign"
    prepare_out_dir(out_dir, overwrite)
    progress = Progress(lang)
    _ = progress._

    def warn(text: str) -> None:
        click.echo(_("warning: {message}").format(message=text), err=True)

    run = run_campaign(scenario, out_dir, start.date() if start else None,
                       deadline.date() if deadline else None, time_limit, seed, warn,
                       progress.say)
    for w in run.warnings:
        warn(str(w))
    render_days(run.result.days, out_dir, lang=lang, redact=redact, progress=progress,
                warn=warn)
    click.echo(calendar_text(run.result, run.scenario, lang))
    click.echo("")
    n = len(run.result.days)
    ngettext = ngettext_for(lang)
    click.echo(ngettext(
        "wrote {out}/campaign.json, {n} day (plan.json, map, itineraries, notices, GPX) in "
        "{out}/days/, state {out}/campaign.db",
        "wrote {out}/campaign.json, {n} days (plan.json, map, itineraries, notices, GPX) in "
        "{out}/days/, state {out}/campaign.db", n).format(out=out_dir, n=n))
    click.echo(_("done in {seconds:.1f} s").format(seconds=progress.elapsed_s()))
