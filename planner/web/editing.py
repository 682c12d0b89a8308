"""The Edit page: one household's hand action on a planned day (move to
another team or day, reorder, lock, must-visit, leave out with a reason),
checked and costed before it is kept (preview, then confirm); the active
decisions with undo; "re-plan the rest" is the Tomorrow job (it keeps every
decision).

Every action goes through ``planner.app.handedit`` (``preview`` writes
nothing, ``keep`` writes); undo is ``planner.app.decisions.retire``. Every
POST goes through ``base.posted`` (size limits, CSRF token).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from planner.app import PlannerError, parse_day
from planner.app.decisions import RetireRequest, list_decisions, retire
from planner.app.handedit import ACTIONS, HandRequest, HandResult, keep, preview, reason_text
from planner.app.people import campaign_names
from planner.app.text import N_, gettext_for
from planner.app.workspace import day_folders, day_view
from planner.web.base import campaign_folder, lang_of, page, posted, who_of
from planner.web.jobs import Busy, JobSpec
from planner.web.views import weekday

router = APIRouter()

REASONS: dict[str, str] = {
    "moved_away": N_("moved away"),
    "refuses": N_("refuses"),
    "enrolled_elsewhere": N_("enrolled elsewhere"),
    "other": N_("other reason"),
}
"""Why a household is left out (``leave_out``), in words."""
KIND_TITLES: dict[str, str] = {
    "lock": N_("Locked to a team"),
    "must": N_("Must be visited"),
    "not_before": N_("Not before"),
    "not_on": N_("Not on these days"),
    "leave_out": N_("Left out"),
    "team_absent": N_("Team absent"),
    "team_members": N_("Team with fewer officers"),
    "village_off": N_("No work in the village"),
    "order": N_("Fixed order"),
}
"""A decision's kind in words."""
FIELDS = ("action", "household", "day", "team", "to_date", "position", "scope", "reason", "why")
"""The form fields a hand action carries from the form to the preview, then to the confirm."""


def _day(folder: Path, text: str | None) -> dt.date:
    """A planned day of the campaign (404 when it is not one)."""
    try:
        day = parse_day(text or "")
    except (ValueError, PlannerError):
        raise HTTPException(404, "no such day") from None
    if day not in day_folders(folder):
        raise HTTPException(404, "no such day")
    return day


def _where(plan: dict[str, Any], household: str) -> dict[str, Any]:
    """Where ``household`` is on a day's plan: its team, place among the
    team's home visits, hours and the team's visits (for reorder); or the
    unserved entry."""
    for route in plan.get("routes", []):
        visits = [s for s in route.get("stops", []) if s.get("kind") == "visit"]
        for k, s in enumerate(visits, start=1):
            if s.get("household") == household:
                return {"team": route["team"], "place": k, "visits": len(visits),
                        "arrive": s.get("arrive", ""), "depart": s.get("depart", ""),
                        "order": [v.get("household", "") for v in visits]}
    gone = next((u for u in plan.get("unserved", []) if u.get("household") == household), None)
    return {"unserved": gone} if gone else {}


def _teams(plan: dict[str, Any]) -> list[str]:
    """The teams that work the day (their home-visit routes)."""
    return sorted({r["team"] for r in plan.get("routes", []) if r.get("unit", "team") == "team"})


def _request(form: FormData, folder: Path, lang: str, force: bool = False, by: str = ""
             ) -> HandRequest:
    """The hand action the form describes (400 on a malformed field)."""
    def field(name: str) -> str:
        value = form.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    day = _day(folder, field("day"))
    to_text, position = field("to_date"), field("position")
    if field("action") not in ACTIONS or not field("household"):
        raise HTTPException(400, "no such action")
    if position and not position.isdigit():
        raise HTTPException(400, "the place must be a whole number")
    return HandRequest(folder, day, field("household"), field("action"), team=field("team"),
                       to_date=_day(folder, to_text) if to_text else None,
                       position=int(position) if position else None,
                       scope="always" if field("scope") == "always" else "day",
                       reason=field("reason"), why=field("why")[:200],
                       force=field("force")[:200] if force else "", by=by, lang=lang)


