"""Official administrative units (since 1 July 2025): check a province's and
its communes' official codes and names.

A province.yaml may give the province's official ``code:`` (2 digits, e.g.
``"11"`` for Điện Biên) and each commune's ``code:`` (5 digits) and official
``name:`` (``Xã Nà Hỳ``). ``unit_problems`` checks them against the 2025 list
(34 provinces, 3,321 communes, wards and special zones) and returns warnings:

- a code that is not an official 2025 code;
- a commune code of another province than the province's code;
- a name that is not the name of its code;
- a pre-2025 name (a province or commune that was merged or renamed on
  1 July 2025), naming the unit it became.

The lists come from two packages read offline (nothing is downloaded):
``vietnam-provinces`` (the 2025 codes and names as published by the General
Statistics Office) and ``vietnam-address-converter`` (which pre-2025 commune
became which 2025 one; its own codes are not the official ones and are not
used). Both load only when a province gives a code or an official name.

Names are compared without their kind (``Tỉnh``, ``Thành phố``, ``Xã``,
``Phường``, ``Đặc khu``, ``Thị trấn``), case, diacritics and spacing, so
``Xã Nà Hỳ``, ``nà hỳ`` and ``Na Hy`` are one name; "Thuỷ" and "Thủy" too.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from planner.errors import Problem, msg

KINDS = ("thanh pho", "tinh", "xa", "phuong", "dac khu", "thi tran")
"""Words naming a unit's kind, dropped before names are compared (without diacritics)."""


@dataclass(frozen=True)
class UnitClaim:
    """What a file says of one unit: ``where`` it says it (``commune Na-Bung, communes[2]``),
    its official ``code`` and ``name`` ('' when not given)."""

    where: str
    code: str = ""
    name: str = ""


@dataclass(frozen=True)
class Unit:
    """One official 2025 unit: its code (2 digits for a province, 5 for a
    commune), its name (``Xã Nà Hỳ``) and its province's code."""

    code: str
    name: str
    province: str


@dataclass(frozen=True)
class Units:
    """The 2025 list and what each pre-2025 name became.

    ``provinces``/``communes``: by code; ``province_by_key``: a province's
    code by its name's key; ``commune_by_key``: commune codes by (province
    code, name key); ``old_provinces``: a pre-2025 province name key → the
    2025 province codes it went into; ``old_communes``: (2025 province code,
    pre-2025 commune name key) → the 2025 commune codes it went into."""

    provinces: dict[str, Unit]
    communes: dict[str, Unit]
    province_by_key: dict[str, str]
    commune_by_key: dict[tuple[str, str], tuple[str, ...]]
    old_provinces: dict[str, tuple[str, ...]]
    old_communes: dict[tuple[str, str], tuple[str, ...]]


