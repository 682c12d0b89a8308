"""The domain model: plain frozen dataclasses that every stage imports.

Units are in the names: ``_s`` seconds, ``_m`` metres, ``_kph`` km/h.
Clock times are integer seconds after local midnight (``7 * 3600`` is 07:00).
Coordinates are ``(lon, lat)`` in WGS84 degrees.

This module imports no third-party package: no networkx, no ortools, no folium.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Condition = Literal["bedridden", "disabled", "elderly", "postpartum", "able"]
CONDITIONS: tuple[Condition, ...] = ("bedridden", "disabled", "elderly", "postpartum", "able")
#: Who goes first when not everyone fits, most urgent first (``planner.priorities``).
DEFAULT_PRIORITIES: tuple[Condition, ...] = ("bedridden", "disabled", "postpartum", "elderly",
                                             "able")

#: A season: the name of a ``[seasons.*]`` table of the speed table (``maps/speeds.toml``).
Season = str

Mode = Literal["home", "shuttle", "point", "auto"]
MODES: tuple[Mode, ...] = ("home", "shuttle", "point", "auto")

StopKind = Literal["start", "visit", "pickup", "dropoff", "point", "break", "end"]
LegKind = Literal["drive", "walk"]
#: Conditions whose passengers get the shorter ride-time limit on a shuttle.
FRAIL_CONDITIONS: tuple[Condition, ...] = ("disabled", "elderly", "postpartum")


@dataclass(frozen=True)
class Window:
    """A time window ``[start_s, end_s]`` in seconds after local midnight."""

    start_s: int
    end_s: int

    def __post_init__(self) -> None:
        if not 0 <= self.start_s <= self.end_s:
            raise ValueError(f"window {self.start_s}..{self.end_s} must satisfy 0 <= start <= end")

    @property
    def length_s(self) -> int:
        return self.end_s - self.start_s

    def contains(self, start_s: int, end_s: int) -> bool:
        """True when ``[start_s, end_s]`` lies inside this window."""
        return self.start_s <= start_s and end_s <= self.end_s


@dataclass(frozen=True)
class Station:
    """The commune police station: every route starts and ends here."""

    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class CollectionPoint:
    """A candidate place for a temporary collection point (cultural house,
    village head's house, school)."""

    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class Village:
    """A village (bản). ``lon``/``lat`` is its centre or place node;
    ``points`` are candidate collection-point places (empty: the centre)."""

    id: str
    name: str
    lon: float
    lat: float
    points: tuple[CollectionPoint, ...] = ()


@dataclass(frozen=True)
class Resident:
    """A resident who needs enrolment.

    ``windows`` are the hours the resident is at home; empty means any time.
    ``waiting_days`` counts days since the resident was first listed, so that
    long-waiting residents go first.
    """

    id: str
    full_name: str
    condition: Condition
    windows: tuple[Window, ...] = ()
    mode: Mode = "home"
    waiting_days: int = 0
    id_number: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Household:
    """A household to visit. ``lon``/``lat`` may be None when unknown (then
    ``approximate`` is set once it is placed at its village)."""

    id: str
    village_id: str
    lon: float
    lat: float
    residents: tuple[Resident, ...]
    contact: str = ""
    notes: str = ""
    approximate: bool = False


@dataclass(frozen=True)
class Team:
    """A mobile team: one route a day.

    ``max_work_s`` bounds the whole day from leaving the station to returning,
    service and lunch included. ``can_split``: one officer may leave the team
    for the day on one motorbike to shuttle residents while the others enrol.
    ``duties``: the kinds of work the team does today, a subset of ``DUTIES``
    (``home`` visits, ``shuttle`` trips to the office, running a collection
    ``point``); a team with only ``point`` runs points while others visit.
    """

    id: str
    name: str
    members: tuple[str, ...]
    motorbikes: int
    kits: int
    shift: Window
    lunch: Window | None = None
    lunch_s: int = 0
    max_work_s: int = 10 * 3600
    can_split: bool = False
    duties: tuple[str, ...] = ("home", "shuttle", "point")


#: The kinds of work a team can be given (``Team.duties``), in this order.
DUTIES = ("home", "shuttle", "point")


@dataclass(frozen=True)
class Parameters:
    """Planning knobs, all editable in the scenario file."""

    #: a season of the speed table (``[seasons.NAME]``); empty: the table's
    #: default season (``planner.speeds.planning_season``)
    season: Season = ""
    service_s: tuple[tuple[Condition, int], ...] = (
        ("bedridden", 75 * 60),
        ("disabled", 50 * 60),
        ("elderly", 35 * 60),
        ("postpartum", 35 * 60),
        ("able", 20 * 60),
    )
    household_setup_s: int = 5 * 60
    walk_offroad_m: float = 30.0
    walk_limit_m: float = 3000.0
    walk_detour_factor: float = 1.3
    return_before_sunset: bool = True
    utc_offset_h: float = 7.0
    time_limit_s: float = 10.0
    seed: int = 1
    # shuttles to the commune office
    seats_per_motorbike: int = 1
    board_s: int = 5 * 60
    office_service_s: int = 20 * 60
    max_ride_s: int = 60 * 60
    max_ride_frail_s: int = 40 * 60
    shuttle_walk_max_m: float = 300.0
    # collection points
    point_setup_s: int = 20 * 60
    point_per_person_s: int = 8 * 60
    point_attendance: float = 0.8
    point_max_slot_s: int = 5 * 3600
    point_min_slot_s: int = 60 * 60
    # who goes first when not everyone fits (docs/priorities.md)
    priorities: tuple[Condition, ...] = DEFAULT_PRIORITIES

    def service_for(self, condition: Condition) -> int:
        """Seconds to enrol one resident in that condition at home."""
        return dict(self.service_s)[condition]


WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class CampaignSettings:
    """The optional ``campaign:`` section of a scenario: the working calendar and
    the re-planning rules of a multi-day campaign.

    ``weekdays`` are working weekdays (Monday = 0 … Sunday = 6); ``holidays``
    are days nobody works; ``days_off`` are ``(team id, date)`` pairs.
    ``start`` defaults to the scenario's ``date``; ``deadline`` is the last day
    by which everyone should be served (None: no deadline). A resident not at
    home or needing a retry is planned again ``retry_after_days`` calendar days
    later at the earliest, up to ``max_attempts`` visits in all; after that the
    resident is listed for a different approach. ``wet_days`` are days planned
    with wet-season travel times. A village's collection-point day is announced
    (its notice and loudspeaker text) at least ``notice_days`` working days
    ahead, so no point opens in the first ``notice_days`` working days planned.
    """

    start: dt.date | None = None
    deadline: dt.date | None = None
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    holidays: tuple[dt.date, ...] = ()
    days_off: tuple[tuple[str, dt.date], ...] = ()
    max_attempts: int = 3
    retry_after_days: int = 1
    wet_days: tuple[dt.date, ...] = ()
    notice_days: int = 2


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. ``roads`` names a GraphML file (a path)."""

    name: str
    fictional: bool
    date: dt.date
    station: Station
    villages: tuple[Village, ...]
    households: tuple[Household, ...]
    teams: tuple[Team, ...]
    roads: str
    parameters: Parameters = field(default_factory=Parameters)
    source: str = ""
    campaign: CampaignSettings | None = None
    #: the decisions file the scenario names (``decisions:``; absolute path,
    #: ``""``: none), read by ``planner.campaign.decisions.read_decisions``
    decisions: str = ""

    def village(self, village_id: str) -> Village:
        for v in self.villages:
            if v.id == village_id:
                return v
        raise KeyError(village_id)


@dataclass(frozen=True)
class Leg:
    """A piece of the way to a stop, as a line of ``(lon, lat)`` points: a ride on
    the motorbikes (``drive``) or a walk with the kit (``walk``). ``onboard``
    counts the shuttle passengers riding on a ride (0: none)."""

    kind: LegKind
    coords: tuple[tuple[float, float], ...]
    onboard: int = 0


@dataclass(frozen=True)
class PresenceNote:
    """The chance of finding a visited household at home, for the itinerary
    (``planner.day.chances``): ``band`` the time band the visit starts in
    (``planner.presence.BANDS``: ``early``, ``morning``, ``noon``,
    ``afternoon``, ``evening``), ``chance`` in [0, 1] there; ``instead_band``
    the band where the household was found away before (its chance
    ``instead_chance``, ``away_instead`` visits with nobody home there), when
    the visit was moved away from it; ``failed_visits`` with nobody home in
    all; ``approaches`` proposed after too many failed visits (``visit_band``,
    ``call``, ``point``, best first), for ``visit_band`` the band to try
    (``try_band``), its kind of day (``try_day``: ``weekday`` or ``weekend``)
    and its chance (``try_chance``, in [0, 1]); ``call_ahead`` when a phone
    number is known and finding them is uncertain. Codes and numbers only: the
    words are the renderers' (``planner.render.presence_text``)."""

    band: str
    chance: float
    weekday: int = 0
    instead_band: str | None = None
    instead_chance: float | None = None
    away_instead: int = 0
    failed_visits: int = 0
    approaches: tuple[str, ...] = ()
    try_band: str | None = None
    try_day: str | None = None
    try_chance: float | None = None
    call_ahead: bool = False


@dataclass(frozen=True)
class Stop:
    """One timed stop of a route. ``arrive_s``/``depart_s`` are clock seconds.

    Kinds: ``visit`` (enrolment at the house), ``pickup``/``dropoff`` (a
    shuttle passenger gets on or off: ``place`` is ``home`` or ``office``,
    ``passengers`` the resident ids, ``onboard`` the passengers riding when the
    team leaves the stop), ``point`` (a collection point: ``place`` its name,
    ``village``, ``opens_s`` when enrolment starts after the set-up,
    ``depart_s`` when it closes, ``attendance`` the expected number of people,
    ``households`` those invited), ``break``, ``start``, ``end``.
    For a visit, ``service_s`` is the enrolment time at the house and
    ``walk_m`` the one-way walk from the parking point (0 when the house is on
    a road); ``park_lon``/``park_lat`` is where the motorbikes wait.
    ``leg`` is the way here from the previous place, attached after solving
    (``planner.legs.attach_legs``): the walk back to the previous parking
    point, the ride, the walk in; empty at the same place as the stop before
    (and before the geometry is attached). ``presence`` (home visits, when
    the day was planned with presence chances) is the chance of finding them
    at home and why the visit is at that hour.
    """

    kind: StopKind
    arrive_s: int
    depart_s: int
    lon: float
    lat: float
    household: str | None = None
    service_s: int = 0
    travel_s: int = 0
    travel_m: int = 0
    walk_m: int = 0
    park_lon: float | None = None
    park_lat: float | None = None
    wait_s: int = 0
    approximate: bool = False
    place: str = ""
    passengers: tuple[str, ...] = ()
    onboard: int = 0
    village: str = ""
    opens_s: int = 0
    attendance: float = 0.0
    households: tuple[str, ...] = ()
    leg: tuple[Leg, ...] = ()
    presence: PresenceNote | None = None


@dataclass(frozen=True)
class Route:
    """One route. ``unit`` is ``""`` for a whole team, ``"shuttle"`` for the
    officer who split off to shuttle residents (same ``team`` id)."""

    team: str
    stops: tuple[Stop, ...]
    distance_m: int
    duration_s: int
    unit: str = ""

    @property
    def name(self) -> str:
        """``T1`` for a team, ``T1-shuttle`` for its shuttle officer."""
        return f"{self.team}-{self.unit}" if self.unit else self.team


@dataclass(frozen=True)
class Unserved:
    """A household (or the part of it reached one way, ``mode``) that is not
    in any route, and why: ``code`` (``docs/plan-format.md``), ``reason`` in
    plain English words, ``residents`` the ids of the residents the entry
    stands for (in table order; ``()`` when not known), ``numbers`` the
    figures the reason rests on as ``(name, value)`` pairs, units in the name
    (``needed_s``, ``walk_m``; a clock time ends in ``_at_s``: seconds after
    midnight), so every language can state them."""

    household: str
    reason: str
    code: str
    mode: str = "home"
    residents: tuple[str, ...] = ()
    numbers: tuple[tuple[str, int], ...] = ()


#: Why a decision is not honoured (``Plan.not_honoured``' ``cause`` number
#: indexes this): its team does not work that day; no team works that day;
#: no team allowed to make the visit could fit it (windows, shift, capacity);
#: the stops cannot be made in the order given; another decision keeps the
#: household off that day.
DECISION_CAUSES = ("team_absent", "no_team", "not_fitted", "order_infeasible", "kept_off")


@dataclass(frozen=True)
class Plan:
    date: dt.date
    scenario: str
    fictional: bool
    season: Season
    engine: str
    routes: tuple[Route, ...]
    unserved: tuple[Unserved, ...]
    objective: int = 0
    seed: int = 1
    time_limit_s: float = 0.0
    notes: tuple[str, ...] = ()
    #: where the road graph comes from: "openstreetmap", "generated" or "unknown"
    #: (``planner.roads.info.roads_provenance``); the fiction banners follow it
    roads: str = "unknown"
    #: the decisions a person made that this plan could not honour, each as an
    #: unserved-like entry: ``code`` ``decision_not_honoured``, ``mode`` the
    #: decision's kind, ``household`` the household it is about (``""``: a
    #: team's), ``reason`` in English, ``numbers`` ``decision`` (its id, 0
    #: from a file without ids) and ``cause`` (an index into ``DECISION_CAUSES``)
    not_honoured: tuple[Unserved, ...] = ()
