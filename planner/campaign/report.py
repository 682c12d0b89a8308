"""Campaign outputs: ``campaign.json``, one folder per day, and the calendar
summary printed in the terminal.

``campaign.json`` (format ``mountain-id-planner/campaign``, version 2). Units:
durations in seconds (``_s``), distances in metres (``_m``), dates
``YYYY-MM-DD``, clock times ``HH:MM``. Keys: ``start``, ``deadline``,
``notice_days``, ``forecast_completion``, ``finished_by_deadline``,
``working_days_used``, ``lower_bound`` (``days``, ``work_days``,
``point_days``, ``days_exact``, ``service_s``, ``travel_s``, ``sessions``,
``mean_daily_capacity_s``), ``gap_pct``, ``summary`` (residents by mode and
by status), ``households`` (one entry per household: ``residents``, each with
``mode``, ``date``, ``team``, ``how`` home / shuttle / point and
``status``), ``point_days`` (every collection point: date, village, place,
team, opens, closes, invited households, ``announce_by``), ``shuttle_days``
(every household shuttled: date, household, village, team, residents, the
``pickup`` at home and ``back`` as its notice says, ``announce_by``), ``days`` (the
daily workload per team), ``cannot_serve`` and ``not_planned`` (with
reasons and ``residents``, the resident codes each entry stands for),
``priority`` (mean working-day number by condition), and, after re-planning,
``state`` (enrolled, follow-up lists, carried over, joined).
Codes only: no names, ID numbers or conditions per resident.

Each day's folder ``days/YYYY-MM-DD/`` (``planner.app.outputs``) holds its
``plan.json`` and, when the day has a home visit, a shuttle or a collection
point, the villages' ``notices.pdf`` for that date (the notice and the
loudspeaker text; a collection point's notice is handed out ``notice_days``
working days ahead).
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.campaign.calendar import Calendar
from planner.campaign.corrections import announce_by, cause_line, changes_warning, shuttle_days
from planner.campaign.dayloop import DayPlan
from planner.campaign.loop import CampaignResult, resident_ids
from planner.campaign.needs import CONDITION_RANK, residents_by_mode
from planner.clock import format_clock
from planner.domain import Scenario
from planner.planfile import plan_json, write_atomic
from planner.presence import Approach
from planner.privacy import csv_text
from planner.render.i18n import (
    N_,
    fiction_banner,
    gettext_for,
    message_text,
    nfc,
    ngettext_for,
    numbers_for,
    reason_text,
    short_date,
)
from planner.render.notices import render_notices
from planner.render.pdf import pdf_unavailable
from planner.render.presence_text import approach_text
from planner.render.summary import not_honoured_lines, summary_text
from planner.render.views import reason_texts
from planner.rules import entry_windows

FORMAT = "mountain-id-planner/campaign"
VERSION = 2
HOW = ("home", "shuttle", "point")


def gap_pct(result: CampaignResult) -> float | None:
    """(days used − lower bound) / lower bound, in percent."""
    if not result.bound.days:
        return None
    return 100.0 * (result.working_days_used - result.bound.days) / result.bound.days


def point_days(result: CampaignResult, calendar: Calendar) -> list[dict[str, Any]]:
    """Every collection point of the campaign, in date order."""
    out = []
    for d in result.days:
        for s in d.point_sessions:
            out.append({"date": d.date.isoformat(), "village": s["village"],
                        "place": s["place"], "team": s["team"],
                        "opens": format_clock(s["opens_s"]),
                        "closes": format_clock(s["closes_s"]),
                        "households": s["households"],
                        "residents": _point_residents(d, s["households"]),
                        "announce_by": announce_by(calendar, result.start, d.date,
                                                   result.notice_days).isoformat()})
    return out


def _point_residents(d: DayPlan, households: list[str]) -> int:
    wanted = set(households)
    return sum(1 for h in d.scenario.households if h.id in wanted for r in h.residents
               if d.served.get(r.id, ("", ""))[1] == "point")


def day_workload(result: CampaignResult) -> list[dict[str, Any]]:
    """Per day and team: home visits, residents served by how, service,
    travel, distance, duration; points opened."""
    out = []
    for d in result.days:
        teams = []
        for r in d.plan.routes:
            served = [how for route, how in d.served.values() if route == r.name]
            teams.append({
                "route": r.name, "team": r.team,
                "visits": sum(1 for s in r.stops if s.kind == "visit"),
                "points": sum(1 for s in r.stops if s.kind == "point"),
                "residents": {how: served.count(how) for how in HOW},
                "service_s": sum(s.service_s for s in r.stops if s.kind in ("visit", "point")),
                "travel_s": sum(s.travel_s for s in r.stops),
                "distance_m": r.distance_m, "duration_s": r.duration_s})
        hows = [how for _, how in d.served.values()]
        out.append({"date": d.date.isoformat(), "weekday": pycal.day_abbr[d.date.weekday()],
                    "season": d.season, "offered_households": len(d.scenario.households),
                    "residents": {how: hows.count(how) for how in HOW},
                    "points": len(d.point_sessions), "teams": teams})
    return out


def priority_days(result: CampaignResult, scenario: Scenario) -> dict[str, float]:
    """Mean working-day number (1 = the first day) on which residents are
    served, by condition."""
    order = {d.date: k + 1 for k, d in enumerate(result.days)}
    condition = {r.id: r.condition for p in result.pending for r in p.household.residents}
    groups: dict[str, list[int]] = defaultdict(list)
    for rid, (day, _team, _how) in result.assignment.items():
        groups[condition[rid]].append(order[day])
    return {c: round(sum(v) / len(v), 2) for c in CONDITION_RANK if (v := groups.get(c))}


def presence_forecast(result: CampaignResult) -> dict[str, Any] | None:
    """What the presence model expects of the planned home visits (their
    ``PresenceNote``): ``home_visits`` planned, ``expected_found`` (the sum of
    their chances: households expected at home on the planned visit),
    ``found_pct``, and ``visits_per_enrolment``: the mean over the visits of
    1 / chance, the visits each would need if every later visit had the same
    chance (a geometric number of visits). None without presence notes."""
    chances = [s.presence.chance for d in result.days for r in d.plan.routes
               for s in r.stops if s.kind == "visit" and s.presence is not None]
    if not chances:
        return None
    found = sum(chances)
    return {"home_visits": len(chances), "expected_found": round(found, 1),
            "found_pct": round(100 * found / len(chances), 1),
            "visits_per_enrolment": round(sum(1 / max(p, 0.02) for p in chances)
                                          / len(chances), 2)}


def campaign_dict(result: CampaignResult, scenario: Scenario,
                  extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``campaign.json`` content (see the module docstring)."""
    calendar = Calendar.of(scenario)
    done = result.completion
    by_deadline = None if result.deadline is None else (
        not result.late and not result.not_planned and done is not None
        and done <= result.deadline)
    reasons: dict[str, tuple[str, Any]] = {}
    for status, items in (("cannot_serve", result.cannot_serve),
                          ("not_planned", result.not_planned)):
        for u in items:
            for rid in resident_ids(u):
                reasons[rid] = (status, u)
    households = []
    counts: dict[str, int] = defaultdict(int)
    for p in result.pending:
        entries = []
        for r in p.household.residents:
            entry: dict[str, Any] = {"resident": r.id, "mode": r.mode}
            if r.id in result.assignment:
                day, team, how = result.assignment[r.id]
                late = result.deadline is not None and day > result.deadline
                entry.update(date=day.isoformat(), team=team, how=how,
                             status="after_deadline" if late else "planned")
            elif r.id in reasons:
                status, u = reasons[r.id]
                entry.update(date=None, team=None, how=None, status=status, code=u.code,
                             reason=u.reason)
            else:
                entry.update(date=None, team=None, how=None, status="not_planned")
            counts[entry["status"]] += 1
            entries.append(entry)
        dates = sorted(e["date"] for e in entries if e["date"])
        households.append({"household": p.household.id, "village": p.household.village_id,
                           "first_date": dates[0] if dates else None,
                           "attempts": p.attempts, "carried_over": p.carried,
                           "residents": entries})
    households.sort(key=lambda h: (h["first_date"] or "9999", h["household"]))
    bound = result.bound
    gap = gap_pct(result)
    data: dict[str, Any] = {
        "format": FORMAT, "version": VERSION,
        "scenario": scenario.name, "fictional": scenario.fictional,
        "start": result.start.isoformat(),
        "deadline": result.deadline.isoformat() if result.deadline else None,
        "notice_days": result.notice_days,
        "forecast_completion": done.isoformat() if done else None,
        "finished_by_deadline": by_deadline,
        "working_days_used": result.working_days_used,
        "lower_bound": {"days": bound.days, "work_days": bound.work_days,
                        "point_days": bound.point_days, "window_days": bound.window_days,
                        "days_exact": round(bound.days_exact, 3),
                        "service_s": bound.service_s, "travel_s": bound.travel_s,
                        "sessions": bound.sessions, "households": bound.households,
                        "mean_daily_capacity_s": round(bound.mean_daily_capacity_s)},
        "gap_pct": None if gap is None else round(gap, 1),
        "summary": {"households": len(result.pending),
                    "residents": residents_by_mode(p.household for p in result.pending),
                    "planned": counts["planned"], "after_deadline": counts["after_deadline"],
                    "cannot_serve": counts["cannot_serve"],
                    "not_planned": counts["not_planned"]},
        "households": households,
        "point_days": point_days(result, calendar),
        "shuttle_days": shuttle_days(result, calendar),
        "days": day_workload(result),
        "cannot_serve": [{"household": u.household, "mode": u.mode, "code": u.code,
                          "reason": u.reason, "residents": list(u.residents),
                          "numbers": dict(u.numbers)}
                         for u in result.cannot_serve],
        "not_planned": [{"household": u.household, "mode": u.mode, "code": u.code,
                         "reason": u.reason, "residents": list(u.residents),
                         "numbers": dict(u.numbers)}
                        for u in result.not_planned],
        "priority_mean_day": priority_days(result, scenario),
        "presence": presence_forecast(result),
    }
    if result.left_out:
        data["left_out"] = {"households": len(result.left_out),
                            "by_reason": left_out_counts(result),
                            "list": [{"household": h, "reason": r}
                                     for h, r in sorted(result.left_out.items())]}
    missed = not_honoured(result)
    if missed:
        data["decisions_not_honoured"] = [
            {"date": day.isoformat(), "decision": dict(u.numbers).get("decision", 0),
             "kind": u.mode, "household": u.household, "code": u.code, "reason": u.reason}
            for day, u in missed]
    if extra:
        data.update(extra)
    return data


