"""What the documents show: a plan and its scenario joined into display rows.

Every renderer (map, itinerary, notices, GPX) reads these views, so that the
words, the numbering and the privacy rules are the same everywhere:

- each route (a whole team, or its shuttle officer) is one ``TeamDay``; its
  stops in the field (visits, pickups, drop-offs, collection points) are
  numbered 1, 2, … in order;
- consecutive ``point`` stops at the same place are one collection-point
  session (``point_sessions``), everywhere;
- all texts are in the chosen language and in Unicode NFC;
- with ``redact`` a person is shown by initials only (``S.T.C.``), and no
  condition, ID number, phone number or free-text note appears;
- ID numbers never appear in any output (the team looks people up on site).

Texts here are plain (not escaped): each renderer escapes for its format.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from planner import privacy
from planner.clock import format_clock
from planner.domain import Household, Plan, Resident, Route, Scenario, Stop, Team, Unserved
from planner.render.i18n import (
    BRING,
    CONDITION_LABELS,
    KIND_LABELS,
    MODE_LABELS,
    N_,
    Gettext,
    date_text,
    fiction_banner,
    fiction_label,
    gettext_for,
    nfc,
    reason_text,
    route_title,
    windows_text,
)
from planner.render.presence_text import note_lines
from planner.rules import entry_windows, left_for_another_day
from planner.rules import home_residents as at_home
from planner.speeds import LEARNT_NOTE

HOME_MODES = ("home", "auto")
NUMBERED_KINDS = ("visit", "pickup", "dropoff", "point")
"""Stop kinds numbered in a route's order (the rest are start, end and breaks)."""

OUTCOME_WORDS: tuple[tuple[str, str], ...] = (
    ("enrolled", N_("enrolled")), ("not_home", N_("not home")), ("refused", N_("refused")),
    ("retry_needed", N_("retry needed")), ("moved", N_("moved")), ("deceased", N_("deceased")))
"""A resident's outcomes (``plan.py record``'s codes) and their words: the
same set, in the same words, on the phone map's buttons and the itinerary's
boxes (visits and shuttle passengers alike)."""
CONFIRM_OUTCOMES = ("deceased", "moved")
"""Outcomes that close a resident for the campaign: the phone asks to confirm them."""

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
    """One stop of a route's day. ``number`` counts the stops in
    ``NUMBERED_KINDS`` (None for start, end and breaks); ``label`` names the
    kind in words ("Đón người dân"); ``mode`` is the visit residents' modes.

    Pickup/drop-off: ``residents`` are the passengers, ``place`` is "home" or
    "office" (``where`` says it in words), ``onboard`` the passengers riding
    when the unit leaves, ``back`` (a pickup at home) the planned drop-off
    back home of those passengers (latest). Collection point (one session):
    ``place`` its name, ``opens``–``depart`` the hours, ``attendance`` the
    expected number of people, ``households`` the invited household codes.
    ``presence`` (a home visit planned with presence chances): the lines of
    ``planner.presence.note_lines`` (the chance, why this hour, another
    approach, call ahead). ``park_text`` says in words where the motorbikes
    park for a house reached on foot (``park_words``); ``invited`` (a
    collection point) the invited households with the residents to tick
    (names, initials when redacted).
    """

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
    label: str = ""
    place: str = ""
    where: str = ""
    onboard: int = 0
    back: str = ""
    opens: str = ""
    attendance: float = 0.0
    households: tuple[str, ...] = ()
    village_id: str = ""
    park_lon: float | None = None
    park_lat: float | None = None
    presence: tuple[str, ...] = ()
    park_text: str = ""
    invited: tuple[tuple[str, tuple[PersonView, ...]], ...] = ()

    @property
    def park(self) -> str:
        """Where the motorbikes park for a house reached on foot, as
        ``"lat, lon"`` (the way map apps take it); '' on a road."""
        if self.park_lon is None or self.park_lat is None or not self.walk_m:
            return ""
        return f"{self.park_lat:.5f}, {self.park_lon:.5f}"

    @property
    def at_office(self) -> bool:
        """A pickup or drop-off at the commune office."""
        return self.kind in ("pickup", "dropoff") and self.place == "office"

    @property
    def people(self) -> int:
        """The expected attendance of a collection point, rounded to people."""
        return int(round(self.attendance))


