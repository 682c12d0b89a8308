"""The language of the command line, and ``--help`` in it.

Vietnamese by default; English when ``--lang en`` is given anywhere on the
command line (before the subcommand: ``plan.py --lang en record --help``, or
after it) or the environment variable ``PLANNER_LANG`` is ``en``.

Help texts are written in English in the code (a command's docstring, an
option's ``help=``) and are msgids of the catalog: ``HelpCommand`` and
``HelpGroup`` translate them, and click's own words (Usage, Options,
Commands, default), when the help is shown; the catalogs load only then,
so ``--help`` stays fast. Every command of ``plan.py`` uses these classes
(``tests/render/test_catalog_complete.py`` walks the commands and fails on a
help text without a Vietnamese translation).

Extraction: ``extract_help`` is a Babel extraction method (``babel.cfg``
maps it to this file) yielding every help text of ``plan.py``, so
``pybabel extract``/``update`` keep them in the catalog like the ``_()``
messages of the code.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from planner.app import N_

LANG_ENV = "PLANNER_LANG"
"""The environment variable that sets the language (``vi`` or ``en``)."""

CLICK_WORDS = (N_("Usage:"), N_("Options:"), N_("Commands:"))
"""click's own headings, at the start of a line of the help (msgids of the catalog)."""


CLICK_MESSAGES = (
    N_("Error: {message}"), N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"), N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"), N_("Missing option"), N_("Missing parameter"),
    N_("Missing {param_type}"), N_("Missing parameter: {param_name}"),
    N_("No such option {name!r}."), N_("No such command {name!r}."), N_("Missing command."),
    N_("Did you mean {possibility}?"), N_("(Did you mean one of: {possibilities}?)"),
    N_("Option {name!r} requires an argument."),
    N_("Option {name!r} requires {nargs} arguments."),
    N_("Option {name!r} does not take a value."),
    N_("Got unexpected extra argument ({args})"), N_("Got unexpected extra arguments ({args})"),
    N_("Aborted!"), N_("{value!r} is not {choice}."), N_("{value!r} is not one of {choices}."),
    N_("{value!r} does not match the format {format}."),
    N_("{value!r} does not match the formats {formats}."),
    N_("{value!r} is not a valid {number_type}."), N_("{value} is not in the range {range}."),
    N_("integer"), N_("float"), N_("integer range"), N_("float range"), N_("text"),
    N_("filename"), N_("boolean"), N_("folder"),
    N_("file"), N_("directory"), N_("path"),
    N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."), N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("Could not open file {filename!r}: {message}"),
)
"""click's own messages a user meets (a usage error, a bad value, a missing
file), msgids of the catalog: ``click_language`` says them in the command
line's language (click words them with the standard ``gettext``)."""

#: click's words that a command keeps once made (its --help option's help):
#: ``HelpCommand`` words them when the help is shown, in the help's language.
#: click's names of its value types, shown in capitals as an option's value
#: when the option names none (msgids of the catalog, in ``CLICK_MESSAGES``).
TYPE_NAMES = frozenset({"integer", "float", "integer range", "float range", "text", "path",
                        "file", "directory", "filename", "boolean", "folder"})
#: click's message that names a number type by its English name ``{number_type}``.
NUMBER_MESSAGE = "{value!r} is not a valid {number_type}."
HELP_OPTION_TEXTS = frozenset({"Show this message and exit.", "Show the version and exit."})
#: click's modules that word messages with ``gettext``/``ngettext``.
CLICK_MODULES = ("core", "exceptions", "parser", "formatting", "decorators", "types", "termui")


class _NamedTypes(str):
    """A message whose ``{number_type}`` (click's English type name: integer,
    float) is said in the message's language when it is filled in."""

    def __new__(cls, text: str, said: Callable[[str], str]) -> _NamedTypes:
        made = super().__new__(cls, text)
        made.said = said  # type: ignore[attr-defined]
        return made

    def format(self, *args: object, **kwargs: object) -> str:  # noqa: A003
        if isinstance(kwargs.get("number_type"), str):
            kwargs["number_type"] = self.said(kwargs["number_type"])  # type: ignore
        return str.format(self, *args, **kwargs)


def args_lang(args: list[str]) -> str:
    """The language of the command line ``args``: ``--lang en``/``vi``
    anywhere in it, else ``$PLANNER_LANG``, else ``vi``."""
    for k, arg in enumerate(args):
        if arg == "--lang=en" or (arg == "--lang" and args[k + 1:k + 2] == ["en"]):
            return "en"
        if arg == "--lang=vi" or (arg == "--lang" and args[k + 1:k + 2] == ["vi"]):
            return "vi"
    return env_lang()


@contextmanager
def click_language(lang: str) -> Iterator[None]:
    """While the command line runs, click's own messages (``CLICK_MESSAGES``:
    usage errors, bad values) in ``lang``: the ``gettext``/``ngettext`` its
    modules call are the catalog's (loaded at the first message, so that
    ``--help`` and a good command line stay fast); restored after."""
    if lang == "en":
        yield
        return
    loaded: list[Callable[[str], str]] = []

    def said(text: str) -> str:
        if text in HELP_OPTION_TEXTS:  # kept on the command: worded when help is shown
            return text
        if not loaded:
            loaded.append(_translator(lang))
        if text == NUMBER_MESSAGE:
            return _NamedTypes(loaded[0](text), said)
        return loaded[0](text)

    def said_n(singular: str, plural: str, n: int) -> str:
        return said(singular if n == 1 else plural)

    saved = []
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        for attr, ours in (("_", said), ("ngettext", said_n)):
            if hasattr(module, attr):
                saved.append((module, attr, getattr(module, attr)))
                setattr(module, attr, ours)
    try:
        yield
    finally:
        for module, attr, theirs in saved:
            setattr(module, attr, theirs)


