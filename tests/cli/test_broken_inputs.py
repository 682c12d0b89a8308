"""The corpus of broken inputs, through the real CLI: every case exits 2 (input)
or 3 (roads) with one message naming file › row/field › problem › fix, no
traceback, and writes no output.

Cases are files named after their defect:
- ``tests/data/scenarios/broken/*/`` (YAML, households CSV and XLSX), planned
  with ``plan.py day``; each folder's ``expect.txt`` names the file and field;
- ``tests/data/scenarios/broken_roads/*/``: a scenario whose road graph is broken;
- ``tests/data/outcomes/broken/*``: outcomes sheets, imported with ``plan.py record``;
- ``tests/data/roads/broken/*``: OSM files, imported with ``plan.py roads import``.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli

DATA = Path(__file__).resolve().parents[1] / "data"
ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((DATA / "scenarios" / "broken").iterdir())
ROAD_SCENARIOS = sorted((DATA / "scenarios" / "broken_roads").iterdir())
OUTCOMES = sorted((DATA / "outcomes" / "broken").iterdir())
ROADS = sorted((DATA / "roads" / "broken").iterdir())

# outcomes file -> words the message must hold besides the file name
OUTCOME_WHERE = {
    "conflicting_duplicate.csv": "row 3",
    "date_not_a_date.csv": "row 2, field date",
    "empty_file.csv": "empty",
    "missing_outcome_column.csv": "column 'outcome'",
    "not_utf8.csv": "UTF-8",
    "resident_in_other_household.csv": "row 2, field household_id",
    "unknown_outcome.csv": "row 3, field outcome",
    "unknown_resident.csv": "row 3, field resident_id",
    "unknown_team.csv": "row 2, field team",
    "xlsx_not_a_workbook.xlsx": "Excel",
    "date_before_campaign_start.csv": "row 2, field date › 2026-11-01 is before the campaign",
    "date_years_after_today.csv": "row 2, field date › 2091-11-24 is in the future",
    "date_does_not_exist.csv": "row 2, field date › 2026-02-30 does not exist",
    "date_day_first_does_not_exist.csv": "row 2, field date › 2026-11-31 does not exist",
    "enrolled_after_deceased.csv": "row 3, field outcome › resident R1 is recorded as "
                                   "'deceased'",
    "visit_after_moved.csv": "row 3, field outcome › resident R2 is recorded as 'moved'",
    "header_on_row_2.csv": "row 2 › the header",
    "duplicate_outcome_column.csv": "column 6 'Kết quả'",
}


def test_corpus_size() -> None:
    """At least 40 broken inputs across scenarios, tables, outcomes and roads."""
    assert len(SCENARIOS) + len(ROAD_SCENARIOS) + len(OUTCOMES) + len(ROADS) >= 40
    assert {p.name for p in OUTCOMES} == set(OUTCOME_WHERE)


def _check_message(output: str, file_name: str, where: str) -> None:
    assert "Traceback" not in output
    assert file_name in output
    assert where in output
    assert " › " in output


@pytest.mark.parametrize("case", SCENARIOS + ROAD_SCENARIOS, ids=lambda p: p.name)
def test_broken_scenario_plans_nothing(case: Path, tmp_path: Path) -> None:
    """``day`` on a broken scenario exits 2 (3 for its road graph), names file and
    field, and writes no plan. Lines of ``expect.txt`` after the second that
    start with ``!`` are words the message must not hold (a follow-on problem,
    a fix that cannot work)."""
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["day", str(case), "--out", str(out), "--lang", "en"])
    lines = (case / "expect.txt").read_text(encoding="utf-8").splitlines()
    file_name, where = lines[:2]
    assert result.exit_code == (3 if case.parent.name == "broken_roads" else 2), result.output
    _check_message(result.output, file_name, where)
    for line in lines[2:]:
        if line.startswith("! "):
            assert line[2:] not in result.output, result.output
    assert not out.exists() or not any(out.iterdir())


@pytest.fixture(scope="module")
def ok_campaign(tmp_path_factory) -> Path:
    """A campaign planned from the small valid scenario."""
    out = tmp_path_factory.mktemp("campaign") / "ok_small"
    result = CliRunner().invoke(cli, ["campaign", str(DATA / "scenarios" / "ok_small"),
                                      "--deadline", "2026-11-27", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _state(folder: Path) -> tuple[int, int]:
    with sqlite3.connect(folder / "campaign.db") as conn:
        return (conn.execute("SELECT count(*) FROM outcomes").fetchone()[0],
                conn.execute("SELECT count(*) FROM imports").fetchone()[0])


@pytest.mark.parametrize("case", OUTCOMES, ids=lambda p: p.name)
def test_broken_outcomes_change_nothing(case: Path, ok_campaign: Path, tmp_path: Path) -> None:
    """``record --all-or-nothing`` refuses a broken outcomes sheet as a whole:
    exit 2, the row and field named, and the campaign state unchanged."""
    campaign = tmp_path / "campaign"
    shutil.copytree(ok_campaign, campaign)
    sheet = tmp_path / case.name
    shutil.copyfile(case, sheet)
    before = _state(campaign)
    result = CliRunner().invoke(cli, ["record", str(campaign), str(sheet), "--today",
                                      "2026-12-31", "--all-or-nothing", "--lang", "en"])
    assert result.exit_code == 2, result.output
    _check_message(result.output, case.name, OUTCOME_WHERE[case.name])
    assert _state(campaign) == before == (0, 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["campaign", case.name]


@pytest.mark.parametrize("case", OUTCOMES, ids=lambda p: p.name)
def test_broken_outcome_rows_go_to_the_rejects_file(case: Path, ok_campaign: Path,
                                                    tmp_path: Path) -> None:
    """Without ``--all-or-nothing``, ``record`` names the same row and field; it
    either stores nothing (exit 2: a whole-file problem, or no valid row; the
    bad rows, if any, still in the rejects file to fix), or stores the valid
    rows (exit 0); the bad rows go to ``NAME.rejects.csv`` beside the sheet,
    each with its reason."""
    campaign = tmp_path / "campaign"
    shutil.copytree(ok_campaign, campaign)
    sheet = tmp_path / case.name
    shutil.copyfile(case, sheet)
    result = CliRunner().invoke(cli, ["record", str(campaign), str(sheet), "--today",
                                      "2026-12-31", "--lang", "en"])
    _check_message(result.output, case.name, OUTCOME_WHERE[case.name])
    rejects = sheet.with_name(sheet.stem + ".rejects.csv")
    if result.exit_code == 2:
        assert _state(campaign) == (0, 0)
    else:
        assert result.exit_code == 0, result.output
        assert _state(campaign)[0] > 0 and rejects.exists()
    if rejects.exists():
        text = rejects.read_text(encoding="utf-8-sig")
        assert len(text.strip().splitlines()) >= 2 and "reason" in text.splitlines()[0]


@pytest.mark.parametrize("case", ROADS, ids=lambda p: p.name)
def test_broken_road_files_leave_no_graph(case: Path, tmp_path: Path) -> None:
    """``roads import`` of a broken OSM file exits 3 with one message and leaves no
    file behind, neither where asked nor in maps/."""
    maps_before = sorted(p.name for p in (ROOT / "maps").iterdir())
    target = tmp_path / "graphs" / "broken.graphml"
    result = CliRunner().invoke(cli, ["roads", "import", str(case), "--out", str(target)])
    assert result.exit_code == 3, result.output
    _check_message(result.output, case.name, "")
    assert not target.exists()
    assert not target.parent.exists() or not any(target.parent.iterdir())
    assert sorted(p.name for p in (ROOT / "maps").iterdir()) == maps_before


def _truncate_half(db: Path) -> None:
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])


def _overwrite_header(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[:16] = b"not sqlite data!"
    db.write_bytes(bytes(data))


def _scramble_pages(db: Path) -> None:
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    for k in range(page, len(data) - page, page):  # every page but the first and last
        data[k:k + page] = bytes(range(256)) * (page // 256)
    db.write_bytes(bytes(data))


def _empty(db: Path) -> None:
    db.write_bytes(b"")


DAMAGES = {"truncated_half": _truncate_half, "header_overwritten": _overwrite_header,
           "pages_scrambled": _scramble_pages, "emptied": _empty}


@pytest.mark.parametrize("command", ["tomorrow", "record"])
@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_damaged_campaign_db_exit_3_names_file_and_recovery(
        damage: str, command: str, ok_campaign: Path, tmp_path: Path) -> None:
    """A damaged campaign.db (a real file, truncated or overwritten) makes
    ``tomorrow`` and ``record`` exit 3 — not "internal error" — naming the file
    and how to recover, and writes nothing."""
    campaign = tmp_path / "campaign"
    shutil.copytree(ok_campaign, campaign)
    with sqlite3.connect(campaign / "campaign.db") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm"):
        (campaign / f"campaign.db{suffix}").unlink(missing_ok=True)
    DAMAGES[damage](campaign / "campaign.db")
    before = sorted(p.relative_to(campaign) for p in campaign.rglob("*"))
    args = [str(campaign)] if command == "tomorrow" else \
        [str(campaign), str(DATA / "outcomes" / "every_kind.csv")]
    result = CliRunner().invoke(cli, [command, *args, "--lang", "en"])
    assert result.exit_code == 3, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    _check_message(result.output, "campaign.db", "damaged")
    assert "re-create the campaign" in result.output  # no copy kept yet: the other way
    after = sorted(p.relative_to(campaign) for p in campaign.rglob("*")
                   if not p.name.startswith("campaign.db-"))
    assert after == before


def test_a_graph_path_that_is_not_a_graph_is_not_called_missing(tmp_path: Path) -> None:
    """Loading a road graph from a path that exists but holds something else (an
    OSM file, a folder) says so (exit 3), not "not found"."""
    from planner.errors import RoadsError
    from planner.roads.io import load_graph

    osm = tmp_path / "commune.osm"
    osm.write_text("<osm version='0.6'></osm>\n", encoding="utf-8")
    for given in (osm, tmp_path):
        with pytest.raises(RoadsError) as err:
            load_graph(str(given))
        assert "exists but is not a road graph" in str(err.value)
        assert "not found" not in str(err.value)
        assert err.value.exit_code == 3


@pytest.mark.parametrize("given, words", [
    ("2026-02-30", "2026-02-30 does not exist: February 2026 has 28 days"),
    ("2026-13-01", "month 13 does not exist"),
    ("30/02/2026", "'30/02/2026' is not a date (write it as YYYY-MM-DD)"),
])
def test_date_option_says_the_day_does_not_exist(given: str, words: str,
                                                 tmp_path: Path) -> None:
    """``day --date`` with a day that does not exist says so (exit 2), instead of
    "does not match the format", and writes nothing."""
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["day", str(DATA / "scenarios" / "ok_small"),
                                      "--date", given, "--out", str(out), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "--date" in result.output and words in result.output
    assert "does not match the format" not in result.output
    assert not out.exists()


# --- hostile inputs made at run time (links, sizes, folders, disks), one per class ---

OK_SMALL = DATA / "scenarios" / "ok_small"


def _copy_ok_small(tmp_path: Path) -> Path:
    scenario = tmp_path / "scenario"
    shutil.copytree(OK_SMALL, scenario)
    return scenario


def households_link_to_a_system_file(tmp_path, monkeypatch, request):
    """A households.csv that is a symbolic link out of the scenario's folder."""
    scenario = _copy_ok_small(tmp_path)
    outside = tmp_path / "secret.csv"
    outside.write_text("root:x:0:0:SECRET-FIRST-LINE\n", encoding="utf-8")
    (scenario / "households.csv").unlink()
    (scenario / "households.csv").symlink_to(outside)
    return ["check", str(scenario)], 2, "households.csv", "symbolic link to a file outside"


