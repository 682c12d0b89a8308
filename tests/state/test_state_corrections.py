"""Outcomes that can be fixed and never lost; tomorrow's dates bounded.

Real SQLite files and real solves on the small valid scenario (one team,
five households, short time limits). Covers: a file with a bad row imports
its good rows and writes the rejects file (which imports once fixed); a
correction (command line or a ``correction`` row) replaces an outcome and the
audit trail keeps both; an export from an earlier plan of the same day
imports; ``tomorrow --date`` outside the campaign is refused (exit 2).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.state import db as state
from planner.state.phone import MAGIC, checksum
from planner.state.record import record_outcomes as _record
from planner.state.store import run_campaign
from planner.state.tomorrow import run_tomorrow

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "scenarios" / "ok_small"
LIMIT_S = 0.2
DAY1 = dt.date(2026, 11, 24)
#: after every visit the tests record, so that they pass whatever today's date is
TODAY = dt.date(2026, 12, 31)
NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)
HEADER = "date,team,household_id,resident_id,outcome,note\n"


def record(folder: Path, sheet: Path, **kwargs):
    """``record_outcomes`` on ``TODAY`` at ``NOW``."""
    return _record(folder, sheet, today=TODAY, now=NOW, **kwargs)


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    """A fresh campaign of a copy of the small scenario (2026-11-24 to 11-27)."""
    scenario = tmp_path / "scenario"
    shutil.copytree(SMALL, scenario)
    out = tmp_path / "camp"
    run_campaign(scenario / "scenario.yaml", out, deadline=dt.date(2026, 11, 27),
                 time_limit_s=LIMIT_S, now=NOW)
    return out


def _sheet(folder: Path, name: str, rows: str, header: str = HEADER) -> Path:
    path = folder / name
    path.write_text(header + rows, encoding="utf-8")
    return path


def test_bad_rows_go_to_the_rejects_file_and_the_good_rows_in(small: Path,
                                                              tmp_path: Path) -> None:
    """One good row and two bad ones: the good row is recorded, the bad ones are
    in NAME.rejects.csv with the reason for each; once fixed there, that file
    imports; --all-or-nothing on the CLI stores nothing and exits 2."""
    sheet = _sheet(tmp_path, "day1.csv", "2026-11-24,T1,H1,R1,enrolled,\n"
                                         "2026-11-24,T9,H2,R2,enrolled,\n"
                                         "2026-11-24,T1,H2,R3,gone fishing,\n")
    strict = CliRunner().invoke(cli, ["record", "--lang", "en", str(small), str(sheet), "--today",
                                      TODAY.isoformat(), "--all-or-nothing"])
    assert strict.exit_code == 2 and "row 3" in strict.output and "row 4" in strict.output
    assert state.outcomes(state.open_campaign(small)) == []
    report = record(small, sheet, lang="en")  # the rejects file in English
    assert (report.status, report.new, report.rejected) == ("imported", 1, 2)
    rejects = tmp_path / "day1.rejects.csv"
    assert report.rejects == str(rejects)
    rows = list(csv.DictReader(rejects.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["resident_id"] for r in rows] == ["R2", "R3"]
    assert "unknown team 'T9'" in rows[0]["reason"]
    assert "unknown outcome 'gone fishing'" in rows[1]["reason"]
    assert [(o.resident_id, o.outcome) for o in state.outcomes(state.open_campaign(small))] \
        == [("R1", "enrolled")]
    fixed = rejects.read_text(encoding="utf-8-sig").replace("T9", "T1") \
        .replace("gone fishing", "not_home")
    rejects.write_text(fixed, encoding="utf-8")
    again = record(small, rejects)
    assert (again.new, again.rejected) == (2, 0)
    assert {(o.resident_id, o.outcome) for o in state.outcomes(state.open_campaign(small))} \
        == {("R1", "enrolled"), ("R2", "enrolled"), ("R3", "not_home")}


def test_a_correction_replaces_the_outcome_and_the_audit_trail_keeps_both(
        small: Path, tmp_path: Path) -> None:
    """R1 recorded deceased by mistake: a later visit is refused; `record
    --correct` makes it enrolled (the audit trail holds who, why, deceased
    before and enrolled after); a correction row in a sheet then changes R2's
    outcome the same way; a correction with nothing to correct exits 2."""
    record(small, _sheet(tmp_path, "a.csv", "2026-11-24,T1,H1,R1,deceased,\n"
                                            "2026-11-24,T1,H2,R2,not_home,\n"))
    later = record(small, _sheet(tmp_path, "b.csv", "2026-11-25,T1,H1,R1,enrolled,\n"))
    assert (later.new, later.rejected) == (0, 1)
    runner = CliRunner()
    done = runner.invoke(cli, ["record", str(small), "--correct", "R1", "--date", "2026-11-24",
                               "--outcome", "enrolled", "--why", "tapped deceased by mistake",
                               "--by", "Lò Văn Thành"])
    assert done.exit_code == 0, done.output
    conn = state.open_campaign(small)
    assert state.recorded_outcome(conn, "R1", DAY1)["outcome"] == "enrolled"
    trail = state.audit_trail(conn)
    conn.close()
    assert len(trail) == 1
    _at, by, why, kind, subject, before, after = trail[0]
    assert (by, why, kind, subject) == ("Lò Văn Thành", "tapped deceased by mistake",
                                        "outcome_corrected", "resident R1 on 2026-11-24")
    assert json.loads(before)["outcome"] == "deceased"
    assert json.loads(after)["outcome"] == "enrolled"
    sheet = _sheet(tmp_path, "c.csv", "2026-11-24,T1,H2,R2,enrolled,she was at the back,"
                                      "correction\n",
                   header="date,team,household_id,resident_id,outcome,note,kind\n")
    report = record(small, sheet, by="Quàng Thị Hoa")
    assert (report.corrected, report.new, report.rejected) == (1, 0, 0)
    conn = state.open_campaign(small)
    assert state.recorded_outcome(conn, "R2", DAY1)["outcome"] == "enrolled"
    assert [r[1] for r in state.audit_trail(conn)] == ["Lò Văn Thành", "Quàng Thị Hoa"]
    conn.close()
    listed = runner.invoke(cli, ["record", str(small), "--audit"])
    assert "deceased" in listed.output and "she was at the back" in listed.output
    nothing = runner.invoke(cli, ["record", "--lang", "en", str(small), "--correct", "R3", "--date",
                                  "2026-11-24", "--outcome", "enrolled", "--why", "x"])
    assert nothing.exit_code == 2 and "nothing to correct" in nothing.output
    assert "Traceback" not in nothing.output


def _export(path: Path, plan_id: str, rows: str) -> Path:
    """A phone map's export of ``rows`` for the plan ``plan_id`` (checksum right)."""
    body = HEADER + rows
    path.write_text(f"{MAGIC} plan={plan_id}; crc32={checksum(plan_id, body)}\n{body}",
                    encoding="utf-8")
    return path


