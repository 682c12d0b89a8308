"""Read and validate a scenario: one YAML file plus a households table.

The YAML file holds the commune (station, villages), the teams and the
parameters; the households table (CSV or Excel ``.xlsx``) holds one row per
resident who needs enrolment. See ``docs/scenario-format.md``.

Validation runs in one pass and collects every problem; ``load_scenario``
raises one ``InputError`` listing them all (each as file › row/field › what
is wrong › how to fix it). Warnings are returned beside the scenario.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from planner.dates import parse_day
from planner.domain import (
    CONDITIONS,
    DEFAULT_PRIORITIES,
    DUTIES,
    MODES,
    WEEKDAY_NAMES,
    CampaignSettings,
    CollectionPoint,
    Household,
    Parameters,
    Resident,
    Scenario,
    Station,
    Team,
    Village,
    Window,
)
from planner.errors import InputError, Problem
from planner.priorities import check_priorities
from planner.speeds import (
    RAIN_SEASON,
    SpeedTable,
    default_season,
    load_speed_table,
    rain_season,
    season_names,
)

TOP_FIELDS = {"name", "fictional", "date", "season", "speeds", "roads", "households",
              "station",
              "villages", "teams", "parameters", "notes", "campaign", "priorities"}
REQUIRED_TOP = ("name", "date", "roads", "households", "station", "villages", "teams")
STATION_FIELDS = {"name", "lon", "lat"}
VILLAGE_FIELDS = {"id", "name", "lon", "lat", "points"}
POINT_FIELDS = {"name", "lon", "lat"}
TEAM_FIELDS = {"id", "name", "members", "motorbikes", "kits", "shift", "lunch", "lunch_min",
               "max_work_h", "can_split", "duties"}
CAMPAIGN_FIELDS = {"start", "deadline", "weekdays", "holidays", "days_off", "max_attempts",
                   "retry_after_days", "wet_days", "notice_days"}
PARAM_FIELDS = {"service_min", "household_setup_min", "walk_offroad_m", "walk_limit_km",
                "walk_detour_factor", "return_before_sunset", "utc_offset_h", "time_limit_s",
                "seed", "seats_per_motorbike", "board_min", "office_service_min",
                "max_ride_min", "max_ride_frail_min", "shuttle_walk_max_m", "point_setup_min",
                "point_per_person_min", "point_attendance", "point_max_slot_h",
                "point_min_slot_min"}

COLUMNS = ("household_id", "village", "lon", "lat", "contact", "resident_id", "full_name",
           "condition", "available", "mode", "waiting_days", "id_number", "notes")
REQUIRED_COLUMNS = ("household_id", "village", "resident_id", "full_name", "condition")

# Vietnamese headers an office spreadsheet may use, compared without diacritics.
COLUMN_ALIASES = {
    "ma ho": "household_id", "thon ban": "village", "ban": "village", "thon": "village",
    "kinh do": "lon", "vi do": "lat", "dien thoai": "contact", "lien he": "contact",
    "ma nguoi": "resident_id", "ma cong dan": "resident_id", "ho va ten": "full_name",
    "ho ten": "full_name", "tinh trang": "condition", "gio o nha": "available",
    "thoi gian o nha": "available", "hinh thuc": "mode", "so ngay cho": "waiting_days",
    "so dinh danh": "id_number", "so cccd": "id_number", "ghi chu": "notes",
}
CONDITION_ALIASES = {
    "nam liet giuong": "bedridden", "liet giuong": "bedridden", "khuyet tat": "disabled",
    "nguoi khuyet tat": "disabled", "cao tuoi": "elderly", "nguoi cao tuoi": "elderly",
    "sau sinh": "postpartum", "phu nu sau sinh": "postpartum", "binh thuong": "able",
    "khoe manh": "able",
}
MODE_ALIASES = {"tai nha": "home", "dua don": "shuttle", "diem thu": "point",
                "tu dong": "auto"}


def nfc(text: Any) -> str:
    """Text normalised to Unicode NFC, stripped; '' for None."""
    if text is None:
        return ""
    return unicodedata.normalize("NFC", str(text)).strip()


def fold(text: str) -> str:
    """Lower case without diacritics (đ → d), for matching names and headers."""
    text = unicodedata.normalize("NFD", nfc(text).lower().replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.sub(r"[\s_/\-]+", " ", text).strip()


def parse_clock(text: Any) -> int:
    """``"07:30"``, ``"7h30"``, ``"7h"`` or a ``datetime.time`` → seconds after midnight."""
    if isinstance(text, dt.time):
        return text.hour * 3600 + text.minute * 60
    m = re.fullmatch(r"\s*(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?\s*", str(text))
    if not m:
        raise ValueError(f"'{text}' is not a clock time")
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise ValueError(f"'{text}' is not a clock time")
    return hour * 3600 + minute * 60


def format_clock(seconds: int) -> str:
    """Seconds after midnight → ``"HH:MM"``."""
    seconds = int(round(seconds / 60.0)) * 60
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def parse_window(text: Any) -> Window:
    """``"06:00-08:00"`` → ``Window``. Raises ``ValueError`` with a reason."""
    parts = re.split(r"\s*[-–—]\s*|\s+to\s+|\s+đến\s+", nfc(text))
    if len(parts) != 2:
        raise ValueError(f"'{text}' is not a time range like 06:00-08:00")
    start, end = parse_clock(parts[0]), parse_clock(parts[1])
    if end <= start:
        raise ValueError(f"'{text}' ends before it starts")
    return Window(start, end)


def parse_windows(text: Any) -> tuple[Window, ...]:
    """``"06:00-08:00; 17:00-19:00"`` → sorted windows; '' → () (any time)."""
    text = nfc(text)
    if not text:
        return ()
    windows = sorted((parse_window(p) for p in re.split(r"[;,]", text) if p.strip()),
                     key=lambda w: w.start_s)
    for a, b in zip(windows, windows[1:], strict=False):
        if b.start_s < a.end_s:
            raise ValueError(f"'{text}' has overlapping ranges")
    return tuple(windows)


def _suggest(name: str, known: set[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    listing = ", ".join(sorted(known))
    if close:
        return f"did you mean '{close[0]}'? Known: {listing}"
    return f"remove it; known fields: {listing}"


@dataclass
class _Collector:
    """Collects problems for one file."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def error(self, where: str, what: str, fix: str) -> None:
        self.problems.append(Problem(self.file, where, what, fix))

    def warn(self, where: str, what: str, fix: str) -> None:
        self.problems.append(Problem(self.file, where, what, fix, "warning"))


