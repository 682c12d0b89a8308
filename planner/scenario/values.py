"""Values in a scenario's fields and cells, and the collector of problems.

Text is normalised (NFC) and folded (no case, no diacritics) for matching;
clock times become integer seconds after midnight; numbers, whole numbers,
coordinates (lon, lat in decimal degrees) and time windows are checked here,
each problem reported to a ``_Collector`` as file › row/field › what is wrong
› how to fix it.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from planner.clock import format_clock, parse_clock
from planner.domain import Window
from planner.errors import Problem, msg, reason_of

__all__ = ["format_clock", "parse_clock"]  # re-exported: the scenario's own clock reader

MAX_ID_LEN = 64
"""The longest id (team, village, household) in characters."""
MAX_NAME_LEN = 200
"""The longest name (a team, an officer, a village, a resident) in characters."""


def nfc(text: Any) -> str:
    """Text normalised to Unicode NFC, stripped; '' for None."""
    if text is None:
        return ""
    return unicodedata.normalize("NFC", str(text)).strip()


def fold(text: str) -> str:
    """Lower case without diacritics (đ → d), for matching names and headers."""
    text = unicodedata.normalize("NFD", nfc(text).lower().replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.sub(r"[\s_/\-]+", " ", text).strip()


def parse_window(text: Any) -> Window:
    """``"06:00-08:00"`` → ``Window``. Raises ``ValueError`` with a reason."""
    parts = re.split(r"\s*[-–—]\s*|\s+to\s+|\s+đến\s+", nfc(text))
    if len(parts) != 2:
        raise ValueError(msg("'{text}' is not a time range like 06:00-08:00", text=text))
    start, end = parse_clock(parts[0]), parse_clock(parts[1])
    if end <= start:
        raise ValueError(msg("'{text}' ends before it starts", text=text))
    return Window(start, end)


def parse_windows(text: Any) -> tuple[Window, ...]:
    """``"06:00-08:00; 17:00-19:00"`` → sorted windows; '' → () (any time)."""
    text = nfc(text)
    if not text:
        return ()
    windows = sorted((parse_window(p) for p in re.split(r"[;,]", text) if p.strip()),
                     key=lambda w: w.start_s)
    for a, b in zip(windows, windows[1:], strict=False):
        if b.start_s < a.end_s:
            raise ValueError(msg("'{text}' has overlapping ranges", text=text))
    return tuple(windows)


def _suggest(name: str, known: set[str] | tuple[str, ...]) -> str:
    """How to fix an unknown ``name``: the closest known one, and all known ones."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    listing = ", ".join(sorted(known))
    if close:
        return msg("did you mean '{close}'? Known: {listing}", close=close[0], listing=listing)
    return msg("remove it; known fields: {listing}", listing=listing)


@dataclass
class _Collector:
    """Collects problems for one file."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def error(self, where: str, what: str, fix: str) -> None:
        """Record an error: ``where`` in the file, ``what`` is wrong, how to ``fix`` it."""
        self.problems.append(Problem(self.file, where, what, fix))

    def warn(self, where: str, what: str, fix: str) -> None:
        """Record a warning (the scenario still loads)."""
        self.problems.append(Problem(self.file, where, what, fix, "warning"))


def _number(value: Any, where: str, col: _Collector, what: str,
            minimum: float | None = None, maximum: float | None = None) -> float | None:
    """A number (a decimal comma is accepted) within ``minimum``…``maximum``;
    None, with the problem reported, when missing, not a number or out of range."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        col.error(where, msg("{what} is missing",
                             what=what), msg("give {what} as a number", what=what))
        return None
    try:
        number = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        col.error(where, msg("'{value}' is not a number",
                             value=_clip(value)), msg("give {what} as a number", what=what))
        return None
    if not math.isfinite(number):  # NaN, .inf, 'INF'
        col.error(where, msg("{what} is not a finite number", what=what),
                  msg("give {what} as an ordinary number between {minimum:g} and {maximum:g}",
                      what=what, minimum=minimum, maximum=maximum)
                  if minimum is not None and maximum is not None
                  else msg("give {what} as an ordinary number", what=what))
        return None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        col.error(where, msg("{what} {number:g} is out of range", what=what, number=number),
                  msg("give a value between {minimum:g} and {maximum:g}",
                      minimum=minimum, maximum=maximum))
        return None
    return number


def _count(value: Any, where: str, col: _Collector, what: str, minimum: int,
           maximum: int, why: str = "") -> int | None:
    """A whole number within ``minimum``…``maximum``; ``why`` says why the minimum."""
    number = _number(value, where, col, what)
    if number is None:
        return None
    if number != int(number):
        col.error(where, msg("{what} {number:g} is not a whole number", what=what, number=number),
                  msg("give {what} as a whole number", what=what))
        return None
    if number < minimum:
        col.error(where, msg("{what} is {number:g}: {why}", what=what, number=number, why=why)
                  if why else msg("{what} is {number:g}, less than {minimum}", what=what,
                                  number=number, minimum=minimum),
                  msg("give at least {minimum}", minimum=minimum))
        return None
    if number > maximum:
        col.error(where, msg("{what} {number:g} is more than {maximum}",
                             what=what, number=number, maximum=maximum),
                  msg("give a value between {minimum} and {maximum}",
                      minimum=minimum, maximum=maximum))
        return None
    return int(number)


