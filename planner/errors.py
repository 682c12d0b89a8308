"""The error hierarchy and its fixed exit codes.

``InputError`` (exit 2) carries every problem found in one pass over the
user's files; ``RoadsError`` (exit 3) is for road data and routing that cannot
be done; ``DataError`` (exit 3) for stored data that is damaged (a campaign's
state file); ``PlannerError`` (exit 1) is an internal failure.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in a user's file: ``file › where › what › fix``.

    ``where`` names the row and/or field (``row 7, field lon``); ``severity``
    is ``error`` or ``warning``.
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
