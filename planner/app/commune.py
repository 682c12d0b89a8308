"""A new commune from the Start page: a households list (.csv or .xlsx, the
demo's ``scenarios/demo/households.csv`` is the reference format) and a
settings form become a scenario folder inside the workspace
(``scenario.yaml`` beside the list), which is then checked.

- ``create_commune(CommuneRequest)`` writes the folder (roads: the bundled
  demo graph, a GraphML copied in, or an OpenStreetMap extract imported with
  ``app.roads.import_roads``) and returns the check (``CheckReport``);
- ``replace_households`` puts a fixed list in place of the old one (the
  marked list's problems column dropped); ``edit_row`` changes one row's
  cells in place; ``list_row`` reads one row back for the edit form;
- ``marked_list`` is the list as an .xlsx with the problem cells filled and a
  problems column (every text through ``planner.privacy.xlsx_text_cell``).

The settings are kept as typed (text): the scenario loader is the one place
that validates them, so a mistake in the form comes back from the check with
its field and fix, like a mistake in the list. Nothing here prints.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from planner.app.commune_roads import DEM_SUFFIXES, GRAPH_SUFFIXES, import_commune_roads
from planner.app.progress import Progress
from planner.app.roads import OSM_SUFFIXES
from planner.app.text import N_, gettext_for, problem_text
from planner.app.workspace import CheckReport, check_report
from planner.domain import CONDITIONS, MODES
from planner.errors import InputError, Problem, msg
from planner.privacy import csv_text, read_cell, xlsx_text_cell
from planner.scenario import COLUMNS, CONDITION_ALIASES, MODE_ALIASES, fold, nfc
from planner.scenario.table import header_columns, table_rows, table_text
from planner.speeds import default_season, load_speed_table, season_names

DEMO_ROADS = "demo_commune"
"""The bundled demo road graph (``maps/demo_commune.graphml``)."""
LIST_SUFFIXES = (".csv", ".xlsx")
"""The households lists the Start page takes."""
HEADERS: dict[str, str] = {
    "household_id": msg("Household code"), "village": msg("Village"), "lon": msg("Longitude"),
    "lat": msg("Latitude"), "contact": msg("Phone"), "resident_id": msg("Resident code"),
    "full_name": msg("Full name"), "condition": msg("Condition"),
    "available": msg("Hours at home"), "mode": msg("Mode"),
    "waiting_days": msg("Days waiting"), "id_number": msg("ID number"), "notes": msg("Notes"),
}
"""The marked list's column headers (in Vietnamese, they are the aliases the
households reader knows, so the fixed list reads back)."""
PROBLEMS_HEADER = msg("Problems of the row")
"""The marked list's last column: every problem of the row, what and fix."""
PROBLEM_FILL = "FFC7CE"
"""The fill of a cell with a problem (Excel's light red)."""
WARNING_FILL = "FFEB9C"
"""The fill of a cell with a warning (Excel's light yellow)."""
_WHERE = re.compile(r"^row (\d+)(?:, fields? ([\w/]+))?")
_HOUSEHOLD = re.compile(r"^household (.+?)(?:, fields? ([\w/]+))?$")


@dataclass(frozen=True)
class TeamSettings:
    """One team as typed in the form: ``members`` one name each, ``duties`` a
    subset of ``home``, ``shuttle``, ``point`` (none: all), ``can_split``
    whether its officers may work in two places at once; numbers and times as text."""

    id: str
    name: str
    members: tuple[str, ...] = ()
    motorbikes: str = "2"
    kits: str = "1"
    shift: str = "07:00-17:00"
    lunch: str = "11:00-13:30"
    duties: tuple[str, ...] = ()
    can_split: bool = False


@dataclass(frozen=True)
class VillageSettings:
    """A village: its id as the list writes it, its name, and lon/lat in
    degrees as text ('' for the middle of its households in the list)."""

    id: str
    name: str = ""
    lon: str = ""
    lat: str = ""


@dataclass(frozen=True)
class PointSettings:
    """A meeting place (collection point) of village ``village``, lon/lat in degrees."""

    village: str
    name: str
    lon: str
    lat: str


