"""A day's documents drawn by a process started before the plan exists.

Planning a day keeps one core busy (reading, imports, the search) while the
other waits; drawing it needs the drawing libraries (WeasyPrint and Pango,
folium, Jinja and the templates, the road graph's lines) that take about as
long to load as the plan takes to make. ``start_drawer`` forks a process at
once (this module imports only the standard library, so that the command
line can call it before it imports the planning stack), which loads all of
that while this process plans; ``Drawer.prepare`` hands it the scenario as
soon as it is read (it reads the road graph's lines for the maps), and
``Drawer.draw`` the plan's ``plan.json`` text: it draws every document from
that text, by a pool of processes forked from itself (so born with every
library loaded: ``planner.app.outputs.draw_outputs``), and answers with the
paths written. The files are the same bytes as drawn in this process
(``tests/app/test_early_drawing.py``).

No process is started where forking is not safe or not possible (a process
with threads, such as the web workspace; no ``fork``), nor when
``PLANNER_DRAW_WORKERS`` is 1: then ``draw`` answers None and the caller
draws as before. When the drawing process fails (it died, or raised an error
that cannot be sent), ``draw`` answers None too, and the caller draws
itself; an error of the drawing (a disk full, a folder that cannot be
written) is raised here as it would have been.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

WORKERS_ENV = "PLANNER_DRAW_WORKERS"  # as planner.app.outputs.WORKERS_ENV (this module stays light)
TEMPLATES = ("itinerary.html", "notices.html")
"""The documents' templates, compiled by the drawing process before the plan."""


@dataclass
class Drawer:
    """The parent's end of a drawing process (``start_drawer``); inert
    (``pid`` None) where none was started. Use as a context manager: leaving
    it ends the process and collects it (``close``)."""

    pid: int | None = None
    conn: Connection | None = None
    prepared: set[str] = field(default_factory=set)
    answered: bool = False

    @property
    def running(self) -> bool:
        """Whether a drawing process is there to draw."""
        return self.pid is not None and self.conn is not None

    def prepare(self, scenario: Any) -> None:
        """Let the drawing process read ``scenario``'s road graph for the maps
        now (once per graph), while this process plans."""
        if self.running and str(scenario.roads) not in self.prepared:
            self.prepared.add(str(scenario.roads))
            self._send(("prepare", scenario))

    def draw(self, text: str, scenario: Any, day_dir: Path, lang: str,
             redact: bool) -> tuple[list[Path], str] | None:
        """Every document of the plan whose ``plan.json`` text is ``text``,
        drawn into ``day_dir`` by the drawing process (``planner.app.outputs.
        draw_day_outputs``): the paths written and why PDFs cannot be printed
        (''); None when there is no drawing process or it failed (the caller
        draws). An error of the drawing itself is raised here."""
        if not self.running or not self._send(("draw", text, scenario, day_dir, lang, redact)):
            return None
        try:
            answer = self.conn.recv()  # type: ignore[union-attr]
        except (EOFError, OSError):
            answer = ("lost",)
        self.answered = answer[0] in ("drawn", "error")
        self.close()
        if answer[0] == "drawn":
            return answer[1], answer[2]
        if answer[0] == "error":
            raise answer[1]
        return None

    def _send(self, message: tuple) -> bool:
        """Send ``message``; False (and the process ended) when it cannot be."""
        try:
            self.conn.send(message)  # type: ignore[union-attr]
        except (OSError, ValueError, TypeError, AttributeError, pickle.PicklingError):
            # gone, or a message that cannot be pickled
            self.close()
            return False
        return True

    def close(self) -> None:
        """End the drawing process and collect it: one that answered exits by
        itself; one never asked to draw, or lost, is killed (it only loaded
        libraries: a job failing early is not held up by their loading)."""
        conn, pid = self.conn, self.pid
        self.conn = self.pid = None
        if conn is not None:
            conn.close()
        if pid is not None and not self.answered:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)

    def __enter__(self) -> Drawer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def can_draw_early() -> bool:
    """Whether a drawing process may be forked here: ``fork`` exists, this
    process runs one thread, and ``PLANNER_DRAW_WORKERS`` is not 1."""
    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1
            and os.environ.get(WORKERS_ENV, "").strip() != "1")


def start_drawer(lang: str = "vi") -> Drawer:
    """Fork the drawing process, which loads the drawing libraries and the
    templates of ``lang`` at once (``Drawer``; inert where ``can_draw_early``
    says no)."""
    if not can_draw_early():
        return Drawer()
    parent_end, child_end = multiprocessing.Pipe()
    parent_pid = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the drawing process: never returns
        code = 1
        try:
            parent_end.close()
            code = _serve(child_end, parent_pid, lang)
        finally:
            os._exit(code)
    child_end.close()
    return Drawer(pid, parent_end)


def _serve(conn: Connection, parent_pid: int, lang: str) -> int:
    """The drawing process: load, then answer the parent's messages until it
    asks for the drawing (or goes away). Its exit code."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # imported here: the drawing stack loads in this process, while the parent plans
    from planner.app.outputs import draw_day_outputs, drawing_process_start, load_drawing
    from planner.render.geometry import prepare_drawing, road_graph

    drawing_process_start(parent_pid)  # dies with the parent
    load_drawing(lang, TEMPLATES)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the parent went on without us
            return 0
        if message[0] == "prepare":
            try:
                prepare_drawing(road_graph(message[1]))
            except Exception:  # noqa: BLE001 - the drawing reads it again, and says why
                pass
            continue
        _kind, text, scenario, day_dir, draw_lang, redact = message
        try:
            paths, no_pdf = draw_day_outputs(text, scenario, day_dir, draw_lang, redact)
            answer: tuple = ("drawn", paths, no_pdf)
        except Exception as exc:  # noqa: BLE001 - told to the parent, which raises it
            answer = ("error", exc)
        try:
            conn.send(answer)
        except Exception:  # noqa: BLE001 - not picklable: the parent draws itself
            return 1
        return 0
