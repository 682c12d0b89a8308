"""Presence benchmark (issue 16, item 4): does learning who is at home when
reach 100 % with fewer officer-days?

Usage::

    python -m benchmarks.presence [--seeds 10] [--households 150] [--teams 2]

Everything here is GENERATED: simulated communes whose true presence
profiles are known to the simulation and hidden from the planners. It does not
use the campaign code or the routing engine; it is a deliberately simple,
documented day model, the same for every planner, so that only the way a
planner judges presence differs. About 40 s of CPU for 10 seeds.

**The communes.** ``--households`` households in 6 villages. Each household
has a hidden type: bedridden (15 %), elderly (25 %), working in the fields
(40 %) or working away (20 %: rarely home on weekdays, home at weekends). Its
true chance in each band and kind of day is the type's base profile shifted
on the logit scale by a village effect per band and kind of day (sd 0.6, 0.2
in the evening: some villages come home for lunch) and a household effect
per cell (sd 0.5; none for the bedridden). The scenario tells the planners
only the condition (bedridden, elderly, or able for both working types) and,
for 35 % of the able households, the hours the village head gave ("17:00–20:00"). Two
communes, both run on the same seeds:

- **A** (``TRUE_PROFILES``): field workers are home early, at midday and in
  the evening, as the model's default profile assumes; the given hours are
  right for them, wrong on weekdays for those working away;
- **B** (``FIELD_HUTS``): in the farming season the field workers sleep in
  their field huts and come home for the midday meal: the default profile and
  the given hours are wrong for them.

**The day.** Every calendar day is a working day (the campaign worked
Sundays). ``--teams`` teams of 3 officers work 07:00–19:00 with lunch
11:30–12:30. A visit costs 25 min of travel (fixed, in place of a road
network) plus 40 min of enrolment when somebody is home; nobody home costs the
travel only. A team does its planned visits band by band and starts no visit
it cannot reach before 19:00. Whether somebody is home is decided by the true
chance in the band of the actual arrival time and one uniform draw per
household and day, the same draw for every planner (common random numbers:
the planners' differences are not luck). A household not enrolled may be
visited again the next day. A team with at least one visit in a day counts 3
officer-days. Not modelled: travel that depends on the order or the place,
refusals, another approach after failed visits.

**The planners** book visits into bands up to each band's booked time —
travel plus chance × enrolment time, for all teams together — and share them
among the teams:

- ``hard windows``: the given hours are hard (only bands that overlap them,
  a visit waits for their start), everyone is assumed home (chance 1), a
  failure only means a visit another day; households in table order, each
  in the first of its bands with time left, so the day fills from the morning;
  a household without given hours is visited as soon as the team is ready;
- ``flat not-home``: the same, but every visit succeeds with 1 − 15 %
  (``plan.py staffing``'s default not-home rate), so it books more visits;
- ``learnt model``: ``planner.presence`` fitted each evening to every outcome
  so far (the given hours are its prior, not a rule), and a rolling one-week
  plan that maximises the expected enrolments of the next 7 days (an
  enrolment ``k`` days ahead worth ``0.85 ** k``, each household at most
  once, chances below 10 % left out unless they are the household's best), a
  linear programme (scipy HiGHS) of which only today is kept; today's time
  left over goes to today's best remaining chances. A visit waits for the
  start of its band.

Three more rows explain the result and are not contenders: ``prior only``
(the learnt model's planner with the model's prior and no outcomes), ``flat,
week plan`` (the same planner with the flat rate inside the hard windows: how
much the planner alone brings) and ``oracle`` (the same planner with the true
chances, unknowable in the field: a bound).

The table gives, over the seeds: officer-days to enrol every household (mean
± sd, min–max; a run that has not finished after ``--max-days`` counts that
many and is flagged in ``done``), days to 100 %, the share enrolled after 20
days, enrolments per officer-day over the first 20 days (or to 100 % when
sooner) and visits per enrolment; then in how many seeds the learnt model
needs fewer officer-days than both other planners, and than ``prior only``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from planner import presence as pr
from planner.domain import Household, Resident, Window

TRAVEL_S = 25 * 60
SERVICE_S = 40 * 60
SHIFT = (7 * 3600, 19 * 3600)
LUNCH = (11 * 3600 + 1800, 12 * 3600 + 1800)
OFFICERS_PER_TEAM = 3
FLAT_NOT_HOME = 0.15
MIN_CHANCE = 0.10
DISCOUNT = 0.85  # per day: an enrolment tomorrow is worth 0.85 of one today
CAMPAIGN_DAYS = 20
START = dt.date(2026, 12, 7)  # a Monday
MAX_DAYS = 120
VILLAGES = 6
GIVEN_HOURS_P = 0.35
GIVEN_HOURS = (Window(17 * 3600, 20 * 3600),)

# true chance by type, kind of day and band (early, morning, noon, afternoon, evening)
TRUE_PROFILES: dict[str, dict[str, tuple[float, ...]]] = {
    "bedridden": {"weekday": (0.95,) * 5, "weekend": (0.95,) * 5},
    "elderly": {"weekday": (0.85, 0.7, 0.85, 0.7, 0.9),
                "weekend": (0.85, 0.75, 0.85, 0.75, 0.9)},
    "fields": {"weekday": (0.55, 0.12, 0.4, 0.12, 0.85),
               "weekend": (0.6, 0.4, 0.55, 0.4, 0.85)},
    "away": {"weekday": (0.1, 0.05, 0.08, 0.05, 0.15),
             "weekend": (0.75, 0.7, 0.75, 0.7, 0.85)},
}
#: Commune B: in the farming season the field workers stay in their field huts
#: at night and come home for the midday meal: the default profile (home in
#: the evening) and the village heads' hours ("17:00–20:00") are wrong for them.
FIELD_HUTS: dict[str, dict[str, tuple[float, ...]]] = {
    **TRUE_PROFILES,
    "fields": {"weekday": (0.3, 0.15, 0.75, 0.15, 0.25),
               "weekend": (0.35, 0.25, 0.8, 0.25, 0.3)},
}
COMMUNES = (("A", "the default profile is about right", TRUE_PROFILES),
            ("B", "field workers sleep in their field huts, home at midday: the default "
                  "profile and the given hours are wrong for them", FIELD_HUTS))
TYPES = (("bedridden", 0.15), ("elderly", 0.25), ("fields", 0.40), ("away", 0.20))
CONDITION = {"bedridden": "bedridden", "elderly": "elderly", "fields": "able", "away": "able"}


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@dataclass(frozen=True)
class Commune:
    """A GENERATED commune: the scenario's households (what planners see) and
    the true chance per household and cell (what only the simulation sees)."""

    households: tuple[Household, ...]
    truth: dict[str, dict[pr.Cell, float]]
    kinds: dict[str, str]
    draws: dict[str, tuple[float, ...]]  # per household, one uniform per day (shared by
    # every planner: a household visited in the same band on the same day has the same
    # outcome under any planner, so that the planners' differences are not luck)


def make_commune(seed: int, n: int,
                 profiles: dict[str, dict[str, tuple[float, ...]]] = TRUE_PROFILES,
                 ) -> Commune:
    rng = np.random.default_rng(seed)
    villages = [f"V{k + 1}" for k in range(VILLAGES)]
    veffect = {(v, c): (rng.normal(0, 0.6) if c[1] != "evening" else rng.normal(0, 0.2))
               for v in villages for c in pr.CELLS}
    names, weights = zip(*TYPES, strict=True)
    households, truth, kinds = [], {}, {}
    for k in range(n):
        hid = f"SIM-{k + 1:04d}"
        kind = str(rng.choice(names, p=weights))
        village = villages[int(rng.integers(VILLAGES))]
        windows: tuple[Window, ...] = ()
        if CONDITION[kind] == "able" and rng.random() < GIVEN_HOURS_P:
            windows = GIVEN_HOURS
        resident = Resident(f"SIM-R{k + 1:04d}", "GENERATED (simulated resident)",
                            CONDITION[kind], windows=windows)  # type: ignore[arg-type]
        households.append(Household(hid, village, 0.0, 0.0, (resident,)))
        kinds[hid] = kind
        cells = {}
        for cell in pr.CELLS:
            day, band = cell
            base = profiles[kind][day][pr.BAND_IDS.index(band)]
            shift = 0.0 if kind == "bedridden" else veffect[(village, cell)] + rng.normal(0, 0.5)
            cells[cell] = _sigmoid(_logit(base) + shift)
        truth[hid] = cells
    u = np.random.default_rng([seed, 2]).random((n, MAX_DAYS))
    draws = {h.id: tuple(float(x) for x in u[k]) for k, h in enumerate(households)}
    return Commune(tuple(households), truth, kinds, draws)


def _band_capacity_s() -> dict[str, int]:
    """Working seconds of one team in each band (shift ∩ band − lunch)."""
    out = {}
    for b in pr.BANDS:
        lo, hi = max(b.start_s, SHIFT[0]), min(b.end_s, SHIFT[1])
        lunch = max(0, min(hi, LUNCH[1]) - max(lo, LUNCH[0]))
        out[b.id] = max(0, hi - lo - lunch)
    return out


CAPACITY_S = _band_capacity_s()
SHIFT_BANDS = tuple(b.id for b in pr.BANDS if CAPACITY_S[b.id] > 0)


@dataclass(frozen=True)
class Booking:
    household_id: str
    band: str
    earliest_s: int


# a chance function: (household id, band id, weekday) -> chance
ChanceFn = Callable[[str, str, int], float]


def _hard_bands(h: Household) -> tuple[str, ...]:
    windows = h.residents[0].windows
    if not windows:
        return SHIFT_BANDS
    return tuple(b for b in SHIFT_BANDS
                 if any(min(pr.band_of(b).end_s, w.end_s) > max(pr.band_of(b).start_s, w.start_s)
                        for w in windows))


def _to_teams(chosen: list[tuple[str, str, float, int]], teams: int) -> list[list[Booking]]:
    """Share ``(household, band, chance, earliest start)`` bookings among the
    teams, each to the team with the most booked time left in that band."""
    left = {(t, b): float(CAPACITY_S[b]) for t in range(teams) for b in SHIFT_BANDS}
    days: list[list[Booking]] = [[] for _ in range(teams)]
    for hid, b, q, start in chosen:
        team = max(range(teams), key=lambda t: (left[(t, b)], -t))
        left[(team, b)] -= TRAVEL_S + q * SERVICE_S
        days[team].append(Booking(hid, b, start))
    for d in days:
        d.sort(key=lambda x: (SHIFT_BANDS.index(x.band), x.household_id))
    return days


def book_day(pending: list[Household], weekday: int, teams: int, chance: ChanceFn,
             ) -> list[list[Booking]]:
    """The window planners: the given hours are hard; in household order, each
    household goes to the first of its allowed bands whose booked time
    (travel + chance × enrolment time, all teams) is not yet full, so the day
    fills from the morning. A household without given hours has no fixed time:
    the team goes on to it as soon as it is ready."""
    left = {b: teams * CAPACITY_S[b] for b in SHIFT_BANDS}
    chosen = []
    for h in pending:
        windows = h.residents[0].windows
        for b in _hard_bands(h):
            q = chance(h.id, b, weekday)
            if left[b] > 0:  # the visit is expected to start inside the band
                left[b] -= TRAVEL_S + q * SERVICE_S
                start = max(pr.band_of(b).start_s, windows[0].start_s) if windows else 0
                chosen.append((h.id, b, q, start))
                break
    return _to_teams(chosen, teams)


def book_week(pending: list[Household], date: dt.date, teams: int, chance: ChanceFn,
              ) -> list[list[Booking]]:
    """The presence planners: a rolling one-week plan that maximises the
    expected enrolments of the next 7 days, an enrolment ``k`` days ahead
    worth ``DISCOUNT ** k`` (else the plan keeps putting visits off to a
    slightly better day), each household at most once, each
    (day, band) within its booked time (travel + chance × enrolment time, all
    teams), pairs with a chance below ``MIN_CHANCE`` left out (except a
    household's best slots when all its chances are below it); a linear
    programme (scipy HiGHS), of which only today is kept (a value of at least
    one half books the visit): tomorrow is planned again with the new outcomes.
    A visit waits for its band's start."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    days = [(date + dt.timedelta(days=k)).weekday() for k in range(7)]
    slots = [(k, b) for k in range(7) for b in SHIFT_BANDS]
    var: list[tuple[int, int, float]] = []  # (household index, slot index, chance)
    for i, h in enumerate(pending):
        qs = [chance(h.id, b, days[k]) for k, b in slots]
        floor = min(MIN_CHANCE, max(qs))  # nobody is given up: the best slot stays open
        var += [(i, j, q) for j, q in enumerate(qs) if q >= floor]
    if not var:
        return [[] for _ in range(teams)]
    rows, cols, vals = [], [], []
    for n, (i, j, q) in enumerate(var):
        rows += [i, len(pending) + j]
        cols += [n, n]
        vals += [1.0, (TRAVEL_S + q * SERVICE_S) / 3600]
    a = coo_matrix((vals, (rows, cols)), shape=(len(pending) + len(slots), len(var)))
    # a slot may start its last visit before its end: allow one visit of overrun
    b_ub = [1.0] * len(pending) + [(teams * CAPACITY_S[b] + TRAVEL_S) / 3600 for _, b in slots]
    res = linprog([-q * DISCOUNT ** slots[j][0] for _, j, q in var], A_ub=a.tocsr(),
                  b_ub=b_ub, bounds=(0, 1), method="highs")
    if res.status != 0:
        raise RuntimeError(f"week plan LP failed: {res.message}")
    chosen = [(pending[i].id, slots[j][1], q, pr.band_of(slots[j][1]).start_s)
              for (i, j, q), x in zip(var, res.x, strict=True)
              if slots[j][0] == 0 and x >= 0.5]
    # today's time left over goes to the best remaining chances of today, even
    # of households the plan keeps for a better day later in the week
    left = {b: teams * CAPACITY_S[b] - sum(TRAVEL_S + q * SERVICE_S
                                           for _, bb, q, _ in chosen if bb == b)
            for b in SHIFT_BANDS}
    taken = {hid for hid, *_ in chosen}
    spare = sorted((-q, SHIFT_BANDS.index(slots[j][1]), i, slots[j][1], q)
                   for i, j, q in var if slots[j][0] == 0 and pending[i].id not in taken)
    for _, _, i, b, q in spare:
        if pending[i].id not in taken and left[b] > 0:
            left[b] -= TRAVEL_S + q * SERVICE_S
            taken.add(pending[i].id)
            chosen.append((pending[i].id, b, q, pr.band_of(b).start_s))
    return _to_teams(chosen, teams)


def run_day(bookings: list[Booking], commune: Commune, day: int,
            ) -> list[tuple[str, int, bool]]:
    """Carry out one team's visits: ``(household, arrival clock s, home)``."""
    t = SHIFT[0]
    out = []
    kind = pr.day_kind((START + dt.timedelta(days=day - 1)).weekday())
    for b in bookings:
        t = max(t, b.earliest_s)
        if LUNCH[0] <= t < LUNCH[1]:
            t = LUNCH[1]
        if t + TRAVEL_S > SHIFT[1]:
            break
        t += TRAVEL_S
        band = pr.band_of(t).id
        home = commune.draws[b.household_id][day - 1] < commune.truth[b.household_id][
            (kind, band)]
        out.append((b.household_id, t, home))
        if home:
            t += SERVICE_S
    return out


@dataclass(frozen=True)
class Run:
    officer_days_100: int
    days_100: int
    finished: bool
    enrolled_20: int
    officer_days_20: int
    visits: int
    enrolled: int


def simulate(commune: Commune, planner: str, teams: int, max_days: int,
             params: pr.PresenceParams | None = None) -> Run:
    """One campaign of ``planner`` on ``commune`` (outcomes from its draws);
    ``params`` of the presence model (default: its defaults)."""
    priors = pr.scenario_priors(commune.households, params)
    rows: list[pr.OutcomeRow] = []
    pending = list(commune.households)
    village = {h.id: h.village_id for h in commune.households}
    hard = {h.id: _hard_bands(h) for h in commune.households}
    officer_days = visits = 0
    enrolled_20 = od_20 = 0
    day = 0
    for day in range(1, max_days + 1):
        date = START + dt.timedelta(days=day - 1)
        wd = date.weekday()
        if planner == "hard windows":
            plan = book_day(pending, wd, teams, lambda h, b, d: 1.0)
        elif planner == "flat not-home":
            plan = book_day(pending, wd, teams, lambda h, b, d: 1 - FLAT_NOT_HOME)
        elif planner == "flat, week plan":
            plan = book_week(pending, date, teams, lambda h, b, d: (
                1 - FLAT_NOT_HOME if b in hard[h] else 0.0))
        elif planner == "oracle":
            plan = book_week(pending, date, teams, lambda h, b, d: commune.truth[h][
                (pr.day_kind(d), b)])
        else:
            model = pr.fit(priors, rows if planner == "learnt model" else [], params)
            plan = book_week(pending, date, teams, model.chance)
        done = set()
        for team_bookings in plan:
            results = run_day(team_bookings, commune, day)
            if results:
                officer_days += OFFICERS_PER_TEAM
            for hid, clock_s, home in results:
                visits += 1
                rows.append(pr.OutcomeRow(hid, village[hid], date, clock_s,
                                          "enrolled" if home else "not_home"))
                if home:
                    done.add(hid)
        pending = [h for h in pending if h.id not in done]
        if day == CAMPAIGN_DAYS:
            enrolled_20, od_20 = len(commune.households) - len(pending), officer_days
        if not pending:
            break
    if day < CAMPAIGN_DAYS:
        enrolled_20, od_20 = len(commune.households), officer_days
    n = len(commune.households)
    return Run(officer_days, day, not pending, enrolled_20, od_20, visits, n - len(pending))


PLANNERS = ("hard windows", "flat not-home", "learnt model")
DIAGNOSTIC = ("prior only", "flat, week plan", "oracle")


def _spread(values: list[float]) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return (f"{statistics.mean(values):6.1f} ± {sd:4.1f}  "
            f"{min(values):4.0f}–{max(values):<4.0f}")


def print_table(runs: dict[str, list[Run]], households: int) -> None:
    head = (f"{'planner':<15} {'officer-days to 100 %':>26} {'days':>5} {'done':>5} "
            f"{'enrolled d20':>12} {'enrol/off-day':>13} {'visits/enrol':>12}")
    print(head)
    print(f"{'':<15} {'mean ± sd   min–max':>26}")
    print("-" * len(head))
    for p, rs in runs.items():
        if p == DIAGNOSTIC[0]:
            print("-- diagnostics, not contenders --")
        od = [float(r.officer_days_100) for r in rs]
        days = statistics.mean(r.days_100 for r in rs)
        done = sum(r.finished for r in rs)
        e20 = statistics.mean(r.enrolled_20 / households for r in rs)
        per = statistics.mean(r.enrolled_20 / r.officer_days_20 for r in rs)
        vpe = statistics.mean(r.visits / r.enrolled for r in rs)
        print(f"{p:<15} {_spread(od):>26} {days:5.1f} {done:>2}/{len(rs):<2} "
              f"{100 * e20:11.1f}% {per:13.2f} {vpe:12.2f}")
    learnt = [r.officer_days_100 for r in runs["learnt model"]]
    seeds = len(learnt)
    wins = sum(all(learnt[k] < runs[p][k].officer_days_100 for p in PLANNERS[:2])
               for k in range(seeds))
    print(f"learnt model needs fewer officer-days to 100 % than both others in "
          f"{wins} of {seeds} seeds; fewer than prior only in "
          f"{sum(learnt[k] < runs['prior only'][k].officer_days_100 for k in range(seeds))}, "
          f"as many in "
          f"{sum(learnt[k] == runs['prior only'][k].officer_days_100 for k in range(seeds))}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--households", type=int, default=150)
    ap.add_argument("--teams", type=int, default=2)
    ap.add_argument("--max-days", type=int, default=60)
    args = ap.parse_args()
    if not 1 <= args.max_days <= MAX_DAYS:
        ap.error(f"--max-days must be between 1 and {MAX_DAYS}")
    t0 = time.perf_counter()
    print(f"presence benchmark · GENERATED communes ({args.households} households, "
          f"{VILLAGES} villages, true presence known to the simulation only) · "
          f"{args.teams} teams × {OFFICERS_PER_TEAM} officers · seeds 1–{args.seeds} · "
          f"visit {TRAVEL_S // 60} min travel + {SERVICE_S // 60} min enrolment · "
          f"python {platform.python_version()} · {os.cpu_count()} cores")
    for name, what, profiles in COMMUNES:
        runs: dict[str, list[Run]] = {p: [] for p in PLANNERS + DIAGNOSTIC}
        for seed in range(1, args.seeds + 1):
            commune = make_commune(seed, args.households, profiles)
            for p in runs:
                runs[p].append(simulate(commune, p, args.teams, args.max_days))
        print("")
        print(f"commune {name}: {what}")
        print_table(runs, args.households)
    print("")
    print(f"wall time {time.perf_counter() - t0:.1f} s; load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
