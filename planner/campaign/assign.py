"""The day assignment: which households, and which of their pending
residents, are offered to the day planner on each working day (``Assigner``).

In order:

- **collection points** are scheduled per village, never before the working
  day number ``notice_days`` (0 = the first day planned; the village's notice
  and loudspeaker text are written for that date and handed out at least
  ``notice_days`` working days ahead). A village has at most one point a day
  (the day planner's rule) with at most ``room`` invited (the slot's size), so
  the villages with the most sessions left go first, each day;
- **shuttles** are offered in a fair share a day (their remaining number over
  the days left, plus one) on days with a unit that has a seat, those left
  out before first; a day offering one left out on ``DROPPED_SHUTTLE`` days
  is not overbooked;
- **home visits** fill the rest of the day's budget (the teams' capacity times
  ``OVERBOOK``, in work estimates calibrated on the days already planned,
  ``Assigner.learn``). Households at home only in a narrow band (early
  morning, evening, or a short window, ``band_of``) are spread over the days:
  each day takes its share of each band (remaining in the band over the days
  left, and at least ``BAND_CHOICE`` a team, so that the day planner has
  neighbours to chain in the band's hours), in one group per team (the most
  urgent and its nearest neighbours of the band), before the others; then
  the most urgent (bedridden first, then the longest waiting); a band
  beyond its share waits for its own days. A band's share takes no more of
  the budget than the kit teams' time inside the band's hours that day
  (``_band_work``: what the hours cannot hold is a choice for the day
  planner, not work that crowds out the others), and while bands are
  offered the open visits are paced: at most ``PACE`` times what is left of
  them over the days left (the campaign's length is then the bands', and a
  day overfilled with open visits of higher tiers would leave the bands'
  households out). A household at home early and in the evening only
  (``edges``) is offered at one end of the day (``_steer_edges``: the end
  whose band would need the fewest days with it), so that it does not take
  the scarcer band's hours from the households at home only then.
  (These three only when the bands set the campaign's length: the lower
  bound's window part is its largest, ``bands_bind``; on a day with the
  bands packed into chains, the open visits are offered by shift instead
  of paced: ``_by_shift``, ``planner.campaign.teamfit``.)
  Beyond the budget nothing is offered, so that the day planner does not drop
  a collection point for visits that fit another day.

Above ``CLUSTER_ABOVE`` home visits a team the home visits offered each day
form one cluster per team: a band's group, or a seed (villages
already begun first, then the villages with the most bedridden left, then the
farthest from the station), filled with the open households of the same
villages, nearest first. Distances are read on the workspace's matrices of the
speed table's default season (``Workspace.base``). Units: seconds, dates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from planner.campaign.bandpack import ENDS, Item, end_of, pack
from planner.campaign.dayloop import DayPlan
from planner.campaign.needs import (
    EARLY_END_S,
    Parts,
    PendingVisit,
    band_of,
    copy_with,
    home_service_s,
    parts,
    point_room,
    session_s,
    shuttle_work_s,
    team_capacity_s,
    urgency,
)
from planner.campaign.teamfit import Need, TeamDay, band_work, offer_by_shift, overbooked
from planner.campaign.workspace import Workspace
from planner.domain import Household, Resident, Team, Window
from planner.rules import common_windows, day_limits

#: The day's offer, in estimated work, over the teams' capacity.
OVERBOOK = 1.1
#: A narrow band offers at least this many households a team each day (its
#: share may be less): the day planner then has neighbours to chain in the
#: band's hours; those it cannot fit wait, as before.
BAND_CHOICE = 2
#: With narrow bands offered, a day's open home visits are at most this
#: share of what is left of them over the days left (``days_left``): paced.
PACE = 1.2
#: More home-visit households than this a team: each day's visits are
#: offered as one cluster per team (``Assigner._clusters``).
CLUSTER_ABOVE = 20
#: A shuttle left out on this many days offered: its days are not overbooked.
DROPPED_SHUTTLE = 2
#: A household offered in a chain of the bands' pack and not served on this
#: many days is offered as before (``Assigner.unpacked``).
PACK_MISSES = 2


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the day assignment reads of a household with a given set of pending
    residents, computed once (``Assigner.facts``): its ``parts``, the band of
    its home residents (``band_of``, ``open`` without any), the urgency of
    each part (``urgency``), the work estimates of its home visit and of its
    shuttle (0 without), its matrix row (-1 when it has none) and whether any
    of its residents is bedridden."""

    parts: Parts
    band: str
    home_urgency: tuple[int, int]
    shuttle_urgency: tuple[int, int]
    point_urgency: tuple[int, int]
    home_work: int
    shuttle_work: int
    row: int
    bedridden: bool
    #: its home residents are not all at home together long enough for one
    #: visit: a day's visit enrols some (``parts``), the others need another day
    split: bool = False



