"""Personal data: nothing sensitive in the terminal, nothing in redacted outputs,
every user text escaped in HTML, and file names that stay in the output folder."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.day.plan import plan_day
from planner.legs import attach_legs
from planner.render import render_all
from planner.roads.io import load_graph
from planner.scenario import load_scenario

OK = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
PAYLOAD = "<script>alert(1)</script>{{7*7}}${x}`"
CONDITION_WORDS = ("bedridden", "disabled", "postpartum", "elderly")
# how the documents name conditions, and hints that would give them away
CONDITION_TEXT = {
    "vi": ("nằm liệt giường", "khuyết tật", "sau sinh", "người cao tuổi", "tại giường",
           "trẻ sơ sinh"),
    "en": ("bedridden", "after childbirth", "elderly", "in bed", "newborn", "disabled"),
}


@pytest.fixture(scope="module")
def small():
    scenario, _ = load_scenario(OK)
    scenario = dataclasses.replace(scenario, households=tuple(
        dataclasses.replace(h, residents=tuple(
            dataclasses.replace(r, id_number=f"99912345678{k}")
            for k, r in enumerate(h.residents)))
        for h in scenario.households))
    G = load_graph(scenario.roads)
    plan, _, _ = plan_day(scenario, G, time_limit_s=0.5)
    return scenario, G, plan


def _texts(folder: Path) -> dict[str, str]:
    """Every output's text: HTML and GPX as written, PDFs through pdftotext."""
    out = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".pdf":
            if shutil.which("pdftotext") is None:
                pytest.skip("pdftotext (poppler-utils) is not installed")
            out[path.name] = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                                            capture_output=True, text=True, check=True).stdout
        else:
            out[path.name] = path.read_text(encoding="utf-8")
    return out


def test_terminal_output_has_no_personal_data(tmp_path: Path) -> None:
    """``day`` prints no names, ID numbers, phone numbers or conditions."""
    result = CliRunner().invoke(cli, ["day", str(OK), "--out", str(tmp_path / "o"),
                                      "--time-limit", "0.5"])
    assert result.exit_code == 0, result.output
    scenario, _ = load_scenario(OK)
    for h in scenario.households:
        if h.contact:
            assert h.contact not in result.output
        for r in h.residents:
            assert r.full_name not in result.output
            assert r.full_name.split()[-1] not in result.output
    for word in CONDITION_WORDS + CONDITION_TEXT["vi"]:
        assert word not in result.output.lower()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_redacted_outputs_hold_no_personal_data(small, tmp_path: Path, lang: str) -> None:
    """With redaction, no output holds a name, ID number, phone number or a word
    that gives a condition away."""
    scenario, G, plan = small
    render_all(attach_legs(plan, scenario, G), scenario, tmp_path, lang=lang, redact=True)
    texts = _texts(tmp_path)
    assert {n.split(".")[-1] for n in texts} >= {"html", "pdf", "gpx"}
    for name, text in texts.items():
        for h in scenario.households:
            if h.contact:
                assert h.contact not in text, name
            for r in h.residents:
                assert r.full_name not in text, name
                assert r.id_number not in text, name
        for word in CONDITION_TEXT[lang]:
            if word == "disabled" and name.endswith(".html"):
                continue  # Leaflet's and jQuery's own code say "disabled"
            assert word not in text.lower(), (name, word)


def test_every_user_text_is_escaped(small, tmp_path: Path) -> None:
    """A payload in every user text field shows as text: never as markup in the
    map, and literally in the PDFs."""
    scenario, G, _plan = small
    hostile = dataclasses.replace(
        scenario, name=PAYLOAD,
        station=dataclasses.replace(scenario.station, name=PAYLOAD),
        villages=tuple(dataclasses.replace(v, name=PAYLOAD) for v in scenario.villages),
        teams=tuple(dataclasses.replace(t, name=PAYLOAD, members=(PAYLOAD, PAYLOAD))
                    for t in scenario.teams),
        households=tuple(dataclasses.replace(
            h, contact=PAYLOAD, notes=PAYLOAD, residents=tuple(
                dataclasses.replace(r, full_name=PAYLOAD, notes=PAYLOAD)
                for r in h.residents)) for h in scenario.households))
    plan, _, _ = plan_day(hostile, G, time_limit_s=0.5)
    render_all(attach_legs(plan, hostile, G), hostile, tmp_path)
    texts = _texts(tmp_path)
    html = texts["map.html"]
    assert "<script>alert(1)</script>" not in html
    assert "alert(1)" in html  # shown, as text
    pdf_text = "\n".join(t for n, t in texts.items() if n.endswith(".pdf"))
    assert "<script>alert(1)</script>" in pdf_text


def test_file_names_stay_in_the_output_folder(small, tmp_path: Path) -> None:
    """A team id made of path tricks cannot write outside the output folder."""
    scenario, G, _ = small
    tricky = dataclasses.replace(scenario, teams=tuple(
        dataclasses.replace(t, id="../../../tmp/evil") for t in scenario.teams))
    plan, _, _ = plan_day(tricky, G, time_limit_s=0.5)
    out = tmp_path / "out"
    written = render_all(attach_legs(plan, tricky, G), tricky, out)
    assert written
    for path in written:
        assert path.resolve().parent == out.resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
