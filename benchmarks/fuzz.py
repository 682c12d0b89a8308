"""Fuzzing the scenario, households and outcomes readers with hypothesis.

The readers must answer every input with either a result or one
``InputError`` (file › row/field › problem › fix): never another exception.
Inputs: random bytes; valid files re-encoded as UTF-8 with BOM, UTF-16 and
Windows-1258; truncated files; plausible rows with wrong values.

``python -m benchmarks.fuzz [--examples 20000]`` runs the fuzzers and prints a
table of examples and unexpected exceptions per target (the tests run the same
targets with few examples).
"""

from __future__ import annotations

import argparse
import codecs
import csv
import datetime as dt
import io
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.errors import InputError
from planner.scenario import COLUMNS, load_scenario

ROOT = Path(__file__).resolve().parent.parent
OK = ROOT / "tests" / "data" / "scenarios" / "ok_small"
OK_YAML = (OK / "scenario.yaml").read_text(encoding="utf-8")
OK_CSV = (OK / "households.csv").read_text(encoding="utf-8")


def read_scenario(yaml_bytes: bytes, csv_bytes: bytes, suffix: str = ".csv") -> str:
    """Write the two files to a fresh folder and read them. Returns ``"ok"`` or
    ``"input-error"``; any other exception propagates (a bug)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text = yaml_bytes
        if suffix != ".csv":
            text = yaml_bytes.replace(b"households.csv", b"households" + suffix.encode())
        (folder / "scenario.yaml").write_bytes(text)
        (folder / f"households{suffix}").write_bytes(csv_bytes)
        try:
            scenario, _ = load_scenario(folder / "scenario.yaml")
        except InputError as exc:
            message = str(exc)
            assert message and str(folder) in message, message
            assert "Traceback" not in message
            return "input-error"
        assert scenario.households is not None
        return "ok"


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258", "latin-1"])

VALUES = st.one_of(
    st.text(max_size=12), st.sampled_from(["", "nan", "-1", "999", "1e308", "07:00-06:00",
                                           "25:00-26:00", "bedridden", "home", "TT", "HCM",
                                           "103.21", "21.82", "06:00-08:00; 07:00-09:00",
                                           "=SUM(A1)", "<script>", "\x00", "Ỏn"]),
    st.floats(allow_nan=True, allow_infinity=True).map(str), st.integers().map(str))


@st.composite
def plausible_rows(draw) -> bytes:
    """The ok_small table with some cells replaced by wrong values."""
    rows = list(csv.reader(io.StringIO(OK_CSV)))
    for _ in range(draw(st.integers(1, 6))):
        r = draw(st.integers(1, len(rows) - 1))
        c = draw(st.integers(0, len(COLUMNS) - 1))
        rows[r][c] = draw(VALUES)
    if draw(st.booleans()):
        rows.append([draw(VALUES) for _ in range(draw(st.integers(0, 15)))])
    buf = io.StringIO()
    csv.writer(buf, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
    return buf.getvalue().encode(draw(ENCODINGS), errors="replace")


@st.composite
def plausible_yaml(draw) -> bytes:
    """The ok_small YAML with a value replaced, a line dropped, or truncated."""
    lines = OK_YAML.splitlines(keepends=True)
    choice = draw(st.integers(0, 3))
    if choice == 0:
        k = draw(st.integers(0, len(lines) - 1))
        key = lines[k].split(":")[0]
        lines[k] = f"{key}: {draw(VALUES)!r}\n" if ":" in lines[k] else lines[k]
    elif choice == 1:
        del lines[draw(st.integers(0, len(lines) - 1))]
    text = "".join(lines)
    if choice == 2:
        text = text[: draw(st.integers(0, len(text)))]
    return text.encode(draw(ENCODINGS), errors="replace")


def encoded_ok_csv(encoding: str) -> bytes:
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE + OK_CSV.encode("utf-16-le")
    return OK_CSV.encode(encoding, errors="replace")


TARGETS: dict[str, Callable] = {}


def target(name: str, strategy):
    def register(check: Callable) -> Callable:
        TARGETS[name] = lambda n: given(strategy)(
            settings(max_examples=n, deadline=None, database=None,
                     suppress_health_check=list(HealthCheck))(check))
        return check
    return register


@target("households: random bytes", st.binary(max_size=600))
def fuzz_household_bytes(data: bytes) -> None:
    read_scenario(OK_YAML.encode(), data)


@target("households: xlsx random bytes", st.binary(max_size=300))
def fuzz_household_xlsx(data: bytes) -> None:
    read_scenario(OK_YAML.encode(), data, ".xlsx")


@target("households: plausible rows", plausible_rows())
def fuzz_household_rows(data: bytes) -> None:
    read_scenario(OK_YAML.encode(), data)


@target("households: encodings, truncated",
        st.tuples(ENCODINGS, st.integers(0, len(OK_CSV.encode()))))
def fuzz_household_truncated(case: tuple[str, int]) -> None:
    encoding, cut = case
    read_scenario(OK_YAML.encode(), encoded_ok_csv(encoding)[:cut])


@target("scenario: random bytes", st.binary(max_size=600))
def fuzz_yaml_bytes(data: bytes) -> None:
    read_scenario(data, OK_CSV.encode())


@target("scenario: plausible YAML", plausible_yaml())
def fuzz_yaml_plausible(data: bytes) -> None:
    read_scenario(data, OK_CSV.encode())


OK_OUTCOMES = ("date,team,household_id,resident_id,outcome,note\n"
               "2026-11-24,T1,H1,R1,enrolled,\n"
               "2026-11-24,T1,H2,R2,retry_needed,vân tay mờ\n"
               "2026-11-24,T1,H2,R3,not_home,\n")
_CAMPAIGN: dict[str, object] = {}
#: When the fuzzed sheets are imported (after their visits): the outcome does
#: not depend on the machine's date.
FUZZ_NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC)


def import_sheet(data: bytes, suffix: str = ".csv") -> str:
    """Import an outcomes sheet into a campaign state made from ok_small (once).

    Returns ``"imported"``/``"already"`` or ``"input-error"``; any other exception
    propagates (a bug). A refused file must leave the state unchanged.
    """
    from planner.state import db as state
    from planner.state.sheet import import_outcomes

    if not _CAMPAIGN:
        folder = Path(tempfile.mkdtemp(prefix="fuzz-campaign-"))
        scenario, _ = load_scenario(OK / "scenario.yaml")
        _CAMPAIGN["conn"] = state.create(folder / state.DB_NAME, scenario,
                                         dt.date(2026, 11, 24), None, now=FUZZ_NOW)
        _CAMPAIGN["folder"] = folder
    conn = _CAMPAIGN["conn"]
    folder = _CAMPAIGN["folder"]
    sheet = Path(folder) / f"outcomes{suffix}"  # type: ignore[arg-type]
    sheet.write_bytes(data)
    before = conn.execute("SELECT count(*) FROM outcomes").fetchone()[0]  # type: ignore
    try:
        report = import_outcomes(conn, sheet, {"T1"}, today=FUZZ_NOW.date(),  # type: ignore
                                 now=FUZZ_NOW)
    except InputError as exc:
        assert str(sheet) in str(exc)
        after = conn.execute("SELECT count(*) FROM outcomes").fetchone()[0]  # type: ignore
        assert after == before
        return "input-error"
    return report.status


@st.composite
def plausible_outcomes(draw) -> bytes:
    """A good outcomes sheet with some cells replaced by wrong values."""
    rows = list(csv.reader(io.StringIO(OK_OUTCOMES)))
    for _ in range(draw(st.integers(0, 4))):
        r = draw(st.integers(1, len(rows) - 1))
        c = draw(st.integers(0, 5))
        rows[r][c] = draw(VALUES)
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    text = buf.getvalue()
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    return text.encode(draw(ENCODINGS), errors="replace")


@target("outcomes: random bytes", st.binary(max_size=400))
def fuzz_outcomes_bytes(data: bytes) -> None:
    import_sheet(data)


@target("outcomes: xlsx random bytes", st.binary(max_size=300))
def fuzz_outcomes_xlsx(data: bytes) -> None:
    import_sheet(data, ".xlsx")


@target("outcomes: plausible rows", plausible_outcomes())
def fuzz_outcomes_rows(data: bytes) -> None:
    import_sheet(data)


def run(examples_per_target: int) -> list[tuple[str, int, int, float, str]]:
    """Run every target; returns (name, examples, unexpected, seconds, first error)."""
    rows = []
    for name, make in TARGETS.items():
        started = time.perf_counter()
        try:
            make(examples_per_target)()
            failures, first = 0, ""
        except Exception as exc:  # noqa: BLE001 - counting what escaped
            failures, first = 1, "".join(traceback.format_exception_only(exc)).strip()
        rows.append((name, examples_per_target, failures, time.perf_counter() - started, first))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fuzz the scenario readers.")
    parser.add_argument("--examples", type=int, default=20_000,
                        help="examples in all, spread over the targets")
    args = parser.parse_args(argv)
    per = max(1, -(-args.examples // len(TARGETS)))  # round up: at least --examples
    rows = run(per)
    print(f"{'target':<36} {'examples':>9} {'unexpected':>10} {'seconds':>8}")
    for name, n, failures, seconds, _ in rows:
        print(f"{name:<36} {n:>9} {failures:>10} {seconds:8.1f}")
    total = sum(r[1] for r in rows)
    bad = sum(r[2] for r in rows)
    print(f"{'total':<36} {total:>9} {bad:>10}")
    for name, _, failures, _, first in rows:
        if failures:
            print(f"\n{name}: {first}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
