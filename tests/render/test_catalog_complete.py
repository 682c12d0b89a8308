"""Vietnamese everywhere by default.

The catalog is complete (every message the code can show, extracted with
Babel's extractor, has a Vietnamese translation with the same placeholders,
in NFC) and compiled (the .mo holds what the .po says); Vietnamese reasons
carry the numbers of the English ones; and every command, run as a user runs
it (a subprocess, no --lang), prints no English words: ``day`` on the demo,
``campaign``, ``record`` with a good and a bad sheet, ``tomorrow``,
``staffing`` and ``check`` on a broken scenario (the commands that solve
nothing, ``check`` and ``record``, run in-process with click's runner). Short
solver limits keep the whole module to well under a minute of CPU.

Each item of "Vietnamese everywhere" is also checked in-process, cheaply:
every ``--help`` (Vietnamese by default, English with ``--lang en`` before
the command or ``PLANNER_LANG=en``), the outcomes template and the rejects
file, route titles ("T3 … (cán bộ đưa đón)", never "T3-shuttle"), ``roads
info``, a damaged graph's message, the timing rule's problems, and the demo's
name.
"""

from __future__ import annotations

import os
import re
import shutil
import string
import subprocess
import sys
import unicodedata
from io import BytesIO
from pathlib import Path

import click
import networkx as nx
import numpy as np
import pytest
import yaml
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner
from openpyxl import load_workbook

from planner.cli import cli
from planner.cli.helptext import HelpCommand, help_texts
from planner.day.timing import Schedule, TimedStop, timing_problems
from planner.domain import Unserved, Window
from planner.errors import Problem, RoadsError, msg
from planner.problem import VehicleSpec
from planner.render.i18n import (
    LOCALE_DIR,
    REASONS_NUMBERED,
    WINDOWS_DISJOINT_ALONE,
    error_text,
    gettext_for,
    message_text,
    number_values,
    reason_text,
    route_title,
)
from planner.roads.info import format_summary
from planner.roads.validate import graph_problem
from planner.state.sheet import COLUMNS, outcome_words, template_csv, template_xlsx, write_rejects

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
    (keywords ``_``, ``N_``, ``msg``…; the command line's help texts by
    ``planner.cli.helptext.extract_help``, as ``babel.cfg`` says) into a
    template in ``tmp_path``."""
    keywords = dict(DEFAULT_KEYWORDS, N_=None, msg=None)
    method_map = [("planner/cli/helptext.py", "planner.cli.helptext:extract_help"),
                  ("planner/**.py", "python"), ("planner/render/templates/**.html", "jinja2")]
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
                          capture_output=True, text=True, timeout=600,
                          env={k: v for k, v in os.environ.items() if k != "PLANNER_LANG"})


def _in_process(*args: str) -> subprocess.CompletedProcess:
    """``plan.py ARGS`` run in this process (click's runner: the same output,
    no interpreter to start), for the commands that solve nothing."""
    result = CliRunner().invoke(cli, list(args), env={"PLANNER_LANG": None})
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


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
    runs["check"] = _in_process("check", str(DATA / "scenarios" / "broken" / "unknown_village"))
    runs["day"] = _plan_py("day", str(ROOT / "scenarios" / "demo" / "scenario.yaml"), "--out",
                           str(tmp / "day"), "--time-limit", "0.5")
    campaign = tmp / "campaign"
    runs["campaign"] = _plan_py("campaign", str(SMALL), "--out", str(campaign), "--deadline",
                                "2026-11-27", "--time-limit", "0.1", "--draw", "none")
    good = tmp / "day1.csv"
    good.write_text("date,team,household_id,resident_id,outcome,note\n"
                    "2026-11-24,T1,H1,R1,refused,\n", encoding="utf-8")
    runs["record"] = _in_process("record", str(campaign), str(good), "--today", "2026-11-24")
    bad = tmp / "bad_rows.csv"
    shutil.copyfile(DATA / "outcomes" / "bad_rows.csv", bad)
    runs["record_bad"] = _in_process("record", str(campaign), str(bad), "--today", "2026-12-31")
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


# ---- each item of "Vietnamese everywhere" checked in-process, cheaply ----

VI_MARKS = r"[ạảấầậắằặẹẻếềệịọỏốồộớờợụủứừựỳỷđ]"


def _po_strings() -> dict[str, str]:
    with open(PO, "rb") as fh:
        po = read_po(fh)
    return {m.id: m.string for m in po if isinstance(m.id, str) and m.id and not m.fuzzy}


def _command_paths() -> list[list[str]]:
    """The arguments that show each command's help: ``plan.py``, every
    subcommand and every subcommand of a group (a group's own arguments filled in)."""
    before = {"decide": ["c"], "edit": ["c", "--date", "2026-11-24"]}
    paths = [[]]
    for name, command in cli.commands.items():
        paths.append([name])
        if isinstance(command, click.Group):
            paths += [[name, *before.get(name, []), sub] for sub in command.commands]
    return paths


def test_every_help_text_has_a_vietnamese_translation() -> None:
    """Every command is a ``HelpCommand``, and every help text of the command
    line (each paragraph and heading of a command's help, each option's help,
    click's own headings: ``help_texts``, which Babel extracts through
    ``babel.cfg``) has a Vietnamese msgstr in the .po."""
    strings = _po_strings()
    commands, todo = [], [cli]
    while todo:
        command = todo.pop()
        commands.append(command)
        todo += list(getattr(command, "commands", {}).values())
    assert [c.name for c in commands if not isinstance(c, HelpCommand)] == []
    texts = help_texts(cli)
    missing = [t for t in texts if not strings.get(t)]
    assert len(commands) > 25 and len(texts) > 100 and missing == [], missing[:5]
    with open(LOCALE_DIR / "babel.cfg", encoding="utf-8") as fh:
        assert "planner.cli.helptext:extract_help" in fh.read()


def test_help_is_vietnamese_by_default_and_english_on_request(monkeypatch) -> None:
    """``--help`` of ``plan.py`` and of every (sub)command, run in-process in
    the default language, is Vietnamese with no English word of the list;
    ``--lang en`` before the command or ``PLANNER_LANG=en`` gives English."""
    monkeypatch.delenv("PLANNER_LANG", raising=False)
    runner = CliRunner()
    for path in _command_paths():
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert result.output.startswith("Cách dùng:"), (path, result.output[:200])
        assert re.search(VI_MARKS, result.output)
        # a help shows its usage line, command names and metavars (OUTCOMES) as they are
        shown = re.sub(r"(?m)^Cách dùng: .*$|^  [\w-]+(?=  )|\b[A-Z][A-Z_]{2,}\b", " ",
                       result.output)
        assert _english(shown) == [], (path, _english(shown), result.output)
    english = runner.invoke(cli, ["--lang", "en", "record", "--help"]).output
    assert english.startswith("Usage:") and "Import OUTCOMES" in english
    assert "Show this message and exit." in english
    by_env = runner.invoke(cli, ["roads", "info", "--help"], env={"PLANNER_LANG": "en"}).output
    assert by_env.startswith("Usage:") and "Describe GRAPH" in by_env


def test_outcomes_template_and_rejects_are_vietnamese(tmp_path: Path) -> None:
    """The outcomes sheet (CSV header, .xlsx header, drop-down, help sheet) and
    the reasons of a rejects file hold no English word in the default
    language; in English the header is the column names."""
    header = template_csv([]).strip()
    assert _english(header) == [] and re.search(VI_MARKS, header)
    assert template_csv([], "en").strip() == ",".join(COLUMNS)
    wb = load_workbook(BytesIO(template_xlsx([])))
    texts = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if c.value] + [ws.title for ws in wb.worksheets] + outcome_words("vi")
    assert _english("\n".join(texts)) == [], texts
    target = tmp_path / "x.rejects.csv"
    problem = Problem("x.csv", "row 2, field outcome", msg("unknown outcome '{raw}'", raw="?"),
                      msg("use one of: {listing}{extra} (or in Vietnamese: {words})",
                          listing="enrolled", extra="", words="đã thu nhận"))
    write_rejects(target, [(2, {"date": "2026-11-24", "outcome": "?"})], [problem])
    text = target.read_text(encoding="utf-8-sig")
    assert _english(text) == [] and "cách sửa" in text, text


