"""Hand edits of a campaign day: the jobs behind ``plan.py edit``.

``preview_edit(EditRequest)`` reads the day's ``plan.json`` and the
campaign's scenario, makes the change and checks it
(``planner.day.edit.apply_change``: re-timed by the one timing rule, the
day's verifier, the costs, who would drop out) and returns the
``EditVerdict``; nothing is written. ``apply_edit(EditRequest)`` does the
same and, when the request is confirmed and the verdict holds (or ``force``
gives why it is kept anyway), writes the edited day(s) whole (``plan.json``,
notices and, for a day that was drawn, every document: built aside and
swapped in, ``planner.campaign.folders``), stores the day's planned visits in
the campaign state, and stores the decisions that keep the edit in every
later plan (``planner.campaign.decisions``): a move (or a swap) → a ``lock``
of the household to its team and day; a reorder → an ``order``; an added
household → ``must`` + ``lock``; a removal → ``not_on`` that day. A move to
another day (``to_date``) is a removal here and an addition there, both
checked. The clock is read here only when the request gives no ``now``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from pathlib import Path

from planner.app.campaign import utc_now
from planner.app.decisions import DecideRequest, decide
from planner.app.loaded import loaded_campaign
from planner.app.outcomes import who
from planner.app.outputs import day_drawer, scenario_in_scope
from planner.campaign.dayloop import DayPlan, served_residents
from planner.campaign.decisions import Decision, Decisions, steer_of
from planner.campaign.folders import day_dir, recover, stage, swap
from planner.campaign.report import write_day_plan
from planner.campaign.workspace import Workspace
from planner.clock import format_clock
from planner.day.edit import (
    Add,
    Change,
    EditDay,
    EditVerdict,
    Move,
    Remove,
    Reorder,
    Swap,
    edit_day,
)
from planner.day.edit import apply_change as _apply_change
from planner.domain import Scenario
from planner.errors import InputError, Problem, msg
from planner.legs import attach_legs
from planner.planfile import read_plan
from planner.render.i18n import gettext_for
from planner.state import db
from planner.state.store import campaign_decisions, day_visit_rows

__all__ = ["Add", "EditRequest", "EditResult", "Move", "Remove", "Reorder", "Swap",
           "apply_edit", "edit_text", "preview_edit", "refusal", "verdict_lines"]

#: Outcomes after which a resident is no longer offered a visit.
_CLOSED = ("enrolled", "moved", "deceased")


@dataclass(frozen=True)
class EditRequest:
    """Change the plan of ``date`` in the campaign in ``folder``: ``change``
    (``Move``, ``Swap``, ``Reorder``, ``Add``, ``Remove``); ``to_date``: a
    ``Move`` to that day instead (its team ``change.team``). ``confirm``:
    keep it when it holds; ``force``: why it is kept although it does not
    (recorded with the decisions); ``by``: who (default: the computer's
    user); ``lang``/``redact``: the documents written; ``now`` (UTC)."""

    folder: Path
    date: dt.date
    change: Change
    to_date: dt.date | None = None
    confirm: bool = False
    force: str = ""
    by: str = ""
    lang: str = "vi"
    redact: bool = False
    now: dt.datetime | None = None


@dataclass(frozen=True)
class EditResult:
    """The verdicts (the day edited, then the day a move goes to), whether
    the edit was kept, the files written and the decisions stored."""

    verdicts: tuple[EditVerdict, ...]
    kept: bool
    written: tuple[Path, ...] = ()
    decisions: tuple[Decision, ...] = ()

    @property
    def holds(self) -> bool:
        """Every day touched still holds."""
        return all(v.holds for v in self.verdicts)


@dataclass
class _Campaign:
    """What the job reads once: the campaign's scenario, speed table, road
    graph and workspace (matrices of every site), its closed residents."""

    folder: Path
    scenario: Scenario
    table: dict
    graph: object
    ws: Workspace
    closed: set[str]
    decisions: Decisions


def _open(folder: Path) -> _Campaign:
    recover(folder)  # a run killed half-way: each day folder wholly old or new
    conn = db.open_campaign(folder)
    try:
        # the scenario, graph and matrices: kept in memory while the files are unchanged
        loaded = loaded_campaign(folder, db.meta(conn))
        closed = {o.resident_id for o in db.outcomes(conn) if o.outcome in _CLOSED}
        decisions = campaign_decisions(loaded.scenario, conn)
    finally:
        conn.close()
    return _Campaign(folder, loaded.scenario, loaded.table, loaded.graph, loaded.matrices,
                     closed, decisions)


def _check_ids(camp: _Campaign, change: Change) -> None:
    """``InputError`` (exit 2) naming an id the campaign does not have."""
    households = {h.id for h in camp.scenario.households}
    teams = sorted(t.id for t in camp.scenario.teams)
    named = {Move: ("household",), Swap: ("first", "second"), Add: ("household",),
             Remove: ("household",)}.get(type(change), ())
    ids = [getattr(change, n) for n in named] + list(getattr(change, "households", ()))
    for hid in ids:
        if hid not in households:
            raise InputError(Problem(str(camp.folder), f"household {hid}",
                                     msg("no such household in the campaign's scenario"),
                                     msg("give a household id of the scenario (as in plan.json "
                                         "or the itinerary)")))
    team = getattr(change, "team", None)
    if team is not None and team not in teams:
        raise InputError(Problem(str(camp.folder), f"team {team}",
                                 msg("no such team in the campaign's scenario"),
                                 msg("use one of: {names}", names=teams)))


def _day(camp: _Campaign, date: dt.date, extra: tuple[str, ...] = ()) -> tuple[EditDay, bool]:
    """The ``EditDay`` of ``date`` (with the pending residents of the
    households ``extra`` added to its scope) and whether the day was drawn."""
    path = day_dir(camp.folder, date) / "plan.json"
    if not path.is_file():
        days = sorted(p.name for p in (camp.folder / "days").glob("????-??-??"))
        raise InputError(Problem("--date", date.isoformat(),
                                 msg("no plan for this day in the campaign"),
                                 msg("give a planned day ({days})",
                                     days=days[:12] + (["…"] if len(days) > 12 else []))))
    plan, raw = read_plan(path)
    scope = list(raw["scope"]) if raw.get("scope") is not None else _scope(raw)
    scope += [r.id for h in camp.scenario.households if h.id in extra
              for r in h.residents if r.id not in camp.closed and r.mode in ("home", "auto")]
    sc = scenario_in_scope(camp.scenario, scope, date)
    on_duty = {r.team for r in plan.routes}
    sc = replace(sc, teams=tuple(t for t in sc.teams if t.id in on_duty) or sc.teams,
                 parameters=replace(sc.parameters, season=plan.season))
    drawn = (path.parent / "map.html").is_file()
    steer = steer_of(camp.decisions, date, sc.households)
    return edit_day(plan, sc, camp.ws.matrices_for, steer), drawn


def _scope(raw: dict) -> list[str]:
    """The residents a campaign day's ``plan.json`` speaks of (its stops' and
    unserved entries' ``residents``): the day's scope when the file does not
    name it (a day written without its documents)."""
    out = [rid for r in raw.get("routes", []) for s in r.get("stops", [])
           for rid in s.get("residents", []) or []]
    out += [rid for u in raw.get("unserved", []) for rid in u.get("residents", []) or []]
    return list(dict.fromkeys(out))


def _verdicts(camp: _Campaign, request: EditRequest
              ) -> list[tuple[EditDay, EditVerdict, bool]]:
    """Each day the request touches: its ``EditDay``, the verdict, drawn."""
    change = request.change
    _check_ids(camp, change)
    if request.to_date is not None and request.to_date != request.date:
        if not isinstance(change, Move):
            raise InputError(Problem("--to-date", request.to_date.isoformat(),
                                     msg("only a move goes to another day"),
                                     msg("leave --to-date out")))
        here, drawn = _day(camp, request.date)
        there, drawn_there = _day(camp, request.to_date, (change.household,))
        why = gettext_for(request.lang)("moved to {date} ({team})").format(
            date=request.to_date.isoformat(), team=change.team)
        return [(here, _apply_change(here, Remove(change.household, why)), drawn),
                (there, _apply_change(there, Add(change.household, change.team,
                                                 change.position)), drawn_there)]
    extra = (change.household,) if isinstance(change, Add) else ()
    day, drawn = _day(camp, request.date, extra)
    return [(day, _apply_change(day, change), drawn)]


def preview_edit(request: EditRequest) -> EditVerdict:
    """The verdict of ``request.change`` (nothing written). A move to another
    day: the verdict of the day it leaves, the day it goes to in ``also``."""
    verdicts = [v for _d, v, _drawn in _verdicts(_open(Path(request.folder)), request)]
    return _joined(verdicts)


def _joined(verdicts: list[EditVerdict]) -> EditVerdict:
    first = verdicts[0]
    if len(verdicts) == 1:
        return first
    return replace(first, holds=all(v.holds for v in verdicts), also=tuple(verdicts[1:]))


def decisions_for(request: EditRequest, verdicts: list[EditVerdict], by: str,
                  ) -> list[Decision]:
    """The decisions that keep the edit in every later plan (module docstring)."""
    change, day = request.change, request.date
    _ = gettext_for(request.lang)  # the why stored with the decisions, in the user's words
    keep = dict(by=by, why=_("hand edit ({why})").format(why=request.force) if request.force
                else _("hand edit"))
    if isinstance(change, Move):
        return [Decision("lock", household=change.household, team=change.team,
                         dates=(request.to_date or day,), **keep)]
    if isinstance(change, Add):
        return [Decision("must", household=change.household, dates=(day,), **keep),
                Decision("lock", household=change.household, team=change.team,
                         dates=(day,), **keep)]
    if isinstance(change, Remove):
        return [Decision("not_on", household=change.household, dates=(day,),
                         by=by, why=change.why)]
    plan = verdicts[0].plan
    teams = {s.household: r.team for r in plan.routes for s in r.stops
             if s.kind == "visit"} if plan is not None else {}
    if isinstance(change, Swap):
        return [Decision("lock", household=h, team=teams[h], dates=(day,), **keep)
                for h in (change.first, change.second) if h in teams]
    route = next((r for r in plan.routes if r.name == change.team), None) if plan else None
    order = tuple(s.household or "" for s in route.stops if s.kind == "visit") if route else ()
    return [Decision("order", team=change.team, dates=(day,), order=order, **keep)]


def apply_edit(request: EditRequest) -> EditResult:
    """The ``edit`` job: the verdict(s); unless ``confirm`` (and the verdict
    holds or ``force`` says why), nothing is kept. Kept: each day touched is
    written whole and its planned visits stored, then the decisions."""
    folder = Path(request.folder)
    camp = _open(folder)
    days = _verdicts(camp, request)
    verdicts = [v for _d, v, _drawn in days]
    holds = all(v.holds for v in verdicts)
    if not request.confirm or not (holds or request.force) \
            or any(v.plan is None for v in verdicts):
        return EditResult(tuple(verdicts), False)
    now = request.now or utc_now()
    # the decisions first: each is checked (InputError) before any file changes
    stored = _store_decisions(folder, decisions_for(request, verdicts, request.by or who()),
                              now)
    written: list[Path] = []
    draw = day_drawer(lang=request.lang, redact=request.redact,
                      graphs={camp.scenario.roads: camp.graph}, table=camp.table)
    for day, verdict, drawn in days:
        plan = attach_legs(verdict.plan, day.scenario, camp.graph, camp.table, day.matrices)
        d = DayPlan(plan.date, plan.season, plan, day.scenario,
                    served_residents(plan, day.scenario), 0)

        def write_plan(dp: DayPlan, where: Path) -> list[Path]:
            return write_day_plan(folder, dp, lang=request.lang, redact=request.redact,
                                  folder=where)

        written += stage(folder, d, write_plan, draw if drawn else None)
        swap(folder, d.date)
        conn = db.open_campaign(folder)
        try:
            with db.transaction(conn):
                db.replace_day_visits(conn, d.date, day_visit_rows([d]))
        finally:
            conn.close()
    return EditResult(tuple(verdicts), True, tuple(written), tuple(stored))


def _key(decision: Decision) -> str:
    """A decision's kind and fields as one comparable text."""
    return json.dumps([decision.kind, decision.payload()], sort_keys=True)