def left_out_counts(result: CampaignResult) -> dict[str, int]:
    """Households left out by a person's decision, by reason code (most first)."""
    counts: dict[str, int] = defaultdict(int)
    for reason in result.left_out.values():
        counts[reason] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def not_honoured(result: CampaignResult) -> list[tuple[dt.date, Any]]:
    """Every decision the campaign's plans do not honour, by date: those of
    each planned day's plan, then those of days no plan was made for."""
    out = [(d.date, u) for d in result.days for u in d.plan.not_honoured]
    planned = {d.date for d in result.days}
    out += [(day, u) for day, u in result.not_honoured if day not in planned]
    return sorted(out, key=lambda e: (e[0], e[1].household, e[1].reason))


WEEKDAYS: dict[str, tuple[str, ...]] = {
    "vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
    "en": tuple(pycal.day_abbr),
}
"""Weekdays for the calendar, Monday first: in full in Vietnamese ("Thứ Ba",
not "T3", which reads as team T3), abbreviated in English ("Tue")."""


def _n(message: str, n: int, **values: Any) -> str:
    """A message chosen by ``ngettext`` with ``{n}`` (and ``values``) filled in."""
    return message.format(n=n, **values)


def _day_table(result: CampaignResult, scenario: Scenario, total: int, lang: str
               ) -> list[str]:
    """The calendar's table: one line per working day, residents served per
    team and by how, points opened, the cumulative share done."""
    _ = gettext_for(lang)
    weekdays = WEEKDAYS[lang]
    lines: list[str] = []
    teams = [t.id for t in scenario.teams]
    lines.append(_("Residents served per team and day (home + shuttle + point):"))
    lines.append("")
    # column titles: each column as wide as its translated title
    head = [_("home"), _("shut"), _("point"), _("pts"), _("done")]
    wide = [max(w, len(h)) for w, h in zip((5, 5, 5, 4, 5), head, strict=True)]
    date_title, day_title = _("date"), _("day")
    day_w = max(3, len(day_title), *(len(w) for w in weekdays))
    lines.append(f"{date_title:<10} {day_title:<{day_w}} " + " ".join(f"{t:>5}" for t in teams)
                 + " " + " ".join(f"{h:>{w}}" for h, w in zip(head, wide, strict=True)))
    served = 0
    after = _("after deadline")
    for d in result.days:
        per: dict[str, int] = defaultdict(int)
        hows: dict[str, int] = defaultdict(int)
        for route, how in d.served.values():
            per[route.split("-")[0]] += 1
            hows[how] += 1
        on = {r.team for r in d.plan.routes}
        cells = " ".join(f"{(per[t] if t in on else '-'):>5}" for t in teams)
        served += len(d.served)
        # a day planned in another season than the speed table's default: its name
        mark = f" {_(d.season)}" if d.season != result.base_season else ""
        late = f" {after}" if result.deadline and d.date > result.deadline else ""
        share = 100.0 * served / total if total else 100.0
        values = (hows["home"], hows["shuttle"], hows["point"], len(d.point_sessions),
                  f"{share:.0f}%")
        day = short_date(d.date, lang)
        lines.append(f"{day:<10} {weekdays[d.date.weekday()]:<{day_w}} {cells} "
                     + " ".join(f"{v:>{w}}" for v, w in zip(values, wide, strict=True))
                     + f"{mark}{late}")
    lines.append(_("('-': team off that day; pts: collection points opened)"))
    return lines


