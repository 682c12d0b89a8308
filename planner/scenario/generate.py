"""GENERATED commune scenarios nobody tuned the planner for (benchmarks, tests).

``generate_commune(G, seed)`` returns a ``Scenario`` (in memory) on any
road graph ``G`` with motorbike travel times (``planner.speeds``): on the
real OpenStreetMap extract imported with ``planner.roads.build.import_roads``
(``benchmarks/campaign_quality.py``), or on the demo's fictional network
(``tests/campaign/test_campaign_bound.py``). Everything about the people is
made up, and says so: ``fictional=True``, ``source="generated"``, names like
"Generated village 3", "Generated resident 12" and "Generated team 2". The
roads are the graph's own.

What a seed draws (``random.Random(seed)``, nothing else; the same seed and
graph give the same scenario):

- a station on a road node near the middle of the graph's drivable part (its
  largest strongly connected part on a motorbike), and ``villages`` villages on
  road nodes 0.8–``radius_km`` km from it and at least 0.6 km apart;
- ``households`` households, each near its village (a road node within
  ``spread_km`` of it); about one in eight lies 40–250 m off the road (the team
  walks the last metres);
- one to three residents each: conditions (bedridden, disabled, elderly,
  postpartum, able) and modes (mostly home; some for the village's
  collection point, shuttled to the office, or ``auto``);
- a share of narrow-window households drawn in ``narrow_share`` (20–40 % by
  default), visited at home, one or two residents (able, elderly, a few
  disabled: out in the fields or the forest all day), every one at home only
  early (06:00–07:30), only in the evening (17:00–19:00), or at both; other
  households are at home all day, some residents only in the morning or the
  afternoon;
- ``teams`` teams of three with their shifts (an early one, 06:00–15:30; a
  late one, 09:30–19:00; the others either or the usual 07:00–17:00), a lunch
  hour between 11:00 and 13:30, at most 9.5 h of work, and their duties (the
  first team does everything; the others home visits, plus shuttles or points
  by the draw);
- the clock of a commune at the same solar time as northern Vietnam's
  (``utc_offset_h`` from the station's longitude: solar noon about 12:06), so
  sunset falls where it would on Vietnamese mountain roads at that latitude.

``generate_merged_commune(G, seed, households)`` is a GENERATED commune of
the size communes have since the merger of 1 July 2025 (one commune often
joins three or more former ones): 2,000–4,000 households (any number may be
asked) in 30–60 villages spread over the whole graph, 8–12 teams (the first
doing home visits, shuttles and points; of the others, by the draw, some run
shuttles or points too), and the station off-centre (a former commune's
office: an hour's ride from the far villages). ``mountain_graph`` builds the
road graph for it when no real extract of that size is at hand (the shared
OSM extract, Andorra, covers under 500 km²): a GENERATED mountain network of
a few thousand km², labelled so in its ``note`` (``planner.roads.info``
tells generated roads apart) and its name.

Units: km and m as named, seconds of the day for windows, dates.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence

from planner.domain import (
    CampaignSettings,
    Household,
    Parameters,
    Resident,
    Scenario,
    Station,
    Team,
    Village,
    Window,
)
from planner.geo import haversine_m

#: The narrow bands of a generated household (clock seconds).
EARLY = Window(6 * 3600, 7 * 3600 + 1800)
EVENING = Window(17 * 3600, 19 * 3600)
#: Shifts of the generated teams (clock seconds): early, late, usual.
SHIFTS = (Window(6 * 3600, 15 * 3600 + 1800), Window(9 * 3600 + 1800, 19 * 3600),
          Window(7 * 3600, 17 * 3600))
CONDITIONS = ("bedridden", "disabled", "elderly", "postpartum", "able")
CONDITION_WEIGHTS = (0.15, 0.15, 0.4, 0.1, 0.2)
#: Conditions of the residents of a narrow-window household (out by day).
FIELD_CONDITIONS = ("able", "elderly", "disabled")
FIELD_WEIGHTS = (0.5, 0.4, 0.1)
#: Modes of a household's residents: (mode, weight).
MODES = (("home", 0.75), ("point", 0.12), ("shuttle", 0.06), ("auto", 0.07))


def generate_commune(G, seed: int, households: int = 90, villages: int = 6, teams: int = 2,
                     narrow_share: tuple[float, float] = (0.2, 0.4),
                     modes: Sequence[tuple[str, float]] = MODES, max_residents: int = 3,
                     radius_km: float = 5.0, spread_km: float = 0.6,
                     start: dt.date = dt.date(2027, 4, 12), time_limit_s: float = 1.0,
                     station_off_km: float = 0.0, label: str = "Generated commune",
                     ) -> Scenario:
    """A GENERATED commune on road graph ``G`` (module docstring): the same
    ``seed`` and graph give the same scenario. ``narrow_share``: the range
    the share of narrow-window households is drawn in; ``modes``: the
    residents' modes and their weights; ``max_residents`` a household's most;
    ``station_off_km``: the station that far east of the middle (0: near it);
    ``label`` begins the scenario's name."""
    rng = random.Random(seed)
    nodes = _drivable_nodes(G)
    station_node = _central_node(G, nodes, rng, station_off_km)
    sx, sy = G.nodes[station_node]["x"], G.nodes[station_node]["y"]
    village_list = _villages(G, nodes, (sx, sy), villages, radius_km, rng)
    share = rng.uniform(*narrow_share)
    narrow = set(rng.sample(range(households), round(share * households)))
    near = {v.id: _nodes_near(G, nodes, (v.lon, v.lat), spread_km) for v in village_list}
    hh: list[Household] = []
    number = 0
    for k in range(households):
        village = village_list[k % len(village_list)]
        lon, lat = _house_place(G, rng.choice(near[village.id]), rng)
        residents = []
        mode = rng.choices([m for m, _w in modes], [w for _m, w in modes])[0]
        if k in narrow:
            mode = "home"   # out in the fields: visited at home at their hours
        people = rng.choice((1, 1, 2) if k in narrow else (1, 1, 2, 2, 3))
        band = rng.choice(((EARLY,), (EVENING,), (EARLY, EVENING))) if k in narrow else None
        for _ in range(max(1, min(max_residents, people))):
            number += 1
            if mode == "point":
                condition = "able"
            elif k in narrow:   # out in the fields or the forest by day
                condition = rng.choices(FIELD_CONDITIONS, FIELD_WEIGHTS)[0]
            else:
                condition = rng.choices(CONDITIONS, CONDITION_WEIGHTS)[0]
            if mode == "shuttle" and condition == "bedridden":
                condition = "elderly"   # a bedridden resident is not put on a motorbike
            residents.append(Resident(
                f"GR{seed}-{number:04d}", f"Generated resident {number}", condition,
                band if band is not None else _open_windows(rng), mode,  # type: ignore[arg-type]
                rng.choice((0, 0, 7, 30))))
        hh.append(Household(f"G{seed}-{k + 1:04d}", village.id, lon, lat, tuple(residents)))
    return Scenario(
        name=f"{label} {seed} ({households} households, GENERATED people)",
        fictional=True, date=start,
        station=Station("Generated commune police station", round(sx, 6), round(sy, 6)),
        villages=tuple(village_list), households=tuple(hh),
        teams=_teams(teams, rng), roads=str(G.graph.get("name", "generated")),
        parameters=Parameters(time_limit_s=time_limit_s, seed=seed, return_before_sunset=True,
                              utc_offset_h=round(sx / 15 + 0.1, 2)),
        source="generated", campaign=CampaignSettings(start=start))


