"""Travel times on a road graph from the editable speed table ``maps/speeds.toml``.

Graph in, graph out, the osmnx way. Reads per edge: ``length`` (m), ``highway``,
optional ``surface``, ``tracktype``, ``smoothness``, ``ford`` ("yes"),
``ford_node`` ("yes": the ford is a crossing point on the edge, not the whole
edge), ``closed`` ("yes": an explicit closure in every season), ``closed_<season>``
("yes": closed in that season only), ``oneway`` with ``reversed`` (a vehicle
may not ride against a one-way road; walkers may), ``access``,
``motorcycle``, ``motor_vehicle`` and ``foot`` ("no"/"private" forbid the
profile) and ``grade`` (rise over run in the edge's direction; 0 when absent).
Adds per edge, for each profile and season, ``tt_<profile>_<season>`` in
seconds (e.g. ``tt_motorbike_wet``); an edge a profile may not use in a season
gets no such attribute.

Seasons are data: each ``[seasons.NAME]`` table of the speed table is a season
(``season_names``), with its per-profile factors (``motorbike.unpaved_factor``,
``motorbike.paved_factor``, ...; 1.0 when absent) and the edges it ``closes``
(``"ford"``: edges tagged as fords; ``"KEY=VALUE"``: edges with that tag, e.g.
``"surface=mud"``). ``default_season`` names the season of a scenario that
names none, against which closures in another season are explained;
``rain_season`` the season of a rainy day (a scenario's ``campaign.wet_days``,
a staffing simulation's drawn wet days). Which season a day is planned in is
decided here only (``season_of_day``), and the seasons a campaign's matrices
need too (``campaign_seasons``); the words shown to people for a season are
its name through gettext (``season_label``).

A calibration layer learnt from the teams' GPS tracks (``plan.py roads
learn``, ``planner/roads/learn_model.py``) lives beside the table as
``<table>.learnt.toml`` (``maps/speeds.learnt.toml``): when that file exists,
``load_speed_table`` reads it into ``table["calibration"]`` and every motorbike
edge time is divided by the learnt ``speed_factor`` of its cell (road class ×
surface × grade band × season, ``calibration_cell``), and an edge ridden
again and again by its own factor too (``edge_factors``, by ``edge_label``).
The table stays the prior; deleting the file goes back to it.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from planner.errors import N_, InputError, Problem, msg

PROFILES: tuple[str, ...] = ("motorbike", "walk", "car")
MAPS_DIR = Path(__file__).resolve().parent.parent / "maps"
DEFAULT_TABLE = MAPS_DIR / "speeds.toml"

SpeedTable = dict[str, Any]


#: The bundled table's default and rain seasons, used when a table has no
#: ``default_season`` / ``rain_season`` key. A season is shown to people as
#: its name through gettext (``_(season)``; the catalog has these two: vi
#: "khô", "mưa"); a season the catalog lacks is shown by its name.
DEFAULT_SEASON, RAIN_SEASON = N_("dry"), N_("wet")


def load_speed_table(path: str | Path | None = None) -> SpeedTable:
    """Read the speed table (TOML). Raises ``InputError`` naming the file."""
    path = Path(path) if path else DEFAULT_TABLE
    try:
        with open(path, "rb") as fh:
            table = tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(Problem(str(path), "", msg("file not found"),
                                 msg("give the path of a speed table like "
                                     "maps/speeds.toml"))) from None
    except tomllib.TOMLDecodeError as exc:
        if str(exc).startswith(("Cannot overwrite a value", "Cannot declare")):
            raise InputError(Problem(str(path), str(exc).partition("(")[2].rstrip(")"),
                                     msg("a key or table given twice"),
                                     msg("keep one of the two; TOML does not "
                                         "allow both"))) from None
        raise InputError(Problem(str(path), "", msg("not valid TOML ({exc})", exc=exc),
                                 msg("fix the syntax; compare with maps/speeds.toml"))) from None
    missing = [p for p in ("motorbike", "walk") if p not in table]
    if missing:
        raise InputError(Problem(str(path), ", ".join(missing), msg("profile section missing"),
                                 msg("add the section; copy it from maps/speeds.toml")))
    problems = season_problems(table, str(path))
    if problems:
        raise InputError(problems)
    table["table_path"] = str(path)
    calibration = load_calibration(calibration_path(path))
    if calibration is not None:
        table["calibration"] = calibration
    return table


def table_key(table: SpeedTable) -> str:
    """The content key of ``table`` (hex SHA-256): equal for two tables with the
    same keys and values (its learnt layer included), whatever their file,
    order or comments; it also
    covers the code that turns a table into travel times (this module), so a
    change to either makes travel times cached under the old key stale
    (``planner.roads.cache``)."""
    content = {k: v for k, v in table.items() if k != "table_path"}
    if isinstance(content.get("calibration"), dict):  # the learnt layer: its content
        content["calibration"] = {k: v for k, v in content["calibration"].items()
                                  if k != "path"}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str,
                                       ensure_ascii=True).encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


#: Grade bands of the calibration cells: (name, lowest grade in %), steepest
#: descent first; a grade belongs to the last band whose bound it reaches.
GRADE_BANDS: tuple[tuple[str, float], ...] = (
    (N_("down_steep"), -math.inf), (N_("down"), -8.0), (N_("flat"), -3.0), (N_("up"), 3.0),
    (N_("up_steep"), 8.0))
#: The profile the calibration layer corrects (tracks are ridden on motorbikes).
CALIBRATED_PROFILE = "motorbike"
#: The plan's note (and the itinerary's line) when its times use a learnt layer.
LEARNT_NOTE = N_("Travel times use speeds learnt from the teams' GPS tracks "
                 "(see: plan.py roads info).")


def calibration_path(table_path: str | Path) -> Path:
    """Where the learnt layer of the speed table at ``table_path`` lives:
    ``maps/speeds.toml`` → ``maps/speeds.learnt.toml``."""
    table_path = Path(table_path)
    return table_path.with_name(f"{table_path.stem}.learnt.toml")


def load_calibration(path: Path) -> dict[str, Any] | None:
    """The learnt layer at ``path`` (None when there is none): its TOML with
    ``factors`` added, cell key → speed factor. Raises ``InputError`` naming
    the file when it is damaged (delete it to go back to the table)."""
    if not path.is_file():
        return None
    fix = msg("delete the file to go back to the speed table, then run "
              "`python plan.py roads learn` again")
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        factors = {cell_key(c["highway"], c["surface"], c["grade"], c["season"]):
                   float(c["speed_factor"]) for c in data.get("cell", [])}
        edge_factors = {str(e["edge"]): float(e["speed_factor"]) for e in data.get("edge", [])}
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InputError(Problem(str(path), "", msg("not a readable learnt speed layer "
                                                    "({exc})", exc=exc), fix)) from None
    if any(not 0.05 <= f <= 20 for f in [*factors.values(), *edge_factors.values()]):
        raise InputError(Problem(str(path), "speed_factor", msg("a factor outside 0.05–20"),
                                 fix))
    data["factors"] = factors
    data["edge_factors"] = edge_factors
    data["path"] = str(path)
    return data


def grade_band(grade: float) -> str:
    """The calibration band of a grade (rise over run in the edge's direction)."""
    pct = 0.0 if math.isnan(grade) else grade * 100.0
    band = GRADE_BANDS[0][0]
    for name, low in GRADE_BANDS:
        if pct >= low:
            band = name
    return band


def cell_key(highway: str, surface: str, band: str, season: str) -> str:
    """The calibration cell's key: ``highway|surface|band|season``."""
    return f"{highway}|{surface}|{band}|{season}"


def edge_label(u: Any, v: Any, key: Any) -> str:
    """An edge's name in the learnt layer: ``"u v key"`` (the graph's node ids)."""
    return f"{u} {v} {key}"


def calibration_cell(data: dict[str, Any], season: str, table: SpeedTable) -> str | None:
    """The calibration cell of an edge in ``season`` (None for a ford, which
    is neither learnt nor corrected)."""
    if _is_ford(data):
        return None
    grade = float(data.get("grade", 0.0) or 0.0)
    return cell_key(_tag(data, "highway") or "road", surface_of(data, table), grade_band(grade),
                    season)


SEASON_KEYS = {"closes", "note"}
FACTOR_KEYS = {"unpaved_factor", "paved_factor"}


def season_problems(table: SpeedTable, file: str) -> list[Problem]:
    """Everything wrong with the ``[seasons.*]`` tables and ``default_season``."""
    problems: list[Problem] = []
    seasons = table.get("seasons")
    example = msg("e.g. [seasons.dry] and [seasons.wet]; copy them from maps/speeds.toml")
    if not isinstance(seasons, dict) or not seasons:
        return [Problem(file, "[seasons]", msg("no season is defined"),
                        msg("add one table per season, {example}", example=example))]
    for profile in PROFILES:
        if isinstance(table.get(profile), dict) and RAIN_SEASON in table[profile]:
            problems.append(Problem(file, f"[{profile}.{RAIN_SEASON}]", msg("season factors now "
                                        "live in the season's own table"),
                                    msg("move its factors to [seasons.{RAIN_SEASON}] as "
                                        "{profile}.unpaved_factor and so on, and fords_close to "
                                        "closes = ['ford']",
                                        RAIN_SEASON=RAIN_SEASON, profile=profile)))
    for name, conf in seasons.items():
        where = f"[seasons.{name}]"
        if not isinstance(conf, dict):
            problems.append(Problem(file, where, msg("must be a table"), example))
            continue
        if not str(name).replace("_", "").isalnum() or str(name) != str(name).lower():
            problems.append(Problem(file, where, msg("the season name '{name}' is not a plain "
                                                     "lower-case word",
                                                     name=name),
                                    msg("name it like dry, wet or monsoon")))
        for key, value in conf.items():
            if key in PROFILES:
                if not isinstance(value, dict):
                    problems.append(Problem(file, f"{where} {key}", msg("must be a table of "
                                                "factors"), msg("write {key}.unpaved_factor = 0.5",
                                                                key=key)))
                    continue
                for factor, number in value.items():
                    if factor not in FACTOR_KEYS:
                        problems.append(Problem(file, f"{where} {key}.{factor}", msg("unknown key"),
                                                msg("use {listing}",
                                                    listing=', '.join(sorted(FACTOR_KEYS)))))
                    elif isinstance(number, bool) or not isinstance(number, int | float) \
                            or not 0 < number <= 2:
                        problems.append(Problem(file, f"{where} {key}.{factor}",
                                                msg("{number!r} is not a factor above 0 and up "
                                                    "to 2",
                                                    number=number),
                                                msg("give a multiplier such as 0.5")))
            elif key == "closes":
                if not isinstance(value, list) or not all(
                        isinstance(v, str) and (v == "ford" or "=" in v) for v in value):
                    problems.append(Problem(file, f"{where} closes", msg("{value!r} is not a list "
                                                                         "of closed edge kinds",
                                                                         value=value),
                                            msg('write e.g. closes = ["ford", "surface=mud"] '
                                                '("ford" or KEY=VALUE tags)')))
            elif key not in SEASON_KEYS:
                problems.append(Problem(file, f"{where} {key}", msg("unknown key"),
                                        msg("use closes or a profile ({listing})",
                                            listing=', '.join(PROFILES))))
    for key, fallback in (("default_season", DEFAULT_SEASON), ("rain_season", RAIN_SEASON)):
        named = table.get(key, fallback)
        if named not in seasons and (key in table or key == "default_season"):
            problems.append(Problem(file, key, msg("'{named}' is not one of the "
                                                   "seasons ({listing})",
                                                   named=named, listing=', '.join(seasons)),
                                    msg("name one of the [seasons.*] tables")))
    return problems


def season_names(table: SpeedTable | None = None) -> tuple[str, ...]:
    """The seasons the speed table defines (its ``[seasons.*]`` tables), in order."""
    table = table if table is not None else load_speed_table()
    return tuple(table.get("seasons", {}))


def default_season(table: SpeedTable | None = None) -> str:
    """The season of a scenario that names none (``default_season``, else dry)."""
    table = table if table is not None else load_speed_table()
    return str(table.get("default_season", DEFAULT_SEASON))


def rain_season(table: SpeedTable) -> str | None:
    """The season a rainy day is planned in (``rain_season``, else wet), or
    None when the table has no such season (no day can then be rainy)."""
    name = str(table.get("rain_season", RAIN_SEASON))
    return name if name in table.get("seasons", {}) else None


def planning_season(table: SpeedTable, season: str) -> str:
    """A scenario's season: its own (``season``), else (empty) the table's
    default season."""
    return season or default_season(table)


def season_of_day(table: SpeedTable, season: str, rainy: bool) -> str:
    """The season a day is planned in: ``rain_season`` on a rainy day (a
    campaign calendar's wet day, a staffing simulation's drawn wet day), else
    the scenario's ``season`` (``planning_season``). The one place this rule
    lives."""
    rain = rain_season(table)
    return rain if rainy and rain is not None else planning_season(table, season)


def campaign_seasons(table: SpeedTable, season: str, rainy_days: bool) -> tuple[str, ...]:
    """The seasons whose matrices a campaign needs: the default season first
    (the day planner explains another season's closures against it; the lower
    bound and the day assignment estimate on it), the scenario's ``season``,
    and ``rain_season`` when some days may be rainy (``rainy_days``)."""
    seasons = (default_season(table), planning_season(table, season))
    rain = rain_season(table)
    if rainy_days and rain is not None:
        seasons += (rain,)
    return tuple(dict.fromkeys(seasons))


def _season(table: SpeedTable, season: str) -> dict[str, Any]:
    try:
        return table["seasons"][season]
    except KeyError:
        raise InputError(Problem(
            "speed table", f"[seasons.{season}]", msg("no season '{season}' in the speed table",
                                                      season=season),
            msg("use one of {listing}, or add a [seasons.{season}] "
                "table to maps/speeds.toml",
                listing=', '.join(season_names(table)), season=season))) from None


def _closed_by_season(data: dict[str, Any], conf: dict[str, Any], table: SpeedTable) -> bool:
    """Whether one of the season's ``closes`` kinds matches the edge."""
    for kind in conf.get("closes", ()):
        if kind == "ford":
            if _is_ford(data):
                return True
            continue
        key, _, value = kind.partition("=")
        key, value = key.strip(), value.strip().lower()
        found = surface_of(data, table) if key == "surface" else _tag(data, key)
        if found == value:
            return True
    return False


def _tag(data: dict[str, Any], key: str) -> str | None:
    """An OSM tag as one lower-case string (osmnx may hold lists after simplification)."""
    value = data.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, list):
        value = value[0] if value else None
        if value is None:
            return None
    text = str(value).strip().lower()
    if text.startswith("[") and text.endswith("]"):  # a list stored as text in GraphML
        text = text.strip("[]").split(",")[0].strip(" '\"")
    return text or None


