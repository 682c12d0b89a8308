"""The Speeds page of a campaign: learn motorbike speeds from the teams' GPS
tracks (GPX files, or a .zip of them as a tracker app exports a folder), see
the learnt layer (per cell: the speed table's ×1.00 against the learnt factor,
with the tracks, edges and km behind it), and reset it. The views only
translate the form to ``planner.app.learn`` and back; every POST is
CSRF-checked and its files limited in size, number and type."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path, PurePosixPath

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from planner.app import PlannerError
from planner.app.learn import campaign_speeds, learn_campaign_tracks, reset_campaign_speeds
from planner.web.base import campaign_folder, page, posted
from planner.web.security import UPLOAD_MAX_BYTES, upload_name_problem

router = APIRouter()

TRACK_SUFFIXES = (".gpx", ".zip")
"""The files the form takes: GPX tracks, or a .zip holding GPX tracks."""
MAX_TRACKS = 40
"""The most GPX files one posting (its zips included) may hold."""


def _name_problem(name: str) -> str | None:
    """Why an uploaded track's ``name`` is refused (None: fine): a path or a
    hidden name (``security.upload_name_problem``), or not .gpx/.zip."""
    why = upload_name_problem(name)
    if why == "name":
        return why
    return None if name.lower().endswith(TRACK_SUFFIXES) else "type"


def _unzipped(data: bytes) -> list[tuple[str, bytes]] | None:
    """The GPX files of a .zip (by their own names, folders dropped), or None
    when it is not a zip, holds too many, or one is larger than the limit
    (checked on the sizes the archive declares and on what is read)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()
                   and m.filename.lower().endswith(".gpx")
                   and not PurePosixPath(m.filename).name.startswith(".")]
        if not members or len(members) > MAX_TRACKS or any(
                m.file_size > UPLOAD_MAX_BYTES for m in members):
            return None
        out = []
        for m in members:
            with archive.open(m) as fh:
                content = fh.read(UPLOAD_MAX_BYTES + 1)
            if len(content) > UPLOAD_MAX_BYTES:
                return None
            out.append((PurePosixPath(m.filename).name, content))
        return out
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _upload_dir(folder: Path) -> Path:
    """A new folder ``tracks/upload-K`` of the campaign for one posting."""
    base = folder / "tracks"
    base.mkdir(exist_ok=True)
    k = 1
    while (base / f"upload-{k}").exists():
        k += 1
    target = base / f"upload-{k}"
    target.mkdir()
    return target


def _speeds_page(request: Request, name: str, folder: Path, status_code: int = 200,
                 **values) -> Response:
    speeds = campaign_speeds(folder)
    return page(request, "learn.html", status_code=status_code, campaign=name, speeds=speeds,
                max_mb=UPLOAD_MAX_BYTES // 2**20, max_tracks=MAX_TRACKS, **values)


@router.get("/c/{name}/learn")
def speeds_page(request: Request, name: str) -> Response:
    """The learnt layer and the forms to learn and to reset."""
    folder = campaign_folder(request, name)
    return _speeds_page(request, name, folder, reset=request.query_params.get("reset") == "1")


@router.post("/c/{name}/learn")
async def learn_tracks(request: Request, name: str) -> Response:
    """Learn the posted tracks: every file checked (name, type, size), then
    every track read and checked by the application layer; any refusal leaves
    the layer and the campaign as they were (the saved files removed)."""
    form = await posted(request)
    folder = campaign_folder(request, name)
    season = form.get("season")
    refused: list[dict[str, str]] = []
    files: list[tuple[str, bytes]] = []
    for upload in form.getlist("files"):
        if not isinstance(upload, UploadFile):
            continue
        filename = upload.filename or ""
        why = _name_problem(filename)
        data = await upload.read(UPLOAD_MAX_BYTES + 1)
        if why is None and len(data) > UPLOAD_MAX_BYTES:
            why = "size"
        if why is None and filename.lower().endswith(".zip"):
            inner = _unzipped(data)
            if inner is None:
                why = "zip"
            else:
                files += inner
                continue
        if why is not None:
            refused.append({"file": filename, "why": why})
        else:
            files.append((filename, data))
    if len(files) > MAX_TRACKS:
        refused.append({"file": "", "why": "count"})
    if refused or not files:
        return _speeds_page(request, name, folder, status_code=400, refused=refused,
                            nothing=not files and not refused)
    target = _upload_dir(folder)
    for k, (filename, data) in enumerate(files):
        (target / f"{k + 1:02d}-{Path(filename).name}").write_bytes(data)
    try:
        done = learn_campaign_tracks(folder, (target,),
                                     season if isinstance(season, str) and season else None)
    except PlannerError as exc:
        shutil.rmtree(target, ignore_errors=True)
        return _speeds_page(request, name, folder, status_code=400, error=exc)
    return _speeds_page(request, name, folder, learnt=done)


@router.post("/c/{name}/learn/reset")
async def reset_speeds(request: Request, name: str) -> Response:
    """Delete the learnt layer: plans go back to the speed table alone."""
    await posted(request)
    folder = campaign_folder(request, name)
    reset_campaign_speeds(folder)
    return RedirectResponse(f"/c/{name}/learn?reset=1", status_code=303)
