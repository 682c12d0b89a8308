"""The presence model (``planner/presence.py``) and its reading from the
campaign state (``planner.state.db.presence_rows``).

The update rule and the pooling are checked against their closed forms; the
worked example of ``docs/presence.md`` is recomputed and its numbers must be
the ones the document prints. The state test uses a real SQLite campaign file
created from the FICTIONAL demo scenario.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import presence as pr
from planner.domain import Household, Resident, Window
from planner.render import presence_text as words

ROOT = Path(__file__).resolve().parents[2]
TUE, WED, THU = dt.date(2026, 12, 1), dt.date(2026, 12, 2), dt.date(2026, 12, 3)
SAT = dt.date(2026, 12, 5)
AT_10 = 10 * 3600
AT_18 = 18 * 3600


def _household(hid: str, village: str, *conditions: str,
               windows: tuple[Window, ...] = ()) -> Household:
    residents = tuple(Resident(f"{hid}-R{k}", "Người thử", c, windows=windows)  # type: ignore[arg-type]
                      for k, c in enumerate(conditions))
    return Household(hid, village, 103.0, 21.0, residents)


def _row(hid: str, village: str, date: dt.date, clock_s: int | None, outcome: str,
         ) -> pr.OutcomeRow:
    return pr.OutcomeRow(hid, village, date, clock_s, outcome)


# ------------------------------------------------------------------ priors


def test_model_imports_no_solver_graph_or_map_library():
    """``planner.presence`` stays a plain module: no ortools, networkx, folium."""
    code = ("import sys, planner.presence; print(sorted({m.split('.')[0] for m in sys.modules}"
            " & {'ortools', 'networkx', 'folium', 'osmnx', 'scipy'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert out.stdout.strip() == "[]"


def test_prior_by_condition_follows_the_profile_table():
    """Without windows the prior is the condition's profile: bedridden nearly
    always home, working-age mostly in the evening, more at weekends."""
    prior = pr.household_prior(_household("H", "V", "able"))
    assert prior.source == "condition"
    assert prior.mean("weekday", "morning") == 0.2
    assert prior.mean("weekday", "evening") == 0.75
    assert prior.mean("weekend", "morning") > prior.mean("weekday", "morning")
    bed = pr.household_prior(_household("B", "V", "bedridden"))
    assert min(bed.means) == 0.95


def test_prior_from_windows_by_overlap():
    """Windows given: ``window_in`` inside, ``window_out`` outside, linear in
    the overlap in between (17:00–19:00 covers half of the evening band)."""
    h = _household("H", "V", "able", windows=(Window(17 * 3600, 19 * 3600),))
    prior = pr.household_prior(h)
    assert prior.source == "windows"
    assert prior.mean("weekday", "morning") == pytest.approx(0.1)
    assert prior.mean("weekday", "evening") == pytest.approx(0.1 + 0.75 * 0.5)
    assert prior.mean("weekend", "evening") == prior.mean("weekday", "evening")


def test_household_prior_is_its_least_available_resident():
    """A visit needs every resident it enrols at home: the prior is the minimum."""
    prior = pr.household_prior(_household("H", "V", "bedridden", "able"))
    able = pr.household_prior(_household("A", "V", "able"))
    assert prior.means == able.means


def test_prior_counts_only_the_residents_a_home_visit_enrols():
    """A working-age resident who goes to a collection point does not limit
    the household's chance: the bedridden resident visited at home does."""
    bed = Resident("B", "Người thử", "bedridden")
    to_point = Resident("P", "Người thử", "able", mode="point")
    prior = pr.household_prior(Household("H", "V", 103.0, 21.0, (bed, to_point)))
    assert min(prior.means) == 0.95
    only_point = pr.household_prior(Household("Q", "V", 103.0, 21.0, (to_point,)))
    assert only_point.mean("weekday", "morning") == 0.2


def test_bad_params_are_refused_with_a_reason():
    """Inconsistent knobs raise one ValueError naming each problem."""
    with pytest.raises(ValueError, match="window_out <= window_in"):
        pr.PresenceParams(window_in=0.1, window_out=0.5)
    with pytest.raises(ValueError, match="profile able/weekday needs 5 chances"):
        pr.PresenceParams(profiles=(("able", "weekday", (0.5,)),))


