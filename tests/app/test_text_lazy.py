"""``planner.app.text``: a day's words load without the campaign stack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import planner.app.text as text
from planner.campaign import chart, province, report

ROOT = Path(__file__).resolve().parents[2]


def test_the_campaign_texts_are_the_campaign_modules_own() -> None:
    """Every campaign name of ``__all__`` is the object of its campaign
    module (imported on first use); a name that is not there is an
    AttributeError, as for any module."""
    assert text.calendar_text is report.calendar_text
    assert text.tomorrow_text is report.tomorrow_text
    assert text.province_campaign_text is report.province_campaign_text
    assert text.province_table is chart.province_table
    assert text.staffing_table is chart.staffing_table
    assert text.TARGET_P == province.TARGET_P
    for name in text.__all__:
        assert getattr(text, name) is not None
    try:
        text.no_such_text  # noqa: B018 - the attribute look-up is the test
    except AttributeError as exc:
        assert "no_such_text" in str(exc)
    else:
        raise AssertionError("an unknown name was found")


def test_a_days_words_do_not_load_the_campaign_stack() -> None:
    """Importing ``planner.app.text`` (what ``plan.py day`` and ``demo`` do
    for their summary) loads none of the campaign's chart, province or
    report modules; asking for a campaign text does."""
    code = ("import sys; import planner.app.text as t; "
            "print(sorted(m for m in sys.modules if m in ('planner.campaign.chart', "
            "'planner.campaign.province', 'planner.campaign.report'))); "
            "t.calendar_text; print('planner.campaign.report' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "True"
