"""Days whose inputs did not change keep their plan: the memo of a campaign's
day plans.

``plan.py tomorrow`` plans the rest of a campaign again from what was done.
Most days further out are offered the same households by the same teams in
the same season as last time: solving them again costs seconds each and
gives the same plan, or a different one for no reason a person could see.
So every call of the day planner a campaign makes (``plan_one_day``, through
``planner.campaign.loop``) is keyed by everything it reads (``DayMemo.key``):
the day's scenario (the households and residents offered, with their
waiting days; the teams on duty; the date, season and parameters), the
campaign's travel matrices and speed table, the time limit, the seed's
offset within the day (the first try, a retry, a tail's attempts) and the
campaign's seed, the engine and whether the repair relocates, the announced
points and shuttles held that day, the decisions that steer it, and the part
of the presence model that speaks of the households offered (their prior,
their own and their villages' outcomes). A call whose key the last run made
returns that run's day plan without solving; any other call solves. Two
more answers need no solve (``DayMemo.plan``):

- a forecast day (``CampaignOptions.full_days``: planned at the cheaper
  "sweep" fidelity) is answered by the last run's *full* plan of the same
  inputs, when there is one;
- a day whose points or shuttles were announced since (by the last run
  itself: ``tomorrow`` announces the points of its first days) is answered
  by the last run's plan of the same inputs made with fewer of them held,
  when that plan keeps every one now held (``keeps``: a session in the
  village at the place, opening at the announced minute and closing no
  earlier; a pickup at home from the announced time to
  ``SHUTTLE_TOLERANCE_S`` later), as ``tomorrow``'s check of announced
  points and shuttles (``planner.campaign.corrections``) counts them kept.

The memo of a run is kept in the campaign folder (``.day-memo.pickle``,
written atomically; a pickle, as trusted as the folder: the campaign's own
files). A memo that cannot be read is ignored (with a log line): every day
is then solved. ``DayMemo.kept`` names the days whose final plan is the one
the last run wrote for that date, with the same language and redaction, and
whose ``plan.json`` is still the one it wrote (a day edited by hand since is
written again): their folders stay as they are (``planner.state.tomorrow``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import logging
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from planner.atomic import atomic_path
from planner.campaign.dayloop import SHUTTLE_TOLERANCE_S, DayPlan
from planner.campaign.folders import day_dir
from planner.campaign.workspace import Workspace
from planner.clock import format_clock
from planner.domain import Household
from planner.presence import PresenceModel
from planner.speeds import table_key

log = logging.getLogger(__name__)

MEMO_NAME = ".day-memo.pickle"
MEMO_VERSION = 3


def canon(value: Any) -> Any:
    """``value`` as plain JSON values in one canonical form: dataclasses by
    their fields, mappings and sets sorted, floats by ``repr``, dates in ISO,
    numpy arrays by the SHA-256 of their bytes, functions by their name."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, enum.Enum):
        return canon(value.value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Path):
        return value.as_posix()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__] + [[f.name, canon(getattr(value, f.name))]
                                         for f in dataclasses.fields(value)]
    if isinstance(value, Mapping):
        return ["map", sorted(([canon(k), canon(v)] for k, v in value.items()),
                              key=lambda kv: json.dumps(kv, sort_keys=True))]
    if isinstance(value, set | frozenset):
        return ["set", sorted((canon(v) for v in value),
                              key=lambda v: json.dumps(v, sort_keys=True))]
    if isinstance(value, list | tuple):
        return [canon(v) for v in value]
    if isinstance(value, np.ndarray):
        return ["nd", str(value.dtype), list(value.shape),
                hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()]
    if isinstance(value, np.generic):
        return canon(value.item())
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
    return [type(value).__name__, repr(value)]


def presence_view(model: PresenceModel | None, households: list[Household]) -> Any:
    """What ``model`` says of ``households`` (canonical): its parameters and
    ``κ``, and per household its prior, failed visits, own outcomes and its
    village's outcomes. Outcomes recorded elsewhere leave it unchanged."""
    if model is None:
        return None
    hids = {h.id for h in households}
    villages = {p.village_id for hid, p in model.priors.items() if hid in hids}
    return canon([model.params, model.kappa, sorted(model.ignored),
                  {hid: (model.priors.get(hid), model.failed.get(hid)) for hid in hids},
                  {k: v for k, v in model.own.items() if k[0] in hids},
                  {k: v for k, v in model.village.items() if k[0] in villages}])


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=True)
                          .encode()).hexdigest()


def _held(points: Mapping[str, tuple] | None, shuttles: Mapping[str, int] | None,
          ) -> frozenset[str]:
    """The announced points (village → slot) and shuttles (household →
    pickup s) held on a call, one canonical item each."""
    return frozenset([json.dumps(["point", v, canon(slot)]) for v, slot in (points or {}).items()]
                     + [json.dumps(["shuttle", h, int(t)]) for h, t in (shuttles or {}).items()])


