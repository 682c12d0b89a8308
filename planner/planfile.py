"""The plan file (``plan.json``): write it, read it back.

The format is documented in ``docs/plan-format.md``: units first, then keys.
Times are local clock times ``"HH:MM"``; durations are seconds (``_s``);
distances metres (``_m``); coordinates ``lon``/``lat`` in WGS84 degrees.
``plan.json`` holds no names, ID numbers or health conditions: only codes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from planner.atomic import write_atomic
from planner.clock import format_clock, parse_hhmm
from planner.domain import Leg, Plan, PresenceNote, Route, Scenario, Stop, Unserved
from planner.errors import InputError, Problem, msg
from planner.rules import home_residents, invited_to_point, visit_hours
from planner.scenario.reading import input_file_problems

__all__ = ["plan_from_dict", "plan_id", "plan_json", "plan_to_dict", "read_plan",
           "write_atomic"]

FORMAT = "mountain-id-planner/plan"
#: Version 4 added, to each unserved entry, ``numbers`` (the figures its reason
#: rests on), ``text`` (the reason in ``lang``) and ``lang``. A visit's
#: ``residents`` (those it enrols) are read back as the stop's ``passengers``:
#: the key is in every version, so that needs no new version.
VERSION = 4
#: The keys of an unserved entry that the plan's id leaves out: they follow from
#: the scenario (``residents``) or restate the reason (``numbers``, ``text`` in
#: ``lang``), so a plan has the same id in format versions 2 to 4 and in every
#: language.
_NOT_IN_ID = ("residents", "numbers", "text", "lang")
#: Version 2 files carried an unserved entry's residents as a ``" [R1, R2]"``
#: suffix of its reason and a presence approach's words (``vi``, ``en``).
_SUFFIX = re.compile(r" \[([^\]]*)\]$")
#: A version-2 ``visit_band`` approach in English, e.g. ``visit in the evening
#: (weekday, chance of finding them home 80 %)``.
_TRY_EN = re.compile(r"visit in the (.+) \((weekday|weekend), chance of finding them home "
                     r"(\d+) %\)")
#: The English band names of version 2 (``planner.presence.BANDS`` ids).
_V2_BANDS = {"early morning": "early", "morning": "morning", "midday": "noon",
             "afternoon": "afternoon", "evening": "evening"}


def _stop_dict(stop: Stop, scenario: Scenario | None) -> dict[str, Any]:
    residents: list[str] = list(stop.passengers)
    village = stop.village or None
    if stop.household and scenario is not None:
        h = next(h for h in scenario.households if h.id == stop.household)
        village = h.village_id
        if stop.kind == "visit" and not stop.passengers:  # a stop built by hand
            residents = [r.id for r in home_residents(h, scenario.parameters,
                                                      visit_hours(scenario))]
    if stop.kind == "point" and scenario is not None:
        by_id = {h.id: h for h in scenario.households}
        hours = visit_hours(scenario)
        residents = []
        for hid in stop.households:
            h = by_id[hid]
            at_home = home_residents(h, scenario.parameters, hours)
            invited = invited_to_point(h, scenario.parameters, hours)
            residents += [r.id for r in h.residents
                          if r in invited or (r.mode == "auto" and r not in at_home)]
    out: dict[str, Any] = {
        "kind": stop.kind,
        "household": stop.household,
        "village": village,
        "arrive": format_clock(stop.arrive_s),
        "depart": format_clock(stop.depart_s),
        "lon": round(stop.lon, 6),
        "lat": round(stop.lat, 6),
        "travel_s": stop.travel_s,
        "travel_m": stop.travel_m,
        "wait_s": stop.wait_s,
        "service_s": stop.service_s,
        "walk_m": stop.walk_m,
        "park": None if stop.park_lon is None else
        {"lon": round(stop.park_lon, 6), "lat": round(stop.park_lat or 0.0, 6)},
        "approximate": stop.approximate,
        "residents": residents,
    }
    if stop.kind in ("pickup", "dropoff"):
        out["place"] = stop.place
        out["onboard"] = stop.onboard
    elif stop.kind == "point":
        out["place"] = stop.place
        out["opens"] = format_clock(stop.opens_s)
        out["closes"] = format_clock(stop.depart_s)
        out["attendance"] = stop.attendance
        out["households"] = list(stop.households)
    if stop.presence is not None:
        n = stop.presence
        out["presence"] = {
            "band": n.band, "chance": n.chance, "weekday": n.weekday,
            "instead_band": n.instead_band, "instead_chance": n.instead_chance,
            "away_instead": n.away_instead, "failed_visits": n.failed_visits,
            "approaches": [_approach_dict(k, n) for k in n.approaches],
            "call_ahead": n.call_ahead}
    if stop.leg:
        out["leg"] = [{"kind": leg.kind, "onboard": leg.onboard,
                       "coords": [[lon, lat] for lon, lat in leg.coords]} for leg in stop.leg]
    return out


def _approach_dict(kind: str, note: PresenceNote) -> dict[str, Any]:
    if kind != "visit_band":
        return {"kind": kind}
    return {"kind": kind, "band": note.try_band, "day": note.try_day, "chance": note.try_chance}


def plan_to_dict(plan: Plan, scenario: Scenario | None = None, scenario_file: str = "",
                 scope: list[str] | None = None, *, lang: str = "en",
                 reason_text: Callable[[Unserved], str] | None = None) -> dict[str, Any]:
    """The plan as the JSON-ready dictionary of ``docs/plan-format.md``.

    ``id`` is a checksum of the plan's content (the same plan gives the same
    id). ``scenario_file`` (a path relative to the plan file's folder) and
    ``scope`` (the resident ids the day's scenario holds, when it holds only
    some of the file's) let ``plan.py render`` find the scenario again; they
    are written only when given. Each unserved entry's ``text`` is
    ``reason_text(entry)``, the reason in language ``lang`` (the caller's
    translation: ``planner.render.views.reason_texts``); without one it is
    the English ``reason`` and ``lang`` is ``"en"``.
    """
    body = _plan_body(plan, scenario)
    out: dict[str, Any] = {"format": body.pop("format"), "version": body.pop("version"),
                           "id": _digest(body)}
    if reason_text is None:
        lang = "en"
    for entry, u in zip(body["unserved"], plan.unserved, strict=True):
        entry["text"] = u.reason if reason_text is None else reason_text(u)
        entry["lang"] = lang
    for entry, u in zip(body.get("not_honoured", ()), plan.not_honoured, strict=True):
        entry["text"] = u.reason if reason_text is None else reason_text(u)
        entry["lang"] = lang
    if scenario_file:
        out["scenario_file"] = scenario_file
    if scope is not None:
        out["scope"] = sorted(scope)
    out.update(body)
    return out


def _digest(body: dict[str, Any]) -> str:
    """The id of ``body``: the unserved entries' keys ``_NOT_IN_ID`` are left out."""
    body = dict(body, unserved=[{k: v for k, v in u.items() if k not in _NOT_IN_ID}
                                for u in body["unserved"]])
    if "not_honoured" in body:
        body["not_honoured"] = [{k: v for k, v in u.items() if k not in _NOT_IN_ID}
                                for u in body["not_honoured"]]
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def plan_id(plan: Plan, scenario: Scenario | None = None) -> str:
    """The plan's id: the first 16 hex digits of the SHA-256 of its content."""
    body = _plan_body(plan, scenario)
    body.pop("format")
    body.pop("version")
    return _digest(body)


def _plan_body(plan: Plan, scenario: Scenario | None) -> dict[str, Any]:
    visits = [s for r in plan.routes for s in r.stops if s.kind == "visit"]
    points = [s for r in plan.routes for s in r.stops if s.kind == "point"]
    shuttled = [s for r in plan.routes for s in r.stops
                if s.kind == "pickup" and s.place == "home"]
    approximate = {h.id for h in scenario.households if h.approximate} if scenario else set()
    residents = 0
    if scenario is not None:
        by_id = {h.id: h for h in scenario.households}
        residents = sum(len(s.passengers) or len(home_residents(
            by_id[s.household], scenario.parameters, visit_hours(scenario)))
                        for s in visits if s.household in by_id)
    body = {
        "format": FORMAT,
        "version": VERSION,
        "date": plan.date.isoformat(),
        "scenario": plan.scenario,
        "fictional": plan.fictional,
        "roads": plan.roads,
        "season": plan.season,
        "engine": plan.engine,
        "seed": plan.seed,
        "time_limit_s": plan.time_limit_s,
        "objective": plan.objective,
        "summary": {
            "teams": len(plan.routes),
            "visits": len(visits),
            "residents_visited": residents,
            "shuttles": len(shuttled),
            "residents_shuttled": sum(len(s.passengers) for s in shuttled),
            "collection_points": len({(s.village, s.place) for s in points}),
            "point_attendance": round(sum(s.attendance for s in points), 1),
            "unserved": len(plan.unserved),
            "distance_m": sum(r.distance_m for r in plan.routes),
            "walk_m": 2 * sum(s.walk_m for s in visits),
        },
        "routes": [
            {
                "team": r.team,
                "unit": r.unit or "team",
                "distance_m": r.distance_m,
                "duration_s": r.duration_s,
                "depart": format_clock(r.stops[0].depart_s),
                "return": format_clock(r.stops[-1].arrive_s),
                "stops": [_stop_dict(s, scenario) for s in r.stops],
            }
            for r in plan.routes
        ],
        "unserved": [{"household": u.household, "mode": u.mode, "code": u.code,
                      "reason": u.reason, "residents": list(u.residents),
                      "approximate": u.household in approximate,
                      "numbers": dict(u.numbers)}
                     for u in plan.unserved],
        "notes": list(plan.notes),
    }
    if plan.not_honoured:  # only when a decision could not be honoured
        body["not_honoured"] = [{"household": u.household, "kind": u.mode, "code": u.code,
                                 "reason": u.reason, "residents": list(u.residents),
                                 "numbers": dict(u.numbers)} for u in plan.not_honoured]
    return body


def plan_json(plan: Plan, scenario: Scenario | None = None, scenario_file: str = "",
              scope: list[str] | None = None, *, lang: str = "en",
              reason_text: Callable[[Unserved], str] | None = None) -> str:
    """The plan file's text: stable key order, two-space indent, UTF-8, NFC
    (leg coordinates one point a line would be long: each leg's coordinates
    are written on one line). ``lang``, ``reason_text``: see ``plan_to_dict``."""
    data = plan_to_dict(plan, scenario, scenario_file, scope, lang=lang,
                        reason_text=reason_text)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _compact_coords(text) + "\n"


def _compact_coords(text: str) -> str:
    """Each ``"coords": [[lon, lat], …]`` list on one line."""

    def one_line(m: re.Match) -> str:
        inner = json.loads(m.group(2))
        return m.group(1) + json.dumps(inner, separators=(",", ":"))

    return re.sub(r'("coords": )(\[[\s\S]*?\]\s*\])(?=\n)', one_line, text)


def _stop_from(d: dict[str, Any]) -> Stop:
    kind = d["kind"]
    park = d.get("park")
    transfer = kind in ("pickup", "dropoff")
    return Stop(
        kind=kind, arrive_s=parse_hhmm(d["arrive"]), depart_s=parse_hhmm(d["depart"]),
        lon=float(d["lon"]), lat=float(d["lat"]), household=d.get("household"),
        service_s=int(d.get("service_s", 0)), travel_s=int(d.get("travel_s", 0)),
        travel_m=int(d.get("travel_m", 0)), walk_m=int(d.get("walk_m", 0)),
        park_lon=None if park is None else float(park["lon"]),
        park_lat=None if park is None else float(park["lat"]),
        wait_s=int(d.get("wait_s", 0)), approximate=bool(d.get("approximate", False)),
        place=d.get("place", "") if (transfer or kind == "point") else "",
        passengers=tuple(d.get("residents", ())) if transfer or kind == "visit" else (),
        onboard=int(d.get("onboard", 0)),
        village=(d.get("village") or "") if kind == "point" or (
            kind == "break" and not d.get("household")) else "",
        opens_s=parse_hhmm(d["opens"]) if kind == "point" else 0,
        attendance=float(d.get("attendance", 0.0)), households=tuple(d.get("households", ())),
        leg=tuple(Leg(x["kind"], tuple((float(c[0]), float(c[1])) for c in x["coords"]),
                      int(x.get("onboard", 0))) for x in d.get("leg", ())),
        presence=_presence_from(d.get("presence")))


def _presence_from(d: dict[str, Any] | None) -> PresenceNote | None:
    if not d:
        return None
    approaches = d.get("approaches", ())
    tried = next((a for a in approaches if a["kind"] == "visit_band"), None)
    if tried is not None and "en" in tried:  # version 2: the numbers are in the words
        m = _TRY_EN.fullmatch(tried["en"])
        tried = {"band": m and _V2_BANDS.get(m.group(1)), "day": m and m.group(2),
                 "chance": m and int(m.group(3)) / 100}
    return PresenceNote(
        band=str(d["band"]), chance=float(d["chance"]), weekday=int(d.get("weekday", 0)),
        instead_band=d.get("instead_band"),
        instead_chance=None if d.get("instead_chance") is None else float(d["instead_chance"]),
        away_instead=int(d.get("away_instead", 0)), failed_visits=int(d.get("failed_visits", 0)),
        approaches=tuple(a["kind"] for a in approaches),
        try_band=tried and tried.get("band"), try_day=tried and tried.get("day"),
        try_chance=None if not tried or tried.get("chance") is None else float(tried["chance"]),
        call_ahead=bool(d.get("call_ahead", False)))


def _unserved_from(d: dict[str, Any]) -> Unserved:
    """An unserved entry; in a version-2 file its residents may end the reason;
    before version 4 it has no ``numbers`` (its ``text`` is not read: the
    documents translate again)."""
    reason, residents = d["reason"], tuple(d.get("residents", ()))
    if "residents" not in d and (m := _SUFFIX.search(reason)):
        reason, residents = reason[:m.start()], tuple(m.group(1).split(", "))
    numbers = tuple((str(k), int(v)) for k, v in (d.get("numbers") or {}).items())
    return Unserved(d["household"], reason, d["code"], d.get("mode", "home"), residents,
                    numbers)


def plan_from_dict(data: dict[str, Any]) -> Plan:
    """The ``Plan`` a ``plan.json`` holds (``KeyError``/``ValueError`` on a bad file).

    Clock times are minutes, so a plan read back renders exactly as the plan
    that was written (every renderer shows minutes).
    """
    if data.get("format") != FORMAT:
        raise ValueError(f"not a plan file (format is {data.get('format')!r}, "
                         f"expected {FORMAT!r})")
    return Plan(
        date=dt.date.fromisoformat(data["date"]), scenario=data["scenario"],
        fictional=bool(data["fictional"]), roads=str(data.get("roads", "unknown")),
        season=data["season"], engine=data["engine"],
        routes=tuple(Route(team=r["team"], stops=tuple(_stop_from(s) for s in r["stops"]),
                           distance_m=int(r["distance_m"]), duration_s=int(r["duration_s"]),
                           unit="" if r.get("unit", "team") == "team" else r["unit"])
                     for r in data["routes"]),
        unserved=tuple(_unserved_from(u) for u in data["unserved"]),
        not_honoured=tuple(Unserved(u["household"], u["reason"], u["code"], u["kind"],
                                    tuple(u.get("residents", ())),
                                    tuple((str(k), int(v)) for k, v in
                                          (u.get("numbers") or {}).items()))
                           for u in data.get("not_honoured", ())),
        objective=int(data.get("objective", 0)), seed=int(data.get("seed", 1)),
        time_limit_s=float(data.get("time_limit_s", 0.0)), notes=tuple(data.get("notes", ())))


def read_plan(path: str | Path) -> tuple[Plan, dict[str, Any]]:
    """Read ``plan.json``: ``(plan, raw dictionary)``. Raises ``InputError``
    naming the file when it is not a readable plan."""

    path = Path(path)
    if path.exists() and (problems := input_file_problems(path)):  # a FIFO, a device, huge
        raise InputError(problems)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return plan_from_dict(data), data
    except FileNotFoundError:
        raise InputError(Problem(str(path), "", msg("file not found"),
                                 msg("give the plan.json written by `plan.py day`"))) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f"line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise InputError(Problem(str(path), where, msg("not a JSON file"),
                                 msg("give the plan.json written by `plan.py day`"))) from None
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        what = f"its field {exc} is missing" if isinstance(exc, KeyError) \
            else "a value is not of the kind a plan holds"
        raise InputError(Problem(str(path), "", msg("not a plan file ({what})", what=what),
                                 msg("give the plan.json written by `plan.py day`"))) from None
