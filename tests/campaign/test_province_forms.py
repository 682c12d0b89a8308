"""A province of the 2025 form (one list of communes, graphs shared by road
areas) and the old form (communes grouped by district): both load as the
same communes on the same graphs and plan the same; the old form warns and
says how to write the new one; `check` warns on official units that do not
exist or are pre-2025 (planner/campaign/province.py, planner/scenario/units.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """A GENERATED province of the new form: 3 communes of 4 households in 2
    road areas (2 + 1), and ``old.yaml`` beside it: the same in the old form."""
    from benchmarks.generated_province import old_form_yaml, write_province

    folder = tmp_path_factory.mktemp("tiny-province")
    write_province(folder, households=12, commune_households=4, area_communes=2,
                   cell_km=2.0)
    (folder / "old.yaml").write_text(old_form_yaml(folder), encoding="utf-8")
    return folder


def test_old_form_loads_as_the_same_province_with_one_warning(tiny: Path) -> None:
    """The old form (``districts:``) gives the same road areas, communes and
    graphs as the new form; it warns once, at ``districts``, with the new form
    in the fix; the new form does not warn."""
    from planner.campaign.province import is_province, load_province

    new, old = load_province(tiny), load_province(tiny / "old.yaml")
    assert is_province(tiny / "old.yaml")
    assert not new.warnings
    assert [(w.where, w.severity) for w in old.warnings] == [("districts", "warning")]
    assert "2025" in old.warnings[0].what and "communes: [{id: C1" in old.warnings[0].fix

    def shape(p):
        return [(a.id, a.roads, [(c.id, c.path, c.scenario, c.area_roads) for c in a.communes])
                for a in p.areas]

    assert shape(old) == shape(new)
    assert [a.id for a in new.areas] == ["A01/roads", "A02/roads"]


def test_old_form_plans_the_same_as_the_new_form(tiny: Path) -> None:
    """Each commune's campaign planned from the old form equals the one planned
    from the new form: the same days, routes and assignments (the real
    pipeline of `campaign PROVINCE`: one graph per road area, the commune's
    matrices, the commune task, without the cluster)."""
    from planner.campaign.province import load_province, province_workspaces
    from planner.campaign.sweep import campaign_tasks
    from planner.speeds import load_speed_table

    table = load_speed_table()

    def planned(path: Path) -> dict:
        out = {}
        for _area, c, ws in province_workspaces(load_province(path), None, table):
            (task, args), = campaign_tasks(dt.date(2027, 3, 1), None, 0.05, 3)
            out[c.id] = task(ws, *args)
        return out

    new, old = planned(tiny), planned(tiny / "old.yaml")
    assert list(new) == list(old) == ["C001", "C002", "C003"]
    for cid, result in new.items():
        assert result.assignment, cid  # something was planned
        assert old[cid].assignment == result.assignment
        assert old[cid].days == result.days
        assert (old[cid].cannot_serve, old[cid].not_planned) == \
            (result.cannot_serve, result.not_planned)


def test_check_flags_unknown_and_pre_2025_units(tiny: Path) -> None:
    """`plan.py check` on a province giving official units: a commune code
    that does not exist and a pre-2025 commune name (with the 2025 commune it
    became) are warnings naming the entry, as is a province name that is not
    its code's; a correct 2025 unit is not flagged; the province still checks
    (exit 0). In Vietnamese by default."""
    from planner.cli import cli

    text = (tiny / "province.yaml").read_text(encoding="utf-8")
    text = text.replace("fictional: true", "fictional: true\ncode: \"11\"")
    lines = text.splitlines()
    units = ['code: "03169", name: Xã Nà Hỳ', 'code: "99999"', "name: Xã Nậm Chua"]
    k = 0
    for i, line in enumerate(lines):
        if line.startswith("  - {id:"):
            lines[i] = line[:-1] + ", " + units[k] + "}"
            k += 1
    (tiny / "units.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    en = CliRunner().invoke(cli, ["check", str(tiny / "units.yaml"), "--lang", "en"])
    assert en.exit_code == 0, en.output
    assert "commune C002, communes[1].code › '99999' is not an official 2025 commune code" \
        in en.output
    assert ("commune C003, communes[2].name › 'Xã Nậm Chua' is a commune before 1 July 2025; "
            "it is now part of Xã Nà Hỳ (03169)") in en.output
    assert 'code: "03169"' in en.output
    assert "'Generated province' is not the name of province code 11 (Tỉnh Điện Biên)" \
        in en.output
    assert "C001" not in "".join(x for x in en.output.splitlines() if x.startswith("warning:"))
    assert "A01/roads · C002: " in en.output and "2 teams, 1 warning\n" in en.output
    vi = CliRunner().invoke(cli, ["check", str(tiny / "units.yaml")])
    assert vi.exit_code == 0, vi.output
    assert "không phải mã xã chính thức năm 2025" in vi.output
    assert "xã C003, communes[2].name › 'Xã Nậm Chua' là xã trước ngày 1/7/2025; nay thuộc " \
        "Xã Nà Hỳ (03169)" in vi.output
