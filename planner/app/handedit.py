"""One household's hand action, as the workspace's Edit page offers it:
move its visit to another team or day, reorder it within its route, lock it,
make it a must-visit, leave it out with a reason. Each action is checked and
costed before it is kept (``preview``), then kept (``keep``), through the
jobs of ``planner.app.edit`` (route changes: re-timed, the day's verifier,
the costs) and ``planner.app.decisions`` (the decision's own check and
store).

What each action does on the day ``date`` shown:

============  ==============================================================
``move``      ``Move`` to ``team`` (and to ``to_date`` when another day), at
              ``position`` or where it costs least; kept as a ``lock``
``reorder``   ``Reorder`` of its route's visits, it at ``position`` (1-based
              among the route's home visits); kept as an ``order``
``lock``      a ``lock`` decision to the team it is on that day (``scope``
              ``day``: that day only; ``always``: every day); no route change
``must``      on the day's routes: a ``must`` decision for that day; else an
              ``Add`` with ``team`` (kept as ``must`` + ``lock``)
``leave_out`` a ``leave_out`` decision (``reason``, ``why``); visited that
              day: also a ``Remove`` from the day (kept as ``not_on``)
``assign``    a ``lock`` decision to ``team`` and a ``must`` on ``date`` (or
              ``to_date``), no route change now: the next re-plan makes room
              (the move a check refuses because the team's day is full, "let
              the re-plan choose")
============  ==============================================================

Served households before → after are counted per day touched. Nothing is
written by ``preview``; ``keep`` writes only when the check holds or
``force`` gives why it is kept anyway.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from planner.app.decisions import DecideRequest, decide, decision_problems
from planner.app.edit import (
    Add,
    EditRequest,
    Move,
    Remove,
    Reorder,
    apply_edit,
)
from planner.campaign.decisions import REASONS, Decision
from planner.day.edit import Change, EditVerdict, Reason
from planner.domain import Plan
from planner.errors import InputError, Msg, Problem, msg
from planner.planfile import read_plan
from planner.render.i18n import N_, gettext_for

CODE_WORDS: dict[str, str] = {
    "visit": N_("home visit"), "pickup": N_("shuttle pick-up"),
    "dropoff": N_("shuttle drop-off"), "home": N_("home"), "shuttle": N_("shuttle"),
    "point": N_("point"), "auto": N_("auto"),
}
"""The codes a broken rule names (a stop's kind, a mode, a duty), in words."""
ACTIONS = ("move", "reorder", "lock", "must", "leave_out", "assign")
"""The hand actions of the Edit page, in the order it shows them."""
SOURCE = "edit"
"""What a hand action's problems name as their source: the Edit page's form."""


@dataclass(frozen=True)
class HandRequest:
    """``action`` (``ACTIONS``) on ``household`` as planned on ``date`` in the
    campaign in ``folder``; ``team``, ``to_date``, ``position``, ``scope``
    (``day``/``always``), ``reason`` (``REASONS``) and ``why`` as the action
    uses them (module table); ``force``: why it is kept although the check
    refuses it; ``by``: who; ``lang``: words and documents; ``now`` (UTC)."""

    folder: Path
    date: dt.date
    household: str
    action: str
    team: str = ""
    to_date: dt.date | None = None
    position: int | None = None
    scope: str = "day"
    reason: str = ""
    why: str = ""
    force: str = ""
    by: str = ""
    lang: str = "vi"
    now: dt.datetime | None = None


@dataclass(frozen=True)
class Served:
    """Households served on ``date`` (ISO) before and after the action
    (``after`` None: a changed route cannot be timed)."""

    date: str
    before: int
    after: int | None


@dataclass(frozen=True)
class HandResult:
    """The action checked (and kept, when ``kept``): the route verdicts of
    each day touched (none for a decision alone), the decision's problems
    (errors and warnings), served households per day, the decisions stored."""

    verdicts: tuple[EditVerdict, ...]
    problems: tuple[Problem, ...]
    served: tuple[Served, ...]
    kept: bool = False
    decisions: tuple[Decision, ...] = ()

    @property
    def holds(self) -> bool:
        """No error in the decision's check and every day touched holds."""
        return all(v.holds for v in self.verdicts) and \
            not any(p.severity == "error" for p in self.problems)

    @property
    def timed(self) -> bool:
        """Every changed route can be timed (a forced action needs it)."""
        return all(v.plan is not None for v in self.verdicts)


def _plan(folder: Path, date: dt.date) -> Plan:
    path = Path(folder) / "days" / date.isoformat() / "plan.json"
    if not path.is_file():
        raise InputError(Problem(SOURCE, date.isoformat(),
                                 msg("no plan for this day in the campaign"),
                                 msg("give a planned day")))
    return read_plan(path)[0]


def served_households(plan: Plan) -> int:
    """Households a plan serves: visited at home, fetched by a shuttle, or
    invited to a collection point it opens."""
    out: set[str] = set()
    for route in plan.routes:
        for s in route.stops:
            if s.kind in ("visit", "pickup") and s.household:
                out.add(s.household)
            elif s.kind == "point":
                out.update(s.households)
    return len(out)


def _team_of(plan: Plan, household: str) -> str | None:
    """The team whose route visits ``household`` at home on ``plan``'s day."""
    return next((r.team for r in plan.routes for s in r.stops
                 if s.kind == "visit" and s.household == household), None)


def _needs(what: str, field: str, fix) -> InputError:
    return InputError(Problem(SOURCE, field, what, fix))


def _order(plan: Plan, team: str, household: str, position: int | None) -> Reorder:
    """The ``Reorder`` that puts ``household`` at ``position`` among ``team``'s visits."""
    route = next(r for r in plan.routes if r.team == team and
                 any(s.household == household for s in r.stops if s.kind == "visit"))
    order = [s.household or "" for s in route.stops if s.kind == "visit"]
    if position is None or not 1 <= position <= len(order):
        raise _needs(msg("the new place must be between 1 and {n}", n=len(order)),
                     "position", msg("pick a place in the list"))
    order.remove(household)
    order.insert(position - 1, household)
    return Reorder(route.name, tuple(order))


def plan_of(request: HandRequest) -> tuple[Change | None, Decision | None, dt.date | None]:
    """What the action is made of: a route change (or None), a decision (or
    None) and the day a move goes to (module table). ``InputError`` when a
    field it needs is missing."""
    plan = _plan(request.folder, request.date)
    h, day = request.household, request.date
    on = _team_of(plan, h)
    why = request.why.strip()
    if request.action == "move":
        if not request.team:
            raise _needs(msg("no team given"), "team", msg("pick the team that makes the visit"))
        to = request.to_date if request.to_date and request.to_date != day else None
        return Move(h, request.team, request.position), None, to
    if request.action == "reorder":
        if on is None:
            raise _needs(msg("{household} is not visited at home this day", household=h),
                         "household", msg("reorder a household of a route"))
        return _order(plan, on, h, request.position), None, None
    if request.action == "lock":
        if on is None:
            raise _needs(msg("{household} is not visited at home this day", household=h),
                         "household", msg("make it a must-visit with a team instead"))
        dates = (day,) if request.scope == "day" else ()
        return None, Decision("lock", household=h, team=on, dates=dates, why=why), None
    if request.action == "must":
        if on is not None:
            return None, Decision("must", household=h, dates=(day,), why=why), None
        if not request.team:
            raise _needs(msg("no team given"), "team", msg("pick the team that makes the visit"))
        return Add(h, request.team, request.position), None, None
    if request.action == "assign":
        if not request.team:
            raise _needs(msg("no team given"), "team", msg("pick the team that makes the visit"))
        return None, Decision("lock", household=h, team=request.team,
                              dates=(request.to_date or day,), why=why), None
    if request.action == "leave_out":
        if request.reason not in REASONS:
            raise _needs(msg("no reason given"), "reason", msg("pick why it is left out"))
        if not why:
            raise _needs(msg("no words on why"), "why", msg("say why, in a few words"))
        decision = Decision("leave_out", household=h, reason=request.reason, why=why)
        return (Remove(h, why) if on is not None else None), decision, None
    raise _needs(msg("unknown action {action}", action=request.action), "action",
                 msg("use one of: {names}", names=list(ACTIONS)))


def _edit_request(request: HandRequest, change: Change, to_date: dt.date | None,
                  confirm: bool) -> EditRequest:
    return EditRequest(request.folder, request.date, change, to_date=to_date, confirm=confirm,
                       force=request.force, by=request.by, lang=request.lang, now=request.now)


def _before(request: HandRequest, to_date: dt.date | None) -> dict[str, int]:
    """Households served on each day the action may touch, as planned now."""
    days = [request.date] + ([to_date] if to_date else [])
    return {d.isoformat(): served_households(_plan(request.folder, d)) for d in days}


def _served(request: HandRequest, verdicts: list[EditVerdict], before: dict[str, int],
            ) -> tuple[Served, ...]:
    """Served households before → after per day touched (the day shown,
    unchanged, for a decision alone)."""
    out = [Served(v.date, before.get(v.date, 0),
                  served_households(v.plan) if v.plan is not None else None)
           for v in verdicts if v.date in before]
    if not out:
        day = request.date.isoformat()
        out.append(Served(day, before[day], before[day]))
    return tuple(out)


def preview(request: HandRequest) -> HandResult:
    """The action checked and costed; nothing written."""
    change, decision, to_date = plan_of(request)
    # apply_edit unconfirmed writes nothing and keeps each day's own verdict
    verdicts = list(apply_edit(_edit_request(request, change, to_date, False)).verdicts) \
        if change is not None else []
    problems = decision_problems(DecideRequest(request.folder, decision)) \
        if decision is not None else []
    return HandResult(tuple(verdicts), tuple(problems),
                      _served(request, verdicts, _before(request, to_date)))


def keep(request: HandRequest) -> HandResult:
    """The action checked and, when it holds (or ``force`` says why, every
    changed route timed, the decision without error), kept: the route change
    written (``apply_edit``: the day's folder whole, its decisions), then the
    decision stored."""
    change, decision, to_date = plan_of(request)
    before = _before(request, to_date)
    problems = decision_problems(DecideRequest(request.folder, decision)) \
        if decision is not None else []
    if any(p.severity == "error" for p in problems):
        return HandResult((), tuple(problems), _served(request, [], before))
    verdicts: list[EditVerdict] = []
    stored: list[Decision] = []
    if change is not None:
        result = apply_edit(_edit_request(request, change, to_date, True))
        verdicts = list(result.verdicts)
        if not result.kept:
            return HandResult(tuple(verdicts), tuple(problems),
                              _served(request, verdicts, before))
        stored += result.decisions
    if decision is not None:
        _ = gettext_for(request.lang)
        by = request.by
        why = decision.why or _("hand edit")
        kept = [decision]
        if request.action == "assign":  # visited that day, by that team: a must as well
            kept.append(Decision("must", household=decision.household, dates=decision.dates))
        for one in kept:
            stored.append(decide(DecideRequest(request.folder, Decision(
                one.kind, household=one.household, team=one.team, dates=one.dates,
                reason=one.reason, by=by, why=why), now=request.now)).decision)
    return HandResult(tuple(verdicts), tuple(problems), _served(request, verdicts, before),
                      True, tuple(stored))


def reason_text(reason: Reason, gettext) -> str:
    """A broken rule of a changed route (``day.edit.Reason``) in the words of
    ``gettext``, the codes it names said as words (``visit`` → "home visit",
    ``shuttle`` → "shuttle"; module ``CODE_WORDS``), inside the day's check
    too."""
    def said(value):
        if isinstance(value, Msg):
            return msg(value.msgid, **{k: said(v) for k, v in value.values.items()})
        if isinstance(value, str) and value in CODE_WORDS:
            return gettext(CODE_WORDS[value])
        return value

    return replace(reason, values=tuple((k, said(v)) for k, v in reason.values)
                   ).words(gettext)