@dataclass(frozen=True)
class CommuneSettings:
    """The settings form: the commune's ``name``, the station (name, lon/lat
    in degrees), the teams, the villages (none: every village of the list,
    placed at its households' middle), the meeting places, the first day
    ``start`` and the ``deadline`` (YYYY-MM-DD), the ``season`` (a season of
    the speed table)."""

    name: str
    station_name: str
    station_lon: str
    station_lat: str
    teams: tuple[TeamSettings, ...]
    start: str
    deadline: str = ""
    season: str = ""
    villages: tuple[VillageSettings, ...] = ()
    points: tuple[PointSettings, ...] = ()


@dataclass(frozen=True)
class CommuneRequest:
    """Create the scenario folder ``folder`` (inside the workspace, not yet
    there) from the households list ``list_data`` (the bytes of a .csv or
    .xlsx file named ``list_name``) and ``settings``. Roads: ``roads_file`` (a
    .graphml copied in, or an OpenStreetMap extract imported with the
    elevation rasters ``dems``), or the bundled demo graph when None."""

    folder: Path
    list_name: str
    list_data: bytes
    settings: CommuneSettings
    roads_file: Path | None = None
    dems: tuple[Path, ...] = ()


@dataclass
class CommuneResult:
    """The scenario written (``scenario``: its scenario.yaml) and its check."""

    scenario: Path
    report: CheckReport
    warnings: list[str] = field(default_factory=list)


def road_files(workspace: Path) -> tuple[list[Path], list[Path]]:
    """The road files a new commune may use, directly inside ``workspace``:
    OpenStreetMap extracts and GraphML graphs, and elevation rasters (.tif)."""
    files = sorted(p for p in workspace.iterdir() if p.is_file()) if workspace.is_dir() else []
    roads = [p for p in files if p.name.lower().endswith(OSM_SUFFIXES + GRAPH_SUFFIXES)]
    dems = [p for p in files if p.suffix.lower() in DEM_SUFFIXES]
    return roads, dems


def households_file(folder: Path) -> Path:
    """The households list of the scenario folder (``households.csv`` or ``.xlsx``)."""
    for suffix in LIST_SUFFIXES:
        if (folder / f"households{suffix}").is_file():
            return folder / f"households{suffix}"
    raise InputError(Problem(str(folder), "", msg("no households list in the scenario folder"),
                             msg("create the commune again from the Start page")))


def _list_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in LIST_SUFFIXES:
        raise InputError(Problem(Path(name).name, "", msg("not a .csv or .xlsx file"),
                                 msg("save the list from Excel as .xlsx, or as CSV UTF-8")))
    return suffix


def seasons() -> tuple[tuple[str, ...], str]:
    """The seasons of the speed table (maps/speeds.toml) and the default one."""
    table = load_speed_table()
    return season_names(table), default_season(table)


