"""Hostile values in a scenario: numbers that are not finite, yes/no fields,
lists of names, ids that collide as file names, YAML bombs, files that are not
files, links out of the scenario's folder, headers that are not headers, and
distances blamed on the right object."""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import cli
from planner.errors import InputError
from planner.scenario import load_scenario
from planner.scenario.reading import _parse_yaml, check_input_file
from planner.scenario.values import _boolean, _Collector, _count, _number, _text_list

OK = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"
OK_YAML = (OK / "scenario.yaml").read_text(encoding="utf-8")
OK_CSV = (OK / "households.csv").read_text(encoding="utf-8")


def _scenario(tmp_path: Path, yaml_text: str = OK_YAML, csv_text: str = OK_CSV) -> Path:
    folder = tmp_path / "scenario"
    folder.mkdir(exist_ok=True)
    (folder / "scenario.yaml").write_text(yaml_text, encoding="utf-8")
    (folder / "households.csv").write_text(csv_text, encoding="utf-8")
    return folder / "scenario.yaml"


def _problems(path: Path) -> str:
    with pytest.raises(InputError) as err:
        load_scenario(path, check_roads=False)
    return str(err.value)


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, "INF", "-inf", "nan",
                                   "1e999"])
def test_numbers_that_are_not_finite_are_refused(value) -> None:
    """Every count and number refuses NaN and infinities, also written as text,
    with the field named: never a crash, never a value."""
    col = _Collector("f")
    assert _number(value, "x", col, "minutes", 0, 10) is None
    assert _count(value, "y", col, "motorbikes", 1, 20) is None
    assert [p.where for p in col.problems] == ["x", "y"]
    assert all("not a finite number" in p.what for p in col.problems)


@pytest.mark.parametrize("text, expected", [("true", True), ("Yes", True), ("có", True),
                                            ("no", False), ("FALSE", False),
                                            ("không", False), (True, True), (False, False),
                                            (None, False)])
def test_yes_no_text_read_as_documented(text, expected) -> None:
    """Yes/no fields read YAML booleans and the documented words; "no" is false."""
    col = _Collector("f")
    assert _boolean(text, "w", col) is expected
    assert col.problems == []


@pytest.mark.parametrize("text", ["maybe", "0", 1, 0, [], "n"])
def test_other_yes_no_values_are_refused(text) -> None:
    """Anything else in a yes/no field is reported, and the default kept."""
    col = _Collector("f")
    assert _boolean(text, "w", col, default=False) is False
    assert [p.where for p in col.problems] == ["w"]


@pytest.mark.parametrize("members, words", [
    (["", None], "w[1] › empty"),
    (["Lò Văn A", None], "w[2] › empty"),
    ("Lò Văn A, Quàng Thị B", "must be a list (the officers), not one text"),
    ([], "must list at least one"),
    (["x" * 201], "201 characters long"),
])
def test_members_must_be_a_list_of_names(members, words) -> None:
    """Officers are a non-empty list of non-empty names; a single text says it
    must be a list (not "must list at least one officer")."""
    col = _Collector("f")
    assert _text_list(members, "w", col, "the officers", "members: [A, B]") is None
    assert words in str(col.problems[0])


@pytest.mark.parametrize("first, second", [("T/1", "T_1"), ("T1", "t1"), ("Tổ 1", "tổ_1"),
                                           ("T1-shuttle", "T1")])
def test_team_ids_sharing_file_names_are_refused(first: str, second: str,
                                                 tmp_path: Path) -> None:
    """Two teams whose file names (itinerary, map, GPX; a team that can split
    also its ``-shuttle`` route) would be the same once made safe for a file
    name, ignoring case, are refused with both teams named."""
    team2 = (f"  - id: {second}\n    name: Tổ 2\n    members: [Cà Văn Dũng, Lò Văn B]\n"
             "    motorbikes: 2\n    kits: 1\n    shift: \"07:00-17:00\"\n"
             "    can_split: true\n")
    text = OK_YAML.replace("  - id: T1\n", f"  - id: \"{first}\"\n", 1) \
        .replace("parameters:\n", team2 + "parameters:\n", 1)
    message = _problems(_scenario(tmp_path, text))
    assert f"'{first}'" in message and f"'{second}'" in message, message
    assert "differ only in case or punctuation" in message


