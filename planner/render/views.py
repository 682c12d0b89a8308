"""What the documents show: a plan and its scenario joined into display rows.

Every renderer (map, itinerary, notices, GPX) reads these views, so that the
words, the numbering and the privacy rules are the same everywhere:

- visits are numbered 1, 2, … in visit order per team;
- all texts are in the chosen language and in Unicode NFC;
- with ``redact`` a person is shown by initials only (``S.T.C.``), and no
  condition, ID number, phone number or free-text note appears;
- ID numbers never appear in any output (the team looks people up on site).

Texts here are plain (not escaped): each renderer escapes for its format.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain import Household, Plan, Resident, Route, Scenario, Stop, Team, Window
from planner.render.i18n import (
    BRING,
    CONDITION_LABELS,
    MODE_LABELS,
    Gettext,
    clock,
    date_text,
    gettext_for,
    initials,
    nfc,
    reason_text,
    windows_text,
)

HOME_MODES = ("home", "auto")

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
TEAM_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


@dataclass(frozen=True)
class PersonView:
    """A resident as shown: ``name`` (or initials), ``condition`` label ('' when
    redacted), the hours at home, the mode and the notes ('' when redacted)."""

    id: str
    name: str
    condition: str
    windows: str
    mode: str
    notes: str


@dataclass(frozen=True)
class StopView:
    """One stop of a team's day. ``number`` counts visits (None otherwise)."""

    kind: str
    number: int | None
    arrive: str
    depart: str
    lon: float
    lat: float
    household: str
    village: str
    residents: tuple[PersonView, ...]
    mode: str
    bring: str
    contact: str
    notes: str
    walk_m: int
    wait_s: int
    approximate: bool


@dataclass(frozen=True)
class TeamDay:
    """A team's day: header facts and its stops in order."""

    team: str
    name: str
    members: tuple[str, ...]
    colour: str
    depart: str
    back: str
    distance_km: float
    walk_km: float
    visits: int
    stops: tuple[StopView, ...]


@dataclass(frozen=True)
class UnservedView:
    """A household not visited, with the reason in words."""

    household: str
    village: str
    lon: float
    lat: float
    residents: tuple[PersonView, ...]
    reason: str
    code: str


@dataclass(frozen=True)
class DocContext:
    """Everything the renderers share: language, privacy and the joined data."""

    lang: str
    redact: bool
    _: Gettext
    commune: str
    station: str
    station_lon: float
    station_lat: float
    date: str
    date_iso: str
    fictional: bool
    season: str
    teams: tuple[TeamDay, ...]
    unserved: tuple[UnservedView, ...]


def person_name(name: str, redact: bool) -> str:
    """A person's name, or its initials for shareable outputs."""
    return initials(name) if redact else nfc(name)


def member_name(name: str, redact: bool) -> str:
    """A team member, keeping a role in parentheses (``"L.V.T. (tổ trưởng)"``)."""
    if not redact:
        return nfc(name)
    role = name[name.find("("):] if "(" in name and name.rstrip().endswith(")") else ""
    return nfc(f"{initials(name)} {role}".strip())


def person_view(r: Resident, redact: bool, _: Gettext) -> PersonView:
    return PersonView(
        id=r.id,
        name=person_name(r.full_name, redact),
        condition="" if redact else _(CONDITION_LABELS[r.condition]),
        windows=windows_text(r.windows, _),
        mode=_(MODE_LABELS[r.mode]),
        notes="" if redact else nfc(r.notes),
    )


def home_residents(h: Household) -> tuple[Resident, ...]:
    """The residents enrolled at home on a visit (the plan's visit residents)."""
    return tuple(r for r in h.residents if r.mode in HOME_MODES)


def household_windows(h: Household) -> tuple[Window, ...]:
    """Hours when every home-visit resident of ``h`` is in (empty: any time)."""
    out: tuple[Window, ...] = ()
    for r in home_residents(h):
        if not r.windows:
            continue
        if not out:
            out = r.windows
            continue
        out = tuple(Window(max(a.start_s, b.start_s), min(a.end_s, b.end_s))
                    for a in out for b in r.windows
                    if max(a.start_s, b.start_s) < min(a.end_s, b.end_s))
    return out


