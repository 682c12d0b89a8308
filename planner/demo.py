"""The bundled demo: a deterministic generator for a FICTIONAL mountain commune.

Everything here is generated: the commune "Nậm Khao (hư cấu / fictional)", its
villages, households, residents, officers and roads. Names are made up; ID
numbers start with 999 (no such province code exists). It is realistic enough
to exercise the whole product: terrain from about 300 to 1,900 m, ten villages
(bản) along a main valley and side valleys, a paved provincial road, gravel
commune roads, dirt tracks, footpaths, a ford that closes in the rainy season,
and households that can only be reached on foot.

``generate(scenario_dir, maps_dir)`` writes ``scenario.yaml`` and
``households.csv`` into ``scenario_dir`` and ``demo_commune.graphml`` plus
``demo_commune.water.geojson`` into ``maps_dir``. The same call always writes
byte-identical files.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

from planner.geo import haversine_m
from planner.privacy import csv_text
from planner.roads.io import save_graph
from planner.scenario import COLUMNS

GRAPH_NAME = "demo_commune"
LON0, LAT0 = 103.1500, 21.8200  # origin of the local km grid (fictional place)
KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON = 111.320 * math.cos(math.radians(LAT0))
SEED = 20261124
FICTIONAL_NOTE = ("GENERATED DEMO DATA: a fictional commune; every name, person, "
                  "ID number and road here is made up.")


def lonlat(x_km: float, y_km: float) -> tuple[float, float]:
    """Local km grid → (lon, lat), rounded to 6 decimals (~0.1 m)."""
    return round(LON0 + x_km / KM_PER_DEG_LON, 6), round(LAT0 + y_km / KM_PER_DEG_LAT, 6)


def river_y(x: float) -> float:
    """The main river's northing (km) at easting ``x`` (km)."""
    return 0.6 * math.sin(x / 2.5)


def elevation_m(x: float, y: float) -> float:
    """Terrain height: 300 m at the river mouth, ridges towards 1,900 m."""
    d = abs(y - river_y(x))
    base = 300.0 + 12.0 * x
    rise = 1450.0 * (1.0 - math.exp(-d / 2.6))
    bumps = 90.0 * math.sin(1.3 * x + 0.7 * y) * min(1.0, d / 1.5)
    return round(base + rise + bumps, 1)


@dataclass(frozen=True)
class Way:
    """A polyline in km with OSM tags."""

    points: tuple[tuple[float, float], ...]
    tags: tuple[tuple[str, str], ...]


def _wind(a: tuple[float, float], b: tuple[float, float], bends: int, amp: float,
          ) -> list[tuple[float, float]]:
    """Points from a to b with switchback-like bends of ``amp`` km."""
    (x0, y0), (x1, y1) = a, b
    length = math.hypot(x1 - x0, y1 - y0)
    nx_, ny_ = -(y1 - y0) / length, (x1 - x0) / length
    pts = []
    for k in range(bends + 1):
        t = k / bends
        off = amp * (1 if k % 2 else -1) if 0 < k < bends else 0.0
        pts.append((x0 + t * (x1 - x0) + off * nx_, y0 + t * (y1 - y0) + off * ny_))
    return pts


# Village id, name, (x, y) in km, share of the commune's households.
VILLAGES: tuple[tuple[str, str, tuple[float, float], float], ...] = (
    ("PL", "Phiêng Lanh", (1.8, 0.95), 0.13),
    ("TT", "Bản Trung Tâm", (6.3, 0.20), 0.16),
    ("NC", "Nậm Chim", (12.6, 0.15), 0.12),
    ("HCM", "Huổi Cơ Mông", (4.7, 3.0), 0.11),
    ("TC", "Tà Cọ", (5.3, 5.3), 0.08),
    ("CM", "Co Muông", (10.5, 3.4), 0.10),
    ("HL", "Háng Lìa", (11.6, 5.6), 0.06),
    ("PH", "Pá Hốc", (8.3, -2.9), 0.10),
    ("MP", "Mường Pồn", (14.2, -2.4), 0.08),
    ("HS", "Huổi Sáy", (1.4, -2.6), 0.06),
)
STATION_XY = (6.0, river_y(6.0) + 0.3)


