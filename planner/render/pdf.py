"""Printing with WeasyPrint: the Jinja environment, the bundled font, no downloads.

Templates live in ``planner/render/templates`` and are rendered with HTML
autoescaping, so every user-supplied text is escaped. The font (DejaVu Sans
Condensed, with Vietnamese glyphs; licence in ``fonts/LICENSE-DejaVu.txt``) is
bundled and referenced by a ``file://`` URL, so that a PDF looks the same on
any machine. WeasyPrint may fetch only ``file://`` and ``data:`` URLs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from planner.render.i18n import Gettext, nfc, translations

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
FONTS = HERE / "fonts"
FONT_REGULAR = FONTS / "DejaVuSansCondensed.ttf"
FONT_BOLD = FONTS / "DejaVuSansCondensed-Bold.ttf"


@lru_cache(maxsize=4)
def environment(lang: str):
    """A Jinja environment with autoescaping and the catalog of ``lang``."""
    # imported here: the map libraries load only when a map is drawn
    from jinja2 import Environment, FileSystemLoader, StrictUndefined


    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      undefined=StrictUndefined, extensions=["jinja2.ext.i18n"],
                      trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (for ``content:`` in page margins)."""
    out = "".join(c if c.isalnum() or c in " .,:;–-_/()·" else f"\\{ord(c):x} " for c in text)
    return out


def stylesheet(_: Gettext, footer: str, orientation: str = "portrait") -> Markup:
    """The shared print CSS, with the font URLs and the margin texts filled in."""
    text = (TEMPLATES / "base.css").read_text(encoding="utf-8")
    values = {"font_regular": FONT_REGULAR.as_uri(), "font_bold": FONT_BOLD.as_uri(),
              "footer": css_string(nfc(footer)), "page_word": css_string(_("Page")),
              "orientation": orientation}
    for key, value in values.items():
        text = text.replace("{{ " + key + " }}", value)
    if "</" in text:
        raise ValueError("the print stylesheet may not contain '</'")
    return Markup(text)


def url_fetcher():
    """WeasyPrint's fetcher, limited to ``file:`` and ``data:`` URLs: a renderer
    never downloads. (WeasyPrint ≥ 68 takes a ``URLFetcher``; older versions a
    function.)"""
    try:
        # imported here: WeasyPrint (and Pango) load only when a PDF is printed
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint < 68
        from weasyprint.urls import default_url_fetcher

        def fetch(url: str, *args, **kwargs):
            if not url.startswith(("file:", "data:")):
                raise ValueError(f"refusing to fetch {url}: documents are rendered offline")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
    return URLFetcher(allowed_protocols={"file", "data"})


def pdf_unavailable() -> str:
    """Why PDFs cannot be printed on this machine, or '' when they can.

    WeasyPrint needs the Pango and HarfBuzz system libraries; without them its
    import fails with ``OSError``.
    """
    try:
        # imported here: WeasyPrint (and Pango) load only when a PDF is printed
        import weasyprint  # noqa: F401
    except OSError as exc:
        return (f"printable PDFs need the Pango library, which is missing ({exc}); on "
                "Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0")
    return ""


def render_pdf(template: str, lang: str, **context) -> bytes:
    """Render ``template`` with ``context`` (texts NFC) and print it to PDF bytes."""
    # imported here: WeasyPrint (and Pango) load only when a PDF is printed
    from weasyprint import HTML

    page = nfc(environment(lang).get_template(template).render(lang=lang, **context))
    return HTML(string=page, base_url=str(TEMPLATES), url_fetcher=url_fetcher()).write_pdf()


def warm_up(lang: str) -> None:
    """Print a small page with the shared stylesheet and its fonts, thrown
    away: what WeasyPrint and Pango load on a process's first document is then
    loaded, and a drawing process forked afterwards starts with it (about
    0.1 s of its first PDF). Later documents are the same bytes."""
    # imported here: WeasyPrint (and Pango) load only when a PDF is printed
    from weasyprint import HTML

    page = nfc(f"<html><head><style>{stylesheet(translations(lang).gettext, '')}</style>"
               "</head><body><h1>Xã</h1><p>đường <b>đậm</b> <i>nghiêng</i></p>"
               "<table><tr><td>1</td></tr></table>"
               "<svg width='8' height='8'><path d='M0 0L4 4'/></svg></body></html>")
    HTML(string=page, base_url=str(TEMPLATES), url_fetcher=url_fetcher()).write_pdf()
