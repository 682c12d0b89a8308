"""The team leader's workspace: a local web app over the application layer
(``planner.app``), started by ``plan.py serve``. See docs/workspace.md.

- ``app``: ``create_app(workspace, host, password)``, the FastAPI app;
- ``base``: sessions, language, the CSRF-checked form, campaign folders;
- ``pages``: the pages (Start, Check, Tomorrow, Hand out, Outcomes, Campaign);
- ``jobs``: long jobs in their own process, with progress and cancel;
- ``security``: where it may listen, the password, sessions, paths, uploads;
- ``views``: what a page shows, shaped from the application layer's results.

It imports from the project only ``planner.app`` and ``planner.web``.
"""
