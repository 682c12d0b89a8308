"""The workspace's security, tested in-process with FastAPI's TestClient on a
real campaign (the small test scenario, planned once): a non-loopback bind
without a password is refused; a login is needed with one; a POST without the
CSRF token is refused; path traversal in a URL or an upload's name is refused;
a name with ``<script>`` renders as text; cookies are HttpOnly and
SameSite=Strict; the pages allow no other address than the app's own."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from planner.app import InputError
from planner.app.campaign import CampaignRequest, plan_campaign
from planner.cli import cli
from planner.web.app import create_app
from planner.web.security import upload_name_problem

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "scenarios" / "ok_small"
TODAY = dt.date(2026, 12, 31)
NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)
BASE = "http://127.0.0.1"


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> Path:
    """The small scenario's campaign, planned once (first day drawn)."""
    base = tmp_path_factory.mktemp("planned")
    shutil.copytree(SMALL, base / "scenario")
    plan_campaign(CampaignRequest(base / "scenario" / "scenario.yaml", base / "camp",
                                  deadline=dt.date(2026, 11, 27), time_limit_s=0.2,
                                  draw="first", now=NOW))
    return base


@pytest.fixture()
def workspace(planned: Path, tmp_path: Path) -> Path:
    """A workspace holding a copy of the small campaign as ``small`` (its
    scenario stays where the campaign was planned from)."""
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copytree(planned / "camp", ws / "small")
    return ws


def _client(workspace: Path, **options) -> TestClient:
    return TestClient(create_app(workspace, today=TODAY, **options), base_url=BASE)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page carries a CSRF token"
    return found.group(1)


def test_non_loopback_bind_without_password_is_refused(tmp_path: Path) -> None:
    """create_app on 0.0.0.0 with no password raises the input error naming
    --host and the fix; ``plan.py serve --host 0.0.0.0`` with no password
    (none in the environment, an empty answer) exits 2 with that message and
    starts nothing."""
    with pytest.raises(InputError) as caught:
        create_app(tmp_path / "ws", host="0.0.0.0")
    assert "--host" in str(caught.value) and "password" in str(caught.value)
    result = CliRunner().invoke(cli, ["serve", str(tmp_path / "ws2"), "--host", "0.0.0.0",
                                      "--no-browser"], input="\n\n",
                                env={"PLANNER_PASSWORD": ""})
    assert result.exit_code == 2, result.output
    assert "without a password" in result.output and "Traceback" not in result.output
    create_app(tmp_path / "ws3", host="127.0.0.1")  # loopback: no password needed


def test_with_a_password_every_page_needs_the_login(workspace: Path) -> None:
    """With a password, a page redirects to the login, a POST is refused, a
    wrong password is refused, the right one opens the pages; the password is
    kept only hashed."""
    client = _client(workspace, host="0.0.0.0", password="núi cao 2026")
    page = client.get("/c/small/campaign", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert client.post("/create", data={"name": "x"}).status_code == 403
    login = client.get("/login")
    token = _csrf(login.text)
    wrong = client.post("/login", data={"csrf": token, "password": "sai"})
    assert wrong.status_code == 403
    right = client.post("/login", data={"csrf": token, "password": "núi cao 2026"})
    assert right.status_code == 200 and "small" in right.text
    assert client.get("/c/small/campaign").status_code == 200
    hashed = client.app.state.sessions.password
    assert b"n\xc3\xbai cao" not in hashed.digest + hashed.salt


def test_a_loopback_workspace_answers_only_its_own_names(workspace: Path) -> None:
    """On loopback, a request naming another host (a page of another site
    that rebinds its name to 127.0.0.1) is refused; 127.0.0.1 and localhost answer."""
    client = _client(workspace)
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"host": "localhost:8765"}).status_code == 200
    assert client.get("/").status_code == 200


def test_cookies_are_httponly_and_strict_and_pages_stay_local(workspace: Path) -> None:
    """The session cookie is HttpOnly and SameSite=Strict; every page says
    (Content-Security-Policy) that it loads nothing from another address."""
    response = _client(workspace).get("/")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "http://" not in response.text and "https://" not in response.text


@pytest.mark.parametrize("url", ["/create", "/c/small/tomorrow", "/c/small/outcomes",
                                 "/c/small/correct", "/c/small/staffing", "/logout"])
def test_a_post_without_the_csrf_token_is_refused(workspace: Path, url: str) -> None:
    """Every form post without the session's CSRF token (or with another
    session's) is refused with 403, and starts no job."""
    client = _client(workspace)
    client.get("/")
    assert client.post(url, data={"name": "n", "source": "demo"}).status_code == 403
    other = _client(workspace)
    token = _csrf(other.get("/").text)
    assert client.post(url, data={"csrf": token, "name": "n"}).status_code == 403
    assert client.app.state.jobs.running(workspace / "small") is None
    assert not (workspace / "n").exists()


