"""Checks across the scenario's objects: each object is valid alone, but
together they leave some work impossible (wet days with no wet season, a
station beyond walking range of every road, a household far from the
station, no kit or no passenger seat for the residents' modes)."""

from __future__ import annotations

import math
from pathlib import Path

from planner.domain import CampaignSettings, Household, Parameters, Station, Team, Village
from planner.errors import msg
from planner.geo import haversine_m
from planner.scenario.values import _Collector
from planner.speeds import RAIN_SEASON, SpeedTable, rain_season, season_names

FAR_FROM_STATION_M = 60_000  # a household further than this is probably mistyped


def _check_wet_days(campaign: CampaignSettings | None, table: SpeedTable,
                    col: _Collector) -> None:
    """Wet days need the speed table's rain season (``rain_season``)."""
    if campaign is not None and campaign.wet_days and rain_season(table) is None:
        rain = table.get("rain_season", RAIN_SEASON)
        col.error("campaign.wet_days", msg("the speed table has no season named {rain}, with "
                                           "which wet days are planned",
                                           rain=rain),
                  msg("add a [seasons.{rain}] table to the speed "
                      "table (its seasons: {listing}), or remove wet_days",
                      rain=rain,
                      listing=', '.join(season_names(table))))


def _check_station_reach(station: Station, graph_path: Path, walk_limit_m: float,
                         col: _Collector) -> None:
    """The station must lie within ``walk_limit_m`` of a road of the graph."""
    # imported here: sitecheck loads numpy and scipy; planner.scenario stays light
    from planner.sitecheck import station_problem

    far = station_problem(station.lon, station.lat, graph_path, walk_limit_m)
    if far:
        col.error("station.lon/lat", *far)


def _check_village_distances(station: Station | None, villages: list[Village],
                             col: _Collector) -> None:
    """Warn of each village more than ``FAR_FROM_STATION_M`` metres (great
    circle) from the station: its coordinates are probably mistyped (the
    households placed at its centre would be far too, for that one cause)."""
    if not station:
        return
    for v in villages:
        if math.isnan(v.lon):
            continue
        d = haversine_m(station.lon, station.lat, v.lon, v.lat)
        if d > FAR_FROM_STATION_M:
            col.warn(f"village {v.id}.lon/lat", msg("{value:.0f} km from the station",
                                                    value=d / 1000),
                     msg("check the village's coordinates (swapped or a typo?)"))


def _check_distances(station: Station | None, households: list[Household],
                     col: _Collector) -> None:
    """Warn of each household more than ``FAR_FROM_STATION_M`` metres (great
    circle) from the station: its coordinates are probably swapped or mistyped.
    A household without coordinates of its own (placed at its village's
    centre) is not blamed: a far village is reported on its own."""

    if not station:
        return
    for h in households:
        if h.approximate:
            continue
        d = haversine_m(station.lon, station.lat, h.lon, h.lat)
        if d > FAR_FROM_STATION_M:
            col.warn(f"household {h.id}, fields lon/lat",
                     msg("{value:.0f} km from the station", value=d / 1000),
                     msg("check the coordinates (swapped or a typo?)"))


def _check_capacity(teams: list[Team], households: list[Household], params: Parameters,
                    col: _Collector) -> None:
    """Counts that are valid alone but leave some residents no way to be served."""
    modes = {r.mode for h in households for r in h.residents}
    if teams and all(t.kits == 0 for t in teams) and modes & {"home", "point", "auto"}:
        col.error("teams.kits", msg("no team has an enrolment kit, so nobody can be enrolled at "
                      "home or at a collection point"), msg("give at least one team kits: 1"))
    if "shuttle" in modes and params.seats_per_motorbike == 0:
        col.error("parameters.seats_per_motorbike", msg("0 seats, but some residents are to be "
                                                        "fetched by motorbike (mode shuttle)"),
                  msg("give 1 (or more) seats per motorbike, or change those residents' mode"))


def _check_sites_reach(station: Station, villages: list, households: list[Household],
                       graph_path: Path, walk_limit_m: float, col: _Collector,
                       hh_col: _Collector | None) -> None:
    """Villages, collection points and households must lie by roads of the graph
    that join the station's (``planner.sitecheck.site_problems``)."""
    # imported here: sitecheck loads numpy and scipy; planner.scenario stays light
    from planner.sitecheck import Site, site_problems

    sites = [Site(msg("village {id}", id=v.id), f"villages[{v.id}].lon/lat", v.lon, v.lat)
             for v in villages if math.isfinite(v.lon) and math.isfinite(v.lat)]
    sites += [Site(msg("collection point {name} of village {id}", name=p.name, id=v.id),
                   f"villages[{v.id}].points", p.lon, p.lat) for v in villages
              for p in v.points]
    sites += [Site(msg("household {id}", id=h.id), f"household {h.id}, fields lon/lat", h.lon,
                   h.lat, household=True) for h in households if not h.approximate]
    for found in site_problems((station.lon, station.lat), sites, graph_path, walk_limit_m):
        target = hh_col if found.household and hh_col is not None else col
        (target.error if found.severity == "error" else target.warn)(
            found.where, found.what, found.fix)