def bring_text(h: Household, stop: Stop, _: Gettext, redact: bool = False) -> str:
    """What to bring besides the kit: by condition (left out when redacted, as it
    would give the condition away), plus the walk and an approximate location."""
    items = [_("enrolment kit")]
    for cond in dict.fromkeys(r.condition for r in home_residents(h)):
        if BRING.get(cond) and not redact:
            items.append(_(BRING[cond]))
    if stop.walk_m:
        items.append(_("carry the kit {m} m on foot").replace("{m}", str(stop.walk_m)))
    if stop.approximate:
        items.append(_("location approximate: ask the village head"))
    return "; ".join(items)


def _stop_view(stop: Stop, number: int | None, scenario: Scenario,
               households: dict[str, Household], redact: bool, _: Gettext) -> StopView:
    h = households.get(stop.household or "")
    if stop.kind == "visit" and h is not None:
        residents = tuple(person_view(r, redact, _) for r in home_residents(h))
        modes = dict.fromkeys(p.mode for p in residents)
        return StopView(
            kind="visit", number=number, arrive=clock(stop.arrive_s),
            depart=clock(stop.depart_s), lon=stop.lon, lat=stop.lat, household=h.id,
            village=nfc(scenario.village(h.village_id).name), residents=residents,
            mode=", ".join(modes), bring=bring_text(h, stop, _, redact),
            contact="" if redact else nfc(h.contact), notes="" if redact else nfc(h.notes),
            walk_m=stop.walk_m, wait_s=stop.wait_s, approximate=stop.approximate)
    village = nfc(scenario.village(h.village_id).name) if h is not None else ""
    return StopView(
        kind=stop.kind, number=None, arrive=clock(stop.arrive_s), depart=clock(stop.depart_s),
        lon=stop.lon, lat=stop.lat, household=h.id if h else "", village=village,
        residents=(), mode="", bring="", contact="", notes="", walk_m=0, wait_s=stop.wait_s,
        approximate=False)


def team_day(route: Route, team: Team, colour: str, scenario: Scenario,
             households: dict[str, Household], redact: bool, _: Gettext) -> TeamDay:
    stops = []
    n = 0
    for s in route.stops:
        if s.kind == "visit":
            n += 1
        stops.append(_stop_view(s, n if s.kind == "visit" else None, scenario, households,
                                redact, _))
    visits = [s for s in route.stops if s.kind == "visit"]
    walk_m = 2 * sum(s.walk_m for s in visits)
    return TeamDay(
        team=team.id, name=nfc(team.name),
        members=tuple(member_name(m, redact) for m in team.members), colour=colour,
        depart=clock(route.stops[0].depart_s), back=clock(route.stops[-1].arrive_s),
        distance_km=round(route.distance_m / 1000, 1), walk_km=round(walk_m / 1000, 1),
        visits=len(visits), stops=tuple(stops))


def doc_context(plan: Plan, scenario: Scenario, lang: str = "vi", redact: bool = False,
                ) -> DocContext:
    """Join ``plan`` and ``scenario`` into the views every renderer uses."""
    _ = gettext_for(lang)
    households = {h.id: h for h in scenario.households}
    teams = {t.id: t for t in scenario.teams}
    days = tuple(team_day(r, teams[r.team], TEAM_COLOURS[k % len(TEAM_COLOURS)], scenario,
                          households, redact, _)
                 for k, r in enumerate(plan.routes))
    unserved = []
    for u in plan.unserved:
        h = households.get(u.household)
        if h is None:
            continue
        unserved.append(UnservedView(
            household=h.id, village=nfc(scenario.village(h.village_id).name), lon=h.lon,
            lat=h.lat, residents=tuple(person_view(r, redact, _) for r in home_residents(h)),
            reason=reason_text(u, household_windows(h), lang), code=u.code))
    return DocContext(
        lang=lang, redact=redact, _=_, commune=nfc(scenario.name),
        station=nfc(scenario.station.name), station_lon=scenario.station.lon,
        station_lat=scenario.station.lat, date=date_text(plan.date, lang),
        date_iso=plan.date.isoformat(), fictional=plan.fictional, season=plan.season,
        teams=days, unserved=tuple(unserved))