def _point_lines(result: CampaignResult, scenario: Scenario, _, ngettext, lang: str = "vi",
                 ) -> list[str]:
    """The calendar's collection points, by village, with the day each notice
    goes out (day and month as ``lang`` writes them)."""
    def day_month(iso: str) -> str:
        return short_date(dt.date.fromisoformat(iso), lang)[:5] if lang == "vi" else iso[5:]

    lines: list[str] = []
    points = point_days(result, Calendar.of(scenario))
    if points:
        lines.append("")
        lines.append(_n(ngettext("{n} collection point; each village's notice goes out "
                                "{days} working days ahead, see days/DATE/notices.pdf:",
                            "{n} collection points; each village's notice goes out "
                            "{days} working days ahead, see days/DATE/notices.pdf:", len(points)),
                        len(points), days=result.notice_days))
        by_village: dict[str, list[str]] = defaultdict(list)
        notice_by = _("notice by {date}")
        for p in points:
            by_village[p["village"]].append(
                f"{day_month(p['date'])} {p['opens']}–{p['closes']} "
                f"({p['team']}, {notice_by.format(date=day_month(p['announce_by']))})")
        for v, items in by_village.items():
            lines.append(f"  {nfc(v)}: " + "; ".join(items))
    return lines


def calendar_text(result: CampaignResult, scenario: Scenario, lang: str = "vi") -> str:
    """The terminal summary in ``lang`` (vi or en): one line per working day
    (residents served per team, points opened, cumulative share done), the
    collection points with the day their notice goes out, the lower bound and
    the gap, and who is not served."""

    _ = gettext_for(lang)
    ngettext = ngettext_for(lang)
    num = numbers_for(lang)
    lines = []
    if scenario.fictional:
        roads = next((d.plan.roads for d in result.days), "unknown")
        lines.append(fiction_banner(roads, _))
    modes = residents_by_mode(p.household for p in result.pending)
    total = sum(modes.values())
    deadline = short_date(result.deadline, lang) if result.deadline else _("none")
    lines.append(_("Campaign · {name} · from {start} · deadline {deadline}").format(
        name=nfc(scenario.name), start=short_date(result.start, lang), deadline=deadline))
    mode_names = {"home": N_("home"), "shuttle": N_("shuttle"), "point": N_("point"),
                  "auto": N_("auto")}
    cannot = sum(len(resident_ids(u)) for u in result.cannot_serve)
    households_n = len(result.pending)
    lines.append(_n(ngettext("{n} resident", "{n} residents", total), total) + " "
                 + _n(ngettext("in {n} household", "in {n} households", households_n),
                      households_n)
                 + ": " + ", ".join(f"{n} {_(mode_names.get(m, m))}"
                                    for m, n in modes.items() if n)
                 + "; " + _n(ngettext("{n} cannot be served (below).",
                                 "{n} cannot be served (below).", cannot), cannot))
    if result.left_out:
        left = len(result.left_out)
        reasons = {"moved_away": N_("moved away"), "refuses": N_("refuses"),
                   "enrolled_elsewhere": N_("enrolled elsewhere"), "other": N_("other")}
        lines.append(_n(ngettext("Left out by decision: {n} household",
                                 "Left out by decision: {n} households", left), left)
                     + " (" + ", ".join(f"{_(reasons.get(r, r))} {n}" for r, n
                                        in left_out_counts(result).items()) + ")")
    for day, u in not_honoured(result):
        lines += not_honoured_lines((u,), lang, short_date(day, lang))[1:-1]
    lines += _day_table(result, scenario, total, lang)
    lines += _point_lines(result, scenario, _, ngettext, lang)
    lines.append("")
    done = result.completion
    bound = result.bound
    gap = gap_pct(result)
    used = result.working_days_used
    lines.append(_("Forecast completion: {date}").format(
        date=short_date(done, lang) if done else _("nothing to plan")) + "; "
        + _n(ngettext("{n} working day used", "{n} working days used", used), used))
    lines.append(
        _n(ngettext("Lower bound: {n} working day", "Lower bound: {n} working days",
                    bound.days), bound.days)
        + " " + _("(work: {work} days = {exact:.2f} days of work: service {service:.1f} h "
                  "+ minimum travel {travel:.1f} h over {capacity:.1f} team-hours a day; "
                  "points: {points} days = the notice + the busiest village's sessions, "
                  "one a day); gap {gap}").format(
            work=bound.work_days, exact=num(bound.days_exact), service=num(bound.service_s / 3600),
            travel=num(bound.travel_s / 3600), capacity=num(bound.mean_daily_capacity_s / 3600),
            points=bound.point_days, gap=f"{gap:.0f} %" if gap is not None else _("n/a")))
    if bound.window_days > max(bound.work_days, bound.point_days):
        lines.append(_("The bound is set by the households at home only at some hours: "
                       "{n} days of the teams' hours at those times").format(n=bound.window_days))
    forecast = presence_forecast(result)
    if forecast is not None:
        lines.append(_("Presence model: {found:.0f} of {visits} planned home visits expected to "
                       "find someone at home ({pct:.0f} %); about {per:.2f} visits per "
                       "enrolment at those chances: plan for the visits again").format(
            found=forecast["expected_found"], visits=forecast["home_visits"],
            pct=forecast["found_pct"], per=num(forecast["visits_per_enrolment"])))
    households = {h.id: h for h in scenario.households}
    if result.deadline is not None:
        if result.late or result.not_planned:
            late = len(result.late)
            unplanned = sum(len(resident_ids(u)) for u in result.not_planned)
            lines.append(
                _("NOT everyone by the deadline:") + " "
                + _n(ngettext("{n} resident after it", "{n} residents after it", late), late)
                + ", " + _n(ngettext("{n} not planned at all", "{n} not planned at all",
                                     unplanned), unplanned))
        else:
            lines.append(_("Everyone who can be served is served by the deadline {date}.")
                         .format(date=deadline))
    for items, title in (
            (result.cannot_serve, ngettext("Cannot be served ({n} household):",
                                           "Cannot be served ({n} households):",
                                           len(result.cannot_serve))),
            (result.not_planned, ngettext("Not planned ({n} household):",
                                          "Not planned ({n} households):",
                                          len(result.not_planned)))):
        if items:
            lines.append(_n(title, len(items)))
            lines += [f"  {u.household} ({_(mode_names.get(u.mode, u.mode))}): "
                      f"{_reason(u, households.get(u.household), lang)}" for u in items[:20]]
            if len(items) > 20:
                more = len(items) - 20
                lines.append("  " + _n(ngettext("… {n} more; see campaign.json",
                                                "… {n} more; see campaign.json", more), more))
    return "\n".join(lines)


