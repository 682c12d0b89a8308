"""The printable itinerary: one A4 PDF per route for the day (WeasyPrint).

A route is a whole team's day, or the day of the officer who split off to
shuttle residents (``T1-shuttle``). Page 1 starts with a header (commune,
team, members, date, departure and return, km, how many stops of each mode),
a sketch map of the day's route (SVG drawn from the road graph), then the stop
table: №, planned arrival–departure, village, household (or place), who
(residents with their condition and a box per outcome to tick, the phone
map's six outcomes in its words; passengers picked up at home, with the same
boxes; a collection point's expected attendance and its invited residents by
household, each with a box to tick), the mode in words ("Làm tại
nhà", "Đón người dân", "Trả người dân", "Điểm thu nhận") with its details
(on board, hours, where to park, in words), what to bring, contact. Rows reached on foot are
highlighted, shuttle and collection-point rows shaded; the table header
repeats on every page; pages are numbered "Trang n / N".
"""

from __future__ import annotations

import html

from markupsafe import Markup

from planner.domain import Plan, Scenario
from planner.render.geometry import (
    BaseMap,
    Coord,
    LocalProjection,
    RouteGeometry,
    base_map,
    bbox,
    road_graph,
    route_geometries,
    split_noroad,
)
from planner.render.i18n import KIND_LABELS, decimal_text, nfc
from planner.render.pdf import render_pdf, stylesheet
from planner.render.views import OUTCOME_WORDS, DocContext, TeamDay, doc_context

OUTCOMES = tuple(word for _code, word in OUTCOME_WORDS)
"""The boxes to tick per resident: the phone map's outcomes, in its words."""
SKETCH_W, SKETCH_H = 700, 300  # px in the SVG's own units; printed 186 mm wide
ROAD_SVG = {"main": ("#5f5f5f", 2.8, ""), "minor": ("#a3a3a3", 1.8, ""),
            "track": ("#a1887f", 1.3, "6 3"), "path": ("#8d6e63", 0.9, "1.5 3")}
"""Roads in greys (as on the phone map), so that no team colour looks like a road."""


def _svg_text(text: str) -> str:
    return html.escape(nfc(text), quote=True)


