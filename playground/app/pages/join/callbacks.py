"""The student's page's one callback: drawn → its browser module (``assets/join.js``) takes over.

Everything after that is the browser's: the rooms' HTTP API, the boundary, the sliders, the votes.
"""

from __future__ import annotations

import dash
from dash import Input, Output, State

from playground.app.pages.join import ids


def register_callbacks(app: dash.Dash) -> None:
    """Wire the page's browser callback into ``app``."""
    app.clientside_callback(
        dash.ClientsideFunction("join", "mount"),
        Output(ids.MOUNTED, "data"),
        Input(ids.MOUNTED, "data"),
        State(ids.CODE, "data"),
    )
