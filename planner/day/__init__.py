"""The one day planner: a scenario (or a day of a campaign) and its travel
matrices in, a checked ``Plan`` out, with every mode (home visits, shuttles,
collection points, ``auto``).

Modules, in the order of the flow (each imports only those before it):
``needs`` (what the day asks for) → ``problem`` (what some team could serve,
and the routing arrays) → ``verify`` (the plan's self-check) → ``plan``
(``plan_day``: solve, timed stops, unserved with reasons). Rules shared with the
campaign and the documents (``common_windows``, ``home_residents``,
``day_limits``) live below in ``planner.rules``.
"""
