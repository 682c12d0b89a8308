"""The printable itinerary: A4 PDF, Vietnamese text intact, redactable."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from planner.legs import attach_legs
from planner.render.itinerary import render_itinerary


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not found (apt-get install poppler-utils)")
    return path


def _team_visiting(plan, scenario, village_id: str) -> str:
    by_id = {h.id: h for h in scenario.households}
    for route in plan.routes:
        if any(s.kind == "visit" and by_id[s.household].village_id == village_id
               for s in route.stops):
            return route.team
    return next(r.team for r in plan.routes if len(r.stops) > 2)


def test_page_one_text_and_image(demo_day, tmp_path: Path):
    """Page 1 renders (pdftoppm) and its text (pdftotext) has the Vietnamese
    words with diacritics intact: the village "Huổi Cơ Mông", the heading
    "Trưởng bản", "Lịch trình", "Giờ đến", "Hộ gia đình" and page numbers."""
    scenario, G, plan, _m, _p = demo_day
    team = _team_visiting(plan, scenario, "HCM")
    pdf = tmp_path / "itinerary.pdf"
    pdf.write_bytes(render_itinerary(attach_legs(plan, scenario, G), scenario, team))
    subprocess.run([_tool("pdftoppm"), "-f", "1", "-l", "1", "-r", "50", "-png", str(pdf),
                    str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))
    fonts = subprocess.run([_tool("pdffonts"), str(pdf)], check=True, capture_output=True,
                           text=True).stdout
    assert "Planner-Sans" in fonts and "DejaVu" not in fonts, "only the bundled font is used"
    text = subprocess.run([_tool("pdftotext"), "-f", "1", "-l", "1", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    text = " ".join(text.split())
    for words in ("Lịch trình", "Trưởng bản", "Giờ đến", "Hộ gia đình", "Thành viên",
                  "Trang 1 /"):
        assert words in text, words
    by_id = {h.id: h for h in scenario.households}
    villages = {scenario.village(by_id[s.household].village_id).name
                for r in plan.routes if r.team == team for s in r.stops if s.kind == "visit"}
    for name in villages:
        assert name in text, name
    assert "Huổi Cơ Mông" in villages  # the demo plan visits it: the check is real
    assert "Huổi Cơ Mông" in text


def test_header_repeats_and_walks_marked(demo_day, tmp_path: Path):
    """Every page of a long itinerary starts the table with its header, and
    walking legs say "đi bộ" with their metres."""
    scenario, G, plan, _m, _p = demo_day
    route = max(plan.routes, key=lambda r: len(r.stops))
    pdf = tmp_path / "it.pdf"
    pdf.write_bytes(render_itinerary(attach_legs(plan, scenario, G), scenario, route.name))
    pages = subprocess.run([_tool("pdftotext"), str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout.split("\f")
    pages = [" ".join(p.split()) for p in pages if p.strip()]
    for page in pages:
        if "NK-" in page:
            assert "Giờ đến" in page
    walks = [s for s in route.stops if s.walk_m]
    if walks:
        assert f"đi bộ {walks[0].walk_m} m" in " ".join(pages)


def test_english(demo_day, tmp_path: Path):
    """--lang en gives English headings."""
    scenario, G, plan, _m, _p = demo_day
    pdf = tmp_path / "en.pdf"
    plan = attach_legs(plan, scenario, G)
    pdf.write_bytes(render_itinerary(plan, scenario, plan.routes[0].name, lang="en"))
    text = subprocess.run([_tool("pdftotext"), str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "Itinerary" in text and "Household" in text and "Lịch trình" not in text


def test_redacted_itinerary_has_no_names(demo_day, tmp_path: Path):
    """--redact: the PDF's text holds none of the demo's resident names (every
    one searched for), no ID numbers, conditions or phone numbers."""
    scenario, G, plan, _m, _p = demo_day
    text = ""
    plan = attach_legs(plan, scenario, G)
    for route in plan.routes:
        pdf = tmp_path / f"{route.name}.pdf"
        pdf.write_bytes(render_itinerary(plan, scenario, route.name, redact=True))
        text += subprocess.run([_tool("pdftotext"), str(pdf), "-"], check=True,
                               capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    for h in scenario.households:
        for r in h.residents:
            assert r.full_name not in flat, r.full_name
            assert r.id_number not in flat
        if h.contact:
            assert h.contact not in flat
    for condition in ("nằm liệt giường", "khuyết tật", "người cao tuổi", "sau sinh"):
        assert condition not in flat


def _word_boxes(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page, every word pdftotext finds with its box (xMin, yMin, xMax, yMax) in pt."""
    import html
    import re

    out = subprocess.run([_tool("pdftotext"), "-bbox-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        pages.append([(float(a), float(b), float(c), float(d), html.unescape(w))
                      for a, b, c, d, w in re.findall(
                          r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                          r'yMax="([\d.]+)">([^<]*)</word>', page)])
    return pages


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_text_overlaps_in_the_stop_table(demo_day, tmp_path: Path, lang: str):
    """In every route's itinerary, in Vietnamese and English, no two words of
    the stop table overlap (pdftotext word boxes, 0.3 pt tolerance), and no
    word of the residents column (names, hours, the outcome boxes) runs into
    the next column (it ends before that column's heading starts)."""
    from planner.render.i18n import gettext_for

    _ = gettext_for(lang)
    who_head, mode_head = _("Residents, condition, outcome").split()[0], _("Mode").split()[0]
    foot = _("Yellow rows: the house is reached on foot from where the motorbikes park "
             "(dashed on the sketch map).").split()[0]
    scenario, G, plan, _m, _p = demo_day
    plan = attach_legs(plan, scenario, G)
    checked = 0
    for route in plan.routes:
        if not any(s.kind == "visit" for s in route.stops):
            continue
        pdf = tmp_path / f"{route.name}-{lang}.pdf"
        pdf.write_bytes(render_itinerary(plan, scenario, route.name, lang=lang))
        for number, words in enumerate(_word_boxes(pdf), start=1):
            heads = [w for w in words if w[4] == "№"]
            if not heads:
                continue
            head = heads[0]
            ends = [w[1] for w in words if w[4] == foot and w[0] < head[0] + 5 and w[1] > head[1]]
            # the page footer (commune · route · date · label) is not the table
            ends += [w[1] - 1 for w in words if w[4] == plan.date.isoformat() and w[1] > head[1]]
            table = [w for w in words if head[1] - 8 <= w[1] < min(ends, default=1e9)]
            for i, a in enumerate(table):
                for b in table[i + 1:]:
                    dx = min(a[2], b[2]) - max(a[0], b[0])
                    dy = min(a[3], b[3]) - max(a[1], b[1])
                    assert dx <= 0.3 or dy <= 0.3, (route.name, lang, number, a, b)
            row = [w for w in table if abs(w[1] - head[1]) < 12]  # the header row
            who_x = min(w[0] for w in row if w[4] == who_head)
            mode_x = min(w[0] for w in row if w[4] == mode_head)
            below = [w for w in table if w[1] > max(r[3] for r in row)]
            for w in below:
                if who_x - 0.3 <= w[0] < mode_x:
                    assert w[2] <= mode_x, (route.name, lang, number, w)
                    checked += 1
    assert checked > 20