@dataclass(frozen=True)
class TeamDay:
    """A route's day: header facts and its stops in order. ``route`` is the
    route's name (``T1``, ``T1-shuttle``: used in file names and data, never
    shown), ``unit`` is "" for a whole team and "shuttle" for its shuttle
    officer; ``title`` is how documents name it (``T1 Tổ 1 (cán bộ đưa
    đón)``), ``tag`` its short form for cards and lists (``T1 (cán bộ đưa
    đón)``), both from ``i18n.route_title``."""

    team: str
    route: str
    unit: str
    name: str
    members: tuple[str, ...]
    colour: str
    depart: str
    back: str
    distance_km: float
    walk_km: float
    visits: int
    stops: tuple[StopView, ...]
    title: str = ""
    tag: str = ""

    @property
    def shuttle(self) -> bool:
        return self.unit == "shuttle"

    def count(self, kind: str) -> int:
        """How many stops of ``kind`` (a collection-point session counts once)."""
        return sum(1 for s in self.stops if s.kind == kind)


@dataclass(frozen=True)
class UnservedView:
    """A household (or its residents reached one way, ``mode``: home, shuttle,
    point) not served, with the reason in words."""

    household: str
    village: str
    lon: float
    lat: float
    residents: tuple[PersonView, ...]
    reason: str
    code: str
    mode: str = "home"


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
    fiction: str       # the fictional-data banner ("" for real data)
    fiction_label: str  # its short form, for footers and titles ("" for real data)
    season: str
    teams: tuple[TeamDay, ...]
    unserved: tuple[UnservedView, ...]
    learnt: str = ""  # the line saying the times use learnt speeds ("" when not)

    def route(self, name: str) -> TeamDay:
        """The day of the route named ``name`` (``T1``, ``T1-shuttle``)."""
        for t in self.teams:
            if t.route == name:
                return t
        raise KeyError(name)


def person_name(name: str, redact: bool) -> str:
    """A person's name, or its initials for shareable outputs (``planner.privacy``)."""
    return privacy.person(name, redact)


def member_name(name: str, redact: bool) -> str:
    """A team member, keeping a role in parentheses (``"L.V.T. (tổ trưởng)"``)."""
    return privacy.member(name, redact)


def person_view(r: Resident, redact: bool, _: Gettext) -> PersonView:
    return PersonView(
        id=r.id,
        name=person_name(r.full_name, redact),
        condition=privacy.condition(_(CONDITION_LABELS[r.condition]), redact),
        windows=windows_text(r.windows, _),
        mode=_(MODE_LABELS[r.mode]),
        notes=privacy.note(r.notes, redact),
    )


def mode_text(mode: str, _: Gettext) -> str:
    """A resident mode (home, shuttle, point, auto) in words; unknown: home."""
    return _(MODE_LABELS.get(mode, MODE_LABELS["home"]))  # type: ignore[call-overload]


def home_residents(h: Household) -> tuple[Resident, ...]:
    """The residents enrolled at home on a visit (the plan's visit residents,
    ``planner.rules.home_residents``)."""

    return at_home(h)


def reason_texts(scenario: Scenario, lang: str) -> Callable[[Unserved], str]:
    """Why an unserved entry of a plan of ``scenario`` is not served, in ``lang``
    (``reason_text`` with its household's hours at home): the ``text`` of
    ``plan.json``'s unserved entries."""
    households = {h.id: h for h in scenario.households}

    def text(u: Unserved) -> str:
        h = households.get(u.household)
        return reason_text(u, entry_windows(u, h), lang)

    return text


def point_sessions(stops: Iterable[Stop]) -> tuple[Stop, ...]:
    """``stops`` with each run of consecutive ``point`` stops at the same
    ``place`` merged into one session: arrival and ``opens_s`` of the first,
    ``depart_s`` of the last, ``attendance`` summed, ``households``
    concatenated (each once). Every renderer reads stops through this."""
    out: list[Stop] = []
    for s in stops:
        last = out[-1] if out else None
        if (s.kind == "point" and last is not None and last.kind == "point"
                and last.place == s.place):
            out[-1] = replace(last, depart_s=max(last.depart_s, s.depart_s),
                              attendance=last.attendance + s.attendance,
                              households=tuple(dict.fromkeys(last.households + s.households)),
                              service_s=last.service_s + s.service_s)
        else:
            out.append(s)
    return tuple(out)


def home_visited(plan: Plan) -> set[str]:
    """Households with a home visit in ``plan``."""
    return {s.household for r in plan.routes for s in r.stops
            if s.kind == "visit" and s.household}


