"""The phone map as an officer uses it (issue 26, item 3), in real headless
Chromium at 390×844 with every request outside file:// blocked and counted:
the "next stop" card follows each route in its order whatever the stop's kind
(visit, pickup, drop-off, collection point, lunch) and survives a reload; each
kind has its own buttons; done stops are marked on the map and in the card's
list; "deceased" asks to confirm; a note per stop goes into the export; an
unserved household's "×" opens its reason."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.render.i18n import gettext_for
from planner.state.phone import parse_export

SHOTS = os.environ.get("PLANNER_PHONE_SHOTS")
"""A folder to keep the test's phone screenshots in, to look at them (unset: none)."""


@pytest.fixture(scope="module")
def demo_day(tmp_path_factory) -> Path:
    """The demo day planned once (seed 7, short solver time), every output written."""
    out = tmp_path_factory.mktemp("demo") / "day"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--time-limit", "2",
                                      "--seed", "7"])
    assert result.exit_code == 0, result.output
    return out


def _browser_or_skip() -> None:
    from test_render_map import _browser_or_skip as check

    check()


class Phone:
    """A phone's browser on one map file, offline; counts requests that are not file://."""

    def __init__(self, p, profile: str) -> None:
        from test_render_map import CHROMIUM, CHROMIUM_ARGS

        self.outside: list[str] = []
        self.problems: list[str] = []
        self.ctx = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
            offline=True, accept_downloads=True)
        self.ctx.route("**/*", self._route)
        self.page = self.ctx.new_page()
        self.page.on("console", lambda m: self.problems.append(f"{m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))

    def _route(self, r) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            self.outside.append(r.request.url)
            r.abort()

    def card_key(self) -> str:
        self.page.wait_for_selector(".card[data-key]")
        return self.page.get_attribute(".card", "data-key") or ""

    def chips(self) -> list[tuple[str, str]]:
        """The card's list of the route's stops: (key, kind) in route order."""
        return self.page.eval_on_selector_all(
            ".card .chip[data-chip]", "els => els.map(e => [e.dataset.chip, e.dataset.kind])")

    def shot(self, name: str) -> None:
        if SHOTS is not None:
            self.page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def _record(page, kind: str) -> None:
    """Record the stop on the card the way an officer would for its kind."""
    if kind == "visit":
        for person in page.locator(".card .person").all():
            person.locator(".ob[data-outcome='enrolled']").tap()
        return
    if kind == "point":
        page.locator(".card .count-in").fill("4")
    page.locator(".card .stop-done").tap()


def _team_with_every_kind(day: Path) -> str:
    """The team whose routes hold a pickup, a drop-off, a collection point and a lunch."""
    plan = json.loads((day / "plan.json").read_text(encoding="utf-8"))
    kinds: dict[str, set[str]] = {}
    for r in plan["routes"]:
        kinds.setdefault(r["team"], set()).update(s["kind"] for s in r["stops"])
    teams = [t for t, k in kinds.items() if {"pickup", "dropoff", "point", "break"} <= k]
    assert teams, kinds
    return teams[0]


def test_next_stop_follows_route_order_whatever_the_kind(demo_day: Path, tmp_path: Path):
    """On the map of a team with collection points, a lunch and a shuttle
    officer: the card opens on the route's stop 1 (not on a later pickup);
    recording each stop by its kind (count at a point, done at lunch, a pickup
    or a drop-off) and reloading shows the next one in route order every time;
    done stops are greyed with a tick on the map and ticked in the list. At a
    pickup at home, "deceased" is saved only once confirmed; a note typed on a
    stop is in the export, with the count of people enrolled at the point; the
    export passes its checksum. No request leaves the file."""
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    team = _team_with_every_kind(demo_day)
    url = (demo_day / f"map-{team}.html").as_uri()
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_path)
    with sync_playwright() as p:
        phone = Phone(p, profile)
        page = phone.page
        try:
            page.goto(url)
            chips = phone.chips()
            assert len(chips) >= 3
            first_route = chips[0][0].split("|")[0]
            assert {k for _key, k in chips} >= {"point", "break"}, chips
            assert phone.card_key() == chips[0][0]
            phone.shot("01-opened")
            stored = "() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find(" \
                     "k => k.startsWith('mip-outcomes:'))) || '{}')"
            resident = None
            # the team's routes in turn (its own, then its shuttle officer's) until
            # a pickup at home has been recorded
            done_route, route_chips, first_round = first_route, chips, True
            while route_chips:
                for i, (key, kind) in enumerate(route_chips):
                    assert phone.card_key() == key, (i, key, kind)
                    assert page.get_attribute(".card", "data-kind") == kind
                    if first_round and i == 0:
                        page.locator(".card .note").fill("chó dữ ở cổng, gọi trước")
                    deceased = page.locator(".card .ob[data-outcome='deceased']")
                    if resident is None and kind == "pickup" and deceased.count():
                        # a passenger picked up at home: "deceased" only once confirmed
                        resident = deceased.first.get_attribute("data-resident")
                        deceased.first.tap()
                        page.wait_for_selector(".card .confirm")
                        phone.shot("03-confirm-deceased")
                        assert resident not in page.evaluate(stored)
                        page.locator(".card .confirm .yes").tap()
                        page.wait_for_selector(".card .ob.on[data-outcome='deceased']")
                        assert page.evaluate(stored)[resident]["o"] == "deceased"
                        page.locator(".card .note").fill(NOTE_DASH)
                    _record(page, kind)
                    page.reload()
                    phone.card_key()
                    marker = page.locator(f"[data-stop='{key}']")
                    if marker.count():  # done on the map: greyed, with a tick
                        page.wait_for_selector(f"[data-stop='{key}'].done", state="attached")
                    if first_round and i == 0:
                        phone.shot("02-stop1-done-reloaded")
                    if i + 1 < len(route_chips):  # and ticked in the card's list
                        page.wait_for_selector(f".card .chip.done[data-chip='{key}']")
                        assert phone.card_key() == route_chips[i + 1][0], (i, route_chips)
                done_route, first_round = route_chips[0][0].split("|")[0], False
                following = phone.chips() if resident is None else []
                route_chips = following if following and \
                    following[0][0].split("|")[0] != done_route else []
            assert resident is not None, f"no pickup at home on {team}'s routes: {chips}"
            # the route done: the card goes on with the team's other route, if it has work
            after = phone.chips()
            if after and after[0][0].split("|")[0] != done_route:
                assert phone.card_key() == after[0][0]
            text = page.evaluate("() => window.plannerExportText()")
        finally:
            phone.ctx.close()
            shutil.rmtree(profile, ignore_errors=True)
    assert phone.outside == [] and phone.problems == []
    export = parse_export(Path("phone.csv"), text.encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(export.csv_text)))
    dead = [r for r in rows if r["resident_id"] == resident]
    assert len(dead) == 1 and dead[0]["outcome"] == "deceased"
    assert dead[0]["note"] == "'" + NOTE_DASH  # neutralised: no spreadsheet runs it
    noted = [r for r in rows if "chó dữ ở cổng, gọi trước" in r["note"]]
    assert len(noted) == 1 and noted[0]["team"] == team
    _export_rows_pass_the_import(text, demo_day, tmp_path)
    if chips[0][1] == "point":  # the count of people enrolled at the point, with its note
        assert not noted[0]["outcome"] and not noted[0]["resident_id"]
        assert " 4" in noted[0]["note"]