def test_household_and_village_ids_differing_only_in_punctuation_are_refused(
        tmp_path: Path) -> None:
    """Household ids ``H/2`` and ``H_2`` are refused naming both rows; village
    ids ``TT`` and ``tt`` naming both villages."""
    csv_text = OK_CSV.replace("H2,TT,103.2089,21.8190,,R2", "H/2,TT,103.2089,21.8190,,R2") \
        .replace("H2,TT,103.2089,21.8190,,R3", "H_2,TT,103.2089,21.8190,,R3")
    message = _problems(_scenario(tmp_path, csv_text=csv_text))
    assert "row 4, field household_id › household 'H_2' and household 'H/2' (row 3)" \
        in message, message
    text = OK_YAML.replace("{id: HCM, name: Huổi Cơ Mông", "{id: tt, name: Huổi Cơ Mông")
    message = _problems(_scenario(tmp_path, text))
    assert "villages[2] 'tt' and villages[1] 'TT'" in message, message


@pytest.mark.parametrize("command", ["check", "day", "campaign"])
def test_every_command_refuses_colliding_ids_before_writing(command: str,
                                                            tmp_path: Path) -> None:
    """``check``, ``day`` and ``campaign`` on teams ``T1``/``t1`` (one team's
    itinerary, map and GPX would overwrite the other's on a case-insensitive
    disk) exit 2 naming both and write nothing, so no outcomes template is ever
    made for such a campaign."""
    team2 = ("  - id: t1\n    name: Tổ 2\n    members: [Cà Văn Dũng]\n    motorbikes: 1\n"
             "    kits: 1\n    shift: \"07:00-17:00\"\n")
    path = _scenario(tmp_path, OK_YAML.replace("parameters:\n", team2 + "parameters:\n", 1))
    out = tmp_path / "out"
    args = [command, str(path), "--lang", "en"] + ([] if command == "check"
                                                   else ["--out", str(out)])
    if command == "campaign":
        args += ["--deadline", "2026-11-27"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "teams[2] 't1' and teams[1] 'T1'" in result.output
    assert not out.exists()


def test_yaml_nesting_and_alias_bombs_are_refused(tmp_path: Path) -> None:
    """Deep nesting (RecursionError before), an alias bomb and an alias that
    holds itself are refused with their line, before any value is built; a
    few ordinary aliases and merge keys still read."""
    cases = {
        "deep": ("a: " + "[" * 2000 + "]" * 2000 + "\n", "nested more than 64 deep"),
        "bomb": ("a: &a [1,1,1,1,1,1,1,1,1,1]\n" + "".join(
            f"{c}: &{c} [{','.join(['*' + p] * 10)}]\n"
            for p, c in zip("abcde", "bcdef", strict=True)), "expand to more than 10,000"),
        "cycle": ("a: &x [1, *x]\n", "refers to the block that holds it"),
    }
    for name, (text, words) in cases.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        col = _Collector(name)
        assert _parse_yaml(path, col) is None
        assert len(col.problems) == 1 and words in col.problems[0].what, col.problems
        assert col.problems[0].where.startswith("line ")
    path = tmp_path / "ok.yaml"
    path.write_text("a: &x [1, 2]\nb: *x\nc: {<<: {q: 1}, r: 2}\n", encoding="utf-8")
    col = _Collector("ok")
    assert _parse_yaml(path, col) == {"a": [1, 2], "b": [1, 2], "c": {"q": 1, "r": 2}}


def test_links_inside_the_folder_are_read_outside_refused(tmp_path: Path,
                                                          monkeypatch) -> None:
    """A link to a file inside the scenario's folder is read; one leading out of
    it is refused without a word of the file's content, unless
    PLANNER_ALLOW_OUTSIDE_LINKS=1; a path written outside the folder (the
    user's explicit choice) is read."""
    path = _scenario(tmp_path)
    folder = path.parent
    shutil.move(folder / "households.csv", folder / "real.csv")
    (folder / "households.csv").symlink_to("real.csv")
    assert len(load_scenario(path, check_roads=False)[0].households) == 5
    outside = tmp_path / "outside.csv"
    shutil.move(folder / "real.csv", outside)
    (folder / "households.csv").unlink()
    (folder / "households.csv").symlink_to(outside)
    message = _problems(path)
    assert "symbolic link to a file outside" in message and "H1" not in message
    monkeypatch.setenv("PLANNER_ALLOW_OUTSIDE_LINKS", "1")
    assert len(load_scenario(path, check_roads=False)[0].households) == 5
    monkeypatch.delenv("PLANNER_ALLOW_OUTSIDE_LINKS")
    path.write_text(OK_YAML.replace("households: households.csv",
                                    f"households: {outside}"), encoding="utf-8")
    assert len(load_scenario(path, check_roads=False)[0].households) == 5


def test_size_limit_and_special_files(tmp_path: Path, monkeypatch) -> None:
    """A file over PLANNER_MAX_INPUT_MB, a FIFO and a folder are refused by
    ``check_input_file`` without being opened."""
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 3000)
    monkeypatch.setenv("PLANNER_MAX_INPUT_MB", "0.001")
    col = _Collector("big")
    assert not check_input_file(big, col)
    assert "more than the" in col.problems[0].what
    assert "PLANNER_MAX_INPUT_MB" in col.problems[0].fix
    monkeypatch.setenv("PLANNER_MAX_INPUT_MB", "not a number")  # falls back to the default
    assert check_input_file(big, _Collector("big"))
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    for given, words in ((fifo, "a pipe (FIFO)"), (tmp_path, "a folder")):
        col = _Collector("x")
        assert not check_input_file(given, col)
        assert words in col.problems[0].what


