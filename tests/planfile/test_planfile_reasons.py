"""plan.json's unserved entries: a code, the residents, the figures, the text
in the plan's language; old files still read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from planner.cli import cli
from planner.planfile import VERSION, plan_from_dict, plan_id, plan_json
from planner.render.i18n import reason_text
from planner.render.views import reason_texts

OK = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"


def test_unserved_entries_carry_code_residents_numbers_and_text(demo_day) -> None:
    """In Vietnamese, every entry has its code, residents, numbers and a text in
    Vietnamese; an entry with figures states them (a too-short window: the
    minutes at home and the minutes the visit needs; a resident left by a
    home visit: the minutes in with its residents and the minutes the visit
    with them needs) and differs from the English reason; in English the
    text is the reason itself."""
    scenario, _G, plan, _m, _p = demo_day
    vi = json.loads(plan_json(plan, scenario, lang="vi",
                              reason_text=reason_texts(scenario, "vi")))
    en = json.loads(plan_json(plan, scenario, lang="en",
                              reason_text=reason_texts(scenario, "en")))
    assert vi["version"] == VERSION == 4
    for entry in vi["unserved"]:
        assert entry["code"] and entry["lang"] == "vi" and entry["text"]
        assert isinstance(entry["residents"], list) and entry["residents"]
        assert all(isinstance(v, int) for v in entry["numbers"].values())
    short = [e for e in vi["unserved"] if e["code"] in ("window_too_short", "windows_disjoint")
             and e["numbers"]]
    assert short, "the demo has a resident at home for less than a visit with them"
    for entry in short:
        at_home = entry["numbers"].get("at_home_s", entry["numbers"].get("together_s"))
        needed = entry["numbers"]["needed_s"]
        assert at_home < needed
        assert f"{at_home // 60} phút" in entry["text"] and f"{needed // 60} phút" in entry["text"]
        assert entry["text"] != entry["reason"]
    assert all(e["text"] == e["reason"] and e["lang"] == "en" for e in en["unserved"])
    assert vi["id"] == en["id"] == plan_id(plan, scenario)


def test_numbers_survive_the_file_and_old_files_still_read(demo_day) -> None:
    """A plan read back has its entries' numbers; a version-3 file (no numbers,
    text or lang) still reads, and its reasons are translated by code alone."""
    scenario, _G, plan, _m, _p = demo_day
    data = json.loads(plan_json(plan, scenario))
    assert plan_from_dict(data).unserved == plan.unserved
    old = dict(data, version=3, unserved=[
        {k: v for k, v in u.items() if k not in ("numbers", "text", "lang")}
        for u in data["unserved"]])
    again = plan_from_dict(old)
    assert [u.numbers for u in again.unserved] == [()] * len(plan.unserved)
    assert [(u.household, u.code, u.reason, u.residents) for u in again.unserved] == [
        (u.household, u.code, u.reason, u.residents) for u in plan.unserved]
    short = next(u for u, first in zip(again.unserved, plan.unserved, strict=True)
                 if u.code in ("window_too_short", "windows_disjoint") and first.numbers)
    assert "phút" not in reason_text(short, (), "vi")  # no figures to state


def test_day_writes_the_reasons_in_the_chosen_language(tmp_path: Path) -> None:
    """``plan.py day`` (Vietnamese by default) writes each unserved entry's text
    in Vietnamese with its figures: a resident at home 07:00–07:30 for a visit
    that needs more is told both numbers of minutes (the other resident of
    the house, at home all day, is visited without them)."""
    folder = tmp_path / "scenario"
    shutil.copytree(OK, folder)
    csv = folder / "households.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("07:00-11:00", "07:00-07:30"),
                   encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["day", str(folder), "--out", str(out),
                                      "--time-limit", "1"])
    assert result.exit_code == 0, result.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    entry = next(u for u in plan["unserved"] if u["residents"] == ["R2"])
    assert entry["code"] == "windows_disjoint"
    assert entry["lang"] == "vi"
    assert {k: entry["numbers"][k] for k in ("together_s", "needed_s")} == {
        "together_s": 1800, "needed_s": 3600}
    # 30 min alone at home: a visit to them alone (set-up and service) does not fit either
    assert entry["numbers"]["alone_s"] < entry["numbers"]["alone_needed_s"]
    assert entry["text"].startswith("ở nhà cùng lúc với những người được làm thủ tục trong "
                                    "lượt thăm hôm nay nhiều nhất 30 phút, lượt thăm có thêm "
                                    "người này cần 60 phút")
    visits = [s for r in plan["routes"] for s in r["stops"] if s["household"] == "H2"]
    assert [s["residents"] for s in visits] == [["R3"]]
