"""Who a household and a resident are, for people: the names the workspace
shows beside the codes (``plan.json`` and the campaign state hold codes only).

A household is named by its head: the first resident of its rows in the
households list (the list keeps the head first), and its village's name.
Read from the campaign's scenario, kept until a file beside the scenario
changes (a page must answer in well under 200 ms). Read-only; the names stay
in memory and in the pages, never in a log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from planner.app.loaded import campaign_meta, files_signature
from planner.state.store import campaign_scenario


@dataclass(frozen=True)
class Person:
    """A resident: ``id``, ``name``, ``household`` id, ``condition``."""

    id: str
    name: str
    household: str
    condition: str


@dataclass(frozen=True)
class Names:
    """The names of a campaign: household id → ``(head's name, village
    name)``, village id → name, resident id → ``Person`` (in the list's
    order)."""

    households: dict[str, tuple[str, str]] = field(default_factory=dict)
    villages: dict[str, str] = field(default_factory=dict)
    residents: dict[str, Person] = field(default_factory=dict)

    def household(self, hid: str) -> str:
        """``"head's name (village)"`` of household ``hid``; the id itself
        when the scenario does not know it."""
        head, village = self.households.get(hid, ("", ""))
        if not head:
            return hid
        return f"{head} ({village})" if village else head

    def several(self, ids: list[str] | tuple[str, ...]) -> str:
        """Households ``ids`` named (``household``), joined by commas."""
        return ", ".join(self.household(h) for h in ids)

    def village(self, vid: str) -> str:
        """The name of village ``vid`` (the id when unknown)."""
        return self.villages.get(vid, vid)


_KEPT: dict[Path, tuple[tuple, Names]] = {}


def _signature(scenario: Path) -> tuple:
    """What the names depend on, as seen on disk: the campaign's scenario
    path and the files beside it (``app.loaded.files_signature``)."""
    return (str(scenario), files_signature((scenario.parent,)))


def campaign_names(folder: Path) -> Names:
    """The names of the campaign in ``folder`` (``InputError`` when its
    scenario is gone), from its scenario as the campaign reads it."""
    folder = Path(folder)
    info = campaign_meta(folder)
    signature = _signature(Path(info.get("scenario", "")))
    kept = _KEPT.get(folder)
    if kept is not None and kept[0] == signature:
        return kept[1]
    scenario, _warnings, _table = campaign_scenario(folder, info)
    villages = {v.id: v.name for v in scenario.villages}
    households = {h.id: (h.residents[0].full_name if h.residents else "",
                         villages.get(h.village_id, h.village_id))
                  for h in scenario.households}
    residents = {r.id: Person(r.id, r.full_name, h.id, r.condition)
                 for h in scenario.households for r in h.residents}
    names = Names(households, villages, residents)
    _KEPT[folder] = (signature, names)
    return names