def _ways() -> list[Way]:
    """The fictional road network as tagged polylines (km)."""
    road = lambda x: (x, river_y(x) + 0.3)  # noqa: E731 - the provincial road's line
    ways: list[Way] = []
    main = [road(x / 4) for x in range(0, 16 * 4 + 1)]
    ways.append(Way(tuple(main), (("highway", "secondary"), ("surface", "asphalt"),
                                  ("name", "Tỉnh lộ 145 (hư cấu)"))))
    gravel = (("highway", "unclassified"), ("surface", "gravel"))
    dirt = (("highway", "track"), ("surface", "dirt"), ("tracktype", "grade4"))
    rock = (("highway", "track"), ("surface", "rock"), ("tracktype", "grade5"),
            ("smoothness", "very_bad"))
    footpath = (("highway", "path"), ("surface", "ground"))
    # north side valley 1: gravel to Huổi Cơ Mông, dirt track on to Tà Cọ
    ways.append(Way(tuple(_wind(road(4.0), (4.7, 3.0), 8, 0.25)),
                    gravel + (("name", "Đường xã Huổi Cơ Mông"),)))
    ways.append(Way(tuple(_wind((4.7, 3.0), (5.3, 5.3), 6, 0.22)), dirt))
    # north side valley 2: gravel to Co Muông, a footpath up to Háng Lìa
    ways.append(Way(tuple(_wind(road(10.0), (10.5, 3.4), 8, 0.25)),
                    gravel + (("name", "Đường xã Co Muông"),)))
    ways.append(Way(tuple(_wind((10.5, 3.4), (11.6, 5.6), 7, 0.18)), footpath))
    # a rocky track over the ridge between the two side valleys
    ways.append(Way(tuple(_wind((5.3, 5.3), (10.5, 3.4), 10, 0.3)), rock))
    # across the river: a dirt track with a ford to Pá Hốc (the short way) ...
    ford_x = 8.0
    ways.append(Way((road(ford_x), (ford_x + 0.05, river_y(ford_x) + 0.1)), dirt))
    ways.append(Way(((ford_x + 0.05, river_y(ford_x) + 0.1),
                     (ford_x + 0.1, river_y(ford_x) - 0.15)),
                    dirt + (("ford", "yes"), ("name", "Ngầm suối Nậm Khao"))))
    ways.append(Way(tuple(_wind((ford_x + 0.1, river_y(ford_x) - 0.15), (8.3, -2.9), 6, 0.2)),
                    dirt))
    # ... and a gravel road over a bridge to Mường Pồn, then a track on to Pá Hốc
    ways.append(Way((road(13.5), (13.6, river_y(13.6) - 0.3)),
                    gravel + (("bridge", "yes"), ("name", "Cầu Nậm Khao"))))
    ways.append(Way(tuple(_wind((13.6, river_y(13.6) - 0.3), (14.2, -2.4), 6, 0.2)), gravel))
    ways.append(Way(tuple(_wind((14.2, -2.4), (8.3, -2.9), 12, 0.35)), dirt))
    # south-west: a track with a bridge to Huổi Sáy
    ways.append(Way(tuple(_wind(road(1.25), (1.4, -2.6), 6, 0.2)), dirt))
    # a lane from the network into each village centre that is off it
    for _vid, _name, (vx, vy), _share in VILLAGES:
        near = min((p for w in ways for p in _densify(w.points)),
                   key=lambda p: math.hypot(p[0] - vx, p[1] - vy))
        if math.hypot(near[0] - vx, near[1] - vy) > 0.04:
            ways.append(Way((near, (vx, vy)), (("highway", "track"), ("surface", "gravel"),
                                               ("tracktype", "grade2"))))
    # village lanes and footpaths to outlying fields
    for vid, _name, (vx, vy), _share in VILLAGES:
        rng = random.Random(f"{SEED}-lanes-{vid}")
        for k in range(3):
            ang = rng.uniform(0, 2 * math.pi)
            r = rng.uniform(0.35, 0.7)
            end = (vx + r * math.cos(ang), vy + r * math.sin(ang))
            tags = (("highway", "track"), ("surface", "dirt"), ("tracktype", "grade3")) \
                if k == 0 else footpath
            ways.append(Way(tuple(_wind((vx, vy), end, 2, 0.05)), tags))
    return ways


