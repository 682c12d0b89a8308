"""Decisions a person makes about a campaign, and what they do to its plans.

A team leader knows things no scenario file holds: team T2 is at a funeral
tomorrow, Tuesday is market day in one village, a household moved away. Each
such fact is a ``Decision``: kept in the campaign state (``planner.state.db``:
table ``decisions``), or written in a decisions file a scenario names
(``decisions: decisions.yaml``), and honoured by every later plan (``day``,
``campaign``, ``tomorrow``, ``staffing``).

Kinds (``KINDS``) and the fields each one uses:

================  ==========================================================
``lock``          ``household``; ``team`` and/or ``dates``: only that team
                  may visit it; when dates are given, only on those dates
                  (and it must be visited on them while pending)
``must``          ``household``, ``dates``: it must be visited on those dates
``not_before``    ``household``, ``dates[0]``: no visit before that date
``not_on``        ``household``, ``dates``: no visit on those dates
``leave_out``     ``household``, ``reason`` (``REASONS``): never offered
                  again, not pending, counted apart
``team_absent``   ``team``, ``dates``: the team does not work those dates
``team_members``  ``team``, ``members``, ``dates``: the team works those
                  dates with only that many officers
``village_off``   ``village``, ``dates``: no visit and no collection point
                  in that village on those dates (market day, festival)
``order``         ``team``, ``dates`` (one date), ``order``: on that date
                  that team visits those households in that order
================  ==========================================================

Every decision has ``by`` (who), ``at`` (when, UTC) and ``why`` (free text);
``id`` is the state's row id (None before it is stored, or from a file).

``check_decision`` validates one decision against a scenario (every problem,
each naming the field and a fix); ``Decisions`` answers what a set of
decisions does on a day: which households may be offered, which teams work
and with how many officers, which households are mandatory or locked to a
team, the fixed orders. Pure functions: no clock, no files, no database.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from planner.atomic import write_atomic
from planner.campaign.needs import PendingVisit
from planner.day.needs import Steer
from planner.domain import DECISION_CAUSES, Household, Scenario, Team, Unserved
from planner.errors import InputError, Problem, msg
from planner.scenario.reading import _parse_yaml
from planner.scenario.values import _Collector, nfc

#: The kinds of decision, in the order they are documented.
KINDS = ("lock", "must", "not_before", "not_on", "leave_out", "team_absent", "team_members",
         "village_off", "order")
#: Why a household is left out (``leave_out``'s ``reason``).
REASONS = ("moved_away", "refuses", "enrolled_elsewhere", "other")

#: The fields each kind requires (beyond ``by``/``at``/``why``).
_NEEDS: dict[str, tuple[str, ...]] = {
    "lock": ("household",),
    "must": ("household", "dates"),
    "not_before": ("household", "dates"),
    "not_on": ("household", "dates"),
    "leave_out": ("household", "reason"),
    "team_absent": ("team", "dates"),
    "team_members": ("team", "members", "dates"),
    "village_off": ("village", "dates"),
    "order": ("team", "dates", "order"),
}
#: The fields each kind may carry; any other that is set is a problem.
_MAY: dict[str, tuple[str, ...]] = {
    "lock": ("household", "team", "dates"),
    **{k: v for k, v in _NEEDS.items() if k != "lock"},
}
_FIELDS = ("household", "team", "village", "dates", "members", "order", "reason")


@dataclass(frozen=True)
class Decision:
    """One decision a person made (see the module's table for which fields a
    kind uses). ``dates``: calendar dates (``not_before`` uses ``dates[0]``);
    ``members``: officers (``team_members``); ``order``: household ids in
    visiting order (``order``); ``reason``: a ``REASONS`` code
    (``leave_out``); ``by``: who; ``at``: when (UTC); ``why``: free text;
    ``id``: the row id in the campaign state (None: not stored)."""

    kind: str
    household: str | None = None
    team: str | None = None
    village: str | None = None
    dates: tuple[dt.date, ...] = ()
    members: int | None = None
    order: tuple[str, ...] = ()
    reason: str | None = None
    by: str = ""
    at: dt.datetime | None = None
    why: str = ""
    id: int | None = None

    def payload(self) -> dict[str, Any]:
        """The kind's own fields as JSON-ready values (dates ``YYYY-MM-DD``),
        unset ones left out: what the state stores in ``decisions.payload``
        and a decisions file holds beside ``kind``/``by``/``at``/``why``."""
        out: dict[str, Any] = {}
        for name in _FIELDS:
            value = getattr(self, name)
            if value is None or value == ():
                continue
            if name == "dates":
                value = [d.isoformat() for d in value]
            elif name == "order":
                value = list(value)
            out[name] = value
        return out

    @classmethod
    def from_payload(cls, kind: str, payload: Mapping[str, Any], *, by: str = "",
                     at: dt.datetime | None = None, why: str = "",
                     id: int | None = None) -> Decision:
        """The decision back from ``payload`` (as ``payload()`` writes it).
        ``ValueError`` on a date that is not ``YYYY-MM-DD`` or a members
        count that is not a whole number."""
        members = payload.get("members")
        return cls(kind=kind, household=payload.get("household"), team=payload.get("team"),
                   village=payload.get("village"),
                   dates=tuple(dt.date.fromisoformat(str(d)) for d in payload.get("dates", ())),
                   members=None if members is None else int(members),
                   order=tuple(str(h) for h in payload.get("order", ())),
                   reason=payload.get("reason"), by=by, at=at, why=why, id=id)

    def subject(self) -> str:
        """The audit trail's name for this decision (``decision 7``)."""
        return f"decision {self.id}"

    def describe(self) -> str:
        """One line saying what the decision is, codes only (no names): for
        lists and for the plan's not-honoured entries. A ``Msg``: its English
        is ``lock · household H1 · team T2 · 2026-11-24``, each part worded
        by the front end in its language."""
        parts: list[str] = [self.kind]
        if self.household:
            parts.append(msg("household {id}", id=self.household))
        if self.team:
            parts.append(msg("team {id}", id=self.team))
        if self.village:
            parts.append(msg("village {id}", id=self.village))
        if self.dates:
            parts.append(", ".join(d.isoformat() for d in self.dates))
        if self.members is not None:
            parts.append(msg("{n} members", n=self.members))
        if self.order:
            parts.append(" → ".join(self.order))
        if self.reason:
            parts.append(self.reason)
        line = parts[-1]
        for part in reversed(parts[:-1]):
            line = msg("{first} · {rest}", first=part, rest=line)
        return line


