"""A GENERATED province for benchmarks and tests: fictional communes on
generated road grids. Nothing here is real: names, people and roads are made
up, and the files say so (``fictional: true``, the names, the graphs' ``note``).

A province is a list of communes (docs/province.md); communes are placed in
*road areas* of about ``area_communes`` communes, each road area on its own
generated road grid (``benchmarks.generated_district.build_graph``), so one
graph covers the communes of one area.

``province_areas(...)`` yields one road area at a time: ``(area id, road
graph, [(commune id, Scenario), …])``; ``write_province(folder, ...)`` writes
``province.yaml`` (the 2025 form: one list of communes, each naming its
area's ``roads:``) with ``ANN/roads.graphml`` per area and
``ANN/CNNN/{scenario.yaml, households.csv}`` per commune.
``old_form_yaml(folder)`` is the same province in the form used before the
2025 reform (communes grouped by ``districts:``), for the test that both plan
the same.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from pathlib import Path

from benchmarks.generated_district import _lonlat, build_graph, households_csv, scenario_yaml
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

PROVINCE_NOTE = "GENERATED BENCHMARK PROVINCE: fictional communes, people and roads."
COMMUNE_CELL_KM = 6.0
"""The side of the square of road grid each generated commune of a province gets."""


def province_layout(households: int, commune_households: int = 300,
                    area_communes: int = 12, seed: int = 21) -> list[list[int]]:
    """Households per commune, grouped by road area: about ``commune_households``
    per commune, within ±1/6 of it (250–350 for 300; at least 1),
    ``area_communes`` communes per road area (the last area may hold fewer;
    one area holds them all when there are fewer). The sizes sum to
    ``households``. Fixed ``seed``: the same layout every time."""
    rng = random.Random(seed)
    communes = max(1, round(households / commune_households))
    lo = max(1, math.floor(commune_households * 5 / 6))
    hi = max(lo, math.ceil(commune_households * 7 / 6))
    mean = households / communes
    sizes = [min(hi, max(lo, round(mean * rng.uniform(0.85, 1.15)))) for _ in range(communes)]
    k = 0
    while sum(sizes) != households:  # move one household at a time, keeping the bounds
        step = 1 if sum(sizes) < households else -1
        if lo <= sizes[k % communes] + step <= hi or not lo <= mean <= hi:
            sizes[k % communes] = max(1, sizes[k % communes] + step)
        k += 1
    return [sizes[k:k + area_communes] for k in range(0, communes, area_communes)]


def _commune(cid: str, n: int, cx: float, cy: float, size_km: float, cell_km: float,
             rng: random.Random, teams: int, home_share: float, start: dt.date,
             deadline: dt.date) -> Scenario:
    """One generated commune of ``n`` households: its police station at
    (``cx``, ``cy``) km, four villages around it, its households around the
    villages (``home_share`` with home-visit residents, the others for the
    village's collection point), ``teams`` commune teams of 3 officers."""
    conditions = ("bedridden", "disabled", "elderly", "postpartum")
    weights = (0.2, 0.2, 0.5, 0.1)
    windows = ((), (), (), (Window(7 * 3600, 11 * 3600),), (Window(13 * 3600 + 1800, 17 * 3600),))
    spread = cell_km / 3
    villages, centres = [], []
    for v in range(4):
        vx = cx + rng.uniform(-spread, spread)
        vy = cy + rng.uniform(-spread, spread)
        vid = f"V{v + 1}"
        villages.append(Village(vid, f"Bản {cid}-{vid} (generated)", *_lonlat(vx, vy)))
        centres.append((vid, vx, vy))
    hh, resident_no = [], 0
    for k in range(n):
        vid, vx, vy = centres[k % len(centres)]
        x = max(-size_km / 2, min(size_km / 2, vx + rng.gauss(0, spread / 3.3)))
        y = max(-size_km / 2, min(size_km / 2, vy + rng.gauss(0, spread / 3.3)))
        residents = []
        home = rng.random() < home_share
        for _ in range((1 if rng.random() < 0.85 else 2) if home else 1):
            resident_no += 1
            rid = f"{cid}R{resident_no:04d}"
            if home:
                residents.append(Resident(rid, f"Generated {rid}",
                                          rng.choices(conditions, weights)[0],
                                          rng.choice(windows), "home",
                                          rng.choice((0, 0, 7, 30))))
            else:
                residents.append(Resident(rid, f"Generated {rid}", "able", (), "point"))
        hh.append(Household(f"{cid}-{k + 1:04d}", vid, *_lonlat(x, y), tuple(residents)))
    team_list = tuple(
        Team(id=f"T{t + 1}", name=f"Generated team {t + 1}", members=("A", "B", "C"),
             motorbikes=2, kits=1, shift=Window(7 * 3600, 17 * 3600),
             lunch=Window(11 * 3600, 13 * 3600 + 1800), lunch_s=3600,
             max_work_s=9 * 3600 + 1800)
        for t in range(teams))
    return Scenario(
        name=f"Xã {cid} (generated, {n} households)", fictional=True, date=start,
        station=Station(f"Commune police {cid} (generated)", *_lonlat(cx, cy)),
        villages=tuple(villages), households=tuple(hh), teams=team_list,
        roads="generated", parameters=Parameters(time_limit_s=1.0, return_before_sunset=True),
        source="generated", campaign=CampaignSettings(start=start, deadline=deadline))


def province_areas(households: int = 5000, commune_households: int = 300,
                   area_communes: int = 12, teams: int = 2,
                   home_share: float = 0.7, seed: int = 21,
                   start: dt.date = dt.date(2027, 3, 1), weeks: int = 8,
                   cell_km: float = COMMUNE_CELL_KM) -> Iterator[tuple[str, object, list]]:
    """A GENERATED province, one road area at a time: yields ``(area id,
    road graph, [(commune id, Scenario), …])``. Every area has its own
    generated road grid (a square of ``cell_km`` km of grid per commune);
    each commune its police station at the centre of its square (see
    ``_commune``) and a campaign from ``start`` with a deadline ``weeks``
    weeks later (the Friday before). Ids: area ``A01``, commune ``C001``
    (numbered across the province), household ``C001-0001``, resident
    ``C001R0001``."""
    layout = province_layout(households, commune_households, area_communes, seed)
    deadline = start + dt.timedelta(weeks=weeks) - dt.timedelta(days=3)  # a Friday for a Monday
    number = 0
    for a, sizes in enumerate(layout):
        aid = f"A{a + 1:02d}"
        side = math.ceil(math.sqrt(len(sizes)))
        size_km = side * cell_km
        G = build_graph(size_km=size_km, seed=seed * 100 + a)
        G.graph.update(name=f"generated road area {aid}", note=PROVINCE_NOTE)
        rng = random.Random(f"{seed}-{aid}")
        communes = []
        for c, n in enumerate(sizes):
            number += 1
            cid = f"C{number:03d}"
            cx = -size_km / 2 + (c % side + 0.5) * cell_km
            cy = -size_km / 2 + (c // side + 0.5) * cell_km
            communes.append((cid, _commune(cid, n, cx, cy, size_km, cell_km, rng, teams,
                                           home_share, start, deadline)))
        yield aid, G, communes


def write_province(folder: str | Path, **kwargs) -> list[Path]:
    """Write a GENERATED province (``province_areas(**kwargs)``) in ``folder``:
    ``province.yaml`` (see docs/province.md: one list of communes, each with
    its area's ``roads:``), and per road area ``ANN/roads.graphml`` and a folder
    ``ANN/CNNN/`` per commune with its ``scenario.yaml`` (naming
    ``../roads.graphml``, so it also runs on its own) and ``households.csv``.
    One area's graph is in memory at a time."""
    from planner.planfile import write_atomic
    from planner.roads.io import save_graph

    folder = Path(folder)
    written: list[Path] = []
    lines = [f"# {PROVINCE_NOTE}", "name: Generated province", "fictional: true", "communes:"]
    for aid, G, communes in province_areas(**kwargs):
        written.append(save_graph(G, folder / aid / "roads.graphml"))
        del G
        for cid, sc in communes:
            sub = folder / aid / cid
            written.append(write_atomic(sub / "households.csv", households_csv(sc)))
            written.append(write_atomic(sub / "scenario.yaml",
                                        scenario_yaml(sc, "../roads.graphml", PROVINCE_NOTE)))
            lines.append(f"  - {{id: {cid}, scenario: {aid}/{cid}/scenario.yaml, "
                         f"roads: {aid}/roads.graphml}}")
    written.append(write_atomic(folder / "province.yaml", "\n".join(lines) + "\n"))
    return written


def old_form_yaml(folder: str | Path) -> str:
    """The province ``write_province`` wrote in ``folder``, in the form used
    before the 2025 reform: its communes grouped by ``districts:`` (one per
    road area, its graph as the district's shared ``roads:``)."""
    folder = Path(folder)
    areas: dict[str, list[str]] = {}
    for path in sorted(folder.glob("A*/C*/scenario.yaml")):
        areas.setdefault(path.parent.parent.name, []).append(path.parent.name)
    lines = [f"# {PROVINCE_NOTE}", "name: Generated province", "fictional: true", "districts:"]
    for aid, cids in areas.items():
        lines += [f"  - id: {aid}", f"    name: Huyện {aid} (generated)",
                  f"    roads: {aid}/roads.graphml", "    communes:"]
        lines += [f"      - {{id: {cid}, scenario: {aid}/{cid}/scenario.yaml}}" for cid in cids]
    return "\n".join(lines) + "\n"
