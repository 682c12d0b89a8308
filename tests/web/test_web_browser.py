"""The team leader's evening in the workspace, in Debian's Chromium (headless,
network blocked: every request that is not to the local server is aborted and
counted, and must stay 0), against a real uvicorn server in a thread with real
jobs: create the demo campaign, plan tomorrow, see the map and the lists,
filter by team, download one team's itinerary, import a phone export with one
bad row (the good rows recorded, the bad one reported), correct an outcome,
and see the campaign page change. At 1366×768, then every page at 390×844.
Screenshots go to /tmp/web-shots/ (to be looked at)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from planner.state.phone import MAGIC, checksum

SHOTS = Path("/tmp/web-shots")
HEADER = "date,team,household_id,resident_id,outcome,note\n"
TODAY = dt.date(2026, 12, 31)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def offline_browser(base: str, tmp_path: Path, downloads: bool = False):
    """Debian's Chromium (headless, a fresh profile in ``tmp_path``) at
    1366×768 with every request outside ``base`` aborted and counted: yields
    ``(ctx, page, blocked, problems)``, ``blocked`` the addresses refused and
    ``problems`` every console error and page error of ``page``. Skips when
    the browser is missing (fails under ``REQUIRE_SHARED_DATA=1``)."""
    from test_render_map import CHROMIUM, CHROMIUM_ARGS, _browser_or_skip

    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    problems: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith(base):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_path)
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1366, "height": 768}, accept_downloads=downloads)
        try:
            ctx.route("**/*", route)
            page = ctx.new_page()
            page.on("console", lambda m: problems.append(f"{m.type}: {m.text}")
                    if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            yield ctx, page, blocked, problems
        finally:
            ctx.close()


@pytest.fixture()
def server(tmp_path: Path):
    """The workspace on a free loopback port, served by uvicorn in a thread
    (short solver limits); yields ``(base URL, workspace)``."""
    import uvicorn

    from planner.web.app import create_app

    workspace = tmp_path / "ws"
    app = create_app(workspace, time_limit_s=0.3, today=TODAY)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}", workspace
    server.should_exit = True
    thread.join(timeout=20)


def _export(path: Path, plan: dict, rows: list[str]) -> Path:
    """A phone map's export of ``rows`` for ``plan`` (its checksum right)."""
    body = HEADER + "".join(r + "\n" for r in rows)
    path.write_text(f"{MAGIC} plan={plan['id']}; crc32={checksum(plan['id'], body)}\n{body}",
                    encoding="utf-8")
    return path


def _fits_width(page) -> bool:
    """No sideways scrolling: the page is as wide as the viewport."""
    return page.evaluate("() => document.documentElement.scrollWidth "
                         "<= window.innerWidth + 1")


def test_the_evening_loop_in_the_browser(server, tmp_path: Path) -> None:
    """The whole loop works in the browser with the network blocked (0 requests
    leave the machine, no console error): the demo campaign is created with
    live progress, tomorrow is planned and drawn (numbered markers on the map,
    a list per team, the unserved by reason), the team filter hides the other
    teams' stops, a team's itinerary downloads as a PDF, a phone export with
    two good rows and one bad one records 2 and reports the bad row, a
    correction is accepted, and the campaign page's enrolled count follows
    (2, then 1 after correcting one to not_home). Every page fits a
    390×844 phone without sideways scrolling."""
    base, workspace = server
    SHOTS.mkdir(exist_ok=True)

    with offline_browser(base, tmp_path, downloads=True) as (ctx, page, blocked, problems):
        _evening(page, base, workspace, tmp_path)
        phone = ctx.new_page()
        phone.set_viewport_size({"width": 390, "height": 844})
        phone.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
        for slug in ("tomorrow", "handout", "outcomes", "campaign"):
            phone.goto(f"{base}/c/demo/{slug}")
            phone.screenshot(path=str(SHOTS / f"phone-{slug}.png"), full_page=True)
            assert _fits_width(phone), slug
        phone.goto(f"{base}/c/demo/tomorrow")
        phone.wait_for_selector("#map[data-ready]")
        assert phone.locator("#map").is_visible() and phone.locator(".route").count()
    assert blocked == []
    assert problems == []


