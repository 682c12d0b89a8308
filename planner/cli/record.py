"""``plan.py record``: import a day's outcomes sheet into a campaign."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.options import DATE, CampaignDir, InputFile, day_of, lang_opt


@click.command()
@click.argument("campaign_dir", required=False, type=CampaignDir())
@click.argument("outcomes", required=False, type=InputFile())
@click.option("--template", is_flag=True,
              help="Write a blank outcomes sheet (CSV and .xlsx) instead of importing; "
                   "with CAMPAIGN_DIR and --date, prefilled with that day's planned residents.")
@click.option("--date", "date", type=DATE, default=None,
              help="With --template: the day whose planned residents prefill the sheet.")
@click.option("--out", "out_stem", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="With --template: file name without suffix "
                                 "(default: outcomes, or CAMPAIGN_DIR/outcomes-DATE).")
@click.option("--overwrite", is_flag=True, help="With --template: replace existing files.")
@click.option("--redact", is_flag=True,
              help="With --template: initials instead of the residents' names.")
@click.option("--today", "today", type=DATE, default=None,
              help="Today's date: no visit may be dated after it (default: the "
                   "computer's date; for a computer whose clock is wrong).")
@lang_opt
def record(campaign_dir: Path | None, outcomes: Path | None, template: bool, date,
           out_stem: Path | None, overwrite: bool, redact: bool, today, lang: str) -> None:
    """Import OUTCOMES (CSV or .xlsx) into the campaign in CAMPAIGN_DIR.

    One row per resident planned, whatever the way they were reached (home
    visit, shuttle to the office, collection point): date, team, household_id,
    resident_id, outcome (enrolled, not_home, refused, retry_needed, moved,
    deceased; not_home also for a resident who did not come to the point or
    was not at home for the shuttle), note. A row with no outcome means "not
    visited" and is skipped. A file with any bad row is refused as a whole,
    listing every bad row; importing the same file again changes nothing.
    OUTCOMES may be the file exported from the phone map: it is refused when
    it was changed on the way or comes from a plan that is not one of this
    campaign's days. Visits dated after today (the computer's date, or
    --today) are refused.

    \b
    Examples:
      python plan.py record --template
      python plan.py record out/campaign --template --date 2026-11-24
      python plan.py record out/campaign outcomes-2026-11-24.xlsx
    """
    # imported here: reading sheets is heavy and --help must stay instant
    from planner.app.outcomes import RecordRequest, TemplateRequest, outcomes_template, record
    from planner.app.text import gettext_for, ngettext_for

    _ = gettext_for(lang)
    ngettext = ngettext_for(lang)
    if template:
        paths, rows = outcomes_template(TemplateRequest(campaign_dir, day_of(date), out_stem,
                                                        overwrite, redact))
        if campaign_dir is not None and date is not None and not rows:
            click.echo(_("no residents planned on {date}; wrote a blank sheet").format(
                date=date.date()), err=True)
        for p in paths:
            click.echo(_("wrote {path}").format(path=p))
        return
    if campaign_dir is None or outcomes is None:
        raise click.UsageError("give CAMPAIGN_DIR and OUTCOMES, or --template")
    report = record(RecordRequest(campaign_dir, outcomes, day_of(today)))
    if report.status == "already":
        click.echo(_("{file}: already imported ({previous}); nothing changed").format(
            file=outcomes, previous=report.previous))
        return
    line = ngettext("{file}: {n} outcome recorded", "{file}: {n} outcomes recorded",
                    report.new).format(file=outcomes, n=report.new)
    if report.same:
        line += ngettext(", {n} already recorded identically",
                         ", {n} already recorded identically", report.same).format(n=report.same)
    click.echo(line)
    click.echo(_("next: python plan.py tomorrow {folder}").format(folder=campaign_dir))