def name_key(name: str) -> str:
    """``name`` without its kind, case, diacritics, punctuation and spacing:
    ``'Xã Nà Hỳ'`` → ``'nahy'``; ``'Tỉnh Điện Biên'`` → ``'dienbien'``."""
    text = unicodedata.normalize("NFD", str(name).casefold().replace("đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = re.sub(r"[^a-z0-9 ]+", " ", text).strip()
    for kind in KINDS:
        if text.startswith(kind + " "):
            text = text[len(kind) + 1:]
            break
    return text.replace(" ", "")


def _code(value: str, width: int) -> str:
    """A code as the list writes it: digits, zero-padded to ``width`` ('' when not digits)."""
    value = str(value).strip()
    return value.zfill(width) if value.isdigit() else ""


@functools.lru_cache(maxsize=1)
def official_units() -> Units:
    """The 2025 units and the pre-2025 names' successors (loaded once, about 0.5 s)."""
    # imported here: the two lists (10 MB) load only when a province gives an official unit
    from vietnam_address_converter.data import DEFAULT_DATA
    from vietnam_provinces import Province as VpProvince
    from vietnam_provinces import Ward as VpWard

    provinces = {}
    for p in VpProvince.iter_all():
        code = _code(int(p.code), 2)
        kind = "" if p.name.startswith("Thành phố") else "Tỉnh "
        provinces[code] = Unit(code, unicodedata.normalize("NFC", kind + p.name), code)
    communes = {}
    commune_by_key: dict[tuple[str, str], tuple[str, ...]] = {}
    for w in VpWard.iter_all():
        unit = Unit(_code(int(w.code), 5), unicodedata.normalize("NFC", w.name),
                    _code(int(w.province_code), 2))
        communes[unit.code] = unit
        key = (unit.province, name_key(unit.name))
        commune_by_key[key] = commune_by_key.get(key, ()) + (unit.code,)
    province_by_key = {name_key(u.name): c for c, u in provinces.items()}
    old_provinces: dict[str, tuple[str, ...]] = {}
    old_communes: dict[tuple[str, str], tuple[str, ...]] = {}
    for row in DEFAULT_DATA["mapping"]["rows"]:
        new_p = province_by_key.get(name_key(row["new"]["province_name"]))
        if new_p is None:
            continue
        old_p = name_key(row["old"]["province_name"])
        if new_p not in old_provinces.get(old_p, ()):
            old_provinces[old_p] = old_provinces.get(old_p, ()) + (new_p,)
        became = commune_by_key.get((new_p, name_key(row["new"]["ward_name"])), ())
        key = (new_p, name_key(row["old"]["ward_name"]))
        for code in became:
            if code not in old_communes.get(key, ()):
                old_communes[key] = old_communes.get(key, ()) + (code,)
    return Units(provinces, communes, province_by_key, commune_by_key, old_provinces,
                 old_communes)


def _named(units: dict[str, Unit], codes: tuple[str, ...]) -> list[str]:
    """``'Xã Nà Hỳ (03169)'`` for each code (a message shows the list joined by ', ')."""
    return [f"{units[c].name} ({c})" for c in codes]


def _province(file: str, claim: UnitClaim, units: Units, out: list[Problem]) -> str:
    """Check the province's code and name; its 2025 code ('' when unknown)."""
    code = _code(claim.code, 2) if claim.code else ""
    key = name_key(claim.name) if claim.name else ""
    if claim.code and code not in units.provinces:
        out.append(Problem(file, "code", msg("'{code}' is not an official 2025 province code",
                                             code=claim.code),
                           msg("give the province's 2-digit code of the 2025 list (34 "
                               "provinces, e.g. code: \"11\" for Tỉnh Điện Biên) or remove "
                               "code:"), "warning"))
        code = ""
    if code and key and key != name_key(units.provinces[code].name):
        out.append(Problem(file, "name", msg("'{name}' is not the name of province code {code} "
                                             "({official})", name=claim.name, code=code,
                                             official=units.provinces[code].name),
                           msg("write name: {official}, or fix the code",
                               official=units.provinces[code].name), "warning"))
    if key and key not in units.province_by_key and key in units.old_provinces:
        became = units.old_provinces[key]
        out.append(Problem(file, "name", msg("'{name}' is a province before 1 July 2025; it "
                                             "is now part of {became}", name=claim.name,
                                             became=_named(units.provinces, became)),
                           msg("write the 2025 province: name: {official} and code: "
                               "\"{code}\"", official=units.provinces[became[0]].name,
                               code=became[0]), "warning"))
        code = code or (became[0] if len(became) == 1 else "")
    return code or units.province_by_key.get(key, "")


def _commune(file: str, claim: UnitClaim, province: str, units: Units,
             out: list[Problem]) -> None:
    """Check one commune's code and name (``province``: the 2025 province code, or '')."""
    code = _code(claim.code, 5) if claim.code else ""
    key = name_key(claim.name) if claim.name else ""
    if claim.code and code not in units.communes:
        out.append(Problem(file, f"{claim.where}.code",
                           msg("'{code}' is not an official 2025 commune code", code=claim.code),
                           msg("give the commune's 5-digit code of the 2025 list (ask the "
                               "provincial police) or remove code:"), "warning"))
        code = ""
    unit = units.communes.get(code)
    if unit and province and unit.province != province:
        out.append(Problem(file, f"{claim.where}.code",
                           msg("commune code {code} ({name}) is in {other}, not in this "
                               "province ({mine})", code=code, name=unit.name,
                               other=units.provinces[unit.province].name,
                               mine=units.provinces[province].name),
                           msg("fix the commune's code or the province's code"), "warning"))
    if unit and key and key != name_key(unit.name):
        out.append(Problem(file, f"{claim.where}.name",
                           msg("'{name}' is not the name of commune code {code} ({official})",
                               name=claim.name, code=code, official=unit.name),
                           msg("write name: {official}, or fix the code", official=unit.name),
                           "warning"))
        return
    if not key or unit:
        return
    scope = [province] if province else list(units.provinces)
    if any((p, key) in units.commune_by_key for p in scope):
        return  # a 2025 name
    became = tuple(c for p in scope for c in units.old_communes.get((p, key), ()))
    if became:
        out.append(Problem(file, f"{claim.where}.name",
                           msg("'{name}' is a commune before 1 July 2025; it is now part of "
                               "{became}", name=claim.name,
                               became=_named(units.communes, became)),
                           msg("write the 2025 commune: name: {official} and code: \"{code}\"",
                               official=units.communes[became[0]].name, code=became[0]),
                           "warning"))


def unit_problems(file: str, province: UnitClaim, communes: list[UnitClaim]) -> list[Problem]:
    """Warnings on the official units a province file names (see the module
    docstring); none, and nothing loaded, when it names none."""
    if not any(c.code or c.name for c in (province, *communes)):
        return []
    units = official_units()
    out: list[Problem] = []
    code = _province(file, province, units, out)
    for claim in communes:
        if claim.code or claim.name:
            _commune(file, claim, code, units, out)
    return out
