"""The fixes the web workspace shows, said so that they can be done in the
web: a problem made deep in the planner tells a terminal user what to run
(`plan.py roads import FILE`, `--dem`, `--start`); the workspace says the
same thing in terms of its own pages (the Road data part of a commune's
settings, the Edit page's decisions, the Outcomes page's correction).

``web_message(text)`` is ``text`` with its command-line fix replaced (same
values, another msgid); ``web_problem`` does it for a problem's ``what`` and
``fix``; ``web_error_text(exc, lang)`` is ``error_text`` of an error so
reworded. ``ROADS_FIXES`` are the messages whose fix is other road data (the
page links them to the road form). Nothing here prints.
"""

from __future__ import annotations

import dataclasses

from planner.app.text import N_, error_text
from planner.errors import InputError, Msg, PlannerError, Problem

ROADS_IMPORT = N_("choose the commune's road file under Road data on its settings page (an "
                  "OpenStreetMap extract is imported there)")

WEB_WORDS: dict[str, str] = {
    "import it first: python plan.py roads import {roads} --name NAME, then write roads: NAME":
        ROADS_IMPORT,
    "that looks like a table: name it under households:, and under roads: the name of a graph "
    "in maps/ or the path of a .graphml file; make one from an OpenStreetMap extract (.osm, "
    ".pbf) with `python plan.py roads import FILE --name NAME`": ROADS_IMPORT,
    "under roads: give the name of a graph in maps/ or the path of a .graphml file; make one "
    "from an OpenStreetMap extract (.osm, .pbf) with `python plan.py roads import FILE --name "
    "NAME`": ROADS_IMPORT,
    "import one with `python plan.py roads import FILE --name NAME`": ROADS_IMPORT,
    "check station.lon/lat (swapped, or a typo?), or use a road graph that covers the commune: "
    "python plan.py roads import FILE --name NAME":
        N_("check the station's longitude and latitude (swapped, or a typo?) on the settings "
           "page, or choose road data that cover the commune under Road data there"),
    "check the lon/lat (swapped, or a typo?), or use a road graph that covers them: python "
    "plan.py roads import FILE --name NAME":
        N_("check the longitude and latitude (swapped, or a typo?), or choose road data that "
           "cover them under Road data on the commune's settings page"),
    "re-import the roads of the whole commune: python plan.py roads import FILE --name NAME":
        N_("choose road data of the whole commune under Road data on its settings page"),
    "re-create the graph with `python plan.py roads import FILE --name NAME` (or `python "
    "plan.py demo --regenerate` for the demo's)": ROADS_IMPORT,
    "{given} › exists but is not a road graph (GraphML) › give a graph made by `python plan.py "
    "roads import FILE --name NAME` (for an OSM file: import it)":
        N_("{given} › exists but is not a road graph (GraphML) › choose an OpenStreetMap "
           "extract or a .graphml under Road data on the commune's settings page"),
    "{path} › road graph not found › run `python plan.py roads import FILE --name {stem}` or "
    "`python plan.py demo` to create it":
        N_("{path} › road graph not found › choose the commune's road file under Road data on "
           "its settings page"),
    "{path} › {where} › not a readable road graph (not GraphML, or damaged) › re-create it "
    "with `python plan.py roads import FILE --name NAME`":
        N_("{path} › {where} › not a readable road graph (not GraphML, or damaged) › choose "
           "the road file again under Road data on the commune's settings page"),
    "{path} › every edge (highway={kinds}) › no edge a {profile} may use in season {season} › "
    "import an area with roads a {profile} may take (tracks or larger for a motorbike, paths "
    "for walking): python plan.py roads import FILE --name NAME; or check the speed table's "
    "closures for that season":
        N_("{path} › every edge (highway={kinds}) › no edge a {profile} may use in season "
           "{season} › choose an extract with roads a {profile} may take (tracks or larger for "
           "a motorbike, paths for walking) under Road data on the commune's settings page"),
    "{listing} › the elevation data do not cover {sum} of {length} road nodes (lon "
    "{w:.3f}…{e:.3f}, lat {s:.3f}…{n:.3f}) › add the SRTM tiles {names} with more --dem "
    "options":
        N_("{listing} › the elevation data do not cover {sum} of {length} road junctions (lon "
           "{w:.3f}…{e:.3f}, lat {s:.3f}…{n:.3f}): they are of another place › add the SRTM "
           "tiles {names} (Add an elevation file) and tick them under Elevation"),
    "no roads, tracks or paths inside the area › check --bbox W,S,E,N (lon, lat) or "
    "--boundary; the file's data may lie elsewhere":
        N_("no roads, tracks or paths inside the area › the file's data lie elsewhere: choose "
           "an OpenStreetMap extract that covers the commune"),
    "no roads, tracks or paths inside the area › check --bbox W,S,E,N (lon, lat) or "
    "--boundary":
        N_("no roads, tracks or paths inside the area › the file's data lie elsewhere: choose "
           "an OpenStreetMap extract that covers the commune"),
    "keep it, or retire it first: plan.py decide FOLDER retire {id}":
        N_("keep it, or undo it first in the list of decisions on the Edit page"),
    "give a later deadline or an earlier --start":
        N_("give a later deadline or an earlier first day on the commune's settings page"),
    "re-plan it with `python plan.py tomorrow {out_dir}`, or write the new campaign to another "
    "folder":
        N_("open it and plan tomorrow on its Tomorrow page, or give the new campaign another "
           "name"),
    "if the recorded outcome is wrong, write correction in this row's kind column and why in "
    "its note (or use `plan.py record CAMPAIGN --correct {rid} --date {day} --outcome "
    "{outcome} --why ...`); otherwise fix this row to match":
        N_("if the recorded outcome is wrong, correct it under Correct an outcome on this "
           "page ({rid}, {day}); otherwise fix this row to match"),
    "Travel times use speeds learnt from the teams' GPS tracks (see: plan.py roads info).":
        N_("Travel times use speeds learnt from the teams' GPS tracks (see the Speeds page)."),
    "delete the file to go back to the speed table, then run `python plan.py roads learn` "
    "again":
        N_("delete the learnt speeds on the Speeds page, then learn the tracks again there"),
}
"""A command-line fix (its msgid) → the same fix in the workspace's words
(the same placeholders)."""

