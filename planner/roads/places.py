"""Villages placed at OpenStreetMap place nodes.

A household with no coordinates is placed at its village. When the village's
own coordinates are not given, ``find_place`` looks the name up among the
place nodes stored with the imported graph (``G.graph["places"]``), matching
names without regard to case, Vietnamese diacritics (đ = d) or the word
"bản"/"thôn"/"xóm"/"làng" in front. The result is approximate and callers
must say so in every output.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from planner.roads.osm import graph_places

PREFIXES = ("ban", "thon", "xom", "lang", "buon", "plei", "khu", "to", "village", "hamlet")


def fold_name(text: str) -> str:
    """Lower case, no diacritics (đ → d), single spaces, settlement words dropped."""
    text = unicodedata.normalize("NFD", str(text).lower().replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    text = re.sub(r"[^\w]+", " ", text).strip()
    words = text.split()
    while len(words) > 1 and words[0] in PREFIXES:
        words = words[1:]
    return " ".join(words)


def find_place(name: str, places: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The place node whose name (or any ``name:*``/``alt_name``) matches ``name``.

    Settlement kinds win over localities when several match (village before
    hamlet before locality). ``None`` when nothing matches.
    """
    key = fold_name(name)
    if not key:
        return None
    rank = {"village": 0, "hamlet": 1, "isolated_dwelling": 2, "town": 3, "suburb": 4,
            "neighbourhood": 5, "quarter": 5, "locality": 6}
    found = [p for p in places
             if key in {fold_name(n) for n in (p.get("names") or [p.get("name", "")])}]
    if not found:
        return None
    return min(found, key=lambda p: rank.get(p.get("place", ""), 9))


def place_villages(G, names: list[str]) -> dict[str, tuple[float, float] | None]:
    """``{village name: (lon, lat) of its OSM place node, or None}`` for a graph."""
    places = graph_places(G)
    out: dict[str, tuple[float, float] | None] = {}
    for name in names:
        p = find_place(name, places)
        out[name] = (float(p["lon"]), float(p["lat"])) if p else None
    return out
