"""Presence chances in the day planner: prefer the hours a household is at home.

``planner.presence`` estimates, per household, the chance of finding its
residents at home in each time band of the day. The day planner uses it in
three places (``planner.day.plan.plan_day`` with ``presence=``):

1. **Preferred hours.** When a household's chances across the bands the teams
   can reach differ by at least ``MATERIAL`` (0.15: a working-age resident
   mostly home at midday and in the evening; an elderly resident found away
   twice at 10:00), its visit is first offered only in its *good* bands —
   those within ``WITHIN`` (0.1) of its best reachable band — intersected
   with the residents' own windows. The search and the priority repair work
   on those preferred hours; then the repair runs once more with the full
   windows, so a visit that did not fit in its good hours is still made at
   another hour when a route has room (a visit at 20 % is worth more than no
   visit). Households whose chances are about even keep their windows.
2. **Expected enrolments within a tier.** A visit's prize inside its
   priority tier grows with its chance (``planner.day.problem.tier_prizes``),
   so between two visits of the same tier that compete for the last hour the
   likelier one wins. Tiers stay lexicographic: a visit's prize is at least
   its tier's unit whatever its chance.
3. **The itinerary.** Each home visit carries a ``PresenceNote``: the chance
   in the band it starts in, the band it was moved away from (where the
   household was found away before), the failed visits so far, another
   approach after too many failures, and whether to call ahead.

Clock times are seconds after local midnight; chances are in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.domain import PresenceNote, Window
from planner.presence import BANDS, PresenceModel, band_of, day_kind, hour_prior

#: The spread of a household's chances over the reachable bands worth
#: steering its visit by.
MATERIAL = 0.15
#: Bands within this of the best reachable band count as good.
WITHIN = 0.1
#: Below this chance (or after a failed visit) the itinerary suggests a call
#: ahead when a phone number is known.
CALL_BELOW = 0.8


@dataclass(frozen=True)
class DayChances:
    """The presence model on one day (``weekday``: Monday = 0)."""

    model: PresenceModel
    weekday: int

    def knows(self, household_id: str) -> bool:
        return household_id in self.model.priors

    def chance(self, household_id: str, residents, clock_s: int) -> float:
        """The chance of finding ``residents`` (those the visit enrols) at home
        at ``clock_s``: the model's band with the prior of that very hour."""
        kind = day_kind(self.weekday, self.model.params)
        m0 = hour_prior(residents, kind, int(clock_s), self.model.params)
        return self.model.chance_with_prior(household_id, int(clock_s), self.weekday, m0)

    def _bands(self, windows: tuple[Window, ...], start_s: int, end_s: int,
               service_s: int) -> list[tuple[object, list[tuple[int, int]]]]:
        """The bands in which a visit of ``service_s`` could start and end
        inside ``windows`` ∩ [start_s, end_s], each with those pieces."""
        spans = [(max(w.start_s, start_s), min(w.end_s, end_s)) for w in windows] \
            if windows else [(start_s, end_s)]
        out = []
        for b in BANDS:
            lo = b.start_s if b is not BANDS[0] else -10**9
            hi = b.end_s if b is not BANDS[-1] else 10**9
            pieces = []
            for s, e in spans:
                # a visit starting in the band: start in [max(s, lo), min(e - service, hi))
                first, last = max(s, lo), min(e - service_s, hi - 1)
                if first <= last:
                    pieces.append((first, min(e, last + service_s)))
            if pieces:
                out.append((b, pieces))
        return out

    def preferred(self, household_id: str, residents, windows: tuple[Window, ...],
                  start_s: int, end_s: int, service_s: int,
                  ) -> tuple[tuple[Window, ...] | None, float]:
        """``(preferred windows or None, the chance to weigh the visit by)``.

        The windows are the pieces of ``windows`` (all day when empty) within
        the teams' hours [``start_s``, ``end_s``] in which the visit can start
        in a good band; None when the chances do not differ by ``MATERIAL``
        over the reachable bands (or nothing is reachable). The chance is that
        of the best reachable band (1.0 for an unknown household)."""
        if not self.knows(household_id):
            return None, 1.0
        bands = self._bands(windows, start_s, end_s, service_s)
        if not bands:
            return None, 1.0
        scored = [(self.chance(household_id, residents, pieces[0][0]), b, pieces)
                  for b, pieces in bands]
        best = max(p for p, _, _ in scored)
        if best - min(p for p, _, _ in scored) < MATERIAL:
            return None, best
        good = sorted((piece for p, _, pieces in scored if p >= best - WITHIN
                       for piece in pieces))
        merged: list[list[int]] = []
        for s, e in good:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        return tuple(Window(s, e) for s, e in merged), best

    def note(self, household_id: str, residents, start_s: int, has_contact: bool,
             ) -> PresenceNote | None:
        """The itinerary's note for a visit enrolling ``residents`` that starts
        at ``start_s``."""
        if not self.knows(household_id):
            return None
        model, weekday = self.model, self.weekday
        band = band_of(int(start_s))
        p = self.chance(household_id, residents, int(start_s))
        kind = day_kind(weekday, model.params)
        away = [(t.visits - t.home, b.id) for b in BANDS
                if (t := model.own.get((household_id, kind, b.id))) is not None
                and t.visits > t.home and b.id != band.id]
        # the band it was found away in most, when the visit now has a better chance
        away = [(n, b) for n, b in away if model.chance(household_id, b, weekday) < p]
        instead = max(away, key=lambda x: (x[0], -BANDS.index(band_of(x[1]))))[1] \
            if away else None
        failed = model.failed_visits(household_id)
        approaches = model.other_approaches(household_id, has_contact)
        return PresenceNote(
            band=band.id, chance=round(p, 4), weekday=weekday, instead_band=instead,
            instead_chance=None if instead is None else
            round(model.chance(household_id, instead, weekday), 4),
            away_instead=max((n for n, b in away if b == instead), default=0),
            failed_visits=failed, approaches=tuple(a.kind for a in approaches),
            try_band=next((a.band for a in approaches if a.kind == "visit_band"), None),
            try_day=next((a.day for a in approaches if a.kind == "visit_band"), None),
            try_chance=next((round(a.chance, 4) for a in approaches
                             if a.kind == "visit_band" and a.chance is not None), None),
            call_ahead=has_contact and (p < CALL_BELOW or failed > 0))
