"""The scenario's ``parameters:``, ``priorities:`` and ``campaign:`` sections.

Minutes and hours in the YAML become integer seconds (``service_min`` →
``service_s``), kilometres become metres; campaign dates are ``datetime.date``
(an item ``YYYY-MM-DD..YYYY-MM-DD`` is an inclusive range).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import replace
from typing import Any

from planner.dates import parse_day
from planner.domain import (
    CONDITIONS,
    DEFAULT_PRIORITIES,
    WEEKDAY_NAMES,
    CampaignSettings,
    Parameters,
)
from planner.errors import msg, reason_of
from planner.priorities import check_priorities
from planner.scenario.values import (
    _boolean,
    _check_unknown,
    _Collector,
    _count,
    _number,
    _suggest,
    fold,
    nfc,
)

PARAM_FIELDS = {"service_min", "household_setup_min", "walk_offroad_m", "walk_limit_km",
                "walk_detour_factor", "return_before_sunset", "utc_offset_h", "time_limit_s",
                "seed", "seats_per_motorbike", "board_min", "office_service_min",
                "max_ride_min", "max_ride_frail_min", "shuttle_walk_max_m", "point_setup_min",
                "point_per_person_min", "point_attendance", "point_max_slot_h",
                "point_min_slot_min"}
CAMPAIGN_FIELDS = {"start", "deadline", "weekdays", "holidays", "days_off", "max_attempts",
                   "retry_after_days", "wet_days", "notice_days"}


def _parse_parameters(raw: Any, season: str, col: _Collector) -> Parameters:
    """The optional ``parameters:`` section over the defaults of ``Parameters``,
    for ``season``; a value with a problem keeps its default."""
    if raw is None:
        return Parameters(season=season)  # type: ignore[arg-type]
    if not isinstance(raw, dict):
        col.error("parameters", msg("must be a mapping"), msg("see docs/scenario-format.md"))
        return Parameters(season=season)  # type: ignore[arg-type]
    _check_unknown(raw, PARAM_FIELDS, "parameters.", col)
    defaults = Parameters()
    kwargs: dict[str, Any] = {"season": season}
    service = dict(defaults.service_s)
    if "service_min" in raw:
        given = raw["service_min"]
        if not isinstance(given, dict):
            col.error("parameters.service_min", msg("must map conditions to minutes"),
                      msg("e.g. {bedridden: 75, disabled: 50, elderly: 35, postpartum: 35, "
                          "able: 20}"))
        else:
            for cond, minutes in given.items():
                if cond not in CONDITIONS:
                    col.error(f"parameters.service_min.{cond}", msg("unknown condition"),
                              _suggest(str(cond), CONDITIONS))
                    continue
                value = _number(minutes, f"parameters.service_min.{cond}", col, "minutes",
                                1, 600)
                if value is not None:
                    service[cond] = int(round(value * 60))
    kwargs["service_s"] = tuple((c, service[c]) for c in CONDITIONS)
    simple = {
        "household_setup_min": ("household_setup_s", 0, 120, 60),
        "walk_offroad_m": ("walk_offroad_m", 0, 5000, 1),
        "walk_limit_km": ("walk_limit_m", 0, 30, 1000),
        "walk_detour_factor": ("walk_detour_factor", 1, 5, 1),
        "utc_offset_h": ("utc_offset_h", -12, 14, 1),
        "time_limit_s": ("time_limit_s", 0.1, 3600, 1),
        "seed": ("seed", 0, 2**31 - 1, 1),
        "seats_per_motorbike": ("seats_per_motorbike", 0, 3, 1),
        "board_min": ("board_s", 0, 60, 60),
        "office_service_min": ("office_service_s", 1, 240, 60),
        "max_ride_min": ("max_ride_s", 5, 600, 60),
        "max_ride_frail_min": ("max_ride_frail_s", 5, 600, 60),
        "shuttle_walk_max_m": ("shuttle_walk_max_m", 0, 5000, 1),
        "point_setup_min": ("point_setup_s", 0, 240, 60),
        "point_per_person_min": ("point_per_person_s", 1, 120, 60),
        "point_attendance": ("point_attendance", 0.05, 1, 1),
        "point_max_slot_h": ("point_max_slot_s", 0.5, 12, 3600),
        "point_min_slot_min": ("point_min_slot_s", 0, 720, 60),
    }
    integers = {"household_setup_s", "seed", "seats_per_motorbike", "board_s",
                "office_service_s", "max_ride_s", "max_ride_frail_s", "point_setup_s",
                "point_per_person_s", "point_max_slot_s", "point_min_slot_s"}
    for key, (attr, lo, hi, scale) in simple.items():
        if key in raw:
            value = _number(raw[key], f"parameters.{key}", col, key, lo, hi)
            if value is not None:
                value *= scale
                kwargs[attr] = int(round(value)) if attr in integers else float(value)
    if "return_before_sunset" in raw:
        kwargs["return_before_sunset"] = _boolean(
            raw["return_before_sunset"], "parameters.return_before_sunset", col,
            Parameters().return_before_sunset)
    return Parameters(**kwargs)


def _parse_priorities(raw: Any, parameters: Parameters, col: _Collector) -> Parameters:
    """The optional ``priorities:`` list: every condition once, most urgent first."""
    if raw is None:
        return parameters
    order = [nfc(c) for c in raw] if isinstance(raw, list) else None
    problems = check_priorities(order) if order is not None else [msg("must be a list")]
    if problems:
        col.error("priorities", msg("{problems}", problems=problems),
                  msg("list every condition once, most urgent first, e.g. "
                      "[{listing}]", listing=', '.join(DEFAULT_PRIORITIES)))
        return parameters
    return replace(parameters, priorities=tuple(order))  # type: ignore[arg-type]


def _campaign_date(value: Any, where: str, col: _Collector) -> dt.date | None:
    """A date field; a day that does not exist (2026-02-30) is named as such."""
    try:
        return parse_day(value if isinstance(value, dt.date) else nfc(value))
    except ValueError as exc:
        col.error(where, reason_of(exc), msg("write a real day as YYYY-MM-DD, e.g. 2026-11-24"))
        return None


def _campaign_dates(raw: Any, where: str, col: _Collector) -> tuple[dt.date, ...]:
    """A list of dates; an item ``YYYY-MM-DD..YYYY-MM-DD`` is an inclusive range."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raw = [raw]
    days: list[dt.date] = []
    for k, item in enumerate(raw, start=1):
        text = nfc(item) if not isinstance(item, dt.date) else ""
        if ".." in text:
            lo_text, hi_text = text.split("..", 1)
            lo = _campaign_date(lo_text, f"{where}[{k}]", col)
            hi = _campaign_date(hi_text, f"{where}[{k}]", col)
            if lo and hi and hi < lo:
                col.error(f"{where}[{k}]", msg("the range '{text}' ends before it starts",
                                               text=text),
                          msg("write the earlier date first"))
            elif lo and hi:
                days += [lo + dt.timedelta(days=d) for d in range((hi - lo).days + 1)]
            continue
        day = _campaign_date(item, f"{where}[{k}]", col)
        if day:
            days.append(day)
    return tuple(sorted(set(days)))


