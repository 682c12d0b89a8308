"""Campaign outputs: ``campaign.json``, one ``plan.json`` per day, and the
calendar summary printed in the terminal.

``campaign.json`` (format ``mountain-id-planner/campaign``, version 1). Units:
durations in seconds (``_s``), distances in metres (``_m``), dates
``YYYY-MM-DD``. Keys: ``start``, ``deadline``, ``forecast_completion``,
``finished_by_deadline``, ``working_days_used``, ``lower_bound`` (``days``,
``days_exact``, ``service_s``, ``travel_s``, ``mean_daily_capacity_s``),
``gap_pct``, ``households`` (one entry per home-visit household: ``date``,
``team``, ``status``), ``days`` (the daily workload per team), ``cannot_serve``
and ``not_planned`` (with reasons), ``awaiting_collection_point``,
``priority`` (mean working-day number by condition), and, after re-planning,
``state`` (enrolled, follow-up lists, carried over, joined). Codes only: no
names, ID numbers or conditions per household.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from planner.campaign.plan import CampaignResult
from planner.day.needs import HOME_MODES
from planner.domain import Scenario
from planner.planfile import plan_json, write_atomic

FORMAT = "mountain-id-planner/campaign"
VERSION = 1


def gap_pct(result: CampaignResult) -> float | None:
    """(days used − lower bound) / lower bound, in percent."""
    if not result.bound.days:
        return None
    return 100.0 * (result.working_days_used - result.bound.days) / result.bound.days


def _awaiting_point(scenario: Scenario) -> dict[str, Any]:
    households = [h for h in scenario.households
                  if any(r.mode not in HOME_MODES for r in h.residents)]
    residents = sum(1 for h in households for r in h.residents if r.mode not in HOME_MODES)
    return {"households": len(households), "residents": residents,
            "note": "residents of mode point/shuttle come to a collection point or the "
                    "commune office; those are not planned by the campaign yet"}


def day_workload(result: CampaignResult) -> list[dict[str, Any]]:
    """Per day and team: visits, residents, service, travel, distance, duration."""
    out = []
    for d in result.days:
        by_id = {h.id: h for h in d.scenario.households}
        teams = []
        for r in d.plan.routes:
            visits = [s for s in r.stops if s.kind == "visit"]
            teams.append({
                "team": r.team, "visits": len(visits),
                "residents": sum(len(by_id[s.household].residents) for s in visits
                                 if s.household in by_id),
                "service_s": sum(s.service_s for s in visits),
                "travel_s": sum(s.travel_s for s in r.stops),
                "distance_m": r.distance_m, "duration_s": r.duration_s})
        out.append({"date": d.date.isoformat(), "weekday": pycal.day_abbr[d.date.weekday()],
                    "season": d.season, "visits": len(d.visited),
                    "residents": sum(t["residents"] for t in teams), "teams": teams})
    return out


def priority_days(result: CampaignResult, scenario: Scenario) -> dict[str, float]:
    """Mean working-day number (1 = the first day) of the households planned, by
    the most urgent condition among their residents."""
    order = {d.date: k + 1 for k, d in enumerate(result.days)}
    rank = ("bedridden", "disabled", "postpartum", "elderly", "able")
    groups: dict[str, list[int]] = defaultdict(list)
    by_id = {p.household.id: p.household for p in result.pending}
    for hid, (day, _team) in result.assignment.items():
        h = by_id.get(hid)
        if h is None or not h.residents:
            continue
        worst = min((r.condition for r in h.residents), key=rank.index)
        groups[worst].append(order[day])
    return {c: round(sum(v) / len(v), 2) for c in rank if (v := groups.get(c))}


def campaign_dict(result: CampaignResult, scenario: Scenario,
                  extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``campaign.json`` content (see the module docstring)."""
    done = result.completion
    by_deadline = None if result.deadline is None else (
        not result.late and not result.not_planned and done is not None
        and done <= result.deadline)
    status: dict[str, dict[str, Any]] = {}
    for p in result.pending:
        status[p.household.id] = {"household": p.household.id,
                                  "village": p.household.village_id,
                                  "residents": [r.id for r in p.household.residents],
                                  "date": None, "team": None, "status": "not_planned",
                                  "attempts": p.attempts, "carried_over": p.carried}
    for hid, (day, team) in result.assignment.items():
        late = result.deadline is not None and day > result.deadline
        status[hid].update(date=day.isoformat(), team=team,
                           status="after_deadline" if late else "planned")
    for u in result.cannot_serve:
        if u.household in status:
            status[u.household].update(status="cannot_serve", reason=u.reason, code=u.code)
    for u in result.not_planned:
        if u.household in status:
            status[u.household].update(reason=u.reason, code=u.code)
    bound = result.bound
    gap = gap_pct(result)
    data: dict[str, Any] = {
        "format": FORMAT, "version": VERSION,
        "scenario": scenario.name, "fictional": scenario.fictional,
        "start": result.start.isoformat(),
        "deadline": result.deadline.isoformat() if result.deadline else None,
        "forecast_completion": done.isoformat() if done else None,
        "finished_by_deadline": by_deadline,
        "working_days_used": result.working_days_used,
        "lower_bound": {"days": bound.days, "days_exact": round(bound.days_exact, 3),
                        "service_s": bound.service_s, "travel_s": bound.travel_s,
                        "households": bound.households,
                        "mean_daily_capacity_s": round(bound.mean_daily_capacity_s)},
        "gap_pct": None if gap is None else round(gap, 1),
        "summary": {"households": len(result.pending), "planned": len(result.assignment),
                    "after_deadline": len(result.late),
                    "cannot_serve": len(result.cannot_serve),
                    "not_planned": len(result.not_planned)},
        "households": sorted(status.values(), key=lambda s: (s["date"] or "9999", s["household"])),
        "days": day_workload(result),
        "cannot_serve": [{"household": u.household, "code": u.code, "reason": u.reason}
                         for u in result.cannot_serve],
        "not_planned": [{"household": u.household, "code": u.code, "reason": u.reason}
                        for u in result.not_planned],
        "awaiting_collection_point": _awaiting_point(scenario),
        "priority_mean_day": priority_days(result, scenario),
    }
    if extra:
        data.update(extra)
    return data