def read_text(path: Path, col: _Collector) -> str | None:
    """Decode a text file: UTF-8 (with or without BOM) or UTF-16 with a BOM."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        col.error("", "file not found", "check the path; paths in the YAML are relative to it")
        return None
    except OSError as exc:
        col.error("", f"cannot be read ({exc.strerror})", "check that it is a readable file")
        return None
    if not raw.strip():
        col.error("", "the file is empty",
                  "fill it in; its columns are in docs/scenario-format.md and docs/campaign.md")
        return None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col.error(f"line {line}", "the text is not UTF-8 (maybe Windows-1258 or TCVN3)",
                  "save the file as UTF-8 (Excel: 'CSV UTF-8'; Notepad: Save as › UTF-8)")
        return None
    if "\x00" in text:
        col.error("", "the file holds binary data, not text",
                  "give a CSV (UTF-8) or an .xlsx file")
        return None
    return text


def _number(value: Any, where: str, col: _Collector, what: str,
            minimum: float | None = None, maximum: float | None = None) -> float | None:
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        col.error(where, f"{what} is missing", f"give {what} as a number")
        return None
    try:
        number = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        col.error(where, f"'{value}' is not a number", f"give {what} as a number")
        return None
    if number != number:  # NaN
        col.error(where, f"{what} is not a number", f"give {what} as a number")
        return None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        col.error(where, f"{what} {number:g} is out of range",
                  f"give a value between {minimum:g} and {maximum:g}")
        return None
    return number


def _count(value: Any, where: str, col: _Collector, what: str, minimum: int,
           maximum: int, why: str = "") -> int | None:
    """A whole number within ``minimum``…``maximum``; ``why`` says why the minimum."""
    number = _number(value, where, col, what)
    if number is None:
        return None
    if number != int(number):
        col.error(where, f"{what} {number:g} is not a whole number",
                  f"give {what} as a whole number")
        return None
    if number < minimum:
        col.error(where, f"{what} is {number:g}" + (f": {why}" if why else
                                                    f", less than {minimum}"),
                  f"give at least {minimum}")
        return None
    if number > maximum:
        col.error(where, f"{what} {number:g} is more than {maximum}",
                  f"give a value between {minimum} and {maximum}")
        return None
    return int(number)


def _coords(lon: Any, lat: Any, where: str, col: _Collector) -> tuple[float, float] | None:
    """Validated (lon, lat); notices swapped and out-of-range values."""
    try:
        lon_f = float(str(lon).replace(",", ".")) if isinstance(lon, str) else float(lon)
        lat_f = float(str(lat).replace(",", ".")) if isinstance(lat, str) else float(lat)
    except (TypeError, ValueError):
        col.error(where, f"coordinates '{lon}', '{lat}' are not numbers",
                  "give lon and lat in decimal degrees, e.g. lon 103.21, lat 21.87")
        return None
    if abs(lat_f) > 90 and abs(lon_f) <= 90:
        col.error(where, f"lat {lat_f:g} is out of range and lon {lon_f:g} looks like a "
                  "latitude: lon and lat look swapped",
                  "swap the two columns (lon is east–west, about 102–110 in Vietnam)")
        return None
    if not (-180 <= lon_f <= 180) or not (-90 <= lat_f <= 90):
        col.error(where, f"coordinates lon {lon_f:g}, lat {lat_f:g} are out of range",
                  "lon must be within −180…180 and lat within −90…90")
        return None
    return lon_f, lat_f


def _window_field(value: Any, where: str, col: _Collector) -> Window | None:
    try:
        return parse_window(value)
    except ValueError as exc:
        col.error(where, str(exc), "write it as HH:MM-HH:MM with the end after the start")
        return None


def _check_unknown(data: dict, known: set[str], where: str, col: _Collector) -> None:
    for key in data:
        if str(key) not in known:
            col.error(f"{where}{key}", "unknown field", _suggest(str(key), known))


def _unique_key_loader():
    """A PyYAML safe loader class that records every mapping key given twice (at
    any depth, with both line numbers) in ``loader.duplicates`` instead of
    silently keeping the last, and leaves an impossible date (``2026-02-30``)
    as its text so that the field that holds it can say what is wrong."""
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        def __init__(self, stream):
            super().__init__(stream)
            self.duplicates: list[tuple[str, int, int]] = []

        def construct_mapping(self, node, deep=False):
            if isinstance(node, yaml.MappingNode):
                first: dict[Any, int] = {}
                for key_node, _value in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue
                    key = self.construct_object(key_node, deep=True)
                    try:
                        hash(key)
                    except TypeError:
                        continue  # the base loader reports an unhashable key
                    line = key_node.start_mark.line + 1
                    if key in first:
                        self.duplicates.append((str(key), first[key], line))
                    else:
                        first[key] = line
            return super().construct_mapping(node, deep=deep)

    def timestamp(loader, node):
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except ValueError:
            return loader.construct_scalar(node)

    UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return UniqueKeyLoader


def _parse_yaml(path: Path, col: _Collector) -> dict | None:
    import yaml

    text = read_text(path, col)
    if text is None:
        return None
    loader = None
    try:
        loader = _unique_key_loader()(text)  # reads the stream: may raise already
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        col.error(where, f"not valid YAML ({problem})",
                  "fix the indentation or quoting at that line")
        return None
    except ValueError as exc:  # e.g. an impossible date such as 2026-13-40
        col.error("", f"a value cannot be read ({exc})",
                  "write dates as YYYY-MM-DD with a real month and day")
        return None
    finally:
        if loader is not None:
            loader.dispose()
    for key, first, line in loader.duplicates:
        col.error(f"line {line}, field {key}",
                  f"'{key}' is given twice in the same block (first on line {first}); "
                  "YAML would silently keep only the last one",
                  f"merge the two '{key}:' entries into one, or delete the one you do not mean")
    if not isinstance(data, dict):
        col.error("", "the file must be a YAML mapping of fields (name:, date:, ...)",
                  "start from scenarios/demo/scenario.yaml")
        return None
    return data


def _parse_parameters(raw: Any, season: str, col: _Collector) -> Parameters:
    if raw is None:
        return Parameters(season=season)  # type: ignore[arg-type]
    if not isinstance(raw, dict):
        col.error("parameters", "must be a mapping", "see docs/scenario-format.md")
        return Parameters(season=season)  # type: ignore[arg-type]
    _check_unknown(raw, PARAM_FIELDS, "parameters.", col)
    defaults = Parameters()
    kwargs: dict[str, Any] = {"season": season}
    service = dict(defaults.service_s)
    if "service_min" in raw:
        given = raw["service_min"]
        if not isinstance(given, dict):
            col.error("parameters.service_min", "must map conditions to minutes",
                      "e.g. {bedridden: 75, disabled: 50, elderly: 35, postpartum: 35, able: 20}")
        else:
            for cond, minutes in given.items():
                if cond not in CONDITIONS:
                    col.error(f"parameters.service_min.{cond}", "unknown condition",
                              _suggest(str(cond), CONDITIONS))
                    continue
                value = _number(minutes, f"parameters.service_min.{cond}", col, "minutes",
                                1, 600)
                if value is not None:
                    service[cond] = int(round(value * 60))
    kwargs["service_s"] = tuple((c, service[c]) for c in CONDITIONS)
    simple = {
        "household_setup_min": ("household_setup_s", 0, 120, 60),
        "walk_offroad_m": ("walk_offroad_m", 0, 5000, 1),
        "walk_limit_km": ("walk_limit_m", 0, 30, 1000),
        "walk_detour_factor": ("walk_detour_factor", 1, 5, 1),
        "utc_offset_h": ("utc_offset_h", -12, 14, 1),
        "time_limit_s": ("time_limit_s", 0.1, 3600, 1),
        "seed": ("seed", 0, 2**31 - 1, 1),
        "seats_per_motorbike": ("seats_per_motorbike", 0, 3, 1),
        "board_min": ("board_s", 0, 60, 60),
        "office_service_min": ("office_service_s", 1, 240, 60),
        "max_ride_min": ("max_ride_s", 5, 600, 60),
        "max_ride_frail_min": ("max_ride_frail_s", 5, 600, 60),
        "shuttle_walk_max_m": ("shuttle_walk_max_m", 0, 5000, 1),
        "point_setup_min": ("point_setup_s", 0, 240, 60),
        "point_per_person_min": ("point_per_person_s", 1, 120, 60),
        "point_attendance": ("point_attendance", 0.05, 1, 1),
        "point_max_slot_h": ("point_max_slot_s", 0.5, 12, 3600),
        "point_min_slot_min": ("point_min_slot_s", 0, 720, 60),
    }
    integers = {"household_setup_s", "seed", "seats_per_motorbike", "board_s",
                "office_service_s", "max_ride_s", "max_ride_frail_s", "point_setup_s",
                "point_per_person_s", "point_max_slot_s", "point_min_slot_s"}
    for key, (attr, lo, hi, scale) in simple.items():
        if key in raw:
            value = _number(raw[key], f"parameters.{key}", col, key, lo, hi)
            if value is not None:
                value *= scale
                kwargs[attr] = int(round(value)) if attr in integers else float(value)
    if "return_before_sunset" in raw:
        if isinstance(raw["return_before_sunset"], bool):
            kwargs["return_before_sunset"] = raw["return_before_sunset"]
        else:
            col.error("parameters.return_before_sunset", "must be true or false",
                      "write true or false")
    return Parameters(**kwargs)


def _parse_priorities(raw: Any, parameters: Parameters, col: _Collector) -> Parameters:
    """The optional ``priorities:`` list: every condition once, most urgent first."""
    if raw is None:
        return parameters
    order = [nfc(c) for c in raw] if isinstance(raw, list) else None
    problems = check_priorities(order) if order is not None else ["must be a list"]
    if problems:
        col.error("priorities", "; ".join(problems),
                  "list every condition once, most urgent first, e.g. "
                  f"[{', '.join(DEFAULT_PRIORITIES)}]")
        return parameters
    return replace(parameters, priorities=tuple(order))  # type: ignore[arg-type]


def _campaign_date(value: Any, where: str, col: _Collector) -> dt.date | None:
    """A date field; a day that does not exist (2026-02-30) is named as such."""
    try:
        return parse_day(value if isinstance(value, dt.date) else nfc(value))
    except ValueError as exc:
        col.error(where, str(exc), "write a real day as YYYY-MM-DD, e.g. 2026-11-24")
        return None


def _campaign_dates(raw: Any, where: str, col: _Collector) -> tuple[dt.date, ...]:
    """A list of dates; an item ``YYYY-MM-DD..YYYY-MM-DD`` is an inclusive range."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raw = [raw]
    days: list[dt.date] = []
    for k, item in enumerate(raw, start=1):
        text = nfc(item) if not isinstance(item, dt.date) else ""
        if ".." in text:
            lo_text, hi_text = text.split("..", 1)
            lo = _campaign_date(lo_text, f"{where}[{k}]", col)
            hi = _campaign_date(hi_text, f"{where}[{k}]", col)
            if lo and hi and hi < lo:
                col.error(f"{where}[{k}]", f"the range '{text}' ends before it starts",
                          "write the earlier date first")
            elif lo and hi:
                days += [lo + dt.timedelta(days=d) for d in range((hi - lo).days + 1)]
            continue
        day = _campaign_date(item, f"{where}[{k}]", col)
        if day:
            days.append(day)
    return tuple(sorted(set(days)))


