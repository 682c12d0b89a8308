"""The presence model: the chance of finding a household's residents at home,
per time band of the day and kind of day (weekday or weekend).

Three sources, weakest first (see ``docs/presence.md`` for the formulas and a
worked example that ``tests/presence/test_presence.py`` checks):

1. **The scenario's prior** ``m0``: from the residents' availability windows
   when the scenario gives them (a band inside the windows ``window_in``,
   outside ``window_out``, in between by overlap), else from a default profile
   by condition (``DEFAULT_PROFILES``: bedridden nearly always home, working
   age mostly in the evening). A household is as available as its least
   available resident (the minimum over the residents a home visit enrols).
2. **The village** (partial pooling): the other households of the village
   visited in the same band and kind of day shift the prior by their surplus
   of successes over what their own priors expected,
   ``m_v = m0 + (S - E) / (k0 + N)``; with equal priors this is the Beta
   posterior mean ``(k0·m0 + S) / (k0 + N)``.
3. **The household's own outcomes**: a Beta–Bernoulli update of the prior
   ``Beta(κ·m_v, κ·(1 - m_v))`` with its own ``h`` visits at home and ``a``
   visits with nobody home: ``Beta(κ·m_v + h, κ·(1 - m_v) + a)``. ``κ`` (in
   prior visits) is estimated from the data by maximum marginal likelihood
   with a weak prior (empirical Bayes, ``estimate_kappa``), ``default_kappa``
   while there are too few repeated visits to tell.

The model is a pure function of the outcome rows the campaign state already
stores, ``(household_id, village_id, date, clock_s, outcome)``: it keeps no
state of its own, so re-planning recomputes it from the outcomes. Clock times
are seconds after local midnight; weekdays are Monday = 0 … Sunday = 6;
chances are probabilities in [0, 1].

Imports only the domain model, the shared rules and the standard library (no
ortools, no networkx).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from planner.domain import Condition, Household, Resident, Scenario, Window
from planner.rules import home_residents

DayKind = Literal["weekday", "weekend"]
DAY_KINDS: tuple[DayKind, ...] = ("weekday", "weekend")

#: Outcomes that show somebody was at home (the visit reached a resident).
HOME_OUTCOMES = ("enrolled", "refused", "retry_needed")
#: Outcomes that show nobody was at home.
AWAY_OUTCOMES = ("not_home",)
# ``moved`` and ``deceased`` say nothing about the hours a household is at home.


@dataclass(frozen=True)
class Band:
    """A time band of the day, ``[start_s, end_s)`` in clock seconds."""

    id: str
    start_s: int
    end_s: int

    def contains(self, clock_s: int) -> bool:
        return self.start_s <= clock_s < self.end_s


#: The bands of a working day; a clock time before the first band counts in
#: the first, after the last in the last.
BANDS: tuple[Band, ...] = (
    Band("early", 5 * 3600, 8 * 3600),
    Band("morning", 8 * 3600, 11 * 3600),
    Band("noon", 11 * 3600, 13 * 3600 + 1800),
    Band("afternoon", 13 * 3600 + 1800, 17 * 3600),
    Band("evening", 17 * 3600, 21 * 3600),
)
BAND_IDS: tuple[str, ...] = tuple(b.id for b in BANDS)
_BAND = {b.id: b for b in BANDS}

#: Default chance of finding a resident at home by condition, kind of day and
#: band (in ``BANDS`` order). ASSUMPTIONS from the field reports in
#: ``seeds/`` (working-age people are in the fields or forest by day, some come
#: home only at weekends), not measurements: edit them here or pass
#: ``PresenceParams(profiles=...)``; the household's outcomes correct them.
DEFAULT_PROFILES: tuple[tuple[Condition, DayKind, tuple[float, ...]], ...] = (
    ("bedridden", "weekday", (0.95, 0.95, 0.95, 0.95, 0.95)),
    ("bedridden", "weekend", (0.95, 0.95, 0.95, 0.95, 0.95)),
    ("disabled", "weekday", (0.9, 0.85, 0.9, 0.85, 0.9)),
    ("disabled", "weekend", (0.9, 0.85, 0.9, 0.85, 0.9)),
    ("elderly", "weekday", (0.85, 0.75, 0.85, 0.75, 0.9)),
    ("elderly", "weekend", (0.85, 0.8, 0.85, 0.8, 0.9)),
    ("postpartum", "weekday", (0.9, 0.9, 0.9, 0.9, 0.9)),
    ("postpartum", "weekend", (0.9, 0.9, 0.9, 0.9, 0.9)),
    ("able", "weekday", (0.5, 0.2, 0.35, 0.2, 0.75)),
    ("able", "weekend", (0.6, 0.45, 0.55, 0.45, 0.8)),
)


@dataclass(frozen=True)
class PresenceParams:
    """Knobs of the presence model.

    ``prior_visits`` (``k0``, in visits) is how many visits the scenario's prior
    is worth against the village's pooled outcomes. ``window_in`` and
    ``window_out`` are the chances inside and outside a resident's given
    windows. ``default_kappa`` (in visits) is the household's prior strength
    against its own outcomes until ``min_cells_for_kappa`` household-bands with
    at least two visits allow an empirical-Bayes estimate in
    ``[kappa_min, kappa_max]``, with a log-normal prior of sd
    ``kappa_prior_sd`` (natural log) around ``default_kappa``. Chances stay
    in ``[floor, 1 - floor]``. A household with ``max_failed_visits`` visits
    with nobody home is proposed for another approach. ``weekend_days`` are
    weekday numbers (Monday = 0).
    """

    prior_visits: float = 2.0
    window_in: float = 0.85
    window_out: float = 0.1
    default_kappa: float = 4.0
    kappa_min: float = 1.0
    kappa_max: float = 50.0
    min_cells_for_kappa: int = 10
    kappa_prior_sd: float = 1.0
    floor: float = 0.02
    max_failed_visits: int = 3
    weekend_days: tuple[int, ...] = (5, 6)
    profiles: tuple[tuple[Condition, DayKind, tuple[float, ...]], ...] = DEFAULT_PROFILES

    def __post_init__(self) -> None:
        problems = []
        if self.prior_visits <= 0 or self.default_kappa <= 0:
            problems.append("prior_visits and default_kappa must be > 0")
        if not 0 < self.kappa_min <= self.default_kappa <= self.kappa_max:
            problems.append("need 0 < kappa_min <= default_kappa <= kappa_max")
        if not 0 <= self.window_out <= self.window_in <= 1:
            problems.append("need 0 <= window_out <= window_in <= 1")
        if not self.kappa_prior_sd > 0:
            problems.append("kappa_prior_sd must be > 0 (inf: no prior)")
        if not 0 < self.floor < 0.5:
            problems.append("floor must be in (0, 0.5)")
        for cond, kind, chances in self.profiles:
            if len(chances) != len(BANDS) or not all(0 <= p <= 1 for p in chances):
                problems.append(f"profile {cond}/{kind} needs {len(BANDS)} chances in [0, 1]")
        if problems:
            raise ValueError("; ".join(problems))

    def profile(self, condition: str, kind: DayKind) -> tuple[float, ...]:
        for cond, k, chances in self.profiles:
            if cond == condition and k == kind:
                return chances
        raise KeyError(f"no presence profile for condition {condition!r} on a {kind}")


def day_kind(weekday: int, params: PresenceParams | None = None) -> DayKind:
    """``weekend`` for the weekend days of ``params`` (Saturday, Sunday), else ``weekday``."""
    weekend = (params or PresenceParams()).weekend_days
    return "weekend" if weekday % 7 in weekend else "weekday"


def band_of(band_or_clock_s: str | int) -> Band:
    """The band with that id, or the band a clock time (seconds) falls in
    (clamped to the first and last band)."""
    if isinstance(band_or_clock_s, str):
        try:
            return _BAND[band_or_clock_s]
        except KeyError:
            raise KeyError(f"unknown band {band_or_clock_s!r}; bands are "
                           f"{', '.join(BAND_IDS)}") from None
    clock_s = int(band_or_clock_s)
    for b in BANDS:
        if b.contains(clock_s):
            return b
    return BANDS[0] if clock_s < BANDS[0].start_s else BANDS[-1]


# ---------------------------------------------------------------- the prior


Cell = tuple[DayKind, str]
CELLS: tuple[Cell, ...] = tuple((k, b.id) for k in DAY_KINDS for b in BANDS)


@dataclass(frozen=True)
class HouseholdPrior:
    """The scenario's prior chance for one household, one per cell of
    ``CELLS`` (kind of day × band), and where it comes from (``windows`` or
    ``condition``, per limiting resident)."""

    household_id: str
    village_id: str
    means: tuple[float, ...]
    source: str

    def mean(self, kind: DayKind, band: str) -> float:
        return self.means[CELLS.index((kind, band))]


def _overlap_s(band: Band, windows: tuple[Window, ...]) -> int:
    return sum(max(0, min(band.end_s, w.end_s) - max(band.start_s, w.start_s)) for w in windows)


def resident_prior(resident: Resident, kind: DayKind, band: Band,
                   params: PresenceParams) -> float:
    """One resident's prior chance in ``band`` on a ``kind`` day: by the
    overlap of the band with the resident's windows when given (``window_out``
    + (``window_in`` - ``window_out``) × overlap fraction), else by condition."""
    if resident.windows:
        frac = _overlap_s(band, resident.windows) / (band.end_s - band.start_s)
        return params.window_out + (params.window_in - params.window_out) * frac
    return params.profile(resident.condition, kind)[BAND_IDS.index(band.id)]


def hour_prior(residents: Iterable[Resident], kind: DayKind, clock_s: int,
               params: PresenceParams | None = None) -> float:
    """The scenario's prior chance at one clock time (seconds) rather than
    averaged over its band: for a resident with windows ``window_in`` inside
    them and ``window_out`` outside, else the condition's chance in the band;
    the minimum over ``residents``. A day planner that visits inside the
    given windows weighs its visits by this (a 07:30 visit to someone home
    07:00–11:00 is inside the hours given, though the 05:00–08:00 band is
    mostly outside them)."""
    params = params or PresenceParams()
    band = band_of(int(clock_s))
    chances = []
    for r in residents:
        if r.windows:
            inside = any(w.start_s <= clock_s < w.end_s for w in r.windows)
            chances.append(params.window_in if inside else params.window_out)
        else:
            chances.append(params.profile(r.condition, kind)[BAND_IDS.index(band.id)])
    return _clip(min(chances, default=params.window_in), params)


def household_prior(household: Household, params: PresenceParams | None = None,
                    residents: Iterable[Resident] | None = None) -> HouseholdPrior:
    """The scenario's prior for ``household``: per cell, the minimum over
    ``residents`` of their prior chances. Default residents: those a home
    visit enrols (``planner.rules.home_residents``; a ``point`` resident it
    enrols because she is in does not limit the chance), or all of them when
    a home visit enrols none (everyone comes to a point or is shuttled)."""
    params = params or PresenceParams()
    if residents is not None:
        people = tuple(residents)
    else:
        people = tuple(r for r in home_residents(household) if r.mode != "point") \
            or household.residents
    if not people:
        raise ValueError(f"household {household.id} has no residents to find at home")
    means = []
    for kind, band_id in CELLS:
        band = _BAND[band_id]
        means.append(_clip(min(resident_prior(r, kind, band, params) for r in people), params))
    sources = sorted({"windows" if r.windows else "condition" for r in people})
    return HouseholdPrior(household.id, household.village_id, tuple(means), "+".join(sources))


def scenario_priors(households: Iterable[Household], params: PresenceParams | None = None,
                    ) -> dict[str, HouseholdPrior]:
    """``household_prior`` for every household, keyed by household id."""
    return {h.id: household_prior(h, params) for h in households}


# ------------------------------------------------------------- the outcomes


@dataclass(frozen=True)
class OutcomeRow:
    """One stored outcome of a visit to one resident: ``clock_s`` is when the
    team was at the house (seconds after midnight; None when unknown)."""

    household_id: str
    village_id: str
    date: dt.date
    clock_s: int | None
    outcome: str


@dataclass(frozen=True)
class Visit:
    """One visit to a household (its residents' rows of one date merged):
    ``home`` when anybody was found, else nobody was."""

    household_id: str
    village_id: str
    date: dt.date
    clock_s: int | None
    home: bool


def visits_from_rows(rows: Iterable[OutcomeRow]) -> list[Visit]:
    """Merge the residents' rows of one household and date into one visit.

    A visit found somebody at home when any row is ``enrolled``, ``refused`` or
    ``retry_needed``; nobody when its rows are ``not_home`` (``moved`` and
    ``deceased`` rows carry no information on presence; a visit with only such
    rows is dropped). The clock time is the earliest known one of the rows.
    """
    merged: dict[tuple[str, dt.date], list[OutcomeRow]] = defaultdict(list)
    for r in rows:
        merged[(r.household_id, r.date)].append(r)
    visits = []
    for (hid, date), group in sorted(merged.items()):
        informative = [r for r in group if r.outcome in HOME_OUTCOMES + AWAY_OUTCOMES]
        if not informative:
            continue
        clocks = [r.clock_s for r in informative if r.clock_s is not None]
        home = any(r.outcome in HOME_OUTCOMES for r in informative)
        visits.append(Visit(hid, group[0].village_id, date, min(clocks) if clocks else None,
                            home))
    return visits


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class Posterior:
    """The posterior for one household and cell: ``Beta(alpha, beta)``, and
    what it is made of (``prior_mean`` ``m0``; ``village_mean`` ``m_v`` from
    ``village_home`` of ``village_visits`` other households' visits; the
    household's own ``home`` and ``away`` visits; ``kappa``)."""

    alpha: float
    beta: float
    prior_mean: float
    village_mean: float
    village_home: int
    village_visits: int
    home: int
    away: int
    kappa: float
    source: str

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)


@dataclass(frozen=True)
class BandChance:
    """A band on a kind of day and the household's chance of being home then."""

    band: Band
    kind: DayKind
    chance: float


@dataclass(frozen=True)
class Approach:
    """Another approach for a household found away too often: ``kind`` is
    ``visit_band`` (a visit in an untried band that looks better, e.g. the
    evening), ``call`` (phone ahead; a number is known) or ``point`` (invite to
    a collection point). For ``visit_band``: the ``band`` id, its kind of
    day (``day``) and the chance there (in [0, 1]). Numbers only: the words
    are ``planner.render.presence_text.approach_text``."""

    kind: str
    band: str | None = None
    day: DayKind | None = None
    chance: float | None = None


def _clip(p: float, params: PresenceParams) -> float:
    return min(1.0 - params.floor, max(params.floor, p))


@dataclass(frozen=True)
class _Tally:
    home: int = 0
    visits: int = 0
    expected: float = 0.0  # sum of the prior means of the visits


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def kappa_grid(params: PresenceParams, steps: int = 41) -> tuple[float, ...]:
    """The values of ``κ`` tried: geometric from ``kappa_min`` to ``kappa_max``."""
    ratio = params.kappa_max / params.kappa_min
    return tuple(params.kappa_min * ratio ** (k / (steps - 1)) for k in range(steps))


def estimate_kappa(cells: Iterable[tuple[int, int, float]], params: PresenceParams,
                   ) -> float:
    """Empirical-Bayes prior strength ``κ`` (in visits) from household-cells
    ``(home, visits, village mean m_v)``: the ``κ`` of ``kappa_grid`` that
    maximises the marginal likelihood of the outcomes (beta-binomial; ``B``
    the Beta function) plus a weak log-normal prior on ``κ``,

        Σ [log B(κ·m + home, κ·(1 - m) + away) - log B(κ·m, κ·(1 - m))]
          - (ln(κ / default_kappa) / kappa_prior_sd)² / 2

    Unlike a method-of-moments estimate this stays right when visits stop
    once a household is enrolled (the likelihood does not depend on such a
    stopping rule); the prior keeps a few dozen cells from swinging ``κ`` to
    either end of the grid (``kappa_prior_sd = inf``: none). Cells with one
    visit carry no information on ``κ`` and are left out; with fewer than
    ``min_cells_for_kappa`` cells of two visits or more the answer is
    ``default_kappa``. Ties go to the larger ``κ`` (more pooling).
    """
    used = [(h, n - h, m) for h, n, m in cells if n >= 2]
    if len(used) < params.min_cells_for_kappa:
        return params.default_kappa
    best, best_ll = params.default_kappa, -math.inf
    for kappa in kappa_grid(params):
        ll = sum(_log_beta(kappa * m + h, kappa * (1 - m) + a)
                 - _log_beta(kappa * m, kappa * (1 - m)) for h, a, m in used)
        ll -= (math.log(kappa / params.default_kappa) / params.kappa_prior_sd) ** 2 / 2
        if ll >= best_ll - 1e-12:
            best, best_ll = kappa, ll
    return best


@dataclass(frozen=True)
class PresenceModel:
    """The fitted model: ``model_for`` builds it; ``chance``, ``best_bands``,
    ``instead_of`` and ``other_approaches`` answer the planners (the words are
    ``planner.render.presence_text``'s)."""

    params: PresenceParams
    priors: Mapping[str, HouseholdPrior]
    own: Mapping[tuple[str, DayKind, str], _Tally]
    village: Mapping[tuple[str, DayKind, str], _Tally]
    kappa: float
    failed: Mapping[str, int] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()

    def _prior(self, household_id: str) -> HouseholdPrior:
        try:
            return self.priors[household_id]
        except KeyError:
            raise KeyError(f"household {household_id!r} has no presence prior; build the "
                           "model with every household of the scenario") from None

    def village_mean(self, household_id: str, kind: DayKind, band: str) -> float:
        """``m_v``: the prior shifted by the other village households' outcomes."""
        return self._village(household_id, kind, band)[0]

    def _village(self, household_id: str, kind: DayKind, band: str,
                 ) -> tuple[float, int, int]:
        prior = self._prior(household_id)
        m0 = prior.mean(kind, band)
        v = self.village.get((prior.village_id, kind, band), _Tally())
        o = self.own.get((household_id, kind, band), _Tally())
        s, n, e = v.home - o.home, v.visits - o.visits, v.expected - o.expected
        mv = _clip(m0 + (s - e) / (self.params.prior_visits + n), self.params)
        return mv, s, n

    def posterior(self, household_id: str, band_or_clock_s: str | int, weekday: int,
                  ) -> Posterior:
        """The ``Beta`` posterior of the household's chance in that band
        (an id or a clock time in seconds) on that weekday (Monday = 0)."""
        band = band_of(band_or_clock_s).id
        kind = day_kind(weekday, self.params)
        prior = self._prior(household_id)
        mv, s, n = self._village(household_id, kind, band)
        o = self.own.get((household_id, kind, band), _Tally())
        away = o.visits - o.home
        return Posterior(self.kappa * mv + o.home, self.kappa * (1 - mv) + away,
                         prior.mean(kind, band), mv, s, n, o.home, away, self.kappa,
                         prior.source)

    def chance_with_prior(self, household_id: str, band_or_clock_s: str | int, weekday: int,
                          m0: float) -> float:
        """``chance`` with ``m0`` in place of the household's prior for the
        band (``hour_prior``: the prior at the visit's very hour), shifted by
        the same village outcomes and updated by the same own outcomes."""
        band = band_of(band_or_clock_s).id
        kind = day_kind(weekday, self.params)
        prior = self._prior(household_id)
        v = self.village.get((prior.village_id, kind, band), _Tally())
        o = self.own.get((household_id, kind, band), _Tally())
        s, n, e = v.home - o.home, v.visits - o.visits, v.expected - o.expected
        mv = _clip(m0 + (s - e) / (self.params.prior_visits + n), self.params)
        return (self.kappa * mv + o.home) / (self.kappa + o.visits)

    def chance(self, household_id: str, band_or_clock_s: str | int, weekday: int) -> float:
        """The chance (0–1) of finding the household's residents at home in
        that band (an id such as ``"evening"`` or a clock time in seconds) on
        that weekday (Monday = 0): the posterior mean."""
        return self.posterior(household_id, band_or_clock_s, weekday).mean

    def best_bands(self, household_id: str, weekday: int,
                   bands: Iterable[str | int] | None = None) -> tuple[BandChance, ...]:
        """The bands (default all; or those given, by id or clock seconds) on
        that weekday, highest chance first (ties: the earlier band first)."""
        chosen = [band_of(b) for b in bands] if bands is not None else list(BANDS)
        kind = day_kind(weekday, self.params)
        out = {b.id: BandChance(b, kind, self.chance(household_id, b.id, weekday))
               for b in chosen}
        return tuple(sorted(out.values(), key=lambda c: (-c.chance, BANDS.index(c.band))))

    def good_windows(self, household_id: str, weekday: int, within: float = 0.1,
                     ) -> tuple[Window, ...]:
        """The clock windows (seconds) of the bands whose chance on that weekday
        is within ``within`` of the household's best band, adjacent bands
        merged: what a day planner can intersect with the residents' windows
        to prefer the likely hours."""
        ranked = self.best_bands(household_id, weekday)
        good = sorted((c.band for c in ranked if c.chance >= ranked[0].chance - within),
                      key=BANDS.index)
        out: list[Window] = []
        for b in good:
            if out and out[-1].end_s == b.start_s:
                out[-1] = Window(out[-1].start_s, b.end_s)
            else:
                out.append(Window(b.start_s, b.end_s))
        return tuple(out)

    def failed_visits(self, household_id: str) -> int:
        """Visits to the household with nobody at home, all bands and days."""
        return self.failed.get(household_id, 0)

    def instead_of(self, household_id: str, chosen: str, weekday: int) -> str:
        """The band a visit in band ``chosen`` is weighed against: the band of
        the household's visits with nobody home (most of them) on that kind of
        day, else its next-best band (``chosen`` when there is none)."""
        kind = day_kind(weekday, self.params)
        tried = [(b.id, self.own[(household_id, kind, b.id)]) for b in BANDS
                 if (household_id, kind, b.id) in self.own]
        failed = [(bid, t) for bid, t in tried if t.visits > t.home and bid != chosen]
        if failed:
            return max(failed, key=lambda x: x[1].visits - x[1].home)[0]
        others = [c for c in self.best_bands(household_id, weekday) if c.band.id != chosen]
        return others[0].band.id if others else chosen

    def away_in(self, household_id: str, band: str, weekday: int) -> int:
        """Visits to the household in ``band`` on that kind of day with nobody home."""
        t = self.own.get((household_id, day_kind(weekday, self.params), band), _Tally())
        return t.visits - t.home

    def other_approaches(self, household_id: str, has_contact: bool = False,
                         ) -> tuple[Approach, ...]:
        """For a household with at least ``max_failed_visits`` visits with
        nobody home: the approaches to propose, best first (a visit in the
        best untried band when its chance is at least one half; a call ahead
        when a phone number is known; a collection point). ``()`` otherwise."""
        if self.failed_visits(household_id) < self.params.max_failed_visits:
            return ()
        out = []
        untried = [(self.chance(household_id, b.id, d), kind, b)
                   for kind, d in (("weekday", _weekday_of("weekday", self.params)),
                                   ("weekend", _weekday_of("weekend", self.params)))
                   for b in BANDS if (household_id, kind, b.id) not in self.own]
        if untried:
            p, kind, b = max(untried, key=lambda x: (x[0], -BANDS.index(x[2])))
            if p >= 0.5:
                out.append(Approach("visit_band", b.id, kind, p))
        if has_contact:
            out.append(Approach("call"))
        out.append(Approach("point"))
        return tuple(out)


def _weekday_of(kind: DayKind, params: PresenceParams) -> int:
    """A weekday number of that kind (for looking up a kind's chances)."""
    return next(d for d in range(7) if day_kind(d, params) == kind)


def fit(priors: Mapping[str, HouseholdPrior], rows: Iterable[OutcomeRow],
        params: PresenceParams | None = None) -> PresenceModel:
    """Fit the model to the outcome rows (any order).

    Rows of households without a prior are left out (their ids are in
    ``ignored``); rows without a clock time count as failed visits but not
    in any band.
    """
    params = params or PresenceParams()
    own: dict[tuple[str, DayKind, str], _Tally] = {}
    village: dict[tuple[str, DayKind, str], _Tally] = {}
    failed: dict[str, int] = defaultdict(int)
    ignored = set()
    for v in visits_from_rows(rows):
        prior = priors.get(v.household_id)
        if prior is None:
            ignored.add(v.household_id)
            continue
        if not v.home:
            failed[v.household_id] += 1
        if v.clock_s is None:
            continue
        kind, band = day_kind(v.date.weekday(), params), band_of(v.clock_s).id
        m0 = prior.mean(kind, band)
        for table, key in ((own, (v.household_id, kind, band)),
                           (village, (prior.village_id, kind, band))):
            t = table.get(key, _Tally())
            table[key] = _Tally(t.home + v.home, t.visits + 1, t.expected + m0)
    model = PresenceModel(params, MappingProxyType(dict(priors)), MappingProxyType(own),
                          MappingProxyType(village), params.default_kappa,
                          MappingProxyType(dict(failed)), tuple(sorted(ignored)))
    cells = [(t.home, t.visits, model.village_mean(hid, kind, band))
             for (hid, kind, band), t in own.items()]
    kappa = estimate_kappa(cells, params)
    return PresenceModel(params, model.priors, model.own, model.village, kappa, model.failed,
                         model.ignored)


def model_for(scenario: Scenario, outcomes: Iterable[OutcomeRow] = (),
              params: PresenceParams | None = None) -> PresenceModel:
    """The presence model of ``scenario``'s households (those with residents):
    their priors (``scenario_priors``) fitted to the ``outcomes`` (none: the
    prior alone). The one way the planners build a model."""
    params = params or PresenceParams()
    priors = scenario_priors((h for h in scenario.households if h.residents), params)
    return fit(priors, outcomes, params)
