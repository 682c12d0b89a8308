"""The households table: one row per resident who needs enrolment, rows of
the same ``household_id`` forming one household.

Each row is read in two stages, the resident's own cells then where the
household is (its village, its lon/lat or else the village centre, marked
approximate); rows are then merged into households, which must agree on
village and coordinates. Hours at home become ``Window``s in seconds after
midnight.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from planner.atomic import stem_key
from planner.domain import CONDITIONS, MODES, Household, Resident, Village, Window
from planner.errors import msg, reason_of
from planner.scenario.table import read_table
from planner.scenario.values import (
    MAX_ID_LEN,
    MAX_NAME_LEN,
    _clip,
    _Collector,
    _coords,
    _count,
    fold,
    nfc,
    parse_windows,
)

CONDITION_ALIASES = {
    "nam liet giuong": "bedridden", "liet giuong": "bedridden", "khuyet tat": "disabled",
    "nguoi khuyet tat": "disabled", "cao tuoi": "elderly", "nguoi cao tuoi": "elderly",
    "sau sinh": "postpartum", "phu nu sau sinh": "postpartum", "binh thuong": "able",
    "khoe manh": "able",
}
MODE_ALIASES = {"tai nha": "home", "dua don": "shuttle", "diem thu": "point",
                "tu dong": "auto"}
CONDITION_WORDS = "nằm liệt giường, khuyết tật, cao tuổi, sau sinh, bình thường"
"""The Vietnamese words of the five conditions (read through ``CONDITION_ALIASES``)."""
MODE_WORDS = "tại nhà, đưa đón, điểm thu, tự động"
"""The Vietnamese words of the four modes (read through ``MODE_ALIASES``)."""


def _match_village(value: str, villages: list[Village]) -> Village | None:
    """The village whose id is ``value``, else whose id or name folds to it."""
    for v in villages:
        if value == v.id:
            return v
    folded = fold(value)
    for v in villages:
        if folded in (fold(v.id), fold(v.name)):
            return v
    return None


def _parse_households(path: Path, villages: list[Village], col: _Collector,
                      base: Path | None = None, rejected: frozenset[str] = frozenset(),
                      ) -> list[Household]:
    """The households of the table at ``path``, in the order of their first row;
    a household with no valid village, coordinates or resident is left out.
    ``base``: the scenario's folder (``read_table``); ``rejected``: the folded
    ids and names of villages already reported as not valid (their
    households are left out without a follow-on "unknown village")."""
    rows = read_table(path, col, base=base)
    if rows is None:
        return []
    households: dict[str, dict[str, Any]] = {}
    seen_residents: dict[str, int] = {}
    stems: dict[str, tuple[str, int]] = {}
    for number, row in rows:
        where = f"row {number}"
        hid = nfc(row.get("household_id"))
        if not hid:
            col.error(f"{where}, field household_id", msg("missing"),
                      msg("give the household's code (the same on every row of that household)"))
            continue
        if len(hid) > MAX_ID_LEN:
            col.error(f"{where}, field household_id", msg("{length:,} characters long",
                                                          length=len(hid)),
                      msg("give a short code (at most {MAX_ID_LEN} characters)",
                          MAX_ID_LEN=MAX_ID_LEN))
            continue
        if hid not in households:
            _check_id_collision(hid, number, stems, col)
        resident, condition, mode = _row_resident(row, number, seen_residents, col)
        village, coords, approximate = _row_place(row, where, villages, col, rejected)
        if mode == "shuttle" and condition == "bedridden":
            col.error(f"{where}, field mode", msg("a bedridden resident cannot ride a motorbike "
                          "to the office"), msg("set the mode to home (or auto)"))
        entry = households.get(hid)
        if entry is None:
            households[hid] = {"row": number, "village": village, "coords": coords,
                               "approximate": approximate, "contact": nfc(row.get("contact")),
                               "residents": [resident] if resident else [],
                               "notes": ""}
            if approximate:
                col.warn(f"{where}, fields lon/lat",
                         msg("household {hid} has no coordinates; placed at its village centre",
                             hid=hid),
                         msg("add its lon/lat for an exact route (the plan marks it approximate)"))
        else:
            _check_same_household(entry, hid, where, village, coords, approximate, col)
            if resident:
                entry["residents"].append(resident)
    result = []
    for hid, entry in households.items():
        if entry["village"] is None or entry["coords"] is None or not entry["residents"]:
            continue
        result.append(Household(
            id=hid, village_id=entry["village"].id, lon=entry["coords"][0],
            lat=entry["coords"][1], residents=tuple(entry["residents"]),
            contact=entry["contact"], approximate=entry["approximate"]))
    return result


def _row_resident(row: dict[str, Any], number: int, seen_residents: dict[str, int],
                  col: _Collector) -> tuple[Resident | None, str | None, str | None]:
    """The resident of table row ``number`` (None when a cell of theirs is not
    valid, reported), with their condition and mode (None when not valid).
    ``seen_residents`` maps each resident id met so far to its row."""
    where = f"row {number}"
    rid = nfc(row.get("resident_id"))
    if not rid:
        col.error(f"{where}, field resident_id", msg("missing"), msg("give each resident a code"))
    elif rid in seen_residents:
        col.error(f"{where}, field resident_id",
                  msg("duplicate resident id '{rid}' (also on row {seen_residents})",
                      rid=rid, seen_residents=seen_residents[rid]),
                  msg("give each resident their own id"))
    else:
        seen_residents[rid] = number
    name = nfc(row.get("full_name"))
    if not name:
        col.error(f"{where}, field full_name", msg("missing"), msg("give the resident's full name"))
    elif len(name) > MAX_NAME_LEN:
        col.error(f"{where}, field full_name", msg("{length:,} characters long", length=len(name)),
                  msg("give the name only (at most {MAX_NAME_LEN} characters)",
                      MAX_NAME_LEN=MAX_NAME_LEN))
        name = ""
    cond_raw = nfc(row.get("condition"))
    condition = cond_raw.lower() if cond_raw.lower() in CONDITIONS else \
        CONDITION_ALIASES.get(fold(cond_raw))
    if condition is None:
        col.error(f"{where}, field condition", msg("unknown condition '{cond_raw}'",
                                                   cond_raw=_clip(cond_raw)),
                  msg("use one of: {listing} (or in Vietnamese: {words})",
                      listing=', '.join(CONDITIONS), words=CONDITION_WORDS))
    windows: tuple[Window, ...] = ()
    try:
        windows = parse_windows(row.get("available"))
    except ValueError as exc:
        col.error(f"{where}, field available", reason_of(exc),
                  msg("write hours at home as HH:MM-HH:MM, several separated by ';'"))
    mode_raw = nfc(row.get("mode")) or "home"
    mode = mode_raw.lower() if mode_raw.lower() in MODES else MODE_ALIASES.get(fold(mode_raw))
    if mode is None:
        col.error(f"{where}, field mode", msg("unknown mode '{mode_raw}'",
                                              mode_raw=_clip(mode_raw)),
                  msg("use one of: {listing} (or in Vietnamese: {words})",
                      listing=', '.join(MODES), words=MODE_WORDS))
    waiting = 0
    if nfc(row.get("waiting_days")):
        value = _count(row.get("waiting_days"), f"{where}, field waiting_days", col,
                       "waiting_days", 0, 10000)
        waiting = value if value is not None else 0
    resident = None
    if rid and name and condition and mode is not None:
        resident = Resident(id=rid, full_name=name, condition=condition,  # type: ignore
                            windows=windows, mode=mode, waiting_days=waiting,  # type: ignore
                            id_number=nfc(row.get("id_number")), notes=nfc(row.get("notes")))
    return resident, condition, mode


def _check_id_collision(hid: str, number: int, stems: dict[str, tuple[str, int]],
                        col: _Collector) -> None:
    """Report household ``hid`` (first on row ``number``) when another one's id
    differs from it only in case or punctuation (``H/1``, ``h_1``): the two
    would share a file name or be confused on paper. ``stems`` maps each
    ``stem_key`` met so far to its id and row."""
    key = stem_key(hid)
    if key in stems and stems[key][0] != hid:
        other, at = stems[key]
        col.error(f"row {number}, field household_id",
                  msg("household '{hid}' and household '{other}' (row {at}) differ "
                      "only in case or punctuation; files and lists would mix them up",
                      hid=_clip(hid), other=_clip(other), at=at),
                  msg("give one of them a clearly different code"))
    stems.setdefault(key, (hid, number))


def _row_place(row: dict[str, Any], where: str, villages: list[Village], col: _Collector,
               rejected: frozenset[str] = frozenset(),
               ) -> tuple[Village | None, tuple[float, float] | None, bool]:
    """The village of a table row, its (lon, lat) and whether they are
    approximate (no lon/lat given: the village centre); None for what is not
    valid. A village in ``rejected`` (folded ids and names of villages already
    reported) is not reported again."""
    village_raw = nfc(row.get("village"))
    village = _match_village(village_raw, villages) if village_raw else None
    if village_raw and village is None and fold(village_raw) in rejected:
        return None, None, False  # its village's own problem is reported in the YAML
    if village_raw and village is None:
        col.error(f"{where}, field village", msg("unknown village '{village_raw}'",
                                                 village_raw=_clip(village_raw)),
                  msg("use a village id or name listed under villages: in the YAML"))
    elif not village_raw:
        col.error(f"{where}, field village", msg("missing"), msg("give the household's village"))
    lon_raw, lat_raw = row.get("lon"), row.get("lat")
    coords: tuple[float, float] | None = None
    approximate = False
    if nfc(lon_raw) or nfc(lat_raw):
        coords = _coords(lon_raw, lat_raw, f"{where}, fields lon/lat", col)
    elif village is not None:
        coords = (village.lon, village.lat)
        approximate = True
    else:
        coords = None
    return village, coords, approximate


def _check_same_household(entry: dict[str, Any], hid: str, where: str,
                          village: Village | None, coords: tuple[float, float] | None,
                          approximate: bool, col: _Collector) -> None:
    """A further row of household ``hid`` must give the village and the exact
    coordinates of its first row (``entry``)."""
    if village is not None and entry["village"] is not None \
            and village.id != entry["village"].id:
        col.error(f"{where}, field village",
                  msg("household {hid} is in village '{id}' on row "
                      "{row} but '{id2}' here",
                      hid=hid, id=entry['village'].id, row=entry['row'], id2=village.id),
                  msg("use the same village on every row of a household"))
    if coords and entry["coords"] and not approximate and not entry["approximate"] \
            and (abs(coords[0] - entry["coords"][0]) > 1e-6
                 or abs(coords[1] - entry["coords"][1]) > 1e-6):
        col.error(f"{where}, fields lon/lat",
                  msg("household {hid} has other coordinates on row {row}",
                      hid=hid, row=entry['row']),
                  msg("use the same lon/lat on every row of a household"))
