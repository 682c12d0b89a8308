"""The phone map as an officer uses it, end to end: a campaign day's map in
real headless Chromium (390×844, network blocked), outcomes tapped in and kept
across a reload, exported, imported with ``plan.py record`` and re-planned
with ``plan.py tomorrow``; tampered or foreign exports are refused."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.state.phone import checksum, parse_export

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo" / "scenario.yaml"


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> Path:
    """The demo campaign planned once, with every day's outputs."""
    out = tmp_path_factory.mktemp("campaign") / "c"
    result = CliRunner().invoke(cli, ["campaign", str(DEMO), "--out", str(out),
                                      "--time-limit", "1"])
    assert result.exit_code == 0, result.output
    return out


def _first_day(campaign: Path) -> Path:
    return sorted((campaign / "days").iterdir())[0]


def test_campaign_writes_every_days_outputs(campaign: Path) -> None:
    """Each campaign day's folder holds the same outputs as ``day``: plan.json
    with leg geometry, map.html and one map per team, an itinerary and a GPX
    per team with stops, the notices; ``render`` reproduces them byte for byte."""
    days = sorted((campaign / "days").iterdir())
    assert days
    for day in days:
        plan = json.loads((day / "plan.json").read_text(encoding="utf-8"))
        names = {p.name for p in day.iterdir()}
        assert {"plan.json", "map.html", "notices.pdf"} <= names
        for route in plan["routes"]:
            if any(s["kind"] == "visit" for s in route["stops"]):
                team = route["team"]
                assert {f"map-{team}.html", f"itinerary-{team}.pdf", f"route-{team}.gpx"} \
                    <= names
        assert any(s.get("leg") for r in plan["routes"] for s in r["stops"])
    again = campaign.parent / "again"
    result = CliRunner().invoke(cli, ["render", str(days[0] / "plan.json"), "--out", str(again)])
    assert result.exit_code == 0, result.output
    for path in days[0].iterdir():
        if path.name != "plan.json":
            assert (again / path.name).read_bytes() == path.read_bytes(), path.name


def _browser_or_skip() -> None:
    from test_render_map import _browser_or_skip as check

    check()


def _in_view(page, locator) -> bool:
    """True when ``locator``'s box lies inside the phone's viewport."""
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(box and size and 0 <= box["x"] and box["x"] + box["width"] <= size["width"]
                and 0 <= box["y"] and box["y"] + box["height"] <= size["height"])


def _open_stop(page, key: str) -> None:
    """Open stop ``key`` (``T1|3``): tap its marker when it is in view, else
    tap it in the card's list of the route's stops (a tap each)."""
    marker = page.locator(f"[data-stop='{key}']")
    if marker.is_visible() and _in_view(page, marker):
        marker.tap(force=True)
        if page.locator(f".card[data-key='{key}']").count():
            return
    chip = page.locator(f".card .chip[data-chip='{key}']")  # (the marker under another one)
    if chip.count():
        chip.first.tap()
        return
    raise AssertionError(f"could not open {key}")


