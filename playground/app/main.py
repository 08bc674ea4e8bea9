"""The Dash app factory.

The layout is a function, built afresh for every page load, and callbacks only
read what the browser sends: no session state lives on the server or in module
globals, so any number of sessions (and gunicorn workers) never see each other.
"""

from __future__ import annotations

import dash

from playground.app import playground_page
from playground.resources import project_folder

# The project's assets/ folder (CSS and the browser-side network maths).
ASSETS = project_folder("assets")
MAX_UPLOAD_BYTES = 5_000_000


def create_app() -> dash.Dash:
    """A new Dash app; call ``app.run()`` or hand ``app.server`` to a WSGI server."""
    app = dash.Dash(__name__, title="Neural Playground", assets_folder=str(ASSETS), update_title=None)
    # Refuse oversized requests (uploads arrive inside callback requests) before reading them.
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD_BYTES * 2
    app.layout = playground_page.layout
    playground_page.register_callbacks(app)
    return app
