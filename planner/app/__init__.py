"""The application layer: one function per user job, under every front end.

Each job takes a typed request (paths, dates, options) and returns a typed
result (the plan, the files written, the warnings); progress goes to a
``planner.app.progress.Progress``, never to print. The command line
(``planner.cli``) and the web workspace only translate to and from these.

- check a scenario or a province: ``app.day.check(path)``
- plan a day (and the demo): ``app.day.plan_day(DayRequest)``, ``demo_request``
- draw a plan again: ``app.day.render_plan(RenderRequest)``
- plan a campaign: ``app.campaign.plan_campaign(CampaignRequest)``, for a
  province ``app.province.plan_province_campaign``
- record outcomes: ``app.outcomes.record(RecordRequest)``,
  ``outcomes_template(TemplateRequest)``
- re-plan tomorrow: ``app.campaign.replan_tomorrow(TomorrowRequest)``
- one household's hand action, previewed then kept (the workspace's Edit
  page): ``app.handedit.preview(HandRequest)``, ``keep``; the names of a
  campaign's households: ``app.people.campaign_names(folder)``
- staffing: ``app.staffing.staffing(StaffingRequest)``
- roads: ``app.roads.import_roads``, ``fetch_roads``, ``roads_info``, ``learn_speeds``
- create a commune from a households list and a settings form (the web
  Start page), fix its list: ``app.commune.create_commune(CommuneRequest)``,
  ``replace_households``, ``edit_row``, ``marked_list``

Words for people (translations, summaries, tables) come from ``app.text``.
This package's own module imports only what is light, so that a front end
can import it at start-up; the job modules are imported when a job runs.
"""

from __future__ import annotations

from planner.dates import parse_day
from planner.errors import N_, InputError, PlannerError, Problem

__all__ = ["N_", "InputError", "PlannerError", "Problem", "parse_day"]
