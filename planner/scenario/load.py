"""``load_scenario``: the stages of reading a scenario, in order.

The YAML file is read, its top-level fields checked, then each section
parsed (station, villages, teams, parameters, priorities, campaign), the road
graph checked, villages without coordinates placed, the households table
read, and finally the checks across objects. Every problem of the YAML and of
the households table is collected before one ``InputError`` is raised.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.domain import Household, Scenario, Village
from planner.errors import InputError, Problem, msg
from planner.roads.io import resolve_graph_path
from planner.scenario.checks import (
    _check_capacity,
    _check_distances,
    _check_sites_reach,
    _check_station_reach,
    _check_village_distances,
    _check_wet_days,
)
from planner.scenario.households import _parse_households
from planner.scenario.parameters import (
    _campaign_date,
    _parse_campaign,
    _parse_parameters,
    _parse_priorities,
)
from planner.scenario.places import (
    _parse_station,
    _parse_villages,
    _place_villages,
    _resolve,
    _roads_problem,
)
from planner.scenario.reading import _parse_yaml, check_input_file
from planner.scenario.teams import _parse_teams
from planner.scenario.values import MAX_NAME_LEN, _boolean, _check_unknown, _Collector, _text, nfc
from planner.speeds import SpeedTable, default_season, load_speed_table, season_names

TOP_FIELDS = {"name", "fictional", "date", "season", "speeds", "roads", "households",
              "station", "villages", "teams", "parameters", "notes", "campaign", "priorities",
              "decisions"}
REQUIRED_TOP = ("name", "date", "roads", "households", "station", "villages", "teams")


def load_scenario(path: str | Path, check_roads: bool = True,
                  speed_table: dict[str, Any] | None = None,
                  ) -> tuple[Scenario, list[Problem]]:
    """Read and validate a scenario; returns it with its warnings.

    ``season:`` may name any season of ``speed_table`` (default: the table the
    scenario's ``speeds:`` names, else ``maps/speeds.toml``). With
    ``check_roads``, the road graph must exist and the station must lie within
    walking range of one of its roads.

    Raises ``InputError`` listing every error in the YAML and the households
    table together.
    """
    scenario, warnings, _table = load_scenario_and_speeds(path, check_roads, speed_table)
    return scenario, warnings


def load_scenario_and_speeds(path: str | Path, check_roads: bool = True,
                             speed_table: SpeedTable | None = None,
                             ) -> tuple[Scenario, list[Problem], SpeedTable]:
    """``load_scenario``, and the speed table the scenario is planned with:
    ``speed_table`` when given, else the file its ``speeds:`` names (relative
    to the scenario), else ``maps/speeds.toml``. The table is read once, here:
    a command's entry passes it down (graph, matrices, day plans, legs)."""
    path = Path(path)
    if path.is_dir():
        path = path / "scenario.yaml"
    col = _Collector(str(path))
    data = _parse_yaml(path, col)
    if data is None:
        raise InputError(col.problems)
    if data and not any(str(key) in TOP_FIELDS for key in data):
        col.error("", msg("none of its fields is a scenario's field (name:, date:, teams:, ...): "
                      "this does not look like a scenario file"), msg("check the path; start from "
                      "scenarios/demo/scenario.yaml (see docs/scenario-format.md)"))
        raise InputError(col.problems)
    _check_top(data, col)
    scenario_name = _text(data.get("name"), "name", col, MAX_NAME_LEN)
    date = data.get("date")
    if date not in (None, ""):
        date = _campaign_date(date, "date", col)
    table = speed_table if speed_table is not None else _speed_table(data, path.parent, col)
    season = _parse_season(data, table, col)
    fictional = _boolean(data.get("fictional"), "fictional", col)
    station = _parse_station(data.get("station"), col)
    rejected: set[str] = set()
    villages = _parse_villages(data.get("villages"), col, rejected)
    teams = _parse_teams(data.get("teams"), col)
    parameters = _parse_parameters(data.get("parameters"), season, col)
    parameters = _parse_priorities(data.get("priorities"), parameters, col)
    campaign = _parse_campaign(data.get("campaign"), {t.id for t in teams}, col)
    _check_wet_days(campaign, table, col)
    roads = nfc(data.get("roads"))
    if roads and check_roads and not _roads_problem(roads, path.parent, col) and station:
        _check_station_reach(station, resolve_graph_path(roads, path.parent),
                             parameters.walk_limit_m, col)
    villages = _place_villages(villages, resolve_graph_path(roads, path.parent) if roads
                               else None, col)
    households, hh_col = _read_households(nfc(data.get("households")), path.parent, villages,
                                          frozenset(rejected))
    _check_village_distances(station, villages, col)
    if hh_col is not None:
        _check_distances(station, households, hh_col)
    if roads and check_roads and station and not any(p.where == "station.lon/lat"
                                                     for p in col.problems):
        _check_sites_reach(station, villages, households, resolve_graph_path(roads, path.parent),
                           parameters.walk_limit_m, col, hh_col)
    _check_capacity(teams, households, parameters, col)
    problems = col.problems + (hh_col.problems if hh_col else [])
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(problems)
    scenario = Scenario(
        name=scenario_name, fictional=fictional,
        date=date, station=station, villages=tuple(villages),  # type: ignore[arg-type]
        households=tuple(households), teams=tuple(teams),
        roads=str(resolve_graph_path(roads, path.parent)), parameters=parameters,
        source=str(path), campaign=campaign, decisions=_decisions_file(data, path.parent, col))
    if col.problems and any(p.severity == "error" for p in col.problems):
        raise InputError(col.problems)
    return scenario, [p for p in problems if p.severity == "warning"], table


def _speed_table(data: dict[str, Any], base: Path, col: _Collector) -> SpeedTable:
    """The speed table a scenario's ``speeds:`` names (a TOML file, relative to
    the scenario), else ``maps/speeds.toml``; a missing file is reported and the
    bundled table used to check the rest."""
    value = nfc(data.get("speeds"))
    if not value:
        return load_speed_table()
    found = _resolve(base, value)
    if not found.exists():
        col.error("speeds", msg("speed table '{value}' not found (looked beside the scenario)",
                                value=value),
                  msg("give the path of a copy of maps/speeds.toml, or remove speeds:"))
        return load_speed_table()
    checked = _Collector(str(found))
    if not check_input_file(found, checked, base):
        for p in checked.problems:
            col.error("speeds", msg("'{value}': {what}", value=value, what=p.what), p.fix)
        return load_speed_table()
    return load_speed_table(found)


def _decisions_file(data: dict[str, Any], base: Path, col: _Collector) -> str:
    """The decisions file a scenario's ``decisions:`` names (relative to the
    scenario; read by ``planner.campaign.decisions.read_decisions``), as an
    absolute path; ``""`` when none. A missing file is reported."""
    value = nfc(data.get("decisions"))
    if not value:
        return ""
    path = Path(value) if Path(value).is_absolute() else base / value
    if not path.is_file():
        col.error("decisions", msg("decisions file '{name}' not found (looked beside the "
                                   "scenario)", name=value),
                  msg("give the path of a file written by `plan.py decide FOLDER "
                      "--export FILE`, or remove decisions:"))
        return ""
    return str(path.resolve())


def _check_top(data: dict, col: _Collector) -> None:
    """Report unknown top-level fields and missing required ones."""
    _check_unknown(data, TOP_FIELDS, "", col)
    for key in REQUIRED_TOP:
        if key not in data or data[key] in (None, ""):
            col.error(key, msg("missing"), msg("add '{key}:'; see docs/scenario-format.md",
                                               key=key))


def _parse_season(data: dict, table: SpeedTable, col: _Collector) -> str:
    """The scenario's ``season:``, one of the speed table's seasons (default:
    the table's default season, also after reporting an unknown one)."""
    seasons = season_names(table)
    season = nfc(data.get("season") or default_season(table))
    if season not in seasons:
        col.error("season", msg("unknown season '{season}'", season=season),
                  msg("use one of the seasons of the speed table: {listing} (a new "
                      "season is one more [seasons.NAME] table in maps/speeds.toml)",
                      listing=', '.join(seasons)))
        season = default_season(table)
    return season


def _read_households(hh_value: str, base: Path, villages: list[Village],
                     rejected: frozenset[str] = frozenset(),
                     ) -> tuple[list[Household], _Collector | None]:
    """The households of the table named by ``households:`` (relative to the
    scenario's folder ``base``), with the collector of that table's problems
    (None when the field is empty: reported as missing with the YAML).
    ``rejected``: villages already reported (``_parse_villages``)."""
    households: list[Household] = []
    if not hh_value:
        return households, None
    hh_path = _resolve(base, hh_value)
    hh_col = _Collector(str(hh_path))
    if hh_path.suffix.lower() not in (".csv", ".txt", ".xlsx", ".xlsm"):
        hh_col.error("", msg("unsupported table type '{suffix}'", suffix=hh_path.suffix),
                     msg("give a .csv (UTF-8) or .xlsx file"))
    else:
        households = _parse_households(hh_path, villages, hh_col, base, rejected)
    return households, hh_col