def env_lang() -> str:
    """``en`` when ``$PLANNER_LANG`` says so, else ``vi``."""
    return "en" if os.environ.get(LANG_ENV, "").strip().lower() == "en" else "vi"


def lang_of(ctx: click.Context | None) -> str:
    """The language of this command line: ``--lang en`` anywhere in it (as
    ``PlannerGroup`` saw it), else ``$PLANNER_LANG``, else ``vi``."""
    return args_lang(ctx.meta.get("planner.args", []) if ctx is not None else [])


def default_lang() -> str:
    """The default of every ``--lang`` option: the language of the command line."""
    return lang_of(click.get_current_context(silent=True))


def _translator(lang: str) -> Callable[[str], str]:
    # imported here: the catalogs load only when a help page is shown
    from planner.app.lang import gettext_for

    return gettext_for(lang)


def _commands(command: click.Command) -> list[click.Command]:
    return list(command.commands.values()) if isinstance(command, click.Group) else []


def help_texts(command: click.Command, ctx: click.Context | None = None) -> list[str]:
    """Every msgid of ``command``'s help pages and its subcommands' (each
    paragraph and heading of a help, each option's help, click's own
    words), in order, once each."""
    ctx = ctx or click.Context(command, info_name=command.name)
    texts = help_units(command.help or "") + help_units(command.short_help or "")
    texts += [p.help for p in command.get_params(ctx) if getattr(p, "help", None)]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            texts += help_texts(sub, click.Context(sub, info_name=name, parent=ctx))
    if ctx.parent is None:
        texts += [*CLICK_WORDS, N_("default:"), N_("required")]
    return list(dict.fromkeys(texts))


def extract_help(fileobj, keywords, comment_tags, options):
    """Babel extraction method (``planner/locale/babel.cfg``): the help texts
    of every command of ``plan.py`` (``help_texts``), as ``(line, function,
    message, comments)``."""
    # imported here: the command tree registers itself in planner.cli, which imports this module
    from planner.cli import cli

    for text in help_texts(cli):
        yield 0, None, text, []


def help_units(text: str) -> list[str]:
    """The msgids of a command's help: each paragraph with its lines joined
    (click wraps it again), and in a verbatim block (``\\b``: examples) each
    line that is not indented (its headings); indented lines (commands) are
    shown as they are."""
    units = []
    for para in inspect.cleandoc(text).split("\n\n"):
        if para.startswith("\b\n"):
            units += [line for line in para.split("\n")[1:] if line and not line[0].isspace()]
        elif para.strip():
            units.append(" ".join(para.split()))
    return units


def help_text(text: str, _: Callable[[str], str]) -> str:
    """A command's help (a docstring) in the language of ``_``, paragraph by
    paragraph (``help_units``); verbatim blocks keep their layout."""
    out = []
    for para in inspect.cleandoc(text).split("\n\n"):
        if para.startswith("\b\n"):
            out.append("\n".join(line if not line or line[0].isspace() or line == "\b"
                                 else _(line) for line in para.split("\n")))
        else:
            joined = " ".join(para.split())
            out.append(_(joined))
    return "\n\n".join(out)


@contextmanager
def _translated(command: click.Command, ctx: click.Context,
                _: Callable[[str], str]) -> Iterator[None]:
    """``command``'s help texts (its own, its options', its subcommands' for
    the list of commands) in the language of ``_`` while the page is made."""
    saved: list[tuple[object, str, object]] = []

    def swap(obj: object, attr: str, whole: bool) -> None:
        text = getattr(obj, attr, None)
        if isinstance(text, str) and text:
            saved.append((obj, attr, text))
            setattr(obj, attr, help_text(text, _) if whole else _(text))

    swap(command, "help", True)
    swap(command, "short_help", True)
    for param in command.get_params(ctx):  # with the help option click adds
        swap(param, "help", False)
        if isinstance(param, click.Option) and param.metavar is None \
                and not param.is_flag and param.type.name.lower() in TYPE_NAMES:
            saved.append((param, "metavar", None))  # click's INTEGER, TEXT, ... in words
            param.metavar = _(param.type.name.lower()).upper()
    for sub in _commands(command):
        swap(sub, "help", True)
        swap(sub, "short_help", True)
    try:
        yield
    finally:
        for obj, attr, text in reversed(saved):
            setattr(obj, attr, text)


def click_words(page: str, _: Callable[[str], str]) -> str:
    """click's headings and ``[default: …]``/``[required]`` marks in the language of ``_``."""
    for word in CLICK_WORDS:
        said = _(word)
        page = re.sub(rf"(?m)^(\s*){re.escape(word)}", lambda m, t=said: m.group(1) + t, page)
    default, required = _("default:"), _("required")
    return (page.replace("[default: ", "[" + default + " ")
            .replace("[required]", "[" + required + "]"))


class HelpCommand(click.Command):
    """A command whose ``--help`` speaks the command line's language."""

    def get_help(self, ctx: click.Context) -> str:
        lang = lang_of(ctx)
        if lang == "en":
            return super().get_help(ctx)
        _ = _translator(lang)
        with _translated(self, ctx, _):
            return click_words(super().get_help(ctx), _)


class HelpGroup(HelpCommand, click.Group):
    """A group of commands whose ``--help`` (and its subcommands', made with
    ``@group.command()``) speaks the command line's language."""

    command_class = HelpCommand
