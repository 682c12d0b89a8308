"""Fiction labels name what is made up (people, roads) and nothing else."""

from __future__ import annotations

from dataclasses import replace

import gpxpy

from planner.render.gpx import render_gpx
from planner.render.map_html import render_map
from planner.render.views import doc_context

DEMO_LABEL = "DỮ LIỆU MẪU HƯ CẤU"      # "FICTIONAL DEMO DATA": people and roads made up
PEOPLE_LABEL = "NGƯỜI DÂN HƯ CẤU"      # "FICTIONAL PEOPLE": the roads are not called made up


def _gpx_description(plan, scenario, lang: str = "vi") -> str:
    route = next(r for r in plan.routes if len(r.stops) > 2)
    return gpxpy.parse(render_gpx(plan, scenario, route.name, lang=lang)).description


def test_labels_follow_where_the_roads_come_from(demo_day) -> None:
    """Fictional people on generated roads: "fictional demo data"; on real
    OpenStreetMap roads or roads of unknown origin: "fictional people", never
    "demo data", in the banner, the short label (footers, map title) and the
    GPX; a real scenario has no label at all (both languages)."""
    scenario, _G, plan, _m, _p = demo_day
    cases = {"generated": DEMO_LABEL, "openstreetmap": PEOPLE_LABEL, "unknown": PEOPLE_LABEL,
             "": PEOPLE_LABEL}
    for roads, label in cases.items():
        fictional = replace(plan, roads=roads)
        ctx = doc_context(fictional, scenario, "vi")
        assert ctx.fiction_label == label and ctx.fiction.startswith(label)
        assert label in _gpx_description(fictional, scenario)
        other = DEMO_LABEL if label == PEOPLE_LABEL else PEOPLE_LABEL
        assert other not in ctx.fiction and other not in _gpx_description(fictional, scenario)
    osm_en = doc_context(replace(plan, roads="openstreetmap"), scenario, "en")
    assert osm_en.fiction_label == "FICTIONAL PEOPLE" and "DEMO" not in osm_en.fiction
    for lang in ("vi", "en"):
        real = doc_context(replace(plan, fictional=False, roads="openstreetmap"), scenario, lang)
        assert real.fiction == "" and real.fiction_label == ""
    assert "FICTIONAL" not in _gpx_description(replace(plan, fictional=False), scenario, "en")


def test_map_title_of_fictional_people_on_real_roads(demo_day) -> None:
    """The map's title of fictional people on OpenStreetMap roads says
    "fictional people", not "fictional demo data"; a real plan's says neither."""
    scenario, _G, plan, _m, _p = demo_day
    page = render_map(replace(plan, roads="openstreetmap"), scenario)
    assert f"class='banner'>{PEOPLE_LABEL}" in page  # the title, in the page's script
    assert f"class='banner'>{DEMO_LABEL}" not in page
    real = render_map(replace(plan, fictional=False), scenario)
    assert PEOPLE_LABEL not in real and f"class='banner'>{DEMO_LABEL}" not in real
