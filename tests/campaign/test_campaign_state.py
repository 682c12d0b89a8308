"""The campaign state (SQLite), the outcomes sheet and re-planning from outcomes.

Real SQLite files and real solves on the FICTIONAL demo (short time limits).
The fixture ``tests/data/outcomes/every_kind.csv`` holds every outcome kind;
the scenario used here allows 2 attempts and waits 2 days before a retry.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.errors import InputError
from planner.state import db as state
from planner.state.record import record_outcomes as _record
from planner.state.schema import OUTCOMES, SCHEMA_VERSION
from planner.state.store import run_campaign as _run_campaign
from planner.state.tomorrow import run_tomorrow as _run_tomorrow

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo"
DATA = Path(__file__).resolve().parents[1] / "data" / "outcomes"
LIMIT_S = 0.2
DAY1, DAY2 = dt.date(2026, 11, 24), dt.date(2026, 11, 25)
#: The date and time the tests record and plan at (after every visit they
#: record), so that they pass whatever the machine's date.
TODAY = dt.date(2026, 12, 31)
NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)
NEW_ROW = ("NK-9001,TT,103.212,21.823,,R99001,Lò Văn Mới,bedridden,,home,0,"
           "999000000001,added after the campaign started\n")


def record_outcomes(folder: Path, sheet: Path):
    """``record_outcomes`` on ``TODAY`` at ``NOW``."""
    return _record(folder, sheet, today=TODAY, now=NOW)


def run_campaign(*args, **kwargs):
    """``run_campaign`` at ``NOW``."""
    return _run_campaign(*args, now=NOW, **kwargs)


def run_tomorrow(*args, **kwargs):
    """``run_tomorrow`` at ``NOW``."""
    return _run_tomorrow(*args, now=NOW, **kwargs)


def _scenario(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    # NK-0357's two residents are home at any time here, so that the test has a
    # household of two that a team can visit
    rows = (DEMO / "households.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    for k, row in enumerate(rows):
        if row.startswith("NK-0357,"):
            cells = row.split(",")
            cells[8] = ""  # available
            rows[k] = ",".join(cells)
    (folder / "households.csv").write_text("".join(rows), encoding="utf-8")
    text = (DEMO / "scenario.yaml").read_text(encoding="utf-8")
    # the campaign starts on Saturday 21 (an outcome may be recorded that day),
    # Monday 23 is a holiday, so the first planned day is still Tuesday 24
    text += ("campaign:\n  start: 2026-11-21\n  holidays: [2026-11-23]\n"
             "  deadline: 2026-12-11\n  max_attempts: 2\n  retry_after_days: 2\n")
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    return folder / "scenario.yaml"


def _dump(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    rows = []
    for table in ("households", "residents", "planned_visits", "imports", "outcomes",
                  "plan_runs", "meta"):
        rows += [(table, *r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
    conn.close()
    return rows


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> tuple[Path, Path]:
    """A planned demo campaign: (campaign folder, scenario path)."""
    base = tmp_path_factory.mktemp("campaign")
    scenario = _scenario(base / "scenario")
    out = base / "out"
    run = run_campaign(scenario, out, time_limit_s=LIMIT_S)
    assert run.result.days and run.result.days[0].date == DAY1
    return out, scenario


def test_state_file_has_schema_version_wal_and_foreign_keys(campaign) -> None:
    """campaign.db records its schema version, runs in WAL mode, enforces foreign keys."""
    out, _ = campaign
    conn = state.open_campaign(out)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(sqlite3.IntegrityError):
        with state.transaction(conn):
            conn.execute("INSERT INTO residents VALUES ('X', 'NO-SUCH-HH', 'able', 'home', "
                         "'2026-01-01')")
    conn.close()


def test_bad_rows_refuse_the_whole_file(campaign) -> None:
    """With --all-or-nothing, a file with bad rows stores nothing and names every
    bad row with its reason."""
    out, _ = campaign
    before = _dump(out / state.DB_NAME)
    result = CliRunner().invoke(cli, ["record", "--lang", "en", str(out),
                                      str(DATA / "bad_rows.csv"),
                                      "--today", TODAY.isoformat(), "--all-or-nothing"])
    assert result.exit_code == 2
    message = result.output
    for row, word in ((3, "does not exist"), (4, "unknown team"), (5, "unknown resident"),
                      (6, "lives in household"), (7, "unknown outcome"),
                      (8, "already has a row")):
        assert f"row {row}" in message and word in message
    assert "Traceback" not in message
    assert _dump(out / state.DB_NAME) == before


def test_every_kind_then_second_import_is_a_no_op(campaign) -> None:
    """All nine rows go in; importing the same file again changes nothing at all."""
    out, _ = campaign
    first = record_outcomes(out, DATA / "every_kind.csv")
    assert (first.status, first.new) == ("imported", 9)
    after_first = _dump(out / state.DB_NAME)
    second = record_outcomes(out, DATA / "every_kind.csv")
    assert second.status == "already"
    assert (second.previous, second.previous_at[:2]) == ("every_kind.csv", "20")  # name, ISO time
    assert _dump(out / state.DB_NAME) == after_first
    kinds = {o.outcome for o in state.outcomes(state.open_campaign(out))}
    assert kinds == set(OUTCOMES)


def test_tomorrow_applies_the_replanning_rules(campaign) -> None:
    """After every_kind.csv, tomorrow's re-plan follows item 4 of the issue exactly."""
    out, scenario = campaign
    if not state.outcomes(state.open_campaign(out)):
        record_outcomes(out, DATA / "every_kind.csv")
    conn = state.open_campaign(out)
    day1_planned = {h for d, h, _ in state.planned_visits(conn) if d == DAY1}
    conn.close()
    first = json.loads((out / "campaign.json").read_text(encoding="utf-8"))
    announced = {(p["date"], p["village"]) for p in first["point_days"]
                 if p["announce_by"] < DAY2.isoformat()}
    assert announced  # the points of 2026-11-26 were announced on 2026-11-24
    with open(scenario.parent / "households.csv", "a", encoding="utf-8") as fh:
        fh.write(NEW_ROW)  # a household added to the scenario since
    run = run_tomorrow(out, DAY2, time_limit_s=LIMIT_S)
    result, st = run.result, run.state
    assert st is not None
    tomorrow = run.first_day
    assert tomorrow is not None and tomorrow.date == DAY2
    in_plan = set(tomorrow.visited)
    household_of = {r.id: h.id for p in result.pending for h in (p.household,)
                    for r in h.residents}
    assigned: dict[str, tuple] = {}
    for rid, when in sorted(result.assignment.items(), key=lambda kv: kv[1][0]):
        assigned.setdefault(household_of[rid], when)
    # enrolled drop out: NK-0128 entirely, NK-0357 keeps only the resident to retry
    assert "NK-0128" not in assigned
    nk25 = next(p for p in st.pending if p.household.id == "NK-0357")
    assert [r.id for r in nk25.household.residents] == ["R00547"]
    # not_home and retry_needed come back from their next availability (2 days later)
    for hid in ("NK-0357", "NK-0030"):
        assert hid not in in_plan
        assert assigned[hid][0] >= DAY1 + dt.timedelta(days=2)
    # out of attempts (2), refused: listed for a different approach, not planned
    approach = {f.household_id: f.reason for f in st.follow_up
                if f.kind == "different_approach"}
    assert set(approach) == {"NK-0182", "NK-0051"}
    assert "2 visits without enrolment" in approach["NK-0182"]
    assert "refused" in approach["NK-0051"]
    # moved and deceased are closed
    assert {f.household_id for f in st.follow_up if f.kind == "closed"} == {"NK-0076",
                                                                             "NK-0106"}
    for hid in ("NK-0182", "NK-0051", "NK-0076", "NK-0106"):
        assert hid not in assigned
    # planned yesterday, no outcome: carried over, and planned again
    recorded = {"NK-0357", "NK-0030", "NK-0051", "NK-0076", "NK-0106", "NK-0128", "NK-0182"}
    carried = day1_planned - recorded
    assert carried and set(st.carried) == carried
    assert carried <= set(assigned) | {u.household for u in result.cannot_serve}
    # every mode is pending again: point and shuttle residents not yet recorded
    modes = {r.mode for p in st.pending for r in p.household.residents}
    assert {"home", "shuttle", "point"} <= modes
    # a household added to the scenario since joins in
    assert run.joined == ["NK-9001"] and "NK-9001" in assigned
    data = json.loads((out / "campaign.json").read_text(encoding="utf-8"))
    assert data["state"]["joined"] == ["NK-9001"]
    assert (out / "days" / DAY2.isoformat() / "plan.json").is_file()
    # collection points announced by the first plan keep their date (and their
    # place and hours: tests/campaign/test_announced_points.py), or are named
    points = {(p["date"], p["village"]) for p in data["point_days"]}
    not_kept = {(p["date"], p["village"]) for p in data["state"]["announced_points_not_kept"]}
    assert announced <= points | not_kept and len(announced & points) >= 0.5 * len(announced)
    assert {(p["date"], p["village"]) for p in run.not_kept} == not_kept


