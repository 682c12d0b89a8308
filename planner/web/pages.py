"""The workspace's pages: Start, Check, Tomorrow, Hand out, Outcomes,
Campaign, the job page (progress and cancel), login and the language switch.
Each view calls the application layer and renders a template; no planning
here. Every POST goes through ``base.posted`` (size limits, CSRF token)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from planner.app import PlannerError, parse_day
from planner.app.basemap import campaign_base_map
from planner.app.day import DEMO_SCENARIO
from planner.app.outcomes import CorrectRequest, RecordRequest, correct, record
from planner.app.people import campaign_names
from planner.app.text import gettext_for
from planner.app.web_words import web_error_text
from planner.app.workspace import (
    campaign_status,
    campaigns_in,
    cannot_serve_texts,
    check_report,
    day_folders,
    day_view,
    scenarios_in,
)
from planner.web.base import (
    FILE_CSP,
    NAME,
    WHO_COOKIE,
    campaign_folder,
    iso_date,
    lang_of,
    page,
    posted,
    who_of,
)
from planner.web.jobs import Busy, Job, JobSpec
from planner.web.security import (
    COOKIE,
    UPLOAD_MAX_BYTES,
    inside,
    upload_name_problem,
)
from planner.web.views import (
    REASON_TITLES,
    filter_choices,
    handout,
    handout_zip,
    map_data,
    resident_choices,
    tally_grid,
    unserved_groups,
    weekday,
)

router = APIRouter()

OUTCOMES = ("enrolled", "not_home", "refused", "retry_needed", "moved", "deceased", "none")
"""The outcomes a correction may set (``none``: the visit did not happen)."""


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/lang/{code}")
def switch_language(code: str, request: Request, back: str = "/") -> Response:
    """Set the language cookie (vi, en) and go back to the page (same site only)."""
    response = _redirect(back if back.startswith("/") and not back.startswith("//") else "/")
    if code in ("vi", "en"):
        response.set_cookie("lang", code, httponly=True, samesite="strict",
                            max_age=400 * 24 * 3600)
    return response


@router.post("/me")
async def set_name(request: Request) -> Response:
    """Keep the name of the person at this browser (a cookie): decisions and
    corrections made here are written with it. Back to the page (same site only)."""
    form = await posted(request)
    name, back = str(form.get("name", "")), str(form.get("back", "/"))
    response = _redirect(back if back.startswith("/") and not back.startswith("//") else "/")
    text = " ".join(unicodedata.normalize("NFC", name).split())[:60]
    if text:
        response.set_cookie(WHO_COOKIE, quote(text), httponly=True, samesite="strict",
                            max_age=400 * 24 * 3600)
    else:
        response.delete_cookie(WHO_COOKIE)
    return response


@router.get("/login")
def login_page(request: Request) -> Response:
    """The login form (only when a password was set at start)."""
    return page(request, "login.html", failed=False)


@router.post("/login")
async def login(request: Request) -> Response:
    """Log in with the start-up password."""
    form = await posted(request)
    password = form.get("password")
    if isinstance(password, str) and request.app.state.sessions.login(request.state.token,
                                                                      password):
        return _redirect("/")
    return page(request, "login.html", status_code=403, failed=True)


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Forget the session."""
    await posted(request)
    request.app.state.sessions.logout(request.state.token)
    response = _redirect("/login" if request.app.state.sessions.login_needed else "/")
    response.delete_cookie(COOKIE)
    return response


@router.get("/")
def start(request: Request, problem: str = "") -> Response:
    """Start: the campaigns of the workspace, and a new campaign from a
    scenario folder of the workspace or from the bundled demo."""
    workspace: Path = request.app.state.workspace
    return page(request, "start.html", workspace=workspace,
                campaigns=[p.name for p in campaigns_in(workspace)],
                scenarios=[p.name for p in scenarios_in(workspace)], problem=problem)


