"""The narrow bands packed over the days: which households at home only early
in the morning or in the evening each team visits on which day (``pack``).

When the narrow bands set the campaign's length (``Assigner.bands_bind``),
how many days they take depends on how their visits are grouped: a team's
early hours (06:00–07:30) hold one 55-min visit, or two of 25 and 40 min
next to each other. Offering a band's most urgent households together lets
the day planner, bound by the tier rule (``planner.day.stages``), serve the
urgent long visit alone and leave the two short ones to later days (seed
707 of ``benchmarks/campaign_quality.py``, day 1: one disabled 55-min visit
from 06:10 filled team T1's early hours while four elderly households of 40
min, two of which pair, waited). So the day assignment packs the bands:

- an *end* is ``early`` (windows ending by ``EARLY_END_S``) or ``evening``
  (starting at ``EVENING_START_S`` or later); a household of band ``early``,
  ``evening`` or ``edges`` (``planner.campaign.needs.band_of``) is an *item*
  at the ends its home residents are at home together;
- a *chain* is a set of items one team visits one after another at one end
  of its day: out from the station no earlier than its day starts, each
  visit (the set-up and the services of its home residents,
  ``home_service_s``) inside one of the household's windows at that end,
  back at the station by its day's end (shift, sunset: ``day_limits``), on
  the workspace's base matrices (``_chains``: a search over orders keeping
  the earliest finish per visited set and last item; the sets no one more
  item extends);
- the pack is the fewest days ``D`` in which one chain per team and end a
  day covers every item: an integer programme over those chains (HiGHS
  through ``scipy.optimize.milp``), solved again each day on what is left;
- today takes, per team and end, one chain the pack uses (the one with the
  most urgent households first): the rest of the pack still covers the
  others in ``D − 1`` days.

A heuristic of the day assignment, not a bound: the day planner's own
timing (the day's season, lunch, the other stops) decides. Units: seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.campaign.needs import EARLY_END_S, EVENING_START_S
from planner.matrix import UNREACHABLE

#: The ends of a team's day where narrow-band households are packed.
ENDS = ("early", "evening")
#: The chain search examines at most this many partial chains per team and
#: end; beyond it, or above ``PACK_MAX_ITEMS`` households, there is no pack
#: (the day assignment offers as before).
PACK_NODES = 100_000
PACK_MAX_ITEMS = 80
#: Branch-and-bound nodes HiGHS may explore for one pack (deterministic), and
#: the seconds it may take at most (a guard on a busy machine).
PACK_NODES_MILP = 2000
PACK_TIME_S = 10.0


@dataclass(frozen=True, slots=True)
class Item:
    """A household of a narrow band as the pack sees it: its id, matrix row,
    visit length (s), its windows (start, end s) at each end, and its
    urgency rank (0 most urgent)."""

    household: str
    row: int
    visit_s: int
    windows: tuple[tuple[str, tuple[tuple[int, int], ...]], ...]
    rank: int


def end_of(start_s: int, end_s: int) -> str | None:
    """``early`` for a window ending by ``EARLY_END_S``, ``evening`` for one
    starting at ``EVENING_START_S`` or later, else None."""
    if end_s <= EARLY_END_S:
        return "early"
    if start_s >= EVENING_START_S:
        return "evening"
    return None


def _chains(travel: np.ndarray, items: list[Item], end: str, lo: int, hi: int,
            ) -> list[int] | None:
    """The sets (bit masks over ``items``; those no one more item extends)
    one team out at ``lo`` and back by ``hi`` can visit one after another at
    ``end`` (module docstring); None over ``PACK_NODES`` partial chains."""
    cand = []
    for k, it in enumerate(items):
        windows = dict(it.windows).get(end, ())
        there, back = int(travel[0, it.row]), int(travel[it.row, 0])
        if there >= UNREACHABLE or back >= UNREACHABLE:
            continue
        # each window: (earliest start, latest start) for a visit alone
        starts = [(max(a, lo + there), min(b, hi - back) - it.visit_s) for a, b in windows]
        starts = [(x, y) for x, y in starts if x <= y]
        if starts:
            cand.append((k, starts))
    masks: set[int] = set()
    seen: dict[tuple[int, int], int] = {}
    count = [0]

    def extend(last: int, free: int, taken: int) -> bool:
        count[0] += 1
        if count[0] > PACK_NODES:
            return False
        grown = False
        for k, starts in cand:
            if taken >> k & 1:
                continue
            it = items[k]
            ready = free + int(travel[items[last].row, it.row]) if last >= 0 \
                else lo + int(travel[0, it.row])
            for x, y in starts:
                begin = max(ready, x)
                if begin > y or begin + it.visit_s + int(travel[it.row, 0]) > hi:
                    continue
                done, state = begin + it.visit_s, (taken | 1 << k, k)
                grown = True
                if seen.get(state, done + 1) <= done:
                    break
                seen[state] = done
                if not extend(k, done, taken | 1 << k):
                    return False
                break
        if taken and not grown:
            masks.add(taken)
        return True

    if not extend(-1, lo, 0):
        return None
    # the sets no one more item extends (a smaller set left is a chain too:
    # a column more, never a wrong one)
    return [m for m in masks
            if not any(not m >> k & 1 and m | 1 << k in masks for k in range(len(items)))]


def pack(travel: np.ndarray, items: list[Item], slots: list[tuple[str, str, int, int]],
         ) -> tuple[int, list[tuple[str, str, tuple[str, ...]]]] | None:
    """The fewest days in which one chain per slot a day covers every item
    that some slot can visit, and today's chains: ``(days, [(team, end,
    households)])``, one per slot of ``slots`` (team id, end, out at, back
    by) whose chain holds something, the most urgent chains first. None when
    there are over ``PACK_MAX_ITEMS`` items, no item fits any slot, a chain
    search is over its budget or HiGHS finds no answer within
    ``PACK_NODES_MILP`` nodes (or ``PACK_TIME_S``)."""
    # imported here: scipy loads slowly; importing the day assignment stays light
    from scipy.optimize import Bounds, LinearConstraint, milp

    if len(items) > PACK_MAX_ITEMS:
        return None

    columns: list[tuple[int, int]] = []   # (slot index, mask)
    for j, (_team, end, lo, hi) in enumerate(slots):
        found = _chains(travel, items, end, lo, hi)
        if found is None:
            return None
        columns += [(j, m) for m in sorted(found)]
    covered = 0
    for _j, m in columns:
        covered |= m
    rows = [k for k in range(len(items)) if covered >> k & 1]
    if not rows:
        return None
    # variables: how many days each chain is used, then D; minimise D, then
    # the chains used (no household visited twice when once will do)
    n = len(columns)
    a = np.zeros((len(rows) + len(slots), n + 1))
    for c, (j, m) in enumerate(columns):
        for i, k in enumerate(rows):
            if m >> k & 1:
                a[i, c] = 1.0
        a[len(rows) + j, c] = 1.0
    a[len(rows):, n] = -1.0
    low = np.array([1.0] * len(rows) + [-np.inf] * len(slots))
    high = np.array([np.inf] * len(rows) + [0.0] * len(slots))
    cost = np.array([1.0 / (n + 1)] * n + [1.0])
    result = milp(cost, constraints=LinearConstraint(a, low, high),
                  integrality=np.ones(n + 1), bounds=Bounds(0, np.inf),
                  options={"node_limit": PACK_NODES_MILP, "time_limit": PACK_TIME_S})
    if result.x is None:
        return None
    used = np.round(result.x).astype(int)
    days = int(used[n])
    today: list[tuple[str, str, tuple[str, ...]]] = []
    taken = 0
    for j, (team, end, _lo, _hi) in enumerate(slots):
        mine = [m & ~taken for c, (jj, m) in enumerate(columns) if jj == j and used[c] > 0]
        mine = [m for m in mine if m]
        if not mine:
            continue
        best = max(mine, key=lambda m: (sorted((5 - items[k].rank for k in range(len(items))
                                                 if m >> k & 1), reverse=True), -m))
        taken |= best
        today.append((team, end, tuple(items[k].household for k in range(len(items))
                                       if best >> k & 1)))
    return days, today