def keeps(day: DayPlan, held: frozenset[str]) -> bool:
    """Whether ``day``'s plan keeps every announced point and shuttle of
    ``held`` (``_held``): a session in the village at the slot's place,
    opening at its minute and closing no earlier; a pickup at home of the
    household starting from the announced time to ``SHUTTLE_TOLERANCE_S``
    later."""
    sessions = day.point_sessions
    pickups = {s.household: s.arrive_s + s.wait_s for r in day.plan.routes for s in r.stops
               if s.kind == "pickup" and s.place == "home" and s.household}
    for item in held:
        kind, ident, slot = json.loads(item)
        if kind == "shuttle":
            if not slot <= pickups.get(ident, -1) <= slot + SHUTTLE_TOLERANCE_S:
                return False
            continue
        place, opens_s, closes_s = slot[0], int(slot[1]), int(slot[2])
        if not any(x["village"] == ident and x["place"] == place
                   and format_clock(x["opens_s"]) == format_clock(opens_s)
                   and format_clock(x["closes_s"]) >= format_clock(closes_s)
                   for x in sessions):
            return False
    return True


@dataclass(frozen=True)
class Call:
    """One call of the day planner as the memo sees it: ``keys``, the keys
    that may answer it, best first (a forecast day's full key, then its own:
    the last), and ``loose`` the same without the announced points and
    shuttles held, which ``held`` lists (``_held``)."""

    keys: tuple[str, ...]
    loose: tuple[str, ...]
    held: frozenset[str]


@dataclass
class DayMemo:
    """The day plans of the last run (``old``, by key) and of this one
    (``new``); ``old_loose`` / ``new_loose``: a call's key without its held
    points and shuttles → (those held, the key of the plan); ``solved`` and
    ``reused`` count the calls of each date that solved or were answered
    from ``old``; ``finals`` the key of each date's final plan in the last
    run, with the ``settings`` (language, redaction) its folder was written
    with."""

    old: dict[str, DayPlan] = field(default_factory=dict)
    old_finals: dict[dt.date, str] = field(default_factory=dict)
    old_settings: Any = None
    old_files: dict[dt.date, str] = field(default_factory=dict)
    old_loose: dict[str, list[tuple[frozenset[str], str]]] = field(default_factory=dict)
    new: dict[str, DayPlan] = field(default_factory=dict)
    new_loose: dict[str, list[tuple[frozenset[str], str]]] = field(default_factory=dict)
    #: the last run's and this run's whole re-plan (``whole_run``, ``keep_run``):
    #: (its inputs' key, the announcements it leaves, its result)
    old_run: tuple[str, str, Any] | None = None
    new_run: tuple[str, str, Any] | None = None
    solved: dict[dt.date, int] = field(default_factory=dict)
    reused: dict[dt.date, int] = field(default_factory=dict)
    _key_of: dict[int, tuple[str, DayPlan, str]] = field(default_factory=dict, repr=False)
    _ws_keys: dict[int, str] = field(default_factory=dict, repr=False)

    def workspace_key(self, ws: Workspace) -> str:
        """The key of the campaign's travel matrices (every season's), their
        sites and the speed table; computed once per workspace."""
        ident = id(ws.matrices)
        if ident not in self._ws_keys:
            self._ws_keys[ident] = _digest([table_key(ws.table), canon(ws.matrices),
                                            canon(sorted(ws.row_of.items()))])
        return self._ws_keys[ident]

    def call(self, ws: Workspace, day_scenario: Any, presence: PresenceModel | None,
             rests: list[Any], points: Mapping[str, tuple] | None,
             shuttles: Mapping[str, int] | None) -> Call:
        """The ``Call`` of the day planner over ``day_scenario`` (the day's
        scenario before any shuttle is held) that each of ``rests`` (the
        other arguments, best first, the call's own last) may answer, with
        the announced ``points`` and ``shuttles`` held."""
        base = [MEMO_VERSION, self.workspace_key(ws), canon(day_scenario),
                presence_view(presence, list(day_scenario.households))]
        held = _held(points, shuttles)
        loose = tuple(_digest(base + [canon(rest)]) for rest in rests)
        keys = tuple(_digest(base + [canon(rest), sorted(held)]) for rest in rests)
        return Call(keys, loose, held)

    def _answer(self, call: Call) -> tuple[int, str] | None:
        """Which of ``call``'s keys the last run answers (its index) and the
        key of the plan that answers it: the same key, else a plan made with
        fewer announcements held that keeps those held now."""
        for k, key in enumerate(call.keys):
            if key in self.old:
                return k, key
        for k, loose in enumerate(call.loose):
            for held, key in self.old_loose.get(loose, ()):
                if held < call.held and key in self.old and keeps(self.old[key], call.held):
                    return k, key
        return None

    def plan(self, call: Call, day: dt.date, pending_before: int,
             solve: Callable[[], DayPlan]) -> DayPlan:
        """The day plan of ``call``: the last run's that answers it (with
        today's ``pending_before``), else ``solve()``."""
        found = self._answer(call)
        if found is not None:
            k, origin = found
            result = replace(self.old[origin], pending_before=pending_before)
            self.reused[day] = self.reused.get(day, 0) + 1
        else:
            k, origin = len(call.keys) - 1, call.keys[-1]
            result = solve()
            self.solved[day] = self.solved.get(day, 0) + 1
        kept = replace(result, pending_before=0)
        for key, loose in {(call.keys[k], call.loose[k]), (call.keys[-1], call.loose[-1])}:
            self.new[key] = kept
            self.new_loose.setdefault(loose, []).append((call.held, key))
        self._key_of[id(result)] = (call.keys[k], result, origin)  # its id stays its own
        return result

    def run_key(self, ws: Workspace, inputs: Any) -> str:
        """The key of a whole re-plan: the workspace and its other ``inputs``
        (canonical), the announcements aside."""
        return _digest([MEMO_VERSION, self.workspace_key(ws), canon(inputs)])

    def whole_run(self, key: str, announced: Any) -> Any:
        """The last run's whole result when its inputs' ``key`` is this one's
        and the announcements read now (canonical) are those it left: the
        points and shuttles it announced itself, kept by that very result.
        Its days count as reused (their folders are kept as ``kept`` says).
        None otherwise."""
        if self.old_run is None or self.old_run[:2] != (key, _digest(canon(announced))):
            return None
        result = self.old_run[2]
        for d in result.days:
            old = self.old_finals.get(d.date)
            if old is None:
                return None
            self._key_of[id(d)] = (old, d, old)
        for d in result.days:
            self.new[self._key_of[id(d)][0]] = d
            self.reused[d.date] = self.reused.get(d.date, 0) + 1
        return result

    def keep_run(self, key: str, announced: Any, result: Any) -> None:
        """Keep this run's ``result`` under its inputs' ``key`` with the
        announcements it leaves (``announced``, as the next run reads them)."""
        self.new_run = (key, _digest(canon(announced)), result)

    def finals(self, days: list[DayPlan]) -> dict[dt.date, str]:
        """The key of each of ``days`` (a run's final plans) that came as it is
        from a call of the day planner."""
        return {d.date: entry[0] for d in days
                if (entry := self._key_of.get(id(d))) is not None and entry[1] is d}

    def origins(self, days: list[DayPlan]) -> dict[dt.date, str]:
        """The key, in the last run, of the plan each of ``days`` came from
        (its own key when it was solved in this run)."""
        return {d.date: entry[2] for d in days
                if (entry := self._key_of.get(id(d))) is not None and entry[1] is d}

    def kept(self, folder: Path, days: list[DayPlan], settings: Any) -> set[dt.date]:
        """The dates of ``days`` whose final plan is the last run's final plan
        of that date, written with the same ``settings``, whose folder in the
        campaign ``folder`` still holds the ``plan.json`` that run wrote (not
        edited since): their folders keep their files."""
        if canon(settings) != self.old_settings:
            return set()
        return {when for when, key in self.origins(days).items()
                if self.old_finals.get(when) == key and self.reused.get(when)
                and not self.solved.get(when)
                and _plan_file_key(folder, when) == self.old_files.get(when)}