def _parse_campaign(raw: Any, team_ids: set[str], col: _Collector) -> CampaignSettings | None:
    """The optional ``campaign:`` section (see docs/scenario-format.md, ``## campaign``)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        col.error("campaign", "must be a mapping", "e.g. campaign: {deadline: 2026-12-31}")
        return None
    _check_unknown(raw, CAMPAIGN_FIELDS, "campaign.", col)
    kwargs: dict[str, Any] = {}
    for key in ("start", "deadline"):
        if raw.get(key) not in (None, ""):
            kwargs[key] = _campaign_date(raw[key], f"campaign.{key}", col)
    if kwargs.get("start") and kwargs.get("deadline") and kwargs["deadline"] < kwargs["start"]:
        col.error("campaign.deadline", "the deadline is before the start",
                  "give a deadline on or after the start")
    if "weekdays" in raw:
        days = raw["weekdays"] if isinstance(raw["weekdays"], list) else [raw["weekdays"]]
        if raw["weekdays"] is None or not days:
            col.error("campaign.weekdays", "the list of working weekdays is empty",
                      f"list the weekdays the teams work, e.g. [{', '.join(WEEKDAY_NAMES[:5])}]"
                      ", or remove weekdays: for Monday to Friday")
        numbers = []
        for k, item in enumerate(days, start=1):
            name = fold(str(item))[:3]
            if name in WEEKDAY_NAMES:
                numbers.append(WEEKDAY_NAMES.index(name))
            else:
                col.error(f"campaign.weekdays[{k}]", f"'{item}' is not a weekday",
                          f"use {', '.join(WEEKDAY_NAMES)}")
        if not numbers and days:
            col.error("campaign.weekdays", "no working weekday", "list at least one weekday")
        kwargs["weekdays"] = tuple(sorted(set(numbers))) or (0, 1, 2, 3, 4)
    kwargs["holidays"] = _campaign_dates(raw.get("holidays"), "campaign.holidays", col)
    kwargs["wet_days"] = _campaign_dates(raw.get("wet_days"), "campaign.wet_days", col)
    off = raw.get("days_off")
    pairs: list[tuple[str, dt.date]] = []
    if off is not None and not isinstance(off, dict):
        col.error("campaign.days_off", "must map team ids to lists of dates",
                  "e.g. days_off: {T1: [2026-11-27], T2: [2026-12-01..2026-12-03]}")
    elif off:
        for team, dates in off.items():
            team_id = nfc(team)
            if team_id not in team_ids:
                close = difflib.get_close_matches(team_id, sorted(team_ids), n=1)
                col.error(f"campaign.days_off.{team_id}", "unknown team",
                          (f"did you mean '{close[0]}'? " if close else "")
                          + f"teams: {', '.join(sorted(team_ids)) or '(none)'}")
                continue
            pairs += [(team_id, d) for d in
                      _campaign_dates(dates, f"campaign.days_off.{team_id}", col)]
    kwargs["days_off"] = tuple(sorted(pairs))
    for key, lo, hi in (("max_attempts", 1, 20), ("retry_after_days", 1, 60),
                        ("notice_days", 0, 30)):
        if key in raw:
            value = _count(raw[key], f"campaign.{key}", col, key, lo, hi)
            if value is not None:
                kwargs[key] = value
    return CampaignSettings(**kwargs)


def _parse_teams(raw: Any, col: _Collector) -> list[Team]:
    teams: list[Team] = []
    if not isinstance(raw, list) or not raw:
        col.error("teams", "must be a non-empty list of teams", "add at least one team")
        return teams
    seen: set[str] = set()
    for k, item in enumerate(raw, start=1):
        where = f"teams[{k}]"
        if not isinstance(item, dict):
            col.error(where, "must be a mapping", "give id, name, members, motorbikes, ...")
            continue
        _check_unknown(item, TEAM_FIELDS, f"{where}.", col)
        team_id = nfc(item.get("id"))
        if not team_id:
            col.error(f"{where}.id", "missing", "give each team a short id, e.g. T1")
            continue
        where = f"team {team_id}"
        if team_id in seen:
            col.error(f"{where}.id", "duplicate team id", "give each team its own id")
        seen.add(team_id)
        members = item.get("members") or []
        if not isinstance(members, list) or not members:
            col.error(f"{where}.members", "must list at least one officer",
                      "e.g. members: [Lò Văn A, Quàng Thị B]")
            members = []
        bikes = _count(item.get("motorbikes", 1), f"{where}.motorbikes", col, "motorbikes",
                       1, 20, "the team's routes are ridden by motorbike, so it needs at "
                       "least one")
        kits = _count(item.get("kits", 1), f"{where}.kits", col, "kits", 0, 10)
        shift = _window_field(item.get("shift", ""), f"{where}.shift", col) \
            if item.get("shift") else None
        if shift is None and not item.get("shift"):
            col.error(f"{where}.shift", "missing",
                      "give the shift as HH:MM-HH:MM, e.g. 07:00-17:00")
        lunch = None
        if item.get("lunch"):
            lunch = _window_field(item["lunch"], f"{where}.lunch", col)
            if lunch and shift and not shift.contains(lunch.start_s, lunch.end_s):
                col.error(f"{where}.lunch", "the lunch window lies outside the shift",
                          "move it inside the shift hours")
        lunch_min = _number(item.get("lunch_min", 60 if lunch else 0), f"{where}.lunch_min",
                            col, "lunch_min", 0, 240)
        if lunch and lunch_min is not None and lunch_min * 60 > lunch.length_s:
            col.error(f"{where}.lunch_min", "the break is longer than its window",
                      "shorten lunch_min or widen lunch")
        default_h = shift.length_s / 3600 if shift else 10
        max_h = _number(item.get("max_work_h", default_h), f"{where}.max_work_h", col,
                        "max_work_h", 0.5, 24)
        can_split = item.get("can_split", False)
        if not isinstance(can_split, bool):
            col.error(f"{where}.can_split", "must be true or false", "write true or false")
            can_split = False
        elif can_split and (len(members) < 2 or (bikes is not None and bikes < 2)):
            col.error(f"{where}.can_split", "a team needs at least two officers and two "
                      "motorbikes to split", "set can_split: false or add an officer/motorbike")
        duties = _team_duties(item, where, members, bikes, kits, can_split, col)
        if None in (bikes, kits, lunch_min, max_h, duties) or shift is None:
            continue
        teams.append(Team(
            id=team_id, name=nfc(item.get("name") or team_id),
            members=tuple(nfc(m) for m in members), motorbikes=int(bikes), kits=int(kits),
            shift=shift, lunch=lunch, lunch_s=int(round(lunch_min * 60)),
            max_work_s=int(round(max_h * 3600)), can_split=can_split, duties=duties))
    return teams


def _team_duties(item: dict, where: str, members: list, bikes: int | None,
                 kits: int | None, can_split: bool, col: _Collector) -> tuple[str, ...] | None:
    """A team's ``duties`` (default: all of ``DUTIES``), in ``DUTIES`` order;
    None (with the problems reported) when they are not valid."""
    if "duties" not in item:
        return DUTIES
    raw = item["duties"]
    field = f"{where}.duties"
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        col.error(field, "must list at least one duty",
                  f"e.g. duties: [point], or leave it out for all of {', '.join(DUTIES)}")
        return None
    given = [nfc(d) for d in raw]
    unknown = [d for d in given if d not in DUTIES]
    for d in unknown:
        close = difflib.get_close_matches(d, DUTIES, n=1)
        col.error(field, f"unknown duty '{d}'",
                  (f"did you mean '{close[0]}'? " if close else "")
                  + f"duties are {', '.join(DUTIES)}")
    if unknown:
        return None
    duties = tuple(d for d in DUTIES if d in given)
    ok = True
    if kits == 0:
        for d in ("home", "point"):
            if d in duties:
                col.error(field, f"duty '{d}' needs an enrolment kit, but the team has "
                          "kits: 0", f"give the team kits: 1, or remove '{d}' from its duties")
                ok = False
    if "shuttle" in duties and bikes is not None and kits is not None:
        carries_kit = kits > 0 and bool({"home", "point"} & set(duties))
        riders = min(len(members), bikes)
        splits = can_split and carries_kit and len(members) >= 2 and bikes >= 2
        if riders - (1 if carries_kit else 0) <= 0 and not splits:
            col.error(field, "duty 'shuttle', but the team has no passenger seat (its "
                      f"{riders} motorbike(s) ridden by its officers"
                      + (", one of them carrying the kit" if carries_kit else "") + ")",
                      "add a motorbike and an officer, set can_split: true, or remove "
                      "'shuttle' from its duties")
            ok = False
    return duties if ok else None


def _parse_villages(raw: Any, col: _Collector) -> list[Village]:
    villages: list[Village] = []
    if not isinstance(raw, list) or not raw:
        col.error("villages", "must be a non-empty list",
                  "list the villages with id, name, lon, lat")
        return villages
    seen: set[str] = set()
    names: dict[str, str] = {}
    for k, item in enumerate(raw, start=1):
        where = f"villages[{k}]"
        if not isinstance(item, dict):
            col.error(where, "must be a mapping", "give id, name, lon, lat")
            continue
        _check_unknown(item, VILLAGE_FIELDS, f"{where}.", col)
        vid = nfc(item.get("id"))
        if not vid:
            col.error(f"{where}.id", "missing", "give each village a short id")
            continue
        if vid in seen:
            col.error(f"village {vid}.id", "duplicate village id", "give each village its own id")
        seen.add(vid)
        name = nfc(item.get("name") or vid)
        if fold(name) in names and names[fold(name)] != vid:
            col.error(f"village {vid}.name", f"village {names[fold(name)]} has the same name "
                      f"'{name}'", "give each village its own name (households name their "
                      "village by id or name)")
        names.setdefault(fold(name), vid)
        points = _parse_points(item.get("points"), f"village {vid}.points", col)
        if nfc(item.get("lon")) == "" and nfc(item.get("lat")) == "":
            # no coordinates: placed later at the road graph's OSM place node
            villages.append(Village(vid, name, math.nan, math.nan, points))
            continue
        coords = _coords(item.get("lon"), item.get("lat"), f"village {vid}.lon/lat", col)
        if coords:
            villages.append(Village(vid, name, coords[0], coords[1], points))
    return villages


def _parse_points(raw: Any, where: str, col: _Collector) -> tuple[CollectionPoint, ...]:
    """Candidate collection-point places of a village: name, lon, lat each."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        col.error(where, "must be a list of places",
                  "e.g. points: [{name: Nhà văn hoá, lon: 103.2, lat: 21.8}]")
        return ()
    out = []
    seen: dict[str, int] = {}
    for k, item in enumerate(raw, start=1):
        here = f"{where}[{k}]"
        if not isinstance(item, dict):
            col.error(here, "must be a mapping", "give name, lon, lat")
            continue
        _check_unknown(item, POINT_FIELDS, f"{here}.", col)
        name = nfc(item.get("name"))
        if not name:
            col.error(f"{here}.name", "missing", "name the place, e.g. Nhà văn hoá bản")
        elif fold(name) in seen:
            col.error(f"{here}.name", f"the same place name as {where}[{seen[fold(name)]}]",
                      "list each place once, or give them different names")
        else:
            seen[fold(name)] = k
        coords = _coords(item.get("lon"), item.get("lat"), f"{here}.lon/lat", col)
        if name and coords:
            out.append(CollectionPoint(name, coords[0], coords[1]))
    return tuple(out)


