"""The Edit page in-process (TestClient) on a two-team variant of the small
test campaign, planned once: a preview writes nothing and shows the check and
the cost; confirming writes the day and stores the decision; a move that
breaks a household's hours is shown broken and refused without a reason to
force it; a post without the CSRF token is refused; households are named
(head's name and village, the code beside), a name with ``<script>`` as text;
the outcome correction picks the resident from a list; decisions are listed
with undo. Then, in Debian's Chromium (network blocked and counted), two
stops at one house stand apart on the map."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_web_browser import offline_browser, server, shots_dir  # noqa: F401
from test_web_security import BASE, NOW, SMALL, TODAY, _csrf

from planner.app.campaign import CampaignRequest, plan_campaign
from planner.app.decisions import list_decisions
from planner.web.app import create_app

DAY = "2026-11-24"
EVIL = "Sùng <script>alert(1)</script> Dế"
"""H4's head, named to be escaped."""


@pytest.fixture(scope="module")
def planned2(tmp_path_factory) -> Path:
    """The small scenario with a second team T2 (H4's head named ``EVIL``),
    its campaign planned once (no day drawn: cheaper): on 2026-11-24 T1 visits H4,
    H3, H1 and T2 visits H2."""
    base = tmp_path_factory.mktemp("planned2")
    scenario = base / "scenario"
    shutil.copytree(SMALL, scenario)
    text = (scenario / "scenario.yaml").read_text(encoding="utf-8")
    team = text[text.index("  - id: T1"):text.index("parameters:")]
    text = text.replace("parameters:", team.replace("T1", "T2").replace("Tổ 1", "Tổ 2")
                        .replace("Lò Văn Thành, Quàng Thị Hoa", "Hà Văn Dũng, Lò Thị Xuân")
                        + "parameters:")
    (scenario / "scenario.yaml").write_text(text, encoding="utf-8")
    rows = (scenario / "households.csv").read_text(encoding="utf-8")
    (scenario / "households.csv").write_text(rows.replace("Sùng Thị Dế", EVIL),
                                             encoding="utf-8")
    plan_campaign(CampaignRequest(scenario / "scenario.yaml", base / "camp",
                                  deadline=dt.date(2026, 11, 27), time_limit_s=0.2,
                                  draw="none", now=NOW))
    return base


@pytest.fixture()
def ws(planned2: Path, tmp_path: Path) -> Path:
    """A workspace holding a copy of the two-team campaign as ``two``."""
    folder = tmp_path / "ws"
    folder.mkdir()
    shutil.copytree(planned2 / "camp", folder / "two")
    return folder


def _client(folder: Path) -> TestClient:
    return TestClient(create_app(folder, time_limit_s=0.2, today=TODAY), base_url=BASE)