def close_matches(name: str, known: Iterable[str], n: int = 3) -> str:
    """`` (close: A, B)`` naming up to ``n`` known ids like ``name`` (a ``Msg``),
    or ``""``."""
    near = difflib.get_close_matches(name, sorted(set(known)), n=n, cutoff=0.5)
    return msg(" (close: {names})", names=near) if near else ""


def check_decision(decision: Decision, scenario: Scenario, source: str = "decision",
                   ) -> list[Problem]:
    """Every problem of ``decision`` against ``scenario``: an unknown kind or
    reason, a missing field the kind needs, a field it does not use, an id
    (household, team, village, households of an order) the scenario does not
    have (with close matches), a members count outside 1 … the team's size,
    an order with a household twice or a date count the kind does not take.
    Each problem names ``source`` and the field, and says a fix. Empty: valid."""
    d = decision
    out: list[Problem] = []

    def bad(where: str, what: str, fix: str) -> None:
        out.append(Problem(source, where, what, fix))

    if d.kind not in KINDS:
        bad("kind", msg("unknown kind '{kind}'{close}", kind=d.kind,
                        close=close_matches(d.kind, KINDS)),
            msg("use one of: {names}", names=KINDS))
        return out
    for name in _NEEDS[d.kind]:
        if getattr(d, name) in (None, (), ""):
            bad(name, msg("a {kind} decision needs {field}", kind=d.kind, field=name),
                msg("give the {field}", field=name))
    for name in _FIELDS:
        if name not in _MAY[d.kind] and getattr(d, name) not in (None, (), ""):
            bad(name, msg("a {kind} decision does not use {field}", kind=d.kind, field=name),
                msg("leave {field} out", field=name))
    if d.kind == "lock" and not d.team and not d.dates:
        bad("team", msg("a lock needs a team, dates, or both"),
            msg("give the team that must make the visit and/or the dates it is made on"))
    households = {h.id for h in scenario.households}
    teams = {t.id: t for t in scenario.teams}
    villages = {v.id for v in scenario.villages}
    if d.household and d.household not in households:
        bad("household", msg("no household '{id}' in the scenario{close}", id=d.household,
                             close=close_matches(d.household, households)),
            msg("give a household id of the scenario"))
    if d.team and d.team not in teams:
        bad("team", msg("no team '{id}' in the scenario{close}", id=d.team,
                        close=close_matches(d.team, teams)),
            msg("use one of: {names}", names=sorted(teams)))
    if d.village and d.village not in villages:
        bad("village", msg("no village '{id}' in the scenario{close}", id=d.village,
                           close=close_matches(d.village, villages)),
            msg("give a village id of the scenario"))
    if d.reason and d.reason not in REASONS:
        bad("reason", msg("unknown reason '{reason}'{close}", reason=d.reason,
                          close=close_matches(d.reason, REASONS)),
            msg("use one of: {names}", names=REASONS))
    if d.members is not None and d.team in teams:
        size = len(teams[d.team].members)
        if not 1 <= d.members <= size:
            bad("members", msg("{n} members: team {team} has {size}", n=d.members,
                               team=d.team, size=size),
                msg("give 1 to {size} (a team that does not work that day: team_absent)",
                    size=size))
    if d.kind == "order":
        if len(d.dates) != 1:
            bad("dates", msg("an order is for one date, {n} given", n=len(d.dates)),
                msg("give one date"))
        seen: set[str] = set()
        for hid in d.order:
            if hid not in households:
                bad("order", msg("no household '{id}' in the scenario{close}", id=hid,
                                 close=close_matches(hid, households)),
                    msg("give household ids of the scenario"))
            if hid in seen:
                bad("order", msg("household {id} is twice in the order", id=hid),
                    msg("name each once"))
            seen.add(hid)
    if d.kind == "not_before" and len(d.dates) > 1:
        bad("dates", msg("not_before takes one date"), msg("give one date"))
    return out