def _coords(lon: Any, lat: Any, where: str, col: _Collector) -> tuple[float, float] | None:
    """Validated (lon, lat); notices swapped and out-of-range values."""
    try:
        lon_f = float(str(lon).replace(",", ".")) if isinstance(lon, str) else float(lon)
        lat_f = float(str(lat).replace(",", ".")) if isinstance(lat, str) else float(lat)
    except (TypeError, ValueError):
        col.error(where, msg("coordinates '{lon}', '{lat}' are not numbers",
                             lon=_clip(lon), lat=_clip(lat)),
                  msg("give lon and lat in decimal degrees, e.g. lon 103.21, lat 21.87"))
        return None
    if not (math.isfinite(lon_f) and math.isfinite(lat_f)):
        col.error(where, msg("coordinates are not finite numbers (NaN or infinity)"),
                  msg("give lon and lat in decimal degrees, e.g. lon 103.21, lat 21.87"))
        return None
    if abs(lat_f) > 90 and abs(lon_f) <= 90:
        col.error(where, msg("lat {lat_f:g} is out of range and lon {lon_f:g} looks like a "
                             "latitude: lon and lat look swapped", lat_f=lat_f, lon_f=lon_f),
                  msg("swap lon and lat (lon is east–west, about 102–110 in Vietnam)"))
        return None
    if not (-180 <= lon_f <= 180) or not (-90 <= lat_f <= 90):
        col.error(where, msg("coordinates lon {lon_f:g}, lat {lat_f:g} are out of range",
                             lon_f=lon_f, lat_f=lat_f),
                  msg("lon must be within −180…180 and lat within −90…90"))
        return None
    return lon_f, lat_f


def _clip(value: Any, limit: int = 40) -> str:
    """``value`` as text for a message, cut to ``limit`` characters."""
    text = nfc(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


TRUE_WORDS = ("true", "yes", "có")
FALSE_WORDS = ("false", "no", "không")


def _boolean(value: Any, where: str, col: _Collector, default: bool = False) -> bool:
    """A yes/no field: YAML ``true``/``false``; the text ``"true"``, ``"yes"``,
    ``"có"`` is read as true and ``"false"``, ``"no"``, ``"không"`` as false
    (any case); missing (None) is ``default``. Anything else is reported (and
    ``default`` returned): never read as true by accident."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and nfc(value).lower() in TRUE_WORDS:
        return True
    if isinstance(value, str) and nfc(value).lower() in FALSE_WORDS:
        return False
    col.error(where, msg("'{value}' is not true or false",
                         value=_clip(value)), msg("write true or false"))
    return default


def _text_list(value: Any, where: str, col: _Collector, what: str, example: str,
               max_len: int = 200) -> list[str] | None:
    """A list of non-empty texts (each at most ``max_len`` characters); None,
    with the problem reported, when it is not one."""
    if isinstance(value, str):
        col.error(where, msg("must be a list ({what}), not one text", what=what),
                  msg("write it as a list in brackets, e.g. {example}", example=example))
        return None
    if not isinstance(value, list) or not value:
        col.error(where, msg("must list at least one ({what})",
                             what=what), msg("e.g. {example}", example=example))
        return None
    out: list[str] = []
    for k, item in enumerate(value, start=1):
        text = nfc(item) if isinstance(item, str | int | float) and \
            not isinstance(item, bool) else ""
        if not text:
            col.error(f"{where}[{k}]", msg("empty (or not a text)"),
                      msg("give a name, or remove the empty entry; e.g. {example}",
                          example=example))
            return None
        if len(text) > max_len:
            col.error(f"{where}[{k}]", msg("{length:,} characters long", length=len(text)),
                      msg("shorten it to at most {max_len} characters", max_len=max_len))
            return None
        out.append(text)
    return out


def _text(value: Any, where: str, col: _Collector, max_len: int) -> str:
    """A name or id as NFC text; reported (and cut) when longer than ``max_len``."""
    text = nfc(value) if not isinstance(value, dict | list) else ""
    if isinstance(value, dict | list):
        col.error(where, msg("must be a text, not a list or a mapping"), msg("give a short text"))
    elif len(text) > max_len:
        col.error(where, msg("{length:,} characters long", length=len(text)),
                  msg("shorten it to at most {max_len} characters", max_len=max_len))
        return text[:max_len]
    return text


def _window_field(value: Any, where: str, col: _Collector) -> Window | None:
    """A ``HH:MM-HH:MM`` field as a ``Window``; None, with the problem reported."""
    try:
        return parse_window(value)
    except ValueError as exc:
        col.error(where, reason_of(exc),
                  msg("write it as HH:MM-HH:MM with the end after the start"))
        return None


def _check_unknown(data: dict, known: set[str], where: str, col: _Collector) -> None:
    """Report every key of ``data`` that is not in ``known`` (``where`` prefixes its name)."""
    for key in data:
        if str(key) not in known:
            col.error(f"{where}{_clip(key)}", msg("unknown field"), _suggest(_clip(key), known))
