"""A campaign day's matrices keep where the roads come from."""

from __future__ import annotations

import numpy as np

from planner.campaign.workspace import slice_matrices
from planner.matrix import TravelMatrices


def test_a_slice_keeps_the_roads_provenance() -> None:
    """Slicing the campaign's matrices for a day keeps the rows asked for, in
    order, and the roads' provenance, so a campaign on OpenStreetMap roads is
    never labelled as made-up demo data (``planner.roads.info.fiction_note``)."""
    travel = np.arange(16, dtype=np.int64).reshape(4, 4)
    for roads in ("openstreetmap", "generated", ""):
        m = TravelMatrices(travel_s=travel, distance_m=travel * 10, drive_m=travel * 10,
                           access=("a", "b", "c", "d"), profile="motorbike", season="dry",
                           roads=roads)
        day = slice_matrices(m, [2, 0])
        assert day.roads == roads and day.access == ("c", "a")
        assert day.travel_s.tolist() == [[10, 8], [2, 0]]
