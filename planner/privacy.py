"""What a shared output may show, and cells no spreadsheet runs: the one place.

**Redaction** (``--redact``, "shareable copy: names hidden"). Maps, itineraries
and notices leave the station over messaging apps and on paper; a shareable
copy shows only what this module lets through:

- a person (resident or officer) by initials (``"Sùng Thị Chở"`` → ``"S.T.C."``;
  an officer's role in parentheses is kept);
- no health condition, nor anything that gives one away (what to bring for a
  bedridden resident, a reason naming a priority tier such as "postpartum");
- no phone number, no national ID number, no free-text note.

ID numbers are never shown, redacted or not (the team looks people up on
site). Every writer asks this module (``person``, ``member``, ``condition``,
``contact``, ``note``, ``reason``); none decides on its own.

**Spreadsheet cells.** A CSV or .xlsx cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is a formula to Excel and LibreOffice.
Every CSV the project writes goes through ``csv_text``, which prefixes such a
cell with ``'`` (``safe_cell``); a plain number (``-3``, ``+1.5``) is left as
it is. Reading a CSV back (``read_cell``) removes that one ``'``, so a value
comes back as the same text. An .xlsx cell is written as a string, never as a
formula (``xlsx_text_cell``).

**Outputs.** ``OUTPUTS`` lists every file the project writes, the module that
writes it and what personal data it may hold; ``NOT_OUTPUTS`` the modules
that write files nobody shares. ``tests/render/test_redaction_everywhere.py``
fails on a writer missing here and on a leak in any redacted output.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from planner.domain import CONDITIONS

# --- redaction ------------------------------------------------------------------

_WORD = re.compile(r"\w", re.UNICODE)


def _nfc(text: object) -> str:
    return "" if text is None else unicodedata.normalize("NFC", str(text))


def initials(full_name: str) -> str:
    """``"Sùng Thị Chở"`` → ``"S.T.C."``: the first letter of every word.
    Parenthesised remarks are dropped."""
    name = re.sub(r"\(.*?\)", " ", _nfc(full_name))
    letters = [m.group(0).upper() for word in name.split() if (m := _WORD.search(word))]
    return "".join(f"{c}." for c in letters)


def person(full_name: str, redact: bool) -> str:
    """A resident's name as an output may show it: initials when redacted."""
    return initials(full_name) if redact else _nfc(full_name)


def member(name: str, redact: bool) -> str:
    """A team member, keeping a role in parentheses (``"L.V.T. (tổ trưởng)"``)."""
    if not redact:
        return _nfc(name)
    role = name[name.find("("):] if "(" in name and name.rstrip().endswith(")") else ""
    return _nfc(f"{initials(name)} {role}".strip())


def condition(label: str, redact: bool) -> str:
    """A condition's label (or a hint that gives it away, such as what to
    bring): '' when redacted."""
    return "" if redact else _nfc(label)


def contact(text: str, redact: bool) -> str:
    """A phone number or contact: '' when redacted."""
    return "" if redact else _nfc(text)


def note(text: str, redact: bool) -> str:
    """A free-text note of a resident or household: '' when redacted."""
    return "" if redact else _nfc(text)


_CONDITION_WORDS = re.compile(
    r"\s*\(?\b(" + "|".join(sorted((c for c in CONDITIONS), key=len, reverse=True))
    + r")\b\)?(,\s*)?", re.IGNORECASE)


def reason(text: str, generic: str | None, redact: bool) -> str:
    """Why a household is not served, as an output may show it: ``text`` (the
    plan's own words, with its numbers); when redacted, the ``generic`` words
    of its code (which name no condition) or, without them, ``text`` with
    every condition name taken out ("no capacity left for this priority
    (postpartum)" would pair a condition with the household's initials)."""
    if not redact:
        return _nfc(text)
    if generic:
        return _nfc(generic)
    return _nfc(_CONDITION_WORDS.sub(" ", text)).replace(" ,", ",").strip()


# --- spreadsheet cells ----------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (or a DDE command)."""
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet runs: a text starting with one
    of ``FORMULA_STARTS`` gets a leading ``'`` (and so does a text that would
    otherwise lose one on reading back); numbers and plain numeric texts are
    left as they are."""
    if not isinstance(value, str) or not value or _NUMBER.match(value):
        return value
    if value.startswith(FORMULA_STARTS) or (value.startswith("'")
                                            and value.lstrip("'").startswith(FORMULA_STARTS)):
        return "'" + value
    return value


def read_cell(value: Any) -> Any:
    """A cell of a CSV read back: ``safe_cell``'s ``'`` removed, so that
    ``read_cell(safe_cell(x)) == x``."""
    if isinstance(value, str) and value.startswith("'") \
            and value.lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """A CSV table (``\\n`` line ends) with every cell through ``safe_cell``:
    the one CSV writer of the project."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    # the csv module quotes a cell holding "\n" but not one holding a lone "\r"
    # (not in the line terminator): such a row is written with every cell quoted
    quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in [header, *rows]:
        cells = [safe_cell(v) for v in row]
        (quoted if any(isinstance(v, str) and "\r" in v for v in cells) else writer
         ).writerow(cells)
    return buf.getvalue()


