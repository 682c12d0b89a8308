"""``plan.py check`` on good and broken scenarios, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli

DATA = Path(__file__).resolve().parents[1] / "data" / "scenarios"
BROKEN = sorted(p.name for p in (DATA / "broken").iterdir() if p.is_dir())



def expected(defect: str) -> tuple[str, str]:
    """(file the message must name, field/row words it must name), from the
    case's ``expect.txt``."""
    lines = (DATA / "broken" / defect / "expect.txt").read_text(encoding="utf-8").splitlines()
    return lines[0], lines[1]


def test_corpus_is_complete() -> None:
    """Every broken scenario says what its message must name; there are at least 15."""
    assert all((DATA / "broken" / d / "expect.txt").is_file() for d in BROKEN)
    assert len(BROKEN) >= 15


@pytest.mark.parametrize("defect", BROKEN)
def test_broken_scenario_exit_2_names_file_and_field(defect: str) -> None:
    """A broken scenario exits 2 with one message naming the file and field, no traceback."""
    result = CliRunner().invoke(cli, ["check", str(DATA / "broken" / defect), "--lang", "en"])
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == 2, output
    file_name, field = expected(defect)
    assert file_name in output
    assert field in output
    assert " › " in output
    assert "Traceback" not in output


def test_ok_small_is_valid() -> None:
    """The small valid scenario passes with exit 0 and warns about the household
    without coordinates."""
    result = CliRunner().invoke(cli, ["check", str(DATA / "ok_small")])
    assert result.exit_code == 0, result.output
    assert "hợp lệ:" in result.output and "5 hộ, 6 người (5 tại nhà, 1 điểm thu nhận)" \
        in result.output
    assert "không có toạ độ" in result.output  # the warning in the default language
    en = CliRunner().invoke(cli, ["check", str(DATA / "ok_small"), "--lang", "en"])
    assert en.exit_code == 0, en.output
    assert "no coordinates" in en.output
    assert "ok:" in en.output and "5 households, 6 residents (5 home, 1 point), 1 team" \
        in en.output


def test_missing_scenario_file() -> None:
    """A scenario path that does not exist is an input error naming the file."""
    result = CliRunner().invoke(cli, ["check", "no/such/scenario.yaml", "--lang", "en"])
    assert result.exit_code == 2
    assert "no/such/scenario.yaml" in result.output
    assert "file not found" in result.output


def test_all_problems_reported_together(tmp_path: Path) -> None:
    """Validation collects every problem in one pass rather than stopping at the first."""
    yaml_text = (DATA / "ok_small" / "scenario.yaml").read_text(encoding="utf-8")
    yaml_text = yaml_text.replace("season: dry", "season: monsoon").replace(
        "date: 2026-11-24", "date: tomorrow")
    csv_text = (DATA / "ok_small" / "households.csv").read_text(encoding="utf-8")
    csv_text = csv_text.replace(",bedridden,", ",sick,")
    (tmp_path / "scenario.yaml").write_text(yaml_text, encoding="utf-8")
    (tmp_path / "households.csv").write_text(csv_text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "scenario.yaml"), "--lang", "en"])
    assert result.exit_code == 2
    for words in ("season", "date", "field condition"):
        assert words in result.output


def test_the_language_before_the_command_reaches_check() -> None:
    """``plan.py --lang en check`` speaks English (check takes the group's
    language like every command); without it, Vietnamese."""
    ok = str(DATA / "ok_small")
    en = CliRunner().invoke(cli, ["--lang", "en", "check", ok])
    vi = CliRunner().invoke(cli, ["check", ok])
    assert en.exit_code == 0 and vi.exit_code == 0, en.output + vi.output
    assert en.output.splitlines()[-1].startswith("ok: "), en.output
    assert vi.output.splitlines()[-1].startswith("hợp lệ: "), vi.output