def test_a_post_with_the_token_is_accepted(workspace: Path) -> None:
    """The same form with the page's token is accepted (here: a name that is
    refused with its words, so no job starts)."""
    client = _client(workspace)
    token = _csrf(client.get("/").text)
    response = client.post("/create", data={"csrf": token, "name": "../x", "source": "demo"})
    assert response.status_code == 200 and "64" in response.text


@pytest.mark.parametrize("url", ["/c/small/files/../small/campaign.db",
                                 "/c/small/files/%2e%2e/%2e%2e/etc/passwd",
                                 "/c/small/files/..%2f..%2fetc%2fpasswd",
                                 "/c/small/files//etc/passwd",
                                 "/c/small/files/campaign.db",
                                 "/c/..%2fsmall/tomorrow", "/c/%2e%2e/tomorrow",
                                 "/static/..%2f..%2fapp.py",
                                 "/static/leaflet/..%2f..%2f..%2f__init__.py"])
def test_path_traversal_in_a_url_is_refused(workspace: Path, url: str) -> None:
    """A URL reaching outside the campaign folder, the workspace or the static
    files (or the database itself) gets 404, never the file."""
    response = _client(workspace).get(url)
    assert response.status_code == 404, (url, response.status_code)
    assert "root:" not in response.text and "SQLite" not in response.text


def test_a_campaign_file_is_served(workspace: Path) -> None:
    """A file of the campaign's day is served (the control of the test above),
    sandboxed and allowed no address: a phone map opened from the workspace
    runs its own scripts away from the app's cookies and reaches nothing."""
    day = sorted((workspace / "small" / "days").iterdir())[0].name
    response = _client(workspace).get(f"/c/small/files/days/{day}/plan.json")
    assert response.status_code == 200 and json.loads(response.text)["date"] == day
    policy = response.headers["content-security-policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "http" not in policy


def test_path_traversal_in_an_upload_name_is_refused(workspace: Path, tmp_path: Path) -> None:
    """An uploaded outcomes file named with a path (``../x.csv``, ``/etc/x.csv``,
    a hidden or backslashed name) or of another type is refused with its reason
    and nothing is written outside the campaign's ``imports`` folder."""
    client = _client(workspace)
    token = _csrf(client.get("/c/small/outcomes").text)
    body = b"date,team,household_id,resident_id,outcome,note\n"
    before = sorted(p for p in tmp_path.rglob("*"))
    for name in ("../evil.csv", "../../evil.csv", "/tmp/evil.csv", "..\\evil.csv", ".evil.csv",
                 "evil.sh"):
        response = client.post("/c/small/outcomes", data={"csrf": token},
                               files={"files": (name, body, "text/csv")})
        assert response.status_code == 400, name
        assert "Bị từ chối" in response.text, name
    assert sorted(p for p in tmp_path.rglob("*")) == before
    assert not (workspace / "small" / "imports").exists()
    for name in ("../evil.csv", "/tmp/evil.csv", ".evil.csv", "evil.sh", "a/b.csv"):
        assert upload_name_problem(name) is not None
    assert upload_name_problem("T1-2026-11-24.csv") is None


def test_a_script_name_renders_as_text(workspace: Path) -> None:
    """A scenario folder and an uploaded file named with ``<script>`` appear
    escaped, never as markup."""
    evil = "<script>alert(1)<"
    (workspace / evil).mkdir()
    (workspace / evil / "scenario.yaml").write_text("name: x\n", encoding="utf-8")
    client = _client(workspace)
    start = client.get("/")
    assert "<script>alert(1)" not in start.text
    assert "&lt;script&gt;alert(1)&lt;" in start.text
    token = _csrf(start.text)
    response = client.post("/c/small/outcomes", data={"csrf": token},
                           files={"files": ("<script>x<.csv", b"no,such\n1,2\n", "text/csv")})
    assert "<script>x" not in response.text and "&lt;script&gt;x&lt;" in response.text


def test_an_upload_over_the_size_limit_is_refused(workspace: Path, monkeypatch) -> None:
    """A file over the upload limit is refused (413 or its reason), not stored."""
    monkeypatch.setattr("planner.web.pages.UPLOAD_MAX_BYTES", 1000)
    client = _client(workspace)
    token = _csrf(client.get("/c/small/outcomes").text)
    response = client.post("/c/small/outcomes", data={"csrf": token},
                           files={"files": ("big.csv", b"x" * 5000, "text/csv")})
    assert response.status_code in (400, 413)
    assert not (workspace / "small" / "imports" / "big.csv").exists()
