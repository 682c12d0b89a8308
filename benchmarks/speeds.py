"""Speeds learnt from GPS tracks against the table alone, on simulated days.

Usage::

    python -m benchmarks.speeds [--days 16] [--test-days 6] [--teams 2] [--seed 7]
                                [--day-sd 0.05] [--edge-sd 0.10] [--keep FILE.pickle]

The road graph is REAL: the Andorra OpenStreetMap extract and SRTM tiles of
``../shared/data`` (the north-west box of ``benchmarks.campaign_quality``,
imported once into a temporary folder). The travel is SIMULATED, from a hidden
"true" speed model that differs from ``maps/speeds.toml`` (``TRUE_MODEL``,
labelled; fixed before any result was seen):

- dirt, earth and ground roads 35 % slower in the wet season (× 0.65), 15 %
  slower in the dry season (× 0.85);
- gravel and other unpaved surfaces × 0.8 in the wet season;
- climbs steeper than 8 % a further × 0.75 (loaded motorbikes, two up);
- paved roads × 1.1 (the table is cautious on asphalt);
- each team's day (rider, weather) × a log-normal of sd 0.05 (``--day-sd``),
  drawn for each team and day; each edge × one of sd 0.10 (``--edge-sd``),
  drawn once per edge before the first day (a given stretch is as slow every
  day). No model of road kinds can learn the edges' part; a layer with a
  factor per edge ridden often (``planner.roads.learn_model.fit_edges``) can,
  for the edges the training days rode. Nothing learnt before a day can know
  that day's part. The "hidden kinds" row of the table is the error left when
  the kinds' factors are known exactly, "hidden + edges" when each edge's own
  factor is known too: the floor of any layer learnt in advance.

Each day: each of the teams (``--teams``, default 2) rides from one random
node to 4–6 stops and back along the table's fastest routes (as the planner
routes it), stops 10–40 minutes at
each (the GPS keeps recording, with its jitter), at one or two stops walks
150–300 m off the road and back, lunch of 40 minutes; the phone samples every
1–5 s (drawn per day) with 8 m of noise and loses the signal for 2–3 minutes
once a day. Each day is written as a GPX file and learnt through the whole
``plan.py roads learn`` pipeline (reading, splitting, map matching,
fitting). Half the days are in the wet season.

Reported on the held-out days: the absolute error of the predicted ride time
of each leg between two stops (table alone, and table with the learnt layer
fitted on the first N training days: its cells alone, then its cells and its
edges' own factors, as the planner uses it), median and 90th percentile, for
N = 1, 2, 4, 8, ... days; and the first N at which the learnt median error is
half the table's. After the last N, "hidden unseen": the learnt layer where
an edge has its own factor and the hidden model (kinds and the edge's own
noise) on every other edge: what the edges never ridden (or too short, or
ridden once) cost. The held-out days are never learnt (their routes go through
edges the training days rode, as a commune's teams do).
"""

from __future__ import annotations

import argparse
import math
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
#: Sampling of a simulated phone: GPS noise (m), seconds between points.
NOISE_M = 8.0
SAMPLE_S = (1, 5)


def true_factor(data: dict, season: str, table: dict) -> float:
    """The hidden model's speed factor of an edge (the module docstring), before
    the day's and the edge's noise."""
    from planner.speeds import is_unpaved, rain_season, surface_of

    surface = surface_of(data, table)
    rainy = season == rain_season(table)
    factor = 1.0
    if surface in ("dirt", "earth", "ground", "mud"):
        factor *= 0.65 if rainy else 0.85
    elif is_unpaved(data, table):
        factor *= 0.8 if rainy else 1.0
    else:
        factor *= 1.1
    if float(data.get("grade", 0.0) or 0.0) > 0.08:
        factor *= 0.75
    return factor


