"""Languages of the documents: gettext catalogs managed with Babel.

Messages are written in English in the code (``_("Team")``) and translated by
``planner/locale/<lang>/LC_MESSAGES/messages.mo``. Vietnamese (``vi``) is the
default language; English (``en``) uses the messages as written. There is one
catalog (domain ``messages``) for the CLI and the documents.

Module-level tables mark their texts with ``N_`` (translated later, when the
language is known). Every text that leaves a renderer goes through ``nfc``.

Update the catalogs after changing a message (see ``docs/outputs.md``)::

    pybabel extract -F planner/locale/babel.cfg -k N_ -k msg --no-location --sort-output \
        -o planner/locale/messages.pot .
    pybabel update -i planner/locale/messages.pot -d planner/locale
    pybabel compile -d planner/locale
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path

from planner import privacy
from planner.clock import format_clock
from planner.domain import DECISION_CAUSES, Condition, Mode, Unserved, Window
from planner.errors import N_, Msg, Problem
from planner.rules import capacity_reason, parse_capacity_reason

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
LANGS: tuple[str, ...] = ("vi", "en")
DEFAULT_LANG = "vi"

Gettext = Callable[[str], str]


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


_VI_DIGITS = str.maketrans({".": ",", ",": "."})


class LocalNumber:
    """A number shown to a person: formatted with its format spec (``{km:.1f}``),
    then written the way ``lang`` writes numbers: in Vietnamese a decimal comma
    and a dot between thousands (``35,6 km``, ``1.234``), in English as Python
    writes them. Only for figures people read; numbers they type back into a
    file (limits, coordinates) keep Python's form."""

    __slots__ = ("value", "vi")

    def __init__(self, value: float, lang: str = DEFAULT_LANG) -> None:
        self.value = value
        self.vi = lang == "vi"

    def __format__(self, spec: str) -> str:
        text = format(self.value, spec)
        return text.translate(_VI_DIGITS) if self.vi else text

    def __str__(self) -> str:
        return format(self, "")


def numbers_for(lang: str = DEFAULT_LANG) -> Callable[[float], LocalNumber]:
    """The function that wraps a figure as a ``LocalNumber`` of ``lang``."""
    return lambda value: LocalNumber(value, lang)


def decimal_text(value: float, digits: int = 1, lang: str = DEFAULT_LANG) -> str:
    """``value`` with ``digits`` decimals as ``lang`` writes it (``35,6`` in
    Vietnamese, ``35.6`` in English)."""
    return format(LocalNumber(value, lang), f".{digits}f")


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
    "window_outside_shift": N_("only at home {windows}: the visit fits in none of these hours "
                               "within a shift"),
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
    "no_office_time": N_("the round trip to the commune office with the enrolment fits in no "
                          "team's shift at the hours this resident is at home"),
    "removed_by_hand": N_("taken off this day by hand (the reason is in the campaign's "
                          "decisions)"),
    "decision_not_honoured": N_("a decision made for this household or team cannot be "
                                "honoured in this plan"),
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
    "no_office_time": N_("office trip fits no shift"),
    "removed_by_hand": N_("taken off by hand"),
    "decision_not_honoured": N_("decision not honoured"),
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
    "window_outside_shift": N_("only at home {windows}: a visit of {needed} min fits in none of "
                               "these hours within a shift (a team can be there from "
                               "{there_at} and must be back by {back_by_at})"),
    "shift_too_short": N_("the round trip with the visit takes {round_trip_h} h, longer than "
                          "a shift allows ({max_work_h} h, back by {back_by_at})"),
    "walk_limit": N_("unreachable: {walk_km} km on foot from the nearest road, beyond the "
                     "walking limit of {walk_limit_km} km"),
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
    "no_seat": N_("{passengers} passengers, but a motorbike unit seats at most {seats}"),
    "decision_not_honoured": N_("decision no. {decision} ({kind}) is not honoured: {cause}"),
}

#: ``windows_disjoint`` when even a visit to the resident alone does not fit
#: the teams' hours (its numbers then hold ``alone_s`` and ``alone_needed_s``).
WINDOWS_DISJOINT_ALONE = N_("at home together with the residents the day's visit enrols at most "
                            "{together} min, the visit with them needs {needed} min; alone at "
                            "home within the teams' hours at most {alone} min, a visit for them "
                            "alone needs {alone_needed} min: one visit per household a day, so "
                            "left for another visit")

