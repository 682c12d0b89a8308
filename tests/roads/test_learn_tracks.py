"""Learning speeds from GPS tracks: the matcher wrapper on hand-made tracks over
a small graph, the fitted factors against a hidden model, bad tracks."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from benchmarks.speeds import simulate_day, write_gpx
from planner.roads.learn import Frame, read_track, track_observations
from planner.speeds import add_travel_times, load_speed_table

START = dt.datetime(2026, 11, 2, 7, 0, tzinfo=dt.UTC)
LON0, LAT0 = 103.0, 22.0
SPACING_M = 500.0


def grid_graph(table) -> nx.MultiDiGraph:
    """A 4 × 3 grid of roads 500 m apart near (103.0, 22.0): rows are dirt
    tracks, columns asphalt tertiary roads; the right-hand column climbs 10 %
    northwards. Both directions, straight edges."""
    frame = Frame(LON0, LAT0)
    G = nx.MultiDiGraph(crs="EPSG:4326", name="grid")
    for i in range(4):
        for j in range(3):
            G.add_node(i * 10 + j, x=LON0 + i * SPACING_M / frame.kx,
                       y=LAT0 + j * SPACING_M / frame.ky)
    for i in range(4):
        for j in range(3):
            for di, dj in ((1, 0), (0, 1)):
                if i + di > 3 or j + dj > 2:
                    continue
                a, b = i * 10 + j, (i + di) * 10 + j + dj
                tags = ({"highway": "track", "surface": "dirt"} if dj == 0 else
                        {"highway": "tertiary", "surface": "asphalt"})
                grade = 0.10 if (dj == 1 and i == 3) else 0.0
                G.add_edge(a, b, key=0, length=SPACING_M, grade=grade, **tags)
                G.add_edge(b, a, key=0, length=SPACING_M, grade=-grade, reversed=True, **tags)
    return add_travel_times(G, table)


@pytest.fixture(scope="module")
def table():
    """The bundled speed table, without any learnt layer."""
    t = load_speed_table()
    t.pop("calibration", None)
    return t


@pytest.fixture(scope="module")
def grid(table):
    return grid_graph(table)


def route(*nodes: int) -> list[tuple[int, int, int]]:
    return [(a, b, 0) for a, b in zip(nodes[:-1], nodes[1:], strict=True)]


def gpx_of(G, legs, path: Path, speed_kph: float = 20.0, seed: int = 1, **kw) -> Path:
    """A GPX file of ``legs`` ridden at ``speed_kph`` with 5 m of noise, a point a second."""
    frame = Frame(LON0, LAT0)
    rng = np.random.default_rng(seed)
    times, xy, _ = simulate_day(G, legs, lambda e: speed_kph / 3.6, rng, frame,
                                sample_s=kw.pop("sample_s", 1.0), noise_m=kw.pop("noise_m", 5.0),
                                **kw)
    return write_gpx(path, times, xy, frame, START)


def observed(G, path: Path, table, season: str = "dry"):
    return track_observations(read_track(path), G, season, table)


def test_a_track_along_known_edges_matches_them(grid, table, tmp_path):
    """A ride 0→10→20→21→22 at 20 km/h is matched to exactly those four edges,
    each timed within 10 % of its true 90 s."""
    obs = observed(grid, gpx_of(grid, [("ride", route(0, 10, 20, 21, 22))],
                                tmp_path / "a.gpx"), table)
    assert [o.edge for o in obs] == route(0, 10, 20, 21, 22)
    for o in obs:
        assert o.observed_s == pytest.approx(90.0, rel=0.1)
        assert o.cell in ("track|dirt|flat|dry", "tertiary|asphalt|flat|dry")


def test_a_walking_detour_is_not_taken_as_riding(grid, table, tmp_path):
    """A walk of 200 m off the road (south of node 20, where no road is) and
    back in the middle of the ride is left out: the edges ridden are the same
    and none is timed with the walk in it."""
    legs = [("ride", route(0, 10, 20)), ("walk", -200.0), ("ride", route(20, 21, 22))]
    obs = observed(grid, gpx_of(grid, legs, tmp_path / "w.gpx"), table)
    assert [o.edge for o in obs] == route(0, 10, 20, 21, 22)
    assert max(o.observed_s for o in obs) < 100.0


def test_a_stop_is_removed(grid, table, tmp_path):
    """Twenty minutes parked at a house (node 20) between two rides: no edge's
    time holds the stop."""
    legs = [("ride", route(0, 10, 20)), ("stop", 1200.0), ("ride", route(20, 21, 22))]
    obs = observed(grid, gpx_of(grid, legs, tmp_path / "s.gpx"), table)
    assert [o.edge for o in obs] == route(0, 10, 20, 21, 22)
    assert max(o.observed_s for o in obs) < 100.0


def test_fitted_factors_recover_a_hidden_model(grid, table, tmp_path):
    """Ten days round a loop of the grid with a hidden model (dirt tracks 35 % slower,
    asphalt 10 % faster than the table, each day ± 5 %): the learnt factors of
    both flat cells lie within three of their standard deviations of the
    truth, and each cell moved from the table towards it."""
    from planner.roads.learn_model import add_evidence, fit

    truth = {"track": 0.65, "tertiary": 1.1}
    rng = np.random.default_rng(3)
    frame = Frame(LON0, LAT0)
    observations = []
    for day in range(10):
        day_factor = math.exp(rng.normal(0.0, 0.05))

        def speed(edge, day_factor=day_factor):
            d = grid.edges[edge]
            return (float(d["length"]) / d["tt_motorbike_dry"]) * truth[d["highway"]] * day_factor

        legs = [("ride", route(0, 10, 20, 21, 11, 12, 2, 1, 0))]
        times, xy, _ = simulate_day(grid, legs, speed, rng, frame, sample_s=float(1 + day % 5),
                                    noise_m=6.0)
        path = write_gpx(tmp_path / f"day{day}.gpx", times, xy, frame, START)
        observations += observed(grid, path, table)
    cells = fit(add_evidence({}, observations))
    for key, true in (("track|dirt|flat|dry", 0.65), ("tertiary|asphalt|flat|dry", 1.1)):
        c = cells[key]
        assert c.tracks == 10
        assert abs(math.log(c.speed_factor) - math.log(true)) <= 3 * c.log_sd, (key, c)
        assert abs(math.log(c.speed_factor) - math.log(true)) < abs(math.log(true))


def test_two_tracks_move_a_cell_a_little_fifty_a_lot():
    """The shrinkage: with tracks all saying 40 % slower, two move the cell
    less than half the way, fifty more than 90 % of it; the uncertainty shrinks."""
    from planner.roads.learn import Observation
    from planner.roads.learn_model import add_evidence, fit

    def cell_after(n: int):
        obs = [Observation((0, 1, 0), 500.0, 140.0 * (1 + 0.01 * (k % 3 - 1)), 100.0,
                           "track|dirt|flat|wet", f"t{k}") for k in range(n)]
        return fit(add_evidence({}, obs))["track|dirt|flat|wet"]

    target = math.log(1.4)
    two, fifty = cell_after(2), cell_after(50)
    assert 0 < two.log_mean < 0.5 * target
    assert fifty.log_mean > 0.9 * target
    assert fifty.log_sd < two.log_sd


def test_the_matchers_fast_distances_equal_the_librarys():
    """The plane distances the matcher is given (``_point_to_segment``,
    ``_segment_to_segment``) return what leuvenmapmatching's own return, on
    random segments, crossing, parallel, collinear and degenerate ones."""
    from leuvenmapmatching.util import dist_euclidean as lib

    from planner.roads.match import _point_to_segment, _segment_to_segment

    rng = np.random.default_rng(5)
    cases = [tuple(map(tuple, rng.uniform(-100, 100, size=(4, 2)))) for _ in range(400)]
    cases += [((0.0, 0.0), (10.0, 0.0), (0.0, 5.0), (10.0, 5.0)),   # parallel
              ((0.0, 0.0), (10.0, 0.0), (20.0, 0.0), (30.0, 0.0)),  # collinear
              ((0.0, 0.0), (10.0, 10.0), (0.0, 10.0), (10.0, 0.0)),  # crossing
              ((3.0, 3.0), (3.0, 3.0), (0.0, 0.0), (5.0, 1.0))]     # a point
    for f1, f2, t1, t2 in cases:
        ours, theirs = _segment_to_segment(f1, f2, t1, t2), lib.distance_segment_to_segment(
            f1, f2, t1, t2)
        assert np.allclose(np.hstack([np.ravel(v) for v in ours]),
                           np.hstack([np.ravel(v) for v in theirs]), rtol=1e-12, atol=1e-9)
        ours, theirs = _point_to_segment(f1, t1, t2), lib.distance_point_to_segment(f1, t1, t2)
        assert np.allclose(np.hstack([np.ravel(v) for v in ours]),
                           np.hstack([np.ravel(v) for v in theirs]), rtol=1e-12, atol=1e-9)


def test_a_stretch_slow_every_day_gets_its_own_factor(grid, table, tmp_path):
    """Eight days round a loop of the grid where one dirt edge (21→11) is 40 %
    slower than its kind every day: with the edges' own factors (ridden four
    to eight times each) every edge of the loop is predicted within 10 % of its true
    time, the slow one included, which the cells alone miss by over 25 %."""
    from planner.roads.learn_model import add_edge_evidence, add_evidence, fit, fit_edges
    from planner.speeds import calibration_cell, edge_label

    truth = {"track": 0.65, "tertiary": 1.1}
    slow = (21, 11, 0)
    rng = np.random.default_rng(4)
    frame = Frame(LON0, LAT0)

    def true_factor(edge) -> float:
        return truth[grid.edges[edge]["highway"]] * (0.6 if edge == slow else 1.0)

    loop = route(0, 10, 20, 21, 11, 12, 2, 1, 0)
    observations = []
    for day in range(8):
        day_factor = math.exp(rng.normal(0.0, 0.05))

        def speed(edge, day_factor=day_factor):
            d = grid.edges[edge]
            return float(d["length"]) / d["tt_motorbike_dry"] * true_factor(edge) * day_factor

        times, xy, _ = simulate_day(grid, [("ride", loop)], speed, rng, frame,
                                    sample_s=float(2 + day % 4), noise_m=6.0)
        observations += observed(grid, write_gpx(tmp_path / f"d{day}.gpx", times, xy, frame,
                                                 START), table)
    cells = fit(add_evidence({}, observations))
    own = fit_edges(add_edge_evidence({}, observations), cells)
    for edge in loop:
        cell = cells[calibration_cell(grid.edges[edge], "dry", table)].speed_factor
        fitted = cell * own[edge_label(*edge)].speed_factor
        assert own[edge_label(*edge)].traversals >= 4  # the last edge: where the track ends
        assert abs(fitted / true_factor(edge) - 1) < 0.10, (edge, fitted, true_factor(edge))
        if edge == slow:
            assert abs(cell / true_factor(edge) - 1) > 0.25


def test_an_edge_gets_its_own_factor_only_when_ridden_often_and_shrunk():
    """The edges' level: twenty tracks each ride ten edges of one cell as the
    table says; one more edge, 50 % slower, ridden by one of them keeps its
    cell's factor, by two moves part of the way to what its rides show, by
    all twenty nearly all the way (beyond its cell, which its rides slow a
    little, so that the ten others get a factor above 1)."""
    from planner.roads.learn import Observation
    from planner.roads.learn_model import add_edge_evidence, add_evidence, fit, fit_edges

    cell = "track|dirt|flat|dry"

    def ob(edge, ratio, k):
        return Observation(edge, 500.0, 100.0 * ratio * (1 + 0.02 * (k % 3 - 1)), 100.0, cell,
                           f"t{k}")

    base = [ob((i, i + 100, 0), 1.0, k) for k in range(20) for i in range(10)]
    for n in (1, 2, 20):
        obs = base + [ob((10, 20, 0), 1.5, k) for k in range(n)]
        cells = fit(add_evidence({}, obs))
        own = fit_edges(add_edge_evidence({}, obs), cells)
        if n == 1:
            assert "10 20 0" not in own
            continue
        moved = math.log(own["10 20 0"].speed_factor) / -(math.log(1.5) - cells[cell].log_mean)
        assert (0.2 < moved < 0.95) if n == 2 else moved > 0.85, (n, moved)
    assert own["0 100 0"].speed_factor > 1.0


def test_the_learnt_edge_factor_reaches_the_graphs_times(grid, table, tmp_path):
    """A layer written with one edge ridden twenty times 50 % slower: loading
    the table beside it gives that edge (motorbike, that season's cell) a
    longer time than its cell's other edges, an edge never ridden its cell's
    factor only, and leaves walking alone."""
    from planner.roads.learn import Observation
    from planner.roads.learn_model import add_edge_evidence, add_evidence, fit, write_layer
    from planner.speeds import add_travel_times, calibration_path, load_speed_table

    speeds = tmp_path / "speeds.toml"
    speeds.write_text(Path(table["table_path"]).read_text())
    cell = "track|dirt|flat|dry"
    obs = [Observation((e, e + 10, 0), 500.0, 100.0 * (1.5 if e == 10 else 1.0)
                       * (1 + 0.02 * (k % 3 - 1)), 100.0, cell, f"t{k}")
           for k in range(20) for e in (0, 10)]
    cells = fit(add_evidence({}, obs))
    write_layer(calibration_path(speeds), cells, [], [], "2026-12-07T00:00:00Z",
                add_edge_evidence({}, obs))
    learnt = load_speed_table(speeds)
    G = add_travel_times(grid.copy(), learnt)
    slow, other = G.edges[10, 20, 0], G.edges[0, 10, 0]
    assert slow["tt_motorbike_dry"] > 1.3 * other["tt_motorbike_dry"]
    assert slow["tt_walk_dry"] == other["tt_walk_dry"] == grid.edges[10, 20, 0]["tt_walk_dry"]
    assert G.edges[20, 30, 0]["tt_motorbike_dry"] == pytest.approx(  # not ridden: its cell's
        grid.edges[20, 30, 0]["tt_motorbike_dry"] / learnt["calibration"]["factors"][cell],
        rel=0.01)


RUN_TWICE = """
import sys
from pathlib import Path
sys.path[:0] = [{root!r}, {here!r}]
from test_learn_tracks import grid_graph, observed, route, gpx_of
from planner.roads import learn
from planner.roads.match import quiet_matching
from planner.speeds import load_speed_table
table = load_speed_table()
table.pop("calibration", None)
G = grid_graph(table)
path = Path({path!r})
if not path.exists():
    gpx_of(G, [("ride", route(0, 10, 20, 21, 11, 12, 2, 1, 0))], path, seed=5, sample_s=3.0,
           noise_m=12.0)
for o in observed(G, path, table):
    print(o.edge, repr(o.observed_s), o.cell)
track = learn.read_track(path)
frame = learn.Frame(float(track.lon.mean()), float(track.lat.mean()))
x, y = frame.xy(track.lon, track.lat)
rmap = learn.road_map(G, "dry", frame, (x.min() - 300, y.min() - 300, x.max() + 300,
                                        y.max() + 300))
from leuvenmapmatching.matcher.distance import DistanceMatcher
matcher = DistanceMatcher(rmap.matcher_map, matching=quiet_matching(), max_dist=50,
                          obs_noise=12, non_emitting_states=True)
matcher.match([(float(b), float(a)) for a, b in zip(x[::10], y[::10], strict=True)])
print(sorted(hash(m) for m in matcher.lattice_best))
"""


def test_two_runs_on_the_same_track_give_identical_observations(tmp_path):
    """The matching does not depend on the process: two Python processes with
    different string-hash salts (``PYTHONHASHSEED``) give the same
    observations of one noisy track, to the bit, and the matcher's states
    hash alike (the library hashes them by a string, so that its ties fell
    differently in each process)."""
    import os
    import subprocess
    import sys

    here = Path(__file__).resolve().parent
    code = RUN_TWICE.format(root=str(here.parent.parent), here=str(here),
                            path=str(tmp_path / "loop.gpx"))
    outs = []
    for salt in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": salt}
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, cwd=tmp_path, check=False)
        assert run.returncode == 0, run.stderr[-2000:]
        outs.append(run.stdout)
    assert outs[0].count("\n") >= 6  # most of the loop's edges, then the states' hashes
    assert outs[0] == outs[1]


def test_the_cells_prior_spread_comes_from_the_cells():
    """Empirical Bayes for the cells: with six cells whose tracks agree with
    the table the prior keeps its floor (``PRIOR_SD``); with six cells each
    30 % slower in every track it widens, so that a cell's two tracks move it
    further than the fixed prior would (and still not all the way)."""
    from planner.roads.learn import Observation
    from planner.roads.learn_model import PRIOR_SD, add_evidence, cell_prior_sd, fit, noise_sd

    def cells_of(ratio: float, tracks: int):
        obs = [Observation((c, c + 1, 0), 500.0, 100.0 * ratio * (1 + 0.05 * (k % 3 - 1)),
                           100.0, f"track|dirt|flat|c{c}", f"t{k}")
               for c in range(6) for k in range(tracks)]
        return add_evidence({}, obs)

    agree = cells_of(1.0, 10)
    assert cell_prior_sd(agree.values(), noise_sd(agree.values())) == PRIOR_SD
    slow = cells_of(1.3, 2)
    wide = cell_prior_sd(slow.values(), noise_sd(slow.values()))
    assert wide > 1.5 * PRIOR_SD
    learnt, fixed = fit(slow)["track|dirt|flat|c0"], fit(slow, PRIOR_SD)["track|dirt|flat|c0"]
    assert fixed.log_mean < learnt.log_mean < math.log(1.3)


def test_a_short_edges_noisy_rides_move_it_less_than_a_long_edges():
    """The edges' level weighs a traversal by how well it can be timed: a few
    seconds at its ends whatever its length. Forty edges of one cell, each
    ridden four times, half of them short (10 s, their rides ± 30 %), half
    long (100 s, ± 3 %): the timing part is found (over 1 s), and a short
    and a long edge whose rides say the same 20 % slower get factors with the
    long one moved further."""
    from planner.roads.learn import Observation
    from planner.roads.learn_model import (
        add_edge_evidence,
        add_evidence,
        edge_spreads,
        fit,
        fit_edges,
    )

    cell = "track|dirt|flat|dry"
    rng = np.random.default_rng(2)
    obs = []
    for e in range(40):
        table_s = 10.0 if e % 2 else 100.0
        own = math.exp(rng.normal(0.0, 0.1))
        for k in range(4):
            noise = rng.normal(0.0, 0.3 if e % 2 else 0.03)
            obs.append(Observation((e, e + 100, 0), table_s * 8, table_s * own * math.exp(noise),
                                   table_s, cell, f"t{k}"))
    for e, table_s in ((1000, 10.0), (1001, 100.0)):
        obs += [Observation((e, e + 100, 0), table_s * 8, table_s * 1.2, table_s, cell, f"t{k}")
                for k in range(4)]
    cells = fit(add_evidence({}, obs))
    stats = add_edge_evidence({}, obs)
    _edges, spread = edge_spreads(stats.values(), cells)
    assert spread.timing_s > 1.0
    own = fit_edges(stats, cells)
    short, long_ = -own["1000 1100 0"].log_mean, -own["1001 1101 0"].log_mean
    assert long_ < short < 0  # both slower than their cell, the long one more


def test_a_layer_written_before_the_timing_term_still_fits():
    """A layer written before edges kept their seconds (no ``sum_observed_s``)
    is read with the seconds unknown: its edges get factors from their log
    ratios alone (no timing term), and an edge ridden three times 30 % slower
    than its cell moves towards it."""
    from planner.roads.learn import Observation
    from planner.roads.learn_model import add_evidence, edges_of, fit, fit_edges

    cell = "track|dirt|flat|dry"
    old = {"edge": [{"edge": f"{e} {e + 1} 0", "cell": cell, "traversals": 3,
                     "sum_log_ratio": 3 * (math.log(1.3) if e == 0 else 0.01 * (e % 5 - 2)),
                     "sum_log_ratio_sq": 3 * (math.log(1.3) if e == 0 else 0.01 * (e % 5 - 2)) ** 2
                     + 0.01} for e in range(30)]}
    stats = edges_of(old)
    assert all(math.isinf(st.seconds) for st in stats.values())
    cells = fit(add_evidence({}, [Observation((0, 1, 0), 500.0, 100.0, 100.0, cell, "t")]))
    own = fit_edges(stats, cells)
    assert 0 < own["0 1 0"].log_mean < math.log(1.3)


def chain_graph(table, lengths_m: list[float]) -> nx.MultiDiGraph:
    """A straight asphalt road eastwards from (103.0, 22.0), cut into edges of
    ``lengths_m`` (both directions)."""
    frame = Frame(LON0, LAT0)
    G = nx.MultiDiGraph(crs="EPSG:4326", name="chain")
    at = np.concatenate([[0.0], np.cumsum(lengths_m)])
    for i, x_m in enumerate(at):
        G.add_node(i, x=LON0 + x_m / frame.kx, y=LAT0)
    tags = {"highway": "tertiary", "surface": "asphalt", "grade": 0.0}
    for i, length in enumerate(lengths_m):
        G.add_edge(i, i + 1, key=0, length=float(length), **tags)
        G.add_edge(i + 1, i, key=0, length=float(length), reversed=True, **tags)
    return add_travel_times(G, table)


def test_a_chain_of_short_edges_gets_each_an_observation_timed_within_the_sampling(
        table, tmp_path):
    """A ride at 20 km/h along a road of two 300 m edges round a chain of four
    short ones (25, 30, 20, 40 m), then one short edge of 35 m alone between
    edges of 300 and 250 m, then 300 m more, a point every 2 s with 5 m of
    noise: every short edge gets
    an observation, its time within the sampling (2 s) of the true one, timed
    over a span of at least ``MIN_SPAN_M`` (the chain's own, or the lone
    edge with its shorter neighbour); the long edges are timed alone."""
    from planner.roads.learn import MIN_EDGE_M, MIN_SPAN_M

    lengths = [300.0, 25.0, 30.0, 20.0, 40.0, 300.0, 35.0, 250.0, 300.0]
    G = chain_graph(table, lengths)
    ride = route(*range(len(lengths) + 1))
    obs = observed(G, gpx_of(G, [("ride", ride)], tmp_path / "c.gpx", sample_s=2.0), table)
    by_edge = {o.edge: o for o in obs}
    assert set(by_edge) == set(ride)
    for edge, length in zip(ride, lengths, strict=True):
        o = by_edge[edge]
        assert abs(o.observed_s - length / (20 / 3.6)) <= 2.0, (edge, o)
        if length < MIN_EDGE_M:
            assert o.timed_over_s >= MIN_SPAN_M / (20 / 3.6) - 2.0
            assert o.timed_over_s > o.observed_s
        else:
            assert o.timed_over_s == o.observed_s
    lone = by_edge[(6, 7, 0)].timed_over_s
    assert abs(lone - (35 + 250) / (20 / 3.6)) <= 2.0  # with its shorter neighbour (250 m)


def test_short_spans_cut_long_runs_and_borrow_neighbours_for_short_ones():
    """The spans of short edges (``short_spans``): with spans of 60 m a run of
    5 × 30 m is cut into 30+30 and 30+30+30, with spans of 100 m it is one;
    a lone 20 m edge borrows its shorter neighbour; one beside a ford (no
    kind) or an edge of another cell borrows from the other side only; a short
    edge at the ride's end with no neighbour long enough gets no span."""
    from planner.roads.learn import short_spans

    def ridden(lengths):
        at = np.concatenate([[0.0], np.cumsum(lengths)])
        return [(k, float(at[k]), float(at[k + 1])) for k in range(len(lengths))]

    def spans(lengths, kinds, span_m=60.0):
        return [(a, b, list(r)) for a, b, r in short_spans(ridden(lengths), kinds, span_m)]

    run = [100.0, 30, 30, 30, 30, 30, 100]
    assert spans(run, [0] * 7) == [(1, 3, [1, 2]), (3, 6, [3, 4, 5])]
    assert spans(run, [0] * 7, 100.0) == [(1, 6, [1, 2, 3, 4, 5])]
    assert spans([100.0, 20, 80], [0, 0, 0]) == [(1, 3, [1])]
    assert spans([100.0, 20, 80], [0, 0, None]) == [(0, 2, [1])]
    assert spans([100.0, 20, 80], [0, 0, "other cell"]) == [(0, 2, [1])]
    assert spans([20.0, 10], [0, 0]) == []
