"""Outcomes exported from the phone map, checked before they are imported.

The phone map (``map.html``, ``map-T1.html``) keeps the outcomes an officer
taps in the browser's storage and exports them as a CSV file in the
``plan.py record`` format, with one line before the header::

    # mountain-id-planner phone outcomes; plan=12f6533ffb87d577; crc32=89abcdef
    date,team,household_id,resident_id,outcome,note
    2026-11-24,T1,NK-0159,NK-0159-1,enrolled,chó dữ ở cổng
    2026-11-24,T3,,,,Điểm thu nhận 1 · Nhà văn hoá bản Phiêng Lanh · Số người đã thu nhận tại đây 12

``outcome`` is one of the six outcomes (``enrolled, not_home, refused,
retry_needed, moved, deceased``: the same set, in the same words, as the
itinerary's boxes); ``note`` is the note the officer typed on the stop. A
stop's note or count with no resident's outcome (a collection point, lunch, a
drop-off) is a row of its own with the outcome blank: kept in the file for
the team leader to read, skipped by the import like any blank row.

``plan`` is the id of the plan the map was drawn from (``plan.json``'s
``id``); ``crc32`` is the CRC-32 (hex) of ``"<plan id>\\n"`` followed by the
rest of the file in UTF-8. Before import, the file must be intact (the
checksum matches: it was not edited or cut short on the way) and come from a
plan of this campaign: a ``days/*/plan.json`` with that id, or a plan a day's
folder held before a re-plan replaced it (kept in the state's ``day_plans``),
so that an export from a map sent out before ``tomorrow`` re-planned the same
day still comes in (its rows are matched by resident and date).

What the checksum protects: the officer's taps on their way from the phone to
the planner (a file cut short by a messaging app, a row changed by hand). It
catches edits and damage, not a forger who recomputes it. A row that needs
changing is not edited in the export: import it as it is, then correct the
outcome (a ``correction`` row in a sheet, or ``plan.py record --correct``);
rows the import refuses go to a rejects file, a plain sheet to fix and import.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from planner.errors import InputError, Problem, msg

MAGIC = "# mountain-id-planner phone outcomes;"
_FIRST = re.compile(r"^# mountain-id-planner phone outcomes; plan=([0-9a-f]{16}); "
                    r"crc32=([0-9a-f]{8})$")
FIX_AGAIN = msg("export the outcomes again from the phone's map and send the new file as it is")


@dataclass(frozen=True)
class PhoneExport:
    """A checked phone export: the plan's id and the CSV after the first line."""

    plan_id: str
    csv_text: str


def checksum(plan_id: str, csv_text: str) -> str:
    """The export's CRC-32 (8 hex digits) of ``plan id + "\\n" + csv_text``."""
    return f"{zlib.crc32((plan_id + chr(10) + csv_text).encode('utf-8')) & 0xFFFFFFFF:08x}"


def is_phone_export(data: bytes) -> bool:
    """True when ``data`` starts like a phone export (a BOM allowed)."""
    return data.lstrip(b"\xef\xbb\xbf").startswith(MAGIC.encode("ascii"))


def parse_export(path: Path, data: bytes) -> PhoneExport:
    """Split and check a phone export; ``InputError`` naming ``path`` when its
    first line is not the export's or the checksum does not match."""
    try:
        text = data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        raise InputError(Problem(str(path), "", msg("not UTF-8 text"), FIX_AGAIN)) from None
    first, _nl, rest = text.replace("\r\n", "\n").partition("\n")
    m = _FIRST.match(first.strip())
    if m is None:
        raise InputError(Problem(str(path), "line 1", msg("the first line is not the phone "
                                     "export's (plan id and checksum)"), FIX_AGAIN))
    plan_id, crc = m.groups()
    if checksum(plan_id, rest) != crc:
        raise InputError(Problem(str(path), "", msg("the file was changed or cut short after the "
                                     "phone exported it (its checksum does not match)"),
                                 FIX_AGAIN))
    return PhoneExport(plan_id, rest)


def plan_of(path: Path) -> str | None:
    """The plan id a phone export names on its first line (None: not an export,
    or unreadable)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    if not is_phone_export(data):
        return None
    m = _FIRST.match(data.decode("utf-8", "replace").lstrip("\ufeff").splitlines()[0].strip())
    return m.group(1) if m else None


def campaign_plan_ids(campaign_dir: Path) -> dict[str, str]:
    """Plan id → day (``YYYY-MM-DD``) of every ``days/*/plan.json`` of the campaign."""
    out: dict[str, str] = {}
    for path in sorted((Path(campaign_dir) / "days").glob("*/plan.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("id"):
            out[str(data["id"])] = path.parent.name
    return out


def shift_rows(problem: Problem, path: Path) -> Problem:
    """A problem found in the checked copy, said of the phone's file (its rows
    are one further down, after the export's first line)."""
    where = re.sub(r"\b(row|line) (\d+)", lambda m: f"{m.group(1)} {int(m.group(2)) + 1}",
                   problem.where)
    return replace(problem, file=str(path), where=where)


@contextmanager
def outcomes_sheet(campaign_dir: Path, path: Path, earlier: dict[str, str] | None = None,
                   ) -> Iterator[Path]:
    """The sheet to import for ``path``: ``path`` itself for a spreadsheet; for
    a phone export, once checked (intact, from a plan of this campaign, or one
    of the ``earlier`` plans its days held: id → day), a copy of its CSV under
    the same file name. Problems found while importing the copy are reported
    with the phone file's name and row numbers."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        yield path  # the import names the file and why it cannot be read
        return
    if not is_phone_export(data):
        yield path
        return
    export = parse_export(path, data)
    known = {**(earlier or {}), **campaign_plan_ids(campaign_dir)}
    if export.plan_id not in known:
        days = ", ".join(sorted(known.values())) or "none"
        raise InputError(Problem(str(path), "line 1", msg("the outcomes come from plan "
                                     "{plan_id}, which is not a plan of the campaign in "
                                                          "{campaign_dir} (its days: {days})",
                                                          plan_id=export.plan_id,
                                                          campaign_dir=campaign_dir, days=days),
                                 msg("import the file into the campaign whose map the phone "
                                     "showed, or export again from this campaign's map")))
    folder = Path(tempfile.mkdtemp(prefix="phone-outcomes-"))
    try:
        copy = folder / path.name
        copy.write_text(export.csv_text, encoding="utf-8")
        try:
            yield copy
        except InputError as exc:
            raise InputError([shift_rows(p, path) for p in exc.problems]) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
