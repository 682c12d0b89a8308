"""``plan.py decide``: decisions a team leader makes, honoured by every later plan."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.helptext import HelpGroup
from planner.cli.options import DATE, CampaignDir, lang_opt

_WHO = (click.option("--by", default="", help="Who decides (default: the computer's user "
                                               "name); kept with the decision."),
        click.option("--why", default="", help="Why (free text, kept with the decision)."))


def _who(command):
    """Add ``--by``, ``--why`` and ``--lang`` to a decision command."""
    for option in reversed(_WHO + (lang_opt,)):
        command = option(command)
    return command


class _DecideGroup(HelpGroup):
    """``decide CAMPAIGN_DIR --export FILE`` as well as ``decide --export FILE
    CAMPAIGN_DIR``: the group's own options may follow the folder when no
    subcommand is given (a group stops reading its options at the folder)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and len(args) > 1 \
                and args[1] in ("--export", "--overwrite", "--lang"):
            args = args[1:] + args[:1]
        return super().parse_args(ctx, args)


@click.group(cls=_DecideGroup, invoke_without_command=True)
@click.argument("campaign_dir", type=CampaignDir())
@click.option("--export", "export_to", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Write the active decisions to this file (YAML), for a "
                                 "scenario's `decisions:` (plan.py day and campaign honour it).")
@click.option("--overwrite", is_flag=True, help="With --export: replace an existing file.")
@lang_opt
@click.pass_context
def decide(ctx: click.Context, campaign_dir: Path, export_to: Path | None, overwrite: bool,
           lang: str) -> None:
    """Record a decision about the campaign in CAMPAIGN_DIR; every later plan
    (tomorrow, day and campaign through a decisions file, staffing) honours
    it, or names it as not honoured and why.

    \b
    Examples:
      python plan.py decide out/campaign lock NK-0060 --team T2 --date 2026-11-26 \\
          --by "Lò Văn Thành" --why "con trai đưa bà xuống đường thứ Năm"
      python plan.py decide out/campaign must NK-0060 --date 2026-11-26
      python plan.py decide out/campaign not-before NK-0044 2026-12-01
      python plan.py decide out/campaign not-on NK-0044 2026-11-26 2026-11-27
      python plan.py decide out/campaign leave-out NK-0173 --reason moved_away
      python plan.py decide out/campaign team-absent T2 2026-11-25 --why "đám tang"
      python plan.py decide out/campaign team-members T1 2 --date 2026-11-26
      python plan.py decide out/campaign village-off TT 2026-11-24 --why "chợ phiên"
      python plan.py decide out/campaign order T1 --date 2026-11-26 NK-0106 NK-0159
      python plan.py decide out/campaign list
      python plan.py decide out/campaign retire 3 --why "đã về"
      python plan.py decide out/campaign --export decisions.yaml
    """
    ctx.obj = campaign_dir
    if ctx.invoked_subcommand is not None:
        return
    if export_to is None:
        click.echo(ctx.get_help())
        return
    # imported here: the job loads the state (not needed for --help)
    from planner.app.decisions import ExportRequest, export
    from planner.app.text import gettext_for

    path, n = export(ExportRequest(campaign_dir, export_to, overwrite))
    click.echo(gettext_for(lang)("wrote {path} ({n} decisions)").format(path=path, n=n))


def _keep(folder: Path, lang: str, **fields) -> None:
    """Check and store one decision, then say what was kept."""
    # imported here: the job loads the scenario and the state (not needed for --help)
    from planner.app.decisions import DecideRequest
    from planner.app.decisions import decide as store
    from planner.app.text import gettext_for, message_text, problem_text

    _ = gettext_for(lang)
    result = store(DecideRequest(folder, _decision(**fields)))
    d = result.decision
    click.echo(_("decision {id} kept: {what} (by {by}, {at})").format(
        id=d.id, what=message_text(d.describe(), _), by=d.by,
        at=d.at.isoformat() if d.at else ""))
    for w in result.warnings:
        click.echo(_("warning: {problem}").format(problem=problem_text(w, _)), err=True)
    click.echo(_("next: python plan.py tomorrow {folder}").format(folder=folder))


def _decision(**fields):
    """A Decision from the command's fields (dates as ``datetime`` from ``DATE``)."""
    # imported here: the model (not needed for --help)
    from planner.app.decisions import Decision

    fields["dates"] = tuple(d.date() for d in fields.get("dates", ()) if d is not None)
    return Decision(**fields)


@decide.command("lock")
@click.argument("household")
@click.option("--team", default=None, help="Only this team may visit the household.")
@click.option("--date", "dates", type=DATE, multiple=True,
              help="Only on this day (repeat for several); it must be visited then.")
@_who
@click.pass_obj
def lock(folder: Path, household: str, team: str | None, dates, by: str, why: str,
         lang: str) -> None:
    """Lock HOUSEHOLD to a team and/or to days."""
    _keep(folder, lang, kind="lock", household=household, team=team, dates=dates, by=by,
          why=why)


