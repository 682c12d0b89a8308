"""``plan.py check``: validate a scenario (or a province) and report every problem at once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from planner.cli.helptext import HelpCommand
from planner.cli.options import lang_opt, scenario_arg

MODES = ("home", "shuttle", "point", "auto")


@click.command(cls=HelpCommand)
@scenario_arg
@lang_opt
def check(scenario: Path, lang: str) -> None:
    """Validate SCENARIO (a scenario.yaml, or its folder) in one pass.

    Every problem is printed as file › row/field › what is wrong › how to fix
    it. Exit code 2 when there is any error, 0 when the scenario is valid
    (warnings are allowed).

    SCENARIO may be a province (a province.yaml, a folder holding one, or a
    folder of commune folders; see docs/province.md): every commune is
    checked, the problems of all of them are reported together, and the
    summary has one line per commune.

    \b
    Examples:
      python plan.py check scenarios/demo/scenario.yaml
      python plan.py check out/province --lang en
    """
    # imported here: validation loads the road graph and --help must stay instant
    from planner.app.day import check as check_job
    from planner.app.text import gettext_for, ngettext_for, problem_text

    _ = gettext_for(lang)
    ngettext = ngettext_for(lang)

    def counts(scenarios, warnings: int) -> str:
        households = [h for s in scenarios for h in s.households]
        modes = Counter(r.mode for h in households for r in h.residents)
        by_mode = ", ".join(f"{modes[m]} {_(m)}" for m in MODES if modes[m])
        parts = [ngettext("{n} village", "{n} villages", n).format(n=n)
                 for n in [sum(len(s.villages) for s in scenarios)]]
        parts.append(ngettext("{n} household", "{n} households", len(households))
                     .format(n=len(households)))
        residents = sum(len(h.residents) for h in households)
        parts.append(ngettext("{n} resident", "{n} residents", residents).format(n=residents)
                     + (f" ({by_mode})" if by_mode else ""))
        teams = sum(len(s.teams) for s in scenarios)
        parts.append(ngettext("{n} team", "{n} teams", teams).format(n=teams))
        parts.append(ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings))
        return ", ".join(parts)

    def warn(problem) -> None:
        click.echo(_("warning: {message}").format(message=problem_text(problem, _)), err=True)

    result = check_job(scenario)
    for w in result.warnings:
        warn(w)
    province = result.province
    if province is not None:
        communes = province.communes
        for area in province.areas:
            for c in area.communes:
                mine = sum(1 for w in province.warnings
                           if w.where.split(",")[0] == f"commune {c.id}")
                click.echo(f"  {area.id} · {c.id}: " + counts([c.scenario], mine))
        click.echo(_("ok: province {name}: {areas}, {communes}; {counts}").format(
            name=province.name,
            areas=ngettext("{n} road area", "{n} road areas", len(province.areas))
            .format(n=len(province.areas)),
            communes=ngettext("{n} commune", "{n} communes", len(communes))
            .format(n=len(communes)),
            counts=counts([c.scenario for c in communes], len(province.warnings))))
        return
    click.echo(_("ok: {name}: {counts}").format(
        name=result.scenario.name, counts=counts([result.scenario], len(result.warnings))))
