"""Fuzzing every reader of the user's files with hypothesis.

The readers (scenario, households CSV/XLSX, outcome sheets CSV/XLSX, the phone
export, the province file, the GraphML road graph) must answer every input
with either a result or one of the project's errors (``InputError``,
``RoadsError``, ``DataError``: file › row/field › problem › fix, naming the
file): never another exception. Inputs: random bytes; valid files re-encoded
as UTF-8 with BOM, UTF-16 and Windows-1258; truncated files; plausible rows
and values with wrong ones.

``python -m benchmarks.fuzz [--examples 100000]`` runs every target to the end
(a failure does not stop it) and prints a table per target: examples,
failures (unexpected exceptions), distinct failure classes (exception type and
the line that raised it) and seconds; then one example of each class. The
tests run the same targets with few examples.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import datetime as dt
import functools
import io
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.errors import DataError, InputError, RoadsError
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
    return _mutated_yaml(draw, OK_YAML, VALUES.map(repr))


def _mutated_yaml(draw, text: str, values) -> bytes:
    """``text`` (YAML) with one ``key: value`` line's value replaced by one of
    ``values``, a line dropped, cut short, or as it is; then encoded."""
    lines = text.splitlines(keepends=True)
    choice = draw(st.integers(0, 3))
    if choice == 0:
        k = draw(st.integers(0, len(lines) - 1))
        key, sep, _ = lines[k].partition(":")
        if sep:
            lines[k] = f"{key}: {draw(values)}\n"
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
#: the project's errors: an expected answer to a bad file (with a message).
EXPECTED = (InputError, RoadsError, DataError)


@dataclass
class Tally:
    """One target's run: examples tried, unexpected exceptions, and per failure
    class (exception type and the project line that raised it) one example."""

    name: str
    examples: int = 0
    failures: int = 0
    classes: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, exc: BaseException, example: object) -> None:
        """Count ``exc`` (raised on ``example``) under its class."""
        self.failures += 1
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if "/planner/" in f.filename or "/benchmarks/" in f.filename] or \
            traceback.extract_tb(exc.__traceback__)
        where = (f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?")
        key = f"{type(exc).__name__} at {where}"
        self.classes.setdefault(key, f"{str(exc)[:160]!r} on {repr(example)[:160]}")


class UnexpectedFailures(AssertionError):
    """A target's run met unexpected exceptions (all counted, the run finished)."""

    def __init__(self, tally: Tally):
        self.tally = tally
        super().__init__(f"{tally.name}: {tally.failures} of {tally.examples} examples "
                         f"failed: " + "; ".join(f"{k}: {v}" for k, v in tally.classes.items()))


def target(name: str, strategy):
    """Register ``check`` as the fuzz target ``name`` over ``strategy``:
    ``TARGETS[name](n)()`` runs ``n`` examples to the end and returns the
    ``Tally``, or raises ``UnexpectedFailures`` holding it."""
    def register(check: Callable) -> Callable:
        def make(n: int) -> Callable[[], Tally]:
            def runner() -> Tally:
                tally = Tally(name)
                started = time.perf_counter()

                @settings(max_examples=n, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
                @given(strategy)
                def each(example) -> None:
                    tally.examples += 1
                    try:
                        check(example)
                    except Exception as exc:  # noqa: BLE001 - counting what escaped
                        tally.add(exc, example)

                each()
                tally.seconds = time.perf_counter() - started
                if tally.failures:
                    raise UnexpectedFailures(tally)
                return tally
            return runner
        TARGETS[name] = make
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


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    """The rows as an Excel workbook (one sheet), cells as text."""
    # imported here: openpyxl loads slowly; only the XLSX targets need it
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    sheet = book.active
    for row in rows:  # what a workbook cannot hold (control characters) is left out
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@st.composite
def plausible_outcome_rows(draw) -> list[list[str]]:
    """The good outcomes rows with some cells replaced, a row added or cut."""
    rows = list(csv.reader(io.StringIO(OK_OUTCOMES)))
    for _ in range(draw(st.integers(0, 4))):
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, 5))
        rows[r][c] = draw(VALUES)
    if draw(st.booleans()):
        rows.append([draw(VALUES) for _ in range(draw(st.integers(0, 8)))])
    if draw(st.booleans()):
        rows = rows[: draw(st.integers(0, len(rows)))]
    return rows


@target("outcomes: xlsx plausible rows", plausible_outcome_rows())
def fuzz_outcomes_xlsx_rows(rows: list[list[str]]) -> None:
    import_sheet(xlsx_bytes(rows), ".xlsx")


PHONE_PLAN = "0123456789abcdef"


