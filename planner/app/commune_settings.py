"""The settings of a commune made by the Start page, edited after it is
made: ``read_settings`` reads a scenario folder's ``scenario.yaml`` back
into the form's ``CommuneSettings``; ``edit_settings`` writes the edited
settings in its place (the households list and the road data stay as they
are) and checks the scenario again, like the list; ``replace_roads`` gives
the commune other road data (an OpenStreetMap extract imported, a GraphML
graph, elevation rasters), its old graph kept until the new one is whole.

The file is written whole and atomically; the check is the scenario
loader's (``app.workspace.check_report``), so a mistake in the form comes
back with its field and fix. A campaign planned from the folder follows at
its next re-plan. Nothing here prints.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from planner.app.commune import (
    CommuneSettings,
    PointSettings,
    TeamSettings,
    VillageSettings,
    commune_places,
    scenario_data,
)
from planner.app.commune_roads import GRAPH_SUFFIXES, import_commune_roads
from planner.app.progress import Progress
from planner.app.text import N_
from planner.app.workspace import CheckReport, check_report
from planner.atomic import write_atomic
from planner.errors import InputError, Problem, msg

SCENARIO_FILE = "scenario.yaml"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _raw(folder: Path) -> dict[str, Any]:
    path = Path(folder) / SCENARIO_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        data = None
    if not isinstance(data, dict):
        raise InputError(Problem(str(path), "", msg("not a scenario the workspace can read"),
                                 msg("make the commune again from the Start page")))
    return data


def read_settings(folder: Path) -> CommuneSettings:
    """The settings of the scenario folder ``folder`` as the form shows them
    (numbers and times as text; every village with its coordinates and
    meeting places). ``InputError`` when its scenario.yaml cannot be read."""
    data = _raw(folder)
    station = data.get("station") or {}
    teams = tuple(TeamSettings(
        _text(t.get("id")), _text(t.get("name")), tuple(_text(m) for m in t.get("members") or ()),
        _text(t.get("motorbikes", "")), _text(t.get("kits", "")), _text(t.get("shift", "")),
        _text(t.get("lunch", "")), tuple(t.get("duties") or ()), bool(t.get("can_split")))
        for t in data.get("teams") or () if isinstance(t, dict))
    villages = tuple(VillageSettings(_text(v.get("id")), _text(v.get("name")),
                                     _text(v.get("lon", "")), _text(v.get("lat", "")))
                     for v in data.get("villages") or () if isinstance(v, dict))
    points = tuple(PointSettings(_text(v.get("id")), _text(p.get("name")), _text(p.get("lon")),
                                 _text(p.get("lat")))
                   for v in data.get("villages") or () if isinstance(v, dict)
                   for p in v.get("points") or () if isinstance(p, dict))
    campaign = data.get("campaign") or {}
    return CommuneSettings(_text(data.get("name")), _text(station.get("name")),
                           _text(station.get("lon")), _text(station.get("lat")), teams,
                           _text(campaign.get("start") or data.get("date")),
                           _text(campaign.get("deadline", "")), _text(data.get("season", "")),
                           villages, points)


def edit_settings(folder: Path, settings: CommuneSettings) -> CheckReport:
    """Write ``settings`` as the scenario of ``folder`` (its households list
    and ``roads:`` kept) and check it again."""
    folder = Path(folder)
    old = _raw(folder)
    households = folder / _text(old.get("households"))
    if not households.is_file() or households.parent != folder:
        raise InputError(Problem(str(folder / SCENARIO_FILE), "households",
                                 msg("the households list is missing"),
                                 msg("upload the list again on the Check page")))
    data = scenario_data(settings, households, _text(old.get("roads")))
    text = "# " + msg("Made by the workspace's Start page; edit it there or here.") + "\n"
    write_atomic(folder / SCENARIO_FILE,
                 text + yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return check_report(folder / SCENARIO_FILE)


@dataclass(frozen=True)
class RoadsChange:
    """Give the commune of the scenario folder ``folder`` the roads of
    ``roads_file`` (an OpenStreetMap extract to import with the elevation
    rasters ``dems``, or a .graphml used as it is)."""

    folder: Path
    roads_file: Path
    dems: tuple[Path, ...] = ()


def replace_roads(change: RoadsChange, progress: Progress | None = None) -> CheckReport:
    """Import (or copy) the new roads beside the old graph, check that they
    reach the commune's villages, then put them in place of ``roads.graphml``
    in one step and name it in scenario.yaml; check the scenario again. An
    error (or a job cut short) leaves the commune's roads as they were."""
    progress = progress or Progress.silent()
    folder = Path(change.folder)
    old = _raw(folder)
    settings = read_settings(folder)
    households = folder / _text(old.get("households"))
    fresh = folder / ".roads.new.graphml"
    fresh.unlink(missing_ok=True)
    try:
        if change.roads_file.name.lower().endswith(GRAPH_SUFFIXES):
            shutil.copyfile(change.roads_file, fresh)
        else:
            import_commune_roads(change.roads_file, change.dems, fresh,
                                 commune_places(settings, households), progress)
        os.replace(fresh, folder / "roads.graphml")
    finally:
        fresh.unlink(missing_ok=True)
    if old.get("roads") != "roads.graphml":
        old["roads"] = "roads.graphml"
        text = "# " + msg("Made by the workspace's Start page; edit it there or here.") + "\n"
        write_atomic(folder / SCENARIO_FILE,
                     text + yaml.safe_dump(old, allow_unicode=True, sort_keys=False))
    progress.say(N_("Checking the scenario…"))
    return check_report(folder / SCENARIO_FILE)
