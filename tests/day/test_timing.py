"""The route-timing rule (``planner.day.timing.schedule``) shared by the
priority repair and the self-check: windows, set-up, lunch, shift, working
time."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.day.timing import TimedStop, _cannot_fit, _legs, _search, leg_s, schedule, stop_legs
from planner.problem import BreakSpec, VehicleSpec

H = 3600


def _travel(n: int, leg_s: int = 600) -> np.ndarray:
    """``n`` sites (0 the station), ``leg_s`` between any two."""
    travel = np.full((n, n), leg_s, dtype=np.int64)
    np.fill_diagonal(travel, 0)
    return travel


def _vehicle(start=7 * H, end=17 * H, max_h=10.0, lunch: bool = False) -> VehicleSpec:
    breaks = (BreakSpec(11 * H, 12 * H, H),) if lunch else ()
    return VehicleSpec("T1", start, end, int(max_h * H), breaks)


def test_waits_for_a_window_and_takes_the_second_when_the_first_is_missed() -> None:
    """A stop whose first window ends before the team can be there is served
    in its second; the return is the earliest possible and the departure the
    latest that keeps it (the first stop then served at the end of its window)."""
    stops = [TimedStop(1, 1800, ((9 * H, 10 * H),)),
             TimedStop(2, 1800, ((7 * H, 7 * H + 600), (14 * H, 15 * H)))]
    timed = schedule(stops, _travel(3), _vehicle())
    assert timed is not None
    assert timed.service_start_s == (10 * H, 14 * H)
    assert timed.return_s == 14 * H + 1800 + 600
    assert timed.depart_s == 10 * H - 600


def test_no_window_left_means_no_schedule() -> None:
    """Every window ends before the team can arrive: None."""
    stops = [TimedStop(1, 1800, ((6 * H, 7 * H),))]
    assert schedule(stops, _travel(2), _vehicle(start=7 * H)) is None


def test_set_up_when_a_place_is_opened_not_between_its_nodes() -> None:
    """Two nodes of one collection point: the set-up counts once."""
    stops = [TimedStop(1, 1200, (), place=3, setup_s=900),
             TimedStop(1, 1200, (), place=3, setup_s=900)]
    timed = schedule(stops, _travel(2), _vehicle())
    assert timed is not None
    start = timed.service_start_s
    assert start[0] - timed.depart_s == 600 + 900
    assert start[1] - start[0] == 1200


def test_lunch_taken_between_services_inside_its_window() -> None:
    """A day across the lunch window takes the break between two services,
    starting inside 11:00–12:00, for its full hour."""
    stops = [TimedStop(k, 2 * H, ()) for k in (1, 2, 3)]
    timed = schedule(stops, _travel(4), _vehicle(lunch=True))
    assert timed is not None
    ((begin, duration),) = timed.breaks
    assert 11 * H <= begin <= 12 * H and duration == H
    ends = [s + 2 * H for s in timed.service_start_s]
    assert all(not (s < begin + duration and begin < e)
               for s, e in zip(timed.service_start_s, ends, strict=True))


def test_lunch_that_cannot_fit_makes_the_route_infeasible() -> None:
    """A pinned stop from 10:30 to 13:00 leaves no hour for lunch in its window."""
    stops = [TimedStop(1, int(2.5 * H), ((10 * H + 1800, 10 * H + 1800),)),
             TimedStop(2, 1800, ())]
    assert schedule(stops, _travel(3), _vehicle(lunch=True)) is None
    assert schedule(stops, _travel(3), _vehicle(lunch=False)) is not None


def test_a_route_after_lunch_needs_none() -> None:
    """A route that starts after the earliest lunch ends needs no break."""
    stops = [TimedStop(1, 1800, ((12 * H + 1800, 12 * H + 1800),))]
    timed = schedule(stops, _travel(2), _vehicle(lunch=True, max_h=1.5))
    assert timed is not None and timed.breaks == ()


def test_working_time_counts_from_the_delayed_departure() -> None:
    """Waiting before the first window is not work: leaving later fits a short
    working day; a day longer than allowed does not fit at all."""
    stops = [TimedStop(1, H, ((13 * H, 14 * H),))]
    assert schedule(stops, _travel(2), _vehicle(max_h=1.5)) is not None
    long = [TimedStop(k, 2 * H, ()) for k in (1, 2)]
    assert schedule(long, _travel(3), _vehicle(max_h=3.5)) is None
    assert schedule(long, _travel(3), _vehicle(max_h=4.5)) is not None


def test_shift_end_is_a_hard_limit() -> None:
    """The return must be by the shift's end."""
    stops = [TimedStop(1, 2 * H, ((15 * H, 16 * H),))]
    assert schedule(stops, _travel(2), _vehicle(end=17 * H)) is None
    assert schedule(stops, _travel(2), _vehicle(end=17 * H + 600)) is not None


_window = st.tuples(st.integers(5 * H, 18 * H), st.integers(0, 4 * H))


@st.composite
def _routes(draw):
    """A random route: up to 8 stops (windows, services, places with set-up),
    a random travel matrix, a vehicle with or without lunch."""
    n = draw(st.integers(0, 8))
    sites = n + 1
    travel = np.array(draw(st.lists(st.integers(0, 2 * H), min_size=sites * sites,
                                    max_size=sites * sites)), dtype=np.int64)
    travel = travel.reshape(sites, sites)
    np.fill_diagonal(travel, 0)
    stops = []
    for k in range(1, sites):
        windows = sorted(draw(st.lists(_window, max_size=2)))
        starts, last = [], -1
        for lo, width in windows:
            if lo > last + 1:
                starts.append((lo, lo + width))
                last = lo + width
        place = draw(st.sampled_from([-1, -1, 0, 1]))
        stops.append(TimedStop(k, draw(st.integers(0, 3 * H)), tuple(starts), place,
                               draw(st.integers(0, H)) if place >= 0 else 0))
    start = draw(st.integers(5 * H, 9 * H))
    vehicle = _vehicle(start=start, end=start + draw(st.integers(4 * H, 12 * H)),
                       max_h=draw(st.floats(3.0, 11.0)), lunch=draw(st.booleans()))
    return stops, travel, vehicle


@settings(max_examples=400, deadline=None)
@given(_routes())
def test_quick_bounds_never_refuse_a_route_the_search_can_time(route) -> None:
    """``schedule`` first tries two cheap bounds (``_cannot_fit``); they may only
    refuse routes the full search would refuse too, so adding them changes no
    answer."""
    stops, travel, vehicle = route
    legs = _legs(stops, travel)
    found = _search(stops, legs, vehicle)
    if found is not None:
        assert not _cannot_fit(stops, legs, vehicle)
    assert schedule(stops, travel, vehicle) == found


@settings(max_examples=200, deadline=None)
@given(_routes())
def test_leg_matrix_adds_legs_as_leg_s_does(route) -> None:
    """``stop_legs`` (the matrix the repair sums routes with) gives every leg,
    from the station, between stops and back, as ``leg_s`` computes it."""
    stops, travel, _vehicle_ = route
    place = [-1] + [s.place for s in stops]
    setup = [0] + [s.setup_s for s in stops]
    legs = stop_legs(travel, place, setup)
    path = [None, *stops, None]
    for a, b in zip(path, path[1:], strict=False):
        i = 0 if a is None else a.site
        j = 0 if b is None else b.site
        assert legs[i, j] == leg_s(travel, a, b)
