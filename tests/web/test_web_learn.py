"""The Speeds page in-process (TestClient): a campaign's learnt layer is shown
(nothing yet, then per cell), GPX tracks posted in a .zip are learnt into the
layer beside the campaign's speed table, bad files and bad tracks are refused
with their reason and change nothing, every POST needs the CSRF token, and
the reset deletes the layer."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_tomorrow_tracks import own_roads_scenario, slow_ride_gpx

from planner.app.campaign import CampaignRequest, plan_campaign
from planner.speeds import calibration_path
from planner.web.app import create_app

SMALL = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)
BASE = "http://127.0.0.1"


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> dict:
    """A workspace with the small scenario's one-day campaign ``c`` (its own
    copies of the demo graph and the speed table, so the layer and caches
    stay in the temporary folder, nothing drawn) and a GPX track of a ride of
    about 2 km near the station at 60 % of the table's speed."""
    base = tmp_path_factory.mktemp("web_learn")
    scen = own_roads_scenario(base)
    ws = base / "ws"
    plan_campaign(CampaignRequest(scen / "scenario.yaml", ws / "c", deadline=dt.date(2026, 11, 24),
                                  time_limit_s=0.2, draw="none", now=NOW))
    gpx = slow_ride_gpx(scen, base / "ride.gpx", min_m=2000, seed=3)
    return {"ws": ws, "layer": calibration_path(scen / "speeds.toml"), "gpx": gpx.read_bytes()}


def _client(ws: Path) -> TestClient:
    return TestClient(create_app(ws, time_limit_s=0.2, today=dt.date(2026, 12, 31)),
                      base_url=BASE)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page carries a CSRF token"
    return found.group(1)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


ONE_POINT = (b'<?xml version="1.0"?><gpx version="1.1" creator="t"><trk><trkseg>'
             b'<trkpt lat="21.82" lon="103.2"><time>2026-11-24T07:00:00Z</time></trkpt>'
             b'</trkseg></trk></gpx>')


def test_bad_files_and_tracks_are_refused_and_change_nothing(setup):
    """Without the CSRF token: 403. A text file, a file over the size limit
    and a .zip holding no GPX are refused by name with their reason (400);
    a one-point track is refused by the application layer with its problem
    (400). After all of them there is no learnt layer and no saved upload."""
    client = _client(setup["ws"])
    page = client.get("/c/c/learn")
    assert page.status_code == 200 and 'id="none"' in page.text
    assert 'href="/c/c/learn"' in page.text  # the campaign's menu links the page
    token = _csrf(page.text)
    gpx = ("ride.gpx", setup["gpx"], "application/gpx+xml")
    assert client.post("/c/c/learn", files=[("files", gpx)]).status_code == 403
    refused = client.post("/c/c/learn", data={"csrf": token}, files=[
        ("files", ("notes.txt", b"hello", "text/plain")),
        ("files", ("big.gpx", b"0" * (10 * 2**20 + 1), "application/gpx+xml")),
        ("files", ("export.zip", _zip({"readme.txt": b"x"}), "application/zip"))])
    assert refused.status_code == 400 and 'id="refused"' in refused.text
    for name in ("notes.txt", "big.gpx", "export.zip"):
        assert name in refused.text
    bad = client.post("/c/c/learn", data={"csrf": token, "season": "dry"},
                      files=[("files", ("one.gpx", ONE_POINT, "application/gpx+xml"))])
    assert bad.status_code == 400 and 'id="problems"' in bad.text and "one.gpx" in bad.text
    assert not setup["layer"].exists()
    assert not any((setup["ws"] / "c" / "tracks").glob("*/*"))


def test_tracks_are_learnt_shown_and_reset(setup):
    """A .zip holding the ride (in a folder, as a tracker app exports it) is
    learnt: the layer appears beside the campaign's speed table, the page
    lists its cells against the table's ×1.00 with a factor below 1; the
    reset deletes the layer and the page says plans use the table alone."""
    client = _client(setup["ws"])
    token = _csrf(client.get("/c/c/learn").text)
    done = client.post("/c/c/learn", data={"csrf": token, "season": "dry"}, files=[
        ("files", ("tracks.zip", _zip({"Tracks/ride.gpx": setup["gpx"]}), "application/zip"))])
    assert done.status_code == 200 and 'id="learnt"' in done.text, done.text
    assert setup["layer"].exists()
    factors = [float(f.replace(",", ".")) for f in re.findall(r"<td>× ([0-9,]+) \(", done.text)]
    assert factors and min(factors) < 0.95 and "× 1,00" in done.text  # Vietnamese: 1,00
    assert client.post("/c/c/learn/reset", data={}).status_code == 403
    reset = client.post("/c/c/learn/reset", data={"csrf": token})
    assert reset.status_code == 200 and 'id="reset"' in reset.text and 'id="none"' in reset.text
    assert not setup["layer"].exists()