def _densify(points: tuple[tuple[float, float], ...], step_km: float = 0.15):
    out = [points[0]]
    for a, b in zip(points, points[1:], strict=False):
        d = math.hypot(b[0] - a[0], b[1] - a[1])
        n = max(1, math.ceil(d / step_km))
        for k in range(1, n + 1):
            out.append((a[0] + (b[0] - a[0]) * k / n, a[1] + (b[1] - a[1]) * k / n))
    return out


def build_graph():
    """The demo's road graph: an osmnx-style MultiDiGraph with OSM tags.

    Nodes: ``x``, ``y`` (lon, lat), ``elevation`` (m). Edges (both directions):
    ``osmid``, ``highway``, ``surface`` and other tags, ``length`` (m),
    ``grade`` (rise over run in the edge's direction), ``oneway``, ``reversed``.
    """
    # imported here: networkx loads slowly; importing this module stays light
    import networkx as nx


    G = nx.MultiDiGraph(crs="epsg:4326", name="Nậm Khao (xã hư cấu)",
                        note=FICTIONAL_NOTE)
    ids: dict[tuple[float, float], int] = {}

    def node(p: tuple[float, float]) -> int:
        lon, lat = lonlat(*p)
        key = (lon, lat)
        if key not in ids:
            # snap to an existing node within ~40 m so that ways join
            for other, nid in ids.items():
                if abs(other[0] - lon) < 4e-4 and abs(other[1] - lat) < 4e-4:
                    ids[key] = nid
                    return nid
            nid = 1000 + len(set(ids.values()))
            ids[key] = nid
            G.add_node(nid, x=lon, y=lat, elevation=elevation_m(*p), street_count=0)
        return ids[key]

    for wid, way in enumerate(_ways(), start=1):
        tags = dict(way.tags)
        pts = _densify(way.points)
        nodes = [node(p) for p in pts]
        for u, v in zip(nodes, nodes[1:], strict=False):
            if u == v:
                continue
            a, b = G.nodes[u], G.nodes[v]
            length = round(haversine_m(a["x"], a["y"], b["x"], b["y"]), 2)
            rise = b["elevation"] - a["elevation"]
            grade = round(rise / length, 4) if length > 0 else 0.0
            for s, t, g, rev in ((u, v, grade, False), (v, u, -grade, True)):
                G.add_edge(s, t, osmid=900000 + wid, length=length, grade=g,
                           grade_abs=abs(g), oneway=False, reversed=rev, **tags)
    for n in G.nodes:
        G.nodes[n]["street_count"] = len(set(G.successors(n)) | set(G.predecessors(n)))
    return G


FAMILY = ("Lò", "Quàng", "Lường", "Cà", "Tòng", "Vì", "Giàng", "Sùng", "Vàng", "Thào",
          "Mùa", "Lầu", "Hờ", "Điêu", "Lù")
GIVEN_M = ("Pó", "Chứ", "Dua", "Sinh", "Pằng", "Chí", "Súa", "Tủa", "Xuân", "Khăm", "Piểng",
           "Nọi", "Dếnh", "Chinh", "Páo")
