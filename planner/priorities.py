"""Who goes first when the teams cannot visit everyone: priority tiers.

Urgency is lexicographic, not a bonus. Each resident's condition falls in a
tier; the default order (``DEFAULT_PRIORITIES``) is bedridden, disabled,
postpartum (and newborn), elderly, able, and a scenario may change it with its
``priorities:`` list. A part of a household (its home visit, its shuttle, its
invitation to a point) takes the most urgent tier among the residents it
enrols. Within a tier, the days waited count (the longest-waiting resident of
the part). Travel and lateness only break ties. ``docs/priorities.md`` states
the rule and what the self-check proves.

Imports only the domain model: the day planner, the campaign and the
renderers all read these helpers.
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.domain import CONDITIONS, DEFAULT_PRIORITIES, Condition, Resident
from planner.errors import msg

__all__ = ["DEFAULT_PRIORITIES", "check_priorities", "part_tier", "part_waiting_days",
           "priority_key", "tier_name", "tier_of"]


def check_priorities(order: Iterable[str]) -> list[str]:
    """What is wrong with a tier order (empty: nothing): every condition once."""
    order = list(order)
    problems = []
    unknown = [c for c in order if c not in CONDITIONS]
    if unknown:
        problems.append(msg("unknown condition(s) {listing}", listing=', '.join(map(str, unknown))))
    repeated = sorted({c for c in order if order.count(c) > 1})
    if repeated:
        problems.append(msg("listed more than once: {listing}", listing=', '.join(repeated)))
    missing = [c for c in CONDITIONS if c not in order]
    if missing:
        problems.append(msg("missing: {listing}", listing=', '.join(missing)))
    return problems


def tier_of(condition: Condition, order: tuple[Condition, ...] = DEFAULT_PRIORITIES) -> int:
    """The tier of a condition: 0 is the most urgent."""
    return order.index(condition)


def part_tier(residents: Iterable[Resident],
              order: tuple[Condition, ...] = DEFAULT_PRIORITIES) -> int:
    """The tier of a household part: the most urgent among its residents
    (``len(order)`` when it enrols nobody)."""
    return min((tier_of(r.condition, order) for r in residents), default=len(order))


def part_waiting_days(residents: Iterable[Resident]) -> int:
    """Days waited by a household part: its longest-waiting resident (days)."""
    return max((r.waiting_days for r in residents), default=0)


def tier_name(tier: int, order: tuple[Condition, ...] = DEFAULT_PRIORITIES) -> str:
    """The condition that names a tier (``"nobody"`` past the last)."""
    return order[tier] if 0 <= tier < len(order) else "nobody"


def priority_key(residents: Iterable[Resident],
                 order: tuple[Condition, ...] = DEFAULT_PRIORITIES) -> tuple[int, int]:
    """Sort key, most urgent first: (tier, minus days waited)."""
    residents = tuple(residents)
    return part_tier(residents, order), -part_waiting_days(residents)
