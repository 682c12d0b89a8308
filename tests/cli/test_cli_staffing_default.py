"""``plan.py staffing`` answers by default: on the demo (no deadline
anywhere) in the default language it says no deadline was given, which it
used and how to give one, and prints P(by the deadline) as numbers, not
"n/a"; the CSV and the page carry the same hint. The example province
shipped in scenarios/ is generated, says so, and passes ``plan.py check``.

A real sweep (one local Dask worker, one run, short solver limit)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo" / "scenario.yaml"
EXAMPLE = ROOT / "scenarios" / "example-province"


def test_staffing_on_the_demo_gives_numbers_and_the_default_deadline(tmp_path: Path) -> None:
    """No --deadline, no campaign.deadline: the Vietnamese hint names the
    default (2026-12-21: 4 weeks from 2026-11-24) and --deadline; the table's
    P column holds a percentage, no "n/a" (or its translation); staffing.csv
    says ``default: 4 weeks from 2026-11-24``; staffing.html holds the hint
    and is Vietnamese."""
    out = tmp_path / "staffing"
    result = CliRunner().invoke(cli, ["staffing", str(DEMO), "--teams", "2", "--runs", "1",
                                      "--time-limit", "0.05", "--fidelity", "sweep",
                                      "--workers", "1", "--quiet", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    hint = ("Chưa có hạn chót (--deadline hoặc campaign.deadline của kịch bản): tính theo ngày "
            "2026-12-21, ngày cuối của 4 tuần kể từ ngày bắt đầu 2026-11-24.")
    assert hint in text
    assert "n/a" not in text
    row = next(line for line in text.splitlines() if re.match(r"\s+2\s+1/1\s", line))
    assert re.search(r"\s(0|100) %\s", row) and "không có" not in row, row
    with (out / "staffing.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["teams"], r["deadline"], r["deadline_source"]) for r in rows] == [
        ("2", "2026-12-21", "default: 4 weeks from 2026-11-24")]
    assert rows[0]["p_by_deadline"] in ("0.000", "1.000")
    page = (out / "staffing.html").read_text(encoding="utf-8")
    assert hint in page and 'lang="vi"' in page and "Staffing scenarios" not in page


def test_example_province_is_generated_and_passes_check() -> None:
    """scenarios/example-province: two communes, every file labelled
    GENERATED and fictional, on the demo's bundled roads; ``plan.py check``
    exits 0 and counts 2 communes."""
    files = [EXAMPLE / "province.yaml", *sorted(EXAMPLE.glob("*/scenario.yaml"))]
    assert len(files) == 3
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert "GENERATED" in text and "fictional: true" in text, f
    for f in files[1:]:
        assert "roads: demo_commune" in f.read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "2 xã" in result.output and "0 cảnh báo" in result.output


def test_example_province_staffing_without_a_deadline_in_english(tmp_path: Path) -> None:
    """``staffing scenarios/example-province --lang en`` with no deadline
    anywhere runs (no error asking for one), names both communes as measured
    against the default (2027-05-09: 4 weeks from 2027-04-12), and
    province.csv carries that date for each commune."""
    out = tmp_path / "province"
    result = CliRunner().invoke(cli, ["staffing", str(EXAMPLE), "--teams", "1", "--runs", "1",
                                      "--time-limit", "0.05", "--fidelity", "sweep",
                                      "--workers", "1", "--quiet", "--out", str(out),
                                      "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert ("No deadline given for xa-vi-du-1, xa-vi-du-2" in result.stdout
            and "(2027-05-09)" in result.stdout), result.stdout
    with (out / "province.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["commune"], r["deadline"]) for r in rows] == [("xa-vi-du-1", "2027-05-09"),
                                                             ("xa-vi-du-2", "2027-05-09")]
    assert all(r["p_by_deadline"] for r in rows)