@dataclass(frozen=True)
class Decisions:
    """A set of active decisions and what they do to a day's plan. Every
    question takes the calendar ``day`` it is about."""

    items: tuple[Decision, ...] = ()
    _by_kind: dict[str, tuple[Decision, ...]] = field(default_factory=dict, compare=False,
                                                       repr=False)

    def __post_init__(self) -> None:
        groups: dict[str, list[Decision]] = {}
        for d in self.items:
            groups.setdefault(d.kind, []).append(d)
        object.__setattr__(self, "_by_kind", {k: tuple(v) for k, v in groups.items()})

    def __bool__(self) -> bool:
        return bool(self.items)

    def of(self, kind: str) -> tuple[Decision, ...]:
        """The decisions of one kind, in the order given."""
        return self._by_kind.get(kind, ())

    def left_out(self) -> dict[str, Decision]:
        """Household id → its ``leave_out`` decision (the last one given)."""
        return {d.household: d for d in self.of("leave_out") if d.household}

    def may_offer(self, household: Household, day: dt.date) -> Decision | None:
        """None when ``household`` may be offered on ``day``; else the
        decision that keeps it off that day (left out, a lock to other dates,
        not before, not on, its village's day off)."""
        hid = household.id
        for d in self.of("leave_out"):
            if d.household == hid:
                return d
        for d in self.of("lock"):
            if d.household == hid and d.dates and day not in d.dates:
                return d
        for d in self.of("not_before"):
            if d.household == hid and d.dates and day < d.dates[0]:
                return d
        for d in self.of("not_on"):
            if d.household == hid and day in d.dates:
                return d
        for d in self.of("village_off"):
            if d.village == household.village_id and day in d.dates:
                return d
        return None

    def village_off(self, village_id: str, day: dt.date) -> Decision | None:
        """The decision that gives ``village_id`` a day off on ``day`` (no
        visit, no collection point), or None."""
        return next((d for d in self.of("village_off")
                     if d.village == village_id and day in d.dates), None)

    def team_absent(self, team_id: str, day: dt.date) -> Decision | None:
        """The decision that keeps ``team_id`` from working on ``day``, or None."""
        return next((d for d in self.of("team_absent")
                     if d.team == team_id and day in d.dates), None)

    def team_on(self, team: Team, day: dt.date) -> Team | None:
        """The team as it works on ``day``: None when absent; with fewer
        officers when a ``team_members`` decision says so (its first
        ``members`` officers; no more motorbikes and kits than officers; no
        split with fewer than two); else ``team`` unchanged."""
        if self.team_absent(team.id, day):
            return None
        sized = [d for d in self.of("team_members") if d.team == team.id and day in d.dates]
        if not sized or sized[-1].members is None:
            return team
        n = max(1, min(sized[-1].members, len(team.members)))
        return replace(team, members=team.members[:n], motorbikes=min(team.motorbikes, n),
                       kits=min(team.kits, n), can_split=team.can_split and n >= 2)

    def teams_on(self, teams: Iterable[Team], day: dt.date) -> tuple[Team, ...]:
        """The teams that work on ``day``, each as it works (``team_on``)."""
        return tuple(t for t in (self.team_on(t, day) for t in teams) if t is not None)

    def mandatory_on(self, day: dt.date) -> dict[str, Decision]:
        """Household id → the decision that requires a visit on ``day``: a
        ``must`` for that date, a ``lock`` with that date, or a household of
        an ``order`` for that date."""
        out: dict[str, Decision] = {}
        for d in self.of("must") + tuple(x for x in self.of("lock") if x.dates):
            if d.household and day in d.dates:
                out[d.household] = d
        for d in self.of("order"):
            if day in d.dates:
                for hid in d.order:
                    out.setdefault(hid, d)
        return out

    def locked_on(self, day: dt.date) -> dict[str, tuple[str, Decision]]:
        """Household id → (team id, decision): only that team may visit it on
        ``day`` (a ``lock`` with a team and no dates or with ``day``; each
        household of an ``order`` for ``day``, to the order's team)."""
        out: dict[str, tuple[str, Decision]] = {}
        for d in self.of("lock"):
            if d.household and d.team and (not d.dates or day in d.dates):
                out[d.household] = (d.team, d)
        for d in self.of("order"):
            if d.team and day in d.dates:
                for hid in d.order:
                    out[hid] = (d.team, d)
        return out

    def orders_on(self, day: dt.date) -> dict[str, Decision]:
        """Team id → the ``order`` decision fixing its stops on ``day`` (the
        last one given for that team and date)."""
        return {d.team: d for d in self.of("order") if d.team and day in d.dates}

    def conflicts_on(self, day: dt.date, teams: Iterable[Team]) -> list[tuple[Decision, str]]:
        """Decisions that cannot hold on ``day`` whatever the solver does,
        each once, with a reason code: a visit required on ``day`` (a
        ``must``, a dated ``lock``, an ``order``) by a team that does not
        work that day (``team_absent``), or by no team at all when no team
        works (``no_team``). A lock without dates is no conflict: the
        household waits for its team's next working day."""
        working = {t.id for t in self.teams_on(teams, day)}
        locked = self.locked_on(day)
        out: list[tuple[Decision, str]] = []
        seen: set[int] = set()
        for hid, d in sorted(self.mandatory_on(day).items()):
            team = locked.get(hid, (None, d))[0]
            reason = ("no_team" if not working else
                      "team_absent" if team is not None and team not in working else "")
            if reason and id(d) not in seen:
                seen.add(id(d))
                out.append((d, reason))
        return out


