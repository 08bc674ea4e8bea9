"""The Dash app factory: pages on one session.

The root layout holds the navigation bar and the session's stores, outside the page
container, so whatever one page builds (points, network, settings) is there on the others.
Callbacks only read what the browser sends: no session state lives on the server or in
module globals, so any number of sessions (and gunicorn workers) never see each other.

Every package in ``playground/app/pages`` is a page: its ``register(app)`` registers it with
Dash, with everything the shared layers need to know of it (``session.pages``), so adding a
page touches no shared file.
"""

from __future__ import annotations

import importlib
import pkgutil

import dash
from dash import html

from playground.app import pages
from playground.app.rooms import api as rooms_api
from playground.app.server import checks, routes
from playground.app.server.classmode import background_manager
from playground.app.server.contract import browser_contract, contract_script
from playground.app.server.guard import RequestGuard
from playground.app.session import stores
from playground.app.ui.components import navigation_bar, register_navigation
from playground.resources import project_folder

# The project's assets/ folder (CSS and the browser code).
ASSETS = project_folder("assets")


def page_modules() -> list:
    """Every page package under playground/app/pages."""
    return [
        importlib.import_module(f"{pages.__name__}.{name}")
        for _, name, is_package in pkgutil.iter_modules(pages.__path__)
        if is_package
    ]


def root_layout() -> html.Div:
    """Built afresh for every visitor: a new session's stores, the navigation and the page."""
    return html.Div(className="app", children=[*stores.stores(), navigation_bar(), dash.page_container])


def create_app(allowed_hosts: set[str] | None = None) -> dash.Dash:
    """A new Dash app; call ``app.run()`` or hand ``app.server`` to a WSGI server.

    ``allowed_hosts``: the Host names the server answers to (None: any, for a server bound
    to localhost only).
    """
    app = dash.Dash(
        __name__,
        title="Neural Playground",
        assets_folder=str(ASSETS),
        update_title=None,  # type: ignore[arg-type]  # Dash documents None (no "Updating…" title); its annotation says str
        use_pages=True,
        pages_folder="",
        background_callback_manager=background_manager(),
        on_error=checks.report_callback_error,
    )
    for page in page_modules():
        page.register(app)
    # Every page is drawn from the session's stores (the router builds its layout from them).
    app.routing_callback_inputs = stores.routing_states()
    stores.register(app)
    register_navigation(app)
    # The browser's contract, before any asset script runs (see playground.app.server.contract).
    app.index_string = app.index_string.replace("{%scripts%}", contract_script(browser_contract()) + "{%scripts%}")
    app.layout = root_layout
    routes.register_routes(app.server)
    app.server.register_blueprint(rooms_api.api)  # the rooms' HTTP API (docs/rooms.md)
    checks.register(app)
    # Every request is bounded before the app reads it (sizes, depth, time, Host; see guard).
    app.server.wsgi_app = RequestGuard(
        app.server.wsgi_app, routes.route_table(), allowed_hosts, {rooms_api.PREFIX: rooms_api.BODY_LIMIT}
    )
    return app