def households_larger_than_the_limit(tmp_path, monkeypatch, request):
    """A households table over the size limit (PLANNER_MAX_INPUT_MB)."""
    monkeypatch.setenv("PLANNER_MAX_INPUT_MB", "0.0001")  # 104 bytes
    return (["check", str(_copy_ok_small(tmp_path))], 2, "scenario.yaml",
            "PLANNER_MAX_INPUT_MB")


def households_is_a_folder(tmp_path, monkeypatch, request):
    """``households:`` names a folder."""
    scenario = _copy_ok_small(tmp_path)
    (scenario / "households.csv").unlink()
    (scenario / "households.csv").mkdir()
    return ["check", str(scenario)], 2, "households.csv", "is a folder, not a file"


def time_limit_not_a_number(tmp_path, monkeypatch, request):
    """``--time-limit nan`` (click's own range lets NaN through)."""
    return (["day", str(OK_SMALL), "--time-limit", "nan", "--out", str(tmp_path / "out")], 2,
            "--time-limit", "not a finite number")


def out_is_a_file(tmp_path, monkeypatch, request):
    """``--out`` names a file."""
    target = tmp_path / "out"
    target.write_text("a file\n", encoding="utf-8")
    return (["day", str(OK_SMALL), "--out", str(target)], 2, "--out",
            "is a file, not a folder; give a folder")


