"""Options shared by several subcommands, and the CLI's progress and warnings."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path

import click

from planner.app import parse_day
from planner.cli.helptext import default_lang


class DateParam(click.ParamType):
    """A ``YYYY-MM-DD`` option; a day that does not exist (2026-02-30) is named as
    such. The value is a ``datetime.datetime`` at midnight (``.date()`` gives the day)."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.datetime):
            return value
        try:
            day = parse_day(value)
        except ValueError as exc:
            self.fail(f"{exc}; give a real day as YYYY-MM-DD, e.g. 2026-11-24", param, ctx)
        return dt.datetime(day.year, day.month, day.day)


class CampaignDir(click.ParamType):
    """A campaign folder argument: a file there is refused with a fix (not
    click's "Directory ... is a file")."""

    name = "CAMPAIGN_DIR"

    def convert(self, value, param, ctx):
        path = value if isinstance(value, Path) else Path(value)
        if path.exists() and not path.is_dir():
            self.fail(f"{path} is a file, not a campaign folder; give the folder made by "
                      "`python plan.py campaign SCENARIO --out FOLDER`", param, ctx)
        return path


class InputFile(click.ParamType):
    """A file argument (a plan.json, an outcomes sheet): a folder there is
    refused with a fix (not click's "File ... is a directory")."""

    name = "FILE"

    def convert(self, value, param, ctx):
        path = value if isinstance(value, Path) else Path(value)
        if path.is_dir():
            self.fail(f"{path} is a folder, not a file; give the path of the file inside it",
                      param, ctx)
        return path


#: The date type of every ``--date``, ``--start`` and ``--deadline`` option.
DATE = DateParam()


class FiniteRange(click.FloatRange):
    """A number option within ``min``…``max`` that is a real number: ``nan``,
    ``inf`` and ``-inf`` are refused with the range to give (click's own
    range lets NaN through: every comparison with it is false)."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number; give a number between "
                      f"{self.min:g} and {self.max:g}", param, ctx)
        return number


class OutDir(click.ParamType):
    """An output folder (``--out``): a path that may not exist yet; a file
    there is refused with a fix (not click's "Directory ... is a file")."""

    name = "FOLDER"

    def convert(self, value, param, ctx):
        path = value if isinstance(value, Path) else Path(value)
        if path.exists() and not path.is_dir():
            self.fail(f"{path} is a file, not a folder; give a folder (a new one is created) "
                      "or move the file away", param, ctx)
        return path

scenario_arg = click.argument(
    "scenario", type=click.Path(path_type=Path, dir_okay=True, exists=False))
out_opt = click.option("--out", "out_dir", type=OutDir(),
                       default=None, help="Output folder (default: out/<scenario name>).")
overwrite_opt = click.option("--overwrite", is_flag=True, default=False,
                             help="Replace the files of a non-empty output folder.")
time_limit_opt = click.option("--time-limit", type=FiniteRange(0.1, 3600), default=None,
                              help="Solver time limit in seconds (default: the scenario's).")
seed_opt = click.option("--seed", type=click.IntRange(0, 2**31 - 1), default=None,
                        help="Random seed of the search (default: the scenario's).")
date_opt = click.option("--date", "date", type=DATE,
                        default=None, help="The day to plan, YYYY-MM-DD (default: the "
                                           "scenario's date).")

lang_opt = click.option("--lang", "lang", type=click.Choice(["vi", "en"]), default=default_lang,
                        show_default=False,
                        help="Language of the messages, the map, itineraries, notices and GPX "
                             "(default: vi; en when PLANNER_LANG=en or plan.py --lang en).")
redact_opt = click.option("--redact", is_flag=True, default=False,
                          help="Shareable outputs: household codes and initials only (no "
                               "names, ID numbers, conditions, phone numbers or notes).")


def day_plan_options(command):
    """The options a day's plan takes: output folder, solver knobs, documents."""
    for option in reversed((out_opt, time_limit_opt, seed_opt, overwrite_opt, lang_opt,
                            redact_opt)):
        command = option(command)
    return command


def day_of(value: dt.datetime | None) -> dt.date | None:
    """The day of a ``DATE`` option's value (None stays None)."""
    return value.date() if value is not None else None


def progress_for(lang: str):
    """A ``planner.app.progress.Progress`` printing its lines on stderr."""
    # imported here: the progress module loads the translations (not needed for --help)
    from planner.app.progress import Progress

    return Progress(lang, echo=lambda text: click.echo(text, err=True))


def warner(_: Callable[[str], str]) -> Callable[[object], None]:
    """Print a warning (a message or a problem) on stderr, in the language of ``_``."""
    # imported here: the words of a problem load the catalogs (not needed for --help)
    from planner.app.text import problem_text

    def warn(message: object) -> None:
        click.echo(_("warning: {message}").format(message=problem_text(message, _)), err=True)
    return warn