def xlsx_text_cell(cell, value: Any) -> None:
    """Put ``value`` in an openpyxl ``cell``: a text is stored as a string in
    a text-formatted cell (``@``), never as a formula, whatever it starts with."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        cell.number_format = "@"


# --- every file the project writes ------------------------------------------------

HOLDS = ("people", "codes", "none")
"""What an output may hold: ``people`` names, conditions, contacts (shown
through this module: initials only when redacted); ``codes`` household and
resident codes only; ``none`` nothing about a person."""


@dataclass(frozen=True)
class Output:
    """A file the project writes: its name (``fnmatch`` pattern), the module
    that writes it and what it may hold (``HOLDS``)."""

    pattern: str
    writer: str
    holds: str


OUTPUTS: tuple[Output, ...] = (
    Output("plan.json", "planner.app.outputs", "codes"),
    Output("plan.json", "planner.campaign.report", "codes"),
    Output("campaign.json", "planner.campaign.report", "codes"),
    Output("map.html", "planner.render", "people"),
    Output("map-*.html", "planner.render", "people"),
    Output("itinerary-*.pdf", "planner.render", "people"),
    Output("route-*.gpx", "planner.render", "people"),
    Output("route-*.kml", "planner.render", "people"),
    Output("notices.pdf", "planner.render", "people"),
    Output("notices.pdf", "planner.campaign.report", "people"),
    Output("corrections-*.txt", "planner.campaign.corrections", "people"),
    Output("outcomes*.csv", "planner.state.record", "people"),
    Output("outcomes*.xlsx", "planner.state.record", "people"),
    Output("province.csv", "planner.state.store", "none"),
    Output("province.csv", "planner.app.staffing", "none"),
    Output("province.png", "planner.app.staffing", "none"),
    Output("staffing.csv", "planner.app.staffing", "none"),
    Output("runs.csv", "planner.app.staffing", "none"),
    Output("staffing.png", "planner.app.staffing", "none"),
    Output("staffing.html", "planner.app.staffing", "none"),
)
"""Every shareable file the project writes (its name, writer, what it holds)."""

PRIVATE_FILES: tuple[str, ...] = ("campaign.db", "campaign.db.bak", "campaign.db-*",
                                  ".day-memo.pickle")
"""Files an output folder may hold that are never shared: the campaign's
state (SQLite, with names) and its memo of day plans (with names), kept on
the station's machine."""

NOT_OUTPUTS: dict[str, str] = {
    "planner.privacy": "the one CSV writer (csv_text) and .xlsx cell (xlsx_text_cell): builds "
                       "text, writes no file",
    "planner.atomic": "the atomic write itself (every writer above calls it)",
    "planner.state.db": "campaign.db and its backup: the state, kept on the station's machine",
    "planner.state.phone": "a temporary copy of a phone export, removed after the import",
    "planner.roads.io": "road graphs (GraphML): no person in them",
    "planner.roads.learn_model": "maps/speeds.learnt.toml: speed factors per road class, "
                                 "surface, grade and season learnt from GPS tracks, with "
                                 "the tracks' checksums: no person in it",
    "planner.roads.cache": "road graphs with their travel times, cached beside the GraphML: "
                           "no person in them",
    "planner.campaign.daymemo": ".day-memo.pickle: the campaign's day plans (with names) "
                                "kept for the next re-plan, in the campaign folder on the "
                                "station's machine (private, as campaign.db)",
    "planner.demo": "the demo's scenario files: fictional inputs (its CSV through csv_text, "
                    "read back by the scenario reader)",
    "planner.state.sheet": "builds the outcomes sheet's CSV and .xlsx (planner.state.record "
                           "writes them); NAME.rejects.csv beside a team leader's own sheet: "
                           "its rows that could not be imported, codes and notes as typed",
    "planner.campaign.chart": "builds the staffing CSVs and charts (planner.app.staffing "
                              "writes them)",
    "planner.campaign.decisions": "decisions.yaml (`decide --export`): the station's own "
                                  "input file for a scenario (household and team codes, who "
                                  "decided, when and why, as typed); no resident's name",
    "planner.app.commune": "a new commune's scenario folder in the workspace (scenario.yaml "
                           "and the team leader's own households list, fixed rows written "
                           "back through csv_text / xlsx_text_cell) and the list with its "
                           "problems marked, downloaded by the team leader: the station's "
                           "own input files, kept on its machine",
    "planner.web.pages": "the workspace's uploads, saved as given under the campaign's "
                         "imports/ folder on the station's machine (a team leader's own "
                         "outcome sheets and phone exports)",
    "planner.app.commune_settings": "the commune's scenario.yaml rewritten from the settings "
                                    "form (station, teams and members, villages, dates): "
                                    "the station's own input file, kept on its machine",
    "planner.web.learn": "the GPX tracks a team leader uploads on the Speeds page, saved as "
                         "given under the campaign's tracks/ folder on the station's machine "
                         "(the teams' own rides; no resident's data)",
}
"""Modules that write or build files that are not shareable outputs, and why."""
