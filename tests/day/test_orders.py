"""The exact search over orders (``planner.day.orders.fitting_order``) agrees
with brute force over every order timed by the one rule (``schedule``)."""

from __future__ import annotations

import itertools
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.day.orders import fitting_order
from planner.day.timing import TimedStop, schedule
from planner.problem import BreakSpec, VehicleSpec

H = 3600


def _contiguous(order: tuple[int, ...], stops: list[TimedStop]) -> bool:
    """Each collection point's stops form one run in ``order``."""
    seen_done: set[int] = set()
    prev = -1
    for k in order:
        p = stops[k].place
        if p >= 0 and p != prev and p in seen_done:
            return False
        if prev >= 0 and p != prev:
            seen_done.add(prev)
        prev = p
    return True


def _brute(stops: list[TimedStop], travel: np.ndarray, vehicle: VehicleSpec) -> bool:
    """Whether some order (points kept together) passes ``schedule``."""
    return any(schedule([stops[k] for k in order], travel, vehicle) is not None
               for order in itertools.permutations(range(len(stops)))
               if _contiguous(order, stops))


@st.composite
def tiny_days(draw):
    """Up to 5 stops with random windows, services and places, a random
    asymmetric matrix, a day with or without lunch, a working time that binds
    or not."""
    rng = random.Random(draw(st.integers(0, 10**6)))
    n = draw(st.integers(1, 5))
    travel = np.array([[0 if i == j else rng.randint(5, 90) * 60 for j in range(n + 1)]
                       for i in range(n + 1)], dtype=np.int64)
    stops = []
    for k in range(n):
        service = rng.randint(2, 12) * 600
        starts: tuple[tuple[int, int], ...] = ()
        if rng.random() < 0.6:
            lo = rng.randint(7 * 6, 16 * 6) * 600
            starts = ((lo, lo + rng.randint(0, 30) * 600),)
            if rng.random() < 0.3:
                lo2 = starts[0][1] + rng.randint(1, 20) * 600
                starts += ((lo2, lo2 + rng.randint(0, 20) * 600),)
        place = rng.choice([-1, -1, -1, 0, 1]) if k else -1
        stops.append(TimedStop(k + 1, service, starts, place, 900 if place >= 0 else 0))
    breaks = (BreakSpec(11 * H, 12 * H + 1800, H),) if rng.random() < 0.6 else ()
    start = rng.choice([6, 7]) * H
    max_h = rng.choice([4, 6, 8, 9.5, 11])
    return stops, travel, VehicleSpec("T", start, 17 * H, int(max_h * H), breaks)


@settings(max_examples=400, deadline=None)
@given(tiny_days())
def test_exact_search_agrees_with_brute_force(day) -> None:
    """``fitting_order`` finds an order exactly when brute force over all
    orders does, and the order it returns passes ``schedule``."""
    stops, travel, vehicle = day
    found = fitting_order(stops, travel, vehicle)
    assert (found is not None) == _brute(stops, travel, vehicle)
    if found is not None:
        assert sorted(found) == list(range(len(stops)))
        assert schedule([stops[k] for k in found], travel, vehicle) is not None


def test_reordering_finds_what_insertion_misses() -> None:
    """Two stops whose windows force the order opposite to the one given:
    inserting a third into the given order fails, some order of all three fits."""
    travel = np.full((4, 4), 600, dtype=np.int64)
    np.fill_diagonal(travel, 0)
    vehicle = VehicleSpec("T", 7 * H, 17 * H, 10 * H)
    late = TimedStop(1, H, ((14 * H, 14 * H),))
    early = TimedStop(2, H, ((8 * H, 8 * H),))
    new = TimedStop(3, H, ((10 * H, 11 * H),))
    assert schedule([late, early, new], travel, vehicle) is None
    order = fitting_order([late, early, new], travel, vehicle)
    assert order == [1, 2, 0]


def test_nothing_fits_a_day_too_short() -> None:
    """Services alone longer than the working time: None, without searching."""
    travel = np.zeros((3, 3), dtype=np.int64)
    vehicle = VehicleSpec("T", 7 * H, 17 * H, 3 * H)
    stops = [TimedStop(1, 2 * H), TimedStop(2, 2 * H)]
    assert fitting_order(stops, travel, vehicle) is None


@settings(max_examples=60, deadline=None)
@given(tiny_days(), st.integers(0, 10**6))
def test_leg_table_is_leg_s_of_every_pair(day, seed: int) -> None:
    """The search's table of legs (built at once from the matrix) holds
    ``timing.leg_s`` of every pair of stops and the station, set-ups of
    various lengths included."""
    from planner.day.orders import _legs
    from planner.day.timing import leg_s

    stops, travel, _vehicle = day
    rng = random.Random(seed)
    stops = [TimedStop(s.site, s.service_s, s.starts, s.place, rng.randint(0, 40) * 60)
             for s in stops]
    table = _legs(stops, travel)
    ends = [*stops, None]
    assert table == [[leg_s(travel, a, b) for b in ends] for a in ends]
