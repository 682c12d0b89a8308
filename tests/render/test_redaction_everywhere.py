"""Redaction on every path: every file every command writes with ``--redact``
(``day``, ``render``, ``campaign --draw first`` and ``--draw all``,
``tomorrow``, a province's ``campaign``, ``record --template``, in Vietnamese
and English) holds no full name, phone number or ID number, and no condition
next to a resident's initials; redacted documents say "names hidden"; the
staffing outputs hold nobody at all.

Coverage: every file found in those folders is one of ``planner.privacy.OUTPUTS``
(or the private state), every output listed there is produced by one of the
runs, and every module of ``planner/`` that writes a file is listed there (or in
``NOT_OUTPUTS``): a new writer that nobody listed fails this test.

Real solves with short time limits on a copy of the small scenario with
residents whose conditions the documents must hide (postpartum, bedridden,
disabled), their phone numbers, ID numbers and notes, and a GENERATED province.
"""

from __future__ import annotations

import ast
import csv
import fnmatch
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner import privacy
from planner.cli import cli
from planner.render.i18n import BRING, CONDITION_LABELS, gettext_for
from planner.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "scenarios" / "ok_small"
EXTRA = [  # household, village, lon, lat, contact, resident, name, condition, …, id, note
    ("H15", "TT", 103.2120, 21.8225, "0987654321", "R15", "Hoàng Thị Sinh", "postpartum",
     "40", "001234567890", "mới sinh con"),
    ("H16", "TT", 103.2100, 21.8200, "0911222333", "R16", "Vàng A Dinh", "bedridden", "35",
     "001234567891", "nằm một chỗ"),
    ("H17", "HCM", 103.1960, 21.8465, "0977888999", "R17", "Sùng Thị Chở", "postpartum", "20",
     "001234567892", ""),
    ("H18", "HCM", 103.1945, 21.8480, "", "R18", "Mùa A Páo", "disabled", "25",
     "001234567893", "chân yếu"),
    ("H19", "TT", 103.2110, 21.8215, "0966555444", "R19", "Lầu Thị Mai", "elderly", "15",
     "001234567894", ""),
]
CAMPAIGN = ["--deadline", "2026-11-30", "--time-limit", "0.1", "--quiet"]


def _scenario(folder: Path) -> Path:
    """ok_small with five more residents to hide, every one with an ID number,
    and a team whose morning shift cannot hold them all (several days, and a
    home visit left for capacity on the first: a reason naming a priority)."""
    shutil.copytree(SMALL, folder)
    path = folder / "households.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    for k, row in enumerate(rows[1:]):
        row[head.index("id_number")] = f"0381{k:08d}"
    for hid, village, lon, lat, contact, rid, name, cond, waited, number, note in EXTRA:
        row = dict(household_id=hid, village=village, lon=lon, lat=lat, contact=contact,
                   resident_id=rid, full_name=name, condition=cond, available="",
                   mode="home", waiting_days=waited, id_number=number, notes=note)
        rows.append([str(row[c]) for c in head])
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    yaml = folder / "scenario.yaml"
    text = yaml.read_text(encoding="utf-8")
    for old, new in (('shift: "07:00-17:00"', 'shift: "07:00-12:00"'),
                     ('lunch: "11:00-13:30"', 'lunch: "11:30-12:00"'),
                     ("lunch_min: 60", "lunch_min: 20"), ("max_work_h: 9.5", "max_work_h: 5")):
        assert old in text
        text = text.replace(old, new)
    yaml.write_text(text, encoding="utf-8")
    return folder