def _reason(u, household, lang: str) -> str:
    """Why ``u`` (an ``Unserved`` tagged with its residents) is not served, in
    ``lang`` (the hours at home of ``household`` filled in), with the
    residents' ids kept."""

    text = reason_text(u, entry_windows(u, household), lang)
    return f"{text} [{', '.join(u.residents)}]" if u.residents else text


def announced_changes_text(changes: list[dict[str, Any]], scenario: Scenario, day: dt.date,
                           lang: str = "vi") -> list[str]:
    """The loud lines that open ``tomorrow``'s summary when announced collection
    points or shuttles change (``planner.campaign.corrections.point_changes``,
    ``shuttle_changes``): each one, old and new hours, and the correction
    notice to hand out; [] when none."""
    if not changes:
        return []
    _ = gettext_for(lang)
    villages = {v.id: v.name for v in scenario.villages}
    bar = "!" * 72
    lines = [bar]
    for c in (c for c in changes if c.get("kind", "point") == "point"):
        values = {"village": villages.get(c["village"], c["village"]), "date": c["date"],
                  "opens": c["opens"], "closes": c["closes"], "n": len(c["residents"])}
        new = c["new"]
        if new is None:
            lines.append(_("!! ANNOUNCED collection point CANCELLED: {village}, {date}, "
                           "{opens}–{closes}; tell its {n} residents").format(**values))
        else:
            lines.append(_("!! ANNOUNCED collection point CHANGED: {village}, {date}: "
                           "{opens}–{closes} becomes {new_opens}–{new_closes} at {place}; "
                           "tell its {n} residents").format(
                new_opens=new["opens"], new_closes=new["closes"], place=new["place"],
                **values))
        lines += cause_line(c, lang)
    lines += changes_warning(changes, scenario, lang)
    lines.append(_("!! Hand out the correction notice: corrections-{date}.txt in the campaign "
                   "folder").format(date=day))
    lines += [bar, ""]
    return lines