@dataclass
class Assigner:
    """The day assignment's view of what is left (see the module docstring).

    ``first_point_day``: the index of the first working day on which a
    collection point may open; ``days_left`` estimates the working days left
    for spreading (the lower bound's days less the days planned).
    """

    ws: Workspace
    first_point_day: int
    days_left: Callable[[int], int]
    fixed: dict[dt.date, dict[str, frozenset[str]]] = field(default_factory=dict)
    #: the shuttles already announced: date → household ids, offered that
    #: day first and never before
    fixed_shuttles: dict[dt.date, frozenset[str]] = field(default_factory=dict)
    #: real work over estimated work on the days planned so far (``learn``)
    calibration: float = 1.0
    #: home-visit households per village at the start
    village_size: dict[str, int] = field(default_factory=dict)
    #: household id → days its shuttle was offered and left out (``learn``)
    dropped: dict[str, int] = field(default_factory=dict)
    #: ``facts`` computed: (household id, ids of its resident objects) → (its
    #: residents, kept alive so that their ids are not reused, and the facts);
    #: and id of a household object → (that household, kept alive, its facts)
    _facts: dict = field(default_factory=dict, repr=False)
    _facts_of_object: dict = field(default_factory=dict, repr=False)
    #: ``learn``'s: (household id, resident ids) → (parts, home work, shuttle work)
    _served_facts: dict = field(default_factory=dict, repr=False)
    #: the narrow bands set the campaign's length (the lower bound's window
    #: part is its largest): their hours are kept for them (``_steer_edges``,
    #: ``_band_work``, the open visits paced); else the offer is as before
    bands_bind: bool = False
    #: households of band ``edges`` offered whole, never at one end of the
    #: day only (``_steer_edges``; the campaign loop adds those the day
    #: planner found no time for at the end they were offered at)
    whole: set[str] = field(default_factory=set)
    #: ``_steer_edges``' copies: (id of a household object, end) → (it, its copy)
    _sided: dict = field(default_factory=dict, repr=False)
    #: the narrow-band households offered in a chain of the pack (``_pack_today``)
    #: per date, the dates each of them was so offered and not served, and
    #: those left out of the pack after ``PACK_MISSES`` such days (offered as before)
    _chained: dict = field(default_factory=dict, repr=False)
    _missed: dict = field(default_factory=dict, repr=False)
    unpacked: set[str] = field(default_factory=set)
    #: ``pack``'s answers: (items, slots) → its answer
    _packs: dict = field(default_factory=dict, repr=False)
    #: today's chains (household ids) → (its team, the hours it holds: clock s)
    _blocked: dict = field(default_factory=dict, repr=False)

    def facts(self, h: Household) -> _Facts:
        """``h``'s ``_Facts`` for its residents (these very objects: the urgency
        reads their waiting days), computed once per campaign."""
        known = self._facts_of_object.get(id(h))
        if known is not None and known[0] is h:
            return known[1]
        key = (h.id, *map(id, h.residents))
        found = self._facts.get(key)
        if found is None:
            pt = parts(h, self.ws.scenario.parameters)
            row = self.ws.row_of.get((h.lon, h.lat), -1)
            found = self._facts[key] = (h.residents, _Facts(
                parts=pt, band=band_of(pt.home) if pt.home else "open",
                home_urgency=urgency(pt.home), shuttle_urgency=urgency(pt.shuttle),
                point_urgency=urgency(pt.point),
                home_work=self._home_work(h, pt.home) if pt.home else 0,
                shuttle_work=shuttle_work_s(self.ws, h) if pt.shuttle else 0,
                row=row, bedridden=any(r.condition == "bedridden" for r in h.residents),
                split=bool(pt.home) and any(r.mode == "home" and r not in pt.home
                                            for r in h.residents)))
        self._facts_of_object[id(h)] = (h, found[1])
        return found[1]

    def _served_facts_of(self, h: Household) -> tuple[Parts, int, int]:
        """``learn``'s view of a household of a planned day (its residents are
        copies, with the day's waiting days): its parts and work estimates,
        which depend only on which residents (ids) it holds."""
        key = (h.id, *(r.id for r in h.residents))
        found = self._served_facts.get(key)
        if found is None:
            pt = parts(h, self.ws.scenario.parameters)
            found = self._served_facts[key] = (
                pt, self._home_work(h, pt.home) if pt.home else 0,
                shuttle_work_s(self.ws, h) if pt.shuttle else 0)
        return found

    def learn(self, day: DayPlan) -> None:
        """Compare the day's real work (routes less lunch) with the estimates
        of what it served; later budgets use the running ratio."""
        sc = self.ws.scenario
        chained = self._chained.get(day.date, ())
        if chained:
            served = {h.id for h in day.scenario.households
                      if any(r.id in day.served for r in h.residents)}
            for hid in chained:
                if hid not in served:
                    missed = self._missed.setdefault(hid, set())
                    missed.add(day.date)
                    if len(missed) >= PACK_MISSES:
                        self.unpacked.add(hid)
        estimated = 0.0
        for h in day.scenario.households:
            pt, home_work, shuttle_work = self._served_facts_of(h)
            if pt.shuttle and not any(r.id in day.served for r in pt.shuttle):
                self.dropped[h.id] = self.dropped.get(h.id, 0) + 1
            if pt.home and any(r.id in day.served for r in pt.home):
                estimated += home_work
            if pt.shuttle and any(r.id in day.served for r in pt.shuttle):
                estimated += shuttle_work
        for session in day.point_sessions:
            people = sum(1 for h in day.scenario.households if h.id in session["households"]
                         for r in h.residents if day.served.get(r.id, ("", ""))[1] == "point")
            estimated += session_s(sc, people) \
                + self.ws.place_approach_s(sc.village(session["village"]))
        # with the bands packed, a team waits for a chain's hours (the evening
        # band from 17:00) and between them: not work the day's visits took
        real = sum(_worked_s(r) if chained else r.duration_s - sum(
            s.depart_s - s.arrive_s for s in r.stops if s.kind == "break")
                   for r in day.plan.routes)
        if estimated > 0 and real > 0:
            self.calibration = 0.5 * self.calibration + 0.5 * max(0.5, min(3.0, real / estimated))

    def estimate_s(self, households: list[Household]) -> float:
        """Estimated work (s, calibrated) to serve ``households``: their home
        visits and shuttles, and one session a village for their point residents."""
        sc = self.ws.scenario
        total = 0.0
        people: dict[str, int] = {}
        for h in households:
            f = self.facts(h)
            pt = f.parts
            if pt.home:
                total += f.home_work
            if pt.shuttle:
                total += f.shuttle_work
            if pt.point:
                people[h.village_id] = people.get(h.village_id, 0) + len(pt.point)
        for v, k in people.items():
            total += session_s(sc, k) + self.ws.place_approach_s(sc.village(v))
        return total * self.calibration

    def _fixed_later(self, day: dt.date) -> set[str]:
        return {hid for d, villages in self.fixed.items() if d > day
                for hids in villages.values() for hid in hids}

    def _home_work(self, h: Household, residents: tuple[Resident, ...]) -> int:
        return home_service_s(self.ws.scenario, residents) \
            + int(1.5 * self.ws.approach_s[self.ws.row(h.lon, h.lat)])

    def offer(self, n: int, pending: list[PendingVisit], teams: tuple[Team, ...],
              day: dt.date, boost: float = 1.0) -> list[Household]:
        """The households (with the residents offered) for working day ``n``."""
        sc = self.ws.scenario
        capacity = sum(team_capacity_s(sc, t, day) for t in teams)
        budget = boost * OVERBOOK * capacity / self.calibration
        left = max(1, self.days_left(n))
        chosen: dict[str, list[Resident]] = {}
        by_id = {p.household.id: p.household for p in pending}
        known = self._facts_of_object
        facts = {}
        for hid, h in by_id.items():   # (``facts``, its first lookup inlined)
            found = known.get(id(h))
            facts[hid] = found[1] if found is not None and found[0] is h else self.facts(h)
        limits = [day_limits(sc, t, day) for t in teams if t.kits > 0 and "home" in t.duties]
        packed = self._pack_today(by_id, facts, teams, day) if self.bands_bind else None
        if packed is not None:
            left = max(left, packed[0])
        if self.bands_bind:
            self._steer_edges(by_id, facts, limits, packed[2] if packed else frozenset())
        split = {hid: f.parts for hid, f in facts.items()}
        used = 0.0
        # 1. collection points: one session a village, the busiest villages
        # first; a session already announced keeps its date and invited
        kit = any(t.kits for t in teams)
        announced = self.fixed.get(day, {}) if kit else {}
        if announced:  # a promise to the villages: the day is not overbooked
            budget = min(budget, capacity / self.calibration)
        for v, hids in announced.items():
            invited = [hid for hid in sorted(hids & set(split)) if split[hid].point]
            for hid in invited:
                chosen.setdefault(hid, []).extend(split[hid].point)
            if invited:
                used += session_s(sc, sum(len(split[h].point) for h in invited)) \
                    + self.ws.place_approach_s(sc.village(v))
        later = self._fixed_later(day)
        if n >= self.first_point_day and kit:
            room = point_room(sc)
            villages: dict[str, list[Household]] = {}
            for hid, pt in split.items():
                v = by_id[hid].village_id
                if pt.point and hid not in later and v not in announced:
                    villages.setdefault(v, []).append(by_id[hid])
            def people(v: str) -> int:
                return sum(len(split[h.id].point) for h in villages[v])
            order = sorted(villages, key=lambda v: (-math.ceil(people(v) / room), -people(v), v))
            for k, v in enumerate(order):
                households = sorted(villages[v], key=lambda h: (facts[h.id].point_urgency,
                                                                h.id))
                invited, count = [], 0
                for h in households:
                    size = len(split[h.id].point)
                    if count + size <= room:
                        invited.append(h)
                        count += size
                if not invited:
                    continue
                trip = self.ws.place_approach_s(sc.village(v))
                cost = session_s(sc, count) + trip
                if k > 0 and used + cost > budget:
                    break
                used += cost
                for h in invited:
                    chosen.setdefault(h.id, []).extend(split[h.id].point)
        pts = used   # 2. shuttles: those announced for the day first, then a fair share
        seats = sc.parameters.seats_per_motorbike > 0 and any(t.motorbikes > 1 for t in teams)
        held = self.fixed_shuttles.get(day, frozenset())
        later_held = {hid for d, hids in self.fixed_shuttles.items() if d > day for hid in hids}
        shuttles = sorted((hid for hid, pt in split.items()
                           if pt.shuttle and hid not in later_held),
                          key=lambda hid: (hid not in held, -self.dropped.get(hid, 0),
                                           facts[hid].shuttle_urgency, hid))
        if seats and shuttles:
            share = max(math.ceil(len(shuttles) / left) + 1, len(held & set(shuttles)))
            if any(self.dropped.get(hid, 0) >= DROPPED_SHUTTLE for hid in shuttles[:share]):
                # a shuttle the teams left out again and again: no overbooking
                budget = min(budget, capacity / self.calibration)
            for hid in shuttles[:share]:
                used += facts[hid].shuttle_work
                chosen.setdefault(hid, []).extend(split[hid].shuttle)
        # 3. home visits: each narrow band's share first, then the most urgent
        home = [hid for hid, pt in split.items() if pt.home]
        if home and any(t.kits for t in teams):
            # with the bands packed, the day is overbooked only with open visits
            # of no higher a tier than today's chains: the tier rule would
            # otherwise leave a chain out, and the span is the chains'
            full = min(budget, boost * capacity / self.calibration) if packed else budget
            days = self._team_days(teams, day, pts, used - pts, boost) \
                if packed and boost < 2 else None
            picked = self._home_choice(home, facts, by_id, full - used, left, len(teams),
                                       limits, packed, days)
            if packed is not None:
                picked += overbooked(
                    [hid for hid in home if facts[hid].band == "open"], picked,
                    {hid: (*facts[hid].home_urgency, facts[hid].home_work) for hid in home},
                    packed[1], budget - max(full, used + sum(
                        facts[hid].home_work for hid in picked)))
            for hid in picked:
                chosen.setdefault(hid, []).extend(split[hid].home)
        out = []
        for p in pending:
            if p.household.id in chosen:
                h = by_id[p.household.id]   # (an ``edges`` household: at one end of the day)
                ids = {r.id for r in chosen[p.household.id]}
                residents = tuple(r for r in h.residents if r.id in ids)
                out.append(h if len(residents) == len(h.residents)
                           else copy_with(h, residents=residents))
        return out

    def _pack_today(self, by_id: dict[str, Household], facts: dict[str, _Facts],
                    teams: tuple[Team, ...], day: dt.date,
                    ) -> tuple[int, list[list[str]], frozenset[str]] | None:
        """The bands' pack (``planner.campaign.bandpack``) over the pending
        households of bands ``early``, ``evening`` and ``edges`` (not
        ``unpacked``), for the kit teams with the ``home`` duty on ``day``:
        (its days, today's chains as household ids, every household it
        holds). A household of band ``edges`` in today's chains is offered
        at that chain's end only (``by_id`` and ``facts`` replaced). None:
        no pack."""
        sc = self.ws.scenario
        items = []
        for hid in sorted(by_id):
            f = facts[hid]
            if f.band not in ("early", "evening", "edges") or hid in self.unpacked or f.row < 0:
                continue
            at: dict[str, list[tuple[int, int]]] = {}
            for w in common_windows(f.parts.home) or ():
                end = end_of(w.start_s, w.end_s)
                if end is not None:
                    at.setdefault(end, []).append((w.start_s, w.end_s))
            items.append(Item(hid, f.row, home_service_s(sc, f.parts.home),
                              tuple((e, tuple(at[e])) for e in ENDS if e in at),
                              f.home_urgency[0]))
        slots = [(t.id, end, *day_limits(sc, t, day)) for t in teams
                 if t.kits > 0 and "home" in t.duties for end in ENDS]
        if not items or not slots:
            return None
        key = (tuple(items), tuple(slots))
        if key not in self._packs:
            self._packs[key] = pack(self.ws.base.travel_s, items, slots)
        found = self._packs[key]
        if found is None:
            return None
        days, today = found
        chains = []
        limits = {t.id: day_limits(sc, t, day) for t in teams}
        self._blocked = {}
        for team, end, hids in today:
            # the team's hours the chain holds: from its day's start to the
            # band's end (early), from the band's start to its day's end (evening)
            lo, hi = limits[team]
            spans = [w for it in items if it.household in hids for w in dict(it.windows)[end]]
            a, b = (lo, min(hi, max(b for _a, b in spans))) if end == "early" \
                else (max(lo, min(a for a, _b in spans)), hi)
            self._blocked[hids] = (team, a, b)
            for hid in hids:
                if facts[hid].band == "edges":
                    h = self._side(by_id[hid], facts[hid], end)
                    by_id[hid], facts[hid] = h, self.facts(h)
            chains.append(list(hids))
        self._chained[day] = {hid for c in chains for hid in c}
        return days, chains, frozenset(it.household for it in items)

    def _side(self, h: Household, f: _Facts, end: str) -> Household:
        """``h`` with its home residents' windows at ``end`` only (kept in ``_sided``)."""
        key = (id(h), end)
        found = self._sided.get(key)
        if found is None or found[0] is not h:
            home = {r.id for r in f.parts.home}
            sided = copy_with(h, residents=tuple(
                copy_with(r, windows=tuple(w for w in r.windows if _end_of(w) == end))
                if r.id in home and r.windows else r for r in h.residents))
            found = self._sided[key] = (h, sided)
        return found[1]

    def _steer_edges(self, by_id: dict[str, Household], facts: dict[str, _Facts],
                     limits: list[tuple[int, int]], packed: frozenset[str] = frozenset(),
                     ) -> None:
        """Offer each household of band ``edges`` (at home early and in the
        evening, not between) at one end of the day only (its home residents'
        windows at that end: ``by_id`` and ``facts`` replaced), so that the
        day planner does not spend the scarcer band on it: the end whose band
        would need the fewest days with it (the early-only or evening-only
        households' work, plus the ``edges`` ones given to that end, the most
        work first, over the kit teams' time inside that end's hours today,
        ``limits``), among the ends at which some team could visit it alone
        today (out from the station and back within its day). A household
        steered on a day the day planner then found no time for at that end
        for a lasting reason is offered whole from then on (``whole``, set by
        the campaign loop)."""
        edges = [hid for hid, f in facts.items() if f.band == "edges" and hid not in self.whole
                 and hid not in packed]
        if not edges or not limits:
            return
        hours: dict[str, list[tuple[int, int]]] = {"early": [], "evening": []}
        demand = {"early": 0.0, "evening": 0.0}
        for f in facts.values():
            if f.band in demand:
                demand[f.band] += f.home_work
            if f.band in demand or f.band == "edges":
                for w in common_windows(f.parts.home) or ():
                    hours[_end_of(w)].append((w.start_s, w.end_s))
        room = {end: sum(max(0, min(hi, max(b for _a, b in spans)) - max(lo, min(
            a for a, _b in spans))) for lo, hi in limits) if spans else 0
            for end, spans in hours.items()}
        m = self.ws.base.travel_s
        for hid in sorted(edges, key=lambda hid: (-facts[hid].home_work, hid)):
            h, f = by_id[hid], facts[hid]
            windows = common_windows(f.parts.home) or ()
            service = home_service_s(self.ws.scenario, f.parts.home)
            there, back = (int(m[0, f.row]), int(m[f.row, 0])) if f.row >= 0 else (0, 0)
            ends = [end for end in ("early", "evening") if room[end] > 0 and any(
                max(w.start_s, lo + there) + service <= min(w.end_s, hi - back)
                for w in windows if _end_of(w) == end for lo, hi in limits)]
            if not ends:
                continue
            end = min(ends, key=lambda e: ((demand[e] + f.home_work) / room[e], e))
            demand[end] += f.home_work
            by_id[hid] = self._side(h, f, end)
            facts[hid] = self.facts(by_id[hid])

    def _home_choice(self, home: list[str], facts: dict[str, _Facts],
                     by_id: dict[str, Household], budget: float, left: int,
                     teams: int, limits: list[tuple[int, int]],
                     packed: tuple[int, list[list[str]], frozenset[str]] | None = None,
                     days: list[TeamDay] | None = None) -> list[str]:
        """Home visits within ``budget`` s: narrow bands' shares first (each
        band's share counted in the budget for no more than the kit teams'
        time inside its hours today, ``limits``: ``band_work``); with the
        bands' ``packed`` (``_pack_today``), today's chains are the shares of
        the households it holds, and the others of them wait for their day;
        with the teams' ``days`` the open ones are then offered by shift
        (``_by_shift``), else paced by count."""
        chains, held = (packed[1], packed[2]) if packed else ([], frozenset())
        work = {hid: facts[hid].home_work for hid in home}
        bands: dict[str, list[str]] = {}
        for hid in home:
            bands.setdefault(facts[hid].band, []).append(hid)
        for members in bands.values():
            members.sort(key=lambda hid: (facts[hid].home_urgency, hid))
        chained = {hid for c in chains for hid in c}
        home = [hid for hid in home if hid not in held or hid in chained]
        if sum(work[hid] for hid in home) <= budget:
            return self._by_shift(sorted(home), home, chained, chains, facts, days)
        groups = [list(c) for c in chains] + [
            g for b, m in bands.items() if b != "open"
            for g in self._band_groups([h for h in m if h not in held], by_id, max(
                math.ceil(len(m) / left), BAND_CHOICE * teams), teams)]
        if self.bands_bind:
            # a household whose residents are never in together needs visits
            # on two days: offered first, so the second is not a day of its own
            grouped = {hid for g in groups for hid in g}
            split = sorted((hid for hid in home if facts[hid].split and hid not in grouped
                            and hid not in held), key=lambda hid: (facts[hid].home_urgency, hid))
            groups += [split] if split else []
        first = [hid for g in groups for hid in g]
        owed = set(first) | held
        if self.bands_bind:
            work = band_work(bands, first, work, {hid: tuple((w.start_s, w.end_s) for w in (
                common_windows(facts[hid].parts.home) or ())) for m in bands.values()
                for hid in m}, limits)
        for chain in chains:   # a chain counts for the team's hours it holds
            total = sum(work[hid] for hid in chain)
            _team, a, b = self._blocked.get(tuple(chain), ("", 0, total))
            blocked = max(0, b - a)
            for hid in chain:
                work[hid] = work[hid] * max(blocked, total) / max(1, total)
        # the open visits paced over the days left: a day overfilled with them
        # would leave the bands' households out (the lowest tiers go first)
        # while their hours are what sets the campaign's length
        if first and self.bands_bind and not days:
            budget = min(budget, sum(work[hid] for hid in first) + PACE * sum(
                work[hid] for hid in home if facts[hid].band == "open") / left)
        # then the open households by urgency; a narrow band beyond its share last
        rest = sorted((hid for hid in home if hid not in owed),
                      key=lambda hid: (facts[hid].band != "open",
                                       facts[hid].home_urgency, hid))
        if len(home) <= CLUSTER_ABOVE * max(1, teams):  # a small commune: by priority
            picked, used = [], 0.0
            for hid in first + rest:
                if used + work[hid] > budget and picked:
                    if hid in first:
                        continue
                    break
                picked.append(hid)
                used += work[hid]
            return self._by_shift(picked, home, owed, chains, facts, days)
        # clusters take the open households near their seeds; a narrow band
        # beyond its share waits for its own days
        rest = [hid for hid in rest if facts[hid].band == "open"]
        return self._by_shift(self._clusters(groups, rest, work, facts, by_id, budget, teams),
                              home, owed, chains, facts, days)

    def _team_days(self, teams: tuple[Team, ...], day: dt.date, points: float,
                   shuttles: float, boost: float) -> list[TeamDay]:
        """The kit teams with the ``home`` duty (``TeamDay``): capacity (× ``boost``, calibrated)
        less the points' and shuttles' work (s), shared by the teams with the duty."""
        sc = self.ws.scenario
        kit = [t for t in teams if t.kits > 0 and "home" in t.duties]
        share = {t.id: 0.0 for t in kit}
        for duty, work in (("point", points), ("shuttle", shuttles)):
            busy = [t.id for t in kit if duty in t.duties] or list(share)
            for tid in busy:
                share[tid] += work / len(busy)
        return [TeamDay(t.id, *day_limits(sc, t, day), boost * team_capacity_s(sc, t, day)
                        / self.calibration - share[t.id]) for t in kit]

    def _by_shift(self, picked: list[str], home: list[str], owed: set[str] | frozenset[str],
                  chains: list[list[str]], facts: dict[str, _Facts],
                  days: list[TeamDay] | None) -> list[str]:
        """``picked`` by shift (``teamfit.offer_by_shift``): those ``owed`` kept, then the
        open ones of ``picked`` and of ``home`` (each by urgency) while some team's day
        holds them. Without ``days``, ``picked`` as it is."""
        if not days:
            return picked
        m = self.ws.base.travel_s
        needs = {hid: Need(f.home_work, home_service_s(self.ws.scenario, f.parts.home), tuple(
            (w.start_s, w.end_s) for w in common_windows(f.parts.home) or ()),
            *((int(m[0, f.row]), int(m[f.row, 0])) if f.row >= 0 else (0, 0)))
            for hid in home for f in (facts[hid],)}
        hours = [(*self._blocked[tuple(c)], tuple(c)) for c in chains if tuple(c) in self._blocked]
        taken = set(picked)
        key = lambda hid: (facts[hid].home_urgency, hid)  # noqa: E731
        order = sorted((hid for hid in picked if hid not in owed), key=key) + sorted(
            (hid for hid in home if hid not in taken and hid not in owed
             and facts[hid].band == "open"), key=key)
        return offer_by_shift([hid for hid in picked if hid in owed], order, hours, needs,
                              days, self.calibration)

    def _band_groups(self, members: list[str], by_id: dict[str, Household], owed: int,
                     teams: int) -> list[list[str]]:
        """``owed`` households of one narrow band (``members``, most urgent
        first) in one group per team: the most urgent left, then those nearest
        to it (round trip), so that a team can chain them in the band's hours."""
        m = self.ws.base.travel_s
        rows = {hid: self.ws.row(by_id[hid].lon, by_id[hid].lat) for hid in members}
        free = list(members)
        per_team = math.ceil(owed / max(1, teams))
        groups: list[list[str]] = []
        count = 0
        while free and count < owed:
            seed = free.pop(0)
            group = sorted(free, key=lambda h: int(m[rows[seed], rows[h]])
                           + int(m[rows[h], rows[seed]]))[:min(per_team, owed - count) - 1]
            groups.append([seed] + group)
            count += len(group) + 1
            free = [h for h in free if h not in group]
        return groups

    def _clusters(self, groups: list[list[str]], rest: list[str], work: dict[str, float],
                  facts: dict[str, _Facts], by_id: dict[str, Household], budget: float,
                  teams: int) -> list[str]:
        """One cluster per team, within the team's share of ``budget``: a narrow
        band's group (``groups``) first, or a seed (villages already begun, to
        finish them and leave no scattered remnants; the villages with the
        most bedridden left; the farthest from the station first, the near
        ones being cheap to reach at the end); then the open households of
        the same villages, nearest first, then the nearest others."""
        m = self.ws.base.travel_s
        first = [hid for g in groups for hid in g]
        ids = first + rest
        index = {hid: k for k, hid in enumerate(ids)}
        rows = np.array([facts[h].row for h in ids], dtype=np.int64)
        village = [by_id[h].village_id for h in ids]
        code_of = {v: k for k, v in enumerate(dict.fromkeys(village))}
        codes = np.array([code_of[v] for v in village], dtype=np.int64)
        free = np.ones(len(ids), dtype=bool)
        share = budget / max(1, teams)
        left: dict[str, int] = {}
        frail: dict[str, int] = {}
        for h, v in zip(ids, village, strict=True):
            left[v] = left.get(v, 0) + 1
            frail[v] = frail.get(v, 0) + facts[h].bedridden
        begun = np.array([left[v] < self.village_size.get(v, left[v]) for v in village])
        bedridden = np.array([frail[v] for v in village], dtype=np.float64)
        far = (m[0, rows] + m[rows, 0]).astype(np.float64)
        owed = np.zeros(len(ids), dtype=bool)
        owed[:len(first)] = True
        seed_order = np.lexsort((-far, -bedridden, ~begun))
        seed_order = seed_order[~owed[seed_order]]
        picked: list[str] = []
        for t in range(max(1, teams)):
            if t < len(groups):
                anchor = [index[h] for h in groups[t]]
            else:
                seeds = seed_order[free[seed_order]]
                if len(seeds) == 0:
                    break
                anchor = [int(seeds[0])]
            used = 0.0
            for k in anchor:
                free[k] = False
                used += work[ids[k]]
                picked.append(ids[k])
            here = np.zeros(len(code_of), dtype=bool)
            here[codes[anchor]] = True
            near = np.min([(m[rows[k], rows] + m[rows, rows[k]]).astype(np.float64)
                           for k in anchor], axis=0)
            near += np.where(here[codes], 0.0, 1e7)
            near[~free | owed] = np.inf
            order = np.argsort(near, kind="stable")
            finite = np.isfinite(near[order])
            reach = int(np.argmin(finite)) if not finite.all() else len(order)
            for k in order[:reach].tolist():
                if used + work[ids[k]] > share and used > 0:
                    if used >= share:
                        break
                    continue
                free[k] = False
                used += work[ids[k]]
                picked.append(ids[k])
        # groups beyond the teams still go today (the day planner places them)
        picked += [ids[k] for k in range(len(first)) if free[k]]
        return picked


def _worked_s(route) -> int:
    """A route's rides and stops (s): its duration without the lunch break
    and the time spent waiting (before a visit's or a boarding's service
    starts, or between stops); a collection point's whole slot."""
    return sum(s.travel_s + (s.depart_s - s.arrive_s if s.kind == "point" else s.service_s)
               for s in route.stops if s.kind not in ("break", "start", "end"))


def _end_of(w: Window) -> str:
    """``early`` for a window of the morning (ending by ``EARLY_END_S``), else ``evening``."""
    return "early" if w.end_s <= EARLY_END_S else "evening"
