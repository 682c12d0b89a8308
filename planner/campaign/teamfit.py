"""The open home visits offered by shift, team by team (``fit_by_shift``),
and a narrow band's share counted for the hours it can use (``band_work``).

When the narrow bands set the campaign's length and are packed into chains
(``planner.campaign.bandpack``), each day holds one chain per team and end
(the early team's 06:00–07:30, the late team's 17:00–19:00). The open visits
offered beside them used to be paced by count (``assign.PACE`` times what is
left over the days left): the day planner, bound by the tier rule, drops the
lowest tiers of an overfilled day, and the chains' households are often of
the lowest. Paced by count, the days after a missed chain were offered too
little: the team that cannot reach a band's hours (09:30–19:00 when the
band is 06:00–07:30) stood idle from its shift's start while open
households waited for the last days (seed 202 of
``benchmarks/campaign_quality.py``: days 5–9 at 39–74 % of the teams' time,
then 15 open households on day 10); and a day was offered open households
that only the chain's team could reach (at home 07:00–11:00) on top of the
chain, so the tier rule left the chain out (seed 202 day 5: two bedridden
visits of 115 min at home 07:00–11:00 and an early chain for team T1 alone).

So the open households are offered by shift: each kit team with the
``home`` duty has its day (``day_limits``) cut into ``STEP_S`` buckets of
free time and its capacity left (``team_capacity_s``, calibrated, less the
collection points' and shuttles' work of the day, charged to the teams with
that duty, less the hours its chains hold, which are taken out of its
buckets, and less ``RESERVE`` of its day, kept free). The open
households, in the day assignment's order, are placed one by one: a
household whose home residents are in at any hour needs its work
(service and approach, ``Assigner._home_work``) in some team's capacity
left; one at home only at some hours needs, in addition, its service inside
the free buckets of one of its windows that the team can reach (out from the
station after its day starts, back before it ends). It goes to the fitting
team with the most free time in its windows (then the most capacity left),
and what it takes is taken; a household that fits no team is not offered
today. No pacing by count: a day is offered what its teams can do beside
their chains. A heuristic of the day assignment, not a bound (travel between
visits and lunch are in the calibrated work only). Units: seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The width of a team's buckets of free time.
STEP_S = 900
#: The share of each team's day (its limits) left free by ``offer_by_shift``:
#: the day planner's routes travel between the visits more than the
#: calibrated estimate on some days, and an overfilled day drops its lowest
#: tier first, often a chain's household.
RESERVE = 0.1


@dataclass
class TeamDay:
    """One kit team's day as ``fit_by_shift`` fills it: its limits (clock s),
    the capacity left (s of estimated work) and the free seconds of each
    ``STEP_S`` bucket from ``lo``."""

    team: str
    lo: int
    hi: int
    left_s: float
    free: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.free:
            n = max(0, -(-(self.hi - self.lo) // STEP_S))
            self.free = [min(STEP_S, self.hi - self.lo - k * STEP_S) for k in range(n)]

    def block(self, a: int, b: int) -> int:
        """Take every free second of ``[a, b]`` (clock s); the seconds taken."""
        taken = 0
        for k in self._buckets(a, b):
            taken += self.free[k]
            self.free[k] = 0
        return taken

    def room(self, a: int, b: int) -> int:
        """Free seconds in the buckets inside ``[a, b]`` (clock s)."""
        return sum(self.free[k] for k in self._buckets(a, b))

    def take(self, a: int, b: int, seconds: int) -> None:
        """Take ``seconds`` from the earliest free buckets inside ``[a, b]``."""
        for k in self._buckets(a, b):
            got = min(seconds, self.free[k])
            self.free[k] -= got
            seconds -= got
            if seconds <= 0:
                return

    def _buckets(self, a: int, b: int) -> range:
        """The buckets lying wholly inside ``[a, b]``."""
        first = max(0, -(-(a - self.lo) // STEP_S))
        last = min(len(self.free), (b - self.lo) // STEP_S)
        return range(first, max(first, last))


@dataclass(frozen=True, slots=True)
class Need:
    """What one open household asks of a team's day: its work (s, estimated,
    with the approach), its service at the house (s), the windows its home
    residents are in together (``()``: any hour), and the rides from the
    station to it and back (s)."""

    work_s: float
    service_s: int
    windows: tuple[tuple[int, int], ...]
    there_s: int
    back_s: int


def _reach(day: TeamDay, need: Need) -> list[tuple[int, int]]:
    """The parts of ``need``'s windows ``day``'s team can be at the house in,
    each long enough for its service."""
    lo, hi = day.lo + need.there_s, day.hi - need.back_s
    spans = need.windows or ((lo, hi),)
    return [(max(a, lo), min(b, hi)) for a, b in spans
            if min(b, hi) - max(a, lo) >= need.service_s]


def fit_by_shift(order: list[str], needs: dict[str, Need], days: list[TeamDay]) -> list[str]:
    """The households of ``order`` (in that order) that fit the teams' ``days``
    one after another (module docstring); ``days`` are filled in place."""
    out: list[str] = []
    for hid in order:
        need = needs[hid]
        best = None
        for day in days:
            if day.left_s < need.work_s:
                continue
            spans = _reach(day, need)
            if not need.windows:
                key = (day.left_s, 0)
            else:
                rooms = [(day.room(a, b), (a, b)) for a, b in spans]
                rooms = [r for r in rooms if r[0] >= need.service_s]
                if not rooms:
                    continue
                key = (max(r for r, _ in rooms), day.left_s)
            if spans and (best is None or key > best[0]):
                best = (key, day, spans)
        if best is None:
            continue
        _key, day, spans = best
        day.left_s -= need.work_s
        if need.windows:
            a, b = max(spans, key=lambda s: day.room(*s))
            day.take(a, b, need.service_s)
        out.append(hid)
    return out


def offer_by_shift(kept: list[str], order: list[str],
                   chains: list[tuple[str, int, int, tuple[str, ...]]], needs: dict[str, Need],
                   days: list[TeamDay], calibration: float, reserve: float = RESERVE,
                   ) -> list[str]:
    """``kept`` (offered whatever: today's chains and the households the day
    owes) and those of ``order`` that fit the teams' ``days`` beside them
    (``fit_by_shift``). Each of today's ``chains`` (team, hours ``a``–``b``
    in clock s, its households) takes its team's buckets in those hours
    and, from its capacity left, those hours (over ``calibration``) or its
    households' work, the larger; each team keeps ``reserve`` of its day
    free; the other households of ``kept`` take their share first."""
    team_of = {d.team: d for d in days}
    chained = {hid for *_hours, hids in chains for hid in hids}
    for team, a, b, hids in chains:
        if team in team_of:
            d = team_of[team]
            d.left_s -= max(d.block(a, b) / calibration, sum(needs[h].work_s for h in hids))
    for d in days:
        d.left_s -= reserve * (d.hi - d.lo) / calibration
    fit_by_shift([hid for hid in kept if hid in needs and hid not in chained], needs, days)
    return kept + fit_by_shift(order, needs, days)


def overbooked(candidates: list[str], picked: list[str],
               rank: dict[str, tuple[int, int, float]], chains: list[list[str]],
               room: float) -> list[str]:
    """Open home visits of ``candidates`` beyond ``picked`` within ``room`` s,
    the most urgent first (``rank``: tier, minus the days waited, work in s),
    of no higher a tier than the least urgent household of today's
    ``chains`` (none without chains)."""
    members = [hid for c in chains for hid in c]
    if not members or room <= 0:
        return []
    tier = max(rank[hid][0] for hid in members)
    taken = set(picked)
    out: list[str] = []
    for hid in sorted((h for h in candidates if h not in taken and rank[h][0] >= tier),
                      key=lambda h: (rank[h][:2], h)):
        if rank[hid][2] > room:
            break
        out.append(hid)
        room -= rank[hid][2]
    return out


def band_work(bands: dict[str, list[str]], first: list[str], work: dict[str, int],
              windows: dict[str, tuple[tuple[int, int], ...]],
              limits: list[tuple[int, int]]) -> dict[str, float]:
    """``work`` with each narrow band's households offered first (``first``)
    counted, together, for at most the kit teams' time inside the band's
    hours today (``limits``: each team's day; the band's hours: its
    households' ``windows`` merged): a band's share is offered for the day
    planner to choose from, and what the band's hours cannot hold does not
    take the place of other visits in the day's budget."""
    out: dict[str, float] = dict(work)
    offered = set(first)
    for band, members in bands.items():
        mine = [hid for hid in members if hid in offered]
        if band == "open" or not mine:
            continue
        spans = sorted(w for hid in members for w in windows[hid])
        merged: list[list[int]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        room = sum(max(0, min(hi, b) - max(lo, a)) for lo, hi in limits for a, b in merged)
        total = sum(work[hid] for hid in mine)
        if total > room:
            for hid in mine:
                out[hid] = work[hid] * room / total
    return out