def tomorrow_text(run, lang: str = "vi") -> str:
    """The terminal summary of ``plan.py tomorrow`` in ``lang`` (``run``: a
    ``planner.app.campaign.CampaignRun``): first the announced collection
    points not kept (``announced_changes_text``), then the day's routes, the
    state on that day (enrolled, coming back, carried over, joined,
    follow-up), then the campaign calendar."""

    _ = gettext_for(lang)
    ngettext = ngettext_for(lang)
    st, day, first = run.state, run.day, run.first_day
    lines = announced_changes_text(run.not_kept + run.shuttles_not_kept, run.scenario, day,
                                   lang)
    if first is None:
        lines.append(_("Nothing left to plan from {date}.").format(date=short_date(day, lang)))
    else:
        if first.date != day:
            lines.append(_("{date} is not a working day (or nobody is due); the next planned "
                           "day is {next}.").format(date=short_date(day, lang),
                                                    next=short_date(first.date, lang)))
        lines.append(summary_text(first.plan, first.scenario, lang=lang))
    lines.append("")
    pending = sum(len(p.household.residents) for p in st.pending)
    enrolled, households_n = len(st.enrolled), len(st.pending)
    lines.append(_("State on {date}:").format(date=short_date(day, lang)) + " "
                 + _n(ngettext("{n} resident enrolled", "{n} residents enrolled", enrolled),
                      enrolled) + "; "
                 + _n(ngettext("{n} resident", "{n} residents", pending), pending) + " "
                 + _n(ngettext("in {n} household pending", "in {n} households pending",
                               households_n), households_n))
    coming = [p for p in st.pending if p.earliest is not None]
    if coming:
        lines.append(_("Coming back (not at home / did not come / retry needed):"))
        lines += ["  " + _("{household}: from {date}, attempt {attempt}").format(
            household=p.household.id, date=short_date(p.earliest, lang), attempt=p.attempts + 1)
            for p in coming]
    if st.carried:
        lines.append(_("Carried over (planned, no outcome recorded): {households}").format(
            households=", ".join(st.carried)))
    if run.joined:
        lines.append(_("Joined (added to the scenario): {households}").format(
            households=", ".join(run.joined)))
    for kind, title in (("different_approach", N_("For a different approach:")),
                        ("closed", N_("Closed:"))):
        items = [f for f in st.follow_up if f.kind == kind]
        if items:
            lines.append(_(title))
            shown: set[str] = set()
            for f in items:
                lines.append(f"  {f.household_id} {f.resident_id}: {message_text(f.reason, _)}")
                proposed = run.proposals.get(f.household_id) if kind == "different_approach" \
                    else None
                if proposed and f.household_id not in shown:
                    shown.add(f.household_id)
                    lines.append("    " + _("proposed: {what}").format(
                        what="; ".join(approach_text(Approach(**a), lang) for a in proposed)))
    lines.append("")
    lines.append(calendar_text(run.result, run.scenario, lang))
    return "\n".join(lines)