def test_bands_and_day_kinds():
    """Clock times map to their band, clamped at both ends; Saturday and
    Sunday are the weekend."""
    assert pr.band_of(AT_10).id == "morning"
    assert pr.band_of(11 * 3600).id == "noon"
    assert pr.band_of(3600).id == "early" and pr.band_of(23 * 3600).id == "evening"
    assert pr.band_of("evening").start_s == 17 * 3600
    with pytest.raises(KeyError, match="unknown band 'night'"):
        pr.band_of("night")
    assert [pr.day_kind(d) for d in range(7)] == ["weekday"] * 5 + ["weekend"] * 2


# ------------------------------------------------------------ update rule


@settings(max_examples=60, deadline=None)
@given(home=st.integers(0, 12), away=st.integers(0, 12),
       condition=st.sampled_from(["bedridden", "disabled", "elderly", "postpartum", "able"]))
def test_posterior_equals_the_beta_bernoulli_closed_form(home, away, condition):
    """With no other household in the village, after ``home`` visits at home
    and ``away`` with nobody home in one band, the posterior is
    ``Beta(κ·m0 + home, κ·(1 - m0) + away)`` (κ = default_kappa: too few
    repeated visits to estimate it), whatever the order of the visits."""
    h = _household("H", "V", condition)
    priors = pr.scenario_priors([h])
    outcomes = ["enrolled"] * home + ["not_home"] * away
    random.Random(home * 31 + away).shuffle(outcomes)
    rows = [_row("H", "V", TUE + dt.timedelta(days=7 * k), AT_10, o)
            for k, o in enumerate(outcomes)]
    post = pr.fit(priors, rows).posterior("H", "morning", TUE.weekday())
    m0, kappa = priors["H"].mean("weekday", "morning"), pr.PresenceParams().default_kappa
    assert post.kappa == kappa
    assert post.alpha == pytest.approx(kappa * m0 + home)
    assert post.beta == pytest.approx(kappa * (1 - m0) + away)
    assert post.mean == pytest.approx((kappa * m0 + home) / (kappa + home + away))


def test_two_not_home_at_ten_lower_only_the_ten_oclock_chance():
    """Two ``not_home`` at 10:00 on weekdays lower the weekday morning chance;
    the evening and the weekend morning keep their prior."""
    priors = pr.scenario_priors([_household("H", "V", "elderly")])
    before = pr.fit(priors, [])
    after = pr.fit(priors, [_row("H", "V", TUE, AT_10, "not_home"),
                            _row("H", "V", WED, AT_10, "not_home")])
    wd, we = TUE.weekday(), SAT.weekday()
    assert after.chance("H", AT_10, wd) < before.chance("H", AT_10, wd)
    assert after.chance("H", "morning", wd) == after.chance("H", AT_10, wd)
    assert after.chance("H", "evening", wd) == before.chance("H", "evening", wd)
    assert after.chance("H", "morning", we) == before.chance("H", "morning", we)
    assert after.failed_visits("H") == 2


def test_rows_of_one_visit_merge_into_one_outcome():
    """Two residents seen on one visit (one enrolled, one away) make one visit
    with somebody home; ``moved``/``deceased`` rows carry no presence."""
    rows = [_row("H", "V", TUE, AT_10, "enrolled"), _row("H", "V", TUE, AT_10, "not_home"),
            _row("H", "V", WED, AT_10, "moved"), _row("H", "V", THU, None, "not_home")]
    visits = pr.visits_from_rows(rows)
    assert [(v.date, v.home) for v in visits] == [(TUE, True), (THU, False)]
    model = pr.fit(pr.scenario_priors([_household("H", "V", "elderly", "able")]), rows)
    post = model.posterior("H", AT_10, TUE.weekday())
    assert (post.home, post.away) == (1, 0)  # the visit without a clock is in no band
    assert model.failed_visits("H") == 1


def test_rows_of_unknown_households_are_left_out_and_named():
    """A row for a household without a prior does not count and is listed."""
    priors = pr.scenario_priors([_household("H", "V", "able")])
    model = pr.fit(priors, [_row("GONE", "V", TUE, AT_10, "not_home")])
    assert model.ignored == ("GONE",)
    with pytest.raises(KeyError, match="'GONE' has no presence prior"):
        model.chance("GONE", AT_10, 1)


