"""``plan.py edit``: change a campaign day's plan by hand, checked first."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.helptext import HelpGroup
from planner.cli.options import DATE, CampaignDir, day_of, lang_opt, redact_opt


def _keep_options(command):
    """The options every edit takes: keep it, force it, who, documents."""
    for option in reversed((
            click.option("--confirm", is_flag=True, default=False,
                         help="Keep the edit when the day still holds (else it is only "
                              "shown)."),
            click.option("--force", "force", default="", metavar="WHY",
                         help="With --confirm: keep the edit although the check refuses it "
                              "(the reason is stored with the decisions)."),
            click.option("--by", "by", default="", help="Who makes the edit (default: the "
                                                       "computer's user)."),
            lang_opt, redact_opt)):
        command = option(command)
    return command


def _run(ctx: click.Context, change, confirm: bool, force: str, by: str, lang: str,
         redact: bool, to_date=None) -> None:
    """Build the request, run the job, print the verdict; exit 2 when a
    confirmed edit is refused."""
    # imported here: the planning stack is heavy and --help must stay instant
    from planner.app import InputError, Problem
    from planner.app.edit import EditRequest, apply_edit, edit_text, refusal

    folder, date = ctx.obj["folder"], ctx.obj["date"]
    request = EditRequest(folder, date, change, to_date=day_of(to_date), confirm=confirm,
                          force=force, by=by, lang=lang, redact=redact)
    result = apply_edit(request)
    click.echo(edit_text(request, result, lang))
    if confirm and not result.kept:
        what, fix = refusal(result, lang)
        raise InputError(Problem(str(folder), date.isoformat(), what, fix))


def _help(ctx: click.Context, _param, value: bool) -> None:
    """``--help``: the help of the action it follows (``edit F --date D move
    --help``), else of ``edit`` (the group reads options anywhere, so that
    ``FOLDER --date D`` may come before the action)."""
    if not value or ctx.resilient_parsing:
        return
    group = ctx.command
    assert isinstance(group, click.Group)
    args = ctx.meta.get("planner.args", [])
    name = next((a for a in args if a in group.commands), None)
    if name is not None:
        command = group.commands[name]
        click.echo(command.get_help(click.Context(command, info_name=name, parent=ctx)))
    else:
        click.echo(ctx.get_help())
    ctx.exit()


@click.group(cls=HelpGroup,
             context_settings={"allow_interspersed_args": True, "ignore_unknown_options": True},
             add_help_option=False)
@click.option("-h", "--help", is_flag=True, expose_value=False, is_eager=True, callback=_help,
              help="Show this message and exit.")
@click.argument("campaign_dir", type=CampaignDir())
@click.option("--date", "date", type=DATE, required=True,
              help="The planned day to change, YYYY-MM-DD.")
@click.pass_context
def edit(ctx: click.Context, campaign_dir: Path, date) -> None:
    """Change the plan of one day of the campaign in CAMPAIGN_DIR by hand.

    The change is made, each changed route re-timed, and the whole day
    checked at once (hours at home, shift, lunch, sunset, priorities,
    duties): the verdict, what it costs per team (km, minutes, return time,
    before and after) and, when a route no longer fits, which visits would
    have to go. Collection points and shuttle times stay as planned. Nothing
    is kept without --confirm; a confirmed edit the check refuses exits 2
    (--force WHY keeps it anyway). A kept edit rewrites the day's folder
    whole and is stored as decisions (a lock, an order, a must, a not-on),
    so `tomorrow` keeps it.

    \b
    Examples:
      python plan.py edit out/campaign --date 2026-11-24 move NK-0121 --to T3
      python plan.py edit out/campaign --date 2026-11-24 move NK-0121 --to T1 \\
          --to-date 2026-11-25 --confirm
      python plan.py edit out/campaign --date 2026-11-24 swap NK-0072 NK-0155
      python plan.py edit out/campaign --date 2026-11-24 reorder T1 NK-0121 NK-0155
      python plan.py edit out/campaign --date 2026-11-24 add NK-0083 --team T3
      python plan.py edit out/campaign --date 2026-11-24 remove NK-0106 --why "ốm"
    """
    ctx.obj = {"folder": campaign_dir, "date": day_of(date)}


@edit.command()
@click.argument("household")
@click.option("--to", "team", required=True, help="The team that makes the visit.")
@click.option("--to-date", "to_date", type=DATE, default=None,
              help="Move the visit to this planned day instead, YYYY-MM-DD.")
@click.option("--at", "position", type=click.IntRange(1), default=None,
              help="Its place in the team's route (1 = first stop; default: where it costs "
                   "the least time).")
@_keep_options
@click.pass_context
def move(ctx, household: str, team: str, to_date, position: int | None, confirm: bool,
         force: str, by: str, lang: str, redact: bool) -> None:
    """Move the home visit of HOUSEHOLD to another team (or day)."""
    from planner.app.edit import Move  # imported here: --help stays instant

    _run(ctx, Move(household, team, position), confirm, force, by, lang, redact, to_date)


@edit.command()
@click.argument("first")
@click.argument("second")
@_keep_options
@click.pass_context
def swap(ctx, first: str, second: str, confirm: bool, force: str, by: str, lang: str,
         redact: bool) -> None:
    """Swap the places of the home visits of FIRST and SECOND."""
    from planner.app.edit import Swap  # imported here: --help stays instant

    _run(ctx, Swap(first, second), confirm, force, by, lang, redact)


@edit.command()
@click.argument("team")
@click.argument("households", nargs=-1, required=True)
@_keep_options
@click.pass_context
def reorder(ctx, team: str, households: tuple[str, ...], confirm: bool, force: str, by: str,
            lang: str, redact: bool) -> None:
    """Visit HOUSEHOLDS of TEAM in this order (in the places they hold now)."""
    from planner.app.edit import Reorder  # imported here: --help stays instant

    _run(ctx, Reorder(team, households), confirm, force, by, lang, redact)


@edit.command()
@click.argument("household")
@click.option("--team", "team", required=True, help="The team that makes the visit.")
@click.option("--at", "position", type=click.IntRange(1), default=None,
              help="Its place in the team's route (1 = first stop; default: where it costs "
                   "the least time).")
@_keep_options
@click.pass_context
def add(ctx, household: str, team: str, position: int | None, confirm: bool, force: str,
        by: str, lang: str, redact: bool) -> None:
    """Add a home visit of HOUSEHOLD (not visited that day) to TEAM's route."""
    from planner.app.edit import Add  # imported here: --help stays instant

    _run(ctx, Add(household, team, position), confirm, force, by, lang, redact)


@edit.command()
@click.argument("household")
@click.option("--why", "why", required=True, help="Why the visit is taken off the day.")
@_keep_options
@click.pass_context
def remove(ctx, household: str, why: str, confirm: bool, force: str, by: str, lang: str,
           redact: bool) -> None:
    """Take the home visit of HOUSEHOLD off the day."""
    from planner.app.edit import Remove  # imported here: --help stays instant

    _run(ctx, Remove(household, why), confirm, force, by, lang, redact)
