"""Where the planner's log and the libraries' warnings go: logging, never the terminal.

The terminal shows a job's progress and its result in words for people. What
the libraries say to developers (PyVRP's ``PenaltyBoundWarning``, a
deprecation notice of a dependency, ...) is not for the officer: it goes to
Python's ``logging`` (warnings as the ``py.warnings`` logger, the planner's
own log under ``planner``). Nothing is shown unless a log file is asked for:
set ``PLANNER_LOG=/path/to/planner.log`` and those records are appended there,
one a line, with the time and the logger's name. No personal data is logged.
"""

from __future__ import annotations

import logging
import os
import warnings

#: The environment variable naming the log file (unset: the records are dropped).
LOG_ENV = "PLANNER_LOG"

#: The loggers that receive the libraries' warnings and the planner's own log.
LOGGERS = ("py.warnings", "planner")

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def capture_warnings(log_file: str | None = None) -> None:
    """Route every Python warning to logging, and logging to ``log_file``.

    ``log_file`` None: the path in ``$PLANNER_LOG``, if set. Without a file each
    of ``LOGGERS`` gets a ``NullHandler`` (so Python's last-resort handler never
    prints to the terminal). Calling this again adds no second handler; called
    with another log file (or none) in the same process, it replaces its own.
    """
    if getattr(warnings.showwarning, "__module__", "") != "logging":
        # another hook replaced logging's since an earlier call: captureWarnings(True)
        # alone would keep it (it installs its own only once per process)
        logging.captureWarnings(False)
    logging.captureWarnings(True)
    path = log_file if log_file is not None else os.environ.get(LOG_ENV, "")
    wanted = os.path.abspath(path) if path else ""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        ours = [h for h in logger.handlers if getattr(h, "_planner", False)]
        if [getattr(h, "baseFilename", "") for h in ours] == [wanted]:
            continue
        for h in ours:
            logger.removeHandler(h)
            h.close()
        if path:
            handler: logging.Handler = logging.FileHandler(path, encoding="utf-8", delay=True)
            handler.setFormatter(logging.Formatter(_FORMAT))
            logger.setLevel(logging.INFO)
        else:
            handler = logging.NullHandler()
        handler._planner = True  # type: ignore[attr-defined]  # ours: not added twice
        logger.addHandler(handler)
