"""``plan.py day`` and ``plan.py demo``: plan one day for every team."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.helptext import HelpCommand
from planner.cli.options import (
    date_opt,
    day_of,
    day_plan_options,
    progress_for,
    scenario_arg,
    warner,
)


def _run(make_request, lang: str) -> None:
    """Run the day job on the request ``make_request()`` gives and print the
    summary, the files and the time taken. A drawing process is started
    first, before the planning stack is imported: it loads the drawing
    libraries while this process loads its own and plans
    (``planner.app.drawing``)."""
    # imported here: the planning stack is heavy and --help must stay instant
    from planner.app.drawing import start_drawer

    with start_drawer(lang) as drawer:
        request = make_request()
        # imported here: the planning stack is heavy and --help must stay instant
        from planner.app.day import plan_day
        from planner.app.text import summary_text

        progress = progress_for(lang)
        _ = progress._
        warn = warner(_)
        result = plan_day(request, progress, warn, drawer)
    click.echo(summary_text(result.plan, result.scenario, lang=lang))
    click.echo("")
    for path in result.written:
        click.echo(_("wrote {path}").format(path=path))
    click.echo(_("done in {seconds:.1f} s").format(
            seconds=progress.number(progress.elapsed_s())))


@click.command(cls=HelpCommand)
@scenario_arg
@date_opt
@day_plan_options
def day(scenario: Path, date, out_dir: Path | None, time_limit: float | None,
        seed: int | None, overwrite: bool, lang: str, redact: bool) -> None:
    """Plan one day's routes for every team of SCENARIO.

    Writes OUT/plan.json (see docs/plan-format.md) and prints, per team, its
    stops, km, hours, departure and return, then the unserved households with
    the reason. The same scenario, seed and time limit give the same plan.

    \b
    Example:
      python plan.py day scenarios/demo/scenario.yaml --out out/tomorrow
    """
    out_dir = out_dir or Path("out") / (scenario.stem if scenario.suffix else scenario.name)

    def request():
        # imported here: the planning stack is heavy and --help must stay instant
        from planner.app.day import DayRequest

        return DayRequest(scenario, out_dir, day_of(date), time_limit, seed, lang, redact,
                          overwrite)

    _run(request, lang)


@click.command(cls=HelpCommand)
@day_plan_options
@click.option("--regenerate", is_flag=True,
              help="Regenerate the demo's scenario and road network first.")
def demo(out_dir: Path | None, time_limit: float | None, seed: int | None, overwrite: bool,
         lang: str, redact: bool, regenerate: bool) -> None:
    """Plan a day on the bundled FICTIONAL demo commune (no network, no data needed).

    The demo's scenario lives in scenarios/demo/ and its road network in
    maps/demo_commune.graphml; both are generated (python -m planner.demo).

    \b
    Example:
      python plan.py demo --out out/demo --overwrite
    """

    def request():
        # imported here: the planning stack is heavy and --help must stay instant
        from planner.app.day import demo_request

        return demo_request(out_dir or Path("out") / "demo", regenerate, time_limit_s=time_limit,
                            seed=seed, lang=lang, redact=redact, overwrite=overwrite)

    _run(request, lang)