@router.post("/create")
async def create(request: Request) -> Response:
    """Plan a new campaign (a job) from the demo or a scenario folder."""
    form = await posted(request)
    workspace: Path = request.app.state.workspace
    name, source = str(form.get("name", "")).strip(), str(form.get("source", ""))
    if not NAME.match(name):
        return start(request, problem="name")
    folder = inside(workspace, name)
    if folder is None or folder.exists():
        return start(request, problem="exists")
    if source == "demo":
        scenario = DEMO_SCENARIO
    elif source in {p.name for p in scenarios_in(workspace)}:
        scenario = workspace / source / "scenario.yaml"
    else:
        return start(request, problem="source")
    return _start_job(request, JobSpec("campaign", folder, lang_of(request),
                                       request.app.state.time_limit_s,
                                       {"scenario": str(scenario)}))


def _start_job(request: Request, spec: JobSpec) -> Response:
    try:
        job = request.app.state.jobs.start(spec)
    except Busy as busy:
        job = busy.job
    return _redirect(f"/jobs/{job.id}")


def _job(request: Request, job_id: str) -> Job:
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, "no such job")
    return job


def _after(job: Job) -> str:
    """Where the job page goes when the job is done."""
    name = job.spec.folder.name
    if job.spec.kind in ("commune", "roads"):
        return f"/scenarios/{quote(name)}/check"
    return f"/c/{name}/campaign" if job.spec.kind == "staffing" else f"/c/{name}/tomorrow"


def _back(job: Job) -> str:
    """Where the job page leads when a roads import failed or was cancelled:
    the form it came from ('': none)."""
    name = job.spec.folder.name
    return {"commune": "/new", "roads": f"/scenarios/{quote(name)}/settings"}.get(
        job.spec.kind, "")


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str) -> Response:
    """A job's progress, live (the page polls its state), with a cancel button."""
    job = _job(request, job_id)
    return page(request, "job.html", job=job, view=job.view(), after=_after(job),
                back=_back(job),
                campaign=job.spec.folder.name
                if job.spec.kind not in ("campaign", "commune", "roads") else None)


@router.get("/jobs/{job_id}/state")
def job_state(request: Request, job_id: str) -> JSONResponse:
    """The job's state, progress lines and result (polled by the page)."""
    job = _job(request, job_id)
    return JSONResponse({**job.view(), "after": _after(job)})


@router.post("/jobs/{job_id}/cancel")
async def job_cancel(request: Request, job_id: str) -> Response:
    """Cancel the job: its process ends, the campaign stays as before it."""
    await posted(request)
    request.app.state.jobs.cancel(_job(request, job_id).id)
    return _redirect(f"/jobs/{job_id}")


@router.get("/c/{name}")
def campaign_home(request: Request, name: str) -> Response:
    """A campaign opens on its Tomorrow page."""
    campaign_folder(request, name)
    return _redirect(f"/c/{name}/tomorrow")


@router.get("/c/{name}/check")
def check_page(request: Request, name: str) -> Response:
    """Check: every problem of the campaign's scenario, per row and field, with the fix."""
    folder = campaign_folder(request, name)
    status = campaign_status(folder, request.app.state.today)
    workspace: Path = request.app.state.workspace
    source = Path(status.scenario).parent
    made_here = source.parent == workspace and source.name in {
        p.name for p in scenarios_in(workspace)}
    return page(request, "check.html", campaign=name, report=check_report(status.scenario),
                roads_url=f"/scenarios/{quote(source.name)}/settings#roads" if made_here
                else "")


def _day_of(folder: Path, day: str | None, last_outcome: str | None) -> dt.date | None:
    """The day a page shows: ``day`` if planned, else the first planned day
    after the last recorded outcomes (else the first planned day)."""
    days = day_folders(folder)
    if day:
        try:
            chosen = parse_day(day)
        except (ValueError, PlannerError):
            raise HTTPException(404, "no such day") from None
        if chosen not in days:
            raise HTTPException(404, "no such day")
        return chosen
    after = [d for d in days if last_outcome is None or d.isoformat() > last_outcome]
    return (after or days or [None])[0]