#: ``no_seat`` with the teams that make home visits counted (``home_teams``):
#: none, or some (then the house's one visit of the day does not enrol them).
NO_SEAT_HOME_TEAMS = (
    N_("{passengers} passengers, but a motorbike unit seats at most {seats}, and no team "
       "makes home visits tomorrow to enrol them at home"),
    N_("{passengers} passengers, but a motorbike unit seats at most {seats}, and the "
       "household's one home visit of the day does not enrol them (they are not at home long "
       "enough together with the residents it enrols)"))

#: ``no_capacity`` of a shuttle (``planner.day.shuttles.shuttle_reason``).
SHUTTLE_NO_ROOM = N_("no room for this shuttle tomorrow: made as one trip on its own ({trip} "
                     "min, with {office} min of enrolment at the office), it fits between no "
                     "two stops of any route allowed to make it ({units} in all, together "
                     "holding {visits} home visits, {points} collection points and {shuttles} "
                     "other shuttles), within the hours at home, the ride limit, the seats, the "
                     "shift, lunch and sunset")

#: Why a decision is not honoured, by ``planner.domain.DECISION_CAUSES`` code.
DECISION_CAUSE_TEXTS: dict[str, str] = {
    "team_absent": N_("the team it names does not work that day"),
    "no_team": N_("no team works that day"),
    "not_fitted": N_("no team allowed to make the visit can fit it in its day (hours at "
                     "home, shift, lunch, the visits of higher priority)"),
    "order_infeasible": N_("the stops cannot be made in the order given within the hours at "
                           "home, the shift and the lunch break; the plan keeps its own order"),
    "kept_off": N_("another decision keeps the household off that day"),
}

#: A decision's kind in words (``planner.campaign.decisions.KINDS``).
DECISION_KINDS: dict[str, str] = {
    "lock": N_("lock to a team or day"),
    "must": N_("visit on that day"),
    "not_before": N_("not before a date"),
    "not_on": N_("not on given dates"),
    "leave_out": N_("left out"),
    "team_absent": N_("team absent"),
    "team_members": N_("team with fewer members"),
    "village_off": N_("village day off"),
    "order": N_("order of stops fixed"),
}


def number_values(numbers: tuple[tuple[str, int], ...],
                  lang: str = DEFAULT_LANG) -> dict[str, str]:
    """``Unserved.numbers`` as the placeholders of ``REASONS_NUMBERED``: ``x_at_s``
    → ``x_at`` as ``HH:MM``, ``x_s`` → ``x`` in whole minutes and ``x_h`` in hours
    (one decimal), ``x_m`` → ``x`` in metres and ``x_km`` in km (one decimal), as
    the English reasons write them, with ``lang``'s decimal mark; anything else
    unchanged."""
    out: dict[str, str] = {}
    for name, value in numbers:
        if name.endswith("_at_s"):
            out[name[:-2]] = format_clock(int(value))
        elif name.endswith("_s"):
            out[name[:-2]] = f"{value / 60:.0f}"
            out[name[:-2] + "_h"] = decimal_text(value / 3600, 1, lang)
        elif name.endswith("_m"):
            out[name[:-2]] = f"{value:.0f}"
            out[name[:-2] + "_km"] = decimal_text(value / 1000, 1, lang)
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


def route_title(team: str, unit: str, _: Gettext, name: str = "") -> str:
    """How every document names a route: ``T3 Tổ 3`` for a team, ``T3 Tổ 3
    (cán bộ đưa đón)`` / ``T3 (shuttle officer)`` for its shuttle officer
    (``name``: the team's name, left out where space is short). The route's
    code (``T3-shuttle``) stays in file names and data only."""
    title = f"{team} {name}" if name else team
    return nfc(title + (" (" + _("shuttle officer") + ")" if unit == "shuttle" else ""))


def short_date(day: dt.date, lang: str) -> str:
    """The date as its reader writes it in a line of text: dd/mm/yyyy in
    Vietnamese, YYYY-MM-DD (ISO) in English; always 10 characters."""
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat()


def date_text(day: dt.date, lang: str) -> str:
    """The date in full, in the language (Babel's CLDR data)."""
    # imported here: Babel loads only when dates are formatted
    from babel.dates import format_date

    return nfc(format_date(day, format="full", locale=lang))


