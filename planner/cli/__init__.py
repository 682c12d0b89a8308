"""The command line: a thin click layer over the planner package.

One module per subcommand; shared options in ``planner.cli.options``; heavy
imports inside the commands so that ``--help`` is instant. Errors map to fixed
exit codes: input 2, roads/routing 3, internal 1. No traceback reaches a user
for bad input (set ``PLANNER_DEBUG=1`` to see one for an internal error).
"""

from __future__ import annotations

import gc
import logging
import os
import sys

import click

from planner.app import PlannerError
from planner.app.logs import capture_warnings
from planner.cli.helptext import HelpGroup, args_lang, click_language, lang_of


class PlannerGroup(HelpGroup):
    """A click group that turns planner errors into one message and an exit code."""

    def main(self, args=None, *rest, **options):
        """The command line, with click's own messages (usage errors, bad
        values) in its language (``helptext.click_language``)."""
        argv = list(sys.argv[1:] if args is None else args)
        with click_language(args_lang(argv)):
            return super().main(args, *rest, **options)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["planner.args"] = list(args)  # for the language of an OS error's message
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PlannerError as exc:
            # imported here: the words of the message load the catalogs (not needed for --help)
            from planner.app.text import error_text

            click.echo(error_text(exc, _lang_of(ctx)), err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except OSError as exc:  # a folder or a disk at the edge: one message, no traceback
            # imported here: the words for an OS error load the catalogs (not needed for --help)
            from planner.app.outputs import os_error_problem
            from planner.app.text import gettext_for

            logging.getLogger(__name__).debug("OS error", exc_info=True)
            click.echo(gettext_for(_lang_of(ctx))("error: {message}").format(
                message=os_error_problem(exc, _lang_of(ctx))), err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted; no output was written", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("PLANNER_DEBUG") == "1":
                raise
            click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in the planner; rerun with PLANNER_DEBUG=1 and report "
                       "the traceback.", err=True)
            ctx.exit(1)


def _lang_of(ctx: click.Context) -> str:
    """The language of the command line (``helptext.lang_of``: ``--lang``, then
    ``$PLANNER_LANG``, then vi)."""
    return lang_of(ctx)


@click.group(cls=PlannerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mountain-id-planner")
@click.option("--lang", type=click.Choice(["vi", "en"]), default=None, expose_value=False,
              help="Language of every command's messages, outputs and help (default: vi, or "
                   "PLANNER_LANG); a command's own --lang wins.")
def cli() -> None:
    """Plan routes and schedules for mobile ID-card enrolment teams in mountain communes.

    Vietnamese by default; English with --lang en (before the command) or
    PLANNER_LANG=en.

    \b
    Start with the bundled fictional demo:
      python plan.py demo
    Check your own scenario, then plan tomorrow:
      python plan.py check scenarios/my-commune/scenario.yaml
      python plan.py day scenarios/my-commune/scenario.yaml --out out/tomorrow
    """
    capture_warnings()  # libraries' warnings to the log ($PLANNER_LOG), not the terminal
    if os.environ.get("PLANNER_DEBUG") == "1":  # the debug log: library errors in full
        logging.basicConfig(level=logging.DEBUG)


def _register() -> None:
    # imported here: each command module registers itself with the group below
    from planner.cli.check import check
    from planner.cli.day import day, demo
    from planner.cli.render import render

    cli.add_command(check)
    cli.add_command(day)
    cli.add_command(demo)
    cli.add_command(render)
    from planner.cli.campaign import campaign
    from planner.cli.decide import decide
    from planner.cli.record import record
    from planner.cli.serve import serve
    from planner.cli.staffing import staffing
    from planner.cli.tomorrow import tomorrow

    for command in (campaign, decide, record, tomorrow, staffing, serve):
        cli.add_command(command)
    from planner.cli.edit import edit

    cli.add_command(edit)
    try:
        from planner.cli.roads import roads
    except ImportError:  # the roads commands arrive with their module
        return
    cli.add_command(roads)


_register()


def main() -> None:
    """Entry point used by ``plan.py``. When the command is done, every
    object is frozen out of the garbage collector's reach (``gc.freeze``):
    the interpreter's exit then skips a last collection over the whole
    planning stack (numpy, scipy, networkx, OR-Tools, the road graph), about
    0.2-0.4 s of CPU after the outputs are written. Nothing of the planner
    relies on a collection at exit: files are written and closed whole
    (``planner.atomic``), databases committed and closed, child processes
    collected."""
    try:
        cli(prog_name="plan.py")
    finally:
        gc.freeze()
    sys.exit(0)
