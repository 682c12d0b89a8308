"""The settings of a commune made by the Start page, edited afterwards
(``/scenarios/NAME/settings`` over ``app.commune_settings``): shown filled,
written over scenario.yaml with the households list unchanged, and checked
again like the list."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

import yaml
from test_web_start import as_csv, client, create, csrf, demo_rows, demo_settings

from planner.scenario import load_scenario


def test_the_settings_are_edited_after_the_commune_is_made(tmp_path: Path) -> None:
    """The Settings page of a commune made from the demo's list shows its
    station, teams and dates filled in; the team T1 renamed, the deadline
    moved and the station's longitude mistyped are written (the list
    unchanged) and the Check page reports the station's field; fixed, the
    check passes and the scenario reads the new name and deadline. A post
    without the CSRF token is refused and changes nothing."""
    c = client(tmp_path / "ws")
    assert create(c, "Nậm Khao", "danh-sach.csv", as_csv(demo_rows())).status_code == 303
    folder = tmp_path / "ws" / "Nậm Khao"
    households = hashlib.sha256((folder / "households.csv").read_bytes()).hexdigest()
    url = f"/scenarios/{quote('Nậm Khao')}/settings"
    page = c.get(url)
    assert page.status_code == 200 and 'id="new-commune"' in page.text
    settings = demo_settings("Nậm Khao")
    assert f'value="{settings["station_name"]}"' in page.text
    assert 'name="team-0-id" value="T1"' in page.text
    assert 'value="04/12/2026"' in page.text  # the deadline, dd/mm/yyyy in Vietnamese
    assert 'name="households"' not in page.text  # the list stays: the Check page takes it

    before = (folder / "scenario.yaml").read_bytes()
    changed = {**settings, "team-0-name": "Tổ Một", "deadline": "2026-12-11",
               "station_lon": "103,2O8"}
    assert c.post(url, data=changed).status_code == 403
    assert (folder / "scenario.yaml").read_bytes() == before
    saved = c.post(url, data={**changed, "csrf": csrf(page.text)}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("/check")
    check = c.get(saved.headers["location"]).text
    assert 'class="bad" id="verdict"' in check and "station" in check

    fixed = {**changed, "station_lon": settings["station_lon"], "csrf": csrf(page.text)}
    assert c.post(url, data=fixed, follow_redirects=False).status_code == 303
    assert 'class="good" id="verdict"' in c.get(saved.headers["location"]).text
    data = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    assert data["campaign"]["deadline"] == "2026-12-11" and data["households"] == "households.csv"
    scenario, _ = load_scenario(folder / "scenario.yaml")
    assert next(t.name for t in scenario.teams if t.id == "T1") == "Tổ Một"
    assert hashlib.sha256((folder / "households.csv").read_bytes()).hexdigest() == households
