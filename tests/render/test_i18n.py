"""Catalogs: complete, compiled, NFC; Vietnamese by default, English on request."""

from __future__ import annotations

import gettext
import unicodedata
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from planner.render.i18n import LOCALE_DIR, gettext_for, initials, translations

ROOT = Path(__file__).resolve().parents[2]


def _po():
    with open(LOCALE_DIR / "vi" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh)


def test_mo_is_up_to_date_with_po():
    """The committed .mo holds exactly the .po's translations (recompile with
    `pybabel compile -d planner/locale` after editing the .po)."""
    with open(LOCALE_DIR / "vi" / "LC_MESSAGES" / "messages.mo", "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    po = {}
    for m in _po():
        if not m.id or not m.string or m.fuzzy:
            continue
        if isinstance(m.id, tuple):  # plural forms: (singular, n) → form n
            po.update({(m.id[0], n): text for n, text in enumerate(m.string)})
        else:
            po[m.id] = m.string
    compiled = {k: v for k, v in mo._catalog.items() if k}  # type: ignore[attr-defined]
    assert compiled == po


def test_every_message_is_translated():
    """Every message in the code and templates has a Vietnamese translation in
    NFC, with the same {placeholders}."""
    method_map = [("planner/**.py", "python"),
                  ("planner/render/templates/**.html", "jinja2")]
    options = {"planner/render/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = {msg[2] if isinstance(msg[2], str) else msg[2][0]
             for msg in extract_from_dir(str(ROOT), method_map, options,
                                         keywords={"_": None, "N_": None, "gettext": None})}
    po = {}
    for m in _po():  # plural forms: checked by their singular and first form
        if m.id:
            po[m.id[0] if isinstance(m.id, tuple) else m.id] = \
                m.string[0] if isinstance(m.string, tuple) else m.string
    missing = sorted(found - {k for k, v in po.items() if v})
    assert missing == []
    for msgid, text in po.items():
        assert unicodedata.is_normalized("NFC", text), msgid
        for ph in ("{m}", "{windows}", "{station}", "{date}", "{village}", "{names}"):
            assert (ph in msgid) == (ph in text), (msgid, ph)


def test_vietnamese_by_default_english_on_request():
    """The default language is Vietnamese; "en" returns the English messages."""
    assert gettext_for()("bedridden") == "nằm liệt giường"
    assert gettext_for("vi")("Itinerary") == "Lịch trình"
    assert gettext_for("vi")("Household") == "Hộ gia đình"
    assert gettext_for("en")("Itinerary") == "Itinerary"
    assert isinstance(translations("en"), gettext.NullTranslations)


def test_initials():
    """Redaction keeps one letter per word, NFC, and drops remarks."""
    assert initials("Sùng Thị Chở") == "S.T.C."
    assert initials("Ỏn  Lò") == "Ỏ.L."
    assert initials("Lò Văn Thành (tổ trưởng)") == "L.V.T."
    assert unicodedata.is_normalized("NFC", initials("O\u0300n"))
