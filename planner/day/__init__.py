"""The one day planner: a scenario (or a day of a campaign) and its travel
matrices in, a checked ``Plan`` out, with every mode (home visits, shuttles,
collection points, ``auto``).

Modules, in the order of the flow (each imports only those before it, at
module level; ``tests/day/test_day_imports.py`` checks it):
``needs`` (what the day asks for) → ``problem`` (what some team could serve,
the routing arrays and the lexicographic prizes) → ``timing`` (the earliest
feasible schedule of a route) → ``verify`` (the plan's self-check, with the
proof of the priority rule) → ``repair`` (after the search: points opened for
the invited or not at all; the priority rule made true) → ``plan``
(``plan_day``: solve, repair, timed stops, unserved with reasons). Rules shared
with the campaign and the documents (``common_windows``, ``home_residents``,
``day_limits``) live below in ``planner.rules``; priority tiers in
``planner.priorities``.
"""