@st.composite
def phone_exports(draw) -> bytes:
    """A phone export: good outcome rows (some cells wrong) under the first line,
    with the right checksum or not, sometimes cut or with bytes changed."""
    # imported here: only this target reads phone exports
    from planner.state.phone import MAGIC, checksum

    rows = draw(plausible_outcome_rows())
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    body = buf.getvalue()
    plan = draw(st.sampled_from([PHONE_PLAN, "fedcba9876543210", "0123"]))
    crc = checksum(plan, body) if draw(st.booleans()) else draw(
        st.sampled_from(["00000000", "zz", ""]))
    data = f"{MAGIC} plan={plan}; crc32={crc}\n{body}".encode()
    if draw(st.integers(0, 3)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.integers(0, 3)) == 0:
        k = draw(st.integers(0, max(0, len(data) - 1)))
        data = data[:k] + draw(st.binary(min_size=1, max_size=4)) + data[k + 1:]
    return data


@target("outcomes: phone export", phone_exports())
def fuzz_phone_export(data: bytes) -> None:
    """Through ``outcomes_sheet`` (checksum, plan id) into the import."""
    # imported here: only this target reads phone exports
    from planner.state.phone import outcomes_sheet

    import_sheet(b"")  # the campaign exists
    folder = Path(_CAMPAIGN["folder"])  # type: ignore[arg-type]
    day = folder / "days" / "2026-11-24"
    if not (day / "plan.json").is_file():
        day.mkdir(parents=True, exist_ok=True)
        (day / "plan.json").write_text(f'{{"id": "{PHONE_PLAN}"}}', encoding="utf-8")
    path = folder / "phone-outcomes.csv"
    path.write_bytes(data)
    try:
        with outcomes_sheet(folder, path) as readable:
            import_sheet(readable.read_bytes())
    except InputError as exc:
        assert str(path) in str(exc) or "outcomes.csv" in str(exc), str(exc)


_PROVINCE: dict[str, Path] = {}


def province_folder() -> Path:
    """A province folder (once): one district on the demo graph, the commune a
    copy of ok_small."""
    if not _PROVINCE:
        import shutil

        folder = Path(tempfile.mkdtemp(prefix="fuzz-province-"))
        shutil.copytree(OK, folder / "c1")
        _PROVINCE["folder"] = folder
    return _PROVINCE["folder"]


OK_PROVINCE = ("name: Tỉnh hư cấu\nfictional: true\ndeadline: 2026-12-20\ndistricts:\n"
               "  - id: D1\n    roads: ROADS\n    communes: [c1/scenario.yaml]\n")


@st.composite
def plausible_province(draw) -> bytes:
    """The good province.yaml with a value replaced, a line dropped, or cut."""
    text = OK_PROVINCE.replace("ROADS", str(ROOT / "maps" / "demo_commune.graphml"))
    return _mutated_yaml(draw, text, st.one_of(VALUES, VALUES.map(repr)))


def read_province(data: bytes) -> str:
    """Write ``province.yaml`` and read the province; ``"ok"`` or ``"input-error"``."""
    # imported here: only this target reads provinces
    from planner.campaign.province import load_province

    path = province_folder() / "province.yaml"
    path.write_bytes(data)
    try:
        load_province(path)
    except InputError as exc:
        assert str(province_folder()) in str(exc), str(exc)
        return "input-error"
    return "ok"


@target("province: plausible YAML", plausible_province())
def fuzz_province_plausible(data: bytes) -> None:
    read_province(data)


@target("province: random bytes", st.binary(max_size=400))
def fuzz_province_bytes(data: bytes) -> None:
    read_province(data)


def small_graphml() -> str:
    """The first nodes of the demo graph and the edges between them: a valid
    GraphML road graph of a few kB."""
    text = (ROOT / "maps" / "demo_commune.graphml").read_text(encoding="utf-8")
    head, _, rest = text.partition("<node ")
    nodes = ["<node " + n for n in rest.split("<node ")[:12]]
    nodes[-1] = nodes[-1].split("<edge ")[0].split("</graph>")[0]
    ids = {n.split('"')[1] for n in nodes}
    edges = [e.split("</edge>")[0] + "</edge>\n" for e in text.split("<edge ")[1:]]
    xy = {n.split('"')[1]: re.findall(r">(-?[0-9.]+)</data>", n)[:2] for n in nodes}
    keep = []
    for e in edges:
        u, v = e.split('source="')[1].split('"')[0], e.split('target="')[1].split('"')[0]
        if u in ids and v in ids:  # with a geometry, as imported graphs have
            line = f"LINESTRING ({' '.join(xy[u])}, {' '.join(xy[v])})"
            keep.append("<edge " + e.replace("</edge>", f'<data key="dgeom">{line}</data>'
                                                          "</edge>"))
    head = head.replace("<graph ", '<key id="dgeom" for="edge" attr.name="geometry" '
                        'attr.type="string" />\n  <graph ', 1)
    return head + "".join(nodes) + "".join(keep) + "  </graph>\n</graphml>\n"


OK_GRAPHML = small_graphml()
GRAPH_VALUES = st.one_of(VALUES, st.sampled_from(["-5", "0", "1e9", "-1e9", "inf", "-inf",
                                                  "footway", "track", "True", "[1, 2]",
                                                  "LINESTRING (0 0, 1 1)", "LINESTRING (", "",
                                                  "POINT (1 2)", "LINESTRING EMPTY"]))


