"""The workspace's pages and jobs in-process (TestClient) on the small test
campaign: Check lists every problem per row and field with its fix; a job
shows its progress, one job per campaign runs at a time, and a cancelled job
leaves the campaign as it was; English is one click away. What a team leader
reads in the evening: Hand out names each file in words; the map says its
base map is loading; the Campaign page folds its long parts; the correction
picks the household first, its date is dd/mm/yyyy in Vietnamese; the name
given once is written with a decision."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

from fastapi.testclient import TestClient
from test_web_security import BASE, SMALL, TODAY, _csrf, planned, workspace  # noqa: F401

from planner.app.decisions import list_decisions
from planner.web.app import create_app
from planner.web.base import day_in, day_month_year, iso_date


def _client(folder: Path) -> TestClient:
    return TestClient(create_app(folder, time_limit_s=0.2, today=TODAY), base_url=BASE)


def _finished(client: TestClient, page: str, action: str):
    """The job that ``action`` (posted from ``page`` with its token) starts,
    once it has ended ``done``."""
    token = _csrf(client.get(page).text)
    started = client.post(action, data={"csrf": token}, follow_redirects=False)
    job = client.app.state.jobs.wait(started.headers["location"].rsplit("/", 1)[1],
                                     timeout_s=500)
    assert job is not None and job.state == "done", job.result if job else None
    return job


def _digest(folder: Path) -> dict[str, str]:
    """Every file of ``folder`` by its SHA-256."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_check_lists_every_problem_per_row_and_field(workspace: Path) -> None:  # noqa: F811
    """A scenario folder with two bad rows: its Check page names households.csv,
    the row and field of each, what is wrong and a fix, in Vietnamese (the
    page's default language: "dòng 8", no English words); a good one says it
    can be planned."""
    bad = workspace / "bad"
    shutil.copytree(SMALL, bad)
    with open(bad / "households.csv", "a", encoding="utf-8") as fh:
        fh.write("H8,TT,103.2120,21.8225,,R8,Lò Văn Tám,sleepy,,home,3,,\n")
        fh.write("H9,TT,999,21.8225,,R9,Lò Văn Chín,elderly,,home,3,,\n")
    client = _client(workspace)
    page = client.get("/scenarios/bad/check")
    assert page.status_code == 200
    cell = r"<td[^>]*>([^<]*)</td>"
    rows = re.findall(r"<tr>" + cell * 4, page.text)
    assert len(rows) >= 2
    assert all(f.endswith("households.csv") and w and what and fix
               for f, w, what, fix in rows[:2])
    assert any("condition" in w for _f, w, _what, _fix in rows)
    assert any("lon" in w for _f, w, _what, _fix in rows)
    assert any(re.match(r"dòng \d", w) for _f, w, _what, _fix in rows), rows
    english = re.compile(r"\b(row|field|must|unknown|give|use|between|not)\b", re.IGNORECASE)
    assert not [r for r in rows if english.search(" ".join(r[1:]))], rows
    good = client.get("/c/small/check")
    assert good.status_code == 200 and "Không có lỗi" in good.text


