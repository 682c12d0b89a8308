"""The campaign calendar and the scenario's optional ``campaign:`` section."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.campaign.calendar import Calendar
from planner.domain import CampaignSettings, Team, Window
from planner.errors import InputError
from planner.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo"


def _team(tid: str) -> Team:
    return Team(tid, tid, ("a",), 1, 1, Window(7 * 3600, 17 * 3600))


def test_working_days_skip_weekends_holidays_and_days_off() -> None:
    """Weekends and holidays are not worked; a team's day off removes only that team."""
    cal = Calendar(teams=(_team("T1"), _team("T2")), weekdays=(0, 1, 2, 3, 4),
                   holidays=frozenset({dt.date(2026, 11, 26)}),
                   days_off=frozenset({("T2", dt.date(2026, 11, 25))}))
    days = list(cal.working_days(dt.date(2026, 11, 24), limit=4))
    assert days == [dt.date(2026, 11, 24), dt.date(2026, 11, 25), dt.date(2026, 11, 27),
                    dt.date(2026, 11, 30)]
    assert [t.id for t in cal.teams_on(dt.date(2026, 11, 25))] == ["T1"]
    assert cal.teams_on(dt.date(2026, 11, 28)) == ()  # a Saturday
    assert cal.count(dt.date(2026, 11, 23), dt.date(2026, 11, 29)) == 4


def test_a_day_with_every_team_off_is_not_a_working_day() -> None:
    """If every team is off, the day is skipped."""
    cal = Calendar(teams=(_team("T1"),), days_off=frozenset({("T1", dt.date(2026, 11, 24))}))
    assert next(cal.working_days(dt.date(2026, 11, 24))) == dt.date(2026, 11, 25)


def _with_campaign(tmp_path: Path, section: str) -> Path:
    text = (DEMO / "scenario.yaml").read_text(encoding="utf-8")
    (tmp_path / "households.csv").write_bytes((DEMO / "households.csv").read_bytes())
    path = tmp_path / "scenario.yaml"
    path.write_text(text + section, encoding="utf-8")
    return path


def test_campaign_section_is_parsed(tmp_path: Path) -> None:
    """Dates, weekday names, ranges, per-team days off and the notice period become
    CampaignSettings (notice_days defaults to 2)."""
    path = _with_campaign(tmp_path, """campaign:
  start: 2026-11-24
  deadline: 2026-12-11
  weekdays: [mon, tue, wed, thu, fri, sat]
  holidays: [2026-12-01]
  days_off: {T1: ["2026-11-26..2026-11-27"]}
  max_attempts: 2
  retry_after_days: 2
  wet_days: [2026-11-30]
  notice_days: 3
""")
    scenario, _ = load_scenario(path)
    c = scenario.campaign
    assert isinstance(c, CampaignSettings)
    assert c.deadline == dt.date(2026, 12, 11) and c.weekdays == (0, 1, 2, 3, 4, 5)
    assert c.days_off == (("T1", dt.date(2026, 11, 26)), ("T1", dt.date(2026, 11, 27)))
    assert (c.max_attempts, c.retry_after_days, c.notice_days) == (2, 2, 3)
    assert c.wet_days == (dt.date(2026, 11, 30),) and c.holidays == (dt.date(2026, 12, 1),)


def test_campaign_section_errors_are_collected(tmp_path: Path) -> None:
    """Every mistake in the section is reported at once, naming the field."""
    path = _with_campaign(tmp_path, """campaign:
  deadline: "2026-13-40"
  weekdays: [mon, funday]
  days_off: {T9: [2026-11-26]}
  max_attempts: 0
  notice_days: -1
  colour: red
""")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    text = str(err.value)
    for where in ("campaign.deadline", "campaign.weekdays[2]", "campaign.days_off.T9",
                  "campaign.max_attempts", "campaign.notice_days", "campaign.colour"):
        assert where in text
