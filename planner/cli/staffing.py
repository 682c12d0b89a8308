"""``plan.py staffing``: Monte Carlo staffing scenarios, on Dask distributed."""

from __future__ import annotations

import time
from pathlib import Path

import click

from planner.cli.helptext import HelpCommand
from planner.cli.options import DATE, FiniteRange, OutDir, day_of, lang_opt, overwrite_opt, warner


@click.command(cls=HelpCommand)
@click.argument("scenarios", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=True, exists=False))
@click.option("--teams", "teams_text", default="1-6", show_default=True,
              help="Team counts to try: a range 1-6 or a list 2,4,6.")
@click.option("--runs", type=click.IntRange(1, 10000), default=20, show_default=True,
              help="Monte Carlo runs per team count.")
@click.option("--wet-days", type=FiniteRange(0, 1), default=0.2, show_default=True,
              help="Probability that a working day is wet (wet-season travel times).")
@click.option("--not-home", type=FiniteRange(0, 1), default=None,
              help="A flat probability that a visited household is not at home (default: "
                   "sampled from the presence model at each visit's planned hour).")
@click.option("--service-cv", type=FiniteRange(0, 3), default=0.25, show_default=True,
              help="Spread of service times (coefficient of variation, log-normal).")
@click.option("--deadline", type=DATE, default=None,
              help="Deadline, YYYY-MM-DD (default: the scenario's campaign.deadline, else "
                   "the last day of 4 weeks from the start; the outputs say so).")
@click.option("--start", type=DATE, default=None,
              help="First day (default: campaign.start, else the scenario's date).")
@click.option("--time-limit", type=FiniteRange(0.05, 60), default=0.1, show_default=True,
              help="Solver time limit per simulated day, in seconds.")
@click.option("--max-days", type=click.IntRange(1, 2000), default=120, show_default=True,
              help="Most working days simulated per run.")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), default=1, show_default=True)
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="A running Dask scheduler (default: local worker processes).")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Local worker processes (default: the number of cores).")
@click.option("--out", "out_dir", type=OutDir(),
              default=None, help="Output folder (default: out/staffing).")
