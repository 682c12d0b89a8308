"""The campaign's workspace: travel matrices for every site, computed once.

Travel matrices are computed ONCE for every site of the campaign (the
station, every household, every candidate collection-point place of every
village) and sliced per day through ``Workspace.matrices_for``: shortest paths
are never recomputed per day. Units: seconds, metres.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from planner.domain import CollectionPoint, Scenario, Village
from planner.errors import PlannerError, msg
from planner.matrix import UNREACHABLE, TravelMatrices, travel_matrices
from planner.speeds import SpeedTable, campaign_seasons, default_season


def candidate_places(scenario: Scenario) -> list[CollectionPoint]:
    """Every place where a village's collection point may open (its
    ``points``, else its centre, as ``planner.day.needs.choose_place``)."""
    return [p for v in scenario.villages
            for p in (v.points or (CollectionPoint(v.name, v.lon, v.lat),))]


def campaign_sites(scenario: Scenario) -> list[tuple[float, float]]:
    """(lon, lat) of every site of a campaign: the station first, every
    household, every candidate collection-point place (no duplicates)."""
    coords = [(scenario.station.lon, scenario.station.lat)]
    coords += [(h.lon, h.lat) for h in scenario.households]
    coords += [(p.lon, p.lat) for p in candidate_places(scenario)]
    return list(dict.fromkeys(coords))


def slice_matrices(m: TravelMatrices, rows: list[int]) -> TravelMatrices:
    """The matrices restricted to ``rows`` (global rows), in that order, with
    where the roads come from (the day's fiction labels follow it)."""
    idx = np.asarray(rows, dtype=np.int64)
    grid = np.ix_(idx, idx)
    return TravelMatrices(travel_s=m.travel_s[grid], distance_m=m.distance_m[grid],
                          drive_m=m.drive_m[grid], access=tuple(m.access[i] for i in rows),
                          profile=m.profile, season=m.season, roads=m.roads)


@dataclass
class Workspace:
    """Travel matrices for every site of a campaign, computed once.

    ``row_of[(lon, lat)]`` is a site's row; row 0 the station.
    ``matrices[season]`` holds ``TravelMatrices`` for the seasons computed
    (the speed table's default season always, ``base``; the others when
    asked). ``table`` is the speed table they were computed with (the days
    are planned and their seasons chosen with it). Picklable (no graph
    inside), so it can be shipped to Dask workers.

    ``memo`` keeps results that depend only on what their key names (the
    lower bound per scenario, pending visits, calendar, start and notice
    days; its work bound per work items, arrivals, capacity and slack, which
    the team counts of a sweep share; the cheapest arcs of ``base``): a
    staffing sweep runs the same campaign many times.
    ``dataclasses.replace`` shares it with the copy, so keys must name all
    their inputs.
    """

    scenario: Scenario
    row_of: dict[tuple[float, float], int]
    matrices: dict[str, TravelMatrices]
    table: SpeedTable = field(default_factory=dict, repr=False)
    approach_s: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def matrices_for(self, coords: list[tuple[float, float]], season: str) -> TravelMatrices:
        """The ``planner.day.plan.MatricesFor`` of the day planner: a slice."""
        try:
            rows = [self.row_of[c] for c in coords]
        except KeyError as exc:
            raise PlannerError(msg("site {args} is not in the campaign's matrices "
                                   "(a bug; please report it)", args=exc.args[0])) from None
        if season not in self.matrices:
            raise PlannerError(msg("no {season}-season matrices in this campaign (a bug)",
                                   season=season))
        return slice_matrices(self.matrices[season], rows)

    @property
    def base(self) -> TravelMatrices:
        """The matrices of the speed table's default season, on which the day
        assignment and the lower bound estimate travel."""
        return self.matrices[default_season(self.table)]

    def row(self, lon: float, lat: float) -> int:
        return self.row_of[(lon, lat)]

    def place_approach_s(self, village: Village) -> int:
        """The cheapest way (s) into any candidate point place of ``village``."""
        places = village.points or (CollectionPoint(village.name, village.lon, village.lat),)
        return int(min(self.approach_s[self.row(c.lon, c.lat)] for c in places))


def build_workspace(scenario: Scenario, G, table: SpeedTable,
                    seasons: tuple[str, ...] | None = None) -> Workspace:
    """Compute the travel matrices of a whole campaign once, with speed table
    ``table`` (the one ``G``'s travel times were computed with).

    ``seasons`` defaults to ``planner.speeds.campaign_seasons``: the scenario's
    season, plus the rain season when the calendar has wet days; the table's
    default season is always computed (the day planner explains another
    season's closures with it).
    """
    params = scenario.parameters
    if seasons is None:
        seasons = campaign_seasons(table, params.season,
                                   bool(scenario.campaign and scenario.campaign.wet_days))
    sites = campaign_sites(scenario)
    matrices = {s: travel_matrices(G, sites, s, table, params.walk_offroad_m,
                                   params.walk_limit_m, params.walk_detour_factor)
                for s in dict.fromkeys((default_season(table),) + tuple(seasons))}
    travel = matrices[default_season(table)].travel_s.astype(np.float64)
    travel[travel >= UNREACHABLE] = np.inf
    np.fill_diagonal(travel, np.inf)
    approach = travel.min(axis=0)
    approach[~np.isfinite(approach)] = 0
    return Workspace(scenario=scenario, row_of={c: k for k, c in enumerate(sites)},
                     matrices=matrices, table=table, approach_s=approach.astype(np.int64))

