"""A new user creates a commune in Debian's Chromium (headless, network
blocked: every request not to the local server is aborted and counted, and
must stay 0), against the real uvicorn server of ``test_web_browser``: the
demo's households spreadsheet with one bad row and the settings form; the
Check page reports that one row; the user edits it in the page and the check
passes. At 1366×768, then the form and the check at 390×844. Screenshots go
to /tmp/web-shots/start-*.png (to be looked at)."""

from __future__ import annotations

from pathlib import Path

from test_web_browser import SHOTS, _fits_width, offline_browser, server  # noqa: F401
from test_web_start import BAD_ROW, as_xlsx, demo_rows, with_bad_row


def test_a_new_user_creates_a_commune_and_fixes_a_row(server, tmp_path: Path  # noqa: F811
                                                      ) -> None:
    """From the Start page, with the network blocked (0 requests leave, no
    console error): the form with the demo's spreadsheet (row ``BAD_ROW`` with
    an unknown condition), the station and one team, villages left to the
    list; the Check page shows exactly one row to fix and offers the marked
    list (an .xlsx download); the row edited in the page passes the check and
    the campaign can be planned. The form and the check fit a 390 px phone."""
    base, workspace = server
    SHOTS.mkdir(exist_ok=True)
    sheet = tmp_path / "danh-sach-ho.xlsx"
    sheet.write_bytes(as_xlsx(with_bad_row(demo_rows())))

    with offline_browser(base, tmp_path, downloads=True) as (ctx, page, blocked, problems):
        page.goto(base + "/")
        page.click("#new-commune")
        page.wait_for_url("**/new")
        page.fill("input[name=name]", "Nậm Khao")
        page.set_input_files("input[name=households]", str(sheet))
        page.fill("input[name=station_name]", "Công an xã Nậm Khao")
        page.fill("input[name=station_lon]", "103.208058")
        page.fill("input[name=station_lat]", "21.826378")
        page.fill("input[name='team-0-name']", "Tổ 1")
        page.fill("textarea[name='team-0-members']",
                  "Lò Văn Thành (tổ trưởng)\nQuàng Thị Hoa\nCà Văn Dũng")
        page.click("button.add-row[data-table=team]")
        assert page.locator("input[name='team-3-id']").count() == 1
        page.screenshot(path=str(SHOTS / "start-1-form.png"), full_page=True)
        page.click("button.primary")
        page.wait_for_url("**/check")
        assert page.locator(".edit-row").count() == 1
        assert "khỏe re" in page.locator("table.problems").inner_text()
        page.screenshot(path=str(SHOTS / "start-2-check.png"), full_page=True)
        with page.expect_download() as info:
            page.click("a[href$='/marked.xlsx']")
        assert info.value.suggested_filename.endswith(".xlsx")
        page.click(".edit-row")
        page.wait_for_url(f"**/rows/{BAD_ROW}")
        assert page.locator("input[name=condition].marked").input_value() == "khỏe re"
        assert page.locator("#choices-condition option[value='người cao tuổi']").count()
        page.screenshot(path=str(SHOTS / "start-3-row.png"), full_page=True)
        page.fill("input[name=condition]", "người cao tuổi")  # offered by the list
        page.click("button.primary")
        page.wait_for_url("**/check")
        assert page.locator("#verdict.good").count() == 1
        assert page.locator("form[action='/create'] button.primary").count() == 1
        page.screenshot(path=str(SHOTS / "start-4-passed.png"), full_page=True)
        phone = ctx.new_page()
        phone.set_viewport_size({"width": 390, "height": 844})
        phone.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
        for slug, url in (("new", "/new"), ("check", page.url.removeprefix(base))):
            phone.goto(base + url)
            phone.screenshot(path=str(SHOTS / f"start-phone-{slug}.png"), full_page=True)
            assert _fits_width(phone), slug
    assert (workspace / "Nậm Khao" / "households.xlsx").is_file()
    assert blocked == []
    assert problems == []