def _plan_file_key(folder: Path, day: dt.date) -> str | None:
    """The SHA-256 of the ``plan.json`` of ``day`` in the campaign ``folder``
    (None when it cannot be read)."""
    try:
        return hashlib.sha256((day_dir(folder, day) / "plan.json").read_bytes()).hexdigest()
    except OSError:
        return None


def read_memo(folder: Path) -> DayMemo:
    """The memo the last run left in the campaign ``folder`` (empty when there
    is none, or it cannot be read: logged)."""
    path = Path(folder) / MEMO_NAME
    try:
        with open(path, "rb") as fh:
            data = pickle.load(fh)
        if not isinstance(data, dict) or data.get("version") != MEMO_VERSION:
            raise ValueError("another version")
        return DayMemo(old=dict(data["plans"]), old_finals=dict(data["finals"]),
                       old_settings=data["settings"], old_files=dict(data["files"]),
                       old_loose=dict(data["loose"]), old_run=data["run"])
    except FileNotFoundError:
        return DayMemo()
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
            IndexError, KeyError, ValueError, TypeError) as exc:
        log.warning("day memo %s unreadable (%s): every day is planned again", path,
                    type(exc).__name__)
        return DayMemo()


def write_memo(folder: Path, memo: DayMemo, days: list[DayPlan], settings: Any) -> Path | None:
    """Keep this run's day plans (``memo.new``), the key of each final day and
    the ``settings`` its folders were written with, in the campaign
    ``folder`` (atomically). None when it cannot be written (logged: the
    next re-plan solves every day)."""
    path = Path(folder) / MEMO_NAME
    finals = memo.finals(days)
    data = {"version": MEMO_VERSION, "plans": memo.new, "loose": memo.new_loose,
            "run": memo.new_run,
            "finals": finals,
            "settings": canon(settings),
            "files": {when: _plan_file_key(folder, when) for when in finals}}
    try:
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as exc:
        log.warning("day memo %s not written (%s)", path, exc.strerror or type(exc).__name__)
        return None
    return path