def _run(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, (args, result.output)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> tuple[Path, list, list[Path], Path]:
    """Every command run once into its own folder: (root, the scenarios whose
    people must not show, the redacted folders, the staffing folders' parent)."""
    from benchmarks.generated_province import write_province

    root = tmp_path_factory.mktemp("redaction")
    small = _scenario(root / "scenario")
    province = root / "province"
    write_province(province, households=20, commune_households=10, area_communes=2)
    scenarios = [load_scenario(small)[0]]
    scenarios += [load_scenario(p.parent)[0] for p in sorted(province.glob("*/*/scenario.yaml"))]
    out = root / "out"
    for lang in ("vi", "en"):
        _run("day", str(small), "--out", str(out / f"day-{lang}"), "--time-limit", "0.2",
             "--redact", "--lang", lang)
        _run("campaign", str(small), "--out", str(out / f"first-{lang}"), *CAMPAIGN,
             "--draw", "first", "--redact", "--lang", lang)
    _run("render", str(out / "day-vi" / "plan.json"), "--out", str(out / "render-en"),
         "--redact", "--lang", "en")
    _run("campaign", str(small), "--out", str(out / "all-vi"), *CAMPAIGN, "--draw", "all",
         "--redact")
    _run("tomorrow", str(out / "all-vi"), "--date", "2026-11-25", "--time-limit", "0.1",
         "--redact")
    _run("campaign", str(province), "--out", str(out / "province-en"), "--workers", "1",
         "--time-limit", "0.1", "--redact", "--lang", "en", "--quiet")
    _run("record", str(out / "first-vi"), "--template", "--date", "2026-11-24", "--redact")
    staffing = root / "staffing"
    _run("staffing", str(small), "--teams", "1", "--runs", "2", "--workers", "1",
         "--time-limit", "0.05", "--deadline", "2026-11-30", "--out", str(staffing / "small"),
         "--quiet")
    _run("staffing", str(province), "--teams", "1", "--runs", "1", "--workers", "1",
         "--time-limit", "0.05", "--deadline", "2026-12-31", "--out",
         str(staffing / "province"), "--quiet")
    return root, scenarios, sorted(p for p in out.iterdir() if p.is_dir()), staffing


def _text(path: Path) -> str | None:
    """A file's text for a reader: PDFs through pdftotext, .xlsx cell by cell,
    HTML unescaped; None for a picture."""
    if path.suffix == ".png":
        return None
    if path.suffix == ".pdf":
        if shutil.which("pdftotext") is None:
            pytest.skip("pdftotext (poppler-utils) is not installed")
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
    elif path.suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        text = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows()
                         for c in row if c.value is not None)
    else:
        text = path.read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", html.unescape(text))


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _private(path: Path) -> bool:
    return any(fnmatch.fnmatch(path.name, p) for p in privacy.PRIVATE_FILES)


def _registered(path: Path) -> list[privacy.Output]:
    return [o for o in privacy.OUTPUTS if fnmatch.fnmatch(path.name, o.pattern)]


CONDITION_WORDS = sorted({w.lower() for lang in ("vi", "en") for w in (
    *(gettext_for(lang)(label) for c, label in CONDITION_LABELS.items() if c != "able"),
    *(gettext_for(lang)(hint) for hint in BRING.values() if hint),
    "bedridden", "disabled", "elderly", "postpartum")})
"""Words that give a condition away, in both languages (labels, what to bring)."""


def leaks(text: str, scenarios) -> list[str]:
    """What ``text`` shows that a shareable copy must not: a full name (a
    resident's or an officer's), a phone number, an ID number, or a
    condition word within 160 characters of a resident's initials."""
    found = []
    low = text.lower()
    for sc in scenarios:
        for name in (re.sub(r"\s*\(.*\)", "", m) for t in sc.teams for m in t.members):
            if len(name.split()) > 1 and name in text:  # (generated officers are "A", "B")
                found.append(f"officer {name}")
        for h in sc.households:
            if h.contact and h.contact in text:
                found.append(f"phone of {h.id}")
            for r in h.residents:
                if r.full_name in text:
                    found.append(f"name of {r.id}")
                if r.id_number and r.id_number in text:
                    found.append(f"ID number of {r.id}")
                if r.condition == "able":
                    continue
                mark = privacy.initials(r.full_name)
                for m in re.finditer(rf"(?<![\w.]){re.escape(mark)}(?!\w)", text):
                    near = low[max(0, m.start() - 160):m.end() + 160]
                    found += [f"{word!r} near {mark} ({r.id})" for word in CONDITION_WORDS
                              if word in near]
    return found


def test_no_redacted_output_shows_a_person(outputs) -> None:
    """Every file of every redacted run (both languages, --draw first and all,
    tomorrow, the province, the outcomes sheet) and of the staffing runs: no
    full name, phone, ID number, nor a condition beside initials."""
    _root, scenarios, folders, staffing = outputs
    problems = []
    for path in [f for d in [*folders, staffing] for f in _files(d)]:
        if _private(path):
            continue
        text = _text(path)
        if text is not None:
            problems += [f"{path.relative_to(_root)}: {leak}" for leak in leaks(text, scenarios)]
    assert not problems, "\n".join(problems[:40])


def test_redacted_documents_say_names_hidden(outputs) -> None:
    """Every redacted map, itinerary and notice (drawn days and the notices of
    days not drawn alike) carries the "names hidden" banner in its language."""
    _root, _scenarios, folders, _staffing = outputs
    banners = {lang: gettext_for(lang)("Shareable copy: names hidden") for lang in ("vi", "en")}
    checked = 0
    for folder in folders:
        lang = "en" if folder.name.endswith("-en") else "vi"
        for path in _files(folder):
            if path.suffix in (".pdf", ".html"):
                checked += 1
                assert banners[lang] in (_text(path) or ""), path
    undrawn = [p for p in (folders[0].parent / "first-vi" / "days").glob("*/notices.pdf")
               if not (p.parent / "map.html").exists()]
    assert undrawn and checked > len(undrawn)


