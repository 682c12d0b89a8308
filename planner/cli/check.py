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
    from collections import Counter

    modes = Counter(r.mode for h in loaded.households for r in h.residents)
    by_mode = ", ".join(f"{modes[m]} {m}" for m in ("home", "shuttle", "point", "auto")
                        if modes[m])

    def n(count: int, word: str) -> str:
        return f"{count} {word}" + ("" if count == 1 else "s")

    residents = sum(len(h.residents) for h in loaded.households)
    click.echo(
        f"ok: {loaded.name}: {n(len(loaded.villages), 'village')}, "
        f"{n(len(loaded.households), 'household')}, {n(residents, 'resident')} "
        f"({by_mode}), {n(len(loaded.teams), 'team')}, "
        f"{n(len(warnings), 'warning')}")
