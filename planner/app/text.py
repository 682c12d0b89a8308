"""Words for people, for the front ends: translations and the texts that
summarise a job's result (a day's plan, a campaign's calendar, re-planning,
staffing and province tables). Each takes the result and a language."""

from __future__ import annotations

from planner.campaign.chart import province_table, staffing_table
from planner.campaign.province import TARGET_P
from planner.campaign.report import calendar_text, province_campaign_text, tomorrow_text
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

__all__ = ["N_", "LocalNumber", "TARGET_P", "calendar_text", "error_text", "fiction_banner",
           "gettext_for", "message_text", "ngettext_for", "problem_text", "province_campaign_text",
           "province_table", "short_date", "staffing_table", "summary_text", "tomorrow_text",
           "where_text"]
