"""``map.html``: one self-contained offline map of a day's plan (folium + Leaflet).

The file makes no network request: Leaflet and jQuery are read from the
installed ``xstatic`` packages and inlined; folium's CDN scripts, Bootstrap,
icon fonts and tiles are left out; Leaflet's CSS images are removed (controls
use text). The base map is vectors from our own road graph: roads by class,
rivers, fords, village names and the commune office. An online tile layer is
added only when ``tiles_url`` is given.

On top: one layer per route (a team, or its shuttle officer): rides solid,
walks short-dashed, shuttle legs (residents aboard) long-dashed; a ride's end
where the road graph has no road (a house set back from the road) is drawn
as a walk and labelled with its length (``geometry.split_noroad``). Stops are
numbered in route order, one marker shape per mode: a circle for a home visit,
a square with an arrow for a shuttle pickup (↑) or drop-off (↓) at a house,
a white diamond-cornered box for a collection point; pickups and drop-offs at
the commune office are listed in its popup. Popups: a visit shows the
household, residents and conditions, hours at home, planned arrival, mode,
what to bring, notes; a pickup/drop-off the passengers, the time, how many
ride on and the expected return; a collection point its place, hours
(opens–closes), expected attendance and number of invited households.
Unserved households with the mode and the reason, a legend and a "where am
I" button (the phone's GPS works offline).
Made for a 390×844 phone screen: controls and markers are at least 44 px.
The page's script (``templates/map.js``) adds the "next stop" card: each
route in its order whatever the stop's kind (visit, pickup, drop-off,
collection point, lunch), the buttons of each kind, the outcomes, counts and
notes kept on the phone and exported; its style is ``templates/map.css``.

Escaping: every user-supplied text goes through ``esc``, which escapes HTML
and also ``` ` $ \\ { }``: folium places popup HTML inside a JavaScript
template literal and re-renders it as a Jinja template, so a name like
``{{ 7*7 }}`` or ``${alert(1)}`` must reach the page as plain text.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from planner.domain import Plan, Scenario
from planner.planfile import plan_id
from planner.render.geometry import (
    BaseMap,
    Coord,
    RouteGeometry,
    base_map,
    bbox,
    road_graph,
    route_geometries,
    split_noroad,
)
from planner.render.i18n import N_, nfc
from planner.render.mapkit import load_folium
from planner.render.views import (
    CONFIRM_OUTCOMES,
    OUTCOME_WORDS,
    DocContext,
    PersonView,
    StopView,
    TeamDay,
    UnservedView,
    doc_context,
    mode_text,
)

ROAD_STYLE: dict[str, dict] = {
    "main": {"color": "#5f5f5f", "weight": 6},
    "minor": {"color": "#a3a3a3", "weight": 4},
    "track": {"color": "#a1887f", "weight": 3, "dash_array": "10 6"},
    "path": {"color": "#8d6e63", "weight": 2, "dash_array": "2 5"},
}
"""Roads in greys and greyish browns, so that no team colour (Okabe–Ito,
``views.TEAM_COLOURS``) is mistaken for a road; the classes differ by width,
shade and line: main dark and wide, commune road light grey, track brown
dashed, footpath brown dotted."""
WATER_COLOUR = "#9cc7ea"
FORD_COLOUR = "#00838f"
UNSERVED_COLOUR = "#b00020"
GPS_COLOUR = "#7b1fa2"
"""The phone's own position: a violet no team colour (``views.TEAM_COLOURS``) is near."""

_JS_SAFE = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;",
                          "}": "&#125;"})


def esc(text: object) -> str:
    """``text`` as HTML text that is also inert inside a JS template literal and
    a Jinja template: ``& < > " '`` and `` ` $ \\ { }`` become entities."""
    return html.escape(nfc(text), quote=True).translate(_JS_SAFE)


def _latlon(coords) -> list[list[float]]:
    return [[c[1], c[0]] for c in coords]


