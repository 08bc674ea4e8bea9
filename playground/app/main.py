"""The Dash app factory: pages on one session.

The root layout holds the navigation bar and the session's stores, outside the page
container, so whatever one page builds (points, network, settings) is there on the others.
Callbacks only read what the browser sends: no session state lives on the server or in
module globals, so any number of sessions (and gunicorn workers) never see each other.
"""

from __future__ import annotations

import dash
from dash import html

from playground.app import api, checks, session
from playground.app.classmode import background_manager
from playground.app.components import navigation_bar, register_navigation
from playground.app.contract import browser_contract, contract_script
from playground.app.guard import RequestGuard
from playground.app.pages import descent, images, landscape, playground
from playground.limits import current as current_limits
from playground.resources import project_folder

# The project's assets/ folder (CSS and the browser code).
ASSETS = project_folder("assets")
PAGES = (playground, descent, landscape, images)


def page_ids() -> dict[str, dict[str, str]]:
    """Each page's component ids, for its browser module (so the browser never types them)."""
    from playground.app.pages.descent import ids as descent_ids
    from playground.app.pages.images import ids as images_ids
    from playground.app.pages.landscape import ids as landscape_ids
    from playground.app.pages.playground import ids as playground_ids

    return {"playground": playground_ids.IDS, "descent": descent_ids.IDS, "landscape": landscape_ids.IDS,
            "images": images_ids.IDS}


def page_settings() -> dict[str, dict]:
    """Constants a page's browser code shares with its Python (the weight sliders' least range)."""
    from playground.app.pages.playground.layout import SLIDER_RANGE

    return {"playground": {"slider_range": SLIDER_RANGE}}


def upload_rules() -> list[dict]:
    """Every upload's size limit and the line its page says an oversized file on (the browser
    drops such a file without a word: assets/uploads.js)."""
    from playground.app.pages.landscape import ids as landscape_ids
    from playground.app.pages.landscape.slice_logic import slice_upload_bytes
    from playground.app.pages.playground import ids as playground_ids

    limits = current_limits()
    return [
        {"upload": playground_ids.CSV_UPLOAD, "limit": limits.csv_bytes, "message": playground_ids.DATA_MESSAGE},
        {"upload": playground_ids.JSON_UPLOAD, "limit": limits.json_upload_bytes,
         "message": playground_ids.SHARE_MESSAGE},
        {"upload": landscape_ids.SLICE_UPLOAD, "limit": slice_upload_bytes(), "message": landscape_ids.SLICE_MESSAGE},
    ]


def root_layout() -> html.Div:
    """Built afresh for every visitor: a new session's stores, the navigation and the page."""
    return html.Div(className="app", children=[*session.stores(), navigation_bar(), dash.page_container])


def create_app(allowed_hosts: set[str] | None = None) -> dash.Dash:
    """A new Dash app; call ``app.run()`` or hand ``app.server`` to a WSGI server.

    ``allowed_hosts``: the Host names the server answers to (None: any, for a server bound
    to localhost only).
    """
    app = dash.Dash(__name__, title="Neural Playground", assets_folder=str(ASSETS), update_title=None,
                    use_pages=True, pages_folder="", routing_callback_inputs=session.ROUTING_STATES,
                    background_callback_manager=background_manager(), on_error=checks.report_callback_error)
    for page in PAGES:
        page.register(app)
    register_navigation(app)
    # The browser's contract, before any asset script runs (see playground.app.contract).
    contract = contract_script(browser_contract(page_ids(), upload_rules(), page_settings()))
    app.index_string = app.index_string.replace("{%scripts%}", contract + "{%scripts%}")
    app.layout = root_layout
    api.register_routes(app.server)
    checks.register(app)
    # Every request is bounded before the app reads it (sizes, depth, time, Host; see guard).
    app.server.wsgi_app = RequestGuard(app.server.wsgi_app, allowed_hosts)
    return app