def reason_counts(decisions: Decisions, pending: Iterable[str] | None = None,
                  ) -> dict[str, int]:
    """Reason code → how many households are left out for it (only those in
    ``pending`` when given), in ``REASONS`` order, zero counts left out."""
    keep = None if pending is None else set(pending)
    counts = dict.fromkeys(REASONS, 0)
    for hid, d in decisions.left_out().items():
        if keep is None or hid in keep:
            counts[d.reason or "other"] = counts.get(d.reason or "other", 0) + 1
    return {k: v for k, v in counts.items() if v}


def steered_offer(decisions: Decisions, day: dt.date, teams: Iterable[Team],
                  pending: Iterable[PendingVisit], offered: list[Household],
                  ) -> list[Household]:
    """The households offered on ``day`` as the decisions want them: those
    locked to a team that does not work that day (``teams``) taken out; each
    pending household that must be visited that day (``mandatory_on``) added
    with all its pending residents when not offered already (and its team, if
    locked, works). ``offered`` itself when there are no decisions."""
    if not decisions:
        return offered
    working = {t.id for t in teams}
    locked = decisions.locked_on(day)
    out = [h for h in offered if h.id not in locked or locked[h.id][0] in working]
    have = {h.id for h in out}
    waiting = {p.household.id: p.household for p in pending}
    for hid in decisions.mandatory_on(day):
        if hid in waiting and hid not in have and working and \
                (hid not in locked or locked[hid][0] in working):
            out.append(waiting[hid])
            have.add(hid)
    return out


