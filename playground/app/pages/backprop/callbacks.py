"""The backprop page's callbacks: all in the browser (``assets/backprop.js``).

The page asks its route for the session's next step as it is drawn, walks the frames the answer
holds with ‹ › (and → ←), asks again for another point or the next batch, and hands the step to
the session (its one change store, ``backprop-apply``) when *apply this step* is pressed.
"""

from __future__ import annotations

import dash
from dash import Input, Output, State

from playground.app.pages.backprop import ids
from playground.app.session import stores

SESSION_STATES = [State(stores.NETWORK, "data"), State(stores.DATA, "data"), State(stores.SETTINGS, "data"),
                  State(stores.TRAINING, "data")]  # fmt: skip


def register_callbacks(app: dash.Dash) -> None:
    """Wire the page's browser callbacks into ``app``."""
    browser = dash.ClientsideFunction
    app.clientside_callback(
        browser("backprop", "mount"), Output(ids.MOUNTED, "data"), Input(ids.MOUNTED, "data"), *SESSION_STATES
    )
    app.clientside_callback(
        browser("backprop", "adopt"), Input(stores.REVISION, "data"), *SESSION_STATES, prevent_initial_call=True
    )
    for button, action in ((ids.BACK, "back"), (ids.FORWARD, "forward"), (ids.NEXT_BATCH, "nextBatch"),
                           (ids.APPLY, "apply")):  # fmt: skip
        app.clientside_callback(browser("backprop", action), Input(button, "n_clicks"), prevent_initial_call=True)
    app.clientside_callback(browser("backprop", "point"), Input(ids.POINT, "value"), prevent_initial_call=True)