def leaflet_assets() -> tuple[str, str]:
    """(CSS, JS) to inline: Leaflet and jQuery from the xstatic packages.

    CSS ``url(images/…)`` references are dropped (the controls use text), the
    source-map comments removed, and the attribution prefix's link to
    leafletjs.com neutralised, so that nothing in the file points online.
    """
    # imported here: the map libraries load only when a map is drawn
    from xstatic.pkg import jquery, leaflet

    css = (Path(leaflet.BASE_DIR) / "leaflet.css").read_text(encoding="utf-8")
    css = re.sub(r"url\((['\"]?)images/[^)]*\)", "none", css)
    parts = []
    for path in (Path(leaflet.BASE_DIR) / "leaflet.js", Path(jquery.BASE_DIR) / "jquery.min.js"):
        js = path.read_text(encoding="utf-8")
        js = re.sub(r"//# sourceMappingURL=\S+", "", js)
        js = js.replace('href="https://leafletjs.com"', 'href="#"')
        parts.append(js.replace("</script", "<\\/script"))
    return css, "\n".join(parts)


MAP_CSS_FILE = Path(__file__).resolve().parent / "templates" / "map.css"
"""The phone map's style: markers, controls, the "next stop" card."""

MAP_JS_FILE = Path(__file__).resolve().parent / "templates" / "map.js"
"""The controls, the "next stop" card and the outcomes kept on the phone."""

OUTCOME_BUTTONS = OUTCOME_WORDS
"""The outcomes a resident can get on the phone: the itinerary's, in the same
words (``views.OUTCOME_WORDS``, ``plan.py record``'s codes)."""

MESSAGES: tuple[str, ...] = (
    N_("Approximate location"),
    N_("Bring"),
    N_("Contact"),
    N_("Expected attendance"),
    N_("Expected back home"),
    N_("FICTIONAL DEMO DATA"),
    N_("Invited households"),
    N_("Mode"),
    N_("Not visited"),
    N_("On board when leaving"),
    N_("Open"),
    N_("Park at"),
    N_("Passengers"),
    N_("Planned arrival"),
    N_("Shareable copy: names hidden"),
    N_("Walk from the parking point"),
    N_("commune office"),
    N_("ford"),
    N_("not visited"),
    N_("not visited: tap for the reason"),
    N_("no road: on foot (length on the map)"),
    N_("on foot with the kit"),
    N_("river or stream"),
    N_("visit, in order"),
    N_("shuttle pickup (↑) or drop-off (↓) at a house"),
    N_("shuttle ride with residents aboard"),
    N_("collection point"),
)
"""Map texts, marked for extraction and translated in ``labels``."""


def labels(_) -> dict[str, str]:
    """The map's fixed texts in the language, HTML-escaped, keyed by message."""
    return {m: esc(_(m)) for m in MESSAGES}


def _person_html(p: PersonView, _) -> str:
    bits = [f"<b>{esc(p.name)}</b>"]
    if p.condition:
        bits.append(esc(p.condition))
    bits.append(esc(_("at home")) + " " + esc(p.windows))
    if p.notes:
        bits.append(f"<i>{esc(p.notes)}</i>")
    return "<li>" + " · ".join(bits) + "</li>"


def _access_rows(s: StopView, L: dict[str, str]) -> list[str]:
    """Popup rows on reaching a house: the walk, an approximate location, the contact."""
    rows = []
    if s.walk_m:
        rows.append(f"<div><b>{L['Walk from the parking point']}: {s.walk_m} m</b></div>")
    if s.park_text:
        rows.append(f"<div>{esc(s.park_text)}</div>")
    if s.approximate:
        rows.append(f"<div class='banner'>{L['Approximate location']}</div>")
    if s.contact:
        tel = re.sub(r"[^0-9+]", "", s.contact)
        rows.append(f"<div>{L['Contact']}: <a href='tel:{esc(tel)}'>{esc(s.contact)}</a>"
                    "</div>")
    return rows


def point_popup(s: StopView, team: TeamDay, _) -> str:
    """The popup of a collection-point session: all user texts escaped."""
    L = labels(_)
    return "".join([
        f"<b>{s.number}. {esc(s.label)}</b>",
        f"<div><b>{esc(s.place)}</b> · {esc(s.village)}</div>",
        f"<div style='color:{team.colour}'>{esc(team.title)}</div>",
        f"<div>{L['Open']}: <b>{esc(s.opens)}–{esc(s.depart)}</b> "
        f"({L['Planned arrival']} {esc(s.arrive)})</div>",
        f"<div>{L['Expected attendance']}: <b>{s.people}</b></div>",
        f"<div>{L['Invited households']}: <b>{len(s.households)}</b></div>",
        f"<div>{L['Bring']}: {esc(s.bring)}</div>"])


