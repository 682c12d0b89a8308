"""``plan.py check``: validate a scenario and report every problem at once."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.options import scenario_arg


@click.command()
@scenario_arg
def check(scenario: Path) -> None:
    """Validate SCENARIO (a scenario.yaml, or its folder) in one pass.

    Every problem is printed as file › row/field › what is wrong › how to fix
    it. Exit code 2 when there is any error, 0 when the scenario is valid
    (warnings are allowed).

    \b
    Example:
      python plan.py check scenarios/demo/scenario.yaml
    """
    from planner.scenario import load_scenario

    loaded, warnings = load_scenario(scenario)
    for w in warnings:
        click.echo(f"warning: {w}", err=True)
    homes = sum(1 for h in loaded.households for r in h.residents if r.mode in ("home", "auto"))
    click.echo(
        f"ok: {loaded.name}: {len(loaded.villages)} villages, {len(loaded.households)} "
        f"households, {sum(len(h.residents) for h in loaded.households)} residents "
        f"({homes} for home visits), {len(loaded.teams)} teams, {len(warnings)} warnings")
