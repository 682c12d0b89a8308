"""Notices for village heads: one A4 page per village visited that day (PDF).

Each page says which households will be visited when (planned arrival–leave,
by which team), how many other residents still need to come to the commune
office, and gives a short text to read over the village loudspeaker. Notices
are read aloud and pinned up: they never show conditions, ID numbers or phone
numbers; with ``redact`` names become initials.

The day plan schedules home visits only; collection points are not scheduled
by the planner yet, so the notice points residents who can travel to the
commune office (without hours).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from planner.domain import Plan, Scenario
from planner.render.pdf import render_pdf, stylesheet
from planner.render.views import DocContext, doc_context


@dataclass(frozen=True)
class VisitLine:
    arrive: str
    depart: str
    household: str
    names: tuple[str, ...]
    team: str


@dataclass(frozen=True)
class Notice:
    village: str
    visits: tuple[VisitLine, ...]
    others: int
    speaker: str


def notices(plan: Plan, scenario: Scenario, ctx: DocContext) -> list[Notice]:
    """One notice per village with a visit, in the scenario's village order."""
    _ = ctx._
    households = {h.id: h for h in scenario.households}
    by_village: dict[str, list[VisitLine]] = defaultdict(list)
    for team in ctx.teams:
        for s in team.stops:
            if s.kind == "visit":
                h = households[s.household]
                by_village[h.village_id].append(VisitLine(
                    s.arrive, s.depart, s.household, tuple(p.name for p in s.residents),
                    f"{team.team} {team.name}"))
    visited_residents = {r.id for t in ctx.teams for s in t.stops for r in s.residents}
    out = []
    for v in scenario.villages:
        visits = sorted(by_village.get(v.id, []), key=lambda x: x.arrive)
        if not visits:
            continue
        others = sum(1 for h in scenario.households if h.village_id == v.id
                     for r in h.residents if r.mode == "point" and r.id not in visited_residents)
        names = [n for line in visits for n in line.names]
        speaker = _(
            "Announcement from the commune police ({station}): on {date}, an ID-card team "
            "will come to enrol residents at home in {village}, between about {start} and "
            "{end}. We ask the families of {names} to make sure they are at home. Other "
            "residents who still need an ID card and can travel, please come to the commune "
            "office. Thank you.").format(
            station=ctx.station, date=ctx.date, village=v.name, start=visits[0].arrive,
            end=max(x.depart for x in visits), names=", ".join(names))
        out.append(Notice(v.name, tuple(visits), others, speaker))
    return out


def render_notices(plan: Plan, scenario: Scenario, G=None, *, lang: str = "vi",
                   redact: bool = False, ctx: DocContext | None = None) -> bytes | None:
    """All villages' notices as one PDF (a page each), or None when no village
    has a visit. ``G`` is not needed (kept for the renderers' common signature)."""
    ctx = ctx or doc_context(plan, scenario, lang, redact)
    _ = ctx._
    items = notices(plan, scenario, ctx)
    if not items:
        return None
    footer = f"{ctx.commune} · {ctx.date_iso}"
    if ctx.fictional:
        footer += " · " + _("FICTIONAL DEMO DATA")
    return render_pdf("notices.html", lang, css=stylesheet(_, footer),
                      title=_("Notice") + f" {ctx.date_iso}", notices=items,
                      commune=ctx.commune, station=ctx.station, date=ctx.date,
                      fictional=ctx.fictional, redact=ctx.redact)
