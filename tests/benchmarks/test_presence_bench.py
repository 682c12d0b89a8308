"""The presence benchmark's day model (``benchmarks/presence.py``): the rules
its docstring states hold. Small GENERATED communes, a few seconds; timings
belong in the benchmark itself."""

from __future__ import annotations

import dataclasses

from benchmarks import presence as bench
from planner import presence as pr


def _commune_home_only_at_noon(n: int = 4) -> bench.Commune:
    """Generated households whose residents are home at midday only."""
    c = bench.make_commune(1, n)
    truth = {h.id: {cell: (1.0 if cell[1] == "noon" else 0.0) for cell in pr.CELLS}
             for h in c.households}
    return dataclasses.replace(c, truth=truth)


def test_generated_commune_says_it_is_generated():
    """Every simulated resident is named as generated; the draws are per day."""
    c = bench.make_commune(3, 20)
    assert all(r.full_name.startswith("GENERATED") for h in c.households for r in h.residents)
    assert all(len(d) == bench.MAX_DAYS for d in c.draws.values())


def test_outcome_is_decided_at_the_actual_arrival_band():
    """A visit booked in the morning whose household is home only at noon
    finds nobody; one that waits for the noon band finds them."""
    c = _commune_home_only_at_noon()
    h = c.households[0].id
    morning = bench.run_day([bench.Booking(h, "morning", 0)], c, 1)
    noon = bench.run_day([bench.Booking(h, "noon", pr.band_of("noon").start_s)], c, 1)
    assert [home for _, _, home in morning] == [False]
    assert [home for _, _, home in noon] == [True]
    assert pr.band_of(noon[0][1]).id == "noon"


def test_a_team_starts_no_visit_it_cannot_reach_before_the_shift_ends():
    """Twenty evening visits of 65 min cannot all fit: the last arrival is
    before 19:00 and the rest are not made."""
    c = bench.make_commune(2, 20)
    bookings = [bench.Booking(h.id, "evening", 17 * 3600) for h in c.households]
    done = bench.run_day(bookings, c, 1)
    assert 0 < len(done) < 20
    assert max(clock for _, clock, _ in done) <= bench.SHIFT[1]


def test_week_plan_never_gives_a_household_up():
    """Chances below the 10 % floor everywhere: the household's best slots
    stay open, so it is still booked."""
    c = bench.make_commune(1, 3)
    days = bench.book_week(list(c.households), bench.START, 1, lambda h, b, d: 0.03)
    assert sorted(b.household_id for team in days for b in team) == sorted(
        h.id for h in c.households)


def test_small_campaigns_finish_and_the_oracle_is_not_beaten_by_hard_windows():
    """On a small generated commune every planner reaches 100 %; the planner
    that knows the true chances needs no more officer-days than hard windows."""
    c = bench.make_commune(5, 30)
    runs = {p: bench.simulate(c, p, 1, 60) for p in ("hard windows", "learnt model", "oracle")}
    assert all(r.finished and r.enrolled == 30 for r in runs.values())
    assert runs["oracle"].officer_days_100 <= runs["hard windows"].officer_days_100
    assert all(r.visits >= r.enrolled for r in runs.values())