def point_residents(h: Household, visited: set[str]) -> tuple[Resident, ...]:
    """The residents of ``h`` invited to a collection point: mode "point", and
    mode "auto" unless the household is visited at home that day."""
    return tuple(r for r in h.residents
                 if r.mode == "point" or (r.mode == "auto" and h.id not in visited))


def mode_residents(h: Household, mode: str) -> tuple[Resident, ...]:
    """The residents of ``h`` reached in ``mode`` (home, shuttle, point), and
    those with mode "auto" (who may be reached any way)."""
    if mode in HOME_MODES:
        return home_residents(h)
    return tuple(r for r in h.residents if r.mode in (mode, "auto"))


@dataclass(frozen=True)
class ShuttleTrip:
    """A shuttled resident's day, as clock texts ('' when not planned):
    picked up at home, dropped at the office, picked up there, back home."""

    pickup: str = ""
    at_office: str = ""
    leave_office: str = ""
    back: str = ""
    pickup_route: str = ""


def shuttle_trips(plan: Plan) -> dict[str, ShuttleTrip]:
    """Resident id → their shuttle trip, over all routes of ``plan``."""
    raw: dict[str, dict[str, tuple[int, str]]] = {}
    keys = {("pickup", "home"): "pickup", ("dropoff", "office"): "at_office",
            ("pickup", "office"): "leave_office", ("dropoff", "home"): "back"}
    for route in plan.routes:
        for s in route.stops:
            key = keys.get((s.kind, s.place))
            if key is None:
                continue
            for rid in s.passengers:
                raw.setdefault(rid, {})[key] = (s.arrive_s, route.name)
    return {rid: ShuttleTrip(**{k: format_clock(t) for k, (t, _r) in d.items()},
                             pickup_route=d.get("pickup", (0, ""))[1])
            for rid, d in raw.items()}


def bring_text(h: Household, stop: Stop, _: Gettext, redact: bool = False) -> str:
    """What to bring besides the kit: by condition (left out when redacted, as it
    would give the condition away), plus the walk and an approximate location."""
    items = [_("enrolment kit")]
    enrolled = tuple(r for r in h.residents if r.id in stop.passengers) or home_residents(h)
    for cond in dict.fromkeys(r.condition for r in enrolled):
        if BRING.get(cond) and (hint := privacy.condition(_(BRING[cond]), redact)):
            items.append(hint)
    if stop.walk_m:
        items.append(_("carry the kit {m} m on foot").replace("{m}", str(stop.walk_m)))
    if stop.approximate:
        items.append(_("location approximate: ask the village head"))
    return "; ".join(items)


DIRECTIONS = (N_("north"), N_("north-east"), N_("east"), N_("south-east"), N_("south"),
              N_("south-west"), N_("west"), N_("north-west"))
"""The eight compass directions, clockwise from north."""


def _metres(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float, float]:
    """(east, north, distance) in m from ``a`` to ``b`` ((lon, lat), local projection)."""
    kx = 111_320.0 * math.cos(math.radians((a[1] + b[1]) / 2))
    dx, dy = (b[0] - a[0]) * kx, (b[1] - a[1]) * 110_574.0
    return dx, dy, math.hypot(dx, dy)