def surface_of(data: dict[str, Any], table: SpeedTable) -> str:
    """The edge's surface, or the class default from ``[default_surface]``."""
    surface = _tag(data, "surface")
    if surface:
        return surface
    highway = _tag(data, "highway") or "road"
    return table.get("default_surface", {}).get(highway, "unpaved")


def is_unpaved(data: dict[str, Any], table: SpeedTable) -> bool:
    surfaces = set(table.get("unpaved", {}).get("surfaces", []))
    return surface_of(data, table) in surfaces


def tobler_kph(grade: float, flat_kph: float = 5.0) -> float:
    """Tobler's hiking function scaled so that the flat gives ``flat_kph``.

    ``grade`` is rise over run (0.1 = 10 %).
    """
    return flat_kph / (6.0 * math.exp(-3.5 * 0.05)) * 6.0 * math.exp(-3.5 * abs(grade + 0.05))


def _is_ford(data: dict[str, Any]) -> bool:
    return _tag(data, "ford") in {"yes", "true", "1", "stepping_stones"}


TRUE = {"yes", "true", "1"}
NO_ACCESS = {"no", "private"}
ACCESS_OK = {"yes", "designated", "permissive", "destination"}
ACCESS_KEYS = {"motorbike": ("motorcycle", "motor_vehicle", "vehicle"),
               "car": ("motorcar", "motor_vehicle", "vehicle"),
               "walk": ("foot",)}


