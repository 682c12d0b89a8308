"""Notices: a page for each village head, then invitation slips for residents (PDF).

A village gets a page when a team visits a house there, holds a collection
point there, or picks a resident up at home there. The page says which
households will be visited when (planned arrival–leave, by which team); where
and when each collection point is open ("from HH:MM to HH:MM", with the
invited households and the expected attendance); which residents are taken to
the commune office and back, with the pickup time at home and the expected
return; how many other residents still need to come to the commune office; and
a short text to read over the village loudspeaker.

After the village pages come invitation slips, one per household, to cut out
and hand over: residents invited to a collection point read "Mời ông/bà … đến
<place> từ HH:MM đến HH:MM"; shuttled residents read when they will be picked
up at home and when they should be back.

Times on notices are rounded to 5 minutes, starts down and ends up (a visit
planned 07:49–09:09 is announced as 07:45–09:10), so that nobody is told a
time later than the team's.

Notices are read aloud, pinned up and handed out: they never show conditions,
ID numbers or phone numbers; with ``redact`` names become initials.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from planner.clock import round_clock
from planner.domain import Household, Plan, Scenario
from planner.render.pdf import render_pdf, stylesheet
from planner.render.views import (
    DocContext,
    ShuttleTrip,
    doc_context,
    home_visited,
    person_name,
    point_residents,
    shuttle_trips,
)


@dataclass(frozen=True)
class VisitLine:
    arrive: str
    depart: str
    household: str
    names: tuple[str, ...]
    team: str


@dataclass(frozen=True)
class PointLine:
    """A collection-point session: ``opens``–``closes`` are the enrolment hours."""

    place: str
    opens: str
    closes: str
    people: int
    households: tuple[str, ...]
    names: tuple[str, ...]
    team: str


@dataclass(frozen=True)
class ShuttleLine:
    """A household's shuttled residents: picked up at home at ``pickup``,
    expected back home at ``back``."""

    household: str
    names: tuple[str, ...]
    pickup: str
    back: str
    team: str


@dataclass(frozen=True)
class Invitation:
    """A slip for one household: ``kind`` is "point" or "shuttle"."""

    kind: str
    household: str
    village: str
    names: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Notice:
    village: str
    visits: tuple[VisitLine, ...]
    others: int
    speaker: str
    points: tuple[PointLine, ...] = ()
    shuttles: tuple[ShuttleLine, ...] = ()


def _names(h: Household, ids: set[str] | None, ctx: DocContext, residents=None) -> tuple[str, ...]:
    chosen = residents if residents is not None else [r for r in h.residents
                                                      if ids is None or r.id in ids]
    return tuple(person_name(r.full_name, ctx.redact) for r in chosen)


def early(clock_text: str) -> str:
    """A start time for a notice: rounded down to 5 minutes."""
    return round_clock(clock_text, 5, up=False)


def late(clock_text: str) -> str:
    """An end time for a notice: rounded up to 5 minutes."""
    return round_clock(clock_text, 5, up=True)


def _trip(trips: dict[str, ShuttleTrip], ids: list[str]) -> tuple[str, str]:
    pickups = [trips[i].pickup for i in ids if trips[i].pickup]
    backs = [trips[i].back for i in ids if trips[i].back]
    return (min(pickups) if pickups else "", max(backs) if backs else "")


def notices(plan: Plan, scenario: Scenario, ctx: DocContext) -> list[Notice]:
    """One notice per village with a visit, a collection point or a home
    pickup, in the scenario's village order."""
    _ = ctx._
    households = {h.id: h for h in scenario.households}
    visited = home_visited(plan)
    trips = shuttle_trips(plan)
    by_village: dict[str, list[VisitLine]] = defaultdict(list)
    points: dict[str, list[PointLine]] = defaultdict(list)
    invited: set[str] = set()
    for team in ctx.teams:
        label = team.title
        for s in team.stops:
            if s.kind == "visit":
                h = households[s.household]
                by_village[h.village_id].append(VisitLine(
                    early(s.arrive), late(s.depart), s.household,
                    tuple(p.name for p in s.residents), label))
            elif s.kind == "point":
                hs = [households[x] for x in s.households if x in households]
                people = [r for h in hs for r in point_residents(h, visited)]
                invited |= {r.id for r in people}
                points[s.village_id or (hs[0].village_id if hs else "")].append(PointLine(
                    s.place, early(s.opens), late(s.depart), s.people, tuple(h.id for h in hs),
                    tuple(person_name(r.full_name, ctx.redact) for r in people), label))
    shuttles: dict[str, list[ShuttleLine]] = defaultdict(list)
    for h in scenario.households:
        ids = [r.id for r in h.residents if r.id in trips and trips[r.id].pickup]
        if not ids:
            continue
        pickup, back = _trip(trips, ids)
        route = trips[ids[0]].pickup_route
        team = next((t.title for t in ctx.teams if t.route == route), route)
        shuttles[h.village_id].append(ShuttleLine(h.id, _names(h, set(ids), ctx),
                                                  early(pickup), late(back), team))
    served = {r.id for t in ctx.teams for s in t.stops if s.kind == "visit"
              for r in s.residents} | invited | set(trips)
    out = []
    for v in scenario.villages:
        visits = sorted(by_village.get(v.id, []), key=lambda x: x.arrive)
        vpoints = sorted(points.get(v.id, []), key=lambda x: x.opens)
        vshuttles = sorted(shuttles.get(v.id, []), key=lambda x: x.pickup)
        if not (visits or vpoints or vshuttles):
            continue
        others = sum(1 for h in scenario.households if h.village_id == v.id
                     for r in h.residents if r.mode == "point" and r.id not in served)
        parts = []
        if visits:
            names = [n for line in visits for n in line.names]
            parts.append(_(
                "Announcement from the commune police ({station}): on {date}, an ID-card team "
                "will come to enrol residents at home in {village}, between about {start} and "
                "{end}. We ask the families of {names} to make sure they are at home. Other "
                "residents who still need an ID card and can travel, please come to the commune "
                "office. Thank you.").format(
                station=ctx.station, date=ctx.date, village=v.name, start=visits[0].arrive,
                end=max(x.depart for x in visits), names=", ".join(names)))
        else:
            parts.append(_("Announcement from the commune police ({station}) to the residents "
                           "of {village}, for {date}.").format(
                station=ctx.station, village=v.name, date=ctx.date))
        for p in vpoints:
            parts.append(_("A collection point for ID cards will be open at {place} from "
                           "{start} to {end}. Invited: {names}. Please come on time and bring "
                           "your household registration papers.").format(
                place=p.place, start=p.opens, end=p.closes, names=", ".join(p.names)))
        for sh in vshuttles:
            parts.append(_("The commune police will pick up {names} at home at about {start}, "
                           "take them to the commune office to enrol and bring them back home "
                           "by about {end}.").format(
                names=", ".join(sh.names), start=sh.pickup, end=sh.back or "?"))
        out.append(Notice(v.name, tuple(visits), others, " ".join(parts), tuple(vpoints),
                          tuple(vshuttles)))
    return out