# --- a province: one row per commune ----------------------------------------------


@dataclass(frozen=True)
class CampaignRow:
    """One commune of a province campaign: working days used (the calendar's
    working days from the start to the last resident served) against the lower
    bound, officer-days (officers of every team on duty each working day up to
    the completion), residents planned,
    unserved (cannot be served, or not planned within the days), and planned
    after the deadline; ``road_area``: the road area it is planned on."""

    road_area: str
    commune: str
    households: int
    residents: int
    start: dt.date
    deadline: dt.date | None
    completion: dt.date | None
    days_used: int
    bound_days: int
    officer_days: int
    planned: int
    unserved: int
    late: int


def campaign_row(road_area: str, commune: str, scenario: Scenario,
                 result: CampaignResult) -> CampaignRow:
    """The province summary of one commune's planned campaign."""
    calendar = Calendar.of(scenario)
    done = result.completion
    days = list(calendar.working_days(result.start, done)) if done else []
    members = {t.id: len(t.members) for t in scenario.teams}
    return CampaignRow(
        road_area=road_area, commune=commune, households=len(scenario.households),
        residents=sum(len(h.residents) for h in scenario.households), start=result.start,
        deadline=result.deadline, completion=done, days_used=len(days),
        bound_days=result.bound.days,
        officer_days=sum(members.get(t.id, 0) for d in days for t in calendar.teams_on(d)),
        planned=len(result.assignment),
        unserved=sum(len(resident_ids(u)) for u in result.cannot_serve + result.not_planned),
        late=len(result.late))