def test_unserved_marker_opens_its_reason(demo_day: Path, tmp_path: Path):
    """On the whole commune's map, with the "not visited" layer switched on, a
    tap on an unserved household's "×" opens a popup with the household, the
    words "not visited" and the reason from the plan. No request leaves the file."""
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    plan = json.loads((demo_day / "plan.json").read_text(encoding="utf-8"))
    assert plan["unserved"]
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_path)
    with sync_playwright() as p:
        phone = Phone(p, profile)
        page = phone.page
        try:
            page.goto((demo_day / "map.html").as_uri())
            page.locator(".leaflet-control-layers-toggle").tap()
            box = page.locator(".leaflet-control-layers-overlays label",
                               has_text="×").locator("input")
            box.check()
            page.locator(".leaflet-control-layers-toggle").evaluate(
                "e => e.closest('.leaflet-control-layers').classList.remove("
                "'leaflet-control-layers-expanded')")
            page.wait_for_selector(".unserved")
            # an "×" in view and on top where it shows (no control or card over it)
            hid = page.evaluate("""() => {
              for (const e of document.querySelectorAll('.unserved')) {
                const r = e.getBoundingClientRect();
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                if (x < 60 || x > 330 || y < 180 || y > 600) continue;
                if (document.elementFromPoint(x, y) === e) return e.dataset.household;
              }
              return null; }""")
            assert hid
            page.locator(f".unserved[data-household='{hid}']").tap()
            popup = page.locator(".leaflet-popup-content")
            popup.wait_for()
            shown = popup.inner_text()
            phone.shot("04-unserved-reason")
        finally:
            phone.ctx.close()
            shutil.rmtree(profile, ignore_errors=True)
    assert phone.outside == [] and phone.problems == []
    assert any(u["household"] == hid for u in plan["unserved"])
    label = gettext_for("vi")("Not visited")
    assert hid in shown and label in shown
    reason = shown.split(label, 1)[1].lstrip(": ").strip()
    assert len(reason) > 10


