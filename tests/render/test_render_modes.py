"""Every mode shows distinctly: home visits, shuttle pickups and drop-offs,
collection points, in the map, the itineraries, the notices and the GPX.

The plan is built by hand on the demo scenario (no solver), in the first
village with nine households or more; the residents' modes are set here, so
the test does not depend on how the demo was generated. Team T1 visits a
house, then holds a collection point as two consecutive point stops (one
session) for six households; its shuttle officer (route ``T1-shuttle``) takes
the residents of another house to the commune office and back; a third
house's shuttle is unserved for want of a seat.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import gpxpy
import pytest

from planner.domain import Plan, Route, Stop, Unserved
from planner.legs import attach_legs
from planner.render import render_all
from planner.render.gpx import render_gpx
from planner.render.itinerary import render_itinerary
from planner.render.map_html import esc, render_map
from planner.render.notices import invitations, notices, render_notices
from planner.render.views import doc_context, point_sessions

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo" / "scenario.yaml"
PLACE = "Nhà văn hoá bản"  # + the village's name
CONDITION_TEXT = {
    "vi": ("nằm liệt giường", "khuyết tật", "sau sinh", "người cao tuổi", "tại giường",
           "trẻ sơ sinh"),
    "en": ("bedridden", "after childbirth", "elderly", "in bed", "newborn", "disabled"),
}


def H(h: int, m: int = 0) -> int:
    return h * 3600 + m * 60


@dataclasses.dataclass(frozen=True)
class Cast:
    """Who is who in the hand-built plan (household ids), and the point's place."""

    village: str
    place: str
    visit: str
    shuttled: str
    unseated: str
    invited: tuple[str, ...]


def cast(scenario) -> Cast:
    v = next(v for v in scenario.villages
             if sum(h.village_id == v.id for h in scenario.households) >= 9)
    ids = [h.id for h in scenario.households if h.village_id == v.id]
    return Cast(v.id, f"{PLACE} {v.name}", ids[0], ids[1], ids[2], tuple(ids[3:9]))


def modes_plan(scenario, place: str | None = None) -> Plan:
    """The hand-built plan of the module docstring, on ``scenario``."""
    c = cast(scenario)
    place = place or c.place
    by_id = {h.id: h for h in scenario.households}
    st = scenario.station
    v = scenario.village(c.village)
    home, shuttled = by_id[c.visit], by_id[c.shuttled]
    riders = tuple(r.id for r in shuttled.residents)
    VISIT, SHUTTLED, INVITED = c.visit, c.shuttled, c.invited
    team = Route("T1", (
        Stop("start", H(7), H(7), st.lon, st.lat),
        Stop("visit", H(7, 40), H(8, 50), home.lon, home.lat, household=VISIT,
             service_s=H(1, 5)),
        Stop("point", H(9, 10), H(10, 30), v.lon, v.lat, place=place, village=v.id,
             opens_s=H(9, 30), attendance=3.2, households=INVITED[:3]),
        Stop("point", H(10, 30), H(11, 30), v.lon, v.lat, place=place, village=v.id,
             opens_s=H(10, 30), attendance=2.4, households=INVITED[3:]),
        Stop("end", H(12, 10), H(12, 10), st.lon, st.lat),
    ), distance_m=21_000, duration_s=H(5, 10))
    shuttle = Route("T1", (
        Stop("start", H(7), H(7), st.lon, st.lat),
        Stop("pickup", H(7, 35), H(7, 40), shuttled.lon, shuttled.lat, household=SHUTTLED,
             place="home", passengers=riders, onboard=len(riders)),
        Stop("dropoff", H(8, 15), H(8, 20), st.lon, st.lat, household=SHUTTLED,
             place="office", passengers=riders, onboard=0),
        Stop("pickup", H(9), H(9, 5), st.lon, st.lat, household=SHUTTLED, place="office",
             passengers=riders, onboard=len(riders)),
        Stop("dropoff", H(9, 40), H(9, 45), shuttled.lon, shuttled.lat, household=SHUTTLED,
             place="home", passengers=riders, onboard=0),
        Stop("end", H(10, 20), H(10, 20), st.lon, st.lat),
    ), distance_m=17_000, duration_s=H(3, 20), unit="shuttle")
    return Plan(date=scenario.date, scenario=scenario.name, fictional=True, season="dry",
                engine="hand-built", routes=(team, shuttle), unserved=(
                    Unserved(c.unseated, "no free seat", "no_seat", mode="shuttle"),))