GIVEN_F = ("Thắm", "Mỷ", "Lả", "Ban", "Chở", "Dế", "Pàng", "Xông", "Ỏn", "Hom", "Ý", "Mai",
           "Lan", "Phượng", "Sua")


def _name(rng: random.Random, female: bool) -> str:
    middle = "Thị" if female else "Văn"
    return f"{rng.choice(FAMILY)} {middle} {rng.choice(GIVEN_F if female else GIVEN_M)}"


# (condition, how many residents need a home visit)
HOME_CASES = (("bedridden", 12), ("disabled", 10), ("elderly", 17), ("postpartum", 6))
# of those, how many are fetched to the commune office, and how many are left
# to the planner (home visit or collection point)
SHUTTLE_CASES = {"elderly": 5, "disabled": 2, "postpartum": 1}
AUTO_CASES = {"elderly": 3}
# the village where the planner chooses for able residents (auto)
AUTO_VILLAGE = "CM"
# candidate collection-point places: (village, name, dx km, dy km from the centre)
POINT_PLACES = (
    ("PL", "Nhà văn hoá bản Phiêng Lanh", 0.05, -0.05),
    ("PL", "Điểm trường bản Phiêng Lanh", -0.35, 0.2),
    ("HCM", "Nhà văn hoá bản Huổi Cơ Mông", 0.0, -0.1),
    ("NC", "Nhà trưởng bản Nậm Chim", 0.1, 0.05),
    ("CM", "Nhà văn hoá bản Co Muông", 0.0, 0.0),
)
HOME_WINDOWS = ("", "", "", "", "", "07:00-11:00", "13:30-17:00", "06:30-09:00; 15:30-18:30",
                "05:30-07:00", "17:30-20:00", "08:00-10:30; 14:00-16:00")


def _households(G, rng: random.Random) -> list[dict]:
    """Households of the commune: positions and pending residents."""
    total = 380
    rows: list[dict] = []
    resident_no = 0
    hh_no = 0
    for vid, _name_v, (vx, vy), share in VILLAGES:
        count = round(total * share)
        for _ in range(count):
            hh_no += 1
            far = rng.random() < 0.12
            sigma = 1.1 if far else 0.28
            x = vx + rng.gauss(0, sigma)
            y = vy + rng.gauss(0, sigma)
            rows.append({"household_id": f"NK-{hh_no:04d}", "village": vid,
                         "x": x, "y": y, "residents": []})
    # two households high on the ridge, beyond any walking limit
    for (x, y), vid in (((8.0, 8.4), "TC"), ((2.0, -6.6), "HS")):
        hh_no += 1
        rows.append({"household_id": f"NK-{hh_no:04d}", "village": vid, "x": x, "y": y,
                     "residents": []})
    # home-visit residents in a fixed number of households; some of them are
    # fetched to the commune office instead, some left to the planner (auto)
    home_slots = [c for c, n in HOME_CASES for _ in range(n)]
    rng.shuffle(home_slots)
    chosen = rng.sample(range(len(rows) - 2), 38) + [len(rows) - 2, len(rows) - 1]
    seen: dict[str, int] = {}
    for k, cond in enumerate(home_slots):
        hh = rows[chosen[k % len(chosen)]]
        nth = seen[cond] = seen.get(cond, 0) + 1
        mode = "shuttle" if nth <= SHUTTLE_CASES.get(cond, 0) else \
            "auto" if nth <= SHUTTLE_CASES.get(cond, 0) + AUTO_CASES.get(cond, 0) else "home"
        hh["residents"].append((cond, mode))
    # able residents who work in the fields all day: invited to their village's
    # collection point; in Co Muông some are left to the planner (auto)
    for hh in rows:
        if hh["residents"]:
            continue
        mode = "auto" if hh["village"] == AUTO_VILLAGE and rng.random() < 0.05 else "point"
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            hh["residents"].append(("able", mode))
    out = []
    for hh in rows:
        lon, lat = lonlat(hh["x"], hh["y"])
        contact = f"09{rng.randrange(10**7, 10**8)}" if rng.random() < 0.6 else ""
        no_coords = rng.random() < 0.01
        for cond, mode in hh["residents"]:
            resident_no += 1
            female = cond == "postpartum" or rng.random() < 0.5
            if cond == "able":
                window = rng.choice(("06:00-07:30; 17:00-20:00", "", "11:00-13:00; 17:00-20:00"))
            else:
                window = rng.choice(HOME_WINDOWS)
            out.append({
                "household_id": hh["household_id"], "village": hh["village"],
                "lon": "" if no_coords else f"{lon:.6f}", "lat": "" if no_coords else f"{lat:.6f}",
                "contact": contact, "resident_id": f"R{resident_no:05d}",
                "full_name": _name(rng, female), "condition": cond, "available": window,
                "mode": mode, "waiting_days": str(rng.choice((0, 0, 3, 7, 14, 30, 45))),
                "id_number": f"999{rng.randrange(10**8, 10**9)}",
                "notes": _note(rng, cond),
            })
    return out


