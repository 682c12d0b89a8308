"""The words of the presence model, through the gettext catalog.

``planner.presence`` and ``planner.domain.PresenceNote`` carry codes and
numbers (band ids, kinds of day, chances in [0, 1], counts); this module
turns them into the itinerary's and the terminal's words in Vietnamese
(``vi``, the default) or English (``en``). A chance is shown as a percentage
rounded to 5 % (``0.8`` → ``80 %``): the model is not more precise than that.
"""

from __future__ import annotations

import math

from planner.domain import PresenceNote
from planner.presence import Approach, PresenceModel, band_of, day_kind
from planner.render.i18n import N_, gettext_for, nfc, ngettext_for

__all__ = ["approach_text", "band_name", "chance_text", "explain", "explain_choice",
           "note_lines"]

#: The bands' names (``planner.presence.BANDS`` ids).
BAND_NAMES: dict[str, str] = {
    "early": N_("early morning"),
    "morning": N_("morning"),
    "noon": N_("midday"),
    "afternoon": N_("afternoon"),
    "evening": N_("evening"),
}
#: The kinds of day (``planner.presence.DAY_KINDS``).
DAY_NAMES: dict[str, str] = {"weekday": N_("weekday"), "weekend": N_("weekend")}


def pct(p: float) -> str:
    """A chance in [0, 1] as a percentage rounded to 5 % (``0.8`` → ``80 %``)."""
    return f"{int(5 * math.floor(p * 20 + 0.5))} %"


def band_name(band_id: str, lang: str = "vi") -> str:
    """The name of a band (``evening`` → ``buổi tối``)."""
    return gettext_for(lang)(BAND_NAMES[band_id])


def chance_text(p: float, lang: str = "vi") -> str:
    """``thường có nhà: 80 %`` (``usually home: 80 %``) for a chance of at
    least one half, else ``hay vắng nhà: 30 %`` (``often away: 30 %``)."""
    _ = gettext_for(lang)
    return nfc((_("usually home: {p}") if p >= 0.5 else _("often away: {p}")).format(p=pct(p)))


def _away(n: int, band: str, lang: str) -> str:
    ngettext = ngettext_for(lang)
    return ngettext("nobody home once in the {band}", "nobody home {n} times in the {band}",
                    n).format(n=n, band=band)


def _choice(band: str, p: float, other: str, q: float, away: int, lang: str) -> str:
    _ = gettext_for(lang)
    line = _("{band} ({p}) rather than {other} ({q})").format(
        band=band_name(band, lang), p=pct(p), other=band_name(other, lang), q=pct(q))
    if away:
        line += ": " + _away(away, band_name(other, lang), lang)
    return nfc(line)


def approach_text(approach: Approach, lang: str = "vi") -> str:
    """One proposed approach in words (``đến vào buổi tối (ngày thường, khả
    năng có nhà 80 %)``, ``gọi điện trước để hẹn giờ``, ``mời đến điểm thu
    nhận tại bản``)."""
    _ = gettext_for(lang)
    if approach.kind == "visit_band":
        if approach.band is None or approach.day is None or approach.chance is None:
            return _("visit at another time of day")
        return nfc(_("visit in the {band} ({kind}, chance of finding them home {p})").format(
            band=band_name(approach.band, lang), kind=_(DAY_NAMES[approach.day]),
            p=pct(approach.chance)))
    if approach.kind == "call":
        return _("call ahead to agree on a time")
    return _("invite them to a collection point in the village")


def note_lines(note: PresenceNote, lang: str = "vi") -> tuple[str, ...]:
    """The itinerary's lines for a visit's ``PresenceNote``: the chance
    (``thường có nhà: 80 %``), why this hour when the household was found
    away at another (``buổi chiều (75 %) thay vì buổi sáng (40 %): 2 lần vắng
    nhà buổi sáng``), another approach after too many failed visits, and a
    call ahead when a number is known."""
    lang = "en" if lang == "en" else "vi"
    _ = gettext_for(lang)
    lines = [chance_text(note.chance, lang)]
    if note.instead_band is not None and note.instead_chance is not None:
        lines.append(_choice(note.band, note.chance, note.instead_band, note.instead_chance,
                             note.away_instead, lang))
    if note.approaches:
        what = "; ".join(approach_text(Approach(k, note.try_band, note.try_day, note.try_chance)
                                       if k == "visit_band" else Approach(k), lang)
                         for k in note.approaches)
        lines.append(_("nobody home {n} times — proposed: {what}").format(
            n=note.failed_visits, what=what))
    if note.call_ahead:
        lines.append(_("call ahead before coming"))
    return tuple(nfc(x) for x in lines)


def explain(model: PresenceModel, household_id: str, band_or_clock_s: str | int,
            weekday: int, lang: str = "vi") -> str:
    """The chance and where it comes from, e.g. ``buổi tối, ngày thường:
    thường có nhà: 80 % (hộ: 2/2 lần có nhà; …)``."""
    _ = gettext_for(lang)
    band = band_of(band_or_clock_s)
    p = model.posterior(household_id, band.id, weekday)
    parts = []
    if p.home + p.away:
        parts.append(_("household: home {h} of {n} visits").format(h=p.home, n=p.home + p.away))
    if p.village_visits:
        parts.append(_("village: home {h} of {n} visits").format(h=p.village_home,
                                                                 n=p.village_visits))
    parts.append(_("hours given in the scenario") if "windows" in p.source
                 else _("by condition"))
    kind = day_kind(weekday, model.params)
    return nfc(f"{band_name(band.id, lang)}, {_(DAY_NAMES[kind])}: "
               f"{chance_text(p.mean, lang)} ({'; '.join(parts)})")


def explain_choice(model: PresenceModel, household_id: str, chosen: str | int, weekday: int,
                   instead: str | int | None = None, lang: str = "vi") -> str:
    """Why the visit is in band ``chosen`` rather than ``instead`` (default:
    ``PresenceModel.instead_of``), e.g. ``buổi tối (80 %) thay vì buổi sáng
    (35 %): 2 lần vắng nhà buổi sáng``."""
    band = band_of(chosen)
    other = band_of(model.instead_of(household_id, band.id, weekday)
                    if instead is None else instead)
    return _choice(band.id, model.chance(household_id, band.id, weekday), other.id,
                   model.chance(household_id, other.id, weekday),
                   model.away_in(household_id, other.id, weekday), lang)
