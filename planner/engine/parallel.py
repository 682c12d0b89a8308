"""Two pieces of work side by side: one in a child process, one here.

The engines use both cores of the reference machine this way. Where a child
process cannot be started (one core; inside a daemonic worker such as a
multiprocessing pool or a Dask worker), the two run one after the other in this
process instead, with the same work budgets, so the answer is the same.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any


def mp_context() -> multiprocessing.context.BaseContext:
    """``fork`` where the platform has it (fast start), else ``spawn``."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _exit_with_parent(parent: int) -> None:
    """In a worker: end this process when its parent is gone (killed, even with
    SIGKILL), instead of waiting forever on the parent's pipe."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def can_fork_children() -> bool:
    """True when this process may start worker processes and has a second core."""
    return (os.cpu_count() or 1) > 1 and not multiprocessing.current_process().daemon


def _call_pickled(payload: bytes) -> Any:
    """Run the ``(function, args)`` pickled in ``payload`` (in the child process)."""
    fn, args = pickle.loads(payload)
    return fn(*args)


def run_beside(side: Callable[..., Any], side_args: tuple, here: Callable[..., Any],
               here_args: tuple) -> tuple[Any, Any]:
    """Run ``side(*side_args)`` in a child process while ``here(*here_args)`` runs
    in this one; return ``(here_result, side_result)``.

    Exceptions from either call propagate. Falls back to running both here, one
    after the other, when a child process is not available.
    """
    if can_fork_children():
        try:
            pool = ProcessPoolExecutor(1, mp_context=mp_context(),
                                       initializer=_exit_with_parent,
                                       initargs=(os.getpid(),))
        except (OSError, ValueError, NotImplementedError):
            pool = None
        if pool is not None:
            with pool:
                # pickled here, before ``here`` runs: the pool's feeder thread
                # would otherwise pickle the arguments while ``here`` fills their
                # caches (a cached_property of the problem: "dictionary changed
                # size during iteration" on a loaded machine)
                future = pool.submit(_call_pickled, pickle.dumps((side, side_args)))
                # The pool hands the job to its process from a Python thread; a
                # solver that holds the GIL here would keep it waiting, so wait
                # (briefly) until the job has left this process.
                deadline = time.monotonic() + 5.0
                while not (future.running() or future.done()) and time.monotonic() < deadline:
                    time.sleep(0.001)
                here_result = here(*here_args)
                return here_result, future.result()
    return here(*here_args), side(*side_args)