def steer_of(decisions: Decisions, day: dt.date, offered: Iterable[Household]) -> Steer | None:
    """What the day planner is told of the decisions on ``day`` for the
    ``offered`` households (``planner.day.needs.Steer``; a decision from a
    file, with no id, as 0); None when nothing applies, so that the day is
    planned exactly as without decisions."""
    if not decisions:
        return None
    ids = {h.id for h in offered}
    must = {h: d.id or 0 for h, d in decisions.mandatory_on(day).items() if h in ids}
    teams = {h: (t, d.id or 0) for h, (t, d) in decisions.locked_on(day).items() if h in ids}
    orders = {t: (tuple(h for h in d.order if h in ids), d.id or 0)
              for t, d in decisions.orders_on(day).items()}
    orders = {t: o for t, o in orders.items() if o[0]}
    if not (must or teams or orders):
        return None
    return Steer(must=must, teams=teams, orders=orders)


_CAUSE_WORDS = {
    "team_absent": "the team it names does not work that day",
    "no_team": "no team works that day",
    "kept_off": "another decision keeps the household off that day",
}


def not_honoured_entries(conflicts: Iterable[tuple[Decision, str]]) -> tuple[Unserved, ...]:
    """Each ``(decision, cause code)`` of ``Decisions.conflicts_on`` as an
    unserved-like entry of ``Plan.not_honoured`` (code
    ``decision_not_honoured``, mode the decision's kind, numbers its id and
    cause)."""
    return tuple(Unserved(d.household or "", f"decision {d.id or 0} ({d.describe()!s}) is not "
                          f"honoured: {_CAUSE_WORDS.get(cause, cause)}",
                          "decision_not_honoured", d.kind, (),
                          (("decision", d.id or 0), ("cause", DECISION_CAUSES.index(cause))))
                 for d, cause in conflicts)


#: The fields a decisions file's entry may have.
FILE_FIELDS = ("kind", "household", "team", "village", "dates", "members", "order", "reason",
               "by", "at", "why", "id")


def _entry(raw: Any, where: str, col: _Collector) -> Decision | None:
    """One entry of a decisions file as a Decision (None, the problem
    reported, when it cannot be read)."""
    if not isinstance(raw, dict):
        col.error(where, msg("an entry must be a mapping (kind:, household:, dates:, …)"),
                  msg("write each decision as `- kind: ...` with its fields below"))
        return None
    unknown = sorted(str(k) for k in raw if str(k) not in FILE_FIELDS)
    if unknown:
        col.error(f"{where}, field {unknown[0]}",
                  msg("unknown field '{field}'{close}", field=unknown[0],
                      close=close_matches(unknown[0], FILE_FIELDS)),
                  msg("use only: {names}", names=FILE_FIELDS))
        return None
    dates = raw.get("dates", ())
    dates = [dates] if isinstance(dates, (str, dt.date)) else list(dates or ())
    payload: dict[str, Any] = {k: nfc(raw[k]) for k in ("household", "team", "village",
                                                         "reason") if raw.get(k) is not None}
    try:
        payload["dates"] = [d.isoformat() if isinstance(d, dt.date) else str(d) for d in dates]
        if raw.get("members") is not None:
            payload["members"] = raw["members"]
        payload["order"] = [nfc(h) for h in raw.get("order") or ()]
        at = raw.get("at")
        when = at if isinstance(at, dt.datetime) else \
            dt.datetime.fromisoformat(str(at)) if at else None
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return Decision.from_payload(nfc(raw.get("kind")), payload, by=nfc(raw.get("by")),
                                     at=when, why=nfc(raw.get("why")),
                                     id=int(raw["id"]) if raw.get("id") is not None else None)
    except (TypeError, ValueError):
        col.error(where, msg("a date, time or number cannot be read"),
                  msg("write dates as YYYY-MM-DD, at: as YYYY-MM-DDTHH:MM:SS+00:00, members: "
                      "as a whole number"))
        return None