def test_route_titles_name_the_shuttle_officer_in_words() -> None:
    """A shuttle officer's route is "T3 Tổ 3 (cán bộ đưa đón)" / "T3 (shuttle
    officer)" (one function for every document), never its code "T3-shuttle"."""
    vi, en = gettext_for("vi"), gettext_for("en")
    assert route_title("T3", "shuttle", vi, "Tổ 3") == "T3 Tổ 3 (cán bộ đưa đón)"
    assert route_title("T3", "shuttle", en) == "T3 (shuttle officer)"
    assert route_title("T3", "", vi, "Tổ 3") == "T3 Tổ 3"


def test_roads_texts_are_vietnamese() -> None:
    """``roads info``'s summary, a damaged graph's message and the timing
    rule's problems come out in Vietnamese (no English word of the list, not
    the English text) and keep their numbers."""
    summary = {"name": "g", "source": "x.osm", "nodes": 1200, "edges": 2400,
               "km_by_class": {"track": 3.5}, "km_by_surface": {"dirt": 3.5},
               "elevation_m": (300, 1800), "elevation_source": "srtm",
               "steep_share_pct": 12.5, "fords": 2, "closed": 1, "components": 1,
               "largest_component": 1200}
    vi, en = format_summary(summary, gettext_for("vi")), format_summary(summary)
    labels = [(a, b) for a, b in zip(vi.splitlines(), en.splitlines(), strict=True)
              if not a.startswith("  ")]
    assert all(a != b for a, b in labels) and _digits(vi) == _digits(en), vi
    G = nx.MultiDiGraph()
    G.add_node(1, x=103.2, y=21.8)
    G.add_node(2)
    G.add_edge(1, 2, length=10.0)
    text = error_text(RoadsError(graph_problem(G, "g.graphml")), "vi")
    assert _english(text) == [] and re.search(VI_MARKS, text), text
    stops = (TimedStop(1, 600, ((30000, 31000),)),)
    problems = timing_problems(stops, np.array([[0, 900], [900, 0]]),
                               VehicleSpec("T1", 25200, 61200, 36000),
                               Schedule(20000, (20100,), 70000, ()))
    assert len(problems) >= 4
    for p in problems:
        said = message_text(p, gettext_for("vi"))
        assert said != str(p) and re.search(VI_MARKS, said) and _digits(said) == _digits(p)


