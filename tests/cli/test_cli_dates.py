"""Every date option of every command says when a day does not exist (exit 2)."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "demo" / "scenario.yaml"


@pytest.mark.parametrize("args", [
    ["day", str(DEMO), "--date", "2026-02-30"],
    ["campaign", str(DEMO), "--start", "2026-02-30"],
    ["campaign", str(DEMO), "--deadline", "2026-02-30"],
    ["tomorrow", ".", "--date", "2026-02-30"],
    ["record", "--template", "--date", "2026-02-30"],
    ["staffing", str(DEMO), "--start", "2026-02-30"],
    ["staffing", str(DEMO), "--deadline", "2026-02-30"],
])
def test_a_day_that_does_not_exist_is_named(args: list[str], tmp_path: Path) -> None:
    """``2026-02-30`` is refused as a day that does not exist, before any work."""
    result = CliRunner().invoke(cli, args + (["--out", str(tmp_path / "o")]
                                             if args[0] in ("day", "campaign") else []))
    assert result.exit_code == 2, result.output
    assert "2026-02-30 does not exist: February 2026 has 28 days" in result.output
    assert not (tmp_path / "o").exists()
