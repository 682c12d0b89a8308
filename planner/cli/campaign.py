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
    from planner.campaign.province import is_province
    from planner.campaign.report import calendar_text
    from planner.campaign.run import run_campaign
    from planner.cli.render import Progress, render_days
    from planner.render.i18n import ngettext_for

    out_dir = out_dir or Path("out") / "campaign"
    prepare_out_dir(out_dir, overwrite)
    progress = Progress(lang)
    _ = progress._
    if is_province(scenario):
        province_campaign(scenario, out_dir, start, deadline, time_limit, seed, scheduler,
                          workers, quiet, lang, redact, draw or "first", progress)
        click.echo(_("done in {seconds:.1f} s").format(seconds=progress.elapsed_s()))
        return

    def warn(text: str) -> None:
        click.echo(_("warning: {message}").format(message=text), err=True)

    run = run_campaign(scenario, out_dir, start.date() if start else None,
                       deadline.date() if deadline else None, time_limit, seed, warn,
                       progress.say)
    for w in run.warnings:
        warn(str(w))
    drawn = _drawn(run.result.days, draw or "all")
    render_days(drawn, out_dir, lang=lang, redact=redact, progress=progress, warn=warn,
                table=run.speed_table)
    click.echo(calendar_text(run.result, run.scenario, lang))
    click.echo("")
    n = len(run.result.days)
    ngettext = ngettext_for(lang)
    if len(drawn) == n:
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
            n).format(out=out_dir, n=n, drawn=len(drawn)))
    click.echo(_("done in {seconds:.1f} s").format(seconds=progress.elapsed_s()))


def _drawn(days: list, draw: str) -> list:
    """The campaign days whose map, itineraries, notices and GPX are drawn."""
    return {"all": days, "first": days[:1], "none": []}[draw]


def province_campaign(path: Path, out_dir: Path, start, deadline, time_limit: float,
                      seed: int | None, scheduler: str | None, workers: int | None,
                      quiet: bool, lang: str, redact: bool, draw: str, lines) -> None:
    """The province form of ``campaign``: one Dask task per commune, then each
    commune's drawn days (``draw``), then the summary."""
    from planner.campaign.report import province_campaign_text
    from planner.campaign.run import run_province_campaign
    from planner.cli.render import render_days
    from planner.render.i18n import fiction_banner, gettext_for, ngettext_for

    _ = gettext_for(lang)
    ngettext = ngettext_for(lang)
    bar = None

    def warn(text: str) -> None:
        click.echo(_("warning: {message}").format(message=text), err=True)

    def begin(total: int, province) -> None:
        nonlocal bar
        click.echo(ngettext("{n} commune", "{n} communes", total).format(n=total) + " "
                   + ngettext("in {n} district", "in {n} districts", len(province.districts))
                   .format(n=len(province.districts)) + " "
                   + _("on {where}").format(where=scheduler or _("local Dask workers")),
                   err=True)
        if not quiet:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="commune", file=click.get_text_stream("stderr"))

    def progress(_done: int) -> None:
        if bar is not None:
            bar.update(1)

    try:
        run = run_province_campaign(path, out_dir, start.date() if start else None,
                                    deadline.date() if deadline else None, time_limit, seed,
                                    scheduler, workers, begin, progress, warn)
    finally:
        if bar is not None:
            bar.close()
    for w in run.warnings:
        warn(str(w))
    graphs: dict[str, object] = {}  # one load per district graph, as for the planning
    drawn = 0
    for c in run.province.communes:
        days = _drawn(run.results[c.id].days, draw)
        if days and not quiet:
            lines.say("Drawing the outputs of commune {commune}…", commune=c.id)
        render_days(days, out_dir / c.id, lang=lang, redact=redact, warn=warn, graphs=graphs)
        drawn += len(days)
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
                        "{out}/COMMUNE/days/DATE/", drawn).format(out=out_dir, n=drawn))
