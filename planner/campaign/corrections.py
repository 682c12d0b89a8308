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
earlier than announced. Units: dates ``YYYY-MM-DD``, clock times ``HH:MM``
in ``campaign.json`` and seconds after midnight in a slot.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from planner.campaign.loop import CampaignResult
from planner.clock import format_clock, parse_clock
from planner.domain import Scenario
from planner.planfile import write_atomic
from planner.render.i18n import gettext_for, ngettext_for
from planner.render.views import person_name

#: A slot as the day planner takes it: (place name, opens_s, closes_s).
Slot = tuple[str, int, int]


def announced_point_days(folder: Path, day: dt.date) -> list[dict[str, Any]]:
    """The collection points of the campaign in ``folder`` already announced
    when planning ``day`` (their notice went out before ``day``) and not yet
    held (dated ``day`` or later): ``campaign.json``'s ``point_days`` entries
    (date, village, place, team, opens, closes, households, announce_by)."""
    try:
        data = json.loads((Path(folder) / "campaign.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    out = []
    for p in data.get("point_days") or []:
        try:
            when = dt.date.fromisoformat(p["date"])
            notice = dt.date.fromisoformat(p["announce_by"])
            parse_clock(p["opens"])
            parse_clock(p["closes"])
        except (KeyError, TypeError, ValueError):
            continue
        if when >= day and notice < day:
            out.append(p)
    return out


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
    """Date → village → ``(place, opens_s, closes_s)`` of the announced ``points``."""
    out: dict[dt.date, dict[str, Slot]] = {}
    for p in points:
        out.setdefault(dt.date.fromisoformat(p["date"]), {})[p["village"]] = (
            p.get("place") or "", parse_clock(p["opens"]), parse_clock(p["closes"]))
    return out


def point_changes(points: list[dict[str, Any]], result: CampaignResult,
                  scenario: Scenario) -> list[dict[str, Any]]:
    """The announced ``points`` the new ``result`` does not keep (module
    docstring), each its ``campaign.json`` entry plus ``new`` (the new
    session that day in that village: place, team, opens, closes; None when
    none) and ``residents`` (the ids of its invited households' residents)."""
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
                                      for rid in residents.get(hid, [])]})
    return changes


def corrections_path(folder: Path, day: dt.date) -> Path:
    """Where the correction notice of a re-plan from ``day`` goes."""
    return Path(folder) / f"corrections-{day.isoformat()}.txt"


def correction_text(changes: list[dict[str, Any]], scenario: Scenario, lang: str = "vi",
                    redact: bool = False) -> str:
    """The correction notice for the village heads, in ``lang``: for each
    announced point that changes, a heading marked as a change, the old and
    the new date, place and hours (or that it is cancelled), and the
    residents to tell (names; initials with ``redact``)."""
    _ = gettext_for(lang)
    ngettext = ngettext_for(lang)
    villages = {v.id: v.name for v in scenario.villages}
    names = {r.id: person_name(r.full_name, redact) for h in scenario.households
             for r in h.residents}
    household_of = {r.id: h.id for h in scenario.households for r in h.residents}
    lines = [_("CORRECTION NOTICE: a collection point already announced is changed"), ""]
    for c in changes:
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
        lines.append("  " + ngettext("Tell this resident:", "Tell these {n} residents:",
                                     len(c["residents"])).format(n=len(c["residents"])))
        lines += [f"    - {names.get(rid, rid)} ({household_of.get(rid, '')}, {rid})"
                  for rid in c["residents"]]
        lines.append("")
    return "\n".join(lines)


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
