"""What a page shows, shaped from the application layer's results: the map's
data for a planned day (routes, numbered stops, lines), the unserved grouped
by reason, a day's hand-out files. Presentation only: no planning here."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.app.people import Names
from planner.app.text import N_
from planner.app.workspace import DayView

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22", "#7f7f7f")
"""One colour per route, in the order of the plan's routes."""
SERVED_KINDS = ("visit", "pickup", "point")
"""The stops that get a number on the map and in the list."""


REASON_TITLES: dict[str, str] = {
    "not_home_visit": N_("Comes to the office or a collection point"),
    "walk_limit": N_("Too far on foot from a motorbike road"),
    "no_route": N_("No road or path reaches it"),
    "closed_wet": N_("Cut off in the wet season"),
    "window_before_shift": N_("Home only before the shift"),
    "window_after_shift": N_("Home only after the shift"),
    "window_too_short": N_("At home too briefly for the visit"),
    "window_outside_shift": N_("At home only outside the shift"),
    "windows_disjoint": N_("Residents never at home together"),
    "shift_too_short": N_("The round trip is longer than a shift"),
    "no_kit": N_("No team carries a kit"),
    "no_duty": N_("No team has this duty today"),
    "no_capacity": N_("No capacity left for this priority"),
    "shuttle_walk": N_("Too far on foot for a passenger"),
    "ride_too_long": N_("The ride to the office is too long"),
    "no_seat": N_("More passengers than seats"),
    "no_office_time": N_("The trip to the office fits no shift"),
    "point_not_opened": N_("The collection point is not opened this day"),
    "point_full": N_("The collection point is full"),
}
"""A short title per reason code of the plan's unserved (docs/plan-format.md)."""


def route_label(route: dict[str, Any], _) -> str:
    """A route's name for people: the team, and "(shuttle)" for its shuttle."""
    unit = route.get("unit", "team")
    return route["team"] if unit == "team" else f"{route['team']} ({_('shuttle')})"


def map_data(view: DayView, _, names: Names | None = None) -> dict[str, Any]:
    """The Tomorrow page's data: per route its colour, label, numbered stops
    (lat, lon, kind, household and its head's ``name``, village and its
    ``village_name``, tiers, times, residents) and its line as ``[lat, lon]``
    points; the station. Routes with no stop served are left out."""
    names = names or Names()
    routes = []
    station = None
    for k, route in enumerate(view.plan.get("routes", [])):
        stops, line = [], []
        n = 0
        for stop in route.get("stops", []):
            for leg in stop.get("leg") or []:
                line += [[lat, lon] for lon, lat in leg.get("coords", [])]
            if stop["kind"] == "start" and station is None:
                station = [stop["lat"], stop["lon"]]
            if stop["kind"] not in SERVED_KINDS:
                continue
            n += 1
            residents = list(stop.get("residents", []))
            household, village = stop.get("household") or "", stop.get("village") or ""
            stops.append({
                "n": n, "lat": stop["lat"], "lon": stop["lon"], "kind": stop["kind"],
                "household": household, "village": village,
                "name": names.households.get(household, ("", ""))[0],
                "village_name": names.village(village),
                "tiers": sorted({view.tiers.get(r, "") for r in residents} - {""}),
                "arrive": stop.get("arrive", ""), "depart": stop.get("depart", ""),
                "residents": len(residents), "walk_m": stop.get("walk_m", 0),
                "place": stop.get("place", "")})
        if not stops:
            continue
        routes.append({"key": f"{route['team']}-{route.get('unit', 'team')}",
                       "team": route["team"], "label": route_label(route, _),
                       "colour": COLOURS[k % len(COLOURS)], "stops": stops, "line": line,
                       "depart": route.get("depart", ""), "return": route.get("return", ""),
                       "distance_km": round(route.get("distance_m", 0) / 1000, 1)})
    return {"date": view.date.isoformat(), "routes": routes, "station": station}


def resident_choices(names: Names) -> list[dict[str, str]]:
    """Every resident of the campaign for a pick list: ``id``, ``name``, the
    ``household`` (``head``: its code, and its head's name when that is
    another person) and ``village`` name, by village, household, then as
    listed."""
    order = {rid: k for k, rid in enumerate(names.residents)}
    out = []
    for p in names.residents.values():
        head, village = names.households.get(p.household, ("", ""))
        out.append({"id": p.id, "name": p.name, "household": p.household, "village": village,
                    "head": p.household if head in ("", p.name) else f"{p.household} {head}"})
    return sorted(out, key=lambda r: (r["village"], r["household"], order[r["id"]]))


