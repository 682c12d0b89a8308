"""``plan.py serve``: the team leader's workspace, a local web app."""

from __future__ import annotations

import os
import threading
import webbrowser
from pathlib import Path

import click

from planner.cli.helptext import HelpCommand
from planner.cli.options import FiniteRange


@click.command(cls=HelpCommand)
@click.argument("workspace", type=click.Path(path_type=Path, file_okay=False),
                default=Path("workspace"))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Another than 127.0.0.1 opens the workspace to the "
                   "network and needs a password (PLANNER_PASSWORD, else asked here).")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--no-browser", is_flag=True, help="Do not open the browser.")
@click.option("--time-limit", type=FiniteRange(0.1, 600), default=1.0, show_default=True,
              help="Solver time limit per planned day in the workspace's jobs, in seconds.")
def serve(workspace: Path, host: str, port: int, no_browser: bool, time_limit: float) -> None:
    """Start the workspace in WORKSPACE (default: ./workspace) and open it.

    The pages (Vietnamese, with an English switch): Start (open a campaign
    or create one from the demo or a scenario folder in WORKSPACE), Check,
    Tomorrow (plan it; the map and the lists), Hand out, Outcomes, Campaign.
    Everything works with no internet; files are read and written only
    inside WORKSPACE. Stop it with Ctrl+C.

    \b
    Examples:
      python plan.py serve
      PLANNER_PASSWORD=... python plan.py serve ~/xa --host 0.0.0.0
    """
    # imported here: the web stack is heavy and --help must stay instant
    import uvicorn

    from planner.web.app import create_app
    from planner.web.security import is_loopback

    password = os.environ.get("PLANNER_PASSWORD") or None
    if not is_loopback(host) and password is None:
        try:
            password = click.prompt("Password for the workspace", hide_input=True,
                                    confirmation_prompt=True, default="",
                                    show_default=False) or None
        except click.exceptions.Abort:
            password = None
    app = create_app(workspace, host=host, password=password, time_limit_s=time_limit)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    click.echo(f"workspace {workspace.resolve()} at {url} (Ctrl+C to stop)", err=True)
    if not no_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")
