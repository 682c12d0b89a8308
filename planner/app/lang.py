"""The catalogs for a front end that must stay light (``plan.py --help``):
only the translations load, none of the planning modules."""

from __future__ import annotations

from planner.render.i18n import LANGS, gettext_for

__all__ = ["LANGS", "gettext_for"]
