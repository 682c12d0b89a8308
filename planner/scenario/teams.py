"""The scenario's ``teams:`` section: officers, motorbikes, kits, shift, lunch
and duties of each team. Clock times become integer seconds after midnight,
``lunch_min`` and ``max_work_h`` integer seconds."""

from __future__ import annotations

import difflib
from typing import Any

from planner.atomic import safe_stem, stem_key
from planner.domain import DUTIES, Team
from planner.errors import msg
from planner.scenario.values import (
    MAX_ID_LEN,
    MAX_NAME_LEN,
    _boolean,
    _check_unknown,
    _clip,
    _Collector,
    _count,
    _number,
    _text,
    _text_list,
    _window_field,
    nfc,
)

TEAM_FIELDS = {"id", "name", "members", "motorbikes", "kits", "shift", "lunch", "lunch_min",
               "max_work_h", "can_split", "duties"}


def _parse_teams(raw: Any, col: _Collector) -> list[Team]:
    """Every valid team of the ``teams:`` list; the others reported and left out."""
    teams: list[Team] = []
    if not isinstance(raw, list) or not raw:
        col.error("teams", msg("must be a non-empty list of teams"), msg("add at least one team"))
        return teams
    seen: set[str] = set()
    stems: dict[str, tuple[str, int]] = {}
    for k, item in enumerate(raw, start=1):
        where = f"teams[{k}]"
        if not isinstance(item, dict):
            col.error(where, msg("must be a mapping"),
                      msg("give id, name, members, motorbikes, ..."))
            continue
        _check_unknown(item, TEAM_FIELDS, f"{where}.", col)
        team_id = _text(item.get("id"), f"{where}.id", col, MAX_ID_LEN)
        if not team_id:
            col.error(f"{where}.id", msg("missing"), msg("give each team a short id, e.g. T1"))
            continue
        where = f"team {team_id}"
        if team_id in seen:
            col.error(f"{where}.id", msg("duplicate team id"), msg("give each team its own id"))
        seen.add(team_id)
        members = _text_list(item.get("members"), f"{where}.members", col, msg("the officers"),
                             "members: [Lò Văn A, Quàng Thị B]", MAX_NAME_LEN)
        name = _text(item.get("name"), f"{where}.name", col, MAX_NAME_LEN)
        bikes = _count(item.get("motorbikes", 1), f"{where}.motorbikes", col, "motorbikes",
                       1, 20, "the team's routes are ridden by motorbike, so it needs at "
                       "least one")
        kits = _count(item.get("kits", 1), f"{where}.kits", col, "kits", 0, 10)
        shift = _window_field(item.get("shift", ""), f"{where}.shift", col) \
            if item.get("shift") else None
        if shift is None and not item.get("shift"):
            col.error(f"{where}.shift", msg("missing"),
                      msg("give the shift as HH:MM-HH:MM, e.g. 07:00-17:00"))
        lunch = None
        if item.get("lunch"):
            lunch = _window_field(item["lunch"], f"{where}.lunch", col)
            if lunch and shift and not shift.contains(lunch.start_s, lunch.end_s):
                col.error(f"{where}.lunch", msg("the lunch window lies outside the shift"),
                          msg("move it inside the shift hours"))
        lunch_min = _number(item.get("lunch_min", 60 if lunch else 0), f"{where}.lunch_min",
                            col, "lunch_min", 0, 240)
        if lunch and lunch_min is not None and lunch_min * 60 > lunch.length_s:
            col.error(f"{where}.lunch_min", msg("the break is longer than its window"),
                      msg("shorten lunch_min or widen lunch"))
        default_h = shift.length_s / 3600 if shift else 10
        max_h = _number(item.get("max_work_h", default_h), f"{where}.max_work_h", col,
                        "max_work_h", 0.5, 24)
        can_split = _boolean(item.get("can_split"), f"{where}.can_split", col)
        _check_team_stems(team_id, k, can_split, stems, col)
        if can_split and members is not None \
                and (len(members) < 2 or (bikes is not None and bikes < 2)):
            col.error(f"{where}.can_split", msg("a team needs at least two officers and two "
                                                "motorbikes to split"),
                      msg("set can_split: false or add an officer/motorbike"))
        duties = _team_duties(item, where, members, bikes, kits, can_split, col)
        if None in (bikes, kits, lunch_min, max_h, duties) or shift is None:
            continue
        teams.append(Team(
            id=team_id, name=name or team_id,
            members=tuple(members or ()), motorbikes=int(bikes), kits=int(kits),
            shift=shift, lunch=lunch, lunch_s=int(round(lunch_min * 60)),
            max_work_s=int(round(max_h * 3600)), can_split=can_split, duties=duties))
    return teams


