"""``planner.day.orders.bound_fits`` (the self-check's screen) is step 1 of the
exact search, vectorised over many targets: for every target it answers as
``_Orders(kept + [target]).lower_bound_fits()`` does, so a target it refuses
is one ``fitting_order`` finds no order for."""

from __future__ import annotations

import random

import numpy as np

from planner.day.orders import _Orders, bound_fits, fitting_order
from planner.day.timing import TimedStop
from planner.problem import BreakSpec, VehicleSpec

H = 3600


def _stop(rng: random.Random, site: int) -> TimedStop:
    """A random stop at ``site``: service, windows, maybe a collection point."""
    starts: tuple[tuple[int, int], ...] = ()
    if rng.random() < 0.5:
        lo = rng.randint(7 * 6, 16 * 6) * 600
        starts = ((lo, lo + rng.randint(0, 30) * 600),)
    place = rng.choice([-1, -1, -1, 0, 1])
    return TimedStop(site, rng.randint(2, 12) * 600, starts, place, 900 if place >= 0 else 0)


def test_bound_fits_is_step_one_of_the_exact_search() -> None:
    """Random days of 0–6 kept stops and 8 targets on an asymmetric matrix,
    with or without lunch, a working time that binds or not: each target's
    answer equals the search's own step 1, and a refused target has no
    order."""
    rng = random.Random(28)
    refused = 0
    for _ in range(150):
        sites = 15
        travel = np.array([[0 if i == j else rng.randint(5, 90) * 60 for j in range(sites)]
                           for i in range(sites)], dtype=np.int64)
        kept = [_stop(rng, rng.randint(1, sites - 1)) for _ in range(rng.randint(0, 6))]
        targets = [_stop(rng, rng.randint(1, sites - 1)) for _ in range(8)]
        breaks = (BreakSpec(11 * H, 12 * H + 1800, H),) if rng.random() < 0.6 else ()
        vehicle = VehicleSpec("T", rng.choice([6, 7]) * H, 17 * H,
                              int(rng.choice([4, 6, 8, 9.5, 11]) * H), breaks)
        fits = bound_fits(kept, targets, travel, vehicle)
        for target, fit in zip(targets, fits, strict=True):
            assert bool(fit) == _Orders(kept + [target], travel, vehicle).lower_bound_fits()
            if not fit and len(kept) <= 4:
                refused += 1
                assert fitting_order(kept + [target], travel, vehicle) is None
    assert refused > 50  # the cases test a refusal, not only passes