@router.get("/c/{name}/tomorrow")
def tomorrow_page(request: Request, name: str, day: str | None = None) -> Response:
    """Tomorrow: plan it (a job), the map of every route with numbered stops
    beside the list per team, the unserved by reason, filters."""
    folder = campaign_folder(request, name)
    status = campaign_status(folder, request.app.state.today)
    chosen = _day_of(folder, day, status.last_outcome)
    data, groups, choices = None, [], {}
    if chosen is not None:
        view = day_view(folder, chosen)
        data = map_data(view, _gettext(request), campaign_names(folder))
        groups = unserved_groups(view.plan)
        choices = filter_choices(data)
    running = request.app.state.jobs.running(folder)
    return page(request, "tomorrow.html", campaign=name, status=status, day=chosen,
                days=day_folders(folder), data=data, groups=groups, choices=choices,
                running=running, titles=REASON_TITLES, names=campaign_names(folder))


@router.get("/c/{name}/basemap.json")
def base_map_data(request: Request, name: str) -> JSONResponse:
    """The roads under the campaign's routes (``app.basemap``), for the map."""
    return JSONResponse(campaign_base_map(campaign_folder(request, name)),
                        headers={"Cache-Control": "private, max-age=300"})


def _gettext(request: Request):
    """The catalog the page renders with."""
    return gettext_for(lang_of(request))


@router.post("/c/{name}/tomorrow")
async def plan_tomorrow(request: Request, name: str) -> Response:
    """Re-plan from what was done (a job with progress and cancel)."""
    await posted(request)
    folder = campaign_folder(request, name)
    return _start_job(request, JobSpec("tomorrow", folder, lang_of(request),
                                       request.app.state.time_limit_s))


@router.get("/c/{name}/handout")
def handout_page(request: Request, name: str, day: str | None = None) -> Response:
    """Hand out: per team the itinerary PDF, the phone map, the GPX; one zip; the notices."""
    folder = campaign_folder(request, name)
    status = campaign_status(folder, request.app.state.today)
    chosen = _day_of(folder, day, status.last_outcome)
    teams, others = handout(folder, chosen) if chosen else ([], [])
    return page(request, "handout.html", campaign=name, day=chosen, days=day_folders(folder),
                teams=teams, others=others)


@router.get("/c/{name}/handout.zip")
def handout_archive(request: Request, name: str, day: str, team: str = "") -> Response:
    """Every team's files and the notices of ``day`` in one zip; with
    ``team``, that team's pack (404 when the day has no files of it)."""
    folder = campaign_folder(request, name)
    chosen = _day_of(folder, day, None)
    data = handout_zip(folder, chosen, team or None)
    if data is None:
        raise HTTPException(404, "no such team this day")
    label = f"{name}-{chosen.isoformat()}" + (f"-{team}" if team else "")
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''"
                                                    f"{quote(label)}.zip"})


@router.get("/c/{name}/files/{rel:path}")
def campaign_file(request: Request, name: str, rel: str) -> Response:
    """A file of the campaign (only inside its folder; the database never)."""
    folder = campaign_folder(request, name)
    path = inside(folder, rel)
    if path is None or not path.is_file() or path.name.startswith("campaign.db"):
        raise HTTPException(404, "no such file")
    inline = path.suffix in (".html", ".pdf", ".json")
    return FileResponse(path, filename=path.name, headers={"Content-Security-Policy": FILE_CSP},
                        content_disposition_type="inline" if inline else "attachment")


def _outcomes_page(request: Request, name: str, folder: Path, **values) -> Response:
    status = campaign_status(folder, request.app.state.today)
    return page(request, "outcomes.html", campaign=name, status=status,
                outcomes=OUTCOMES, residents=resident_choices(campaign_names(folder)),
                imports=values.pop("imports", []),
                corrected=values.pop("corrected", None), problem=values.pop("problem", None),
                corrected_of=values.pop("corrected_of", ("", "", None)))


@router.get("/c/{name}/outcomes")
def outcomes_page(request: Request, name: str) -> Response:
    """Outcomes: drop phone exports or filled sheets; correct an outcome; who
    has not reported."""
    folder = campaign_folder(request, name)
    return _outcomes_page(request, name, folder)