def transfer_popup(s: StopView, team: TeamDay, _) -> str:
    """The popup of a shuttle pickup or drop-off: all user texts escaped."""
    L = labels(_)
    head = esc(s.household) if s.household and not s.at_office else L["commune office"]
    people = "".join(f"<li><b>{esc(p.name)}</b>{' · ' + esc(p.condition) if p.condition else ''}"
                     "</li>" for p in s.residents)
    rows = [f"<b>{s.number}. {esc(s.label)}</b> · {esc(s.where)}",
            f"<div><b>{head}</b>{' · ' + esc(s.village) if s.village else ''}</div>",
            f"<div style='color:{team.colour}'>{esc(team.title)}</div>",
            f"<div>{L['Planned arrival']}: <b>{esc(s.arrive)}</b>–{esc(s.depart)}</div>",
            f"<div>{L['Passengers']}:<ul>{people}</ul></div>",
            f"<div>{L['On board when leaving']}: <b>{s.onboard}</b></div>"]
    rows += [f"<div class='presence'>{esc(line)}</div>" for line in s.presence]
    if s.back:
        rows.append(f"<div>{L['Expected back home']}: <b>{esc(s.back)}</b></div>")
    return "".join(rows + _access_rows(s, L))


def stop_popup(s: StopView, team: TeamDay, _) -> str:
    """The popup of a stop (a visit, a pickup/drop-off or a collection point):
    all user texts escaped."""
    if s.kind == "point":
        return point_popup(s, team, _)
    if s.kind in ("pickup", "dropoff"):
        return transfer_popup(s, team, _)
    L = labels(_)
    rows = [f"<b>{s.number}. {esc(s.household)}</b> · {esc(s.village)}",
            f"<div style='color:{team.colour}'>{esc(team.title)}</div>",
            f"<div>{L['Planned arrival']}: <b>{esc(s.arrive)}</b>–{esc(s.depart)}</div>",
            "<ul>" + "".join(_person_html(p, _) for p in s.residents) + "</ul>",
            f"<div>{L['Mode']}: {esc(s.mode)}</div>",
            f"<div>{L['Bring']}: {esc(s.bring)}</div>"]
    rows += [f"<div class='presence'>{esc(line)}</div>" for line in s.presence]
    rows += _access_rows(s, L)
    if s.notes:
        rows.append(f"<div><i>{esc(s.notes)}</i></div>")
    return "".join(rows)


def _legend_html(ctx: DocContext, teams: tuple[TeamDay, ...], has_ford: bool,
                 has_noroad: bool = False, has_unserved: bool = True) -> str:
    _ = ctx._
    L = labels(_)
    items = []
    for t in teams:
        width = "2px" if t.shuttle else "4px"
        items.append(f"<div><span class='sw' style='border-top-color:{t.colour};"
                     f"border-top-width:{width}'></span>{esc(t.title)}</div>")
    items.append("<div><span class='sw' style='border-top-color:#555;border-top-style:dashed'>"
                 f"</span>{L['on foot with the kit']}</div>")
    if has_noroad:
        items.append("<div><span class='sw' style='border-top-color:#555;border-top-style:dashed'>"
                     f"</span>{L['no road: on foot (length on the map)']}</div>")
    if any(s.kind in ("pickup", "dropoff") for t in teams for s in t.stops):
        items.append("<div><span class='sw' style='border-top-color:#555;"
                     "border-image:repeating-linear-gradient(90deg,#555 0 10px,transparent 10px "
                     f"16px) 1'></span>{L['shuttle ride with residents aboard']}</div>")
        items.append("<div><span class='stop shuttle' style='background:#555;width:24px;"
                     "height:24px;font-size:11px;line-height:20px'>↑</span>"
                     f"{L['shuttle pickup (↑) or drop-off (↓) at a house']}</div>")
    if any(s.kind == "point" for t in teams for s in t.stops):
        items.append("<div><span class='cpoint' style='border-color:#555;width:26px;"
                     "height:26px;font-size:11px;line-height:18px;border-width:3px'>★</span>"
                     f"{L['collection point']}</div>")
    for cls, label in (("main", _("main road")), ("minor", _("commune road")),
                       ("track", _("track")), ("path", _("footpath"))):
        st = ROAD_STYLE[cls]
        style = {"track": "dashed", "path": "dotted"}.get(cls, "solid")
        items.append(f"<div><span class='sw' style='border-top-color:{st['color']};"
                     f"border-top-style:{style};border-top-width:{max(3, st['weight'])}px'>"
                     f"</span>{esc(label)}</div>")
    items.append(f"<div><span class='sw' style='border-top-color:{WATER_COLOUR}'></span>"
                 f"{L['river or stream']}</div>")
    if has_ford:
        items.append(f"<div><span class='sw' style='border-top-color:{FORD_COLOUR};"
                     f"border-top-width:8px'></span>{L['ford']}</div>")
    items.append(f"<div><span class='stop' style='background:#555;width:24px;height:24px;"
                 f"font-size:12px;line-height:20px'>1</span>{L['visit, in order']}</div>")
    if has_unserved:  # the whole commune's map: its "×" markers
        items.append("<div><span class='unserved' style='width:18px;height:18px;font-size:14px;"
                     f"line-height:16px'>×</span>{L['not visited: tap for the reason']}</div>")
    items.append("<div><span class='office' style='width:24px;height:24px;font-size:10px;"
                 f"line-height:24px'>CA</span>{L['commune office']}</div>")
    return "".join(items)


