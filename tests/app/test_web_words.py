"""The fixes the web workspace shows are doable in the web: every
command-line fix ``app.web_words`` rewords is a message the planner really
makes (its msgid is in the source), its web words keep only that message's
placeholders and name no command or option, and the web's templates and
scripts name none either."""

from __future__ import annotations

import re
import string
from pathlib import Path

from planner.app.web_words import ROADS_FIXES, WEB_WORDS, is_roads_fix, web_error_text, web_message
from planner.errors import InputError, Problem, RoadsError, msg

ROOT = Path(__file__).resolve().parents[2]
LITERALS = re.compile(r'(?:msg|N_)\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)', re.S)
COMMAND = re.compile(r"plan\.py|(?<![\w-])--[a-z]")


def _source_msgids() -> set[str]:
    """The msgids of ``msg(...)`` / ``N_(...)`` calls in the package (adjacent
    literals joined), outside the command line and this module's own words."""
    found = set()
    for path in (ROOT / "planner").rglob("*.py"):
        if "cli" in path.parts or path.name == "web_words.py":
            continue
        for m in LITERALS.finditer(path.read_text(encoding="utf-8")):
            parts = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
            found.add("".join(parts).encode().decode("unicode_escape").encode("latin-1")
                      .decode("utf-8"))
    return found


def _fields(text: str) -> set[str]:
    return {f[1] for f in string.Formatter().parse(text) if f[1]}


def test_every_reworded_fix_is_made_by_the_planner_and_says_no_command() -> None:
    """Each key of ``WEB_WORDS`` is a msgid of the source; its web words use
    no placeholder the message lacks and name no ``plan.py`` nor option;
    every command-line fix about roads made in the scenario check and the
    roads import is reworded."""
    made = _source_msgids()
    assert set(WEB_WORDS) <= made, sorted(set(WEB_WORDS) - made)
    for cli, web in WEB_WORDS.items():
        assert _fields(web) <= _fields(cli), web
        assert not COMMAND.search(web), web
    roads_cli = {m for m in made if "plan.py roads import" in m}
    assert roads_cli <= set(WEB_WORDS) | {m for m in made if "roads import FILE --bbox" in m
                                          or "use `python plan.py roads import FILE`" in m}
    assert ROADS_FIXES and all(k in WEB_WORDS for k in ROADS_FIXES)


def test_a_problem_and_an_error_are_said_in_the_web_s_words() -> None:
    """A check problem's fix, and a roads error's whole message, come out
    without the command, with their values, in Vietnamese; a message that
    has no command is left as it is."""
    fix = msg("import it first: python plan.py roads import {roads} --name NAME, then write "
              "roads: NAME", roads="x.osm")
    problem = Problem("scenario.yaml", "roads", msg("bad"), fix)
    assert is_roads_fix(problem)
    said = web_error_text(InputError(problem), "vi")
    assert "plan.py" not in said and "Dữ liệu đường" in said
    error = RoadsError(msg("{listing} › the elevation data do not cover {sum} of {length} road "
                           "nodes (lon {w:.3f}…{e:.3f}, lat {s:.3f}…{n:.3f}) › add the SRTM "
                           "tiles {names} with more --dem options", listing="N41E001.hgt",
                           sum=5, length=9, w=1.4, e=1.7, s=42.4, n=42.6, names="N42E001"))
    said = web_error_text(error, "vi")
    assert "--dem" not in said and "N42E001" in said and "5 trong 9" in said
    plain = msg("choose a file of that kind")
    assert web_message(plain) is plain


def test_the_web_pages_name_no_command() -> None:
    """No template or script of the web workspace tells the user to run a
    command."""
    web = ROOT / "planner" / "web"
    for path in [*web.glob("templates/*.html"), *web.glob("static/*.js")]:
        assert not COMMAND.search(path.read_text(encoding="utf-8")), path.name
