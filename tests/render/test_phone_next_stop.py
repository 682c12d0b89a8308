"""The phone map as an officer uses it (issue 26, item 3), in real headless
Chromium at 390×844 with every request outside file:// blocked and counted:
the "next stop" card follows each route in its order whatever the stop's kind
(visit, pickup, drop-off, collection point, lunch) and survives a reload; each
kind has its own buttons; done stops are marked on the map and in the card's
list; "deceased" asks to confirm; a note per stop goes into the export; an
unserved household's "×" opens its reason."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.render.i18n import gettext_for
from planner.state.phone import parse_export

SHOTS = os.environ.get("PLANNER_PHONE_SHOTS")
"""A folder to keep the test's phone screenshots in, to look at them (unset: none)."""


@pytest.fixture(scope="module")
def demo_day(tmp_path_factory) -> Path:
    """The demo day planned once (seed 7, short solver time), every output written."""
    out = tmp_path_factory.mktemp("demo") / "day"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--time-limit", "2",
                                      "--seed", "7"])
    assert result.exit_code == 0, result.output
    return out


def _browser_or_skip() -> None:
    from test_render_map import _browser_or_skip as check

    check()


class Phone:
    """A phone's browser on one map file, offline; counts requests that are not file://."""

    def __init__(self, p, profile: str) -> None:
        from test_render_map import CHROMIUM, CHROMIUM_ARGS

        self.outside: list[str] = []
        self.problems: list[str] = []
        self.ctx = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
            offline=True, accept_downloads=True)
        self.ctx.route("**/*", self._route)
        self.page = self.ctx.new_page()
        self.page.on("console", lambda m: self.problems.append(f"{m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))

    def _route(self, r) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            self.outside.append(r.request.url)
            r.abort()

    def card_key(self) -> str:
        self.page.wait_for_selector(".card[data-key]")
        return self.page.get_attribute(".card", "data-key") or ""

    def chips(self) -> list[tuple[str, str]]:
        """The card's list of the route's stops: (key, kind) in route order."""
        return self.page.eval_on_selector_all(
            ".card .chip[data-chip]", "els => els.map(e => [e.dataset.chip, e.dataset.kind])")

    def shot(self, name: str) -> None:
        if SHOTS is not None:
            self.page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def _record(page, kind: str) -> None:
    """Record the stop on the card the way an officer would for its kind."""
    if kind == "visit":
        for person in page.locator(".card .person").all():
            person.locator(".ob[data-outcome='enrolled']").tap()
        return
    if kind == "point":
        page.locator(".card .count-in").fill("4")
    page.locator(".card .stop-done").tap()


def _team_with_every_kind(day: Path) -> str:
    """The team whose routes hold a pickup, a drop-off, a collection point and a lunch."""
    plan = json.loads((day / "plan.json").read_text(encoding="utf-8"))
    kinds: dict[str, set[str]] = {}
    for r in plan["routes"]:
        kinds.setdefault(r["team"], set()).update(s["kind"] for s in r["stops"])
    teams = [t for t, k in kinds.items() if {"pickup", "dropoff", "point", "break"} <= k]
    assert teams, kinds
    return teams[0]


def test_next_stop_follows_route_order_whatever_the_kind(demo_day: Path, tmp_path: Path):
    """On the map of a team with collection points, a lunch and a shuttle
    officer: the card opens on the route's stop 1 (not on a later pickup);
    recording each stop by its kind (count at a point, done at lunch, a pickup
    or a drop-off) and reloading shows the next one in route order every time;
    done stops are greyed with a tick on the map and ticked in the list. On the
    shuttle route, "deceased" is saved only once confirmed; a note typed on a
    stop is in the export, with the count of people enrolled at the point; the
    export passes its checksum. No request leaves the file."""
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    team = _team_with_every_kind(demo_day)
    url = (demo_day / f"map-{team}.html").as_uri()
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_path)
    with sync_playwright() as p:
        phone = Phone(p, profile)
        page = phone.page
        try:
            page.goto(url)
            chips = phone.chips()
            assert len(chips) >= 3
            first_route = chips[0][0].split("|")[0]
            assert {k for _key, k in chips} >= {"point", "break"}, chips
            assert phone.card_key() == chips[0][0]
            phone.shot("01-opened")
            for i, (key, kind) in enumerate(chips):
                assert phone.card_key() == key, (i, key, kind)
                assert page.get_attribute(".card", "data-kind") == kind
                if i == 0:
                    page.locator(".card .note").fill("chó dữ ở cổng, gọi trước")
                _record(page, kind)
                page.reload()
                phone.card_key()
                marker = page.locator(f"[data-stop='{key}']")
                if marker.count():  # done on the map: greyed, with a tick
                    page.wait_for_selector(f"[data-stop='{key}'].done", state="attached")
                if i == 0:
                    phone.shot("02-stop1-done-reloaded")
                if i + 1 < len(chips):  # and ticked in the card's list
                    page.wait_for_selector(f".card .chip.done[data-chip='{key}']")
                    assert phone.card_key() == chips[i + 1][0], (i, chips)
            # the team's route done: the card goes on with its shuttle officer's route
            shuttle = phone.chips()
            assert shuttle[0][0].split("|")[0] != first_route
            assert {k for _key, k in shuttle} >= {"pickup", "dropoff"}, shuttle
            assert phone.card_key() == shuttle[0][0] and shuttle[0][1] == "pickup"
            deceased = page.locator(".card .ob[data-outcome='deceased']").first
            resident = deceased.get_attribute("data-resident")
            deceased.tap()
            page.wait_for_selector(".card .confirm")
            phone.shot("03-confirm-deceased")
            stored = "() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find(" \
                     "k => k.startsWith('mip-outcomes:'))) || '{}')"
            assert resident not in page.evaluate(stored)
            page.locator(".card .confirm .yes").tap()
            page.wait_for_selector(".card .ob.on[data-outcome='deceased']")
            assert page.evaluate(stored)[resident]["o"] == "deceased"
            page.locator(".card .note").fill("con trai đưa ra đường")
            page.locator(".card .stop-done").tap()
            page.reload()
            assert phone.card_key() == shuttle[1][0]
            page.locator(".card .chip.route").first.tap()  # the list's switch: the team's route
            assert phone.card_key().split("|")[0] == first_route
            text = page.evaluate("() => window.plannerExportText()")
        finally:
            phone.ctx.close()
            shutil.rmtree(profile, ignore_errors=True)
    assert phone.outside == [] and phone.problems == []
    export = parse_export(Path("phone.csv"), text.encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(export.csv_text)))
    dead = [r for r in rows if r["resident_id"] == resident]
    assert len(dead) == 1 and dead[0]["outcome"] == "deceased"
    assert dead[0]["note"] == "con trai đưa ra đường"
    noted = [r for r in rows if "chó dữ ở cổng, gọi trước" in r["note"]]
    assert len(noted) == 1 and noted[0]["team"] == team
    if chips[0][1] == "point":  # the count of people enrolled at the point, with its note
        assert not noted[0]["outcome"] and not noted[0]["resident_id"]
        assert " 4" in noted[0]["note"]