def _place_villages(villages: list[Village], graph_path: Path | None,
                    col: _Collector) -> list[Village]:
    """Give villages without coordinates those of the road graph's OSM place
    node of the same name (ignoring case, diacritics and a leading bản/thôn)."""
    missing = [v for v in villages if math.isnan(v.lon)]
    if not missing:
        return villages
    found: dict[str, tuple[float, float] | None] = {}
    if graph_path is not None and graph_path.is_file():
        import osmnx as ox

        from planner.roads.places import place_villages

        try:
            found = place_villages(ox.load_graphml(graph_path), [v.name for v in missing])
        except (ValueError, KeyError, OSError, SyntaxError):
            found = {}
    out = []
    for v in villages:
        if not math.isnan(v.lon):
            out.append(v)
            continue
        where = found.get(v.name)
        if where is None:
            col.error(f"village {v.id}.lon/lat",
                      f"no coordinates, and the road graph has no OpenStreetMap place named "
                      f"'{v.name}'", "give the village's lon and lat")
            continue
        col.warn(f"village {v.id}.lon/lat", f"placed at the OpenStreetMap place '{v.name}' "
                 f"({where[0]:.5f}, {where[1]:.5f}); households without coordinates there are "
                 "approximate", "give the village's lon and lat if the place is wrong")
        out.append(Village(v.id, v.name, where[0], where[1], v.points))
    return out