def render_map(plan: Plan, scenario: Scenario, *, lang: str = "vi", redact: bool = False,
               teams: tuple[str, ...] | None = None, tiles_url: str | None = None,
               tiles_attribution: str = "", geometry: dict[str, RouteGeometry] | None = None,
               plan_id: str = "", ctx: DocContext | None = None) -> str:
    """The map as one HTML document (UTF-8 text, NFC; the same inputs give the
    same bytes).

    ``teams`` limits the map to those team ids (a per-team map); ``geometry``
    is ``route_geometries(plan)`` when already read; ``plan_id`` the plan's id
    (``planner.planfile.plan_id``, computed when not given), which tags the
    outcomes recorded on the phone; ``ctx`` the documents' context
    (``views.doc_context`` of the same plan, scenario, ``lang`` and ``redact``)
    when already made.
    """
    folium = load_folium()  # heavy: loaded only when a map is drawn (without pandas)
    ctx = ctx or doc_context(plan, scenario, lang, redact)
    _ = ctx._
    L = labels(_)
    geometry = split_noroad(geometry if geometry is not None else route_geometries(plan),
                            road_graph(scenario))
    # every team; a shuttle officer's route only when it has stops
    shown = tuple(t for t in ctx.teams if (teams is None or t.team in teams)
                  and (not t.shuttle or any(s.number for s in t.stops)))
    view, unserved, transfers, base = _extent(ctx, scenario, shown, geometry, teams)
    m, fig = _new_map(ctx, view, tiles_url, tiles_attribution)
    _ground_layer(m, ctx, scenario, base, transfers, L)
    layers = _route_layers(m, shown, geometry, _)
    _unserved_layer(m, unserved, L, _)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    m.fit_bounds([[view[1], view[0]], [view[3], view[2]]])
    has_noroad = any(geometry[t.route].noroad for t in shown)
    texts = _map_texts(ctx, shown, teams, redact, base, L, has_noroad)
    data = _map_data(plan, scenario, ctx, shown, teams, plan_id, layers)
    return _page(m, fig, lang, texts, data)


def _extent(ctx: DocContext, scenario: Scenario, shown: tuple[TeamDay, ...],
            geometry: dict[str, RouteGeometry], teams: tuple[str, ...] | None,
            ) -> tuple[tuple[float, float, float, float], list[UnservedView],
                       list[tuple[StopView, TeamDay]], BaseMap]:
    """What the map shows and where: the first view (the routes, 200 m around:
    ``(west, south, east, north)``), the unserved households (on the whole
    commune's map only), the stops at the office, and the base map (roads,
    water, fords) over everything shown, 1.5 km around."""
    points: list[Coord] = [(ctx.station_lon, ctx.station_lat)]
    for t in shown:
        points += [c for leg in geometry[t.route].legs for c in leg.coords]
    view = bbox(points, margin_m=200)
    unserved = list(ctx.unserved) if teams is None else []
    transfers = [(s, t) for t in shown for s in t.stops if s.at_office]
    points += [(u.lon, u.lat) for u in unserved]
    points += [(v.lon, v.lat) for v in scenario.villages]
    base = base_map(road_graph(scenario), scenario, bbox(points, margin_m=1500))
    return view, unserved, transfers, base