def _evening(page, base: str, workspace: Path, tmp_path: Path) -> None:
    """The steps at 1366×768 (see the test's docstring)."""
    page.goto(base + "/")
    page.screenshot(path=str(SHOTS / "desk-1-start.png"))
    page.fill("input[name=name]", "demo")
    page.select_option("select[name=source]", "demo")
    page.click("button.primary")
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("#lines:not(:empty)", timeout=120_000)  # live progress
    page.screenshot(path=str(SHOTS / "desk-2-job.png"))
    page.wait_for_url("**/c/demo/tomorrow", timeout=400_000)
    page.click("#plan-tomorrow")
    page.wait_for_url("**/jobs/*")
    page.wait_for_url("**/c/demo/tomorrow", timeout=400_000)
    page.wait_for_selector("#map[data-ready]")
    markers = page.locator(".leaflet-marker-icon .marker-num").count()
    assert markers > 0 and page.locator(".route").count() >= 2
    assert markers == page.locator(".lists li.stop").count()
    page.screenshot(path=str(SHOTS / "desk-3-tomorrow.png"))
    page.select_option("select[data-filter=team]", "T1")
    shown = page.locator(".leaflet-marker-icon .marker-num").count()
    assert 0 < shown < markers
    assert page.locator(".lists li.stop:not(.hidden)").count() == shown
    assert page.locator(".lists section.route:not(.hidden)").count() == 1
    assert page.locator("path.leaflet-interactive").count() == 1  # T1's line only
    page.screenshot(path=str(SHOTS / "desk-4-filtered.png"))

    page.click("nav a[href$='/handout']")
    page.wait_for_selector("table.handout")
    page.screenshot(path=str(SHOTS / "desk-5-handout.png"))
    with page.expect_download() as info:
        page.locator("tr[data-team='T1'] a[href$='.pdf']").click()
    pdf = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf)
    assert pdf.name == "itinerary-T1.pdf" and pdf.read_bytes().startswith(b"%PDF")

    day = page.eval_on_selector("select[name=day] option[selected]", "o => o.value")
    plan = json.loads((workspace / "demo" / "days" / day / "plan.json").read_text("utf-8"))
    visits = [(r["team"], s) for r in plan["routes"] for s in r["stops"]
              if s["kind"] == "visit"]
    assert len(visits) >= 2
    good = [f"{day},{team},{s['household']},{s['residents'][0]},enrolled,"
            for team, s in visits[:2]]
    team, stop = visits[0]
    bad = f"{day},{team},{stop['household']},R99999,enrolled,"
    export = _export(tmp_path / "T1-phone.csv", plan, [*good, bad])
    page.click("nav a[href$='/outcomes']")
    page.set_input_files("input[type=file]", str(export))
    page.click("#upload button")
    page.wait_for_selector("#imported")
    counts = page.locator(".result-counts").inner_text()
    assert "ghi nhận 2 kết quả mới" in counts and "1 dòng bị từ chối" in counts
    assert page.locator("tr.reject").count() == 1 and "R99999" in page.content()
    page.screenshot(path=str(SHOTS / "desk-6-outcomes.png"), full_page=True)

    page.click("nav a[href$='/campaign']")
    assert page.locator("#enrolled").inner_text() == "2"
    page.click("nav a[href$='/outcomes']")
    first = good[0].split(",")[3]
    page.select_option("#correct select[name=resident]", first)
    page.fill("#correct input[name=day]", day)
    page.select_option("#correct select[name=outcome]", "not_home")
    page.fill("#correct input[name=why]", "ghi nhầm trên điện thoại")
    page.click("#correct button")
    page.wait_for_selector("#corrected")
    page.click("nav a[href$='/campaign']")
    assert page.locator("#enrolled").inner_text() == "1"
    page.screenshot(path=str(SHOTS / "desk-7-campaign.png"), full_page=True)