@decide.command("must")
@click.argument("household")
@click.option("--date", "dates", type=DATE, multiple=True, required=True,
              help="The day it must be visited (repeat for several).")
@_who
@click.pass_obj
def must(folder: Path, household: str, dates, by: str, why: str, lang: str) -> None:
    """HOUSEHOLD must be visited on --date."""
    _keep(folder, lang, kind="must", household=household, dates=dates, by=by, why=why)


@decide.command("not-before")
@click.argument("household")
@click.argument("day", type=DATE)
@_who
@click.pass_obj
def not_before(folder: Path, household: str, day, by: str, why: str, lang: str) -> None:
    """No visit to HOUSEHOLD before DAY."""
    _keep(folder, lang, kind="not_before", household=household, dates=(day,), by=by, why=why)


@decide.command("not-on")
@click.argument("household")
@click.argument("days", type=DATE, nargs=-1, required=True)
@_who
@click.pass_obj
def not_on(folder: Path, household: str, days, by: str, why: str, lang: str) -> None:
    """No visit to HOUSEHOLD on DAYS."""
    _keep(folder, lang, kind="not_on", household=household, dates=days, by=by, why=why)


@decide.command("leave-out")
@click.argument("household")
@click.option("--reason", required=True,
              type=click.Choice(["moved_away", "refuses", "enrolled_elsewhere", "other"]),
              help="Why it is left out.")
@_who
@click.pass_obj
def leave_out(folder: Path, household: str, reason: str, by: str, why: str,
              lang: str) -> None:
    """Leave HOUSEHOLD out of every later plan (counted apart)."""
    _keep(folder, lang, kind="leave_out", household=household, reason=reason, by=by, why=why)


@decide.command("team-absent")
@click.argument("team")
@click.argument("days", type=DATE, nargs=-1, required=True)
@_who
@click.pass_obj
def team_absent(folder: Path, team: str, days, by: str, why: str, lang: str) -> None:
    """TEAM does not work on DAYS."""
    _keep(folder, lang, kind="team_absent", team=team, dates=days, by=by, why=why)


@decide.command("team-members")
@click.argument("team")
@click.argument("members", type=click.IntRange(min=1))
@click.option("--date", "dates", type=DATE, multiple=True, required=True,
              help="The day (repeat for several).")
@_who
@click.pass_obj
def team_members(folder: Path, team: str, members: int, dates, by: str, why: str,
                 lang: str) -> None:
    """TEAM works with only MEMBERS officers on --date."""
    _keep(folder, lang, kind="team_members", team=team, members=members, dates=dates, by=by,
          why=why)


@decide.command("village-off")
@click.argument("village")
@click.argument("days", type=DATE, nargs=-1, required=True)
@_who
@click.pass_obj
def village_off(folder: Path, village: str, days, by: str, why: str, lang: str) -> None:
    """No visit and no collection point in VILLAGE on DAYS (market day, festival)."""
    _keep(folder, lang, kind="village_off", village=village, dates=days, by=by, why=why)


@decide.command("order")
@click.argument("team")
@click.argument("households", nargs=-1, required=True)
@click.option("--date", "day", type=DATE, required=True, help="The day.")
@_who
@click.pass_obj
def order(folder: Path, team: str, households: tuple[str, ...], day, by: str, why: str,
          lang: str) -> None:
    """TEAM visits HOUSEHOLDS in this order on --date."""
    _keep(folder, lang, kind="order", team=team, order=households, dates=(day,), by=by,
          why=why)


@decide.command("list")
@click.option("--all", "everything", is_flag=True, help="Retired decisions too.")
@lang_opt
@click.pass_obj
def list_(folder: Path, everything: bool, lang: str) -> None:
    """List the decisions (id, what, who, when, why)."""
    # imported here: the job loads the state (not needed for --help)
    from planner.app.decisions import list_decisions
    from planner.app.text import gettext_for, message_text

    _ = gettext_for(lang)
    items = list_decisions(folder, retired=everything)
    active = {d.id for d in list_decisions(folder)} if everything else None
    if not items:
        click.echo(_("no decisions"))
    for d in items:
        gone = "  (" + _("retired") + ")" if active is not None and d.id not in active else ""
        click.echo(f"{d.id:>3}  {message_text(d.describe(), _)}  ·  {d.by}, "
                   f"{d.at.isoformat() if d.at else ''}" + (f"  ·  {d.why}" if d.why else "")
                   + gone)


@decide.command("retire")
@click.argument("decision_id", type=click.IntRange(min=1))
@_who
@click.pass_obj
def retire(folder: Path, decision_id: int, by: str, why: str, lang: str) -> None:
    """Retire decision DECISION_ID (kept, inactive; the audit trail says who, when, why)."""
    # imported here: the job loads the state (not needed for --help)
    from planner.app.decisions import RetireRequest
    from planner.app.decisions import retire as drop
    from planner.app.text import gettext_for, message_text

    _ = gettext_for(lang)
    d = drop(RetireRequest(folder, decision_id, why, by))
    click.echo(_("decision {id} retired: {what}").format(id=d.id,
                                                         what=message_text(d.describe(), _)))
