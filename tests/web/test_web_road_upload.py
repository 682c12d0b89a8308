"""Road and elevation files picked in the browser (TestClient, real files of
``../shared/data``: the Andorra OpenStreetMap extract as PBF and as XML and
its SRTM tiles). The upload endpoint keeps only a file of the right kind,
size and content, under a plain name inside the workspace, and leaves no
part file behind; a new commune imports the uploaded PBF with its DEM in a
job; a commune's settings page replaces its roads with the uploaded XML;
a road file of another place and a DEM of another place are each one clear
message in Vietnamese, and the commune's roads stay as they were."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from planner.app.commune_settings import RoadsChange, replace_roads
from planner.app.text import gettext_for
from planner.app.web_words import web_error_text
from planner.errors import InputError
from planner.web import uploads
from planner.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
OSM = SHARED / "osm"
DEM = SHARED / "dem"
BASE = "http://127.0.0.1"
TODAY = dt.date(2026, 11, 23)

if not (OSM / "andorra-2013.osm.pbf").is_file():  # pragma: no cover - outside the team's CI
    if os.environ.get("REQUIRE_SHARED_DATA"):
        raise RuntimeError(f"{SHARED} is missing (REQUIRE_SHARED_DATA is set)")
    pytest.skip(f"the reference data {SHARED} is absent", allow_module_level=True)

ANDORRA = [("H1", "CANILLO", 1.6030, 42.5672), ("H2", "CANILLO", 1.5960, 42.5630),
           ("H3", "ORDINO", 1.5330, 42.5560), ("H4", "ENCAMP", 1.5800, 42.5340)]
"""Households beside the roads of Andorra: (id, village, lon, lat)."""
NO_PROBLEM = gettext_for("vi")("No problem: the scenario can be planned.")
"""A job's result when the commune's check passes."""


def households(rows: list[tuple[str, str, float, float]]) -> bytes:
    """A households list (the demo's columns) of ``rows``, as CSV bytes."""
    with open(ROOT / "scenarios" / "demo" / "households.csv", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for k, (hid, village, lon, lat) in enumerate(rows, start=1):
        cells = dict.fromkeys(header, "")
        cells.update({"household_id": hid, "village": village, "lon": str(lon),
                      "lat": str(lat), "resident_id": f"R{k}", "full_name": f"Người {k}",
                      "condition": "elderly"})
        writer.writerow([cells[h] for h in header])
    return out.getvalue().encode("utf-8")


def client(workspace: Path) -> TestClient:
    """A client of the workspace over ``workspace``."""
    return TestClient(create_app(workspace, time_limit_s=0.2, today=TODAY), base_url=BASE)


def csrf(html: str) -> str:
    """The page's CSRF token."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page carries a CSRF token"
    return found.group(1)


def upload(c: TestClient, kind: str, name: str, data: bytes, token: str | None):
    """Send ``data`` as the upload.js script does."""
    headers = {"Content-Type": "application/octet-stream"}
    if token is not None:
        headers["X-CSRF-Token"] = token
    return c.post(f"/uploads/{kind}", params={"name": name}, content=data, headers=headers)


def commune_form(token: str, name: str, **changes: str) -> dict[str, str]:
    """The new-commune form: a station in Andorra la Vella, one team."""
    return {"name": name, "station_name": "Trụ sở", "station_lon": "1.5218",
            "station_lat": "42.5078", "team-0-id": "T1", "team-0-members": "A\nB",
            "team-0-motorbikes": "2", "team-0-kits": "1", "team-0-shift": "07:00-17:00",
            "start": "2026-11-24", "csrf": token, **changes}


def finished(c: TestClient, response) -> dict:
    """The job a form started, waited for: its polled state."""
    assert response.status_code == 303 and "/jobs/" in response.headers["location"], \
        response.text[:400]
    job_id = response.headers["location"].rsplit("/", 1)[1]
    c.app.state.jobs.wait(job_id, timeout_s=300)
    return c.get(f"/jobs/{job_id}/state").json()


def test_the_upload_keeps_only_a_file_of_its_kind(tmp_path: Path, monkeypatch) -> None:
    """Refused, each with its message and nothing left in the workspace: no
    CSRF token (403), another kind of file, a path for a name, a PBF that is
    not one, a .hgt of the wrong size, a file over the limit (413, said
    before reading it). Kept: the real PBF and SRTM tile under their own
    names, a second copy under ``-2``; the road select and the elevation
    boxes of the form list them."""
    ws = tmp_path / "ws"
    c = client(ws)
    token = csrf(c.get("/new").text)
    pbf = (OSM / "andorra-2013.osm.pbf").read_bytes()
    assert upload(c, "roads", "a.osm.pbf", pbf, None).status_code == 403
    wrong = upload(c, "roads", "notes.exe", b"MZ", token)
    assert wrong.status_code == 400 and "OpenStreetMap" in wrong.json()["error"]
    for name in ("../a.osm.pbf", "..", ".hidden.pbf", "sub/a.pbf"):
        assert upload(c, "roads", name, pbf, token).status_code == 400, name
    fake = upload(c, "roads", "a.osm.pbf", b"<html>not a map</html>" * 10, token)
    assert fake.status_code == 400 and "nội dung" in fake.json()["error"]
    short = upload(c, "dem", "N42E001.hgt", b"\x00" * 1000, token)
    assert short.status_code == 400 and "1201" in short.json()["error"]
    monkeypatch.setitem(uploads.LIMITS, "roads", (uploads.ROAD_SUFFIXES, 1000))
    big = upload(c, "roads", "a.osm.pbf", pbf, token)
    assert big.status_code == 413 and "MB" in big.json()["error"]
    monkeypatch.undo()
    assert sorted(p.name for p in ws.iterdir()) == []
    assert upload(c, "roads", "andorra.osm.pbf", pbf, token).json()["name"] == "andorra.osm.pbf"
    assert upload(c, "roads", "andorra.osm.pbf", pbf, token).json()["name"] == \
        "andorra-2.osm.pbf"
    tile = (DEM / "N42E001.hgt").read_bytes()
    assert upload(c, "dem", "N42E001.hgt", tile, token).json()["name"] == "N42E001.hgt"
    assert (ws / "andorra.osm.pbf").read_bytes() == pbf
    assert (ws / "N42E001.hgt").read_bytes() == tile
    assert sorted(p.name for p in ws.iterdir()) == ["N42E001.hgt", "andorra-2.osm.pbf",
                                                    "andorra.osm.pbf"]
    form = c.get("/new").text
    assert '<option value="andorra.osm.pbf"' in form
    assert 'name="dem" value="N42E001.hgt"' in form


def test_a_commune_imports_the_uploaded_pbf_and_takes_other_roads_later(
        tmp_path: Path) -> None:
    """The PBF and its SRTM tile uploaded, a new commune in Andorra imports
    them in a job (progress names the file) into its own graph, and its Check
    passes. Its settings page then refuses a DEM of another place (one
    Vietnamese message on the job page, naming the tile and no option), and
    a road file of another place is one message naming where the villages
    are; the graph stays as it was; the uploaded XML of the same area
    replaces it (the job's call made in this process: a job's process costs
    seconds of CPU)."""
    ws = tmp_path / "ws"
    c = client(ws)
    token = csrf(c.get("/new").text)
    upload(c, "roads", "andorra.osm.pbf", (OSM / "andorra-2013.osm.pbf").read_bytes(), token)
    for tile in ("N42E001.hgt", "N41E001.hgt"):
        upload(c, "dem", tile, (DEM / tile).read_bytes(), token)
    response = c.post("/new", data=commune_form(token, "andorra", roads="andorra.osm.pbf",
                                                dem="N42E001.hgt"),
                      files={"households": ("ds.csv", households(ANDORRA))},
                      follow_redirects=False)
    state = finished(c, response)
    assert state["state"] == "done", state["result"]
    assert any("andorra.osm.pbf" in line for line in state["lines"])
    folder = ws / "andorra"
    graph = (folder / "roads.graphml").read_bytes()
    assert yaml.safe_load((folder / "scenario.yaml").read_text("utf-8"))["roads"] == \
        "roads.graphml"
    assert state["result"] == NO_PROBLEM, state["result"]
    settings = c.get("/scenarios/andorra/settings").text
    assert 'id="upload-roads"' in settings and "roads.graphml" in settings

    upload(c, "roads", "ok_small.osm", (ROOT / "tests" / "data" / "roads" / "ok_small.osm")
           .read_bytes(), token)
    other_dem = finished(c, c.post("/scenarios/andorra/settings", data=commune_form(
        token, "andorra", roads="ok_small.osm", dem="N41E001.hgt"), follow_redirects=False))
    assert other_dem["state"] == "error" and "nơi khác" in other_dem["result"]
    assert "N41E001.hgt" in other_dem["result"] and "--dem" not in other_dem["result"]
    assert (folder / "roads.graphml").read_bytes() == graph

    with pytest.raises(InputError) as elsewhere:  # the job's own call, in this process
        replace_roads(RoadsChange(folder, ws / "ok_small.osm"))
    said = web_error_text(elsewhere.value, "vi")
    assert "nơi khác" in said and said.count("\n") == 0 and "1.52" in said
    assert (folder / "roads.graphml").read_bytes() == graph
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []

    xml = upload(c, "roads", "andorra.osm.gz", (OSM / "andorra-2013.osm.gz").read_bytes(),
                 token)
    assert xml.status_code == 200
    report = replace_roads(RoadsChange(folder, ws / xml.json()["name"]))  # the job's call
    assert report.valid, report.problems
    assert (folder / "roads.graphml").read_bytes() != graph
    assert yaml.safe_load((folder / "scenario.yaml").read_text("utf-8"))["roads"] == \
        "roads.graphml"