def read_decisions(path: str | Path, scenario: Scenario) -> list[Decision]:
    """The decisions of a decisions file (YAML: ``decisions:``, a list of
    entries with ``FILE_FIELDS``, as ``export_decisions`` writes), each checked
    against ``scenario``. ``InputError`` naming the file, the entry and the
    field of every problem."""
    col = _Collector(str(path))
    data = _parse_yaml(Path(path), col)
    out: list[Decision] = []
    if data is not None:
        items = data.get("decisions")
        if not isinstance(items, list):
            col.error("decisions", msg("no list of decisions"),
                      msg("write `decisions:` then one `- kind: ...` entry per decision"))
            items = []
        for k, raw in enumerate(items, start=1):
            where = f"decision {k}"
            found = _entry(raw, where, col)
            if found is None:
                continue
            for p in check_decision(found, scenario, source=str(path)):
                col.problems.append(replace(p, where=f"{where}, field {p.where}"
                                            if p.where else where))
            out.append(found)
    if any(p.severity == "error" for p in col.problems):
        raise InputError(col.problems)
    return out


def decisions_text(decisions: Iterable[Decision]) -> str:
    """The decisions as a decisions file's YAML text (``read_decisions``
    reads it back; a scenario names it with ``decisions:``)."""
    # imported here: PyYAML loads only when a file is written
    import yaml

    items = []
    for d in decisions:
        entry: dict[str, Any] = {"kind": d.kind, **d.payload()}
        if d.id is not None:
            entry["id"] = d.id
        entry.update({"by": d.by, "why": d.why})
        if d.at is not None:
            entry["at"] = d.at.isoformat()
        items.append(entry)
    header = ("# Decisions a person made (plan.py decide … --export). A scenario honours "
              "them with\n# `decisions: THIS_FILE`; fields: docs/campaign.md.\n")
    return header + yaml.safe_dump({"decisions": items}, allow_unicode=True, sort_keys=False)


def export_decisions(decisions: Iterable[Decision], path: Path) -> Path:
    """Write ``decisions_text`` to ``path`` (atomically). Returns ``path``."""
    write_atomic(path, decisions_text(decisions))
    return path


def decided_day(decisions: Decisions, scenario: Scenario, day: dt.date,
                ) -> tuple[Scenario, Steer | None, tuple[Unserved, ...]]:
    """One day of ``scenario`` (``plan.py day``) as the decisions want it:
    the teams that work that day as they work (``teams_on``), the households
    that may be offered (``may_offer``; none locked to a team that does not
    work), what the day planner is told (``steer_of``) and the decisions that
    no plan of the day can honour (``conflicts_on``, and a visit required
    that day that another decision keeps off: ``kept_off``), as
    ``Plan.not_honoured`` entries. ``scenario`` itself with no decisions."""
    if not decisions:
        return scenario, None, ()
    teams = decisions.teams_on(scenario.teams, day)
    working = {t.id for t in teams}
    locked = decisions.locked_on(day)
    conflicts = decisions.conflicts_on(day, scenario.teams)
    by_id = {h.id: h for h in scenario.households}
    for hid, d in sorted(decisions.mandatory_on(day).items()):
        if hid in by_id and decisions.may_offer(by_id[hid], day) is not None:
            conflicts.append((d, "kept_off"))
    households = tuple(h for h in scenario.households
                       if decisions.may_offer(h, day) is None
                       and (h.id not in locked or locked[h.id][0] in working))
    return (replace(scenario, teams=teams, households=households),
            steer_of(decisions, day, households), not_honoured_entries(conflicts))


def scenario_decisions(scenario: Scenario) -> Decisions:
    """The decisions of the file ``scenario`` names (``decisions:``), checked
    against it; none when it names none."""
    if not scenario.decisions:
        return Decisions()
    return Decisions(tuple(read_decisions(scenario.decisions, scenario)))
