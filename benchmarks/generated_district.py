"""A GENERATED district for benchmarks: several fictional communes on a
generated road network. Nothing here is real: names, people and roads are
made up, and the district says so (``fictional=True``, the graph's ``note``).

``district(households=3200, teams=8, communes=8, seed=...)`` returns
``(Scenario, G)`` in memory: a jittered grid of roads about 400 m apart over
``size_km`` × ``size_km`` (paved roads every few rows, gravel and dirt tracks
between, some footpaths, a hilly terrain with grades), communes placed around
the district police station at the centre, and villages of households around
each commune's centre. About ``home_share`` of the households have a resident
who needs a home visit; the others come to a collection point (mode point).
``write_district(folder)`` writes it as scenario files (YAML, CSV, GraphML).

``early_commune(...)`` is a GENERATED commune on the same kind of road grid
where a share of the households (30 % by default) are at home only early in
the morning (05:30–07:30): the test case for spreading narrow windows over a
campaign (``benchmarks/campaign_quality.py``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from pathlib import Path

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

NOTE = "GENERATED BENCHMARK DISTRICT: fictional communes, people and roads."
LON0, LAT0 = 104.0, 21.5
KM_LAT = 110.574
KM_LON = 111.320 * math.cos(math.radians(LAT0))


def _lonlat(x: float, y: float) -> tuple[float, float]:
    return round(LON0 + x / KM_LON, 6), round(LAT0 + y / KM_LAT, 6)


def _elevation(x: float, y: float) -> float:
    return 400.0 + 250.0 * math.sin(x / 3.1) * math.cos(y / 2.7) + 15.0 * (x + y)


def build_graph(size_km: float = 24.0, step_km: float = 0.4, seed: int = 7):
    """The generated road graph (osmnx-style MultiDiGraph, travel times added)."""
    import networkx as nx

    from planner.geo import haversine_m
    from planner.speeds import add_travel_times, load_speed_table

    rng = random.Random(seed)
    n = int(size_km / step_km) + 1
    G = nx.MultiDiGraph(crs="epsg:4326", name="generated district", note=NOTE)
    half = size_km / 2
    for i in range(n):
        for j in range(n):
            x = -half + i * step_km + rng.uniform(-0.1, 0.1) * step_km
            y = -half + j * step_km + rng.uniform(-0.1, 0.1) * step_km
            lon, lat = _lonlat(x, y)
            G.add_node(i * n + j, x=lon, y=lat, elevation=round(_elevation(x, y), 1))
    paved = (("highway", "secondary"), ("surface", "asphalt"))
    gravel = (("highway", "unclassified"), ("surface", "gravel"))
    dirt = (("highway", "track"), ("surface", "dirt"), ("tracktype", "grade4"))
    path = (("highway", "path"), ("surface", "ground"))
    for i in range(n):
        for j in range(n):
            for di, dj in ((1, 0), (0, 1)):
                a, b = i + di, j + dj
                if a >= n or b >= n:
                    continue
                main = (dj == 0 and j % 10 == 5) or (di == 0 and i % 10 == 5)
                second = (dj == 0 and j % 5 == 0) or (di == 0 and i % 5 == 0)
                if main:
                    tags = paved
                elif second:
                    tags = gravel
                else:
                    roll = rng.random()
                    if roll < 0.25:
                        continue  # no road here
                    tags = dirt if roll < 0.8 else path
                u, v = i * n + j, a * n + b
                du, dv = G.nodes[u], G.nodes[v]
                length = round(haversine_m(du["x"], du["y"], dv["x"], dv["y"]), 2)
                grade = round((dv["elevation"] - du["elevation"]) / length, 4)
                for s, t, g in ((u, v, grade), (v, u, -grade)):
                    G.add_edge(s, t, length=length, grade=g, grade_abs=abs(g), oneway=False,
                               reversed=s != u, **dict(tags))
    return add_travel_times(G, load_speed_table())


def district(households: int = 3200, teams: int = 8, communes: int = 8,
             home_share: float = 0.75, size_km: float = 24.0, seed: int = 11,
             start: dt.date = dt.date(2027, 3, 1)) -> tuple[Scenario, object]:
    """A generated district scenario and its road graph (see the module docstring)."""
    G = build_graph(size_km=size_km, seed=seed)
    rng = random.Random(seed)
    villages: list[Village] = []
    centres: list[tuple[str, float, float]] = []
    for c in range(communes):
        ang = 2 * math.pi * c / communes
        r = size_km * 0.3
        cx, cy = r * math.cos(ang), r * math.sin(ang)
        for v in range(4):
            vx = cx + rng.uniform(-2.5, 2.5)
            vy = cy + rng.uniform(-2.5, 2.5)
            vid = f"C{c + 1}V{v + 1}"
            lon, lat = _lonlat(vx, vy)
            villages.append(Village(vid, f"Bản {vid} (generated)", lon, lat))
            centres.append((vid, vx, vy))
    conditions = ("bedridden", "disabled", "elderly", "postpartum")
    weights = (0.2, 0.2, 0.5, 0.1)
    windows = ((), (), (), (Window(7 * 3600, 11 * 3600),), (Window(13 * 3600 + 1800, 17 * 3600),))
    hh: list[Household] = []
    resident_no = 0
    for k in range(households):
        vid, vx, vy = centres[k % len(centres)]
        x = max(-size_km / 2, min(size_km / 2, vx + rng.gauss(0, 0.6)))
        y = max(-size_km / 2, min(size_km / 2, vy + rng.gauss(0, 0.6)))
        lon, lat = _lonlat(x, y)
        residents = []
        if rng.random() < home_share:
            for _ in range(1 if rng.random() < 0.85 else 2):
                resident_no += 1
                cond = rng.choices(conditions, weights)[0]
                residents.append(Resident(f"G{resident_no:06d}", f"Generated {resident_no}",
                                          cond, rng.choice(windows), "home",  # type: ignore
                                          rng.choice((0, 0, 7, 30))))
        else:
            resident_no += 1
            residents.append(Resident(f"G{resident_no:06d}", f"Generated {resident_no}",
                                      "able", (), "point"))
        hh.append(Household(f"D-{k + 1:05d}", vid, lon, lat, tuple(residents)))
    team_list = tuple(
        Team(id=f"T{t + 1}", name=f"Generated team {t + 1}", members=("A", "B", "C"),
             motorbikes=2, kits=1, shift=Window(7 * 3600, 17 * 3600),
             lunch=Window(11 * 3600, 13 * 3600 + 1800), lunch_s=3600, max_work_s=9 * 3600 + 1800)
        for t in range(teams))
    sx, sy = _lonlat(0.0, 0.0)
    scenario = Scenario(
        name=f"Generated district ({households} households, {communes} communes)",
        fictional=True, date=start, station=Station("District police (generated)", sx, sy),
        villages=tuple(villages), households=tuple(hh), teams=team_list,
        roads="generated", parameters=Parameters(time_limit_s=1.0, return_before_sunset=True),
        source="generated", campaign=CampaignSettings(start=start))
    return scenario, G


def households_csv(scenario: Scenario) -> str:
    """The district's households table in the scenario format."""
    from planner.clock import format_clock
    from planner.scenario import COLUMNS

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for h in scenario.households:
        for r in h.residents:
            avail = "; ".join(f"{format_clock(x.start_s)}-{format_clock(x.end_s)}"
                              for x in r.windows)
            w.writerow([h.id, h.village_id, f"{h.lon:.6f}", f"{h.lat:.6f}", "", r.id,
                        r.full_name, r.condition, avail, r.mode, r.waiting_days, "", ""])
    return buf.getvalue()