def _drivable_nodes(G) -> list:
    """The nodes of ``G``'s largest strongly connected part on a motorbike
    (edges with a ``tt_motorbike_*`` time), sorted for a stable draw."""
    # imported here: networkx loads slowly; reading a scenario does not need it
    import networkx as nx

    ride = nx.DiGraph()
    ride.add_edges_from((u, v) for u, v, d in G.edges(data=True)
                        if any(k.startswith("tt_motorbike") for k in d))
    if ride.number_of_nodes() == 0:
        raise ValueError("the road graph has no motorbike travel times (planner.speeds)")
    part = max(nx.strongly_connected_components(ride), key=len)
    return sorted(part, key=str)


def _central_node(G, nodes: list, rng: random.Random, off_km: float = 0.0):
    """A node among the tenth of ``nodes`` closest to their middle (moved
    ``off_km`` east; then among the hundredth closest to that point)."""
    xs = sorted(G.nodes[n]["x"] for n in nodes)
    ys = sorted(G.nodes[n]["y"] for n in nodes)
    mx, my = xs[len(xs) // 2], ys[len(ys) // 2]
    if off_km:
        mx += off_km * 1000.0 / haversine_m(mx, my, mx + 1.0, my)
        by_distance = sorted(nodes, key=lambda n: (haversine_m(
            G.nodes[n]["x"], G.nodes[n]["y"], mx, my), str(n)))
        return rng.choice(by_distance[:max(1, len(nodes) // 100)])
    by_distance = sorted(nodes, key=lambda n: (haversine_m(G.nodes[n]["x"], G.nodes[n]["y"],
                                                           mx, my), str(n)))
    return rng.choice(by_distance[:max(1, len(nodes) // 10)])


def _villages(G, nodes: list, station: tuple[float, float], count: int, radius_km: float,
              rng: random.Random) -> list[Village]:
    """``count`` villages on road nodes 0.8–``radius_km`` km from the station
    and 0.6 km apart (the rules relaxed when the graph is too small)."""
    chosen: list[tuple[float, float]] = []
    for near_m, apart_m in ((800.0, 600.0), (300.0, 250.0), (0.0, 0.0)):
        pool = [n for n in nodes
                if near_m <= haversine_m(G.nodes[n]["x"], G.nodes[n]["y"], *station)
                <= radius_km * 1000.0]
        rng.shuffle(pool)
        for n in pool:
            if len(chosen) == count:
                break
            p = (G.nodes[n]["x"], G.nodes[n]["y"])
            if all(haversine_m(*p, *q) >= apart_m for q in chosen):
                chosen.append(p)
        if len(chosen) == count:
            break
    return [Village(f"V{k + 1}", f"Generated village {k + 1}", round(x, 6), round(y, 6))
            for k, (x, y) in enumerate(chosen)]


def _nodes_near(G, nodes: list, where: tuple[float, float], spread_km: float) -> list:
    """The road nodes within ``spread_km`` of ``where`` (the closest one at least)."""
    out = [n for n in nodes
           if haversine_m(G.nodes[n]["x"], G.nodes[n]["y"], *where) <= spread_km * 1000.0]
    return out or [min(nodes, key=lambda n: haversine_m(G.nodes[n]["x"], G.nodes[n]["y"],
                                                        *where))]


def _house_place(G, node, rng: random.Random) -> tuple[float, float]:
    """A house at road node ``node``, or (one in eight) 40–250 m off it."""
    x, y = G.nodes[node]["x"], G.nodes[node]["y"]
    if rng.random() < 0.125:
        off_m = rng.uniform(40.0, 250.0)
        dx, dy = rng.uniform(-1, 1), rng.uniform(-1, 1)
        norm = max(1e-9, (dx * dx + dy * dy) ** 0.5)
        per_deg_lat = 111_132.0
        per_deg_lon = haversine_m(x, y, x + 1.0, y)
        x += off_m * dx / norm / per_deg_lon
        y += off_m * dy / norm / per_deg_lat
    return round(x, 6), round(y, 6)


def _open_windows(rng: random.Random) -> tuple[Window, ...]:
    """A resident of an open household: all day mostly, else a morning or an afternoon."""
    return rng.choice(((), (), (), (), (Window(7 * 3600, 11 * 3600),),
                       (Window(13 * 3600, 17 * 3600 + 1800),)))


def _teams(count: int, rng: random.Random) -> tuple[Team, ...]:
    """``count`` generated teams (module docstring)."""
    out = []
    for t in range(count):
        shift = SHIFTS[t] if t < 2 else rng.choice(SHIFTS)
        duties: tuple[str, ...] = ("home", "shuttle", "point") if t == 0 else \
            rng.choice((("home",), ("home", "shuttle"), ("home", "point")))
        out.append(Team(id=f"T{t + 1}", name=f"Generated team {t + 1}",
                        members=(f"Generated officer {t + 1}A", f"Generated officer {t + 1}B",
                                 f"Generated officer {t + 1}C"),
                        motorbikes=2, kits=1, shift=shift,
                        lunch=Window(11 * 3600, 13 * 3600 + 1800), lunch_s=3600,
                        max_work_s=9 * 3600 + 1800, duties=duties))
    return tuple(out)


#: The label of the 2025-sized generated commune (its name begins with it).
MERGED_LABEL = "GENERATED merged commune (2025-sized)"
#: The note of a generated mountain road graph (``planner.roads.info``).
MOUNTAIN_NOTE = "GENERATED mountain road network: fictional roads, not a real place"


def merged_sizes(households: int) -> tuple[int, int]:
    """(villages, teams) of a merged commune of ``households`` households:
    30–60 villages of about 70 households, 8–12 teams (10 for 3,000)."""
    return (max(30, min(60, round(households / 70))),
            max(8, min(12, round(households / 500) + 4)))


def generate_merged_commune(G, seed: int, households: int = 3000,
                            villages: int | None = None, teams: int | None = None,
                            start: dt.date = dt.date(2027, 4, 12),
                            time_limit_s: float = 1.0) -> Scenario:
    """A GENERATED 2025-sized merged commune on road graph ``G`` (module
    docstring; ``mountain_graph`` makes one): ``households`` in ``villages``
    villages (default ``merged_sizes``) up to 60 % of the graph's width
    from a station placed a quarter of that width east of the middle,
    ``teams`` teams. Labelled: its name begins with ``MERGED_LABEL``, and
    every person, village and team is named "Generated …"."""
    default_villages, default_teams = merged_sizes(households)
    xs = [d["x"] for _n, d in G.nodes(data=True)]
    ys = [d["y"] for _n, d in G.nodes(data=True)]
    width_km = haversine_m(min(xs), sum(ys) / len(ys), max(xs), sum(ys) / len(ys)) / 1000.0
    return generate_commune(G, seed, households=households,
                            villages=villages or default_villages,
                            teams=teams or default_teams, radius_km=0.6 * width_km,
                            spread_km=1.2, start=start, time_limit_s=time_limit_s,
                            station_off_km=0.25 * width_km, label=MERGED_LABEL)


def mountain_graph(size_km: float = 48.0, step_km: float = 0.6, seed: int = 2025,
                   table=None, lon0: float = 103.6, lat0: float = 21.6):
    """A GENERATED mountain road network of ``size_km`` × ``size_km`` (osmnx-style
    ``MultiDiGraph``, travel times from ``table``, default ``maps/speeds.toml``):
    a jittered grid of junctions ``step_km`` apart on ridged terrain (200–1,800 m,
    grades from it), a paved provincial road across the middle and a few paved
    spurs, gravel commune roads every few rows, dirt tracks (a quarter of them
    missing: valleys and cliffs) and footpaths between. Its ``note`` and name
    say it is generated. The same arguments give the same graph."""
    # imported here: networkx loads slowly; generating a commune on a given
    # graph does not need it
    import networkx as nx

    from planner.speeds import add_travel_times, load_speed_table

    rng = random.Random(seed)
    n = int(size_km / step_km) + 1
    km_lat, km_lon = 110.574, 111.320 * math.cos(math.radians(lat0))
    G = nx.MultiDiGraph(crs="epsg:4326", name="generated mountain commune",
                        note=MOUNTAIN_NOTE)
    half = size_km / 2

    def height_m(x: float, y: float) -> float:
        return (1000.0 + 500.0 * math.sin(x / 4.3) * math.cos(y / 3.7)
                + 250.0 * math.sin((x + y) / 1.9) + 12.0 * y)

    for i in range(n):
        for j in range(n):
            x = -half + (i + rng.uniform(-0.15, 0.15)) * step_km
            y = -half + (j + rng.uniform(-0.15, 0.15)) * step_km
            G.add_node(i * n + j, x=round(lon0 + x / km_lon, 6), y=round(lat0 + y / km_lat, 6),
                       elevation=round(max(200.0, min(1800.0, height_m(x, y))), 1))
    kinds = {"paved": (("highway", "secondary"), ("surface", "asphalt")),
             "gravel": (("highway", "unclassified"), ("surface", "gravel")),
             "dirt": (("highway", "track"), ("surface", "dirt"), ("tracktype", "grade4")),
             "path": (("highway", "path"), ("surface", "ground"))}
    mid = n // 2
    spurs = {mid // 2, mid + mid // 2}
    for i in range(n):
        for j in range(n):
            for di, dj in ((1, 0), (0, 1)):
                a, b = i + di, j + dj
                if a >= n or b >= n:
                    continue
                if (dj == 0 and j == mid) or (di == 0 and i in spurs and abs(j - mid) < n // 4):
                    kind = "paved"
                elif (dj == 0 and j % 8 == 4) or (di == 0 and i % 8 == 4):
                    kind = "gravel"
                else:
                    roll = rng.random()
                    if roll < 0.25:
                        continue  # no road here: a valley, a cliff
                    kind = "dirt" if roll < 0.75 else "path"
                u, v = i * n + j, a * n + b
                du, dv = G.nodes[u], G.nodes[v]
                length = round(haversine_m(du["x"], du["y"], dv["x"], dv["y"]), 2)
                grade = round((dv["elevation"] - du["elevation"]) / length, 4)
                for s, t, g in ((u, v, grade), (v, u, -grade)):
                    G.add_edge(s, t, length=length, grade=g, grade_abs=abs(g), oneway=False,
                               reversed=s != u, **dict(kinds[kind]))
    return add_travel_times(G, table or load_speed_table())
