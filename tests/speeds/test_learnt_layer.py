"""The learnt speed layer beside the speed table: read when present, applied
to the motorbike times of its cells only, named by the plan and the itinerary."""

from __future__ import annotations

import shutil

import pytest

from planner.errors import InputError
from planner.speeds import (
    DEFAULT_TABLE,
    LEARNT_NOTE,
    calibration_path,
    edge_speed_kph,
    load_speed_table,
)

LAYER = """profile = "motorbike"
[[cell]]
highway = "track"
surface = "dirt"
grade = "flat"
season = "wet"
speed_factor = 0.5
tracks = 3
edges = 12
km = 4.0
sum_log_ratio = 2.0
sum_log_ratio_sq = 1.4
"""


@pytest.fixture
def tables(tmp_path):
    """(table alone, table with a layer halving wet flat dirt tracks), from copies in tmp_path."""
    speeds = tmp_path / "speeds.toml"
    shutil.copy(DEFAULT_TABLE, speeds)
    alone = load_speed_table(speeds)
    calibration_path(speeds).write_text(LAYER)
    return alone, load_speed_table(speeds)


def test_the_layer_corrects_its_cell_only(tables):
    """A wet flat dirt track rides at half the table's speed; the same track
    in the dry season, a climbing one, a paved road and walking are unchanged."""
    alone, learnt = tables
    track = {"highway": "track", "surface": "dirt", "length": 100.0, "grade": 0.0}
    assert edge_speed_kph(track, "motorbike", "wet", learnt) == pytest.approx(
        0.5 * edge_speed_kph(track, "motorbike", "wet", alone))
    for data, profile, season in ((track, "motorbike", "dry"),
                                  ({**track, "grade": 0.12}, "motorbike", "wet"),
                                  ({"highway": "tertiary", "length": 100.0}, "motorbike", "wet"),
                                  (track, "walk", "wet")):
        assert edge_speed_kph(data, profile, season, learnt) == \
            edge_speed_kph(data, profile, season, alone)
    assert "calibration" not in alone


def test_a_damaged_layer_is_an_input_error_naming_it(tmp_path):
    """A layer that is not TOML stops the command with exit 2, naming the file
    and saying to delete it."""
    speeds = tmp_path / "speeds.toml"
    shutil.copy(DEFAULT_TABLE, speeds)
    calibration_path(speeds).write_text("[[cell]\nbroken")
    with pytest.raises(InputError) as err:
        load_speed_table(speeds)
    assert err.value.exit_code == 2
    assert "speeds.learnt.toml" in str(err.value) and "delete the file" in str(err.value)


def test_a_plan_on_learnt_speeds_says_so_in_its_itinerary(tables, demo_day):
    """The demo day planned on a table with a layer carries the note, and its
    itinerary's text (Vietnamese) has the line; the plan without has neither."""
    from planner.day.plan import plan_day
    from planner.render.i18n import gettext_for
    from planner.render.views import doc_context

    scenario, G, plan, _m, _p = demo_day
    assert LEARNT_NOTE not in plan.notes
    learnt_plan, _, _ = plan_day(scenario, G, table=tables[1], time_limit_s=0.5)
    assert LEARNT_NOTE in learnt_plan.notes
    _ = gettext_for("vi")
    assert doc_context(learnt_plan, scenario, "vi").learnt == _(LEARNT_NOTE)
    assert "tốc độ học từ lộ trình GPS" in _(LEARNT_NOTE)
    assert doc_context(plan, scenario, "vi").learnt == ""