def overwrite_onto_a_folder_named_like_an_output(tmp_path, monkeypatch, request):
    """``--overwrite`` into a folder where a folder stands at ``plan.json``."""
    (tmp_path / "out" / "plan.json").mkdir(parents=True)
    return (["day", str(OK_SMALL), "--out", str(tmp_path / "out"), "--overwrite"], 2,
            "plan.json", "is a folder where an output file")


def out_folder_not_writable(tmp_path, monkeypatch, request):
    """The folder ``--out`` would be made in may not be written (as an
    ordinary user would see it; the suite may run as root, so access is denied
    through ``os.access``)."""
    parent = tmp_path / "locked"
    parent.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == parent
                        else real_access(p, mode, **kw))
    return (["day", str(OK_SMALL), "--out", str(parent / "out")], 2, "--out",
            "is a folder you may not write in")


def disk_full_while_writing(tmp_path, monkeypatch, request):
    """The disk fills up while the plan is written (ENOSPC from the system)."""
    import planner.atomic

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(planner.atomic.os, "fsync", full)
    return (["day", str(OK_SMALL), "--out", str(tmp_path / "out"), "--time-limit", "0.2",
             "--lang", "en"], 2, "plan.json", "the disk is full")


def out_folder_refuses_the_first_file(tmp_path, monkeypatch, request):
    """The system refuses to create the first output file (permission denied
    after the folder checks passed: a network share, an antivirus lock)."""
    import planner.atomic

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", "/x/.plan.json.tmp")

    monkeypatch.setattr(planner.atomic.tempfile, "mkstemp", denied)
    return (["day", str(OK_SMALL), "--out", str(tmp_path / "out")], 2, "plan.json",
            "không có quyền truy cập")