def test_the_leak_check_finds_a_leak(outputs) -> None:
    """The check is not blind: a popup pairing initials with a condition, a
    full name and an ID number are each found."""
    _root, scenarios, _folders, _staffing = outputs
    r = next(r for h in scenarios[0].households for r in h.residents
             if r.condition == "postpartum")
    popup = f"<li>{privacy.initials(r.full_name)} · priority (postpartum)</li>"
    assert leaks(popup, scenarios) and leaks(r.full_name, scenarios)
    assert leaks(f"CCCD {r.id_number}", scenarios)


def test_every_file_written_is_a_registered_output(outputs) -> None:
    """Every file in the runs' folders is a listed output (or the private
    state), and every listed output was written by one of the runs."""
    root, _scenarios, folders, staffing = outputs
    files = [f for d in [*folders, staffing] for f in _files(d)]
    unknown = [str(f.relative_to(root)) for f in files if not _private(f) and not _registered(f)]
    assert not unknown, f"files not in planner.privacy.OUTPUTS: {unknown}"
    seen = {o.pattern for f in files for o in _registered(f)}
    assert seen | set(CONDITIONAL) == {o.pattern for o in privacy.OUTPUTS}


CONDITIONAL = {"corrections-*.txt": "written only when an announced point cannot be kept; "
                                    "test_correction_notice_shows_initials checks it"}
"""Outputs the runs above need not produce, each checked by its own test."""


def test_correction_notice_shows_initials(outputs) -> None:
    """The correction notice of a changed announced point, redacted, names the
    residents to tell by initials only (both languages); unredacted, by name."""
    from planner.campaign.corrections import correction_text

    _root, scenarios, _folders, _staffing = outputs
    scenario = scenarios[0]
    h = next(h for h in scenario.households if any(r.condition != "able"
                                                   for r in h.residents))
    change = {"date": "2026-11-26", "village": h.village_id, "place": "nhà văn hoá",
              "opens": "12:00", "closes": "13:30", "households": [h.id], "new": None,
              "residents": [r.id for r in h.residents]}
    for lang in ("vi", "en"):
        shared = correction_text([change], scenario, lang, redact=True)
        assert not leaks(shared, scenarios), leaks(shared, scenarios)
        assert all(privacy.initials(r.full_name) in shared for r in h.residents)
        assert all(r.full_name in correction_text([change], scenario, lang)
                   for r in h.residents)


WRITES = {"write_atomic", "write_text", "write_bytes", "savefig", "save", "save_graphml",
          "backup", "writer", "DictWriter", "Workbook"}
"""Calls that write a file (or build a spreadsheet or CSV)."""


def _writer_calls(tree: ast.AST) -> list[ast.Call]:
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            mode = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
            if name in WRITES or (name == "open" and mode and str(mode[0])[:1] in "wax"):
                calls.append(node)
    return calls


def _literal_name(node: ast.AST) -> str | None:
    """The file name a path expression ends with (``out / f"map-{t}.html"`` →
    ``map-*.html``), when it is written in the code."""
    while isinstance(node, ast.BinOp):
        node = node.right
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "*" for v in node.values)
    return None


def test_every_module_that_writes_is_registered() -> None:
    """Each module of planner/ that writes a file is a writer in
    ``privacy.OUTPUTS`` or says why in ``privacy.NOT_OUTPUTS``; a file name
    written in the code is a listed output of that module; only
    ``planner.privacy`` makes a CSV writer (the one that neutralises cells)."""
    writers = {o.writer for o in privacy.OUTPUTS} | set(privacy.NOT_OUTPUTS)
    problems = []
    for path in sorted((ROOT / "planner").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        calls = _writer_calls(ast.parse(path.read_text(encoding="utf-8")))
        if not calls:
            continue
        if module not in writers:
            problems.append(f"{module} writes files but is not in planner.privacy.OUTPUTS")
        for call in calls:
            name = call.func.attr if isinstance(call.func, ast.Attribute) else ""
            if name in ("writer", "DictWriter") and module != "planner.privacy":
                problems.append(f"{module}:{call.lineno} makes its own CSV writer: use "
                                "planner.privacy.csv_text")
            literal = _literal_name(call.args[0]) if call.args and getattr(
                call.func, "id", "") == "write_atomic" else None
            if literal and not any(o.writer == module and (
                    o.pattern == literal or fnmatch.fnmatch(literal, o.pattern))
                    for o in privacy.OUTPUTS):
                problems.append(f"{module}:{call.lineno} writes {literal}, not listed for it "
                                "in planner.privacy.OUTPUTS")
    assert not problems, "\n".join(problems)
