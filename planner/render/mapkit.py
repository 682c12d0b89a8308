"""folium loaded and rendered the cheap way, with the same bytes out.

Two costs of folium that our maps do not need (about half of drawing a map):

- **pandas.** folium imports pandas only to accept a ``DataFrame`` as a
  location or as data, which no map of ours gives it. ``load_folium`` imports
  folium with pandas hidden (folium then runs without it, as it is written to)
  when pandas is not loaded yet and this process runs one thread (hiding a
  module is seen by every thread); otherwise it imports folium as usual.
- **Compiling rendered text again.** branca wraps the rendered text of every
  element (a marker's script, a popup's HTML, each line's options) in a new
  ``Element``, whose text becomes a ``jinja2.Template``: compiled to Python,
  then rendered once, ~1,900 compilations for the demo day's four maps. A text
  with no Jinja syntax (no ``{{``, ``{%``, ``{#``) renders to itself, with
  Jinja's newline rules (``\\r\\n`` and ``\\r`` become ``\\n``, one trailing
  newline is dropped). ``text_template`` returns such a text's rendering
  without compiling it, and a real (cached) ``Template`` for any other text;
  ``load_folium`` makes branca's ``Element`` use it.
"""

from __future__ import annotations

import re
import sys
import threading
from functools import lru_cache
from types import ModuleType

_NEWLINE = re.compile(r"(\r\n|\r|\n)")  # jinja2.lexer.newline_re
_SYNTAX = ("{{", "{%", "{#")  # the default environment's block, variable and comment starts


def rendered_text(source: str) -> str:
    """What ``jinja2.Template(source).render()`` gives for a ``source`` with
    no Jinja syntax: its lines joined by ``\\n``, without one trailing newline
    (``jinja2.lexer.Lexer.tokeniter``, ``keep_trailing_newline=False``)."""
    lines = _NEWLINE.split(source)[::2]
    if lines[-1] == "":
        del lines[-1]
    return "\n".join(lines)


class TextTemplate:
    """A template of plain text (no Jinja syntax): ``render`` returns its
    rendering (``rendered_text``) whatever the arguments; any other attribute
    of a ``jinja2.Template`` comes from the template compiled on first use."""

    __slots__ = ("source", "text")

    def __init__(self, source: str) -> None:
        self.source = source
        self.text = rendered_text(source)

    def render(self, *_args, **_kwargs) -> str:
        """The text (as ``jinja2.Template(source).render(...)`` gives it)."""
        return self.text

    def __getattr__(self, name: str):
        return getattr(compiled_template(self.source), name)


@lru_cache(maxsize=256)
def compiled_template(source: str):
    """``jinja2.Template(source)``, compiled once per process for each source."""
    # imported here: Jinja loads only when a map or a PDF is drawn
    from jinja2 import Template

    return Template(source)


def text_template(source: str):
    """The template branca's ``Element(source)`` gets: a ``TextTemplate``
    when ``source`` has no Jinja syntax, else the compiled (cached) template."""
    if any(start in source for start in _SYNTAX):
        return compiled_template(source)
    return TextTemplate(source)


def load_folium() -> ModuleType:
    """The ``folium`` module, imported without pandas where that is safe (see
    the module's text), with branca's ``Element`` using ``text_template``."""
    if "folium" not in sys.modules and "pandas" not in sys.modules \
            and threading.active_count() == 1:
        sys.modules["pandas"] = None  # type: ignore[assignment]  # import pandas: ImportError
        try:
            # imported here: the map libraries load only when a map is drawn
            import folium
        finally:
            del sys.modules["pandas"]
    # imported here: the map libraries load only when a map is drawn
    import branca.element
    import folium

    branca.element.Template = text_template  # type: ignore[assignment]
    return folium