@click.option("--fidelity", type=click.Choice(["full", "sweep"]), default="full",
              show_default=True,
              help="full: each simulated day planned as plan.py campaign plans it; sweep: a "
                   "cheaper day search (about 4 times faster, completion up to ~5 % later: "
                   "docs/benchmarks.md).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@overwrite_opt
@lang_opt
def staffing(scenarios: tuple[Path, ...], teams_text: str, runs: int, wet_days: float,
             not_home: float | None, service_cv: float, deadline, start, time_limit: float,
             max_days: int, seed: int, scheduler: str | None, workers: int | None,
             out_dir: Path | None, fidelity: str, quiet: bool, overwrite: bool,
             lang: str) -> None:
    """How many teams reach 100 % by the deadline? Monte Carlo over staffing levels.

    For each SCENARIO (several: communes × staffing levels × runs in one sweep)
    and each team count, simulates the campaign RUNS times with spread service
    times, households not at home and rainy days, on Dask distributed (local
    worker processes, or --scheduler for a cluster). Prints a table and writes
    OUT/staffing.csv, OUT/runs.csv, OUT/staffing.png and OUT/staffing.html.

    A PROVINCE instead of scenarios (a province.yaml, a folder holding one, or
    a folder of commune folders; see docs/province.md): every commune is swept
    the same way, its road graph loaded once per road area, its matrices once;
    prints one line per commune (the teams needed for P(done by the deadline)
    ≥ 90 %) and the totals, and writes OUT/province.csv, OUT/province.png,
    OUT/staffing.csv and OUT/runs.csv.

    \b
    Examples:
      python plan.py staffing scenarios/demo/scenario.yaml --teams 1-6 --runs 20 \\
          --wet-days 0.3 --deadline 2026-12-11 --out out/staffing
      python plan.py staffing out/province --teams 1-6 --runs 10 \\
          --scheduler tcp://10.0.0.5:8786 --out out/province-staffing
    """
    # imported here: the planning stack and Dask are heavy and --help must stay instant
    from planner.app.staffing import StaffingParams, StaffingRequest, staffing, team_counts
    from planner.app.text import (
        LocalNumber,
        fiction_banner,
        gettext_for,
        ngettext_for,
        staffing_table,
    )

    _ = gettext_for(lang)
    ngettext = ngettext_for(lang)
    warn = warner(_)
    started = time.perf_counter()
    params = StaffingParams(runs=runs, service_cv=service_cv, not_home_p=not_home,
                            wet_day_p=wet_days, time_limit_s=time_limit, max_days=max_days,
                            seed=seed, fidelity=fidelity)
    request = StaffingRequest(tuple(scenarios), tuple(team_counts(teams_text)), params,
                              out_dir or Path("out") / "staffing", day_of(deadline),
                              day_of(start), scheduler, workers, overwrite, lang)
    if request.province:
        province_staffing(request, quiet, lang)
        click.echo(_("done in {seconds:.1f} s").format(
        seconds=LocalNumber(time.perf_counter() - started, lang)))
        return
    bar = None

    def begin(total: int) -> None:
        nonlocal bar
        where = scheduler or _("local Dask workers")
        click.echo(ngettext("{n} simulated campaign", "{n} simulated campaigns", total)
                   .format(n=total)
                   + " (" + ngettext("{n} scenario", "{n} scenarios", len(scenarios)).format(
                       n=len(scenarios))
                   + " × " + ngettext("{n} team count", "{n} team counts",
                                      len(request.counts)).format(n=len(request.counts))
                   + " × " + ngettext("{n} run", "{n} runs", runs).format(n=runs) + ") "
                   + _("on {where}").format(where=where), err=True)
        if not quiet:
            # imported here: the progress bar loads only for a run that shows one
            from tqdm import tqdm

            bar = tqdm(total=total, unit="run", file=click.get_text_stream("stderr"))

    def progress(done: int, _total: int) -> None:
        if bar is not None:
            bar.update(1)

    try:
        run = staffing(request, begin, progress)
    finally:
        if bar is not None:
            bar.close()
    for w in run.warnings:
        warn(w)
    if run.fictional:
        click.echo(fiction_banner("unknown", _))
    click.echo(_("Completion in working days from the start;") + " "
               + _assumptions(params, _, ngettext))
    click.echo(staffing_table(run.rows, run.deadline, _, lang))
    hint = run.deadline_hint(_)
    if hint:
        click.echo(hint)
    click.echo("")
    for p in run.written:
        click.echo(_("wrote {path}").format(path=p))
    click.echo(_("done in {seconds:.1f} s").format(
        seconds=LocalNumber(time.perf_counter() - started, lang)))


def _assumptions(params, _, ngettext) -> str:
    if params.not_home_p is None:
        away = _("not at home: the presence model's chance at each visit's planned hour")
    else:
        away = _("not at home {not_home:.0f} % (flat rate)").format(
            not_home=100 * params.not_home_p)
    return (ngettext("{n} run per team count;", "{n} runs per team count;", params.runs)
            .format(n=params.runs)
            + " " + _("every resident (home visits, shuttles, collection points); wet days "
                      "{wet:.0f} %, {away}, service CV {cv:.2f}; "
                      "solver {limit:g} s/day").format(
                wet=100 * params.wet_day_p, away=away, cv=params.service_cv,
                limit=params.time_limit_s)
            + ("" if params.fidelity == "full" else " " + _("(sweep fidelity: a cheaper day "
                                                            "search, see docs/benchmarks.md)")))


def province_staffing(request, quiet: bool, lang: str) -> None:
    """The province form of ``staffing``: sweep, then the province table."""
    # imported here: Dask and the planning stack are heavy and --help must stay instant
    from planner.app.staffing import staffing
    from planner.app.text import (
        TARGET_P,
        fiction_banner,
        gettext_for,
        ngettext_for,
        province_table,
    )

    _ = gettext_for(lang)
    ngettext = ngettext_for(lang)
    params, scheduler = request.params, request.scheduler
    bar = None

    def begin(total: int, province) -> None:
        nonlocal bar
        where = scheduler or _("local Dask workers")
        n_communes, n_areas = len(province.communes), len(province.areas)
        click.echo(ngettext("{n} simulated campaign", "{n} simulated campaigns", total)
                   .format(n=total)
                   + " (" + ngettext("{n} commune", "{n} communes", n_communes).format(
                       n=n_communes)
                   + " " + ngettext("in {n} road area", "in {n} road areas", n_areas).format(
                       n=n_areas)
                   + " × " + ngettext("{n} team count", "{n} team counts",
                                      len(request.counts)).format(n=len(request.counts))
                   + " × " + ngettext("{n} run", "{n} runs", params.runs).format(
                       n=params.runs) + ") "
                   + _("on {where}").format(where=where), err=True)
        if not quiet:
            # imported here: the progress bar loads only for a run that shows one
            from tqdm import tqdm

            bar = tqdm(total=total, unit="run", file=click.get_text_stream("stderr"))

    def progress(_done: int) -> None:
        if bar is not None:
            bar.update(1)

    try:
        run = staffing(request, begin, progress)
    finally:
        if bar is not None:
            bar.close()
    for w in run.warnings:
        click.echo(_("warning: {message}").format(message=w), err=True)
    if run.province.fictional:
        click.echo(fiction_banner("unknown", _))
    click.echo(_("Province {name}:").format(name=run.province.name) + " "
               + _assumptions(params, _, ngettext))
    click.echo(province_table(run.rows, TARGET_P, _, ngettext))
    hint = run.deadline_hint(_)
    if hint:
        click.echo(hint)
    click.echo("")
    for p in run.written:
        click.echo(_("wrote {path}").format(path=p))
