"""The plan's readable summary for the terminal (``plan.py day``, the
campaign's days): per team its stops, km, hours; then the unserved."""

from __future__ import annotations

from collections import Counter

from planner.clock import format_clock
from planner.domain import Plan, Scenario, Unserved
from planner.render.i18n import (
    N_,
    REASON_LABELS,
    fiction_banner,
    gettext_for,
    ngettext_for,
    numbers_for,
    reason_text,
    route_title,
    short_date,
)
from planner.rules import entry_windows

__all__ = ["summary_text"]


def not_honoured_lines(entries, lang: str = "vi", day: str = "") -> list[str]:
    """The loud lines naming each decision a plan does not honour
    (``Plan.not_honoured``: which decision, for whom, and why, in ``lang``);
    [] when every decision holds. ``day``: the date to name (a campaign's)."""
    if not entries:
        return []
    _ = gettext_for(lang)
    bar = "!" * 72
    lines = [bar]
    for u in entries:
        who = u.household or ""
        head = _("!! DECISION NOT HONOURED") + (f" {day}" if day else "")
        lines.append(f"{head}: {who + ': ' if who else ''}{reason_text(u, (), lang)}")
    return lines + [bar]


def summary_text(plan: Plan, scenario: Scenario, max_unserved: int = 12,
                 lang: str = "vi") -> str:
    """A readable summary in ``lang`` (vi or en): per team its stops, km, hours,
    departure and return; then the unserved, grouped by reason."""
    _ = gettext_for(lang)
    ngettext = ngettext_for(lang)
    num = numbers_for(lang)
    words = (N_("home"), N_("shuttle"), N_("point"))  # noqa: F841 (seasons: planner.speeds)
    lines = []
    if plan.fictional:
        lines.append(fiction_banner(plan.roads, _))
    lines.append(_("Plan for {date} · {scenario} · season {season} · engine {engine}").format(
        date=short_date(plan.date, lang), scenario=plan.scenario, season=_(plan.season),
        engine=plan.engine))
    lines += [_("Note: {note}").format(note=_(note)) for note in plan.notes
              if not note.startswith("Fictional")]
    lines += not_honoured_lines(plan.not_honoured, lang)
    teams = {t.id: t for t in scenario.teams}
    kinds = {"pickup": lambda n: ngettext("{n} pickup", "{n} pickups", n),
             "dropoff": lambda n: ngettext("{n} drop-off", "{n} drop-offs", n),
             "point": lambda n: ngettext("{n} collection point", "{n} collection points", n)}
    for r in plan.routes:
        visits = [s for s in r.stops if s.kind == "visit"]
        walk_km = 2 * sum(s.walk_m for s in visits) / 1000
        lines.append("")
        others = Counter(s.kind for s in r.stops if s.kind in ("pickup", "dropoff", "point"))
        parts = [ngettext("{n} visit", "{n} visits", len(visits)).format(n=len(visits))]
        parts += [kinds[kind](n).format(n=n) for kind, n in sorted(others.items())]
        lines.append(_("{title}: {stops}, {km:.1f} km ({walk_km:.1f} km on foot), "
                       "{hours:.1f} h, depart {depart}, return {back}").format(
            title=route_title(r.team, r.unit, _, teams[r.team].name), stops=", ".join(parts),
            km=num(r.distance_m / 1000), walk_km=num(walk_km), hours=num(r.duration_s / 3600),
            depart=format_clock(r.stops[0].depart_s), back=format_clock(r.stops[-1].arrive_s)))
        n = 0
        for s in r.stops:
            when = f"{format_clock(s.arrive_s)}–{format_clock(s.depart_s)}"
            if s.kind == "visit":
                n += 1
                extra = _(", walk {m} m").format(m=s.walk_m) if s.walk_m else ""
                extra += _(", approx. location") if s.approximate else ""
                minutes = _("{n} min").format(n=s.service_s // 60)
                lines.append(f"  {n:>2}. {when} {s.household} ({minutes}{extra})")
            elif s.kind in ("pickup", "dropoff"):
                n += 1
                text = (_("pick up {n} of {household} at home") if s.place == "home" else
                        _("pick up {n} of {household} at the office")) if s.kind == "pickup" \
                    else (_("drop off {n} of {household} at home") if s.place == "home" else
                          _("drop off {n} of {household} at the office"))
                lines.append(f"  {n:>2}. {when} "
                             + text.format(n=len(s.passengers), household=s.household)
                             + " (" + _("{n} on board after").format(n=s.onboard) + ")")
            elif s.kind == "point":
                n += 1
                lines.append(f"  {n:>2}. {when} " + _(
                    "collection point at {place}, open {opens}–{closes}, {people:.1f} expected "
                    "from {households}").format(
                    place=s.place, opens=format_clock(s.opens_s),
                    closes=format_clock(s.depart_s), people=num(s.attendance),
                    households=ngettext("{n} household", "{n} households",
                                  len(s.households)).format(n=len(s.households))))
            elif s.kind == "break":
                lines.append(f"      {when} " + _("lunch break"))
    lines.append("")
    households = {h.id: h for h in scenario.households}
    # home visits first, then shuttles, then point invitations; in each, the
    # most urgent tier first (the same order as the planner's priorities)
    order = {h.id: k for k, h in enumerate(scenario.households)}
    tiers = scenario.parameters.priorities
    mode_rank = {"home": 0, "shuttle": 1, "point": 2}

    def urgency(u: Unserved) -> tuple[int, int, int]:
        h = households.get(u.household)
        tier = min((tiers.index(r.condition) for r in h.residents if r.condition in tiers),
                   default=len(tiers)) if h is not None else len(tiers)
        return mode_rank.get(u.mode, 3), tier, order.get(u.household, 0)

    visiting = sorted(plan.unserved, key=urgency)
    lines.append(_("Unserved: {n}").format(n=len(visiting)))
    counts = Counter(u.code for u in visiting)
    for u in visiting[:max_unserved]:
        h = households.get(u.household)
        windows = entry_windows(u, h)
        who = ""
        if u.code == "windows_disjoint" and lang != "en":
            # the English reason names them; the translated one is by code
            who = ", " + ", ".join(u.residents)
        lines.append(f"  {u.household} ({_(u.mode)}{who}): {reason_text(u, windows, lang)}")
    if len(visiting) > max_unserved:
        more = ", ".join(f"{c} {_(REASON_LABELS[code]) if code in REASON_LABELS else code}"
                         for code, c in counts.most_common())
        lines.append("  " + _("… {n} more (all: {counts}); see plan.json").format(
            n=len(visiting) - max_unserved, counts=more))
    return "\n".join(lines)
