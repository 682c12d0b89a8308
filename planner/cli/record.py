"""``plan.py record``: import a day's outcomes sheet into a campaign."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("campaign_dir", required=False,
                type=click.Path(path_type=Path, file_okay=False))
@click.argument("outcomes", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--template", is_flag=True,
              help="Write a blank outcomes sheet (CSV and .xlsx) instead of importing; "
                   "with CAMPAIGN_DIR and --date, prefilled with that day's planned visits.")
@click.option("--date", "date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="With --template: the day whose planned visits prefill the sheet.")
@click.option("--out", "out_stem", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="With --template: file name without suffix "
                                 "(default: outcomes, or CAMPAIGN_DIR/outcomes-DATE).")
@click.option("--overwrite", is_flag=True, help="With --template: replace existing files.")
@click.option("--redact", is_flag=True,
              help="With --template: initials instead of the residents' names.")
def record(campaign_dir: Path | None, outcomes: Path | None, template: bool, date,
           out_stem: Path | None, overwrite: bool, redact: bool) -> None:
    """Import OUTCOMES (CSV or .xlsx) into the campaign in CAMPAIGN_DIR.

    One row per resident visited: date, team, household_id, resident_id,
    outcome (enrolled, not_home, refused, retry_needed, moved, deceased), note.
    A row with no outcome means "not visited" and is skipped. A file with any
    bad row is refused as a whole, listing every bad row; importing the same
    file again changes nothing. OUTCOMES may be the file exported from the
    phone map: it is refused when it was changed on the way or comes from a
    plan that is not one of this campaign's days.

    \b
    Examples:
      python plan.py record --template
      python plan.py record out/campaign --template --date 2026-11-24
      python plan.py record out/campaign outcomes-2026-11-24.xlsx
    """
    if template:
        _template(campaign_dir, date.date() if date else None, out_stem, overwrite, redact)
        return
    if campaign_dir is None or outcomes is None:
        raise click.UsageError("give CAMPAIGN_DIR and OUTCOMES, or --template")
    from planner.campaign.phone import outcomes_sheet
    from planner.campaign.run import record_outcomes

    with outcomes_sheet(campaign_dir, outcomes) as sheet:  # a phone export is checked first
        report = record_outcomes(campaign_dir, sheet)
    if report.status == "already":
        click.echo(f"{outcomes}: already imported ({report.previous}); nothing changed")
        return
    click.echo(f"{outcomes}: {report.new} outcomes recorded"
               + (f", {report.same} already recorded identically" if report.same else ""))
    click.echo(f"next: python plan.py tomorrow {campaign_dir}")


def _template(campaign_dir: Path | None, day, out_stem: Path | None, overwrite: bool,
              redact: bool = False) -> None:
    from planner.campaign import state
    from planner.campaign.outcomes import template_csv, template_rows, template_xlsx
    from planner.planfile import write_atomic

    rows: list[list[str]] = []
    if campaign_dir is not None and day is not None:
        from planner.day.needs import HOME_MODES
        from planner.scenario import load_scenario

        conn = state.open_campaign(campaign_dir)
        try:
            scenario, _ = load_scenario(state.meta(conn)["scenario"])
            home = {h.id: [r.id for r in h.residents if r.mode in HOME_MODES]
                    for h in scenario.households}
            from planner.render.views import person_name

            villages = {v.id: v.name for v in scenario.villages}
            readers = {r.id: (person_name(r.full_name, redact), villages.get(h.village_id, ""))
                       for h in scenario.households for r in h.residents}
            rows = template_rows(conn, day, home, readers)
        finally:
            conn.close()
        if not rows:
            click.echo(f"no visits planned on {day}; writing a blank sheet", err=True)
    if out_stem is None:
        base = campaign_dir if campaign_dir is not None else Path(".")
        out_stem = base / (f"outcomes-{day}" if day else "outcomes")
    paths = [out_stem.with_suffix(".csv"), out_stem.with_suffix(".xlsx")]
    existing = [p for p in paths if p.exists()]
    if existing and not overwrite:
        raise click.BadParameter(f"{existing[0]} exists; add --overwrite to replace it",
                                 param_hint="--out")
    write_atomic(paths[0], "\ufeff" + template_csv(rows))
    write_atomic(paths[1], template_xlsx(rows))
    for p in paths:
        click.echo(f"wrote {p}")
