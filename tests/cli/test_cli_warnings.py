"""Library warnings go to the log, never to the terminal of ``plan.py day``."""

from __future__ import annotations

import logging
import shutil
import sys
import warnings
from pathlib import Path

import pyvrp
from click.testing import CliRunner
from pyvrp.exceptions import PenaltyBoundWarning

import planner.engine.pyvrp_engine as pyvrp_engine
from planner.cli import cli

OK = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "ok_small"


def _terminal(message, category, filename, lineno, file=None, line=None) -> None:
    """What Python does with a warning by default: print it on ``sys.stderr``."""
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _home_visits_only(tmp_path: Path) -> Path:
    """``ok_small`` with every resident visited at home: a day PyVRP takes part in
    (shuttles and collection points are OR-Tools' alone)."""
    folder = tmp_path / "scenario"
    shutil.copytree(OK, folder)
    csv = folder / "households.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",point,", ",home,"),
                   encoding="utf-8")
    return folder


def test_day_prints_no_library_warning(tmp_path: Path, monkeypatch) -> None:
    """With PyVRP warning at every solve (``PenaltyBoundWarning``, as on a real
    commune) and another library warning outside the solver, ``plan.py day``
    prints neither on stdout nor on stderr; both go to the file named by
    ``$PLANNER_LOG``, and the plan is written."""
    real_solve, real_to_pyvrp = pyvrp.solve, pyvrp_engine.to_pyvrp

    def solve(*args, **kwargs):
        warnings.warn("A penalty parameter has reached its maximum value.",
                      PenaltyBoundWarning, stacklevel=2)
        return real_solve(*args, **kwargs)

    def to_pyvrp(problem):
        warnings.warn("this call is deprecated in a library", FutureWarning, stacklevel=2)
        return real_to_pyvrp(problem)

    monkeypatch.setattr(pyvrp, "solve", solve)
    monkeypatch.setattr(pyvrp_engine, "to_pyvrp", to_pyvrp)
    log = tmp_path / "planner.log"
    monkeypatch.setenv("PLANNER_LOG", str(log))
    with warnings.catch_warnings():
        # as on a terminal (pytest would otherwise collect the warnings itself)
        warnings.simplefilter("always")
        warnings.showwarning = _terminal
        try:
            result = CliRunner().invoke(cli, ["day", str(_home_visits_only(tmp_path)),
                                              "--out", str(tmp_path / "out"),
                                              "--time-limit", "1"])
        finally:
            logging.captureWarnings(False)
            for name in ("py.warnings", "planner"):
                for h in list(logging.getLogger(name).handlers):
                    if getattr(h, "_planner", False):
                        logging.getLogger(name).removeHandler(h)
                        h.close()
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.stdout and "Warning" not in result.stderr
    assert "penalty" not in result.output.lower()
    assert (tmp_path / "out" / "plan.json").is_file()
    text = log.read_text(encoding="utf-8")
    assert "PyVRP: PenaltyBoundWarning: A penalty parameter has reached its maximum" in text
    assert "FutureWarning: this call is deprecated in a library" in text
