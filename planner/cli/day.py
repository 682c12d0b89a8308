"""``plan.py day`` and ``plan.py demo``: plan one day for every team."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from pathlib import Path

import click

from planner.cli.options import (
    date_opt,
    day_plan_options,
    prepare_out_dir,
    scenario_arg,
)

ROOT = Path(__file__).resolve().parent.parent.parent
DEMO_SCENARIO = ROOT / "scenarios" / "demo" / "scenario.yaml"


def run_day(scenario_path: Path, out_dir: Path, overwrite: bool, time_limit: float | None,
            seed: int | None, date: dt.date | None, lang: str = "vi",
            redact: bool = False) -> None:
    """Load, plan, write ``plan.json`` (atomically) and print the summary."""
    from planner.day.plan import plan_day
    from planner.planfile import plan_json, summary_text, write_atomic
    from planner.roads.io import load_graph
    from planner.scenario import load_scenario

    prepare_out_dir(out_dir, overwrite)
    started = time.perf_counter()
    scenario, warnings = load_scenario(scenario_path)
    if date is not None:
        scenario = replace(scenario, date=date)
    for w in warnings:
        click.echo(f"warning: {w}", err=True)
    G = load_graph(scenario.roads)
    plan, _matrices, _problem = plan_day(scenario, G, time_limit_s=time_limit, seed=seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [write_atomic(out_dir / "plan.json", plan_json(plan, scenario))]
    try:
        from planner.render import render_all
    except ImportError:
        render_all = None
    if render_all is not None:
        written += render_all(plan, scenario, G, out_dir, lang=lang, redact=redact,
                              warn=lambda m: click.echo(f"warning: {m}", err=True))
    click.echo(summary_text(plan, scenario))
    click.echo("")
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"done in {time.perf_counter() - started:.1f} s")


@click.command()
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
    run_day(scenario, out_dir, overwrite, time_limit, seed, date.date() if date else None,
            lang, redact)


@click.command()
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
    if regenerate or not DEMO_SCENARIO.is_file():
        from planner.demo import generate

        generate(DEMO_SCENARIO.parent, ROOT / "maps")
    out_dir = out_dir or Path("out") / "demo"
    run_day(DEMO_SCENARIO, out_dir, overwrite, time_limit, seed, None, lang, redact)
