"""The team leader's evening in the workspace, as ONE continuous flow in
Debian's Chromium (headless, network blocked: every request that is not to
the local server is aborted and counted, and must stay 0; no console error),
against a real uvicorn server in a thread with real jobs (short solver
limits): a new user creates a commune from the demo's households
spreadsheet, fixes the one reported row, plans the campaign, moves one
household to another team and locks it, re-plans (the lock holds), downloads
one team's pack (the ZIP opened and its files checked), imports a phone
export with one bad row (the good rows in, the bad one reported), corrects
an outcome and sees the campaign page change. At 1366×768 (clicks) and at
390×844 (a touch phone: taps, the menu). Screenshots of every step go to
$PLANNER_SHOTS/flow-SIZE-NN-STEP.png (to be looked at; the test's own
temporary folder when it is not set, so a run leaves no folder behind).

The helpers (the offline browser, the server) serve the other browser tests."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import tempfile
import threading
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_web_start import BAD_ROW, as_xlsx, demo_rows, with_bad_row

from planner.state.phone import MAGIC, checksum


def shots_dir(tmp_path: Path) -> Path:
    """Where a test's screenshots go (made): $PLANNER_SHOTS, else
    ``tmp_path``/shots (pytest's, removed with its other temporary folders)."""
    folder = Path(os.environ.get("PLANNER_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder

HEADER = "date,team,household_id,resident_id,outcome,note\n"
TODAY = dt.date(2026, 12, 31)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def offline_browser(base: str, tmp_path: Path, downloads: bool = False,
                    size: tuple[int, int] = (1366, 768), touch: bool = False):
    """Debian's Chromium (headless, a fresh profile in ``tmp_path``) at
    ``size`` (a touch phone when ``touch``) with every request outside
    ``base`` aborted and counted: yields
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
            viewport={"width": size[0], "height": size[1]}, accept_downloads=downloads,
            is_mobile=touch, has_touch=touch)
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
    app = create_app(workspace, time_limit_s=0.2, today=TODAY)
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



SIZES = {"desk": ((1366, 768), False), "phone": ((390, 844), True)}
"""The two screens of the flow: the station's PC (mouse) and a phone (touch)."""
START, DEADLINE = "2026-11-24", "2026-11-25"
"""The campaign's two working days (short: the flow must stay cheap in CI)."""


class Flow:
    """One run of the flow: the page, how it is operated (click or tap, the
    phone's menu) and its screenshots, numbered in order."""

    def __init__(self, page, base: str, size: str, shots: Path) -> None:
        self.page, self.base, self.size, self.shots = page, base, size, shots
        self.phone = SIZES[size][1]
        self.shot_no = 0

    def press(self, selector: str, **options) -> None:
        """Click (desk) or tap (phone) the element ``selector``."""
        target = self.page.locator(selector, **options).first
        target.tap() if self.phone else target.click()

    def shot(self, step: str) -> None:
        """A full-page screenshot of the step; every page fits the width."""
        self.shot_no += 1
        name = f"flow-{self.size}-{self.shot_no:02d}-{step}.png"
        self.page.screenshot(path=str(self.shots / name), full_page=True)
        assert _fits_width(self.page), step

    def go(self, slug: str) -> None:
        """To the campaign's page ``slug`` by its menu (the phone opens it first)."""
        if self.phone:  # the header stays one line; the menu opens on a tap
            assert self.page.locator("header.top").bounding_box()["height"] < 60
            self.press("label.menu-button")
        self.press(f"header.top nav a[href$='/{slug}']")
        self.page.wait_for_url(f"**/{slug}*")

    def job_then(self, url_glob: str) -> None:
        """A job started by the last press: its page, then ``url_glob`` when done."""
        self.page.wait_for_url("**/jobs/*")
        self.page.wait_for_url(url_glob, timeout=300_000)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_evening_flow_in_the_browser(server, tmp_path: Path, size: str) -> None:
    """The whole flow (module docstring) at one screen size, with the network
    blocked (0 requests leave) and no console or page error: the Check page
    reports exactly the one bad row, the row edited in the page passes; the
    campaign is planned with live progress; a household of T1 moved to T2
    and locked to T2 is on T2's route after the re-plan; T2's pack is a ZIP
    of its itinerary (PDF), phone map, GPX and the notices; a phone export
    with two good rows and one bad records 2 and reports the bad row; the
    campaign page's enrolled count goes 0 → 2 → 1 (one corrected to
    not_home). Every page fits the screen's width."""
    base, workspace = server
    shots = shots_dir(tmp_path)
    sheet = tmp_path / "danh-sach-ho.xlsx"
    sheet.write_bytes(as_xlsx(with_bad_row(demo_rows())))
    view, touch = SIZES[size]
    with offline_browser(base, tmp_path, True, view, touch) as (_ctx, page, blocked, problems):
        flow = Flow(page, base, size, shots)
        _create_and_fix(flow, sheet)
        name = _plan_campaign(flow)
        household = _move_lock_replan(flow)
        _pack(flow, tmp_path)
        _outcomes(flow, workspace / name, household, tmp_path)
    assert blocked == []
    assert problems == []


def _create_and_fix(flow: Flow, sheet: Path) -> None:
    """Start → the new-commune form → Check (one row to fix, the marked
    list downloads) → the row edited → the check passes."""
    page = flow.page
    page.goto(flow.base + "/")
    flow.shot("start")
    flow.press("#new-commune")
    page.wait_for_url("**/new")
    page.fill("input[name=name]", "Nậm Khao")
    page.set_input_files("input[name=households]", str(sheet))
    page.fill("input[name=station_name]", "Công an xã Nậm Khao")
    page.fill("input[name=station_lon]", "103.208058")
    page.fill("input[name=station_lat]", "21.826378")
    page.fill("input[name='team-0-name']", "Tổ 1")
    page.fill("textarea[name='team-0-members']", "Lò Văn Thành (tổ trưởng)\nQuàng Thị Hoa")
    page.fill("input[name='team-1-id']", "T2")
    page.fill("input[name='team-1-name']", "Tổ 2")
    page.fill("textarea[name='team-1-members']", "Cà Văn Dũng (tổ trưởng)\nLò Thị Mai")
    page.fill("input[name=start]", START)
    page.fill("input[name=deadline]", DEADLINE)
    assert not page.locator("details#villages").evaluate("d => d.open")  # optional: folded
    flow.shot("new-commune")
    flow.press("button.primary")
    page.wait_for_url("**/check")
    assert page.locator(".edit-row").count() == 1
    assert "khỏe re" in page.locator("table.problems").inner_text()
    flow.shot("check")
    with page.expect_download() as info:
        flow.press("a[href$='/marked.xlsx']")
    assert info.value.suggested_filename.endswith(".xlsx")
    flow.press(".edit-row")
    page.wait_for_url(f"**/rows/{BAD_ROW}")
    assert page.locator("input[name=condition].marked").input_value() == "khỏe re"
    flow.shot("row")
    page.fill("input[name=condition]", "người cao tuổi")  # offered by the list
    flow.press("button.primary")
    page.wait_for_url("**/check")
    assert page.locator("#verdict.good").count() == 1
    flow.shot("passed")


def _plan_campaign(flow: Flow) -> str:
    """Plan the campaign from the Check page (a job with live progress);
    its Tomorrow page shows the routes on the map and the lists. Returns the
    campaign's folder name."""
    page = flow.page
    name = page.locator("form[action='/create'] input[name=name]").input_value()
    flow.press("form[action='/create'] button.primary")
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("#lines:not(:empty)", timeout=120_000)  # live progress
    flow.shot("job")
    page.wait_for_url("**/tomorrow", timeout=300_000)
    page.wait_for_selector("#map[data-ready]")
    markers = page.locator(".leaflet-marker-icon .marker-num").count()
    assert markers > 0 and markers == page.locator(".lists li.stop").count()
    flow.shot("tomorrow")
    page.select_option("select[data-filter=team]", "T1")
    shown = page.locator(".leaflet-marker-icon .marker-num").count()
    assert 0 < shown < markers
    assert page.locator(".lists li.stop:not(.hidden)").count() == shown
    page.select_option("select[data-filter=team]", "")
    return name


def _move_lock_replan(flow: Flow) -> str:
    """From the Tomorrow list, Edit a household T1 visits, move it to T2
    (preview: the check passes; save — or, when T2's day is full for each
    tried, the refused preview's "move and let the re-plan choose": it is on
    T2's route after that re-plan), lock it to T2 on every day, re-plan the
    rest: it is on T2's route, not T1's. Returns its code."""
    page = flow.page
    day = page.eval_on_selector("select[name=day] option[selected]", "o => o.value")
    tomorrow = f"{flow.base}{_path(page)}?day={day}"
    codes = page.locator("section.route[data-team=T1] li.stop:has(a.edit) small.code")
    # from the route's end: taking out its last visits delays none of T1's others
    for household in codes.all_inner_texts()[::-1][:3]:  # the first whose move holds
        if not page.url.startswith(tomorrow):
            page.goto(tomorrow)
        flow.press(f"section.route[data-team=T1] li.stop:has(small.code:text-is('{household}'))"
                   " a.edit")
        page.wait_for_selector("#act-move")
        page.select_option("#act-move select[name=team]", "T2")
        flow.press("#act-move button")
        page.wait_for_selector("#verdict")
        if page.locator("#save").count():
            break
        flow.shot("preview-refused")
    if page.locator("#save").count():
        flow.shot("preview")
        flow.press("#save")
        page.wait_for_selector("#kept")
    else:  # T2's day is full: the refused preview's way that works, the re-plan chooses
        flow.press("#assign-replan button")
        flow.job_then("**/tomorrow")
        page.goto(tomorrow)
        page.wait_for_selector("#map[data-ready]")
        given = f"li.stop:has(small.code:text-is('{household}'))"
        assert page.locator(f"section.route[data-team=T2] {given}").count() == 1
        flow.press(f"section.route[data-team=T2] {given} a.edit")
        page.wait_for_selector("#act-move")
    flow.shot("moved")
    flow.press("details[data-for=act-lock] > summary")
    flow.press("#act-lock input[value=always]")
    flow.press("#act-lock button")
    page.wait_for_selector("#verdict.good")
    flow.press("#save")
    page.wait_for_selector("#kept")
    assert page.locator(f"tr.decision[data-household='{household}']").count() >= 2
    flow.shot("locked")
    flow.press("#replan")
    flow.job_then("**/tomorrow")
    page.goto(tomorrow)
    page.wait_for_selector("#map[data-ready]")
    mine = f"li.stop:has(small.code:text-is('{household}'))"
    assert page.locator(f"section.route[data-team=T2] {mine}").count() == 1
    assert page.locator(f"section.route[data-team=T1] {mine}").count() == 0
    flow.shot("replanned")
    return household


def _path(page) -> str:
    """The page's path, without the query."""
    return page.evaluate("() => location.pathname")


def _pack(flow: Flow, tmp_path: Path) -> None:
    """Hand out: T2's pack downloads as one ZIP holding its itinerary (a
    PDF), its phone map (HTML), its GPX and the village notices (a PDF)."""
    page = flow.page
    flow.go("handout")
    page.wait_for_selector("table.handout")
    flow.shot("handout")
    with page.expect_download() as info:
        flow.press("tr[data-team='T2'] a.pack")
    pack = tmp_path / info.value.suggested_filename
    info.value.save_as(pack)
    assert pack.suffix == ".zip" and pack.stem.endswith("-T2")
    with zipfile.ZipFile(pack) as z:
        assert sorted(z.namelist()) == ["itinerary-T2.pdf", "map-T2.html", "notices.pdf",
                                        "route-T2.gpx"]
        assert z.read("itinerary-T2.pdf").startswith(b"%PDF")
        assert z.read("notices.pdf").startswith(b"%PDF")
        assert b"<gpx" in z.read("route-T2.gpx")[:400]
        assert b"<html" in z.read("map-T2.html")[:400].lower()


def _outcomes(flow: Flow, folder: Path, household: str, tmp_path: Path) -> None:
    """A phone export with two good rows and one bad: 2 recorded, the bad
    row reported; the campaign's enrolled count 0 → 2; one corrected to
    not_home: 1."""
    page = flow.page
    flow.go("campaign")
    assert page.locator("#enrolled").inner_text() == "0"
    day = sorted(p.name for p in (folder / "days").iterdir())[0]
    plan = json.loads((folder / "days" / day / "plan.json").read_text("utf-8"))
    visits = [(r["team"], s) for r in plan["routes"] for s in r["stops"]
              if s["kind"] == "visit"]
    assert len(visits) >= 2
    good = [f"{day},{team},{s['household']},{s['residents'][0]},enrolled,"
            for team, s in visits[:2]]
    team, stop = visits[0]
    bad = f"{day},{team},{stop['household']},R99999,enrolled,"
    export = _export(tmp_path / f"{team}-phone.csv", plan, [*good, bad])
    flow.go("outcomes")
    page.set_input_files("#upload input[type=file]", str(export))
    flow.press("#upload button")
    page.wait_for_selector("#imported")
    counts = page.locator(".result-counts").inner_text()
    assert "ghi nhận 2 kết quả mới" in counts and "1 dòng bị từ chối" in counts
    assert page.locator("tr.reject").count() == 1 and "R99999" in page.content()
    flow.shot("imported")
    flow.go("campaign")
    assert page.locator("#enrolled").inner_text() == "2"
    flow.go("outcomes")
    first = good[0].split(",")[3]
    page.select_option("#correct select[name=resident]", first)
    page.fill("#correct input[name=day]", day)
    page.select_option("#correct select[name=outcome]", "not_home")
    page.fill("#correct input[name=why]", "ghi nhầm trên điện thoại")
    flow.press("#correct button")
    page.wait_for_selector("#corrected")
    flow.shot("corrected")
    flow.go("campaign")
    assert page.locator("#enrolled").inner_text() == "1"
    flow.shot("campaign")
