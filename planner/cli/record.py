"""``plan.py record``: import a day's outcomes sheet into a campaign."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.helptext import HelpCommand
from planner.cli.options import DATE, CampaignDir, InputFile, day_of, lang_opt


@click.command(cls=HelpCommand)
@click.argument("campaign_dir", required=False, type=CampaignDir())
@click.argument("outcomes", required=False, type=InputFile())
@click.option("--template", is_flag=True,
              help="Write a blank outcomes sheet (CSV and .xlsx) instead of importing; "
                   "with CAMPAIGN_DIR and --date, prefilled with that day's planned residents.")
@click.option("--date", "date", type=DATE, default=None,
              help="With --template: the day whose planned residents prefill the sheet; "
                   "with --correct: the day of the visit to correct.")
@click.option("--out", "out_stem", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="With --template: file name without suffix "
                                 "(default: outcomes, or CAMPAIGN_DIR/outcomes-DATE).")
@click.option("--overwrite", is_flag=True, help="With --template: replace existing files.")
@click.option("--redact", is_flag=True,
              help="With --template: initials instead of the residents' names.")
@click.option("--today", "today", type=DATE, default=None,
              help="Today's date: no visit may be dated after it (default: the "
                   "computer's date; for a computer whose clock is wrong).")
@click.option("--all-or-nothing", is_flag=True,
              help="Refuse the whole file when any row is bad (default: import the valid "
                   "rows and write the others to NAME.rejects.csv beside the file).")
@click.option("--correct", "resident", default=None, metavar="RESIDENT",
              help="Replace the outcome recorded for RESIDENT on --date with --outcome, "
                   "because --why; the old outcome stays in the audit trail.")
@click.option("--outcome", default=None,
              help="With --correct: the right outcome (enrolled, not_home, refused, "
                   "retry_needed, moved, deceased, or none: the visit did not happen).")
@click.option("--why", default="", help="With --correct: why the recorded outcome was wrong.")
@click.option("--by", default="", help="Who makes the change or the import (default: the "
                                       "computer's user name), kept in the audit trail.")
@click.option("--audit", "show_audit", is_flag=True,
              help="List every correction made in CAMPAIGN_DIR (who, when, why, before, "
                   "after).")
@lang_opt
def record(campaign_dir: Path | None, outcomes: Path | None, template: bool, date,
           out_stem: Path | None, overwrite: bool, redact: bool, today, all_or_nothing: bool,
           resident: str | None, outcome: str | None, why: str, by: str, show_audit: bool,
           lang: str) -> None:
    """Import OUTCOMES (CSV or .xlsx) into the campaign in CAMPAIGN_DIR.

    One row per resident planned, whatever the way they were reached (home
    visit, shuttle to the office, collection point): date, team, household_id,
    resident_id, outcome (enrolled, not_home, refused, retry_needed, moved,
    deceased; not_home also for a resident who did not come to the point or
    was not at home for the shuttle), note. A row with no outcome means "not
    visited" and is skipped. The valid rows are recorded; bad rows go to
    NAME.rejects.csv beside the file with the reason for each (fix them there
    and import that file); --all-or-nothing refuses the whole file instead.
    Importing the same file again changes nothing. A row whose optional
    column kind says correction replaces the outcome recorded for that
    resident and day (its note says why); so does --correct. The old outcome
    is kept in the audit trail (--audit lists it).

    The sheet --template writes speaks the language of the command line:
    Vietnamese headers and outcome words by default, English ones with
    --lang en; an import reads both, and the English sheets written before.

    OUTCOMES may be the file exported from the phone map: it is refused when
    it was changed on the way (import it as exported, then correct) or comes
    from a plan that is not one of this campaign's days; an export from an
    earlier plan of a day that tomorrow re-planned since is accepted, and what
    the newer plan moved is listed. Visits dated after today (the computer's
    date, or --today) are refused.

    \b
    Examples:
      python plan.py record --template
      python plan.py record out/campaign --template --date 2026-11-24
      python plan.py record out/campaign outcomes-2026-11-24.xlsx
      python plan.py record out/campaign --correct R00012 --date 2026-11-24 \\
          --outcome enrolled --why "tapped deceased by mistake"
      python plan.py record out/campaign --audit
    """
    # imported here: reading sheets is heavy and --help must stay instant
    from planner.app.outcomes import (
        CorrectRequest,
        RecordRequest,
        TemplateRequest,
        audit_trail,
        correct,
        outcomes_template,
        record,
    )
    from planner.app.text import (
        gettext_for,
        message_text,
        ngettext_for,
        problem_text,
        short_date,
    )

    _ = gettext_for(lang)
    ngettext = ngettext_for(lang)
    if template:
        paths, rows = outcomes_template(TemplateRequest(campaign_dir, day_of(date), out_stem,
                                                        overwrite, redact, lang))
        if campaign_dir is not None and date is not None and not rows:
            click.echo(_("no residents planned on {date}; wrote a blank sheet").format(
                date=short_date(date.date(), lang)), err=True)
        for p in paths:
            click.echo(_("wrote {path}").format(path=p))
        return
    if campaign_dir is not None and show_audit:
        _print_audit(audit_trail(campaign_dir), _)
        return
    if campaign_dir is not None and resident is not None:
        if date is None or outcome is None:
            raise click.UsageError("--correct needs --date (the visit's day) and --outcome")
        fixed = correct(CorrectRequest(campaign_dir, resident, day_of(date), outcome, why, by))
        click.echo(_("{subject}: {old} replaced by {new}; the old outcome is kept in the "
                     "audit trail").format(subject=fixed.subject, old=fixed.old["outcome"],
                                           new=outcome))
        click.echo(_("next: python plan.py tomorrow {folder}").format(folder=campaign_dir))
        return
    if campaign_dir is None or outcomes is None:
        raise click.UsageError("give CAMPAIGN_DIR and OUTCOMES, or --template")
    report = record(RecordRequest(campaign_dir, outcomes, day_of(today),
                                  all_or_nothing=all_or_nothing, by=by, lang=lang))
    if report.status == "already":
        click.echo(_("{file}: already imported ({previous}, {when}); nothing changed").format(
            file=outcomes, previous=report.previous,
            when=report.previous_at[:16].replace("T", " ")))
        return
    line = ngettext("{file}: {n} outcome recorded", "{file}: {n} outcomes recorded",
                    report.new).format(file=outcomes, n=report.new)
    if report.same:
        line += ngettext(", {n} already recorded identically",
                         ", {n} already recorded identically", report.same).format(n=report.same)
    if report.corrected:
        line += ngettext(", {n} corrected (the old outcome is kept in the audit trail)",
                         ", {n} corrected (the old outcomes are kept in the audit trail)",
                         report.corrected).format(n=report.corrected)
    click.echo(line)
    if report.moved:
        click.echo(_("These outcomes come from an earlier plan of the day; the newer plan had "
                     "changed:"))
        for moved in report.moved:
            click.echo(f"  {message_text(moved, _)}")
    if report.rejected:
        for problem in report.problems:
            click.echo(problem_text(problem, _), err=True)
        click.echo(ngettext("{n} row was not imported: it is in {rejects} with the reason; fix "
                            "it there and import that file",
                            "{n} rows were not imported: they are in {rejects} with the "
                            "reason for each; fix them there and import that file",
                            report.rejected).format(n=report.rejected, rejects=report.rejects),
                   err=True)
    if report.status == "rejected":
        raise SystemExit(2)  # no row could be recorded
    click.echo(_("next: python plan.py tomorrow {folder}").format(folder=campaign_dir))


def _print_audit(rows, _) -> None:
    """The audit trail, one change a line: when, who, what, before → after, why."""
    if not rows:
        click.echo(_("no corrections recorded"))
        return
    for at, by, why, kind, subject, before, after in rows:
        click.echo(f"{at}  {by}  {kind}  {subject}: {before or '-'} -> {after or '-'}  ({why})")