@dataclass(frozen=True)
class TableSpec:
    """The columns a table may have: canonical names, required ones, header
    aliases (compared folded, without diacritics), and what one row is."""

    columns: tuple[str, ...] = COLUMNS
    required: tuple[str, ...] = REQUIRED_COLUMNS
    aliases: Any = field(default_factory=lambda: COLUMN_ALIASES)
    row_noun: str = "resident who needs enrolment"
    rows_noun: str = "residents"
    sheet_noun: str = "households"


HOUSEHOLDS_TABLE = TableSpec()


def _canonical_columns(header: list[str], col: _Collector,
                       spec: TableSpec = HOUSEHOLDS_TABLE) -> list[str | None]:
    names: list[str | None] = []
    first: dict[str, tuple[int, str]] = {}
    for k, raw in enumerate(header, start=1):
        name = nfc(raw)
        if not name:
            names.append(None)
            continue
        key = name.lower().strip()
        canonical = key if key in spec.columns else spec.aliases.get(fold(name))
        if canonical is not None and canonical in first:
            at, given = first[canonical]
            col.error(f"header, column {k} '{name}'",
                      f"a second {canonical} column (column {at} '{given}' is one already); "
                      "only one of them would be read", "keep one column per field: delete "
                      "or rename the other")
            names.append(None)
        elif canonical is not None:
            first[canonical] = (k, name)
            names.append(canonical)
        else:
            col.error(f"header, column {k} '{name}'", "unknown column",
                      _suggest(key, spec.columns))
            names.append(None)
    for required in spec.required:
        if required not in names:
            col.error("header", f"column '{required}' is missing",
                      f"add a column named {required}; columns: {', '.join(spec.columns)}")
    return names


