"""``plan.py day`` and ``plan.py demo``: plan one day for every team."""

from __future__ import annotations

import datetime as dt
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
    """Load, plan (with the legs' geometry), write ``plan.json`` and every
    output (atomically), and print the summary in ``lang``; progress lines
    per stage go to stderr."""
    from planner.cli.render import Progress, write_day
    from planner.day.plan import graph_matrices, plan_day
    from planner.planfile import summary_text
    from planner.roads.io import load_graph
    from planner.scenario import load_scenario_and_speeds

    prepare_out_dir(out_dir, overwrite)
    progress = Progress(lang)
    _ = progress._
    progress.say("Reading the scenario…")
    # the speed table is read once, here (the scenario's ``speeds:`` or maps/speeds.toml)
    scenario, warnings, table = load_scenario_and_speeds(scenario_path)
    if date is not None:
        scenario = replace(scenario, date=date)
    for w in warnings:
        click.echo(_("warning: {message}").format(message=w), err=True)
    progress.say("Reading the road network…")
    G = load_graph(scenario.roads, table=table)
    compute = graph_matrices(G, table, scenario.parameters)

    def matrices_for(coords, season):
        progress.say("Computing travel times between {n} places…", n=len(coords))
        return compute(coords, season)

    def solve_fn(problem, limit_s, seed_):
        from planner.engine import solve

        with progress.solving(limit_s):
            return solve(problem, time_limit_s=limit_s, seed=seed_)

    from planner import presence

    # no outcomes yet: the scenario's prior (the hours given, else by condition)
    model = presence.fit(presence.scenario_priors(
        h for h in scenario.households if h.residents), [])
    plan, matrices, _problem = plan_day(scenario, G, table, time_limit_s=time_limit, seed=seed,
                                        matrices_for=matrices_for, solve_fn=solve_fn,
                                        presence=model)
    progress.say("Drawing the map, itineraries, notices and GPX…")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = write_day(plan, scenario, out_dir, lang=lang, redact=redact,
                        warn=lambda m: click.echo(_("warning: {message}").format(message=m),
                                                  err=True))
    click.echo(summary_text(plan, scenario, lang=lang))
    click.echo("")
    for path in written:
        click.echo(_("wrote {path}").format(path=path))
    click.echo(_("done in {seconds:.1f} s").format(seconds=progress.elapsed_s()))


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