def test_a_file_that_is_not_the_table_is_not_quoted(tmp_path: Path) -> None:
    """A households path naming some other text file is refused as not the
    households table, without quoting its first line."""
    csv_text = "root:x:0:0:SECRET:/root:/bin/bash\ndaemon:x:1:1::/:/bin/false\n"
    message = _problems(_scenario(tmp_path, csv_text=csv_text))
    assert "does not look like the households table" in message
    assert "SECRET" not in message and "daemon" not in message


def test_unknown_column_fix_does_not_say_remove_it(tmp_path: Path) -> None:
    """An unknown column with no close name says to rename it to the column it
    holds or delete it if not needed (not a bare "remove it")."""
    csv_text = OK_CSV.replace("id_number,notes", "id_number,Toạ độ GPS", 1)
    message = _problems(_scenario(tmp_path, csv_text=csv_text))
    assert "rename it to the column it holds" in message
    assert "remove it" not in message


def test_a_far_village_is_blamed_not_its_households(tmp_path: Path) -> None:
    """A village 90+ km from the station is warned about itself; its households
    without coordinates (placed at its centre) are not blamed for it."""
    text = OK_YAML.replace("{id: HCM, name: Huổi Cơ Mông, lon: 103.195262, lat: 21.847131}",
                           "{id: HCM, name: Huổi Cơ Mông, lon: 103.195262, lat: 22.700000}")
    _, warnings = load_scenario(_scenario(tmp_path, text), check_roads=False)
    far = [str(w) for w in warnings if "from the station" in w.what]
    assert len(far) == 1 and "village HCM.lon/lat" in far[0], far


def test_roads_naming_a_table_does_not_suggest_importing_it(tmp_path: Path) -> None:
    """``roads: households.csv`` says it looks like a table that belongs under
    households:, and never suggests importing the CSV as OpenStreetMap."""
    path = _scenario(tmp_path, OK_YAML.replace("roads: demo_commune", "roads: households.csv"))
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert "that looks like a table: name it under households:" in str(err.value)
    assert "roads import households.csv" not in str(err.value)


def test_a_yaml_that_is_not_a_scenario_is_one_problem_unquoted(tmp_path: Path) -> None:
    """A YAML file with none of a scenario's fields (some other program's file)
    gives one problem saying so, neither its keys quoted as "unknown field"
    nor every required field reported missing."""
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  SECRETKEY: {image: x}\nvolumes: {}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(path, check_roads=False)
    assert len(err.value.problems) == 1
    assert "does not look like a scenario file" in str(err.value)
    assert "services" not in str(err.value) and "SECRETKEY" not in str(err.value)


def test_long_names_are_refused(tmp_path: Path) -> None:
    """A 100 KB team name (which made a day 6× slower) is refused by its length."""
    text = OK_YAML.replace("    name: Tổ 1\n", f"    name: {'A' * 100_000}\n", 1)
    message = _problems(_scenario(tmp_path, text))
    assert "team T1.name › 100,000 characters long" in message
    assert "A" * 300 not in message
