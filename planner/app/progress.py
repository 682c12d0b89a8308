"""Progress of a long job, told to whoever runs it.

Every job of the application layer reports its stages through a ``Progress``:
``say(message, **values)`` with an English catalog message (``{name}`` fields
filled from ``values``), translated here into the front end's language, and
``solving(limit_s)`` around an engine run, which also tells the elapsed time
against the limit every ``tick_s`` seconds. A message whose values hold
``n`` (or ``done``) and ``total`` is also a step: ``n`` of ``total`` done,
told to ``on_step(done, total)`` (the web page's progress bar; ``step``
tells one directly). The CLI prints the lines on
stderr; the web workspace keeps them for the page; ``Progress.silent()`` tells
nobody. A job never prints.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time
from collections.abc import Callable

from planner.render.i18n import N_, LocalNumber, gettext_for, short_date


def _stderr(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


class Progress:
    """One line per stage (``[  3.2 s] Đang đọc kịch bản…``), in ``lang``,
    handed to ``echo`` (stderr by default)."""

    def __init__(self, lang: str = "vi", tick_s: float = 5.0,
                 echo: Callable[[str], None] | None = None,
                 on_step: Callable[[int, int], None] | None = None) -> None:
        self._ = gettext_for(lang)
        self.lang = lang
        self.started = time.perf_counter()
        self.tick_s = tick_s
        self.echo = echo or _stderr
        self.on_step = on_step
        self.done = 0
        self.total = 0

    @classmethod
    def silent(cls, lang: str = "vi") -> Progress:
        """A progress that tells nobody (tests, library callers)."""
        return cls(lang, echo=lambda _text: None)

    def elapsed_s(self) -> float:
        """Seconds since the job started."""
        return time.perf_counter() - self.started

    def number(self, value: float) -> LocalNumber:
        """``value`` to show in this progress's language (``{x:.1f}`` gives
        ``3,2`` in Vietnamese)."""
        return LocalNumber(value, self.lang)

    def stamp(self) -> str:
        """The elapsed time as a line's prefix: ``[  3,2 s] ``."""
        return f"[{self.number(self.elapsed_s()):5.1f} s] "

    def say(self, message: str, **values) -> None:
        """Tell ``message`` (translated, ``{name}`` filled from ``values``; a
        date as the language writes it, ``short_date``)."""
        shown = {k: short_date(v, self.lang) if isinstance(v, dt.date) else v
                 for k, v in values.items()}
        self.echo(self.stamp() + self._(message).format(**shown))
        done, total = values.get("n", values.get("done")), values.get("total")
        if isinstance(done, int) and isinstance(total, int) and total > 0:
            self.step(done, total)

    def step(self, done: int, total: int) -> None:
        """Tell that ``done`` of ``total`` steps are done (days planned,
        campaigns simulated); kept in ``done``/``total``."""
        self.done, self.total = done, total
        if self.on_step is not None:
            self.on_step(done, total)

    def fraction(self) -> float | None:
        """The share of the steps done, 0…1 (None: no step told yet)."""
        return min(1.0, self.done / self.total) if self.total else None

    def solving(self, limit_s: float, since: float | None = None) -> _Solving:
        """A context manager around an engine run: says it starts, then the
        elapsed time against ``limit_s`` every ``tick_s`` seconds. ``since``
        (a ``time.perf_counter()`` reading): a later run of the same solve (the
        day's next tier), its time counted from then and not announced again."""
        return _Solving(self, limit_s, since)


class _Solving:
    def __init__(self, progress: Progress, limit_s: float, since: float | None) -> None:
        self.progress = progress
        self.limit_s = limit_s
        self.since = since

    def __enter__(self) -> _Solving:
        progress = self.progress
        self.t0 = time.perf_counter() if self.since is None else self.since
        self.stop = threading.Event()
        if self.since is None:
            progress.say(N_("Solving the routes (time limit {limit:.0f} s)…"),
                         limit=self.limit_s)
        # translated here: the ticking thread only formats and tells
        # (no lazy loading while the engine starts its processes)
        line = progress._("solving: {elapsed:.0f} of {limit:.0f} s")

        def tick() -> None:
            while not self.stop.wait(progress.tick_s):
                progress.echo(progress.stamp() + line.format(
                    elapsed=time.perf_counter() - self.t0, limit=self.limit_s))

        self.thread = threading.Thread(target=tick, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def _messages() -> None:  # pragma: no cover - for Babel extraction only
    N_("Reading the scenario…")
    N_("Reading the road network…")
    N_("Computing travel times between {n} places…")
    N_("solving: {elapsed:.0f} of {limit:.0f} s")
    N_("Drawing the map, itineraries, notices and GPX…")
    N_("Drawing the outputs of {date}…")
    N_("Attaching the roads of each leg…")