def read_table(path: Path, col: _Collector, spec: TableSpec = HOUSEHOLDS_TABLE,
               ) -> list[tuple[int, dict[str, Any]]] | None:
    """Rows of a CSV or .xlsx table as ``(row number, {column: value})``.

    Row numbers count the header as row 1, as a spreadsheet shows them.
    ``spec`` names the columns (default: the households table).
    """
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, col, spec)
    text = read_text(path, col)
    if text is None:
        return None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        rows = list(reader)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            col.error(f"line {reader.line_num}", f"a cell is longer than "
                      f"{csv.field_size_limit():,} characters",
                      "shorten that cell: a cell holds a code, a name or a short note")
        else:
            col.error(f"line {reader.line_num}", f"not a valid CSV ({exc})",
                      "check the quotes on that line")
        return None
    return _rows_with_header(rows, col, spec)


def _rows_with_header(rows: list[list[Any]], col: _Collector,
                      spec: TableSpec = HOUSEHOLDS_TABLE):
    rows = [list(r) for r in rows]
    names = _canonical_columns([nfc(c) for c in rows[0]], _Collector(col.file), spec) \
        if rows else []
    if rows and any(required not in names for required in spec.required):
        for number, row in enumerate(rows[1:10], start=2):
            found = _canonical_columns([nfc(c) for c in row], _Collector(col.file), spec)
            if all(required in found for required in spec.required):
                above = "row 1" if number == 2 else f"rows 1–{number - 1}"
                col.error(f"row {number}", f"the header (the column names) is on row {number}, "
                          f"not row 1: a title or blank {above} above it",
                          f"delete {above} so that the column names are on row 1")
                return None
    if not rows or not any(nfc(c) for c in rows[0]):
        col.error("row 1", "the header row is missing",
                  f"the first row must name the columns: {', '.join(spec.columns)}")
        return None
    names = _canonical_columns([nfc(c) for c in rows[0]], col, spec)
    if any(required not in names for required in spec.required):
        return None  # row checks would only repeat the missing column
    result = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(nfc(c) for c in row):
            continue
        if len(row) > len(names) and any(nfc(c) for c in row[len(names):]):
            col.error(f"row {number}", f"{len(row)} cells but the header has {len(names)}",
                      "remove the extra cells or add a header for them")
        values = {name: row[i] if i < len(row) else None
                  for i, name in enumerate(names) if name}
        result.append((number, values))
    if not result:
        col.error("", f"the table has a header but no {spec.rows_noun}",
                  f"add one row per {spec.row_noun}")
    return result


def _read_xlsx(path: Path, col: _Collector, spec: TableSpec = HOUSEHOLDS_TABLE):
    import zipfile

    from openpyxl import load_workbook

    if not path.is_file():
        col.error("", "file not found", "check the path; paths in the YAML are relative to it")
        return None
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        col.error("", f"not a readable Excel .xlsx file ({type(exc).__name__})",
                  "save it again from Excel as .xlsx, or export CSV UTF-8")
        return None
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    if not rows:
        col.error("", "the first sheet is empty", f"put the {spec.sheet_noun} on the first sheet")
        return None
    return _rows_with_header(rows, col, spec)


