"""The pages' shared machinery: the session middleware (login, cookie, the
Content-Security-Policy that allows only the app's own address, so no request
leaves the machine), rendering in the user's language, the CSRF-checked form,
campaign folders inside the workspace."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader
from starlette.datastructures import FormData

from planner.app.text import gettext_for, message_text, where_text
from planner.app.web_words import is_roads_fix, web_error_text, web_message
from planner.web.security import (
    COOKIE,
    FORM_MAX_BYTES,
    UPLOAD_MAX_BYTES,
    Sessions,
    csrf_ok,
    inside,
)

HERE = Path(__file__).resolve().parent
LANGS = ("vi", "en")
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'")
FILE_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            "img-src data: blob:; sandbox allow-scripts allow-downloads allow-popups")
"""A campaign's own document opened in the browser (the phone map: inline
scripts): it runs sandboxed, away from the app's cookies, and reaches no address."""
OPEN_PATHS = ("/login", "/static/", "/lang/")
"""Paths reachable before logging in."""
WHO_COOKIE = "who"
"""The cookie that keeps the name of the person at this browser (decisions,
corrections are written with it)."""
NAME = re.compile(r"^[\w][\w .-]{0,63}$")
"""A campaign folder's name: letters, digits, ``_ . -`` and spaces, not hidden."""


DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
"""A date as Vietnamese write it: dd/mm/yyyy (also with ``.`` or ``-``)."""


def iso_date(text: str) -> str:
    """A date field's text as YYYY-MM-DD: dd/mm/yyyy converted, anything else
    as typed (the check then names the field)."""
    found = DAY_MONTH_YEAR.match(text or "")
    if not found:
        return (text or "").strip()
    day, month, year = (int(g) for g in found.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def day_month_year(text: object) -> str:
    """YYYY-MM-DD shown as dd/mm/yyyy (the Vietnamese date fields); other
    text as it is."""
    found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(text or ""))
    return f"{found[3]}/{found[2]}/{found[1]}" if found else str(text or "")


def day_in(day: object, lang: str) -> str:
    """A date as the page's reader writes it: dd/mm/yyyy in Vietnamese,
    YYYY-MM-DD in English (``day``: a date or YYYY-MM-DD text)."""
    text = day.isoformat() if isinstance(day, dt.date) else str(day or "")
    return day_month_year(text) if lang == "vi" else text


def environment() -> Environment:
    """The pages' Jinja environment: every value escaped; the ``dmy`` filter
    (``day_month_year``) and ``day_in`` (a date in the page's language)."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["dmy"] = day_month_year
    env.filters["day_in"] = day_in
    return env


async def session_middleware(request: Request, call_next) -> Response:
    sessions: Sessions = request.app.state.sessions
    token = request.cookies.get(COOKIE)
    session = sessions.get(token)
    fresh = session is None
    if fresh:
        token, session = sessions.new()
    request.state.token, request.state.session = token, session
    path = request.url.path
    if not session.authed and not path.startswith(OPEN_PATHS):
        if request.method == "GET":
            response: Response = RedirectResponse("/login", status_code=303)
        else:
            response = Response("login first", status_code=403)
    else:
        response = await call_next(request)
    if fresh:
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def who_of(request: Request) -> str:
    """The name the person at this browser gave (``WHO_COOKIE``; '' when none):
    NFC, printable, at most 60 characters."""
    raw = unquote(request.cookies.get(WHO_COOKIE, ""))
    text = unicodedata.normalize("NFC", "".join(ch for ch in raw if ch.isprintable()))
    return " ".join(text.split())[:60]


def lang_of(request: Request) -> str:
    """The page's language: the ``lang`` cookie, Vietnamese by default."""
    lang = request.cookies.get("lang", "vi")
    return lang if lang in LANGS else "vi"


def page(request: Request, template: str, status_code: int = 200, **values: Any
         ) -> HTMLResponse:
    """``template`` rendered in the user's language with the session's CSRF token."""
    lang = lang_of(request)
    env: Environment = request.app.state.env
    _ = gettext_for(lang)
    html = env.get_template(template).render(
        _=_, said=lambda text: message_text(web_message(text), _), roads_fix=is_roads_fix,
        where=lambda text: where_text(text, _),
        lang=lang, csrf=request.state.session.csrf,
        login=request.app.state.sessions.login_needed, path=request.url.path,
        shown=lambda p: shown_path(request.app.state.workspace, p), me=who_of(request),
        **values)
    return HTMLResponse(html, status_code=status_code)


def shown_path(workspace: Path, path: Any) -> str:
    """``path`` as the user knows it: relative to the workspace when inside it
    (the machine's folders are nobody's business on the page), else as given."""
    try:
        return str(Path(path).resolve().relative_to(workspace.resolve()))
    except (TypeError, ValueError, OSError):
        return str(path)


async def posted(request: Request, max_fields: int = 50) -> FormData:
    """The POSTed form, after its checks: size (413), the CSRF token (403);
    at most ``max_fields`` fields."""
    size = request.headers.get("content-length")
    if size is None or not size.isdigit() or int(size) > 5 * UPLOAD_MAX_BYTES:
        raise HTTPException(413, "too large")
    multipart = request.headers.get("content-type", "").startswith("multipart/")
    if not multipart and int(size) > FORM_MAX_BYTES:
        raise HTTPException(413, "too large")
    form = await request.form(max_files=10, max_fields=max_fields,
                              max_part_size=UPLOAD_MAX_BYTES)
    given = form.get("csrf")
    if not csrf_ok(request.state.session, given if isinstance(given, str) else None):
        raise HTTPException(403, "the form's security token is missing or old: reload the page")
    return form


def campaign_folder(request: Request, name: str) -> Path:
    """The campaign folder ``name`` inside the workspace (404 when it is not one)."""
    workspace: Path = request.app.state.workspace
    folder = inside(workspace, name) if NAME.match(name) else None
    if folder is None or folder.parent != workspace or not (folder / "campaign.db").is_file():
        raise HTTPException(404, "no such campaign")
    return folder


def planner_error(request: Request, exc: Exception) -> HTMLResponse:
    """A planner error in a page: its message (file, row/field, what, fix), no traceback."""
    problems = list(getattr(exc, "problems", []))
    return page(request, "error.html", status_code=400, problems=problems,
                message=web_error_text(exc, lang_of(request)))
