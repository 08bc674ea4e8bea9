"""The projector page's one callback: tell its browser module (``assets/room.js``) that the page was
drawn, and which room it shows. Everything else happens in the browser, against the room's HTTP API:
the page polls the board every second, and a teacher's click goes straight to the API."""

from __future__ import annotations

import dash
from dash import Input, Output, State

from playground.app.pages.room import ids


def register_callbacks(app: dash.Dash) -> None:
    """Wire the page's callback into ``app``."""
    app.clientside_callback(
        dash.ClientsideFunction("room", "mount"),
        Output(ids.MOUNTED, "data"),
        Input(ids.MOUNTED, "data"),
        State(ids.ROOM, "data"),
    )
