"""``plan.py campaign``: plan a whole campaign, day by day, to the deadline."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.helptext import HelpCommand
from planner.cli.options import (
    DATE,
    FiniteRange,
    day_of,
    lang_opt,
    out_opt,
    overwrite_opt,
    progress_for,
    redact_opt,
    scenario_arg,
    seed_opt,
    warner,
)

day_opt = click.option("--start", "start", type=DATE,
                       default=None, help="First day of the campaign, YYYY-MM-DD (default: "
                                          "campaign.start, else the scenario's date).")
deadline_opt = click.option("--deadline", "deadline",
                            type=DATE, default=None,
                            help="Last day by which everyone should be served, YYYY-MM-DD "
                                 "(default: campaign.deadline in the scenario).")
day_limit_opt = click.option("--time-limit", type=FiniteRange(0.1, 600), default=1.0,
                             show_default=True, help="Solver time limit per day, in seconds.")


@click.command(cls=HelpCommand)
@scenario_arg
@day_opt
@deadline_opt
@out_opt
@day_limit_opt
@seed_opt
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="With a province: a running Dask scheduler (default: local worker "
                   "processes).")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="With a province: local worker processes (default: the number of cores).")
@click.option("--quiet", is_flag=True, help="With a province: no progress bar.")
@click.option("--draw", type=click.Choice(["all", "first", "none"]), default=None,
              help="Which days get their map, itineraries, notices and GPX (default: all "
                   "for one commune; first for a province, whose later days come from "
                   "`tomorrow` each evening).")
@overwrite_opt
@lang_opt
@redact_opt
def campaign(scenario: Path, start, deadline, out_dir: Path | None, time_limit: float,
             seed: int | None, scheduler: str | None, workers: int | None, quiet: bool,
             draw: str | None, overwrite: bool, lang: str, redact: bool) -> None:
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

    SCENARIO may be a province (a province.yaml, a folder holding one, or a
    folder of commune folders; see docs/province.md): each commune's campaign
    is then one task on Dask (local worker processes, or --scheduler), planned
    with the fast in-process engine; OUT/COMMUNE/ gets campaign.json,
    days/DATE/plan.json and campaign.db, and OUT/province.csv one row per
    commune (days used, officer-days, unserved). Prints that summary. Each
    commune's first day also gets its map, itineraries, notices and GPX (what
    its teams work from; `tomorrow` in OUT/COMMUNE/ draws the next day each
    evening); --draw all draws every day, --draw none none.

    \b
    Examples:
      python plan.py campaign scenarios/demo/scenario.yaml --deadline 2026-12-11 \\
          --out out/campaign
      python plan.py campaign out/province --out out/province-campaign
    """
    # imported here: the planning stack is heavy and --help must stay instant
    from planner.app.campaign import CampaignRequest, plan_campaign
    from planner.app.province import is_province
    from planner.app.text import calendar_text, ngettext_for

    out_dir = out_dir or Path("out") / "campaign"
    progress = progress_for(lang)
    _ = progress._
    warn = warner(_)
    request = CampaignRequest(scenario, out_dir, day_of(start), day_of(deadline), time_limit,
                              seed, draw or "all", lang, redact, overwrite)
    if is_province(scenario):
        request = CampaignRequest(scenario, out_dir, day_of(start), day_of(deadline),
                                  time_limit, seed, draw or "first", lang, redact, overwrite)
        province_campaign(request, scheduler, workers, quiet, progress)
        click.echo(_("done in {seconds:.1f} s").format(
            seconds=progress.number(progress.elapsed_s())))
        return
    run = plan_campaign(request, progress, warn)
    for w in run.warnings:
        warn(w)
    click.echo(calendar_text(run.result, run.scenario, lang))
    click.echo("")
    n = len(run.result.days)
    ngettext = ngettext_for(lang)
    if run.drawn == n:
        click.echo(ngettext(
            "wrote {out}/campaign.json, {n} day (plan.json, map, itineraries, notices, GPX) in "
            "{out}/days/, state {out}/campaign.db",
            "wrote {out}/campaign.json, {n} days (plan.json, map, itineraries, notices, GPX) "
            "in {out}/days/, state {out}/campaign.db", n).format(out=out_dir, n=n))
    else:
        click.echo(ngettext(
            "wrote {out}/campaign.json, {n} day (plan.json) in {out}/days/, of which {drawn} "
            "with map, itineraries, notices and GPX, state {out}/campaign.db",
            "wrote {out}/campaign.json, {n} days (plan.json) in {out}/days/, of which "
            "{drawn} with map, itineraries, notices and GPX, state {out}/campaign.db",
            n).format(out=out_dir, n=n, drawn=run.drawn))
    click.echo(_("done in {seconds:.1f} s").format(
            seconds=progress.number(progress.elapsed_s())))


def province_campaign(request, scheduler: str | None, workers: int | None, quiet: bool,
                      progress) -> None:
    """The province form of ``campaign``: one Dask task per commune, then each
    commune's drawn days, then the summary."""
    # imported here: Dask and the planning stack are heavy and --help must stay instant
    from planner.app.province import plan_province_campaign
    from planner.app.text import fiction_banner, ngettext_for, province_campaign_text

    lang, out_dir = request.lang, request.out_dir
    _ = progress._
    ngettext = ngettext_for(lang)
    warn = warner(_)
    bar = None

    def begin(total: int, province) -> None:
        nonlocal bar
        click.echo(ngettext("{n} commune", "{n} communes", total).format(n=total) + " "
                   + ngettext("in {n} road area", "in {n} road areas", len(province.areas))
                   .format(n=len(province.areas)) + " "
                   + _("on {where}").format(where=scheduler or _("local Dask workers")),
                   err=True)
        if not quiet:
            # imported here: the progress bar loads only for a run that shows one
            from tqdm import tqdm

            bar = tqdm(total=total, unit="commune", file=click.get_text_stream("stderr"))

    def done(_n: int) -> None:
        if bar is not None:
            bar.update(1)

    try:
        run = plan_province_campaign(request, progress if not quiet else None, warn,
                                     scheduler, workers, begin, done)
    finally:
        if bar is not None:
            bar.close()
    for w in run.warnings:
        warn(w)
    if run.province.fictional:
        click.echo(fiction_banner("unknown", _))
    click.echo(_("Province {name}:").format(name=run.province.name))
    click.echo(province_campaign_text(run.rows, lang))
    click.echo("")
    click.echo(ngettext("wrote {out}/province.csv and the campaign of {n} commune in "
                        "{out}/COMMUNE/ (campaign.json, days/DATE/plan.json, campaign.db)",
                        "wrote {out}/province.csv and the campaigns of {n} communes in "
                        "{out}/COMMUNE/ (campaign.json, days/DATE/plan.json, campaign.db)",
                        len(run.rows)).format(out=out_dir, n=len(run.rows)))
    click.echo(ngettext("map, itineraries, notices and GPX of {n} day in "
                        "{out}/COMMUNE/days/DATE/",
                        "map, itineraries, notices and GPX of {n} days in "
                        "{out}/COMMUNE/days/DATE/", run.drawn).format(out=out_dir, n=run.drawn))