PROVINCE_CAMPAIGN_COLUMNS = ("road_area", "commune", "households", "residents", "start",
                             "deadline", "completion", "working_days_used", "lower_bound_days",
                             "officer_days", "planned", "unserved", "after_deadline")


def province_campaign_csv(rows: list[CampaignRow]) -> str:
    """``province.csv`` of a province campaign: one row per commune (see
    ``CampaignRow``); cells no spreadsheet runs (``planner.privacy.csv_text``)."""
    return csv_text(PROVINCE_CAMPAIGN_COLUMNS, ([
                    r.road_area, r.commune, r.households, r.residents, r.start.isoformat(),
                    r.deadline.isoformat() if r.deadline else "",
                    r.completion.isoformat() if r.completion else "", r.days_used,
                    r.bound_days, r.officer_days, r.planned, r.unserved, r.late]
                                                for r in rows))


def province_campaign_text(rows: list[CampaignRow], lang: str = "vi") -> str:
    """The province summary for the terminal in ``lang``: one line per commune, the totals."""

    _ = gettext_for(lang)
    ngettext = ngettext_for(lang)
    heads = (_("road area"), _("commune"), _("households"), _("residents"), _("deadline"),
             _("completion"), _("days used"), _("lower bound"), _("officer-days"),
             _("unserved"), _("after the deadline"))
    cells = [(r.road_area, r.commune, str(r.households), str(r.residents),
              r.deadline.isoformat() if r.deadline else "",
              r.completion.isoformat() if r.completion else "", str(r.days_used),
              str(r.bound_days), str(r.officer_days), str(r.unserved), str(r.late))
             for r in rows]
    widths = [max(len(h), *(len(c[k]) for c in cells)) if cells else len(h)
              for k, h in enumerate(heads)]

    def line(values) -> str:
        return "  ".join(v.ljust(w) if k < 2 else v.rjust(w)
                         for k, (v, w) in enumerate(zip(values, widths, strict=True)))

    lines = [line(heads)] + [line(c) for c in cells]
    lines.append(ngettext("Total: {n} commune, {households} households, {residents} residents; "
                          "{officer_days} officer-days, {unserved} unserved, {late} after the "
                          "deadline",
                          "Total: {n} communes, {households} households, {residents} "
                          "residents; {officer_days} officer-days, {unserved} unserved, {late} "
                          "after the deadline", len(rows)).format(
        n=len(rows), households=sum(r.households for r in rows),
        residents=sum(r.residents for r in rows),
        officer_days=sum(r.officer_days for r in rows),
        unserved=sum(r.unserved for r in rows), late=sum(r.late for r in rows)))
    return "\n".join(lines)