def _new_map(ctx: DocContext, view: tuple[float, float, float, float], tiles_url: str | None,
             tiles_attribution: str):
    """The folium map centred on ``view``, with no CDN asset (Leaflet and the
    map's CSS and script inlined in its head), and the online tile layer when
    ``tiles_url`` is given; returns the map and its root figure."""
    # imported here: the map libraries load only when a map is drawn
    import folium  # heavy: loaded only when a map is drawn

    _ = ctx._
    m = folium.Map(location=[(view[1] + view[3]) / 2, (view[0] + view[2]) / 2], zoom_start=13,
                   tiles=None, control_scale=False, attribution_control=False, max_zoom=19,
                   prefer_canvas=False)
    m.default_js = []
    m.default_css = []
    fig = m.get_root()
    title = f"{ctx.commune} · {ctx.date}"
    fig.title = esc(title)
    css, js = leaflet_assets()
    style = MAP_CSS_FILE.read_text(encoding="utf-8")
    fig.header.add_child(_raw(f'<meta charset="utf-8">\n<style>{css}</style>\n'
                              f"<style>{style}</style>\n<script>{js}</script>\n"),
                         name="offline_assets", index=0)
    if tiles_url:
        folium.TileLayer(tiles=tiles_url, attr=esc(tiles_attribution) or "©", name=esc(
            _("online map")), overlay=True, show=False, max_zoom=19).add_to(m)
    return m, fig