# English reasons whose figures are in their words only (no ``Unserved.numbers``):
# the collection points', and the home-visit reasons a point reason ends with.
# Each is read back so that another language says it with the same figures.
_HOME_REASONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("window_too_short", re.compile(r"only home (?P<windows>.+?): at home (?:at most )?"
                                    r"(?P<at_home>\d+) min, the visit needs (?P<needed>\d+) min")),
    ("window_before_shift", re.compile(
        r"only home (?P<windows>.+?): a team can be there at (?P<there_at>\d\d:\d\d) at the "
        r"earliest \(shift starts (?P<shift_start_at>\d\d:\d\d), (?P<ride>\d+) min ride\), "
        r"too late for a visit of (?P<needed>\d+) min")),
    ("window_after_shift", re.compile(r"only home (?P<windows>.+?), after the shift ends "
                                      r"\(back by (?P<back_by_at>\d\d:\d\d)\)")),
    ("window_outside_shift", re.compile(
        r"only home (?P<windows>.+?): a visit of (?P<needed>\d+) min fits in none of these "
        r"hours within a shift \(a team can be there from (?P<there_at>\d\d:\d\d) and must "
        r"be back by (?P<back_by_at>\d\d:\d\d)\)")),
    ("shift_too_short", re.compile(
        r"the round trip takes (?P<round_trip_h>[\d.]+) h with the visit, longer than a shift "
        r"allows \((?P<max_work_h>[\d.]+) h, back by (?P<back_by_at>\d\d:\d\d)\)")),
)
_POINT_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the collection point at (?P<place>.+) is not opened tomorrow: no team that "
                r"runs collection points has (?P<hours>[\d.]+) h left for its slot \(set-up "
                r"and (?P<expected>\d+) expected\) besides its visits of the same or a higher "
                r"priority"),
     N_("the collection point at {place} is not opened tomorrow: no team that runs collection "
        "points has {hours} h left for its slot (set-up and {expected} people expected) beside "
        "its visits of the same or a higher priority")),
    (re.compile(r"the collection point at (?P<place>.+) is full tomorrow: its "
                r"(?P<hours>[\d.]+) h slot holds (?P<room>\d+) people; it opens next on "
                r"(?P<day>\d{4}-\d\d-\d\d)"),
     N_("the collection point at {place} is full tomorrow: its {hours} h slot holds {room} "
        "people; it opens next on {day}")),
    (re.compile(r"the collection point at (?P<place>.+) is full tomorrow: its "
                r"(?P<hours>[\d.]+) h slot holds (?P<room>\d+) people; it is not yet planned "
                r"for another day"),
     N_("the collection point at {place} is full tomorrow: its {hours} h slot holds {room} "
        "people; it is not yet planned for another day")),
    (re.compile(r"its village's collection point is not opened for it tomorrow \(a point opens "
                r"for at least (?P<minutes>\d+) min, for the residents invited to it, where a "
                r"team has room\), and a home visit is not possible: (?P<home>.+)"),
     N_("its village's collection point is not opened for it tomorrow (a point opens for at "
        "least {minutes} min, for the residents invited to it, where a team has room), and a "
        "home visit is not possible: {home}")),
)
_FIXED_REASONS = (N_("no team could make it"),)
"""Reasons written as they are (no figures), translated whole."""


_DECIMAL = re.compile(r"\d+\.\d+")


def _local_figures(values: dict[str, str], lang: str) -> dict[str, str]:
    """``values`` captured from an English reason, its decimal figures (``2.5``)
    written with ``lang``'s decimal mark; other texts unchanged."""
    if lang != "vi":
        return values
    return {k: (v.replace(".", ",") if v is not None and _DECIMAL.fullmatch(v) else v)
            for k, v in values.items()}


def english_reason(reason: str, _: Gettext, lang: str = DEFAULT_LANG) -> str | None:
    """A plan's English ``reason`` whose figures are only in its words (the
    collection points', a home visit's hours), said by ``_`` with the same
    figures (decimals with ``lang``'s mark); None for another text."""
    for code, pattern in _HOME_REASONS:
        found = pattern.fullmatch(reason)
        if found is not None:
            return _(REASONS_NUMBERED[code]).format(**_local_figures(found.groupdict(), lang))
    for pattern, template in _POINT_REASONS:
        found = pattern.fullmatch(reason)
        if found is not None:
            values = _local_figures(found.groupdict(), lang)
            if "home" in values:
                home = english_reason(values["home"], _, lang)
                values["home"] = home if home is not None else (
                    _(values["home"]) if values["home"] in _FIXED_REASONS else values["home"])
            return _(template).format(**values)
    return None


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
    if unserved.code == "windows_disjoint" and "alone_s" in dict(unserved.numbers):
        template = WINDOWS_DISJOINT_ALONE  # also the visit alone
    if unserved.code == "no_capacity" and "trip_s" in dict(unserved.numbers):
        template = SHUTTLE_NO_ROOM
    if unserved.code == "no_seat" and "home_teams" in dict(unserved.numbers):
        template = NO_SEAT_HOME_TEAMS[dict(unserved.numbers)["home_teams"] > 0]
    if parsed is not None:  # the tier and what each team's day holds, in ``lang``
        text = nfc(capacity_reason(*parsed, _, lambda c: _(CONDITION_LABELS[c])))
    elif template is None and (said := english_reason(nfc(unserved.reason), _, lang)) \
            is not None:
        text = said  # a reason whose figures are only in its English words
    elif template is not None:
        values = number_values(unserved.numbers, lang)
        values["windows"] = windows_text(windows, _)
        if unserved.code == "decision_not_honoured":  # its kind and cause in words
            cause = dict(unserved.numbers).get("cause", -1)
            values["cause"] = _(DECISION_CAUSE_TEXTS[DECISION_CAUSES[cause]]) \
                if 0 <= cause < len(DECISION_CAUSES) else ""
            values["kind"] = _(DECISION_KINDS.get(unserved.mode, unserved.mode))
        try:
            text = _(template).format(**values)
        except (KeyError, IndexError, ValueError):
            pass  # numbers of another shape (an older plan): the words without them
    return privacy.reason(text, generic, redact)