def campaign_folder_read_only(tmp_path, monkeypatch, request):
    """A campaign folder that may not be written (its database intact)."""
    campaign = tmp_path / "campaign"
    shutil.copytree(request.getfixturevalue("ok_campaign"), campaign)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False
                        if Path(p) == campaign and mode & os.W_OK
                        else real_access(p, mode, **kw))
    return ["tomorrow", str(campaign)], 3, "campaign.db", "read-only"


def campaign_db_refuses_writes(tmp_path, monkeypatch, request):
    """SQLite itself says the database cannot be written (a read-only mount,
    a locked-down folder): told as read-only, not as damage."""
    import sqlite3

    import planner.state.db

    campaign = tmp_path / "campaign"
    shutil.copytree(request.getfixturevalue("ok_campaign"), campaign)

    def refuse(path):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(planner.state.db, "connect", refuse)
    return ["tomorrow", str(campaign)], 3, "campaign.db", "the database itself is intact"


def campaign_folder_is_a_file(tmp_path, monkeypatch, request):
    """``tomorrow`` given a file where the campaign folder is expected."""
    target = tmp_path / "campaign"
    target.write_text("not a folder\n", encoding="utf-8")
    return (["tomorrow", str(target)], 2, "campaign",
            "is a file, not a campaign folder; give the folder made by")


def plan_file_is_a_folder(tmp_path, monkeypatch, request):
    """``render`` given a folder where the plan.json is expected."""
    return (["render", str(tmp_path)], 2, str(tmp_path),
            "is a folder, not a file; give the path of the file inside it")


HOSTILE = [households_link_to_a_system_file, households_larger_than_the_limit,
           households_is_a_folder, time_limit_not_a_number, out_is_a_file,
           overwrite_onto_a_folder_named_like_an_output, out_folder_not_writable,
           disk_full_while_writing, out_folder_refuses_the_first_file,
           campaign_folder_read_only, campaign_db_refuses_writes,
           campaign_folder_is_a_file, plan_file_is_a_folder]


@pytest.mark.parametrize("case", HOSTILE, ids=lambda f: f.__name__)
def test_hostile_input_refused_in_one_message(case, tmp_path: Path, monkeypatch,
                                              request) -> None:
    """Each hostile input (named after its defect) is refused with the right
    exit code (2 input, 3 state), one message naming the file or option, the
    problem and a fix; no traceback, no "internal error", no "damaged", never
    a word of a file it refused to read, and no output file written."""
    args, code, name, words = case(tmp_path, monkeypatch, request)
    # the messages in the language of the words expected (Vietnamese is the default)
    english = words.isascii() and args[0] != "roads"
    result = CliRunner().invoke(cli, args + (["--lang", "en"] if english else []))
    output = result.output
    assert result.exit_code == code, output
    assert "Traceback" not in output and "internal error" not in output, output
    assert "damaged" not in output and "SECRET" not in output, output
    assert name in output and words in output, output
    assert sum(output.count(w) for w in ("error:", "Error:", "lỗi:")) == 1, output
    out = tmp_path / "out"
    written = [p for p in out.rglob("*") if p.is_file()] if out.is_dir() else []
    assert written == [], written