def _raw(text: str):
    """A branca element whose text is placed as is (never parsed as a Jinja
    template)."""
    # imported here: the map libraries load only when a map is drawn
    from branca.element import Element  # with folium: loaded only when a map is drawn

    class Raw(Element):
        """Text placed as is (never parsed as a Jinja template)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

        def render(self, **kwargs) -> str:
            return self.text

    return Raw(text)


def _ground_layer(m, ctx: DocContext, scenario: Scenario, base: BaseMap,
                  transfers: list[tuple[StopView, TeamDay]], L: dict[str, str]) -> None:
    """The base map's layer (not switchable): water, roads by class, fords,
    village names and the commune office, whose popup lists the pickups and
    drop-offs there (``transfers``)."""
    # imported here: the map libraries load only when a map is drawn
    import folium  # heavy: loaded only when a map is drawn

    _ = ctx._
    ground = folium.FeatureGroup(name=esc(_("roads")), control=False).add_to(m)
    for _name, line in base.water:
        folium.PolyLine(_latlon(line), color=WATER_COLOUR, weight=4, opacity=0.8,
                        interactive=False).add_to(ground)
    for cls in ("path", "track", "minor", "main"):
        lines = base.roads.get(cls)
        if lines:
            st = ROAD_STYLE[cls]
            folium.PolyLine([_latlon(x) for x in lines], color=st["color"], weight=st["weight"],
                            dash_array=st.get("dash_array"), opacity=0.9,
                            interactive=False).add_to(ground)
    for line in base.fords:
        folium.PolyLine(_latlon(line), color=FORD_COLOUR, weight=9, opacity=0.9,
                        interactive=False).add_to(ground)
        mid = line[len(line) // 2]
        folium.Marker([mid[1], mid[0]], icon=folium.DivIcon(
            html=f"<div class='ford'>{L['ford']}</div>", icon_size=(60, 16),
            icon_anchor=(-8, 8)), interactive=False, z_index_offset=-1000).add_to(ground)
    for v in scenario.villages:
        folium.Marker([v.lat, v.lon], icon=folium.DivIcon(
            html=f"<div class='village'>{esc(v.name)}</div>", icon_size=(140, 16),
            icon_anchor=(0, 8)), interactive=False, z_index_offset=-1000).add_to(ground)
    office = folium.Marker([ctx.station_lat, ctx.station_lon], icon=folium.DivIcon(
        html="<div class='office'>CA</div>", icon_size=(36, 36), icon_anchor=(18, 18)))
    office_rows = "".join(
        f"<li>{esc(s.arrive)} · {esc(t.tag)} · {esc(s.label)}: "
        f"{esc(', '.join(p.name for p in s.residents))}</li>" for s, t in
        sorted(transfers, key=lambda x: x[0].arrive))
    folium.Popup(f"<b>{esc(ctx.station)}</b><br>{L['commune office']}"
                 + (f"<ul>{office_rows}</ul>" if office_rows else ""),
                 max_width=300).add_to(office)
    office.add_to(ground)


def _route_layers(m, shown: tuple[TeamDay, ...], geometry: dict[str, RouteGeometry],
                  _) -> dict[str, str]:
    """One switchable layer per route shown: its rides, shuttle legs and walks,
    then its numbered stops with their popups; returns each route's layer
    name (for the page's script)."""
    # imported here: the map libraries load only when a map is drawn
    import folium  # heavy: loaded only when a map is drawn

    layers: dict[str, str] = {}
    for t in shown:
        swatch = f"<span style='color:{t.colour}'>&#9632;</span>"
        layer = folium.FeatureGroup(name=f"{swatch} {esc(t.title)}").add_to(m)
        layers[t.route] = layer.get_name()
        g = geometry[t.route]
        drive, walk = g.lines("drive", carrying=False), g.lines("walk")
        carrying = g.lines("drive", carrying=True)
        if drive:
            folium.PolyLine([_latlon(x) for x in drive], color="#ffffff",
                            weight=6 if t.shuttle else 9, opacity=0.8,
                            interactive=False).add_to(layer)
            folium.PolyLine([_latlon(x) for x in drive], color=t.colour,
                            weight=3 if t.shuttle else 5, opacity=0.95,
                            interactive=False).add_to(layer)
        if carrying:  # shuttle legs: residents aboard
            folium.PolyLine([_latlon(x) for x in carrying], color="#ffffff", weight=9,
                            opacity=0.8, interactive=False).add_to(layer)
            folium.PolyLine([_latlon(x) for x in carrying], color=t.colour, weight=5,
                            opacity=0.95, dash_array="14 10", class_name="shuttle-leg",
                            interactive=False).add_to(layer)
        if walk:
            folium.PolyLine([_latlon(x) for x in walk], color=t.colour, weight=4, opacity=0.95,
                            dash_array="6 8", interactive=False).add_to(layer)
        _noroad(layer, g, t, _)
        for s in t.stops:
            if s.number is None or s.at_office:
                continue
            key = f"{esc(t.route)}|{s.number}"
            if s.kind == "point":
                html_ = (f"<div class='cpoint' data-stop='{key}' style='border-color:{t.colour}' "
                         f"data-kind='point' data-place='{esc(s.place)}'>★{s.number}</div>")
                size = (40, 40)
            else:
                cls = "stop approx" if s.approximate else "stop"
                text = str(s.number)
                if s.kind in ("pickup", "dropoff"):
                    cls += f" shuttle {s.kind}"
                    text += "↑" if s.kind == "pickup" else "↓"
                html_ = (f"<div class='{cls}' data-stop='{key}' style='background:{t.colour}' "
                         f"data-kind='{s.kind}' data-household='{esc(s.household)}'>{text}</div>")
                size = (34, 34)
            # the place itself, seen when the page spreads markers that overlap
            folium.CircleMarker([s.lat, s.lon], radius=4, color="#222", weight=1,
                                fill=True, fill_color=t.colour, fill_opacity=1,
                                interactive=False).add_to(layer)
            marker = folium.Marker([s.lat, s.lon], icon=folium.DivIcon(
                html=html_, icon_size=size, icon_anchor=(size[0] // 2, size[1] // 2)))
            folium.Popup(stop_popup(s, t, _), max_width=300).add_to(marker)
            marker.add_to(layer)
    return layers


def _noroad(layer, g: RouteGeometry, t: TeamDay, _) -> None:
    """A route's pieces with no road (``geometry.split_noroad``): drawn as a
    walk (dashed) and labelled with their length, each place once."""
    # imported here: the map libraries load only when a map is drawn
    import folium  # heavy: loaded only when a map is drawn

    drawn: set[frozenset] = set()
    for line, metres in g.noroad:
        key = frozenset(line)
        if key in drawn:
            continue
        drawn.add(key)
        folium.PolyLine(_latlon(line), color=t.colour, weight=4, opacity=0.95,
                        dash_array="6 8", class_name="noroad-leg",
                        interactive=False).add_to(layer)
        mid = ((line[0][0] + line[-1][0]) / 2, (line[0][1] + line[-1][1]) / 2)
        text = esc(_("{m} m on foot: no road").replace("{m}", str(metres)))
        folium.Marker([mid[1], mid[0]], icon=folium.DivIcon(
            html=f"<div class='noroad'>{text}</div>", icon_size=(150, 16),
            icon_anchor=(-6, 8)), interactive=False, z_index_offset=-800).add_to(layer)


def _unserved_layer(m, unserved: list[UnservedView], L: dict[str, str], _) -> None:
    """The unserved households' layer (hidden at first), each with the reason."""
    # imported here: the map libraries load only when a map is drawn
    import folium  # heavy: loaded only when a map is drawn

    if unserved:
        layer = folium.FeatureGroup(  # hidden at first: a layer to switch on
            name=f"<span style='color:{UNSERVED_COLOUR}'>&#215;</span> "
                 f"{L['not visited']} ({len(unserved)})", show=False).add_to(m)
        for u in unserved:
            marker = folium.Marker([u.lat, u.lon], icon=folium.DivIcon(
                html=f"<div class='unserved' data-household='{esc(u.household)}'>×</div>",
                icon_size=(26, 26), icon_anchor=(13, 13)), z_index_offset=-500)
            people = "".join(f"<li>{esc(p.name)}{' · ' + esc(p.condition) if p.condition else ''}"
                             "</li>" for p in u.residents)
            mode = mode_text(u.mode, _)
            folium.Popup(f"<b>{esc(u.household)}</b> · {esc(u.village)}<ul>{people}</ul>"
                         f"<div>{L['Mode']}: {esc(mode)}</div>"
                         f"<div><b>{L['Not visited']}:</b> {esc(u.reason)}</div>",
                         max_width=300).add_to(marker)
            marker.add_to(layer)


def _map_texts(ctx: DocContext, shown: tuple[TeamDay, ...], teams: tuple[str, ...] | None,
               redact: bool, base: BaseMap, L: dict[str, str],
               has_noroad: bool = False) -> dict[str, str]:
    """The page's words for its script: the title (date, team of a per-team
    map, banners), the legend and the labels of its controls."""
    _ = ctx._
    head = [f"<b>{esc(ctx.date)}</b>"]
    if teams is not None and len({t.team for t in shown}) == 1:
        head.append(f"{esc(shown[0].team)} {esc(shown[0].name)}")
    if ctx.fiction_label:
        head.append(f"<span class='banner'>{esc(ctx.fiction_label)}</span>")
    if redact:
        head.append(f"<span class='banner'>{L['Shareable copy: names hidden']}</span>")
    texts = {
        "title": "<br>".join(head),
        "legend": esc(_("Legend")),
        "legend_html": f"<div><b>{esc(ctx.commune)}</b></div>"
                       + _legend_html(ctx, shown, bool(base.fords), has_noroad,
                                      teams is None and bool(ctx.unserved)),
        "where": esc(_("Where am I?")),
        "finding": _("Finding your position (GPS)…"),
        "accuracy": _("You are here (± {m} m)"),
        "gps_error": _("No GPS position: turn on location and try again outdoors."),
        "no_gps": _("This phone gives no position."),
        "layers": _("Layers"),
        "next_stop": _("Next stop"),
        "details": _("Details: residents, what to bring, contact"),
        "stop": _("Stop"),
        "previous": _("Previous stop"),
        "next": _("Next"),
        "fold": _("Fold or unfold the card"),
        "open_in_app": _("Open in OsmAnd / Organic Maps"),
        "export": _("Export outcomes ({n})"),
        "not_saved": _("Could not save on this phone: export the outcomes now."),
        "lunch_short": _("Lunch"),
        "confirm": _("Record “{outcome}” for {name}? No visit can follow it."),
        "yes": _("Yes, record it"),
        "cancel": _("Cancel"),
        "count": _("Enrolled here"),
        "save_count": _("Save and mark done"),
        "note": _("Note for this stop (goes into the export)"),
        "done": _("Mark as done"),
        "done_undo": _("Done ✓ (tap to undo)"),
    }
    return texts


def _map_data(plan: Plan, scenario: Scenario, ctx: DocContext, shown: tuple[TeamDay, ...],
              teams: tuple[str, ...] | None, plan_id: str, layers: dict[str, str]) -> dict:
    """The page's data for its script: the plan's id and date, the team of a
    per-team map, the station (lon, lat), the outcome buttons and each
    route's stops as cards."""
    _ = ctx._
    data = {
        "plan": plan_id or plan_fingerprint(plan, scenario),
        "date": ctx.date_iso,
        "only": shown[0].team if teams is not None and len({t.team for t in shown}) == 1
        else None,
        "station": [ctx.station_lon, ctx.station_lat],
        "outcomes": [[code, _(label)] for code, label in OUTCOME_BUTTONS],
        "confirm": list(CONFIRM_OUTCOMES),
        "gps": GPS_COLOUR,
        "routes": [{"route": t.route, "title": t.tag, "team": t.team, "colour": t.colour,
                    "layer": layers[t.route], "stops": [
                        card_stop(s, t, _, k) for k, s in enumerate(t.stops)
                        if s.number is not None or s.kind == "break"]}
                   for t in shown],
    }
    return data


def _page(m, fig, lang: str, texts: dict[str, str], data: dict) -> str:
    """The whole HTML page: folium's render with the language set and the
    map's script (``MAP_JS_FILE``, given ``texts`` and ``data``) at the end."""
    code = MAP_JS_FILE.read_text(encoding="utf-8")
    call = "(__MAP__, __TEXT__, __DATA__);"
    if code.count(call) != 1 or code.count("__TEXT__") != 1:
        raise ValueError(f"{MAP_JS_FILE} must end with the one call {call}")
    script = code.replace(call, f"({m.get_name()}, {_script_json(texts)}, "
                                f"{_script_json(data)});")
    page = fig.render()
    page = page.replace("<html>", f'<html lang="{esc(lang)}">', 1)
    end = page.rindex("</html>")
    page = page[:end] + f"<script>{script}</script>\n" + page[end:]
    return nfc(stable_ids(page))


def _script_json(value) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` element (and shows
    no ``$`` or backtick that could look like a template to a later reader)."""
    return (json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")
            .replace("$", "\\u0024").replace("`", "\\u0060")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_FOLIUM_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])")


def stable_ids(page: str) -> str:
    """folium names its elements with random ids; number them in order of
    appearance instead, so that the same plan gives the same file."""
    seen: dict[str, str] = {}

    def number(m: re.Match) -> str:
        return seen.setdefault(m.group(0), f"{len(seen) + 1:032d}")

    return _FOLIUM_ID.sub(number, page)


def plan_fingerprint(plan: Plan, scenario: Scenario) -> str:
    """The plan's id (``planner.planfile.plan_id``)."""

    return plan_id(plan, scenario)


def card_stop(s: StopView, team: TeamDay, _, index: int = 0) -> dict:
    """A stop as the "next stop" card shows it, for every stop in the route's
    order (visits, pickups, drop-offs, collection points, lunch): plain texts
    (the page puts them in with ``textContent``) and ``info``, the stop's popup
    (HTML, every user text escaped). ``key`` is the stop's number, or ``b`` and
    its place in the route for lunch (``data-stop`` is ``<route>|<key>``).
    ``people`` are the residents whose outcome is recorded on the phone: those
    enrolled at a home visit and the shuttle passengers picked up at home."""
    recorded = s.kind == "visit" or (s.kind == "pickup" and not s.at_office)
    note = ""
    if s.kind == "point":
        note = _("Collection point: tick who came on the printed sheet, count them here.")
    label = s.label
    if s.kind == "break":
        label = _("Lunch break")
    place = s.place if s.kind in ("point", "break") else (
        _("commune office") if s.at_office else "")
    return {"n": s.number, "key": str(s.number) if s.number is not None else f"b{index}",
            "kind": s.kind, "label": label, "household": s.household if s.kind != "break" else "",
            "place": place, "village": s.village, "arrive": s.arrive, "depart": s.depart,
            "lat": round(s.lat, 6), "lon": round(s.lon, 6), "note": note,
            # the chance of finding them at home and why this hour (presence)
            "chance": " · ".join(s.presence[:2]),
            "info": stop_popup(s, team, _) if s.kind != "break" else "",
            "people": [{"id": p.id, "name": p.name} for p in s.residents] if recorded else []}