def test_one_job_per_campaign_and_cancel_leaves_it_as_before(workspace: Path  # noqa: F811
                                                             ) -> None:
    """"Plan tomorrow" starts a job whose page polls its state; a second one
    on the same campaign (another tab) shows the running job instead of
    starting another; Cancel ends it (state ``cancelled``) and every file of
    the campaign is as before the job."""
    client = _client(workspace)
    before = _digest(workspace / "small")
    token = _csrf(client.get("/c/small/tomorrow").text)
    first = client.post("/c/small/tomorrow", data={"csrf": token}, follow_redirects=False)
    second = client.post("/c/small/tomorrow", data={"csrf": token}, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    job_id = first.headers["location"].rsplit("/", 1)[1]
    state = client.get(f"/jobs/{job_id}/state").json()
    assert state["state"] == "running" and state["kind"] == "tomorrow"
    job_page = client.get(f"/jobs/{job_id}")
    assert f"/jobs/{job_id}/cancel" in job_page.text
    cancelled = client.post(f"/jobs/{job_id}/cancel", data={"csrf": token})
    assert cancelled.status_code == 200
    assert client.get(f"/jobs/{job_id}/state").json()["state"] == "cancelled"
    assert _digest(workspace / "small") == before
    assert client.app.state.jobs.running(workspace / "small") is None


def test_a_job_runs_to_the_end_with_progress(workspace: Path) -> None:  # noqa: F811
    """A "plan tomorrow" job on the small campaign ends ``done`` with its
    progress lines (in Vietnamese), its days counted against those to the
    deadline (the bar's steps; 100 % once ended) and the re-plan's summary; the Tomorrow
    page then shows the map data of the day."""
    client = _client(workspace)
    job = _finished(client, "/c/small/tomorrow", "/c/small/tomorrow")
    state = client.get(f"/jobs/{job.id}/state").json()
    assert state["lines"] and any("Đang" in line for line in state["lines"])
    assert state["result"] and state["after"] == "/c/small/tomorrow"
    # days counted against those to the deadline (a campaign may end sooner)
    assert 0 < state["done"] <= state["total"] and state["percent"] == 100
    assert 'value="100"' in client.get(f"/jobs/{job.id}").text  # the bar, full
    page = client.get("/c/small/tomorrow")
    assert 'id="day-data"' in page.text


def test_english_is_one_click_away(workspace: Path) -> None:  # noqa: F811
    """The pages are Vietnamese by default; the switch sets English for the
    next pages and goes back to the page it was on (same site only)."""
    client = _client(workspace)
    assert "Ngày mai" in client.get("/c/small/tomorrow").text
    switched = client.get("/lang/en?back=/c/small/campaign", follow_redirects=False)
    assert switched.headers["location"] == "/c/small/campaign"
    assert "Enrolled by village and tier" in client.get("/c/small/campaign").text
    away = client.get("/lang/vi?back=//evil.example/", follow_redirects=False)
    assert away.headers["location"] == "/"


def test_the_staffing_forecast_runs_as_a_job(workspace: Path) -> None:  # noqa: F811
    """The Campaign page's staffing forecast runs a job (Dask's workers under
    the job's process) for the current team count and one more; its table
    (in Vietnamese) is then shown on the Campaign page."""
    client = _client(workspace)
    job = _finished(client, "/c/small/campaign", "/c/small/staffing")
    assert "số tổ" in job.result and len(job.result.splitlines()) >= 3
    page = client.get("/c/small/campaign").text
    assert 'class="result"' in page and "số tổ" in page


def test_the_map_draws_the_campaigns_own_roads(workspace: Path) -> None:  # noqa: F811
    """Tomorrow's map asks for the roads of the campaign's own graph (no tiles):
    lines by class around the station and the households, latitude first,
    served from the workspace and the same on a second request."""
    client = _client(workspace)
    assert 'data-roads="/c/small/basemap.json"' in client.get("/c/small/tomorrow").text
    first = client.get("/c/small/basemap.json")
    assert first.status_code == 200
    roads = first.json()["roads"]
    lines = [line for cls in roads.values() for line in cls]
    assert lines and set(roads) <= {"main", "minor", "track", "path"}
    # the small scenario lies near 21.8 N, 103.2 E: [lat, lon] pairs
    assert all(20 < lat < 24 and 102 < lon < 106 for line in lines for lat, lon in line)
    assert client.get("/c/small/basemap.json").json() == first.json()
    assert client.get("/c/nothing/basemap.json").status_code == 404


def test_cannot_serve_reasons_speak_the_pages_language(workspace: Path) -> None:  # noqa: F811
    """A household campaign.json lists as impossible (its code, its numbers
    and its English reason) is explained on the Campaign page in Vietnamese
    by default, with the same figures, and in English once switched; the
    calendar names each weekday in full in Vietnamese ("Thứ Ba", not "T3")."""
    path = workspace / "small" / "campaign.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["cannot_serve"] = [{
        "household": "H1", "mode": "home", "code": "walk_limit", "residents": ["R1"],
        "reason": "unreachable: a 4600 m walk from the nearest road, more than the "
                  "4000 m walk limit", "numbers": {"walk_m": 4600, "walk_limit_m": 4000}}]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    client = _client(workspace)
    vi = client.get("/c/small/campaign").text
    assert "4600 m walk" not in vi and "4,6 km" in vi, vi[vi.find("H1") - 200:][:800]
    # the calendar's weekday in full ("Thứ Ba" for 24 Nov 2026), not "T3" (team T3)
    assert "<th>Thứ</th>" in vi and "<td>Thứ Ba</td>" in vi and "<td>T3</td>" not in vi
    client.get("/lang/en?back=/c/small/campaign")
    en = client.get("/c/small/campaign").text
    assert "a 4600 m walk from the nearest road" in en and "<td>Tue</td>" in en