def test_unserved_marker_opens_its_reason(demo_day: Path, tmp_path: Path):
    """On the whole commune's map, with the "not visited" layer switched on, a
    tap on an unserved household's "×" opens a popup with the household, the
    words "not visited" and the reason from the plan. No request leaves the file."""
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    plan = json.loads((demo_day / "plan.json").read_text(encoding="utf-8"))
    assert plan["unserved"]
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_path)
    with sync_playwright() as p:
        phone = Phone(p, profile)
        page = phone.page
        try:
            page.goto((demo_day / "map.html").as_uri())
            page.locator(".leaflet-control-layers-toggle").tap()
            box = page.locator(".leaflet-control-layers-overlays label",
                               has_text="×").locator("input")
            box.check()
            page.locator(".leaflet-control-layers-toggle").evaluate(
                "e => e.closest('.leaflet-control-layers').classList.remove("
                "'leaflet-control-layers-expanded')")
            page.wait_for_selector(".unserved")
            # an "×" in view and on top where it shows (no control or card over it)
            hid = page.evaluate("""() => {
              for (const e of document.querySelectorAll('.unserved')) {
                const r = e.getBoundingClientRect();
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                if (x < 60 || x > 330 || y < 180 || y > 600) continue;
                if (document.elementFromPoint(x, y) === e) return e.dataset.household;
              }
              return null; }""")
            assert hid
            page.locator(f".unserved[data-household='{hid}']").tap()
            popup = page.locator(".leaflet-popup-content")
            popup.wait_for()
            shown = popup.inner_text()
            phone.shot("04-unserved-reason")
        finally:
            phone.ctx.close()
            shutil.rmtree(profile, ignore_errors=True)
    assert phone.outside == [] and phone.problems == []
    assert any(u["household"] == hid for u in plan["unserved"])
    label = gettext_for("vi")("Not visited")
    assert hid in shown and label in shown
    reason = shown.split(label, 1)[1].lstrip(": ").strip()
    assert len(reason) > 10
