"""Vietnamese everywhere by default.

The catalog is complete (every message the code can show, extracted with
Babel's extractor, has a Vietnamese translation with the same placeholders,
in NFC) and compiled (the .mo holds what the .po says); Vietnamese reasons
carry the numbers of the English ones; and every command, run as a user runs
it (a subprocess, no --lang), prints no English words: ``day`` on the demo,
``campaign``, ``record`` with a good and a bad sheet, ``tomorrow``,
``staffing`` and ``check`` on a broken scenario. Short solver limits keep the
whole module to about a minute of CPU.
"""

from __future__ import annotations

import re
import shutil
import string
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po

from planner.domain import Unserved, Window
from planner.render.i18n import (
    LOCALE_DIR,
    REASONS_NUMBERED,
    WINDOWS_DISJOINT_ALONE,
    number_values,
    reason_text,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SMALL = DATA / "scenarios" / "ok_small"
PO = LOCALE_DIR / "vi" / "LC_MESSAGES" / "messages.po"
MO = LOCALE_DIR / "vi" / "LC_MESSAGES" / "messages.mo"

# English words that must not reach a Vietnamese terminal (whole words, any case)
ENGLISH = ("refused", "row", "rows", "field", "fields", "must", "household", "households",
           "not found", "expected", "warning", "error", "missing", "unknown", "give", "check",
           "wrote", "done in", "reading", "planned", "served", "team", "teams", "residents",
           "unreachable", "shift", "collection point", "deadline", "visits", "outcome",
           "outcomes", "recorded", "imported", "village", "line", "column", "file", "folder")
# what a command line shows as it is: paths, file names, options, commands, the
# file's own keys and column names (campaign.deadline, villages:, column village), codes
VERBATIM = (r"`[^`]*`", r"\S*[/\\]\S*", r"\S+\.(?:csv|yaml|json|xlsx|pdf|gpx|kml|html|png|db)\b",
            r"--[\w-]+", r"python plan\.py[^›\n]*", r"\b\w+(?:\.\w+)+", r"\b\w+:(?!\S)",
            r"(?:các cột|cột|trường) [\w/]+",
            r"enrolled, not_home, refused, retry_needed, moved, deceased")


def _catalog(tmp_path: Path):
    """The messages of the source, extracted as ``pybabel extract`` does
    (keywords ``_``, ``N_``, ``msg``…) into a template in ``tmp_path``."""
    keywords = dict(DEFAULT_KEYWORDS, N_=None, msg=None)
    method_map = [("planner/**.py", "python"), ("planner/render/templates/**.html", "jinja2")]
    options = {"planner/render/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    # imported here: the Catalog class is needed only to write the template
    from babel.messages.catalog import Catalog

    template = Catalog(locale=None)
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, method_map, options, keywords=keywords):
        if filename.startswith("planner/"):
            template.add(message, None, [(filename, lineno)], auto_comments=comments,
                         context=context)
    pot = tmp_path / "messages.pot"
    with open(pot, "wb") as fh:
        write_po(fh, template)
    with open(pot, "rb") as fh:
        return read_po(fh)


def _fields(text: str) -> set[str]:
    return {f[1] for f in string.Formatter().parse(text) if f[1]}


def test_every_message_has_a_vietnamese_translation(tmp_path: Path) -> None:
    """Every msgid of the source has a non-empty Vietnamese msgstr in NFC that
    uses only placeholders of its msgid (a translation may leave one out, as
    English month names); no msgid is left to show in English."""
    with open(PO, "rb") as fh:
        po = read_po(fh)
    missing, wrong = [], []
    for message in _catalog(tmp_path):
        if not message.id:
            continue
        key = message.id
        entry = po.get(key)
        strings = ([entry.string] if isinstance(entry.string, str) else list(entry.string)) \
            if entry is not None else []
        if not strings or not all(strings) or (entry is not None and entry.fuzzy):
            missing.append(key)
            continue
        sources = [key] if isinstance(key, str) else list(key)  # singular and plural
        allowed = set().union(*(_fields(k) for k in sources))
        for text in strings:
            if unicodedata.normalize("NFC", text) != text or not _fields(text) <= allowed:
                wrong.append((sources[0], text))
    assert not missing, f"{len(missing)} messages without a Vietnamese msgstr: {missing[:10]}"
    assert not wrong, wrong[:10]


def test_no_message_hides_inside_an_f_string() -> None:
    """``f"{_('Park here')}"`` is invisible to the extractor (an f-string is one
    token), so its words never reach the catalog: no module writes one."""
    hidden = [f"{path.relative_to(ROOT)}:{n}"
              for path in sorted((ROOT / "planner").rglob("*.py"))
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if re.search(r"""\bf["'][^"']*\{(?:_|N_|msg|ngettext)\(["']""", line)]
    assert hidden == []


def test_compiled_catalog_is_up_to_date() -> None:
    """The .mo holds exactly the translations of the .po (run `pybabel compile
    -d planner/locale` after editing the .po)."""
    with open(PO, "rb") as fh:
        po = read_po(fh)
    with open(MO, "rb") as fh:
        mo = read_mo(fh)

    def pairs(catalog) -> set[tuple[str, tuple[str, ...]]]:
        return {(m.id if isinstance(m.id, str) else m.id[0],
                 (m.string,) if isinstance(m.string, str) else tuple(m.string))
                for m in catalog if m.id and m.string and not m.fuzzy}

    assert pairs(po) == pairs(mo)


def _digits(text: str) -> list[str]:
    return sorted(re.findall(r"\d+", text))


def test_vietnamese_reasons_carry_the_english_numbers(demo_day) -> None:
    """For every unserved household of the demo day (every reason code it
    has), the Vietnamese reason holds the same numbers as the English one; and
    every numbered reason code, filled with figures, keeps them in Vietnamese."""
    # imported here: the demo's windows per household, as the documents take them
    from planner.rules import entry_windows

    scenario, _graph, plan, _m, _p = demo_day
    households = {h.id: h for h in scenario.households}
    codes = set()
    for u in plan.unserved:
        h = households.get(u.household)
        windows = entry_windows(u, h)
        en, vi = reason_text(u, windows, "en"), reason_text(u, windows, "vi")
        assert _digits(en) == _digits(vi), (u.code, en, vi)
        codes.add(u.code)
    assert len(codes) >= 5, codes
    numbers = (("at_home_s", 1800), ("needed_s", 5400), ("there_at_s", 26000),
               ("shift_start_at_s", 25200), ("ride_s", 780), ("back_by_at_s", 61200),
               ("round_trip_s", 40000), ("max_work_s", 36000), ("walk_m", 4630),
               ("walk_limit_m", 4000), ("max_ride_s", 2700), ("passengers", 3), ("seats", 2),
               ("decision", 17), ("cause", 1), ("together_s", 1800), ("visit_at_s", 30000),
               ("visit_end_at_s", 34800))
    # a decision not honoured says its kind and cause in words (cause 1: no_team)
    values = dict(number_values(numbers), windows="06:30–07:00", kind="lock",
                  cause="no team works that day")
    for code, template in REASONS_NUMBERED.items():
        en = template.format(**values)
        vi = reason_text(Unserved("H1", en, code, numbers=numbers),
                         (Window(6 * 3600 + 1800, 7 * 3600),), "vi")
        assert _digits(en) == _digits(vi), (code, en, vi)
    alone = numbers + (("alone_s", 600), ("alone_needed_s", 4800))
    en = WINDOWS_DISJOINT_ALONE.format(**number_values(alone))
    vi = reason_text(Unserved("H1", en, "windows_disjoint", numbers=alone), (), "vi")
    assert _digits(en) == _digits(vi) and "10" in _digits(vi), (en, vi)


def _plan_py(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """``python plan.py ARGS`` as a user runs it (no --lang: the default)."""
    return subprocess.run([sys.executable, str(ROOT / "plan.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def _english(output: str) -> list[str]:
    """The English words of ``output`` once paths, options, commands and
    codes (shown as they are in every language) are taken out."""
    text = output
    for pattern in VERBATIM:
        text = re.sub(pattern, " ", text)
    return [w for w in ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text,
                                            re.IGNORECASE)]


@pytest.fixture(scope="module")
def terminal(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """Each command's run in the default language, by name."""
    tmp = tmp_path_factory.mktemp("vi")
    runs: dict[str, subprocess.CompletedProcess] = {}
    runs["check"] = _plan_py("check", str(DATA / "scenarios" / "broken" / "unknown_village"))
    runs["day"] = _plan_py("day", str(ROOT / "scenarios" / "demo" / "scenario.yaml"), "--out",
                           str(tmp / "day"), "--time-limit", "1")
    campaign = tmp / "campaign"
    runs["campaign"] = _plan_py("campaign", str(SMALL), "--out", str(campaign), "--deadline",
                                "2026-11-27", "--time-limit", "0.1", "--draw", "none")
    good = tmp / "day1.csv"
    good.write_text("date,team,household_id,resident_id,outcome,note\n"
                    "2026-11-24,T1,H1,R1,refused,\n", encoding="utf-8")
    runs["record"] = _plan_py("record", str(campaign), str(good), "--today", "2026-11-24")
    bad = tmp / "bad_rows.csv"
    shutil.copyfile(DATA / "outcomes" / "bad_rows.csv", bad)
    runs["record_bad"] = _plan_py("record", str(campaign), str(bad), "--today", "2026-12-31")
    runs["tomorrow"] = _plan_py("tomorrow", str(campaign), "--time-limit", "0.1")
    runs["staffing"] = _plan_py("staffing", str(SMALL), "--teams", "1", "--runs", "1",
                                "--time-limit", "0.05", "--fidelity", "sweep", "--workers",
                                "1", "--quiet", "--out", str(tmp / "staffing"))
    return runs


@pytest.mark.parametrize("command", ["check", "day", "campaign", "record", "record_bad",
                                     "tomorrow", "staffing"])
def test_every_command_speaks_vietnamese_by_default(terminal, command: str) -> None:
    """Each command's terminal (stdout and stderr, errors and warnings
    included) holds Vietnamese and no English word of the list, once paths,
    options, commands and outcome codes are set aside; exit 0, or 2 for a
    broken input."""
    run = terminal[command]
    output = run.stdout + run.stderr
    assert run.returncode == (2 if command in ("check", "record_bad") else 0), output
    assert "Traceback" not in output
    assert re.search(r"[ạảấầậắằặẹẻếềệịọỏốồộớờợụủứừựỳỷđ]", output), output
    assert _english(output) == [], (command, _english(output), output[-3000:])
