"""Words for people, for the front ends: translations and the texts that
summarise a job's result (a day's plan, a campaign's calendar, re-planning,
staffing and province tables). Each takes the result and a language.

The campaign's texts (calendar, re-planning, staffing and province tables)
load the campaign stack (the province, sweeps and staffing modules, about
0.1 s): they are imported on first use (``__getattr__``), so that a day's
job, which needs only ``summary_text`` and the translations, does not load
them (``plan.py day`` and ``demo`` wait for it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planner.render.i18n import (
    N_,
    LocalNumber,
    error_text,
    fiction_banner,
    gettext_for,
    message_text,
    ngettext_for,
    problem_text,
    short_date,
    where_text,
)
from planner.render.summary import summary_text

if TYPE_CHECKING:  # loaded on first use (``__getattr__``)
    from planner.campaign.chart import province_table, staffing_table
    from planner.campaign.province import TARGET_P
    from planner.campaign.report import calendar_text, province_campaign_text, tomorrow_text

__all__ = ["N_", "LocalNumber", "TARGET_P", "calendar_text", "error_text", "fiction_banner",
           "gettext_for", "message_text", "ngettext_for", "problem_text", "province_campaign_text",
           "province_table", "short_date", "staffing_table", "summary_text", "tomorrow_text",
           "where_text"]

_CAMPAIGN_WORDS = {"province_table": "chart", "staffing_table": "chart", "TARGET_P": "province",
                   "calendar_text": "report", "province_campaign_text": "report",
                   "tomorrow_text": "report"}
"""The campaign's names (``__all__``) and the module of ``planner.campaign`` each comes from."""


def __getattr__(name: str) -> Any:
    """A campaign text (``_CAMPAIGN_WORDS``), imported on first use and kept
    in this module's namespace."""
    if name not in _CAMPAIGN_WORDS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # imported here: the campaign stack loads only for a campaign's texts, not a day's
    from planner.campaign import chart, province, report

    value = getattr({"chart": chart, "province": province, "report": report}
                    [_CAMPAIGN_WORDS[name]], name)
    globals()[name] = value
    return value