def test_template_csv_and_xlsx_round_trip(campaign, tmp_path: Path) -> None:
    """record --template writes CSV and .xlsx; a filled-in .xlsx imports like a CSV."""
    out, _ = campaign
    runner = CliRunner()
    blank = runner.invoke(cli, ["record", "--template", "--out", str(tmp_path / "blank"),
                                "--lang", "en"])
    assert blank.exit_code == 0, blank.output
    assert (tmp_path / "blank.csv").read_text(encoding="utf-8-sig").strip() == \
        "date,team,household_id,resident_id,outcome,note"
    filled = runner.invoke(cli, ["record", str(out), "--template", "--date", "2026-11-24",
                                 "--out", str(tmp_path / "day1"), "--lang", "en"])
    assert filled.exit_code == 0, filled.output
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "day1.xlsx")
    ws = wb["outcomes"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows and all(r[0] == "2026-11-24" for r in rows)
    for k in range(2, ws.max_row + 1):
        ws.cell(k, 5, "enrolled")
        ws.cell(k, 1, "2026-11-23")  # a day with nothing recorded yet
    wb.save(tmp_path / "day1.xlsx")
    report = record_outcomes(out, tmp_path / "day1.xlsx")
    assert report.status == "imported" and report.new == len(rows)


def test_a_campaign_with_outcomes_is_not_replaced(campaign, tmp_path: Path) -> None:
    """`campaign` refuses to overwrite a state that already holds outcomes."""
    out, scenario = campaign
    if not state.outcomes(state.open_campaign(out)):
        record_outcomes(out, DATA / "every_kind.csv")
    with pytest.raises(InputError, match="already holds"):
        run_campaign(scenario, out, time_limit_s=LIMIT_S)


SMALL = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
HEADER = "date,team,household_id,resident_id,outcome,note\n"


@pytest.fixture()
def small_campaign(tmp_path: Path) -> Path:
    """A fresh campaign of the small valid scenario (starts 2026-11-24, team T1)."""
    out = tmp_path / "small"
    run_campaign(SMALL / "scenario.yaml", out, deadline=dt.date(2026, 11, 27),
                 time_limit_s=LIMIT_S)
    return out


def _sheet(folder: Path, name: str, rows: str) -> Path:
    path = folder / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_outcome_dates_from_the_start_to_today(small_campaign: Path, tmp_path: Path) -> None:
    """With today injected as 2026-11-25: a visit in 2031 (a typo for 2026) and one
    before the campaign's start are refused, naming the row; today itself is fine."""
    from planner.state.sheet import import_outcomes

    conn = state.open_campaign(small_campaign)
    today = dt.date(2026, 11, 25)
    bad = _sheet(tmp_path, "bad.csv", "2031-11-25,T1,H1,R1,enrolled,\n"
                                      "2026-11-23,T1,H2,R2,enrolled,\n")
    with pytest.raises(InputError) as err:
        import_outcomes(conn, bad, {"T1"}, today=today, now=NOW, all_or_nothing=True)
    text = str(err.value)
    # the column as the Vietnamese sheet (the default template) heads it
    assert "row 2, field Ngày › 2031-11-25 is in the future (today is 2026-11-25)" in text
    assert "row 3, field Ngày › 2026-11-23 is before the campaign's start (2026-11-24)" in text
    assert state.outcomes(conn) == []
    good = _sheet(tmp_path, "good.csv", "2026-11-25,T1,H1,R1,enrolled,\n")
    assert import_outcomes(conn, good, {"T1"}, today=today, now=NOW).new == 1
    conn.close()


def test_nothing_follows_deceased_across_imports(small_campaign: Path, tmp_path: Path) -> None:
    """A resident recorded deceased in one file cannot get a later visit in the next
    file (with --all-or-nothing the whole file is refused); an earlier-dated visit is
    still accepted."""
    first = _sheet(tmp_path, "day1.csv", "2026-11-25,T1,H1,R1,deceased,\n")
    assert record_outcomes(small_campaign, first).new == 1
    later = _sheet(tmp_path, "day2.csv", "2026-11-26,T1,H1,R1,enrolled,\n"
                                         "2026-11-26,T1,H2,R2,enrolled,\n")
    result = CliRunner().invoke(cli, ["record", "--lang", "en", str(small_campaign), str(later),
                                      "--today", TODAY.isoformat(), "--all-or-nothing"])
    assert result.exit_code == 2, result.output
    assert "row 2, field outcome › resident R1 is recorded as 'deceased' on 2026-11-25" \
        in result.output
    assert len(state.outcomes(state.open_campaign(small_campaign))) == 1
    earlier = _sheet(tmp_path, "day0.csv", "2026-11-24,T1,H1,R1,not_home,\n")
    assert record_outcomes(small_campaign, earlier).new == 1


def test_damaged_db_recovers_from_the_copy_kept_before_the_import(
        small_campaign: Path, tmp_path: Path) -> None:
    """Each import first copies the state to campaign.db.bak; when campaign.db is then
    damaged (a real file, bytes overwritten), ``tomorrow`` exits 3 naming that copy,
    and the copy, restored as the message says, is the state before the last import."""
    db = small_campaign / state.DB_NAME
    first = _sheet(tmp_path, "day1.csv", "2026-11-24,T1,H1,R1,enrolled,\n")
    record_outcomes(small_campaign, first)
    second = _sheet(tmp_path, "day2.csv", "2026-11-25,T1,H2,R2,not_home,\n")
    record_outcomes(small_campaign, second)
    copy = state.backup_path(db)
    assert copy.is_file()
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT resident_id FROM outcomes").fetchall() == [("R1",)]
    conn.close()
    conn = state.open_campaign(small_campaign)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(db.read_bytes())
    data[:16] = b"\x00" * 16
    db.write_bytes(bytes(data))
    result = CliRunner().invoke(cli, ["tomorrow", "--lang", "en", str(small_campaign)])
    assert result.exit_code == 3, result.output
    assert str(db) in result.output and "damaged" in result.output
    assert "campaign.db.bak" in result.output and "internal error" not in result.output
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(copy.read_bytes())
    assert record_outcomes(small_campaign, second).new == 1
    assert len(state.outcomes(state.open_campaign(small_campaign))) == 2


def test_record_takes_residents_of_every_mode(campaign, tmp_path: Path) -> None:
    """The sheet of a collection-point day lists its point residents, and their
    outcomes (enrolled, did not come) import like home visits'."""
    from planner.scenario import load_scenario
    from planner.state.record import write_template

    out, scenario_path = campaign
    data = json.loads((out / "campaign.json").read_text(encoding="utf-8"))
    day = dt.date.fromisoformat(data["point_days"][0]["date"])
    paths, count = write_template(out, day, tmp_path / "point-day", overwrite=False)
    assert count > 0
    lines = paths[0].read_text(encoding="utf-8-sig").splitlines()[1:]
    scenario, _ = load_scenario(scenario_path)
    mode = {r.id: r.mode for h in scenario.households for r in h.residents}
    assert "point" in {mode[line.split(",")[3]] for line in lines}
    recorded = {(o.resident_id, o.date) for o in state.outcomes(state.open_campaign(out))}
    rows = [line.split(",") for line in lines
            if (line.split(",")[3], day) not in recorded][:10]
    sheet = tmp_path / "filled.csv"
    sheet.write_text("date,team,household_id,resident_id,outcome,note\n" + "".join(
        f"{r[0]},{r[1]},{r[2]},{r[3]},{'not_home' if k % 2 else 'enrolled'},\n"
        for k, r in enumerate(rows)), encoding="utf-8")
    report = record_outcomes(out, sheet)
    assert report.status == "imported" and report.new == len(rows) > 0