def invitations(plan: Plan, scenario: Scenario, ctx: DocContext,
                items: list[Notice] | None = None) -> list[Invitation]:
    """A slip per household invited to a collection point or shuttled, in
    notice order (village, then time). ``items`` are ``notices(...)`` when
    already made."""
    _ = ctx._
    households = {h.id: h for h in scenario.households}
    villages = {v.id: v.name for v in scenario.villages}
    visited = home_visited(plan)
    out: list[Invitation] = []
    for n in items if items is not None else notices(plan, scenario, ctx):
        for p in n.points:
            for hid in p.households:
                h = households[hid]
                names = _names(h, None, ctx, point_residents(h, visited))
                if not names:
                    continue
                text = _("We invite {names} to come to {place} on {date}, from {start} to "
                         "{end}, to enrol for the ID card.").format(
                    names=", ".join(names), place=p.place, date=ctx.date, start=p.opens,
                    end=p.closes)
                out.append(Invitation("point", hid, villages[h.village_id], names, text))
        for sh in n.shuttles:
            h = households[sh.household]
            text = _("On {date}, the commune police will pick up {names} at home at about "
                     "{start}, take them to {station} to enrol for the ID card, and bring them "
                     "back home by about {end}.").format(
                date=ctx.date, names=", ".join(sh.names), start=sh.pickup, station=ctx.station,
                end=sh.back or "?")
            out.append(Invitation("shuttle", sh.household, villages[h.village_id], sh.names,
                                  text))
    return out


def render_notices(plan: Plan, scenario: Scenario, *, lang: str = "vi",
                   redact: bool = False, ctx: DocContext | None = None) -> bytes | None:
    """All villages' notices, then the invitation slips, as one PDF, or None
    when no village has a visit, a collection point or a pickup."""
    ctx = ctx or doc_context(plan, scenario, lang, redact)
    _ = ctx._
    items = notices(plan, scenario, ctx)
    if not items:
        return None
    footer = f"{ctx.commune} · {ctx.date_iso}"
    if ctx.fiction_label:
        footer += " · " + ctx.fiction_label
    return render_pdf("notices.html", lang, css=stylesheet(_, footer),
                      title=_("Notice") + f" {ctx.date_iso}", notices=items,
                      slips=invitations(plan, scenario, ctx, items),
                      commune=ctx.commune, station=ctx.station, date=ctx.date,
                      fictional=ctx.fictional, fiction=ctx.fiction, redact=ctx.redact)