def scenario_yaml(scenario: Scenario, roads: str, note: str = NOTE) -> str:
    """A generated scenario as ``scenario.yaml`` text (its households in
    ``households.csv`` beside it, its road graph at ``roads``)."""
    from planner.clock import format_clock

    lines = [f"# {note}", f"name: {scenario.name}", "fictional: true",
             f"date: {scenario.date}", f"roads: {roads}",
             "households: households.csv",
             f"station: {{name: {scenario.station.name}, lon: {scenario.station.lon}, "
             f"lat: {scenario.station.lat}}}", "villages:"]
    lines += [f"  - {{id: {v.id}, name: {v.name}, lon: {v.lon}, lat: {v.lat}}}"
              for v in scenario.villages]
    lines.append("teams:")
    for team in scenario.teams:
        lines.append(f"  - {{id: {team.id}, name: {team.name}, members: [A, B, C], "
                     f"motorbikes: 2, kits: 1, shift: \"{format_clock(team.shift.start_s)}-"
                     f"{format_clock(team.shift.end_s)}\", lunch: \"11:00-13:30\", "
                     "lunch_min: 60, max_work_h: 9.5}")
    lines += ["campaign:", f"  start: {scenario.date}"]
    if scenario.campaign and scenario.campaign.deadline:
        lines.append(f"  deadline: {scenario.campaign.deadline}")
    return "\n".join(lines) + "\n"


def write_district(folder: str | Path, **kwargs) -> list[Path]:
    """Write the district as ``scenario.yaml``, ``households.csv`` and
    ``district.graphml`` in ``folder`` (for the CLI)."""
    from planner.planfile import write_atomic
    from planner.roads.io import save_graph

    folder = Path(folder)
    scenario, G = district(**kwargs)
    written = [save_graph(G, folder / "district.graphml"),
               write_atomic(folder / "households.csv", households_csv(scenario)),
               write_atomic(folder / "scenario.yaml", scenario_yaml(scenario,
                                                                    "district.graphml"))]
    return written