def direction_word(a: tuple[float, float], b: tuple[float, float], _: Gettext) -> str:
    """The compass direction from ``a`` to ``b`` ((lon, lat)) in words."""
    dx, dy, _d = _metres(a, b)
    bearing = math.degrees(math.atan2(dx, dy)) % 360
    return _(DIRECTIONS[int((bearing + 22.5) // 45) % 8])


def park_words(stop: Stop, _: Gettext) -> str:
    """Where the motorbikes park for a house reached on foot, as a line to
    read: how far and in which direction from the house, the walk, and the
    coordinates (``lat, lon``) for a map app; '' when the house is on a road."""
    if stop.park_lon is None or stop.park_lat is None or not stop.walk_m:
        return ""
    house, park = (stop.lon, stop.lat), (stop.park_lon, stop.park_lat)
    metres = int(round(_metres(house, park)[2] / 10.0) * 10)
    return _("Park on the road {d} m {dir} of the house, then walk {walk} m with the kit "
             "(parking point {lat}, {lon}).").format(
        d=metres, dir=direction_word(house, park, _), walk=stop.walk_m,
        lat=f"{stop.park_lat:.5f}", lon=f"{stop.park_lon:.5f}")


NAMED_PLACE_M = 2000.0
"""A village with no meeting place: its collection point is described by the
nearest named place (the commune office, another village's meeting place)
within this distance (m)."""


def point_place(stop: Stop, scenario: Scenario, _: Gettext) -> str:
    """A collection point's place in words. A village with no meeting place
    gets its point at its centre: said as the commune office when the point is
    there, else as the village's centre near the nearest named place (the
    office or a meeting place, with the distance), else as having none."""
    try:
        village = scenario.village(stop.village) if stop.village else None
    except KeyError:
        village = None
    if village is None or village.points or nfc(stop.place) != nfc(village.name):
        return nfc(stop.place)
    here = (stop.lon, stop.lat)
    named = [(scenario.station.name, (scenario.station.lon, scenario.station.lat))]
    named += [(c.name, (c.lon, c.lat)) for v in scenario.villages for c in v.points]
    name, where = min(named, key=lambda x: _metres(here, x[1])[2])
    metres = _metres(here, where)[2]
    if metres <= 50:
        return nfc(name)
    if metres <= NAMED_PLACE_M:
        return _("the centre of {village}, {d} m {dir} of {place}").format(
            village=nfc(village.name), d=int(round(metres / 10.0) * 10),
            dir=direction_word(where, here, _), place=nfc(name))
    return _("the centre of {village} (the village has no meeting place: ask the village "
             "head)").format(village=nfc(village.name))


def _stop_view(stop: Stop, number: int | None, scenario: Scenario,
               households: dict[str, Household], residents: dict[str, Resident],
               trips: dict[str, ShuttleTrip], redact: bool, _: Gettext,
               lang: str = "vi", visited: set[str] | None = None) -> StopView:
    h = households.get(stop.household or "")
    village = nfc(scenario.village(h.village_id).name) if h is not None else ""
    village_id = stop.village or (h.village_id if h is not None else "")
    common = dict(number=number, village_id=village_id, arrive=format_clock(stop.arrive_s),
                  depart=format_clock(stop.depart_s), lon=stop.lon, lat=stop.lat,
                  wait_s=stop.wait_s,
                  label=_(KIND_LABELS[stop.kind]) if stop.kind in KIND_LABELS else "")
    if stop.kind == "visit" and h is not None:
        enrolled = tuple(r for r in h.residents if r.id in stop.passengers) or \
            home_residents(h)  # the plan's residents enrolled at this visit
        people = tuple(person_view(r, redact, _) for r in enrolled)
        modes = dict.fromkeys(p.mode for p in people)
        return StopView(
            kind="visit", household=h.id, village=village, residents=people,
            mode=", ".join(modes), bring=bring_text(h, stop, _, redact),
            contact=privacy.contact(h.contact, redact), notes=privacy.note(h.notes, redact),
            walk_m=stop.walk_m, approximate=stop.approximate, park_lon=stop.park_lon,
            park_lat=stop.park_lat, park_text=park_words(stop, _),
            presence=note_lines(stop.presence, lang) if stop.presence is not None else (),
            **common)
    if stop.kind in ("pickup", "dropoff"):
        at_home = stop.place != "office"
        people = tuple(person_view(residents[rid], redact, _) for rid in stop.passengers
                       if rid in residents)
        backs = [trips[rid].back for rid in stop.passengers if rid in trips and trips[rid].back]
        return StopView(
            kind=stop.kind, household=h.id if h else "", village=village if at_home else "",
            residents=people, mode=mode_text("shuttle", _), bring="",
            contact=privacy.contact(h.contact, redact) if at_home and h is not None else "",
            notes="",
            walk_m=stop.walk_m if at_home else 0, approximate=stop.approximate and at_home,
            place="home" if at_home else "office",
            where=_("at the house") if at_home else _("at the commune office"),
            onboard=stop.onboard,
            back=max(backs) if stop.kind == "pickup" and at_home and backs else "",
            park_lon=stop.park_lon if at_home else None,
            park_lat=stop.park_lat if at_home else None,
            park_text=park_words(stop, _) if at_home else "",
            presence=note_lines(stop.presence, lang)
            if stop.presence is not None and stop.kind == "pickup" and at_home else (),
            **common)
    if stop.kind == "point":
        try:
            village = nfc(scenario.village(stop.village).name) if stop.village else village
        except KeyError:
            village = nfc(stop.village)
        place = point_place(stop, scenario, _)
        invited = tuple(
            (hid, tuple(person_view(r, redact, _)
                        for r in point_residents(households[hid], visited or set())))
            for hid in stop.households if hid in households)
        return StopView(
            kind="point", household="", village=village, residents=(),
            mode=mode_text("point", _), bring=_("enrolment kit"), contact="", notes="",
            walk_m=stop.walk_m, approximate=stop.approximate, place=place,
            where=place, opens=format_clock(stop.opens_s), attendance=stop.attendance,
            households=tuple(stop.households), invited=invited, **common)
    return StopView(
        kind=stop.kind, household=h.id if h else "", village=village, residents=(), mode="",
        bring="", contact="", notes="", walk_m=0, approximate=False, place=nfc(stop.place),
        where=nfc(stop.place), **common)


def team_day(route: Route, team: Team, colour: str, scenario: Scenario,
             households: dict[str, Household], redact: bool, _: Gettext,
             residents: dict[str, Resident] | None = None,
             trips: dict[str, ShuttleTrip] | None = None, lang: str = "vi",
             visited: set[str] | None = None) -> TeamDay:
    """The day of one route (a whole team or its shuttle officer); ``visited``
    the households with a home visit that day (``home_visited``)."""
    if residents is None:
        residents = {r.id: r for h in households.values() for r in h.residents}
    stops = []
    n = 0
    for s in point_sessions(route.stops):
        if s.kind in NUMBERED_KINDS:
            n += 1
        stops.append(_stop_view(s, n if s.kind in NUMBERED_KINDS else None, scenario,
                                households, residents, trips or {}, redact, _, lang,
                                visited))
    visits = [s for s in route.stops if s.kind == "visit"]
    walk_m = 2 * sum(s.walk_m for s in route.stops if s.kind != "point")
    name = nfc(team.name)
    return TeamDay(
        team=team.id, route=route.name, unit=route.unit, name=name,
        members=tuple(member_name(m, redact) for m in team.members), colour=colour,
        depart=format_clock(route.stops[0].depart_s), back=format_clock(route.stops[-1].arrive_s),
        distance_km=round(route.distance_m / 1000, 1), walk_km=round(walk_m / 1000, 1),
        visits=len(visits), stops=tuple(stops),
        title=route_title(team.id, route.unit, _, name), tag=route_title(team.id, route.unit, _))


def team_colours(routes: Sequence[Route]) -> dict[str, str]:
    """Team id → colour, in order of first route; a shuttle shares its team's."""
    order = list(dict.fromkeys(r.team for r in routes))
    return {t: TEAM_COLOURS[k % len(TEAM_COLOURS)] for k, t in enumerate(order)}


def doc_context(plan: Plan, scenario: Scenario, lang: str = "vi", redact: bool = False,
                ) -> DocContext:
    """Join ``plan`` and ``scenario`` into the views every renderer uses."""
    _ = gettext_for(lang)
    households = {h.id: h for h in scenario.households}
    residents = {r.id: r for h in scenario.households for r in h.residents}
    teams = {t.id: t for t in scenario.teams}
    colours = team_colours(plan.routes)
    trips = shuttle_trips(plan)
    visited = home_visited(plan)
    days = tuple(team_day(r, teams[r.team], colours[r.team], scenario, households, redact, _,
                          residents, trips, lang, visited)
                 for r in plan.routes)
    unserved = []
    for u in plan.unserved:
        h = households.get(u.household)
        if h is None:
            continue
        mode = getattr(u, "mode", "home") or "home"
        unserved.append(UnservedView(
            household=h.id, village=nfc(scenario.village(h.village_id).name), lon=h.lon,
            lat=h.lat, residents=tuple(person_view(r, redact, _) for r in (
                tuple(r for r in h.residents if r.id in u.residents) if u.residents
                else left_for_another_day(h, mode) if u.code == "windows_disjoint"
                else mode_residents(h, mode))),
            reason=reason_text(u, entry_windows(u, h), lang, redact), code=u.code,
            mode=mode))
    return DocContext(
        lang=lang, redact=redact, _=_, commune=nfc(scenario.name),
        station=nfc(scenario.station.name), station_lon=scenario.station.lon,
        station_lat=scenario.station.lat, date=date_text(plan.date, lang),
        date_iso=plan.date.isoformat(), fictional=plan.fictional,
        fiction=fiction_banner(plan.roads, _) if plan.fictional else "",
        fiction_label=fiction_label(plan.roads, _) if plan.fictional else "", season=plan.season,
        teams=days, unserved=tuple(unserved),
        learnt=_(LEARNT_NOTE) if LEARNT_NOTE in plan.notes else "")