def test_os_error_words_in_both_languages() -> None:
    """An operating-system error is told in Vietnamese by default and in
    English on request, naming the file meant; an unknown error keeps the
    system's reason (never a traceback)."""
    from planner.app.outputs import os_error_problem

    full = OSError(errno.ENOSPC, "No space left on device", "/d/plan.json")
    assert str(os_error_problem(full)).startswith("/d/plan.json › ổ đĩa đã đầy")
    assert "the disk is full" in str(os_error_problem(full, "en"))
    busy = OSError(errno.EBUSY, "Device or resource busy", "/d/map.html")
    assert "the operating system refused: Device or resource busy" in \
        str(os_error_problem(busy, "en"))


def test_no_and_false_as_text_are_false(tmp_path: Path) -> None:
    """``fictional: "no"`` (a quoted no) is read as false, as documented; it is
    never true."""
    from planner.scenario import load_scenario

    scenario = _copy_ok_small(tmp_path)
    path = scenario / "scenario.yaml"
    for text in ('"no"', '"false"', "'No'", '"không"'):
        path.write_text(OK_SMALL.joinpath("scenario.yaml").read_text(encoding="utf-8")
                        .replace("fictional: true", f"fictional: {text}"), encoding="utf-8")
        loaded, _ = load_scenario(path, check_roads=False)
        assert loaded.fictional is False, text


def _limited() -> None:
    """In the child: at most 2 GB of address space (a guard: an alias bomb
    expanded, or an endless device read, would take far more)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


@pytest.mark.parametrize("defect", ["yaml_alias_bomb", "households_endless_device",
                                    "households_is_a_fifo", "outcomes_sheet_is_a_fifo",
                                    "plan_file_is_an_endless_device"])
def test_bombs_refused_before_reading(defect: str, tmp_path: Path) -> None:
    """An alias bomb, an endless device (/dev/zero) and a FIFO with no writer as
    the households file (``check``), the outcomes sheet (``record``) or the
    plan file (``render``) are
    refused (exit 2, one message) before
    their content is read: the run ends (a 120 s guard, not a timing assert:
    reading /dev/zero never ends, a FIFO never opens) with a peak memory under
    200 MB, in a child process limited to 2 GB."""
    import subprocess
    import sys

    env = dict(os.environ, PLANNER_ALLOW_OUTSIDE_LINKS="1")  # the device, not the link
    command = ["check"]
    if defect == "yaml_alias_bomb":
        scenario = DATA / "scenarios" / "broken" / defect
    elif defect == "plan_file_is_an_endless_device":  # ``render /dev/zero``
        command, scenario = ["render"], Path("/dev/zero")
    elif defect == "outcomes_sheet_is_a_fifo":  # ``record CAMPAIGN SHEET``: the sheet first
        os.mkfifo(tmp_path / "outcomes.csv")
        command, scenario = ["record", str(tmp_path / "campaign")], tmp_path / "outcomes.csv"
    else:
        scenario = _copy_ok_small(tmp_path)
        (scenario / "households.csv").unlink()
        if defect == "households_is_a_fifo":
            os.mkfifo(scenario / "households.csv")
        else:
            (scenario / "households.csv").symlink_to("/dev/zero")
    # the peak resident memory (VmHWM) of the child alone: reset at its start
    # (a forked child inherits the parent's peak), read at its exit
    code = ("import atexit, runpy, sys\n"
            "open('/proc/self/clear_refs', 'w').write('5')\n"
            "peak = lambda: [l.split()[1] for l in open('/proc/self/status') "
            "if l.startswith('VmHWM')][0]\n"
            "atexit.register(lambda: sys.stderr.write('\\npeak_kb=%s\\n' % peak()))\n"
            f"sys.argv = ['plan.py', *{command!r}, {str(scenario)!r}, '--lang', 'en']\n"
            "runpy.run_path('plan.py', run_name='__main__')\n")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_limited)
    try:
        _out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"{defect}: still running after 120 s")
    err, _, peak = err.rpartition("peak_kb=")
    assert proc.returncode == 2, err
    assert "Traceback" not in err and err.count("error:") == 1, err
    words = {"yaml_alias_bomb": "aliases (*name) there expand to more than",
             "households_endless_device": "is a device, not a file; it was not read",
             "households_is_a_fifo": "is a pipe (FIFO), not a file; it was not read",
             "outcomes_sheet_is_a_fifo": "is a pipe (FIFO), not a file; it was not read",
             "plan_file_is_an_endless_device": "is a device, not a file; it was not read",
             }[defect]
    assert words in err, err
    assert int(peak) < 200 * 1024, peak  # kB
