"""folium the cheap way (``planner.render.mapkit``): a text with no Jinja
syntax renders as Jinja would render it, and a map drawn with branca's own
templates is the same bytes as one drawn with ``text_template``."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.day.plan import plan_day
from planner.legs import attach_legs
from planner.render import map_html
from planner.render.map_html import render_map
from planner.render.mapkit import TextTemplate, load_folium, rendered_text, text_template
from planner.roads.io import load_graph
from planner.scenario import load_scenario

OK = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"

# the characters that matter to Jinja's lexer (line breaks, braces, %, #, -)
# and some others, so that syntax appears by chance too
TEXT = st.text(alphabet=st.sampled_from(list("ab {}%#-\r\n\t\"'<>/\\$`ư")), max_size=40)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_text_renders_as_jinja_renders_it(source: str) -> None:
    """For any text, ``text_template(text).render(...)`` equals
    ``jinja2.Template(text).render(...)`` (texts Jinja refuses aside); a text
    with no ``{{``, ``{%`` or ``{#`` is never compiled."""
    try:
        want = jinja2.Template(source).render(this=None, kwargs={})
    except jinja2.TemplateSyntaxError:
        return
    got = text_template(source)
    assert got.render(this=None, kwargs={}) == want
    plain = not any(s in source for s in ("{{", "{%", "{#"))
    assert isinstance(got, TextTemplate) == plain
    if plain:
        assert rendered_text(source) == want


def test_text_template_keeps_what_jinja_templates_have() -> None:
    """Line breaks become ``\\n``, one trailing newline goes, and any other
    attribute of a template (``module``) is the compiled template's."""
    assert rendered_text("a\r\nb\rc\n\n") == "a\nb\nc\n"
    assert text_template("x\n").module is not None
    assert text_template("{{ 6 * 7 }}").render() == "42"


@pytest.fixture(scope="module")
def small_plan():
    """The small scenario's day (a short search) with its legs."""
    scenario, _ = load_scenario(OK)
    G = load_graph(scenario.roads)
    plan, _, _ = plan_day(scenario, G, time_limit_s=0.2)
    return attach_legs(plan, scenario, G), scenario


def test_map_bytes_do_not_depend_on_text_templates(small_plan, monkeypatch) -> None:
    """The map drawn with branca's own ``jinja2.Template`` for every rendered
    piece is byte for byte the map drawn with ``text_template``."""
    plan, scenario = small_plan
    folium = load_folium()
    import branca.element

    assert branca.element.Template is text_template
    fast = render_map(plan, scenario)
    monkeypatch.setattr(branca.element, "Template", jinja2.Template)
    monkeypatch.setattr(map_html, "load_folium", lambda: folium)  # no text templates again
    slow = render_map(plan, scenario)
    assert branca.element.Template is jinja2.Template
    assert fast == slow