def _note(rng: random.Random, cond: str) -> str:
    notes = {
        "bedridden": ("cần chụp ảnh tại giường", "vân tay mờ, chuẩn bị lau tay", ""),
        "disabled": ("khiếm thính, cần người nhà hỗ trợ", "đi lại bằng xe lăn", ""),
        "elderly": ("già yếu, vân tay mờ", "hay lên nương ban ngày", ""),
        "postpartum": ("mới sinh con", ""),
        "able": ("", "", "", "làm nương xa"),
    }
    return rng.choice(notes[cond])


TEAMS = (
    {"id": "T1", "name": "Tổ 1 – Công an xã", "members":
        ["Lò Văn Thành (tổ trưởng)", "Quàng Thị Hoa", "Cà Văn Dũng"],
     "motorbikes": 2, "kits": 1, "shift": "07:00-17:00", "lunch": "11:00-13:30",
     "lunch_min": 60, "max_work_h": 9.5},
    {"id": "T2", "name": "Tổ 2 – Công an xã", "members":
        ["Tòng Văn Hải (tổ trưởng)", "Lường Thị Mai", "Vì Văn Nam"],
     "motorbikes": 2, "kits": 1, "shift": "07:00-17:00", "lunch": "11:00-13:30",
     "lunch_min": 60, "max_work_h": 9.5},
    {"id": "T3", "name": "Tổ công tác lưu động", "members":
        ["Giàng A Sình (tổ trưởng)", "Sùng Thị Dợ", "Thào A Lử"],
     "motorbikes": 3, "kits": 1, "shift": "06:30-16:30", "lunch": "11:00-13:30",
     "lunch_min": 60, "max_work_h": 9.5, "can_split": True,
     # the district team runs the villages' collection points for the day
     # while its split-off officer shuttles; the commune teams visit homes
     "duties": ("point", "shuttle")},
)