def _store_decisions(folder: Path, decisions: list[Decision], now: dt.datetime,
                     ) -> list[Decision]:
    """Each decision stored (``app.decisions.decide``), those already active
    left as they are."""
    conn = db.open_campaign(folder)
    try:
        active = {_key(d) for d in db.active_decisions(conn)}
    finally:
        conn.close()
    out = []
    for d in decisions:
        if _key(d) in active:
            continue
        out.append(decide(DecideRequest(folder, d, now=now)).decision)
    return out


def _change_words(change: Change, to_date: dt.date | None, _) -> str:
    """What the change is, in the language of ``_``."""
    if isinstance(change, Move):
        if to_date is not None:
            return _("move {household} to team {team} on {date}").format(
                household=change.household, team=change.team, date=to_date.isoformat())
        return _("move {household} to team {team}").format(household=change.household,
                                                           team=change.team)
    if isinstance(change, Swap):
        return _("swap {first} and {second}").format(first=change.first, second=change.second)
    if isinstance(change, Reorder):
        return _("new order of team {team}: {order}").format(
            team=change.team, order=" → ".join(change.households))
    if isinstance(change, Add):
        return _("add {household} to team {team}").format(household=change.household,
                                                          team=change.team)
    return _("take {household} off the day ({why})").format(household=change.household,
                                                           why=change.why)