def test_phone_outcomes_round_trip(campaign: Path, tmp_path: Path) -> None:
    """map-T1.html shows only T1's stops and the station; three stops tapped,
    an outcome tapped for a resident of each; after a reload the outcomes are
    still there; the export is a CSV whose plan id and checksum ``record``
    accepts; ``tomorrow`` re-plans from it (the enrolled resident is not planned
    again). No request leaves the file, no console error."""
    _browser_or_skip()
    from playwright.sync_api import sync_playwright
    from test_render_map import CHROMIUM, CHROMIUM_ARGS

    day = _first_day(campaign)
    plan = json.loads((day / "plan.json").read_text(encoding="utf-8"))
    t1 = next(r for r in plan["routes"] if r["team"] == "T1")
    visits = [s for s in t1["stops"] if s["kind"] == "visit"]
    assert len(visits) >= 3
    url = (day / "map-T1.html").as_uri()
    requests: list[str] = []
    problems: list[str] = []
    chosen = ["enrolled", "not_home", "retry_needed"]
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_path)
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
            offline=True, accept_downloads=True)
        try:
            ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://")
                      else r.abort())
            page = ctx.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: problems.append(f"{m.type}: {m.text}")
                    if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            page.goto(url)
            page.wait_for_selector("[data-stop]")
            keys = page.eval_on_selector_all("[data-stop]",
                                             "els => els.map(e => e.dataset.stop)")
            assert keys and all(k.startswith("T1|") for k in keys)
            assert len(keys) == len({k for k in keys})
            assert page.locator(".leaflet-marker-icon > .office").count() == 1
            assert page.locator(".card").is_visible()  # the next stop, at once
            visit_keys = page.eval_on_selector_all(
                "[data-stop][data-kind='visit']", "els => els.map(e => e.dataset.stop)")
            assert len(visit_keys) >= 3
            for key, outcome in zip(visit_keys, chosen, strict=False):
                _open_stop(page, key)
                page.wait_for_selector(f".card[data-key='{key}']")
                page.locator(f".card .ob[data-outcome='{outcome}']").first.tap()
                page.wait_for_selector(f".card .ob.on[data-outcome='{outcome}']")
                close = page.locator(".leaflet-popup-close-button")
                if close.count():
                    close.first.tap()
            page.reload()
            page.wait_for_selector("[data-stop]")
            saved = page.evaluate("() => Object.keys(localStorage).filter(k => "
                                  "k.startsWith('mip-outcomes:')).map(k => "
                                  "JSON.parse(localStorage.getItem(k)))")
            assert len(saved) == 1 and len(saved[0]) == 3
            _open_stop(page, visit_keys[0])
            page.wait_for_selector(".card .ob.on[data-outcome='enrolled']")
            with page.expect_download() as info:
                page.locator(".card .export").tap()
            exported = tmp_path / info.value.suggested_filename
            info.value.save_as(exported)
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)
    assert problems == []
    assert set(requests) == {url}
    data = exported.read_bytes()
    export = parse_export(exported, data)
    assert export.plan_id == plan["id"]
    rows = export.csv_text.strip().splitlines()
    assert rows[0] == "date,team,household_id,resident_id,outcome,note" and len(rows) == 4
    enrolled = [r.split(",")[3] for r in rows[1:] if ",enrolled," in r]
    runner = CliRunner()
    result = runner.invoke(cli, ["record", str(campaign), str(exported), "--lang", "en",
                                 "--today", "2026-12-31"])
    assert result.exit_code == 0, result.output
    assert "3 outcomes recorded" in result.output
    result = runner.invoke(cli, ["tomorrow", str(campaign), "--time-limit", "1"])
    assert result.exit_code == 0, result.output
    replanned = [json.loads((d / "plan.json").read_text(encoding="utf-8"))
                 for d in sorted((campaign / "days").iterdir()) if d.name > day.name]
    assert replanned
    for later in replanned:
        planned = {rid for r in later["routes"] for s in r["stops"] if s["kind"] == "visit"
                   for rid in s["residents"]}
        assert not planned & set(enrolled)