def initials(full_name: str) -> str:
    """``"Sùng Thị Chở"`` → ``"S.T.C."`` (``planner.privacy.initials``)."""
    return privacy.initials(full_name)


# Words of a problem's ``where`` (``row 7, field lon``), translated word by word:
# the word is translated, the number or name after it is kept as it is.
WHERE_WORDS: dict[str, str] = {
    "row": N_("row"),
    "rows": N_("rows"),
    "line": N_("line"),
    "field": N_("field"),
    "fields": N_("fields"),
    "column": N_("column"),
    "commune": N_("commune"),
    "village": N_("village"),
    "team": N_("team"),
    "sheet": N_("sheet"),
    "household": N_("household"),
    "point": N_("point"),
    "decision": N_("decision"),
}
_WHERE_RE = re.compile(r"(?<![\w.\[])(" + "|".join(sorted(WHERE_WORDS, key=len, reverse=True))
                       + r") (?=\S)")


def message_text(text: object, _: Gettext) -> str:
    """A message for people in the language of ``_``: a ``planner.errors.Msg``
    is translated (its msgid), then filled with its values (a value that is a
    ``Msg`` translated too); other text is shown as it is (already translated,
    or a name, id or path)."""
    if isinstance(text, Msg) and not text.values:  # its msgid may hold braces ("{T1: …}")
        return nfc(_(text.msgid))
    if isinstance(text, Msg):
        values = {k: ", ".join(message_text(x, _) for x in v) if isinstance(v, list | tuple)
                  else message_text(v, _) if isinstance(v, Msg) else v
                  for k, v in text.values.items()}
        try:
            return nfc(_(text.msgid).format(**values))
        except (KeyError, IndexError, ValueError):  # a translation with other placeholders
            return nfc(text)
    return nfc(text)


def where_text(where: str, _: Gettext) -> str:
    """A problem's ``where`` (``row 7, field lon``) in the language of ``_``:
    the words row, line, field… translated, the numbers, names and keys kept."""
    return _WHERE_RE.sub(lambda m: _(WHERE_WORDS[m.group(1)]) + " ", nfc(where))


def problem_text(problem: object, _: Gettext) -> str:
    """``file › where › what › fix`` in the language of ``_`` (``Problem.__str__``
    is the English of the logs). Anything that is not a ``Problem`` goes through
    ``message_text``."""
    if not isinstance(problem, Problem):
        return message_text(problem, _)
    parts = [problem.file]
    if problem.where:
        parts.append(where_text(problem.where, _))
    parts.append(message_text(problem.what, _))
    if problem.fix:
        parts.append(message_text(problem.fix, _))
    return " › ".join(parts)


def error_text(exc: BaseException, lang: str = DEFAULT_LANG) -> str:
    """What the command line prints for a planner error, in ``lang``:
    ``error: <problem>``, or the count of problems and one a line."""
    _, ngettext = gettext_for(lang), ngettext_for(lang)
    problems = getattr(exc, "problems", None)
    if problems and len(problems) > 1:
        head = ngettext("error: {n} problem found", "error: {n} problems found",
                        len(problems)).format(n=len(problems))
        return "\n".join([head] + [problem_text(p, _) for p in problems])
    if problems:
        body = problem_text(problems[0], _)
    else:
        body = message_text(exc.args[0] if exc.args else str(exc), _)
    return _("error: {message}").format(message=body)