def test_shuttle_pickups_say_which_way(workspace: Path) -> None:  # noqa: F811
    """In Tomorrow's list a shuttle pick-up says which way the passenger
    rides: picked up at home for the office, or at the office to be taken
    home (two teams may share one passenger's trips)."""
    day = sorted((workspace / "small" / "days").iterdir())[0]
    plan = json.loads((day / "plan.json").read_text(encoding="utf-8"))
    route = next(r for r in plan["routes"] if any(s["kind"] == "visit" for s in r["stops"]))
    visit = next(s for s in route["stops"] if s["kind"] == "visit")
    at = route["stops"].index(visit)
    route["stops"][at + 1:at + 1] = [dict(visit, kind="pickup", place="home"),
                                     dict(visit, kind="pickup", place="office")]
    (day / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    page = _client(workspace).get(f"/c/small/tomorrow?day={day.name}").text
    assert "đón tại nhà lên trụ sở" in page and "đón ở trụ sở, đưa về nhà" in page


def test_the_pages_say_files_and_folds_in_words(workspace: Path) -> None:  # noqa: F811
    """Hand out: "Lịch trình in", "Bản đồ điện thoại", "Thông báo thôn" as
    the links' words (the raw file name only as a small code), each cell
    labelled for the phone layout; Tomorrow: the map carries "Đang tải bản
    đồ nền"; Campaign: the tally and the calendar are folds (details) with
    their count in the summary."""
    client = _client(workspace)
    hand = client.get("/c/small/handout").text
    assert "Lịch trình in" in hand and "Bản đồ điện thoại" in hand
    assert re.search(r">Thông báo thôn[^<]*</a> <small class=\"code\">notices.pdf</small>", hand)
    assert not re.search(r">\s*(notices\.pdf|map\.html|plan\.json)\s*</a>", hand)
    assert 'data-label="GPX' in hand
    assert "Đang tải bản đồ nền" in client.get("/c/small/tomorrow").text
    campaign = client.get("/c/small/campaign").text
    for fold in ("tally", "calendar"):
        assert re.search(rf'<details class="card fold" id="{fold}"', campaign), fold
    assert re.search(r"<summary><h2>Lịch[^<]*<small class=\"hint\">\d+ ngày làm việc", campaign)


def test_the_correction_picks_the_household_first_and_dates_read_dd_mm_yyyy(
        workspace: Path) -> None:  # noqa: F811
    """The correction form offers the households (code, village, names) to
    type or pick, and each resident option names its household (the page's
    script keeps only that household's residents); the day field is text
    dd/mm/yyyy in Vietnamese, the browser's date field in English; the server
    reads both ways of writing a date."""
    client = _client(workspace)
    page = client.get("/c/small/outcomes").text
    households = re.findall(r'<option value="(H\d+)">', page)
    assert households and len(households) == len(set(households))
    assert re.search(r'<option value="R1" data-household="H1">', page)
    assert 'id="pick-household" list="households"' in page
    day = re.search(r'<input type="text" name="day"[^>]*>', page)
    assert day and 'placeholder="24/11/2026"' in day.group(0)
    client.get("/lang/en?back=/")
    assert '<input type="date" name="day"' in client.get("/c/small/outcomes").text
    assert iso_date("4/12/2026") == iso_date("04.12.2026") == "2026-12-04"
    assert iso_date("2026-12-04") == "2026-12-04" and iso_date("mai") == "mai"
    assert day_month_year("2026-12-04") == "04/12/2026" and day_month_year("") == ""
    assert day_in(dt.date(2026, 12, 4), "vi") == day_in("2026-12-04", "vi") == "04/12/2026"
    assert day_in(dt.date(2026, 12, 4), "en") == "2026-12-04"


def test_a_decision_is_written_with_the_name_given_once(workspace: Path) -> None:  # noqa: F811
    """Without a name, the Edit page asks for it; given once (a cookie), the
    page says decisions are written as made by that person, and a household
    given to a team ("let the re-plan choose": a lock and a must that day)
    is stored with that name."""
    client = _client(workspace)
    folder = workspace / "small"
    day = sorted(p.name for p in (folder / "days").iterdir())[0]
    plan = json.loads((folder / "days" / day / "plan.json").read_text("utf-8"))
    household = next(s["household"] for r in plan["routes"] for s in r["stops"]
                     if s.get("kind") == "visit")
    edit = client.get(f"/c/small/edit?day={day}&household={household}").text
    assert 'action="/me"' in edit and "Tên của bạn" in edit
    token = _csrf(edit)
    saved = client.post("/me", data={"csrf": token, "name": "Lò Văn Thành",
                                     "back": "/c/small/edit"}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/c/small/edit"
    assert "Lò Văn Thành" in client.get("/c/small/edit").text
    kept = client.post("/c/small/edit/keep", data={
        "csrf": token, "day": day, "household": household, "action": "assign",
        "team": "T1", "why": "đội trưởng chọn"}, follow_redirects=False)
    assert kept.status_code == 303 and "kept=" in kept.headers["location"]
    mine = [d for d in list_decisions(folder) if d.household == household]
    assert sorted((d.kind, d.team or "", d.by) for d in mine) == [
        ("lock", "T1", "Lò Văn Thành"), ("must", "", "Lò Văn Thành")]
