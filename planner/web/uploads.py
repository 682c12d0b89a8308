"""Road and elevation files picked in the browser (Start page, a commune's
settings): ``POST /uploads/{roads|dem}?name=FILE`` takes the file's bytes as
the request body (sent by ``static/upload.js``, with the upload's progress
and a cancel button), the session's CSRF token in the ``X-CSRF-Token``
header. The body is read in chunks straight to a hidden part file inside
the workspace, never whole into memory; the size is limited before and
while reading; once whole, its first bytes are checked
(``app.commune_roads.file_problem``) and it is renamed to its own name in
the workspace folder, where the road selects of the forms list it. Any
refusal is one message in the page's language (JSON ``error``)."""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from planner.app.commune_roads import (
    DEM_MAX_BYTES,
    DEM_SUFFIXES,
    ROAD_SUFFIXES,
    ROADS_MAX_BYTES,
    file_problem,
)
from planner.app.text import gettext_for, problem_text
from planner.web.base import lang_of
from planner.web.security import csrf_ok, upload_name_problem

router = APIRouter()

LIMITS = {"roads": (ROAD_SUFFIXES, ROADS_MAX_BYTES), "dem": (DEM_SUFFIXES, DEM_MAX_BYTES)}
"""Per kind of file: the suffixes taken and the largest size in bytes."""
HEAD_BYTES = 64
"""How many first bytes are kept to check the file's format."""


def _refused(request: Request, status: int, text: str) -> JSONResponse:
    return JSONResponse({"error": text}, status_code=status)


def free_name(folder: Path, name: str) -> Path:
    """``folder / name``, or ``NAME-2.SUFFIXES``, … when taken (the suffixes
    kept whole: ``x.osm.pbf`` → ``x-2.osm.pbf``)."""
    stem, dot, rest = name.partition(".")
    target, k = folder / name, 1
    while target.exists():
        k += 1
        target = folder / f"{stem}-{k}{dot}{rest}"
    return target


async def _receive(request: Request, part: Path, limit: int) -> tuple[int, bytes]:
    """Write the request's body to ``part`` in chunks; its size in bytes and
    first bytes. ``ValueError`` when it grows over ``limit``."""
    size, head = 0, b""
    with part.open("wb") as out:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ValueError(size)
            if len(head) < HEAD_BYTES:
                head += chunk[:HEAD_BYTES - len(head)]
            out.write(chunk)
    return size, head


@router.post("/uploads/{kind}")
async def upload_file(request: Request, kind: str, name: str = "") -> JSONResponse:
    """Keep the body as the workspace's road (``kind`` roads) or elevation
    (``dem``) file ``name``; JSON ``{"name": saved name}`` or ``{"error": why}``."""
    _ = gettext_for(lang_of(request))
    if not csrf_ok(request.state.session, request.headers.get("x-csrf-token")):
        return _refused(request, 403, _("The page is old: reload it and choose the file again."))
    if kind not in LIMITS:
        return _refused(request, 404, "no such kind of file")
    suffixes, limit = LIMITS[kind]
    why = upload_name_problem(name, suffixes)
    if why == "type":
        return _refused(request, 400, problem_text(file_problem(name, kind, b"", 0), _))
    if why is not None:
        return _refused(request, 400, _("Choose a file with a plain name (letters, digits, "
                                        "- _ .)."))
    size = request.headers.get("content-length", "")
    if not size.isdigit():
        return _refused(request, 411, _("The browser did not say the file's size: choose it "
                                        "again."))
    if int(size) > limit:
        problem = file_problem(name, kind, b"", int(size), limit)
        return _refused(request, 413, problem_text(problem, _) if problem else "")
    workspace: Path = request.app.state.workspace
    part = workspace / f".upload-{secrets.token_hex(8)}.part"
    try:
        got, head = await _receive(request, part, limit)
        problem = file_problem(name, kind, head, got, limit)
        if problem is None and got != int(size):
            return _refused(request, 400, _("The upload stopped before the end: choose the "
                                            "file again."))
        if problem is not None:
            return _refused(request, 400, problem_text(problem, _))
        target = free_name(workspace, name)
        part.rename(target)
    except ValueError:
        problem = file_problem(name, kind, b"", limit + 1, limit)
        return _refused(request, 413, problem_text(problem, _) if problem else "")
    except ClientDisconnect:
        return _refused(request, 400, _("The upload stopped before the end: choose the "
                                        "file again."))
    finally:
        part.unlink(missing_ok=True)
    return JSONResponse({"name": target.name, "size_mb": round(got / 2**20, 1)})
