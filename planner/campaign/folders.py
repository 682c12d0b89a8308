"""A campaign's day folders change as a whole: built aside, then swapped in.

Re-planning rewrites several days, each with its ``plan.json`` and every
document drawn from it (maps, itineraries, notices, GPX). A run killed
half-way must leave each day folder ``days/YYYY-MM-DD/`` either as it was
(the old plan and its documents) or as the new run made it, never a mix
(a map of the new plan beside the old itineraries, an export from one map
refused because ``plan.json`` is another plan's).

So a day is written in three steps (``stage``, then ``swap``):

1. everything is written into ``days/.new-YYYY-MM-DD/`` (the day's stage);
2. the old folder is renamed ``days/.old-YYYY-MM-DD/`` (when there is one);
3. the stage is renamed ``days/YYYY-MM-DD/``; then the old one is deleted.

Each rename is atomic. ``recover`` (called before a campaign's day folders
are read or written) finishes or undoes a run killed between the steps:
a stage with no ``.old-`` beside it was not complete and is deleted; a stage
whose old folder was already moved aside is complete and is renamed into
place; a ``.old-`` folder whose day is in place is deleted, one whose day is
missing is put back. A day a re-plan no longer holds is removed the same way
(renamed aside, then deleted): ``remove_stale_days`` is the one place that
removes a day's files.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from planner.campaign.dayloop import DayPlan

NEW = ".new-"
OLD = ".old-"

#: ``draw(day, folder)``: writes a day's documents into ``folder`` (its stage)
#: and returns the paths written.
Draw = Callable[[DayPlan, Path], list[Path]]
#: ``draw_many([(day, folder), ...])``: writes each day's documents into its
#: folder (its stage; in parallel processes, ``planner.app.outputs.draw_days``)
#: and returns the paths written.
DrawMany = Callable[[Sequence[tuple[DayPlan, Path]]], list[Path]]


def day_dir(out_dir: Path, day: dt.date) -> Path:
    """The folder of ``day``: ``out_dir/days/YYYY-MM-DD``."""
    return Path(out_dir) / "days" / day.isoformat()


def stage_dir(out_dir: Path, day: dt.date) -> Path:
    """Where ``day``'s new folder is built: ``out_dir/days/.new-YYYY-MM-DD``."""
    return Path(out_dir) / "days" / f"{NEW}{day.isoformat()}"


def _aside(out_dir: Path, name: str) -> Path:
    return Path(out_dir) / "days" / f"{OLD}{name}"


def recover(out_dir: Path) -> list[str]:
    """Finish or undo the day swaps of a run killed half-way (module docstring).
    Returns the names of the days finished (``new``) or put back (``old``),
    as ``"YYYY-MM-DD: new"``; nothing to do gives ``[]``."""
    days = Path(out_dir) / "days"
    if not days.is_dir():
        return []
    done: list[str] = []
    for stage in sorted(days.glob(f"{NEW}*")):
        name = stage.name[len(NEW):]
        target, old = days / name, _aside(out_dir, name)
        if old.is_dir() and not target.exists():
            os.replace(stage, target)  # step 2 was done: the stage was complete
            done.append(f"{name}: new")
        else:
            shutil.rmtree(stage, ignore_errors=True)  # killed while building it
    for old in sorted(days.glob(f"{OLD}*")):
        name = old.name[len(OLD):]
        target = days / name
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(old, target)
            done.append(f"{name}: old")
    return done


def stage(out_dir: Path, day: DayPlan, write_plan: Draw, draw: Draw | None) -> list[Path]:
    """Build ``day``'s new folder in its stage (emptied first): ``write_plan``
    (its plan and notices) then ``draw`` (its documents), both given the
    stage folder. Returns the paths as they will be once swapped in."""
    folder = stage_dir(out_dir, day.date)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    written = write_plan(day, folder)
    if draw is not None:
        written += draw(day, folder)
    final = day_dir(out_dir, day.date)
    return list(dict.fromkeys(final / p.relative_to(folder) for p in written))


def stage_many(out_dir: Path, days: Sequence[DayPlan], write_plan: Draw,
               draw: DrawMany | None) -> list[Path]:
    """``stage`` for each of ``days``: their plans written one after the other,
    then their documents drawn all at once by ``draw`` (a pool of processes).
    Returns the paths as they will be once swapped in."""
    written: list[Path] = []
    for d in days:
        written += stage(out_dir, d, write_plan, None)
    if draw is not None and days:
        drawn = draw([(d, stage_dir(out_dir, d.date)) for d in days])
        stages = {stage_dir(out_dir, d.date): day_dir(out_dir, d.date) for d in days}
        for p in drawn:
            where = next(s for s in stages if p.is_relative_to(s))
            written.append(stages[where] / p.relative_to(where))
    return list(dict.fromkeys(written))


def swap(out_dir: Path, day: dt.date) -> None:
    """Put ``day``'s stage in place of its folder (module docstring, steps 2–3)."""
    target, old = day_dir(out_dir, day), _aside(out_dir, day.isoformat())
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(stage_dir(out_dir, day), target)
    shutil.rmtree(old, ignore_errors=True)


def remove_stale_days(out_dir: Path, from_day: dt.date, kept: Iterable[dt.date]
                      ) -> list[Path]:
    """Remove the folder (the plan and every output) of each day from
    ``from_day`` on that a re-plan no longer holds (not in ``kept``): a map or
    a notice without its plan would mislead. Each folder is renamed aside,
    then deleted. Returns the folders removed."""
    removed: list[Path] = []
    days = Path(out_dir) / "days"
    if not days.is_dir():
        return removed
    keep = {d.isoformat() for d in kept}
    for folder in sorted(days.iterdir()):
        try:
            when = dt.date.fromisoformat(folder.name)
        except ValueError:
            continue
        if not folder.is_dir() or when < from_day or folder.name in keep:
            continue
        old = _aside(out_dir, folder.name)
        shutil.rmtree(old, ignore_errors=True)
        os.replace(folder, old)
        shutil.rmtree(old)
        removed.append(folder)
    return removed