if __name__ == "__main__":  # python -m benchmarks.generated_district FOLDER
    import sys

    for p in write_district(sys.argv[1] if len(sys.argv) > 1 else "out/district"):
        print(p)


EARLY = Window(5 * 3600 + 1800, 7 * 3600 + 1800)
"""The early-morning band of the generated commune: at home 05:30–07:30 only."""


def early_commune(households: int = 150, early_share: float = 0.3, teams: int = 3,
                  villages: int = 6, point_share: float = 0.1, shuttle_share: float = 0.05,
                  size_km: float = 10.0, spread_km: float = 0.4, seed: int = 5,
                  start: dt.date = dt.date(2027, 3, 1)) -> tuple[Scenario, object]:
    """A GENERATED commune (fictional, says so) where ``early_share`` of the
    households are at home only early in the morning (``EARLY``, 05:30–07:30):
    a campaign must spread them over its days. An early household has one
    resident (elderly, able or disabled: out in the fields from dawn); the
    other home-visit households have one to three residents (2.25 on
    average), at home any time or (one or two residents) from 09:00 to 14:00;
    ``point_share`` of the households have residents for their village's
    collection point, ``shuttle_share`` a resident to shuttle. Teams start at
    05:00. Houses lie about ``spread_km`` from their village centre. Fixed
    ``seed``: the same commune every time. Returns ``(Scenario, G)``."""
    G = build_graph(size_km=size_km, seed=seed)
    rng = random.Random(seed)
    vill: list[Village] = []
    for v in range(villages):
        ang = 2 * math.pi * v / villages
        r = size_km * rng.uniform(0.15, 0.35)
        lon, lat = _lonlat(r * math.cos(ang), r * math.sin(ang))
        vill.append(Village(f"V{v + 1}", f"Bản V{v + 1} (generated)", lon, lat))
    conditions = ("bedridden", "disabled", "elderly", "postpartum", "able")
    weights = (0.15, 0.2, 0.45, 0.1, 0.1)
    hh: list[Household] = []
    n_early = round(early_share * households)
    early_ids = set(rng.sample(range(households), n_early))
    kinds = ["home"] * households
    others = [k for k in range(households) if k not in early_ids]
    rng.shuffle(others)
    n_point, n_shuttle = round(point_share * households), round(shuttle_share * households)
    for k in others[:n_point]:
        kinds[k] = "point"
    for k in others[n_point:n_point + n_shuttle]:
        kinds[k] = "shuttle"
    resident_no = 0
    for k in range(households):
        village = vill[k % villages]
        half = size_km / 2
        vx = (village.lon - LON0) * KM_LON
        vy = (village.lat - LAT0) * KM_LAT
        x = max(-half, min(half, vx + rng.gauss(0, spread_km)))
        y = max(-half, min(half, vy + rng.gauss(0, spread_km)))
        lon, lat = _lonlat(x, y)
        residents = []
        if kinds[k] == "point":
            people = rng.choice((2, 3, 4))
        else:
            people = 1 if k in early_ids or kinds[k] == "shuttle" else rng.choice((1, 2, 3, 3))
        for _ in range(people):
            resident_no += 1
            if kinds[k] == "point":
                cond, windows = "able", ()
            elif k in early_ids:  # working in the fields from dawn: able-bodied or elderly
                cond = rng.choices(("elderly", "able", "disabled"), (0.6, 0.3, 0.1))[0]
                windows = (EARLY,)
            else:
                cond = rng.choices(conditions, weights)[0]
                if kinds[k] == "home" and people <= 2:
                    windows = rng.choice(((), (), (), (Window(9 * 3600, 14 * 3600),)))
                else:
                    windows = ()
                if kinds[k] == "shuttle" and cond == "bedridden":
                    cond = "elderly"
            residents.append(Resident(f"E{resident_no:05d}", f"Generated {resident_no}",
                                      cond, windows, kinds[k],  # type: ignore[arg-type]
                                      rng.choice((0, 0, 7, 30))))
        hh.append(Household(f"E-{k + 1:04d}", village.id, lon, lat, tuple(residents)))
    team_list = tuple(
        Team(id=f"T{t + 1}", name=f"Generated team {t + 1}", members=("A", "B", "C"),
             motorbikes=2, kits=1, shift=Window(5 * 3600, 15 * 3600),
             lunch=Window(11 * 3600, 13 * 3600), lunch_s=3600, max_work_s=9 * 3600 + 1800)
        for t in range(teams))
    sx, sy = _lonlat(0.0, 0.0)
    scenario = Scenario(
        name=f"Generated commune, {round(100 * early_share)} % early-morning-only "
             f"({households} households)",
        fictional=True, date=start, station=Station("Commune police (generated)", sx, sy),
        villages=tuple(vill), households=tuple(hh), teams=team_list, roads="generated",
        parameters=Parameters(time_limit_s=1.0, return_before_sunset=True),
        source="generated", campaign=CampaignSettings(start=start))
    return scenario, G
