"""The error hierarchy and its fixed exit codes.

``InputError`` (exit 2) carries every problem found in one pass over the
user's files; ``RoadsError`` (exit 3) is for road data and routing that cannot
be done; ``DataError`` (exit 3) for stored data that is damaged (a campaign's
state file); ``PlannerError`` (exit 1) is an internal failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class Msg(str):
    """A message for people that can be translated after it is built.

    Its text is the English message with its values filled in (what logs and
    ``str()`` show); ``msgid`` is the gettext message with named ``{value}``
    placeholders (``str.format`` syntax) and ``values`` the values, so a front
    end can print it in another language (``planner.render.i18n.message_text``):
    the msgid is translated, then filled. A value that is itself a ``Msg`` is
    translated too, a list or tuple is shown as its items joined by ", "; any
    other value (ids, file names, numbers) is shown as it is.
    """

    msgid: str
    values: dict[str, Any]

    def __new__(cls, msgid: str, values: dict[str, Any] | None = None) -> Msg:
        values = dict(values or {})
        shown = {k: ", ".join(str(x) for x in v) if isinstance(v, list | tuple) else v
                 for k, v in values.items()}
        try:
            text = msgid.format(**shown) if values else msgid
        except (KeyError, IndexError, ValueError):
            text = msgid  # a malformed message still reads as its msgid
        self = super().__new__(cls, text)
        self.msgid = msgid
        self.values = values
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Msg, (self.msgid, self.values))


def reason_of(exc: BaseException) -> str:
    """The message an exception was raised with, a ``Msg`` kept as it is
    (``str(exc)`` would drop its msgid)."""
    if len(exc.args) == 1 and isinstance(exc.args[0], str):
        return exc.args[0]
    return str(exc)


def N_(message: str) -> str:
    """Mark a message for the gettext catalog (babel's ``N_`` keyword) without
    translating it: the one marker every layer imports."""
    return message


def msg(msgid: str, /, **values: Any) -> Msg:
    """A translatable message: ``msg("row {row}: '{text}' is not a date", row=7,
    text=cell)``. The msgid is extracted into the catalog (keyword ``msg``)."""
    return Msg(msgid, values)


@dataclass(frozen=True)
class Problem:
    """One problem in a user's file: ``file › where › what › fix``.

    ``where`` names the row and/or field (``row 7, field lon``); ``severity``
    is ``error`` or ``warning``. ``what`` and ``fix`` are ``Msg`` (or plain
    messages of the catalog) so the front end prints them in the user's language
    (``planner.render.i18n.problem_text``); ``str()`` is the English text, for logs.
    """

    file: str
    where: str
    what: str
    fix: str
    severity: str = "error"

    def __str__(self) -> str:
        parts = [self.file]
        if self.where:
            parts.append(self.where)
        parts.append(self.what)
        text = " › ".join(parts)
        return f"{text} › {self.fix}" if self.fix else text


class PlannerError(Exception):
    """An internal failure (exit code 1)."""

    exit_code = 1


class InputError(PlannerError):
    """The user's input is wrong (exit code 2). Holds every problem found."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem("input", "", problems, "")]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = [p for p in problems if p.severity == "error"] or list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class RoadsError(PlannerError):
    """Road data cannot be read or routed on (exit code 3)."""

    exit_code = 3


class DataError(PlannerError):
    """Stored data is damaged, e.g. a campaign's ``campaign.db`` (exit code 3).

    The message names the file and says how to recover."""

    exit_code = 3

    def __init__(self, problem: Problem):
        self.problems = [problem]
        super().__init__(str(problem))
