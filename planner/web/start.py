"""The Start and Check pages of a new commune: a households list (.csv,
.xlsx) and the settings form become a scenario folder of the workspace
(``app.commune.create_commune``); its Check lists every problem per row and
field, downloads the list with the problems marked, takes the fixed list
again or one row edited in the page, and plans the campaign once it passes.
The views only translate the form to the application layer and back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

import yaml
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from planner.app import PlannerError
from planner.app.commune import (
    COLUMNS,
    DEMO_ROADS,
    HEADERS,
    CommuneRequest,
    CommuneSettings,
    PointSettings,
    TeamSettings,
    VillageSettings,
    cell_choices,
    create_commune,
    default_dates,
    edit_row,
    households_file,
    list_row,
    marked_list,
    needs_import,
    replace_households,
    road_files,
    row_problems,
    seasons,
)
from planner.app.commune_roads import DEM_MAX_BYTES, ROADS_MAX_BYTES
from planner.app.commune_settings import RoadsChange, edit_settings, read_settings
from planner.app.web_words import web_error_text
from planner.app.workspace import check_report, scenarios_in
from planner.web.base import NAME, iso_date, lang_of, page, posted
from planner.web.jobs import Busy, JobSpec
from planner.web.security import UPLOAD_MAX_BYTES, inside, upload_name_problem

router = APIRouter()

TEAM_ROWS, VILLAGE_ROWS, POINT_ROWS = 2, 6, 4
"""Rows of each table the form shows at first (the page's script adds more)."""
MAX_ROWS = 60
"""The most rows of one table a form may post."""
FORM_FIELDS = 12 + MAX_ROWS * 9
"""The most fields the settings form may post."""
DUTIES = ("home", "shuttle", "point")


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _rows(form: FormData, prefix: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    """The posted rows ``PREFIX-K-FIELD`` (K = 0, 1, …), blank rows left out."""
    out = []
    for k in range(MAX_ROWS):
        row = {f: _text(form, f"{prefix}-{k}-{f}") for f in fields}
        if any(row.values()):
            out.append({**row, "k": str(k)})
    return out


def settings_of(form: FormData) -> CommuneSettings:
    """The settings form as the application layer's ``CommuneSettings``."""
    teams = tuple(
        TeamSettings(t["id"], t["name"],
                     tuple(m.strip() for m in t["members"].replace("\n", ",").split(",")
                           if m.strip()),
                     t["motorbikes"], t["kits"], t["shift"], t["lunch"],
                     tuple(d for d in DUTIES if form.get(f"team-{t['k']}-duty-{d}")),
                     bool(form.get(f"team-{t['k']}-split")))
        for t in _rows(form, "team", ("id", "name", "members", "motorbikes", "kits", "shift",
                                      "lunch")))
    villages = tuple(VillageSettings(v["id"], v["name"], v["lon"], v["lat"])
                     for v in _rows(form, "village", ("id", "name", "lon", "lat")))
    points = tuple(PointSettings(p["village"], p["name"], p["lon"], p["lat"])
                   for p in _rows(form, "point", ("village", "name", "lon", "lat")))
    return CommuneSettings(_text(form, "name"), _text(form, "station_name"),
                           _text(form, "station_lon"), _text(form, "station_lat"), teams,
                           iso_date(_text(form, "start")), iso_date(_text(form, "deadline")),
                           _text(form, "season"), villages, points)


def _new_page(request: Request, values: dict[str, str] | None = None, problem: str = "",
              status_code: int = 200, editing: str = "", dems_chosen: list[str] | None = None,
              current_roads: str = "") -> Response:
    workspace: Path = request.app.state.workspace
    roads, dems = road_files(workspace)
    start, deadline = default_dates(request.app.state.today)
    names, default = seasons()
    values = values or {"start": start.isoformat(), "deadline": deadline.isoformat(),
                        "season": default, "team-0-id": "T1", "roads": "demo"}
    return page(request, "new.html", status_code=status_code, values=values, problem=problem,
                roads=[p.name for p in roads], dems=[p.name for p in dems], seasons=names,
                rows={"team": max(TEAM_ROWS, _count(values, "team")),
                      "village": max(VILLAGE_ROWS, _count(values, "village")),
                      "point": max(POINT_ROWS, _count(values, "point"))},
                duties=DUTIES, max_mb=UPLOAD_MAX_BYTES // 2**20,
                roads_mb=ROADS_MAX_BYTES // 2**20, dem_mb=DEM_MAX_BYTES // 2**20,
                chosen_dems=dems_chosen or [], current_roads=current_roads,
                villages_given=any(v for k, v in values.items()
                                   if k.startswith(("village-", "point-"))),
                editing=editing)


def _count(values: dict[str, str], prefix: str) -> int:
    """How many rows of ``prefix`` the posted values hold (to show them all again)."""
    ks = [int(k.split("-")[1]) for k in values
          if k.startswith(prefix + "-") and k.split("-")[1].isdigit()]
    return max(ks) + 1 if ks else 0


@router.get("/new")
def new_commune_page(request: Request) -> Response:
    """Start: a new commune from a households list and the settings form."""
    return _new_page(request)


async def _upload(form: FormData, key: str) -> tuple[str, bytes] | str:
    """The uploaded file ``key`` as (name, bytes), or why it is refused
    (``missing``, ``name``, ``type``, ``size``)."""
    upload = form.get(key)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return "missing"
    why = upload_name_problem(upload.filename)
    if why is not None:
        return why
    data = await upload.read(UPLOAD_MAX_BYTES + 1)
    return "size" if len(data) > UPLOAD_MAX_BYTES else (upload.filename, data)


def _workspace_file(request: Request, name: str, allowed: list[Path]) -> Path | None:
    """The file ``name`` of the workspace when it is one of ``allowed``."""
    workspace: Path = request.app.state.workspace
    path = inside(workspace, name) if name else None
    return path if path is not None and path in allowed else None


def _dems(request: Request, form: FormData, allowed: list[Path]) -> tuple[Path, ...] | None:
    """The elevation files ticked (files of the workspace; None: one is not)."""
    names = [v for v in form.getlist("dem") if isinstance(v, str) and v]
    files = [_workspace_file(request, n, allowed) for n in names[:8]]
    return None if any(f is None for f in files) else tuple(f for f in files if f)


@router.post("/new")
async def new_commune(request: Request) -> Response:
    """Write the scenario folder and check it; the Check page follows."""
    form = await posted(request, max_fields=FORM_FIELDS)
    values = {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "csrf"}
    workspace: Path = request.app.state.workspace
    name = _text(form, "name")
    folder = inside(workspace, name) if NAME.match(name) else None
    if folder is None:
        return _new_page(request, values, "name", 400)
    if folder.exists():
        return _new_page(request, values, "exists", 400)
    upload = await _upload(form, "households")
    if isinstance(upload, str):
        return _new_page(request, values, f"list-{upload}", 400)
    roads, dems = road_files(workspace)
    roads_file = None
    if _text(form, "roads") != "demo":
        roads_file = _workspace_file(request, _text(form, "roads"), roads)
        if roads_file is None:
            return _new_page(request, values, "roads", 400)
    chosen = _dems(request, form, dems)
    if chosen is None:
        return _new_page(request, values, "dem", 400)
    commune = CommuneRequest(folder, upload[0], upload[1], settings_of(form), roads_file,
                             chosen)
    if needs_import(commune):  # a long job: imported in its own process, with progress
        spec = JobSpec("commune", folder, lang_of(request), request.app.state.time_limit_s,
                       {"request": commune})
        try:
            job = request.app.state.jobs.start(spec)
        except Busy as busy:
            job = busy.job
        return _redirect(f"/jobs/{job.id}")
    try:
        create_commune(commune)
    except PlannerError as exc:
        return _new_page(request, values, web_error_text(exc, lang_of(request)), 400)
    return _redirect(f"/scenarios/{quote(name)}/check")


def _scenario(request: Request, name: str) -> Path:
    """The scenario folder ``name`` of the workspace (404 when it is not one)."""
    workspace: Path = request.app.state.workspace
    if not NAME.match(name) or name not in {p.name for p in scenarios_in(workspace)}:
        raise HTTPException(404, "no such scenario folder")
    return workspace / name


def _check_page(request: Request, name: str, problem: str = "",
                status_code: int = 200) -> Response:
    folder = _scenario(request, name)
    report = check_report(folder / "scenario.yaml")
    try:
        households = households_file(folder)
    except PlannerError:
        households = None
    rows = sorted(row_problems(report, households)) if households else []
    warned = sorted(set(row_problems(report, households, warnings=True)) - set(rows)) \
        if households else []
    today: dt.date | None = request.app.state.today
    try:  # the campaign is named after the year of its first day
        year = read_settings(folder).start[:4] or str(default_dates(today)[0].year)
    except PlannerError:
        year = str(default_dates(today)[0].year)
    return page(request, "check.html", status_code=status_code, campaign=None, report=report,
                scenario=name, households=households.name if households else None,
                problem_rows=rows, warning_rows=warned, problem=problem,
                roads_url=f"/scenarios/{quote(name)}/settings#roads",
                campaign_name=f"{name} {year}")


@router.get("/scenarios/{name}/check")
def check_scenario_page(request: Request, name: str) -> Response:
    """Check a scenario folder of the workspace: every problem per row and
    field with the fix; the marked list; the fixed list again; plan it."""
    return _check_page(request, name)


@router.get("/scenarios/{name}/marked.xlsx")
def marked_download(request: Request, name: str) -> Response:
    """The households list with its problem cells filled and a problems column."""
    folder = _scenario(request, name)
    data = marked_list(folder, check_report(folder / "scenario.yaml"), lang_of(request))
    return Response(data, media_type="application/vnd.openxmlformats-officedocument."
                                      "spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="households-'
                                                    'marked.xlsx"'})


@router.post("/scenarios/{name}/households")
async def fixed_list(request: Request, name: str) -> Response:
    """Take the fixed list in place of the old one, and check again."""
    form = await posted(request)
    folder = _scenario(request, name)
    upload = await _upload(form, "households")
    if isinstance(upload, str):
        return _check_page(request, name, f"list-{upload}", 400)
    try:
        replace_households(folder, upload[0], upload[1])
    except PlannerError as exc:
        return _check_page(request, name, web_error_text(exc, lang_of(request)), 400)
    return _redirect(f"/scenarios/{quote(name)}/check")


def _row_number(number: str) -> int:
    if not number.isdigit() or not 2 <= int(number) <= 10**6:
        raise HTTPException(404, "no such row")
    return int(number)


@router.get("/scenarios/{name}/rows/{number}")
def row_page(request: Request, name: str, number: str) -> Response:
    """One row of the list to edit, with its problems beside the fields."""
    folder = _scenario(request, name)
    n = _row_number(number)
    try:
        cells = list_row(folder, n)
    except PlannerError:
        raise HTTPException(404, "no such row") from None
    report = check_report(folder / "scenario.yaml")
    problems = [*row_problems(report, households_file(folder)).get(n, []),
                *row_problems(report, households_file(folder), warnings=True).get(n, [])]
    return page(request, "row.html", scenario=name, number=n, cells=cells, columns=COLUMNS,
                headers=HEADERS, problems=problems, choices=cell_choices(lang_of(request)),
                marked={f for fields, _p in problems for f in fields.split("/") if f})


@router.post("/scenarios/{name}/rows/{number}")
async def save_row(request: Request, name: str, number: str) -> Response:
    """Save the edited row and check again."""
    form = await posted(request)
    folder = _scenario(request, name)
    n = _row_number(number)
    values = {c: _text(form, c) for c in COLUMNS if c in form}
    edit_row(folder, n, values)  # a list that cannot be read: the error page
    return _redirect(f"/scenarios/{quote(name)}/check")


def settings_values(settings: CommuneSettings) -> dict[str, str]:
    """``settings`` as the form's fields (``team-K-id``, …), to show them again."""
    values = {"name": settings.name, "station_name": settings.station_name,
              "station_lon": settings.station_lon, "station_lat": settings.station_lat,
              "start": settings.start, "deadline": settings.deadline, "season": settings.season}
    for k, t in enumerate(settings.teams):
        p = f"team-{k}-"
        values.update({p + "id": t.id, p + "name": t.name, p + "members": "\n".join(t.members),
                       p + "motorbikes": t.motorbikes, p + "kits": t.kits, p + "shift": t.shift,
                       p + "lunch": t.lunch})
        values.update({p + f"duty-{d}": "1" for d in t.duties})
        if t.can_split:
            values[p + "split"] = "1"
    for k, v in enumerate(settings.villages):
        values.update({f"village-{k}-{f}": getattr(v, f) for f in ("id", "name", "lon", "lat")})
    for k, pt in enumerate(settings.points):
        values.update({f"point-{k}-{f}": getattr(pt, f) for f in ("village", "name", "lon", "lat")})
    return values


def _current_roads(folder: Path) -> str:
    """The road data a commune's scenario names (``roads:``), as the form shows it."""
    try:
        data = yaml.safe_load((folder / "scenario.yaml").read_text("utf-8"))
    except (OSError, yaml.YAMLError):
        return "?"
    return str(data.get("roads", "?")) if isinstance(data, dict) else "?"


@router.get("/scenarios/{name}/settings")
def settings_page(request: Request, name: str) -> Response:
    """The settings of a commune made here, to edit (the list stays; other
    road data may be chosen or uploaded)."""
    folder = _scenario(request, name)
    try:
        settings = read_settings(folder)
    except PlannerError as exc:
        return _check_page(request, name, web_error_text(exc, lang_of(request)), 400)
    return _new_page(request, settings_values(settings), editing=name,
                     current_roads=_current_roads(folder))


@router.post("/scenarios/{name}/settings")
async def save_settings(request: Request, name: str) -> Response:
    """Write the edited settings and check the scenario again; with other
    road data chosen, import them in a job (progress, cancel) first."""
    form = await posted(request, max_fields=FORM_FIELDS)
    folder = _scenario(request, name)
    settings = settings_of(form)
    values = {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "csrf"}
    workspace: Path = request.app.state.workspace
    roads, dems = road_files(workspace)
    given = _text(form, "roads")
    if given == "demo" and _current_roads(folder) == DEMO_ROADS:
        given = ""  # the demo's roads kept
    roads_file = _workspace_file(request, given, roads) if given else None
    chosen = _dems(request, form, dems)
    problem = "roads" if given and roads_file is None else \
        "dem" if chosen is None else ""
    if problem:
        return _new_page(request, values, problem, 400, editing=name,
                         current_roads=_current_roads(folder))
    try:
        edit_settings(folder, settings)
    except PlannerError as exc:
        return _new_page(request, values, web_error_text(exc, lang_of(request)), 400, editing=name,
                         current_roads=_current_roads(folder))
    if roads_file is None:
        return _redirect(f"/scenarios/{quote(name)}/check")
    spec = JobSpec("roads", folder, lang_of(request), request.app.state.time_limit_s,
                   {"change": RoadsChange(folder, roads_file, chosen or ())})
    try:
        job = request.app.state.jobs.start(spec)
    except Busy as busy:
        job = busy.job
    return _redirect(f"/jobs/{job.id}")