@pytest.fixture(scope="module")
def modes():
    """``(scenario, G, plan, cast)``: the demo, with the cast's modes set."""
    from planner.roads.io import load_graph
    from planner.scenario import load_scenario

    scenario, _ = load_scenario(DEMO)
    c = cast(scenario)
    mode = {c.visit: "home", c.shuttled: "shuttle", c.unseated: "shuttle",
            **{h: "point" for h in c.invited}}
    scenario = dataclasses.replace(scenario, households=tuple(
        dataclasses.replace(h, residents=tuple(dataclasses.replace(r, mode=mode[h.id])
                                               for r in h.residents))
        if h.id in mode else h for h in scenario.households))
    G = load_graph(scenario.roads)
    return scenario, G, attach_legs(modes_plan(scenario), scenario, G), c


def _pdftotext(pdf: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext not found (apt-get install poppler-utils)")
    # -raw: in the order printed, so that a table cell's wrapped lines stay together
    text = subprocess.run([tool, "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text


def _flat(text: str) -> str:
    return " ".join(text.split())


def _unjson(page: str) -> str:
    """The map with folium's JSON ``\\uXXXX`` escapes (marker HTML) decoded."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)


def _names(scenario, *ids: str) -> list[str]:
    by_id = {h.id: h for h in scenario.households}
    return [r.full_name for i in ids for r in by_id[i].residents]


def test_point_stops_at_one_place_are_one_session(modes):
    """Consecutive point stops at the same place merge into one session
    (first arrival and opening, last closing, attendance summed, households
    concatenated); a point elsewhere or after another stop stays apart."""
    scenario, _G, plan, c = modes
    stops = plan.routes[0].stops
    merged = point_sessions(stops)
    assert [s.kind for s in merged] == ["start", "visit", "point", "end"]
    session = merged[2]
    assert (session.arrive_s, session.opens_s, session.depart_s) == (H(9, 10), H(9, 30),
                                                                     H(11, 30))
    assert session.attendance == pytest.approx(5.6)
    assert session.households == c.invited
    elsewhere = dataclasses.replace(stops[3], place="Trường tiểu học")
    assert len(point_sessions((stops[2], elsewhere))) == 2
    assert len(point_sessions((stops[2], stops[1], stops[3]))) == 3


def test_views_number_every_mode_per_route(modes):
    """Each route is a day of its own (``T1``, ``T1-shuttle``, same colour);
    visits, pickups, drop-offs and the point session are numbered in order;
    an unserved shuttle keeps its mode and its reason in words."""
    scenario, _G, plan, c = modes
    ctx = doc_context(plan, scenario)
    team, shuttle = ctx.teams
    riders = len(_names(scenario, c.shuttled))
    assert (team.route, shuttle.route, shuttle.unit) == ("T1", "T1-shuttle", "shuttle")
    assert team.colour == shuttle.colour
    assert [(s.kind, s.number) for s in team.stops if s.number] == [("visit", 1), ("point", 2)]
    assert [(s.kind, s.place, s.onboard) for s in shuttle.stops if s.number] == [
        ("pickup", "home", riders), ("dropoff", "office", 0), ("pickup", "office", riders),
        ("dropoff", "home", 0)]
    assert shuttle.stops[1].back == "09:40"
    point = team.stops[2]
    assert (point.label, point.opens, point.depart, point.people) == (
        "Điểm thu nhận", "09:30", "11:30", 6)
    assert (ctx.unserved[0].mode, ctx.unserved[0].reason) == (
        "shuttle", "hôm nay không còn chỗ trên xe máy đưa đón")


def test_map_shows_each_mode(modes):
    """The map has a layer per route, round markers for visits, squares with
    ↑/↓ for home pickups and drop-offs, one collection-point marker whose popup
    gives the place, hours, expected attendance and invited households, shuttle
    legs long-dashed, office transfers in the office popup, and the legend."""
    scenario, G, plan, c = modes
    page = _unjson(render_map(plan, scenario))
    assert "T1-shuttle" in page
    assert re.search(rf"class='stop' [^>]*data-kind='visit' data-household='{c.visit}'>1<",
                     page)
    assert re.search(rf"class='stop shuttle pickup' [^>]*data-household='{c.shuttled}'>1↑<",
                     page)
    assert re.search(rf"class='stop shuttle dropoff' [^>]*data-household='{c.shuttled}'>4↓<",
                     page)
    assert page.count("data-kind='point'") == 1  # two point stops, one session
    assert f"<b>{esc(c.place)}</b>" in page
    assert "Mở cửa: <b>09:30–11:30</b>" in page
    assert "Số người dự kiến đến: <b>6</b>" in page and "Số hộ được mời: <b>6</b>" in page
    assert '"dashArray": "14 10"' in page and "shuttle-leg" in page
    names = ", ".join(esc(n) for n in _names(scenario, c.shuttled))
    assert f"08:15 · T1 (cán bộ đưa đón) · Trả người dân: {names}" in page
    for words in ("đoạn đưa đón có người dân trên xe", "điểm thu nhận",
                  "đón (↑) hoặc trả (↓) người dân tại nhà",
                  "hôm nay không còn chỗ trên xe máy đưa đón"):
        assert esc(words) in page, words


def test_map_escapes_point_and_passenger_texts(modes):
    """A collection point's place and a passenger's name are shown as text."""
    scenario, G, _plan, c = modes
    evil = "<script>alert(1)</script> {{ 7*7 }} ${alert(2)} `x`"
    hostile = dataclasses.replace(scenario, households=tuple(
        dataclasses.replace(h, residents=tuple(dataclasses.replace(r, full_name=evil)
                                               for r in h.residents))
        if h.id == c.shuttled else h for h in scenario.households))
    page = render_map(attach_legs(modes_plan(hostile, place=evil), hostile, G), hostile)
    assert "<script>alert(1)" not in page
    assert "${alert(2)}" not in page and "`x`" not in page
    assert page.count(esc(evil)) >= 4  # the place, the passengers (2 stops), the office list


def test_itineraries_show_each_mode(modes, tmp_path: Path):
    """The team's itinerary shows the visit and the collection point with its
    hours, expected attendance and its invited households with every invited
    resident by name (a box to tick each); the shuttle officer's shows pickups and
    drop-offs in Vietnamese with passengers by name and the count on board;
    in English the same words are English."""
    scenario, G, plan, c = modes
    texts = {}
    for route, lang in (("T1", "vi"), ("T1-shuttle", "vi"), ("T1-shuttle", "en"),
                        ("T1", "en")):
        pdf = tmp_path / f"{route}-{lang}.pdf"
        pdf.write_bytes(render_itinerary(plan, scenario, route, lang=lang))
        texts[route, lang] = _flat(_pdftotext(pdf))
    team = texts["T1", "vi"]
    for words in ("Lịch trình · T1 ", "Làm tại nhà: 1", "Điểm thu nhận: 1", c.place,
                  "Mở cửa 09:30–11:30", "Số người dự kiến đến: 6", *c.invited,
                  *_names(scenario, *c.invited), *_names(scenario, c.visit)):
        assert words in team, words
    assert "Đón người dân" not in team
    shuttle = texts["T1-shuttle", "vi"]
    riders = _names(scenario, c.shuttled)
    for words in ("T1 Tổ 1 – Công an xã (cán bộ đưa đón)", "Đưa đón", "Đón người dân",
                  "Trả người dân", "tại nhà",
                  "tại trụ sở Công an xã", *riders,
                  f"Số người trên xe khi rời điểm: {len(riders)}", "Dự kiến về đến nhà: 09:40"):
        assert words in shuttle, words
    assert "Điểm thu nhận" not in shuttle
    assert "T1-shuttle" not in shuttle  # the route's code is for files, not for people
    assert "T1 (shuttle officer)" in texts["T1-shuttle", "en"]
    assert "Pick up residents" in texts["T1-shuttle", "en"]
    assert "Drop off residents" in texts["T1-shuttle", "en"]
    assert "Collection point" in texts["T1", "en"]
    assert "Expected attendance: 6" in texts["T1", "en"]


def test_notices_invite_to_points_and_announce_pickups(modes, tmp_path: Path):
    """The village head's page gives the collection point's place and hours
    and the shuttle's pickup and return times; each invited household gets a
    slip "Mời ông/bà … đến <place> từ 09:30 đến 11:30", and the shuttled
    household a slip with its pickup time at home and expected return."""
    scenario, G, plan, c = modes
    ctx = doc_context(plan, scenario)
    items = notices(plan, scenario, ctx)
    assert [n.village for n in items] == [scenario.village(c.village).name]
    slips = invitations(plan, scenario, ctx, items)
    assert [s.household for s in slips if s.kind == "point"] == list(c.invited)
    assert [s.household for s in slips if s.kind == "shuttle"] == [c.shuttled]
    pdf = tmp_path / "notices.pdf"
    pdf.write_bytes(render_notices(plan, scenario))
    text = _flat(_pdftotext(pdf))
    first = ", ".join(_names(scenario, c.invited[0]))
    riders = ", ".join(_names(scenario, c.shuttled))
    for words in (f"Điểm thu nhận: {c.place}", "Làm việc từ 09:30 đến 11:30",
                  "Số người dự kiến đến: 6", "Đưa đón đến trụ sở Công an xã",
                  "Giờ đón tại nhà", "Dự kiến về đến nhà", "Giấy mời",
                  f"Mời ông/bà {first} đến {c.place} từ 09:30 đến 11:30",
                  f"sẽ đón ông/bà {riders} tại nhà vào khoảng 07:35",
                  "đưa về nhà trước khoảng 09:40"):
        assert words in text, words
    for condition in CONDITION_TEXT["vi"]:
        assert condition not in text


def test_gpx_names_waypoints_by_mode(modes):
    """Waypoints carry their mode in the name and as ``type``; pickups and
    drop-offs at the commune office are route points, not waypoints."""
    scenario, G, plan, c = modes
    team = gpxpy.parse(render_gpx(plan, scenario, "T1"))
    assert [(w.type, w.name) for w in team.waypoints] == [
        ("visit", f"01 07:40 Làm tại nhà {c.visit}"),
        ("point", f"02 09:10 Điểm thu nhận {c.place}")]
    assert "Mở cửa 09:30–11:30" in team.waypoints[1].description
    assert "Số người dự kiến đến: 6" in team.waypoints[1].description
    shuttle = gpxpy.parse(render_gpx(plan, scenario, "T1-shuttle"))
    assert [(w.type, w.name) for w in shuttle.waypoints] == [
        ("pickup", f"01 07:35 Đón người dân {c.shuttled}"),
        ("dropoff", f"04 09:40 Trả người dân {c.shuttled}")]
    assert [p.name for p in shuttle.routes[0].points][2:4] == [
        "02 08:15 Trả người dân trụ sở Công an xã", "03 09:00 Đón người dân trụ sở Công an xã"]
    assert shuttle.tracks[0].segments


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_render_all_per_route_and_redacted(modes, tmp_path: Path, lang: str):
    """``render_all`` writes an itinerary and a GPX per route, named by the
    route (``T1``, ``T1-shuttle``); with redaction no output holds the name or
    ID number of a visited resident, a passenger or an invitee, a phone number,
    nor a word that gives a condition away."""
    scenario, G, plan, c = modes
    written = render_all(plan, scenario, tmp_path, lang=lang, redact=True)
    assert sorted(p.name for p in written) == [
        "itinerary-T1-shuttle.pdf", "itinerary-T1.pdf", "map-T1.html", "map.html",
        "notices.pdf",
        "route-T1-shuttle.gpx", "route-T1-shuttle.kml", "route-T1.gpx", "route-T1.kml"]
    by_id = {h.id: h for h in scenario.households}
    for path in written:
        text = _pdftotext(path) if path.suffix == ".pdf" else path.read_text(encoding="utf-8")
        flat = _flat(text)
        for hid in (c.visit, c.shuttled, c.unseated, *c.invited):
            for r in by_id[hid].residents:
                assert r.full_name not in flat, (path.name, r.full_name)
                assert r.id_number not in text, path.name
            if by_id[hid].contact:
                assert by_id[hid].contact not in text, path.name
        for word in CONDITION_TEXT[lang]:
            if word == "disabled" and path.suffix == ".html":
                continue  # Leaflet's and jQuery's own code say "disabled"
            assert word not in flat.lower(), (path.name, word)
    if lang == "vi":
        notices_text = _flat(_pdftotext(tmp_path / "notices.pdf"))
        assert re.search(r"Mời ông/bà (\w\.)+ đến", notices_text)


def test_map_modes_in_a_browser(modes, tmp_path: Path):
    """In headless Chromium with the network off, the map loads without a
    console error; tapping the collection point opens a popup with its place,
    hours and expected attendance; tapping a pickup opens one with the
    passengers; a screenshot is saved in the test's tmp dir."""
    from test_render_map import CHROMIUM, CHROMIUM_ARGS, _browser_or_skip

    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    scenario, G, plan, c = modes
    path = tmp_path / "map.html"
    path.write_text(render_map(plan, scenario), encoding="utf-8")
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 390, "height": 844},
                                       offline=True).new_page()
            page.on("console", lambda m: problems.append(f"{m.type}: {m.text}")
                    if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            page.goto(path.as_uri())
            page.wait_for_selector(".cpoint[data-kind='point']")
            assert page.locator(".stop.shuttle[data-kind]").count() == 2
            assert page.locator("path.shuttle-leg").count() == 1
            popup = page.locator(".leaflet-popup-content")
            page.locator(".cpoint[data-kind='point']").dispatch_event("click")
            popup.wait_for(state="visible", timeout=5000)
            text = popup.inner_text()
            assert c.place in text and "09:30–11:30" in text
            assert "Số người dự kiến đến: 6" in text and "Số hộ được mời: 6" in text
            page.screenshot(path=str(tmp_path / "map-point.png"))
            page.locator(".stop[data-kind='pickup']").dispatch_event("click")
            page.wait_for_function("() => document.querySelector('.leaflet-popup-content')"
                                   ".innerText.includes('Đón người dân')", timeout=5000)
            text = popup.inner_text()
            for name in _names(scenario, c.shuttled):
                assert name in text
            assert "Dự kiến về đến nhà: 09:40" in text
            page.screenshot(path=str(tmp_path / "map-pickup.png"))
        finally:
            browser.close()
    assert problems == []


def test_renderers_import_no_engine_planner_or_matrix():
    """Rendering needs no solver, day planner or travel matrices: importing
    every renderer loads none of ``planner.engine``, ``planner.day`` or
    ``planner.matrix`` (the plan carries the legs' geometry)."""
    import subprocess
    import sys

    code = ("import sys, planner.render, planner.render.map_html, planner.render.itinerary, "
            "planner.render.gpx, planner.render.notices, planner.cli.render; "
            "print(sorted(m for m in sys.modules if m.startswith(('planner.engine', "
            "'planner.day', 'planner.matrix'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.strip()
    assert out == "[]"