# ---------------------------------------------------------------- pooling


def test_village_pooling_with_equal_priors_is_the_beta_posterior():
    """Households of one condition: the village mean of H1 is
    ``(k0·m0 + S) / (k0 + N)`` over the other households' visits, without
    H1's own; another village is not moved."""
    hs = [_household(f"H{k}", "V", "elderly") for k in range(1, 5)]
    hs.append(_household("X", "W", "elderly"))
    priors = pr.scenario_priors(hs)
    rows = [_row("H1", "V", TUE, AT_10, "not_home"),
            _row("H2", "V", TUE, AT_10, "not_home"), _row("H3", "V", TUE, AT_10, "not_home"),
            _row("H4", "V", TUE, AT_10, "enrolled"), _row("H2", "V", WED, AT_10, "not_home")]
    model = pr.fit(priors, rows)
    k0, m0 = model.params.prior_visits, priors["H1"].mean("weekday", "morning")
    s, n = 1, 4  # H2 ×2, H3, H4
    assert model.village_mean("H1", "weekday", "morning") == pytest.approx(
        (k0 * m0 + s) / (k0 + n))
    post = model.posterior("H1", AT_10, TUE.weekday())
    assert (post.village_home, post.village_visits) == (s, n)
    mv, kappa = post.village_mean, model.kappa
    assert post.mean == pytest.approx((kappa * mv + 0) / (kappa + 1))
    assert model.chance("X", AT_10, 1) == pytest.approx(m0)


def test_pooling_corrects_for_the_neighbours_priors():
    """Bedridden neighbours found at home as often as their prior expects do
    not raise a working-age household's chance: the village shift is
    ``(S - E) / (k0 + N)``, the surplus over the neighbours' own priors."""
    hs = [_household("A", "V", "able")] + [_household(f"B{k}", "V", "bedridden")
                                          for k in range(20)]
    priors = pr.scenario_priors(hs)
    rows = [_row(f"B{k}", "V", TUE, AT_10, "enrolled" if k else "not_home") for k in range(20)]
    model = pr.fit(priors, rows)
    m0 = priors["A"].mean("weekday", "morning")
    expected = m0 + (19 - 20 * 0.95) / (model.params.prior_visits + 20)
    assert model.village_mean("A", "weekday", "morning") == pytest.approx(expected)
    assert abs(model.chance("A", AT_10, 1) - m0) < 1e-9


def test_village_outcomes_move_a_household_without_visits():
    """Neighbours of one condition all away at 10:00 lower the chance of a
    household never visited (partial pooling), by less than their own."""
    hs = [_household(f"H{k}", "V", "elderly") for k in range(6)]
    priors = pr.scenario_priors(hs)
    rows = [_row(f"H{k}", "V", d, AT_10, "not_home") for k in range(1, 6) for d in (TUE, WED)]
    model = pr.fit(priors, rows)
    m0 = priors["H0"].mean("weekday", "morning")
    assert model.chance("H0", AT_10, 1) < m0
    assert model.chance("H1", AT_10, 1) < model.chance("H0", AT_10, 1)


def test_empirical_bayes_kappa_recovers_a_known_spread():
    """Households whose true chances are drawn from ``Beta(κ·m, κ·(1 - m))``
    with κ = 6, eight visits each: the marginal likelihood peaks near 6."""
    rnd = random.Random(7)
    params = pr.PresenceParams()
    cells = []
    for _ in range(3000):
        p = rnd.betavariate(6 * 0.6, 6 * 0.4)
        cells.append((sum(rnd.random() < p for _ in range(8)), 8, 0.6))
    assert 5.0 < pr.estimate_kappa(cells, params) < 7.2
    assert pr.estimate_kappa(cells[:5], params) == params.default_kappa
    same = [(4, 8, 0.5)] * 50  # no spread beyond chance: as much pooling as allowed
    assert pr.estimate_kappa(same, pr.PresenceParams(kappa_prior_sd=math.inf)) == 50.0