def _parse_campaign(raw: Any, team_ids: set[str], col: _Collector) -> CampaignSettings | None:
    """The optional ``campaign:`` section (see docs/scenario-format.md, ``## campaign``)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        col.error("campaign", msg("must be a mapping"), "e.g. campaign: {deadline: 2026-12-31}")
        return None
    _check_unknown(raw, CAMPAIGN_FIELDS, "campaign.", col)
    kwargs: dict[str, Any] = {}
    for key in ("start", "deadline"):
        if raw.get(key) not in (None, ""):
            kwargs[key] = _campaign_date(raw[key], f"campaign.{key}", col)
    if kwargs.get("start") and kwargs.get("deadline") and kwargs["deadline"] < kwargs["start"]:
        col.error("campaign.deadline", msg("the deadline is before the start"),
                  msg("give a deadline on or after the start"))
    if "weekdays" in raw:
        days = raw["weekdays"] if isinstance(raw["weekdays"], list) else [raw["weekdays"]]
        if raw["weekdays"] is None or not days:
            col.error("campaign.weekdays", msg("the list of working weekdays is empty"),
                      msg("list the weekdays the teams work, e.g. [{listing}]"
                          ", or remove weekdays: for Monday to Friday",
                          listing=', '.join(WEEKDAY_NAMES[:5])))
        numbers = []
        for k, item in enumerate(days, start=1):
            name = fold(str(item))[:3]
            if name in WEEKDAY_NAMES:
                numbers.append(WEEKDAY_NAMES.index(name))
            else:
                col.error(f"campaign.weekdays[{k}]", msg("'{item}' is not a weekday", item=item),
                          msg("use {listing}", listing=', '.join(WEEKDAY_NAMES)))
        if not numbers and days:
            col.error("campaign.weekdays", msg("no working weekday"),
                      msg("list at least one weekday"))
        kwargs["weekdays"] = tuple(sorted(set(numbers))) or (0, 1, 2, 3, 4)
    kwargs["holidays"] = _campaign_dates(raw.get("holidays"), "campaign.holidays", col)
    kwargs["wet_days"] = _campaign_dates(raw.get("wet_days"), "campaign.wet_days", col)
    off = raw.get("days_off")
    pairs: list[tuple[str, dt.date]] = []
    if off is not None and not isinstance(off, dict):
        col.error("campaign.days_off", msg("must map team ids to lists of dates"),
                  msg("e.g. days_off: {T1: [2026-11-27], T2: [2026-12-01..2026-12-03]}"))
    elif off:
        for team, dates in off.items():
            team_id = nfc(team)
            if team_id not in team_ids:
                close = difflib.get_close_matches(team_id, sorted(team_ids), n=1)
                col.error(f"campaign.days_off.{team_id}", msg("unknown team"),
                          msg("did you mean '{close}'? teams: {listing}", close=close[0],
                              listing=', '.join(sorted(team_ids))) if close
                          else msg("teams: {listing}", listing=', '.join(sorted(team_ids)))
                          if team_ids else msg("teams: (none)"))
                continue
            pairs += [(team_id, d) for d in
                      _campaign_dates(dates, f"campaign.days_off.{team_id}", col)]
    kwargs["days_off"] = tuple(sorted(pairs))
    for key, lo, hi in (("max_attempts", 1, 20), ("retry_after_days", 1, 60),
                        ("notice_days", 0, 30)):
        if key in raw:
            value = _count(raw[key], f"campaign.{key}", col, key, lo, hi)
            if value is not None:
                kwargs[key] = value
    return CampaignSettings(**kwargs)