def _check_team_stems(team_id: str, k: int, can_split: bool,
                      stems: dict[str, tuple[str, int]], col: _Collector) -> None:
    """Report team ``team_id`` (``teams[k]``) when one of its file names
    (``map-ID.html``, ``itinerary-ID.pdf``, ``route-ID.gpx``; for a team that
    can split also those of ``ID-shuttle``) would be another team's too once
    made safe for a file name, ignoring case (``T/1``, ``T_1``, ``t_1``): one
    team's files would overwrite the other's. ``stems`` maps each
    ``stem_key`` met so far to its team id and position."""
    names = [team_id] + ([f"{team_id}-shuttle"] if can_split else [])
    for name in names:
        key = stem_key(name)
        other = stems.get(key)
        if other is not None and other[0] != team_id:
            col.error(f"team {team_id}.id",
                      msg("teams[{k}] '{team_id}' and teams[{other}] '{other2}' "
                          "get the same file names (itinerary-{safe_stem}.pdf, map, GPX): "
                          "their ids differ only in case or punctuation",
                          k=k,
                          team_id=_clip(team_id),
                          other=other[1], other2=_clip(other[0]), safe_stem=safe_stem(name)),
                      msg("give one of the two teams a clearly different id (letters and digits, "
                          "e.g. T1 and T2)"))
            return
    for name in names:
        stems.setdefault(stem_key(name), (team_id, k))


def _team_duties(item: dict, where: str, members: list | None, bikes: int | None,
                 kits: int | None, can_split: bool, col: _Collector) -> tuple[str, ...] | None:
    """A team's ``duties`` (default: all of ``DUTIES``), in ``DUTIES`` order;
    None (with the problems reported) when they are not valid."""
    if "duties" not in item:
        return DUTIES
    raw = item["duties"]
    field = f"{where}.duties"
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        col.error(field, msg("must list at least one duty"),
                  msg("e.g. duties: [point], or leave it out for all of {listing}",
                      listing=', '.join(DUTIES)))
        return None
    given = [nfc(d) for d in raw]
    unknown = [d for d in given if d not in DUTIES]
    for d in unknown:
        close = difflib.get_close_matches(d, DUTIES, n=1)
        col.error(field, msg("unknown duty '{d}'", d=d),
                  msg("did you mean '{close}'? duties are {listing}", close=close[0],
                      listing=', '.join(DUTIES)) if close
                  else msg("duties are {listing}", listing=', '.join(DUTIES)))
    if unknown:
        return None
    duties = tuple(d for d in DUTIES if d in given)
    ok = True
    if kits == 0:
        for d in ("home", "point"):
            if d in duties:
                col.error(field, msg("duty '{d}' needs an enrolment kit, but the team has "
                                     "kits: 0",
                                     d=d),
                          msg("give the team kits: 1, or remove '{d}' from its duties",
                              d=d))
                ok = False
    if "shuttle" in duties and bikes is not None and kits is not None and members is not None:
        carries_kit = kits > 0 and bool({"home", "point"} & set(duties))
        riders = min(len(members), bikes)
        splits = can_split and carries_kit and len(members) >= 2 and bikes >= 2
        if riders - (1 if carries_kit else 0) <= 0 and not splits:
            col.error(field, msg("duty 'shuttle', but the team has no passenger seat (its "
                                 "{riders} motorbike(s) ridden by its officers, one of them "
                                 "carrying the kit)", riders=riders) if carries_kit
                      else msg("duty 'shuttle', but the team has no passenger seat (its "
                               "{riders} motorbike(s) ridden by its officers)", riders=riders),
                      msg("add a motorbike and an officer, set can_split: true, or remove "
                          "'shuttle' from its duties"))
            ok = False
    return duties if ok else None
