"""``roads info``: what a road graph holds, and which sites of a scenario it cannot reach."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from planner.speeds import SpeedTable, _tag, surface_of

STEEP = 0.15  # an edge steeper than this (rise over run) counts as steep


def summarize(G, table: SpeedTable) -> dict[str, Any]:
    """Counts, km by class and surface, elevation range, steep share, components, fords.

    Lengths count each road once (the edge drawn in the way's direction).
    """
    # imported here: networkx loads slowly; importing this module stays light
    import networkx as nx

    km_class: Counter[str] = Counter()
    km_surface: Counter[str] = Counter()
    steep = total = fords = closed = 0
    for _u, _v, d in G.edges(data=True):
        if str(d.get("reversed", False)).lower() == "true":
            continue
        km = float(d.get("length", 0.0)) / 1000
        km_class[_tag(d, "highway") or "?"] += km
        km_surface[surface_of(d, table) + ("" if _tag(d, "surface") else " (assumed)")] += km
        total += 1
        steep += abs(float(d.get("grade", 0.0) or 0.0)) > STEEP
        fords += _tag(d, "ford") in {"yes", "true", "1", "stepping_stones"}
        closed += any(_tag(d, k) == "yes" for k in ("closed", "closed_dry", "closed_wet"))
    elev = [float(d["elevation"]) for _n, d in G.nodes(data=True) if "elevation" in d]
    comps = sorted((len(c) for c in nx.weakly_connected_components(G)), reverse=True)
    return {
        "name": G.graph.get("name", ""), "source": G.graph.get("source", ""),
        "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
        "km_by_class": dict(km_class.most_common()),
        "km_by_surface": dict(km_surface.most_common()),
        "elevation_m": (min(elev), max(elev)) if elev else None,
        "elevation_source": G.graph.get("elevation_source", ""),
        "steep_share_pct": 100.0 * steep / total if total else 0.0,
        "fords": fords, "closed": closed,
        "components": len(comps), "largest_component": comps[0] if comps else 0,
    }


def format_summary(s: dict[str, Any], _: Callable[[str], str] = str) -> str:
    """The summary as text a person can read, in the language of ``_`` (a
    gettext; default: English). Road classes and surfaces are OSM values,
    shown as they are."""
    lines = [_("graph: {name} ({source})").format(name=s["name"], source=s["source"])
             if s["source"] else _("graph: {name}").format(name=s["name"]),
             _("nodes: {nodes}   edges: {edges} (both directions)").format(
                 nodes=f"{s['nodes']:,}", edges=f"{s['edges']:,}")]
    total = sum(s["km_by_class"].values())
    lines.append(_("roads: {km} km").format(km=f"{total:,.1f}"))
    lines.append(_("km by class:"))
    lines += [f"  {k:<18} {v:9.1f}" for k, v in s["km_by_class"].items()]
    lines.append(_("km by surface:"))
    lines += [f"  {k:<28} {v:9.1f}" for k, v in s["km_by_surface"].items()]
    if s["elevation_m"]:
        lo, hi = s["elevation_m"]
        low, high = f"{lo:,.0f}", f"{hi:,.0f}"
        lines.append(_("elevation: {low}–{high} m ({source})").format(
            low=low, high=high, source=s["elevation_source"]) if s["elevation_source"]
            else _("elevation: {low}–{high} m").format(low=low, high=high))
    lines.append(_("steep edges (> {limit} %): {share} %").format(
        limit=f"{STEEP * 100:.0f}", share=f"{s['steep_share_pct']:.1f}"))
    lines.append(_("fords: {fords}   closed edges: {closed}").format(fords=s["fords"],
                                                                  closed=s["closed"]))
    lines.append(_("connected components: {n} (largest: {largest} nodes)").format(
        n=s["components"], largest=f"{s['largest_component']:,}"))
    return "\n".join(lines)


OSM_SUFFIXES = (".osm", ".osm.pbf", ".pbf", ".osm.gz", ".osm.bz2", ".osm.xml")


def roads_provenance(G) -> str:
    """Where road graph ``G`` comes from: ``"openstreetmap"``, ``"generated"`` or
    ``""`` (unknown).

    Reads the graph attributes set when it was made: ``roads_data`` (set by
    ``roads import``/``roads fetch``), else a ``note`` that says GENERATED (the
    demo and benchmark networks), else ``source`` naming an OSM file or an
    osmnx download, else osmnx's own ``created_with``.
    """
    data = str(G.graph.get("roads_data", "")).lower()
    if data in ("openstreetmap", "generated"):
        return data
    if "generated" in str(G.graph.get("note", "")).lower():
        return "generated"
    source = str(G.graph.get("source", "")).lower()
    if source.endswith(OSM_SUFFIXES) or source.startswith("osmnx download"):
        return "openstreetmap"
    if str(G.graph.get("created_with", "")).lower().startswith("osmnx"):
        return "openstreetmap"
    return ""


def fiction_note(fictional: bool, roads: str) -> str:
    """The plan's note on made-up data ("" for real data). ``roads`` is
    ``roads_provenance`` of the road graph: real OpenStreetMap roads are never
    called made up, and unknown roads are not called either."""
    if not fictional:
        return ""
    if roads == "openstreetmap":
        return ("Fictional people on real OpenStreetMap roads: every name and person is "
                "made up.")
    if roads == "generated":
        return "Fictional demo data: every name, person and road is made up."
    return "Fictional people: every name and person is made up."
