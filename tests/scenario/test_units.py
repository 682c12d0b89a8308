"""Official 2025 units (planner/scenario/units.py) checked against the lists
of the installed packages, offline."""

from __future__ import annotations

from planner.scenario.units import UnitClaim, name_key, official_units, unit_problems


def test_the_2025_list_has_34_provinces_and_3321_communes() -> None:
    """The list read is the one after 1 July 2025: 34 provinces, 3,321 communes
    (wards and special zones included), each commune in one of the provinces."""
    units = official_units()
    assert len(units.provinces) == 34 and len(units.communes) == 3321
    assert {u.province for u in units.communes.values()} == set(units.provinces)
    assert units.provinces["11"].name == "Tỉnh Điện Biên"


def test_names_compare_without_kind_case_and_diacritics() -> None:
    """'Xã Nà Hỳ', 'nà hỳ' and 'Na Hy' are one name; 'Thuỷ' and 'Thủy' too."""
    assert name_key("Xã Nà Hỳ") == name_key("nà hỳ") == name_key("Na Hy") == "nahy"
    assert name_key("Xã Thanh Thuỷ") == name_key("Thanh Thủy")
    assert name_key("Tỉnh Điện Biên") == name_key("Điện Biên") == "dienbien"


def test_a_correct_2025_unit_is_accepted() -> None:
    """A province and commune whose codes exist and whose names match: no warning."""
    assert unit_problems("p.yaml", UnitClaim("", "11", "Tỉnh Điện Biên"),
                         [UnitClaim("communes[0] (A)", "03169", "Xã Nà Hỳ"),
                          UnitClaim("communes[1] (B)", "3169", "Nà Hỳ")]) == []


def test_nothing_given_nothing_checked() -> None:
    """A province naming no official unit gets no warning."""
    assert unit_problems("p.yaml", UnitClaim(""), [UnitClaim("communes[0] (A)")]) == []


def test_unknown_codes_and_mismatched_names_warn() -> None:
    """A province code and a commune code that do not exist, a name that is not
    its code's, and a commune of another province: one warning each, naming
    the field."""
    found = unit_problems("p.yaml", UnitClaim("", "99", ""),
                          [UnitClaim("communes[0] (A)", "99999", "")])
    assert [(p.where, p.severity) for p in found] == [("code", "warning"),
                                                       ("communes[0] (A).code", "warning")]
    assert "not an official 2025 province code" in found[0].what
    assert "not an official 2025 commune code" in found[1].what
    found = unit_problems("p.yaml", UnitClaim("", "12", "Tỉnh Điện Biên"),
                          [UnitClaim("communes[0] (A)", "03169", "Xã Nà Bủng")])
    assert [p.where for p in found] == ["name", "communes[0] (A).code", "communes[0] (A).name"]
    assert "Tỉnh Lai Châu" in found[0].what
    assert "is in Tỉnh Điện Biên, not in this province (Tỉnh Lai Châu)" in found[1].what
    assert "not the name of commune code 03169 (Xã Nà Hỳ)" in found[2].what


def test_pre_2025_names_warn_with_the_unit_they_became() -> None:
    """A commune name of before 1 July 2025 (Nậm Chua, merged into Nà Hỳ) and a
    province that no longer exists (Yên Bái, now in Lào Cai): warnings that
    name the 2025 unit and its code; a name that is still a 2025 commune
    (Nà Bủng) is not flagged."""
    found = unit_problems("p.yaml", UnitClaim("", "11", ""),
                          [UnitClaim("communes[0] (A)", "", "Xã Nậm Chua"),
                           UnitClaim("communes[1] (B)", "", "Xã Nà Bủng")])
    assert len(found) == 1 and found[0].where == "communes[0] (A).name"
    assert "before 1 July 2025" in found[0].what and "Xã Nà Hỳ (03169)" in found[0].what
    assert 'code: "03169"' in found[0].fix
    found = unit_problems("p.yaml", UnitClaim("", "", "Tỉnh Yên Bái"), [])
    assert len(found) == 1 and "Tỉnh Lào Cai (15)" in found[0].what
