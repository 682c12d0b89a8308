"""Speeds learnt from a campaign's GPS tracks: the jobs behind ``tomorrow
--tracks`` and the web workspace's Speeds page.

A campaign's learnt layer is the one beside its scenario's speed table
(``planner.speeds.calibration_path``; ``maps/speeds.learnt.toml`` for the
bundled table, so every campaign on that table shares it).
``campaign_speeds`` shows it (per cell: the table's ×1.00 against the learnt
factor and its interval, with the tracks, edges and km behind it; the edges
with a factor of their own), ``learn_campaign_tracks`` learns GPX files into
it on the campaign's road graph (``app.roads.learn_speeds``: every track
checked first, nothing written when one is bad), ``reset_campaign_speeds``
deletes it. Nothing here prints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.app.loaded import campaign_meta
from planner.app.roads import LearnRequest, LearnResult, learn_speeds, learnt_rows
from planner.speeds import calibration_path, default_season, season_names
from planner.state.store import campaign_scenario


@dataclass(frozen=True)
class CampaignSpeeds:
    """A campaign's learnt speeds: its speed table and the layer's path (the
    layer may not exist), one row per learnt cell (``app.roads.learnt_rows``),
    the edges with a factor of their own, the tracks learnt; the table's
    seasons and the scenario's season (the default for new tracks)."""

    table_path: Path
    layer_path: Path
    rows: list[dict[str, Any]] = field(default_factory=list)
    own_edges: int = 0
    tracks: int = 0
    seasons: tuple[str, ...] = ()
    season: str = ""


def _scenario(folder: Path):
    return campaign_scenario(folder, campaign_meta(folder))


def campaign_speeds(folder: Path) -> CampaignSpeeds:
    """The learnt layer of the campaign in ``folder`` (empty rows: none yet)."""
    scenario, _warnings, table = _scenario(folder)
    table_path = Path(table["table_path"])
    layer = table.get("calibration") or {}
    own = sum(1 for f in layer.get("edge_factors", {}).values() if f != 1.0)
    return CampaignSpeeds(table_path, calibration_path(table_path), learnt_rows(table), own,
                          len(layer.get("tracks_learnt", [])), tuple(season_names(table)),
                          scenario.parameters.season or default_season(table))


def learn_campaign_tracks(folder: Path, tracks: tuple[Path, ...], season: str | None = None,
                          now: dt.datetime | None = None) -> LearnResult:
    """Learn ``tracks`` (GPX files or folders), ridden in ``season`` (default:
    the scenario's), on the campaign's road graph into the layer beside its
    speed table. Raises ``InputError`` with every bad track, writing nothing."""
    scenario, _warnings, table = _scenario(folder)
    return learn_speeds(LearnRequest(tracks, season or scenario.parameters.season or None,
                                     scenario.roads, Path(table["table_path"]), now))


def reset_campaign_speeds(folder: Path) -> Path:
    """Delete the campaign's learnt layer (plans go back to the speed table
    alone); returns its path."""
    _s, _warnings, table = _scenario(folder)
    layer = calibration_path(table["table_path"])
    layer.unlink(missing_ok=True)
    return layer