NOTE_DASH = "- con trai đưa ra đường"
"""A note as an officer types it, starting with "-": a spreadsheet would read
it as a formula, so the export writes it with a leading ' and record reads it
back as typed."""


def _export_rows_pass_the_import(text: str, day: Path, scratch: Path) -> None:
    """The export's rows as ``plan.py record`` reads them: no problem, and the
    rows with a note but no outcome (a point's count, a stop's note) skipped."""
    import datetime as dt

    from planner.scenario import read_table
    from planner.scenario.values import _Collector
    from planner.state.sheet import TABLE, validate_rows

    scenario = _demo()[0]
    export = parse_export(Path("phone.csv"), text.encode("utf-8"))
    path = scratch / "export-checked.csv"
    path.write_text(export.csv_text, encoding="utf-8")
    col = _Collector(str(path))
    rows = read_table(path, col, TABLE)
    assert rows is not None and col.problems == []
    residents = {r.id: h.id for h in scenario.households for r in h.residents}
    plan_date = dt.date.fromisoformat(json.loads((day / "plan.json").read_text(
        encoding="utf-8"))["date"])
    valid = validate_rows(rows, col, residents, {t.id for t in scenario.teams}, {}, None,
                          plan_date)
    assert col.problems == []
    assert len(valid) == sum(1 for _n, r in rows if r.get("outcome"))
    assert len(valid) < len(rows)  # the note-only rows are in the file, not imported
    assert NOTE_DASH in [r.get("note") for _n, r in rows]  # read back as typed


def _demo():
    from planner.planfile import read_plan
    from planner.scenario import load_scenario

    return load_scenario(ROOT / "scenarios" / "demo" / "scenario.yaml")[0], read_plan


ROOT = Path(__file__).resolve().parents[2]


def _pdf_text(pdf: bytes, tmp_path: Path, name: str) -> str:
    import subprocess

    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return " ".join(out.split())


@pytest.fixture(scope="module")
def demo_plan(demo_day: Path):
    """(scenario, plan) of the demo day."""
    scenario, read_plan = _demo()
    return scenario, read_plan(demo_day / "plan.json")[0]


def test_paper_and_phone_have_the_same_outcomes(demo_day: Path, demo_plan, tmp_path: Path):
    """The outcome set is ``plan.py record``'s, and the itinerary prints the
    same six words as the phone's buttons, for home visits and for shuttle
    passengers picked up at home (moved and deceased included)."""
    from planner.render.itinerary import OUTCOMES, render_itinerary
    from planner.render.views import OUTCOME_WORDS
    from planner.state.schema import OUTCOMES as CODES

    assert tuple(code for code, _w in OUTCOME_WORDS) == CODES
    assert OUTCOMES == tuple(w for _c, w in OUTCOME_WORDS)
    _ = gettext_for("vi")
    words = [_(w) for _c, w in OUTCOME_WORDS]
    assert len(set(words)) == 6 and all(w != e for w, (_c, e) in zip(words, OUTCOME_WORDS,
                                                                       strict=True))
    page = (demo_day / "map.html").read_text(encoding="utf-8")
    scenario, plan = demo_plan
    # a route that picks a passenger up at home (the point team's or its shuttle officer's)
    shuttles = [r for r in plan.routes if any(s.kind == "pickup" and s.place != "office"
                                              for s in r.stops)]
    assert shuttles
    for name in [shuttles[0].name, plan.routes[0].name]:
        text = _pdf_text(render_itinerary(plan, scenario, name), tmp_path, name)
        for w in words:
            assert json.dumps(w, ensure_ascii=False) in page, w
            assert text.count(w) >= 1, (name, w)


def test_point_pages_list_invited_residents(demo_plan, tmp_path: Path):
    """A collection point's row lists every invited household with its invited
    residents by name to tick; with ``redact`` by initials, no full name."""
    from planner.render.i18n import initials
    from planner.render.itinerary import render_itinerary
    from planner.render.views import home_visited, point_residents

    scenario, plan = demo_plan
    route = next(r for r in plan.routes if any(s.kind == "point" for s in r.stops))
    point = next(s for s in route.stops if s.kind == "point")
    households = {h.id: h for h in scenario.households}
    invited = [r.full_name for hid in point.households
               for r in point_residents(households[hid], home_visited(plan))]
    assert invited
    text = _pdf_text(render_itinerary(plan, scenario, route.name), tmp_path, "point")
    for name in invited:
        assert " ".join(name.split()) in text, name
    shared = _pdf_text(render_itinerary(plan, scenario, route.name, redact=True), tmp_path,
                       "point-redacted")
    assert not [n for n in invited if " ".join(n.split()) in shared]
    assert all(initials(n) in shared for n in invited)


