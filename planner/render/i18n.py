"""Languages of the documents: gettext catalogs managed with Babel.

Messages are written in English in the code (``_("Team")``) and translated by
``planner/locale/<lang>/LC_MESSAGES/messages.mo``. Vietnamese (``vi``) is the
default language; English (``en``) uses the messages as written. There is one
catalog (domain ``messages``) for the CLI and the documents.

Module-level tables mark their texts with ``N_`` (translated later, when the
language is known). Every text that leaves a renderer goes through ``nfc``.

Update the catalogs after changing a message (see ``docs/outputs.md``)::

    pybabel extract -F planner/locale/babel.cfg -k N_ --no-location --sort-output \
        -o planner/locale/messages.pot .
    pybabel update -i planner/locale/messages.pot -d planner/locale
    pybabel compile -d planner/locale
"""

from __future__ import annotations

import datetime as dt
import gettext
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path

from planner import privacy
from planner.clock import format_clock
from planner.domain import Condition, Mode, Unserved, Window
from planner.rules import capacity_reason, parse_capacity_reason

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
LANGS: tuple[str, ...] = ("vi", "en")
DEFAULT_LANG = "vi"

Gettext = Callable[[str], str]


def N_(message: str) -> str:
    """Mark a message for extraction without translating it now."""
    return message


def nfc(text: object) -> str:
    """``text`` as a string in Unicode NFC ('' for None). Unlike
    ``planner.scenario.nfc`` it keeps surrounding white space."""
    if text is None:
        return ""
    return unicodedata.normalize("NFC", str(text))