def write_day_plan(out_dir: Path, day: DayPlan, lang: str = "vi",
                   warn: Callable[[str], None] | None = None, redact: bool = False,
                   folder: Path | None = None) -> list[Path]:
    """Write one campaign day's folder ``out_dir/days/YYYY-MM-DD/`` without
    drawing it: ``plan.json`` and, when the day has work in a village, its
    ``notices.pdf`` (the notices and the loudspeaker text for that date, in
    ``lang``; initials only with ``redact``, as the drawn days').
    ``day`` is a ``planner.campaign`` day plan (its plan and day scenario);
    ``folder``: write there instead (a day's stage, ``planner.campaign.folders``)."""
    folder = out_dir / "days" / day.date.isoformat() if folder is None else folder
    written = [write_atomic(folder / "plan.json", plan_json(
        day.plan, day.scenario, lang=lang, reason_text=reason_texts(day.scenario, lang)))]
    no_pdf = pdf_unavailable()
    if no_pdf:
        if warn is not None:
            warn(no_pdf)
        return written
    notices = render_notices(day.plan, day.scenario, lang=lang, redact=redact)
    if notices is not None:
        written.append(write_atomic(folder / "notices.pdf", notices))
    return written


def write_campaign(out_dir: Path, result: CampaignResult, scenario: Scenario,
                   extra: dict[str, Any] | None = None, only: dt.date | None = None,
                   lang: str = "vi", warn: Callable[[str], None] | None = None,
                   redact: bool = False) -> list[Path]:
    """Write ``campaign.json`` and each day's folder (only the day ``only``
    when given), each file atomically; the days' notices in ``lang``, with
    initials only when ``redact``. ``result`` is a campaign's result."""
    written = []
    for d in result.days:
        if only is not None and d.date != only:
            continue
        written += write_day_plan(out_dir, d, lang, warn, redact)
    written.append(write_campaign_json(out_dir, result, scenario, extra))
    return written


def write_campaign_json(out_dir: Path, result: CampaignResult, scenario: Scenario,
                        extra: dict[str, Any] | None = None) -> Path:
    """Write ``out_dir/campaign.json`` atomically (``extra``: keys added, e.g.
    ``state`` after re-planning). Returns its path."""
    text = json.dumps(campaign_dict(result, scenario, extra), ensure_ascii=False, indent=2)
    return write_atomic(out_dir / "campaign.json", text + "\n")
