"""Start and Check of a new commune in-process (TestClient): the demo's
households list, as .xlsx and as .csv, with the settings form becomes a
scenario folder of the workspace that ``load_scenario`` accepts; a bad row is
reported per row and field; the marked list has the problem cell filled and
the names unchanged; the fixed list or an edited row is checked again; the
upload limits hold and every path stays inside the workspace."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from fastapi.testclient import TestClient

from planner.scenario import load_scenario
from planner.scenario.table import header_columns
from planner.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo"
BASE = "http://127.0.0.1"
TODAY = dt.date(2026, 11, 23)
BAD_ROW = 5
"""The row (the header is row 1) a test makes bad: its condition unknown."""


def demo_rows() -> list[list[str]]:
    """The demo's households list, header first."""
    with open(DEMO / "households.csv", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def as_csv(rows: list[list[str]]) -> bytes:
    """``rows`` as CSV bytes."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def as_xlsx(rows: list[list[str]]) -> bytes:
    """``rows`` as the first sheet of an .xlsx file (every cell text, as an
    office exports it)."""
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def with_bad_row(rows: list[list[str]]) -> list[list[str]]:
    """A copy of ``rows`` whose row ``BAD_ROW`` has an unknown condition."""
    out = [list(r) for r in rows]
    out[BAD_ROW - 1][rows[0].index("condition")] = "khỏe re"
    return out


def demo_settings(name: str) -> dict[str, str]:
    """The settings form filled with the demo's station, teams, villages and
    meeting places (as a team leader would type them)."""
    demo = yaml.safe_load((DEMO / "scenario.yaml").read_text(encoding="utf-8"))
    form = {"name": name, "station_name": demo["station"]["name"],
            "station_lon": str(demo["station"]["lon"]), "station_lat": str(demo["station"]["lat"]),
            "start": "2026-11-24", "deadline": "2026-12-04", "roads": "demo"}
    for k, t in enumerate(demo["teams"]):
        p = f"team-{k}-"
        form.update({p + "id": t["id"], p + "name": t["name"],
                     p + "members": "\n".join(t["members"]), p + "motorbikes": str(t["motorbikes"]),
                     p + "kits": str(t["kits"]), p + "shift": t["shift"], p + "lunch": t["lunch"]})
        for duty in t.get("duties", []):
            form[p + f"duty-{duty}"] = "1"
        if t.get("can_split"):
            form[p + "split"] = "1"
    k = 0
    for v, village in enumerate(demo["villages"]):
        form.update({f"village-{v}-id": village["id"], f"village-{v}-name": village["name"]})
        for point in village.get("points", []):
            form.update({f"point-{k}-village": village["id"], f"point-{k}-name": point["name"],
                         f"point-{k}-lon": str(point["lon"]), f"point-{k}-lat": str(point["lat"])})
            k += 1
    return form


def client(workspace: Path) -> TestClient:
    """A client of the workspace over ``workspace``."""
    return TestClient(create_app(workspace, time_limit_s=0.2, today=TODAY), base_url=BASE)


def csrf(html: str) -> str:
    """The page's CSRF token."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page carries a CSRF token"
    return found.group(1)


def create(c: TestClient, name: str, filename: str, data: bytes, **changes: str):
    """Post the new-commune form with the demo's settings and ``data`` as the list."""
    form = {**demo_settings(name), **changes, "csrf": csrf(c.get("/new").text)}
    return c.post("/new", data=form, files={"households": (filename, data)},
                  follow_redirects=False)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_commune_from_the_demo_list_loads(tmp_path: Path, kind: str) -> None:
    """The demo's list as .xlsx or .csv with the demo's settings makes a
    scenario folder inside the workspace: the Check page passes (a
    household's warning, too far on foot, links to its row), and
    ``load_scenario`` reads it with every resident, the teams, the villages
    and their meeting places, the campaign's dates."""
    c = client(tmp_path / "ws")
    data = as_xlsx(demo_rows()) if kind == "xlsx" else as_csv(demo_rows())
    response = create(c, "Nậm Khao", f"danh-sach.{kind}", data)
    assert response.status_code == 303, response.text[-2000:]
    assert response.headers["location"] == "/scenarios/" + quote("Nậm Khao") + "/check"
    folder = tmp_path / "ws" / "Nậm Khao"
    assert (folder / f"households.{kind}").is_file()
    page = c.get("/scenarios/Nậm Khao/check").text
    assert 'class="good" id="verdict"' in page, page[-3000:]
    # the scenario is named inside the workspace, not by the machine's folders
    assert "<code>Nậm Khao/scenario.yaml</code>" in page and str(tmp_path) not in page
    far = next(k for k, r in enumerate(demo_rows(), start=1) if r[0] == "NK-0212")
    assert f'class="button warn-row" href="/scenarios/{quote("Nậm Khao")}/rows/{far}"' in page
    scenario, _warnings = load_scenario(folder / "scenario.yaml")
    assert len([r for h in scenario.households for r in h.residents]) == len(demo_rows()) - 1
    assert [t.id for t in scenario.teams] == ["T1", "T2", "T3"]
    assert len(scenario.villages) == 10
    assert sum(len(v.points) for v in scenario.villages) == 5
    assert scenario.campaign.deadline == dt.date(2026, 12, 4)
    assert next(t for t in scenario.teams if t.id == "T3").can_split


def test_a_bad_row_is_reported_marked_and_fixed(tmp_path: Path) -> None:
    """A list with one unknown condition: the Check page names the row and
    field with the fix; the marked .xlsx has that cell filled, a problems
    column on that row only, Vietnamese headers and every name unchanged;
    uploading the marked list fixed (problems column kept) passes the check;
    the English marked list's headers are columns the reader knows."""
    from openpyxl import load_workbook

    c = client(tmp_path / "ws")
    rows = with_bad_row(demo_rows())
    assert create(c, "xa", "ds.xlsx", as_xlsx(rows)).status_code == 303
    page = c.get("/scenarios/xa/check").text
    assert f"dòng {BAD_ROW}, cột condition" in page
    assert "khỏe re" in page and f"/scenarios/xa/rows/{BAD_ROW}" in page

    marked = c.get("/scenarios/xa/marked.xlsx")
    assert marked.status_code == 200
    ws = load_workbook(io.BytesIO(marked.content)).active
    header = [cell.value for cell in ws[1]]
    assert header[0] == "Mã hộ" and "Họ và tên" in header and header[-1] == "Vấn đề"
    condition = header.index("Tình trạng") + 1
    assert ws.cell(row=BAD_ROW, column=condition).fill.start_color.rgb.endswith("FFC7CE")
    assert ws.cell(row=BAD_ROW + 1, column=condition).fill.fill_type is None
    assert "condition" in ws.cell(row=BAD_ROW, column=len(header)).value
    assert all(ws.cell(row=n, column=len(header)).value is None
               for n in range(2, len(rows) + 1) if n != BAD_ROW)
    names = header.index("Họ và tên") + 1
    assert [ws.cell(row=n, column=names).value for n in range(2, len(rows) + 1)] == \
        [r[rows[0].index("full_name")] for r in rows[1:]]

    ws.cell(row=BAD_ROW, column=condition).value = "bedridden"
    buffer = io.BytesIO()
    ws.parent.save(buffer)
    token = csrf(page)
    fixed = c.post("/scenarios/xa/households", data={"csrf": token},
                   files={"households": ("ds-sua.xlsx", buffer.getvalue())},
                   follow_redirects=False)
    assert fixed.status_code == 303
    assert 'class="good" id="verdict"' in c.get("/scenarios/xa/check").text
    c.cookies.set("lang", "en")  # in English, every header still names a column
    english = [cell.value for cell in load_workbook(io.BytesIO(
        c.get("/scenarios/xa/marked.xlsx").content)).active[1]]
    assert None not in header_columns(english[:-1]) and english[-1] == "Problems of the row"


def test_a_row_edited_in_the_page_is_checked_again(tmp_path: Path) -> None:
    """Row ``BAD_ROW`` of a CSV list edited in the page: the form shows the
    row's cells with the bad field marked; a fixed list that is no
    spreadsheet is refused by its name, the old list kept; saving it fixes the list (the other
    rows byte for byte as they were) and the check passes."""
    c = client(tmp_path / "ws")
    rows = with_bad_row(demo_rows())
    assert create(c, "xa", "ds.csv", as_csv(rows)).status_code == 303
    form = c.get(f"/scenarios/xa/rows/{BAD_ROW}").text
    assert 'name="condition" value="khỏe re" list="choices-condition" class="marked"' in form
    cells = dict(zip(rows[0], rows[BAD_ROW - 1], strict=True))
    garbage = c.post("/scenarios/xa/households", data={"csrf": csrf(form)},
                     files={"households": ("sua.xlsx", b"not a spreadsheet")})
    assert garbage.status_code == 400 and "sua.xlsx" in garbage.text
    assert (tmp_path / "ws" / "xa" / "households.csv").is_file()  # the old list stays
    saved = c.post(f"/scenarios/xa/rows/{BAD_ROW}",
                   data={**cells, "condition": "elderly", "csrf": csrf(form)},
                   follow_redirects=False)
    assert saved.status_code == 303
    assert 'class="good" id="verdict"' in c.get("/scenarios/xa/check").text
    written = list(csv.reader(io.StringIO(
        (tmp_path / "ws" / "xa" / "households.csv").read_text(encoding="utf-8"))))
    assert written[BAD_ROW - 1][rows[0].index("condition")] == "elderly"
    assert [r for k, r in enumerate(written) if k != BAD_ROW - 1] == \
        [r for k, r in enumerate(rows) if k != BAD_ROW - 1]


def test_the_form_refuses_bad_uploads_and_keeps_inside(tmp_path: Path, monkeypatch) -> None:
    """No list, a list of another type, a path as its name, a list over the
    size limit, a commune name that leaves the workspace, a road file that is
    not in it: each is refused with the form shown again and nothing written
    outside the workspace; a row or scenario outside the workspace is 404."""
    import planner.web.start as start

    ws = tmp_path / "ws"
    c = client(ws)
    data = as_csv(demo_rows()[:3])
    assert create(c, "a", "ds.pdf", data).status_code == 400
    assert create(c, "a", "../ds.csv", data).status_code == 400
    assert create(c, "../outside", "ds.csv", data).status_code == 400
    assert create(c, "a", "ds.csv", data, roads="../../etc/passwd").status_code == 400
    monkeypatch.setattr(start, "UPLOAD_MAX_BYTES", 100)
    big = create(c, "a", "ds.csv", data)
    assert big.status_code == 400 and "MB" in big.text
    assert sorted(p.name for p in ws.iterdir()) == []
    assert not (tmp_path / "outside").exists()
    for url in ("/scenarios/..%2F..%2Fetc/check", "/scenarios/a/marked.xlsx",
                "/scenarios/a/rows/2"):
        assert c.get(url).status_code == 404


def test_roads_from_an_openstreetmap_file_of_the_workspace(tmp_path: Path) -> None:
    """An OpenStreetMap extract placed in the workspace is offered by the form
    and, chosen, imported in a job (its progress names the file) into the
    commune's own ``roads.graphml``, which its scenario.yaml names; the job
    then leads to the Check page, which passes on that graph."""
    import shutil

    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copyfile(ROOT / "tests" / "data" / "roads" / "ok_small.osm", ws / "ok_small.osm")
    c = client(ws)
    assert '<option value="ok_small.osm"' in c.get("/new").text
    header = demo_rows()[0]
    rows = [header]
    for k, lon in enumerate(("103.0101", "103.0199"), start=1):
        cells = dict.fromkeys(header, "")
        cells.update({"household_id": f"H{k}", "village": "A", "lon": lon, "lat": "21.5001",
                      "resident_id": f"R{k}", "full_name": f"Người {k}", "condition": "elderly"})
        rows.append([cells[h] for h in header])
    form = {"name": "osm", "station_name": "Trụ sở", "station_lon": "103.0001",
            "station_lat": "21.5001", "team-0-id": "T1", "team-0-members": "A\nB",
            "team-0-motorbikes": "2", "team-0-kits": "1", "team-0-shift": "07:00-17:00",
            "start": "2026-11-24", "roads": "ok_small.osm", "csrf": csrf(c.get("/new").text)}
    response = c.post("/new", data=form, files={"households": ("ds.csv", as_csv(rows))},
                      follow_redirects=False)
    assert response.status_code == 303 and "/jobs/" in response.headers["location"]
    job_id = response.headers["location"].rsplit("/", 1)[1]
    job = c.app.state.jobs.wait(job_id, timeout_s=300)
    assert job is not None and job.state == "done", job.result if job else None
    state = c.get(f"/jobs/{job_id}/state").json()
    assert state["after"] == "/scenarios/osm/check"
    assert any("ok_small.osm" in line for line in state["lines"])
    folder = ws / "osm"
    assert (folder / "roads.graphml").is_file()
    assert yaml.safe_load((folder / "scenario.yaml").read_text("utf-8"))["roads"] == \
        "roads.graphml"
    page = c.get("/scenarios/osm/check").text
    assert 'class="good" id="verdict"' in page
    scenario, _warnings = load_scenario(folder / "scenario.yaml")
    assert Path(scenario.roads) == folder / "roads.graphml"