def _edit_page(request: Request, name: str, folder: Path, day: dt.date, household: str,
               **values: Any) -> Response:
    view = day_view(folder, day)
    names = campaign_names(folder)
    if household and household not in names.households:
        raise HTTPException(404, "no such household")
    decisions = list_decisions(folder)
    return page(request, "edit.html", campaign=name, day=day, days=day_folders(folder),
                household=household, names=names, spot=_where(view.plan, household)
                if household else {}, plan=view.plan, teams=_teams(view.plan),
                decisions=decisions, reasons=REASONS, kinds=KIND_TITLES,
                running=request.app.state.jobs.running(folder), **values)


@router.get("/c/{name}/edit")
def edit_page(request: Request, name: str, day: str | None = None, household: str = "",
              kept: str = "", undone: str = "") -> Response:
    """Edit: the day's households (each with its name and village) to pick
    one; for the one picked, every hand action; the active decisions with
    undo; "re-plan the rest"."""
    folder = campaign_folder(request, name)
    days = day_folders(folder)
    if not days:
        return page(request, "edit.html", campaign=name, day=None, days=[], household="",
                    decisions=[], names=campaign_names(folder), kinds=KIND_TITLES,
                    running=None)
    chosen = _day(folder, day) if day else days[0]
    return _edit_page(request, name, folder, chosen, household, kept=kept, undone=undone)


@router.post("/c/{name}/edit/preview")
async def edit_preview(request: Request, name: str) -> Response:
    """The action checked and costed, nothing written; a form to keep it."""
    form = await posted(request)
    folder = campaign_folder(request, name)
    hand = _request(form, folder, lang_of(request))
    result = preview(hand)
    return _preview_page(request, name, hand, result, form)


def _hhmm(clock_s: int) -> str:
    """Seconds after midnight as ``HH:MM``."""
    return f"{clock_s // 3600:02d}:{clock_s % 3600 // 60:02d}"


def _preview_page(request: Request, name: str, hand: HandRequest, result: HandResult,
                  form: FormData, refused: bool = False) -> Response:
    """The preview: the check of each day touched, the costs, the served
    households before → after, and the form that keeps it."""
    return page(request, "edit_preview.html", status_code=400 if refused else 200,
                campaign=name, hand=hand, result=result, names=campaign_names(hand.folder),
                reasons=REASONS, hhmm=_hhmm, refused=refused, reason_text=reason_text,
                form={k: str(form.get(k, "")) for k in FIELDS},
                days=day_folders(hand.folder), weekday=weekday)


@router.post("/c/{name}/edit/keep")
async def edit_keep(request: Request, name: str) -> Response:
    """Keep the action when its check holds (or a reason to force it is
    given); refused: the preview again, with why (400)."""
    form = await posted(request)
    folder = campaign_folder(request, name)
    hand = _request(form, folder, lang_of(request), force=True, by=who_of(request))
    result = keep(hand)
    if not result.kept:
        return _preview_page(request, name, hand, result, form, refused=True)
    if form.get("then") == "replan":  # "let the re-plan choose": the Tomorrow job now
        return _replan_now(request, folder)
    query = {"day": hand.date.isoformat(), "household": hand.household,
             "kept": ",".join(str(d.id) for d in result.decisions)}
    return RedirectResponse(f"/c/{name}/edit?{urlencode(query)}", status_code=303)


def _replan_now(request: Request, folder: Path) -> Response:
    """Start the campaign's Tomorrow job (or join the one running) and go to its page."""
    spec = JobSpec("tomorrow", folder, lang_of(request), request.app.state.time_limit_s)
    try:
        job = request.app.state.jobs.start(spec)
    except Busy as busy:
        job = busy.job
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.post("/c/{name}/decisions/{decision_id}/retire")
async def decision_undo(request: Request, name: str, decision_id: int) -> Response:
    """Undo a decision (retired: its row and the audit trail stay); the plan
    follows at the next re-plan, started at once when the form says
    ``then=replan`` (its job page follows)."""
    form = await posted(request)
    folder = campaign_folder(request, name)
    why = str(form.get("why", "")).strip()[:200]
    _ = gettext_for(lang_of(request))
    retire(RetireRequest(folder, decision_id, why or _("undone in the workspace"),
                         by=who_of(request)))
    if form.get("then") == "replan":  # the plan follows now: the Tomorrow job
        return _replan_now(request, folder)
    query: dict[str, str] = {"undone": str(decision_id)}
    day, household = str(form.get("day", "")), str(form.get("household", ""))
    if day:
        query["day"] = _day(folder, day).isoformat()
    if household and household in campaign_names(folder).households:
        query["household"] = household
    return RedirectResponse(f"/c/{name}/edit?{urlencode(query)}", status_code=303)