def test_parking_is_a_line_to_read(demo_plan, tmp_path: Path):
    """A house reached on foot says where to park in words: how far and which
    way from the house, the walk, and the coordinates for a map app."""
    from planner.render.itinerary import render_itinerary
    from planner.render.views import doc_context

    scenario, plan = demo_plan
    ctx = doc_context(plan, scenario)
    walked = [(t, s) for t in ctx.teams for s in t.stops if s.kind == "visit" and s.walk_m]
    assert walked
    team, stop = walked[0]
    assert stop.park_text.startswith("Đỗ xe trên đường, cách nhà ")
    assert f"đi bộ {stop.walk_m} m" in stop.park_text and f"{stop.park_lat:.5f}" in \
        stop.park_text
    assert any(f"về phía {w}" in stop.park_text for w in
               ("bắc", "đông bắc", "đông", "đông nam", "nam", "tây nam", "tây", "tây bắc"))
    text = _pdf_text(render_itinerary(plan, scenario, team.route), tmp_path, "park")
    assert "Đỗ xe trên đường, cách nhà" in text


def test_village_without_meeting_place_gets_a_named_place(demo_plan, tmp_path: Path):
    """A collection point in a village with no meeting place is described by
    the commune office or the nearest meeting place with the distance and
    direction, in the notice and the slips; far from every named place it says
    the village has none."""
    import dataclasses

    from planner.render.notices import render_notices
    from planner.render.views import doc_context, point_place

    scenario, plan = demo_plan
    bare = {v.id: v for v in scenario.villages if not v.points}
    stops = [s for r in plan.routes for s in r.stops if s.kind == "point" and s.village in bare]
    assert stops
    stop = stops[0]
    village = bare[stop.village]
    _ = gettext_for("vi")
    place = point_place(stop, scenario, _)
    assert place != village.name and village.name in place
    named = [scenario.station.name] + [c.name for v in scenario.villages for c in v.points]
    assert any(n in place for n in named) and " m về phía " in place
    ctx = doc_context(plan, scenario)
    assert any(s.place == place for t in ctx.teams for s in t.stops)
    text = _pdf_text(render_notices(plan, scenario) or b"", tmp_path, "notices")
    assert f"đến {place.split(',')[0]}" in text
    assert f"đến {village.name} từ" not in text
    far = dataclasses.replace(stop, lon=stop.lon + 0.2)
    assert "chưa có điểm tập trung" in point_place(far, scenario, _)


def test_rides_off_the_road_are_walks_with_a_label(demo_day: Path, demo_plan):
    """A ride's end far from every road (a house set back from it) is cut at
    the nearest road: the piece is kept as a no-road walk with its length,
    drawn dashed and labelled on the map; the cut is idempotent."""
    from planner.render.geometry import road_graph, route_geometries, split_noroad

    scenario, plan = demo_plan
    G = road_graph(scenario)
    once = split_noroad(route_geometries(plan), G)
    pieces = [(line, m) for g in once.values() for line, m in g.noroad]
    assert pieces and max(m for _l, m in pieces) > 100
    assert all(m > 25 for _l, m in pieces)
    assert split_noroad(once, G) == once
    off = {c for line, _m in pieces for c in line} - {c for g in once.values()
                                                      for leg in g.legs if leg.kind == "drive"
                                                      for c in leg.coords}
    assert off  # the ends off the road are no longer part of any ride
    page = (demo_day / "map.html").read_text(encoding="utf-8")
    label = gettext_for("vi")("{m} m on foot: no road").replace("{m}", str(pieces[0][1]))
    assert json.dumps(label)[1:-1] in page and "noroad-leg" in page  # as folium writes it


def test_gps_dot_and_roads_stand_apart():
    """The GPS dot's colour is far from every team colour; the four road
    classes differ pairwise in shade and in width or dash."""
    from planner.render.map_html import GPS_COLOUR, ROAD_STYLE
    from planner.render.views import TEAM_COLOURS

    def rgb(h: str) -> tuple[int, ...]:
        return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))

    def far(a: str, b: str) -> float:
        return sum((x - y) ** 2 for x, y in zip(rgb(a), rgb(b), strict=True)) ** 0.5

    assert min(far(GPS_COLOUR, t) for t in TEAM_COLOURS) > 90
    styles = list(ROAD_STYLE.values())
    for i, a in enumerate(styles):
        for b in styles[i + 1:]:
            assert a["color"] != b["color"]
            assert a["weight"] != b["weight"] or a.get("dash_array") != b.get("dash_array")
