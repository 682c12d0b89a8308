"""Road networks: reading, importing, elevation, travel times, summaries.

Graphs are osmnx-style ``networkx.MultiDiGraph`` objects: nodes carry ``x``
(lon), ``y`` (lat) and optionally ``elevation`` (m); edges carry ``length`` (m),
OSM tags (``highway``, ``surface``, ``tracktype``, ``smoothness``, ``ford``),
``grade`` (rise over run, in the edge's direction) and the travel times
``tt_<profile>_<season>`` (s) from ``planner.speeds``.
"""