def _saved(folder: Path, upload: UploadFile, data: bytes) -> Path:
    """The upload saved under ``FOLDER/imports/`` with a name not used yet."""
    target_dir = folder / "imports"
    target_dir.mkdir(exist_ok=True)
    name = Path(upload.filename or "")
    target = target_dir / name.name
    k = 1
    while target.exists():
        k += 1
        target = target_dir / f"{name.stem}-{k}{name.suffix}"
    target.write_bytes(data)
    return target


@router.post("/c/{name}/outcomes")
async def import_outcomes(request: Request, name: str) -> Response:
    """Import the dropped files, each on its own: per-row results and the rejects."""
    form = await posted(request)
    folder = campaign_folder(request, name)
    results = []
    for upload in form.getlist("files"):
        if not isinstance(upload, UploadFile):
            continue
        why = upload_name_problem(upload.filename or "")
        data = await upload.read(UPLOAD_MAX_BYTES + 1)
        if why is None and len(data) > UPLOAD_MAX_BYTES:
            why = "size"
        if why is not None:
            results.append({"file": upload.filename or "", "refused": why})
            continue
        sheet = _saved(folder, upload, data)
        try:
            report = record(RecordRequest(folder, sheet, today=request.app.state.today,
                                          lang=lang_of(request)))
        except PlannerError as exc:
            results.append({"file": sheet.name, "error": exc})
            continue
        rejects = Path(report.rejects) if report.rejects else None
        results.append({"file": sheet.name, "report": report,
                        "rejects": str(rejects.relative_to(folder))
                        if rejects and rejects.is_relative_to(folder) else None})
    status_code = 400 if any("refused" in r for r in results) else 200
    response = _outcomes_page(request, name, folder, imports=results)
    response.status_code = status_code
    return response


@router.post("/c/{name}/correct")
async def correct_outcome(request: Request, name: str) -> Response:
    """Replace one recorded outcome (kept in the audit trail)."""
    form = await posted(request)
    folder = campaign_folder(request, name)
    outcome, why = str(form.get("outcome", "")), str(form.get("why", "")).strip()
    try:
        if outcome not in OUTCOMES:
            raise ValueError(outcome)
        day = parse_day(iso_date(str(form.get("day", ""))))
        result = correct(CorrectRequest(folder, str(form.get("resident", "")).strip(), day,
                                        outcome, why or "-", by=who_of(request)))
    except (ValueError, PlannerError) as exc:
        said = web_error_text(exc, lang_of(request)) if isinstance(exc, PlannerError) else str(exc)
        response = _outcomes_page(request, name, folder, problem=said)
        response.status_code = 400
        return response
    rid = str(form.get("resident", "")).strip()
    person = campaign_names(folder).residents.get(rid)
    return _outcomes_page(request, name, folder, corrected=result,
                          corrected_of=(person.name if person else "", rid, day))


@router.get("/c/{name}/campaign")
def campaign_page(request: Request, name: str) -> Response:
    """Campaign: enrolled by village and tier, working days left, the
    forecast, the calendar, and the staffing forecast (a job)."""
    folder = campaign_folder(request, name)
    status = campaign_status(folder, request.app.state.today)
    teams = sorted({t["team"] for d in status.calendar for t in d.get("teams", [])})
    tiers, grid = tally_grid(status.tallies)
    return page(request, "campaign.html", campaign=name, status=status, teams=teams,
                tiers=tiers, grid=grid, weekday=weekday, titles=REASON_TITLES,
                staffing=request.app.state.jobs.last(folder, "staffing"),
                names=campaign_names(folder),
                reasons=cannot_serve_texts(status, lang_of(request)))


@router.post("/c/{name}/staffing")
async def staffing_job(request: Request, name: str) -> Response:
    """Forecast with the current teams and one more (a staffing job)."""
    await posted(request)
    folder = campaign_folder(request, name)
    status = campaign_status(folder, request.app.state.today)
    teams = len({t["team"] for d in status.calendar for t in d.get("teams", [])}) or 1
    return _start_job(request, JobSpec("staffing", folder, lang_of(request),
                                       request.app.state.time_limit_s,
                                       {"scenario": str(status.scenario), "teams": teams}))