def _match_village(value: str, villages: list[Village]) -> Village | None:
    for v in villages:
        if value == v.id:
            return v
    folded = fold(value)
    for v in villages:
        if folded in (fold(v.id), fold(v.name)):
            return v
    return None


def _parse_households(path: Path, villages: list[Village], col: _Collector,
                      ) -> list[Household]:
    rows = read_table(path, col)
    if rows is None:
        return []
    households: dict[str, dict[str, Any]] = {}
    seen_residents: dict[str, int] = {}
    for number, row in rows:
        where = f"row {number}"
        hid = nfc(row.get("household_id"))
        if not hid:
            col.error(f"{where}, field household_id", "missing",
                      "give the household's code (the same on every row of that household)")
            continue
        rid = nfc(row.get("resident_id"))
        if not rid:
            col.error(f"{where}, field resident_id", "missing", "give each resident a code")
        elif rid in seen_residents:
            col.error(f"{where}, field resident_id",
                      f"duplicate resident id '{rid}' (also on row {seen_residents[rid]})",
                      "give each resident their own id")
        else:
            seen_residents[rid] = number
        name = nfc(row.get("full_name"))
        if not name:
            col.error(f"{where}, field full_name", "missing", "give the resident's full name")
        cond_raw = nfc(row.get("condition"))
        condition = cond_raw.lower() if cond_raw.lower() in CONDITIONS else \
            CONDITION_ALIASES.get(fold(cond_raw))
        if condition is None:
            col.error(f"{where}, field condition", f"unknown condition '{cond_raw}'",
                      f"use one of: {', '.join(CONDITIONS)}")
        windows: tuple[Window, ...] = ()
        try:
            windows = parse_windows(row.get("available"))
        except ValueError as exc:
            col.error(f"{where}, field available", str(exc),
                      "write hours at home as HH:MM-HH:MM, several separated by ';'")
        mode_raw = nfc(row.get("mode")) or "home"
        mode = mode_raw.lower() if mode_raw.lower() in MODES else MODE_ALIASES.get(fold(mode_raw))
        if mode is None:
            col.error(f"{where}, field mode", f"unknown mode '{mode_raw}'",
                      f"use one of: {', '.join(MODES)}")
        waiting = 0
        if nfc(row.get("waiting_days")):
            value = _count(row.get("waiting_days"), f"{where}, field waiting_days", col,
                           "waiting_days", 0, 10000)
            waiting = value if value is not None else 0
        village_raw = nfc(row.get("village"))
        village = _match_village(village_raw, villages) if village_raw else None
        if village_raw and village is None:
            col.error(f"{where}, field village", f"unknown village '{village_raw}'",
                      "use a village id or name listed under villages: in the YAML")
        elif not village_raw:
            col.error(f"{where}, field village", "missing", "give the household's village")
        lon_raw, lat_raw = row.get("lon"), row.get("lat")
        coords: tuple[float, float] | None = None
        approximate = False
        if nfc(lon_raw) or nfc(lat_raw):
            coords = _coords(lon_raw, lat_raw, f"{where}, fields lon/lat", col)
        elif village is not None:
            coords = (village.lon, village.lat)
            approximate = True
        else:
            coords = None
        if mode == "shuttle" and condition == "bedridden":
            col.error(f"{where}, field mode", "a bedridden resident cannot ride a motorbike "
                      "to the office", "set the mode to home (or auto)")
        resident = None
        if rid and name and condition and mode is not None:
            resident = Resident(id=rid, full_name=name, condition=condition,  # type: ignore
                                windows=windows, mode=mode, waiting_days=waiting,  # type: ignore
                                id_number=nfc(row.get("id_number")), notes=nfc(row.get("notes")))
        entry = households.get(hid)
        if entry is None:
            households[hid] = {"row": number, "village": village, "coords": coords,
                               "approximate": approximate, "contact": nfc(row.get("contact")),
                               "residents": [resident] if resident else [],
                               "notes": ""}
            if approximate:
                col.warn(f"{where}, fields lon/lat",
                         f"household {hid} has no coordinates; placed at its village centre",
                         "add its lon/lat for an exact route (the plan marks it approximate)")
        else:
            if village is not None and entry["village"] is not None \
                    and village.id != entry["village"].id:
                col.error(f"{where}, field village",
                          f"household {hid} is in village '{entry['village'].id}' on row "
                          f"{entry['row']} but '{village.id}' here",
                          "use the same village on every row of a household")
            if coords and entry["coords"] and not approximate and not entry["approximate"] \
                    and (abs(coords[0] - entry["coords"][0]) > 1e-6
                         or abs(coords[1] - entry["coords"][1]) > 1e-6):
                col.error(f"{where}, fields lon/lat",
                          f"household {hid} has other coordinates on row {entry['row']}",
                          "use the same lon/lat on every row of a household")
            if resident:
                entry["residents"].append(resident)
    result = []
    for hid, entry in households.items():
        if entry["village"] is None or entry["coords"] is None or not entry["residents"]:
            continue
        result.append(Household(
            id=hid, village_id=entry["village"].id, lon=entry["coords"][0],
            lat=entry["coords"][1], residents=tuple(entry["residents"]),
            contact=entry["contact"], approximate=entry["approximate"]))
    return result


def _check_capacity(teams: list[Team], households: list[Household], params: Parameters,
                    col: _Collector) -> None:
    """Counts that are valid alone but leave some residents no way to be served."""
    modes = {r.mode for h in households for r in h.residents}
    if teams and all(t.kits == 0 for t in teams) and modes & {"home", "point", "auto"}:
        col.error("teams.kits", "no team has an enrolment kit, so nobody can be enrolled at "
                  "home or at a collection point", "give at least one team kits: 1")
    if "shuttle" in modes and params.seats_per_motorbike == 0:
        col.error("parameters.seats_per_motorbike", "0 seats, but some residents are to be "
                  "fetched by motorbike (mode shuttle)",
                  "give 1 (or more) seats per motorbike, or change those residents' mode")