def _along(coords: np.ndarray, dist_m: np.ndarray) -> np.ndarray:
    """Points at ``dist_m`` along the polyline ``coords`` (x, y in metres)."""
    seg = np.hypot(*np.diff(coords, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    x = np.interp(dist_m, cum, coords[:, 0])
    y = np.interp(dist_m, cum, coords[:, 1])
    return np.column_stack([x, y])


def edge_xy(G, edge, frame) -> np.ndarray:
    """An edge's geometry in the frame's metres, oriented u → v."""
    u, v, _k = edge
    d = G.edges[edge]
    if d.get("geometry") is not None:
        lon, lat = np.asarray(d["geometry"].coords).T
    else:
        lon = np.array([G.nodes[u]["x"], G.nodes[v]["x"]])
        lat = np.array([G.nodes[u]["y"], G.nodes[v]["y"]])
    return np.column_stack(frame.xy(lon, lat))


def simulate_day(G, legs: list, speed_mps, rng: np.random.Generator, frame,
                 sample_s: float = 2.0, noise_m: float = NOISE_M, gap_s: float = 0.0
                 ) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """One day's GPS points: ``legs`` is a list of ``("ride", [edges])``,
    ``("stop", seconds)`` and ``("walk", metres)`` (out from the road at a right
    angle, to the left, to the right for negative metres, and back at 1.1 m/s).
    ``speed_mps(edge)`` gives the true speed.
    Returns (times s, x/y metres with noise, the true ride time of each ride leg);
    ``gap_s`` seconds of points are lost once, in the middle of the day."""
    path_t: list[np.ndarray] = []
    path_xy: list[np.ndarray] = []
    ride_s: list[float] = []
    t = 0.0
    here = None
    heading = np.array([1.0, 0.0])
    for kind, what in legs:
        if kind == "ride":
            start = t
            for edge in what:
                xy = edge_xy(G, edge, frame)
                length = float(G.edges[edge]["length"])
                seg = np.hypot(*np.diff(xy, axis=0).T).sum()
                dur = length / speed_mps(edge)
                ts = np.arange(0.0, dur, 1.0)
                path_t.append(t + ts)
                path_xy.append(_along(xy, ts / dur * seg))
                t += dur
                here = xy[-1]
                heading = (xy[-1] - xy[-2]) / max(1e-9, np.hypot(*(xy[-1] - xy[-2])))
            ride_s.append(t - start)
        elif kind == "stop":
            ts = np.arange(0.0, what, 1.0)
            path_t.append(t + ts)
            path_xy.append(np.repeat(here[None, :], len(ts), axis=0))
            t += what
        else:  # walk out and back, at a right angle to the road
            side = np.array([-heading[1], heading[0]])
            side = side * math.copysign(1.0, what)
            dur = abs(what) / 1.1
            ts = np.arange(0.0, 2 * dur, 1.0)
            out = np.minimum(ts, 2 * dur - ts) * 1.1
            path_t.append(t + ts)
            path_xy.append(here[None, :] + out[:, None] * side[None, :])
            t += 2 * dur
    times = np.concatenate(path_t)
    xy = np.concatenate(path_xy)
    keep = np.zeros(len(times), dtype=bool)
    keep[np.searchsorted(times, np.arange(0.0, times[-1], sample_s))] = True
    if gap_s > 0:
        mid = times[-1] / 2
        keep &= ~((times > mid) & (times < mid + gap_s))
    xy = xy[keep] + rng.normal(0.0, noise_m, size=(keep.sum(), 2))
    return times[keep], xy, ride_s


def write_gpx(path: Path, times: np.ndarray, xy: np.ndarray, frame, start) -> Path:
    """Write points (s from ``start``, a datetime; x/y metres of ``frame``) as a GPX track."""
    import datetime as dt

    import gpxpy.gpx

    gpx = gpxpy.gpx.GPX()
    trk = gpxpy.gpx.GPXTrack(name=path.stem)
    seg = gpxpy.gpx.GPXTrackSegment()
    lon = frame.lon0 + xy[:, 0] / frame.kx
    lat = frame.lat0 + xy[:, 1] / frame.ky
    for t, x, y in zip(times, lon, lat, strict=True):
        seg.points.append(gpxpy.gpx.GPXTrackPoint(float(y), float(x),
                                                  time=start + dt.timedelta(seconds=float(t))))
    trk.segments.append(seg)
    gpx.tracks.append(trk)
    path.write_text(gpx.to_xml())
    return path


def _day_legs(G, rng: np.random.Generator, nodes: list, attr: str) -> list:
    """A day's legs: from a random node to 4–6 stops and back along the table's
    fastest routes; at each stop 10–40 min (one of them lunch, 40 min more),
    a walk of 150–300 m off the road at one or two stops."""
    import networkx as nx

    depot = nodes[rng.integers(len(nodes))]
    stops = [nodes[i] for i in rng.choice(len(nodes), size=int(rng.integers(4, 7)),
                                          replace=False)]
    walks = set(rng.choice(len(stops), size=int(rng.integers(1, 3)), replace=False).tolist())
    legs: list = []
    here = depot
    for k, stop in enumerate([*stops, depot]):
        try:
            path = nx.shortest_path(G, here, stop, weight=attr)
        except nx.NetworkXNoPath:
            continue
        edges = [(a, b, min(G[a][b], key=lambda key, a=a, b=b: G[a][b][key].get(attr, 1e12)))
                 for a, b in zip(path[:-1], path[1:], strict=True)]
        if not edges:
            continue
        legs.append(("ride", edges))
        here = stop
        if stop is depot:
            break
        legs.append(("stop", float(rng.uniform(600, 2400)) + (2400.0 if k == 2 else 0.0)))
        if k in walks:
            legs.append(("walk", float(rng.uniform(150, 300)) * rng.choice([-1.0, 1.0])))
            legs.append(("stop", float(rng.uniform(600, 1200))))
    return legs


def simulate(G, prior: dict, days: int, teams: int, seed: int, folder: Path,
             day_sd: float = 0.05, edge_sd: float = 0.10):
    """Simulate ``days`` days of ``teams`` teams (the module docstring). Returns
    per day: its season, its GPX paths (one per team) and each ride leg's
    (edges, true seconds); and each edge's own factor (drawn once: a stretch
    is as slow every day). ``day_sd``/``edge_sd``: the log-normal noise of a
    team's day and of an edge."""
    import datetime as dt

    import networkx as nx

    from planner.roads.learn import Frame
    from planner.speeds import default_season, rain_season

    seasons = (default_season(prior), rain_season(prior))
    rng = np.random.default_rng(seed)
    edge_noise = {e: math.exp(rng.normal(0.0, edge_sd)) for e in G.edges(keys=True)}
    xs = [d["x"] for _n, d in G.nodes(data=True)]
    ys = [d["y"] for _n, d in G.nodes(data=True)]
    frame = Frame(float(np.mean(xs)), float(np.mean(ys)))
    out = []
    for day in range(days):
        season = seasons[day % 2]
        attr = f"tt_motorbike_{season}"
        H = G.edge_subgraph([e for e in G.edges(keys=True) if attr in G.edges[e]])
        nodes = sorted(max(nx.strongly_connected_components(H), key=len))
        paths, rides = [], []
        for team in range(teams):
            legs = _day_legs(H, rng, nodes, attr)
            day_factor = math.exp(rng.normal(0.0, day_sd))

            def speed(edge, season=season, attr=attr, day_factor=day_factor):
                d = G.edges[edge]
                return (float(d["length"]) / d[attr] * true_factor(d, season, prior)
                        * day_factor * edge_noise[edge])

            sample = float(rng.integers(SAMPLE_S[0], SAMPLE_S[1] + 1))
            times, xy, ride_s = simulate_day(G, legs, speed, rng, frame, sample_s=sample,
                                             gap_s=float(rng.uniform(120, 180)))
            start = dt.datetime(2026, 10, 1, 6, 30, tzinfo=dt.UTC) + dt.timedelta(days=day)
            paths.append(write_gpx(folder / f"day{day:02d}-team{team + 1}.gpx", times, xy,
                                   frame, start))
            legs_ridden = [what for kind, what in legs if kind == "ride"]
            rides += list(zip(legs_ridden, ride_s, strict=True))
        out.append((season, paths, rides))
    return out, edge_noise


def leg_errors(G, prior: dict, days: list, cells: dict, oracle: str = "",
               edges: dict | None = None, edge_noise: dict | None = None) -> np.ndarray:
    """Absolute error (s) of every ride leg of ``days``: predicted on the table
    and the learnt ``cells`` and ``edges`` (none: the table alone) against the
    true time. ``oracle="kinds"``: the hidden model's own factors instead,
    without its day and edge noise; ``"edges"``: with each edge's own factor
    (``edge_noise``) too, so that only the day's noise is left; ``"unseen"``:
    the learnt layer where an edge has its own factor, the hidden model's
    factor and edge noise on the others (what the edges never ridden often
    enough cost)."""
    from planner.speeds import calibration_cell, edge_label

    edges = edges or {}
    errors = []
    for season, _path, rides in days:
        attr = f"tt_motorbike_{season}"
        for legs, true_s in rides:
            pred = 0.0
            for e in legs:
                d = G.edges[e]
                if oracle == "unseen" and edge_label(*e) not in edges:
                    pred += d[attr] / (true_factor(d, season, prior) * edge_noise[e])
                    continue
                if oracle in ("kinds", "edges"):
                    own = edge_noise[e] if oracle == "edges" else 1.0
                    pred += d[attr] / (true_factor(d, season, prior) * own)
                    continue
                cell = cells.get(calibration_cell(d, season, prior))
                fit = edges.get(edge_label(*e))
                pred += d[attr] / ((cell.speed_factor if cell is not None else 1.0)
                                   * (fit.speed_factor if fit is not None else 1.0))
            errors.append(abs(pred - true_s))
    return np.array(errors)


def _row(n, model: str, err: np.ndarray, true_s: np.ndarray, last: str) -> str:
    return (f"{n:>13} | {model:<14} | {np.median(err):>12.1f} s | "
            f"{np.percentile(err, 90):>9.1f} s | {100 * np.median(err / true_s):>12.1f} % | "
            f"{last}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=16, help="training days")
    parser.add_argument("--test-days", type=int, default=6, help="held-out days")
    parser.add_argument("--teams", type=int, default=2, help="teams (tracks) a day")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--day-sd", type=float, default=0.05,
                        help="sd of a team's day (rider, weather) on the log scale")
    parser.add_argument("--edge-sd", type=float, default=0.10,
                        help="sd of one edge's own deviation on the log scale")
    parser.add_argument("--keep", type=Path, default=None,
                        help="pickle the training days' observations, the held-out days "
                             "and the edges' hidden factors to this file (for analyses "
                             "without matching again)")
    args = parser.parse_args()

    from benchmarks.campaign_quality import andorra_graph
    from planner.roads.learn import read_track, track_observations
    from planner.roads.learn_model import add_edge_evidence, add_evidence, fit, fit_edges
    from planner.speeds import load_speed_table

    t0 = time.perf_counter()
    cpu0 = time.process_time()
    prior = load_speed_table()
    prior.pop("calibration", None)
    G = andorra_graph()
    folder = Path(tempfile.mkdtemp(prefix="speeds_"))
    days, edge_noise = simulate(G, prior, args.days + args.test_days, args.teams, args.seed,
                                folder, args.day_sd, args.edge_sd)
    train, test = days[:args.days], days[args.days:]
    t_sim, cpu_sim = time.perf_counter() - t0, time.process_time() - cpu0
    per_day = []
    for season, paths, _rides in train:
        per_day.append([o for path in paths
                        for o in track_observations(read_track(path), G, season, prior)])
    t_learn = time.perf_counter() - t0 - t_sim
    cpu_learn = time.process_time() - cpu0 - cpu_sim
    if args.keep is not None:
        import pickle

        args.keep.write_bytes(pickle.dumps({"per_day": per_day, "train": train, "test": test,
                                            "edge_noise": edge_noise}))
    table_err = leg_errors(G, prior, test, {})
    legs = sum(len(r) for _s, _p, r in test)
    print(f"Andorra NW (OpenStreetMap 2013, {G.number_of_nodes():,} nodes), seed {args.seed}: "
          f"{args.teams} teams a day, {args.days} training days, {args.test_days} held-out "
          f"days ({legs} ride legs), day sd {args.day_sd}, edge sd {args.edge_sd}; "
          f"{platform.processor() or platform.machine()}")
    print(f"simulating {t_sim:.0f} s ({cpu_sim:.0f} s CPU), reading and matching "
          f"{len(train) * args.teams} tracks {t_learn:.0f} s ({cpu_learn:.0f} s CPU; "
          f"{sum(map(len, per_day)):,} edges observed)")
    print()
    print(f"{'training days':>13} | {'model':<14} | {'median abs err':>14} | "
          f"{'p90 abs err':>11} | {'median rel err':>14} | cells / own edges")
    print("-" * 92)
    true_s = np.array([s for _se, _p, r in test for _e, s in r])
    print(_row(0, "table alone", table_err, true_s, "0"))
    print(_row("-", "hidden kinds", leg_errors(G, prior, test, {}, oracle="kinds"), true_s,
               "(its day and edge noise left)"))
    print(_row("-", "hidden + edges", leg_errors(G, prior, test, {}, oracle="edges",
                                                 edge_noise=edge_noise), true_s,
               "(its day noise left)"))
    halved = None
    n = 1
    while n <= len(train):
        seen = [o for obs in per_day[:n] for o in obs]
        cells = fit(add_evidence({}, seen))
        own = fit_edges(add_edge_evidence({}, seen), cells)
        print(_row(n, "learnt cells", leg_errors(G, prior, test, cells), true_s,
                   str(len(cells))))
        err = leg_errors(G, prior, test, cells, edges=own)
        print(_row(n, "cells + edges", err, true_s, f"{len(cells)} / {len(own)}"))
        if halved is None and np.median(err) <= 0.5 * np.median(table_err):
            halved = n
        if n == len(train):
            print(_row(n, "hidden unseen", leg_errors(G, prior, test, cells, "unseen", own,
                                                       edge_noise), true_s,
                       "(hidden on edges without their own)"))
        n = n * 2 if n * 2 <= len(train) or n == len(train) else len(train)
    print()
    print("days of tracks to halve the median error (cells + edges): "
          + (str(halved) if halved else f"not reached in {len(train)}"))


if __name__ == "__main__":
    main()
