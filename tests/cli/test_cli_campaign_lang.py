"""The campaign commands' terminal output follows ``--lang``: Vietnamese by
default, English with ``--lang en``, singular and plural right in both, and
one progress line per stage on stderr for ``campaign`` and ``tomorrow``.

Real solves of the small valid scenario (``tests/data/scenarios/ok_small``,
team T1, from 2026-11-24) with short time limits, real SQLite state, real PDFs.
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli

DATA = Path(__file__).resolve().parents[1] / "data"
SMALL = DATA / "scenarios" / "ok_small"
HEADER = "date,team,household_id,resident_id,outcome,note\n"
CAMPAIGN_ARGS = ["--deadline", "2026-11-27", "--time-limit", "0.1"]

# English words of the calendar that must not show in the Vietnamese output
ENGLISH = ("Campaign", "residents in", "Forecast completion", "Lower bound", "working days",
           "Residents served per team", "done in", "wrote ")


def _campaign(out: Path, *lang: str):
    result = CliRunner().invoke(cli, ["campaign", str(SMALL), "--out", str(out),
                                      *CAMPAIGN_ARGS, *lang])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def vi_campaign(tmp_path_factory) -> tuple[Path, object]:
    """The small scenario's campaign planned with the default language, and
    what ``campaign`` printed."""
    out = tmp_path_factory.mktemp("lang") / "campaign"
    return out, _campaign(out)


def _nfc(text: str) -> bool:
    return unicodedata.normalize("NFC", text) == text


def test_campaign_prints_vietnamese_by_default(vi_campaign) -> None:
    """Without --lang the calendar, the summary and the progress lines are in
    Vietnamese (NFC) and no English sentence of the calendar is left; ids
    and household codes stay as they are, dates are written dd/mm/yyyy."""
    _out, result = vi_campaign
    out = result.stdout
    for word in ("Đợt cấp CCCD", "Dự kiến hoàn thành", "Cận dưới", "ngày làm việc",
                 "xong trong", "đã ghi", "24/11/2026", "T1"):
        assert word in out, word
    for word in ENGLISH:
        assert word not in out, word
    assert _nfc(out) and _nfc(result.stderr)


def test_campaign_prints_progress_per_stage_on_stderr(vi_campaign) -> None:
    """Reading, roads, matrices (with the number of places), each planned day
    numbered among the working days to the deadline, and rendering: one line
    each on stderr, with the elapsed time; none of them on stdout."""
    _out, result = vi_campaign
    err = result.stderr
    lines = [line for line in err.splitlines() if line.startswith("[")]
    stages = ("Đang đọc kịch bản", "Đang đọc mạng lưới đường", "Đang tính thời gian đi lại "
              "giữa 7 địa điểm", "Ngày 1/4: 24/11/2026", "Đang vẽ tài liệu của ngày 24/11/2026")
    for stage in stages:
        assert any(stage in line for line in lines), (stage, err)
    positions = [next(k for k, line in enumerate(lines) if stage in line) for stage in stages]
    assert positions == sorted(positions)
    assert all(line[:9].endswith(" s]") for line in lines)
    assert "Đang đọc" not in result.stdout


def test_campaign_prints_english_with_lang_en(tmp_path: Path) -> None:
    """``--lang en`` gives the calendar, the summary and the progress in English."""
    result = _campaign(tmp_path / "campaign", "--lang", "en")
    for word in ("Campaign ·", "Forecast completion", "Lower bound", "done in", "wrote "):
        assert word in result.stdout, word
    for word in ("Reading the scenario", "Computing travel times between 7 places",
                 "Day 1/4: 2026-11-24", "Drawing the outputs of 2026-11-24"):
        assert word in result.stderr, word
    assert "Đợt cấp" not in result.stdout and "Đang" not in result.stderr


@pytest.mark.parametrize("lang, words, absent", [
    ((), ("Tình hình ngày 25/11/2026", "Đợt cấp CCCD", "xong trong"),
     ("State on", "Forecast completion", "done in")),
    (("--lang", "en"), ("State on 2026-11-25", "Campaign ·", "done in"),
     ("Tình hình", "Đợt cấp", "xong trong")),
], ids=["vi", "en"])
def test_tomorrow_follows_lang(vi_campaign, tmp_path: Path, lang, words, absent) -> None:
    """``tomorrow`` prints its state and calendar in the language (Vietnamese
    by default), and progress lines per stage on stderr, starting with the
    campaign's state."""
    folder = tmp_path / "campaign"
    shutil.copytree(vi_campaign[0], folder)
    result = CliRunner().invoke(cli, ["tomorrow", str(folder), "--date", "2026-11-25",
                                      "--time-limit", "0.1", *lang])
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.stdout, word
    for word in absent:
        assert word not in result.stdout, word
    first = "Reading the campaign state" if lang else "Đang đọc trạng thái đợt cấp"
    roads = "Reading the road network" if lang else "Đang đọc mạng lưới đường"
    assert first in result.stderr and roads in result.stderr


@pytest.mark.parametrize("lang, one, two", [
    ((), "đã ghi 1 kết quả", "đã ghi 2 kết quả"),
    (("--lang", "en"), ": 1 outcome recorded", ": 2 outcomes recorded"),
], ids=["vi", "en"])
def test_record_counts_singular_and_plural(vi_campaign, tmp_path: Path, lang, one,
                                           two) -> None:
    """``record`` says "1 outcome" and "2 outcomes" (one form in Vietnamese),
    and what to run next, in the language."""
    folder = tmp_path / "campaign"
    shutil.copytree(vi_campaign[0], folder)
    first = tmp_path / "one.csv"
    first.write_text(HEADER + "2026-11-24,T1,H1,R1,enrolled,\n", encoding="utf-8")
    second = tmp_path / "two.csv"
    second.write_text(HEADER + "2026-11-24,T1,H2,R2,not_home,\n"
                      "2026-11-24,T1,H2,R3,enrolled,\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["record", str(folder), str(first), *lang, "--today", "2026-12-31"])
    assert result.exit_code == 0, result.output
    assert one in result.stdout and "outcomes recorded" not in result.stdout
    result = runner.invoke(cli, ["record", str(folder), str(second), *lang,
                                 "--today", "2026-12-31"])
    assert result.exit_code == 0, result.output
    assert two in result.stdout
    assert ("next:" in result.stdout) == bool(lang)
    assert ("tiếp theo:" in result.stdout) == (not lang)


@pytest.mark.parametrize("lang, words, absent", [
    ((), ("1 đợt cấp mô phỏng", "1 lần chạy cho mỗi số tổ", "đã ghi", "xong trong"),
     ("simulated campaign", "runs per team count", "wrote ", "done in")),
    (("--lang", "en"), ("1 simulated campaign (1 scenario × 1 team count × 1 run)",
                        "1 run per team count;", "wrote ", "done in"),
     ("simulated campaigns", "1 runs", "đã ghi")),
], ids=["vi", "en"])
def test_staffing_follows_lang(tmp_path: Path, lang, words, absent) -> None:
    """``staffing`` prints its lines in the language, with the singular for one
    run (a real sweep on one local Dask worker)."""
    result = CliRunner().invoke(cli, ["staffing", str(SMALL), "--teams", "1", "--runs", "1",
                                      "--workers", "1", "--quiet", "--out",
                                      str(tmp_path / "staffing"), *lang])
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.output, word
    for word in absent:
        assert word not in result.output, word