def test_the_prior_on_kappa_keeps_a_few_cells_from_the_extremes():
    """Twelve cells without spread: the bare likelihood says κ = kappa_max;
    the log-normal prior keeps the estimate between the default and the max."""
    few = [(4, 8, 0.5)] * 12
    assert pr.estimate_kappa(few, pr.PresenceParams(kappa_prior_sd=math.inf)) == 50.0
    kappa = pr.estimate_kappa(few, pr.PresenceParams())
    assert pr.PresenceParams().default_kappa < kappa < 50.0


def test_empirical_bayes_kappa_is_right_when_visits_stop_at_enrolment():
    """Visits stop once a household is found (at most 6): the stopping rule
    does not bias the estimate (true κ = 3), where the method of moments
    on the same data sees no spread at all."""
    rnd = random.Random(11)
    cells = []
    for _ in range(4000):
        p = rnd.betavariate(3 * 0.5, 3 * 0.5)
        home = visits = 0
        while visits < 6 and not home:
            visits += 1
            home = int(rnd.random() < p)
        cells.append((home, visits, 0.5))
    kappa = pr.estimate_kappa(cells, pr.PresenceParams())
    assert 2.0 < kappa < 4.5
    used = [(h, n, m) for h, n, m in cells if n >= 2]
    tau2 = sum((h / n - m) ** 2 - m * (1 - m) / n for h, n, m in used) / len(used)
    assert tau2 < 0  # the moments see no spread at all: they would say κ = kappa_max

# ----------------------------------------------------------- answers, words


def _worked_example() -> pr.PresenceModel:
    """The example of docs/presence.md, section 'Worked example'."""
    hs = [_household("NK-0101", "BV", "elderly"), _household("NK-0102", "BV", "elderly"),
          _household("NK-0103", "BV", "able")]
    rows = [_row("NK-0101", "BV", TUE, AT_10, "not_home"),
            _row("NK-0101", "BV", WED, AT_10, "not_home"),
            _row("NK-0102", "BV", TUE, 10 * 3600 + 600, "enrolled"),
            _row("NK-0102", "BV", WED, 10 * 3600 + 1200, "not_home"),
            _row("NK-0103", "BV", TUE, 9 * 3600 + 1800, "not_home")]
    return pr.fit(pr.scenario_priors(hs), rows)


def test_worked_example_numbers_are_those_of_the_document():
    """Recompute the worked example; every number it prints is in the doc."""
    model = _worked_example()
    thu = THU.weekday()
    post = model.posterior("NK-0101", AT_10, thu)
    assert post.prior_mean == 0.75
    assert (post.village_home, post.village_visits) == (1, 3)
    assert post.village_mean == pytest.approx(0.61)
    assert post.kappa == 4.0
    assert (post.alpha, post.beta) == (pytest.approx(2.44), pytest.approx(3.56))
    assert post.mean == pytest.approx(0.4067, abs=1e-4)
    best = model.best_bands("NK-0101", thu)
    assert best[0].band.id == "evening" and best[0].chance == pytest.approx(0.9)
    assert best[-1].band.id == "morning"
    doc = (ROOT / "docs" / "presence.md").read_text(encoding="utf-8")
    texts = [words.explain(model, "NK-0101", AT_10, thu),
             words.explain(model, "NK-0101", "evening", thu, lang="en"),
             words.explain_choice(model, "NK-0101", "evening", thu),
             words.explain_choice(model, "NK-0101", "evening", thu, lang="en"),
             "0.61", "2.44", "3.56", "0.407"]
    for text in texts:
        assert text in doc, text
    assert texts[0] == ("buổi sáng, ngày thường: hay vắng nhà: 40 % (hộ: 0/2 lần có nhà; "
                        "cả bản: 1/3 lần có nhà; theo tình trạng người dân)")
    assert texts[2] == "buổi tối (90 %) thay vì buổi sáng (40 %): 2 lần vắng nhà buổi sáng"