def write_campaign(out_dir: Path, result: CampaignResult, scenario: Scenario,
                   extra: dict[str, Any] | None = None, only: dt.date | None = None,
                   ) -> list[Path]:
    """Write ``campaign.json`` and ``days/YYYY-MM-DD/plan.json`` (only the day
    ``only`` when given), each atomically."""
    written = []
    for d in result.days:
        if only is not None and d.date != only:
            continue
        written.append(write_atomic(out_dir / "days" / d.date.isoformat() / "plan.json",
                                    plan_json(d.plan, d.scenario)))
    text = json.dumps(campaign_dict(result, scenario, extra), ensure_ascii=False, indent=2)
    written.append(write_atomic(out_dir / "campaign.json", text + "\n"))
    return written


def calendar_text(result: CampaignResult, scenario: Scenario) -> str:
    """The terminal summary: one line per working day (visits per team,
    cumulative share done), the lower bound and the gap, and who is not served."""
    lines = []
    if scenario.fictional:
        lines.append("FICTIONAL DEMO DATA — every name, person and road is made up.")
    total = len(result.pending)
    deadline = result.deadline.isoformat() if result.deadline else "none"
    lines.append(f"Campaign · {scenario.name} · from {result.start} · deadline {deadline}")
    lines.append(f"{total} households need a home visit; "
                 f"{len(result.cannot_serve)} cannot be served (below).")
    teams = [t.id for t in scenario.teams]
    lines.append("")
    lines.append(f"{'date':<10} {'day':<3} " + " ".join(f"{t:>5}" for t in teams)
                 + f" {'visits':>6} {'done':>6}")
    served = 0
    for d in result.days:
        per = defaultdict(int)
        for team in d.visited.values():
            per[team] += 1
        on = {r.team for r in d.plan.routes}
        cells = " ".join(f"{(per[t] if t in on else '-'):>5}" for t in teams)
        served += len(d.visited)
        mark = " wet" if d.season == "wet" else ""
        late = " after deadline" if result.deadline and d.date > result.deadline else ""
        share = 100.0 * served / total if total else 100.0
        lines.append(f"{d.date.isoformat():<10} {pycal.day_abbr[d.date.weekday()]:<3} {cells} "
                     f"{len(d.visited):>6} {share:>5.0f}%{mark}{late}")
    lines.append("('-': team off that day)")
    lines.append("")
    done = result.completion
    bound = result.bound
    gap = gap_pct(result)
    lines.append(f"Forecast completion: {done.isoformat() if done else 'nothing to plan'}; "
                 f"{result.working_days_used} working days used")
    lines.append(f"Lower bound: {bound.days} working days "
                 f"({bound.days_exact:.2f} days of work: service {bound.service_s / 3600:.1f} h "
                 f"+ minimum travel {bound.travel_s / 3600:.1f} h, over "
                 f"{bound.mean_daily_capacity_s / 3600:.1f} team-hours a day); gap "
                 + (f"{gap:.0f} %" if gap is not None else "n/a"))
    if result.deadline is not None:
        if result.late or result.not_planned:
            lines.append(f"NOT everyone by the deadline: {len(result.late)} households after "
                         f"it, {len(result.not_planned)} not planned at all")
        else:
            lines.append(f"Everyone who can be served is served by the deadline {deadline}.")
    for title, items in (("Cannot be served", result.cannot_serve),
                         ("Not planned", result.not_planned)):
        if items:
            lines.append(f"{title} ({len(items)}):")
            lines += [f"  {u.household}: {u.reason}" for u in items[:20]]
            if len(items) > 20:
                lines.append(f"  … {len(items) - 20} more; see campaign.json")
    point = _awaiting_point(scenario)
    if point["residents"]:
        lines.append(f"Awaiting a collection point (not planned by the campaign yet): "
                     f"{point['residents']} residents in {point['households']} households")
    return "\n".join(lines)