def _km(m: int | None) -> str:
    return "—" if m is None else f"{m / 1000:.1f}"


def _min(s: int | None) -> str:
    return "—" if s is None else f"{s // 60}"


def verdict_lines(verdict: EditVerdict, lang: str = "vi") -> list[str]:
    """One day's verdict as lines: holds or not, the problems, the costs per
    changed route (km, minutes, return, before → after), who would drop out."""
    _ = gettext_for(lang)
    lines = [_("{date}: the day still holds").format(date=verdict.date) if verdict.holds
             else _("{date}: the day does NOT hold").format(date=verdict.date)]
    lines += [f"  - {p.words(_)}" for p in verdict.problems]
    if verdict.costs:
        head = (_("team"), _("km before"), _("km after"), _("min before"), _("min after"),
                _("back before"), _("back after"))
        rows = [head] + [(c.route, _km(c.before_m), _km(c.after_m), _min(c.before_s),
                          _min(c.after_s), format_clock(c.before_return_s),
                          "—" if c.after_return_s is None else format_clock(c.after_return_s))
                         for c in verdict.costs]
        widths = [max(len(r[k]) for r in rows) for k in range(len(head))]
        lines += ["  " + "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip()
                  for r in rows]
    for route, households in verdict.would_drop:
        if households:
            lines.append(_("  to fit, {route} would have to leave out: {households} (least "
                           "urgent first)").format(route=route, households=", ".join(households)))
        else:
            lines.append(_("  {route} does not fit even without its other visits").format(
                route=route))
    return lines