def scenario_yaml() -> str:
    """The demo's scenario file, as text (hand-written layout, stable)."""
    sx, sy = lonlat(*STATION_XY)
    lines = [
        f"# {FICTIONAL_NOTE}",
        "# Regenerate with: python -m planner.demo",
        "name: Xã Nậm Khao (hư cấu – xã, người dân, tên và đường đều do máy tạo ra)",
        "fictional: true",
        "date: 2026-11-24",
        "season: dry",
        f"roads: {GRAPH_NAME}",
        "households: households.csv",
        "station:",
        "  name: Công an xã Nậm Khao (hư cấu)",
        f"  lon: {sx:.6f}",
        f"  lat: {sy:.6f}",
        "villages:",
    ]
    for vid, name, (x, y), _share in VILLAGES:
        lon, lat = lonlat(x, y)
        places = [(pname, lonlat(x + dx, y + dy)) for v, pname, dx, dy in POINT_PLACES
                  if v == vid]
        if not places:
            lines.append(f"  - {{id: {vid}, name: {name}, lon: {lon:.6f}, lat: {lat:.6f}}}")
            continue
        lines.append(f"  - id: {vid}")
        lines.append(f"    name: {name}")
        lines.append(f"    lon: {lon:.6f}")
        lines.append(f"    lat: {lat:.6f}")
        lines.append("    points:")
        for pname, (plon, plat) in places:
            lines.append(f"      - {{name: {pname}, lon: {plon:.6f}, lat: {plat:.6f}}}")
    lines.append("teams:")
    for t in TEAMS:
        lines += [
            f"  - id: {t['id']}",
            f"    name: {t['name']}",
            f"    members: [{', '.join(t['members'])}]",
            f"    motorbikes: {t['motorbikes']}",
            f"    kits: {t['kits']}",
            f"    shift: \"{t['shift']}\"",
            f"    lunch: \"{t['lunch']}\"",
            f"    lunch_min: {t['lunch_min']}",
            f"    max_work_h: {t['max_work_h']}",
        ]
        if t.get("can_split"):
            lines.append("    can_split: true")
        if t.get("duties"):
            lines.append(f"    duties: [{', '.join(t['duties'])}]")
    lines += [
        "parameters:",
        "  service_min: {bedridden: 75, disabled: 50, elderly: 35, postpartum: 35, able: 20}",
        "  household_setup_min: 5",
        "  walk_offroad_m: 150",
        "  walk_limit_km: 4",
        "  walk_detour_factor: 1.3",
        "  return_before_sunset: true",
        "  utc_offset_h: 7",
        "  time_limit_s: 5",
        "  seed: 1",
        "  # shuttles to the commune office",
        "  seats_per_motorbike: 1",
        "  board_min: 5",
        "  office_service_min: 20",
        "  max_ride_min: 60",
        "  max_ride_frail_min: 40",
        "  shuttle_walk_max_m: 300",
        "  # collection points",
        "  point_setup_min: 20",
        "  point_per_person_min: 8",
        "  point_attendance: 0.8",
        "  point_max_slot_h: 2",
    ]
    return "\n".join(lines) + "\n"


def households_csv(G) -> str:

    rng = random.Random(SEED)
    rows = _households(G, rng)
    return csv_text(COLUMNS, ([row.get(c, "") for c in COLUMNS] for row in rows))


def water_geojson() -> str:
    """The main river as a GeoJSON line (for maps)."""
    coords = [list(lonlat(x / 4, river_y(x / 4))) for x in range(-4, 17 * 4 + 1)]
    feature = {"type": "Feature", "properties": {"waterway": "river",
                                                 "name": "Suối Nậm Khao (hư cấu)"},
               "geometry": {"type": "LineString", "coordinates": coords}}
    return json.dumps({"type": "FeatureCollection", "features": [feature]},
                      ensure_ascii=False) + "\n"


def generate(scenario_dir: str | Path, maps_dir: str | Path) -> list[Path]:
    """Write the demo's files; returns their paths. Deterministic."""

    scenario_dir, maps_dir = Path(scenario_dir), Path(maps_dir)
    scenario_dir.mkdir(parents=True, exist_ok=True)
    maps_dir.mkdir(parents=True, exist_ok=True)
    G = build_graph()
    written = [save_graph(G, maps_dir / f"{GRAPH_NAME}.graphml")]
    for path, text in ((scenario_dir / "scenario.yaml", scenario_yaml()),
                       (scenario_dir / "households.csv", households_csv(G)),
                       (maps_dir / f"{GRAPH_NAME}.water.geojson", water_geojson())):
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


if __name__ == "__main__":  # python -m planner.demo
    root = Path(__file__).resolve().parent.parent
    for p in generate(root / "scenarios" / "demo", root / "maps"):
        print(p)