def default_dates(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The form's first day (tomorrow) and deadline (four weeks later);
    ``today``: default the computer's date."""
    start = (today or dt.date.today()) + dt.timedelta(days=1)
    return start, start + dt.timedelta(days=28)


def needs_import(request: CommuneRequest) -> bool:
    """Whether the commune's roads come from an OpenStreetMap extract to
    import (a long job: a front end runs it off its request thread)."""
    return request.roads_file is not None and \
        not request.roads_file.name.lower().endswith(GRAPH_SUFFIXES)


def create_commune(request: CommuneRequest, progress: Progress | None = None
                   ) -> CommuneResult:
    """Write the scenario folder (scenario.yaml, the households list, the road
    graph) and check it. The folder must not exist yet; it is built aside
    (``.NAME.partial``) and renamed in place at the end, so a job cut short
    leaves no half-made commune under its name."""
    progress = progress or Progress.silent()
    folder = request.folder
    if folder.exists():
        raise InputError(Problem(str(folder), "", msg("exists already"),
                                 msg("choose another name")))
    suffix = _list_suffix(request.list_name)
    partial = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    warnings: list[str] = []
    try:
        target = partial / f"households{suffix}"
        target.write_bytes(request.list_data)
        roads = _roads(request, partial, warnings, progress)
        data = scenario_data(request.settings, target, roads)
        text = "# " + msg("Made by the workspace's Start page; edit it there or here.") + "\n"
        (partial / "scenario.yaml").write_text(
            text + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    progress.say(N_("Checking the scenario…"))
    return CommuneResult(folder / "scenario.yaml", check_report(folder / "scenario.yaml"),
                         warnings)


def _roads(request: CommuneRequest, folder: Path, warnings: list[str],
           progress: Progress) -> str:
    """The scenario's ``roads:`` value: the demo graph's name, or a graph in ``folder``."""
    given = request.roads_file
    if given is None:
        return DEMO_ROADS
    if not needs_import(request):
        shutil.copyfile(given, folder / "roads.graphml")
        return "roads.graphml"
    warnings += import_commune_roads(given, tuple(request.dems), folder / "roads.graphml",
                                     commune_places(request.settings, folder / request_list(
                                         request)), progress)
    return "roads.graphml"


def request_list(request: CommuneRequest) -> str:
    """The name the request's households list gets in its folder."""
    return f"households{_list_suffix(request.list_name)}"


def commune_places(settings: CommuneSettings, households: Path) -> list[tuple[float, float]]:
    """The station and every village (as typed, else the middle of its
    households in the list), (lon, lat) in degrees; NaN where unknown."""
    out = [(_degrees(settings.station_lon), _degrees(settings.station_lat))]
    out += [(float(v["lon"]), float(v["lat"])) for v in _villages(settings, households)
            if isinstance(v.get("lon"), int | float) and isinstance(v.get("lat"), int | float)]
    return out


def _degrees(text: str) -> float:
    value = _number(text)
    return float(value) if isinstance(value, int | float) else float("nan")


def _number(text: str) -> Any:
    """A number typed in the form as int or float; the text itself when it is
    not one (the check then names the field)."""
    text = nfc(text).replace(",", ".") if re.fullmatch(r"\s*-?\d+,\d+\s*", text or "") \
        else nfc(text)
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _village_middles(path: Path) -> dict[str, tuple[float, float]]:
    """Each village value of the list → the middle (mean lon, lat) of its rows
    with coordinates."""
    rows = table_rows(path)
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for _n, row in rows:
        village = nfc(row.get("village"))
        try:
            lon, lat = float(str(row.get("lon"))), float(str(row.get("lat")))
        except ValueError:
            if village:
                sums.setdefault(village, [0.0, 0.0, 0])
            continue
        if village:
            s = sums[village]
            s[0], s[1], s[2] = s[0] + lon, s[1] + lat, s[2] + 1
    return {v: (round(s[0] / s[2], 6), round(s[1] / s[2], 6)) if s[2] else (float("nan"),) * 2
            for v, s in sums.items()}


def _villages(settings: CommuneSettings, households: Path) -> list[dict[str, Any]]:
    """The scenario's villages: as typed (missing coordinates from the list),
    or every village of the list; each with its meeting places."""
    middles = _village_middles(households)
    typed = [v for v in settings.villages if nfc(v.id)]
    if not typed:
        typed = [VillageSettings(v, v) for v in sorted(middles)]
    out = []
    for v in typed:
        vid = nfc(v.id)
        item: dict[str, Any] = {"id": vid, "name": nfc(v.name) or vid}
        middle = middles.get(vid) or next((m for k, m in middles.items()
                                           if fold(k) in (fold(vid), fold(v.name))), None)
        lon = _number(v.lon) if nfc(v.lon) else (middle[0] if middle else "")
        lat = _number(v.lat) if nfc(v.lat) else (middle[1] if middle else "")
        if lon == lon and lat == lat and lon != "":  # not NaN, given
            item["lon"], item["lat"] = lon, lat
        points = [{"name": nfc(p.name), "lon": _number(p.lon), "lat": _number(p.lat)}
                  for p in settings.points
                  if fold(p.village) in (fold(vid), fold(item["name"])) and nfc(p.name)]
        if points:
            item["points"] = points
        out.append(item)
    return out


def scenario_data(settings: CommuneSettings, households: Path, roads: str) -> dict[str, Any]:
    """The scenario.yaml of ``settings`` (docs/scenario-format.md), the list at
    ``households`` (its name beside the YAML), the road graph ``roads``."""
    teams = []
    for t in settings.teams:
        if not nfc(t.id):
            continue
        item: dict[str, Any] = {"id": nfc(t.id), "name": nfc(t.name) or nfc(t.id),
                                "members": [nfc(m) for m in t.members if nfc(m)],
                                "motorbikes": _number(t.motorbikes), "kits": _number(t.kits),
                                "shift": nfc(t.shift)}
        if nfc(t.lunch):
            item["lunch"] = nfc(t.lunch)
        if t.duties:
            item["duties"] = list(t.duties)
        if t.can_split:
            item["can_split"] = True
        teams.append(item)
    data: dict[str, Any] = {"name": nfc(settings.name), "date": nfc(settings.start)}
    if nfc(settings.season):
        data["season"] = nfc(settings.season)
    data.update({
        "roads": roads, "households": households.name,
        "station": {"name": nfc(settings.station_name), "lon": _number(settings.station_lon),
                    "lat": _number(settings.station_lat)},
        "villages": _villages(settings, households), "teams": teams})
    campaign = {"start": nfc(settings.start)}
    if nfc(settings.deadline):
        campaign["deadline"] = nfc(settings.deadline)
    data["campaign"] = campaign
    return data


# --- the list: fix it, edit a row, download it marked ---------------------------------


def _raw_rows(path: Path) -> list[list[Any]]:
    """Every row of the list as written (row 1 the header), cells as read; an
    ``InputError`` when it cannot be read."""
    # imported here: openpyxl loads only for an .xlsx list (0.3 s)
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        if path.suffix.lower() == ".xlsx":
            wb = load_workbook(path, read_only=True, data_only=True)
            try:
                return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
            finally:
                wb.close()
        text = table_text(path)
        if text is None:
            raise ValueError(path.name)
        try:
            dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return [[read_cell(c) for c in r] for r in csv.reader(io.StringIO(text), dialect)]
    except (OSError, ValueError, KeyError, IndexError, zipfile.BadZipFile, csv.Error,
            InvalidFileException):
        raise InputError(Problem(path.name, "", msg("not a readable list"),
                                 msg("save the list from Excel as .xlsx, or as CSV UTF-8"))
                         ) from None


def _write_rows(path: Path, rows: list[list[Any]]) -> None:
    """Write ``rows`` (row 1 the header) back to the list at ``path``, in its format."""
    if path.suffix.lower() == ".xlsx":
        # imported here: openpyxl loads only for an .xlsx list (0.3 s)
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    xlsx_text_cell(ws.cell(row=r, column=c), value)
        wb.save(path)
        return
    path.write_text(csv_text(rows[0], rows[1:]) if rows else "", encoding="utf-8")


def _problems_column(header: list[Any]) -> int | None:
    """The index of the marked list's problems column in ``header`` (any language)."""
    names = {fold(PROBLEMS_HEADER), *(fold(gettext_for(lang)(PROBLEMS_HEADER))
                                      for lang in ("vi", "en"))}
    return next((k for k, c in enumerate(header) if fold(nfc(c)) in names), None)


def replace_households(folder: Path, name: str, data: bytes) -> CheckReport:
    """Put the fixed list ``data`` (a .csv or .xlsx file named ``name``) in
    place of the scenario's list, without the marked list's problems column,
    and check again."""
    suffix = _list_suffix(name)
    old = households_file(folder)
    target = folder / f"households{suffix}"
    staged = folder / f".upload{suffix}"
    staged.write_bytes(data)
    try:
        rows = _raw_rows(staged)
    except InputError:
        raise InputError(Problem(Path(name).name, "", msg("not a readable list"),
                                 msg("save the list from Excel as .xlsx, or as CSV UTF-8"))
                         ) from None
    finally:
        staged.unlink()
    drop = _problems_column(rows[0]) if rows else None
    if drop is not None:
        rows = [r[:drop] + r[drop + 1:] for r in rows]
    _write_rows(target, rows)
    if old != target:
        old.unlink()
        scenario = folder / "scenario.yaml"
        data = yaml.safe_load(scenario.read_text(encoding="utf-8"))
        data["households"] = target.name
        scenario.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                            encoding="utf-8")
    return check_report(folder / "scenario.yaml")


def cell_choices(lang: str = "vi") -> dict[str, list[str]]:
    """The words a row's ``condition`` and ``mode`` cells may take, in
    ``lang`` where the households reader knows the word, else the code."""
    _ = gettext_for(lang)
    out = {}
    for column, codes, aliases in (("condition", CONDITIONS, CONDITION_ALIASES),
                                   ("mode", MODES, MODE_ALIASES)):
        out[column] = [_(c) if aliases.get(fold(_(c))) == c else c for c in codes]
    return out


def list_row(folder: Path, number: int) -> dict[str, str]:
    """Row ``number`` (the header is row 1) of the scenario's list: each known
    column → its text; an ``InputError`` when there is no such row."""
    rows = _raw_rows(households_file(folder))
    if not 2 <= number <= len(rows):
        raise InputError(Problem("households", f"row {number}", msg("no such row"),
                                 msg("choose a row from the check's list")))
    names = header_columns(rows[0])
    row = rows[number - 1]
    return {name: "" if k >= len(row) or row[k] is None else nfc(row[k])
            for k, name in enumerate(names) if name}


def edit_row(folder: Path, number: int, values: dict[str, str]) -> CheckReport:
    """Set the cells of row ``number`` of the scenario's list to ``values``
    (known columns only; a column the list lacks is added), then check again."""
    path = households_file(folder)
    rows = _raw_rows(path)
    if not 2 <= number <= len(rows):
        raise InputError(Problem(path.name, f"row {number}", msg("no such row"),
                                 msg("choose a row from the check's list")))
    names = header_columns(rows[0])
    for column, value in values.items():
        if column not in COLUMNS:
            continue
        if column not in names:
            if not nfc(value):
                continue
            rows[0].append(column)
            names.append(column)
        k = names.index(column)
        row = rows[number - 1]
        row += [None] * (k + 1 - len(row))
        row[k] = nfc(value)
    _write_rows(path, rows)
    return check_report(folder / "scenario.yaml")


def row_problems(report: CheckReport, households: Path, warnings: bool = False
                 ) -> dict[int, list[tuple[str, Problem]]]:
    """The problems of the list's rows (with ``warnings``: its warnings):
    row number → (field, problem); the field '' for a problem of the whole row.
    A problem of a household (``household H1, fields lon/lat``) is one of
    each of its rows."""
    out: dict[int, list[tuple[str, Problem]]] = defaultdict(list)
    rows_of: dict[str, list[int]] | None = None
    for p in report.warnings if warnings else report.problems:
        if Path(p.file).name != households.name:
            continue
        m = _WHERE.match(p.where)
        if m:
            out[int(m.group(1))].append((m.group(2) or "", p))
            continue
        m = _HOUSEHOLD.match(p.where)
        if m:
            if rows_of is None:
                rows_of = defaultdict(list)
                for number, row in table_rows(households):
                    rows_of[nfc(row.get("household_id"))].append(number)
            for number in rows_of.get(m.group(1), []):
                out[number].append((m.group(2) or "", p))
    return dict(out)


def marked_list(folder: Path, report: CheckReport, lang: str = "vi") -> bytes:
    """The scenario's list as an .xlsx: the known columns under headers in
    ``lang`` (the column's name where the reader knows no header in
    ``lang``), each row at its own number, a cell with a problem filled
    (light red; a warning light yellow), and a last column with every
    problem and warning of the row (what is wrong, the fix). It reads back
    as the list (``replace_households``)."""
    # imported here: openpyxl loads only when a marked list is asked for (0.3 s)
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    path = households_file(folder)
    rows = table_rows(path)
    present = [c for c in COLUMNS if any(c in r for _n, r in rows)]
    _ = gettext_for(lang)
    marks = row_problems(report, path)
    for number, found in row_problems(report, path, warnings=True).items():
        marks.setdefault(number, []).extend(found)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Households list")
    for c, column in enumerate(present, start=1):
        label = _(HEADERS[column])  # the column's own name where the reader knows no other
        xlsx_text_cell(ws.cell(row=1, column=c),
                       label if header_columns([label]) == [column] else column)
        ws.cell(row=1, column=c).font = Font(bold=True)
    last = len(present) + 1
    xlsx_text_cell(ws.cell(row=1, column=last), _(PROBLEMS_HEADER))
    ws.cell(row=1, column=last).font = Font(bold=True)
    fill = PatternFill("solid", start_color=PROBLEM_FILL, end_color=PROBLEM_FILL)
    warned = PatternFill("solid", start_color=WARNING_FILL, end_color=WARNING_FILL)
    for number, row in rows:
        for c, column in enumerate(present, start=1):
            value = row.get(column)
            if value is not None and value != "":
                xlsx_text_cell(ws.cell(row=number, column=c),
                               value if isinstance(value, (int, float)) else str(value))
        said = []
        for fields, problem in marks.get(number, []):
            said.append(problem_text(problem, _))
            for one in fields.split("/") if fields else []:
                if one in present:
                    ws.cell(row=number, column=present.index(one) + 1).fill = \
                        fill if problem.severity == "error" else warned
        if said:
            xlsx_text_cell(ws.cell(row=number, column=last), "\n".join(said))
            ws.cell(row=number, column=last).fill = \
                fill if any(p.severity == "error" for _f, p in marks[number]) else warned
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