def _resolve(base: Path, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else base / path


def _roads_problem(roads: str, base: Path, col: _Collector) -> bool:
    """Report a ``roads:`` value naming no road graph; True when one was reported."""
    from planner.roads.io import resolve_graph_path

    if resolve_graph_path(roads, base).is_file():
        return False
    given = _resolve(base, roads)
    if given.is_dir():
        col.error("roads", f"'{roads}' is a folder, not a road graph",
                  "give the graph's name in maps/ (roads: NAME) or the path of its .graphml "
                  "file")
    elif given.exists():
        kind = "an OpenStreetMap file" if given.name.lower().endswith(
            (".osm", ".pbf", ".osm.xml", ".bz2")) else f"a '{given.suffix or given.name}' file"
        col.error("roads", f"'{roads}' exists but is {kind}, not a road graph (GraphML)",
                  f"import it first: python plan.py roads import {roads} --name NAME, then "
                  "write roads: NAME")
    else:
        col.error("roads", f"road graph '{roads}' not found (looked in maps/ and beside the "
                  "scenario)", "import one with `python plan.py roads import FILE --name NAME`")
    return True


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
    from planner.roads.io import resolve_graph_path

    path = Path(path)
    if path.is_dir():
        path = path / "scenario.yaml"
    col = _Collector(str(path))
    problems: list[Problem] = []
    data = _parse_yaml(path, col)
    if data is None:
        raise InputError(col.problems)
    _check_unknown(data, TOP_FIELDS, "", col)
    for key in REQUIRED_TOP:
        if key not in data or data[key] in (None, ""):
            col.error(key, "missing", f"add '{key}:'; see docs/scenario-format.md")
    date = data.get("date")
    if date not in (None, ""):
        date = _campaign_date(date, "date", col)
    table = speed_table if speed_table is not None else _speed_table(data, path.parent, col)
    seasons = season_names(table)
    season = nfc(data.get("season") or default_season(table))
    if season not in seasons:
        col.error("season", f"unknown season '{season}'",
                  f"use one of the seasons of the speed table: {', '.join(seasons)} (a new "
                  "season is one more [seasons.NAME] table in maps/speeds.toml)")
        season = default_season(table)
    station = None
    raw_station = data.get("station")
    if isinstance(raw_station, dict):
        _check_unknown(raw_station, STATION_FIELDS, "station.", col)
        coords = _coords(raw_station.get("lon"), raw_station.get("lat"), "station.lon/lat", col)
        if coords:
            station = Station(nfc(raw_station.get("name") or "Công an xã"), *coords)
    elif raw_station is not None:
        col.error("station", "must be a mapping with name, lon, lat",
                  "e.g. station: {name: Công an xã, lon: 103.2, lat: 21.8}")
    villages = _parse_villages(data.get("villages"), col)
    teams = _parse_teams(data.get("teams"), col)
    parameters = _parse_parameters(data.get("parameters"), season, col)
    parameters = _parse_priorities(data.get("priorities"), parameters, col)
    campaign = _parse_campaign(data.get("campaign"), {t.id for t in teams}, col)
    if campaign is not None and campaign.wet_days and rain_season(table) is None:
        rain = table.get("rain_season", RAIN_SEASON)
        col.error("campaign.wet_days", f"the speed table has no season named {rain}, with "
                  "which wet days are planned", f"add a [seasons.{rain}] table to the speed "
                  f"table (its seasons: {', '.join(seasons)}), or remove wet_days")
    roads = nfc(data.get("roads"))
    if roads and check_roads and not _roads_problem(roads, path.parent, col) and station:
        from planner.sitecheck import station_problem

        far = station_problem(station.lon, station.lat, resolve_graph_path(roads, path.parent),
                              parameters.walk_limit_m)
        if far:
            col.error("station.lon/lat", *far)
    villages = _place_villages(villages, resolve_graph_path(roads, path.parent) if roads
                               else None, col)
    households: list[Household] = []
    hh_value = nfc(data.get("households"))
    hh_col = None
    if hh_value:
        hh_path = _resolve(path.parent, hh_value)
        hh_col = _Collector(str(hh_path))
        if hh_path.suffix.lower() not in (".csv", ".txt", ".xlsx", ".xlsm"):
            hh_col.error("", f"unsupported table type '{hh_path.suffix}'",
                         "give a .csv (UTF-8) or .xlsx file")
        else:
            households = _parse_households(hh_path, villages, hh_col)
        if station and households:
            from planner.matrix import haversine_m
            for h in households:
                d = haversine_m(station.lon, station.lat, h.lon, h.lat)
                if d > 60_000:
                    hh_col.warn(f"household {h.id}, fields lon/lat",
                                f"{d / 1000:.0f} km from the station",
                                "check the coordinates (swapped or a typo?)")
    _check_capacity(teams, households, parameters, col)
    problems = col.problems + (hh_col.problems if hh_col else [])
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(problems)
    scenario = Scenario(
        name=nfc(data.get("name")), fictional=bool(data.get("fictional", False)),
        date=date, station=station, villages=tuple(villages),  # type: ignore[arg-type]
        households=tuple(households), teams=tuple(teams),
        roads=str(resolve_graph_path(roads, path.parent)), parameters=parameters,
        source=str(path), campaign=campaign)
    return scenario, [p for p in problems if p.severity == "warning"], table


def _speed_table(data: dict[str, Any], base: Path, col: _Collector) -> SpeedTable:
    """The speed table a scenario's ``speeds:`` names (a TOML file, relative to
    the scenario), else ``maps/speeds.toml``; a missing file is reported and the
    bundled table used to check the rest."""
    value = nfc(data.get("speeds"))
    if not value:
        return load_speed_table()
    found = _resolve(base, value)
    if not found.is_file():
        col.error("speeds", f"speed table '{value}' not found (looked beside the scenario)",
                  "give the path of a copy of maps/speeds.toml, or remove speeds:")
        return load_speed_table()
    return load_speed_table(found)