def _digest(folder: Path) -> dict[str, str]:
    """Every file of ``folder`` by its SHA-256."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _form(token: str, **fields: str) -> dict[str, str]:
    return {"csrf": token, "day": DAY, **fields}


def _team_of(folder: Path, household: str) -> str | None:
    """The team whose route visits ``household`` on ``DAY``, from plan.json."""
    plan = json.loads((folder / "days" / DAY / "plan.json").read_text(encoding="utf-8"))
    return next((r["team"] for r in plan["routes"] for s in r["stops"]
                 if s["kind"] == "visit" and s.get("household") == household), None)


def test_preview_writes_nothing_then_confirm_stores_the_decision(ws: Path) -> None:
    """Tomorrow names each household (head's name and village, the code
    beside) with a link to Edit; a move preview of H1 to T2 shows the day
    still holds, the minutes per team before → after and the households
    served, and changes no file; confirming moves H1 to T2 in plan.json and
    stores a lock of H1 to T2 on the day, listed on the Edit page with its
    name and an Undo that retires it; a lock "every day" previews as no
    change to the routes; the same lock twice is refused with the reason."""
    client = _client(ws)
    folder = ws / "two"
    tomorrow = client.get(f"/c/two/tomorrow?day={DAY}").text
    assert "Lò Thị Mỷ</span> (Bản Trung Tâm)" in tomorrow
    assert f'/c/two/edit?day={DAY}&amp;household=H1' in tomorrow
    page = client.get(f"/c/two/edit?day={DAY}&household=H1")
    assert page.status_code == 200 and 'id="act-move"' in page.text
    token = _csrf(page.text)
    before = _digest(folder)
    preview = client.post("/c/two/edit/preview",
                          data=_form(token, action="move", household="H1", team="T2",
                                     to_date=DAY))
    assert preview.status_code == 200, preview.text
    assert "ngày vẫn hợp lệ" in preview.text and 'id="save"' in preview.text
    costs = re.findall(r"<tr><td>(T\d)</td><td>(\d+) → (\d+)</td>", preview.text)
    assert {t for t, _b, _a in costs} == {"T1", "T2"}
    assert any(int(a) > int(b) for t, b, a in costs if t == "T2"), costs
    assert re.search(r"<td>24/11/2026</td><td>4 → 4</td>", preview.text)
    assert _digest(folder) == before and list_decisions(folder) == []

    kept = client.post("/c/two/edit/keep", data=_form(token, action="move", household="H1",
                                                       team="T2", to_date=DAY),
                       follow_redirects=False)
    assert kept.status_code == 303 and "kept=1" in kept.headers["location"]
    assert _team_of(folder, "H1") == "T2"
    [lock] = list_decisions(folder)
    assert (lock.kind, lock.household, lock.team, [d.isoformat() for d in lock.dates]) == \
        ("lock", "H1", "T2", [DAY])
    listed = client.get(kept.headers["location"]).text
    assert 'id="kept"' in listed and 'data-kind="lock" data-household="H1"' in listed
    assert re.search(r'id="in-force">Đang áp dụng: <span class="tag">Khoá cho một tổ T2 · '
                     r'24/11/2026</span>', listed), listed
    assert "Lò Thị Mỷ (Bản Trung Tâm)" in listed

    lock_form = _form(token, action="lock", household="H1", scope="always")
    shown = client.post("/c/two/edit/preview", data=lock_form).text
    assert "Lộ trình trong ngày không thay đổi" in shown and 'id="save"' in shown
    assert client.post("/c/two/edit/keep", data=lock_form,
                       follow_redirects=False).status_code == 303
    twice = client.post("/c/two/edit/preview", data=lock_form).text
    assert "một quyết định giống hệt đang được áp dụng" in twice, twice
    assert 'id="save"' not in twice
    undo = client.post("/c/two/decisions/2/retire", data={"csrf": token, "day": DAY},
                       follow_redirects=False)
    assert undo.status_code == 303 and "undone=2" in undo.headers["location"]
    assert [d.id for d in list_decisions(folder)] == [1]


def test_a_move_that_breaks_a_rule_is_refused_without_force(ws: Path) -> None:
    """H2 is home only 07:00–11:00: moved to T1 at stop 3 its visit would
    come after 14:00. The preview says the day does NOT hold, names the
    broken window and offers no plain save; confirming without a reason is
    refused (400) and changes no file and stores no decision."""
    client = _client(ws)
    folder = ws / "two"
    token = _csrf(client.get(f"/c/two/edit?day={DAY}&household=H2").text)
    before = _digest(folder)
    fields = _form(token, action="move", household="H2", team="T1", to_date=DAY, position="3")
    preview = client.post("/c/two/edit/preview", data=fields)
    assert preview.status_code == 200
    assert "ngày KHÔNG còn hợp lệ" in preview.text and "07:00–11:00" in preview.text
    assert 'id="save"' not in preview.text
    refused = client.post("/c/two/edit/keep", data=fields)
    assert refused.status_code == 400 and 'id="refused"' in refused.text
    assert _digest(folder) == before and list_decisions(folder) == []


def test_a_move_to_another_day_checks_both_days(ws: Path) -> None:
    """Moving H2 to T1 on 2026-11-26 previews both days: each still holds
    (the visit added there enrols H2's residents), one household fewer
    served on the first, one more on the second; nothing is written."""
    client = _client(ws)
    token = _csrf(client.get(f"/c/two/edit?day={DAY}&household=H2").text)
    before = _digest(ws / "two")
    preview = client.post("/c/two/edit/preview",
                          data=_form(token, action="move", household="H2", team="T1",
                                     to_date="2026-11-26"))
    assert preview.status_code == 200
    assert preview.text.count('data-holds="yes"') == 2, preview.text
    assert re.search(r"<td>24/11/2026</td><td>4 → 3</td>", preview.text)
    assert re.search(r"<td>26/11/2026</td><td>1 → 2</td>", preview.text)
    assert _digest(ws / "two") == before


@pytest.mark.parametrize("url", ["/c/two/edit/preview", "/c/two/edit/keep",
                                 "/c/two/decisions/1/retire"])
def test_an_edit_post_without_the_csrf_token_is_refused(ws: Path, url: str) -> None:
    """Every post of the Edit page without the session's CSRF token (or with
    another one) is refused (403) and writes nothing."""
    client = _client(ws)
    client.get("/c/two/edit")
    before = _digest(ws / "two")
    fields = {"day": DAY, "action": "move", "household": "H1", "team": "T2"}
    assert client.post(url, data=fields).status_code == 403
    assert client.post(url, data={**fields, "csrf": "not-the-token"}).status_code == 403
    assert _digest(ws / "two") == before


def test_names_are_shown_escaped_and_residents_picked_from_a_list(ws: Path) -> None:
    """H4's head is named with ``<script>``: the Tomorrow, Edit and Outcomes
    pages show it as text; the outcome correction offers every resident in a
    list (name, household, code) instead of a typed id; a leave-out preview
    shows one household fewer served and keeps nothing."""
    client = _client(ws)
    for url in (f"/c/two/tomorrow?day={DAY}", f"/c/two/edit?day={DAY}&household=H4",
                "/c/two/outcomes"):
        text = client.get(url).text
        assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)" in text, url
    outcomes = client.get("/c/two/outcomes").text
    assert '<select name="resident"' in outcomes and '<input name="resident"' not in outcomes
    assert ('<option value="R3" data-household="H2">Quàng Thị Lả (R3) · H2 Quàng Văn Pó'
            '</option>') in outcomes
    token = _csrf(outcomes)
    before = _digest(ws / "two")
    out = client.post("/c/two/edit/preview",
                      data=_form(token, action="leave_out", household="H2", reason="refuses",
                                 why="không muốn làm"))
    assert out.status_code == 200 and re.search(r"<td>24/11/2026</td><td>4 → 3</td>", out.text)
    assert _digest(ws / "two") == before


def test_two_stops_at_one_place_in_the_browser(server, planned2: Path,  # noqa: F811
                                               tmp_path: Path) -> None:
    """In Chromium (every request not to the local server aborted and
    counted: 0; no page error), a plan with two stops at one house: on the
    map the two markers stand apart and each popup lists both stops, each
    with its link to Edit. (Moving, locking and re-planning in the browser
    are in ``test_web_browser``'s flow.)"""
    base, workspace = server
    shutil.copytree(planned2 / "camp", workspace / "two")
    shots = shots_dir(tmp_path)

    with offline_browser(base, tmp_path) as (_ctx, page, blocked, problems):
        _same_place(page, base, workspace)
        page.screenshot(path=str(shots / "edit-0-same-place.png"))
    assert blocked == [] and problems == []


def _same_place(page, base: str, workspace: Path) -> None:
    """A copy of the campaign whose plan puts H2 at H1's house: on its map
    the two markers stand apart (neither hides the other) and each popup
    lists both stops, each with its link to Edit."""
    shutil.copytree(workspace / "two", workspace / "twice")
    path = workspace / "twice" / "days" / DAY / "plan.json"
    plan = json.loads(path.read_text(encoding="utf-8"))
    stops = {s.get("household"): s for r in plan["routes"] for s in r["stops"]}
    stops["H2"]["lat"], stops["H2"]["lon"] = stops["H1"]["lat"], stops["H1"]["lon"]
    path.write_text(json.dumps(plan), encoding="utf-8")
    page.goto(f"{base}/c/twice/tomorrow?day={DAY}")
    page.wait_for_selector("#map[data-ready]")
    one = page.locator(".leaflet-marker-icon[title='T1 3']").bounding_box()
    two = page.locator(".leaflet-marker-icon[title='T2 1']").bounding_box()
    assert abs(one["x"] - two["x"]) + abs(one["y"] - two["y"]) >= 20, (one, two)
    page.locator(".leaflet-marker-icon[title='T2 1']").click()
    popup = page.locator(".leaflet-popup-content")
    assert popup.locator("a.edit").count() == 2
    assert "H1" in popup.inner_text() and "H2" in popup.inner_text()