def test_demo_scenario_name_is_vietnamese_and_says_what_is_fictional() -> None:
    """The demo's name is Vietnamese, says it is fictional ("hư cấu") and what
    is (people, names, roads), with no English in it."""
    name = yaml.safe_load((ROOT / "scenarios" / "demo" / "scenario.yaml")
                          .read_text(encoding="utf-8"))["name"]
    assert "hư cấu" in name and "người dân" in name and "đường" in name
    assert not re.search(r"(?i)\b(fictional|demo|generated|commune)\b", name), name


def test_lang_before_the_command_or_env_sets_every_output(monkeypatch) -> None:
    """``plan.py --lang en CMD`` and ``PLANNER_LANG=en`` make the command's
    own output English (its ``--lang`` default), the default stays Vietnamese,
    and a command's own ``--lang vi`` wins over the environment."""
    monkeypatch.delenv("PLANNER_LANG", raising=False)
    broken = str(DATA / "scenarios" / "broken" / "unknown_village")
    runner = CliRunner()
    assert runner.invoke(cli, ["--lang", "en", "check", broken]).output.startswith("error:")
    assert runner.invoke(cli, ["check", broken],
                         env={"PLANNER_LANG": "en"}).output.startswith("error:")
    assert runner.invoke(cli, ["check", broken]).output.startswith("lỗi:")
    assert runner.invoke(cli, ["check", broken, "--lang", "vi"],
                         env={"PLANNER_LANG": "en"}).output.startswith("lỗi:")


def test_clicks_own_messages_speak_the_command_lines_language(monkeypatch) -> None:
    """A usage error (an unknown option, a missing argument, a mistyped command)
    is worded by click itself: in Vietnamese by default, in English with
    --lang en; click's words are restored after each run."""
    monkeypatch.delenv("PLANNER_LANG", raising=False)
    runner = CliRunner()
    vi = runner.invoke(cli, ["day", "--nope"])
    assert vi.exit_code == 2
    assert "Không có tùy chọn '--nope'" in vi.output and "Lỗi:" in vi.output
    assert "Cách dùng:" in vi.output and "No such option" not in vi.output
    assert "Thiếu tham số 'SCENARIO'" in runner.invoke(cli, ["day"]).output
    assert "Không có lệnh 'dya'" in runner.invoke(cli, ["dya"]).output
    en = runner.invoke(cli, ["--lang", "en", "day", "--nope"])
    assert en.exit_code == 2 and "No such option '--nope'" in en.output
    assert click.exceptions._("Error: {message}") == "Error: {message}"  # restored


def test_a_bad_number_names_its_type_in_the_command_lines_language(monkeypatch) -> None:
    """A value that is not a number is told in words of the command line's
    language, the number type included (no English "float" or "integer" in
    the Vietnamese message), and in English with --lang en."""
    monkeypatch.delenv("PLANNER_LANG", raising=False)
    runner = CliRunner()
    vi = runner.invoke(cli, ["day", str(ROOT / "scenarios" / "demo" / "scenario.yaml"),
                             "--time-limit", "abc"])
    assert vi.exit_code == 2 and "'abc' không phải là số thực hợp lệ." in vi.output
    assert "float" not in vi.output
    en = runner.invoke(cli, ["--lang", "en", "day",
                             str(ROOT / "scenarios" / "demo" / "scenario.yaml"),
                             "--time-limit", "abc"])
    assert en.exit_code == 2 and "'abc' is not a valid float range." in en.output


def test_help_names_value_types_in_the_command_lines_language(monkeypatch) -> None:
    """An option's value shown by click's type name (INTEGER, FLOAT RANGE,
    TEXT, FOLDER) reads in Vietnamese words in the Vietnamese help, and the
    English help of the same process right after keeps click's names."""
    monkeypatch.delenv("PLANNER_LANG", raising=False)
    runner = CliRunner()
    vi = runner.invoke(cli, ["staffing", "--help"]).output
    assert "--runs SỐ NGUYÊN" in vi and "--wet-days SỐ THỰC" in vi and "--out THƯ MỤC" in vi
    assert not re.search(r"\b(INTEGER|FLOAT|TEXT|FOLDER)\b", vi)
    en = runner.invoke(cli, ["--lang", "en", "staffing", "--help"]).output
    assert "--runs INTEGER RANGE" in en and "--out FOLDER" in en