def test_good_windows_are_the_bands_near_the_best_merged():
    """In the worked example the weekday bands within 10 % of the best (the
    evening, 90 %) are early, noon and evening (85–90 %); adjacent bands merge."""
    model = _worked_example()
    assert model.good_windows("NK-0101", THU.weekday()) == (
        Window(5 * 3600, 8 * 3600), Window(11 * 3600, 13 * 3600 + 1800),
        Window(17 * 3600, 21 * 3600))
    assert model.good_windows("NK-0101", THU.weekday(), within=0.0) == (
        Window(17 * 3600, 21 * 3600),)
    assert model.good_windows("NK-0101", THU.weekday(), within=1.0) == (
        Window(5 * 3600, 21 * 3600),)


def test_three_failed_visits_propose_another_approach():
    """Two failed visits: nothing yet. Three: a visit in the best untried
    band, a call only when a number is known, and a collection point."""
    model = _worked_example()
    assert model.other_approaches("NK-0101", has_contact=True) == ()
    rows = [_row("NK-0101", "BV", d, AT_10, "not_home") for d in (TUE, WED, THU)]
    model = pr.fit(model.priors, rows)
    kinds = [a.kind for a in model.other_approaches("NK-0101", has_contact=True)]
    assert kinds == ["visit_band", "call", "point"]
    first = model.other_approaches("NK-0101")[0]
    assert (first.band, first.day) == ("evening", "weekday")
    assert first.chance == pytest.approx(0.9, abs=0.025)
    assert words.approach_text(first, "en") == ("visit in the evening (weekday, chance of "
                                                "finding them home 90 %)")
    assert [a.kind for a in model.other_approaches("NK-0101")] == ["visit_band", "point"]


def test_chance_text_in_both_languages_is_nfc():
    """The itinerary wording, rounded to 5 %, Vietnamese in NFC."""
    assert words.chance_text(0.8) == "thường có nhà: 80 %"
    assert words.chance_text(0.8, "en") == "usually home: 80 %"
    assert words.chance_text(0.31, "en") == "often away: 30 %"
    text = words.chance_text(0.2)
    assert text == unicodedata.normalize("NFC", text) == "hay vắng nhà: 20 %"


# ----------------------------------------------------------- campaign state


def test_rows_read_from_a_real_campaign_file(tmp_path):
    """A campaign file made from the demo: two ``not_home`` at a planned 10:00
    arrival come back with their clock time and village, and the fitted model
    ranks that household's morning below its other weekday bands."""
    from planner.scenario import load_scenario
    from planner.state import db as state
    from planner.state.db import presence_rows
    from planner.state.sheet import import_outcomes

    scenario, _ = load_scenario(ROOT / "scenarios" / "demo" / "scenario.yaml")
    h = next(h for h in scenario.households
             if len(h.residents) == 1 and h.residents[0].mode == "home"
             and not h.residents[0].windows and h.residents[0].condition == "elderly")
    day1, day2 = scenario.date, scenario.date + dt.timedelta(days=1)
    now = dt.datetime.combine(day2, dt.time(18), tzinfo=dt.UTC)
    conn = state.create(tmp_path / state.DB_NAME, scenario, day1, None, now=now)
    try:
        with state.transaction(conn):
            state.record_plan(conn, "campaign", day1, [(day1, h.id, "T1", 1, 10 * 3600),
                                                       (day2, h.id, "T1", 1, 10 * 3600 + 300)],
                              now=now)
        sheet = tmp_path / "outcomes.csv"
        sheet.write_text("date,team,household_id,resident_id,outcome,note\n" + "".join(
            f"{d.isoformat()},T1,{h.id},{h.residents[0].id},not_home,\n" for d in (day1, day2)),
            encoding="utf-8")
        import_outcomes(conn, sheet, {t.id for t in scenario.teams}, today=day2, now=now)
        rows = presence_rows(conn)
    finally:
        conn.close()
    assert rows == [pr.OutcomeRow(h.id, h.village_id, day1, 10 * 3600, "not_home"),
                    pr.OutcomeRow(h.id, h.village_id, day2, 10 * 3600 + 300, "not_home")]
    model = pr.fit(pr.scenario_priors(scenario.households), rows)
    weekday = (day2 + dt.timedelta(days=1)).weekday()
    ranked = model.best_bands(h.id, weekday)
    assert ranked[-1].band.id == "morning"
    assert "2 lần vắng nhà buổi sáng" in words.explain_choice(model, h.id, ranked[0].band.id,
                                                              weekday)