def test_an_export_from_an_earlier_plan_of_the_day_imports(small: Path,
                                                          tmp_path: Path) -> None:
    """A phone map of 2026-11-24 exported, then `tomorrow` re-plans that same day
    (a household joined the scenario, so the plan changes): the export still
    imports, matched by resident and date, and an unknown plan is refused."""
    day_plan = small / "days" / DAY1.isoformat() / "plan.json"
    old_id = json.loads(day_plan.read_text(encoding="utf-8"))["id"]
    scenario = Path(state.meta(state.open_campaign(small))["scenario"])
    with open(scenario.parent / "households.csv", "a", encoding="utf-8") as fh:
        fh.write("H9,TT,103.2120,21.8225,,R9,Lò Văn Mới,bedridden,,home,40,,\n")
    run_tomorrow(small, DAY1, time_limit_s=LIMIT_S, now=NOW)
    new_id = json.loads(day_plan.read_text(encoding="utf-8"))["id"]
    assert new_id != old_id, "the re-plan of the day must differ for this test to hold"
    export = _export(tmp_path / "phone.csv", old_id, "2026-11-24,T1,H1,R1,enrolled,\n")
    report = record(small, export)
    assert (report.status, report.new) == ("imported", 1)
    stranger = _export(tmp_path / "other.csv", "0123456789abcdef",
                       "2026-11-24,T1,H2,R2,enrolled,\n")
    refused = CliRunner().invoke(cli, ["record", "--lang", "en", str(small), str(stranger),
                                       "--today",
                                       TODAY.isoformat()])
    assert refused.exit_code == 2 and "not a plan of the campaign" in refused.output


def test_tomorrow_outside_the_campaign_is_refused(small: Path) -> None:
    """`tomorrow --date` before the start or after the deadline exits 2 naming the
    campaign's dates, and changes no day folder."""
    before = sorted(p.name for p in (small / "days").iterdir())
    for day in ("2026-11-01", "2027-01-05"):
        result = CliRunner().invoke(cli, ["tomorrow", "--lang", "en", str(small), "--date", day])
        assert result.exit_code == 2, result.output
        assert "2026-11-24 to 2026-11-27" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in (small / "days").iterdir()) == before