def edit_text(request: EditRequest, result: EditResult, lang: str = "vi") -> str:
    """The edit's verdict(s) and whether it was kept, for the terminal."""
    _ = gettext_for(lang)
    lines = [_("Hand edit of {date}: {change}").format(
        date=request.date.isoformat(), change=_change_words(request.change, request.to_date, _))]
    for v in result.verdicts:
        lines += verdict_lines(v, lang)
    if result.kept:
        lines.append(_("kept: the day's plan and documents rewritten; decisions stored: "
                       "{ids}").format(ids=", ".join(str(d.id) for d in result.decisions)
                                       or "—"))
        if request.force and not result.holds:
            lines.append(_("kept although it does not hold, because: {why}").format(
                why=request.force))
    elif not request.confirm:
        lines.append(_("not kept; add --confirm to keep"))
    return "\n".join(lines)


def refusal(result: EditResult, lang: str = "vi") -> tuple[str, str]:
    """Why a confirmed edit was not kept, on one line, and the fix."""
    _ = gettext_for(lang)
    words = [p.words(_) for v in result.verdicts for p in v.problems]
    return (_("refused: {reasons}").format(reasons="; ".join(words) or _(
        "a changed route cannot be timed")),
        _("change the edit, or keep it anyway with --force WHY"))
