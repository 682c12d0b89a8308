"""``plan.py render``: the map, itineraries, notices and GPX of a plan.json, again."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from planner.cli.helptext import HelpCommand
from planner.cli.options import InputFile, OutDir, lang_opt, progress_for, redact_opt, warner


@click.command(cls=HelpCommand)
@click.argument("plan_file", type=InputFile())
@click.option("--scenario", "scenario_path", type=click.Path(path_type=Path), default=None,
              help="The scenario the plan was made from (default: the one plan.json names).")
@click.option("--out", "out_dir", type=OutDir(),
              default=None, help="Output folder (default: the plan's folder, whose outputs "
                                 "are replaced; plan.json itself is never changed).")
@click.option("--overwrite", is_flag=True, default=False,
              help="With --out: replace the files of a non-empty folder.")
@lang_opt
@redact_opt
def render(plan_file: Path, scenario_path: Path | None, out_dir: Path | None, overwrite: bool,
           lang: str, redact: bool) -> None:
    """Render the map, itineraries, notices and GPX of PLAN_FILE again.

    Reads plan.json (which carries every leg's road geometry) and its
    scenario; runs no solver and no shortest path. With the same language and
    redaction the files are byte-identical to those written with the plan.

    \b
    Examples:
      python plan.py render out/demo/plan.json --lang en --out out/demo-en
      python plan.py render out/campaign/days/2026-11-24/plan.json --redact \\
          --out out/share
    """
    # imported here: the rendering stack is heavy and --help must stay instant
    from planner.app.drawing import start_drawer

    with start_drawer(lang) as drawer:  # loads the drawing libraries beside the reading
        # imported here: the rendering stack is heavy and --help must stay instant
        from planner.app.day import RenderRequest, render_plan

        progress = progress_for(lang)
        written = render_plan(RenderRequest(plan_file, scenario_path, out_dir, overwrite, lang,
                                            redact), progress,
                              warn=warner(progress._), drawer=drawer)
    _ = progress._
    for path in written:
        click.echo(_("wrote {path}").format(path=path))
    sys.stdout.flush()