@cache
def translations(lang: str = DEFAULT_LANG) -> gettext.NullTranslations:
    """The catalog for ``lang`` ("vi" or "en"). Raises ``ValueError`` for
    another language, or when the compiled Vietnamese catalog is missing."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    if lang == "en":
        return gettext.NullTranslations()
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not mo.is_file():
        raise ValueError(f"{mo} is missing; compile it with `pybabel compile -d {LOCALE_DIR}`")
    with open(mo, "rb") as fh:
        return gettext.GNUTranslations(fh)


def gettext_for(lang: str = DEFAULT_LANG) -> Gettext:
    """The ``_`` function for ``lang``: translate, then normalise to NFC."""
    tr = translations(lang)
    return lambda message: nfc(tr.gettext(message))


def ngettext_for(lang: str = DEFAULT_LANG) -> Callable[[str, str, int], str]:
    """The ``ngettext`` of ``lang``: the singular or plural message for ``n``
    (Vietnamese has one form), normalised to NFC."""
    tr = translations(lang)
    return lambda singular, plural, n: nfc(tr.ngettext(singular, plural, n))


CONDITION_LABELS: dict[Condition, str] = {
    "bedridden": N_("bedridden"),
    "disabled": N_("disabled"),
    "elderly": N_("elderly"),
    "postpartum": N_("after childbirth"),
    "able": N_("able to travel"),
}

MODE_LABELS: dict[Mode, str] = {
    "home": N_("enrolment at home"),
    "auto": N_("enrolment at home"),
    "shuttle": N_("shuttle to the commune office"),
    "point": N_("comes to a collection point"),
}

# What a stop is, by ``Stop.kind``: how each mode shows on every document.
KIND_LABELS: dict[str, str] = {
    "visit": N_("Enrolment at home"),
    "pickup": N_("Pick up residents"),
    "dropoff": N_("Drop off residents"),
    "point": N_("Collection point"),
}

# What a team brings besides the enrolment kit, by the resident's condition.
BRING: dict[Condition, str] = {
    "bedridden": N_("white backdrop cloth for a photo in bed"),
    "disabled": N_("ask a relative to help"),
    "elderly": N_("cloth to clean worn fingerprints"),
    "postpartum": N_("visit quietly: mother and newborn"),
    "able": "",
}

# Why a household is not visited, by the plan's ``unserved`` code. ``{windows}``
# is filled with the hours the residents are at home.
REASONS: dict[str, str] = {
    "no_capacity": N_("no capacity left for this priority: no team allowed to make this "
                      "visit can fit it in its day beside its visits of the same or a higher "
                      "priority"),
    "window_before_shift": N_("only at home {windows}, before the team can be there"),
    "window_after_shift": N_("only at home {windows}, after the shift ends"),
    "window_too_short": N_("only at home {windows}: shorter than the visit needs"),
    "window_outside_shift": N_("only at home {windows}: none of these hours falls in a shift"),
    "windows_disjoint": N_("not at home long enough together with the residents the "
                           "household's one visit or pickup of the day serves: left for "
                           "another visit"),
    "shift_too_short": N_("the round trip with the visit is longer than a shift allows"),
    "walk_limit": N_("unreachable: the walk from the nearest road is beyond the walking limit"),
    "closed_wet": N_("unreachable in this season: a ford or road on the way is closed"),
    "no_route": N_("unreachable: no road or path from the commune office reaches it"),
    "no_kit": N_("no team has an enrolment kit for home visits"),
    "no_roads": N_("no road is open to motorbikes in this season"),
    "point_not_opened": N_("no collection point could be opened for this village today"),
    "point_full": N_("the collection point is full: no time left to enrol more people"),
    "shuttle_unfit": N_("cannot ride a motorbike: needs a home visit instead"),
    "shuttle_walk": N_("the house is too far from a road for a motorbike pickup"),
    "away_at_visit": N_("not at home during today's visit to the house, and not served "
                        "another way today: visit at home another day, in their hours"),
    "no_seat": N_("no free seat on a shuttle motorbike today"),
    "no_duty": N_("no team is assigned to this kind of work tomorrow (the teams' duties in "
                  "the scenario)"),
    "ride_too_long": N_("the ride to the commune office is longer than this passenger may "
                        "ride"),
    "no_office_time": N_("no time left at the commune office to enrol shuttled residents"),
}


# A few words for each ``unserved`` code, for counts ("242 point not opened").
REASON_LABELS: dict[str, str] = {
    "no_capacity": N_("no capacity"),
    "window_before_shift": N_("at home before the shift"),
    "window_after_shift": N_("at home after the shift"),
    "window_too_short": N_("at home too briefly"),
    "window_outside_shift": N_("at home outside every shift"),
    "windows_disjoint": N_("not at home long enough together"),
    "shift_too_short": N_("too far for a shift"),
    "walk_limit": N_("walk too long"),
    "closed_wet": N_("road closed this season"),
    "no_route": N_("no road reaches it"),
    "no_kit": N_("no enrolment kit"),
    "no_roads": N_("no open road"),
    "point_not_opened": N_("point not opened"),
    "point_full": N_("point full"),
    "shuttle_unfit": N_("cannot ride"),
    "shuttle_walk": N_("too far from a road for a pickup"),
    "away_at_visit": N_("away during the home visit"),
    "no_seat": N_("no seat"),
    "no_duty": N_("no team on this duty"),
    "ride_too_long": N_("ride too long"),
    "no_office_time": N_("no time at the office"),
}


# The same reasons with the figures they rest on (``Unserved.numbers``), by
# code: ``{name}`` is the number ``name_s`` in minutes, ``name_at_s`` as a clock
# time, ``name_m`` in metres, else as it is. Used when the entry has numbers.
REASONS_NUMBERED: dict[str, str] = {
    "window_too_short": N_("only at home {windows}: at home at most {at_home} min, the visit "
                           "needs {needed} min"),
    "window_before_shift": N_("only at home {windows}: a team can be there at {there_at} at "
                              "the earliest (shift starts {shift_start_at}, {ride} min ride), "
                              "too late for a visit of {needed} min"),
    "window_after_shift": N_("only at home {windows}, after the shift ends (back by "
                             "{back_by_at})"),
    "window_outside_shift": N_("only at home {windows}: none of these hours falls in a shift "
                               "(a team can be there from {there_at} and must be back by "
                               "{back_by_at})"),
    "shift_too_short": N_("the round trip with the visit takes {round_trip} min, longer than "
                          "a shift allows ({max_work} min, back by {back_by_at})"),
    "walk_limit": N_("unreachable: {walk} m on foot from the nearest road, beyond the walking "
                     "limit of {walk_limit} m"),
    "windows_disjoint": N_("at home together with the residents the day's visit enrols at "
                           "most {together} min, the visit with them needs {needed} min: one "
                           "visit per household a day, so left for another visit"),
    "shuttle_walk": N_("the house is {walk} m on foot from where a motorbike can stop, too far "
                       "for a passenger (limit {walk_limit} m); visit at home instead"),
    "away_at_visit": N_("not at home during today's visit to the house ({visit_at}–"
                        "{visit_end_at}), and not served another way today: visit at home "
                        "another day, in their hours"),
    "ride_too_long": N_("the ride to the commune office takes {ride} min, more than the "
                        "{max_ride} min allowed for this passenger"),
    "no_seat": N_("{passengers} passengers, but a motorbike unit has at most {seats} seats"),
}


def number_values(numbers: tuple[tuple[str, int], ...]) -> dict[str, str]:
    """``Unserved.numbers`` as the placeholders of ``REASONS_NUMBERED``: ``x_at_s``
    → ``x_at`` as ``HH:MM``, ``x_s`` → ``x`` in whole minutes, ``x_m`` → ``x`` in
    metres, anything else unchanged."""
    out: dict[str, str] = {}
    for name, value in numbers:
        if name.endswith("_at_s"):
            out[name[:-2]] = format_clock(int(value))
        elif name.endswith("_s"):
            out[name[:-2]] = f"{value / 60:.0f}"
        elif name.endswith("_m"):
            out[name[:-2]] = f"{value:.0f}"
        else:
            out[name] = str(value)
    return out


FICTION_BANNERS = {
    "generated": N_("FICTIONAL DEMO DATA: every name, person and road is made up."),
    "openstreetmap": N_("FICTIONAL RESIDENTS on real OpenStreetMap roads: every name and "
                        "person is made up."),
    "unknown": N_("FICTIONAL PEOPLE: every name and person is made up."),
}
"""The banner of fictional data, by where the roads come from (``Plan.roads``):
it names what is made up and nothing else. Real OpenStreetMap roads are never
called made up, nor roads of unknown origin, and only generated roads (the
demo's) make it "demo data"."""

FICTION_LABELS = {
    "generated": N_("FICTIONAL DEMO DATA"),
    "openstreetmap": N_("FICTIONAL PEOPLE"),
    "unknown": N_("FICTIONAL PEOPLE"),
}
"""The short label of fictional data (footers, the map's title, GPX), by
where the roads come from, as ``FICTION_BANNERS``."""


def fiction_banner(roads: str, _: Gettext) -> str:
    """The fictional-data banner for roads of provenance ``roads``, translated."""
    return _(FICTION_BANNERS.get(roads, FICTION_BANNERS["unknown"]))


def fiction_label(roads: str, _: Gettext) -> str:
    """The short fictional-data label for roads of provenance ``roads``, translated."""
    return _(FICTION_LABELS.get(roads, FICTION_LABELS["unknown"]))


def windows_text(windows: tuple[Window, ...], _: Gettext) -> str:
    """``07:00–11:00, 13:30–17:00``, or "any time" for no windows."""
    if not windows:
        return _("any time")
    return ", ".join(f"{format_clock(w.start_s)}–{format_clock(w.end_s)}" for w in windows)


def date_text(day: dt.date, lang: str) -> str:
    """The date in full, in the language (Babel's CLDR data)."""
    # imported here: Babel loads only when dates are formatted
    from babel.dates import format_date

    return nfc(format_date(day, format="full", locale=lang))


def reason_text(unserved: Unserved, windows: tuple[Window, ...], lang: str,
                redact: bool = False) -> str:
    """Why a household is not visited, in ``lang``. In English the plan's own
    reason (with its numbers) is kept; other languages translate the code:
    a capacity reason with the tier and what each team's day holds, another
    with the entry's numbers (``REASONS_NUMBERED``) when it has them.
    ``redact``: what a shareable copy may show (``planner.privacy.reason``)."""
    generic = None
    if unserved.code in REASONS:
        _ = gettext_for(lang)
        generic = _(REASONS[unserved.code]).replace("{windows}", windows_text(windows, _))
    if lang == "en" or generic is None:
        return privacy.reason(nfc(unserved.reason), generic, redact)
    text = generic
    parsed = parse_capacity_reason(unserved.reason) if unserved.code == "no_capacity" else None
    template = REASONS_NUMBERED.get(unserved.code) if unserved.numbers else None
    if parsed is not None:  # the tier and what each team's day holds, in ``lang``
        text = nfc(capacity_reason(*parsed, _, lambda c: _(CONDITION_LABELS[c])))
    elif template is not None:
        values = number_values(unserved.numbers)
        values["windows"] = windows_text(windows, _)
        try:
            text = _(template).format(**values)
        except (KeyError, IndexError, ValueError):
            pass  # numbers of another shape (an older plan): the words without them
    return privacy.reason(text, generic, redact)


def initials(full_name: str) -> str:
    """``"Sùng Thị Chở"`` → ``"S.T.C."`` (``planner.privacy.initials``)."""
    return privacy.initials(full_name)