ROADS_FIXES = frozenset(k for k, v in WEB_WORDS.items() if "Road data" in v or
                        "Elevation" in v or "covers the commune" in v)
"""The messages whose fix is other road data (the page links them to its road form)."""


def web_message(text: object) -> object:
    """``text`` with its command-line fix said in the workspace's words (a
    ``Msg`` of ``WEB_WORDS``; anything else as it is)."""
    if isinstance(text, Msg) and text.msgid in WEB_WORDS:
        return Msg(WEB_WORDS[text.msgid], text.values)
    return text


def web_problem(problem: Problem) -> Problem:
    """``problem`` with its ``what`` and ``fix`` in the workspace's words."""
    return dataclasses.replace(problem, what=web_message(problem.what),
                               fix=web_message(problem.fix))


def is_roads_fix(problem: object) -> bool:
    """Whether ``problem``'s fix (or message) is other road data."""
    texts = (getattr(problem, "fix", None), getattr(problem, "what", None), problem)
    return any(isinstance(t, Msg) and t.msgid in ROADS_FIXES for t in texts)


def web_error_text(exc: BaseException, lang: str = "vi") -> str:
    """``error_text`` of ``exc`` with every command-line fix in the workspace's words."""
    if isinstance(exc, InputError) and exc.problems:
        exc = InputError([web_problem(p) for p in exc.problems])
    elif isinstance(exc, PlannerError) and len(exc.args) == 1 and isinstance(exc.args[0], Msg):
        reworded = web_message(exc.args[0])
        if reworded is not exc.args[0]:
            exc = type(exc)(reworded)
    return error_text(exc, lang)
