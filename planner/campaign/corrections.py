"""Announced means committed: the collection points whose notice went out.

A collection point's notice is handed out ``notice_days`` working days ahead
(``campaign.json``'s ``point_days[].announce_by``, ``report.announce_by``).
Once that day has passed, the village heads hold the date, the place and the
hours, and every later plan must keep them:

- ``announced_point_days`` lists them from the last ``campaign.json``;
- ``point_slots`` gives each one to the day planner as a fixed slot (its
  place, its opening hour, open at least to its announced close:
  ``planner.day.plan.plan_day``'s ``point_slots``);
- ``point_changes`` finds those the new plan could not keep (no team could
  hold it: absent, a road closed, the day full), or kept with another place
  or hours;
- ``correction_text`` is the correction notice for the village heads, marked
  as a change, with the old and the new hours and the residents to tell
  (``write_corrections`` writes it beside ``campaign.json``).

A point is kept when the new plan holds a session in that village on that
date at the same place, opening at the announced minute and closing no
earlier than announced. Each point or shuttle not kept carries its true
``cause`` (``CAUSES``, ``change_cause``): a person's decision (the village's
day off, the household kept off that day, the team or every team that runs
points absent), no day planned on that date, nobody invited left to serve,
the day planner's own reason for the invited households (no team has the
hours left, no kit, the road closed…), or the day's self-check refusing the
plan made with it (a bug path: ``planner.campaign.dayloop.plan_one_day``
then drops only that one); ``cause_text`` says it in the user's language.
Units: dates ``YYYY-MM-DD``, clock times ``HH:MM`` in ``campaign.json`` and
seconds after midnight in a slot.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from planner.campaign.calendar import Calendar
from planner.campaign.dayloop import SHUTTLE_TOLERANCE_S, DayPlan
from planner.campaign.decisions import Decisions
from planner.campaign.loop import CampaignResult
from planner.clock import format_clock, parse_clock
from planner.domain import Household, Scenario, Unserved
from planner.planfile import write_atomic
from planner.render.i18n import N_, gettext_for, ngettext_for, reason_text
from planner.render.notices import early, late
from planner.render.views import person_name

#: A slot as the day planner takes it: (place name, opens_s, closes_s, the
#: route that held it when announced: ``planner.campaign.dayloop.hinted_solver``).
Slot = tuple[str, int, int, str]

#: Why an announced point or shuttle is not kept: a change's ``cause`` → its
#: words (``{decision}``: the decision's id; ``{team}``: the team's).
CAUSES: dict[str, str] = {
    "village_off": N_("decision {decision}: the village has a day off that day"),
    "kept_off": N_("decision {decision} keeps its households off that day"),
    "team_absent": N_("decision {decision}: team {team} does not work that day, and no other "
                      "team that runs collection points can hold it"),
    "no_day": N_("no day is planned on that date any more (no team works then, or nobody "
                 "is left to serve)"),
    "nobody_left": N_("nobody it invited is left to enrol that day (enrolled or closed "
                      "since)"),
    "self_check": N_("the day's plan that held it failed its own self-check (a bug; please "
                     "report it), so the day was planned without it"),
    "other_way": N_("its residents are served another way that day"),
    "not_fitted": N_("no team can hold it at its hour that day"),
}


def announce_by(calendar: Calendar, start: dt.date, day: dt.date, notice_days: int) -> dt.date:
    """The working day by which the notice for ``day`` goes out: ``notice_days``
    working days before it (the evening before the start at the earliest)."""
    before = [d for d in calendar.working_days(start, day - dt.timedelta(days=1))]
    if len(before) >= notice_days and notice_days > 0:
        return before[-notice_days]
    return start - dt.timedelta(days=1)


def shuttle_days(result: CampaignResult, calendar: Calendar) -> list[dict[str, Any]]:
    """Every household shuttled, in date order: date, household, village, team
    (route), residents, ``pickup`` and ``back`` as its village notice says them
    (``HH:MM``, rounded to 5 min) and ``announce_by``."""
    out = []
    for d in result.days:
        trips: dict[str, dict[str, Any]] = {}
        for route in d.plan.routes:
            for s in route.stops:
                if s.kind in ("pickup", "dropoff") and s.place == "home" and s.household:
                    t = trips.setdefault(s.household, {"team": route.name, "residents": []})
                    t["pickup" if s.kind == "pickup" else "back"] = s.arrive_s
                    t["residents"] += list(s.passengers) if s.kind == "pickup" else []
        village = {h.id: h.village_id for h in d.scenario.households}
        out += [{"date": d.date.isoformat(), "household": hid, "village": village.get(hid, ""),
                 "team": t["team"], "residents": t["residents"],
                 "pickup": early(format_clock(t["pickup"])),
                 "back": late(format_clock(t.get("back", t["pickup"]))),
                 "announce_by": announce_by(calendar, result.start, d.date,
                                            result.notice_days).isoformat()}
                for hid, t in sorted(trips.items()) if "pickup" in t]
    return out


def announced_point_days(folder: Path, day: dt.date) -> list[dict[str, Any]]:
    """The collection points of the campaign in ``folder`` already announced
    when planning ``day`` (their notice went out before ``day``) and not yet
    held (dated ``day`` or later): ``campaign.json``'s ``point_days`` entries
    (date, village, place, team, opens, closes, households, announce_by)."""
    return _announced(folder, day, "point_days", lambda p: (parse_clock(p["opens"]),
                                                            parse_clock(p["closes"])))


def announced_households(points: list[dict[str, Any]],
                         ) -> dict[dt.date, dict[str, frozenset[str]]]:
    """Date → village → invited households of the announced ``points`` (the
    day assignment's ``announced``: those households are offered that day)."""
    out: dict[dt.date, dict[str, frozenset[str]]] = {}
    for p in points:
        out.setdefault(dt.date.fromisoformat(p["date"]), {})[p["village"]] = \
            frozenset(p.get("households") or ())
    return out


def point_slots(points: list[dict[str, Any]]) -> dict[dt.date, dict[str, Slot]]:
    """Date → village → ``(place, opens_s, closes_s, route)`` of the announced
    ``points`` (the route that held it when it was announced)."""
    out: dict[dt.date, dict[str, Slot]] = {}
    for p in points:
        out.setdefault(dt.date.fromisoformat(p["date"]), {})[p["village"]] = (
            p.get("place") or "", parse_clock(p["opens"]), parse_clock(p["closes"]),
            str(p.get("team") or ""))
    return out


def announced_shuttle_days(folder: Path, day: dt.date) -> list[dict[str, Any]]:
    """The shuttles of the campaign in ``folder`` already announced to their
    households when planning ``day`` (the village notice went out before
    ``day``) and not yet made (dated ``day`` or later): ``campaign.json``'s
    ``shuttle_days`` entries (date, household, village, team, residents,
    pickup, back, announce_by)."""
    return _announced(folder, day, "shuttle_days", lambda s: (parse_clock(s["pickup"]),
                                                              str(s["household"])))


def _announced(folder: Path, day: dt.date, key: str,
               check: Callable[[dict[str, Any]], object]) -> list[dict[str, Any]]:
    """The entries of ``campaign.json``'s list ``key`` whose notice went out
    before ``day`` (``announce_by``) and dated ``day`` or later; an entry that
    ``check`` (or its dates) cannot read is skipped."""
    try:
        data = json.loads((Path(folder) / "campaign.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    out = []
    for entry in data.get(key) or []:
        try:
            when = dt.date.fromisoformat(entry["date"])
            notice = dt.date.fromisoformat(entry["announce_by"])
            check(entry)
        except (KeyError, TypeError, ValueError):
            continue
        if when >= day and notice < day:
            out.append(entry)
    return out


def shuttle_slots(shuttles: list[dict[str, Any]]) -> dict[dt.date, dict[str, int]]:
    """Date → household id → announced pickup at home (s after midnight) of
    the announced ``shuttles`` (``plan_one_day``'s ``shuttle_slots``: the
    pickup starts from then to ``SHUTTLE_TOLERANCE_S`` later)."""
    out: dict[dt.date, dict[str, int]] = {}
    for s in shuttles:
        out.setdefault(dt.date.fromisoformat(s["date"]), {})[s["household"]] = \
            parse_clock(s["pickup"])
    return out


def new_pickups(result: CampaignResult) -> dict[str, list[tuple[str, int, str]]]:
    """Household id → its pickups at home in ``result``: (date, the start of
    the pickup in s after midnight, the route), in date order."""
    out: dict[str, list[tuple[str, int, str]]] = {}
    for d in result.days:
        for route in d.plan.routes:
            for s in route.stops:
                if s.kind == "pickup" and s.place == "home" and s.household:
                    out.setdefault(s.household, []).append(
                        (d.date.isoformat(), s.arrive_s + s.wait_s, route.name))
    return out


def shuttle_changes(shuttles: list[dict[str, Any]], result: CampaignResult,
                    decisions: Decisions | None = None,
                    scenario: Scenario | None = None) -> list[dict[str, Any]]:
    """The announced ``shuttles`` the new ``result`` does not keep: kept when
    the household is picked up at home on its date from its announced pickup
    to ``SHUTTLE_TOLERANCE_S`` later. Each is its ``campaign.json`` entry plus
    ``kind`` "shuttle" and ``new``: the household's new pickup (date,
    ``pickup`` HH:MM, team; that date first, else the first other day), None
    when the new plan shuttles it on no day, and its ``cause``
    (``change_cause``, with the ``decisions`` a person made and the
    ``scenario``'s households)."""
    pickups = new_pickups(result)
    days = {d.date.isoformat(): d for d in result.days}
    known = {h.id: h for h in scenario.households} if scenario is not None else {}
    changes = []
    for s in shuttles:
        announced = parse_clock(s["pickup"])
        found = sorted(pickups.get(s["household"], []), key=lambda p: p[0] != s["date"])
        if found and found[0][0] == s["date"] \
                and announced <= found[0][1] <= announced + SHUTTLE_TOLERANCE_S:
            continue
        new = {"date": found[0][0], "pickup": format_clock(found[0][1]),
               "team": found[0][2]} if found else None
        changes.append({**s, "kind": "shuttle", "new": new,
                        **change_cause(s, [s["household"]], days.get(s["date"]), decisions,
                                       known, "shuttle")})
    return changes


def point_changes(points: list[dict[str, Any]], result: CampaignResult,
                  scenario: Scenario, decisions: Decisions | None = None,
                  ) -> list[dict[str, Any]]:
    """The announced ``points`` the new ``result`` does not keep (module
    docstring), each its ``campaign.json`` entry plus ``new`` (the new
    session that day in that village: place, team, opens, closes; None when
    none), ``residents`` (the ids of its invited households' residents) and
    its ``cause`` (``change_cause``, with the ``decisions`` a person made)."""
    days = {d.date.isoformat(): d for d in result.days}
    known = {h.id: h for h in scenario.households}
    sessions: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for d in result.days:
        for s in d.point_sessions:
            sessions.setdefault((d.date.isoformat(), s["village"]), []).append(
                {"place": s["place"], "team": s["team"], "opens": format_clock(s["opens_s"]),
                 "closes": format_clock(s["closes_s"])})
    residents = {h.id: [r.id for r in h.residents] for h in scenario.households}
    changes = []
    for p in points:
        found = sessions.get((p["date"], p["village"]), [])
        if any(s["place"] == p.get("place") and s["opens"] == p["opens"]
               and s["closes"] >= p["closes"] for s in found):
            continue
        changes.append({**p, "new": found[0] if found else None,
                        "residents": [rid for hid in p.get("households") or ()
                                      for rid in residents.get(hid, [])],
                        **change_cause(p, list(p.get("households") or ()),
                                       days.get(p["date"]), decisions, known, "point")})
    return changes


#: Unserved codes that an absent team explains (it could have held the slot).
TEAM_CODES = frozenset({"no_capacity", "point_not_opened", "point_full", "no_duty", "no_kit"})


def change_cause(entry: dict[str, Any], households: list[str], day: DayPlan | None,
                 decisions: Decisions | None, known: Mapping[str, Household],
                 mode: str) -> dict[str, Any]:
    """Why the announced point or shuttle ``entry`` (its ``campaign.json``
    entry: date, village, team; ``mode`` "point" or "shuttle") is not kept,
    as a change's ``cause`` (a key of ``CAUSES``, or "day_planner": the day
    planner's own reason, kept in ``unserved``), with ``decision`` and
    ``team`` when a person's decision is the cause and ``detail`` (English)
    for the self-check's words. ``households``: those it was announced to;
    ``day``: the new plan of its date (None: not planned); ``known``: the
    scenario's households by id."""
    when = dt.date.fromisoformat(entry["date"])
    decisions = decisions or Decisions()
    village = entry.get("village", "")
    off = decisions.village_off(village, when) if village else None
    if off is not None:
        return {"cause": "village_off", "decision": off.id}
    key = village if mode == "point" else (households[0] if households else "")
    detail = next((why for k, why in (day.dropped if day else ()) if k == key), None)
    if detail is not None:
        return {"cause": "self_check", "detail": str(detail)}
    team = str(entry.get("team") or "").split("-")[0]
    absent = decisions.team_absent(team, when) if team else None
    if day is None:
        return {"cause": "team_absent", "decision": absent.id, "team": team} if absent \
            else {"cause": "no_day"}
    offered = {h.id for h in day.scenario.households} & set(households)
    if not offered:
        kept = [d for h in households if h in known
                and (d := decisions.may_offer(known[h], when)) is not None]
        return {"cause": "kept_off", "decision": kept[0].id} if kept \
            else {"cause": "nobody_left"}
    why = next((u for u in day.plan.unserved if u.household in offered and u.mode == mode),
               None)
    if absent is not None and (why is None or why.code in TEAM_CODES):
        return {"cause": "team_absent", "decision": absent.id, "team": team}
    if why is not None:
        return {"cause": "day_planner",
                "unserved": {"household": why.household, "reason": str(why.reason),
                             "code": why.code, "mode": why.mode,
                             "numbers": [list(n) for n in why.numbers]}}
    kinds = ("pickup", "dropoff") if mode == "shuttle" else ("point",)
    if any(s.household in offered or offered & set(s.households) for r in day.plan.routes
           for s in r.stops if s.kind not in kinds):
        return {"cause": "other_way"}
    return {"cause": "not_fitted"}


def cause_text(change: dict[str, Any], lang: str = "vi", redact: bool = False) -> str:
    """The words of a change's ``cause`` (``change_cause``) in ``lang``; the
    day planner's reason as a shareable copy shows it with ``redact``."""
    _ = gettext_for(lang)
    cause = change.get("cause")
    if cause == "day_planner" and isinstance(change.get("unserved"), dict):
        u = change["unserved"]
        return reason_text(Unserved(u["household"], u["reason"], u["code"], u.get("mode", ""),
                                    (), tuple(tuple(n) for n in u.get("numbers") or ())),
                           (), lang, redact)
    words = CAUSES.get(str(cause))
    if words is None:
        return ""
    return _(words).format(decision=change.get("decision", ""), team=change.get("team", ""))


def corrections_path(folder: Path, day: dt.date) -> Path:
    """Where the correction notice of a re-plan from ``day`` goes."""
    return Path(folder) / f"corrections-{day.isoformat()}.txt"


def correction_text(changes: list[dict[str, Any]], scenario: Scenario, lang: str = "vi",
                    redact: bool = False) -> str:
    """The correction notice for the village heads, in ``lang``: for each
    announced point that changes, a heading marked as a change, the old and
    the new date, place and hours (or that it is cancelled), and the
    residents to tell (names; initials with ``redact``); then a "shuttle"
    section, the same for each announced shuttle (``kind`` "shuttle") not
    kept: the old and the new pickup times at home."""
    _ = gettext_for(lang)
    ngettext = ngettext_for(lang)
    villages = {v.id: v.name for v in scenario.villages}
    names = {r.id: person_name(r.full_name, redact) for h in scenario.households
             for r in h.residents}
    household_of = {r.id: h.id for h in scenario.households for r in h.residents}

    def tell(residents: list[str]) -> list[str]:
        return ["  " + ngettext("Tell this resident:", "Tell these {n} residents:",
                                len(residents)).format(n=len(residents))] + [
            f"    - {names.get(rid, rid)} ({household_of.get(rid, '')}, {rid})"
            for rid in residents] + [""]

    def because(change: dict[str, Any]) -> list[str]:
        why = cause_text(change, lang, redact)
        return ["  " + _("why: {cause}").format(cause=why)] if why else []

    points = [c for c in changes if c.get("kind", "point") == "point"]
    shuttles = [c for c in changes if c.get("kind") == "shuttle"]
    lines = [_("CORRECTION NOTICE: a collection point already announced is changed"), ""] \
        if points else []
    for c in points:
        village = villages.get(c["village"], c["village"])
        lines.append(_("CHANGE — village {village}, {date}").format(village=village,
                                                                    date=c["date"]))
        lines.append("  " + _("announced: {place}, from {opens} to {closes}").format(
            place=c.get("place", ""), opens=c["opens"], closes=c["closes"]))
        new = c["new"]
        if new is None:
            lines.append("  " + _("now: CANCELLED, no team can hold it that day; the residents "
                                  "are invited again on a later day"))
        else:
            lines.append("  " + _("now: {place}, from {opens} to {closes}").format(
                place=new["place"], opens=new["opens"], closes=new["closes"]))
        lines += because(c)
        lines += tell(c["residents"])
    if shuttles:
        lines += [_("CORRECTION NOTICE: a shuttle pickup already announced to a household is "
                    "changed"), ""]
    for c in shuttles:
        village = villages.get(c.get("village", ""), c.get("village", ""))
        lines.append(_("CHANGE — shuttle of household {household}, village {village}, "
                       "{date}").format(household=c["household"], village=village,
                                        date=c["date"]))
        lines.append("  " + _("announced: picked up at home at {pickup}, back home by "
                              "{back}").format(pickup=c["pickup"], back=c.get("back", "?")))
        if c["new"] is None:
            lines.append("  " + _("now: CANCELLED, no pickup that day; the household is "
                                  "told its new day on a later notice"))
        else:
            lines.append("  " + _("now: {date}, picked up at home at {pickup}").format(
                date=c["new"]["date"], pickup=c["new"]["pickup"]))
        lines += because(c)
        lines += tell(list(c.get("residents") or []))
    return "\n".join(lines)


def changes_warning(changes: list[dict[str, Any]], scenario: Scenario, lang: str = "vi",
                    ) -> list[str]:
    """The loud terminal lines of the announced shuttles not kept among
    ``changes`` (``shuttle_changes``), one each: household, date, the old and
    the new pickup time, the residents to tell (``tomorrow``'s warning)."""
    _ = gettext_for(lang)
    villages = {v.id: v.name for v in scenario.villages}
    lines = []
    for c in changes:
        if c.get("kind") != "shuttle":
            continue
        values = {"household": c["household"], "date": c["date"], "pickup": c["pickup"],
                  "village": villages.get(c.get("village", ""), c.get("village", "")),
                  "n": len(c.get("residents") or ())}
        if c["new"] is None:
            lines.append(_("!! ANNOUNCED shuttle CANCELLED: household {household} "
                           "({village}), {date}, pickup {pickup}; tell its {n} residents"
                           ).format(**values))
        else:
            lines.append(_("!! ANNOUNCED shuttle CHANGED: household {household} ({village}), "
                           "{date}, pickup {pickup} becomes {new_date}, pickup {new}; tell its "
                           "{n} residents").format(new_date=c["new"]["date"],
                                                   new=c["new"]["pickup"], **values))
        lines += cause_line(c, lang)
    return lines


def cause_line(change: dict[str, Any], lang: str = "vi") -> list[str]:
    """The ``!!`` line under an announced point or shuttle not kept that says
    why (``cause_text``); [] when the change carries no cause."""
    why = cause_text(change, lang)
    return ["!!    " + gettext_for(lang)("why: {cause}").format(cause=why)] if why else []


def write_corrections(folder: Path, day: dt.date, changes: list[dict[str, Any]],
                      scenario: Scenario, lang: str = "vi", redact: bool = False,
                      ) -> Path | None:
    """Write the correction notice of ``changes`` (none: nothing written, and
    an older notice for the same day removed). Returns its path or None."""
    path = corrections_path(folder, day)
    if not changes:
        path.unlink(missing_ok=True)
        return None
    return write_atomic(path, correction_text(changes, scenario, lang, redact))