def _forbidden(data: dict[str, Any], profile: str, season: str) -> bool:
    """Closed, against a one-way road for a vehicle, or not allowed by access tags."""
    if _tag(data, "closed") in TRUE or _tag(data, f"closed_{season}") in TRUE:
        return True
    if profile != "walk" and _tag(data, "oneway") in TRUE and _tag(data, "reversed") in TRUE:
        return True
    for key in ACCESS_KEYS.get(profile, ()):
        value = _tag(data, key)
        if value in NO_ACCESS:
            return True
        if value in ACCESS_OK:
            return False
    return _tag(data, "access") in NO_ACCESS


def edge_speed_kph(data: dict[str, Any], profile: str, season: str, table: SpeedTable) -> float:
    """Speed in km/h of one directed edge; 0.0 when the profile may not use it."""
    conf = table[profile]
    if _forbidden(data, profile, season):
        return 0.0
    season_conf = _season(table, season)
    if _closed_by_season(data, season_conf, table):
        return 0.0
    ford = _is_ford(data)
    highway = _tag(data, "highway") or "road"
    grade = float(data.get("grade", 0.0) or 0.0)
    if math.isnan(grade):
        grade = 0.0
    slope = conf.get("slope", {})
    max_g = float(slope.get("max_pct", 30.0)) / 100.0
    grade = max(-max_g, min(max_g, grade))

    if profile == "walk":
        if float(conf.get("highway", {}).get(highway, 1.0)) <= 0.0:
            return 0.0
        speed = tobler_kph(grade, float(conf.get("flat_kph", 5.0)))
        speed *= float(conf.get("highway", {}).get(highway, 1.0))
        speed *= float(conf.get("kit_factor", 1.0))
    else:
        base = float(conf.get("highway", {}).get(highway, conf.get("default_kph", 25.0)))
        if base <= 0.0:
            return 0.0
        speed = base
        for key in ("surface", "tracktype", "smoothness"):
            value = surface_of(data, table) if key == "surface" else _tag(data, key)
            cap = conf.get(key, {}).get(value) if value else None
            if cap is not None:
                if float(cap) <= 0.0:
                    return 0.0
                speed = min(speed, float(cap))
        pct = grade * 100.0
        factor = 1.0
        if pct > slope.get("uphill_free_pct", 3.0):
            factor += slope.get("uphill_per_pct", 0.04) * (pct - slope.get("uphill_free_pct", 3.0))
        elif -pct > slope.get("downhill_free_pct", 6.0):
            factor += slope.get("downhill_per_pct", 0.02) * (
                -pct - slope.get("downhill_free_pct", 6.0))
        speed /= factor
    factors = season_conf.get(profile, {})
    if factors:
        key = "unpaved_factor" if is_unpaved(data, table) else "paved_factor"
        speed *= float(factors.get(key, 1.0))
    if ford:
        # a way tagged ford=yes is a ford over its whole length; a ford node on a
        # longer way (``ford_node``) takes ``ford_m`` of the edge, the rest as usual
        ford_kph = min(speed, float(conf.get("ford_kph", 3.0)))
        length_m = float(data.get("length", 0.0) or 0.0)
        cross_m = min(length_m, float(conf.get("ford_m", table.get("ford_m", 30.0))))
        if _tag(data, "ford_node") in TRUE and 0 < cross_m < length_m:
            hours = cross_m / ford_kph + (length_m - cross_m) / speed
            speed = length_m / hours
        else:
            speed = ford_kph
    elif profile == CALIBRATED_PROFILE and "calibration" in table:
        cell = calibration_cell(data, season, table)
        speed *= table["calibration"]["factors"].get(cell, 1.0)
    return speed


