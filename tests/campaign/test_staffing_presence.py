"""Staffing forecasts sample presence from the model (issue 16, item 3):
working-age residents, mostly away by day, need more visits per enrolment
than a flat 15 % not-home rate says. Real solves on a small generated road."""

from __future__ import annotations

from test_day_presence import _hh, _road, _scenario

from planner.campaign.calendar import Calendar
from planner.campaign.staffing import StaffingParams, simulate, summarise
from planner.campaign.workspace import build_workspace
from planner.speeds import load_speed_table


def _working_age_commune():
    households = [_hh(f"H{k:02d}", 1 + k % 10, condition="able") for k in range(12)]
    return _scenario(households, teams=2)


def test_presence_sampling_gives_more_visits_per_enrolment_for_people_away_by_day():
    """Able residents with no hours given are home 20–50 % of the working day
    (the default profile): the forecast needs about two visits or more per
    enrolment, where the flat rate needs fewer than 1.3."""
    sc = _working_age_commune()
    ws = build_workspace(sc, _road(), load_speed_table())
    model = [simulate(ws, 2, run, StaffingParams(runs=3, time_limit_s=0.1, max_days=40))
             for run in range(3)]
    flat = [simulate(ws, 2, run, StaffingParams(runs=3, time_limit_s=0.1, max_days=40,
                                                not_home_p=0.15)) for run in range(3)]
    cal = {(sc.name, 2): Calendar.of(sc)}
    by_model = summarise(model, cal, None, 40)[0]
    by_flat = summarise(flat, cal, None, 40)[0]
    assert by_model.visits_per_enrolment >= 1.8
    assert by_flat.visits_per_enrolment < 1.3
    assert by_model.mean_days > by_flat.mean_days
    assert all(r.visits >= r.enrolled for r in model + flat)


def test_a_flat_rate_of_zero_means_every_visit_enrols():
    sc = _working_age_commune()
    ws = build_workspace(sc, _road(), load_speed_table())
    r = simulate(ws, 2, 0, StaffingParams(runs=1, time_limit_s=0.1, not_home_p=0.0))
    assert r.visits == r.enrolled == 12 and r.completion is not None
