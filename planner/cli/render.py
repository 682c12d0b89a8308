"""``plan.py render``: the map, itineraries, notices and GPX of a plan.json, again.

Also the one way every command writes a day's outputs (``write_day``): the
plan file is written first, then read back, and the documents are rendered
from what was read, so that ``plan.py render PLAN.json`` reproduces them byte
for byte. And the progress lines printed on long work (``Progress``).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import click

from planner.cli.options import lang_opt, redact_opt


class Progress:
    """One line per stage on stderr (``[  3.2 s] Đang đọc kịch bản…``), in ``lang``.

    ``solving(limit_s)`` is a context manager that also prints the elapsed
    time against the limit every ``tick_s`` seconds while the engine works.
    """

    def __init__(self, lang: str = "vi", tick_s: float = 5.0,
                 echo: Callable[[str], None] | None = None) -> None:
        from planner.render.i18n import gettext_for

        self._ = gettext_for(lang)
        self.started = time.perf_counter()
        self.tick_s = tick_s
        self.echo = echo or (lambda text: click.echo(text, err=True))

    def elapsed_s(self) -> float:
        return time.perf_counter() - self.started

    def say(self, message: str, **values) -> None:
        """Print ``message`` (translated, ``{name}`` filled from ``values``)."""
        self.echo(f"[{self.elapsed_s():5.1f} s] " + self._(message).format(**values))

    def solving(self, limit_s: float):
        progress = self

        class _Solving:
            def __enter__(self):
                self.t0 = time.perf_counter()
                self.stop = threading.Event()
                progress.say("Solving the routes (time limit {limit:.0f} s)…", limit=limit_s)
                # translated here: the ticking thread only formats and prints
                # (no lazy loading while the engine starts its processes)
                line = progress._("solving: {elapsed:.0f} of {limit:.0f} s")

                def tick() -> None:
                    while not self.stop.wait(progress.tick_s):
                        progress.echo(f"[{progress.elapsed_s():5.1f} s] " + line.format(
                            elapsed=time.perf_counter() - self.t0, limit=limit_s))

                self.thread = threading.Thread(target=tick, daemon=True)
                self.thread.start()
                return self

            def __exit__(self, *exc) -> None:
                self.stop.set()
                self.thread.join()

        return _Solving()


def _messages() -> None:  # pragma: no cover - for Babel extraction only
    from planner.render.i18n import N_

    N_("Reading the scenario…")
    N_("Reading the road network…")
    N_("Computing travel times between {n} places…")
    N_("Solving the routes (time limit {limit:.0f} s)…")
    N_("solving: {elapsed:.0f} of {limit:.0f} s")
    N_("Drawing the map, itineraries, notices and GPX…")
    N_("Drawing the outputs of {date}…")
    N_("Attaching the roads of each leg…")


def scenario_file_for(plan_dir: Path, scenario_path: str | Path) -> str:
    """The scenario's path as written in plan.json: relative to the plan's folder."""
    return Path(os.path.relpath(Path(scenario_path).resolve(), plan_dir.resolve())).as_posix()


def write_day(plan, scenario, day_dir: Path, *, lang: str = "vi", redact: bool = False,
              scope: list[str] | None = None,
              warn: Callable[[str], None] | None = None) -> list[Path]:
    """Write ``day_dir/plan.json`` (naming the scenario file, and ``scope``: the
    resident ids of a campaign day's scenario) and render every output from
    the plan read back from it. ``plan`` must carry its legs
    (``planner.legs.attach_legs``). Returns the paths written."""
    from planner.planfile import plan_from_dict, plan_json, write_atomic
    from planner.render import render_all

    day_dir = Path(day_dir)
    text = plan_json(plan, scenario, scenario_file_for(day_dir, scenario.source)
                     if scenario.source else "", scope)
    written = [write_atomic(day_dir / "plan.json", text)]
    import json

    again = plan_from_dict(json.loads(text))
    written += render_all(again, scenario, day_dir, lang=lang, redact=redact, warn=warn)
    return written


def scenario_in_scope(scenario, scope: Iterable[str] | None, day=None):
    """``scenario`` holding only the residents in ``scope`` (and the households
    with one of them); all of it when ``scope`` is None. ``day`` sets the date."""
    if day is not None:
        scenario = replace(scenario, date=day)
    if scope is None:
        return scenario
    keep = set(scope)
    households = []
    for h in scenario.households:
        residents = tuple(r for r in h.residents if r.id in keep)
        if residents:
            households.append(replace(h, residents=residents))
    return replace(scenario, households=tuple(households))


def render_days(days, out_dir: Path, *, lang: str = "vi", redact: bool = False,
                progress: Progress | None = None,
                warn: Callable[[str], None] | None = None,
                graphs: dict[str, object] | None = None,
                table: dict | None = None) -> list[Path]:
    """Every output of each campaign day (``planner.campaign.dayloop.DayPlan``) in
    ``out_dir/days/YYYY-MM-DD/``: attaches the legs on the scenario's road
    graph (travel times from speed table ``table``, the campaign's; None: the
    bundled one) when the day's plan has none, rewrites its plan.json with them.
    ``graphs`` (path → loaded graph) may be shared between calls; only the
    last graph loaded is kept in it."""
    from planner.legs import attach_legs, has_legs

    written: list[Path] = []
    graphs = {} if graphs is None else graphs
    for d in days:
        if progress is not None:
            progress.say("Drawing the outputs of {date}…", date=d.date.isoformat())
        plan = d.plan
        if not has_legs(plan) and any(len(r.stops) > 1 for r in plan.routes):
            if d.scenario.roads not in graphs:
                from planner.roads.io import load_graph

                graphs.clear()  # one graph in memory at a time (a province's districts)
                if table is None:  # not given by the caller: read once for every day
                    from planner.speeds import load_speed_table

                    table = load_speed_table()
                graphs[d.scenario.roads] = load_graph(d.scenario.roads, table=table)
            plan = attach_legs(plan, d.scenario, graphs[d.scenario.roads], table)
        scope = [r.id for h in d.scenario.households for r in h.residents]
        written += write_day(plan, d.scenario, out_dir / "days" / d.date.isoformat(),
                             lang=lang, redact=redact, scope=scope, warn=warn)
    return written


OUTPUT_PATTERNS = ("map.html", "map-*.html", "itinerary-*.pdf", "route-*.gpx", "notices.pdf")
"""The files ``render_all`` writes (beside a plan.json)."""


def remove_stale_outputs(out_dir: Path, from_day) -> list[Path]:
    """Remove the outputs of days from ``from_day`` on whose plan.json is gone
    (re-planning dropped that day): a map without its plan would mislead."""
    removed: list[Path] = []
    days = Path(out_dir) / "days"
    if not days.is_dir():
        return removed
    for folder in sorted(days.iterdir()):
        if not folder.is_dir() or folder.name < from_day.isoformat():
            continue
        if (folder / "plan.json").exists():
            continue
        for pattern in OUTPUT_PATTERNS:
            for path in folder.glob(pattern):
                path.unlink()
                removed.append(path)
    return removed


@click.command()
@click.argument("plan_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--scenario", "scenario_path", type=click.Path(path_type=Path), default=None,
              help="The scenario the plan was made from (default: the one plan.json names).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Output folder (default: the plan's folder, whose outputs "
                                 "are replaced; plan.json itself is never changed).")
@click.option("--overwrite", is_flag=True, default=False,
              help="With --out: replace the files of a non-empty folder.")
@lang_opt
@redact_opt
def render(plan_file: Path, scenario_path: Path | None, out_dir: Path | None, overwrite: bool,
           lang: str, redact: bool) -> None:
    """Render the map, itineraries, notices and GPX of PLAN_FILE again.

    Reads plan.json (which carries every leg's road geometry) and its
    scenario; runs no solver and no shortest path. With the same language and
    redaction the files are byte-identical to those written with the plan.

    \b
    Examples:
      python plan.py render out/demo/plan.json --lang en --out out/demo-en
      python plan.py render out/campaign/days/2026-11-24/plan.json --redact \\
          --out out/share
    """
    from planner.cli.options import prepare_out_dir
    from planner.errors import InputError, Problem
    from planner.legs import has_legs
    from planner.planfile import read_plan
    from planner.render import render_all
    from planner.scenario import load_scenario

    progress = Progress(lang)
    plan, raw = read_plan(plan_file)
    if not has_legs(plan) and any(len(r.stops) > 1 for r in plan.routes):
        raise InputError(Problem(str(plan_file), "routes[].stops[].leg", "the plan carries no "
                                 "road geometry for its legs (written by an older version?)",
                                 "plan the day again with `plan.py day` (it attaches the legs)"))
    if scenario_path is None:
        named = raw.get("scenario_file")
        if not named:
            raise InputError(Problem(str(plan_file), "scenario_file", "the plan does not name "
                                     "its scenario file", "give it with --scenario PATH"))
        scenario_path = plan_file.parent / named
    if not scenario_path.exists():
        raise InputError(Problem(str(plan_file), "scenario_file", f"the scenario "
                                 f"{scenario_path} is not there",
                                 "give the scenario with --scenario PATH"))
    progress.say("Reading the scenario…")
    scenario, _warnings = load_scenario(scenario_path)
    scenario = scenario_in_scope(scenario, raw.get("scope"), plan.date)
    known = {h.id for h in scenario.households}
    missing = sorted({s.household for r in plan.routes for s in r.stops
                      if s.household and s.household not in known})
    if missing:
        raise InputError(Problem(str(plan_file), "routes[].stops[].household",
                                 f"households {', '.join(missing[:5])} are not in the "
                                 f"scenario {scenario_path}",
                                 "give the scenario this plan was made from with --scenario"))
    if out_dir is None:
        out_dir = plan_file.parent
    else:
        prepare_out_dir(out_dir, overwrite)
    progress.say("Drawing the map, itineraries, notices and GPX…")
    written = render_all(plan, scenario, out_dir, lang=lang, redact=redact,
                         warn=lambda m: click.echo(f"warning: {m}", err=True))
    _ = progress._
    for path in written:
        click.echo(_("wrote {path}").format(path=path))
    sys.stdout.flush()