def test_tampered_or_foreign_export_is_refused(campaign: Path, tmp_path: Path) -> None:
    """An export edited after it left the phone, or from a plan that is not a
    day of this campaign, is refused (exit 2) with a message naming the file
    and the fix; nothing is recorded."""
    plan = json.loads((_first_day(campaign) / "plan.json").read_text(encoding="utf-8"))
    visit = next(s for r in plan["routes"] for s in r["stops"] if s["kind"] == "visit")
    body = ("date,team,household_id,resident_id,outcome,note\n"
            f"{plan['date']},{plan['routes'][0]['team']},{visit['household']},"
            f"{visit['residents'][0]},refused,\n")
    head = "# mountain-id-planner phone outcomes; plan={}; crc32={}\n"
    tampered = tmp_path / "tampered.csv"
    tampered.write_text(head.format(plan["id"], checksum(plan["id"], body))
                        + body.replace("refused", "enrolled"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["record", "--lang", "en", str(campaign), str(tampered)])
    assert result.exit_code == 2, result.output
    assert "tampered.csv" in result.output and "checksum" in result.output
    other = "0123456789abcdef"
    foreign = tmp_path / "foreign.csv"
    foreign.write_text(head.format(other, checksum(other, body)) + body, encoding="utf-8")
    result = CliRunner().invoke(cli, ["record", "--lang", "en", str(campaign), str(foreign)])
    assert result.exit_code == 2, result.output
    assert "foreign.csv" in result.output and "not a plan of the campaign" in result.output
    assert "Traceback" not in result.output


def test_blank_outcome_rows_mean_not_visited(campaign: Path, tmp_path: Path) -> None:
    """A prefilled sheet whose rows for residents not reached are left blank
    is accepted: the blank rows are skipped, the filled ones recorded; a bad
    row in an export is reported with the phone file's own row number."""
    plan = json.loads((_first_day(campaign) / "plan.json").read_text(encoding="utf-8"))
    team = next(r for r in sorted(plan["routes"], key=lambda r: r["team"] == "T1")
                if any(s["kind"] == "visit" for s in r["stops"]))  # T1's are recorded already
    visits = [s for s in team["stops"] if s["kind"] == "visit"]
    last = visits[-1]
    lines = ["date,team,household_id,resident_id,outcome,note"]
    lines += [f"{plan['date']},{team['team']},{s['household']},{s['residents'][0]},,"
              for s in visits[:-1]]
    lines.append(f"{plan['date']},{team['team']},{last['household']},{last['residents'][0]},"
                 "moved,")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["record", str(campaign), str(sheet), "--lang", "en",
                                      "--today", "2026-12-31"])
    assert result.exit_code == 0, result.output
    assert "1 outcome recorded" in result.output or "1 outcome recorded" in result.output
    body = ("date,team,household_id,resident_id,outcome,note\n"
            f"{plan['date']},T9,{last['household']},{last['residents'][0]},moved,\n")
    bad = tmp_path / "bad-export.csv"
    bad.write_text(f"# mountain-id-planner phone outcomes; plan={plan['id']}; "
                   f"crc32={checksum(plan['id'], body)}\n" + body, encoding="utf-8")
    result = CliRunner().invoke(cli, ["record", "--lang", "en", str(campaign), str(bad), "--today",
                                      "2026-12-31"])
    assert result.exit_code == 2, result.output
    assert "bad-export.csv" in result.output and "row 3" in result.output


def test_prefilled_sheet_reads_names_village_time(campaign: Path, tmp_path: Path) -> None:
    """``record --template --date D`` prefills one row per planned resident
    with the name, the village and the planned arrival (initials with
    ``--redact``); filled in with one outcome and the rest left blank, it
    imports (the reading columns are ignored, blank rows are "not visited")."""
    import csv

    from planner.scenario import load_scenario

    day = _first_day(campaign).name
    stem = tmp_path / "sheet"
    result = CliRunner().invoke(cli, ["record", str(campaign), "--template", "--date", day,
                                      "--out", str(stem), "--lang", "en"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(stem.with_suffix(".csv").read_text(encoding="utf-8-sig")
                               .splitlines()))
    assert rows and {"name", "village", "planned"} <= set(rows[0])
    scenario, _ = load_scenario(DEMO)
    names = {r.id: r.full_name for h in scenario.households for r in h.residents}
    assert all(row["name"] == names[row["resident_id"]] for row in rows)
    assert all(row["village"] and len(row["planned"]) == 5 for row in rows)
    redacted = tmp_path / "shared"
    result = CliRunner().invoke(cli, ["record", str(campaign), "--template", "--date", day,
                                      "--out", str(redacted), "--redact"])
    assert result.exit_code == 0, result.output
    text = redacted.with_suffix(".csv").read_text(encoding="utf-8-sig")
    assert not any(names[row["resident_id"]] in text for row in rows)
    from planner.state import db as state

    conn = state.open_campaign(campaign)
    recorded = {o.resident_id for o in state.outcomes(conn)}  # by the module's other tests
    conn.close()
    done = next(row for row in rows if row["resident_id"] not in recorded)
    done["outcome"] = "refused"
    filled = tmp_path / "filled.csv"
    with filled.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = CliRunner().invoke(cli, ["record", str(campaign), str(filled), "--lang", "en",
                                      "--today", "2026-12-31"])
    assert result.exit_code == 0, result.output
    assert "1 outcome recorded" in result.output
