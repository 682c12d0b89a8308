"""plan.json: documented keys, no personal data, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from planner.planfile import plan_json, write_atomic

DOC = Path(__file__).resolve().parents[2] / "docs" / "plan-format.md"


def test_plan_json_keys_are_documented(demo_day) -> None:
    """Every key plan.json writes is described in docs/plan-format.md."""
    scenario, _G, plan, _m, _p = demo_day
    data = json.loads(plan_json(plan, scenario))
    doc = DOC.read_text(encoding="utf-8")
    keys = set(data) | set(data["summary"]) | set(data["routes"][0]) \
        | set(data["routes"][0]["stops"][1]) | set(data["unserved"][0])
    for key in keys:
        assert f"`{key}`" in doc, key


def test_plan_json_holds_no_names_or_id_numbers(demo_day) -> None:
    """plan.json names households and residents by code only."""
    scenario, _G, plan, _m, _p = demo_day
    text = plan_json(plan, scenario)
    for h in scenario.households:
        for r in h.residents:
            assert r.full_name not in text
            if r.id_number:
                assert r.id_number not in text


def test_write_atomic_replaces_whole_file(tmp_path: Path) -> None:
    """write_atomic leaves either the old or the new content, and no temporary file."""
    target = tmp_path / "plan.json"
    write_atomic(target, "old")
    write_atomic(target, "new content")
    assert target.read_text(encoding="utf-8") == "new content"
    assert os.listdir(tmp_path) == ["plan.json"]


def test_write_atomic_failure_keeps_old(tmp_path: Path) -> None:
    """When writing fails half-way the old file stays and no temporary file remains."""

    target = tmp_path / "plan.json"
    write_atomic(target, "old")
    with pytest.raises(TypeError):
        write_atomic(target, 12345)  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["plan.json"]
