"""How every job writes a day's outputs, in one place.

``write_day``: the plan file is written first, then read back, and the
documents (map, itineraries, notices, GPX) are rendered from what was read,
so that ``plan.py render PLAN.json`` reproduces them byte for byte.
``write_day_plan``: a campaign day that is not drawn gets its ``plan.json``
and its villages' ``notices.pdf`` only. ``day_drawer``: a campaign day's
documents drawn into a folder (a re-plan draws into the day's stage and swaps
the whole folder in: ``planner.campaign.folders``). ``check_out_dir``: no
job writes into a non-empty folder unless told to overwrite.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from planner.app.progress import Progress
from planner.campaign.dayloop import DayPlan
from planner.domain import Plan, Scenario
from planner.errors import InputError, Problem
from planner.legs import attach_legs, has_legs
from planner.planfile import plan_from_dict, plan_json, write_atomic
from planner.render import render_all
from planner.render.i18n import N_
from planner.roads.io import load_graph
from planner.speeds import SpeedTable, load_speed_table

Warn = Callable[[str], None]


def check_out_dir(out_dir: Path, overwrite: bool) -> None:
    """Refuse to write into a non-empty folder unless ``overwrite`` is given
    (``--overwrite`` on the command line)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(Problem("--out", str(out_dir), "is a file, not a folder",
                                 "give a folder with --out"))
    if out_dir.is_dir() and any(out_dir.iterdir()) and not overwrite:
        raise InputError(Problem("--out", str(out_dir), "is not empty",
                                 "add --overwrite to replace its files, or choose another "
                                 "folder"))


def scenario_file_for(plan_dir: Path, scenario_path: str | Path) -> str:
    """The scenario's path as written in plan.json: relative to the plan's folder."""
    return Path(os.path.relpath(Path(scenario_path).resolve(), plan_dir.resolve())).as_posix()


def write_day(plan: Plan, scenario: Scenario, day_dir: Path, *, lang: str = "vi",
              redact: bool = False, scope: list[str] | None = None,
              warn: Warn | None = None) -> list[Path]:
    """Write ``day_dir/plan.json`` (naming the scenario file, and ``scope``: the
    resident ids of a campaign day's scenario) and render every output from
    the plan read back from it. ``plan`` must carry its legs
    (``planner.legs.attach_legs``). Returns the paths written."""
    day_dir = Path(day_dir)
    text = plan_json(plan, scenario, scenario_file_for(day_dir, scenario.source)
                     if scenario.source else "", scope)
    written = [write_atomic(day_dir / "plan.json", text)]
    again = plan_from_dict(json.loads(text))
    written += render_all(again, scenario, day_dir, lang=lang, redact=redact, warn=warn)
    return written


def scenario_in_scope(scenario: Scenario, scope: Iterable[str] | None,
                      day: dt.date | None = None) -> Scenario:
    """``scenario`` holding only the residents in ``scope`` (and the households
    with one of them); all of it when ``scope`` is None. ``day`` sets the date."""
    if day is not None:
        scenario = replace(scenario, date=day)
    if scope is None:
        return scenario
    keep = set(scope)
    households = []
    for h in scenario.households:
        residents = tuple(r for r in h.residents if r.id in keep)
        if residents:
            households.append(replace(h, residents=residents))
    return replace(scenario, households=tuple(households))


def day_drawer(*, lang: str = "vi", redact: bool = False, progress: Progress | None = None,
               warn: Warn | None = None, graphs: dict[str, object] | None = None,
               table: SpeedTable | None = None) -> Callable[[DayPlan, Path], list[Path]]:
    """``draw(day, folder)``: every output of a campaign day written in
    ``folder`` (its day folder, or the stage a re-plan swaps in:
    ``planner.campaign.folders``). Attaches the legs on the scenario's road
    graph (travel times from the speed table ``table``, the campaign's; None:
    the bundled one, read once) when the day's plan has none, and rewrites its
    plan.json with them. ``graphs`` (path → loaded graph) may be shared
    between calls; only the last graph loaded is kept in it."""
    graphs = {} if graphs is None else graphs
    tables: list[SpeedTable] = [table] if table is not None else []

    def draw(d: DayPlan, folder: Path) -> list[Path]:
        if progress is not None:
            progress.say(N_("Drawing the outputs of {date}…"), date=d.date.isoformat())
        plan = d.plan
        if not has_legs(plan) and any(len(r.stops) > 1 for r in plan.routes):
            if d.scenario.roads not in graphs:
                graphs.clear()  # one graph in memory at a time (a province's road areas)
                if not tables:  # not given by the caller: read once for every day
                    tables.append(load_speed_table())
                graphs[d.scenario.roads] = load_graph(d.scenario.roads, table=tables[0])
            plan = attach_legs(plan, d.scenario, graphs[d.scenario.roads], tables[0])
        scope = [r.id for h in d.scenario.households for r in h.residents]
        return write_day(plan, d.scenario, folder, lang=lang, redact=redact, scope=scope,
                         warn=warn)

    return draw


def render_days(days: Iterable[DayPlan], out_dir: Path, *, lang: str = "vi",
                redact: bool = False, progress: Progress | None = None,
                warn: Warn | None = None, graphs: dict[str, object] | None = None,
                table: SpeedTable | None = None) -> list[Path]:
    """Every output of each campaign day in ``out_dir/days/YYYY-MM-DD/``
    (``day_drawer``'s, written in place: for a new campaign's folders; a
    re-plan swaps whole days in, ``planner.state.tomorrow``)."""
    draw = day_drawer(lang=lang, redact=redact, progress=progress, warn=warn, graphs=graphs,
                      table=table)
    written: list[Path] = []
    for d in days:
        written += draw(d, out_dir / "days" / d.date.isoformat())
    return written
