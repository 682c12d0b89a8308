"""``map.html``: one self-contained offline map of a day's plan (folium + Leaflet).

The file makes no network request: Leaflet and jQuery are read from the
installed ``xstatic`` packages and inlined; folium's CDN scripts, Bootstrap,
icon fonts and tiles are left out; Leaflet's CSS images are removed (controls
use text). The base map is vectors from our own road graph: roads by class,
rivers, fords, village names and the commune office. An online tile layer is
added only when ``tiles_url`` is given.

On top: one layer per route (a team, or its shuttle officer): rides solid,
walks short-dashed, shuttle legs (residents aboard) long-dashed. Stops are
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
)
from planner.render.i18n import N_, nfc
from planner.render.views import (
    DocContext,
    PersonView,
    StopView,
    TeamDay,
    UnservedView,
    doc_context,
    mode_text,
)

ROAD_STYLE: dict[str, dict] = {
    "main": {"color": "#8c8c8c", "weight": 5},
    "minor": {"color": "#a8a29e", "weight": 3.5},
    "track": {"color": "#b5a89a", "weight": 2.5},
    "path": {"color": "#9c9187", "weight": 1.5, "dash_array": "2 5"},
}
"""Roads in greys and greyish browns, so that no team colour (Okabe–Ito,
``views.TEAM_COLOURS``) is mistaken for a road."""
WATER_COLOUR = "#9cc7ea"
FORD_COLOUR = "#00838f"
UNSERVED_COLOUR = "#b00020"

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


MAP_CSS = """
html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; }
.leaflet-container { background: #f3efe6; font-size: 15px; }
.leaflet-touch .leaflet-bar a { width: 44px; height: 44px; line-height: 44px; font-size: 24px; }
.leaflet-control-layers-toggle { width: auto !important; height: 44px !important;
  line-height: 44px; padding: 0 14px; font-weight: 600; color: #222; text-decoration: none; }
.leaflet-control-layers-expanded { font-size: 16px; padding: 8px 12px; }
.leaflet-control-layers label { min-height: 40px; display: flex; align-items: center; }
.leaflet-control-layers-selector { width: 22px; height: 22px; margin-right: 8px; }
.leaflet-container a.leaflet-popup-close-button { width: 40px; height: 40px;
  font: 30px/40px sans-serif; }
.leaflet-popup-content { margin: 14px 18px 12px 14px; font-size: 15px; line-height: 1.4; }
.leaflet-popup-content ul { margin: 4px 0; padding-left: 18px; }
.stop { width: 34px; height: 34px; border-radius: 50%; color: #fff; font: 700 16px/30px
  sans-serif; text-align: center; border: 2px solid #fff; box-shadow: 0 1px 4px #0008; }
.stop.approx { border-style: dashed; }
.stop.shuttle { border-radius: 5px; font-size: 14px; }
.cpoint { width: 40px; height: 40px; border-radius: 10px 0 10px 0; background: #fff;
  border: 4px solid; font: 700 15px/32px sans-serif; text-align: center; color: #222;
  box-sizing: border-box; box-shadow: 0 1px 4px #0008; }
.unserved { width: 22px; height: 22px; border-radius: 4px; background: #fff; color: #b00020;
  border: 2px solid #b00020; font: 700 18px/22px sans-serif; text-align: center; }
.office { width: 36px; height: 36px; border-radius: 6px; background: #1b1b1b; color: #fff;
  font: 700 14px/36px sans-serif; text-align: center; border: 2px solid #fff; }
.village { font: 600 13px/1.1 sans-serif; color: #3e2723; white-space: nowrap;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; }
.ford { font: 600 12px sans-serif; color: #00838f; white-space: nowrap;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
.ctl { background: #fff; border-radius: 6px; box-shadow: 0 1px 5px #0006; }
.ctl button { min-width: 48px; min-height: 48px; border: 0; background: #fff;
  border-radius: 6px; font: 600 16px sans-serif; padding: 0 12px; color: #222; }
.legend-body { display: none; padding: 4px 12px 10px; font-size: 14px; max-width: 260px; }
.legend.open .legend-body { display: block; }
.legend-body div { display: flex; align-items: center; gap: 8px; min-height: 24px; }
.sw { display: inline-block; width: 28px; height: 0; border-top-width: 4px;
  border-top-style: solid; }
.title { padding: 4px 8px; font-size: 12px; max-width: 200px; }
.status { padding: 8px 12px; font-size: 14px; display: none; max-width: 260px; }
.banner { color: #b00020; font-weight: 700; }
@media (min-width: 700px) { .legend .legend-body { display: block; } }
.leaflet-bottom { bottom: var(--card-h, 0px); }
/* a marker moved aside (so that none hides another) is tapped where it shows */
.leaflet-marker-icon.empty { pointer-events: none !important; }
.leaflet-marker-icon.empty > [data-stop], .leaflet-marker-icon.empty > .office {
  pointer-events: auto; }
.leaflet-control-scale-line { font-size: 13px; border-width: 0 3px 3px; }
.card { position: fixed; left: 0; right: 0; bottom: 0; z-index: 1000; background: #fff;
  box-shadow: 0 -2px 10px #0005; border-radius: 12px 12px 0 0; padding: 6px 10px 10px;
  max-height: 50vh; overflow-y: auto; font-size: 15px; display: none; }
.card-head { display: flex; align-items: center; gap: 6px; }
.card-title { flex: 1; font-weight: 700; border-left: 6px solid; padding-left: 8px; }
.card .nav { min-width: 48px; min-height: 44px; border: 1px solid #ccc; border-radius: 8px;
  background: #f6f6f6; font-size: 18px; }
.card .nav:disabled { opacity: 0.35; }
.card-when { margin: 6px 0; }
.card-chance { margin: -2px 0 6px; font-size: 14px; color: #444; }
.person { border-top: 1px solid #eee; padding: 6px 0; }
.pname { font-weight: 600; margin-bottom: 4px; }
.obtns { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; }
.ob { min-height: 44px; border: 1px solid #999; border-radius: 8px; background: #fff;
  font-size: 14px; padding: 2px 4px; color: #222; }
.ob.on { background: #0b3d91; border-color: #0b3d91; color: #fff; font-weight: 700; }
.card-more summary { min-height: 36px; line-height: 36px; color: #1a73e8; font-weight: 600; }
.card-info { font-size: 14px; line-height: 1.35; padding: 2px 0 6px; }
.card-info ul { margin: 2px 0; padding-left: 18px; }
.pnote { color: #555; font-style: italic; padding: 6px 0; }
.card-actions { display: flex; gap: 8px; margin-top: 8px; }
.card-actions .geo, .card-actions .export { flex: 1; min-height: 48px; display: flex;
  align-items: center; justify-content: center; text-align: center; border-radius: 8px;
  font-weight: 600; font-size: 15px; text-decoration: none; }
.card-actions .geo { background: #1a73e8; color: #fff; }
.card-actions .export { background: #fff; border: 2px solid #1a73e8; color: #1a73e8; }
"""

MAP_JS_FILE = Path(__file__).resolve().parent / "templates" / "map.js"
"""The controls, the "next stop" card and the outcomes kept on the phone."""

OUTCOME_BUTTONS: tuple[tuple[str, str], ...] = (
    ("enrolled", N_("enrolled")), ("not_home", N_("not home")), ("refused", N_("refused")),
    ("retry_needed", N_("retry needed")), ("moved", N_("moved")), ("deceased", N_("deceased")))
"""The outcomes a resident can get on the phone (``plan.py record``'s codes)."""

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
    if s.park:
        rows.append(f"<div>{L['Park at']}: {esc(s.park)}</div>")
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
        f"<div style='color:{team.colour}'>{esc(team.route)} {esc(team.name)}</div>",
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
            f"<div style='color:{team.colour}'>{esc(team.route)} {esc(team.name)}</div>",
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
            f"<div style='color:{team.colour}'>{esc(team.route)} {esc(team.name)}</div>",
            f"<div>{L['Planned arrival']}: <b>{esc(s.arrive)}</b>–{esc(s.depart)}</div>",
            "<ul>" + "".join(_person_html(p, _) for p in s.residents) + "</ul>",
            f"<div>{L['Mode']}: {esc(s.mode)}</div>",
            f"<div>{L['Bring']}: {esc(s.bring)}</div>"]
    rows += [f"<div class='presence'>{esc(line)}</div>" for line in s.presence]
    rows += _access_rows(s, L)
    if s.notes:
        rows.append(f"<div><i>{esc(s.notes)}</i></div>")
    return "".join(rows)


def _legend_html(ctx: DocContext, teams: tuple[TeamDay, ...], has_ford: bool) -> str:
    _ = ctx._
    L = labels(_)
    items = []
    for t in teams:
        width = "2px" if t.shuttle else "4px"
        items.append(f"<div><span class='sw' style='border-top-color:{t.colour};"
                     f"border-top-width:{width}'></span>{esc(t.route)} {esc(t.name)}</div>")
    items.append("<div><span class='sw' style='border-top-color:#555;border-top-style:dashed'>"
                 f"</span>{L['on foot with the kit']}</div>")
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
        style = "dotted" if "dash_array" in st else "solid"
        items.append(f"<div><span class='sw' style='border-top-color:{st['color']};"
                     f"border-top-style:{style}'></span>{esc(label)}</div>")
    items.append(f"<div><span class='sw' style='border-top-color:{WATER_COLOUR}'></span>"
                 f"{L['river or stream']}</div>")
    if has_ford:
        items.append(f"<div><span class='sw' style='border-top-color:{FORD_COLOUR};"
                     f"border-top-width:8px'></span>{L['ford']}</div>")
    items.append(f"<div><span class='stop' style='background:#555;width:24px;height:24px;"
                 f"font-size:12px;line-height:20px'>1</span>{L['visit, in order']}</div>")
    items.append("<div><span class='unserved' style='width:18px;height:18px;font-size:14px;"
                 f"line-height:16px'>×</span>{L['not visited: tap for the reason']}</div>")
    items.append("<div><span class='office' style='width:24px;height:24px;font-size:10px;"
                 f"line-height:24px'>CA</span>{L['commune office']}</div>")
    return "".join(items)


def render_map(plan: Plan, scenario: Scenario, *, lang: str = "vi", redact: bool = False,
               teams: tuple[str, ...] | None = None, tiles_url: str | None = None,
               tiles_attribution: str = "", geometry: dict[str, RouteGeometry] | None = None,
               plan_id: str = "") -> str:
    """The map as one HTML document (UTF-8 text, NFC; the same inputs give the
    same bytes).

    ``teams`` limits the map to those team ids (a per-team map); ``geometry``
    is ``route_geometries(plan)`` when already read; ``plan_id`` the plan's id
    (``planner.planfile.plan_id``, computed when not given), which tags the
    outcomes recorded on the phone.
    """
    # imported here: the map libraries load only when a map is drawn
    import folium  # heavy: loaded only when a map is drawn

    ctx = doc_context(plan, scenario, lang, redact)
    _ = ctx._
    L = labels(_)
    geometry = geometry if geometry is not None else route_geometries(plan)
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
    texts = _map_texts(ctx, shown, teams, redact, base, L)
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
    fig.header.add_child(_raw(f'<meta charset="utf-8">\n<style>{css}</style>\n'
                              f"<style>{MAP_CSS}</style>\n<script>{js}</script>\n"),
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
        f"<li>{esc(s.arrive)} · {esc(t.route)} · {esc(s.label)}: "
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
        layer = folium.FeatureGroup(name=f"{swatch} {esc(t.route)} {esc(t.name)}").add_to(m)
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
               redact: bool, base: BaseMap, L: dict[str, str]) -> dict[str, str]:
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
                       + _legend_html(ctx, shown, bool(base.fords)),
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
        "routes": [{"route": t.route, "team": t.team, "colour": t.colour,
                    "layer": layers[t.route], "stops": [card_stop(s, t, _) for s in t.stops
                                                        if s.number is not None]}
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


def card_stop(s: StopView, team: TeamDay, _) -> dict:
    """A stop as the "next stop" card shows it: plain texts (the page puts them
    in with ``textContent``) and ``info``, the stop's popup (HTML, every user
    text escaped). ``people`` are the residents whose outcome is recorded on
    the phone: those enrolled at a home visit or picked up at home."""
    recorded = s.kind == "visit" or (s.kind == "pickup" and not s.at_office)
    note = ""
    if s.kind == "point":
        note = _("Collection point: record who came on the printed sheet.")
    return {"n": s.number, "kind": s.kind, "label": s.label, "household": s.household,
            "place": s.place if s.kind == "point" else (_("commune office") if s.at_office
                                                        else ""),
            "village": s.village, "arrive": s.arrive, "depart": s.depart,
            "lat": round(s.lat, 6), "lon": round(s.lon, 6), "note": note,
            # the chance of finding them at home and why this hour (presence)
            "chance": " · ".join(s.presence[:2]),
            "info": stop_popup(s, team, _),
            "people": [{"id": p.id, "name": p.name} for p in s.residents] if recorded else []}
