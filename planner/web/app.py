"""The workspace's web application (FastAPI): ``create_app(workspace, host,
password)`` builds it; it refuses a non-loopback ``host`` without a password.
The pages are in ``planner.web.pages``, their machinery in ``planner.web.base``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import xstatic.pkg.leaflet as leaflet
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from planner.app import InputError, PlannerError, Problem
from planner.web.base import HERE, environment, planner_error, session_middleware
from planner.web.editing import router as edit_router
from planner.web.jobs import Jobs
from planner.web.learn import router as learn_router
from planner.web.pages import router
from planner.web.security import LOOPBACK_NAMES, PasswordHash, Sessions, is_loopback
from planner.web.start import router as start_router
from planner.web.uploads import router as upload_router


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Every running job is ended when the server stops (its campaign stays as before)."""
    yield
    app.state.jobs.shutdown()


def create_app(workspace: Path, host: str = "127.0.0.1", password: str | None = None,
               time_limit_s: float = 1.0, today: dt.date | None = None) -> FastAPI:
    """The workspace over ``workspace`` (created if missing). A ``host`` that is
    not loopback needs a ``password`` (``InputError`` otherwise); the solver
    gets ``time_limit_s`` per day in every job; ``today`` fixes the day that
    outcomes may not be after and progress is counted on (default: the
    computer's date, read by the application layer)."""
    if not is_loopback(host) and not password:
        raise InputError(Problem("--host", host, "the workspace would be open to the network "
                                 "without a password",
                                 "give a password (PLANNER_PASSWORD or the prompt), or "
                                 "listen on 127.0.0.1"))
    workspace.mkdir(parents=True, exist_ok=True)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, lifespan=_lifespan)
    app.state.workspace = workspace.resolve()
    app.state.sessions = Sessions(PasswordHash.of(password) if password else None)
    app.state.jobs = Jobs()
    app.state.env = environment()
    app.state.time_limit_s = time_limit_s
    app.state.today = today
    app.mount("/static/leaflet", StaticFiles(directory=leaflet.BASE_DIR), name="leaflet")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(router)
    app.include_router(edit_router)
    app.include_router(start_router)
    app.include_router(learn_router)
    app.include_router(upload_router)
    if is_loopback(host):  # a page of another site cannot reach it by a name of its own
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(LOOPBACK_NAMES))
    app.add_exception_handler(PlannerError, planner_error)
    app.middleware("http")(session_middleware)
    return app
