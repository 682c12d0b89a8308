"""The staffing outputs answer by default: with no deadline given they say so
and measure against the documented default (4 weeks from the start) in the
CSV, the page and the chart; the chart counts whole teams and shows
officer-days; the chart, the page and province.png are in Vietnamese by
default. Pure functions of hand-made run results: no solver here."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.campaign.calendar import Calendar
from planner.campaign.chart import (
    deadline_hint,
    province_figure,
    staffing_csv,
    staffing_figure,
    staffing_html,
    staffing_table,
)
from planner.campaign.province import ProvinceRow
from planner.campaign.staffing import (
    DEFAULT_DEADLINE_WEEKS,
    DeadlineBasis,
    RunResult,
    StaffingParams,
    choose_deadline,
    summarise,
)
from planner.domain import Team, Window
from planner.render.i18n import gettext_for

START = dt.date(2026, 11, 24)  # a Tuesday
TEAM = Team(id="T1", name="T1", members=("a", "b", "c"), motorbikes=2, kits=1,
            shift=Window(7 * 3600, 17 * 3600))


def _calendar() -> Calendar:
    """Monday to Friday, no holidays."""
    return Calendar(teams=(TEAM,), weekdays=(0, 1, 2, 3, 4), holidays=frozenset(),
                    days_off=frozenset(), wet_days=frozenset())
ENGLISH = ("No deadline given", "Staffing scenarios", "working days to finish", "Finished by",
           "officer-days", "teams", "Completion", "not at home", "scenario", "n/a")


def _results() -> list[RunResult]:
    """Two runs at 1, 2 and 3 teams of one scenario, finishing after 21–25,
    11–13 and 10 working days."""
    out = []
    cal = _calendar()
    for teams, days in ((1, (21, 25)), (2, (11, 13)), (3, (10, 10))):
        for run, n in enumerate(days):
            done = list(cal.working_days(START, limit=n))[-1]
            out.append(RunResult("Xã A", teams, run, START, done, n, 3 * teams * n,
                                 100_000 * teams, 60, 58, 1, 0, 2))
    return out


@pytest.fixture(scope="module")
def summary():
    """The results, the default deadline and the rows measured against it."""
    results = _results()
    deadline, source = choose_deadline(None, None, START)
    cal = _calendar()
    rows = summarise(results, {("Xã A", k): cal for k in (1, 2, 3)}, deadline, 120)
    return results, rows, DeadlineBasis(deadline, source, START)


def test_choose_deadline_prefers_given_then_scenario_then_the_default() -> None:
    """--deadline wins, then the scenario's; with neither, the last day of
    DEFAULT_DEADLINE_WEEKS weeks from the start, labelled "default"."""
    given, scen = dt.date(2027, 1, 8), dt.date(2027, 2, 1)
    assert choose_deadline(given, scen, START) == (given, "given")
    assert choose_deadline(None, scen, START) == (scen, "scenario")
    d, source = choose_deadline(None, None, START)
    assert source == "default"
    assert d == START + dt.timedelta(days=7 * DEFAULT_DEADLINE_WEEKS - 1) == dt.date(2026, 12, 21)


def test_default_deadline_gives_numbers_and_a_hint_everywhere(summary) -> None:
    """Measured against the default, P(by the deadline) is a number at every
    team count (1 team: 0 %, 2 and 3: 100 %), and the terminal hint, the CSV's
    deadline columns and the page all say no deadline was given."""
    results, rows, basis = summary
    assert [r.p_by_deadline for r in rows] == [0.0, 1.0, 1.0]
    vi = gettext_for("vi")
    table = staffing_table(rows, basis.deadline, vi)
    assert "n/a" not in table and "không có" not in table and "100 %" in table
    hint = deadline_hint(basis, vi)
    assert "2026-12-21" in hint and "--deadline" in hint and "Chưa có hạn chót" in hint
    assert deadline_hint(DeadlineBasis(basis.deadline, "given", START), vi) == ""
    lines = staffing_csv(rows, basis).splitlines()
    head = lines[0].split(",")
    cells = lines[1].split(",")
    assert cells[head.index("deadline")] == "2026-12-21"
    assert cells[head.index("deadline_source")] == "default: 4 weeks from 2026-11-24"
    page = staffing_html(rows, b"png", StaffingParams(runs=2), basis.deadline, True, vi,
                         basis, "vi")
    assert hint in page and 'lang="vi"' in page and "Kịch bản bố trí lực lượng" in page


def test_page_is_vietnamese_by_default_and_english_on_request(summary) -> None:
    """The page in Vietnamese holds none of the English titles and headers;
    with the English catalog it holds them."""
    results, rows, basis = summary
    vi = staffing_html(rows, b"png", StaffingParams(runs=2), basis.deadline, False,
                       gettext_for("vi"), basis, "vi")
    body = vi.split("<body>", 1)[1]
    for word in ENGLISH:
        assert word not in body.replace("--deadline", ""), word
    en = staffing_html(rows, b"png", StaffingParams(runs=2), basis.deadline, False,
                       gettext_for("en"), basis, "en")
    for word in ("No deadline given", "Staffing scenarios", "officer-days", "scenario"):
        assert word in en, word


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_chart_counts_whole_teams_and_shows_officer_days(summary, lang: str) -> None:
    """Every panel's team axis has integer ticks only (1, 2, 3), a panel
    shows the officer-days of each team count as bar labels, and every text
    of the chart is in the language (Vietnamese: no English title left)."""
    results, rows, basis = summary
    _ = gettext_for(lang)
    fig = staffing_figure(rows, results, basis.deadline, _, basis)
    try:
        for ax in fig.axes:
            ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
            assert ticks == [1, 2, 3], ticks
            assert all(float(t).is_integer() for t in ticks)
        officer = fig.axes[2]
        labels = [t.get_text() for t in officer.texts]
        assert labels == [f"{r.officer_days:.0f}" for r in rows] == ["69", "72", "90"]
        assert officer.get_title() == _("Officer-days to finish (mean of runs)")
        words = " ".join([a.get_title() + a.get_xlabel() + a.get_ylabel() for a in fig.axes])
        assert "2026-12-21" in words
        if lang == "vi":
            assert "số tổ" in words and "Ngày công" in words
            for word in ENGLISH:
                assert word not in words, word
        else:
            assert "Officer-days" in words and "teams" in words
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def test_province_chart_is_vietnamese_with_whole_teams() -> None:
    """province.png's figure: integer team ticks, Vietnamese title, axis and
    bar labels (officer-days as "ngày công") by default."""
    rows = [ProvinceRow("D01", "xa-1", 24, 37, dt.date(2027, 5, 9), 1, 3, 1.0,
                        dt.date(2027, 4, 19), 17.0),
            ProvinceRow("D01", "xa-2", 30, 47, dt.date(2027, 5, 9), None, 3, 0.5,
                        dt.date(2027, 5, 20), 88.0)]
    fig = province_figure(rows, True, gettext_for("vi"))
    try:
        ax = fig.axes[0]
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert ticks and all(float(t).is_integer() for t in ticks)
        texts = [t.get_text() for t in ax.texts]
        assert texts == ["1 · 17 ngày công", ">3 · 88 ngày công"]
        assert ax.get_title().startswith("DỮ LIỆU HƯ CẤU") and "Số tổ cần" in ax.get_title()
        assert "officer" not in ax.get_xlabel() + ax.get_title()
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)