@st.composite
def plausible_graphml(draw) -> bytes:
    """The small graph with data values replaced, an element dropped, or cut."""
    text = OK_GRAPHML
    for _ in range(draw(st.integers(0, 4))):
        values = [m for m in range(len(text)) if text.startswith("<data key=", m)]
        at = draw(st.sampled_from(values))
        start = text.index(">", at) + 1
        end = text.index("</data>", start)
        text = text[:start] + draw(GRAPH_VALUES).replace("<", "&lt;").replace("&", "&amp;") \
            + text[end:]
    choice = draw(st.integers(0, 3))
    lines = text.splitlines(keepends=True)
    if choice == 1:
        del lines[draw(st.integers(0, len(lines) - 1))]
        text = "".join(lines)
    elif choice == 2:
        text = text[: draw(st.integers(0, len(text)))]
    return text.encode("utf-8")


_GRAPH_DIR: dict[str, Path] = {}


@functools.lru_cache(maxsize=1)
def _speed_table():
    """maps/speeds.toml, read once for every GraphML example."""
    # imported here: only the GraphML targets need the speed table
    from planner.speeds import load_speed_table

    return load_speed_table()


def read_graph(data: bytes) -> str:
    """Write the bytes as a GraphML file and load it (travel times, checks);
    ``"ok"`` or ``"roads-error"`` (the message must name the file)."""
    # imported here: only the GraphML targets load graphs
    from planner.roads.io import load_graph
    from planner.sitecheck import distance_to_roads_m

    if not _GRAPH_DIR:
        _GRAPH_DIR["dir"] = Path(tempfile.mkdtemp(prefix="fuzz-graph-"))
    path = _GRAPH_DIR["dir"] / "roads.graphml"
    path.write_bytes(data)
    distance_to_roads_m(103.2, 21.8, path)  # the light reader of `check` must cope too
    try:
        G = load_graph(str(path), table=_speed_table())
    except RoadsError as exc:
        assert str(path) in str(exc), str(exc)
        return "roads-error"
    # a graph the loader accepts must give travel times (the day's first use of it)
    # imported here: only this target needs the matrices
    from planner.matrix import travel_matrices
    from planner.speeds import season_names

    sites = [(103.1625, 21.8254), (103.1640, 21.8258), (103.20, 21.80)]
    for season in season_names(_speed_table()):
        tm = travel_matrices(G, sites, season, _speed_table(), 300.0, 3000.0, 1.3)
        assert tm.travel_s.shape == (3, 3), tm.travel_s.shape
    return "ok"


@target("roads: GraphML plausible", plausible_graphml())
def fuzz_graphml_plausible(data: bytes) -> None:
    read_graph(data)


@target("roads: GraphML random bytes", st.one_of(
    st.binary(max_size=400), st.binary(max_size=200).map(
        lambda b: OK_GRAPHML.encode()[:1500] + b)))
def fuzz_graphml_bytes(data: bytes) -> None:
    read_graph(data)


def run(examples_per_target: int, only: str = "",
        names: set[str] | None = None) -> list[Tally]:
    """Run every target (or those whose name holds ``only``, or is in ``names``)
    to the end."""
    rows = []
    for name, make in TARGETS.items():
        if (only and only not in name) or (names is not None and name not in names):
            continue
        try:
            rows.append(make(examples_per_target)())
        except UnexpectedFailures as failed:
            rows.append(failed.tally)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fuzz the readers of the user's files.")
    parser.add_argument("--examples", type=int, default=20_000,
                        help="examples in all, spread over the targets")
    parser.add_argument("--only", default="", help="run the targets whose name holds this")
    args = parser.parse_args(argv)
    count = sum(1 for name in TARGETS if args.only in name) or 1
    per = max(1, -(-args.examples // count))  # round up: at least --examples
    started = time.perf_counter()
    rows = run(per, args.only)
    short = args.examples - sum(t.examples for t in rows)
    full = [t for t in rows if t.examples >= per]  # the others exhausted their inputs
    if short > 0 and full:  # top up: the total reaches --examples
        extra = -(-short // len(full))
        more = {t.name: t for t in run(extra, args.only, {f.name for f in full})}
        for t in full:
            m = more[t.name]
            t.examples += m.examples
            t.failures += m.failures
            t.seconds += m.seconds
            for key, example in m.classes.items():
                t.classes.setdefault(key, example)
    print(f"{'target':<36} {'examples':>9} {'failures':>9} {'classes':>8} {'seconds':>8}")
    for t in rows:
        print(f"{t.name:<36} {t.examples:>9} {t.failures:>9} {len(t.classes):>8} "
              f"{t.seconds:8.1f}")
    total = sum(t.examples for t in rows)
    bad = sum(t.failures for t in rows)
    print(f"{'total':<36} {total:>9} {bad:>9} {sum(len(t.classes) for t in rows):>8} "
          f"{time.perf_counter() - started:8.1f}")
    for t in rows:
        for key, example in t.classes.items():
            print(f"\n{t.name}: {key}: {example}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
