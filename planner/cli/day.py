"""``plan.py day`` and ``plan.py demo``: plan one day for every team."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
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

GC_THRESHOLD = (50_000, 20, 20)
"""The garbage collector's thresholds while ``day`` or ``demo`` runs (as
``planner.app.outputs.DRAW_GC_THRESHOLD``): about 20 collections of the
youngest objects instead of 250, and none of all of them: with ``gc.freeze``
once the planning stack is imported, ≈ 0.5 s of CPU less on this machine
under load (docs/benchmarks.md)."""


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """While a day is planned: this process lives seconds and makes mostly
    long-lived objects (its modules, the scenario, the road graph, the
    matrices), so the collector runs less often (``GC_THRESHOLD``); what was
    frozen meanwhile (``gc.freeze``) and the thresholds are given back after
    (a test calling the command in its own process keeps its collector)."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def _run(make_request, lang: str) -> None:
    """Run the day job on the request ``make_request()`` gives and print the
    summary, the files and the time taken. A drawing process is started
    first, before the planning stack is imported: it loads the drawing
    libraries while this process loads its own and plans
    (``planner.app.drawing``). The collector runs less often
    (``GC_THRESHOLD``), and once the planning stack is imported, its objects
    are frozen out of its reach (``gc.freeze``)."""
    # imported here: the planning stack is heavy and --help must stay instant
    from planner.app.drawing import start_drawer

    with start_drawer(lang) as drawer, _fewer_collections():
        request = make_request()
        # imported here: the planning stack is heavy and --help must stay instant
        from planner.app.day import plan_day
        from planner.app.text import summary_text

        # the modules just loaded live as long as the command: out of the
        # collector's reach, so that its collections while planning do not
        # traverse them again and again
        gc.freeze()
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