def add_travel_times(G, table: SpeedTable | None = None,
                     profiles: Iterable[str] = PROFILES,
                     seasons: Iterable[str] | None = None):
    """Add ``tt_<profile>_<season>`` (s) to every edge of ``G`` a profile may use.

    Reads ``length`` (m) and the tags listed in the module docstring. Profiles
    absent from the table are skipped; ``seasons`` defaults to every season of
    the table. Returns ``G`` (modified in place).
    """
    table = table or load_speed_table()
    profiles = [p for p in profiles if p in table]
    seasons = list(seasons) if seasons is not None else list(season_names(table))
    own = (table.get("calibration") or {}).get("edge_factors") or {}
    edges = (G.edges(keys=True, data=True) if G.is_multigraph()
             else ((u, v, 0, d) for u, v, d in G.edges(data=True)))
    for u, v, k, data in edges:
        if "length" not in data:
            raise KeyError("All edges must have a 'length' attribute (metres).")
        length_m = float(data["length"])
        for profile in profiles:
            for season in seasons:
                attr = f"tt_{profile}_{season}"
                speed = edge_speed_kph(data, profile, season, table)
                if own and profile == CALIBRATED_PROFILE and not _is_ford(data):
                    speed *= own.get(edge_label(u, v, k), 1.0)
                if speed > 0.0:
                    data[attr] = round(length_m / (speed / 3.6), 3)
                else:
                    data.pop(attr, None)
    return G


def walk_offpath_kph(table: SpeedTable, grade: float = 0.0) -> float:
    """Walking speed off any path (a straight line across fields), km/h."""
    conf = table["walk"]
    return (tobler_kph(grade, float(conf.get("flat_kph", 5.0)))
            * float(conf.get("off_path_factor", 0.6)) * float(conf.get("kit_factor", 1.0)))
