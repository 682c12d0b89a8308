"""The offline map: self-contained, escaped, redactable, and usable on a phone."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from planner.legs import attach_legs
from planner.render.map_html import esc, render_map

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def demo_map(demo_day, tmp_path_factory) -> Path:
    scenario, G, plan, _m, _p = demo_day
    path = tmp_path_factory.mktemp("map") / "map.html"
    path.write_text(render_map(attach_legs(plan, scenario, G), scenario), encoding="utf-8")
    return path


def test_map_points_to_nothing_online(demo_map: Path):
    """No src= or href= in the map points to http:// or https://, and nothing
    loads from a CDN: Leaflet and jQuery are inlined."""
    text = demo_map.read_text(encoding="utf-8")
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.I)
    assert "L.map(" in text and "jQuery" in text
    assert "cdn" not in text.lower()


def test_map_is_small_enough(demo_map: Path):
    """The demo's map is at most 2 MB."""
    assert demo_map.stat().st_size <= 2_000_000


def test_map_has_the_plan(demo_day, demo_map: Path):
    """Every visit of the plan has a numbered marker, every team a layer, and
    the villages are labelled (Vietnamese by default, NFC)."""
    _s, _G, plan, _m, _p = demo_day
    text = demo_map.read_text(encoding="utf-8")
    for route in plan.routes:
        for stop in route.stops:
            if stop.kind == "visit":
                assert re.search(rf"data-household=[^A-Z]{{1,8}}{re.escape(stop.household)}", text)
    assert "Huổi Cơ Mông" in text
    assert "Tôi ở đâu?" in text and "Chú giải" in text


def test_user_text_is_escaped(demo_day):
    """A resident named <script>alert(1)</script> (or a template/JS injection)
    shows as text: no tag, no template evaluation, no JS interpolation."""
    import dataclasses

    scenario, G, plan, _m, _p = demo_day
    visited = next(s.household for r in plan.routes for s in r.stops if s.kind == "visit")
    evil = "<script>alert(1)</script> {{ 7*7 }} ${alert(2)} `x` \\u"
    households = tuple(
        dataclasses.replace(h, residents=tuple(dataclasses.replace(r, full_name=evil, notes=evil)
                                               for r in h.residents), notes=evil)
        if h.id == visited else h for h in scenario.households)
    page = render_map(attach_legs(plan, scenario, G),
                      dataclasses.replace(scenario, households=households))
    assert "<script>alert(1)" not in page
    assert "49" not in re.findall(r"&lt;/script&gt; (\S+)", page)
    assert esc(evil) in page
    assert "${alert(2)}" not in page and "`x`" not in page


def test_redacted_map_has_no_names(demo_day, tmp_path: Path):
    """--redact: the map contains none of the demo's resident names (every one
    is searched for), no ID numbers and no phone numbers."""
    scenario, G, plan, _m, _p = demo_day
    page = render_map(attach_legs(plan, scenario, G), scenario, redact=True)
    for h in scenario.households:
        for r in h.residents:
            assert r.full_name not in page, r.full_name
            assert r.id_number not in page
        if h.contact:
            assert h.contact not in page
    assert "S.T.C." in page or re.search(r"\b\w\.\w\.\w\.", page)


def _browser_or_skip() -> None:
    if CHROMIUM.is_file():
        return
    message = f"{CHROMIUM} not found (apt-get install chromium)"
    if os.environ.get("REQUIRE_SHARED_DATA") == "1":
        pytest.fail(message + " and REQUIRE_SHARED_DATA=1")
    pytest.skip(message)


def test_map_works_offline_on_a_phone(demo_map: Path, tmp_path: Path):
    """In headless Chromium at 390×844 with the network off: no console error,
    no request but the file itself, markers and route lines present, tapping a
    stop opens its popup, "where am I" shows the GPS position; a screenshot is
    saved in the test's tmp dir."""
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    url = demo_map.as_uri()
    requests: list[str] = []
    problems: list[str] = []
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_path)
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
            device_scale_factor=2, offline=True, permissions=["geolocation"],
            geolocation={"latitude": 21.8264, "longitude": 103.2081, "accuracy": 15})
        try:
            def block(route):
                if route.request.url.startswith("file://"):
                    route.continue_()
                else:
                    route.abort()

            ctx.route("**/*", block)
            page = ctx.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: problems.append(f"{m.type}: {m.text}")
                    if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            page.goto(url)
            page.wait_for_selector(".stop")
            assert page.locator(".stop").count() > 0
            assert page.locator("path.leaflet-interactive, svg path").count() > 0
            page.locator(".gps-btn").tap()
            page.wait_for_selector("path.me", timeout=5000)
            page.screenshot(path=str(tmp_path / "map-gps.png"))
            box = page.locator(".gps-btn").bounding_box()
            assert box and box["width"] >= 44 and box["height"] >= 44
            # a fresh page: tap a stop marker that is not hidden under another one
            page.goto(url)
            page.wait_for_selector(".stop")
            index = page.evaluate("""() => [...document.querySelectorAll('.stop')].findIndex(e => {
                const r = e.getBoundingClientRect();
                const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                return top && e.contains(top) && r.y > 120 && r.bottom < 760; })""")
            assert index >= 0, "no stop marker free to tap"
            marker = page.locator(".stop").nth(index)
            household = marker.get_attribute("data-household")
            marker.tap()
            popup = page.locator(".leaflet-popup-content")
            popup.wait_for(state="visible", timeout=5000)
            assert household in popup.inner_text()
            page.screenshot(path=str(tmp_path / "map-popup.png"))
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)
    assert problems == []
    assert set(requests) == {url}
    assert (tmp_path / "map-popup.png").stat().st_size > 10_000