def sketch_svg(team: TeamDay, geometry: RouteGeometry, base: BaseMap, ctx: DocContext,
               village_points: list[tuple[str, Coord]]) -> Markup:
    """A north-up sketch of the team's route on the roads, as inline SVG."""
    pts: list[Coord] = [c for leg in geometry.legs for c in leg.coords]
    pts.append((ctx.station_lon, ctx.station_lat))
    lo_lon, lo_lat, hi_lon, hi_lat = bbox(pts, margin_m=250)
    proj = LocalProjection((lo_lat + hi_lat) / 2)
    x0, y0 = proj.xy((lo_lon, lo_lat))
    x1, y1 = proj.xy((hi_lon, hi_lat))
    scale = min((SKETCH_W - 20) / max(x1 - x0, 1.0), (SKETCH_H - 20) / max(y1 - y0, 1.0))
    ox = (SKETCH_W - (x1 - x0) * scale) / 2
    oy = (SKETCH_H - (y1 - y0) * scale) / 2

    def xy(c: Coord) -> tuple[float, float]:
        x, y = proj.xy(c)
        return round(ox + (x - x0) * scale, 1), round(SKETCH_H - (oy + (y - y0) * scale), 1)

    def poly(line, colour: str, width: float, dash: str = "", extra: str = "") -> str:
        d = " ".join(f"{x},{y}" for x, y in map(xy, line))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        return (f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="{width}" '
                f'stroke-linecap="round" stroke-linejoin="round"{dash_attr}{extra}/>')

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SKETCH_W} {SKETCH_H}" '
             f'width="100%" height="{184 * SKETCH_H / SKETCH_W:.1f}mm" '
             'font-family="Planner Sans">',
             f'<rect width="{SKETCH_W}" height="{SKETCH_H}" fill="#f7f4ec"/>']
    for _name, line in base.water:
        parts.append(poly(line, "#9cc7ea", 2.5))
    for cls in ("path", "track", "minor", "main"):
        colour, width, dash = ROAD_SVG[cls]
        parts += [poly(line, colour, width, dash) for line in base.roads.get(cls, [])]
    for line in base.fords:
        parts.append(poly(line, "#00838f", 5))
    for name, c in village_points:
        x, y = xy(c)
        if 0 <= x <= SKETCH_W and 0 <= y <= SKETCH_H:
            parts.append(f'<text x="{x}" y="{y}" font-size="10" fill="#3e2723" '
                         f'font-weight="bold">{_svg_text(name)}</text>')
    for line in geometry.lines("drive", carrying=False):
        parts.append(poly(line, "#ffffff", 5.5))
        parts.append(poly(line, team.colour, 2 if team.shuttle else 3))
    for line in geometry.lines("drive", carrying=True):  # shuttle legs: residents aboard
        parts.append(poly(line, "#ffffff", 5.5))
        parts.append(poly(line, team.colour, 3.4, "10 5"))
    for line in geometry.lines("walk"):
        parts.append(poly(line, team.colour, 2.2, "4 3"))
    drawn: set[frozenset] = set()
    for line, metres in geometry.noroad:  # no road there: drawn as a walk, labelled
        if frozenset(line) in drawn:
            continue
        drawn.add(frozenset(line))
        parts.append(poly(line, team.colour, 2.2, "4 3"))
        x, y = xy(line[len(line) // 2 - 1] if len(line) > 2 else line[0])
        label = ctx._("{m} m on foot: no road").replace("{m}", str(metres))
        anchor, dx = ("end", -6) if x > SKETCH_W * 0.7 else ("start", 6)
        for paint in ('stroke="#fff" stroke-width="3" ', ""):  # a white halo, then the text
            parts.append(f'<text x="{x + dx}" y="{y - 4}" font-size="8" fill="#222" '
                         f'{paint}text-anchor="{anchor}">{_svg_text(label)}</text>')
    sx, sy = xy((ctx.station_lon, ctx.station_lat))
    parts.append(f'<rect x="{sx - 9}" y="{sy - 9}" width="18" height="18" fill="#1b1b1b" '
                 f'stroke="#fff"/><text x="{sx}" y="{sy + 3.5}" font-size="9" fill="#fff" '
                 'text-anchor="middle" font-weight="bold">CA</text>')
    for s in team.stops:
        if s.number is None or s.at_office:
            continue
        x, y = xy((s.lon, s.lat))
        if s.kind == "visit":
            shape = (f'<circle cx="{x}" cy="{y}" r="8.5" fill="{team.colour}" stroke="#fff" '
                     'stroke-width="1.5"/>')
        elif s.kind == "point":  # a diamond
            shape = (f'<polygon points="{x},{y - 12} {x + 12},{y} {x},{y + 12} {x - 12},{y}" '
                     f'fill="#fff" stroke="{team.colour}" stroke-width="3"/>')
        else:  # pickup or drop-off at home: a square
            shape = (f'<rect x="{x - 8.5}" y="{y - 8.5}" width="17" height="17" rx="2" '
                     f'fill="{team.colour}" stroke="#fff" stroke-width="1.5"/>')
        fill = team.colour if s.kind == "point" else "#fff"
        parts.append(f'{shape}<text x="{x}" y="{y + 3.5}" font-size="10" fill="{fill}" '
                     f'text-anchor="middle" font-weight="bold">{s.number}</text>')
    # a 1 km scale bar
    km = scale * 1000
    bar = 1000 if km < SKETCH_W / 3 else 500
    length = scale * bar
    parts.append(f'<line x1="10" y1="{SKETCH_H - 10}" x2="{10 + length:.1f}" '
                 f'y2="{SKETCH_H - 10}" stroke="#000" stroke-width="2"/>'
                 f'<text x="{12 + length:.1f}" y="{SKETCH_H - 7}" font-size="9">'
                 f'{bar // 1000 if bar >= 1000 else bar} {"km" if bar >= 1000 else "m"}</text>')
    parts.append(f'<text x="{SKETCH_W - 14}" y="18" font-size="12" text-anchor="middle" '
                 'font-weight="bold">N ↑</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def render_itinerary(plan: Plan, scenario: Scenario, team: str, *, lang: str = "vi",
                     redact: bool = False, geometry: dict[str, RouteGeometry] | None = None,
                     ctx: DocContext | None = None) -> bytes:
    """The itinerary of the route named ``team`` (``T1``, ``T1-shuttle``) as PDF bytes."""
    ctx = ctx or doc_context(plan, scenario, lang, redact)
    geometry = split_noroad(geometry if geometry is not None else route_geometries(plan),
                            road_graph(scenario))
    _ = ctx._
    day = ctx.route(team)
    g = geometry[day.route]
    pts = [c for leg in g.legs for c in leg.coords] + [(ctx.station_lon, ctx.station_lat)]
    base = base_map(road_graph(scenario), scenario, bbox(pts, margin_m=400), tolerance_m=8.0)
    villages = [(v.name, (v.lon, v.lat)) for v in scenario.villages]
    footer = f"{ctx.commune} · {day.tag} · {ctx.date_iso}"
    if ctx.fiction_label:
        footer += " · " + ctx.fiction_label
    walk_km = day.walk_km
    visited = list(dict.fromkeys(s.village for s in day.stops
                                 if s.number is not None and s.village))
    counts = [(_(KIND_LABELS[k]), day.count(k)) for k in ("visit", "pickup", "dropoff", "point")
              if day.count(k)]
    return render_pdf(
        "itinerary.html", lang, counts=counts,
        css=stylesheet(_, footer), title=_("Itinerary") + f" {day.tag} {ctx.date_iso}",
        team=day, commune=ctx.commune, station=ctx.station, date=ctx.date,
        fictional=ctx.fictional, fiction=ctx.fiction, redact=ctx.redact, learnt=ctx.learnt,
        km=decimal_text(day.distance_km, 1, lang), walk_km=decimal_text(walk_km, 1, lang),
        sketch=sketch_svg(day, g, base, ctx, villages),
        outcomes=[_(o) for o in OUTCOMES], villages=visited)