def unserved_groups(plan: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The plan's unserved households grouped by reason code, largest group
    first; each keeps its own reason text (the plan's words)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for u in plan.get("unserved", []):
        groups[u.get("code", "")].append(u)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def filter_choices(data: dict[str, Any]) -> dict[str, list[str]]:
    """The values the filters offer: villages, tiers, teams present in the map data."""
    stops = [s for r in data["routes"] for s in r["stops"]]
    return {"village": sorted({s["village"] for s in stops if s["village"]}),
            "tier": sorted({t for s in stops for t in s["tiers"]}),
            "team": sorted({r["team"] for r in data["routes"]})}


WEEKDAYS = {"vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
            "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
"""Weekdays, Monday first: in full in Vietnamese ("Thứ Ba", not "T3", which
reads as team T3, as the terminal's calendar), abbreviated in English."""


def weekday(day: str, lang: str) -> str:
    """The weekday of ``day`` (YYYY-MM-DD) in ``lang`` (``WEEKDAYS``)."""
    try:
        return WEEKDAYS.get(lang, WEEKDAYS["en"])[dt.date.fromisoformat(day).weekday()]
    except ValueError:
        return ""


@dataclass
class GridRow:
    """One village's row of the progress grid: per tier ``(enrolled,
    residents)`` and the village's totals."""

    village: str
    cells: dict[str, tuple[int, int]]
    enrolled: int
    residents: int


def tally_grid(tallies: list) -> tuple[list[str], list[GridRow]]:
    """The campaign's tallies (village, tier, residents, enrolled) as a grid:
    the tiers present (most urgent first, as the scenario's default order) and
    one row per village."""
    order = ("bedridden", "disabled", "postpartum", "elderly", "able")
    tiers = sorted({t.tier for t in tallies},
                   key=lambda x: (order.index(x) if x in order else len(order), x))
    rows: dict[str, GridRow] = {}
    for t in tallies:
        row = rows.setdefault(t.village, GridRow(t.village, {}, 0, 0))
        row.cells[t.tier] = (t.enrolled, t.residents)
        row.enrolled += t.enrolled
        row.residents += t.residents
    return tiers, [rows[k] for k in sorted(rows)]


@dataclass
class TeamFiles:
    """One team's hand-out files of a day (paths relative to the campaign folder)."""

    team: str
    itinerary: str | None
    phone_map: str | None
    gpx: str | None


def handout(folder: Path, day: dt.date) -> tuple[list[TeamFiles], list[str]]:
    """The files of ``day`` per team (itinerary PDF, phone map, GPX) and the
    day's other documents (notices, the whole map), relative to ``folder``."""
    base = folder / "days" / day.isoformat()
    if not base.is_dir():
        return [], []
    names = {p.name for p in base.iterdir() if p.is_file()}
    rel = f"days/{day.isoformat()}/"
    teams = sorted({n.split("-", 1)[1].rsplit(".", 1)[0] for n in names
                    if n.startswith(("itinerary-", "map-", "route-"))})
    out = []
    for team in teams:
        def one(name: str) -> str | None:
            return rel + name if name in names else None
        out.append(TeamFiles(team, one(f"itinerary-{team}.pdf"), one(f"map-{team}.html"),
                             one(f"route-{team}.gpx")))
    others = [rel + n for n in ("notices.pdf", "map.html", "plan.json") if n in names]
    return out, others


def handout_zip(folder: Path, day: dt.date, team: str | None = None) -> bytes | None:
    """One zip of every team's files and the notices of ``day``; with
    ``team``: that team's pack (its itinerary, phone map and GPX at the top,
    and the notices); None when ``day`` has no files of ``team``."""
    teams, others = handout(folder, day)
    if team is not None:
        teams = [t for t in teams if t.team == team]
        if not teams:
            return None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for t in teams:
            for rel in (t.itinerary, t.phone_map, t.gpx):
                if rel:
                    z.write(folder / rel, Path(rel).name if team else f"{t.team}/{Path(rel).name}")
        for rel in others:
            if team is None or Path(rel).name == "notices.pdf":
                z.write(folder / rel, Path(rel).name)
    return buffer.getvalue()
